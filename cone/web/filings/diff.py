"""The redline between two versions: every changed answer as the packet prints it (text word by
word, lists item by item, money, numbers, dates and choices as a whole, old → new, and tables
row by row, cell by cell) and the notice word by word.

Word diffs are difflib's SequenceMatcher over words and the spaces between them (the standard
library's, already used for the notice): a redline marks whole words and list items, which is
what a reviewer reads, and the inputs are one answer long, so a character-level diff library
would add a dependency and then need its edits widened back to words."""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from ...documents.answers import format_answer
from ...filing.models import Filing
from ...filing.paths import get_path, is_blank, is_within
from ...packs.models import FieldDef
from ...packs.pack import Pack
from ..models import FilingVersion

WORDS = ("text", "textarea", "email", "phone", "zip", "state", "town")     # redlined word by word
ITEMS = ("multichoice", "date_list", "text_list")                          # redlined item by item
ITEM_SEPARATOR = "; "      # how field_types prints a list's items
ARROW = Markup(" → ")


@dataclass(frozen=True)
class Row:
    """One changed row of a table: its label ("Row 2"), whether it was added, removed or changed,
    and each cell's redline."""
    label: str
    state: str
    cells: list[Markup]


@dataclass(frozen=True)
class Change:
    """One changed answer: its question, the printed old and new text, and the redline; a table
    (a repeating group) has its columns and changed rows instead."""
    path: str
    label: str
    old: str = ""
    new: str = ""
    redline: Markup = Markup("")
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.columns)


@dataclass(frozen=True)
class Redline:
    """Two versions compared: the changed answers, the notice's redline, and whether the base
    is the version the user last reviewed."""
    a: FilingVersion
    b: FilingVersion
    changes: list[Change]
    notice: Markup
    since_review: bool


def redline(old: str, new: str) -> Markup:
    """HTML of `new` with words removed since `old` in <del> and words added in <ins>, escaped."""
    return _marked(re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new), "")


def list_redline(old: Sequence[str], new: Sequence[str]) -> Markup:
    """The new list's items with removed items in <del> and added ones in <ins>, escaped."""
    return _marked(old, new, ITEM_SEPARATOR)


def _marked(a: Sequence[str], b: Sequence[str], joiner: str) -> Markup:
    parts: list[Markup] = []
    for equal, old, new in _chunks(a, b, words=not joiner):
        if equal:
            parts.extend(escape(t) for t in old)
            continue
        parts.extend(Markup("<del>%s</del>") % t for t in (old if joiner else ["".join(old)] if old else []))
        parts.extend(Markup("<ins>%s</ins>") % t for t in (new if joiner else ["".join(new)] if new else []))
    return Markup(joiner).join(parts)


def _chunks(a: Sequence[str], b: Sequence[str], words: bool) -> list[tuple[bool, list[str], list[str]]]:
    """The diff as (equal, old tokens, new tokens) runs; between words, a run of only spaces
    that two changes surround joins them, so a rewritten phrase reads as one change."""
    runs: list[tuple[bool, list[str], list[str]]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        runs.append((op == "equal", list(a[i1:i2]), list(b[j1:j2])))
    if not words:
        return runs
    merged: list[tuple[bool, list[str], list[str]]] = []
    for k, run in enumerate(runs):
        between = 0 < k < len(runs) - 1 and not runs[k - 1][0] and not runs[k + 1][0]
        if run[0] and between and not "".join(run[1]).strip():
            run = (False, run[1], run[2])
        if merged and not run[0] and not merged[-1][0]:
            merged[-1] = (False, merged[-1][1] + run[1], merged[-1][2] + run[2])
        else:
            merged.append(run)
    return merged


def value_redline(old: str, new: str) -> Markup:
    """A whole value replaced: "<del>$10,000</del> → <ins>$12,500</ins>" (one side when the other is blank)."""
    if old == new:
        return escape(new)
    sides = ([Markup("<del>%s</del>") % old] if old else []) + ([Markup("<ins>%s</ins>") % new] if new else [])
    return ARROW.join(sides)


def printed(f: FieldDef, value: Any, pack: Pack) -> str:
    """An answer as the packet prints it; blank as empty text."""
    return "" if is_blank(value) else format_answer(f, value, pack)


def _items(f: FieldDef, value: Any, pack: Pack) -> list[str]:
    return [] if is_blank(value) else [format_answer(f, [item], pack) for item in value]


def answer_redline(f: FieldDef, old: Any, new: Any, pack: Pack) -> Markup:
    """One answer's redline by its type: words, list items, or the whole value."""
    if f.type in ITEMS:
        return list_redline(_items(f, old, pack), _items(f, new, pack))
    a, b = printed(f, old, pack), printed(f, new, pack)
    return redline(a, b) if f.type in WORDS else value_redline(a, b)


def _table(f: FieldDef, old: list[Any], new: list[Any], pack: Pack) -> Change | None:
    """A repeating group's changed rows: rows matched as wholes, so that an inserted row is one
    added row, not every later row changed; rows replaced in place are redlined cell by cell."""
    def row_text(item: Any) -> tuple[str, ...]:
        return tuple(printed(sub, get_path(item, sub.path), pack) for sub in f.fields)

    def cells(a: Any, b: Any) -> list[Markup]:
        return [answer_redline(sub, get_path(a, sub.path) if a is not None else None,
                               get_path(b, sub.path) if b is not None else None, pack) for sub in f.fields]

    name = f.item_label or "Item"
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=[row_text(r) for r in old], b=[row_text(r) for r in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            rows.append(Row(f"{name} {j1 + k + 1}", "changed", cells(old[i1 + k], new[j1 + k])))
        for k in range(i1 + pairs, i2):
            rows.append(Row(f"{name} {k + 1} (removed)", "removed", cells(old[k], None)))
        for k in range(j1 + pairs, j2):
            rows.append(Row(f"{name} {k + 1} (added)", "added", cells(None, new[k])))
    if not rows:
        return None
    return Change(f.path, f.label, columns=[sub.label for sub in f.fields], rows=rows)


def _questions(old: Filing, new: Filing, pack: Pack) -> list[FieldDef]:
    """The questions of the newer version's filing type, then any only the older one's type asks."""
    seen: dict[str, FieldDef] = {}
    for filing_type in dict.fromkeys([new.filing_type, old.filing_type]):
        for section in pack.sections_for(filing_type):
            for f in section.fields:
                seen.setdefault(f.path, f)
    return list(seen.values())


def field_changes(old: Filing, new: Filing, pack: Pack) -> list[Change]:
    """Every answer that differs between two versions, in the form's order, then what the
    document holds outside the form's questions (field by field)."""
    changes: list[Change] = []
    questions = _questions(old, new, pack)
    for f in questions:
        a, b = get_path(old, f.path), get_path(new, f.path)
        if f.type == "group":
            table = _table(f, list(a or []), list(b or []), pack)
            if table is not None:
                changes.append(table)
            continue
        text_a, text_b = printed(f, a, pack), printed(f, b, pack)
        if text_a != text_b or (f.type in ITEMS and _items(f, a, pack) != _items(f, b, pack)):
            changes.append(Change(f.path, f.label, text_a, text_b, answer_redline(f, a, b, pack)))
    rest_a = flatten(old.model_dump(mode="json", exclude_none=True))
    rest_b = flatten(new.model_dump(mode="json", exclude_none=True))
    for path in dict.fromkeys([*rest_b, *rest_a]):
        if rest_a.get(path) != rest_b.get(path) and not any(is_within(path, f.path) for f in questions):
            old_text, new_text = rest_a.get(path, ""), rest_b.get(path, "")
            changes.append(Change(path, pack.label(path), old_text, new_text, redline(old_text, new_text)))
    return changes


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
