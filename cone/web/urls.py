"""Absolute URLs of the app, built from the configured public URL (`CONE_PUBLIC_URL`), never
from the request's Host header, so that a forged Host cannot reach a link the app writes."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values: object) -> str:
    """The absolute URL of `endpoint` under PUBLIC_URL; works outside a request (commands, jobs)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def public_link(path: str) -> str:
    """An absolute URL for a path of the app (as stored in a notification)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/" + path.lstrip("/")
