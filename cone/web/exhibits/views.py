"""A filing's exhibits: upload, remove, download."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, g, redirect, request, send_file, url_for

from ...filing.errors import InputError
from ..access import current_record, filing_item, permission
from ..filings.service import Conflict, NotEditable
from ..models import Exhibit
from . import service

bp = Blueprint("exhibits", __name__, url_prefix="/filings")
UPLOAD_ERROR = "error-exhibit"       # a flash category shown at the upload field (and in the page's banner)


def _to_exhibits(filing_id: int) -> tuple[Response, int]:
    return redirect(url_for("filings.overview", filing_id=filing_id) + "#exhibits"), 303


@bp.post("/<int:filing_id>/exhibits")
@permission("edit", obj="filing")
def upload_exhibit(filing_id: int):  # noqa: ANN201
    upload = request.files.get("exhibit")
    if upload is None or not upload.filename:
        flash("Not uploaded: choose a PDF file.", UPLOAD_ERROR)
        return _to_exhibits(filing_id)
    try:
        exhibit = service.upload(current_record(), g.user, upload.filename, upload.read())
    except (InputError, NotEditable, Conflict) as exc:
        flash(f"Not uploaded: {exc.message if isinstance(exc, InputError) else exc}", UPLOAD_ERROR)
        return _to_exhibits(filing_id)
    flash(f"Exhibit {exhibit.title} uploaded.")
    return _to_exhibits(filing_id)


@bp.post("/<int:filing_id>/exhibits/<int:exhibit_id>/delete")
@permission("edit", obj="filing")
def delete_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    exhibit = filing_item(Exhibit, exhibit_id)
    if exhibit.id not in {e.id for e in service.exhibits_of(filing_id)}:
        abort(404)
    try:
        service.remove(current_record(), g.user, exhibit)
    except (NotEditable, Conflict) as exc:
        flash(f"Not removed: {exc}.", "error")
        return _to_exhibits(filing_id)
    flash(f"Exhibit {exhibit.title} removed.")
    return _to_exhibits(filing_id)


@bp.get("/<int:filing_id>/exhibits/<int:exhibit_id>")
@permission("view", obj="filing")
def exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """The exhibit as a download under its `.pdf` name, never shown inline nor sniffed."""
    item = filing_item(Exhibit, exhibit_id)
    # send_file quotes the name and adds an RFC 5987 form for names beyond Latin-1.
    response = send_file(io.BytesIO(service.exhibit_data(item)), mimetype="application/pdf", as_attachment=True,
                         download_name=item.name, etag=False, last_modified=None, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store, private"
    return response
