"""Flask extensions, created unbound and attached to the app in `create_app`."""
from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite as a server database would behave: foreign keys enforced (SQLite's default is
    off, so an orphaned row would be stored without complaint), and write-ahead-log mode, in
    which readers (every request's access check) neither wait for nor block a save in another
    worker. Commits stay fully synchronous: an acknowledged save survives a power cut."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def init_db(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
