"""Issue 14: a list of several notice types (`?type=a,b` of the list, the feed and the API), or of
an office and its platforms, reads a range per type or office and merges them (app.keyset.Merged,
notices.queries.narrowed). Every page — the first, each `?after=`,
each `?before=`, each numbered one — must be the old reading's: published notices of the types
and offices, newest first by (published_at, id), ties across types and drafts included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from notices import queries, records
from notices.models import Notice
from notices.rules import NoticeStatus
from tests.factories import make_notice, make_user, two_platforms
from tests.keyset_pages import walked_pages
from tests.notice_entries import entries_as_records

PER_PAGE = 3


@pytest.fixture
def offices(app, now):
    """Notices of five types over a district and two platforms, several published at the same
    moment (ties across types, broken by the id), drafts among them, and a correction."""
    now(2026, 11, 25, 10, 0)
    offices = two_platforms()
    staff = make_user("staff")
    kinds = ("trading_result", "trading_failed", "pool_call", "trading_notice", "sanction")
    first = None
    for i in range(6):
        for j, type_ in enumerate(kinds):
            office = (offices.district, offices.a, offices.b)[(i + j) % 3]
            notice = make_notice(staff, type=type_, title=f"{type_} {i}", office_id=office.id)
            first = first or notice
        # A draft of a listed type with a time in the lists' range (the schema allows it; the
        # services make none): never on a list.
        db.session.add(
            Notice(
                type=kinds[i % len(kinds)],
                title=f"草稿 {i}",
                office_id=offices.district.id,
                issuing_body="区公共资源交易管理办公室",
                legal_basis="",
                published_at=clock.now(),
                created_at=clock.now(),
            )
        )
        db.session.commit()
        if i % 2:  # two moments apart: ties at one, not at the next
            clock.set_now(clock.now() + timedelta(minutes=1))
    make_notice(staff, type="correction", corrects_id=first.id, title="更正")
    return offices


def _old_reading(types, office_ids, *clauses) -> list[int]:
    stmt = select(Notice.id).where(Notice.status == NoticeStatus.PUBLISHED, *clauses)
    if types:
        stmt = stmt.where(Notice.type.in_(types))
    if office_ids is not None:
        stmt = stmt.where(Notice.office_id.in_(office_ids))
    return list(db.session.scalars(stmt.order_by(Notice.published_at.desc(), Notice.id.desc())))


def _id(item) -> int:
    return item.columns.id if isinstance(item, records.NoticeRecord) else item.id


def _pages(read) -> list[list[int]]:
    return walked_pages(read, _id)


TYPES = (
    (),  # every type: an office's list reads a range per office
    ("trading_result", "trading_failed"),
    ("pool_call", "trading_result", "sanction", "trading_notice"),
    ("correction", "trading_notice", "trading_notice"),  # a type twice: its notices once
)


@pytest.mark.parametrize("types", TYPES)
def test_a_list_of_several_types_or_offices_pages_as_the_old_reading(offices, types):
    for office_ids in (None, [offices.district.id, offices.a.id], [offices.b.id]):
        expected = _old_reading(types, office_ids)
        assert len(expected) > PER_PAGE or office_ids == [offices.b.id]  # pages to walk
        for read in (
            queries.published_lines,
            queries.published_page,
            records.published_records,
            entries_as_records,
        ):
            ids = _pages(lambda c, read=read, o=office_ids: read(types, c, PER_PAGE, o))
            assert [i for page in ids for i in page] == expected, (read, office_ids)
            assert all(len(page) == PER_PAGE for page in ids[:-1])


def test_the_feed_and_the_api_of_several_types_give_their_records(offices):
    types = ("trading_result", "trading_notice")
    feed = queries.published_page(types, 1, 50)
    api = records.published_records(types, 1, 50)

    assert all(isinstance(n, Notice) for n in feed.items)
    assert [n.id for n in feed.items] == [r.columns.id for r in api.items]
    corrected = next(r for r in api.items if r.corrections)
    assert [c.id for c in db.session.get(Notice, corrected.columns.id).published_corrections] == [
        c_id for c_id, _at in corrected.corrections
    ]


def test_the_api_of_several_types_since_a_moment_is_the_old_reading_since_it(offices):
    # The correction, published last, changes the first notice (a trading result) too.
    types = ("trading_result", "pool_call")
    since = clock.now() - timedelta(minutes=1)
    expected = _old_reading(types, None, records.changed_since(since))
    assert 0 < len(expected) < len(_old_reading(types, None))

    ids = _pages(lambda c: records.published_records(types, c, PER_PAGE, None, since=since))
    assert _pages(lambda c: entries_as_records(types, c, PER_PAGE, None, since=since)) == ids

    assert [i for page in ids for i in page] == expected
