"""The app's configuration: defaults, then `CONE_*` environment variables (a `.env` file is
read by the `flask` command), `DATABASE_URL` and `REDIS_URL`; tests pass a mapping instead."""
from __future__ import annotations

import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qs, urlsplit

from flask import Flask

from ..userdirs import PRIVATE_UMASK

DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,          # a long form session must not lose its answers to an expired token
    "WTF_CSRF_CHECK_DEFAULT": False,      # checked by access.authorize, for the methods that change things
    "MAX_CONTENT_LENGTH": 51 * 1024 * 1024,  # an exhibit of up to cone.pdf.MAX_EXHIBIT_BYTES (50 MB) and the form
    "SIGNIN_RATE_LIMIT": "30 per minute",           # attempts per client address (an office shares one)
    "SIGNIN_ACCOUNT_RATE_LIMIT": "10 per minute",   # failed attempts per account, from any address
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "PASSWORD_HASH_METHOD": "scrypt",     # of the password's HMAC under PASSWORD_PEPPER (accounts.passwords)
    "SESSION_LIFETIME_HOURS": 12,         # a signed-in session ends this long after signing in, whatever its use
    "SESSION_IDLE_MINUTES": 30,           # and after this long without a request
    "TRUSTED_PROXIES": 0,
    "RENDER_LEASE_SECONDS": 30,           # a render job's lease, renewed by its worker: see rendering.jobs
    # Outgoing mail (cone.web.mail): without MAIL_HOST, notifications stay in the app's inbox.
    "MAIL_HOST": "",
    "MAIL_PORT": None,                    # default: 587 with starttls, 465 with ssl, 25 with none
    "MAIL_USER": "",
    "MAIL_PASSWORD": "",
    "MAIL_TLS": "starttls",               # starttls, ssl or none
    "MAIL_SENDER": "",                    # the From address; default cone@ the public URL's host
    "MAIL_TIMEOUT": 10,
    "MAIL_RETRY_SECONDS": 60,             # the first retry's delay; it doubles each time, up to an hour
    "MAIL_KEEP_DAYS": 30,                 # sent mail is deleted from the outbox after this
    "INVITATION_DAYS": 7,
    "PASSWORD_RESET_MINUTES": 60,
    "RENDER_RETENTION_DAYS": 30,
    "EXHIBIT_COUNT_LIMIT": 25,            # exhibits one filing may include
    "EXHIBIT_TOTAL_MB": 200,              # their total size, in MB (of 2**20 bytes)
    "EXHIBIT_CONVERT_SECONDS": 60,        # LibreOffice's time to convert one Word or OpenDocument upload
    "EXHIBIT_CHECK_SECONDS": 90,          # an upload's whole check in the render pool (conversion included)
    "KEEP_ORIGINAL_EXHIBITS": False,      # also store each upload as it came, before active content is removed          # superseded renders kept this long: see rendering.retention
}


MAIL_TLS_MODES = ("starttls", "ssl", "none")


def database_url(url: str | None, instance_path: str) -> str:
    """DATABASE_URL with the psycopg 3 driver named; SQLite in the instance folder when unset."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'cone.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
LOCAL_SERVICE_HOSTS = ("", "127.0.0.1", "localhost", "::1")      # (empty: a Unix socket)
TLS_SSLMODES = ("require", "verify-ca", "verify-full")


def plaintext_services(config: Mapping[str, Any]) -> list[str]:
    """The database and Redis URLs that would cross the network without TLS: each as a sentence
    naming its setting and host (never its password)."""
    found = []
    database = urlsplit(config.get("SQLALCHEMY_DATABASE_URI") or "")
    query = parse_qs(database.query)
    host = database.hostname or (query.get("host") or [""])[0]
    if database.scheme.startswith("postgres") and not host.startswith("/") and host not in LOCAL_SERVICE_HOSTS \
            and (query.get("sslmode") or [""])[-1] not in TLS_SSLMODES:
        found.append(f"DATABASE_URL names {host} without sslmode=require (or verify-ca, verify-full)")
    for setting in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        url = urlsplit(str(config.get(setting) or ""))
        if url.scheme == "redis" and (url.hostname or "") not in LOCAL_SERVICE_HOSTS:
            found.append(f"{setting} names {url.hostname} over redis:// (use rediss:// for TLS)")
    return found


def refuse_plaintext_services(config: Mapping[str, Any]) -> None:
    """ValueError when a non-local database or Redis would be reached in plain text, unless
    CONE_ALLOW_PLAINTEXT_SERVICES says the network in between is trusted."""
    found = plaintext_services(config)
    if found and str(config.get("ALLOW_PLAINTEXT_SERVICES", "")).lower() not in ("1", "true"):
        raise ValueError("; ".join(found) + ": its passwords and every filing would cross the network unencrypted. "
                         "Use TLS, or set CONE_ALLOW_PLAINTEXT_SERVICES=1 where that network is trusted")


def trusted_hosts(public_url: str) -> list[str]:
    """The host names a request may name: the public URL's (on loopback, both loopback names).
    Any other `Host` gets 400, so no absolute URL the app writes can name a forged host."""
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"CONE_PUBLIC_URL must be an absolute http or https URL such as "
                         f"https://cone.example.org, not {public_url!r}")
    return list(LOOPBACK_HOSTS) if parts.hostname in LOOPBACK_HOSTS else [parts.hostname]


def instance_secret_key(instance_path: str, name: str = "secret_key", setting: str = "CONE_SECRET_KEY") -> str:
    """A per-install random key kept in the instance folder (used when `setting` is unset).
    Written to a temporary file of mode 0600 and linked into place only once complete, so that
    of several workers starting at once each reads the one whole key that won."""
    path = Path(instance_path) / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=f".{name}.")   # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)        # fails if another worker's key is in place: keep that one
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key; delete it to make a new one, or set {setting}")
    return key


def readable_by_others(paths: list[Path]) -> list[Path]:
    """Those of `paths` that exist and that accounts other than the owner may read."""
    return [path for path in paths if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o044]


def sqlite_file(uri: str) -> Path | None:
    """The database file of a SQLite URL (None for another database or one in memory)."""
    path = uri.removeprefix("sqlite:///") if uri.startswith("sqlite:///") else ""
    return Path(path.split("?", 1)[0]) if path and path != ":memory:" else None


def warn_if_readable(app: Flask) -> None:
    """One log line when the database file or the instance secret key can be read by other accounts."""
    paths = [sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])]
    paths += [Path(app.config[key]) for key in ("SECRET_KEY_FILE", "PASSWORD_PEPPER_FILE") if app.config.get(key)]
    exposed = readable_by_others([path for path in paths if path is not None])
    if exposed:
        logging.getLogger("cone.web").warning(
            "readable by other accounts: %s; make them private with chmod 600 (and the instance folder 700)",
            ", ".join(str(path) for path in exposed))


def configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill in `app.config`: the defaults, then the environment or `test_config`."""
    os.umask(PRIVATE_UMASK)     # the database, its WAL, the secret key, the instance folder: the app's alone
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env("CONE")
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(os.environ.get("DATABASE_URL"), app.instance_path))
        if os.environ.get("REDIS_URL"):
            app.config.setdefault("REDIS_URL", os.environ["REDIS_URL"])
    else:
        app.config.update(test_config)
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(None, app.instance_path))
    engine_options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    engine_options.setdefault("hide_parameters", True)      # no user data in an error's text, nor in the logs
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        engine_options.setdefault("pool_pre_ping", True)    # survive server restarts
    if app.config.get("TRUSTED_HOSTS") is None:           # (CONE_TRUSTED_HOSTS, a JSON list, overrides)
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PUBLIC_URL"])
    app.config.setdefault("PREFERRED_URL_SCHEME", urlsplit(app.config["PUBLIC_URL"]).scheme)
    if urlsplit(app.config["PUBLIC_URL"]).scheme == "https" and app.config["SESSION_COOKIE_SECURE"] \
            and app.config["SESSION_COOKIE_NAME"] == "session":   # Flask's default: bound to this host, HTTPS, path /
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
        app.config["SECRET_KEY_FILE"] = str(Path(app.instance_path) / "secret_key")
    if not app.config.get("PASSWORD_PEPPER"):     # (CONE_PASSWORD_PEPPER, else a file beside the secret key)
        app.config["PASSWORD_PEPPER"] = instance_secret_key(app.instance_path, "password_pepper", "CONE_PASSWORD_PEPPER")
        app.config["PASSWORD_PEPPER_FILE"] = str(Path(app.instance_path) / "password_pepper")
    app.config.setdefault("RENDER_WORKER", "rq" if app.config.get("REDIS_URL") else "thread")
    app.config.setdefault("MAIL_WORKER", app.config["RENDER_WORKER"])   # rq, thread or inline, as rendering
    if app.config["MAIL_TLS"] not in MAIL_TLS_MODES:
        raise ValueError(f"CONE_MAIL_TLS must be one of {', '.join(MAIL_TLS_MODES)}, not {app.config['MAIL_TLS']!r}")
    refuse_plaintext_services(app.config)
    warn_if_readable(app)
