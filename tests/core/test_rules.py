"""Every checklist rule of the CT pack, both ways: the example passes it; a mutation of it fails it.

Each failing case names the rule it must trip, the field the finding must point at, the
other rules (if any) the same mutation also trips, and words the message must contain.
"""
from __future__ import annotations

import csv
import datetime as dt
import re

import shutil
from pathlib import Path
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

import pytest

from cone.rules.checklist import run_checklist
from cone.rules.checks import CHECKS
from cone.filing.models import Service
from cone.packs.loader import FORMS_DIR, load_pack
from cone.packs.models import Band

from .helpers import PACK, TYPE_FACTS, TYPE_NOTES, del_path, example, example_of_type, filing, findings, set_path

CENSUS = Path(__file__).resolve().parents[3] / "shared" / "domain" / "data"   # ../shared beside the checkout

RULES = {r.id: r for r in PACK.rules}


@dataclass
class Case:
    mutate: Callable[[dict[str, Any]], Any]   # turns the example into a filing that fails the rule
    at: str                                    # the field path the finding must name
    says: tuple[str, ...] = ()                 # words the message must contain
    also: frozenset[str] = frozenset()         # other rules the same mutation must trip
    today: dt.date | None = None               # the day the checklist runs on (for the rules that depend on it)


def _set(path: str, value: Any) -> Callable[[dict], Any]:
    return lambda d: set_path(d, path, value)


def _del(path: str) -> Callable[[dict], Any]:
    return lambda d: del_path(d, path)


def _as(filing_type: str, *steps: Callable[[dict], Any]) -> Callable[[dict], Any]:
    """Replace the example with the complete filing of another type, then apply the steps."""
    def run(d: dict) -> None:
        d.clear()
        d.update(example_of_type(filing_type))
        for step in steps:
            step(d)
    return run


def _each(*steps: Callable[[dict], Any]) -> Callable[[dict], Any]:
    def run(d: dict) -> None:
        for step in steps:
            step(d)
    return run


# One failing mutation of the example per rule of the pack (test_every_rule_has_a_failing_case).
FAILING: dict[str, Case] = {
    "notice.statement": Case(_del("applicant.legal_name"), "applicant.legal_name",
                             ("under §19a-638", "legal name")),
    "notice.scope": Case(_del("project.summary"), "project.summary", ("Scope and nature of the project",)),
    "notice.address": Case(_del("site.street"), "site.street", ("street address", "'Street address'")),
    "notice.capital_expenditure": Case(_del("project.capital_expenditure"), "project.capital_expenditure",
                                       ("total capital expenditure", "0 if there is none")),
    "notice.summary_start": Case(_set("project.summary", "to establish an outpatient behavioral health care facility for adults"),
                                 "project.summary", ("starts with 'to'", "'to to establish",
                                                     "enter 'establish an outpatient behavioral health care facility for adults'")),
    "notice.summary_end": Case(_set("project.summary", "establish an outpatient behavioral health care facility for adults."),
                               "project.summary", ("ends with '.'", "for adults. at ...",
                                                   "enter 'establish an outpatient behavioral health care facility for adults'")),
    "notice.summary_site": Case(_set("project.summary",
                                     "establish an outpatient behavioral health care facility for adults in East Lyme"),
                                "project.summary", ("('in East Lyme')",
                                                    "enter 'establish an outpatient behavioral health care facility for adults'")),
    "notice.summary_applicant": Case(_set("project.summary",
                                          "establish Hopewell Health Solutions' outpatient behavioral health care facility for adults"),
                                     "project.summary", ("('Hopewell Health Solutions')",
                                                         "enter 'establish its outpatient behavioral health care facility for adults'")),
    "notice.equipment_article": Case(_each(dict.clear, lambda d: d.update(example_of_type("equipment_acquisition")),
                                           _set("project.equipment", "linear accelerator")),
                                     "project.equipment", ("'acquire linear accelerator'", "enter 'a linear accelerator'")),
    "notice.count_singular": Case(_set("project.summary",
                                       "establish an outpatient behavioral health care facility for adults with 1 group rooms"),
                                  "project.summary", ("'1 group rooms'", "enter 'establish an outpatient behavioral "
                                                      "health care facility for adults with 1 group room'")),
    "notice.capital_cents": Case(_set("project.capital_expenditure", Decimal("10000.50")), "project.capital_expenditure",
                                 ("with cents ($10,000.50)", "round it to whole dollars", "enter 10001 to print $10,001")),
    "form.required": Case(_del("applicant.contact.email"), "applicant.contact.email", ("'Contact e-mail'",)),
    "form.choice": Case(lambda d: d["services"][0]["components"].append("yoga"), "services[0].components",
                        ("'yoga'", "'Treatment components'", "group_therapy")),
    "site.state": Case(_set("site.state", "NY"), "site.state", ("in NY", "Connecticut")),
    "site.town": Case(_set("site.town", "Niantic"), "site.town", ("'Niantic'", "169 towns")),
    "site.zip": Case(_set("site.zip", "10001"), "site.zip", ("10001", "not the ZIP code of any Connecticut town")),
    "site.zip_town": Case(_set("site.zip", "06103"), "site.zip", ("06103", "East Lyme (06333, 06357)")),
    "publication.newspaper": Case(_del("publication.newspaper"), "publication.newspaper", ("newspaper",)),
    "publication.consecutive": Case(_set("publication.dates", ["2025-06-02", "2025-06-04", "2025-06-06"]),
                                    "publication.dates", ("at least 3 consecutive days", "at most 1 consecutive day")),
    "publication.window": Case(_set("planned_filing_date", "2025-06-23"), "planned_filing_date",
                               ("(June 4, 2025)", "between June 24, 2025 and September 2, 2025",
                                "planned filing date is June 23, 2025")),
    "publication.planned_past": Case(lambda d: None, "planned_filing_date",
                                     ("(July 7, 2025) is 1 day(s) before today (July 8, 2025)", "cannot be filed in the past"),
                                     today=dt.date(2025, 7, 8)),
    "posting.required": Case(_del("postings.copy_sent"), "postings.copy_sent",
                             ("Public Act 23-171", "'Date a copy was sent to OHS'")),
    "posting.website_early": Case(_set("postings.website_date", "2025-06-20"), "postings.website_date",
                                  ("at least 20 days", "June 20, 2025", "3 day(s) too late", "Post it by June 17, 2025")),
    "posting.community_locations": Case(_set("postings.community_locations", ["East Lyme Public Library"]),
                                        "postings.community_locations", ("2 or more", "names 1")),
    "fee.matches": Case(_set("fee", 2000), "fee",
                        ("project cost of $10,000 (up to $50,000) is $1,000, not $2,000",)),
    "services.schedule": Case(_del("services[1].hours_per_week"), "services[1].hours_per_week",
                              ("'Individual and group counseling'",)),
    "services.hours_band": Case(_each(_del("services[0].days_per_week"), _del("services[0].hours_per_day"),
                                      _set("services[0].hours_per_week", 5)),
                                "services[0].hours_per_week",
                                ("runs 5 hours a week", "for adults runs 9 to under 20 hours a week", "Intensive outpatient"),
                                frozenset({"services.hours_typical"})),
    "services.hours_typical": Case(_set("services[0].hours_per_day", Decimal("5.5")), "services[0].hours_per_week",
                                   ("runs 16.5 hours a week", "usual 9 to 15 hours", "for adults")),
    "services.components": Case(lambda d: d["services"][0]["components"].remove("medication_management"),
                                "services[0].components", ("medication management",)),
    "project.beds_increase": Case(_each(dict.clear, lambda d: d.update(example_of_type("increase_beds")),
                                        _set("project.beds_proposed", 16)),
                                  "project.beds_proposed",
                                  ("proposed bed count (16)", "current licensed bed count (16)")),
    "crosscheck.summary_population": Case(
        _set("project.summary", "establish an outpatient behavioral health care facility"), "project.summary",
        ("(adults)",)),
    "crosscheck.summary_facility": Case(_set("project.summary", "establish a counseling practice for adults"),
                                        "project.summary", ("(outpatient behavioral health care facility)",)),
    "principles.answered": Case(_del("principles.public_need"), "principles.public_need",
                                ("principle (3)", "(Conn. Gen. Stat. §19a-639(a)(3))", "clear public need", "every principle")),
    "principles.unknown": Case(_set("principles.health_equity", "The clinic serves all adults."), "principles.health_equity",
                               ("'health_equity'", "not a review principle", "public_need")),
    "applicant.entity_suffix": Case(_set("applicant.legal_name", "Hopewell Health Solutions"), "applicant.legal_name",
                                    ("'Hopewell Health Solutions'", "limited liability company", "LLC")),
    "type.relocation": Case(lambda d: _as("relocation")(d), "filing_type", ("Determination form for relocations",
                                                                            "population served or the payer mix")),
    "type.hospital_conversion": Case(lambda d: _as("hospital_conversion")(d), "filing_type",
                                     ("§19a-486 to §19a-486h", "Attorney General", "120 days")),
    "project.group_practice_size": Case(lambda d: _as("group_practice_transfer", _set("project.physician_fte", 6.0))(d),
                                        "project.physician_fte", ("of 6 full-time-equivalent", "smaller than the 8")),
    "project.operating_rooms_increase": Case(
        lambda d: _as("increase_operating_rooms", _set("project.operating_rooms_proposed", 4))(d),
        "project.operating_rooms_proposed", ("(4) must exceed the current number (4)",)),
    "project.operating_rooms_two_in_three_years": Case(
        lambda d: _as("increase_operating_rooms", _set("project.operating_rooms_proposed", 5))(d),
        "project.operating_rooms_proposed", ("increase of 1 operating room(s) within three years", "below the 2")),
    "equipment.replacement": Case(lambda d: _as("equipment_acquisition", _set("project.equipment_replaces", "yes"))(d),
                                  "project.equipment_replaces", ("replaces one of the same kind", "determination")),
    "equipment.hospital_based": Case(
        lambda d: _as("equipment_acquisition", _set("project.equipment_category", "linear_accelerator"),
                      _set("project.equipment", "a linear accelerator"), _set("project.hospital_based", "yes"))(d),
        "project.hospital_based", ("not hospital-based",)),
    "financial.capital_expenditure": Case(
        _set("financial", {"capital_cost": {"medical_equipment": {"amount": 6000}, "other_purchases": {"amount": 3000}}}),
        "financial.capital_cost.capital_expenditure.amount", ("($9,000)", "$10,000", "Total capital expenditure")),
    "financial.total_project_cost": Case(
        _each(_set("project.total_cost", 12000),
              _set("financial", {"capital_cost": {"medical_equipment": {"amount": 10000},
                                                  "space_fair_market_value": {"amount": 2500}}})),
        "financial.capital_cost.total_project_cost.amount", ("($12,500)", "$12,000")),
    "financial.payers_add_up": Case(
        _set("financial", {"attachment_one": {"gross_patient_revenue": {"y2_incremental": 900000},
                                              "allowances": {"y2_incremental": 300000}},
                           "attachment_two": {"y2": {"medicare": {"gross_revenue": 500000, "allowances": 200000},
                                                     "commercial": {"gross_revenue": 400000, "allowances": 50000}}}}),
        "financial.attachment_two.y2.total_all_payers.net_revenue", ("Year 2", "$650,000", "$600,000")),
    "payer_mix.total": Case(
        _set("payer_mix", [{"payer": "medicare", "current_percent": 60}, {"payer": "medicaid", "current_percent": 30}]),
        "payer_mix.current_percent", ("adds up to 90%", "not 100%")),
}


def mutated(mutate: Callable[[dict], Any]) -> dict[str, Any]:
    data = example()
    mutate(data)
    return data


def test_every_rule_has_a_failing_case():
    assert set(FAILING) == set(RULES)


def test_example_passes_every_rule():
    assert findings(example()) == []


@pytest.mark.parametrize("rule_id", sorted(FAILING))
def test_rule_fails(rule_id):
    case, rule = FAILING[rule_id], RULES[rule_id]
    found = findings(mutated(case.mutate), today=case.today)
    assert {f.rule for f in found} == {rule_id} | case.also
    mine = [f for f in found if f.rule == rule_id]
    assert [f.field for f in mine] == [case.at]
    [finding] = mine
    assert finding.severity == rule.severity
    if "{" not in rule.citation:
        assert finding.citation == rule.citation
    assert "{" not in finding.message and "}" not in finding.message
    for words in case.says:
        assert words in finding.message


def only(data: dict[str, Any], rule_id: str) -> list:
    """Findings of one rule for `data`."""
    return [f for f in findings(data) if f.rule == rule_id]


def rules_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.rule, f.field) for f in findings(data)]


# --- review principles -----------------------------------------------------------------------

def test_each_unanswered_principle_is_one_error_in_pack_order():
    data = mutated(lambda d: d.pop("principles"))
    assert rules_of(data) == [("principles.answered", f"principles.{p.id}") for p in PACK.principles]
    assert len(PACK.principles) == 12


def test_a_blank_principle_answer_is_unanswered():
    assert rules_of(mutated(_set("principles.consolidation", "  \n "))) == [("principles.answered", "principles.consolidation")]


def test_unknown_principle_ids_are_each_flagged_and_known_answers_still_count():
    data = mutated(_each(_set("principles.health_equity", "Yes."), _set("principles.zz_other", "No.")))
    assert sorted(rules_of(data)) == [("principles.unknown", "principles.health_equity"),
                                      ("principles.unknown", "principles.zz_other")]


def test_a_pack_without_principles_asks_for_none(tmp_path):
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    (pack_dir / "principles.yaml").write_text("as_of: 2026-11-26\nsource: none\nprinciples: []\n", encoding="utf-8")
    pack = load_pack(pack_dir, CHECKS)
    assert [s.fields for s in pack.fields.sections if s.id == "principles"] == [[]]
    found = [(f.rule, f.field) for f in run_checklist(filing(example()), pack)]
    assert found == [("principles.unknown", f"principles.{p.id}") for p in PACK.principles]


# --- presence rules --------------------------------------------------------------------------

def test_notice_statement_blank_name_counts_as_missing():
    [f] = only(mutated(_set("applicant.legal_name", "   ")), "notice.statement")
    assert f.field == "applicant.legal_name"


def test_notice_statement_must_cite_the_statute(tmp_path):
    """A pack whose notice statement drops the statute reference fails every filing's notice.statement."""
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    notice_yaml = pack_dir / "notice.yaml"
    notice_yaml.write_text(notice_yaml.read_text(encoding="utf-8").replace(
        "pursuant to Connecticut General Statutes Sec. 19a-638, ", "", 1), encoding="utf-8")
    pack = load_pack(pack_dir, CHECKS)
    found = [(f.rule, f.field) for f in run_checklist(filing(example()), pack)]
    assert found == [("notice.statement", "filing_type")]


@pytest.mark.parametrize("path", ["site.street", "site.town"])
def test_notice_address_each_part(path):
    assert rules_of(mutated(_del(path))) == [("notice.address", path)]


def test_capital_expenditure_zero_is_an_answer():
    assert findings(mutated(_set("project.capital_expenditure", 0))) == []


def test_one_gap_gives_one_finding():
    """A field both a presence rule and the form require is reported once, by the specific rule."""
    data = mutated(_each(_del("project.summary"), _del("site.street"), _del("publication.newspaper")))
    assert sorted(rules_of(data)) == [("notice.address", "site.street"), ("notice.scope", "project.summary"),
                                      ("publication.newspaper", "publication.newspaper")]


@pytest.mark.parametrize("filing_type", sorted(TYPE_FACTS))
def test_every_required_field_of_every_filing_type(filing_type):
    """Removing any answer the pack requires for a filing type gives exactly one error naming it."""
    assert [f.rule for f in findings(example_of_type(filing_type))] == list(TYPE_NOTES.get(filing_type, ()))
    required = [f.path for s in PACK.sections_for(filing_type) for f in s.fields if f.required_for(filing_type)]
    assert required, filing_type
    for path in required:
        data = example_of_type(filing_type)
        del_path(data, path)
        errors = [(f.rule, f.field) for f in findings(data) if f.severity == "error"]
        assert len(errors) == 1 and errors[0][1] == path, (path, errors)


def test_type_specific_notice_facts_are_required_by_notice_scope():
    data = example_of_type("transfer_of_ownership")
    del_path(data, "project.transferee")
    [f] = only(data, "notice.scope")
    assert f.field == "project.transferee" and "'New owner (transferee)'" in f.message


def test_required_program_answers():
    data = mutated(_each(_del("services[1].name"), _del("services[0].level")))
    assert sorted(rules_of(data)) == [("form.required", "services[0].level"), ("form.required", "services[1].name")]


def test_new_facility_needs_programs():
    assert rules_of(mutated(_set("services", []))) == [("form.required", "services")]


def test_facility_type_required_only_for_new_facility():
    assert rules_of(mutated(_del("project.facility_type"))) == [("form.required", "project.facility_type")]
    data = example_of_type("transfer_of_ownership")
    del_path(data, "project.facility_type")
    assert findings(data) == []


# --- choices ---------------------------------------------------------------------------------

def test_unknown_entity_type():
    [f] = only(mutated(_set("applicant.entity_type", "partnership")), "form.choice")
    assert f.field == "applicant.entity_type" and "'partnership'" in f.message and "llc" in f.message


def test_unknown_level_is_a_choice_error_not_a_band_error():
    data = mutated(_set("services[0].level", "day_program"))
    assert rules_of(data) == [("form.choice", "services[0].level")]


# --- site ------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, suggestion", [("east lyme", "East Lyme"), ("Eastlyme", "East Lyme"),
                                               ("NEW HAVEN", "New Haven"), ("Windsorlocks", "Windsor Locks")])
def test_town_misspelled_with_suggestion(typed, suggestion):
    [f] = only(mutated(_set("site.town", typed)), "site.town")
    assert f.message.endswith(f"; did you mean {suggestion}?")


@pytest.mark.parametrize("village, zip_code, message", [
    ("Niantic", "06357", "'Niantic' is not one of Connecticut's 169 towns: Niantic is a village of East Lyme: enter East Lyme."),
    ("Willimantic", "06226", "'Willimantic' is not one of Connecticut's 169 towns: Willimantic is a village of Windham: "
                             "enter Windham."),
    ("Storrs", "06268", "'Storrs' is not one of Connecticut's 169 towns: Storrs is a village of Mansfield: enter Mansfield."),
    ("Rockville", "06066", "'Rockville' is not one of Connecticut's 169 towns: Rockville is a village of Vernon: enter Vernon."),
    ("Mystic", "06355", "'Mystic' is not one of Connecticut's 169 towns: Mystic lies in Groton and Stonington: enter the one "
                        "the site is in."),
])
def test_a_village_name_gets_its_town_suggested(village, zip_code, message):
    [f] = only(mutated(_each(_set("site.town", village), _set("site.zip", zip_code))), "site.town")
    assert f.message == message


def test_every_village_of_the_census_place_list_gets_its_town_suggested():
    places = list(csv.DictReader(open(CENSUS / "ct-village-town-census2020.csv", encoding="utf-8")))
    towns_of: dict[str, set[str]] = {}
    for row in places:
        name = re.sub(r" (CDP|city|borough|town)( \(.*\))?$", "", row["place"])
        if name not in PACK.town_zips:
            towns_of.setdefault(name, set()).add(row["town"])
    assert len(towns_of) > 150
    for name, towns in towns_of.items():
        [f] = only(mutated(_each(_set("site.town", name), _del("site.zip"))), "site.town")
        assert all(t in f.message for t in towns) and "enter " in f.message, f.message


def test_every_zip_above_the_census_threshold_is_accepted_for_its_town():
    pairs = [r for r in csv.DictReader(open(CENSUS / "ct-zip-town-census2020.csv", encoding="utf-8"))
             if float(r["inter_pop"]) >= 25]
    assert len(pairs) > 350
    for row in pairs:
        assert findings(mutated(_each(_set("site.town", row["town"]), _set("site.zip", row["zip"])))) == [], row


@pytest.mark.parametrize("zip_code", ["06390", "06999"])   # Fishers Island, New York; no such ZIP
def test_zip_codes_outside_connecticut_towns_are_refused_though_they_start_with_06(zip_code):
    assert rules_of(mutated(_set("site.zip", zip_code))) == [("site.zip", "site.zip")]


def test_zip_06778_is_litchfield_not_thomaston():
    assert findings(mutated(_each(_set("site.town", "Litchfield"), _set("site.zip", "06778")))) == []
    assert rules_of(mutated(_each(_set("site.town", "Thomaston"), _set("site.zip", "06778")))) == [("site.zip_town", "site.zip")]


def test_town_unknown_without_suggestion():
    [f] = only(mutated(_set("site.town", "Springfield")), "site.town")
    assert "did you mean" not in f.message


def test_non_ct_state_with_ct_facts_is_one_error():
    assert rules_of(mutated(_set("site.state", "MA"))) == [("site.state", "site.state")]


def test_zip_plus_four_is_checked_on_its_first_five_digits():
    assert findings(mutated(_set("site.zip", "06333-1234"))) == []
    assert rules_of(mutated(_set("site.zip", "06103-1234"))) == [("site.zip_town", "site.zip")]


def test_zip_of_another_state_is_an_error_not_a_town_mismatch():
    assert rules_of(mutated(_set("site.zip", "02108"))) == [("site.zip", "site.zip")]


def test_zip_town_mismatch_for_a_big_town_does_not_list_its_zips():
    data = mutated(_each(_set("site.town", "Hartford"), _set("site.zip", "06333")))
    [f] = only(data, "site.zip_town")
    assert "not a ZIP code of Hartford;" in f.message


def test_zip_shared_by_two_towns_is_fine_for_both():
    for town in ("Hartford", "West Hartford"):
        assert findings(mutated(_each(_set("site.town", town), _set("site.zip", "06105")))) == []


# --- publication -----------------------------------------------------------------------------

@pytest.mark.parametrize("dates, ok", [
    (["2025-06-02", "2025-06-03", "2025-06-04"], True),
    (["2025-06-04", "2025-06-02", "2025-06-03"], True),          # order does not matter
    (["2025-05-30", "2025-05-31", "2025-06-01", "2025-06-02"], True),
    (["2025-06-02", "2025-06-03", "2025-06-03"], False),         # a repeated day is not a third day
    (["2025-06-02", "2025-06-03"], False),
    (["2025-06-30", "2025-07-01", "2025-07-02"], True),          # across a month end
])
def test_consecutive_days(dates, ok):
    data = mutated(_each(_set("publication.dates", dates), _set("planned_filing_date", "2025-07-25")))
    assert (only(data, "publication.consecutive") == []) is ok


def test_window_edges():
    """Last run June 4, 2025: file June 24 (day 20) to September 2 (day 90), both inclusive."""
    for planned, ok in [("2025-06-23", False), ("2025-06-24", True), ("2025-09-02", True), ("2025-09-03", False)]:
        assert (only(mutated(_set("planned_filing_date", planned)), "publication.window") == []) is ok, planned


def test_window_late_message():
    [f] = only(mutated(_set("planned_filing_date", "2025-09-03")), "publication.window")
    assert "file between June 24, 2025 and September 2, 2025" in f.message
    assert "the planned filing date is September 3, 2025" in f.message


def test_window_counts_from_the_last_day_of_the_qualifying_run():
    """A stray later date (a fourth, non-consecutive run) does not move the window."""
    data = mutated(_set("publication.dates", ["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-20"]))
    assert only(data, "publication.window") == []


# --- fee -------------------------------------------------------------------------------------

TIER_EDGES = [  # (capital expenditure, fee)
    ("0", 1000), ("50000", 1000), ("50000.01", 2000), ("100000", 2000), ("100000.01", 3000),
    ("500000", 3000), ("500000.01", 4000), ("1000000", 4000), ("1000000.01", 5000),
    ("5000000", 5000), ("5000000.01", 8000), ("10000000", 8000), ("10000000.01", 10000), ("999999999999.99", 10000),
]


@pytest.mark.parametrize("capex, fee", TIER_EDGES)
def test_fee_tier_edges(capex, fee):
    right = mutated(_each(_set("project.capital_expenditure", Decimal(capex)), _set("fee", fee)))
    assert only(right, "fee.matches") == []
    wrong_fee = 2000 if fee == 1000 else 1000
    wrong = mutated(_each(_set("project.capital_expenditure", Decimal(capex)), _set("fee", wrong_fee)))
    [f] = only(wrong, "fee.matches")
    assert f"is ${fee:,}, not ${wrong_fee:,}" in f.message


def test_fee_message_names_the_tier():
    data = mutated(_each(_set("project.capital_expenditure", Decimal("50000.01")), _set("fee", 1000)))
    [f] = only(data, "fee.matches")
    assert f.message == ("The filing fee for a project cost of $50,000.01 (over $50,000 to $100,000) "
                         "is $2,000, not $1,000.")


def test_a_fee_at_a_tiers_exact_limit_follows_the_statute_and_says_where_the_web_table_differs():
    data = mutated(_each(_set("project.capital_expenditure", Decimal("50000")), _set("fee", 2000)))
    [f] = only(data, "fee.matches")
    assert f.message.startswith("The filing fee for a project cost of $50,000 (up to $50,000) is $1,000, not $2,000. "
                                "A cost of exactly $50,000 is in this tier under the statute; OHS's web table")
    assert only(mutated(_each(_set("project.capital_expenditure", Decimal("50000")), _set("fee", 1000))), "fee.matches") == []


def test_the_fee_is_set_on_the_total_cost_of_the_project_where_it_differs_from_the_capital_expenditure():
    data = mutated(_each(_set("project.capital_expenditure", Decimal("10000")),
                         _set("project.total_cost", Decimal("600000")), _set("fee", 1000)))
    [f] = only(data, "fee.matches")
    assert f.message == "The filing fee for a project cost of $600,000 (over $500,000 to $1,000,000) is $4,000, not $1,000."
    assert only(mutated(_each(_set("project.total_cost", Decimal("600000")), _set("fee", 4000))), "fee.matches") == []


def test_fee_with_cents_mismatch():
    [f] = only(mutated(_set("fee", Decimal("1000.50"))), "fee.matches")
    assert "not $1,000.50" in f.message


# --- services: schedule, bands, components ---------------------------------------------------

def _program(level: str, hours: float, population: str | None = None,
             components: list[str] | None = None) -> dict[str, Any]:
    if components is None:
        components = [c for c in PACK.levels.levels[level].components]
    service = {"level": level, "name": "Program", "hours_per_week": hours, "components": components}
    if population:
        service["population"] = population
    return service


def band_findings(level: str, hours: float, population: str | None = None) -> set[str]:
    data = example()
    data["services"] = [_program(level, hours, population)]
    return {f.rule for f in findings(data)}


OK, WARN, ERR = set(), {"services.hours_typical"}, {"services.hours_typical", "services.hours_band"}


@pytest.mark.parametrize("level, population, hours, expected", [
    # IOP, adults (default band): ASAM 2.1 is 9 to under 20 (hard); typical 9-15
    ("iop", None, 9, OK), ("iop", None, 12, OK), ("iop", None, 15, OK), ("iop", None, 16, WARN),
    ("iop", None, 19.5, WARN), ("iop", None, 8, ERR), ("iop", None, 6, ERR), ("iop", None, 20, ERR),
    ("iop", None, 20.5, ERR), ("iop", "adults", 8.9, ERR), ("iop", "older_adults", 5, ERR),
    # IOP, adolescents and children: from 6 (hard 6 to under 20), typical 6-15
    ("iop", "adolescents", 6, OK), ("iop", "adolescents", 16, WARN), ("iop", "adolescents", 5.9, ERR),
    ("iop", "adolescents", 20, ERR), ("iop", "children", 6, OK), ("iop", "children", 3, ERR),
    # PHP: ASAM 2.5 is 20 or more (hard); typical 20-30
    ("php", None, 20, OK), ("php", None, 30, OK), ("php", None, 31, WARN), ("php", None, 41, WARN),
    ("php", None, 19.5, ERR), ("php", None, 15, ERR), ("php", "adolescents", 10, ERR),
    # outpatient: under 9 for adults, under 6 for adolescents and children (hard, from 0.5); typical 1-3
    ("outpatient", None, 1, OK), ("outpatient", None, 3, OK), ("outpatient", None, 4, WARN),
    ("outpatient", None, 0.5, WARN), ("outpatient", None, 0.25, ERR), ("outpatient", None, 8.9, WARN),
    ("outpatient", None, 9, ERR), ("outpatient", "adolescents", 5.9, WARN), ("outpatient", "adolescents", 6, ERR),
    # residential: clinical hours, at least 5 (hard); near 168 means hours of presence (warning)
    ("residential", None, 10, OK), ("residential", None, 5, OK), ("residential", None, 4.5, ERR),
    ("residential", None, 168, WARN), ("residential", None, 120, WARN),
    # inpatient: round the clock
    ("inpatient", None, 168, OK), ("inpatient", None, 99, ERR),
])
def test_hours_bands(level, population, hours, expected):
    assert band_findings(level, hours, population) == expected


def test_band_message_for_adolescents():
    data = example()
    data["services"] = [_program("iop", 3, "adolescents")]
    data["services"][0]["name"] = "Teen IOP"
    [f] = only(data, "services.hours_band")
    assert f.field == "services[0].hours_per_week"
    assert f.message == ("'Teen IOP' is declared Intensive outpatient (IOP, ASAM 2.1) but runs 3 hours a week; "
                         "Intensive outpatient (IOP, ASAM 2.1) for adolescents runs 6 to under 20 hours a week. "
                         "Correct the schedule or the level of care.")


def test_hours_from_days_times_hours_per_day():
    """The example's IOP states 3 days x 3 hours: 9 hours is adult-typical; 3 x 6 is not."""
    [f] = only(mutated(_set("services[0].hours_per_day", 6)), "services.hours_typical")
    assert "runs 18 hours a week" in f.message


def test_stated_hours_per_week_wins_over_days_times_hours():
    assert findings(mutated(_set("services[0].hours_per_week", 12))) == []


def test_project_population_applies_when_program_gives_none():
    data = mutated(_each(_set("project.populations", ["adolescents"]), _set("project.summary",
                         "establish an outpatient behavioral health care facility for adolescents"),
                         _set("services[0].hours_per_day", 2)))
    assert findings(data) == []      # 6 hours: typical for adolescents, a warning for adults


def test_schedule_missing_days_only():
    data = mutated(_del("services[0].days_per_week"))
    [f] = only(data, "services.schedule")
    assert f.field == "services[0].hours_per_week" and "'Adult Intensive Outpatient Program'" in f.message


def test_php_components():
    data = example()
    data["services"] = [_program("php", 25, components=["group_therapy", "individual_therapy"])]
    [f] = only(data, "services.components")
    assert f.field == "services[0].components"
    assert "does not list medication management, psychiatric evaluation;" in f.message
    data["services"] = [_program("php", 25)]
    assert only(data, "services.components") == []


def test_levels_without_components_are_not_checked():
    data = example()
    data["services"] = [_program("outpatient", 1, components=[])]
    assert findings(data) == []


def test_residential_programs_are_checked_in_clinical_hours():
    data = example()
    data["services"] = [{**_program("residential", 3), "name": "House"}]
    [f] = only(data, "services.hours_band")
    assert f.message.startswith("'House' is declared Residential (ASAM 3.x) but runs 3 clinical hours a week; "
                                "Residential (ASAM 3.x) for adults runs 5 to 168 clinical hours a week.")


def test_band_contains_bounds():
    band = Band(at_least=6, below=20)
    assert band.contains(6) and band.contains(19.99) and not band.contains(20) and not band.contains(5.99)
    assert Band(at_least=6, at_most=20).contains(20)
    assert Band(at_least=9, below=20).describe() == "9 to under 20"
    assert Band(at_least=0.5, at_most=3).describe() == "0.5 to 3"


def test_weekly_hours():
    assert Service(days_per_week=4, hours_per_day=2.5).weekly_hours() == 10
    assert Service(hours_per_week=7, days_per_week=4, hours_per_day=2.5).weekly_hours() == 7
    assert Service(days_per_week=4).weekly_hours() is None


# --- beds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("current, proposed, ok", [(16, 24, True), (16, 17, True), (16, 16, False), (16, 12, False),
                                                    (0, 1, True)])
def test_beds_increase(current, proposed, ok):
    data = example_of_type("increase_beds")
    set_path(data, "project.beds_current", current)
    set_path(data, "project.beds_proposed", proposed)
    assert (only(data, "project.beds_increase") == []) is ok


# --- cross-checks ----------------------------------------------------------------------------

@pytest.mark.parametrize("summary, ok", [
    ("establish an outpatient behavioral health care facility for Adults", True),
    ("establish an adult outpatient mental health clinic", True),
    ("establish an outpatient behavioral health care facility for young people", False),
])
def test_summary_mentions_population(summary, ok):
    assert (only(mutated(_set("project.summary", summary)), "crosscheck.summary_population") == []) is ok


def test_summary_population_any_of_several():
    data = mutated(_each(_set("project.populations", ["adults", "adolescents"]),
                         _set("project.summary", "establish a behavioral health care facility for teens")))
    assert only(data, "crosscheck.summary_population") == []
    set_path(data, "project.summary", "establish a behavioral health care facility")
    [f] = only(data, "crosscheck.summary_population")
    assert "(adults, adolescents)" in f.message


def test_summary_word_must_start_a_word():
    """'badult' does not mention adults; the match is at a word start."""
    data = mutated(_set("project.summary", "establish a badult behavioral health care facility"))
    assert len(only(data, "crosscheck.summary_population")) == 1


def test_facility_type_without_words_is_not_cross_checked():
    data = mutated(_each(_set("project.facility_type", "other"),
                         _set("project.summary", "establish a clinic for adults")))
    assert findings(data) == []


@pytest.mark.parametrize("entity_type, name, ok", [
    ("llc", "Hopewell Health Solutions, LLC", True),
    ("llc", "Hopewell Health Solutions L.L.C.", True),
    ("llc", "hopewell health solutions llc", True),
    ("llc", "Hopewell Health Solutions Limited Liability Company", True),
    ("llc", "Hopewell Health Solutions", False),
    ("llc", "Hopewell Health Solutions, Inc.", False),
    ("llc", "HopewellLLC", False),                      # a suffix must be its own word
    ("corporation", "Shoreline Health, Inc.", True),
    ("corporation", "Shoreline Health Corporation", True),
    ("corporation", "Shoreline Health, LLC", False),
    ("llc", "Hopewell Health Solutions Limited Liability Co.", True),       # every §34-243k designation
    ("llc", "Hopewell Health Solutions Ltd. Liability Company", True),
    ("llc", "Hopewell Health Solutions Ltd. Liability Co.", True),
    ("nonprofit_corporation", "Shoreline Health, Inc.", True),
    ("nonprofit_corporation", "Connecticut Children's Medical Center", True),   # §33-1045 requires no designation
    ("nonprofit_corporation", "Yale New Haven Hospital", True),
    ("limited_partnership", "Shoreline Partners, L.P.", True),
    ("limited_partnership", "Shoreline Partners", False),
    ("government", "Town of East Lyme", True),
    ("other", "Jordan Avery", True),
])
def test_entity_suffix(entity_type, name, ok):
    data = mutated(_each(_set("applicant.entity_type", entity_type), _set("applicant.legal_name", name)))
    found = only(data, "applicant.entity_suffix")
    assert (found == []) is ok
    if not ok:
        assert found[0].citation == next(e.citation for e in PACK.meta.entity_types if e.id == entity_type)


# --- findings order and severity -------------------------------------------------------------

def test_errors_come_before_warnings():
    data = mutated(_each(_set("site.zip", "06103"), _set("site.state", "NY")))
    assert [f.severity for f in findings(data)] == ["error", "warning"]


# --- filing types and their own triggers --------------------------------------------------------

@pytest.mark.parametrize("fte", [8, 8.0, 40])
def test_a_group_practice_of_eight_or_more_physicians_passes_the_size_rule(fte):
    data = example_of_type("group_practice_transfer")
    set_path(data, "project.physician_fte", fte)
    assert only(data, "project.group_practice_size") == []


@pytest.mark.parametrize("current, proposed, added, flagged", [
    (4, 6, None, False), (4, 5, 1, False), (4, 5, None, True), (4, 5, 0, True), (0, 2, None, False)])
def test_operating_rooms_count_the_increase_of_the_three_years_before(current, proposed, added, flagged):
    data = example_of_type("increase_operating_rooms")
    set_path(data, "project.operating_rooms_current", current)
    set_path(data, "project.operating_rooms_proposed", proposed)
    if added is not None:
        set_path(data, "project.operating_rooms_added", added)
    assert bool(only(data, "project.operating_rooms_two_in_three_years")) is flagged


@pytest.mark.parametrize("category, replaces, hospital_based", [
    ("scanner", "no", None), ("linear_accelerator", "no", "no"), ("linear_accelerator", "yes", None),
    ("new_technology", "yes", "yes")])
def test_equipment_that_needs_a_certificate_gets_no_exemption_warning(category, replaces, hospital_based):
    data = example_of_type("equipment_acquisition")
    set_path(data, "project.equipment_category", category)
    set_path(data, "project.equipment_replaces", replaces)
    if hospital_based:
        set_path(data, "project.hospital_based", hospital_based)
    assert [f.rule for f in findings(data)] == []


def test_rules_for_one_filing_type_do_not_run_on_another():
    data = example_of_type("equipment_acquisition")
    data["filing_type"] = "cardiac_services"
    set_path(data, "project.cardiac_service", "an elective percutaneous coronary intervention program")
    set_path(data, "project.equipment_replaces", "yes")       # an equipment answer a cardiac filing does not ask
    assert [f.rule for f in findings(data)] == []


def test_answers_a_type_does_not_ask_give_no_finding():
    data = example_of_type("transfer_of_ownership")
    set_path(data, "project.beds_current", 20)
    set_path(data, "project.beds_proposed", 10)                # would fail project.beds_increase for a bed increase
    set_path(data, "project.equipment_category", "laser")      # would fail form.choice where it is asked
    assert findings(data) == []


def test_a_new_facility_is_not_asked_the_facts_of_other_types():
    asked = {f.path for s in PACK.sections_for("new_facility") for f in s.fields}
    assert {"project.summary", "services", "project.facility_type"} <= asked
    assert not asked & {"project.transferor", "project.transferee", "project.equipment", "project.beds_current",
                        "project.terminated_service", "project.operating_rooms_current", "project.physician_fte"}


@pytest.mark.parametrize("filing_type", ["outpatient_surgical_facility", "freestanding_emergency_department"])
def test_surgical_facilities_and_emergency_departments_list_no_behavioral_health_programs(filing_type):
    assert "services" not in {s.id for s in PACK.sections_for(filing_type)}
    assert findings(example_of_type(filing_type)) == []


@pytest.mark.parametrize("facility_type, required", [
    ("outpatient_behavioral_health", True), ("residential_behavioral_health", True), ("hospital", False),
    ("imaging", False)])
def test_programs_are_required_only_of_a_facility_with_behavioral_health_levels_of_care(facility_type, required):
    data = mutated(_each(_set("project.facility_type", facility_type), _set("services", [])))
    assert (("form.required", "services") in rules_of(data)) is required
