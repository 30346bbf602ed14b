"""Project.stage and its responses close follow any sequence of writes to a project's facts
(contracts.stage's flush listener), whichever rows they go through: the filing, a round added by
its project's id rather than through a loaded collection, or dropped, an outcome, a suspension, a
contract recorded or removed, a new responses close — after each flush the stored copies are what
THE rule (contracts.rules.stage_of) gives the facts read anew (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contracts import queries
from contracts.models import Contract, Project, Trading
from contracts.rules import Filing, Outcome, stage_of
from tests.factories import make_user, use_cheap_password_hashes
from tests.trading_factories import active_pool, announced


@pytest.fixture
def world(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    project, t = announced(active_pool(), make_user("owner"))
    db.session.commit()
    return project.id, t.id, db.session.scalar(select(Contractor.id).limit(1))


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("filing"), st.sampled_from(list(Filing))),
        st.tuples(st.just("outcome"), st.sampled_from([None, *Outcome])),
        st.tuples(st.just("suspended"), st.booleans()),
        st.tuples(st.just("contract"), st.booleans()),
        st.tuples(st.just("round"), st.booleans()),  # add one, or drop the latest
        st.tuples(st.just("close"), st.integers(-10, 10)),
    ),
    min_size=1,
    max_size=8,
)


def _latest(pid: int) -> Trading | None:
    return db.session.scalar(
        select(Trading).where(Trading.project_id == pid).order_by(Trading.round.desc()).limit(1)
    )


def _apply(step, pid: int, contractor_id: int) -> None:
    kind, value = step
    p, t = db.session.get(Project, pid), _latest(pid)
    now = clock.now()
    contract = queries.contract_of(t)
    if kind == "filing":
        p.filing = value
        p.filed_at = now if value == Filing.FILED else None
        p.sent_back_reasons = "缺少图纸" if value == Filing.SENT_BACK else ""
    elif kind == "round" and value and t is not None:
        code = f"{p.code}-{t.round + 1}"
        fresh = Trading(
            project_id=pid,  # by its id: the project's loaded rounds do not show it
            round=t.round + 1,
            code=code,
            notice_id=t.notice_id,
            responses_close_at=now + timedelta(days=3),
            meeting_at=now + timedelta(days=4),
            meeting_place="区公共资源交易中心二楼",
            rate_options=["3.00"],
            award_draw_id=f"{code}-award",
            rate_draw_id=f"{code}-rate",
            created_at=now,
        )
        db.session.add(fresh)
    elif kind == "round" and t is not None and t.round > 1:
        if contract is not None:
            db.session.delete(contract)
            db.session.flush()
        db.session.delete(t)
    elif kind == "outcome" and t is not None:
        t.outcome = value
        t.held_at = now if value else None
        t.failed_reason = "响应企业不足3家" if value == Outcome.FAILED else ""
        drawn = value == Outcome.DRAWN
        t.winner_uscc = "91330201MA2AAAAA1X" if drawn else None
        t.discount_rate = Decimal("3.00") if drawn else None
        t.contract_price = Decimal("1000000.00") if drawn else None
    elif kind == "suspended" and t is not None:
        t.suspended_at = now if value else None
    elif kind == "contract" and t is not None:
        if value and contract is None:
            db.session.add(
                Contract(
                    trading_id=t.id,
                    contractor_id=contractor_id,
                    signed_on=date(2026, 12, 4),
                    amount=Decimal("1000000.00"),
                    recorded_at=now,
                )
            )
        elif not value and contract is not None:
            db.session.delete(contract)
    elif kind == "close" and t is not None:
        t.responses_close_at = t.responses_close_at + timedelta(days=value)
    db.session.flush()


def _stored_and_ruled(pid: int) -> tuple[tuple, tuple]:
    db.session.expire_all()
    p = db.session.get(Project, pid)
    t = queries.latest_trading(p)
    facts = queries.facts_of(p, t, queries.contract_of(t) is not None)
    return (p.stage, p.responses_close_at), (str(stage_of(facts)), facts.responses_close_at)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_the_stored_stage_is_the_rules_after_any_sequence_of_writes(world, steps):
    pid, _tid, contractor_id = world
    savepoint = db.session.begin_nested()
    try:
        for step in steps:
            _apply(step, pid, contractor_id)
            stored, ruled = _stored_and_ruled(pid)
            assert stored == ruled, (step, steps)
    finally:
        savepoint.rollback()
        db.session.expire_all()


def test_restage_corrects_the_copies_after_a_change_made_by_hand_in_sql(app, world):
    """A change written in SQL (an operator's fix) goes past the flush listener: `flask projects
    restage` recomputes every project's copies from its facts, and says how many it corrected."""
    pid, tid, _contractor_id = world
    db.session.execute(
        Trading.__table__.update()
        .where(Trading.__table__.c.id == tid)
        .values(outcome=Outcome.FAILED, held_at=clock.now(), failed_reason="响应企业不足3家")
    )
    db.session.commit()
    stored, ruled = _stored_and_ruled(pid)
    assert stored != ruled and ruled[0] == "failed"  # the listener did not see it
    runner = app.test_cli_runner()
    result = runner.invoke(args=["projects", "restage"])
    assert result.exit_code == 0, result.output
    assert "corrected 1 projects" in result.output
    stored, ruled = _stored_and_ruled(pid)
    assert stored == ruled
    assert "corrected 0 projects" in runner.invoke(args=["projects", "restage"]).output
