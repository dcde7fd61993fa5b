"""A per-process cache of rendered pages whose content is fixed by a key (filing version,
status, last activity, user, role), with the CSRF token filled in per request.

Pages with flashed messages are never cached or served from the cache.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Callable, Hashable

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

MAX_PAGES = 256
MAX_TOKENS = 4096
_MARK = "csrf-" + secrets.token_hex(16)
_MARK_BYTES = _MARK.encode()
_pages: OrderedDict[Hashable, bytes] = OrderedDict()
_signed: dict[tuple[str, str], str] = {}
_lock = threading.Lock()      # gthread workers share the caches between threads


def csrf_token() -> str:
    """The template global: a placeholder while rendering for the cache, else the real token.

    Signing the session's token costs as much as serving a cached page, and without a time
    limit (WTF_CSRF_TIME_LIMIT None) the signed form never expires, so it is signed once per
    process for each session token and secret."""
    if g.get("rendering_for_cache"):
        return _MARK
    if current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None or "csrf_token" not in session:
        return generate_csrf()
    key = (current_app.secret_key, session["csrf_token"])
    signed = _signed.get(key)
    if signed is None:
        signed = generate_csrf()
        with _lock:
            if len(_signed) >= MAX_TOKENS:
                _signed.clear()
            _signed[key] = signed
    return signed


def cached(key: Hashable, render: Callable[[], str]) -> str | bytes:
    """The page for `key`, rendered once per process and completed with this request's token
    (kept encoded: the response body is then a copy, not an encoding, of 15 kB of HTML)."""
    if session.get("_flashes"):
        return render()
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        g.rendering_for_cache = True
        try:
            page = render().encode()
        finally:
            g.rendering_for_cache = False
        with _lock:
            _pages[key] = page
            if len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return page.replace(_MARK_BYTES, csrf_token().encode())
