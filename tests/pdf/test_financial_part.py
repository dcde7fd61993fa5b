"""The packet's financial part: the worksheet tables printed with their totals, on landscape pages,
only when the filing has financial answers."""
from __future__ import annotations

import io

from pypdf import PdfReader

from cone.pdf import render_packet

from .conftest import PACK, example, filing, page_texts


def with_financials() -> dict:
    data = example()
    data["financial"] = {
        "capital_cost": {"medical_equipment": {"amount": 6000}, "non_medical_equipment": {"amount": 4000},
                         "space_fair_market_value": {"amount": 48000}},
        "attachment_two": {"y1": {"medicare": {"gross_revenue": 120000, "allowances": 40000, "operating_expense": 60000},
                                  "medicaid": {"gross_revenue": 150000, "allowances": 50000}}},
        "funding_sources": [{"source": "Cash on hand", "amount": 10000}]}
    return data


def test_the_financial_part_prints_each_table_with_its_computed_totals_on_landscape_pages():
    data = render_packet(filing(with_financials()), PACK)
    texts = page_texts(data)
    pages = [i for i, t in enumerate(texts) if "Capital expenditure and cost" in t and "Total project cost" in t]
    assert pages, "the capital-cost table is printed"
    text = "\n".join(texts)
    assert "58,000" in text                            # total project cost: 10,000 purchases + 48,000 of space
    assert "Year 1" in text and "180,000" in text      # Attachment II: total all payers' net revenue
    assert "Cash on hand" in text and "$10,000" in text
    assert "Financial Attachment I:" not in text       # a table with no entries is left out
    box = PdfReader(io.BytesIO(data)).pages[pages[0]].mediabox
    assert box.width > box.height


def test_a_filing_without_financial_answers_has_no_financial_part(draft):
    assert not any("Financial information" in t and "Capital expenditure and cost" in t for t in page_texts(draft))
