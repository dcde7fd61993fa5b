"""The guided section forms (with the live preview of unsaved answers) and check your answers."""
from __future__ import annotations

import re

from sqlalchemy import select
from flask import abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ...documents.answers import format_answer
from ...filing.models import Filing
from ...packs.models import FieldDef, Section
from ...packs.pack import Pack
from ...filing.paths import get_path, is_blank
from ..access import current_record, permission
from ..extensions import db
from ..models import Comment, FilingRecord, FilingVersion
from . import formdata, results, threads
from .blueprint import bp
from .lists import comment_rows
from .pages import filing_context, find_section, page_context, panel_html
from .panel import panel_for
from .service import Conflict, NotEditable, ensure_editable, parsed, save_version
from .workflow import STATUS_LABELS, available


def _render_section(record: FilingRecord, filing: Filing, pack: Pack, version: FilingVersion, section: Section,
                    values: dict, errors: dict[str, str], base: int, conflict: list | None = None, status: int = 200):
    ctx = page_context(record, filing, pack, version)
    sections = ctx["sections"]
    index = sections.index(section)
    paths = [f.path for f in section.fields]        # (comments name a section's own fields: service.add_comment)
    comments = db.session.execute(comment_rows(record.id).where(Comment.field.in_(paths)).order_by(Comment.id)).all()
    by_field: dict[str, list] = {}
    for c in comments:
        by_field.setdefault(c.field, []).append(c)
    widgets = formdata.widgets(section, pack, filing.filing_type, values, errors)
    at_field: dict[str, list] = {}
    for f in ctx["panel"].findings:
        at_field.setdefault(f.field, []).append(f)
    for shown in [*widgets, *(sub for w in widgets for item in w.items for sub in item)]:
        shown.findings = at_field.get(shown.path, [])
    labels = {w.path: w.label for w in widgets}
    labels.update({s.path: f"{w.item_label} {i}: {s.label}" for w in widgets for i, item in enumerate(w.items, 1) for s in item})
    entries = formdata.entries_field(section)
    removed = values.get(formdata.removed_name(section), []) if entries else []
    others = [(key, text) for key, text in formdata.unrecognised(section, filing) if key not in removed]
    return render_template("filings/section.html", **ctx, section=section, index=index, widgets=widgets,
                           errors=errors, labels=labels, base=base, conflict=conflict, comments=by_field,
                           entries=entries, unrecognised=others, removed=removed,
                           open_threads=threads.open_by_field(record.id, paths),
                           return_to_check=_returns_to_check()), status


def _returns_to_check() -> bool:
    """Whether the page was opened from check your answers ("Change"), and goes back there when saved."""
    return (request.form.get("return") or request.args.get("return")) == "check"


@bp.get("/<int:filing_id>/sections/<section_id>")
@permission("view", obj="filing")
def section(filing_id: int, section_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    sec, _ = find_section(pack, filing, section_id)
    return _render_section(record, filing, pack, version, sec, formdata.values_from_filing(sec, filing), {},
                           record.version)


@bp.post("/<int:filing_id>/sections/<section_id>")
@permission("edit", obj="filing")
def save_section(filing_id: int, section_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    sec, sections = find_section(pack, filing, section_id)
    try:
        ensure_editable(record)
    except NotEditable as exc:
        abort(409, f"This filing is {STATUS_LABELS[exc.status].lower()}; it cannot be changed now.")
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
        save_version(record, updated, g.user, base, note=sec.title)
    except Conflict:
        page = _conflict(record, sec, pack, values, base)
        if page is not None:
            return page
    for note in formdata.normalised(sec, pack, values):
        flash(note)
    if action == "save_exit":
        flash("Your answers are saved. You can come back to them at any time.")
        return redirect(url_for("filings.overview", filing_id=record.id))
    index = sections.index(sec)
    if index + 1 < len(sections) and not _returns_to_check():
        return redirect(url_for("filings.section", filing_id=record.id, section_id=sections[index + 1].id))
    return redirect(url_for("filings.check", filing_id=record.id))


@bp.post("/<int:filing_id>/sections/<section_id>/preview")
@permission("edit", obj="filing")
def preview_section(filing_id: int, section_id: str):  # noqa: ANN201
    """The side panel for the answers typed so far, unsaved (the form's live preview)."""
    record = current_record()
    filing, pack, _ = filing_context(record)
    sec, _ = find_section(pack, filing, section_id)
    updated, errors = formdata.apply_section(sec, pack, filing, formdata.values_from_form(sec, request.form))
    if errors:
        return "", 204
    note = Markup('<p class="banner preview-note">Previewing your unsaved answers.</p>')
    shown, _ = results.for_day(results.compute(updated), updated, results.today())
    return note + panel_html(record.id, panel_for(updated, shown))


def _conflict(record: FilingRecord, sec: Section, pack: Pack, values: dict, base: int):
    """Another save landed after the version the user loaded: merge the answers changed on one
    side only and save them; ask about the answers both sides changed, with the user's kept."""
    db.session.refresh(record)
    filing, pack, version = filing_context(record)
    theirs = formdata.values_from_filing(sec, filing)
    loaded = db.session.scalar(select(FilingVersion).where(FilingVersion.filing_id == record.id,
                                                           FilingVersion.number == base))
    before = formdata.values_from_filing(sec, parsed(loaded.document)) if loaded is not None else {}
    merged, both = formdata.merge(before, values, theirs)
    if not both:
        updated, errors = formdata.apply_section(sec, pack, filing, merged)
        if errors:
            return _render_section(record, filing, pack, version, sec, merged, errors, record.version, status=422)
        try:
            save_version(record, updated, g.user, record.version, note=sec.title)
        except Conflict:
            return _conflict(record, sec, pack, merged, base)
        flash("Someone else saved this filing while you were editing. They changed other answers than you did: "
              "both their answers and yours are saved.")
        return None
    rows = []
    for path, label in _value_paths(sec, pack, *({k: v for k, v in d.items() if formdata.merge_unit(k) in both}
                                                 for d in (values, theirs))):
        if _norm(values.get(path)) != _norm(theirs.get(path)):
            rows.append({"label": label, "mine": _norm(values.get(path)), "theirs": _norm(theirs.get(path))})
    latest = record.latest()
    return _render_section(record, filing, pack, version, sec, merged, {}, record.version,
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
@permission("view", obj="filing")
def check(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    ctx = page_context(record, filing, pack, version)
    summary = []
    for sec in ctx["sections"]:
        rows = []
        for fdef in sec.fields:
            link = (url_for("filings.section", filing_id=record.id, section_id=sec.id, **{"return": "check"})
                    + "#" + formdata.field_id(fdef.path))
            if fdef.type == "group":
                for i, item in enumerate(get_path(filing, fdef.path) or []):
                    for sub in fdef.fields:
                        rows.append({"label": f"{fdef.item_label or 'Item'} {i + 1}: {sub.label}",
                                     "path": fdef.path if i == 0 and sub is fdef.fields[0] else "",
                                     "value": answer_text(sub, getattr(item, sub.path), pack), "link": link,
                                     "required": sub.required_for(filing.filing_type)})
                if not get_path(filing, fdef.path):
                    rows.append({"label": fdef.label, "value": "", "link": link, "path": fdef.path,
                                 "required": fdef.required_for(filing.filing_type)})
                continue
            rows.append({"label": fdef.label, "value": answer_text(fdef, get_path(filing, fdef.path), pack),
                         "link": link, "required": fdef.required_for(filing.filing_type), "path": fdef.path})
        summary.append((sec, rows))
    return render_template("filings/check.html", **ctx, summary=summary,
                           transitions=available(record.status, g.role),
                           open_threads=threads.open_by_field(record.id, [f.path for s in ctx["sections"] for f in s.fields]))
