"""Migrations from empty, the CLI commands, and the security settings."""
from __future__ import annotations

import pytest

import os
import re
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from cone.web import create_app
from cone.web.config import database_url
from cone.web.extensions import db
from cone.web.models import User
from conftest import csrf, make_app, sign_in

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_migrations_match_the_models_and_run_down_and_up(app):
    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if os.environ.get("CONE_TEST_DATABASE_URL") else "sqlite")
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        downgrade(revision="base")
        assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {"users", "filings", "filing_versions", "audit_events"} <= set(db.inspect(db.engine).get_table_names())


def test_database_url_uses_psycopg_3_and_defaults_to_the_instance_folder():
    assert database_url("postgres://u:p@h/db", "/i") == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql://u@h/db", "/i") == "postgresql+psycopg://u@h/db"
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/cone.sqlite"


def test_create_user_create_token_and_bootstrap(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cone", "create-user", "new@x.test", "--role", "legal", "--org", "Acme",
                                 "--create-org", "--password", "pw-123456-long"])
    assert result.exit_code == 0 and "Created new@x.test: legal in Acme" in result.output
    prompted = runner.invoke(args=["cone", "create-user", "p@x.test", "--role", "compliance", "--org", "Acme"],
                             input="s3cret-pass-long\ns3cret-pass-long\n")
    assert prompted.exit_code == 0
    token = runner.invoke(args=["cone", "create-token", "new@x.test"]).output.strip()
    assert app.test_client().get("/api/v1/filings", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert runner.invoke(args=["cone", "create-token", "nobody@x.test"]).exit_code != 0
    bad_role = runner.invoke(args=["cone", "create-user", "a@x.test", "--role", "king", "--org", "Acme"])
    assert bad_role.exit_code == 2 and "Traceback" not in bad_role.output
    # an install with users already: bootstrap only says where to sign in
    again = runner.invoke(args=["cone", "bootstrap"])
    assert again.exit_code == 0 and "password" not in again.output


def test_bootstrap_on_a_fresh_install_prints_a_working_sign_in_once(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.sqlite",
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    output = app.test_cli_runner().invoke(args=["cone", "bootstrap"]).output
    email = re.search(r"e-mail:\s+(\S+)", output).group(1)
    password = re.search(r"password:\s+(\S+)", output).group(1)
    client = app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert "organization: My organization" in output
    assert client.post("/signin", data={"email": email, "password": password, "csrf_token": token}).status_code == 302
    forced = client.get("/filings/new")                  # the one-time password must be changed first
    assert forced.status_code == 302 and forced.headers["Location"] == "/account"
    assert "Choose a new password before you go on" in client.get("/account").get_data(as_text=True)
    new = "my own long passphrase"
    changed = client.post("/account/password", data={"csrf_token": csrf(client, "/account"), "current": password,
                                                      "new": new, "confirm": new})
    assert changed.status_code == 302
    assert client.get("/filings/new").status_code == 200
    assert client.get("/organizations/1/members").status_code == 200      # the bootstrap user manages it
    again = app.test_cli_runner().invoke(args=["cone", "bootstrap"]).output
    assert "password" not in again and '"My organization"' in again
    with app.app_context():
        db.engine.dispose()


def test_security_headers_and_cookie_defaults(app):
    response = app.test_client().get("/signin")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert production.config["SESSION_COOKIE_SECURE"] and production.config["SESSION_COOKIE_HTTPONLY"]
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_templates_have_no_inline_script_or_style():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text) and "style=" not in text, path


def test_wrong_password_and_rate_limit(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/r.sqlite", RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = csrf(client, "/signin")
    responses = [client.post("/signin", data={"email": "administrator@hopewell.test", "password": "wrong",
                                              "csrf_token": token}) for _ in range(11)]
    assert [r.status_code for r in responses] == [422] * 10 + [429]
    assert 1 <= int(responses[-1].headers["Retry-After"]) <= 60
    assert "Too many attempts" in responses[-1].get_data(as_text=True)
    other_pages = client.get("/signin")      # only sign-in attempts are limited
    assert other_pages.status_code == 200
    with app.app_context():
        db.engine.dispose()


def _signin_statuses(app, addresses: list[str]) -> list[int]:
    client = app.test_client()
    token = csrf(client, "/signin")
    return [client.post("/signin", data={"email": "administrator@hopewell.test", "password": "wrong", "csrf_token": token},
                        headers={"X-Forwarded-For": address}).status_code for address in addresses]


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite", RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1,
                   SIGNIN_RATE_LIMIT="2 per minute")
    assert _signin_statuses(app, ["203.0.113.1"] * 3 + ["203.0.113.2"]) == [422, 422, 429, 422]
    with app.app_context():
        db.engine.dispose()


def test_forwarded_addresses_are_ignored_unless_proxies_are_trusted(tmp_path):
    """Otherwise a client could dodge the sign-in throttle by naming a new address each time."""
    app = make_app(f"sqlite:///{tmp_path}/q.sqlite", RATELIMIT_ENABLED=True, SIGNIN_RATE_LIMIT="2 per minute")
    assert _signin_statuses(app, ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) == [422, 422, 429]
    with app.app_context():
        db.engine.dispose()


def test_sign_in_never_redirects_off_site(app):
    client = app.test_client()
    page = client.get("/signin?next=//evil.example/x").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/signin?next=//evil.example/x", data={
        "email": "legal@hopewell.test", "password": "correct horse battery", "csrf_token": token})
    assert response.headers["Location"] == "/filings/"


def test_passwords_are_hashed(app):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test"))
        assert "correct horse" not in user.password_hash and user.check_password("correct horse battery")


def test_unknown_pages_and_bad_ids_are_clean_404s(app, login):
    client = login()
    for url in ("/filings/999999", "/filings/abc", "/filings/1/sections/nope", "/api/v1/filings/999"):
        response = client.get(url)
        assert response.status_code in (401, 404) and b"Traceback" not in response.data


def test_pages_keep_answering_while_another_worker_holds_a_write_lock_on_sqlite(tmp_path):
    """Write-ahead log: a long save in one gunicorn worker does not stall every page in the others
    (in SQLite's rollback-journal mode a reader waits for the writer, then fails)."""
    path = tmp_path / "w.sqlite"
    app = make_app(f"sqlite:///{path}")
    client = app.test_client()
    sign_in(client, "compliance@hopewell.test")
    writer = sqlite3.connect(path, timeout=0)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE users SET name = 'Renamed' WHERE email = 'legal@hopewell.test'")
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert client.get("/filings/").status_code == 200
    finally:
        writer.rollback()
        writer.close()
        with app.app_context():
            db.engine.dispose()


def test_sqlite_refuses_rows_that_point_nowhere_as_postgresql_does(app):
    from cone.web.models import Comment
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.engine.dispose()             # a fresh connection, not the one the migrations left behind
        db.session.add(Comment(filing_id=999_999, author_id=1, field="applicant.legal_name", body="orphan", version=1))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
