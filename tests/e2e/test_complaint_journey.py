"""The complaint journey in a real browser (issue 12, item 2): a pool member files a complaint about
a trading from the project page (with an evidence file), staff accept it and decide it, and the
public reads the published decision — without the complainant's name — from the project page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    PASSWORD,
    PDF,
    make_user,
    use_cheap_password_hashes,
)
from tests.pool_factories import Phase, at, user_of

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}


def _context(browser, **kwargs):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _login(context, base: str, username: str):
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/dashboard")
    return page


def test_a_contractor_complains_staff_accept_and_decide_and_the_public_reads_the_decision(
    browser, live_server, now, monkeypatch, tmp_path: Path
):
    from playwright.sync_api import expect

    from app import clock
    from app.calendar.services import build_arrangement, confirm_year
    from app.extensions import db
    from contractors.models import Contractor
    from contractors.queries import active_members
    from tests.trading_factories import announced

    use_cheap_password_hashes(monkeypatch)
    base = live_server.url
    with live_server.app.app_context():
        phase = Phase().through_roster()
        project, t = announced(phase, make_user("owner"))
        confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=phase.staff)
        member = active_members("JZ", date(2026, 11, 27))[0]
        company = db.session.get(Contractor, member.contractor_id)
        contractor = user_of(company).username
        company_name = company.name
        staff = phase.staff.username
        code, trading_code = project.code, t.code
    evidence = tmp_path / "公告截图.pdf"
    evidence.write_bytes(PDF)

    # ---- the company files its complaint from the project page (Monday 11-30) ---------------------
    now(2026, 11, 30, 10, 0)
    ctx = _context(browser)
    page = _login(ctx, base, contractor)
    page.goto(f"{base}/projects/{code}")
    page.get_by_role("link", name="对本项目交易提出投诉").click()
    expect(page).to_have_url(f"{base}/contractor/complaints/new/{trading_code}")
    expect(page.get_by_label("投诉人名称", exact=True)).to_have_value(company_name)
    page.get_by_label("投诉事项", exact=True).select_option("other")
    page.get_by_label("知道或者应当知道投诉事项的日期").fill("2026-11-27")
    page.get_by_label("投诉事项的基本事实").fill("交易公告设置了与项目无关的本地业绩条件。")
    page.get_by_label("相关请求及主张").fill("请求责令改正交易公告。")
    page.get_by_label("证明材料（PDF、JPEG或PNG，至少一份）").set_input_files(str(evidence))
    page.get_by_role("button", name="提交投诉").click()
    expect(page).to_have_url(f"{base}/contractor/complaints/")
    expect(page.locator("tbody tr").first).to_contain_text("已收到，待受理")
    ctx.close()

    # ---- staff accept it (Tuesday 12-01) and decide it (Thursday 12-10) ---------------------------
    now(2026, 12, 1, 9, 0)
    office = _context(browser)
    page = _login(office, base, staff)
    page.goto(f"{base}/staff/complaints/")
    row = page.locator("tbody tr", has_text=trading_code)
    expect(row).to_contain_text("受理或不予受理投诉")
    row.get_by_role("link").first.click()
    expect(page.locator("#deadlines")).to_contain_text("3个工作日")
    page.get_by_role("button", name="受理投诉").click()
    expect(page.get_by_text("投诉已受理")).to_be_visible()
    expect(page.locator("#deadlines")).to_contain_text("30个工作日")
    now(2026, 12, 10, 9, 0)
    page.reload()
    form = page.locator("form", has=page.get_by_role("button", name="作出决定并公开"))
    form.get_by_label("处理结果").select_option("upheld")
    form.get_by_label("认定的事实（将公开，不得含个人信息）").fill("交易公告增设本地业绩条件属实。")
    form.get_by_label("处理依据（法律条款）").fill("《招标投标法实施条例》第三十二条")
    form.get_by_label("处理决定", exact=True).fill("责令业主改正交易公告。")
    form.get_by_role("button", name="作出决定并公开").click()
    expect(page.get_by_text("处理决定已作出，并已公开")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("已作出处理决定")
    office.close()

    # ---- the public reads the decision from the project page --------------------------------------
    anon = _context(browser, java_script_enabled=False)
    public = anon.new_page()
    public.goto(f"{base}/projects/{code}")
    section = public.locator("#complaints")
    expect(section).to_contain_text("投诉处理决定")
    section.get_by_role("link").first.click()
    expect(public.locator("main")).to_contain_text("投诉成立")
    expect(public.locator("main")).to_contain_text("责令业主改正交易公告")
    assert company_name not in public.locator("main").inner_text()
    api = public.request.get(f"{base}/api/v1/complaints").json()
    item = api["items"][0]
    assert item["subject"] == {"type": "trading", "code": trading_code}
    assert item["status"] == "decided" and item["outcome"] == "upheld"
    assert company_name not in str(api)
    anon.close()
    clock.set_now(at(2026, 12, 10, 9, 0))
