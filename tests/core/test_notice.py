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


SITE = "248 Flanders Road, East Lyme"
WORDING = {
    "new_facility": " to establish an outpatient behavioral health care facility for adults at 248 Flanders Road, "
                    "East Lyme, with an associated capital expenditure of $10,000. ",
    "outpatient_surgical_facility": f" to establish Shoreline Surgery Center, an outpatient surgical facility, at {SITE}, "
                                    "with an associated capital expenditure of $3,200,000. ",
    "freestanding_emergency_department": " to establish Shoreline Emergency Center, a freestanding emergency department "
                                         f"of Lawrence Shoreline Hospital, at {SITE}, with an associated capital "
                                         "expenditure of $14,500,000. ",
    "transfer_of_ownership": f" for the transfer of ownership of Shoreline Counseling Center, located at {SITE}, from "
                             "Shoreline Counseling Associates, Inc. to Hopewell Health Solutions, LLC, with an associated "
                             "capital expenditure of $250,000. ",
    "group_practice_transfer": " for the transfer of ownership of Shoreline Orthopaedic Associates, a group practice "
                               f"located at {SITE}, from Shoreline Orthopaedic Associates, P.C. to Hopewell Health "
                               "Solutions, LLC, with no associated capital expenditure. ",
    "hospital_transfer_econ": " for the transfer of ownership of Lawrence Shoreline Hospital, a hospital located at "
                              f"{SITE}, from Shoreline Hospital Holdings, Inc. to Hopewell Health Solutions, LLC, with no "
                              "associated capital expenditure. ",
    "termination_of_services": " to terminate its adult partial hospitalization program at Hopewell Health East Lyme, "
                               "located at 248 Flanders Road, East Lyme, with no associated capital expenditure. ",
    "termination_of_surgical_services": " to terminate the surgical services of Shoreline Surgery Center, an outpatient "
                                        f"surgical facility located at {SITE}, with no associated capital expenditure. ",
    "termination_of_emergency_department": " to terminate the emergency department of Lawrence Shoreline Hospital, "
                                           f"located at {SITE}, with no associated capital expenditure. ",
    "cardiac_services": " to establish an elective percutaneous coronary intervention program at Lawrence Shoreline "
                        f"Hospital, located at {SITE}, with an associated capital expenditure of $1,800,000. ",
    "equipment_acquisition": " to acquire a 3.0 Tesla MRI scanner for use at Shoreline Imaging, located at 248 "
                             "Flanders Road, East Lyme, with an associated capital expenditure of $2,450,000. ",
    "increase_beds": " to increase the licensed bed capacity of Hopewell House, located at 248 Flanders Road, "
                     "East Lyme, from 16 to 24 beds, with an associated capital expenditure of $350,000. ",
    "increase_operating_rooms": " to increase the number of operating rooms at Shoreline Surgery Center, located at "
                                f"{SITE}, from 4 to 6, with an associated capital expenditure of $2,100,000. ",
    "relocation": f" to relocate Hopewell Health East Lyme from 12 Main Street, East Lyme to {SITE}, with an associated "
                  "capital expenditure of $75,000. ",
    "hospital_conversion": " for the transfer of ownership of Lawrence Shoreline Hospital, a nonprofit hospital located "
                           f"at {SITE}, from Lawrence Shoreline Hospital, Inc. to Hopewell Health Solutions, LLC, with no "
                           "associated capital expenditure. ",
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
                 "project.transferee", "project.transferor", "project.affiliated_hospital", "project.cardiac_service",
                 "project.relocated_from", "project.terminated_service", "project.equipment",
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


def test_a_transfer_notice_names_the_co_applicant_and_the_current_and_new_owner():
    data = example_of_type("transfer_of_ownership")
    data["co_applicants"] = ["Shoreline Counseling Associates, Inc."]
    assert notice_of(data).text.startswith(
        "Notice is hereby given that, pursuant to Connecticut General Statutes Sec. 19a-638, Hopewell Health "
        "Solutions, LLC and Shoreline Counseling Associates, Inc. are applying for a certificate of need for the "
        "transfer of ownership of Shoreline Counseling Center, located at 248 Flanders Road, East Lyme, from "
        "Shoreline Counseling Associates, Inc. to Hopewell Health Solutions, LLC, ")


def test_three_applicants_are_joined_with_commas_and_a_final_and():
    data = example()
    data["co_applicants"] = ["Shoreline Counseling Associates, Inc.", "Lyme Partners LLC"]
    assert ("Hopewell Health Solutions, LLC, Shoreline Counseling Associates, Inc. and Lyme Partners LLC are applying "
            "for a certificate of need to establish") in notice_of(data).text


def test_one_applicant_is_applying_and_blank_co_applicants_change_nothing():
    data = example()
    data["co_applicants"] = []
    assert "Hopewell Health Solutions, LLC is applying for" in notice_of(data).text


def test_a_missing_applicant_name_stays_a_gap_before_the_co_applicants():
    data = example()
    del_path(data, "applicant.legal_name")
    data["co_applicants"] = ["Lyme Partners LLC"]
    notice = notice_of(data)
    assert "Sec. 19a-638, [Full legal name of the applicant] and Lyme Partners LLC are applying" in notice.text
    assert "applicant.legal_name" in notice.missing


def test_co_applicant_names_are_escaped_in_the_html_notice():
    data = example()
    data["co_applicants"] = ["<b>Lyme</b> & Partners"]
    html = notice_of(data).html
    assert "&lt;b&gt;Lyme&lt;/b&gt; &amp; Partners are applying" in html and "<b>" not in html


def test_a_transfer_without_its_current_owner_brackets_the_question():
    data = example_of_type("transfer_of_ownership")
    del_path(data, "project.transferor")
    notice = notice_of(data)
    assert "from [Current owner (transferor)] to Hopewell Health Solutions, LLC" in notice.text
    assert notice.missing == ("project.transferor",)
