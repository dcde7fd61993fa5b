"""The security log: sign-ins, sign-outs, throttling, password and token changes and every
401/403/404/405 answer, as JSON lines on the `cone.security` logger (stderr by default). Each
line names time (UTC), request id, user, client address, method and path; JSON escapes CR/LF,
so no value can forge a line. Never a password, token, cookie or form content."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import sys

from flask import Response, g, has_request_context, request

logger = logging.getLogger("cone.security")
LOGGED_STATUSES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                   429: "throttled"}
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")      # an X-Request-Id from the proxy, kept when it is this plain


def event(name: str, user_id: int | None = None, **details: object) -> None:
    """Log one security event; `details` are ids, counts and reasons, never secrets or form content."""
    record: dict[str, object] = {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
                                 "event": name}
    if has_request_context():
        user = g.get("user")
        record.update(request_id=g.get("request_id"), user_id=user_id if user_id is not None else getattr(user, "id", None),
                      remote_addr=request.remote_addr, method=request.method, path=request.path)
    else:
        record.update(user_id=user_id)
    record.update(details)
    logger.info(json.dumps(record, ensure_ascii=True, default=str))


def assign_request_id() -> None:
    """Before every request (and before authorization, whose refusals it names)."""
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)


def log_refusal(response: Response) -> Response:
    if response.status_code in LOGGED_STATUSES:
        event(LOGGED_STATUSES[response.status_code], status=response.status_code)
    response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
    return response


def init_logger() -> None:
    """Send the log to stderr unless a handler is set already."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False        # one line each, whatever the root logger does
