"""Login throttling rule (app/auth/rules.py): delays grow with failures, are capped, reset on
success, are forgotten after a quiet hour, and one address's failures never touch another's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth import rules
from app.auth.rules import Failures, LoginState, ThrottlePolicy

POLICY = (
    ThrottlePolicy()
)  # 5 free failures, then 10 s doubling, capped at 15 min, forgotten after 1 h
T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)

counts = st.integers(min_value=0, max_value=10_000)
policies = st.builds(
    ThrottlePolicy,
    free_failures=st.integers(1, 20),
    delay=st.integers(1, 600).map(lambda s: timedelta(seconds=s)),
    cap=st.integers(600, 3600).map(lambda s: timedelta(seconds=s)),
    forget_after=st.integers(3600, 86400).map(lambda s: timedelta(seconds=s)),
)
gaps = st.integers(min_value=0, max_value=7200).map(lambda s: timedelta(seconds=s))


def replay(events, policy=POLICY):
    """Apply (address, ok, gap) events in order; return each address's failures and the time."""
    book: dict[str, Failures] = {}
    now = T0
    for address, ok, gap in events:
        now += gap
        current = book.get(address, rules.NO_FAILURES)
        book[address] = (
            rules.after_success(current) if ok else rules.after_failure(current, now, policy)
        )
    return book, now


def test_the_first_failures_are_free_then_the_delay_doubles_up_to_the_cap():
    waits = [rules.delay_after(n, POLICY).total_seconds() for n in range(0, 14)]
    assert waits == [0, 0, 0, 0, 0, 10, 20, 40, 80, 160, 320, 640, 900, 900]


@given(policies, counts)
def test_the_delay_never_shrinks_with_another_failure(policy, count):
    assert rules.delay_after(count + 1, policy) >= rules.delay_after(count, policy)


@given(policies, counts)
def test_the_delay_is_never_longer_than_the_cap(policy, count):
    assert timedelta(0) <= rules.delay_after(count, policy) <= policy.cap


@given(policies, st.integers(1, 200), gaps)
def test_a_pair_waits_exactly_the_delay_of_its_failures(policy, count, gap):
    failures = Failures(count, T0)
    now = T0 + gap
    state = rules.login_state(failures, now, policy)
    if gap >= policy.forget_after:
        assert state is LoginState.FRESH
    elif gap < rules.delay_after(count, policy):
        assert state is LoginState.DELAYED
        assert rules.next_attempt_at(failures, now, policy) == T0 + rules.delay_after(count, policy)
    else:
        assert state is LoginState.TRIED


@given(st.lists(st.tuples(st.just("a"), st.booleans(), gaps), max_size=40))
def test_a_success_resets_the_pair(events):
    book, now = replay([*events, ("a", True, timedelta(0))])
    assert rules.login_state(book["a"], now, POLICY) is LoginState.FRESH
    assert rules.next_attempt_at(book["a"], now, POLICY) is None


@given(st.integers(1, 500), gaps)
def test_failures_are_forgotten_after_a_quiet_spell(count, gap):
    failures = Failures(count, T0)
    later = T0 + POLICY.forget_after + gap
    assert rules.login_state(failures, later, POLICY) is LoginState.FRESH
    assert rules.after_failure(failures, later, POLICY) == Failures(1, later)


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.booleans(), gaps), max_size=60),
)
def test_one_address_failures_never_change_another_address_state(events):
    """Whatever a stranger does from other addresses, address "a" stands where its own attempts put it."""
    book, now = replay(events)
    # The same events with everyone else's attempts removed (their time still passes).
    alone: Failures = rules.NO_FAILURES
    moment = T0
    for address, ok, gap in events:
        moment += gap
        if address == "a":
            alone = rules.after_success(alone) if ok else rules.after_failure(alone, moment, POLICY)
    assert book.get("a", rules.NO_FAILURES) == alone
    assert rules.login_state(book.get("a", rules.NO_FAILURES), now, POLICY) == rules.login_state(
        alone, now, POLICY
    )


def test_a_right_password_from_a_fresh_address_is_never_delayed():
    assert rules.login_state(rules.NO_FAILURES, T0, POLICY) is LoginState.FRESH
    assert rules.next_attempt_at(rules.NO_FAILURES, T0, POLICY) is None


def test_only_the_failure_that_starts_the_delay_is_the_audited_one():
    assert [n for n in range(1, 30) if rules.starts_delay(n, POLICY)] == [POLICY.free_failures]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"free_failures": 0},
        {"delay": timedelta(0)},
        {"cap": timedelta(seconds=1)},
        {"forget_after": timedelta(minutes=1)},
    ],
)
def test_a_policy_that_could_not_work_is_refused(kwargs):
    with pytest.raises(ValueError):
        ThrottlePolicy(**kwargs)
