"""Dates and fee: the filing window, the fee tier, the post-filing clock and closed-office notes."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import holidays
import pytest

from cone.fee import fee_for
from cone.calendar import closed_note, filing_window
from cone.documents.timeline import build_timeline

from .helpers import PACK, example, filing, set_path

D = dt.date.fromisoformat


def timeline_of(data):
    return build_timeline(filing(data), PACK)


def rows(data) -> dict[str, dt.date]:
    return {r.id: r.date for r in timeline_of(data).rows}


def test_window_from_the_last_run():
    assert filing_window(D("2025-06-04"), PACK) == (D("2025-06-24"), D("2025-09-02"))
    assert filing_window(D("2024-12-31"), PACK) == (D("2025-01-20"), D("2025-03-31"))
    assert filing_window(D("2024-02-09"), PACK) == (D("2024-02-29"), D("2024-05-09"))   # leap year


def test_example_timeline():
    t = timeline_of(example())
    assert (t.earliest_filing_date, t.latest_filing_date, t.planned_filing_date) == (
        D("2025-06-24"), D("2025-09-02"), D("2025-07-07"))
    assert t.fee.amount == 1000 and t.fee.tier == "up to $50,000"
    assert {r.id: r.date.isoformat() for r in t.rows} == {
        "publication_1": "2025-06-02", "publication_2": "2025-06-03", "publication_3": "2025-06-04",
        "earliest_filing": "2025-06-24", "latest_filing": "2025-09-02", "filing": "2025-07-07",
        "website_posting": "2025-06-17",           # filing - 20 (Public Act 23-171)
        "completeness_review": "2025-08-06",       # filing + 30
        "completeness_response": "2025-10-05",     # review end + 60
        "completeness_posting": "2025-08-13",      # review end + 7
        "hearing_request": "2025-09-12",           # posting + 30
        "review_decision": "2025-11-11",           # posting + 90
        "review_extension": "2026-01-10",          # decision + 60
    }
    assert [r.date for r in t.rows] == sorted(r.date for r in t.rows)


def test_post_filing_rows_cite_their_rules():
    cites = {r.id: r.citation for r in timeline_of(example()).rows}
    assert cites["completeness_review"] == cites["completeness_response"] == "Regs. Conn. State Agencies §19a-639a-4"
    assert cites["completeness_posting"] == "Regs. Conn. State Agencies §19a-639a-5"
    assert cites["hearing_request"] == "Conn. Gen. Stat. §19a-639a(e)"
    assert cites["review_decision"] == cites["review_extension"] == "Conn. Gen. Stat. §19a-639a(d)"
    assert cites["earliest_filing"] == cites["latest_filing"] == cites["publication_1"] == "Conn. Gen. Stat. §19a-639a(b)"


def test_without_a_planned_date_the_clock_runs_from_the_earliest_date():
    data = example()
    del data["planned_filing_date"]
    t = timeline_of(data)
    dates = {r.id: r for r in t.rows}
    assert "filing" not in dates
    assert dates["completeness_review"].date == D("2025-07-24")        # June 24 + 30
    assert dates["completeness_review"].label.endswith("(if filed on the earliest date)")


def test_without_publication_the_run_is_planned_back_from_the_filing_date():
    data = example()
    del data["publication"]["dates"]
    r = rows(data)
    # a 3-day run starting June 15 ends June 17, 20 days before July 7; one starting April 6 ends 90 days before
    assert r["publication_start_latest"] == D("2025-06-15") and r["publication_start_earliest"] == D("2025-04-06")
    t = timeline_of(data)
    assert t.earliest_filing_date is None and t.latest_filing_date is None


def test_nothing_to_date():
    data = example()
    del data["publication"]["dates"], data["planned_filing_date"], data["project"]["capital_expenditure"]
    t = timeline_of(data)
    assert t.rows == [] and t.fee is None
    assert t.as_dict()["fee"] is None


@pytest.mark.parametrize("capex, fee, tier", [
    ("0", 1000, "up to $50,000"), ("50000", 1000, "up to $50,000"),
    ("50000.01", 2000, "over $50,000 to $100,000"), ("100000", 2000, "over $50,000 to $100,000"),
    ("100000.01", 3000, "over $100,000 to $500,000"), ("500000", 3000, "over $100,000 to $500,000"),
    ("500000.01", 4000, "over $500,000 to $1,000,000"), ("1000000", 4000, "over $500,000 to $1,000,000"),
    ("1000000.01", 5000, "over $1,000,000 to $5,000,000"), ("5000000", 5000, "over $1,000,000 to $5,000,000"),
    ("5000000.01", 8000, "over $5,000,000 to $10,000,000"), ("10000000", 8000, "over $5,000,000 to $10,000,000"),
    ("10000000.01", 10000, "over $10,000,000"), ("750000000", 10000, "over $10,000,000"),
])
def test_fee_tiers(capex, fee, tier):
    found = fee_for(PACK.fees, Decimal(capex))
    assert (found.amount, found.tier, found.citation) == (fee, tier, "Conn. Gen. Stat. §19a-639a(a)")
    data = example()
    set_path(data, "project.capital_expenditure", Decimal(capex))
    as_json = timeline_of(data).as_dict()
    assert as_json["fee"] == fee and type(as_json["fee"]) is int and as_json["fee_tier"] == tier


# --- offices closed: weekends and Connecticut state holidays --------------------------------

def test_the_holidays_package_knows_ct_holidays():
    ct = holidays.country_holidays("US", subdiv="CT", years=2026)
    assert ct.get(D("2026-04-03")) == "Good Friday"
    assert ct.get(D("2026-02-12")) == "Lincoln's Birthday"


CLOSED = ", when OHS is closed"
EXTENSION = (" Regs. §19a-9-8 lets a paper due on a day the office is closed be filed on the next business day; "
             "whether it reaches this limit is unsettled, so do not rely on it (Regs. Conn. State Agencies §19a-9-8).")


@pytest.mark.parametrize("day, advice, note, advised", [
    ("2026-04-01", "later", "", None),                                                          # Wednesday
    ("2026-04-03", "later", f"Falls on Good Friday{CLOSED}: the first business day on or after it is 2026-04-06 (not earlier).",
     "2026-04-06"),
    ("2026-04-04", "earlier", f"Falls on Saturday{CLOSED}: act by the previous business day, 2026-04-02.{EXTENSION}",
     "2026-04-02"),
    ("2026-05-25", "later", f"Falls on Memorial Day{CLOSED}: the first business day on or after it is 2026-05-26 (not earlier).",
     "2026-05-26"),
    ("2026-02-12", "earlier", f"Falls on Lincoln's Birthday{CLOSED}: act by the previous business day, 2026-02-11.{EXTENSION}",
     "2026-02-11"),
    ("2026-01-01", "earlier", f"Falls on New Year's Day{CLOSED}: act by the previous business day, 2025-12-31.{EXTENSION}",
     "2025-12-31"),
    ("2025-12-27", "choose", f"Falls on Saturday{CLOSED}: choose a business day.", None),
])
def test_a_closed_day_note_says_which_business_day_to_act_on(day, advice, note, advised):
    assert closed_note(D(day), PACK, advice) == (note, D(advised) if advised else None)


def _run(last: str) -> list[str]:
    end = D(last)
    return [(end - dt.timedelta(days=k)).isoformat() for k in (2, 1, 0)]


def test_an_earliest_filing_date_on_a_saturday_advises_the_monday_after_not_the_friday_before():
    data = example()
    set_path(data, "publication.dates", _run("2026-12-06"))           # + 20 days = Saturday, December 26, 2026
    [row] = [r for r in timeline_of(data).rows if r.id == "earliest_filing"]
    assert (row.date, row.advised) == (D("2026-12-26"), D("2026-12-28"))   # the 24th would be 18 days after the notice
    assert "2026-12-24" not in row.note


def test_an_earliest_notice_start_on_a_closed_day_moves_later_so_the_last_run_stays_within_90_days():
    data = example()
    set_path(data, "publication.dates", [])
    set_path(data, "planned_filing_date", "2027-03-27")      # earliest start: 2027-03-27 - 92 days = Saturday 2026-12-25
    rows = {r.id: r for r in timeline_of(data).rows}
    start = rows["publication_start_earliest"]
    assert start.date == D("2026-12-25") and start.advised == D("2026-12-28")
    last_run = start.advised + dt.timedelta(days=2)
    assert (D("2027-03-27") - last_run).days <= 90


def test_newspaper_runs_and_the_agencys_own_deadlines_carry_no_closed_day_note():
    data = example()
    set_path(data, "publication.dates", ["2026-04-03", "2026-04-04", "2026-04-05"])   # Good Friday to Sunday
    set_path(data, "planned_filing_date", "2026-05-05")
    rows = timeline_of(data).rows
    assert all(r.note == "" for r in rows if r.id.startswith("publication_"))
    agency_rows = {step.id for step in PACK.deadlines.post_filing if step.actor == "agency"}
    assert all(r.note == "" for r in rows if r.id in agency_rows)


@pytest.mark.parametrize("offset", range(0, 400, 3))
def test_no_timeline_note_advises_a_date_outside_its_period(offset):
    """Across a year of run dates and planned dates, every advised day stays inside the notice
    window and the notice-start window (the minimum and maximum periods of the pack)."""
    n = PACK.deadlines.notice
    last = D("2026-01-01") + dt.timedelta(days=offset)
    data = example()
    set_path(data, "publication.dates", _run(last.isoformat()))
    rows = {r.id: r for r in timeline_of(data).rows}
    for row_id in ("earliest_filing", "latest_filing"):
        advised = rows[row_id].advised or rows[row_id].date
        assert n.min_days_before_filing <= (advised - last).days <= n.max_days_before_filing, rows[row_id]
    data = example()
    set_path(data, "publication.dates", [])
    set_path(data, "planned_filing_date", last.isoformat())
    rows = {r.id: r for r in timeline_of(data).rows}
    for row_id in ("publication_start_earliest", "publication_start_latest"):
        start = rows[row_id].advised or rows[row_id].date
        last_run = start + dt.timedelta(days=n.consecutive_days - 1)
        assert n.min_days_before_filing <= (last - last_run).days <= n.max_days_before_filing, rows[row_id]


def test_business_days_carry_no_note():
    notes = {r.id: r.note for r in timeline_of(example()).rows}
    assert notes["filing"] == "" and notes["completeness_review"] == ""           # Mon July 7, Wed Aug 6 2025
    assert notes["review_decision"] == ""          # Tue Nov 11, 2025 is Veterans Day, but OHS's own deadline
    assert notes["completeness_response"].startswith("Falls on Sunday, when OHS is closed: act by the previous "
                                                     "business day, 2025-10-03.")


def test_json_shape():
    out = timeline_of(example()).as_dict()
    assert json.loads(json.dumps(out)) == out
    assert {"fee", "fee_tier", "earliest_filing_date", "latest_filing_date", "rows"} <= set(out)
    assert out["fee"] == 1000 and out["fee_tier"] == "up to $50,000"
    assert out["earliest_filing_date"] == "2025-06-24" and out["latest_filing_date"] == "2025-09-02"
    for row in out["rows"]:
        assert set(row) == {"id", "label", "date", "citation", "note", "advised"}
        assert D(row["date"]).isoformat() == row["date"]

