"""Two gunicorn servers on one PostgreSQL database and one Redis, as several app servers run:
a user signs in on one and goes on on the other, and a render whose server is killed with
SIGKILL completes through the other."""
from __future__ import annotations

import os
import re
import time
import urllib.parse
import urllib.request

import pytest
from redis_server import running_redis

from .conftest import USERS, Api, _fresh_database, signed_in_cookie
from .live import LiveServer

pytestmark = [pytest.mark.system, pytest.mark.db]

AGENT = "cone-system-test"


@pytest.fixture
def redis(tmp_path):
    with running_redis(tmp_path) as url:
        yield url


@pytest.fixture
def servers(tmp_path, redis):
    """Servers A and B: same database, same Redis (sign-in limits), same secret key; each renders
    in its own process (the in-process worker with its lease sweep)."""
    if not os.environ.get("CONE_TEST_DATABASE_URL"):
        pytest.skip("several servers need PostgreSQL (the database pass of scripts/test.sh sets CONE_TEST_DATABASE_URL)")
    database = _fresh_database(tmp_path)
    pair = [LiveServer(tmp_path, database) for _ in range(2)]
    for server in pair:
        server.env.update({"CONE_RATELIMIT_STORAGE_URI": f"{redis}/1", "CONE_RENDER_WORKER": "thread",
                           "CONE_RENDER_LEASE_SECONDS": "4"})
    pair[0].setup(USERS)
    for server in pair:
        server.start()
    yield pair
    for server in pair:
        server.kill()


def get(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": AGENT})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_a_user_signed_in_on_one_server_goes_on_on_the_other(servers):
    a, b = servers
    cookie = signed_in_cookie(a.url, USERS[0][0], user_agent=AGENT)
    status, page = get(f"{b.url}/filings/", cookie)
    assert status == 200 and "Start a new filing" in page and USERS[0][0] in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', get(f"{b.url}/filings/new", cookie)[1]).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "filing_type": "new_facility"}).encode()
    request = urllib.request.Request(f"{b.url}/filings/new", data=data, headers={"Cookie": cookie, "User-Agent": AGENT})
    with urllib.request.urlopen(request, timeout=30) as response:        # follows the redirect to the first section
        assert response.status == 200 and "/sections/" in response.url
    status, page = get(f"{a.url}/filings/", cookie)
    assert status == 200 and "version 1" in page


def test_a_render_whose_server_is_killed_completes_through_the_other(servers, example, figure):
    a, b = servers
    secret = a.flask("cone", "create-token", USERS[1][0]).strip()
    admin = Api(a.url + "/api/v1", a.flask("cone", "create-token", USERS[0][0]).strip())
    status, created = admin.json("POST", "/filings", example)
    assert status == 201
    on_a, on_b = Api(a.url + "/api/v1", secret), Api(b.url + "/api/v1", secret)
    status, started = on_a.json("GET", f"/filings/{created['id']}/pdf")
    assert status == 202
    job = f"/filings/{created['id']}/jobs/{started['job']}"
    assert on_a.json("GET", job)[1]["status"] in ("queued", "running")
    a.kill()                                                  # SIGKILL to master and workers, mid-render
    assert on_b.json("GET", job)[1]["status"] in ("queued", "running")
    killed = time.monotonic()
    deadline = killed + 120
    while time.monotonic() < deadline:
        status, headers, body = on_b.call("GET", f"/filings/{created['id']}/pdf")
        if status == 200:
            break
        assert status == 202, body[:300]
        time.sleep(0.5)
    assert status == 200 and body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")
    assert on_b.json("GET", job)[1]["status"] == "done"      # the same job, finished by B
    figure(f"servers: render killed with server A, finished by server B {time.monotonic() - killed:.1f} s later "
           f"({len(body):,} bytes)")
