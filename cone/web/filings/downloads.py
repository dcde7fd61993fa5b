"""Downloads of a filing's latest version: the public notice and the newspaper's copy (a styled
HTML page, text, Word, the insertion request) and the filing JSON."""
from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup

from ...documents.newspaper import headed_text, heading_for, insertion_request, notice_docx
from ...filing.errors import InputError
from ...filing.parser import dumps
from ...pdf.insertion import render_insertion_request
from ..access import current_record, permission
from .blueprint import bp
from .pages import filing_context, title_of
from .results import today
from .service import version_results

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={name}"}


def _stylesheet() -> Markup:
    """The notice page's stylesheet (cone's own file, so not escaped), inlined into the downloaded copy."""
    return Markup((Path(current_app.static_folder or "") / "notice.css").read_text(encoding="utf-8"))


def _wants_heading() -> bool:
    """Whether the user asked for the pack's heading over the notice (`?heading=1`)."""
    return request.args.get("heading") == "1"


@bp.get("/<int:filing_id>/newspaper")
@permission("view", obj="filing")
def newspaper(filing_id: int):  # noqa: ANN201
    """The page of the newspaper's copy: each format, with or without the heading."""
    filing, pack, version = filing_context(current_record())
    return render_template("filings/newspaper.html", record=current_record(), filing=filing, filing_title=title_of(filing),
                           heading=pack.notice.newspaper.heading, request=insertion_request(filing, pack, heading=False),
                           notice=version_results(version).notice)


@bp.get("/<int:filing_id>/notice.txt")
@permission("view", obj="filing")
def notice_text(filing_id: int):  # noqa: ANN201
    filing, pack, version = filing_context(current_record())
    return Response(headed_text(version_results(version).notice, heading_for(pack, _wants_heading())),
                    mimetype="text/plain", headers=_attachment(f"filing-{filing_id}-notice.txt"))


@bp.get("/<int:filing_id>/notice.html")
@permission("view", obj="filing")
def notice_html(filing_id: int):  # noqa: ANN201
    """The notice as a styled page: shown in the browser (its stylesheet linked, as the page's
    security policy allows), or with `?download=1` a file that carries its stylesheet inline."""
    filing, pack, version = filing_context(current_record())
    download = request.args.get("download") == "1"
    page = render_template("filings/notice_document.html", notice=version_results(version).notice,
                           title=title_of(filing), heading=heading_for(pack, _wants_heading()),
                           css=_stylesheet() if download else None,
                           stylesheet=None if download else url_for("static", filename="notice.css"))
    headers = _attachment(f"filing-{filing_id}-notice.html") if download else {"Content-Disposition": "inline"}
    return Response(page, mimetype="text/html", headers=headers)


@bp.get("/<int:filing_id>/notice.docx")
@permission("view", obj="filing")
def notice_word(filing_id: int):  # noqa: ANN201
    filing, pack, version = filing_context(current_record())
    body = notice_docx(version_results(version).notice, heading_for(pack, _wants_heading()),
                       title=f"Public notice: {title_of(filing)}", author=filing.applicant.legal_name or "")
    return Response(body, mimetype=DOCX, headers=_attachment(f"filing-{filing_id}-notice.docx"))


@bp.get("/<int:filing_id>/insertion-request.pdf")
@permission("view", obj="filing")
def insertion_request_pdf(filing_id: int):  # noqa: ANN201
    """The one-page request to the newspaper, from the latest version's answers."""
    filing, pack, _ = filing_context(current_record())
    try:
        pdf = render_insertion_request(insertion_request(filing, pack, heading=_wants_heading()), today())
    except InputError as exc:
        abort(503, f"The insertion request could not be made: {exc}")
    return Response(pdf, mimetype="application/pdf", headers=_attachment(f"filing-{filing_id}-insertion-request.pdf"))


@bp.get("/<int:filing_id>/filing.json")
@permission("view", obj="filing")
def filing_json(filing_id: int):  # noqa: ANN201
    filing, _, _ = filing_context(current_record())
    return Response(dumps(filing), mimetype="application/json", headers=_attachment(f"filing-{filing_id}.json"))
