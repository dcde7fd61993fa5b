"""The dates of the user's filings (from each latest version's stored timeline, copied into
filing_dates when it is saved), and the secret of the user's calendar feed, stored hashed."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Select, select, update

from ..extensions import db
from ..models import FilingDate, FilingRecord, Organization, Principal, User
from ..pagination import BadListArgument, page_args, positive

KINDS = {"publication": "Notice runs", "filing": "Filing window", "deadline": "Deadlines after filing",
         "after": "After filing (recorded events)", "condition": "Conditions of the decision"}
AFTER_FILING_KINDS = ("after", "condition")       # rows of a filed filing's clock, planned or due
BASIS_WORDS = {"planned": "planned", "due": "due", "actual": "happened"}
SOON_DAYS = 3              # a date this many days away or nearer is marked "due soon"
OVERDUE_DAYS = 90          # past dates of a filing not yet filed are shown as overdue for this long
FEED_PREFIX = "cal_"


@dataclass(frozen=True)
class DateQuery:
    organization: int | None = None
    filing: int | None = None
    kind: str = ""
    page: int = 1
    per_page: int = 50

    @classmethod
    def parse(cls, args: Mapping[str, str], organization_ids: list[int]) -> DateQuery:
        """The filters from request arguments; BadListArgument names one that cannot be used."""
        organization = positive(args, "organization", 0) or None
        if organization is not None and organization not in organization_ids:
            raise BadListArgument("organization", "'organization' must be one of your organizations")
        filing = positive(args, "filing", 0) or None
        kind = args.get("kind", "")
        if kind and kind not in KINDS:
            raise BadListArgument("kind", f"'kind' must be one of: {', '.join(KINDS)}")
        page, _ = page_args(args)
        return cls(organization, filing, kind, page)

    def args(self, **changes: Any) -> dict[str, Any]:
        values = {"organization": self.organization, "filing": self.filing, "kind": self.kind, **changes}
        return {k: v for k, v in values.items() if v not in ("", None)}


def dates_of(user: Principal, query: DateQuery, today: dt.date, until: dt.date | None = None) -> Select:
    """The user's filings' dates from OVERDUE_DAYS ago (for filings not yet filed) on, soonest
    first, with each filing's title and organization; archived drafts left out."""
    org_ids = [query.organization] if query.organization else [m.organization_id for m in user.memberships]
    since = today - dt.timedelta(days=OVERDUE_DAYS)
    stmt = (select(FilingDate.filing_id, FilingDate.row, FilingDate.kind, FilingDate.date, FilingDate.label,
                   FilingDate.note, FilingDate.citation, FilingDate.basis, FilingRecord.title, FilingRecord.applicant,
                   FilingRecord.status, FilingRecord.updated_at, Organization.name.label("organization"))
            .join(FilingRecord, FilingRecord.id == FilingDate.filing_id)
            .join(Organization, Organization.id == FilingRecord.organization_id)
            .where(FilingRecord.organization_id.in_(org_ids), FilingRecord.archived.is_(False), FilingDate.date >= since,
                   (FilingDate.date >= today) | (FilingRecord.status != "filed")))
    if until is not None:
        stmt = stmt.where(FilingDate.date <= until)
    if query.filing:
        stmt = stmt.where(FilingDate.filing_id == query.filing)
    if query.kind:
        stmt = stmt.where(FilingDate.kind == query.kind)
    return stmt.order_by(FilingDate.date, FilingDate.filing_id, FilingDate.id)


def filing_name(row: Any) -> str:
    return row.title or row.applicant or f"Filing {row.filing_id}"


def due(day: dt.date, today: dt.date) -> tuple[str, str]:
    """(state, words) of a date: overdue, soon (within SOON_DAYS) or later, e.g. ("soon", "in 3 days")."""
    days = (day - today).days
    if days < 0:
        return "overdue", f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "soon", "today"
    return ("soon" if days <= SOON_DAYS else "later"), f"in {days} day{'s' if days != 1 else ''}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def reset_feed(user_id: int) -> str:
    """A new secret for the user's calendar feeds (the old URL stops working); shown once."""
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    db.session.execute(update(User).where(User.id == user_id).values(calendar_digest=_digest(secret)))
    db.session.commit()
    return secret


def has_feed(user_id: int) -> bool:
    return db.session.scalar(select(User.calendar_digest).where(User.id == user_id)) is not None


def feed_user(secret: str) -> Principal | None:
    """The user whose calendar feed secret this is, else None."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    user_id = db.session.scalar(select(User.id).where(User.calendar_digest == _digest(secret)))
    return Principal.load(user_id)[0] if user_id is not None else None
