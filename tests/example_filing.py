"""The shared example filing, completed: the one place tests and benchmarks get it from.

The shared example (../shared/examples/hopewell-east-lyme.json) answers every question but the
review principles of §19a-639(a) and the postings of Public Act 23-171; data/example_principles.json
holds answers for its clinic, POSTINGS where its notice was posted.
Importable as `example_filing` (pytest puts tests/ on sys.path; benchmarks add it).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "hopewell-east-lyme.json"
PRINCIPLE_ANSWERS: dict[str, str] = json.loads(
    (Path(__file__).resolve().parent / "data" / "example_principles.json").read_text(encoding="utf-8"))

POSTINGS: dict[str, Any] = {
    "website_url": "https://hopewellhealth.example.org/con-notice",
    "website_date": "2025-06-02",
    "community_locations": ["East Lyme Public Library, 39 Society Road, Niantic",
                            "East Lyme Town Hall, 108 Pennsylvania Avenue, Niantic"],
    "municipal_website": "https://eltownhall.example.org/public-notices",
    "copy_sent": "2025-06-02",
}


def complete_example(parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """A fresh copy of the shared example with the principle answers and postings: a complete filing."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=parse_float)
    document["principles"] = dict(PRINCIPLE_ANSWERS)
    document["postings"] = json.loads(json.dumps(POSTINGS))
    return document
