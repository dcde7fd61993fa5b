"""After filing: marking filed for real, events checked against the pack's rules, the decision's
conditions, the dates on the dashboard and in the feeds, and the API, each with its permissions."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from cone.web.extensions import db
from cone.web.filings import results
from cone.web.models import FilingDate, FilingRecord, Notification, RenderJob
from cone.web.notifications.reminders import send_reminders
from conftest import csrf, filed_form, tiny_pdf

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

TODAY = dt.date.today()


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, "/account"), **data})


def _version(client, fid: int) -> str:
    return re.search(r"· version (\d+) ·", client.get(f"/filings/{fid}").get_data(as_text=True)).group(1)


@pytest.fixture
def approved(app, login, filing_id) -> int:
    admin, legal = login("administrator"), login("legal")
    assert _post(admin, f"/filings/{filing_id}/submit", version=_version(admin, filing_id), action="submit").status_code == 303
    assert _post(legal, f"/filings/{filing_id}/review", version=_version(legal, filing_id), action="approve", attest="yes").status_code == 303
    return filing_id


def _file(client, fid: int, **changes):
    form = {**filed_form(), "version": _version(client, fid), **changes}
    return _post(client, f"/filings/{fid}/filed", **{k: v for k, v in form.items() if v is not None})


def _flash(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def filed(app, login, approved) -> int:
    response = _file(login("compliance"), approved)
    assert response.status_code == 303 and "/after-filing" in response.headers["Location"]
    return approved


def _dates(app, fid: int) -> dict[str, tuple[dt.date, str]]:
    with app.app_context():
        return {r.row: (r.date, r.basis) for r in db.session.scalars(
            db.select(FilingDate).where(FilingDate.filing_id == fid, FilingDate.kind.in_(("after", "condition"))))}


def _event(client, fid: int, kind: str, day: dt.date, **extra):
    return _post(client, f"/filings/{fid}/events", kind=kind, date=day.isoformat(), **extra)


@pytest.mark.parametrize("changes, says", [
    ({"confirm": None}, "confirm that this packet was filed"),
    ({"docket_number": "25-32843"}, "looks like 25-32843-CON"),
    ({"docket_number": "25-32843-ECON"}, "does not end in -ECON"),
    ({"filed_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "cannot be in the future"),
    ({"filed_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "cannot be before the approval"),
    ({"filed_on": "03/12/2026"}, "must be a date written YYYY-MM-DD"),
    ({"receipt": (io.BytesIO(b"<html>not a pdf</html>"), "receipt.pdf")}, "receipt"),
    ({"receipt": None}, "choose a PDF file"),
])
def test_mark_filed_refuses_what_is_missing_or_wrong_and_names_it(app, login, approved, changes, says):
    compliance = login("compliance")
    response = _file(compliance, approved, **changes)
    assert response.status_code == 303 and response.headers["Location"].endswith("/filed")
    assert says in _flash(compliance, response)
    with app.app_context():
        record = db.session.get(FilingRecord, approved)
        assert record.status == "approved" and record.filed_on is None


def test_mark_filed_keeps_the_packet_as_filed_and_the_receipt_and_starts_the_clock(app, login, filed):
    compliance = login("compliance")
    with app.app_context():
        record = db.session.get(FilingRecord, filed)
        assert (record.status, record.filed_on, record.docket_number) == ("filed", TODAY, "25-32843-CON")
        job = db.session.get(RenderJob, record.filed_render_id)
        assert job.final and job.version == record.version and job.status == "done"
        packet = job.pdf
    legal = login("legal")                   # everyone who may see the filing may download what was filed
    assert legal.get(f"/filings/{filed}/as-filed.pdf").data == packet
    assert legal.get(f"/filings/{filed}/receipt.pdf").data.startswith(b"%PDF-")
    assert _dates(app, filed)["completeness_review"] == (TODAY + dt.timedelta(days=30), "due")
    assert _dates(app, filed)["completeness_response"][1] == "planned"
    with app.app_context():          # the planned post-filing rows from the planned filing date are gone
        assert not db.session.scalar(db.select(FilingDate).filter_by(filing_id=filed, kind="deadline"))
    log = compliance.get(f"/filings/{filed}/audit.csv").get_data(as_text=True)
    assert "filed on" in log and "25-32843-CON" in log and "mark_filed" in log


@pytest.mark.parametrize("role", ["administrator", "legal"])
def test_only_compliance_marks_filed_or_records_events(app, login, approved, role):
    client = login(role)
    assert _file(client, approved).status_code == 403
    assert client.get(f"/filings/{approved}/filed").status_code == 403
    assert _event(client, approved, "completeness_letter", TODAY).status_code == 403
    assert _post(client, f"/filings/{approved}/conditions", title="x", first_due=TODAY.isoformat()).status_code == 403


def test_events_before_filing_are_refused(app, login, approved):
    compliance = login("compliance")
    assert "once the filing is marked filed" in _flash(compliance, _event(compliance, approved, "review_ended", TODAY))


def test_a_response_on_day_60_is_accepted_and_on_day_61_refused_through_the_page(app, login, filed, monkeypatch):
    monkeypatch.setattr(results, "today", lambda: TODAY + dt.timedelta(days=200))
    compliance = login("compliance")
    letter = TODAY + dt.timedelta(days=10)
    assert "Recorded" in _flash(compliance, _event(compliance, filed, "completeness_letter", letter))
    assert _dates(app, filed)["completeness_response"] == (letter + dt.timedelta(days=60), "due")
    page = _flash(compliance, _event(compliance, filed, "response_submitted", letter + dt.timedelta(days=61)))
    assert "Not recorded" in page and "1 day after the deadline" in page
    assert "Recorded" in _flash(compliance, _event(compliance, filed, "response_submitted", letter + dt.timedelta(days=60)))
    assert "completeness_response" not in _dates(app, filed)
    assert _dates(app, filed)["completeness_notice"] == (letter + dt.timedelta(days=65), "due")


def test_a_decision_with_two_conditions_puts_them_on_the_dashboard_and_feed_until_met(app, login, filed, monkeypatch):
    monkeypatch.setattr(results, "today", lambda: TODAY + dt.timedelta(days=100))
    compliance = login("compliance")
    for kind, days in (("review_ended", 30), ("deemed_complete", 32)):
        assert "Recorded" in _flash(compliance, _event(compliance, filed, kind, TODAY + dt.timedelta(days=days)))
    decided = TODAY + dt.timedelta(days=60)
    page = _flash(compliance, _event(compliance, filed, "decision", decided, outcome="approval_with_conditions"))
    assert "Not recorded: &#39;document&#39;: choose a PDF file" in page        # a decision needs its document
    assert "Recorded" in _flash(compliance, _event(compliance, filed, "decision", decided, outcome="approval_with_conditions",
                                                   document=(io.BytesIO(tiny_pdf()), "decision.pdf")))
    first = TODAY + dt.timedelta(days=400)
    assert _post(compliance, f"/filings/{filed}/conditions", title="Report charity care yearly",
                 first_due=first.isoformat(), every_months="12", until=(first + dt.timedelta(days=800)).isoformat()).status_code == 303
    assert _post(compliance, f"/filings/{filed}/conditions", title="File the final cost report",
                 first_due=first.isoformat()).status_code == 303
    rows = _dates(app, filed)
    assert sorted(r for r in rows if r.startswith("condition_")) == ["condition_1_0", "condition_1_1", "condition_1_2",
                                                                    "condition_2_0"]
    assert not [r for r, (_, basis) in rows.items() if basis != "actual" and not r.startswith("condition_")]
    dashboard = compliance.get("/deadlines/?kind=condition").get_data(as_text=True)
    assert dashboard.count("Report charity care yearly") == 3 and "File the final cost report" in dashboard
    secret = re.search(r"cal_[\w-]+", _post(compliance, "/deadlines/feed").get_data(as_text=True)).group(0)
    feed = app.test_client().get(f"/calendar/{secret}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "Condition report: File the final cost report (due)" in feed
    assert "Not marked met" in _flash(compliance, _post(compliance, f"/filings/{filed}/conditions/2/met"))
    response = _post(compliance, f"/filings/{filed}/conditions/2/met", evidence=(io.BytesIO(tiny_pdf()), "report.pdf"))
    assert "Condition marked met" in _flash(compliance, response)
    assert "condition_2_0" not in _dates(app, filed) and "condition_1_0" in _dates(app, filed)
    assert login("legal").get(f"/filings/{filed}/conditions/2/evidence").data.startswith(b"%PDF-")


def test_the_api_marks_filed_records_events_and_refuses_with_the_field(app, token, approved, monkeypatch):
    client = app.test_client()
    assert client.post(f"/api/v1/filings/{approved}/filed", data=filed_form(), headers=token("legal")).status_code == 403
    bad = client.post(f"/api/v1/filings/{approved}/filed", data=filed_form("2532843"), headers=token("compliance"))
    assert bad.status_code == 422 and bad.get_json()["error"]["path"] == "docket_number"
    done = client.post(f"/api/v1/filings/{approved}/filed", data=filed_form(), headers=token("compliance"))
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "filed" and body["filed_on"] == TODAY.isoformat()
    assert {"id": "completeness_review", "basis": "due"}.items() <= next(
        d for d in body["clock"] if d["id"] == "completeness_review").items()
    monkeypatch.setattr(results, "today", lambda: TODAY + dt.timedelta(days=100))
    url = f"/api/v1/filings/{approved}/events"
    letter = (TODAY + dt.timedelta(days=5)).isoformat()
    assert client.post(url, data={"kind": "completeness_letter", "date": letter}, headers=token("administrator")).status_code == 403
    created = client.post(url, data={"kind": "completeness_letter", "date": letter}, headers=token("compliance"))
    assert created.status_code == 201 and created.get_json()["events"][0]["kind"] == "completeness_letter"
    second = client.post(url, data={"kind": "completeness_letter", "date": letter}, headers=token("compliance"))
    assert second.status_code == 422 and second.get_json()["error"]["path"] == "kind"
    state = client.get(f"/api/v1/filings/{approved}/after-filing", headers=token("legal")).get_json()
    assert [e["kind"] for e in state["events"]] == ["completeness_letter"]
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/filings/{filing_id}/filed", "/filings/{filing_id}/events", "/filings/{filing_id}/conditions",
            "/filings/{filing_id}/after-filing", "/filings/{filing_id}/conditions/{condition_id}/met"} <= set(paths)


def test_after_a_decision_the_page_offers_no_event_to_record(app, login, filed):
    compliance = login("compliance")
    assert "Record an event" in compliance.get(f"/filings/{filed}/after-filing").get_data(as_text=True)
    for kind in ("review_ended", "deemed_complete"):
        _event(compliance, filed, kind, TODAY)
    _event(compliance, filed, "decision", TODAY, outcome="denial", document=(io.BytesIO(tiny_pdf()), "d.pdf"))
    page = compliance.get(f"/filings/{filed}/after-filing").get_data(as_text=True)
    assert "Decision issued: Denial" in page and "Record an event" not in page


def test_reminders_come_for_dates_ahead_after_filing_not_for_events_that_happened(app, login, filed):
    with app.app_context():
        send_reminders(TODAY + dt.timedelta(days=25))
        texts = [n.text for n in db.session.scalars(db.select(Notification).filter_by(filing_id=filed, kind="reminder"))]
    assert any("completeness review ends" in t for t in texts), texts
    with app.app_context():
        send_reminders(TODAY)
        texts = [n.text for n in db.session.scalars(db.select(Notification).filter_by(filing_id=filed, kind="reminder"))]
    assert not any(t.startswith("Filed") or "Filed:" in t for t in texts), texts
