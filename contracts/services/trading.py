"""The trading notice: published with the project's facts, the response deadline, the meeting, the
rate options with their price table and both draws' commitments; SMS queued to the category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.extensions import db
from app.transactions import transactional
from contractors.models import PoolCategory
from contractors.services import notify_category
from contracts import rules
from contracts.errors import TradingError
from contracts.models import Trading
from lottery import services as draws
from notices import services as notices
from notices.rules import NOTICE_TYPES, legal_basis

from . import bodies
from ._common import (
    SUBJECT_TYPE,
    checked,
    get_project,
    issuer_of,
    latest_trading,
    now,
    require_project_scope,
    require_staff,
    state_of,
)
from .projects import check_stored, require_reviewed

#: The unified form's commitment (统一表式), confirmed by each respondent.
COMMITMENT_TEXT = (
    "本单位自愿参加“{name}”（{code}）的公开交易，承诺：本单位为该类别有效入围企业，"
    "具备承接本项目的资质和能力；如被确定为承包单位，将按公布的下浮率和合同价在规定时间内"
    "签订合同并按约履行；无正当理由拒签的，愿承担相应责任。"
)


@dataclass(frozen=True)
class TradingInput:
    """What staff set when announcing: the meeting, the rate options, the publicity."""

    meeting_at: datetime
    meeting_place: str
    #: Discount-rate options in percent, in their printed order ("3.00", "3.50", …).
    rates: Sequence[str]
    #: Working days of the notice's publicity (at least the type's minimum, 3); responses close
    #: when it ends.
    publicity_days: int = NOTICE_TYPES["trading_notice"].min_working_days


def earliest_meeting(days: int, published_on: date | None = None) -> datetime:
    """The earliest moment the award meeting of a trading notice published on `published_on`
    (today by default) with `days` working days of publicity may be held: when that publicity
    ends and responses close. The one rule behind the service's refusal, the form's check and
    the form's hint. Raises NoticeError when the span touches a year nobody confirmed."""
    return notices.publicity_end(days, published_on or clock.local(now()).date())


@transactional
def announce(code: str, data: TradingInput, *, reviewed: str, actor) -> Trading:
    """Publish the trading notice of a filed project, committing both draws and queuing the SMS
    to every active member of its category — all in one transaction. `reviewed` is the project's
    fingerprint as the review page showed it (its facts make the price table): a project sent
    back and filed again since is refused, as filing refuses a revised one."""
    require_staff(actor, "发布交易公告", "publish a trading notice")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "发布交易公告", "publish a trading notice")
    previous = latest_trading(p)
    checked(rules.require_announce, state_of(p, previous))
    # The same text and amount rules as entering it: what was filed is never refused here.
    check_stored(p, ("发布交易公告", "be announced"))
    rates = checked(rules.check_rates, data.rates)
    if not (data.meeting_place or "").strip():
        raise TradingError("请填写定标会议地点", "Enter the meeting place", field="meeting_place")
    if data.meeting_at is None or data.meeting_at.utcoffset() is None:
        raise TradingError("请填写定标会议时间", "Enter the meeting time", field="meeting_at")
    moment = now()
    minimum = NOTICE_TYPES["trading_notice"].min_working_days
    if data.publicity_days is None or data.publicity_days < minimum:
        raise TradingError(
            f"交易公告公示期不得少于{minimum}个工作日",
            f"A trading notice must be public for at least {minimum} working days",
            field="publicity_days",
        )
    close_at = earliest_meeting(data.publicity_days, clock.local(moment).date())
    if data.meeting_at < close_at:
        raise TradingError(
            "定标会议须在交易公告公示期结束后召开",
            "The award meeting must be after the notice's publicity ends",
            field="meeting_at",
        )
    require_reviewed(p, reviewed, ("发布交易公告", "publish the notice"))
    round_ = 1 if previous is None else previous.round + 1
    t_code = rules.trading_code(p.code, round_)
    subject = draws.Subject(SUBJECT_TYPE, t_code, p.name, office_id=p.office_id)
    award = draws.commit_ranking(
        f"{t_code}-award",
        f"{p.name}（{t_code}）确定承包单位",
        subject,
        actor=actor,
    )
    rate = draws.commit_pick(
        f"{t_code}-rate",
        f"{p.name}（{t_code}）确定下浮率",
        subject,
        rates,
        option_labels={r: f"{r}%" for r in rates},
        actor=actor,
    )
    category_name = db.session.scalar(
        select(PoolCategory.name).where(PoolCategory.code == p.category_code)
    )
    t = Trading(
        project_id=p.id,
        round=round_,
        code=t_code,
        responses_close_at=close_at,
        meeting_at=data.meeting_at,
        meeting_place=data.meeting_place.strip(),
        rate_options=rates,
        award_draw_id=award.draw_id,
        rate_draw_id=rate.draw_id,
        created_at=moment,
    )
    table = checked(rules.price_table, p.control_price, p.non_competitive_part, rates)
    office = issuer_of(p)
    notice = notices.publish_new(
        notices.NoticeInput(
            type="trading_notice",
            title=rules.notice_title(p.name, round_, "交易公告"),
            **office,
            legal_basis=legal_basis("trading_notice"),
            body=bodies.trading_notice_body(p, t, table, award, rate, category_name),
            min_working_days=data.publicity_days,
            subject_type=SUBJECT_TYPE,
            subject_id=t.code,
        ),
        actor=actor,
    )
    t.notice_id = notice.id
    t.responses_close_at = notice.publicity_ends_at
    db.session.add(t)
    db.session.flush()
    notify_category(notice, p.category_code, actor=actor)
    audit.record(
        Action.TRADING_ANNOUNCED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "project": p.code,
            "notice_id": notice.id,
            "responses_close_at": t.responses_close_at,
            "meeting_at": t.meeting_at,
            "rates": rates,
            "award_draw": award.draw_id,
            "rate_draw": rate.draw_id,
        },
    )
    return t
