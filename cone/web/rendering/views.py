"""PDF render jobs of a filing: request one, watch it, download the PDF."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from ..access import current_record, filing_item, permission
from ..filings.pages import filing_context, page_context
from ..filings.reads import served
from ..models import RenderJob
from .service import FinalNeedsApproval, download_name, start_render

bp = Blueprint("rendering", __name__, url_prefix="/filings")


@bp.post("/<int:filing_id>/pdf")
@permission("view", obj="filing")
def request_pdf(filing_id: int):  # noqa: ANN201
    try:
        job = start_render(current_record(), request.form.get("kind") == "final", g.user)
    except FinalNeedsApproval as exc:
        flash(f"Not made: {exc}. Download the draft instead.", "error")
        return redirect(url_for("filings.overview", filing_id=filing_id) + "#downloads", 303)
    return redirect(url_for("rendering.job", filing_id=filing_id, job_id=job.id), 303)


@bp.get("/<int:filing_id>/jobs/<job_id>")
@permission("view", obj="filing")
def job(filing_id: int, job_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    return render_template("rendering/job.html", **page_context(record, filing, pack, version),
                           job=filing_item(RenderJob, job_id))


@bp.get("/<int:filing_id>/jobs/<job_id>/download")
@permission("view", obj="filing")
def job_download(filing_id: int, job_id: str):  # noqa: ANN201
    job = filing_item(RenderJob, job_id)
    if job.status != "done":
        abort(409, "The PDF is not ready yet.")
    served(job.version)
    return Response(job.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={download_name(job)}"})
