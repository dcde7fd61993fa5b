"""Approval means what it says: an attested approval of one version; any change after it returns
the filing to draft, and the final PDF needs the approved version. Requesting changes needs items."""
from __future__ import annotations

import csv
import io
import re

import subprocess

import pytest

from conftest import csrf, tiny_pdf
from cone.pdf.render import fragment
from cone.web.extensions import db
from cone.web.models import Approval, Comment, FilingRecord, RenderJob
from cone.web.rendering.jobs import render

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _version(client, filing_id: int) -> str:
    return re.search(r"· version (\d+) ·", client.get(f"/filings/{filing_id}").get_data(as_text=True)).group(1)


def _post(client, filing_id: int, endpoint: str, **data):
    data.setdefault("version", _version(client, filing_id))
    return client.post(f"/filings/{filing_id}/{endpoint}", data={"csrf_token": csrf(client, "/account"), **data})


def _approved(login, filing_id: int):
    admin, legal = login(), login("legal")
    assert _post(admin, filing_id, "submit", action="submit").status_code == 303
    assert _post(legal, filing_id, "review", action="approve", attest="yes").status_code == 303
    return admin, legal


def _status(app, filing_id: int) -> str:
    with app.app_context():
        return db.session.get(FilingRecord, filing_id).status


def _audit(client, filing_id: int) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(f"/filings/{filing_id}/audit.csv").get_data(as_text=True))))


def test_approving_without_the_attestation_is_refused_at_the_checkbox(app, login, filing_id):
    admin, legal = login(), login("legal")
    _post(admin, filing_id, "submit", action="submit")
    response = _post(legal, filing_id, "review", action="approve")
    assert response.status_code == 303 and response.headers["Location"].endswith("#approve-attest")
    page = legal.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="approve-attest-error"' in page and "tick the box to confirm" in page
    assert _status(app, filing_id) == "in_review"


def test_an_approval_records_who_approved_which_version_and_shows_it(app, login, filing_id):
    _, legal = _approved(login, filing_id)
    with app.app_context():
        approval = db.session.scalar(db.select(Approval).filter_by(filing_id=filing_id))
        assert (approval.version, approval.reviewer_email, approval.role) == (1, "legal@hopewell.test", "Legal reviewer")
        assert approval.withdrawn_at is None
    page = login("compliance").get(f"/filings/{filing_id}").get_data(as_text=True)
    attestation = page[page.index('id="attestation"'):]
    assert "version 1" in attestation[:400] and "legal@hopewell.test" in attestation[:400]


def test_a_facts_save_through_the_api_after_approval_returns_to_draft_and_refuses_the_final_pdf(
        app, login, token, example, filing_id):
    admin, _ = _approved(login, filing_id)
    headers = token("compliance")
    assert app.test_client().get(f"/api/v1/filings/{filing_id}/pdf?final=true", headers=headers).status_code == 202
    example["site"]["street"] = "250 Flanders Road"
    response = app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token())
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    refused = app.test_client().get(f"/api/v1/filings/{filing_id}/pdf?final=true", headers=headers)
    assert refused.status_code == 409
    assert "approval of version 1 was withdrawn because version 2 changed it after approval" in refused.get_json()["error"]["message"]
    assert [r["action"] for r in _audit(admin, filing_id) if r["action"] != "read"][-2:] == ["approval_withdrawn", "saved"]
    page = admin.get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)
    assert "Back to draft" in page and "the approval of version 1 was withdrawn" in page


def test_an_exhibit_added_after_approval_returns_to_draft_until_approved_again(app, login, filing_id):
    admin, legal = _approved(login, filing_id)
    compliance = login("compliance")
    uploaded = admin.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": csrf(admin, "/account"), "exhibit": (io.BytesIO(tiny_pdf()), "late.pdf")},
        content_type="multipart/form-data")
    page = admin.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "late.pdf uploaded as Exhibit A" in page and "Back to draft" in page and "exhibit added: A, late.pdf" in page
    assert _status(app, filing_id) == "draft"
    refused = _post(compliance, filing_id, "pdf", kind="final")
    assert refused.status_code == 303
    assert "Not made: the final PDF needs an approved version" in compliance.get(refused.headers["Location"]).get_data(as_text=True)
    _post(admin, filing_id, "submit", action="submit")
    _post(legal, filing_id, "review", action="approve", attest="yes")
    assert _post(compliance, filing_id, "pdf", kind="final").headers["Location"].split("#")[0].count("/jobs/") == 1


def test_removing_an_exhibit_after_approval_returns_to_draft(app, login, filing_id):
    admin = login()
    admin.post(f"/filings/{filing_id}/exhibits", data={"csrf_token": csrf(admin, "/account"),
               "exhibit": (io.BytesIO(tiny_pdf()), "a.pdf")}, content_type="multipart/form-data")
    _approved(login, filing_id)
    with app.app_context():
        exhibit_id = db.session.scalar(db.select(db.text("id FROM exhibits")))
    admin.post(f"/filings/{filing_id}/exhibits/{exhibit_id}/delete", data={"csrf_token": csrf(admin, "/account")})
    assert _status(app, filing_id) == "draft"


def _pdf_text(app, client, headers, filing_id: int, final: bool) -> str:
    job_id = client.get(f"/api/v1/filings/{filing_id}/pdf?final={'true' if final else 'false'}", headers=headers).get_json()["job"]
    with app.app_context():
        render(job_id)
        data = db.session.get(RenderJob, job_id).pdf
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_final_pdf_ends_with_the_sign_off_page_and_the_draft_has_none(app, login, token, filing_id):
    client, headers = app.test_client(), token("compliance")
    assert "REVIEW SIGN-OFF" not in _pdf_text(app, client, headers, filing_id, final=False)
    _approved(login, filing_id)
    text = _pdf_text(app, client, headers, filing_id, final=True)
    last = text.split("\f")[-2]      # (the text ends with a form feed)
    assert "REVIEW SIGN-OFF" in last and "legal@hopewell.test" in last and "Legal reviewer" in last
    assert re.search(r"Version approved\s+1", last)


def test_the_sign_off_page_escapes_the_reviewers_name():
    html = fragment("signoff.html", {"title": "Review sign-off", "reviewer_name": "Lee <b>", "reviewer_email": "l@x",
                                     "role": "Legal reviewer", "approved_at": "now", "version": 3, "note": "",
                                     "exhibits": [{"letter": "A", "name": "Site plan"}]})
    assert "Lee &lt;b&gt;" in html and "approved version 3" in html and "Exhibit A: Site plan" in html


def test_an_empty_change_request_is_refused_at_its_field(app, login, filing_id):
    admin, legal = login(), login("legal")
    _post(admin, filing_id, "submit", action="submit")
    response = _post(legal, filing_id, "review", action="request_changes", comment="  \n ")
    assert response.headers["Location"].endswith("#request_changes-comment")
    page = legal.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="request_changes-comment-error"' in page and "say what needs to change" in page
    assert _status(app, filing_id) == "in_review"


def test_a_change_request_becomes_open_items_and_resubmitting_says_how_many_are_resolved(app, login, filing_id):
    admin, legal = login(), login("legal")
    _post(admin, filing_id, "submit", action="submit")
    _post(legal, filing_id, "review", action="request_changes",
          comment="- Add the program hours\n2. Name the medical director\n\n* Attach the site plan")
    page = admin.get(f"/filings/{filing_id}").get_data(as_text=True)
    todo = page[page.index('id="todo"'):page.index("</section>", page.index('id="todo"'))]
    assert "3 open review comments" in todo
    assert all(item in todo for item in ("Add the program hours", "Name the medical director", "Attach the site plan"))
    with app.app_context():
        first = db.session.scalar(db.select(Comment.id).filter_by(filing_id=filing_id, requested=True).order_by(Comment.id))
    client_resolve = admin.post(f"/filings/{filing_id}/comments/{first}/resolve",
                                data={"csrf_token": csrf(admin, "/account"), "action": "resolve"})
    assert client_resolve.status_code == 303
    resubmitted = _post(admin, filing_id, "submit", action="submit")
    assert "1 of the 3 requested changes are resolved." in admin.get(resubmitted.headers["Location"]).get_data(as_text=True)
    review = legal.get(f"/filings/{filing_id}").get_data(as_text=True)
    items = review[review.index("Changes requested at version 1"):]
    assert re.search(r"Resolved</span> Add the program hours", items) and re.search(r"Open</span> Name the medical", items)
