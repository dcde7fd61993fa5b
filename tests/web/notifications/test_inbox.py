"""Notifications: each hand-off, each comment that names someone or answers them, in the inbox
(with the unread count in the header) and by e-mail unless turned off; reminders of upcoming
dates made once however often the command runs."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import csrf, filed_form, sign_in
from smtp_sink import html_of, text_of

from cone.web.extensions import db
from cone.web.models import ApiToken, Notification, User
from cone.web.notifications.service import mentioned

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


@pytest.fixture
def clients(mail_app):
    made = {}
    for role in ("administrator", "legal", "compliance"):
        made[role] = mail_app.test_client()
        sign_in(made[role], f"{role}@hopewell.test")
    return made


@pytest.fixture
def mailed_filing(mail_app, example) -> int:
    """A filing of Hopewell made through the API of `mail_app` (the `app` fixture would reset
    the users' passwords, which signs `clients` out)."""
    with mail_app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="administrator@hopewell.test"))
        secret = ApiToken.issue(user_id, "test")
        db.session.commit()
    response = mail_app.test_client().post("/api/v1/filings", json=example, headers={"Authorization": f"Bearer {secret}"})
    return response.get_json()["id"]


def _act(client, filing_id: int, endpoint: str, action: str, **extra):
    page = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    version = re.search(r"· version (\d+) ·", page).group(1)
    response = client.post(f"/filings/{filing_id}/{endpoint}", data={
        "csrf_token": csrf(client, "/account"), "version": version, "action": action, **extra})
    assert response.status_code == 303
    return response


def _comment(client, filing_id: int, body: str, field: str = ""):
    return client.post(f"/filings/{filing_id}/comments",
                       data={"csrf_token": csrf(client, "/account"), "field": field, "body": body})


def _inbox(app, email: str) -> list[tuple[str, str]]:
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email=email))
        return [(n.kind, n.text) for n in db.session.scalars(
            db.select(Notification).filter_by(user_id=user_id).order_by(Notification.id))]


def _to(mailbox, email: str) -> list[str]:
    return [m["Subject"] for m in mailbox.messages if m["To"] == email]


def test_every_hand_off_reaches_the_next_people_in_the_inbox_and_by_mail(mail_app, mailbox, clients, mailed_filing):
    fid = mailed_filing
    _act(clients["administrator"], fid, "submit", "submit")
    _act(clients["legal"], fid, "review", "request_changes", comment="Add the program hours.")
    _act(clients["administrator"], fid, "submit", "submit")
    _act(clients["legal"], fid, "review", "approve", attest="yes")
    _act(clients["compliance"], fid, "filed", "mark_filed", **filed_form())
    assert [k for k, _ in _inbox(mail_app, "legal@hopewell.test")] == ["submitted", "resubmitted", "filed"]
    assert [k for k, _ in _inbox(mail_app, "administrator@hopewell.test")] == ["changes_requested", "approved", "filed"]
    assert [k for k, _ in _inbox(mail_app, "compliance@hopewell.test")] == ["approved"]
    assert _inbox(mail_app, "legal@other.test") == []                   # another organization hears nothing
    subjects = _to(mailbox, "administrator@hopewell.test")
    assert subjects[0].startswith("legal@hopewell.test requested changes to “")
    change_request = next(m for m in mailbox.messages if "requested changes" in m["Subject"])
    assert "Add the program hours." in text_of(change_request)
    assert f"https://cone.example.test/filings/{fid}" in text_of(change_request)
    assert len(mailbox.messages) == 7


def test_withdrawing_and_reopening_tell_no_one(mail_app, mailbox, clients, mailed_filing):
    _act(clients["administrator"], mailed_filing, "submit", "submit")
    _act(clients["administrator"], mailed_filing, "submit", "withdraw")
    assert [k for k, _ in _inbox(mail_app, "legal@hopewell.test")] == ["submitted"]


def test_a_mention_by_address_tells_that_member_only_and_escapes_the_comment_in_html(mail_app, mailbox, clients,
                                                                                    mailed_filing):
    body = 'Please check the hours, @compliance@hopewell.test and @legal@other.test <b>now</b>'
    assert _comment(clients["administrator"], mailed_filing, body).status_code == 303
    assert [k for k, _ in _inbox(mail_app, "compliance@hopewell.test")] == ["mention"]
    assert _inbox(mail_app, "legal@other.test") == []                    # not a member: never told
    assert _inbox(mail_app, "administrator@hopewell.test") == []          # the author is not told
    [message] = mailbox.messages
    assert message["To"] == "compliance@hopewell.test" and "mentioned you" in message["Subject"]
    assert body in text_of(message)
    assert "<b>now</b>" not in html_of(message) and "&lt;b&gt;now&lt;/b&gt;" in html_of(message)


def test_a_comment_on_a_field_answers_the_earlier_commenters_on_it_once(mail_app, mailbox, clients, mailed_filing):
    _comment(clients["legal"], mailed_filing, "Is the ZIP right?", "site.zip")
    _comment(clients["administrator"], mailed_filing, "Yes, @legal@hopewell.test, checked.", "site.zip")
    assert [k for k, _ in _inbox(mail_app, "legal@hopewell.test")] == ["mention"]     # one entry, not two
    _comment(clients["administrator"], mailed_filing, "Also fixed the street.", "site.zip")
    assert [k for k, _ in _inbox(mail_app, "legal@hopewell.test")] == ["mention", "reply"]
    _comment(clients["administrator"], mailed_filing, "Unrelated.", "applicant.legal_name")
    assert len(_inbox(mail_app, "legal@hopewell.test")) == 2


def test_the_mention_syntax_is_at_and_a_full_address():
    assert mentioned("cc @Jane.Doe@Example.org, and @bob@x.test.") == {"jane.doe@example.org", "bob@x.test"}
    assert mentioned("mail jane@example.org or @jane without a domain") == set()


def test_the_header_shows_the_unread_count_and_opening_an_entry_marks_it_read(mail_app, clients, mailed_filing):
    _act(clients["administrator"], mailed_filing, "submit", "submit")
    legal = clients["legal"]
    header = legal.get("/account").get_data(as_text=True)
    assert re.search(r'Inbox <span class="count">1<span class="vh"> unread</span>', header)
    page = legal.get("/inbox").get_data(as_text=True)
    entry = re.search(r'action="/inbox/(\d+)"', page).group(1)
    opened = legal.post(f"/inbox/{entry}", data={"csrf_token": csrf(legal, "/account")})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/filings/{mailed_filing}"
    assert 'class="count"' not in legal.get("/account").get_data(as_text=True)
    other = clients["compliance"]                   # someone else's entry is 404
    assert other.post(f"/inbox/{entry}", data={"csrf_token": csrf(other, "/account")}).status_code == 404


def test_mark_all_read_clears_the_count(mail_app, clients, mailed_filing):
    _act(clients["administrator"], mailed_filing, "submit", "submit")
    legal = clients["legal"]
    legal.post("/inbox/read", data={"csrf_token": csrf(legal, "/account")})
    assert 'class="count"' not in legal.get("/inbox").get_data(as_text=True)


def test_turning_mail_off_keeps_the_inbox_and_sends_nothing(mail_app, mailbox, clients, mailed_filing):
    legal = clients["legal"]
    saved = legal.post("/account/notifications", data={"csrf_token": csrf(legal, "/account/notifications"),
                                                       "reminder_days": "7"})
    assert saved.status_code == 303
    _act(clients["administrator"], mailed_filing, "submit", "submit")
    assert [k for k, _ in _inbox(mail_app, "legal@hopewell.test")] == ["submitted"]
    assert mailbox.messages == []


@pytest.mark.parametrize("days", ["-1", "91", "soon"])
def test_a_bad_lead_time_is_refused_at_its_field(mail_app, clients, days):
    legal = clients["legal"]
    response = legal.post("/account/notifications", data={"csrf_token": csrf(legal, "/account/notifications"),
                                                          "notify_by_email": "y", "reminder_days": days})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#f-reminder_days"' in page


def _timeline_dates(app, filing_id: int) -> dict[str, str]:
    with app.app_context():
        from cone.web.models import FilingVersion
        version = db.session.scalar(db.select(FilingVersion).filter_by(filing_id=filing_id))
        return {r["id"]: r["date"] for r in version.timeline["rows"]}


def test_reminders_come_at_each_users_lead_time_from_the_stored_timeline_and_only_once(mail_app, mailbox,
                                                                                     mailed_filing):
    dates = _timeline_dates(mail_app, mailed_filing)
    day = dt.date.fromisoformat(dates["earliest_filing"])
    with mail_app.app_context():
        db.session.execute(db.update(User).values(reminder_days=0))
        db.session.execute(db.update(User).where(User.email == "legal@hopewell.test").values(reminder_days=3))
        db.session.execute(db.update(User).where(User.email == "compliance@hopewell.test").values(reminder_days=1))
        db.session.commit()
    runner = mail_app.test_cli_runner()
    today = (day - dt.timedelta(days=3)).isoformat()
    first = runner.invoke(args=["cone", "send-reminders", "--today", today])
    assert first.exit_code == 0, first.output
    legal = [t for k, t in _inbox(mail_app, "legal@hopewell.test") if k == "reminder"]
    assert any(t.startswith("Earliest filing date") and "(in 3 days)" in t for t in legal)
    window = {k for k, d in dates.items() if dt.date.fromisoformat(today) <= dt.date.fromisoformat(d) <= day}
    assert len(legal) == len(window)                                     # the dates within 3 days, no others
    assert _inbox(mail_app, "compliance@hopewell.test") == []            # 1 day ahead: not yet
    sent = len(mailbox.messages)
    assert sent == len(legal) >= 1
    again = runner.invoke(args=["cone", "send-reminders", "--today", today])
    assert again.exit_code == 0 and "0 reminder(s) made" in again.output
    assert len(mailbox.messages) == sent and len(_inbox(mail_app, "legal@hopewell.test")) == len(legal)
    later = runner.invoke(args=["cone", "send-reminders", "--today", (day - dt.timedelta(days=1)).isoformat()])
    assert later.exit_code == 0
    assert any("Earliest filing date" in t and "(tomorrow)" in t for _, t in _inbox(mail_app, "compliance@hopewell.test"))
    assert sum("Earliest filing date" in t for _, t in _inbox(mail_app, "legal@hopewell.test")) == 1


def test_no_reminder_for_a_past_date_or_a_deactivated_member(mail_app, mailbox, mailed_filing):
    dates = _timeline_dates(mail_app, mailed_filing)
    last = max(dt.date.fromisoformat(d) for d in dates.values())
    with mail_app.app_context():
        from cone.web.models import Membership
        user_id = db.session.scalar(db.select(User.id).filter_by(email="legal@hopewell.test"))
        db.session.execute(db.update(Membership).where(Membership.user_id == user_id).values(active=False))
        db.session.commit()
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["cone", "send-reminders", "--today", (last + dt.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0 and "0 reminder(s) made" in result.output
    runner.invoke(args=["cone", "send-reminders", "--today", last.isoformat()])
    assert _inbox(mail_app, "legal@hopewell.test") == []
    assert _inbox(mail_app, "administrator@hopewell.test") != []


def test_the_account_page_links_the_notification_settings_which_show_the_saved_choice(mail_app, clients):
    legal = clients["legal"]
    assert 'href="/account/notifications"' in legal.get("/account").get_data(as_text=True)
    legal.post("/account/notifications", data={"csrf_token": csrf(legal, "/account/notifications"),
                                               "notify_by_email": "y", "reminder_days": "14"})
    page = legal.get("/account/notifications").get_data(as_text=True)
    assert 'value="14"' in page and re.search(r'name="notify_by_email" value="y"\s+checked', page)


def test_a_refused_hand_off_tells_no_one_and_mails_nothing(mail_app, mailbox, clients, mailed_filing):
    response = clients["legal"].post(f"/filings/{mailed_filing}/review",
                                     data={"csrf_token": csrf(clients["legal"], "/account"), "version": "1",
                                           "action": "approve"})     # a draft cannot be approved
    assert response.status_code == 303
    assert "Not done" in clients["legal"].get(response.headers["Location"]).get_data(as_text=True)
    assert _inbox(mail_app, "administrator@hopewell.test") == [] and mailbox.messages == []
    with mail_app.app_context():
        from cone.web.models import OutboxMail
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMail)) == 0


def test_the_inbox_shows_a_page_at_a_time_newest_first(app, login):
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="legal@hopewell.test"))
        db.session.add_all(Notification(user_id=user_id, kind="comment", text=f"note {i:02d}", link="/")
                           for i in range(30))
        db.session.commit()
    client = login("legal")
    first = client.get("/inbox").get_data(as_text=True)
    assert "note 29" in first and "note 05" in first and "note 04" not in first      # 25 of 30, newest first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/inbox?page=2").get_data(as_text=True)
    assert "note 04" in second and "note 00" in second and "note 05" not in second and 'rel="next"' not in second
    refused = client.get("/inbox?page=0")
    assert refused.status_code == 400 and "&#39;page&#39; must be a whole number" in refused.get_data(as_text=True)
