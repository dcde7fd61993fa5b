"""The exhibit manager: uploads converted to PDF (images, Word, OpenDocument) or refused in plain
words at the field, leaving nothing behind; letters that stay through reorder and removal;
reorder without script; the exhibit index and titles in the packet."""
from __future__ import annotations

import glob
import io
import os
import subprocess
import sys
import tempfile
import zlib

import pikepdf
import pytest
from pikepdf import Dictionary, Name, Stream

from conftest import csrf, tiny_pdf
from cone.pdf import workers
from cone.pdf.exhibits import MAX_DECODED_BYTES
from cone.web.extensions import db
from cone.web.models import Exhibit, ExhibitFile, FilingRecord, RenderJob
from cone.web.rendering.jobs import new_job, render
from uploads import docx, huge_tiff, image, inflating, odt

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def upload(client, filing_id: int, data: bytes, filename: str, **fields) -> str:
    response = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": csrf(client, "/account"), "exhibit": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data")
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def rows(app, filing_id: int) -> list[Exhibit]:
    with app.app_context():
        return list(db.session.scalars(db.select(Exhibit).filter_by(filing_id=filing_id).order_by(Exhibit.id)))


def stored(app, sha256: str) -> bytes:
    with app.app_context():
        return db.session.get(ExhibitFile, sha256).data


def files_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(ExhibitFile))


def field_error(page: str) -> str:
    """The inline error at the upload field."""
    start = page.index('<p class="error-message" id="exhibit-error">')
    return page[start:page.index("</p>", start)]


@pytest.mark.parametrize(("data", "filename", "source", "pages"), [
    (image("JPEG"), "affidavit-scan.jpg", "jpeg", 1), (image("PNG"), "site.png", "png", 1),
    (image("TIFF", frames=3), "minutes.tif", "tiff", 3), (docx(), "letter.docx", "docx", 1),
    (odt(), "statements.odt", "odt", 1)])
def test_an_image_word_or_opendocument_upload_becomes_a_pdf_exhibit_with_its_original_kept(
        app, login, filing_id, data, filename, source, pages):
    page = upload(login(), filing_id, data, filename, title="Signed affidavit", kind="signed_affidavit")
    assert f"Signed affidavit uploaded as Exhibit A ({pages} page" in page
    (exhibit,) = rows(app, filing_id)
    assert (exhibit.source, exhibit.pages, exhibit.kind, exhibit.letter) == (source, pages, "signed_affidavit", "A")
    with pikepdf.open(io.BytesIO(stored(app, exhibit.sha256))) as converted:
        assert len(converted.pages) == pages
    assert stored(app, exhibit.original_sha256) == data
    assert 'href="/filings/%d/exhibits/%d/original"' % (filing_id, exhibit.id) in page


def _refused(app, login, filing_id, data: bytes, filename: str) -> str:
    before = files_count(app), set(glob.glob(os.path.join(tempfile.gettempdir(), "cone-convert-*")))
    page = upload(login(), filing_id, data, filename)
    assert rows(app, filing_id) == []
    assert (files_count(app), set(glob.glob(os.path.join(tempfile.gettempdir(), "cone-convert-*")))) == before
    return field_error(page)


def test_a_damaged_word_file_is_refused_at_the_field_and_nothing_is_stored(app, login, filing_id):
    assert "is damaged (its archive cannot be read)" in _refused(app, login, filing_id, docx()[:300], "letter.docx")


def test_a_word_file_libreoffice_cannot_read_is_refused_at_the_field(app, login, filing_id):
    broken = docx().replace(b"word/document.xml", b"word/documenX.xml", 1) + b""
    message = _refused(app, login, filing_id, broken, "letter.docx")
    assert "not a file cone can attach" in message or "could not be converted to PDF" in message


def test_a_tiff_claiming_ten_billion_pixels_is_refused_before_it_is_decoded(app, login, filing_id):
    message = _refused(app, login, filing_id, huge_tiff(), "scan.tif")
    assert "too large to attach (more than 150 million pixels a page)" in message


def test_a_word_file_that_does_not_finish_converting_in_time_is_stopped_and_leaves_nothing(app, login, filing_id):
    app.config["EXHIBIT_CONVERT_SECONDS"] = 0.05
    message = _refused(app, login, filing_id, docx(), "letter.docx")
    assert "took longer than 0.05 seconds and was stopped" in message
    left = subprocess.run(["pgrep", "-f", "cone-convert-"], capture_output=True, text=True).stdout
    assert left == ""                                   # LibreOffice was stopped with its children


def bomb_pdf(size: int) -> bytes:
    """A one-page PDF whose image stream is about size/1000 bytes and inflates to `size`."""
    doc = pikepdf.new()
    doc.add_blank_page()
    picture = Stream(doc, b"")
    picture.write(inflating(size), filter=Name.FlateDecode)
    picture.Type, picture.Subtype = Name.XObject, Name.Image
    picture.Width, picture.Height, picture.BitsPerComponent = 1, 1, 8
    picture.ColorSpace = Name.DeviceGray
    doc.pages[0].Resources = Dictionary(XObject=Dictionary(Im0=picture))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused_as_a_decompression_bomb(app, login, filing_id):
    message = _refused(app, login, filing_id, bomb_pdf(MAX_DECODED_BYTES + 2**20), "bomb.pdf")
    assert f"decompresses to more than {MAX_DECODED_BYTES >> 20} MB" in message


def test_a_pdf_inflating_within_the_limit_is_accepted(app, login, filing_id):
    assert "uploaded as Exhibit A" in upload(login(), filing_id, bomb_pdf(8 * 2**20), "scan.pdf")


def test_the_pools_memory_limit_holds_for_a_worker_inflating_a_stream_and_for_a_process_it_starts():
    with pytest.raises(workers.InputError, match=f"needed more than {workers.MEMORY_LIMIT >> 20} MB"):
        workers.run_limited(zlib.decompress, (inflating(workers.MEMORY_LIMIT + 2**28),), 120, "inflating")
    child = workers.run_limited(subprocess.run, ([sys.executable, "-c", f"bytearray({workers.MEMORY_LIMIT})"],), 60,
                                "a child")
    assert child.returncode != 0
    assert workers.run_limited(subprocess.run, ([sys.executable, "-c", "bytearray(2**20)"],), 60, "a child").returncode == 0


def _move(client, filing_id: int, exhibit_id: int, direction: str):
    return client.post(f"/filings/{filing_id}/exhibits/{exhibit_id}/move",
                       data={"csrf_token": csrf(client, "/account"), "direction": direction})


def order(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>")[0]
    return [part.split('"')[0] for part in body.split('<tr id="exhibit-')[1:]]


def test_letters_stay_with_their_exhibits_through_reorder_retitle_and_removal(app, login, filing_id):
    client = login()
    for name in ("a", "b", "c"):
        upload(client, filing_id, tiny_pdf(), f"{name}.pdf")
    a, b, c = rows(app, filing_id)
    assert _move(client, filing_id, c.id, "up").status_code == 303        # the buttons work without script
    page = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert order(page) == ["A", "C", "B"]
    client.post(f"/filings/{filing_id}/exhibits/{a.id}/delete", data={"csrf_token": csrf(client, "/account")})
    edit = client.post(f"/filings/{filing_id}/exhibits/{b.id}/edit", data={
        "csrf_token": csrf(client, "/account"), "title": "Letters of support", "description": "From the town",
        "kind": "letters_of_support"})
    assert edit.status_code == 303
    upload(client, filing_id, tiny_pdf(), "d.pdf")
    page = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert order(page) == ["C", "B", "D"]              # A is gone and not reused
    assert "Letters of support</a><br><span class=\"hint\">From the town" in page


def test_down_on_the_last_exhibit_and_up_on_the_first_leave_the_order_as_it_is(app, login, filing_id):
    client = login()
    for name in ("a", "b"):
        upload(client, filing_id, tiny_pdf(), f"{name}.pdf")
    a, b = rows(app, filing_id)
    with app.app_context():
        version = db.session.get(FilingRecord, filing_id).version
    _move(client, filing_id, a.id, "up")
    _move(client, filing_id, b.id, "down")
    with app.app_context():
        assert db.session.get(FilingRecord, filing_id).version == version
    assert _move(client, filing_id, a.id, "sideways").status_code == 400


def test_a_drag_order_must_name_each_exhibit_once(app, login, filing_id):
    client = login()
    for name in ("a", "b"):
        upload(client, filing_id, tiny_pdf(), f"{name}.pdf")
    a, b = rows(app, filing_id)
    bad = client.post(f"/filings/{filing_id}/exhibits/order", data={"csrf_token": csrf(client, "/account"),
                                                                   "order": f"{a.id},{a.id}"})
    assert "must list each exhibit once" in client.get(bad.headers["Location"]).get_data(as_text=True)
    client.post(f"/filings/{filing_id}/exhibits/order", data={"csrf_token": csrf(client, "/account"),
                                                            "order": f"{b.id},{a.id}"})
    assert order(client.get(f"/filings/{filing_id}").get_data(as_text=True)) == ["B", "A"]


def test_removal_asks_first_and_only_the_confirmation_removes(app, login, filing_id):
    client = login()
    upload(client, filing_id, tiny_pdf(), "a.pdf")
    (a,) = rows(app, filing_id)
    ask = client.get(f"/filings/{filing_id}/exhibits/{a.id}/delete").get_data(as_text=True)
    assert "Remove Exhibit A?" in ask and "Yes, remove Exhibit A" in ask
    assert order(client.get(f"/filings/{filing_id}").get_data(as_text=True)) == ["A"]


def test_a_blank_title_is_refused_at_its_field_on_the_edit_page(app, login, filing_id):
    client = login()
    upload(client, filing_id, tiny_pdf(), "a.pdf")
    (a,) = rows(app, filing_id)
    response = client.post(f"/filings/{filing_id}/exhibits/{a.id}/edit", data={
        "csrf_token": csrf(client, "/account"), "title": "  ", "kind": "other"})
    assert response.status_code == 422
    assert 'id="f-title-error">Give the exhibit a title' in response.get_data(as_text=True)


def test_the_packet_prints_titles_and_an_exhibit_index_with_letters_descriptions_and_pages(app, login, filing_id):
    client = login()
    upload(client, filing_id, tiny_pdf(), "x1.pdf", title="Proof of publication")
    upload(client, filing_id, image("TIFF", frames=2), "x2.tif", title="Town letter", description="From the first selectman")
    first, second = rows(app, filing_id)
    _move(client, filing_id, second.id, "up")
    with app.app_context():
        job = new_job(filing_id, db.session.get(FilingRecord, filing_id).version, False, "t")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        render(job_id)
        data = db.session.get(RenderJob, job_id).pdf
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    index = text[text.index("Exhibit index"):]
    assert index.index("B") < index.index("Town letter") < index.index("From the first selectman")
    assert "Proof of publication" in index and "x1.pdf" not in text and "x2.tif" not in text
    assert "Exhibit B: Town letter" in text and "Exhibit A: Proof of publication" in text
    assert text.index("Exhibit B: Town letter") < text.index("Exhibit A: Proof of publication")
