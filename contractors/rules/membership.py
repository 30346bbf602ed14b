"""THE rule of who is an active member of the pool on a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# ---- membership: THE rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local dates: `start` inclusive, `end` exclusive (None: open-ended)."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def member_period(roster_published_on: date, valid_from: date, valid_until: date) -> Period:
    """A selected contractor is active from the roster notice's date (not before the pool's
    validity starts) to the end of the pool's validity: `valid_until` is printed inclusive, so
    the period ends (exclusive) the day after — the `until` of `GET /api/v1/pool`, in the same
    convention as sanctions' `until` (DESIGN.md, Public API)."""
    return Period(max(roster_published_on, valid_from), valid_until + timedelta(days=1))


def is_active_member(
    membership: Period | None, on: date, suspensions: Iterable[Period] = ()
) -> bool:
    """Whether a pool member is active on `on`: inside its membership and under no suspension.

    THE one rule every consumer (SMS, response commitments, award draws, the API) follows through
    `contractors.queries.active_members`. `suspensions` are the periods a sanction suspends or
    removes the member (end None: removed for good); a later issue feeds them, and nothing else
    changes. `membership` None: not selected (a reserve, or before the roster).
    """
    if membership is None or not membership.covers(on):
        return False
    return not any(s.covers(on) for s in suspensions)
