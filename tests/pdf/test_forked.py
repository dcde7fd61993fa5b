"""The pool that a single-threaded caller (the CLI) forks from a prepared child of itself: workers
forked from the prepared host, results in order, a worker's exception reaching the caller, and a
batch past its time stopped with every process of the host's group."""
from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from cone.pdf.forked import ForkedPool

from .conftest import running, running_processes


def _prepare() -> None:
    os.environ["CONE_TEST_PREPARED_IN"] = str(os.getpid())


def _initialize(tag: str) -> None:
    os.environ["CONE_TEST_INITIALIZED"] = tag


def _whoami(item: int) -> tuple:
    return item, os.environ.get("CONE_TEST_PREPARED_IN"), os.environ.get("CONE_TEST_INITIALIZED"), os.getpid(), os.getppid()


def _fail(item: int) -> None:
    raise MemoryError


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@pytest.fixture
def pool():
    pool = ForkedPool(2, _prepare, _initialize, ("worker",))
    yield pool
    pool.terminate()


def test_workers_are_forked_from_the_prepared_host_in_a_group_of_its_own(pool):
    results = pool.map_async(_whoami, range(8)).get(30)
    host = pool._host.pid
    assert [r[0] for r in results] == list(range(8))
    assert {r[1:3] for r in results} == {(str(host), "worker")}     # prepared once, in the host
    assert {r[4] for r in results} == {host} and os.getpid() not in {r[3] for r in results}
    assert {os.getpgid(r[3]) for r in results} == {host} and host != os.getpgid(0)


def test_a_workers_exception_reaches_the_caller_and_the_pool_goes_on(pool):
    with pytest.raises(MemoryError):
        pool.map_async(_fail, [1, 2]).get(30)
    assert [r[0] for r in pool.map_async(_whoami, [7]).get(30)] == [7]


def test_a_batch_past_its_time_is_stopped_with_the_host_and_its_workers(pool):
    workers = {r[3] for r in pool.map_async(_whoami, range(4)).get(30)}
    with pytest.raises(multiprocessing.TimeoutError):
        pool.map_async(_sleep, [60, 60]).get(0.5)
    pool.terminate()
    assert not pool._host.is_alive()
    deadline = time.monotonic() + 10
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, workers))


def test_the_host_leaves_once_its_caller_has_been_killed(tmp_path):
    """The host finishes the batch in hand, finds its caller gone, and leaves with its workers
    (it had also kept the caller's end of their pipe, and so waited for it for ever)."""
    import signal
    import subprocess
    import sys

    script = ("import time; from cone.pdf.forked import ForkedPool\n"
              "def nothing(): pass\n"
              "pool = ForkedPool(1, nothing, nothing, ())\n"
              "pool.map_async(time.sleep, [0.5])\n"
              "print(pool._host.pid, flush=True)\n"
              "time.sleep(60)\n")
    caller = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    host = int(caller.stdout.readline())
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 20
    while running_processes(group=host) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running_processes(group=host) == []
