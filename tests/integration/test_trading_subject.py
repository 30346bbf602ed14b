"""One identifier per contracting process: each trading round's draws, notices and audit entries
name the same subject ("trading", the round's code); the project's own steps stay the project's,
and the history reads the entries written before under the project as well."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import audit, clock
from app.audit import Action, AuditEntry
from app.extensions import db
from contractors.queries import active_members
from contracts import progress, rules, services
from contracts.models import Project, Refusal, Trading
from lottery.models import Draw
from notices.models import Notice
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn, hold_meeting, refuse, respond_all


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _two_rounds():
    """Round 1 drawn, every contract unit refusing until it fails; round 2 (`<code>-2`) drawn and
    its contract signed."""
    phase = active_pool()
    owner = make_user("owner")
    project, _t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 7, 10, 0))
    while db.session.scalar(select(Trading.winner_uscc).where(Trading.code == project.code)):
        refuse(project.code, actor=owner)  # the ranking runs out: round 1 fails
    clock.set_now(at(2026, 12, 8, 10, 0))
    p = db.session.get(Project, project.id)
    services.announce(
        p.code,
        services.TradingInput(at(2026, 12, 14, 9, 30), "三楼", ["4.00"]),
        reviewed=services.fingerprint(p),
        actor=phase.staff,
    )
    respond_all(p, active_members("JZ", date(2026, 12, 8)))
    clock.set_now(at(2026, 12, 14, 9, 30))
    hold_meeting(p.code, ["5"], actor=phase.staff)
    clock.set_now(at(2026, 12, 15, 10, 0))
    t2 = db.session.scalar(select(Trading).where(Trading.round == 2))
    services.record_contract(p.code, date(2026, 12, 15), t2.contract_price, actor=owner)
    return db.session.get(Project, project.id), phase, owner


def test_a_rounds_draws_notices_and_audit_entries_name_the_round(app):
    p, _phase, _owner = _two_rounds()
    rounds = sorted(p.tradings, key=lambda t: t.round)
    assert [t.code for t in rounds] == [p.code, f"{p.code}-2"]
    for t in rounds:
        subject = (rules.SUBJECT_TYPE, t.code)
        draws = db.session.scalars(
            select(Draw).where(Draw.draw_id.in_([t.award_draw_id, t.rate_draw_id]))
        ).all()
        assert {(d.subject_type, d.subject_code) for d in draws} == {subject}
        corrections = db.session.scalars(
            select(Refusal.correction_notice_id).where(Refusal.trading_id == t.id)
        ).all()
        notices = db.session.scalars(
            select(Notice).where(Notice.id.in_([t.notice_id, t.result_notice_id, *corrections]))
        ).all()
        assert len(notices) == 2 + len(corrections)
        assert {(n.subject_type, n.subject_id) for n in notices} == {subject}
    assert [t.round for t in rounds if t.outcome == "failed"] == [1]

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    by_action: dict[str, set] = {}
    for e in entries:
        by_action.setdefault(e.action, set()).add((e.subject_type, e.subject_id))
    round_ids = {(rules.SUBJECT_TYPE, t.code) for t in rounds}
    for action in (
        Action.TRADING_ANNOUNCED,
        Action.TRADING_RESPONDED,
        Action.TRADING_DRAWN,
        Action.CONTRACT_REFUSED,
        Action.CONTRACT_SIGNED,
    ):
        assert by_action[str(action)] <= round_ids, action
    assert by_action[str(Action.CONTRACT_SIGNED)] == {(rules.SUBJECT_TYPE, f"{p.code}-2")}
    # The project's own steps, before any round exists, stay the project's.
    for action in (Action.PROJECT_SUBMITTED, Action.PROJECT_FILED):
        assert by_action[str(action)] == {("project", p.code)}


def test_the_history_shows_the_entries_written_under_the_project_before_rounds_had_one_id(app):
    p, _phase, owner = _two_rounds()
    shown = [e.action for e in progress.history(p)]
    assert shown.count(str(Action.CONTRACT_REFUSED)) == 3
    assert str(Action.CONTRACT_SIGNED) in shown
    # A refusal recorded before [Structure] was filed under the project: the history reads it.
    clock.set_now(at(2026, 12, 16, 10, 0))
    audit.record(Action.CONTRACT_REFUSED, "project", p.code, actor=owner, after={"legacy": True})
    db.session.commit()
    history = progress.history(p)
    assert [e.action for e in history].count(str(Action.CONTRACT_REFUSED)) == 4
    assert history[-1].after == {"legacy": True}
