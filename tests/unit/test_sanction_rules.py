"""Pure rules of cases and sanctions: the periods (民法典 arts. 201–202), `shown_until` (art. 9),
the case's state and its guards, and a selection's standing under a sanction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractors.rules import Standing, standing
from contractors.sanctions import rules

DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
KINDS = st.sampled_from(list(rules.SanctionKind))


@given(DAYS, KINDS, st.integers(1, rules.MAX_MONTHS))
def test_shown_until_is_six_months_after_publication_and_never_before_the_sanction_ends(
    published, kind, months
):
    _start, until = rules.sanction_period(kind, published, months)
    shown = rules.shown_until(published, kind, until)
    if kind == rules.SanctionKind.REMOVAL:
        assert shown is None  # removed for good: shown while it lasts
        return
    six = rules.months_after(published, 6)
    assert shown > six >= published + timedelta(days=180)
    assert shown - six == timedelta(days=1) or (until is not None and shown == until)
    if until is not None:
        assert shown >= until


@given(DAYS, st.integers(1, rules.MAX_MONTHS))
def test_a_suspension_of_n_months_ends_on_the_corresponding_day(start, months):
    _, until = rules.sanction_period("suspension", start, months)
    assert until > start
    assert (until.year - start.year) * 12 + until.month - start.month in (months, months + 1)
    # Every day of [start, until) is covered, until itself is not.
    assert rules.restriction_covers("suspension", start, until, until - timedelta(days=1))
    assert not rules.restriction_covers("suspension", start, until, until)


def test_months_count_to_the_month_end_when_there_is_no_corresponding_day():
    assert rules.months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.sanction_period("suspension", date(2026, 1, 31), 1) == (
        date(2026, 1, 31),
        date(2026, 3, 1),
    )
    assert rules.shown_until(date(2026, 11, 11), "warning", None) == date(2027, 5, 12)


@given(
    st.booleans(),
    st.booleans(),
    st.one_of(st.none(), DAYS),
    st.one_of(st.none(), DAYS),
    DAYS,
    st.sampled_from([None, "suspension", "removal"]),
)
def test_standing_names_a_sanction_only_for_a_selection_within_its_validity(
    selected, active, since, until, today, restriction
):
    got = standing(
        selected=selected,
        active=active,
        since=since,
        until=until,
        today=today,
        restriction=restriction,
    )
    if not selected:
        assert got is Standing.RESERVE
    elif got in (Standing.SUSPENDED, Standing.REMOVED):
        assert not active or since is None or since > today
        assert since is not None and (until is None or today < until)
        assert got is (Standing.REMOVED if restriction == "removal" else Standing.SUSPENDED)
    if restriction is None:
        assert got not in (Standing.SUSPENDED, Standing.REMOVED)


NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
END = datetime(2026, 12, 14, 16, 0, tzinfo=UTC)  # 12-15 00:00 +08:00


def test_no_decision_during_the_statement_period_unless_stated_and_never_twice():
    with pytest.raises(rules.RuleError, match="陈述申辩期至2026-12-14结束"):
        rules.require_decidable(rules.CaseFacts(END), NOW)
    rules.require_decidable(rules.CaseFacts(END, stated_at=NOW), NOW)
    rules.require_decidable(rules.CaseFacts(END), END)
    with pytest.raises(rules.RuleError, match="不能重复决定"):
        rules.require_decidable(rules.CaseFacts(END, decided_at=END, outcome="none"), END)


@pytest.mark.parametrize(
    ("role", "owns", "state", "ok"),
    [
        ("contractor", True, rules.SanctionState.CURRENT, True),
        ("contractor", False, rules.SanctionState.CURRENT, False),
        ("owner", False, rules.SanctionState.CURRENT, False),
        ("supervisor", False, rules.SanctionState.CURRENT, False),
        ("contractor", True, rules.SanctionState.ARCHIVED, False),
        ("staff", False, rules.SanctionState.ARCHIVED, True),
        ("staff", False, rules.SanctionState.UNPUBLISHED, False),
    ],
)
def test_who_may_ask_for_a_correction(role, owns, state, ok):
    if ok:
        rules.require_correction_allowed(role, owns, state)
    else:
        with pytest.raises(rules.RuleError):
            rules.require_correction_allowed(role, owns, state)


@pytest.mark.parametrize("days", [2, 0, -1, 61, 10**12, True, "5", None])
def test_a_statement_period_outside_3_to_60_working_days_is_refused(days):
    with pytest.raises(rules.RuleError):
        rules.check_statement_days(days)
