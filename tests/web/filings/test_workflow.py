"""Review workflow, comments, versions and redlines, audit log, downloads."""
from __future__ import annotations

import csv
import io
import re

import pytest

from cone.web.filings.workflow import TransitionRefused, check_transition
from conftest import csrf, filed_form

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


@pytest.fixture
def clean_filing(app, token, example) -> int:
    """The example moved to dates whose checklist has no errors."""
    from cone.rules.checklist import has_errors, pack_for, run_checklist
    from cone.filing.parser import parse_filing
    filing = parse_filing(example)
    assert not has_errors(run_checklist(filing, pack_for(filing))), "example should be free of errors"
    return app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]


def _act(client, filing_id: int, endpoint: str, action: str, **extra) -> str:
    page = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    version = re.search(r"· version (\d+) ·", page).group(1)
    response = client.post(f"/filings/{filing_id}/{endpoint}", data={
        "csrf_token": csrf(client, "/account"), "version": version, "action": action, **extra})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_full_review_cycle_records_who_did_what(app, login, clean_filing):
    admin, legal, compliance = login("administrator"), login("legal"), login("compliance")
    fid = clean_filing
    assert "The filing is submitted. A legal reviewer will check it" in _act(admin, fid, "submit", "submit")
    page = _act(legal, fid, "review", "request_changes", comment="Add the program hours.")
    assert "Changes are requested. The administrator can now change the answers" in page
    assert "the filing is now" not in page.lower()
    assert "The filing is submitted." in _act(admin, fid, "submit", "submit")
    assert "The filing is approved." in _act(legal, fid, "review", "approve", attest="yes")
    assert "Marked as filed with OHS on" in _act(compliance, fid, "filed", "mark_filed", **filed_form())
    rows = list(csv.DictReader(io.StringIO(admin.get(f"/filings/{fid}/audit.csv").get_data(as_text=True))))
    actions = [(r["user"], r["action"]) for r in rows if r["action"] != "read"]
    assert actions[-7:] == [("administrator@hopewell.test", "submit"), ("legal@hopewell.test", "request_changes"),
                            ("administrator@hopewell.test", "submit"), ("legal@hopewell.test", "approve"),
                            ("compliance@hopewell.test", "pdf_requested"), ("compliance@hopewell.test", "filed"),
                            ("compliance@hopewell.test", "mark_filed")]
    assert all(r["time_utc"].endswith("Z") for r in rows)
    assert "Add the program hours." in admin.get(f"/filings/{fid}").get_data(as_text=True)


def test_a_transition_from_the_wrong_state_is_refused_and_recorded_nowhere(app, login, clean_filing):
    html = _act(login("legal"), clean_filing, "review", "approve")
    assert "Not done" in html and "draft cannot be sent to approved" in html
    assert "approve" not in login().get(f"/filings/{clean_filing}/audit.csv").get_data(as_text=True)


def test_submitting_with_checklist_errors_is_refused(app, login, token, example):
    del example["applicant"]["legal_name"]
    fid = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    assert "the checklist still has errors" in _act(login(), fid, "submit", "submit")


def test_answers_are_locked_while_in_review(app, login, clean_filing):
    admin = login()
    _act(admin, clean_filing, "submit", "submit")
    response = admin.post(f"/filings/{clean_filing}/sections/site",
                          data={"csrf_token": csrf(admin, "/account"), "version": "1", "site.street": "x"})
    assert response.status_code == 409


@pytest.mark.parametrize("name,status,role,errors,ok", [
    ("submit", "draft", "administrator", False, True),
    ("submit", "draft", "legal", False, False),
    ("submit", "draft", "administrator", True, False),
    ("approve", "in_review", "legal", False, True),
    ("approve", "in_review", "compliance", False, False),
    ("approve", "changes_requested", "legal", False, False),
    ("mark_filed", "approved", "compliance", False, True),
    ("mark_filed", "in_review", "compliance", False, False),
])
def test_transition_rules(name, status, role, errors, ok):
    if ok:
        assert check_transition(name, status, role, errors).name == name
    else:
        with pytest.raises(TransitionRefused):
            check_transition(name, status, role, errors)


def test_comments_are_anchored_to_fields_and_shown_beside_them(app, login, filing_id):
    legal = login("legal")
    response = legal.post(f"/filings/{filing_id}/comments", data={
        "csrf_token": csrf(legal, "/account"), "field": "site.zip", "body": "Is 06333 right for East Lyme?"})
    assert response.status_code == 303
    html = login().get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)
    zip_block = html[html.index('id="f-site-zip-group"'):]
    assert "Is 06333 right for East Lyme?" in zip_block[:zip_block.index("</div>\n", zip_block.index("comment-inline"))]
    bad = legal.post(f"/filings/{filing_id}/comments", data={
        "csrf_token": csrf(legal, "/account"), "field": "no.such.field", "body": "x"})
    assert "Not saved" in legal.get(bad.headers["Location"]).get_data(as_text=True)


def test_version_diff_and_notice_redline(app, login, token, example, filing_id):
    example["site"]["street"] = "250 Flanders Road"
    response = app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token())
    assert response.status_code == 200
    html = login("compliance").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "Street address" in html and "<del>248</del><ins>250</ins> Flanders Road" in html


def test_notice_and_json_downloads(login, filing_id, example):
    client = login("compliance")
    text = client.get(f"/filings/{filing_id}/notice.txt")
    assert text.mimetype == "text/plain" and "Hopewell Health Solutions, LLC" in text.get_data(as_text=True)
    assert "attachment" in text.headers["Content-Disposition"]
    html = client.get(f"/filings/{filing_id}/notice.html").get_data(as_text=True)
    assert '<p class="cone-notice">' in html
    assert client.get(f"/filings/{filing_id}/filing.json").get_json()["applicant"] == example["applicant"]


def test_final_pdf_is_refused_before_approval_with_the_reason(login, filing_id):
    client = login("compliance")
    response = client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"), "kind": "final"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#downloads")
    assert "Not made: the final PDF is available once a legal reviewer approves" in \
        client.get(response.headers["Location"]).get_data(as_text=True)


def test_audit_csv_neutralises_spreadsheet_formulas(app, login, filing_id):
    legal = login("legal")
    legal.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(legal, "/account"), "field": "",
                                                       "body": "=HYPERLINK(\"http://x\")"})
    rows = list(csv.reader(io.StringIO(legal.get(f"/filings/{filing_id}/audit.csv").get_data(as_text=True))))
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_a_form_page_shows_new_comments_and_status(app, login, filing_id):
    admin, legal = login(), login("legal")
    url = f"/filings/{filing_id}/sections/site"
    assert "Check the town" not in admin.get(url).get_data(as_text=True)        # now cached
    legal.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(legal, "/account"), "field": "site.town",
                                                       "body": "Check the town"})
    assert "Check the town" in admin.get(url).get_data(as_text=True)
    assert "legal@hopewell.test" in legal.get(url).get_data(as_text=True)       # each user's own header


def test_timeline_chart_rows_count_days_between_dates():
    from cone.web.filings.panel import chart_rows
    rows = chart_rows([{"id": "publication_1", "label": "Runs", "date": "2025-06-02", "note": ""},
                       {"id": "publication_2", "label": "Runs", "date": "2025-06-03", "note": ""},
                       {"id": "filing", "label": "Planned filing date", "date": "2025-07-07", "note": ""}])
    assert [r.gap for r in rows] == ["", "+1 day", "+34 days"]
    assert [r.kind for r in rows] == ["publication", "publication", "filing"]
    assert rows[1].y > rows[0].y


def test_field_changes_print_labels_and_plain_numbers(example):
    import json
    from cone.filing.parser import loads, parse_filing
    from cone.rules.checklist import get_pack
    from cone.web.filings.diff import field_changes
    empty = parse_filing({"format": "cone.filing/1", "state": "CT", "filing_type": "new_facility"})
    changes = {c.label: c for c in field_changes(empty, loads(json.dumps(example)), get_pack("CT"))}
    assert (changes["Type of facility"].old, changes["Type of facility"].new) == ("", "Outpatient behavioral health care facility")
    programs = changes["Programs offered"]
    assert programs.rows[0].state == "added" and programs.rows[0].cells[programs.columns.index("Days per week")] == "<ins>3</ins>"
    assert (changes["Populations served"].old, changes["Populations served"].new) == ("", "Adults")
