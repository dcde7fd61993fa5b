"""Stamp "Page X of Y" on every page of the merged packet, exhibits included.

The totals are known only after merging, so the numbers are drawn directly into each
page's content with a subset of the bundled Liberation Sans (embedded, WinAnsi-encoded,
so the text stays searchable and the file stays PDF/A). This costs microseconds per page,
where laying out N pages of page numbers in WeasyPrint would cost seconds for a long packet.
"""
from __future__ import annotations

import base64
import functools
import io
import json
import os
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..userdirs import cache_root
from . import ASSETS
from .cache import content_key

FONT = ASSETS / "fonts" / "LiberationSans-Regular.ttf"
CHARS = "Page of 0123456789"
SIZE = 8.5
RIGHT = 540.0        # the right margin of the packet's pages (1 in from the edge of Letter)
BASELINE = 37.0      # the footer line the chrome draws (see .chrome-foot in packet.css)


@functools.cache
def _font() -> tuple[bytes, dict[str, float], dict[str, object]]:
    """The subset font program, the advance width of each character and the descriptor's metrics
    (both in PDF text space, 1000 per em), kept in the user cache: importing fontTools'
    subsetter alone took a tenth of a `cone pdf` run. The key covers the font file, the
    fontTools version and this module (the characters and the subsetting options), so the bytes
    are what a fresh subset would give."""
    import fontTools

    key = content_key(FONT.read_bytes(), fontTools.version, Path(__file__).read_bytes())
    path = cache_root() / "stamp" / f"{key[:32]}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        return base64.b64decode(saved["program"]), saved["widths"], saved["metrics"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    program, widths, metrics = _subset()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"program": base64.b64encode(program).decode(), "widths": widths,
                                   "metrics": metrics}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass                  # a read-only home: subset again next time
    return program, widths, metrics


def _subset() -> tuple[bytes, dict[str, float], dict[str, object]]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(FONT, lazy=True, recalcTimestamp=False)   # a save-time timestamp would change every packet
    options = subset.Options()
    options.name_IDs = ["*"]
    options.hinting = False
    options.layout_features = []      # plain digits and letters: no shaping tables needed (and 15x faster)
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=CHARS)
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {c: font["hmtx"][cmap[ord(c)]][0] * scale for c in set(CHARS)}
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    metrics = {"FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
               "Ascent": round(hhea.ascent * scale), "Descent": round(hhea.descent * scale),
               "CapHeight": round(os2.sCapHeight * scale), "ItalicAngle": font["post"].italicAngle}
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue(), widths, metrics


def _font_dict(pdf: pikepdf.Pdf) -> pikepdf.Object:
    program, widths, metrics = _font()
    first, last = ord(min(CHARS)), ord(max(CHARS))
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
    _, widths, _ = _font()
    font = _font_dict(pdf)
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, 1):
        text = f"Page {number} of {total}"
        x = RIGHT - sum(widths[c] for c in text) * SIZE / 1000
        page.add_resource(font, Name.Font, Name("/ConePageNumber"))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(f"Q\nq BT /ConePageNumber {SIZE} Tf 0.2 0.2 0.2 rg {x:.2f} {BASELINE} Td ({text}) Tj ET Q\n"
                          .encode("ascii"))
