"""The iCalendar (RFC 5545) document of a user's filing dates: one all-day event per date,
with a UID that stays the same while the date's row stays in the filing's timeline."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .service import AFTER_FILING_KINDS, BASIS_WORDS, filing_name

PRODID = "-//cone//filing deadlines//EN"


def calendar(name: str, rows: Iterable[Any], public_url: str, filing_path: Any) -> bytes:
    """The feed named `name` with an event per row; `filing_path(id)` gives a filing's page path."""
    host = urlsplit(public_url).hostname or "cone"
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for row in rows:
        event = Event()
        event.add("uid", f"filing-{row.filing_id}-{row.row}@{host}")
        event.add("dtstamp", row.updated_at.replace(tzinfo=dt.timezone.utc))
        event.add("dtstart", row.date)
        event.add("dtend", row.date + dt.timedelta(days=1))
        basis = f" ({BASIS_WORDS[row.basis]})" if row.kind in AFTER_FILING_KINDS else ""
        event.add("summary", f"{row.label}{basis}: {filing_name(row)}")
        url = public_url.rstrip("/") + filing_path(row.filing_id)
        event.add("description", "\n".join(part for part in (row.organization, row.note, row.citation, url) if part))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
