"""Pack-driven forms: a section's field definitions to widgets, and submitted values back
into a `cone.filing/1` document, with every problem mapped to its field.

Pure functions over the pack, the filing and the submitted MultiDict; no Flask here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from pydantic import ValidationError

from ...filing.models import Filing
from ...filing.parser import json_path
from ...packs.field_types import FieldType
from ...packs.models import FieldDef, Section
from ...packs.pack import Pack
from ...filing.paths import get_path

MAX_GROUP_ITEMS = 50
def field_id(path: str) -> str:
    """The HTML id of a field's input: services[0].level -> f-services-0-level."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


@dataclass
class Widget:
    path: str
    id: str
    label: str
    type: str
    required: bool
    help: str | None
    choices: list[tuple[str, str]]
    value: Any                       # str, or list[str] for multichoice
    error: str | None = None
    items: list[list[Widget]] = field(default_factory=list)   # groups: one widget list per item
    item_label: str | None = None
    kind: FieldType | None = None    # the field type: its widget, input type, prefix ...
    list_id: str | None = None       # the datalist of suggestions (the pack's towns)
    findings: list = field(default_factory=list)   # the checklist's findings on this answer, shown at it


def _choices(fdef: FieldDef, pack: Pack) -> list[tuple[str, str]]:
    return [(code, item.label) for code, item in pack.vocab[fdef.choices].items()] if fdef.choices else []


def display_value(fdef: FieldDef, raw: Any) -> Any:
    """A filing value as the form shows it."""
    return fdef.kind.show(raw)


def widgets(section: Section, pack: Pack, filing_type: str, values: Mapping[str, Any],
            errors: Mapping[str, str]) -> list[Widget]:
    """The section's inputs with their current values (display form) and errors."""
    out = []
    for fdef in section.fields:
        w = _widget(fdef, fdef.path, pack, filing_type, values, errors)
        if fdef.type == "group":
            count = int(values.get(f"{fdef.path}.count", 0))
            w.item_label = fdef.item_label or "Item"
            w.items = [[_widget(sub, f"{fdef.path}[{i}].{sub.path}", pack, filing_type, values, errors)
                        for sub in fdef.fields] for i in range(count)]
        out.append(w)
    return out


def entries_field(section: Section) -> str | None:
    """The dict-valued filing field whose entries a `fields_from` section asks for, one
    question per entry of the pack (`principles` for the review principles), else None."""
    if section.fields_from is None or not section.fields:
        return None
    return section.fields[0].path.split(".", 1)[0]


def unrecognised(section: Section, filing: Filing) -> list[tuple[str, str]]:
    """(key, answer) of the entries a `fields_from` section has no question for: answers filed
    (through the API or an imported document) under an id the pack does not have. The form
    shows them, so that an administrator can move the text and remove them."""
    name = entries_field(section)
    if name is None:
        return []
    asked = {f.path for f in section.fields}
    return [(key, str(answer)) for key, answer in (getattr(filing, name) or {}).items()
            if f"{name}.{key}" not in asked]


def removed_name(section: Section) -> str:
    """The hidden input listing the unrecognised entries removed on the page (not yet saved);
    a form without it removes nothing."""
    return f"{entries_field(section)}.removed"


def _widget(fdef: FieldDef, path: str, pack: Pack, filing_type: str, values: Mapping[str, Any],
            errors: Mapping[str, str]) -> Widget:
    default: Any = [] if fdef.type == "multichoice" else ""
    return Widget(path, field_id(path), fdef.label, fdef.type, fdef.required_for(filing_type), fdef.help,
                  _choices(fdef, pack), values.get(path, default), errors.get(path), kind=fdef.kind,
                  list_id=towns_list_id(pack) if fdef.kind.suggests_towns else None)


def towns_list_id(pack: Pack) -> str:
    """The id of the page's datalist of the pack's towns."""
    return f"towns-{pack.state.lower()}"


def values_from_filing(section: Section, filing: Filing) -> dict[str, Any]:
    """Display values of the section's fields, keyed by input name (= field path)."""
    values: dict[str, Any] = {}
    for fdef in section.fields:
        if fdef.type == "group":
            items = get_path(filing, fdef.path) or []
            values[f"{fdef.path}.count"] = len(items)
            for i, item in enumerate(items):
                for sub in fdef.fields:
                    values[f"{fdef.path}[{i}].{sub.path}"] = display_value(sub, getattr(item, sub.path))
        else:
            values[fdef.path] = display_value(fdef, get_path(filing, fdef.path))
    if entries_field(section):
        values[removed_name(section)] = []
    return values


def values_from_form(section: Section, form: Any) -> dict[str, Any]:
    """What the user typed, keyed like `values_from_filing`; applies group add/remove buttons."""
    action = form.get("action", "")
    values: dict[str, Any] = {}
    for fdef in section.fields:
        if fdef.type != "group":
            values[fdef.path] = form.getlist(fdef.path) if fdef.type == "multichoice" else form.get(fdef.path, "")
            continue
        try:
            count = min(max(int(form.get(f"{fdef.path}.count", "0")), 0), MAX_GROUP_ITEMS)
        except ValueError:
            count = 0
        kept = 0
        for i in range(count):
            if action == f"remove:{fdef.path}[{i}]":
                continue
            for sub in fdef.fields:
                name = f"{fdef.path}[{i}].{sub.path}"
                values[f"{fdef.path}[{kept}].{sub.path}"] = (form.getlist(name) if sub.type == "multichoice"
                                                             else form.get(name, ""))
            kept += 1
        if action == f"add:{fdef.path}" and kept < MAX_GROUP_ITEMS:
            for sub in fdef.fields:
                values[f"{fdef.path}[{kept}].{sub.path}"] = [] if sub.type == "multichoice" else ""
            kept += 1
        values[f"{fdef.path}.count"] = kept
    name = entries_field(section)
    if name:
        removed = form.getlist(removed_name(section))
        if action.startswith(f"remove:{name}."):
            removed.append(action.removeprefix(f"remove:{name}."))
        values[removed_name(section)] = removed
    return values


def _convert(fdef: FieldDef, raw: Any, pack: Pack) -> Any:
    """A typed value for the filing document (None when blank); ValueError with a message."""
    vocabulary = fdef.choices or fdef.kind.vocabulary
    return fdef.kind.read(raw, pack.vocab.get(vocabulary) if vocabulary else None)


def normalised(section: Section, pack: Pack, values: Mapping[str, Any]) -> list[str]:
    """A note for each answer read as something else than what was typed (a state name as its code,
    a four-digit ZIP code with its leading zero), for the page to tell the user what was saved."""
    asked: list[tuple[FieldDef, str]] = []
    for fdef in section.fields:
        if fdef.type == "group":
            asked += [(sub, f"{fdef.path}[{i}].{sub.path}") for i in range(int(values.get(f"{fdef.path}.count", 0)))
                      for sub in fdef.fields]
        else:
            asked.append((fdef, fdef.path))
    notes = []
    for fdef, path in asked:
        typed = str(values.get(path, "")).strip()
        if not fdef.kind.notes_change or not typed:
            continue
        try:
            read = fdef.kind.show(_convert(fdef, typed, pack))
        except ValueError:
            continue
        if read.casefold() != typed.casefold():
            notes.append(f"{fdef.label}: “{typed}” is saved as {read}.")
    return notes


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path in the filing's JSON document (a model or dict-valued field alike:
    `site.zip`, `principles.public_need`); a blank value removes the key."""
    *parents, leaf = path.split(".")
    node = doc
    for name in parents:
        node = node.setdefault(name, {})
    if value is None or value == []:
        node.pop(leaf, None)
    else:
        node[leaf] = value


def apply_section(section: Section, pack: Pack, filing: Filing, values: Mapping[str, Any]
                  ) -> tuple[Filing | None, dict[str, str]]:
    """The filing with the section's submitted values, or None and {field path: message}."""
    doc = filing.model_dump(exclude_none=True)
    errors: dict[str, str] = {}
    types: dict[str, FieldDef] = {}
    for fdef in section.fields:
        if fdef.type == "group":
            items = []
            for i in range(int(values.get(f"{fdef.path}.count", 0))):
                item: dict[str, Any] = {}
                for sub in fdef.fields:
                    path = f"{fdef.path}[{i}].{sub.path}"
                    types[path] = sub
                    try:
                        converted = _convert(sub, values.get(path, ""), pack)
                    except ValueError as exc:
                        errors[path] = str(exc)
                        continue
                    if converted not in (None, []):
                        item[sub.path] = converted
                items.append(item)
            _set(doc, fdef.path, items)
            continue
        types[fdef.path] = fdef
        try:
            _set(doc, fdef.path, _convert(fdef, values.get(fdef.path, ""), pack))
        except ValueError as exc:
            errors[fdef.path] = str(exc)
    name = entries_field(section)
    if name:        # unrecognised entries removed on the page (never an answer the page asks for)
        removed = set(values.get(removed_name(section), [])) - {f.path.split(".", 1)[1] for f in section.fields}
        doc[name] = {k: v for k, v in doc.get(name, {}).items() if k not in removed}
    if doc.get("notice_contact") == {}:
        del doc["notice_contact"]
    if errors:
        return None, errors
    try:
        return Filing.model_validate(doc), {}
    except ValidationError as exc:
        return None, _field_errors(exc, types, pack.ui.examples)


def _field_errors(exc: ValidationError, types: Mapping[str, FieldDef], examples: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        path = json_path(loc).removeprefix("$.").removeprefix("$")
        while path not in types and re.search(r"\[\d+\]$", path):
            path = re.sub(r"\[\d+\]$", "", path)     # publication.dates[1] -> publication.dates
        fdef = types.get(path)
        msg = err["msg"].removeprefix("Value error, ")
        if fdef is not None and fdef.kind.hint and err["type"] in ("string_pattern_mismatch", "date_from_datetime_parsing"):
            msg = fdef.kind.message(examples)
        msg = msg.replace("Input should be", "Must be").replace("String should have", "Must have")
        errors.setdefault(path, msg[:1].upper() + msg[1:])
    return errors


def section_of(pack: Pack, filing_type: str, path: str) -> Section | None:
    """The form section holding a field path (list indexes allowed: services[0].level)."""
    bare = re.sub(r"\[\d+\]", "", path)
    for section in pack.sections_for(filing_type):
        if any(bare == f.path or bare.startswith(f.path + ".") for f in section.fields):
            return section
        if entries_field(section) and bare.startswith(f"{entries_field(section)}."):
            return section            # an unrecognised entry, shown on that page
    return None


def merge_unit(key: str) -> str:
    """The answer a form value belongs to when merging: a field alone, or a whole group with its
    count and every item's answers (items have no identity of their own): services[0].name -> services."""
    return re.sub(r"\[\d+\].*$", "", key).removesuffix(".count")


def _units(*value_sets: Mapping[str, Any]) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for key in dict.fromkeys(k for values in value_sets for k in values):
        units.setdefault(merge_unit(key), []).append(key)
    return units


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> Any:
        if isinstance(v, list):
            return [str(x).strip() for x in v]
        return "" if v is None else str(v).strip().replace("\r\n", "\n")
    return norm(a) == norm(b)


def _same_unit(keys: list[str], a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(_same(a.get(k), b.get(k)) for k in keys)


def merge(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
          ) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of a section's answers after a conflicting save: an answer changed on one
    side only takes that side's value; the field paths changed on both sides to different values
    are returned for the user to decide (the merged values hold the user's own there)."""
    merged: dict[str, Any] = {}
    both: list[str] = []
    for unit, keys in _units(base, mine, theirs).items():
        b, m, t = ({k: values[k] for k in keys if k in values} for values in (base, mine, theirs))
        if _same_unit(keys, m, b):
            merged.update(t)
        else:
            merged.update(m)
            if not _same_unit(keys, t, b) and not _same_unit(keys, m, t):
                both.append(unit)
    return merged, both
