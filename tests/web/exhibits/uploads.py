"""Upload files made in the tests: images by Pillow, Word and OpenDocument text as the smallest
archives LibreOffice reads, and a deflated stream that inflates to a given size."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def image(kind: str, size: tuple[int, int] = (850, 1100), frames: int = 1) -> bytes:
    """A white page with a dark band, as JPEG, PNG or TIFF (TIFF with `frames` pages)."""
    pages = []
    for i in range(frames):
        page = Image.new("RGB", size, "white")
        page.paste((20, 40, 90 + i), (50, 50, size[0] - 50, 150))
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, kind, dpi=(100, 100), save_all=frames > 1, append_images=pages[1:])
    return out.getvalue()


def huge_tiff(width: int = 100_000, height: int = 100_000) -> bytes:
    """A TIFF header claiming width x height pixels (40 GB as RGB) over a few bytes of data."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, 16)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + b"\0\0\0\0"
    return b"II*\x00" + struct.pack("<I", 24) + b"\0" * 16 + ifd


def docx(text: str = "A letter of support for the project.") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
                   f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def odt(text: str = "Financial statements, audited.") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
                   'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
                   f'text:1.0" office:version="1.2"><office:body><office:text><text:p>{text}</text:p></office:text>'
                   '</office:body></office:document-content>')
    return out.getvalue()


def inflating(size: int) -> bytes:
    """Zeros deflated: a small stream that inflates to `size` bytes."""
    deflate = zlib.compressobj(6)
    chunk = bytes(64 * 2**20)
    parts = [deflate.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + deflate.compress(bytes(size % len(chunk))) + deflate.flush()
