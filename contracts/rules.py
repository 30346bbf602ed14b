"""Pure rules of per-project trading: scope, money, rate lists, the contract price, the project's
state from the clock and the facts, and the notice-to-letter count. No Flask, no SQLAlchemy."""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Protocol

from app.refusal import Refusal
from lottery import rules as draw_rules
from notices.sms.rules import contains_url

FEN = Decimal("0.01")
HUNDRED = Decimal("100")
#: 施工 / 监理等服务: the kinds of contract the statutory thresholds distinguish.
KINDS = ("construction", "supervision")
KIND_LABELS = {"construction": "施工", "supervision": "工程监理"}
FUNDING = {"state": "国有资金", "collective": "村集体资金"}
#: Target from trading notice to result letter (DESIGN.md B.5).
LETTER_TARGET_WORKING_DAYS = 5


class RuleError(Refusal, ValueError):
    """An input breaks a rule. `message` is Chinese, `message_en` English; `field` names the input."""


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


#: Amounts are stored as Numeric(14, 2): below a trillion yuan, to the fen.
AMOUNT_LIMIT = Decimal("1e12")
#: A number is typed as plain digits with a decimal point: no sign, exponent, NaN or Infinity,
#: no digits of other scripts, no "_" (all of which Python's Decimal would otherwise accept).
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
#: The same with thousands separators, as amounts are often written ("1,234,567.89").
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
#: Longer text is no number a person means (10^12 with two decimals has 16 characters).
MAX_NUMBER_CHARS = 32
#: More options than this make neither a readable notice nor a meaningful draw.
MAX_RATE_OPTIONS = 100


def _shown(value: object) -> str:
    """Typed input quoted in a message: cut short, invisible characters escaped."""
    text = str(value)
    text = text if len(text) <= 20 else text[:20] + "…"
    return text if text.isprintable() else repr(text)


def parse_decimal(
    value: object,
    field: str,
    label: str,
    *,
    below: Decimal,
    places: int = 2,
    grouped: bool = False,
) -> Decimal:
    """THE parse of every amount and rate: a Decimal, or its text as plain digits, that is not
    negative, has at most `places` decimals and is below `below`; returned quantized to `places`.
    Anything else — NaN, Infinity, -0, exponents, 10^30, arbitrary text — is a RuleError on
    `field`, never a decimal.InvalidOperation (quantize raises it past 28 digits). `grouped`
    admits thousands separators (amounts, "1,234,567.89"; never rates, which lists separate)."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if not (_PLAIN_NUMBER.fullmatch(text) or (grouped and _GROUPED_NUMBER.fullmatch(text))):
            raise RuleError(
                f"{label}不是有效的数字：{_shown(value)}",
                f"{label} is not a number: {_shown(value)}",
                field=field,
            )
        digits = text.replace(",", "")
        # Bounded before Decimal sees it: a plain number of any length is still a number a
        # person typed, and gets the message for its size or its decimals.
        if len(digits.split(".")[0].lstrip("0")) > len(f"{below:f}"):
            raise RuleError(
                f"{label}必须小于{below:,f}：{_shown(value)}",
                f"{label} must be below {below:,f}: {_shown(value)}",
                field=field,
            )
        if len(digits) > MAX_NUMBER_CHARS:
            raise RuleError(
                f"{label}最多保留{places}位小数：{_shown(value)}",
                f"{label} may have at most {places} decimals: {_shown(value)}",
                field=field,
            )
        number = Decimal(digits)
    else:
        raise RuleError(f"{label}不是有效的数字", f"{label} is not a number", field=field)
    if not number.is_finite() or number.is_signed():
        raise RuleError(
            f"{label}不是有效的数字：{_shown(value)}",
            f"{label} is not a number: {_shown(value)}",
            field=field,
        )
    # The magnitude first: quantize of a number beyond the context's 28 digits raises.
    if number >= below:
        raise RuleError(
            f"{label}必须小于{below:,f}：{_shown(value)}",
            f"{label} must be below {below:,f}: {_shown(value)}",
            field=field,
        )
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step, rounding=ROUND_DOWN):
        raise RuleError(
            f"{label}最多保留两位小数：{_shown(value)}"
            if places == 2
            else f"{label}最多保留{places}位小数：{_shown(value)}",
            f"{label} may have at most {places} decimals: {_shown(value)}",
            field=field,
        )
    return number.quantize(step)


def check_amount(value: object, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    """A sum of money in yuan: at most two decimals (fen), positive (or zero where allowed),
    below AMOUNT_LIMIT so that Numeric(14, 2) holds it."""
    amount = parse_decimal(value, field, label, below=AMOUNT_LIMIT, grouped=True)
    if amount == 0 and not allow_zero:
        raise RuleError(f"{label}必须大于零", f"{label} must be positive", field=field)
    return amount


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


def check_prices(estimate: Decimal, control: Decimal, part: Decimal, threshold: Decimal) -> None:
    """The control price (控制价) lies within the estimate, hence below the statutory threshold,
    and the non-competitive part (不可竞争费用) below the control price: the rate discounts the rest."""
    if control > estimate:
        raise RuleError(
            f"控制价{_yuan(control)}元不能高于单项合同估算价{_yuan(estimate)}元",
            f"The control price {control} cannot exceed the estimate {estimate}",
            field="control_price",
        )
    if control >= threshold:
        raise RuleError(
            f"控制价{_yuan(control)}元达到依法必须招标的{_yuan(threshold)}元",
            f"The control price {control} reaches the statutory tendering threshold {threshold}",
            field="control_price",
        )
    if part >= control:
        raise RuleError(
            f"不可竞争费用{_yuan(part)}元必须低于控制价{_yuan(control)}元",
            f"The non-competitive part {part} must be below the control price {control}",
            field="non_competitive_part",
        )


def parse_rate(raw: object, field: str = "rates", label: str = "下浮率") -> Decimal:
    """One discount-rate option in percent: 0 < r < 100 with at most two decimals."""
    r = parse_decimal(raw, field, label, below=Decimal("1e6"))
    if not (0 < r < HUNDRED):
        raise RuleError(
            f"{label}必须大于0且小于100：{_shown(raw)}",
            f"A rate must be above 0 and below 100: {_shown(raw)}",
            field=field,
        )
    return r


def check_rates(rates: Iterable[object]) -> list[str]:
    """The published discount-rate options, in percent: each 0 < r < 100 with at most two
    decimals, no duplicates, at most MAX_RATE_OPTIONS; returned as two-decimal strings ("3.00")
    in the given order."""
    items = list(rates)
    if len(items) > MAX_RATE_OPTIONS:
        raise RuleError(
            f"下浮率选项最多{MAX_RATE_OPTIONS}个",
            f"At most {MAX_RATE_OPTIONS} rate options",
            field="rates",
        )
    out: list[str] = []
    for raw in items:
        label = f"{parse_rate(raw)}"
        if label in out:
            raise RuleError(
                f"下浮率选项重复：{label}", f"The rate {label} is listed twice", field="rates"
            )
        out.append(label)
    if not out:
        raise RuleError("请至少给出一个下浮率选项", "Give at least one rate", field="rates")
    return out


def rate_range(rate_min: object, rate_max: object, step: object) -> list[str]:
    """The options from `rate_min` to `rate_max` (both included) by `step`, checked as a list is;
    the count is bounded before a single option is built (0.01 to 99.99 by 0.0001 would be
    a million)."""
    low = parse_rate(rate_min, "rate_min", "最小下浮率")
    high = parse_rate(rate_max, "rate_max", "最大下浮率")
    try:
        by = parse_decimal(step, "rate_step", "步长", below=HUNDRED)
    except RuleError:
        by = Decimal(0)
    if by == 0:
        raise RuleError(
            f"步长须为大于0、最多两位小数的数：{_shown(step)}",
            f"The step must be a number above 0 with at most two decimals: {_shown(step)}",
            field="rate_step",
        )
    if high < low:
        raise RuleError(
            "最大下浮率不能小于最小下浮率",
            "The maximum rate cannot be below the minimum",
            field="rate_max",
        )
    if (high - low) / by + 1 > MAX_RATE_OPTIONS:
        raise RuleError(
            f"下浮率选项最多{MAX_RATE_OPTIONS}个",
            f"At most {MAX_RATE_OPTIONS} rate options",
            field="rate_step",
        )
    return check_rates(draw_rules.rate_options(low, high, by))


# ---- the project's text ----------------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    """A free-text fact of a project and what it may hold."""

    field: str
    label: str
    label_en: str
    max_chars: int
    required: bool = True
    #: Line breaks (and tabs) allowed: the scope of works is a paragraph.
    multiline: bool = False
    #: No web address: the name is the trading notice's title and goes into every SMS
    #: (notices.sms.rules refuses a URL in an SMS variable).
    no_url: bool = False


#: The free-text facts of a project, checked on entry, revision, filing and announcement alike,
#: so that a project that was accepted is never refused later for its text. The caps keep the
#: texts below what they are printed in: the name in the notice title "{name}交易公告" (200
#: characters, notices) and in both draws' purpose (lottery.rules.MAX_PURPOSE_CHARS).
PROJECT_TEXTS = (
    TextRule("name", "项目名称", "The project name", 100, no_url=True),
    TextRule("owner_name", "业主", "The owner", 100),
    TextRule("town", "街道/镇", "The town", 50),
    TextRule("village", "村（社区）", "The village", 50, required=False),
    TextRule("contact_person", "联系人", "The contact person", 50),
    TextRule("contact_phone", "联系电话", "The contact phone", 40),
    TextRule("scope", "工程内容", "The scope of works", 20_000, required=False, multiline=True),
)
TEXT_LIMITS = {t.field: t.max_chars for t in PROJECT_TEXTS}


def check_text(rule: TextRule, value: object) -> str:
    """One text fact, stripped: present if required, within its cap, no line break (unless a
    paragraph), no control, zero-width, bidi or unassigned character (NUL included), no web
    address where the notice and the SMS forbid one."""
    text = value.strip() if isinstance(value, str) else ""
    if rule.required and not text:
        raise RuleError(f"请填写{rule.label}", f"{rule.label_en} is required", field=rule.field)
    if len(text) > rule.max_chars:
        raise RuleError(
            f"{rule.label}不能超过{rule.max_chars}个字（现有{len(text)}个）",
            f"{rule.label_en} may have at most {rule.max_chars} characters ({len(text)})",
            field=rule.field,
        )
    ch = draw_rules.hidden_character(text, allowed="\n\r\t" if rule.multiline else "")
    if ch is not None:
        raise RuleError(
            f"{rule.label}不能包含换行、控制字符或不可见字符（U+{ord(ch):04X}）",
            f"{rule.label_en} may not contain a line break, control or invisible character "
            f"(U+{ord(ch):04X})",
            field=rule.field,
        )
    if rule.no_url and contains_url(text):
        raise RuleError(
            f"{rule.label}不能包含网址",
            f"{rule.label_en} may not contain a web address",
            field=rule.field,
        )
    return text


def check_project_texts(values: Mapping[str, object]) -> dict[str, str]:
    """Every free-text fact of a project (PROJECT_TEXTS), checked and stripped."""
    return {rule.field: check_text(rule, values.get(rule.field)) for rule in PROJECT_TEXTS}


# ---- what staff reviewed -----------------------------------------------------------------------

#: The facts shown on a project's page that filing, sending back and announcing rely on.
REVIEWED_FIELDS = (
    "name",
    "owner_name",
    "town",
    "village",
    "category_code",
    "kind",
    "funding",
    "estimate",
    "control_price",
    "non_competitive_part",
    "duration_days",
    "scope",
    "contact_person",
    "contact_phone",
    "documents",
    "filing",
)


def project_fingerprint(facts: Mapping[str, object], attachments: Iterable[tuple[int, str]]) -> str:
    """A digest of what a staff member reviewed: the project's facts (REVIEWED_FIELDS) and its
    attachments (id, sha256). The page carries it; the step is refused when the project's
    fingerprint is no longer the same (an owner revised it in between)."""

    def canonical(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, Decimal) else str(value)

    payload = {
        "facts": {k: canonical(facts[k]) for k in REVIEWED_FIELDS},
        "attachments": sorted([int(i), str(h)] for i, h in attachments),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_reviewed(reviewed: object, current: str, step: tuple[str, str]) -> None:
    """Refuse a step taken on a page that showed another version of the project."""
    if not isinstance(reviewed, str) or reviewed != current:
        raise RuleError(
            f"项目已被修改，请重新审阅后再{step[0]}",
            f"The project was changed since you opened it: review it again, then {step[1]}",
        )


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


class FilingStep(enum.StrEnum):
    """What the owner and staff do to a project before its trading notice (备案 and its sides)."""

    REVISE = "revise"  # the owner or staff change the facts: back to staff as submitted
    ATTACH = "attach"  # a file added to the trading documents
    FILE = "file"  # 备案: the facts and documents are fixed and may be announced
    SEND_BACK = "send_back"  # 退回: to the owner with reasons
    #: 退回已备案项目: a filed project not yet announced goes back to its owner with reasons
    #: (a project filed with a fault no announcement would accept is not stuck for ever).
    SEND_BACK_FILED = "send_back_filed"


#: The filing steps each state allows, and the filing they leave (None: unchanged). Once the
#: trading notice is published, nothing here applies: what was published stays as it was.
FILING_STEPS: dict[tuple[ProjectState, FilingStep], str | None] = {
    (ProjectState.SUBMITTED, FilingStep.REVISE): "submitted",
    (ProjectState.SENT_BACK, FilingStep.REVISE): "submitted",
    (ProjectState.SUBMITTED, FilingStep.ATTACH): None,
    (ProjectState.SENT_BACK, FilingStep.ATTACH): None,
    (ProjectState.SUBMITTED, FilingStep.FILE): "filed",
    (ProjectState.SUBMITTED, FilingStep.SEND_BACK): "sent_back",
    (ProjectState.FILED, FilingStep.SEND_BACK_FILED): "sent_back",
}

#: Each step as a verb: Chinese, English.
_STEP_VERBS = {
    FilingStep.REVISE: ("修改项目", "be revised"),
    FilingStep.ATTACH: ("添加附件", "take attachments"),
    FilingStep.FILE: ("备案", "be filed"),
    FilingStep.SEND_BACK: ("退回", "be sent back"),
    FilingStep.SEND_BACK_FILED: ("退回", "be sent back"),
}


def send_back_step(state: ProjectState) -> FilingStep:
    """Sending back is one button: of a submitted project, or of a filed one not yet announced."""
    return FilingStep.SEND_BACK_FILED if state is ProjectState.FILED else FilingStep.SEND_BACK


def require_filing_step(state: ProjectState, step: FilingStep) -> str | None:
    """The filing the project gets by `step` in `state`; RuleError saying why when refused."""
    if (state, step) in FILING_STEPS:
        return FILING_STEPS[(state, step)]
    zh, en = _STEP_VERBS[step]
    if state is ProjectState.FILED and step is FilingStep.FILE:
        raise RuleError("项目已备案", "The project is already filed")
    if state is ProjectState.FILED:
        raise RuleError(
            f"项目已备案，交易文件已固定，不能再{zh}（如需修改，请区公管办先退回业主）",
            f"The project is filed and its documents are fixed: it can no longer {en} "
            "(the office may send it back first)",
        )
    if state is ProjectState.SENT_BACK:
        raise RuleError(
            f"项目已退回业主，等待业主修改后重新提交，不能{zh}",
            f"The project was sent back to its owner: it cannot {en} until revised",
        )
    if state is ProjectState.SUBMITTED:
        raise RuleError(f"项目尚未备案，不能{zh}", f"The project is not filed: it cannot {en}")
    raise RuleError(
        f"项目已发布交易公告，不能再{zh}",
        f"The project's trading notice is published: it can no longer {en}",
    )


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
