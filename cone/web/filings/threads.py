"""Reading a filing's review threads: a page of threads with their replies (two queries
whatever the page holds), the open ones as the administrator's to-do, the latest change
request's items with their state, and the open threads of each field for the answer pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import Select, func, select

from ...packs.pack import Pack

from ..extensions import db
from ..models import Comment, User
from ..pagination import Page, paginate
from . import formdata

TODO_LIMIT = 100        # open threads listed on the overview


def thread_rows(filing_id: int) -> Select:
    """A filing's comments with their author's e-mail address and their thread state."""
    return (select(Comment.id, Comment.field, Comment.body, Comment.version, Comment.created_at, Comment.parent_id,
                   Comment.resolved_at, Comment.resolved_by, Comment.requested, User.email.label("author_email"))
            .join(User, User.id == Comment.author_id).where(Comment.filing_id == filing_id))


@dataclass
class Thread:
    first: object
    replies: list = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.first.resolved_at is None


def with_replies(filing_id: int, firsts: list) -> list[Thread]:
    """Threads of the given first comments, each with its replies in order (one query)."""
    threads = {c.id: Thread(c) for c in firsts}
    if threads:
        for reply in db.session.execute(thread_rows(filing_id).where(Comment.parent_id.in_(list(threads)))
                                        .order_by(Comment.id)):
            threads[reply.parent_id].replies.append(reply)
    return list(threads.values())


def threads_page(filing_id: int, number: int, per_page: int) -> tuple[Page, list[Thread]]:
    """A page of the filing's threads, newest first, with their replies."""
    page = paginate(thread_rows(filing_id).where(Comment.parent_id.is_(None)).order_by(Comment.id.desc()), number, per_page)
    return page, with_replies(filing_id, page.rows)


def open_threads(filing_id: int, fields: list[str] | None = None, limit: int = TODO_LIMIT) -> list:
    """The filing's open threads (first comments), oldest first; only those on `fields` when given."""
    query = thread_rows(filing_id).where(Comment.parent_id.is_(None), Comment.resolved_at.is_(None))
    if fields is not None:
        query = query.where(Comment.field.in_(fields))
    return list(db.session.execute(query.order_by(Comment.id).limit(limit)))


def open_count(filing_id: int) -> int:
    return db.session.scalar(select(func.count(Comment.id)).where(
        Comment.filing_id == filing_id, Comment.parent_id.is_(None), Comment.resolved_at.is_(None))) or 0


def open_by_field(filing_id: int, fields: list[str]) -> dict[str, int]:
    """How many open threads each of `fields` has (for the answers' "Comment" disclosures)."""
    rows = db.session.execute(select(Comment.field, func.count(Comment.id)).where(
        Comment.filing_id == filing_id, Comment.parent_id.is_(None), Comment.resolved_at.is_(None),
        Comment.field.in_(fields)).group_by(Comment.field))
    return {f: n for f, n in rows}


def latest_request(filing_id: int) -> list:
    """The items of the filing's latest change request, with their state (empty when none)."""
    version = select(func.max(Comment.version)).where(Comment.filing_id == filing_id, Comment.requested).scalar_subquery()
    return list(db.session.execute(thread_rows(filing_id).where(Comment.requested, Comment.version == version)
                                   .order_by(Comment.id)))


def resubmitted_note(filing_id: int, transition: str) -> str:
    """After a resubmission, how many of the requested changes are resolved (else "")."""
    if transition != "submit":
        return ""
    items = latest_request(filing_id)
    if not items:
        return ""
    resolved = sum(1 for i in items if i.resolved_at is not None)
    return f" {resolved} of the {len(items)} requested changes are resolved."


def answer_links(filing_id: int, pack: Pack, filing_type: str, paths: set[str]) -> dict[str, str]:
    """The address of each answer's form field on its section page, by field path."""
    links = {}
    for path in paths:
        section = formdata.section_of(pack, filing_type, path) if path else None
        if section is not None:
            links[path] = url_for("filings.section", filing_id=filing_id, section_id=section.id) + "#" + formdata.field_id(path)
    return links
