"""Objection use cases: a company files an objection to a trading's notice or result in its
period; the office answers it with reasons. Each is one transaction with its audit entry."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.audit import Action
from app.errors import checked
from app.extensions import db
from app.transactions import transactional
from contractors.models import Contractor
from contractors.queries import active_members
from contracts.models import Trading, TradingResponse
from contracts.objections import queries, rules
from contracts.objections.errors import ObjectionError, ObjectionForbidden, ObjectionNotFound
from contracts.objections.models import TradingObjection
from contracts.services._common import (
    district_id_of,
    get_project,
    issuer_of,
    now,
    require_project_scope,
    require_staff,
    role_of,
)

#: Audit subject of an objection.
SUBJECT_TYPE = "trading_objection"


def _company(actor) -> Contractor:
    if role_of(actor) != "contractor":
        raise ObjectionForbidden(
            "只有企业账户可以提出异议", "Only a contractor account may file an objection"
        )
    c = db.session.scalar(select(Contractor).where(Contractor.user_id == actor.id))
    if c is None:
        raise ObjectionForbidden("本账户尚未登记企业信息", "This account has no registered company")
    return c


def _trading(code: str) -> Trading:
    from contracts.queries import trading_by_code

    t = trading_by_code(code)
    if t is None:
        raise ObjectionNotFound(f"交易不存在：{code[:60]}", "No such trading")
    # Steps of one project queue on its row (PostgreSQL): a form posted twice files once.
    get_project(t.project.code, lock=True)
    return t


def _interested(t: Trading, c: Contractor, matter: rules.Matter) -> bool:
    """Who may object: to the notice, the category's active members (who may respond) and the
    trading's respondents; to the meeting and the result, its respondents (those they decided
    about)."""
    responded = db.session.scalar(
        select(TradingResponse.id).where(
            TradingResponse.trading_id == t.id,
            TradingResponse.contractor_id == c.id,
            TradingResponse.withdrawn_at.is_(None),
        )
    )
    if responded is not None:
        return True
    if matter is not rules.Matter.NOTICE:
        return False
    members = active_members(
        t.project.category_code, clock.today(), district_id=district_id_of(t.project)
    )
    return c.id in {m.contractor_id for m in members}


@transactional
def file_objection(trading_code: str, matter: str, text: str, *, actor) -> TradingObjection:
    """A company objects to a trading's notice (art. 22) or result (art. 54) in its period. The
    same text posted again by the same company about the same matter returns the first one."""
    c = _company(actor)
    try:
        what = rules.Matter(matter)
    except ValueError:
        raise ObjectionError(
            "请选择异议事项", "Choose what the objection is about", field="matter"
        ) from None
    t = _trading(trading_code)
    body = checked(ObjectionError, rules.check_text, text)
    digest = hashlib.sha256(body.encode()).hexdigest()
    same = db.session.scalar(
        select(TradingObjection).where(
            TradingObjection.trading_id == t.id,
            TradingObjection.contractor_id == c.id,
            TradingObjection.matter == str(what),
            TradingObjection.text_sha256 == digest,
        )
    )
    if same is not None:
        return same
    opens, ends = queries.window(t, what)
    moment = clock.now()
    checked(
        ObjectionError,
        rules.require_window,
        what,
        moment,
        opens_at=opens,
        ends_at=ends,
        tz=clock.TZ,
    )
    if not _interested(t, c, what):
        if what is not rules.Matter.NOTICE:
            raise ObjectionForbidden(
                "只有该交易的响应企业可以对定标会议和交易结果提出异议",
                "Only the trading's respondents may object to its meeting and its result",
            )
        raise ObjectionForbidden(
            "只有该项目类别的有效入围企业或响应企业可以对交易公告提出异议（以项目所在区的名录库为准）",
            "Only active members of the category or respondents may object to the notice",
        )
    filed = now()
    o = TradingObjection(
        trading_id=t.id,
        matter=str(what),
        contractor_id=c.id,
        filed_by_id=actor.id,
        text=body,
        text_sha256=digest,
        filed_at=filed,
        answer_by=queries.calendar_end(rules.answer_by, clock.local(filed).date()),
    )
    db.session.add(o)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form won a race on a database without row locks (SQLite).
        raise ObjectionError(
            "该异议已经提交，未重复登记", "This objection was already filed; nothing was added"
        ) from None
    audit.record(
        Action.TRADING_OBJECTION_FILED,
        SUBJECT_TYPE,
        o.id,
        actor=actor,
        office_id=t.project.office_id,
        after={
            "trading": t.code,
            "matter": o.matter,
            "by": c.uscc,
            "text_sha256": digest,
            "filed_at": o.filed_at,
            "answer_by": o.answer_by,
        },
    )
    return o


@transactional
def answer_objection(objection_id: int, upheld: bool, answer: str, *, actor) -> TradingObjection:
    """The office answers an objection with its reasons, once (after the deadline the answer is
    still given, and shown as late). The answer is public on the project page; an upheld
    objection is acted on by the office's other steps (a correction, a suspension)."""
    require_staff(actor, "答复异议", "answer an objection")
    o = queries.objection_by_id(objection_id)
    if o is None:
        raise ObjectionNotFound("异议不存在", "No such objection")
    t = db.session.get(Trading, o.trading_id)
    p = get_project(t.project.code, lock=True)
    require_project_scope(actor, p, "答复异议", "answer an objection", ObjectionForbidden)
    db.session.refresh(o)
    checked(ObjectionError, rules.require_answerable, queries.state_of(o))
    reasons = checked(ObjectionError, rules.check_answer, answer)
    o.upheld, o.answer = bool(upheld), reasons
    o.answered_at, o.answered_by_id = now(), actor.id
    # The office that trades the project answers (its name as the notices print it).
    o.answering_body = issuer_of(p)["issuing_body"]
    db.session.flush()
    audit.record(
        Action.TRADING_OBJECTION_ANSWERED,
        SUBJECT_TYPE,
        o.id,
        actor=actor,
        office_id=p.office_id,
        after={
            "trading": t.code,
            "matter": o.matter,
            "upheld": o.upheld,
            "answer": reasons,
            "answered_at": o.answered_at,
            "late": o.answered_at >= o.answer_by,
        },
    )
    return o
