"""SMTP with the standard library: a connection per the `MAIL_*` settings and the MIME message
of an outbox row (plain text, with the HTML part as its alternative)."""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Mapping
from urllib.parse import urlsplit

from ..models import OutboxMail

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}     # by MAIL_TLS (checked in cone.web.config)


def sender(config: Mapping[str, Any]) -> str:
    return config["MAIL_SENDER"] or f"cone@{urlsplit(config['PUBLIC_URL']).hostname or 'localhost'}"


def connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    """An open, authenticated (when MAIL_USER is set) connection to the mail server."""
    mode = config["MAIL_TLS"]
    host, port, timeout = config["MAIL_HOST"], int(config["MAIL_PORT"] or DEFAULT_PORTS[mode]), config["MAIL_TIMEOUT"]
    if mode == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if mode == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if config["MAIL_USER"]:
        connection.login(config["MAIL_USER"], config["MAIL_PASSWORD"])
    return connection


def close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def message(mail: OutboxMail, config: Mapping[str, Any]) -> EmailMessage:
    frm = sender(config)
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at.replace(tzinfo=dt.timezone.utc))
    msg["Message-ID"] = make_msgid(idstring=f"cone.{mail.id}", domain=frm.rpartition("@")[2] or "localhost")
    msg.set_content(mail.text)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg
