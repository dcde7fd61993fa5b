"""The instance secret key: created once, atomically, however many workers start at once."""
from __future__ import annotations

import multiprocessing
import os
import stat

from cone.web.config import instance_secret_key

ROUNDS, WORKERS = 25, 6


def _start(folder: str, barrier, results) -> None:
    barrier.wait()
    results.put(instance_secret_key(folder))


def test_workers_starting_at_once_on_a_fresh_install_all_read_the_same_whole_key(tmp_path):
    context = multiprocessing.get_context("fork")
    for round_ in range(ROUNDS):
        folder = tmp_path / str(round_)
        folder.mkdir()
        barrier, results = context.Barrier(WORKERS), context.Queue()
        workers = [context.Process(target=_start, args=(str(folder), barrier, results)) for _ in range(WORKERS)]
        for w in workers:
            w.start()
        keys = [results.get(timeout=30) for _ in workers]
        for w in workers:
            w.join(timeout=30)
            assert w.exitcode == 0
        assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
        assert os.listdir(folder) == ["secret_key"]                      # no temporary file left behind
        assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
        assert (folder / "secret_key").read_text() == keys[0]


def test_an_existing_key_is_kept_and_an_empty_one_refused(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 64 + "\n")
    assert instance_secret_key(str(tmp_path)) == "k" * 64
    (tmp_path / "secret_key").write_text("")
    try:
        instance_secret_key(str(tmp_path))
    except RuntimeError as exc:
        assert "holds no usable key" in str(exc)
    else:
        raise AssertionError("an empty key file was used")
