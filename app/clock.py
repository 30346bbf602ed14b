"""The one source of "now": every rule and service asks this module, and tests can set it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware in UTC (or the moment a test set)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def stamp() -> datetime:
    """Now to the second: what services store as the moment of a step (shown and exported to the
    second, and equal on both databases)."""
    return now().replace(microsecond=0)


def today() -> date:
    """Today's local date in Asia/Shanghai: publicity dates are local dates (DESIGN.md)."""
    return now().astimezone(TZ).date()


def set_now(moment: datetime) -> None:
    """Freeze the clock at `moment` (aware). For tests and for building demo history."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("set_now needs an aware datetime")
    _frozen = moment.astimezone(UTC)


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward."""
    if _frozen is None:
        raise RuntimeError("the clock is not frozen")
    set_now(_frozen + delta)


def reset() -> None:
    """Back to the real time."""
    global _frozen
    _frozen = None


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Run a block with the clock frozen at `moment`, restoring the previous state after."""
    global _frozen
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        _frozen = previous


def local(moment: datetime) -> datetime:
    """A stored UTC moment as Asia/Shanghai local time, for display and for local dates."""
    return moment.astimezone(TZ)
