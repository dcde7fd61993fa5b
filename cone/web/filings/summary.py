"""The latest version's summary on the filing row (title, applicant, town, type, error count,
fee) and its dated timeline rows, written when a version is saved so that lists and the
deadlines page read a few columns instead of every filing's document."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert

from ..extensions import db
from ..models import FilingDate, FilingRecord

TEXT_LIMITS = {"title": 300, "applicant": 300, "town": 100}


def row_kind(row_id: str) -> str:
    """The kind of a timeline row: publication (notice runs), filing (the filing window), or deadline."""
    return "publication" if row_id.startswith("publication") else "filing" if "filing" in row_id else "deadline"


def summary_of(document: dict[str, Any], findings: list[dict[str, Any]], timeline: dict[str, Any]) -> dict[str, Any]:
    """The filing row's summary columns from a version's document and stored results (as JSON)."""
    def text(value: Any, name: str) -> str:
        return (value or "")[:TEXT_LIMITS[name]] if isinstance(value, str) else ""

    fee = timeline.get("fee")
    return {"title": text((document.get("project") or {}).get("title"), "title"),
            "applicant": text((document.get("applicant") or {}).get("legal_name"), "applicant"),
            "town": text((document.get("site") or {}).get("town"), "town"),
            "filing_type": document.get("filing_type", ""), "state": document.get("state", ""),
            "error_count": sum(1 for f in findings if f.get("severity") == "error"),
            "fee_cents": int(Decimal(str(fee)) * 100) if fee is not None else None}


def date_rows(filing_id: int, timeline: dict[str, Any]) -> list[dict[str, Any]]:
    """The FilingDate rows of a stored timeline."""
    return [{"filing_id": filing_id, "row": r["id"][:60], "kind": row_kind(r["id"]), "date": dt.date.fromisoformat(r["date"]),
             "label": r["label"][:300], "note": (r.get("note") or "")[:300], "citation": (r.get("citation") or "")[:300]}
            for r in timeline.get("rows", [])]


def store(record: FilingRecord, document: dict[str, Any], findings: list[dict[str, Any]], timeline: dict[str, Any]) -> None:
    """Write the summary of the latest version onto `record` and replace its dated rows (in the
    caller's transaction)."""
    for name, value in summary_of(document, findings, timeline).items():
        setattr(record, name, value)
    db.session.execute(delete(FilingDate).where(FilingDate.filing_id == record.id))
    rows = date_rows(record.id, timeline)
    if rows:
        db.session.execute(insert(FilingDate), rows)
