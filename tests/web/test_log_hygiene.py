"""No log line holds a password, an API token, a session cookie, a CSRF token, an e-mail
address or what a user wrote, across a full journey with SQL statement logging on and a
database fault on the way."""
from __future__ import annotations

import io
import logging
import re
import sqlite3

import pytest

from conftest import PASSWORD, csrf, sign_in, tiny_pdf

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

NEW_PASSWORD = "a much longer new passphrase"
WRONG_PASSWORD = "wrong guess 4711"
COMMENT = "Please confirm the lease with the landlord before filing"
STREET = "77 Hidden Lane"


def _journey(app, example) -> set[str]:
    """Sign in, create and edit a filing by form and API, comment, upload, review, render,
    change the password, sign out, meet a locked database: the secrets met on the way."""
    secrets = {PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, COMMENT, STREET}
    admin, legal, compliance, stranger = (app.test_client() for _ in range(4))
    token = csrf(stranger, "/signin")
    stranger.post("/signin", data={"email": "administrator@hopewell.test", "password": WRONG_PASSWORD, "csrf_token": token})
    for client, who in ((admin, "administrator"), (legal, "legal"), (compliance, "compliance")):
        sign_in(client, f"{who}@hopewell.test")
        secrets |= {client.get_cookie("session").value, csrf(client, "/account")}
    page = admin.post("/account", data={"csrf_token": csrf(admin, "/account"), "label": "filing system",
                                             "days": "90", "password": PASSWORD})
    secret = re.search(r'<code class="token">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    secrets.add(secret)
    headers = {"Authorization": f"Bearer {secret}"}
    filing_id = app.test_client().post("/api/v1/filings", json=example, headers=headers).get_json()["id"]
    admin.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": csrf(admin, f"/filings/{filing_id}/sections/site"), "version": "1", "action": "save_exit",
        "site-street": STREET})
    app.test_client().get(f"/api/v1/filings/{filing_id}", headers=headers)
    app.test_client().get("/api/v1/filings", headers={"Authorization": "Bearer cone_not_a_real_token"})
    admin.post(f"/filings/{filing_id}/exhibits", data={"csrf_token": csrf(admin, "/account"),
               "exhibit": (io.BytesIO(tiny_pdf()), "lease.pdf")}, content_type="multipart/form-data")
    legal.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(legal, "/account"), "field": "", "body": COMMENT})
    legal.post(f"/filings/{filing_id}/comments", data={"csrf_token": "forged", "field": "", "body": COMMENT})
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database.startswith("sqlite:///"):
        writer = sqlite3.connect(database.removeprefix("sqlite:///"), timeout=0)
        writer.execute("BEGIN EXCLUSIVE")
        legal.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(legal, "/account"), "field": "",
                                                           "body": COMMENT})
        writer.rollback()
        writer.close()
    compliance.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(compliance, "/account"), "kind": "draft"})
    admin.get(f"/filings/{filing_id}/audit.csv")
    admin.post("/account/password", data={"csrf_token": csrf(admin, "/account"), "current": PASSWORD,
                                          "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    legal.post("/signout", data={"csrf_token": csrf(legal, "/account")})
    return secrets


def test_a_full_journey_logs_no_secret_and_no_user_data(app, example, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")      # every statement logged, as when debugging
    secrets = _journey(app, example)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(r) for r in caplog.records]
    assert sum("INSERT INTO comments" in line for line in lines) >= 1      # the statements were logged
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert sum("database fault database_locked" in line for line in lines) == 1
    leaks = [(s, line) for line in lines for s in secrets if s in line]
    leaks += [("an e-mail address", line) for line in lines if re.search(r"[\w.]+@[\w.]+\.test", line)]
    assert leaks == []
