"""A real cone server for system tests: migrations applied, users created, gunicorn on loopback.

The server runs as a separate process (as in production), so tests can drive it with a
browser, load it, or kill -9 it and start it again on the same database.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """gunicorn serving app:app against `database_url`, with its own instance folder."""

    def __init__(self, workdir: Path, database_url: str, workers: int = 2, threads: int = 1):
        self.workdir = workdir
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app",
                    "CONE_SECRET_KEY": "system-test-secret", "CONE_PUBLIC_URL": self.url,
                    "CONE_SESSION_COOKIE_SECURE": "false", "CONE_REMEMBER_COOKIE_SECURE": "false",
                    "CONE_SIGNIN_RATE_LIMIT": "1000 per minute", "CONE_RENDER_LEASE_SECONDS": "6"}
        self.env.pop("REDIS_URL", None)
        self.proc: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        out = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env, capture_output=True,
                             text=True, timeout=120)
        if out.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed: {out.stderr[-2000:]}")
        return out.stdout

    def setup(self, users: list[tuple[str, str, str, str]]) -> None:
        """Apply migrations and create (email, role, organization, password) users."""
        self.flask("db", "upgrade")
        for email, role, org, password in users:
            self.flask("cone", "create-user", email, "--role", role, "--org", org, "--create-org", "--password", password)

    def start(self) -> None:
        log = self.workdir / f"gunicorn-{self.port}.log"
        with log.open("ab") as out:     # the server keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", str(self.workers), "--threads", str(self.threads), "-b",
                 f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "--no-control-socket", "app:app"],
                cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole server (master and workers) at once, as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=30)
        self.proc = None

    stop = kill
