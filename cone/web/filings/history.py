"""A filing's history: its versions, the redline between two, and the audit log (page and CSV)."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, g, render_template, request, stream_with_context
from sqlalchemy import func, select

from ...filing.errors import InputError
from ...packs.pack import Pack
from ..access import current_record, permission
from ..extensions import db
from ..models import AuditEvent, FilingRecord, FilingVersion, User
from ..pagination import paginate, requested_page
from . import redline_document
from .blueprint import bp
from .diff import Redline, field_changes, redline
from .pages import filing_context, page_context, title_of
from .reads import READ, served
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


REVIEW_ACTIONS = ("approve", "request_changes", "commented")   # the audit actions that review a version


def reviewed_version(filing_id: int, email: str) -> int | None:
    """The version that was the latest when this user last approved, requested changes or
    commented (one query), or None when they never did."""
    last = (select(func.max(AuditEvent.at)).where(AuditEvent.filing_id == filing_id, AuditEvent.user_email == email,
                                                  AuditEvent.action.in_(REVIEW_ACTIONS)).scalar_subquery())
    return db.session.scalar(select(func.max(FilingVersion.number)).where(
        FilingVersion.filing_id == filing_id, FilingVersion.created_at <= last))


def chosen_versions(record: FilingRecord) -> tuple[int, int, bool]:
    """The versions `a` and `b` the query asks for; by default since the version the user last
    reviewed, else the last two saves (True as the third item when the default is the review)."""
    raw_a, raw_b = request.args.get("a", ""), request.args.get("b", "")
    if raw_a or raw_b:
        try:
            return int(raw_a), int(raw_b), False
        except ValueError:
            abort(400, "Choose two versions to compare: 'a' and 'b' are version numbers.")
    reviewed = reviewed_version(record.id, g.user.email)
    if reviewed is not None and reviewed < record.version:
        return reviewed, record.version, True
    return max(1, record.version - 1), record.version, False


def redline_of(record: FilingRecord, pack: Pack) -> Redline:
    a, b, since_review = chosen_versions(record)
    found = {v.number: v for v in db.session.scalars(select(FilingVersion).where(
        FilingVersion.filing_id == record.id, FilingVersion.number.in_([a, b])))}
    if a not in found or b not in found:
        abort(404, "No such version.")
    old, new = parsed(found[a].document), parsed(found[b].document)
    notice_a, notice_b = version_results(found[a]).notice, version_results(found[b]).notice
    return Redline(found[a], found[b], field_changes(old, new, pack), redline(notice_a.text, notice_b.text),
                   since_review)


@bp.get("/<int:filing_id>/diff")
@permission("view", obj="filing")
def diff(filing_id: int):  # noqa: ANN201
    """The redline of two versions' answers and notice (by default since the user's last review)."""
    record = current_record()
    filing, pack, version = filing_context(record)
    return render_template("filings/diff.html", **page_context(record, filing, pack, version),
                           redline=redline_of(record, pack))


@bp.get("/<int:filing_id>/redline.pdf")
@permission("view", obj="filing")
def redline_pdf(filing_id: int):  # noqa: ANN201
    """The same redline as a PDF for the file, rendered by the packet's restricted renderer."""
    record = current_record()
    filing, pack, _ = filing_context(record)
    r = redline_of(record, pack)
    try:
        pdf = redline_document.render(r, title_of(filing), pack)
    except InputError as exc:
        abort(503, f"The redline PDF could not be made: {exc}")
    served(r.b.number, f"redline PDF of version {r.a.number} to {r.b.number}")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=filing-{filing_id}-redline-v{r.a.number}-v{r.b.number}.pdf"})


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
    """The audit log, newest first; reads (views and downloads) only when `reads=1` asks for them."""
    record = current_record()
    filing, pack, version = filing_context(record)
    with_reads = request.args.get("reads", "") == "1"
    query = select(AuditEvent.at, AuditEvent.user_email, AuditEvent.action, AuditEvent.detail).where(
        AuditEvent.filing_id == filing_id)
    if not with_reads:
        query = query.where(AuditEvent.action != READ)
    page = paginate(query.order_by(AuditEvent.id.desc()), *requested_page())
    return render_template("filings/audit.html", **page_context(record, filing, pack, version), events=page.rows, page=page,
                           with_reads=with_reads, pager_args={"filing_id": record.id, **({"reads": "1"} if with_reads else {})})
