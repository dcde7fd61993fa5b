"""Sign-in throttling, with the `limits` library (the engine under Flask-Limiter).

Flask-Limiter checks every request in a global before_request hook even when only one
route is limited, which cost about a tenth of a millisecond on every page; sign-in is the
only limited action, so its view asks `limits` directly. Counters live in
`RATELIMIT_STORAGE_URI` (in memory by default: per process; use Redis with several workers).
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from limits import parse, storage, strategies
from werkzeug.exceptions import TooManyRequests


def init_app(app: Flask) -> None:
    app.extensions["cone.throttle"] = strategies.MovingWindowRateLimiter(
        storage.storage_from_string(app.config["RATELIMIT_STORAGE_URI"]))


def check(scope: str, limit_setting: str) -> None:
    """Count one attempt at `scope` from this client; 429 with Retry-After once over the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limiter: strategies.RateLimiter = current_app.extensions["cone.throttle"]
    item = parse(current_app.config[limit_setting])
    client = request.remote_addr or "unknown"
    if not limiter.hit(item, scope, client):
        wait = max(1, math.ceil(limiter.get_window_stats(item, scope, client).reset_time - time.time()))
        raise TooManyRequests(f"Too many attempts: try again in {wait} seconds.", retry_after=wait)
