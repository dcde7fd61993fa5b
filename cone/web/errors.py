"""Error pages for people and JSON errors for the API; never a traceback."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from ..filing.errors import InputError

TITLES = {
    400: "The request could not be understood",
    401: "Sign in required",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That action is not available here",
    409: "That change conflicts with the filing's current state",
    413: "The upload is too large",
    415: "Unsupported content type",
    422: "The data could not be used",
    429: "Too many attempts",
    500: "Something went wrong",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, path: str | None = None, **extra: object):  # noqa: ANN201
    body = {"error": {"status": status, "message": message, **({"path": path} if path else {}), **extra}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cone"'
    return response


UNTRUSTED_HOST = "This server does not answer for that host name.\n"


def _handle_http(exc: HTTPException):
    if isinstance(exc, SecurityError):      # an untrusted Host (TRUSTED_HOSTS): no page, nothing built from it
        return current_app.response_class(UNTRUSTED_HOST, status=400, mimetype="text/plain")
    status = exc.code or 500
    message = exc.description if status not in (500,) else TITLES[500]
    if wants_json():
        response = api_error(status, message)
    else:
        response = current_app.make_response((render_template(
            "errors/error.html", status=status, title=TITLES.get(status, exc.name), message=message), status))
    if getattr(exc, "retry_after", None) is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _handle_csrf(exc: CSRFError):
    return render_template("errors/error.html", status=400, title="This form has expired",
                           message="Go back, reload the page and submit again. " + exc.description), 400


def _handle_input(exc: InputError):
    if wants_json():
        return api_error(422, exc.message, exc.path)
    return render_template("errors/error.html", status=422, title=TITLES[422], message=str(exc)), 422


def _handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _handle_http(exc)
    current_app.logger.exception("unhandled error")
    return _handle_http(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InputError, _handle_input)
    app.register_error_handler(Exception, _handle_unexpected)
