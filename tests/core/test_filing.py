"""The cone.filing/1 parser, money and dates: example-based tests and hypothesis properties."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from string import Formatter

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cone.rules.checklist import run_checklist
from cone.rules.checks import CHECKS
from cone.rules.dated import DATED
from cone.filing.errors import InputError
from cone.filing.models import Filing
from cone.filing.parser import dumps, loads, parse_filing
from cone.filing.money import format_money
from cone.documents.notice import render_notice
from cone.documents.timeline import build_timeline

from .helpers import PACK, example, findings, html_text, set_path, to_json

TODAY = dt.date(2026, 12, 3)   # a day for the checks that depend on one
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
                | st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def example_json(changes: dict | None = None) -> str:
    """The example as JSON text, with {field path: new value} applied."""
    data = example()
    for path, value in (changes or {}).items():
        set_path(data, path, value)
    return to_json(data)


def error_of(text: str | bytes) -> InputError:
    with pytest.raises(InputError) as exc:
        loads(text)
    return exc.value


# --- examples ---------------------------------------------------------------------------------

def test_example_parses():
    f = loads(example_json())
    assert f.applicant.legal_name == "Hopewell Health Solutions, LLC"
    assert f.project.capital_expenditure == Decimal("10000")
    assert f.services[0].weekly_hours() == 9
    assert f.publication.dates[2] == dt.date(2025, 6, 4)


@pytest.mark.parametrize("mutate, path, says", [
    (lambda d: set_path(d, "services[0].hours_per_week", "9"), "$.services[0].hours_per_week", "must be a number"),
    (lambda d: set_path(d, "services[0].hours_per_week", True), "$.services[0].hours_per_week", "must be a number"),
    (lambda d: set_path(d, "services[1].hours_per_week", 169), "$.services[1].hours_per_week", "168"),
    (lambda d: set_path(d, "services[1].hours_per_week", -1), "$.services[1].hours_per_week", "0"),
    (lambda d: set_path(d, "services[0].days_per_week", 8), "$.services[0].days_per_week", "7"),
    (lambda d: set_path(d, "services[0].colour", "red"), "$.services[0].colour", "unknown field"),
    (lambda d: set_path(d, "extra", 1), "$.extra", "unknown field"),
    (lambda d: d.pop("filing_type"), "$.filing_type", "required field is missing"),
    (lambda d: set_path(d, "format", "cone.filing/2"), "$.format", "cone.filing/1"),
    (lambda d: set_path(d, "site.zip", 6333), "$.site.zip", "string"),
    (lambda d: set_path(d, "site.zip", "6333"), "$.site.zip", "pattern"),
    (lambda d: set_path(d, "site.state", "Connecticut"), "$.site.state", "pattern"),
    (lambda d: set_path(d, "applicant.contact.email", "jordan at example"), "$.applicant.contact.email", "pattern"),
    (lambda d: set_path(d, "project.populations", "adults"), "$.project.populations", "list"),
    (lambda d: set_path(d, "project.capital_expenditure", "10000"), "$.project.capital_expenditure", "number of dollars"),
    (lambda d: set_path(d, "project.capital_expenditure", -5), "$.project.capital_expenditure", "negative"),
    (lambda d: set_path(d, "project.capital_expenditure", Decimal("10.005")), "$.project.capital_expenditure",
     "whole cents"),
    (lambda d: set_path(d, "fee", Decimal("1000.001")), "$.fee", "whole cents"),
    (lambda d: set_path(d, "project.beds_current", Decimal("16.5")), "$.project.beds_current", "integer"),
    (lambda d: set_path(d, "planned_filing_date", "2025-02-29"), "$.planned_filing_date", "not a calendar date"),
    (lambda d: set_path(d, "planned_filing_date", "7/7/2025"), "$.planned_filing_date", "YYYY-MM-DD"),
    (lambda d: set_path(d, "publication.dates", ["2025-06-02", "2025-06-31"]), "$.publication.dates[1]",
     "2025-06-31 is not a calendar date"),
])
def test_input_errors_name_the_json_path(mutate, path, says):
    data = example()
    mutate(data)
    err = error_of(to_json(data))
    assert err.path == path
    assert says in err.message
    assert str(err) == f"{path}: {err.message}" and "\n" not in str(err)


@pytest.mark.parametrize("text", ["", "{", "[]", "null", "42", '"cone"', "{\"format\": \"cone.filing/1\"", "NaN"])
def test_not_a_filing(text):
    err = error_of(text)
    assert err.path == "$"


def test_deeply_nested_json_is_an_input_error():
    assert error_of("[" * 100_000 + "]" * 100_000).path == "$"


def test_not_a_number_money_is_rejected():
    err = error_of(example_json({"project.capital_expenditure": Decimal("NaN")}))
    assert err.path == "$.project.capital_expenditure"


def test_huge_money_is_rejected():
    err = error_of(example_json({"project.capital_expenditure": Decimal("1e400")}))
    assert err.path == "$.project.capital_expenditure" and "at most" in err.message


def test_text_is_stripped():
    f = loads(example_json({"site.street": "  248 Flanders Road  "}))
    assert f.site.street == "248 Flanders Road"


# --- properties: parsing ---------------------------------------------------------------------

@SETTINGS
@given(json_values)
def test_any_json_value_is_a_filing_or_an_input_error(value):
    try:
        parse_filing(value)
    except InputError as exc:
        assert exc.path and exc.path.startswith("$") and "\n" not in str(exc)


@SETTINGS
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_are_a_filing_or_an_input_error(raw):
    try:
        loads(raw)
    except InputError as exc:
        assert exc.path == "$" or exc.path.startswith("$.")


# Every place in the example where a value can go: replacing one leaves all else valid.
PLACES = ["format", "state", "filing_type", "applicant", "applicant.legal_name", "applicant.entity_type",
          "applicant.mailing_address", "applicant.mailing_address.zip", "applicant.contact.email",
          "applicant.contact.phone", "site", "site.street", "site.town", "site.state", "site.zip", "project",
          "project.summary", "project.populations", "project.populations[0]", "project.capital_expenditure",
          "project.beds_current", "services", "services[0]", "services[0].level", "services[0].days_per_week",
          "services[0].hours_per_day", "services[1].hours_per_week", "services[0].components",
          "services[0].components[1]", "notice_contact", "notice_contact.phone", "publication",
          "publication.newspaper", "publication.dates", "publication.dates[1]", "planned_filing_date", "fee"]


def _json_path(place: str) -> str:
    return "$." + place


@SETTINGS
@given(st.sampled_from(PLACES), json_values)
def test_a_bad_value_is_reported_where_it_is(place, value):
    data = json.loads(example_json())
    set_path(data, place, value)
    try:
        f = parse_filing(data)
    except InputError as exc:
        where = _json_path(place)
        assert exc.path == where or exc.path.startswith((where + ".", where + "[")), (exc.path, where)
    else:
        assert loads(dumps(f)) == f


text = st.text(max_size=40)
# Codes: mostly the pack's own (so the checks get past "unknown choice"), sometimes anything.
known_codes = sorted({code for vocab in PACK.vocab.values() for code in vocab if re.fullmatch(r"[a-z][a-z0-9_]*", code)}
                     | set(PACK.levels.levels))   # (the states vocabulary's codes are postal codes, not codes)
codes = st.sampled_from(known_codes) | st.from_regex(r"\A[a-z][a-z0-9_]{0,15}\Z")
money = st.integers(0, 10**14).map(lambda c: Decimal(c) / 100)
in_range = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
iso_dates = in_range.map(dt.date.isoformat)


def _some(**fields) -> st.SearchStrategy[dict]:
    """A dict with any subset of the given fields."""
    return st.fixed_dictionaries({}, optional=fields)


addresses = _some(street=text, town=text, state=st.from_regex(r"\A[A-Z]{2}\Z"),
                  zip=st.from_regex(r"\A\d{5}(-\d{4})?\Z"))
services = _some(level=codes, name=text, population=codes, days_per_week=st.integers(1, 7),
                 hours_per_day=st.floats(0.25, 24), hours_per_week=st.floats(0, 168), duration_weeks=st.integers(1, 52),
                 times_of_day=st.lists(codes, max_size=3), components=st.lists(codes, max_size=5),
                 settings=st.lists(codes, max_size=2))
valid_filings = st.fixed_dictionaries(
    {"format": st.just("cone.filing/1"), "state": st.from_regex(r"\A[A-Z]{2}\Z"), "filing_type": codes},
    optional={
        "applicant": _some(legal_name=text, entity_type=codes, dba=text, parent=text, mailing_address=addresses,
                           contact=_some(name=text, title=text, phone=st.from_regex(r"\A[0-9]{3}-[0-9]{3}-[0-9]{4}\Z"))),
        "site": addresses,
        "project": _some(summary=text, title=text, description=text, facility_type=codes, facility_name=text,
                         populations=st.lists(codes, max_size=3), capital_expenditure=money, transferee=text,
                         terminated_service=text, equipment=text, beds_current=st.integers(0, 10000),
                         beds_proposed=st.integers(0, 10000)),
        "services": st.lists(services, max_size=3),
        "notice_contact": _some(agency=text, attention=text, address=text, phone=text),
        "publication": _some(newspaper=text, dates=st.lists(iso_dates, max_size=5)),
        "planned_filing_date": iso_dates,
        "fee": money,
    })


@SETTINGS
@given(valid_filings)
def test_round_trip(data):
    f = parse_filing(data)
    text = dumps(f)
    assert loads(text) == f
    assert dumps(loads(text)) == text


@SETTINGS
@given(valid_filings, st.sampled_from(sorted(PACK.filing_types)))
def test_every_parsed_ct_filing_can_be_checked_noticed_and_dated(data, filing_type):
    """No parseable Connecticut filing makes the checklist, the notice or the timeline fail."""
    f = parse_filing({**data, "state": "CT", "filing_type": filing_type})
    for rule in PACK.rules:   # every placeholder of the message (and citation) gets a value
        needs = {name for part in (rule.message, rule.citation) for _, name, _, _ in Formatter().parse(part) if name}
        day = (TODAY,) if rule.check in DATED else ()
        for _, values in CHECKS[rule.check](rule, f, PACK, *day):
            assert needs <= set(values), (rule.id, needs - set(values))
    run_checklist(f, PACK)
    run_checklist(f, PACK, today=TODAY)
    notice = render_notice(f, PACK)
    assert notice.text.startswith("Notice is hereby given")
    for path in notice.missing:
        assert f"[{PACK.label(path)}]" in notice.text
    shown, tags = html_text(notice.html)
    assert shown == notice.text and set(tags) <= {"p", "mark"}
    json.dumps(build_timeline(f, PACK).as_dict())


SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(Filing.model_json_schema())


@SETTINGS
@given(valid_filings, st.sampled_from(PLACES), json_values)
def test_the_json_schema_accepts_what_the_parser_accepts(data, place, value):
    """`cone schema` never rejects a document `cone` itself accepts (the parser may be stricter)."""
    for candidate in (data, set_path(json.loads(example_json()), place, value)):
        try:
            parse_filing(candidate)
        except InputError:
            continue
        errors = [e.message for e in SCHEMA_VALIDATOR.iter_errors(json.loads(to_json(candidate)))]
        assert not errors, errors


def test_round_trip_keeps_money_a_json_number():
    f = loads(example_json({"project.capital_expenditure": Decimal("12345.67"), "fee": 2000}))
    data = json.loads(dumps(f), parse_float=Decimal)
    assert data["project"]["capital_expenditure"] == Decimal("12345.67") and data["fee"] == 2000


# --- properties: money -----------------------------------------------------------------------

MONEY = re.compile(r"^\$(0|[1-9]\d{0,2}(,\d{3})*)(\.\d{2})?$")
cents = st.integers(min_value=0, max_value=10**14)


@SETTINGS
@given(cents)
def test_money_format_round_trip(amount_cents):
    amount = Decimal(amount_cents) / 100
    shown = format_money(amount)
    assert MONEY.match(shown), shown
    assert ("." in shown) is (amount_cents % 100 != 0)
    assert Decimal(shown[1:].replace(",", "")) == amount


@pytest.mark.parametrize("amount, shown", [(0, "$0"), (Decimal("0.5"), "$0.50"), (999, "$999"), (1000, "$1,000"),
                                           (Decimal("10000.50"), "$10,000.50"), (Decimal("1000000.00"), "$1,000,000"),
                                           (Decimal("1234567.89"), "$1,234,567.89")])
def test_money_examples(amount, shown):
    assert format_money(amount) == shown


@SETTINGS
@given(cents.filter(lambda c: c <= 10**14), st.sampled_from(["project.capital_expenditure", "fee"]))
def test_whole_cents_parse_exactly(amount_cents, place):
    literal = f"{amount_cents // 100}.{amount_cents % 100:02d}"
    text = example_json({place: Decimal(literal)})
    f = loads(text)
    value = f.project.capital_expenditure if place.startswith("project") else f.fee
    assert value == Decimal(amount_cents) / 100
    assert loads(dumps(f)) == f


@SETTINGS
@given(st.integers(0, 10**9), st.integers(1, 9), st.sampled_from(["project.capital_expenditure", "fee"]))
def test_fractional_cents_rejected_with_the_path(whole, tenth_of_cent, place):
    literal = f"{whole}.{whole % 100:02d}{tenth_of_cent}"
    text = example_json({place: Decimal(literal)})
    err = error_of(text)
    assert err.path == "$." + place and "whole cents" in err.message


@SETTINGS
@given(st.integers(1, 10**12) | st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("-0.01"), places=2),
       st.sampled_from(["project.capital_expenditure", "fee"]))
def test_negative_money_rejected_with_the_path(amount, place):
    literal = str(-amount if isinstance(amount, int) else amount)
    text = example_json({place: Decimal(literal)})
    err = error_of(text)
    assert err.path == "$." + place and "negative" in err.message


# --- properties: dates -----------------------------------------------------------------------

def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
        return True
    except ValueError:
        return False


@SETTINGS
@given(st.from_regex(r"\A\d{4}-(0\d|1[0-2]|[2-9]\d)-[0-3]\d\Z").filter(lambda s: not _is_date(s)))
def test_impossible_dates_rejected_naming_the_path(text):
    err = error_of(example_json({"planned_filing_date": text}))
    assert err.path == "$.planned_filing_date" and f"{text} is not a calendar date" in err.message
    err = error_of(example_json({"publication.dates": ["2025-06-02", text]}))
    assert err.path == "$.publication.dates[1]"


@SETTINGS
@given(st.text(max_size=12).filter(lambda s: not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s)))
def test_other_date_text_rejected(text):
    err = error_of(example_json({"planned_filing_date": text}))
    assert err.path == "$.planned_filing_date" and "YYYY-MM-DD" in err.message


@SETTINGS
@given(in_range)
def test_dates_round_trip(day):
    f = loads(example_json({"planned_filing_date": day.isoformat()}))
    assert f.planned_filing_date == day
    assert json.loads(dumps(f))["planned_filing_date"] == day.isoformat()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_dates_out_of_range_rejected(day):
    err = error_of(example_json({"planned_filing_date": day}))
    assert err.path == "$.planned_filing_date" and "out of range" in err.message


@SETTINGS
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 1)), st.integers(-30, 150))
def test_window_check_agrees_with_date_arithmetic(last_run, offset):
    """A 3-day run ending `last_run`; filing `offset` days later is on time iff 20 <= offset <= 90."""
    n = PACK.deadlines.notice
    run = [last_run - dt.timedelta(days=k) for k in (2, 1, 0)]
    planned = last_run + dt.timedelta(days=offset)
    data = example()
    set_path(data, "publication.dates", [d.isoformat() for d in run])
    set_path(data, "planned_filing_date", planned.isoformat())
    window = [f for f in findings(data) if f.rule == "publication.window"]
    on_time = n.min_days_before_filing <= offset <= n.max_days_before_filing
    assert (window == []) is on_time
    if not on_time:
        earliest = last_run + dt.timedelta(days=20)
        latest = last_run + dt.timedelta(days=90)
        assert f"between {earliest:%B} {earliest.day}, {earliest.year} and {latest:%B} {latest.day}, {latest.year}" \
            in window[0].message
