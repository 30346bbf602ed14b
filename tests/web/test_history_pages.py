"""Public revision histories (修改记录): each public object's page links its history; the history
lists its audit entries newest first with roles, never names, and no personal data; an unknown or
unpublished object is a 404; the page costs the same statements with few entries and many."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from contractors.queries import active_members
from contractors.sanctions import services as sanctions
from contractors.services import registration
from contracts.complaints import services as complaints
from notices import services as notices
from tests.factories import (
    PDF,
    Browser,
    make_notice,
    make_user,
    use_cheap_password_hashes,
)
from tests.pool_factories import at, register
from tests.sanction_factories import confirm_2027, decision, jz_members
from tests.trading_factories import active_pool, announced, drawn, respond_all


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def history_of(client, page: str) -> str:
    """Follow the object's page to its history: the link is there, and it answers."""
    html = client.html(page)
    found = re.search(r'<p class="history-link"><a href="([^"]+)">修改记录</a>', html)
    assert found, f"no history link on {page}"
    return client.html(found.group(1))


def labels(html: str) -> list[str]:
    """The 事项 cells of a history page, in order."""
    return re.findall(r'data-label="事项">([^<]+)<', html)


def test_a_draft_notice_has_no_history_until_published_then_its_drafting_is_withheld(app, client):
    staff = make_user("staff", display_name="张三")
    clock.set_now(at(2026, 11, 2, 9, 0))
    draft = make_notice(staff, publish=False, title="政策草稿 联系13812345678")
    assert client.get(f"/history/notice/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/history/notice/{draft.id}").status_code == 404
    clock.set_now(at(2026, 11, 2, 10, 0))
    notices.update_draft(
        draft.id,
        notices.NoticeInput(
            type="policy",
            title="村道养护政策",
            issuing_body="区公共资源交易管理办公室",
            legal_basis="依申请公开",
            body="正文",
            office_id=draft.office_id,
        ),
        actor=staff,
    )
    clock.set_now(at(2026, 11, 3, 9, 0))
    notices.publish(draft.id, actor=staff)
    clock.set_now(at(2026, 11, 4, 9, 0))
    correction = make_notice(
        staff, type="correction", corrects_id=draft.id, title="关于村道养护政策的更正"
    )
    html = history_of(client, f"/notices/{draft.id}")
    assert labels(html) == ["发布公告", "发布公告", "修改公告草稿", "起草公告"]
    assert f"公告 {correction.id}" in html  # the correction's row names it
    assert html.count("公开前的步骤，内容不公开") == 2
    assert "13812345678" not in html and "政策草稿" not in html
    assert "张三" not in html and staff.username not in html and "区公管办工作人员" in html
    assert "2026-11-03 09:00:00" in html  # local time


def test_a_project_history_shows_its_rounds_and_the_responses_only_once_they_closed(app, client):
    phase = active_pool()
    owner = make_user("owner")
    project, _t = announced(phase, owner)
    clock.set_now(at(2026, 11, 30, 10, 0))
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    html = history_of(client, f"/projects/{project.code}")
    assert labels(html) == ["发布交易公告", "备案", "录入项目"]
    assert "王五" not in html and "0574-87654321" not in html  # the owner's contact
    clock.set_now(at(2026, 12, 3, 0, 0))
    api = client.get(f"/api/v1/history/project/{project.code}").get_json()
    assert api["items"][0]["action"] == "trading:responded"
    assert api["object"]["kind"] == "project" and api["next"] is None


def test_a_drawn_project_and_its_draw_show_the_result_in_order(app, client):
    phase = active_pool()
    project, t = drawn(phase, make_user("owner"))
    html = history_of(client, f"/projects/{project.code}")
    assert labels(html)[0] == "定标会议：摇号确定承包单位和下浮率"
    assert t.winner_uscc in html
    draw = history_of(client, f"/draws/{t.award_draw_id}")
    assert labels(draw) == ["摇号", "生成摇号承诺"]
    assert "已摇号" in draw


def test_a_company_record_history_hides_its_contacts(app, client):
    staff = make_user("staff")
    clock.set_now(at(2026, 10, 1, 9, 0))
    c = register(1, contact_mobile="13912345678")
    assert client.get(f"/history/contractor/{c.uscc}").status_code == 404  # not public yet
    clock.set_now(at(2026, 10, 2, 9, 0))
    registration.check_registration(c.id, actor=staff)
    html = history_of(client, f"/contractors/{c.uscc}")
    assert labels(html) == ["核验企业注册信息", "企业注册"]
    for personal in ("李四", "张三", "13912345678", "+8613912345678", "洪塘街道某路"):
        assert personal not in html
    assert c.name in html


def test_a_published_sanction_history_includes_its_case_without_details_before_publication(
    app, client
):
    confirm_2027()
    phase = active_pool()
    company = jz_members(phase)[0]
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = sanctions.open_case(
        company.id, "incident", "质量事故 联系人13700001111", actor=phase.staff
    )
    clock.set_now(at(2026, 11, 10, 10, 0))
    sanctions.decide(case.id, decision(starts_on=date(2026, 11, 10), months=1), actor=phase.staff)
    assert client.get(f"/history/sanction/{case.sanction.id}").status_code == 404
    clock.set_now(at(2026, 11, 11, 10, 0))
    sanctions.publish(case.sanction.id, actor=phase.staff)
    html = history_of(client, f"/sanctions/{case.sanction.id}")
    assert labels(html) == ["公布不良行为记录", "作出处理决定", "立案"]
    assert "13700001111" not in html and "质量事故" not in html


def test_a_decided_complaint_history_is_linked_from_its_decision_notice(app, client):
    phase = active_pool()
    _project, t = announced(phase, make_user("owner"))
    confirm_2027()
    clock.set_now(at(2026, 11, 30, 10, 0))
    c = complaints.file_complaint(
        complaints.ComplaintInput(
            trading_code=t.code,
            matter="other",
            knew_on=date(2026, 11, 27),
            complainant_name="钱七",
            complainant_contact="电话 13611112222",
            respondent_name="业主",
            respondent_contact="电话 0574-2",
            facts="事实",
            requests="请求",
            evidence=(complaints.Upload("a.pdf", PDF),),
        ),
        actor=phase.staff,
    )
    assert client.get(f"/history/complaint/{c.id}").status_code == 404
    complaints.accept(c.id, actor=phase.staff)
    clock.set_now(at(2026, 12, 1, 10, 0))
    complaints.decide(c.id, complaints.DecisionInput("dismissed", "f", "b", "t"), actor=phase.staff)
    notice_page = client.html(f"/notices/{c.decision_notice_id}")
    link = re.search(r'href="(/history/complaint/\d+)">投诉处理记录', notice_page)
    assert link
    html = client.html(link.group(1))
    assert labels(html) == ["作出投诉处理决定", "受理投诉", "收到投诉"]
    assert "钱七" not in html and "13611112222" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/history/unknown/1",
        "/history/notice/0",
        "/history/notice/99999999999999999999",
        "/history/notice/1%00",
        "/history/project/PRJ-1999-9999",
        "/history/draw/%3Cscript%3E",
        "/history/contractor/" + "9" * 10_000,
        "/history/sanction/-1",
        "/history/complaint/abc",
        "/history/project/' OR 1=1 --",
    ],
)
def test_unknown_history_ids_are_a_404_on_the_page_and_the_api(app, client, path):
    assert client.get(path).status_code == 404
    r = client.get("/api/v1" + path)
    assert r.status_code == 404 and r.get_json() == {"error": 404}


def _statements(app, path: str) -> int:
    count = 0

    def seen(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = Browser(app).get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 200, path
    return count


def test_a_history_costs_the_same_statements_with_few_entries_and_a_full_page_and_pages_on(app):
    staff = make_user("staff")
    clock.set_now(at(2026, 11, 2, 9, 0))
    small = make_notice(staff, publish=False)
    notices.publish(small.id, actor=staff)
    big = make_notice(staff, publish=False)
    for i in range(60):  # more than a page of 50
        notices.add_attachment(big.id, f"附件{i}.pdf", PDF, actor=staff)
    notices.publish(big.id, actor=staff)
    few, path = f"/history/notice/{small.id}", f"/history/notice/{big.id}"
    assert (_statements(app, path), _statements(app, "/api/v1" + path)) == (
        _statements(app, few),
        _statements(app, "/api/v1" + few),
    )
    client = Browser(app)
    first = client.get("/api/v1" + path).get_json()
    assert len(first["items"]) == 50 and first["next"]
    second = client.get(first["next"].replace("http://localhost", "")).get_json()
    assert len(second["items"]) == 62 - 50 and second["next"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True)
    assert 'rel="next"' in client.html(path)


def test_the_history_api_takes_since_and_sends_last_modified(app, client):
    phase = active_pool()
    project, _t = announced(phase, make_user("owner"))
    path = f"/api/v1/history/project/{project.code}"
    everything = client.get(path)
    items = everything.get_json()["items"]
    assert len(items) == 3
    newest = items[0]["at"]
    since = client.get(path, query_string={"since": newest}).get_json()["items"]
    assert [i["id"] for i in since] == [items[0]["id"]]
    assert everything.headers["Last-Modified"]
    again = client.get(path, headers={"If-Modified-Since": everything.headers["Last-Modified"]})
    assert again.status_code == 304
    for bad in ("yesterday", "2999-01-01", "\x00"):
        answer = client.get(path, query_string={"since": bad})
        assert answer.status_code == 400
        assert answer.get_json()["error"] == 400


def test_a_notice_id_in_the_changes_links_to_the_notice_when_it_is_public(app, client):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    html = history_of(client, f"/projects/{project.code}")
    notice_id = t.notice_id
    assert f'<a href="/notices/{notice_id}">{notice_id}</a>' in html
    staff = make_user("staff")
    clock.set_now(at(2026, 12, 1, 9, 0))
    original = make_notice(staff, title="村道养护政策")
    correction = make_notice(staff, type="correction", corrects_id=original.id, title="更正")
    html = history_of(client, f"/notices/{correction.id}")
    assert f'<a href="/notices/{original.id}">{original.id}</a>' in html
