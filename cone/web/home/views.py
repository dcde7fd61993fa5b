"""The front door and the health check."""
from __future__ import annotations

from flask import Blueprint, g, redirect, url_for

from ..access import permission

bp = Blueprint("home", __name__)


@bp.get("/")
@permission("public")
def index():  # noqa: ANN201
    return redirect(url_for("filings.index" if g.user else "accounts.signin"))


@bp.get("/healthz")
@permission("public")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
