"""Database models: organizations, users and their roles, filings with immutable versions,
comments, the audit log, API tokens, exhibits (stored by content hash, included by versions)
and render jobs."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (JSON, ForeignKey, LargeBinary, Select, String, Text, UniqueConstraint, bindparam, event, inspect,
                        select, update)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

ROLES = ("administrator", "compliance", "legal")
ROLE_LABELS = {"administrator": "Administrator", "compliance": "Compliance", "legal": "Legal reviewer"}
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)      # how often an API token's last use is written


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class MemberOf:
    organization_id: int
    name: str
    role: str


def session_id(user_id: int, epoch: int) -> str:
    """The user id a session holds: the row id and the user's session epoch, which sign-out and
    a new password advance, so that every session signed in before stops working."""
    return f"{user_id}:{epoch}"


@dataclass(frozen=True)
class Principal(UserMixin):
    """The signed-in user as the access checks see it: loaded with one query per request."""

    id: int
    email: str
    memberships: tuple[MemberOf, ...]
    session_epoch: int = 0

    def get_id(self) -> str:
        return session_id(self.id, self.session_epoch)

    def role_in(self, organization_id: int) -> str | None:
        return next((m.role for m in self.memberships if m.organization_id == organization_id), None)

    def organizations(self, role: str | None = None) -> list[MemberOf]:
        return [m for m in self.memberships if role is None or m.role == role]

    @classmethod
    def load(cls, user_id: int, filing_id: int | None = None) -> tuple[Principal | None, FilingAccess | None]:
        """The user, and the filing `filing_id` (if it exists) in the same query."""
        rows = db.session.execute(_principal_query(), {"user_id": user_id, "filing_id": filing_id}).all()
        if not rows:
            return None, None
        first = rows[0]
        principal = cls(first.id, first.email,
                        tuple(MemberOf(r.organization_id, r.name, r.role) for r in rows if r.organization_id is not None),
                        first.session_epoch)
        access = None
        if first.f_id is not None:
            access = FilingAccess(first.f_id, first.f_org, first.status, first.version, first.updated_at)
        return principal, access


@dataclass(frozen=True)
class FilingAccess:
    """What the access check needs of a filing, without loading the ORM object."""

    id: int
    organization_id: int
    status: str
    version: int
    updated_at: dt.datetime


@functools.cache
def _principal_query() -> Select:
    """A user with its memberships, and the filing `filing_id` if any, as rows of one query
    (built once: the models it names are defined below)."""
    return (select(User.id, User.email, Membership.organization_id, Organization.name, Membership.role,
                   FilingRecord.id.label("f_id"), FilingRecord.organization_id.label("f_org"), FilingRecord.status,
                   FilingRecord.version, FilingRecord.updated_at, User.session_epoch)
            .select_from(User)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Organization, Organization.id == Membership.organization_id)
            .outerjoin(FilingRecord, FilingRecord.id == bindparam("filing_id"))
            .where(User.id == bindparam("user_id")).order_by(Organization.name))


class Organization(db.Model):
    __tablename__ = "organizations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")   # see session_id
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        """A new password, which also ends every session signed in with the old one."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return session_id(self.id, self.session_epoch)


class Membership(db.Model):
    """A user's role in one organization (a consultant may belong to several)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)   # to within LAST_USE_RESOLUTION

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user_id: int, label: str = "") -> str:
        """Create a token for a user and return its secret (shown once, never stored)."""
        secret = "cone_" + secrets.token_urlsafe(32)
        db.session.add(cls(user_id=user_id, digest=cls.hash(secret), label=label))
        return secret

    @classmethod
    def user_for(cls, secret: str) -> Principal | None:
        """The token's user, noting the token's use (at most once per LAST_USE_RESOLUTION, so
        that reads stay reads; a database that cannot take the note still answers them)."""
        row = db.session.execute(select(cls.id, cls.user_id, cls.last_used_at).where(cls.digest == cls.hash(secret))).first()
        if row is None:
            return None
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
            try:
                db.session.execute(update(cls).where(cls.id == row.id).values(last_used_at=now))
                db.session.commit()
            except OperationalError:
                db.session.rollback()
        return Principal.load(row.user_id)[0]


class FilingRecord(db.Model):
    """A filing: its organization, workflow status and the number of its latest version."""

    __tablename__ = "filings"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="draft")
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    organization: Mapped[Organization] = relationship()

    def latest(self) -> FilingVersion:
        return db.session.scalar(select(FilingVersion).where(
            FilingVersion.filing_id == self.id, FilingVersion.number == self.version))


class FilingVersion(db.Model):
    """One saved state of a filing's facts (cone.filing/1 JSON); never updated or deleted."""

    __tablename__ = "filing_versions"
    __table_args__ = (UniqueConstraint("filing_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    number: Mapped[int]
    document: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")
    # Derived from `document` when the version is saved (see cone.web.filings.results); NULL for older rows.
    findings: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, nullable=True)
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    timeline: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    author: Mapped[User] = relationship()


class Comment(db.Model):
    """A reviewer's comment, anchored to a field path (or to the filing as a whole)."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    field: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship()


class AuditEvent(db.Model):
    """Append-only log of what happened to a filing, by whom and when."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")


class ExhibitFile(db.Model):
    """The bytes of an exhibit, stored once however many filings and versions include them."""

    __tablename__ = "exhibit_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Exhibit(db.Model):
    """An exhibit uploaded to a filing: its title (the name it was uploaded under), the `.pdf`
    name it downloads under, and its bytes by content hash. Kept once removed: the versions
    that included it still do (VersionExhibit)."""

    __tablename__ = "exhibits"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(ForeignKey("exhibit_files.sha256"), index=True)
    size: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class VersionExhibit(db.Model):
    """An exhibit included in a filing version, in packet order; written with the version, never changed."""

    __tablename__ = "version_exhibits"
    version_id: Mapped[int] = mapped_column(ForeignKey("filing_versions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"), index=True)


class RenderJob(db.Model):
    """A PDF rendering of one filing version, run off the request by a worker."""

    __tablename__ = "render_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: secrets.token_hex(16))
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    version: Mapped[int]
    final: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")   # queued, running, done, failed
    owner: Mapped[str] = mapped_column(String(200), default="", server_default="")   # the claim rendering it
    claimed_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)   # the lease: see cone.web.rendering.jobs
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


DERIVED_COLUMNS = ("findings", "notice", "timeline")


def _results_filled_in(version: FilingVersion) -> bool:
    """True when an update of a version only fills in its derived results, stored once."""
    for attr in inspect(version).attrs:
        history = attr.history
        if history.has_changes() and (attr.key not in DERIVED_COLUMNS or any(v is not None for v in history.deleted)):
            return False
    return True


@event.listens_for(FilingVersion, "before_update")
def _version_immutable(mapper, connection, target) -> None:
    if not _results_filled_in(target):
        raise RuntimeError("FilingVersion rows are append-only")


@event.listens_for(FilingVersion, "before_delete")
@event.listens_for(VersionExhibit, "before_update")
@event.listens_for(VersionExhibit, "before_delete")
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _immutable(mapper, connection, target) -> None:
    raise RuntimeError(f"{type(target).__name__} rows are append-only")
