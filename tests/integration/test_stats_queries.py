"""The public statistics' statements (contracts.queries.stats) on a real database: seeded award
draws whose expectations are worked out by hand, and one trading run through its meeting."""

from __future__ import annotations

import hashlib
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import literal, select

from app import clock
from app.extensions import db
from app.types import UTCDateTime
from contracts.queries import stats
from lottery.models import Draw
from tests.factories import default_district, make_office, make_user, use_cheap_password_hashes
from tests.pool_factories import at, company, register
from tests.trading_factories import active_pool, drawn

A, B, C, D = (company(n) for n in (1, 2, 3, 4))


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _draw(n: int, candidates, winner, *, when=None, office=None, kind="ranking", subject="trading"):
    """A drawn record as the award meeting leaves it (only the fields the statistics read vary)."""
    seed = hashlib.sha256(f"seed{n}".encode()).hexdigest()
    ranking = [winner, *sorted(c for c in candidates if c != winner)]
    d = Draw(
        draw_id=f"PRJ-2026-{n:04d}-award",
        kind=kind,
        purpose="测试",
        winners=1,
        status="drawn",
        seed=seed,
        seed_commitment=hashlib.sha256(seed.encode()).hexdigest(),
        committed_at=when or at(2026, 3, 1, 9),
        candidates=sorted(candidates),
        candidate_labels={},
        public_entropy=[],
        drawn_at=when or at(2026, 3, 5, 9),
        result=ranking if kind == "ranking" else [winner],
        office_id=(office or default_district()).id,
        subject_type=subject,
        subject_code=f"PRJ-2026-{n:04d}",
        drawn_by_id=make_user("staff", f"staff{n}").id,
    )
    db.session.add(d)
    db.session.commit()


@pytest.fixture
def seeded(app):
    """Four award draws of 2026 in the district: [A B C] won by A and by B, [A B C D] and [A D]
    won by A; and what must not count — a rate pick, a pool draw, a draw of 2025 and one of
    another district."""
    register(1, name="甲建设有限公司")
    _draw(1, [A, B, C], A)
    _draw(2, [A, B, C], B)
    _draw(3, [A, B, C, D], A)
    _draw(4, [A, D], A)
    _draw(5, ["3.00", "3.50"], "3.50", kind="pick")
    _draw(6, [A, B, C], A, subject="pool_category")
    _draw(7, [A, B, C], A, when=at(2025, 12, 31, 23, 59))
    other = make_office("other", "另一区公管办", kind="district")
    _draw(8, [A, B, C], A, office=other)
    return other


def _exact(entries) -> Fraction:
    return sum(Fraction(count, n) for n, _k, count in entries)


def test_each_company_has_the_draws_it_entered_and_its_wins(seeded):
    district = default_district()
    rows = {e.uscc: e for e in stats.draw_entries(2026, [district.id])}
    assert set(rows) == {A, B, C, D}
    assert rows[A].entries == ((2, 1, 1), (3, 1, 2), (4, 1, 1)) and rows[A].wins == 3
    assert rows[A].name == "甲建设有限公司" and rows[B].name == B  # unregistered: its code
    assert rows[B].entries == ((3, 1, 2), (4, 1, 1)) and rows[B].wins == 1
    assert rows[C].entries == rows[B].entries and rows[C].wins == 0
    assert rows[D].entries == ((2, 1, 1), (4, 1, 1)) and rows[D].wins == 0
    assert _exact(rows[A].entries) == Fraction(17, 12)
    assert _exact(rows[D].entries) == Fraction(3, 4)


def test_the_fairness_test_gives_the_hand_computed_expectations_and_tails(seeded):
    result = stats.fairness(2026, [default_district().id])
    by = {c.uscc: c for c in result.companies}
    assert result.draws == 4
    assert by[A].expected == pytest.approx(17 / 12)
    # P(X ≥ 3) with p = 1/3, 1/3, 1/4, 1/2: (8 + 1) / 72.
    assert by[A].p_value == pytest.approx(1 / 8)
    # P(X ≥ 1) with p = 1/3, 1/3, 1/4: 1 − (2/3)²(3/4) = 2/3.
    assert by[B].expected == pytest.approx(11 / 12)
    assert by[B].p_value == pytest.approx(2 / 3)
    assert by[C].p_value == 1.0 and by[C].wins == 0
    assert not result.flagged


def test_every_office_together_and_another_year_are_their_own_figures(seeded):
    assert stats.fairness(2026, None).draws == 5
    assert stats.fairness(2025, None).draws == 1
    assert stats.fairness(2027, None).companies == ()
    assert stats.fairness(2026, [seeded.id]).draws == 1


def test_a_trading_run_through_its_meeting_is_counted_in_every_figure(app):
    phase = active_pool()
    project, t = drawn(phase, make_user("owner"))
    office = [project.office_id]
    december = stats.monthly(2026, office)[11]
    assert (december.key, december.projects, december.value) == ("2026-12", 1, t.contract_price)
    assert sum(m.projects for m in stats.monthly(2026, office)) == 1
    (category,) = stats.by_category(2026, office)
    assert (category.key, category.projects, category.value) == ("JZ", 1, t.contract_price)
    assert stats.discount_rates(2026, office) == [(t.discount_rate, 1)]
    entries = stats.draw_entries(2026, office)
    assert len(entries) == 3 and sum(e.wins for e in entries) == 1
    assert all(e.responses == 1 and e.entries == ((3, 1, 1),) for e in entries)
    assert stats.monthly(2025, office)[11].projects == 0


def test_a_meeting_just_after_local_midnight_on_new_years_day_belongs_to_the_new_year(app):
    # 2027-01-01 00:30 in Shanghai is 2026-12-31 16:30 UTC: local months, local years.
    _draw(9, [A, B], A, when=at(2027, 1, 1, 0, 30))
    assert stats.fairness(2027, None).draws == 1 and stats.fairness(2026, None).draws == 0
    assert clock.local(db.session.scalar(select(Draw.drawn_at))).date() == date(2027, 1, 1)


def test_the_year_span_is_the_local_calendar_year():
    start, end = stats.year_span(2026)
    assert (start.hour, start.day, start.month, start.year) == (16, 31, 12, 2025)
    assert end - start == (date(2027, 1, 1) - date(2026, 1, 1))


def test_the_month_of_a_moment_is_its_local_month(app):
    # 2026-12-01 00:30 in Shanghai is stored as 2026-11-30 16:30 UTC.
    moment = literal(at(2026, 12, 1, 0, 30), UTCDateTime())
    month = db.session.scalar(select(stats.local_month(moment)))
    assert month == "2026-12"
