"""The derived results of a filing version (checklist findings, public notice, timeline),
computed once when the version is saved and stored with it: a version never changes.

Findings that depend on the day (a planned filing date now past) are never stored: they would
be false on a later day. `for_day` adds them to the stored results when a page shows them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...rules.checklist import Finding, dated_findings, has_errors, pack_for, run_checklist
from ...filing.models import Filing
from ...documents.notice import Notice, render_notice
from ...documents.timeline import build_timeline
from ..extensions import db
from ..models import FilingVersion

COLUMNS = ("findings", "notice", "timeline")


@dataclass(frozen=True)
class Results:
    findings: list[Finding]
    notice: Notice
    timeline: dict[str, Any]      # as `cone timeline --format json` prints it

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def compute(filing: Filing) -> Results:
    """The results to store: without the findings that depend on the day."""
    pack = pack_for(filing)
    return Results(run_checklist(filing, pack), render_notice(filing, pack), build_timeline(filing, pack).as_dict())


def for_day(results: Results, filing: Filing, today: dt.date) -> tuple[Results, list[Finding]]:
    """`results` (stored or computed for `filing`) with the findings that depend on the day added
    for `today`, and those findings alone (for the pages that show them prominently)."""
    dated = dated_findings(filing, pack_for(filing), today)
    if not dated:
        return results, []
    findings = sorted([*results.findings, *dated], key=lambda f: f.severity != "error")
    return Results(findings, results.notice, results.timeline), dated


def today() -> dt.date:
    """The day the app checks dates against."""
    return dt.date.today()


def columns(results: Results) -> dict[str, Any]:
    """The results as the JSON values of FilingVersion's columns."""
    notice = results.notice
    return {"findings": [f.as_dict() for f in results.findings],
            "notice": {"text": notice.text, "html": notice.html, "missing": list(notice.missing)},
            "timeline": results.timeline}


def stored(version: FilingVersion, filing: Filing) -> Results:
    """The results stored with `version` (whose facts are `filing`); a version saved before
    results were stored gets them computed and stored now, once."""
    if version.findings is None:
        results = compute(filing)
        for name, value in columns(results).items():
            setattr(version, name, value)
        db.session.commit()
        return results
    notice = version.notice
    return Results([Finding(**f) for f in version.findings],
                   Notice(notice["text"], notice["html"], tuple(notice["missing"])), version.timeline)
