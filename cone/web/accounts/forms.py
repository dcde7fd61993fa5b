"""The account forms: sign-in, a new API token, a new password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired("Enter your e-mail address"), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=200)])


class TokenForm(FlaskForm):
    label = StringField("Token name", validators=[DataRequired("Name the token, e.g. 'filing system'"), Length(max=100)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password"), Length(max=200)])
    new = PasswordField("New password", validators=[
        DataRequired("Enter a new password"),
        Length(min=12, max=200, message="Use at least 12 characters (and at most 200)")])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again"), EqualTo("new", "The two new passwords are not the same")])
    revoke_tokens = BooleanField("Also revoke my API tokens (programs using them stop working)", default=True)
