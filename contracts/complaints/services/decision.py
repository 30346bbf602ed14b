"""Deciding a complaint (30 工作日 of acceptance, pauses not counted): the published decision,
the trading resumed, and the misconduct cases it opens."""

from __future__ import annotations

from app import audit
from app.audit import Action
from app.errors import refused_as
from app.extensions import db
from app.transactions import transactional
from contractors.queries import contractor_by_uscc
from contracts import services as trading_services
from contracts.complaints import queries, rules
from contracts.complaints.errors import ComplaintError
from contracts.complaints.models import Complaint
from contracts.models import Trading
from notices.markup import body

from ._common import (
    DecisionInput,
    _handle,
    _now,
    _paragraphs,
    _publish,
    _snapshot,
    _step,
    _text,
)


@transactional
def decide(complaint_id: int, data: DecisionInput, *, actor) -> Complaint:
    """The written decision (art. 62): outcome, facts, legal basis and decision, published at once
    as a complaint_decision notice without personal data. Made once."""
    c = _handle(complaint_id, actor, "作出投诉处理决定", "decide a complaint")
    _step(c, rules.Step.DECIDE)
    with refused_as(ComplaintError):
        outcome = rules.require_decision(data.outcome, data.facts, data.basis, data.text)
    facts = _text(data.facts, "facts", "认定的事实", "the facts")
    basis = _text(data.basis, "basis", "处理依据", "the basis", 500)
    text = _text(data.text, "text", "处理决定", "the decision")
    before = _snapshot(c)
    c.decided_at, c.decided_by_id, c.outcome = _now(), actor.id, outcome
    c.decision_facts, c.decision_basis, c.decision_text = facts, basis, text
    t = queries.trading_of(c)
    notice = _publish(
        c,
        occasion="decision",
        title=f"{t.project.name}投诉处理决定",
        text=body(
            "complaint_decision",
            p=t.project,
            t=t,
            c=c,
            matter=rules.MATTERS[rules.Matter(c.matter)][0],
            outcome=rules.OUTCOMES[outcome][0],
            pauses=[rules.PAUSE_KINDS[rules.PauseKind(p.kind)][0] for p in c.pauses],
            facts=_paragraphs(facts),
            text=_paragraphs(text),
        ),
        actor=actor,
    )
    c.decision_notice_id = notice.id
    _open_cases(c, t, outcome, data, actor)
    if data.resume_trading and c.suspended_at is not None and c.resumed_at is None:
        # Art. 62: the suspension this complaint caused ends with its decision.
        trading_services.resume_trading(
            t.code,
            f"投诉（编号{c.id}）已作出处理决定，恢复交易",
            new_responses_close_at=data.new_responses_close_at,
            new_meeting_at=data.new_meeting_at,
            actor=actor,
        )
        c.resumed_at = _now()
    db.session.flush()
    audit.record(
        Action.COMPLAINT_DECIDED,
        "complaint",
        c.id,
        actor=actor,
        office_id=c.office_id,
        before=before,
        after={**_snapshot(c), "basis": basis},
    )
    return c


def _open_cases(c: Complaint, t: Trading, outcome: rules.Outcome, data: DecisionInput, actor):
    """Staff decide, on the decision form, whether a misconduct case follows: against the
    respondent company of an upheld complaint, or against the complainant of a complaint found
    false (art. 77) — never automatically, since neither follows from the outcome alone."""
    from contractors.sanctions.services import open_case

    ref = f"投诉{c.id}（{t.code}）"
    if data.open_case:
        company = contractor_by_uscc(c.respondent_uscc or "")
        if outcome != rules.Outcome.UPHELD or company is None:
            raise ComplaintError(
                "只有投诉成立且被投诉人是登记企业的，才能对被投诉人立案",
                "A case follows only an upheld complaint against a registered company",
                field="open_case",
            )
        open_case(
            company.id,
            "complaint",
            f"投诉成立：{c.decision_facts}",
            ref=ref,
            office_id=c.office_id,
            actor=actor,
        )
    if data.false_complaint:
        if outcome != rules.Outcome.DISMISSED or c.complainant_contractor_id is None:
            raise ComplaintError(
                "只有驳回的投诉且投诉人是登记企业的，才能以虚假投诉立案",
                "A false-complaint case follows only a dismissed complaint by a registered company",
                field="false_complaint",
            )
        open_case(
            c.complainant_contractor_id,
            "false_complaint",
            f"虚假投诉（《招标投标法实施条例》第七十七条）：{c.decision_facts}",
            ref=ref,
            office_id=c.office_id,
            actor=actor,
        )
