"""The deadlines page and the calendar feeds: dates from the filings' stored timelines, the
filters, the "due soon" and "overdue" marks, and feeds at a secret URL that can be reset."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from cone.web.extensions import db
from cone.web.models import FilingDate, FilingRecord, User
from conftest import csrf
from filings.test_lists import create, soon

pytestmark = pytest.mark.db

TODAY = dt.date.today()


@pytest.fixture
def filings(app, token, example):
    """A Hopewell filing whose notice runs in 2 days, one whose notice ran 5 days ago, and one of Other."""
    near = create(app, token, soon(example, 2, **{"project.title": "Near Clinic"}))
    late = create(app, token, soon(example, -5, **{"project.title": "Late <Clinic>"}))
    other = create(app, token, soon(example, 1, **{"project.title": "Other Org Clinic"}), org="other")
    return near, late, other


def stored_dates(app, filing_id: int) -> list[dt.date]:
    with app.app_context():
        return db.session.scalars(select(FilingDate.date).where(FilingDate.filing_id == filing_id)
                                  .order_by(FilingDate.date)).all()


def test_the_page_lists_every_date_of_your_filings_soonest_first_with_soon_and_overdue_marked(app, login, filings):
    near, late, other = filings
    html = login("compliance").get("/deadlines/").get_data(as_text=True)
    assert "Other Org Clinic" not in html and "Late &lt;Clinic&gt;" in html and "Late <Clinic>" not in html
    assert "in 2 days" in html and "overdue by 5 days" in html
    shown = re.findall(r"<td class=\"nowrap\">(\d{4}-\d{2}-\d{2})</td>", html)
    assert shown == sorted(shown)
    expected = [d for d in stored_dates(app, near) + stored_dates(app, late) if d >= TODAY - dt.timedelta(days=90)]
    assert len(shown) == len(expected)
    assert re.search(r'<tr class="due-soon">\s*<td class="nowrap">' + (TODAY + dt.timedelta(days=2)).isoformat(), html)
    assert re.search(r'<tr class="due-later">\s*<td class="nowrap">' + (TODAY + dt.timedelta(days=37)).isoformat(), html)


def test_dates_of_a_filed_filing_are_not_overdue_and_an_archived_drafts_are_not_shown(app, login, filings):
    near, late, _ = filings
    with app.app_context():
        db.session.get(FilingRecord, late).status = "filed"
        db.session.get(FilingRecord, near).archived = True
        db.session.commit()
    html = login("compliance").get("/deadlines/").get_data(as_text=True)
    assert "overdue" not in html and "Near Clinic</a>" not in html
    assert "Late &lt;Clinic&gt;</a>" in html          # its dates still to come


def test_the_page_filters_by_filing_kind_and_organization(app, login, filings):
    near, late, other = filings
    client = login("compliance")
    one = client.get(f"/deadlines/?filing={near}").get_data(as_text=True)
    assert "Near Clinic</a>" in one and "Late &lt;Clinic&gt;</a>" not in one
    runs = client.get("/deadlines/?kind=publication").get_data(as_text=True)
    assert "Notice runs in" in runs and "Planned filing date" not in runs
    assert client.get("/deadlines/?kind=filing").get_data(as_text=True).count("Planned filing date") == 2
    assert client.get("/deadlines/?kind=holiday").status_code == 400
    with app.app_context():
        other_org = db.session.get(FilingRecord, other).organization_id
    assert client.get(f"/deadlines/?organization={other_org}").status_code == 400
    assert "Other Org Clinic" not in client.get(f"/deadlines/?filing={other}").get_data(as_text=True)


def feed_url(client) -> str:
    html = client.post("/deadlines/feed", data={"csrf_token": csrf(client, "/deadlines/")}).get_data(as_text=True)
    return re.search(r'<code class="token">(http[^<]+)</code>', html).group(1)


def test_the_calendar_feed_is_valid_icalendar_with_an_all_day_event_per_date(app, login, filings):
    near, late, _ = filings
    url = feed_url(login("compliance"))
    assert url.startswith(app.config["PUBLIC_URL"] + "/calendar/cal_")
    response = app.test_client().get(url[len(app.config["PUBLIC_URL"]):])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert {str(e["SUMMARY"]).split(": ")[-1] for e in events} == {"Near Clinic", "Late <Clinic>"}
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert all(type(d) is dt.date for d in starts)
    assert starts[0] == TODAY - dt.timedelta(days=5)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(days=1) for e in events)
    assert all(str(e["URL"]).startswith(app.config["PUBLIC_URL"] + "/filings/") for e in events)


def test_a_filings_feed_holds_only_its_dates_and_another_organizations_filing_is_not_found(app, login, filings):
    near, late, other = filings
    path = feed_url(login("compliance"))[len(app.config["PUBLIC_URL"]):]
    client = app.test_client()
    events = Calendar.from_ical(client.get(f"{path}?filing={near}").data).walk("VEVENT")
    assert events and all(str(e["UID"]).startswith(f"filing-{near}-") for e in events)
    assert client.get(f"{path}?filing={other}").status_code == 404
    assert client.get(f"{path}?filing=abc").status_code == 400


def test_the_feed_needs_its_secret_and_a_reset_ends_the_old_one(app, login, filings):
    client = login("compliance")
    old = feed_url(client)[len(app.config["PUBLIC_URL"]):]
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 200
    assert anonymous.get("/calendar/cal_guessed.ics").status_code == 404
    assert anonymous.get("/calendar/x.ics").status_code == 404
    assert client.get("/calendar/nothing.ics").status_code == 404          # a session is no credential
    new = feed_url(client)[len(app.config["PUBLIC_URL"]):]
    assert new != old and anonymous.get(old).status_code == 404 and anonymous.get(new).status_code == 200
    with app.app_context():
        digests = db.session.scalars(select(User.calendar_digest).where(User.calendar_digest.is_not(None))).all()
    assert len(digests) == 1 and new.split("/")[-1][:-4] not in digests[0]      # stored hashed


def test_the_feed_follows_the_latest_version_of_a_filing(app, login, token, filings, example):
    near, *_ = filings
    path = feed_url(login("compliance"))[len(app.config["PUBLIC_URL"]):]
    later = soon(example, 30, **{"project.title": "Near Clinic"})
    assert app.test_client().put(f"/api/v1/filings/{near}", json=later, headers=token()).status_code == 200
    events = Calendar.from_ical(app.test_client().get(f"{path}?filing={near}").data).walk("VEVENT")
    assert min(e.decoded("DTSTART") for e in events) == TODAY + dt.timedelta(days=30)
