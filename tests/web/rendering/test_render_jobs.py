"""PDF downloads through render jobs, run by a worker that holds a lease on each."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from conftest import csrf, make_app
from cone.web.extensions import db
from cone.web.models import RenderJob, utcnow
from cone.web.rendering.jobs import new_job, render, requeue_expired

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

pdf = pytest.importorskip("cone.pdf")


def _approve(app, token, filing_id):
    from cone.web.extensions import db
    from cone.web.models import FilingRecord
    with app.app_context():
        db.session.get(FilingRecord, filing_id).status = "approved"
        db.session.commit()


def test_draft_pdf_page_then_link(app, login, filing_id):
    client = login("compliance")
    response = client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"), "kind": "draft"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]+/download)"', page).group(1)
    download = client.get(link)
    assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
    assert "draft" in download.headers["Content-Disposition"]


def test_api_pdf_is_202_with_a_status_url_then_the_final_pdf(app, token, filing_id):
    _approve(app, token, filing_id)
    client = app.test_client()
    first = client.get(f"/api/v1/filings/{filing_id}/pdf?final=true", headers=token("compliance"))
    assert first.status_code == 202
    status = client.get(first.headers["Location"], headers=token("compliance")).get_json()
    assert status["status"] == "done" and status["final"] is True
    final = client.get(status["pdf"], headers=token("compliance"))
    assert final.status_code == 200 and final.data.startswith(b"%PDF")


def test_thread_worker_renders_off_the_request(app, login, filing_id):
    app.config["RENDER_WORKER"] = "thread"
    client = login()
    response = client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"), "kind": "draft"})
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page or "/download" in page
    for _ in range(120):
        if "/download" in page:
            break
        time.sleep(0.25)
        page = client.get(job_url).get_data(as_text=True)
    assert "Download the PDF" in page


def test_with_redis_an_rq_worker_renders_the_job(app, login, filing_id, redis_url, database, monkeypatch):
    from redis import Redis
    from rq import SimpleWorker
    app.config.update(RENDER_WORKER="rq", REDIS_URL=redis_url)
    client = login()
    job_url = client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"),
                                                              "kind": "draft"}).headers["Location"]
    assert 'http-equiv="refresh"' in client.get(job_url).get_data(as_text=True)     # queued, not rendered inline
    # the worker builds its own app from the environment, as `rq worker cone` would
    monkeypatch.setenv("CONE_SQLALCHEMY_DATABASE_URI", database)
    monkeypatch.setenv("CONE_SECRET_KEY", "test")
    SimpleWorker(["cone"], connection=Redis.from_url(redis_url)).work(burst=True)
    assert "Download the PDF" in client.get(job_url).get_data(as_text=True)


def _pending_job(app, filing_id: int, lease: dt.timedelta) -> str:
    """A 'running' job whose lease ends `lease` from now (in the past: its worker was killed)."""
    with app.app_context():
        job = RenderJob(filing_id=filing_id, version=1, status="running", requested_by="t", owner="gone",
                        claimed_until=utcnow() + lease)
        db.session.add(job)
        db.session.commit()
        return job.id


def _status(app, job_id: str) -> str:
    with app.app_context():
        return db.session.get(RenderJob, job_id).status


def test_a_job_whose_lease_ran_out_is_queued_again_by_the_requeue_command(app, login, filing_id):
    job_id = _pending_job(app, filing_id, -dt.timedelta(seconds=1))
    client = login()
    assert 'http-equiv="refresh"' in client.get(f"/filings/{filing_id}/jobs/{job_id}").get_data(as_text=True)
    assert _status(app, job_id) == "running"              # looking at the job requeues nothing
    out = app.test_cli_runner().invoke(args=["cone", "requeue-renders"]).output
    assert out.startswith("1 render job(s) queued again") and job_id in out
    assert "Download the PDF" in client.get(f"/filings/{filing_id}/jobs/{job_id}").get_data(as_text=True)


def test_a_job_whose_worker_holds_its_lease_is_left_alone(app, filing_id):
    job_id = _pending_job(app, filing_id, dt.timedelta(minutes=5))
    assert app.test_cli_runner().invoke(args=["cone", "requeue-renders"]).output.startswith("0 render job(s)")
    assert _status(app, job_id) == "running"


def test_a_new_render_request_queues_lost_jobs_again(app, login, filing_id):
    job_id = _pending_job(app, filing_id, -dt.timedelta(seconds=1))
    client = login()
    client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"), "kind": "draft"})
    assert _status(app, job_id) == "done"


def test_the_in_process_worker_sweeps_for_lost_jobs(database, filing_id, app):
    job_id = _pending_job(app, filing_id, -dt.timedelta(seconds=1))
    swept = make_app(database, RENDER_WORKER="thread", RENDER_LEASE_SECONDS=2)
    try:
        swept.test_client().get("/healthz")            # serving starts the sweep
        for _ in range(80):
            if _status(app, job_id) == "done":
                break
            time.sleep(0.25)
        assert _status(app, job_id) == "done"
    finally:
        swept.extensions["cone.render_thread"].stop()


def test_a_render_that_outlasts_its_lease_keeps_it_and_is_not_rendered_twice(database, filing_id, app, monkeypatch):
    slow = make_app(database, RENDER_LEASE_SECONDS=2)
    rendered = []
    original = pdf.render_packet

    def slow_render(*args, **kwargs):
        rendered.append(1)
        time.sleep(3.5)
        with slow.app_context():               # the lease was renewed meanwhile: nothing to requeue
            assert requeue_expired() == []
        return original(*args, **kwargs)

    with slow.app_context():
        job = new_job(filing_id, 1, False, "t")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    monkeypatch.setattr(pdf, "render_packet", slow_render)
    with slow.app_context():
        render(job_id)
    assert _status(app, job_id) == "done" and rendered == [1]
