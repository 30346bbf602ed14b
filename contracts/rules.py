"""Pure rules of per-project trading: scope, money, rate lists, the contract price, the project's
state from the clock and the facts, and the notice-to-letter count. No Flask, no SQLAlchemy."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol

FEN = Decimal("0.01")
HUNDRED = Decimal("100")
#: 施工 / 监理等服务: the kinds of contract the statutory thresholds distinguish.
KINDS = ("construction", "supervision")
KIND_LABELS = {"construction": "施工", "supervision": "工程监理"}
FUNDING = {"state": "国有资金", "collective": "村集体资金"}
#: Target from trading notice to result letter (DESIGN.md B.5).
LETTER_TARGET_WORKING_DAYS = 5


class RuleError(ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""

    def __init__(self, message: str, message_en: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.message_en = message_en
        self.field = field


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def check_amount(value: object, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    """A sum of money in yuan: a Decimal (or its string) with at most two decimals (fen)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise RuleError(
            f"{label}不是有效的金额", f"{label} is not an amount", field=field
        ) from None
    if not amount.is_finite():
        raise RuleError(f"{label}不是有效的金额", f"{label} is not an amount", field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise RuleError(f"{label}必须大于零", f"{label} must be positive", field=field)
    # The size first: quantize raises InvalidOperation past the context's 28 digits
    # (99999999999999999999999999999.001), and below 10¹² it never can.
    if amount >= Decimal("1e12"):
        raise RuleError(f"{label}过大", f"{label} is too large", field=field)
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(FEN):
        raise RuleError(
            f"{label}最多保留两位小数（到分）",
            f"{label} may have at most two decimals (fen)",
            field=field,
        )
    return amount.quantize(FEN)


def check_scope(
    kind: str, estimate: Decimal, thresholds: Mapping[str, Decimal], minimum: Decimal
) -> None:
    """DESIGN.md B.1: estimate ≥ the minimum and below the kind's statutory threshold."""
    if kind not in thresholds:
        raise RuleError(f"项目类型无效：{kind}", f"Invalid kind of contract: {kind}", field="kind")
    if estimate < minimum:
        raise RuleError(
            f"单项合同估算价{_yuan(estimate)}元低于{_yuan(minimum)}元，不属于本平台交易范围",
            f"The estimate {estimate} is below {minimum} yuan: out of the platform's scope",
            field="estimate",
        )
    limit = thresholds[kind]
    if estimate >= limit:
        raise RuleError(
            f"{KIND_LABELS.get(kind, kind)}单项合同估算价{_yuan(estimate)}元达到{_yuan(limit)}元，"
            "依《必须招标的工程项目规定》第五条必须招标，不属于本平台交易范围",
            f"The estimate {estimate} reaches the statutory tendering threshold of {limit} yuan "
            "(必须招标的工程项目规定 art. 5): it must be tendered, out of the platform's scope",
            field="estimate",
        )


def check_prices(control: Decimal, part: Decimal) -> None:
    """The non-competitive part lies within the control price."""
    if part > control:
        raise RuleError(
            "不可竞争费用不能超过控制价",
            "The non-competitive part cannot exceed the control price",
            field="non_competitive_part",
        )


def check_rates(rates: Iterable[object]) -> list[str]:
    """The published discount-rate options, in percent: each 0 < r < 100 with at most two
    decimals, no duplicates; returned as two-decimal strings ("3.00") in the given order."""
    out: list[str] = []
    for raw in rates:
        try:
            r = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise RuleError(
                f"下浮率不是有效的数字：{raw}", f"Not a rate: {raw}", field="rates"
            ) from None
        if not r.is_finite() or r != r.quantize(FEN):
            raise RuleError(
                f"下浮率最多保留两位小数：{raw}",
                f"A rate may have at most two decimals: {raw}",
                field="rates",
            )
        if not (0 < r < HUNDRED):
            raise RuleError(
                f"下浮率必须大于0且小于100：{raw}",
                f"A rate must be above 0 and below 100: {raw}",
                field="rates",
            )
        label = f"{r.quantize(FEN)}"
        if label in out:
            raise RuleError(
                f"下浮率选项重复：{label}", f"The rate {label} is listed twice", field="rates"
            )
        out.append(label)
    if not out:
        raise RuleError("请至少给出一个下浮率选项", "Give at least one rate", field="rates")
    return out


def contract_price(control: Decimal, part: Decimal, rate_percent: Decimal | str) -> Decimal:
    """(control − part) × (1 − rate) + part, exact, rounded once ROUND_HALF_UP to the fen
    (DESIGN.md B.4: 1,234,567.89 at 8.50% → 1,129,629.62)."""
    rate = Decimal(rate_percent) / HUNDRED
    exact = (control - part) * (1 - rate) + part
    return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def price_table(control: Decimal, part: Decimal, rates: Sequence[str]) -> list[tuple[str, Decimal]]:
    """The contract price each published option would give, printed in the trading notice."""
    return [(r, contract_price(control, part, r)) for r in rates]


class ProjectState(enum.StrEnum):
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    FILED = "filed"
    ANNOUNCED = "announced"  # trading notice published, responses open
    AWAITING_MEETING = "awaiting_meeting"  # publicity ended, meeting not held
    FAILED = "failed"
    DRAWN = "drawn"  # result published, contract not signed
    SIGNED = "signed"


@dataclass(frozen=True)
class Facts:
    """What happened to a project, as plain values."""

    filing: str  # submitted / sent_back / filed
    responses_close_at: datetime | None = None  # the trading notice's publicity end (exclusive)
    outcome: str | None = None  # None / "drawn" / "failed" (of the latest trading)
    signed: bool = False


def state_of(facts: Facts, now: datetime) -> ProjectState:
    """Open or closed because of the clock, not a flag (CONVENTIONS.md, example 2)."""
    if facts.signed:
        return ProjectState.SIGNED
    if facts.outcome == "drawn":
        return ProjectState.DRAWN
    if facts.outcome == "failed":
        return ProjectState.FAILED
    if facts.responses_close_at is not None:
        if now < facts.responses_close_at:
            return ProjectState.ANNOUNCED
        return ProjectState.AWAITING_MEETING
    return ProjectState(facts.filing)


def responses_open(close_at: datetime | None, now: datetime) -> bool:
    """Responses are accepted until the trading notice's publicity ends (exclusive)."""
    return close_at is not None and now < close_at


class _Calendar(Protocol):
    def working_days_between(self, start: date, end: date) -> int: ...


def notice_to_letter_days(calendar: _Calendar, notice_on: date, letter_on: date) -> int:
    """Working days from the trading notice to the result letter (the notice's day does not
    count, 民法典 art. 201), shown against the 5-working-day target."""
    return calendar.working_days_between(notice_on, letter_on)


#: A project's state as shown to people: Chinese, English (the views pick the request's language).
STATE_LABELS = {
    ProjectState.SUBMITTED: ("待备案", "Awaiting filing"),
    ProjectState.SENT_BACK: ("已退回业主", "Sent back to the owner"),
    ProjectState.FILED: ("已备案", "Filed"),
    ProjectState.ANNOUNCED: ("交易公告公示中", "Trading notice in publicity"),
    ProjectState.AWAITING_MEETING: ("响应已截止，待定标", "Responses closed, awaiting the meeting"),
    ProjectState.FAILED: ("流标", "Trading failed"),
    ProjectState.DRAWN: ("已定标，待签订合同", "Awarded, contract to be signed"),
    ProjectState.SIGNED: ("已签订合同", "Contract signed"),
}

#: What comes next in each state, for the office and for the owner: key, then (zh, en) each.
_STEPS = {
    ProjectState.SUBMITTED: (
        "file",
        ("备案或退回", "File or send back"),
        ("等待区公管办备案", "Waiting for the office to file it"),
    ),
    ProjectState.SENT_BACK: (
        "revise",
        ("等待业主修改后重新提交", "Waiting for the owner to revise it"),
        ("按退回理由修改后重新提交", "Revise it as the reasons say and submit it again"),
    ),
    ProjectState.FILED: (
        "announce",
        ("发布交易公告", "Publish the trading notice"),
        ("等待区公管办发布交易公告", "Waiting for the office to publish the trading notice"),
    ),
    ProjectState.ANNOUNCED: (
        "responses",
        ("等待响应截止", "Responses close"),
        ("等待响应截止", "Responses close"),
    ),
    ProjectState.AWAITING_MEETING: (
        "meeting",
        ("召开定标会议", "Hold the award meeting"),
        ("定标会议", "Award meeting"),
    ),
    ProjectState.FAILED: (
        "reannounce",
        ("重新发布交易公告", "Announce the project again"),
        ("等待区公管办重新发布交易公告", "Waiting for the office to announce it again"),
    ),
    ProjectState.DRAWN: (
        "contract",
        ("记录合同签订", "Record the signed contract"),
        ("签订合同并在本页记录", "Sign the contract and record it on this page"),
    ),
}


@dataclass(frozen=True)
class NextStep:
    """What a project waits for, and by when."""

    key: str
    label: str
    label_en: str
    #: The deadline or the appointed moment (an exclusive end for a period of days), if any.
    due: datetime | None
    #: The deadline or the appointed moment has passed and the step is still to be taken.
    late: bool
    #: Nobody has anything to do before `due` (the responses are open).
    waiting: bool = False


def signing_ends_at(letter_issued_at: datetime, days: int, tz: tzinfo) -> datetime:
    """The end (exclusive) of the contract signing period: 自交易结果通知书发出之日起`days`日内
    (《招标投标法》第四十六条, calendar days). The letter's day does not count (民法典 art. 201),
    so the period ends at local 00:00 after the `days`-th day after it."""
    last = letter_issued_at.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)


def next_step(
    state: ProjectState,
    now: datetime,
    *,
    responses_close_at: datetime | None = None,
    meeting_at: datetime | None = None,
    signing_ends_at: datetime | None = None,
    for_owner: bool = False,
) -> NextStep | None:
    """The next step of a project in `state` (None once the contract is signed): for the office,
    or worded for the owner. Late when its deadline or appointed time has passed."""
    if state not in _STEPS:
        return None
    key, staff_label, owner_label = _STEPS[state]
    label, label_en = owner_label if for_owner else staff_label
    due = {
        ProjectState.ANNOUNCED: responses_close_at,
        ProjectState.AWAITING_MEETING: meeting_at,
        ProjectState.DRAWN: signing_ends_at,
    }.get(state)
    waiting = state is ProjectState.ANNOUNCED
    if due is None or waiting:
        late = False
    elif state is ProjectState.AWAITING_MEETING:
        late = now > due  # at the appointed minute the meeting is on time; after it, late
    else:
        late = now >= due  # an exclusive end
    return NextStep(key, label, label_en, due, late, waiting)


def urgency(step: NextStep, since: datetime) -> tuple[int, datetime]:
    """Sort key, most urgent first: late steps, then by when each is due — a step without a
    deadline is due since the project reached its state (`since`), so work waiting already
    comes before deadlines still ahead."""
    return (0 if step.late else 1, step.due or since)


# ---- the contract and a refusal to sign ---------------------------------------------------------

#: The longest stated reason for a contract amount below the contract price.
AMOUNT_REASON_MAX = 500
#: Characters nobody can see or that steer the display (controls, zero-width, bidi overrides…).
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co"})


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
    text = " ".join((reason or "").split())
    if not text:
        raise RuleError(
            f"合同金额低于定标确定的合同价{_yuan(contract_price)}元的，请说明理由（将与合同一并公开）",
            f"The amount is below the contract price of {_yuan(contract_price)} yuan: state the "
            "reason (it is published with the contract)",
            field="amount_reason",
        )
    if len(text) > AMOUNT_REASON_MAX:
        raise RuleError(
            f"理由不能超过{AMOUNT_REASON_MAX}个字符",
            f"The reason may have at most {AMOUNT_REASON_MAX} characters",
            field="amount_reason",
        )
    hidden = next((ch for ch in text if unicodedata.category(ch) in _HIDDEN), None)
    if hidden is not None:
        raise RuleError(
            f"理由不能包含不可见的控制字符（U+{ord(hidden):04X}）",
            f"The reason must not contain an invisible control character (U+{ord(hidden):04X})",
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
