"""The filing list's query: the user's filings searched, filtered, sorted and paged, reading
only the summary columns of the filing row and each filing's next date (for the page and the
API alike)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Select, func, or_, select

from ..extensions import db
from ..models import Comment, FilingDate, FilingRecord, Principal, User
from ..pagination import BadListArgument, Page, page_args, paginate, positive
from .workflow import STATUS_LABELS

SORTS = {"changed": "last change, newest first", "next_date": "next date, soonest first"}
ARCHIVED = "archived"
MAX_SEARCH = 200


@dataclass(frozen=True)
class FilingQuery:
    q: str = ""
    status: str = ""            # a workflow status, "archived", or "" (every status, archived drafts left out)
    filing_type: str = ""
    organization: int | None = None
    sort: str = "changed"
    page: int = 1
    per_page: int = 25

    @classmethod
    def parse(cls, args: Mapping[str, str], organization_ids: list[int]) -> FilingQuery:
        """The query from request arguments; BadListArgument names an argument that cannot be used."""
        q = args.get("q", "").strip()
        if len(q) > MAX_SEARCH or not q.isprintable():
            raise BadListArgument("q", f"a search is at most {MAX_SEARCH} characters, without control characters")
        status = args.get("status", "")
        if status and status not in STATUS_LABELS and status != ARCHIVED:
            raise BadListArgument("status", f"'status' must be one of: {', '.join([*STATUS_LABELS, ARCHIVED])}")
        filing_type = args.get("type", "")
        if len(filing_type) > 50 or not filing_type.isprintable():
            raise BadListArgument("type", "'type' must be a filing type's code")
        organization = positive(args, "organization", 0) or None
        if organization is not None and organization not in organization_ids:
            raise BadListArgument("organization", "'organization' must be one of your organizations")
        sort = args.get("sort", "changed") or "changed"
        if sort not in SORTS:
            raise BadListArgument("sort", f"'sort' must be one of: {', '.join(SORTS)}")
        page, per_page = page_args(args)
        return cls(q, status, filing_type, organization, sort, page, per_page)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query as URL arguments (with `changes`), leaving out the defaults."""
        values = {"q": self.q, "status": self.status, "type": self.filing_type, "organization": self.organization,
                  "sort": "" if self.sort == "changed" else self.sort, "page": self.page if self.page > 1 else None}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def next_date_of(today: dt.date) -> Any:
    """The filing's first date on or after `today`, as a correlated subquery."""
    return (select(func.min(FilingDate.date)).where(FilingDate.filing_id == FilingRecord.id, FilingDate.date >= today)
            .correlate(FilingRecord).scalar_subquery())


def _statement(user: Principal, query: FilingQuery, today: dt.date) -> Select:
    org_ids = [query.organization] if query.organization else [m.organization_id for m in user.memberships]
    next_date = next_date_of(today).label("next_date")
    stmt = (select(FilingRecord.id, FilingRecord.organization_id, FilingRecord.status, FilingRecord.version, FilingRecord.updated_at, FilingRecord.title,
                   FilingRecord.applicant, FilingRecord.town, FilingRecord.filing_type, FilingRecord.state,
                   FilingRecord.error_count, FilingRecord.fee_cents, FilingRecord.docket_number, FilingRecord.archived,
                   next_date)
            .where(FilingRecord.organization_id.in_(org_ids)))
    if query.status == ARCHIVED:
        stmt = stmt.where(FilingRecord.archived.is_(True))
    else:
        stmt = stmt.where(FilingRecord.archived.is_(False))
        if query.status:
            stmt = stmt.where(FilingRecord.status == query.status)
    if query.filing_type:
        stmt = stmt.where(FilingRecord.filing_type == query.filing_type)
    if query.q:
        stmt = stmt.where(or_(*(column.icontains(query.q, autoescape=True) for column in
                                (FilingRecord.title, FilingRecord.applicant, FilingRecord.town, FilingRecord.docket_number))))
    if query.sort == "next_date":
        # filings without an upcoming date last (NULLS LAST spelled portably)
        stmt = stmt.order_by(next_date.is_(None), next_date, FilingRecord.id)
    else:
        stmt = stmt.order_by(FilingRecord.updated_at.desc(), FilingRecord.id.desc())
    return stmt


def filings_page(user: Principal, query: FilingQuery, today: dt.date | None = None) -> tuple[Page, dict[int, Any]]:
    """One page of the user's filings, and for each filing on it its next dated row (date, label).
    (A row's organization name is the user's membership's: `organization_names`.)"""
    today = today or dt.date.today()
    page = paginate(_statement(user, query, today), query.page, query.per_page)
    ids = [r.id for r in page.rows]
    upcoming: dict[int, Any] = {}
    if ids:
        for row in db.session.execute(select(FilingDate.filing_id, FilingDate.date, FilingDate.label)
                                      .where(FilingDate.filing_id.in_(ids), FilingDate.date >= today)
                                      .order_by(FilingDate.filing_id, FilingDate.date, FilingDate.id)):
            upcoming.setdefault(row.filing_id, row)
    return page, upcoming


def comment_rows(filing_id: int) -> Select:
    """A filing's comments with their author's e-mail address (and nothing else of the user)."""
    return (select(Comment.id, Comment.field, Comment.body, Comment.version, Comment.created_at,
                   User.email.label("author_email"))
            .join(User, User.id == Comment.author_id).where(Comment.filing_id == filing_id))


def organization_names(user: Principal) -> dict[int, str]:
    return {m.organization_id: m.name for m in user.memberships}
