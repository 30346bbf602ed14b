"""Public pool pages: the roster (today's active members, per category), the calls and each call's
page through procedure A, and a contractor's public record — built through the services with the
phase helpers of tests/pool_factories.py on the real 2026 calendar."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app import clock
from contractors import queries
from tests.factories import PASSWORD, Browser, use_cheap_password_hashes
from tests.pool_factories import Phase, at, company, user_of


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def phase(app) -> Phase:
    return Phase()


def full_phase(p: Phase) -> Phase:
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    p.review()
    p.publish_review()
    p.meeting()
    p.roster_publicity()
    p.roster()
    clock.set_now(at(2026, 11, 2, 10, 0))
    return p


def test_the_roster_says_so_when_no_roster_is_published_yet(client, now):
    now(2026, 11, 25, 10, 0)
    html = client.html("/pool/")
    assert "名录库尚未组建" in html
    assert "入围企业如何产生" in html


def test_the_roster_lists_todays_members_with_the_last_valid_day(client, phase):
    full_phase(phase)
    html = client.html("/pool/")
    members = queries.active_members(None)
    assert len(members) == 3 + 2  # JZ: 3 drawn of 4 qualified; SZ: both qualified enter
    for m in members:
        assert m.name in html
        assert m.uscc in html
        assert f'href="/contractors/{m.uscc}"' in html
    # The API's `until` is exclusive (2028-11-01); the page prints the last day.
    assert client.get("/api/v1/pool").get_json()["items"][0]["until"] == "2028-11-01"
    assert "2028-10-31" in html and "2028-11-01" not in html.split("/api/v1/pool")[0]
    assert "有效期至" in html and "在库" in html
    assert "2026-11-01" in html  # since: the roster date, not before the validity starts


def test_the_roster_filters_by_category(client, phase):
    full_phase(phase)
    sz = {m.uscc for m in queries.active_members("SZ")}
    jz_only = {m.uscc for m in queries.active_members("JZ")} - sz
    html = client.html("/pool/?category=SZ")
    assert sz and all(code in html for code in sz)
    assert not any(code in html for code in jz_only)
    assert 'aria-current="page">市政公用工程（2）' in html
    assert client.get("/pool/?category=NOPE").status_code == 404


def test_a_draft_call_is_not_public(client, phase):
    call = phase.draft_and_consult()
    assert client.get(f"/pool/calls/{call.id}").status_code == 404
    assert call.title not in client.html("/pool/calls/")
    assert client.get("/pool/calls/987654").status_code == 404


def test_an_open_call_shows_its_categories_requirements_window_and_notice(client, phase):
    phase.draft_and_consult()
    notice = phase.publish_call()
    html = client.html(f"/pool/calls/{phase.call.id}")
    assert "征集中" in html
    assert "建筑工程" in html and "市政公用工程" in html
    assert "具有相应资质和有效的安全生产许可证" in html
    assert f'href="/notices/{notice.id}"' in html
    assert "2026-11-01 至 2028-10-31" in html
    assert "企业注册" in html  # the anonymous visitor is told how to apply
    assert phase.call.title in client.html("/pool/calls/")


def test_the_meeting_is_shown_in_advance_and_review_results_with_reasons(client, phase):
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()
    review = phase.publish_review()
    html = client.html(f"/pool/calls/{phase.call.id}")
    assert "资格审查结果公示中" in html
    assert "2026-10-19 09:30" in html and "区公共资源交易中心一楼开标室" in html
    assert f'href="/notices/{review.id}"' in html
    assert "不合格" in html and "资质等级为三级，要求二级" in html
    assert "<summary>提出异议</summary>" not in html  # only a signed-in contractor
    assert "已登记的企业可登录后在本页逐项提出异议" in html
    assert "+86" not in html


def test_after_the_meeting_the_call_page_shows_ranking_reserve_and_all_enter(client, phase):
    full_phase(phase)
    html = client.html(f"/pool/calls/{phase.call.id}")
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    assert f'href="/draws/{jz.draw_id}"' in html
    assert html.count("<strong>入围</strong>") == 3 + 2
    assert "候补1" in html
    assert "合格申请人未超过入围数量，全部入围" in html
    assert "名录库有效" in html
    reserve = next(s for s in queries.selections(jz.id) if s.status == "reserve")
    assert reserve.contractor.name in html


def test_a_pool_draw_links_back_to_its_call(client, phase):
    full_phase(phase)
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    response = client.get(f"/pool/draws/{jz.draw_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pool/calls/{phase.call.id}#cat-JZ")
    assert f'href="/pool/draws/{jz.draw_id}"' in client.html(f"/draws/{jz.draw_id}")
    assert client.get("/pool/draws/NO-SUCH-DRAW").status_code == 404


def test_a_contractor_record_shows_memberships_and_published_results_only(client, phase):
    full_phase(phase)
    member = queries.active_members("SZ")[0]
    html = client.html(f"/contractors/{member.uscc}")
    assert member.name in html and member.uscc in html
    assert "在库" in html and "2028-10-31" in html
    assert "市政公用工程" in html and "建筑工程" in html
    c = queries.contractor_by_uscc(member.uscc)
    assert c.contact_mobile not in html and c.contact_mobile[3:] not in html
    assert c.address not in html
    failed = queries.contractor_by_uscc(company(4))
    html = client.html(f"/contractors/{failed.uscc}")
    assert "资质等级为三级，要求二级" in html


def test_a_record_shows_no_decision_before_the_review_result_is_published(client, phase):
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()  # decided, not yet published
    html = client.html(f"/contractors/{company(4)}")
    assert "不合格" not in html and "暂无已公示的审查结果" in html


def test_an_unknown_contractor_is_404(client, app):
    assert client.get("/contractors/91330205MA2CKT5N0X").status_code == 404
    assert client.get("/contractors/x").status_code == 404


def test_a_reserve_is_shown_as_reserve_on_its_record(client, phase):
    full_phase(phase)
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    reserve = next(s for s in queries.selections(jz.id) if s.status == "reserve")
    html = client.html(f"/contractors/{reserve.contractor.uscc}")
    assert "第1候补，未入围" in html


def test_a_contractor_record_reads_its_own_selections_however_many_calls_are_published(
    client, phase
):
    # Issue 14 (no N+1): the record read every category's whole list of every published call to
    # find the company's rows, a statement per category of each call in the province. Other
    # calls, published with categories of their own, must cost the record nothing more.
    from sqlalchemy import event

    from app.extensions import db
    from contractors.models import PoolCall, PoolCallCategory

    full_phase(phase)
    reserve_of = {s.contractor.uscc for s in queries.selections(phase.call.categories[0].id)}
    uscc = sorted(reserve_of)[0]

    def statements_and_page() -> tuple[int, str]:
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            html = client.html(f"/contractors/{uscc}")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen), html

    before, page = statements_and_page()
    call = phase.call
    for n in range(3):
        other = PoolCall(
            code=f"POOL-2026-9{n}",
            title=f"另一次征集{n}",
            office_id=call.office_id,
            valid_from=call.valid_from,
            valid_until=call.valid_until,
            created_at=call.created_at,
            call_notice_id=call.call_notice_id,
            review_notice_id=call.review_notice_id,
        )
        other.categories = [
            PoolCallCategory(category_id=cc.category_id, quota=cc.quota, sort_order=cc.sort_order)
            for cc in call.categories
        ]
        db.session.add(other)
    db.session.commit()
    after, page_after = statements_and_page()
    assert after == before, f"{before} statements with one call, {after} with four"
    assert page_after == page


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_company_is_told_the_same_standing_on_its_account_and_its_projects_page(app, phase):
    # THE words (contractors.rules.standing_label via queries.standings_of) on both pages: a
    # reserve is not told "名录库有效" on one and "no category" on the other.
    full_phase(phase)
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    reserve = next(s for s in queries.selections(jz.id) if s.status == "reserve")
    member = next(s for s in queries.selections(jz.id) if s.status == "selected")
    for selection, words in ((reserve, "第1候补，未入围"), (member, "入围，在库")):
        browser = Browser(app)
        browser.login(user_of(selection.contractor).username, PASSWORD)
        home = _text(browser.html("/contractor/"))
        projects = _text(browser.html("/contractor/projects/"))
        for page in (home, projects):
            assert f"建筑工程（ POOL-2026-01 ）： {words}" in page
        assert f"建筑工程：合格， {words}" in home  # its application's line says it too
        # The projects page's list of the categories it may respond in agrees.
        may_respond = (
            projects.split("有效入围企业：")[1].split("。")[0]
            if "有效入围企业：" in projects
            else ""
        )
        assert ("建筑工程" in may_respond) is (selection is member)


def test_a_member_suspended_by_a_sanction_leaves_the_roster(app, client, phase):
    full_phase(phase)
    member = queries.active_members("SZ")[0]
    from contractors import rules

    queries.register_suspension_source(  # in this test's app only
        app,
        "sanctions",
        lambda ids, on, district: {member.contractor_id: [rules.Period(at(2026, 11, 1).date())]},
    )
    assert member.name not in client.html("/pool/")
    assert "暂停或清出" in client.html(f"/contractors/{member.uscc}")


def test_the_main_navigation_links_the_roster(client, app):
    assert 'href="/pool/"' in client.html("/")


def test_a_province_of_many_districts_asks_which_districts_roster_to_show(app):
    """Fifty thousand members of a hundred districts are no page: past ROSTER_ALL_DISTRICTS the
    roster asks for a district, and each district's link shows its own members."""
    from contractors.views.public import ROSTER_ALL_DISTRICTS
    from tests.factories import DEFAULT_DISTRICT, make_office
    from tests.trading_factories import active_pool

    active_pool()
    clock.set_now(at(2026, 11, 2, 10, 0))  # the roster is in force
    browser = Browser(app)
    assert "pool-roster" in browser.html("/pool/")  # one district: every member listed
    for n in range(ROSTER_ALL_DISTRICTS):
        make_office(f"d{n:02d}", f"第{n}区公共资源交易管理办公室", kind="district")
    page = browser.html("/pool/")
    assert "请在上方选择一个区公管办" in page and "pool-roster" not in page
    assert f'href="/pool/?office={DEFAULT_DISTRICT[0]}"' in page
    own = browser.html(f"/pool/?office={DEFAULT_DISTRICT[0]}")
    assert "pool-roster" in own and "请在上方选择" not in own


def test_the_pool_api_pages_by_cursor(client, phase, monkeypatch):
    import contractors.api

    full_phase(phase)
    monkeypatch.setattr(contractors.api, "PER_PAGE", 2)
    seen, url, cursors = [], "/api/v1/pool", []
    while url:
        body = client.get(url).get_json()
        seen += [(m["category"], m["uscc"]) for m in body["items"]]
        url = body["next"]
        if url:
            cursors.append(url)
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen)  # by district, category, USCC
    assert client.get(cursors[0]).get_json()["items"][0]["uscc"] == seen[2][1]
    junk = client.get("/api/v1/pool?after=junk").get_json()  # unreadable: the first page
    assert [(m["category"], m["uscc"]) for m in junk["items"]] == seen[:2]
