"""The retention rule of stored renders: the newest finished render of each kind (draft,
final) of a filing's latest version is kept, and on a filed filing every final render of the
filed version (the packet as filed) is kept for ever. Any other finished or failed render is
superseded (by a later version, or by a newer render of the same version with other
exhibits) and deleted once older than RENDER_RETENTION_DAYS. Renders under way are kept."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import FilingRecord, RenderJob, utcnow

FINISHED = ("done", "failed")


def superseded(cutoff: dt.datetime) -> list[str]:
    """Ids of the superseded renders made before `cutoff` (reading no PDF bytes)."""
    newest = (select(RenderJob.filing_id, RenderJob.version, RenderJob.final, func.max(RenderJob.created_at).label("at"))
              .where(RenderJob.status == "done").group_by(RenderJob.filing_id, RenderJob.version, RenderJob.final)
              .subquery())
    rows = db.session.execute(
        select(RenderJob.id, RenderJob.version, RenderJob.final, RenderJob.status, RenderJob.created_at,
               FilingRecord.version.label("latest"), FilingRecord.status.label("filing_status"),
               newest.c.at)
        .join(FilingRecord, FilingRecord.id == RenderJob.filing_id)
        .outerjoin(newest, (newest.c.filing_id == RenderJob.filing_id) & (newest.c.version == RenderJob.version)
                   & (newest.c.final == RenderJob.final))
        .where(RenderJob.status.in_(FINISHED), RenderJob.created_at < cutoff)).all()
    out = []
    for r in rows:
        latest_done = r.status == "done" and r.version == r.latest
        as_filed = latest_done and r.filing_status == "filed" and r.final
        if not (as_filed or (latest_done and r.created_at == r.at)):
            out.append(r.id)
    return out


def prune(days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete the superseded renders older than `days` (default RENDER_RETENTION_DAYS); how many."""
    days = int(current_app.config["RENDER_RETENTION_DAYS"]) if days is None else days
    ids = superseded((now or utcnow()) - dt.timedelta(days=days))
    for start in range(0, len(ids), 500):
        db.session.execute(delete(RenderJob).where(RenderJob.id.in_(ids[start:start + 500])))
    db.session.commit()
    return len(ids)
