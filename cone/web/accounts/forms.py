"""The account forms: sign-in, a new API token, a new password, notification settings; an
organization's invitations and name; a forgotten password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Regexp, ValidationError

from ..models import ROLE_LABELS, TOKEN_DAYS, TOKEN_MAX_DAYS
from . import passwords

EMAIL_RULE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address like name@example.org")


def strong_password(form, field) -> None:
    """accounts.passwords' rules, for the person the form's `owner` (e-mail, name) names."""
    email, name = getattr(form, "owner", ("", ""))
    name_field = getattr(form, "name", None)
    problem = passwords.problem(field.data or "", email, name or (name_field.data if name_field else "") or "")
    if problem:
        raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired("Enter your e-mail address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=200)])


class TokenForm(FlaskForm):
    label = StringField("Token name", validators=[DataRequired("Name the token, e.g. 'filing system'"), Length(max=100)])
    days = IntegerField("Expires after this many days", default=TOKEN_DAYS, validators=[
        NumberRange(min=1, max=TOKEN_MAX_DAYS, message=f"Enter a number of days from 1 to {TOKEN_MAX_DAYS}")])
    read_only = BooleanField("Read-only: the token can read filings but not change them")
    password = PasswordField("Your current password", validators=[
        DataRequired("Enter your current password to create a token"), Length(max=200)])


class OwnedForm(FlaskForm):
    """A form choosing a password for `owner`: (e-mail address, name), which it must not contain."""

    def __init__(self, *args, owner: tuple[str, str] = ("", ""), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner


class PasswordForm(OwnedForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password"), Length(max=200)])
    new = PasswordField("New password", validators=[
        DataRequired("Enter a new password"), strong_password])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again"), EqualTo("new", "The two new passwords are not the same")])
    revoke_tokens = BooleanField("Also revoke my API tokens (programs using them stop working)", default=True)


class NewPasswordForm(OwnedForm):
    """A password chosen through an invitation or a reset link (no current one to give)."""

    new = PasswordField("New password", validators=[DataRequired("Enter a new password"), strong_password])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again"), EqualTo("new", "The two new passwords are not the same")])


class AcceptForm(NewPasswordForm):
    name = StringField("Your name", validators=[DataRequired("Enter your name"), Length(max=200)])


class ForgotForm(FlaskForm):
    email = EmailField("E-mail address", validators=[
        DataRequired("Enter your e-mail address"), Length(max=254),
        EMAIL_RULE])


class InviteForm(FlaskForm):
    email = EmailField("E-mail address", validators=[
        DataRequired("Enter the e-mail address of the person to invite"), Length(max=254),
        EMAIL_RULE])
    role = SelectField("Role", choices=[SelectChoice(v, label) for v, label in ROLE_LABELS.items()],
                       validators=[DataRequired("Choose a role")], validate_choice=True)
    manager = BooleanField("Can manage the organization's people")


class RenameForm(FlaskForm):
    name = StringField("Organization name", validators=[DataRequired("Enter the organization's name"),
                                                        Length(max=200, message="Use at most 200 characters")])


class NotificationForm(FlaskForm):
    notify_by_email = BooleanField("Send me notifications by e-mail too")
    reminder_days = IntegerField("Remind me of a filing's dates this many days ahead", validators=[
        NumberRange(min=0, max=90, message="Enter a number of days from 0 (no reminders) to 90")])
