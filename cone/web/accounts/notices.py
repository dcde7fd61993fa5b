"""Security notices: an inbox entry and an e-mail (whatever the user's mail setting) on each
change that an attacker holding the account would make: a new password, a new API token."""
from __future__ import annotations

from ..extensions import db
from ..mail import outbox
from ..models import Notification, User, utcnow
from ..urls import public_path, public_url

KIND = "security"


def tell(user: User, what: str) -> Notification:
    """Note `what` happened to the account in its inbox and by mail (queued in the caller's
    transaction; the caller commits, then dispatches the mail)."""
    when = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    text = f"{what} on your cone account ({when})."
    notification = Notification(user_id=user.id, kind=KIND, text=text, link=public_path("accounts.account"))
    db.session.add(notification)
    outbox.queue(user.email, f"cone: {what.lower()}", "security_notice", text=text, email=user.email,
                 account=public_url("accounts.account"), forgot=public_url("recovery.forgot"))
    return notification

