"""WeasyPrint renders in one pool of worker processes, with a time and a memory limit.

The pool is multiprocessing's, in its forkserver context, for every caller (the CLI, the web
app, an RQ work horse): the fork server imports this package's `warm` module once, which loads
WeasyPrint, the packaged fonts and the parsed stylesheet, and every worker is forked from it
with all of that loaded. Fonts come from the packaged fontconfig file (assets/fonts.conf),
which lists the packaged fonts and nothing of the machine's. Parts are independent, so the
pool renders them on all cores. A batch that runs past its time limit stops the pool (the next
batch starts a fresh one); a worker, and anything it forks, runs under an address-space limit
and fails with MemoryError past it. Either way the caller gets an InputError, never a hang.
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import importlib.metadata
import multiprocessing
import multiprocessing.pool
import os
import resource
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from ..filing.errors import InputError
from . import ASSETS

TIME_LIMIT = float(os.environ.get("CONE_PDF_TIME_LIMIT", "60"))       # seconds per batch of parts
MEMORY_LIMIT = int(os.environ.get("CONE_PDF_MEMORY_MB", "2048")) << 20  # address space per worker
WORKERS = max(1, min(int(os.environ.get("CONE_PDF_WORKERS", "0")) or (os.cpu_count() or 1), 4))
RECYCLE = 500      # parts a worker renders before it is replaced (memory hygiene only)
SOCKET_PATH_MAX = 107                # bytes in an AF_UNIX socket path on Linux
FONTCONFIG_FILE = ASSETS / "fonts.conf"

_warm: dict[str, Any] = {}
_pool: multiprocessing.pool.Pool | None = None
_lock = threading.Lock()


@functools.cache
def renderer_version() -> str:
    """The installed WeasyPrint version (part of cache keys), without importing it."""
    return importlib.metadata.version("weasyprint")


def _load() -> None:
    """Fonts and the parsed stylesheet, loaded once and kept for every render in this process.

    WeasyPrint is imported here, not at the top: the caller's process never renders, so it
    need not load it. Fontconfig reads FONTCONFIG_FILE when a font configuration is made."""
    if _warm:
        return
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import AssetFetcher

    fonts = FontConfiguration()
    fetcher = AssetFetcher()
    _warm.update(fonts=fonts, fetcher=fetcher,
                 css=CSS(string=(ASSETS / "packet.css").read_text(encoding="utf-8"),
                         url_fetcher=fetcher, font_config=fonts))


_WARM_UP = "".join(f'<p style="font-family: {family}">Warm up <b>bold</b> <i>italic</i> &#x2713;</p>'
                   for family in ("'Cone Serif'", "'Cone Sans'"))


def render_pdf(html: str) -> bytes:
    """One part's HTML as PDF bytes (runs in a worker, or in-process when called directly).

    Past the memory limit this raises a MemoryError of its own, once the layout that filled the
    memory is freed: the pool could not send the original, whose traceback holds the layout,
    back to the caller (it needs memory to do so)."""
    try:
        return _render(html)
    except MemoryError:
        pass
    raise MemoryError("the render exceeded the worker's memory limit")


def _render(html: str) -> bytes:
    from weasyprint import HTML

    _load()
    document = HTML(string=html, url_fetcher=_warm["fetcher"]).render(
        stylesheets=[_warm["css"]], font_config=_warm["fonts"], presentational_hints=False)
    return document.write_pdf(pdf_version="1.7")


def warm_up() -> None:
    """Load WeasyPrint, the fonts and the stylesheet, and render once (font files, layout
    caches); then freeze what is loaded out of the garbage collector's sight, so that a worker
    forked from this process does not copy those pages when it collects."""
    if not _warm:
        _load()
        render_pdf(_WARM_UP)
        gc.freeze()


def init_worker(memory_limit: int) -> None:
    """A worker's start: the address-space limit, which whatever it starts inherits."""
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))


def pool() -> multiprocessing.pool.Pool:
    """This process's render pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["cone.pdf.warm"])
            with _short_temporary_folder():
                _pool = context.Pool(WORKERS, initializer=init_worker, initargs=(MEMORY_LIMIT,),
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
    """Start the pool in the background: a one-shot `cone pdf` calls this first, so that the
    fork server loads WeasyPrint while the command reads the filing and lays out the parts."""
    threading.Thread(target=_start_quietly, name="cone-render-start", daemon=True).start()


def _start_quietly() -> None:
    with contextlib.suppress(OSError):       # render_later tries again, and says why it cannot
        pool()


def _forget_pool() -> None:
    """A fork does not own its parent's pool: it must not stop those workers when it exits (and
    the lock, which the parent may have held while it forked, is its own)."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def shutdown() -> None:
    """Stop the worker processes and wait for them (at exit, after a failed batch, in tests).
    Should this process end without its exit handlers (killed, or an RQ work horse, which skips them),
    its workers find their task queue closed and leave; the fork server and multiprocessing's
    resource tracker leave on their own when this process has gone, whichever way."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.terminate()
            _pool.join()
            _pool = None


atexit.register(shutdown)


def render_later(htmls: list[str]) -> Callable[[], list[bytes]]:
    """Start rendering parts in parallel; the function returned waits for their PDFs. InputError
    when the batch exceeds the time or memory limit, or the renderer fails."""
    if not htmls:
        return lambda: []
    try:
        pending = pool().map_async(render_pdf, htmls, chunksize=1)
    except OSError as exc:
        shutdown()
        raise InputError(f"the PDF renderer could not start ({exc})") from exc
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
    shutdown()
    if isinstance(exc, multiprocessing.TimeoutError):
        raise InputError(f"rendering the PDF took longer than {TIME_LIMIT:g} seconds and was stopped; "
                         "shorten the longest answers") from None
    if isinstance(exc, MemoryError):
        raise InputError(f"rendering the PDF needed more than {MEMORY_LIMIT >> 20} MB and was stopped; "
                         "shorten the longest answers") from None
    raise InputError(f"the PDF renderer failed on this filing ({type(exc).__name__}: {str(exc)[:200]})") from exc


def run_limited(function: Callable[..., Any], args: tuple, time_limit: float, what: str) -> Any:
    """`function(*args)` in a pool worker (under its memory limit, which every process it starts
    inherits) within `time_limit` seconds; its InputError as it is, and InputError naming `what`
    when it runs past either limit (the pool is stopped then, the next call starts a fresh one)."""
    try:
        pending = pool().apply_async(function, args)
    except OSError as exc:
        shutdown()
        raise InputError(f"{what} could not start ({exc})") from exc
    try:
        return pending.get(time_limit)
    except InputError:
        raise
    except multiprocessing.TimeoutError:
        shutdown()
        raise InputError(f"{what} took longer than {time_limit:g} seconds and was stopped") from None
    except MemoryError:
        shutdown()
        raise InputError(f"{what} needed more than {MEMORY_LIMIT >> 20} MB of memory and was stopped") from None
    except Exception as exc:
        raise InputError(f"{what} failed ({type(exc).__name__}: {str(exc)[:200]})") from exc
