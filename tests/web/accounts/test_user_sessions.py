"""Server-side sessions (cone.web.accounts.user_sessions): an absolute lifetime and an idle
timeout, each refused with the sign-in page saying why and a form sent after it kept to send
again; "your sessions" on the account page, signing out one or every other; the __Host- cookie
over HTTPS."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import PASSWORD, close_app, csrf, make_app, sign_in

from cone.web.accounts.user_sessions import device
from cone.web.extensions import db
from cone.web.models import UserSession

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _age(app, **shift: dt.timedelta) -> None:
    """Move every session's sign-in and last use back in time."""
    with app.app_context():
        for row in db.session.scalars(db.select(UserSession)):
            row.created_at -= shift.get("created", dt.timedelta())
            row.last_seen_at -= shift.get("seen", dt.timedelta())
        db.session.commit()


def test_a_session_used_within_its_limits_stays_signed_in(app, login):
    client = login()
    _age(app, created=dt.timedelta(hours=11), seen=dt.timedelta(minutes=29))
    assert client.get("/filings/").status_code == 200


def test_an_idle_session_is_refused_and_the_sign_in_page_says_so(app, login):
    client = login()
    _age(app, seen=dt.timedelta(minutes=31))
    response = client.get("/filings/")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page
    assert client.get("/filings/").status_code == 302            # still signed out


def test_an_expired_session_is_refused_however_recently_used(app, login):
    client = login()
    _age(app, created=dt.timedelta(hours=12, minutes=1))
    response = client.get("/filings/")
    assert response.status_code == 302
    assert "reached its limit of 12 hours" in client.get("/signin").get_data(as_text=True)


def test_the_limits_come_from_the_configuration(database):
    app = make_app(database, SESSION_IDLE_MINUTES=5)
    try:
        client = app.test_client()
        sign_in(client, "legal@hopewell.test")
        _age(app, seen=dt.timedelta(minutes=6))
        assert client.get("/filings/").status_code == 302
        assert "after 5 minutes without activity" in client.get("/signin").get_data(as_text=True)
    finally:
        close_app(app)


def test_a_form_sent_after_the_idle_timeout_is_offered_again_after_signing_in(app, login, filing_id):
    client = login()
    token = csrf(client, f"/filings/{filing_id}/sections/site")
    _age(app, seen=dt.timedelta(minutes=31))
    response = client.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": token, "version": "1", "action": "save_exit", "site.street": "12 <Main> Street"})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert "was not saved: after you sign in, you can send it again" in client.get("/signin").get_data(as_text=True)
    page = client.get("/signin").get_data(as_text=True)
    signin_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/signin", data={"email": "administrator@hopewell.test", "password": PASSWORD,
                                            "csrf_token": signin_token})
    assert response.headers["Location"].endswith("/signin/resume")
    resume = client.get("/signin/resume").get_data(as_text=True)
    assert 'value="12 &lt;Main&gt; Street"' in resume and f'action="/filings/{filing_id}/sections/site"' in resume
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', resume))
    fields = {k: v.replace("&lt;", "<").replace("&gt;", ">") for k, v in fields.items()}
    response = client.post(f"/filings/{filing_id}/sections/site", data=fields)
    assert response.status_code == 302
    assert "12 &lt;Main&gt; Street" in client.get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)


def test_the_account_page_lists_each_session_with_device_address_and_last_use(app):
    firefox, chrome = app.test_client(), app.test_client()
    firefox.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
    chrome.environ_base["HTTP_USER_AGENT"] = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 "
                                              "(KHTML, like Gecko) Chrome/126.0 Safari/537.36")
    sign_in(firefox, "legal@hopewell.test")
    sign_in(chrome, "legal@hopewell.test")
    page = firefox.get("/account").get_data(as_text=True)
    assert "Firefox on Windows <strong>(this browser)</strong>" in page and "Chrome on macOS" in page
    assert "127.0.0.1" in page and "Sign out everywhere else" in page


def test_sign_out_everywhere_else_ends_the_other_browsers_session_and_keeps_this_one(app, login):
    here, elsewhere, other_user = login(), login(), login("legal")
    response = here.post("/account/sessions/end-others", data={"csrf_token": csrf(here, "/account")})
    assert response.status_code == 302
    assert here.get("/filings/").status_code == 200
    assert elsewhere.get("/filings/").status_code == 302
    assert "signed out from another browser" in elsewhere.get("/signin").get_data(as_text=True)
    assert other_user.get("/filings/").status_code == 200         # another person's session is untouched


def test_signing_out_one_session_ends_only_that_one(app, login):
    here, first, second = login(), login(), login()
    with app.app_context():
        first_id = db.session.scalars(db.select(UserSession.id).order_by(UserSession.id)).all()[1]
    assert here.post(f"/account/sessions/{first_id}/end", data={"csrf_token": csrf(here, "/account")}).status_code == 302
    assert first.get("/filings/").status_code == 302
    assert second.get("/filings/").status_code == 200 and here.get("/filings/").status_code == 200


def test_nobody_can_sign_out_someone_elses_session(app, login):
    victim = login("legal")
    with app.app_context():
        victim_id = db.session.scalar(db.select(UserSession.id))
    attacker = login()
    response = attacker.post(f"/account/sessions/{victim_id}/end", data={"csrf_token": csrf(attacker, "/account")})
    assert response.status_code == 404 and victim.get("/filings/").status_code == 200


def test_the_last_use_is_written_at_most_once_a_minute(app, login):
    client = login()
    with app.app_context():
        first = db.session.scalar(db.select(UserSession.last_seen_at))
    client.get("/filings/")
    with app.app_context():
        assert db.session.scalar(db.select(UserSession.last_seen_at)) == first
    _age(app, seen=dt.timedelta(minutes=2))
    client.get("/filings/")
    with app.app_context():
        assert db.session.scalar(db.select(UserSession.last_seen_at)) > first


@pytest.mark.parametrize(("url", "name"), [("https://cone.example.test", "__Host-session"),
                                           ("http://127.0.0.1:5000", "session")])
def test_the_session_cookie_has_the_host_prefix_when_served_over_https(database, url, name):
    app = make_app(database, PUBLIC_URL=url, SESSION_COOKIE_SECURE=True,
                   TRUSTED_HOSTS=["cone.example.test", "localhost"])
    try:
        assert app.config["SESSION_COOKIE_NAME"] == name
    finally:
        close_app(app)


@pytest.mark.parametrize(("agent", "name"), [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1",
     "Safari on iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
    ("curl/8.5.0", "curl"), ("", "Unknown browser")])
def test_the_device_is_named_from_the_user_agent(agent, name):
    assert device(agent) == name
