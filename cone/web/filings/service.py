"""Changes to a filing: a new filing, immutable versions with optimistic concurrency, workflow
transitions, comments, and the audit log. The pages and the JSON API both call these, so
both apply the same rules. Hand-offs and comments notify the people concerned (in the same
transaction; their mail is sent after the commit)."""
from __future__ import annotations

import functools
import json
import re

from sqlalchemy import select, update

from ...filing.models import Filing
from ...filing.parser import dumps, loads
from ...packs.pack import Pack
from ..extensions import db
from ..mail import jobs as mail_jobs
from ..models import (ROLE_LABELS, Approval, AuditEvent, Comment, FilingRecord, FilingVersion, Principal, User, VersionExhibit,
                      utcnow)
from ..notifications import service as notifications
from . import results, summary
from .workflow import EDITABLE, STATUS_LABELS, Transition, TransitionRefused, check_transition

MAX_COMMENT = 5000


class Conflict(Exception):
    """The save was based on an older version than the one now stored."""

    def __init__(self, current: int):
        super().__init__(f"the filing changed since version {current - 1 if current else 0}; now at version {current}")
        self.current = current


class NotEditable(Exception):
    """The filing's status does not allow changing its facts."""

    def __init__(self, status: str):
        super().__init__(f"the filing is {STATUS_LABELS[status].lower()}")
        self.status = status


class CommentRefused(Exception):
    """An empty or overlong comment, or one on a field the filing does not have."""


@functools.lru_cache(maxsize=512)
def parsed(document: str) -> Filing:
    return loads(document)


def audit(record: FilingRecord, user: Principal | None, action: str, detail: str = "") -> None:
    """Log an event; it also marks the filing as changed (the list shows the latest first)."""
    record.updated_at = utcnow()
    db.session.add(AuditEvent(filing_id=record.id, user_email=user.email if user else "system",
                              action=action, detail=detail))


def create_filing(organization_id: int, filing: Filing, user: Principal) -> FilingRecord:
    """A new filing of an organization whose first version is `filing`."""
    record = FilingRecord(organization_id=organization_id, version=1)
    db.session.add(record)
    db.session.flush()
    _add_version(record, 1, dumps(filing), user, "created")
    audit(record, user, "created", f"version 1; {filing.filing_type}")
    db.session.commit()
    return record


def save_version(record: FilingRecord, filing: Filing, user: Principal, base: int, note: str = "",
                 exhibit_ids: list[int] | None = None) -> bool:
    """Store `filing` as the version after `base`, including the exhibits `exhibit_ids` (default:
    those of the latest version); False when nothing changed; Conflict when another save landed
    after `base` (checked in the UPDATE itself, so concurrent saves cannot both win);
    NotEditable in a status that allows no change. A save to an approved filing withdraws the
    approval and returns the filing to draft."""
    ensure_editable(record)
    document = dumps(filing)
    latest = record.latest()
    included = version_exhibit_ids(latest.id)
    exhibit_ids = included if exhibit_ids is None else exhibit_ids
    if base == record.version and latest.document == document and exhibit_ids == included:
        return False
    result = db.session.execute(update(FilingRecord).where(FilingRecord.id == record.id, FilingRecord.version == base)
                                .values(version=base + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(record)
        raise Conflict(record.version)
    withdraw_approval(record, user, base + 1, note or "the answers were changed")
    version = _add_version(record, base + 1, document, user, note)
    db.session.flush()
    db.session.add_all(VersionExhibit(version_id=version.id, position=i, exhibit_id=e) for i, e in enumerate(exhibit_ids))
    audit(record, user, "saved", f"version {base + 1}" + (f"; {note}" if note else ""))
    db.session.commit()
    db.session.refresh(record)
    return True


def latest_approval(filing_id: int) -> Approval | None:
    """The filing's most recent approval (withdrawn or not), or None."""
    return db.session.scalar(select(Approval).where(Approval.filing_id == filing_id).order_by(Approval.id.desc()).limit(1))


def withdraw_approval(record: FilingRecord, user: Principal, new_version: int, why: str) -> None:
    """Return an approved filing to draft because version `new_version` changes it (`why`), and
    log it; nothing for a filing that is not approved."""
    if record.status != "approved":
        return
    record.status = "draft"
    approval = latest_approval(record.id)
    approved = approval.version if approval is not None else new_version - 1
    reason = f"version {new_version} changed it after approval ({why})"[:300]
    if approval is not None and approval.withdrawn_at is None:
        approval.withdrawn_at, approval.withdrawn_reason = utcnow(), reason
    audit(record, user, "approval_withdrawn", f"approval of version {approved} withdrawn: {reason}; back to draft")


def version_exhibit_ids(version_id: int) -> list[int]:
    """The ids of the exhibits a version includes, in packet order."""
    return list(db.session.scalars(select(VersionExhibit.exhibit_id).where(VersionExhibit.version_id == version_id)
                                   .order_by(VersionExhibit.position)))


def ensure_editable(record: FilingRecord) -> None:
    """NotEditable unless the filing's status allows changing its facts."""
    if record.status not in EDITABLE:
        raise NotEditable(record.status)


def _add_version(record: FilingRecord, number: int, document: str, user: Principal, note: str) -> FilingVersion:
    """Add a new version with its derived results (computed from the document as stored), and
    its summary to the filing row."""
    columns = results.columns(results.compute(parsed(document)))
    version = FilingVersion(filing_id=record.id, number=number, document=document, author_id=user.id, note=note,
                            **columns)
    db.session.add(version)
    summary.store(record, json.loads(document), columns["findings"], columns["timeline"])
    return version


MAX_DOCKET = 50


class DocketRefused(Exception):
    """A docket number that is too long or holds control characters."""


def checked_docket(number: str) -> str:
    """The docket number stripped; DocketRefused when too long or holding control characters."""
    number = number.strip()
    if len(number) > MAX_DOCKET or not number.isprintable():
        raise DocketRefused(f"a docket number is at most {MAX_DOCKET} characters, without control characters")
    return number


def set_docket_number(record: FilingRecord, user: Principal, number: str) -> None:
    """Record the docket number the agency gave the filing (empty clears it); in the audit log."""
    number = checked_docket(number)
    if number == record.docket_number:
        return
    record.docket_number = number
    audit(record, user, "docket_number", number or "cleared")
    db.session.commit()


class ArchiveRefused(Exception):
    """Only a draft can be archived, and only an archived filing restored."""


def archive(record: FilingRecord, user: Principal) -> None:
    """Hide a draft from the filing list (it is kept, and can be restored)."""
    if record.status != "draft" or record.archived:
        raise ArchiveRefused("only a draft that is not archived can be archived")
    record.archived = True
    audit(record, user, "archived", f"draft at version {record.version}")
    db.session.commit()


def restore(record: FilingRecord, user: Principal) -> None:
    """Bring an archived draft back into the filing list."""
    if not record.archived:
        raise ArchiveRefused("the filing is not archived")
    record.archived = False
    audit(record, user, "restored", f"draft at version {record.version}")
    db.session.commit()


def current_filing(record: FilingRecord) -> tuple[Filing, FilingVersion]:
    """The latest version's Filing and the version."""
    version = record.latest()
    return parsed(version.document), version


def version_results(version: FilingVersion) -> results.Results:
    return results.stored(version, parsed(version.document))


class FieldRefused(TransitionRefused):
    """A workflow step refused because of what was typed (or not) in one of its fields."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


MAX_ITEMS = 50      # items of one change request


def request_items(text: str) -> list[str]:
    """The items of a change request: one per non-blank line (a leading "-", "*" or "1." dropped)."""
    items = [line.strip().lstrip("-*\u2022 ").strip() for line in text.splitlines()]
    items = [re.sub(r"^\d+[.)]\s*", "", i) for i in items]
    return [i[:MAX_COMMENT] for i in items if i]


def transition(record: FilingRecord, name: str, user: Principal, role: str, seen_version: int,
               comment: str = "", attested: bool = False) -> Transition:
    """Take workflow step `name` on the version the user saw, with an optional comment;
    TransitionRefused when the status, the role, the checklist or a newer version forbid it.
    Approving needs the reviewer's attestation and records it (Approval); requesting changes
    needs at least one item, each an open comment the administrator resolves."""
    if seen_version != record.version:
        raise TransitionRefused("the filing changed since you loaded the page; review the latest version")
    latest = record.latest()
    t = check_transition(name, record.status, role, version_results(latest).has_errors)
    body = comment.strip()
    items = request_items(body) if name == "request_changes" else []
    if name == "request_changes" and not items:
        raise FieldRefused("comment", "say what needs to change, one item per line")
    if len(items) > MAX_ITEMS:
        raise FieldRefused("comment", f"a change request has at most {MAX_ITEMS} items")
    if name == "approve" and not attested:
        raise FieldRefused("attest", f"tick the box to confirm that you reviewed version {record.version} "
                                     "and everything in it")
    source, record.status = record.status, t.target
    notes = [Comment(filing_id=record.id, field="", body=i, version=record.version, author_id=user.id, requested=True)
             for i in items]
    if body and not items:
        notes = [Comment(filing_id=record.id, field="", body=body[:MAX_COMMENT], version=record.version, author_id=user.id)]
    db.session.add_all(notes)
    db.session.flush()
    if name == "approve":
        reviewer = db.session.get(User, user.id)
        db.session.add(Approval(filing_id=record.id, version=record.version, reviewer_id=user.id,
                                reviewer_name=(reviewer.name or reviewer.email)[:200], reviewer_email=user.email,
                                role=ROLE_LABELS[role], note=body[:MAX_COMMENT]))
    detail = f"{len(items)} item(s): " + "; ".join(items) if items else body
    audit(record, user, name, f"{STATUS_LABELS[t.target]} at version {record.version}" + (f": {detail[:500]}" if detail else ""))
    subject = notifications.about(record.id, record.organization_id, parsed(latest.document))
    kind = notifications.handoff_kind(name, source)
    told = {n.user_id for n in notifications.handoff(subject, kind, user.id, user.email, body)} if kind else set()
    for note in notes:
        notifications.comment(subject, note, user.id, user.email, answers=False, already=told)
    db.session.commit()
    mail_jobs.dispatch()
    return t


def comment_fields(pack: Pack, filing_type: str) -> list[tuple[str, str]]:
    """The fields a comment may be anchored to: those the filing type asks, as (path, label)."""
    return [(f.path, pack.label(f.path)) for s in pack.sections_for(filing_type) for f in s.fields if f.applies(filing_type)]


def add_comment(record: FilingRecord, user: Principal, pack: Pack, filing_type: str, field: str, body: str,
                parent_id: int | None = None) -> Comment:
    """A comment on one of the filing type's fields (or on the whole filing when `field` is
    empty), or a reply to the thread `parent_id` of this filing (on its field)."""
    body = body.strip()
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.filing_id != record.id or parent.parent_id is not None:
            raise CommentRefused("reply to a comment of this filing")
        field = parent.field
    valid_fields = {path for path, _ in comment_fields(pack, filing_type)}
    if not body or len(body) > MAX_COMMENT or (field and field not in valid_fields):
        raise CommentRefused(f"write a comment (at most {MAX_COMMENT:,} characters) on one of the listed fields")
    comment = Comment(filing_id=record.id, field=field, body=body, version=record.version, author_id=user.id,
                      parent_id=parent_id)
    db.session.add(comment)
    db.session.flush()
    where = pack.label(field) if field else "whole filing"
    audit(record, user, "replied" if parent else "commented", f"{where}: {body[:500]}")
    notifications.comment(notifications.about(record.id, record.organization_id, parsed(record.latest().document)),
                          comment, user.id, user.email)
    db.session.commit()
    mail_jobs.dispatch()
    return comment


def set_resolved(record: FilingRecord, user: Principal, thread: Comment, resolved: bool) -> None:
    """Resolve a thread (or open it again); in the audit log."""
    if thread.filing_id != record.id or thread.parent_id is not None:
        raise CommentRefused("only a thread's first comment is resolved")
    if (thread.resolved_at is not None) == resolved:
        return
    thread.resolved_at, thread.resolved_by = (utcnow(), user.email) if resolved else (None, "")
    audit(record, user, "resolved" if resolved else "reopened_comment", f"comment {thread.id}: {thread.body[:200]}")
    db.session.commit()
