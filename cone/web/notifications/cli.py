"""`flask --app app cone send-reminders`: the reminders of upcoming filing dates (from cron,
daily; running it twice sends each reminder once)."""
from __future__ import annotations

import datetime as dt

import click

from ..cli import cone_cli
from .reminders import send_reminders


@cone_cli.command("send-reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day to count from (default: today).")
def send_reminders_command(today: dt.datetime | None) -> None:
    """Notify members of the dates coming up in their filings' timelines, each once."""
    made = send_reminders(today.date() if today else dt.date.today())
    click.echo(f"{made} reminder(s) made")
