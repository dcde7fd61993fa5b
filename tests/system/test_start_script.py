"""scripts/start.sh serves the app with gunicorn, prints how to sign in, and names no version."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_start_script_serves_with_gunicorn_prints_the_sign_in_and_no_server_version(tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path / 'cone.sqlite'}",
           "CONE_SECRET_KEY": "s" * 40, "WORKERS": "1"}
    env.pop("CONE_PUBLIC_URL", None)
    out = (tmp_path / "out").open("w+")
    server = subprocess.Popen(["scripts/start.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "Listening at" not in (tmp_path / "out").read_text():
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "out").read_text()
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin") as response:
            assert response.status == 200
            server_header = response.headers.get("Server", "")
        printed = (tmp_path / "out").read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        out.close()
    assert server_header == "gunicorn" and not re.search(r"\d", server_header)
    assert "Werkzeug" not in printed and "development server" not in printed
    assert f"Sign in at http://127.0.0.1:{port}/signin" in printed
    assert re.search(r"organization: +\S", printed) and re.search(r"password: +\S{12,}", printed)
