"""The `cone` command line: check, notice, timeline, schema, pdf, insertion-request, import and lint-notice.

Exit codes for every subcommand: 0 success (warnings allowed), 1 the filing has error
findings (printed), 2 the input cannot be used (one line on stderr naming file and path).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Callable, NoReturn

from .filing.errors import InputError
from .userdirs import PRIVATE_UMASK, cache_root

OK, FINDINGS, BAD_INPUT = 0, 1, 2
# What each output depends on (rules declare their concerns in the pack): a subcommand fails
# (exit 1) only on errors it depends on; None means every rule.
RELEVANT: dict[str, frozenset[str] | None] = {
    "check": None,
    "notice": frozenset({"notice"}),
    "timeline": frozenset({"publication", "fee"}),
    "pdf": None,
}


def _read(name: str) -> tuple[str, bytes]:
    if name == "-":
        return "<stdin>", sys.stdin.buffer.read()
    try:
        return name, Path(name).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=name) from None


def _load(name: str):
    from .rules.checklist import pack_for
    from .filing.parser import loads

    source, data = _read(name)
    try:
        text = data.decode("utf-8")
        filing = loads(text)
        return source, filing, pack_for(filing)
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=source) from None
    except InputError as exc:
        exc.source = exc.source or source
        raise


def _findings(command: str, filing, pack, today: dt.date | None = None):
    from .rules.checklist import run_checklist

    concerns = RELEVANT[command]
    return [f for f in run_checklist(filing, pack, today=today) if concerns is None or pack.concerns[f.rule] & concerns]


def _day(text: str) -> dt.date:
    """An --as-of date, YYYY-MM-DD exactly (as the filing format writes dates)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {text!r}")


def _today(args) -> dt.date:
    """The day the checks that depend on one run for: --as-of, else the real date."""
    return args.as_of or dt.date.today()


def _print_findings(findings, stream) -> None:
    for f in findings:
        print(f"{f.severity.upper():7} {f.rule} [{f.field}]", file=stream)
        print(f"        {f.message}", file=stream)
        print(f"        ({f.citation})", file=stream)


def _exit_for(findings) -> int:
    return FINDINGS if any(f.severity == "error" for f in findings) else OK


def cmd_check(args) -> int:
    source, filing, pack = _load(args.file)
    findings = _findings("check", filing, pack, _today(args))
    if args.format == "json":
        print(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
        return _exit_for(findings)
    errors = sum(f.severity == "error" for f in findings)
    print(f"{source}: {pack.meta.name}, {pack.filing_types[filing.filing_type].label}")
    _print_findings(findings, sys.stdout)
    if findings:
        print(f"{errors} error(s), {len(findings) - errors} warning(s) from {len(pack.rules_for(filing.filing_type))} rules "
              f"(rule pack as of {pack.meta.as_of.isoformat()})")
    else:
        print(f"No findings: passes all {len(pack.rules_for(filing.filing_type))} rules (rule pack as of {pack.meta.as_of.isoformat()})")
    return _exit_for(findings)


def cmd_notice(args) -> int:
    from .documents.newspaper import headed_text, heading_for, notice_docx
    from .documents.notice import render_notice

    if args.heading and args.format == "html":
        raise InputError("--heading applies to the text and docx formats, not to the HTML fragment")
    if args.format == "docx" and not args.output:
        raise InputError("--format docx writes a Word file: give it with -o OUT.docx")
    _, filing, pack = _load(args.file)
    notice = render_notice(filing, pack)
    heading = heading_for(pack, args.heading)
    if args.format == "docx":
        _write_file(args.output, notice_docx(notice, heading, title="Public notice",
                                             author=filing.applicant.legal_name or ""))
    elif args.format == "html":
        _write_or_print(args.output, notice.html + "\n")
    else:
        _write_or_print(args.output, headed_text(notice, heading))
    findings = _findings("notice", filing, pack)
    _print_findings(findings, sys.stderr)
    return _exit_for(findings)


def cmd_timeline(args) -> int:
    from .filing.money import format_money
    from .documents.timeline import build_timeline

    _, filing, pack = _load(args.file)
    timeline = build_timeline(filing, pack)
    if args.format == "json":
        print(json.dumps(timeline.as_dict(), indent=2, ensure_ascii=False))
    else:
        if timeline.fee:
            print(f"Fee: {format_money(timeline.fee.amount)} ({timeline.fee.tier}; {timeline.fee.citation})")
        for row in timeline.rows:
            print(f"{row.date.isoformat()}  {row.label}  ({row.citation})")
            if row.note:
                print(f"            {row.note}")
    findings = _findings("timeline", filing, pack, _today(args))
    _print_findings(findings, sys.stderr)
    return _exit_for(findings)


def cmd_schema(args) -> int:
    from .filing.models import Filing

    schema = Filing.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://cone.example/schemas/cone.filing-1.json"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return OK


def _exhibit(spec: str) -> tuple[str, bytes]:
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path:
        raise InputError(f"--exhibit takes NAME=PATH.pdf, not {spec!r}")
    return name.strip(), _read(path)[1]


def cmd_pdf(args) -> int:
    from .pdf import workers

    workers.start()             # the workers load WeasyPrint while this process prepares the parts
    from . import pdf

    source, filing, pack = _load(args.file)
    exhibits = [_exhibit(spec) for spec in args.exhibit]
    today = _today(args)
    findings = _findings("pdf", filing, pack, today)
    if args.html:
        Path(args.html).write_text(pdf.render_html(filing, pack, final=args.final, today=today), encoding="utf-8")
    if not args.no_cache:
        pdf.use_cache_directory(cache_root() / "pdf")
    try:
        data = pdf.render_packet(filing, pack, final=args.final, exhibits=exhibits, cache=not args.no_cache, today=today)
    except pdf.FinalBlocked as blocked:
        print(f"cone: {source}: {blocked}; no PDF written", file=sys.stderr)
        _print_findings(blocked.findings, sys.stderr)
        return FINDINGS
    _write_file(args.output, data)
    _print_findings(findings, sys.stderr)
    return _exit_for(findings)


def cmd_insertion_request(args) -> int:
    from .pdf import workers

    workers.start()
    from .documents.newspaper import insertion_request
    from .pdf.insertion import render_insertion_request

    source, filing, pack = _load(args.file)
    request = insertion_request(filing, pack, heading=args.heading)
    _write_file(args.output, render_insertion_request(request, args.date or dt.date.today()))
    if request.missing:
        print(f"cone: {source}: the request shows unanswered facts in brackets: {'; '.join(request.missing)}",
              file=sys.stderr)
        return FINDINGS
    return 0


def _write_file(name: str, data: bytes) -> None:
    """Write the file whole or not at all (a temporary file renamed over it)."""
    out = Path(name)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        raise InputError(f"cannot write file: {exc.strerror}", source=name) from None


def _write_or_print(name: str | None, text: str) -> None:
    """Text to the named file, or to standard output when there is none."""
    if name:
        _write_file(name, text.encode("utf-8"))
    else:
        sys.stdout.write(text)


def cmd_import(args) -> int:
    from .filing.parser import loads
    from .pdf import extract_filing

    source, data = _read(args.file)
    try:
        text = extract_filing(data)
        loads(text)
    except InputError as exc:
        exc.source = exc.source or source
        raise
    sys.stdout.write(text)
    return OK


def _notice_text(name: str) -> tuple[str, str]:
    source, data = _read(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=source) from None
    if not text.strip():
        raise InputError("the notice is empty", source=source)
    return source, text


def cmd_lint_notice(args) -> int:
    from .documents.notice_lint import excerpt, lint_notice, pack_for_notice
    from .rules.checklist import available_states, get_pack

    def _quote(text: str, span: tuple[int, int]) -> str:
        return f'"{excerpt(text, span)}" at {span[0]}-{span[1]}'

    source, text = _notice_text(args.file)
    filing = None
    if args.filing:
        _, filing, pack = _load(args.filing)
    elif args.state:
        pack = get_pack(args.state)
    else:
        pack = pack_for_notice(text, [get_pack(s) for s in available_states()])
    report = lint_notice(text, pack, filing)
    if args.format == "json":
        print(json.dumps({"file": source, **report.as_dict(text)}, indent=2, ensure_ascii=False))
        return OK if report.ok else FINDINGS
    print(f"{source}: {pack.meta.name} notice, checked against {report.citation}")
    if report.kind == "hearing":
        print(report.message)
        for m in report.markers:
            print(f"        {m.label}: {_quote(text, m.span)}")
    for e in report.elements:
        print(f"{'present' if e.present else 'MISSING':8} {e.label} ({e.citation})")
        for span in e.spans:
            print(f"         {_quote(text, span)}")
        if e.message:
            print(f"         {e.message}")
    for d in report.differences:
        print(f"DIFFERS  {d.field}: {d.message}")
        if d.span:
            print(f"         {_quote(text, d.span)}")
    for span in report.ignored:
        print(f"ignored  newspaper footer {_quote(text, span)}")
    if report.ok:
        print(f"All {len(report.elements)} elements present" + (" and matching the filing." if filing else "."))
    return OK if report.ok else FINDINGS


def build_parser(extra: list[Callable[[argparse._SubParsersAction], None]] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cone", description="Certificate-of-Need filing helper.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="check a filing against its state's rule pack")
    p.add_argument("file", help="filing JSON (cone.filing/1), or - for stdin")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="the day to check dates against (default: today)")
    p.set_defaults(run=cmd_check)
    p = sub.add_parser("notice", help="print the public notice")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "html", "docx"], default="text",
                   help="text (default), the HTML fragment, or a Word document (needs -o)")
    p.add_argument("--heading", action="store_true", help="print the pack's heading (e.g. LEGAL NOTICE) over the notice")
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of standard output")
    p.set_defaults(run=cmd_notice)
    p = sub.add_parser("insertion-request", help="write the one-page request asking the newspaper to run the notice")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--heading", action="store_true", help="print the pack's heading over the notice")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the request's date (default: today)")
    p.set_defaults(run=cmd_insertion_request)
    p = sub.add_parser("timeline", help="print the filing window, fee and post-filing dates")
    p.add_argument("file")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="the day to check dates against (default: today)")
    p.set_defaults(run=cmd_timeline)
    p = sub.add_parser("schema", help="print the JSON Schema of cone.filing/1")
    p.set_defaults(run=cmd_schema)
    p = sub.add_parser("pdf", help="write the application packet as PDF/A-3b (draft unless --final)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    p.add_argument("--final", action="store_true", help="refuse while error findings remain; no watermark or appendix")
    p.add_argument("--exhibit", action="append", default=[], metavar="NAME=PATH.pdf",
                   help="attach a PDF exhibit (repeat, in the order the application cites them)")
    p.add_argument("--html", metavar="OUT.html", help="also write the HTML of the packet's own pages")
    p.add_argument("--no-cache", action="store_true", help="render every part afresh")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="the day to check dates against (default: today)")
    p.set_defaults(run=cmd_pdf)
    p = sub.add_parser("import", help="print the filing JSON embedded in a packet PDF")
    p.add_argument("file", help="a PDF written by cone pdf")
    p.set_defaults(run=cmd_import)
    p = sub.add_parser("lint-notice", help="check a notice written elsewhere (or as published) for the required elements")
    p.add_argument("file", help="the notice as plain UTF-8 text, or - for stdin")
    p.add_argument("--filing", metavar="F.json", help="compare the notice with this filing's facts (and use its state's pack)")
    p.add_argument("--state", help="the state whose rules apply (default: the one whose statute the notice names)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=cmd_lint_notice)
    for add in extra:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    umask = os.umask(PRIVATE_UMASK)       # the packet, its HTML and the part cache are the user's alone
    try:
        return args.run(args)
    except InputError as exc:
        one_line = str(exc).replace("\r", "\\r").replace("\n", "\\n")   # a file name may hold a newline
        print(f"cone: {one_line}", file=sys.stderr)
        return BAD_INPUT
    except BrokenPipeError:
        return OK
    finally:
        os.umask(umask)


def _leave(signum: int, frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


def run() -> NoReturn:
    """The `cone` command. Terminated (kill, `timeout`, a closed terminal), it leaves as it would
    on its own, through the exit handlers, so that they stop the render workers. (Here, not in
    main(), which tests call in their own process.)"""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _leave)
    sys.exit(main())


if __name__ == "__main__":
    run()
