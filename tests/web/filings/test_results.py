"""Stored results: a version's findings, notice and timeline are computed when it is saved
and stored with it; older versions get theirs once, on first use."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from cone.rules.checklist import findings_json
from cone.web.extensions import db
from cone.web.models import FilingVersion
from cone.web.filings.service import parsed
from cone.web.filings.results import compute

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _version(filing_id: int, number: int = 1) -> FilingVersion:
    return db.session.scalar(db.select(FilingVersion).filter_by(filing_id=filing_id, number=number))


def _save_with_findings(app, filing_id: int, token, example: dict) -> None:
    """Version 2: the example without the applicant's name, which the checklist reports."""
    example["applicant"]["legal_name"] = ""
    response = app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token())
    assert response.status_code == 200, response.get_json()


def test_a_saved_version_holds_its_findings_notice_and_timeline(app, filing_id, token, example):
    _save_with_findings(app, filing_id, token, example)
    with app.app_context():
        version = _version(filing_id, 2)
        fresh = compute(parsed(version.document))
        assert version.findings == findings_json(fresh.findings) and version.findings
        assert version.notice["text"] == fresh.notice.text and version.notice["html"] == fresh.notice.html
        assert version.timeline == fresh.timeline and version.timeline["rows"]


def test_the_api_serves_the_stored_results(app, filing_id, token):
    with app.app_context():
        version = _version(filing_id)
        stored = {**version.timeline, "version": 1}
        db.session.execute(update(FilingVersion).where(FilingVersion.id == version.id)
                           .values(timeline={**stored, "fee_tier": "stored tier"}))
        db.session.commit()
    body = app.test_client().get(f"/api/v1/filings/{filing_id}/timeline", headers=token()).get_json()
    assert body["fee_tier"] == "stored tier"          # read from the row, not computed again


def test_a_version_saved_before_results_were_stored_gets_them_once(app, filing_id, token, example):
    _save_with_findings(app, filing_id, token, example)
    with app.app_context():
        version = _version(filing_id, 2)
        expected = version.findings
        db.session.execute(update(FilingVersion).where(FilingVersion.id == version.id)   # as the migration left it
                           .values(findings=None, notice=None, timeline=None))
        db.session.commit()
    body = app.test_client().get(f"/api/v1/filings/{filing_id}/findings?as_of=2025-07-01", headers=token()).get_json()
    assert body["findings"] == expected and expected
    with app.app_context():
        version = _version(filing_id, 2)
        assert version.findings == expected and version.notice["text"] and version.timeline["rows"]


def test_stored_results_cannot_be_overwritten(app, filing_id):
    with app.app_context():
        version = _version(filing_id)
        version.findings = [{"rule": "made.up", "severity": "error", "field": "", "message": "m", "citation": "c"}]
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
