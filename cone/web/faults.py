"""Database faults said plainly: a locked, full or read-only database (or one that cannot be
reached) answers 503 saying that nothing was saved and to try again. The page offers the
same submission again with what the user typed; the API names the cause; the log gets one
line with the cause and the route, never the statement's parameters or the user's text."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError

from .errors import api_error, wants_json
from .extensions import db

# (cause, what the user is told, words of the driver's error or class name that mean it)
CAUSES = (
    ("database_locked", "the database is busy with another change",
     ("database is locked", "database table is locked", "locknotavailable", "lock timeout", "deadlock")),
    ("database_full", "the disk of the database is full", ("disk is full", "diskfull", "no space left", "disk full")),
    ("database_read_only", "the database is read-only", ("readonly database", "read-only", "readonlysqltransaction")),
)
UNAVAILABLE = ("database_unavailable", "the database cannot be reached")
RETRY_AFTER = 5
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEVER_ECHOED = frozenset({"password", "current", "new", "confirm"})     # the account forms' password fields


def cause_of(exc: DBAPIError) -> tuple[str, str]:
    """The fault's cause (a key the API returns) and the words for it."""
    driver = f"{type(exc.orig).__name__} {exc.orig}".lower()
    for key, words, signs in CAUSES:
        if any(sign in driver for sign in signs):
            return key, words
    return UNAVAILABLE


def _handle(exc: DBAPIError):
    db.session.rollback()
    cause, words = cause_of(exc)
    rule = request.url_rule.rule if request.url_rule else "?"
    current_app.logger.error("database fault %s (%s) on %s %s: nothing saved", cause, type(exc.orig).__name__,
                             request.method, rule)
    changing = request.method in CHANGES
    message = (f"Your change was not saved: {words}. Nothing was changed; try again in a moment."
               if changing else f"This page could not be shown: {words}. Try again in a moment.")
    if wants_json():
        response = api_error(503, message, cause=cause)
    else:
        fields = [(k, v) for k, v in request.form.items(multi=True) if k not in NEVER_ECHOED]
        response = current_app.make_response((render_template(
            "errors/unavailable.html", status=503, title="Not saved" if changing else "Not available", message=message,
            fields=fields if changing else None, files=list(request.files) if changing else []), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _handle)
    app.register_error_handler(InternalError, _handle)
