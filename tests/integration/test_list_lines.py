"""Issue 14: the public lists, the home page and the notices API read columns, not records
(notices.queries line_columns / home_notices, notices.records NoticeRecord, contracts.queries.public
home_project_lines). Each must show what the records showed: the same notices in the same order,
the 已更正 badge only for a published correction, a project's state by the one rule, the API's
corrections and attachments in the order the relationships gave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock, reads
from app.extensions import db
from contracts.queries import public as projects
from notices import queries, records, rules, services
from notices.models import Notice
from notices.rules import NoticeStatus
from tests.factories import PDF, make_notice, make_office, make_user, two_platforms


def _records_newest(where, limit: int) -> list[tuple[int, bool]]:
    """The old reading: published Notice records newest first, each with its 已更正 badge."""
    found = db.session.scalars(
        select(Notice)
        .where(Notice.status == NoticeStatus.PUBLISHED, *where)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .limit(limit)
        .options(selectinload(Notice.corrections))
    )
    return [(n.id, bool(n.published_corrections)) for n in found]


def _notices_of_every_column(staff, offices=None) -> None:
    """Two notices of every type of every column (a correction corrects the first notice)."""
    first = None
    for i, (_key, _label, types) in enumerate(rules.COLUMNS * 2):
        for type_ in types:
            extra = {"corrects_id": first.id} if type_ == "correction" else {}
            if offices:
                extra["office_id"] = offices[i % len(offices)].id
            notice = make_notice(staff, type=type_, title=f"{type_} {i}", **extra)
            first = first or notice
            clock.set_now(clock.now() + timedelta(minutes=1))


def test_the_home_columns_are_each_columns_newest_lines_badged_only_by_published_corrections(
    app, now
):
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    _notices_of_every_column(staff)
    target = make_notice(staff, title="更正过的交易公告")
    drafted = make_notice(staff, title="只有草稿更正的交易公告")
    make_notice(staff, type="correction", corrects_id=target.id, title="更正")
    make_notice(staff, publish=False, type="correction", corrects_id=drafted.id, title="草稿")

    columns, _cards = queries.home_notices(3)

    assert queries.home_notices(0) == (columns, {})  # the same columns without the cards
    assert [c["key"] for c in columns] == [key for key, _label, _types in rules.COLUMNS]
    for column in columns:
        shown = [(n.id, n.corrected) for n in column["items"]]
        where = (Notice.type.in_(column["types"]),)
        assert shown == _records_newest(where, queries.PER_PAGE_HOME), column["key"]
    trading = next(c for c in columns if c["key"] == "trading")["items"]
    badges = {n.id: n.corrected for n in trading}
    assert badges[target.id] is True and badges[drafted.id] is False


def test_a_statement_of_constants_read_as_its_sql_gives_the_rows_of_the_statement(app, now):
    """reads.constant_rows writes the constants into the SQL and types the columns as the
    statement's: the same rows, values and types (aware times, the badge's booleans) as rows()."""
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    _notices_of_every_column(staff)
    statement = queries._home_statement(3)

    written = reads.constant_rows(statement)

    assert sorted(written, key=lambda r: r.id) == sorted(reads.rows(statement), key=lambda r: r.id)
    assert [type(v) for v in written[0]] == [type(v) for v in reads.rows(statement)[0]]
    assert written[0].published_at.tzinfo is not None
    with pytest.raises(ValueError):
        reads.constant_rows(select(Notice.id).where(Notice.title == "10:00"))


def test_the_office_cards_lines_are_each_offices_newest(app, now):
    now(2026, 11, 25, 10, 0)
    offices = two_platforms()
    staff = make_user("staff")
    _notices_of_every_column(staff, [offices.district, offices.a, offices.b])

    _columns, cards = queries.home_notices(3)

    for office in (offices.district, offices.a, offices.b):
        shown = [(n.id, n.corrected) for n in cards[office.id]]
        assert shown == _records_newest((Notice.office_id == office.id,), 3)


def test_the_api_record_keeps_the_relationships_order_and_leaves_draft_corrections_out(app, now):
    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, title="带附件的政策")
    for name in ("第一.pdf", "第二.pdf", "第三.pdf"):
        services.add_attachment(draft.id, name, PDF, actor=staff)
    notice = services.publish(draft.id, actor=staff)
    for minutes in (5, 1):  # published out of id order: the list is by publication time
        now(2026, 11, 26, 10, minutes)
        make_notice(staff, type="correction", corrects_id=notice.id, title=f"更正{minutes}")
    make_notice(staff, publish=False, type="correction", corrects_id=notice.id, title="草稿")
    db.session.expire_all()
    old = db.session.get(Notice, notice.id)

    record = records.published_record(notice.id)
    page = records.published_records((), 1, 50)

    assert [c_id for c_id, _at in record.corrections] == [c.id for c in old.published_corrections]
    assert [a.original_name for a in record.attachments] == ["第一.pdf", "第二.pdf", "第三.pdf"]
    assert [a.id for a in record.attachments] == [a.id for a in old.attachments]
    assert records.last_changed(record) == max(c.published_at for c in old.published_corrections)
    listed = next(r for r in page.items if r.columns.id == notice.id)
    assert listed == record


def test_the_home_projects_are_the_lists_newest_in_the_states_of_the_list(app):
    from tests.trading_factories import active_pool, announced, drawn

    phase = active_pool()
    owner = make_user("owner")
    drawn(phase, owner, name="已摇号的工程")
    announced(phase, owner, name="公告中的工程")
    announced(phase, owner, name="第三个工程")

    # Fewer of the newest than an office's, and more: one statement reads the ids of both, and
    # each is cut from its lines.
    for latest_n, per_office in ((2, 3), (3, 1)):
        latest, by_office = projects.home_project_lines(latest_n, per_office)

        rows = projects.latest_public_projects(latest_n)
        assert [(p.code, p.state) for p in latest] == [(r.project.code, r.state) for r in rows]
        old = projects.latest_by_office(per_office)
        assert {
            office: [(p.code, p.name, p.filed_at, p.state) for p in lines]
            for office, lines in by_office.items()
        } == {
            office: [(r.project.code, r.project.name, r.project.filed_at, r.state) for r in rows]
            for office, rows in old.items()
        }
    assert projects.home_project_lines(3, 0) == (latest, {})
    assert len({p.state for p in latest}) > 1


def _api_record(n: Notice) -> dict:
    """The old reading of API v1's notice: the Notice record, its relationships and its office
    looked up among the offices (app.api.office_field)."""
    from flask import url_for

    from app.api import office_field, time_iso

    return {
        "id": n.id,
        "type": n.type,
        "title": n.title,
        "published_at": time_iso(n.published_at),
        "publicity_ends_at": time_iso(n.publicity_ends_at),
        "min_working_days": n.min_working_days,
        "corrects": n.corrects_id,
        "corrected_by": [c.id for c in n.published_corrections],
        "issuing_body": n.issuing_body,
        "office": office_field(n),
        "legal_basis": n.legal_basis,
        "url": url_for("notices.detail", notice_id=n.id, _external=True),
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": url_for(
                    "notices.attachment", notice_id=n.id, attachment_id=a.id, _external=True
                ),
            }
            for a in n.attachments
        ],
    }


def test_the_api_pages_show_each_notices_office_corrections_and_files_as_the_records_did(app, now):
    # Issue 14: the API's page joins each notice's office (code, name) and reads the page's
    # corrections and attachments in one statement (notices.records._extras_statement).
    from notices.api import serializer

    now(2026, 11, 25, 10, 0)
    offices = two_platforms()
    odd = make_office("odd-name", "名称 & <b>\"引号\" '单引号'", parent=offices.district)
    staff = make_user("staff")
    made = []
    for i in range(11):
        office = (offices.district, offices.a, odd)[i % 3]
        draft = make_notice(staff, publish=False, title=f"政策 {i} & <i>", office_id=office.id)
        for k in range(i % 4):  # none to three files
            services.add_attachment(draft.id, f'附件{k} "&".pdf', PDF, actor=staff)
        made.append(services.publish(draft.id, actor=staff))
        now(2026, 11, 25, 10, i + 1)
    for i, target in enumerate(made[::2]):  # corrections, published out of id order, and drafts
        for minutes in (30, 20)[: 1 + i % 2]:
            now(2026, 11, 26, 10, minutes + i)
            make_notice(staff, type="correction", corrects_id=target.id, title=f"更正{i}")
        make_notice(staff, publish=False, type="correction", corrects_id=target.id, title="草稿")
    db.session.expire_all()

    with app.test_request_context("/api/v1/notices"):
        old = db.session.scalars(
            select(Notice)
            .where(Notice.status == NoticeStatus.PUBLISHED)
            .order_by(Notice.published_at.desc(), Notice.id.desc())
        ).all()
        expected = [_api_record(n) for n in old]
        shown, page = [], 1
        while True:
            window = records.published_records((), page, 4)
            shown.extend(serializer()(r) for r in window.items)
            if not window.has_next:
                break
            page += 1
        one = serializer()(records.published_record(made[2].id))

    assert shown == expected
    assert one == next(e for e in expected if e["id"] == made[2].id)
    assert {e["office"]["code"] for e in shown} == {"district", offices.a.code, "odd-name"}
    assert any(len(e["attachments"]) == 3 for e in shown)
    assert any(len(e["corrected_by"]) == 2 for e in shown)
