"""Creating offices: a district, or a street/town platform under one (flask demo, flask office,
the administrator)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.auth.roles import Role
from app.errors import checked
from app.extensions import db
from app.transactions import transactional

from . import rules
from .errors import OfficeError, OfficeForbidden
from .models import Office


@dataclass(frozen=True)
class NewOffice:
    code: str
    name: str
    kind: str
    #: The district of a platform (its id); None for a district.
    parent_id: int | None = None
    sort_order: int = 0
    #: Shown on the English site; empty: the Chinese name serves both.
    name_en: str = ""


def _check_creator(data: NewOffice, actor) -> None:
    """Who creates an office: the system, the command line and the demo (no account); the
    deployment's administrator any office; a district's administrator a platform of its own
    district only; nobody else."""
    if actor is None or isinstance(actor, str):
        return
    if getattr(actor, "role", None) != Role.ADMIN:
        raise OfficeForbidden(
            "只有部署管理员或区公管办管理员可以新设机构",
            "Only the deployment administrator or a district office's administrator may add"
            " offices",
        )
    own = getattr(actor, "office_id", None)
    if own is None:
        return
    office = db.session.get(Office, own)
    if office is None or not office.is_district:
        raise OfficeForbidden(
            "街道/镇平台的管理员不能新设机构", "A platform's administrator may not add offices"
        )
    if data.kind != rules.OfficeKind.STREET or data.parent_id != office.id:
        raise OfficeForbidden(
            "区公管办管理员只能在本区新设街道/镇平台",
            "A district office's administrator may add platforms of its own district only",
            field="parent",
        )


#: PostgreSQL advisory-lock key serialising office creation: two administrators adding the same
#: code (or a district of the same name, which no unique index covers: its parent is NULL) at once.
_OFFICE_LOCK_KEY = 0x4F4646494345  # "OFFICE"


@transactional
def create_office(data: NewOffice, *, actor=None) -> Office:
    """Create a district office or a platform under one, refused with nothing written to an
    account that may not (`_check_creator`), for a bad code or name, a missing or wrong parent,
    or a code or name (within the parent) already used."""
    _check_creator(data, actor)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _OFFICE_LOCK_KEY})
    code = checked(OfficeError, rules.check_office_code, data.code)
    name = checked(OfficeError, rules.check_office_name, data.name)
    name_en = checked(OfficeError, rules.check_office_name_en, data.name_en)
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
        name_en=name_en,
        kind=data.kind,
        parent_id=parent.id if parent else None,
        sort_order=data.sort_order,
        created_at=clock.now(),
    )
    db.session.add(office)
    try:
        db.session.flush()
    except IntegrityError:
        # Another writer took the code or the name since the checks above (SQLite, or a caller
        # that bypassed the lock): the same refusal, never a 500.
        raise OfficeError(
            f"机构代码或名称已被使用：{code}",
            f"The code or the name is taken: {code}",
            field="code",
        ) from None
    audit.record(
        audit.Action.OFFICE_CREATED,
        "office",
        office.code,
        actor=actor,
        after={
            "code": code,
            "name": name,
            "name_en": name_en,
            "kind": data.kind,
            "parent": parent.code if parent else None,
        },
    )
    return office
