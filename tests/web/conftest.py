"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL from CONE_TEST_DATABASE_URL),
users of two organizations in every role, and signed-in test clients."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import uuid

import pikepdf
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from cone.web import create_app
from redis_server import running_redis
from cone.web.config import database_url
from cone.web.accounts.service import add_user
from cone.web.extensions import db
from example_filing import complete_example
from smtp_sink import Mailbox

PASSWORD = "correct horse battery"
ROLES = ("administrator", "compliance", "legal")


@pytest.fixture
def database(tmp_path):
    """A URL of an empty database: a PostgreSQL schema of its own, or a SQLite file."""
    server = os.environ.get("CONE_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    engine = create_engine(database_url(server, ""))
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in server else "?"
    yield database_url(server, "") + f"{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def tiny_pdf() -> bytes:
    """A one-page PDF, as an exhibit; the same bytes every time."""
    out = io.BytesIO()
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(out, deterministic_id=True)
    return out.getvalue()


def filed_form(docket: str = "25-32843-CON", filed_on: str = "") -> dict:
    """The mark-filed form's fields: today's date (unless given), a docket number, a receipt, confirmed."""
    return {"filed_on": filed_on or dt.date.today().isoformat(), "docket_number": docket,
            "receipt": (io.BytesIO(tiny_pdf()), "receipt.pdf"), "confirm": "yes"}


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "RATELIMIT_ENABLED": False,
    "RENDER_WORKER": "inline",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",   # fast for tests; production uses scrypt
    "PASSWORD_PEPPER": "test-pepper",
}


def make_app(database: str, **overrides):
    """An app on `database`, migrated, with a user of every role in Hopewell and in Other."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database, **overrides})
    with app.app_context():
        upgrade()
        for org in ("Hopewell", "Other"):
            for role in ROLES:
                add_user(f"{role}@{org.lower()}.test", role, org, PASSWORD)
    return app


def close_app(app) -> None:
    """Stop an app's render thread and close its database connections."""
    app.extensions["cone.render_thread"].stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database):
    app = make_app(database)
    yield app
    close_app(app)


def sign_in(client, email: str) -> None:
    page = client.get("/signin")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def csrf(client, path: str) -> str:
    """The CSRF token from a page, as a browser would submit it."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.fixture
def login(app):
    def make(role: str = "administrator", org: str = "hopewell"):
        client = app.test_client()
        sign_in(client, f"{role}@{org}.test")
        return client
    return make


@pytest.fixture
def example() -> dict:
    return complete_example()


@pytest.fixture
def token(app):
    from cone.web.models import ApiToken, User

    def make(role: str = "administrator", org: str = "hopewell") -> dict[str, str]:
        with app.app_context():
            user = db.session.scalar(db.select(User).filter_by(email=f"{role}@{org}.test"))
            secret = ApiToken.issue(user.id, "test")
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}
    return make


@pytest.fixture
def filing_id(app, token, example) -> int:
    """A filing of Hopewell created from the example document through the API."""
    response = app.test_client().post("/api/v1/filings", json=example, headers=token())
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def mail_settings(port: int) -> dict:
    """Settings of an app that sends its mail to the test SMTP server on `port`."""
    return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": port, "MAIL_TLS": "none", "MAIL_SENDER": "cone@example.test",
            "PUBLIC_URL": "https://cone.example.test",
            "TRUSTED_HOSTS": ["cone.example.test", "localhost"]}   # links name the public host; the test client is localhost


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback; `mailbox.messages` are those it received."""
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def mail_app(database, mailbox):
    """An app whose mail goes to `mailbox`, sent inline after each change."""
    app = make_app(database, **mail_settings(mailbox.port))
    yield app
    close_app(app)


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis server on loopback (for RQ)."""
    with running_redis(tmp_path) as url:
        yield url + "/0"
