"""`cone pdf` and `cone import`: outputs, exit codes, one-line errors."""
from __future__ import annotations

import json

import pytest

from cone.cli import main
from cone.filing import dumps, loads

from .conftest import EXAMPLE, example, filing, make_pdf, running_processes


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
    assert "Certificate of Need Application" in (tmp_path / "packet.html").read_text(encoding="utf-8")
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


def test_separate_processes_at_different_times_give_the_same_bytes(tmp_path):
    """Nothing time- or process-dependent (a font's save timestamp, hash order) reaches the file,
    and every run gives the same bytes."""
    import os
    import subprocess
    import sys
    import time

    outputs = []
    for i, cache in enumerate(["a", "b", "a"]):      # fresh, fresh a second later, then from the cache
        out = tmp_path / f"run{i}.pdf"
        subprocess.run([sys.executable, "-m", "cone.cli", "pdf", str(EXAMPLE), "-o", str(out), "--no-cache"],
                       check=False, capture_output=True, timeout=300,
                       env={**os.environ, "CONE_CACHE_DIR": str(tmp_path / cache)})
        outputs.append(out.read_bytes())
        time.sleep(1.1 if i == 0 else 0)          # font timestamps have one-second resolution
    assert outputs[0] == outputs[1] == outputs[2]


def test_the_command_writes_everything_and_leaves_no_worker_behind(tmp_path, complete):
    """`cone` ends without the interpreter's teardown (cli.run): what it prints must still be
    complete, and its render host and workers (forks of it, in a process group of their own)
    must be gone when it returns, with their copy of the fonts."""
    import os
    import subprocess
    import sys

    out = tmp_path / "packet.pdf"
    temp = tmp_path / "temp"
    temp.mkdir()
    command = subprocess.Popen([sys.executable, "-m", "cone.cli", "pdf", str(complete), "-o", str(out), "--no-cache"],
                               stderr=subprocess.PIPE, start_new_session=True,      # its own process group
                               env={**os.environ, "TMPDIR": str(temp)})
    _, err = command.communicate(timeout=300)
    assert command.returncode == 0, err
    with pytest.raises(ProcessLookupError):
        os.killpg(command.pid, 0)                  # nothing of its group is left running
    assert running_processes(argument=str(out)) == []  # nor of the render host's
    assert list(temp.iterdir()) == []              # nor the host's copy of the fonts
    printed = subprocess.run([sys.executable, "-m", "cone.cli", "import", str(out)], capture_output=True, timeout=60)
    assert printed.returncode == 0
    assert loads(printed.stdout.decode()) == loads(complete.read_text(encoding="utf-8"))


def test_a_terminated_command_stops_its_render_host_and_workers(tmp_path, complete):
    """kill, `timeout` or a closed terminal: the workers run in a process group of their own, and
    must not go on rendering for a command that is gone."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "packet.pdf"
    temp = tmp_path / "temp"
    temp.mkdir()
    command = subprocess.Popen([sys.executable, "-m", "cone.cli", "pdf", str(complete), "-o", str(out), "--no-cache"],
                               stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(temp)})
    deadline = time.monotonic() + 30
    while len(running_processes(argument=str(out))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)                        # the render host has been forked
    command.send_signal(signal.SIGTERM)
    _, err = command.communicate(timeout=60)
    assert command.returncode == 128 + signal.SIGTERM, err
    assert running_processes(argument=str(out)) == []
    assert not out.exists() and list(temp.iterdir()) == []
