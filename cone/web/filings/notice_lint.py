"""The notice linter's pages: a user pastes a notice drafted elsewhere (or as published) and
sees which required elements it holds, highlighted in the text, and on a filing, where the
notice differs from the filing's facts. Nothing is stored."""
from __future__ import annotations

from flask import render_template, request

from ...documents.notice_lint import lint_notice, pack_for_notice, segments
from ...filing.models import Filing
from ...packs.pack import Pack
from ...rules.checklist import available_states, get_pack
from ..access import current_record, permission
from .blueprint import bp
from .pages import filing_context, title_of

MAX_CHARS = 20_000      # a notice runs to a few hundred words; this leaves room for a whole clipping


def _form_errors(text: str) -> dict[str, str]:
    if not text.strip():
        return {"notice": "Paste the text of the notice"}
    if len(text) > MAX_CHARS:
        return {"notice": f"The notice is too long: paste at most {MAX_CHARS:,} characters (this is {len(text):,})"}
    return {}


def _page(pack: Pack | None, filing: Filing | None, **context) -> tuple[str, int]:
    """The form, and after a POST of a usable notice, the report on it."""
    text = request.form.get("notice", "") if request.method == "POST" else ""
    errors = _form_errors(text) if request.method == "POST" else {}
    report = pieces = None
    if request.method == "POST" and not errors:
        text = text.replace("\r\n", "\n")
        if pack is None:
            pack = pack_for_notice(text, [get_pack(s) for s in available_states()])
        report = lint_notice(text, pack, filing)
        pieces = segments(text, report)
    return render_template("filings/notice_lint.html", text=text, errors=errors, report=report, pieces=pieces,
                           lint_pack=pack, max_chars=MAX_CHARS, **context), (422 if errors else 200)


@bp.route("/notice/lint", methods=["GET", "POST"])
@permission("signed_in")
def lint_notice_page():  # noqa: ANN201
    return _page(None, None, record=None)


@bp.route("/<int:filing_id>/notice/lint", methods=["GET", "POST"])
@permission("view", obj="filing")
def lint_filing_notice(filing_id: int):  # noqa: ANN201
    record = current_record()
    filing, pack, _ = filing_context(record)
    return _page(pack, filing, record=record, filing_title=title_of(filing))
