"""Mail: stored in the outbox with the change, sent over real SMTP, retried while the server is
down and never lost, links built from the public URL, user text escaped."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import mail_settings, make_app
from smtp_sink import Mailbox, free_port, html_of, text_of

from cone.web.extensions import db
from cone.web.mail import jobs, outbox
from cone.web.models import OutboxMail, utcnow
from cone.web.urls import public_url

pytestmark = pytest.mark.db   # also run on PostgreSQL when CONE_TEST_DATABASE_URL is set

EVIL = '<script>alert("x")</script> & more'


def _queue(app, recipient="someone@hopewell.test", text=EVIL):
    with app.test_request_context():
        outbox.queue(recipient, f"Hello\r\nBcc: victim@evil.test {text}", "notification", text=text,
                     quote="", link=public_url("filings.index"), settings=public_url("accounts.account"))
        db.session.commit()
        jobs.dispatch()


def test_a_queued_mail_arrives_at_the_smtp_server_with_both_parts_and_user_text_escaped_in_html(mail_app, mailbox):
    _queue(mail_app)
    [message] = mailbox.messages
    assert message["To"] == "someone@hopewell.test" and message["From"] == "cone@example.test"
    assert "\n" not in message["Subject"] and message["Bcc"] is None        # no header injection
    assert EVIL in text_of(message)
    html = html_of(message)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; more" in html
    with mail_app.app_context():
        row = db.session.scalar(db.select(OutboxMail))
        assert row.status == "sent" and row.sent_at is not None and row.attempts == 0


def test_links_in_mail_come_from_the_public_url_and_never_from_the_request_host(mail_app, mailbox):
    with mail_app.test_request_context("/", base_url="http://evil.example"):
        assert public_url("filings.index") == "https://cone.example.test/filings/"
    _queue(mail_app)
    body = text_of(mailbox.messages[0])
    assert "https://cone.example.test/filings/" in body and "evil.example" not in body


def test_a_public_url_with_a_path_prefix_keeps_it(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite", PUBLIC_URL="https://example.test/cone/")
    with app.app_context():
        assert public_url("accounts.signin") == "https://example.test/cone/signin"
        db.engine.dispose()


def test_without_mail_settings_nothing_is_queued_and_send_mail_says_how_to_configure(app):
    with app.test_request_context():
        assert outbox.queue("a@b.test", "s", "notification", text="t", quote="", link="", settings="") is None
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMail)) == 0
    result = app.test_cli_runner().invoke(args=["cone", "send-mail"])
    assert result.exit_code != 0 and "CONE_MAIL_HOST" in result.output


def test_mail_is_kept_while_the_server_is_down_retried_with_backoff_and_sent_by_send_mail(database):
    port = free_port()                                   # nothing listens there yet
    app = make_app(database, **mail_settings(port), MAIL_RETRY_SECONDS=60)
    _queue(app)                                          # the change commits although the send fails
    with app.app_context():
        row = db.session.scalar(db.select(OutboxMail))
        assert row.status == "pending" and row.attempts == 1 and "ConnectionRefused" in row.last_error
        wait = row.next_attempt_at - utcnow()
        assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)
        assert outbox.retry_delay(2) == dt.timedelta(seconds=120) and outbox.retry_delay(30) == dt.timedelta(hours=1)
    box = Mailbox(port).start()
    try:
        runner = app.test_cli_runner()
        early = runner.invoke(args=["cone", "send-mail"])          # not due yet: backoff respected
        assert early.exit_code == 0 and "0 sent" in early.output and box.messages == []
        with app.app_context():
            row = db.session.scalar(db.select(OutboxMail))
            row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
            db.session.commit()
        result = runner.invoke(args=["cone", "send-mail"])
        assert result.exit_code == 0 and "1 sent, 0 failed; 0 waiting" in result.output
        assert len(box.messages) == 1
        again = runner.invoke(args=["cone", "send-mail"])           # sent once only
        assert "0 sent" in again.output and len(box.messages) == 1
    finally:
        box.stop()
        with app.app_context():
            db.engine.dispose()


def test_a_mail_claimed_by_a_sender_that_died_is_sent_again_after_its_claim_runs_out(mail_app, mailbox):
    with mail_app.test_request_context():
        outbox.queue("a@hopewell.test", "s", "notification", text="t", quote="", link="", settings="")
        db.session.commit()
        row = db.session.scalar(db.select(OutboxMail))
        row.status, row.next_attempt_at = "sending", utcnow() + dt.timedelta(minutes=5)
        db.session.commit()
        assert outbox.send_due() == (0, 0)             # still held by the other sender
        row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        assert outbox.send_due() == (1, 0)
    assert len(mailbox.messages) == 1


def test_the_thread_worker_sends_off_the_request(database, mailbox):
    app = make_app(database, **mail_settings(mailbox.port), MAIL_WORKER="thread")
    _queue(app)
    assert len(mailbox.wait_for(1)) == 1
    app.extensions["cone.mail_thread"].stop()
    with app.app_context():
        db.engine.dispose()


def test_an_unknown_tls_mode_is_refused_at_start_naming_the_setting(database, mailbox):
    with pytest.raises(ValueError, match="CONE_MAIL_TLS must be one of starttls, ssl, none, not 'sometimes'"):
        make_app(database, **{**mail_settings(mailbox.port), "MAIL_TLS": "sometimes"})


def _rq_env(monkeypatch, database: str, port: int, redis_url: str) -> None:
    """The environment an `rq worker cone` process builds its app from."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    for name, value in {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "test", "MAIL_HOST": "127.0.0.1",
                        "MAIL_PORT": str(port), "MAIL_TLS": "none", "MAIL_SENDER": "cone@example.test",
                        "PUBLIC_URL": "https://cone.example.test"}.items():
        monkeypatch.setenv(f"CONE_{name}", value)


def test_with_redis_an_rq_worker_sends_the_mail_off_the_request(database, mailbox, redis_url, monkeypatch):
    from redis import Redis
    from rq import SimpleWorker
    app = make_app(database, **mail_settings(mailbox.port), MAIL_WORKER="rq", REDIS_URL=redis_url)
    _queue(app)
    assert mailbox.messages == []                        # queued for the worker, not sent inline
    _rq_env(monkeypatch, database, mailbox.port, redis_url)
    SimpleWorker(["cone"], connection=Redis.from_url(redis_url)).work(burst=True)
    assert len(mailbox.messages) == 1
    with app.app_context():
        assert db.session.scalar(db.select(OutboxMail.status)) == "sent"
        db.engine.dispose()


def test_with_redis_a_failed_send_schedules_the_next_attempt(database, redis_url, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker
    port = free_port()
    app = make_app(database, **mail_settings(port), MAIL_WORKER="rq", REDIS_URL=redis_url)
    _queue(app)
    _rq_env(monkeypatch, database, port, redis_url)
    connection = Redis.from_url(redis_url)
    SimpleWorker(["cone"], connection=connection).work(burst=True)
    assert Queue("cone", connection=connection).scheduled_job_registry.count == 1
    with app.app_context():
        row = db.session.scalar(db.select(OutboxMail))
        assert row.status == "pending" and row.attempts == 1
        db.engine.dispose()


def test_send_mail_deletes_sent_mail_past_its_keeping_time_and_keeps_the_rest(mail_app, mailbox):
    for _ in range(3):
        _queue(mail_app)
    with mail_app.app_context():
        old, recent, waiting = db.session.scalars(db.select(OutboxMail).order_by(OutboxMail.id)).all()
        old.sent_at = utcnow() - dt.timedelta(days=31)
        waiting.status, waiting.sent_at = "pending", None
        waiting.next_attempt_at = utcnow() + dt.timedelta(hours=1)
        db.session.commit()
        old_id, kept = old.id, {recent.id, waiting.id}
    result = mail_app.test_cli_runner().invoke(args=["cone", "send-mail"])
    assert result.exit_code == 0 and "1 sent long ago deleted" in result.output
    with mail_app.app_context():
        assert set(db.session.scalars(db.select(OutboxMail.id))) == kept and old_id not in kept


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")   # loopback, in a test
def test_a_server_that_wants_a_login_gets_the_configured_one_and_a_wrong_one_keeps_the_mail(database):
    box = Mailbox(login=("cone", "mail-secret")).start()
    try:
        app = make_app(database, **mail_settings(box.port), MAIL_USER="cone", MAIL_PASSWORD="wrong")
        _queue(app)
        with app.app_context():
            row = db.session.scalar(db.select(OutboxMail))
            assert row.status == "pending" and "SMTPAuthenticationError" in row.last_error and box.messages == []
            row.next_attempt_at = utcnow()
            db.session.commit()
        app.config["MAIL_PASSWORD"] = "mail-secret"
        assert "1 sent" in app.test_cli_runner().invoke(args=["cone", "send-mail"]).output
        assert box.logins == ["cone"] and len(box.messages) == 1
        with app.app_context():
            db.engine.dispose()
    finally:
        box.stop()


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by this process's TLS clients."""
    import shutil
    import subprocess
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))       # what ssl.create_default_context trusts
    return str(cert), str(key)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_mail_goes_over_tls_as_configured_with_the_certificate_checked(database, certificate, mode):
    box = Mailbox(tls=mode, cert=certificate).start()
    try:
        app = make_app(database, **{**mail_settings(box.port), "MAIL_TLS": mode})
        _queue(app)
        assert len(box.messages) == 1
        plain = make_app(database, **mail_settings(box.port), MAIL_TIMEOUT=2)   # no TLS: the server refuses it
        _queue(plain)
        with plain.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMail)
                                     .where(OutboxMail.status == "pending")) == 1
            db.engine.dispose()
        with app.app_context():
            db.engine.dispose()
    finally:
        box.stop()


def _row(app) -> OutboxMail:
    with app.app_context():
        return db.session.scalar(db.select(OutboxMail))


def test_a_recipient_the_server_refuses_for_good_is_not_retried_and_the_others_still_go(mail_app, mailbox):
    mailbox.refuse("gone@hopewell.test", "550 5.1.1 No such mailbox")
    _queue(mail_app, recipient="gone@hopewell.test")
    row = _row(mail_app)
    assert row.status == "refused" and row.attempts == 1 and "No such mailbox" in row.last_error
    _queue(mail_app, recipient="someone@hopewell.test")         # the next mail is not held up by it
    assert [m["To"] for m in mailbox.messages] == ["someone@hopewell.test"]
    with mail_app.app_context():
        assert outbox.due_ids() == [] and outbox.next_retry() is None


def test_a_recipient_refused_for_now_is_retried_later(mail_app, mailbox):
    mailbox.refuse("busy@hopewell.test", "450 4.2.1 Mailbox busy, try later")
    _queue(mail_app, recipient="busy@hopewell.test")
    row = _row(mail_app)
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at > utcnow()


def test_refused_mail_is_purged_after_the_keep_days_with_the_sent_mail(mail_app, mailbox):
    mailbox.refuse("gone@hopewell.test", "550 5.1.1 No such mailbox")
    _queue(mail_app, recipient="gone@hopewell.test")
    with mail_app.app_context():
        assert outbox.purge_sent() == 0                       # refused today: kept for the keep days
        row = db.session.scalar(db.select(OutboxMail))
        row.created_at = utcnow() - dt.timedelta(days=int(mail_app.config["MAIL_KEEP_DAYS"]) + 1)
        db.session.commit()
        assert outbox.purge_sent() == 1
