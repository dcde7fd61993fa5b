"""Dotted field paths (`site.street`, `services[0].level`, `principles.public_need`) read from a filing."""
from __future__ import annotations

import functools
import re
from typing import Any

_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


@functools.lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str | int, ...]:
    return tuple(name if name else int(index) for name, index in _PART.findall(path))


def get_path(obj: Any, path: str) -> Any:
    """The value at `path`, or None where any step is absent; a name after a dict-valued
    field is a key of that dict (`principles.public_need`). (Exact class tests, not
    isinstance: the checklist reads some fifty paths per filing.)"""
    for part in _parts(path):
        if obj is None:
            return None
        if part.__class__ is int:
            obj = obj[part] if part < len(obj) else None
        elif obj.__class__ is dict:
            obj = obj.get(part)
        else:
            obj = getattr(obj, part, None)
    return obj


def is_within(path: str, prefix: str) -> bool:
    """Whether a field path is `prefix` or lies under it: services[0].level is within services."""
    return path == prefix or path.startswith((prefix + ".", prefix + "["))


def is_blank(value: Any) -> bool:
    """No answer: None, an empty or all-space string, or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list) and not value
