"""Saving filings: immutable versions with optimistic concurrency, and the audit log.

Shared by the forms and the JSON API so both apply the same rules.
"""
from __future__ import annotations

import functools

from sqlalchemy import update

from ..filing import Filing, dumps, loads
from . import results
from .extensions import db
from .models import AuditEvent, FilingRecord, FilingVersion, Principal, utcnow


class Conflict(Exception):
    """The save was based on an older version than the one now stored."""

    def __init__(self, current: int):
        super().__init__(f"the filing changed since version {current - 1 if current else 0}; now at version {current}")
        self.current = current


@functools.lru_cache(maxsize=512)
def parsed(document: str) -> Filing:
    return loads(document)


def audit(record: FilingRecord, user: Principal | None, action: str, detail: str = "") -> None:
    """Log an event; it also marks the filing as changed (cached pages key on `updated_at`)."""
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


def save_version(record: FilingRecord, filing: Filing, user: Principal, base: int, note: str = "") -> bool:
    """Store `filing` as the version after `base`; False when nothing changed; Conflict when
    another save landed after `base` (checked in the UPDATE itself, so concurrent saves cannot
    both win)."""
    document = dumps(filing)
    if base == record.version and record.latest().document == document:
        return False
    result = db.session.execute(update(FilingRecord).where(FilingRecord.id == record.id, FilingRecord.version == base)
                                .values(version=base + 1, updated_at=utcnow()))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(record)
        raise Conflict(record.version)
    db.session.add(_version(record, base + 1, document, user, note))
    audit(record, user, "saved", f"version {base + 1}" + (f"; {note}" if note else ""))
    db.session.commit()
    db.session.refresh(record)
    return True


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
