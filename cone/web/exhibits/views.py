"""A filing's exhibits: upload, remove, download."""
from __future__ import annotations

import io

from flask import Blueprint, Response, flash, g, redirect, request, send_file, url_for

from ...filing.errors import InputError
from ..access import current_record, filing_item, permission
from ..models import Exhibit
from . import service

bp = Blueprint("exhibits", __name__, url_prefix="/filings")


def _to_exhibits(filing_id: int) -> tuple[Response, int]:
    return redirect(url_for("filings.overview", filing_id=filing_id) + "#exhibits"), 303


@bp.post("/<int:filing_id>/exhibits")
@permission("edit", obj="filing")
def upload_exhibit(filing_id: int):  # noqa: ANN201
    upload = request.files.get("exhibit")
    if upload is None or not upload.filename:
        flash("Not uploaded: choose a PDF file.", "error")
        return _to_exhibits(filing_id)
    try:
        exhibit = service.upload(current_record(), g.user, upload.filename, upload.read())
    except InputError as exc:
        flash(f"Not uploaded: {exc.message}", "error")
        return _to_exhibits(filing_id)
    flash(f"Exhibit {exhibit.name} uploaded.")
    return _to_exhibits(filing_id)


@bp.post("/<int:filing_id>/exhibits/<int:exhibit_id>/delete")
@permission("edit", obj="filing")
def delete_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    exhibit = filing_item(Exhibit, exhibit_id)
    service.remove(current_record(), g.user, exhibit)
    flash(f"Exhibit {exhibit.name} removed.")
    return _to_exhibits(filing_id)


@bp.get("/<int:filing_id>/exhibits/<int:exhibit_id>")
@permission("view", obj="filing")
def exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    item = filing_item(Exhibit, exhibit_id)
    # send_file quotes the name and adds an RFC 5987 form for names beyond Latin-1.
    return send_file(io.BytesIO(item.data), mimetype="application/pdf", as_attachment=True, download_name=item.name)
