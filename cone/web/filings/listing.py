"""The filing list, a new filing, and a filing's overview."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, g, redirect, render_template, request, url_for

from ...filing.errors import InputError
from ...filing.models import Filing
from ...filing.money import format_money
from ...filing.parser import parse_filing
from ...packs.models import Section
from ...rules.checklist import available_states, get_pack
from ...filing.paths import get_path, is_blank, is_within
from ..access import current_record, permission
from ..exhibits.service import exhibits_of
from ..pagination import BadListArgument, page_args
from . import service, threads
from .blueprint import bp
from .lists import SORTS, FilingQuery, filings_page, organization_names
from .pages import filing_context, page_context
from .service import comment_fields, create_filing
from .workflow import STATUS_LABELS, available


@bp.get("/")
@permission("signed_in")
def index():  # noqa: ANN201
    org_ids = [m.organization_id for m in g.user.memberships]
    try:
        query = FilingQuery.parse(request.args, org_ids)
    except BadListArgument as exc:
        abort(400, exc.message)
    page, upcoming = filings_page(g.user, query)
    names = organization_names(g.user)
    rows = [{"record": r, "organization": names[r.organization_id], "title": r.title or r.applicant or "Untitled filing",
             "subtitle": r.applicant if r.title and r.applicant else "", "type": type_label(r.state, r.filing_type),
             "fee": format_money(Decimal(r.fee_cents) / 100) if r.fee_cents is not None else None,
             "next": upcoming.get(r.id), "role": g.user.role_in(r.organization_id)} for r in page.rows]
    return render_template("filings/index.html", rows=rows, page=page, query=query,
                           can_create=bool(g.user.organizations("administrator")), organizations=g.user.memberships,
                           statuses=STATUS_LABELS, types=filing_types(), sorts=SORTS)


def type_label(state: str, filing_type: str) -> str:
    """A filing type's label in its state's pack (the code itself when the pack has no such type)."""
    try:
        return get_pack(state).filing_types[filing_type].label
    except (InputError, KeyError):
        return filing_type


def filing_types() -> dict[str, str]:
    """The filing types a filing can have in any state this server offers, code -> label (for the
    list's filter); with several states, a label names its state."""
    states = available_states()
    types: dict[str, str] = {}
    for state in states:
        pack = get_pack(state)
        for code, t in pack.filing_types.items():
            label = t.label if len(states) == 1 else f"{t.label} ({pack.meta.name})"
            types[code] = label if code not in types else f"{types[code]}; {label}"
    return types


@bp.post("/<int:filing_id>/archive")
@permission("edit", obj="filing")
def archive(filing_id: int):  # noqa: ANN201
    return _archive_step(service.archive, "archived", "Draft archived. Find it under Archived in the filing list.")


@bp.post("/<int:filing_id>/restore")
@permission("edit", obj="filing")
def restore(filing_id: int):  # noqa: ANN201
    return _archive_step(service.restore, "restored", "Draft restored to the filing list.")


@bp.post("/<int:filing_id>/docket")
@permission("file", obj="filing")
def docket(filing_id: int):  # noqa: ANN201
    """Compliance records the docket number the agency assigned (searchable in the filing list)."""
    try:
        service.set_docket_number(current_record(), g.user, request.form.get("docket_number", ""))
    except service.DocketRefused as exc:
        flash(f"Not saved: {exc}.", "error")
    else:
        flash("Docket number saved.")
    return redirect(url_for("filings.overview", filing_id=filing_id) + "#workflow", 303)


def _archive_step(step, verb: str, done: str):
    """Archive or restore the admitted filing, back to its overview; 409 saying why it cannot be."""
    record = current_record()
    try:
        step(record, g.user)
    except service.ArchiveRefused as exc:
        abort(409, f"This filing cannot be {verb}: {exc}.")
    flash(done)
    return redirect(url_for("filings.overview", filing_id=record.id), 303)


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
    try:
        comments, threads_shown = threads.threads_page(record.id, *page_args(request.args))
    except BadListArgument as exc:
        abort(400, exc.message)
    exhibits = exhibits_of(record.id)
    todo = threads.open_threads(record.id) if g.role == "administrator" else []
    links = threads.answer_links(record.id, pack, filing.filing_type, {t.first.field for t in threads_shown} | {c.field for c in todo})
    return render_template("filings/overview.html", **ctx, progress=progress, threads=threads_shown,
                           comments_page=comments, exhibits=exhibits, todo=todo, answer_links=links,
                           requested=threads.latest_request(record.id),
                           transitions=available(record.status, g.role),
                           comment_fields=comment_fields(pack, filing.filing_type))


def _section_state(section: Section, filing: Filing, findings: list) -> str:
    paths = [f.path for f in section.fields]
    if any(f.severity == "error" and any(is_within(f.field, p) for p in paths) for f in findings):
        return "errors"
    answered = [not is_blank(get_path(filing, p)) for p in paths]
    if not any(answered):
        return "not_started"
    return "completed"
