"""Exhibits: uploads checked by the PDF package, downloads under their own names."""
from __future__ import annotations

import io

import pikepdf
import pytest

from conftest import csrf
from cone.web.extensions import db
from cone.web.models import Exhibit

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

pdf = pytest.importorskip("cone.pdf")


def _tiny_pdf() -> bytes:
    out = io.BytesIO()
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(out)
    return out.getvalue()


def test_exhibit_upload_accepts_a_pdf_and_refuses_anything_else(app, login, filing_id):
    client = login()
    token = csrf(client, "/account")
    ok = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(_tiny_pdf()), "site-plan.pdf")}, content_type="multipart/form-data")
    assert "Exhibit site-plan.pdf uploaded" in client.get(ok.headers["Location"]).get_data(as_text=True)
    bad = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(b"MZ not a pdf"), "virus.pdf")}, content_type="multipart/form-data")
    page = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Not uploaded" in page and "virus.pdf" not in page.split("Exhibits</h2>")[1].split("</table>")[0]


def test_uploads_over_the_limit_are_413(app, login, filing_id):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = login()
    response = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": "x", "exhibit": (io.BytesIO(b"%PDF" + b"0" * 4096), "big.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_request_limit_admits_the_largest_exhibit(app):
    assert app.config["MAX_CONTENT_LENGTH"] > pdf.MAX_EXHIBIT_BYTES


def test_an_exhibit_named_in_any_script_downloads_under_its_name(app, login, filing_id):
    client = login()
    token = csrf(client, "/account")
    client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(_tiny_pdf()), "Доказательство публикации.pdf")},
        content_type="multipart/form-data")
    with app.app_context():
        exhibit_id = db.session.scalars(db.select(Exhibit.id).filter_by(filing_id=filing_id)).one()
    response = client.get(f"/filings/{filing_id}/exhibits/{exhibit_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "UTF-8''" in disposition
    assert client.get(f"/filings/{filing_id}/exhibits/{exhibit_id + 1}").status_code == 404
