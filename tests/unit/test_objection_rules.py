"""Pure rules of objections and suspensions: when a matter may be objected to, the 3-日 answer
(民法典 arts. 201, 203: over a weekend and over National Day), an objection's state, and the
times a resumed trading must set anew."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.workdays import TZ, WorkCalendar
from contractors import rules as pool_rules
from contracts import rules as trading_rules
from contracts.objections import rules

CALENDAR = WorkCalendar()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


# ---- the objection period ----------------------------------------------------------------------


def test_an_objection_is_received_from_publication_until_the_end_exclusive():
    opens, ends = at(2026, 11, 27, 10), at(2026, 12, 3)
    for now in (opens, at(2026, 12, 2, 23, 59)):
        rules.require_window(rules.Matter.NOTICE, now, opens_at=opens, ends_at=ends, tz=TZ)
    with pytest.raises(rules.ObjectionRuleError, match="异议期已于2026-12-03 00:00结束"):
        rules.require_window(rules.Matter.NOTICE, ends, opens_at=opens, ends_at=ends, tz=TZ)
    with pytest.raises(rules.ObjectionRuleError, match="交易结果尚未公布"):
        rules.require_window(rules.Matter.RESULT, opens, opens_at=None, ends_at=None, tz=TZ)
    with pytest.raises(rules.ObjectionRuleError, match="交易公告尚未发布"):
        rules.require_window(
            rules.Matter.NOTICE, opens - timedelta(seconds=1), opens_at=opens, ends_at=ends, tz=TZ
        )


def test_the_result_may_be_objected_to_for_3_days_moved_past_a_weekend():
    # Thursday 12-03 + 3 日 = Sunday 12-06, a rest day: the period ends with Monday 12-07.
    assert rules.result_objection_ends_at(CALENDAR, date(2026, 12, 3)) == at(2026, 12, 8)
    # Monday 11-30 + 3 日 = Thursday 12-03, a working day.
    assert rules.result_objection_ends_at(CALENDAR, date(2026, 11, 30)) == at(2026, 12, 4)


# ---- the 3-日 answer ---------------------------------------------------------------------------


def test_the_answer_is_due_3_days_after_receipt_moved_past_national_day():
    # Received 09-30: 3 日 end on 10-03, inside the National Day holiday (10-01 to 10-07); the
    # period ends with the first working day after it, 10-08 (民法典 art. 203).
    assert rules.answer_by(CALENDAR, date(2026, 9, 30)) == at(2026, 10, 9)
    # Received on a Friday: 3 日 end on Monday, a working day.
    assert rules.answer_by(CALENDAR, date(2026, 12, 4)) == at(2026, 12, 8)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 20)))
def test_the_answer_is_due_at_midnight_after_a_working_day_at_least_3_days_on(received):
    due = rules.answer_by(CALENDAR, received)
    last = (due - timedelta(days=1)).date()
    assert due.timetz().hour == 0 and due.tzinfo is not None
    assert last >= received + timedelta(days=3)
    assert CALENDAR.is_working_day(last)
    # Every day it was moved over is a rest day (it moves no further than the next working day).
    day = received + timedelta(days=3)
    while day < last:
        assert not CALENDAR.is_working_day(day)
        day += timedelta(days=1)


def test_an_objections_state_comes_from_its_answer_and_the_clock():
    due = at(2026, 12, 8)
    f = rules.ObjectionFacts(due)
    assert rules.state_of(f, at(2026, 12, 7, 23)) is rules.ObjectionState.AWAITING_ANSWER
    assert rules.state_of(f, due) is rules.ObjectionState.OVERDUE
    done = rules.ObjectionFacts(due, at(2026, 12, 9), False)
    assert rules.state_of(done, due) is rules.ObjectionState.NOT_UPHELD
    with pytest.raises(rules.ObjectionRuleError, match="已答复"):
        rules.require_answerable(rules.state_of(done, due))
    upheld = rules.ObjectionFacts(due, at(2026, 12, 7), True)
    assert rules.state_of(upheld, due) is rules.ObjectionState.UPHELD


@pytest.mark.parametrize("text", ["", "   ", "a\x00b", "x" * (rules.TEXT_MAX + 1)])
def test_an_empty_binary_or_overlong_objection_is_refused_on_its_field(text):
    with pytest.raises(rules.ObjectionRuleError) as e:
        rules.check_text(text)
    assert e.value.field == "text"


# ---- the roster objections ---------------------------------------------------------------------


def test_a_roster_objection_is_received_only_in_the_roster_publicity_and_holds_the_roster():
    opens, ends = at(2026, 10, 19, 11), at(2026, 10, 27)
    pool_rules.require_roster_objection_window(opens, ends, at(2026, 10, 26, 23))
    with pytest.raises(pool_rules.RuleError, match="公示期已于2026-10-26结束"):
        pool_rules.require_roster_objection_window(opens, ends, ends)
    with pytest.raises(pool_rules.RuleError, match="尚未公示"):
        pool_rules.require_roster_objection_window(None, None, opens)
    pool_rules.require_no_open_roster_objection(0)
    with pytest.raises(pool_rules.RuleError, match="尚有2件未答复"):
        pool_rules.require_no_open_roster_objection(2)


# ---- resuming a suspended trading --------------------------------------------------------------


def _resume(now, **kw):
    values = {
        "suspended_at": at(2026, 12, 1, 9),
        "responses_close_at": at(2026, 12, 3),
        "meeting_at": at(2026, 12, 3, 9, 30),
        "held": False,
        "new_responses_close_at": None,
        "new_meeting_at": None,
        "tz": TZ,
        **kw,
    }
    return trading_rules.resume_times(now, **values)


def test_times_still_ahead_are_kept_and_passed_ones_must_be_replaced():
    assert _resume(at(2026, 12, 2, 9)) == (at(2026, 12, 3), at(2026, 12, 3, 9, 30))
    with pytest.raises(trading_rules.RuleError) as e:
        _resume(at(2026, 12, 7, 9))
    assert e.value.field == "new_responses_close_at"
    with pytest.raises(trading_rules.RuleError) as e:
        _resume(at(2026, 12, 7, 9), new_responses_close_at=at(2026, 12, 10))
    assert e.value.field == "new_meeting_at"
    assert _resume(
        at(2026, 12, 7, 9),
        new_responses_close_at=at(2026, 12, 10),
        new_meeting_at=at(2026, 12, 10, 9, 30),
    ) == (at(2026, 12, 10), at(2026, 12, 10, 9, 30))


def test_responses_closed_before_the_suspension_stay_closed():
    closed_before = {"suspended_at": at(2026, 12, 3, 8)}
    assert _resume(at(2026, 12, 7, 9), new_meeting_at=at(2026, 12, 9, 9, 30), **closed_before) == (
        at(2026, 12, 3),
        at(2026, 12, 9, 9, 30),
    )
    with pytest.raises(trading_rules.RuleError, match="不能重新接受响应"):
        _resume(at(2026, 12, 7, 9), new_responses_close_at=at(2026, 12, 10), **closed_before)


def test_a_held_meeting_keeps_its_times_and_a_meeting_never_precedes_the_deadline():
    assert _resume(at(2026, 12, 7, 9), held=True) == (at(2026, 12, 3), at(2026, 12, 3, 9, 30))
    with pytest.raises(trading_rules.RuleError, match="定标会议已经举行"):
        _resume(at(2026, 12, 7, 9), held=True, new_meeting_at=at(2026, 12, 9))
    with pytest.raises(trading_rules.RuleError, match="不能早于响应截止时间"):
        _resume(at(2026, 12, 2, 9), new_responses_close_at=at(2026, 12, 5))


@given(
    now=st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2026, 12, 31)),
    close_days=st.integers(-10, 10),
    meeting_hours=st.integers(0, 400),
)
def test_a_resumption_never_runs_to_a_time_in_the_past(now, close_days, meeting_hours):
    now = now.replace(tzinfo=TZ)
    close = at(2026, 12, 3) + timedelta(days=close_days)
    meeting = close + timedelta(hours=meeting_hours)
    try:
        new_close, new_meeting = _resume(
            now,
            suspended_at=min(now, at(2026, 11, 1)),
            responses_close_at=close,
            meeting_at=meeting,
        )
    except trading_rules.RuleError:
        return
    assert new_meeting > now and new_meeting >= new_close
