"""Merge rendered parts and exhibits into one PDF/A-3b packet with pikepdf.

Parts arrive as separate PDFs without page chrome; exhibits are placed, scaled, inside the
running header and footer (as form XObjects: their links, forms and scripts are not carried
over); the chrome page (header, footer, draft watermark) is drawn over every page, then every
page gets "Page X of Y", the contents lines become links to their pages, and the packet gets
its outline, page labels, XMP metadata, the sRGB output intent and the embedded filing.json.
Dates come from the caller, so the same input always gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Rectangle, String

from ..filing.errors import InputError
from . import ASSETS
from .stamp import stamp_page_numbers

LETTER = (612, 792)
EXHIBIT_BOX = Rectangle(36, 52, 576, 738)   # inside the stamped header and footer
ATTACHMENT = "filing.json"
PAGE_LINK = "cone-page:"                    # href of a contents line: cone-page:7 goes to packet page 7
PRINT_FLAG = 4                              # PDF/A wants every annotation printable
PRODUCER = "cone (WeasyPrint, pikepdf)"


@dataclass
class Piece:
    """A run of packet pages with one bookmark: a rendered part (one or more documents), then the
    exhibit it introduces, then children. A part still being rendered comes as `later`, which
    waits for its documents, with the number of pages they will have: the rest is assembled
    around them meanwhile."""

    title: str
    pdfs: list[bytes] = field(default_factory=list)
    exhibit: pikepdf.Pdf | None = None
    level: int = 1
    children: list[Piece] = field(default_factory=list)
    later: Callable[[], list[bytes]] | None = None
    pages: int = 0


class PageCountChanged(Exception):
    """A part rendered later has another number of pages than its piece said."""

    def __init__(self, pages: int):
        super().__init__(f"the part has {pages} pages")
        self.pages = pages


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    date: dt.datetime


def _pdf_date(d: dt.datetime) -> str:
    return d.strftime("D:%Y%m%d%H%M%S+00'00'")


def _overlay(page: pikepdf.Page, form: pikepdf.Object, name: str, rect: Rectangle) -> None:
    """Draw `form` over the page, scaled into rect (pikepdf's add_overlay picks random resource
    names, which would make the output differ from run to run)."""
    placed = page.add_resource(form, Name.XObject, Name(name))
    drawing = page.calc_form_xobject_placement(form, placed, rect, allow_shrink=True, allow_expand=True)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + drawing)


def _place_exhibit(out: pikepdf.Pdf, exhibit: pikepdf.Pdf) -> None:
    for page in exhibit.pages:
        form = out.copy_foreign(page.as_form_xobject())
        target = out.add_blank_page(page_size=LETTER)
        _overlay(target, form, "/ConeExhibit", EXHIBIT_BOX)


def _append(out: pikepdf.Pdf, piece: Piece, later: list[tuple[int, Piece]]) -> None:
    """The piece's pages at the end of `out`; for a part rendered later, places held for them
    (noted in `later`, for _put_in)."""
    if piece.later is not None:
        later.append((len(out.pages), piece))
        for _ in range(piece.pages):
            out.add_blank_page(page_size=LETTER)
    for pdf in piece.pdfs:
        with pikepdf.open(io.BytesIO(pdf)) as src:
            out.pages.extend(src.pages)
    if piece.exhibit is not None:
        _place_exhibit(out, piece.exhibit)


def _put_in(out: pikepdf.Pdf, start: int, piece: Piece) -> None:
    """The pages of a part rendered later, in the places held for them; PageCountChanged when
    they are not as many."""
    pages = []
    for pdf in piece.later():          # type: ignore[misc]
        with pikepdf.open(io.BytesIO(pdf)) as src:
            pages += [out.copy_foreign(page.obj) for page in src.pages]
    if len(pages) != piece.pages:
        raise PageCountChanged(len(pages))
    for i, page in enumerate(pages):
        out.pages[start + i] = pikepdf.Page(page)


def _link_pages(out: pikepdf.Pdf) -> None:
    """Turn the contents' `cone-page:N` links (WeasyPrint writes them as URI links) into links to
    page N, and drop any other link: the packet links only to itself."""
    for page in out.pages:
        if "/Annots" not in page.obj:
            continue
        kept = Array()
        for annot in page.obj.Annots:
            target = str(annot.get("/A", {}).get("/URI", ""))
            number = target[len(PAGE_LINK):]
            if annot.get("/Subtype") == Name.Link and target.startswith(PAGE_LINK) and number.isascii() \
                    and number.isdigit() and 1 <= int(number) <= len(out.pages):
                del annot.A
                annot.Dest = pikepdf.make_page_destination(out, int(number) - 1, "Fit")
                annot.F = PRINT_FLAG
                kept.append(annot)
        if kept:
            page.obj.Annots = kept
        else:
            del page.obj.Annots


def _attach_filing(out: pikepdf.Pdf, filing_json: str, date: str) -> None:
    data = filing_json.encode("utf-8")
    stream = pikepdf.Stream(out, data)
    stream.Type = Name.EmbeddedFile
    stream.Subtype = Name("/application/json")
    stream.Params = Dictionary(Size=len(data), ModDate=String(date))
    spec = out.make_indirect(Dictionary(
        Type=Name.Filespec, F=String(ATTACHMENT), UF=String(ATTACHMENT),
        Desc=String("The filing (cone.filing/1 JSON) this application was generated from"),
        AFRelationship=Name.Source, EF=Dictionary(F=stream, UF=stream)))
    out.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String(ATTACHMENT), spec])))
    out.Root.AF = Array([spec])


def _pdfa(out: pikepdf.Pdf, meta: Metadata) -> None:
    icc = pikepdf.Stream(out, (ASSETS / "sRGB2014.icc").read_bytes())
    icc.N = 3
    out.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB IEC61966-2.1"),
        Info=String("sRGB IEC61966-2.1"), DestOutputProfile=icc)])
    out.Root.Lang = String(meta.language)
    out.Root.MarkInfo = Dictionary(Marked=False)
    date = _pdf_date(meta.date)
    out.docinfo = out.make_indirect(Dictionary(
        Title=String(meta.title), Author=String(meta.author), Subject=String(meta.subject),
        Keywords=String(meta.keywords), Creator=String("cone"), Producer=String(PRODUCER),
        CreationDate=String(date), ModDate=String(date)))
    iso = meta.date.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["pdfaid:part"] = "3"
        xmp["pdfaid:conformance"] = "B"
        xmp["dc:title"] = meta.title
        xmp["dc:creator"] = [meta.author]
        xmp["dc:description"] = meta.subject
        xmp["dc:language"] = {meta.language}
        xmp["pdf:Keywords"] = meta.keywords
        xmp["pdf:Producer"] = PRODUCER
        xmp["xmp:CreatorTool"] = "cone"
        xmp["xmp:CreateDate"] = iso
        xmp["xmp:ModifyDate"] = iso
        xmp["xmp:MetadataDate"] = iso


def assemble(pieces: list[Piece], chrome_page: bytes, meta: Metadata, filing_json: str) -> bytes:
    """The packet: pieces in order with exhibits placed, the chrome page drawn over every page,
    page numbers stamped, with outline, page labels, PDF/A metadata and filing.json."""
    out = pikepdf.new()
    outline: list[OutlineItem] = []
    later: list[tuple[int, Piece]] = []
    for piece in pieces:
        item = OutlineItem(piece.title, len(out.pages))
        _append(out, piece, later)
        for child in piece.children:
            item.children.append(OutlineItem(child.title, len(out.pages)))
            _append(out, child, later)
        outline.append(item)
    with pikepdf.open(io.BytesIO(chrome_page)) as src:
        chrome = out.copy_foreign(src.pages[0].as_form_xobject())
    held = {start + i for start, piece in later for i in range(piece.pages)}
    for i, page in enumerate(out.pages):
        if i not in held:
            _overlay(page, chrome, "/ConeChrome", Rectangle(0, 0, *LETTER))
    for start, piece in later:
        _put_in(out, start, piece)
    for i in sorted(held):
        _overlay(out.pages[i], chrome, "/ConeChrome", Rectangle(0, 0, *LETTER))
    stamp_page_numbers(out)
    _link_pages(out)
    with out.open_outline() as tree:
        tree.root.extend(outline)
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    out.Root.PageMode = Name.UseOutlines
    _attach_filing(out, filing_json, _pdf_date(meta.date))
    _pdfa(out, meta)
    buffer = io.BytesIO()
    out.save(buffer, min_version="1.7", deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def extract_filing(pdf_bytes: bytes) -> str:
    """The text of the embedded filing.json of a packet, or InputError."""
    try:
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            files = pdf.attachments
            if ATTACHMENT not in files:
                raise InputError(f"this PDF has no embedded {ATTACHMENT}; it was not generated by cone")
            data = files[ATTACHMENT].get_file().read_bytes()
    except pikepdf.PdfError:
        raise InputError("not a readable PDF") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"the embedded {ATTACHMENT} is not UTF-8 text") from None
