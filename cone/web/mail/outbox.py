"""The outbox: queue a message with the change that causes it, and send what is due."""
from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

from flask import current_app, render_template
from sqlalchemy import and_, delete, or_, select, update

from ..extensions import db
from ..models import OutboxMail, utcnow
from . import smtp

CLAIM_SECONDS = 300          # a mail being sent is held this long; a worker that died meanwhile loses it
MAX_DELAY_SECONDS = 3600
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                     smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)


def enabled() -> bool:
    return bool(current_app.config["MAIL_HOST"])


def one_line(text: str, limit: int = 200) -> str:
    """A header value: whitespace (line breaks included) collapsed, at most `limit` characters."""
    return " ".join(text.split())[:limit]


def queue(recipient: str, subject: str, template: str, **context: Any) -> OutboxMail | None:
    """Add a message to the session (committed with the caller's change): `templates/mail/
    <template>.txt` as the plain-text part and `.html` (autoescaped) as the HTML part. None when
    mail is not configured."""
    if not enabled():
        return None
    row = OutboxMail(recipient=recipient, subject=one_line(subject),
                     text=render_template(f"mail/{template}.txt", **context),
                     html=render_template(f"mail/{template}.html", subject=one_line(subject), **context))
    db.session.add(row)
    return row


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: doubling from MAIL_RETRY_SECONDS, at most an hour."""
    base = int(current_app.config["MAIL_RETRY_SECONDS"])
    return dt.timedelta(seconds=min(MAX_DELAY_SECONDS, base * 2 ** max(0, attempts - 1)))


def due_ids(limit: int = 100) -> list[int]:
    """Mails to send now: pending ones whose time came, and claims whose sender died."""
    return list(db.session.scalars(select(OutboxMail.id).where(
        OutboxMail.status.in_(("pending", "sending")), OutboxMail.next_attempt_at <= utcnow())
        .order_by(OutboxMail.id).limit(limit)))


def _claim(mail_id: int) -> OutboxMail | None:
    """Take the mail for this sender (one UPDATE, so two senders never both send it)."""
    now = utcnow()
    taken = db.session.execute(update(OutboxMail).where(
        OutboxMail.id == mail_id, OutboxMail.status.in_(("pending", "sending")), OutboxMail.next_attempt_at <= now)
        .values(status="sending", next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS)))
    db.session.commit()
    return db.session.get(OutboxMail, mail_id) if taken.rowcount == 1 else None


def permanently_refused(exc: Exception) -> bool:
    """The server refused every recipient with a 5xx reply: sending again cannot succeed."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and bool(exc.recipients) and all(
        code >= 500 for code, _ in exc.recipients.values())


def _failed(mail: OutboxMail, exc: Exception) -> None:
    mail.attempts += 1
    if permanently_refused(exc):
        mail.status, mail.last_error = "refused", f"{type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        current_app.logger.warning("mail %s refused by the mail server for its recipient; not retried", mail.id)
        return
    mail.status = "pending"
    mail.next_attempt_at = utcnow() + retry_delay(mail.attempts)
    mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
    db.session.commit()
    current_app.logger.warning("mail %s not sent (attempt %s): %s; retried later", mail.id, mail.attempts,
                               type(exc).__name__)


def send_due() -> tuple[int, int]:
    """Send every due mail over one SMTP connection; (sent, failed). A failure leaves the mail
    in the outbox for a later attempt, unless its recipient was refused for good; a connection
    failure ends the run."""
    sent = failed = 0
    if not enabled():
        return sent, failed
    config = current_app.config
    connection: smtplib.SMTP | None = None
    try:
        for mail_id in due_ids():
            mail = _claim(mail_id)
            if mail is None:
                continue
            try:
                if connection is None:
                    connection = smtp.connect(config)
                connection.send_message(smtp.message(mail, config))
            except (smtplib.SMTPException, OSError) as exc:
                _failed(mail, exc)
                failed += 1
                if isinstance(exc, CONNECTION_ERRORS):
                    break
                continue
            mail.status, mail.sent_at, mail.last_error = "sent", utcnow(), ""
            db.session.commit()
            sent += 1
    finally:
        if connection is not None:
            smtp.close(connection)
    return sent, failed


def next_retry() -> dt.datetime | None:
    """When the earliest waiting mail is due (None when the outbox is empty)."""
    return db.session.scalar(select(OutboxMail.next_attempt_at).where(OutboxMail.status.in_(("pending", "sending")))
                             .order_by(OutboxMail.next_attempt_at).limit(1))


def purge_sent() -> int:
    """Delete sent and refused mail older than MAIL_KEEP_DAYS (its text holds comments and names); the number deleted."""
    cutoff = utcnow() - dt.timedelta(days=int(current_app.config["MAIL_KEEP_DAYS"]))
    deleted = db.session.execute(delete(OutboxMail).where(
        or_(and_(OutboxMail.status == "sent", OutboxMail.sent_at < cutoff),
            and_(OutboxMail.status == "refused", OutboxMail.created_at < cutoff))))
    db.session.commit()
    return deleted.rowcount
