"""A loaded rule pack: its parts, lookup tables for the checks, and the cross-check of its references."""
from __future__ import annotations

import functools
import re
import string
import typing
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ..filing.errors import InputError
from .field_types import HOLDS_WORDS, holds_description
from .models import (FIELD_SOURCES, UI, Deadlines, Documents, Fees, FieldDef, Fields, Financials, FilingType, Levels, Meta,
                     NoticeDef, NoticeLint, Principle, RuleDef, Section, Towns, VocabItem)
from .tables import Table


@functools.lru_cache(maxsize=256)
def template_parts(template: str) -> tuple[tuple[str, str | None], ...]:
    """A notice template as (literal text, placeholder name or None) pairs, in order."""
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


class Pack:
    """A loaded, cross-checked rule pack with lookup tables for the checks."""

    def __init__(self, directory: Path, parts: dict[str, Any], lines: dict[str, dict[tuple, int]]):
        self.directory = directory
        self._lines = lines
        self.meta: Meta = parts["pack"]
        self.filing_types: dict[str, FilingType] = {t.id: t for t in parts["filing_types"].filing_types}
        self.fields: Fields = self._expand(parts)
        self.rules: list[RuleDef] = parts["rules"].rules
        self.notice: NoticeDef = parts["notice"]
        self.fees: Fees = parts["fees"]
        self.deadlines: Deadlines = parts["deadlines"]
        self.levels: Levels = parts["levels"]
        self.towns: Towns = parts["towns"]
        self.principles: list[Principle] = parts["principles"].principles
        self.documents: Documents = parts["documents"]
        self.ui: UI = parts["ui"]
        self.notice_lint: NoticeLint = parts["notice_lint"]
        self.financials: Financials = parts["financial"]
        self.concerns: dict[str, frozenset[str]] = {r.id: frozenset(r.concerns) for r in self.rules}
        self.state = self.meta.state
        self.vocab: dict[str, dict[str, VocabItem]] = {
            name: {item.id: item for item in items} for name, items in self.meta.vocabularies.items()}
        self.vocab["entity_types"] = {e.id: VocabItem(id=e.id, label=e.label) for e in self.meta.entity_types}
        self.vocab["states"] = {self.state: VocabItem(id=self.state, label=self.meta.name), **self.vocab.get("states", {})}
        self.entity_types = {e.id: e for e in self.meta.entity_types}
        self.tables: dict[str, Table] = {t.id: Table.build(t, self.vocab) for t in self.financials.tables}
        self.town_zips: dict[str, frozenset[str]] = {t.name: frozenset(t.zips) for t in self.towns.towns}
        self.zips = frozenset(z for t in self.towns.towns for z in t.zips)
        self.villages: dict[str, tuple[str, ...]] = {v.name.casefold(): tuple(v.towns) for v in self.towns.villages}
        self.zip_towns: dict[str, tuple[str, ...]] = {}
        for t in self.towns.towns:
            for z in t.zips:
                self.zip_towns[z] = (*self.zip_towns.get(z, ()), t.name)
        self.towns_by_key = {t.name.casefold(): t.name for t in self.towns.towns}
        self.field_index: dict[str, FieldDef] = {}
        for section in self.fields.sections:
            for f in section.fields:
                self.field_index[f.path] = f
                for sub in f.fields:
                    self.field_index[f"{f.path}[].{sub.path}"] = sub
        self.notice_fields: dict[str, tuple[str, ...]] = {
            ft.id: tuple(self._placeholder_field(n) for _, n in template_parts(ft.notice) if self._placeholder_field(n))
            for ft in self.filing_types.values()}   # the project facts each type's notice prints (its scope)
        self._sections: dict[str, list[Section]] = {}

    def _placeholder_field(self, name: str | None) -> str | None:
        """The field a notice placeholder prints (a list placeholder: its first field), or None."""
        if name in self.notice.placeholders:
            return self.notice.placeholders[name]
        if name in self.notice.lists:
            return self.notice.lists[name].fields[0]
        return None

    def _expand(self, parts: dict[str, Any]) -> Fields:
        """fields.yaml with the questions of each `fields_from` section generated."""
        fields: Fields = parts["fields"]
        sections = []
        for i, section in enumerate(fields.sections):
            if section.fields_from is None:
                if not section.fields:
                    raise self._fail("fields", ("sections", i, "id"), f"section {section.id}: give 'fields' or 'fields_from'")
                sections.append(section)
                continue
            source = FIELD_SOURCES.get(section.fields_from)
            if source is None:
                raise self._fail("fields", ("sections", i, "fields_from"),
                                 f"section {section.id}: unknown fields_from '{section.fields_from}' "
                                 f"(known: {', '.join(FIELD_SOURCES)})")
            if section.fields:
                raise self._fail("fields", ("sections", i, "fields"),
                                 f"section {section.id}: give either 'fields' or 'fields_from', not both")
            file, generate = source
            sections.append(section.model_copy(update={"fields": generate(parts[file])}))
        return fields.model_copy(update={"sections": sections})

    def label(self, path: str) -> str:
        """The question label of a field path (list indexes ignored), or the path itself."""
        key = re.sub(r"\[\d+\]", "[]", path)
        f = self.field_index.get(key)
        return f.label if f else path

    def rules_for(self, filing_type: str) -> list[RuleDef]:
        """The checklist rules that check filings of the type."""
        return [r for r in self.rules if r.applies(filing_type)]

    def sections_for(self, filing_type: str) -> list[Section]:
        """The form sections the filing type asks, each with only the questions that apply to it
        (what is not asked is neither shown, checked nor printed); built once per type."""
        if filing_type not in self._sections:
            sections = []
            for s in self.fields.sections:
                if not s.applies(filing_type):
                    continue
                fields = [f.model_copy(update={"fields": [sub for sub in f.fields if sub.applies(filing_type)]})
                          if any(not sub.applies(filing_type) for sub in f.fields) else f
                          for f in s.fields if f.applies(filing_type)]
                if fields:
                    sections.append(s if len(fields) == len(s.fields) and all(a is b for a, b in zip(fields, s.fields))
                                    else s.model_copy(update={"fields": fields}))
            self._sections[filing_type] = sections
        return self._sections[filing_type]

    def _fail(self, file: str, loc: tuple, message: str) -> InputError:
        lines = self._lines.get(file, {})
        line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), 1)
        return InputError(message, source=f"{self.directory / (file + '.yaml')}:{line}")

    def cross_check(self, check_names: set[str], filing_paths: Mapping[str, tuple[Any, bool]]) -> None:
        """Fail on references the models alone cannot see: unknown checks, fields, vocabularies, placeholders."""
        for i, rule in enumerate(self.rules):
            if rule.check not in check_names:
                raise self._fail("rules", ("rules", i, "check"), f"rule {rule.id}: unknown check '{rule.check}'")
            for j, path in enumerate(rule.fields):
                if not _known(path, filing_paths):
                    raise self._fail("rules", ("rules", i, "fields", j), f"rule {rule.id}: unknown field '{path}'")
        if len({r.id for r in self.rules}) != len(self.rules):
            raise self._fail("rules", ("rules",), "rule ids must be unique")
        for i, section in enumerate(self.fields.sections):
            for j, f in enumerate(section.fields):
                loc = ("sections", i, "fields", j)
                if not _known(f.path, filing_paths):
                    raise self._fail("fields", loc, f"unknown field path '{f.path}'")
                for k, sub in enumerate(f.fields):
                    if f"{f.path}[].{sub.path}" not in filing_paths:
                        raise self._fail("fields", loc + ("fields", k), f"unknown field path '{f.path}[].{sub.path}'")
                for g, g_loc, g_path in ((f, loc, f.path), *((sub, loc + ("fields", k), f"{f.path}[].{sub.path}")
                                                             for k, sub in enumerate(f.fields))):
                    held = _held(g_path, filing_paths)
                    if held is not None and held != (g.kind.holds, g.kind.many):
                        holds, many = held
                        raise self._fail("fields", g_loc + ("type",),
                                         f"field {g_path}: type '{g.type}' holds {holds_description(g.kind)}, but the "
                                         f"filing format has {'a list of ' if many else ''}"
                                         f"{HOLDS_WORDS.get(holds, getattr(holds, '__name__', str(holds)))} there")
                    if g.choices and g.choices not in self.vocab:
                        raise self._fail("fields", g_loc, f"field {g.path}: unknown vocabulary '{g.choices}'")
                    if isinstance(g.required, list) and set(g.required) - set(self.filing_types):
                        raise self._fail("fields", g_loc, f"field {g.path}: unknown filing type in required")
                    for when in (g.required_when or {}):
                        if not _known(when, filing_paths):
                            raise self._fail("fields", g_loc, f"field {g.path}: required_when: unknown field path '{when}'")
                    if g.applies_to is not None and set(g.applies_to) - set(self.filing_types):
                        raise self._fail("fields", g_loc, f"field {g.path}: unknown filing type in applies_to")
            if section.applies_to is not None and set(section.applies_to) - set(self.filing_types):
                raise self._fail("fields", ("sections", i, "applies_to"), f"section {section.id}: unknown filing type in applies_to")
        for i, rule in enumerate(self.rules):
            if rule.applies_to is not None and set(rule.applies_to) - set(self.filing_types):
                raise self._fail("rules", ("rules", i, "applies_to"), f"rule {rule.id}: unknown filing type in applies_to")
        for i, step in enumerate(self.deadlines.post_filing):
            for key, types in (("applies_to", step.applies_to or []), ("excludes", step.excludes)):
                unknown = set(types) - set(self.filing_types)
                if unknown:
                    raise self._fail("deadlines", ("post_filing", i, key),
                                     f"row {step.id}: unknown filing type(s) {sorted(unknown)}")
        for name, spec in self.notice.lists.items():
            for path in spec.fields:
                if not _known(path, filing_paths):
                    raise self._fail("notice", ("lists", name), f"list {name}: unknown field path '{path}'")
        for name, word in self.notice.agreeing.items():
            if word.counts is not None and word.counts not in self.notice.lists:
                raise self._fail("notice", ("agreeing", name), f"{name}: '{word.counts}' is not a list of notice.yaml")
            if word.number is not None and word.number not in self.notice.placeholders:
                raise self._fail("notice", ("agreeing", name),
                                 f"{name}: '{word.number}' is not a placeholder of notice.yaml")
        known = (set(self.notice.placeholders) | set(self.notice.lists) | set(self.notice.agreeing)
                 | {"statement", "contact", "site", "capital_expenditure"})
        for i, ft in enumerate(self.filing_types.values()):
            names = {n for _, n in template_parts(ft.notice) if n}
            if names - known:
                raise self._fail("filing_types", ("filing_types", i, "notice"),
                                 f"filing type {ft.id}: unknown notice placeholder(s) {sorted(names - known)}")
        for name in (n for _, n in template_parts(self.notice.site) if n):
            if not _known(name, filing_paths):
                raise self._fail("notice", ("site",), f"site: unknown field path '{name}'")
        self._check_documents(filing_paths)
        self._check_examples()
        self._check_tables(filing_paths)
        for placeholder, path in self.notice.placeholders.items():
            if not _known(path, filing_paths):
                raise self._fail("notice", ("placeholders", placeholder), f"unknown field path '{path}'")
        rows = {r.id for r in self.deadlines.pre_filing} | {r.id for r in self.deadlines.post_filing}
        for i, rule in enumerate(self.rules):
            if "row" in rule.params and rule.params["row"] not in rows:
                raise self._fail("rules", ("rules", i, "params", "row"),
                                 f"rule {rule.id}: params.row '{rule.params['row']}' is not a row of deadlines.yaml")
        self._check_after_filing()
        steps = {"filing"}
        for i, step in enumerate(self.deadlines.post_filing):
            if step.after not in steps:
                raise self._fail("deadlines", ("post_filing", i, "after"),
                                 f"row {step.id}: 'after' must name 'filing' or an earlier row, not '{step.after}'")
            steps.add(step.id)
        for i, village in enumerate(self.towns.villages):
            unknown = set(village.towns) - set(self.town_zips)
            if unknown:
                raise self._fail("towns", ("villages", i, "towns"), f"village {village.name}: not a town: {sorted(unknown)}")
        for level in self.levels.levels:
            if level not in self.vocab.get("levels", {}):
                raise self._fail("levels", ("levels", level), f"level '{level}' is not in the levels vocabulary")

    def _check_after_filing(self) -> None:
        """Every event kind, clock row and filing type the after-filing rules name exists."""
        af = self.deadlines.after_filing
        if af is None:
            return
        kinds = {k.id for k in af.events} | {"filed"}
        rows = {r.id for r in af.clock}
        for i, k in enumerate(af.events):
            named = set(k.requires) | set(k.emergency_requires or []) | set(k.refused_after) \
                | {n for n in (k.answers, k.answered_by) if n}
            if named - kinds:
                raise self._fail("deadlines", ("after_filing", "events", i), f"event {k.id}: unknown kind(s) {sorted(named - kinds)}")
            if k.deadline and k.deadline not in rows:
                raise self._fail("deadlines", ("after_filing", "events", i, "deadline"), f"event {k.id}: unknown row '{k.deadline}'")
        seen: set[str] = set()
        for i, r in enumerate(af.clock):
            named = set(r.after) | set(r.met_by) | set(r.unless)
            if named - kinds:
                raise self._fail("deadlines", ("after_filing", "clock", i), f"row {r.id}: unknown kind(s) {sorted(named - kinds)}")
            if r.planned_from and r.planned_from not in seen:
                raise self._fail("deadlines", ("after_filing", "clock", i, "planned_from"),
                                 f"row {r.id}: 'planned_from' must name an earlier row, not '{r.planned_from}'")
            if (set(r.applies_to or []) | set(r.excludes)) - set(self.filing_types):
                raise self._fail("deadlines", ("after_filing", "clock", i), f"row {r.id}: unknown filing type")
            seen.add(r.id)
        if set(af.docket.emergency_types) - set(self.filing_types):
            raise self._fail("deadlines", ("after_filing", "docket"), "docket: unknown filing type in emergency_types")

    def _check_documents(self, filing_paths: Collection[str]) -> None:
        facts = set(COVER_FACTS)
        for i, item in enumerate(self.documents.cover_checklist):
            loc = ("cover_checklist", i)
            for key, text in (("title", item.title), ("ok", item.ok or "")):
                unknown = {n for _, n in template_parts(text) if n} - facts
                if unknown:
                    raise self._fail("documents", loc + (key,), f"cover item {item.id}: unknown placeholder(s) "
                                     f"{sorted(unknown)} (known: {', '.join(COVER_FACTS)})")
            for j, path in enumerate(item.fields):
                if not _known(path, filing_paths):
                    raise self._fail("documents", loc + ("fields", j), f"cover item {item.id}: unknown field '{path}'")
            if (item.kind == "manual") != (item.todo is not None):
                raise self._fail("documents", loc, f"cover item {item.id}: a manual item, and only one, says what to do ('todo')")
            if item.kind != "findings" and (item.concerns or item.fields or item.rest or item.ok):
                raise self._fail("documents", loc, f"cover item {item.id}: only a findings item takes concerns, fields, rest or ok")
        if ("affidavit" in self.documents.parts) != (self.documents.affidavit is not None):
            raise self._fail("documents", ("parts",), "list 'affidavit' in parts exactly when the affidavit is given")
        if sum(item.rest for item in self.documents.cover_checklist) > 1:
            raise self._fail("documents", ("cover_checklist",), "at most one cover item takes the rest of the findings")

    def _check_tables(self, filing_paths: Mapping[str, tuple[Any, bool]]) -> None:
        """Each worksheet table is one the filing format holds, its rows' vocabulary exists, its totals
        add up rows or columns it has, and the rules that compare its cells name cells it has."""
        for i, table in enumerate(self.financials.tables):
            loc = ("tables", i)
            if f"financial.{table.id}" not in filing_paths:
                raise self._fail("financial", loc + ("id",), f"table {table.id}: the filing format has no financial.{table.id}")
            if table.rows_from and table.rows_from not in self.vocab:
                raise self._fail("financial", loc + ("rows_from",), f"table {table.id}: unknown vocabulary '{table.rows_from}'")
            nested = typing_depth(filing_paths, f"financial.{table.id}")
            if bool(table.years) != (nested == 3):
                raise self._fail("financial", loc + ("years",), f"table {table.id}: years are "
                                 + ("required: the filing holds it by year" if nested == 3 else "not held by the filing format"))
            for where, message in self.tables[table.id].problems():
                raise self._fail("financial", loc + where, message)
        for i, rule in enumerate(self.rules):
            for key, ref in rule.params.items():
                if isinstance(ref, dict) and "table" in ref and (message := self.cell_problem(ref)):
                    raise self._fail("rules", ("rules", i, "params", key), f"rule {rule.id}: {message}")

    def cell_problem(self, ref: Mapping[str, Any]) -> str | None:
        """What is wrong with a rule's reference to a table cell ({year} in a column stands for each year)."""
        table = self.tables.get(ref["table"])
        if table is None:
            return f"unknown table '{ref['table']}'"
        if ref.get("row") not in {r.id for r in table.rows}:
            return f"table {table.id} has no row '{ref.get('row')}'"
        columns = {c.id for c in table.columns}
        years = [y.id for y in self.tables["attachment_two"].definition.years] if "attachment_two" in self.tables else []
        wanted = [str(ref.get("column")).format(year=y) for y in years] if "{year}" in str(ref.get("column")) else [ref.get("column")]
        missing = [c for c in wanted if c not in columns]
        return f"table {table.id} has no column '{missing[0]}'" if missing else None

    def _check_examples(self) -> None:
        """Each field type whose hint shows a state's own example (a ZIP code, a phone number) has one in ui.yaml."""
        for section in self.fields.sections:
            for g in (q for f in section.fields for q in (f, *f.fields)):
                if g.kind.hint and g.kind.example is None and g.type not in self.ui.examples:
                    raise self._fail("ui", ("examples",), f"examples: give an example value for type '{g.type}', "
                                     f"which fields.yaml uses for {g.path} (its hint shows one)")


# Facts of the filing that a cover item's title and detail may print (cone.pdf.context fills them).
COVER_FACTS = ("fee", "publication", "consecutive_days", "min_days", "max_days")


def typing_depth(filing_paths: Mapping[str, tuple[Any, bool]], path: str) -> int:
    """How many dict levels the filing format holds at `path` (financial.capital_cost: 2)."""
    if filing_paths.get(path, (None,))[0] is not dict:
        return 0
    depth, held = 1, filing_paths[f"{path}.*"][0]
    while typing.get_origin(held) is dict:
        depth, held = depth + 1, typing.get_args(held)[1]
    return depth


def _schema_path(path: str) -> str:
    return re.sub(r"\[\d*\]", "[]", path)


def _held(path: str, filing_paths: Mapping[str, tuple[Any, bool]]) -> tuple[Any, bool] | None:
    """What the filing format holds at a field path (a key under a dict-valued field included)."""
    schema = _schema_path(path)
    return filing_paths.get(schema) or filing_paths.get(re.sub(r"\.\w+$", ".*", schema))


def _known(path: str, filing_paths: Collection[str]) -> bool:
    """A field path of the filing format: listed, or a key under a dict-valued field (`principles.x`)."""
    schema = _schema_path(path)
    return schema in filing_paths or re.sub(r"\.\w+$", ".*", schema) in filing_paths
