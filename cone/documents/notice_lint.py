"""The notice linter: whether a notice written elsewhere, or as a newspaper printed it, holds the
elements the state requires of a notice of intent, each with the span of the text it rests on,
and how they compare with a filing's facts. Every word it looks for comes from the pack's
`notice_lint` file; this module holds only the reading (spans index the text as given).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from ..filing.models import Filing
from ..filing.money import format_money
from ..filing.paths import is_blank
from ..packs.models import NoticeLint
from ..packs.pack import Pack

Span = tuple[int, int]
# Typographic characters as their plain equivalents ("" drops the character: a soft hyphen).
PLAIN_CHARS = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"',
               "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
               "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u2010": "-", "\u2011": "-",
               "\u2012": "-", "\u2013": "-", "\u00ad": "", "\ufeff": ""}
LINE_END = re.compile(r"[ \t]*\r?\n[ \t]*")
SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(]?[A-Z])")
LAST_WORD = re.compile(r"(\w+)$")
AMOUNT = re.compile(r"\$\s?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d{1,2}))?(?!\d)"
                    r"(?:\s+(?P<scale>million|thousand)\b)?", re.I)
SCALES = {"million": Decimal(1_000_000), "thousand": Decimal(1_000)}
DEFINED = re.compile(r"\s*\(\s*(?:[a-z,]+\s+){0,4}\"(?P<short>[^\"]{1,60})\"\s*\)")
APPOSITIVE = re.compile(r",\s*(?:an?|the)\s+[^,]+,?\s*$", re.I)
NAME_JOINERS = frozenset({"of", "and", "&", "for", "the", "de", "at"})


@dataclass(frozen=True)
class Plain:
    """The notice as one line of plain characters, with where each one came from in the text given."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        return (self.origin[start], self.origin[end - 1] + 1) if end > start else (self.origin[start],) * 2


@dataclass(frozen=True)
class Element:
    id: str
    label: str
    citation: str
    present: bool
    spans: tuple[Span, ...]
    value: str | None          # what the notice says: the applicant, the scope, the address, the amount
    message: str | None        # what to add, when missing

    def as_dict(self, text: str) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "citation": self.citation, "present": self.present,
                "value": self.value, "message": self.message, "spans": _spans_json(self.spans, text)}


@dataclass(frozen=True)
class Difference:
    element: str
    field: str                 # the filing's field path it was compared with
    notice: str | None
    filing: str
    span: Span | None
    message: str

    def as_dict(self, text: str) -> dict[str, Any]:
        return {"element": self.element, "field": self.field, "notice": self.notice, "filing": self.filing,
                "message": self.message, "spans": _spans_json((self.span,) if self.span else (), text)}


@dataclass(frozen=True)
class Marker:
    id: str
    label: str
    span: Span


@dataclass(frozen=True)
class LintReport:
    kind: Literal["applicant", "hearing", "empty"]
    state: str
    citation: str
    elements: tuple[Element, ...]
    differences: tuple[Difference, ...]
    ignored: tuple[Span, ...]          # newspaper footers
    markers: tuple[Marker, ...]        # what makes it a hearing notice
    message: str | None                # for a hearing notice: what it is

    @property
    def ok(self) -> bool:
        """All elements present, and the same as the filing's facts where one was given."""
        return self.kind == "applicant" and all(e.present for e in self.elements) and not self.differences

    def as_dict(self, text: str) -> dict[str, Any]:
        return {"kind": self.kind, "state": self.state, "citation": self.citation, "ok": self.ok,
                "message": self.message, "elements": [e.as_dict(text) for e in self.elements],
                "differences": [d.as_dict(text) for d in self.differences],
                "markers": [{"id": m.id, "label": m.label, "spans": _spans_json((m.span,), text)} for m in self.markers],
                "ignored": _spans_json(self.ignored, text)}


def _spans_json(spans: Iterable[Span], text: str) -> list[dict[str, Any]]:
    return [{"start": a, "end": b, "text": text[a:b]} for a, b in spans]


@functools.lru_cache(maxsize=512)
def _rx(pattern: str, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _first(patterns: Iterable[str], text: str, start: int = 0) -> re.Match[str] | None:
    found = [m for m in (_rx(p).search(text, start) for p in patterns) if m]
    return min(found, key=lambda m: m.start()) if found else None


def _plain_char(c: str) -> str:
    return PLAIN_CHARS.get(c, c)


def make_plain(text: str, ignored: Sequence[Span] = ()) -> Plain:
    """One line of plain text: typographic quotes and spaces made plain, line breaks joined, a word
    hyphenated at a line end mended ("Solu-\\ntions"), a hyphen before a line break kept elsewhere
    ("19a-\\n638"), runs of space made one; characters in `ignored` read as space."""
    skip = bytearray(len(text))
    for a, b in ignored:
        skip[a:b] = b"\1" * (b - a)
    chars: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = " " if skip[i] else _plain_char(text[i])
        if c == "-" and (m := LINE_END.match(text, i + 1)) and "\n" in m.group():
            after = text[m.end()] if m.end() < n else ""
            if not (chars and chars[-1].isalpha() and after.islower()):
                chars.append("-")
                origin.append(i)
            i = m.end()
            continue
        if c.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(i)
        elif c:
            chars.append(c)
            origin.append(i)
        i += 1
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return Plain("".join(chars), tuple(origin))


def footer_spans(text: str, lint: NoticeLint) -> list[Span]:
    """Lines (and tails of lines after a sentence) that a newspaper adds: run dates, insertion
    numbers, its own name."""
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if _is_footer(body, lint):
            spans.append((pos, pos + len(body)))
        else:
            cut = max(body.rfind(". "), body.rfind(".\t"))
            if cut >= 0 and _is_footer(body[cut + 2:], lint):
                spans.append((pos + cut + 2, pos + len(body)))
        pos += len(line)
    return spans


def _is_footer(line: str, lint: NoticeLint) -> bool:
    plain = "".join(_plain_char(c) for c in line)
    if not re.search(r"\w", plain):
        return False
    rest = plain
    for name in sorted(lint.footer.publications, key=len, reverse=True):
        rest = _rx(r"\b" + re.escape(name) + r"\b").sub(" ", rest)
    for token in lint.footer.tokens:
        rest = _rx(token).sub(" ", rest)
    return rest != plain and not re.search(r"\w", rest)


def heading_breaks(text: str, ignored: Sequence[Span] = ()) -> set[int]:
    """Where the heading lines that open a notice end ("LEGAL NOTICE", "Notice of Intent to File"):
    leading lines without punctuation, each followed by a line that starts with a capital."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*\n?", text) if m.group()]
    inside = [(a, line) for a, line in lines if line.strip() and not any(x <= a < y for x, y in ignored)]
    breaks = set()
    for (at, line), (_, following) in zip(inside, inside[1:]):
        body = line.rstrip("\r\n")
        if len(body) > 90 or re.search(r"[.,;:!?-]\s*$|[.,;:]\s", body) or not following.lstrip()[:1].isupper():
            break
        breaks.add(at + len(body.rstrip()))
    return breaks


def sentences(text: str, lint: NoticeLint, breaks: Iterable[int] = ()) -> list[Span]:
    """Sentence spans of plain text; a period after an abbreviation of the pack or a single
    letter (initials, C.G.S.) ends none; `breaks` (indexes of spaces) end a heading."""
    abbreviations = {a.casefold() for a in lint.abbreviations}
    ends = []
    for m in SENTENCE_END.finditer(text):
        word = LAST_WORD.search(text, 0, m.start())
        if text[m.start()] == "." and word and (len(word.group(1)) == 1 or word.group(1).casefold() in abbreviations):
            continue
        ends.append((m.start() + 1, m.end()))
    ends += [(i, i + 1) for i in breaks]
    spans, start = [], 0
    for end, next_start in sorted(ends):
        if end > start:
            spans.append((start, end))
        start = max(start, next_start)
    if start < len(text):
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class _Found:
    spans: tuple[Span, ...]       # in the plain text
    value: str | None
    fact: Any = None              # what a filing is compared with


def _strip_lead_ins(text: str, start: int, lint: NoticeLint) -> int:
    """Where the words after a notice's opening formula ("Notice is hereby given that ...") start."""
    while True:
        for pattern in lint.lead_ins:
            m = _rx(pattern).match(text[start:])
            if m and m.end():
                start += m.end()
                break
        else:
            return start


def _trailing_name(text: str) -> tuple[int, str]:
    """The run of capitalized words (with of, and, &, commas) that ends `text`: where it starts, and it."""
    tokens = list(re.finditer(r"\S+", text))
    first = len(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        word = tokens[i].group()
        if any(ch.isdigit() for ch in word):
            break
        if word[0].isupper() or word in ("&",) or (word.lower() in NAME_JOINERS and i < first):
            first = i
            continue
        break
    while first < len(tokens) and tokens[first].group().lower() in NAME_JOINERS | {"&"}:
        first += 1
    if first == len(tokens):
        return len(text), ""
    start = tokens[first].start()
    return start, text[start:].strip().rstrip(",")


def _leading_name(text: str) -> tuple[int, str]:
    """The run of capitalized words (with of, and, &, commas) that starts `text`: where, and it."""
    words = []
    for m in re.finditer(r"\S+", text):
        word = m.group()
        if any(ch.isdigit() for ch in word) or not (word[0].isupper() or word.lower() in NAME_JOINERS and words):
            break
        words.append(m)
        if word.endswith(".") and not word.rstrip(".").isalpha():
            break
    while words and words[-1].group().lower() in NAME_JOINERS:
        words.pop()
    if not words:
        return 0, ""
    return words[0].start(), text[words[0].start():words[-1].end()].rstrip(",")


def defined_names(plain: str) -> dict[str, str]:
    """Short names the notice defines for its parties: Hopewell Health Solutions, LLC ("Hopewell")."""
    names = {}
    for m in DEFINED.finditer(plain):
        _, full = _trailing_name(plain[:m.start()])
        if full:
            names[m.group("short").strip().casefold()] = full
    return names


def _subject(sentence: str, verb_at: int, lint: NoticeLint, aliases: dict[str, str]) -> tuple[int, str]:
    """The applicant a sentence names before its verb of applying: where it starts, and the full name."""
    start = _strip_lead_ins(sentence, 0, lint)
    before = sentence[start:verb_at].rstrip()
    before = DEFINED.sub("", APPOSITIVE.sub("", before)).rstrip(" ,")
    at, name = _trailing_name(before)
    if not name:                # "Acme, LLC hereby gives notice that it intends to file ..."
        at, name = _leading_name(before)
    if not name:
        return verb_at, ""
    key = re.sub(r"^the\s+", "", name, flags=re.I).casefold()
    return start + at, aliases.get(key, aliases.get(name.casefold(), name))


def _merge(spans: Iterable[Span], gap: int = 3) -> tuple[Span, ...]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a - out[-1][1] <= gap:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _statement(plain: str, sents: list[Span], lint: NoticeLint, aliases: dict[str, str]) -> tuple[_Found | None, str | None]:
    statute = [m for p in lint.statute for m in _rx(p).finditer(plain)]
    verbs = []
    for a, b in sents:
        for p in lint.applying:
            m = _rx(p).search(plain, a, b)
            if m:
                verbs.append(((a, b), m))
    if not statute and not verbs:
        return None, None
    if not verbs:
        return None, "The statute is named, but no sentence says that the applicant is applying."
    if not statute:
        return None, "A sentence says that the applicant is applying, but the statute is not named."

    def inside(m: re.Match[str], s: Span) -> bool:
        return s[0] <= m.start() < s[1]

    (sent, verb) = next(((s, v) for s, v in verbs if any(inside(m, s) for m in statute)), verbs[0])
    law = min((m for m in statute if inside(m, sent)), default=None, key=lambda m: (m.start(), -m.end()))
    law = law or min(statute, key=lambda m: (m.start(), -m.end()))
    text = plain[sent[0]:sent[1]]
    at, applicant = _subject(text, verb.start() - sent[0], lint, aliases)
    end = verb.end()
    cert = _first(lint.certificate, plain[:sent[1]], verb.end())
    if cert and cert.start() - verb.end() <= 80:
        end = cert.end()
    spans = _merge([(sent[0] + at, end), (law.start(), law.end())])
    return _Found(spans, applicant or None, applicant or None), None


def _eligible(plain: str, sents: list[Span], lint: NoticeLint) -> list[Span]:
    """The sentences that may give the project's facts (not the agency's contact block)."""
    return [s for s in sents if not _first(lint.not_the_site, plain[s[0]:s[1]])]


@functools.lru_cache(maxsize=16)
def _street_rx(pack: Pack) -> re.Pattern[str]:
    lint = pack.notice_lint

    def alternatives(numbered: bool) -> str:
        words = [w for t in lint.street_types if t.numbered == numbered for w in (t.name, *t.abbreviations)]
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"

    return re.compile(
        r"\b\d{1,6}(?:-\d{1,6})?[A-Za-z]?\s+(?:(?:[A-Z][\w'.-]*|\d+(?:st|nd|rd|th))\s+){0,5}?"
        rf"(?:(?i:{alternatives(False)})\b\.?|(?i:{alternatives(True)})\b\.?\s+\d{{1,4}}[A-Za-z]?\b)"
        rf"(?:,?\s+(?i:{lint.units}))?")


@functools.lru_cache(maxsize=16)
def _town_rx(pack: Pack) -> re.Pattern[str]:
    towns = "|".join(re.escape(t) for t in sorted(pack.town_zips, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?i:{pack.notice_lint.town_lead})(?P<town>(?i:{towns}))\b")


def _address(plain: str, eligible: list[Span], pack: Pack) -> _Found | None:
    street_rx = _street_rx(pack)
    for a, b in eligible:
        m = street_rx.search(plain, a, b)
        if m is None:
            continue
        street = m.group().rstrip(" ,")
        end = m.start() + len(street)
        town = _town_rx(pack).match(plain, end, b)
        if town:
            end = town.end()
        name = pack.towns_by_key.get(town.group("town").casefold()) if town else None
        return _Found(((m.start(), end),), f"{street}, {name}" if name else street, (street, name))
    return None


def _scope(plain: str, eligible: list[Span], lint: NoticeLint, address: _Found | None) -> _Found | None:
    stop_rx = _rx(lint.scope_stop)
    for a, b in eligible:
        for opener in lint.scope_openers:
            m = _rx(opener).search(plain, a, b)
            if m is None:
                continue
            end = b
            stop = stop_rx.search(plain, m.end(), b)
            if stop:
                end = stop.start()
            if address and a <= address.spans[0][0] < end and address.spans[0][0] > m.end():
                end = address.spans[0][0]
            scope = plain[m.end():end].rstrip(" ,;.")
            scope = re.sub(r"\s+(?:at|on|located at)$", "", scope, flags=re.I)
            if len(scope.split()) >= 2:
                return _Found(((m.end(), m.end() + len(scope)),), scope)
    return None


def _money(m: re.Match[str]) -> Decimal:
    amount = Decimal(m.group("whole").replace(",", "") + "." + (m.group("cents") or "0"))
    return amount * SCALES.get((m.group("scale") or "").lower(), Decimal(1))


def _capital_expenditure(plain: str, eligible: list[Span], lint: NoticeLint) -> _Found | None:
    for a, b in eligible:
        none = _first(lint.no_capital_expenditure, plain[:b], a)
        if none:
            return _Found(((none.start(), none.end()),), format_money(0), Decimal(0))
        word = _first(lint.capital_expenditure, plain[:b], a)
        if word is None:
            continue
        amounts = list(AMOUNT.finditer(plain, a, b))
        if not amounts:
            continue
        after = [m for m in amounts if m.start() >= word.end()]
        amount = after[0] if after else amounts[-1]
        value = _money(amount)
        return _Found(((min(word.start(), amount.start()), max(word.end(), amount.end())),), format_money(value), value)
    return None


def _hearing_markers(plain: str, lint: NoticeLint) -> list[Marker]:
    found = []
    for marker in lint.hearing.markers:
        m = _first(marker.patterns, plain)
        if m:
            found.append((marker, m))
    return [Marker(k.id, k.label, (m.start(), m.end())) for k, m in found]


def _key(text: str) -> str:
    """A name or street compared loosely: case, punctuation and spacing aside."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _street_key(street: str, lint: NoticeLint) -> str:
    canonical = {a.casefold(): t.name.casefold() for t in lint.street_types for a in (t.name, *t.abbreviations)}
    return " ".join(canonical.get(w, w) for w in _key(street).split())


def _differences(found: dict[str, _Found | None], filing: Filing, pack: Pack,
                 at: Callable[[Span], Span]) -> list[Difference]:
    """Where the elements found differ from the filing's applicant, site and amount (`at` maps a
    span of the plain text to the text given)."""
    out = []
    lint = pack.notice_lint
    statement, address, capex = found["statement"], found["address"], found["capital_expenditure"]
    name = filing.applicant.legal_name
    if statement and not is_blank(name):
        said = statement.fact or ""
        if _key(name) not in _key(said):
            out.append(Difference("statement", "applicant.legal_name", said or None, name, at(statement.spans[0]),
                                  f"The notice names the applicant as \"{said}\"; the filing's legal name is \"{name}\"."
                                  if said else f"The notice does not name the applicant \"{name}\" where it says who is applying."))
    street, town = filing.site.street, filing.site.town
    if address and not is_blank(street):
        said_street, said_town = address.fact
        if _street_key(said_street, lint) != _street_key(street, lint):
            out.append(Difference("address", "site.street", said_street, street, at(address.spans[0]),
                                  f"The notice gives the street as \"{said_street}\"; the filing's site is \"{street}\"."))
    if address and not is_blank(town):
        said_town = address.fact[1]
        if said_town is None or said_town.casefold() != town.casefold():
            out.append(Difference("address", "site.town", said_town, town, at(address.spans[0]),
                                  f"The notice gives the town as \"{said_town}\"; the filing's site is in {town}."
                                  if said_town else f"The notice names no town after the street; the filing's site is in {town}."))
    amount = filing.project.capital_expenditure
    if capex and amount is not None and Decimal(amount) != capex.fact:
        out.append(Difference("capital_expenditure", "project.capital_expenditure", capex.value, format_money(amount),
                              at(capex.spans[0]),
                              f"The notice gives the capital expenditure as {capex.value}; the filing has {format_money(amount)}."))
    return out


def lint_notice(text: str, pack: Pack, filing: Filing | None = None) -> LintReport:
    """The report on a notice's text: its kind, each element with its spans in `text`, and with a
    filing, where the notice and the filing's facts differ."""
    lint = pack.notice_lint
    ignored = footer_spans(text, lint)
    plain = make_plain(text, ignored)
    base = {"state": pack.state, "citation": lint.citation, "ignored": tuple(ignored)}
    if not plain.text:
        return LintReport("empty", elements=(), differences=(), markers=(), message=None, **base)
    markers = _hearing_markers(plain.text, lint)
    if len(markers) >= lint.hearing.at_least:
        return LintReport("hearing", elements=(), differences=(), message=lint.hearing.message,
                          markers=tuple(Marker(m.id, m.label, plain.span(*m.span)) for m in markers), **base)
    where = {o: i for i, o in enumerate(plain.origin)}
    sents = sentences(plain.text, lint, {where[b] for b in heading_breaks(text, ignored) if b in where})
    eligible = _eligible(plain.text, sents, lint)
    aliases = defined_names(plain.text)
    statement, detail = _statement(plain.text, sents, lint, aliases)
    address = _address(plain.text, eligible, pack)
    found = {"statement": statement, "address": address,
             "scope": _scope(plain.text, eligible, lint, address),
             "capital_expenditure": _capital_expenditure(plain.text, eligible, lint)}
    elements = []
    for spec in lint.elements:
        f = found[spec.id]
        message = None if f else (f"{spec.missing} ({detail})" if spec.id == "statement" and detail else spec.missing)
        elements.append(Element(spec.id, spec.label, spec.citation, f is not None,
                                tuple(plain.span(a, b) for a, b in f.spans) if f else (), f.value if f else None,
                                message))
    differences = _differences(found, filing, pack, lambda s: plain.span(*s)) if filing is not None else []
    return LintReport("applicant", elements=tuple(elements), differences=tuple(differences), markers=(),
                      message=None, **base)


def pack_for_notice(text: str, packs: Sequence[Pack]) -> Pack:
    """The pack whose statute the notice names most often (the first pack when none is named)."""
    plain = make_plain(text).text

    def hits(pack: Pack) -> int:
        lint = pack.notice_lint
        return sum(len(_rx(p).findall(plain)) for p in (*lint.statute, *(p for m in lint.hearing.markers for p in m.patterns)))

    return max(packs, key=hits)


def excerpt(text: str, span: Span) -> str:
    """The text of a span as the linter read it: one line, line-end hyphens mended."""
    return make_plain(text[span[0]:span[1]]).text


def segments(text: str, report: LintReport) -> list[tuple[str, str | None]]:
    """The text cut into (piece, what it is) for highlighting: an element id, "difference",
    "marker", "ignored", or None; where spans overlap the first listed wins."""
    labels: list[str | None] = [None] * len(text)
    marked = [*((e.id, s) for e in report.elements for s in e.spans), *(("marker", m.span) for m in report.markers),
              *(("ignored", s) for s in report.ignored)]
    for label, (a, b) in marked:
        for i in range(a, min(b, len(text))):
            if labels[i] is None:
                labels[i] = label
    out: list[tuple[str, str | None]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or labels[i] != labels[start]:
            out.append((text[start:i], labels[start]))
            start = i
    return out
