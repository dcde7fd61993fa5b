"""A pool of worker processes for a single-threaded caller, forked from a prepared child of it.

The caller forks one host process at once (a fork costs a millisecond; a fork server is a new
interpreter that imports its modules again). The host prepares itself (loads WeasyPrint, say)
while the caller goes on, then forks the workers from itself, so each starts prepared and they
share those pages, and hands them the caller's batches. The host and its workers form a
process group of their own, so that stopping them is one signal whatever they are doing.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from multiprocessing import util
from typing import Any

_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class ForkedPool:
    """The part of multiprocessing.Pool's interface that render_later uses: map_async(...).get(timeout),
    terminate() and join()."""

    def __init__(self, processes: int, prepare: Callable[[], None], initializer: Callable[..., None],
                 initargs: tuple) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._host = context.Process(target=_host, name="cone-render-host",
                                     args=(theirs, self._conn, processes, prepare, initializer, initargs))
        # No signal may end the caller between the fork and the finalizer below: at exit,
        # multiprocessing waits for a caller's live children, and the host lives until the
        # caller closes its end, so the finalizer stops it first, as Pool stops its workers.
        signals = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            self._host.start()
            theirs.close()
            try:
                os.setpgid(self._host.pid, self._host.pid)  # as the host does, whichever comes first
            except (PermissionError, ProcessLookupError):   # it already has (and may have forked since)
                pass
            self._stop = util.Finalize(self, _stop, args=(self._host, self._conn), exitpriority=15)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, signals)

    def map_async(self, func: Callable[[Any], Any], items: Iterable[Any], chunksize: int = 1) -> _Pending:
        self._conn.send((func, list(items), chunksize))
        return _Pending(self._conn)

    def terminate(self) -> None:
        """Stop the host and its workers at once, busy or not, and wait for the host."""
        self._stop()

    def join(self) -> None:
        self._host.join()


def _stop(host: multiprocessing.process.BaseProcess, conn: Any) -> None:
    try:
        os.killpg(host.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    conn.close()
    host.join()


class _Pending:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def get(self, timeout: float) -> Any:
        """The results in order; multiprocessing.TimeoutError after `timeout` seconds; or what a worker raised."""
        if not self._conn.poll(timeout):
            raise multiprocessing.TimeoutError
        try:
            ok, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("the render host stopped") from None
        if not ok:
            raise value
        return value


def _host(conn: Any, callers: Any, processes: int, prepare: Callable[[], None],
          initializer: Callable[..., None], initargs: tuple) -> None:
    callers.close()         # the caller's end, which came with the fork: its end of the pipe when it goes
    os.setpgid(0, 0)
    for signum in (signal.SIGTERM, signal.SIGHUP):          # whatever the caller does with these
        signal.signal(signum, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    prepare()
    # Forked here, before the pool starts its threads. Only a worker that dies (killed, say) is
    # replaced, forked then from this threaded process, as multiprocessing's own fork pools do.
    pool = multiprocessing.get_context("fork").Pool(processes, initializer, initargs)
    while True:
        try:
            func, items, chunksize = conn.recv()
        except EOFError:            # the caller has gone
            break
        try:
            reply = (True, pool.map(func, items, chunksize))
        except Exception as exc:  # noqa: BLE001 (the caller decides what it means)
            reply = (False, exc)
        try:
            conn.send(reply)      # (should this fail otherwise, the caller reads the end of the pipe)
        except BrokenPipeError:   # the caller has gone
            break
    pool.terminate()
