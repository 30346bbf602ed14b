"""The fairness test kept per process (contracts.queries.stats_memo): every event the services
write moves the data version in its own transaction, so the page and the API of this worker and
of another one show its figures at once; a scope's kept test is never another year's or scope's;
names are read when shown; and any interleaving of draws and reads by two workers gives the live
figures (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, update

from app import clock
from app.extensions import db
from app.offices.models import Office
from app.workdays import WorkCalendar
from contractors.models import Contractor
from contracts import rules
from contracts.models import EVERY_OFFICE
from contracts.queries import figures, stats, stats_memo
from contracts.services import rollup
from tests.conftest import build_app
from tests.factories import default_district, make_office, make_user, use_cheap_password_hashes
from tests.integration.test_stat_rollup import _moments, _numbers
from tests.integration.test_stats_queries import A, B, C, D, _draw
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn, next_round, refuse


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def worker(database_url, tmp_path):
    """A second app on the same database: another worker process, with its own memo."""
    return build_app(database_url, tmp_path / "second")


def _seen(app, year: int = 2026) -> tuple:
    """What the API and the page of `app` show of `year`: projects, draws and each company."""
    client = app.test_client()
    body = client.get(f"/api/v1/stats?year={year}").get_json()
    html = client.get(f"/stats/?year={year}").get_data(as_text=True)
    fair = body["fairness"]
    companies = [
        (c["uscc"], c["name"], c["draws"], c["wins"], c["responses"]) for c in fair["companies"]
    ]
    summary = f"本年定标项目{body['projects']}个"
    assert summary in html and f"定标摇号{fair['draws']}次" in html, "the page agrees with the API"
    return body["projects"], fair["draws"], companies


def _live(year: int = 2026) -> tuple:
    f = stats.live_figures(year, None)
    companies = [(c.uscc, c.name, c.draws, c.wins, c.responses) for c in f.fairness.companies]
    return f.projects, f.fairness.draws, companies


def test_a_meeting_refusals_and_the_next_rounds_draw_show_at_once_in_both_workers(app, worker, now):
    phase = active_pool()
    owner = make_user("owner")
    assert _seen(app) == _seen(worker) == _live() == (0, 0, [])

    def event_then_both_see_it(run, moves: bool = True) -> None:
        before = stats_memo.data_version(2026, None)
        run()
        db.session.commit()
        # A refusal that passes the award on changes no figure (the draw stands): no move.
        assert (stats_memo.data_version(2026, None) > before) is moves
        expected = _live()
        assert _seen(app) == expected
        assert _seen(worker) == expected

    project = None

    def meeting():
        nonlocal project
        project, _t = drawn(phase, owner)

    event_then_both_see_it(meeting)
    assert _seen(app)[1] == 1
    clock.set_now(at(2026, 12, 4, 10, 0))
    event_then_both_see_it(lambda: refuse(project.code, actor=owner), moves=False)

    def exhausted():
        refuse(project.code, actor=owner)
        refuse(project.code, actor=owner)

    event_then_both_see_it(exhausted)
    assert _seen(worker)[0] == 0, "a failed trading is no award"

    event_then_both_see_it(lambda: next_round(phase, project))
    assert _seen(app)[:2] == (1, 2), "the second round's award draw counts as well"


def test_a_kept_test_is_never_another_years_or_another_scopes(app):
    other = make_office("memo-other", "另一区公管办", kind="district")
    district = default_district()
    draws = [
        ([A, B, C], A, at(2026, 3, 5, 9), district),
        ([A, B], B, at(2026, 4, 5, 9), district),
        ([B, C, D], D, at(2026, 4, 6, 9), other),
        ([A, D], A, at(2025, 6, 1, 9), district),
    ]
    for n, (candidates, winner, when, office) in enumerate(draws, 1):
        _draw(n, candidates, winner, when=when, office=office)
        rollup.refresh(db.session, [(office.id, when)])
        db.session.commit()
    scopes = [None, [district.id], [other.id], [district.id, other.id], [other.id, district.id]]
    asked = [(y, s) for y in (2025, 2026, 2027) for s in scopes]
    # Twice over, in two orders: the second reads come from the memo.
    for year, ids in [*asked, *reversed(asked)]:
        assert stats.figures(year, ids) == stats.live_figures(year, ids), (year, ids)
    assert stats.figures(2026, [other.id]).fairness.draws == 1
    assert stats.figures(2026, [district.id]).fairness.draws == 2
    assert stats.figures(2025, None).fairness.draws == 1


def test_a_renamed_company_shows_its_new_name_though_no_figure_moved(app, worker, now):
    drawn(active_pool(), make_user("owner"))
    db.session.commit()
    uscc = _seen(app)[2][0][0]
    _seen(worker)  # both keep the test
    version = stats_memo.data_version(2026, None)
    db.session.execute(
        update(Contractor).where(Contractor.uscc == uscc).values(name="改名后的公司")
    )
    db.session.commit()
    assert stats_memo.data_version(2026, None) == version
    for a in (app, worker):
        assert (uscc, "改名后的公司") in [c[:2] for c in _seen(a)[2]]
        assert "改名后的公司" in a.test_client().get("/stats/?year=2026").get_data(as_text=True)


def test_the_rebuild_command_moves_every_version(app):
    _draw(1, [A, B], A, when=at(2026, 3, 5, 9))
    assert stats.figures(2026, None).fairness.draws == 0, "a draw written by hand: not yet"
    assert app.test_cli_runner().invoke(args=["stats", "rebuild"]).exit_code == 0
    assert stats.figures(2026, None) == stats.live_figures(2026, None)
    assert stats.figures(2026, None).fairness.draws == 1


def test_the_rebuild_moves_the_version_of_figures_that_vanished(app):
    """A row no draw accounts for (a bug, a hand edit), kept before any version moved: the
    rebuild leaves no row of that year, and still no process may keep the test it made."""
    for office in (default_district().id, EVERY_OFFICE):
        rollup._add(db.session, (office, 2026, "entry", f"{A} 2 1"), (1, 0, 1))
    db.session.commit()
    assert stats.figures(2026, None).fairness.draws == 1
    assert app.test_cli_runner().invoke(args=["stats", "rebuild"]).exit_code == 0
    assert stats.figures(2026, None).fairness.draws == 0


def _fair(draws: int) -> rules.Fairness:
    return rules.Fairness(companies=(), draws=draws, statistic=0.0, df=0, p_value=None)


def test_the_memo_keeps_a_few_scopes_and_never_an_older_result_over_a_newer():
    memo = stats_memo.VersionMemo(size=2)
    memo.put((2026, None), 3, _fair(3))
    assert memo.get((2026, None), 3) == _fair(3)
    assert memo.get((2026, None), 4) is None, "another version is another result"
    assert memo.get((2025, None), 3) is None and memo.get((2026, (1,)), 3) is None
    memo.put((2026, None), 2, _fair(2))  # a slow request that read an older version
    assert memo.get((2026, None), 3) == _fair(3)
    memo.put((2026, (1,)), 1, _fair(1))
    memo.get((2026, None), 3)  # used: the office's scope is now the least recently used
    memo.put((2025, None), 1, _fair(9))
    assert memo.get((2026, (1,)), 1) is None
    assert memo.get((2026, None), 3) == _fair(3) and memo.get((2025, None), 1) == _fair(9)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just("draw"),
                st.booleans(),
                st.sampled_from(_moments),
                st.lists(st.sampled_from([A, B, C, D]), min_size=1, max_size=4, unique=True),
                st.integers(0, 3),
            ),
            st.tuples(
                st.just("read"),
                st.booleans(),
                st.sampled_from([2025, 2026]),
                st.sampled_from(["every", "district", "other", "both"]),
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_draws_and_reads_by_two_workers_give_the_live_figures(app, worker, steps):
    other = db.session.scalar(select(Office).where(Office.code == "memo-hyp"))
    other = other or make_office("memo-hyp", "另一区公管办", kind="district")
    district = default_district()
    scopes = {
        "every": None,
        "district": [district.id],
        "other": [other.id],
        "both": [district.id, other.id],
    }
    for step in steps:
        if step[0] == "draw":
            _kind, elsewhere, when, candidates, k = step
            office = other if elsewhere else district
            _draw(
                next(_numbers),
                candidates,
                candidates[k % len(candidates)],
                when=when,
                office=office,
            )
            rollup.refresh(db.session, [(office.id, when)])
            db.session.commit()
            continue
        _kind, second, year, scope = step
        ids = scopes[scope]
        with (worker if second else app).app_context():
            assert stats.figures(year, ids) == stats.live_figures(year, ids), (year, scope)


def test_what_is_derived_from_a_kept_test_is_built_once_and_only_while_it_is_kept():
    memo = stats_memo.VersionMemo(size=1)
    kept, other = _fair(1), _fair(1)
    memo.put((2026, None), 1, kept)
    built = []

    def build():
        built.append(1)
        return len(built)

    assert memo.derived(kept, "api", build) == memo.derived(kept, "api", build) == 1
    assert memo.derived(other, "api", build) == 2, "an equal test that is not the kept one"
    memo.put((2025, None), 1, _fair(2))  # the first scope dropped
    assert memo.derived(kept, "api", build) == 3


def _rollup_reads(run) -> int:
    """How many statements `run()` sends that read the rollup's rows."""
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM stat_rollups" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_figures_and_an_offices_letters_read_the_rollup_once_per_data_version(app):
    district = default_district()
    _draw(1, [A, B, C], A, when=at(2026, 3, 5, 9))
    rollup.refresh(db.session, [(district.id, at(2026, 3, 5, 9))])
    db.session.commit()

    def both():
        return stats.figures(2026, [district.id]), figures.letter_figures([district.id])

    assert _rollup_reads(both) == 3, "the page's figures, its test, the office's letters"
    assert _rollup_reads(both) == 0, "unchanged version: what the first request read is kept"
    _draw(2, [A, B], B, when=at(2026, 4, 5, 9))
    rollup.refresh(db.session, [(district.id, at(2026, 4, 5, 9))])
    db.session.commit()
    assert _rollup_reads(both) == 3, "a moved version: all read again"
    assert stats.figures(2026, [district.id]) == stats.live_figures(2026, [district.id])


def test_kept_letters_are_counted_again_on_another_calendar(app, monkeypatch):
    district = default_district()
    for office in (district.id, EVERY_OFFICE):
        rollup._add(db.session, (office, 2026, "letter", "2026-03-02 2026-03-05"), (2, 0, 0))
    db.session.commit()
    assert figures.letter_figures([district.id])[0].uncounted == 0
    assert stats.figures(2026, [district.id]).letters.uncounted == 0
    # A calendar that knows no year (say, the built-in data gone): nothing can be counted.
    for module in (figures, stats):
        monkeypatch.setattr(module, "current_calendar", lambda: WorkCalendar(use_builtin=False))
    assert figures.letter_figures([district.id])[0].uncounted == 2
    assert stats.figures(2026, [district.id]).letters.uncounted == 2
