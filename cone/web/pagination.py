"""Pages of a query's rows: a count and one page by LIMIT/OFFSET, two statements whatever the
number of rows."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import Select, func, select

from .extensions import db

PER_PAGE = 25
MAX_PER_PAGE = 100


class BadListArgument(Exception):
    """A list's query argument that cannot be used; names the argument."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def positive(args: Mapping[str, str], name: str, default: int, maximum: int | None = None) -> int:
    """A positive whole number from the query string; BadListArgument naming it otherwise."""
    raw = args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum) or len(raw) > 9:
        limit = f" up to {maximum}" if maximum is not None else ""
        raise BadListArgument(name, f"'{name}' must be a whole number from 1{limit}")
    return int(raw)


def page_args(args: Mapping[str, str]) -> tuple[int, int]:
    """The `page` and `per_page` arguments."""
    return positive(args, "page", 1), positive(args, "per_page", PER_PAGE, MAX_PER_PAGE)


def paginate(query: Select, number: int, per_page: int) -> Page:
    """One page of `query`'s rows (it must be ordered) and the number of all its rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(rows, number, per_page, total or 0)
