#!/usr/bin/env python3
"""Generate the page-number font of the packet: cone/pdf/assets/page-number.ttf and
cone/pdf/assets/page-number.json.

stamp.py draws "Page X of Y" on every page with a subset of the bundled Liberation Sans
(the characters of CHARS only); this script makes that subset with fontTools once, and
records the advance widths and descriptor metrics the PDF font dictionary needs (in PDF
text space, 1000 per em). tests/pdf/test_stamp.py checks the shipped files equal what this
script generates now. Usage:

    python tools/gen_page_number_font.py            # writes the two assets
    python tools/gen_page_number_font.py --check    # exit 1 if they differ from a fresh run
"""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ASSETS = Path(__file__).resolve().parents[1] / "cone" / "pdf" / "assets"
SOURCE = ASSETS / "fonts" / "LiberationSans-Regular.ttf"
PROGRAM = ASSETS / "page-number.ttf"
METRICS = ASSETS / "page-number.json"
CHARS = "Page of 0123456789"


def generate() -> tuple[bytes, bytes]:
    """The subset font program and its JSON (characters, widths, metrics), as file contents."""
    font = TTFont(SOURCE, lazy=True, recalcTimestamp=False)   # a save-time timestamp would change every run
    options = subset.Options()
    options.name_IDs = ["*"]
    options.hinting = False
    options.layout_features = []      # plain digits and letters: no shaping tables needed
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=CHARS)
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {c: font["hmtx"][cmap[ord(c)]][0] * scale for c in sorted(set(CHARS))}
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    metrics = {"FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
               "Ascent": round(hhea.ascent * scale), "Descent": round(hhea.descent * scale),
               "CapHeight": round(os2.sCapHeight * scale), "ItalicAngle": font["post"].italicAngle}
    buffer = io.BytesIO()
    font.save(buffer)
    described = {"chars": CHARS, "widths": widths, "metrics": metrics}
    return buffer.getvalue(), (json.dumps(described, indent=2, sort_keys=True) + "\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped assets instead of writing")
    args = parser.parse_args()
    program, described = generate()
    if args.check:
        stale = [p.name for p, data in ((PROGRAM, program), (METRICS, described))
                 if not p.exists() or p.read_bytes() != data]
        if stale:
            print(f"stale: {', '.join(stale)}; run python tools/gen_page_number_font.py", file=sys.stderr)
            return 1
        return 0
    PROGRAM.write_bytes(program)
    METRICS.write_bytes(described)
    return 0


if __name__ == "__main__":
    sys.exit(main())
