"""Offices for pages and the API: by code, the districts, each district's platforms."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db

from .models import Office
from .rules import OfficeKind
from .scope import scope_ids


def ref(office: Office | None) -> dict | None:
    """An office as API v1 names it on a record: `{"code": …, "name": …}`."""
    return None if office is None else {"code": office.code, "name": office.name}


def by_code(code: str) -> Office | None:
    return db.session.scalar(select(Office).where(Office.code == code))


def all_offices() -> list[Office]:
    """Every office, each district followed by its platforms."""
    offices = db.session.scalars(select(Office).order_by(Office.sort_order, Office.code)).all()
    districts = [o for o in offices if o.is_district]
    out = []
    for d in districts:
        out.append(d)
        out.extend(o for o in offices if o.parent_id == d.id)
    return out


def districts() -> list[Office]:
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.kind == OfficeKind.DISTRICT)
            .order_by(Office.sort_order, Office.code)
        )
    )


def platforms_of(district_id: int) -> list[Office]:
    return list(
        db.session.scalars(
            select(Office)
            .where(Office.parent_id == district_id)
            .order_by(Office.sort_order, Office.code)
        )
    )


def in_scope(actor) -> list[Office]:
    """The offices `actor` covers (app.offices.scope.covers), each district followed by its
    platforms: the choices of an office select on a staff or administrator form."""
    ids = scope_ids(actor)
    offices = all_offices()
    return offices if ids is None else [o for o in offices if o.id in set(ids)]
