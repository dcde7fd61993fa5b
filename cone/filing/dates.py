"""Dates as cone prints them in notices, forms and the packet ("June 2, 2025"), and as people
type them into a form: 2025-06-02, 06/02/2025 (month first, as in the US) or June 2, 2025."""
from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
DATE_EXAMPLES = "2025-06-02, 06/02/2025 or June 2, 2025"


def long_date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _parts(text: str) -> tuple[str, str, str] | None:
    """(year, month, day) as written, or None when the text has none of the accepted shapes."""
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return m.group(1), m.group(2), m.group(3)
    if m := re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", text):
        return m.group(3), m.group(1), m.group(2)
    if m := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text):
        return m.group(3), m.group(1), m.group(2)
    if m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})", text):
        return m.group(3), m.group(2), m.group(1)
    return None


def parse_date(text: str) -> dt.date:
    """The date `text` names; ValueError saying what is wrong with it, quoting it."""
    text = " ".join(text.split())
    parts = _parts(text)
    if parts is None:
        raise ValueError(f"“{text}” is not a date: enter it like {DATE_EXAMPLES}")
    year, month, day = parts
    number = int(month) if month.isdigit() else MONTHS.get(month.lower())
    if number is None:
        raise ValueError(f"“{text}” is not a date: “{month}” is not the name of a month")
    return calendar_date(int(year), number, int(day), text)


def calendar_date(year: int, month: int, day: int, written: str) -> dt.date:
    """The date of these numbers; ValueError quoting `written` when there is no such day."""
    if year < 1000:
        raise ValueError(f"“{written}” is not a date: write the year in full, like 2025")
    if not 1 <= month <= 12:
        raise ValueError(f"“{written}” is not a date: a month is 1 to 12")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        raise ValueError(f"“{written}” is not a date: {calendar.month_name[month]} {year} has {last} days") from None
