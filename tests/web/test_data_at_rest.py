"""Data at rest: the files the app creates are its own, and startup says when they are not."""
from __future__ import annotations

import logging
import os
import sqlite3
import stat

import pytest
from flask_migrate import upgrade

from cone.web import create_app
from cone.web.extensions import db

from conftest import TEST_CONFIG

pytestmark = pytest.mark.db      # (SQLite files whichever database the pass uses)
WARNING = "readable by other accounts"


def start(tmp_path, migrate: bool = False, **config):
    """Start the app on a SQLite file in tmp_path (and create its tables if `migrate`)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cone.sqlite'}", **config})
    with app.app_context():
        if migrate:
            upgrade()
        db.session.remove()
        db.engine.dispose()
    app.extensions["cone.render_thread"].stop()
    return app


def existing_database(tmp_path, file_mode: int):
    path = tmp_path / "cone.sqlite"
    sqlite3.connect(path).close()
    os.chmod(path, file_mode)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """A umask that leaves new files readable by all, as a login shell's often does."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_database_the_app_creates_is_readable_by_its_owner_alone(tmp_path, open_umask):
    start(tmp_path, migrate=True)
    database = tmp_path / "cone.sqlite"
    assert mode(database) == 0o600
    for companion in (tmp_path / "cone.sqlite-wal", tmp_path / "cone.sqlite-shm"):
        assert not companion.exists() or mode(companion) == 0o600


def test_startup_warns_once_when_the_database_file_is_readable_by_others(tmp_path, caplog):
    existing_database(tmp_path, 0o644)
    with caplog.at_level(logging.WARNING, logger="cone.web"):
        start(tmp_path)
    lines = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert len(lines) == 1 and str(tmp_path / "cone.sqlite") in lines[0]


def test_startup_is_silent_when_the_database_file_is_private(tmp_path, caplog):
    existing_database(tmp_path, 0o600)
    with caplog.at_level(logging.WARNING, logger="cone.web"):
        start(tmp_path)
    assert not [r for r in caplog.records if WARNING in r.getMessage()]


@pytest.mark.parametrize("key_mode, warned", [(0o640, True), (0o600, False)])
def test_startup_warns_when_the_secret_key_file_is_readable_by_others(tmp_path, caplog, key_mode, warned):
    key = tmp_path / "secret_key"
    key.write_text("k" * 64)
    os.chmod(key, key_mode)
    with caplog.at_level(logging.WARNING, logger="cone.web"):
        start(tmp_path, SECRET_KEY_FILE=str(key))
    lines = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert bool(lines) == warned and all(str(key) in line for line in lines)
