"""The web application: an app factory over feature packages (accounts, filings, deadlines,
exhibits, rendering, api), each a blueprint with its views, its templates under templates/<feature>/
and a service module holding its state changes."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .. import resources
from ..rules.checklist import available_states, get_pack
from . import access, config, errors, faults, security_log
from .accounts import cli as accounts_cli
from .accounts import throttle
from .accounts.members import bp as members_bp
from .accounts.recovery import bp as recovery_bp
from .accounts.views import bp as accounts_bp
from .afterfiling.views import bp as afterfiling_bp
from .api.views import bp as api_bp
from .cli import cone_cli
from .deadlines.views import bp as deadlines_bp
from .exhibits.views import bp as exhibits_bp
from .extensions import csrf, db, init_db, login_manager, migrate
from .filings.formdata import field_id
from .filings.views import bp as filings_bp
from .filings.workflow import STATUS_LABELS
from .home.views import bp as home_bp
from .mail import cli as mail_cli
from .mail import jobs as mail_jobs
from .models import ROLE_LABELS
from .notifications import cli as notifications_cli
from .notifications import views as inbox
from .rendering import cli as rendering_cli
from .rendering import jobs
from .rendering.views import bp as rendering_bp

BLUEPRINTS = (home_bp, accounts_bp, members_bp, recovery_bp, inbox.bp, filings_bp, deadlines_bp, rendering_bp,
              exhibits_bp, afterfiling_bp, api_bp)
COMMANDS = (accounts_cli, rendering_cli, mail_cli, notifications_cli)      # modules whose commands join the `cone` group
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))
PRIVATE = "no-store, private"      # signed-in pages and downloads: kept by no cache, shared or the browser's
HSTS = "max-age=31536000"          # over HTTPS: browsers use HTTPS only, for a year


class DatabaseId(IntegerConverter):
    """`<int:...>` in URLs: ids beyond a database integer are no match (404), not a database error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the configuration for tests."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(resources.folder("templates")))
    config.configure(app, test_config)
    configure_proxies(app)
    configure_extensions(app)
    configure_sign_in(app)
    configure_request_pipeline(app)
    errors.init_app(app)
    faults.init_app(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_cli(app)
    access.check_declarations(app)
    return app


def configure_proxies(app: Flask) -> None:
    """The client's address and scheme as the trusted proxies in front report them."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def configure_extensions(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    init_db(app)
    migrate.init_app(app, db, directory=str(resources.folder("migrations")))
    csrf.init_app(app)
    throttle.init_app(app)
    jobs.init_app(app)
    mail_jobs.init_app(app)


def configure_sign_in(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = None     # accounts.sessions binds a session to its client instead


def configure_request_pipeline(app: Flask) -> None:
    """Authorization before every view; security headers on every response, no caching of a
    signed-in page or a download, HSTS over HTTPS; the security log's request id and refusals."""
    security_log.init_logger()
    app.before_request(security_log.assign_request_id)
    access.init_app(app)
    app.after_request(security_log.log_refusal)

    @app.after_request
    def security_headers(response: Response) -> Response:
        present = {name.lower() for name, _ in response.headers}    # (one pass: Headers.setdefault raises per miss)
        response.headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
        if g.get("user") is not None or response.headers.get("Content-Disposition", "").startswith("attachment"):
            response.headers["Cache-Control"] = PRIVATE
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response


def configure_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def configure_templates(app: Flask) -> None:
    # The state packs this server offers: the header names their states, the footer and the
    # sign-in page carry their own wording (loaded once here; packs do not change while it runs).
    state_packs = [get_pack(state) for state in available_states()]
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, ROLE_LABELS=ROLE_LABELS, field_id=field_id,
                                 state_packs=state_packs)


def configure_cli(app: Flask) -> None:
    app.cli.add_command(cone_cli)
