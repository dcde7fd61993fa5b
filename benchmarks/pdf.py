"""Benchmark the application PDF against Chromium on the same HTML, in one run.

Renders the shared example packet (completed with the test suite's review-principle answers)
and a ~200-page packet (long answers plus exhibits) and prints, for each: the full render
time and the re-render time after a one-field change in the app (warm worker pool,
in-process cache), the peak memory of the rendering process tree (sampled in runs of its
own: sampling costs CPU, so the timed runs go unsampled), Playwright `page.pdf()` on an
already running Chromium for the same HTML, and the whole-process time of `chromium
--headless --print-to-pdf` against `cone pdf --no-cache` (run in pairs, so each ratio
compares two runs on the same state of the machine), with the ratios the issue sets as
targets, and the same for `cone pdf` on a filing edited in one field with the part cache of
the previous run on disk. Needs Debian's chromium (/usr/bin/chromium).

    .venv/bin/python benchmarks/pdf.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from cone.filing.parser import parse_filing  # noqa: E402
from cone.rules.checklist import get_pack  # noqa: E402
from cone.pdf import render_html, render_packet, workers  # noqa: E402
from example_filing import complete_example  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PARAGRAPH = ("The applicant's service area covers the towns of East Lyme, Old Lyme, Waterford, Montville and "
             "New London, where the two licensed intensive outpatient programs for adults report waiting lists "
             "of four to seven weeks and no evening sessions. The proposal adds evening and weekend groups, "
             "accepts Medicaid from the first day, and coordinates discharge planning with the regional "
             "hospital's emergency department and the local mental health authority. ")


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def memory_of(pids: list[int]) -> tuple[int, int]:
    """(PSS sum, RSS sum) in bytes of the given processes."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            pass
    return pss, rss


class PeakMemory:
    """Samples the memory of some processes every 20 ms while in use; .pss and .rss are the peaks."""

    def __init__(self, pids):
        self.pids, self.pss, self.rss = pids, 0, 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            pss, rss = memory_of(self.pids())
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)
            self._stop.wait(0.02)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def app_processes() -> list[int]:
    """This process and its Python children: the render pool's fork server, workers and resource
    tracker (not Playwright's driver and browser, also children of this process)."""
    python = os.path.realpath(sys.executable)
    found = []
    for pid in _descendants(os.getpid()):
        try:
            if os.path.realpath(f"/proc/{pid}/exe") == python:
                found.append(pid)
        except OSError:
            pass
    return found


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_exhibit(pages: int, title: str) -> bytes:
    import pikepdf
    from pikepdf import Dictionary, Name

    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for i in range(pages):
        page = pdf.add_blank_page(page_size=(612, 792))
        page.Resources = Dictionary(Font=Dictionary(F1=font))
        lines = "".join(f"BT /F1 10 Tf 72 {720 - 14 * k} Td ({title}, page {i + 1}, line {k + 1}) Tj ET\n" for k in range(45))
        page.Contents = pdf.make_stream(lines.encode())
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def big_filing(data: dict) -> dict:
    data = copy.deepcopy(data)
    answer = (PARAGRAPH * 60)[:19900]
    data["principles"] = {p.id: answer for p in get_pack("CT").principles}
    data["project"]["description"] = answer
    data["utilization"] = [{"service": f"Program {s}", "year": f"FY{2022 + y}", "basis": "actual" if y < 4 else "projected",
                            "volume": 1000 + 37 * y, "unit": "visits"} for s in range(1, 4) for y in range(7)]
    return data


def chromium_print(html: Path, out: Path) -> None:
    subprocess.run([CHROMIUM, *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={out}", html.as_uri()],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cone_args(src: Path, out: Path, exhibits: list[Path], cache: bool = False) -> list[str]:
    args = [sys.executable, "-m", "cone.cli", "pdf", str(src), "-o", str(out)] + ([] if cache else ["--no-cache"])
    for path in exhibits:
        args += ["--exhibit", f"{path.stem}={path}"]
    return args


def cone_process(args: list[str], env: dict[str, str] | None = None) -> None:
    process = subprocess.run(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if process.returncode not in (0, 1):
        raise SystemExit(f"cone pdf failed: {process.stderr.decode()}")


def cone_peak_memory(args: list[str]) -> int:
    """Peak PSS of a `cone pdf` process tree, in a run of its own (sampling costs CPU, so it is
    kept out of the timed runs)."""
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakMemory(lambda: _descendants(process.pid)) as memory:
        process.wait()
    return memory.pss


def paired(first, second, repeat: int) -> tuple[float, float, float]:
    """Run the two in turn, `repeat` times: the median time of each and the median of the
    per-round ratios second/first (a round's two runs see the same state of the machine)."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(first, 1))
        b.append(timed(second, 1))
    return statistics.median(a), statistics.median(b), statistics.median(y / x for x, y in zip(a, b))


def bench(name: str, data: dict, exhibits: dict[str, bytes], tmp: Path, repeat: int, browser) -> dict:
    pack = get_pack("CT")
    filing = parse_filing(data)
    pairs = list(exhibits.items())
    src = tmp / f"{name}.json"
    src.write_text(json.dumps(data, default=str), encoding="utf-8")
    exhibit_paths = []
    for label, blob in pairs:
        path = tmp / f"{label}.pdf"
        path.write_bytes(blob)
        exhibit_paths.append(path)
    html_path = tmp / f"{name}.html"
    html = render_html(filing, pack)
    html_path.write_text(html, encoding="utf-8")

    render_packet(filing, pack, exhibits=pairs, cache=False)              # warm the pool
    full = timed(lambda: render_packet(filing, pack, exhibits=pairs, cache=False), repeat)
    with PeakMemory(app_processes) as memory:
        render_packet(filing, pack, exhibits=pairs, cache=False)
    packet = render_packet(filing, pack, exhibits=pairs)                   # fill the cache
    from pypdf import PdfReader
    pages = len(PdfReader(io.BytesIO(packet)).pages)
    edits = iter(range(10_000))

    def one_field(path: tuple[str, str]) -> None:
        changed = copy.deepcopy(data)
        section, key = path
        changed[section][key] = f"{data[section].get(key, '')} Revision {next(edits)}."
        render_packet(parse_filing(changed), pack, exhibits=pairs)
    rerender_short = timed(lambda: one_field(("site", "street")), repeat)
    rerender_long = timed(lambda: one_field(("project", "description")), repeat)

    page = browser.new_page()
    page.set_content(html)
    page.pdf(format="Letter")
    warm_pdf = timed(lambda: page.pdf(format="Letter"), repeat)
    reload_pdf = timed(lambda: (page.set_content(html), page.pdf(format="Letter")), repeat)
    page.close()

    args = cone_args(src, tmp / f"{name}.cone.pdf", exhibit_paths)
    chromium_whole, cone_whole, whole_ratio = paired(lambda: chromium_print(html_path, tmp / f"{name}.chromium.pdf"),
                                                     lambda: cone_process(args), repeat)

    # `cone pdf` on an edited filing: the part cache on disk holds the previous run's parts.
    edited = tmp / f"{name}.edited.json"
    cached_env = {**os.environ, "CONE_CACHE_DIR": str(tmp / f"{name}.cache")}
    cached_args = cone_args(edited, tmp / f"{name}.cone-edited.pdf", exhibit_paths, cache=True)

    def edit_and_render() -> None:
        changed = copy.deepcopy(data)
        changed["site"]["street"] = f"{data['site']['street']} Revision {next(edits)}."
        edited.write_text(json.dumps(changed, default=str), encoding="utf-8")
        cone_process(cached_args, cached_env)
    edit_and_render()                                                     # fill the part cache
    _, edited_whole, edited_ratio = paired(lambda: chromium_print(html_path, tmp / f"{name}.chromium.pdf"),
                                           edit_and_render, repeat)
    return {"name": name, "pages": pages, "exhibit_pages": sum(len(PdfReader(io.BytesIO(b)).pages) for b in exhibits.values()),
            "full": full, "rerender_short": rerender_short, "rerender_long": rerender_long,
            "description_chars": len(data["project"].get("description", "")), "app_peak_pss": memory.pss, "app_peak_rss": memory.rss,
            "warm_pdf": warm_pdf, "reload_pdf": reload_pdf, "chromium_whole": chromium_whole,
            "cone_whole": cone_whole, "whole_ratio": whole_ratio, "edited_whole": edited_whole,
            "edited_ratio": edited_ratio, "cone_peak_pss": cone_peak_memory(args)}


def report(r: dict) -> None:
    mb = 1 << 20
    print(f"\n== {r['name']}: {r['pages']} pages ({r['exhibit_pages']} of them exhibit pages)")
    print(f"  app full render (cache off, warm pool)      {r['full'] * 1000:8.0f} ms")
    print(f"  app re-render, one-field change (street)    {r['rerender_short'] * 1000:8.0f} ms")
    print(f"  app re-render, project description edited  {r['rerender_long'] * 1000:8.0f} ms   "
          f"(a {r['description_chars']:,}-character answer)")
    print(f"  Playwright page.pdf(), running Chromium     {r['warm_pdf'] * 1000:8.0f} ms   "
          f"(set_content + pdf: {r['reload_pdf'] * 1000:.0f} ms)")
    print(f"  ratio re-render (street) / page.pdf()       {r['rerender_short'] / r['warm_pdf']:8.2f}x   (target <= 1.0x)")
    print(f"  ratio re-render (description) / page.pdf()  {r['rerender_long'] / r['warm_pdf']:8.2f}x")
    print(f"  chromium --print-to-pdf, whole process      {r['chromium_whole'] * 1000:8.0f} ms   (HTML of the packet's own pages)")
    print(f"  cone pdf --no-cache, whole process          {r['cone_whole'] * 1000:8.0f} ms   (with exhibits merged)")
    print(f"  ratio cone pdf / chromium                   {r['whole_ratio']:8.2f}x   (target <= 1.0x; median of paired runs)")
    print(f"  cone pdf, one field edited, part cache      {r['edited_whole'] * 1000:8.0f} ms   (the previous run's parts on disk)")
    print(f"  ratio edited cone pdf / chromium            {r['edited_ratio']:8.2f}x   (target <= 1.0x; median of paired runs)")
    print(f"  peak memory, app process tree               {r['app_peak_pss'] / mb:8.0f} MB PSS ({r['app_peak_rss'] / mb:.0f} MB RSS sum)")
    print(f"  peak memory, cone pdf process tree          {r['cone_peak_pss'] / mb:8.0f} MB PSS   (target < 400 MB for 200 pages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median reported)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    data = complete_example(parse_float=Decimal)
    big_exhibits = {"Proof of publication": make_exhibit(3, "Affidavit of publication"),
                    "Financial worksheet": make_exhibit(40, "Financial Attachment I"),
                    "Letters of support": make_exhibit(35, "Letter of support"),
                    "Audited financial statements": make_exhibit(40, "Audited statements")}
    print(f"cone PDF benchmark: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
          f"{args.repeat} runs per figure (median)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, filing, exhibits in (("example", data, {}), ("200-page", big_filing(data), big_exhibits)):
                report(bench(name, filing, exhibits, Path(tmp), args.repeat, browser))
        finally:
            browser.close()
            workers.shutdown()
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
