"""Pure rules of objections to a trading: the matters, when each may be objected to, the 3-day
answer (日, art. 54) and an objection's state from its facts and the clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from app.refusal import Refusal
from app.workdays import TZ, WorkCalendar

__all__ = [
    "ANSWER_DAYS",
    "ANSWER_MAX",
    "BASIS",
    "MATTER_LABELS",
    "RESULT_OBJECTION_DAYS",
    "STATE_LABELS",
    "TEXT_MAX",
    "Matter",
    "ObjectionFacts",
    "ObjectionRuleError",
    "ObjectionState",
    "answer_by",
    "check_answer",
    "check_text",
    "meeting_objection_ends_at",
    "require_answerable",
    "require_window",
    "result_objection_ends_at",
    "state_of",
]


class ObjectionRuleError(Refusal, ValueError):
    """An objection or its answer breaks a rule."""


class Matter(enum.StrEnum):
    """What an objection is about (`TradingObjection.matter`, public in the answers)."""

    NOTICE = "notice"  # the trading notice and documents (art. 22)
    MEETING = "meeting"  # the award meeting, our 开标 (art. 44: raised at the meeting)
    RESULT = "result"  # the trading result (art. 54)


#: As shown: Chinese, English.
MATTER_LABELS = {
    Matter.NOTICE: ("对交易公告及交易文件的异议", "Objection to the trading notice and documents"),
    Matter.MEETING: ("对定标会议（摇号）的异议", "Objection to the award meeting (the draws)"),
    Matter.RESULT: ("对交易结果的异议", "Objection to the trading result"),
}
#: The article each matter is objected under.
BASIS = {
    Matter.NOTICE: "《招标投标法实施条例》第二十二条",
    Matter.MEETING: "《招标投标法实施条例》第四十四条",
    Matter.RESULT: "《招标投标法实施条例》第五十四条",
}

#: The result may be objected to for 3 日 after the result notice's publication day (art. 54:
#: 中标候选人公示期不得少于3日; our result notice names the contract unit and its alternates).
RESULT_OBJECTION_DAYS = 3
#: The office answers within 3 日 of receiving an objection (art. 54: 自收到异议之日起3日内作出答复).
ANSWER_DAYS = 3
TEXT_MAX = 5000
ANSWER_MAX = 5000


def result_objection_ends_at(calendar: WorkCalendar, published_on: date) -> datetime:
    """The end (exclusive) of the period in which the result can be objected to: 3 日 after the
    local day it was published, ending on a working day (民法典 arts. 201, 203)."""
    return calendar.calendar_days_end(published_on, RESULT_OBJECTION_DAYS)


def meeting_objection_ends_at(meeting_on: date) -> datetime:
    """Art. 44: an objection to the opening (for us, the award meeting where the draws are made)
    is raised at the meeting — from the meeting's appointed time until the end of its day. The
    office answers it like the others, within 3 日 (art. 44 asks for an answer on the spot: the
    staff record the answer at the meeting when they can)."""
    return datetime.combine(meeting_on + timedelta(days=1), time(0), tzinfo=TZ)


def answer_by(calendar: WorkCalendar, filed_on: date) -> datetime:
    """The answer's deadline (exclusive): 3 日 after the local day the objection was received."""
    return calendar.calendar_days_end(filed_on, ANSWER_DAYS)


def _local(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def require_window(
    matter: Matter, now: datetime, *, opens_at: datetime | None, ends_at: datetime | None, tz
) -> None:
    """An objection is received only in its period: to the notice from its publication until
    its publicity ends (the response deadline); to the result from its publication until
    `result_objection_ends_at`. `opens_at` None: the notice or result is not published."""
    if opens_at is None or ends_at is None or now < opens_at:
        if matter is Matter.NOTICE:
            raise ObjectionRuleError(
                "交易公告尚未发布，不能提出异议", "The trading notice is not published yet"
            )
        if matter is Matter.MEETING:
            raise ObjectionRuleError(
                "定标会议尚未开始，对会议的异议应在会议当日提出",
                "The award meeting has not begun; objections to it are raised on its day",
            )
        raise ObjectionRuleError(
            "交易结果尚未公布，不能对交易结果提出异议", "The trading result is not published yet"
        )
    if now >= ends_at:
        raise ObjectionRuleError(
            f"异议期已于{_local(ends_at, tz)}结束，不再受理异议",
            f"The objection period ended at {_local(ends_at, tz)}; objections are no longer "
            "accepted",
        )


def _plain(text: str | None, field: str, limit: int, zh: str, en: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ObjectionRuleError(zh, en, field=field)
    if "\x00" in value:
        raise ObjectionRuleError(
            "内容含有无效字符", "The text contains an invalid character", field=field
        )
    if len(value) > limit:
        raise ObjectionRuleError(
            f"内容不能超过{limit}字",
            f"The text cannot be longer than {limit} characters",
            field=field,
        )
    return value


def check_text(text: str | None) -> str:
    """An objection states the facts and what it asks for."""
    return _plain(
        text, "text", TEXT_MAX, "请填写异议的事实和请求", "State the facts and your request"
    )


def check_answer(text: str | None) -> str:
    """An answer gives its reasons (published)."""
    return _plain(text, "answer", ANSWER_MAX, "请填写答复理由", "Give the answer's reasons")


class ObjectionState(enum.StrEnum):
    """Where an objection stands, derived from its facts and the clock, never stored."""

    AWAITING_ANSWER = "awaiting_answer"  # received, the 3 日 running
    OVERDUE = "overdue"  # unanswered past the deadline
    UPHELD = "upheld"  # answered: the objection holds
    NOT_UPHELD = "not_upheld"  # answered: it does not


STATE_LABELS = {
    ObjectionState.AWAITING_ANSWER: ("待答复", "Awaiting the answer"),
    ObjectionState.OVERDUE: ("逾期未答复", "Answer overdue"),
    ObjectionState.UPHELD: ("异议成立", "Upheld"),
    ObjectionState.NOT_UPHELD: ("异议不成立", "Not upheld"),
}


@dataclass(frozen=True)
class ObjectionFacts:
    answer_by: datetime
    answered_at: datetime | None = None
    upheld: bool | None = None


def state_of(f: ObjectionFacts, now: datetime) -> ObjectionState:
    if f.answered_at is not None:
        return ObjectionState.UPHELD if f.upheld else ObjectionState.NOT_UPHELD
    return ObjectionState.OVERDUE if now >= f.answer_by else ObjectionState.AWAITING_ANSWER


def require_answerable(state: ObjectionState) -> None:
    """An objection is answered once (a late answer is still given, and shown as late)."""
    if state in (ObjectionState.UPHELD, ObjectionState.NOT_UPHELD):
        raise ObjectionRuleError("该异议已答复", "The objection was already answered")
