"""cone.pdf.stamp: the page-number font kept in the user cache is the one a fresh subset gives."""
from __future__ import annotations

from cone.pdf import stamp


def _font_in(cache, monkeypatch):
    monkeypatch.setenv("CONE_CACHE_DIR", str(cache))
    stamp._font.cache_clear()
    try:
        return stamp._font()
    finally:
        stamp._font.cache_clear()


def test_the_cached_subset_equals_a_fresh_one(tmp_path, monkeypatch):
    fresh = _font_in(tmp_path, monkeypatch)                  # subsets, and writes the cache
    (entry,) = (tmp_path / "stamp").iterdir()
    assert _font_in(tmp_path, monkeypatch) == fresh == stamp._subset()
    program, widths, metrics = fresh
    assert program[:4] == b"\x00\x01\x00\x00" and set(widths) == set(stamp.CHARS)
    entry.write_text("{not json")                            # damaged: subset again
    assert _font_in(tmp_path, monkeypatch) == fresh


def test_an_unwritable_cache_still_gives_the_font(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    assert _font_in(blocked, monkeypatch) == stamp._subset()
