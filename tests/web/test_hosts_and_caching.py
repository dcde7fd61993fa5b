"""Trusted hosts from CONE_PUBLIC_URL (another Host gets 400 on every route), no caching of
signed-in pages and downloads, and HSTS over HTTPS."""
from __future__ import annotations

import pytest

from cone.web import create_app

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

EVIL = "evil.example"


def _fill(pattern: str, values: dict) -> str:
    for name, value in values.items():
        for converter in ("", "int:", "path:"):
            pattern = pattern.replace(f"<{converter}{name}>", str(value))
    assert "<" not in pattern, pattern
    return pattern


def test_a_request_naming_another_host_gets_400_on_every_route_of_the_url_map(app, login, token, filing_id):
    client, headers = login(), token()
    rules = list(app.url_map.iter_rules())
    answered = 0
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_fill(rule.rule, {"filing_id": filing_id, "section_id": "site", "table_id": "capital_cost", "job_id": "0" * 32,
                                                      "token_id": 1, "exhibit_id": 1, "filename": "cone.css",
                                                      "organization_id": 1, "user_id": 1, "invitation_id": 1,
                                                      "token": "x", "notification_id": 1, "feed_token": "cal_x",
                                                      "event_id": 1, "condition_id": 1, "comment_id": 1, "session_id": 1}),
                                   method=method, headers={"Host": EVIL, **headers})
            named = EVIL in response.get_data(as_text=True) or any(EVIL in v for _, v in response.headers)
            assert response.status_code == 400 and not named, (method, rule.rule, response.status_code)
            answered += 1
    assert answered >= len(rules) > 30


def test_the_same_routes_answer_for_the_apps_own_host(app, login, filing_id):
    client = login()
    assert client.get(f"/filings/{filing_id}", headers={"Host": "localhost"}).status_code == 200
    trailing = client.get("/filings", headers={"Host": "localhost"})
    assert trailing.status_code == 308 and EVIL not in trailing.headers["Location"]


def _app(**config):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "RENDER_WORKER": "inline", **config})


def test_the_public_urls_host_is_the_one_trusted():
    client = _app(PUBLIC_URL="https://cone.example.org").test_client()
    assert client.get("/signin", headers={"Host": "cone.example.org"}).status_code == 200
    assert client.get("/signin", headers={"Host": "127.0.0.1"}).status_code == 400
    loopback = _app().test_client()                          # the default public URL, on loopback
    assert [loopback.get("/signin", headers={"Host": h}).status_code for h in ("127.0.0.1:5000", "localhost")] == [200, 200]


@pytest.mark.parametrize("url", ["cone.example.org", "ftp://cone.example.org", "https://"])
def test_a_public_url_that_is_not_absolute_is_refused_naming_the_setting(url):
    with pytest.raises(ValueError, match="CONE_PUBLIC_URL must be an absolute http or https URL"):
        _app(PUBLIC_URL=url)


def test_signed_in_pages_api_answers_and_downloads_are_kept_by_no_cache(app, login, token, filing_id):
    client = login()
    for path in ("/filings/", f"/filings/{filing_id}", "/account", f"/filings/{filing_id}/notice.txt",
                 f"/filings/{filing_id}/filing.json", f"/filings/{filing_id}/audit.csv"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store, private", path
    api = app.test_client().get(f"/api/v1/filings/{filing_id}", headers=token())
    assert api.headers["Cache-Control"] == "no-store, private"


def test_public_pages_and_static_files_stay_cacheable(app):
    client = app.test_client()
    assert "no-store" not in client.get("/signin").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/cone.css").headers.get("Cache-Control", "")


def test_hsts_is_sent_over_https_only(app):
    client = app.test_client()
    assert client.get("/signin", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/signin").headers
