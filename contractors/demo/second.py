"""The demo's second district (镇海区): its own pool of 市政公用工程, one call, its review and
its roster, with one company that is also a member of the first district's pool."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.extensions import db
from contractors import queries, services
from contractors.demo import AWARD_COMPANIES, GARDEN_COMPANIES, WAITING_COMPANIES, _register
from contractors.models import PoolCall
from lottery.demo import uscc

SECOND_TITLE = "镇海区小型建设工程预选承包商名录库（第一批）征集"
SECOND_PLACE = "镇海区公共资源交易中心三楼开标室"
#: Its applicants: three companies of its own and one already in the first district's pool (a
#: company registers once per deployment and applies to each district's call it wants).
SECOND_COMPANIES = {
    uscc("MA2K1WH3"): "宁波镇海城建工程有限公司",
    uscc("MA2K2LT6"): "宁波骆驼市政工程有限公司",
    uscc("MA2K3JC9"): "宁波蛟川路桥建设有限公司",
}
#: The first district's member that also applies here: the demo's own `contractor` account.
SHARED_COMPANY = uscc("14402576")


def seed_second_pool(echo: Callable[[str], None], staff, reviewer) -> dict:
    """The second district's pool (idempotent): one call for 市政公用工程, its review, its
    roster — its members are its own, whatever the first district's pool holds."""
    from app.demo import _at, _with_demo_years, _working_days_back

    if db.session.scalar(select(PoolCall.id).where(PoolCall.title == SECOND_TITLE)) is not None:
        echo("pool (second district): already present")
        return {}
    today = clock.today()
    back = {n: _working_days_back(today, n, echo) for n in (39, 45, 49, 58, 60, 61)}

    def step(day, hour, minute, fn):
        def go():
            with clock.frozen_at(_at(day, hour, minute)):
                return fn()

        return _with_demo_years(go, echo)

    first = len(AWARD_COMPANIES) + len(WAITING_COMPANIES) + len(GARDEN_COMPANIES)
    users = {}
    for n, (code, name) in enumerate(SECOND_COMPANIES.items(), start=first):
        users[code] = step(
            back[61], 9, 30, lambda n=n, code=code, name=name: _register(n, code, name)
        )
        contractor = queries.contractor_of(users[code])
        step(back[60], 9, 30, lambda c=contractor.id: services.check_registration(c, actor=staff))
    users[SHARED_COMPANY] = db.session.scalar(select(User).where(User.username == "contractor"))

    valid_from = back[39]
    valid_until = valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    call = step(
        back[61],
        10,
        30,
        lambda: services.create_call(
            services.CallInput(
                title=SECOND_TITLE,
                valid_from=valid_from,
                valid_until=valid_until,
                categories=(("SZ", 5),),
                requirements="1. 具有市政公用工程施工总承包资质和有效的安全生产许可证；\n"
                "2. 近三年无重大违法违规记录。",
                meeting_place=SECOND_PLACE,
                office_id=staff.office_id,
            ),
            actor=staff,
        ),
    )
    step(
        back[61],
        15,
        30,
        lambda: services.record_consultation(
            call.id, "经会商，同意征集类别、入围数量和申请条件。", True, actor=reviewer
        ),
    )
    step(back[60], 10, 0, lambda: services.publish_call(call.id, actor=staff))
    for i, code in enumerate(users):
        step(back[58], 10, i, lambda code=code: services.apply(call.id, ["SZ"], actor=users[code]))
    for i, e in enumerate(queries.entries_of(call.id)):
        step(
            back[49],
            10,
            i,
            lambda e=e: services.record_decision(e.id, "pass", actor=reviewer),
        )
    step(
        back[49],
        10,
        30,
        lambda: services.schedule_meeting(
            call.id, _at(back[45], 14, 30), SECOND_PLACE, actor=staff
        ),
    )
    step(back[49], 11, 0, lambda: services.publish_review_results(call.id, actor=staff))
    step(back[45], 14, 30, lambda: services.settle_category(call.id, "SZ", actor=staff))
    step(back[45], 15, 0, lambda: services.publish_roster_publicity(call.id, actor=staff))
    step(back[39], 10, 0, lambda: services.publish_roster(call.id, actor=staff))
    members = queries.active_members(None, district_id=staff.office_id)
    echo("pool (second district):")
    echo(f"  {call.code}: roster published, {len(members)} active members")
    return {"call": call}
