"""Signing in and out, and the account page with API tokens."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from . import service, throttle, tokens, user_sessions
from .. import security_log
from ..access import permission
from ..extensions import db
from ..models import ApiToken, User
from .forms import PasswordForm, SignInForm, TokenForm
from .sessions import RESUME_KEY, sign_in, sign_out
from .step_up import fresh_second_factor

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return None
    return target


@bp.route("/signin", methods=["GET", "POST"])
@permission("public")
def signin():  # noqa: ANN201
    if request.method == "POST":
        throttle.check("signin", "SIGNIN_RATE_LIMIT")
    form = SignInForm()
    error = None
    ended = session.get(user_sessions.ENDED_KEY)
    notice = user_sessions.ended_message(ended) if ended in user_sessions.REASONS else None
    if form.validate_on_submit():
        throttle.ensure_account_open("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", form.email.data)
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None and not service.deactivated(user):
            sign_in(user)
            security_log.event("signin_succeeded", user_id=user.id)
            if session.get(RESUME_KEY):
                return redirect(url_for("accounts.resume"))
            return redirect(_safe_next(request.args.get("next")) or url_for("filings.index"))
        if user is not None:
            security_log.event("signin_failed", user_id=user.id, reason="deactivated")
            error = "Your account is deactivated. Ask a manager of your organization to reactivate it"
        else:
            security_log.event("signin_failed", reason="credentials", account=throttle.account_key(form.email.data))
            throttle.count_failure("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", form.email.data)
            error = "The e-mail address or password is not right"
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/signin.html", form=form, error=error, notice=notice,
                           kept=session.get(RESUME_KEY)), status


@bp.get("/signin/resume")
@permission("signed_in")
def resume():  # noqa: ANN201
    """What the user sent after their session ended, to send again (with this session's CSRF token)."""
    kept = session.pop(RESUME_KEY, None)
    if not kept or _safe_next(kept.get("path")) is None:
        return redirect(url_for("filings.index"))
    return render_template("accounts/resume.html", kept=kept)


@bp.post("/signout")
@permission("signed_in")
def signout():  # noqa: ANN201
    """Sign out every session of the user (a cookie copied before stops working too)."""
    service.end_sessions(g.user.id)
    security_log.event("signed_out")
    sign_out()
    flash("You have signed out.")
    return redirect(url_for("accounts.signin"))


def _account_page(form: TokenForm, password_form: PasswordForm, new_token: str | None = None, status: int = 200):
    user_tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == g.user.id).order_by(ApiToken.id)).all()
    fields = [f for f in password_form if f.name not in ("csrf_token", "revoke_tokens")]
    return render_template("accounts/account.html", form=form, password_form=password_form, password_fields=fields,
                           revoke_tokens=password_form.revoke_tokens,
                           password_errors={f.name: f.errors[0] for f in fields if f.errors},
                           password_labels={f.name: f.label.text for f in fields}, tokens=user_tokens,
                           new_token=new_token, sessions=user_sessions.listing(g.user.id),
                           token_errors={f.name: f.errors[0] for f in form if f.errors}), status


@bp.route("/account", methods=["GET", "POST"])
@permission("signed_in")
@fresh_second_factor
def account():  # noqa: ANN201
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = tokens.mint(db.session.get(User, g.user.id), form)
    return _account_page(form, PasswordForm(formdata=None), new_token, 422 if form.errors else 200)


@bp.post("/account/password")
@permission("signed_in")
def change_password():  # noqa: ANN201
    """A new password; every other session of the user is signed out (see models.session_id),
    this one signs in again with the new one; the user's API tokens are revoked if asked."""
    throttle.check("signin", "SIGNIN_RATE_LIMIT")      # the current password is guessed here too
    user = db.session.get(User, g.user.id)
    form = PasswordForm(owner=(user.email, user.name))
    if form.validate_on_submit():
        throttle.ensure_account_open("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", user.email)
        if not user.check_password(form.current.data):
            security_log.event("password_change_refused", reason="current password")
            throttle.count_failure("signin-account", "SIGNIN_ACCOUNT_RATE_LIMIT", user.email)
            form.current.errors.append("The current password is not right")
        elif form.new.data == form.current.data:
            form.new.errors.append("Choose a password other than the current one")
        else:
            revoked = service.change_password(user, form.new.data, form.revoke_tokens.data)
            security_log.event("password_changed", tokens_revoked=revoked)
            sign_in(user)
            flash("Your password is changed. Your other sessions are signed out"
                  + (f" and your {revoked} API token{'s' if revoked != 1 else ''} revoked." if revoked else "."))
            return redirect(url_for("accounts.account"))
    return _account_page(TokenForm(formdata=None), form, status=422)


@bp.post("/account/tokens/<int:token_id>/revoke")
@permission("signed_in")
def revoke_token(token_id: int):  # noqa: ANN201
    token = service.revoke_token(g.user.id, token_id)
    if token is None:
        return render_template("errors/error.html", status=404, title="Page not found", message=""), 404
    flash(f"Token “{token.label}” revoked.")
    return redirect(url_for("accounts.account"))


@bp.post("/account/sessions/<int:session_id>/end")
@permission("signed_in")
def end_session(session_id: int):  # noqa: ANN201
    if not user_sessions.end_one(g.user.id, session_id):
        return render_template("errors/error.html", status=404, title="Page not found", message=""), 404
    flash("That session is signed out.")
    return redirect(url_for("accounts.account"))


@bp.post("/account/sessions/end-others")
@permission("signed_in")
def end_other_sessions():  # noqa: ANN201
    ended = user_sessions.end_others(g.user.id)
    flash(f"Signed out {ended} other session{'s' if ended != 1 else ''}." if ended else "You had no other sessions.")
    return redirect(url_for("accounts.account"))
