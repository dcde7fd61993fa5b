"""Flask's signed-cookie sessions, with each distinct cookie verified once per process.

A browser sends the same session cookie with every request until the session changes, and
checking it (two HMACs, base64, zlib, JSON) took a sixth of the time of serving a cached
page. The memo maps the exact cookie text to its verified content and signing time: expiry
is still checked on every request, and a cookie changed in any way is new text that is
verified in full.

`client_identifier` binds a signed-in session to the client's address and user agent.
"""
from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

MAX_COOKIES = 4096


class VerifiedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._verified: OrderedDict[tuple[object, str], tuple[dict | str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, cookie)
        with self._lock:
            known = self._verified.get(key)
        if known is None:
            signer = self.get_signing_serializer(app)
            try:
                data, signed_at = signer.loads(cookie, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            flat = all(isinstance(v, (str, int, float, bool)) or v is None for v in data.values())
            known = (data if flat else self.serializer.dumps(data), signed_at.timestamp())
            with self._lock:
                self._verified[key] = known
                if len(self._verified) > MAX_COOKIES:
                    self._verified.popitem(last=False)
        if time.time() - known[1] > max_age:
            return self.session_class()
        content = known[0]
        if isinstance(content, str):      # holds lists or dicts: a fresh copy, so no request changes another's
            return self.session_class(self.serializer.loads(content))
        return self.session_class(content)   # only strings, numbers, booleans: a shallow copy is a copy


def client_identifier() -> str:
    """Flask-Login's session-protection identifier, from the client's address as the app
    sees it (`request.remote_addr`, which ProxyFix corrects when CONE_TRUSTED_PROXIES is
    set) and its user agent.

    Flask-Login's own generator prefers a raw X-Forwarded-For header, which any client can
    write: a stolen cookie would work from anywhere by naming its owner's address. It also
    hashed on every request; a client keeps its address and agent, so this hashes once."""
    return _identifier(request.remote_addr, request.headers.get("User-Agent", ""))


@functools.lru_cache(maxsize=MAX_COOKIES)
def _identifier(address: str | None, user_agent: str) -> str:
    return hashlib.sha512(f"{address}|{user_agent}".encode()).hexdigest()
