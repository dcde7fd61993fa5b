"""A new team, as it would start: the bootstrap user changes the one-time password, invites a
legal reviewer and a compliance user by e-mail, they accept, and a filing goes through review
with each hand-off arriving by e-mail (read from a real SMTP server) and in the inbox."""
from __future__ import annotations

import re

import pytest
from conftest import csrf, filed_form, mail_settings
from flask_migrate import upgrade
from smtp_sink import text_of

from cone.web import create_app
from cone.web.extensions import db

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _post(client, path: str, form_page: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, form_page), **data})


def _step(client, filing_id: int, endpoint: str, action: str, **extra):
    version = re.search(r"· version (\d+) ·", client.get(f"/filings/{filing_id}").get_data(as_text=True)).group(1)
    response = _post(client, f"/filings/{filing_id}/{endpoint}", "/account", version=version, action=action, **extra)
    assert response.status_code == 303


def test_a_new_team_sets_itself_up_and_runs_a_filing_through_review_by_mail(database, mailbox, example):
    app = create_app({"TESTING": True, "SECRET_KEY": "journey", "SQLALCHEMY_DATABASE_URI": database,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False, "RENDER_WORKER": "inline",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **mail_settings(mailbox.port)})
    with app.app_context():
        upgrade()
    out = app.test_cli_runner().invoke(args=["cone", "bootstrap"]).output
    email, password = re.search(r"e-mail:\s+(\S+)", out).group(1), re.search(r"password:\s+(\S+)", out).group(1)
    assert "organization: My organization" in out

    admin = app.test_client()
    assert _post(admin, "/signin", "/signin", email=email, password=password).status_code == 302
    assert admin.get("/filings/").headers["Location"] == "/account"            # change it first
    mine = "a long walk on the harbour wall at dusk"
    assert _post(admin, "/account/password", "/account", current=password, new=mine, confirm=mine).status_code == 302
    people = re.search(r'href="(/organizations/\d+/members)"', admin.get("/filings/").get_data(as_text=True)).group(1)
    org_path = people.rsplit("/", 1)[0]
    assert _post(admin, f"{org_path}/name", people, name="Hopewell Health").status_code == 303
    for address, role in (("lee@hopewell.test", "legal"), ("cam@hopewell.test", "compliance")):
        assert _post(admin, f"{org_path}/invitations", people, email=address, role=role).status_code == 303
    assert [m["To"] for m in mailbox.messages][0] == email          # told that the password changed
    invitations = {m["To"]: m for m in mailbox.messages if m["To"] != email}
    assert set(invitations) == {"lee@hopewell.test", "cam@hopewell.test"}
    team = {}
    for address in invitations:
        link = re.search(r"https://cone\.example\.test(/invitations/\S+)", text_of(invitations[address])).group(1)
        client = app.test_client()
        secret = "a long passphrase for the review desk"
        assert _post(client, link, "/signin", name=address.split("@")[0], new=secret, confirm=secret).status_code == 303
        team[address] = client

    token = re.search(r'<code class="token">(\S+)</code>',
                      _post(admin, "/account", "/account", label="setup", days="90", password=mine).get_data(as_text=True)).group(1)
    filing_id = admin.post("/api/v1/filings", json=example, headers={"Authorization": f"Bearer {token}"}).get_json()["id"]
    lee, cam = team["lee@hopewell.test"], team["cam@hopewell.test"]
    before = len(mailbox.messages)
    _step(admin, filing_id, "submit", "submit")
    _step(lee, filing_id, "review", "request_changes", comment="@admin@example.org please add the hours.")
    _step(admin, filing_id, "submit", "submit")
    _step(lee, filing_id, "review", "approve", attest="yes")
    _step(cam, filing_id, "filed", "mark_filed", **filed_form())
    handoffs = [(m["To"], m["Subject"].split(" “")[0]) for m in mailbox.messages[before:]]
    assert handoffs == [
        ("lee@hopewell.test", "admin@example.org submitted"),
        ("admin@example.org", "lee@hopewell.test requested changes to"),
        ("lee@hopewell.test", "admin@example.org resubmitted"),
        ("admin@example.org", "lee@hopewell.test approved"),
        ("cam@hopewell.test", "lee@hopewell.test approved"),
        ("admin@example.org", "cam@hopewell.test marked"),
        ("lee@hopewell.test", "cam@hopewell.test marked"),
    ]
    inbox = admin.get("/inbox").get_data(as_text=True)
    assert inbox.count("<strong><span class=\"vh\">Unread: </span>") == 5   # 3 hand-offs, the password change and the new token
    assert 'Inbox <span class="count">5' in inbox
    with app.app_context():
        db.engine.dispose()
