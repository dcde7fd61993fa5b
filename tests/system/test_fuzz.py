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


def test_api_has_no_server_errors(server, api, example, tmp_path, figure):
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
    figure(f"schemathesis: {cases[-1] if cases else '?'} API cases generated against /api/v1, exit {out.returncode}")
    assert out.returncode == 0, summary + out.stderr[-2000:]


def test_filing_parser_never_fails_on_hostile_json(figure):
    """Hypothesis against the parser: mutated and arbitrary documents give a Filing or an
    InputError naming a JSON path, never another exception. Prints how many cases were tried."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from cone.filing.errors import InputError
    from cone.filing.parser import loads

    from .conftest import EXAMPLE

    example = json.loads(EXAMPLE.read_text())
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | \
        st.sampled_from(["2025-02-30", "1e400", "-1", "10000.001", "NaN", "", "\u202e", "06333"])
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                          max_leaves=8)
    paths = [("project", "capital_expenditure"), ("services", 0, "hours_per_day"), ("publication", "dates", 1),
             ("site", "zip"), ("applicant", "contact", "email"), ("filing_type",), ("state",), ("fee",),
             ("services", 1, "components"), ("planned_filing_date",), ("project", "populations")]
    tried = []

    @settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(paths), values, st.booleans())
    def parse(path, value, as_text):
        doc = json.loads(json.dumps(example))
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        text = json.dumps(doc, allow_nan=True) if not as_text else json.dumps(value, allow_nan=True)
        tried.append(1)
        try:
            loads(text)
        except InputError as exc:
            assert exc.path and exc.path.startswith("$")

    parse()
    figure(f"hypothesis: {len(tried)} hostile filing documents parsed, none raised anything but InputError")
    assert len(tried) >= 100
