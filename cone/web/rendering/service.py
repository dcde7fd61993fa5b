"""Starting a PDF render of a filing, and the rule that a final PDF needs an approved filing."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..filings.service import audit
from ..models import FilingRecord, Principal, RenderJob
from . import jobs

FINAL_STATUSES = frozenset({"approved", "filed"})


class FinalNeedsApproval(Exception):
    """A final PDF was asked for before the filing was approved."""


def ensure_final_allowed(record: FilingRecord, final: bool) -> None:
    if final and record.status not in FINAL_STATUSES:
        raise FinalNeedsApproval("the final PDF is available once the filing is approved")


def start_render(record: FilingRecord, final: bool, user: Principal) -> RenderJob:
    """Queue a PDF render of the latest version (final only once approved); lost renders are
    queued again first."""
    ensure_final_allowed(record, final)
    jobs.requeue_expired()
    job = jobs.new_job(record.id, record.version, final, user.email)
    db.session.add(job)
    audit(record, user, "pdf_requested", f"{'final' if final else 'draft'} PDF of version {record.version}")
    db.session.commit()
    jobs.enqueue(job.id)
    return job


def latest_job(record: FilingRecord, final: bool) -> RenderJob | None:
    """The newest render of the filing's latest version of that kind."""
    return db.session.scalar(select(RenderJob).where(RenderJob.filing_id == record.id, RenderJob.version == record.version,
                                                     RenderJob.final == final).order_by(RenderJob.created_at.desc()))


def download_name(job: RenderJob) -> str:
    return f"filing-{job.filing_id}-v{job.version}-{'final' if job.final else 'draft'}.pdf"
