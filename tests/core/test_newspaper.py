"""The newspaper's copy of the notice: the heading, the Word document, the insertion request's
facts from the filing (gaps bracketed), and the second pack's own wording."""
from __future__ import annotations

import datetime as dt
import io

import docx

from cone.documents.newspaper import date_phrase, headed_text, heading_for, insertion_request, notice_docx
from cone.documents.notice import render_notice

from .helpers import EXAMPLE_NOTICE, PACK, del_path, example, filing, set_path


def test_the_text_copy_has_the_heading_only_when_asked_for():
    notice = render_notice(filing(example()), PACK)
    assert headed_text(notice, heading_for(PACK, False)) == EXAMPLE_NOTICE.read_text(encoding="utf-8")
    headed = headed_text(notice, heading_for(PACK, True))
    assert headed == "LEGAL NOTICE\n\n" + EXAMPLE_NOTICE.read_text(encoding="utf-8")


def test_the_word_copy_holds_the_notice_under_a_bold_centred_heading():
    notice = render_notice(filing(example()), PACK)
    document = docx.Document(io.BytesIO(notice_docx(notice, "LEGAL NOTICE", title="Public notice", author="Hopewell")))
    heading, body = document.paragraphs
    assert heading.text == "LEGAL NOTICE" and heading.runs[0].bold and heading.alignment == 1   # centre
    assert body.text == notice.text
    assert document.core_properties.title == "Public notice" and document.core_properties.author == "Hopewell"


def test_the_word_copy_without_a_heading_is_the_notice_alone():
    notice = render_notice(filing(example()), PACK)
    document = docx.Document(io.BytesIO(notice_docx(notice, None, title="t", author="a")))
    assert [p.text for p in document.paragraphs] == [notice.text]


def test_run_dates_read_as_one_phrase_within_a_year_and_in_full_across_years():
    d = dt.date
    assert date_phrase([d(2025, 6, 2)]) == "June 2, 2025"
    assert date_phrase([d(2025, 6, 2), d(2025, 6, 3), d(2025, 6, 4)]) == "June 2, June 3 and June 4, 2025"
    assert date_phrase([d(2025, 12, 31), d(2026, 1, 1)]) == "December 31, 2025 and January 1, 2026"
    assert date_phrase([]) == ""


def test_the_insertion_request_takes_its_facts_from_the_filing():
    request = insertion_request(filing(example()), PACK, heading=True)
    assert request.request.startswith("Please publish the legal notice below in The Day on three consecutive days: "
                                      "June 2, June 3 and June 4, 2025.")
    assert request.run_dates == ("Monday, June 2, 2025", "Tuesday, June 3, 2025", "Wednesday, June 4, 2025")
    assert request.bill_to == ("Hopewell Health Solutions, LLC", "248 Flanders Road", "East Lyme, CT 06333",
                               "Jordan Avery, Chief Executive Officer", "jordan.avery@example.org", "860-555-0142")
    assert "affidavit of publication" in request.affidavit and "Hopewell Health Solutions, LLC" in request.affidavit
    assert request.heading == "LEGAL NOTICE" and request.missing == ()
    assert request.notice.text == EXAMPLE_NOTICE.read_text(encoding="utf-8").rstrip("\n")


def test_an_unanswered_newspaper_or_date_is_bracketed_and_listed():
    data = set_path(del_path(example(), "publication.newspaper"), "publication.dates", [])
    request = insertion_request(filing(data), PACK, heading=False)
    assert "in [Newspaper] on no consecutive days: [Publication dates]." in request.request
    assert request.missing == ("Newspaper", "Publication dates") and request.run_dates == ()
    assert request.heading is None

