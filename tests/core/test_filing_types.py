"""A realistic filing of every application type (tests/data/filings): it passes the checklist, its
notice is grammatical and has the four elements, and its fee and timeline are right."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from cone.documents.notice import render_notice
from cone.documents.timeline import build_timeline
from cone.filing.parser import loads

from .helpers import PACK, TYPE_NOTES

FILINGS = Path(__file__).resolve().parents[1] / "data" / "filings"

# file: (the scope the notice states, the fee the statute's tiers give for its cost)
EXPECTED = {
    "new_facility": ("to establish an outpatient behavioral health care facility for adults at 120 Salem Turnpike, "
                     "Norwich,", Decimal("2000")),
    "outpatient_surgical_facility": ("to establish Shoreline Surgery Center, an outpatient surgical facility, at "
                                     "21 Boston Post Road, Guilford,", Decimal("5000")),
    "freestanding_emergency_department": ("to establish Essex Emergency Center, a freestanding emergency department of "
                                          "Connecticut River Valley Hospital, at 154 Westbrook Road, Essex,",
                                          Decimal("10000")),
    "transfer_of_ownership": ("for the transfer of ownership of Fort Hill Counseling Center, located at 1 Fort Hill Road, "
                              "Groton, from Fort Hill Counseling Associates, Inc. to Hopewell Health Solutions, LLC,",
                              Decimal("3000")),
    "group_practice_transfer": ("for the transfer of ownership of Farmington Valley Orthopaedic Associates, a group practice "
                                "located at 35 Nod Road, Avon, from Farmington Valley Orthopaedic Associates, P.C. to "
                                "Nutmeg Health Partners, LLC,", Decimal("1000")),
    "hospital_transfer_econ": ("for the transfer of ownership of Naugatuck Valley Hospital, a hospital located at 64 Robbins "
                               "Street, Waterbury, from Valley Hospital Holdings, Inc. to Connecticut Community Health "
                               "System, Inc.,", Decimal("1000")),
    "termination_of_services": ("to terminate its inpatient labor and delivery unit at Quinebaug Valley Hospital, located "
                                "at 320 Pomfret Street, Putnam,", Decimal("1000")),
    "termination_of_surgical_services": ("to terminate the surgical services of Enfield Surgery Center, an outpatient "
                                         "surgical facility located at 9 Cranbrook Boulevard, Enfield,", Decimal("1000")),
    "termination_of_emergency_department": ("to terminate the emergency department of Litchfield Hills Hospital, located "
                                            "at 540 Litchfield Street, Torrington,", Decimal("1000")),
    "cardiac_services": ("to establish an elective percutaneous coronary intervention program at Bristol Valley Hospital, "
                         "located at 41 Brewster Road, Bristol,", Decimal("5000")),
    "equipment_acquisition": ("to acquire a 3.0 Tesla MRI scanner for use at Shoreline Imaging, located at 880 Boston Post "
                              "Road, Madison,", Decimal("5000")),
    "equipment_linear_accelerator": ("to acquire a linear accelerator for use at Danbury Radiation Oncology, located at "
                                     "111 Osborne Street, Danbury,", Decimal("8000")),   # on its total cost, $5.6 million
    "increase_beds": ("to increase the licensed bed capacity of Hopewell House, located at 17 Halls Road, Old Lyme, from "
                      "16 to 24 beds,", Decimal("3000")),
    "increase_operating_rooms": ("to increase the number of operating rooms at Fairfield County Surgical Center, located at "
                                 "5520 Park Avenue, Trumbull, from 4 to 6,", Decimal("5000")),
    "relocation": ("to relocate Stonington Behavioral Health from 12 Water Street, Stonington to 75 Holmes Street, "
                   "Stonington,", Decimal("2000")),
    "hospital_conversion": ("for the transfer of ownership of Sharon Valley Hospital, a nonprofit hospital located at "
                            "50 Hospital Hill Road, Sharon, from Sharon Valley Hospital, Inc. to Summit Health Partners, "
                            "LLC,", Decimal("1000")),
}


def _load(name: str):
    return loads((FILINGS / f"{name}.json").read_bytes())


def test_there_is_a_realistic_filing_of_every_type_and_a_test_of_every_file():
    assert {_load(name).filing_type for name in EXPECTED} == set(PACK.filing_types)
    assert {p.stem for p in FILINGS.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_realistic_filing_passes_cone_check_with_only_its_type_s_own_note(name):
    filing = _load(name)
    run = subprocess.run([sys.executable, "-m", "cone.cli", "check", str(FILINGS / f"{name}.json"), "--format", "json"],
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stdout.decode()
    assert [f["rule"] for f in json.loads(run.stdout)] == list(TYPE_NOTES.get(filing.filing_type, ()))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_realistic_notice_is_grammatical_and_has_the_four_elements(name):
    filing = _load(name)
    text = render_notice(filing, PACK).text
    applicants = [filing.applicant.legal_name, *filing.co_applicants]
    names = applicants[0] if len(applicants) == 1 else ", ".join(applicants[:-1]) + " and " + applicants[-1]
    verb = "is" if len(applicants) == 1 else "are"
    # (1) the statement under §19a-638, with every applicant and the verb agreeing
    assert text.startswith("Notice is hereby given that, pursuant to Connecticut General Statutes Sec. 19a-638, "
                           f"{names} {verb} applying for a certificate of need ")
    scope, _ = EXPECTED[name]
    assert f"certificate of need {scope} with " in text                  # (2) scope and nature, (3) the street address
    amount = filing.project.capital_expenditure                          # (4) the total capital expenditure
    assert ("with no associated capital expenditure." if amount == 0
            else f"with an associated capital expenditure of ${amount:,.0f}.") in text
    sentence_break = r"(?<!Inc)(?<!Co)(?<!P\.C)(?<!Ltd)\. [a-z]"      # a lower-case word after a full stop
    assert not re.search(r"\[|\]|\{|\}|  | ,|,,|\.\.| an? (a|an|the) |" + sentence_break, text), text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_realistic_filing_gets_the_statute_s_fee_and_its_type_s_clock(name):
    filing = _load(name)
    timeline = build_timeline(filing, PACK)
    assert timeline.fee.amount == EXPECTED[name][1]
    rows = {r.id: r.date for r in timeline.rows}
    assert rows["filing"] == filing.planned_filing_date
    if filing.filing_type == "hospital_transfer_econ":
        assert (rows["econ_decision"] - filing.planned_filing_date).days == 60 and "review_decision" not in rows
    else:
        assert "econ_decision" not in rows and "review_decision" in rows


@pytest.mark.parametrize("name", ["transfer_of_ownership", "group_practice_transfer", "hospital_transfer_econ",
                                  "hospital_conversion"])
def test_each_realistic_transfer_names_its_current_and_new_owner_and_the_co_applicant(name):
    filing = _load(name)
    text = render_notice(filing, PACK).text
    assert f"from {filing.project.transferor} to {filing.project.transferee}," in text
    assert filing.co_applicants and f" and {filing.co_applicants[0]} are applying" in text
