"""Projects: an owner or staff enters one (scope checked), revises it and attaches files until staff
file it (备案) or send it back."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app import audit, clock, money, once
from app.audit import Action
from app.auth.roles import ENTRY_ROLES, OFFICE_ROLES
from app.errors import refused_as
from app.extensions import db
from app.offices.models import Office
from app.offices.scope import require_scope
from app.storage import Upload, UploadRejected, store_upload
from app.transactions import serialised, transactional
from contractors.models import PoolCategory
from contracts import queries, rules, search
from contracts.errors import OutOfScope, TradingError, TradingForbidden
from contracts.models import Project, ProjectAttachment
from notices.markup import md_text

from ._common import (
    checked,
    get_project,
    now,
    require_project_scope,
    require_staff,
    role_of,
)

#: Ten years: a small work takes weeks or months (the form says so too).
MAX_DURATION_DAYS = 3650


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
    #: The platform (or district) that trades it; None → the entering account's office.
    office_id: int | None = None


def _thresholds() -> tuple[dict[str, Decimal], Decimal]:
    cfg = current_app.config
    return (
        {k: Decimal(v) for k, v in cfg["TENDER_THRESHOLDS"].items()},
        Decimal(cfg["TENDER_MINIMUM"]),
    )


def model_documents(p: Project, category_name: str) -> str:
    """The trading documents from the model text (交易文件示范文本), filled with the facts."""
    # What the owner typed prints as text (notices.markup.md_text), the scope line by line.
    scope = "\n\n".join(md_text(line) for line in (p.scope or "").splitlines() if line.strip())
    return (
        f"# {md_text(p.name)} 交易文件\n\n"
        f"- 业主：{md_text(p.owner_name)}\n- 地点：{md_text(p.town)}{md_text(p.village)}\n"
        f"- 类别：{md_text(category_name)}\n"
        f"- 资金来源：{rules.FUNDING.get(p.funding, p.funding)}\n"
        f"- 估算价：{money.yuan(p.estimate)}元\n- 控制价：{money.yuan(p.control_price)}元"
        f"（其中不可竞争费用{money.yuan(p.non_competitive_part)}元）\n"
        f"- 工期：{p.duration_days}日历天\n"
        f"- 联系人：{md_text(p.contact_person)} {md_text(p.contact_phone)}\n\n"
        "本项目从预选承包商名录库中以交易响应承诺、公开摇号方式确定承包单位，"
        "不设投标文件、不设评标委员会、不收取任何费用。\n\n"
        f"## 工程内容\n\n{scope}\n"
    )


#: What an audit entry keeps of a project (its category under "category", below).
_SNAPSHOT = (
    *("code", "name", "owner_name", "town", "village", "funding", "duration_days", "kind"),
    *("estimate", "control_price", "non_competitive_part"),
    *("filing", "sent_back_reasons", "office_id"),
)


def _snapshot(p: Project) -> dict:
    return {"category": p.category_code} | {name: getattr(p, name) for name in _SNAPSHOT}


#: PostgreSQL advisory-lock key serialising project numbering (two owners submitting at once).
_CODE_LOCK_KEY = 0x50524A434F4445  # "PRJCODE"


def _next_code(year: int) -> str:
    """The next public code of the year. On PostgreSQL a transaction-level advisory lock makes two
    simultaneous submissions number one after the other (held to the commit); on SQLite the
    database write lock does it."""
    serialised(_CODE_LOCK_KEY)
    prefix = f"PRJ-{year}-"
    count = db.session.scalar(select(func.count()).where(Project.code.like(prefix + "%")))
    return f"{prefix}{count + 1:04d}"


@dataclass(frozen=True)
class _Checked:
    """A ProjectInput that passed every check: its texts stripped, its category, amounts in fen."""

    texts: dict[str, str]
    category: PoolCategory
    estimate: Decimal
    control: Decimal
    part: Decimal


def _check_facts(data: ProjectInput) -> _Checked:
    """The rules of a project's facts, in one place, for entering, revising, filing and
    announcing it: its texts (contracts.rules.PROJECT_TEXTS), the amounts (to the fen, bounded,
    the control price within the estimate, the non-competitive part below it) and the scope
    (DESIGN.md B.1; out of scope → OutOfScope with the statutory reason)."""
    texts = checked(rules.check_project_texts, vars(data))
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
    if (
        not isinstance(data.duration_days, int)
        or isinstance(data.duration_days, bool)
        or not 0 < data.duration_days <= MAX_DURATION_DAYS
    ):
        raise TradingError(
            f"工期必须为1至{MAX_DURATION_DAYS}日历天",
            f"The duration must be 1 to {MAX_DURATION_DAYS} calendar days",
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
    thresholds, minimum = _thresholds()
    with refused_as(OutOfScope):
        rules.check_scope(data.kind, estimate, thresholds, minimum)
    checked(rules.check_prices, estimate, control, part, thresholds[data.kind])
    return _Checked(texts, category, estimate, control, part)


def _check_role(actor) -> None:
    """Entering and revising: an owner or the office."""
    if role_of(actor) not in ENTRY_ROLES:
        raise TradingForbidden(
            "只有业主或区公管办工作人员可以录入项目", "Only an owner or staff may enter a project"
        )


def _office(data: ProjectInput, actor, current: int | None = None) -> Office:
    """The office that trades the project: the one chosen, else (`current`) the one it has, else
    the entering account's. It must be within the account's scope (a platform clerk enters
    projects of its platform only; district staff of the district or any of its platforms)."""
    office_id = data.office_id if data.office_id is not None else current
    if office_id is None:
        office_id = getattr(actor, "office_id", None)
    valid = isinstance(office_id, int) and not isinstance(office_id, bool)
    office = db.session.get(Office, office_id) if valid else None
    if office is None:
        raise TradingError(
            "请选择项目所属的平台", "Choose the platform the project belongs to", field="office_id"
        )
    require_scope(actor, office.id, TradingForbidden, "为该平台录入项目", "enter its projects")
    return office


def _with_town(data: ProjectInput, office: Office) -> ProjectInput:
    """街道/镇 printed on the notice: what was typed, else the platform's own name (a district
    running a project itself has no town to fill: it must be typed)."""
    if (data.town or "").strip() or office.is_district:
        return data
    return replace(data, town=office.name)


def _input_of(p: Project) -> ProjectInput:
    return ProjectInput(**{f.name: getattr(p, f.name) for f in fields(ProjectInput)})


def check_stored(p: Project, step: tuple[str, str]) -> None:
    """The stored facts still pass the rules of entry (a project entered before a rule existed
    is refused here, with the fact to correct, rather than by the trading notice)."""
    try:
        _check_facts(_input_of(p))
    except TradingError as e:
        raise TradingError(
            f"项目信息不符合要求，不能{step[0]}：{e.message}。请退回业主修改。",
            f"The project's facts break a rule, it cannot {step[1]}: {e.message_en}. "
            "Send it back to the owner to correct it.",
            field=e.field,
        ) from None


def fingerprint(p: Project) -> str:
    """What a staff member sees of the project now (contracts.rules.project_fingerprint): the
    pages carry it with filing, sending back and announcing, which refuse if it changed."""
    attachments = db.session.execute(
        select(ProjectAttachment.id, ProjectAttachment.sha256).where(
            ProjectAttachment.project_id == p.id
        )
    )
    facts = {name: getattr(p, name) for name in rules.REVIEWED_FIELDS}
    return rules.project_fingerprint(facts, [tuple(row) for row in attachments])


def require_reviewed(p: Project, reviewed: object, step: tuple[str, str]) -> None:
    """Under the row lock: the project is still the one the staff member reviewed."""
    checked(rules.require_reviewed, reviewed, fingerprint(p), step)


def _step(p: Project, step: rules.FilingStep) -> rules.Filing | None:
    """The filing `step` leaves, if the project's state allows it (contracts.rules.FILING_STEPS)."""
    return checked(rules.require_filing_step, queries.state_of(p), step)


def _fill(p: Project, data: ProjectInput, ok: _Checked) -> None:
    """Write the checked facts onto the project and regenerate its trading documents."""
    for name, value in ok.texts.items():
        setattr(p, name, value)
    p.category_code = ok.category.code
    p.kind = data.kind
    p.funding = data.funding
    p.estimate, p.control_price, p.non_competitive_part = ok.estimate, ok.control, ok.part
    p.duration_days = data.duration_days
    p.documents = model_documents(p, ok.category.name)


@transactional
def submit_project(data: ProjectInput, *, actor, token: str | None = None) -> Project:
    """Enter a project (owner or staff) for an office in the account's scope (`data.office_id`;
    None: the account's own). Refused with the reason when out of scope or invalid. `token`: the
    form's once-only token (app.once) — the same form posted again enters nothing."""
    submission = once.claim(token, "project", actor)
    _check_role(actor)
    office = _office(data, actor)
    data = _with_town(data, office)
    ok = _check_facts(data)
    moment = now()
    p = Project(
        code=_next_code(clock.local(moment).year),
        owner_user_id=actor.id if role_of(actor) == "owner" else None,
        filing=rules.Filing.SUBMITTED,
        created_at=moment,
        created_by_id=actor.id,
        office_id=office.id,
    )
    _fill(p, data, ok)
    db.session.add(p)
    db.session.flush()
    audit.record(
        Action.PROJECT_SUBMITTED,
        "project",
        p.code,
        actor=actor,
        after=_snapshot(p),
        office_id=p.office_id,
    )
    once.fulfil(submission, p.code)
    return p


def _may_edit(p: Project, actor) -> bool:
    """Staff, or the owner account that entered the project."""
    if role_of(actor) in OFFICE_ROLES:
        return True
    return role_of(actor) == "owner" and p.owner_user_id == getattr(actor, "id", None)


def _editable(code: str, actor, step: rules.FilingStep) -> tuple[Project, str | None]:
    """The project, locked, if the actor may change it and its state allows `step`: once filed
    (备案) its facts and documents are fixed — they are what the trading notice publishes."""
    p = get_project(code, lock=True)
    zh, en = {
        rules.FilingStep.REVISE: ("修改项目", "revise it"),
        rules.FilingStep.ATTACH: ("添加附件", "attach files to it"),
    }[step]
    if not _may_edit(p, actor):
        raise TradingForbidden(
            f"只有该项目的业主或区公管办工作人员可以{zh}",
            f"Only the project's owner or staff may {en}",
        )
    require_project_scope(actor, p, zh, en)
    return p, _step(p, step)


def _revised_facts(p: Project) -> dict:
    return {name: getattr(p, name) for name in rules.REVISED_FIELDS}


@transactional
def revise_project(code: str, data: ProjectInput, *, actor) -> Project | None:
    """The owner (its own project) or staff revise a project not yet filed — typically one sent
    back — with the same checks as entering it; it goes back to staff as submitted. The reasons
    it was sent back for stay in the audit entry's `before`. None: nothing changed
    (contracts.rules.revision_changes), nothing recorded."""
    p, filing = _editable(code, actor, rules.FilingStep.REVISE)
    _check_role(actor)
    office = _office(data, actor, current=p.office_id)
    data = _with_town(data, office)
    ok = _check_facts(data)
    before, facts = _snapshot(p), _revised_facts(p)
    _fill(p, data, ok)
    p.office_id = office.id
    p.filing, p.sent_back_reasons = filing, ""
    if not rules.revision_changes(facts, _revised_facts(p)):
        return None  # saved as it was: the same values written back, nothing to record
    audit.record(
        Action.PROJECT_REVISED,
        "project",
        p.code,
        actor=actor,
        before=before,
        after=_snapshot(p),
        office_id=p.office_id,
    )
    return p


@transactional
def add_attachment(
    code: str, data: Upload, original_name: str, *, actor, token: str | None = None
) -> ProjectAttachment:
    """Attach a file (drawings, a bill of quantities…) to a project's trading documents before it
    is filed. The type is read from the content, the size capped (MAX_ATTACHMENT_BYTES); the file
    is stored under a generated key and removed again if the transaction does not commit. `token`:
    the upload form's once-only token (app.once) — posted twice, the file is attached once."""
    submission = once.claim(token, "project-attachment", actor)
    p, _ = _editable(code, actor, rules.FilingStep.ATTACH)
    name = (original_name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]
    if not name:
        raise TradingError("请选择要上传的文件", "Choose a file to upload", field="file")
    try:
        stored = store_upload(data, current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise TradingError(e.message, e.message_en, field="file") from None
    attachment = ProjectAttachment(
        project_id=p.id,
        storage_key=stored.key,
        original_name=name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        Action.PROJECT_ATTACHMENT_ADDED,
        "project",
        p.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "attachment_id": attachment.id,
            "name": name,
            "sha256": stored.sha256,
            "size": stored.size,
        },
    )
    once.fulfil(submission, attachment.id)
    return attachment


@transactional
def file_project(code: str, *, reviewed: str, actor) -> Project:
    """Staff file (备案) a submitted project: it may then be announced. `reviewed` is the
    fingerprint of the project as the staff member's page showed it: a project revised since is
    refused (under the row lock), never filed at facts nobody reviewed."""
    require_staff(actor, "备案项目", "file a project")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "备案项目", "file a project")
    filing = _step(p, rules.FilingStep.FILE)
    require_reviewed(p, reviewed, ("备案", "file it"))
    check_stored(p, ("备案", "be filed"))
    before = _snapshot(p)
    p.filing, p.filed_at, p.filed_by_id = filing, now(), actor.id
    search.index(p)  # public from this commit: in the site search from it too
    audit.record(
        Action.PROJECT_FILED,
        "project",
        p.code,
        actor=actor,
        before=before,
        after=_snapshot(p),
        office_id=p.office_id,
    )
    return p


@transactional
def send_back(code: str, reasons: str, *, reviewed: str, actor) -> Project:
    """Staff send a project back to its owner with reasons: a submitted one, or a filed one whose
    trading notice is not published yet (its filing ends; the owner revises it and it is filed
    again). `reviewed` as for filing."""
    require_staff(actor, "退回项目", "send a project back")
    if not (reasons or "").strip():
        raise TradingError("请填写退回理由", "Give the reasons", field="reasons")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "退回项目", "send a project back")
    filing = _step(p, rules.send_back_step(queries.state_of(p)))
    require_reviewed(p, reviewed, ("退回", "send it back"))
    before = _snapshot(p)
    p.filing, p.sent_back_reasons = filing, reasons.strip()
    p.filed_at = p.filed_by_id = None
    search.unindex(p)  # no longer filed: no longer public
    audit.record(
        Action.PROJECT_SENT_BACK,
        "project",
        p.code,
        actor=actor,
        before=before,
        after=_snapshot(p),
        office_id=p.office_id,
    )
    return p
