"""A filing's exhibits: upload, describe, reorder (drag, or move up and down without script),
remove after a confirmation, download the PDF or the original upload."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for

from ... import pdf
from ...filing.errors import InputError
from ..access import current_record, filing_item, permission
from ..filings.service import Conflict, NotEditable
from ..models import Exhibit
from . import service

bp = Blueprint("exhibits", __name__, url_prefix="/filings")
UPLOAD_ERROR = "error-exhibit"       # a flash category shown at the upload field (and in the section's error summary)
FIELDS = ("exhibit", "title", "description", "kind")   # each has a flash category error-<field>
SOURCES = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "docx": "Word", "doc": "Word", "odt": "OpenDocument"}


@bp.app_context_processor
def _helpers() -> dict:
    return {"size_text": service.size_text, "max_exhibit_bytes": pdf.MAX_EXHIBIT_BYTES}


def _to_exhibits(filing_id: int) -> tuple[Response, int]:
    return redirect(url_for("filings.overview", filing_id=filing_id) + "#exhibits"), 303


def _included(filing_id: int, exhibit_id: int) -> Exhibit:
    """The exhibit, which the filing's latest version must include, else 404."""
    exhibit = filing_item(Exhibit, exhibit_id)
    if exhibit.id not in {e.id for e in service.exhibits_of(filing_id)}:
        abort(404)
    return exhibit


def _field_error(exc: InputError | NotEditable | Conflict, verb: str) -> None:
    if isinstance(exc, InputError):
        field = exc.path if exc.path in FIELDS else "exhibit"
        flash(f"{verb}: {exc.message[0].upper()}{exc.message[1:]}.".replace("..", "."), f"error-{field}")
    else:
        flash(f"{verb}: {exc}.", UPLOAD_ERROR)


@bp.post("/<int:filing_id>/exhibits")
@permission("edit", obj="filing")
def upload_exhibit(filing_id: int):  # noqa: ANN201
    upload = request.files.get("exhibit")
    if upload is None or not upload.filename:
        flash("Not uploaded: choose a file (PDF, JPEG, PNG, TIFF, Word or OpenDocument).", UPLOAD_ERROR)
        return _to_exhibits(filing_id)
    form = request.form
    try:
        exhibit, prepared = service.upload(current_record(), g.user, upload.filename, upload.read(),
                                           title=form.get("title", ""), description=form.get("description", ""),
                                           kind=form.get("kind", ""))
    except (InputError, NotEditable, Conflict) as exc:
        _field_error(exc, "Not uploaded")
        return _to_exhibits(filing_id)
    converted = f", converted from {SOURCES[prepared.source]}" if prepared.source in SOURCES else ""
    pages = f"{prepared.pages} page{'' if prepared.pages == 1 else 's'}"
    flash(f"{exhibit.title} uploaded as Exhibit {exhibit.letter} ({pages}{converted}).")
    if prepared.removed:
        flash(f"Removed from Exhibit {exhibit.letter} for safety: {', '.join(prepared.removed)}. "
              "The packet holds its pages without them.", "warning")
    return _to_exhibits(filing_id)


@bp.post("/<int:filing_id>/exhibits/<int:exhibit_id>/move")
@permission("edit", obj="filing")
def move_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """Move up or down one place: the reorder that works without script."""
    exhibit = _included(filing_id, exhibit_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400, "direction must be up or down")
    try:
        service.move(current_record(), g.user, exhibit, offset)
    except (InputError, NotEditable, Conflict) as exc:
        _field_error(exc, "Not moved")
        return _to_exhibits(filing_id)
    flash(f"Exhibit {exhibit.letter} moved {request.form['direction']}.")
    return redirect(url_for("filings.overview", filing_id=filing_id) + f"#exhibit-{exhibit.letter}"), 303


@bp.post("/<int:filing_id>/exhibits/order")
@permission("edit", obj="filing")
def order_exhibits(filing_id: int):  # noqa: ANN201
    """The order a drag left: the exhibit ids, comma-separated."""
    try:
        ids = [int(part) for part in request.form.get("order", "").split(",") if part.strip()]
    except ValueError:
        abort(400, "order must list exhibit ids")
    try:
        service.reorder(current_record(), g.user, ids)
    except (InputError, NotEditable, Conflict) as exc:
        _field_error(exc, "Not reordered")
        return _to_exhibits(filing_id)
    flash("Exhibits reordered.")
    return _to_exhibits(filing_id)


@bp.route("/<int:filing_id>/exhibits/<int:exhibit_id>/edit", methods=["GET", "POST"])
@permission("edit", obj="filing")
def edit_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """An exhibit's title, description and kind (its letter stays)."""
    exhibit = _included(filing_id, exhibit_id)
    record = current_record()
    errors: dict[str, str] = {}
    values = {"title": exhibit.title, "description": exhibit.description, "kind": exhibit.kind}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in values}
        try:
            service.describe(record, g.user, exhibit, values["title"], values["description"], values["kind"])
        except InputError as exc:
            errors[exc.path or "title"] = f"{exc.message[0].upper()}{exc.message[1:]}"
        except (NotEditable, Conflict) as exc:
            errors["title"] = f"Not saved: {exc}"
        else:
            flash(f"Exhibit {exhibit.letter} saved.")
            return _to_exhibits(filing_id)
    return render_template("exhibits/edit.html", record=record, exhibit=exhibit, values=values, errors=errors,
                           kinds=service.kinds(record)), 422 if errors else 200


@bp.route("/<int:filing_id>/exhibits/<int:exhibit_id>/delete", methods=["GET", "POST"])
@permission("edit", obj="filing")
def delete_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """GET asks to confirm; POST (from that page) removes."""
    exhibit = _included(filing_id, exhibit_id)
    if request.method == "GET":
        return render_template("exhibits/delete.html", record=current_record(), exhibit=exhibit,
                               size=service.size_text(exhibit.size))
    try:
        service.remove(current_record(), g.user, exhibit)
    except (NotEditable, Conflict) as exc:
        flash(f"Not removed: {exc}.", "error")
        return _to_exhibits(filing_id)
    flash(f"Exhibit {exhibit.letter}, {exhibit.title}, removed. Its letter is not given to another exhibit.")
    return _to_exhibits(filing_id)


def _attachment(data: bytes, mimetype: str, name: str) -> Response:
    """A download, never shown inline nor sniffed nor cached."""
    # send_file quotes the name and adds an RFC 5987 form for names beyond Latin-1.
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name,
                         etag=False, last_modified=None, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.get("/<int:filing_id>/exhibits/<int:exhibit_id>")
@permission("view", obj="filing")
def exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """The exhibit as a download under its `.pdf` name."""
    item = filing_item(Exhibit, exhibit_id)
    return _attachment(service.exhibit_data(item), "application/pdf", item.name)


@bp.get("/<int:filing_id>/exhibits/<int:exhibit_id>/original")
@permission("view", obj="filing")
def original(filing_id: int, exhibit_id: int):  # noqa: ANN201
    """The file as uploaded, kept beside its PDF (always for a converted one), as a download."""
    item = filing_item(Exhibit, exhibit_id)
    if item.original_sha256 is None:       # a PDF whose original was not kept: its clean copy is the file
        return redirect(url_for("exhibits.exhibit", filing_id=filing_id, exhibit_id=exhibit_id)), 303
    extension = {"jpeg": "jpg"}.get(item.source, item.source)
    return _attachment(service.file_data(item.original_sha256), "application/octet-stream",
                       item.name.removesuffix(".pdf") + f".{extension}")
