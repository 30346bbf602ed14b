"""Creating offices: a district, or a street/town platform under one (flask demo, flask office,
the administrator)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import audit, clock
from app.errors import checked
from app.extensions import db
from app.transactions import transactional

from . import rules
from .errors import OfficeError
from .models import Office


@dataclass(frozen=True)
class NewOffice:
    code: str
    name: str
    kind: str
    #: The district of a platform (its id); None for a district.
    parent_id: int | None = None
    sort_order: int = 0


@transactional
def create_office(data: NewOffice, *, actor=None) -> Office:
    code = checked(OfficeError, rules.check_office_code, data.code)
    name = checked(OfficeError, rules.check_office_name, data.name)
    parent = db.session.get(Office, data.parent_id) if data.parent_id is not None else None
    if data.parent_id is not None and parent is None:
        raise OfficeError("所属机构不存在", "The parent office does not exist", field="parent")
    checked(OfficeError, rules.check_parent, data.kind, parent.kind if parent else None)
    if db.session.scalar(select(Office.id).where(Office.code == code)) is not None:
        raise OfficeError(f"机构代码已被使用：{code}", f"The code is taken: {code}", field="code")
    same_name = select(Office.id).where(
        Office.name == name,
        Office.parent_id.is_(None) if parent is None else Office.parent_id == parent.id,
    )
    if db.session.scalar(same_name) is not None:
        raise OfficeError(
            f"已有同名机构：{name}", f"An office of that name exists: {name}", field="name"
        )
    office = Office(
        code=code,
        name=name,
        kind=data.kind,
        parent_id=parent.id if parent else None,
        sort_order=data.sort_order,
        created_at=clock.now(),
    )
    db.session.add(office)
    db.session.flush()
    audit.record(
        audit.Action.OFFICE_CREATED,
        "office",
        office.code,
        actor=actor,
        after={
            "code": code,
            "name": name,
            "kind": data.kind,
            "parent": parent.code if parent else None,
        },
    )
    return office
