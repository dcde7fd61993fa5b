"""The review workflow's steps (submit, review, mark filed) and comments."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..access import current_record, permission
from ..accounts.step_up import fresh_second_factor
from ..afterfiling import service as afterfiling
from ..afterfiling.views import upload
from . import results, service
from .blueprint import bp
from .pages import filing_context, page_context
from .workflow import STATUS_LABELS, TransitionRefused


def _transition(name: str):
    record = current_record()
    try:
        t = service.transition(record, name, g.user, g.role, int(request.form.get("version", "-1")),
                               request.form.get("comment", ""))
    except (TransitionRefused, ValueError) as exc:
        flash(f"Not done: {exc}.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id)), 303
    agency = filing_context(record)[1].ui.agency_short
    flash(f"{t.label_for(agency)}: the filing is now {STATUS_LABELS[t.target].lower()}.")
    return redirect(url_for("filings.overview", filing_id=record.id)), 303


@bp.post("/<int:filing_id>/submit")
@permission("edit", obj="filing")
def submit(filing_id: int):  # noqa: ANN201
    """An administrator's workflow step: submit for review, withdraw from review, or reopen."""
    action = request.form.get("action", "submit")
    if action not in ("submit", "withdraw", "reopen"):
        abort(400, "Choose submit, withdraw or reopen.")
    return _transition(action)


@bp.post("/<int:filing_id>/review")
@permission("review", obj="filing")
@fresh_second_factor
def review(filing_id: int):  # noqa: ANN201
    decision = request.form.get("action", "")
    if decision not in ("approve", "request_changes"):
        abort(400, "Choose approve or request changes.")
    return _transition(decision)


@bp.get("/<int:filing_id>/filed")
@permission("file", obj="filing")
def mark_filed_form(filing_id: int):  # noqa: ANN201
    """The mark-filed form: filed date, docket number, the agency's receipt, and a confirmation."""
    record = current_record()
    filing, pack, version = filing_context(record)
    return render_template("afterfiling/mark_filed.html", **page_context(record, filing, pack, version),
                           today=results.today(), approved_on=afterfiling.approved_on(record),
                           docket=pack.deadlines.after_filing.docket if pack.deadlines.after_filing else None)


@bp.post("/<int:filing_id>/filed")
@permission("file", obj="filing")
@fresh_second_factor
def mark_filed(filing_id: int):  # noqa: ANN201
    """Mark the filing filed with the agency, for real (see cone.web.afterfiling.service.mark_filed)."""
    record = current_record()
    form = request.form
    try:
        afterfiling.mark_filed(record, g.user, g.role, int(form.get("version", "-1") or -1), form.get("filed_on", ""),
                               form.get("docket_number", ""), upload("receipt"), form.get("confirm") == "yes",
                               results.today())
    except (afterfiling.AfterFilingRefused, ValueError) as exc:
        flash(f"Not filed: {exc}.", "error")
        return redirect(url_for("filings.mark_filed_form", filing_id=record.id)), 303
    agency = filing_context(record)[1].ui.agency_short
    flash(f"Marked as filed with {agency} on {record.filed_on.isoformat()}, docket {record.docket_number}: "
          f"the filing is now {STATUS_LABELS[record.status].lower()}.")
    return redirect(url_for("afterfiling.page", filing_id=record.id)), 303


@bp.post("/<int:filing_id>/comments")
@permission("comment", obj="filing")
def comment(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, _ = filing_context(record)
    try:
        service.add_comment(record, g.user, pack, filing.filing_type, request.form.get("field", ""),
                            request.form.get("body", ""))
    except service.CommentRefused as exc:
        flash(f"Not saved: {exc}.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id) + "#comments"), 303
    flash("Comment added.")
    return redirect(url_for("filings.overview", filing_id=record.id) + "#comments"), 303
