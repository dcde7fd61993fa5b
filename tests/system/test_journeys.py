"""End-to-end journeys in a real browser: an administrator creates the example filing through the
guided forms (answering every review principle), a legal reviewer comments and requests changes, the administrator resubmits, the
reviewer approves and compliance downloads the final PDF, whose text is checked. Every page is
screenshotted and checked with axe-core (no serious or critical violations); sign-in and two
form sections (text, select and checkbox questions) are done with the keyboard alone."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pikepdf
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from pypdf import PdfReader

from cone.rules.checklist import pack_for
from cone.filing.parser import loads
from cone.filing.paths import get_path

from .browser import ARGS, AXE, CHROMIUM, Auditor
from .conftest import PASSWORD, USERS, complete_example

pytestmark = [pytest.mark.system, pytest.mark.browser]
ADMIN, COMPLIANCE, LEGAL = USERS[0][0], USERS[1][0], USERS[2][0]


def _tiny_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as doc:
        doc.add_blank_page()
        doc.save(out, deterministic_id=True)
    return out.getvalue()


TINY_PDF = _tiny_pdf()        # an exhibit uploaded after approval


@pytest.fixture(scope="module")
def browser():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/bootstrap.sh test")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def audit():
    return Auditor("journey")


def sign_in_by_keyboard(page: Page, base: str, email: str, audit: Auditor) -> None:
    page.goto(base + "/signin")
    audit(page, f"sign in {email}")
    for _ in range(30):                       # Tab to the e-mail field, as a keyboard user would
        if page.evaluate("document.activeElement && document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("the e-mail field cannot be reached with Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/filings/"))


def _text(value) -> str:
    if isinstance(value, list):
        return "\n".join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def _input(scope, label: str):
    exact = scope.get_by_label(label, exact=True)
    return exact if exact.count() else scope.get_by_label(f"{label} (optional)", exact=True)


def fill_field(scope, pack, f, value) -> None:
    """Answer one question the way a person would, whatever its widget."""
    if value is None or value == []:
        return
    if f.type == "multichoice":
        group = scope.get_by_role("group", name=re.compile(re.escape(f.label)))
        for code in value:
            group.get_by_label(pack.vocab[f.choices][code].label, exact=True).check()
    elif f.type == "choice":
        _input(scope, f.label).select_option(value=value)
    else:
        _input(scope, f.label).fill(_text(value))


FOCUSED = """() => { const e = document.activeElement;
  return e ? {name: e.name || "", tag: e.tagName, type: e.type || "", value: e.value || "", checked: !!e.checked,
              text: (e.textContent || "").trim()} : null; }"""


def fill_section_by_keyboard(page: Page, pack, section, filing) -> None:
    """Answer a section with the keyboard alone: Tab from the top of the page through every
    control, typing text, choosing options by typing their label, ticking boxes with Space,
    then Enter on "Save and continue"."""
    wanted = {f.path: (f, get_path(filing, f.path)) for f in section.fields if f.type != "group"}
    page.locator("body").focus()
    done: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        el = page.evaluate(FOCUSED)
        if el["tag"] == "BUTTON" and el["text"] == "Save and continue":
            break
        if el["name"] not in wanted:
            continue
        f, value = wanted[el["name"]]
        if el["tag"] == "SELECT":
            if value is not None:
                page.keyboard.type(pack.vocab[f.choices][value].label)
                assert page.evaluate(FOCUSED)["value"] == value, f"could not choose {value} in {f.path}"
        elif el["type"] == "checkbox":
            if (el["value"] in (value or [])) != el["checked"]:
                page.keyboard.press("Space")
        else:
            page.keyboard.press("Control+A")
            page.keyboard.type(_text(value))
        done.add(el["name"])
    else:
        raise AssertionError("Save and continue cannot be reached with Tab")
    assert done == set(wanted), f"not reachable by keyboard: {set(wanted) - done}"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_filing_journey_from_draft_to_final_pdf(server, browser, audit, figure):
    filing = loads(json.dumps(complete_example()))
    pack = pack_for(filing)
    assert {f"principles.{p}" for p in filing.principles} == {
        f.path for s in pack.sections_for(filing.filing_type) if s.id == "principles" for f in s.fields}
    base = server.url

    # Administrator: a new filing through the guided forms.
    admin = browser.new_context().new_page()
    sign_in_by_keyboard(admin, base, ADMIN, audit)
    audit(admin, "filings")
    admin.get_by_role("link", name=re.compile("new filing", re.I)).first.click()
    audit(admin, "new filing")
    admin.get_by_label(pack.filing_types[filing.filing_type].label, exact=False).check()
    admin.get_by_role("button", name="Continue").click()
    fid = int(re.search(r"/filings/(\d+)", admin.url).group(1))

    for section in pack.sections_for(filing.filing_type):
        admin.goto(f"{base}/filings/{fid}/sections/{section.id}")
        audit(admin, f"section {section.id}")
        if section.id in ("site", "project"):    # text, choice and multichoice questions
            fill_section_by_keyboard(admin, pack, section, filing)
            continue
        for f in section.fields:
            if f.type != "group":
                fill_field(admin, pack, f, get_path(filing, f.path))
                continue
            for i, item in enumerate(get_path(filing, f.path)):
                with admin.expect_navigation():
                    admin.get_by_role("button", name=re.compile(rf"Add (a|another) {f.item_label}", re.I)).click()
                box = admin.locator("fieldset.group-item").nth(i)
                for sub in f.fields:
                    fill_field(box, pack, sub, get_path(item, sub.path))
        with admin.expect_navigation():
            admin.get_by_role("button", name="Save and continue").click()
        expect(admin.locator(".error-summary")).to_have_count(0)

    admin.goto(f"{base}/filings/{fid}/check")
    audit(admin, "check your answers")
    expect(admin.get_by_text("Hopewell Health Solutions, LLC").first).to_be_visible()
    admin.get_by_role("button", name="Submit for review").click()
    audit(admin, "submitted")

    # Legal reviewer: comment on a question and request changes.
    legal = browser.new_context().new_page()
    sign_in_by_keyboard(legal, base, LEGAL, audit)
    legal.goto(f"{base}/filings/{fid}")
    audit(legal, "review overview")
    legal.get_by_label("About").select_option(value="project.summary")
    legal.get_by_label("Comment", exact=True).fill("Say 'for adults' explicitly <b>in the notice</b>.")
    legal.get_by_role("button", name="Add comment").click()
    expect(legal.get_by_text("Say 'for adults' explicitly <b>in the notice</b>.")).to_be_visible()
    # ... on a principle's answer, where it is read: check your answers, with the keyboard.
    principle = next(s for s in pack.sections_for(filing.filing_type) if s.fields_from == "principles").fields[0]
    legal.goto(f"{base}/filings/{fid}/check")
    summary = legal.locator(f"#comment-{principle.path.replace('.', '-')} summary")
    summary.focus()
    legal.keyboard.press("Enter")
    legal.get_by_label(f"Comment on {pack.label(principle.path)}").fill("Cite the regulation by section number.")
    audit(legal, "check your answers, a comment open")
    legal.get_by_label(f"Comment on {pack.label(principle.path)}").press("Tab")
    legal.keyboard.press("Enter")
    expect(legal.get_by_text("Comment added.")).to_be_visible()
    legal.goto(f"{base}/filings/{fid}")
    legal.get_by_role("button", name=re.compile("request changes", re.I)).click()     # empty: refused at the field
    expect(legal.locator("#request_changes-comment-error")).to_be_visible()
    audit(legal, "empty change request refused")
    legal.get_by_label("What needs to change").fill("Please confirm the IOP schedule.\nName the medical director.\n"
                                                    "Attach the site plan.")
    legal.get_by_role("button", name=re.compile("request changes", re.I)).click()
    audit(legal, "changes requested")

    # Administrator: sees the items as a to-do and the comment by the question, resolves, resubmits.
    admin.goto(f"{base}/filings/{fid}")
    expect(admin.get_by_role("heading", name=re.compile("To do: 5 open review comments"))).to_be_visible()
    audit(admin, "administrator to-do")
    admin.goto(f"{base}/filings/{fid}/sections/project")
    expect(admin.get_by_text("Say 'for adults' explicitly").first).to_be_visible()
    audit(admin, "section with comment")
    for _ in range(3):
        admin.goto(f"{base}/filings/{fid}")
        admin.locator("#todo").get_by_role("button", name=re.compile("Mark resolved")).first.click()
    admin.goto(f"{base}/filings/{fid}/check")
    admin.get_by_role("button", name="Submit for review").click()
    expect(admin.get_by_text(re.compile(r"\d of the 3 requested changes are resolved"))).to_be_visible()

    # Legal reviewer sees which items are resolved, replies on a thread, and approves with the attestation.
    legal.goto(f"{base}/filings/{fid}")
    expect(legal.get_by_role("heading", name=re.compile("Changes requested at version"))).to_be_visible()
    audit(legal, "resubmitted, items resolved")
    legal.locator(".thread details summary").first.click()
    legal.get_by_label("Your reply").first.fill("Thanks, @administrator@hopewell.test.")
    legal.get_by_role("button", name="Reply", exact=True).first.click()
    expect(legal.get_by_text("Reply added.")).to_be_visible()
    legal.get_by_role("button", name=re.compile("approve", re.I)).click()      # without the attestation: refused
    expect(legal.locator("#approve-attest-error")).to_be_visible()
    audit(legal, "approval without attestation refused")
    legal.get_by_label(re.compile("have reviewed version")).check()
    legal.get_by_role("button", name=re.compile("approve", re.I)).click()
    audit(legal, "approved")

    # Compliance downloads the final PDF.
    comp = browser.new_context(accept_downloads=True).new_page()
    sign_in_by_keyboard(comp, base, COMPLIANCE, audit)
    comp.goto(f"{base}/filings/{fid}")
    audit(comp, "compliance overview")
    comp.get_by_role("button", name="Final application PDF").click()
    link = comp.get_by_role("link", name=re.compile("download", re.I))
    expect(link).to_be_visible(timeout=120_000)
    audit(comp, "pdf ready")
    with comp.expect_download() as info:
        link.click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(info.value.path(), "rb").read())).pages)
    flat = " ".join(text.split())
    assert "Hopewell Health Solutions, LLC" in flat
    assert "248 Flanders Road" in flat
    assert "DRAFT" not in flat
    assert "Not answered." not in flat
    for answer in filing.principles.values():       # typed into the principles section above
        assert " ".join(answer.split()[:8]) in flat
    assert "REVIEW SIGN-OFF" in flat and LEGAL in flat

    # Administrator: an exhibit added after approval returns the filing to draft, visibly.
    admin.goto(f"{base}/filings/{fid}")
    audit(admin, "approved overview with attestation")
    admin.locator("#exhibit").set_input_files(files=[{"name": "late.pdf", "mimeType": "application/pdf",
                                                     "buffer": TINY_PDF}])
    admin.get_by_role("button", name="Upload").click()
    expect(admin.get_by_text(re.compile("Back to draft"))).to_be_visible()
    audit(admin, "back to draft after an exhibit")

    figure(f"axe-core: {audit.pages} pages checked in the journeys, {len(audit.problems)} serious/critical "
           "violations; screenshots in out/screenshots/")
    assert not audit.problems, "\n".join(audit.problems)


def test_two_users_in_one_browser_each_get_a_fresh_session_and_every_form_works(server, browser, audit):
    """Sign in, sign out, sign in as someone else in the same browser: no spurious 'form expired',
    the first user's forms and copied cookie no longer work."""
    base = server.url
    context = browser.new_context()
    page = context.new_page()
    sign_in_by_keyboard(page, base, ADMIN, audit)
    page.get_by_role("link", name=re.compile("new filing", re.I)).first.click()
    page.locator("input[name=filing_type]").first.check()
    page.get_by_role("button", name="Continue").click()
    fid = int(re.search(r"/filings/(\d+)", page.url).group(1))
    page.goto(f"{base}/filings/{fid}")
    copied = context.cookies()
    stale = context.new_page()                     # a tab the administrator leaves open
    stale.goto(f"{base}/filings/{fid}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    audit(page, "signed out")

    thief = browser.new_context()
    thief.add_cookies(copied)
    other = thief.new_page()
    other.goto(f"{base}/filings/")
    assert "/signin" in other.url                  # the cookie copied before sign-out is dead

    sign_in_by_keyboard(page, base, LEGAL, audit)
    page.goto(f"{base}/filings/{fid}")
    page.get_by_label("Comment", exact=True).fill("First comment after signing in.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("First comment after signing in.")).to_be_visible()
    stale.get_by_label("Comment", exact=True).fill("Sent from the administrator's old tab.")
    stale.get_by_role("button", name="Add comment").click()
    expect(stale.get_by_role("heading", name="This form has expired")).to_be_visible()
    audit(stale, "form expired after another user signed in")
    page.goto(f"{base}/filings/{fid}")
    expect(page.get_by_text("Sent from the administrator's old tab.")).to_have_count(0)
    page.goto(f"{base}/account")
    page.get_by_label("Token name").fill("sync")
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_text("Copy your new token now")).to_be_visible()
    context.close()
    thief.close()
