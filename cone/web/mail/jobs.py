"""Sending the outbox off the request: an RQ job when REDIS_URL is set, else an in-process
thread (which also retries on a timer), inline in tests, as PDF rendering dispatches. A cron
`flask cone send-mail` drains whatever is due in any mode."""
from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from redis import Redis
from rq import Queue

from ..background import Background
from ..models import utcnow
from . import outbox

RQ_FUNCTION = "cone.web.mail.worker.run_send"


def _send_and_purge() -> None:
    outbox.send_due()
    outbox.purge_sent()


def init_app(app: Flask) -> None:
    config = app.config
    sender = app.extensions["cone.mail_thread"] = Background(
        app, "mail", sweep=_send_and_purge, interval=lambda: int(config["MAIL_RETRY_SECONDS"]),
        enabled=lambda: config["MAIL_WORKER"] == "thread" and bool(config["MAIL_HOST"]))
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
        current_app.extensions["cone.mail_thread"].submit(outbox.send_due)


def schedule_retry() -> None:
    """With RQ, queue the next pass for when the earliest failed mail is due (needs a worker run
    with --with-scheduler; otherwise cron's `flask cone send-mail` picks it up)."""
    due = outbox.next_retry()
    if due is None:
        return
    config = current_app.config
    Queue("cone", connection=Redis.from_url(config["REDIS_URL"])).enqueue_in(
        max(due - utcnow(), dt.timedelta(seconds=1)), RQ_FUNCTION, job_timeout=300)
