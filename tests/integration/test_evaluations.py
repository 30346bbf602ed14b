"""Performance evaluation (履约评价): the owner evaluates the contract unit once, on the published
form; bad input is refused with nothing changed; the evaluation is on the company's public record
and the project's page."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.models import Contractor
from contracts import queries, services
from contracts.errors import TradingForbidden
from contracts.evaluations import services as evaluations
from contracts.evaluations.errors import EvaluationError
from contracts.evaluations.models import Evaluation, EvaluationEvidence
from tests.factories import PASSWORD, PDF, Browser, make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn, refuse

ALL_PASS = {"quality": "pass", "schedule": "pass", "safety": "pass", "cooperation": "pass"}


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def signed_project():
    """A drawn project whose contract the owner recorded on 2026-12-07; the clock at 2026-12-11 (5 working days of statement fit in the confirmed 2026)."""
    phase, owner = active_pool(), make_user("owner")
    project, t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 7, 10, 0))
    services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    clock.set_now(at(2026, 12, 11, 10, 0))
    return phase, owner, project, t


def failed_input(**overrides) -> evaluations.EvaluationInput:
    values = {
        "completed_on": date(2026, 12, 9),
        "parts": {**ALL_PASS, "quality": "fail"},
        "reasons": {"quality": "路面开裂，经检测压实度不达标，整改通知后仍未整改"},
        "evidence": [(PDF, "检测报告.pdf")],
        **overrides,
    }
    return evaluations.EvaluationInput(**values)


def _files() -> list[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(str(p) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _state() -> tuple:
    db.session.expire_all()
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Evaluation, EvaluationEvidence, AuditEntry)
    )
    return counts, _files()


def test_the_owner_evaluates_a_failed_contract_and_it_is_on_the_public_record(app):
    _phase, owner, project, t = signed_project()
    ev = evaluations.evaluate(project.code, failed_input(), actor=owner)
    assert ev.result == "fail" and ev.quality == "fail" and ev.schedule == "pass"
    assert len(ev.evidence) == 1 and not ev.by_staff
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "evaluation:recorded"))
    assert audit.after["result"] == "fail" and audit.subject_id == t.code

    company = db.session.scalar(select(Contractor).where(Contractor.uscc == t.winner_uscc))
    public = Browser(app)
    record = public.html(f"/contractors/{company.uscc}")
    assert "履约评价" in record and project.code in record and "2026-12-09" in record
    assert "不合格" in record and "路面开裂" in record
    page = public.html(f"/projects/{project.code}")
    assert "履约评价" in page and "路面开裂" in page
    assert "/evaluations/criteria" in page
    criteria = public.html("/evaluations/criteria")
    assert "工程质量" in criteria and "任何一项不合格的，总体评价为不合格" in criteria


def test_a_passed_evaluation_needs_no_reasons_or_evidence_and_staff_may_enter_it(app):
    phase, _owner, project, _t = signed_project()
    ev = evaluations.evaluate(
        project.code,
        evaluations.EvaluationInput(completed_on=date(2026, 12, 11), parts=ALL_PASS),
        actor=phase.staff,
    )
    assert ev.result == "pass" and ev.by_staff and ev.evidence == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"completed_on": date(2026, 12, 12)}, "completed_on", "完工日期不能晚于今天"),
        ({"completed_on": date(2026, 12, 6)}, "completed_on", "不能早于合同签订日期"),
        ({"completed_on": None}, "completed_on", "请填写完工日期"),
        ({"reasons": {}}, "quality_reason", "请写明理由"),
        ({"reasons": {"quality": "   "}}, "quality_reason", "请写明理由"),
        ({"evidence": []}, "evidence", "须上传证据材料"),
        ({"evidence": [(b"not a pdf", "x.pdf")]}, "evidence", "只接受PDF或图片"),
        ({"evidence": [(PDF, f"{n}.pdf") for n in range(6)]}, "evidence", "最多5个"),
        ({"parts": {**ALL_PASS, "safety": "maybe"}}, "safety", "请评价"),
        ({"parts": {"quality": "fail"}}, "schedule", "请评价"),
        ({"reasons": {"quality": "x\x00y"}}, "quality_reason", "不能接受的字符"),
        ({"reasons": {"quality": "长" * 1001}}, "quality_reason", "不能超过1000个字符"),
    ],
)
def test_a_bad_evaluation_is_refused_with_nothing_changed(app, overrides, field, message):
    _phase, owner, project, _t = signed_project()
    before = _state()
    with pytest.raises(EvaluationError, match=message) as refused:
        evaluations.evaluate(project.code, failed_input(**overrides), actor=owner)
    assert refused.value.field == field
    assert _state() == before


def test_a_second_evaluation_is_refused_and_the_first_stands(app):
    phase, owner, project, _t = signed_project()
    first = evaluations.evaluate(project.code, failed_input(), actor=owner)
    before = _state()
    for actor in (owner, phase.staff):
        with pytest.raises(EvaluationError, match="每份合同只评价一次"):
            evaluations.evaluate(
                project.code,
                evaluations.EvaluationInput(completed_on=date(2026, 12, 11), parts=ALL_PASS),
                actor=actor,
            )
    assert _state() == before
    assert db.session.get(Evaluation, first.id).result == "fail"


def test_only_the_projects_owner_or_staff_may_evaluate(app):
    _phase, _owner, project, _t = signed_project()
    others = [make_user(role) for role in ("owner", "contractor", "reviewer", "supervisor")]
    before = _state()
    for actor in others:
        with pytest.raises(TradingForbidden):
            evaluations.evaluate(project.code, failed_input(), actor=actor)
    assert _state() == before


def test_a_project_without_a_recorded_contract_cannot_be_evaluated(app):
    phase, owner = active_pool(), make_user("owner")
    project, _t = drawn(phase, owner)
    before = _state()
    with pytest.raises(EvaluationError, match="尚未记录合同签订"):
        evaluations.evaluate(project.code, failed_input(), actor=owner)
    assert _state() == before


def test_the_evaluation_page_refuses_bad_input_and_shows_the_result(app):
    _phase, owner, project, _t = signed_project()
    browser = Browser(app)
    assert browser.login(owner.username, PASSWORD).status_code == 302
    browser.user = owner
    url = f"/owner/projects/{project.code}/evaluation"
    assert "提交评价" in browser.html(url)
    form = {
        "completed_on": "2026-12-09",
        **ALL_PASS,
        "quality": "fail",
        "quality_reason": "",
    }
    r = browser.post(url, form)
    assert r.status_code == 400 and "请写明理由" in r.get_data(as_text=True)
    assert _state()[0][0] == 0
    r = browser.post(
        url,
        {
            **form,
            "quality_reason": "压实度不达标",
            "evidence": [(io.BytesIO(PDF), "检测报告.pdf")],
        },
    )
    assert r.status_code == 302
    page = browser.html(url)
    assert "评价结果：不合格" in page and "压实度不达标" in page and "提交评价" not in page


def _case_of(ev):
    from contractors.sanctions.models import MisconductCase

    return db.session.get(MisconductCase, int(ev.case_ref)) if ev.case_ref else None


def test_a_failed_evaluation_opens_a_case_and_a_second_within_12_months_proposes_suspension(app):
    phase, owner = active_pool(), make_user("owner")
    first_project, t1 = drawn(phase, owner)
    second_project, _t2 = drawn(phase, owner, name="甬江街道某村排水沟改造工程")
    winner = t1.winner_uscc
    clock.set_now(at(2026, 12, 7, 10, 0))
    # The second round's award passes down its ranking until it reaches the first's winner.
    while queries.latest_trading(queries.get_project(second_project.code)).winner_uscc != winner:
        refuse(second_project.code, actor=owner)
    for project in (first_project, second_project):
        t = queries.latest_trading(queries.get_project(project.code))
        services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    clock.set_now(at(2026, 12, 11, 10, 0))

    passed = evaluations.evaluate(
        first_project.code,
        evaluations.EvaluationInput(completed_on=date(2026, 12, 8), parts=ALL_PASS),
        actor=owner,
    )
    assert passed.case_ref is None
    db.session.delete(passed)  # start again with a fail (the passed one opened nothing)
    db.session.commit()

    first = evaluations.evaluate(first_project.code, failed_input(), actor=owner)
    case = _case_of(first)
    assert case.source == "evaluation" and case.ref == t1.code and case.proposal is None
    assert "路面开裂" in case.facts and case.contractor_id == first.contractor_id
    second = evaluations.evaluate(
        second_project.code, failed_input(completed_on=date(2026, 12, 10)), actor=owner
    )
    again = _case_of(second)
    assert again.proposal == "suspension" and "12个月内第2次" in again.facts
    assert second.contractor_id == first.contractor_id


def test_a_case_that_cannot_be_opened_leaves_no_evaluation(app, monkeypatch):
    from contractors.sanctions import services as sanctions

    _phase, owner, project, _t = signed_project()

    def refuse_case(*args, **kwargs):
        raise sanctions.SanctionError("立案失败", "The case could not be opened")

    monkeypatch.setattr(sanctions, "open_case", refuse_case)
    before = _state()
    with pytest.raises(sanctions.SanctionError):
        evaluations.evaluate(project.code, failed_input(), actor=owner)
    assert _state() == before


def test_the_project_pages_evaluation_is_the_contracts_evaluation_read_with_the_contracts(app):
    # Issue 14: the public page reads the latest contract's evaluation with the contracts.
    from contracts import queries
    from contracts.evaluations.queries import contract_of_project, evaluation_of
    from contracts.evaluations.rules import Aspect

    _phase, owner, project, _t = signed_project()
    assert queries.project_page(queries.get_public_project(project.code)).latest_evaluation is None
    evaluations.evaluate(project.code, failed_input(), actor=owner)
    db.session.expire_all()
    page = queries.project_page(queries.get_public_project(project.code))
    ev = evaluation_of(contract_of_project(project), evidence=False)
    shown = page.latest_evaluation
    assert (shown.completed_on, shown.result) == (ev.completed_on, ev.result)
    assert [(shown.verdict(a), shown.reason(a)) for a in Aspect] == [
        (ev.verdict(a), ev.reason(a)) for a in Aspect
    ]
    assert "fail" in [shown.verdict(a) for a in Aspect]
