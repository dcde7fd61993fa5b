"""Pages of a query's rows: a count and one page by LIMIT/OFFSET, two statements whatever the
number of rows."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from flask import abort, request
from sqlalchemy import Select, func

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
    total: int | None         # None: not counted (a list too long to count on every request)
    more: bool = False        # (when not counted) whether a next page has rows

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.total is None else self.number < self.pages


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


def requested_page() -> tuple[int, int]:
    """The page the request asks for; 400 naming the argument when it cannot be used."""
    try:
        return page_args(request.args)
    except BadListArgument as exc:
        abort(400, exc.message)


COUNT = "count"


def paginate(query: Select, number: int, per_page: int, total: int | Select | str | None = COUNT) -> Page:
    """One page of `query`'s rows (it must be ordered, and not grouped) and the number of all its
    rows: `total` when the caller knows it, counted by the `total` statement, by default over
    the query's own FROM and WHERE, or (None) not counted, fetching one row more to tell
    whether there is a next page."""
    offset = (number - 1) * per_page
    if total is None:
        rows = db.session.execute(query.limit(per_page + 1).offset(offset)).all()
        return Page(rows[:per_page], number, per_page, None, len(rows) > per_page)
    if total == COUNT:
        total = query.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    if isinstance(total, Select):
        total = db.session.scalar(total) or 0
    rows = db.session.execute(query.limit(per_page).offset(offset)).all()
    return Page(rows, number, per_page, int(total))
