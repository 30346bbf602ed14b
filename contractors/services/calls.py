"""Pool calls (征集): draft, consult the departments (会商), publish the call notice, set the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from app import audit, clock, once
from app.audit import Action
from app.auth.roles import Role
from app.calendar.services import current_calendar
from app.extensions import db
from app.offices.models import Office
from app.offices.scope import require_district
from app.transactions import serialised, transactional
from app.workdays import UnconfirmedYear
from contractors import queries, rules
from contractors.errors import PoolError, PoolForbidden, PoolNotFound
from contractors.models import Consultation, PoolCall, PoolCallCategory
from notices.rules import legal_basis
from notices.services import NoticeInput, issuer, publish_new

from . import bodies
from ._common import actor_district, checked, get_call, now, require_pool, require_staff, role_of


@dataclass(frozen=True)
class CallInput:
    """A call as staff draft it; frozen once the form validated."""

    title: str
    valid_from: date
    valid_until: date
    #: (category code, quota) in the order printed.
    categories: tuple[tuple[str, int], ...]
    requirements: str = ""
    #: Working days of publicity; None → the minimum, 10.
    publicity_days: int | None = None
    meeting_place: str = ""
    #: The district whose pool the call fills; None → the drafting account's district.
    office_id: int | None = None


def snapshot(call: PoolCall) -> dict:
    return {
        "code": call.code,
        "title": call.title,
        "valid_from": call.valid_from,
        "valid_until": call.valid_until,
        "publicity_days": call.publicity_days,
        "revision": call.revision,
        "requirements_len": len(call.requirements or ""),
        "categories": [[c.category.code, c.quota] for c in call.categories],
        "meeting_at": call.meeting_at,
        "meeting_place": call.meeting_place,
    }


def _apply(call: PoolCall, data: CallInput) -> None:
    title = (data.title or "").strip()
    if not title or len(title) > 200:
        raise PoolError(
            "请填写标题（不超过200个字符）", "Enter a title (at most 200 characters)", field="title"
        )
    checked(rules.check_call_dates, data.valid_from, data.valid_until, clock.today())
    known = {c.code: c for c in queries.categories()}
    checked(rules.check_quotas, list(data.categories), known)
    days = data.publicity_days or rules.CALL_DAYS
    if days < rules.CALL_DAYS:
        raise PoolError(
            f"征集公告公示期不得少于{rules.CALL_DAYS}个工作日",
            f"A pool call must be public for at least {rules.CALL_DAYS} working days",
            field="publicity_days",
        )
    call.title = title
    call.requirements = data.requirements or ""
    call.valid_from, call.valid_until = data.valid_from, data.valid_until
    call.publicity_days = days
    call.meeting_place = (data.meeting_place or "").strip()[:200]
    if call.categories:
        call.categories.clear()
        db.session.flush()  # the old rows go before new ones take their (call, category) keys
    for order, (code, quota) in enumerate(data.categories):
        call.categories.append(
            PoolCallCategory(category=known[code], quota=quota, sort_order=order)
        )


#: PostgreSQL advisory-lock key serialising pool call numbering (two staff drafting at once).
_CODE_LOCK_KEY = 0x504F4F4C434F4445  # "POOLCODE"


def _next_code(year: int) -> str:
    """The next code of the year, counted under an advisory lock held to the commit: twenty staff
    drafting at once all counted the same calls and took the same code (the unique index then
    answered nineteen with a 500)."""
    serialised(_CODE_LOCK_KEY)
    prefix = f"POOL-{year}-"
    count = db.session.scalar(
        select(func.count(PoolCall.id)).where(PoolCall.code.like(prefix + "%"))
    )
    return f"{prefix}{count + 1:02d}"


def _district_of_call(data: CallInput, actor) -> int:
    """The district a new call fills: the one named, else the drafting account's. A call is a
    district's (its pool), never a street/town platform's."""
    office_id = data.office_id if data.office_id is not None else actor_district(actor)
    if office_id is None:
        raise PoolError(
            "请选择征集所属的区公管办", "Choose the district office the call is for", field="office"
        )
    office = db.session.get(Office, office_id) if isinstance(office_id, int) else None
    if office is None:
        raise PoolNotFound("机构不存在", "No such office", field="office")
    if not office.is_district:
        raise PoolError(
            "名录库征集属于区公管办，不属于街道/镇平台",
            "A pool call belongs to a district office, not to a street/town platform",
            field="office",
        )
    return office.id


@transactional
def create_call(data: CallInput, *, actor, token: str | None = None) -> PoolCall:
    """Draft a call (the district's staff). Nothing is public until `publish_call`. `token`: the
    form's once-only token (app.once) — the same form posted again drafts nothing."""
    submission = once.claim(token, "pool-call", actor)
    require_staff(actor, "起草征集公告", "draft a pool call")
    district_id = _district_of_call(data, actor)
    require_pool(actor, district_id, "起草征集公告", "draft a pool call")
    moment = now()
    call = PoolCall(
        office_id=district_id,
        code=_next_code(clock.local(moment).year),
        created_at=moment,
        created_by_id=actor.id,
        revision=1,
    )
    _apply(call, data)
    db.session.add(call)
    db.session.flush()
    audit.record(
        Action.POOL_CALL_DRAFTED,
        "pool_call",
        call.code,
        actor=actor,
        after=snapshot(call),
        office_id=call.office_id,
    )
    once.fulfil(submission, call.id)
    return call


def _draft(call_id: int) -> PoolCall:
    call = get_call(call_id, lock=True)
    if call.call_notice_id is not None:
        raise PoolError(
            "征集公告已发布，不能再修改；如需更正，请发布更正公告",
            "The call is published and can no longer change; publish a correction instead",
        )
    return call


@transactional
def update_call(call_id: int, data: CallInput, *, actor) -> PoolCall:
    """Change a draft call. Its revision goes up: the departments are consulted again."""
    require_staff(actor, "修改征集公告", "edit a pool call")
    call = _draft(call_id)
    require_pool(actor, call.office_id, "修改征集公告", "edit a pool call")
    before = snapshot(call)
    _apply(call, data)
    call.revision += 1
    db.session.flush()
    audit.record(
        Action.POOL_CALL_EDITED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        before=before,
        after=snapshot(call),
    )
    return call


@transactional
def record_consultation(call_id: int, opinion: str, agrees: bool, *, actor) -> Consultation:
    """A department reviewer records its opinion on the current draft (会商)."""
    if role_of(actor) != Role.REVIEWER:
        raise PoolForbidden(
            "只有部门审查人员可以提出会商意见",
            "Only a department reviewer may give a consultation opinion",
        )
    call = _draft(call_id)
    require_district(
        actor, call.office_id, PoolForbidden, "提出会商意见", "give a consultation opinion"
    )
    text = (opinion or "").strip()
    if not text:
        raise PoolError("请填写会商意见", "Enter the opinion", field="opinion")
    c = Consultation(
        call=call,
        reviewer_id=actor.id,
        department=(actor.organisation or actor.display_name).strip(),
        revision=call.revision,
        agrees=bool(agrees),
        opinion=text[:5000],
        recorded_at=now(),
    )
    db.session.add(c)
    db.session.flush()
    audit.record(
        Action.POOL_CALL_CONSULTED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={
            "department": c.department,
            "revision": c.revision,
            "agrees": c.agrees,
            "opinion": c.opinion,
        },
    )
    return c


@transactional
def publish_call(call_id: int, *, actor):
    """Publish the call notice (征集公告, ≥ 10 working days) once the departments agreed: the
    application window is its publicity. Returns the notice."""
    require_staff(actor, "发布征集公告", "publish a pool call")
    call = _draft(call_id)
    require_pool(actor, call.office_id, "发布征集公告", "publish a pool call")
    problem = rules.consultation_problem(queries.opinions(call), call.revision)
    if problem:
        raise PoolError(*problem)
    notice = publish_new(
        NoticeInput(
            type="pool_call",
            title=call.title,
            **issuer(call.office_id),
            legal_basis=legal_basis("pool_call"),
            body=bodies.call_body(call),
            min_working_days=call.publicity_days,
            subject_type="pool_call",
            subject_id=call.code,
        ),
        actor=actor,
    )
    call.call_notice_id = notice.id
    db.session.flush()
    audit.record(
        Action.POOL_CALL_PUBLISHED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        after={"notice_id": notice.id, "publicity_ends_at": notice.publicity_ends_at},
    )
    return notice


@transactional
def schedule_meeting(call_id: int, at: datetime, place: str, *, actor) -> PoolCall:
    """Set (or move) the lottery meeting's time and place, before any category is settled.

    Applicants see it in advance: it is printed in the review-result publicity, so it must fall
    after that publicity can end. Moving it after the review result was published needs a
    correction notice and is refused here.
    """
    require_staff(actor, "安排摇号会议", "schedule the lottery meeting")
    call = get_call(call_id, lock=True)
    require_pool(actor, call.office_id, "安排摇号会议", "schedule the lottery meeting")
    if call.review_notice_id is not None:
        raise PoolError(
            "资格审查结果已公示，摇号会议时间地点已公布，不能再修改",
            "The review result with the meeting's time and place is published; it cannot change",
        )
    if at.tzinfo is None:
        raise PoolError(
            "会议时间须带时区", "The meeting time needs a time zone", field="meeting_at"
        )
    text = (place or "").strip()
    if not text:
        raise PoolError("请填写摇号会议地点", "Enter the meeting place", field="meeting_place")
    if at <= clock.now():
        raise PoolError(
            "摇号会议时间须晚于现在", "The meeting must be in the future", field="meeting_at"
        )
    at, text = at.replace(microsecond=0), text[:200]
    if (call.meeting_at, call.meeting_place) == (at, text):
        return call  # set again as it is (the form posted twice): nothing to record
    before = {"meeting_at": call.meeting_at, "meeting_place": call.meeting_place}
    call.meeting_at, call.meeting_place = at, text
    db.session.flush()
    audit.record(
        Action.POOL_MEETING_SCHEDULED,
        "pool_call",
        call.code,
        actor=actor,
        office_id=call.office_id,
        before=before,
        after={"meeting_at": call.meeting_at, "meeting_place": call.meeting_place},
    )
    return call


def earliest_meeting(published_on: date) -> date | None:
    """The first day a meeting may be held if the review result is published on `published_on`."""
    try:
        return clock.local(
            current_calendar().publicity_ends_at(published_on, rules.REVIEW_DAYS)
        ).date()
    except UnconfirmedYear:
        return None


__all__ = [
    "CallInput",
    "create_call",
    "earliest_meeting",
    "publish_call",
    "record_consultation",
    "schedule_meeting",
    "update_call",
]
