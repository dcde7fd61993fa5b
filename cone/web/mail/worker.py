"""The entry point of RQ workers for mail: one send pass in an app built from the environment."""
from __future__ import annotations

from .. import create_app
from . import jobs, outbox


def run_send() -> None:
    with create_app().app_context():
        _, failed = outbox.send_due()
        if failed:
            jobs.schedule_retry()
