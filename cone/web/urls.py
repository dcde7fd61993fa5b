"""Absolute URLs of the app, built from the configured public URL (`CONE_PUBLIC_URL`), never
from the request's Host header, so that a forged Host cannot reach a link the app writes."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def _adapter() -> MapAdapter:
    base = urlsplit(current_app.config["PUBLIC_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                    url_scheme=base.scheme or "https")


def public_url(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` under PUBLIC_URL; works outside a request (commands, jobs)."""
    return _adapter().build(endpoint, values, force_external=True)


def public_path(endpoint: str, **values: object) -> str:
    """The path of `endpoint` under PUBLIC_URL (a link kept in the database, shown in the app)."""
    return _adapter().build(endpoint, values)


def public_link(path: str) -> str:
    """The absolute URL of a path that `public_path` gave (as stored in a notification)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    return f"{base.scheme or 'https'}://{base.netloc}/{path.lstrip('/')}"

