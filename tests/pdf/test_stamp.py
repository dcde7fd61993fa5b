"""The page-number font: the shipped asset is what tools/gen_page_number_font.py makes now, and
every page of a packet carries its number in it."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from cone.pdf import stamp

from .conftest import page_texts

TOOL = Path(__file__).resolve().parents[2] / "tools" / "gen_page_number_font.py"


def _tool():
    spec = importlib.util.spec_from_file_location("gen_page_number_font", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_page_number_font_is_what_the_tool_generates_now():
    program, described = _tool().generate()
    assert stamp.PROGRAM.read_bytes() == program
    assert stamp.METRICS.read_bytes() == described
    assert program[:4] == b"\x00\x01\x00\x00"
    described = json.loads(described)
    assert set(described["widths"]) == set(described["chars"]) >= set("Page of 0123456789")


def test_every_page_is_numbered_in_the_shipped_font(draft):
    texts = page_texts(draft)
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {len(texts)}" in text
