"""The web application: an app factory with one blueprint per area.

Configuration comes from `CONE_*` environment variables (a `.env` file is read by the
`flask` command), `DATABASE_URL` and `REDIS_URL`; tests pass `test_config` instead.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import access, errors, jobs, throttle
from .extensions import csrf, db, init_db, login_manager, migrate
from .models import ROLE_LABELS
from .formdata import field_id
from .workflow import STATUS_LABELS

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))
ROOT = Path(__file__).resolve().parent.parent.parent


def database_url(url: str | None, instance_path: str) -> str:
    """DATABASE_URL with the psycopg 3 driver named; SQLite in the instance folder when unset."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'cone.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: str) -> str:
    """A per-install random key kept in the instance folder (used when CONE_SECRET_KEY is unset)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class DatabaseId(IntegerConverter):
    """`<int:...>` in URLs: ids beyond a database integer are no match (404), not a database error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the configuration for tests."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"))
    os.makedirs(app.instance_path, exist_ok=True)
    app.url_map.converters["int"] = DatabaseId
    app.config.from_mapping(
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,          # a long form session must not lose its answers to an expired token
        WTF_CSRF_CHECK_DEFAULT=False,      # checked by access.authorize, for the methods that change things
        MAX_CONTENT_LENGTH=51 * 1024 * 1024,  # an exhibit of up to cone.pdf.MAX_EXHIBIT_BYTES (50 MB) and the form
        RATELIMIT_STORAGE_URI="memory://",
        SIGNIN_RATE_LIMIT="10 per minute",
        PUBLIC_URL="http://127.0.0.1:5000",
        PASSWORD_HASH_METHOD="scrypt",
        TRUSTED_PROXIES=0,
    )
    if test_config is None:
        app.config.from_prefixed_env("CONE")
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(os.environ.get("DATABASE_URL"), app.instance_path))
        if os.environ.get("REDIS_URL"):
            app.config.setdefault("REDIS_URL", os.environ["REDIS_URL"])
    else:
        app.config.update(test_config)
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(None, app.instance_path))
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})   # survive server restarts
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    app.config.setdefault("RENDER_WORKER", "rq" if app.config.get("REDIS_URL") else "thread")
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:        # the client's address and scheme as the proxies in front report them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]

    init_db(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    throttle.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = None     # sessions.bound_to_this_client checks the client instead
    access.init_app(app)
    jobs.init_app(app)
    errors.init_app(app)

    from . import api, auth, cli, filings, pages
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(filings.bp)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS, field_id=field_id)

    @app.after_request
    def security_headers(response: Response) -> Response:
        present = {name.lower() for name, _ in response.headers}    # (one pass: Headers.setdefault raises per miss)
        response.headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
        return response

    undeclared = access.undeclared_endpoints(app)
    if undeclared:
        raise RuntimeError(f"endpoints without a permission declaration: {', '.join(undeclared)}")
    return app
