"""JSON API: tokens, status codes, validation naming the field path, OpenAPI."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def test_post_creates_a_filing_and_get_returns_it(app, token, example):
    client = app.test_client()
    response = client.post("/api/v1/filings", json=example, headers=token())
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int) and body["version"] == 1 and body["status"] == "draft"
    assert response.headers["Location"] == f"/api/v1/filings/{body['id']}"
    got = client.get(f"/api/v1/filings/{body['id']}", headers=token("legal"))
    assert got.status_code == 200 and got.headers["ETag"] == '"1"'
    assert got.get_json()["filing"]["applicant"]["legal_name"] == "Hopewell Health Solutions, LLC"


@pytest.mark.parametrize("role", ["legal", "compliance"])
def test_only_administrators_put(app, token, example, filing_id, role):
    response = app.test_client().put(f"/api/v1/filings/{filing_id}", json=example, headers=token(role))
    assert response.status_code == 403
    assert response.get_json()["error"]["status"] == 403


def test_another_organizations_filing_is_404(app, token, example, filing_id):
    client = app.test_client()
    for method in ("GET", "PUT"):
        assert client.open(f"/api/v1/filings/{filing_id}", method=method, json=example,
                           headers=token("administrator", "other")).status_code == 404
    for part in ("findings", "notice", "timeline", "pdf"):
        assert client.get(f"/api/v1/filings/{filing_id}/{part}", headers=token("legal", "other")).status_code == 404


def test_put_saves_a_new_version_and_stale_if_match_is_409(app, token, example, filing_id):
    client = app.test_client()
    example["project"]["capital_expenditure"] = 250000
    ok = client.put(f"/api/v1/filings/{filing_id}", json=example, headers={**token(), "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.get_json()["version"] == 2 and ok.headers["ETag"] == '"2"'
    example["project"]["capital_expenditure"] = 1
    stale = client.put(f"/api/v1/filings/{filing_id}", json=example, headers={**token(), "If-Match": '"1"'})
    assert stale.status_code == 409 and stale.get_json()["error"]["current_version"] == 2
    assert client.get(f"/api/v1/filings/{filing_id}", headers=token()).get_json()["filing"]["project"]["capital_expenditure"] == 250000


def test_errors_name_the_field_path(app, token, example):
    client = app.test_client()
    example["site"]["zip"] = "6333"
    bad = client.post("/api/v1/filings", json=example, headers=token())
    assert bad.status_code == 422 and bad.get_json()["error"]["path"] == "$.site.zip"
    example["site"]["zip"] = "06333"
    example["filing_type"] = "spaceport"
    bad = client.post("/api/v1/filings", json=example, headers=token())
    assert bad.status_code == 422 and bad.get_json()["error"]["path"] == "$.filing_type"
    broken = client.post("/api/v1/filings", data="{not json", content_type="application/json", headers=token())
    assert broken.status_code == 400 and "not valid JSON" in broken.get_json()["error"]["message"]
    assert client.post("/api/v1/filings", data="x", content_type="text/plain", headers=token()).status_code == 415
    huge = client.post("/api/v1/filings", data=b"[" * (2 * 1024 * 1024), content_type="application/json", headers=token())
    assert huge.status_code == 413


def test_findings_notice_and_timeline(app, token, filing_id):
    client = app.test_client()
    findings = client.get(f"/api/v1/filings/{filing_id}/findings", headers=token("compliance")).get_json()
    assert set(findings) == {"version", "as_of", "has_errors", "findings"}
    assert all({"rule", "severity", "field", "message", "citation"} <= set(f) for f in findings["findings"])
    notice = client.get(f"/api/v1/filings/{filing_id}/notice", headers=token()).get_json()
    assert "Hopewell Health Solutions, LLC" in notice["text"] and notice["missing"] == []
    timeline = client.get(f"/api/v1/filings/{filing_id}/timeline", headers=token()).get_json()
    assert timeline["fee"] and timeline["planned_filing_date"] == "2025-07-07"


def test_final_pdf_before_approval_is_409(app, token, filing_id):
    response = app.test_client().get(f"/api/v1/filings/{filing_id}/pdf?final=true", headers=token())
    assert response.status_code == 409


def test_openapi_document_describes_the_endpoints(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/filings", "/filings/{filing_id}", "/filings/{filing_id}/findings", "/filings/{filing_id}/notice",
            "/filings/{filing_id}/timeline", "/filings/{filing_id}/pdf"} <= set(doc["paths"])
    assert "Filing" in doc["components"]["schemas"]
    assert doc["paths"]["/filings"]["post"]["responses"]["201"]


def test_openapi_paths_match_the_routes(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    routes = {r.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
              for r in app.url_map.iter_rules() if r.endpoint.startswith("api.") and r.endpoint != "api.openapi"}
    assert routes == set(doc["paths"])
