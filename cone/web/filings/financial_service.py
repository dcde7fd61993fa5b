"""State changes of the financial worksheet: one table's entries, or the whole worksheet from a workbook."""
from __future__ import annotations

from ...documents.worksheet import read_workbook
from ...filing.models import Filing, Financial
from ...packs.pack import Pack
from ..models import FilingRecord, Principal
from .service import save_version


def with_financial(filing: Filing, financial: Financial) -> Filing:
    """The filing with its financial answers replaced (None when nothing is left in them)."""
    empty = financial == Financial()
    return filing.model_copy(update={"financial": None if empty else financial})


def save_table(record: FilingRecord, filing: Filing, table_id: str, cells: dict, user: Principal, base: int) -> bool:
    """Store one table's entries as the next version (Conflict / NotEditable as save_version)."""
    current = filing.financial or Financial()
    updated = with_financial(filing, current.model_copy(update={table_id: cells}))
    return save_version(record, updated, user, base, note="Financial worksheet")


def import_workbook(record: FilingRecord, filing: Filing, pack: Pack, data: bytes, user: Principal, base: int) -> bool:
    """Replace the worksheet with a workbook's numbers (WorkbookError, and nothing saved, on a bad cell)."""
    financial = read_workbook(data, pack)
    return save_version(record, with_financial(filing, financial), user, base, note="Financial worksheet imported")
