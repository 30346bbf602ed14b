"""Reads of performance evaluation: a project's evaluation and state, a company's public record,
and its 不合格 within 12 months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from contracts.evaluations import rules
from contracts.evaluations.models import Evaluation, EvaluationEvidence
from contracts.models import Contract, Project, Trading


def contract_of_project(p: Project) -> Contract | None:
    """The contract recorded for the project's latest trading, if any."""
    return db.session.scalar(
        select(Contract)
        .join(Trading, Trading.id == Contract.trading_id)
        .where(Trading.project_id == p.id)
        .order_by(Trading.round.desc())
        .limit(1)
    )


def evaluation_of(contract: Contract | None, *, evidence: bool = True) -> Evaluation | None:
    """The contract's evaluation, with its evidence files unless `evidence` is False (the public
    page shows the verdicts, not the files: one statement fewer)."""
    if contract is None:
        return None
    stmt = select(Evaluation).where(Evaluation.contract_id == contract.id)
    if evidence:
        stmt = stmt.options(selectinload(Evaluation.evidence))
    return db.session.scalar(stmt)


def state_of(p: Project) -> tuple[rules.EvaluationState, Contract | None, Evaluation | None]:
    """The project's evaluation state with its contract and evaluation."""
    contract = contract_of_project(p)
    ev = evaluation_of(contract)
    state = rules.evaluation_state(contract_recorded=contract is not None, evaluated=ev is not None)
    return state, contract, ev


@dataclass(frozen=True)
class PublicEvaluation:
    """An evaluation as the public record shows it: project, date, result, a fail's reasons."""

    project_code: str
    project_name: str
    completed_on: date
    result: rules.Verdict
    #: (part label pair, reason) of each failed part.
    failed: tuple[tuple[tuple[str, str], str], ...]


def public_evaluations_of(contractor_id: int) -> list[PublicEvaluation]:
    """The company's evaluations, newest completion first (public: the record of a company)."""
    rows = db.session.execute(
        select(Evaluation, Project.code, Project.name)
        .join(Contract, Contract.id == Evaluation.contract_id)
        .join(Trading, Trading.id == Contract.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where(Evaluation.contractor_id == contractor_id)
        .order_by(Evaluation.completed_on.desc(), Evaluation.id.desc())
    ).all()
    return [
        PublicEvaluation(
            code,
            name,
            ev.completed_on,
            rules.Verdict(ev.result),
            tuple(
                (a.label, ev.reason(a))
                for a in rules.Aspect
                if ev.verdict(a) == rules.Verdict.FAILED
            ),
        )
        for ev, code, name in rows
    ]


def fails_within(
    contractor_id: int, since: date, until: date, *, excluding: int | None = None
) -> int:
    """The company's 不合格 evaluations completed between `since` and `until` (inclusive), one
    left out by id (the one just recorded)."""
    stmt = select(func.count(Evaluation.id)).where(
        Evaluation.contractor_id == contractor_id,
        Evaluation.result == rules.Verdict.FAILED,
        Evaluation.completed_on >= since,
        Evaluation.completed_on <= until,
    )
    if excluding is not None:
        stmt = stmt.where(Evaluation.id != excluding)
    return db.session.scalar(stmt) or 0


def evidence_of(code: str, evidence_id: int) -> EvaluationEvidence | None:
    """An evidence file of project `code`'s evaluation (None when it belongs to another)."""
    return db.session.scalar(
        select(EvaluationEvidence)
        .join(Evaluation, Evaluation.id == EvaluationEvidence.evaluation_id)
        .join(Contract, Contract.id == Evaluation.contract_id)
        .join(Trading, Trading.id == Contract.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where(EvaluationEvidence.id == evidence_id, Project.code == code)
    )
