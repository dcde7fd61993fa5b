"""Guided forms: generated from the pack, errors mapped to fields, nothing typed is lost."""
from __future__ import annotations

import pytest

import json
import re

from cone.filing.parser import loads
from cone.rules.checklist import get_pack
from cone.web.extensions import db
from cone.web.filings.formdata import field_id
from cone.web.models import FilingRecord, FilingVersion
from conftest import csrf

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _latest(app, filing_id: int) -> tuple[int, dict]:
    with app.app_context():
        record = db.session.get(FilingRecord, filing_id)
        return record.version, json.loads(record.latest().document)


def _new_filing(client, filing_type: str = "new_facility") -> int:
    response = client.post("/filings/new", data={"csrf_token": csrf(client, "/filings/new"), "filing_type": filing_type})
    assert response.status_code == 302
    return int(re.search(r"/filings/(\d+)/", response.headers["Location"]).group(1))


def test_every_question_of_a_section_comes_from_the_pack(login):
    client = login()
    filing_id = _new_filing(client)
    pack = get_pack("CT")
    for section in pack.sections_for("new_facility"):
        html = client.get(f"/filings/{filing_id}/sections/{section.id}").get_data(as_text=True)
        assert section.title in html
        for f in section.fields:
            if f.type != "group":
                assert f'id="{field_id(f.path)}"' in html, f.path
                assert f.label.replace("'", "&#39;") in html


def test_bad_answers_redisplay_with_a_linked_summary_and_what_was_typed(app, login):
    client = login()
    filing_id = _new_filing(client)
    data = {"csrf_token": csrf(client, f"/filings/{filing_id}/sections/site"), "version": "1",
            "site.street": "248 Flanders Road", "site.town": "East Lyme", "site.state": "CT", "site.zip": "6333x"}
    response = client.post(f"/filings/{filing_id}/sections/site", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#f-site-zip"' in html
    assert "Enter a 5-digit ZIP code" in html
    assert 'value="248 Flanders Road"' in html and 'value="6333x"' in html
    assert _latest(app, filing_id)[0] == 1                     # nothing saved


def test_money_and_number_errors_name_their_fields(login):
    client = login()
    filing_id = _new_filing(client, "increase_beds")
    token = csrf(client, f"/filings/{filing_id}/sections/project")
    html = client.post(f"/filings/{filing_id}/sections/project", data={
        "csrf_token": token, "version": "1", "project.facility_name": "Hopewell House",
        "project.capital_expenditure": "ten thousand", "project.beds_current": "1.5"}).get_data(as_text=True)
    assert 'href="#f-project-capital_expenditure"' in html and "Enter an amount in dollars" in html
    assert 'href="#f-project-beds_current"' in html and "Enter a whole number" in html
    assert "Hopewell House" in html


def test_a_valid_section_saves_a_new_version_and_moves_on(app, login):
    client = login()
    filing_id = _new_filing(client)
    response = client.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": csrf(client, f"/filings/{filing_id}/sections/site"), "version": "1",
        "site.street": "248 Flanders Road", "site.town": "East Lyme", "site.state": "ct", "site.zip": "06333"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sections/project")
    version, doc = _latest(app, filing_id)
    assert version == 2
    assert doc["site"] == {"street": "248 Flanders Road", "town": "East Lyme", "state": "CT", "zip": "06333"}


def test_programs_can_be_added_and_removed_without_losing_answers(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/services"
    token = csrf(client, url)
    html = client.post(url, data={"csrf_token": token, "version": "1", "services.count": "1",
                                  "services[0].name": "Adult IOP", "action": "add:services"}).get_data(as_text=True)
    assert 'value="Adult IOP"' in html and 'id="f-services-1-name"' in html
    response = client.post(url, data={
        "csrf_token": token, "version": "1", "services.count": "2",
        "services[0].name": "Adult IOP", "services[0].level": "iop", "services[0].days_per_week": "3",
        "services[0].hours_per_day": "3", "services[0].components": ["group_therapy", "individual_therapy"],
        "services[1].name": "Gone", "action": "continue"})
    assert response.status_code == 302
    service = _latest(app, filing_id)[1]["services"]
    assert service[0] == {"level": "iop", "name": "Adult IOP", "days_per_week": 3.0, "hours_per_day": 3.0,
                          "components": ["group_therapy", "individual_therapy"]}
    html = client.post(url, data={"csrf_token": token, "version": "2", "services.count": "2",
                                  "services[0].name": "Adult IOP", "services[1].name": "Gone",
                                  "action": "remove:services[1]"}).get_data(as_text=True)
    assert 'value="Gone"' not in html and 'value="Adult IOP"' in html


def test_a_save_based_on_an_old_version_is_a_conflict_that_overwrites_nothing(app, login):
    alice, bob = login(), login()
    filing_id = _new_filing(alice)
    url = f"/filings/{filing_id}/sections/site"
    a_token, b_token = csrf(alice, url), csrf(bob, url)          # both loaded version 1
    assert alice.post(url, data={"csrf_token": a_token, "version": "1", "site.street": "1 Main St"}).status_code == 302
    response = bob.post(url, data={"csrf_token": b_token, "version": "1", "site.street": "9 Elm St"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this filing" in html
    assert "1 Main St" in html and "9 Elm St" in html            # both values shown
    assert 'name="version" value="2"' in html                     # resubmitting is an explicit choice
    version, doc = _latest(app, filing_id)
    assert version == 2 and doc["site"]["street"] == "1 Main St"


SITE = {"site.street": "248 Flanders Road", "site.town": "East Lyme", "site.state": "CT", "site.zip": "06333"}


def _two_tabs_on_a_saved_site(app, login) -> tuple:
    """Two administrators who loaded the same saved site page (version 2)."""
    alice, bob = login(), login()
    filing_id = _new_filing(alice)
    url = f"/filings/{filing_id}/sections/site"
    assert alice.post(url, data={"csrf_token": csrf(alice, url), "version": "1", **SITE}).status_code == 302
    return alice, bob, url, filing_id, csrf(alice, url), csrf(bob, url)


@pytest.mark.parametrize("first, second", [("site.street", "site.town"), ("site.town", "site.street")])
def test_a_conflict_merges_answers_changed_in_one_tab_only(app, login, first, second):
    alice, bob, url, filing_id, a_token, b_token = _two_tabs_on_a_saved_site(app, login)
    changed = {"site.street": "1 Main Street", "site.town": "Niantic"}
    assert alice.post(url, data={"csrf_token": a_token, "version": "2", **SITE, first: changed[first]}).status_code == 302
    response = bob.post(url, data={"csrf_token": b_token, "version": "2", **SITE, second: changed[second]})
    assert response.status_code == 302                       # nothing to ask: saved on top of alice's version
    version, doc = _latest(app, filing_id)
    assert version == 4
    assert doc["site"]["street"] == "1 Main Street" and doc["site"]["town"] == "Niantic"
    assert "both their answers and yours are saved" in bob.get("/filings/" + str(filing_id)).get_data(as_text=True)


def test_a_conflict_asks_only_about_answers_changed_in_both_tabs_and_keeps_the_others_edit(app, login):
    alice, bob, url, filing_id, a_token, b_token = _two_tabs_on_a_saved_site(app, login)
    assert alice.post(url, data={"csrf_token": a_token, "version": "2", **SITE,
                                 "site.street": "1 Main Street", "site.town": "Niantic"}).status_code == 302
    response = bob.post(url, data={"csrf_token": b_token, "version": "2", **SITE, "site.street": "9 Elm Street"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    table = html[html.index("<table"):html.index("</table>")]
    assert "Street" in table and "9 Elm Street" in table and "1 Main Street" in table
    assert "Niantic" not in table                              # only alice changed the town: not asked
    form = dict(re.findall(r'name="(site\.\w+)" value="([^"]*)"', html))
    assert form["site.town"] == "Niantic" and form["site.street"] == "9 Elm Street"
    assert bob.post(url, data={"csrf_token": csrf(bob, url), "version": "3", **form}).status_code == 302
    _, doc = _latest(app, filing_id)
    assert doc["site"]["street"] == "9 Elm Street" and doc["site"]["town"] == "Niantic"   # alice's town kept


def test_change_on_check_your_answers_returns_there_after_saving(app, login, filing_id):
    client = login()
    check = client.get(f"/filings/{filing_id}/check").get_data(as_text=True)
    link = re.search(r'href="([^"]*/sections/site\?return=check#f-site-zip)"', check).group(1)
    page = client.get(link.split("#")[0]).get_data(as_text=True)
    assert 'name="return" value="check"' in page and "Save and return to check your answers" in page
    version, _ = _latest(app, filing_id)
    form = dict(re.findall(r'name="(site\.\w+)" value="([^"]*)"', page))
    response = client.post(f"/filings/{filing_id}/sections/site", data={
        "csrf_token": csrf(client, link), "version": str(version), **form, "site.street": "250 Flanders Road",
        "return": "check"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/filings/{filing_id}/check")


def test_the_section_counter_counts_the_sections_the_list_shows(login, filing_id):
    html = login().get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)
    total = int(re.search(r"Section \d+ of (\d+)", html).group(1))
    nav = html[html.index('<nav class="section-nav"'):]
    nav_list = nav[nav.index("<ol>"):nav.index("</ol>")]
    assert nav_list.count("<li>") == total


def test_posting_without_a_csrf_token_is_refused(app, login):
    client = login()
    filing_id = _new_filing(client)
    response = client.post(f"/filings/{filing_id}/sections/site", data={"version": "1", "site.street": "1 Main St"})
    assert response.status_code == 400
    assert _latest(app, filing_id)[0] == 1


def test_versions_are_immutable(app, filing_id):
    with app.app_context():
        version = db.session.scalar(db.select(FilingVersion).filter_by(filing_id=filing_id))
        version.document = "{}"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()


def test_check_your_answers_lists_answers_with_change_links(login, filing_id):
    html = login().get(f"/filings/{filing_id}/check").get_data(as_text=True)
    assert "Hopewell Health Solutions, LLC" in html
    assert f'/filings/{filing_id}/sections/site?return=check#f-site-zip' in html
    assert "Adult Intensive Outpatient Program" in html
    assert "$10,000" in html
    assert "June 2, 2025; June 3, 2025; June 4, 2025" in html      # as the PDF prints them, not 2025-06-02


def test_side_panel_shows_findings_with_citations_notice_fee_and_timeline(login, filing_id):
    html = login("legal").get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "Conn. Gen. Stat." in html and 'class="finding' in html
    assert "Hopewell Health Solutions, LLC" in html and 'class="cone-notice"' in html
    assert "<svg" in html and "tl-dot" in html
    assert "Jul 7, 2025" in html


def test_answers_are_escaped_everywhere(app, login, token, example):
    example["applicant"]["legal_name"] = '<script>alert(1)</script> LLC'
    filing_id = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    client = login()
    for url in (f"/filings/{filing_id}", f"/filings/{filing_id}/check", "/filings/",
                f"/filings/{filing_id}/sections/applicant"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;" in html, url


def test_a_filing_can_be_built_through_the_forms_into_the_example(app, login, example):
    """Every section of the example, typed in as a user would, gives the same document."""
    client = login()
    filing_id = _new_filing(client)
    filing = loads(json.dumps(example))
    from cone.web.filings.formdata import values_from_filing
    pack = get_pack("CT")
    for section in pack.sections_for("new_facility"):
        url = f"/filings/{filing_id}/sections/{section.id}"
        version, _ = _latest(app, filing_id)
        data = {"csrf_token": csrf(client, url), "version": str(version), **values_from_filing(section, filing)}
        response = client.post(url, data=data)
        assert response.status_code == 302, (section.id, response.get_data(as_text=True)[:500])
    assert _latest(app, filing_id)[1] == json.loads(json.dumps(example))


def test_live_preview_renders_the_panel_from_unsaved_answers(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/project"
    assert f'data-preview="{url}/preview"' in client.get(url).get_data(as_text=True)
    response = client.post(url + "/preview", data={"csrf_token": csrf(client, url), "version": "1",
                                                   "project.summary": "open a sleep clinic",
                                                   "project.capital_expenditure": "2500000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "open a sleep clinic" in html and "unsaved" in html
    assert _latest(app, filing_id)[0] == 1                                        # nothing saved
    bad = client.post(url + "/preview", data={"csrf_token": csrf(client, url), "project.capital_expenditure": "lots"})
    assert bad.status_code == 204
    legal = login("legal")
    assert legal.post(url + "/preview", data={"csrf_token": csrf(legal, "/account")}).status_code == 403


def test_dates_typed_the_us_way_are_saved_and_shown_as_dates(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/publication"
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "1", "publication.newspaper": "The Day",
                                      "publication.dates": "06/02/2025\nJune 3, 2025\n2025-06-04",
                                      "planned_filing_date": "July 7, 2025"})
    assert response.status_code == 302
    _, doc = _latest(app, filing_id)
    assert doc["publication"]["dates"] == ["2025-06-02", "2025-06-03", "2025-06-04"]
    assert doc["planned_filing_date"] == "2025-07-07"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="f-planned_filing_date"[^>]*value="2025-07-07"[^>]*type="date"', page, re.S)


def test_a_bad_publication_date_names_its_line_and_keeps_every_answer_typed(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/publication"
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "1", "publication.newspaper": "The Day",
                                      "publication.dates": "06/02/2025\n06/31/2025", "planned_filing_date": "2025-07-07"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 2 of 2: “06/31/2025” is not a date: June 2025 has 30 days" in html
    assert 'href="#f-publication-dates"' in html
    assert "06/02/2025\n06/31/2025</textarea>" in html and 'value="The Day"' in html and 'value="2025-07-07"' in html
    assert _latest(app, filing_id)[0] == 1


def test_a_state_name_and_a_zip_without_its_leading_zero_are_saved_normalised_with_a_note(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/site"
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "1", **SITE,
                                      "site.state": "connecticut", "site.zip": "6333"})
    assert response.status_code == 302
    _, doc = _latest(app, filing_id)
    assert doc["site"]["state"] == "CT" and doc["site"]["zip"] == "06333"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“connecticut” is saved as CT." in page and "“6333” is saved as 06333." in page


def test_an_answer_typed_as_saved_gets_no_note(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/site"
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "1", **SITE, "site.state": "ct"})
    assert "is saved as" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_new_filing_shows_no_findings_before_a_section_is_answered(login):
    client = login()
    filing_id = _new_filing(client)
    for url in (f"/filings/{filing_id}", f"/filings/{filing_id}/sections/site"):
        html = client.get(url).get_data(as_text=True)
        assert "count-error" not in html and "All checks pass" not in html
        assert "The checklist shows what a section needs once you have answered it" in html


def test_a_village_typed_as_the_town_shows_its_finding_at_the_town_field_and_under_its_section(app, login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/site"
    assert client.post(url, data={"csrf_token": csrf(client, url), "version": "1", **SITE,
                                  "site.town": "Niantic"}).status_code == 302
    html = client.get(url).get_data(as_text=True)
    group = html[html.index('id="f-site-town-group"'):]
    group = group[:group.index('<input')]
    assert 'id="f-site-town-findings"' in group and "Niantic" in group
    assert re.search(r'id="f-site-town"[^>]*aria-describedby="[^"]*f-site-town-findings', html, re.S)
    side = html[html.index('id="checklist"'):html.index('id="notice-preview"')]
    assert '<h3 class="findings-section">Site</h3>' in side or "findings-section" in side
    assert "Niantic" in side


def test_a_section_cleared_on_its_page_still_counts_as_visited_and_shows_its_findings(login):
    client = login()
    filing_id = _new_filing(client)
    url = f"/filings/{filing_id}/sections/postings"
    for version, answer in (("1", "https://example.org/notice"), ("2", "")):
        response = client.post(url, data={"csrf_token": csrf(client, url), "version": version,
                                          "postings.website_url": answer})
        assert response.status_code == 302
    html = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    side = html[html.index('id="checklist"'):html.index('id="notice-preview"')]
    assert "Postings of the notice" in side and "count-error" in html
