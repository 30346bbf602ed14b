"""Pure rules of notices: the types, their minimum publicity, states derived from the clock."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta


def N_(message: str) -> str:
    """Mark a string for translation without translating it here (rules stay free of Flask)."""
    return message


@dataclass(frozen=True)
class NoticeType:
    code: str
    label: str  # Chinese name shown on pages (msgid for the English catalog)
    label_en: str
    #: Minimum publicity in working days the platform enforces (None: the type has no publicity).
    min_working_days: int | None
    #: The legal basis printed: by the service that publishes a service-only type, and by default
    #: on a hand-written one (staff may write a more specific one).
    default_legal_basis: str
    #: Whether staff may write and publish it by hand. The others announce a state change of a
    #: project, a draw or a pool step and are published only by that domain's service, in the same
    #: transaction as the change (notices.services.publish_new): a hand-written one would be a
    #: fake official result.
    by_hand: bool = False
    #: The legal basis a service prints when it publishes this type on a named occasion instead
    #: of the default: a correction after an upheld objection cites other rules than one after a
    #: refusal to sign (`legal_basis`).
    occasions: Mapping[str, str] = field(default_factory=dict)
    #: Whether its "异议与投诉" block also says how to complain (投诉, 《招标投标法实施条例》
    #: 第六十条): a trading notice announces a trading, the subject of a complaint.
    complaints: bool = False


# DESIGN.md, "The procedure": the numbers are minimums the platform enforces.
NOTICE_TYPES: dict[str, NoticeType] = {
    t.code: t
    for t in (
        NoticeType(
            "pool_call",
            N_("征集公告"),
            "Pool call",
            10,
            "预选承包商名录库管理办法（征集公告公示不少于10个工作日）",
        ),
        NoticeType(
            "review_result",
            N_("资格审查结果公示"),
            "Qualification review result",
            3,
            "预选承包商名录库管理办法（资格审查结果公示不少于3个工作日）",
        ),
        NoticeType(
            "roster_publicity",
            N_("入围企业名录公示"),
            "Roster publicity",
            5,
            "预选承包商名录库管理办法（入围企业名录公示不少于5个工作日）",
        ),
        NoticeType("roster", N_("入围企业名单"), "Roster", None, "预选承包商名录库管理办法"),
        NoticeType(
            "trading_notice",
            N_("交易公告"),
            "Trading notice",
            3,
            "交易公告公示不少于3个工作日（小型建设工程交易规则）",
            complaints=True,
        ),
        NoticeType(
            "trading_result",
            N_("交易结果公告"),
            "Trading result",
            None,
            "小型建设工程交易规则（交易结果公告）",
        ),
        NoticeType(
            "trading_failed",
            N_("流标公告"),
            "Failed trading",
            None,
            "小型建设工程交易规则（响应企业不足规定数量的，交易失败）",
        ),
        NoticeType(
            "complaint_decision",
            N_("投诉处理决定"),
            "Complaint decision",
            None,
            "《招标投标法实施条例》第六十条至第六十二条",
            # Published only by contracts.complaints.services with the decision (or refusal)
            # it announces: a hand-written one would be a fake decision.
            occasions={
                "decision": "《招标投标法实施条例》第六十二条；"
                "《工程建设项目招标投标活动投诉处理办法》第二十条",
                "refusal": "《招标投标法实施条例》第六十一条；"
                "《工程建设项目招标投标活动投诉处理办法》第十二条",
            },
        ),
        NoticeType(
            "sanction",
            N_("不良行为处理公告"),
            "Sanction",
            None,
            # contractors.sanctions.services: published within 20 工作日 of the decision (art. 6)
            # with the contents of art. 8, only by the sanction's own service.
            "《招标投标违法行为记录公告暂行办法》第六条、第八条",
        ),
        NoticeType(
            "correction",
            N_("更正公告"),
            "Correction",
            None,
            "更正原公告",
            by_hand=True,
            occasions={
                # contractors.services.review: an objection to the review result upheld.
                "objection_upheld": "异议成立，更正原公示",
                # contracts.services.contract: the winner refused to sign without good cause.
                "refusal": "《招标投标法实施条例》第七十四条",
                # contracts.services.suspension: the office suspends / resumes a trading.
                "trading_suspended": "《招标投标法实施条例》第六十二条（暂停招标投标活动）",
                "trading_resumed": "《招标投标法实施条例》第六十二条（恢复招标投标活动）",
                # contractors.sanctions.services: a published sanction changed or corrected.
                "sanction": "《招标投标违法行为记录公告暂行办法》第十条、第十一条、第十三条",
                # contractors.sanctions.services: a removed member's place taken by the reserve.
                "reserve_enters": "预选承包商名录库管理办法（入围企业被清出的，由候补企业依次递补）",
            },
        ),
        NoticeType(
            "policy",
            N_("政策法规与办事指南"),
            "Policy and guide",
            None,
            "《中华人民共和国政府信息公开条例》",
            by_hand=True,
        ),
    )
}


def legal_basis(type_code: str, occasion: str | None = None) -> str:
    """The legal basis a service prints on a notice of this type (on this occasion, if named)."""
    t = NOTICE_TYPES[type_code]
    return t.occasions[occasion] if occasion is not None else t.default_legal_basis


#: The types staff may write by hand, in the order above (the staff editor offers only these).
BY_HAND: tuple[str, ...] = tuple(code for code, t in NOTICE_TYPES.items() if t.by_hand)

#: The type a new draft starts as: a correction is begun from the notice it corrects (its
#: 发布更正 link fills both), so a blank draft is the by-hand type that corrects nothing — it
#: used to start as 更正公告 beside 被更正的公告 = （不是更正公告）, which contradicted itself.
NEW_DRAFT_TYPE: str = next(code for code in BY_HAND if code != "correction")

#: The home page's columns, in the order of the procedure.
COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pool", N_("名录库公告"), ("pool_call", "review_result", "roster_publicity", "roster")),
    ("trading", N_("交易公告"), ("trading_notice",)),
    ("results", N_("交易结果"), ("trading_result", "trading_failed")),
    ("oversight", N_("投诉处理与不良行为"), ("complaint_decision", "sanction")),
    ("corrections", N_("更正公告"), ("correction",)),
    ("policy", N_("政策法规与办事指南"), ("policy",)),
)


class NoticeStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Publicity(enum.StrEnum):
    """The publicity state of a published notice, derived from the clock, never stored."""

    NONE = "none"  # the notice has no publicity period
    RUNNING = "running"  # 公示中
    ENDED = "ended"  # 已结束


def publicity_state(publicity_ends_at: datetime | None, now: datetime) -> Publicity:
    if publicity_ends_at is None:
        return Publicity.NONE
    return Publicity.RUNNING if now < publicity_ends_at else Publicity.ENDED


def publicity_span(ends: Iterable[datetime | None], now: datetime) -> tuple[datetime, datetime]:
    """The moments around `now`, [since, until), in which every one of these publicities reads
    as it does at `now` (`publicity_state`): from the latest end at or before `now` to the
    earliest after it. What shows their states may be kept for as long (app.home, the home
    page's lists), and no longer — nor if the clock is set back before `since`."""
    since, until = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    for end in ends:
        if end is None:
            continue
        if end <= now:
            since = max(since, end)
        else:
            until = min(until, end)
    return since, until


def required_days(type_code: str, requested: int | None) -> int | None:
    """The publicity to apply: at least the type's minimum; staff may set more, never less.

    Returns None for a type without publicity when staff asked for none. Raises ValueError with
    the reason when the request is shorter than the minimum or not positive.
    """
    minimum = NOTICE_TYPES[type_code].min_working_days
    if requested is None:
        return minimum
    if requested < 1:
        raise ValueError("publicity must be at least 1 working day")
    if minimum is not None and requested < minimum:
        raise ValueError(f"below the minimum of {minimum}")
    return requested


def is_late(published_at: datetime | None, publish_due_at: datetime | None, now: datetime) -> bool:
    """A notice is late if it was published after its deadline (公开时限), or is still unpublished past it."""
    if publish_due_at is None:
        return False
    return (published_at or now) > publish_due_at


#: 异议与投诉: what the page of a notice with publicity, and every printed copy of it (the
#: trading notice's bulletin-board PDF), say about objections and complaints, in these words only.
_OBJECTION = (
    "对本公告内容有异议的，请在公示期结束前{end}向{office}书面提出，并附相关证明材料。",
    "Objections to this notice must be made in writing, with supporting evidence, to {office} "
    "before the publicity period ends{end}.",
)
_OBJECTION_END = ("（{day} 24:00前）", " ({day} 24:00)")
# 《招标投标法实施条例》第六十条: 10 days from knowing; a complaint about a matter open to
# objection (the notice) must follow an objection.
_COMPLAINT = (
    "投标人或者其他利害关系人认为交易活动不符合法律、行政法规规定的，可以自知道或者应当知道之日起"
    "10日内向{office}投诉；就交易公告投诉的，应当先提出异议（《招标投标法实施条例》第六十条）。",
    "A bidder or other interested party who considers that the trading breaks a law or regulation "
    "may complain to {office} within 10 days of learning, or when it should have learned, of it; "
    "a complaint about the trading notice must first be raised as an objection (Regulations on "
    "the Implementation of the Bidding Law, art. 60).",
)


def objections_text(
    type_code: str, office: str, last_day: date | None, complaints_to: str | None = None
) -> tuple[str, str]:
    """The "异议与投诉" text of a notice (with publicity) of this type issued by `office` whose
    publicity ends at 24:00 of `last_day` (None: not yet known), as a (Chinese, English) pair.
    Objections go to `office`; complaints, where the type takes them, to `complaints_to` (the
    district office, which decides them; `office` when not given)."""
    info = NOTICE_TYPES[type_code]
    day = last_day.isoformat() if last_day is not None else None
    pair = []
    for i in (0, 1):
        end = _OBJECTION_END[i].format(day=day) if day else ""
        text = _OBJECTION[i].format(end=end, office=office)
        if info.complaints:
            text += ("" if i == 0 else " ") + _COMPLAINT[i].format(office=complaints_to or office)
        pair.append(text)
    return pair[0], pair[1]


#: A body with its own "异议与投诉" section: trading notices published before the page said it
#: (their bodies are records and stay as published), so the page does not say it twice.
_OWN_OBJECTIONS = re.compile(r"^#{1,6}[ \t]*异议与投诉[ \t]*$", re.MULTILINE)


def body_states_objections(body: str | None) -> bool:
    return bool(_OWN_OBJECTIONS.search(body or ""))


def last_day(exclusive_end: datetime) -> date:
    """The last day of a period ending (exclusive) at local midnight: the day before. Pass the
    end in the office's time zone."""
    return (exclusive_end - timedelta(microseconds=1)).date()
