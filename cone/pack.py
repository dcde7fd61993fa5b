"""Rule packs: per-state YAML data (fields, rules, notice, fees, deadlines, towns), loaded and checked.

A pack is a folder under `forms/` named by the state's lower-case code. Loading validates
every file against the models below and cross-checks references (rule checks, field paths,
vocabularies, notice placeholders); any problem raises InputError naming file and line.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
import re
import string
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import resources
from .errors import InputError
from .userdirs import cache_root

FORMS_DIR = resources.folder("forms")
FILES = ("pack", "filing_types", "fields", "rules", "notice", "fees", "deadlines", "levels", "towns", "principles")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Spec(BaseModel):
    # defer_build: a pack read back from the cache never validates, so its models need no validators.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Sourced(Spec):
    """A fact with its provenance: where it comes from, as of when, and whether it was checked."""

    as_of: dt.date
    status: Literal["confirmed", "unverified"] = "confirmed"
    source: str | None = None


class Cited(Sourced):
    citation: str


class VocabItem(Spec):
    id: str
    label: str
    words: list[str] = []


class EntityType(Spec):
    id: str
    label: str
    suffixes: list[str]
    citation: str | None = None
    status: Literal["confirmed", "unverified"] = "confirmed"


class NoticeContactDef(Sourced):
    agency: str
    attention: str
    address: str
    phone: str


class Meta(Spec):
    state: str
    name: str
    agency: str
    statute: str
    as_of: dt.date
    sources: list[str]
    notice_contact: NoticeContactDef
    entity_types: list[EntityType]
    vocabularies: dict[str, list[VocabItem]]


class FilingType(Spec):
    id: str
    label: str
    citation: str
    status: Literal["confirmed", "unverified"] = "confirmed"
    supplemental_form: str | None = None
    supplemental_for: list[str] | None = None
    notice: str


FieldType = Literal["text", "textarea", "email", "phone", "zip", "state", "town", "money", "integer",
                    "number", "date", "date_list", "choice", "multichoice", "group"]


class FieldDef(Spec):
    path: str
    label: str
    type: FieldType
    required: bool | list[str] = False
    help: str | None = None
    choices: str | None = None
    item_label: str | None = None
    fields: list[FieldDef] = []

    def required_for(self, filing_type: str) -> bool:
        return self.required is True or (isinstance(self.required, list) and filing_type in self.required)


class Section(Spec):
    """A form page. `fields_from` names a list of the pack whose entries become the section's
    questions when the pack loads (see FIELD_SOURCES), instead of listing them in `fields`."""

    id: str
    title: str
    intro: str | None = None
    applies_to: list[str] | None = None
    fields_from: str | None = None
    fields: list[FieldDef] = []

    def applies(self, filing_type: str) -> bool:
        return self.applies_to is None or filing_type in self.applies_to


class Fields(Sourced):
    sections: list[Section]


class RuleDef(Cited):
    id: str
    severity: Literal["error", "warning"]
    check: str
    params: dict[str, Any] = {}
    fields: list[str]
    message: str


class Rules(Spec):
    rules: list[RuleDef]


class CapexWording(Spec):
    amount: str
    none: str


class NoticeDef(Spec):
    citation: str
    as_of: dt.date
    statement: str
    statute_reference: str
    capital_expenditure: CapexWording
    contact: str
    placeholders: dict[str, str]


class Tier(Spec):
    up_to: Decimal | None
    fee: Decimal


class Fees(Cited):
    tiers: list[Tier]

    @field_validator("tiers")
    @classmethod
    def _ordered(cls, tiers: list[Tier]) -> list[Tier]:
        limits = [t.up_to for t in tiers]
        if not limits or limits[-1] is not None or None in limits[:-1] or limits[:-1] != sorted(limits[:-1]):
            raise ValueError("tiers must rise, and only the last may have up_to: null")
        return tiers


class NoticeWindow(Cited):
    consecutive_days: int = Field(ge=1)
    min_days_before_filing: int = Field(ge=0)
    max_days_before_filing: int = Field(ge=0)


class ClockRow(Cited):
    id: str
    label: str
    after: str
    days: int = Field(ge=0)


class HolidayCalendar(Spec):
    country: str
    subdivision: str | None = None


class Deadlines(Spec):
    days_citation: str
    holiday_calendar: HolidayCalendar
    notice: NoticeWindow
    post_filing: list[ClockRow]


class Band(Spec):
    at_least: float | None = None
    at_most: float | None = None
    below: float | None = None

    def contains(self, hours: float) -> bool:
        return ((self.at_least is None or hours >= self.at_least)
                and (self.at_most is None or hours <= self.at_most)
                and (self.below is None or hours < self.below))

    def describe(self) -> str:
        low = f"{self.at_least:g}" if self.at_least is not None else "0"
        if self.below is not None:
            return f"{low} to under {self.below:g}"
        return f"{low} to {self.at_most:g}" if self.at_most is not None else f"at least {low}"


class Bands(Spec):
    hard: Band
    typical: Band


class LevelDef(Spec):
    bands: dict[str, Bands]
    components: list[str] = []

    @model_validator(mode="after")
    def _has_default(self) -> LevelDef:
        if "default" not in self.bands:
            raise ValueError("bands needs a 'default' entry")
        return self


class Levels(Sourced):
    levels: dict[str, LevelDef]


class UncertainZip(Spec):
    zip: str
    note: str


class Town(Spec):
    name: str
    zips: list[str]


class Towns(Sourced):
    uncertain_zips: list[UncertainZip] = []
    towns: list[Town]


class Principle(Spec):
    """A review principle the application must address, e.g. §19a-639(a)(3) public need."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)   # a filing's `principles` key
    number: str
    citation: str
    text: str
    status: Literal["confirmed", "unverified"] = "confirmed"


class Principles(Spec):
    as_of: dt.date
    source: str
    principles: list[Principle]


class FilingTypes(Spec):
    filing_types: list[FilingType]


def _principle_fields(principles: Principles) -> list[FieldDef]:
    """One long-text question per review principle, answered under `principles.<id>`."""
    return [FieldDef(path=f"principles.{p.id}", label=f"{p.number} {p.text}", type="textarea", required=True,
                     help=f"{p.citation}." + (" The wording of this principle is unverified: check it against the"
                                              " current statute before filing." if p.status == "unverified" else ""))
            for p in principles.principles]


# fields_from values -> (pack file, questions generated from that file's model)
FIELD_SOURCES = {"principles": ("principles", _principle_fields)}

_MODELS = {"pack": Meta, "filing_types": FilingTypes, "fields": Fields, "rules": Rules, "notice": NoticeDef,
           "fees": Fees, "deadlines": Deadlines, "levels": Levels, "towns": Towns,
           "principles": Principles}


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
            names = {n for _, n, _, _ in string.Formatter().parse(ft.notice) if n}
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


def _read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """YAML to Python, with the line number of every mapping key and list item (1-based)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise InputError(f"cannot read rule pack file: {exc.strerror}", source=str(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise InputError(f"not valid YAML: {exc.problem}", source=f"{path}:{line}") from None
    lines: dict[tuple, int] = {}
    constructor = yaml.SafeLoader("")

    def build(n: yaml.Node, loc: tuple) -> Any:
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                key = build(key_node, loc)
                if key in out:
                    raise InputError(f"duplicate key '{key}'", source=f"{path}:{key_node.start_mark.line + 1}")
                lines[loc + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, loc + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            items = []
            for i, item in enumerate(n.value):
                lines[loc + (i,)] = item.start_mark.line + 1
                items.append(build(item, loc + (i,)))
            return items
        try:
            return constructor.construct_object(n, deep=True)
        except (yaml.YAMLError, ValueError) as exc:   # e.g. `as_of: 2026-13-01` fails in datetime.date
            raise InputError(f"bad value {n.value!r}: {exc}", source=f"{path}:{n.start_mark.line + 1}") from None

    if node is None:
        raise InputError("empty rule pack file", source=f"{path}:1")
    return build(node, ()), lines


def _filing_paths() -> set[str]:
    """Every field path of the filing format, with [] for list items (services[].level) and .* for
    the keys of a dict-valued field (principles.*)."""
    from .filing import Filing

    paths: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            paths.add(path)
            ann = info.annotation
            if getattr(ann, "__origin__", None) is dict:
                paths.add(f"{path}.*")
            for candidate in (ann, *getattr(ann, "__args__", ())):
                inner = getattr(candidate, "__args__", (candidate,))
                for t in (candidate, *inner):
                    if isinstance(t, type) and issubclass(t, BaseModel):
                        walk(t, path + ("[]." if getattr(candidate, "__origin__", None) is list else "."))

    walk(Filing, "")
    return paths


def load_pack(directory: Path) -> Pack:
    """Load and cross-check the pack in `directory`, or raise InputError with file and line."""
    from .checks import CHECKS

    parts: dict[str, Any] = {}
    all_lines: dict[str, dict[tuple, int]] = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        data, lines = _read_yaml(path)
        all_lines[name] = lines
        try:
            parts[name] = _MODELS[name].model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = tuple(err["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), 1)
            where = ".".join(str(p) for p in loc) or "top level"
            raise InputError(f"{where}: {err['msg']}", source=f"{path}:{line}") from None
    pack = Pack(directory, parts, all_lines)
    pack.cross_check(set(CHECKS), _filing_paths())
    return pack


@functools.cache
def get_pack(state: str) -> Pack:
    """The pack for a state code (cached per process); InputError when there is none."""
    directory = FORMS_DIR / state.lower()
    if not re.fullmatch(r"[A-Za-z]{2}", state) or not (directory / "pack.yaml").is_file():
        available = sorted(p.name.upper() for p in FORMS_DIR.iterdir() if (p / "pack.yaml").is_file())
        raise InputError(f"no rule pack for state '{state}' (available: {', '.join(available)})", path="$.state")
    return _cached(directory)


def _cache_file(directory: Path) -> Path:
    """Where the checked pack is kept, named by the content of its files and of the code that reads them."""
    digest = hashlib.sha256()
    code = Path(__file__).parent
    for path in [*(directory / f"{name}.yaml" for name in FILES), code / "pack.py", code / "checks.py", code / "filing.py"]:
        digest.update(path.read_bytes() if path.exists() else b"")
    return cache_root() / "packs" / f"{directory.name}-{digest.hexdigest()[:32]}.pickle"


def _cached(directory: Path) -> Pack:
    """load_pack, kept between processes: parsing and checking the YAML is most of `cone notice`'s
    start-up. The cache holds only what this user's own process wrote; any problem reading or
    writing it falls back to loading the YAML."""
    path = _cache_file(directory)
    try:
        with path.open("rb") as f:
            pack = pickle.load(f)
        if isinstance(pack, Pack) and pack.directory == directory:
            return pack
    except Exception:  # noqa: BLE001 (a missing, stale or damaged cache is simply rebuilt)
        pass
    pack = load_pack(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    except OSError:
        pass
    return pack
