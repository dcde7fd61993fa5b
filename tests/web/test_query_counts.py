"""The number of SQL statements a page needs does not grow with the number of filings,
versions, comments or audit events (counted with SQLAlchemy's cursor events)."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event, insert, select, update

from cone.web.extensions import db
from cone.web.models import AuditEvent, Comment, FilingDate, FilingRecord, FilingVersion
from conftest import csrf

pytestmark = pytest.mark.db

SUMMARY = ("organization_id", "status", "version", "title", "applicant", "town", "filing_type", "state", "error_count",
           "fee_cents")


@contextlib.contextmanager
def counted(app):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def grow(app, filing_id: int, n: int) -> None:
    """n more filings like `filing_id` (with its dates), n more versions, comments and audit events of it."""
    with app.app_context():
        record = db.session.get(FilingRecord, filing_id)
        latest = db.session.scalar(select(FilingVersion).filter_by(filing_id=filing_id, number=record.version))
        dates = db.session.execute(select(FilingDate.row, FilingDate.kind, FilingDate.date, FilingDate.label)
                                   .where(FilingDate.filing_id == filing_id)).all()
        base = db.session.scalar(select(db.func.max(FilingRecord.id)))
        db.session.execute(insert(FilingRecord), [{"id": base + i, **{c: getattr(record, c) for c in SUMMARY},
                                                   "title": f"Clinic {i}"} for i in range(1, n + 1)])
        db.session.execute(insert(FilingVersion), [{"filing_id": base + i, "number": record.version,
                                                    "document": latest.document, "author_id": latest.author_id,
                                                    "findings": latest.findings, "notice": latest.notice,
                                                    "timeline": latest.timeline} for i in range(1, n + 1)])
        db.session.execute(insert(FilingDate), [{"filing_id": base + i, "row": d.row, "kind": d.kind, "date": d.date,
                                                 "label": d.label} for i in range(1, n + 1) for d in dates])
        db.session.execute(insert(FilingVersion), [{"filing_id": filing_id, "number": record.version + i,
                                                    "document": latest.document, "author_id": latest.author_id,
                                                    "note": f"v{i}", "findings": latest.findings, "notice": latest.notice,
                                                    "timeline": latest.timeline} for i in range(1, n + 1)])
        db.session.execute(update(FilingRecord).where(FilingRecord.id == filing_id).values(version=record.version + n))
        db.session.execute(insert(AuditEvent), [{"filing_id": filing_id, "user_email": "a@hopewell.test",
                                                 "action": "saved", "detail": f"event {i}"} for i in range(n)])
        db.session.execute(insert(Comment), [{"filing_id": filing_id, "field": "" if i % 2 else "applicant.legal_name",
                                              "body": f"comment {i}", "version": 1, "author_id": latest.author_id}
                                             for i in range(n)])
        roots = list(db.session.scalars(select(Comment.id).where(Comment.filing_id == filing_id, Comment.parent_id.is_(None))
                                        .order_by(Comment.id.desc()).limit(5)))
        db.session.execute(insert(Comment), [{"filing_id": filing_id, "field": "", "body": f"reply {i}", "version": 1,
                                              "author_id": latest.author_id, "parent_id": roots[i % len(roots)]}
                                             for i in range(n)])       # replies to the threads on the overview's first page
        db.session.commit()


def pages(filing_id: int) -> list[str]:
    f = f"/filings/{filing_id}"
    return ["/filings/", "/filings/?q=hopewell&sort=next_date", f, f"{f}/versions", f"{f}/versions?page=4",
            f"{f}/audit", f"{f}/audit?page=2", f"{f}/audit?reads=1", f"{f}/audit.csv", f"{f}/filing.json",
            f"{f}/diff", f"{f}/sections/applicant", f"{f}/check", "/deadlines/"]


def statements_per_page(app, client, api, filing_id: int) -> dict[str, int]:
    out = {}
    for path in pages(filing_id):
        with counted(app) as statements:
            response = client.get(path)
            body = response.get_data()
        assert response.status_code == 200 and body, path
        out[path] = len(statements)
    for path in ("/api/v1/filings", "/api/v1/filings?sort=next_date&per_page=100"):
        with counted(app) as statements:
            assert api.get(path[len(""):], headers=api.headers).status_code == 200
        out[path] = len(statements)
    return out


def test_statements_per_request_stay_the_same_from_1_to_1000_filings_versions_comments_and_events(app, login, token,
                                                                                                  filing_id):
    client = login("administrator")
    api = app.test_client()
    api.headers = token("compliance")
    client.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(client, "/account"), "body": "first"})
    client.get(f"/filings/{filing_id}")                       # warm: packs loaded, connection open
    api.get("/api/v1/filings", headers=api.headers)           # the token's last use is written at most once a minute
    small = statements_per_page(app, client, api, filing_id)
    grow(app, filing_id, 999)
    large = statements_per_page(app, client, api, filing_id)
    assert large == small
    assert max(small.values()) <= 14, small   # the overview: filing, version, session, approval, threads, a read...


def test_the_counter_sees_a_page_whose_statements_grow(app, login, filing_id):
    """The counting itself can fail: a loop of one query per filing is seen."""
    with counted(app) as statements:
        with app.app_context():
            for record_id in db.session.scalars(select(FilingRecord.id)).all() * 3:
                db.session.get(FilingRecord, record_id)
                db.session.expunge_all()
    assert len(statements) >= 4


def test_a_read_adds_one_insert_as_the_last_statement_and_nothing_after_it(app, login, token, filing_id):
    client = login("legal")
    api = app.test_client()
    headers = token("compliance")
    client.get(f"/filings/{filing_id}")                       # warm: packs loaded, connection open
    api.get(f"/api/v1/filings/{filing_id}", headers=headers)
    for path, get in ((f"/filings/{filing_id}", client.get), (f"/filings/{filing_id}/filing.json", client.get),
                      (f"/api/v1/filings/{filing_id}", lambda p: api.get(p, headers=headers))):
        with counted(app) as statements:
            assert get(path).status_code == 200
        writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
        assert len(writes) == 1 and writes[0].startswith("INSERT INTO audit_events"), (path, writes)
        assert statements[-1] is writes[0], path                # the page's objects are not loaded again after it
