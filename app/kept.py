"""Parts of public pages kept per process while what they are written from is unchanged (issue
14): the home page's lists (app.home), a notice's article (notices.article), a project's
(contracts.article). Each request reads every input of its part — rows as the driver gives
them, the offices, a setting — and the part is reused only while they are all equal to what it
was written from and the clock is within the span in which nothing written from it changes;
so a change, however made (a service, SQL by hand, another process), shows on the next request.
What is saved is reading the rows into objects and the template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from app import clock


@dataclass(frozen=True, slots=True)
class _Kept:
    inputs: tuple
    since: datetime
    until: datetime
    value: object


class KeptWhile:
    """The parts of one kind, kept in an app's `extensions[name]` by their slot (what they are
    per: a notice, a language, an address…; None: never kept), at most `limit` (the store is
    emptied when full)."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit

    def get(self, slot, inputs: tuple, now: datetime):
        """The part kept in `slot` if it was written from `inputs` (compared item by item, the
        same object first: the offices are one object while their table is unchanged) and
        `now` is within its span; else None."""
        if slot is None:
            return None
        last = current_app.extensions.get(self.name, {}).get(slot)
        if last is not None and last.since <= now < last.until and last.inputs == inputs:
            return last.value
        return None

    def put(self, slot, inputs: tuple, since: datetime, until: datetime, value) -> None:
        """Keep `value`, written from `inputs`, for the clock from `since` until `until`
        (exclusive). The page read the clock after its `since`: nothing is kept if `until` came
        meanwhile."""
        if slot is None or clock.now() >= until:
            return
        kept = current_app.extensions.setdefault(self.name, {})
        if len(kept) >= self.limit:
            kept.clear()
        kept[slot] = _Kept(inputs, since, until, value)
