"""The account page: changing the password, which signs out the user's other sessions and, if
asked, revokes the API tokens; the tokens with their last use."""
from __future__ import annotations

import pytest
from conftest import PASSWORD, csrf, make_app, sign_in

from cone.web.extensions import db
from cone.web.models import ApiToken, User, utcnow

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

NEW = "a much longer new passphrase"


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/account/password", data={"csrf_token": csrf(client, "/account"), "current": current,
                                                  "new": new, "confirm": new if confirm is None else confirm})


@pytest.mark.parametrize(("current", "new", "confirm", "field", "message"), [
    ("wrong password", NEW, None, "current", "The current password is not right"),
    (PASSWORD, "short", None, "new", "Use at least 12 characters"),
    (PASSWORD, NEW, NEW + "!", "confirm", "The two new passwords are not the same"),
    (PASSWORD, PASSWORD, None, "new", "Choose a password other than the current one"),
    ("", NEW, None, "current", "Enter your current password"),
])
def test_a_refused_change_names_the_field_and_keeps_the_password(app, login, current, new, confirm, field, message):
    client = login()
    response = _change(client, current, new, confirm)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'href="#f-{field}"' in page and "<title>Error: Your account" in page      # error summary links the field
    assert client.get("/filings/").status_code == 200
    other = app.test_client()
    sign_in(other, "administrator@hopewell.test")           # the old password still works


def test_a_new_password_signs_out_the_other_sessions_and_keeps_this_one(app, login):
    here, elsewhere = login(), login()
    assert elsewhere.get("/filings/").status_code == 200
    response = _change(here, PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your password is changed" in here.get("/account").get_data(as_text=True)
    assert here.get("/filings/").status_code == 200
    signed_out = elsewhere.get("/filings/")
    assert signed_out.status_code == 302 and "/signin" in signed_out.headers["Location"]
    fresh = app.test_client()
    token = csrf(fresh, "/signin")
    assert fresh.post("/signin", data={"email": "administrator@hopewell.test", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 422
    assert fresh.post("/signin", data={"email": "administrator@hopewell.test", "password": NEW,
                                       "csrf_token": token}).status_code == 302


def test_guessing_the_current_password_is_throttled_like_signing_in(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/t.sqlite", RATELIMIT_ENABLED=True, SIGNIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    sign_in(client, "administrator@hopewell.test")           # one attempt of the three
    statuses = [_change(client, "guess", NEW).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    with app.app_context():
        db.engine.dispose()


def _token_of(app, email: str = "administrator@hopewell.test") -> dict[str, str]:
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        secret = ApiToken.issue(user.id, "filing system")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("revoke", "status"), [(True, 401), (False, 200)])
def test_a_password_change_revokes_the_api_tokens_when_asked_and_only_then(app, login, revoke, status):
    headers = _token_of(app)
    client = login()
    assert client.get("/api/v1/filings", headers=headers).status_code == 200
    data = {"csrf_token": csrf(client, "/account"), "current": PASSWORD, "new": NEW, "confirm": NEW}
    if revoke:
        data["revoke_tokens"] = "y"
    response = client.post("/account/password", data=data)
    assert response.status_code == 302
    assert ("1 API token revoked" in client.get("/account").get_data(as_text=True)) is revoke
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == status


def test_the_password_form_offers_to_revoke_the_tokens_checked_by_default(app, login):
    client = login()
    assert "revoke_tokens" not in client.get("/account").get_data(as_text=True)    # no tokens, no question
    _token_of(app)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="revoke_tokens" value="y" checked' in page


def test_the_account_page_lists_each_tokens_last_use_and_revokes_it(app, login):
    headers = _token_of(app)
    client = login()
    page = client.get("/account").get_data(as_text=True)
    assert "filing system" in page and ">never<" in page
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == 200
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken))
        used, token_id = token.last_used_at, token.id
    assert used is not None and abs((utcnow() - used).total_seconds()) < 60
    assert used.strftime("%Y-%m-%d %H:%M") in client.get("/account").get_data(as_text=True)
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(client, "/account")})
    assert response.status_code == 302
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(app, login):
    _token_of(app, "legal@hopewell.test")
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    client = login()
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(client, "/account")})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id) is not None
