"""WeasyPrint renders in a pool of worker processes, with a time and a memory limit.

The parent loads WeasyPrint, the fonts and the parsed stylesheet once, then forks the
workers, which inherit them warm and turn part HTML into PDF bytes; parts are independent,
so the pool renders them on all cores. A batch that runs past its time limit kills the
pool (the next call starts a fresh one); a worker that exceeds its address-space limit
fails with MemoryError. Either way the caller gets an InputError, never a hang.
"""
from __future__ import annotations

import atexit
import functools
import importlib.metadata
import multiprocessing
import os
import re
import resource
import threading
from typing import Any

from ..errors import InputError
from .render import ASSETS

TIME_LIMIT = float(os.environ.get("CONE_PDF_TIME_LIMIT", "60"))       # seconds per batch of parts
MEMORY_LIMIT = int(os.environ.get("CONE_PDF_MEMORY_MB", "2048")) << 20  # address space per worker
WORKERS = max(1, min(int(os.environ.get("CONE_PDF_WORKERS", "0")) or (os.cpu_count() or 1), 4))

_warm: dict[str, Any] = {}
_pool: Any = None
_lock = threading.Lock()


@functools.cache
def renderer_version() -> str:
    """The installed WeasyPrint version (part of cache keys), without importing it."""
    return importlib.metadata.version("weasyprint")


_SIZED_ARRAY = re.compile(r"([A-Za-z_][\w ]*)\[(\d+)\]")


def _parse_array_types_once() -> None:
    """WeasyPrint 70 subsets each font with `ffi.new(f"hb_codepoint_t[{n}]", values)`, and cffi parses
    every new type string with pycparser: some 15 ms each, dozens per packet. `T[]` with the same
    values makes the same array and is parsed once."""
    from weasyprint.text.ffi import ffi

    new = ffi.new
    if getattr(new, "cone_shim", False):
        return

    def new_array(cdecl: str, init: Any = None) -> Any:
        match = _SIZED_ARRAY.fullmatch(cdecl) if init is not None else None
        if match and hasattr(init, "__len__") and len(init) == int(match[2]):
            cdecl = match[1] + "[]"
        return new(cdecl, init)

    new_array.cone_shim = True  # type: ignore[attr-defined]
    ffi.new = new_array


def _load() -> None:
    """Fonts and the parsed stylesheet, kept for every render in this process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import AssetFetcher

    _parse_array_types_once()

    fonts = FontConfiguration()
    fetcher = AssetFetcher()
    _warm.update(fonts=fonts, fetcher=fetcher,
                 css=CSS(string=(ASSETS / "packet.css").read_text(encoding="utf-8"),
                         url_fetcher=fetcher, font_config=fonts))


_WARM_UP = "".join(f'<p style="font-family: {family}">Warm up <b>bold</b> <i>italic</i> &#x2713;</p>'
                   for family in ("'Cone Serif'", "'Cone Sans'"))


def _init_worker(memory_limit: int) -> None:
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))


def render_pdf(html: str) -> bytes:
    """One part's HTML as PDF bytes (runs in a worker, or in-process when called directly)."""
    from weasyprint import HTML

    if not _warm:
        _load()
    document = HTML(string=html, url_fetcher=_warm["fetcher"]).render(
        stylesheets=[_warm["css"]], font_config=_warm["fonts"], presentational_hints=False)
    return document.write_pdf(pdf_version="1.7")


def warm_up() -> None:
    """Load WeasyPrint, the fonts and the stylesheet, and render once (cffi types, font files)."""
    if not _warm:
        _load()
        render_pdf(_WARM_UP)


def _get_pool() -> Any:
    global _pool
    with _lock:
        if _pool is None:
            # Workers start warm (WeasyPrint's import, cffi's type parsing, fonts: about a second
            # of CPU) by forking from a warmed-up process, and each renders ONE part and exits:
            # a worker that had rendered many documents was seen writing a font subset whose
            # text layer lost a letter ("Status" extracted as "Staus"), so no part may depend
            # on what a worker rendered before. A threaded process (the web app) forks workers
            # from a single-threaded fork server, as forking a threaded process is unsafe; a
            # single-threaded one (the CLI, an RQ work horse) forks them from itself, which
            # saves starting that server.
            if threading.active_count() == 1:
                warm_up()
                context = multiprocessing.get_context("fork")
            else:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["cone.pdf.warm"])
            _pool = context.Pool(WORKERS, initializer=_init_worker, initargs=(MEMORY_LIMIT,), maxtasksperchild=1)
        return _pool


@atexit.register
def _shut_down() -> None:
    """Stop the pool and drop the fonts while the interpreter is whole (their finalizers need it)."""
    _reset_pool()
    _warm.clear()


def _reset_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.terminate()
            _pool.join()
            _pool = None


def render_many(htmls: list[str]) -> list[bytes]:
    """Render parts in parallel; InputError when the batch exceeds the time or memory limit."""
    if not htmls:
        return []
    pending = _get_pool().map_async(render_pdf, htmls, chunksize=1)
    try:
        return pending.get(TIME_LIMIT)
    except multiprocessing.TimeoutError:
        _reset_pool()
        raise InputError(f"rendering the PDF took longer than {TIME_LIMIT:g} seconds and was stopped; "
                         "shorten the longest answers") from None
    except MemoryError:
        _reset_pool()
        raise InputError(f"rendering the PDF needed more than {MEMORY_LIMIT >> 20} MB and was stopped; "
                         "shorten the longest answers") from None


def shutdown() -> None:
    """Stop the worker processes (tests and short-lived commands)."""
    _reset_pool()
