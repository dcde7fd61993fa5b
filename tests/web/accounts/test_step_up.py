"""Step-up on minting a token (the same check guards approving and marking filed): a fresh code
is asked for once the last one is older than 15 minutes, by the app's clock, and not before; a
user without a second factor passes unless the organization requires one."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from conftest import PASSWORD, csrf
from sqlalchemy import select

from cone.web.accounts import two_factor
from cone.web.extensions import db
from cone.web.models import ApiToken, Organization, User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 3, 12, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.at


def _code(secret: str, at: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(at.replace(tzinfo=dt.timezone.utc))


def _tokens(app, email: str) -> int:
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        return len(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)).all())


@pytest.fixture
def enrolled(app):
    clock = Clock()
    app.config["CONE_CLOCK"] = clock
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "legal@hopewell.test"))
        secret = two_factor.begin_enrolment(user).secret
        two_factor.confirm_enrolment(user, _code(secret, clock.at))
    return clock, secret


def _mint(client, **extra):
    return client.post("/account", data={"csrf_token": csrf(client, "/account"), "label": "ci", "days": "90",
                                          "password": PASSWORD, **extra})


def test_minting_a_token_within_fifteen_minutes_of_the_last_code_asks_nothing(app, login, enrolled):
    clock, _ = enrolled
    clock.at += dt.timedelta(minutes=15)
    assert _mint(login("legal")).status_code == 200
    assert _tokens(app, "legal@hopewell.test") == 1


def test_after_fifteen_minutes_minting_asks_for_a_code_refuses_a_wrong_one_and_accepts_the_current(app, login,
                                                                                                      enrolled):
    clock, secret = enrolled
    client = login("legal")
    clock.at += dt.timedelta(minutes=16)
    asked = _mint(client)
    assert asked.status_code == 401 and "Confirm with your second factor" in asked.get_data(as_text=True)
    assert 'name="label" value="ci"' in asked.get_data(as_text=True)
    assert _mint(client, two_factor_code="abcdef").status_code == 422
    assert _tokens(app, "legal@hopewell.test") == 0
    assert _mint(client, two_factor_code=_code(secret, clock.at)).status_code == 200
    assert _tokens(app, "legal@hopewell.test") == 1


def test_a_user_without_a_factor_mints_unless_the_organization_requires_one(app, login):
    client = login("legal")
    assert _mint(client).status_code == 200
    with app.app_context():
        two_factor.set_policy(db.session.scalar(select(Organization.id).where(Organization.name == "Hopewell")),
                              "approvers")
    refused = _mint(client)
    assert refused.status_code == 401 and "requires a second factor" in refused.get_data(as_text=True)
    assert _tokens(app, "legal@hopewell.test") == 1
