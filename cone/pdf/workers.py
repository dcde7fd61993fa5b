"""WeasyPrint renders in a pool of worker processes, with a time and a memory limit.

Each worker has WeasyPrint, the fonts and the parsed stylesheet loaded (inherited from the
warmed-up process that forked it: a render host forked from the caller, or a fork server)
and turns part HTML into PDF bytes; parts are independent, so the pool renders them on all
cores. Workers are long-lived and render each part byte for byte as a fresh fork would: what
they rendered before does not matter. The one thing they share with other processes is that
warmed-up process's folder of @font-face files, from which each opens a face when a part
first uses it; only that process deletes it (a fork server when it exits; a render host's is
swept once the caller has stopped it, as is the folder of any process that was killed).
A batch that runs past its time limit kills the pool (the next call starts a fresh one);
a worker that exceeds its address-space limit fails with MemoryError. Either way the
caller gets an InputError, never a hang.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import multiprocessing
import os
import re
import resource
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from ..filing.errors import InputError
from . import ASSETS
from .forked import ForkedPool

TIME_LIMIT = float(os.environ.get("CONE_PDF_TIME_LIMIT", "60"))       # seconds per batch of parts
MEMORY_LIMIT = int(os.environ.get("CONE_PDF_MEMORY_MB", "2048")) << 20  # address space per worker
WORKERS = max(1, min(int(os.environ.get("CONE_PDF_WORKERS", "0")) or (os.cpu_count() or 1), 4))
RECYCLE = 500      # parts a fork server's worker renders before it is replaced (memory hygiene only)
SOCKET_PATH_MAX = 107                # bytes in an AF_UNIX socket path on Linux
FONT_FOLDER_PREFIX = "cone-fonts-"   # then the owner's process id: cone-fonts-1234-abcd1234

_warm: dict[str, Any] = {}
_pool: Any = None
_fork_server = False        # whether this process has started one
_lock = threading.Lock()


@functools.cache
def renderer_version() -> str:
    """The installed WeasyPrint version (part of cache keys), without importing it."""
    import importlib.metadata       # here, not at the top: the fork server never needs it

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


def _owned_font_configuration() -> Any:
    """A WeasyPrint FontConfiguration whose folder of @font-face files only this process deletes.

    WeasyPrint copies each @font-face file into a temporary folder and deletes the folder when
    the configuration is garbage-collected, in whichever process that happens. Forked workers
    open faces from that folder lazily, when a part first uses one (Cone Symbols bold, say), so
    a fork exiting normally with its copy, or the parent loading its fonts again, deleted the
    files under live workers, which then set that text in an empty font (no outlines, zero
    widths): "Status" came out as "Staus" in pdftotext and "SSStSaStSuSs" in pypdf.

    The folder is named after this process (WeasyPrint 70 creates it in `add_font_face` unless
    `_folder` is set), so that one left by a killed process can be told apart and swept.
    """
    from weasyprint.text.fonts import FontConfiguration

    owner = os.getpid()

    class OwnedFontConfiguration(FontConfiguration):
        def __init__(self) -> None:
            super().__init__()
            self._folder = Path(tempfile.mkdtemp(prefix=f"{FONT_FOLDER_PREFIX}{owner}-"))

        def __del__(self) -> None:
            if os.getpid() == owner:
                super().__del__()

    return OwnedFontConfiguration()


def sweep_font_folders() -> None:
    """Delete the font folders of processes that no longer exist (killed before they could)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FONT_FOLDER_PREFIX}*-*"):
        pid = folder.name[len(FONT_FOLDER_PREFIX):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:             # alive, under another user
            pass


def _load() -> None:
    """Fonts and the parsed stylesheet, loaded once and kept for every render in this process
    (loading again would drop the fonts that workers forked earlier still open faces from)."""
    if _warm:
        return
    from .weasy import import_weasyprint

    import_weasyprint()
    from weasyprint import CSS

    from .fetcher import AssetFetcher

    _parse_array_types_once()

    sweep_font_folders()
    fonts = _owned_font_configuration()
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

    _load()
    document = HTML(string=html, url_fetcher=_warm["fetcher"]).render(
        stylesheets=[_warm["css"]], font_config=_warm["fonts"], presentational_hints=False)
    return document.write_pdf(pdf_version="1.7")


def warm_up() -> None:
    """Load WeasyPrint, the fonts and the stylesheet, and render once (cffi types, font files);
    then freeze what is loaded out of the garbage collector's sight, so that a worker forked from
    this process does not copy those pages when it collects (at some 5,000 page faults a part).
    (Without collecting first: the few cycles that loading leaves cost less than a collection,
    some 20 ms before any worker can start.)"""
    if not _warm:
        _load()
        render_pdf(_WARM_UP)
        gc.freeze()


def _get_pool() -> Any:
    global _pool, _fork_server
    with _lock:
        if _pool is None:
            # Workers are long-lived (tests/pdf/test_workers.py checks that their parts equal a
            # fresh fork's) and are forked from a process that has loaded WeasyPrint, the fonts
            # and the stylesheet once, for all of them (two workers that each load WeasyPrint
            # cost some 0.5 s more CPU, on a command that keeps both cores busy). A single-
            # threaded caller (the CLI, an RQ work horse) forks that process from itself at
            # once, and it loads them while the caller prepares the parts. A threaded one (the
            # web app) must not fork: a fork server, a fresh interpreter, loads them, and
            # replaces the workers now and then.
            if threading.active_count() == 1:
                _pool = ForkedPool(WORKERS, warm_up, _init_worker, (MEMORY_LIMIT,))
            else:
                _fork_server = True
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["cone.pdf.warm"])
                with _short_temporary_folder():
                    _pool = context.Pool(WORKERS, initializer=_init_worker, initargs=(MEMORY_LIMIT,),
                                         maxtasksperchild=RECYCLE)
        return _pool


@contextlib.contextmanager
def _short_temporary_folder() -> Iterator[None]:
    """The fork server listens on a socket in a new folder of the temporary folder, and a socket
    path holds at most 107 bytes: where TMPDIR is too long for that (a test's tmp_path under
    pytest-xdist, say), the folder is made in /tmp instead (while the pool starts, so other
    threads' temporary files may land there too in that time)."""
    if len(os.fsencode(tempfile.gettempdir())) <= SOCKET_PATH_MAX - len("/pymp-12345678/listener-12345678"):
        yield
        return
    tempdir, tempfile.tempdir = tempfile.tempdir, "/tmp"
    try:
        yield
    finally:
        tempfile.tempdir = tempdir


def start() -> None:
    """Start the workers now: a one-shot `cone pdf` calls this first, so that they load
    WeasyPrint while it reads the filing and lays out the parts' HTML."""
    _get_pool()


def _forget_pool() -> None:
    """A fork does not own its parent's pool: it must not stop those workers when it exits
    (and the lock, which the parent may have held while it forked, is its own)."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


@atexit.register
def _shut_down() -> None:
    """Stop the pool and the fork server, and drop the fonts while the interpreter is whole
    (their finalizers need it)."""
    _reset_pool()
    _stop_fork_server()
    _warm.clear()


def _stop_fork_server() -> None:
    """Stop the fork server (it deletes its folder of fonts as it goes) and the resource tracker
    that multiprocessing starts with it, and wait for both: a command leaves no process behind.
    (`_stop` is how CPython's own tests stop them, from 3.8 on; without it they exit on their own
    once this process has gone.)"""
    global _fork_server
    if not _fork_server:
        return
    _fork_server = False
    from multiprocessing import forkserver, resource_tracker

    gc.collect()        # the stopped pools' semaphores, which the tracker would otherwise find leaked
    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        try:
            getattr(helper, "_stop", lambda: None)()
        except (ChildProcessError, OSError):    # started by the process this one was forked from
            pass


def _reset_pool() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.terminate()
            _pool.join()
            _pool = None
            sweep_font_folders()      # a stopped render host's, which it had no time to delete


def render_later(htmls: list[str]) -> Callable[[], list[bytes]]:
    """Start rendering parts in parallel; the function returned waits for their PDFs. InputError
    when the batch exceeds the time or memory limit, or the renderer fails."""
    if not htmls:
        return lambda: []
    try:
        pool = _get_pool()
    except OSError as exc:
        raise InputError(f"the PDF renderer could not start ({exc})") from exc
    try:
        pending = pool.map_async(render_pdf, htmls, chunksize=1)
    except Exception as exc:  # noqa: BLE001 (a pool that has failed)
        _failed(exc)

    def wait() -> list[bytes]:
        try:
            return pending.get(TIME_LIMIT)
        except Exception as exc:  # noqa: BLE001 (each reaches the user as one clear line, never a traceback)
            _failed(exc)
    return wait


def _failed(exc: Exception) -> NoReturn:
    """Stop the pool (the next batch starts a fresh one) and say what went wrong."""
    _reset_pool()
    if isinstance(exc, multiprocessing.TimeoutError):
        raise InputError(f"rendering the PDF took longer than {TIME_LIMIT:g} seconds and was stopped; "
                         "shorten the longest answers") from None
    if isinstance(exc, MemoryError):
        raise InputError(f"rendering the PDF needed more than {MEMORY_LIMIT >> 20} MB and was stopped; "
                         "shorten the longest answers") from None
    raise InputError(f"the PDF renderer failed on this filing ({type(exc).__name__}: {str(exc)[:200]})") from exc


def shutdown() -> None:
    """Stop the worker processes (tests and short-lived commands)."""
    _reset_pool()
