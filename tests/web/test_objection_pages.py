"""Objection and suspension pages: a member files an objection on the trading (posted twice, one
objection), staff answer it and the answer is public without the company's name; supervisors read
the office's pages, see no form and are refused every POST; a suspension shows on every page of
the project with its reason and since when, and staff suspend and resume from the project page."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import queries
from contracts.objections import services as objections
from contracts.objections.models import TradingObjection
from contracts.rules import ProjectState
from tests.factories import PASSWORD, Browser, make_user, signed_in, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, drawn, member_user


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _member_browser(app, n: int = 0):
    m = active_members("JZ", date(2026, 11, 27))[n]
    user = member_user(m.contractor_id)
    b = Browser(app)
    assert b.login(user.username, PASSWORD).status_code == 302
    return b, m.contractor_id


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(TradingObjection))


def test_a_member_objects_on_the_trading_page_and_posting_twice_files_one(app):
    phase = active_pool()
    project, _t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 30, 9, 0))
    browser, _cid = _member_browser(app)
    assert "提出异议" in browser.html(f"/projects/{project.code}")
    page = f"/projects/{project.code}/objections"
    assert "对交易公告及交易文件的异议" in browser.html(page)
    data = {"matter": "notice", "text": "控制价计算有误，请求更正"}
    assert browser.submit(page, data).status_code == 302
    assert browser.submit(page, data).status_code == 302
    assert _count() == 1
    assert "待答复" in browser.html(page)
    # Bad input: a clear message, nothing stored.
    response = browser.submit(page, {"matter": "result", "text": "结果异议"})
    assert response.status_code == 400 and "交易结果尚未公布" in response.get_data(as_text=True)
    assert browser.submit(page, {"matter": "notice", "text": "x\x00"}).status_code == 400
    assert _count() == 1


def test_staff_answer_and_the_answer_is_public_without_the_company(app):
    phase = active_pool()
    project, _t = drawn(phase, make_user("owner"))
    clock.set_now(at(2026, 12, 4, 9, 0))
    member, _cid = _member_browser(app, 1)
    page = f"/projects/{project.code}/objections"
    assert member.submit(page, {"matter": "result", "text": "摇号有误"}).status_code == 302
    o = db.session.scalar(select(TradingObjection))
    staff = signed_in(app, "staff")
    assert project.name in staff.html("/staff/objections/")
    detail = f"/staff/objections/{o.id}"
    assert "答复异议" in staff.html(detail)
    answer = {"upheld": "no", "answer": "经复核，摇号过程符合规定"}
    assert staff.submit(f"{detail}/answer", answer, form_page=detail).status_code == 302
    public = Browser(app).html(f"/projects/{project.code}")
    assert "经复核，摇号过程符合规定" in public and "异议不成立" in public
    company = db.session.get(Contractor, db.session.get(TradingObjection, o.id).contractor_id)
    assert company.name not in public.split("异议及答复")[1]
    assert "摇号有误" not in public


def test_supervisors_read_the_objection_pages_but_see_no_form_and_cannot_post(app):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 30, 9, 0))
    member = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    o = objections.file_objection(t.code, "notice", "异议", actor=member)
    supervisor = signed_in(app, "supervisor")
    assert project.name in supervisor.html("/staff/objections/")
    page = supervisor.html(f"/staff/objections/{o.id}")
    assert "异议" in page and 'action="/staff/objections/' not in page
    response = supervisor.post(
        f"/staff/objections/{o.id}/answer", {"upheld": "yes", "answer": "成立"}
    )
    assert response.status_code == 403
    response = supervisor.post(f"/staff/projects/{project.code}/suspend", {"reason": "暂停"})
    assert response.status_code == 403
    assert db.session.get(TradingObjection, o.id).answered_at is None


def test_a_suspension_shows_on_every_page_of_the_project_and_staff_resume_it(app):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 30, 9, 0))
    staff = signed_in(app, "staff")
    detail = f"/staff/projects/{project.code}"
    assert "暂停交易并发布公告" in staff.html(detail)
    response = staff.submit(
        f"{detail}/suspend", {"reason": "收到投诉，依法暂停", "complaint_id": "3"}, form_page=detail
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert queries.state_of(queries.get_project(project.code)) is ProjectState.SUSPENDED
    member, _cid = _member_browser(app)
    pages = [
        (Browser(app), f"/projects/{project.code}"),
        (Browser(app), f"/notices/{t.notice_id}"),
        (staff, detail),
        (member, f"/contractor/projects/{project.code}/respond"),
    ]
    for browser, page in pages:
        html = browser.html(page)
        assert "本项目交易已暂停" in html and "收到投诉，依法暂停" in html, page
        assert "2026-11-30 09:00" in html, page
    assert "交易已暂停，暂停期间不能响应或撤回" in member.html(
        f"/contractor/projects/{project.code}/respond"
    )

    clock.set_now(at(2026, 12, 7, 9, 0))
    resume = {
        "reason": "投诉不成立",
        "new_responses_last_day": "2026-12-09",
        "new_meeting_at": "2026-12-10T09:30",
    }
    assert staff.submit(f"{detail}/resume", resume, form_page=detail).status_code == 302
    db.session.expire_all()
    assert queries.state_of(queries.get_project(project.code)) is ProjectState.ANNOUNCED
    public = Browser(app).html(f"/projects/{project.code}")
    assert "本项目交易已暂停" not in public
    assert "暂停与恢复记录" in public and "投诉不成立" in public
