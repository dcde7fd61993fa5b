"""A real SMTP server on loopback (aiosmtpd) whose received messages tests read."""
from __future__ import annotations

import email
import email.policy
import socket
import ssl
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused: dict[str, str] = {}      # recipient -> the reply its RCPT gets ("550 ...", "450 ...")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:   # (aiosmtpd's hook name)
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:      # (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server on 127.0.0.1:`port`, started and stopped by the test."""

    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None, tls: str = "none",
                 cert: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.tls, self.cert = tls, cert       # "starttls" (required) or "ssl" with (certificate, key) files
        self.handler = _Handler()
        self.controller: Controller | None = None
        self.login = login               # (user, password) the server then demands
        self.logins: list[str] = []      # the users that authenticated

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (auth_data.login.decode(), auth_data.password.decode()) == self.login
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)     # (handled=False: the server answers 535 itself)

    def start(self) -> Mailbox:
        auth = ({"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}   # loopback only
                if self.login else {})
        if self.tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.cert)
            auth.update({"tls_context": context, "require_starttls": True} if self.tls == "starttls"
                        else {"ssl_context": context})
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **auth)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, address: str, reply: str) -> None:
        """Answer RCPT TO:<address> with `reply` from now on."""
        self.handler.refused[address] = reply

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """The messages once at least `count` arrived (a sender in another thread may be slower)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
