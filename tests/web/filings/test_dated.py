"""A planned filing date before today: never stored with a version, shown prominently (warning
text at the top of the overview and of the section that asks for the date) on the day it is true."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from cone.web.extensions import db
from cone.web.filings import results
from cone.web.models import FilingVersion

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

TODAY = dt.date.today()
WARNING = re.compile(r'<div class="warning-text" id="dated-publication.planned_past">(.*?)</div>', re.S)


def _create(app, token, example, planned: dt.date) -> int:
    example["planned_filing_date"] = planned.isoformat()   # with the notice run 30 to 28 days before it
    example["publication"]["dates"] = [(planned - dt.timedelta(days=n)).isoformat() for n in (30, 29, 28)]
    response = app.test_client().post("/api/v1/filings", json=example, headers=token())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _stored_rules(app, filing_id: int) -> list[str]:
    with app.app_context():
        version = db.session.scalar(db.select(FilingVersion).filter_by(filing_id=filing_id, number=1))
        return [f["rule"] for f in version.findings]


def _warning(html: str) -> str | None:
    found = WARNING.search(html)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else None


def test_a_version_saved_yesterday_for_yesterday_shows_the_past_date_warning_today(app, login, token, example,
                                                                                   monkeypatch):
    filing_id = _create(app, token, example, TODAY)           # saved when the planned date was today
    assert "publication.planned_past" not in _stored_rules(app, filing_id)
    client = login()
    assert _warning(client.get(f"/filings/{filing_id}").get_data(as_text=True)) is None
    tomorrow = TODAY + dt.timedelta(days=1)
    monkeypatch.setattr(results, "today", lambda: tomorrow)   # the next day, the same stored version
    html = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    shown = _warning(html)
    assert shown is not None and "Warning:" in shown
    assert f"is 1 day(s) before today ({tomorrow:%B} {tomorrow.day}, {tomorrow.year})" in shown
    assert f'href="/filings/{filing_id}/sections/publication#' in WARNING.search(html).group(1)
    assert html.index('class="warning-text"') < html.index("<h2>Answers</h2>")   # at the top of the page
    assert "publication.planned_past" not in _stored_rules(app, filing_id)   # showing it stored nothing


def test_the_section_that_asks_for_the_planned_date_shows_the_warning_and_the_others_do_not(app, login, token, example):
    filing_id = _create(app, token, example, TODAY - dt.timedelta(days=3))
    client = login()
    html = client.get(f"/filings/{filing_id}/sections/publication").get_data(as_text=True)
    assert "is 3 day(s) before today" in (_warning(html) or "")
    assert html.index('class="warning-text"') < html.index('class="section-title"')
    assert _warning(client.get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)) is None


def test_the_side_panel_lists_the_past_date_as_a_warning_and_it_blocks_nothing(app, login, token, example):
    filing_id = _create(app, token, example, TODAY - dt.timedelta(days=1))
    html = login().get(f"/filings/{filing_id}").get_data(as_text=True)
    panel = html[html.index('id="checklist"'):html.index('id="notice-preview"')]
    assert "rule publication.planned_past" in panel and "1 warning" in panel and "count-error" not in panel
    assert "Fix the checklist errors first." not in html


def test_a_planned_date_of_today_or_later_shows_no_warning(app, login, token, example):
    for planned in (TODAY, TODAY + dt.timedelta(days=30)):
        filing_id = _create(app, token, example, planned)
        assert _warning(login().get(f"/filings/{filing_id}").get_data(as_text=True)) is None


def test_the_api_findings_include_a_past_planned_date_for_today_or_the_day_asked(app, token, example):
    filing_id = _create(app, token, example, TODAY - dt.timedelta(days=2))
    client = app.test_client()
    body = client.get(f"/api/v1/filings/{filing_id}/findings", headers=token()).get_json()
    [past] = [f for f in body["findings"] if f["rule"] == "publication.planned_past"]
    assert "is 2 day(s) before today" in past["message"] and body["as_of"] == TODAY.isoformat()
    earlier = (TODAY - dt.timedelta(days=5)).isoformat()
    body = client.get(f"/api/v1/filings/{filing_id}/findings?as_of={earlier}", headers=token()).get_json()
    assert "publication.planned_past" not in [f["rule"] for f in body["findings"]] and body["as_of"] == earlier
    assert "publication.planned_past" not in _stored_rules(app, filing_id)


def test_an_api_as_of_that_is_not_a_date_is_refused_naming_the_parameter(app, filing_id, token):
    response = app.test_client().get(f"/api/v1/filings/{filing_id}/findings?as_of=06/02/2025", headers=token())
    assert response.status_code == 400 and "as_of: '06/02/2025' is not a date" in response.get_json()["error"]["message"]
