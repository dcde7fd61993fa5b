"""JSON API under /api/v1: bearer tokens, the same validation and permissions as the forms."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from flask import Blueprint, Response, abort, g, jsonify, request, url_for
from sqlalchemy import select

from ...rules.checklist import findings_json, pack_for
from ...filing.errors import InputError
from ...filing.models import Filing
from ...filing.parser import parse_filing
from ..access import current_record, filing_item, permission
from ..afterfiling import service as afterfiling
from ..afterfiling.service import AfterFilingRefused
from ..afterfiling.views import upload
from ..errors import api_error
from ..extensions import db
from ..filings.service import Conflict, NotEditable, create_filing, current_filing, ensure_editable, save_version, version_results
from ..filings import results
from ..filings.lists import FilingQuery, filings_page, organization_names
from ..filings.workflow import STATUS_LABELS
from ..filings import results as filing_results
from ..models import FilingCondition, FilingRecord, FilingVersion, RenderJob
from ..pagination import BadListArgument
from ..rendering.service import FinalNeedsApproval, download_name, ensure_final_allowed, latest_job, start_render
from .openapi import document as openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_BODY = 1024 * 1024


def _body() -> Filing:
    """The request body as a Filing for a known pack; InputError (422) names the JSON path."""
    if request.content_length and request.content_length > MAX_BODY:
        abort(413, f"a filing document is at most {MAX_BODY:,} bytes")
    if not request.mimetype or request.mimetype != "application/json":
        abort(415, "send the cone.filing/1 document as application/json")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        abort(413, f"a filing document is at most {MAX_BODY:,} bytes")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        abort(400, f"not valid JSON: {exc}")
    filing = parse_filing(data)
    pack_for(filing)
    return filing


def _resource(record: FilingRecord, status: int = 200, version: int | None = None) -> Response:
    """The filing at `version` (default: the latest), its number in the body and the ETag alike.
    A save reports the version it made, not whatever a concurrent save made since."""
    number = record.version if version is None else version
    document = db.session.scalar(select(FilingVersion.document).filter_by(filing_id=record.id, number=number))
    response = jsonify({
        "id": record.id,
        "organization": record.organization.name,
        "status": record.status,
        "version": number,
        "updated_at": record.updated_at.isoformat(timespec="seconds") + "Z",
        "links": {"self": url_for("api.get_filing", filing_id=record.id), "findings": url_for("api.findings", filing_id=record.id),
                  "notice": url_for("api.notice", filing_id=record.id), "timeline": url_for("api.timeline", filing_id=record.id),
                  "pdf": url_for("api.pdf", filing_id=record.id)},
        "filing": json.loads(document),
    })
    response.status_code = status
    response.headers["ETag"] = f'"{number}"'
    return response


@bp.errorhandler(InputError)
def _input_error(exc: InputError) -> Response:
    return api_error(422, exc.message, exc.path)


@bp.get("/openapi.json")
@permission("public")
def openapi() -> Response:
    return jsonify(openapi_document())


@bp.get("/filings")
@permission("signed_in")
def list_filings() -> Response:
    """A page of the user's filings (search, filters, sort and paging as on the filing list)."""
    try:
        query = FilingQuery.parse(request.args, [m.organization_id for m in g.user.memberships])
    except BadListArgument as exc:
        return api_error(422, exc.message, exc.field)
    page, upcoming = filings_page(g.user, query)
    names = organization_names(g.user)
    body: dict = {"filings": [{
        "id": r.id, "organization": names[r.organization_id], "status": r.status, "archived": r.archived, "version": r.version,
        "title": r.title or None, "applicant": r.applicant or None, "town": r.town or None,
        "docket_number": r.docket_number or None, "filing_type": r.filing_type,
        "updated_at": r.updated_at.isoformat(timespec="seconds") + "Z",
        "next_date": ({"date": upcoming[r.id].date.isoformat(), "label": upcoming[r.id].label} if r.id in upcoming else None),
        "self": url_for("api.get_filing", filing_id=r.id)} for r in page.rows],
        "page": page.number, "per_page": page.per_page, "total": page.total, "pages": page.pages}
    if page.has_next:
        body["next"] = url_for("api.list_filings", **query.args(page=page.number + 1, per_page=page.per_page))
    return jsonify(body)


@bp.post("/filings")
@permission("create")
def create() -> Response:
    orgs = g.user.organizations("administrator")
    wanted = request.args.get("organization")
    if wanted is None and len(orgs) > 1:
        return api_error(422, "you administer several organizations; name one with ?organization=NAME", "organization")
    org = orgs[0] if wanted is None else next((o for o in orgs if o.name == wanted), None)
    if org is None:
        return api_error(422, f"you are not an administrator of organization '{wanted}'", "organization")
    record = create_filing(org.organization_id, _body(), g.user)
    response = _resource(record, 201)
    response.headers["Location"] = url_for("api.get_filing", filing_id=record.id)
    return response


@bp.get("/filings/<int:filing_id>")
@permission("view", obj="filing")
def get_filing(filing_id: int) -> Response:
    return _resource(current_record())


@bp.put("/filings/<int:filing_id>")
@permission("edit", obj="filing")
def put_filing(filing_id: int) -> Response:
    record = current_record()
    try:
        ensure_editable(record)
    except NotEditable as exc:
        return api_error(409, f"the filing is {STATUS_LABELS[exc.status].lower()} and cannot be changed", "status")
    base = record.version
    if request.if_match and not request.if_match.star_tag:
        tags = [t.strip('"') for t in request.if_match.as_set()]
        if str(record.version) not in tags:
            return api_error(409, f"the filing is at version {record.version}, not {', '.join(tags)}; "
                                  "GET it again and reapply your change", current_version=record.version)
    filing = _body()
    try:
        saved = save_version(record, filing, g.user, base, note="API")
    except Conflict as exc:
        return api_error(409, str(exc), current_version=exc.current)
    return _resource(record, version=base + 1 if saved else base)


def _as_of() -> dt.date:
    """The day dated findings are checked against: ?as_of=YYYY-MM-DD, else today."""
    raw = request.args.get("as_of")
    if raw is None:
        return results.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        abort(400, f"as_of: '{raw[:40]}' is not a date in the form YYYY-MM-DD")


@bp.get("/filings/<int:filing_id>/findings")
@permission("view", obj="filing")
def findings(filing_id: int) -> Response:
    filing, version = current_filing(current_record())
    day = _as_of()
    shown, _ = results.for_day(results.stored(version, filing), filing, day)
    return jsonify({"version": current_record().version, "as_of": day.isoformat(), "has_errors": shown.has_errors,
                    "findings": findings_json(shown.findings)})


@bp.get("/filings/<int:filing_id>/notice")
@permission("view", obj="filing")
def notice(filing_id: int) -> Response:
    n = version_results(current_filing(current_record())[1]).notice
    return jsonify({"version": current_record().version, "text": n.text, "html": n.html, "missing": list(n.missing)})


@bp.get("/filings/<int:filing_id>/timeline")
@permission("view", obj="filing")
def timeline(filing_id: int) -> Response:
    return jsonify({"version": current_record().version, **version_results(current_filing(current_record())[1]).timeline})


@bp.get("/filings/<int:filing_id>/pdf")
@permission("view", obj="filing")
def pdf(filing_id: int) -> Response:
    """The PDF of the latest version: 202 with a status URL while it renders, then the PDF."""
    record = current_record()
    final = request.args.get("final", "false").lower() in ("1", "true", "yes")
    try:
        ensure_final_allowed(record, final)
    except FinalNeedsApproval as exc:
        return api_error(409, str(exc), "status")
    job = latest_job(record, final)
    if job is not None and job.status == "done":
        return Response(job.pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename={download_name(job)}"})
    if job is not None and job.status == "failed":
        return api_error(409, job.error, job=job.id)
    if job is None:
        job = start_render(record, final, g.user)
    status_url = url_for("api.job_status", filing_id=record.id, job_id=job.id)
    response = jsonify({"status": job.status, "job": job.id, "status_url": status_url})
    response.status_code = 202
    response.headers["Location"] = status_url
    response.headers["Retry-After"] = "2"
    return response


@bp.get("/filings/<int:filing_id>/jobs/<job_id>")
@permission("view", obj="filing")
def job_status(filing_id: int, job_id: str) -> Response:
    job = filing_item(RenderJob, job_id)
    body = {"job": job.id, "status": job.status, "version": job.version, "final": job.final}
    if job.status == "done":
        body["pdf"] = url_for("api.pdf", filing_id=filing_id, final="true" if job.final else "false")
    if job.status == "failed":
        body["error"] = job.error
    return jsonify(body)


def _after_filing_error(exc: AfterFilingRefused) -> Response:
    return api_error(409 if exc.field in ("status", "version") else 422, exc.message, exc.field)


def _after_filing_state(record: FilingRecord, status: int = 200) -> Response:
    """The filed filing's after-filing state: filed date, docket, downloads, clock, events, conditions."""
    filing, _ = current_filing(record)
    pack = pack_for(filing)
    fid = record.id
    body = {
        "id": fid, "status": record.status, "docket_number": record.docket_number,
        "filed_on": record.filed_on.isoformat() if record.filed_on else None,
        "links": {"as_filed": url_for("afterfiling.as_filed", filing_id=fid) if record.filed_render_id else None,
                  "receipt": url_for("afterfiling.receipt", filing_id=fid) if record.receipt_sha256 else None},
        "clock": [{"id": d.id, "label": d.label, "date": d.date.isoformat(), "basis": d.basis, "citation": d.citation,
                   "note": d.note} for d in afterfiling.clock_of(record, pack, filing.filing_type)],
        "events": [{"id": e.id, "kind": e.kind, "date": e.date.isoformat(), "answers": e.parent_id, "row": e.row,
                    "outcome": e.outcome, "note": e.note, "recorded_by": e.recorded_by,
                    "document": url_for("afterfiling.event_document", filing_id=fid, event_id=e.id)
                    if e.document_sha256 else None} for e in afterfiling.events_of(fid)],
        "conditions": [{"id": c.id, "title": c.title, "first_due": c.first_due.isoformat(), "every_months": c.every_months,
                        "until": c.until.isoformat() if c.until else None, "met": c.met_at is not None,
                        "met_by": c.met_by or None,
                        "evidence": url_for("afterfiling.condition_evidence", filing_id=fid, condition_id=c.id)
                        if c.evidence_sha256 else None} for c in afterfiling.conditions_of(fid)],
    }
    response = jsonify(body)
    response.status_code = status
    return response


@bp.get("/filings/<int:filing_id>/after-filing")
@permission("view", obj="filing")
def after_filing(filing_id: int) -> Response:
    return _after_filing_state(current_record())


@bp.post("/filings/<int:filing_id>/filed")
@permission("file", obj="filing")
def mark_filed(filing_id: int) -> Response:
    """Mark the filing filed (multipart form: filed_on, docket_number, receipt, confirm=yes, version)."""
    record = current_record()
    form = request.form
    try:
        version = int(form.get("version", "") or record.version)
    except ValueError:
        return api_error(422, "'version' must be a whole number", "version")
    try:
        afterfiling.mark_filed(record, g.user, g.role, version, form.get("filed_on", ""), form.get("docket_number", ""),
                               upload("receipt"), form.get("confirm") == "yes", filing_results.today())
    except AfterFilingRefused as exc:
        return _after_filing_error(exc)
    return _after_filing_state(record)


@bp.post("/filings/<int:filing_id>/events")
@permission("file", obj="filing")
def record_event(filing_id: int) -> Response:
    """Record an event after filing (form fields kind, date, row, outcome, note; file document)."""
    record = current_record()
    form = request.form
    try:
        afterfiling.record_event(record, g.user, form.get("kind", ""), form.get("date", ""), filing_results.today(), form.get("row", ""),
                                 form.get("outcome", ""), form.get("note", ""), upload("document"))
    except AfterFilingRefused as exc:
        return _after_filing_error(exc)
    return _after_filing_state(record, 201)


@bp.post("/filings/<int:filing_id>/conditions")
@permission("file", obj="filing")
def add_condition(filing_id: int) -> Response:
    """Add a condition of the approval (form fields title, first_due, every_months, until)."""
    record = current_record()
    form = request.form
    try:
        afterfiling.add_condition(record, g.user, form.get("title", ""), form.get("first_due", ""),
                                  form.get("every_months", "0"), form.get("until", ""))
    except AfterFilingRefused as exc:
        return _after_filing_error(exc)
    return _after_filing_state(record, 201)


@bp.post("/filings/<int:filing_id>/conditions/<int:condition_id>/met")
@permission("file", obj="filing")
def condition_met(filing_id: int, condition_id: int) -> Response:
    """Mark a condition met (file evidence)."""
    record = current_record()
    try:
        afterfiling.condition_met(record, g.user, filing_item(FilingCondition, condition_id), upload("evidence"))
    except AfterFilingRefused as exc:
        return _after_filing_error(exc)
    return _after_filing_state(record)
