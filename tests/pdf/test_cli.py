"""`cone pdf` and `cone import`: outputs, exit codes, one-line errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cone.cli import main
from cone.filing.parser import dumps, loads
from cone.pdf.workers import WORKERS

from .conftest import EXAMPLE, example, filing, make_pdf, page_texts, render_workers, running_processes


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def complete(tmp_path):
    """The example with its principle answers, as a file: a filing with no error findings."""
    path = tmp_path / "complete.json"
    path.write_text(dumps(filing()), encoding="utf-8")
    return path


def test_pdf_then_import_round_trips(tmp_path, capsys, complete):
    out = tmp_path / "packet.pdf"
    exhibit = tmp_path / "proof.pdf"
    exhibit.write_bytes(make_pdf(2))
    assert main(["pdf", str(complete), "-o", str(out), "--exhibit", f"Proof of publication={exhibit}",
                 "--html", str(tmp_path / "packet.html")]) == 0
    assert out.read_bytes().startswith(b"%PDF-1.7")
    html = (tmp_path / "packet.html").read_text(encoding="utf-8")
    assert "Certificate of Need Application" in html
    assert 'font-family: "Cone Sans"' in html and "&#34;" not in html      # the inlined stylesheet is not escaped
    assert any((tmp_path / "cache" / "cone" / "pdf").iterdir())
    capsys.readouterr()
    assert main(["import", str(out)]) == 0
    printed = capsys.readouterr().out
    assert loads(printed) == loads(complete.read_text(encoding="utf-8"))
    assert printed == dumps(loads(printed))


def test_no_cache_gives_the_same_bytes(tmp_path, complete):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert main(["pdf", str(complete), "-o", str(a)]) == 0
    assert main(["pdf", str(complete), "-o", str(b), "--no-cache"]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_pdf_as_of_a_day_after_the_planned_date_lists_the_past_date_warning_in_the_packet(tmp_path, capsys, complete):
    late, early = tmp_path / "late.pdf", tmp_path / "early.pdf"
    assert main(["pdf", str(complete), "-o", str(late), "--as-of", "2025-07-08"]) == 0
    assert "publication.planned_past" in capsys.readouterr().err
    assert main(["pdf", str(complete), "-o", str(early), "--as-of", "2025-07-07"]) == 0
    assert capsys.readouterr().err == ""
    late_text, early_text = " ".join(page_texts(late.read_bytes())), " ".join(page_texts(early.read_bytes()))
    assert "before today (July 8, 2025)" in " ".join(late_text.split())
    assert "before today" not in early_text


def test_final_with_errors_exits_1_and_writes_nothing(tmp_path, capsys):
    data = example()
    del data["publication"]["newspaper"]
    src = tmp_path / "f.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.pdf"
    assert main(["pdf", str(src), "-o", str(out), "--final"]) == 1
    err = capsys.readouterr().err
    assert "no PDF written" in err and "publication.newspaper" in err
    assert not out.exists()
    assert main(["pdf", str(src), "-o", str(out)]) == 1          # a draft is written, findings reported
    assert out.exists()


@pytest.mark.parametrize("spec, message", [("nonsense", "NAME=PATH.pdf"), ("A=/no/such.pdf", "cannot read file")])
def test_bad_exhibit_arguments_exit_2_with_one_line(tmp_path, capsys, spec, message):
    assert main(["pdf", str(EXAMPLE), "-o", str(tmp_path / "o.pdf"), "--exhibit", spec]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_non_pdf_exhibit_exits_2(tmp_path, capsys):
    fake = tmp_path / "scan.pdf"
    fake.write_text("<html>not a pdf</html>", encoding="utf-8")
    assert main(["pdf", str(EXAMPLE), "-o", str(tmp_path / "o.pdf"), "--exhibit", f"Scan={fake}"]) == 2
    assert "not a PDF" in capsys.readouterr().err


def test_import_of_a_foreign_pdf_exits_2(tmp_path, capsys):
    other = tmp_path / "other.pdf"
    other.write_bytes(make_pdf())
    assert main(["import", str(other)]) == 2
    assert "no embedded filing.json" in capsys.readouterr().err


def _cone(*args: str, **popen) -> subprocess.Popen:
    """`cone ...` in a process group of its own (and so its fork server and workers too)."""
    return subprocess.Popen([sys.executable, "-m", "cone.cli", *args], stderr=subprocess.PIPE, start_new_session=True,
                            **popen)


def _left_behind(group: int, timeout: float = 20) -> list[int]:
    """The processes of a group still running once `timeout` seconds have passed (or none are)."""
    deadline = time.monotonic() + timeout
    while (left := running_processes(group=group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_separate_processes_at_different_times_give_the_same_bytes_as_the_apps_pool(tmp_path, complete, draft):
    """Nothing time- or process-dependent (a font's save timestamp, hash order) reaches the file,
    and the command's pool renders what this process's pool (the app's) renders."""
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}.pdf"
        command = _cone("pdf", str(complete), "-o", str(out), "--no-cache", "--as-of", "2025-07-07")
        assert command.wait(timeout=300) == 0, command.stderr.read()
        outputs.append(out.read_bytes())
        time.sleep(1.1 if i == 0 else 0)          # font timestamps have one-second resolution
    assert outputs[0] == outputs[1] == draft


def test_the_command_writes_everything_and_leaves_no_process_behind(tmp_path, complete):
    """Its fork server, resource tracker and workers all leave with it, and so do their files."""
    out = tmp_path / "packet.pdf"
    temp = tmp_path / "temp"
    temp.mkdir()
    command = _cone("pdf", str(complete), "-o", str(out), "--no-cache", "--as-of", "2025-07-07",
                    env={**os.environ, "TMPDIR": str(temp)})
    _, err = command.communicate(timeout=300)
    assert command.returncode == 0, err
    assert err == b""                              # no warning of leaked semaphores, say
    assert _left_behind(command.pid) == []
    assert list(temp.iterdir()) == []
    printed = subprocess.run([sys.executable, "-m", "cone.cli", "import", str(out)], capture_output=True, timeout=60)
    assert printed.returncode == 0
    assert loads(printed.stdout.decode()) == loads(complete.read_text(encoding="utf-8"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_terminated_command_stops_its_workers_and_leaves_no_process_behind(tmp_path, complete, signum):
    """kill, `timeout` or a closed terminal: the workers must not go on rendering for a command that is gone."""
    out = tmp_path / "packet.pdf"
    temp = tmp_path / "temp"
    temp.mkdir()
    command = _cone("pdf", str(complete), "-o", str(out), "--no-cache", "--as-of", "2025-07-07",
                    env={**os.environ, "TMPDIR": str(temp)})
    deadline = time.monotonic() + 60
    while len(render_workers(command.pid)) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.01)
    command.send_signal(signum)
    _, err = command.communicate(timeout=60)
    assert command.returncode == 128 + signum, err
    assert _left_behind(command.pid) == []
    assert not out.exists() and list(temp.iterdir()) == []


def test_the_workers_of_a_killed_command_leave_too(tmp_path, complete):
    """Killed outright (or left through os._exit, as an RQ work horse leaves), the command runs no
    exit handler: its workers find their task queue closed and leave by themselves."""
    command = _cone("pdf", str(complete), "-o", str(tmp_path / "packet.pdf"), "--no-cache")
    deadline = time.monotonic() + 60
    while len(render_workers(command.pid)) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.01)
    assert render_workers(command.pid)
    command.send_signal(signal.SIGKILL)
    command.wait(timeout=60)
    assert _left_behind(command.pid) == []
