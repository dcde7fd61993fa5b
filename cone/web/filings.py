"""Filing pages: list, new, guided section forms, check your answers, review workflow,
comments, versions and redlines, audit log, downloads and exhibits."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..answers import format_answer
from ..checklist import pack_for
from ..errors import InputError
from ..filing import Filing, dumps, parse_filing
from ..pack import FieldDef, Pack, Section, get_pack
from ..paths import get_path, is_blank
from . import formdata, jobs, results
from .access import current_record, permission
from .diff import field_changes, redline
from .extensions import db
from .models import AuditEvent, Comment, Exhibit, FilingRecord, FilingVersion, RenderJob
from .panel import Panel, panel_for
from .records import Conflict, audit, create_filing, current_filing, parsed, save_version, version_results
from .workflow import EDITABLE, STATUS_LABELS, TransitionRefused, available, check_transition

bp = Blueprint("filings", __name__, url_prefix="/filings")


def _context(record: FilingRecord) -> tuple[Filing, Pack, str]:
    filing, version = current_filing(record)
    return filing, pack_for(filing), version


def _title(filing: Filing) -> str:
    return filing.project.title or filing.applicant.legal_name or "Untitled filing"


def _section(pack: Pack, filing: Filing, section_id: str) -> tuple[Section, list[Section]]:
    sections = pack.sections_for(filing.filing_type)
    section = next((s for s in sections if s.id == section_id), None)
    if section is None:
        abort(404)
    return section, sections


def _common(record: FilingRecord, filing: Filing, pack: Pack, version: FilingVersion) -> dict:
    """What every filing page shows: title, status, sections and the side panel."""
    panel = panel_for(filing, version_results(version))
    return {"record": record, "filing": filing, "pack": pack, "title": _title(filing),
            "sections": pack.sections_for(filing.filing_type), "panel": panel,
            "panel_html": _panel_html(record.id, panel), "role": g.role,
            "editable": record.status in EDITABLE, "filing_type": pack.filing_types[filing.filing_type]}


def _panel_html(filing_id: int, panel: Panel) -> Markup:
    """The side panel's HTML, with each finding linked to the form field it concerns."""
    filing = panel.filing
    pack = pack_for(filing)
    links = {}
    for f in panel.findings:
        section = formdata.section_of(pack, filing.filing_type, f.field) if f.field else None
        if section is not None:
            links[f.field] = (url_for("filings.section", filing_id=filing_id, section_id=section.id)
                              + "#" + formdata.field_id(f.field))
    return Markup(render_template("filings/_panel.html", panel=panel, finding_links=links))


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
        rows.append({"record": record, "title": _title(filing), "filing": filing, "panel": panel,
                     "type": get_pack(filing.state).filing_types[filing.filing_type].label,
                     "next": upcoming[0] if upcoming else None,
                     "role": g.user.role_in(record.organization_id)})
    return render_template("filings/index.html", rows=rows, can_create=bool(g.user.organizations("administrator")))


@bp.route("/new", methods=["GET", "POST"])
@permission("create")
def new():  # noqa: ANN201
    pack = get_pack("CT")
    orgs = g.user.organizations("administrator")
    errors: dict[str, str] = {}
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
@permission("view")
def overview(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    ctx = _common(record, filing, pack, version)
    progress = {s.id: _section_state(s, filing, ctx["panel"].findings) for s in ctx["sections"]}
    comments = db.session.scalars(select(Comment).where(Comment.filing_id == record.id).order_by(Comment.id.desc())).all()
    exhibits = db.session.scalars(select(Exhibit).where(Exhibit.filing_id == record.id).order_by(Exhibit.id)).all()
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


def _render_section(record: FilingRecord, filing: Filing, pack: Pack, version: FilingVersion, section: Section,
                    values: dict, errors: dict[str, str], base: int, conflict: list | None = None, status: int = 200):
    ctx = _common(record, filing, pack, version)
    sections = ctx["sections"]
    index = sections.index(section)
    comments = db.session.scalars(select(Comment).where(Comment.filing_id == record.id).order_by(Comment.id)).all()
    by_field: dict[str, list[Comment]] = {}
    for c in comments:
        by_field.setdefault(c.field, []).append(c)
    widgets = formdata.widgets(section, pack, filing.filing_type, values, errors)
    labels = {w.path: w.label for w in widgets}
    labels.update({s.path: f"{w.item_label} {i}: {s.label}" for w in widgets for i, item in enumerate(w.items, 1) for s in item})
    entries = formdata.entries_field(section)
    removed = values.get(formdata.removed_name(section), []) if entries else []
    others = [(key, text) for key, text in formdata.unrecognised(section, filing) if key not in removed]
    return render_template("filings/section.html", **ctx, section=section, index=index, widgets=widgets,
                           errors=errors, labels=labels, base=base, conflict=conflict, comments=by_field,
                           entries=entries, unrecognised=others, removed=removed), status


@bp.get("/<int:filing_id>/sections/<section_id>")
@permission("view")
def section(filing_id: int, section_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    sec, _ = _section(pack, filing, section_id)
    return _render_section(record, filing, pack, version, sec, formdata.values_from_filing(sec, filing), {},
                           record.version)


@bp.post("/<int:filing_id>/sections/<section_id>")
@permission("edit")
def save_section(filing_id: int, section_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    sec, sections = _section(pack, filing, section_id)
    if record.status not in EDITABLE:
        abort(409, f"This filing is {STATUS_LABELS[record.status].lower()}; it cannot be changed now.")
    values = formdata.values_from_form(sec, request.form)
    try:
        base = int(request.form.get("version", ""))
    except ValueError:
        abort(400, "The form is missing its version number; reload the page.")
    action = request.form.get("action", "continue")
    if action.startswith(("add:", "remove:")):
        return _render_section(record, filing, pack, version, sec, values, {}, base)
    updated, errors = formdata.apply_section(sec, pack, filing, values)
    if errors:
        return _render_section(record, filing, pack, version, sec, values, errors, base, status=422)
    try:
        if base != record.version:
            raise Conflict(record.version)
        save_version(record, updated, g.user, base, note=sec.title)
    except Conflict:
        return _conflict(record, sec, pack, values, updated)
    if action == "save_exit":
        flash("Your answers are saved. You can come back to them at any time.")
        return redirect(url_for("filings.overview", filing_id=record.id))
    index = sections.index(sec)
    if index + 1 < len(sections):
        return redirect(url_for("filings.section", filing_id=record.id, section_id=sections[index + 1].id))
    return redirect(url_for("filings.check", filing_id=record.id))


@bp.post("/<int:filing_id>/sections/<section_id>/preview")
@permission("edit")
def preview_section(filing_id: int, section_id: str):  # noqa: ANN201
    """The side panel for the answers typed so far, unsaved (the form's live preview)."""
    record = current_record()
    filing, pack, _ = _context(record)
    sec, _ = _section(pack, filing, section_id)
    updated, errors = formdata.apply_section(sec, pack, filing, formdata.values_from_form(sec, request.form))
    if errors:
        return "", 204
    note = Markup('<p class="banner preview-note">Previewing your unsaved answers.</p>')
    return note + _panel_html(record.id, panel_for(updated, results.compute(updated)))


def _conflict(record: FilingRecord, sec: Section, pack: Pack, values: dict, mine: Filing):
    """Nothing is saved: show both values of every field that differs, with the user's answers kept."""
    db.session.refresh(record)
    filing, pack, version = _context(record)
    theirs = formdata.values_from_filing(sec, filing)
    rows = []
    for path, label in _value_paths(sec, pack, values, theirs):
        if _norm(values.get(path)) != _norm(theirs.get(path)):
            rows.append({"label": label, "mine": _norm(values.get(path)), "theirs": _norm(theirs.get(path))})
    latest = record.latest()
    return _render_section(record, filing, pack, version, sec, values, {}, record.version,
                           conflict={"rows": rows, "author": latest.author.email, "at": latest.created_at,
                                     "version": record.version}, status=409)


def _value_paths(sec: Section, pack: Pack, *value_sets: dict) -> list[tuple[str, str]]:
    keys = dict.fromkeys(k for values in value_sets for k in values if not k.endswith(".count"))
    return [(k, pack.label(k) + (f" ({int(m.group(1)) + 1})" if (m := re.search(r"\[(\d+)\]", k)) else ""))
            for k in keys]


def _norm(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value).strip().replace("\r\n", "\n")


def answer_text(fdef: FieldDef, value: object, pack: Pack) -> str:
    """An answer as the check-your-answers page prints it: as the PDF does."""
    return "" if is_blank(value) else format_answer(fdef, value, pack)


@bp.get("/<int:filing_id>/check")
@permission("view")
def check(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    ctx = _common(record, filing, pack, version)
    summary = []
    for sec in ctx["sections"]:
        rows = []
        for fdef in sec.fields:
            link = url_for("filings.section", filing_id=record.id, section_id=sec.id) + "#" + formdata.field_id(fdef.path)
            if fdef.type == "group":
                for i, item in enumerate(get_path(filing, fdef.path) or []):
                    for sub in fdef.fields:
                        rows.append({"label": f"{fdef.item_label or 'Item'} {i + 1}: {sub.label}",
                                     "value": answer_text(sub, getattr(item, sub.path), pack), "link": link,
                                     "required": sub.required_for(filing.filing_type)})
                if not get_path(filing, fdef.path):
                    rows.append({"label": fdef.label, "value": "", "link": link,
                                 "required": fdef.required_for(filing.filing_type)})
                continue
            rows.append({"label": fdef.label, "value": answer_text(fdef, get_path(filing, fdef.path), pack),
                         "link": link, "required": fdef.required_for(filing.filing_type)})
        summary.append((sec, rows))
    return render_template("filings/check.html", **ctx, summary=summary,
                           transitions=available(record.status, g.role))


def _transition(name: str):  # noqa: ANN202
    record = current_record()
    filing, pack, version = _context(record)
    try:
        if int(request.form.get("version", "-1")) != record.version:
            raise TransitionRefused("the filing changed since you loaded the page; review the latest version")
        t = check_transition(name, record.status, g.role, version_results(version).has_errors)
    except (TransitionRefused, ValueError) as exc:
        flash(f"Not done: {exc}.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id)), 303
    record.status = t.target
    body = request.form.get("comment", "").strip()
    if body:
        db.session.add(Comment(filing_id=record.id, field="", body=body[:5000], version=record.version,
                               author_id=g.user.id))
    audit(record, g.user, name, f"{STATUS_LABELS[t.target]} at version {record.version}" + (f": {body[:500]}" if body else ""))
    db.session.commit()
    flash(f"{t.label}: the filing is now {STATUS_LABELS[t.target].lower()}.")
    return redirect(url_for("filings.overview", filing_id=record.id)), 303


@bp.post("/<int:filing_id>/submit")
@permission("edit")
def submit(filing_id: int):  # noqa: ANN201
    """An administrator's workflow step: submit for review, withdraw from review, or reopen."""
    action = request.form.get("action", "submit")
    if action not in ("submit", "withdraw", "reopen"):
        abort(400, "Choose submit, withdraw or reopen.")
    return _transition(action)


@bp.post("/<int:filing_id>/review")
@permission("review")
def review(filing_id: int):  # noqa: ANN201
    decision = request.form.get("action", "")
    if decision not in ("approve", "request_changes"):
        abort(400, "Choose approve or request changes.")
    return _transition(decision)


@bp.post("/<int:filing_id>/filed")
@permission("file")
def mark_filed(filing_id: int):  # noqa: ANN201
    return _transition("mark_filed")


@bp.post("/<int:filing_id>/comments")
@permission("comment")
def comment(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, _ = _context(record)
    body = request.form.get("body", "").strip()
    field = request.form.get("field", "")
    valid_fields = {f.path for s in pack.sections_for(filing.filing_type) for f in s.fields}
    if not body or len(body) > 5000 or (field and field not in valid_fields):
        flash("Not saved: write a comment (at most 5,000 characters) on one of the listed fields.", "error")
        return redirect(url_for("filings.overview", filing_id=record.id) + "#comments"), 303
    db.session.add(Comment(filing_id=record.id, field=field, body=body, version=record.version, author_id=g.user.id))
    audit(record, g.user, "commented", f"{pack.label(field) if field else 'whole filing'}: {body[:500]}")
    db.session.commit()
    flash("Comment added.")
    return redirect(url_for("filings.overview", filing_id=record.id) + "#comments"), 303


@bp.get("/<int:filing_id>/versions")
@permission("view")
def versions(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    rows = db.session.scalars(select(FilingVersion).where(FilingVersion.filing_id == record.id)
                              .order_by(FilingVersion.number.desc())).all()
    return render_template("filings/versions.html", **_common(record, filing, pack, version), versions=rows)


@bp.get("/<int:filing_id>/diff")
@permission("view")
def diff(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        abort(400, "Choose two versions to compare.")
    found = {v.number: v for v in db.session.scalars(select(FilingVersion).where(
        FilingVersion.filing_id == record.id, FilingVersion.number.in_([a, b])))}
    if a not in found or b not in found:
        abort(404, "No such version.")
    old, new = parsed(found[a].document), parsed(found[b].document)
    notice_a, notice_b = version_results(found[a]).notice, version_results(found[b]).notice
    return render_template("filings/diff.html", **_common(record, filing, pack, version), a=found[a], b=found[b],
                           changes=field_changes(old, new, pack),
                           redline=redline(notice_a.text, notice_b.text))


@bp.get("/<int:filing_id>/audit.csv")
@permission("view")
def audit_csv(filing_id: int):  # noqa: ANN201
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["time_utc", "user", "action", "detail"])
    for e in db.session.scalars(select(AuditEvent).where(AuditEvent.filing_id == filing_id).order_by(AuditEvent.id)):
        writer.writerow([e.at.isoformat(timespec="seconds") + "Z", e.user_email, e.action,
                         _csv_safe(e.detail)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-audit.csv"})


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in user text (=, +, -, @ at the start)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/<int:filing_id>/audit")
@permission("view")
def audit_log(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.filing_id == filing_id).order_by(AuditEvent.id.desc())).all()
    return render_template("filings/audit.html", **_common(record, filing, pack, version), events=events)


@bp.get("/<int:filing_id>/notice.txt")
@permission("view")
def notice_text(filing_id: int):  # noqa: ANN201
    _, _, version = _context(current_record())
    return Response(version_results(version).notice.text + "\n", mimetype="text/plain",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-notice.txt"})


@bp.get("/<int:filing_id>/notice.html")
@permission("view")
def notice_html(filing_id: int):  # noqa: ANN201
    filing, _, version = _context(current_record())
    return Response(render_template("filings/notice_document.html", notice=version_results(version).notice,
                                    title=_title(filing)), mimetype="text/html",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-notice.html"})


@bp.get("/<int:filing_id>/filing.json")
@permission("view")
def filing_json(filing_id: int):  # noqa: ANN201
    filing, _, _ = _context(current_record())
    return Response(dumps(filing), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}.json"})


def start_render(record: FilingRecord, final: bool) -> RenderJob:
    """Queue a PDF render of the latest version (final only once approved)."""
    if final and record.status not in ("approved", "filed"):
        abort(409, "The final PDF is available once the filing is approved; download the draft instead.")
    jobs.requeue_expired()
    job = jobs.new_job(record.id, record.version, final, g.user.email)
    db.session.add(job)
    audit(record, g.user, "pdf_requested", f"{'final' if final else 'draft'} PDF of version {record.version}")
    db.session.commit()
    jobs.enqueue(job.id)
    return job


@bp.post("/<int:filing_id>/pdf")
@permission("view")
def request_pdf(filing_id: int):  # noqa: ANN201
    job = start_render(current_record(), final=request.form.get("kind") == "final")
    return redirect(url_for("filings.job", filing_id=filing_id, job_id=job.id), 303)


def _owned(model: type, item_id: int | str, filing_id: int):  # noqa: ANN202 (a row of `model`)
    """The row of the filing's own `model` (render job, exhibit) with that id, else 404."""
    item = db.session.get(model, item_id)
    if item is None or item.filing_id != filing_id:
        abort(404)
    return item


def _job(filing_id: int, job_id: str) -> RenderJob:
    return _owned(RenderJob, job_id, filing_id)


@bp.get("/<int:filing_id>/jobs/<job_id>")
@permission("view")
def job(filing_id: int, job_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = _context(record)
    job = _job(filing_id, job_id)
    return render_template("filings/job.html", **_common(record, filing, pack, version), job=job)


@bp.get("/<int:filing_id>/jobs/<job_id>/download")
@permission("view")
def job_download(filing_id: int, job_id: str):  # noqa: ANN201
    job = _job(filing_id, job_id)
    if job.status != "done":
        abort(409, "The PDF is not ready yet.")
    kind = "final" if job.final else "draft"
    return Response(job.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=filing-{filing_id}-v{job.version}-{kind}.pdf"})


def _to_exhibits(filing_id: int) -> tuple[Response, int]:
    return redirect(url_for("filings.overview", filing_id=filing_id) + "#exhibits"), 303


@bp.post("/<int:filing_id>/exhibits")
@permission("edit")
def upload_exhibit(filing_id: int):  # noqa: ANN201
    record = current_record()
    upload = request.files.get("exhibit")
    if upload is None or not upload.filename:
        flash("Not uploaded: choose a PDF file.", "error")
        return _to_exhibits(filing_id)
    name = re.sub(r"[^\w.\- ]+", "_", upload.filename)[:200]
    data = upload.read()
    try:
        from .. import pdf
        pdf.check_exhibit(data, name)
    except ImportError:
        abort(503, "Exhibits cannot be checked: the PDF renderer is not installed on this server.")
    except InputError as exc:
        flash(f"Not uploaded: {exc.message}", "error")
        return _to_exhibits(filing_id)
    db.session.add(Exhibit(filing_id=filing_id, name=name, data=data, size=len(data), uploaded_by=g.user.email))
    audit(record, g.user, "exhibit_uploaded", f"{name} ({len(data):,} bytes)")
    db.session.commit()
    flash(f"Exhibit {name} uploaded.")
    return _to_exhibits(filing_id)


@bp.post("/<int:filing_id>/exhibits/<int:exhibit_id>/delete")
@permission("edit")
def delete_exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    exhibit = _owned(Exhibit, exhibit_id, filing_id)
    db.session.delete(exhibit)
    audit(current_record(), g.user, "exhibit_removed", exhibit.name)
    db.session.commit()
    flash(f"Exhibit {exhibit.name} removed.")
    return _to_exhibits(filing_id)


@bp.get("/<int:filing_id>/exhibits/<int:exhibit_id>")
@permission("view")
def exhibit(filing_id: int, exhibit_id: int):  # noqa: ANN201
    item = _owned(Exhibit, exhibit_id, filing_id)
    # send_file quotes the name and adds an RFC 5987 form for names beyond Latin-1.
    return send_file(io.BytesIO(item.data), mimetype="application/pdf", as_attachment=True, download_name=item.name)


