"""Hostile input: markup and CSS in every text field, URL fetching, hostile exhibits, time and memory limits."""
from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys

import pikepdf
import pytest
from weasyprint.urls import FatalURLFetchingError

from cone.filing.errors import InputError
from cone.filing.models import Filing
from cone.filing.parser import dumps
from cone.pdf import MAX_EXHIBIT_BYTES, check_exhibit, extract_filing, render_html, render_packet, workers
from cone.pdf.fetcher import AssetFetcher

from .conftest import PACK, example, filing, make_pdf, page_links, page_texts, running, with_link_and_script

PAYLOAD = ('</td></p><script>alert(1)</script><link rel="attachment" href="file:///etc/passwd">'
           '<img src="http://127.0.0.1:9/x.png"><style>@page{size:1in}*{display:none}</style>'
           '<a href="data:text/html,hi">{{ 7*7 }}</a> url(file:///etc/shadow)')


def hostile() -> Filing:
    """The example with the payload in every free-text field of the format (patterned fields keep valid values)."""
    data = example()
    for part in ("applicant", "project"):
        for key in ("legal_name", "dba", "parent", "summary", "title", "description", "facility_name"):
            if key in type(getattr(Filing.model_construct(), part)).model_fields:
                data[part][key] = PAYLOAD
    data["applicant"]["mailing_address"]["street"] = PAYLOAD
    data["applicant"]["contact"].update(name=PAYLOAD, title=PAYLOAD)
    data["site"]["street"] = data["site"]["town"] = PAYLOAD
    data["services"][0]["name"] = PAYLOAD
    data["notice_contact"] = {"agency": PAYLOAD, "attention": PAYLOAD, "address": PAYLOAD, "phone": PAYLOAD}
    data["publication"]["newspaper"] = PAYLOAD
    data["utilization"] = [{"service": PAYLOAD, "year": PAYLOAD, "unit": PAYLOAD}]
    data["principles"] = {"public_need": PAYLOAD * 10}
    data["project"]["title"] = "W" * 1900          # one unbroken word: must wrap, not run off the page
    return filing(data)


@pytest.fixture(scope="module")
def hostile_pdf() -> bytes:
    return render_packet(hostile(), PACK, exhibits=[("<b>x</b> " + PAYLOAD[:150], make_pdf())])


def test_hostile_text_prints_literally(hostile_pdf):
    text = "\n".join(page_texts(hostile_pdf))
    assert "<script>alert(1)</script>" in text.replace("\n", "")
    assert "{{ 7*7 }}" in text
    with pikepdf.open(io.BytesIO(hostile_pdf)) as pdf:
        assert all(page.mediabox[2] == 612 for page in pdf.pages)   # injected @page size ignored
        assert list(pdf.attachments) == ["filing.json"]              # no <link rel=attachment> smuggling
    contents = [i for i, page in enumerate(page_texts(hostile_pdf)) if page.startswith("CONTENTS\n")]
    assert {page for page, _ in page_links(hostile_pdf)} == set(contents)   # no links made from user text
    runs = [len(run) for line in text.splitlines() for run in re.findall("W+", line)]
    assert sum(runs) >= 1900 and max(runs) < 200                   # the unbroken word wraps inside its cell


def test_hostile_text_is_escaped_in_html():
    html = render_html(hostile(), PACK)
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<style>") == 1                     # the packet's own stylesheet only


def test_hostile_filing_round_trips(hostile_pdf):
    assert extract_filing(hostile_pdf) == dumps(hostile())


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/", "https://example.org/x.css",
                                 "data:text/css,*{}", "ftp://example.org/x", "/etc/passwd"])
def test_fetcher_refuses_everything_but_packaged_assets(url):
    fetcher = AssetFetcher()
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


@pytest.mark.parametrize("name", ["../packet.py", "../../cli.py", "fonts/../../fetcher.py", "nope.css", ""])
def test_fetcher_serves_only_files_inside_assets(name):
    with pytest.raises(ValueError):
        AssetFetcher().fetch("cone-asset:" + name)


def test_fetcher_serves_packaged_fonts():
    response = AssetFetcher().fetch("cone-asset:fonts/LiberationSerif-Regular.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"


def encrypted(**kw) -> bytes:
    return make_pdf(1, encryption=pikepdf.Encryption(**kw))


@pytest.mark.parametrize("data, message", [
    (b"<html><body>not a pdf</body></html>", "not a PDF"),
    (b"", "not a PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a PDF"),
    (encrypted(owner="o", user="u"), "encrypted"),
    (encrypted(owner="o", user=""), "encrypted"),
    (make_pdf(3)[:-300], "damaged"),
    (b"%PDF-1.7\n" + b"garbage " * 100, "damaged"),
    (make_pdf(0), "has 0 pages"),
])
def test_bad_exhibits_are_rejected_with_a_clear_message(data, message):
    with pytest.raises(InputError, match=message) as err:
        check_exhibit(data, "Exhibit.pdf")
    assert "Exhibit.pdf" in str(err.value) or message == "an exhibit needs a name"


def test_exhibit_size_limit(monkeypatch):
    monkeypatch.setattr("cone.pdf.exhibits.MAX_EXHIBIT_BYTES", 1000)
    with pytest.raises(InputError, match="the limit is"):
        check_exhibit(make_pdf(5), "big")
    assert MAX_EXHIBIT_BYTES >= 10 << 20


def test_exhibit_needs_a_name():
    with pytest.raises(InputError, match="needs a name"):
        check_exhibit(make_pdf(), "  ")


def test_render_packet_rejects_a_bad_exhibit():
    with pytest.raises(InputError, match="not a PDF"):
        render_packet(filing(), PACK, exhibits=[("Good", make_pdf()), ("Bad", b"MZ\x90\0")])


def test_exhibit_links_and_scripts_are_not_carried_over():
    data = render_packet(filing(), PACK, exhibits=[("Linked", with_link_and_script(make_pdf()))])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/OpenAction" not in pdf.Root and "/JavaScript" not in pdf.Root.get("/Names", {})
        dicts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)]
        assert not any("/JS" in o for o in dicts)
    assert {page for page, _ in page_links(data)} == {1}             # the contents' links alone (no /URI: page_links)


def _pid(_: object) -> int:
    return os.getpid()


BIG_TABLE = "<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 20000 + "</table>"


def test_a_render_past_the_time_limit_is_stopped_with_its_workers_and_the_pool_recovers(monkeypatch):
    workers.render_later(["<p>warm</p>"])()
    busy = set(workers.pool().map(_pid, range(8)))
    monkeypatch.setattr(workers, "TIME_LIMIT", 0.05)
    with pytest.raises(InputError, match="longer than 0.05 seconds"):
        workers.render_later([BIG_TABLE])()
    assert not any(map(running, busy))
    monkeypatch.setattr(workers, "TIME_LIMIT", 60)
    assert workers.render_later(["<p>ok</p>"])()[0].startswith(b"%PDF-")
    assert not busy & set(workers.pool().map(_pid, range(8)))


@pytest.fixture
def memory_limit(monkeypatch):
    """Workers under a limit of 400 MB (they start with some 250 MB of address space)."""
    workers.shutdown()
    monkeypatch.setattr(workers, "MEMORY_LIMIT", 400 << 20)
    yield workers.MEMORY_LIMIT
    workers.shutdown()


def test_a_render_past_the_memory_limit_fails_with_a_clear_error_and_the_pool_recovers(memory_limit, monkeypatch):
    with pytest.raises(InputError, match="needed more than 400 MB"):
        workers.render_later(["<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 40000 + "</table>"])()
    assert workers.render_later(["<p>ok</p>"])()[0].startswith(b"%PDF-")


def _limits_of_a_child(size: int) -> tuple[tuple[int, int], int, str]:
    """In a worker: its own limit, and how a program it starts fares allocating `size` bytes."""
    child = subprocess.run([sys.executable, "-c", f"bytearray({size})"], capture_output=True, text=True, timeout=60)
    return resource.getrlimit(resource.RLIMIT_AS), child.returncode, child.stderr


def test_the_memory_limit_holds_for_every_child_of_a_worker(memory_limit):
    limits, returncode, stderr = workers.pool().apply(_limits_of_a_child, (memory_limit,))
    assert limits == (memory_limit, memory_limit)
    assert returncode != 0 and "MemoryError" in stderr
    assert workers.pool().apply(_limits_of_a_child, (memory_limit // 8,))[1] == 0
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != memory_limit      # the caller's own limit is untouched


def test_the_pool_starts_where_the_temporary_folder_is_too_long_for_its_socket(tmp_path):
    """The fork server's socket lives in the temporary folder, and a socket path holds 107 bytes."""
    long = tmp_path / ("a-temporary-folder-of-a-long-name-" * 3)
    long.mkdir()
    script = "from cone.pdf import workers; print(workers.render_later(['<p>from a long TMPDIR</p>'])()[0][:5])"
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "TMPDIR": str(long)})
    assert ran.stdout.strip() == "b'%PDF-'", ran.stderr
