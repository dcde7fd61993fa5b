"""Reads in the audit trail: each view of a filing's overview and each download of it (the
filing JSON, the notice, a PDF, an exhibit, the audit CSV, the API's GETs) adds one audit event
of the `read` kind naming who, what and which version, written by one INSERT after the answer
is built (so the page's own queries are not repeated after a commit)."""
from __future__ import annotations

from flask import Response, g, request
from sqlalchemy import insert
from sqlalchemy.exc import InternalError, OperationalError

from .. import security_log
from ..extensions import db
from ..models import AuditEvent, utcnow
from .blueprint import bp

READ = "read"      # the audit action of a read; the audit page hides these unless asked

DOWNLOADS = {      # endpoint -> what it serves, as the audit log names it
    "filings.overview": "overview",
    "filings.filing_json": "filing.json",
    "filings.notice_text": "notice (text)",
    "filings.notice_html": "notice (HTML)",
    "filings.notice_word": "notice (Word)",
    "filings.insertion_request_pdf": "insertion request (PDF)",
    "filings.audit_csv": "audit log (CSV)",
    "filings.redline_pdf": "redline PDF",
    "exhibits.exhibit": "exhibit",
    "rendering.job_download": "PDF",
}


def served(version: int, what: str | None = None) -> None:
    """Name the version a download served when it is not the latest (an older render, a
    redline's newer side), and what it was when the endpoint alone does not say."""
    g.read_version = version
    if what is not None:
        g.read_what = what


def what_was_read() -> str | None:
    """What this request reads of a filing, or None when it is no read (or the API's GET of a list)."""
    if request.method != "GET" or g.get("access") is None:
        return None
    if request.blueprint == "api":
        return f"API {request.path}"
    what = DOWNLOADS.get(request.endpoint or "")
    if what == "exhibit":
        return f"exhibit {request.view_args['exhibit_id']}"
    return g.get("read_what", what) if what else None


def record_read(response: Response) -> Response:
    """After a successful read of a filing, its audit event (one INSERT, committed). A database
    that cannot take it (locked, read-only) still answers the read, which the security log notes."""
    if response.status_code != 200 or g.get("user") is None:
        return response
    what = what_was_read()
    if what is None:
        return response
    version = g.get("read_version", g.access.version)
    try:
        db.session.execute(insert(AuditEvent).values(filing_id=g.access.id, at=utcnow(), user_email=g.user.email,
                                                     action=READ, detail=f"{what}; version {version}"))
        db.session.commit()
    except (OperationalError, InternalError):     # (PostgreSQL's read-only transaction is an InternalError)
        db.session.rollback()
        security_log.event("read_not_audited", filing_id=g.access.id, version=version)
    return response


bp.after_app_request(record_read)      # every blueprint's reads, the API's and the exhibits' too
