"""Offices on the trading side: a project belongs to the platform that trades it (chosen within the
entering account's offices); every step on it is refused BY THE SERVICE to an account of another
platform, with nothing changed; its notices, draws and audit entries name its office; and its
respondents are the active members of its category in its district's pool (THE rule)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.queries import active_members
from contracts import queries, services
from contracts.errors import TradingError, TradingForbidden
from contracts.evaluations import services as evaluations
from contracts.models import BulletinPosting, Project, TradingSuspension
from contracts.objections import services as objection_services
from contracts.objections.models import TradingObjection
from contracts.screening import services as screening
from contracts.services import posting
from lottery.models import Draw
from notices.models import Notice
from tests.factories import PDF, make_office, make_user, two_platforms
from tests.pool_factories import Phase, at, register
from tests.trading_factories import (
    active_pool,
    announced,
    drawn,
    hold_meeting,
    member_user,
    project_input,
    refuse,
    respond_all,
    trading_counts,
)

ALL_PASS = {"quality": "pass", "schedule": "pass", "safety": "pass", "cooperation": "pass"}


@pytest.fixture
def offices(app):
    return two_platforms()


def _state(code: str) -> tuple:
    """Everything a step may change: the row counts of trading, the project's own facts, and the
    rows of the steps not in trading_counts."""
    db.session.expire_all()
    p = db.session.scalar(select(Project).where(Project.code == code))
    t = queries.latest_trading(p)
    extra = (BulletinPosting, TradingSuspension, TradingObjection)
    return (
        trading_counts(),
        tuple(db.session.scalar(select(func.count()).select_from(m)) for m in extra),
        (p.filing, p.office_id, p.name, p.sent_back_reasons),
        (t.outcome, t.winner_uscc, t.held_at, t.suspended_at) if t else None,
    )


def _draw(draw_id: str) -> Draw:
    return db.session.scalar(select(Draw).where(Draw.draw_id == draw_id))


def _refused(code: str, attempt) -> None:
    before = _state(code)
    with pytest.raises(TradingForbidden, match="其他机构"):
        attempt()
    db.session.rollback()
    assert _state(code) == before


# ---- the project's office ------------------------------------------------------------------------


def test_a_project_belongs_to_the_entering_accounts_platform_and_takes_its_name_as_town(offices):
    clerk = make_user("staff", office=offices.a)
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(town=""), actor=clerk)
    assert p.office_id == offices.a.id
    assert p.town == "甲街道"  # left blank: the platform's name is printed
    typed = services.submit_project(project_input(town="甲街道东片"), actor=clerk)
    assert typed.office_id == offices.a.id and typed.town == "甲街道东片"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.subject_id == p.code).order_by(AuditEntry.seq)
    )
    assert entry.office_id == offices.a.id


def test_an_owner_of_a_platform_enters_projects_of_its_platform(offices):
    owner = make_user("owner", office=offices.b)
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner)
    assert p.office_id == offices.b.id and p.owner_user_id == owner.id
    assert p.code.startswith("PRJ-2026-")  # one deployment-wide sequence


def test_district_staff_choose_any_platform_of_their_district_or_the_district_itself(offices):
    staff = make_user("staff")  # of the district
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(office_id=offices.b.id), actor=staff)
    assert p.office_id == offices.b.id
    own = services.submit_project(project_input(), actor=staff)
    assert own.office_id == offices.district.id
    with pytest.raises(TradingError) as e:
        services.submit_project(project_input(town=""), actor=staff)
    assert e.value.field == "town"  # a district's project has no platform name to print


def test_a_platform_clerk_cannot_enter_a_project_for_another_platform(offices):
    clerk = make_user("staff", office=offices.a)
    other_district = make_office("beilun", "北仑区公管办", kind="district")
    clock.set_now(at(2026, 11, 26, 9, 0))
    for office in (offices.b, offices.district, other_district):
        with pytest.raises(TradingForbidden):
            services.submit_project(project_input(office_id=office.id), actor=clerk)
    with pytest.raises(TradingError) as e:
        services.submit_project(project_input(office_id=999999), actor=clerk)
    assert e.value.field == "office_id"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_a_deployment_administrator_must_name_the_office(offices):
    admin = make_user("admin", office=None)
    clock.set_now(at(2026, 11, 26, 9, 0))
    with pytest.raises(TradingError) as e:
        services.submit_project(project_input(), actor=admin)
    assert e.value.field == "office_id"
    p = services.submit_project(project_input(office_id=offices.a.id), actor=admin)
    assert p.office_id == offices.a.id


# ---- forged forms of another platform: refused by the service, nothing changed ----------------


def test_another_platforms_clerk_cannot_revise_attach_file_or_send_back(offices):
    owner = make_user("owner", office=offices.b)
    intruder = make_user("staff", office=offices.a)
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner)
    code, seen = p.code, services.fingerprint(p)
    _refused(code, lambda: services.file_project(code, reviewed=seen, actor=intruder))
    _refused(code, lambda: services.send_back(code, "资料不全", reviewed=seen, actor=intruder))
    _refused(code, lambda: services.revise_project(code, project_input(name="改"), actor=intruder))
    _refused(code, lambda: services.add_attachment(code, PDF, "图纸.pdf", actor=intruder))
    # Its own platform's clerk may; so may the district's staff.
    services.send_back(code, "资料不全", reviewed=seen, actor=make_user("staff", office=offices.b))
    services.revise_project(code, project_input(), actor=owner)
    p = queries.get_project(code)
    services.file_project(code, reviewed=services.fingerprint(p), actor=make_user("staff"))
    assert queries.get_project(code).filing == "filed"


def test_another_platforms_clerk_cannot_announce_post_suspend_or_screen(offices):
    phase = active_pool()
    intruder = make_user("staff", office=offices.a)
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=make_user("owner", office=offices.b))
    code = p.code
    services.file_project(code, reviewed=services.fingerprint(p), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))
    data = services.TradingInput(at(2026, 12, 3, 9, 30), "乙镇便民服务中心", ["3.00", "8.50"])
    seen = services.fingerprint(queries.get_project(code))
    _refused(code, lambda: services.announce(code, data, reviewed=seen, actor=intruder))
    # The district's staff announce it: the platform's notice, draws and audit entry.
    t = services.announce(code, data, reviewed=seen, actor=phase.staff)
    notice = db.session.get(Notice, t.notice_id)
    assert notice.office_id == offices.b.id and notice.issuing_body == "乙镇"
    assert "乙镇" in notice.body
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        assert _draw(draw_id).office_id == offices.b.id
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "trading:announced", AuditEntry.subject_id == t.code
        )
    )
    assert entry.office_id == offices.b.id

    clock.set_now(at(2026, 11, 27, 11, 0))
    _refused(
        code,
        lambda: posting.record_posting(
            code, "张三", at(2026, 11, 27, 10, 30), "某村公开栏", None, None, actor=intruder
        ),
    )
    _refused(code, lambda: services.suspend_trading(t.code, "核查投诉", actor=intruder))
    respond_all(p, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 0))
    respondent = queries.respondents(queries.latest_trading(queries.get_project(code)))
    uscc = next(iter(respondent))
    check = screening.CheckInput(
        uscc=uscc,
        checked_on=clock.today(),
        source="creditchina",
        result="not_listed",
        evidence=PDF,
        evidence_name="查询结果.pdf",
    )
    _refused(code, lambda: screening.record_check(code, check, actor=intruder))
    clock.set_now(at(2026, 12, 3, 9, 30))
    _refused(code, lambda: services.show_meeting_entropy(code, ["1"], actor=intruder))
    _refused(code, lambda: services.hold_meeting(code, ["1"], actor=intruder))


def test_another_platforms_clerk_cannot_record_the_contract_a_refusal_an_evaluation_or_answer(
    offices,
):
    phase = active_pool()
    owner = make_user("owner", office=offices.b)
    intruder = make_user("staff", office=offices.a)
    project, t = drawn(phase, owner)
    code = project.code
    result = db.session.get(Notice, t.result_notice_id)
    assert result.office_id == offices.b.id and result.issuing_body == "乙镇"
    # A respondent objects to the result; only the project's offices answer it.
    clock.set_now(at(2026, 12, 3, 11, 0))
    uscc = t.winner_uscc
    winner = next(m for m in active_members("JZ") if m.uscc == uscc)
    o = objection_services.file_objection(
        t.code, "result", "对排序有异议", actor=member_user(winner.contractor_id)
    )
    _refused(
        code, lambda: objection_services.answer_objection(o.id, False, "不成立", actor=intruder)
    )
    answered = objection_services.answer_objection(
        o.id,
        False,
        "经核查，排序依公开摇号产生，异议不成立。",
        actor=make_user("staff", office=offices.b),
    )
    assert answered.answering_body == "乙镇"

    clock.set_now(at(2026, 12, 7, 10, 0))
    _refused(
        code,
        lambda: services.record_contract(code, date(2026, 12, 7), t.contract_price, actor=intruder),
    )
    _refused(code, lambda: refuse(code, actor=intruder))
    # An owner of another platform is refused the same way as its staff.
    other_owner = make_user("owner", office=offices.a)
    with pytest.raises(TradingForbidden):
        services.record_contract(code, date(2026, 12, 7), t.contract_price, actor=other_owner)
    db.session.rollback()
    services.record_contract(code, date(2026, 12, 7), t.contract_price, actor=owner)
    clock.set_now(at(2026, 12, 11, 10, 0))
    given = evaluations.EvaluationInput(completed_on=date(2026, 12, 9), parts=ALL_PASS)
    _refused(code, lambda: evaluations.evaluate(code, given, actor=intruder))
    assert evaluations.evaluate(code, given, actor=owner).result == "pass"


def test_the_system_and_the_deployment_administrator_act_on_every_office(offices):
    phase = active_pool()
    project, _t = announced(phase, make_user("owner", office=offices.a))
    clock.set_now(at(2026, 11, 27, 11, 0))
    period = services.suspend_trading(
        queries.latest_trading(project).code, "核查投诉", actor=make_user("admin", office=None)
    )
    assert period.suspended_at is not None


# ---- THE rule: the project's district's pool --------------------------------------------------


class _OtherDistrictPhase(Phase):
    """Procedure A run by another district's staff and reviewer, with companies 5–7 (three for
    建筑工程's quota of 3, two for 市政公用工程)."""

    def __init__(self, district):
        super().__init__()
        self.staff = make_user("staff", office=district)
        self.reviewer = make_user("reviewer", office=district)

    def applicants(self, when=(2026, 9, 22, 9, 0)):
        from contractors import services as pool

        self._set_now(when)
        for n in (5, 6, 7):
            c = register(n)
            self.contractors.append(c)
            pool.apply(self.call.id, ["JZ", "SZ"] if n < 7 else ["JZ"], actor=member_user(c.id))
        return self.contractors


def test_a_project_of_another_district_draws_only_that_districts_members(offices):
    home = active_pool()  # the default district's pool: companies 0–3
    beilun = make_office("beilun", "北仑区公管办", kind="district")
    town = make_office("bl-dagang", "大碶街道", parent=beilun)
    away = _OtherDistrictPhase(beilun).through_roster()
    day = date(2026, 11, 27)
    home_members = active_members("JZ", day, district_id=offices.district.id)
    away_members = active_members("JZ", day, district_id=beilun.id)
    assert {m.contractor_id for m in home_members}.isdisjoint(
        {m.contractor_id for m in away_members}
    )
    assert len(away_members) == 3

    owner = make_user("owner", office=town)
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(town=""), actor=owner)
    assert p.town == "大碶街道"
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=away.staff)
    with pytest.raises(TradingForbidden):  # the home district's staff do not cover it
        services.announce(
            p.code,
            services.TradingInput(at(2026, 12, 3, 9, 30), "大碶街道", ["3.00", "8.50"]),
            reviewed=services.fingerprint(p),
            actor=home.staff,
        )
    db.session.rollback()
    clock.set_now(at(2026, 11, 27, 10, 0))
    t = services.announce(
        p.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "大碶街道", ["3.00", "8.50"]),
        reviewed=services.fingerprint(p),
        actor=away.staff,
    )
    # A member of the home district's pool is refused; the trading's list stays empty of it.
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = services.commitment_text(p.code)
    with pytest.raises(TradingForbidden, match="有效入围企业"):
        services.respond(p.code, text, actor=member_user(home_members[0].contractor_id))
    db.session.rollback()
    assert not queries.is_member_for(p, home_members[0].contractor_id)
    assert queries.is_member_for(p, away_members[0].contractor_id)
    open_home = queries.open_tradings_of(home_members[0].contractor_id)
    assert t.id not in {x.id for x in open_home}
    assert t.id in {x.id for x in queries.open_tradings_of(away_members[0].contractor_id)}

    respond_all(p, away_members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    held = hold_meeting(p.code, ["37", "8812"], actor=away.staff)
    ranking = _draw(held.award_draw_id).result
    assert set(ranking) == {m.uscc for m in away_members}
    assert held.winner_uscc in {m.uscc for m in away_members}
