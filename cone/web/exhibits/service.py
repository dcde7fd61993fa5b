"""Exhibit changes: upload (checked by the PDF package and re-saved by it without active
content, within the per-filing limits) and removal. Each makes a new version of the filing
that includes (or no longer includes) the exhibit, and is in the audit log; the bytes are
stored once by content hash (ExhibitFile)."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from flask import current_app
from sqlalchemy import ColumnElement, select

from ... import pdf
from ...filing.errors import InputError
from ..extensions import db
from ..filings.service import audit, current_filing, save_version, version_exhibit_ids
from ..models import Exhibit, ExhibitFile, FilingRecord, FilingVersion, Principal, VersionExhibit

PDF_HEADER = b"%PDF-"
HEADER_WITHIN = 1024                  # where PDF readers look for the header
# Bytes before the header that make a file something other than a PDF to a browser or shell.
ACTIVE_CONTENT = re.compile(rb"<\s*[!?a-z/]|script|#!", re.IGNORECASE)


def exhibits_of(filing_id: int) -> list[Exhibit]:
    """The exhibits the filing's latest version includes, in packet order."""
    return exhibits_of_version(select(FilingVersion.id).join(FilingRecord, FilingRecord.id == FilingVersion.filing_id)
                               .where(FilingRecord.id == filing_id, FilingVersion.number == FilingRecord.version)
                               .scalar_subquery())


def exhibits_of_version(version_id: int | ColumnElement[int]) -> list[Exhibit]:
    """The exhibits a version includes (its id, or a subquery naming it), in packet order."""
    return list(db.session.scalars(select(Exhibit).join(VersionExhibit, VersionExhibit.exhibit_id == Exhibit.id)
                                   .where(VersionExhibit.version_id == version_id).order_by(VersionExhibit.position)))


def title_of(filename: str) -> str:
    """The uploaded file name as the exhibit's title: printable characters, at most 200."""
    title = "".join(c for c in filename if unicodedata.category(c)[0] != "C").strip()
    return title[:200]


def stored_name(title: str) -> str:
    """The name the exhibit downloads under: the title made safe, ending in `.pdf` whatever it ended in."""
    stem = re.sub(r"[^\w.\- ]+", "_", title)
    stem = re.sub(r"\.[^.]*$", "", stem).strip(" .") or "exhibit"
    return stem[:196] + ".pdf"


def pdf_bytes(data: bytes, title: str) -> bytes:
    """The upload from its PDF header on; InputError when markup or script comes before it
    (an HTML page or SVG with a PDF appended opens as a page, and runs, once saved)."""
    start = data.find(PDF_HEADER, 0, HEADER_WITHIN)
    if ACTIVE_CONTENT.search(data[:start if start >= 0 else HEADER_WITHIN]):
        raise InputError(f"exhibit {title[:80]!r} begins with HTML, SVG or script, not a PDF; "
                         "upload the PDF file itself", path="exhibit")
    return data[start:] if start > 0 else data


def store_file(data: bytes) -> str:
    """The bytes stored once by their SHA-256, which is returned."""
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(ExhibitFile, digest) is None:
        db.session.add(ExhibitFile(sha256=digest, data=data, size=len(data)))
        db.session.flush()          # (no relationship tells the unit of work to insert the file first)
    return digest


def limits() -> tuple[int, int]:
    """How many exhibits one filing may include, and their total size in bytes."""
    return int(current_app.config["EXHIBIT_COUNT_LIMIT"]), int(float(current_app.config["EXHIBIT_TOTAL_MB"]) * 2**20)


def check_limits(included: list[Exhibit], size: int) -> None:
    """InputError when one more exhibit of `size` bytes would pass the filing's limits."""
    count_limit, bytes_limit = limits()
    if len(included) >= count_limit:
        raise InputError(f"this filing already has {len(included)} exhibits, the most it may have; "
                         "remove one to add another", path="exhibit")
    total = sum(e.size for e in included) + size
    if total > bytes_limit:
        raise InputError(f"this exhibit ({size / 2**20:.1f} MB) would bring the filing's exhibits to "
                         f"{total / 2**20:.1f} MB, over the limit of {bytes_limit / 2**20:g} MB", path="exhibit")


def upload(record: FilingRecord, user: Principal, filename: str, data: bytes) -> Exhibit:
    """Store a PDF exhibit, cleaned of active content, and a version that includes it;
    InputError names what is wrong, NotEditable or Conflict as for any save."""
    title = title_of(filename)
    data = pdf_bytes(data, title)
    included = exhibits_of(record.id)
    check_limits(included, 0)
    clean = pdf.clean_exhibit(data, title)
    check_limits(included, len(clean))
    original = store_file(data) if current_app.config["KEEP_ORIGINAL_EXHIBITS"] else None
    exhibit = Exhibit(filing_id=record.id, title=title, name=stored_name(title), sha256=store_file(clean),
                      original_sha256=original, size=len(clean), uploaded_by=user.email)
    db.session.add(exhibit)
    db.session.flush()
    audit(record, user, "exhibit_uploaded", f"{title} ({len(clean):,} bytes)")
    save_version(record, current_filing(record)[0], user, record.version, f"exhibit added: {title}",
                 exhibit_ids=[*version_exhibit_ids(current_filing(record)[1].id), exhibit.id])
    return exhibit


def remove(record: FilingRecord, user: Principal, exhibit: Exhibit) -> None:
    """A version without the exhibit (the versions before keep it)."""
    filing, version = current_filing(record)
    included = version_exhibit_ids(version.id)
    audit(record, user, "exhibit_removed", exhibit.title)
    save_version(record, filing, user, record.version, f"exhibit removed: {exhibit.title}",
                 exhibit_ids=[e for e in included if e != exhibit.id])


def exhibit_data(exhibit: Exhibit) -> bytes:
    return db.session.scalar(select(ExhibitFile.data).where(ExhibitFile.sha256 == exhibit.sha256))
