"""Fixtures for system tests: a real gunicorn server with seeded users, and an API client."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from example_filing import EXAMPLE, complete_example  # noqa: F401 (EXAMPLE for the fuzz test)

from .live import LiveServer

PASSWORD = "correct horse battery staple"
USERS = [
    ("admin@hopewell.example", "administrator", "Hopewell Health Solutions", PASSWORD),
    ("compliance@hopewell.example", "compliance", "Hopewell Health Solutions", PASSWORD),
    ("legal@hopewell.example", "legal", "Hopewell Health Solutions", PASSWORD),
    ("admin@other.example", "administrator", "Other Provider", PASSWORD),
]


class Api:
    """A minimal JSON client for /api/v1 with a bearer token."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        status, _, raw = self.call(method, path, body, **kw)
        return status, json.loads(raw) if raw else None


def _fresh_database(workdir: Path) -> str:
    """SQLite in `workdir`, or, when CONE_TEST_DATABASE_URL names a PostgreSQL server, a new
    database of its own there (servers of parallel test workers must not share one)."""
    base = os.environ.get("CONE_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{workdir / 'cone.sqlite'}"
    import secrets

    import sqlalchemy as sa

    name = f"cone_system_{secrets.token_hex(4)}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("live")
    srv = LiveServer(workdir, _fresh_database(workdir))
    srv.setup(USERS)
    srv.start()
    yield srv
    srv.kill()


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Api:
    return Api(server.url + "/api/v1", server.flask("cone", "create-token", USERS[0][0]).strip())


@pytest.fixture
def example() -> dict[str, Any]:
    return complete_example()


def signed_in_cookie(base: str, email: str, password: str = PASSWORD, user_agent: str = "cone-system-test") -> str:
    """Sign in through the real form (CSRF token included) and return the Cookie header value."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", user_agent)]
    page = opener.open(base + "/signin").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    data = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password}).encode()
    opener.open(base + "/signin", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)
