"""The review workflow: draft -> in review -> changes requested -> approved -> filed."""
from __future__ import annotations

from dataclasses import dataclass

STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "changes_requested": "Changes requested",
    "approved": "Approved",
    "filed": "Filed",
}
# Approved is editable too: a change to an approved filing withdraws the approval and returns it to
# draft (cone.web.filings.service.save_version), so that what was approved is what is filed.
EDITABLE = frozenset({"draft", "changes_requested", "approved"})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    role: str
    needs_clean_checklist: bool = False

    def label_for(self, agency: str) -> str:
        """The button's wording, naming the pack's agency where it does ("Mark as filed with {agency}")."""
        return self.label.format(agency=agency)


TRANSITIONS = {t.name: t for t in (
    Transition("submit", "Submit for review", frozenset({"draft", "changes_requested"}), "in_review", "administrator", True),
    Transition("withdraw", "Withdraw from review", frozenset({"in_review"}), "draft", "administrator"),
    Transition("request_changes", "Request changes", frozenset({"in_review"}), "changes_requested", "legal"),
    Transition("approve", "Approve", frozenset({"in_review"}), "approved", "legal", True),
    Transition("reopen", "Reopen for editing", frozenset({"approved"}), "draft", "administrator"),
    Transition("mark_filed", "Mark as filed with {agency}", frozenset({"approved"}), "filed", "compliance"),
)}


class TransitionRefused(Exception):
    """A transition that the filing's status, the user's role or its findings do not allow."""


def check_transition(name: str, status: str, role: str, has_error_findings: bool) -> Transition:
    """The transition if allowed now, else TransitionRefused saying why."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise TransitionRefused(f"unknown action '{name}'")
    if role != t.role:
        raise TransitionRefused(f"only a user with the {t.role} role can {t.label_for('the agency').lower()}")
    if status not in t.sources:
        raise TransitionRefused(f"a filing that is {STATUS_LABELS[status].lower()} cannot be sent to "
                                f"{STATUS_LABELS[t.target].lower()}")
    if t.needs_clean_checklist and has_error_findings:
        raise TransitionRefused("the checklist still has errors; fix them first")
    return t


def available(status: str, role: str) -> list[Transition]:
    """Transitions the role may take from this status (for buttons)."""
    return [t for t in TRANSITIONS.values() if t.role == role and status in t.sources]


DONE_MESSAGES = {
    "submit": "The filing is submitted. A legal reviewer will check it; until then its answers cannot be changed.",
    "withdraw": "The filing is withdrawn from review. You can change its answers again.",
    "request_changes": "Changes are requested. The administrator can now change the answers and submit the filing again.",
    "approve": "The filing is approved. It can now be marked as filed.",
    "reopen": "The filing is open for editing again. It will need a new review before it is filed.",
    "mark_filed": "The filing is marked as filed with {agency}.",
}


def done_message(t: Transition, agency: str) -> str:
    """What a step did, in plain words, for the message shown after it."""
    return DONE_MESSAGES[t.name].format(agency=agency)
