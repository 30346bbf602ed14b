"""Filing a complaint (art. 60; 办法 art. 7): the 10-日 window lengthened by the days waiting for an
objection's answer, and the guards on what the complainant files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.workdays import WorkCalendar
from app.workdays import calendar_days_end as plain_calendar_days_end

from ._common import WINDOW_DAYS, ComplaintRuleError, _local
from .matters import MATTERS, MATTERS_NEEDING_OBJECTION, Matter


@dataclass(frozen=True)
class Wait:
    """An objection of the complainant's: filed on a day, answered on a day (None: unanswered)."""

    filed_on: date
    answered_on: date | None


def waiting_days(waits: Iterable[Wait], knew_on: date, today: date) -> int:
    """The calendar days after `knew_on` spent waiting for an objection's answer (art. 60 para. 2:
    异议答复期间不计算在前款规定的期限内). An unanswered objection is still being waited for: it
    counts up to `today`. Overlapping waits count once.

    A wait occupies the days from the day it was filed up to (not including) the day it was
    answered — the complainant could act again from the answer's day.
    """
    days: set[date] = set()
    for w in waits:
        day = max(w.filed_on, knew_on + timedelta(days=1))
        end = w.answered_on if w.answered_on is not None else today + timedelta(days=1)
        while day < end:
            days.add(day)
            day += timedelta(days=1)
    return len(days)


def filing_window_ends_at(
    calendar: WorkCalendar, knew_on: date, waits: Iterable[Wait], today: date
) -> datetime:
    """When the complaint window ends (exclusive, 00:00 +08:00): 10 日 after `knew_on`
    (民法典 art. 201: that day does not count; art. 203: a last day on a rest day moves to the
    next working day), lengthened by the days spent waiting for an objection's answer."""
    return calendar.calendar_days_end(knew_on, WINDOW_DAYS + waiting_days(waits, knew_on, today))


def plain_window_ends_at(knew_on: date, waits: Iterable[Wait], today: date) -> datetime:
    """The window counted in plain calendar days, without art. 203's move off a rest day: never
    later than `filing_window_ends_at`; used while the last day's year is unconfirmed."""
    return plain_calendar_days_end(knew_on, WINDOW_DAYS + waiting_days(waits, knew_on, today))


def require_knew_on(knew_on: date | None, published_on: date, today: date) -> date:
    """The day the complainant knew: stated, not before the trading notice, not in the future."""
    if not isinstance(knew_on, date):
        raise ComplaintRuleError(
            "请填写知道或者应当知道投诉事项的日期",
            "Enter the day you knew (or should have known) of the matter",
            field="knew_on",
        )
    if knew_on < published_on:
        raise ComplaintRuleError(
            f"知道投诉事项的日期不能早于交易公告发布之日（{published_on:%Y-%m-%d}）",
            f"The day you knew cannot be before the trading notice ({published_on:%Y-%m-%d})",
            field="knew_on",
        )
    if knew_on > today:
        raise ComplaintRuleError(
            "知道投诉事项的日期不能晚于今天",
            "The day you knew cannot be in the future",
            field="knew_on",
        )
    return knew_on


def require_within_window(ends_at: datetime, now: datetime) -> None:
    if now >= ends_at:
        raise ComplaintRuleError(
            f"已超过投诉期限（自知道或者应当知道之日起10日，至{_local(ends_at)}止），"
            "不能再提出投诉（《招标投标法实施条例》第六十条）",
            f"The complaint period (10 days from the day you knew, until {_local(ends_at)}) "
            "is over (art. 60)",
            field="knew_on",
        )


def require_objected(matter: Matter, objected_matters: Iterable[str]) -> None:
    """Matters under arts. 22, 44 and 54 are complained about only after an objection on them."""
    if matter in MATTERS_NEEDING_OBJECTION and matter not in set(objected_matters):
        label, label_en, article = MATTERS[matter]
        raise ComplaintRuleError(
            f"就“{label}”投诉的，应当先提出异议（{article}、第六十条第二款）；"
            "本企业未就该事项提出异议",
            f"A complaint about “{label_en}” needs an objection first ({article} and art. 60 "
            "para. 2); you have not objected on it",
            field="matter",
        )


def require_new_facts(earlier: Sequence[tuple[str, bool]], matter: str) -> None:
    """`earlier`: the complainant's complaints on this trading as (matter, withdrawn). One open,
    decided or withdrawn complaint on the same matter stops a new one (a withdrawn complaint's
    facts cannot be filed again; a second of the same is a double post). A refused one does not."""
    for m, withdrawn in earlier:
        if m != matter:
            continue
        if withdrawn:
            raise ComplaintRuleError(
                "投诉人撤回投诉后，不得以同一事实和理由再次投诉",
                "After withdrawing a complaint you cannot file the same facts again",
                field="matter",
            )
        raise ComplaintRuleError(
            "已就该交易的同一事项提出投诉，不能重复投诉",
            "You have already complained about this matter of the trading",
            field="matter",
        )


def require_filing_content(
    *,
    complainant_name: str,
    complainant_contact: str,
    respondent_name: str,
    respondent_contact: str,
    facts: str,
    requests: str,
) -> None:
    """办法 art. 7: the complainant and the respondent with their contacts, the facts and the
    requests — every one required."""
    for value, field, zh, en in (
        (complainant_name, "complainant_name", "投诉人名称", "the complainant's name"),
        (complainant_contact, "complainant_contact", "投诉人联系方式", "the complainant's contact"),
        (respondent_name, "respondent_name", "被投诉人名称", "the respondent's name"),
        (respondent_contact, "respondent_contact", "被投诉人联系方式", "the respondent's contact"),
        (facts, "facts", "投诉事项的基本事实", "the facts"),
        (requests, "requests", "相关请求及主张", "your requests"),
    ):
        if not (value or "").strip():
            raise ComplaintRuleError(
                f"请填写{zh}（《工程建设项目招标投标活动投诉处理办法》第七条）",
                f"Enter {en} (art. 7 of the complaint rules)",
                field=field,
            )


def require_evidence(count: int) -> None:
    if count < 1:
        raise ComplaintRuleError(
            "请上传至少一份证明材料（PDF、JPEG或PNG）",
            "Upload at least one evidence file (PDF, JPEG or PNG)",
            field="evidence",
        )
