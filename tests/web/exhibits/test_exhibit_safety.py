"""Exhibits are stored as a clean copy (no scripts, automatic or launch actions, attached
files), and a filing holds at most so many exhibits of so many megabytes."""
from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from conftest import csrf, tiny_pdf
from cone.web.extensions import db
from cone.web.models import Exhibit, ExhibitFile

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

ACTIVE = ("/JavaScript", "/Launch")


def active_pdf() -> bytes:
    """A one-page PDF that runs a script when opened, launches a program from a link, runs a
    script when its page opens, and carries an attached program; it also has a plain web link."""
    doc = pikepdf.new()
    doc.add_blank_page()
    script = doc.make_indirect(Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String("app.alert('opened')")))
    doc.Root.OpenAction = script
    doc.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("on-open"), script])))
    launch = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]),
                        A=Dictionary(S=Name.Launch, F=String("cmd.exe")))
    web = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 100, 100, 200]),
                     A=Dictionary(S=Name.URI, URI=String("https://example.org/plan")))
    page = doc.pages[0].obj
    page.Annots = Array([doc.make_indirect(launch), doc.make_indirect(web)])
    page.AA = Dictionary(O=script)
    doc.attachments["payload.exe"] = pikepdf.AttachedFileSpec(doc, b"MZ payload")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def active_parts(data: bytes) -> list[str]:
    """What in the PDF a reader would run or open: actions, automatic actions, attached files."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        if "/OpenAction" in doc.Root:
            found.append("OpenAction")
        if doc.attachments:
            found.append("attachments")
        for obj in doc.objects:
            if isinstance(obj, (Dictionary, pikepdf.Stream)):
                found += [f"{key} action" for key in ("/A",) if key in obj and str(obj[key].get("/S")) in ACTIVE]
                found += [str(key) for key in ("/AA", "/JS", "/EF") if key in obj]
                if "/Names" in obj and isinstance(obj["/Names"], Dictionary) and "/JavaScript" in obj["/Names"]:
                    found.append("document JavaScript")
    return found


def links(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as doc:
        return [str(a.A.URI) for page in doc.pages for a in page.obj.get("/Annots", []) if "/A" in a and "/URI" in a.A]


def upload(client, filing_id: int, data: bytes, filename: str):
    response = client.post(f"/filings/{filing_id}/exhibits", data={
        "csrf_token": csrf(client, "/account"), "exhibit": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def only_exhibit(app, filing_id: int) -> Exhibit:
    with app.app_context():
        return db.session.scalars(db.select(Exhibit).filter_by(filing_id=filing_id)).one()


def stored(app, sha256: str) -> bytes:
    with app.app_context():
        return db.session.get(ExhibitFile, sha256).data


def test_an_exhibit_with_javascript_an_open_action_and_a_launch_action_is_stored_and_served_without_them(
        app, login, filing_id):
    original = active_pdf()
    assert {"OpenAction", "attachments", "/A action", "/AA", "/JS", "document JavaScript"} <= set(active_parts(original))
    client = login()
    upload(client, filing_id, original, "site-plan.pdf")
    exhibit = only_exhibit(app, filing_id)
    served = client.get(f"/filings/{filing_id}/exhibits/{exhibit.id}").data
    assert served == stored(app, exhibit.sha256) and active_parts(served) == []
    with pikepdf.open(io.BytesIO(served)) as doc:
        assert len(doc.pages) == 1
    assert links(served) == ["https://example.org/plan"]       # a plain web link stays
    assert exhibit.size == len(served) and exhibit.original_sha256 is None
    with app.app_context():
        assert db.session.scalars(db.select(ExhibitFile.data)).all() == [served]   # the original is not kept


def test_the_original_upload_is_kept_beside_the_clean_copy_only_when_the_setting_asks(app, login, filing_id):
    app.config["KEEP_ORIGINAL_EXHIBITS"] = True
    original = active_pdf()           # (the attachment carries the time it was made: made once)
    upload(login(), filing_id, original, "site-plan.pdf")
    exhibit = only_exhibit(app, filing_id)
    assert stored(app, exhibit.original_sha256) == original
    assert active_parts(stored(app, exhibit.sha256)) == []


def test_an_exhibit_beyond_the_filings_count_limit_is_refused_at_the_upload_field(app, login, filing_id):
    app.config["EXHIBIT_COUNT_LIMIT"] = 2
    client = login()
    for name in ("a.pdf", "b.pdf"):
        assert f"{name} uploaded as Exhibit " in upload(client, filing_id, tiny_pdf(), name)
    page = upload(client, filing_id, tiny_pdf(), "c.pdf")
    field = page[page.index('<div class="field field-error">'):]
    assert "already has 2 exhibits, the most it may have" in field[:field.index('id="exhibit"')]
    assert "2 of at most 2 exhibits" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Exhibit).filter_by(filing_id=filing_id)) == 2


def test_an_exhibit_that_would_pass_the_filings_total_size_is_refused_and_a_smaller_one_accepted(app, login, filing_id):
    big = pikepdf.new()
    for _ in range(40):
        big.add_blank_page()
    out = io.BytesIO()
    big.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    app.config["EXHIBIT_TOTAL_MB"] = 4096 / 2**20       # 4 KB in all
    client = login()
    assert "small.pdf uploaded as Exhibit" in upload(client, filing_id, tiny_pdf(), "small.pdf")
    page = upload(client, filing_id, out.getvalue(), "big.pdf")
    assert "would bring the filing&#39;s exhibits to" in page and "over the limit of" in page
    assert "1 of at most 25 exhibits" in page
    assert [e.title for e in [only_exhibit(app, filing_id)]] == ["small.pdf"]
