"""cone.pdf.weasy: WeasyPrint's import shortcuts give what the slow paths give."""
from __future__ import annotations

import ctypes.util

import cffi
import pytest

from cone.pdf import weasy

# The names WeasyPrint 70 tries for its libraries (weasyprint/text/ffi.py), hits and misses.
NAMES = ["libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "libpango-1.0-0", "pango-1.0",
         "libharfbuzz-0", "harfbuzz", "harfbuzz-subset", "harfbuzz-vector", "libharfbuzz-vector.so.0",
         "libfontconfig-1", "fontconfig-1", "fontconfig", "pangoft2-1.0", "c", "m", "no-such-library-anywhere"]
DECLARATIONS = """
typedef struct { int x, y; unsigned int width; } Box;
typedef enum { LEFT = 0, RIGHT = 1 << 3 } Side;
#define LIMIT 4096
int box_area (Box *box, Side side);
"""


@pytest.mark.skipif(weasy._linker_cache() is None, reason="the linker-cache lookup is for Linux with ldconfig")
@pytest.mark.parametrize("name", NAMES)
def test_library_lookup_agrees_with_ctypes(name):
    assert weasy.find_library(name) == ctypes.util.find_library(name)


def _declarations(ffi: cffi.FFI) -> dict[str, str]:
    return {name: str(tp) for name, (tp, _) in ffi._parser._declarations.items()}


def test_parsed_declarations_come_back_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONE_CACHE_DIR", str(tmp_path))
    parsed = cffi.FFI()
    parsed.cdef(DECLARATIONS)
    first = cffi.FFI()
    weasy.cached_cdef(first, DECLARATIONS)                 # parses, and writes the cache
    (written,) = (tmp_path / "cffi").iterdir()
    second = cffi.FFI()
    weasy.cached_cdef(second, DECLARATIONS)                # reads it
    assert _declarations(first) == _declarations(second) == _declarations(parsed)
    assert second.sizeof("Box") == parsed.sizeof("Box") and second.new("Box *", [1, 2, 3]).width == 3
    assert second.new("Side *", 8)[0] == 8 and second.typeof("int(*)(Box *, Side)") is not None
    changed = cffi.FFI()
    weasy.cached_cdef(changed, DECLARATIONS.replace("4096", "8192"))   # other declarations, other entry
    assert len(list((tmp_path / "cffi").iterdir())) == 2 and written.exists()


def test_a_damaged_cache_entry_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CONE_CACHE_DIR", str(tmp_path))
    weasy.cached_cdef(cffi.FFI(), DECLARATIONS)
    (entry,) = (tmp_path / "cffi").iterdir()
    entry.write_bytes(b"not a pickle")
    ffi = cffi.FFI()
    weasy.cached_cdef(ffi, DECLARATIONS)
    assert ffi.sizeof("Box") == 12
