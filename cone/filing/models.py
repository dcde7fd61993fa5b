"""The `cone.filing/1` interchange format: typed models (the parser is in parser.py).

A filing is the facts of one CON application as the applicant states them. The
format is state-neutral and checks types only: a draft may leave any answer out.
What a state requires (completeness included) lives in that state's rule pack.
Every field carries a description, which `cone schema` publishes.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from .money import money_number

FORMAT = "cone.filing/1"
MAX_MONEY = Decimal(10) ** 12


def _money(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite amount of dollars")
    if value < 0:
        raise ValueError("must not be negative")
    if value > MAX_MONEY:
        raise ValueError(f"must be at most {MAX_MONEY:,} dollars")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("must be whole cents (at most two decimal places)")
    return value


def _reject_bool_and_text(value: Any) -> Any:
    # JSON `true` or "10000" are not amounts: pydantic would coerce them.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("must be a number of dollars, e.g. 10000 or 10000.50")
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


Money = Annotated[
    Decimal,
    BeforeValidator(_reject_bool_and_text),
    AfterValidator(_money),
    # No "multipleOf": 0.01: float-based validators reject real amounts such as 0.29 with it.
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": int(MAX_MONEY)}),
    PlainSerializer(money_number, when_used="json"),   # a JSON number, not pydantic's default string
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("must be a number")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("is far too large") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    return number


# Years a filing's dates may fall in: wide, but keeps every date the timeline derives representable.
DATE_YEARS = range(1900, 2200)


def _iso_date(value: Any) -> Any:
    if not isinstance(value, dt.date):
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("must be a date written YYYY-MM-DD")
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a calendar date") from None
    if value.year not in DATE_YEARS:
        raise ValueError(f"{value.isoformat()} is out of range (years {DATE_YEARS.start} to {DATE_YEARS.stop - 1})")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]


def Number(**bounds: float) -> Any:
    """A JSON number (not a string or boolean) within the given bounds."""
    return Annotated[float, Field(**bounds), BeforeValidator(_number)]   # bounds first: they reach the JSON Schema


Hours = Number(ge=0, le=168)


class Model(BaseModel):
    """Base: unknown keys are errors, strings are not coerced into numbers or dates."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Address(Model):
    street: Text | None = Field(default=None, description="Street address (number and street), as it should appear in the notice.")
    town: Text | None = Field(default=None, description="Town or city; where the state pack lists its towns, one of them.")
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(default=None, description="Two-letter USPS state code.")
    zip: Annotated[str, StringConstraints(pattern=r"^\d{5}(-\d{4})?$")] | None = Field(default=None, description="ZIP or ZIP+4 code, as a string (keep the leading zero).")


class Contact(Model):
    name: Text | None = Field(default=None, description="Full name of the person who receives the agency's correspondence.")
    title: Text | None = Field(default=None, description="That person's title or position.")
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)] | None = Field(default=None, description="E-mail address.")
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+().\- x]{7,32}$")] | None = Field(default=None, description="Telephone number, e.g. 555-555-0142.")


class Applicant(Model):
    legal_name: Text | None = Field(default=None, description="Full legal name of the applicant entity, with its suffix (LLC, Inc. ...).")
    entity_type: Code | None = Field(default=None, description="Kind of entity; a code from the pack's entity types (llc, corporation, ...).")
    dba: Text | None = Field(default=None, description="Doing-business-as name, if any.")
    parent: Text | None = Field(default=None, description="Parent corporation, if any.")
    mailing_address: Address = Field(default_factory=Address, description="Mailing address of the applicant.")
    contact: Contact = Field(default_factory=Contact, description="Contact person for the application.")


class Project(Model):
    summary: Text | None = Field(default=None, description=(
        "Scope and nature of the project as a phrase that completes 'is applying for a certificate of need to ...', "
        "e.g. 'establish an outpatient behavioral health care facility for adults'."))
    title: Text | None = Field(default=None, description="Short project title for the application cover.")
    description: LongText | None = Field(default=None, description="Longer project description for the application.")
    facility_type: Code | None = Field(default=None, description="Kind of facility; a code from the pack's facility types.")
    facility_name: Text | None = Field(default=None, description="Name of the existing facility concerned (transfer, termination, beds).")
    populations: list[Code] = Field(default_factory=list, description="Populations served: adults, adolescents, children, older_adults.")
    capital_expenditure: Money | None = Field(default=None, description="Total capital expenditure in US dollars; 0 when there is none.")
    total_cost: Money | None = Field(default=None, description=(
        "Total cost of the project in US dollars, where it differs from the capital expenditure (leased or donated "
        "equipment at fair market value, for example); the fee is set on it, else on the capital expenditure."))
    transferor: Text | None = Field(default=None, description="Transfer of ownership: the entity that owns the facility (or practice) now.")
    transferee: Text | None = Field(default=None, description="Transfer of ownership: the entity that will own the facility.")
    physician_fte: Number(ge=0, le=100000) | None = Field(default=None, description=(
        "Group-practice transfer: full-time-equivalent physicians in the practice."))
    affiliated_hospital: Text | None = Field(default=None, description=(
        "Freestanding emergency department: the hospital whose department it is."))
    cardiac_service: Text | None = Field(default=None, description=(
        "Cardiac services: the service to be established, as the notice should describe it, with its article."))
    equipment_category: Code | None = Field(default=None, description=(
        "Equipment acquisition: which kind of equipment it is; a code from the pack's equipment categories."))
    equipment_replaces: Code | None = Field(default=None, description=(
        "Equipment acquisition: whether it replaces equipment the applicant already has (yes or no)."))
    hospital_based: Code | None = Field(default=None, description=(
        "Equipment acquisition: whether the equipment is located in and operated by a hospital (yes or no)."))
    operating_rooms_current: Annotated[int, Field(ge=0, le=1000)] | None = Field(default=None, description=(
        "Operating-room increase: operating rooms now."))
    operating_rooms_proposed: Annotated[int, Field(ge=0, le=1000)] | None = Field(default=None, description=(
        "Operating-room increase: operating rooms proposed."))
    operating_rooms_added: Annotated[int, Field(ge=0, le=1000)] | None = Field(default=None, description=(
        "Operating-room increase: operating rooms added in the three years before this application."))
    relocated_from: Text | None = Field(default=None, description="Relocation: the street address and town the facility moves from.")
    terminated_service: Text | None = Field(default=None, description="Termination: the service to be terminated.")
    equipment: Text | None = Field(default=None, description="Equipment acquisition: the equipment to be acquired, e.g. 'a 3.0 Tesla MRI scanner'.")
    beds_current: Annotated[int, Field(ge=0, le=10000)] | None = Field(default=None, description="Bed increase: licensed beds now.")
    beds_proposed: Annotated[int, Field(ge=0, le=10000)] | None = Field(default=None, description="Bed increase: licensed beds proposed.")


class Service(Model):
    level: Code | None = Field(default=None, description="Level of care: outpatient, iop, php, residential or inpatient.")
    name: Text | None = Field(default=None, description="Name of the program as the applicant calls it.")
    population: Code | None = Field(default=None, description="Population of this program, if narrower than the project's.")
    days_per_week: Number(gt=0, le=7) | None = Field(default=None, description="Days per week the program meets.")
    hours_per_day: Number(gt=0, le=24) | None = Field(default=None, description="Hours per program day.")
    hours_per_week: Hours | None = Field(default=None, description="Hours per week; derived from days and hours per day when absent.")
    duration_weeks: Number(gt=0, le=520) | None = Field(default=None, description="Typical length of stay in weeks.")
    times_of_day: list[Code] = Field(default_factory=list, description="When it runs: morning, daytime, evening, weekend.")
    components: list[Code] = Field(default_factory=list, description="Treatment components, codes from the pack (group_therapy, ...).")
    settings: list[Code] = Field(default_factory=list, description="in_person and/or telehealth.")

    def weekly_hours(self) -> float | None:
        """Hours per week as stated, or days x hours per day; None when the schedule is not given."""
        if self.hours_per_week is not None:
            return self.hours_per_week
        if self.days_per_week is not None and self.hours_per_day is not None:
            return self.days_per_week * self.hours_per_day
        return None


class NoticeContact(Model):
    agency: Text | None = Field(default=None, description="Agency named in the notice's contact sentence.")
    attention: Text | None = Field(default=None, description="Person named after 'Attention:'.")
    address: Text | None = Field(default=None, description="Mailing address of that person, on one line.")
    phone: Text | None = Field(default=None, description="Telephone number as the notice should print it.")


class Publication(Model):
    newspaper: Text | None = Field(default=None, description="Newspaper that ran (or will run) the notice.")
    dates: list[IsoDate] = Field(default_factory=list, description="Dates the notice ran, ISO format (YYYY-MM-DD).")


class Postings(Model):
    """Where else the notice is posted besides the newspaper, where the state requires it."""

    website_url: Text | None = Field(default=None, description="Address of the applicant's web page that shows the notice.")
    website_date: IsoDate | None = Field(default=None, description="Date the notice went up on the applicant's website.")
    community_locations: list[Text] = Field(default_factory=list, description=(
        "Places in the community where the notice is posted, e.g. the town library and town hall."))
    municipal_website: Text | None = Field(default=None, description=(
        "Web page of the municipality or local health department that shows the notice."))
    copy_sent: IsoDate | None = Field(default=None, description="Date a copy of the notice was sent to the agency.")


class UtilizationRow(Model):
    service: Text | None = Field(default=None, description="Service or program the volume is for.")
    year: Text | None = Field(default=None, description="Fiscal or operating year, e.g. 'FY2024' or 'Year 1'.")
    basis: Literal["actual", "projected"] | None = Field(default=None, description="Whether the volume is actual (historical) or projected.")
    volume: Annotated[int, Field(ge=0, le=10**9)] | None = Field(default=None, description="Number of units of service in that year.")
    unit: Text | None = Field(default=None, description="Unit of service, e.g. 'visits' or 'patients'.")


class PayerRow(Model):
    payer: Code | None = Field(default=None, description="Payer category; a code from the pack's payers vocabulary.")
    current_patients: Annotated[int, Field(ge=0, le=10**9)] | None = Field(default=None, description="Patients in the most recent full year.")
    current_percent: Number(ge=0, le=100) | None = Field(default=None, description="Share of patients in the most recent full year, in percent.")
    projected_patients: Annotated[int, Field(ge=0, le=10**9)] | None = Field(default=None, description="Patients projected in the first full operating year.")
    projected_percent: Number(ge=0, le=100) | None = Field(default=None, description="Projected share of patients, in percent.")


def _signed_amount(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite amount of dollars")
    if abs(value) > MAX_MONEY:
        raise ValueError(f"must be within {MAX_MONEY:,} dollars either side of zero")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("must be whole cents (at most two decimal places)")
    return value


# A worksheet cell: dollars (a loss is negative), a volume or a rate; whole cents at most.
Amount = Annotated[
    Decimal,
    BeforeValidator(_reject_bool_and_text),
    AfterValidator(_signed_amount),
    WithJsonSchema({"type": "number", "minimum": -int(MAX_MONEY), "maximum": int(MAX_MONEY)}),
    PlainSerializer(money_number, when_used="json"),
]
AmountTable = dict[Code, dict[Code, Amount]]


class FundingSource(Model):
    source: Text | None = Field(default=None, description="Where the money comes from, e.g. 'Cash on hand' or 'Bank loan'.")
    amount: Money | None = Field(default=None, description="Amount from this source in US dollars.")
    terms: Text | None = Field(default=None, description="Loan terms (lender, rate, years), where it is a loan.")


class Financial(Model):
    """The capital-cost table, the funding sources and the financial attachments, as entered; the
    pack's table definitions name the rows and columns and compute the totals."""

    capital_cost: AmountTable = Field(default_factory=dict, description=(
        "Capital expenditure and cost: row id of the pack's capital-cost table -> column id -> amount."))
    funding_sources: list[FundingSource] = Field(default_factory=list, description="Sources of the project's funds.")
    attachment_one: AmountTable = Field(default_factory=dict, description=(
        "Financial Attachment I (the applicant as a whole): row id -> column id (actual year, each projected "
        "year without, incremental) -> amount."))
    attachment_two: dict[Code, AmountTable] = Field(default_factory=dict, description=(
        "Financial Attachment II (the project, incremental): projected year id -> payer row id -> column id -> amount."))


class Filing(Model):
    format: Literal["cone.filing/1"] = Field(description="Format identifier; always 'cone.filing/1'.")
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="State whose rule pack applies: the two-letter code of a state that has a pack.")
    filing_type: Code = Field(description="Filing type; an id from the state pack (new_facility, transfer_of_ownership, ...).")
    applicant: Applicant = Field(default_factory=Applicant, description="The applicant entity.")
    co_applicants: list[Text] = Field(default_factory=list, description=(
        "Legal names of the other entities applying together with the applicant (the seller of a transfer, for example)."))
    site: Address = Field(default_factory=Address, description="Street address where the project is to be located.")
    project: Project = Field(default_factory=Project, description="What the project is.")
    services: list[Service] = Field(default_factory=list, description="Programs the facility will offer, with schedules.")
    notice_contact: NoticeContact | None = Field(default=None, description="Overrides the pack's agency contact in the notice.")
    publication: Publication = Field(default_factory=Publication, description="Newspaper publication of the public notice.")
    postings: Postings = Field(default_factory=Postings, description="Postings of the notice besides the newspaper.")
    planned_filing_date: IsoDate | None = Field(default=None, description="Date the application is to be filed, ISO format.")
    fee: Money | None = Field(default=None, description="Filing fee the applicant intends to pay, if stated; checked against the pack.")
    utilization: list[UtilizationRow] = Field(default_factory=list, description="Historical and projected utilization by service.")
    payer_mix: list[PayerRow] = Field(default_factory=list, description="Current and projected payer mix.")
    principles: dict[Code, LongText] = Field(default_factory=dict, description=(
        "Answers to the statutory review principles, keyed by the principle ids of the pack (e.g. public_need)."))
    financial: Financial | None = Field(default=None, description=(
        "Capital cost, funding sources and the financial worksheet; absent until any is entered."))
