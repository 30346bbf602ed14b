"""Pure pool rules: call states from the clock, step guards, review decisions, the timeline's
earliest dates over the 2026 holidays, and who is an active member on a date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.workdays import TZ, WorkCalendar
from contractors import rules


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


REASONS = {"grade_insufficient": False, "other": True}


def facts(**kw) -> rules.CallFacts:
    return rules.CallFacts(
        created_at=at(2026, 9, 18, 10),
        valid_from=date(2026, 11, 1),
        valid_until=date(2028, 10, 31),
        **kw,
    )


def test_a_call_is_open_exactly_while_its_publicity_runs():
    f = facts(call_published_at=at(2026, 9, 21, 10), call_ends_at=at(2026, 10, 13))
    assert rules.call_state(facts(), at(2026, 9, 21)) is rules.CallState.DRAFT
    assert rules.applications_open(f, at(2026, 9, 21, 10))
    assert rules.applications_open(f, at(2026, 10, 12, 23, 59, 59))
    assert not rules.applications_open(f, at(2026, 10, 13))
    assert rules.call_state(f, at(2026, 10, 13)) is rules.CallState.REVIEW
    with pytest.raises(rules.RuleError, match="申请期已于2026-10-12结束"):
        rules.require_applications_open(f, at(2026, 10, 13))


def test_a_step_before_its_publicity_ended_names_the_last_day_and_the_earliest():
    with pytest.raises(rules.RuleError) as e:
        rules.require_ended(
            at(2026, 10, 17), at(2026, 10, 16, 23), ("资格审查结果公示", "r"), ("摇号", "d")
        )
    assert e.value.message == "资格审查结果公示期至2026-10-16结束，之后才能摇号（最早2026-10-17）"
    assert e.value.earliest == date(2026, 10, 17)
    rules.require_ended(at(2026, 10, 17), at(2026, 10, 17), ("x", "x"), ("y", "y"))


@pytest.mark.parametrize(
    ("decision", "code", "text", "words"),
    [
        ("fail", None, "", "理由"),
        ("fail", "nope", "", "未知"),
        ("fail", "other", " ", "具体说明"),
        ("perhaps", None, "", "合格"),
    ],
)
def test_a_fail_needs_a_listed_reason(decision, code, text, words):
    with pytest.raises(rules.RuleError, match=words):
        rules.check_decision(decision, code, text, REASONS)


def test_a_pass_needs_no_reason_and_a_fail_keeps_its_text():
    assert rules.check_decision("pass", None, "", REASONS) == (None, "")
    assert rules.check_decision("fail", "grade_insufficient", " 三级 ", REASONS) == (
        "grade_insufficient",
        "三级",
    )


def test_consultation_needs_an_agreeing_opinion_on_the_current_revision():
    o = rules.Opinion
    assert rules.consultation_problem([], 1)
    assert rules.consultation_problem([o("住建局", 1, True, at(2026, 9, 1))], 2)
    assert rules.consultation_problem([o("住建局", 2, False, at(2026, 9, 1))], 2)
    later = [o("住建局", 2, False, at(2026, 9, 1)), o("住建局", 2, True, at(2026, 9, 2))]
    assert rules.consultation_problem(later, 2) is None


def test_the_meeting_draws_only_over_quota():
    assert rules.meeting_outcome(5, 3) == "drawn"
    assert rules.meeting_outcome(3, 3) == "all_enter"
    assert rules.meeting_outcome(0, 3) == "all_enter"


def test_membership_runs_from_the_roster_or_the_validity_to_the_day_after_it_ends():
    p = rules.member_period(date(2026, 10, 27), date(2026, 11, 1), date(2028, 10, 31))
    assert p == rules.Period(date(2026, 11, 1), date(2028, 11, 1))
    assert not rules.is_active_member(p, date(2026, 10, 31))
    assert rules.is_active_member(p, date(2026, 11, 1))
    assert rules.is_active_member(p, date(2028, 10, 31))
    assert not rules.is_active_member(p, date(2028, 11, 1))
    assert not rules.is_active_member(None, date(2027, 1, 1))
    late = rules.member_period(date(2027, 3, 1), date(2026, 11, 1), date(2028, 10, 31))
    assert late.start == date(2027, 3, 1)


def test_a_suspension_takes_a_member_out_for_its_period_and_a_removal_for_good():
    p = rules.Period(date(2026, 11, 1), date(2028, 11, 1))
    suspended = [rules.Period(date(2027, 1, 1), date(2027, 7, 1))]
    assert not rules.is_active_member(p, date(2027, 3, 1), suspended)
    assert rules.is_active_member(p, date(2027, 7, 1), suspended)
    removed = [rules.Period(date(2027, 1, 1), None)]
    assert not rules.is_active_member(p, date(2028, 1, 1), removed)


def test_the_timeline_projects_each_step_over_the_national_day_holidays():
    cal = WorkCalendar()
    published = facts(
        consulted=True, call_published_at=at(2026, 9, 21, 10), call_ends_at=at(2026, 10, 13)
    )
    steps = {s.key: s for s in rules.timeline(published, at(2026, 9, 22, 9), cal)}
    assert steps["call"].state == "done"
    assert steps["review"].state == "waiting" and steps["review"].earliest == date(2026, 10, 13)
    # Review result on 10-13: 10-14..16 → meeting from 10-17; roster publicity that day:
    # 10-19..23 → roster from 10-24.
    assert steps["meeting"].earliest == date(2026, 10, 17)
    assert steps["roster"].earliest == date(2026, 10, 24)
    assert steps["meeting"].state == "later"


def test_the_timeline_does_not_guess_a_year_nobody_confirmed():
    cal = WorkCalendar()
    f = facts(consulted=True, call_published_at=at(2026, 12, 21, 10), call_ends_at=None)
    steps = {s.key: s for s in rules.timeline(f, at(2026, 12, 22), cal)}
    assert steps["review"].earliest is None and steps["review"].state == "blocked"
