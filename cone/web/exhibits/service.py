"""Exhibit changes: upload (checked by the PDF package) and removal, each in the audit log."""
from __future__ import annotations

import re

from sqlalchemy import select

from ... import pdf
from ..extensions import db
from ..filings.service import audit
from ..models import Exhibit, FilingRecord, Principal


def exhibits_of(filing_id: int) -> list[Exhibit]:
    """The filing's exhibits in the order they were uploaded (and are appended to the packet)."""
    return list(db.session.scalars(select(Exhibit).where(Exhibit.filing_id == filing_id).order_by(Exhibit.id)))


def upload(record: FilingRecord, user: Principal, filename: str, data: bytes) -> Exhibit:
    """Store a PDF exhibit under a safe version of its file name; InputError names what is wrong."""
    name = re.sub(r"[^\w.\- ]+", "_", filename)[:200]
    pdf.check_exhibit(data, name)
    exhibit = Exhibit(filing_id=record.id, name=name, data=data, size=len(data), uploaded_by=user.email)
    db.session.add(exhibit)
    audit(record, user, "exhibit_uploaded", f"{name} ({len(data):,} bytes)")
    db.session.commit()
    return exhibit


def remove(record: FilingRecord, user: Principal, exhibit: Exhibit) -> None:
    db.session.delete(exhibit)
    audit(record, user, "exhibit_removed", exhibit.name)
    db.session.commit()
