"""The demo's sanctions, seeded after the projects (their respondents were members then)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.offices.models import Office
from contractors import queries
from contractors.demo import GARDEN_COMPANIES, WAITING_COMPANIES
from lottery.demo import uscc


def seed_sanctions(echo: Callable[[str], None], staff) -> None:
    """An expired suspension and one in force (园林绿化, outside the demo projects' notices), a
    removal today whose reserve enters the 市政公用工程 roster tomorrow, and a case opened today
    awaiting the company's statement (idempotent)."""
    from app.demo import _at, _with_demo_years, _working_days_back
    from contractors.sanctions import services as sanctions
    from contractors.sanctions.models import MisconductCase

    # The contracts' demo opens cases of its own (a refusal, a failed evaluation) before this
    # runs: only an "incident" case is this seed's.
    if db.session.scalar(
        select(MisconductCase.id).where(MisconductCase.source == "incident").limit(1)
    ):
        echo("sanctions: demo cases already present")
        return
    today = clock.today()
    back = {n: _working_days_back(today, n, echo) for n in (4, 5, 10, 12, 37, 38, 45)}
    #: The deciding body: the district whose pool the sanctions apply in.
    body = db.session.get(Office, staff.office_id).name

    def step(day, hour, fn):
        def go():
            with clock.frozen_at(_at(day, hour, 0)):
                return fn()

        return _with_demo_years(go, echo)

    def company(code):
        return queries.contractor_by_uscc(code)

    def sanction(code, opened, decided, published, source, facts, outcome, act, basis, months):
        case = step(
            opened,
            10,
            lambda: sanctions.open_case(company(code).id, source, facts, actor=staff),
        )
        step(
            decided,
            10,
            lambda: sanctions.decide(
                case.id,
                sanctions.DecisionInput(outcome, act, basis, body, decided, months),
                actor=staff,
            ),
        )
        step(published, 10, lambda: sanctions.publish(case.sanction.id, actor=staff))
        return case

    garden = list(GARDEN_COMPANIES)
    sanction(
        garden[0],
        back[45],
        back[38],
        back[37],
        "evaluation",
        "某村公园绿化工程合同履行评价为不合格：苗木规格不符、养护不到位。",
        "suspension",
        "合同履行评价不合格",
        "《宁波市江北区小型建设工程预选承包商名录库管理办法》（暂停交易资格1个月）",
        1,
    )
    sanction(
        garden[1],
        back[12],
        back[5],
        back[4],
        "incident",
        "某街道游园工程施工中发生一般质量事故（挡土墙开裂），经鉴定系施工质量问题。",
        "suspension",
        "发生一般质量事故",
        "《建设工程质量管理条例》第六十四条；名录库管理办法（暂停交易资格6个月）",
        6,
    )
    waiting = list(WAITING_COMPANIES)
    sz = [
        m
        for m in queries.active_members("SZ", today, district_id=staff.office_id)
        # the demo's own "contractor" account stays a member; the firm whose case opens today
        # is not the one removed
        if m.uscc not in (uscc("14402576"), waiting[0])
    ]
    if sz:
        removed = sz[-1]
        case = step(
            back[10],
            10,
            lambda: sanctions.open_case(
                removed.contractor_id,
                "by_hand",
                "经查，该企业在入库申请中提供虚假业绩材料。",
                actor=staff,
            ),
        )
        step(
            back[4],
            15,
            lambda: sanctions.state_case(
                case.id, "业绩材料系原项目部人员提供，公司未尽审核义务，请求从轻处理。", actor=staff
            ),
        )

        # Decided and published now: the projects announced before told it as a member.
        def remove():
            with clock.frozen_at(clock.now()):
                sanctions.decide(
                    case.id,
                    sanctions.DecisionInput(
                        "removal",
                        "以虚假业绩材料申请入库",
                        "《宁波市江北区小型建设工程预选承包商名录库管理办法》（清出名录库）",
                        body,
                        today,
                    ),
                    actor=staff,
                )
                sanctions.publish(case.sanction.id, actor=staff)

        _with_demo_years(remove, echo)
    with clock.frozen_at(clock.now()):
        _with_demo_years(
            lambda: sanctions.open_case(
                company(waiting[0]).id,
                "by_hand",
                "群众反映该企业施工现场围挡不规范、扬尘控制不到位，经现场核查属实。",
                actor=staff,
            ),
            echo,
        )
    echo("sanctions: 1 suspension expired, 1 in force, 1 removal (reserve entered), 1 case open")
