"""The guided forms of every application type: each asks its own questions, and only those."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cone.rules.checklist import get_pack
from cone.web.filings.formdata import field_id
from conftest import csrf

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

PACK = get_pack("CT")
FILINGS = Path(__file__).resolve().parents[2] / "data" / "filings"
NAMES = sorted(p.stem for p in FILINGS.glob("*.json"))
PROJECT_FIELDS = [f.path for s in PACK.fields.sections if s.id == "project" for f in s.fields]


def _asked(filing_type: str) -> set[str]:
    return {f.path for s in PACK.sections_for(filing_type) for f in s.fields}


@pytest.mark.parametrize("name", NAMES)
def test_each_type_s_project_page_and_answers_show_only_its_questions(app, login, token, name):
    document = json.loads((FILINGS / f"{name}.json").read_text(encoding="utf-8"))
    response = app.test_client().post("/api/v1/filings", json=document, headers=token())
    assert response.status_code == 201, response.get_json()
    filing_id = response.get_json()["id"]
    client = login()
    asked = _asked(document["filing_type"])
    page = client.get(f"/filings/{filing_id}/sections/project").get_data(as_text=True)
    check = client.get(f"/filings/{filing_id}/check").get_data(as_text=True)
    for path in PROJECT_FIELDS:
        shown = f'id="{field_id(path)}"' in page
        assert shown == (path in asked), (path, shown)
        assert (f"sections/project?return=check#{field_id(path)}" in check) == (path in asked), path
    assert (f"/filings/{filing_id}/sections/services" in page + check) == ("services" in asked)
    for key, value in document["project"].items():
        if isinstance(value, str) and PACK.field_index[f"project.{key}"].choices is None:   # codes print as labels
            assert value.replace("'", "&#39;") in check, value


def test_a_transfer_is_typed_in_with_its_co_applicant_and_both_owners(app, login):
    client = login()
    response = client.post("/filings/new", data={"csrf_token": csrf(client, "/filings/new"),
                                                 "filing_type": "transfer_of_ownership"})
    filing_id = int(re.search(r"/filings/(\d+)/", response.headers["Location"]).group(1))
    url = f"/filings/{filing_id}/sections/applicant"
    page = client.get(url).get_data(as_text=True)
    assert 'id="f-co_applicants"' in page
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "1",
                                      "applicant.legal_name": "Hopewell Health Solutions, LLC",
                                      "co_applicants": "Fort Hill Counseling Associates, Inc.\n\n"})
    assert response.status_code == 302
    url = f"/filings/{filing_id}/sections/project"
    response = client.post(url, data={"csrf_token": csrf(client, url), "version": "2",
                                      "project.facility_name": "Fort Hill Counseling Center",
                                      "project.transferor": "Fort Hill Counseling Associates, Inc.",
                                      "project.transferee": "Hopewell Health Solutions, LLC"})
    assert response.status_code == 302
    html = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert ("Hopewell Health Solutions, LLC and Fort Hill Counseling Associates, Inc. are applying for a certificate "
            "of need for the transfer of ownership of Fort Hill Counseling Center") in html
    assert "from Fort Hill Counseling Associates, Inc. to Hopewell Health Solutions, LLC" in html


def test_a_new_facility_form_does_not_ask_for_a_transferee_equipment_beds_or_a_terminated_service(login, filing_id):
    page = login().get(f"/filings/{filing_id}/sections/project").get_data(as_text=True)
    assert 'id="f-project-summary"' in page and 'id="f-project-facility_type"' in page
    for path in ("project.transferee", "project.transferor", "project.equipment", "project.beds_current",
                 "project.terminated_service"):
        assert f'id="{field_id(path)}"' not in page, path
