"""The exhibit manager in a real browser: a JPEG affidavit and a DOCX letter converted, five
exhibits titled and reordered with the keyboard; every page screenshotted and checked by axe."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .browser import ARGS, CHROMIUM, SHOTS, Auditor
from .conftest import USERS, complete_example
from .test_journeys import sign_in_by_keyboard

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web" / "exhibits"))
from uploads import docx, image

pytestmark = [pytest.mark.system, pytest.mark.browser]


def test_five_exhibits_uploaded_converted_titled_and_reordered_by_keyboard(server, api, tmp_path):
    status, created = api.json("POST", "/filings", complete_example())
    assert status == 201
    files = {"affidavit.jpg": image("JPEG"), "letter.docx": docx(), "plan.png": image("PNG"),
             "minutes.tif": image("TIFF", frames=2), "statements.docx": docx("Audited statements.")}
    titles = ["Signed affidavit", "Letter of support from the town", "Site plan", "Board minutes", "Financial statements"]
    audit = Auditor("exhibits")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        sign_in_by_keyboard(page, server.url, USERS[0][0], audit)
        overview = f"{server.url}/filings/{created['id']}"
        for (name, data), title in zip(files.items(), titles):
            path = tmp_path / name
            path.write_bytes(data)
            page.goto(overview + "#exhibits")
            page.set_input_files("#exhibit", str(path))
            page.fill("#exhibit-title", title)
            page.click("#exhibits button[type=submit]:has-text('Upload')")
            page.wait_for_url(re.compile("#exhibits"))
            assert f"{title} uploaded as Exhibit" in page.content()
        audit(page, "five exhibits uploaded")
        page.focus("#exhibit-E button[value=up]")          # move E to the top with the keyboard
        for _ in range(4):
            page.keyboard.press("Enter")
            page.wait_for_load_state("networkidle")
            page.focus("#exhibit-E button[value=up]")
        letters = page.eval_on_selector_all("table.exhibits tbody tr", "rows => rows.map(r => r.id)")
        assert letters == ["exhibit-E", "exhibit-A", "exhibit-B", "exhibit-C", "exhibit-D"]
        page.locator("#exhibits").screenshot(path=str(SHOTS / "exhibits-reordered.png"))
        audit(page, "five exhibits reordered")
        page.click("#exhibit-C a:has-text('Remove')")
        audit(page, "confirm removal")
        browser.close()
    assert audit.problems == []
