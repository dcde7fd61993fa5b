"""The insertion request to the newspaper as a one-page PDF, laid out with the packet's
stylesheet by the packet's worker pool (whose fetcher loads packaged assets only)."""
from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from ..documents.newspaper import InsertionRequest
from ..filing.dates import long_date
from .packet import LANG
from .render import document, fragment
from .workers import render_later


def insertion_request_html(request: InsertionRequest, today: dt.date) -> str:
    """The request as a standalone HTML document; every value escaped by the template."""
    body = fragment("insertion_request.html", {"r": request, "date": long_date(today),
                                               "notice_html": Markup(request.notice.html)})
    return document([body], title=request.title, lang=LANG)


def render_insertion_request(request: InsertionRequest, today: dt.date) -> bytes:
    """PDF bytes of the request; InputError when the renderer fails or runs out of time."""
    return render_later([insertion_request_html(request, today)])()[0]
