"""The side panel of every filing page: checklist, notice preview, fee and timeline chart,
from a version's stored results (or, for the live preview, results of unsaved answers)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...rules.checklist import Finding
from ...filing.models import Filing
from ...filing.money import format_money
from ...documents.notice import Notice
from .results import Results
from .summary import row_kind

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
    hidden: int = 0       # findings of sections not visited yet, not shown


def chart_rows(rows: list[dict[str, Any]]) -> list[ChartRow]:
    """Timeline rows placed top to bottom, each with the gap in days from the one before."""
    out, previous = [], None
    for i, row in enumerate(rows):
        day = dt.date.fromisoformat(row["date"])
        days = (day - previous).days if previous is not None else 0
        gap = f"+{days} day{'s' if days != 1 else ''}" if days else ""
        out.append(ChartRow(24 + i * CHART_ROW, day.strftime("%b %-d, %Y"), row["label"], row["note"], gap,
                            row_kind(row["id"])))
        previous = day
    return out


def panel_for(filing: Filing, results: Results) -> Panel:
    """Everything the side panel shows for a filing and its results."""
    data = results.timeline
    rows = chart_rows(data["rows"])
    fee = format_money(Decimal(str(data["fee"]))) if data["fee"] is not None else None
    return Panel(filing, results.findings, results.has_errors, results.notice, fee,
                 data["fee_tier"], data["fee_citation"], data, rows, 24 + len(rows) * CHART_ROW)
