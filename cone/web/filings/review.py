"""The review workflow's steps (submit, review, mark filed) and comments."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..access import current_record, filing_item, permission
from ..accounts.step_up import fresh_second_factor
from ..afterfiling import service as afterfiling
from ..afterfiling.views import upload
from ..models import Comment
from . import results, service, threads
from .blueprint import bp
from .pages import filing_context, page_context
from .workflow import TransitionRefused, done_message


REVIEW_ERROR = "error-review-"      # + the field: a flash category shown at that field of the review form


def _transition(name: str):
    record = current_record()
    try:
        t = service.transition(record, name, g.user, g.role, int(request.form.get("version", "-1")),
                               request.form.get("comment", ""), attested=request.form.get("attest") == "yes")
    except service.FieldRefused as exc:
        flash(f"Not done: {exc}.", f"{REVIEW_ERROR}{name}-{exc.field}")
        return redirect(url_for("filings.overview", filing_id=record.id) + f"#{name}-{exc.field}"), 303
    except (TransitionRefused, ValueError) as exc:
        flash(f"Not done: {exc}.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id)), 303
    agency = filing_context(record)[1].ui.agency_short
    flash(done_message(t, agency) + threads.resubmitted_note(record.id, name))
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
    flash(f"Marked as filed with {agency} on {record.filed_on.isoformat()}, docket {record.docket_number}. "
          "The after-filing clock starts from that date.")
    return redirect(url_for("afterfiling.page", filing_id=record.id)), 303


def _back(record_id: int, anchor: str = "comments") -> str:
    """Where a comment form returns to: the page it was on (check your answers, a section), else the overview."""
    back = request.form.get("return_to", "")
    if back == "check":
        return url_for("filings.check", filing_id=record_id) + f"#{anchor}"
    if back.startswith("section:") and back[8:].replace("_", "").replace("-", "").isalnum():
        return url_for("filings.section", filing_id=record_id, section_id=back[8:]) + f"#{anchor}"
    return url_for("filings.overview", filing_id=record_id) + f"#{anchor}"


@bp.post("/<int:filing_id>/comments")
@permission("comment", obj="filing")
def comment(filing_id: int):  # noqa: ANN201
    """A new thread on an answer (or the whole filing), or a reply to a thread (`parent`)."""
    record = current_record()
    filing, pack, _ = filing_context(record)
    parent = request.form.get("parent", "")
    anchor = f"thread-{parent}" if parent.isdigit() else "comments"
    try:
        service.add_comment(record, g.user, pack, filing.filing_type, request.form.get("field", ""),
                            request.form.get("body", ""), parent_id=int(parent) if parent.isdigit() else None)
    except service.CommentRefused as exc:
        flash(f"Not saved: {exc}.", "error")
        return redirect(_back(record.id, anchor)), 303
    flash("Reply added." if parent.isdigit() else "Comment added.")
    return redirect(_back(record.id, anchor)), 303


@bp.post("/<int:filing_id>/comments/<int:comment_id>/resolve")
@permission("comment", obj="filing")
def resolve_comment(filing_id: int, comment_id: int):  # noqa: ANN201
    """Mark a thread resolved, or open it again (`action=reopen`)."""
    record = current_record()
    thread = filing_item(Comment, comment_id)
    resolved = request.form.get("action", "resolve") != "reopen"
    try:
        service.set_resolved(record, g.user, thread, resolved)
    except service.CommentRefused as exc:
        flash(f"Not done: {exc}.", "error")
        return redirect(_back(record.id, f"thread-{comment_id}")), 303
    flash("Comment resolved." if resolved else "Comment open again.")
    return redirect(_back(record.id, f"thread-{comment_id}")), 303
