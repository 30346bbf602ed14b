"""The OCDS mapping's releases, pure: the published steps of a trading round in time order, and
what each step changes in the process (tender, award, refusal, sanction, contract, evaluation)."""

from __future__ import annotations

from datetime import datetime

from .facts import SUBMISSION_METHOD, Project, Round, amount, day_start, ocid, percent, stamp
from .parties import _document, _org, _Process, _sanction, company_id


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
