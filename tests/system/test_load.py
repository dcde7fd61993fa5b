"""A bounded load test on loopback: wrk against the main pages and the API of a real gunicorn
server, printing requests per second, latency percentiles and errors (zero errors allowed)."""
from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request

import pytest

from .conftest import USERS, signed_in_cookie

pytestmark = pytest.mark.system
UA = "cone-load-test"


def _wrk(url: str, headers: dict[str, str], seconds: int = 5) -> dict[str, str]:
    args = ["wrk", "-t1", "-c4", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    for name, value in headers.items():
        args[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out).group(1),
               "requests": re.search(r"(\d+) requests in", out).group(1),
               "non2xx": (re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, "0"])[1],
               "socket_errors": (re.search(r"Socket errors: (.*)", out) or [0, "none"])[1]}
    for pct in ("50", "90", "99"):
        figures[f"p{pct}"] = re.search(rf"\s{pct}(?:\.000)?%\s+(\S+)", out).group(1)
    return figures


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by scripts/bootstrap.sh test")
def test_main_pages_and_api_under_load(server, api, example, figure):
    status, created = api.json("POST", "/filings", example)
    assert status == 201
    fid = created["id"]
    cookie = signed_in_cookie(server.url, USERS[0][0], user_agent=UA)
    page = {"Cookie": cookie, "User-Agent": UA}
    bearer = {"Authorization": f"Bearer {api.token}", "User-Agent": UA}
    targets = {
        "filing list": (f"{server.url}/filings/", page),
        "filing overview": (f"{server.url}/filings/{fid}", page),
        "form page (project)": (f"{server.url}/filings/{fid}/sections/project", page),
        "API filing": (f"{server.url}/api/v1/filings/{fid}", bearer),
        "API findings": (f"{server.url}/api/v1/filings/{fid}/findings", bearer),
    }
    for name, (url, headers) in targets.items():   # wrk counts redirects as success: rule them out first
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            assert r.status == 200 and r.url == url, f"{name} answered {r.status} at {r.url}"
    failures = []
    for name, (url, headers) in targets.items():
        f = _wrk(url, headers)
        figure(f"load {name:22} {f['rps']:>8} req/s  p50 {f['p50']:>8}  p90 {f['p90']:>8}  p99 {f['p99']:>8}  "
              f"requests {f['requests']}  non-2xx {f['non2xx']}  socket errors {f['socket_errors']}")
        if int(f["requests"]) == 0 or f["non2xx"] != "0" or f["socket_errors"] != "none":
            failures.append(name)
    assert not failures, f"errors under load: {failures}"
