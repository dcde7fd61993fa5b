"""The blueprint of the filing pages, under /filings."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("filings", __name__, url_prefix="/filings")
