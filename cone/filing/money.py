"""Dollar amounts as a notice or form prints them: $10,000 and $10,000.50.

A two-line formatter rather than babel: US notices always use this one format, and
`cone notice` must start fast.
"""
from __future__ import annotations

from decimal import Decimal


def format_money(amount: Decimal | int) -> str:
    """Thousands separators; cents only when there are cents."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def money_number(amount: Decimal) -> int | float:
    """An amount as a JSON number: whole dollars as an integer; exact for whole cents under 10^12."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)
