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

#: The subject of one trading round — one contracting process — in its draws, its notices and its
#: audit entries, each naming the round by its code (`trading_code`): one id per process, the one
#: an OCDS `ocid` would carry. Steps before a round exists (entry, filing, send-back) are the
#: project's: subject "project", the project code.
SUBJECT_TYPE = "trading"
#: The subject type of the draws committed before the round had one subject. A draw record never
#: changes once drawn (the draws triggers), so those keep it and are read as the round's draws.
LEGACY_DRAW_SUBJECT_TYPE = "trading_project"
#: Every subject type a trading round's draws carry.
DRAW_SUBJECT_TYPES = (SUBJECT_TYPE, LEGACY_DRAW_SUBJECT_TYPE)


def trading_code(project_code: str, round_: int) -> str:
    """A round's code: the project code for the first, `<project code>-<n>` for the n-th."""
    return project_code if round_ == 1 else f"{project_code}-{round_}"


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


# ---- the project's state: facts in, one state out, guards and steps from one table ------------


class Filing(enum.StrEnum):
    """`Project.filing`, the office's filing decision (备案): the stored fact, not the state."""

    SUBMITTED = "submitted"  # entered or revised, waiting for the office
    SENT_BACK = "sent_back"  # 退回: back with the owner, with reasons
    FILED = "filed"  # 备案: facts and documents fixed


class Outcome(enum.StrEnum):
    """`Trading.outcome`, what the award meeting decided (None until it is held)."""

    DRAWN = "drawn"  # both draws drawn: a contract unit, a rate, a contract price
    FAILED = "failed"  # 流标: too few respondents, or the ranking ran out after refusals


class ProjectState(enum.StrEnum):
    """A project's state, derived from its facts and the clock (`state_of`), never stored. The
    values are public: the API and the list's ?state= filter use them."""

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

    filing: str  # a Filing
    responses_close_at: datetime | None = None  # the trading notice's publicity end (exclusive)
    outcome: str | None = None  # an Outcome of the latest trading, None before its meeting
    signed: bool = False


class Fact(enum.StrEnum):
    """One yes/no question the state rule asks of the facts. contracts.queries answers each in
    SQL as well, so that the list filters by the same rule (tested state by state)."""

    SIGNED = "signed"  # a contract is recorded for the latest trading
    DRAWN = "drawn"  # the latest trading's outcome is drawn
    FAILED = "failed"  # … or failed
    ANNOUNCED = "announced"  # a trading notice is published
    OPEN = "open"  # … and its publicity (the responses) has not ended
    FILED = "filed"  # Project.filing
    SENT_BACK = "sent_back"
    SUBMITTED = "submitted"


def holds(fact: Fact, f: Facts, now: datetime) -> bool:
    if fact is Fact.SIGNED:
        return f.signed
    if fact is Fact.ANNOUNCED:
        return f.responses_close_at is not None
    if fact is Fact.OPEN:
        return f.responses_close_at is not None and now < f.responses_close_at
    if fact in (Fact.DRAWN, Fact.FAILED):
        return f.outcome == Outcome(fact)
    return f.filing == Filing(fact)


S = ProjectState

#: THE state rule: the first state whose facts all hold. Open or closed because of the clock,
#: not a flag (CONVENTIONS.md, example 2).
STATE_RULE: tuple[tuple[ProjectState, frozenset[Fact]], ...] = (
    (S.SIGNED, frozenset({Fact.SIGNED})),
    (S.DRAWN, frozenset({Fact.DRAWN})),
    (S.FAILED, frozenset({Fact.FAILED})),
    (S.ANNOUNCED, frozenset({Fact.OPEN})),
    (S.AWAITING_MEETING, frozenset({Fact.ANNOUNCED})),
    (S.FILED, frozenset({Fact.FILED})),
    (S.SENT_BACK, frozenset({Fact.SENT_BACK})),
    (S.SUBMITTED, frozenset({Fact.SUBMITTED})),
)


def state_of(facts: Facts, now: datetime) -> ProjectState:
    for state, needs in STATE_RULE:
        if all(holds(fact, facts, now) for fact in needs):
            return state
    raise ValueError(f"no state for the filing {facts.filing!r}")


class TradingAction(enum.StrEnum):
    """What people do to a project once it is filed (the filing steps are FilingStep)."""

    ANNOUNCE = "announce"  # publish the (next round's) trading notice
    POST = "post"  # post the printed notice on the bulletin boards (the step to do now)
    RESPOND = "respond"  # a member confirms or withdraws its response commitment
    HOLD_MEETING = "hold_meeting"  # 定标会议: draw, or fail the trading
    RECORD_CONTRACT = "record_contract"  # the signed contract
    RECORD_REFUSAL = "record_refusal"  # the contract unit refused to sign: the award passes on


class StepStatus(enum.StrEnum):
    """Where one step of the staff's trading checklist stands."""

    DONE = "done"
    NOW = "now"
    WAITING = "waiting"
    BLOCKED = "blocked"
    LATER = "later"


@dataclass(frozen=True)
class StateRule:
    """Everything that depends on a state, in one row of STATES."""

    #: As shown to people: Chinese, English.
    label: tuple[str, str]
    #: The trading actions the state allows (filing steps: FILING_STEPS).
    actions: frozenset[TradingAction] = frozenset()
    #: What comes next: key, the office's words, the owner's words (each Chinese, English).
    next: tuple[str, tuple[str, str], tuple[str, str]] | None = None
    #: Which moment the next step is due by (a keyword of `next_step`), if any.
    due: str | None = None
    #: Nobody has anything to do before `due` (the responses are open).
    waiting: bool = False
    #: `due` is an appointed minute (the meeting: on time at it, late after it), not an
    #: exclusive end (late from it).
    appointed: bool = False
    #: The staff's trading checklist: (step key, status) in the procedure's order.
    steps: tuple[tuple[str, StepStatus], ...] = ()
    #: Shown on the public list and selectable in its ?state= filter (a filed project).
    public: bool = False
    #: Why the state refuses whatever it does not allow (Chinese, English), said before any
    #: action's own reason — for a state that holds everything (a suspension), None otherwise.
    blocked: tuple[str, str] | None = None


_D, _N, _W, _B, _L = (
    StepStatus.DONE,
    StepStatus.NOW,
    StepStatus.WAITING,
    StepStatus.BLOCKED,
    StepStatus.LATER,
)
_A = TradingAction

#: Each state's label, actions, next step and checklist: a new state is one more row here (and a
#: line of STATE_RULE, and its Fact's SQL in contracts.queries if it reads a new fact).
STATES: dict[ProjectState, StateRule] = {
    S.SUBMITTED: StateRule(
        ("待备案", "Awaiting filing"),
        next=(
            "file",
            ("备案或退回", "File or send back"),
            ("等待区公管办备案", "Waiting for the office to file it"),
        ),
        steps=(("notice", _L),),
    ),
    S.SENT_BACK: StateRule(
        ("已退回业主", "Sent back to the owner"),
        next=(
            "revise",
            ("等待业主修改后重新提交", "Waiting for the owner to revise it"),
            ("按退回理由修改后重新提交", "Revise it as the reasons say and submit it again"),
        ),
        steps=(("notice", _L),),
    ),
    S.FILED: StateRule(
        ("已备案", "Filed"),
        actions=frozenset({_A.ANNOUNCE}),
        next=(
            "announce",
            ("发布交易公告", "Publish the trading notice"),
            ("等待区公管办发布交易公告", "Waiting for the office to publish the trading notice"),
        ),
        steps=(("notice", _N),),
        public=True,
    ),
    S.ANNOUNCED: StateRule(
        ("交易公告公示中", "Trading notice in publicity"),
        actions=frozenset({_A.POST, _A.RESPOND}),
        next=(
            "responses",
            ("等待响应截止", "Responses close"),
            ("等待响应截止", "Responses close"),
        ),
        due="responses_close_at",
        waiting=True,
        steps=(("notice", _D), ("posting", _N), ("responses", _W), ("meeting", _L)),
        public=True,
    ),
    S.AWAITING_MEETING: StateRule(
        ("响应已截止，待定标", "Responses closed, awaiting the meeting"),
        actions=frozenset({_A.POST, _A.HOLD_MEETING}),
        next=("meeting", ("召开定标会议", "Hold the award meeting"), ("定标会议", "Award meeting")),
        due="meeting_at",
        appointed=True,
        steps=(("notice", _D), ("posting", _N), ("responses", _D), ("meeting", _N)),
        public=True,
    ),
    S.FAILED: StateRule(
        ("流标", "Trading failed"),
        actions=frozenset({_A.ANNOUNCE}),
        next=(
            "reannounce",
            ("重新发布交易公告", "Announce the project again"),
            ("等待区公管办重新发布交易公告", "Waiting for the office to announce it again"),
        ),
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _B)),
        public=True,
    ),
    S.DRAWN: StateRule(
        ("已定标，待签订合同", "Awarded, contract to be signed"),
        actions=frozenset({_A.RECORD_CONTRACT, _A.RECORD_REFUSAL}),
        next=(
            "contract",
            ("记录合同签订", "Record the signed contract"),
            ("签订合同并在本页记录", "Sign the contract and record it on this page"),
        ),
        due="signing_ends_at",
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _D)),
        public=True,
    ),
    S.SIGNED: StateRule(
        ("已签订合同", "Contract signed"),
        steps=(("notice", _D), ("posting", _B), ("responses", _D), ("meeting", _D)),
        public=True,
    ),
}

#: A project's state as shown to people: Chinese, English (the views pick the request's language).
STATE_LABELS = {state: rule.label for state, rule in STATES.items()}
#: The states a filed project can be in: what the public list filters by, in the procedure's order.
PUBLIC_STATES = tuple(state for state, rule in STATES.items() if rule.public)


def allowed_actions(state: ProjectState) -> frozenset[TradingAction]:
    return STATES[state].actions


def may(state: ProjectState, action: TradingAction | FilingStep) -> bool:
    """Whether `state` allows `action` (a trading action, or a filing step)."""
    if isinstance(action, FilingStep):
        return (state, action) in FILING_STEPS
    return action in STATES[state].actions


@dataclass(frozen=True)
class Allowed:
    """What a state allows, asked by name where a page decides what to offer: `may.announce`,
    `may.attach`, `may.record_contract` (the names of TradingAction and FilingStep)."""

    state: ProjectState

    def __getattr__(self, name: str) -> bool:
        for kind in (TradingAction, FilingStep):
            if name in kind._value2member_map_:
                return may(self.state, kind(name))
        raise AttributeError(name)


class TooEarlyError(RuleError):
    """A step refused only because its time has not come."""


class ClosedError(RuleError):
    """A step refused because its period is over."""


def _local(moment: datetime, tz: tzinfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _require(state: ProjectState, action: TradingAction) -> bool:
    """Whether `state` allows `action`; a state that blocks everything else says so here."""
    if may(state, action):
        return True
    if STATES[state].blocked is not None:
        raise RuleError(*STATES[state].blocked)
    return False


def require_announce(state: ProjectState) -> None:
    """A trading notice is published for a filed project, or again after a failed trading."""
    if _require(state, TradingAction.ANNOUNCE):
        return
    if state in (S.SUBMITTED, S.SENT_BACK):
        raise RuleError(
            "项目尚未备案，不能发布交易公告",
            "The project is not filed yet; its trading notice cannot be published",
        )
    raise RuleError(
        "该项目已有交易公告；只有流标后才能重新发布",
        "The project already has a trading notice; only a failed trading may be announced again",
    )


def _require_announced(state: ProjectState) -> None:
    if state in (S.SUBMITTED, S.SENT_BACK, S.FILED):
        raise RuleError("该项目尚未发布交易公告", "The project has no trading notice yet")


def require_meeting(
    state: ProjectState,
    now: datetime,
    *,
    code: str,
    responses_close_at: datetime,
    meeting_at: datetime,
    tz: tzinfo,
) -> None:
    """The award meeting of trading `code` is held once, after the notice's publicity, not before
    the time the notice announced."""
    _require_announced(state)
    allowed = _require(state, TradingAction.HOLD_MEETING)
    if state is S.ANNOUNCED:
        raise TooEarlyError(
            f"交易公告公示期至{_local(responses_close_at, tz)}结束，公示期结束前不能召开定标会议",
            "The award meeting cannot be held before the trading notice's publicity ends",
        )
    if not allowed:
        raise RuleError(
            f"{code}的定标会议已经举行，摇号结果已公布，不能再次摇号",
            f"The award meeting of {code} was held and its draws published; no second draw",
        )
    if now < meeting_at:
        # The notice told respondents and the public when to come and watch the draws: a
        # meeting held before that time would be held without them.
        raise TooEarlyError(
            f"交易公告公布的定标会议时间为{_local(meeting_at, tz)}，不能提前召开定标会议",
            f"The trading notice set the award meeting for {_local(meeting_at, tz)}; it "
            "cannot be held earlier",
        )


def require_responses_open(state: ProjectState, *, responses_close_at: datetime, tz) -> None:
    """Responses are confirmed or withdrawn only while the trading notice is in publicity."""
    _require_announced(state)
    if not _require(state, TradingAction.RESPOND):
        raise ClosedError(
            f"响应截止时间（{_local(responses_close_at, tz)}）已过，不能再响应或撤回",
            "The response deadline has passed; no response or withdrawal is accepted",
        )


def require_unsigned_award(state: ProjectState) -> None:
    """A contract, or a refusal to sign, is recorded only while a drawn award is unsigned."""
    if _require(state, TradingAction.RECORD_CONTRACT):
        return
    if state is S.SIGNED:
        raise RuleError("该项目合同已签订", "The project's contract is already recorded")
    raise RuleError("该项目尚无承包单位", "The project has no contract unit")


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
FILING_STEPS: dict[tuple[ProjectState, FilingStep], Filing | None] = {
    (S.SUBMITTED, FilingStep.REVISE): Filing.SUBMITTED,
    (S.SENT_BACK, FilingStep.REVISE): Filing.SUBMITTED,
    (S.SUBMITTED, FilingStep.ATTACH): None,
    (S.SENT_BACK, FilingStep.ATTACH): None,
    (S.SUBMITTED, FilingStep.FILE): Filing.FILED,
    (S.SUBMITTED, FilingStep.SEND_BACK): Filing.SENT_BACK,
    (S.FILED, FilingStep.SEND_BACK_FILED): Filing.SENT_BACK,
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
    return FilingStep.SEND_BACK_FILED if state is S.FILED else FilingStep.SEND_BACK


def require_filing_step(state: ProjectState, step: FilingStep) -> Filing | None:
    """The filing the project gets by `step` in `state`; RuleError saying why when refused."""
    if (state, step) in FILING_STEPS:
        return FILING_STEPS[(state, step)]
    zh, en = _STEP_VERBS[step]
    if state is S.FILED and step is FilingStep.FILE:
        raise RuleError("项目已备案", "The project is already filed")
    if state is S.FILED:
        raise RuleError(
            f"项目已备案，交易文件已固定，不能再{zh}（如需修改，请区公管办先退回业主）",
            f"The project is filed and its documents are fixed: it can no longer {en} "
            "(the office may send it back first)",
        )
    if state is S.SENT_BACK:
        raise RuleError(
            f"项目已退回业主，等待业主修改后重新提交，不能{zh}",
            f"The project was sent back to its owner: it cannot {en} until revised",
        )
    if state is S.SUBMITTED:
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
    rule = STATES[state]
    if rule.next is None:
        return None
    key, staff_label, owner_label = rule.next
    label, label_en = owner_label if for_owner else staff_label
    moments = {
        "responses_close_at": responses_close_at,
        "meeting_at": meeting_at,
        "signing_ends_at": signing_ends_at,
    }
    due = moments[rule.due] if rule.due else None
    if due is None or rule.waiting:
        late = False
    elif rule.appointed:
        late = now > due  # at the appointed minute the meeting is on time; after it, late
    else:
        late = now >= due  # an exclusive end
    return NextStep(key, label, label_en, due, late, rule.waiting)


def trading_steps(state: ProjectState, *, posted: bool) -> list[tuple[str, StepStatus]]:
    """The staff's trading checklist in `state`: a posting recorded is done whatever the state."""
    return [
        (key, StepStatus.DONE if key == "posting" and posted else status)
        for key, status in STATES[state].steps
    ]


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
