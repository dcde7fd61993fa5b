"""Long-lived render workers: a part comes out byte for byte as a freshly forked worker renders it,
whatever the caller does meanwhile, and after workers have been replaced."""
from __future__ import annotations

import gc
import multiprocessing
import os

import pytest

from cone.rules.checklist import run_checklist
from cone.pdf import packet, workers

from .conftest import PACK, filing, page_texts


@pytest.fixture(scope="module")
def cover() -> str:
    """The example's cover. Its checklist header ("Status") is set in Cone Symbols bold, a face the
    warm-up does not open: a worker opens that font file only when a part like this one arrives."""
    example = filing()
    front, _, _ = packet._parts(example, PACK, run_checklist(example, PACK), [], False)
    return packet._html(front[0].bodies[0], example, packet._chrome(example, PACK, False))


@pytest.fixture(scope="module")
def fresh(cover) -> bytes:
    """The cover rendered by a worker forked for it alone, before any test disturbs the warm state."""
    with multiprocessing.get_context("fork").Pool(1, maxtasksperchild=1) as pool:
        pdf = pool.apply(workers.render_pdf, (cover,))
    assert "Status" in page_texts(pdf)[0]
    return pdf


def assert_as_fresh(rendered: list[bytes], fresh: bytes) -> None:
    for pdf in rendered:
        assert page_texts(pdf)[0].splitlines() == page_texts(fresh)[0].splitlines()   # readable first
        assert pdf == fresh


@pytest.fixture
def live_pool(pool_kind):
    workers._get_pool()    # the workers are forked now, before the test acts


def test_loading_the_warm_state_again_leaves_live_workers_intact(fresh, live_pool, cover):
    workers._load()
    gc.collect()
    assert_as_fresh(workers.render_later([cover] * workers.WORKERS)(), fresh)


def test_workers_that_leave_and_are_replaced_leave_the_others_intact(fresh, monkeypatch, cover):
    """A fork server's worker leaves after RECYCLE parts and the server forks a new one, while
    the others still open faces from the server's folder of fonts."""
    workers._reset_pool()
    monkeypatch.setattr(workers, "RECYCLE", 1)
    monkeypatch.setattr(workers.threading, "active_count", lambda: 2)
    try:
        assert_as_fresh(workers.render_later([cover] * (3 * workers.WORKERS))(), fresh)
        assert_as_fresh(workers.render_later([cover])(), fresh)
    finally:
        workers._reset_pool()


def test_font_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setattr(workers.tempfile, "gettempdir", lambda: str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    dead = tmp_path / f"{workers.FONT_FOLDER_PREFIX}{gone}-abc"
    live = tmp_path / f"{workers.FONT_FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / "weasyprint-someone-else"
    for folder in (dead, live, other):
        folder.mkdir()
        (folder / "font").write_bytes(b"\0" * 10)
    workers.sweep_font_folders()
    assert not dead.exists() and live.exists() and other.exists()
