"""Qualification review (资格审查): decisions, the review-result publicity with the pool draws'
commitments, objections (异议) and their answers (an upheld one publishes a correction)."""

from __future__ import annotations

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contractors import queries, rules
from contractors.errors import PoolError, PoolNotFound, TooEarly
from contractors.models import ApplicationEntry, FailReason, Objection, PoolApplication, PoolCall
from lottery import services as draws
from notices.rules import legal_basis
from notices.services import NoticeInput, issuer, publish_new

from . import bodies
from ._common import (
    checked,
    get_call,
    now,
    own_contractor,
    require_call_panel,
    require_panel,
    require_pool,
    require_staff,
)
from .calls import earliest_meeting


def _reasons() -> dict[str, bool]:
    return {r.code: r.needs_text for r in db.session.scalars(select(FailReason))}


def _entry(entry_id: int) -> tuple[ApplicationEntry, PoolCall]:
    """The entry and its call, the call locked first (every step of a call queues there) and
    the entry read after it: read before, twenty decisions at once each audited as "before" the
    entry as first read, not the decision it replaced."""
    call_id = db.session.scalar(
        select(PoolApplication.call_id)
        .join(ApplicationEntry, ApplicationEntry.application_id == PoolApplication.id)
        .where(ApplicationEntry.id == entry_id)
    )
    if call_id is None:
        raise PoolNotFound("申请类别不存在", "No such application category")
    call = get_call(call_id, lock=True)
    return db.session.get(ApplicationEntry, entry_id, populate_existing=True), call


def _decision(e: ApplicationEntry) -> dict:
    return {
        "contractor": e.application.contractor.uscc,
        "category": e.call_category.category.code,
        "decision": e.decision,
        "reason_code": e.reason_code,
        "reason_text": e.reason_text,
    }


@transactional
def record_decision(
    entry_id: int, decision: str, reason_code: str | None = None, reason_text: str = "", *, actor
) -> ApplicationEntry:
    """A panel member (staff or department reviewer) records pass, or fail with a reason from the
    list plus free text, for one application and category. Allowed after the application window
    closed and until the review result is published; later changes go through objections."""
    require_panel(actor)
    e, call = _entry(entry_id)
    require_call_panel(actor, call.office_id)
    facts = queries.facts_of(call)
    checked(
        rules.require_ended,
        facts.call_ends_at,
        clock.now(),
        ("征集公告公示", "pool call's publicity"),
        ("进行资格审查", "review applications"),
    )
    if call.review_notice_id is not None:
        raise PoolError(
            "资格审查结果已公示，不能再修改；如有错误，请通过异议答复更正",
            "The review result is published; a change goes through an objection and a correction",
        )
    if e.application.withdrawn_at is not None:
        raise PoolError("该申请已撤回，无需审查", "The application was withdrawn")
    code, text = checked(rules.check_decision, decision, reason_code, reason_text, _reasons())
    before = _decision(e)
    e.decision, e.reason_code, e.reason_text = decision, code, text
    e.reviewed_at, e.reviewed_by_id = now(), actor.id
    db.session.flush()
    audit.record(
        Action.POOL_REVIEW_RECORDED,
        "pool_application",
        e.application_id,
        actor=actor,
        office_id=call.office_id,
        before=before,
        after=_decision(e) | {"department": actor.organisation},
    )
    return e


@transactional
def publish_review_results(call_id: int, *, actor):
    """Publish the review-result publicity (≥ 3 working days): every application and category with
    pass/fail and reasons, the meeting's time and place, and — committed now, in this transaction,
    before the qualified list is final — one ranking draw per category, its id and seed commitment
    (LOTTERY.md). Returns the notice."""
    require_staff(actor, "发布资格审查结果", "publish the review result")
    call = get_call(call_id, lock=True)
    require_pool(actor, call.office_id, "发布资格审查结果", "publish the review result")
    facts = queries.facts_of(call)
    checked(
        rules.require_ended,
        facts.call_ends_at,
        clock.now(),
        ("征集公告公示", "pool call's publicity"),
        ("发布资格审查结果", "publish the review result"),
    )
    if call.review_notice_id is not None:
        raise PoolError("资格审查结果已经公示", "The review result is already published")
    if facts.decided < facts.to_decide:
        raise PoolError(
            f"尚有{facts.to_decide - facts.decided}项申请未审查，不能公示结果",
            f"{facts.to_decide - facts.decided} application categories are not reviewed yet",
        )
    if call.meeting_at is None or not call.meeting_place:
        raise PoolError(
            "请先确定摇号会议的时间和地点：须在审查结果公示中告知申请人",
            "Set the lottery meeting's time and place first: the publicity tells applicants",
        )
    earliest = earliest_meeting(clock.today())
    if earliest is None or clock.local(call.meeting_at).date() < earliest:
        raise PoolError(
            f"摇号会议须在资格审查结果公示期结束后举行（最早{earliest}），请调整会议时间",
            f"The meeting must follow the end of the review publicity (from {earliest}); move it",
        )
    commitments = {}
    for cc in call.categories:
        draw_id = f"{call.code}-{cc.category.code}"
        d = draws.commit_ranking(
            draw_id,
            f"{call.title} {cc.category.name} 入围企业摇号",
            draws.Subject(
                queries.SUBJECT_TYPE,
                draw_id,
                f"{call.title} {cc.category.name}",
                office_id=call.office_id,
            ),
            winners=cc.quota,
            actor=actor,
        )
        cc.draw_id = draw_id
        commitments[draw_id] = d.seed_commitment
    db.session.flush()
    notice = publish_new(
        NoticeInput(
            type="review_result",
            title=f"{call.title}资格审查结果公示",
            **issuer(call.office_id),
            legal_basis=legal_basis("review_result"),
            body=bodies.review_body(call, commitments),
            subject_type="pool_call",
            subject_id=call.code,
        ),
        actor=actor,
    )
    call.review_notice_id = notice.id
    db.session.flush()
    audit.record(
        Action.POOL_REVIEW_PUBLISHED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={"notice_id": notice.id, "draws": commitments},
    )
    return notice


@transactional
def file_objection(entry_id: int, text: str, *, actor) -> Objection:
    """Any registered contractor objects to a decision while the review publicity runs."""
    contractor = own_contractor(actor)
    e, call = _entry(entry_id)
    notice = call.review_notice
    moment = clock.now()
    if notice is None:
        raise TooEarly(
            "资格审查结果尚未公示，不能提出异议", "The review result is not published yet"
        )
    if moment >= notice.publicity_ends_at:
        raise PoolError(
            f"资格审查结果公示期已于{rules.last_day(notice.publicity_ends_at)}结束，不再受理异议",
            f"The review publicity ended on {rules.last_day(notice.publicity_ends_at)}; "
            "objections are no longer accepted",
        )
    body = (text or "").strip()[:5000]
    if not body:
        raise PoolError(
            "请填写异议的内容和理由", "State the objection and its grounds", field="text"
        )
    # The same text by the same company about the same decision is the first objection (a form
    # posted twice is one, as a roster objection): the call's lock above queues twins here.
    same = db.session.scalar(
        select(Objection).where(
            Objection.stage == str(rules.ObjectionStage.REVIEW),
            Objection.entry_id == e.id,
            Objection.contractor_id == contractor.id,
            Objection.text == body,
        )
    )
    if same is not None:
        return same
    o = Objection(
        call_id=call.id,
        contractor_id=contractor.id,
        entry_id=e.id,
        text=body,
        filed_at=now(),
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
            "by": contractor.uscc,
            "about": _decision(e),
            "text": o.text,
            "filed_at": o.filed_at,
        },
    )
    return o


@transactional
def answer_objection(
    objection_id: int,
    answer: str,
    upheld: bool,
    *,
    reason_code: str | None = None,
    reason_text: str = "",
    actor,
) -> Objection:
    """Staff answer an objection before the draw. Upheld, the decision turns over (a pass becomes
    a fail, which needs a reason; a fail becomes a pass) and a correction notice (更正公告) linking
    the review result publishes the change in the same transaction — once: if another objection
    about the same decision was already upheld, the decision stays as that correction left it."""
    require_staff(actor, "答复异议", "answer an objection")
    o = db.session.get(Objection, objection_id)
    if o is None or o.stage != rules.ObjectionStage.REVIEW:
        raise PoolNotFound("异议不存在", "No such objection")
    call = get_call(o.call_id, lock=True)
    require_pool(actor, call.office_id, "答复异议", "answer an objection")
    # Read again under the lock: twenty answers at once each found it unanswered as first read,
    # and each upheld it again, turning the decision over and back with a correction each time.
    db.session.refresh(o)
    if o.answered_at is not None:
        raise PoolError("该异议已答复", "The objection was already answered")
    text = (answer or "").strip()
    if not text:
        raise PoolError("请填写答复内容", "Enter the answer", field="answer")
    e = o.entry
    if e.call_category.outcome is not None:
        raise PoolError(
            "该类别已摇号，不能再更改审查结果", "The category is drawn; its result cannot change"
        )
    before_decision = _decision(e)
    o.answer, o.upheld = text[:5000], bool(upheld)
    o.answered_at, o.answered_by_id = now(), actor.id
    # Several objections may be about one decision: the first one upheld corrects it; upholding
    # another records the answer without turning the decision over again.
    already_corrected = db.session.scalar(
        select(Objection.id).where(
            Objection.entry_id == e.id, Objection.id != o.id, Objection.upheld.is_(True)
        )
    )
    if upheld and not already_corrected:
        new = rules.FAIL if e.decision == rules.PASS else rules.PASS
        code, rtext = checked(rules.check_decision, new, reason_code, reason_text, _reasons())
        shown_before = rules.DECISION_LABELS[e.decision]
        e.decision, e.reason_code, e.reason_text = new, code, rtext
        e.reviewed_at, e.reviewed_by_id = o.answered_at, actor.id
        db.session.flush()
        notice = publish_new(
            NoticeInput(
                type="correction",
                title=f"关于{call.title}资格审查结果公示的更正公告",
                **issuer(call.office_id),
                legal_basis=legal_basis("correction", "objection_upheld"),
                body=bodies.correction_body(call, e, shown_before, text),
                corrects_id=call.review_notice_id,
                subject_type="pool_call",
                subject_id=call.code,
            ),
            actor=actor,
        )
        o.correction_notice_id = notice.id
    db.session.flush()
    audit.record(
        Action.POOL_OBJECTION_ANSWERED,
        "pool_objection",
        o.id,
        actor=actor,
        office_id=call.office_id,
        before=before_decision,
        after=_decision(e)
        | {"answer": o.answer, "upheld": o.upheld, "correction_notice_id": o.correction_notice_id},
    )
    return o
