"""`--as-of DATE` sets the day `cone check`, `cone timeline` and `cone pdf` check dates against."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from .helpers import EXAMPLE, example
from .test_cli import assert_bad_input, cone, write

PAST = "publication.planned_past"


def rules(run) -> list[str]:
    return [f["rule"] for f in json.loads(run.stdout)]


def test_check_as_of_the_day_after_the_planned_filing_date_warns_that_it_is_past():
    run = cone("check", str(EXAMPLE), "--as-of", "2025-07-08", "--format", "json")
    [finding] = [f for f in json.loads(run.stdout) if f["rule"] == PAST]
    assert finding["severity"] == "warning" and finding["field"] == "planned_filing_date"
    assert "(July 7, 2025) is 1 day(s) before today (July 8, 2025)" in finding["message"]
    assert finding["citation"] == "Conn. Gen. Stat. §19a-639a(b)"


def test_check_as_of_the_planned_filing_date_itself_does_not_warn():
    assert PAST not in rules(cone("check", str(EXAMPLE), "--as-of", "2025-07-07", "--format", "json"))


def test_check_without_as_of_checks_against_the_real_date():
    run = cone("check", str(EXAMPLE))
    today = dt.date.today()
    assert f"before today ({today:%B} {today.day}, {today.year})" in run.stdout.decode()


def test_a_past_planned_date_alone_is_a_warning_and_exits_0(tmp_path):
    run = cone("check", str(write(tmp_path, example())), "--as-of", "2026-12-03")
    out = run.stdout.decode()
    assert run.returncode == 0, out
    assert "WARNING publication.planned_past [planned_filing_date]" in out and "0 error(s), 1 warning(s)" in out


def test_timeline_prints_the_past_date_warning_on_stderr_and_exits_0():
    run = cone("timeline", str(EXAMPLE), "--as-of", "2025-12-01")
    assert run.returncode == 0
    assert "WARNING publication.planned_past" in run.stderr.decode()
    assert "2025-07-07  Planned filing date" in run.stdout.decode()
    assert cone("timeline", str(EXAMPLE), "--as-of", "2025-06-01").stderr == b""


@pytest.mark.parametrize("command", ["check", "timeline"])
@pytest.mark.parametrize("value", ["2025-13-01", "tomorrow", "20250701", "2025-7-1", ""])
def test_a_bad_as_of_date_is_a_usage_error_naming_the_option(command, value):
    run = cone(command, str(EXAMPLE), "--as-of", value)
    err = run.stderr.decode()
    assert run.returncode == 2 and run.stdout == b""
    assert "--as-of" in err and "YYYY-MM-DD" in err and "Traceback" not in err


def test_notice_takes_no_as_of_because_the_notice_does_not_depend_on_the_day():
    assert cone("notice", str(EXAMPLE), "--as-of", "2025-07-08").returncode == 2


def test_bad_input_is_still_reported_before_the_day_matters(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("{")
    assert_bad_input(cone("check", str(path), "--as-of", "2025-07-08"), str(path))
