"""An answer as cone prints it, the same on the check-your-answers page and in the PDF."""
from __future__ import annotations

from typing import Any

from ..packs.field_types import TYPES
from ..packs.models import FieldDef
from ..packs.pack import Pack


def _vocab_label(pack: Pack, vocab: str | None, code: str) -> str:
    item = pack.vocab.get(vocab or "", {}).get(code)
    return item.label if item else code


def format_answer(f: FieldDef, value: Any, pack: Pack) -> str:
    """A non-blank answer as text."""
    return TYPES[f.type].printed(value, lambda code: _vocab_label(pack, f.choices, code))
