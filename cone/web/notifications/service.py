"""Making notifications: who is told of a hand-off or a comment, in the inbox and by mail
(queued in the caller's transaction; the caller commits, then dispatches the mail)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update

from ...filing.models import Filing
from ..extensions import db
from ..mail import outbox
from ..models import Comment, Membership, Notification, User, utcnow
from ..urls import public_link, public_path, public_url

# A mention is "@" and the person's e-mail address, e.g. "@jane.doe@hospital.org" (unambiguous
# where names repeat, and what the comment form's hint says).
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")

# Hand-off -> the roles told of it.
HANDOFF_ROLES = {
    "submitted": ("legal",),
    "resubmitted": ("legal",),
    "changes_requested": ("administrator",),
    "approved": ("administrator", "compliance"),
    "filed": ("administrator", "legal"),
}
HANDOFF_WORDS = {
    "submitted": "submitted {title} for review",
    "resubmitted": "resubmitted {title} for review",
    "changes_requested": "requested changes to {title}",
    "approved": "approved {title}",
    "filed": "marked {title} as filed",
}


@dataclass(frozen=True)
class About:
    """The filing a notification is about, as the message names it."""

    filing_id: int
    organization_id: int
    title: str


def about(filing_id: int, organization_id: int, filing: Filing) -> About:
    title = filing.project.title or filing.applicant.legal_name or f"filing {filing_id}"
    return About(filing_id, organization_id, f"“{title}”")


def handoff_kind(transition: str, source_status: str) -> str | None:
    """The hand-off a workflow step is, if any (withdrawing and reopening are none)."""
    if transition == "submit":
        return "resubmitted" if source_status == "changes_requested" else "submitted"
    return {"request_changes": "changes_requested", "approve": "approved", "mark_filed": "filed"}.get(transition)


def _members(organization_id: int, roles: tuple[str, ...] | None = None, emails: set[str] | None = None,
             ids: set[int] | None = None) -> list[User]:
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.organization_id == organization_id, Membership.active))
    if roles is not None:
        query = query.where(Membership.role.in_(roles))
    if emails is not None:
        query = query.where(func.lower(User.email).in_(emails))
    if ids is not None:
        query = query.where(User.id.in_(ids))
    return list(db.session.scalars(query.order_by(User.id)))


def send(user: User, kind: str, text: str, link_path: str, filing_id: int | None = None, quote: str = "",
         key: str | None = None) -> Notification:
    """An inbox entry for `user`, and its e-mail unless the user turned mail off."""
    notification = Notification(user_id=user.id, filing_id=filing_id, kind=kind, text=text, link=link_path, key=key)
    db.session.add(notification)
    if user.notify_by_email:
        outbox.queue(user.email, text, "notification", text=text, quote=quote, link=public_link(link_path),
                     settings=public_url("inbox.settings"))
    return notification


def handoff(subject: About, kind: str, actor_id: int, actor_email: str, comment: str = "") -> list[Notification]:
    """Tell the roles that take the filing over from here (the actor excepted)."""
    text = f"{actor_email} {HANDOFF_WORDS[kind].format(title=subject.title)}"
    link = public_path("filings.overview", filing_id=subject.filing_id)
    return [send(user, kind, text, link, subject.filing_id, comment)
            for user in _members(subject.organization_id, HANDOFF_ROLES[kind]) if user.id != actor_id]


def mentioned(body: str) -> set[str]:
    return {m.lower() for m in MENTION.findall(body)}


def comment(subject: About, new: Comment, actor_id: int, actor_email: str, answers: bool = True,
            already: set[int] | frozenset[int] = frozenset()) -> list[Notification]:
    """Tell the members a comment names (@address), and, when `answers`, those who commented
    earlier on the same field; each once, the author and those in `already` never."""
    link = public_path("filings.overview", filing_id=subject.filing_id) + "#comments"
    told: set[int] = {actor_id, *already}
    out = []
    names = mentioned(new.body)
    for user in _members(subject.organization_id, emails=names) if names else []:
        if user.id not in told:
            told.add(user.id)
            out.append(send(user, "mention", f"{actor_email} mentioned you on {subject.title}", link,
                            subject.filing_id, new.body))
    if answers:
        earlier = set(db.session.scalars(select(Comment.author_id).where(
            Comment.filing_id == subject.filing_id, Comment.field == new.field, Comment.id != new.id).distinct()))
        for user in _members(subject.organization_id, ids=earlier - told) if earlier - told else []:
            told.add(user.id)
            out.append(send(user, "reply", f"{actor_email} answered your comment on {subject.title}", link,
                            subject.filing_id, new.body))
    return out


def mark_read(user_id: int, notification_id: int | None = None) -> Notification | None:
    """Mark one of the user's notifications read (returned; None if not theirs), or all of them."""
    if notification_id is None:
        db.session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                           .values(read_at=utcnow()))
        db.session.commit()
        return None
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification
