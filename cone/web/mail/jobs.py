"""Sending the outbox off the request: an RQ job when REDIS_URL is set, else an in-process
thread (which also retries on a timer), inline in tests, as PDF rendering dispatches. A cron
`flask cone send-mail` drains whatever is due in any mode."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from redis import Redis
from rq import Queue
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import utcnow
from . import outbox

RQ_FUNCTION = "cone.web.mail.worker.run_send"


class MailThread:
    """The in-process sender of one app: one pass at a time, and a sweep that retries what failed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cone-mail")
        self.stopped = threading.Event()
        self.sweeper: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self) -> None:
        self.executor.submit(self._in_app)

    def _in_app(self, purge: bool = False) -> None:
        with self.app.app_context():
            try:
                outbox.send_due()
                if purge:
                    outbox.purge_sent()
            except SQLAlchemyError:
                db.session.rollback()
                self.app.logger.exception("sending mail failed")
            finally:
                db.session.remove()

    def start_sweeping(self) -> None:
        if self.sweeper is not None or self.app.config["MAIL_WORKER"] != "thread" or not self.app.config["MAIL_HOST"]:
            return
        with self.lock:
            if self.sweeper is None:
                self.sweeper = threading.Thread(target=self._sweep, name="cone-mail-sweep", daemon=True)
                self.sweeper.start()

    def _sweep(self) -> None:
        interval = max(1, int(self.app.config["MAIL_RETRY_SECONDS"]))
        while not self.stopped.wait(interval):
            self._in_app(purge=True)

    def stop(self) -> None:
        self.stopped.set()
        self.executor.shutdown(wait=True)


def init_app(app: Flask) -> None:
    sender = app.extensions["cone.mail_thread"] = MailThread(app)
    app.before_request(sender.start_sweeping)


def dispatch() -> None:
    """After a commit that queued mail: have the configured worker send what is due."""
    if not outbox.enabled():
        return
    config = current_app.config
    worker = config["MAIL_WORKER"]
    if worker == "inline":
        outbox.send_due()
    elif worker == "rq":
        Queue("cone", connection=Redis.from_url(config["REDIS_URL"])).enqueue(RQ_FUNCTION, job_timeout=300)
    else:
        current_app.extensions["cone.mail_thread"].submit()


def schedule_retry() -> None:
    """With RQ, queue the next pass for when the earliest failed mail is due (needs a worker run
    with --with-scheduler; otherwise cron's `flask cone send-mail` picks it up)."""
    due = outbox.next_retry()
    if due is None:
        return
    config = current_app.config
    Queue("cone", connection=Redis.from_url(config["REDIS_URL"])).enqueue_in(
        max(due - utcnow(), dt.timedelta(seconds=1)), RQ_FUNCTION, job_timeout=300)
