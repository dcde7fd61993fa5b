"""Session cookies and CSRF tokens: a changed, expired or foreign one is refused, and a
signed-in session works only from the client that signed in (cone.web.accounts.sessions)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from conftest import csrf, sign_in

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_changed_cookie_is_refused(login):
    client = login("administrator")
    assert client.get("/filings/").status_code == 200
    cookie = _cookie(client)
    payload, _, signature = cookie.rpartition(".")
    client.set_cookie("session", payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature)
    assert client.get("/filings/").status_code == 302
    client.set_cookie("session", cookie)
    assert client.get("/filings/").status_code == 200


def test_an_expired_session_is_refused(app, login):
    client = login("administrator")
    assert client.get("/filings/").status_code == 200
    app.permanent_session_lifetime = dt.timedelta(seconds=1)
    time.sleep(2.1)                   # the cookie's timestamp has a resolution of one second
    response = client.get("/filings/")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_one_request_changing_its_session_does_not_change_what_the_same_cookie_holds(app, login, filing_id):
    client = login("administrator")
    before = _cookie(client)
    token = csrf(client, f"/filings/{filing_id}/sections/site")
    response = client.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": token, "version": "1", "action": "save_exit", "site-street": "12 Main Street"})
    assert response.status_code == 302                          # saved, with a flashed message
    client.set_cookie("session", before)                        # the older cookie, as another tab sends it
    page = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "Your answers are saved" not in page


def test_a_csrf_token_is_good_only_for_its_own_session(app, login, filing_id):
    first, second = login("administrator"), login("administrator")
    token = csrf(first, f"/filings/{filing_id}/sections/site")
    assert token != csrf(second, f"/filings/{filing_id}/sections/site")
    response = second.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": token, "version": "1", "action": "continue", "site-street": "12 Main Street"})
    assert response.status_code == 400


def _signed_in_from(app, address: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT="browser/1")
    sign_in(client, "administrator@hopewell.test")
    assert client.get("/filings/").status_code == 200
    return client


def test_a_session_works_only_from_the_address_and_agent_that_signed_in(app):
    client = _signed_in_from(app, "198.51.100.7")
    client.environ_base["HTTP_USER_AGENT"] = "other/2"
    assert client.get("/filings/").status_code == 302
    client = _signed_in_from(app, "198.51.100.7")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    assert client.get("/filings/").status_code == 302


def test_a_stolen_cookie_does_not_work_by_naming_its_owners_address(app):
    """Flask-Login's own check believed X-Forwarded-For, which the client writes."""
    client = _signed_in_from(app, "198.51.100.7")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    response = client.get("/filings/", headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
