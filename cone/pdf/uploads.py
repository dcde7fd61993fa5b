"""Uploads made into exhibits: a PDF as it is, JPEG, PNG and TIFF images as PDF pages (img2pdf),
Word and OpenDocument text through LibreOffice in headless mode; each result opened, checked
within limits (pages, decompressed bytes) and cleaned of active content. `prepare_upload` runs
all of it in a render pool worker, under the pool's memory limit and a time limit, never in the
caller's process."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import img2pdf
from PIL import Image, UnidentifiedImageError

from ..filing.errors import InputError
from .exhibits import MAX_EXHIBIT_PAGES, clean_exhibit
from .workers import run_limited

MAX_IMAGE_PIXELS = 150_000_000        # per page: a 600 dpi scan of a 17 x 22 inch sheet is 135 million
MAX_OFFICE_UNPACKED = 200 * 2**20     # what a Word or OpenDocument file may hold once unzipped
MAX_OFFICE_ENTRIES = 5000
SOFFICE = os.environ.get("CONE_SOFFICE", "soffice")
ODF_TEXT = b"application/vnd.oasis.opendocument.text"
OLE = bytes.fromhex("d0cf11e0a1b11ae1")   # the container of a Word 97-2003 .doc
ACCEPTED = "PDF, JPEG, PNG, TIFF, Word (.docx, .doc) or OpenDocument text (.odt)"


@dataclass(frozen=True)
class Prepared:
    """An upload made ready to attach: its PDF (cleaned), what it came as, its pages, and the
    active content that was removed from it."""

    pdf: bytes
    source: str          # pdf, jpeg, png, tiff, docx, doc, odt
    pages: int
    removed: tuple[str, ...]


def kind_of(data: bytes) -> str | None:
    """What the bytes are, by their content (never by the file name): a name of `Prepared.source`."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(OLE):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and archive.read("mimetype").strip() == ODF_TEXT:
                    return "odt"
        except (zipfile.BadZipFile, OSError, KeyError):
            return "damaged-zip"
    return None


def prepare_upload(data: bytes, name: str, pdf_data: bytes | None, convert_seconds: float,
                   time_limit: float) -> Prepared:
    """The upload converted, checked and cleaned in a render pool worker within `time_limit`
    seconds (LibreOffice within `convert_seconds` of them); `pdf_data` is the PDF part of a PDF
    upload (from its header on). InputError in plain words for anything that cannot be attached."""
    return run_limited(_prepare, (data, name, pdf_data, convert_seconds), time_limit, "checking the upload")


def _prepare(data: bytes, name: str, pdf_data: bytes | None, convert_seconds: float) -> Prepared:
    """_convert in the worker; past the memory limit, a MemoryError of its own once the
    memory is freed (the pool could not send back the original, whose traceback holds it)."""
    try:
        return _convert(data, name, pdf_data, convert_seconds)
    except MemoryError:
        pass
    raise MemoryError("the upload check exceeded the worker's memory limit")


def _convert(data: bytes, name: str, pdf_data: bytes | None, convert_seconds: float) -> Prepared:
    where = f"{name[:80]!r}"
    source = kind_of(data)
    if source == "pdf":
        converted = pdf_data if pdf_data is not None else data
    elif source in ("jpeg", "png", "tiff"):
        converted = image_pdf(data, where)
    elif source in ("docx", "doc", "odt"):
        converted = office_pdf(data, source, where, convert_seconds)
    elif source == "damaged-zip":
        raise InputError(f"{where} is damaged (its archive cannot be read); save it again from Word or LibreOffice",
                         path="exhibit")
    else:
        raise InputError(f"{where} is not a file cone can attach: upload a {ACCEPTED} file", path="exhibit")
    clean, pages, removed = clean_exhibit(converted, name, report=True)
    return Prepared(clean, source, pages, tuple(removed))


def image_pdf(data: bytes, where: str) -> bytes:
    """An image's pages (every frame of a TIFF) as a PDF, its sizes checked before any is decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_EXHIBIT_PAGES:
                raise InputError(f"{where} has {frames} pages; an exhibit may have at most {MAX_EXHIBIT_PAGES}",
                                 path="exhibit")
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InputError(f"{where} is {width:,} × {height:,} pixels, too large to attach "
                                     f"(at most {MAX_IMAGE_PIXELS // 10**6} million pixels a page); "
                                     "scan it again at 300 dpi", path="exhibit")
    except Image.DecompressionBombError:
        raise InputError(f"{where} is too large to attach (more than {MAX_IMAGE_PIXELS // 10**6} million pixels "
                         "a page); scan it again at 300 dpi", path="exhibit") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InputError(f"{where} is a damaged image and cannot be read; save it again or scan it again",
                         path="exhibit") from None
    try:
        return img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid)
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, OSError, ValueError, TypeError,
            SyntaxError, EOFError, Image.DecompressionBombError):
        raise InputError(f"{where} is an image cone cannot convert; save it as JPEG or PDF and upload that",
                         path="exhibit") from None


def office_pdf(data: bytes, source: str, where: str, seconds: float) -> bytes:
    """A Word or OpenDocument file converted by LibreOffice, with a private profile in a temporary
    folder (removed afterwards, whatever happens) and a time limit; LibreOffice inherits this
    process's memory limit. InputError when it is too large unpacked, damaged, or too slow."""
    if source != "doc":
        _check_archive(data, where)
    with tempfile.TemporaryDirectory(prefix="cone-convert-") as folder:
        work = Path(folder)
        document = work / f"upload.{source}"
        document.write_bytes(data)
        command = [SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(work / "out"), str(document)]
        env = {"HOME": folder, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise InputError(f"converting {where} to PDF took longer than {seconds:g} seconds and was stopped; "
                             "save it as PDF from Word or LibreOffice and upload that", path="exhibit") from None
        finally:
            _stop(process)
        result = work / "out" / "upload.pdf"
        if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise InputError(f"{where} could not be converted to PDF (LibreOffice could not read it); "
                             "it may be damaged: save it again or upload it as PDF", path="exhibit")
        return result.read_bytes()


def _stop(process: subprocess.Popen) -> None:
    """End LibreOffice and whatever it started (its own session), if still running."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _check_archive(data: bytes, where: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"{where} is damaged (its archive cannot be read); save it again from Word or LibreOffice",
                         path="exhibit") from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_OFFICE_ENTRIES or unpacked > MAX_OFFICE_UNPACKED:
        raise InputError(f"{where} unpacks to {unpacked / 2**20:,.0f} MB in {len(entries):,} parts, more than an "
                         f"exhibit may hold ({MAX_OFFICE_UNPACKED >> 20} MB); save it as PDF and upload that",
                         path="exhibit")
