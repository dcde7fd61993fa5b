"""`cone lint-notice`, run as a separate process: exit 0 when every element is present (and
matches the filing), 1 on findings, 2 on input it cannot use, with one stderr line naming the file."""
from __future__ import annotations

import json
import subprocess
import sys

from .helpers import EXAMPLE, EXAMPLE_NOTICE, REPO

CONE = [sys.executable, "-m", "cone.cli", "lint-notice"]
NOTICES = REPO / "tests/data/notices"


def lint(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CONE, *args], input=stdin, capture_output=True, timeout=60)


def test_the_seed_notice_with_its_filing_exits_0_and_says_all_elements_match():
    run = lint(str(EXAMPLE_NOTICE), "--filing", str(EXAMPLE))
    out = run.stdout.decode()
    assert run.returncode == 0, run.stderr
    assert sum(line.startswith("present ") for line in out.splitlines()) == 4 and "All 4 elements present and matching the filing." in out
    assert '"248 Flanders Road, East Lyme" at 226-254' in out


def test_json_output_lists_each_element_with_its_span_and_text():
    run = lint(str(EXAMPLE_NOTICE), "--format", "json")
    assert run.returncode == 0
    report = json.loads(run.stdout)
    assert report["ok"] and report["kind"] == "applicant" and report["file"] == str(EXAMPLE_NOTICE)
    address = next(e for e in report["elements"] if e["id"] == "address")
    assert address["spans"] == [{"start": 226, "end": 254, "text": "248 Flanders Road, East Lyme"}]
    text = EXAMPLE_NOTICE.read_text(encoding="utf-8")
    for element in report["elements"]:
        for span in element["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]


def test_a_missing_element_exits_1_and_says_what_to_add():
    text = EXAMPLE_NOTICE.read_bytes().replace(b", with an associated capital expenditure of $10,000", b"")
    run = lint("-", stdin=text)
    out = run.stdout.decode()
    assert run.returncode == 1
    assert "MISSING  Total capital expenditure" in out and "State the total capital expenditure" in out


def test_a_difference_from_the_filing_exits_1_and_names_the_field():
    text = EXAMPLE_NOTICE.read_bytes().replace(b"$10,000", b"$12,000")
    run = lint("-", "--filing", str(EXAMPLE), "--format", "json", stdin=text)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert [(d["field"], d["notice"], d["filing"]) for d in report["differences"]] == [
        ("project.capital_expenditure", "$12,000", "$10,000")]


def test_a_hearing_notice_exits_1_and_is_named_as_one():
    run = lint(str(NOTICES / "hearing-zoom.txt"))
    out = run.stdout.decode()
    assert run.returncode == 1 and "hearing" in out and "MISSING" not in out


def test_unusable_input_exits_2_with_one_line_naming_the_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    bad_filing = tmp_path / "filing.json"
    bad_filing.write_text('{"format": "cone.filing/1", "state": "CT", "filing_type": 3}')
    for args, name in (([str(tmp_path / "nope.txt")], "nope.txt"), ([str(empty)], "empty.txt"),
                       ([str(binary)], "scan.txt"),
                       ([str(EXAMPLE_NOTICE), "--filing", str(bad_filing)], "filing.json")):
        run = lint(*args)
        err = run.stderr.decode()
        assert run.returncode == 2, (args, run.returncode, err)
        assert len(err.strip().splitlines()) == 1 and name in err and "Traceback" not in err
        assert run.stdout == b""


def test_an_unknown_state_exits_2_naming_the_states_there_are():
    run = lint(str(EXAMPLE_NOTICE), "--state", "QQ")
    assert run.returncode == 2 and "available: CT" in run.stderr.decode()
