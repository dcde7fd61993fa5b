"""Exhibits: uploads checked by the PDF package and for markup before the PDF header, stored
once by content hash, included by versions, downloaded under a `.pdf` name as attachments."""
from __future__ import annotations

import io

import pikepdf
import pytest

from conftest import csrf, tiny_pdf
from cone.web.extensions import db
from cone.web.exhibits.service import exhibits_of_version
from cone.web.models import Exhibit, ExhibitFile, FilingRecord, FilingVersion, RenderJob
from cone.web.rendering.jobs import new_job, render

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

pdf = pytest.importorskip("cone.pdf")


def test_exhibit_upload_accepts_a_pdf_and_refuses_anything_else(app, login, filing_id):
    client = login()
    token = csrf(client, "/account")
    ok = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(tiny_pdf()), "site-plan.pdf")}, content_type="multipart/form-data")
    assert "site-plan.pdf uploaded as Exhibit A" in client.get(ok.headers["Location"]).get_data(as_text=True)
    bad = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(b"MZ not a pdf"), "virus.pdf")}, content_type="multipart/form-data")
    page = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Not uploaded" in page and "virus.pdf" not in page.split("<tbody>", 1)[1].split("</table>")[0]


def test_uploads_over_the_limit_are_413(app, login, filing_id):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = login()
    response = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": "x", "exhibit": (io.BytesIO(b"%PDF" + b"0" * 4096), "big.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_request_limit_admits_the_largest_exhibit(app):
    assert app.config["MAX_CONTENT_LENGTH"] > pdf.MAX_EXHIBIT_BYTES


def test_an_exhibit_named_in_any_script_downloads_under_its_name(app, login, filing_id):
    client = login()
    token = csrf(client, "/account")
    client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": token, "exhibit": (io.BytesIO(tiny_pdf()), "Доказательство публикации.pdf")},
        content_type="multipart/form-data")
    with app.app_context():
        exhibit_id = db.session.scalars(db.select(Exhibit.id).filter_by(filing_id=filing_id)).one()
    response = client.get(f"/filings/{filing_id}/exhibits/{exhibit_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "UTF-8''" in disposition
    assert client.get(f"/filings/{filing_id}/exhibits/{exhibit_id + 1}").status_code == 404


def _upload(client, filing_id: int, data: bytes, filename: str):
    return client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": csrf(client, "/account"), "exhibit": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def _rows(app, filing_id: int) -> list[Exhibit]:
    with app.app_context():
        return list(db.session.scalars(db.select(Exhibit).filter_by(filing_id=filing_id).order_by(Exhibit.id)))


def _stored_files(app) -> list[bytes]:
    with app.app_context():
        return list(db.session.scalars(db.select(ExhibitFile.data)))


POLYGLOT = b"<html><body><script>alert(document.domain)</script></body></html>\n"


@pytest.mark.parametrize(("prefix", "filename"), [
    (POLYGLOT, "polyglot.html"), (POLYGLOT, "polyglot.pdf"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.pdf"),
    (b"  <!DOCTYPE html>", "renamed.pdf"), (b"#!/bin/sh\necho hi\n", "run.pdf"), (b"\x00\x01 javascript:", "j.pdf")])
def test_markup_or_script_before_the_pdf_header_is_refused_at_the_upload_field(app, login, filing_id, prefix, filename):
    client = login()
    response = _upload(client, filing_id, prefix + tiny_pdf(), filename)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    field = page[page.index('<div class="field field-error">'):]
    assert "begins with HTML, SVG or script" in field[:field.index('id="exhibit"')]
    assert _rows(app, filing_id) == [] and _stored_files(app) == []


def test_an_html_file_renamed_to_pdf_is_refused(app, login, filing_id):
    client = login()
    response = _upload(client, filing_id, b"<!doctype html><p>hello</p>", "notice.pdf")
    assert "begins with HTML, SVG or script" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _rows(app, filing_id) == []


def test_bytes_before_the_pdf_header_are_dropped_and_the_name_ends_in_pdf(app, login, filing_id):
    client = login()
    _upload(client, filing_id, b"\x00\x00junk from a scanner\r\n" + tiny_pdf(), "Site plan.v2.final")
    (exhibit,) = _rows(app, filing_id)
    assert exhibit.title == "Site plan.v2.final" and exhibit.name == "Site plan.v2.pdf"
    response = client.get(f"/filings/{filing_id}/exhibits/{exhibit.id}")
    assert response.data == pdf.clean_exhibit(tiny_pdf(), "x") and 'filename="Site plan.v2.pdf"' in response.headers["Content-Disposition"]
    assert "Site plan.v2.final</a>" in client.get(f"/filings/{filing_id}").get_data(as_text=True)


def test_a_pdf_uploaded_under_another_extension_downloads_as_pdf(app, login, filing_id):
    client = login()
    _upload(client, filing_id, tiny_pdf(), "report.html")
    (exhibit,) = _rows(app, filing_id)
    assert exhibit.title == "report.html" and exhibit.name == "report.pdf"


def test_an_exhibit_download_is_an_attachment_not_sniffed_nor_cached(app, login, filing_id):
    client = login()
    _upload(client, filing_id, tiny_pdf(), "a.pdf")
    (exhibit,) = _rows(app, filing_id)
    response = client.get(f"/filings/{filing_id}/exhibits/{exhibit.id}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store, private"
    assert response.headers["Content-Type"] == "application/pdf"


def test_the_same_bytes_are_stored_once_however_often_they_are_uploaded(app, login, token, filing_id, example):
    client = login()
    other = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    for fid, name in ((filing_id, "a.pdf"), (filing_id, "again.pdf"), (other, "b.pdf")):
        _upload(client, fid, tiny_pdf(), name)
    assert len(_rows(app, filing_id)) == 2 and len(_rows(app, other)) == 1
    assert _stored_files(app) == [pdf.clean_exhibit(tiny_pdf(), "x")]      # the clean copy, once
    second = b"%PDF-1.7\n" + tiny_pdf()[9:]                    # other bytes: stored on their own
    _upload(client, other, second, "c.pdf")
    assert len(_stored_files(app)) == 2


def _included(app, filing_id: int) -> dict[int, list[str]]:
    with app.app_context():
        versions = db.session.execute(db.select(FilingVersion.id, FilingVersion.number).filter_by(filing_id=filing_id))
        return {number: [e.title for e in exhibits_of_version(version_id)] for version_id, number in versions}


def test_each_version_references_the_exhibits_it_includes(app, login, filing_id):
    client = login()
    _upload(client, filing_id, tiny_pdf(), "a.pdf")
    _upload(client, filing_id, tiny_pdf(), "b.pdf")
    first = _rows(app, filing_id)[0]
    assert client.post(f"/filings/{filing_id}/exhibits/{first.id}/delete",
                       data={"csrf_token": csrf(client, "/account")}).status_code == 303
    assert _included(app, filing_id) == {1: [], 2: ["a.pdf"], 3: ["a.pdf", "b.pdf"], 4: ["b.pdf"]}
    token = csrf(client, f"/filings/{filing_id}/sections/site")
    client.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": token, "version": "4", "action": "save_exit", "site-street": "12 Main Street"})
    assert _included(app, filing_id)[5] == ["b.pdf"]               # a form save keeps the exhibits
    assert client.get(f"/filings/{filing_id}/exhibits/{first.id}").status_code == 200    # versions 2 and 3 hold it
    again = client.post(f"/filings/{filing_id}/exhibits/{first.id}/delete", data={"csrf_token": csrf(client, "/account")})
    assert again.status_code == 404


def test_an_exhibit_cannot_be_added_once_the_filing_is_submitted(app, login, filing_id):
    client = login()
    with app.app_context():
        db.session.get(FilingRecord, filing_id).status = "in_review"
        db.session.commit()
    response = _upload(client, filing_id, tiny_pdf(), "late.pdf")
    assert "Not uploaded: the filing is" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _rows(app, filing_id) == []


def _pages_of_render(app, filing_id: int, version: int) -> int:
    with app.app_context():
        job = new_job(filing_id, version, False, "t")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        render(job_id)
        data = db.session.get(RenderJob, job_id).pdf
    with pikepdf.open(io.BytesIO(data)) as packet:
        return len(packet.pages)


def test_a_versions_packet_holds_the_exhibits_of_that_version_not_the_latest(app, login, filing_id):
    client = login()
    _upload(client, filing_id, tiny_pdf(), "a.pdf")          # version 2 includes it, version 1 does not
    assert _pages_of_render(app, filing_id, 2) > _pages_of_render(app, filing_id, 1)
