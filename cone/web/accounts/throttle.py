"""Sign-in throttling, with the `limits` library (the engine under Flask-Limiter), per client
address and per account: an office behind one address is not locked out by one colleague's
typing, and an attacker rotating addresses is still slowed on each account.

Flask-Limiter checks every request in a global before_request hook even when only one
route is limited, which cost about a tenth of a millisecond on every page; sign-in is the
only limited action, so its view asks `limits` directly. Counters live in
`RATELIMIT_STORAGE_URI`: Redis (`REDIS_URL`) when set, so that several servers share them,
else in memory, per process.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, request
from limits import RateLimitItem, parse, storage, strategies
from werkzeug.exceptions import TooManyRequests


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.extensions["cone.throttle"] = strategies.MovingWindowRateLimiter(
        storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def _limit(limit_setting: str) -> tuple[strategies.RateLimiter, RateLimitItem] | None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return current_app.extensions["cone.throttle"], parse(current_app.config[limit_setting])


def _refuse(limiter: strategies.RateLimiter, item: RateLimitItem, *keys: str) -> TooManyRequests:
    wait = max(1, math.ceil(limiter.get_window_stats(item, *keys).reset_time - time.time()))
    return TooManyRequests(f"Too many attempts: try again in {wait} seconds.", retry_after=wait)


def check(scope: str, limit_setting: str) -> None:
    """Count one attempt at `scope` from this client's address; 429 with Retry-After once over."""
    found = _limit(limit_setting)
    if found is None:
        return
    limiter, item = found
    client = request.remote_addr or "unknown"
    if not limiter.hit(item, scope, client):
        raise _refuse(limiter, item, scope, client)


def account_key(email: str) -> str:
    """The counter's key for an account: a digest, so that no e-mail address is stored in it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def ensure_account_open(scope: str, limit_setting: str, email: str) -> None:
    """429 when the account named has used up its failed attempts (known or not: the same answer)."""
    found = _limit(limit_setting)
    if found is None:
        return
    limiter, item = found
    if not limiter.test(item, scope, account_key(email)):
        raise _refuse(limiter, item, scope, account_key(email))


def count_failure(scope: str, limit_setting: str, email: str) -> None:
    """Count one failed attempt on the account named."""
    found = _limit(limit_setting)
    if found is not None:
        limiter, item = found
        limiter.hit(item, scope, account_key(email))
