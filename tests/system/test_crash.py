"""Crash safety: kill -9 the server in the middle of saves and of a PDF render, start it again
on the same database, and check that nothing committed was lost or half-written."""
from __future__ import annotations

import http.client
import json
import threading
import time

import pikepdf
import pytest

from .conftest import Api

pytestmark = [pytest.mark.system, pytest.mark.db]   # also run on PostgreSQL


def _save_loop(api: Api, filing_id: int, body: dict, stop: threading.Event, acked: list[int], who: str) -> None:
    """PUT new versions as fast as the server takes them; record each version the server acknowledged."""
    n = 0
    while not stop.is_set():
        n += 1
        body["project"]["summary"] = f"establish an outpatient behavioral health care facility for adults ({who} rev {n})"
        try:
            status, payload = api.json("PUT", f"/filings/{filing_id}", body, timeout=5)
        except (OSError, http.client.HTTPException):
            return  # the server died mid-request (or mid-response: IncompleteRead)
        if status == 200:
            acked.append(payload["version"])


def test_kill_during_saves_keeps_every_acknowledged_version(server, api, example, figure):
    status, created = api.json("POST", "/filings", example)
    assert status == 201, created
    fid = created["id"]
    stop, acked = threading.Event(), []
    threads = [threading.Thread(target=_save_loop, args=(api, fid, json.loads(json.dumps(example)), stop, acked, who))
               for who in ("a", "b")]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.kill()                     # SIGKILL to master and workers, mid-save
    stop.set()
    for t in threads:
        t.join(timeout=10)
    server.start()

    assert acked, "no save was acknowledged before the kill"
    # Concurrent saves each got a version of their own: none was silently overwritten.
    assert len(set(acked)) == len(acked)
    status, after = api.json("GET", f"/filings/{fid}")
    assert status == 200
    # Every version the server acknowledged survived, and the latest one is a complete filing.
    assert after["version"] >= max(acked)
    assert after["filing"]["format"] == "cone.filing/1"
    assert after["filing"]["project"]["summary"].startswith("establish an outpatient")
    status, findings = api.json("GET", f"/filings/{fid}/findings")
    assert status == 200 and findings["version"] == after["version"]
    figure(f"crash: {len(acked)} saves acknowledged before kill -9; after restart version {after['version']} "
           f"(>= {max(acked)}) loads intact")
    # Every filing of the organization still loads.
    status, listing = api.json("GET", "/filings")
    assert status == 200
    for item in listing["filings"]:
        assert api.json("GET", f"/filings/{item['id']}")[0] == 200


def _wait_pdf(api: Api, filing_id: int, timeout: float = 120) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, headers, raw = api.call("GET", f"/filings/{filing_id}/pdf")
        if status == 200:
            return raw
        assert status == 202, raw[:500]
        time.sleep(0.5)
    raise AssertionError("the PDF was not ready in time")


def test_kill_during_render_serves_no_partial_pdf(server, api, example, figure):
    status, created = api.json("POST", "/filings", example)
    assert status == 201
    fid = created["id"]
    status, headers, _ = api.call("GET", f"/filings/{fid}/pdf")
    assert status in (200, 202)
    time.sleep(0.3)                   # the render is under way in the server
    server.kill()
    server.start()

    pdf = _wait_pdf(api, fid)         # after a restart the render completes, never half a file
    figure(f"crash: render killed mid-way; after restart a complete {len(pdf):,}-byte PDF was served")
    with pikepdf.open(__import__("io").BytesIO(pdf)) as doc:
        assert len(doc.pages) > 3
        names = [str(f) for f in doc.Root.Names.EmbeddedFiles.Names[::2]]
        assert "filing.json" in names
