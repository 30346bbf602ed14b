"""Performance evaluation's pure rules: the overall result, completeness, the completion date, and
the 12-month window; the credit screen's standing and its guard."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.evaluations import rules
from contracts.evaluations.rules import Aspect, Verdict
from contracts.screening import rules as screen

parts_st = st.fixed_dictionaries({a: st.sampled_from(list(Verdict)) for a in Aspect})


@given(parts_st)
def test_the_overall_result_fails_exactly_when_some_part_fails(parts):
    failed = [a for a, v in parts.items() if v == Verdict.FAILED]
    assert rules.overall(parts) == (Verdict.FAILED if failed else Verdict.PASSED)


@given(
    parts_st,
    st.dictionaries(st.sampled_from(list(Aspect)), st.text(max_size=30)),
    st.integers(0, 5),
)
def test_a_complete_evaluation_has_reasons_for_each_failed_part_and_evidence_for_a_fail(
    parts, reasons, files
):
    failed = [a for a in Aspect if parts[a] == Verdict.FAILED]
    missing_reason = [a for a in failed if not (reasons.get(a) or "").strip()]
    clean = all("\x00" not in r for r in reasons.values())
    try:
        checked = rules.check_evaluation(parts, reasons, evidence_files=files)
    except rules.RuleError as e:
        assert missing_reason or (failed and files == 0) or not clean, e.message
    else:
        assert not missing_reason and (not failed or files > 0)
        assert checked.result == rules.overall(parts)
        assert all(checked.reasons[a] for a in failed)


def test_a_part_left_unrated_is_refused_by_name():
    with pytest.raises(rules.RuleError, match="工期") as refused:
        rules.overall({Aspect.QUALITY: Verdict.PASSED})
    assert refused.value.field == Aspect.SCHEDULE


def test_more_than_five_evidence_files_are_refused():
    parts = dict.fromkeys(Aspect, Verdict.PASSED)
    with pytest.raises(rules.RuleError, match="最多5个"):
        rules.check_evaluation(parts, {}, evidence_files=6)


@given(
    st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.dates(date(2020, 1, 1), date(2030, 12, 31))
)
def test_the_completion_date_lies_between_the_signing_and_today(completed, today):
    signed = date(2025, 6, 1)
    try:
        rules.check_completion(completed, signed_on=signed, today=today)
    except rules.RuleError:
        assert completed > today or completed < signed
    else:
        assert signed <= completed <= today


def test_the_twelve_months_window_starts_a_year_before_on_the_same_day():
    assert rules.repeat_window_start(date(2027, 3, 15)) == date(2026, 3, 15)
    assert rules.repeat_window_start(date(2028, 2, 29)) == date(2027, 2, 28)
    assert rules.repeat_window_end(date(2027, 3, 15)) == date(2028, 3, 15)


def test_the_evaluation_state_follows_the_contract_and_the_evaluation():
    S = rules.EvaluationState
    assert rules.evaluation_state(contract_recorded=False, evaluated=False) == S.NOT_DUE
    assert rules.evaluation_state(contract_recorded=True, evaluated=False) == S.DUE
    assert rules.evaluation_state(contract_recorded=True, evaluated=True) == S.EVALUATED


@given(st.sampled_from([None, *screen.CheckResult]), st.booleans())
def test_a_respondent_is_excluded_when_listed_or_not_active(result, active):
    state = screen.screen_state(result, active=active)
    if not active:
        assert state == screen.ScreenState.SANCTIONED and screen.excluded(state)
    elif result is None:
        assert state == screen.ScreenState.UNSCREENED and not screen.excluded(state)
    else:
        assert screen.excluded(state) == (result == screen.CheckResult.LISTED)


def test_the_freeze_waits_for_every_respondent_and_names_them():
    S = screen.ScreenState
    screen.require_all_screened([("甲", S.CLEAR), ("乙", S.LISTED), ("丙", S.SANCTIONED)])
    with pytest.raises(screen.RuleError, match=r"尚有1家.*乙"):
        screen.require_all_screened([("甲", S.CLEAR), ("乙", S.UNSCREENED)])


def test_a_check_is_dated_between_the_notice_and_today():
    today, earliest = date(2026, 12, 3), date(2026, 11, 27)
    assert screen.check_date(today, today=today, earliest=earliest) == today
    for bad in (None, date(2026, 12, 4), date(2026, 11, 26)):
        with pytest.raises(screen.RuleError):
            screen.check_date(bad, today=today, earliest=earliest)
