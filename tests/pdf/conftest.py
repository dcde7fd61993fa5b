"""Fixtures for the PDF tests: the shared example, small exhibit PDFs, and packets rendered once per session."""
from __future__ import annotations

import copy
import io
import os
from decimal import Decimal
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader

from cone.filing.models import Filing
from cone.filing.parser import parse_filing
from cone.rules.checklist import get_pack
from cone.pdf import render_packet, workers
from example_filing import EXAMPLE, complete_example  # noqa: F401 (EXAMPLE for the CLI tests)

PACK = get_pack("CT")
_EXAMPLE = complete_example(parse_float=Decimal)


def example() -> dict[str, Any]:
    return copy.deepcopy(_EXAMPLE)


def filing(data: dict[str, Any] | None = None) -> Filing:
    return parse_filing(example() if data is None else data)


def make_pdf(pages: int = 1, text: str = "Exhibit text", size: tuple[int, int] = (612, 792), **save: Any) -> bytes:
    """A small PDF whose pages say `text page N` (Helvetica), saved with `save` options (e.g. encryption)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for i in range(pages):
        page = pdf.add_blank_page(page_size=size)
        page.Resources = Dictionary(Font=Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 20 Tf 72 {size[1] - 100} Td ({text} page {i + 1}) Tj ET".encode())
    buffer = io.BytesIO()
    pdf.save(buffer, **save)
    return buffer.getvalue()


def with_link_and_script(data: bytes) -> bytes:
    """The PDF with a URI link annotation on page 1 and a document-open JavaScript action."""
    pdf = pikepdf.open(io.BytesIO(data))
    link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 300, 300]),
                                        A=Dictionary(S=Name.URI, URI=pikepdf.String("http://127.0.0.1:9/track"))))
    pdf.pages[0].Annots = Array([link])
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('x')"))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def page_links(data: bytes) -> list[tuple[int, int]]:
    """(page, target page) of each annotation, zero-based; fails on any that is not a link to a
    page of the packet itself."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        links = []
        for i, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                assert annot.Subtype == Name.Link and "/A" not in annot and annot.F == 4, repr(annot)
                links.append((i, pages[annot.Dest[0].objgen]))
        assert not any("/URI" in o for o in pdf.objects if isinstance(o, Dictionary))
        return links


def _stat(pid: int) -> list[str]:
    """State, parent, group, ... of a process (/proc/PID/stat after the command name); [] when gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return []


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's is reaped by init, which in a container may never come)."""
    return _stat(pid)[:1] not in ([], ["Z"])


def running_processes(*, group: int | None = None, argument: str | None = None) -> list[int]:
    """Running processes of a process group, or with an argument on their command line."""
    found = []
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        if not running(pid) or (group is not None and _stat(pid)[2:3] != [str(group)]):
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().split(b"\0")
        except OSError:
            continue
        if argument is None or argument.encode() in arguments:
            found.append(pid)
    return found


def render_workers(group: int) -> list[int]:
    """The running render workers in a process group: forks of its fork server."""
    found = []
    for pid in running_processes(group=group):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                forkserver = b"multiprocessing.forkserver" in cmdline.read()
        except OSError:
            continue
        if forkserver and _stat(pid)[1:2] != [str(group)]:       # not the server itself, a child of the group's leader
            found.append(pid)
    return found


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="session", autouse=True)
def _stop_workers():
    yield
    workers.shutdown()


@pytest.fixture(scope="session")
def exhibits() -> list[tuple[str, bytes]]:
    return [("Proof of publication", make_pdf(2, "Proof")), ("Landscape table", make_pdf(1, "Wide", size=(842, 595)))]


@pytest.fixture(scope="session")
def draft() -> bytes:
    return render_packet(filing(), PACK, cache=False)


@pytest.fixture(scope="session")
def draft_with_exhibits(exhibits) -> bytes:
    return render_packet(filing(), PACK, exhibits=exhibits)


@pytest.fixture(scope="session")
def final() -> bytes:
    return render_packet(filing(), PACK, final=True)
