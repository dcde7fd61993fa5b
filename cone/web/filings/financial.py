"""The financial worksheet pages: a table form per worksheet table, and the workbook's download and upload."""
from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from ...documents.worksheet import WorkbookError, parse_amount, write_workbook
from ...filing.models import Filing
from ...packs.pack import Pack
from ...packs.tables import Table
from ..access import current_record, permission
from ..models import FilingRecord, FilingVersion
from .blueprint import bp
from .financial_service import import_workbook, save_table
from .pages import filing_context, page_context
from .service import Conflict, NotEditable, ensure_editable
from .workflow import STATUS_LABELS

MAX_WORKBOOK_BYTES = 2 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_name(year: str | None, row: str, column: str) -> str:
    return ".".join(p for p in (year, row, column) if p)


def _blocks(table: Table, held: dict) -> list[dict]:
    """The table's blocks (one per year, or one) with each cell's form name and shown value."""
    out = []
    for year in table.definition.years or [None]:
        cells = held.get(year.id, {}) if year else held
        out.append({"year": year, "rows": [
            {"line": row, "cells": [{"column": c, "name": cell_name(year and year.id, row.id, c.id), "value": v,
                                     "entered": not row.computed and not c.computed}
                                    for c, v in zip(table.columns, values)]}
            for row, values in table.grid(cells)]})
    return out


def _render(record: FilingRecord, filing: Filing, pack: Pack, version: FilingVersion, table: Table, held: dict,
            errors: dict[str, str], typed: dict[str, str], base: int, status: int = 200):
    return render_template("filings/financial.html", **page_context(record, filing, pack, version), table=table,
                           tables=list(pack.tables.values()), blocks=_blocks(table, held), errors=errors, typed=typed,
                           base=base, cell_name=cell_name, max_workbook_mb=MAX_WORKBOOK_BYTES // (1024 * 1024)), status


def _base() -> int:
    """The version the form was loaded at (its save must land right after it)."""
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400, "The form is missing its version number; reload the page.")


def _table(pack: Pack, table_id: str) -> Table:
    if table_id not in pack.tables:
        abort(404)
    return pack.tables[table_id]


@bp.get("/<int:filing_id>/financial/<table_id>")
@permission("view", obj="filing")
def financial_table(filing_id: int, table_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    table = _table(pack, table_id)
    held = getattr(filing.financial, table.id) if filing.financial else {}
    return _render(record, filing, pack, version, table, held, {}, {}, record.version)


def _read_form(table: Table) -> tuple[dict, dict[str, str], dict[str, str]]:
    """The entered cells of the posted form, the messages of bad ones by cell name, and what was typed."""
    held: dict = {}
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    for year in table.definition.years or [None]:
        for row, column in table.entered():
            name = cell_name(year and year.id, row.id, column.id)
            raw = request.form.get(name, "").strip()
            typed[name] = raw
            if not raw:
                continue
            try:
                value = parse_amount(raw)
            except ValueError as exc:
                errors[name] = f"{row.label}, {column.label}" + (f" ({year.label})" if year else "") + f": {exc}"
                continue
            block = held.setdefault(year.id, {}) if year else held
            block.setdefault(row.id, {})[column.id] = value
    return held, errors, typed


@bp.post("/<int:filing_id>/financial/<table_id>")
@permission("edit", obj="filing")
def save_financial_table(filing_id: int, table_id: str):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    table = _table(pack, table_id)
    base = _base()
    held, errors, typed = _read_form(table)
    if errors:
        return _render(record, filing, pack, version, table, held, errors, typed, base, status=422)
    try:
        save_table(record, filing, table.id, held, g.user, base)
    except NotEditable as exc:
        abort(409, f"This filing is {STATUS_LABELS[exc.status].lower()}; it cannot be changed now.")
    except Conflict:
        flash("Someone else saved this filing while you were editing: nothing was saved. Your numbers are below; save again to keep them.")
        return _render(record, filing, pack, version, table, held, {}, typed, record.version, status=409)
    flash(f"{table.definition.title}: saved.")
    return redirect(url_for("filings.financial_table", filing_id=record.id, table_id=table.id))


@bp.get("/<int:filing_id>/financial.xlsx")
@permission("view", obj="filing")
def financial_workbook(filing_id: int):  # noqa: ANN201
    filing, pack, _ = filing_context(current_record())
    return Response(write_workbook(filing.financial, pack), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=filing-{filing_id}-financial.xlsx"})


@bp.post("/<int:filing_id>/financial/import")
@permission("edit", obj="filing")
def import_financial_workbook(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, version = filing_context(record)
    table = next(iter(pack.tables.values()))
    back = url_for("filings.financial_table", filing_id=record.id, table_id=request.form.get("table", table.id))
    upload = request.files.get("workbook")
    data = upload.read(MAX_WORKBOOK_BYTES + 1) if upload else b""
    problem = None
    if not upload or not upload.filename:
        problem = "Choose the .xlsx workbook to import."
    elif not upload.filename.lower().endswith(".xlsx") or not data.startswith(b"PK"):
        problem = "The workbook must be an .xlsx file (Excel 2007 or later), as exported here."
    elif len(data) > MAX_WORKBOOK_BYTES:
        problem = f"The workbook is larger than {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB: it is not this worksheet."
    base = _base()
    if problem is None:
        try:
            ensure_editable(record)
            import_workbook(record, filing, pack, data, g.user, base)
        except NotEditable as exc:
            abort(409, f"This filing is {STATUS_LABELS[exc.status].lower()}; it cannot be changed now.")
        except WorkbookError as exc:
            return render_template("filings/financial_import.html", **page_context(record, filing, pack, version),
                                   problems=exc.problems, back=back), 422
        except Conflict:
            problem = "Someone else saved this filing meanwhile: nothing was imported. Import the workbook again."
        else:
            flash("The workbook's numbers are imported.")
            return redirect(back)
    return render_template("filings/financial_import.html", **page_context(record, filing, pack, version),
                           problems=[], message=problem, back=back), 422
