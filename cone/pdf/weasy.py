"""Importing WeasyPrint in about half its usual time: every `cone pdf` and every render
worker pays this import, so it is most of a one-shot command's start-up.

Two costs of WeasyPrint's ffi module are avoided while it imports:

- It tries up to six file names for each native library (one for each platform). On Linux
  every name that is not a loadable file makes cffi call `ctypes.util.find_library`, which
  runs ldconfig, then gcc, then ld: about 9 ms per miss, some fifteen misses. Here
  `find_library` answers from one read of the dynamic linker's cache, as its own first step
  would; where there is no ldconfig it is left alone.
- It parses some 400 lines of C declarations with pycparser (about 60 ms). The parsed
  declarations are kept in the user's cache, keyed by the exact declarations and the cffi
  and Python versions, and read back in under a millisecond; anything unexpected falls back
  to parsing.
"""
from __future__ import annotations

import ctypes.util
import functools
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from types import ModuleType

import cffi

from ..userdirs import cache_root

_PARSER_STATE = ("_declarations", "_int_constants", "_included_declarations", "_anonymous_counter")


@functools.cache
def _linker_cache() -> tuple[str, ...] | None:
    """The library names in the dynamic linker's cache (`ldconfig -p`), in its order."""
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None)
    if not sys.platform.startswith("linux") or ldconfig is None:
        return None
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10, check=True,
                                 env={**os.environ, "LC_ALL": "C"}).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(line.split()[0] for line in listing.splitlines() if line.startswith("\t"))


def find_library(name: str) -> str | None:
    """`ctypes.util.find_library` from the linker cache alone: `lib<name>.<anything>`, first listed."""
    names = _linker_cache()
    if names is None:
        return _original_find_library(name)
    prefix = f"lib{name}."
    return next((soname for soname in names if soname.startswith(prefix)), None)


def _declarations_file(csource: str, options: dict) -> str:
    key = hashlib.sha256(repr((cffi.__version__, sys.version, sorted(options.items()), csource)).encode()).hexdigest()
    return str(cache_root() / "cffi" / f"{key[:32]}.pickle")


def cached_cdef(ffi: cffi.FFI, csource: str, override: bool = False, **options) -> None:
    """`ffi.cdef`, with the parsed declarations read from (or written to) the cache."""
    if override or ffi._parser._declarations:      # only a first, plain cdef is cached
        return _original_cdef(ffi, csource, override=override, **options)
    path = _declarations_file(csource, options)
    try:
        with open(path, "rb") as f:
            state = pickle.load(f)
        with ffi._lock:
            for name in _PARSER_STATE:
                setattr(ffi._parser, name, state[name])
            ffi._cdef_version = object()
            ffi._cdefsources.append(csource)
        return None
    except Exception:  # noqa: BLE001 (missing, stale or damaged: parse instead)
        pass
    _original_cdef(ffi, csource, **options)
    if ffi._parser._recomplete or ffi._parser._uses_new_feature:
        return None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "wb") as f:
            pickle.dump({name: getattr(ffi._parser, name) for name in _PARSER_STATE}, f, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 (a cache that cannot be written is only slower)
        pass
    return None


_original_find_library = ctypes.util.find_library
_original_cdef = cffi.FFI.cdef


def import_weasyprint() -> ModuleType:
    """`import weasyprint`, with the quick library lookup and the declarations cache while it loads."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    ctypes.util.find_library = find_library
    cffi.FFI.cdef = cached_cdef
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = _original_find_library
        cffi.FFI.cdef = _original_cdef
    return weasyprint
