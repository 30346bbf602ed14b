"""The pool's members: THE query `active_members` (it applies `rules.is_active_member` and the
registered suspension sources), the public roster and `GET /api/v1/pool`'s pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import Flask, request
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.keyset import ListWindow, list_window
from app.offices import queries as offices
from app.offices.models import Office
from app.offices.scope import find_office
from app.urls import page_arg
from app.wiring import registry
from contractors import rules
from contractors.models import (
    Contractor,
    PoolCall,
    PoolCallCategory,
    PoolCategory,
    PoolSelection,
)

from .companies import publicly_listed

#: Where suspensions come from: (contractor ids, day, district id) → contractor id → periods
#: (local dates) that suspend or remove them from THAT district's pool (a sanction decided by
#: district A acts on A's pool only). Sanctions register theirs in their `init_app`
#: (contractors.sanctions.queries.suspensions).
SuspensionSource = Callable[[list[int], date, int | None], dict[int, list[rules.Period]]]
#: Registry (app.wiring): name → SuspensionSource.
SUSPENSION_SOURCES = "contractors.suspension_sources"


def register_suspension_source(app: Flask, name: str, source: SuspensionSource) -> None:
    """Let another part (sanctions) suspend or remove members: `active_members` applies it."""
    registry(SUSPENSION_SOURCES, app)[name] = source


@dataclass(frozen=True)
class Member:
    """An active pool member of a category, as the roster, the API and SMS see it."""

    contractor_id: int
    uscc: str
    name: str
    mobile: str
    category: str
    category_name: str
    #: Local dates: first active day (inclusive), first day no longer active (exclusive).
    since: date
    until: date
    #: The district whose pool it is a member of (its call's office).
    district_id: int | None = None


def active_members(
    category_code: str | None,
    on: date | None = None,
    *,
    district_id: int | None = None,
    contractor_id: int | None = None,
) -> list[Member]:
    """The pool members active on `on` (today by default) in a category (all when None), by
    category then USCC. Every consumer uses this — and so follows `rules.is_active_member`.

    `district_id`: the district whose pool it is (its calls' rosters) — a project passes its
    district's (THE rule: a platform's project draws from its district's pool); None reads every
    district's pool (the deployment-wide roster). `contractor_id`: one company's memberships
    only (its record reads its own, not a province's fifty thousand)."""
    on = on or clock.today()
    # Columns, not entities: a district's roster is 500 rows, and building and identity-mapping
    # a PoolSelection, a Contractor and a PoolCategory per row was half of the page (issue 14).
    stmt = (
        select(
            PoolSelection.since,
            PoolSelection.until,
            Contractor.id,
            Contractor.uscc,
            Contractor.name,
            Contractor.contact_mobile,
            PoolCategory.code,
            PoolCategory.name,
            PoolCall.office_id,
        )
        .join(Contractor, PoolSelection.contractor_id == Contractor.id)
        .join(PoolCallCategory, PoolSelection.call_category_id == PoolCallCategory.id)
        .join(PoolCategory, PoolCallCategory.category_id == PoolCategory.id)
        .join(PoolCall, PoolCallCategory.call_id == PoolCall.id)
        .where(
            PoolSelection.status == rules.SelectionStatus.SELECTED,
            PoolSelection.since.is_not(None),
            PoolSelection.since <= on,
            PoolSelection.until > on,
        )
        .order_by(PoolCategory.sort_order, Contractor.uscc, PoolCall.office_id)
    )
    if category_code:
        stmt = stmt.where(PoolCategory.code == category_code)
    if district_id is not None:
        stmt = stmt.where(PoolCall.office_id == district_id)
    if contractor_id is not None:
        stmt = stmt.where(PoolSelection.contractor_id == contractor_id)
    rows = db.session.execute(stmt).all()
    # A sanction acts on the pool of the district that decided it: suspensions are asked per
    # district and apply to that district's memberships only.
    ids_by_district: dict[int | None, set[int]] = {}
    for row in rows:
        ids_by_district.setdefault(row.office_id, set()).add(row.id)
    suspended: dict[tuple[int | None, int], list[rules.Period]] = {}
    for source in registry(SUSPENSION_SOURCES).values():
        for district, ids in ids_by_district.items():
            for cid, periods in source(sorted(ids), on, district).items():
                suspended.setdefault((district, cid), []).extend(periods)
    members, seen = [], set()
    for since, until, cid, uscc, name, mobile, code, category_name, district in rows:
        period = rules.Period(since, until)
        if not rules.is_active_member(period, on, suspended.get((district, cid), ())):
            continue
        # Two calls' rosters of one district overlapping: one membership shown.
        if (district, code, cid) in seen:
            continue
        seen.add((district, code, cid))
        members.append(Member(cid, uscc, name, mobile, code, category_name, since, until, district))
    return members


def pool_district(code: str | None) -> Office | None:
    """The district whose pool `?office=<code>` names: a district's code, or a street/town
    platform's (whose projects draw from its district's pool). None for an unknown code."""
    office = offices.by_code((code or "").strip()[:40])
    if office is None or office.is_district:
        return office
    return find_office(office.parent_id)


def districts_by_id() -> dict[int, Office]:
    """Every district by id: the roster and the API name each member's district."""
    return {o.id: o for o in offices.districts()}


def public_members(category_code: str | None, district_id: int | None = None) -> list[Member]:
    """Today's active members as the public sees them (the roster page, `GET /api/v1/pool`), of
    one district's pool or of every district's (None): `active_members` under
    `rules.is_publicly_listed` — a member applied, so it always is; the rule is applied here so
    no public list can show a company the rule hides."""
    members = active_members(category_code, district_id=district_id)
    listed = publicly_listed({m.contractor_id for m in members})
    return [m for m in members if m.contractor_id in listed]


def member_since(m: Member) -> datetime:
    """The moment a membership began: 00:00 (Beijing) of its first active day — the roster's
    publication makes it a member from that day."""
    return datetime.combine(m.since, time(0), clock.TZ)


def pool_page(
    category_code: str | None,
    per_page: int,
    district_id: int | None = None,
    since: datetime | None = None,
) -> ListWindow:
    """`GET /api/v1/pool`: a cursor page of today's active members (of one district's pool),
    ordered by district, category and USCC; with `since`, those whose membership began at or
    after it (`member_since`).

    Every district's pool together is a province's fifty thousand members: a page reads only the
    districts it reaches — the cursor's district first (`public_members` of one district, a few
    statements and a few hundred rows), then the next district with a pool valid today, until
    the page and one more member are found. `?page=N` of older links reads the whole list."""
    raw = request.args.get("after")
    start = _parse_pool_token(raw) if raw else None
    if start is None and page_arg() > 1:
        members = _since(public_members(category_code, district_id), since)
        return list_window(
            members, per_page, key=_pool_key, token=_pool_token, parse=_parse_pool_token
        )
    districts = [district_id] if district_id is not None else pool_districts(clock.today())
    found: list[Member] = []
    for district in districts:
        if start is not None and district < start[0]:
            continue
        members = sorted(_since(public_members(category_code, district), since), key=_pool_key)
        found += [m for m in members if start is None or _pool_key(m) > start]
        if len(found) > per_page:
            break
    shown = found[:per_page]
    return ListWindow(shown, len(found) > per_page, _pool_token(shown[-1]) if shown else None)


def _since(members: list[Member], since: datetime | None) -> list[Member]:
    return members if since is None else [m for m in members if member_since(m) >= since]


def pool_districts(on: date) -> list[int]:
    """The districts with a pool valid on `on`, by id: the only ones that can have active
    members that day (a membership lies within its pool's validity) — one statement over the
    calls, not the members."""
    return list(
        db.session.scalars(
            select(PoolCall.office_id)
            .where(PoolCall.valid_from <= on, PoolCall.valid_until >= on)
            .distinct()
            .order_by(PoolCall.office_id)
        )
    )


def _pool_key(m: Member) -> tuple[int, str, str]:
    return (m.district_id or 0, m.category, m.uscc)


def _pool_token(m: Member) -> str:
    return ".".join(str(part) for part in _pool_key(m))


_POOL_TOKEN = re.compile(r"^(\d{1,9})\.([A-Za-z0-9_-]{1,20})\.([0-9A-Za-z]{1,18})$", re.ASCII)


def _parse_pool_token(text: str) -> tuple[int, str, str] | None:
    found = _POOL_TOKEN.match(text)
    return (int(found[1]), found[2], found[3]) if found else None
