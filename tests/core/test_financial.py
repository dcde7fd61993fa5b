"""The worksheet tables: totals computed from the entries, and the rules that compare them, passing
when the numbers agree (the failing cases are in test_rules.py); the pack's table definitions checked."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from cone.filing.errors import InputError
from cone.packs.loader import FORMS_DIR, load_pack
from cone.rules.checks import CHECKS

from .helpers import PACK, example, findings, set_path

ZZ = Path(__file__).resolve().parents[1] / "data" / "packs" / "zz"
D = Decimal


def test_attachment_two_computes_net_revenue_gain_and_payer_totals():
    table = PACK.tables["attachment_two"]
    cells = {"medicare": {"gross_revenue": D(500), "allowances": D(200), "operating_expense": D(250), "rate": D(90)},
             "medicaid": {"gross_revenue": D(100), "charity_care": D(10)}}
    assert table.cell(cells, "medicare", "net_revenue") == 300
    assert table.cell(cells, "medicare", "gain") == 50
    assert table.cell(cells, "total_government", "net_revenue") == 390
    assert table.cell(cells, "total_all_payers", "gain") == 140
    assert table.cell(cells, "total_all_payers", "rate") is None        # a rate does not add up
    assert table.cell(cells, "commercial", "net_revenue") is None       # nothing entered: blank, not 0


def test_attachment_one_with_column_is_without_plus_incremental_through_computed_rows():
    table = PACK.tables["attachment_one"]
    cells = {"gross_patient_revenue": {"y1_without": D(1000), "y1_incremental": D(400)},
             "allowances": {"y1_without": D(100)}, "salaries_wages": {"y1_incremental": D(500)}}
    assert table.cell(cells, "net_patient_revenue", "y1_with") == 1300
    assert table.cell(cells, "operating_income", "y1_incremental") == -100
    assert table.cell(cells, "operating_income", "y1_with") == 800


def test_a_capital_cost_table_that_adds_up_to_the_notice_amounts_passes():
    data = set_path(example(), "project.total_cost", 12500)
    set_path(data, "financial", {"capital_cost": {"medical_equipment": {"amount": 6000}, "other_purchases": {"amount": 4000},
                                                  "space_fair_market_value": {"amount": 2500}}})
    assert [f.rule for f in findings(data) if f.rule.startswith("financial.")] == []


def test_payer_rows_that_add_up_to_attachment_one_pass_for_every_year():
    data = set_path(example(), "financial", {
        "attachment_one": {"gross_patient_revenue": {"y1_incremental": 900, "y3_incremental": 10}, "allowances": {"y1_incremental": 250}},
        "attachment_two": {"y1": {"medicare": {"gross_revenue": 500, "allowances": 200}, "uninsured": {"gross_revenue": 400, "allowances": 50}},
                           "y3": {"commercial": {"gross_revenue": 10}}}})
    assert [f.rule for f in findings(data) if f.rule.startswith("financial.")] == []


@pytest.mark.parametrize("shares", [[60, 30, 10], [33.33, 33.33, 33.33], []])
def test_a_payer_mix_adding_up_to_100_percent_within_rounding_passes(shares):
    rows = [{"payer": p, "current_percent": s, "projected_percent": s}
            for p, s in zip(("medicare", "medicaid", "commercial"), shares)]
    data = set_path(example(), "payer_mix", rows)
    assert [f for f in findings(data) if f.rule == "payer_mix.total"] == []


def test_both_payer_mix_columns_are_checked_each_on_its_own():
    data = set_path(example(), "payer_mix", [{"payer": "medicare", "current_percent": 100, "projected_percent": 80}])
    assert [f.field for f in findings(data) if f.rule == "payer_mix.total"] == ["payer_mix.projected_percent"]


def test_the_second_pack_has_its_own_table_and_rows():
    pack = load_pack(ZZ, CHECKS)
    assert [r.id for r in pack.tables["capital_cost"].rows] == ["equipment", "building", "capital_expenditure"]


def _pack_with(tmp_path: Path, old: str, new: str) -> Path:
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    path = pack_dir / "financial.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return pack_dir


@pytest.mark.parametrize(("old", "new", "says"), [
    ("plus: [operating_income, non_operating_income]", "plus: [net_income]", "part of its own total"),
    ("plus: [inpatient_discharges, outpatient_visits]", "plus: [inpatient_discharges, er_visits]", "unknown row 'er_visits'"),
    ("rows_from: payers", "rows_from: insurers", "unknown vocabulary 'insurers'"),
    ("id: attachment_one", "id: attachment_three", "no financial.attachment_three"),
])
def test_a_pack_table_with_a_bad_reference_is_refused_naming_the_file(tmp_path, old, new, says):
    with pytest.raises(InputError) as caught:
        load_pack(_pack_with(tmp_path, old, new), CHECKS)
    assert says in str(caught.value)
    assert "financial.yaml" in str(caught.value.source)
