"""Exhibit changes: upload (converted to PDF, checked and cleaned of active content in the render
pool, within the per-filing limits), a new title, description or kind, reorder and removal.
Each makes a new version of the filing (through save_exhibits) and is in the audit log; the
bytes are stored once by content hash (ExhibitFile). An exhibit's letter is assigned at upload
and never changes: a new title makes a new row with the same letter, so that older versions
keep the title they had."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from flask import current_app
from sqlalchemy import ColumnElement, select

from ... import pdf
from ...filing.errors import InputError
from ...pdf.exhibits import exhibit_letter
from ...pdf.uploads import Prepared, kind_of, prepare_upload
from ...rules.checklist import pack_for
from ..extensions import db
from ..filings.service import audit, current_filing, ensure_editable, save_version, version_exhibit_ids
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
    """The uploaded file name (or a title typed in) as the exhibit's title: printable characters, at most 200."""
    title = "".join(c for c in filename if unicodedata.category(c)[0] != "C").strip()
    return title[:200]


def letter_index(letter: str) -> int:
    """The index exhibit_letter gives `letter` (-1 for none)."""
    index = 0
    for c in letter:
        index = index * 26 + ord(c) - 64
    return index - 1


def next_letter(filing_id: int) -> str:
    """The letter after every one the filing has used, removed exhibits' included: a letter the
    narrative cites is never given to another exhibit."""
    used = db.session.scalars(select(Exhibit.letter).where(Exhibit.filing_id == filing_id).distinct())
    return exhibit_letter(max((letter_index(letter) for letter in used), default=-1) + 1)


def kinds(record: FilingRecord) -> dict[str, str]:
    """The pack's exhibit kinds for the filing, id -> label, in the pack's order."""
    return {k.id: k.label for k in pack_for(current_filing(record)[0]).documents.exhibit_kinds}


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


def accept_upload(filename: str, data: bytes) -> Prepared:
    """Any upload made into a checked, clean PDF (see cone.pdf.uploads) within the configured
    time, or InputError in plain words: the check every uploaded file passes (exhibits, receipts)."""
    name = title_of(filename) or "upload"
    if not data:
        raise InputError(f"{name[:80]!r} is empty; choose the file again", path="exhibit")
    if len(data) > pdf.MAX_EXHIBIT_BYTES:
        raise InputError(f"{name[:80]!r} is {size_text(len(data))}; a file may be at most "
                         f"{size_text(pdf.MAX_EXHIBIT_BYTES)}", path="exhibit")
    pdf_data = pdf_bytes(data, name) if kind_of(data) in ("pdf", None) else None   # markup before a PDF: refused
    config = current_app.config
    return prepare_upload(data, name, pdf_data, float(config["EXHIBIT_CONVERT_SECONDS"]),
                          float(config["EXHIBIT_CHECK_SECONDS"]))


def size_text(size: int) -> str:
    """A size as people read it: 820 KB, 3.4 MB."""
    if size < 2**20:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / 2**20:,.1f} MB"


def _fields(record: FilingRecord, title: str, description: str, kind: str) -> tuple[str, str, str]:
    """The title, description and kind checked: InputError naming the field."""
    title = title_of(title)
    if not title:
        raise InputError("give the exhibit a title", path="title")
    description = description.strip()
    if len(description) > 2000:
        raise InputError(f"the description is {len(description):,} characters; at most 2,000", path="description")
    offered = kinds(record)
    if offered and kind not in offered:
        raise InputError("choose what kind of exhibit this is", path="kind")
    return title, description, kind if offered else ""


def upload(record: FilingRecord, user: Principal, filename: str, data: bytes, *, title: str = "",
           description: str = "", kind: str = "") -> tuple[Exhibit, Prepared]:
    """Store an upload as an exhibit (converted, checked and cleaned) with the next letter, and a
    version that includes it at the end; InputError names what is wrong, NotEditable or Conflict
    as for any save. Also returns what the check found (its pages, the active content removed)."""
    ensure_editable(record)
    title, description, kind = _fields(record, title.strip() or title_of(filename), description,
                                       kind or ("other" if "other" in kinds(record) else kind))
    included = exhibits_of(record.id)
    check_limits(included, 0)
    prepared = accept_upload(filename, data)
    check_limits(included, len(prepared.pdf))
    keep = prepared.source != "pdf" or current_app.config["KEEP_ORIGINAL_EXHIBITS"]
    original = store_file(data) if keep else None
    exhibit = Exhibit(filing_id=record.id, title=title, name=stored_name(title), sha256=store_file(prepared.pdf),
                      original_sha256=original, size=len(prepared.pdf), uploaded_by=user.email,
                      letter=next_letter(record.id), kind=kind, description=description, pages=prepared.pages,
                      source=prepared.source)
    db.session.add(exhibit)
    db.session.flush()
    audit(record, user, "exhibit_uploaded", f"Exhibit {exhibit.letter}: {title} ({size_text(exhibit.size)})")
    save_exhibits(record, user, [*version_exhibit_ids(current_filing(record)[1].id), exhibit.id],
                  f"exhibit added: {exhibit.letter}, {title}")
    return exhibit, prepared


def describe(record: FilingRecord, user: Principal, exhibit: Exhibit, title: str, description: str,
             kind: str) -> Exhibit:
    """A new title, description or kind: a new row with the same letter and file, put in the old
    one's place in a new version (older versions keep the row they had)."""
    title, description, kind = _fields(record, title, description, kind)
    if (title, description, kind) == (exhibit.title, exhibit.description, exhibit.kind):
        return exhibit
    renamed = Exhibit(filing_id=record.id, title=title, name=stored_name(title), sha256=exhibit.sha256,
                      original_sha256=exhibit.original_sha256, size=exhibit.size, uploaded_by=exhibit.uploaded_by,
                      letter=exhibit.letter, kind=kind, description=description, pages=exhibit.pages,
                      source=exhibit.source)
    ensure_editable(record)
    db.session.add(renamed)
    db.session.flush()
    audit(record, user, "exhibit_described", f"Exhibit {exhibit.letter}: {title}")
    ids = [renamed.id if e == exhibit.id else e for e in version_exhibit_ids(current_filing(record)[1].id)]
    save_exhibits(record, user, ids, f"exhibit {exhibit.letter} described: {title}")
    return renamed


def move(record: FilingRecord, user: Principal, exhibit: Exhibit, offset: int) -> None:
    """The exhibit `offset` places earlier (negative) or later in the packet, within its ends."""
    ids = version_exhibit_ids(current_filing(record)[1].id)
    at = ids.index(exhibit.id)
    ids.insert(max(0, min(len(ids) - 1, at + offset)), ids.pop(at))
    reorder(record, user, ids)


def reorder(record: FilingRecord, user: Principal, ids: list[int]) -> None:
    """The exhibits in the order `ids` gives, which must name each included exhibit once (InputError)."""
    included = version_exhibit_ids(current_filing(record)[1].id)
    if sorted(ids) != sorted(included):
        raise InputError("the new order must list each exhibit once; reload the page and try again", path="order")
    if ids == included:
        return
    letters = {e.id: e.letter for e in exhibits_of(record.id)}
    order = ", ".join(letters[i] for i in ids)
    audit(record, user, "exhibits_reordered", order)
    save_exhibits(record, user, ids, f"exhibits reordered: {order}")


def remove(record: FilingRecord, user: Principal, exhibit: Exhibit) -> None:
    """A version without the exhibit (the versions before keep it; its letter is not reused)."""
    included = version_exhibit_ids(current_filing(record)[1].id)
    audit(record, user, "exhibit_removed", f"Exhibit {exhibit.letter}: {exhibit.title}")
    save_exhibits(record, user, [e for e in included if e != exhibit.id],
                  f"exhibit removed: {exhibit.letter}, {exhibit.title}")


def save_exhibits(record: FilingRecord, user: Principal, exhibit_ids: list[int], note: str) -> None:
    """The one place an exhibit change becomes a version: the filing as it is, with `exhibit_ids`."""
    save_version(record, current_filing(record)[0], user, record.version, note, exhibit_ids=exhibit_ids)


def exhibit_data(exhibit: Exhibit) -> bytes:
    return file_data(exhibit.sha256)


def file_data(sha256: str) -> bytes:
    """The stored bytes with that hash."""
    return db.session.scalar(select(ExhibitFile.data).where(ExhibitFile.sha256 == sha256))
