"""Dates of a filing: the publication window, the filing window, the fee and the post-filing clock.

All periods are calendar days (the pack cites the rule). Dates that fall on a weekend or a
state holiday keep their date but carry a note naming the previous business day, since the
OHS office is closed then.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from .checks import longest_run
from .fee import Fee, fee_for
from .filing import Filing
from .money import money_number
from .pack import Pack


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    date: dt.date
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    fee: Fee | None
    earliest_filing_date: dt.date | None
    latest_filing_date: dt.date | None
    planned_filing_date: dt.date | None
    rows: list[Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "fee": money_number(self.fee.amount) if self.fee else None,
            "fee_tier": self.fee.tier if self.fee else None,
            "fee_citation": self.fee.citation if self.fee else None,
            "earliest_filing_date": iso(self.earliest_filing_date),
            "latest_filing_date": iso(self.latest_filing_date),
            "planned_filing_date": iso(self.planned_filing_date),
            "rows": [{**asdict(r), "date": r.date.isoformat()} for r in self.rows],
        }


def filing_window(last_run: dt.date, pack: Pack) -> tuple[dt.date, dt.date]:
    """Earliest and latest filing dates for a notice whose last run was `last_run`."""
    n = pack.deadlines.notice
    return last_run + dt.timedelta(days=n.min_days_before_filing), last_run + dt.timedelta(days=n.max_days_before_filing)


@functools.lru_cache(maxsize=8)
def _holidays(country: str, subdivision: str | None, year: int) -> Any:
    import holidays  # imported here: `cone notice` and `cone check` do not need it

    return holidays.country_holidays(country, subdiv=subdivision, years=range(year - 1, year + 3))


def closed_note(day: dt.date, pack: Pack) -> str:
    """'' for a business day; else why the office is closed and the previous business day."""
    cal = pack.deadlines.holiday_calendar

    def closed(d: dt.date) -> str:
        name = _holidays(cal.country, cal.subdivision, day.year).get(d)
        return name or (d.strftime("%A") if d.weekday() >= 5 else "")

    reason = closed(day)
    if not reason:
        return ""
    before = day - dt.timedelta(days=1)
    while closed(before):
        before -= dt.timedelta(days=1)
    return f"Falls on {reason}: the office is closed; the previous business day is {before.isoformat()}."


def build_timeline(filing: Filing, pack: Pack) -> Timeline:
    """Every dated step the filing's facts determine, in date order."""
    n = pack.deadlines.notice
    capex = filing.project.capital_expenditure
    fee = fee_for(pack.fees, capex) if capex is not None else None
    planned = filing.planned_filing_date
    rows: list[Row] = []

    def add(id_: str, label: str, day: dt.date, citation: str) -> None:
        rows.append(Row(id_, label, day, citation, closed_note(day, pack)))

    run = longest_run(filing.publication.dates)
    earliest = latest = None
    paper = filing.publication.newspaper or "the newspaper"
    for i, day in enumerate(sorted(set(filing.publication.dates)), 1):
        add(f"publication_{i}", f"Notice runs in {paper}", day, n.citation)
    if run:
        earliest, latest = filing_window(run[-1], pack)
        add("earliest_filing", f"Earliest filing date ({n.min_days_before_filing} days after the last run)", earliest, n.citation)
        add("latest_filing", f"Latest filing date ({n.max_days_before_filing} days after the last run)", latest, n.citation)
    elif planned is not None:
        first_start = planned - dt.timedelta(days=n.max_days_before_filing + n.consecutive_days - 1)
        last_start = planned - dt.timedelta(days=n.min_days_before_filing + n.consecutive_days - 1)
        add("publication_start_earliest", f"Earliest start of the {n.consecutive_days}-day notice run", first_start, n.citation)
        add("publication_start_latest", f"Latest start of the {n.consecutive_days}-day notice run", last_start, n.citation)
    basis = planned or earliest
    if planned is not None:
        add("filing", "Planned filing date", planned, n.citation)
    if basis is not None:
        dates = {"filing": basis}
        for step in pack.deadlines.post_filing:
            dates[step.id] = dates[step.after] + dt.timedelta(days=step.days)
            label = step.label if planned else f"{step.label} (if filed on the earliest date)"
            add(step.id, label, dates[step.id], step.citation)
    rows.sort(key=lambda r: r.date)
    return Timeline(fee, earliest, latest, planned, rows)
