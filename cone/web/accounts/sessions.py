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

import json

from flask import request, session
from flask_login import current_user, login_user, logout_user

from ..models import User
from . import user_sessions

CLIENT_KEY = "cone_client"
RESUME_KEY = "cone_resume"          # a form sent after the session ended, offered again after sign-in
RESUME_MAX_CHARS = 2000             # (the cookie carries it: larger forms are not kept, and the page says so)
SECRET_FIELDS = ("csrf_token", "password", "current", "new", "confirm")   # never kept in the cookie


def client_identifier() -> str:
    """A digest of the client's address and user agent."""
    return hashlib.sha512(f"{request.remote_addr}|{request.headers.get('User-Agent', '')}".encode()).hexdigest()


def sign_in(user: User) -> None:
    """Sign `user` in on a fresh session (a new CSRF token) bound to this client."""
    resume = session.get(RESUME_KEY)
    session.clear()
    login_user(user)
    session[CLIENT_KEY] = client_identifier()
    user_sessions.start(user.id)
    if resume is not None:
        session[RESUME_KEY] = resume


def sign_out() -> None:
    """Sign this browser out and clear its session (a new CSRF token for whoever signs in next)."""
    user_sessions.end_this()
    session.clear()
    logout_user()


def _kept_form() -> dict:
    """What a POST that arrived after its session ended carried (not its CSRF token, passwords nor files)."""
    fields = [[k, v] for k, v in request.form.items(multi=True) if k not in SECRET_FIELDS]
    kept = {"path": request.path, "fields": fields, "files": bool(request.files)}
    if len(json.dumps(kept)) > RESUME_MAX_CHARS:
        kept = {"path": request.path, "fields": [], "files": bool(request.files), "too_large": True}
    return kept


def bound_to_this_client() -> bool:
    """False, after signing the session out, when it was signed in from another client, or its
    record ended (expired, idle, or signed out elsewhere): the sign-in page then says why, and a
    form this request carried is offered again after signing in."""
    if not hmac.compare_digest(session.get(CLIENT_KEY, ""), client_identifier()):
        sign_out()
        return False
    reason = user_sessions.check(int(current_user.id))
    if reason is None:
        return True
    kept = _kept_form() if request.method == "POST" and request.form else None
    sign_out()
    session[user_sessions.ENDED_KEY] = reason
    if kept is not None:
        session[RESUME_KEY] = kept
    return False
