"""A filing's history: its versions, the redline between two, and the audit log (page and CSV)."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, request, stream_with_context
from sqlalchemy import select

from ..access import current_record, permission
from ..extensions import db
from ..models import AuditEvent, FilingVersion, User
from ..pagination import paginate, requested_page
from .blueprint import bp
from .diff import field_changes, redline
from .pages import filing_context, page_context
from .service import parsed, version_results

CSV_BATCH = 500     # audit rows fetched and written at a time


@bp.get("/<int:filing_id>/versions")
@permission("view", obj="filing")
def versions(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    page = paginate(select(FilingVersion.number, FilingVersion.created_at, FilingVersion.note, User.email.label("author_email"))
                    .join(User, User.id == FilingVersion.author_id).where(FilingVersion.filing_id == record.id)
                    .order_by(FilingVersion.number.desc()), *requested_page(), total=record.version)   # (numbered 1..version)
    return render_template("filings/versions.html", **page_context(record, filing, pack, version), versions=page.rows,
                           page=page, latest=record.version)


@bp.get("/<int:filing_id>/diff")
@permission("view", obj="filing")
def diff(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        abort(400, "Choose two versions to compare.")
    found = {v.number: v for v in db.session.scalars(select(FilingVersion).where(
        FilingVersion.filing_id == record.id, FilingVersion.number.in_([a, b])))}
    if a not in found or b not in found:
        abort(404, "No such version.")
    old, new = parsed(found[a].document), parsed(found[b].document)
    notice_a, notice_b = version_results(found[a]).notice, version_results(found[b]).notice
    return render_template("filings/diff.html", **page_context(record, filing, pack, version), a=found[a], b=found[b],
                           changes=field_changes(old, new, pack),
                           redline=redline(notice_a.text, notice_b.text))


@bp.get("/<int:filing_id>/audit.csv")
@permission("view", obj="filing")
def audit_csv(filing_id: int):  # noqa: ANN201
    """The whole audit log as CSV, written row by row as the database yields them."""
    query = (select(AuditEvent.at, AuditEvent.user_email, AuditEvent.action, AuditEvent.detail)
             .where(AuditEvent.filing_id == filing_id).order_by(AuditEvent.id).execution_options(yield_per=CSV_BATCH))

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["time_utc", "user", "action", "detail"])
        for rows in db.session.execute(query).partitions():
            for e in rows:
                writer.writerow([e.at.isoformat(timespec="seconds") + "Z", e.user_email, e.action, _csv_safe(e.detail)])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if out.tell():
            yield out.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-audit.csv"})


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in user text (=, +, -, @ at the start)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/<int:filing_id>/audit")
@permission("view", obj="filing")
def audit_log(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    page = paginate(select(AuditEvent.at, AuditEvent.user_email, AuditEvent.action, AuditEvent.detail)
                    .where(AuditEvent.filing_id == filing_id).order_by(AuditEvent.id.desc()), *requested_page())
    return render_template("filings/audit.html", **page_context(record, filing, pack, version), events=page.rows, page=page)
