"""PDF rendering off the request: RQ workers when REDIS_URL is set, else an in-process thread.

RQ workers (`rq worker cone`) run `run_job(job_id)`, which builds its own app from the
environment. A job whose worker died (a server killed mid-render) is noticed when someone
asks for it, and queued again: see `recover`.
"""
from __future__ import annotations

import os
import secrets
import socket
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from sqlalchemy import update

from ..checklist import pack_for
from ..errors import InputError
from ..filing import loads
from .extensions import db
from .models import Exhibit, FilingVersion, RenderJob



class RenderThread:
    """The in-process worker of one app: renders its jobs one at a time, in the app's context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cone-render")

    def submit(self, job_id: str) -> None:
        self.executor.submit(_in_app, self.app, job_id)


def init_app(app: Flask) -> None:
    app.extensions["cone.render_thread"] = RenderThread(app)


def _start_time(pid: int) -> str:
    """When a process started (Linux), so a reused process id is not taken for the old process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _owner_alive(owner: str) -> bool:
    """False only when the owning process is known to be gone (same host, pid dead or reused)."""
    host, _, rest = owner.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return _start_time(int(pid)) == started


def _rq_lost(job_id: str, owner: str) -> bool:
    from redis import Redis
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        status = Job.fetch(owner.removeprefix("rq:"), connection=Redis.from_url(current_app.config["REDIS_URL"])).get_status()
    except NoSuchJobError:
        return True
    return status in ("failed", "stopped", "canceled")


def enqueue(job_id: str, owner: str = "") -> None:
    """Start rendering a job by the configured worker: rq, thread, or inline (tests)."""
    app_config = current_app.config
    worker = app_config["RENDER_WORKER"]
    if worker == "inline":
        render(job_id)
    elif worker == "rq":
        from redis import Redis
        from rq import Queue

        rq_id = secrets.token_hex(16)
        _claim(job_id, owner, "rq:" + rq_id)
        Queue("cone", connection=Redis.from_url(app_config["REDIS_URL"])).enqueue(
            run_job, job_id, job_id=rq_id, job_timeout=600)
    else:
        _claim(job_id, owner, this_process())
        current_app.extensions["cone.render_thread"].submit(job_id)


def _claim(job_id: str, old: str, new: str) -> bool:
    """Take over a job from `old` owner; False when someone else already did."""
    result = db.session.execute(update(RenderJob).where(RenderJob.id == job_id, RenderJob.owner == old)
                                .values(owner=new, status="queued"))
    db.session.commit()
    return result.rowcount == 1


def recover(job: RenderJob) -> None:
    """Queue a pending job again when its worker is gone (killed server, lost RQ job)."""
    if job.status not in ("queued", "running") or current_app.config["RENDER_WORKER"] == "inline":
        return
    lost = _rq_lost(job.id, job.owner) if job.owner.startswith("rq:") else not _owner_alive(job.owner)
    if lost and _claim(job.id, job.owner, "recovering:" + this_process()):
        current_app.logger.warning("render job %s lost its worker; queued again", job.id)
        enqueue(job.id, owner="recovering:" + this_process())
        db.session.refresh(job)


def _in_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        render(job_id)


def run_job(job_id: str) -> None:
    """Entry point for RQ workers."""
    from . import create_app

    _in_app(create_app(), job_id)


def render(job_id: str) -> None:
    """Render one job's filing version into a PDF and store it (or the reason it failed)."""
    job = db.session.get(RenderJob, job_id)
    if job is None or job.status != "queued":
        return
    job.status = "running"
    db.session.commit()
    try:
        from .. import pdf   # the renderer is a separate package, imported only where used
    except ImportError:
        job.status, job.error = "failed", "The PDF renderer is not installed on this server."
        db.session.commit()
        return
    try:
        version = db.session.scalar(db.select(FilingVersion).filter_by(filing_id=job.filing_id, number=job.version))
        filing = loads(version.document)
        exhibits = db.session.scalars(db.select(Exhibit).filter_by(filing_id=job.filing_id).order_by(Exhibit.id))
        job.pdf = pdf.render_packet(filing, pack_for(filing), final=job.final,
                                    exhibits=[(e.name, e.data) for e in exhibits])
        job.status = "done"
    except pdf.FinalBlocked as exc:
        errors = [f for f in exc.findings if f.severity == "error"]
        job.status, job.error = "failed", f"The final PDF is blocked: {len(errors)} checklist error(s) remain."
    except InputError as exc:
        job.status, job.error = "failed", str(exc)
    except Exception:  # noqa: BLE001 (a failed render must be reported, not lost with the thread)
        current_app.logger.exception("render job %s failed", job_id)
        job.status, job.error = "failed", "Rendering failed; the error was logged for the administrator."
    db.session.commit()
