"""Fuzz the JSON API with schemathesis from its own OpenAPI document, against a real server:
no generated request may produce a server error (5xx). Prints how many cases were tried."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.system


def test_api_has_no_server_errors(server, api, example, tmp_path):
    status, created = api.json("POST", "/filings", example)   # give GET/PUT a real filing to hit
    assert status == 201
    report = tmp_path / "report.json"
    st = Path(sys.executable).parent / "schemathesis"
    out = subprocess.run(
        [str(st), "run", f"{server.url}/api/v1/openapi.json", "--url", f"{server.url}/api/v1",
         "--checks", "not_a_server_error", "-H", f"Authorization: Bearer {api.token}",
         "--max-examples", "40", "--seed", "20261126", "--phases", "examples,coverage,fuzzing",
         "--report", "json", "--report-json-path", str(report), "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    summary = out.stdout[-3000:]
    print("\n" + summary)
    cases = re.findall(r"(\d+) generated", summary)
    print(f"schemathesis: {cases[-1] if cases else '?'} cases generated; exit {out.returncode}")
    assert out.returncode == 0, summary + out.stderr[-2000:]
