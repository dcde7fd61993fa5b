"""Account changes: users and their roles, passwords, API tokens."""
from __future__ import annotations

import functools
import secrets

from flask import current_app
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import ApiToken, Membership, Organization, User


def add_user(email: str, role: str, org_name: str, password: str | None) -> tuple[User, bool]:
    """Create the user (or find it) and give it `role` in the organization; True when created."""
    org = db.session.scalar(select(Organization).where(Organization.name == org_name))
    if org is None:
        org = Organization(name=org_name)
        db.session.add(org)
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    created = user is None
    if created:
        user = User(email=email.lower(), name=email.split("@")[0])
        user.set_password(password or secrets.token_urlsafe(12))
        db.session.add(user)
    elif password:
        user.set_password(password)
    db.session.flush()
    membership = next((m for m in user.memberships if m.organization_id == org.id), None)
    if membership is None:
        user.memberships.append(Membership(organization=org, role=role))
    else:
        membership.role = role
    db.session.commit()
    return user, created


def authenticate(email: str, password: str) -> User | None:
    """The user with that e-mail address and password, else None. An unknown address costs a
    password check too, so the answer takes as long either way (no probing for accounts)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if user.check_password(password) else None


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def issue_token(user_id: int, label: str) -> str:
    """A new API token of the user; its secret is returned once and never stored."""
    secret = ApiToken.issue(user_id, label)
    db.session.commit()
    return secret


def revoke_token(user_id: int, token_id: int) -> ApiToken | None:
    """Delete the user's own token `token_id`; None when the user has no such token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        return None
    db.session.delete(token)
    db.session.commit()
    return token


def change_password(user: User, password: str, revoke_tokens: bool) -> int:
    """A new password, which ends every session of the user (User.set_password); with
    `revoke_tokens` also deletes the user's API tokens. Returns the number revoked."""
    user.set_password(password)
    revoked = 0
    if revoke_tokens:
        revoked = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    db.session.commit()
    return revoked


def end_sessions(user_id: int) -> None:
    """Sign the user out everywhere: every session signed in before now stops working."""
    db.session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))
    db.session.commit()
