"""The TOTP second factor's service: enrolment confirmed with a code the test computes from the
secret, a code accepted once, a wrong code refused, recovery codes used once, the step-up age
read from the app's clock, the organization's requirement and turning the factor off."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from conftest import PASSWORD
from sqlalchemy import select

from cone.web.accounts import two_factor
from cone.web.extensions import db
from cone.web.models import Notification, Organization, RecoveryCode, User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

START = dt.datetime(2026, 12, 3, 12, 0, 0)


class Clock:
    """The time the app reads (CONE_CLOCK), moved by the test."""

    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> dt.datetime:
        return self.at


def _code(secret: str, at: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(at.replace(tzinfo=dt.timezone.utc))


@pytest.fixture
def clock(app):
    found = Clock()
    app.config["CONE_CLOCK"] = found
    return found


def _enrolled(email: str, clock: Clock) -> tuple[User, str, list[str]]:
    user = db.session.scalar(select(User).where(User.email == email))
    secret = two_factor.begin_enrolment(user).secret
    codes = two_factor.confirm_enrolment(user, _code(secret, clock.at))
    return user, secret, codes


def test_enrolment_needs_the_apps_current_code_and_gives_ten_recovery_codes_stored_hashed(app, clock):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "legal@hopewell.test"))
        pending = two_factor.begin_enrolment(user)
        assert "<svg" in two_factor.qr_svg(two_factor.provisioning_uri(user, pending))
        with pytest.raises(two_factor.TwoFactorRefused, match="code is not right"):
            two_factor.confirm_enrolment(user, "000000" if _code(pending.secret, clock.at) != "000000" else "111111")
        assert two_factor.factor(user.id) is None
        codes = two_factor.confirm_enrolment(user, _code(pending.secret, clock.at))
        assert len(set(codes)) == 10 and two_factor.factor(user.id) is not None
        stored = db.session.scalars(select(RecoveryCode.digest).where(RecoveryCode.user_id == user.id)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)
        assert db.session.scalar(select(Notification.text).where(Notification.user_id == user.id)).startswith(
            "A second factor was set up")


def test_a_code_is_accepted_once_and_a_wrong_code_is_refused(app, clock):
    with app.app_context():
        user, secret, _ = _enrolled("legal@hopewell.test", clock)
        clock.at += dt.timedelta(minutes=1)
        assert not two_factor.verify(user.id, "12345x")
        assert two_factor.verify(user.id, _code(secret, clock.at))
        assert not two_factor.verify(user.id, _code(secret, clock.at))      # the same code again: a replay


def test_a_recovery_code_is_accepted_once(app, clock):
    with app.app_context():
        user, _, codes = _enrolled("legal@hopewell.test", clock)
        assert two_factor.verify(user.id, codes[3].upper())
        assert not two_factor.verify(user.id, codes[3])
        assert two_factor.verify(user.id, codes[4])


def test_step_up_is_needed_after_fifteen_minutes_and_not_before(app, clock):
    with app.app_context():
        user, secret, _ = _enrolled("legal@hopewell.test", clock)
        clock.at += dt.timedelta(minutes=15)
        assert two_factor.recently_verified(user.id)
        clock.at += dt.timedelta(seconds=1)
        assert not two_factor.recently_verified(user.id)
        assert two_factor.verify(user.id, _code(secret, clock.at))
        assert two_factor.recently_verified(user.id)


@pytest.mark.parametrize(("require", "role", "needed"), [
    ("none", "legal", False), ("all", "administrator", True),
    ("approvers", "legal", True), ("approvers", "compliance", True), ("approvers", "administrator", False),
])
def test_the_organizations_requirement_names_whom_it_binds(app, require, role, needed):
    with app.app_context():
        hopewell = db.session.scalar(select(Organization.id).where(Organization.name == "Hopewell"))
        two_factor.set_policy(hopewell, require)
        user = db.session.scalar(select(User).where(User.email == f"{role}@hopewell.test"))
        other = db.session.scalar(select(User).where(User.email == f"{role}@other.test"))
        assert two_factor.required(user.id) is needed
        assert two_factor.required(other.id) is False


def test_an_unknown_requirement_is_refused(app):
    with app.app_context(), pytest.raises(two_factor.TwoFactorRefused, match="choose nobody"):
        two_factor.set_policy(1, "some")


def test_turning_the_factor_off_needs_the_password_and_a_code(app, clock):
    with app.app_context():
        user, secret, _ = _enrolled("legal@hopewell.test", clock)
        clock.at += dt.timedelta(minutes=1)
        with pytest.raises(two_factor.TwoFactorRefused, match="password is not right"):
            two_factor.disable(user, "wrong password", _code(secret, clock.at))
        with pytest.raises(two_factor.TwoFactorRefused, match="code is not right"):
            two_factor.disable(user, PASSWORD, "")
        assert two_factor.factor(user.id) is not None
        two_factor.disable(user, PASSWORD, _code(secret, clock.at))
        assert two_factor.factor(user.id) is None
        assert not db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
