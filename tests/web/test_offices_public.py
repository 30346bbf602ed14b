"""The public site by office: the home page's cards per district and platform, `?office=` on
every public list (a district includes its platforms; an unknown, NUL-laden or huge code gives a
message and nothing else), the issuing office on notices, the platform on projects, each office's
page with its projects, notices and figures, and API v1's `office` fields and /api/v1/offices."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, update

from app.extensions import db
from app.offices.rules import HOME_CARDS_UP_TO
from contracts import services
from contracts.models import Project
from contracts.services import rollup
from lottery import services as draws
from notices.models import Notice
from tests.factories import (
    Browser,
    default_district,
    make_notice,
    make_office,
    make_user,
    many_offices,
)
from tests.pool_factories import Phase
from tests.trading_factories import announced, drawn, project_input
from tests.unit.test_lottery_rules import LOTTERY_MD_KEYS


@pytest.fixture
def offices(app):
    """The default district with two platforms, and a second district with one."""
    district = default_district()
    a = make_office("zh-a", "甲街道")
    b = make_office("zh-b", "乙镇")
    other = make_office("other", "其他区公管办", kind="district")
    c = make_office("ot-c", "丙街道", parent=other)
    return {"district": district, "a": a, "b": b, "other": other, "c": c}


@pytest.fixture
def notices(offices):
    staff = make_user("staff")
    made = {}
    for key, title in (
        ("district", "区公管办征集公告"),
        ("a", "甲街道道路工程交易公告"),
        ("b", "乙镇排水工程交易公告"),
        ("c", "丙街道绿化工程交易公告"),
    ):
        made[key] = make_notice(
            staff, office_id=offices[key].id, issuing_body=offices[key].name, title=title
        )
    return made


def _move(project, office) -> None:
    """Put a project in an office (the entering services take `office_id` in another change).
    A change made by hand, so the statistics' rollup is rebuilt, as `flask stats rebuild` does."""
    db.session.execute(update(Project).where(Project.id == project.id).values(office_id=office.id))
    db.session.commit()
    rollup.rebuild_all()


def _filed(phase, owner, office, name):
    project = services.submit_project(project_input(name=name), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    _move(project, office)
    return project


@pytest.fixture
def projects(offices):
    phase = Phase().through_roster()
    owner = make_user("owner")
    done, _t = drawn(phase, owner, name="甲街道某村道路硬化工程")
    _move(done, offices["a"])
    running, _t = announced(phase, owner, name="乙镇某村排水沟改造工程")
    _move(running, offices["b"])
    other = _filed(phase, owner, offices["c"], "丙街道某村绿化工程")
    return {"a": done, "b": running, "c": other}


def _text_between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# ---- the home page ------------------------------------------------------------------------------


def test_the_home_page_has_a_card_per_office_grouped_by_district(client, notices):
    html = client.html("/")
    card_a = _text_between(html, 'id="card-zh-a"', "</section>")
    assert "甲街道道路工程交易公告" in card_a and "乙镇排水工程交易公告" not in card_a
    assert "乙镇排水工程交易公告" in _text_between(html, 'id="card-zh-b"', "</section>")
    assert "区公管办征集公告" in _text_between(html, 'id="card-district"', "</section>")
    # Two districts: each heads its own group, its platforms' cards under it.
    group = _text_between(html, 'id="home-office-other"', "</div>")
    assert "丙街道绿化工程交易公告" in group and "甲街道" not in group
    assert '/offices/ot-c"' in group


def test_the_home_cards_cost_the_same_queries_for_many_offices(app, client, notices):
    def count(path: str) -> int:
        statements = []

        def seen(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            client.html(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return len(statements)

    few = count("/")
    staff = make_user("staff")
    for n in range(HOME_CARDS_UP_TO - 5):  # as many offices as still have cards
        office = make_office(f"more-{n}", f"新增街道{n}")
        make_notice(staff, office_id=office.id, issuing_body=office.name, title=f"新增公告{n}")
    assert count("/") <= few
    assert count("/offices/district") <= count("/offices/zh-a") + 2


#: The offices of the `offices` fixture (two districts, three platforms).
FIXTURE_OFFICES = 5


def _office_codes() -> set[str]:
    from app.offices.models import Office

    return set(db.session.scalars(db.select(Office.code)))


def test_the_home_page_has_a_card_per_office_up_to_the_limit(client, offices):
    many_offices(1, HOME_CARDS_UP_TO - FIXTURE_OFFICES - 1)
    assert len(_office_codes()) == HOME_CARDS_UP_TO
    html = client.html("/")
    assert html.count('class="column panel office-card"') == HOME_CARDS_UP_TO
    assert "office-directory" not in html


def test_past_the_limit_the_home_page_links_every_district_and_platform_instead_of_cards(
    client, notices
):
    many_offices(2, 3)  # 5 + 8 offices: one past the limit
    assert len(_office_codes()) == HOME_CARDS_UP_TO + 1
    html = client.html("/")
    assert "office-card" not in html and "home-office-" not in html
    directory = _text_between(html, 'class="panel column office-directory"', "</section>")
    linked = re.findall(r'href="/offices/([^"]*)"', directory)
    # Every office once, and the list of all offices (`/offices/`: the empty code) twice.
    assert sorted(linked) == sorted([*_office_codes(), "", ""])
    assert "区公管办4个，街道/镇平台9个。" in directory
    # Each district with its own platforms under it, in page order.
    other = _text_between(directory, 'href="/offices/other"', "</ul></li>")
    assert '/offices/ot-c"' in other and "zh-a" not in other
    d02 = _text_between(directory, 'href="/offices/d02"', "</ul></li>")
    assert re.findall(r'/offices/([^"]+)"', d02) == ["d02", "d02-p0", "d02-p1", "d02-p2"]
    assert 'href="/offices/d02">第2区公管办</a>' in directory


def test_the_office_directory_reads_english(app, offices):
    many_offices(2, 3)
    browser = Browser(app)
    browser.get("/lang/en")
    directory = _text_between(browser.html("/"), "office-directory", "</section>")
    assert "District offices: 4; subdistrict / town platforms: 9." in directory
    assert 'href="/offices/d01">District 1</a>' in directory
    assert ">All offices »</a>" in directory


def test_the_office_directory_reads_no_office_s_records_and_costs_the_same_for_60_offices(
    app, notices, projects
):
    def statements() -> list[str]:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert "office-directory" in Browser(app).html("/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return seen

    many_offices(2, 3)  # one past the limit
    past = statements()
    # No statement reads each office's newest notices or projects (newest_per_office).
    assert not [s for s in past if "office_id = offices.id" in s]
    districts = many_offices(12, 3, start=3)  # 61 offices
    make_notice(make_user("staff"), office_id=districts[-1].id, title="第14区交易公告")
    assert len(statements()) == len(past)


# ---- the office filter on the lists -------------------------------------------------------------


def test_the_notice_list_keeps_a_platforms_notices_and_a_district_keeps_its_platforms(
    client, notices
):
    html = client.html("/notices/?office=zh-a")
    assert "甲街道道路工程交易公告" in html and "乙镇排水工程交易公告" not in html
    assert 'value="zh-a" selected' in html
    html = client.html("/notices/?office=district")
    for title in ("区公管办征集公告", "甲街道道路工程交易公告", "乙镇排水工程交易公告"):
        assert title in html
    assert "丙街道绿化工程交易公告" not in html
    assert "丙街道绿化工程交易公告" in client.html("/notices/")


@pytest.mark.parametrize("path", ["/notices/", "/projects/", "/draws/"])
def test_an_unknown_office_code_says_so_over_an_empty_list(client, notices, path):
    html = client.html(f"{path}?office=nowhere")
    assert "没有代码为“nowhere”的机构" in html
    assert "甲街道道路工程交易公告" not in html


@pytest.mark.parametrize("path", ["/notices/", "/projects/", "/draws/"])
def test_a_huge_office_code_is_cut_in_the_message_and_matches_nothing(client, notices, path):
    html = client.html(f"{path}?office=" + "x" * 20_000)
    assert "没有代码为“" + "x" * 40 + "…”的机构" in html
    assert "x" * 41 not in _text_between(html, 'role="alert"', "</p>")


@pytest.mark.parametrize(
    "path", ["/notices/", "/projects/", "/draws/", "/api/v1/notices", "/api/v1/projects"]
)
def test_a_nul_in_the_office_code_is_refused_before_any_query(client, path):
    assert client.get(f"{path}?office=zh%00a").status_code == 400


def test_the_project_list_filters_by_office_and_names_each_platform(client, projects):
    html = client.html("/projects/?office=zh-b")
    assert "乙镇某村排水沟改造工程" in html and "甲街道某村道路硬化工程" not in html
    html = client.html("/projects/?office=district")
    assert "乙镇某村排水沟改造工程" in html and "甲街道某村道路硬化工程" in html
    assert "丙街道某村绿化工程" not in html
    row = _text_between(client.html("/projects/"), "丙街道某村绿化工程", "</tr>")
    assert 'href="/offices/ot-c"' in row


def test_the_draw_list_filters_by_the_office_of_the_draws_subject(app, client, offices, now):
    now(2026, 11, 25, 10, 0)
    for code, office in (("PRJ-2026-0001", offices["a"]), ("PRJ-2026-0002", offices["c"])):
        # Committed the way the trading services do it, for each project's own office.
        clerk = make_user("staff", office=office)
        subject = draws.Subject("project", code, f"{office.name}工程", office_id=office.id)
        draws.commit_pick(
            f"{code}-rate", f"{office.name}工程 下浮率摇号", subject, ["3.00", "5.00"], actor=clerk
        )
    html = client.html("/draws/?office=district")
    assert "PRJ-2026-0001-rate" in html and "PRJ-2026-0002-rate" not in html
    listed = client.get("/api/v1/draws?office=ot-c").get_json()
    assert [d["draw_id"] for d in listed["items"]] == ["PRJ-2026-0002-rate"]
    # The record keeps exactly its format: no office in it.
    assert sorted(listed["items"][0]) == sorted(LOTTERY_MD_KEYS)
    one = client.get("/api/v1/draws/PRJ-2026-0002-rate").get_json()
    assert sorted(one) == sorted(LOTTERY_MD_KEYS)


# ---- notices and projects name their office -----------------------------------------------------


def test_a_notice_names_its_issuing_office_in_the_list_and_on_its_page(client, notices):
    item = _text_between(client.html("/notices/"), "乙镇排水工程交易公告", "</li>")
    assert '<span class="office">乙镇</span>' in item
    page = client.html(f"/notices/{notices['b'].id}")
    assert "发布机构" in page and 'href="/offices/zh-b">乙镇</a>' in page


def test_a_project_page_names_its_platform(client, projects):
    page = client.html(f"/projects/{projects['a'].code}")
    assert "交易平台" in page and 'href="/offices/zh-a">甲街道</a>' in page


# ---- the office pages ---------------------------------------------------------------------------


def test_the_offices_page_lists_every_district_with_its_platforms(client, offices):
    html = client.html("/offices/")
    group = _text_between(html, 'id="office-district"', "</section>")
    assert "甲街道" in group and "乙镇" in group and "丙街道" not in group
    assert "丙街道" in _text_between(html, 'id="office-other"', "</section>")


def test_a_platforms_page_shows_its_projects_notices_and_figures(client, notices, projects):
    html = client.html("/offices/zh-a")
    assert "甲街道某村道路硬化工程" in html and "乙镇某村排水沟改造工程" not in html
    assert "甲街道道路工程交易公告" in html and "乙镇排水工程交易公告" not in html
    assert "已定标项目1个" in html
    assert 'href="/offices/district">测试区公共资源交易管理办公室</a>' in html


def test_a_districts_page_covers_its_platforms_and_lists_their_figures(client, notices, projects):
    html = client.html("/offices/district")
    assert "甲街道某村道路硬化工程" in html and "乙镇某村排水沟改造工程" in html
    assert "丙街道某村绿化工程" not in html
    figures = _text_between(html, 'id="office-platform-figures"', "</table>")
    row_a = _text_between(figures, "甲街道", "</tr>")
    assert "<td>1</td>" in row_a and "100%" in row_a
    row_b = _text_between(figures, "乙镇", "</tr>")
    assert "<td>0</td>" in row_b


@pytest.mark.parametrize("code", ["nowhere", "x" * 5000, "%E4%B8%AD"])
def test_an_unknown_office_page_is_a_404(client, offices, code):
    assert client.get(f"/offices/{code}").status_code == 404


# ---- API v1 -------------------------------------------------------------------------------------


def test_api_notices_carry_their_office_and_filter_by_it(client, notices):
    items = client.get("/api/v1/notices?office=zh-a").get_json()["items"]
    assert [n["title"] for n in items] == ["甲街道道路工程交易公告"]
    assert items[0]["office"] == {"code": "zh-a", "name": "甲街道"}
    assert items[0]["issuing_body"] == "甲街道"  # every field kept
    one = client.get(f"/api/v1/notices/{notices['c'].id}").get_json()
    assert one["office"] == {"code": "ot-c", "name": "丙街道"}
    titles = {n["title"] for n in client.get("/api/v1/notices?office=other").get_json()["items"]}
    assert titles == {"丙街道绿化工程交易公告"}


def test_api_projects_carry_their_office_and_filter_by_it(client, projects):
    items = client.get("/api/v1/projects?office=district").get_json()["items"]
    assert {p["name"] for p in items} == {"甲街道某村道路硬化工程", "乙镇某村排水沟改造工程"}
    one = client.get(f"/api/v1/projects/{projects['c'].code}").get_json()
    assert one["office"] == {"code": "ot-c", "name": "丙街道"}
    assert {"code", "name", "category", "status", "winner", "timeline"} <= set(one)


@pytest.mark.parametrize("path", ["/api/v1/notices", "/api/v1/projects", "/api/v1/draws"])
def test_api_an_unknown_office_code_is_a_400_with_a_message(client, offices, path):
    response = client.get(f"{path}?office=nowhere")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == 400 and "nowhere" in body["message"]


def test_api_a_filter_is_kept_in_next(client, offices):
    staff = make_user("staff")
    for n in range(51):
        make_notice(staff, office_id=offices["a"].id, issuing_body="甲街道", title=f"公告{n}")
    page = client.get("/api/v1/notices?office=zh-a").get_json()
    assert len(page["items"]) == 50 and "office=zh-a" in page["next"]
    rest = client.get(page["next"].split("localhost", 1)[-1]).get_json()
    assert len(rest["items"]) == 1 and rest["next"] is None


def test_api_offices_lists_code_name_kind_and_parent_paginated(client, offices):
    body = client.get("/api/v1/offices").get_json()
    assert body["items"][:3] == [
        {
            "code": "district",
            "name": "测试区公共资源交易管理办公室",
            "kind": "district",
            "parent": None,
        },
        {"code": "zh-a", "name": "甲街道", "kind": "street", "parent": "district"},
        {"code": "zh-b", "name": "乙镇", "kind": "street", "parent": "district"},
    ]
    assert {"code": "ot-c", "name": "丙街道", "kind": "street", "parent": "other"} in body["items"]
    assert body["next"] is None
    for n in range(50):
        make_office(f"many-{n:02d}", f"街道{n:02d}")
    first = client.get("/api/v1/offices").get_json()
    last = first["items"][-1]["code"]
    assert len(first["items"]) == 50 and first["next"].endswith(f"/api/v1/offices?after={last}")
    second = client.get(first["next"]).get_json()
    assert len(second["items"]) == 5 and second["next"] is None
    codes = [o["code"] for o in first["items"] + second["items"]]
    assert len(set(codes)) == 55
    # A cursor survives an office added before it (the page after it neither repeats nor skips).
    make_office("many-00a", "新街道")
    assert client.get(first["next"]).get_json()["items"] == second["items"]
    assert len(client.get("/api/v1/offices?page=2").get_json()["items"]) == 6  # old links work
    assert db.session.query(Notice).count() == 0


def test_the_notice_lists_kept_office_select_reads_as_rendered_afresh_and_follows_a_rename(
    app, client, notices, offices
):
    # templates/notices/index.html keeps its office select per process (issue 14), by the
    # offices' rows as read and the code asked for: each list below, asked for after all the
    # others, reads as it does with nothing kept; a renamed office shows at once.
    from app.offices.models import Office

    make_office("odd-one", "甲&<b>\"乙\"</b>'丙'", parent=offices["other"])
    asked = [
        "",
        "office=zh-a",
        "office=district",
        "office=odd-one",
        "office=nowhere",
        "office=" + "y" * 50,
        "office=zh-a&type=policy",
        "type=policy",
        "office=other&type=trading_notice,correction",
    ]
    for lang in ("zh", "en"):
        client.client.set_cookie("lang", lang)
        afresh = {}
        for query in asked:
            app._url_memo.clear()
            afresh[query] = client.html("/notices/?" + query)
        app._url_memo.clear()
        for query in asked + asked[::-1]:
            assert client.html("/notices/?" + query) == afresh[query], (lang, query)
    client.client.set_cookie("lang", "zh")
    assert "&#39;丙&#39;" in client.html("/notices/?office=odd-one")  # kept
    db.session.execute(update(Office).where(Office.code == "odd-one").values(name="改名街道"))
    db.session.commit()
    html = client.html("/notices/?office=odd-one")
    assert "改名街道</option>" in html and "&#39;丙&#39;" not in html
