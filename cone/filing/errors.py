"""Errors that mean "this input cannot be used", as opposed to findings about a filing."""
from __future__ import annotations


class InputError(Exception):
    """Input that cannot be used at all: names where (file, JSON path or pack line) and what is wrong."""

    def __init__(self, message: str, *, path: str | None = None, source: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.source = source

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.source, self.path) if p)
        return f"{where}: {self.message}" if where else self.message
