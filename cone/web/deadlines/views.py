"""The deadlines page (every upcoming and overdue date of the user's filings) and the
calendar feeds at the user's secret URL."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from sqlalchemy import select

from ..access import FEED_ARGUMENT, permission
from ..extensions import db
from ..models import FilingRecord
from ..pagination import BadListArgument, paginate, positive
from . import feed, service
from .service import BASIS_WORDS, KINDS, DateQuery

bp = Blueprint("deadlines", __name__)


def _query() -> DateQuery:
    try:
        return DateQuery.parse(request.args, [m.organization_id for m in g.user.memberships])
    except BadListArgument as exc:
        abort(400, exc.message)


def _page(new_feed: str | None = None, status: int = 200):
    query = _query()
    today = dt.date.today()
    page = paginate(service.dates_of(g.user, query, today), query.page, query.per_page, total=None)   # (not counted)
    rows = [{"row": r, "name": service.filing_name(r), "due": service.due(r.date, today)} for r in page.rows]
    filings = db.session.execute(
        select(FilingRecord.id, FilingRecord.title, FilingRecord.applicant)
        .where(FilingRecord.organization_id.in_([m.organization_id for m in g.user.memberships]),
               FilingRecord.archived.is_(False)).order_by(FilingRecord.updated_at.desc()).limit(200)).all()
    feed_url = (_feed_url(new_feed) if new_feed else None)
    response = Response(render_template(
        "deadlines/index.html", rows=rows, page=page, query=query, kinds=KINDS, BASIS_WORDS=BASIS_WORDS, organizations=g.user.memberships,
        filings=filings, today=today, soon_days=service.SOON_DAYS, new_feed=feed_url,
        new_filing_feed=(_feed_url(new_feed, query.filing) if new_feed and query.filing else None),
        has_feed=new_feed is not None or service.has_feed(g.user.id)), status)
    response.headers["Cache-Control"] = "no-store, private"
    return response


def _feed_url(secret: str, filing: int | None = None) -> str:
    """The feed's absolute URL, built from the configured public URL (never the request's host)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("deadlines.calendar_feed", **{FEED_ARGUMENT: secret},
                                                                   filing=filing)


@bp.get("/deadlines/")
@permission("signed_in")
def index():  # noqa: ANN201
    return _page()


@bp.post("/deadlines/feed")
@permission("signed_in")
def reset_feed():  # noqa: ANN201
    """A new secret feed URL, shown once; the previous URL stops working."""
    return _page(service.reset_feed(g.user.id))


@bp.get(f"/calendar/<{FEED_ARGUMENT}>.ics")
@permission("feed")
def calendar_feed(feed_token: str) -> Response:
    """The user's dates as iCalendar; `?filing=ID` for one filing's."""
    try:
        filing = positive(request.args, "filing", 0) or None
    except BadListArgument as exc:
        abort(400, exc.message)
    rows = db.session.execute(service.dates_of(g.user, DateQuery(filing=filing), dt.date.today())).all()
    if filing is not None and not rows and not _visible(filing):
        abort(404)
    name = "Filing deadlines" if filing is None else f"Deadlines: {service.filing_name(rows[0])}" if rows else "Deadlines"
    body = feed.calendar(name, rows, current_app.config["PUBLIC_URL"],
                         lambda filing_id: url_for("filings.overview", filing_id=filing_id))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f"inline; filename={'deadlines' if filing is None else f'filing-{filing}'}.ics",
        "Cache-Control": "no-store, private"})


def _visible(filing_id: int) -> bool:
    """True when the filing is one of the user's (and not archived): its feed exists, if empty."""
    return db.session.scalar(select(FilingRecord.id).where(
        FilingRecord.id == filing_id, FilingRecord.archived.is_(False),
        FilingRecord.organization_id.in_([m.organization_id for m in g.user.memberships]))) is not None
