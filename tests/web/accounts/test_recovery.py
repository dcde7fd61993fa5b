"""A forgotten password by e-mail link: the same answer whether or not the address has an
account; the link works once, before it expires; forged links are refused."""
from __future__ import annotations

import re

import pytest
from conftest import csrf, mail_settings, make_app, sign_in
from itsdangerous import URLSafeTimedSerializer
from smtp_sink import text_of

from cone.web.accounts.service import RESET_SALT
from cone.web.extensions import db
from cone.web.models import User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

NEW = "a brand new passphrase"


def _forgot(client, email: str):
    return client.post("/password/forgot", data={"csrf_token": csrf(client, "/password/forgot"), "email": email})


def _reset(client, path: str, password: str = NEW):
    return client.post(path, data={"csrf_token": csrf(client, "/signin"), "new": password, "confirm": password})


def _reset_path(message) -> str:
    return re.search(r"https://cone\.example\.test(/password/reset/\S+)", text_of(message)).group(1)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address_and_only_the_known_gets_mail(mail_app, mailbox):
    known = _forgot(mail_app.test_client(), "legal@hopewell.test")
    unknown = _forgot(mail_app.test_client(), "nobody@hopewell.test")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, e: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True).replace(e, "ADDRESS"))  # noqa: E731
    assert strip(known, "legal@hopewell.test") == strip(unknown, "nobody@hopewell.test")
    assert [m["To"] for m in mailbox.messages] == ["legal@hopewell.test"]


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(mail_app, mailbox):
    elsewhere = mail_app.test_client()
    sign_in(elsewhere, "legal@hopewell.test")
    _forgot(mail_app.test_client(), "legal@hopewell.test")
    path = _reset_path(mailbox.messages[0])
    client = mail_app.test_client()
    assert "Choose a new password" in client.get(path).get_data(as_text=True)
    short = _reset(client, path, "short")
    assert short.status_code == 422 and "Use at least 12 characters" in short.get_data(as_text=True)
    done = _reset(client, path)
    assert done.status_code == 303 and done.headers["Location"] == "/signin"
    with mail_app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test")).check_password(NEW)
    assert elsewhere.get("/filings/").status_code == 302                 # signed out
    reused = _reset(mail_app.test_client(), path, "yet another passphrase")
    assert reused.status_code == 410 and "used already" in reused.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test")).check_password(NEW)


def test_forged_and_expired_reset_links_are_refused(database, mailbox):
    app = make_app(database, **mail_settings(mailbox.port), PASSWORD_RESET_MINUTES=-1)   # links are a minute past their life
    _forgot(app.test_client(), "legal@hopewell.test")
    expired = app.test_client().get(_reset_path(mailbox.messages[0]))
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="legal@hopewell.test"))
        forged = URLSafeTimedSerializer("another key", salt=RESET_SALT).dumps({"u": user_id, "s": "x"})
    for path in (f"/password/reset/{forged}", "/password/reset/garbage"):
        response = _reset(app.test_client(), path)
        assert response.status_code == 410 and "not valid" in response.get_data(as_text=True)
    sign_in(app.test_client(), "legal@hopewell.test")                    # the password stayed
    with app.app_context():
        db.engine.dispose()


def test_a_bad_address_is_named_at_its_field_and_sends_nothing(mail_app, mailbox):
    response = _forgot(mail_app.test_client(), "not an address")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#f-email"' in page and "like name@example.org" in page
    assert mailbox.messages == []


def test_without_mail_the_page_says_whom_to_ask(app):
    page = app.test_client().get("/password/forgot").get_data(as_text=True)
    assert "sends no e-mail" in page and 'name="email"' not in page


def test_the_sign_in_page_links_the_forgotten_password_page_and_names_the_manager(app):
    page = app.test_client().get("/signin").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "manager of your organization" in page
    assert "create-user" not in page


def test_a_one_time_password_blocks_every_other_page_and_form_until_changed(app, login):
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == "administrator@hopewell.test")
                           .values(must_change_password=True))
        db.session.commit()
    client = login()
    for method, path in (("GET", "/filings/"), ("GET", "/inbox"), ("POST", "/filings/new"), ("GET", "/")):
        response = client.open(path, method=method, data={"csrf_token": csrf(client, "/account"),
                                                          "filing_type": "new_facility"})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"] in ("/account", "/filings/"), (method, path)
    with app.app_context():
        from cone.web.models import FilingRecord
        assert db.session.scalar(db.select(db.func.count()).select_from(FilingRecord)) == 0
    assert client.get("/account").status_code == 200
