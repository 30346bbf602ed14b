"""Offices in a real browser: the public home page shows a card per platform; a street/town
platform's clerk logs in, sees only its platform's projects on the workbench, is not offered the
district's pool pages, and opening another platform's project page gets 403 with the reason."""

from __future__ import annotations

import pytest

from contracts import services
from tests.factories import PASSWORD, default_district, make_office, make_user
from tests.trading_factories import project_input

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
MINE = "甲街道某村排水沟工程"
THEIRS = "乙镇某村道路硬化工程"


def test_a_platform_clerk_works_on_its_own_platform_only(browser, live_server, screenshots, now):
    from playwright.sync_api import expect

    now(2026, 11, 26, 9, 0)
    with live_server.app.app_context():
        district = default_district()
        jia = make_office("zh-jia", "甲街道", parent=district)
        yi = make_office("zh-yi", "乙镇", parent=district)
        services.submit_project(
            project_input(name=MINE, town="甲街道"), actor=make_user("owner", office=jia)
        )
        theirs = services.submit_project(
            project_input(name=THEIRS, town="乙镇"), actor=make_user("owner", office=yi)
        )
        theirs_code = theirs.code
        clerk = make_user("staff", office=jia, display_name="沈佳").username
    base = live_server.url

    # ---- the public: a card per platform on the home page, on a phone ---------------------------
    public = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-CN")
    public.set_default_timeout(TIMEOUT_MS)
    page = public.new_page()
    page.goto(f"{base}/")
    for code, name in (("zh-jia", "甲街道"), ("zh-yi", "乙镇")):
        card = page.locator(f"section[aria-labelledby='card-{code}']")
        expect(card.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshots / "e2e-offices-home-390.png"), full_page=True)
    public.close()

    # ---- the street clerk ------------------------------------------------------------------------
    office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    office.set_default_timeout(TIMEOUT_MS)
    page = office.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(clerk)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/dashboard")
    staffnav = page.locator("nav.staffnav")
    expect(staffnav.get_by_role("link", name="在办项目")).to_be_visible()
    expect(staffnav.get_by_role("link", name="名录库征集")).to_have_count(0)

    staffnav.get_by_role("link", name="在办项目").click()
    expect(page).to_have_url(f"{base}/staff/projects/")
    expect(page.get_by_role("link", name=MINE)).to_be_visible()
    expect(page.get_by_text(THEIRS)).to_have_count(0)
    page.screenshot(path=str(screenshots / "e2e-offices-workbench-1280.png"), full_page=True)

    response = page.goto(f"{base}/staff/projects/{theirs_code}")
    assert response is not None and response.status == 403
    expect(page.get_by_text("该项目属于其他平台，本账户无权查看或办理。")).to_be_visible()
    expect(page.get_by_text(THEIRS)).to_have_count(0)
    page.screenshot(path=str(screenshots / "e2e-offices-403-1280.png"), full_page=True)
    office.close()
