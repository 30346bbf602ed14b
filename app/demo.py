"""`flask demo`: a believable demo data set that shows the whole platform (extended by every issue)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.auth.services import NewUser, create_user, set_password
from app.calendar.services import confirm_year
from app.extensions import db
from app.workdays import TZ, UnconfirmedYear, YearArrangement

DEMO_LABEL = "演示安排（非国务院正式通知，仅供演示）"

ACCOUNTS = (
    ("admin", "系统管理员", "admin", "区公共资源交易管理办公室"),
    ("staff", "张晓明", "staff", "区公共资源交易管理办公室"),
    ("staff2", "李慧", "staff", "区公共资源交易管理办公室"),
    ("reviewer", "王建国", "reviewer", "区住房和城乡建设局"),
    ("reviewer2", "陈立新", "reviewer", "区农业农村局"),
    ("owner", "赵海燕", "owner", "洪塘街道办事处"),
    ("contractor", "周永强", "contractor", "宁波甬江建设有限公司"),
)


def demo_arrangement(year: int) -> YearArrangement:
    """Fixed-date holidays only, clearly labelled: used only for a year nobody has confirmed.

    The real arrangement (Spring Festival, Qingming… follow the lunar calendar) comes from the
    State Council's notice, which staff enter on the working-day calendar page.
    """
    holidays = (
        {date(year, 1, 1)}
        | {date(year, 5, d) for d in range(1, 4)}
        | {date(year, 10, d) for d in range(1, 8)}
    )
    return YearArrangement(year, frozenset(holidays), frozenset(), DEMO_LABEL)


def _with_demo_years(action: Callable, echo: Callable):
    """Run `action`; if it touches an unconfirmed year, confirm a labelled demo arrangement and retry."""
    from notices.errors import UnconfirmedPublicity

    for _attempt in range(5):
        try:
            return action()
        except (UnconfirmedYear, UnconfirmedPublicity) as e:
            confirm_year(demo_arrangement(e.year), actor="demo", is_demo=True)
            echo(f"  {e.year}: no confirmed arrangement — entered a labelled demo arrangement")
    raise RuntimeError("demo could not confirm the years it needs")


def _working_days_back(today: date, n: int, echo) -> date:
    """The local date n working days before today (demo history lands on working days)."""
    from app.calendar.services import current_calendar

    def go():
        cal = current_calendar()
        day, count = today, 0
        while count < n:
            day -= timedelta(days=1)
            if cal.is_working_day(day):
                count += 1
        return day

    return _with_demo_years(go, echo)


def _at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def run(echo: Callable[[str], None]) -> None:
    from contractors.demo import seed as seed_pool
    from contractors.queries import active_members
    from lottery.demo import seed as seed_draws

    passwords = _accounts(echo)
    if _has_notices():
        echo("demo data already present: passwords were reset")
    else:
        staff = db.session.scalar(select(User).where(User.username == "staff"))
        # Draws first: the trading notices print their seed commitments, the result its outcome.
        reviewers = list(
            db.session.scalars(select(User).where(User.role == "reviewer").order_by(User.username))
        )
        # The pool first (it is older than any project), then the draws of the projects: the
        # trading notices print their seed commitments and the result its outcome.
        seed_pool(echo, staff, reviewers)
        # The projects' respondents are active members of their categories (建筑工程, 市政公用工程).
        respondents = {
            code: {m.uscc: m.name for m in active_members(code)} for code in ("JZ", "SZ")
        }
        draws = seed_draws(echo, staff, respondents["JZ"], respondents["SZ"])
        _notices(echo, draws, respondents["JZ"])
    echo("")
    echo("演示账户 / demo accounts (password shown once):")
    for username, name, role, org in ACCOUNTS:
        echo(f"  {username:<11} {passwords[username]:<16} {role:<10} {name}（{org}）")


def _accounts(echo) -> dict[str, str]:
    passwords = {}
    for username, name, role, org in ACCOUNTS:
        password = secrets.token_urlsafe(9)
        passwords[username] = password
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            create_user(NewUser(username, name, role, password, org), actor="demo")
        else:
            set_password(user.id, password, actor="demo")
    return passwords


def _has_notices() -> bool:
    from notices.models import Notice

    return db.session.scalar(select(Notice.id).limit(1)) is not None


def _notices(echo, draws: dict, companies: dict[str, str]) -> None:
    from contractors.services import notify_category
    from contracts.rules import contract_price
    from lottery import services as draw_services
    from notices import services
    from notices.services import NoticeInput
    from notices.sms import sender as sms_sender

    staff = db.session.scalar(select(User).where(User.username == "staff"))
    office = "区公共资源交易管理办公室"
    today = clock.today()

    def publish(days_back: int, data: NoticeInput, hour: int = 9, sms_category: str | None = None):
        day = _working_days_back(today, days_back, echo) if days_back else today
        moment = _at(day, hour) if days_back else clock.now()

        def go():
            with clock.frozen_at(moment):
                if sms_category is None:
                    draft = services.create_draft(data, actor=staff)
                    return services.publish(draft.id, actor=staff)
                # As Trading will: the notice and its SMS to the category in one transaction.
                try:
                    notice = services.publish_new(data, actor=staff)
                    notify_category(notice, sms_category, actor=staff)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    raise
                return notice

        return _with_demo_years(go, echo)

    winner = draw_services.winners_of(draws["award"].draw_id)[0]
    rate = draw_services.picked_option(draws["rate"].draw_id)
    echo("notices:")
    publish(
        70,
        NoticeInput(
            "policy",
            "关于印发《小型建设工程预选承包商名录库管理办法》的通知",
            office,
            "《中华人民共和国政府信息公开条例》第二十条",
            body=POLICY_BODY,
        ),
    )
    old_trading = publish(
        20,
        NoticeInput(
            "trading_notice",
            "洪塘街道鞍山村文化礼堂修缮工程交易公告",
            office,
            "小型建设工程交易规则第九条（交易公告不少于3个工作日）",
            body=TRADING_BODY_1.format(
                award=draws["award"].seed_commitment, rate=draws["rate"].seed_commitment
            ),
        ),
        sms_category="JZ",
    )
    publish(
        18,
        NoticeInput(
            "correction",
            "关于洪塘街道鞍山村文化礼堂修缮工程交易公告的更正公告",
            office,
            "小型建设工程交易规则第十条",
            body=CORRECTION_BODY,
            corrects_id=old_trading.id,
        ),
    )
    publish(
        14,
        NoticeInput(
            "trading_result",
            "洪塘街道鞍山村文化礼堂修缮工程交易结果公告",
            office,
            "小型建设工程交易规则第十六条",
            body=RESULT_BODY.format(
                winner=companies[winner],
                rate=rate,
                price=f"{contract_price(Decimal('586400.00'), Decimal('18200.00'), rate):,}",
                award=draws["award"].draw_id,
                rate_draw=draws["rate"].draw_id,
            ),
        ),
    )
    publish(
        9,
        NoticeInput(
            "trading_notice",
            "庄桥街道费市村排水管网改造工程交易公告",
            office,
            "小型建设工程交易规则第九条（交易公告不少于3个工作日）",
            body=TRADING_BODY_2,
        ),
        sms_category="SZ",
    )
    publish(
        4,
        NoticeInput(
            "trading_failed",
            "庄桥街道费市村排水管网改造工程流标公告",
            office,
            "小型建设工程交易规则第十七条",
            body=FAILED_BODY,
        ),
    )
    publish(
        1,
        NoticeInput(
            "trading_notice",
            "甬江街道畈里塘村道路硬化工程交易公告",
            office,
            "小型建设工程交易规则第九条（交易公告不少于3个工作日）",
            body=TRADING_BODY_3.format(award=draws["waiting"].seed_commitment),
        ),
        hour=10,
        sms_category="SZ",
    )
    with clock.frozen_at(clock.now()):
        services.create_draft(
            NoticeInput(
                "policy",
                "小型建设工程交易办事指南（2026年修订稿）",
                office,
                "《中华人民共和国政府信息公开条例》第二十条",
                body="（草稿，尚未发布）",
            ),
            actor=staff,
        )
    echo("  published 7 notices and 1 draft")
    # The embedded default's console backend: each SMS is logged and marked sent.
    report = sms_sender.drain()
    echo(f"  SMS to the pool for the 3 trading notices: {report.sent} sent (console backend)")


POLICY_BODY = """为规范本区国有资金投资和村级集体资金投资的小型建设工程交易活动，提高交易效率，
预防腐败，现将《小型建设工程预选承包商名录库管理办法》印发给你们，请遵照执行。

**适用范围**：单项合同估算价10万元以上、依法必须招标限额以下的施工及监理项目。

1. 名录库通过公开征集、资格审查、公开摇号的方式组建，有效期两年；
2. 具体项目通过短信通知入围企业、企业提交交易响应承诺、公开摇号确定承接单位和下浮率；
3. 交易全过程公开，接受社会监督。
"""

TRADING_BODY_1 = """**项目名称**：洪塘街道鞍山村文化礼堂修缮工程

**业主**：洪塘街道鞍山村股份经济合作社　**资金来源**：村集体

**类别**：建筑工程　**控制价**：586,400.00元（其中安全文明施工费18,200.00元不参与下浮）

**工期**：60日历天

**下浮率选项**：3.00%至8.00%，步长0.50%

**交易响应截止**：公示期结束前

**定标会议**：区公共资源交易中心一楼开标室

**摇号种子承诺**（SHA-256，摇号后公布种子，任何人可验证）：承接单位摇号 `{award}`；下浮率摇号 `{rate}`
"""

TRADING_BODY_2 = """**项目名称**：庄桥街道费市村排水管网改造工程

**类别**：市政公用工程　**控制价**：1,234,567.89元

**下浮率选项**：5.00%至10.00%，步长0.50%
"""

TRADING_BODY_3 = """**项目名称**：甬江街道畈里塘村道路硬化工程

**业主**：甬江街道畈里塘村股份经济合作社　**资金来源**：村集体

**类别**：市政公用工程　**控制价**：862,300.00元

**工期**：45日历天

**下浮率选项**：3.00%至8.00%，步长0.50%

**交易响应截止**：公示期结束前，入围企业请登录平台提交交易响应承诺

**定标会议**：区公共资源交易中心一楼开标室，欢迎现场监督

**摇号种子承诺**（SHA-256）：承接单位摇号 `{award}`
"""

CORRECTION_BODY = """原公告“工期：60日历天”更正为“工期：75日历天”，其他内容不变。"""

RESULT_BODY = """**承接单位**：{winner}

**下浮率**：{rate}%

**合同价**：(586,400.00 − 18,200.00) × (1 − {rate}%) + 18,200.00 = {price}元

摇号记录：承接单位 {award}，下浮率 {rate_draw}。可在“摇号记录”栏目查看，并用公开的验证程序自行验证。
"""

FAILED_BODY = """截至交易响应截止时间，提交交易响应承诺的企业不足3家，本次交易失败（流标）。
项目将重新发布交易公告。
"""
