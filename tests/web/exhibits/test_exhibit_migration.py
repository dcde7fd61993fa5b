"""Migration 9d4c2b6e8f10 moves existing exhibits to content-hash storage, included by the
versions saved after their upload, and back on downgrade."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from conftest import csrf, tiny_pdf
from cone.web.extensions import db
from test_exhibits import _upload

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

BEFORE = "3e5b7d9f1a2c"
T0 = dt.datetime(2026, 1, 1)


def _old_exhibit(filing_id: int, name: str, data: bytes, at: dt.datetime) -> None:
    db.session.execute(text("INSERT INTO exhibits (filing_id, name, data, size, uploaded_by, created_at) "
                            "VALUES (:f, :n, :d, :s, 'a@x.test', :at)"),
                       {"f": filing_id, "n": name, "d": data, "s": len(data), "at": at})


def test_existing_exhibits_move_to_content_hash_storage_and_back(app, token, filing_id, example):
    example["site"]["street"] = "12 Main Street"
    put = app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token())
    assert put.status_code == 200
    with app.app_context():
        downgrade(revision=BEFORE)
        db.session.execute(text("UPDATE filing_versions SET created_at = :at WHERE number = 1"), {"at": T0})
        db.session.execute(text("UPDATE filing_versions SET created_at = :at WHERE number = 2"),
                           {"at": T0 + dt.timedelta(days=2)})
        _old_exhibit(filing_id, "plan.pdf", b"%PDF-1.4 same", T0 - dt.timedelta(days=1))      # before version 1
        _old_exhibit(filing_id, "plan copy.pdf", b"%PDF-1.4 same", T0 + dt.timedelta(days=1))  # before version 2
        _old_exhibit(filing_id, "letter.html", b"%PDF-1.4 other", T0 + dt.timedelta(days=3))  # after both
        db.session.commit()
        upgrade()
        files = db.session.execute(text("SELECT data FROM exhibit_files ORDER BY data")).scalars().all()
        assert files == [b"%PDF-1.4 other", b"%PDF-1.4 same"]
        rows = db.session.execute(text("SELECT title, name FROM exhibits ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("plan.pdf", "plan.pdf"), ("plan copy.pdf", "plan copy.pdf"),
                                            ("letter.html", "letter.pdf")]
        included = db.session.execute(text(
            "SELECT v.number, e.title FROM version_exhibits ve JOIN filing_versions v ON v.id = ve.version_id "
            "JOIN exhibits e ON e.id = ve.exhibit_id ORDER BY v.number, ve.position")).all()
        assert [tuple(r) for r in included] == [(1, "plan.pdf"), (2, "plan.pdf"), (2, "plan copy.pdf"),
                                                (2, "letter.html")]
        db.session.rollback()           # (end the read: PostgreSQL's ALTER TABLE waits for it)
        downgrade(revision=BEFORE)
        back = db.session.execute(text("SELECT name, data FROM exhibits ORDER BY id")).all()
        assert [tuple(r) for r in back] == [("plan.pdf", b"%PDF-1.4 same"), ("plan copy.pdf", b"%PDF-1.4 same"),
                                            ("letter.html", b"%PDF-1.4 other")]
        db.session.rollback()
        upgrade()


def test_downgrading_drops_the_exhibits_the_latest_version_no_longer_includes(app, login, filing_id):
    client = login()
    _upload(client, filing_id, tiny_pdf(), "kept.pdf")
    _upload(client, filing_id, tiny_pdf(), "removed.pdf")
    with app.app_context():
        removed = db.session.execute(text("SELECT id FROM exhibits WHERE title = 'removed.pdf'")).scalar()
        db.session.rollback()
    client.post(f"/filings/{filing_id}/exhibits/{removed}/delete", data={"csrf_token": csrf(client, "/account")})
    with app.app_context():
        downgrade(revision=BEFORE)
        assert db.session.execute(text("SELECT name FROM exhibits")).scalars().all() == ["kept.pdf"]
        db.session.rollback()
        upgrade()
