"""Authorization: every endpoint declares a permission, and every route x role x organization
gives the answer the permission table says (another organization's filing is always 404)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from flask import Blueprint

import cone.web
from cone.web.access import EXEMPT_ENDPOINTS, PERMISSIONS, endpoint_permission, permission, undeclared_endpoints
from cone.web.extensions import db
from cone.web.models import (Comment, Exhibit, ExhibitFile, FilingCondition, FilingEvent, FilingRecord, FilingVersion,
                             RenderJob, User, VersionExhibit)
from conftest import ROLES, csrf, make_app, sign_in

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def test_every_endpoint_declares_a_permission(app):
    assert undeclared_endpoints(app) == []
    assert set(app.view_functions) - EXEMPT_ENDPOINTS   # the check above is not vacuous


def test_an_undeclared_endpoint_is_reported_and_refused(app):
    app.add_url_rule("/stray", "stray", lambda: "secret")
    assert undeclared_endpoints(app) == ["stray"]     # create_app raises on this list
    response = app.test_client().get("/stray")
    assert response.status_code == 500 and b"secret" not in response.data


def _extra_blueprint(rule: str) -> Blueprint:
    bp = Blueprint("extra", __name__)

    @bp.get(rule)
    @permission("view", obj="filing")
    def extra(**kwargs: int) -> str:
        return "the filing's secret"

    return bp


def test_create_app_refuses_a_route_whose_url_lacks_the_object_its_permission_names(database, monkeypatch):
    monkeypatch.setattr(cone.web, "BLUEPRINTS", (*cone.web.BLUEPRINTS, _extra_blueprint("/extra/<int:id>")))
    with pytest.raises(RuntimeError, match=r"/extra/<int:id> \(extra.extra: filing needs <filing_id>\)"):
        make_app(database)


def test_a_route_naming_its_object_is_accepted_and_the_object_is_checked(database, monkeypatch, filing_id):
    monkeypatch.setattr(cone.web, "BLUEPRINTS", (*cone.web.BLUEPRINTS, _extra_blueprint("/extra/<int:filing_id>")))
    app = make_app(database)
    assert app.view_functions["extra.extra"].cone_object == "filing"
    own, other = app.test_client(), app.test_client()
    sign_in(own, "legal@hopewell.test")
    sign_in(other, "legal@other.test")
    assert own.get(f"/extra/{filing_id}").get_data(as_text=True) == "the filing's secret"
    assert other.get(f"/extra/{filing_id}").status_code == 404


def test_an_object_permission_must_name_its_object_and_others_must_not():
    with pytest.raises(ValueError, match="needs object"):
        permission("edit")
    with pytest.raises(ValueError, match="takes no object"):
        permission("signed_in", obj="filing")
    with pytest.raises(ValueError, match="unknown object"):
        permission("edit", obj="exhibit")


def _requests(app, filing_id: int, job_id: str, exhibit_id: int, event_id: int = 0,
              condition_id: int = 0, comment_id: int = 0) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) for every route that names a filing, GETs first, deletions last."""
    values = {"filing_id": filing_id, "section_id": "applicant", "job_id": job_id, "exhibit_id": exhibit_id,
              "table_id": "capital_cost", "event_id": event_id, "condition_id": condition_id, "comment_id": comment_id}
    out = []
    for rule in app.url_map.iter_rules():
        if "filing_id" not in rule.arguments:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, url, rule.endpoint))
    return sorted(out, key=lambda r: (r[0] != "GET", "delete" in r[1], r[1]))


@pytest.fixture
def objects(app, filing_id):
    with app.app_context():
        stored = ExhibitFile(sha256="0" * 64, data=b"%PDF-1.4", size=8)
        db.session.add(stored)
        db.session.flush()
        exhibit = Exhibit(filing_id=filing_id, title="a.pdf", name="a.pdf", sha256=stored.sha256, size=8, uploaded_by="t")
        job = RenderJob(filing_id=filing_id, version=1, status="done", pdf=b"%PDF-1.4", requested_by="t")
        author = db.session.scalar(db.select(User.id).filter_by(email="legal@hopewell.test"))
        comment = Comment(filing_id=filing_id, field="", body="A thread", version=1, author_id=author)
        db.session.add_all([exhibit, job, comment])
        db.session.flush()
        version_id = db.session.scalar(db.select(FilingVersion.id).filter_by(filing_id=filing_id, number=1))
        db.session.add(VersionExhibit(version_id=version_id, position=0, exhibit_id=exhibit.id))   # in the latest version
        record = db.session.get(FilingRecord, filing_id)          # as if filed: its packet as filed and receipt
        record.filed_render_id, record.receipt_sha256 = job.id, stored.sha256
        event = FilingEvent(filing_id=filing_id, kind="decision", date=dt.date(2026, 1, 2), outcome="approval_with_conditions",
                            document_sha256=stored.sha256, document_name="d.pdf", recorded_by="t")
        db.session.add(event)
        db.session.flush()
        condition = FilingCondition(filing_id=filing_id, decision_id=event.id, title="c", first_due=dt.date(2026, 2, 1),
                                    evidence_sha256=stored.sha256, evidence_name="e.pdf", created_by="t")
        db.session.add(condition)
        db.session.commit()
        return job.id, exhibit.id, event.id, condition.id, comment.id


@pytest.mark.parametrize("org", ["hopewell", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, login, token, filing_id, objects, role, org):
    client = login(role, org)
    form_token = csrf(client, "/account")
    headers = token(role, org)
    checked = 0
    for method, url, endpoint in _requests(app, filing_id, *objects):
        is_api = url.startswith("/api/")
        kwargs = {"headers": headers} if is_api else {"data": {"csrf_token": form_token}}
        if is_api and method == "PUT":
            kwargs["json"] = {"format": "cone.filing/1", "state": "CT", "filing_type": "new_facility"}
        status = client.open(url, method=method, **kwargs).status_code
        allowed = role in PERMISSIONS[endpoint_permission(app, endpoint)]
        if org == "other":
            assert status == 404, (method, url, status)
        elif allowed:
            assert status not in (401, 403, 404), (method, url, status)
        else:
            assert status == 403, (method, url, status)
        checked += 1
    assert checked >= 25


def test_signed_out_pages_redirect_to_sign_in_and_api_says_401(app, filing_id):
    client = app.test_client()
    response = client.get(f"/filings/{filing_id}")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    response = client.get(f"/api/v1/filings/{filing_id}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"/api/v1/filings/{filing_id}", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_api_ignores_the_session_cookie(app, login, filing_id):
    """Only a bearer token authenticates the API, so CSRF cannot reach it through a browser session."""
    client = login("administrator")
    assert client.get(f"/api/v1/filings/{filing_id}").status_code == 401


def test_a_consultant_sees_each_organization_with_its_own_role(app, login, token, filing_id):
    from cone.web.accounts.service import add_user
    with app.app_context():
        add_user("legal@hopewell.test", "administrator", "Other", None)
    client = login("legal", "hopewell")
    assert client.get(f"/filings/{filing_id}").status_code == 200
    assert client.post(f"/filings/{filing_id}/sections/site",
                       data={"csrf_token": csrf(client, "/account"), "version": "1"}).status_code == 403
    assert client.get("/filings/new").status_code == 200       # administrator of Other


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_start_filings(app, login, role):
    client = login(role)
    expected = 200 if role == "administrator" else 403
    assert client.get("/filings/new").status_code == expected
    assert client.post("/filings/new", data={"csrf_token": csrf(client, "/account"),
                                             "filing_type": "new_facility"}).status_code in ((302,) if expected == 200 else (403,))


def test_the_filing_list_shows_only_your_organizations(app, login, filing_id):
    assert f"/filings/{filing_id}".encode() in login("compliance", "hopewell").get("/filings/").data
    assert f"/filings/{filing_id}".encode() not in login("administrator", "other").get("/filings/").data


def test_every_page_that_changes_something_refuses_a_request_without_its_csrf_token(app, login, filing_id, objects):
    """Checked in the access step for every page route, so a new route cannot forget it."""
    client = login("administrator")
    job_id, exhibit_id, event_id, condition_id, comment_id = objects
    values = {"filing_id": filing_id, "section_id": "applicant", "job_id": job_id, "exhibit_id": exhibit_id, "token_id": 1,
              "event_id": event_id, "condition_id": condition_id, "comment_id": comment_id,
              "filename": "x.css", "organization_id": 1, "user_id": 1, "invitation_id": 1, "token": "x",
              "notification_id": 1, "feed_token": "cal_x", "table_id": "capital_cost", "session_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            assert client.open(url, method=method, data={"version": "1"}).status_code == 400, (method, url)
            checked += 1
    assert client.get(f"/filings/{filing_id}").status_code == 200      # still signed in, nothing done
    assert checked >= 12


def test_a_role_changed_elsewhere_applies_to_the_next_request(app, login, filing_id):
    """The access check reads the database on every request: nothing it read before is reused."""
    from cone.web.models import Membership, User

    client = login("administrator")
    url = f"/filings/{filing_id}/sections/site"
    assert client.post(url, data={"csrf_token": csrf(client, url), "version": "1"}).status_code != 403
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="administrator@hopewell.test"))
        db.session.scalar(db.select(Membership).filter_by(user_id=user_id)).role = "legal"
        db.session.commit()
    assert client.post(url, data={"csrf_token": csrf(client, url), "version": "1"}).status_code == 403
    with app.app_context():
        db.session.execute(db.delete(Membership).where(Membership.user_id == user_id))
        db.session.commit()
    assert client.get(url).status_code == 404
