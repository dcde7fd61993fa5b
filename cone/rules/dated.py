"""Checks that depend on the day they run ("today"), not only on the filing's facts.

They take the day as a fourth argument (without one they find nothing), and the checklist runs
them only when it is given a day: results stored with a version hold only what the facts decide,
and a page or command adds these for the day it shows them.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..filing.dates import long_date
from ..filing.models import Filing
from ..filing.paths import get_path
from ..packs.models import RuleDef
from ..packs.pack import Pack
from .checks import Check, Hit, check

DATED: set[str] = set()   # names of the checks that take the day


def dated_check(fn: Check) -> Check:
    """Register a check that takes the day as a fourth argument."""
    DATED.add(fn.__name__)
    return check(fn)


@dated_check
def not_before_today(rule: RuleDef, filing: Filing, pack: Pack, today: dt.date | None = None) -> Iterator[Hit]:
    """A date (params.field) is not before today."""
    path = rule.params["field"]
    day = get_path(filing, path)
    if today is not None and day is not None and day < today:
        yield path, {"date": long_date(day), "today": long_date(today), "days": (today - day).days}
