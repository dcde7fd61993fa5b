"""A forgotten password: ask for a link by e-mail (the answer never says whether the address
has an account), then choose a new password through it (once, before it expires)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..access import permission
from ..mail import outbox
from . import service, throttle
from .forms import ForgotForm, NewPasswordForm

bp = Blueprint("recovery", __name__)


@bp.route("/password/forgot", methods=["GET", "POST"])
@permission("public")
def forgot():  # noqa: ANN201
    form = ForgotForm()
    if form.is_submitted():
        throttle.check("password-reset", "SIGNIN_RATE_LIMIT")
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("accounts/forgot_sent.html", email=form.email.data.strip())
    return render_template("accounts/forgot.html", form=form, mail=outbox.enabled()), 422 if form.errors else 200


def _refused(message: str):
    return render_template("errors/error.html", status=410, title="This link cannot be used", message=message), 410


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@permission("public")
def reset(token: str):  # noqa: ANN201
    try:
        user = service.reset_user(token)
    except service.AccountRefused as exc:
        return _refused(str(exc))
    form = NewPasswordForm(owner=(user.email, user.name))
    if form.validate_on_submit():
        service.change_password(user, form.new.data, revoke_tokens=False)
        flash("Your password is changed: sign in with it.")
        return redirect(url_for("accounts.signin"), 303)
    return render_template("accounts/reset.html", form=form, email=user.email), 422 if form.errors else 200
