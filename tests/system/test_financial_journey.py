"""The financial worksheet in a real browser: an administrator types the capital-cost table and
sees its totals follow as they type, saves it, enters a bad Attachment II cell and gets the error
summary; each page is screenshotted and checked with axe-core (no serious or critical violations)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import USERS
from .test_journeys import sign_in_by_keyboard

pytestmark = [pytest.mark.system, pytest.mark.browser]


def test_an_administrator_fills_the_worksheet_tables_and_sees_the_totals_live(server, api, example):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    status, created = api.json("POST", "/filings", example)
    assert status == 201, created
    audit = Auditor("financial")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_context().new_page()
        sign_in_by_keyboard(page, server.url, USERS[0][0], audit)
        page.goto(f"{server.url}/filings/{created['id']}/financial/capital_cost")
        audit(page, "capital cost empty")
        page.get_by_label("Medical equipment purchase, Amount ($)", exact=True).fill("6000")
        page.get_by_label("Other purchases, Amount ($)", exact=True).fill("4,000")
        page.get_by_label("Fair market value of leased space, Amount ($)", exact=True).fill("48000")
        expect(page.locator('output[data-cell="capital_expenditure.amount"]')).to_have_text("10,000")
        expect(page.locator('output[data-cell="total_project_cost.amount"]')).to_have_text("58,000")
        audit(page, "capital cost typed")
        page.get_by_role("button", name="Save this table").click()
        expect(page.get_by_text("Capital expenditure and cost: saved.")).to_be_visible()
        page.goto(f"{server.url}/filings/{created['id']}/financial/attachment_two")
        page.locator('input[name="y1.medicare.units"]').fill("many")
        page.get_by_role("button", name="Save this table").click()
        expect(page.locator(".error-summary")).to_contain_text("Medicare, Units (Year 1): 'many' is not a number")
        audit(page, "attachment two error")
        page.goto(f"{server.url}/filings/{created['id']}/financial/attachment_one")
        audit(page, "attachment one")
        browser.close()
    assert not audit.problems, "\n".join(audit.problems)
