"""The in-process worker of one app, for installs without RQ: runs work one piece at a time in
the app's context off the request, and, once the app serves requests, a periodic sweep (mail
retries, render jobs whose lease ran out). Mail and rendering each attach one."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db


class Background:
    """One executor thread for submitted work and one daemon thread for the sweep."""

    def __init__(self, app: Flask, name: str, *, sweep: Callable[[], None], interval: Callable[[], int],
                 enabled: Callable[[], bool]) -> None:
        self.app, self.name = app, name
        self.sweep, self.interval, self.enabled = sweep, interval, enabled
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"cone-{name}")
        self.stopped = threading.Event()
        self.sweeper: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, work: Callable[..., Any], *args: Any) -> None:
        self.executor.submit(self.run, work, *args)

    def run(self, work: Callable[..., Any], *args: Any) -> None:
        """The work in the app's context; a database failure is logged and its session rolled back."""
        with self.app.app_context():
            try:
                work(*args)
            except SQLAlchemyError:
                db.session.rollback()
                self.app.logger.exception("%s in the background failed", self.name)
            finally:
                db.session.remove()

    def start_sweeping(self) -> None:
        """Start the sweep (once per process) when this app does the work in-process."""
        if self.sweeper is not None or not self.enabled():
            return
        with self.lock:
            if self.sweeper is None:
                self.sweeper = threading.Thread(target=self._sweep, name=f"cone-{self.name}-sweep", daemon=True)
                self.sweeper.start()

    def _sweep(self) -> None:
        interval = max(1, self.interval())
        while not self.stopped.wait(interval):
            self.run(self.sweep)

    def stop(self) -> None:
        self.stopped.set()
        self.executor.shutdown(wait=True)
