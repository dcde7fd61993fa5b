"""One stored PDF per version and kind (reused when asked again) and the retention rule for
superseded renders (the packet as filed kept for ever)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from conftest import csrf, tiny_pdf
from cone.web.extensions import db
from cone.web.models import AuditEvent, FilingRecord, RenderJob, utcnow
from cone.web.rendering.retention import prune

pytestmark = pytest.mark.db

pytest.importorskip("cone.pdf")


def jobs_of(app, filing_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RenderJob).where(RenderJob.filing_id == filing_id))


def ask(client, filing_id: int, kind: str = "draft") -> str:
    response = client.post(f"/filings/{filing_id}/pdf", data={"csrf_token": csrf(client, "/account"), "kind": kind})
    assert response.status_code == 303
    return response.headers["Location"]


def test_asking_again_for_the_same_version_and_kind_reuses_the_stored_pdf(app, login, token, filing_id):
    client = login("compliance")
    first = ask(client, filing_id)
    assert ask(client, filing_id) == first and jobs_of(app, filing_id) == 1
    api = app.test_client().get(f"/api/v1/filings/{filing_id}/pdf", headers=token("compliance"))
    assert api.status_code == 200 and api.data.startswith(b"%PDF") and jobs_of(app, filing_id) == 1
    with app.app_context():
        requested = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.filing_id == filing_id, AuditEvent.action == "pdf_requested"))
    assert requested == 1


def test_a_new_version_another_kind_new_exhibits_or_a_failed_render_make_a_new_render(app, login, token, filing_id,
                                                                                        example):
    client = login("administrator")
    first = ask(client, filing_id)
    example["project"]["summary"] = "establish a clinic, changed"
    assert app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token()).status_code == 200
    second = ask(client, filing_id)
    assert second != first and jobs_of(app, filing_id) == 2
    uploaded = client.post(f"/filings/{filing_id}/exhibits", data={     # an exhibit saves a new version
        "csrf_token": csrf(client, "/account"), "exhibit": (io.BytesIO(tiny_pdf()), "a.pdf")},
        content_type="multipart/form-data")
    assert uploaded.status_code in (302, 303)
    third = ask(client, filing_id)
    assert third != second
    with app.app_context():
        job = db.session.get(RenderJob, third.rsplit("/", 1)[1])
        job.status, job.pdf = "failed", None
        db.session.commit()
    assert ask(client, filing_id) != third


def _job(filing_id: int, version: int, final: bool, age_days: int, status: str = "done") -> RenderJob:
    return RenderJob(filing_id=filing_id, version=version, final=final, status=status, pdf=b"%PDF-1.4",
                     requested_by="t", created_at=utcnow() - dt.timedelta(days=age_days))


def test_pruning_deletes_old_superseded_renders_and_keeps_current_recent_pending_and_filed_ones(app, filing_id):
    with app.app_context():
        record = db.session.get(FilingRecord, filing_id)
        record.version = 3
        old_version = _job(filing_id, 1, False, 60)
        old_failed = _job(filing_id, 3, False, 60, "failed")
        replaced = _job(filing_id, 3, False, 50)                 # a newer draft of version 3 exists
        current = _job(filing_id, 3, False, 40)
        current_final = _job(filing_id, 3, True, 40)
        recent_superseded = _job(filing_id, 2, False, 5)
        pending = _job(filing_id, 1, False, 60, "running")
        db.session.add_all([old_version, old_failed, replaced, current, current_final, recent_superseded, pending])
        db.session.commit()
        ids = {name: job.id for name, job in locals().items() if isinstance(job, RenderJob)}
        assert prune() == 3
        left = set(db.session.scalars(select(RenderJob.id)).all())
    assert left == {ids[n] for n in ("current", "current_final", "recent_superseded", "pending")}


def test_the_packet_as_filed_is_kept_for_ever_though_a_newer_final_render_exists(app, filing_id):
    with app.app_context():
        db.session.get(FilingRecord, filing_id).status = "filed"
        as_filed, newer = _job(filing_id, 1, True, 3000), _job(filing_id, 1, True, 2000)
        draft = _job(filing_id, 1, False, 3000)
        older_draft = _job(filing_id, 1, False, 3500)
        db.session.add_all([as_filed, newer, draft, older_draft])
        db.session.commit()
        kept = {as_filed.id, newer.id, draft.id}
        assert prune(days=30) == 1
        assert set(db.session.scalars(select(RenderJob.id)).all()) == kept


def test_the_prune_command_applies_the_rule_and_says_how_many(app, filing_id):
    with app.app_context():
        db.session.get(FilingRecord, filing_id).version = 2
        db.session.add_all([_job(filing_id, 1, False, 40), _job(filing_id, 2, False, 40)])
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cone", "prune-renders", "--days", "50"]).output.strip() == "0 superseded render(s) deleted"
    assert runner.invoke(args=["cone", "prune-renders"]).output.strip() == "1 superseded render(s) deleted"
    assert runner.invoke(args=["cone", "prune-renders", "--days", "-1"]).exit_code == 2
