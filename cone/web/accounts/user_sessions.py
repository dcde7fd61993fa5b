"""Server-side records of signed-in browser sessions: an absolute lifetime and an idle timeout
(SESSION_LIFETIME_HOURS, SESSION_IDLE_MINUTES), the list of one's sessions with the device,
address and last use, and signing out one of them or all but this one.

The cookie holds a random secret; the row holds its SHA-256 digest, so deleting the row ends
that session wherever the cookie is. The last use is written at most once per
LAST_USE_RESOLUTION, so most requests only read the row."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from flask import current_app, request, session
from sqlalchemy import delete, select, update

from .. import security_log
from ..extensions import db
from ..models import LAST_USE_RESOLUTION, UserSession, utcnow

SECRET_KEY = "cone_sid"             # the session's secret, in the (signed) cookie
ENDED_KEY = "cone_ended"            # why the last session ended, for the sign-in page
REASONS = {
    "expired": "You were signed out because your session reached its limit of {hours} hours. Sign in again.",
    "idle": "You were signed out after {minutes} minutes without activity. Sign in again.",
    "ended": "Your session was signed out from another browser. Sign in again.",
}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def limits() -> tuple[dt.timedelta, dt.timedelta]:
    """The absolute lifetime and the idle timeout, from the configuration."""
    config = current_app.config
    return dt.timedelta(hours=float(config["SESSION_LIFETIME_HOURS"])), dt.timedelta(
        minutes=float(config["SESSION_IDLE_MINUTES"]))


def start(user_id: int) -> None:
    """Record a new session of the user for this browser (and forget the user's lapsed ones)."""
    lifetime, idle = limits()
    now = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id,
                                                 (UserSession.created_at <= now - lifetime)
                                                 | (UserSession.last_seen_at <= now - idle)))
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user_id, digest=_digest(secret), created_at=now, last_seen_at=now,
                               user_agent=request.headers.get("User-Agent", "")[:300],
                               address=(request.remote_addr or "")[:64]))
    db.session.commit()
    session[SECRET_KEY] = secret


def _current_digest() -> str:
    return _digest(session.get(SECRET_KEY) or "")


def check(user_id: int) -> str | None:
    """None while this browser's session of the user is live (noting its use); else why it ended
    ("expired", "idle", "ended"), the record then deleted."""
    row = db.session.execute(select(UserSession.id, UserSession.user_id, UserSession.created_at,
                                    UserSession.last_seen_at)
                             .where(UserSession.digest == _current_digest())).first()
    if row is None or row.user_id != user_id:
        return "ended"
    lifetime, idle = limits()
    now = utcnow()
    reason = "expired" if now - row.created_at >= lifetime else "idle" if now - row.last_seen_at >= idle else None
    if reason is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == row.id))
        db.session.commit()
        security_log.event("session_ended", user_id=user_id, reason=reason)
    elif now - row.last_seen_at >= LAST_USE_RESOLUTION:
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    return reason


def ended_message(reason: str) -> str:
    lifetime, idle = limits()
    return REASONS[reason].format(hours=f"{lifetime.total_seconds() / 3600:g}",
                                  minutes=f"{idle.total_seconds() / 60:g}")


def end_this() -> None:
    """Delete this browser's session record (signing out)."""
    db.session.execute(delete(UserSession).where(UserSession.digest == _current_digest()))
    db.session.commit()


def end_all(user_id: int) -> None:
    """Delete every session record of the user (in the caller's transaction)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def end_one(user_id: int, session_id: int) -> bool:
    """Sign out the user's session `session_id`; False when the user has no such session."""
    done = db.session.execute(delete(UserSession).where(UserSession.id == session_id,
                                                        UserSession.user_id == user_id)).rowcount
    db.session.commit()
    if done:
        security_log.event("session_revoked", user_id=user_id)
    return bool(done)


def end_others(user_id: int) -> int:
    """Sign out every session of the user but this browser's; the number ended."""
    done = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id,
                                                        UserSession.digest != _current_digest())).rowcount
    db.session.commit()
    security_log.event("sessions_revoked", user_id=user_id, count=done)
    return done


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    address: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    current: bool


BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"), ("curl/", "curl"))
SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """A person's name for the browser and system a User-Agent header names, e.g. "Firefox on Windows"."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or (re.split(r"[\s/]", user_agent.strip(), maxsplit=1)[0][:40] or "Unknown browser")


def listing(user_id: int) -> list[SessionRow]:
    """The user's live sessions, this browser's first, then the most recently used."""
    lifetime, idle = limits()
    now = utcnow()
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.created_at > now - lifetime,
        UserSession.last_seen_at > now - idle).order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    mine = _current_digest()
    found = [SessionRow(r.id, device(r.user_agent), r.address, r.created_at, r.last_seen_at, r.digest == mine)
             for r in rows]
    return sorted(found, key=lambda r: not r.current)
