"""Downloads of a filing's latest version: the public notice (text, HTML) and the filing JSON."""
from __future__ import annotations

from flask import Response, render_template

from ...filing.parser import dumps
from ..access import current_record, permission
from .blueprint import bp
from .pages import filing_context, title_of
from .service import version_results


@bp.get("/<int:filing_id>/notice.txt")
@permission("view", obj="filing")
def notice_text(filing_id: int):  # noqa: ANN201
    _, _, version = filing_context(current_record())
    return Response(version_results(version).notice.text + "\n", mimetype="text/plain",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-notice.txt"})


@bp.get("/<int:filing_id>/notice.html")
@permission("view", obj="filing")
def notice_html(filing_id: int):  # noqa: ANN201
    filing, _, version = filing_context(current_record())
    return Response(render_template("filings/notice_document.html", notice=version_results(version).notice,
                                    title=title_of(filing)), mimetype="text/html",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-notice.html"})


@bp.get("/<int:filing_id>/filing.json")
@permission("view", obj="filing")
def filing_json(filing_id: int):  # noqa: ANN201
    filing, _, _ = filing_context(current_record())
    return Response(dumps(filing), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}.json"})
