"""The OCDS 1.1 mapping, pure: a project's public facts in, its releases and package out.

No Flask, no SQLAlchemy (tests/unit/test_architecture.py): `contracts.ocds.queries` reads the
facts in a fixed number of queries, this module only arranges them, so a newcomer reads the whole
mapping here, field by field, beside docs/ocds.md.

One trading round (Trading) is one contracting process: its code gives the `ocid`
(`<prefix>-<trading code>`). Each published step of the round is one release with a stable `id`
and the moment of that step as its `date`, holding the process as it stood then — so the
releases of a package never change once made, and a package changes only by a new release.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
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


def _org(c: Company) -> dict:
    return {"id": company_id(c.uscc), "name": c.name}


def company_id(uscc: str) -> str:
    return f"CN-USCC-{uscc}"


def _party(c: Company, roles: list[str]) -> dict:
    return {
        **_org(c),
        "identifier": {"scheme": "CN-USCC", "id": c.uscc, "legalName": c.name},
        "roles": roles,
    }


def _document(d: Document) -> dict:
    return {
        "id": d.id,
        "documentType": d.type,
        "title": d.title,
        "url": d.url,
        "datePublished": stamp(d.published),
        "language": "zh",
    }


def _sanction(s: Sanction) -> dict:
    return {
        "id": str(s.id),
        "kind": s.kind,
        "source": s.source,
        "reason": s.reason,
        "basis": s.basis,
        "startDate": day_start(s.starts_on),
        "endDate": day_start(s.until) if s.until else None,
        "publishedDate": stamp(s.published_at),
        "url": s.url,
    }


class _Process:
    """The process of one round as it stands after each step (releases are copies of it)."""

    def __init__(self, p: Project, code: str, prefix: str, prior: list[str]):
        self.buyer = {"id": "owner", "name": p.owner_name}
        self.office = {"id": f"office-{p.office_code}", "name": p.office_name}
        self.parties: dict[str, dict] = {
            "owner": {**self.buyer, "roles": ["buyer"]},
            self.office["id"]: {**self.office, "roles": ["procuringEntity"]},
        }
        related = []
        if p.framework is not None:
            related.append(
                {
                    "id": "framework",
                    "relationship": ["framework"],
                    "title": p.framework.title,
                    "scheme": "ocid",
                    "identifier": ocid(prefix, p.framework.code),
                    "uri": p.framework.url,
                }
            )
        for n, earlier in enumerate(prior, start=1):
            related.append(
                {
                    "id": f"prior-{n}",
                    "relationship": ["unsuccessfulProcess"],
                    "title": f"{p.name}（第{n}次交易，流标）",
                    "scheme": "ocid",
                    "identifier": earlier,
                }
            )
        self.base = {
            "ocid": ocid(prefix, code),
            "initiationType": "tender",
            "language": "zh",
            "buyer": self.buyer,
            "planning": {
                "budget": {
                    "description": "单项合同估算价",
                    "amount": amount(p.estimate),
                },
                "rationale": f"{p.category_name}类小型建设工程，在预选承包商名录库内公开交易",
            },
            **({"relatedProcesses": related} if related else {}),
        }
        self.tender: dict | None = None
        self.awards: list[dict] = []
        self.contracts: list[dict] = []

    def add_role(self, c: Company, role: str) -> dict:
        party = self.parties.setdefault(company_id(c.uscc), _party(c, []))
        if role not in party["roles"]:
            party["roles"].append(role)
        return party

    def snapshot(self, step_id: str, kind: str, moment: datetime) -> dict:
        release = {
            "id": f"{self.base['ocid']}-{step_id}",
            "date": stamp(moment),
            "tag": TAGS[kind],
            **copy.deepcopy(self.base),
            "parties": copy.deepcopy(list(self.parties.values())),
        }
        if self.tender is not None:
            release["tender"] = copy.deepcopy(self.tender)
        if self.awards:
            release["awards"] = copy.deepcopy(self.awards)
        if self.contracts:
            release["contracts"] = copy.deepcopy(self.contracts)
        return release


def _steps(r: Round) -> list[tuple[datetime, str, str, object]]:
    """The round's published steps in time order: (moment, release id suffix, kind, fact)."""
    steps: list[tuple[datetime, str, str, object]] = [(r.announced_at, "tender", "tender", None)]
    if r.held_at is not None and r.ranking:
        steps.append((r.held_at, "award", "award", None))
    elif r.held_at is not None and r.outcome == "failed":
        steps.append((r.held_at, "failed", "failed", None))
    for n, refusal in enumerate(r.refusals, start=1):
        steps.append((refusal.at, f"refusal-{n}", "refusal", refusal))
    for s in r.sanctions:
        kind = "evaluation_sanction" if s.source == "evaluation" else "refusal_sanction"
        steps.append((s.published_at, f"sanction-{s.id}", kind, s))
    if r.contract is not None:
        steps.append((r.contract.recorded_at, "contract", "contract", r.contract))
    if r.evaluation is not None:
        steps.append((r.evaluation.evaluated_at, "implementation", "implementation", None))
    # A stable sort: steps at the same moment keep the order of the procedure.
    return sorted(steps, key=lambda s: s[0])


def round_releases(p: Project, r: Round, prefix: str, prior: list[str]) -> list[dict]:
    """Every release of one round, oldest first."""
    proc = _Process(p, r.code, prefix, prior)
    out = [proc.snapshot("planning", "planning", p.filed_at)]
    award_id = f"{r.code}-award"
    for moment, step_id, kind, fact in _steps(r):
        if kind == "tender":
            proc.tender = _tender(p, r, proc.office)
        elif kind == "award":
            _close_tender(proc, r, "complete")
            winner = r.ranking[0]
            proc.add_role(winner, "supplier")
            proc.awards = [
                {
                    "id": award_id,
                    "title": f"{p.name}交易结果",
                    "status": "active",
                    "date": stamp(r.held_at),
                    **({"value": amount(r.contract_price)} if r.contract_price else {}),
                    "suppliers": [_org(winner)],
                    **({"discountRate": percent(r.discount_rate)} if r.discount_rate else {}),
                    **(
                        {"documents": [_document(r.result_notice)]}
                        if r.result_notice is not None
                        else {}
                    ),
                }
            ]
        elif kind == "failed":
            _close_tender(proc, r, "unsuccessful")
            proc.tender["failedReason"] = r.failed_reason
            if r.result_notice is not None:
                proc.tender.setdefault("documents", []).append(_document(r.result_notice))
        elif kind == "refusal":
            award = proc.awards[0]
            if fact.notice is not None:
                award.setdefault("documents", []).append(_document(fact.notice))
            party = proc.parties[company_id(fact.refused.uscc)]
            party["roles"] = [x for x in party["roles"] if x != "supplier"]
            if fact.passed_to is None:
                award["status"] = "cancelled"
                award["suppliers"] = []
                proc.tender["status"] = "unsuccessful"
            else:
                proc.add_role(fact.passed_to, "supplier")
                award["suppliers"] = [_org(fact.passed_to)]
        elif kind in ("refusal_sanction", "evaluation_sanction"):
            party = proc.add_role(fact.company, "tenderer")
            party.setdefault("sanctions", []).append(_sanction(fact))
        elif kind == "contract":
            proc.contracts = [
                {
                    "id": f"{r.code}-contract",
                    "awardID": award_id,
                    "title": f"{p.name}施工合同" if p.kind == "construction" else p.name,
                    "status": "active",
                    "value": amount(fact.amount),
                    "dateSigned": day_start(fact.signed_on),
                    "period": {
                        "startDate": day_start(fact.signed_on),
                        "durationInDays": p.duration_days,
                    },
                    **({"amountReason": fact.amount_reason} if fact.amount_reason else {}),
                }
            ]
        elif kind == "implementation":
            ev = r.evaluation
            c = proc.contracts[0]
            c["status"] = "terminated"
            c["period"]["endDate"] = day_start(ev.completed_on)
            c["implementation"] = {
                "performanceEvaluation": {
                    "result": ev.result,
                    "completedDate": day_start(ev.completed_on),
                    "date": stamp(ev.evaluated_at),
                    "url": f"{p.url}#evaluation",
                }
            }
        out.append(proc.snapshot(step_id, kind, moment))
    return out


def _tender(p: Project, r: Round, office: dict) -> dict:
    tender = {
        "id": r.code,
        "title": p.name,
        "status": "active",
        "procuringEntity": office,
        "value": amount(p.control_price),
        "procurementMethod": "selective",
        "procurementMethodDetails": (
            "预选承包商名录库内公开交易：在库企业提交交易响应承诺，定标会议公开摇号确定承包单位和下浮率"
        ),
        "mainProcurementCategory": "works" if p.kind == "construction" else "services",
        "submissionMethod": SUBMISSION_METHOD,
        "eligibilityCriteria": f"{p.category_name}类预选承包商名录库的在库企业",
        "tenderPeriod": {
            "startDate": stamp(r.announced_at),
            "endDate": stamp(r.responses_close_at),
        },
        "awardPeriod": {"startDate": stamp(r.meeting_at)},
        "contractPeriod": {"durationInDays": p.duration_days},
        "discountRateOptions": list(r.rate_options),
        "draws": [{"id": d.id, "purpose": d.purpose, "url": d.url} for d in r.draws],
    }
    if p.scope:
        tender["description"] = p.scope
    if p.non_competitive_part:
        tender["nonCompetitiveAmount"] = amount(p.non_competitive_part)
    if r.notice is not None:
        tender["documents"] = [_document(r.notice)]
    return tender


def _close_tender(proc: _Process, r: Round, status: str) -> None:
    """The meeting: the tender closes, its respondents become public (tenderers)."""
    t = proc.tender
    t["status"] = status
    t["awardPeriod"]["endDate"] = stamp(r.held_at)
    t["numberOfTenderers"] = len(r.respondents)
    t["tenderers"] = [_org(c) for c in r.respondents]
    for c in r.respondents:
        proc.add_role(c, "tenderer")


def releases(p: Project, prefix: str) -> list[dict]:
    """Every release of every round of a project, oldest round first."""
    if not p.rounds:
        # Filed, not yet announced: the planning of the first round, whose code is the
        # project's (contracts.rules.trading_code).
        return [_Process(p, p.code, prefix, []).snapshot("planning", "planning", p.filed_at)]
    out: list[dict] = []
    prior: list[str] = []
    for r in p.rounds:
        out.extend(round_releases(p, r, prefix, list(prior)))
        prior.append(ocid(prefix, r.code))
    return out


def last_changed(p: Project) -> datetime:
    """The moment of the project's latest release: what the change feed orders by."""
    moments = [p.filed_at]
    for r in p.rounds:
        moments.extend(step[0] for step in _steps(r))
    return max(moments)


@dataclass(frozen=True)
class Publication:
    """How a package names itself: its address, the publisher and our extension."""

    uri: str
    publisher_name: str
    publisher_uri: str
    extension_url: str
    published: datetime | None = None


def package(rels: list[dict], pub: Publication) -> dict:
    """A release package: the releases with the package's metadata. `publishedDate` is the
    newest release's date (a package changes only by a new release), unless given."""
    published = pub.published
    if published is None:
        published = max(datetime.fromisoformat(r["date"]) for r in rels)
    return {
        "uri": pub.uri,
        "version": VERSION,
        "extensions": [pub.extension_url],
        "publishedDate": stamp(published.astimezone(UTC)),
        "publisher": {"name": pub.publisher_name, "uri": pub.publisher_uri},
        "releases": rels,
    }
