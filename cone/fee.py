"""The application fee for a capital expenditure, from the pack's fee table."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .filing.money import format_money
from .packs.models import Fees


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    tier: str          # e.g. "over $50,000 to $100,000"
    citation: str


def fee_for(fees: Fees, capital_expenditure: Decimal) -> Fee:
    """The tier that contains the amount: each tier runs from over the previous limit up to its own."""
    lower: Decimal | None = None
    for tier in fees.tiers:
        if tier.up_to is None or capital_expenditure <= tier.up_to:
            if tier.up_to is None:
                label = f"over {format_money(lower)}" if lower is not None else "any amount"
            elif lower is None:
                label = f"up to {format_money(tier.up_to)}"
            else:
                label = f"over {format_money(lower)} to {format_money(tier.up_to)}"
            return Fee(tier.fee, label, fees.citation)
        lower = tier.up_to
    raise AssertionError("fee table has no open-ended last tier")  # the pack model forbids this
