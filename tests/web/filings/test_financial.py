"""The financial worksheet pages: a table saved from the form with its totals, a bad cell refused by
name with nothing saved, the workbook downloaded, edited and imported, a bad workbook refused by
sheet and cell, and the routes' permissions."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from cone.filing.parser import loads

from conftest import csrf


def latest(client, filing_id: int):
    return loads(client.get(f"/filings/{filing_id}/filing.json").data.decode())


def page(filing_id: int, table: str = "capital_cost") -> str:
    return f"/filings/{filing_id}/financial/{table}"


def version_of(client, path: str) -> str:
    html = client.get(path).data.decode()
    return html.split('name="version" value="', 1)[1].split('"', 1)[0]


def upload(client, filing_id: int, data: bytes, name: str = "worksheet.xlsx"):
    path = page(filing_id)
    return client.post(f"/filings/{filing_id}/financial/import", content_type="multipart/form-data", data={
        "csrf_token": csrf(client, path), "version": version_of(client, path), "workbook": (io.BytesIO(data), name)})


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_table_saved_from_the_form_keeps_its_entries_and_shows_its_totals(login, filing_id):
    client = login()
    path = page(filing_id)
    response = client.post(path, data={"csrf_token": csrf(client, path), "version": version_of(client, path),
                                       "medical_equipment.amount": "6,000", "other_purchases.amount": "4000"})
    assert response.status_code == 302
    assert latest(client, filing_id).financial.capital_cost == {"medical_equipment": {"amount": Decimal(6000)},
                                                                "other_purchases": {"amount": Decimal(4000)}}
    html = client.get(path).data.decode()
    assert 'data-cell="capital_expenditure.amount"' in html and ">10000<" in html


def test_a_bad_cell_is_refused_by_name_and_nothing_is_saved(login, filing_id):
    client = login()
    path = page(filing_id, "attachment_two")
    response = client.post(path, data={"csrf_token": csrf(client, path), "version": version_of(client, path),
                                       "y2.medicaid.units": "lots", "y1.medicare.units": "5"})
    assert response.status_code == 422
    html = response.data.decode()
    assert "Medicaid, Units (Year 2): &#39;lots&#39; is not a number" in html and 'href="#cell-y2.medicaid.units"' in html
    assert latest(client, filing_id).financial is None


def test_the_workbook_round_trips_through_excel(login, filing_id):
    client = login()
    path = page(filing_id)
    client.post(path, data={"csrf_token": csrf(client, path), "version": version_of(client, path),
                            "medical_equipment.amount": "6000"})
    data = client.get(f"/filings/{filing_id}/financial.xlsx").data
    book = load_workbook(io.BytesIO(data))
    row = next(r for r in book["Capital cost"].iter_rows() if r[0].value == "Medical equipment purchase")
    row[1].value = 9000
    response = upload(client, filing_id, saved(book))
    assert response.status_code == 302
    assert latest(client, filing_id).financial.capital_cost == {"medical_equipment": {"amount": Decimal(9000)}}


def test_a_bad_workbook_is_refused_naming_sheet_and_cell_and_nothing_is_saved(login, filing_id):
    client = login()
    book = load_workbook(io.BytesIO(client.get(f"/filings/{filing_id}/financial.xlsx").data))
    row = next(r for r in book["Attachment I"].iter_rows() if r[0].value == "Interest expense")
    row[2].value = "n/a"
    response = upload(client, filing_id, saved(book))
    assert response.status_code == 422
    html = response.data.decode()
    assert "<td>Attachment I</td><td>" + row[2].coordinate + "</td>" in html
    assert latest(client, filing_id).financial is None


def test_a_file_that_is_not_a_workbook_is_refused_before_it_is_opened(login, filing_id):
    response = upload(login(), filing_id, b"%PDF-1.7", "worksheet.pdf")
    assert response.status_code == 422 and b"must be an .xlsx file" in response.data


def test_saving_needs_the_edit_permission_and_the_csrf_token(login, filing_id):
    reader = login("legal")
    path = page(filing_id)
    assert reader.get(path).status_code == 200
    assert reader.post(path, data={"csrf_token": csrf(reader, path), "version": "1",
                                   "medical_equipment.amount": "1"}).status_code == 403
    admin = login()
    assert admin.post(path, data={"version": "1", "medical_equipment.amount": "1"}).status_code == 400
    assert latest(admin, filing_id).financial is None


def test_an_unknown_table_is_not_found(login, filing_id):
    assert login().get(page(filing_id, "attachment_nine")).status_code == 404
