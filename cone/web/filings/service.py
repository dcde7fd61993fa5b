"""Changes to a filing: a new filing, immutable versions with optimistic concurrency, workflow
transitions, comments, and the audit log. The pages and the JSON API both call these, so
both apply the same rules. Hand-offs and comments notify the people concerned (in the same
transaction; their mail is sent after the commit)."""
from __future__ import annotations

import functools
import json

from sqlalchemy import select, update

from ...filing.models import Filing
from ...filing.parser import dumps, loads
from ...packs.pack import Pack
from ..extensions import db
from ..mail import jobs as mail_jobs
from ..models import AuditEvent, Comment, FilingRecord, FilingVersion, Principal, VersionExhibit, utcnow
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
    NotEditable in a status that allows no change."""
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
    version = _add_version(record, base + 1, document, user, note)
    db.session.flush()
    db.session.add_all(VersionExhibit(version_id=version.id, position=i, exhibit_id=e) for i, e in enumerate(exhibit_ids))
    audit(record, user, "saved", f"version {base + 1}" + (f"; {note}" if note else ""))
    db.session.commit()
    db.session.refresh(record)
    return True


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


def transition(record: FilingRecord, name: str, user: Principal, role: str, seen_version: int,
               comment: str = "") -> Transition:
    """Take workflow step `name` on the version the user saw, with an optional comment;
    TransitionRefused when the status, the role, the checklist or a newer version forbid it."""
    if seen_version != record.version:
        raise TransitionRefused("the filing changed since you loaded the page; review the latest version")
    latest = record.latest()
    t = check_transition(name, record.status, role, version_results(latest).has_errors)
    source, record.status = record.status, t.target
    body = comment.strip()
    note = None
    if body:
        note = Comment(filing_id=record.id, field="", body=body[:MAX_COMMENT], version=record.version, author_id=user.id)
        db.session.add(note)
        db.session.flush()
    audit(record, user, name, f"{STATUS_LABELS[t.target]} at version {record.version}" + (f": {body[:500]}" if body else ""))
    subject = notifications.about(record.id, record.organization_id, parsed(latest.document))
    kind = notifications.handoff_kind(name, source)
    told = {n.user_id for n in notifications.handoff(subject, kind, user.id, user.email, body)} if kind else set()
    if note is not None:
        notifications.comment(subject, note, user.id, user.email, answers=False, already=told)
    db.session.commit()
    mail_jobs.dispatch()
    return t


def add_comment(record: FilingRecord, user: Principal, pack: Pack, filing_type: str, field: str, body: str) -> Comment:
    """A comment on one of the filing type's fields (or on the whole filing when `field` is empty)."""
    body = body.strip()
    valid_fields = {f.path for s in pack.sections_for(filing_type) for f in s.fields}
    if not body or len(body) > MAX_COMMENT or (field and field not in valid_fields):
        raise CommentRefused(f"write a comment (at most {MAX_COMMENT:,} characters) on one of the listed fields")
    comment = Comment(filing_id=record.id, field=field, body=body, version=record.version, author_id=user.id)
    db.session.add(comment)
    db.session.flush()
    audit(record, user, "commented", f"{pack.label(field) if field else 'whole filing'}: {body[:500]}")
    notifications.comment(notifications.about(record.id, record.organization_id, parsed(record.latest().document)),
                          comment, user.id, user.email)
    db.session.commit()
    mail_jobs.dispatch()
    return comment
