"""An organization's people, for its managers: invite by e-mail with a role, change roles and
the manager permission, deactivate and reactivate, rename the organization; and the page where
an invited person accepts."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..access import permission
from ..extensions import db
from ..models import Invitation, Membership, Organization, User, utcnow
from . import service
from .forms import AcceptForm, InviteForm, RenameForm
from .sessions import sign_in

bp = Blueprint("members", __name__)


def _page(organization_id: int, invite_form: InviteForm | None = None, rename_form: RenameForm | None = None,
          status: int = 200):
    organization = db.session.get(Organization, organization_id)
    members = db.session.execute(select(Membership, User).join(User, User.id == Membership.user_id)
                                 .where(Membership.organization_id == organization_id).order_by(User.email)).all()
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.organization_id == organization_id, Invitation.accepted_at.is_(None), ~Invitation.revoked,
        Invitation.expires_at >= utcnow()).order_by(Invitation.created_at)).all()
    invite_form = invite_form or InviteForm(formdata=None)
    rename_form = rename_form or RenameForm(formdata=None, name=organization.name)
    return render_template("accounts/members.html", organization=organization, members=members,
                           invitations=invitations, invite_form=invite_form, rename_form=rename_form,
                           has_errors=bool(invite_form.errors or rename_form.errors)), status


def _back(organization_id: int):
    return redirect(url_for("members.index", organization_id=organization_id), 303)


@bp.get("/organizations/<int:organization_id>/members")
@permission("manage", obj="organization")
def index(organization_id: int):  # noqa: ANN201
    return _page(organization_id)


@bp.post("/organizations/<int:organization_id>/invitations")
@permission("manage", obj="organization")
def invite(organization_id: int):  # noqa: ANN201
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invited = service.invite(organization_id, form.email.data, form.role.data, form.manager.data, g.user.email)
        except service.AccountRefused as exc:
            form.email.errors.append(str(exc))
        else:
            if invited.mailed:
                flash(f"Invitation sent to {invited.invitation.email}.")
            else:
                flash(f"Mail is not set up: give {invited.invitation.email} this invitation link yourself "
                      f"(it is shown only now): {invited.link}")
            return _back(organization_id)
    return _page(organization_id, invite_form=form, status=422)


@bp.post("/organizations/<int:organization_id>/invitations/<int:invitation_id>/revoke")
@permission("manage", obj="organization")
def revoke_invitation(organization_id: int, invitation_id: int):  # noqa: ANN201
    invitation = service.revoke_invitation(organization_id, invitation_id)
    if invitation is None:
        flash("Not done: that invitation is not open.", "error")
    else:
        flash(f"The invitation of {invitation.email} is withdrawn.")
    return _back(organization_id)


@bp.post("/organizations/<int:organization_id>/members/<int:user_id>")
@permission("manage", obj="organization")
def change(organization_id: int, user_id: int):  # noqa: ANN201
    try:
        service.change_member(organization_id, user_id, g.user.id, request.form.get("action", ""),
                              request.form.get("role", ""))
    except service.AccountRefused as exc:
        flash(f"Not done: {exc}.", "error")
    else:
        flash("The change is saved.")
    return _back(organization_id)


@bp.post("/organizations/<int:organization_id>/name")
@permission("manage", obj="organization")
def rename(organization_id: int):  # noqa: ANN201
    form = RenameForm()
    if form.validate_on_submit():
        try:
            organization = service.rename_organization(organization_id, form.name.data)
        except service.AccountRefused as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"The organization is now called {organization.name}.")
            return _back(organization_id)
    return _page(organization_id, rename_form=form, status=422)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@permission("public")
def accept(token: str):  # noqa: ANN201
    """Accept an invitation: a new person chooses a name and password; someone with an account
    signs in as the invited address and confirms."""
    try:
        invitation = service.open_invitation(token)
    except service.AccountRefused as exc:
        return render_template("errors/error.html", status=410, title="This invitation cannot be used",
                               message=str(exc)), 410
    existing = service.find_user(invitation.email)
    signed_in_as = db.session.get(User, g.user.id) if g.user else None
    form = AcceptForm(owner=(invitation.email, "")) if existing is None else None
    if request.method == "POST":
        if existing is not None and (signed_in_as is None or signed_in_as.id != existing.id):
            return redirect(url_for("accounts.signin", next=url_for("members.accept", token=token)), 303)
        if form is None or form.validate_on_submit():
            try:
                user = service.accept_invitation(token, signed_in_as if existing is not None else None,
                                                 form.name.data if form else "", form.new.data if form else "")
            except service.AccountRefused as exc:
                return render_template("errors/error.html", status=410, title="This invitation cannot be used",
                                       message=str(exc)), 410
            sign_in(user)
            flash(f"Welcome to {invitation.organization.name}.")
            return redirect(url_for("filings.index"), 303)
    return render_template("accounts/accept.html", invitation=invitation, form=form, existing=existing,
                           signed_in_as=signed_in_as), 422 if form is not None and form.errors else 200
