"""Pure rules of complaints: the 10-日 window lengthened by objection waits (art. 60), the
3- and 30-工作日 deadlines with pauses (art. 61), the states and what each allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workdays import WorkCalendar
from contracts.complaints import rules
from contracts.complaints.rules import ComplaintFacts as F
from contracts.complaints.rules import ComplaintStatus as S
from contracts.complaints.rules import Step, Wait

CAL = WorkCalendar()
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


# ---- the window (art. 60, 民法典 arts. 201 and 203) ----------------------------------------------


def test_a_window_ending_on_national_day_2026_ends_with_the_next_working_day():
    # 24 September + 10 日 = 4 October, inside the holiday (1–7 October): it ends with 8 October.
    assert rules.filing_window_ends_at(CAL, date(2026, 9, 24), [], date(2026, 9, 25)) == at(
        2026, 10, 9
    )


def test_a_window_ending_on_the_make_up_saturday_is_not_extended():
    # 10 October 2026 is a Saturday but a 调休 working day.
    assert rules.filing_window_ends_at(CAL, date(2026, 9, 30), [], date(2026, 10, 1)) == at(
        2026, 10, 11
    )


def test_the_days_waiting_for_an_objections_answer_do_not_count():
    # Knew on 11-02, objected on 11-03, answered on 11-06: 3 days of waiting (11-03, 04, 05).
    waits = [Wait(date(2026, 11, 3), date(2026, 11, 6))]
    assert rules.waiting_days(waits, date(2026, 11, 2), date(2026, 11, 20)) == 3
    # 11-12 + 3 days = 11-15 (a Sunday) → ends with Monday 11-16.
    assert rules.filing_window_ends_at(CAL, date(2026, 11, 2), waits, date(2026, 11, 20)) == at(
        2026, 11, 17
    )


def test_an_unanswered_objection_keeps_the_window_open_up_to_today():
    waits = [Wait(date(2026, 11, 3), None)]
    assert rules.waiting_days(waits, date(2026, 11, 2), date(2026, 11, 30)) == 28


def test_overlapping_waits_count_once_and_waits_before_knowing_not_at_all():
    waits = [
        Wait(date(2026, 11, 3), date(2026, 11, 6)),
        Wait(date(2026, 11, 5), date(2026, 11, 8)),
        Wait(date(2026, 10, 20), date(2026, 10, 25)),
    ]
    assert rules.waiting_days(waits, date(2026, 11, 2), date(2026, 11, 30)) == 5


@given(
    st.lists(st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 20))), max_size=5),
    st.integers(0, 60),
)
def test_waiting_days_never_exceed_the_days_between_knowing_and_today(spans, today_offset):
    knew = date(2026, 3, 2)
    today = knew + timedelta(days=today_offset)
    waits = [
        Wait(knew + timedelta(days=s), None if d is None else knew + timedelta(days=s + d))
        for s, d in spans
        if knew + timedelta(days=s) <= today
    ]
    waited = rules.waiting_days(waits, knew, today)
    assert waited >= 0
    assert waited <= max(
        0,
        max(
            (today - knew).days,
            *[((w.answered_on or today + timedelta(days=1)) - knew).days for w in waits],
            0,
        ),
    )
    # Adding a wait never shortens the window.
    more = [*waits, Wait(knew + timedelta(days=1), knew + timedelta(days=3))]
    assert rules.waiting_days(more, knew, today) >= waited


def test_knowing_before_the_notice_or_in_the_future_is_refused():
    with pytest.raises(rules.ComplaintRuleError) as e:
        rules.require_knew_on(date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 5))
    assert e.value.field == "knew_on"
    with pytest.raises(rules.ComplaintRuleError):
        rules.require_knew_on(date(2026, 11, 6), date(2026, 11, 2), date(2026, 11, 5))
    with pytest.raises(rules.ComplaintRuleError):
        rules.require_knew_on(None, date(2026, 11, 2), date(2026, 11, 5))


def test_a_complaint_at_the_end_of_its_window_is_late():
    ends = at(2026, 10, 9)
    rules.require_within_window(ends, ends - timedelta(seconds=1))
    with pytest.raises(rules.ComplaintRuleError, match="已超过投诉期限"):
        rules.require_within_window(ends, ends)


@pytest.mark.parametrize("matter", sorted(rules.MATTERS_NEEDING_OBJECTION))
def test_the_notice_meeting_and_result_need_an_objection_first(matter):
    with pytest.raises(rules.ComplaintRuleError, match="应当先提出异议"):
        rules.require_objected(rules.Matter(matter), [])
    rules.require_objected(rules.Matter(matter), [matter])
    rules.require_objected(rules.Matter.OTHER, [])


def test_the_same_facts_cannot_be_filed_again_after_a_withdrawal_nor_twice():
    with pytest.raises(rules.ComplaintRuleError, match="撤回投诉后"):
        rules.require_new_facts([("other", True)], "other")
    with pytest.raises(rules.ComplaintRuleError, match="不能重复投诉"):
        rules.require_new_facts([("other", False)], "other")
    rules.require_new_facts([("result", True)], "other")


@pytest.mark.parametrize(
    "missing",
    [
        "complainant_name",
        "complainant_contact",
        "respondent_name",
        "respondent_contact",
        "facts",
        "requests",
    ],
)
def test_every_part_of_the_art_7_content_is_required(missing):
    values = dict.fromkeys(
        [
            "complainant_name",
            "complainant_contact",
            "respondent_name",
            "respondent_contact",
            "facts",
            "requests",
        ],
        "x",
    )
    values[missing] = "  "
    with pytest.raises(rules.ComplaintRuleError) as e:
        rules.require_filing_content(**values)
    assert e.value.field == missing


def test_evidence_is_required():
    with pytest.raises(rules.ComplaintRuleError):
        rules.require_evidence(0)
    rules.require_evidence(1)


# ---- deadlines (art. 61) -------------------------------------------------------------------------


def test_accept_by_is_midnight_after_the_third_working_day_following_receipt():
    # Received Friday 11-27: Mon 11-30, Tue 12-01, Wed 12-02 → 12-03 00:00.
    assert rules.accept_by(CAL, date(2026, 11, 27)) == at(2026, 12, 3)


def test_thirty_working_days_over_spring_festival_2026():
    # Accepted Monday 2 February 2026; 15–23 February are rest days (Saturdays 14 and 28
    # February are 调休 working days). Counting those, the 30th working day is Friday 20 March,
    # four calendar days later than 30 working days of plain weekdays would end.
    assert rules.decide_by(CAL, date(2026, 2, 2)) == at(2026, 3, 21)
    assert CAL.working_days_between(date(2026, 2, 2), date(2026, 3, 20)) == 30
    assert CAL.is_working_day(date(2026, 2, 14)) and not CAL.is_working_day(date(2026, 2, 23))


def test_a_pause_extends_the_decision_deadline_by_its_working_days():
    # Expert review from Monday 2 March to Monday 9 March: 5 working days stopped, so the
    # deadline moves from Friday 20 March to Friday 27 March.
    pauses = [(date(2026, 3, 2), date(2026, 3, 9))]
    assert rules.paused_working_days(CAL, pauses, date(2026, 3, 20)) == 5
    assert rules.decide_by(CAL, date(2026, 2, 2), pauses) == at(2026, 3, 28)


def test_a_running_pause_counts_through_today():
    pauses = [(date(2026, 3, 2), None)]
    assert rules.paused_working_days(CAL, pauses, date(2026, 3, 3)) == 2
    assert (
        rules.paused_working_days(CAL, [(date(2026, 3, 2), date(2026, 3, 2))], date(2026, 3, 9))
        == 0
    )


@given(st.dates(date(2026, 1, 1), date(2026, 10, 31)), st.integers(0, 20), st.integers(0, 20))
def test_pauses_never_shorten_the_decision_deadline(accepted_on, start, length):
    begin = accepted_on + timedelta(days=start)
    pause = [(begin, begin + timedelta(days=length))]
    assert rules.decide_by(CAL, accepted_on, pause) >= rules.decide_by(CAL, accepted_on)
    assert rules.decide_by(CAL, accepted_on).astimezone(UTC).tzinfo is UTC


# ---- states and steps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (F(), S.RECEIVED),
        (F(accepted=True), S.ACCEPTED),
        (F(refused=True), S.REFUSED),
        (F(accepted=True, decided=True, outcome="upheld"), S.DECIDED),
        (F(withdrawn=True), S.WITHDRAWN),
        (F(accepted=True, withdrawn=True), S.WITHDRAWN),
    ],
)
def test_every_state_is_derived_from_the_facts(facts, status):
    assert rules.status_of(facts) == status


def test_each_state_allows_its_steps_only():
    assert rules.allowed(F()) == {Step.ACCEPT, Step.REFUSE, Step.WITHDRAW}
    assert rules.allowed(F(accepted=True)) == {
        Step.PAUSE,
        Step.DECIDE,
        Step.FIND,
        Step.WITHDRAW,
        Step.SUSPEND,
    }
    assert rules.allowed(F(accepted=True, paused=True)) == {
        Step.RESUME,
        Step.FIND,
        Step.WITHDRAW,
        Step.SUSPEND,
    }
    for closed in (F(refused=True), F(accepted=True, decided=True), F(withdrawn=True)):
        assert rules.allowed(closed) == frozenset()


def test_a_withdrawal_is_refused_once_a_violation_is_established():
    with pytest.raises(rules.ComplaintRuleError, match="违法行为已经查实"):
        rules.require(F(accepted=True, violation_found=True), Step.WITHDRAW)
    with pytest.raises(rules.ComplaintRuleError, match="违法行为已经查实"):
        rules.require(F(accepted=True, decided=True, outcome="upheld"), Step.WITHDRAW)


def test_a_second_decision_is_refused():
    with pytest.raises(rules.ComplaintRuleError):
        rules.require(F(accepted=True, decided=True, outcome="dismissed"), Step.DECIDE)


@pytest.mark.parametrize("missing", ["facts", "basis", "text"])
def test_a_decision_needs_facts_basis_and_text(missing):
    values = {"facts": "f", "basis": "b", "text": "t", missing: ""}
    with pytest.raises(rules.ComplaintRuleError) as e:
        rules.require_decision("upheld", **values)
    assert e.value.field == missing
    with pytest.raises(rules.ComplaintRuleError):
        rules.require_decision("maybe", "f", "b", "t")


# Up to 10 + 30 days and an art. 203 extension after the last date: inside 2026, the last year
# chinese_calendar knows (2027 is not confirmed in the tests).
@given(st.dates(date(2004, 1, 1), date(2026, 11, 10)), st.integers(0, 30))
def test_the_plain_window_never_ends_after_the_window_with_art_203(knew_on, waited):
    waits = [Wait(knew_on + timedelta(days=1), knew_on + timedelta(days=1 + waited))]
    today = knew_on + timedelta(days=40)
    assert rules.plain_window_ends_at(knew_on, waits, today) <= rules.filing_window_ends_at(
        CAL, knew_on, waits, today
    )
