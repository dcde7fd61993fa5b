"""The filing list, a new filing, and a filing's overview."""
from __future__ import annotations

import datetime as dt

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select

from ...filing.models import Filing
from ...filing.parser import parse_filing
from ...packs.models import Section
from ...rules.checklist import available_states, get_pack
from ...filing.paths import get_path, is_blank
from ..access import current_record, permission
from ..exhibits.service import exhibits_of
from ..extensions import db
from ..models import Comment, FilingRecord
from .blueprint import bp
from .pages import filing_context, page_context, title_of
from .panel import panel_for
from .service import create_filing, current_filing, version_results
from .workflow import available


@bp.get("/")
@permission("signed_in")
def index():  # noqa: ANN201
    org_ids = [m.organization_id for m in g.user.memberships]
    records = db.session.scalars(select(FilingRecord).where(FilingRecord.organization_id.in_(org_ids))
                                 .order_by(FilingRecord.updated_at.desc())).all()
    rows = []
    today = dt.date.today().isoformat()
    for record in records:
        filing, version = current_filing(record)
        panel = panel_for(filing, version_results(version))
        upcoming = [r for r in panel.timeline["rows"] if r["date"] >= today]
        rows.append({"record": record, "title": title_of(filing), "filing": filing, "panel": panel,
                     "type": get_pack(filing.state).filing_types[filing.filing_type].label,
                     "next": upcoming[0] if upcoming else None,
                     "role": g.user.role_in(record.organization_id)})
    return render_template("filings/index.html", rows=rows, can_create=bool(g.user.organizations("administrator")))


@bp.route("/new", methods=["GET", "POST"])
@permission("create")
def new():  # noqa: ANN201
    """Start a filing: first the state, when this server has packs for more than one, then the kind."""
    states = available_states()
    state = request.values.get("state", states[0] if len(states) == 1 else "")
    if state not in states:
        errors = {"state": "Choose the state where the project is"} if "state" in request.values else {}
        return render_template("filings/new_state.html", packs=[get_pack(s) for s in states], errors=errors), \
            (422 if errors else 200)
    pack = get_pack(state)
    orgs = g.user.organizations("administrator")
    errors = {}
    if request.method == "POST":
        chosen = request.form.get("organization", str(orgs[0].organization_id) if len(orgs) == 1 else "")
        org = next((o for o in orgs if str(o.organization_id) == chosen), None)
        filing_type = request.form.get("filing_type", "")
        if org is None:
            errors["organization"] = "Choose the organization this filing is for"
        if filing_type not in pack.filing_types:
            errors["filing_type"] = "Choose the kind of application"
        if not errors:
            filing = parse_filing({"format": "cone.filing/1", "state": pack.state, "filing_type": filing_type})
            record = create_filing(org.organization_id, filing, g.user)
            first = pack.sections_for(filing_type)[0]
            return redirect(url_for("filings.section", filing_id=record.id, section_id=first.id))
    return render_template("filings/new.html", pack=pack, orgs=orgs, errors=errors, form=request.form), \
        (422 if errors else 200)


@bp.get("/<int:filing_id>")
@permission("view", obj="filing")
def overview(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    ctx = page_context(record, filing, pack, version)
    progress = {s.id: _section_state(s, filing, ctx["panel"].findings) for s in ctx["sections"]}
    comments = db.session.scalars(select(Comment).where(Comment.filing_id == record.id).order_by(Comment.id.desc())).all()
    exhibits = exhibits_of(record.id)
    fields = [(p, pack.label(p)) for s in ctx["sections"] for f in s.fields for p in [f.path]]
    return render_template("filings/overview.html", **ctx, progress=progress, comments=comments, exhibits=exhibits,
                           transitions=available(record.status, g.role), comment_fields=fields)


def _section_state(section: Section, filing: Filing, findings: list) -> str:
    paths = [f.path for f in section.fields]
    if any(f.severity == "error" and any(f.field == p or f.field.startswith(p + "[") or f.field.startswith(p + ".")
                                          for p in paths) for f in findings):
        return "errors"
    answered = [not is_blank(get_path(filing, p)) for p in paths]
    if not any(answered):
        return "not_started"
    return "completed"
