"""Every filing type through the web forms in a real browser: its project page asks only the
questions that apply to it, the section list shows only its sections, and every page is
screenshotted and checked with axe-core (no serious or critical violations)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from cone.rules.checklist import get_pack

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import PASSWORD, USERS

pytestmark = [pytest.mark.system, pytest.mark.browser]
FILINGS = Path(__file__).resolve().parents[1] / "data" / "filings"
EXAMPLES = sorted(p.stem for p in FILINGS.glob("*.json"))   # one per filing type (equipment has two)
PACK = get_pack("CT")


@pytest.fixture(scope="module")
def page(server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        tab = browser.new_page()
        tab.goto(server.url + "/signin")
        tab.get_by_label("E-mail").fill(USERS[0][0])
        tab.get_by_label("Password", exact=True).fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.wait_for_url(re.compile(r"/filings/"))
        yield tab
        browser.close()


@pytest.fixture(scope="module")
def audit():
    return Auditor("types")


def _labels(page: Page) -> set[str]:
    return {" ".join(t.split()).removesuffix(" (optional)") for t in page.locator("main label, main legend").all_inner_texts()}


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_filing_type_asks_only_its_own_questions_in_the_browser(name, server, api, page, audit):
    data = json.loads((FILINGS / f"{name}.json").read_text())
    filing_type = data["filing_type"]
    status, body = api.json("POST", "/filings", data)
    assert status == 201, body
    filing_id = body["id"]
    page.goto(f"{server.url}/filings/{filing_id}")
    audit(page, f"{name} overview")
    sections = PACK.sections_for(filing_type)
    titles = {s.title for s in sections}
    other = {s.title for s in PACK.fields.sections} - titles
    nav = page.locator("main").inner_text()
    assert all(t in nav for t in titles) and not [t for t in other if t in nav]
    project = next(s for s in sections if s.id == "project")
    page.goto(f"{server.url}/filings/{filing_id}/sections/project")
    audit(page, f"{name} project")
    asked = {f.label for f in project.fields}
    not_asked = {f.label for s in PACK.fields.sections if s.id == "project" for f in s.fields} - asked
    shown = _labels(page)
    assert asked <= shown, asked - shown
    assert not (not_asked & shown), not_asked & shown
    assert not audit.problems, "\n".join(audit.problems)
