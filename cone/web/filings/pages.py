"""What the filing pages share: the latest version with its pack, the page frame (title,
sections, role) and the side panel."""
from __future__ import annotations

from flask import abort, g, render_template, url_for
from markupsafe import Markup

from ...rules.checklist import Finding, pack_for
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
    panel = panel_for(filing, shown)
    return {"record": record, "filing": filing, "pack": pack, "title": title_of(filing),
            "dated": dated, "dated_links": finding_links(record.id, filing, pack, dated),
            "sections": pack.sections_for(filing.filing_type), "panel": panel,
            "panel_html": panel_html(record.id, panel), "role": g.role,
            "editable": record.status in EDITABLE, "filing_type": pack.filing_types[filing.filing_type],
            "approval": latest_approval(record.id)}


def panel_html(filing_id: int, panel: Panel) -> Markup:
    """The side panel's HTML, with each finding linked to the form field it concerns."""
    links = finding_links(filing_id, panel.filing, pack_for(panel.filing), panel.findings)
    return Markup(render_template("filings/_panel.html", panel=panel, finding_links=links))


def finding_links(filing_id: int, filing: Filing, pack: Pack, findings: list[Finding]) -> dict[str, str]:
    """The address of the form field each finding concerns, by field path."""
    links = {}
    for f in findings:
        section = formdata.section_of(pack, filing.filing_type, f.field) if f.field else None
        if section is not None:
            links[f.field] = (url_for("filings.section", filing_id=filing_id, section_id=section.id)
                              + "#" + formdata.field_id(f.field))
    return links
