"""The team's pages in a real browser against gunicorn, with mail to a real SMTP server: the
bootstrap user changes the one-time password and invites a legal reviewer, who accepts from the
e-mailed link, is told of the hand-off in the inbox, and later resets a forgotten password.
Every page is screenshotted and checked with axe-core (no serious or critical violations)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright
from smtp_sink import Mailbox, text_of

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import Api, _fresh_database, complete_example
from .live import LiveServer

pytestmark = [pytest.mark.system, pytest.mark.browser]
LEGAL = "lee@hopewell.example"
LEGAL_PASSWORD = "the reviewer's long passphrase"


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def team_server(tmp_path_factory, mailbox):
    workdir = tmp_path_factory.mktemp("team")
    srv = LiveServer(workdir, _fresh_database(workdir))
    srv.env.update({"CONE_MAIL_HOST": "127.0.0.1", "CONE_MAIL_PORT": str(mailbox.port), "CONE_MAIL_TLS": "none",
                    "CONE_MAIL_SENDER": "cone@hopewell.example"})
    srv.flask("db", "upgrade")
    out = srv.flask("cone", "bootstrap")
    srv.bootstrap = (re.search(r"e-mail:\s+(\S+)", out).group(1), re.search(r"password:\s+(\S+)", out).group(1))
    srv.start()
    yield srv
    srv.kill()


def _link(box: Mailbox, to: str, path: str) -> str:
    box.wait_for(1)
    message = [m for m in box.wait_for(len(box.messages)) if m["To"] == to][-1]
    return re.search(rf"(https?://\S+{path}\S+)", text_of(message)).group(1)


def test_a_team_sets_itself_up_in_the_browser(team_server, mailbox):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    audit = Auditor("team")
    base = team_server.url
    email, one_time = team_server.bootstrap
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        admin = browser.new_context().new_page()
        admin.goto(base + "/signin")
        admin.get_by_label("E-mail address").fill(email)
        admin.get_by_label("Password", exact=True).fill(one_time)
        admin.get_by_role("button", name="Sign in").click()
        admin.wait_for_url(re.compile(r"/account$"))
        audit(admin, "first sign-in asks for a new password")
        admin.get_by_label("Current password", exact=True).fill(one_time)
        admin.get_by_label("New password", exact=True).fill("a walk along the harbour wall at dusk")
        admin.get_by_label("New password again").fill("a walk along the harbour wall at dusk")
        admin.get_by_role("button", name="Change password").click()
        admin.get_by_role("link", name="People", exact=True).click()
        audit(admin, "people")
        admin.get_by_label("E-mail address").fill("not an address")
        admin.get_by_role("button", name="Send the invitation").click()
        expect(admin.locator(".error-summary")).to_contain_text("Enter an e-mail address like")
        audit(admin, "invitation refused")
        admin.get_by_label("E-mail address").fill(LEGAL)
        admin.get_by_label("Role", exact=True).select_option(label="Legal reviewer")
        admin.get_by_role("button", name="Send the invitation").click()
        expect(admin.get_by_text(f"Invitation sent to {LEGAL}")).to_be_visible()
        audit(admin, "invitation sent")

        legal = browser.new_context().new_page()
        legal.goto(_link(mailbox, LEGAL, "/invitations/"))
        audit(legal, "accept the invitation")
        legal.get_by_label("Your name").fill("Lee Counsel")
        legal.get_by_label("New password", exact=True).fill(LEGAL_PASSWORD)
        legal.get_by_label("New password again").fill(LEGAL_PASSWORD)
        legal.get_by_role("button", name="Accept and create my account").click()
        legal.wait_for_url(re.compile(r"/filings/$"))
        audit(legal, "joined")

        token = team_server.flask("cone", "create-token", email).strip()
        status, body = Api(base + "/api/v1", token).json("POST", "/filings", complete_example())
        assert status == 201, body
        admin.goto(f"{base}/filings/{body['id']}")
        admin.get_by_role("button", name="Submit for review").click()
        legal.goto(base + "/account/notifications")
        audit(legal, "notification settings")
        legal.goto(base + "/inbox")
        expect(legal.locator(".topnav .count")).to_have_text(re.compile(r"^1"))
        audit(legal, "inbox")
        legal.get_by_role("button", name="Open").click()
        legal.wait_for_url(re.compile(rf"/filings/{body['id']}$"))
        assert any(m["To"] == LEGAL and "submitted" in m["Subject"] for m in mailbox.wait_for(3))

        forgetful = browser.new_context().new_page()
        forgetful.goto(base + "/signin")
        forgetful.get_by_role("link", name="Forgotten your password?").click()
        audit(forgetful, "forgotten password")
        forgetful.get_by_label("E-mail address").fill(LEGAL)
        forgetful.get_by_role("button", name="Send me a link").click()
        audit(forgetful, "check your e-mail")
        forgetful.goto(_link(mailbox, LEGAL, "/password/reset/"))
        audit(forgetful, "choose a new password")
        forgetful.get_by_label("New password", exact=True).fill("a remembered passphrase")
        forgetful.get_by_label("New password again").fill("a remembered passphrase")
        forgetful.get_by_role("button", name="Set the password").click()
        forgetful.wait_for_url(re.compile(r"/signin$"))
        browser.close()
    assert not audit.problems, "\n".join(audit.problems)
