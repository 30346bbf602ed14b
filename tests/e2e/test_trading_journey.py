"""The trading journey in a real browser (DESIGN.md B, procedure of one project): an owner enters a
project; staff file it and publish the trading notice (meeting, rates → the price table → confirm);
the category's three active pool members confirm their response commitments; after the deadline
staff hold the award meeting with entropy (typed → shown back → confirmed); the public reads the
winner, the rate and the contract price, and the award draw verifies — on the real 2026 calendar."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import PASSWORD, PDF, make_user, use_cheap_password_hashes
from tests.pool_factories import Phase, user_of

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
SHOTS = Path("/tmp/trading-shots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PROJECT = "甬江街道湾头村文化礼堂修缮工程"
OWNER_UNIT = "甬江街道湾头村股份经济合作社"
CONTROL, PART = Decimal("1234567.89"), Decimal("50000.00")
PLACE = "区公共资源交易中心二楼开标室"


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fact(scope, term: str):
    """The row of a facts list whose term is exactly `term` (承包单位, not 承包单位排序抽签)."""
    return scope.locator(f".facts > div:has(> dt:text-is('{term}'))")


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


def _pool() -> Phase:
    """Procedure A on the real calendar: 建筑工程's roster of three, active from 2026-11-01."""
    return Phase().through_roster()


def test_an_owner_files_staff_announce_three_respond_staff_draw_and_the_public_reads_the_result(
    browser, live_server, now, monkeypatch
):
    from playwright.sync_api import expect

    from app.extensions import db
    from contractors.models import Contractor
    from contractors.queries import active_members
    from contracts import queries, rules
    from contracts.models import Trading

    use_cheap_password_hashes(monkeypatch)
    base = live_server.url

    # ---- the pool through the services: three active members of 建筑工程 ------------------------
    with live_server.app.app_context():
        phase = _pool()
        members = active_members("JZ", date(2026, 11, 27))
        assert len(members) == 3
        firms = [
            (user_of(db.session.get(Contractor, m.contractor_id)).username, m.name, m.uscc)
            for m in members
        ]
        # An applicant the roster did not take (failed review or left out by the draw).
        outsider = next(c for c in phase.contractors if c.uscc not in {m.uscc for m in members})
        outsider_name = user_of(outsider).username
        owner = make_user("owner", display_name="王村长", organisation=OWNER_UNIT).username
        staff = phase.staff.username

    # ---- the owner enters the project (Thursday 2026-11-26) --------------------------------------
    now(2026, 11, 26, 9, 0)
    ctx = _context(browser)
    page = _login(ctx, base, owner)
    page.locator("#main").get_by_role("link", name="录入项目", exact=True).click()
    expect(page).to_have_url(f"{base}/owner/projects/new")
    expect(page.get_by_label("业主（建设单位）")).to_have_value(OWNER_UNIT)
    page.get_by_label("项目名称").fill(PROJECT)
    page.get_by_label("街道/镇").fill("甬江街道")
    page.get_by_label("村（社区）").fill("湾头村")
    page.get_by_label("工程类别").select_option("JZ")
    page.get_by_label("资金来源").select_option("collective")
    page.get_by_label("工程内容").fill("文化礼堂屋面翻修、墙面粉刷及门窗更换。")
    page.get_by_label("工期（日历天）").fill("60")
    page.get_by_label("单项合同估算价（元）").fill("1,300,000")
    page.get_by_label("控制价（元）", exact=True).fill("1,234,567.89")
    page.get_by_label("其中不可竞争费用（元）").fill("50000")
    page.get_by_label("联系人").fill("王五")
    page.get_by_label("联系电话").fill("0574-87654321")
    _shot(page, "01-owner-new-1280")
    page.get_by_role("button", name="提交备案").click()
    expect(page.get_by_text("项目已提交，等待区公管办备案")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/owner/projects/PRJ-[\w-]+$"))
    code = page.url.rsplit("/", 1)[1]
    expect(page.locator("#filing")).to_contain_text("待备案")
    _shot(page, "02-owner-detail-1280")
    ctx.close()

    # Not filed yet: the public does not know the project.
    anon = _context(browser, java_script_enabled=False)
    public = anon.new_page()
    assert public.goto(f"{base}/projects/{code}").status == 404

    # ---- staff: open projects → file it (same day) -----------------------------------------------
    now(2026, 11, 26, 14, 0)
    office = _context(browser)
    page = _login(office, base, staff)
    page.get_by_role("link", name="项目交易：备案、交易公告、定标会议、合同签订").click()
    expect(page).to_have_url(f"{base}/staff/projects/")
    row = page.locator("tr", has_text=code)
    expect(row).to_contain_text(PROJECT)
    _shot(page, "03-staff-open-projects-1280")
    row.get_by_role("link", name=PROJECT).click()
    expect(page).to_have_url(f"{base}/staff/projects/{code}")
    page.locator("#filing").get_by_label("确认备案", exact=False).check()
    page.locator("#filing").get_by_role("button", name="备案", exact=True).click()
    expect(page.get_by_text("项目已备案，可以发布交易公告")).to_be_visible()
    expect(page.locator("#filing")).to_contain_text("已备案")
    _shot(page, "04-staff-filed-1280")

    # ---- staff: the trading notice (Friday 11-27 10:00; the weekend does not count) --------------
    now(2026, 11, 27, 10, 0)
    page.reload()
    page.locator("#trading-step-notice").get_by_role("link", name="发布交易公告").click()
    expect(page).to_have_url(f"{base}/staff/projects/{code}/announce")
    page.get_by_label("定标会议时间（北京时间）").fill("2026-12-03T09:30")
    page.get_by_label("定标会议地点").fill(PLACE)
    expect(page.get_by_label("交易公告公示期（工作日）")).to_have_value("3")
    page.get_by_label("最小下浮率（%）").fill("3.00")
    page.get_by_label("最大下浮率（%）").fill("8.00")
    page.get_by_label("步长（%）").fill("0.50")
    _shot(page, "05-staff-announce-1280")
    page.get_by_role("button", name="下一步：预览").click()
    expect(page.get_by_role("heading", name="第二步：核对后发布交易公告")).to_be_visible()
    # Published Friday: 11-30, 12-01, 12-02 → the responses close at 2026-12-02 24:00.
    expect(page.get_by_text("2026-12-02 24:00")).to_be_visible()
    expect(page.get_by_role("heading", name="下浮率选项与合同价（11个）")).to_be_visible()
    prices = page.locator("table.data").last.locator("tbody tr")
    expect(prices).to_have_count(11)
    for i, rate in ((0, "3.00"), (5, "5.50"), (10, "8.00")):
        expected = _yuan(rules.contract_price(CONTROL, PART, rate))
        expect(prices.nth(i)).to_contain_text(f"{rate}%")
        expect(prices.nth(i)).to_contain_text(expected)
    _shot(page, "06-staff-announce-review-1280")
    page.set_viewport_size(PHONE)
    _shot(page, "06-staff-announce-review-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="确认发布交易公告").click()
    expect(page).to_have_url(f"{base}/staff/projects/{code}")
    expect(page.get_by_text("交易公告已发布")).to_be_visible()
    expect(page.locator("#trading-step-responses")).to_contain_text("2026-12-02 24:00")
    _shot(page, "07-staff-announced-1280")

    # The public page while responses are open: no count, no names.
    public.goto(f"{base}/projects/{code}")
    expect(public.get_by_text("本项目正在接受交易响应，截止于2026-12-02 24:00")).to_be_visible()
    expect(public.locator("#round-1")).to_contain_text("截止后公布响应数量")

    # ---- three contractors respond (Monday 11-30) ------------------------------------------------
    now(2026, 11, 30, 9, 0)
    for n, (username, _name, _uscc) in enumerate(firms):
        ctx = _context(browser)
        page = _login(ctx, base, username)
        page.locator("#main").get_by_role("link", name="可响应的项目", exact=True).click()
        expect(page).to_have_url(f"{base}/contractor/projects/")
        row = page.locator("tr", has_text=PROJECT)
        expect(row).to_contain_text("未响应")
        if n == 0:
            _shot(page, "08-contractor-open-1280")
        row.get_by_role("link", name="确认响应").click()
        expect(page).to_have_url(f"{base}/contractor/projects/{code}/respond")
        expect(page.get_by_role("heading", name="承诺内容（统一表式）")).to_be_visible()
        # Not ticked: refused with the reason, nothing stored.
        page.get_by_role("button", name="确认响应").click()
        expect(page.get_by_text("请勾选“我已阅读并确认以上承诺”")).to_be_visible()
        page.get_by_label("我已阅读并确认以上承诺").check()
        if n == 0:
            _shot(page, "09-contractor-respond-1280")
            page.set_viewport_size(PHONE)
            _shot(page, "09-contractor-respond-390")
            page.set_viewport_size(DESKTOP)
        page.get_by_role("button", name="确认响应").click()
        expect(page.get_by_text("已确认交易响应承诺。响应截止前可以撤回。")).to_be_visible()
        expect(page.get_by_role("link", name="下载承诺副本（PDF）")).to_be_visible()
        expect(page.get_by_role("button", name="撤回响应")).to_be_visible()
        if n == 0:
            _shot(page, "10-contractor-responded-1280")
        page.goto(f"{base}/contractor/projects/")
        expect(page.locator("#responses")).to_contain_text(PROJECT)
        expect(page.locator("tr", has_text=PROJECT).first).to_contain_text("已响应")
        ctx.close()

    # A registered company that is not a member of 建筑工程 cannot respond.
    ctx = _context(browser)
    page = _login(ctx, base, outsider_name)
    page.goto(f"{base}/contractor/projects/{code}/respond")
    expect(page.get_by_text("不是该项目类别（建筑工程）的有效入围企业")).to_be_visible()
    expect(page.get_by_role("button", name="确认响应")).to_have_count(0)
    ctx.close()

    # Before the deadline the public sees neither the count nor the names.
    public.goto(f"{base}/projects/{code}")
    expect(public.locator("#round-1")).to_contain_text("截止后公布响应数量")
    for _u, name, uscc in firms:
        expect(public.locator("main")).not_to_contain_text(name)
        expect(public.locator("main")).not_to_contain_text(uscc)

    # ---- after the deadline, before the meeting: the count, still no names ------------------------
    now(2026, 12, 3, 9, 0)
    public.goto(f"{base}/projects/{code}")
    expect(public.locator("#round-1")).to_contain_text("响应企业3家（企业名称在定标会议上公布）")
    for _u, name, uscc in firms:
        expect(public.locator("main")).not_to_contain_text(name)
        expect(public.locator("main")).not_to_contain_text(uscc)
    _shot(public, "11-public-after-deadline-1280")

    # ---- the award meeting (Thursday 12-03 09:30) -------------------------------------------------
    now(2026, 12, 3, 9, 30)
    page = office.new_page()
    page.goto(f"{base}/staff/projects/{code}")
    page.locator("#trading-step-meeting").get_by_role("link", name="定标会议").click()
    expect(page).to_have_url(f"{base}/staff/projects/{code}/meeting")
    respondents = page.locator("section", has_text="响应企业（按统一社会信用代码排序").locator(
        "tbody tr"
    )
    expect(respondents).to_have_count(3)
    for _u, name, uscc in sorted(firms, key=lambda f: f[2]):
        expect(page.locator("tr", has_text=uscc).first).to_contain_text(name)
    # The credit screen first: each respondent checked at 信用中国, a PDF of the answer uploaded.
    expect(page.get_by_text("请先完成每家响应企业的信用审查")).to_be_visible()
    for _u, _name, uscc in firms:
        page.get_by_label("响应企业", exact=True).select_option(uscc)
        page.get_by_label("未列入失信被执行人名单", exact=True).check()
        page.get_by_label("核查结果截图或PDF").set_input_files(
            {"name": "信用中国查询结果.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="记录核查").click()
        expect(page.get_by_text("信用核查已记录")).to_be_visible()
    expect(page.locator("#screen tbody tr", has_text="核查通过")).to_have_count(3)
    page.get_by_label("现场公开随机数（每行一项）").fill("37\n 8812 \n\n王村长报：湾头\n")
    _shot(page, "12-staff-meeting-1280")
    page.get_by_role("button", name="下一步：核对").click()
    expect(page.get_by_role("heading", name="第二步：核对后确认")).to_be_visible()
    entropy = page.locator("table.entropy-review tbody tr")
    expect(entropy).to_have_count(3)
    expect(page.locator("table.entropy-review")).to_contain_text("“8812”")
    expect(page.locator("table.entropy-review")).to_contain_text("“王村长报：湾头”")
    _shot(page, "13-staff-meeting-review-1280")
    page.set_viewport_size(PHONE)
    _shot(page, "13-staff-meeting-review-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="确认并摇号").click()
    expect(page.get_by_text("摇号完成，交易结果公告和交易结果通知书已发布")).to_be_visible()
    _shot(page, "14-staff-meeting-done-1280")

    with live_server.app.app_context():
        t = db.session.get(Trading, queries.latest_trading(queries.get_project(code)).id)
        winner, rate, price = t.winner_uscc, t.discount_rate, t.contract_price
        award_id = t.award_draw_id
    assert winner in {uscc for _u, _n, uscc in firms}
    assert f"{rate:.2f}" in {f"{Decimal('3.00') + Decimal('0.50') * i:.2f}" for i in range(11)}
    # The contract price is the rule's: (control − part) × (1 − rate) + part, rounded once.
    assert price == rules.contract_price(CONTROL, PART, rate)
    winner_name = next(name for _u, name, uscc in firms if uscc == winner)
    result = page.locator(
        "section.panel", has=page.get_by_role("heading", name="交易结果", exact=True)
    )
    expect(result).to_contain_text(winner_name)
    expect(result).to_contain_text(f"{rate}%")
    expect(result).to_contain_text(f"{_yuan(price)}元")
    office.close()

    # ---- the public reads the result, without JavaScript ----------------------------------------
    public.goto(f"{base}/projects/")
    public.get_by_role("link", name=PROJECT).click()
    expect(public).to_have_url(f"{base}/projects/{code}")
    round1 = public.locator("#round-1")
    expect(round1).to_contain_text("响应企业3家")
    expect(round1).not_to_contain_text("企业名称在定标会议上公布")
    for _u, name, _uscc in firms:  # the names at the meeting, now on the page
        expect(round1).to_contain_text(name)
    winner_row = _fact(round1, "承包单位")
    expect(winner_row).to_contain_text(winner_name)
    expect(winner_row).to_contain_text(winner)
    expect(_fact(round1, "下浮率")).to_contain_text(f"{rate}%")
    expect(_fact(round1, "合同价")).to_contain_text(f"{_yuan(price)}元")
    expect(public.locator("#letter-days")).to_contain_text("在目标之内")
    _shot(public, "15-public-result-1280")
    public.set_viewport_size(PHONE)
    _shot(public, "15-public-result-390")
    public.set_viewport_size(DESKTOP)

    round1.get_by_role("link", name=re.compile("承包单位排序抽签")).click()
    expect(public).to_have_url(f"{base}/draws/{award_id}")
    verdict = public.locator("section", has=public.get_by_role("heading", name="本平台验证结果"))
    expect(verdict.locator(".badge")).to_have_text("通过")
    expect(verdict).to_contain_text(f"验证通过：抽签 {award_id}（排序抽签）")
    expect(verdict).to_contain_text(re.compile(f"前1名：.*{winner}"))
    _shot(public, "16-public-award-draw-1280")
    anon.close()
