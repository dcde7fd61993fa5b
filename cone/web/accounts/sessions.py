"""A signed-in session bound to the client that signed in (its address and user agent), and
begun and ended on a cleared session, so that nothing of the session before (its CSRF token
above all) carries over to the next.

Flask-Login's own session protection prefers a raw X-Forwarded-For header, which any client
can write (a stolen cookie would work from anywhere by naming its owner's address), so it is
off and the binding is checked here, with the address as the app sees it
(`request.remote_addr`, which ProxyFix corrects when CONE_TRUSTED_PROXIES is set).
"""
from __future__ import annotations

import hashlib
import hmac

from flask import request, session
from flask_login import login_user, logout_user

from ..models import User

CLIENT_KEY = "cone_client"


def client_identifier() -> str:
    """A digest of the client's address and user agent."""
    return hashlib.sha512(f"{request.remote_addr}|{request.headers.get('User-Agent', '')}".encode()).hexdigest()


def sign_in(user: User) -> None:
    """Sign `user` in on a fresh session (a new CSRF token) bound to this client."""
    session.clear()
    login_user(user)
    session[CLIENT_KEY] = client_identifier()


def sign_out() -> None:
    """Sign this browser out and clear its session (a new CSRF token for whoever signs in next)."""
    session.clear()
    logout_user()


def bound_to_this_client() -> bool:
    """False, after signing the session out, when it was signed in from another client."""
    if hmac.compare_digest(session.get(CLIENT_KEY, ""), client_identifier()):
        return True
    sign_out()
    return False
