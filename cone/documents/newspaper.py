"""The newspaper's copy of the public notice: the notice under an optional heading as text and
as a Word document, and the facts of the insertion request to the legal-advertising desk,
all from the filing's answers and the pack's wording (gaps bracketed, as in the notice)."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..filing.dates import long_date
from ..filing.models import Filing
from ..filing.paths import is_blank
from ..packs.pack import Pack
from .notice import Notice, fill, plain, render_notice

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
FONT = "Times New Roman"      # the Word copy's face; the newspaper sets the notice in its own


@dataclass(frozen=True)
class InsertionRequest:
    """What the one-page request to the newspaper says, in print order."""

    title: str
    heading: str | None          # the heading over the notice, when asked for
    notice: Notice
    newspaper: str               # whom the request is to
    sender: str                  # who asks: the applicant and its contact
    request: str                 # run the notice on these dates
    run_dates: tuple[str, ...]   # each day, e.g. "Monday, June 2, 2025"
    affidavit: str               # send the affidavit of publication
    billing: str                 # the heading over whom to invoice
    bill_to: tuple[str, ...]     # lines of the invoice address and contact
    missing: tuple[str, ...]     # labels of the answers the request lacks, the notice's included


def heading_for(pack: Pack, wanted: bool) -> str | None:
    """The pack's heading over a legal notice when the user asks for it."""
    return pack.notice.newspaper.heading if wanted else None


def headed_text(notice: Notice, heading: str | None) -> str:
    """The notice as plain text, under the heading when there is one."""
    return f"{heading}\n\n{notice.text}\n" if heading else notice.text + "\n"


def notice_docx(notice: Notice, heading: str | None, *, title: str, author: str) -> bytes:
    """The notice as a Word document: the heading centred in bold over one paragraph."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    document.core_properties.title = title
    document.core_properties.author = author
    if heading:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(heading).bold = True
    document.add_paragraph(notice.text).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def date_phrase(days: list[dt.date]) -> str:
    """Run dates as one phrase: "June 2, June 3 and June 4, 2025" within a year, else in full."""
    if not days:
        return ""
    if len({d.year for d in days}) == 1:
        names = [f"{d:%B} {d.day}" for d in days]
        head = ", ".join(names[:-1])
        return f"{head} and {names[-1]}, {days[0].year}" if head else f"{names[0]}, {days[0].year}"
    full = [long_date(d) for d in days]
    return "; ".join(full[:-1]) + " and " + full[-1]


def insertion_request(filing: Filing, pack: Pack, *, heading: bool) -> InsertionRequest:
    """The request to the newspaper from the filing's answers: its name and run dates, the
    notice, and the applicant's mailing address and contact as whom to invoice."""
    spec = pack.notice.newspaper.insertion
    notice = render_notice(filing, pack)
    missing = [pack.label(path) for path in notice.missing]

    def answer(path: str, value: object) -> str:
        if is_blank(value):
            missing.append(pack.label(path))
            return f"[{pack.label(path)}]"
        return str(value)

    days = sorted(filing.publication.dates)
    values = {"newspaper": answer("publication.newspaper", filing.publication.newspaper),
              "dates": answer("publication.dates", date_phrase(days)),
              "count": NUMBER_WORDS[len(days)] if len(days) < len(NUMBER_WORDS) else str(len(days)),
              "applicant": answer("applicant.legal_name", filing.applicant.legal_name)}

    def sentence(template: str) -> str:
        return fill(template, lambda name: plain(values[name]))[0]

    address, contact = filing.applicant.mailing_address, filing.applicant.contact
    town_line = " ".join(p for p in (f"{address.town}," if address.town else None, address.state, address.zip) if p)
    person = ", ".join(p for p in (contact.name, contact.title) if p)
    bill_to = tuple(line for line in (values["applicant"], address.street, town_line, person, contact.email,
                                      contact.phone) if line)
    return InsertionRequest(title=sentence(spec.title), heading=heading_for(pack, heading), notice=notice,
                            newspaper=values["newspaper"], sender=", ".join(p for p in (values["applicant"], person) if p),
                            request=sentence(spec.request), run_dates=tuple(f"{d:%A}, {long_date(d)}" for d in days),
                            affidavit=sentence(spec.affidavit), billing=sentence(spec.billing), bill_to=bill_to,
                            missing=tuple(dict.fromkeys(missing)))
