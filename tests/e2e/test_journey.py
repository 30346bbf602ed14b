"""The first journey in a real browser: staff write, preview and publish a notice by hand (a 办事指南
with a publicity period; trading notices come only from the trading service); the public finds it
on the home page and reads it — on a desktop and on a phone, without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e

TITLE = "小型建设工程交易办事指南（征求意见稿）"
BODY = "**适用范围**：估算价10万元以上、400万元以下的小型建设工程\n\n- 意见反馈：公示期结束前"
TIMEOUT_MS = 10_000


def test_staff_publish_a_notice_by_hand_and_the_public_reads_it_running(
    browser, live_server, screenshots, now
):
    from playwright.sync_api import expect

    # Wednesday 10:00: three working days of publicity end at 2026-12-01 00:00 (+08:00).
    now(2026, 11, 25, 10, 0)
    with live_server.app.app_context():
        username = make_user("staff", display_name="李晓燕").username
    base = live_server.url

    # ---- staff: log in, write, preview, publish, log out --------------------------------------
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    page.goto(f"{base}/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.screenshot(path=str(screenshots / "e2e-login-1280.png"), full_page=True)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.get_by_text("已登录：李晓燕")).to_be_visible()

    page.get_by_role("link", name="起草公告").click()
    expect(page).to_have_url(f"{base}/staff/notices/new")
    # Only the hand-written types are offered: no trading notice or result.
    expect(page.get_by_label("公告类型").locator("option[value='trading_result']")).to_have_count(0)
    page.get_by_label("公告类型").select_option("policy")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("公示期（工作日）").fill("3")
    page.get_by_label("正文").fill(BODY)
    page.get_by_role("button", name="保存草稿并预览").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/staff/notices/\d+$"))
    expect(page.get_by_text("预览：此公告尚未发布，公众不可见。")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("如今日发布：至 2026-11-30 24:00（3个工作日）")).to_be_visible()
    page.screenshot(path=str(screenshots / "e2e-preview-1280.png"), full_page=True)

    page.get_by_label("我已核对预览，确认发布", exact=False).check()
    page.get_by_role("button", name="确认发布").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/notices/\d+$"))
    expect(page.get_by_text("公告已发布")).to_be_visible()
    detail_url = page.url

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    office.close()

    # ---- the public: a fresh browser, no JavaScript ---------------------------------------------
    public = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=False
    )
    public.set_default_timeout(TIMEOUT_MS)
    page = public.new_page()
    page.goto(f"{base}/")
    column = page.locator("section[aria-labelledby='col-policy']")
    expect(column.get_by_role("heading", name="政策法规与办事指南")).to_be_visible()
    column.get_by_role("link", name=TITLE).click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".publicity")).to_contain_text("2026-11-25 10:00 至 2026-11-30 24:00")
    expect(page.locator(".publicity").get_by_text("公示中")).to_be_visible()
    expect(page.locator(".body strong")).to_have_text("适用范围")
    page.screenshot(path=str(screenshots / "e2e-public-detail-1280.png"), full_page=True)
    public.close()

    # ---- the same page on a phone ---------------------------------------------------------------
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    phone.set_default_timeout(TIMEOUT_MS)
    page = phone.new_page()
    page.goto(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("公示中").first).to_be_visible()
    # Nothing sticks out sideways: the page reads without horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshots / "e2e-public-detail-390.png"), full_page=True)
    phone.close()
