"""The demo pool: a complete past round and a call open now, repeatable, and working in 2027."""

from __future__ import annotations

import pytest

from app import clock
from app.api import time_iso
from app.audit import verify_chain
from app.extensions import db
from contractors import demo, queries, rules
from contractors.models import Contractor
from lottery import rules as draw_rules
from lottery import services as draws
from lottery.verify import verify_record
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _seed():
    staff = make_user("staff", username="staff")
    reviewers = [
        make_user("reviewer", username="reviewer", organisation="区住房和城乡建设局"),
        make_user("reviewer", username="reviewer2", organisation="区农业农村局"),
    ]
    lines = []
    return demo.seed(lines.append, staff, reviewers), lines, (staff, reviewers)


@pytest.mark.parametrize("when", [(2026, 11, 27, 10, 0), (2027, 3, 2, 10, 0)])
def test_the_demo_pool_has_a_past_round_with_a_draw_and_an_open_call(app, when):
    clock.set_now(at(*when))
    calls, _lines, (staff, reviewers) = _seed()
    past, open_call = calls["past"], calls["open"]
    assert queries.state_of(past) is rules.CallState.ACTIVE
    assert queries.state_of(open_call) is rules.CallState.OPEN
    jz = past.categories[0]
    assert jz.outcome == "drawn" and len(draws.winners_of(jz.draw_id)) == 5
    assert verify_record(draw_rules.published_record(draws.get(jz.draw_id), time_iso)).ok
    assert {c.outcome for c in past.categories[1:]} == {"all_enter"}
    assert "不合格" in past.review_notice.body and "异议不成立" not in past.review_notice.body
    assert len(queries.active_members("JZ")) == 5
    assert len(queries.active_members(None)) == 5 + 4 + 2
    assert queries.objections_of(past.id)[0].upheld is False
    # The office checked every demo registration: none waits on the staff's list.
    assert db.session.query(Contractor).filter(Contractor.checked_at.is_(None)).count() == 0
    assert verify_chain().ok
    # A second run changes nothing.
    again = []
    assert demo.seed(again.append, staff, reviewers) == {}
    assert "already present" in again[0]


def test_the_demo_pool_has_enough_members_for_the_demo_projects(app):
    # contracts.demo's projects draw among 5 建筑工程 and 4 市政公用工程 respondents, and fail
    # (流标) in 园林绿化工程, where only 2 members can respond.
    clock.set_now(at(2026, 11, 27, 10, 0))
    _seed()
    counts = {c: len(queries.active_members(c)) for c in ("JZ", "SZ", "YL")}
    assert counts == {"JZ": 5, "SZ": 4, "YL": 2}
