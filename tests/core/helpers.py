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
    "transfer_of_ownership": {
        "project.facility_name": "Shoreline Counseling Center",
        "project.transferee": "Hopewell Health Solutions, LLC",
        "project.summary": "acquire Shoreline Counseling Center, an outpatient behavioral health care facility for adults",
        "project.capital_expenditure": Decimal("250000"),
    },
    "termination_of_services": {
        "project.facility_name": "Hopewell Health East Lyme",
        "project.terminated_service": "its adult partial hospitalization program",
        "project.summary": "terminate the partial hospitalization program of its behavioral health facility for adults",
        "project.capital_expenditure": Decimal("0"),
    },
    "equipment_acquisition": {
        "project.facility_type": "imaging",
        "project.facility_name": "Shoreline Imaging",
        "project.equipment": "a 3.0 Tesla MRI scanner",
        "project.summary": "acquire a 3.0 Tesla MRI scanner for its imaging center serving adults",
        "project.capital_expenditure": Decimal("2450000"),
    },
    "increase_beds": {
        "project.facility_type": "residential_behavioral_health",
        "project.facility_name": "Hopewell House",
        "project.beds_current": 16,
        "project.beds_proposed": 24,
        "project.summary": "increase the licensed bed capacity of its residential behavioral health facility for adults",
        "project.capital_expenditure": Decimal("350000"),
    },
}


def example_of_type(filing_type: str) -> dict[str, Any]:
    """The example turned into a complete filing of `filing_type` (no findings)."""
    data = example()
    data["filing_type"] = filing_type
    if filing_type != "new_facility":
        del data["services"]
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
