"""Threaded review: comments on answers from check your answers and the section pages, replies,
open and resolved threads, mentions, and who may do what."""
from __future__ import annotations

import pytest

from conftest import csrf
from cone.web.extensions import db
from cone.web.models import Comment, Notification, User

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


def _comment(client, filing_id: int, **data):
    return client.post(f"/filings/{filing_id}/comments", data={"csrf_token": csrf(client, "/account"), **data})


def _threads(app, filing_id: int) -> list[Comment]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Comment).filter_by(filing_id=filing_id).order_by(Comment.id)))
        db.session.expunge_all()
        return rows


def test_check_your_answers_offers_a_comment_on_each_answer_and_returns_there(app, login, filing_id):
    legal = login("legal")
    page = legal.get(f"/filings/{filing_id}/check").get_data(as_text=True)
    assert 'id="comment-site-zip"' in page and 'name="return_to" value="check"' in page
    response = _comment(legal, filing_id, field="site.zip", body="Is the ZIP right?", return_to="check")
    assert response.headers["Location"].endswith(f"/filings/{filing_id}/check#comments")
    assert "(1 open)" in legal.get(f"/filings/{filing_id}/check").get_data(as_text=True)


def test_a_section_page_offers_a_comment_form_per_answer_outside_the_section_form(app, login, filing_id):
    html = login("legal").get(f"/filings/{filing_id}/sections/site").get_data(as_text=True)
    form_end = html.index('id="section-comments"')
    assert html.index('id="comment-site-zip"') > form_end            # (a form inside the section form would not submit)
    assert 'href="#comment-site-zip"' in html[:form_end]
    response = _comment(login("legal"), filing_id, field="site.zip", body="x", return_to="section:site")
    assert response.headers["Location"].endswith(f"/filings/{filing_id}/sections/site#comments")


def test_the_field_list_offers_only_the_fields_the_filing_type_asks(app, login, filing_id):
    from cone.rules.checklist import get_pack
    pack = get_pack("CT")
    asked = {f.path for s in pack.sections_for("new_facility") for f in s.fields if f.applies("new_facility")}
    not_asked = {f.path for s in pack.sections_for("new_facility") for f in s.fields} - asked
    page = login("legal").get(f"/filings/{filing_id}").get_data(as_text=True)
    select = page[page.index('id="comment-field"'):page.index("</select>", page.index('id="comment-field"'))]
    assert all(f'value="{p}"' in select for p in asked)
    assert not any(f'value="{p}"' in select for p in not_asked)
    if not_asked:
        assert "Not saved" in login("legal").get(_comment(login("legal"), filing_id, field=sorted(not_asked)[0],
                                                          body="x").headers["Location"]).get_data(as_text=True)


def test_a_reply_joins_its_thread_on_the_threads_field_and_tells_the_first_commenter(app, login, filing_id):
    legal, admin = login("legal"), login()
    _comment(legal, filing_id, field="site.zip", body="Is the ZIP right?")
    first = _threads(app, filing_id)[0]
    response = _comment(admin, filing_id, parent=str(first.id), body="Yes, 06333.", field="applicant.legal_name")
    assert response.headers["Location"].endswith(f"#thread-{first.id}")
    reply = _threads(app, filing_id)[1]
    assert (reply.parent_id, reply.field) == (first.id, "site.zip")
    with app.app_context():
        legal_id = db.session.scalar(db.select(User.id).filter_by(email="legal@hopewell.test"))
        assert [n.kind for n in db.session.scalars(db.select(Notification).filter_by(user_id=legal_id))] == ["reply"]
    page = admin.get(f"/filings/{filing_id}").get_data(as_text=True)
    thread = page[page.index(f'id="thread-{first.id}"'):page.index("</article>", page.index(f'id="thread-{first.id}"'))]
    assert "Is the ZIP right?" in thread and "Yes, 06333." in thread


def test_a_reply_to_a_reply_or_to_another_filings_comment_is_refused(app, login, token, example, filing_id):
    legal = login("legal")
    _comment(legal, filing_id, body="Top")
    top = _threads(app, filing_id)[0]
    _comment(legal, filing_id, parent=str(top.id), body="Reply")
    reply = _threads(app, filing_id)[1]
    refused = _comment(legal, filing_id, parent=str(reply.id), body="Nested")
    assert "Not saved: reply to a comment of this filing" in legal.get(refused.headers["Location"]).get_data(as_text=True)
    other = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    refused = _comment(legal, other, parent=str(top.id), body="Elsewhere")
    assert "Not saved" in legal.get(refused.headers["Location"]).get_data(as_text=True)
    assert len(_threads(app, filing_id)) == 2 and _threads(app, other) == []


def test_a_mention_in_a_comment_on_an_answer_notifies_that_member(app, login, filing_id):
    _comment(login("legal"), filing_id, field="site.zip", body="@compliance@hopewell.test please confirm", return_to="check")
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email="compliance@hopewell.test"))
        assert [n.kind for n in db.session.scalars(db.select(Notification).filter_by(user_id=user_id))] == ["mention"]


def test_resolving_closes_a_thread_off_the_to_do_and_reopening_brings_it_back(app, login, filing_id):
    legal, admin = login("legal"), login()
    _comment(legal, filing_id, field="site.zip", body="Check the ZIP")
    thread = _threads(app, filing_id)[0]
    assert "1 open review comment" in admin.get(f"/filings/{filing_id}").get_data(as_text=True)
    url = f"/filings/{filing_id}/comments/{thread.id}/resolve"
    assert admin.post(url, data={"csrf_token": csrf(admin, "/account"), "action": "resolve"}).status_code == 303
    page = admin.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert 'id="todo"' not in page and "Resolved by administrator@hopewell.test" in page
    assert _threads(app, filing_id)[0].resolved_by == "administrator@hopewell.test"
    legal.post(url, data={"csrf_token": csrf(legal, "/account"), "action": "reopen"})
    assert "1 open review comment" in admin.get(f"/filings/{filing_id}").get_data(as_text=True)


@pytest.mark.parametrize("role,org,status", [("compliance", "hopewell", 403), ("administrator", "other", 404),
                                             ("legal", "other", 404)])
def test_only_those_who_comment_on_the_filing_may_resolve_its_threads(app, login, filing_id, role, org, status):
    _comment(login("legal"), filing_id, body="Top")
    thread = _threads(app, filing_id)[0]
    client = login(role, org)
    response = client.post(f"/filings/{filing_id}/comments/{thread.id}/resolve",
                           data={"csrf_token": csrf(client, "/account"), "action": "resolve"})
    assert response.status_code == status and _threads(app, filing_id)[0].resolved_at is None


def test_a_thread_of_another_filing_cannot_be_resolved_through_this_one(app, login, token, example, filing_id):
    _comment(login("legal"), filing_id, body="Top")
    thread = _threads(app, filing_id)[0]
    other = app.test_client().post("/api/v1/filings", json=example, headers=token()).get_json()["id"]
    admin = login()
    response = admin.post(f"/filings/{other}/comments/{thread.id}/resolve", data={"csrf_token": csrf(admin, "/account")})
    assert response.status_code == 404 and _threads(app, filing_id)[0].resolved_at is None


def test_the_threads_are_paginated_with_their_replies(app, login, filing_id):
    legal = login("legal")
    for i in range(27):
        _comment(legal, filing_id, body=f"Thread {i}")
    oldest = _threads(app, filing_id)[0]
    _comment(legal, filing_id, parent=str(oldest.id), body="Reply to the oldest")
    first = legal.get(f"/filings/{filing_id}").get_data(as_text=True)
    assert "Thread 26" in first and "Reply to the oldest" not in first and 'rel="next"' in first
    last = legal.get(f"/filings/{filing_id}?page=2").get_data(as_text=True)
    assert "Thread 0<" in last and "Thread 26" not in last and "Reply to the oldest" in last
