"""Changes to a filing: a new filing, immutable versions with optimistic concurrency, workflow
transitions, comments, and the audit log. The pages and the JSON API both call these, so
both apply the same rules."""
from __future__ import annotations

import functools

from sqlalchemy import select, update

from ...filing.models import Filing
from ...filing.parser import dumps, loads
from ...packs.pack import Pack
from ..extensions import db
from ..models import AuditEvent, Comment, FilingRecord, FilingVersion, Principal, VersionExhibit, utcnow
from . import results
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
    db.session.add(_version(record, 1, dumps(filing), user, "created"))
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
    version = _version(record, base + 1, document, user, note)
    db.session.add(version)
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


def _version(record: FilingRecord, number: int, document: str, user: Principal, note: str) -> FilingVersion:
    """A new version with its derived results (computed from the document as stored)."""
    return FilingVersion(filing_id=record.id, number=number, document=document, author_id=user.id, note=note,
                         **results.columns(results.compute(parsed(document))))


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
    t = check_transition(name, record.status, role, version_results(record.latest()).has_errors)
    record.status = t.target
    body = comment.strip()
    if body:
        db.session.add(Comment(filing_id=record.id, field="", body=body[:MAX_COMMENT], version=record.version,
                               author_id=user.id))
    audit(record, user, name, f"{STATUS_LABELS[t.target]} at version {record.version}" + (f": {body[:500]}" if body else ""))
    db.session.commit()
    return t


def add_comment(record: FilingRecord, user: Principal, pack: Pack, filing_type: str, field: str, body: str) -> Comment:
    """A comment on one of the filing type's fields (or on the whole filing when `field` is empty)."""
    body = body.strip()
    valid_fields = {f.path for s in pack.sections_for(filing_type) for f in s.fields}
    if not body or len(body) > MAX_COMMENT or (field and field not in valid_fields):
        raise CommentRefused(f"write a comment (at most {MAX_COMMENT:,} characters) on one of the listed fields")
    comment = Comment(filing_id=record.id, field=field, body=body, version=record.version, author_id=user.id)
    db.session.add(comment)
    audit(record, user, "commented", f"{pack.label(field) if field else 'whole filing'}: {body[:500]}")
    db.session.commit()
    return comment
