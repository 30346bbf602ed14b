"""Objections during the roster publicity (入围企业名录公示): a company objects to a category's
drawn roster while the publicity runs; the office answers within 3 日 with reasons (public on the
call page); the roster notice waits until every one is answered (contractors.services.meeting)."""

from __future__ import annotations

from app import audit, clock
from app.audit import Action
from app.calendar.services import current_calendar
from app.extensions import db
from app.offices.scope import get_office
from app.transactions import transactional
from app.workdays import UnconfirmedYear
from contractors import rules
from contractors.errors import PoolError, PoolNotFound
from contractors.models import Objection, PoolCallCategory

from ._common import checked, get_call, now, own_contractor, require_pool, require_staff

#: The longest objection or answer kept (the review objections' limit).
TEXT_MAX = 5000


def _text(value: str | None, field: str, zh: str, en: str) -> str:
    text = (value or "").strip()
    if not text:
        raise PoolError(zh, en, field=field)
    if "\x00" in text or len(text) > TEXT_MAX:
        raise PoolError(
            f"内容含有无效字符或超过{TEXT_MAX}字",
            f"The text has an invalid character or exceeds {TEXT_MAX} characters",
            field=field,
        )
    return text


@transactional
def file_roster_objection(call_category_id: int, text: str, *, actor) -> Objection:
    """Any registered company objects to a category's drawn roster during the roster
    publicity. The same text posted again by the same company about the same category returns
    the first objection (a form posted twice is one)."""
    contractor = own_contractor(actor)
    cc = db.session.get(PoolCallCategory, call_category_id)
    if cc is None:
        raise PoolNotFound("名录类别不存在", "No such category of the call")
    call = get_call(cc.call_id, lock=True)
    notice = call.roster_publicity_notice
    checked(
        rules.require_roster_objection_window,
        notice.published_at if notice else None,
        notice.publicity_ends_at if notice else None,
        clock.now(),
    )
    body = _text(text, "text", "请填写异议的内容和理由", "State the objection and its grounds")
    same = db.session.scalar(
        db.select(Objection).where(
            Objection.stage == str(rules.ObjectionStage.ROSTER),
            Objection.call_category_id == cc.id,
            Objection.contractor_id == contractor.id,
            Objection.text == body,
        )
    )
    if same is not None:
        return same
    filed = now()
    try:
        due = rules.roster_answer_by(current_calendar(), clock.local(filed).date())
    except UnconfirmedYear as e:
        raise PoolError(str(e), e.message_en) from None
    o = Objection(
        call_id=call.id,
        stage=str(rules.ObjectionStage.ROSTER),
        contractor_id=contractor.id,
        call_category_id=cc.id,
        text=body,
        filed_at=filed,
        answer_by=due,
    )
    db.session.add(o)
    db.session.flush()
    audit.record(
        Action.POOL_OBJECTION_FILED,
        "pool_objection",
        o.id,
        actor=actor,
        office_id=call.office_id,
        after={
            "stage": o.stage,
            "by": contractor.uscc,
            "category": cc.category.code,
            "text": o.text,
            "filed_at": o.filed_at,
            "answer_by": o.answer_by,
        },
    )
    return o


@transactional
def answer_roster_objection(objection_id: int, upheld: bool, answer: str, *, actor) -> Objection:
    """The office answers a roster objection with its reasons, once. An upheld one is acted on
    by the office (a correction of the roster publicity, by hand); the answer is public."""
    require_staff(actor, "答复异议", "answer an objection")
    o = db.session.get(Objection, objection_id)
    if o is None or o.stage != rules.ObjectionStage.ROSTER:
        raise PoolNotFound("异议不存在", "No such objection")
    call = get_call(o.call_id, lock=True)
    require_pool(actor, call.office_id, "答复异议", "answer an objection")
    db.session.refresh(o)
    if o.answered_at is not None:
        raise PoolError("该异议已答复", "The objection was already answered")
    text = _text(answer, "answer", "请填写答复理由", "Give the answer's reasons")
    o.answer, o.upheld = text, bool(upheld)
    o.answered_at, o.answered_by_id = now(), actor.id
    db.session.flush()
    audit.record(
        Action.POOL_OBJECTION_ANSWERED,
        "pool_objection",
        o.id,
        actor=actor,
        office_id=call.office_id,
        after={
            "stage": o.stage,
            "answer": o.answer,
            "upheld": o.upheld,
            "answered_at": o.answered_at,
            "late": o.answered_at >= o.answer_by,
            "body": get_office(call.office_id).name,
        },
    )
    return o
