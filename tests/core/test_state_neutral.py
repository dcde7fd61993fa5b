"""The pack is the only place a state lives: no Connecticut fact or wording in cone's code,
templates, static files or migrations (forms/ct holds them), nor in the made-up test pack."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Words and numbers that only Connecticut's pack may contain: the state, its agency, its statutes
# and courts, its capital, its ZIP and phone examples, and the old datalist id.
CONNECTICUT = re.compile(r"Connecticut|\bOHS\b|\bCT\b|Office of Health Strategy|Health Systems Planning|19a-\d|"
                         r"Conn\. ?Gen|Regs\. Conn|Hartford|Superior Court|Secretary of the State|ct-towns|"
                         r"\b06\d{3}\b|\b860[-. ]\d{3}")
SCANNED = ("cone", "templates", "migrations", "app.py", "tests/data/packs")
SUFFIXES = {".py", ".html", ".css", ".js", ".yaml", ".json", ".conf", ".txt", ".ini", ".mako"}


def _files() -> list[Path]:
    found = []
    for name in SCANNED:
        root = REPO / name
        found += [root] if root.is_file() else [p for p in sorted(root.rglob("*")) if p.suffix in SUFFIXES
                                                and "__pycache__" not in p.parts]
    return found


def connecticut_lines(text: str) -> list[str]:
    return [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if CONNECTICUT.search(line)]


def test_the_scan_finds_connecticut_wording_where_it_is():
    assert connecticut_lines("Mark as filed with OHS") and connecticut_lines("list=\"ct-towns\"")
    assert connecticut_lines("Conn. Gen. Stat. §19a-638") and connecticut_lines("like 06333")
    assert not connecticut_lines("Mark as filed with {agency}") and not connecticut_lines("PET-CTA 1060333")
    assert connecticut_lines((REPO / "forms/ct/ui.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_connecticut_string_outside_its_pack(path):
    found = connecticut_lines(path.read_text(encoding="utf-8", errors="replace"))
    assert not found, f"{path.relative_to(REPO)} names Connecticut; move it into forms/ct:\n" + "\n".join(found)
