"""The web application: an app factory in the style of Flask's tutorial."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides the configuration for tests."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../../templates")
    app.config.from_mapping(SECRET_KEY="dev")
    if test_config is None:
        app.config.from_prefixed_env("CONE")
    else:
        app.config.update(test_config)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
