"""The demo projects' plans: each project's facts, who entered it, and its steps in the order
they happen (working days back from today), oldest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.auth.models import User
from app.extensions import db
from contractors.models import Contractor
from contracts import services
from lottery.rules import rate_options

PLACE = "区公共资源交易中心一楼开标室"
#: The demo's 业主 account (app.demo.ACCOUNTS: 赵海燕, 洪塘街道办事处) enters the 洪塘街道 projects;
#: staff enter the others for their owners.
OWNER_TOWN = "洪塘街道"
FIRST_NAME = "洪塘街道鞍山村文化礼堂修缮工程"
#: The second district's project (骆驼街道, 镇海区): app.demo.SECOND_DISTRICT.
SECOND_DISTRICT_KEY = "second_district"
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
            # The 甬江街道 platform's clerk enters, files it for the village.
            "filed",
            _project(
                "甬江街道孔浦村村道路灯改造工程",
                "甬江街道孔浦村股份经济合作社",
                "孔浦村",
                "SZ",
                "collective",
                "180000",
                "168900.00",
                "0",
                30,
                "村道路灯更换为LED灯具86套，更换老化线路。",
                town="甬江街道",
                contact=("邵明华", "0574-87330652"),
            ),
            False,
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
        Plan(
            # The second district's project: its respondents are its own pool's members.
            SECOND_DISTRICT_KEY,
            _project(
                "骆驼街道团桥村污水管网修复工程",
                "骆驼街道团桥村股份经济合作社",
                "团桥村",
                "SZ",
                "collective",
                "520000",
                "498000.00",
                "0",
                40,
                "村内破损污水管道开挖修复约900米，更换检查井18座。",
                town="骆驼街道",
                contact=("俞海军", "0574-86591120"),
            ),
            False,
            [
                (5, 9, 30, "submit", None),
                (4, 10, 30, "file", None),
                (3, 10, 30, "announce", (sz_rates, None)),
                (2, 10, 0, "respond", (0, 1)),
                (1, 9, 40, "respond", (2,)),
            ],
        ),
    ]


def office_of_town(town: str):
    """The platform of a demo project's town (app.demo.TOWN_OFFICES)."""
    from sqlalchemy import select

    from app.demo import TOWN_OFFICES
    from app.offices.models import Office

    return db.session.scalar(select(Office).where(Office.code == TOWN_OFFICES[town]))


def district_members(category: str, town: str = OWNER_TOWN) -> list:
    """THE rule for a demo project of `town`: the active members of its category, today, in its
    district's pool."""
    from app import clock
    from contractors.queries import active_members

    district_id = office_of_town(town).district_id
    return active_members(category, clock.today(), district_id=district_id)


def member_user(contractor_id: int) -> User:
    """The account of a pool member a plan's step names (by its index among the active members)."""
    return db.session.get(User, db.session.get(Contractor, contractor_id).user_id)
