"""The newspaper's copy on the web: the page of formats, the styled notice page shown or
downloaded, the text and Word copies with the heading on request, the insertion request PDF,
each read in the audit trail and refused to other organizations."""
from __future__ import annotations

import csv
import io

import docx
import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_newspaper_page_offers_every_format_and_names_the_run_dates(login, filing_id):
    page = login("compliance").get(f"/filings/{filing_id}/newspaper").get_data(as_text=True)
    assert "The Day" in page and "Monday, June 2, 2025" in page and "Jordan Avery" in page
    for path in ("notice.html", "notice.txt", "notice.docx", "insertion-request.pdf"):
        assert f"/filings/{filing_id}/{path}" in page
    assert 'name="heading" value="1"' in page and "LEGAL NOTICE" in page
    assert f"/filings/{filing_id}/newspaper" in login().get(f"/filings/{filing_id}").get_data(as_text=True)


def test_the_notice_page_previews_in_the_browser_with_its_stylesheet_linked(login, filing_id):
    response = login("legal").get(f"/filings/{filing_id}/notice.html")
    page = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == "inline" and response.mimetype == "text/html"
    assert '/static/notice.css' in page and "<style>" not in page      # the page's policy forbids inline styles
    assert '<p class="cone-notice">Notice is hereby given' in page and "LEGAL NOTICE" not in page


def test_the_downloaded_notice_page_carries_its_stylesheet_and_the_heading_when_asked(login, filing_id):
    response = login("legal").get(f"/filings/{filing_id}/notice.html?download=1&heading=1")
    page = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == f"attachment; filename=filing-{filing_id}-notice.html"
    assert "<style>" in page and ".cone-notice" in page and "/static/" not in page
    assert 'font-family: "Times New Roman"' in page             # the stylesheet is inlined unescaped
    assert '<h1 class="notice-heading">LEGAL NOTICE</h1>' in page


def test_the_text_copy_has_the_heading_only_on_request(login, filing_id):
    client = login("legal")
    plain = client.get(f"/filings/{filing_id}/notice.txt").get_data(as_text=True)
    headed = client.get(f"/filings/{filing_id}/notice.txt?heading=1").get_data(as_text=True)
    assert plain.startswith("Notice is hereby given") and headed == "LEGAL NOTICE\n\n" + plain


def test_the_word_copy_opens_in_word_with_the_notice(login, filing_id):
    response = login("legal").get(f"/filings/{filing_id}/notice.docx?heading=1")
    assert response.mimetype == DOCX
    assert response.headers["Content-Disposition"] == f"attachment; filename=filing-{filing_id}-notice.docx"
    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs]
    assert paragraphs[0] == "LEGAL NOTICE" and "Hopewell Health Solutions, LLC is applying" in paragraphs[1]


def test_user_text_is_escaped_in_the_notice_page(app, login, token, example):
    example["applicant"]["legal_name"] = "<script>alert(1)</script> LLC"
    filing = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    page = login("legal").get(f"/filings/{filing}/notice.html").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; LLC" in page


def test_the_insertion_request_is_a_one_page_pdf_of_the_filing_facts(login, filing_id):
    response = login("compliance").get(f"/filings/{filing_id}/insertion-request.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert "in The Day on three consecutive days" in text and "Tuesday, June 3, 2025" in text
    assert "Please send the invoice to" in text and "jordan.avery@example.org" in text


def test_each_copy_downloaded_is_a_read_in_the_audit_trail(login, filing_id):
    legal = login("legal")
    assert legal.get(f"/filings/{filing_id}/notice.docx").status_code == 200
    assert legal.get(f"/filings/{filing_id}/insertion-request.pdf").status_code == 200
    rows = [r[1:] for r in csv.reader(io.StringIO(login("compliance").get(f"/filings/{filing_id}/audit.csv")
                                                  .get_data(as_text=True)))]
    assert ["legal@hopewell.test", "read", "notice (Word); version 1"] in rows
    assert ["legal@hopewell.test", "read", "insertion request (PDF); version 1"] in rows


@pytest.mark.parametrize("path", ["newspaper", "notice.html", "notice.docx", "insertion-request.pdf"])
def test_another_organization_cannot_see_the_newspaper_copy(login, filing_id, path):
    assert login("compliance", org="other").get(f"/filings/{filing_id}/{path}").status_code == 404
