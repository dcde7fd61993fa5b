"""The filing list and the API's list: search, filters, sort, pages, archived drafts; the
versions, comments and audit pages in pages; the audit CSV; the summary migration."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import io

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from cone.web.extensions import db
from cone.web.models import AuditEvent, FilingDate, FilingRecord, Membership, Organization, User
from conftest import csrf

pytestmark = pytest.mark.db


def soon(example: dict, days: int = 1, **changes) -> dict:
    """The example with its notice running from `days` from today and the filing planned after it."""
    doc = copy.deepcopy(example)
    start = dt.date.today() + dt.timedelta(days=days)
    doc["publication"]["dates"] = [(start + dt.timedelta(days=i)).isoformat() for i in range(3)]
    doc["planned_filing_date"] = (start + dt.timedelta(days=35)).isoformat()
    for path, value in changes.items():
        section, key = path.split(".")
        doc.setdefault(section, {})[key] = value
    return doc


def create(app, token, doc: dict, org: str = "hopewell") -> int:
    response = app.test_client().post("/api/v1/filings", json=doc, headers=token("administrator", org))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def api_list(app, token, role: str = "compliance", **args) -> dict:
    response = app.test_client().get("/api/v1/filings", query_string=args, headers=token(role))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body: dict) -> list[int]:
    return [f["id"] for f in body["filings"]]


@pytest.fixture
def three(app, token, example):
    """Three filings of Hopewell: one with a project title in New London, one in Mystic, one
    whose notice runs later; and one of the other organization."""
    a = create(app, token, soon(example, 1, **{"project.title": "Riverside 50% Clinic", "site.town": "New London"}))
    b = create(app, token, soon(example, 20, **{"site.town": "Mystic", "applicant.legal_name": "Mystic Care, Inc."}))
    c = create(app, token, soon(example, 10))
    other = create(app, token, soon(example, 2), org="other")
    return a, b, c, other


def test_the_list_searches_applicant_title_town_and_escapes_wildcards(app, token, three):
    a, b, c, other = three
    assert set(ids(api_list(app, token))) == {a, b, c}
    assert ids(api_list(app, token, q="riverside")) == [a]
    assert ids(api_list(app, token, q="mystic care")) == [b]
    assert ids(api_list(app, token, q="NEW LONDON")) == [a]
    assert ids(api_list(app, token, q="50%")) == [a]
    assert ids(api_list(app, token, q="5_%")) == []
    assert set(ids(api_list(app, token, q="hopewell"))) == {a, c}
    assert ids(api_list(app, token, q="nowhere at all")) == []


def test_the_list_filters_by_status_type_and_organization(app, login, token, three):
    a, b, c, _ = three
    with app.app_context():
        db.session.get(FilingRecord, b).status = "in_review"
        db.session.commit()
        hopewell = db.session.get(FilingRecord, a).organization_id
    assert ids(api_list(app, token, status="in_review")) == [b]
    assert set(ids(api_list(app, token, status="draft"))) == {a, c}
    assert set(ids(api_list(app, token, type="new_facility"))) == {a, b, c}
    assert ids(api_list(app, token, type="termination")) == []
    assert set(ids(api_list(app, token, organization=hopewell))) == {a, b, c}
    page = login("compliance").get("/filings/", query_string={"status": "in_review"}).get_data(as_text=True)
    assert f"/filings/{b}\"" in page and f"/filings/{a}\"" not in page


@pytest.mark.parametrize(("args", "field"), [({"status": "lost"}, "status"), ({"sort": "random"}, "sort"),
                                             ({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"),
                                             ({"page": "x"}, "page"), ({"organization": "999"}, "organization"),
                                             ({"q": "x" * 201}, "q"), ({"q": "a\x00b"}, "q"), ({"type": "\x00"}, "type")])
def test_a_list_argument_that_cannot_be_used_is_refused_naming_it(app, login, token, args, field):
    response = app.test_client().get("/api/v1/filings", query_string=args, headers=token())
    assert response.status_code == 422 and response.get_json()["error"]["path"] == field
    page = login("compliance").get("/filings/", query_string=args)
    assert page.status_code == 400 and f"{field}" in page.get_data(as_text=True)


def test_the_list_sorts_by_next_date_or_by_last_change(app, token, three):
    a, b, c, _ = three
    assert ids(api_list(app, token, sort="next_date")) == [a, c, b]
    assert ids(api_list(app, token)) == [c, b, a]          # last created first
    app.test_client().put(f"/api/v1/filings/{a}", json=soon(api_list_doc(app, token, a), 1, **{"project.title": "Renamed"}),
                          headers=token("administrator"))
    assert ids(api_list(app, token))[0] == a
    first = api_list(app, token, sort="next_date")["filings"][0]
    assert first["next_date"]["date"] == (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert first["title"] == "Renamed"


def api_list_doc(app, token, filing_id: int) -> dict:
    return app.test_client().get(f"/api/v1/filings/{filing_id}", headers=token()).get_json()["filing"]


def test_the_list_comes_in_pages_with_a_link_to_the_next(app, login, token, three):
    a, b, c, _ = three
    first = api_list(app, token, per_page=2)
    assert ids(first) == [c, b] and first["total"] == 3 and first["pages"] == 2 and "next" in first
    second = app.test_client().get(first["next"], headers=token()).get_json()
    assert ids(second) == [a] and "next" not in second
    html = login("compliance").get("/filings/?per_page=2").get_data(as_text=True)
    assert "Page 1 of 2" in html and 'rel="next"' in html
    assert "Page 1 of" not in login("compliance").get("/filings/").get_data(as_text=True)


def test_the_list_shows_the_project_title_and_else_the_applicant(app, login, three):
    html = login("compliance").get("/filings/").get_data(as_text=True)
    assert "<strong>Riverside 50% Clinic</strong></a><br>Hopewell Health Solutions, LLC" in html
    assert "<strong>Mystic Care, Inc.</strong>" in html
    assert "No errors" in html or "error" in html


def test_an_archived_draft_leaves_the_list_and_comes_back_on_restore_with_both_in_the_audit_log(app, login, token, three):
    a, *_ = three
    client = login("administrator")
    assert client.post(f"/filings/{a}/archive", data={"csrf_token": csrf(client, "/account")}).status_code == 303
    assert a not in ids(api_list(app, token))
    assert ids(api_list(app, token, status="archived")) == [a]
    assert "archived" in client.get(f"/filings/{a}").get_data(as_text=True)
    assert client.post(f"/filings/{a}/archive", data={"csrf_token": csrf(client, "/account")}).status_code == 409
    assert client.post(f"/filings/{a}/restore", data={"csrf_token": csrf(client, "/account")}).status_code == 303
    assert a in ids(api_list(app, token)) and ids(api_list(app, token, status="archived")) == []
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.filing_id == a,
                                                                     AuditEvent.action != "read")).all()
    assert actions[-2:] == ["archived", "restored"]


def test_only_a_draft_can_be_archived_and_only_an_archived_one_restored(app, login, three):
    a, b, *_ = three
    with app.app_context():
        db.session.get(FilingRecord, b).status = "in_review"
        db.session.commit()
    client = login("administrator")
    assert client.post(f"/filings/{b}/archive", data={"csrf_token": csrf(client, "/account")}).status_code == 409
    assert client.post(f"/filings/{a}/restore", data={"csrf_token": csrf(client, "/account")}).status_code == 409
    legal = login("legal")
    assert legal.post(f"/filings/{a}/archive", data={"csrf_token": csrf(legal, "/account")}).status_code == 403


def _save(app, token, filing_id: int, doc: dict, n: int) -> None:
    for i in range(n):
        doc["project"]["summary"] = f"establish a clinic, revision {i}"
        response = app.test_client().put(f"/api/v1/filings/{filing_id}", json=doc, headers=token("administrator"))
        assert response.status_code == 200


def test_the_versions_and_audit_pages_come_in_pages_and_the_csv_holds_every_event(app, login, token, example):
    filing = create(app, token, example)
    _save(app, token, filing, copy.deepcopy(example), 30)
    client = login("compliance")
    versions = client.get(f"/filings/{filing}/versions").get_data(as_text=True)
    assert "Page 1 of 2" in versions and "<tr><td>31</td>" in versions and "<tr><td>6</td>" not in versions
    assert "<tr><td>6</td>" in client.get(f"/filings/{filing}/versions?page=2").get_data(as_text=True)
    audit = client.get(f"/filings/{filing}/audit?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in audit and "version 1; new_facility" in audit
    assert client.get(f"/filings/{filing}/audit?page=-1").status_code == 400
    rows = list(csv.reader(io.StringIO(client.get(f"/filings/{filing}/audit.csv").get_data(as_text=True))))
    changes = [r for r in rows[1:] if r[2] != "read"]
    assert rows[0] == ["time_utc", "user", "action", "detail"] and len(changes) == 31
    assert changes[0][2] == "created" and changes[-1][3] == "version 31; API"
    assert rows[-1][1:] == ["compliance@hopewell.test", "read", "audit log (CSV); version 31"]   # reads are in it too


def test_the_overview_shows_comments_a_page_at_a_time(app, login, filing_id):
    client = login("legal")
    for i in range(30):
        assert client.post(f"/filings/{filing_id}/comments",
                           data={"csrf_token": csrf(client, "/account"), "field": "", "body": f"note {i:02d}"}).status_code == 303
    first = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "note 29" in first and "note 04" not in first and "Page 1 of 2" in first
    assert "note 04" in client.get(f"/filings/{filing_id}?page=2").get_data(as_text=True)


def test_the_summary_migration_fills_the_filings_that_exist(app, token, example):
    filing = create(app, token, soon(example, 3, **{"project.title": "Before the migration"}))
    with app.app_context():
        downgrade(revision="b81e3d5c7a20")
        upgrade()
        record = db.session.get(FilingRecord, filing)
        assert (record.title, record.town, record.filing_type, record.archived) == (
            "Before the migration", "East Lyme", "new_facility", False)
        dates = db.session.scalars(select(FilingDate.date).where(FilingDate.filing_id == filing)).all()
    assert min(dates) == dt.date.today() + dt.timedelta(days=3)


def test_compliance_records_a_docket_number_that_the_list_finds_and_the_audit_log_keeps(app, login, token, three):
    a, b, *_ = three
    client = login("compliance")
    response = client.post(f"/filings/{b}/docket", data={"csrf_token": csrf(client, "/account"), "docket_number": " 26-32871-CON "})
    assert response.status_code == 303
    assert ids(api_list(app, token, q="32871")) == [b]
    assert api_list(app, token, q="32871")["filings"][0]["docket_number"] == "26-32871-CON"
    assert "docket 26-32871-CON" in client.get("/filings/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.detail).where(AuditEvent.filing_id == b,
                                                                  AuditEvent.action == "docket_number")).all() == ["26-32871-CON"]


def test_a_docket_number_too_long_or_with_control_characters_is_refused_and_only_compliance_sets_one(app, login, three):
    a, *_ = three
    client = login("compliance")
    for bad in ("x" * 51, "26\x00"):
        client.post(f"/filings/{a}/docket", data={"csrf_token": csrf(client, "/account"), "docket_number": bad})
        page = client.get(f"/filings/{a}").get_data(as_text=True)
        assert "Not saved: a docket number is at most 50 characters" in page
    with app.app_context():
        assert db.session.get(FilingRecord, a).docket_number == ""
    admin = login("administrator")
    assert admin.post(f"/filings/{a}/docket", data={"csrf_token": csrf(admin, "/account"),
                                                    "docket_number": "1"}).status_code == 403


def test_a_member_of_two_organizations_can_filter_the_list_and_the_deadlines_by_either(app, login):
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="compliance@hopewell.test"))
        other = db.session.scalar(select(Organization).filter_by(name="Other"))
        db.session.add(Membership(user_id=user.id, organization_id=other.id, role="compliance"))
        db.session.commit()
        other_id = other.id
    client = login("compliance")
    for url in ("/filings/", "/deadlines/"):
        page = client.get(url, query_string={"organization": other_id}).get_data(as_text=True)
        assert '<option value="">All your organizations</option>' in page
        assert f'<option value="{other_id}" selected>Other</option>' in page and ">Hopewell</option>" in page
    assert "All your organizations" not in login("legal").get("/filings/").get_data(as_text=True)
