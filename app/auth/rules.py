"""Login throttling, pure: from an (account, address) pair's failures to its earliest next attempt.

The rule (README, "Login throttling"): failures are counted per pair of login name and client
address. The first `free_failures` cost nothing; from then on each further attempt from that
address waits `delay`, doubling with every failure, never longer than `cap`. A success resets the
pair; failures older than `forget_after` are forgotten. Nothing is ever locked: a stranger's
failures from their address delay only that address, so the real user logging in from anywhere
else is never held up, and a right password from an address with no recent failures always works.
Unknown login names are throttled exactly like known ones, so the answers never tell them apart.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class LoginState(enum.StrEnum):
    """Where a pair stands at a moment."""

    FRESH = "fresh"  # no failures remembered
    TRIED = "tried"  # failures remembered, but the next attempt may be made now
    DELAYED = "delayed"  # the next attempt must wait until `next_attempt_at`


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5
    delay: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.free_failures < 1 or self.delay <= timedelta(0) or self.cap < self.delay:
            raise ValueError("a policy needs free_failures ≥ 1 and 0 < delay ≤ cap")
        if self.forget_after < self.cap:
            raise ValueError("forget_after must be at least the cap, or the cap is never reached")


@dataclass(frozen=True)
class Failures:
    """A pair's failed attempts: how many, and the last one's time (UTC)."""

    count: int = 0
    last_at: datetime | None = None


NO_FAILURES = Failures()
_MICROSECOND = timedelta(microseconds=1)


def delay_after(count: int, policy: ThrottlePolicy) -> timedelta:
    """The wait after `count` failures: none within the free allowance, then doubling, capped."""
    if count < policy.free_failures:
        return timedelta(0)
    doublings = count - policy.free_failures
    # Compare before multiplying: the doubled delay soon outgrows what a timedelta can hold.
    delay_us, cap_us = policy.delay // _MICROSECOND, policy.cap // _MICROSECOND
    if doublings >= 64 or delay_us << doublings >= cap_us:
        return policy.cap
    return policy.delay * 2**doublings


def remembered(failures: Failures, now: datetime, policy: ThrottlePolicy) -> Failures:
    """The failures that still count at `now` (all of them, or none once forgotten)."""
    if failures.last_at is None or now - failures.last_at >= policy.forget_after:
        return NO_FAILURES
    return failures


def forgotten_up_to(now: datetime, policy: ThrottlePolicy) -> datetime:
    """Failures last made at or before this moment are forgotten (the database's atomic count)."""
    return now - policy.forget_after


def next_attempt_at(failures: Failures, now: datetime, policy: ThrottlePolicy) -> datetime | None:
    """The earliest moment of the pair's next attempt, or None when it may always try."""
    kept = remembered(failures, now, policy)
    wait = delay_after(kept.count, policy)
    return kept.last_at + wait if kept.last_at is not None and wait else None


def login_state(failures: Failures, now: datetime, policy: ThrottlePolicy) -> LoginState:
    if remembered(failures, now, policy).count == 0:
        return LoginState.FRESH
    earliest = next_attempt_at(failures, now, policy)
    return LoginState.DELAYED if earliest is not None and now < earliest else LoginState.TRIED


def after_failure(failures: Failures, now: datetime, policy: ThrottlePolicy) -> Failures:
    """One more failure at `now` (the count restarts once the old ones are forgotten)."""
    return Failures(remembered(failures, now, policy).count + 1, now)


def after_success(failures: Failures) -> Failures:
    """A right password clears the pair."""
    return NO_FAILURES


def starts_delay(count: int, policy: ThrottlePolicy) -> bool:
    """True for the one failure that first makes the pair wait (audited once per episode)."""
    return count == policy.free_failures
