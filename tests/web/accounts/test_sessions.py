"""Session cookies and CSRF tokens: a changed, expired, foreign or signed-out one is refused, a
signed-in session works only from the client that signed in (cone.web.accounts.sessions), and
signing in, out or changing the password gives the browser a new CSRF token."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from conftest import PASSWORD, csrf, sign_in

from cone.web.extensions import db
from cone.web.models import Comment

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


def _sign_out(client) -> None:
    assert client.post("/signout", data={"csrf_token": csrf(client, "/account")}).status_code == 302


def test_a_session_cookie_copied_before_sign_out_stops_working_after_it(app, login):
    client = login("legal")
    copy = app.test_client()
    copy.set_cookie("session", _cookie(client))
    assert copy.get("/filings/").status_code == 200             # the copy works while the session lasts
    _sign_out(client)
    response = copy.get("/filings/")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_signing_out_ends_the_users_other_sessions_and_no_one_elses(app, login):
    here, elsewhere, colleague = login("legal"), login("legal"), login("administrator")
    _sign_out(here)
    assert elsewhere.get("/filings/").status_code == 302
    assert colleague.get("/filings/").status_code == 200
    again = login("legal")                                      # signing in again works at once
    assert again.get("/filings/").status_code == 200


def _comments(app, filing_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Comment.body).filter_by(filing_id=filing_id)))


def _comment(client, filing_id: int, token: str, body: str):
    return client.post(f"/filings/{filing_id}/comments", data={"csrf_token": token, "field": "", "body": body})


def test_a_form_token_from_before_sign_out_is_refused_after_someone_else_signs_in(app, filing_id):
    browser = app.test_client()
    sign_in(browser, "administrator@hopewell.test")
    stale = csrf(browser, f"/filings/{filing_id}")
    _sign_out(browser)
    sign_in(browser, "legal@hopewell.test")
    refused = _comment(browser, filing_id, stale, "posted with the last user's token")
    assert refused.status_code == 400 and "This form has expired" in refused.get_data(as_text=True)
    assert _comments(app, filing_id) == []
    fresh = _comment(browser, filing_id, csrf(browser, f"/filings/{filing_id}"), "posted with this user's token")
    assert fresh.status_code == 303 and _comments(app, filing_id) == ["posted with this user's token"]


def test_a_form_token_from_before_sign_in_is_refused_after_it(app, filing_id):
    browser = app.test_client()
    stale = csrf(browser, "/signin")
    sign_in(browser, "legal@hopewell.test")
    assert _comment(browser, filing_id, stale, "posted with the sign-in page's token").status_code == 400
    assert _comments(app, filing_id) == []
    assert _comment(browser, filing_id, csrf(browser, "/account"), "first post after sign-in").status_code == 303


def test_a_form_token_from_before_a_password_change_is_refused_after_it(app, login, filing_id):
    client = login("legal")
    stale = csrf(client, "/account")
    response = client.post("/account/password", data={"csrf_token": stale, "current": PASSWORD,
                                                      "new": "a much longer new passphrase",
                                                      "confirm": "a much longer new passphrase"})
    assert response.status_code == 302
    assert _comment(client, filing_id, stale, "posted with the old token").status_code == 400
    assert _comments(app, filing_id) == []
    assert _comment(client, filing_id, csrf(client, "/account"), "posted with the new token").status_code == 303
