"""Projects: an owner or staff enters one (scope checked), staff file it (备案) or send it back."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from contractors.models import PoolCategory
from contracts import rules
from contracts.errors import OutOfScope, TradingError, TradingForbidden
from contracts.models import Project

from ._common import checked, get_project, now, require_staff, role_of, transaction

ENTRY_ROLES = ("owner", "staff", "admin")


@dataclass(frozen=True)
class ProjectInput:
    """What the owner enters; amounts in yuan as Decimal or strings."""

    name: str
    owner_name: str
    town: str
    category_code: str
    funding: str
    estimate: Decimal | str
    control_price: Decimal | str
    duration_days: int
    contact_person: str
    contact_phone: str
    village: str = ""
    kind: str = "construction"
    non_competitive_part: Decimal | str = Decimal("0")
    scope: str = ""


def _thresholds() -> tuple[dict[str, Decimal], Decimal]:
    cfg = current_app.config
    return (
        {k: Decimal(v) for k, v in cfg["TENDER_THRESHOLDS"].items()},
        Decimal(cfg["TENDER_MINIMUM"]),
    )


def model_documents(p: Project, category_name: str) -> str:
    """The trading documents from the model text (交易文件示范文本), filled with the facts."""
    return (
        f"# {p.name} 交易文件\n\n"
        f"- 业主：{p.owner_name}\n- 地点：{p.town}{p.village}\n- 类别：{category_name}\n"
        f"- 资金来源：{rules.FUNDING.get(p.funding, p.funding)}\n"
        f"- 估算价：{p.estimate}元\n- 控制价：{p.control_price}元"
        f"（其中不可竞争费用{p.non_competitive_part}元）\n- 工期：{p.duration_days}日历天\n"
        f"- 联系人：{p.contact_person} {p.contact_phone}\n\n"
        "本项目从预选承包商名录库中以交易响应承诺、公开摇号方式确定承包单位，"
        "不设投标文件、不设评标委员会、不收取任何费用。\n\n"
        f"## 工程内容\n\n{p.scope}\n"
    )


def _snapshot(p: Project) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "category": p.category_code,
        "kind": p.kind,
        "estimate": p.estimate,
        "control_price": p.control_price,
        "non_competitive_part": p.non_competitive_part,
        "filing": p.filing,
        "sent_back_reasons": p.sent_back_reasons,
    }


def _next_code(year: int) -> str:
    prefix = f"PRJ-{year}-"
    count = db.session.scalar(select(func.count()).where(Project.code.like(prefix + "%")))
    return f"{prefix}{count + 1:04d}"


@transaction
def submit_project(data: ProjectInput, *, actor) -> Project:
    """Enter a project (owner or staff). Refused with the reason when out of scope or invalid."""
    if role_of(actor) not in ENTRY_ROLES:
        raise TradingForbidden(
            "只有业主或区公管办工作人员可以录入项目", "Only an owner or staff may enter a project"
        )
    for value, field, zh in (
        (data.name, "name", "项目名称"),
        (data.owner_name, "owner_name", "业主"),
        (data.town, "town", "街道/镇"),
        (data.contact_person, "contact_person", "联系人"),
        (data.contact_phone, "contact_phone", "联系电话"),
    ):
        if not str(value or "").strip():
            raise TradingError(f"请填写{zh}", f"Enter the {field.replace('_', ' ')}", field=field)
    if data.funding not in rules.FUNDING:
        raise TradingError(
            "资金来源须为国有或村集体", "Funding must be state or collective", field="funding"
        )
    category = db.session.scalar(
        select(PoolCategory).where(PoolCategory.code == data.category_code)
    )
    if category is None:
        raise TradingError(
            f"类别不存在：{data.category_code}",
            f"No such category: {data.category_code}",
            field="category_code",
        )
    if not isinstance(data.duration_days, int) or data.duration_days <= 0:
        raise TradingError(
            "工期必须为正整数天",
            "The duration must be a positive number of days",
            field="duration_days",
        )
    estimate = checked(rules.check_amount, data.estimate, "estimate", "估算价")
    control = checked(rules.check_amount, data.control_price, "control_price", "控制价")
    part = checked(
        rules.check_amount,
        data.non_competitive_part,
        "non_competitive_part",
        "不可竞争费用",
        allow_zero=True,
    )
    checked(rules.check_prices, control, part)
    thresholds, minimum = _thresholds()
    try:
        rules.check_scope(data.kind, estimate, thresholds, minimum)
    except rules.RuleError as e:
        raise OutOfScope(e.message, e.message_en, field=e.field) from None
    moment = now()
    p = Project(
        code=_next_code(clock.local(moment).year),
        name=data.name.strip(),
        owner_name=data.owner_name.strip(),
        owner_user_id=actor.id if role_of(actor) == "owner" else None,
        town=data.town.strip(),
        village=data.village.strip(),
        category_code=category.code,
        kind=data.kind,
        funding=data.funding,
        estimate=estimate,
        control_price=control,
        non_competitive_part=part,
        duration_days=data.duration_days,
        scope=data.scope,
        contact_person=data.contact_person.strip(),
        contact_phone=data.contact_phone.strip(),
        filing="submitted",
        created_at=moment,
        created_by_id=actor.id,
    )
    p.documents = model_documents(p, category.name)
    db.session.add(p)
    db.session.flush()
    audit.record(Action.PROJECT_SUBMITTED, "project", p.code, actor=actor, after=_snapshot(p))
    return p


def _pending(code: str) -> Project:
    p = get_project(code, lock=True)
    if p.filing == "filed":
        raise TradingError("项目已备案", "The project is already filed")
    if p.filing == "sent_back":
        raise TradingError("项目已退回业主", "The project was sent back to its owner")
    return p


@transaction
def file_project(code: str, *, actor) -> Project:
    """Staff file (备案) a submitted project: it may then be announced."""
    require_staff(actor, "备案项目", "file a project")
    p = _pending(code)
    before = _snapshot(p)
    p.filing, p.filed_at, p.filed_by_id = "filed", now(), actor.id
    audit.record(
        Action.PROJECT_FILED, "project", p.code, actor=actor, before=before, after=_snapshot(p)
    )
    return p


@transaction
def send_back(code: str, reasons: str, *, actor) -> Project:
    """Staff send a submitted project back to its owner with reasons."""
    require_staff(actor, "退回项目", "send a project back")
    if not (reasons or "").strip():
        raise TradingError("请填写退回理由", "Give the reasons", field="reasons")
    p = _pending(code)
    before = _snapshot(p)
    p.filing, p.sent_back_reasons = "sent_back", reasons.strip()
    audit.record(
        Action.PROJECT_SENT_BACK, "project", p.code, actor=actor, before=before, after=_snapshot(p)
    )
    return p
