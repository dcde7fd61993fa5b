"""Playwright on Debian's Chromium, with axe-core accessibility checks and a screenshot per page."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class Auditor:
    """Runs axe on every page it is shown and keeps a screenshot of each; collects serious problems."""

    def __init__(self, prefix: str):
        self.prefix, self.count, self.problems, self.pages = prefix, 0, [], 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(SHOTS / f"{self.prefix}-{self.count:02d}-{slug}.png"), full_page=True)
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE.read_text())          # evaluated over CDP, so the page's CSP stays on
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        self.pages += 1
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in v["nodes"]][:3]
                self.problems.append(f"{name}: {v['id']} ({v['impact']}): {v['help']} at {targets}")
