"""The kinds of answer a pack's question may have, each declared once: the filing values it holds,
how a form reads it from text and shows it again, its widget, and how it prints.

The loader checks every `fields.yaml` type against the filing model at that path (`holds`);
the web forms use `read`, `show` and the widget attributes; the PDF and check-your-answers
page use `printed`. A hint names the expected shape; `{example}` in it is the pack's example
value for that type (`ui.yaml`), or the type's own when it is the same in every state.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel

from ..filing.dates import DATE_EXAMPLES, long_date, parse_date
from ..filing.money import format_money

Widget = Literal["input", "textarea", "lines", "select", "checkboxes", "group"]
Labels = Callable[[str], str]      # a vocabulary code -> its label


@dataclass(frozen=True)
class FieldType:
    name: str
    holds: type                      # what the filing model holds at the field's path
    many: bool                       # a list of `holds`
    widget: Widget
    read: Callable[[Any, Any], Any]  # form value (and its vocabulary: allowed codes) -> document value
    show: Callable[[Any], Any]                           # document value -> form value
    printed: Callable[[Any, Labels], str]                # non-blank document value -> printed text
    hint: str | None = None          # the message for a value of the wrong shape
    example: str | None = None       # None: the pack's ui.yaml gives it (it differs by state)
    input_type: str = "text"
    inputmode: str | None = None
    narrow: bool = False
    prefix: str | None = None
    placeholder: str | None = None
    suggests_towns: bool = False     # offers the pack's towns as the user types
    vocabulary: str | None = None    # the pack vocabulary `read` is given when the question names none
    notes_change: bool = False       # the form says so when `read` changed what was typed (a state name -> its code)

    def message(self, examples: dict[str, str]) -> str:
        """The hint with the example for this type filled in."""
        assert self.hint is not None
        return self.hint.format(example=examples.get(self.name, self.example))


def _text(raw: Any) -> str:
    return str(raw).strip()


def _read_text(raw: Any, _: Collection[str] | None) -> str | None:
    return _text(raw) or None


def _read_state(raw: Any, states: Mapping[str, Any] | None) -> str | None:
    """A two-letter code, or a state's name as the pack's `states` vocabulary spells it, as its code."""
    text = _text(raw)
    names = {item.label.casefold(): code for code, item in (states or {}).items()}
    return names.get(" ".join(text.split()).casefold(), text.upper()) or None


def _read_zip(raw: Any, _: Collection[str] | None) -> str | None:
    """A ZIP code; four digits (a spreadsheet dropped the leading zero) get it back."""
    text = _text(raw)
    return "0" + text if re.fullmatch(r"\d{4}(-\d{4})?", text) else text or None


def _read_choice(raw: Any, allowed: Collection[str] | None) -> str | None:
    text = _text(raw)
    if text and allowed is not None and text not in allowed:
        raise ValueError("Choose one of the options shown")
    return text or None


def _read_choices(raw: Any, allowed: Collection[str] | None) -> list[str]:
    codes = [c for c in raw if c]
    if allowed is not None and any(c not in allowed for c in codes):
        raise ValueError("Choose from the options shown")
    return codes


def _read_date(raw: Any, _: Collection[str] | None) -> dt.date | None:
    text = _text(raw)
    return parse_date(text) if text else None


def _read_dates(raw: Any, _: Collection[str] | None) -> list[dt.date]:
    """One date per line, in any shape `parse_date` reads; an error names the line at fault."""
    lines = [line.strip() for line in _text(raw).splitlines() if line.strip()]
    dates = []
    for number, line in enumerate(lines, 1):
        try:
            dates.append(parse_date(line))
        except ValueError as exc:
            raise ValueError(f"Line {number} of {len(lines)}: {exc}") from None
    return dates


def _decimal_reader(hint: str) -> Callable[[Any, Collection[str] | None], Decimal | None]:
    def read(raw: Any, _: Collection[str] | None) -> Decimal | None:
        text = _text(raw)
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", "").removeprefix("$").strip())
        except InvalidOperation:
            raise ValueError(hint) from None
        if not number.is_finite():
            raise ValueError(hint)
        return number
    return read


def _read_integer(raw: Any, _: Collection[str] | None) -> int | None:
    text = _text(raw)
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise ValueError(TYPES["integer"].message({}))
    return int(text)


def _show(raw: Any) -> str:
    if raw is None or raw == "":
        return ""
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float):
        return f"{raw:g}"
    if isinstance(raw, Decimal):
        return f"{raw:f}"
    return str(raw)


def _show_list(raw: Any) -> list[str]:
    return list(raw or [])


def _read_text_lines(raw: Any, _: Collection[str] | None) -> list[str]:
    return [line.strip() for line in _text(raw).splitlines() if line.strip()]


def _show_lines(raw: Any) -> str:
    return "\n".join(raw or [])


def _show_dates(raw: Any) -> str:
    return "\n".join(d.isoformat() for d in raw or [])


def _number(value: Any) -> str:
    """Every digit the filing holds, with thousands separators (a whole number without ".0")."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def _plain(value: Any, _: Labels) -> str:
    return str(value)


def _never(*_: Any) -> Any:
    raise TypeError("a group is read, shown and printed item by item, through its item fields")


def _text_type(name: str, widget: Widget = "input", **options: Any) -> FieldType:
    return FieldType(name, str, False, widget, options.pop("read", _read_text), _show, _plain, **options)


_MONEY_HINT = "Enter an amount in dollars, like {example}"
_NUMBER_HINT = "Enter a number, like {example}"

TYPES: dict[str, FieldType] = {t.name: t for t in (
    _text_type("text"),
    _text_type("textarea", "textarea"),
    _text_type("email", hint="Enter an e-mail address, like {example}", example="name@example.org", input_type="email"),
    _text_type("phone", hint="Enter a telephone number, like {example}", input_type="tel", narrow=True),
    _text_type("zip", hint="Enter a 5-digit ZIP code, like {example}", read=_read_zip, inputmode="numeric",
               narrow=True, notes_change=True),
    _text_type("state", hint="Enter a two-letter state code, like {example}", read=_read_state, narrow=True,
               vocabulary="states", notes_change=True),
    _text_type("town", suggests_towns=True),
    FieldType("money", Decimal, False, "input", _decimal_reader(_MONEY_HINT.format(example="10000 or 10000.50")),
              _show, lambda v, _: format_money(v), hint=_MONEY_HINT, example="10000 or 10000.50",
              inputmode="decimal", narrow=True, prefix="$"),
    FieldType("integer", int, False, "input", _read_integer, _show, lambda v, _: _number(v),
              hint="Enter a whole number, like {example}", example="12", inputmode="numeric", narrow=True),
    FieldType("number", float, False, "input", _decimal_reader(_NUMBER_HINT.format(example="3 or 2.5")),
              _show, lambda v, _: _number(v), hint=_NUMBER_HINT, example="3 or 2.5", inputmode="decimal", narrow=True),
    FieldType("date", dt.date, False, "input", _read_date, _show, lambda v, _: long_date(v),
              hint="Enter a date like {example}", example=DATE_EXAMPLES, input_type="date", narrow=True),
    FieldType("date_list", dt.date, True, "lines", _read_dates, _show_dates,
              lambda v, _: "; ".join(long_date(d) for d in v), hint="Enter each date on its own line, like {example}",
              example=DATE_EXAMPLES),
    FieldType("text_list", str, True, "lines", _read_text_lines, _show_lines, lambda v, _: "; ".join(v)),
    FieldType("choice", str, False, "select", _read_choice, _show, lambda v, label: label(v)),
    FieldType("multichoice", str, True, "checkboxes", _read_choices, _show_list,
              lambda v, label: "; ".join(label(c) for c in v)),
    FieldType("group", BaseModel, True, "group", _never, _never, _never),
)}


def holds_description(t: FieldType) -> str:
    """What a type holds, in words, for the loader's error message."""
    return ("a list of " if t.many else "") + HOLDS_WORDS.get(t.holds, t.holds.__name__)


HOLDS_WORDS: dict[type, str] = {str: "text", Decimal: "an amount of money", int: "a whole number",
                                float: "a number", dt.date: "a date", BaseModel: "items with fields of their own"}
