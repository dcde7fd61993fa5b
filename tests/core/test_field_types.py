"""How the form reads what people type: dates in every accepted shape (errors quote the date),
state names and ZIP codes that lost their leading zero."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cone.filing.dates import long_date, parse_date
from cone.packs.field_types import TYPES
from cone.rules.checklist import get_pack

JUNE_2 = dt.date(2025, 6, 2)


@pytest.mark.parametrize("text", ["2025-06-02", "2025-6-2", "06/02/2025", "6/2/2025", "06-02-2025", "6.2.2025",
                                  "June 2, 2025", "june 2 2025", "Jun 2, 2025", "Jun. 2, 2025", "June 2nd, 2025",
                                  "2 June 2025", "  June   2,  2025 "])
def test_every_accepted_shape_reads_as_the_date_it_names(text):
    assert parse_date(text) == JUNE_2
    assert TYPES["date"].read(text, None) == JUNE_2


@pytest.mark.parametrize("text, says", [
    ("02/30/2025", "“02/30/2025” is not a date: February 2025 has 28 days"),
    ("13/01/2025", "“13/01/2025” is not a date: a month is 1 to 12"),
    ("Juno 2, 2025", "“Juno” is not the name of a month"),
    ("6/2/25", "“6/2/25” is not a date: enter it like 2025-06-02, 06/02/2025 or June 2, 2025"),
    ("0025-06-02", "write the year in full"),
    ("tomorrow", "“tomorrow” is not a date"),
])
def test_a_date_that_cannot_be_read_is_refused_quoting_it(text, says):
    with pytest.raises(ValueError, match=says):
        parse_date(text)


def test_a_blank_date_is_no_answer():
    assert TYPES["date"].read("  ", None) is None
    assert TYPES["date_list"].read("\n \n", None) == []


def test_a_list_of_dates_reads_every_shape_line_by_line():
    assert TYPES["date_list"].read("2025-06-02\r\n06/03/2025\n\nJune 4, 2025", None) == [
        JUNE_2, dt.date(2025, 6, 3), dt.date(2025, 6, 4)]


def test_a_bad_line_of_a_date_list_is_named_by_its_number():
    with pytest.raises(ValueError, match=r"^Line 2 of 3: “06/31/2025” is not a date: June 2025 has 30 days$"):
        TYPES["date_list"].read("June 2, 2025\n06/31/2025\nJune 4, 2025", None)


@given(st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
def test_every_date_reads_back_from_how_it_is_printed_and_written(day):
    assert parse_date(long_date(day)) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}") == day


def test_a_state_is_read_from_its_code_or_the_name_the_pack_gives_it():
    states = get_pack("CT").vocab["states"]
    read = TYPES["state"].read
    assert [read(t, states) for t in ("CT", "ct", " Connecticut ", "new  york", "Ontario")] == [
        "CT", "CT", "CT", "NY", "ONTARIO"]            # an unknown name stays as typed, for the model to refuse


def test_a_zip_code_that_lost_its_leading_zero_gets_it_back():
    read = TYPES["zip"].read
    assert [read(t, None) for t in ("6333", "6333-1234", "06333", "633", "")] == [
        "06333", "06333-1234", "06333", "633", None]
