"""The public notice of intent to file, from the filing type's template in the pack.

Every placeholder is filled from the filing; an answer that is missing shows as its
question label in square brackets (and is listed), so a preview is always readable but
never mistaken for a complete notice. HTML output escapes every value.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

from ..filing.models import Filing
from ..filing.money import format_money
from ..filing.paths import get_path, is_blank
from ..packs.pack import Pack, template_parts


@dataclass(frozen=True)
class Notice:
    text: str
    html: str
    missing: tuple[str, ...]   # field paths the notice needs and the filing lacks


Piece = tuple[str, str]   # (text, html) of one filled placeholder


def fill(template: str, value: Callable[[str], Piece]) -> Piece:
    """The template with each placeholder replaced by its piece; literals escaped in the HTML."""
    text, html = [], []
    for literal, name in template_parts(template):
        text.append(literal)
        html.append(escape(literal, quote=False))
        if name is not None:
            piece_text, piece_html = value(name)
            text.append(piece_text)
            html.append(piece_html)
    return "".join(text), "".join(html)


def plain(value: str) -> Piece:
    """A value as text and as escaped HTML."""
    return value, escape(value, quote=False)


def join_phrase(pieces: list[Piece], separator: str, last: str) -> Piece:
    """Pieces as one phrase: "A", "A and B", "A, B and C"."""
    if len(pieces) <= 1:
        return pieces[0] if pieces else ("", "")
    head = pieces[:-1]
    text = separator.join(t for t, _ in head) + last + pieces[-1][0]
    html = escape(separator, quote=False).join(h for _, h in head) + escape(last, quote=False) + pieces[-1][1]
    return text, html


def render_notice(filing: Filing, pack: Pack) -> Notice:
    """The notice for the filing's type; missing answers are bracketed and reported in `missing`."""
    spec = pack.notice
    missing: list[str] = []

    def field(path: str) -> Piece:
        raw = get_path(filing, path)
        if is_blank(raw):
            missing.append(path)
            gap = f"[{pack.label(path)}]"
            return gap, f'<mark class="missing">{escape(gap, quote=False)}</mark>'
        return plain(str(raw))

    default, override = pack.meta.notice_contact, filing.notice_contact

    def contact(name: str) -> Piece:
        chosen = getattr(override, name, None) if override is not None else None
        return plain(chosen if not is_blank(chosen) else getattr(default, name))

    def capital_expenditure() -> Piece:
        amount = filing.project.capital_expenditure
        if amount == 0:
            return plain(spec.capital_expenditure.none)
        return fill(spec.capital_expenditure.amount,
                     lambda _: field("project.capital_expenditure") if amount is None else plain(format_money(amount)))

    def names(list_name: str) -> list[str]:
        """The list's answers; the first field's gap is not among them."""
        out: list[str] = []
        for path in spec.lists[list_name].fields:
            raw = get_path(filing, path)
            out.extend(str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw]) if not is_blank(v))
        return out

    def joined(list_name: str) -> Piece:
        join = spec.lists[list_name]
        first = join.fields[0]
        if is_blank(get_path(filing, first)):
            gap = field(first)
            rest = names(list_name)
            return join_phrase([gap, *(plain(n) for n in rest)], join.separator, join.last_separator)
        return join_phrase([plain(n) for n in names(list_name)], join.separator, join.last_separator)

    def placeholder(name: str) -> Piece:
        if name in spec.lists:
            return joined(name)
        if name in spec.agreeing:
            word = spec.agreeing[name]
            if word.number is not None:
                return plain(word.one if get_path(filing, spec.placeholders[word.number]) == 1 else word.many)
            gaps = is_blank(get_path(filing, spec.lists[word.counts].fields[0]))
            return plain(word.many if len(names(word.counts)) + gaps > 1 else word.one)
        return field(spec.placeholders[name])

    def top(name: str) -> Piece:
        if name == "statement":
            return fill(spec.statement, placeholder)
        if name == "contact":
            return fill(spec.contact, contact)
        if name == "site":
            return fill(spec.site, field)
        if name == "capital_expenditure":
            return capital_expenditure()
        return placeholder(name)

    text, html = fill(pack.filing_types[filing.filing_type].notice, top)
    return Notice(text=text, html=f'<p class="cone-notice">{html}</p>', missing=tuple(dict.fromkeys(missing)))
