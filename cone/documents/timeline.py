"""The timeline of a filing: notice runs, the filing window, the fee and the post-filing clock.

Days are calendar days: a date on a weekend or holiday keeps its date. Where someone must act
on it, it carries a note with the business day to act on instead: a minimum period's first day
moves later, a maximum period's last day earlier (never out of the period); newspaper runs and
the agency's own deadlines carry none.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ..calendar import Advice, closed_note, filing_window, notice_start_window, qualifying_run
from ..fee import Fee, fee_basis, fee_for
from ..filing.models import Filing
from ..filing.money import money_number
from ..packs.pack import Pack


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    date: dt.date
    citation: str
    note: str = ""
    advised: dt.date | None = None     # the business day the note advises, if any


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
            "rows": [{**asdict(r), "date": r.date.isoformat(), "advised": iso(r.advised)} for r in self.rows],
        }


def build_timeline(filing: Filing, pack: Pack) -> Timeline:
    """Every dated step the filing's facts determine, in date order."""
    n = pack.deadlines.notice
    basis = fee_basis(filing)
    fee = fee_for(pack.fees, basis) if basis is not None else None
    planned = filing.planned_filing_date
    rows: list[Row] = []

    def add(id_: str, label: str, day: dt.date, citation: str, advice: Advice | None = None) -> None:
        note, advised = closed_note(day, pack, advice) if advice else ("", None)
        rows.append(Row(id_, label, day, citation, note, advised))

    run = qualifying_run(filing.publication.dates)
    earliest = latest = None
    paper = filing.publication.newspaper or "the newspaper"
    for i, day in enumerate(sorted(set(filing.publication.dates)), 1):
        add(f"publication_{i}", f"Notice runs in {paper}", day, n.citation)
    if run:
        earliest, latest = filing_window(run[-1], pack)
        add("earliest_filing", f"Earliest filing date ({n.min_days_before_filing} days after the last run)", earliest, n.citation,
            "later")
        add("latest_filing", f"Latest filing date ({n.max_days_before_filing} days after the last run)", latest, n.citation,
            "earlier")
    elif planned is not None:
        first_start, last_start = notice_start_window(planned, pack)
        add("publication_start_earliest", f"Earliest start of the {n.consecutive_days}-day notice run", first_start,
            n.citation, "later")
        add("publication_start_latest", f"Latest start of the {n.consecutive_days}-day notice run", last_start,
            n.citation, "earlier")
    basis = planned or earliest
    if planned is not None:
        add("filing", "Planned filing date", planned, n.citation, "choose")
        for before in pack.deadlines.pre_filing:
            add(before.id, before.label, planned - dt.timedelta(days=before.days), before.citation,
                None if before.actor == "agency" else "earlier")
    if basis is not None:
        dates = {"filing": basis}
        for step in pack.deadlines.post_filing:
            if not step.applies(filing.filing_type):
                continue
            dates[step.id] = dates[step.after] + dt.timedelta(days=step.days)
            label = step.label if planned else f"{step.label} (if filed on the earliest date)"
            add(step.id, label, dates[step.id], step.citation, None if step.actor == "agency" else "earlier")
    rows.sort(key=lambda r: r.date)
    return Timeline(fee, earliest, latest, planned, rows)
