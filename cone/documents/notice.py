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


def _fill(template: str, value: Callable[[str], Piece]) -> Piece:
    text, html = [], []
    for literal, name in template_parts(template):
        text.append(literal)
        html.append(escape(literal, quote=False))
        if name is not None:
            piece_text, piece_html = value(name)
            text.append(piece_text)
            html.append(piece_html)
    return "".join(text), "".join(html)


def _plain(value: str) -> Piece:
    return value, escape(value, quote=False)


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
        return _plain(str(raw))

    default, override = pack.meta.notice_contact, filing.notice_contact

    def contact(name: str) -> Piece:
        chosen = getattr(override, name, None) if override is not None else None
        return _plain(chosen if not is_blank(chosen) else getattr(default, name))

    def capital_expenditure() -> Piece:
        amount = filing.project.capital_expenditure
        if amount == 0:
            return _plain(spec.capital_expenditure.none)
        return _fill(spec.capital_expenditure.amount,
                     lambda _: field("project.capital_expenditure") if amount is None else _plain(format_money(amount)))

    def top(name: str) -> Piece:
        if name == "statement":
            return _fill(spec.statement, lambda n: field(spec.placeholders[n]))
        if name == "contact":
            return _fill(spec.contact, contact)
        if name == "site":
            return _fill(spec.site, field)
        if name == "capital_expenditure":
            return capital_expenditure()
        return field(spec.placeholders[name])

    text, html = _fill(pack.filing_types[filing.filing_type].notice, top)
    return Notice(text=text, html=f'<p class="cone-notice">{html}</p>', missing=tuple(dict.fromkeys(missing)))
