"""The filing-grade application PDF: packet rendering, exhibits, and the embedded filing.

The other `cone` commands never import this package, and importing it loads nothing yet:
each name below loads its module on first use, so a render worker (workers.py) starts with
WeasyPrint and the stylesheet only, not with pikepdf, Jinja and the checklist it never uses.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

ASSETS = Path(__file__).resolve().parent / "assets"     # the packaged fonts, stylesheet and colour profile

_HOME = {"extract_filing": "assemble", "MAX_EXHIBIT_BYTES": "exhibits", "check_exhibit": "exhibits",
         "clean_exhibit": "exhibits", "PacketExhibit": "exhibits",
         "FinalBlocked": "packet", "render_html": "packet", "render_packet": "packet", "use_cache_directory": "packet"}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
