"""The `cone` command-line contract, run as a separate process: exit 0 / 1 / 2, output formats,
and bad input of every kind giving one stderr line that names the file (and the JSON path)."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import jsonschema
import pytest
from pypdf import PdfReader

from .helpers import EXAMPLE, EXAMPLE_NOTICE, PRINCIPLE_ANSWERS, example, set_path, to_json

CONE = [sys.executable, "-m", "cone.cli"]
COMMANDS = ["check", "notice", "timeline"]
EARLY = ("--as-of", "2025-06-01")   # a day before the example's planned filing date (and those the tests set)


def cone(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CONE, *args], input=stdin, capture_output=True, timeout=60)


def write(tmp_path: Path, data, name: str = "filing.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else to_json(data).encode())
    return path


def with_changes(changes: dict) -> dict:
    """The example with {field path: new value} applied."""
    data = example()
    for path, value in changes.items():
        set_path(data, path, value)
    return data


def assert_bad_input(run: subprocess.CompletedProcess, *names: str) -> str:
    err = run.stderr.decode()
    assert run.returncode == 2, (run.returncode, err)
    assert run.stdout == b""
    assert err.startswith("cone: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for name in names:
        assert name in err, (name, err)
    return err


# --- success -------------------------------------------------------------------------------

def test_console_script_is_installed():
    script = Path(sys.executable).parent / "cone"
    run = subprocess.run([str(script), "notice", str(EXAMPLE)], capture_output=True, timeout=60)
    assert run.returncode == 0 and run.stdout == EXAMPLE_NOTICE.read_bytes()


@pytest.mark.parametrize("command", COMMANDS)
def test_core_commands_do_not_import_the_web_or_pdf_stack(command):
    """`cone notice` must start fast: no Flask, WeasyPrint or SQLAlchemy behind check, notice, timeline."""
    code = ("import sys, contextlib, io\nfrom cone.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main([{command!r}, {str(EXAMPLE)!r}])\n"
            "print(' '.join(sorted(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    modules = {m.split(".")[0] for m in run.stdout.split()}
    assert "cone" in modules
    heavy = {"flask", "weasyprint", "sqlalchemy", "pikepdf", "pypdf", "jinja2"}
    if command != "timeline":
        heavy.add("holidays")
    assert not modules & heavy


def test_check_ok(tmp_path):
    path = write(tmp_path, example())
    run = cone("check", str(path), *EARLY)
    assert run.returncode == 0 and run.stderr == b""
    out = run.stdout.decode()
    assert out.startswith(f"{path}: Connecticut, Establishment of a new health care facility\n")
    assert "No findings: passes all" in out


def test_check_json_ok(tmp_path):
    run = cone("check", str(write(tmp_path, example())), "--format", "json", *EARLY)
    assert run.returncode == 0 and json.loads(run.stdout) == []


def test_shared_example_lacks_only_the_principle_answers_and_the_postings():
    """The shared example answers no review principle and names none of Public Act 23-171's
    postings: one error per principle and per posting, nothing else."""
    run = cone("check", str(EXAMPLE), "--format", "json", *EARLY)
    assert run.returncode == 1
    out = json.loads(run.stdout)
    postings = ["postings.website_date", "postings.community_locations", "postings.municipal_website", "postings.copy_sent"]
    assert [(f["rule"], f["field"]) for f in out] == (
        [("principles.answered", f"principles.{p}") for p in PRINCIPLE_ANSWERS]
        + [("posting.required", path) for path in postings])


def test_timeline_ok():
    run = cone("timeline", str(EXAMPLE), *EARLY)
    assert run.returncode == 0 and run.stderr == b""
    lines = run.stdout.decode().splitlines()
    assert lines[0] == "Fee: $1,000 (up to $50,000; Conn. Gen. Stat. §19a-639a(a))"
    assert "2025-06-24  Earliest filing date (20 days after the last run)  (Conn. Gen. Stat. §19a-639a(b))" in lines
    assert any(line.startswith("            Falls on Sunday, when OHS is closed: act by the previous business day, "
                               "2025-10-03.") for line in lines)


def test_timeline_json():
    run = cone("timeline", str(EXAMPLE), "--format", "json")
    assert run.returncode == 0
    out = json.loads(run.stdout)
    assert out["fee"] == 1000 and isinstance(out["fee"], int) and out["fee_tier"] == "up to $50,000"
    assert (out["earliest_filing_date"], out["latest_filing_date"]) == ("2025-06-24", "2025-09-02")
    assert {"id": "filing", "label": "Planned filing date", "date": "2025-07-07",
            "citation": "Conn. Gen. Stat. §19a-639a(b)", "note": "", "advised": None} in out["rows"]


def test_notice_html():
    run = cone("notice", str(EXAMPLE), "--format", "html")
    assert run.returncode == 0
    assert run.stdout.decode() == '<p class="cone-notice">' + EXAMPLE_NOTICE.read_text().rstrip("\n") + "</p>\n"


def test_stdin():
    run = cone("notice", "-", stdin=EXAMPLE.read_bytes())
    assert run.returncode == 0 and run.stdout == EXAMPLE_NOTICE.read_bytes()


def test_warnings_alone_exit_0(tmp_path):
    path = write(tmp_path, with_changes({"site.zip": "06103"}))
    run = cone("check", str(path), *EARLY)
    assert run.returncode == 0
    assert "WARNING site.zip_town [site.zip]" in run.stdout.decode()
    assert "0 error(s), 1 warning(s)" in run.stdout.decode()


# --- exit 1: error findings ------------------------------------------------------------------

def test_check_errors_exit_1(tmp_path):
    path = write(tmp_path, with_changes({"site.zip": "10001", "planned_filing_date": "2025-06-20"}))
    run = cone("check", str(path), "--format", "json", *EARLY)
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert [f["rule"] for f in out] == ["site.zip", "publication.window", "posting.website_early"]
    for finding in out:
        assert list(finding) == ["rule", "severity", "field", "message", "citation"]
        assert finding["severity"] == "error" and finding["citation"]
    assert out[0]["field"] == "site.zip" and "10001" in out[0]["message"]


def test_check_text_lists_findings(tmp_path):
    run = cone("check", str(write(tmp_path, with_changes({"site.state": "NY"}))), *EARLY)
    assert run.returncode == 1
    out = run.stdout.decode()
    assert "ERROR   site.state [site.state]" in out and "(Conn. Gen. Stat. §19a-638(a))" in out
    assert "1 error(s), 0 warning(s)" in out


def test_notice_with_a_gap_prints_it_and_exits_1(tmp_path):
    data = example()
    del data["project"]["summary"]
    run = cone("notice", str(write(tmp_path, data)))
    assert run.returncode == 1
    assert "to [Scope and nature of the project] at" in run.stdout.decode()
    assert "notice.scope [project.summary]" in run.stderr.decode()


def test_notice_ignores_errors_that_do_not_touch_it(tmp_path):
    run = cone("notice", str(write(tmp_path, with_changes({"site.zip": "10001"}))))
    assert run.returncode == 0 and run.stderr == b""


def test_timeline_with_a_late_filing_exits_1(tmp_path):
    run = cone("timeline", str(write(tmp_path, with_changes({"planned_filing_date": "2025-09-03"}))), "--format", "json")
    assert run.returncode == 1
    assert json.loads(run.stdout)["latest_filing_date"] == "2025-09-02"
    assert "publication.window" in run.stderr.decode()


def test_timeline_with_a_wrong_fee_exits_1(tmp_path):
    run = cone("timeline", str(write(tmp_path, with_changes({"fee": 500}))))
    assert run.returncode == 1 and "fee.matches [fee]" in run.stderr.decode()


def test_timeline_without_capital_expenditure_exits_1(tmp_path):
    data = example()
    del data["project"]["capital_expenditure"]
    run = cone("timeline", str(write(tmp_path, data)))
    assert run.returncode == 1
    assert not run.stdout.decode().startswith("Fee:") and "notice.capital_expenditure" in run.stderr.decode()


# --- exit 2: unusable input ------------------------------------------------------------------

BAD_INPUT = {  # name: (file bytes, or None for no file; words stderr must contain besides the file name)
    "missing file": (None, ["cannot read file"]),
    "empty": (b"", ["$: not valid JSON"]),
    "not JSON": (b"{\"format\": \"cone.filing/1\",", ["$: not valid JSON"]),
    "not UTF-8": ("{\"site\": \"Caf\u00e9\"}".encode("latin-1"), ["not UTF-8"]),
    "not an object": (b"[1, 2]", ["$: "]),
    "schema violation": (to_json(with_changes({"services[0].hours_per_week": "9"})).encode(),
                         ["$.services[0].hours_per_week: must be a number"]),
    "unknown key": (to_json(with_changes({"site.country": "US"})).encode(),
                    ["$.site.country: unknown field"]),
    "fractional cents": (to_json(with_changes({"project.capital_expenditure": Decimal("10000.001")})).encode(),
                         ["$.project.capital_expenditure", "whole cents"]),
    "bad date": (to_json(with_changes({"publication.dates": ["2025-06-02", "2025-06-31"]})).encode(),
                 ["$.publication.dates[1]", "not a calendar date"]),
    "unknown state": (to_json(with_changes({"state": "NY"})).encode(), ["$.state", "'NY'"]),
    "unknown filing type": (to_json(with_changes({"filing_type": "merger"})).encode(),
                            ["$.filing_type", "'merger'"]),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_exits_2_with_one_line(tmp_path, command, case):
    content, says = BAD_INPUT[case]
    path = tmp_path / "filing.json"
    if content is not None:
        path.write_bytes(content)
    assert_bad_input(cone(command, str(path)), str(path), *says)


def test_a_directory_is_not_a_file(tmp_path):
    assert_bad_input(cone("check", str(tmp_path)), str(tmp_path), "cannot read file")


def test_bad_stdin_is_named(tmp_path):
    assert_bad_input(cone("check", "-", stdin=b"nope"), "<stdin>", "$: not valid JSON")


def test_hostile_file_name_stays_on_one_line(tmp_path):
    path = tmp_path / "a\nb.json"
    assert_bad_input(cone("check", str(path)), "a\\nb.json: cannot read file")


def test_usage_errors_exit_2():
    for args in (["frobnicate"], ["check"], ["notice", str(EXAMPLE), "--format", "pdf"]):
        run = cone(*args)
        assert run.returncode == 2 and b"Traceback" not in run.stderr and b"usage: cone" in run.stderr


# --- schema ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schema():
    run = cone("schema")
    assert run.returncode == 0 and run.stderr == b""
    return json.loads(run.stdout)


def test_schema_is_a_valid_json_schema(schema):
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft202012Validator
    validator.check_schema(schema)


def test_schema_accepts_the_example_and_every_cents_amount(schema):
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(EXAMPLE.read_text()))
    for cents in ("10000.07", "0.29", "1234567.89", "999999999999.99"):
        for number in (float, Decimal):
            data = json.loads(EXAMPLE.read_text())
            data["project"]["capital_expenditure"] = json.loads(cents, parse_float=number)
            assert not list(validator.iter_errors(data)), cents


@pytest.mark.parametrize("path, value", [("project.capital_expenditure", "10000"), ("site.country", "US"),
                                         ("services[0].hours_per_week", 200), ("planned_filing_date", 20250707),
                                         ("format", "cone.filing/2"), ("site.zip", "6333")])
def test_schema_rejects_what_the_parser_rejects(schema, path, value):
    data = json.loads(EXAMPLE.read_text())
    set_path(data, path, value)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_schema_describes_every_field(schema):
    def walk(node, where):
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{where}.{name}"
    walk(schema, "$")
    for name, definition in schema.get("$defs", {}).items():
        walk(definition, name)


def test_the_notice_is_written_as_a_word_file_with_the_heading(tmp_path):
    out = tmp_path / "notice.docx"
    run = subprocess.run([sys.executable, "-m", "cone.cli", "notice", str(EXAMPLE), "--format", "docx", "--heading",
                          "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "LEGAL NOTICE" and paragraphs[1].startswith("Notice is hereby given that")


def test_a_word_notice_without_an_output_file_is_refused_with_the_reason():
    run = subprocess.run([sys.executable, "-m", "cone.cli", "notice", str(EXAMPLE), "--format", "docx"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "give it with -o OUT.docx" in run.stderr and not run.stdout


def test_the_insertion_request_names_the_newspaper_dates_and_invoice_contact(tmp_path):
    out = tmp_path / "request.pdf"
    run = subprocess.run([sys.executable, "-m", "cone.cli", "insertion-request", str(EXAMPLE), "-o", str(out),
                          "--date", "2025-05-20"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    reader = PdfReader(out)
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    for expected in ("REQUEST TO PUBLISH A LEGAL NOTICE", "To The Day, legal advertising", "May 20, 2025", "in The Day on three consecutive days",
                     "Monday, June 2, 2025", "Wednesday, June 4, 2025", "affidavit of publication",
                     "Jordan Avery, Chief Executive Officer", "Notice is hereby given that"):
        assert expected in text, expected
