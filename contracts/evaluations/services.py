"""Performance evaluation's one write: the owner (or staff on the owner's behalf) evaluates the
contract unit at completion on the published form; a 不合格 opens a misconduct case."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from app import audit, clock
from app.audit import Action
from app.auth.roles import OFFICE_ROLES, Role
from app.errors import checked
from app.extensions import db
from app.storage import Upload, UploadRejected, check_upload, store_upload
from app.transactions import transactional
from contractors.sanctions import rules as sanction_rules
from contractors.sanctions import services as sanctions
from contracts.evaluations import queries, rules
from contracts.evaluations.errors import EvaluationError, EvaluationForbidden
from contracts.evaluations.models import Evaluation, EvaluationEvidence
from contracts.models import Contract
from contracts.services._common import (
    SUBJECT_TYPE,
    get_project,
    latest_trading,
    now,
    require_project_scope,
    role_of,
)


@dataclass(frozen=True)
class EvaluationInput:
    """The form as given: each part's verdict ("pass" / "fail") and reason, the completion date,
    the evidence files as (bytes, name as uploaded)."""

    completed_on: date | None
    parts: Mapping[str, str]
    reasons: Mapping[str, str] = field(default_factory=dict)
    evidence: Sequence[tuple[Upload, str]] = ()


def _file_name(name: str | None) -> str:
    return (name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255] or "evidence"


def _may_evaluate(p, actor) -> bool:
    return role_of(actor) in OFFICE_ROLES or (
        role_of(actor) == Role.OWNER and p.owner_user_id == getattr(actor, "id", None)
    )


def _parts(given: Mapping[str, str]) -> dict[rules.Aspect, rules.Verdict]:
    parts = {}
    for a in rules.Aspect:
        try:
            parts[a] = rules.Verdict(given.get(a.value) or "")
        except ValueError:
            raise EvaluationError(
                f"请评价“{a.label[0]}”：合格或不合格",
                f"Rate “{a.label[1]}”: satisfactory or unsatisfactory",
                field=a.value,
            ) from None
    return parts


@transactional
def evaluate(code: str, given: EvaluationInput, *, actor) -> Evaluation:
    """Record the evaluation of project `code`'s contract unit: its owner or staff, once its
    contract is recorded, once only (a second, or the form posted twice, is refused); every part
    rated, a reason for each failed one, evidence for a 不合格; the completion date not in the
    future nor before the signing. A 不合格 opens a misconduct case (contractors.sanctions)."""
    p = get_project(code, lock=True)
    if not _may_evaluate(p, actor):
        raise EvaluationForbidden(
            "只有该项目的业主或区公管办工作人员可以进行履约评价",
            "Only the project's owner or staff may evaluate its contractor",
        )
    require_project_scope(actor, p, "进行履约评价", "evaluate its contractor", EvaluationForbidden)
    t = latest_trading(p)
    contract = db.session.scalar(select(Contract).where(Contract.trading_id == t.id)) if t else None
    if contract is None:
        raise EvaluationError(
            "该项目尚未记录合同签订，不能进行履约评价",
            "The project has no recorded contract to evaluate",
        )
    if db.session.scalar(select(Evaluation.id).where(Evaluation.contract_id == contract.id)):
        raise EvaluationError(
            "该合同已经评价，每份合同只评价一次",
            "The contract was evaluated already; each contract is evaluated once",
        )
    completed_on = checked(
        EvaluationError,
        rules.check_completion,
        given.completed_on,
        signed_on=contract.signed_on,
        today=clock.today(),
    )
    files = [(data, name) for data, name in given.evidence if data or (name or "").strip()]
    result = checked(
        EvaluationError,
        rules.check_evaluation,
        _parts(given.parts),
        {rules.Aspect(k): v for k, v in given.reasons.items() if k in set(rules.Aspect)},
        evidence_files=len(files),
    )
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    for data, _name in files:  # every file checked before any is stored
        try:
            check_upload(data or b"", limit)
        except UploadRejected as e:
            raise EvaluationError(e.message, e.message_en, field="evidence") from None
    ev = Evaluation(
        contract_id=contract.id,
        contractor_id=contract.contractor_id,
        completed_on=completed_on,
        result=result.result,
        evaluated_at=now(),
        evaluated_by_id=actor.id,
        by_staff=role_of(actor) in OFFICE_ROLES,
    )
    for a in rules.Aspect:
        setattr(ev, a.value, result.parts[a].value)
        setattr(ev, f"{a.value}_reason", result.reasons[a])
    db.session.add(ev)
    db.session.flush()
    hashes = []
    for data, name in files:
        saved = store_upload(data, limit)
        db.session.add(
            EvaluationEvidence(
                evaluation_id=ev.id,
                storage_key=saved.key,
                original_name=_file_name(name),
                content_type=saved.content_type,
                size=saved.size,
                sha256=saved.sha256,
            )
        )
        hashes.append(saved.sha256)
    db.session.flush()
    proposal = None
    if result.result == rules.Verdict.FAILED:
        # A 不合格 opens a misconduct case (issue 12, item 6; 合同履行评价不合格), in this
        # transaction; a second 不合格 within 12 months proposes a suspension from the pool.
        earlier = queries.fails_within(
            contract.contractor_id,
            rules.repeat_window_start(completed_on),
            rules.repeat_window_end(completed_on),
            excluding=ev.id,
        )
        proposal = sanction_rules.Outcome.SUSPENSION.value if earlier else None
        failed = "；".join(
            f"{a.label[0]}：{result.reasons[a]}"
            for a in rules.Aspect
            if result.parts[a] == rules.Verdict.FAILED
        )
        case = sanctions.open_case(
            contract.contractor_id,
            sanction_rules.CaseSource.EVALUATION.value,
            f"{p.name}（{t.code}）履约评价不合格（完工日期{completed_on.isoformat()}）：{failed}"
            + (f"。12个月内第{earlier + 1}次履约评价不合格" if earlier else ""),
            ref=t.code,
            proposal=proposal,
            office_id=p.office_id,
            actor=actor,
        )
        ev.case_ref = str(case.id)
    audit.record(
        Action.EVALUATION_RECORDED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "evaluation_id": ev.id,
            "contractor_id": contract.contractor_id,
            "completed_on": completed_on,
            "parts": {a.value: result.parts[a].value for a in rules.Aspect},
            "result": result.result.value,
            "evidence_sha256": hashes,
            "case_id": ev.case_ref,
            "proposal": proposal,
        },
    )
    return ev
