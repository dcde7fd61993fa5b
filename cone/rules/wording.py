"""Checks of the notice's wording: how each answer reads where the filing type's notice template
prints it (a doubled word, a stray period, a repeated fact, a missing article, "1 beds" in a summary, cents).

Each applies only where the template prints the field, and skips a blank answer (the draft's
bracketed placeholder stays as it is). The words they look for are the rule's params in the pack.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

from ..filing.models import Filing
from ..filing.money import format_money
from ..filing.paths import get_path, is_blank
from ..packs.models import RuleDef
from ..packs.pack import Pack, template_parts
from .checks import Hit, check


def _context(pack: Pack, filing: Filing, path: str) -> tuple[str, str] | None:
    """The template's text just before and just after the placeholder that prints `path` in the
    filing type's notice (the statement, site and capital-expenditure clauses included), or None
    when the notice does not print it."""
    names = [name for name, p in pack.notice.placeholders.items() if p == path]
    spec = pack.notice
    clauses = {"statement": spec.statement, "site": spec.site, "capital_expenditure": spec.capital_expenditure.amount,
               "contact": spec.contact}
    parts = list(template_parts(pack.filing_types[filing.filing_type].notice))
    for i, (literal, name) in enumerate(parts):
        if name in names or name == path:
            after = parts[i + 1][0] if i + 1 < len(parts) else ""
            return literal, after
        if name in clauses:
            inner = list(template_parts(clauses[name]))
            for j, (lit, n) in enumerate(inner):
                if n is not None and (n in names or n == path):
                    after = inner[j + 1][0] if j + 1 < len(inner) else (parts[i + 1][0] if i + 1 < len(parts) else "")
                    return lit, after
    return None


def _text(filing: Filing, path: str) -> str | None:
    value = get_path(filing, path)
    return None if is_blank(value) else str(value).strip()


def _last_word(text: str) -> str:
    words = re.findall(r"[\w'’-]+", text)
    return words[-1] if words else ""


def _first_words(text: str, count: int = 2) -> str:
    return " ".join(re.findall(r"[\w'’,-]+", text)[:count]).rstrip(",")


@check
def notice_leading_word(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The answer (params.field) does not start with a word of params.words that the notice
    template already prints just before it ("to" before the summary: "to To establish")."""
    path = rule.params["field"]
    value, around = _text(filing, path), _context(pack, filing, path)
    if value is None or around is None:
        return
    before = _last_word(around[0])
    for word in rule.params["words"]:
        match = re.match(rf"{re.escape(word)}\b\s*", value, re.IGNORECASE)
        if match and before.casefold() == word.casefold():
            fixed = value[match.end():]
            yield path, {"value": value, "word": value[:match.end()].strip(), "before": before, "fixed": fixed}
            return


@check
def notice_trailing_mark(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The answer (params.field) does not end with a mark of params.marks where the notice's
    sentence goes on after it, unless it ends with one of params.abbreviations ("Inc.")."""
    path = rule.params["field"]
    value, around = _text(filing, path), _context(pack, filing, path)
    if value is None or around is None or not value or value[-1] not in rule.params["marks"]:
        return
    if any(value.casefold().endswith(a.casefold()) for a in rule.params["abbreviations"]):
        return
    fixed = value.rstrip(rule.params["marks"] + " ")
    yield path, {"value": value, "mark": value[-1], "fixed": fixed, "after": _first_words(around[1])}


def _site_pattern(rule: RuleDef, filing: Filing) -> re.Pattern[str] | None:
    street, town = _text(filing, "site.street"), _text(filing, "site.town")
    place = "|".join(re.escape(w) for w in rule.params["place_words"])
    lead = rf"(?:\s*,?\s*\b(?:{place})\s+)?" if place else ""
    options = []
    if street:
        tail = rf"(?:,?\s*{re.escape(town)})?" if town else ""
        options.append(rf"{lead}{re.escape(street)}{tail}")
    if town and place:
        options.append(rf"\s*,?\s*\b(?:{place})\s+{re.escape(town)}(?=\W*$)")
    return re.compile("|".join(options), re.IGNORECASE) if options else None


@check
def notice_repeats_site(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The answer (params.field) does not give the site's street address, or end with the site's
    town after a word of params.place_words ("in Springfield"), which the notice prints itself."""
    path = rule.params["field"]
    value = _text(filing, path)
    pattern = _site_pattern(rule, filing)
    if value is None or pattern is None or _context(pack, filing, path) is None:
        return
    match = pattern.search(value)
    if match:
        fixed = (value[:match.start()] + value[match.end():]).strip().rstrip(",")
        yield path, {"value": value, "repeated": match.group().strip(" ,"), "fixed": fixed}


def _name_forms(filing: Filing, pack: Pack) -> list[str]:
    """The applicant's legal name, and the name without its entity designation ("Acme Health
    Solutions" for "Acme Health Solutions, LLC"), longest first."""
    name = _text(filing, "applicant.legal_name")
    if not name:
        return []
    forms = {name}
    for kind in pack.entity_types.values():
        for suffix in kind.suffixes:
            if name.casefold().endswith(suffix.casefold()):
                core = name[: -len(suffix)].rstrip(" ,")
                if core:
                    forms.add(core)
    return sorted(forms, key=len, reverse=True)


@check
def notice_repeats_applicant(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The answer (params.field) does not name the applicant, whom the notice names just before it:
    the fix refers to it by params.possessive ("its") or params.pronoun ("it")."""
    path = rule.params["field"]
    value = _text(filing, path)
    if value is None or _context(pack, filing, path) is None:
        return
    for form in _name_forms(filing, pack):
        match = re.search(rf"(?<!\w){re.escape(form)}(?:,)?(?P<own>['’]s?\b|['’])?(?!\w)", value, re.IGNORECASE)
        if match:
            word = rule.params["possessive"] if match.group("own") else rule.params["pronoun"]
            fixed = value[:match.start()] + word + value[match.end():]
            yield path, {"value": value, "repeated": value[match.start():match.start() + len(form)], "fixed": fixed}
            return


def _article_for(word: str, rule: RuleDef) -> str:
    """'a' or 'an' before `word`: by its first letter, or for an initialism (MRI) by how the letter
    is spoken (params.an_initials)."""
    head = re.split(r"[-/]", word)[0]
    if head.isalpha() and head.isupper() and (len(head) > 1 or head != word):
        spoken_vowel = head[0] in rule.params["an_initials"]
    else:
        spoken_vowel = word[:1].casefold() in rule.params["an_letters"]
    return rule.params["articles"][1 if spoken_vowel else 0]


@check
def notice_article(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The answer (params.field) starts with an article or another word of params.determiners, or
    a number ("acquire linear accelerator" needs "a linear accelerator")."""
    path = rule.params["field"]
    value, around = _text(filing, path), _context(pack, filing, path)
    if value is None or around is None:
        return
    first = value.split()[0]
    allowed = {w.casefold() for w in [*rule.params["articles"], *rule.params["determiners"]]}
    if first.casefold() in allowed or first[0].isdigit():
        return
    fixed = f"{_article_for(first, rule)} {value}"
    yield path, {"value": value, "before": _last_word(around[0]), "fixed": fixed}


@check
def notice_count_noun(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A free-text answer (params.fields) that the notice prints counts one of a plural noun of
    params.nouns ("add 1 beds", "one new operating rooms"); the fix is the answer in the singular."""
    for path in rule.params["fields"]:
        value = _text(filing, path)
        if value is None or _context(pack, filing, path) is None:
            continue
        for plural, singular in rule.params["nouns"].items():
            pattern = re.compile(rf"\b(1|one)(\s+(?:(?!(?:hundred|thousand|million|dozen)\b)[\w-]+\s+)?){re.escape(plural)}\b",
                                 re.IGNORECASE)   # ("one hundred beds" is a plural)
            found = pattern.search(value)
            if found:
                fixed = pattern.sub(rf"\g<1>\g<2>{singular}", value)
                yield path, {"value": value, "wrong": found.group(0), "plural": plural, "singular": singular,
                             "fixed": fixed}
                break


@check
def notice_whole_dollars(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """An amount (params.field) that the notice prints in its clause (params.clause) is in whole
    dollars: notices usually round it."""
    path, amount = rule.params["field"], get_path(filing, rule.params["field"])
    template = pack.filing_types[filing.filing_type].notice
    if amount is None or rule.params["clause"] not in {n for _, n in template_parts(template)}:
        return
    amount = Decimal(amount)
    rounded = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if amount != rounded:
        yield path, {"value": format_money(amount), "rounded": format_money(rounded), "number": f"{rounded:f}"}
