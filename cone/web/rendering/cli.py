"""`flask --app app cone requeue-renders` (renders whose worker is gone) and `prune-renders` (the retention rule)."""
from __future__ import annotations

import click

from ..cli import cone_cli
from .jobs import requeue_expired
from .retention import prune


@cone_cli.command("requeue-renders")
def requeue_renders() -> None:
    """Queue again the PDF renders whose worker stopped renewing their lease (run it from cron with RQ)."""
    requeued = requeue_expired()
    click.echo(f"{len(requeued)} render job(s) queued again" + (f": {', '.join(requeued)}" if requeued else ""))


@cone_cli.command("prune-renders")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="delete superseded renders older than this many days (default RENDER_RETENTION_DAYS, 30)")
def prune_renders(days: int | None) -> None:
    """Delete superseded PDF renders (see cone.web.rendering.retention); the packet as filed is kept for ever."""
    click.echo(f"{prune(days)} superseded render(s) deleted")
