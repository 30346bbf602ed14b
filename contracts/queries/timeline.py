"""One project's public page: its rounds as the public may see them now, and its timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import Row, bindparam, func, select

from app import clock, reads
from app.extensions import db
from contractors.models import Contractor
from contracts import rules
from contracts.evaluations.models import Evaluation
from contracts.evaluations.rules import Aspect, Verdict
from contracts.models import Contract, Project, Refusal, Trading, TradingResponse
from lottery.models import Draw
from notices.models import Notice
from notices.rules import NoticeStatus

from .figures import notice_to_letter_days
from .projects import attachments_of, project_state


@dataclass(frozen=True)
class Event:
    """One step of a project's timeline. `kind` names it (the page gives the words); `done` is
    False for a step still ahead (the response deadline, the planned meeting)."""

    kind: str
    at: datetime | None
    round: int | None = None
    done: bool = True
    notice: Notice | None = None
    #: The respondents' count (responses_closed), a company (refusal, signed), an amount…
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AwardDraw:
    """What a project's page shows of a round's award draw (lottery.models.Draw): its frozen
    candidates, its ranking once drawn, and the names shown beside the candidates' ids."""

    draw_id: str
    candidates: list | None
    result: list | None
    candidate_labels: dict | None

    def label(self, candidate: str) -> str:
        """As Draw.label: the name shown beside a candidate id ("" when none was given)."""
        return (self.candidate_labels or {}).get(candidate, "")


@dataclass(frozen=True)
class EvaluationView:
    """What a project's page shows of its latest contract's evaluation (Evaluation, without its
    evidence files): the completion date, the result, and each part's verdict and reason."""

    completed_on: date
    result: str
    parts: dict[str, tuple[str, str]]

    def verdict(self, aspect: Aspect) -> Verdict:
        """As Evaluation.verdict."""
        return Verdict(self.parts[aspect.value][0])

    def reason(self, aspect: Aspect) -> str:
        """As Evaluation.reason."""
        return self.parts[aspect.value][1]


@dataclass(frozen=True)
class RefusalView:
    #: The refusal's columns that the page shows (`_statements`), read by name as its attributes.
    refusal: Row
    uscc: str
    company: str
    passed_to: str | None
    correction: Notice | None


@dataclass(frozen=True)
class RoundView:
    """One trading of a project, as the public may see it at this moment."""

    trading: Trading
    notice: Notice | None
    result_notice: Notice | None
    closed: bool
    #: The responses' count, only after the deadline (None before: DESIGN.md B, "the public sees
    #: the count of responses only after the deadline").
    respondent_count: int | None
    #: (USCC, name) of the respondents, only once the meeting was held, from the award draw's
    #: frozen candidates ("names only at the meeting"); None before.
    respondents: list[tuple[str, str]] | None
    award_draw: AwardDraw | None
    #: The award draw's ranking, (USCC, name), once drawn.
    ranking: list[tuple[str, str]]
    winner: tuple[str, str] | None
    refusals: list[RefusalView]
    #: The contract's columns that the page shows (`_statements`), read by name as its
    #: attributes (`id` among them: its evaluation is read by it).
    contract: Row | None
    contract_company: str | None


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    state: rules.ProjectState
    rounds: list[RoundView]
    events: list[Event]
    letter_days: int | None
    #: The files' columns (`attachments_of`).
    attachments: list[Row]

    @property
    def current(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def latest_contract(self) -> Row | None:
        """The contract of the latest round that has one: the one its evaluation is of (the
        same as contracts.evaluations.queries.contract_of_project, without reading it again)."""
        return next((r.contract for r in reversed(self.rounds) if r.contract is not None), None)

    @property
    def latest_evaluation(self) -> EvaluationView | None:
        """The evaluation of `latest_contract`, None before one exists (what
        contracts.evaluations.queries.evaluation_of gives without the files), read with the
        contracts (issue 14)."""
        c = self.latest_contract
        if c is None or c.ev_result is None:
            return None
        return EvaluationView(
            c.ev_completed_on,
            c.ev_result,
            {
                a.value: (getattr(c, f"ev_{a.value}"), getattr(c, f"ev_{a.value}_reason"))
                for a in Aspect
            },
        )

    @property
    def target(self) -> int:
        return rules.LETTER_TARGET_WORKING_DAYS


@dataclass(frozen=True)
class _Records:
    """What the rounds show besides the tradings, read for every round at once: a fixed number of
    statements whatever the number of rounds (a re-announced project has several)."""

    notices: dict[int, Notice]
    #: Award draw id → what the page shows of it.
    draws: dict[str, AwardDraw]
    #: Trading id → its refusals' columns, in the order they were recorded.
    refusals: dict[int, list[Row]]
    #: Trading id → its contract's columns (one at most: contracts.trading_id is unique).
    contracts: dict[int, Row]
    #: Contractor id → name, and → USCC, of the refusing and the contracting companies.
    company: dict[int, str]
    uscc: dict[int, str]
    #: Trading id → its responses not withdrawn, for the rounds past their deadline (0 if none).
    responses: dict[int, int]


@cache
def _statements() -> dict:
    """`_records`' statements, each of a list of `ids`, built once per process: building them
    cost about as much as running them (issue 14)."""

    def ids():
        return bindparam("ids", expanding=True)

    # A refusal's and a contract's columns that the page shows, with their company's USCC and
    # name, and the response counts, as plain rows (app.reads.plain_rows) of the project's
    # tradings: the ORM's entities, a third statement for the companies and SQLAlchemy's
    # expanding of an IN list cost ~500 Python calls a page more (issue 14). Outer joins, as the
    # companies were read apart: a row whose company is missing shows none.
    of_project = select(Trading.id).where(Trading.project_id == bindparam("project_id"))
    refusal_columns = (
        Refusal.id,
        Refusal.trading_id,
        Refusal.contractor_id,
        Refusal.passed_to_uscc,
        Refusal.correction_notice_id,
        Refusal.recorded_at,
    )
    contract_columns = (
        Contract.id,
        Contract.trading_id,
        Contract.contractor_id,
        Contract.signed_on,
        Contract.amount,
        Contract.amount_reason,
        Contract.recorded_at,
    )
    # The contract's evaluation (one at most: evaluations.contract_id is unique), outer joined:
    # the page shows the latest contract's (`ProjectPage.latest_evaluation`).
    evaluation_columns = (
        Evaluation.completed_on.label("ev_completed_on"),
        Evaluation.result.label("ev_result"),
        *(getattr(Evaluation, a.value).label(f"ev_{a.value}") for a in Aspect),
        *(getattr(Evaluation, f"{a.value}_reason").label(f"ev_{a.value}_reason") for a in Aspect),
    )
    company_columns = (
        Contractor.id.label("company_id"),
        Contractor.uscc.label("company_uscc"),
        Contractor.name.label("company_name"),
    )
    return {
        "refusals": select(*refusal_columns, *company_columns)
        .outerjoin(Contractor, Contractor.id == Refusal.contractor_id)
        .where(Refusal.trading_id.in_(of_project))
        .order_by(Refusal.id),
        "contracts": select(*contract_columns, *evaluation_columns, *company_columns)
        .outerjoin(Evaluation, Evaluation.contract_id == Contract.id)
        .outerjoin(Contractor, Contractor.id == Contract.contractor_id)
        .where(Contract.trading_id.in_(of_project)),
        "notices": select(Notice).where(
            Notice.id.in_(ids()), Notice.status == NoticeStatus.PUBLISHED
        ),
        # The award draws' columns the page shows (the rate draws': none, the trading has its
        # rate): a draw's record has some twenty more, read and kept by the ORM for nothing.
        "draws": select(Draw.draw_id, Draw.candidates, Draw.result, Draw.candidate_labels).where(
            Draw.draw_id.in_(
                select(Trading.award_draw_id).where(Trading.project_id == bindparam("project_id"))
            )
        ),
        "responses": select(TradingResponse.trading_id, func.count(TradingResponse.id))
        .where(TradingResponse.trading_id.in_(of_project), TradingResponse.withdrawn_at.is_(None))
        .group_by(TradingResponse.trading_id),
    }


def _records(tradings: list[Trading], now) -> _Records:
    of_project = {"project_id": tradings[0].project_id}
    statements = _statements()
    refusals: dict[int, list[Row]] = {}
    company: dict[int, str] = {}
    uscc: dict[int, str] = {}
    for r in reads.plain_rows(statements["refusals"], of_project):
        refusals.setdefault(r.trading_id, []).append(r)
        if r.company_id is not None:
            company[r.company_id], uscc[r.company_id] = r.company_name, r.company_uscc
    contracts: dict[int, Row] = {}
    # reads.rows, not plain_rows: a contract's amount is a NUMERIC, whose conversion psycopg's
    # dialect chooses by the column's type in the cursor's description (plain_rows has none).
    for c in reads.rows(statements["contracts"], of_project):
        contracts[c.trading_id] = c
        if c.company_id is not None:
            company[c.company_id], uscc[c.company_id] = c.company_name, c.company_uscc
    notice_ids = {i for t in tradings for i in (t.notice_id, t.result_notice_id) if i is not None}
    notice_ids |= {
        r.correction_notice_id
        for rs in refusals.values()
        for r in rs
        if r.correction_notice_id is not None
    }
    notices = (
        {n.id: n for n in db.session.scalars(statements["notices"], {"ids": list(notice_ids)})}
        if notice_ids
        else {}
    )
    draws = {d[0]: AwardDraw(*d) for d in reads.plain_rows(statements["draws"], of_project)}
    closed = [t.id for t in tradings if now >= t.responses_close_at]
    responses = dict.fromkeys(closed, 0)
    if closed:
        # The counts of the rounds past their deadline only (the others' are not shown yet).
        for trading_id, count in reads.plain_rows(statements["responses"], of_project):
            if trading_id in responses:
                responses[trading_id] = count
    return _Records(
        notices=notices,
        draws=draws,
        refusals=refusals,
        contracts=contracts,
        company=company,
        uscc=uscc,
        responses=responses,
    )


def _round(t: Trading, loaded: _Records, now) -> RoundView:
    notices = loaded.notices
    award = loaded.draws.get(t.award_draw_id)
    closed = now >= t.responses_close_at
    names: list[tuple[str, str]] | None = None
    if t.held_at is not None and award is not None and award.candidates:
        names = [(u, award.label(u)) for u in award.candidates]
    ranking = [(u, award.label(u)) for u in (award.result or [])] if award is not None else []
    winner = None
    if t.is_drawn and t.winner_uscc:
        winner = (t.winner_uscc, award.label(t.winner_uscc) if award else "")
    refusals = loaded.refusals.get(t.id, [])
    contract = loaded.contracts.get(t.id)
    company, uscc = loaded.company, loaded.uscc
    label = award.label if award is not None else (lambda _u: "")
    return RoundView(
        trading=t,
        notice=notices.get(t.notice_id),
        result_notice=notices.get(t.result_notice_id) if t.result_notice_id else None,
        closed=closed,
        respondent_count=loaded.responses[t.id] if closed else None,
        respondents=names,
        award_draw=award,
        ranking=ranking,
        winner=winner,
        refusals=[
            RefusalView(
                refusal=r,
                uscc=uscc.get(r.contractor_id, ""),
                company=company.get(r.contractor_id, ""),
                passed_to=label(r.passed_to_uscc) if r.passed_to_uscc else None,
                correction=notices.get(r.correction_notice_id) if r.correction_notice_id else None,
            )
            for r in refusals
        ],
        contract=contract,
        contract_company=company.get(contract.contractor_id) if contract else None,
    )


def _events(p: Project, rounds: list[RoundView]) -> list[Event]:
    events = [Event("filed", p.filed_at)]
    for r in rounds:
        t = r.trading
        n = t.round
        events.append(
            Event(
                "announced", r.notice.published_at if r.notice else t.created_at, n, notice=r.notice
            )
        )
        events.append(
            Event(
                "responses_closed",
                t.responses_close_at,
                n,
                done=r.closed,
                details={"count": r.respondent_count},
            )
        )
        held = t.held_at is not None
        events.append(
            Event(
                "meeting",
                t.held_at if held else t.meeting_at,
                n,
                done=held,
                details={"place": t.meeting_place},
            )
        )
        if r.result_notice is not None:
            kind = "failed" if t.is_failed else "result"
            details = {"reason": t.failed_reason} if kind == "failed" else {}
            events.append(
                Event(
                    kind, r.result_notice.published_at, n, notice=r.result_notice, details=details
                )
            )
        if t.letter_issued_at is not None:
            events.append(Event("letter", t.letter_issued_at, n))
        for v in r.refusals:
            events.append(
                Event(
                    "refusal",
                    v.refusal.recorded_at,
                    n,
                    notice=v.correction,
                    details={"company": v.company, "passed_to": v.passed_to},
                )
            )
        if r.contract is not None:
            events.append(
                Event(
                    "signed",
                    r.contract.recorded_at,
                    n,
                    details={
                        "signed_on": r.contract.signed_on,
                        "amount": r.contract.amount,
                        "amount_reason": r.contract.amount_reason,
                        "company": r.contract_company,
                    },
                )
            )
    return events


def project_page(p: Project) -> ProjectPage:
    """Everything the public page of a filed project shows, as of now."""
    now = clock.now()
    tradings = list(p.tradings)
    loaded = _records(tradings, now) if tradings else None
    rounds = [_round(t, loaded, now) for t in tradings]
    latest = rounds[-1] if rounds else None
    return ProjectPage(
        project=p,
        state=project_state(
            p, latest.trading if latest else None, bool(latest and latest.contract)
        ),
        rounds=rounds,
        events=_events(p, rounds),
        letter_days=notice_to_letter_days(p, notices=loaded.notices if loaded else None),
        attachments=attachments_of(p),
    )
