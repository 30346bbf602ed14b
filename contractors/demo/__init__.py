"""Demo pool for `flask demo`: a complete past round (call, consultation, applications, review
with fails, an objection answered, a pool draw over quota in 市政公用工程, roster publicity,
roster) and a call open now. The demo `contractor` account's company applies only where every
qualified applicant enters (建筑工程, whose quota admits every applicant): it is a member however
the real draw falls. Dates are working days back from today, so it works in any year (app.demo's demo-year
mechanism fills an unconfirmed year); a second run leaves everything alone."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.auth.services import NewUser, create_user
from app.extensions import db
from contractors import queries, services
from contractors.models import PoolCall
from lottery.demo import AWARD_COMPANIES, WAITING_COMPANIES, uscc

PAST_TITLE = "小型建设工程预选承包商名录库（第一批）征集"
OPEN_TITLE = "小型建设工程预选承包商名录库（补充）征集"
PLACE = "区公共资源交易中心一楼开标室"
#: 园林绿化工程 applicants.
#: 市政公用工程's quota: one fewer than its qualified applicants (one fails the review), so the
#: meeting draws and one company is the reserve.
SZ_QUOTA = 5
GARDEN_COMPANIES = {
    uscc("MA2E5T1C"): "宁波慈城园林绿化有限公司",
    uscc("MA2F8W3G"): "宁波姚江生态园林有限公司",
}


def _account(username: str, name: str, company: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        # Applicants' accounts get a random password nobody is shown: the demo logs in as "contractor".
        user = create_user(
            NewUser(username, name, "contractor", secrets.token_urlsafe(12), company), actor="demo"
        )
    return user


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
_GIVEN = ("建华", "海峰", "丽萍", "志强", "国平", "红英", "伟东", "晓燕", "建军", "秀兰", "立新")


def _name(n: int) -> str:
    """A plausible person's name for the n-th demo firm (法定代表人, 联系人)."""
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 3) % len(_GIVEN)]


def _register(n: int, code: str, name: str) -> User:
    username = "contractor" if code == uscc("14402576") else f"firm{n:02d}"
    user = _account(username, f"{name[2:4]}经理", name)
    if queries.contractor_of(user) is None:
        services.register_contractor(
            services.ContractorInput(
                uscc=code,
                name=name,
                legal_representative="周永强" if username == "contractor" else _name(n),
                contact_person="周永强" if username == "contractor" else _name(n + 7),
                contact_mobile=f"1380574{1000 + n:04d}",
                address=f"宁波市江北区洪塘街道工业路{n + 1}号",
                safety_licence_number=f"(浙)JZ安许证字[2024]02{n:04d}",
                qualifications=(
                    services.QualificationInput("建筑工程施工总承包", "三级", f"D333{n:06d}"),
                ),
            ),
            actor=user,
        )
    return user


def seed(echo: Callable[[str], None], staff, reviewers) -> dict:
    """Load the demo pool (idempotent). `reviewers` are the departments' reviewer accounts."""
    from app.demo import _at, _with_demo_years, _working_days_back

    if db.session.scalar(select(PoolCall.id).where(PoolCall.title == PAST_TITLE)) is not None:
        echo("pool: demo pool already present")
        return {}
    today = clock.today()
    back = {n: _working_days_back(today, n, echo) for n in (2, 39, 43, 44, 45, 49, 58, 60, 61)}

    def step(day, hour, minute, fn):
        def go():
            with clock.frozen_at(_at(day, hour, minute)):
                return fn()

        return _with_demo_years(go, echo)

    firms = [*AWARD_COMPANIES.items(), *WAITING_COMPANIES.items(), *GARDEN_COMPANIES.items()]
    users = {}
    for n, (code, name) in enumerate(firms):
        users[code] = step(
            back[61], 9, 0, lambda n=n, code=code, name=name: _register(n, code, name)
        )

    # The office checks (核验) each registration against its licence the next working day.
    for n, code in enumerate(users):
        contractor = queries.contractor_of(users[code])
        step(
            back[60],
            9,
            n,
            lambda c=contractor.id: services.check_registration(c, actor=staff),
        )

    valid_from = back[39]
    valid_until = valid_from.replace(year=valid_from.year + 2) - timedelta(days=1)
    call = step(
        back[61],
        10,
        0,
        lambda: services.create_call(
            services.CallInput(
                title=PAST_TITLE,
                valid_from=valid_from,
                valid_until=valid_until,
                # 建筑工程's quota admits every applicant (the demo `contractor` account's
                # company among them: always a member); 市政公用工程 has one qualified applicant
                # more than its quota, drawn at the meeting.
                categories=(("JZ", len(AWARD_COMPANIES)), ("SZ", SZ_QUOTA), ("YL", 3)),
                requirements="1. 具有相应类别的施工资质和有效的安全生产许可证；\n"
                "2. 近三年无重大违法违规记录；\n3. 在本区设有常驻机构。",
                meeting_place=PLACE,
                office_id=staff.office_id,
            ),
            actor=staff,
        ),
    )
    for i, reviewer in enumerate(reviewers):
        step(
            back[61],
            14 + i,
            0,
            lambda r=reviewer: services.record_consultation(
                call.id, "经会商，同意征集类别、入围数量和申请条件。", True, actor=r
            ),
        )
    step(back[60], 9, 0, lambda: services.publish_call(call.id, actor=staff))

    plan = [(c, ["JZ"]) for c in AWARD_COMPANIES] + [(c, ["SZ"]) for c in WAITING_COMPANIES]
    plan += [(c, ["YL"]) for c in GARDEN_COMPANIES]
    for i, (code, cats) in enumerate(plan):
        step(
            back[58],
            9,
            i,
            lambda code=code, cats=cats: services.apply(call.id, cats, actor=users[code]),
        )

    fails = {
        uscc("MA2CKT5N"): ("category_mismatch", "资质证书为古建筑工程专业承包，与建筑工程类别不符"),
        uscc("MA2J3P8R"): ("safety_licence", "安全生产许可证已于申请前过期"),
    }
    for i, e in enumerate(queries.entries_of(call.id)):
        reviewer = reviewers[i % len(reviewers)]
        code = e.application.contractor.uscc
        if code in fails:
            step(
                back[49],
                9,
                i,
                lambda e=e, r=reviewer, f=fails[code]: services.record_decision(
                    e.id, "fail", f[0], f[1], actor=r
                ),
            )
        else:
            step(
                back[49],
                9,
                i,
                lambda e=e, r=reviewer: services.record_decision(e.id, "pass", actor=r),
            )
    step(
        back[49],
        9,
        40,
        lambda: services.schedule_meeting(call.id, _at(back[45], 9, 30), PLACE, actor=staff),
    )
    step(back[49], 10, 0, lambda: services.publish_review_results(call.id, actor=staff))

    failed = next(
        e for e in queries.entries_of(call.id) if e.application.contractor.uscc == uscc("MA2CKT5N")
    )
    objection = step(
        back[49],
        15,
        0,
        lambda: services.file_objection(
            failed.id,
            "本企业承建过多项文化礼堂修缮工程，请求复核资质类别。",
            actor=users[uscc("MA2CKT5N")],
        ),
    )
    step(
        back[49],
        16,
        0,
        lambda: services.answer_objection(
            objection.id,
            "经复核，古建筑工程专业承包资质不属于建筑工程施工总承包类别，原审查结论正确，异议不成立。",
            False,
            actor=staff,
        ),
    )

    def meeting_sz():
        # The meeting's two steps: the entries shown on the screen, then drawn as shown.
        entries = services.show_category_entropy(call.id, "SZ", ["37", "8812", "506"], actor=staff)
        return services.settle_category(call.id, "SZ", entries, actor=staff)

    step(back[45], 9, 30, lambda: services.settle_category(call.id, "JZ", actor=staff))
    step(back[45], 9, 45, meeting_sz)
    step(back[45], 9, 50, lambda: services.settle_category(call.id, "YL", actor=staff))
    step(back[45], 11, 0, lambda: services.publish_roster_publicity(call.id, actor=staff))
    # [Oversight] an objection to the drawn 市政公用工程 roster during its publicity, answered
    # (not upheld) the next working day; the roster is published once it is answered.
    sz = next(cc for cc in call.categories if cc.category.code == "SZ")
    roster_objection = step(
        back[44],
        10,
        0,
        lambda: services.file_roster_objection(
            sz.id,
            "本企业对市政公用工程类别的摇号结果有疑问，请求核实摇号过程。",
            actor=users[uscc("MA2J3P8R")],
        ),
    )
    step(
        back[43],
        15,
        0,
        lambda: services.answer_roster_objection(
            roster_objection.id,
            False,
            "经核实，摇号按公布的规则公开进行，结果可用摇号记录复核，异议不成立。",
            actor=staff,
        ),
    )
    step(back[39], 9, 0, lambda: services.publish_roster(call.id, actor=staff))

    open_call = step(
        back[2],
        9,
        0,
        lambda: services.create_call(
            services.CallInput(
                title=OPEN_TITLE,
                valid_from=valid_from,
                valid_until=valid_until,
                categories=(("ZS", 10), ("WF", 5), ("JL", 5)),
                requirements="具有相应资质；监理类别须具有工程监理资质。",
                meeting_place=PLACE,
                office_id=staff.office_id,
            ),
            actor=staff,
        ),
    )
    step(
        back[2],
        10,
        0,
        lambda: services.record_consultation(open_call.id, "同意。", True, actor=reviewers[0]),
    )
    step(back[2], 11, 0, lambda: services.publish_call(open_call.id, actor=staff))
    step(
        back[2], 14, 0, lambda: services.apply(open_call.id, ["ZS"], actor=users[uscc("14402576")])
    )

    members = queries.active_members(None, district_id=staff.office_id)
    echo("pool:")
    echo(f"  {call.code}: roster published, {len(members)} active members")
    echo(f"  {open_call.code}: open for applications")
    return {"past": call, "open": open_call}
