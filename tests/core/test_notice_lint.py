"""The notice linter on notices written in many styles, on the agency's hearing notices and on
the seed notice: each element found with the span it rests on, or reported missing, and with a
filing, every difference from its facts."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cone.documents.notice_lint import excerpt, lint_notice, make_plain, pack_for_notice, segments
from cone.filing.errors import InputError
from cone.filing.parser import loads, parse_filing
from cone.packs.loader import load_pack
from cone.rules.checks import CHECKS

from .helpers import EXAMPLE, EXAMPLE_NOTICE, PACK, REPO

NOTICES = REPO / "tests/data/notices"
ZZ = REPO / "tests/data/packs/zz"
SEED = EXAMPLE_NOTICE.read_text(encoding="utf-8")
FILING = loads(EXAMPLE.read_text(encoding="utf-8"))


def notice(name: str) -> str:
    return (NOTICES / name).read_bytes().decode("utf-8")   # as given: Windows line ends kept


def found(text: str, filing=None, pack=PACK) -> dict:
    """element id -> (value, the text of its spans as read), for the elements present."""
    report = lint_notice(text, pack, filing)
    return {e.id: (e.value, [excerpt(text, s) for s in e.spans]) for e in report.elements if e.present}


def missing(text: str) -> list[str]:
    return [e.id for e in lint_notice(text, PACK).elements if not e.present]


def changed(filing, **facts):
    """The example filing with some of its facts replaced: applicant, street, town, amount."""
    data = copy.deepcopy(filing.model_dump(mode="json", exclude_none=True))
    for path, value in facts.items():
        section, key = path.split("__")
        data[section][key] = value
    return parse_filing(data)


def test_the_seed_notice_has_all_four_elements_with_their_spans():
    report = lint_notice(SEED, PACK)
    assert report.kind == "applicant" and report.ok
    assert found(SEED) == {
        "statement": ("Hopewell Health Solutions, LLC", [
            "Connecticut General Statutes Sec. 19a-638, Hopewell Health Solutions, LLC is applying for a certificate of need"]),
        "scope": ("establish an outpatient behavioral health care facility for adults",
                  ["establish an outpatient behavioral health care facility for adults"]),
        "address": ("248 Flanders Road, East Lyme", ["248 Flanders Road, East Lyme"]),
        "capital_expenditure": ("$10,000", ["capital expenditure of $10,000"]),
    }


def test_the_seed_notice_matches_the_seed_filing_without_a_difference():
    report = lint_notice(SEED, PACK, FILING)
    assert report.ok and report.differences == ()


def test_the_agency_contact_address_is_not_taken_for_the_project_site():
    without_site = SEED.replace(" at 248 Flanders Road, East Lyme", " in East Lyme")
    assert "address" in missing(without_site)


@pytest.mark.parametrize("element, text", [
    ("statement", SEED.replace("pursuant to Connecticut General Statutes Sec. 19a-638, ", "")),
    ("statement", SEED.replace("is applying for", "has an interest in")),
    ("scope", SEED.replace("to establish an outpatient behavioral health care facility for adults at",
                           "at")),
    ("address", SEED.replace(" at 248 Flanders Road, East Lyme", "")),
    ("capital_expenditure", SEED.replace(", with an associated capital expenditure of $10,000", "")),
], ids=["no statute", "no applying", "no scope", "no address", "no capital expenditure"])
def test_each_element_missing_in_turn_is_reported_and_only_it(element, text):
    report = lint_notice(text, PACK)
    assert missing(text) == [element]
    gone = next(e for e in report.elements if e.id == element)
    assert gone.spans == () and gone.message and not report.ok


def test_a_missing_statute_says_which_half_of_the_statement_is_there():
    text = SEED.replace("pursuant to Connecticut General Statutes Sec. 19a-638, ", "")
    statement = lint_notice(text, PACK).elements[0]
    assert "the statute is not named" in statement.message and "§19a-638" in statement.message


def test_defined_short_names_and_typographic_quotes_are_read():
    text = notice("defined-names.txt")
    assert "\u201c" in text
    facts = found(text)
    assert facts["statement"][0] == "Sound Harbor Recovery Services, LLC"
    assert facts["statement"][1][1] == "C.G.S. §19a-638"
    assert facts["scope"][0] == "establish a 16-bed residential substance use treatment facility for adults"
    assert facts["address"][0] == "1135 Boston Post Road, Old Saybrook"
    assert facts["capital_expenditure"] == ("$1,250,000", ["capital expenditure for the project is $1,250,000"])


def test_a_short_name_as_the_subject_resolves_to_the_full_name():
    text = ("Sound Harbor Recovery Services, LLC (\u201cSound Harbor\u201d) operates clinics in Old Saybrook. "
            "Sound Harbor is applying for a certificate of need under Section 19a-638 to add a 12-bed detoxification "
            "unit at 1135 Boston Post Road, Old Saybrook. The total capital expenditure is $250,000.")
    facts = found(text)
    assert facts["statement"][0] == "Sound Harbor Recovery Services, LLC"
    report = lint_notice(text, PACK, changed(FILING, applicant__legal_name="Sound Harbor Recovery Services, LLC",
                                             site__street="1135 Boston Post Road", site__town="Old Saybrook",
                                             project__capital_expenditure=250000))
    assert report.ok


def test_the_capital_expenditure_in_its_own_sentence_with_cents_and_a_typographic_apostrophe():
    text = notice("capex-sentence-curly.txt")
    assert "\u2019" in text
    facts = found(text)
    assert facts["capital_expenditure"] == ("$10,000", ["capital expenditure for the project will be $10,000.00"])
    assert facts["statement"][0] == "Hopewell Health Solutions, LLC"
    assert lint_notice(text, PACK, FILING).ok     # 248 Flanders Rd. is the filing's 248 Flanders Road


def test_the_counsel_address_in_a_contact_sentence_is_not_the_site():
    facts = found(notice("capex-sentence-curly.txt"))
    assert facts["address"][0] == "248 Flanders Rd., East Lyme"


def test_a_column_broken_notice_with_hyphenated_line_ends_is_read_whole():
    text = notice("column-broken.txt")
    facts = found(text)
    assert facts["statement"][0] == "Riverbend Imaging Partners, LLC"
    assert facts["statement"][1] == ["Connecticut General Statutes Section 19a-638, Riverbend Imaging Partners, LLC "
                                     "is filing an application for a certificate of need"]
    assert facts["scope"][0] == "the acquisition of a 3.0 Tesla magnetic resonance imaging (MRI) scanner"
    assert facts["address"][0] == "200 Farmington Avenue, Suite 105, Hartford"
    assert facts["capital_expenditure"][0] == "$2,450,000"


def test_newspaper_footers_are_ignored_and_reported_as_such():
    text = notice("column-broken.txt")
    report = lint_notice(text, PACK)
    assert [text[a:b] for a, b in report.ignored] == ["The Day", "June 2, 3, 4", "#1234567"]
    assert report.ok
    statute_after = notice("statute-after.txt")
    report = lint_notice(statute_after, PACK)
    assert [statute_after[a:b] for a, b in report.ignored] == ["Hartford Courant 6/2, 6/3, 6/4 Ad #55512"]


def test_a_run_date_with_a_year_is_not_a_footer():
    text = SEED + "\nPublished June 2, 2025\n"
    assert lint_notice(text, PACK).ignored == ()


def test_the_statute_named_after_the_verb_and_an_amount_with_a_space_and_cents():
    facts = found(notice("statute-after.txt"))
    assert facts["statement"] == ("Valley Children's Dental Surgery Center, Inc.", [
        "Valley Children's Dental Surgery Center, Inc. will file an application under Section 19a-638 of the "
        "Connecticut General Statutes for a certificate of need"])
    assert facts["address"][0] == "75 Main St., Torrington"
    assert facts["capital_expenditure"] == ("$3,600,000.50", ["capital expenditure of $ 3,600,000.50"])


def test_no_capital_expenditure_co_applicants_and_a_numbered_route():
    text = notice("no-capex.txt")
    facts = found(text)
    assert facts["capital_expenditure"] == ("$0", ["no capital expenditure"])
    assert facts["statement"][0] == "Shoreline Behavioral Health, Inc. and Coastal Care Partners, LLC"
    assert facts["address"][0] == "12 Route 156, Waterford"
    assert lint_notice(text, PACK).ok


@pytest.mark.parametrize("name", ["hearing-zoom.txt", "hearing-short.txt"])
def test_an_agency_hearing_notice_is_named_as_such_instead_of_missing_elements(name):
    text = notice(name)
    report = lint_notice(text, PACK)
    assert report.kind == "hearing" and not report.ok and report.elements == ()
    assert "hearing" in report.message and len(report.markers) >= 2
    assert {m.id for m in report.markers} == {"hearing", "docket", "agency"}


def test_an_applicant_notice_that_mentions_a_hearing_is_still_an_applicant_notice():
    text = SEED + " Any person may request that a public hearing be held."
    assert lint_notice(text, PACK).kind == "applicant"


def test_with_a_filing_each_difference_names_its_field_and_both_values():
    text = SEED.replace("248 Flanders Road, East Lyme", "250 Flanders Road, Niantic").replace("$10,000", "$12,500")
    text = text.replace("Hopewell Health Solutions, LLC", "Hopewell Health, LLC")
    report = lint_notice(text, PACK, FILING)
    assert not report.ok
    diffs = {d.field: (d.notice, d.filing) for d in report.differences}
    assert diffs == {"applicant.legal_name": ("Hopewell Health, LLC", "Hopewell Health Solutions, LLC"),
                     "site.street": ("250 Flanders Road", "248 Flanders Road"),
                     "site.town": (None, "East Lyme"),
                     "project.capital_expenditure": ("$12,500", "$10,000")}
    amount = next(d for d in report.differences if d.element == "capital_expenditure")
    assert text[amount.span[0]:amount.span[1]] == "capital expenditure of $12,500"


def test_a_notice_of_no_capital_expenditure_differs_from_a_filing_with_one():
    text = SEED.replace("with an associated capital expenditure of $10,000", "with no associated capital expenditure")
    report = lint_notice(text, PACK, FILING)
    assert [(d.field, d.notice, d.filing) for d in report.differences] == [
        ("project.capital_expenditure", "$0", "$10,000")]
    assert lint_notice(text, PACK, changed(FILING, project__capital_expenditure=0)).ok


def test_spans_index_the_text_as_given_even_after_mended_hyphens():
    text = notice("column-broken.txt")
    report = lint_notice(text, PACK)
    address = next(e for e in report.elements if e.id == "address")
    (a, b), = address.spans
    assert text[a:b] == "200\nFarmington Avenue, Suite 105,\nHartford"


def test_segments_cover_the_whole_text_and_mark_each_element():
    report = lint_notice(SEED, PACK)
    pieces = segments(SEED, report)
    assert "".join(p for p, _ in pieces) == SEED
    assert ("248 Flanders Road, East Lyme", "address") in pieces


def test_the_pack_is_chosen_by_the_statute_a_notice_names():
    zz = load_pack(ZZ, CHECKS)
    zedland = ("PUBLIC NOTICE. Under Zedland Health Code §4-101, Harbour Smiles LLC will apply for a clinic permit "
               "to open Harbour Smiles Dental, a clinic at 12 Quay Street in Brinemouth, at a cost of $300,000.")
    assert pack_for_notice(zedland, [PACK, zz]) is zz
    assert pack_for_notice(SEED, [PACK, zz]) is PACK
    assert pack_for_notice("nothing here", [PACK, zz]) is PACK


def test_the_made_up_state_reads_its_own_notice_with_its_own_words():
    zz = load_pack(ZZ, CHECKS)
    filing = loads((REPO / "tests/data/zedland-clinic.json").read_text(encoding="utf-8"))
    text = ("PUBLIC NOTICE. Under Zedland Health Code §4-101, Harbour Smiles LLC will apply for a clinic permit "
            "to open Harbour Smiles Dental, a clinic at 12 Quay Street in Brinemouth, at a cost of $300,000. "
            "Write to the Zedland Department of Health Planning, attn. Records Desk, 1 Harbour Row, Brinemouth.\n"
            "The Brinemouth Gazette #40404\n")
    report = lint_notice(text, zz, filing)
    assert report.ok, report
    assert found(text, pack=zz)["address"][0] == "12 Quay Street, Brinemouth"
    assert not lint_notice(SEED, zz).ok


def test_typographic_characters_are_read_plain_and_soft_hyphens_dropped():
    plain = make_plain("Hope\u00adwell\u2019s \u201cnotice\u201d\u00a0at 19a\u2013638 and 19a-\n638 and Solu-\ntions")
    assert plain.text == "Hopewell's \"notice\" at 19a-638 and 19a-638 and Solutions"


def test_an_empty_notice_is_its_own_kind():
    assert lint_notice(" \n\t", PACK).kind == "empty" and not lint_notice("", PACK).ok


def test_a_pack_with_a_broken_pattern_fails_at_load_with_file_and_line(tmp_path):
    pack = tmp_path / "zz"
    pack.mkdir()
    for f in ZZ.iterdir():
        (pack / f.name).write_bytes(f.read_bytes())
    lint = pack / "notice_lint.yaml"
    lint.write_text(lint.read_text(encoding="utf-8").replace(r"applying: ['\bwill\s+apply\b']", "applying: ['(unclosed']"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pack(pack, CHECKS)
    assert "notice_lint.yaml:" in str(caught.value) and "regular expression" in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab $,.-\n#\u2019\"()19a638SecRoadLLC")), max_size=200))
def test_any_text_gives_a_report_whose_spans_lie_inside_it(text):
    report = lint_notice(text, PACK, FILING)
    spans = [s for e in report.elements for s in e.spans] + list(report.ignored) + [m.span for m in report.markers]
    assert all(0 <= a <= b <= len(text) for a, b in spans)
    assert "".join(p for p, _ in segments(text, report)) == text



def test_an_all_capitals_notice_with_windows_line_ends_and_an_amount_in_millions():
    text = notice("all-caps-million.txt")
    assert "\r\n" in text
    facts = found(text)
    assert facts["statement"][0] == "YALE NEW HAVEN HOSPITAL, INC."
    assert facts["scope"][0] == "THE ACQUISITION OF A PET-CT SCANNER"
    assert facts["address"][0] == "20 YORK STREET, New Haven"
    assert facts["capital_expenditure"] == ("$2,500,000", ["CAPITAL EXPENDITURE IS $2.5 MILLION"])
    filing = changed(FILING, applicant__legal_name="Yale New Haven Hospital, Inc.", site__street="20 York Street",
                     site__town="New Haven", project__capital_expenditure=2500000)
    assert lint_notice(text, PACK, filing).ok


def test_a_heading_line_ends_a_sentence_and_it_refers_to_the_name_before_it():
    text = notice("heading-gives-notice.txt")
    facts = found(text)
    assert facts["statement"][0] == "Enfield Surgical Partners, LLC"
    assert facts["statement"][1][1] == "Conn. Gen. Stat. Sec. 19a-638"
    assert facts["address"] == ("100 Hazard Avenue, Enfield", ["100 Hazard Avenue in the Town of Enfield"])
    assert facts["capital_expenditure"][0] == "$4,100,000"
