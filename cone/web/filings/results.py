"""The derived results of a filing version (checklist findings, public notice, timeline),
computed once when the version is saved and stored with it: a version never changes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...rules.checklist import Finding, has_errors, pack_for, run_checklist
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
    pack = pack_for(filing)
    return Results(run_checklist(filing, pack), render_notice(filing, pack), build_timeline(filing, pack).as_dict())


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
