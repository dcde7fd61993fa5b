"""Stamp "Page X of Y" on every page of the merged packet, exhibits included.

The totals are known only after merging, so the numbers are drawn directly into each
page's content with a subset of the bundled Liberation Sans, made once by
tools/gen_page_number_font.py (embedded, WinAnsi-encoded, so the text stays searchable and
the file stays PDF/A). This costs microseconds per page, where laying out N pages of page
numbers in WeasyPrint would cost seconds for a long packet.
"""
from __future__ import annotations

import functools
import json

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import ASSETS

PROGRAM = ASSETS / "page-number.ttf"     # made by tools/gen_page_number_font.py, with:
METRICS = ASSETS / "page-number.json"    # its characters, advance widths and descriptor metrics
SIZE = 8.5
RIGHT = 540.0        # the right margin of the packet's pages (1 in from the edge of Letter)
BASELINE = 37.0      # the footer line the chrome draws (see .chrome-foot in packet.css)


@functools.cache
def _font() -> tuple[bytes, str, dict[str, float], dict[str, object]]:
    """The subset font program, its characters, the advance width of each and the descriptor's
    metrics (both in PDF text space, 1000 per em)."""
    described = json.loads(METRICS.read_text(encoding="utf-8"))
    return PROGRAM.read_bytes(), described["chars"], described["widths"], described["metrics"]


def _font_dict(pdf: pikepdf.Pdf) -> pikepdf.Object:
    program, chars, widths, metrics = _font()
    first, last = ord(min(chars)), ord(max(chars))
    stream = pikepdf.Stream(pdf, program)
    stream.Length1 = len(program)
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/CONEPN+LiberationSans"), Flags=32,  # nonsymbolic
                            FontBBox=Array(metrics["FontBBox"]), ItalicAngle=metrics["ItalicAngle"],
                            Ascent=metrics["Ascent"], Descent=metrics["Descent"], CapHeight=metrics["CapHeight"],
                            StemV=80, FontFile2=stream)
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/CONEPN+LiberationSans"), Encoding=Name.WinAnsiEncoding,
        FirstChar=first, LastChar=last,
        Widths=Array([round(widths.get(chr(code), 0)) for code in range(first, last + 1)]),
        FontDescriptor=pdf.make_indirect(descriptor)))


def stamp_page_numbers(pdf: pikepdf.Pdf) -> None:
    """Draw "Page X of Y" right-aligned on the footer line of every page."""
    widths = _font()[2]
    font = _font_dict(pdf)
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, 1):
        text = f"Page {number} of {total}"
        x = RIGHT - sum(widths[c] for c in text) * SIZE / 1000
        page.add_resource(font, Name.Font, Name("/ConePageNumber"))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(f"Q\nq BT /ConePageNumber {SIZE} Tf 0.2 0.2 0.2 rg {x:.2f} {BASELINE} Td ({text}) Tj ET Q\n"
                          .encode("ascii"))
