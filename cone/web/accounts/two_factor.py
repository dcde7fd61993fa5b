"""The TOTP second factor's state: enrolment with a QR code, codes accepted once each, hashed
one-time recovery codes, each organization's requirement and the step-up age. Time is read
from `CONE_CLOCK` (a callable giving naive UTC), so that tests can move it."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from .. import security_log
from ..extensions import db
from ..models import Membership, RecoveryCode, TwoFactor, TwoFactorPolicy, User, utcnow
from ..notifications import service as notifications

RECOVERY_CODES = 10
STEP_UP_AGE = dt.timedelta(minutes=15)
POLICIES = {"none": "Nobody is required to", "all": "Every member must",
            "approvers": "Members who approve or file must"}
APPROVING_ROLES = ("legal", "compliance")


class TwoFactorRefused(Exception):
    """A code that is not right, or a change the factor's state does not allow."""


def now() -> dt.datetime:
    return current_app.config.get("CONE_CLOCK", utcnow)()


def factor(user_id: int) -> TwoFactor | None:
    """The user's confirmed second factor, if any."""
    found = db.session.get(TwoFactor, user_id)
    return found if found is not None and found.confirmed_at is not None else None


def begin_enrolment(user: User) -> TwoFactor:
    """A new, unconfirmed secret for `user` (a pending one is replaced); refused when enrolled."""
    pending = db.session.get(TwoFactor, user.id)
    if pending is not None and pending.confirmed_at is not None:
        raise TwoFactorRefused("a second factor is set up already; turn it off first")
    if pending is None:
        pending = TwoFactor(user_id=user.id, secret=pyotp.random_base32(), last_step=0)
        db.session.add(pending)
        db.session.commit()
    return pending


def provisioning_uri(user: User, pending: TwoFactor) -> str:
    return pyotp.TOTP(pending.secret).provisioning_uri(name=user.email, issuer_name="cone")


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (rendered here, nothing fetched)."""
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR code for the authenticator app")


def _recovery_digest(user_id: int, code: str) -> str:
    normalized = code.strip().replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"{user_id}:{normalized}".encode()).hexdigest()


def _accept_totp(found: TwoFactor, code: str) -> bool:
    """True, once per time step, for the code of this step or a neighbour (clock drift)."""
    totp = pyotp.TOTP(found.secret)
    moment = now().replace(tzinfo=dt.timezone.utc)
    step = totp.timecode(moment)
    for offset in (-1, 0, 1):
        if step + offset > found.last_step and hmac.compare_digest(totp.at(moment, offset), code.strip()):
            found.last_step = step + offset
            return True
    return False


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Confirm the pending secret with a code from the app; the ten recovery codes, shown once."""
    pending = db.session.get(TwoFactor, user.id)
    if pending is None or pending.confirmed_at is not None:
        raise TwoFactorRefused("start the set-up again")
    if not _accept_totp(pending, code):
        db.session.rollback()
        raise TwoFactorRefused("the code is not right; enter the six digits the app shows now")
    pending.confirmed_at = pending.last_verified_at = now()
    codes = _replace_recovery_codes(user.id)
    _changed(user, "two_factor_enabled", "A second factor was set up for your account.")
    db.session.commit()
    return codes


def _replace_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user_id, digest=_recovery_digest(user_id, c)) for c in codes)
    return codes


def verify(user_id: int, code: str) -> bool:
    """True for the current code (each accepted once) or an unused recovery code (then used up)."""
    found = factor(user_id)
    if found is None or not code.strip():
        return False
    accepted = _accept_totp(found, code)
    if not accepted:
        recovery = db.session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user_id, RecoveryCode.digest == _recovery_digest(user_id, code),
            RecoveryCode.used_at.is_(None)))
        if recovery is not None:
            recovery.used_at = now()
            security_log.event("recovery_code_used", user_id=user_id)
            accepted = True
    if accepted:
        found.last_verified_at = now()
        db.session.commit()
    else:
        db.session.rollback()
    return accepted


def recently_verified(user_id: int) -> bool:
    """True when the user's last accepted code is at most STEP_UP_AGE old."""
    found = factor(user_id)
    return found is not None and found.last_verified_at is not None and now() - found.last_verified_at <= STEP_UP_AGE


def required(user_id: int) -> bool:
    """True when an organization of the user requires a second factor of the user's role."""
    rows = db.session.execute(select(Membership.role, TwoFactorPolicy.require)
                              .join(TwoFactorPolicy, TwoFactorPolicy.organization_id == Membership.organization_id)
                              .where(Membership.user_id == user_id, Membership.active)).all()
    return any(r.require == "all" or (r.require == "approvers" and r.role in APPROVING_ROLES) for r in rows)


def policy(organization_id: int) -> str:
    found = db.session.get(TwoFactorPolicy, organization_id)
    return found.require if found is not None else "none"


def set_policy(organization_id: int, require: str) -> None:
    if require not in POLICIES:
        raise TwoFactorRefused("choose nobody, every member or the members who approve or file")
    found = db.session.get(TwoFactorPolicy, organization_id)
    if found is None:
        db.session.add(TwoFactorPolicy(organization_id=organization_id, require=require))
    else:
        found.require = require
    security_log.event("two_factor_policy_changed", organization_id=organization_id, require=require)
    db.session.commit()


def disable(user: User, password: str, code: str) -> None:
    """Turn the factor off: the password and a current (or recovery) code are both needed."""
    if not user.check_password(password):
        raise TwoFactorRefused("the password is not right")
    if not verify(user.id, code):
        raise TwoFactorRefused("the code is not right")
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    _changed(user, "two_factor_disabled", "The second factor of your account was turned off.")
    db.session.commit()


def _changed(user: User, event: str, text: str) -> None:
    """Every change of the factor: a security-log event, an inbox notice and its e-mail."""
    security_log.event(event, user_id=user.id)
    notifications.send(user, "security", text + " If this was not you, tell a manager of your organization.",
                       "/account")
