"""The application packet: plan its parts from the filing and pack, render what is not cached, merge.

Order: checklist cover, contents, then the parts in the pack's order (the
main-form sections of the filing type with the review principles, the public notice with
its publication record, the affidavit), the exhibits (each behind a separator page) and,
for a draft, the findings appendix. Parts are
rendered separately and cached by content hash, so a one-field change re-renders one
part; "Page X of Y" is stamped after merging, when the total is known.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pikepdf
from markupsafe import Markup

from ..rules.checklist import Finding, run_checklist
from ..filing.errors import InputError
from ..filing.models import Filing
from ..filing.parser import dumps
from ..packs.pack import Pack
from . import ASSETS
from . import context as ctx
from .assemble import Metadata, PageCountChanged, Piece, assemble
from .cache import PartCache, content_key
from .exhibits import PacketExhibit, exhibit_letter, open_exhibit
from .render import document, fragment, template_digest
from .workers import render_later, renderer_version

LANG = "en-US"
TOC_LINES_PER_PAGE = 30
CHUNK_CHARS = 15_000      # about four pages of answers: a long part is rendered in pieces of this size
T = TypeVar("T")
_cache = PartCache()


class FinalBlocked(Exception):
    """A final packet was asked for while error findings remain."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"a final application cannot be produced while {len(findings)} error finding(s) remain")
        self.findings = findings


def use_cache_directory(directory: Path | None) -> None:
    """Also keep rendered parts on disk (the CLI), so repeated runs re-render only what changed."""
    _cache.directory = directory


@dataclass
class _Part:
    """A run of pages with one bookmark, rendered as one document per body (a long part is cut
    into several, each starting on a new page, so that the workers share it)."""

    title: str
    bodies: list[Markup]
    level: int = 1
    pdfs: list[bytes] = field(default_factory=list)


def _parts(filing: Filing, pack: Pack, findings: list[Finding], exhibits: list[dict], final: bool,
           signoff: dict | None = None) -> tuple[list[_Part], list[_Part], list[_Part]]:
    """Front parts (cover, then body sections), exhibit separators, and the back (the draft's
    findings appendix; the final packet's sign-off page when an approval is given)."""
    front = [_Part("Application checklist", [fragment("cover.html", ctx.cover_context(filing, pack, findings, exhibits, final))])]
    if exhibits:           # the index follows the contents
        front.append(_Part("Exhibit index", [fragment("exhibit_index.html", {"exhibits": exhibits})]))
    number = 0
    for part in pack.documents.parts:     # the state's order of the parts between contents and exhibits
        if part == "sections":
            for section in pack.sections_for(filing.filing_type):
                if section.fields_from == "principles":   # each principle with its statutory text, then the answer
                    number += 1
                    data = ctx.principles_context(filing, pack, section, number, final)
                    chunks = _chunks(data["principles"], lambda p: len(p["answer"]))
                    front.append(_Part(f"{number}. {section.title}", [
                        fragment("principles.html", {**data, "principles": chunk, "first": i == 0})
                        for i, chunk in enumerate(chunks)]))
                    continue
                data = ctx.section_context(section, filing, pack, number + 1)
                if data is not None:
                    number += 1
                    front.append(_Part(f"{number}. {section.title}", [fragment("section.html", data)]))
        elif part == "financial":
            data = ctx.financial_context(filing, pack, number + 1)
            if data is not None:
                number += 1
                front.append(_Part(f"{number}. {data['title']}", [fragment("financial.html", data)]))
        else:
            number += 1
            data = (ctx.notice_context if part == "notice" else ctx.affidavit_context)(filing, pack, number)
            front.append(_Part(f"{number}. {data['title']}", [fragment(f"{part}.html", data)]))
    separators = [_Part(f"Exhibit {e['letter']}: {e['name']}", [fragment("separator.html", e)], level=2) for e in exhibits]
    back = [] if final else [_Part("Appendix: checklist findings", [fragment("findings.html", ctx.findings_context(findings, pack, filing.filing_type))])]
    if final and signoff is not None:
        back.append(_Part("Review sign-off", [fragment("signoff.html", {**signoff, "title": "Review sign-off",
                                                                         "exhibits": exhibits})]))
    return front, separators, back


def _chunks(items: list[T], size: Callable[[T], int]) -> list[list[T]]:
    """Items in order, cut into runs of at least CHUNK_CHARS characters (the last may be shorter,
    and is joined to the one before when it would be very short). A part of a few pages stays one
    document; one of many pages (long answers to every principle) becomes several, rendered in
    parallel, each starting on a new page."""
    chunks: list[list[T]] = [[]]
    filled = 0
    for item in items:
        if filled >= CHUNK_CHARS:
            chunks.append([])
            filled = 0
        chunks[-1].append(item)
        filled += size(item)
    if len(chunks) > 1 and filled < CHUNK_CHARS // 4:
        chunks[-2].extend(chunks.pop())
    return chunks


def _toc(entries: list[dict]) -> Markup:
    return fragment("toc.html", {"entries": entries})


def _title(filing: Filing) -> str:
    project = filing.project.title or filing.project.summary
    return f"Certificate of Need Application: {project}" if project else "Certificate of Need Application"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _chrome(filing: Filing, pack: Pack, final: bool) -> dict:
    """Running header and footer of every page (one line each), and the watermark of a draft."""
    return {"header_left": _clip(filing.applicant.legal_name or "Applicant not named", 70),
            "header_right": _clip(pack.filing_types[filing.filing_type].label, 55),
            "footer_left": "Certificate of Need Application" + ("" if final else " (draft)"), "draft": not final}


def _html(body: Markup | None, filing: Filing, chrome: dict | None = None) -> str:
    return document([body] if body else [], title=_title(filing), lang=LANG, chrome=chrome)


def _render_later(htmls: list[str], cache: bool) -> Callable[[], list[bytes]]:
    """Start rendering each HTML document (those not in the cache, in parallel); the function
    returned waits for the PDF bytes of all."""
    keys = [content_key(renderer_version(), template_digest(), html) for html in htmls]
    found = [_cache.get(k) if cache else None for k in keys]
    todo = sorted((i for i, pdf in enumerate(found) if pdf is None), key=lambda i: -len(htmls[i]))  # longest first
    wait = render_later([htmls[i] for i in todo])

    def results() -> list[bytes]:
        for i, pdf in zip(todo, wait()):
            found[i] = pdf
            if cache:
                _cache.put(keys[i], pdf)
        return found  # type: ignore[return-value]
    return results


@functools.lru_cache(maxsize=1024)
def _page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _document_date(filing: Filing, pack: Pack) -> dt.datetime:
    """Fixed, so the same input gives the same bytes: SOURCE_DATE_EPOCH, else the filing's own dates."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH must be a number of seconds, not {epoch[:40]!r}") from None
    day = filing.planned_filing_date or max(filing.publication.dates, default=None) or pack.meta.as_of
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _metadata(filing: Filing, pack: Pack) -> Metadata:
    ftype = pack.filing_types[filing.filing_type]
    return Metadata(title=_title(filing), author=filing.applicant.legal_name or "Applicant not named",
                    subject=f"{ftype.label} ({ftype.citation}), filed with {pack.meta.agency}",
                    keywords=f"Certificate of Need; {pack.meta.name}; {pack.meta.statute}", language=LANG,
                    date=_document_date(filing, pack))


def render_html(filing: Filing, pack: Pack, *, final: bool = False, today: dt.date | None = None) -> str:
    """The packet's own pages as one standalone HTML document (stylesheet inlined, no exhibits,
    contents without page numbers: those exist only once the parts are laid out)."""
    findings = run_checklist(filing, pack, today=today)
    front, _, back = _parts(filing, pack, findings, [], final)
    toc = _toc([{"title": p.title, "level": p.level, "page": ""} for p in front + back])
    bodies = front[0].bodies + [toc] + [body for p in front[1:] + back for body in p.bodies]
    return document(bodies, title=_title(filing), lang=LANG, chrome=_chrome(filing, pack, final),
                    css=(ASSETS / "packet.css").read_text(encoding="utf-8"))


def render_packet(filing: Filing, pack: Pack, *, final: bool = False,
                  exhibits: Sequence[PacketExhibit | tuple[str, bytes]] = (),
                  cache: bool = True, today: dt.date | None = None, signoff: dict | None = None) -> bytes:
    """The application packet as PDF/A-3b bytes with filing.json embedded; `today`, when given,
    adds the findings that depend on the day (see run_checklist); `signoff` (reviewer_name,
    reviewer_email, role, approved_at, version, note) adds a final packet's sign-off page.
    Exhibits come in packet order, as (title, PDF) lettered by position or as PacketExhibit
    with their own letters.

    Raises FinalBlocked when `final` is asked while error findings remain, and InputError for
    an exhibit that cannot be attached or a render past its time or memory limit.
    """
    findings = run_checklist(filing, pack, today=today)
    errors = [f for f in findings if f.severity == "error"]
    if final and errors:
        raise FinalBlocked(errors)
    items = [e if isinstance(e, PacketExhibit) else PacketExhibit(*e) for e in exhibits]
    opened = []
    try:
        for item in items:
            opened.append(open_exhibit(item.data, item.title))
        info = [{"letter": item.letter or exhibit_letter(i), "name": item.title, "description": item.description,
                 "pages": len(pdf.pages)} for i, (item, pdf) in enumerate(zip(items, opened))]
        front, separators, back = _parts(filing, pack, findings, info, final, signoff)
        parts = front + separators + back
        chrome = _chrome(filing, pack, final)
        bodies = [body for p in parts for body in p.bodies]
        # The running header, footer and watermark are one page of their own, drawn over every
        # page when assembling: laying them out again on each page cost WeasyPrint ~5 ms a page,
        # and a change to the applicant's name would have re-rendered every part.
        htmls = [_html(body, filing) for body in bodies] + [_html(None, filing, chrome)]
        rendered = iter(_render_later(htmls, cache)())
        for part in parts:
            part.pdfs = [next(rendered) for _ in part.bodies]
        chrome_page = next(rendered)
        counts = [sum(_page_count(pdf) for pdf in p.pdfs) for p in parts]
        exhibit_pages = [e["pages"] for e in info]
        # The contents' own length shifts every page number after it: guess, and assemble the
        # rest around it while it renders; in the rare case the guess was wrong, again (its
        # length depends on its titles, not on the numbers, so the second guess is right).
        toc_pages = 1 + len(parts) // TOC_LINES_PER_PAGE
        while True:
            entries = _toc_entries(parts, counts, exhibit_pages, toc_pages, len(front))
            contents = Piece("Contents", later=_render_later([_html(_toc(entries), filing)], cache), pages=toc_pages)
            pieces = [Piece(front[0].title, front[0].pdfs), contents] + [Piece(p.title, p.pdfs) for p in front[1:]]
            if separators:
                pieces.append(Piece("Exhibits", children=[Piece(s.title, s.pdfs, exhibit=pdf)
                                                          for s, pdf in zip(separators, opened)]))
            pieces += [Piece(p.title, p.pdfs) for p in back]
            try:
                return assemble(pieces, chrome_page, _metadata(filing, pack), dumps(filing))
            except PageCountChanged as changed:
                toc_pages = changed.pages
    finally:
        for pdf in opened:
            pdf.close()


def _toc_entries(parts: list[_Part], counts: list[int], exhibit_pages: list[int], toc_pages: int,
                 n_front: int) -> list[dict]:
    """Contents lines with the first page of each part; exhibits count their separator and pages."""
    entries = []
    page = 1 + counts[0] + toc_pages
    extra = [0] * n_front + exhibit_pages + [0] * (len(parts) - n_front - len(exhibit_pages))
    for i, part in enumerate(parts):
        if i == 0:
            entries.append({"title": part.title, "level": 1, "page": 1})
            entries.append({"title": "Contents", "level": 1, "page": 1 + counts[0]})
            continue
        if i == n_front and exhibit_pages:
            entries.append({"title": "Exhibits", "level": 1, "page": page})
        entries.append({"title": part.title, "level": part.level, "page": page})
        page += counts[i] + extra[i]
    return entries
