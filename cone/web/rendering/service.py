"""Starting a PDF render of a filing, and the rule that a final PDF needs an approved filing."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from ..extensions import db
from ..filings.service import audit, latest_approval
from ..models import Exhibit, FilingRecord, FilingVersion, Principal, RenderJob, VersionExhibit
from . import jobs

FINAL_STATUSES = frozenset({"approved", "filed"})


class FinalNeedsApproval(Exception):
    """A final PDF was asked for before the filing was approved."""


def ensure_final_allowed(record: FilingRecord, final: bool) -> None:
    """FinalNeedsApproval, saying why, unless the latest version is the approved one."""
    if not final:
        return
    approval = latest_approval(record.id)
    if record.status not in FINAL_STATUSES:
        if approval is not None and approval.withdrawn_at is not None:
            raise FinalNeedsApproval(f"the final PDF needs an approved version: the approval of version {approval.version} "
                                     f"was withdrawn because {approval.withdrawn_reason}; a legal reviewer must "
                                     f"approve version {record.version}")
        raise FinalNeedsApproval("the final PDF is available once a legal reviewer approves the filing")
    if approval is not None and approval.version != record.version:
        raise FinalNeedsApproval(f"the final PDF needs an approved version: version {approval.version} was approved, "
                                 f"not version {record.version}")


def exhibits_key(filing_id: int) -> str:
    """A digest of the exhibits the filing's latest version includes (ids and sizes, in packet
    order): a version's exhibits never change, so this only tells renders stored before they
    were versioned from those after."""
    latest = select(FilingVersion.id).where(FilingVersion.filing_id == filing_id) \
        .order_by(FilingVersion.number.desc()).limit(1).scalar_subquery()
    rows = db.session.execute(select(Exhibit.id, Exhibit.size).join(VersionExhibit, VersionExhibit.exhibit_id == Exhibit.id)
                              .where(VersionExhibit.version_id == latest).order_by(VersionExhibit.position)).all()
    return hashlib.sha256(";".join(f"{i}:{n}" for i, n in rows).encode()).hexdigest()


def start_render(record: FilingRecord, final: bool, user: Principal) -> RenderJob:
    """The render of the latest version of that kind with the filing's exhibits: the one
    stored or under way if there is one (no new render), else a new one queued (final only
    once approved); lost renders are queued again first."""
    ensure_final_allowed(record, final)
    jobs.requeue_expired()
    key = exhibits_key(record.id)
    existing = latest_job(record, final, key)
    if existing is not None and existing.status != "failed":
        return existing
    job = jobs.new_job(record.id, record.version, final, user.email)
    job.exhibits_key = key
    db.session.add(job)
    audit(record, user, "pdf_requested", f"{'final' if final else 'draft'} PDF of version {record.version}")
    db.session.commit()
    jobs.enqueue(job.id)
    return job


def latest_job(record: FilingRecord, final: bool, key: str | None = None) -> RenderJob | None:
    """The newest render of the filing's latest version of that kind with its current exhibits."""
    return db.session.scalar(select(RenderJob).where(
        RenderJob.filing_id == record.id, RenderJob.version == record.version, RenderJob.final == final,
        RenderJob.exhibits_key == (exhibits_key(record.id) if key is None else key))
        .order_by(RenderJob.created_at.desc(), RenderJob.id).limit(1))


def download_name(job: RenderJob) -> str:
    return f"filing-{job.filing_id}-v{job.version}-{'final' if job.final else 'draft'}.pdf"
