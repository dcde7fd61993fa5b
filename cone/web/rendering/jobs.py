"""PDF rendering off the request: RQ workers when REDIS_URL is set, else an in-process thread.

A job is held by a lease: whoever renders it holds `claimed_until` and renews it while it
renders; a queued job has a lease too, for the time it may wait. A job whose lease ran out
(its worker was killed) is queued again by the worker side: when a render is requested, by
the in-process worker's sweep, and by `flask cone requeue-renders` (run it from cron with RQ).
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy import Engine, select, update

from ... import pdf
from ...rules.checklist import pack_for
from ...filing.errors import InputError
from ...filing.parser import loads
from ..background import Background
from ..extensions import db
from ..models import Approval, Exhibit, ExhibitFile, FilingVersion, RenderJob, VersionExhibit, utcnow

PENDING = ("queued", "running")


def lease_seconds() -> int:
    return int(current_app.config["RENDER_LEASE_SECONDS"])


def _until(seconds: int) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=seconds)


def init_app(app: Flask) -> None:
    worker = app.extensions["cone.render_thread"] = Background(
        app, "render", sweep=requeue_expired, interval=lambda: int(app.config["RENDER_LEASE_SECONDS"]) // 2,
        enabled=lambda: app.config["RENDER_WORKER"] == "thread")
    app.before_request(worker.start_sweeping)


def new_job(filing_id: int, version: int, final: bool, requested_by: str) -> RenderJob:
    """A queued job (not yet committed), with the lease of a job waiting for its worker."""
    return RenderJob(filing_id=filing_id, version=version, final=final, requested_by=requested_by,
                     claimed_until=_until(lease_seconds()))


def enqueue(job_id: str) -> None:
    """Hand a queued job to the configured worker: rq, thread, or inline (tests)."""
    config = current_app.config
    worker = config["RENDER_WORKER"]
    if worker == "inline":
        render(job_id)
    elif worker == "rq":
        Queue("cone", connection=Redis.from_url(config["REDIS_URL"])).enqueue(
            "cone.web.rendering.worker.run_job", job_id, job_timeout=600)
    else:
        current_app.extensions["cone.render_thread"].submit(render, job_id)


def requeue_expired() -> list[str]:
    """Queue again every pending job whose lease ran out; the ids of those queued."""
    now = utcnow()
    expired = db.session.execute(select(RenderJob.id, RenderJob.claimed_until).where(
        RenderJob.status.in_(PENDING),
        (RenderJob.claimed_until < now) | RenderJob.claimed_until.is_(None))).all()
    requeued = []
    for job_id, until in expired:
        same_lease = RenderJob.claimed_until.is_(None) if until is None else RenderJob.claimed_until == until
        taken = db.session.execute(update(RenderJob).where(RenderJob.id == job_id, RenderJob.status.in_(PENDING), same_lease)
                                   .values(status="queued", owner="", claimed_until=_until(lease_seconds())))
        db.session.commit()
        if taken.rowcount == 1:            # (another sweeper may have taken it first)
            current_app.logger.warning("render job %s lost its worker; queued again", job_id)
            enqueue(job_id)
            requeued.append(job_id)
    return requeued


class Lease:
    """While the block runs, a thread renews the job's lease for the claim `owner`."""

    def __init__(self, engine: Engine, job_id: str, owner: str, seconds: int) -> None:
        self.engine, self.job_id, self.owner, self.seconds = engine, job_id, owner, seconds
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"cone-lease-{job_id[:8]}", daemon=True)

    def _renew(self) -> None:
        while not self.done.wait(max(1, self.seconds // 3)):
            with self.engine.begin() as connection:
                connection.execute(update(RenderJob).where(RenderJob.id == self.job_id, RenderJob.owner == self.owner)
                                   .values(claimed_until=_until(self.seconds)))

    def __enter__(self) -> Lease:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def render(job_id: str) -> None:
    """Claim a queued job, render its filing version into a PDF while renewing the lease, and
    store the PDF (or the reason it failed) unless the claim was lost meanwhile."""
    owner, seconds = secrets.token_hex(8), lease_seconds()
    claimed = db.session.execute(update(RenderJob).where(RenderJob.id == job_id, RenderJob.status == "queued")
                                 .values(status="running", owner=owner, claimed_until=_until(seconds)))
    db.session.commit()
    if claimed.rowcount != 1:
        return
    job = db.session.get(RenderJob, job_id)
    with Lease(db.engine, job_id, owner, seconds):
        status, error, document = _render(job)
    db.session.execute(update(RenderJob).where(RenderJob.id == job_id, RenderJob.owner == owner)
                       .values(status=status, error=error, pdf=document, claimed_until=None))
    db.session.commit()


def signoff_of(job: RenderJob) -> dict | None:
    """The attestation of the approval of the job's version, for the final packet's sign-off page."""
    approval = db.session.scalar(select(Approval).where(Approval.filing_id == job.filing_id, Approval.version == job.version)
                                 .order_by(Approval.id.desc()).limit(1))
    if approval is None:
        return None
    return {"reviewer_name": approval.reviewer_name, "reviewer_email": approval.reviewer_email, "role": approval.role,
            "approved_at": approval.approved_at.strftime("%B %-d, %Y at %H:%M UTC"), "version": approval.version,
            "note": approval.note}


def _render(job: RenderJob) -> tuple[str, str, bytes | None]:
    """The job's outcome: (status, error, PDF)."""
    try:
        version = db.session.scalar(select(FilingVersion).filter_by(filing_id=job.filing_id, number=job.version))
        filing = loads(version.document)
        exhibits = db.session.execute(select(Exhibit.title, ExhibitFile.data, Exhibit.letter, Exhibit.description)
                                      .join(VersionExhibit, VersionExhibit.exhibit_id == Exhibit.id)
                                      .join(ExhibitFile, ExhibitFile.sha256 == Exhibit.sha256)
                                      .where(VersionExhibit.version_id == version.id).order_by(VersionExhibit.position))
        document = pdf.render_packet(filing, pack_for(filing), final=job.final,
                                     exhibits=[pdf.PacketExhibit(*row) for row in exhibits],
                                     signoff=signoff_of(job) if job.final else None)
        return "done", "", document
    except pdf.FinalBlocked as exc:
        errors = [f for f in exc.findings if f.severity == "error"]
        return "failed", f"The final PDF is blocked: {len(errors)} checklist error(s) remain.", None
    except InputError as exc:
        return "failed", str(exc), None
    except Exception:
        current_app.logger.exception("render job %s failed", job.id)
        return "failed", "Rendering failed; the error was logged for the administrator.", None
    finally:
        db.session.rollback()        # end the read transaction: the result is stored by the claim's owner
