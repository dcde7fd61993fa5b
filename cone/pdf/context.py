"""What each part of the packet shows, as plain data (strings, numbers, lists, dicts).

Pure functions of the filing and its pack: the templates only lay these values out, so
every label, value and status here is what the PDF prints. Nothing in here is markup,
except the notice's HTML, which cone.documents.notice has already escaped.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from markupsafe import Markup

from ..documents.answers import format_answer
from ..filing.dates import long_date
from ..rules.checklist import Finding
from ..fee import fee_basis, fee_for
from ..filing.models import Filing
from ..filing.money import format_money
from ..documents.notice import render_notice
from ..packs.models import CoverItem, FieldDef, Section
from ..packs.pack import COVER_FACTS, Pack
from ..filing.paths import get_path, is_blank, is_within
from ..calendar import filing_window, qualifying_run

_LIST_TYPES = ("multichoice", "date_list")
LONG_ANSWER_CHARS = 400   # a longer free-text answer prints full width under its label, not in a table cell


def _row(f: FieldDef, value: Any, pack: Pack, filing_type: str) -> dict[str, Any]:
    blank = is_blank(value)
    text = "" if blank else format_answer(f, value, pack)
    return {"label": f.label, "value": text, "blank": blank, "required": f.required_for(filing_type),
            "long": f.type == "textarea"}


def _group(f: FieldDef, items: list[Any], pack: Pack, filing_type: str) -> dict[str, Any]:
    """A repeating group: one wide table when every item field is a scalar, else a table per item."""
    if all(sub.type not in _LIST_TYPES and sub.type != "textarea" for sub in f.fields):
        numeric = {"money", "integer", "number"}
        return {"kind": "table", "label": f.label, "empty": not items, "required": f.required_for(filing_type),
                "columns": [{"label": sub.label, "num": sub.type in numeric} for sub in f.fields],
                "rows": [[{**_row(sub, get_path(item, sub.path), pack, filing_type), "num": sub.type in numeric}
                          for sub in f.fields] for item in items]}
    blocks = []
    for i, item in enumerate(items, 1):
        rows = [_row(sub, get_path(item, sub.path), pack, filing_type) for sub in f.fields]
        name = next((r["value"] for r, sub in zip(rows, f.fields) if sub.type == "text" and not r["blank"]), "")
        blocks.append({"title": f"{f.item_label or 'Item'} {i}" + (f": {name}" if name else ""),
                       "rows": [r for r in rows if not (r["blank"] and not r["required"])]})
    return {"kind": "items", "label": f.label, "empty": not items, "required": f.required_for(filing_type),
            "items": blocks}


def _notes(filing: Filing, pack: Pack) -> dict[str, str]:
    """Derived facts printed under an answer: the fee that the project's cost (or capital expenditure) sets."""
    amount = fee_basis(filing)
    if amount is None:
        return {}
    fee = fee_for(pack.fees, amount)
    by_cost = filing.project.total_cost is not None
    return {"project.total_cost" if by_cost else "project.capital_expenditure":
            f"Filing fee: {format_money(fee.amount)} ({'project cost' if by_cost else 'capital expenditure'} "
            f"{fee.tier}; {fee.citation})." + (f" {fee.note}" if fee.note else "")}


def section_context(section: Section, filing: Filing, pack: Pack, number: int) -> dict[str, Any] | None:
    """One main-form section, or None when it is optional and the filing answers none of it."""
    notes = _notes(filing, pack)
    entries: list[dict[str, Any]] = []
    answered = False
    required = False
    for f in section.fields:
        value = get_path(filing, f.path)
        answered |= not is_blank(value)
        required |= f.required_for(filing.filing_type)
        if is_blank(value) and isinstance(f.required, list) and filing.filing_type not in f.required:
            continue  # a question for other filing types
        if f.type == "group":
            entries.append(_group(f, list(value or []), pack, filing.filing_type))
        else:
            row = _row(f, value, pack, filing.filing_type)
            row["kind"] = "wide" if row["long"] and len(row["value"]) > LONG_ANSWER_CHARS else "row"
            row["note"] = notes.get(f.path, "")
            entries.append(row)
    if not answered and not required:
        return None
    # Consecutive plain rows share one answers table; a long answer stands between tables, full
    # width (in a narrow cell it ran for pages, and the row's break-inside: avoid left a blank page).
    blocks: list[dict[str, Any]] = []
    for e in entries:
        if e["kind"] == "row":
            if not blocks or blocks[-1]["kind"] != "rows":
                blocks.append({"kind": "rows", "rows": []})
            blocks[-1]["rows"].append(e)
        else:
            blocks.append(e)
    return {"id": section.id, "number": number, "title": section.title, "intro": section.intro or "", "blocks": blocks}


def principles_context(filing: Filing, pack: Pack, section: Section, number: int, final: bool) -> dict[str, Any]:
    return {"number": number, "title": section.title,
            "intro": pack.documents.principles_intro,
            "principles": [{"number": p.number, "citation": p.citation, "text": p.text,
                            "unverified": p.status == "unverified" and not final,
                            "answer": filing.principles.get(p.id, "")} for p in pack.principles]}


def _flag(flagged: list[Finding]) -> str:
    return " ".join(f.message for f in flagged[:3]) + (f" (and {len(flagged) - 3} more)" if len(flagged) > 3 else "")


def _about(finding: Finding, item: CoverItem, pack: Pack) -> bool:
    """Whether an error finding belongs to a cover item: its rule's concerns, or the field it names."""
    return bool(pack.concerns.get(finding.rule, frozenset()) & set(item.concerns)) or any(
        is_within(finding.field, p) for p in item.fields)


def _checklist(pack: Pack, errors: list[Finding], exhibits: list[dict[str, Any]], facts: dict[str, Any]
               ) -> list[dict[str, str]]:
    """The cover's checklist items of the pack, each ticked, flagged with its findings, or left to tick."""
    unclaimed = list(errors)
    claimed: dict[str, list[Finding]] = {}
    for item in pack.documents.cover_checklist:       # a finding belongs to the first item it is about
        if item.kind == "findings" and not item.rest:
            claimed[item.id] = [f for f in unclaimed if _about(f, item, pack)]
            unclaimed = [f for f in unclaimed if f not in claimed[item.id]]
    items = []
    for item in pack.documents.cover_checklist:
        title = item.title.format_map(facts)
        if item.kind == "manual":
            items.append({"title": title, "status": "todo", "detail": item.todo or ""})
        elif item.kind == "exhibits":
            listed = "; ".join(f"Exhibit {e['letter']}: {e['name']}" for e in exhibits)
            items.append({"title": title, "status": "ok" if exhibits else "todo", "detail": listed or "No exhibits attached."})
        else:
            flagged = unclaimed if item.rest else claimed[item.id]
            items.append({"title": title, "status": "flag" if flagged else "ok",
                          "detail": _flag(flagged) if flagged else (item.ok or "").format_map(facts)})
    return items


def cover_context(filing: Filing, pack: Pack, findings: list[Finding], exhibits: list[dict[str, Any]],
                  final: bool) -> dict[str, Any]:
    """The first page: who files what, and the application checklist ticked or flagged from the findings."""
    ftype = pack.filing_types[filing.filing_type]
    errors = [f for f in findings if f.severity == "error"]
    amount = filing.project.capital_expenditure
    basis = fee_basis(filing)
    fee = fee_for(pack.fees, basis) if basis is not None else None
    what = "a project cost" if filing.project.total_cost is not None else "a capital expenditure"
    fee_text = (f"{format_money(fee.amount)} for {what} of {format_money(basis)} ({fee.tier}; {fee.citation})"
                + (f" {fee.note}" if fee.note else "") if fee and basis is not None else "")
    pub = filing.publication
    notice_bits = [b for b in (pub.newspaper, ", ".join(long_date(d) for d in pub.dates)) if b]
    site = ", ".join(v for v in (filing.site.street, filing.site.town, filing.site.state) if v)
    if filing.site.zip:
        site = f"{site} {filing.site.zip}"
    window = pack.deadlines.notice
    facts_of_cover = {"fee": fee_text, "publication": " on ".join(notice_bits),
                      "consecutive_days": window.consecutive_days, "min_days": window.min_days_before_filing,
                      "max_days": window.max_days_before_filing}
    assert set(facts_of_cover) == set(COVER_FACTS)
    items = _checklist(pack, errors, exhibits, facts_of_cover)
    facts = [("Applicant", filing.applicant.legal_name or ""),
             ("Project", filing.project.title or filing.project.summary or filing.project.facility_name or ""),
             ("Filing type", f"{ftype.label} ({ftype.citation})"),
             ("Project site", site),
             ("Capital expenditure", format_money(amount) if amount is not None else ""),
             ("Contact", ", ".join(v for v in (filing.applicant.contact.name, filing.applicant.contact.title,
                                               filing.applicant.contact.email, filing.applicant.contact.phone) if v)),
             ("Planned filing date", long_date(filing.planned_filing_date) if filing.planned_filing_date else "")]
    warnings = len(findings) - len(errors)
    return {"agency": pack.meta.agency, "state_name": pack.meta.name, "statute": pack.meta.statute,
            "facts": [{"label": k, "value": v} for k, v in facts], "items": items, "final": final,
            "office": pack.documents.office_box,
            "errors": len(errors), "warnings": warnings, "pack_as_of": long_date(pack.meta.as_of)}


def notice_context(filing: Filing, pack: Pack, number: int) -> dict[str, Any]:
    """The notice text (escaped HTML from cone.documents.notice) and its publication record."""
    notice = render_notice(filing, pack)
    pub = filing.publication
    rows = [("Newspaper", pub.newspaper or ""),
            ("Dates published", "; ".join(f"{d:%A}, {long_date(d)}" for d in pub.dates))]
    run = qualifying_run(pub.dates)
    if run:
        earliest, latest = filing_window(run[-1], pack)
        rows.append(("Filing window", f"{long_date(earliest)} to {long_date(latest)} "
                                      f"({pack.deadlines.notice.citation})"))
    if filing.planned_filing_date:
        rows.append(("Planned filing date", long_date(filing.planned_filing_date)))
    # notice.html is already escaped by cone.documents.notice (every value and literal); it is not user markup.
    return {"number": number, "title": "Public notice as published", "notice_html": Markup(notice.html),
            "missing": [pack.label(p) for p in notice.missing],
            "rows": [{"label": k, "value": v} for k, v in rows]}


def affidavit_context(filing: Filing, pack: Pack, number: int) -> dict[str, Any]:
    affidavit = pack.documents.affidavit
    assert affidavit is not None    # the pack lists the affidavit among its parts only with its wording
    return {"number": number, "title": affidavit.title, "applicant": filing.applicant.legal_name or "",
            "project": filing.project.title or filing.project.summary or "", "statement": affidavit.statement,
            "signer": affidavit.signer, "officer": affidavit.officer}


def findings_context(findings: list[Finding], pack: Pack, filing_type: str) -> dict[str, Any]:
    return {"title": "Appendix: checklist findings", "pack_as_of": long_date(pack.meta.as_of),
            "rules": len(pack.rules_for(filing_type)),
            "findings": [{"severity": f.severity, "rule": f.rule, "field": pack.label(f.field) if f.field else "",
                          "message": f.message, "citation": f.citation} for f in findings]}


def _figure(value: Decimal | None) -> str:
    """A worksheet number: thousands separators, cents only when there are cents, a minus for a loss."""
    if value is None:
        return ""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def financial_context(filing: Filing, pack: Pack, number: int) -> dict[str, Any] | None:
    """The capital-cost table, the financial attachments and the funding sources, totals computed;
    None when the filing has no financial answers (the part is left out)."""
    financial = filing.financial
    if financial is None:
        return None
    tables = []
    for table in pack.tables.values():
        held = getattr(financial, table.id)
        years = table.definition.years or [None]
        blocks = []
        for year in years:
            cells = held.get(year.id, {}) if year else held
            if not any(cells.values()):
                continue
            blocks.append({"year": year.label if year else "",
                           "rows": [{"label": row.label, "total": row.computed, "block": row.block or "",
                                     "cells": [_figure(v) for v in values]} for row, values in table.grid(cells)]})
        if blocks:
            d = table.definition
            tables.append({"title": d.title, "intro": d.intro or "", "citation": d.citation, "blocks": blocks,
                           "columns": [c.label for c in table.columns], "wide": len(table.columns) > 4,
                           "note": f"Layout unverified ({d.source or pack.financials.source}; as of {long_date(d.as_of)})."
                           if d.status == "unverified" else ""})
    funding = [{"source": s.source or "", "amount": format_money(s.amount) if s.amount is not None else "",
                "terms": s.terms or ""} for s in financial.funding_sources]
    if not tables and not funding:
        return None
    return {"number": number, "title": pack.financials.title,
            "tables": tables, "funding": funding, "funding_title": pack.financials.funding_title}
