"""The statistics kept per process, computed once per change of the rollup: the award draws'
fairness test, the page's other figures and the notice-to-letter distributions.

The test is a function of a year's `entry` and `response` rollup rows of a scope (one office, a
district's offices, or every office): thousands of companies at a million notices, each with its
exact tail probability, and Holm over all of them (issue 14). The rows change only when an award
meeting or a refusal to sign changes them, and that transaction also moves the scope's data
version (contracts.models.StatVersion). A request reads the version first — one primary-key
statement — and reuses the test computed at that very version, else computes it and keeps it: a
result is never served for rows it was not computed from, in this process or another (each
process reads the same counter), and a few scopes are kept, the least recently used dropped.

The other figures of a scope (its months, categories, rates and pairs of days) are kept the same
way, at the same version (`kept`), and so are the notice-to-letter distributions — those also by
the working-day calendar they were counted on (`letters`), which a year confirmed later changes
without a meeting: each is a function of the rollup's rows, which grow with the year's history
(the pairs of days by the hundred), not of anything the request brings.

The test is kept without the companies' names, which are not part of it and may change without a
draw: a page reads the names of the rows it shows (`named`), the API those of every company.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from contracts import rules
from contracts.models import EVERY_OFFICE, StatRollup, StatVersion

#: Scopes (year, offices) kept per process: every office's test is a few MB at a million
#: notices, an office's far less.
MEMO_SCOPES = 16
#: Scopes of the other figures and of the notice-to-letter distributions kept per process: a
#: few kB each, and every office of a province has its own page.
FIGURE_SCOPES = 1024

#: The years a page may ask for: the platform's first and a generous last.
FIRST_YEAR, LAST_YEAR = 2000, 2099

#: (year or None for every year, offices or None for every office) and what else the value
#: depends on (the calendar's key for a distribution).
Scope = tuple
T = TypeVar("T")


#: Names by credit code, the codes one parameter whatever their number (no chunks, and no
#: thousands of placeholders to render): a PostgreSQL array, a JSON array for SQLite. Either
#: way each code is a lookup in the unique index of `uscc` (or, for thousands, one pass over
#: the registered companies). Sent on the DBAPI cursor (issue 14): the API names every company
#: of the year on each request, and SQLAlchemy's rows cost as much as the read itself.
_NAMES = {
    "postgresql": "SELECT uscc, name FROM contractors WHERE uscc = ANY(%s::varchar[])",
    "sqlite": "SELECT uscc, name FROM contractors WHERE uscc IN (SELECT value FROM json_each(?))",
}


class VersionMemo:
    """The last few scopes' values (a test, a scope's figures), each with the data version it was
    computed at and what was derived from it (`derived`), thread-safe."""

    def __init__(self, size: int = MEMO_SCOPES) -> None:
        self.size = size
        self._kept: OrderedDict[Scope, tuple[int, object, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, scope: Scope, version: int):
        with self._lock:
            kept = self._kept.get(scope)
            if kept is None or kept[0] != version:
                return None
            self._kept.move_to_end(scope)
            return kept[1]

    def put(self, scope: Scope, version: int, value) -> None:
        with self._lock:
            kept = self._kept.get(scope)
            # A slower request that read an older version must not replace a newer result.
            if kept is not None and kept[0] > version:
                return
            self._kept[scope] = (version, value, {})
            self._kept.move_to_end(scope)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def derived(self, value, name: str, build: Callable[[], T]) -> T:
        """`build()`, kept with `value` while it is kept (the API's rows of a test's companies):
        a function of the value alone, so it is as fresh as the value. Built each time for a
        value that is not kept."""
        with self._lock:
            extras = next((e for _v, f, e in self._kept.values() if f is value), None)
            if extras is not None and name in extras:
                return extras[name]
        value = build()
        if extras is not None:
            with self._lock:
                extras.setdefault(name, value)
        return value


def memo(kind: str = "fairness") -> VersionMemo:
    """The application's memo of a kind of value (one per app, i.e. per worker process): the
    tests (`fairness`), or the other figures (`figures`) and distributions (`letters`)."""
    memos = current_app.extensions.setdefault("stats_memo", {})
    found = memos.get(kind)
    if found is None:
        found = memos.setdefault(
            kind, VersionMemo(MEMO_SCOPES if kind == "fairness" else FIGURE_SCOPES)
        )
    return found


def _offices(office_ids: list[int] | None) -> list[int]:
    return [EVERY_OFFICE] if office_ids is None else office_ids


def scope_of(year: int | None, office_ids: list[int] | None) -> Scope:
    """The memo's key of a year (None: every year) and offices (None: every office)."""
    return (year, None if office_ids is None else tuple(sorted(set(office_ids))))


def data_version(year: int | None, office_ids: list[int] | None) -> int:
    """The scope's data version: the sum of its offices' counters (the every-office counter for
    every office), of `year` or of every year (None). Each counter only grows, so any change in
    the scope makes the sum grow. Every year is said as the years there can be, so that each
    (year, office) is a lookup of the primary key rather than a read of the whole table."""
    years = range(FIRST_YEAR, LAST_YEAR + 1) if year is None else [year]
    return db.session.scalar(
        select(func.coalesce(func.sum(StatVersion.version), 0)).where(
            StatVersion.year.in_(years), StatVersion.office_id.in_(_offices(office_ids))
        )
    )


def kept(kind: str, scope: Scope, version: int, build: Callable[[], T]) -> T:
    """`build()` as kept for `scope` at `version` in the memo of `kind`, else built and kept:
    `build` must read nothing but the rollup's rows of the scope (and what `scope` names)."""
    found = memo(kind).get(scope, version)
    if found is None:
        found = build()
        memo(kind).put(scope, version, found)
    return found


def _computed(year: int, office_ids: list[int] | None) -> rules.Fairness:
    """The test from the rollup's `entry` and `response` rows: one statement, then the pure
    computation. Each company is named by its code here (`named` gives the name)."""
    n = func.sum(StatRollup.n)
    companies: dict[str, dict] = {}
    responses: dict[str, int] = {}
    for figure, key, count, wins in db.session.execute(
        select(StatRollup.figure, StatRollup.key, n, func.sum(StatRollup.wins))
        .where(
            StatRollup.year == year,
            StatRollup.office_id.in_(_offices(office_ids)),
            StatRollup.figure.in_(["entry", "response"]),
        )
        .group_by(StatRollup.figure, StatRollup.key)
        .having(n > 0)
    ):
        if figure == "response":
            responses[key] = int(count)
            continue
        uscc, size, winners = key.split(" ")
        c = companies.setdefault(uscc, {"entries": [], "wins": 0})
        c["entries"].append((int(size), int(winners), int(count)))
        c["wins"] += int(wins or 0)
    entries = [
        rules.DrawEntries(
            uscc, uscc, tuple(sorted(c["entries"])), c["wins"], responses.get(uscc, 0)
        )
        for uscc, c in sorted(companies.items())
    ]
    # Every award draw has exactly one winner, so the draws are the wins counted.
    return rules.company_fairness(entries, draws=sum(e.wins for e in entries))


def fairness(year: int, office_ids: list[int] | None, version: int | None = None) -> rules.Fairness:
    """The scope's test as of now: kept if its data version (read unless given) has not moved,
    else computed and kept (its companies named by their codes — see `named`)."""
    if version is None:
        version = data_version(year, office_ids)
    return kept(
        "fairness", scope_of(year, office_ids), version, lambda: _computed(year, office_ids)
    )


def names(codes: Sequence[str]) -> dict[str, str]:
    """Company names by credit code: one statement."""
    codes = list(codes)
    if not codes:
        return {}
    connection = db.session.connection()  # the session's transaction, as any other read
    dialect = connection.dialect.name
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_NAMES[dialect], (codes if dialect == "postgresql" else json.dumps(codes),))
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def named(companies: Sequence[rules.CompanyFairness]) -> list[rules.CompanyFairness]:
    """`companies` with their names as registered now (one statement for a page's rows);
    a company no longer registered keeps its code as its name."""
    found = names([c.uscc for c in companies])
    return [replace(c, name=found.get(c.uscc, c.uscc)) for c in companies]
