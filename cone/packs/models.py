"""The files of a rule pack as typed models: every YAML file of `forms/<state>/` validates against one."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .field_types import TYPES, FieldType


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
    source: str | None = None
    as_of: dt.date | None = None
    supplemental_form: str | None = None
    supplemental_for: list[str] | None = None
    notice: str


class FieldDef(Spec):
    path: str
    label: str
    type: str              # a name of cone.packs.field_types.TYPES
    required: bool | list[str] = False
    help: str | None = None
    choices: str | None = None
    item_label: str | None = None
    applies_to: list[str] | None = None   # the filing types that ask it; None: every type
    required_when: dict[str, list[str]] | None = None   # required only where each field path holds one of these answers
    fields: list[FieldDef] = []

    @field_validator("type")
    @classmethod
    def _known_type(cls, name: str) -> str:
        if name not in TYPES:
            raise ValueError(f"unknown field type '{name}' (known: {', '.join(TYPES)})")
        return name

    @property
    def kind(self) -> FieldType:
        return TYPES[self.type]

    def required_for(self, filing_type: str) -> bool:
        return self.required is True or (isinstance(self.required, list) and filing_type in self.required)

    def applies(self, filing_type: str) -> bool:
        """Whether the filing type asks this question at all (else it is not shown, checked or printed)."""
        return self.applies_to is None or filing_type in self.applies_to


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


# What a rule's findings are about, beyond their fields: the outputs that depend on them (the CLI's
# `notice` and `timeline` exit codes, the packet cover's checklist items) select rules by these.
Concern = Literal["notice", "publication", "posting", "fee"]


class RuleDef(Cited):
    id: str
    severity: Literal["error", "warning"]
    check: str
    params: dict[str, Any] = {}
    fields: list[str]
    concerns: list[Concern] = []
    applies_to: list[str] | None = None   # the filing types the rule checks; None: every type
    message: str

    def applies(self, filing_type: str) -> bool:
        return self.applies_to is None or filing_type in self.applies_to


class Rules(Spec):
    rules: list[RuleDef]


class ListPlaceholder(Spec):
    """A notice placeholder that joins the answers of several fields (each a text or a list of
    texts) into one phrase: "A, B and C". The first field is the one a gap is reported for."""

    fields: list[str] = Field(min_length=1)
    separator: str = ", "
    last_separator: str = " and "


class AgreeingWord(Spec):
    """A notice placeholder whose word agrees with how many names a list placeholder holds
    ("is"/"are") or with a number a placeholder prints ("1 bed", "12 beds")."""

    counts: str | None = None    # the list placeholder it agrees with
    number: str | None = None    # or the numeric placeholder it follows
    one: str
    many: str

    @model_validator(mode="after")
    def _one_source(self) -> "AgreeingWord":
        if (self.counts is None) == (self.number is None):
            raise ValueError("give exactly one of 'counts' (a list placeholder) and 'number' (a placeholder)")
        return self


class CapexWording(Spec):
    amount: str
    none: str


INSERTION_PLACEHOLDERS = frozenset({"newspaper", "dates", "count", "applicant"})


class InsertionRequestDef(Spec):
    """The one-page request to the newspaper's legal-advertising desk. Its sentences may use
    {newspaper}, {dates} (the run dates as a phrase), {count} (how many) and {applicant}."""

    title: str
    request: str       # asks to run the notice on the dates
    affidavit: str     # asks for the affidavit of publication, and says why
    billing: str       # the heading over whom to invoice

    @field_validator("title", "request", "affidavit", "billing")
    @classmethod
    def _known_placeholders(cls, text: str, info: Any) -> str:
        unknown = set(re.findall(r"{(\w+)}", text)) - INSERTION_PLACEHOLDERS
        if unknown:
            raise ValueError(f"{info.field_name} uses unknown placeholder(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(INSERTION_PLACEHOLDERS))}")
        return text


class NewspaperCopy(Sourced):
    """What the newspaper is sent: the heading legal-ads desks print over a notice, and the
    insertion request."""

    heading: str
    insertion: InsertionRequestDef


class NoticeDef(Spec):
    citation: str
    as_of: dt.date
    statement: str
    site: str                 # how the project site reads in the notice, from field paths: "{site.street}, {site.town}"
    statute_reference: str
    capital_expenditure: CapexWording
    contact: str
    placeholders: dict[str, str]
    lists: dict[str, ListPlaceholder] = {}
    agreeing: dict[str, AgreeingWord] = {}
    newspaper: NewspaperCopy


class Tier(Spec):
    up_to: Decimal | None
    fee: Decimal


class Fees(Cited):
    tiers: list[Tier]
    limit_note: str | None = None     # said of an amount exactly at a tier's limit; {limit} is the amount

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
    actor: Literal["agency", "applicant", "public"] = "agency"   # who must act by this date (the last day)
    applies_to: list[str] | None = None      # the filing types on this clock; None: every type not excluded
    excludes: list[str] = []                 # filing types on a clock of their own

    def applies(self, filing_type: str) -> bool:
        return (self.applies_to is None or filing_type in self.applies_to) and filing_type not in self.excludes


class HolidayCalendar(Spec):
    country: str
    subdivision: str | None = None


class PreFilingRow(Cited):
    """A date counted back from the planned filing date: the last day to do something before filing."""

    id: str
    label: str
    days: int = Field(ge=0)
    actor: Literal["applicant", "agency", "public"] = "applicant"


class ClosedDayRule(Cited):
    """A rule that may let a paper due on a closed day be filed on the next business day."""

    note: str


class DocketFormat(Sourced):
    """The agency's docket number: a regular expression, an example, and the suffix of emergency filings."""

    pattern: str
    example: str
    emergency_suffix: str = ""
    emergency_types: list[str] = []
    citation: str


class EventKind(Cited):
    """A kind of event after filing, and when it may be recorded (cone.postfiling)."""

    id: str
    label: str
    requires: list[str] = []           # one of these must be recorded before ("filed": the filing itself)
    emergency_requires: list[str] | None = None    # instead of `requires` for an emergency filing type
    refused_after: list[str] = []      # none of these may be recorded before
    answers: str | None = None         # the kind it answers (one unanswered event of it must exist)
    answered_by: str | None = None     # a new one is refused while an earlier one is unanswered
    deadline: str | None = None        # the clock row it must meet (unless extended)
    max: int | None = Field(default=1, ge=1)   # how many may be recorded (None: any number)
    within_months_of_filing: int | None = None
    final: bool = False                # nothing may be recorded after it


class AfterClockRow(Cited):
    """A date after filing: `days` or `months` from the latest recorded event of `after`, planned
    from the row `planned_from` (or the filed date) until one is recorded."""

    id: str
    label: str
    after: list[str]
    planned_from: str | None = None
    days: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)
    actor: Literal["agency", "applicant", "public"] = "agency"
    extendable: bool = False           # an extension granted for this row moves it
    met_by: list[str] = []
    unless: list[str] = []             # the row does not apply once one of these is recorded
    applies_to: list[str] | None = None
    excludes: list[str] = []

    def applies(self, filing_type: str) -> bool:
        return (self.applies_to is None or filing_type in self.applies_to) and filing_type not in self.excludes


class AfterFiling(Spec):
    docket: DocketFormat
    events: list[EventKind]
    outcomes: dict[str, str]
    extension_days: int = Field(ge=1)
    clock: list[AfterClockRow]


class Deadlines(Spec):
    days_citation: str
    holiday_calendar: HolidayCalendar
    closed_day_rule: ClosedDayRule | None = None
    notice: NoticeWindow
    pre_filing: list[PreFilingRow] = []
    post_filing: list[ClockRow]
    after_filing: AfterFiling | None = None


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
    measure: str = "hours"       # what a program's weekly hours count at this level ("clinical hours")

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


class Village(Spec):
    """A place name an address may use instead of its town (a Census place or USPS place name)."""

    name: str
    towns: list[str]


class Towns(Sourced):
    uncertain_zips: list[UncertainZip] = []
    villages: list[Village] = []
    towns: list[Town]


class Principle(Spec):
    """A review principle of the state's statute that the application must address (public need ...)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)   # a filing's `principles` key
    number: str
    citation: str
    text: str
    status: Literal["confirmed", "unverified"] = "confirmed"


class Principles(Spec):
    as_of: dt.date
    source: str
    principles: list[Principle]


class CoverItem(Spec):
    """A line of the packet cover's application checklist. `findings`: ticked, or flagged with the
    error findings that concern it (rules with one of `concerns`, findings on one of `fields`, or,
    with `rest`, every error no earlier item took); `manual`: a box the applicant ticks (`todo`
    says what to do); `exhibits`: the attached exhibits listed. `title` and `ok` may use the
    cover's facts ({fee}, {publication}, {consecutive_days}, {min_days}, {max_days})."""

    id: str
    title: str
    kind: Literal["findings", "manual", "exhibits"]
    concerns: list[Concern] = []
    fields: list[str] = []
    rest: bool = False
    ok: str | None = None
    todo: str | None = None


class OfficeBox(Spec):
    """The box on the cover that the agency fills in on receipt."""

    title: str
    blanks: list[str]


class Affidavit(Sourced):
    """The sworn statement printed for signature; {applicant} is the applicant's name (or a blank)."""

    title: str
    statement: str
    signer: str              # who signs, printed after the name blank, e.g. "position: CEO or CFO"
    officer: str             # before whom it is sworn, under the jurat's signature line


PacketPart = Literal["sections", "financial", "notice", "affidavit"]


class ExhibitKind(Spec):
    """A kind of exhibit the upload form offers (the final packet may require some by id)."""

    id: str
    label: str


class PacketLimit(Sourced):
    """The largest packet the agency accepts: total megabytes and pages."""

    megabytes: int
    pages: int


class Documents(Sourced):
    """What the packet prints that is the state's: cover checklist and office box, the principles'
    introduction, the affidavit, and the order of the parts between the contents and the exhibits."""

    cover_checklist: list[CoverItem]
    office_box: OfficeBox | None = None
    principles_intro: str
    affidavit: Affidavit | None = None
    parts: list[PacketPart]
    exhibit_kinds: list[ExhibitKind] = []
    packet_limit: PacketLimit | None = None

    @field_validator("parts")
    @classmethod
    def _parts_once(cls, parts: list[str]) -> list[str]:
        if len(set(parts)) != len(parts) or "sections" not in parts or "notice" not in parts:
            raise ValueError("parts must name sections and notice, and each part at most once")
        return parts


class UI(Spec):
    """Wording of the web app that names the state or its agency."""

    agency_short: str        # the agency as a sentence names it: "Mark as filed with {agency_short}"
    tagline: str             # under the sign-in heading
    start_intro: str         # on the empty filings list
    footer: str              # the footer's reminder of the law and the agency's forms
    examples: dict[str, str] = {}   # field type -> example value in its hint (a ZIP code of the state ...)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


Pattern = Annotated[str, AfterValidator(_compiles)]
LintElementId = Literal["statement", "scope", "address", "capital_expenditure"]


class LintElement(Spec):
    """One element every notice of intent must contain, as the notice linter reports it."""

    id: LintElementId
    label: str
    citation: str
    missing: str             # what to add when the notice lacks it


class StreetType(Spec):
    name: str
    abbreviations: list[str] = []
    numbered: bool = False   # takes a number after it: "Route 1"


class Footer(Spec):
    tokens: list[Pattern]    # what a newspaper's footer line is made of: run dates, insertion numbers
    publications: list[str] = []


class HearingMarker(Spec):
    id: str
    label: str
    patterns: list[Pattern]


class HearingNotice(Spec):
    """How the agency's own notice of a hearing reads: at least `at_least` of the markers."""

    at_least: int = Field(ge=1)
    message: str
    markers: list[HearingMarker]


class NoticeLint(Sourced):
    """The notice linter's words: the required elements and the patterns that find each of them
    in a notice written by hand (all matched case-insensitively unless a pattern says otherwise)."""

    citation: str
    elements: list[LintElement]
    statute: list[Pattern] = Field(min_length=1)             # the statute the applicant applies under
    applying: list[Pattern] = Field(min_length=1)            # that the applicant is applying, or will
    certificate: list[Pattern] = Field(min_length=1)         # the certificate (permit) applied for
    lead_ins: list[Pattern]            # what may come before the applicant's name
    scope_openers: list[Pattern] = Field(min_length=1)       # the project's description starts after one of these
    scope_stop: Pattern                # ... and stops at this
    street_types: list[StreetType] = Field(min_length=1)
    units: Pattern                     # suite, floor ... after a street
    town_lead: Pattern                 # between the street and the town
    not_the_site: list[Pattern]        # a sentence with one of these gives no project address
    capital_expenditure: list[Pattern] = Field(min_length=1)
    no_capital_expenditure: list[Pattern] = Field(min_length=1)
    abbreviations: list[str]           # words whose period ends no sentence
    footer: Footer
    hearing: HearingNotice

    @field_validator("elements")
    @classmethod
    def _four(cls, elements: list[LintElement]) -> list[LintElement]:
        if sorted(e.id for e in elements) != sorted(get_args(LintElementId)):
            raise ValueError(f"elements must list each of {', '.join(get_args(LintElementId))} once")
        return elements


class FilingTypes(Spec):
    filing_types: list[FilingType]


def principle_fields(principles: Principles) -> list[FieldDef]:
    """One long-text question per review principle, answered under `principles.<id>`."""
    return [FieldDef(path=f"principles.{p.id}", label=f"{p.number} {p.text}", type="textarea", required=True,
                     help=f"{p.citation}." + (" The wording of this principle is unverified: check it against the"
                                              " current statute before filing." if p.status == "unverified" else ""))
            for p in principles.principles]


# fields_from values -> (pack file, questions generated from that file's model)
FIELD_SOURCES = {"principles": ("principles", principle_fields)}


class TableLine(Spec):
    """A row or column of a worksheet table: entered, or computed as the sum of `plus` less `minus`
    (ids of the same table's rows or columns, computed ones included)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    plus: list[str] = []
    minus: list[str] = []
    additive: bool = True     # a rate is not: a computed row leaves it blank
    block: str | None = None  # the heading the row prints under

    @property
    def computed(self) -> bool:
        return bool(self.plus or self.minus)


class TableDef(Cited):
    """One worksheet table: its rows (or a vocabulary's items as rows, then its total rows) and columns."""

    id: str
    title: str
    sheet: str = Field(max_length=31)           # the workbook sheet it is exported to
    intro: str | None = None
    rows_from: str | None = None                # a vocabulary whose items are the entered rows
    rows: list[TableLine] = []
    columns: list[TableLine] = Field(min_length=1)
    years: list[TableLine] = []                 # one copy of the table per year (Attachment II)


class TotalCheck(Spec):
    """A computed cell of one table that must equal an answer or a cell of another."""

    table: str
    row: str
    column: str
    year: str | None = None


class Financials(Sourced):
    """The agency's capital-cost table and financial worksheet, as tables of rows and columns."""

    title: str                                  # the packet part's heading
    tables: list[TableDef] = Field(min_length=1)
    funding_title: str
    funding_intro: str | None = None
