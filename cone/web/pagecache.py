"""A per-process cache of rendered pages whose content is fixed by a key (filing version,
status, last activity, user, role), with the CSRF token filled in per request.

Pages with flashed messages are never cached or served from the cache.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Callable, Hashable

from flask import g, session
from flask_wtf.csrf import generate_csrf

MAX_PAGES = 256
_MARK = "csrf-" + secrets.token_hex(16)
_pages: OrderedDict[Hashable, str] = OrderedDict()
_lock = threading.Lock()      # gthread workers share the cache between threads


def csrf_token() -> str:
    """The template global: a placeholder while rendering for the cache, else the real token."""
    return _MARK if g.get("rendering_for_cache") else generate_csrf()


def cached(key: Hashable, render: Callable[[], str]) -> str:
    """The page for `key`, rendered once per process and completed with this request's token."""
    if session.get("_flashes"):
        return render()
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        g.rendering_for_cache = True
        try:
            page = render()
        finally:
            g.rendering_for_cache = False
        with _lock:
            _pages[key] = page
            if len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return page.replace(_MARK, generate_csrf())
