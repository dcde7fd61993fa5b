"""What the filing pages share: the latest version with its pack, the page frame (title,
sections, role) and the side panel."""
from __future__ import annotations

from dataclasses import replace

from flask import abort, g, render_template, url_for
from markupsafe import Markup

from sqlalchemy import exists, select

from ...rules.checklist import Finding, pack_for
from ...filing.paths import get_path, is_blank
from ..extensions import db
from ...filing.models import Filing
from ...packs.models import Section
from ...packs.pack import Pack
from ..models import FilingRecord, FilingVersion
from . import formdata, results
from .panel import Panel, panel_for
from .service import current_filing, latest_approval, version_results
from .workflow import EDITABLE


def filing_context(record: FilingRecord) -> tuple[Filing, Pack, FilingVersion]:
    filing, version = current_filing(record)
    return filing, pack_for(filing), version


def title_of(filing: Filing) -> str:
    return filing.project.title or filing.applicant.legal_name or "Untitled filing"


def find_section(pack: Pack, filing: Filing, section_id: str) -> tuple[Section, list[Section]]:
    sections = pack.sections_for(filing.filing_type)
    section = next((s for s in sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section, sections


def page_context(record: FilingRecord, filing: Filing, pack: Pack, version: FilingVersion) -> dict:
    """What every filing page shows: title, status, sections and the side panel."""
    shown, dated = results.for_day(version_results(version), filing, results.today())
    panel = visited_only(panel_for(filing, shown), record, pack)
    return {"record": record, "filing": filing, "pack": pack, "title": title_of(filing),
            "dated": dated, "dated_links": finding_links(record.id, filing, pack, dated),
            "sections": pack.sections_for(filing.filing_type), "panel": panel,
            "panel_html": panel_html(record.id, panel), "role": g.role,
            "editable": record.status in EDITABLE, "filing_type": pack.filing_types[filing.filing_type],
            "approval": latest_approval(record.id)}


def visited_sections(record: FilingRecord, filing: Filing, pack: Pack) -> set[str]:
    """The ids of the sections the user has been through: saved from its page, or holding an
    answer (a filing imported through the API). Findings of the others are not shown yet."""
    sections = pack.sections_for(filing.filing_type)
    answered = {s.id for s in sections if any(not is_blank(get_path(filing, f.path)) for f in s.fields)}
    unanswered = [s for s in sections if s.id not in answered]
    if not unanswered:
        return answered
    # one EXISTS per section, each an index seek: the cost does not grow with the filing's versions
    saved = db.session.execute(select(*(exists().where(FilingVersion.filing_id == record.id,
                                                       FilingVersion.note == s.title) for s in unanswered))).one()
    return answered | {s.id for s, was_saved in zip(unanswered, saved) if was_saved}


def visited_only(panel: Panel, record: FilingRecord, pack: Pack) -> Panel:
    """The panel without the findings of sections not visited yet (a new filing shows none),
    nor those of the whole filing until some section is."""
    visited = visited_sections(record, panel.filing, pack)

    def shown(f: Finding) -> bool:
        section = formdata.section_of(pack, panel.filing.filing_type, f.field) if f.field else None
        return bool(visited) and (section is None or section.id in visited)
    findings = [f for f in panel.findings if shown(f)]
    return replace(panel, findings=findings, hidden=len(panel.findings) - len(findings))


def panel_html(filing_id: int, panel: Panel) -> Markup:
    """The side panel's HTML, with each finding linked to the form field it concerns."""
    pack = pack_for(panel.filing)
    links = finding_links(filing_id, panel.filing, pack, panel.findings)
    groups: dict[str, list[Finding]] = {}
    for f in panel.findings:
        section = formdata.section_of(pack, panel.filing.filing_type, f.field) if f.field else None
        groups.setdefault(section.title if section else "The whole filing", []).append(f)
    return Markup(render_template("filings/_panel.html", panel=panel, finding_links=links, groups=groups))


def finding_links(filing_id: int, filing: Filing, pack: Pack, findings: list[Finding]) -> dict[str, str]:
    """The address of the form field each finding concerns, by field path."""
    links = {}
    for f in findings:
        section = formdata.section_of(pack, filing.filing_type, f.field) if f.field else None
        if section is not None:
            links[f.field] = (url_for("filings.section", filing_id=filing_id, section_id=section.id)
                              + "#" + formdata.field_id(f.field))
    return links
