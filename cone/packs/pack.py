"""A loaded rule pack: its parts, lookup tables for the checks, and the cross-check of its references."""
from __future__ import annotations

import functools
import re
import string
from pathlib import Path
from typing import Any

from ..filing.errors import InputError
from .models import (FIELD_SOURCES, Deadlines, Fees, FieldDef, Fields, FilingType, Levels, Meta, NoticeDef,
                     Principle, RuleDef, Section, Towns, VocabItem)


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
        self.state = self.meta.state
        self.vocab: dict[str, dict[str, VocabItem]] = {
            name: {item.id: item for item in items} for name, items in self.meta.vocabularies.items()}
        self.vocab["entity_types"] = {e.id: VocabItem(id=e.id, label=e.label) for e in self.meta.entity_types}
        self.entity_types = {e.id: e for e in self.meta.entity_types}
        self.town_zips: dict[str, frozenset[str]] = {t.name: frozenset(t.zips) for t in self.towns.towns}
        self.zip_prefixes = frozenset(z[:3] for t in self.towns.towns for z in t.zips)
        self.towns_by_key = {t.name.casefold(): t.name for t in self.towns.towns}
        self.field_index: dict[str, FieldDef] = {}
        for section in self.fields.sections:
            for f in section.fields:
                self.field_index[f.path] = f
                for sub in f.fields:
                    self.field_index[f"{f.path}[].{sub.path}"] = sub
        self.notice_fields: dict[str, tuple[str, ...]] = {
            ft.id: tuple(self.notice.placeholders[n] for _, n in template_parts(ft.notice) if n in self.notice.placeholders)
            for ft in self.filing_types.values()}   # the project facts each type's notice prints (its scope)

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

    def sections_for(self, filing_type: str) -> list[Section]:
        return [s for s in self.fields.sections if s.applies(filing_type)]

    def _fail(self, file: str, loc: tuple, message: str) -> InputError:
        lines = self._lines.get(file, {})
        line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), 1)
        return InputError(message, source=f"{self.directory / (file + '.yaml')}:{line}")

    def cross_check(self, check_names: set[str], filing_paths: set[str]) -> None:
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
                for g, g_loc in ((f, loc), *((sub, loc + ("fields", k)) for k, sub in enumerate(f.fields))):
                    if g.choices and g.choices not in self.vocab:
                        raise self._fail("fields", g_loc, f"field {g.path}: unknown vocabulary '{g.choices}'")
                    if isinstance(g.required, list) and set(g.required) - set(self.filing_types):
                        raise self._fail("fields", g_loc, f"field {g.path}: unknown filing type in required")
        known = set(self.notice.placeholders) | {"statement", "contact", "site", "capital_expenditure"}
        for i, ft in enumerate(self.filing_types.values()):
            names = {n for _, n in template_parts(ft.notice) if n}
            if names - known:
                raise self._fail("filing_types", ("filing_types", i, "notice"),
                                 f"filing type {ft.id}: unknown notice placeholder(s) {sorted(names - known)}")
        for placeholder, path in self.notice.placeholders.items():
            if not _known(path, filing_paths):
                raise self._fail("notice", ("placeholders", placeholder), f"unknown field path '{path}'")
        steps = {"filing"}
        for i, step in enumerate(self.deadlines.post_filing):
            if step.after not in steps:
                raise self._fail("deadlines", ("post_filing", i, "after"),
                                 f"row {step.id}: 'after' must name 'filing' or an earlier row, not '{step.after}'")
            steps.add(step.id)
        for level in self.levels.levels:
            if level not in self.vocab.get("levels", {}):
                raise self._fail("levels", ("levels", level), f"level '{level}' is not in the levels vocabulary")


def _schema_path(path: str) -> str:
    return re.sub(r"\[\d*\]", "[]", path)


def _known(path: str, filing_paths: set[str]) -> bool:
    """A field path of the filing format: listed, or a key under a dict-valued field (`principles.x`)."""
    schema = _schema_path(path)
    return schema in filing_paths or re.sub(r"\.\w+$", ".*", schema) in filing_paths
