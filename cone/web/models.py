"""Database models: organizations, users and their roles, invitations, filings with immutable
versions, comments, the audit log, API tokens, exhibits (stored by content hash, included by
versions), render jobs, notifications and the mail outbox."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass, replace
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (JSON, Date, ForeignKey, Index, LargeBinary, Select, String, Text, UniqueConstraint, bindparam,
                        event, func, inspect, select, update)
from sqlalchemy import false as sa_false
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from . import security_log
from .accounts.passwords import hash_password, verify
from .extensions import db

ROLES = ("administrator", "compliance", "legal")
ROLE_LABELS = {"administrator": "Administrator", "compliance": "Compliance", "legal": "Legal reviewer"}
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)      # how often an API token's or a session's last use is written
TOKEN_DAYS, TOKEN_MAX_DAYS = 90, 365               # an API token's lifetime in days: the default, and the most allowed


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class MemberOf:
    organization_id: int
    name: str
    role: str
    manager: bool = False


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
    must_change_password: bool = False
    unread: int = 0                       # unread inbox entries, for the page header
    read_only: bool = False               # signed in with a read-only API token: GET and HEAD only

    def get_id(self) -> str:
        return session_id(self.id, self.session_epoch)

    def role_in(self, organization_id: int) -> str | None:
        return next((m.role for m in self.memberships if m.organization_id == organization_id), None)

    def organizations(self, role: str | None = None) -> list[MemberOf]:
        return [m for m in self.memberships if role is None or m.role == role]

    def manages(self, organization_id: int) -> bool:
        return any(m.manager for m in self.memberships if m.organization_id == organization_id)

    @classmethod
    def load(cls, user_id: int, filing_id: int | None = None) -> tuple[Principal | None, FilingAccess | None]:
        """The user, and the filing `filing_id` (if it exists) in the same query; no user when
        every membership of the user is deactivated (which ends its sessions and tokens)."""
        rows = db.session.execute(_principal_query(), {"user_id": user_id, "filing_id": filing_id}).all()
        if not rows:
            return None, None
        first = rows[0]
        memberships = tuple(MemberOf(r.organization_id, r.name, r.role, r.manager)
                            for r in rows if r.organization_id is not None and r.active)
        if not memberships and any(r.organization_id is not None for r in rows):
            return None, None
        principal = cls(first.id, first.email, memberships, first.session_epoch, first.must_change_password,
                        first.unread)
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
                   Membership.manager, Membership.active, FilingRecord.id.label("f_id"), FilingRecord.organization_id.label("f_org"),
                   FilingRecord.status, FilingRecord.version, FilingRecord.updated_at, User.session_epoch,
                   User.must_change_password,
                   select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
                   .correlate(User).scalar_subquery().label("unread"))
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
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")   # a one-time password
    notify_by_email: Mapped[bool] = mapped_column(default=True, server_default="1")   # else in the inbox only
    reminder_days: Mapped[int] = mapped_column(default=7, server_default="7")   # lead time of date reminders; 0: none
    # SHA-256 of the secret in the user's calendar feed URL (cone.web.deadlines); NULL until asked for.
    calendar_digest: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        """A new password, which also ends every session signed in with the old one."""
        self.password_hash = hash_password(password)
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return verify(self.password_hash, password)

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
    manager: Mapped[bool] = mapped_column(default=False, server_default="0")   # manages the organization's people
    active: Mapped[bool] = mapped_column(default=True, server_default="1")     # deactivated: no access to it
    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class Invitation(db.Model):
    """An invitation by e-mail to join an organization with a role; only the SHA-256 digest of
    its link's secret is stored, and it works once, before it expires."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    manager: Mapped[bool] = mapped_column(default=False)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    revoked: Mapped[bool] = mapped_column(default=False)
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
    expires_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)    # refused from then on
    read_only: Mapped[bool] = mapped_column(default=False, server_default="0")   # reads (GET, HEAD) only

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user_id: int, label: str = "", days: int = TOKEN_DAYS, read_only: bool = False) -> str:
        """Create a token for a user, good for `days`, and return its secret (shown once, never stored)."""
        secret = "cone_" + secrets.token_urlsafe(32)
        db.session.add(cls(user_id=user_id, digest=cls.hash(secret), label=label, read_only=read_only,
                           expires_at=utcnow() + dt.timedelta(days=days)))
        return secret

    @classmethod
    def user_for(cls, secret: str) -> Principal | None:
        """The token's user (read-only if the token is), unless the token expired; noting the
        token's use (at most once per LAST_USE_RESOLUTION, so that reads stay reads; a database
        that cannot take the note still answers them)."""
        row = db.session.execute(select(cls.id, cls.user_id, cls.last_used_at, cls.expires_at, cls.read_only)
                                 .where(cls.digest == cls.hash(secret))).first()
        if row is None:
            return None
        now = utcnow()
        if row.expires_at is not None and row.expires_at <= now:
            security_log.event("token_refused", user_id=row.user_id, token_id=row.id, reason="expired")
            return None
        if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
            try:
                db.session.execute(update(cls).where(cls.id == row.id).values(last_used_at=now))
                db.session.commit()
                if row.last_used_at is None:
                    security_log.event("token_first_used", user_id=row.user_id, token_id=row.id)
            except OperationalError:
                db.session.rollback()
        principal = Principal.load(row.user_id)[0]
        return replace(principal, read_only=True) if principal is not None and row.read_only else principal


class FilingRecord(db.Model):
    """A filing: its organization, workflow status and the number of its latest version, with a
    summary of that version (title, applicant, town, type, error count, fee) that the list
    searches and shows without reading any document."""

    __tablename__ = "filings"
    __table_args__ = (Index("ix_filings_org_archived_updated", "organization_id", "archived", "updated_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="draft")
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The latest version's summary, written with it (cone.web.filings.summary).
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    applicant: Mapped[str] = mapped_column(String(300), default="", server_default="")
    town: Mapped[str] = mapped_column(String(100), default="", server_default="")
    filing_type: Mapped[str] = mapped_column(String(50), default="", server_default="")
    state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    error_count: Mapped[int] = mapped_column(default=0, server_default="0")
    fee_cents: Mapped[int | None] = mapped_column(nullable=True)
    docket_number: Mapped[str] = mapped_column(String(50), default="", server_default="")
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Set when it is marked filed (cone.web.afterfiling): the real filed date, the agency's receipt,
    # and the final render of the filed version kept as the packet "as filed".
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    receipt_sha256: Mapped[str | None] = mapped_column(ForeignKey("exhibit_files.sha256", name="fk_filings_receipt_sha256"),
                                                       nullable=True)
    filed_render_id: Mapped[str | None] = mapped_column(ForeignKey("render_jobs.id", name="fk_filings_filed_render_id",
                                                                   use_alter=True), nullable=True)
    organization: Mapped[Organization] = relationship()

    def latest(self) -> FilingVersion:
        return db.session.scalar(select(FilingVersion).where(
            FilingVersion.filing_id == self.id, FilingVersion.number == self.version))


class FilingVersion(db.Model):
    """One saved state of a filing's facts (cone.filing/1 JSON); never updated or deleted."""

    __tablename__ = "filing_versions"
    # the index on (filing, note) answers "was this section saved from its page" without a scan
    __table_args__ = (UniqueConstraint("filing_id", "number"), Index("ix_filing_versions_filing_note", "filing_id", "note"))
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


class FilingDate(db.Model):
    """One dated row of a filing's latest timeline (copied from the version's stored timeline
    when it is saved), so that the list's next date and the deadlines page are one query."""

    __tablename__ = "filing_dates"
    __table_args__ = (Index("ix_filing_dates_filing_date", "filing_id", "date"), Index("ix_filing_dates_date", "date"))
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    row: Mapped[str] = mapped_column(String(60))          # the timeline row's id, e.g. publication_1
    kind: Mapped[str] = mapped_column(String(20))         # publication, filing, deadline
    date: Mapped[dt.date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(String(300), default="")
    citation: Mapped[str] = mapped_column(String(300), default="")
    # planned (computed from a date not yet real), due (from a recorded event), actual (it happened)
    basis: Mapped[str] = mapped_column(String(10), default="planned", server_default="planned")


class Comment(db.Model):
    """A reviewer's comment, anchored to a field path (or to the filing as a whole)."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_filing_id_id", "filing_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    field: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship()
    # Threads (cone.web.filings.threads): a reply names its thread's first comment; only a first
    # comment is open or resolved; `requested` marks an item of a change request.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", name="fk_comments_parent_id"),
                                                  nullable=True, index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    requested: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class AuditEvent(db.Model):
    """Append-only log of what happened to a filing, by whom and when."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_filing_id_id", "filing_id", "id"),)
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
    name it downloads under, and its bytes by content hash (the copy cleaned of active content;
    `original_sha256` the file as uploaded, kept only when KEEP_ORIGINAL_EXHIBITS is set). Kept
    once removed: the versions that included it still do (VersionExhibit)."""

    __tablename__ = "exhibits"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(ForeignKey("exhibit_files.sha256"), index=True)
    original_sha256: Mapped[str | None] = mapped_column(ForeignKey("exhibit_files.sha256", name="fk_exhibits_original_sha256"))
    size: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The exhibit manager: the letter the narrative cites (assigned once, kept by every later row
    # of the same exhibit), its kind (an id of the pack's exhibit kinds), a description, its pages,
    # and what it was uploaded as (pdf, jpeg, docx ...; the original is kept when converted).
    letter: Mapped[str] = mapped_column(String(8), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(40), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    pages: Mapped[int] = mapped_column(default=0, server_default="0")
    source: Mapped[str] = mapped_column(String(10), default="pdf", server_default="pdf")


class VersionExhibit(db.Model):
    """An exhibit included in a filing version, in packet order; written with the version, never changed."""

    __tablename__ = "version_exhibits"
    version_id: Mapped[int] = mapped_column(ForeignKey("filing_versions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    exhibit_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"), index=True)


class RenderJob(db.Model):
    """A PDF rendering of one filing version, run off the request by a worker."""

    __tablename__ = "render_jobs"
    __table_args__ = (Index("ix_render_jobs_filing_version_final", "filing_id", "version", "final"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: secrets.token_hex(16))
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    version: Mapped[int]
    final: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")   # queued, running, done, failed
    owner: Mapped[str] = mapped_column(String(200), default="", server_default="")   # the claim rendering it
    claimed_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)   # the lease: see cone.web.rendering.jobs
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Digest of the filing's exhibits (ids and sizes) when the render was asked for: a render is
    # reused for the same version, kind and exhibits (cone.web.rendering.service).
    exhibits_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    requested_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(db.Model):
    """An entry of a user's inbox: a hand-off, a mention or answer, or a date coming up. A
    reminder's `key` (user, filing, date kind, date) is unique, so it is made once."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("filings.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")    # a path of the app
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OutboxMail(db.Model):
    """An e-mail waiting to be sent (stored in the transaction that caused it, sent off the
    request, retried with backoff until the mail server takes it; see cone.web.mail)."""

    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)   # pending, sending, sent, refused
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class FilingEvent(db.Model):
    """An event after filing as recorded (cone.postfiling): its kind and real date, the event it
    answers (`parent_id`: a response's completeness letter), the clock row an extension moves, a
    decision's outcome, and an optional document (bytes by content hash)."""

    __tablename__ = "filing_events"
    __table_args__ = (Index("ix_filing_events_filing_date", "filing_id", "date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    kind: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("filing_events.id"), nullable=True)
    row: Mapped[str] = mapped_column(String(60), default="", server_default="")
    outcome: Mapped[str] = mapped_column(String(40), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="")
    document_sha256: Mapped[str | None] = mapped_column(ForeignKey("exhibit_files.sha256"), nullable=True)
    document_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recorded_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FilingCondition(db.Model):
    """A condition of an approval with conditions: its reporting schedule (one date, or every
    `every_months` months from `first_due` until `until`) and, once met, who marked it and the evidence."""

    __tablename__ = "filing_conditions"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("filing_events.id"))
    title: Mapped[str] = mapped_column(String(300))
    first_due: Mapped[dt.date] = mapped_column(Date)
    every_months: Mapped[int] = mapped_column(default=0, server_default="0")
    until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    met_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    met_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    evidence_sha256: Mapped[str | None] = mapped_column(ForeignKey("exhibit_files.sha256"), nullable=True)
    evidence_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UserSession(db.Model):
    """A signed-in browser session (cone.web.accounts.user_sessions): the cookie holds a secret
    whose SHA-256 digest is here, so deleting the row signs that browser out."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)    # to within LAST_USE_RESOLUTION
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class Approval(db.Model):
    """A legal reviewer's attestation that one version of a filing, its facts and its exhibits in
    their order, is approved; `withdrawn_at` is set when a later change returned the filing to draft."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_filing_id_id", "filing_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filings.id"))
    version: Mapped[int]
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_name: Mapped[str] = mapped_column(String(200))
    reviewer_email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(50))
    approved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")


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
@event.listens_for(FilingEvent, "before_update")
@event.listens_for(FilingEvent, "before_delete")
def _immutable(mapper, connection, target) -> None:
    raise RuntimeError(f"{type(target).__name__} rows are append-only")


class TwoFactor(db.Model):
    """A user's TOTP second factor: the secret, when enrolment was confirmed, the last time step
    accepted (a code is good once) and when a code was last given (for step-up)."""
    __tablename__ = "two_factors"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_step: Mapped[int] = mapped_column(default=0)
    last_verified_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class RecoveryCode(db.Model):
    """One of a user's one-time recovery codes, stored as a digest; used once."""
    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class TwoFactorPolicy(db.Model):
    """Whom an organization requires to have a second factor: nobody, everyone ("all") or the
    roles that approve and file ("approvers")."""
    __tablename__ = "two_factor_policies"
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    require: Mapped[str] = mapped_column(String(20), default="none")
