"""The after-filing pages: the clock with its events, recording an event, the decision's
conditions, and the downloads kept from filing (the packet as filed, the receipt, documents)."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for

from ..access import current_record, filing_item, permission
from ..filings import results
from ..filings.pages import filing_context, page_context
from ..models import FilingCondition, FilingEvent, RenderJob
from . import service
from .service import AfterFilingRefused, Upload

bp = Blueprint("afterfiling", __name__, url_prefix="/filings")


def upload(name: str) -> Upload | None:
    file = request.files.get(name)
    return Upload(file.filename or "", file.read()) if file is not None and file.filename else None


def _to_page(filing_id: int, anchor: str = "") -> tuple[Response, int]:
    return redirect(url_for("afterfiling.page", filing_id=filing_id) + anchor), 303


def download(data: bytes | None, name: str) -> Response:
    """Stored PDF bytes as an attachment (404 when there are none)."""
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name,
                     etag=False, last_modified=None, max_age=None)


@bp.get("/<int:filing_id>/after-filing")
@permission("view", obj="filing")
def page(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    context = page_context(record, filing, pack, version)
    events = service.events_of(record.id)
    af = pack.deadlines.after_filing
    return render_template("afterfiling/page.html", **context, events=events,
                           clock=service.clock_of(record, pack, filing.filing_type),
                           conditions=service.conditions_of(record.id), rules=af, today=results.today(),
                           labels={k.id: k.label for k in af.events} if af else {},
                           extendable=[r for r in (af.clock if af else []) if r.extendable],
                           ended=bool(af) and any(k.final and k.id in {e.kind for e in events} for k in af.events))


@bp.post("/<int:filing_id>/events")
@permission("file", obj="filing")
def record_event(filing_id: int):  # noqa: ANN201
    record = current_record()
    form = request.form
    try:
        event = service.record_event(record, g.user, form.get("kind", ""), form.get("date", ""), results.today(),
                                     form.get("row", ""), form.get("outcome", ""), form.get("note", ""),
                                     upload("document"))
    except AfterFilingRefused as exc:
        flash(f"Not recorded: {exc.message}.", "error")
        return _to_page(filing_id, "#record")
    flash(f"Recorded: {event.date.isoformat()}.")
    return _to_page(filing_id)


@bp.post("/<int:filing_id>/conditions")
@permission("file", obj="filing")
def add_condition(filing_id: int):  # noqa: ANN201
    form = request.form
    try:
        service.add_condition(current_record(), g.user, form.get("title", ""), form.get("first_due", ""),
                              form.get("every_months", "0"), form.get("until", ""))
    except AfterFilingRefused as exc:
        flash(f"Not added: {exc.message}.", "error")
        return _to_page(filing_id, "#conditions")
    flash("Condition added.")
    return _to_page(filing_id, "#conditions")


@bp.post("/<int:filing_id>/conditions/<int:condition_id>/met")
@permission("file", obj="filing")
def condition_met(filing_id: int, condition_id: int):  # noqa: ANN201
    condition = filing_item(FilingCondition, condition_id)
    try:
        service.condition_met(current_record(), g.user, condition, upload("evidence"))
    except AfterFilingRefused as exc:
        flash(f"Not marked met: {exc.message}.", "error")
        return _to_page(filing_id, "#conditions")
    flash(f"Condition marked met: {condition.title}.")
    return _to_page(filing_id, "#conditions")


@bp.get("/<int:filing_id>/as-filed.pdf")
@permission("view", obj="filing")
def as_filed(filing_id: int):  # noqa: ANN201
    """The packet as filed: the final render kept when the filing was marked filed."""
    record = current_record()
    job = filing_item(RenderJob, record.filed_render_id) if record.filed_render_id else abort(404)
    if job.status != "done":
        flash("The packet as filed is still being rendered; try again in a moment.", "error")
        return _to_page(filing_id)
    return download(job.pdf, f"filing-{record.id}-as-filed-{record.docket_number}.pdf")


@bp.get("/<int:filing_id>/receipt.pdf")
@permission("view", obj="filing")
def receipt(filing_id: int):  # noqa: ANN201
    record = current_record()
    return download(service.stored_bytes(record.receipt_sha256), f"filing-{record.id}-receipt.pdf")


@bp.get("/<int:filing_id>/events/<int:event_id>/document")
@permission("view", obj="filing")
def event_document(filing_id: int, event_id: int):  # noqa: ANN201
    event = filing_item(FilingEvent, event_id)
    return download(service.stored_bytes(event.document_sha256), event.document_name or "document.pdf")


@bp.get("/<int:filing_id>/conditions/<int:condition_id>/evidence")
@permission("view", obj="filing")
def condition_evidence(filing_id: int, condition_id: int):  # noqa: ANN201
    condition = filing_item(FilingCondition, condition_id)
    return download(service.stored_bytes(condition.evidence_sha256), condition.evidence_name or "evidence.pdf")

