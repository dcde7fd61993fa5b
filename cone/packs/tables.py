"""Worksheet tables: a pack's table definition with its rows resolved, and its computed cells.

An entered cell holds what the filing holds; a computed row or column adds its `plus` cells and
subtracts its `minus` cells (blank when every part is blank), so the totals are never typed.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .models import TableDef, TableLine, VocabItem

Cells = Mapping[str, Mapping[str, Decimal]]     # row id -> column id -> amount, as the filing holds it


@dataclass(frozen=True)
class Table:
    definition: TableDef
    rows: tuple[TableLine, ...]
    columns: tuple[TableLine, ...]

    @classmethod
    def build(cls, definition: TableDef, vocab: Mapping[str, Mapping[str, VocabItem]]) -> Table:
        """The table with a vocabulary's items as its first (entered) rows, where it names one."""
        items = vocab.get(definition.rows_from, {}) if definition.rows_from else {}
        rows = tuple(TableLine(id=i.id, label=i.label) for i in items.values()) + tuple(definition.rows)
        return cls(definition, rows, tuple(definition.columns))

    @property
    def id(self) -> str:
        return self.definition.id

    def row(self, row_id: str) -> TableLine:
        return next(r for r in self.rows if r.id == row_id)

    def column(self, column_id: str) -> TableLine:
        return next(c for c in self.columns if c.id == column_id)

    def entered(self) -> Iterator[tuple[TableLine, TableLine]]:
        """The cells a user types: neither their row nor their column is computed."""
        for r in self.rows:
            for c in self.columns:
                if not r.computed and not c.computed:
                    yield r, c

    def cell(self, cells: Cells, row_id: str, column_id: str) -> Decimal | None:
        """A cell's value: entered, or the sum of its parts (a computed row first, then a computed column)."""
        row, column = self.row(row_id), self.column(column_id)
        if row.computed:
            if not column.additive:
                return None
            return _combine([self.cell(cells, p, column_id) for p in row.plus],
                            [self.cell(cells, m, column_id) for m in row.minus])
        if column.computed:
            return _combine([self.cell(cells, row_id, p) for p in column.plus],
                            [self.cell(cells, row_id, m) for m in column.minus])
        return cells.get(row_id, {}).get(column_id)

    def grid(self, cells: Cells) -> list[tuple[TableLine, list[Decimal | None]]]:
        """Every row with its cells in column order, totals computed."""
        return [(r, [self.cell(cells, r.id, c.id) for c in self.columns]) for r in self.rows]

    def problems(self) -> Iterator[tuple[tuple, str]]:
        """References the model cannot check: unknown or circular parts, as (location, message)."""
        for key, lines in (("rows", self.rows), ("columns", self.columns)):
            ids = [line.id for line in lines]
            if len(set(ids)) != len(ids):
                yield (key,), f"table {self.id}: {key} ids must be unique"
            known = set(ids)
            for line in lines:
                for part in line.plus + line.minus:
                    if part not in known:
                        yield (key,), f"table {self.id}: {line.id} adds up unknown {key[:-1]} '{part}'"
                if _circular(line.id, {x.id: x for x in lines}):
                    yield (key,), f"table {self.id}: {line.id} is part of its own total"


def _circular(start: str, lines: Mapping[str, TableLine]) -> bool:
    seen: set[str] = set()
    todo = [p for p in lines[start].plus + lines[start].minus]
    while todo:
        part = todo.pop()
        if part == start:
            return True
        if part in seen or part not in lines:
            continue
        seen.add(part)
        todo.extend(lines[part].plus + lines[part].minus)
    return False


def _combine(plus: list[Decimal | None], minus: list[Decimal | None]) -> Decimal | None:
    if all(v is None for v in plus + minus):
        return None
    return sum((v for v in plus if v is not None), Decimal(0)) - sum((v for v in minus if v is not None), Decimal(0))
