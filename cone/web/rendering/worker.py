"""The entry point of RQ workers (`rq worker cone`): each job runs in an app built from the
environment, as the web app is."""
from __future__ import annotations

from .. import create_app
from .jobs import render


def run_job(job_id: str) -> None:
    with create_app().app_context():
        render(job_id)
