"""Speed of exhibit uploads: seconds per page to convert, check and clean a DOCX (LibreOffice) and
a JPEG scan (img2pdf), next to a plain PDF of as many pages checked the same way, measured in the
same run, with their ratios. Each runs in the render pool, as an upload does (median of --runs).

    .venv/bin/python benchmarks/exhibits.py [--runs 5] [--pages 10]
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "web" / "exhibits"))
from uploads import docx, image

from cone.pdf import workers
from cone.pdf.uploads import prepare_upload


def plain_pdf(pages: int) -> bytes:
    doc = pikepdf.new()
    for _ in range(pages):
        doc.add_blank_page()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def per_page(data: bytes, name: str, runs: int) -> tuple[float, int]:
    times, pages = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        prepared = prepare_upload(data, name, data if name.endswith(".pdf") else None, 120, 180)
        times.append(time.perf_counter() - start)
        pages = prepared.pages
    return statistics.median(times) / pages, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    workers.pool()
    per_page(plain_pdf(1), "warm.pdf", 1)        # the pool's workers started
    text = "".join(f"<w:p><w:r><w:t>Page {i}</w:t></w:r><w:r><w:br w:type=\"page\"/></w:r></w:p>" for i in range(args.pages))
    word = _docx_pages(text)
    baseline, _ = per_page(plain_pdf(args.pages), "plain.pdf", args.runs)
    print(f"baseline: plain PDF, {args.pages} pages: {baseline * 1000:.2f} ms/page")
    for label, data, name in (("JPEG scan (1 page, 850x1100)", image("JPEG"), "scan.jpg"), ("DOCX", word, "letter.docx")):
        seconds, pages = per_page(data, name, args.runs)
        print(f"{label}, {pages} page(s): {seconds * 1000:.1f} ms/page, {seconds / baseline:.1f}x the plain PDF")
    workers.shutdown()


def _docx_pages(paragraphs: str) -> bytes:
    """A DOCX whose body is `paragraphs` (one page break each)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                body = data.decode()
                data = (body[:body.index("<w:body>") + 8] + paragraphs + "</w:body></w:document>").encode()
            z.writestr(item, data)
    return out.getvalue()


if __name__ == "__main__":
    main()
