"""Issue 14: a notice keeps its subject's pool category (`Notice.category_code`,
notices.categories), and the list of a category (`?category=`) reads it — a range of the
(status, category_code, published_at, id) index where "the subject is one of the category's
tradings" walked the whole list. Its pages must be the very pages that rule gave."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.keyset import Cursor
from contracts import queries as contract_queries
from contracts.models import Project, Trading
from notices import queries
from notices.models import Notice
from notices.rules import NoticeStatus
from tests.factories import make_notice, make_office, make_user
from tests.trading_factories import active_pool, announced, at, drawn, next_round, refuse

MIGRATION = Path(__file__).parents[2] / "migrations/versions/0036_c4e8a1f6b392_notice_category.py"


def old_reading(code: str, types=(), office_ids=None) -> list[int]:
    """The rule `?category=` had: a published notice whose subject is a trading of a project of
    the category, newest first."""
    codes = (
        select(Trading.code)
        .join(Project, Project.id == Trading.project_id)
        .where(Project.category_code == code)
    )
    stmt = select(Notice.id).where(
        Notice.status == NoticeStatus.PUBLISHED,
        Notice.subject_type == "trading",
        Notice.subject_id.in_(codes),
    )
    if types:
        stmt = stmt.where(Notice.type.in_(types))
    if office_ids is not None:
        stmt = stmt.where(Notice.office_id.in_(office_ids))
    return list(db.session.scalars(stmt.order_by(Notice.published_at.desc(), Notice.id.desc())))


@pytest.fixture
def world(app, now):
    phase = active_pool()
    owner = make_user("owner")
    jz, _t = drawn(phase, owner)  # a trading notice and its result
    clock.set_now(at(2026, 12, 4, 10, 0))
    for _ in range(3):  # the ranking exhausted: the trading fails
        refuse(jz.code, actor=owner)
    next_round(phase, jz, responding=1)  # a second round's notice: PRJ-…-2
    sz, sz_trading = announced(phase, owner, category_code="SZ", name="某村污水管网工程")
    staff = phase.staff
    other = make_office("zh-yi", "乙街道")
    # Ties: notices of every kind published at the same moment.
    clock.set_now(at(2026, 12, 15, 9, 0))
    for i in range(4):
        make_notice(staff, subject_type="trading", subject_id=jz.code, title=f"JZ {i}")
        make_notice(staff, subject_type="trading", subject_id=sz_trading.code, title=f"SZ {i}")
        make_notice(staff, title=f"无标的 {i}")
        make_notice(staff, publish=False, subject_type="trading", subject_id=jz.code)
    make_notice(staff, subject_type="trading", subject_id=jz.code, office_id=other.id)
    make_notice(staff, subject_type="trading", subject_id="PRJ-1999-0001")  # no such trading
    db.session.commit()
    return {"JZ": jz, "SZ": sz, "other": other}


def pages(code, types, office_ids, per_page=2):
    """Every page of the list, forward by cursor, back by cursor and by number."""
    forward, cursor = [], Cursor()
    while True:
        w = queries.published_lines(types, cursor, per_page, office_ids, code)
        forward.append([r.id for r in w.items])
        if not w.has_next:
            break
        cursor = Cursor(after=w.after)
    back, cursor = [], Cursor(before=forward[-1][0]) if forward[-1] else None
    while cursor is not None:
        w = queries.published_lines(types, cursor, per_page, office_ids, code)
        back.insert(0, [r.id for r in w.items])
        cursor = Cursor(before=w.before) if w.has_prev else None
    numbered = [
        [r.id for r in queries.published_lines(types, n, per_page, office_ids, code).items]
        for n in range(1, len(forward) + 1)
    ]
    return forward, back, numbered


@pytest.mark.parametrize(
    "types", [(), ("trading_notice",), ("trading_notice", "trading_result", "trading_failed")]
)
def test_every_page_of_a_category_is_the_old_rules(app, world, types):
    for code in ("JZ", "SZ", "JL"):
        for office_ids in (None, [world["other"].id]):
            expected = old_reading(code, types, office_ids)
            chunks = [expected[i : i + 2] for i in range(0, len(expected), 2)] or [[]]
            forward, back, numbered = pages(code, types, office_ids)
            assert forward == chunks, (code, types, office_ids)
            assert back == chunks[:-1] if len(chunks) > 1 else True
            assert numbered == chunks
    assert len(old_reading("JZ")) >= 8  # the data is what the test means it to be


def test_a_notice_keeps_its_subjects_category(app, world):
    jz, sz = world["JZ"], world["SZ"]
    rows = db.session.execute(select(Notice.type, Notice.subject_id, Notice.category_code)).all()
    by_subject = {(t, s): c for t, s, c in rows}
    # Written by the trading services: the notice, the result, the failure, a second round's.
    assert by_subject[("trading_notice", jz.code)] == "JZ"
    assert by_subject[("trading_result", jz.code)] == "JZ"
    assert {c for t, s, c in rows if s and s.startswith(jz.code)} == {"JZ"}
    assert by_subject[("trading_notice", f"{jz.code}-2")] == "JZ"
    assert by_subject[("trading_notice", sz.code)] == "SZ"
    assert {c for t, s, c in rows if s is None} == {None}
    assert by_subject[("trading_notice", "PRJ-1999-0001")] is None
    # A round's notice is written before its trading (which holds the notice's id): it is of
    # its project's category; a code of no project, of none.
    assert contract_queries.category_of_trading(f"{sz.code}-2") == "SZ"
    assert contract_queries.category_of_trading("PRJ-1999-0001-2") is None


def test_the_migrations_backfill_is_the_registrys_rule(app, world):
    spec = importlib.util.spec_from_file_location("m0036", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    kept = dict(db.session.execute(select(Notice.id, Notice.category_code)).all())
    assert set(kept.values()) == {"JZ", "SZ", None}
    # Published notices are guarded (migration 0001's trigger): not this column.
    db.session.execute(update(Notice).values(category_code=None))
    db.session.execute(db.text(migration.BACKFILL))
    db.session.expire_all()
    assert dict(db.session.execute(select(Notice.id, Notice.category_code)).all()) == kept
