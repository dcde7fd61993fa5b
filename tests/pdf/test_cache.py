"""Caching by content hash: a one-field change re-renders only the parts that show it."""
from __future__ import annotations

import os
import stat

from cone.pdf import packet, render_packet, workers
from cone.pdf.cache import PartCache, content_key

from .conftest import PACK, example, filing


def rendered_documents(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = workers.render_later

    def counting(htmls):
        seen.extend(htmls)
        return real(htmls)

    monkeypatch.setattr(packet, "render_later", counting)
    return seen


def test_one_field_change_renders_one_part(monkeypatch):
    data = example()
    data["project"]["description"] = "First wording."
    render_packet(filing(data), PACK)
    seen = rendered_documents(monkeypatch)
    data["project"]["description"] = "Second wording."
    changed = render_packet(filing(data), PACK)
    assert len(seen) == 1 and "Second wording." in seen[0]
    assert changed == render_packet(filing(data), PACK, cache=False)   # cached parts give the same bytes


def test_a_new_applicant_name_renders_only_the_chrome_and_the_parts_that_show_it(monkeypatch):
    """The running header is drawn over the pages when assembling, not laid out in every part."""
    data = example()
    render_packet(filing(data), PACK)
    seen = rendered_documents(monkeypatch)
    data["applicant"]["legal_name"] = "Renamed Health Solutions, LLC"
    changed = render_packet(filing(data), PACK)
    assert seen and all("Renamed Health Solutions" in html for html in seen)
    assert not any("2. Project site</h1>" in html for html in seen)     # parts without the name stay cached
    assert changed == render_packet(filing(data), PACK, cache=False)


def test_unchanged_packet_renders_nothing(monkeypatch, draft):
    render_packet(filing(), PACK)
    seen = rendered_documents(monkeypatch)
    assert render_packet(filing(), PACK) == draft
    assert seen == []


def test_part_cache_evicts_least_recently_used_and_reads_its_directory(tmp_path):
    cache = PartCache(max_bytes=10, directory=tmp_path)
    cache.put("a", b"123456")
    cache.put("b", b"123456")          # over the limit: "a" leaves memory, stays on disk
    assert cache.get("b") == b"123456"
    assert "a" not in cache._items and cache.get("a") == b"123456"
    assert PartCache().get("missing") is None


def test_part_cache_directory_is_bounded(tmp_path):
    cache = PartCache(directory=tmp_path, max_files=3)
    for key in "abcde":
        cache.put(key, key.encode())
    assert len(list(tmp_path.iterdir())) == 3


def test_content_key_separates_pieces():
    assert content_key("ab", "c") != content_key("a", "bc")
    assert content_key("x") == content_key(b"x")



def test_the_part_cache_on_disk_is_readable_by_its_owner_alone_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        PartCache(directory=tmp_path / "parts").put("k", b"%PDF- part")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "parts").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "parts" / "k").stat().st_mode) == 0o600
    assert PartCache(directory=tmp_path / "parts").get("k") == b"%PDF- part"
