"""The notice wording checks and the planned-date check, both ways, beyond test_rules' one case each."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cone.documents.notice import render_notice
from cone.rules.checklist import dated_findings, run_checklist

from .helpers import PACK, TYPE_FACTS, del_path, example, example_of_type, filing, findings, set_path

WORDING_RULES = {r.id for r in PACK.rules if r.id.startswith("notice.") and r.check.startswith("notice_")
                 and r.check != "notice_statement" and r.check != "notice_scope"}


def rules_of(data, today=None) -> list[str]:
    return [f.rule for f in findings(data, today)]


def test_every_wording_rule_concerns_the_notice_and_cites_the_notice_regulation():
    assert len(WORDING_RULES) == 7
    for rule in PACK.rules:
        if rule.id in WORDING_RULES:
            assert rule.concerns == ["notice"]
            assert rule.citation.startswith("Regs. Conn. State Agencies §19a-639a-1")


@pytest.mark.parametrize("filing_type", sorted(TYPE_FACTS))
def test_the_complete_example_of_every_filing_type_has_no_wording_finding(filing_type):
    assert not set(rules_of(example_of_type(filing_type))) & WORDING_RULES


@pytest.mark.parametrize("filing_type", sorted(TYPE_FACTS))
def test_a_draft_with_every_notice_answer_missing_has_no_wording_finding(filing_type):
    data = example_of_type(filing_type)
    for path in ["project.summary", "project.equipment", "project.beds_current", "project.beds_proposed",
                 "project.capital_expenditure", "applicant.legal_name", "site.street", "site.town"]:
        try:
            del_path(data, path)
        except KeyError:
            pass
    assert not set(rules_of(data)) & WORDING_RULES
    assert "[" in render_notice(filing(data), PACK).text   # the draft's placeholders stay as they are


@pytest.mark.parametrize("summary, rules", [
    ("To establish an outpatient behavioral health care facility for adults in East Lyme.",
     ["notice.summary_start", "notice.summary_end", "notice.summary_site"]),
    ("towards establishing an outpatient behavioral health care facility for adults", []),
    ("total renovation of an outpatient behavioral health care facility for adults", []),
    ("establish an outpatient behavioral health care facility for adults;", ["notice.summary_end"]),
    ("establish an outpatient behavioral health care facility for adults of Acme Care, Inc.", []),
    ("establish an outpatient behavioral health care facility for adults at 248 flanders road",
     ["notice.summary_site"]),
    ("establish an outpatient behavioral health care facility for adults from East Lyme and Old Lyme", []),
    ("establish an outpatient behavioral health care facility for adults of Hopewell Health Solutions, LLC",
     ["notice.summary_applicant"]),
    ("establish an outpatient behavioral health care facility for adults with Hopewell Healthcare", []),
])
def test_summary_wording(summary, rules):
    data = example()
    set_path(data, "project.summary", summary)
    assert sorted(r for r in rules_of(data) if r in WORDING_RULES) == sorted(rules)


def test_a_summary_that_starts_with_to_is_an_error_and_cone_notice_would_print_to_to():
    data = example()
    set_path(data, "project.summary", "To establish an outpatient behavioral health care facility for adults")
    assert "certificate of need to To establish" in render_notice(filing(data), PACK).text
    [finding] = [f for f in findings(data) if f.rule == "notice.summary_start"]
    assert finding.severity == "error"


def test_a_summary_not_printed_by_the_filing_types_notice_is_not_checked_for_wording():
    data = example_of_type("transfer_of_ownership")
    set_path(data, "project.summary", "To acquire Shoreline Counseling Center at 248 Flanders Road, East Lyme.")
    assert "project.summary" not in PACK.notice_fields["transfer_of_ownership"]
    assert not set(rules_of(data)) & WORDING_RULES


@pytest.mark.parametrize("equipment, fixed", [
    ("linear accelerator", "a linear accelerator"),
    ("MRI scanner", "an MRI scanner"),
    ("ultrasound unit", "an ultrasound unit"),
    ("CT scanner", "a CT scanner"),
    ("X-ray unit", "an X-ray unit"),
    ("a linear accelerator", None),
    ("an MRI scanner", None),
    ("two CT scanners", None),
    ("3.0 Tesla MRI scanner", None),
    ("the proton therapy system", None),
])
def test_equipment_needs_an_article_and_the_message_gives_the_one_to_use(equipment, fixed):
    data = example_of_type("equipment_acquisition")
    set_path(data, "project.equipment", equipment)
    found = [f for f in findings(data) if f.rule == "notice.equipment_article"]
    if fixed is None:
        assert found == []
    else:
        [finding] = found
        assert f"enter '{fixed}'" in finding.message and finding.severity == "warning"


@pytest.mark.parametrize("current, proposed, printed", [(0, 1, "from 0 to 1 bed,"), (1, 2, "from 1 to 2 beds,"),
                                                       (16, 24, "from 16 to 24 beds,"), (2, 1, "from 2 to 1 bed,")])
def test_the_bed_count_of_the_notice_agrees_with_its_noun_and_needs_no_finding(current, proposed, printed):
    data = example_of_type("increase_beds")
    set_path(data, "project.beds_current", current)
    set_path(data, "project.beds_proposed", proposed)
    assert printed in render_notice(filing(data), PACK).text
    assert "notice.count_singular" not in rules_of(data)


@pytest.mark.parametrize("summary, fixed", [
    ("establish an outpatient facility with 1 treatment chairs", "with 1 treatment chair"),
    ("add one beds to the unit", "add one bed to the unit"),
    ("add 1 operating rooms", "add 1 operating room"),
    ("add 11 beds", None), ("add 1 bed", None), ("add 21 beds", None), ("add one more bed", None),
    ("add one hundred beds", None), ("add 1,000 beds", None)])
def test_a_summary_that_counts_one_of_a_plural_gets_the_singular_as_its_fix(summary, fixed):
    data = example()
    set_path(data, "project.summary", summary)
    found = [f for f in findings(data) if f.rule == "notice.count_singular"]
    assert bool(found) is (fixed is not None)
    if fixed:
        assert fixed in found[0].message and found[0].severity == "warning"


@pytest.mark.parametrize("amount, rounded", [(Decimal("10000.50"), "enter 10001 to print $10,001"),
                                             (Decimal("10000.49"), "enter 10000 to print $10,000"),
                                             (Decimal("0.01"), "enter 0 to print $0"),
                                             (Decimal("10000"), None), (Decimal("10000.00"), None), (Decimal("0"), None)])
def test_a_capital_expenditure_with_cents_is_printed_and_warned_about(amount, rounded):
    data = example()
    set_path(data, "project.capital_expenditure", amount)
    found = [f for f in findings(data) if f.rule == "notice.capital_cents"]
    assert [f.severity for f in found] == (["warning"] if rounded else [])
    if rounded:
        assert rounded in found[0].message
        assert "$10,000.50" in render_notice(filing(data), PACK).text or amount != Decimal("10000.50")


def test_the_seed_notice_gives_no_wording_finding():
    assert not set(rules_of(example(), today=dt.date(2025, 7, 7))) & WORDING_RULES


@pytest.mark.parametrize("today, past", [(dt.date(2025, 7, 6), False), (dt.date(2025, 7, 7), False),
                                         (dt.date(2025, 7, 8), True), (dt.date(2026, 12, 3), True)])
def test_a_planned_filing_date_before_today_is_a_warning(today, past):
    found = [f for f in findings(example(), today) if f.rule == "publication.planned_past"]
    assert [f.severity for f in found] == (["warning"] if past else [])


def test_without_a_day_the_checklist_leaves_out_the_rules_that_depend_on_it():
    assert "publication.planned_past" not in rules_of(example())
    assert findings(example()) == []


def test_dated_findings_are_only_those_that_depend_on_the_day():
    parsed = filing(example())
    today = dt.date(2026, 12, 3)
    assert [f.rule for f in dated_findings(parsed, PACK, today)] == ["publication.planned_past"]
    full = run_checklist(parsed, PACK, today=today)
    assert sorted(f.rule for f in full) == sorted(
        [f.rule for f in run_checklist(parsed, PACK)] + ["publication.planned_past"])


def test_a_filing_without_a_planned_date_gets_no_past_date_finding():
    data = example()
    del data["planned_filing_date"]
    assert "publication.planned_past" not in rules_of(data, today=dt.date(2026, 12, 3))
