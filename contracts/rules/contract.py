"""The contract, the result letter's timing, and a refusal to sign."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Protocol

from ._common import RuleError, _yuan
from .prices import check_amount
from .texts import TextRule, check_text

#: Target from trading notice to result letter (DESIGN.md B.5).
LETTER_TARGET_WORKING_DAYS = 5


class _Calendar(Protocol):
    def working_days_between(self, start: date, end: date) -> int: ...


def notice_to_letter_days(calendar: _Calendar, notice_on: date, letter_on: date) -> int:
    """Working days from the trading notice to the result letter (the notice's day does not
    count, 民法典 art. 201), shown against the 5-working-day target."""
    return calendar.working_days_between(notice_on, letter_on)


def signing_ends_at(letter_issued_at: datetime, days: int, tz: tzinfo) -> datetime:
    """The end (exclusive) of the contract signing period: 自交易结果通知书发出之日起`days`日内
    (《招标投标法》第四十六条, calendar days). The letter's day does not count (民法典 art. 201),
    so the period ends at local 00:00 after the `days`-th day after it."""
    last = letter_issued_at.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)


# ---- the contract and a refusal to sign ---------------------------------------------------------

#: The longest stated reason for a contract amount below the contract price.
AMOUNT_REASON_MAX = 500
#: The reason is published with the contract: the same text rule as a project's facts.
AMOUNT_REASON = TextRule("amount_reason", "理由", "The reason", AMOUNT_REASON_MAX, required=False)


def check_contract_amount(
    value: object, contract_price: Decimal, reason: str | None
) -> tuple[Decimal, str]:
    """The signed contract's amount against the contract price drawn at the meeting (DESIGN.md
    B.4): never above it (the award is at that price); below it only with a stated reason, which
    is published with the contract. Returns (amount, reason) — the reason "" when they are equal.
    """
    amount = check_amount(value, "amount", "合同金额")
    if amount > contract_price:
        raise RuleError(
            f"合同金额{_yuan(amount)}元超过定标确定的合同价{_yuan(contract_price)}元，"
            "合同金额不得高于合同价",
            f"The amount {_yuan(amount)} yuan exceeds the contract price of "
            f"{_yuan(contract_price)} yuan set at the award meeting; it may not be higher",
            field="amount",
        )
    if amount == contract_price:
        return amount, ""
    text = check_text(AMOUNT_REASON, " ".join((reason or "").split()))
    if not text:
        raise RuleError(
            f"合同金额低于定标确定的合同价{_yuan(contract_price)}元的，请说明理由（将与合同一并公开）",
            f"The amount is below the contract price of {_yuan(contract_price)} yuan: state the "
            "reason (it is published with the contract)",
            field="amount_reason",
        )
    return amount, text


def ranking_position(ranking: Sequence[str], uscc: str | None) -> int | None:
    """The place (1 = first drawn) of a company in the published ranking, None if not in it."""
    try:
        return list(ranking).index(uscc) + 1
    except ValueError:
        return None


def check_refused_company(
    ranking: Sequence[str],
    holder: str | None,
    refused: Collection[str],
    uscc: object,
    position: object,
) -> None:
    """A refusal to sign names the company refusing and its place in the ranking, as the page
    showed them; it is recorded only against the current contract unit (`holder`) at its place.
    A form posted twice names a company whose refusal is already recorded: refused, so the award
    never passes on from a company that did not refuse (《招标投标法实施条例》第七十四条)."""
    named = str(uscc or "").strip()
    if named and named in refused:
        raise RuleError(
            f"该企业（{named}）的拒签已经记录，承包资格已依排序顺延，未作任何更改。"
            "请查看当前承包单位后再操作",
            f"The refusal of this company ({named}) is already recorded and the award has passed "
            "on; nothing was changed. Check the current contract unit before going on",
            field="uscc",
        )
    place = ranking_position(ranking, holder)
    try:
        given = int(str(position).strip())
    except ValueError:
        given = None
    if holder is None or place is None or named != holder or given != place:
        current = f"当前承包单位为排序第{place}名（{holder}）" if place else "当前没有承包单位"
        current_en = (
            f"the contract unit is now no. {place} of the ranking ({holder})"
            if place
            else "there is no contract unit now"
        )
        raise RuleError(
            f"拒签企业或其排序与当前承包单位不符，{current}，未作任何更改",
            f"The refusing company or its place does not match the contract unit: {current_en}; "
            "nothing was changed",
            field="uscc",
        )
