"""`flask demo`: a believable demo data set that shows the whole platform (extended by every issue)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.auth.services import NewUser, create_user, set_password
from app.calendar.services import confirm_year
from app.extensions import db
from app.workdays import TZ, UnconfirmedYear, YearArrangement

DEMO_LABEL = "演示安排（非国务院正式通知，仅供演示）"

#: The demo's offices: (code, name, kind, parent code, English name). The first district's name is the
#: deployment's OFFICE_NAME unless that is the bare default; its three street/town platforms run
#: their own projects from its pool. A second district with a pool of its own and one project
#: shows that districts share nothing but the companies' registrations and the calendar.
DISTRICT = "jiangbei"
SECOND_DISTRICT = "zhenhai"
DISTRICT_NAME = "江北区公共资源交易管理办公室"
OFFICES = (
    (DISTRICT, DISTRICT_NAME, "district", None, "Jiangbei District Public Resource Trading Office"),
    ("zhuangqiao", "庄桥街道", "street", DISTRICT, "Zhuangqiao Subdistrict"),
    ("hongtang", "洪塘街道", "street", DISTRICT, "Hongtang Subdistrict"),
    ("yongjiang", "甬江街道", "street", DISTRICT, "Yongjiang Subdistrict"),
    (
        SECOND_DISTRICT,
        "镇海区公共资源交易管理办公室",
        "district",
        None,
        "Zhenhai District Public Resource Trading Office",
    ),
    ("luotuo", "骆驼街道", "street", SECOND_DISTRICT, "Luotuo Subdistrict"),
)
#: The platform of each town the demo projects name (contracts.demo.plans).
TOWN_OFFICES = {
    "庄桥街道": "zhuangqiao",
    "洪塘街道": "hongtang",
    "甬江街道": "yongjiang",
    "骆驼街道": "luotuo",
}

#: (username, name, role, organisation, office code — None: no office).
ACCOUNTS = (
    # The deployment's administrator: every office, creates districts and their administrators.
    ("root", "平台运维管理员", "admin", "市公共资源交易管理办公室", None),
    ("admin", "系统管理员", "admin", "区公共资源交易管理办公室", DISTRICT),
    ("staff", "张晓明", "staff", "区公共资源交易管理办公室", DISTRICT),
    ("staff2", "李慧", "staff", "区公共资源交易管理办公室", DISTRICT),
    ("reviewer", "王建国", "reviewer", "区住房和城乡建设局", DISTRICT),
    ("reviewer2", "陈立新", "reviewer", "区农业农村局", DISTRICT),
    # The street/town platforms' clerks: their own platform's projects only.
    ("zhuangqiao", "沈佳", "staff", "庄桥街道办事处", "zhuangqiao"),
    ("hongtang", "陆文斌", "staff", "洪塘街道办事处", "hongtang"),
    ("yongjiang", "吴婷", "staff", "甬江街道办事处", "yongjiang"),
    ("owner", "赵海燕", "owner", "洪塘街道办事处", "hongtang"),
    ("contractor", "周永强", "contractor", "宁波甬江建设有限公司", None),
    # 纪检监察 / 审计: reads the deadlines and the audit log, changes nothing.
    ("supervisor", "孙国平", "supervisor", "区纪委监委派驻纪检监察组", DISTRICT),
    # The second district: its staff and the reviewer who consults on its pool.
    ("zhenhai", "胡晓东", "staff", "镇海区公共资源交易管理办公室", SECOND_DISTRICT),
    ("zhreviewer", "俞建平", "reviewer", "镇海区住房和城乡建设局", SECOND_DISTRICT),
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


def _working_days_ahead(today: date, n: int, echo) -> date:
    """The local date n working days after today (a meeting still to come)."""
    from app.calendar.services import current_calendar

    return _with_demo_years(lambda: current_calendar().add_working_days(today, n), echo)


def _at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def run(echo: Callable[[str], None]) -> None:
    from contractors.demo import seed as seed_pool
    from contractors.demo.sanctions import seed_sanctions
    from contractors.demo.second import seed_second_pool
    from contracts.demo import seed as seed_projects

    offices = _offices()
    passwords = _accounts(echo, offices)
    if _has_notices():
        echo("demo data already present: passwords were reset")
    else:
        staff = user("staff")
        reviewers = [user("reviewer"), user("reviewer2")]
        # The pools first (older than any project), then the projects, whose respondents are
        # their district's active members and whose draws are made by the trading services.
        seed_pool(echo, staff, reviewers)
        seed_second_pool(echo, user("zhenhai"), user("zhreviewer"))
        seed_projects(echo, staff, user("owner"))
        seed_sanctions(echo, staff)
        _notices(echo, offices[DISTRICT])
        _subscription(echo)
        # The demo writes its history with a clock moved back and forth: rebuilt, the site
        # search reads its newest first in the order of the dates shown (app.search).
        from app.search import services as search

        search.reindex()
    echo("")
    echo("机构 / offices:")
    for code, _name, _kind, _parent, _name_en in OFFICES:
        o = offices[code]
        echo(f"  {o.code:<11} {o.name}" + (f"（{o.parent.name}）" if o.parent else ""))
    echo("")
    echo("演示账户 / demo accounts (password shown once):")
    for username, name, role, org, office in ACCOUNTS:
        where = offices[office].name if office else "（不属于任何机构 / no office）"
        echo(f"  {username:<11} {passwords[username]:<16} {role:<10} {name}（{org}） {where}")


#: The demo's `contractor` account (宁波甬江建设有限公司) is texted each new notice of this category.
SUBSCRIBED_CATEGORY = "JZ"


def _subscription(echo: Callable[[str], None]) -> None:
    """The demo company's subscription (我的订阅) to one pool category, every notice type. Made
    after the demo's history, it texts only what is published from now on."""
    from notices.subscriptions import services as subscriptions
    from notices.subscriptions.rules import Choice

    company = user("contractor")
    subscriptions.subscribe(
        company.id, Choice(False, (SUBSCRIBED_CATEGORY,), True, ()), actor=company
    )
    echo(f"subscriptions: contractor texted each new notice of {SUBSCRIBED_CATEGORY}")


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def office_code_of_town(town: str) -> str:
    return TOWN_OFFICES[town]


def _offices() -> dict:
    """The demo's offices by code (created on the first run)."""
    from flask import current_app

    from app.offices.models import Office
    from app.offices.services import NewOffice, create_office

    configured = current_app.config["OFFICE_NAME"]
    out: dict = {}
    for i, (code, name, kind, parent, name_en) in enumerate(OFFICES):
        if code == DISTRICT and configured and configured != "区公共资源交易管理办公室":
            name, name_en = configured, current_app.config.get("OFFICE_NAME_EN") or ""
        office = db.session.scalar(select(Office).where(Office.code == code))
        if office is None:
            office = create_office(
                NewOffice(code, name, kind, out[parent].id if parent else None, i, name_en),
                actor="demo",
            )
        out[code] = office
    return out


def _accounts(echo, offices) -> dict[str, str]:
    passwords = {}
    for username, name, role, org, office in ACCOUNTS:
        password = secrets.token_urlsafe(9)
        passwords[username] = password
        existing = user(username)
        if existing is None:
            office_id = offices[office].id if office else None
            create_user(NewUser(username, name, role, password, org, office_id), actor="demo")
        else:
            set_password(existing.id, password, actor="demo")
    return passwords


def _has_notices() -> bool:
    from notices.models import Notice

    return db.session.scalar(select(Notice.id).limit(1)) is not None


def _notices(echo, district) -> None:
    """The notices no procedure publishes (a policy, a draft guide), the policies and guides
    (notices.guides), then the queued SMS sent."""
    from app.offices.models import Office
    from notices import services
    from notices.services import NoticeInput, issuer
    from notices.sms import sender as sms_sender

    staff = user("staff")
    office = issuer(district.id)
    day = _working_days_back(clock.today(), 70, echo)

    def policy():
        with clock.frozen_at(_at(day)):
            draft = services.create_draft(
                NoticeInput(
                    type="policy",
                    title="关于印发《小型建设工程预选承包商名录库管理办法》的通知",
                    legal_basis="《中华人民共和国政府信息公开条例》第二十条",
                    body=POLICY_BODY,
                    **office,
                ),
                actor=staff,
            )
            return services.publish(draft.id, actor=staff)

    echo("notices:")
    _with_demo_years(policy, echo)
    with clock.frozen_at(clock.now()):
        services.create_draft(
            NoticeInput(
                type="policy",
                title="小型建设工程交易办事指南（2026年修订稿）",
                legal_basis="《中华人民共和国政府信息公开条例》第二十条",
                body="（草稿，尚未发布）",
                **office,
            ),
            actor=staff,
        )
    echo("  published 1 policy, saved 1 draft")
    from notices.guides.demo import seed as seed_guides

    platform = db.session.scalar(select(Office).where(Office.code == "zhuangqiao"))
    seed_guides(echo, staff, user("zhuangqiao"), district, platform, day)
    # The embedded default's console backend: each SMS is logged and marked sent.
    report = sms_sender.drain()
    echo(f"  SMS to the pool for the trading notices: {report.sent} sent (console backend)")


POLICY_BODY = """为规范本区国有资金投资和村级集体资金投资的小型建设工程交易活动，提高交易效率，
预防腐败，现将《小型建设工程预选承包商名录库管理办法》印发给你们，请遵照执行。

**适用范围**：单项合同估算价10万元以上、依法必须招标限额以下的施工及监理项目。

1. 名录库通过公开征集、资格审查、公开摇号的方式组建，有效期两年；
2. 具体项目通过短信通知入围企业、企业提交交易响应承诺、公开摇号确定承接单位和下浮率；
3. 交易全过程公开，接受社会监督。
"""
