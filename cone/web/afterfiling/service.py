"""Changes after filing: marking the filing filed (date, docket number, receipt, the packet frozen
as filed), recording events (checked by cone.postfiling against the pack's rules), and the
conditions of an approval. Each is in the audit log and rewrites the filing's after-filing dates
(filing_dates), which the list, the deadlines page and the calendar feeds read."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from ... import pdf
from ... import postfiling
from ...filing.errors import InputError
from ...packs.pack import Pack
from ...rules.checklist import pack_for
from ..exhibits.service import check_limits, pdf_bytes, store_file, title_of
from ..extensions import db
from ..filings import service as filings
from ..filings.workflow import TransitionRefused, check_transition
from ..models import (AuditEvent, ExhibitFile, FilingCondition, FilingDate, FilingEvent, FilingRecord, Principal,
                      utcnow)
from ..rendering import service as rendering

MAX_NOTE = 2000
MAX_TITLE = 300
AFTER_KINDS = ("deadline", "after", "condition")    # the filing_dates kinds this module rewrites once filed


class AfterFilingRefused(Exception):
    """An after-filing step the rules or the input do not allow; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def parse_date(value: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise AfterFilingRefused(field, f"'{field}' must be a date written YYYY-MM-DD") from None


def clean_pdf(upload: Upload | None, field: str) -> tuple[str, str]:
    """(stored name, content hash) of an uploaded PDF, cleaned of active content by the exhibit
    path and within one exhibit's share of the limits; AfterFilingRefused naming `field`."""
    if upload is None or not upload.filename or not upload.data:
        raise AfterFilingRefused(field, f"'{field}': choose a PDF file")
    title = title_of(upload.filename)
    try:
        clean = pdf.clean_exhibit(pdf_bytes(upload.data, title), title)
        check_limits([], len(clean))
    except InputError as exc:
        raise AfterFilingRefused(field, f"'{field}': {exc.message}") from None
    return title or "document.pdf", store_file(clean)


def approved_on(record: FilingRecord) -> dt.date | None:
    """The day of the filing's latest approval in the audit log."""
    at = db.session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.filing_id == record.id,
                                                                  AuditEvent.action == "approve"))
    return at.date() if at else None


def mark_filed(record: FilingRecord, user: Principal, role: str, seen_version: int, filed_on: str, docket: str,
               receipt: Upload | None, confirmed: bool, today: dt.date) -> None:
    """Mark the approved filing filed on `filed_on` (today or earlier, not before its approval) with
    the agency's docket number and receipt, once confirmed; the final render of the filed version
    is kept as the packet as filed, and the after-filing clock starts from the filed date."""
    filing, _ = filings.current_filing(record)
    pack = pack_for(filing)
    try:
        check_transition("mark_filed", record.status, role, False)
    except TransitionRefused as exc:
        raise AfterFilingRefused("status", str(exc)) from None
    day = parse_date(filed_on, "filed_on")
    if day > today:
        raise AfterFilingRefused("filed_on", "the filed date cannot be in the future")
    approved = approved_on(record)
    if approved is not None and day < approved:
        raise AfterFilingRefused("filed_on", f"the filed date cannot be before the approval, {approved.isoformat()}")
    try:
        number = postfiling.check_docket(docket, filing.filing_type, pack) if pack.deadlines.after_filing \
            else filings.checked_docket(docket)
    except postfiling.EventRefused as exc:
        raise AfterFilingRefused(exc.field, str(exc)) from None
    except filings.DocketRefused as exc:
        raise AfterFilingRefused("docket_number", str(exc)) from None
    if not number:
        raise AfterFilingRefused("docket_number", "write the docket number the agency gave the filing")
    name, digest = clean_pdf(receipt, "receipt")
    if not confirmed:
        raise AfterFilingRefused("confirm", "confirm that this packet was filed with the agency on that date")
    if seen_version != record.version:
        raise AfterFilingRefused("version", "the filing changed since you loaded the page; review the latest version")
    job = rendering.start_render(record, True, user)
    record.filed_on, record.docket_number, record.receipt_sha256, record.filed_render_id = day, number, digest, job.id
    filings.audit(record, user, "filed", f"filed on {day.isoformat()}; docket {number}; receipt {name}; "
                                         f"packet as filed: render {job.id} of version {record.version}")
    refresh_dates(record, pack, filing.filing_type)
    filings.transition(record, "mark_filed", user, role, seen_version)


def events_of(filing_id: int) -> list[FilingEvent]:
    return list(db.session.scalars(select(FilingEvent).where(FilingEvent.filing_id == filing_id)
                                   .order_by(FilingEvent.date, FilingEvent.id)))


def core_events(rows: list[FilingEvent]) -> list[postfiling.Event]:
    return [postfiling.Event(r.kind, r.date, r.id, r.parent_id, r.row, r.outcome) for r in rows]


def conditions_of(filing_id: int) -> list[FilingCondition]:
    return list(db.session.scalars(select(FilingCondition).where(FilingCondition.filing_id == filing_id)
                                   .order_by(FilingCondition.first_due, FilingCondition.id)))


def clock_of(record: FilingRecord, pack: Pack, filing_type: str) -> list[postfiling.ClockDate]:
    """The filed filing's after-filing dates (events recorded and dates ahead), soonest first."""
    if record.filed_on is None or pack.deadlines.after_filing is None:
        return []
    return postfiling.clock(filing_type, record.filed_on, core_events(events_of(record.id)), pack)


def _ensure_filed(record: FilingRecord) -> None:
    if record.status != "filed" or record.filed_on is None:
        raise AfterFilingRefused("status", "events are recorded once the filing is marked filed")


def record_event(record: FilingRecord, user: Principal, kind: str, date: str, today: dt.date, row: str = "",
                 outcome: str = "", note: str = "", document: Upload | None = None) -> FilingEvent:
    """Record an event after filing on its real date, if the pack's rules allow it now (a decision
    needs its document); AfterFilingRefused names the input at fault."""
    _ensure_filed(record)
    filing, _ = filings.current_filing(record)
    pack = pack_for(filing)
    day = parse_date(date, "date")
    if len(note) > MAX_NOTE:
        raise AfterFilingRefused("note", f"'note' is at most {MAX_NOTE:,} characters")
    try:
        checked = postfiling.check_event(filing.filing_type, record.filed_on, core_events(events_of(record.id)),
                                         postfiling.Event(kind, day, 0, None, row.strip(), outcome.strip()), pack, today)
    except postfiling.EventRefused as exc:
        raise AfterFilingRefused(exc.field, str(exc)) from None
    name, digest = ("", None)
    if document is not None and document.filename or kind == "decision":
        name, digest = clean_pdf(document, "document")
    event = FilingEvent(filing_id=record.id, kind=checked.kind, date=checked.date, parent_id=checked.parent,
                        row=checked.row, outcome=checked.outcome, note=note.strip(), document_sha256=digest,
                        document_name=name, recorded_by=user.email)
    db.session.add(event)
    db.session.flush()
    label = postfiling.event_label(checked, pack)
    filings.audit(record, user, "event", f"{label} on {day.isoformat()}" + (f"; document {name}" if name else "")
                  + (f"; extends {checked.row}" if checked.row else ""))
    refresh_dates(record, pack, filing.filing_type)
    db.session.commit()
    return event


def decision_with_conditions(record: FilingRecord) -> FilingEvent:
    decision = db.session.scalar(select(FilingEvent).where(FilingEvent.filing_id == record.id,
                                                           FilingEvent.kind == "decision"))
    if decision is None or decision.outcome != "approval_with_conditions":
        raise AfterFilingRefused("status", "conditions belong to a decision of approval with conditions")
    return decision


def add_condition(record: FilingRecord, user: Principal, title: str, first_due: str, every_months: str | int = 0,
                  until: str = "") -> FilingCondition:
    """A condition of the approval with its reporting schedule: one date, or every `every_months`
    months from `first_due` until `until`."""
    decision = decision_with_conditions(record)
    title = title.strip()
    if not title or len(title) > MAX_TITLE or not title.isprintable():
        raise AfterFilingRefused("title", f"'title': write the condition (at most {MAX_TITLE} characters, one line)")
    first = parse_date(first_due, "first_due")
    try:
        every = int(every_months or 0)
    except ValueError:
        raise AfterFilingRefused("every_months", "'every_months' must be a whole number of months (0: once)") from None
    if not 0 <= every <= 120:
        raise AfterFilingRefused("every_months", "'every_months' must be between 0 (once) and 120")
    end = parse_date(until, "until") if str(until or "").strip() else None
    if end is not None and (every == 0 or end < first):
        raise AfterFilingRefused("until", "'until' is for a recurring condition, on or after its first date")
    if first < decision.date:
        raise AfterFilingRefused("first_due", f"the first reporting date cannot be before the decision, {decision.date}")
    condition = FilingCondition(filing_id=record.id, decision_id=decision.id, title=title, first_due=first,
                                every_months=every, until=end, created_by=user.email)
    db.session.add(condition)
    db.session.flush()
    schedule = f"every {every} months from {first}" + (f" until {end}" if end else "") if every else f"on {first}"
    filings.audit(record, user, "condition_added", f"{title}: reported {schedule}")
    filing, _ = filings.current_filing(record)
    refresh_dates(record, pack_for(filing), filing.filing_type)
    db.session.commit()
    return condition


def condition_met(record: FilingRecord, user: Principal, condition: FilingCondition, evidence: Upload | None) -> None:
    """Mark a condition met with its evidence (a PDF); its dates leave the dashboard and feeds."""
    if condition.met_at is not None:
        raise AfterFilingRefused("condition", "this condition is already marked met")
    name, digest = clean_pdf(evidence, "evidence")
    condition.met_at, condition.met_by, condition.evidence_sha256, condition.evidence_name = \
        utcnow(), user.email, digest, name
    filings.audit(record, user, "condition_met", f"{condition.title}; evidence {name}")
    filing, _ = filings.current_filing(record)
    refresh_dates(record, pack_for(filing), filing.filing_type)
    db.session.commit()


def condition_rows(filing_id: int, conditions: list[FilingCondition]) -> list[dict]:
    return [{"filing_id": filing_id, "row": f"condition_{c.id}_{n}", "kind": "condition", "date": day,
             "label": f"Condition report: {c.title}"[:300], "note": "", "citation": "", "basis": "due"}
            for c in conditions if c.met_at is None
            for n, day in enumerate(postfiling.schedule(c.first_due, c.every_months, c.until))]


def refresh_dates(record: FilingRecord, pack: Pack, filing_type: str) -> None:
    """Replace the filing's post-filing dates (planned from the planned filing date before) by the
    after-filing clock and the unmet conditions' reporting dates (in the caller's transaction)."""
    db.session.flush()
    db.session.execute(delete(FilingDate).where(FilingDate.filing_id == record.id, FilingDate.kind.in_(AFTER_KINDS)))
    rows = [{"filing_id": record.id, "row": d.id[:60], "kind": "after", "date": d.date, "label": d.label[:300],
             "note": d.note[:300], "citation": d.citation[:300], "basis": d.basis}
            for d in clock_of(record, pack, filing_type)]
    rows += condition_rows(record.id, conditions_of(record.id))
    if rows:
        db.session.execute(insert(FilingDate), rows)


def stored_bytes(digest: str | None) -> bytes | None:
    return db.session.scalar(select(ExhibitFile.data).where(ExhibitFile.sha256 == digest)) if digest else None
