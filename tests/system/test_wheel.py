"""The built wheel is a whole cone: installed into a fresh venv (dependencies borrowed from the
project's .venv, the checkout nowhere on its path) and run from outside the checkout, the CLI and
the app find their templates, rule packs, static files, assets and migrations inside the wheel."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from example_filing import EXAMPLE

pytestmark = pytest.mark.system

CHECKOUT = Path(__file__).resolve().parents[2]
CHECKOUT_CONE = CHECKOUT / ".venv" / "bin" / "cone"
FOLDERS = ("templates", "forms", "migrations")


class Installed:
    """A fresh venv holding only the wheel, and how to run things in it from a directory of its own."""

    site: Path                 # the venv's site-packages, where the wheel goes
    build_seconds: float
    install_seconds: float

    def __init__(self, root: Path):
        self.root, self.venv, self.work = root, root / "venv", root / "work"
        self.python, self.cone = self.venv / "bin" / "python", self.venv / "bin" / "cone"
        self.env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        self.env["CONE_CACHE_DIR"] = str(root / "cache")

    def run(self, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(a) for a in args], cwd=self.work, env={**self.env, **env},
                              capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    started = time.perf_counter()
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(root / "dist"), str(CHECKOUT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    build_seconds = time.perf_counter() - started
    (wheel,) = (root / "dist").glob("cone-*.whl")

    target = Installed(root)
    target.work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target.venv)], check=True, timeout=120)
    site = Path(subprocess.run([target.python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The project's installed dependencies, but not the checkout: a .pth line adds one directory and
    # does not run the .pth files inside it (so not the editable install's).
    borrowed = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "cone-deps.pth").write_text("".join(f"{p}\n" for p in borrowed))
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(target.python), "install", "-q",
                           "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    target.site = site
    target.build_seconds = build_seconds
    target.install_seconds = time.perf_counter() - started - build_seconds
    return target


def test_the_installed_cone_and_its_data_folders_are_the_wheels_not_the_checkouts(installed, figure):
    out = installed.run(installed.python, "-c", "import json, sys, cone, cone.resources as r; print(json.dumps("
                        "{'cone': cone.__file__, 'path': sys.path, 'folders': [str(r.folder(n)) for n in r.FOLDERS]}))")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert Path(found["cone"]).is_relative_to(installed.site / "cone")
    assert [Path(p) for p in found["folders"]] == [installed.site / "cone" / name for name in FOLDERS]
    assert str(CHECKOUT) not in found["path"]
    figure(f"wheel: built in {installed.build_seconds:.1f} s, fresh venv and install in {installed.install_seconds:.1f} s")


def test_cone_check_notice_and_pdf_from_the_wheel_match_the_checkouts(installed, tmp_path):
    for command in (["check", EXAMPLE], ["check", EXAMPLE, "--format", "json"], ["notice", EXAMPLE]):
        wheel = installed.run(installed.cone, *command)
        checkout = subprocess.run([str(CHECKOUT_CONE), *map(str, command)], capture_output=True, text=True,
                                  timeout=120, cwd=CHECKOUT)
        assert (wheel.returncode, wheel.stdout, wheel.stderr) == (checkout.returncode, checkout.stdout, checkout.stderr)
        assert wheel.stdout.strip()

    packet, reference = installed.work / "packet.pdf", tmp_path / "reference.pdf"
    wheel = installed.run(installed.cone, "pdf", EXAMPLE, "-o", packet, "--no-cache", SOURCE_DATE_EPOCH="0")
    checkout = subprocess.run([str(CHECKOUT_CONE), "pdf", str(EXAMPLE), "-o", str(reference), "--no-cache"],
                              capture_output=True, text=True, timeout=120, cwd=CHECKOUT,
                              env={**installed.env, "SOURCE_DATE_EPOCH": "0"})
    assert (wheel.returncode, wheel.stderr) == (checkout.returncode, checkout.stderr)   # 1: the draft has findings
    assert packet.read_bytes().startswith(b"%PDF-") and packet.read_bytes() == reference.read_bytes()


def test_the_app_from_the_wheel_migrates_with_its_migrations_and_serves_the_sign_in_page(installed):
    database = installed.work / "cone.sqlite"
    upgraded = installed.run(installed.python, "-m", "flask", "--app", "cone.web:create_app", "db", "upgrade",
                             DATABASE_URL=f"sqlite:///{database}", CONE_SECRET_KEY="test")
    assert upgraded.returncode == 0, upgraded.stderr
    with sqlite3.connect(database) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == ScriptDirectory(str(CHECKOUT / "migrations")).get_current_head()

    served = installed.run(installed.python, "-c", f"""
import json
from cone.web import create_app
app = create_app({{"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite:///{database}",
                  "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False}})
client = app.test_client()
page, css = client.get("/signin"), client.get("/static/cone.css")
print(json.dumps([page.status_code, page.get_data(as_text=True), css.status_code]))
""")
    assert served.returncode == 0, served.stderr
    status, page, css_status = json.loads(served.stdout)
    assert (status, css_status) == (200, 200)
    assert "<h1>Sign in</h1>" in page and 'name="csrf_token"' in page
