"""The security log: JSON lines on `cone.security` for sign-ins, sign-outs, throttling,
password and token changes and refusals, each naming request, user, address, method and path,
and never a password, token or form content."""
from __future__ import annotations

import json
import logging
import re

import pytest

from conftest import PASSWORD, csrf
from cone.web import security_log

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

WRONG = "Tr0ub4dor&3-wrong-password"


class Lines(logging.Handler):
    """The log's lines as written, one string each."""

    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def events(self, name: str) -> list[dict]:
        return [entry for entry in map(json.loads, self.lines) if entry["event"] == name]


@pytest.fixture
def log():
    handler = Lines()
    security_log.logger.addHandler(handler)
    yield handler
    security_log.logger.removeHandler(handler)


def post_signin(client, email: str, password: str):
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": token})


def test_three_failed_sign_ins_are_logged_without_the_password_and_a_success_with_the_user(app, log):
    client = app.test_client()
    for _ in range(3):
        assert post_signin(client, "legal@hopewell.test", WRONG).status_code == 422
    failures = log.events("signin_failed")
    assert len(failures) == 3 and {f["reason"] for f in failures} == {"credentials"}
    assert all(f["method"] == "POST" and f["path"] == "/signin" and f["remote_addr"] and f["request_id"]
               and f["time"].endswith("+00:00") for f in failures)
    assert len({f["request_id"] for f in failures}) == 3
    assert not any(WRONG in line or "csrf" in line or "legal@hopewell.test" in line for line in log.lines)
    assert post_signin(client, "legal@hopewell.test", PASSWORD).status_code == 302
    (success,) = log.events("signin_succeeded")
    assert isinstance(success["user_id"], int) and PASSWORD not in "".join(log.lines)


def test_a_403_is_logged_with_the_user_and_the_path_and_an_allowed_page_is_not(app, login, filing_id, log):
    client = login("legal")
    assert client.get(f"/filings/{filing_id}").status_code == 200
    assert log.events("forbidden") == []
    response = client.post(f"/filings/{filing_id}/exhibits", data={"csrf_token": csrf(client, "/account")})
    assert response.status_code == 403
    (entry,) = log.events("forbidden")
    assert entry["path"] == f"/filings/{filing_id}/exhibits" and entry["method"] == "POST" and entry["status"] == 403
    assert isinstance(entry["user_id"], int) and entry["request_id"] == response.headers["X-Request-Id"]


def test_a_cr_lf_in_the_path_is_escaped_and_forges_no_line(app, log):
    response = app.test_client().get('/no-such-page%0D%0A{"event": "signin_succeeded"}')
    assert response.status_code == 404
    assert len(log.lines) == 1 and "\r" not in log.lines[0] and "\n" not in log.lines[0]
    assert "\\r\\n" in log.lines[0]
    (entry,) = log.events("not_found")
    assert entry["path"] == '/no-such-page\r\n{"event": "signin_succeeded"}' and log.events("signin_succeeded") == []


def test_an_api_request_without_a_token_is_logged_as_a_401_and_a_wrong_method_as_a_405(app, log):
    client = app.test_client()
    assert client.get("/api/v1/filings").status_code == 401
    assert client.delete("/signin").status_code == 405
    assert [e["status"] for e in log.events("unauthenticated")] == [401]
    assert [e["path"] for e in log.events("method_not_allowed")] == ["/signin"]


def test_sign_out_password_change_and_tokens_are_logged_without_their_secrets(app, login, log):
    client = login()
    page = client.post("/account", data={"csrf_token": csrf(client, "/account"), "label": "laptop",
                                         "password": PASSWORD})
    secret = re.search(r"cone_[A-Za-z0-9_-]+", page.get_data(as_text=True)).group(0)
    assert len(log.events("token_created")) == 1
    assert app.test_client().get("/api/v1/filings", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert app.test_client().get("/api/v1/filings", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert len(log.events("token_first_used")) == 1              # the first use only
    new = "a brand new passphrase"
    response = client.post("/account/password", data={"csrf_token": csrf(client, "/account"), "current": PASSWORD,
                                                     "new": new, "confirm": new, "revoke_tokens": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert log.events("password_changed")[0]["tokens_revoked"] == 1
    client.post("/signout", data={"csrf_token": csrf(client, "/account")})
    assert len(log.events("signed_out")) == 1
    assert not any(secret in line or new in line or PASSWORD in line for line in log.lines)


def test_sign_in_throttling_is_logged(app, log):
    app.config.update(RATELIMIT_ENABLED=True, SIGNIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [post_signin(client, "nobody@example.org", WRONG).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    assert [e["status"] for e in log.events("throttled")] == [429]
