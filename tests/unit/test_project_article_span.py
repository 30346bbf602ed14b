"""The span in which a kept project article is reused (contracts.article._span): for any moments
and any clock, every moment of the span sees the same moments passed — so whatever changes at a
moment (a deadline reached, a window opened or closed) reads the same anywhere in it — and the
span reaches from the last moment passed to the next one to come."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from contracts.article import _span

_BASE = datetime(2026, 12, 1, tzinfo=UTC)
_minutes = st.integers(min_value=-100_000, max_value=100_000)


def _at(minutes: int) -> datetime:
    return _BASE + timedelta(minutes=minutes)


@given(st.lists(_minutes, max_size=12), _minutes, st.lists(_minutes, min_size=1, max_size=20))
def test_every_moment_of_the_span_has_the_same_moments_passed(moments, now, probes):
    moments = [_at(m) for m in moments]
    now = _at(now)
    since, until = _span(moments, now)
    assert since <= now < until
    passed = {m for m in moments if m <= now}
    for probe in (_at(p) for p in probes):
        if since <= probe < until:
            assert {m for m in moments if m <= probe} == passed
    # Not narrower than it must be: its ends are moments (or the ends of time).
    assert since in passed or (not passed and since == datetime.min.replace(tzinfo=UTC))
    assert until in moments or until == datetime.max.replace(tzinfo=UTC)


def test_a_moment_at_the_clock_has_passed():
    """`now >= responses_close_at` closes the responses: at the deadline itself it has come."""
    deadline = _at(0)
    assert _span([deadline], deadline) == (deadline, datetime.max.replace(tzinfo=UTC))
    assert _span([deadline], _at(-1)) == (datetime.min.replace(tzinfo=UTC), deadline)
