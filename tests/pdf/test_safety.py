"""Hostile input: markup and CSS in every text field, URL fetching, hostile exhibits, time and memory limits."""
from __future__ import annotations

import io
import multiprocessing
import re
import resource
import tempfile

import pikepdf
import pytest
from weasyprint.urls import FatalURLFetchingError

from cone.filing.errors import InputError
from cone.filing.models import Filing
from cone.filing.parser import dumps
from cone.pdf import MAX_EXHIBIT_BYTES, check_exhibit, extract_filing, render_html, render_packet, workers
from cone.pdf.fetcher import AssetFetcher
from cone.pdf.forked import ForkedPool

from .conftest import PACK, example, filing, make_pdf, page_links, page_texts, with_link_and_script

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


def test_a_render_past_the_time_limit_is_stopped_and_the_pool_recovers(monkeypatch, pool_kind):
    workers.render_later(["<p>warm</p>"])()
    stopped = workers._pool
    monkeypatch.setattr(workers, "TIME_LIMIT", 0.05)
    with pytest.raises(InputError, match="longer than 0.05 seconds"):
        workers.render_later(["<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 20000 + "</table>"])()
    if pool_kind == "forked":
        assert not stopped._host.is_alive()
    else:
        assert all(process.exitcode is not None for process in stopped._pool)
    monkeypatch.setattr(workers, "TIME_LIMIT", 60)
    assert workers.render_later(["<p>ok</p>"])()[0].startswith(b"%PDF-")


def _allocate(limit: int, queue) -> None:
    workers._init_worker(limit)
    try:
        bytearray(limit)
        queue.put("allocated")
    except MemoryError:
        queue.put("MemoryError")


def test_workers_run_under_an_address_space_limit():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    limit = 1 << 30
    process = context.Process(target=_allocate, args=(limit, queue))
    process.start()
    process.join(60)
    assert queue.get(timeout=5) == "MemoryError"
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != limit      # the caller's own limit is untouched


def test_the_fork_server_starts_where_the_temporary_folder_is_too_long_for_its_socket(tmp_path, monkeypatch):
    long = tmp_path / ("a-temporary-folder-of-a-long-name-" * 3)
    long.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    workers._reset_pool()
    workers._stop_fork_server()         # so that one starts now, under this TMPDIR
    monkeypatch.setattr(workers.threading, "active_count", lambda: 2)
    try:
        assert workers.render_later(["<p>from a long TMPDIR</p>"])()[0].startswith(b"%PDF-")
        assert workers._pool._ctx.get_start_method() == "forkserver"
    finally:
        workers._reset_pool()
        workers._stop_fork_server()     # the next test's server starts afresh, under its own TMPDIR


def test_a_single_threaded_process_forks_render_workers_from_a_host_child_of_its_own(monkeypatch):
    workers._reset_pool()
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    try:
        assert workers.render_later(["<p>from the command line</p>"])()[0].startswith(b"%PDF-")
        assert isinstance(workers._pool, ForkedPool)
    finally:
        workers._reset_pool()


def test_a_threaded_process_forks_render_workers_from_a_single_threaded_server():
    """A web server's render thread must not fork workers from its own, multi-threaded process."""
    import threading

    release = threading.Event()
    bystander = threading.Thread(target=release.wait)
    bystander.start()
    try:
        workers._reset_pool()
        assert workers.render_later(["<p>from a threaded process</p>"])()[0].startswith(b"%PDF-")
        assert workers._pool._ctx.get_start_method() == "forkserver"
    finally:
        release.set()
        bystander.join()
        workers._reset_pool()
