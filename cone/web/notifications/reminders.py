"""Reminders of the upcoming dates of each filing's timeline (its latest version's, as kept in
filing_dates), at each member's lead time. Each (user, filing, date kind, date) is told once:
the notification's unique key says so, so running the command again sends nothing new."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail import jobs as mail_jobs
from ..models import FilingDate, FilingRecord, Membership, Notification, User
from ..urls import public_path
from . import service


def reminder_key(user_id: int, filing_id: int, kind: str, day: str) -> str:
    return f"reminder:{user_id}:{filing_id}:{kind}:{day}"


def _existing(keys: set[str], chunk: int = 500) -> set[str]:
    """Those of `keys` that a notification already has (a few queries, not one per key)."""
    ordered, found = sorted(keys), set()
    for i in range(0, len(ordered), chunk):
        found.update(db.session.scalars(select(Notification.key).where(Notification.key.in_(ordered[i:i + chunk]))))
    return found


def _when(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def send_reminders(today: dt.date) -> int:
    """Notify every active member (whose lead time is not 0) of each timeline date from today
    to today + their lead time; the number of reminders made now."""
    members = db.session.execute(select(Membership.organization_id, User).join(User, User.id == Membership.user_id)
                                 .where(Membership.active, User.reminder_days > 0)).all()
    by_org: dict[int, list[User]] = {}
    for organization_id, user in members:
        by_org.setdefault(organization_id, []).append(user)
    if not by_org:
        return 0
    horizon = max(u.reminder_days for users in by_org.values() for u in users)
    # The dates come from filing_dates (each filing's latest timeline, kept with the filing row):
    # one query over the dates in the horizon, never the versions' documents.
    dated = db.session.execute(
        select(FilingDate.filing_id, FilingDate.row, FilingDate.label, FilingDate.date, FilingRecord.organization_id,
               FilingRecord.title, FilingRecord.applicant)
        .join(FilingRecord, FilingRecord.id == FilingDate.filing_id)
        .where(FilingRecord.organization_id.in_(by_org), ~FilingRecord.archived,
               FilingDate.date >= today, FilingDate.date <= today + dt.timedelta(days=horizon),
               FilingDate.basis != "actual")          # (an event recorded after filing needs no reminder)
        .order_by(FilingDate.filing_id, FilingDate.date)).all()
    due = []                                  # (user, filing id, text, link, key)
    for filing_id, row_id, label, day, organization_id, title, applicant in dated:
        subject = f"“{title or applicant or f'filing {filing_id}'}”"
        link = public_path("filings.overview", filing_id=filing_id)
        for user in by_org[organization_id]:
            if (day - today).days <= user.reminder_days:
                text = f"{label} for {subject}: {day:%A %B} {day.day}, {day.year} ({_when(day, today)})"
                due.append((user, filing_id, text, link, reminder_key(user.id, filing_id, row_id, day.isoformat())))
    made_before = _existing({key for *_, key in due})
    made = 0
    for user, filing_id, text, link, key in due:
        if key in made_before:
            continue
        try:
            with db.session.begin_nested():          # another run may have made it meanwhile
                service.send(user, "reminder", text, link, filing_id, key=key)
        except IntegrityError:
            continue
        made += 1
    db.session.commit()
    mail_jobs.dispatch()
    return made
