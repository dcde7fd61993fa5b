"""The application fee for the cost of the project, from the pack's fee table."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .filing.models import Filing
from .filing.money import format_money
from .packs.models import Fees


@dataclass(frozen=True)
class Fee:
    amount: Decimal
    tier: str          # e.g. "over $50,000 to $100,000"
    citation: str
    note: str = ""     # the pack's note for an amount exactly at a tier's limit (where other tables differ)


def fee_basis(filing: Filing) -> Decimal | None:
    """The amount the fee is set on: the project's total cost where given, else its capital expenditure."""
    cost = filing.project.total_cost
    return cost if cost is not None else filing.project.capital_expenditure


def fee_for(fees: Fees, amount: Decimal) -> Fee:
    """The tier that contains the amount: each tier runs from over the previous limit up to its own."""
    lower: Decimal | None = None
    for tier in fees.tiers:
        if tier.up_to is None or amount <= tier.up_to:
            if tier.up_to is None:
                label = f"over {format_money(lower)}" if lower is not None else "any amount"
            elif lower is None:
                label = f"up to {format_money(tier.up_to)}"
            else:
                label = f"over {format_money(lower)} to {format_money(tier.up_to)}"
            note = fees.limit_note.format(limit=format_money(amount)) if fees.limit_note and amount == tier.up_to else ""
            return Fee(tier.fee, label, fees.citation, note)
        lower = tier.up_to
    raise AssertionError("fee table has no open-ended last tier")  # the pack model forbids this
