"""The notice linter's pages: a pasted notice gets its report with the spans marked and every
pasted character escaped; empty and oversized input get the error summary; the form needs its
CSRF token; the filing-bound page compares with the filing and is 404 to other organizations."""
from __future__ import annotations

import re
from html import unescape

import pytest
from conftest import csrf
from example_filing import EXAMPLE

from cone.web.filings.notice_lint import MAX_CHARS


@pytest.fixture
def seed_notice() -> str:
    return EXAMPLE.with_name("hopewell-east-lyme.notice.txt").read_text(encoding="utf-8")


def post(client, path: str, text: str):
    return client.post(path, data={"notice": text, "csrf_token": csrf(client, path)})


def marks(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind, piece in re.findall(r'<mark class="lint lint-([a-z_]+)">(.*?)</mark>', html, re.S):
        found.setdefault(kind, []).append(unescape(piece))
    return found


def test_a_signed_in_user_sees_the_seed_notice_with_all_elements_marked(login, seed_notice):
    client = login("compliance")
    page = client.get("/filings/notice/lint")
    assert page.status_code == 200 and 'name="notice"' in page.get_data(as_text=True)
    response = post(client, "/filings/notice/lint", seed_notice)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "All 4 elements are present." in html
    assert marks(html)["address"] == ["248 Flanders Road, East Lyme"]
    assert marks(html)["capital_expenditure"] == ["capital expenditure of $10,000"]


def test_the_page_needs_a_sign_in(app):
    response = app.test_client().get("/filings/notice/lint")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_a_missing_element_is_listed_with_what_to_add(login, seed_notice):
    client = login()
    html = post(client, "/filings/notice/lint", seed_notice.replace(" at 248 Flanders Road, East Lyme", "")) \
        .get_data(as_text=True)
    assert "1 of 4 elements missing" in html and "Give the street address where the project is to be located" in html


@pytest.mark.parametrize("text, message", [
    ("", "Paste the text of the notice"),
    ("   \n ", "Paste the text of the notice"),
    ("x" * (MAX_CHARS + 1), "The notice is too long"),
])
def test_empty_or_oversized_input_gets_the_error_summary_and_keeps_the_text(login, text, message):
    client = login()
    response = post(client, "/filings/notice/lint", text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and f'<a href="#f-notice">{message}' in html
    assert 'id="f-notice"' in html and "What the notice holds" not in html
    if text.strip():
        assert text in html


def test_a_post_without_the_csrf_token_is_refused(login, seed_notice):
    client = login()
    response = client.post("/filings/notice/lint", data={"notice": seed_notice})
    assert response.status_code == 400 and "What the notice holds" not in response.get_data(as_text=True)


def test_pasted_markup_is_escaped_never_rendered(login, seed_notice):
    client = login()
    evil = seed_notice.replace("248 Flanders Road", "248 Flanders Road<script>alert(1)</script>") + \
        '\n<img src=x onerror="alert(2)"> <b>bold</b>'
    html = post(client, "/filings/notice/lint", evil).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_hearing_notice_is_named_as_one(login):
    text = ("Office of Health Strategy. Notice of public hearing. Docket Number: 25-32801-CON. The Office of "
            "Health Strategy will hold a public hearing on the application of Hopewell Health Solutions, LLC.")
    html = post(login(), "/filings/notice/lint", text).get_data(as_text=True)
    assert "not an applicant&#39;s notice" in html and "elements missing" not in html


def test_on_a_filing_the_notice_is_compared_with_its_facts(login, filing_id, seed_notice):
    client = login("legal")
    path = f"/filings/{filing_id}/notice/lint"
    assert post(client, path, seed_notice).get_data(as_text=True).count("agree with this filing") == 2
    html = post(client, path, seed_notice.replace("$10,000", "$12,000")).get_data(as_text=True)
    assert "1 difference from this filing" in html
    assert "The notice gives the capital expenditure as $12,000; the filing has $10,000." in html


def test_the_overview_links_to_the_filing_bound_page(login, filing_id):
    html = login().get(f"/filings/{filing_id}").get_data(as_text=True)
    assert f'href="/filings/{filing_id}/notice/lint"' in html


def test_a_user_of_another_organization_gets_404_for_the_filing_bound_page(login, filing_id, seed_notice):
    client = login("administrator", "other")
    assert client.get(f"/filings/{filing_id}/notice/lint").status_code == 404
    token = csrf(client, "/filings/notice/lint")
    response = client.post(f"/filings/{filing_id}/notice/lint", data={"notice": seed_notice, "csrf_token": token})
    assert response.status_code == 404 and "Hopewell Health Solutions" not in response.get_data(as_text=True)
