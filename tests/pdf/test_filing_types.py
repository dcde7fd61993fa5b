"""The packet of a realistic filing of every application type: it renders, prints its type's
questions and notice, and none of another type's questions."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cone.documents.notice import render_notice
from cone.filing.parser import loads, parse_filing
from cone.pdf import context, render_packet

from .conftest import PACK, example, page_texts

FILINGS = Path(__file__).resolve().parents[1] / "data" / "filings"
NAMES = sorted(p.stem for p in FILINGS.glob("*.json"))
TYPE_LABELS = {path: f.label for s in PACK.fields.sections for f in s.fields for path in [f.path]}


def _asked(filing_type: str) -> set[str]:
    return {f.path for s in PACK.sections_for(filing_type) for f in s.fields}


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", NAMES)
def test_each_realistic_filing_renders_its_final_packet_with_its_own_questions_only(name):
    filing = loads((FILINGS / f"{name}.json").read_bytes())
    text = _words(" ".join(page_texts(render_packet(filing, PACK, final=True))).replace("-\n", "-"))   # a label breaks at its hyphens
    notice = render_notice(filing, PACK).text
    scope = notice[notice.index("certificate of need ") + 20:notice.index(" with ")]
    assert _words(scope) in text
    assert _words(PACK.filing_types[filing.filing_type].label) in text        # on the cover
    asked = _asked(filing.filing_type)
    for path, label in TYPE_LABELS.items():
        if path.startswith("project.") and path not in asked:
            assert label not in text, (path, label)
    assert ("Programs offered" in text) == ("services" in asked)


def test_answers_to_another_type_s_questions_are_not_printed():
    data = example()
    data["project"].update({"transferor": "Old Owner, Inc.", "beds_current": 3, "equipment": "a PET scanner"})
    section = next(s for s in PACK.sections_for("new_facility") if s.id == "project")
    printed = str(context.section_context(section, parse_filing(data), PACK, 3))
    assert "Old Owner, Inc." not in printed and "a PET scanner" not in printed and "Licensed beds now" not in printed
    assert "establish an outpatient behavioral health care facility for adults" in printed
