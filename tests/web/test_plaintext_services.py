"""A database or Redis across the network is reached over TLS, unless the operator says that
network is trusted (CONE_ALLOW_PLAINTEXT_SERVICES)."""
from __future__ import annotations

import pytest

from conftest import TEST_CONFIG
from cone.web import create_app
from cone.web.config import plaintext_services

REMOTE_DB = "postgresql+psycopg://cone:secret-pw@db.example.org/cone"


@pytest.mark.parametrize("url", [REMOTE_DB, REMOTE_DB + "?sslmode=prefer", REMOTE_DB + "?sslmode=disable"])
def test_a_remote_database_without_sslmode_require_is_refused_at_startup_naming_the_setting(url):
    with pytest.raises(ValueError) as refused:
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    message = str(refused.value)
    assert "DATABASE_URL names db.example.org" in message and "CONE_ALLOW_PLAINTEXT_SERVICES=1" in message
    assert "secret-pw" not in message


def test_a_remote_plain_redis_url_is_refused_at_startup_naming_the_setting():
    with pytest.raises(ValueError, match=r"REDIS_URL names cache\.example\.org over redis://.*"
                                         r"CONE_ALLOW_PLAINTEXT_SERVICES=1"):
        create_app({**TEST_CONFIG, "REDIS_URL": "redis://:pw@cache.example.org:6379/0"})


def test_the_operator_may_allow_plain_text_services_on_a_trusted_network(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": REMOTE_DB, "ALLOW_PLAINTEXT_SERVICES": 1})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == REMOTE_DB
    app.extensions["cone.render_thread"].stop()


@pytest.mark.parametrize("config", [
    {"SQLALCHEMY_DATABASE_URI": REMOTE_DB + "?sslmode=require"},
    {"SQLALCHEMY_DATABASE_URI": REMOTE_DB + "?sslmode=verify-full"},
    {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://cone@127.0.0.1:5432/cone"},
    {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://cone@/cone?host=/var/run/postgresql"},
    {"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/cone.sqlite"},
    {"REDIS_URL": "rediss://:pw@cache.example.org:6380/0"},
    {"REDIS_URL": "redis://localhost:6379/0", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1"},
    {"REDIS_URL": "unix:///run/redis.sock"},
])
def test_tls_and_local_services_are_accepted(config):
    assert plaintext_services(config) == []


@pytest.mark.db
def test_a_local_app_starts_with_no_plain_text_complaint(app):
    assert plaintext_services(app.config) == []
