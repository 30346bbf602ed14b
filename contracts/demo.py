"""Demo projects for `flask demo`: one project in every state of procedure B, each walked through
the real trading services (submit, file or send back, announce, respond, hold the meeting,
record the contract or a refusal) with the clock moved to working days back from today.

So every project's draws are real `trading` draws committed with its trading notice and
drawn (or abandoned, when too few responded) at its meeting; they verify with
`python -m lottery.verify`. The projects' respondents are active members of the demo pool
(contractors.demo: 建筑工程 5, 市政公用工程 4, 园林绿化工程 2). A second run leaves everything alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import queries, services
from contracts.complaints import demo as complaints_demo
from contracts.evaluations import rules as evaluation_rules
from contracts.evaluations import services as evaluations
from contracts.models import Project
from contracts.objections import queries as objection_queries
from contracts.objections import services as objections
from contracts.screening import queries as screen_queries
from contracts.screening import services as screening
from contracts.services.posting import record_posting
from lottery.rules import rate_options

PLACE = "区公共资源交易中心一楼开标室"
#: The demo's 业主 account (app.demo.ACCOUNTS: 赵海燕, 洪塘街道办事处) enters the 洪塘街道 projects;
#: staff enter the others for their owners.
OWNER_TOWN = "洪塘街道"
FIRST_NAME = "洪塘街道鞍山村文化礼堂修缮工程"
#: An announcement whose meeting is on the next working day after today (still to come).
NEXT_WORKING_DAY = -1


def _project(
    name, owner_name, village, category, funding, estimate, control, part, days, scope, **kw
) -> services.ProjectInput:
    contact = kw.get("contact", ("赵海燕", "0574-87561230"))
    return services.ProjectInput(
        name=name,
        owner_name=owner_name,
        town=kw.get("town", OWNER_TOWN),
        village=village,
        category_code=category,
        funding=funding,
        estimate=Decimal(estimate),
        control_price=Decimal(control),
        non_competitive_part=Decimal(part),
        duration_days=days,
        scope=scope,
        contact_person=contact[0],
        contact_phone=contact[1],
    )


@dataclass
class Plan:
    """One demo project: its facts, whether the demo owner account entered it (else staff did),
    and its steps in the order they happen: (working days back from today, hour, minute, step,
    argument). The argument of "announce" is (rate options, meeting day: working days back, or
    NEXT_WORKING_DAY, or None for the 4th working day after the notice); of "respond", the
    indexes of the active members (by credit code) who respond then — after "others", among the
    members but the demo `contractor` account, left to respond by itself; of "meeting", the
    attendees' entropy; of "refuse", the refusal; of "contract", the signing day (days back)."""

    key: str
    data: services.ProjectInput
    by_owner: bool
    steps: list[tuple] = field(default_factory=list)


def plans() -> list[Plan]:
    """The projects, oldest first (their codes follow the order of entry)."""
    jz_rates = rate_options(Decimal("3.00"), Decimal("8.00"), Decimal("0.50"))
    sz_rates = rate_options(Decimal("5.00"), Decimal("10.00"), Decimal("0.50"))
    yl_rates = rate_options(Decimal("2.00"), Decimal("6.00"), Decimal("1.00"))
    return [
        Plan(
            "signed",
            _project(
                FIRST_NAME,
                "洪塘街道鞍山村股份经济合作社",
                "鞍山村",
                "JZ",
                "collective",
                "620000",
                "586400.00",
                "18200.00",
                60,
                "文化礼堂屋面翻修、外墙粉刷、门窗更换及室内照明线路改造。",
                contact=("陈国庆", "0574-87561234"),
            ),
            True,
            [
                (30, 9, 10, "submit", None),
                (29, 10, 0, "file", None),
                (28, 9, 30, "announce", (jz_rates, 24)),
                (27, 9, 5, "respond", (0, 1)),
                (26, 14, 20, "respond", (2, 3)),
                (24, 9, 30, "meeting", ["37", "8812", "506"]),
                # [Oversight] a respondent objects to the result (art. 54); answered, not upheld.
                (23, 10, 0, "object", (2, "对定标会议摇号过程有疑问，请求复核摇号记录。")),
                (
                    22,
                    15,
                    0,
                    "answer",
                    "经复核，两次摇号均按交易公告公布的规则公开进行，摇号记录可验证，异议不成立。",
                ),
                (20, 15, 0, "contract", 20),
                (5, 10, 0, "evaluate", ("pass", 6)),
            ],
        ),
        Plan(
            "refused",
            _project(
                "洪塘街道裘市村老年活动中心改建工程",
                "洪塘街道办事处",
                "裘市村",
                "JZ",
                "state",
                "980000",
                "936250.00",
                "27600.00",
                90,
                "原村办公楼改建为老年活动中心：局部加固、无障碍坡道、卫生间改造及室外场地铺装。",
            ),
            True,
            [
                (28, 9, 0, "submit", None),
                (27, 10, 0, "file", None),
                (26, 9, 30, "announce", (jz_rates, 21)),
                (25, 10, 15, "respond", (0, 1, 2)),
                (24, 16, 40, "respond", (3, 4)),
                (21, 9, 30, "meeting", ["51", "2718", "604"]),
                (18, 10, 0, "refuse", "中选后以项目部人员调配困难为由书面拒绝签订合同，无正当理由"),
                (16, 14, 30, "contract", 16),
                (4, 10, 0, "evaluate", ("fail", 5)),
            ],
        ),
        Plan(
            "reannounced",
            _project(
                "庄桥街道费市村排水管网改造工程",
                "庄桥街道费市村股份经济合作社",
                "费市村",
                "SZ",
                "collective",
                "1300000",
                "1234567.89",
                "0",
                75,
                "村内主干道排水管网新建及雨污分流改造，DN300—DN600管道约1.8公里，检查井62座。",
                town="庄桥街道",
                contact=("沈建华", "0574-87452210"),
            ),
            False,
            [
                (24, 9, 0, "submit", None),
                (23, 10, 0, "file", None),
                (22, 9, 30, "announce", (sz_rates, 18)),
                (21, 11, 0, "respond", (0, 1)),
                (18, 9, 30, "meeting", ["17", "3390"]),
                (17, 9, 30, "announce", (sz_rates, 13)),
                (16, 9, 40, "respond", (0, 1)),
                (15, 15, 10, "respond", (2, 3)),
                (13, 9, 30, "meeting", ["8", "4120", "777"]),
                (9, 10, 0, "contract", 9),
            ],
        ),
        Plan(
            "failed",
            _project(
                "洪塘街道中心河沿岸绿化提升工程",
                "洪塘街道办事处",
                "",
                "YL",
                "state",
                "450000",
                "428800.00",
                "9600.00",
                45,
                "中心河两岸约1.2公里绿化带补植、乔木修剪、游步道修复及景观照明。",
            ),
            True,
            [
                (16, 9, 20, "submit", None),
                (15, 10, 0, "file", None),
                (14, 9, 30, "announce", (yl_rates, 10)),
                (13, 10, 0, "respond", (0,)),
                (12, 11, 30, "respond", (1,)),
                (10, 9, 30, "meeting", ["26", "905"]),
            ],
        ),
        Plan(
            "drawn",
            _project(
                "洪塘街道塘西村雨污分流改造工程",
                "洪塘街道塘西村股份经济合作社",
                "塘西村",
                "SZ",
                "collective",
                "900000",
                "862300.00",
                "21500.00",
                45,
                "塘西村自然村雨污分流：接户管、污水支管及化粪池改造。",
                contact=("王立新", "0574-87561288"),
            ),
            True,
            [
                (12, 9, 0, "submit", None),
                (11, 10, 0, "file", None),
                (9, 9, 30, "announce", (sz_rates, 3)),
                (8, 10, 30, "respond", (0, 1)),
                (6, 9, 45, "respond", (2, 3)),
                (3, 9, 30, "meeting", ["42", "1066", "93"]),
            ],
        ),
        Plan(
            "awaiting_meeting",
            _project(
                "甬江街道畈里塘村道路硬化工程",
                "甬江街道畈里塘村股份经济合作社",
                "畈里塘村",
                "SZ",
                "collective",
                "880000",
                "862300.00",
                "0",
                45,
                "村内道路水泥混凝土硬化约2.6公里，路面宽3.5—4.5米，配套边沟。",
                town="甬江街道",
                contact=("周海峰", "0574-87330618"),
            ),
            False,
            [
                (7, 9, 0, "submit", None),
                (6, 10, 0, "file", None),
                (4, 10, 0, "announce", (jz_rates, NEXT_WORKING_DAY)),
                (3, 9, 15, "respond", (0,)),
                (2, 14, 0, "respond", (1,)),
                (1, 11, 20, "respond", (2,)),
            ],
        ),
        Plan(
            # Suspended by an accepted complaint (contracts.complaints.demo), art. 62.
            "suspended",
            _project(
                "庄桥街道马径村排水管网改造工程",
                "庄桥街道马径村股份经济合作社",
                "马径村",
                "SZ",
                "collective",
                "760000",
                "741800.00",
                "0",
                50,
                "村内雨污分流改造，新建DN300—DN500排水管约1.8公里及检查井。",
                town="庄桥街道",
                contact=("孙建军", "0574-87510326"),
            ),
            False,
            [
                (5, 9, 0, "submit", None),
                (4, 11, 0, "file", None),
                (3, 10, 0, "announce", (sz_rates, None)),
            ],
        ),
        Plan(
            "sent_back",
            _project(
                "洪塘街道西洋港村停车场建设工程",
                "洪塘街道西洋港村股份经济合作社",
                "西洋港村",
                "SZ",
                "collective",
                "560000",
                "540000.00",
                "0",
                40,
                "新建村民停车场一处。",
            ),
            True,
            [
                (5, 11, 0, "submit", None),
                (
                    4,
                    15,
                    0,
                    "send_back",
                    "1. 控制价未附造价咨询单位的审核意见；\n"
                    "2. 工程内容过于简略，请补充停车位数量、面积和工程量清单；\n"
                    "3. 请确认用地手续后重新提交。",
                ),
            ],
        ),
        Plan(
            "announced",
            _project(
                "洪塘街道下沈村幼儿园外墙维修工程",
                "洪塘街道办事处",
                "下沈村",
                "JZ",
                "state",
                "260000",
                "243500.00",
                "6800.00",
                30,
                "幼儿园教学楼外墙空鼓铲除重做、外墙涂料及雨水管更换，利用寒假施工。",
            ),
            True,
            [
                (3, 9, 0, "submit", None),
                (2, 14, 0, "file", None),
                (1, 10, 0, "announce", (jz_rates, None)),
                # The demo contractor account is left to respond by itself.
                (1, 14, 0, "respond", ("others", 0)),
                (1, 15, 30, "respond", ("others", 1)),
            ],
        ),
        Plan(
            # [Oversight] a trading the office suspended (art. 62) while it checks a matter raised
            # about its notice; the complaints' demo suspends one for a complaint.
            "suspended_by_office",
            _project(
                "洪塘街道姚江村河道护岸修复工程",
                "洪塘街道姚江村股份经济合作社",
                "姚江村",
                "JZ",
                "collective",
                "410000",
                "392000.00",
                "9500.00",
                45,
                "河道护岸浆砌石修复约260米，含清淤。",
            ),
            False,
            [
                (4, 9, 20, "submit", None),
                (3, 10, 10, "file", None),
                (2, 10, 30, "announce", (jz_rates, None)),
                (2, 14, 30, "respond", ("others", 0)),
                (
                    1,
                    11,
                    0,
                    "suspend",
                    "交易公告所附工程量清单与图纸不一致，区公管办核实期间暂停交易。",
                ),
            ],
        ),
        Plan(
            "filed",
            _project(
                "洪塘街道赵家村村道路灯改造工程",
                "洪塘街道赵家村股份经济合作社",
                "赵家村",
                "SZ",
                "collective",
                "180000",
                "168900.00",
                "0",
                30,
                "村道路灯更换为LED灯具86套，更换老化线路。",
            ),
            True,
            [(3, 10, 30, "submit", None), (1, 11, 0, "file", None)],
        ),
        Plan(
            "submitted",
            _project(
                "洪塘街道洪塘村农贸市场雨棚改造工程",
                "洪塘街道洪塘村股份经济合作社",
                "洪塘村",
                "JZ",
                "collective",
                "320000",
                "305000.00",
                "8000.00",
                40,
                "农贸市场钢结构雨棚拆除重建约1,100平方米，含排水天沟。",
            ),
            True,
            [(1, 16, 20, "submit", None)],
        ),
    ]


#: The plan whose award meeting finds a respondent on the national list of dishonest judgment
#: debtors (its last respondent in USCC order), who is left out of the draw.
LISTED_AT = "drawn"
#: A one-page PDF standing for the screenshots and reports the demo uploads.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evaluation(result: str, completed_on: date) -> evaluations.EvaluationInput:
    """A demo evaluation: all parts 合格, or quality 不合格 with its reasons and a report."""
    parts = {a.value: "pass" for a in evaluation_rules.Aspect}
    if result == "pass":
        return evaluations.EvaluationInput(completed_on=completed_on, parts=parts)
    return evaluations.EvaluationInput(
        completed_on=completed_on,
        parts={**parts, "quality": "fail"},
        reasons={
            "quality": "屋面防水层闭水试验渗漏，限期整改后复验仍不合格；室内照明线路未按图纸施工。"
        },
        evidence=[(DEMO_PDF, "闭水试验检测报告.pdf")],
    )


def _user(contractor_id: int) -> User:
    return db.session.get(User, db.session.get(Contractor, contractor_id).user_id)


def seed(echo: Callable[[str], None], staff, owner) -> dict[str, str]:
    """Walk the demo projects through the trading services (idempotent). Returns the project
    codes by state name ("signed", "refused", …); {} when they are already present."""
    from app.demo import _at, _with_demo_years, _working_days_ahead, _working_days_back

    if db.session.scalar(select(Project.id).where(Project.name == FIRST_NAME)) is not None:
        echo("projects: demo projects already present")
        return {}
    today = clock.today()
    plan_list = plans()
    days_back = {s[0] for p in plan_list for s in p.steps}
    days_back |= {s[4][1] for p in plan_list for s in p.steps if s[3] in ("announce", "evaluate")}
    back = {n: _working_days_back(today, n, echo) for n in days_back if n and n > 0}
    next_day = _working_days_ahead(today, 1, echo)
    codes: dict[str, str] = {}

    def meeting_day(announced_on: date, rule: int | None) -> date:
        if rule is None:  # the 4th working day after the notice: just after its 3-day publicity
            return _working_days_ahead(announced_on, 4, echo)
        return next_day if rule == NEXT_WORKING_DAY else back[rule]

    def reviewed(code: str) -> str:
        # The demo's staff look at the project as it stands, as the project page shows it.
        return services.fingerprint(queries.get_project(code))

    def run(plan: Plan, step: tuple) -> None:
        n, _h, _m, name, arg = step
        actor = owner if plan.by_owner else staff
        code = codes.get(plan.key)
        if name == "submit":
            codes[plan.key] = services.submit_project(plan.data, actor=actor).code
        elif name == "file":
            services.file_project(code, reviewed=reviewed(code), actor=staff)
        elif name == "send_back":
            services.send_back(code, arg, reviewed=reviewed(code), actor=staff)
        elif name == "announce":
            rates, rule = arg
            meeting = _at(meeting_day(back[n], rule), 9, 30)
            services.announce(
                code,
                services.TradingInput(meeting, PLACE, rates),
                reviewed=reviewed(code),
                actor=staff,
            )
        elif name == "post":
            # The owner's contact posts the printed notice on the village (or 街道) board.
            board = f"{plan.data.village or plan.data.town}信息公开栏"
            record_posting(
                code,
                plan.data.contact_person,
                clock.now() - timedelta(minutes=30),
                board,
                None,
                None,
                actor=staff,
            )
        elif name == "respond":
            members = active_members(plan.data.category_code, clock.today())
            if arg and arg[0] == "others":
                members = [m for m in members if _user(m.contractor_id).username != "contractor"]
                arg = arg[1:]
            for i in arg:
                services.respond(
                    code, services.commitment_text(code), actor=_user(members[i].contractor_id)
                )
        elif name == "meeting":
            # The credit screen first (信用审查): every respondent checked at 信用中国; at one
            # meeting a company is found on the national list and left out of the draw.
            screen(code, listed_last=plan.key == LISTED_AT)
            # The meeting's two steps: the entries shown on both screens, then drawn as shown.
            services.show_meeting_entropy(code, arg, actor=staff)
            services.hold_meeting(code, arg, actor=staff)
        elif name == "refuse":
            t = queries.latest_trading(queries.get_project(code))
            uscc, position = queries.award_holder(t)
            services.record_refusal(code, arg, uscc=uscc, position=position, actor=actor)
        elif name == "object":
            index, text = arg
            members = active_members(plan.data.category_code, clock.today())
            t = queries.latest_trading(queries.get_project(code))
            objections.file_objection(
                t.code, "result", text, actor=_user(members[index].contractor_id)
            )
        elif name == "answer":
            t = queries.latest_trading(queries.get_project(code))
            (o,) = objection_queries.of_trading(t.id)
            objections.answer_objection(o.id, False, arg, actor=staff)
        elif name == "suspend":
            services.suspend_trading(
                queries.latest_trading(queries.get_project(code)).code, arg, actor=staff
            )
        elif name == "contract":
            t = queries.latest_trading(queries.get_project(code))
            services.record_contract(code, back[arg], t.contract_price, actor=actor)
        elif name == "evaluate":
            result, completed = arg
            evaluations.evaluate(code, _evaluation(result, back[completed]), actor=actor)

    def screen(code: str, *, listed_last: bool) -> None:
        t = queries.latest_trading(queries.get_project(code))
        rows = [r for r in screen_queries.screen_of(t) if r.active]
        for i, r in enumerate(rows):
            listed = listed_last and i == len(rows) - 1
            screening.record_check(
                code,
                screening.CheckInput(
                    uscc=r.uscc,
                    checked_on=clock.today(),
                    source="creditchina",
                    result="listed" if listed else "not_listed",
                    evidence=DEMO_PDF,
                    evidence_name="信用中国查询结果.pdf",
                    note="经查询，该企业被列为失信被执行人（限制消费）" if listed else "",
                ),
                actor=staff,
            )

    # Every step of every project in the order of time, so notices and audit entries follow it.
    timeline: list[tuple[datetime, int, Plan, tuple]] = []
    for p in plan_list:
        for i, step in enumerate(p.steps):
            timeline.append((_at(back[step[0]], step[1], step[2]), i, p, step))
            if step[3] == "announce":  # posted on the board the same afternoon
                timeline.append((_at(back[step[0]], 16, 0), i, p, (step[0], 16, 0, "post", None)))
    timeline.sort(key=lambda e: (e[0], e[1]))
    for moment, _i, plan, step in timeline:

        def go(moment=moment, plan=plan, step=step):
            with clock.frozen_at(moment):
                run(plan, step)

        _with_demo_years(go, echo)

    echo("projects:")
    for p in plan_list:
        project = queries.get_project(codes[p.key])
        rounds = [
            f"{t.code} {t.outcome or 'open'}"
            + (f" {t.discount_rate}% {t.contract_price}" if t.is_drawn else "")
            for t in project.tradings
        ]
        detail = f" ({'; '.join(rounds)})" if rounds else ""
        echo(f"  {project.code} {project.name}: {queries.state_of(project)}{detail}")
    complaints_demo.seed(echo, staff, codes)
    return codes
