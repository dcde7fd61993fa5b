"""The packet's structure: pages, bookmarks, labels, stamps, PDF/A metadata, filing.json, determinism, draft/final."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pikepdf
import pytest

from cone.documents.timeline import build_timeline
from cone.filing.parser import dumps, loads
from cone.pdf import FinalBlocked, context, extract_filing, packet, render_packet
from cone.pdf.assemble import assemble
from cone.pdf.exhibits import open_exhibit

from .conftest import PACK, example, filing, page_links, page_texts


def outline(data: bytes) -> list[tuple[str, int, list[tuple[str, int]]]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as tree:
            def where(item):
                return pages[item.destination[0].objgen]
            return [(i.title, where(i), [(c.title, where(c)) for c in i.children]) for i in tree.root]


def test_draft_has_every_part_in_order(draft):
    titles = [t for t, _, _ in outline(draft)]
    sections = [s.title for s in PACK.sections_for("new_facility") if s.id != "utilization"]  # example has no utilization
    assert titles[:2] == ["Application checklist", "Contents"]
    assert titles[2:2 + len(sections)] == [f"{i}. {title}" for i, title in enumerate(sections, 1)]
    assert "Public need and access: review principles" in sections        # in Main Form order, once
    n = len(sections)
    assert titles[2 + n:] == [f"{n + 1}. Public notice as published", f"{n + 2}. Affidavit", "Appendix: checklist findings"]


def test_page_numbers_run_across_the_packet_including_exhibits(draft, draft_with_exhibits):
    own = len(page_texts(draft))
    texts = page_texts(draft_with_exhibits)
    assert len(texts) == own + 1 + 2 + 2 + 1      # the exhibit index, two separators, three exhibit pages
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Hopewell Health Solutions, LLC" in text               # running header
        assert "Establishment of a new health care facility" in text


def test_exhibits_are_bookmarked_behind_separators_and_searchable(draft_with_exhibits):
    texts = page_texts(draft_with_exhibits)
    exhibits = next(children for title, _, children in outline(draft_with_exhibits) if title == "Exhibits")
    assert [t for t, _ in exhibits] == ["Exhibit A: Proof of publication", "Exhibit B: Landscape table"]
    (_, a), (_, b) = exhibits
    assert "Exhibit A" in texts[a] and "Proof of publication" in texts[a]
    assert "Proof page 1" in texts[a + 1] and "Proof page 2" in texts[a + 2]
    assert b == a + 3 and "Wide page 1" in texts[b + 1]


def test_contents_page_numbers_match_the_bookmarks(draft_with_exhibits):
    toc = page_texts(draft_with_exhibits)[1]
    for title, page, children in outline(draft_with_exhibits):
        for name, number in [(title, page)] + children:
            line = re.search(re.escape(name) + r"[ .]*?(\d+)\s*$", toc, re.M)
            assert line and int(line.group(1)) == number + 1, name


def test_contents_lines_link_to_their_pages(draft_with_exhibits):
    lines = [number for title, page, children in outline(draft_with_exhibits) for _, number in [(title, page)] + children]
    links = page_links(draft_with_exhibits)
    assert {page for page, _ in links} == {1}                                 # the contents page
    assert sorted(target for _, target in links) == sorted(lines * 2)         # title and number of each line


def test_page_labels_match_the_stamped_numbers(draft_with_exhibits):
    with pikepdf.open(io.BytesIO(draft_with_exhibits)) as pdf:
        assert [p.label for p in pdf.pages] == [str(i) for i in range(1, len(pdf.pages) + 1)]


def test_pdfa_3b_identification_and_metadata(draft):
    with pikepdf.open(io.BytesIO(draft)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:creator"] == ["Hopewell Health Solutions, LLC"]
        assert "outpatient behavioral health" in meta["dc:title"]
        assert meta["dc:language"] == {"en-US"}
        assert str(pdf.docinfo["/Author"]) == "Hopewell Health Solutions, LLC"
        assert str(pdf.Root.Lang) == "en-US"
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert pdf.pdf_version >= "1.7"
        assert "/Encrypt" not in pdf.trailer


def test_filing_json_is_embedded_as_source_and_round_trips(draft):
    with pikepdf.open(io.BytesIO(draft)) as pdf:
        spec = pdf.Root.AF[0]
        assert spec.AFRelationship == "/Source" and str(spec.UF) == "filing.json"
        assert spec.EF.F.Subtype == "/application/json"
    text = extract_filing(draft)
    assert text == dumps(filing())
    assert loads(text) == filing()


def test_same_input_gives_identical_bytes(draft, monkeypatch):
    assert render_packet(filing(), PACK, cache=False) == draft
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = render_packet(filing(), PACK)
    with pikepdf.open(io.BytesIO(dated)) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")
    assert dated != draft


def test_creation_date_comes_from_the_filing(draft):
    with pikepdf.open(io.BytesIO(draft)) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20250707")   # planned filing date


def test_draft_is_watermarked_on_every_page_and_has_the_appendix(draft_with_exhibits):
    texts = page_texts(draft_with_exhibits)
    assert all("DRAFT - NOT FOR FILING" in t for t in texts)
    assert "APPENDIX: CHECKLIST FINDINGS" in texts[-1]


def test_final_has_no_watermark_and_no_appendix(final, draft):
    texts = page_texts(final)
    assert not any("DRAFT" in t for t in texts)
    assert "APPENDIX" not in " ".join(texts)
    assert len(texts) == len(page_texts(draft)) - 1
    assert "Final application." in texts[0]


def test_final_is_refused_while_errors_remain():
    data = example()
    del data["publication"]["newspaper"]
    with pytest.raises(FinalBlocked) as blocked:
        render_packet(filing(data), PACK, final=True)
    assert [f.rule for f in blocked.value.findings] == ["publication.newspaper"]


def test_draft_lists_findings_and_flags_the_cover():
    data = example()
    del data["publication"]["newspaper"]
    data["project"]["capital_expenditure"] = 60000          # the fee tier changes; no fee stated, so no error
    texts = page_texts(render_packet(filing(data), PACK))
    cover, appendix = texts[0], texts[-1]
    assert "1 error(s)" in cover and "$2,000 for a capital expenditure of $60,000" in cover
    assert "Name the newspaper" in appendix and "§19a-639a(b)" in appendix


def test_sections_follow_the_pack_and_skip_questions_of_other_filing_types(draft):
    text = "\n".join(page_texts(draft))
    assert "Adult Intensive Outpatient Program" in text and "Intensive outpatient (IOP, ASAM 2.1)" in text
    assert "Licensed beds proposed" not in text            # increase_beds only
    assert "Filing fee: $1,000" in text                     # derived under the capital expenditure


def test_utilization_and_payer_mix_and_principles_render_as_given():
    data = example()
    data["utilization"] = [{"service": "IOP", "year": "Year 1", "basis": "projected", "volume": 1234, "unit": "visits"}]
    data["payer_mix"] = [{"payer": "medicaid", "current_percent": 40, "projected_percent": 45.5}]
    data["principles"] = {"public_need": "Waitlists at the two nearest IOPs exceed six weeks."}
    text = "\n".join(page_texts(render_packet(filing(data), PACK)))
    assert "Utilization and payer mix" in text and "1,234" in text and "Medicaid" in text and "45.5" in text
    assert "Waitlists at the two nearest IOPs exceed six weeks." in text


def test_open_exhibit_counts_pages(exhibits):
    with open_exhibit(exhibits[0][1], "x") as pdf:
        assert len(pdf.pages) == 2


def test_extract_filing_rejects_other_pdfs(exhibits):
    from cone.filing.errors import InputError

    with pytest.raises(InputError, match="no embedded filing.json"):
        extract_filing(exhibits[0][1])
    with pytest.raises(InputError, match="not a readable PDF"):
        extract_filing(b"%PDF-1.7 nonsense")
    assert json.loads(extract_filing(render_packet(filing(), PACK)))["format"] == "cone.filing/1"


def test_every_font_of_the_packet_is_embedded(draft):
    with pikepdf.open(io.BytesIO(draft)) as pdf:
        fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"
                 and o.get("/Subtype") != "/Type0"]
        assert fonts
        for font in fonts:
            descriptor = font.FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.get("/BaseFont")


def test_short_principle_answers_stay_one_document():
    example_filing = filing()
    front, _, _ = packet._parts(example_filing, PACK, [], [], False)
    (principles,) = [p for p in front if "review principles" in p.title]
    assert len(principles.bodies) == 1


def test_long_principle_answers_are_rendered_in_pieces_that_keep_order_and_numbering(monkeypatch):
    """Long answers to every principle are cut into documents the workers share; the packet reads
    the same: each principle once, in order, under one bookmark whose page opens the section."""
    monkeypatch.setattr(packet, "CHUNK_CHARS", 600)
    data = example()
    data["principles"] = {p.id: f"Answer {p.id}. " + "The program serves East Lyme. " * 25 for p in PACK.principles}
    pdf = render_packet(filing(data), PACK)
    texts = page_texts(pdf)
    firsts = [next(i for i, t in enumerate(texts) if f"Answer {p.id}." in t) for p in PACK.principles]
    assert firsts == sorted(firsts) and len(set(firsts)) == len(PACK.principles)   # one per piece here
    assert sum("review principles (continued)" in t for t in texts) == len(PACK.principles) - 1
    (section,) = [(title, page) for title, page, _ in outline(pdf) if "review principles" in title]
    assert "Principle (1)" in texts[section[1]] and firsts[0] == section[1]
    assert [f"Page {i + 1} of {len(texts)}" in t for i, t in enumerate(texts)] == [True] * len(texts)


def test_chunks_keep_items_in_order_and_fold_a_short_tail(monkeypatch):
    monkeypatch.setattr(packet, "CHUNK_CHARS", 1000)
    assert packet._chunks([500, 500, 500, 300], lambda n: n) == [[500, 500], [500, 300]]
    assert packet._chunks([1000, 1000, 100], lambda n: n) == [[1000], [1000, 100]]      # 100 alone: folded
    assert packet._chunks([10] * 5, lambda n: n) == [[10] * 5]


def test_a_long_free_text_answer_prints_full_width_from_the_section_page():
    """In a table cell a long answer could not stay with its row: the row moved to the next page
    and left the section's first page nearly blank. It now follows the table, full width."""
    data = example()
    data["project"]["description"] = "Start of the description. " + "The program serves East Lyme. " * 300
    pdf = render_packet(filing(data), PACK)
    texts = page_texts(pdf)
    (first,) = [page for title, page, _ in outline(pdf) if title.endswith("Project description")]
    assert "Start of the description." in texts[first]
    (project,) = [s for s in PACK.sections_for(data["filing_type"]) if s.id == "project"]
    blocks = context.section_context(project, filing(data), PACK, 3)["blocks"]
    assert [b["kind"] for b in blocks] == ["rows", "wide", "rows"]      # in the pack's order
    assert blocks[1]["label"] == "Project description"
    assert "Scope and nature of the project" in [r["label"] for r in blocks[0]["rows"]]   # short: stays in the table


def test_a_wrong_guess_of_the_contents_length_is_put_right(draft, monkeypatch):
    """The packet is assembled around the contents while they render, on a guess of their
    length; a wrong guess is caught, and the second, from the contents themselves, is right."""
    assembled = []

    def counting(*args):
        assembled.append(args)
        return assemble(*args)

    monkeypatch.setattr(packet, "TOC_LINES_PER_PAGE", 1)       # a guess of a page a line
    monkeypatch.setattr(packet, "assemble", counting)
    assert render_packet(filing(), PACK, cache=False) == draft
    assert len(assembled) == 2


def test_the_notice_page_prints_the_filing_window_of_the_qualifying_run_as_the_timeline_does():
    data = example()
    data["publication"]["dates"] = ["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-20"]   # a stray fourth date
    stray = filing(data)
    timeline = build_timeline(stray, PACK)
    printed = {r["label"]: r["value"] for r in context.notice_context(stray, PACK, 7)["rows"]}
    assert (timeline.earliest_filing_date, timeline.latest_filing_date) == (dt.date(2025, 6, 24), dt.date(2025, 9, 2))
    assert printed["Filing window"].startswith("June 24, 2025 to September 2, 2025 ")
