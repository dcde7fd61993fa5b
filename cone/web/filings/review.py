"""The review workflow's steps (submit, review, mark filed) and comments."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from ..access import current_record, permission
from . import service
from .blueprint import bp
from .pages import filing_context
from .workflow import TransitionRefused, done_message


def _transition(name: str):
    record = current_record()
    try:
        t = service.transition(record, name, g.user, g.role, int(request.form.get("version", "-1")),
                               request.form.get("comment", ""))
    except (TransitionRefused, ValueError) as exc:
        flash(f"Not done: {exc}.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id)), 303
    agency = filing_context(record)[1].ui.agency_short
    flash(done_message(t, agency))
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
def review(filing_id: int):  # noqa: ANN201
    decision = request.form.get("action", "")
    if decision not in ("approve", "request_changes"):
        abort(400, "Choose approve or request changes.")
    return _transition(decision)


@bp.post("/<int:filing_id>/filed")
@permission("file", obj="filing")
def mark_filed(filing_id: int):  # noqa: ANN201
    return _transition("mark_filed")


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
