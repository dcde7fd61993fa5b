"""The packet of a made-up state (tests/data/packs/zz): its cover checklist, office box, part order
and wording come from its pack, and no Connecticut text is printed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cone.filing.parser import parse_filing
from cone.pdf import render_packet
from cone.rules.checklist import pack_for

from .conftest import page_texts

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def zedland_pages() -> list[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONE_PACKS", str(DATA / "packs"))
        filing = parse_filing(json.loads((DATA / "zedland-clinic.json").read_text(encoding="utf-8")))
        return page_texts(render_packet(filing, pack_for(filing), cache=False))


def test_the_cover_lists_the_zedland_checklist_and_office_box(zedland_pages):
    cover = zedland_pages[0]
    for text in ("STATE OF ZEDLAND", "Permit fee paid", "$2,500 for a capital expenditure of $300,000",
                 "Notice run on 2 consecutive days, 15 to 60 days before filing", "Every question answered",
                 "Received by DHP", "Log No.:"):
        assert text in cover, text
    assert "Affidavit" not in cover and "For OHS use only" not in cover


def test_the_parts_follow_the_zedland_order_with_no_affidavit(zedland_pages):
    contents = zedland_pages[1]
    order = [contents.index(title) for title in ("1. Public notice as published", "2. Who applies", "6. Review questions")]
    assert order == sorted(order)
    assert not any("Affidavit" in page for page in zedland_pages)


def test_no_connecticut_text_is_printed_in_another_states_packet(zedland_pages):
    text = "\n".join(zedland_pages)
    for word in ("Connecticut", "OHS", "19a-", "Superior Court", "Hartford"):
        assert word not in text, word
    assert "Answers to the review questions of Zedland Health Code §4-105." in text
