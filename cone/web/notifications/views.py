"""The inbox (newest first, unread marked), opening an entry, and the notification settings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from ..access import permission
from ..extensions import db
from ..mail import outbox
from ..models import Notification, User
from ..pagination import paginate, requested_page
from ..accounts.forms import NotificationForm
from . import service

bp = Blueprint("inbox", __name__)


@bp.get("/inbox")
@permission("signed_in")
def index():  # noqa: ANN201
    """The user's notifications, newest first, a page at a time (not counted: one statement)."""
    page = paginate(select(Notification.id, Notification.created_at, Notification.read_at, Notification.text)
                    .where(Notification.user_id == g.user.id).order_by(Notification.id.desc()),
                    *requested_page(), total=None)
    return render_template("notifications/inbox.html", entries=page.rows, page=page)


@bp.post("/inbox/<int:notification_id>")
@permission("signed_in")
def open_entry(notification_id: int):  # noqa: ANN201
    """Mark the entry read and go where it points (a path of this app)."""
    notification = service.mark_read(g.user.id, notification_id)
    if notification is None:
        abort(404)
    target = notification.link if notification.link.startswith("/") and not notification.link.startswith("//") else "/"
    return redirect(target, 303)


@bp.post("/inbox/read")
@permission("signed_in")
def read_all():  # noqa: ANN201
    service.mark_read(g.user.id)
    flash("Everything in your inbox is marked read.")
    return redirect(url_for("inbox.index"), 303)


@bp.route("/account/notifications", methods=["GET", "POST"])
@permission("signed_in")
def settings():  # noqa: ANN201
    user = db.session.get(User, g.user.id)
    form = NotificationForm(obj=user)
    if form.validate_on_submit():
        user.notify_by_email, user.reminder_days = form.notify_by_email.data, form.reminder_days.data
        db.session.commit()
        flash("Your notification settings are saved.")
        return redirect(url_for("inbox.settings"), 303)
    return render_template("notifications/settings.html", form=form, mail=outbox.enabled()), 422 if form.errors else 200
