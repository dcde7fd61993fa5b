"""API tokens minted on the account page (cone.web.accounts.tokens): only with the current
password, with an expiry of 1 to 365 days (90 by default) and an optional read-only scope that
the API enforces; an expired token is refused; each new token is told by mail and in the inbox."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import PASSWORD, csrf, sign_in

from cone.web.extensions import db
from cone.web.models import ApiToken, Notification, utcnow

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _mint(client, **fields):
    data = {"csrf_token": csrf(client, "/account"), "label": "filing system", "days": "90", "password": PASSWORD,
            **fields}
    return client.post("/account", data={k: v for k, v in data.items() if v is not None})


def _secret(response) -> str:
    return re.search(r"cone_[A-Za-z0-9_-]+", response.get_data(as_text=True)).group(0)


@pytest.mark.parametrize(("fields", "message"), [
    ({"password": None}, "Enter your current password to create a token"),
    ({"password": "not my password"}, "The current password is not right"),
    ({"days": "366"}, "Enter a number of days from 1 to 365"),
    ({"days": "0"}, "Enter a number of days from 1 to 365"),
])
def test_a_token_is_not_minted_without_the_current_password_or_with_a_bad_expiry(app, login, fields, message):
    response = _mint(login(), **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken)) is None


def test_a_token_minted_with_the_password_expires_after_the_days_chosen(app, login):
    response = _mint(login(), days="30")
    assert response.status_code == 200 and _secret(response)
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken))
        left = token.expires_at - utcnow()
    assert dt.timedelta(days=29, hours=23) < left <= dt.timedelta(days=30)


def test_a_token_lasts_90_days_unless_chosen(app, login):
    _mint(login(), days=None)
    with app.app_context():
        left = db.session.scalar(db.select(ApiToken)).expires_at - utcnow()
    assert dt.timedelta(days=89, hours=23) < left <= dt.timedelta(days=90)


def test_an_expired_token_is_refused_and_a_live_one_accepted(app, login):
    headers = {"Authorization": f"Bearer {_secret(_mint(login()))}"}
    api = app.test_client()
    assert api.get("/api/v1/filings", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken))
        token.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    response = api.get("/api/v1/filings", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["status"] == 401


def test_a_read_only_token_reads_but_is_refused_on_every_write_with_a_json_error(app, login, example, filing_id):
    headers = {"Authorization": f"Bearer {_secret(_mint(login(), read_only='y'))}"}
    api = app.test_client()
    assert api.get("/api/v1/filings", headers=headers).status_code == 200
    assert api.get(f"/api/v1/filings/{filing_id}", headers=headers).status_code == 200
    for response in (api.post("/api/v1/filings", json=example, headers=headers),
                     api.put(f"/api/v1/filings/{filing_id}", json=example, headers=headers)):
        assert response.status_code == 403
        assert "read-only" in response.get_json()["error"]["message"]


def test_a_token_without_the_read_only_scope_can_write(app, login, example):
    headers = {"Authorization": f"Bearer {_secret(_mint(login()))}"}
    assert app.test_client().post("/api/v1/filings", json=example, headers=headers).status_code == 201


def test_a_new_token_is_told_by_mail_and_in_the_inbox(mail_app, mailbox):
    client = mail_app.test_client()
    sign_in(client, "legal@hopewell.test")
    assert _mint(client, label="nightly export", read_only="y").status_code == 200
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "legal@hopewell.test" and "read-only api token" in message["Subject"].lower()
    assert "nightly export" in client.get("/inbox").get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(kind="security")) == 1


def test_the_cli_mints_a_read_only_token_with_its_expiry(app):
    result = app.test_cli_runner().invoke(args=["cone", "create-token", "legal@hopewell.test", "--days", "7",
                                                "--read-only"])
    assert result.exit_code == 0 and result.output.startswith("cone_")
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken))
        assert token.read_only and token.expires_at - utcnow() <= dt.timedelta(days=7)
    refused = app.test_cli_runner().invoke(args=["cone", "create-token", "legal@hopewell.test", "--days", "400"])
    assert refused.exit_code == 2 and "--days" in refused.output
