"""Dates as cone prints them in notices, forms and the packet: "June 2, 2025"."""
from __future__ import annotations

import datetime as dt


def long_date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"
