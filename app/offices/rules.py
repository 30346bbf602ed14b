"""The rules of offices, pure: their kinds, their codes, which office an account of a role may
belong to, and which offices an office's accounts cover.

A district (区公管办) keeps the pool, supervision, complaints and sanctions; its street/town
platforms (街道/镇) run their own projects' trading from the district's pool. An account of a
district covers the district and every platform under it; an account of a platform covers that
platform only. An administrator without an office administers the whole deployment.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from app.auth.roles import Role
from app.refusal import Refusal


def N_(message: str) -> str:
    return message


class OfficeKind(enum.StrEnum):
    DISTRICT = "district"  # 区公管办: the pool, supervision, complaints, sanctions
    STREET = "street"  # 街道/镇 platform: projects, trading notices, meetings, bulletin boards


OFFICE_KINDS = tuple(k.value for k in OfficeKind)

KIND_LABELS = {
    OfficeKind.DISTRICT: N_("区公管办"),
    OfficeKind.STREET: N_("街道/镇平台"),
}

#: The home page shows a card for each office — its newest notices and projects and its links —
#: up to this many offices: one district with its street and town platforms (the usual deployment;
#: 江北区 has eight), or two small ones, read in four rows of three cards on a desktop. Beyond it
#: (a city or a province on one deployment: 400 offices were 400 cards, half a megabyte, issue 14)
#: a visitor looks for their own district, and the page gives a directory of every district with
#: its platforms' names instead, each a link to the office's page where its notices are.
HOME_CARDS_UP_TO = 12


def home_shows_cards(offices: int) -> bool:
    """Whether the home page has a card per office (`HOME_CARDS_UP_TO`) rather than a directory."""
    return offices <= HOME_CARDS_UP_TO


#: A code names an office in URLs, the API and project lists: lower-case ASCII, e.g. `zh-zhuangqiao`.
CODE_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
MAX_NAME = 100

#: Roles whose accounts belong to an office, and the kinds of office each may belong to. A
#: company's account belongs to none (a company registers once per deployment); an administrator
#: may belong to none (the deployment's administrator).
ACCOUNT_OFFICE_KINDS: dict[str, tuple[str, ...]] = {
    Role.STAFF: OFFICE_KINDS,
    Role.OWNER: OFFICE_KINDS,
    Role.ADMIN: OFFICE_KINDS,
    Role.REVIEWER: (OfficeKind.DISTRICT,),
    Role.SUPERVISOR: (OfficeKind.DISTRICT,),
}
#: Roles whose accounts must name an office.
OFFICE_REQUIRED = frozenset({Role.STAFF, Role.OWNER, Role.REVIEWER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Place:
    """An office as the rules see it: its id, its kind and its district's id (its own for a
    district)."""

    id: int
    kind: str
    district_id: int


def covers(holder: Place | None, target: Place) -> bool:
    """Whether an account of `holder` (None: the deployment's administrator) acts on, or reads,
    records of `target`: its own office, or a platform of its district."""
    if holder is None:
        return True
    if holder.id == target.id:
        return True
    return holder.kind == OfficeKind.DISTRICT and target.district_id == holder.id


def is_district_office(holder: Place | None, district_id: int) -> bool:
    """Whether an account of `holder` acts as the district `district_id` itself: the pool,
    complaints, sanctions and supervision are the district's, never a platform's."""
    return holder is None or (holder.kind == OfficeKind.DISTRICT and holder.id == district_id)


def check_office_code(code: str) -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise Refusal(
            "机构代码只能包含小写字母、数字和连字符，以字母开头，长度2至40",
            "The office code may contain lower-case letters, digits and '-', starting with a"
            " letter, 2 to 40 long",
            field="code",
        )
    return code


def check_office_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        raise Refusal(
            f"请填写机构名称（不超过{MAX_NAME}个字符）",
            f"Enter the office's name (at most {MAX_NAME} characters)",
            field="name",
        )
    return name


def check_office_name_en(name_en: str) -> str:
    """An office's English name: optional (empty: the Chinese name serves both), one line."""
    name_en = " ".join((name_en or "").split())
    if len(name_en) > MAX_NAME or "\x00" in name_en:
        raise Refusal(
            f"英文名称不超过{MAX_NAME}个字符",
            f"The English name has at most {MAX_NAME} characters",
            field="name_en",
        )
    return name_en


def check_parent(kind: str, parent_kind: str | None) -> None:
    """A district has no parent; a platform's parent is a district."""
    if kind not in OFFICE_KINDS:
        # The posted value is not repeated: it may be anything, of any length.
        raise Refusal(
            "机构类型须为区公管办或街道/镇平台",
            "The kind of office is a district office or a street/town platform",
            field="kind",
        )
    if kind == OfficeKind.DISTRICT and parent_kind is not None:
        raise Refusal("区公管办不隶属于其他机构", "A district office has no parent", field="parent")
    if kind == OfficeKind.STREET and parent_kind != OfficeKind.DISTRICT:
        raise Refusal(
            "街道/镇平台须隶属于一个区公管办",
            "A street/town platform belongs to a district office",
            field="parent",
        )


def check_account_office(role: str, kind: str | None) -> None:
    """Which office an account of `role` may belong to (`kind` None: no office)."""
    if kind is None:
        if role in OFFICE_REQUIRED:
            raise Refusal(
                "该角色的账户须属于一个机构",
                "An account of this role belongs to an office",
                field="office",
            )
        return
    allowed = ACCOUNT_OFFICE_KINDS.get(role, ())
    if kind not in allowed:
        if role == Role.CONTRACTOR:
            raise Refusal(
                "企业账户不属于任何机构", "A company's account belongs to no office", field="office"
            )
        raise Refusal(
            "该角色的账户须属于区公管办",
            "An account of this role belongs to a district office",
            field="office",
        )
