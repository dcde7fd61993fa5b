"""The review-principles section: generated from the pack's principles, answered through the guided
form, shown on check-your-answers, commented on, diffed and served by the API like any other."""
from __future__ import annotations

import pytest

from cone.rules.checklist import get_pack
from conftest import csrf
from test_forms import _latest, _new_filing

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

PACK = get_pack("CT")
URL = "/filings/{}/sections/principles"


def _post(client, filing_id: int, version: int, answers: dict[str, str], action: str = "continue"):
    url = URL.format(filing_id)
    return client.post(url, data={"csrf_token": csrf(client, url), "version": str(version), "action": action,
                                  **{f"principles.{k}": v for k, v in answers.items()}})


def test_the_section_asks_every_principle_with_its_citation(login):
    client = login()
    html = client.get(URL.format(_new_filing(client))).get_data(as_text=True)
    assert "Public need and access: review principles" in html
    form = html.split('id="section-comments"')[0]          # (each answer's comment form comes after)
    assert form.count("<textarea") == len(PACK.principles) == 12
    for p in PACK.principles:
        assert f'name="principles.{p.id}"' in html and p.citation in html
    block = html[html.index('id="f-principles-consolidation-group"'):]
    assert "wording of this principle is unverified" in block[:block.index("</textarea>")]


def test_answers_are_saved_resumed_and_listed_on_check_your_answers(app, login, example):
    client = login()
    filing_id = _new_filing(client)
    answers = example["principles"]
    response = _post(client, filing_id, 1, {**answers, "consolidation": "  "}, action="save_exit")
    assert response.status_code == 302
    version, doc = _latest(app, filing_id)
    assert version == 2
    assert doc["principles"] == {k: v for k, v in answers.items() if k != "consolidation"}
    html = client.get(URL.format(filing_id)).get_data(as_text=True)
    assert answers["public_need"].split(".")[0] in html            # resumed with what was saved
    check = client.get(f"/filings/{filing_id}/check").get_data(as_text=True)
    assert PACK.label("principles.public_need") in check and answers["public_need"].split(".")[0] in check
    assert f"/filings/{filing_id}/sections/principles?return=check#f-principles-consolidation" in check
    panel = client.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "/sections/principles#f-principles-consolidation" in panel     # the finding links to the question
    assert "Review principle (12)" in panel and "Review principle (3)" not in panel


def test_a_too_long_answer_is_shown_inline_and_nothing_is_saved(app, login):
    client = login()
    filing_id = _new_filing(client)
    response = _post(client, filing_id, 1, {"public_need": "x" * 20001, "regulations": "Licensed by DPH."})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#f-principles-public_need"' in html
    block = html[html.index('id="f-principles-public_need-group"'):]
    assert "at most 20000 characters" in block[:block.index("</textarea>")]
    assert "Licensed by DPH." in html                                  # what was typed is kept
    assert _latest(app, filing_id)[0] == 1


def test_comments_diffs_and_the_api_address_principles_by_field(app, login, token, example, filing_id):
    legal = login("legal")
    response = legal.post(f"/filings/{filing_id}/comments", data={
        "csrf_token": csrf(legal, "/account"), "field": "principles.no_duplication", "body": "Name the New London programs."})
    assert response.status_code == 303
    html = login().get(URL.format(filing_id)).get_data(as_text=True)
    block = html[html.index('id="f-principles-no_duplication-group"'):]
    assert "Name the New London programs." in block[:block.index("</div>\n", block.index("comment-inline"))]

    example["principles"]["no_duplication"] = "The New London and Norwich programs have waiting lists."
    client = app.test_client()
    assert client.put(f"/api/v1/filings/{filing_id}", json=example, headers=token()).status_code == 200
    got = client.get(f"/api/v1/filings/{filing_id}", headers=token()).get_json()["filing"]
    assert got["principles"] == example["principles"]
    diff = login("compliance").get(f"/filings/{filing_id}/diff?a=1&b=2").get_data(as_text=True)
    assert "(9) Whether the applicant has satisfactorily demonstrated" in diff and "waiting lists" in diff


def test_an_answer_under_an_unknown_id_is_flagged_and_kept_by_form_saves(app, login, token, example):
    example["principles"]["health_equity"] = "The clinic serves all adults."
    client = app.test_client()
    filing_id = client.post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    found = client.get(f"/api/v1/filings/{filing_id}/findings?as_of=2025-07-01", headers=token()).get_json()["findings"]
    assert [(f["rule"], f["field"]) for f in found] == [("principles.unknown", "principles.health_equity")]
    assert "'health_equity'" in found[0]["message"]
    web = login()
    assert _post(web, filing_id, 1, {**example["principles"], "public_need": "Updated."}).status_code == 302
    doc = _latest(app, filing_id)[1]
    assert doc["principles"]["health_equity"] == "The clinic serves all adults." and doc["principles"]["public_need"] == "Updated."


def test_an_answer_under_an_unknown_id_is_shown_and_can_be_removed_on_the_page(app, login, token, example):
    example["principles"]["health_equity"] = "<b>Moved</b> text to keep."
    client = app.test_client()
    filing_id = client.post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    web = login()
    page = web.get(URL.format(filing_id)).get_data(as_text=True)
    assert 'id="f-principles-health_equity"' in page and "&lt;b&gt;Moved&lt;/b&gt; text to keep." in page
    overview = web.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert f"/filings/{filing_id}/sections/principles#f-principles-health_equity" in overview   # the finding links to it

    removing = _post(web, filing_id, 1, example["principles"], action="remove:principles.health_equity")
    assert removing.status_code == 200                                   # shown without it, nothing saved yet
    shown = removing.get_data(as_text=True)
    assert "&lt;b&gt;Moved" not in shown and 'name="principles.removed" value="health_equity"' in shown
    assert _latest(app, filing_id)[0] == 1

    url = URL.format(filing_id)
    saved = web.post(url, data={"csrf_token": csrf(web, url), "version": "1", "action": "continue",
                                "principles.removed": "health_equity",
                                **{f"principles.{k}": v for k, v in example["principles"].items()}})
    assert saved.status_code == 302
    version, doc = _latest(app, filing_id)
    assert version == 2 and "health_equity" not in doc["principles"] and doc["principles"]["public_need"]
    found = client.get(f"/api/v1/filings/{filing_id}/findings?as_of=2025-07-01", headers=token()).get_json()["findings"]
    assert found == []


def test_the_removal_list_never_removes_an_answer_the_page_asks_for(app, login, token, example):
    client = app.test_client()
    filing_id = client.post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    web = login()
    url = URL.format(filing_id)
    web.post(url, data={"csrf_token": csrf(web, url), "version": "1", "action": "continue",
                        "principles.removed": "public_need",
                        **{f"principles.{k}": v for k, v in example["principles"].items()}})
    assert _latest(app, filing_id)[1]["principles"]["public_need"] == example["principles"]["public_need"]
