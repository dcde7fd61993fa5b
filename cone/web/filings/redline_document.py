"""The redline of two versions as a PDF for the file: the page's template laid out for print,
rendered by the packet's worker pool, whose fetcher loads packaged assets only."""
from __future__ import annotations

from flask import render_template

from ...packs.pack import Pack
from ...pdf.workers import render_later
from .diff import Redline


def render(redline: Redline, title: str, pack: Pack) -> bytes:
    """PDF bytes of the redline; InputError when the renderer fails or runs out of time."""
    html = render_template("filings/redline_document.html", r=redline, title=title, pack=pack)
    return render_later([html])()[0]
