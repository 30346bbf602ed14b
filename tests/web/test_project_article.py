"""A filed project's article on its public page (contracts.article) is written once for the public
while what it shows is unchanged — a request compares what it reads and renders no template for
it (issue 14) — and shows any change on the next request, however it was made: a step of the
trading, a column changed in SQL by hand (the project, its round, a notice, a company, a
response, a contract, a suspension, an objection's answer, a complaint decision,
a file, the calendar, the office, the category), the clock reaching a deadline or a window's
end (and set back), the language and the address. Each is a part of what it is kept by:
dropping one fails its step here. A signed-in visitor's article is written every time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import clock
from app.extensions import db
from contracts import services
from contracts.complaints import queries as complaint_queries
from contracts.complaints import services as complaint_services
from contracts.models import Trading
from contracts.objections import services as objections
from lottery import services as draws
from tests.factories import (
    PASSWORD,
    Browser,
    published_notices_unguarded,
    run_sql,
    signed_in,
    templates_written,
    use_cheap_password_hashes,
)
from tests.pool_factories import at, user_of
from tests.trading_factories import (
    active_pool,
    announced,
    file_complaint,
    hold_meeting,
    refuse,
    respond_all,
)

_KEPT = "smallworks.project_articles"
#: A moment as the database keeps it (a time written in SQL by hand is its trading's deadline).
_CLOSE = "(SELECT responses_close_at FROM tradings WHERE id = :trading)"
_ARTICLE = "contracts/public/_project_article.html"


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def page(app, code: str, lang: str = "zh", browser=None, **kw) -> str:
    browser = browser or Browser(app)
    browser.client.set_cookie("lang", lang)
    response = browser.get(f"/projects/{code}", **kw)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def anew(app, code: str, lang: str = "zh", **kw) -> str:
    """The page as a process that kept nothing writes it (what the app keeps is left as it was)."""
    kept = app.extensions.pop(_KEPT, None)
    try:
        return page(app, code, lang, **kw)
    finally:
        if kept is not None:
            app.extensions[_KEPT] = kept


@pytest.fixture
def category_restored(app):
    """The category JZ as it was: pool_categories is reference data, kept between the tests."""
    yield
    run_sql("UPDATE pool_categories SET name = '建筑工程' WHERE code = 'JZ'")


@pytest.fixture
def world(app):
    phase = active_pool()
    owner = signed_in(app, "owner").user
    project, t = announced(phase, owner)
    return phase, owner, project, t


def test_an_unchanged_project_page_writes_its_article_once_for_each_language(app, world):
    _phase, _owner, project, _t = world
    clock.set_now(at(2026, 11, 28, 10, 0))
    with templates_written(app, _ARTICLE) as written:
        pages = [page(app, project.code, lang) for lang in ("zh", "zh", "en", "en", "zh")]
    assert written == ["zh", "en"]
    assert pages[0] == pages[1] == pages[4] != pages[2] == pages[3]
    assert pages[0] == anew(app, project.code)
    # Another address (its links are relative to it): written again.
    with templates_written(app, _ARTICLE) as written:
        other = page(app, project.code, base_url="http://example.org")
        page(app, project.code, base_url="http://example.org")
    assert written == ["zh"] and other == pages[0]


def test_a_signed_in_visitor_has_the_article_written_for_them_every_time(app, world):
    _phase, _owner, project, _t = world
    clock.set_now(at(2026, 11, 28, 10, 0))
    company = Browser(app)
    assert company.login(user_of_member().username, PASSWORD).status_code == 302
    page(app, project.code)  # the public's, kept
    with templates_written(app, _ARTICLE) as written:
        shown = [page(app, project.code, browser=company) for _ in range(2)]
    assert written == ["zh", "zh"]
    # A company is offered the response form, which the public's kept article has not.
    assert all("在线响应" in html for html in shown)
    assert "在线响应" not in page(app, project.code)


def user_of_member():
    from contractors.models import Contractor
    from contractors.queries import active_members

    member = active_members("JZ", date(2026, 11, 27))[0]
    return user_of(db.session.get(Contractor, member.contractor_id))


def test_the_project_page_shows_every_change_on_its_next_request(app, world, category_restored):
    from contractors.queries import active_members

    phase, owner, project, t = world
    code = project.code
    shown: dict[str, str] = {}

    def step(name: str, same_as: str | None = None) -> str:
        """The page after a change: as a process that kept nothing writes it, in both languages,
        and unlike every page before (or equal to the page `same_as`)."""
        for lang in ("en", "zh"):
            kept = page(app, code, lang)
            assert kept == anew(app, code, lang), (name, lang)
        earlier = [n for n, html in shown.items() if html == kept]
        assert earlier == ([same_as] if same_as else []), (name, earlier)
        shown[name] = kept
        return kept

    def sql(statement: str, **params) -> None:
        run_sql(statement, {"project": project.id, "trading": t.id, **params})

    clock.set_now(at(2026, 11, 27, 11, 0))
    assert "截止后公布响应数量" in step("announced")
    sql("UPDATE projects SET name = '改名<工程>' WHERE id = :project")
    assert "改名&lt;工程&gt;" in step("project renamed in SQL")
    sql("UPDATE tradings SET meeting_place = '三楼会议室' WHERE id = :trading")
    assert "三楼会议室" in step("meeting place changed in SQL")
    with published_notices_unguarded():
        sql("UPDATE notices SET title = '改过的交易公告' WHERE id = :n", n=t.notice_id)
    assert "改过的交易公告" in step("notice retitled in SQL")
    sql(
        "UPDATE offices SET name = '改名办' "
        "WHERE id = (SELECT office_id FROM projects WHERE id = :project)"
    )
    assert "改名办" in step("office renamed in SQL")
    sql("UPDATE pool_categories SET name = '房屋建筑' WHERE code = 'JZ'")
    assert "房屋建筑" in step("category renamed in SQL")

    members = active_members("JZ", date(2026, 11, 27))
    respond_all(project, members)
    # The responses are not shown before the deadline: the page is the same until 12-03 00:00,
    # when the count shows by the clock alone (and the notice's objection window ends).
    clock.set_now(at(2026, 12, 2, 23, 59))
    assert page(app, code) == shown["category renamed in SQL"]
    clock.set_now(at(2026, 12, 3, 0, 0))
    assert "响应企业3家" in step("responses closed by the clock")
    sql(
        f"UPDATE trading_responses SET withdrawn_at = {_CLOSE} WHERE id = "
        "(SELECT min(id) FROM trading_responses WHERE trading_id = :trading)"
    )
    assert "响应企业2家" in step("a response withdrawn in SQL")
    sql("UPDATE trading_responses SET withdrawn_at = NULL WHERE trading_id = :trading")
    step("the response restored in SQL", same_as="responses closed by the clock")
    clock.set_now(at(2026, 12, 2, 23, 0))
    step("the clock set back", same_as="category renamed in SQL")
    clock.set_now(at(2026, 12, 3, 9, 30))
    assert "现可提出" in step("the meeting's objection window opens by the clock")

    t = hold_meeting(code, ["37", "8812"], actor=phase.staff)
    html = step("drawn")
    first = draws.get(t.award_draw_id).result[0]
    assert first in html and "发布交易结果公告" in html
    sql("UPDATE contractors SET name = '改名公司' WHERE uscc = :u", u=first)
    clock.set_now(at(2026, 12, 4, 10, 0))
    refuse(code, "无正当理由拒签", actor=owner)
    assert "改名公司无正当理由拒绝签订合同" in step("refused, its company renamed in SQL")
    sql("UPDATE contractors SET name = '再改名公司' WHERE uscc = :u", u=first)
    assert "再改名公司无正当理由拒绝签订合同" in step("the refusing company renamed in SQL")
    sql(f"UPDATE refusals SET recorded_at = {_CLOSE} WHERE trading_id = :trading")
    step("the refusal's time changed in SQL")
    clock.set_now(at(2026, 12, 8, 15, 0))
    t = db.session.get(Trading, t.id)
    services.record_contract(code, date(2026, 12, 8), t.contract_price, actor=owner)
    assert "签订合同" in step("signed")
    sql("UPDATE contracts SET amount_reason = '审计<核减>' WHERE trading_id = :trading")
    assert "审计&lt;核减&gt;" in step("contract changed in SQL")
    sql(
        "UPDATE contractors SET name = '签约<公司>' "
        "WHERE id = (SELECT contractor_id FROM contracts WHERE trading_id = :trading)"
    )
    assert "签约&lt;公司&gt;" in step("the contracting company renamed in SQL")

    sql(
        "INSERT INTO trading_suspensions (trading_id, reason, suspended_at, suspend_notice_id) "
        f"SELECT id, '暂停<理由>', {_CLOSE}, notice_id FROM tradings WHERE id = :trading"
    )
    assert "暂停&lt;理由&gt;" in step("a suspension inserted in SQL")
    run_sql("DELETE FROM trading_suspensions")
    assert page(app, code) == anew(app, code)

    # An objection to the result, in its 3 日, answered: the answer is public.
    clock.set_now(at(2026, 12, 4, 11, 0))
    objector = user_of_member()
    o = objections.file_objection(t.code, "result", "排序有误", actor=objector)
    objections.answer_objection(o.id, False, "经核查<无误>", actor=phase.staff)
    assert "经核查&lt;无误&gt;" in step("an objection answered")
    sql("UPDATE trading_objections SET answering_body = '另一机关' WHERE id = :o", o=o.id)
    assert "另一机关" in step("an answer's body changed in SQL")
    complaint = file_complaint(phase, t, "丁")
    complaint_services.accept(complaint.id, actor=phase.staff)
    complaint_services.decide(
        complaint.id,
        complaint_services.DecisionInput("dismissed", "f", "b", "t"),
        actor=phase.staff,
    )
    assert "本项目没有已公开的投诉处理决定" not in step("a complaint decided")
    # The result's objection window (3 日 from 12-03) has ended by 12-08; the complaint window
    # (10 日 from the result, to a working day) is open until its end, when its words go by the
    # clock alone.
    ends = complaint_queries.filing_ends(db.session.get(Trading, t.id), None)
    assert ends.date() == date(2026, 12, 15)  # 12-13 is a Sunday: art. 203 moves it to 12-14
    clock.set_now(ends - timedelta(minutes=1))
    html = step("before the complaint window ends")
    assert "可自知道或者应当知道之日起10日内" in html
    clock.set_now(ends)
    assert "可自知道或者应当知道之日起10日内" not in step("the complaint window ended")

    sql(
        "INSERT INTO project_attachments (project_id, original_name, content_type, size, sha256, "
        f"storage_key, uploaded_at) SELECT :project, '图纸<甲>.pdf', 'application/pdf', 2048, "
        f"'ab', 'k', {_CLOSE}"
    )
    assert "图纸&lt;甲&gt;.pdf" in step("a file inserted in SQL")
    # 12-08 (the letter's day) made a holiday by the office's calendar: the working days from
    # the notice to the letter are counted again.
    sql(
        "INSERT INTO calendar_years (year, notice_number, is_demo, confirmed_at) "
        f"SELECT 2026, '国办发明电〔2025〕7号', false, {_CLOSE} "
        "WHERE NOT EXISTS (SELECT 1 FROM calendar_years WHERE year = 2026)"
    )
    sql("DELETE FROM calendar_days WHERE day = '2026-12-01'")
    sql("INSERT INTO calendar_days (year, day, kind) VALUES (2026, '2026-12-01', 'holiday')")
    step("the calendar changed in SQL")
