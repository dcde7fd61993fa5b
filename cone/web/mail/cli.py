"""`flask --app app cone send-mail`: send the outbox's due mail now (from cron, or by hand
after the mail server was down)."""
from __future__ import annotations

import click

from ..cli import cone_cli
from ..extensions import db
from ..models import OutboxMail
from . import outbox


@cone_cli.command("send-mail")
def send_mail() -> None:
    """Send every e-mail that is due (what still fails stays in the outbox for the next run) and
    delete the mail sent more than CONE_MAIL_KEEP_DAYS ago."""
    if not outbox.enabled():
        raise click.ClickException("mail is not configured: set CONE_MAIL_HOST (and CONE_MAIL_SENDER)")
    sent, failed = outbox.send_due()
    purged = outbox.purge_sent()
    waiting = db.session.query(OutboxMail).filter(OutboxMail.status != "sent").count()
    click.echo(f"{sent} sent, {failed} failed; {waiting} waiting in the outbox" +
               (f"; {purged} sent long ago deleted" if purged else ""))
