"""The pool journey in a real browser: a contractor signs up and applies; staff review it on the
panel, set the meeting, publish the result, settle the category with entropy at the meeting
(typed → shown back → confirmed), publish the roster publicity and the roster; the public finds
the company on /pool/ — with the clock moved over the real 2026 holidays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD, make_user
from tests.pool_factories import at, call_input, register, user_of

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
SHOTS = Path("/tmp/pool-shots-staff")
COMPANY = "宁波江北浏览器测试建设有限公司"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(context, base: str, username: str):
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/dashboard")
    return page


def test_a_contractor_applies_staff_settle_the_category_and_the_public_sees_the_roster(
    browser, live_server, now
):
    from playwright.sync_api import expect

    from contractors import services
    from lottery.demo import uscc as credit_code

    base = live_server.url
    uscc = credit_code("MA2H4R76")  # check character computed; nobody else here uses it

    # ---- a call published through the services; two other companies apply -------------------
    with live_server.app.app_context():
        staff = make_user("staff", display_name="李晓燕", organisation="区公共资源交易管理办公室")
        reviewer = make_user("reviewer", organisation="区住房和城乡建设局")
        now(2026, 9, 18, 10, 0)
        call = services.create_call(
            call_input(categories=(("JZ", 2), ("SZ", 2)), valid_from=at(2026, 10, 1).date()),
            actor=staff,
        )
        services.record_consultation(call.id, "同意。", True, actor=reviewer)
        now(2026, 9, 21, 10, 0)
        services.publish_call(call.id, actor=staff)
        now(2026, 9, 22, 9, 0)
        for n in (1, 2):
            services.apply(call.id, ["JZ"], actor=user_of(register(n)))
        call_id, staff_name = call.id, staff.username

    # ---- the contractor signs up and applies (inside the window) ------------------------------
    firm = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    firm.set_default_timeout(TIMEOUT_MS)
    page = firm.new_page()
    page.goto(f"{base}/contractor/register")
    for name, value in {
        "username": "jiangbeifirm",
        "display_name": "周经理",
        "password": PASSWORD,
        "password2": PASSWORD,
        "uscc": uscc,
        "name": COMPANY,
        "legal_representative": "周永强",
        "contact_person": "周永强",
        "contact_mobile": "13805741234",
        "address": "宁波市江北区洪塘街道工业路8号",
        "safety_licence_number": "(浙)JZ安许证字[2024]020888",
        "qualifications-0-category": "建筑工程施工总承包",
        "qualifications-0-grade": "三级",
        "qualifications-0-number": "D333088888",
    }.items():
        page.locator(f"[name='{name}']").fill(value)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("注册成功")).to_be_visible()
    page.goto(f"{base}/contractor/calls/{call_id}/apply")
    page.locator("input[name='categories'][value='JZ']").check()
    page.locator("input[name='categories'][value='SZ']").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("申请已提交")).to_be_visible()
    firm.close()

    # ---- staff: review panel, meeting, review result (Tuesday 10-13) --------------------------
    now(2026, 10, 13, 9, 0)
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office.set_default_timeout(TIMEOUT_MS)
    page = _login(office, base, staff_name)
    page.goto(f"{base}/staff/pool/calls/{call_id}/review")
    entries = page.locator("section.review-entry")
    expect(entries).to_have_count(4)
    expect(page.get_by_text(f"{COMPANY} · 建筑工程")).to_be_visible()
    for i in range(4):
        entry = page.locator("section.review-entry").nth(i)
        entry.get_by_label("合格", exact=True).check()
        entry.get_by_role("button", name="保存审查结论").click()
        expect(page.get_by_text("审查结论已记录")).to_be_visible()
    expect(page.locator(".review-entry .badge-running")).to_have_count(4)
    _shot(page, "review-panel-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "review-panel-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/staff/pool/calls/{call_id}")
    expect(page.locator(".next-step")).to_contain_text("须先确定摇号会议的时间和地点")
    page.locator("input[name='meeting_at']").fill("2026-10-19T09:30")
    page.locator("input[name='meeting_place']").fill("区公共资源交易中心一楼开标室")
    page.get_by_role("button", name="保存会议安排").click()
    expect(page.get_by_text("摇号会议时间地点已确定")).to_be_visible()
    page.get_by_role("button", name="发布资格审查结果公示").click()
    expect(page.get_by_text("资格审查结果公示已发布")).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("2026-10-19")
    _shot(page, "timeline-1280")

    # ---- the meeting (Monday 10-19 09:30): 建筑工程 3 qualified for 2 places → a draw; 市政公用工程
    # has the browser's company alone → it enters without a draw -------------------------------
    now(2026, 10, 19, 9, 30)
    page.goto(f"{base}/staff/pool/calls/{call_id}")
    expect(page.locator("#step-meeting .badge.step-now")).to_be_visible()
    page.locator("#step-meeting textarea").fill("37\n 8812 \n")
    page.get_by_role("button", name="下一步：核对").click()
    expect(page.get_by_role("heading", name="第二步：核对后确认摇号")).to_be_visible()
    expect(page.locator("table.entropy-review")).to_contain_text("“8812”")
    _shot(page, "meeting-review-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "meeting-review-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="确认并摇号").click()
    expect(page.get_by_text("“建筑工程”摇号完成，结果已公布")).to_be_visible()
    screen = page.locator("#category-JZ").get_by_role("link", name="摇号现场大屏")
    expect(screen).to_have_attribute("href", re.compile(r"^/draws/POOL-2026-\d+-JZ/screen$"))
    page.get_by_role("button", name="确认全部入围").click()
    expect(page.get_by_text("合格申请人未超过入围数量，全部入围")).to_be_visible()

    page.get_by_role("button", name="发布入围企业名录公示").click()
    expect(page.get_by_text("入围企业名录公示已发布")).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("2026-10-27")
    _shot(page, "timeline-meeting-done-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "timeline-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    now(2026, 10, 27, 9, 0)
    page.goto(f"{base}/staff/pool/calls/{call_id}")
    page.get_by_role("button", name="发布入围企业名单").click()
    expect(page.get_by_text("入围企业名单已发布，名录库生效")).to_be_visible()
    office.close()

    # ---- the public: the roster, without JavaScript --------------------------------------------
    public = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=False
    )
    public.set_default_timeout(TIMEOUT_MS)
    page = public.new_page()
    page.goto(f"{base}/pool/")
    expect(page.get_by_text(COMPANY).first).to_be_visible()
    _shot(page, "public-roster-1280")
    public.close()
