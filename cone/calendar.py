"""The calendar of a filing: notice runs, the qualifying run, the filing window and closed days.

The checklist, the timeline and the PDF all take these dates from here, so that they agree.
All periods are calendar days (the pack cites the rule).
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any, Literal

from .packs.pack import Pack

DAY = dt.timedelta(days=1)


def runs(dates: Iterable[dt.date]) -> list[list[dt.date]]:
    """Distinct dates in order, grouped into runs of consecutive calendar days."""
    grouped: list[list[dt.date]] = []
    for d in sorted(set(dates)):
        if grouped and d - grouped[-1][-1] == DAY:
            grouped[-1].append(d)
        else:
            grouped.append([d])
    return grouped


def qualifying_run(dates: Iterable[dt.date]) -> list[dt.date]:
    """The run of consecutive days the notice counts on: the longest (the latest one on a tie), or []."""
    grouped = runs(dates)
    return max(reversed(grouped), key=len) if grouped else []


def filing_window(last_run: dt.date, pack: Pack) -> tuple[dt.date, dt.date]:
    """Earliest and latest filing dates for a notice whose qualifying run ended on `last_run`."""
    n = pack.deadlines.notice
    return last_run + dt.timedelta(days=n.min_days_before_filing), last_run + dt.timedelta(days=n.max_days_before_filing)


def notice_start_window(planned: dt.date, pack: Pack) -> tuple[dt.date, dt.date]:
    """Earliest and latest first day of a notice run that fits a filing on `planned`."""
    n = pack.deadlines.notice
    return (planned - dt.timedelta(days=n.max_days_before_filing + n.consecutive_days - 1),
            planned - dt.timedelta(days=n.min_days_before_filing + n.consecutive_days - 1))


@functools.lru_cache(maxsize=8)
def _holidays(country: str, subdivision: str | None, year: int) -> Any:
    import holidays  # loaded on first use: `cone notice` and `cone check` never need it

    return holidays.country_holidays(country, subdiv=subdivision, years=range(year - 1, year + 3))


def closed_reason(day: dt.date, pack: Pack) -> str:
    """Why the office is closed on `day` (a holiday's name, or the weekday of a weekend), or ''."""
    cal = pack.deadlines.holiday_calendar
    name = _holidays(cal.country, cal.subdivision, day.year).get(day)
    return name or (day.strftime("%A") if day.weekday() >= 5 else "")


# What a date on a closed day asks of the person who acts on it: a minimum period's first day
# ("later": act on it or after), a maximum period's last day ("earlier": act by it), a date the
# applicant chose ("choose"); a date nobody acts on (a newspaper run, the agency's own deadline)
# gets no note at all.
Advice = Literal["later", "earlier", "choose"]


def business_day(day: dt.date, pack: Pack, step: int) -> dt.date:
    """`day` if the office is open then, else the nearest open day after it (step 1) or before it (step -1)."""
    while closed_reason(day, pack):
        day += step * DAY
    return day


def closed_note(day: dt.date, pack: Pack, advice: Advice) -> tuple[str, dt.date | None]:
    """('', None) for a business day; else why the office is closed, what to do, and the business
    day advised: never before a minimum period's first day, never after a maximum period's last."""
    reason = closed_reason(day, pack)
    if not reason:
        return "", None
    closed = f"Falls on {reason}, when {pack.ui.agency_short} is closed"
    if advice == "choose":
        return f"{closed}: choose a business day.", None
    if advice == "later":
        after = business_day(day, pack, 1)
        return f"{closed}: the first business day on or after it is {after.isoformat()} (not earlier).", after
    before = business_day(day, pack, -1)
    rule = pack.deadlines.closed_day_rule
    extension = f" {rule.note} ({rule.citation})." if rule else ""
    return f"{closed}: act by the previous business day, {before.isoformat()}.{extension}", before
