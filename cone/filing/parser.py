"""Reading and writing `cone.filing/1` documents: strict JSON parsing with errors that name the JSON path."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from .errors import InputError
from .models import FORMAT, Filing


def json_path(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a JSON path: ('services', 0, 'level') -> $.services[0].level."""
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return json_path(loc), msg


def parse_filing(data: Any) -> Filing:
    """Validate decoded JSON (floats as Decimal, dates as ISO strings) into a Filing, or raise InputError."""
    try:
        return Filing.model_validate(data)
    except ValidationError as exc:
        path, msg = _first_error(exc)
        raise InputError(msg, path=path) from None


def loads(text: str | bytes) -> Filing:
    """Parse a JSON document into a Filing. Floats are decoded as Decimal so cents stay exact."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {exc}", path="$") from None
    return parse_filing(data)


def dumps(filing: Filing) -> str:
    """The filing as canonical JSON text (defaults omitted, money as numbers)."""
    data = filing.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["format"] = FORMAT
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
