"""Differences between two versions: field by field, and a word-level redline of the notice."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ...filing.models import Filing
from ...packs.pack import Pack


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    old: str
    new: str


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """JSON-like data as {field path: display text}; lists of scalars join with commas."""
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(data, list) and any(isinstance(v, dict) for v in data):
        out = {}
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
        return out
    if isinstance(data, list):
        return {prefix: ", ".join(_text(v) for v in data)} if data else {}
    return {} if data is None else {prefix: _text(data)}


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def field_changes(old: Filing, new: Filing, pack: Pack) -> list[Change]:
    """Every field whose value differs between two versions, in the newer version's order."""
    a = flatten(old.model_dump(mode="json", exclude_none=True))
    b = flatten(new.model_dump(mode="json", exclude_none=True))
    paths = list(dict.fromkeys([*b, *a]))
    return [Change(p, _label(p, pack), _choice_labels(p, a.get(p, ""), pack), _choice_labels(p, b.get(p, ""), pack))
            for p in paths if a.get(p) != b.get(p)]


def _choice_labels(path: str, text: str, pack: Pack) -> str:
    """Codes of a choice field as their labels: outpatient_behavioral_health -> Outpatient behavioral health..."""
    fdef = pack.field_index.get(re.sub(r"\[\d+\]", "[]", path))
    if not text or fdef is None or not fdef.choices:
        return text
    vocab = pack.vocab[fdef.choices]
    return ", ".join(vocab[c].label if c in vocab else c for c in text.split(", "))


def _label(path: str, pack: Pack) -> str:
    label = pack.label(path)
    item = re.match(r"(\w+)\[(\d+)\]", path)
    return f"{label} ({int(item.group(2)) + 1})" if item and label != path else label


def redline(old: str, new: str) -> Markup:
    """HTML of `new` with words removed since `old` in <del> and words added in <ins>, escaped."""
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return Markup("").join(parts)
