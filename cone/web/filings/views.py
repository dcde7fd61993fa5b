"""The filing pages: one blueprint whose routes live in one module per part of the feature."""
from __future__ import annotations

from . import downloads, financial, history, listing, notice_lint, reads, review, sections  # noqa: F401 (each adds its routes to bp)
from .blueprint import bp

__all__ = ["bp"]
