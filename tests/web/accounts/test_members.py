"""An organization's people managed in the app: the manager permission, invitations by e-mail
(expiring, single use, forged ones refused), roles, deactivation, the organization's name."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import PASSWORD, csrf, sign_in
from smtp_sink import html_of, text_of

from cone.web.extensions import db
from cone.web.models import ApiToken, Invitation, Membership, Organization, User, utcnow

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

NEW = "a long enough passphrase"


def _ids(app, email: str, org: str = "Hopewell") -> tuple[int, int]:
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).filter_by(email=email))
        org_id = db.session.scalar(db.select(Organization.id).filter_by(name=org))
        return org_id, user_id


def _make_manager(app, email: str, org: str = "Hopewell") -> int:
    org_id, user_id = _ids(app, email, org)
    with app.app_context():
        db.session.scalar(db.select(Membership).filter_by(user_id=user_id, organization_id=org_id)).manager = True
        db.session.commit()
    return org_id


@pytest.fixture
def manager(app, login):
    org_id = _make_manager(app, "administrator@hopewell.test")
    return login("administrator"), org_id


def _invite(client, org_id: int, email: str, role: str = "legal", **extra):
    url = f"/organizations/{org_id}/members"
    return client.post(f"/organizations/{org_id}/invitations",
                       data={"csrf_token": csrf(client, url), "email": email, "role": role, **extra})


def _accept(client, link: str, name: str = "Lee Counsel", password: str = NEW):
    return client.post(link, data={"csrf_token": csrf(client, "/signin"), "name": name, "new": password, "confirm": password})


def _link(message) -> str:
    return re.search(r"https://cone\.example\.test(/invitations/\S+)", text_of(message)).group(1)


@pytest.mark.parametrize("role", ["administrator", "compliance", "legal"])
def test_any_role_holding_the_manager_permission_manages_and_others_get_403(app, login, role):
    org_id, _ = _ids(app, f"{role}@hopewell.test")
    assert login(role).get(f"/organizations/{org_id}/members").status_code == 403
    _make_manager(app, f"{role}@hopewell.test")
    page = login(role).get(f"/organizations/{org_id}/members")
    assert page.status_code == 200 and "legal@hopewell.test" in page.get_data(as_text=True)


def test_a_manager_of_another_organization_gets_404(app, login):
    _make_manager(app, "administrator@other.test", "Other")
    org_id, _ = _ids(app, "administrator@hopewell.test")
    client = login("administrator", "other")
    assert client.get(f"/organizations/{org_id}/members").status_code == 404
    assert _invite(client, org_id, "x@y.test").status_code == 404


def test_an_invitation_arrives_by_mail_and_its_link_makes_a_member_with_the_role_once(mail_app, mailbox):
    org_id = _make_manager(mail_app, "administrator@hopewell.test")
    client = mail_app.test_client()
    sign_in(client, "administrator@hopewell.test")
    response = _invite(client, org_id, "Lee@Counsel.test", "legal")
    assert response.status_code == 303
    [message] = mailbox.messages
    assert message["To"] == "lee@counsel.test" and "Hopewell" in message["Subject"]
    assert "as Legal reviewer" in text_of(message) and "/invitations/" in html_of(message)
    link = _link(message)
    newcomer = mail_app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Join Hopewell" in page.get_data(as_text=True)
    assert _accept(newcomer, link).status_code == 303
    assert newcomer.get("/filings/").status_code == 200          # signed in
    with mail_app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="lee@counsel.test"))
        assert user.name == "Lee Counsel" and user.check_password(NEW)
        assert [(m.organization_id, m.role, m.manager) for m in user.memberships] == [(org_id, "legal", False)]
    reused = mail_app.test_client().get(link)
    assert reused.status_code == 410 and "used already" in reused.get_data(as_text=True)
    assert _accept(mail_app.test_client(), link, password=NEW + "x").status_code == 410


def test_forged_expired_and_withdrawn_invitation_links_are_refused(app, manager):
    client, org_id = manager
    forged = app.test_client().get("/invitations/not-a-real-secret")
    assert forged.status_code == 410 and "not valid" in forged.get_data(as_text=True)
    _invite(client, org_id, "late@x.test")
    link = re.search(r"(/invitations/[\w-]+)", client.get(f"/organizations/{org_id}/members")
                     .get_data(as_text=True)).group(1)
    with app.app_context():
        db.session.scalar(db.select(Invitation)).expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    expired = _accept(app.test_client(), link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    _invite(client, org_id, "late@x.test")                       # a new one withdraws nothing used
    page = client.get(f"/organizations/{org_id}/members").get_data(as_text=True)
    second = re.search(r"(/invitations/[\w-]+)", page).group(1)
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id).filter_by(revoked=False))
    client.post(f"/organizations/{org_id}/invitations/{invitation_id}/revoke",
                data={"csrf_token": csrf(client, f"/organizations/{org_id}/members")})
    withdrawn = app.test_client().get(second)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).filter_by(email="late@x.test")) is None


def test_without_mail_the_manager_is_shown_the_link_to_hand_over(app, manager):
    client, org_id = manager
    _invite(client, org_id, "hand@over.test", "compliance")
    page = client.get(f"/organizations/{org_id}/members").get_data(as_text=True)
    assert "Mail is not set up" in page and "hand@over.test" in page
    link = re.search(r"http://127\.0\.0\.1:5000(/invitations/[\w-]+)", page).group(1)
    assert _accept(app.test_client(), link).status_code == 303


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "", "role": "legal"}, "Enter the e-mail address of the person to invite"),
    ({"email": "not-an-address", "role": "legal"}, "Enter an e-mail address like name@example.org"),
    ({"email": "a@b.test", "role": "king"}, "Not a valid choice"),
    ({"email": "legal@hopewell.test", "role": "legal"}, "already a member"),
])
def test_a_refused_invitation_names_the_field(app, manager, data, message):
    client, org_id = manager
    response = _invite(client, org_id, **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'class="error-summary"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_an_invitation_with_a_too_short_password_is_refused_and_stays_usable(app, manager):
    client, org_id = manager
    _invite(client, org_id, "short@x.test")
    link = re.search(r"(/invitations/[\w-]+)", client.get(f"/organizations/{org_id}/members").get_data(as_text=True)).group(1)
    refused = _accept(app.test_client(), link, password="short")
    assert refused.status_code == 422 and "Use at least 12 characters" in refused.get_data(as_text=True)
    assert _accept(app.test_client(), link).status_code == 303


def test_an_existing_user_accepts_by_signing_in_as_the_invited_address(app, manager):
    _make_manager(app, "administrator@other.test", "Other")
    client = app.test_client()
    sign_in(client, "administrator@other.test")
    org_other, _ = _ids(app, "administrator@other.test", "Other")
    _invite(client, org_other, "legal@hopewell.test", "compliance")
    link = re.search(r"(/invitations/[\w-]+)", client.get(f"/organizations/{org_other}/members").get_data(as_text=True)).group(1)
    stranger = app.test_client()
    assert "sign in with it" in stranger.get(link).get_data(as_text=True)
    assert stranger.post(link, data={"csrf_token": csrf(stranger, "/signin")}).status_code == 303   # to sign in
    invitee = app.test_client()
    sign_in(invitee, "legal@hopewell.test")
    assert invitee.post(link, data={"csrf_token": csrf(invitee, link)}).status_code == 303
    account = invitee.get("/account").get_data(as_text=True)
    assert "Other" in account and "Compliance" in account


def _change(client, org_id: int, user_id: int, **data):
    return client.post(f"/organizations/{org_id}/members/{user_id}",
                       data={"csrf_token": csrf(client, f"/organizations/{org_id}/members"), **data})


def test_a_role_change_applies_to_the_next_request(app, manager, login, filing_id):
    client, org_id = manager
    _, legal_id = _ids(app, "legal@hopewell.test")
    legal = login("legal")
    review = f"/filings/{filing_id}/review"
    assert legal.post(review, data={"csrf_token": csrf(legal, "/account"), "action": "approve"}).status_code != 403
    assert _change(client, org_id, legal_id, action="role", role="compliance").status_code == 303
    assert legal.post(review, data={"csrf_token": csrf(legal, "/account"), "action": "approve"}).status_code == 403
    assert "Not done: Choose a role" in client.get(
        _change(client, org_id, legal_id, action="role", role="king").headers["Location"]).get_data(as_text=True)


def test_deactivation_ends_sessions_and_tokens_and_sign_in_until_reactivated(app, manager, login, token):
    client, org_id = manager
    _, legal_id = _ids(app, "legal@hopewell.test")
    legal, headers = login("legal"), token("legal")
    assert _change(client, org_id, legal_id, action="deactivate").status_code == 303
    assert legal.get("/filings/").status_code == 302                    # the session ended
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == 401
    fresh = app.test_client()
    refused = fresh.post("/signin", data={"email": "legal@hopewell.test", "password": PASSWORD,
                                          "csrf_token": csrf(fresh, "/signin")})
    assert refused.status_code == 422 and "Your account is deactivated" in refused.get_data(as_text=True)
    wrong = fresh.post("/signin", data={"email": "legal@hopewell.test", "password": "wrong password",
                                        "csrf_token": csrf(fresh, "/signin")})
    assert "deactivated" not in wrong.get_data(as_text=True)             # told only with the right password
    assert "Deactivated" in client.get(f"/organizations/{org_id}/members").get_data(as_text=True)
    _change(client, org_id, legal_id, action="reactivate")
    sign_in(app.test_client(), "legal@hopewell.test")
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == 200


def test_a_manager_cannot_deactivate_or_unmanage_themselves_but_can_make_another_manager(app, manager):
    client, org_id = manager
    _, own_id = _ids(app, "administrator@hopewell.test")
    _, legal_id = _ids(app, "legal@hopewell.test")
    for action in ("deactivate", "revoke_manager"):
        page = client.get(_change(client, org_id, own_id, action=action).headers["Location"]).get_data(as_text=True)
        assert "cannot do that to your own account" in page
    assert client.get("/filings/").status_code == 200
    _change(client, org_id, legal_id, action="grant_manager")
    with app.app_context():
        assert db.session.scalar(db.select(Membership.manager).filter_by(user_id=legal_id)) is True
    assert _change(client, org_id, 999999, action="deactivate").status_code == 303   # no such member: said, nothing done


def test_renaming_the_organization_shows_everywhere_and_a_clash_is_refused(app, manager):
    client, org_id = manager
    url = f"/organizations/{org_id}/name"
    clash = client.post(url, data={"csrf_token": csrf(client, "/account"), "name": "other"})
    assert clash.status_code == 422 and "Another organization has that name" in clash.get_data(as_text=True)
    empty = client.post(url, data={"csrf_token": csrf(client, "/account"), "name": ""})
    assert empty.status_code == 422 and "Enter the organization" in empty.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": csrf(client, "/account"),
                                  "name": "  Hopewell   Health  "}).status_code == 303
    assert "Hopewell Health" in client.get("/account").get_data(as_text=True)


def test_a_token_of_a_deactivated_user_stops_working_at_once(app, manager, token):
    client, org_id = manager
    headers = token("compliance")
    _, user_id = _ids(app, "compliance@hopewell.test")
    _change(client, org_id, user_id, action="deactivate")
    assert app.test_client().get("/api/v1/filings", headers=headers).status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 1   # kept for reactivation


def _organization_routes(app, org_id: int) -> list[tuple[str, str]]:
    values = {"organization_id": org_id, "user_id": 1, "invitation_id": 1}
    out = []
    for rule in app.url_map.iter_rules():
        if "organization_id" in rule.arguments:
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
            out += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


@pytest.mark.parametrize("role", ["administrator", "compliance", "legal"])
def test_every_organization_route_is_403_without_the_permission_and_404_for_another_organization(app, login, role):
    org_id, _ = _ids(app, "administrator@hopewell.test")
    _make_manager(app, f"{role}@other.test", "Other")
    own, stranger = login(role), login(role, "other")
    routes = _organization_routes(app, org_id)
    assert len(routes) >= 5
    for method, url in routes:
        data = {"csrf_token": csrf(own, "/account"), "action": "deactivate", "name": "Taken over", "email": "x@y.test",
                "role": "legal"}
        assert own.open(url, method=method, data=data).status_code == 403, (method, url)
        data["csrf_token"] = csrf(stranger, "/account")
        assert stranger.open(url, method=method, data=data).status_code == 404, (method, url)
    with app.app_context():
        assert db.session.get(Organization, org_id).name == "Hopewell"
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_an_invitation_asked_for_with_a_forged_host_still_links_the_public_url(mail_app, mailbox):
    org_id = _make_manager(mail_app, "administrator@hopewell.test")
    client, evil = mail_app.test_client(), "http://evil.example"     # every request names the forged host

    def token(path: str) -> str:
        html = client.get(path, base_url=evil).get_data(as_text=True)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)

    if client.get("/signin", base_url=evil).status_code == 400:     # TRUSTED_HOSTS refuses the host outright
        return
    signed_in = client.post("/signin", base_url=evil, data={"csrf_token": token("/signin"), "password": PASSWORD,
                                                             "email": "administrator@hopewell.test"})
    assert signed_in.status_code == 302
    sent = client.post(f"/organizations/{org_id}/invitations", base_url=evil,
                       data={"csrf_token": token(f"/organizations/{org_id}/members"), "email": "h@x.test",
                             "role": "legal"})
    assert sent.status_code == 303
    [message] = mailbox.messages
    assert "https://cone.example.test/invitations/" in text_of(message)
    assert "evil.example" not in text_of(message) and "evil.example" not in html_of(message)


def test_the_manage_permission_acts_on_an_organization_and_the_others_on_a_filing():
    from cone.web.access import permission
    with pytest.raises(ValueError, match="'manage' acts on organization, not 'filing'"):
        permission("manage", obj="filing")
    with pytest.raises(ValueError, match="'edit' acts on filing, not 'organization'"):
        permission("edit", obj="organization")
    with pytest.raises(ValueError, match="needs object"):
        permission("manage")
    assert permission("manage", obj="organization")(lambda: None).cone_object == "organization"
