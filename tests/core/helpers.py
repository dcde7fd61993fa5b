"""Shared helpers for the core tests: the CT pack, the shared example filing and ways to mutate it."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cone.rules.checklist import Finding, run_checklist
from cone.filing.models import Filing
from cone.filing.parser import parse_filing
from cone.rules.checklist import get_pack
from example_filing import EXAMPLE, PRINCIPLE_ANSWERS, complete_example  # noqa: F401 (re-exported for the core tests)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_NOTICE = EXAMPLE.with_name("hopewell-east-lyme.notice.txt")

PACK = get_pack("CT")
_EXAMPLE = complete_example(parse_float=Decimal)
_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


def example() -> dict[str, Any]:
    """A fresh, mutable copy of the shared example (decoded as `cone` decodes it), with the
    principle answers that make it a complete filing."""
    return copy.deepcopy(_EXAMPLE)


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set `path` (dotted, with [i] for list items) in nested dicts, creating dicts on the way."""
    *head, last = _steps(path)
    node: Any = data
    for step in head:
        node = node[step] if isinstance(step, int) else node.setdefault(step, {})
    node[last] = value
    return data


def del_path(data: dict[str, Any], path: str) -> dict[str, Any]:
    """Remove the key or list item at `path`."""
    *head, last = _steps(path)
    node: Any = data
    for step in head:
        node = node[step]
    del node[last]
    return data


def _marked(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"\0decimal:{value}\0"
    raise TypeError(f"not JSON: {value!r}")


def to_json(data: Any) -> str:
    """JSON text of `data`; Decimal values are written as the number literal they hold (10000.001,
    1E+400, NaN), as a filing's author might have typed them."""
    text = json.dumps(data, default=_marked, ensure_ascii=False)
    return re.sub(r'"\\u0000decimal:([-+.0-9A-Za-z]+)\\u0000"', r"\1", text)


def filing(data: dict[str, Any]) -> Filing:
    return parse_filing(data)


def findings(data: dict[str, Any], today: dt.date | None = None) -> list[Finding]:
    return run_checklist(parse_filing(data), PACK, today=today)


# What each filing type adds to (or changes in) the example to be a complete filing of that type.
TYPE_FACTS: dict[str, dict[str, Any]] = {
    "new_facility": {},
    "outpatient_surgical_facility": {
        "project.facility_name": "Shoreline Surgery Center",
        "project.capital_expenditure": Decimal("3200000"),
    },
    "freestanding_emergency_department": {
        "project.facility_name": "Shoreline Emergency Center",
        "project.affiliated_hospital": "Lawrence Shoreline Hospital",
        "project.capital_expenditure": Decimal("14500000"),
    },
    "transfer_of_ownership": {
        "project.facility_name": "Shoreline Counseling Center",
        "project.transferor": "Shoreline Counseling Associates, Inc.",
        "project.transferee": "Hopewell Health Solutions, LLC",
        "project.capital_expenditure": Decimal("250000"),
    },
    "group_practice_transfer": {
        "project.facility_name": "Shoreline Orthopaedic Associates",
        "project.transferor": "Shoreline Orthopaedic Associates, P.C.",
        "project.transferee": "Hopewell Health Solutions, LLC",
        "project.physician_fte": 12.5,
        "project.capital_expenditure": Decimal("0"),
    },
    "hospital_transfer_econ": {
        "project.facility_name": "Lawrence Shoreline Hospital",
        "project.transferor": "Shoreline Hospital Holdings, Inc.",
        "project.transferee": "Hopewell Health Solutions, LLC",
        "project.capital_expenditure": Decimal("0"),
    },
    "termination_of_services": {
        "project.facility_name": "Hopewell Health East Lyme",
        "project.terminated_service": "its adult partial hospitalization program",
        "project.capital_expenditure": Decimal("0"),
    },
    "termination_of_surgical_services": {
        "project.facility_name": "Shoreline Surgery Center",
        "project.capital_expenditure": Decimal("0"),
    },
    "termination_of_emergency_department": {
        "project.facility_name": "Lawrence Shoreline Hospital",
        "project.capital_expenditure": Decimal("0"),
    },
    "cardiac_services": {
        "project.facility_name": "Lawrence Shoreline Hospital",
        "project.cardiac_service": "an elective percutaneous coronary intervention program",
        "project.capital_expenditure": Decimal("1800000"),
    },
    "equipment_acquisition": {
        "project.facility_type": "imaging",
        "project.facility_name": "Shoreline Imaging",
        "project.equipment_category": "scanner",
        "project.equipment": "a 3.0 Tesla MRI scanner",
        "project.equipment_replaces": "no",
        "project.capital_expenditure": Decimal("2450000"),
    },
    "increase_beds": {
        "project.facility_type": "residential_behavioral_health",
        "project.facility_name": "Hopewell House",
        "project.beds_current": 16,
        "project.beds_proposed": 24,
        "project.capital_expenditure": Decimal("350000"),
    },
    "increase_operating_rooms": {
        "project.facility_name": "Shoreline Surgery Center",
        "project.operating_rooms_current": 4,
        "project.operating_rooms_proposed": 6,
        "project.capital_expenditure": Decimal("2100000"),
    },
    "relocation": {
        "project.facility_name": "Hopewell Health East Lyme",
        "project.relocated_from": "12 Main Street, East Lyme",
        "project.capital_expenditure": Decimal("75000"),
    },
    "hospital_conversion": {
        "project.facility_name": "Lawrence Shoreline Hospital",
        "project.transferor": "Lawrence Shoreline Hospital, Inc.",
        "project.transferee": "Hopewell Health Solutions, LLC",
        "project.capital_expenditure": Decimal("0"),
    },
}

# Findings a complete filing of the type has by design: its type's pointer to a separate process.
TYPE_NOTES: dict[str, tuple[str, ...]] = {"relocation": ("type.relocation",), "hospital_conversion": ("type.hospital_conversion",)}

# Fields of the example that a type does not ask (they are not shown, checked or printed for it).
_NEW_FACILITY_ONLY = ("project.summary",)


def example_of_type(filing_type: str) -> dict[str, Any]:
    """The example turned into a complete filing of `filing_type` (no findings)."""
    data = example()
    data["filing_type"] = filing_type
    if filing_type != "new_facility":
        del data["services"]
        for path in _NEW_FACILITY_ONLY:
            del_path(data, path)
        asked = {f.path for s in PACK.sections_for(filing_type) for f in s.fields}
        for path in ("project.facility_type", "project.populations"):
            if path not in asked:
                del_path(data, path)
    for path, value in TYPE_FACTS[filing_type].items():
        set_path(data, path, value)
    return data


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> tuple[str, list[str]]:
    """What a browser shows for `html`, and the start tags it holds."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.tags
