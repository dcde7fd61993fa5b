"""A locked, full or read-only database: 503 saying nothing was saved and to try again, the
page keeping what the user typed, the API naming the cause, one log line without user data."""
from __future__ import annotations

import contextlib
import io
import logging
import re
import sqlite3

import pytest
from sqlalchemy import event

from conftest import TEST_CONFIG, csrf, make_app, sign_in, tiny_pdf
from cone.web import create_app
from cone.web.extensions import db
from cone.web.models import Comment

COMMENT = "Is the ZIP code of the site right? ask dana@hopewell.test"


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "faults.sqlite"
    app = make_app(f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})
    app.db_path = path
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def filing(sqlite_app, example):
    admin = sqlite_app.test_client()
    sign_in(admin, "administrator@hopewell.test")
    with sqlite_app.app_context():
        from cone.web.models import ApiToken, User
        user = db.session.scalar(db.select(User).filter_by(email="administrator@hopewell.test"))
        secret = ApiToken.issue(user.id, "t")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    filing_id = sqlite_app.test_client().post("/api/v1/filings", json=example, headers=headers).get_json()["id"]
    return admin, headers, filing_id


@contextlib.contextmanager
def locked(path):
    """Another process's write transaction on the database, as a long save in another worker holds."""
    writer = sqlite3.connect(path, timeout=0)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        writer.rollback()
        writer.close()


def _comments(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Comment.body)))


def _fault_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "database fault" in r.getMessage()]


def test_a_comment_on_a_locked_database_is_503_keeps_the_text_and_goes_through_on_retry(sqlite_app, filing, caplog):
    admin, _, filing_id = filing
    token = csrf(admin, f"/filings/{filing_id}")
    with locked(sqlite_app.db_path), caplog.at_level(logging.INFO):
        response = admin.post(f"/filings/{filing_id}/comments", data={"csrf_token": token, "field": "", "body": COMMENT})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Your change was not saved: the database is busy with another change" in page and "try again" in page
    assert f'name="body" value="{COMMENT}"' in page and "Try again</button>" in page
    assert _comments(sqlite_app) == []
    lines = _fault_lines(caplog)
    assert len(lines) == 1 and "database_locked" in lines[0] and "/filings/<int:filing_id>/comments" in lines[0]
    assert not any(COMMENT[:20] in r.getMessage() or "hopewell.test" in r.getMessage() for r in caplog.records)
    resent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert admin.post(f"/filings/{filing_id}/comments", data=resent).status_code == 303
    assert _comments(sqlite_app) == [COMMENT]


def test_an_api_put_on_a_locked_database_names_the_cause_and_saves_nothing(sqlite_app, filing, example):
    _, headers, filing_id = filing
    example["site"]["street"] = "12 Main Street"
    client = sqlite_app.test_client()
    with locked(sqlite_app.db_path):
        assert client.get(f"/api/v1/filings/{filing_id}", headers=headers).status_code == 200   # reads still answer
        response = client.put(f"/api/v1/filings/{filing_id}", json=example, headers=headers)
    error = response.get_json()["error"]
    assert response.status_code == 503 and error["cause"] == "database_locked"
    assert "not saved" in error["message"]
    assert client.get(f"/api/v1/filings/{filing_id}", headers=headers).get_json()["version"] == 1
    assert client.put(f"/api/v1/filings/{filing_id}", json=example, headers=headers).status_code == 200


def test_an_upload_on_a_locked_database_asks_for_the_file_again(sqlite_app, filing):
    admin, _, filing_id = filing
    token = csrf(admin, "/account")
    with locked(sqlite_app.db_path):
        response = admin.post(f"/filings/{filing_id}/exhibits", data={
            "csrf_token": token, "exhibit": (io.BytesIO(tiny_pdf()), "plan.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 503 and "Choose the file again" in response.get_data(as_text=True)


def test_a_full_database_is_503_and_says_so(sqlite_app, filing):
    admin, headers, filing_id = filing
    token = csrf(admin, f"/filings/{filing_id}")
    with sqlite_app.app_context():
        pages = db.session.execute(db.text("PRAGMA page_count")).scalar()

        @event.listens_for(db.engine, "connect")
        def _no_room(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
        db.engine.dispose()
    response = admin.post(f"/filings/{filing_id}/comments", data={"csrf_token": token, "field": "", "body": "x" * 5000})
    assert response.status_code == 503
    assert "Your change was not saved: the disk of the database is full" in response.get_data(as_text=True)
    api = sqlite_app.test_client().put(f"/api/v1/filings/{filing_id}", json={"format": "cone.filing/1"}, headers=headers)
    assert api.status_code in (422, 503)


def _read_only(url: str) -> str:
    """The same database opened read-only: SQLite's mode=ro, PostgreSQL's read-only transactions."""
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return url + "%20-cdefault_transaction_read_only%3Don"


@pytest.mark.db
def test_a_read_only_database_is_503_and_says_so(database, example):
    app = make_app(database)
    headers = {"Authorization": "Bearer " + app.test_cli_runner().invoke(
        args=["cone", "create-token", "administrator@hopewell.test"]).output.strip()}
    filing_id = app.test_client().post("/api/v1/filings", json=example, headers=headers).get_json()["id"]
    reader = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": _read_only(database)})
    client = reader.test_client()
    example["site"]["street"] = "12 Main Street"
    response = client.put(f"/api/v1/filings/{filing_id}", json=example, headers=headers)
    assert response.status_code == 503 and response.get_json()["error"]["cause"] == "database_read_only"
    assert "not saved" in response.get_json()["error"]["message"]
    assert client.get(f"/api/v1/filings/{filing_id}", headers=headers).status_code == 200
    for each in (app, reader):
        with each.app_context():
            db.engine.dispose()


def test_other_database_errors_are_not_dressed_as_a_busy_database(app, login):
    client = login()
    response = client.get("/filings/999999999")
    assert response.status_code == 404


def test_a_section_saved_on_a_locked_database_keeps_every_answer_typed(sqlite_app, filing):
    admin, _, filing_id = filing
    url = f"/filings/{filing_id}/sections/site"
    data = {"csrf_token": csrf(admin, url), "version": "1", "action": "save_exit", "site-street": "12 <Main> Street",
            "site-zip": "06333"}
    with locked(sqlite_app.db_path):
        response = admin.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Your change was not saved" in page
    assert 'name="site-street" value="12 &lt;Main&gt; Street"' in page and 'name="site-zip" value="06333"' in page
    resent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert admin.post(url, data={k: v.replace("&lt;", "<").replace("&gt;", ">") for k, v in resent.items()}).status_code == 302
