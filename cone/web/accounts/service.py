"""Account changes: users and their roles, passwords, API tokens; an organization's people
(invitations, roles, managers, deactivation, its name); passwords reset by an e-mailed link."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from .. import security_log
from ..extensions import db
from ..mail import jobs as mail_jobs
from ..mail import outbox
from ..models import ROLE_LABELS, TOKEN_DAYS, TOKEN_MAX_DAYS, ApiToken, Invitation, Membership, Organization, User, utcnow
from ..urls import public_url
from . import notices, passwords, user_sessions

RESET_SALT = "cone.password-reset"


class AccountRefused(Exception):
    """A change to an account or organization that is not allowed; `field` names the form field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why `password` cannot be used by that person (the web's and the CLI's one rule), or None."""
    return passwords.problem(password, email, name)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def organization_names() -> list[str]:
    return list(db.session.scalars(select(Organization.name).order_by(Organization.name)))


def deactivated(user: User) -> bool:
    """True when the user belongs to organizations but is deactivated in every one."""
    return bool(user.memberships) and not any(m.active for m in user.memberships)


def add_user(email: str, role: str, org_name: str, password: str | None, manager: bool = False,
             must_change_password: bool = False) -> tuple[User, bool]:
    """Create the user (or find it) and give it `role` in the organization (created when new);
    True when created."""
    org = db.session.scalar(select(Organization).where(Organization.name == org_name))
    if org is None:
        org = Organization(name=org_name)
        db.session.add(org)
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    created = user is None
    if created:
        user = User(email=email.lower(), name=email.split("@")[0], must_change_password=must_change_password)
        user.set_password(password or secrets.token_urlsafe(12))
        db.session.add(user)
    elif password:
        user.set_password(password)
    db.session.flush()
    membership = next((m for m in user.memberships if m.organization_id == org.id), None)
    if membership is None:
        user.memberships.append(Membership(organization=org, role=role, manager=manager))
    else:
        membership.role, membership.active = role, True
        membership.manager = membership.manager or manager
    db.session.commit()
    return user, created


def authenticate(email: str, password: str) -> User | None:
    """The user with that e-mail address and password, else None. An unknown address costs a
    password check too, so the answer takes as long either way (no probing for accounts)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password):
        return None
    if passwords.needs_upgrade(user.password_hash):      # made before the pepper: rehash, same sessions
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
    return user


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def issue_token(user_id: int, label: str, days: int = TOKEN_DAYS, read_only: bool = False) -> str:
    """A new API token of the user, good for `days` and told to them (inbox and mail); its secret
    is returned once and never stored."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise AccountRefused(f"Enter a number of days from 1 to {TOKEN_MAX_DAYS}", "days")
    secret = ApiToken.issue(user_id, label, days, read_only)
    notices.tell(db.session.get(User, user_id), f"A new {'read-only ' if read_only else ''}API token, "
                 f"“{outbox.one_line(label, 100)}”, was created")
    db.session.commit()
    mail_jobs.dispatch()
    security_log.event("token_created", user_id=user_id, read_only=read_only, days=days)
    return secret


def revoke_token(user_id: int, token_id: int) -> ApiToken | None:
    """Delete the user's own token `token_id`; None when the user has no such token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        return None
    db.session.delete(token)
    db.session.commit()
    security_log.event("token_revoked", user_id=user_id, token_id=token_id)
    return token


def change_password(user: User, password: str, revoke_tokens: bool) -> int:
    """A new password, which ends every session of the user (User.set_password) and is told to
    them (inbox and mail); with `revoke_tokens` also deletes the user's API tokens. Returns the
    number revoked."""
    user.set_password(password)
    user.must_change_password = False
    user_sessions.end_all(user.id)
    revoked = 0
    if revoke_tokens:
        revoked = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount
    notices.tell(user, "Your password was changed")
    db.session.commit()
    mail_jobs.dispatch()
    return revoked


def end_sessions(user_id: int) -> None:
    """Sign the user out everywhere: every session signed in before now stops working."""
    db.session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))
    user_sessions.end_all(user_id)
    db.session.commit()


# An organization's people, changed by its managers.

def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def membership(organization_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.organization_id == organization_id,
                                                      Membership.user_id == user_id))


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    link: str          # the link with its secret: mailed, or shown once to the manager without mail
    mailed: bool


def invite(organization_id: int, email: str, role: str, manager: bool, inviter: str) -> Invited:
    """An invitation to the organization with `role`, mailed when mail is configured; earlier
    open invitations of the address to it are withdrawn."""
    email = email.strip().lower()
    existing = find_user(email)
    if existing is not None:
        member = membership(organization_id, existing.id)
        if member is not None:
            raise AccountRefused("This person is already a member" + ("" if member.active else
                                 "; reactivate them in the list below"), "email")
    db.session.execute(update(Invitation).where(Invitation.organization_id == organization_id,
                                                func.lower(Invitation.email) == email,
                                                Invitation.accepted_at.is_(None)).values(revoked=True))
    secret = secrets.token_urlsafe(32)
    organization = db.session.get(Organization, organization_id)
    expires = utcnow() + dt.timedelta(days=int(current_app.config["INVITATION_DAYS"]))
    invitation = Invitation(organization_id=organization_id, email=email, role=role, manager=manager,
                            digest=_digest(secret), invited_by=inviter, expires_at=expires)
    db.session.add(invitation)
    link = public_url("members.accept", token=secret)
    mail = outbox.queue(email, f"You are invited to {organization.name} on cone", "invitation",
                        inviter=inviter, organization=organization.name, role=ROLE_LABELS[role], link=link,
                        expires=expires.strftime("%Y-%m-%d %H:%M"))
    db.session.commit()
    mail_jobs.dispatch()
    return Invited(invitation, link, mail is not None)


def open_invitation(secret: str) -> Invitation:
    """The invitation whose link carries `secret`, if it can still be accepted; AccountRefused
    saying why not (unknown, used, withdrawn or expired)."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.digest == _digest(secret)))
    if invitation is None:
        raise AccountRefused("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        raise AccountRefused("This invitation has been used already. Sign in, or ask for a new invitation.")
    if invitation.revoked:
        raise AccountRefused("This invitation was withdrawn. Ask your organization's manager for a new one.")
    if invitation.expires_at < utcnow():
        raise AccountRefused("This invitation has expired. Ask your organization's manager for a new one.")
    return invitation


def accept_invitation(secret: str, user: User | None, name: str = "", password: str = "") -> User:
    """Accept: a new user with `name` and `password`, or the signed-in `user` the invitation
    names, joins the organization. The UPDATE that marks it used is the single-use check."""
    invitation = open_invitation(secret)
    taken = db.session.execute(update(Invitation).where(Invitation.id == invitation.id,
                                                        Invitation.accepted_at.is_(None), ~Invitation.revoked)
                               .values(accepted_at=utcnow()))
    if taken.rowcount != 1:
        db.session.rollback()
        raise AccountRefused("This invitation has been used already. Sign in, or ask for a new invitation.")
    if user is None:
        if find_user(invitation.email) is not None:
            db.session.rollback()
            raise AccountRefused(f"An account with {invitation.email} exists: sign in to accept.")
        user = User(email=invitation.email, name=name.strip() or invitation.email.split("@")[0])
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    elif user.email.lower() != invitation.email.lower():
        db.session.rollback()
        raise AccountRefused(f"This invitation is for {invitation.email}; sign in with that address.")
    member = membership(invitation.organization_id, user.id)
    if member is None:
        db.session.add(Membership(user_id=user.id, organization_id=invitation.organization_id,
                                  role=invitation.role, manager=invitation.manager))
    else:
        member.role, member.active, member.manager = invitation.role, True, member.manager or invitation.manager
    db.session.commit()
    return user


def revoke_invitation(organization_id: int, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != organization_id or invitation.accepted_at is not None:
        return None
    invitation.revoked = True
    db.session.commit()
    return invitation


MEMBER_ACTIONS = ("deactivate", "reactivate", "grant_manager", "revoke_manager")


def change_member(organization_id: int, user_id: int, acting_user_id: int, action: str, role: str = "") -> Membership:
    """Change a member's role, manager permission or activity; a manager cannot deactivate
    themselves or drop their own manager permission (someone must remain to manage)."""
    member = membership(organization_id, user_id)
    if member is None:
        raise AccountRefused("No such member of this organization")
    if user_id == acting_user_id and action in ("deactivate", "revoke_manager"):
        raise AccountRefused("You cannot do that to your own account: ask another manager")
    if action == "role":
        if role not in ROLE_LABELS:
            raise AccountRefused("Choose a role", "role")
        member.role = role
    elif action in MEMBER_ACTIONS:
        if action in ("deactivate", "reactivate"):
            member.active = action == "reactivate"
        else:
            member.manager = action == "grant_manager"
    else:
        raise AccountRefused("Choose an action")
    db.session.commit()
    return member


def rename_organization(organization_id: int, name: str) -> Organization:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise AccountRefused("Enter a name of at most 200 characters", "name")
    clash = db.session.scalar(select(Organization.id).where(func.lower(Organization.name) == name.lower(),
                                                            Organization.id != organization_id))
    if clash is not None:
        raise AccountRefused("Another organization has that name", "name")
    organization = db.session.get(Organization, organization_id)
    organization.name = name
    db.session.commit()
    return organization


def password_stamp(password_hash: str) -> str:
    """A short keyed digest of a password hash: a reset link carries it, so that setting the
    password (which changes the hash) spends the link; keyed, so the link reveals nothing of the hash."""
    key = current_app.secret_key
    key_bytes = key.encode() if isinstance(key, str) else key
    return hmac.new(key_bytes, password_hash.encode(), hashlib.sha256).hexdigest()[:16]


# A forgotten password: a signed link carrying the password's stamp, so that it works once
# (setting the password changes the stamp) and only for PASSWORD_RESET_MINUTES.

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=RESET_SALT)


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has that address; nothing otherwise (the
    caller answers the same either way)."""
    user = find_user(email)
    if user is None or deactivated(user):
        return
    token = _reset_serializer().dumps({"u": user.id, "s": password_stamp(user.password_hash)})
    outbox.queue(user.email, "Reset your cone password", "password_reset", email=user.email,
                 link=public_url("recovery.reset", token=token),
                 minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]))
    db.session.commit()
    mail_jobs.dispatch()


def reset_user(token: str) -> User:
    """The user a reset link is for, while it is valid; AccountRefused otherwise."""
    try:
        data = _reset_serializer().loads(token, max_age=int(current_app.config["PASSWORD_RESET_MINUTES"]) * 60)
    except SignatureExpired:
        raise AccountRefused("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise AccountRefused("This link is not valid. Check that you copied all of it, or ask for a new one.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or data.get("s") != password_stamp(user.password_hash) or deactivated(user):
        raise AccountRefused("This link has been used already. Ask for a new one.")
    return user
