"""The notice linter's page in a real browser: a compliance user pastes the seed notice and one
without its capital expenditure, sees each element marked, and an empty paste gets the error summary; each
page is screenshotted and checked with axe-core (no serious or critical violations)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from example_filing import EXAMPLE

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import USERS
from .test_journeys import sign_in_by_keyboard

pytestmark = [pytest.mark.system, pytest.mark.browser]
COMPLIANCE = USERS[1][0]


def test_a_user_pastes_notices_and_sees_their_elements_marked(server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    audit = Auditor("notice-lint")
    notices = EXAMPLE.with_name("hopewell-east-lyme.notice.txt").read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context().new_page()
        sign_in_by_keyboard(page, server.url, COMPLIANCE, audit)
        page.goto(server.url + "/filings/notice/lint")
        audit(page, "empty form")
        page.get_by_role("button", name="Check the notice").click()
        expect(page.locator(".error-summary")).to_contain_text("Paste the text of the notice")
        audit(page, "error summary")
        page.get_by_label("Text of the notice").fill(notices)
        page.get_by_role("button", name="Check the notice").click()
        expect(page.get_by_text("All 4 elements are present.")).to_be_visible()
        expect(page.locator("mark.lint-address")).to_have_text("248 Flanders Road, East Lyme")
        audit(page, "seed notice report")
        page.get_by_label("Text of the notice").fill(notices.replace(", with an associated capital expenditure of $10,000", ""))
        page.get_by_role("button", name="Check the notice").click()
        expect(page.get_by_text(re.compile("1 of 4 elements missing"))).to_be_visible()
        audit(page, "missing capital expenditure")
        browser.close()
    assert not audit.problems, "\n".join(audit.problems)
