"""The check functions that rules name in a pack's rules.yaml.

Each check takes (rule, filing, pack) and yields one (field path, message values) pair per
problem it finds; the checklist turns those into findings with the rule's severity,
message and citation. Checks hold logic only: thresholds and wording are pack data.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..calendar import filing_window, qualifying_run
from ..fee import fee_basis, fee_for
from ..filing.models import Filing, Service
from ..filing.dates import long_date
from ..filing.money import format_money
from ..filing.paths import get_path, is_blank
from ..packs.models import FieldDef, RuleDef
from ..packs.pack import Pack

Hit = tuple[str, dict[str, Any]]
Check = Callable[[RuleDef, Filing, Pack], Iterator[Hit]]
CHECKS: dict[str, Check] = {}
# Checks that report a missing answer for each field their rule names (notice_scope instead
# reports the fields its filing type's notice prints, and principles_answered each principle's
# question: see required_fields, which leaves all of these to them).
PRESENCE_CHECKS = ("present", "notice_statement")


def check(fn: Check) -> Check:
    CHECKS[fn.__name__] = fn
    return fn


def _date(value: dt.date) -> str:
    return value.strftime("%B %-d, %Y")


def _missing(filing: Filing, pack: Pack, paths: Iterable[str]) -> Iterator[Hit]:
    for path in paths:
        if is_blank(get_path(filing, path)):
            yield path, {"label": pack.label(path)}


@check
def present(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Each field the rule names has an answer."""
    yield from _missing(filing, pack, rule.fields)


@check
def notice_statement(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The notice names the applicant and the statute it applies under."""
    if pack.notice.statute_reference not in pack.notice.statement:
        yield "filing_type", {"applicant": "the applicant", "label": "the statute"}
    for path, values in _missing(filing, pack, rule.fields):
        yield path, {**values, "applicant": "the applicant"}


@check
def notice_scope(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Every project fact the filing type's notice template prints has an answer."""
    yield from _missing(filing, pack, pack.notice_fields[filing.filing_type])


Plan = tuple[tuple[FieldDef, bool, tuple[FieldDef, ...]], ...]


@functools.lru_cache(maxsize=64)
def _form_plan(pack: Pack, filing_type: str, wanted: Callable[[FieldDef, str], bool]) -> Plan:
    """The filing type's questions that `wanted` selects, in form order, computed once per pack and
    type: (question, selected itself, its selected item questions if it is a group)."""
    plan = []
    for section in pack.sections_for(filing_type):
        for f in section.fields:
            subs = tuple(sub for sub in f.fields if wanted(sub, filing_type)) if f.type == "group" else ()
            if wanted(f, filing_type) or subs:
                plan.append((f, wanted(f, filing_type), subs))
    return tuple(plan)


def _walk(filing: Filing, plan: Plan) -> Iterator[tuple[str, Any, FieldDef]]:
    """(path, answer, question) for the plan's questions, item questions read from each item."""
    for f, itself, subs in plan:
        value = get_path(filing, f.path)
        if itself:
            yield f.path, value, f
        if subs and value:
            for i, item in enumerate(value):
                for sub in subs:
                    yield f"{f.path}[{i}].{sub.path}", get_path(item, sub.path), sub


def _is_required(f: FieldDef, filing_type: str) -> bool:
    return f.required_for(filing_type)


def _has_choices(f: FieldDef, filing_type: str) -> bool:
    return f.choices is not None


@functools.lru_cache(maxsize=64)
def _presence_covered(pack: Pack) -> frozenset[str]:
    covered = {p for r in pack.rules if r.check in PRESENCE_CHECKS for p in r.fields}
    if any(r.check == "principles_answered" for r in pack.rules):
        covered.update(_principle_path(p.id) for p in pack.principles)
    return frozenset(covered)


@functools.lru_cache(maxsize=64)
def _covered(pack: Pack, filing_type: str) -> frozenset[str]:
    return _presence_covered(pack).union(pack.notice_fields[filing_type])


@check
def required_fields(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Every question the pack marks required for the filing type is answered, except those a
    more specific presence rule already reports (so one gap gives one finding)."""
    covered = _covered(pack, filing.filing_type)
    for path, value, f in _walk(filing, _required_plan(pack, filing.filing_type)):
        if is_blank(value) and path not in covered and _required_here(f, filing):
            yield path, {"label": f.label}


def _required_here(f: FieldDef, filing: Filing) -> bool:
    """Whether the filing's answers make a question required (`required_when`): a facility's programs
    are asked of a facility that offers levels of care, for example."""
    return f.required_when is None or all(get_path(filing, path) in values for path, values in f.required_when.items())


@functools.lru_cache(maxsize=64)
def _required_plan(pack: Pack, filing_type: str) -> Plan:
    """The required questions, without those another presence rule reports (read once, not per filing)."""
    covered = _covered(pack, filing_type)
    plan = [(f, itself and f.path not in covered, subs) for f, itself, subs in _form_plan(pack, filing_type, _is_required)]
    return tuple(step for step in plan if step[1] or step[2])


@check
def known_choices(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Answers to choice questions are codes of the question's vocabulary."""
    for path, value, f in _walk(filing, _form_plan(pack, filing.filing_type, _has_choices)):
        if value is None:
            continue
        vocab = pack.vocab[f.choices]
        for v in value if isinstance(value, list) else (value,):
            if v is not None and v not in vocab:
                yield path, {"value": v, "label": f.label, "choices": ", ".join(vocab)}


@check
def site_state(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The site is in the pack's state."""
    if filing.site.state is not None and filing.site.state != pack.state:
        yield "site.state", {"value": filing.site.state}


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _suggest_town(pack: Pack, town: str, zip_code: str | None) -> str:
    """What to enter instead of a name that is not a town: the town of a village (narrowed by the
    ZIP where the village spans towns), a town spelled alike, or the town of the ZIP."""
    by_zip = pack.zip_towns.get((zip_code or "")[:5], ())
    village = pack.villages.get(town.casefold().strip())
    if village:
        name = town.strip()
        narrowed = [t for t in village if t in by_zip]
        if len(village) == 1:
            return f": {name} is a village of {village[0]}: enter {village[0]}."
        if len(narrowed) == 1:
            return f": {name} lies in {_and(village)}, and ZIP {zip_code} is in {narrowed[0]}: enter {narrowed[0]}."
        return f": {name} lies in {_and(village)}: enter the one the site is in."
    key = town.casefold().replace(" ", "")
    alike = [name for k, name in pack.towns_by_key.items() if k.replace(" ", "") == key]
    if alike:
        return f"; did you mean {alike[0]}?"
    if len(by_zip) == 1:
        return f"; ZIP {zip_code} is in {by_zip[0]}: enter {by_zip[0]} if the site is there."
    return "; enter the town (not the village or post-office name)."


@check
def site_town(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The site town is one of the state's towns (exact spelling)."""
    town = filing.site.town
    if not is_blank(town) and town not in pack.town_zips:
        yield "site.town", {"value": town, "suggestion": _suggest_town(pack, town, filing.site.zip)}


@check
def site_zip(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The site ZIP code is a ZIP code of one of the state's towns (ZIP+4 by its first five digits)."""
    zip_code = filing.site.zip
    if zip_code and zip_code[:5] not in pack.zips:
        yield "site.zip", {"value": zip_code}


@check
def site_zip_town(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The site ZIP code is one the town's addresses use."""
    zip_code, town = filing.site.zip, filing.site.town
    zips = pack.town_zips.get(town or "")
    if zip_code and zips and zip_code[:5] in pack.zips and zip_code[:5] not in zips:
        expected = f" ({', '.join(sorted(zips))})" if len(zips) <= 6 else ""
        yield "site.zip", {"value": zip_code, "town": town, "expected": expected}


@check
def posted_by(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A posting date (params.field) is no later than the pre-filing row's date (params.row:
    that many days before the planned filing date)."""
    day, planned = get_path(filing, rule.params["field"]), filing.planned_filing_date
    if day is None or planned is None:
        return
    row = next(r for r in pack.deadlines.pre_filing if r.id == rule.params["row"])
    latest = planned - dt.timedelta(days=row.days)
    if day > latest:
        yield rule.params["field"], {"date": long_date(day), "latest": long_date(latest), "planned": long_date(planned),
                                     "days": row.days, "late": (day - latest).days}


@check
def at_least_items(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A list the rule names (its first field) has at least params.count entries, once it has any."""
    items = get_path(filing, rule.fields[0]) or []
    if 0 < len(items) < rule.params["count"]:
        yield rule.fields[0], {"count": rule.params["count"], "given": len(items), "items": "; ".join(items)}


@check
def consecutive_days(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The notice ran on at least N consecutive calendar days."""
    need = pack.deadlines.notice.consecutive_days
    dates = filing.publication.dates
    if not dates:
        return  # form.required reports the missing dates
    run = qualifying_run(dates)
    if len(run) < need:
        shown = ", ".join(_date(d) for d in sorted(set(dates)))
        problem = (f"the dates given ({shown}) include at most {len(run)} consecutive "
                   f"day{'s' if len(run) != 1 else ''}")
        yield "publication.dates", {"days": need, "problem": problem}


@check
def publication_window(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The last day of the qualifying run falls within the window before the planned filing date."""
    run = qualifying_run(filing.publication.dates)
    planned = filing.planned_filing_date
    if not run or planned is None:
        return
    earliest, latest = filing_window(run[-1], pack)
    if not earliest <= planned <= latest:
        yield "planned_filing_date", {"last_run": _date(run[-1]), "earliest": _date(earliest),
                                      "latest": _date(latest), "planned": _date(planned)}


@check
def fee_matches(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A stated fee equals the fee table's fee for the cost of the project."""
    basis = fee_basis(filing)
    if filing.fee is None or basis is None:
        return
    fee = fee_for(pack.fees, basis)
    if filing.fee != fee.amount:
        yield "fee", {"value": format_money(filing.fee), "expected": format_money(fee.amount), "tier": fee.tier,
                      "cost": format_money(basis), "note": f" {fee.note}" if fee.note else ""}


def _services(filing: Filing) -> Iterator[tuple[str, Service]]:
    for i, service in enumerate(filing.services):
        yield f"services[{i}]", service


@check
def service_schedule(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Each program states its weekly hours, directly or as days x hours per day."""
    for path, service in _services(filing):
        if service.weekly_hours() is None:
            yield f"{path}.hours_per_week", {"name": service.name or "program"}


def _population(service: Service, filing: Filing) -> str | None:
    if service.population:
        return service.population
    pops = filing.project.populations
    return pops[0] if len(pops) == 1 else None


@check
def service_hours(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Weekly hours fall in the level's band (params.band: hard or typical) for the population."""
    for path, service in _services(filing):
        level = pack.levels.levels.get(service.level or "")
        hours = service.weekly_hours()
        if level is None or hours is None:
            continue
        population = _population(service, filing)
        bands = level.bands.get(population or "default", level.bands["default"])
        band = getattr(bands, rule.params["band"])
        if not band.contains(hours):
            pop_label = pack.vocab["populations"][population].label.lower() if population in pack.vocab["populations"] else "this population"
            yield f"{path}.hours_per_week", {
                "name": service.name or "program", "hours": f"{hours:g}", "band": band.describe(), "measure": level.measure,
                "level": pack.vocab["levels"][service.level].label, "population": pop_label}


@check
def service_components(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Programs at levels that call for components (IOP, PHP) list them."""
    for path, service in _services(filing):
        level = pack.levels.levels.get(service.level or "")
        if level is None or not level.components:
            continue
        missing = [c for c in level.components if c not in service.components]
        if missing:
            labels = [pack.vocab["components"][c].label.lower() for c in missing]
            yield f"{path}.components", {"name": service.name or "program", "missing": ", ".join(labels),
                                         "level": pack.vocab["levels"][service.level].label}


@check
def beds_increase(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A bed increase proposes more beds than are licensed now."""
    current, proposed = filing.project.beds_current, filing.project.beds_proposed
    if current is not None and proposed is not None and proposed <= current:
        yield "project.beds_proposed", {"current": current, "proposed": proposed}


def _mentions(text: str, words: list[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w.casefold())}", text) for w in words)


@check
def summary_mentions(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The project summary uses a word of each declared code (params.field, params.vocabulary)."""
    summary = (filing.project.summary or "").casefold()
    value = get_path(filing, rule.params["field"])
    codes = value if isinstance(value, list) else [value] if value else []
    vocab = pack.vocab[rule.params["vocabulary"]]
    items = [vocab[c] for c in codes if c in vocab and vocab[c].words]
    if summary and items and not any(_mentions(summary, item.words) for item in items):
        yield "project.summary", {"expected": ", ".join(item.label.lower() for item in items)}


@check
def entity_suffix(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The legal name ends with a designation the entity type requires."""
    name, kind = filing.applicant.legal_name, pack.entity_types.get(filing.applicant.entity_type or "")
    if is_blank(name) or kind is None or not kind.suffixes:
        return
    folded = name.rstrip().casefold()
    if not any(folded.endswith(s.casefold()) and (len(folded) == len(s) or not folded[-len(s) - 1].isalnum())
               for s in kind.suffixes):
        yield "applicant.legal_name", {"value": name, "entity": kind.label.lower(),
                                       "suffixes": ", ".join(kind.suffixes[:3]),
                                       "entity_citation": kind.citation or rule.citation}


def _principle_path(principle_id: str) -> str:
    return f"principles.{principle_id}"


@check
def principles_answered(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Every review principle of the pack has an answer."""
    for p in pack.principles:
        if is_blank(filing.principles.get(p.id)):
            yield _principle_path(p.id), {"number": p.number, "text": p.text, "citation": p.citation}


@check
def principles_known(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Every answer is filed under the id of a review principle of the pack."""
    known = {p.id for p in pack.principles}
    for key in filing.principles:
        if key not in known:
            yield _principle_path(key), {"value": key, "known": ", ".join(sorted(known))}


def _count(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@check
def answers_are(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The filing gives every answer of params.equals ({field path: value}): a finding at the rule's first field."""
    if all(get_path(filing, path) == value for path, value in rule.params["equals"].items()):
        yield rule.fields[0], {}


@check
def at_least(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A number answered at params.field is at least params.minimum (unanswered: left to form.required)."""
    value = get_path(filing, rule.params["field"])
    if value is not None and value < rule.params["minimum"]:
        yield rule.params["field"], {"value": _count(value), "minimum": _count(rule.params["minimum"])}


@check
def rises(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The proposed count (params.proposed) exceeds the current one (params.current)."""
    current, proposed = get_path(filing, rule.params["current"]), get_path(filing, rule.params["proposed"])
    if current is not None and proposed is not None and proposed <= current:
        yield rule.params["proposed"], {"current": current, "proposed": proposed}


@check
def increase_within(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """The increase proposed plus the one made earlier in the period (params.earlier) reaches params.minimum."""
    current, proposed = get_path(filing, rule.params["current"]), get_path(filing, rule.params["proposed"])
    if current is None or proposed is None or proposed <= current:
        return      # nothing proposed yet, or not an increase (its own rule)
    increase = proposed - current + (get_path(filing, rule.params["earlier"]) or 0)
    if increase < rule.params["minimum"]:
        yield rule.params["proposed"], {"increase": increase, "minimum": rule.params["minimum"]}


def _table_cell(filing: Filing, pack: Pack, ref: dict[str, Any], year: str | None = None) -> tuple[str, Decimal | None]:
    """A table cell a rule names, as (its field path, its value computed from the filing's entries)."""
    table = pack.tables[ref["table"]]
    held = getattr(filing.financial, table.id, {}) if filing.financial else {}
    column = str(ref["column"]).format(year=year)
    cells = held.get(year, {}) if table.definition.years else held
    path = ".".join(["financial", table.id, *([year] if table.definition.years else []), ref["row"], column])
    return path, table.cell(cells, ref["row"], column)


@check
def table_total(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """A worksheet total, once it has entries, equals the answer the rule names (the notice's capital expenditure)."""
    path, total = _table_cell(filing, pack, rule.params["cell"])
    stated = get_path(filing, rule.params["field"])
    if total is not None and stated is not None and total != stated:
        yield path, {"total": format_money(total), "stated": format_money(stated),
                     "label": pack.label(rule.params["field"])}


@check
def tables_agree(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """For each projected year, a total of one worksheet table equals a cell of another (both entered)."""
    years = [y for y in pack.tables[rule.params["cell"]["table"]].definition.years] or [None]
    for year in years:
        path, total = _table_cell(filing, pack, rule.params["cell"], year and year.id)
        _, other = _table_cell(filing, pack, rule.params["other"], year and year.id)
        if total is not None and other is not None and total != other:
            yield path, {"year": year.label if year else "", "total": _dollars(total), "other": _dollars(other)}


def _dollars(amount: Decimal) -> str:
    return format_money(amount) if amount >= 0 else f"-{format_money(-amount)}"


@check
def percent_total(rule: RuleDef, filing: Filing, pack: Pack) -> Iterator[Hit]:
    """Each percent column of a list the rule names adds up to its total (100), once any row gives one."""
    rows = get_path(filing, rule.params["list"]) or []
    for column in rule.params["columns"]:
        shares = [getattr(row, column) for row in rows if getattr(row, column) is not None]
        total = sum(shares)
        if shares and abs(total - rule.params["total"]) > rule.params.get("tolerance", 0):
            yield f"{rule.params['list']}.{column}", {"column": pack.label(f"{rule.params['list']}[].{column}"),
                                                      "sum": f"{total:g}", "total": f"{rule.params['total']:g}"}
