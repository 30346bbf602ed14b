"""The site search over a real database: each kind of public object is found by words of one,
two and more characters (and Latin), nothing unpublished is, and the index is written in the
publication's own transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.keyset import Cursor
from app.search import queries, rules, services
from app.search.models import SearchEntry
from app.transactions import transactional
from contractors.queries import active_members
from contracts import services as trading
from notices import services as notices
from tests.factories import make_notice, make_user
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, project_input


def found(q: str, sort=rules.Sort.DATE, **filters) -> list[tuple[str, str]]:
    page = queries.search(rules.parse_query(q), queries.Filters(**filters), sort, Cursor())
    return [(e.kind, e.key) for e in page.items]


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchEntry))


@pytest.fixture
def notice(app, now):
    now(2026, 11, 25, 10, 0)
    return make_notice(
        title="甬江街道某村道路硬化工程交易公告",
        body="**控制价**：862,300.00元，采用 ABC-2026 标准。",
    )


@pytest.mark.parametrize("q", ["硬", "道路", "道路硬化", "某村道路硬化工程", "abc", "ABC 2026"])
def test_a_published_notice_is_found_by_words_of_any_length(notice, q):
    assert found(q) == [("notice", str(notice.id))]


def test_every_word_must_appear_and_a_word_across_punctuation_does_not_match(notice):
    assert found("道路 控制价") == [("notice", str(notice.id))]
    assert found("道路 不存在的词") == []
    assert found("元采") == []  # "元，采用": the comma separates the runs


def test_a_draft_is_not_found_until_it_is_published(app, now):
    now(2026, 11, 25, 10, 0)
    draft = make_notice(publish=False, title="尚未发布的草稿政策")
    assert found("草稿") == [] and entries() == 0
    notices.publish(draft.id, actor=make_user("staff"))
    assert found("草稿") == [("notice", str(draft.id))]


def test_a_publication_rolled_back_leaves_no_index_row(app, now):
    now(2026, 11, 25, 10, 0)

    @transactional
    def publish_then_fail():
        make_notice(title="回滚的交易公告")
        assert entries() == 1  # written with the notice, in its transaction
        raise RuntimeError("the use case fails after publishing")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert entries() == 0 and found("回滚") == []


def test_complaint_decisions_and_sanctions_are_found_and_filtered_by_type_and_stage(app, now):
    now(2026, 11, 25, 10, 0)
    decision = make_notice(type="complaint_decision", title="关于某工程投诉的处理决定")
    sanction = make_notice(type="sanction", title="某公司不良行为处理决定")
    assert set(found("决定")) == {("notice", str(decision.id)), ("notice", str(sanction.id))}
    assert found("决定", type="sanction") == [("notice", str(sanction.id))]
    assert len(found("决定", stage="management")) == 2
    assert found("决定", stage="result") == []


def test_dates_filter_by_local_publication_day(app, now):
    now(2026, 11, 25, 23, 30)  # 15:30 UTC: the local day is what counts
    n = make_notice(title="深夜发布的公告")
    assert found("深夜", since=date(2026, 11, 25), until=date(2026, 11, 25)) == [
        ("notice", str(n.id))
    ]
    assert found("深夜", since=date(2026, 11, 26)) == []
    assert found("深夜", until=date(2026, 11, 24)) == []


def test_relevance_puts_the_title_with_the_word_twice_first(app, now):
    now(2026, 11, 25, 10, 0)
    once = make_notice(title="道路工程交易公告", body="无关内容")
    now(2026, 11, 26, 10, 0)
    make_notice(title="某村其他工程交易公告", body="无关内容")
    twice = make_notice(title="道路与道路照明工程交易公告", body="道路")
    assert found("道路") == [("notice", str(twice.id)), ("notice", str(once.id))]
    by_rank = found("道路", sort=rules.Sort.RELEVANCE)
    assert by_rank[0] == ("notice", str(twice.id)) and len(by_rank) == 2


@pytest.fixture
def pool(app):
    return active_pool()


def test_pool_members_projects_and_draws_are_found_and_a_sent_back_project_is_not(pool):
    # Companies enter with the roster (tests.pool_factories names them 宁波测试建设有限公司N).
    companies = found("宁波测试建设", kind="company")
    members = {m.uscc for m in active_members(None, date(2026, 11, 27))}
    assert {key for _kind, key in companies} == members and members
    assert found("测", kind="company") == companies
    owner = make_user("owner")
    project, t = announced(pool, owner, name="洪塘街道ZX村排水沟改造工程")
    for q in ("沟", "排水", "排水沟改造", "zx村", project.code):
        assert ("project", project.code) in found(q, kind="project"), q
    assert found("排水沟", kind="project", category="JZ") == [("project", project.code)]
    assert found("排水沟", kind="project", category="SZ") == []
    draw_keys = {key for _kind, key in found(t.code, kind="draw")}
    assert {t.award_draw_id, t.rate_draw_id} <= draw_keys
    # A filed project sent back to its owner is no longer public, nor found.
    clock.set_now(at(2026, 11, 27, 11, 0))
    other = trading.submit_project(project_input(name="待退回的桥梁维修工程"), actor=owner)
    trading.file_project(other.code, reviewed=trading.fingerprint(other), actor=pool.staff)
    assert found("桥梁维修", kind="project") == [("project", other.code)]
    trading.send_back(other.code, "资料不全", reviewed=trading.fingerprint(other), actor=pool.staff)
    assert found("桥梁维修") == []


def test_reindex_rebuilds_the_same_index(pool):
    before = sorted(db.session.execute(select(SearchEntry.kind, SearchEntry.key)).all())
    db.session.execute(SearchEntry.__table__.delete())
    db.session.commit()
    assert found("宁波测试建设") == []
    assert services.reindex() == len(before)
    assert sorted(db.session.execute(select(SearchEntry.kind, SearchEntry.key)).all()) == before
    assert len(found("宁波测试建设", kind="company")) == len(
        [key for kind, key in before if kind == "company"]
    )


class _EveryGramCommon(dict):
    def get(self, key, default=None):
        return 1.0


@pytest.mark.parametrize(
    "stats",
    [
        queries.Statistics(entries=10**9, shares=_EveryGramCommon()),  # walk newest first
        queries.Statistics(entries=0, shares={}),  # every word through the GIN index
    ],
    ids=["walk", "index"],
)
def test_the_walk_and_the_index_find_the_same_entries_in_the_same_order(
    app, now, monkeypatch, stats
):
    """PostgreSQL reads a common word newest first and a rare one through its index (chosen on
    statistics): either read gives the same pages. On SQLite, FTS5 reads both alike."""
    for day in range(1, 8):
        now(2026, 11, day, 10, 0)
        make_notice(title=f"第{day}号道路硬化工程交易公告", body="路面 ABC-2026 修缮" * (day % 3))
    now(2026, 11, 8, 10, 0)
    make_notice(title="文化礼堂修缮工程", body="不含那个词")
    expected = {
        (q, sort, tuple(sorted(f.items()))): found(q, sort, **f)
        for q in ("路", "道路硬化", "修缮", "abc 2026", "道路 修缮", "0号")
        for sort in rules.Sort
        for f in ({}, {"since": date(2026, 11, 4)})
    }
    monkeypatch.setattr(queries, "statistics", lambda: stats)
    for (q, sort, f), entries_found in expected.items():
        assert found(q, sort, **dict(f)) == entries_found, (q, sort, f)
    assert found("道路硬化") and found("修缮", since=date(2026, 11, 4))
    # Keyset pages walk on from their cursor.
    first = queries.search(rules.parse_query("路"), queries.Filters(), rules.Sort.DATE, Cursor(), 3)
    after = queries.search(
        rules.parse_query("路"), queries.Filters(), rules.Sort.DATE, Cursor(after=first.after), 3
    )
    assert [e.id for e in first.items + after.items] == sorted(
        (e.id for e in first.items + after.items), reverse=True
    )
    assert len(after.items) == 3


def test_a_guide_is_found_once_published_kept_current_and_gone_once_withdrawn(app, now):
    from notices.guides import services as guides

    now(2026, 11, 25, 10, 0)
    staff = make_user("staff")
    g = guides.create_draft(
        guides.GuideInput(kind="guide", title="小型工程交易办事指南", body="申请备案需要的材料"),
        actor=staff,
    )
    assert found("办事指南") == []
    guides.publish(g.id, actor=staff)
    assert found("办事指南") == [("guide", str(g.id))]
    assert found("备案 材料", kind="guide", stage="service") == [("guide", str(g.id))]
    guides.update(
        g.id,
        guides.GuideInput(kind="guide", title="小型工程交易办事指南", body="现场踏勘的安排"),
        actor=staff,
    )
    assert found("踏勘") == [("guide", str(g.id))] and found("备案 材料") == []
    page = app.test_client().get("/search?q=踏勘").get_data(as_text=True)
    assert f'href="/guides/{g.id}"' in page and "政策与指南" in page
    guides.withdraw(g.id, "已被新指南取代", actor=staff)
    assert found("办事指南") == []
    assert services.reindex() == entries()
