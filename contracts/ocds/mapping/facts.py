"""The OCDS mapping's input, pure: a project's public facts as plain values, and OCDS's formats
of a date-time, a date, an amount and a process id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

#: Asia/Shanghai has no daylight saving time: a fixed +08:00 keeps this module free of zoneinfo.
CST = timezone(timedelta(hours=8))
VERSION = "1.1"
CURRENCY = "CNY"
#: Respondents commit online on the platform (交易响应承诺), nothing is posted or handed in.
SUBMISSION_METHOD = ["electronicSubmission"]
#: The release tags of a step's kind.
TAGS = {
    "planning": ["planning"],
    "tender": ["tender"],
    "failed": ["tenderUpdate"],
    "award": ["award"],
    "refusal": ["awardUpdate"],
    "refusal_sanction": ["awardUpdate"],
    "contract": ["contract"],
    "implementation": ["implementation"],
    "evaluation_sanction": ["implementationUpdate"],
}


@dataclass(frozen=True)
class Company:
    """A company as published: its USCC (统一社会信用代码) and name."""

    uscc: str
    name: str


@dataclass(frozen=True)
class Document:
    """A published notice a release links to."""

    id: str
    type: str  # OCDS documentType: tenderNotice, awardNotice, contractNotice…
    title: str
    url: str
    published: datetime


@dataclass(frozen=True)
class Draw:
    """A committed public draw of the round (its record is public at `url`; never its seed)."""

    id: str
    purpose: str  # "award" (ranking of respondents) or "discountRate" (pick of a rate)
    url: str


@dataclass(frozen=True)
class Refusal:
    """A refusal to sign without good cause: the award passed to the next in the ranking."""

    at: datetime
    refused: Company
    passed_to: Company | None  # None: the ranking ran out
    notice: Document | None


@dataclass(frozen=True)
class Contract:
    signed_on: date
    amount: Decimal
    amount_reason: str
    recorded_at: datetime
    supplier: Company


@dataclass(frozen=True)
class Evaluation:
    """合同履行评价, published on the project page."""

    completed_on: date
    result: str  # "pass" / "fail"
    evaluated_at: datetime


@dataclass(frozen=True)
class Sanction:
    """A published sanction that arose from this round (a refusal, a failed evaluation)."""

    id: int
    company: Company
    source: str  # contractors.sanctions.rules.CaseSource: "refusal", "evaluation"
    kind: str  # warning / suspension / removal
    reason: str
    basis: str
    starts_on: date
    until: date | None
    published_at: datetime
    url: str


@dataclass(frozen=True)
class Round:
    """One trading round, as far as it is public."""

    code: str
    round: int
    announced_at: datetime
    responses_close_at: datetime
    meeting_at: datetime
    rate_options: list[str]
    notice: Document | None
    draws: list[Draw]
    held_at: datetime | None = None
    outcome: str | None = None  # contracts.rules.Outcome: "drawn" / "failed"; None before
    failed_reason: str = ""
    #: The respondents at the meeting (the award draw's candidates), public from the meeting on.
    respondents: list[Company] = field(default_factory=list)
    #: The award draw's ranking; its first is the contract unit named at the meeting.
    ranking: list[Company] = field(default_factory=list)
    discount_rate: Decimal | None = None
    contract_price: Decimal | None = None
    result_notice: Document | None = None
    refusals: list[Refusal] = field(default_factory=list)
    contract: Contract | None = None
    evaluation: Evaluation | None = None
    sanctions: list[Sanction] = field(default_factory=list)


@dataclass(frozen=True)
class Framework:
    """The pool round (预选承包商名录库 call) the respondents were drawn from: a framework."""

    code: str
    title: str
    url: str


@dataclass(frozen=True)
class Project:
    code: str
    name: str
    owner_name: str
    kind: str  # "construction" / "supervision"
    category_code: str
    category_name: str
    estimate: Decimal
    control_price: Decimal
    non_competitive_part: Decimal
    duration_days: int
    scope: str
    filed_at: datetime
    office_code: str
    office_name: str
    url: str
    framework: Framework | None
    rounds: list[Round]


def ocid(prefix: str, code: str) -> str:
    """`<registered prefix>-<trading round code>`: one contracting process per round."""
    return f"{prefix}-{code}"


def stamp(moment: datetime) -> str:
    """An OCDS date-time: ISO 8601 with the +08:00 offset, whole seconds."""
    return moment.astimezone(CST).replace(microsecond=0).isoformat()


def day_start(day: date) -> str:
    """A local date as the date-time of its start (00:00 +08:00)."""
    return datetime.combine(day, time(0), CST).isoformat()


def amount(value: Decimal) -> dict:
    """An OCDS Value. OCDS amounts are JSON numbers: yuan with two decimals, exact in a double
    below 2^53 fen (Numeric(14, 2) stays far below), so the number prints as the stored amount."""
    return {"amount": float(value), "currency": CURRENCY}


def percent(value: Decimal) -> str:
    return f"{value:.2f}"
