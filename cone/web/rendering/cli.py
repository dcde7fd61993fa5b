"""`flask --app app cone requeue-renders`: queue again the renders whose worker is gone."""
from __future__ import annotations

import click

from ..cli import cone_cli
from .jobs import requeue_expired


@cone_cli.command("requeue-renders")
def requeue_renders() -> None:
    """Queue again the PDF renders whose worker stopped renewing their lease (run it from cron with RQ)."""
    requeued = requeue_expired()
    click.echo(f"{len(requeued)} render job(s) queued again" + (f": {', '.join(requeued)}" if requeued else ""))
