"""Dotted field paths (`site.street`, `services[0].level`) read from a filing."""
from __future__ import annotations

import functools
import re
from typing import Any

_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


@functools.lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str | int, ...]:
    return tuple(name if name else int(index) for name, index in _PART.findall(path))


def get_path(obj: Any, path: str) -> Any:
    """The value at `path`, or None where any step is absent."""
    for part in _parts(path):
        if obj is None:
            return None
        if isinstance(part, int):
            obj = obj[part] if part < len(obj) else None
        else:
            obj = getattr(obj, part, None)
    return obj


def is_blank(value: Any) -> bool:
    """No answer: None, an empty or all-space string, or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)
