"""The financial worksheet as an .xlsx workbook laid out like the agency's, and read back from one.

One sheet per pack table (a block per year where the table has years) and one for the funding
sources. Totals are Excel formulas, so the workbook adds up as the finance team types; reading it
back takes only the entered cells, checks that every row and column is where it was exported,
and reports each bad cell by sheet and cell, keeping nothing when any cell is bad.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import TypeAdapter, ValidationError

from ..filing.models import Amount, Financial, FundingSource, Money
from ..packs.pack import Pack
from ..packs.tables import Cells, Table

MAX_UNPACKED_BYTES = 20 * 1024 * 1024    # a workbook of these sheets unpacks to well under 1 MB
MAX_FUNDING_ROWS = 50
FIRST_ROW = 4                            # title, citation, provenance note, then the header row
AMOUNT_FORMAT = "#,##0.00;-#,##0.00"
_AMOUNT = TypeAdapter(Amount)
_MONEY = TypeAdapter(Money)
_BOLD = Font(bold=True)
_TOTAL_FILL = PatternFill("solid", fgColor="EEEEEE")
FUNDING_HEADINGS = ("Source", "Amount", "Terms")


@dataclass(frozen=True)
class BadCell:
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.message}"


class WorkbookError(Exception):
    """A workbook that cannot be read back: every bad cell, by sheet and cell."""

    def __init__(self, problems: list[BadCell]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _blocks(table: Table) -> list[tuple[str | None, str | None]]:
    """(year id, year label) per block of the table's sheet; one block (None, None) without years."""
    return [(y.id, y.label) for y in table.definition.years] or [(None, None)]


def _block_height(table: Table) -> int:
    return len(table.rows) + 3        # year heading, column header, rows, a blank line


def _layout(table: Table) -> Iterator[tuple[str | None, int]]:
    """(year id, the sheet row of the block's column header) for each block."""
    for i, (year, _) in enumerate(_blocks(table)):
        yield year, FIRST_ROW + i * _block_height(table) + (1 if year else 0)


def _cells_of(financial: Financial | None, table: Table, year: str | None) -> Cells:
    held: Mapping[str, Any] = getattr(financial, table.id, {}) if financial else {}
    return held.get(year, {}) if year else held


def write_workbook(financial: Financial | None, pack: Pack) -> bytes:
    """The workbook of the filing's financial answers (empty cells where none), as .xlsx bytes."""
    book = Workbook()
    book.remove(book.active)
    for table in pack.tables.values():
        sheet = book.create_sheet(table.definition.sheet)
        d = table.definition
        sheet["A1"], sheet["A2"] = d.title, d.citation
        sheet["A1"].font = Font(bold=True, size=13)
        if d.status == "unverified":
            sheet["A3"] = f"Layout unverified: {d.source or pack.financials.source} (as of {d.as_of.isoformat()})."
        sheet.column_dimensions["A"].width = 44
        for j in range(len(table.columns)):
            sheet.column_dimensions[get_column_letter(j + 2)].width = 16
        for (year, label), (_, header) in zip(_blocks(table), _layout(table)):
            _write_block(sheet, table, _cells_of(financial, table, year), header, label)
        sheet.freeze_panes = sheet.cell(FIRST_ROW + (1 if d.years else 0) + 1, 2)
    _write_funding(book, financial, pack)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_block(sheet: Any, table: Table, cells: Cells, header: int, year_label: str | None) -> None:
    if year_label:
        sheet.cell(header - 1, 1, year_label).font = _BOLD
    for j, column in enumerate(table.columns, start=2):
        cell = sheet.cell(header, j, column.label)
        cell.font, cell.alignment = _BOLD, Alignment(wrap_text=True, horizontal="center")
    where = {r.id: header + 1 + i for i, r in enumerate(table.rows)}
    letter = {c.id: get_column_letter(j) for j, c in enumerate(table.columns, start=2)}
    for row in table.rows:
        r = where[row.id]
        sheet.cell(r, 1, row.label).font = _BOLD if row.computed else Font()
        for column in table.columns:
            cell = sheet[f"{letter[column.id]}{r}"]
            cell.number_format = AMOUNT_FORMAT
            if row.computed and column.additive:
                cell.value = _formula([f"{letter[column.id]}{where[p]}" for p in row.plus],
                                      [f"{letter[column.id]}{where[m]}" for m in row.minus])
            elif column.computed and not row.computed:
                cell.value = _formula([f"{letter[p]}{r}" for p in column.plus], [f"{letter[m]}{r}" for m in column.minus])
            elif not row.computed:
                value = cells.get(row.id, {}).get(column.id)
                cell.value = None if value is None else (int(value) if value == int(value) else float(value))
                continue
            cell.fill = _TOTAL_FILL


def _formula(plus: list[str], minus: list[str]) -> str:
    return "=" + "+".join(plus or ["0"]) + "".join(f"-{m}" for m in minus)


def _write_funding(book: Workbook, financial: Financial | None, pack: Pack) -> None:
    sheet = book.create_sheet(pack.financials.funding_title[:31])
    sheet["A1"] = pack.financials.funding_title
    sheet["A1"].font = Font(bold=True, size=13)
    if pack.financials.funding_intro:
        sheet["A2"] = pack.financials.funding_intro
    for j, heading in enumerate(FUNDING_HEADINGS, start=1):
        sheet.cell(FIRST_ROW, j, heading).font = _BOLD
    for width, letter in ((40, "A"), (16, "B"), (50, "C")):
        sheet.column_dimensions[letter].width = width
    for i, source in enumerate(financial.funding_sources if financial else [], start=FIRST_ROW + 1):
        sheet.cell(i, 1, source.source)
        sheet.cell(i, 2, None if source.amount is None else float(source.amount)).number_format = AMOUNT_FORMAT
        sheet.cell(i, 3, source.terms)


def read_workbook(data: bytes, pack: Pack) -> Financial:
    """The financial answers of a workbook exported by `write_workbook` (and edited), or WorkbookError."""
    book = _open(data)
    problems: list[BadCell] = []
    found: dict[str, Any] = {}
    for table in pack.tables.values():
        name = table.definition.sheet
        if name not in book.sheetnames:
            problems.append(BadCell(name, "A1", "this sheet is missing: export the workbook again and keep its sheets"))
            continue
        grid = _grid(book[name], FIRST_ROW + len(_blocks(table)) * _block_height(table), len(table.columns) + 1)
        blocks = {}
        for year, header in _layout(table):
            blocks[year] = _read_block(grid, name, table, header, problems)
        found[table.id] = {y: c for y, c in blocks.items() if c} if table.definition.years else blocks[None]
    funding = _read_funding(book, pack, problems)
    if problems:
        raise WorkbookError(problems)
    return Financial(**found, funding_sources=funding)


def _open(data: bytes) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise WorkbookError([BadCell("workbook", "-", "it unpacks to more than "
                                             f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB: it is not this worksheet")])
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise WorkbookError([BadCell("workbook", "-", "this is not an .xlsx workbook (Excel 2007 or later)")]) from exc


def _grid(sheet: Any, rows: int, columns: int) -> list[list[Any]]:
    """The sheet's values up to `rows` x `columns`, padded with None."""
    grid = [list(r) + [None] * (columns - len(r))
            for r in sheet.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True)]
    return grid + [[None] * columns for _ in range(rows - len(grid))]


def _read_block(grid: list[list[Any]], name: str, table: Table, header: int, problems: list[BadCell]) -> dict:
    for j, column in enumerate(table.columns, start=2):
        if _label(grid[header - 1][j - 1]) != column.label:
            problems.append(BadCell(name, f"{get_column_letter(j)}{header}",
                                    f"expected the column heading '{column.label}': keep the columns as exported"))
    cells: dict[str, dict[str, Decimal]] = {}
    for i, row in enumerate(table.rows):
        r = header + 1 + i
        if _label(grid[r - 1][0]) != row.label:
            problems.append(BadCell(name, f"A{r}", f"expected the row '{row.label}': keep the rows as exported"))
            continue
        if row.computed:
            continue
        for j, column in enumerate(table.columns, start=2):
            raw = grid[r - 1][j - 1]
            if column.computed or raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            ref = f"{get_column_letter(j)}{r}"
            try:
                cells.setdefault(row.id, {})[column.id] = parse_amount(raw)
            except ValueError as exc:
                problems.append(BadCell(name, ref, f"{row.label}, {column.label}: {exc}"))
    return cells


def _label(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def parse_amount(raw: Any, adapter: TypeAdapter = _AMOUNT) -> Decimal:
    """A cell's number as whole cents (Excel's binary noise rounded away), or ValueError in words."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ValueError(f"'{raw}' is not a number")
    try:
        number = Decimal(str(raw).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"'{raw}' is not a number")
    cents = number.quantize(Decimal("0.01")) if abs(number) < 10 ** 15 else number
    if isinstance(raw, float) and abs(cents - number) < Decimal("0.000001"):
        number = cents
    try:
        return adapter.validate_python(number)
    except ValidationError as exc:
        raise ValueError(exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")) from None


def _read_funding(book: Any, pack: Pack, problems: list[BadCell]) -> list[FundingSource]:
    name = pack.financials.funding_title[:31]
    if name not in book.sheetnames:
        return []
    grid = _grid(book[name], FIRST_ROW + MAX_FUNDING_ROWS, len(FUNDING_HEADINGS))
    sources = []
    for r in range(FIRST_ROW + 1, FIRST_ROW + MAX_FUNDING_ROWS + 1):
        source, amount, terms = grid[r - 1]
        if all(v is None or not str(v).strip() for v in (source, amount, terms)):
            continue
        value = None
        if amount is not None and str(amount).strip():
            try:
                value = parse_amount(amount, _MONEY)
            except ValueError as exc:
                problems.append(BadCell(name, f"B{r}", f"{FUNDING_HEADINGS[1]}: {exc}"))
                continue
        sources.append(FundingSource(source=_text(source), amount=value, terms=_text(terms)))
    return sources


def _text(value: Any) -> str | None:
    text = _label(value)[:2000]
    return text or None
