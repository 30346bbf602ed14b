"""Misconduct cases: opened by hand or by another service in its transaction (a refusal to sign),
the company told by SMS, its statement, and a decision refused without basis, before the period
or twice — with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.sanctions import queries, rules, services
from contractors.sanctions.errors import SanctionError, SanctionForbidden
from contractors.sanctions.models import MisconductCase, Sanction
from notices.sms.models import SmsMessage
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at, user_of
from tests.sanction_factories import confirm_2027
from tests.trading_factories import active_pool, drawn, refuse


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    confirm_2027()


def _counts() -> tuple:
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (MisconductCase, Sanction, SmsMessage, AuditEntry)
    )


def _case(phase, *, when=(2026, 12, 7, 10, 0), days=5):
    clock.set_now(at(*when))
    return services.open_case(
        phase.contractors[0].id, "by_hand", "转包工程", statement_days=days, actor=phase.staff
    )


def _decision(**overrides) -> services.DecisionInput:
    values = {
        "outcome": "suspension",
        "act": "将承接的工程转包",
        "basis": "《建设工程质量管理条例》第二十五条",
        "deciding_body": "区公共资源交易管理办公室",
        "starts_on": date(2026, 12, 15),
        "months": 3,
        **overrides,
    }
    return services.DecisionInput(**values)


def test_a_refusal_to_sign_opens_a_case_in_the_same_transaction_and_tells_the_company():
    phase = active_pool()
    owner = make_user("owner")
    project, t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 7, 10, 0))
    r = refuse(project.code, actor=owner)
    case = db.session.scalar(select(MisconductCase))
    assert (case.contractor_id, case.source, case.ref) == (r.contractor_id, "refusal", t.code)
    # Opened Monday 12-07: 5 working days are 12-08..12-14, so it ends 12-15 00:00 +08:00.
    assert clock.local(case.statement_ends_at).date() == date(2026, 12, 15)
    sms = db.session.scalar(select(SmsMessage).where(SmsMessage.subject_type == "misconduct_case"))
    assert sms.contractor_id == r.contractor_id and "2026年12月14日" in sms.body
    assert queries.state_of(case) is rules.CaseState.STATEMENT


def test_no_decision_before_the_statement_period_ends_unless_the_company_stated_its_case():
    phase = active_pool()
    case = _case(phase)
    before = _counts()
    with pytest.raises(SanctionError, match="陈述申辩期至2026-12-14结束"):
        services.decide(case.id, _decision(), actor=phase.staff)
    assert _counts() == before
    services.state_case(case.id, "我司未转包，系劳务分包", actor=user_of(phase.contractors[0]))
    services.decide(case.id, _decision(), actor=phase.staff)
    assert db.session.get(MisconductCase, case.id).sanction.until == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"basis": "  "}, "请填写处理依据"),
        ({"act": ""}, "请填写违法违规行为"),
        ({"deciding_body": ""}, "请填写处理机关"),
        ({"outcome": "fine"}, "请选择处理结果"),
        ({"months": 0}, "暂停期限"),
        ({"months": 10**12}, "暂停期限"),
        ({"basis": "依据\x00"}, "无效字符"),
    ],
)
def test_a_bad_decision_is_refused_with_nothing_changed(overrides, message):
    phase = active_pool()
    case = _case(phase)
    clock.set_now(at(2026, 12, 16, 10, 0))
    before = _counts()
    with pytest.raises(SanctionError, match=message):
        services.decide(case.id, _decision(**overrides), actor=phase.staff)
    assert _counts() == before
    assert db.session.get(MisconductCase, case.id).decided_at is None


def test_a_second_decision_is_refused():
    phase = active_pool()
    case = _case(phase)
    clock.set_now(at(2026, 12, 16, 10, 0))
    services.decide(
        case.id, _decision(outcome="none", starts_on=None, months=None), actor=phase.staff
    )
    before = _counts()
    with pytest.raises(SanctionError, match="不能重复决定"):
        services.decide(case.id, _decision(), actor=phase.staff)
    assert _counts() == before
    assert queries.state_of(db.session.get(MisconductCase, case.id)) is rules.CaseState.CLOSED


def test_supervisors_and_other_companies_change_nothing():
    phase = active_pool()
    case = _case(phase)
    with pytest.raises(SanctionForbidden):
        services.open_case(phase.contractors[1].id, "by_hand", "x", actor=make_user("supervisor"))
    with pytest.raises(SanctionForbidden):
        services.state_case(case.id, "不是我", actor=user_of(phase.contractors[1]))
    with pytest.raises(SanctionForbidden):
        services.decide(case.id, _decision(), actor=make_user("supervisor"))


def test_a_statement_period_under_three_working_days_is_refused():
    phase = active_pool()
    before = _counts()
    with pytest.raises(SanctionError, match="陈述申辩期应为3至60个工作日"):
        _case(phase, days=2)
    assert _counts() == before


def test_a_statement_period_the_company_let_pass_is_no_missed_deadline_on_the_oversight_pages(
    app,
):
    phase = active_pool()
    waiting = _case(phase)  # ends 2026-12-15 00:00 +08:00
    stated = services.open_case(
        phase.contractors[1].id, "by_hand", "转包工程", statement_days=5, actor=phase.staff
    )
    services.state_case(stated.id, "我司已整改。", actor=phase.staff)
    with app.test_request_context():
        listed = {
            d.url.rsplit("/", 1)[1] for d in queries.deadlines() if d.kind == "case.statement"
        }
        assert listed == {str(waiting.id), str(stated.id)}  # running, and met
        clock.set_now(at(2026, 12, 15, 9, 0))
        listed = {
            d.url.rsplit("/", 1)[1] for d in queries.deadlines() if d.kind == "case.statement"
        }
        assert listed == {str(stated.id)}  # the silent company's period has simply ended


def test_the_same_case_opened_again_while_it_is_undecided_is_refused_with_nothing_sent():
    phase = active_pool()
    first = _case(phase)
    before = _counts()
    with pytest.raises(SanctionError, match="不再重复立案"):
        _case(phase)
    assert _counts() == before
    # Other facts are another case; once decided, the same facts may be a new case.
    services.open_case(
        phase.contractors[0].id, "by_hand", "挂靠资质", statement_days=5, actor=phase.staff
    )
    services.state_case(first.id, "无异议", actor=phase.staff)
    services.decide(first.id, _decision(outcome="none"), actor=phase.staff)
    _case(phase)
    assert _counts()[0] == before[0] + 2
