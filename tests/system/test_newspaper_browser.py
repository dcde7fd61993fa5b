"""The newspaper's copy in a real browser: a compliance user opens the page of formats, ticks the
heading and previews the styled notice in a new tab; each page is screenshotted and checked with
axe-core (no serious or critical violations)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import USERS
from .test_journeys import sign_in_by_keyboard

pytestmark = [pytest.mark.system, pytest.mark.browser]


def test_a_compliance_user_previews_the_notice_with_its_heading(server, api, example):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    status, created = api.json("POST", "/filings", example)
    assert status == 201, created
    audit = Auditor("newspaper")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context()
        page = context.new_page()
        sign_in_by_keyboard(page, server.url, USERS[1][0], audit)
        page.goto(f"{server.url}/filings/{created['id']}")
        page.get_by_role("link", name="The newspaper's copy").click()
        expect(page.get_by_role("heading", name="The newspaper's copy")).to_be_visible()
        expect(page.get_by_text("Monday, June 2, 2025")).to_be_visible()
        audit(page, "formats")
        page.get_by_label("Print “LEGAL NOTICE” over the notice").check()
        with context.expect_page() as opened:
            page.get_by_role("button", name="Preview the notice").click()
        preview = opened.value
        expect(preview.get_by_role("heading", name="LEGAL NOTICE")).to_be_visible()
        expect(preview.locator(".cone-notice")).to_contain_text("Hopewell Health Solutions, LLC is applying")
        assert preview.evaluate("getComputedStyle(document.querySelector('.notice-page')).maxWidth") != "none"
        audit(preview, "preview with heading")
        browser.close()
    assert not audit.problems, "\n".join(audit.problems)
