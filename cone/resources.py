"""Where cone's data folders (templates, rule packs, migrations) are: the copy packaged inside
`cone/` when installed from a wheel, else the checkout's top-level folder (editable install)."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
FOLDERS = ("templates", "forms", "migrations")   # mapped into the wheel by pyproject's force-include


def folder(name: str) -> Path:
    """The folder holding resource `name` (one of FOLDERS)."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}; known: {', '.join(FOLDERS)}")
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name
