"""Which offices an account covers, as guards for the services and filters for the queries.

Every service that changes an office's record calls `require_scope` (or `require_district`)
with the record's office: a street clerk calling a service for another street's project is
refused there, whatever a view shows. Lists filter with `scope_clause`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, select

from app.auth.roles import Role
from app.extensions import db

from . import rules
from .models import Office


def _known() -> dict[int, Office]:
    """The offices this session has loaded, held strongly (the identity map holds objects weakly,
    so a page naming an office per row would load it again and again): every office at the
    first use — a deployment has about a hundred — and any created since, one by one."""
    known = db.session.info.get("offices")
    if known is None:
        known = db.session.info["offices"] = {o.id: o for o in db.session.scalars(select(Office))}
    return known


def find_office(office_id: int | None) -> Office | None:
    """The office of that id, or None (no id, or no such office)."""
    if office_id is None:
        return None
    known = _known()
    office = known.get(office_id)
    if office is None:
        office = db.session.get(Office, office_id)
        if office is not None:
            known[office_id] = office
    return office


def office_of(actor) -> Office | None:
    """The office of an account (None for a company, the system or a deployment administrator)."""
    return find_office(getattr(actor, "office_id", None))


def place_of(actor) -> rules.Place | None:
    office = office_of(actor)
    return office.place if office is not None else None


def _is_unbound(actor) -> bool:
    """The system (no actor) and a deployment administrator (an admin without an office) are
    bound to no office."""
    return actor is None or (
        getattr(actor, "role", None) == Role.ADMIN and getattr(actor, "office_id", None) is None
    )


def get_office(office_id: int) -> Office:
    office = find_office(office_id)
    if office is None:
        raise LookupError(f"office {office_id}")
    return office


def covers(actor, office_id: int | None) -> bool:
    """Whether `actor` acts on (and reads) records of office `office_id`."""
    if _is_unbound(actor):
        return True
    holder = place_of(actor)
    if holder is None or office_id is None:
        return False
    return rules.covers(holder, get_office(office_id).place)


def require_scope(actor, office_id: int | None, error: Callable, zh: str, en: str) -> None:
    """Refuse with `error` unless `actor` covers the office of the record it acts on, e.g.
    `require_scope(actor, project.office_id, TradingForbidden, "发布交易公告", "publish a trading
    notice")`. A company's account covers no office: its own rules admit it (THE rule)."""
    if covers(actor, office_id):
        return
    raise error(
        f"只有本平台或其所属区公管办可以{zh}：该记录属于其他机构",
        f"Only its own platform or its district office may {en}: this record belongs to"
        " another office",
    )


def require_district(actor, district_id: int, error: Callable, zh: str, en: str) -> None:
    """Refuse with `error` unless `actor` acts as the district `district_id` itself (its pool,
    complaints, sanctions and supervision are never a platform's)."""
    if _is_unbound(actor):
        return
    holder = place_of(actor)  # None here: an account of no office (a company's), never a district
    if holder is not None and rules.is_district_office(holder, district_id):
        return
    raise error(
        f"只有该区公管办可以{zh}",
        f"Only the district office may {en}",
    )


def scope_ids(actor) -> list[int] | None:
    """The ids of the offices `actor` covers (None: every office)."""
    if _is_unbound(actor):
        return None
    office = office_of(actor)
    if office is None:
        return []
    if office.is_district:
        return [
            office.id,
            *db.session.scalars(select(Office.id).where(Office.parent_id == office.id)),
        ]
    return [office.id]


def scope_clause(column, actor):
    """A WHERE clause keeping the rows of `column` (an office_id column) that `actor` covers;
    None when it covers every office."""
    ids = scope_ids(actor)
    return None if ids is None else column.in_(ids)


def district_of(office_id: int) -> Office:
    office = get_office(office_id)
    return office if office.is_district else get_office(office.parent_id)


def covers_unplaced(actor, office_id: int | None) -> bool:
    """`covers`, except that a record no office was given (made before the offices, when the
    district office was the only one) is a district office's: its accounts and the deployment
    administrator act on it and read it, a platform's never do."""
    if office_id is not None or _is_unbound(actor):
        return covers(actor, office_id)
    holder = place_of(actor)
    return holder is not None and holder.kind == rules.OfficeKind.DISTRICT


def scope_clause_unplaced(column, actor):
    """`scope_clause`, keeping also the rows no office was given for a district office's
    accounts (`covers_unplaced`)."""
    clause = scope_clause(column, actor)
    if clause is None or not covers_unplaced(actor, None):
        return clause
    return or_(clause, column.is_(None))
