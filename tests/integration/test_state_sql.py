"""The one SQL mirror of the project state rule (contracts.queries.state_filter) selects, for
every state, exactly the projects whose Python state (contracts.rules.state_of) it is, and its
value (contracts.queries.state_value, the home page's lines) is that state; the stored stage
(Project.stage, kept by contracts.stage on every flush, and the migration's backfill) is the
rule's, and the list's ?state= read from it (contracts.queries.stage_filter) selects the same
projects — a project built in each state, checked at two moments of the clock."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import and_, bindparam, select, text, update

from app import clock
from app.extensions import db
from contractors.queries import active_members
from contracts import queries, services
from contracts.models import Project, Trading
from contracts.rules import STATES, ProjectState, stage_of
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import (
    active_pool,
    announced,
    hold_meeting,
    project_input,
    respond_all,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _codes(condition) -> set[str]:
    """The codes of the projects meeting `condition` on Project outer-joined to its latest
    Trading."""
    return set(
        db.session.scalars(
            select(Project.code)
            .outerjoin(
                Trading,
                and_(Trading.project_id == Project.id, Trading.round == queries.latest_round()),
            )
            .where(condition)
        )
    )


def _selected(state: ProjectState) -> set[str]:
    return _codes(queries.state_filter(state, clock.now()))


def _values() -> dict[str, str]:
    """Each project's state as the statement computes it, the moment a bound parameter (as the
    home page's lines bind it)."""
    now = bindparam("now", type_=Trading.responses_close_at.type)
    return dict(
        db.session.execute(
            select(Project.code, queries.state_value(now)).outerjoin(
                Trading,
                and_(Trading.project_id == Project.id, Trading.round == queries.latest_round()),
            ),
            {"now": clock.now()},
        ).all()
    )


def _python_states() -> dict[str, ProjectState]:
    db.session.expire_all()
    return {p.code: queries.state_of(p) for p in db.session.scalars(select(Project))}


def _python_stages() -> dict[str, tuple]:
    """Each project's stage by THE rule (contracts.rules.stage_of) from its facts, and its latest
    trading's responses close."""
    db.session.expire_all()
    out = {}
    for p in db.session.scalars(select(Project)):
        t = queries.latest_trading(p)
        facts = queries.facts_of(p, t, queries.contract_of(t) is not None)
        out[p.code] = (str(stage_of(facts)), facts.responses_close_at)
    return out


def _stored_stages() -> dict[str, tuple]:
    db.session.expire_all()
    rows = db.session.execute(select(Project.code, Project.stage, Project.responses_close_at))
    return {code: (stage, close) for code, stage, close in rows}


def _assert_mirror() -> dict[str, ProjectState]:
    states = _python_states()
    assert _stored_stages() == _python_stages()
    for state in ProjectState:
        expected = {code for code, s in states.items() if s is state}
        assert _selected(state) == expected, state
        assert _codes(queries.stage_filter(state, clock.now())) == expected, state  # ?state=
    assert _values() == {code: str(s) for code, s in states.items()}
    return states


def _backfill() -> str:
    """The migration's backfill of projects.stage (migrations/versions/0034_*)."""
    (path,) = Path(__file__).parents[2].glob("migrations/versions/0034_*_project_stage.py")
    spec = importlib.util.spec_from_file_location("project_stage_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BACKFILL


def _announce_again(code: str, staff, meeting=(2026, 12, 10, 9, 30)) -> None:
    p = queries.get_project(code)
    services.announce(
        code,
        services.TradingInput(at(*meeting), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(p),
        actor=staff,
    )


def test_the_sql_state_filter_selects_exactly_the_projects_of_each_python_state():
    phase, owner = active_pool(), make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    drawn, _t = announced(phase, owner, name="已定标的工程")
    signed, _t = announced(phase, owner, name="已签订合同的工程")
    failed, _t = announced(phase, owner, name="流标的工程")
    again, _t = announced(phase, owner, name="流标后重新发布的工程")
    awaiting, _t = announced(phase, owner, name="待定标的工程")
    suspended, _t = announced(phase, owner, name="暂停交易的工程")
    services.suspend_trading(suspended.code, "投诉处理期间暂停", complaint_id=7, actor=phase.staff)
    for p in (drawn, signed):
        respond_all(p, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    for p in (drawn, signed, failed, again):
        hold_meeting(p.code, ["1"], actor=phase.staff)
    clock.set_now(at(2026, 12, 3, 10, 0))
    _announce_again(again.code, phase.staff)
    fresh = services.submit_project(project_input(name="新发布的工程"), actor=owner)
    services.file_project(fresh.code, reviewed=services.fingerprint(fresh), actor=phase.staff)
    _announce_again(fresh.code, phase.staff)
    clock.set_now(at(2026, 12, 4, 10, 0))
    price = queries.latest_trading(queries.get_project(signed.code)).contract_price
    services.record_contract(signed.code, date(2026, 12, 4), price, actor=phase.staff)
    services.submit_project(project_input(name="待备案的工程"), actor=owner)
    sent_back = services.submit_project(project_input(name="退回的工程"), actor=owner)
    services.send_back(
        sent_back.code, "缺少图纸", reviewed=services.fingerprint(sent_back), actor=phase.staff
    )
    filed = services.submit_project(project_input(name="已备案的工程"), actor=owner)
    services.file_project(filed.code, reviewed=services.fingerprint(filed), actor=phase.staff)

    states = _assert_mirror()
    assert set(states.values()) == set(ProjectState), "a project in every state"
    assert states[again.code] is states[fresh.code] is ProjectState.ANNOUNCED
    assert states[awaiting.code] is ProjectState.AWAITING_MEETING
    assert states[signed.code] is ProjectState.SIGNED
    assert states[suspended.code] is ProjectState.SUSPENDED

    clock.set_now(at(2026, 12, 20, 10, 0))  # the second rounds' responses have closed
    later = _assert_mirror()
    assert later[again.code] is later[fresh.code] is ProjectState.AWAITING_MEETING

    # The migration's backfill gives every project the stage the rule gives it.
    stages = _python_stages()
    assert len({stage for stage, _ in stages.values()}) == len(ProjectState) - 1  # not awaiting
    db.session.execute(update(Project).values(stage="submitted", responses_close_at=None))
    db.session.execute(text(_backfill()))
    assert _stored_stages() == stages


def test_the_public_list_offers_every_state_a_filed_project_can_be_in():
    assert tuple(s for s in ProjectState if STATES[s].public) == queries.PUBLIC_STATES
    assert ProjectState.SUBMITTED not in queries.PUBLIC_STATES


def test_the_database_refuses_an_outcome_without_its_facts_and_a_filing_without_its_moment():
    from sqlalchemy.exc import IntegrityError

    phase, owner = active_pool(), make_user("owner")
    project, t = announced(phase, owner)
    for change in (
        {"outcome": "drawn"},  # no contract unit, rate, price, meeting
        {"outcome": "failed"},  # no reason
        {"outcome": "cancelled"},
        {"winner_uscc": "91330185MA2H1234X5"},  # a contract unit before any meeting
    ):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.execute(
                Trading.__table__.update().where(Trading.id == t.id).values(**change)
            )
    for change in ({"filing": "approved"}, {"filed_at": None}, {"filing": "sent_back"}):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.execute(
                Project.__table__.update().where(Project.id == project.id).values(**change)
            )
