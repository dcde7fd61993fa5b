"""`flask --app app cone ...`: create users and API tokens, and bootstrap a fresh install."""
from __future__ import annotations

import functools
import secrets

import click
from flask import current_app
from sqlalchemy import select

from ..cli import cone_cli
from ..extensions import db
from ..models import ROLES, TOKEN_DAYS, TOKEN_MAX_DAYS, User
from .service import add_user, issue_token, organization_names, password_problem


def _checked_password(email: str, value: str) -> str:
    problem = password_problem(value, email, email.split("@")[0])
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    return value


@cone_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--org", "org_name", required=True, help="The name of an existing organization.")
@click.option("--create-org", is_flag=True, help="Create the organization --org names if there is none.")
@click.option("--manager", is_flag=True, help="Let the user manage the organization's people.")
@click.option("--password", help="Prompted for when not given (at least 12 characters, not a common one).")
def create_user(email: str, role: str, org_name: str, create_org: bool, manager: bool, password: str | None) -> None:
    """Create a user, or give an existing user a role in another organization."""
    if "@" not in email:
        raise click.BadParameter("must be an e-mail address", param_hint="EMAIL")
    names = organization_names()
    if org_name not in names and not create_org:
        listed = ", ".join(f'"{n}"' for n in names) or "none yet"
        raise click.BadParameter(f'there is no organization "{org_name}" (existing: {listed}); '
                                 "give --create-org to create it", param_hint="--org")
    if password is not None:
        _checked_password(email, password)
    exists = db.session.scalar(select(User).where(User.email == email.lower())) is not None
    if not exists and not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, value_proc=functools.partial(_checked_password, email))
    _, created = add_user(email, role, org_name, password, manager=manager)
    click.echo(f"{'Created' if created else 'Updated'} {email.lower()}: {role} in {org_name}"
               + (", manager" if manager else ""))


@cone_cli.command("create-token")
@click.argument("email")
@click.option("--label", default="cli", help="A name to recognise the token by.")
@click.option("--days", type=click.IntRange(1, TOKEN_MAX_DAYS), default=TOKEN_DAYS, show_default=True,
              help="Days until the token expires.")
@click.option("--read-only", is_flag=True, help="The token can read filings but not change them.")
def create_token(email: str, label: str, days: int, read_only: bool) -> None:
    """Print a new API token for a user (shown once)."""
    user = db.session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    click.echo(issue_token(user.id, label, days, read_only))


@cone_cli.command("bootstrap")
@click.option("--email", default="admin@example.org", show_default=True)
@click.option("--org", "org_name", default="My organization", show_default=True,
              help="The first organization's name (it can be renamed in the app).")
@click.option("--url", help="Address the app is served at (default: the PUBLIC_URL setting).")
def bootstrap(email: str, org_name: str, url: str | None) -> None:
    """On a fresh install, create a first administrator and print how to sign in (once)."""
    url = (url or current_app.config["PUBLIC_URL"]).rstrip("/")
    if db.session.scalar(select(User).limit(1)) is not None:
        names = ", ".join(f'"{n}"' for n in organization_names())
        click.echo(f"cone is set up: sign in at {url}/signin. Organizations: {names}. Their managers invite "
                   "people on the People page.")
        return
    password = secrets.token_urlsafe(12)
    add_user(email, "administrator", org_name, password, manager=True, must_change_password=True)
    click.echo(f"Sign in at {url}/signin\n  organization: {org_name}\n  e-mail:       {email}\n"
               f"  password:     {password}\n"
               "This password is shown only once, and works until you choose your own at the first sign-in.\n"
               "Rename the organization and invite your colleagues on the People page.")
