"""The render pool: long-lived workers render a part byte for byte as a fresh process does,
after workers have been replaced too, and only with the packaged fonts."""
from __future__ import annotations

import io
import multiprocessing

import pikepdf
import pytest

from cone.rules.checklist import run_checklist
from cone.pdf import packet, workers

from .conftest import PACK, filing, page_texts


@pytest.fixture(scope="module")
def cover() -> str:
    """The example's cover. Its checklist header ("Status") is set in Cone Symbols bold, a face the
    warm-up does not use."""
    example = filing()
    front, _, _ = packet._parts(example, PACK, run_checklist(example, PACK), [], False)
    return packet._html(front[0].bodies[0], example, packet._chrome(example, PACK, False))


@pytest.fixture(scope="module")
def fresh(cover) -> bytes:
    """The cover rendered by a fresh interpreter of its own, which loads the fonts for it alone."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pdf = pool.apply(workers.render_pdf, (cover,))
    assert "Status" in page_texts(pdf)[0]
    return pdf


def assert_as_fresh(rendered: list[bytes], fresh: bytes) -> None:
    for pdf in rendered:
        assert page_texts(pdf)[0].splitlines() == page_texts(fresh)[0].splitlines()   # readable first
        assert pdf == fresh


def test_long_lived_workers_render_a_part_as_a_fresh_process_does(fresh, cover):
    workers.render_later(["<p>first</p>"] * workers.WORKERS)()
    assert_as_fresh(workers.render_later([cover] * (2 * workers.WORKERS))(), fresh)


def test_workers_that_leave_and_are_replaced_render_as_the_others_did(fresh, monkeypatch, cover):
    """A worker leaves after RECYCLE parts and the fork server forks a new one."""
    workers.shutdown()
    monkeypatch.setattr(workers, "RECYCLE", 1)
    try:
        assert_as_fresh(workers.render_later([cover] * (3 * workers.WORKERS))(), fresh)
        assert_as_fresh(workers.render_later([cover])(), fresh)
    finally:
        workers.shutdown()


def _font_names(pdf: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {str(font.BaseFont) for page in document.pages for font in page.Resources.Font.values()}


@pytest.mark.parametrize("family", ["'DejaVu Serif'", "monospace", "serif", "'Cone Serif'"])
def test_text_is_set_only_in_the_packaged_fonts(family):
    """Whatever family a part asks for, and for a character no packaged font has, the machine's
    fonts (DejaVu Serif and Sans Mono here) never reach the PDF."""
    (pdf,) = workers.render_later([f'<p style="font-family: {family}">Text &#x2713; &#x6f22;</p>'])()
    names = _font_names(pdf)
    assert names and all(name.split("+", 1)[1].startswith("Cone-") for name in names), names
