"""Passwords as NIST SP 800-63B asks (cone.web.accounts.passwords): length after collapsing
spaces, not common, not the person's own name or address, on the web and in the CLI; hashed
under a pepper, with a hash made before the pepper upgraded at the next sign-in."""
from __future__ import annotations

import pytest
from conftest import PASSWORD, csrf, sign_in
from werkzeug.security import generate_password_hash

from cone.web.accounts import passwords
from cone.web.config import instance_secret_key
from cone.web.extensions import db
from cone.web.models import Notification, User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


@pytest.mark.parametrize(("password", "message"), [
    ("a" + " " * 11 + "b", "at least 12 characters"),
    ("password1234", "too common"),
    ("Dragon Monkey", "too common"),
    ("qwertyuiop123", "too common"),
    ("x" * 129, "at most 128"),
    ("jane.doe-is-my-name", "name or e-mail"),
    ("My name is Jane Fielding", "name or e-mail"),
])
def test_a_weak_password_is_refused_saying_why(password, message):
    assert message in passwords.problem(password, "jane.doe@hospital.test", "Jane Fielding")


@pytest.mark.parametrize("password", [
    "correct horse battery", "x" * 128, "a long phrase with   runs of spaces", "é" * 12, "tomato lantern 93 quietly",
])
def test_a_long_uncommon_password_of_up_to_128_characters_is_accepted(password):
    assert passwords.problem(password, "jane.doe@hospital.test", "Jane Fielding") is None


def test_the_bundled_list_holds_ten_thousand_passwords():
    listed = passwords.common_passwords()
    assert len(listed) > 9900 and "password" in listed and "123456" in listed


def _change(client, new: str):
    return client.post("/account/password", data={"csrf_token": csrf(client, "/account"), "current": PASSWORD,
                                                  "new": new, "confirm": new})


@pytest.mark.parametrize(("new", "message"), [
    ("password1234", "too common"),
    ("a            b", "at least 12 characters"),
    ("administrator rules", "name or e-mail"),
])
def test_the_account_page_refuses_a_weak_new_password(app, login, new, message):
    response = _change(login(), new)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_the_account_page_accepts_a_strong_new_password(app, login):
    assert _change(login(), "tomato lantern 93 quietly").status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "too common"), ("carol.jones 2024!", "name or e-mail")])
def test_the_cli_refuses_a_weak_password_naming_the_option(app, password, message):
    result = app.test_cli_runner().invoke(args=["cone", "create-user", "carol.jones@x.test", "--role", "legal",
                                                "--org", "Hopewell", "--password", password])
    assert result.exit_code == 2 and "--password" in result.output and message in result.output


def test_a_hash_is_peppered_so_the_database_alone_does_not_check_it(app):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test"))
        assert user.password_hash.startswith(passwords.PEPPERED) and user.check_password(PASSWORD)
        app.config["PASSWORD_PEPPER"] = "another pepper"
        assert not user.check_password(PASSWORD)


def test_a_hash_made_before_the_pepper_still_signs_in_and_is_upgraded(app):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test"))
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        db.session.commit()
    client = app.test_client()
    sign_in(client, "legal@hopewell.test")
    assert client.get("/filings/").status_code == 200          # the sign-in kept its session
    with app.app_context():
        upgraded = db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test")).password_hash
    assert upgraded.startswith(passwords.PEPPERED)
    sign_in(app.test_client(), "legal@hopewell.test")


def test_a_pepper_is_made_once_in_the_instance_folder_private_to_the_app(tmp_path):
    first = instance_secret_key(str(tmp_path), "password_pepper", "CONE_PASSWORD_PEPPER")
    assert instance_secret_key(str(tmp_path), "password_pepper", "CONE_PASSWORD_PEPPER") == first
    assert (tmp_path / "password_pepper").stat().st_mode & 0o777 == 0o600


def test_a_password_change_is_told_by_mail_and_in_the_inbox_even_with_mail_turned_off(mail_app, mailbox):
    with mail_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="legal@hopewell.test"))
        user.notify_by_email = False
        db.session.commit()
    client = mail_app.test_client()
    sign_in(client, "legal@hopewell.test")
    assert _change(client, "tomato lantern 93 quietly").status_code == 302
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "legal@hopewell.test" and "password was changed" in message["Subject"]
    assert "If it was not you" in message.get_body(("plain",)).get_content()
    assert "Your password was changed" in client.get("/inbox").get_data(as_text=True)


def test_a_refused_password_change_tells_nobody(mail_app, mailbox):
    client = mail_app.test_client()
    sign_in(client, "legal@hopewell.test")
    assert _change(client, "password1234").status_code == 422
    with mail_app.app_context():
        assert db.session.scalar(db.select(Notification).filter_by(kind="security")) is None
