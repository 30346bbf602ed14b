"""One project's public page: its rounds as the public may see them now, and its timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contracts import rules
from contracts.models import Contract, Project, ProjectAttachment, Refusal, Trading, TradingResponse
from lottery.models import Draw
from notices.models import Notice
from notices.rules import NoticeStatus

from .figures import notice_to_letter_days
from .projects import attachments_of, project_state
from .public import category_names


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
class RefusalView:
    refusal: Refusal
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
    award_draw: Draw | None
    rate_draw: Draw | None
    #: The award draw's ranking, (USCC, name), once drawn.
    ranking: list[tuple[str, str]]
    winner: tuple[str, str] | None
    refusals: list[RefusalView]
    contract: Contract | None
    contract_company: str | None


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    state: rules.ProjectState
    category_name: str
    rounds: list[RoundView]
    events: list[Event]
    letter_days: int | None
    attachments: list[ProjectAttachment]

    @property
    def current(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def target(self) -> int:
        return rules.LETTER_TARGET_WORKING_DAYS


def _count_responses(t: Trading) -> int:
    return db.session.scalar(
        select(func.count(TradingResponse.id)).where(
            TradingResponse.trading_id == t.id, TradingResponse.withdrawn_at.is_(None)
        )
    )


def _round(t: Trading, notices: dict[int, Notice], draws_by_id: dict[str, Draw], now) -> RoundView:
    award, rate = draws_by_id.get(t.award_draw_id), draws_by_id.get(t.rate_draw_id)
    closed = now >= t.responses_close_at
    names: list[tuple[str, str]] | None = None
    if t.held_at is not None and award is not None and award.candidates:
        names = [(u, award.label(u)) for u in award.candidates]
    ranking = [(u, award.label(u)) for u in (award.result or [])] if award is not None else []
    winner = None
    if t.is_drawn and t.winner_uscc:
        winner = (t.winner_uscc, award.label(t.winner_uscc) if award else "")
    refusals = list(
        db.session.scalars(select(Refusal).where(Refusal.trading_id == t.id).order_by(Refusal.id))
    )
    contract = db.session.scalar(select(Contract).where(Contract.trading_id == t.id))
    ids = {r.contractor_id for r in refusals} | ({contract.contractor_id} if contract else set())
    rows = (
        db.session.execute(
            select(Contractor.id, Contractor.uscc, Contractor.name).where(Contractor.id.in_(ids))
        ).all()
        if ids
        else []
    )
    company = {r.id: r.name for r in rows}
    uscc = {r.id: r.uscc for r in rows}
    label = award.label if award is not None else (lambda _u: "")
    return RoundView(
        trading=t,
        notice=notices.get(t.notice_id),
        result_notice=notices.get(t.result_notice_id) if t.result_notice_id else None,
        closed=closed,
        respondent_count=_count_responses(t) if closed else None,
        respondents=names,
        award_draw=award,
        rate_draw=rate,
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
    notice_ids = {i for t in tradings for i in (t.notice_id, t.result_notice_id) if i is not None}
    notice_ids |= (
        set(
            db.session.scalars(
                select(Refusal.correction_notice_id).where(
                    Refusal.trading_id.in_([t.id for t in tradings]),
                    Refusal.correction_notice_id.is_not(None),
                )
            )
        )
        if tradings
        else set()
    )
    notices = (
        {
            n.id: n
            for n in db.session.scalars(
                select(Notice).where(
                    Notice.id.in_(notice_ids), Notice.status == NoticeStatus.PUBLISHED
                )
            )
        }
        if notice_ids
        else {}
    )
    draw_ids = [i for t in tradings for i in (t.award_draw_id, t.rate_draw_id)]
    draws_by_id = (
        {d.draw_id: d for d in db.session.scalars(select(Draw).where(Draw.draw_id.in_(draw_ids)))}
        if draw_ids
        else {}
    )
    rounds = [_round(t, notices, draws_by_id, now) for t in tradings]
    latest = rounds[-1] if rounds else None
    return ProjectPage(
        project=p,
        state=project_state(
            p, latest.trading if latest else None, bool(latest and latest.contract)
        ),
        category_name=category_names().get(p.category_code, p.category_code),
        rounds=rounds,
        events=_events(p, rounds),
        letter_days=notice_to_letter_days(p),
        attachments=attachments_of(p),
    )
