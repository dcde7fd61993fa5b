"""The side panel of every filing page: checklist, notice preview, fee and timeline chart.

Computed from the saved document text only, so results are cached per version.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from ..rules.checklist import Finding, has_errors, pack_for, run_checklist
from ..filing.models import Filing
from ..filing.parser import loads
from ..filing.money import format_money
from ..documents.notice import Notice, render_notice
from ..documents.timeline import build_timeline

CHART_ROW = 46      # vertical space per timeline row in the SVG, in px


@dataclass(frozen=True)
class ChartRow:
    y: int
    date: str
    label: str
    note: str
    gap: str          # days since the previous row, e.g. "+20 days"
    kind: str         # publication, filing, deadline


@dataclass(frozen=True)
class Panel:
    filing: Filing
    findings: list[Finding]
    has_errors: bool
    notice: Notice
    fee: str | None
    fee_tier: str | None
    fee_citation: str | None
    timeline: dict[str, Any]
    chart: list[ChartRow]
    chart_height: int


def chart_rows(rows: list[dict[str, Any]]) -> list[ChartRow]:
    """Timeline rows placed top to bottom, each with the gap in days from the one before."""
    out, previous = [], None
    for i, row in enumerate(rows):
        day = dt.date.fromisoformat(row["date"])
        days = (day - previous).days if previous is not None else 0
        gap = f"+{days} day{'s' if days != 1 else ''}" if days else ""
        kind = ("publication" if row["id"].startswith("publication") else
                "filing" if "filing" in row["id"] else "deadline")
        out.append(ChartRow(24 + i * CHART_ROW, day.strftime("%b %-d, %Y"), row["label"], row["note"], gap, kind))
        previous = day
    return out


@functools.lru_cache(maxsize=512)
def panel_for(document: str) -> Panel:
    """Everything the side panel shows for one saved filing document."""
    filing = loads(document)
    pack = pack_for(filing)
    findings = run_checklist(filing, pack)
    timeline = build_timeline(filing, pack)
    data = timeline.as_dict()
    rows = chart_rows(data["rows"])
    return Panel(filing, findings, has_errors(findings), render_notice(filing, pack),
                 format_money(timeline.fee.amount) if timeline.fee else None,
                 data["fee_tier"], data["fee_citation"], data, rows, 24 + len(rows) * CHART_ROW)
