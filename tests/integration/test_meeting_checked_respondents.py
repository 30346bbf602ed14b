"""The award meeting draws among exactly the respondents its review page showed: the service
(not the view) refuses a list that changed since, and nothing is drawn."""

from __future__ import annotations

from datetime import date

import pytest

from app import clock
from contractors.queries import active_members
from contracts import queries, services
from contracts.errors import TradingError
from lottery import rules as draw_rules
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, respond_all, screen_all


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def test_a_meeting_with_another_list_of_respondents_than_the_one_checked_is_refused():
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 30))
    screen_all(project.code, actor=phase.staff)
    shown = services.show_meeting_entropy(project.code, ["37"], actor=phase.staff)
    found = queries.respondents(t)
    stale = draw_rules.candidates_digest(draw_rules.sorted_candidates(list(found)[:2]))
    with pytest.raises(TradingError, match="响应企业名单在核对之后发生了变化"):
        services.hold_meeting(project.code, shown, reviewed=stale, actor=phase.staff)
    assert queries.latest_trading(queries.get_project(project.code)).outcome is None
    digest = draw_rules.candidates_digest(draw_rules.sorted_candidates(found))
    held = services.hold_meeting(project.code, shown, reviewed=digest, actor=phase.staff)
    assert held.is_drawn
