"""The demo pool: a complete past round and a call open now, repeatable, and working in 2027."""

from __future__ import annotations

import pytest

from app import clock
from app.api import time_iso
from app.audit import verify_chain
from app.auth.models import User
from app.extensions import db
from contractors import demo, queries, rules
from contractors.demo import second
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
    jz, sz, yl = past.categories
    assert sz.outcome == "drawn" and len(draws.winners_of(sz.draw_id)) == demo.SZ_QUOTA == 5
    assert verify_record(draw_rules.published_record(draws.get(sz.draw_id), time_iso)).ok
    assert {jz.outcome, yl.outcome} == {"all_enter"}
    assert "不合格" in past.review_notice.body and "异议不成立" not in past.review_notice.body
    assert len(queries.active_members("SZ")) == 5
    assert len(queries.active_members(None)) == 6 + 5 + 2
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
    assert counts == {"JZ": 6, "SZ": 5, "YL": 2}


@pytest.mark.parametrize("seed", range(4))
def test_the_demo_contractor_is_a_member_however_the_pool_draw_falls(app, monkeypatch, seed):
    # The pool draw stays a real draw: each run here with another committed seed (a different
    # ranking of the 市政公用工程 applicants), the demo `contractor` account's company is always
    # a 建筑工程 member (its category admits every applicant), and its page says so.
    from lottery.services import commit

    made = []

    def token_bytes(n):  # each draw's committed seed: known, and another for each `seed`
        made.append(bytes([seed * 37 + len(made)]) * n)
        return made[-1]

    monkeypatch.setattr(commit.secrets, "token_bytes", token_bytes)
    clock.set_now(at(2026, 11, 27, 10, 0))
    calls, _lines, _actors = _seed()
    own = queries.contractor_by_uscc(second.SHARED_COMPANY)
    assert db.session.get(User, own.user_id).username == "contractor"
    assert [m.category for m in queries.active_members(None) if m.contractor_id == own.id] == ["JZ"]
    # … while 市政公用工程 was really drawn: five selected, one reserve.
    sz = calls["past"].categories[1]
    assert draws.get(sz.draw_id).seed in {m.hex() for m in made}
    reserve = [s for s in queries.selections(sz.id) if not s.is_selected]
    assert len(reserve) == 1 and reserve[0].position == 1
