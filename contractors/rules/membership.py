"""THE rule of who is an active member of the pool on a date."""

from __future__ import annotations

import enum
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


# ---- a selection's standing, as the public record shows it -------------------------------------


class Standing(enum.StrEnum):
    """Where a company stands on one of its selections, on a given day (its public record)."""

    ACTIVE = "active"  # 在库: selected, and an active member today
    RESERVE = "reserve"  # 候补
    PENDING = "pending"  # 入围, the roster not yet published (no first active day yet)
    UPCOMING = "upcoming"  # 入围, its first active day still to come (a reserve entering)
    EXPIRED = "expired"  # the pool's validity has ended
    SUSPENDED = "suspended"  # 暂停: within validity, a suspension covers today
    REMOVED = "removed"  # 清出: within validity, removed from the pool by a sanction
    INACTIVE = "inactive"  # selected and within validity, yet not active for another reason


def standing(
    *,
    selected: bool,
    active: bool,
    since: date | None,
    until: date | None,
    today: date,
    restriction: str | None = None,
) -> Standing:
    """The standing of one selection on `today`; `active` is THE rule's answer (is_active_member
    via contractors.queries.active_members) for its company and category; `restriction` names
    the sanction keeping the company out today ("suspension" or "removal"), if any."""
    if not selected:
        return Standing.RESERVE
    if active and since is not None and since <= today:
        return Standing.ACTIVE
    if since is None:
        return Standing.PENDING
    if until is not None and until <= today:
        return Standing.EXPIRED
    if restriction == "removal":
        return Standing.REMOVED
    if restriction == "suspension":
        return Standing.SUSPENDED
    if since > today:
        return Standing.UPCOMING
    return Standing.INACTIVE


#: Each standing's words (Chinese, English); a reserve's carry its place (`standing_label`).
STANDING_LABELS = {
    Standing.ACTIVE: ("入围，在库", "Selected, in the pool"),
    Standing.PENDING: ("入围，待名单发布", "Selected, roster not yet published"),
    Standing.UPCOMING: ("入围，尚未到在库日期", "Selected, not yet in the pool"),
    Standing.EXPIRED: ("已到期", "Expired"),
    Standing.SUSPENDED: ("暂停交易资格", "Suspended"),
    Standing.REMOVED: ("已清出名录库", "Removed from the pool"),
    Standing.INACTIVE: ("暂停或清出", "Suspended or removed"),
}


def standing_label(status: Standing, position: int, since: date | None = None) -> tuple[str, str]:
    """THE words of a company's standing on one selection, (Chinese, English): every page that
    tells a company where it stands (its public record, its account, its projects) says this.
    `position` is its place among the selected, or among the reserves for a reserve; `since`
    its first active day (said while it is still to come)."""
    if status is Standing.RESERVE:
        return (f"第{position}候补，未入围", f"Reserve no. {position}, not selected")
    if status is Standing.UPCOMING and since is not None:
        day = since.isoformat()
        return (f"入围，{day}起在库", f"Selected, in the pool from {day}")
    return STANDING_LABELS[status]
