"""The web forms of a made-up state (tests/data/packs/zz): a server with two packs asks for the
state first, and every page of a Zedland filing speaks Zedland's wording, not Connecticut's."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cone.web.extensions import db
from cone.web.models import FilingRecord
from conftest import close_app, csrf, filed_form, make_app, sign_in

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

PACKS = Path(__file__).resolve().parents[2] / "data" / "packs"


@pytest.fixture
def two_state_app(database, monkeypatch):
    monkeypatch.setenv("CONE_PACKS", str(PACKS))
    app = make_app(database)
    yield app
    close_app(app)


@pytest.fixture
def admin(two_state_app):
    client = two_state_app.test_client()
    sign_in(client, "administrator@hopewell.test")
    return client


def _new_zedland_filing(client) -> int:
    token = csrf(client, "/filings/new?state=ZZ")
    response = client.post("/filings/new", data={"csrf_token": token, "state": "ZZ", "filing_type": "new_clinic"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/filings/(\d+)/", response.headers["Location"]).group(1))


def test_with_two_packs_a_new_filing_starts_by_asking_the_state(admin):
    html = admin.get("/filings/new").get_data(as_text=True)
    assert "Which state is the project in?" in html
    assert 'value="CT"' in html and 'value="ZZ"' in html
    chosen = admin.get("/filings/new?state=ZZ").get_data(as_text=True)
    assert "Opening of a clinic" in chosen and "Establishment of a new health care facility" not in chosen


def test_an_unknown_state_is_refused_at_the_state_question(admin):
    response = admin.get("/filings/new?state=QQ")
    assert response.status_code == 422
    assert "Choose the state where the project is" in response.get_data(as_text=True)


def test_a_new_zedland_filing_is_stored_under_its_state(two_state_app, admin):
    filing_id = _new_zedland_filing(admin)
    with two_state_app.app_context():
        document = json.loads(db.session.get(FilingRecord, filing_id).latest().document)
    assert (document["state"], document["filing_type"]) == ("ZZ", "new_clinic")


def test_the_zedland_site_page_offers_its_towns_and_its_example_in_hints(admin):
    filing_id = _new_zedland_filing(admin)
    page = admin.get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)
    assert '<datalist id="towns-zz">' in page and '<option value="Brinemouth">' in page
    assert 'list="towns-zz"' in page and "ct-towns" not in page
    data = {"csrf_token": csrf(admin, f"/filings/{filing_id}/sections/site"), "version": "1",
            "site.street": "12 Quay Street", "site.town": "Brinemouth", "site.state": "ZZ", "site.zip": "9991x"}
    response = admin.post(f"/filings/{filing_id}/sections/site", data=data)
    assert response.status_code == 422
    assert "Enter a 5-digit ZIP code, like 99901" in response.get_data(as_text=True)


def test_a_zedland_filing_shows_its_notice_and_no_connecticut_wording(admin):
    filing_id = _new_zedland_filing(admin)
    data = {"csrf_token": csrf(admin, f"/filings/{filing_id}/sections/site"), "version": "1",
            "site.street": "12 Quay Street", "site.town": "Brinemouth", "site.state": "ZZ", "site.zip": "99910"}
    assert admin.post(f"/filings/{filing_id}/sections/site", data=data).status_code in (302, 303)
    page = admin.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "PUBLIC NOTICE. Under Zedland Health Code §4-101" in page
    assert "12 Quay Street in Brinemouth" in page
    body = page.split("<footer", 1)[0].split("</header>", 1)[1]     # the app's header and footer name both states
    for word in ("Connecticut", "OHS", "19a-"):
        assert word not in body, word


def test_the_header_and_footer_name_every_state_the_server_offers(two_state_app):
    html = two_state_app.test_client().get("/signin").get_data(as_text=True)
    assert "Certificate of Need filings · Connecticut · Zedland" in html
    assert "Prepare and file clinic permits with the Zedland Department of Health Planning." in html
    assert "Zedland Health Code §4-101 · Check findings against the Department&#39;s forms." in html


def test_a_zedland_filing_is_marked_filed_with_any_docket_number_and_has_no_clock_after_filing(two_state_app, admin):
    filing_id = _new_zedland_filing(admin)
    with two_state_app.app_context():
        db.session.get(FilingRecord, filing_id).status = "approved"        # (its review is not what is tried here)
        db.session.commit()
    compliance = two_state_app.test_client()
    sign_in(compliance, "compliance@hopewell.test")
    response = compliance.post(f"/filings/{filing_id}/filed", data={
        "csrf_token": csrf(compliance, "/account"), "version": "1", **filed_form("DHP 2026/17")})
    assert response.status_code == 303 and "/after-filing" in response.headers["Location"], \
        compliance.get(response.headers["Location"]).get_data(as_text=True)
    page = compliance.get(response.headers["Location"]).get_data(as_text=True)
    assert "DHP 2026/17" in page and "Record an event" not in page
    with two_state_app.app_context():
        assert db.session.get(FilingRecord, filing_id).status == "filed"
