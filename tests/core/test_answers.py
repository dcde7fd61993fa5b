"""Answers as the check-your-answers page and the PDF print them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cone.documents.answers import format_answer

from .helpers import PACK


def field(path: str):
    return PACK.field_index[path]


def test_numbers_keep_every_digit_the_filing_holds():
    percent = field("payer_mix[].current_percent")
    assert format_answer(percent, 33.333, PACK) == "33.333"          # not rounded to 33.33
    assert format_answer(percent, Decimal("45.5"), PACK) == "45.5"
    assert format_answer(percent, 40.0, PACK) == "40"
    assert format_answer(field("utilization[].volume"), 12345, PACK) == "12,345"


def test_dates_money_and_choices_read_as_words():
    assert format_answer(field("publication.dates"), [dt.date(2025, 6, 2), dt.date(2025, 6, 3)], PACK) \
        == "June 2, 2025; June 3, 2025"
    assert format_answer(field("project.capital_expenditure"), Decimal("10000"), PACK) == "$10,000"
    assert format_answer(field("applicant.entity_type"), "llc", PACK) == "Limited liability company"
