"""An answer as cone prints it, the same on the check-your-answers page and in the PDF."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..filing.money import format_money
from ..packs.models import FieldDef
from ..packs.pack import Pack


def long_date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _vocab_label(pack: Pack, vocab: str | None, code: str) -> str:
    item = pack.vocab.get(vocab or "", {}).get(code)
    return item.label if item else code


def _number(value: Any) -> str:
    """Every digit the filing holds, with thousands separators (a whole number without ".0")."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def format_answer(f: FieldDef, value: Any, pack: Pack) -> str:
    """A non-blank answer as text."""
    if f.type == "money":
        return format_money(value)
    if f.type in ("integer", "number"):
        return _number(value)
    if f.type == "date":
        return long_date(value)
    if f.type == "date_list":
        return "; ".join(long_date(d) for d in value)
    if f.type == "choice":
        return _vocab_label(pack, f.choices, value)
    if f.type == "multichoice":
        return "; ".join(_vocab_label(pack, f.choices, v) for v in value)
    return str(value)
