"""Uploaded exhibits: checked by content (a PDF, not too large, not encrypted, readable)."""
from __future__ import annotations

import io

import pikepdf

from ..filing.errors import InputError

MAX_EXHIBIT_BYTES = 50 * 1024 * 1024
MAX_EXHIBIT_PAGES = 1000
MAX_NAME = 200


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
