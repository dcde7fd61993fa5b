"""The redline between two versions (page and PDF) and reads in the audit trail."""
from __future__ import annotations

import copy
import csv
import io

import pikepdf
import pytest

from conftest import csrf

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _put(app, token, filing_id: int, document: dict) -> None:
    assert app.test_client().put(f"/api/v1/filings/{filing_id}", json=document, headers=token()).status_code == 200


def _changed(example: dict) -> dict:
    new = copy.deepcopy(example)
    new["project"]["capital_expenditure"] = 12500
    new["project"]["populations"] = ["adults", "adolescents"]
    new["site"]["street"] = "250 Flanders Road"
    new["utilization"] = [{"service": "IOP", "year": "FY2024", "volume": 1200, "unit": "visits"}]
    return new


def test_money_shows_as_money_old_to_new_and_text_word_by_word(app, login, token, example, filing_id):
    _put(app, token, filing_id, _changed(example))
    html = login("legal").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "<del>$10,000</del> → <ins>$12,500</ins>" in html
    assert "10000" not in html.split("Notice redline")[0].split("Answers that changed")[1]
    assert "<del>248</del><ins>250</ins> Flanders Road" in html


def test_a_list_is_redlined_item_by_item_and_a_table_row_by_row(app, login, token, example, filing_id):
    _put(app, token, filing_id, _changed(example))
    html = login("legal").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "Adults; <ins>Adolescents" in html
    table = html[html.index("<h4>Utilization by service</h4>"):]
    assert "Row 1 (added)" in table and "<ins>1,200</ins>" in table and "<ins>IOP</ins>" in table


def test_unchanged_answers_are_not_listed(app, login, token, example, filing_id):
    new = copy.deepcopy(example)
    new["site"]["street"] = "250 Flanders Road"
    _put(app, token, filing_id, new)
    html = login("legal").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "Street address" in html and "Total capital expenditure" not in html and "Populations served" not in html


def test_the_notice_is_redlined_word_by_word(app, login, token, example, filing_id):
    _put(app, token, filing_id, _changed(example))
    html = login("legal").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    notice = html[html.index("Notice redline"):]
    assert "<del>248</del><ins>250</ins> Flanders Road" in notice and "<del>$10,000.</del><ins>$12,500.</ins>" in notice


def _two_more_versions(app, token, filing_id: int, example: dict) -> None:
    """Version 2 moves the street, version 3 raises the capital expenditure."""
    second = copy.deepcopy(example)
    second["site"]["street"] = "250 Flanders Road"
    _put(app, token, filing_id, second)
    third = copy.deepcopy(second)
    third["project"]["capital_expenditure"] = 12500
    _put(app, token, filing_id, third)


def test_the_default_is_since_the_version_the_user_last_reviewed(app, login, token, example, filing_id):
    legal = login("legal")
    assert legal.post(f"/filings/{filing_id}/comments", data={
        "csrf_token": csrf(legal, "/account"), "field": "", "body": "Looks right."}).status_code == 303   # on version 1
    _two_more_versions(app, token, filing_id, example)
    html = legal.get(f"/filings/{filing_id}/diff").get_data(as_text=True)
    assert "version 1 → version 3" in html and "the version you last reviewed" in html
    assert "<del>248</del><ins>250</ins>" in html and "<ins>$12,500</ins>" in html


def test_without_a_review_the_default_is_the_last_two_saves(app, login, token, example, filing_id):
    _two_more_versions(app, token, filing_id, example)
    html = login("legal").get(f"/filings/{filing_id}/diff").get_data(as_text=True)
    assert "version 2 → version 3" in html and "last reviewed" not in html
    assert "<ins>$12,500</ins>" in html and "<del>248</del>" not in html.split("Notice redline")[0]


def test_bad_or_unknown_versions_are_refused_with_a_message(login, filing_id):
    client = login("legal")
    response = client.get(f"/filings/{filing_id}/diff?a=one&b=2")
    assert response.status_code == 400 and "version numbers" in response.get_data(as_text=True)
    assert client.get(f"/filings/{filing_id}/diff?a=1&b=9").status_code == 404
    assert client.get(f"/filings/{filing_id}/redline.pdf?a=1&b=9").status_code == 404


def test_the_redline_downloads_as_a_pdf_with_the_same_changes(app, login, token, example, filing_id):
    _put(app, token, filing_id, _changed(example))
    response = login("legal").get(f"/filings/{filing_id}/redline.pdf?a=1&b=2")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment; filename=filing-" in response.headers["Content-Disposition"]
    with pikepdf.open(io.BytesIO(response.get_data())) as pdf:
        assert len(pdf.pages) >= 1
    text = _pdf_text(response.get_data())
    assert "$12,500" in text and "$10,000" in text and "250 Flanders Road" in text.replace("\n", " ")


def _pdf_text(data: bytes) -> str:
    import subprocess
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_only_the_filings_organization_may_see_its_redline(app, login, filing_id):
    for path in (f"/filings/{filing_id}/diff", f"/filings/{filing_id}/redline.pdf"):
        assert login("administrator", "other").get(path).status_code == 404
        anonymous = app.test_client().get(path)
        assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]


def _audit_rows(client, filing_id: int) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(f"/filings/{filing_id}/audit.csv").get_data(as_text=True))))


def test_a_download_of_filing_json_is_in_the_audit_trail_with_who_what_and_version(login, filing_id):
    legal = login("legal")
    assert legal.get(f"/filings/{filing_id}/filing.json").status_code == 200
    rows = _audit_rows(login("compliance"), filing_id)
    assert ["legal@hopewell.test", "read", "filing.json; version 1"] in [r[1:] for r in rows]


def test_a_failed_download_is_no_read(login, filing_id):
    client = login("legal")
    assert client.get(f"/filings/{filing_id}/exhibits/999999").status_code == 404
    assert not any(r[2] == "read" and "exhibit" in r[3] for r in _audit_rows(client, filing_id))


def test_reads_are_hidden_on_the_audit_page_by_default_and_shown_on_request(login, token, app, filing_id):
    legal = login("legal")
    legal.get(f"/filings/{filing_id}")                                       # the overview
    legal.get(f"/filings/{filing_id}/notice.txt")
    app.test_client().get(f"/api/v1/filings/{filing_id}", headers=token("compliance"))
    admin = login()
    hidden = admin.get(f"/filings/{filing_id}/audit").get_data(as_text=True)
    assert "overview; version 1" not in hidden and "created" in hidden and 'name="reads"' in hidden
    shown = admin.get(f"/filings/{filing_id}/audit?reads=1").get_data(as_text=True)
    assert "overview; version 1" in shown and "notice (text); version 1" in shown
    assert f"API /api/v1/filings/{filing_id}; version 1" in shown and "compliance@hopewell.test" in shown


def test_the_audit_pages_with_reads_keep_the_filter_from_page_to_page(login, filing_id):
    legal = login("legal")
    for _ in range(30):
        legal.get(f"/filings/{filing_id}/filing.json")
    page = legal.get(f"/filings/{filing_id}/audit?reads=1").get_data(as_text=True)
    assert "Page 1 of 2" in page and "reads=1&amp;page=2" in page.replace("page=2&amp;reads=1", "reads=1&amp;page=2")
    assert "Page 2" not in legal.get(f"/filings/{filing_id}/audit").get_data(as_text=True)


def test_a_read_is_not_a_change_to_the_filing(app, login, token, filing_id):
    api = app.test_client()
    before = api.get("/api/v1/filings", headers=token()).get_json()
    login("legal").get(f"/filings/{filing_id}/filing.json")
    after = api.get("/api/v1/filings", headers=token()).get_json()
    assert before == after                       # updated_at (and the list's order) stay as they were


def test_an_exhibit_download_is_a_read_and_an_upload_is_not(app, login, filing_id):
    from cone.web.extensions import db
    from cone.web.models import Exhibit
    from conftest import tiny_pdf
    admin = login()
    assert admin.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": csrf(admin, "/account"), "exhibit": (io.BytesIO(tiny_pdf()), "plan.pdf")},
        content_type="multipart/form-data").status_code == 303
    with app.app_context():
        exhibit_id = db.session.scalar(db.select(Exhibit.id).filter_by(filing_id=filing_id))
    assert not any(r[2] == "read" and r[3].startswith("exhibit") for r in _audit_rows(admin, filing_id))
    legal = login("legal")
    assert legal.get(f"/filings/{filing_id}/exhibits/{exhibit_id}").status_code == 200
    reads = [r[1:] for r in _audit_rows(admin, filing_id) if r[2] == "read" and r[3].startswith("exhibit")]
    assert len(reads) == 1 and reads[0][0] == "legal@hopewell.test" and reads[0][2].startswith(f"exhibit {exhibit_id}; version ")
