"""The public notice: the golden example, every filing type's wording, money, contact, escaping, gaps."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from cone.filing.parser import loads
from cone.documents.notice import render_notice

from .helpers import (EXAMPLE, EXAMPLE_NOTICE, PACK, TYPE_FACTS, del_path, example, example_of_type, filing, html_text,
                      set_path)

CONTACT = ("Interested persons may contact the State of Connecticut, Office of Health Strategy, Attention: "
           "Steven Lazarus, 450 Capitol Ave. MS #510HS, Hartford, CT 06134 or by phone at 860.418.7001 "
           "for additional information.")
# The pack's own contact block: the address as OHS prints it (the seed's own block keeps the newspaper's typo).
PACK_CONTACT = ("Interested persons may contact the State of Connecticut, Office of Health Strategy, Attention: "
                "Steven Lazarus, 450 Capitol Avenue, MS#51OHS, PO Box 340308, Hartford, CT 06134 or by phone at "
                "860.418.7001 for additional information.")
STATEMENT = ("Notice is hereby given that, pursuant to Connecticut General Statutes Sec. 19a-638, "
             "Hopewell Health Solutions, LLC is applying for a certificate of need")


def notice_of(data):
    return render_notice(filing(data), PACK)


def test_golden_notice_function():
    notice = render_notice(loads(EXAMPLE.read_bytes()), PACK)
    assert notice.text + "\n" == EXAMPLE_NOTICE.read_text(encoding="utf-8")
    assert notice.missing == ()


def test_golden_notice_cli_is_byte_identical():
    run = subprocess.run([sys.executable, "-m", "cone.cli", "notice", str(EXAMPLE)], capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == EXAMPLE_NOTICE.read_bytes()
    assert run.stderr == b""


WORDING = {
    "new_facility": " to establish an outpatient behavioral health care facility for adults at 248 Flanders Road, "
                    "East Lyme, with an associated capital expenditure of $10,000. ",
    "transfer_of_ownership": " for the transfer of ownership of Shoreline Counseling Center, located at 248 Flanders "
                             "Road, East Lyme, to Hopewell Health Solutions, LLC, with an associated capital "
                             "expenditure of $250,000. ",
    "termination_of_services": " to terminate its adult partial hospitalization program at Hopewell Health East Lyme, "
                               "located at 248 Flanders Road, East Lyme, with no associated capital expenditure. ",
    "equipment_acquisition": " to acquire a 3.0 Tesla MRI scanner for use at Shoreline Imaging, located at 248 "
                             "Flanders Road, East Lyme, with an associated capital expenditure of $2,450,000. ",
    "increase_beds": " to increase the licensed bed capacity of Hopewell House, located at 248 Flanders Road, "
                     "East Lyme, from 16 to 24 beds, with an associated capital expenditure of $350,000. ",
}


def test_wording_covers_every_filing_type():
    assert set(WORDING) == set(PACK.filing_types) == set(TYPE_FACTS)


@pytest.mark.parametrize("filing_type", sorted(WORDING))
def test_notice_for_each_filing_type(filing_type):
    notice = notice_of(example_of_type(filing_type))
    assert notice.text == STATEMENT + WORDING[filing_type] + CONTACT
    assert notice.missing == ()
    assert "[" not in notice.text and "]" not in notice.text and "{" not in notice.text
    assert "missing" not in notice.html


@pytest.mark.parametrize("amount, words", [
    (Decimal("0"), "with no associated capital expenditure."),
    (Decimal("0.00"), "with no associated capital expenditure."),
    (Decimal("10000.50"), "with an associated capital expenditure of $10,000.50."),
    (Decimal("10000.5"), "with an associated capital expenditure of $10,000.50."),
    (Decimal("10000.00"), "with an associated capital expenditure of $10,000."),
    (Decimal("0.01"), "with an associated capital expenditure of $0.01."),
    (Decimal("999"), "with an associated capital expenditure of $999."),
    (Decimal("1234567.89"), "with an associated capital expenditure of $1,234,567.89."),
])
def test_capital_expenditure_wording(amount, words):
    data = example()
    set_path(data, "project.capital_expenditure", amount)
    assert f"East Lyme, {words} Interested" in notice_of(data).text


def test_pack_contact_when_the_filing_gives_none():
    data = example()
    del data["notice_contact"]
    assert notice_of(data).text.endswith(PACK_CONTACT)


def test_filing_contact_overrides_the_pack():
    data = example()
    data["notice_contact"] = {"agency": "Office of Health Strategy", "attention": "Dana Whitfield",
                              "address": "PO Box 340308, Hartford, CT 06134", "phone": "860-418-7002"}
    assert notice_of(data).text.endswith(
        "Interested persons may contact the Office of Health Strategy, Attention: Dana Whitfield, "
        "PO Box 340308, Hartford, CT 06134 or by phone at 860-418-7002 for additional information.")


@pytest.mark.parametrize("override", [{"attention": "Dana Whitfield"}, {"attention": "Dana Whitfield", "phone": "  "},
                                      {"attention": "Dana Whitfield", "agency": ""}])
def test_partial_contact_override_falls_back_per_field(override):
    data = example()
    data["notice_contact"] = override
    assert notice_of(data).text.endswith(PACK_CONTACT.replace("Steven Lazarus", "Dana Whitfield"))


NOTICE_FIELDS = ["applicant.legal_name", "project.summary", "site.street", "site.town", "project.facility_name",
                 "project.transferee", "project.terminated_service", "project.equipment",
                 "notice_contact.agency", "notice_contact.attention", "notice_contact.address",
                 "notice_contact.phone"]


@pytest.mark.parametrize("filing_type", sorted(WORDING))
def test_html_escapes_every_user_field(filing_type):
    data = example_of_type(filing_type)
    for path in NOTICE_FIELDS:
        set_path(data, path, f'<script>alert("{path}")</script> & \'{path}\' <b onmouseover="x">')
    notice = notice_of(data)
    text, tags = html_text(notice.html)
    assert tags == ["p"]                         # no element from user text survives
    assert text == notice.text                   # and the reader sees exactly the plain-text notice
    assert "<script>" not in notice.html and "&lt;script&gt;" in notice.html and " &amp; " in notice.html
    printed = [p for p in NOTICE_FIELDS if f'alert("{p}")' in notice.text]
    assert "applicant.legal_name" in printed and "notice_contact.phone" in printed


def test_missing_answers_are_bracketed_and_listed():
    data = example()
    for path in ("project.summary", "site.street", "project.capital_expenditure"):
        del_path(data, path)
    set_path(data, "applicant.legal_name", " ")
    notice = notice_of(data)
    assert notice.text == (
        "Notice is hereby given that, pursuant to Connecticut General Statutes Sec. 19a-638, "
        "[Full legal name of the applicant] is applying for a certificate of need to [Scope and nature of the "
        "project] at [Street address], East Lyme, with an associated capital expenditure of [Total capital "
        "expenditure (US dollars)]. " + CONTACT)
    assert notice.missing == ("applicant.legal_name", "project.summary", "site.street", "project.capital_expenditure")
    assert notice.html.count('<mark class="missing">') == 4
    assert '<mark class="missing">[Street address]</mark>' in notice.html


def test_missing_type_specific_answers():
    data = example_of_type("increase_beds")
    del_path(data, "project.beds_proposed")
    del_path(data, "project.facility_name")
    notice = notice_of(data)
    assert "of [Name of the facility], located at" in notice.text
    assert "from 16 to [Licensed beds proposed] beds" in notice.text
    assert notice.missing == ("project.facility_name", "project.beds_proposed")


def test_zero_beds_now_is_an_answer():
    data = example_of_type("increase_beds")
    set_path(data, "project.beds_current", 0)
    notice = notice_of(data)
    assert "from 0 to 24 beds" in notice.text and notice.missing == ()


def test_braces_in_user_text_are_printed_as_typed():
    data = example()
    set_path(data, "project.summary", "establish a {summary} facility for adults")
    assert "to establish a {summary} facility for adults at" in notice_of(data).text
