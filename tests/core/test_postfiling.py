"""The clock after filing: which events the pack's rules allow, and the dates computed from real ones."""
from __future__ import annotations

import datetime as dt

import pytest

from cone.postfiling import Event, EventRefused, add_months, check_docket, check_event, clock, schedule

from .helpers import PACK

D = dt.date.fromisoformat
FILED = D("2026-01-05")
TYPE = "new_facility"
TODAY = D("2027-12-31")


def record(*steps: tuple[str, str] | tuple[str, str, dict]) -> list[Event]:
    """Events checked one after another as the web app records them."""
    events: list[Event] = []
    for i, step in enumerate(steps, 1):
        kind, day, *extra = step
        events.append(check_event(TYPE, FILED, events, Event(kind, D(day), i, **(extra[0] if extra else {})), PACK, TODAY))
    return events


def dates(events: list[Event]) -> dict[str, tuple[dt.date, str]]:
    return {d.id: (d.date, d.basis) for d in clock(TYPE, FILED, events, PACK)}


def test_before_any_event_the_review_is_due_from_the_filed_date_and_later_dates_are_planned():
    got = dates([])
    assert got["completeness_review"] == (D("2026-02-04"), "due")
    assert got["completeness_stop"] == (D("2026-07-05"), "due")
    assert got["completeness_response"] == (D("2026-04-05"), "planned")
    assert got["review_decision"][1] == "planned"


def test_a_completeness_letter_starts_the_60_day_response_from_its_own_date():
    got = dates(record(("completeness_letter", "2026-01-20")))
    assert got["completeness_response"] == (D("2026-03-21"), "due")
    assert "completeness_review" not in got


def test_a_response_on_day_60_is_accepted():
    events = record(("completeness_letter", "2026-01-20"), ("response_submitted", "2026-03-21"))
    assert events[-1].parent == 1


def test_a_response_on_day_61_is_refused_without_an_extension():
    with pytest.raises(EventRefused, match="1 day after the deadline, 2026-03-21") as exc:
        record(("completeness_letter", "2026-01-20"), ("response_submitted", "2026-03-22"))
    assert exc.value.field == "date"


def test_a_response_on_day_61_is_accepted_once_an_extension_is_recorded():
    events = record(("completeness_letter", "2026-01-20"),
                    ("extension_granted", "2026-03-01", {"row": "completeness_response"}),
                    ("response_submitted", "2026-03-22"))
    assert events[-1].kind == "response_submitted"


def test_a_second_letter_is_allowed_and_a_third_refused():
    two = record(("completeness_letter", "2026-01-20"), ("response_submitted", "2026-02-10"),
                 ("completeness_letter", "2026-02-20"), ("response_submitted", "2026-03-01"))
    assert dates(two)["completeness_notice"] == (D("2026-03-06"), "due")
    with pytest.raises(EventRefused, match="at most 2"):
        check_event(TYPE, FILED, two, Event("completeness_letter", D("2026-03-10"), 9), PACK, TODAY)


def test_a_second_letter_is_refused_while_the_first_is_unanswered():
    with pytest.raises(EventRefused, match="not answered"):
        record(("completeness_letter", "2026-01-20"), ("completeness_letter", "2026-02-20"))


def test_a_letter_after_six_months_is_refused_and_on_the_last_day_accepted():
    assert record(("completeness_letter", "2026-07-05"))
    with pytest.raises(EventRefused, match="6 months"):
        record(("completeness_letter", "2026-07-06"))


def test_the_review_runs_90_days_from_deemed_complete_without_a_hearing():
    got = dates(record(("review_ended", "2026-02-04"), ("deemed_complete", "2026-02-06")))
    assert got["review_decision"] == (D("2026-05-07"), "due")
    assert got["hearing_request"] == (D("2026-03-08"), "due")
    assert "review_after_hearing" not in got


def test_with_a_hearing_the_review_ends_60_days_after_the_record_closes():
    events = record(("review_ended", "2026-02-04"), ("deemed_complete", "2026-02-06"),
                    ("hearing_requested", "2026-02-20"), ("hearing_scheduled", "2026-03-01"),
                    ("hearing_held", "2026-04-01"), ("record_closed", "2026-04-15"))
    got = dates(events)
    assert "review_decision" not in got
    assert got["review_after_hearing"] == (D("2026-06-14"), "due")


def test_an_extension_moves_the_review_by_the_packs_days():
    events = record(("review_ended", "2026-02-04"), ("deemed_complete", "2026-02-06"),
                    ("extension_granted", "2026-04-01", {"row": "review_decision"}))
    assert dates(events)["review_decision"] == (D("2026-07-06"), "due")


def test_an_extension_of_a_date_not_running_is_refused():
    with pytest.raises(EventRefused, match="'row'"):
        record(("extension_granted", "2026-01-10", {"row": "review_decision"}))


def test_a_decision_needs_deemed_complete_and_an_outcome_and_ends_the_clock():
    with pytest.raises(EventRefused, match="needs first"):
        record(("decision", "2026-02-01", {"outcome": "approval"}))
    with pytest.raises(EventRefused, match="'outcome'"):
        record(("review_ended", "2026-02-04"), ("deemed_complete", "2026-02-06"), ("decision", "2026-03-01"))
    events = record(("review_ended", "2026-02-04"), ("deemed_complete", "2026-02-06"),
                    ("decision", "2026-03-01", {"outcome": "approval_with_conditions"}))
    assert {b for _, b in dates(events).values()} == {"actual"}
    with pytest.raises(EventRefused, match="nothing is recorded after"):
        check_event(TYPE, FILED, events, Event("withdrawal", D("2026-03-02"), 9), PACK, TODAY)


def test_events_in_the_future_before_filing_or_out_of_order_are_refused():
    for day, words in (("2028-01-01", "future"), ("2026-01-04", "before the filed date")):
        with pytest.raises(EventRefused, match=words):
            record(("completeness_letter", day))
    with pytest.raises(EventRefused, match="in order"):
        record(("completeness_letter", "2026-01-20"), ("response_submitted", "2026-01-19"))


def test_an_emergency_filing_is_decided_60_days_after_filing_without_completeness():
    got = {d.id: d for d in clock("hospital_transfer_econ", FILED, [], PACK)}
    assert got["econ_decision"].date == D("2026-03-06")
    assert "completeness_review" not in got
    decision = check_event("hospital_transfer_econ", FILED, [], Event("decision", D("2026-02-01"), 1, outcome="denial"),
                           PACK, TODAY)
    assert decision.outcome == "denial"


def test_docket_numbers_follow_the_packs_format_and_the_emergency_suffix():
    assert check_docket(" 25-32843-CON ", TYPE, PACK) == "25-32843-CON"
    assert check_docket("25-32843-ECON", "hospital_transfer_econ", PACK) == "25-32843-ECON"
    for number, typ in (("25-32843-ECON", TYPE), ("25-32843-CON", "hospital_transfer_econ"), ("2532843", TYPE),
                        ("25-3284-CON", TYPE), ("25-32843-CONX", TYPE)):
        with pytest.raises(EventRefused) as exc:
            check_docket(number, typ, PACK)
        assert exc.value.field == "docket_number"


def test_months_end_on_the_last_day_of_a_shorter_month_and_schedules_repeat_until_their_end():
    assert add_months(D("2026-08-31"), 6) == D("2027-02-28")
    assert schedule(D("2027-01-31"), 0, None) == [D("2027-01-31")]
    assert schedule(D("2027-01-31"), 12, D("2029-02-01")) == [D("2027-01-31"), D("2028-01-31"), D("2029-01-31")]
