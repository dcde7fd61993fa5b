"""The financial worksheet through Excel: exported, edited with openpyxl as a finance team would in
Excel, read back with the numbers; a bad cell is refused by sheet and cell, and nothing is kept."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cone.documents.worksheet import WorkbookError, read_workbook, write_workbook
from cone.filing.models import Financial

from .helpers import PACK

FILLED = Financial.model_validate({
    "capital_cost": {"medical_equipment": {"amount": Decimal("6000")}, "space_fair_market_value": {"amount": Decimal("2500.50")}},
    "attachment_one": {"gross_patient_revenue": {"actual": Decimal(1000000), "y1_incremental": Decimal(250000)},
                       "salaries_wages": {"y2_without": Decimal("-12.25")}},
    "attachment_two": {"y1": {"medicare": {"rate": Decimal("120.50"), "units": Decimal(300), "gross_revenue": Decimal(36150)}}},
    "funding_sources": [{"source": "Cash on hand", "amount": Decimal(8500), "terms": None}],
})


def edited(data: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def find(data: bytes, sheet: str, label: str, heading: str, block: str | None = None) -> str:
    """The cell of the row labelled `label` under the column headed `heading` (in a year's block)."""
    rows = list(load_workbook(io.BytesIO(data))[sheet].iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == block) if block else 0
    header = next(r for r in rows[start:] if any(c.value == heading for c in r))
    column = next(c.column_letter for c in header if c.value == heading)
    row = next(r for r in rows[start:] if r[0].value == label)
    return f"{column}{row[0].row}"


def test_an_exported_workbook_reads_back_to_the_same_answers():
    assert read_workbook(write_workbook(FILLED, PACK), PACK) == FILLED


def test_a_cell_edited_in_the_workbook_comes_back_as_the_new_number():
    data = write_workbook(FILLED, PACK)
    cell = find(data, "Attachment I", "Supplies and drugs", "Year 3 incremental")
    back = read_workbook(edited(data, "Attachment I", cell, 4321.5), PACK)
    assert back.attachment_one["supplies_drugs"]["y3_incremental"] == Decimal("4321.50")
    assert back.attachment_one["gross_patient_revenue"] == FILLED.attachment_one["gross_patient_revenue"]
    cell = find(data, "Attachment II", "Medicaid", "Units", block="Year 2")
    assert read_workbook(edited(data, "Attachment II", cell, 40), PACK).attachment_two["y2"] == {"medicaid": {"units": 40}}


def test_totals_are_formulas_over_the_entered_cells_and_are_not_read_back():
    data = write_workbook(FILLED, PACK)
    cell = find(data, "Capital cost", "Total capital expenditure", "Amount ($)")
    assert str(load_workbook(io.BytesIO(data))["Capital cost"][cell].value).startswith("=B")
    assert read_workbook(edited(data, "Capital cost", cell, 99), PACK) == FILLED


def test_a_text_in_a_number_cell_is_refused_naming_the_sheet_and_cell():
    data = write_workbook(FILLED, PACK)
    cell = find(data, "Attachment I", "Interest expense", "Year 1 without CON")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(edited(data, "Attachment I", cell, "about 5k"), PACK)
    assert [(p.sheet, p.cell) for p in caught.value.problems] == [("Attachment I", cell)]
    assert "'about 5k' is not a number" in str(caught.value) and "Interest expense" in str(caught.value)


@pytest.mark.parametrize(("value", "says"), [(0.001, "whole cents"), (10.0 ** 13, "within")])
def test_an_amount_out_of_range_is_refused_with_the_reason(value, says):
    data = write_workbook(None, PACK)
    cell = find(data, "Capital cost", "Other purchases", "Amount ($)")
    with pytest.raises(WorkbookError, match=says):
        read_workbook(edited(data, "Capital cost", cell, value), PACK)


def test_a_moved_row_is_refused_naming_the_label_cell():
    data = write_workbook(FILLED, PACK)
    cell = find(data, "Attachment I", "Malpractice", "Year 1 without CON")
    label = "A" + cell[1:]
    with pytest.raises(WorkbookError) as caught:
        read_workbook(edited(data, "Attachment I", label, "Insurance"), PACK)
    assert [(p.sheet, p.cell) for p in caught.value.problems] == [("Attachment I", label)]


def test_a_negative_funding_amount_is_refused():
    data = write_workbook(FILLED, PACK)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(edited(data, "Funding sources", "B5", -5), PACK)
    assert [(p.sheet, p.cell) for p in caught.value.problems] == [("Funding sources", "B5")]


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a workbook", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_refused_in_words(data):
    with pytest.raises(WorkbookError, match="not an .xlsx workbook"):
        read_workbook(data, PACK)
