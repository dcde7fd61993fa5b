"""The operator's `create-user`: the web's password rule, and --org naming an existing
organization unless --create-org."""
from __future__ import annotations

import pytest

from cone.web.extensions import db
from cone.web.models import Membership, Organization, User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _run(app, *args, input=None):  # noqa: A002 (click's name)
    return app.test_cli_runner().invoke(args=["cone", "create-user", *args], input=input)


def test_a_password_shorter_than_the_web_allows_is_refused_naming_the_option(app):
    result = _run(app, "a@x.test", "--role", "legal", "--org", "Hopewell", "--password", "pw-12345")
    assert result.exit_code == 2 and "--password" in result.output and "at least 12 characters" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="a@x.test")) is None


def test_a_prompted_short_password_is_asked_again(app):
    result = _run(app, "b@x.test", "--role", "legal", "--org", "Hopewell",
                  input="short\nshort\na good long password\na good long password\n")
    assert result.exit_code == 0 and "at least 12 characters" in result.output and "Created b@x.test" in result.output


def test_an_unknown_organization_is_refused_listing_the_existing_ones(app):
    result = _run(app, "c@x.test", "--role", "legal", "--org", "Hopewel", "--password", "a good long password")
    assert result.exit_code == 2
    assert 'no organization "Hopewel"' in result.output and '"Hopewell", "Other"' in result.output
    assert "--create-org" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(Organization).filter_by(name="Hopewel")) is None


def test_create_org_creates_it_and_manager_grants_the_permission(app):
    result = _run(app, "d@x.test", "--role", "compliance", "--org", "Acme", "--create-org", "--manager",
                  "--password", "a good long password")
    assert result.exit_code == 0 and "Created d@x.test: compliance in Acme, manager" in result.output
    with app.app_context():
        member = db.session.scalar(db.select(Membership).join(User).filter(User.email == "d@x.test"))
        assert member.organization.name == "Acme" and member.manager and member.role == "compliance"
