"""Minting an API token from the account page: the person proves who they are again (the
current password; a second factor may add its check in `confirm`), chooses how long the token
lasts and whether it may only read."""
from __future__ import annotations

from .. import security_log
from ..models import User
from . import service, throttle
from .forms import TokenForm


def confirm(user: User, form: TokenForm) -> bool:
    """True when the form proves the person is the account's owner (its current password);
    else the field's error is set. Wrong passwords count towards the account's sign-in limit."""
    throttle.ensure_account_open("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", user.email)
    if user.check_password(form.password.data):
        return True
    security_log.event("token_refused", user_id=user.id, reason="current password")
    throttle.count_failure("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", user.email)
    form.password.errors.append("The current password is not right")
    return False


def mint(user: User, form: TokenForm) -> str | None:
    """The new token's secret (shown once), or None with the form's errors set."""
    if not confirm(user, form):
        return None
    return service.issue_token(user.id, form.label.data.strip(), form.days.data, bool(form.read_only.data))
