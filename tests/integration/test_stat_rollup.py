"""The statistics' rollup (contracts.services.rollup) against the tradings and draws themselves:
after every event the services write — a drawn trading, refusals passing the award on and
exhausting the ranking, a failed round and the next one — the figures the pages read from the
rollup equal those computed from the raw rows, for every office and every office together, and a
rebuild from scratch writes the very rows the events left; and any sequence of award draws,
refreshed one by one, does too (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.offices.models import Office
from contractors.queries import active_members
from contracts import queries, services
from contracts.models import EVERY_OFFICE, StatRollup
from contracts.queries import figures as letter_queries
from contracts.queries import stats
from contracts.services import rollup
from tests.factories import default_district, make_office, make_user, use_cheap_password_hashes
from tests.integration.test_stats_queries import A, B, C, D, _draw
from tests.pool_factories import at
from tests.trading_factories import (
    active_pool,
    announced,
    drawn,
    hold_meeting,
    next_round,
    refuse,
    respond_all,
)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def stored_rows() -> dict:
    db.session.expire_all()
    return {
        (r.office_id, r.year, r.figure, r.key): (r.n, Decimal(r.total), r.wins)
        for r in db.session.scalars(select(StatRollup))
        if (r.n, r.total, r.wins) != (0, 0, 0)
    }


def assert_in_step(years=(2025, 2026, 2027)) -> None:
    """The rollup as the events left it is what a rebuild writes, and every page figure read from
    it equals the live computation (every office, each office alone, each district's group)."""
    offices = list(db.session.scalars(select(Office)))
    groups = [None, *([o.id] for o in offices)]
    groups += [[o.id, *(p.id for p in offices if p.parent_id == o.id)] for o in offices]
    for year in years:
        for ids in groups:
            assert stats.figures(year, ids) == stats.live_figures(year, ids), (year, ids)
    for o in offices:
        ids = [o.id, *(p.id for p in offices if p.parent_id == o.id)]
        whole, each = letter_queries.letter_figures(ids)
        assert whole == letter_queries.letter_distribution(ids)
        assert each == {i: letter_queries.letter_distribution([i]) for i in ids}
    # The staff dashboard's figure: every year of an account's offices, or of every office.
    for ids in groups:
        assert letter_queries.scope_letters(ids) == letter_queries.letter_distribution(ids), ids
    kept = stored_rows()
    rollup.rebuild(db.session)
    assert stored_rows() == kept
    db.session.rollback()


def test_the_rollup_follows_a_drawn_trading_its_refusals_and_a_failed_round(app, now):
    phase = active_pool()
    owner = make_user("owner")
    assert_in_step()
    project, _t = drawn(phase, owner)
    rows = stored_rows()
    assert rows, "the meeting wrote the year's rows"
    assert {o for o, *_ in rows} >= {EVERY_OFFICE, project.office_id}
    assert_in_step()
    clock.set_now(at(2026, 12, 4, 10, 0))
    refuse(project.code, actor=owner)  # passed on: the award stays, its winner changes
    assert_in_step()
    refuse(project.code, actor=owner)
    refuse(project.code, actor=owner)  # the ranking exhausted: the trading fails
    assert_in_step()
    assert not [k for k in stored_rows() if k[2] == "month"], "a failed trading is no award"
    # The next round: announced again, too few respond, the meeting fails it.
    next_round(phase, project, responding=1)
    assert_in_step()


def test_two_offices_awards_sum_in_the_every_office_rows(app, now):
    phase = active_pool()
    owner = make_user("owner")
    first, _ = drawn(phase, owner)
    second, _ = announced(phase, owner, name="庄桥街道某村道路硬化工程", town="庄桥街道")
    respond_all(second, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 40))
    hold_meeting(second.code, ["9"], actor=phase.staff)
    assert_in_step()
    every = stats.figures(2026, None)
    assert every.projects == 2
    assert every.value == sum(
        (stats.figures(2026, [o]).value for o in {first.office_id, second.office_id}),
        Decimal("0"),
    )


def test_the_rebuild_command_writes_the_rows_and_says_how_many(app, now):
    drawn(active_pool(), make_user("owner"))
    kept = stored_rows()
    db.session.execute(StatRollup.__table__.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"wrote {len(kept)} statistics rows" in result.output
    assert stored_rows() == kept


_numbers = itertools.count(1)
_moments = [at(2025, 12, 31, 23, 30), at(2026, 1, 1, 0, 30), at(2026, 5, 3, 10, 0)]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.sampled_from(_moments),
            st.lists(st.sampled_from([A, B, C, D]), min_size=1, max_size=4, unique=True),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_award_draws_in_any_offices_and_years_keep_the_rollup_in_step(app, events):
    """Any sequence of award draws — two districts, either side of a local New Year — each
    followed by its refresh, leaves the rows a rebuild writes and the live figures."""
    other = db.session.scalar(select(Office).where(Office.code == "rollup-other"))
    other = other or make_office("rollup-other", "另一区公管办", kind="district")
    for elsewhere, when, candidates, k in events:
        office = other if elsewhere else default_district()
        _draw(next(_numbers), candidates, candidates[k % len(candidates)], when=when, office=office)
        rollup.refresh(db.session, [(office.id, when)])
        db.session.commit()
    assert_in_step(years=(2025, 2026))


def test_refusals_of_four_tradings_at_once_keep_the_rollup_in_step(app, now, database_url):
    """Four transactions refresh the same office's year and the same every-office rows at once:
    none waits forever, none loses its difference (PostgreSQL; SQLite has one writer)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL")
    import threading
    from types import SimpleNamespace

    phase = active_pool()
    owner = make_user("owner")
    codes = [drawn(phase, owner)[0].code for _ in range(4)]
    clock.set_now(at(2026, 12, 4, 10, 0))
    assert_in_step()
    actor = SimpleNamespace(
        id=owner.id, role="owner", username=owner.username, office_id=owner.office_id
    )
    holders = {}
    for code in codes:
        holders[code] = queries.award_holder(queries.latest_trading(queries.get_project(code)))
    db.session.commit()
    barrier = threading.Barrier(len(codes))
    errors: list[str] = []

    def attempt(code: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                uscc, position = holders[code]
                services.record_refusal(code, "拒签", uscc=uscc, position=position, actor=actor)
            except Exception as e:  # a deadlock or a lost update is a failure
                errors.append(repr(e))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in codes]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert_in_step()
