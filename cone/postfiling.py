"""The clock after filing: whether an event may be recorded now, and every later date computed
from the real date of the event before it (planned from the pack's rules until that event is
recorded). The rules are the pack's `after_filing` data; this module only evaluates them."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from .packs.models import AfterFiling, AfterClockRow, EventKind
from .packs.pack import Pack

FILED = "filed"
Basis = Literal["actual", "due", "planned"]
MAX_SCHEDULE = 60          # reporting dates listed for one recurring condition


@dataclass(frozen=True)
class Event:
    """An event after filing as recorded: its kind and real date; `parent` is the event it answers
    (a response's completeness letter), `row` the clock row an extension moves."""

    kind: str
    date: dt.date
    id: int = 0
    parent: int | None = None
    row: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class ClockDate:
    """A dated row after filing: an event that happened (actual), a date computed from a recorded
    event (due), or one computed from a date still planned (planned)."""

    id: str
    label: str
    date: dt.date
    citation: str
    basis: Basis
    note: str = ""


class EventRefused(Exception):
    """An event the rules do not allow now; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def rules(pack: Pack) -> AfterFiling:
    """The pack's after-filing rules; EventRefused when the pack has none."""
    if pack.deadlines.after_filing is None:
        raise EventRefused("kind", "this rule pack records no events after filing")
    return pack.deadlines.after_filing


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_emergency(filing_type: str, pack: Pack) -> bool:
    return pack.deadlines.after_filing is not None and filing_type in pack.deadlines.after_filing.docket.emergency_types


def check_docket(number: str, filing_type: str, pack: Pack) -> str:
    """The docket number stripped, if it has the agency's format and the suffix the filing type
    calls for; else EventRefused naming the field."""
    docket = rules(pack).docket
    number = number.strip()
    if not re.fullmatch(docket.pattern, number):
        raise EventRefused("docket_number", f"a docket number looks like {docket.example} ({docket.citation})")
    if docket.emergency_suffix:
        emergency = number.endswith(docket.emergency_suffix)
        if emergency != is_emergency(filing_type, pack):
            want = "ends in" if is_emergency(filing_type, pack) else "does not end in"
            raise EventRefused("docket_number", f"the docket number of this filing type {want} {docket.emergency_suffix}")
    return number


def kind_of(kind: str, pack: Pack) -> EventKind:
    for k in rules(pack).events:
        if k.id == kind:
            return k
    raise EventRefused("kind", f"'kind' must be one of: {', '.join(k.id for k in rules(pack).events)}")


def event_label(event: Event, pack: Pack) -> str:
    label = kind_of(event.kind, pack).label
    if event.outcome:
        label += f": {rules(pack).outcomes.get(event.outcome, event.outcome)}"
    return label


def _row_date(row: AfterClockRow, anchor: dt.date, extensions: int, af: AfterFiling) -> dt.date:
    return add_months(anchor, row.months) + dt.timedelta(days=row.days + extensions * af.extension_days)


def clock(filing_type: str, filed_on: dt.date, events: Sequence[Event], pack: Pack) -> list[ClockDate]:
    """The recorded events and the dates still ahead of them, soonest first. A row is left out
    once an event that meets it is recorded, when an event of `unless` is, and after a final
    event (decision, withdrawal)."""
    af = rules(pack)
    recorded = sorted(events, key=lambda e: (e.date, e.id))
    kinds = {k.id: k for k in af.events}
    out = [ClockDate(f"event_{e.id}", event_label(e, pack), e.date, kinds[e.kind].citation, "actual")
           for e in recorded]
    out.insert(0, ClockDate("filed", "Filed", filed_on, pack.deadlines.days_citation, "actual"))
    if any(kinds[e.kind].final for e in recorded):
        return sorted(out, key=lambda d: d.date)
    dates: dict[str, tuple[dt.date, bool]] = {}
    for row in af.clock:
        if not row.applies(filing_type) or any(e.kind in row.unless for e in recorded):
            continue
        anchors = [e.date for e in recorded if e.kind in row.after] + ([filed_on] if FILED in row.after else [])
        if anchors:
            anchor, actual = max(anchors), True
        else:
            sources = [dates[r] for r in ([row.planned_from] if row.planned_from else []) if r in dates]
            if not sources:
                continue
            anchor, actual = sources[0][0], False
        extensions = sum(1 for e in recorded if e.kind == "extension_granted" and e.row == row.id and e.date >= anchor) \
            if row.extendable else 0
        date = _row_date(row, anchor, extensions, af)
        met = [e.date for e in recorded if e.kind in row.met_by and e.date >= anchor] if actual else []
        dates[row.id] = (met[0], True) if met else (date, actual)
        if met:
            continue
        note = f"extended {extensions} time{'s' if extensions != 1 else ''}" if extensions else ""
        out.append(ClockDate(row.id, row.label, date, row.citation, "due" if actual else "planned", note))
    return sorted(out, key=lambda d: (d.date, d.basis != "actual"))


def check_event(filing_type: str, filed_on: dt.date, events: Sequence[Event], new: Event, pack: Pack,
                today: dt.date) -> Event:
    """`new` as it may be recorded (with the event it answers as its parent), or EventRefused
    saying which rule forbids it now."""
    af = rules(pack)
    kind = kind_of(new.kind, pack)
    recorded = sorted(events, key=lambda e: (e.date, e.id))
    if new.date > today:
        raise EventRefused("date", "an event is recorded once it has happened: the date cannot be in the future")
    if new.date < filed_on:
        raise EventRefused("date", f"the date cannot be before the filed date, {filed_on.isoformat()}")
    if recorded and new.date < recorded[-1].date:
        raise EventRefused("date", f"events are recorded in order: the latest is on {recorded[-1].date.isoformat()}")
    final = [e for e in recorded if af_kind(af, e.kind).final]
    if final:
        raise EventRefused("kind", f"nothing is recorded after the {af_kind(af, final[0].kind).label.lower()}")
    required = kind.emergency_requires if kind.emergency_requires is not None and is_emergency(filing_type, pack) \
        else kind.requires
    have = {e.kind for e in recorded} | {FILED}
    if required and not set(required) & have:
        names = " or ".join(af_kind(af, r).label.lower() if r != FILED else "filed" for r in required)
        raise EventRefused("kind", f"{kind.label} needs first: {names}")
    after = set(kind.refused_after) & have
    if after:
        raise EventRefused("kind", f"{kind.label} cannot follow: {af_kind(af, sorted(after)[0]).label.lower()}")
    same = [e for e in recorded if e.kind == kind.id]
    if kind.max is not None and len(same) >= kind.max:
        raise EventRefused("kind", f"at most {kind.max} of '{kind.label}' may be recorded ({kind.citation})")
    if kind.within_months_of_filing is not None:
        stop = add_months(filed_on, kind.within_months_of_filing)
        if new.date > stop:
            raise EventRefused("date", f"{kind.label} is refused after {stop.isoformat()}, "
                                       f"{kind.within_months_of_filing} months after filing ({kind.citation})")
    if kind.answered_by and any(not _answer(recorded, e, kind.answered_by) for e in same):
        raise EventRefused("kind", f"the previous {kind.label.lower()} is not answered yet")
    if kind.answers:
        open_ = [e for e in recorded if e.kind == kind.answers and not _answer(recorded, e, kind.id)]
        if not open_:
            raise EventRefused("kind", f"{kind.label} needs an unanswered {af_kind(af, kind.answers).label.lower()}")
        new = replace(new, parent=open_[-1].id)
    if kind.deadline:
        due = {d.id: d for d in clock(filing_type, filed_on, recorded, pack)}.get(kind.deadline)
        if due is not None and new.date > due.date:
            day = (new.date - due.date).days
            raise EventRefused("date", f"{kind.label} on {new.date.isoformat()} is {day} day{'s' if day != 1 else ''} "
                                       f"after the deadline, {due.date.isoformat()} ({due.citation}); "
                                       "record an extension granted first")
    if kind.id == "extension_granted":
        due = {d.id: d for d in clock(filing_type, filed_on, recorded, pack) if d.basis == "due"}
        extendable = [r.id for r in af.clock if r.extendable and r.id in due]
        if new.row not in extendable:
            raise EventRefused("row", f"'row' must be one of the dates running now that an extension moves: "
                                      f"{', '.join(extendable) or 'none'}")
    elif new.row:
        raise EventRefused("row", "only an extension names a row")
    if kind.id == "decision":
        if new.outcome not in af.outcomes:
            raise EventRefused("outcome", f"'outcome' must be one of: {', '.join(af.outcomes)}")
    elif new.outcome:
        raise EventRefused("outcome", "only a decision has an outcome")
    return new


def af_kind(af: AfterFiling, kind: str) -> EventKind:
    return next(k for k in af.events if k.id == kind)


def _answer(recorded: Sequence[Event], event: Event, answered_by: str) -> bool:
    return any(e.kind == answered_by and e.parent == event.id for e in recorded)


def schedule(first: dt.date, every_months: int, until: dt.date | None) -> list[dt.date]:
    """The reporting dates of a condition: `first` alone (every_months 0), or every `every_months`
    months from it until `until` (at most MAX_SCHEDULE dates)."""
    if every_months <= 0:
        return [first]
    last = until or add_months(first, every_months * (MAX_SCHEDULE - 1))
    out = []
    while len(out) < MAX_SCHEDULE:
        day = add_months(first, every_months * len(out))
        if day > last:
            break
        out.append(day)
    return out
