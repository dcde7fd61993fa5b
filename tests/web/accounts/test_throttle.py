"""Sign-in throttling per client address and per account, counters shared through Redis by
several servers, and the same answer time for known and unknown e-mail addresses."""
from __future__ import annotations

import statistics
import time

import pytest
from conftest import PASSWORD, csrf, make_app

from cone.web.extensions import db

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set


@pytest.fixture
def throttled(database):
    apps = []

    def make(**overrides):
        app = make_app(database, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, **overrides)
        apps.append(app)
        return app
    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _attempt(client, email: str, password: str = "wrong", address: str = "203.0.113.1") -> int:
    token = csrf(client, "/signin")
    return client.post("/signin", data={"email": email, "password": password, "csrf_token": token},
                       headers={"X-Forwarded-For": address}).status_code


def test_failed_attempts_on_one_account_are_limited_from_any_address(throttled):
    client = throttled(SIGNIN_ACCOUNT_RATE_LIMIT="2 per minute").test_client()
    addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    assert [_attempt(client, "legal@hopewell.test", address=a) for a in addresses] == [422, 422, 429]
    assert _attempt(client, "legal@hopewell.test", PASSWORD, "198.51.100.9") == 429    # locked for the right one too
    assert _attempt(client, "compliance@hopewell.test", PASSWORD, "203.0.113.3") == 302   # other accounts are not


def test_an_unknown_address_is_locked_the_same_way_as_a_known_one(throttled):
    client = throttled(SIGNIN_ACCOUNT_RATE_LIMIT="2 per minute").test_client()
    assert [_attempt(client, "nobody@hopewell.test") for _ in range(3)] == [422, 422, 429]


def test_successful_sign_ins_do_not_use_up_the_accounts_attempts(throttled):
    client = throttled(SIGNIN_ACCOUNT_RATE_LIMIT="2 per minute").test_client()
    assert [_attempt(client, "legal@hopewell.test", PASSWORD) for _ in range(4)] == [302] * 4


def test_one_colleague_mistyping_does_not_lock_out_the_office_behind_the_same_address(throttled):
    client = throttled().test_client()                   # the default limits
    assert [_attempt(client, "legal@hopewell.test") for _ in range(11)][-1] == 429
    assert _attempt(client, "compliance@hopewell.test", PASSWORD) == 302


def test_one_address_is_limited_across_accounts(throttled):
    client = throttled(SIGNIN_RATE_LIMIT="3 per minute").test_client()
    emails = ["legal@hopewell.test", "compliance@hopewell.test", "legal@other.test", "compliance@other.test"]
    assert [_attempt(client, e) for e in emails] == [422, 422, 422, 429]
    assert _attempt(client, "legal@other.test", PASSWORD, "203.0.113.99") == 302


def test_servers_sharing_redis_share_the_counts_and_servers_without_it_do_not(throttled, redis_url):
    first, second = (throttled(REDIS_URL=redis_url, SIGNIN_ACCOUNT_RATE_LIMIT="2 per minute") for _ in range(2))
    assert first.config["RATELIMIT_STORAGE_URI"] == redis_url
    assert _attempt(first.test_client(), "legal@hopewell.test") == 422
    assert _attempt(second.test_client(), "legal@hopewell.test") == 422
    assert _attempt(first.test_client(), "legal@hopewell.test") == 429
    alone = throttled(SIGNIN_ACCOUNT_RATE_LIMIT="2 per minute")      # in memory: its own counts
    assert alone.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert _attempt(alone.test_client(), "legal@hopewell.test") == 422


def _median_seconds(client, email: str) -> float:
    times = []
    for _ in range(5):
        token = csrf(client, "/signin")
        start = time.perf_counter()
        status = client.post("/signin", data={"email": email, "password": "wrong", "csrf_token": token}).status_code
        times.append(time.perf_counter() - start)
        assert status == 422
    return statistics.median(times)


def test_an_unknown_e_mail_address_takes_as_long_to_refuse_as_a_known_one(database):
    app = make_app(database, PASSWORD_HASH_METHOD="pbkdf2:sha256:300000")   # a hash that costs, as scrypt does
    client = app.test_client()
    known, unknown = _median_seconds(client, "legal@hopewell.test"), _median_seconds(client, "nobody@hopewell.test")
    assert known > 0.02                                     # the password check dominates the answer
    assert 0.6 < unknown / known < 1.6, (known, unknown)
    with app.app_context():
        db.engine.dispose()
