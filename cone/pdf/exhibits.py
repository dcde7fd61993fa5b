"""Uploaded exhibits: checked by content (a PDF, not too large, not encrypted, readable), and
re-saved without what a reader would run or open (scripts, automatic and launch actions,
embedded files)."""
from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Stream

from ..filing.errors import InputError

MAX_EXHIBIT_BYTES = 50 * 1024 * 1024
MAX_EXHIBIT_PAGES = 1000
MAX_NAME = 200
MAX_DECODED_BYTES = 512 * 2**20      # all of an exhibit's streams once decompressed
DECODE_CHUNK = 4 * 2**20
# Actions that run code, start a program, open an embedded file, or send or fetch data: never kept.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/SubmitForm", "/RichMediaExecute"})
# Annotations that carry a file or a player of their own: dropped from the pages.
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"})
# Keys that trigger an action by themselves or hold a script or a file, wherever they appear.
ACTIVE_KEYS = ("/AA", "/JS", "/EF", "/AF", "/RichMediaContent")
# What each removed key, name tree or action is, in the words the upload page uses.
REMOVED = {"/OpenAction": "an automatic action on opening", "/Collection": "embedded files",
           "/JavaScript": "scripts", "/EmbeddedFiles": "embedded files", "/XFA": "form scripts",
           "/FileAttachment": "attached files and media", "/AA": "automatic actions", "/JS": "scripts",
           "/EF": "embedded files", "/AF": "embedded files", "/RichMediaContent": "media",
           "/Launch": "actions that start programs", "/GoToE": "embedded files", "/ImportData": "form actions",
           "/SubmitForm": "form actions", "/RichMediaExecute": "media"}


@dataclass(frozen=True)
class PacketExhibit:
    """An exhibit as the packet prints it: its title, its PDF, the letter it is cited by (blank:
    lettered by position) and a description for the exhibit index."""

    title: str
    data: bytes
    letter: str = ""
    description: str = ""


def exhibit_letter(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... for index 0, 1, ...: the letter an exhibit is cited by."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def open_exhibit(data: bytes, name: str) -> pikepdf.Pdf:
    """The exhibit as an open PDF, or InputError saying why it cannot be attached."""
    where = f"exhibit {name[:80]!r}"
    if not name or not name.strip() or len(name) > MAX_NAME:
        raise InputError(f"an exhibit needs a name of 1 to {MAX_NAME} characters", path="exhibits")
    if len(data) > MAX_EXHIBIT_BYTES:
        raise InputError(f"{where} is {len(data) / 2**20:.1f} MB; the limit is {MAX_EXHIBIT_BYTES >> 20} MB", path="exhibits")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{where} is not a PDF (its content does not start with a PDF header, whatever its file name)",
                         path="exhibits")
    try:
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    except pikepdf.PasswordError:
        raise InputError(f"{where} is encrypted (password protected); attach an unprotected copy", path="exhibits") from None
    except pikepdf.PdfError:
        raise InputError(f"{where} is damaged and cannot be read; re-save it as PDF from its source", path="exhibits") from None
    try:
        if pdf.is_encrypted:
            raise InputError(f"{where} is encrypted (it carries usage restrictions); attach an unprotected copy",
                             path="exhibits")
        if not 0 < len(pdf.pages) <= MAX_EXHIBIT_PAGES:
            raise InputError(f"{where} has {len(pdf.pages)} pages; an exhibit needs 1 to {MAX_EXHIBIT_PAGES}",
                             path="exhibits")
        for page in pdf.pages:
            page.mediabox  # noqa: B018  raises on a page without a usable size
            for stream in _contents(page):
                stream.read_bytes()
    except InputError:
        pdf.close()
        raise
    except (pikepdf.PdfError, KeyError, TypeError, ValueError, AttributeError):
        pdf.close()
        raise InputError(f"{where} is damaged and cannot be read; re-save it as PDF from its source", path="exhibits") from None
    return pdf


def _contents(page: pikepdf.Page) -> list[pikepdf.Stream]:
    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def check_exhibit(data: bytes, name: str) -> None:
    """Raise InputError unless `data` is an attachable PDF exhibit (see open_exhibit)."""
    open_exhibit(data, name).close()


def clean_exhibit(data: bytes, name: str, *, report: bool = False) -> bytes | tuple[bytes, int, list[str]]:
    """The exhibit re-saved without JavaScript, the open action, additional actions, launch and
    other active actions, and embedded files; InputError as for open_exhibit, or when its streams
    decompress to more than MAX_DECODED_BYTES. With `report`, also its page count and the kinds
    of active content removed."""
    with open_exhibit(data, name) as doc:
        check_decoded_size(doc, name)
        try:
            removed = disarm(doc)
            out = io.BytesIO()
            doc.save(out, deterministic_id=True)
            pages = len(doc.pages)
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, AttributeError):
            raise InputError(f"exhibit {name[:80]!r} is damaged and cannot be read; re-save it as PDF from its source",
                             path="exhibits") from None
    return (out.getvalue(), pages, removed) if report else out.getvalue()


def check_decoded_size(doc: pikepdf.Pdf, name: str) -> None:
    """InputError when the document's streams decompress to more than MAX_DECODED_BYTES (a
    decompression bomb). Deflated streams are inflated a chunk at a time and never held whole."""
    total = 0
    for obj in doc.objects:
        if isinstance(obj, Stream):
            total += _decoded_size(obj, MAX_DECODED_BYTES - total)
            if total > MAX_DECODED_BYTES:
                raise InputError(f"exhibit {name[:80]!r} decompresses to more than {MAX_DECODED_BYTES >> 20} MB, "
                                 "more than an exhibit may hold (it may be a decompression bomb); "
                                 "save it again at a lower resolution", path="exhibit")


def _decoded_size(stream: Stream, budget: int) -> int:
    """The stream's decoded length, counted no further than just past `budget`."""
    filters = stream.get("/Filter")
    if isinstance(filters, Array) and len(filters) == 1:
        filters = filters[0]
    try:
        if filters == "/FlateDecode":
            inflate = zlib.decompressobj()
            size = len(inflate.decompress(stream.read_raw_bytes(), DECODE_CHUNK))
            while inflate.unconsumed_tail and size <= budget:
                size += len(inflate.decompress(inflate.unconsumed_tail, DECODE_CHUNK))
            return size
        return len(stream.read_bytes())
    except (zlib.error, pikepdf.PdfError):
        return 0          # a stream a reader cannot decode either: nothing to inflate


def disarm(doc: pikepdf.Pdf) -> list[str]:
    """Remove from `doc` everything a PDF reader would run or open on its own or on a click;
    the kinds of what was removed, in words, sorted ("scripts", "embedded files" ...)."""
    found: set[str] = set()
    root = doc.Root
    for key in ("/OpenAction", "/Collection"):
        if key in root:
            del root[key]
            found.add(REMOVED[key])
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
                found.add(REMOVED[key])
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:        # XFA forms carry their own scripts
        del form["/XFA"]
        found.add(REMOVED["/XFA"])
    for page in doc.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array):
            kept = Array([a for a in annots
                          if not (isinstance(a, Dictionary) and a.get("/Subtype") in ACTIVE_ANNOTATIONS)])
            if len(kept) != len(annots):
                found.add(REMOVED["/FileAttachment"])
            page.obj.Annots = kept
    for obj in doc.objects:
        if isinstance(obj, (Dictionary, Stream)):
            _disarm_dictionary(obj, found)
    return sorted(found)


def _is_active(action: object) -> bool:
    return isinstance(action, Dictionary) and str(action.get("/S", "")) in ACTIVE_ACTIONS


def _disarm_dictionary(obj: Dictionary | Stream, found: set[str]) -> None:
    """Drop the active keys and actions of one dictionary and of the direct ones inside it
    (indirect ones are reached as objects of their own), noting their kinds in `found`."""
    pending: list[Dictionary | Stream | Array] = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, Array):
            pending.extend(child for child in item if isinstance(child, (Dictionary, Array)) and not child.is_indirect)
            continue
        for key in ACTIVE_KEYS:
            if key in item:
                del item[key]
                found.add(REMOVED[key])
        if _is_active(item.get("/A")):
            found.add(REMOVED[str(item.A.S)])
            del item["/A"]
        following = item.get("/Next")
        if _is_active(following):
            found.add(REMOVED[str(following.S)])
            del item["/Next"]
        elif isinstance(following, Array):
            kept = Array([action for action in following if not _is_active(action)])
            found.update(REMOVED[str(action.S)] for action in following if _is_active(action))
            item.Next = kept
        for key in list(item.keys()):
            child = item[key]
            if isinstance(child, (Dictionary, Array)) and not child.is_indirect:
                pending.append(child)
