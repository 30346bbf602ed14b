"""Issue 14: a list of a district (`?office=` naming it: its office and its platforms) reads a
range per office — per office and type, stage or status where the list has those — and merges
them (app.keyset.Merged). Every page of the notices, projects and draws lists and APIs — the
first, each `?after=`, each `?before=`, each numbered one — must be the old reading's (`office_id
IN (…)`, newest first), with ties in the key across offices, other districts' rows, drafts and
unfiled projects among them."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from sqlalchemy import insert, select

from app import clock
from app.extensions import db
from contracts.models import Project
from contracts.queries import public as projects
from contracts.queries.projects import stage_filter
from contracts.rules import PUBLIC_STATES, Filing
from lottery import queries as draws
from lottery.models import Draw
from notices import queries, records
from notices.models import Notice
from notices.rules import NoticeStatus
from tests.factories import make_notice, make_office, make_user, two_platforms
from tests.keyset_pages import walked_pages
from tests.notice_entries import entries_as_records

PER_PAGE = 3
#: A project's stages to spread the copies over (contracts.rules.stage_of's values).
STAGES = ("filed", "announced", "failed", "drawn", "signed", "suspended")
TYPES = ((), ("trading_result",), ("trading_result", "trading_failed"))


@pytest.fixture
def district(app, now):
    """A district, two platforms and another district with one of its own: notices of three
    types, projects of every stage (announced ones on both sides of the clock) and draws of
    every status spread over them, several at the same moment (ties across offices, broken by
    the id); drafts, and projects not filed, among them."""
    from tests.trading_factories import active_pool, announced, drawn

    now(2026, 11, 25, 10, 0)
    offices = two_platforms()
    other = make_office("other", "他区", kind="district")
    elsewhere = make_office("other-p", "他街道", parent=other)
    everywhere = (offices.district, offices.a, offices.b, other, elsewhere)
    staff = make_user("staff")
    for i in range(5):
        for j, type_ in enumerate(("trading_result", "trading_failed", "trading_notice")):
            office = everywhere[(i + j) % len(everywhere)]
            make_notice(staff, type=type_, title=f"{type_} {i}", office_id=office.id)
        db.session.add(  # a draft with a time in the lists' range: never listed
            Notice(
                type="trading_result",
                title=f"草稿 {i}",
                office_id=offices.a.id,
                issuing_body="区公共资源交易管理办公室",
                legal_basis="",
                published_at=clock.now(),
                created_at=clock.now(),
            )
        )
        db.session.commit()
        if i % 2:
            clock.set_now(clock.now() + timedelta(minutes=1))

    # Projects and draws: copies of a drawn and an announced trading's rows, spread over the
    # offices, stages, statuses and a few moments (the lists read their keys and ids only).
    phase = active_pool()
    owner = make_user("owner")
    drawn(phase, owner)
    announced(phase, owner, name="另一工程")
    project_rows = [dict(r._mapping) for r in db.session.execute(select(Project.__table__))]
    draw_rows = [dict(r._mapping) for r in db.session.execute(select(Draw.__table__))]
    moment = clock.now()
    for k in range(36):
        office = everywhere[k % len(everywhere)]
        at = moment + timedelta(minutes=k // 4)  # four at each moment
        row = {**project_rows[k % len(project_rows)], "code": f"PRJ-2026-9{k:03d}"}
        del row["id"]
        row.update(office_id=office.id, stage=STAGES[k % len(STAGES)])
        if k % 9 == 4:  # submitted, not filed: never listed
            row.update(filing=Filing.SUBMITTED, filed_at=None, stage="submitted")
        else:
            row.update(filing=Filing.FILED, filed_at=at)
        if row["stage"] == "announced":  # responses open for some, closed for others
            row["responses_close_at"] = at + timedelta(days=1 if k % 2 else -1)
        db.session.execute(insert(Project.__table__).values(**row))
        draw = {**draw_rows[k % len(draw_rows)], "draw_id": f"copy-{k}", "office_id": office.id}
        del draw["id"]
        draw.update(committed_at=at, seed_commitment=f"{k:064x}")
        db.session.execute(insert(Draw.__table__).values(**draw))
    db.session.commit()
    assert {r["status"] for r in draw_rows} >= {"committed", "drawn"}
    return offices, other


def _id(item) -> int:
    if isinstance(item, records.NoticeRecord):
        return item.columns.id
    if isinstance(item, projects.ProjectRow):
        return item.project.id
    return item.id


def _pages(read) -> list[list[int]]:
    ids = walked_pages(read, _id)
    assert all(len(page) == PER_PAGE for page in ids[:-1])
    return ids


def _walked(read) -> list[int]:
    return [i for page in _pages(read) for i in page]


def _old(column, office_ids, key, *where) -> list[int]:
    """The old reading: one statement, `office_id IN (…)`, newest first by `key`."""
    stmt = select(column).where(*where)
    if office_ids is not None:
        stmt = stmt.where(column.class_.office_id.in_(office_ids))
    return list(db.session.scalars(stmt.order_by(*(c.desc() for c in key))))


def _filters(district):
    offices, other = district
    everyone = [offices.district.id, offices.a.id, offices.b.id]
    return (None, everyone, [offices.a.id], [other.id, everyone[0]], [])


def test_a_districts_notices_page_as_the_old_reading(district):
    for types, office_ids in product(TYPES, _filters(district)):
        where = [Notice.status == NoticeStatus.PUBLISHED]
        if types:
            where.append(Notice.type.in_(types))
        expected = _old(Notice.id, office_ids, (Notice.published_at, Notice.id), *where)
        assert len(expected) > PER_PAGE or office_ids != _filters(district)[1]  # pages to walk
        for read in (
            queries.published_lines,
            queries.published_page,
            records.published_records,
            entries_as_records,
        ):
            got = _walked(lambda c, r=read, t=types, o=office_ids: r(t, c, PER_PAGE, o))
            assert got == expected, (read, office_ids)


def test_a_districts_projects_page_as_the_old_reading(district):
    key = (Project.filed_at, Project.id)
    for state, office_ids in product([None, *PUBLIC_STATES], _filters(district)):
        where = [Project.filed_at.is_not(None)]
        if state is not None:
            where.append(stage_filter(state, clock.now()))
        expected = _old(Project.id, office_ids, key, *where)
        got = _walked(
            lambda c, s=state, o=office_ids: projects.public_projects_page(c, PER_PAGE, s, o)
        )
        assert got == expected, (state, office_ids)
    where = [Project.filed_at.is_not(None)]
    assert len(_old(Project.id, _filters(district)[1], key, *where)) > 2 * PER_PAGE


def test_a_districts_projects_since_a_moment_are_the_old_reading(district):
    since = clock.now() + timedelta(minutes=3)
    office_ids = _filters(district)[1]
    expected = [
        row.project.id
        for row in projects.public_projects_page(1, 100, None, office_ids).items
        if projects.last_changes([row])[row.project.id] >= since
    ]
    assert 0 < len(expected) < len(projects.public_projects_page(1, 100, None, office_ids).items)

    got = _walked(lambda c: projects.public_projects_page(c, PER_PAGE, None, office_ids, since))

    assert got == expected


def test_a_districts_draws_page_as_the_old_reading(district):
    key = (Draw.committed_at, Draw.id)
    for status, office_ids in product([None, "committed", "drawn"], _filters(district)):
        where = [Draw.status == status] if status else []
        expected = _old(Draw.id, office_ids, key, *where)
        got = _walked(lambda c, s=status, o=office_ids: draws.page(s, c, PER_PAGE, o))
        assert got == expected, (status, office_ids)
        assert all(isinstance(d, Draw) for d in draws.page(status, 1, PER_PAGE, office_ids).items)
