"""Times the public pages and API lists at two sizes of data ([Scale]): 10,000 and 1,000,000
published notices spread over every notice type and a year, with proportional projects and
offices. A province on one deployment at both sizes: 100 districts (``--districts``), each with
its three street platforms and its own pool of 500 members — the offices and the pool do not grow
with the notices, a year's history does. Per 10,000 notices: 2,000 filed projects, 1,000
tradings with their 2,000 draws, responses and contracts, and about 50 complaints about held
meetings. Each block of notices is one district's
(in turn), its projects that district's or its platforms', its respondents members of that
district's pool. On SQLite and on PostgreSQL. For each page: the median of its anonymous
requests through the Flask test client at each size, their ratio (large / small: "ok" up to
1.2, else "over"), what the page holds at each size (`page_length`: an API page's items, a
page's list items and table rows, the statistics' companies) and the SQL statements each
request issues.

Like with like: the target is about the tables' size, not about a longer page. The measured
district (`<district>`, the middle one) holds at least MEASURED_BLOCKS blocks at every size, so
that its lists' first pages are full at 10,000 notices as at 1,000,000 (its turn among 100
districts would be 10 blocks at 10,000: one project drawn and not yet signed, 20 draws — pages
of 1 and 20 items against 20 and 50); at 1,000,000 its turn is more and the data are the same as
before. A ratio of pages that hold different numbers of items is still printed but judged only
when it is within 1.2 although the large page holds more; otherwise "unlike", not judged (the
district's statistics: at 10,000 its 400 blocks' tradings are of two pool categories, at
1,000,000 its 1,000 are all of one — fewer companies in the larger data). For the same reason
the district's category list names its own category at each size (the one it trades most in,
JZ first), not JZ, which it has at 10,000 and not at 1,000,000.

Run from the repository root: ``.venv/bin/python bench/scale.py [--sizes 10000,1000000]
[--requests N] [--only sqlite|postgresql] [--keep] [--reuse PATH_OR_URL] [--rounds N]``. SQLite
runs on a fresh temp file, PostgreSQL on a fresh database beside BENCH_DATABASE_URL's (default
postgresql://postgres@127.0.0.1:5432/test; skipped with a line when unreachable), dropped
afterwards unless --keep (which prints where they are; --reuse measures them again without
building, after applying the migrations added since: ``--reuse SMALL,LARGE`` reports the two side
by side with their ratio, ``--rounds N`` measuring them N times in alternating order). The data
are inserted directly, in batches, in one transaction; what is measured goes through the pages.
Lists are followed by their `rel="next"` / `next` links rather than by a guessed URL scheme. A
page cache in the configuration is switched off: this measures the queries.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import logging
import math
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

sys.path[0] = str(Path(__file__).resolve().parents[1])

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.keyset import MAX_OFFSET_PAGE  # noqa: E402
from app.offices.models import Office  # noqa: E402
from bench.timing import Statements, time_page  # noqa: E402
from config import TestingConfig, _normalise_db_url  # noqa: E402
from contractors.models import (  # noqa: E402
    Contractor,
    PoolCall,
    PoolCallCategory,
    PoolCategory,
    PoolSelection,
)
from contracts.complaints.models import Complaint  # noqa: E402
from contracts.models import Contract, Project, Trading, TradingResponse  # noqa: E402
from contracts.rules import Facts, stage_of  # noqa: E402
from contracts.services.rollup import rebuild  # noqa: E402
from contracts.views.stats import FAIRNESS_SHOWN  # noqa: E402
from lottery import engine, seeds  # noqa: E402
from lottery.models import Draw  # noqa: E402
from notices.models import Notice, NoticeAttachment, NoticeStatus  # noqa: E402
from notices.rules import NOTICE_TYPES  # noqa: E402
from tests.factories import make_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: The project states the data hold (`contracts.rules.ProjectState`), for the list's ?state=.
PROJECT_STATES = ("filed", "awaiting_meeting", "failed", "drawn", "signed")
START = datetime(2025, 6, 2, 9, 0, tzinfo=clock.TZ)
SPAN = timedelta(days=364)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=clock.TZ)  # after every time in the data
POOL_FROM, POOL_UNTIL = date(2025, 7, 1), date(2027, 7, 1)
RATES = ["3.00", "4.50", "6.00", "8.50"]
BATCH = 5_000
#: Per block of 10 notices (one trading): 2 projects, 2 draws; a pool member per 2 blocks.
BLOCK = 10
MEMBERS_PER_CALL = 500
#: Districts of the province (each with 3 platforms and its pool call of MEMBERS_PER_CALL).
DISTRICTS = 100
#: Blocks the measured district holds at least (`Plan.busy`): at 10,000 notices its turn among
#: 100 districts is 10 blocks — 20 projects and draws, ONE project drawn and not yet signed —
#: so its lists held shorter pages than at 1,000,000 (1,000 blocks) and the ratio compared a
#: page of 20 items with one of 50. With 400 (40 % of the blocks at 10,000) its first pages are
#: full at both sizes; at 1,000,000 its turn (1,000) is more and the data are as before.
MEASURED_BLOCKS = 400
#: A complaint about every this many blocks' trading (once its meeting is held).
COMPLAINT_EVERY = 20
DISTRICT_SUFFIX = "公共资源交易管理办公室"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SEARCH = "修缮"
#: The home page's columns of several types (notices.rules.COLUMNS): results, and the pool's.
RESULTS = "trading_result,trading_failed"
POOL = "pool_call,review_result,roster_publicity,roster"
EVERY = "(every district's pool together: 500 members a district)"

PLATFORMS = [("zhuangqiao", "庄桥街道"), ("hongtang", "洪塘街道"), ("yongjiang", "甬江街道")]
DISTRICT = ("jiangbei", "江北区公共资源交易管理办公室")
VILLAGES = [
    "鞍山",
    "湖田",
    "保丰",
    "妙山",
    "英雄",
    "河西",
    "宝河",
    "蒋家",
    "姚江",
    "天水",
    "费市",
    "马径",
    "云飞",
    "童家",
    "新联",
    "洪塘",
]
WORKS = [
    ("道路硬化工程", "SZ", "村内主干道及支路水泥混凝土路面硬化，含路基整平、排水边沟"),
    ("文化礼堂修缮工程", "JZ", "礼堂屋面翻修、外立面修缮、门窗更换及室内墙面粉刷"),
    ("河道清淤整治工程", "SL", "河道清淤、驳岸砌筑加固及沿河护栏安装"),
    ("雨污管网改造工程", "SZ", "雨污分流管网铺设、检查井砌筑及路面恢复"),
    ("公厕改造提升工程", "JZ", "公共厕所结构加固、洁具更换、给排水及无障碍设施改造"),
    ("绿化景观提升工程", "YL", "村口节点绿化、乔灌木种植、园路及休闲小品建设"),
    ("危旧房屋解危工程", "WF", "危旧房屋结构鉴定后的加固、局部拆除及屋面修缮"),
    ("村委会办公楼装修工程", "ZS", "办公楼室内装修、吊顶、地面铺装及水电改造"),
    ("农村公路养护工程", "GL", "路面病害处治、沥青罩面、标线及交通安全设施完善"),
    ("道路改造工程监理", "JL", "道路改造工程施工阶段监理，含质量、进度、安全管理"),
]
COMPANY = [
    "恒达",
    "宏远",
    "甬兴",
    "金港",
    "新城",
    "华业",
    "东方",
    "明州",
    "鑫盛",
    "永固",
    "德润",
    "三江",
    "海创",
    "路桥",
    "天成",
    "正泰",
]
#: The eight notices of a block beside the trading's own: each type's share over the year.
FILLERS = [
    "policy",
    "correction",
    "review_result",
    "complaint_decision",
    "sanction",
    "roster_publicity",
    "policy",
    "correction",
    "pool_call",
    "review_result",
    "policy",
    "correction",
    "complaint_decision",
    "sanction",
    "roster_publicity",
    "roster",
]
BASIS = (
    "根据《中华人民共和国政府信息公开条例》和本区小型建设工程交易管理有关规定，现予公开。"
    "对本公告内容有异议的，可在公示期内以书面形式向区公共资源交易管理办公室提出，并附相关证明"
    "材料；逾期提出或者无正当理由的，不予受理。监督电话：0574-87321234。"
)


@dataclass
class Row:
    times: list[float] = field(default_factory=list)  # ms
    statements: list[int] = field(default_factory=list)
    status: int = 200
    path: str = ""
    note: str = ""
    #: What the page holds (`page_length`): its items or rows, "63 co." for the statistics.
    length: str = "—"

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.status == 200 and self.times else None

    @property
    def sql(self) -> float | None:
        return statistics.median(self.statements) if self.statements else None


# ---- data, inserted directly -------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return clock.local(moment).strftime("%Y年%m月%d日%H:%M")


def _day_after(moment: datetime, days: int) -> datetime:
    """00:00 (+08:00) `days` days after `moment`'s local date: a publicity's exclusive end."""
    d = clock.local(moment).date() + timedelta(days=days)
    return datetime(d.year, d.month, d.day, tzinfo=clock.TZ)


def _town(office: tuple[int, str]) -> str:
    """Where an office's projects are: a platform's name, or the district's place."""
    return office[1].removesuffix(DISTRICT_SUFFIX)


def _uscc(k: int) -> str:
    return f"91330205MA2{k:06d}X"


def _company(k: int) -> str:
    return f"宁波{COMPANY[k % 16]}{COMPANY[(k // 16) % 16]}建设工程有限公司（{k}）"


class Plan:
    """What a size holds, computed the same at build and at measure: ids are given, not read."""

    def __init__(self, notices: int, districts: int = DISTRICTS):
        self.blocks = max(1, notices // BLOCK)
        self.notices = self.blocks * BLOCK
        #: Call c is district c % districts's; calls >= districts, so district d has call d.
        self.districts = max(1, min(districts, self.blocks))
        self.members = self.districts * MEMBERS_PER_CALL
        self.calls = math.ceil(self.members / MEMBERS_PER_CALL)
        self.step = SPAN / self.blocks
        #: The measured district (the pages' `<district>`: the middle one, `pages`) and the blocks
        #: it holds: its turn among the others, or MEASURED_BLOCKS spread evenly over the year
        #: when its turn gives fewer (so its lists' pages are full at the small size too).
        self.measured = self.districts // 2
        self.busy = (
            MEASURED_BLOCKS
            if self.districts > 1 and self.blocks // self.districts < MEASURED_BLOCKS
            else None
        )

    def district(self, b: int) -> int:
        """The district whose block b is: in turn, so every district's notices span the year —
        the measured one's blocks, when `busy`, the b whose share of `busy` steps on (Bresenham's
        rule: evenly over the year), the others in turn among the other districts."""
        if self.busy is None:
            return b % self.districts
        mine_before = b * self.busy // self.blocks  # the measured district's blocks before b
        if (b + 1) * self.busy // self.blocks > mine_before:
            return self.measured
        other = (b - mine_before) % (self.districts - 1)
        return other if other < self.measured else other + 1

    def project(self, b: int):
        """Block b's two projects: (code, name, work, village, office index in its district)."""
        out = []
        for k in (2 * b, 2 * b + 1):
            work = WORKS[k % len(WORKS)]
            village = VILLAGES[(k // len(WORKS)) % len(VILLAGES)] + "村"
            year = clock.local(START + self.step * b).year
            out.append((f"PRJ-{year}-{k + 1:06d}", work, village, k % 4))
        return out

    def respondents(self, b: int, category: int, n: int) -> list[int]:
        """Contractor indexes of the category's members who respond to block b's trading: members
        of its district's call (call d; contractor k is call k // MEMBERS_PER_CALL's)."""
        d = self.district(b)
        first = d * MEMBERS_PER_CALL
        in_call = min(MEMBERS_PER_CALL, self.members - first)
        per = max(1, (in_call - category + 7) // 8)
        return sorted({first + category + 8 * ((b * 5 + r) % per) for r in range(n)})


def _offices(n: int) -> list[list[tuple[int, str]]]:
    """`n` districts with three platforms each: per district [(id, name)], the district first.
    The first is 江北区 (jiangbei) with its streets; the others are named as bench/offices.py
    names them (d01 第1区…, its platforms d01-p0 第1区第0街道…)."""
    now = START - timedelta(days=60)
    out = []
    for d in range(n):
        if d == 0:
            code, name, platforms = (*DISTRICT, PLATFORMS)
        else:
            code, name = f"d{d:02d}", f"第{d}区{DISTRICT_SUFFIX}"
            platforms = [(f"d{d:02d}-p{p}", f"第{d}区第{p}街道") for p in range(len(PLATFORMS))]
        district = Office(code=code, name=name, kind="district", sort_order=d, created_at=now)
        db.session.add(district)
        db.session.flush()
        offices = [(district.id, name)]
        for i, (pcode, pname) in enumerate(platforms):
            o = Office(
                code=pcode,
                name=pname,
                kind="street",
                parent_id=district.id,
                sort_order=i + 1,
                created_at=now,
            )
            db.session.add(o)
            db.session.flush()
            offices.append((o.id, pname))
        out.append(offices)
    return out


def _pool(conn, plan: Plan, offices: list[list[tuple[int, str]]]) -> None:
    """Call c (of MEMBERS_PER_CALL members, in 8 categories) is district c % districts's."""
    categories = dict(db.session.execute(select(PoolCategory.code, PoolCategory.id)).all())
    codes = sorted(categories, key=lambda c: categories[c])
    conn.execute(
        PoolCall.__table__.insert(),
        [
            {
                "id": c + 1,
                "code": f"POOL-2025-{c + 1:03d}",
                "title": f"{_town(offices[c % plan.districts][0])}小型建设工程预选承包商名录库"
                f"征集（第{c + 1}批）",
                "office_id": offices[c % plan.districts][0][0],
                "requirements": "具有相应资质、安全生产许可证有效、近三年无不良行为记录。",
                "valid_from": POOL_FROM,
                "valid_until": POOL_UNTIL - timedelta(days=1),
                "publicity_days": 10,
                "revision": 1,
                "meeting_place": "区公共资源交易中心二楼",
                "created_at": START - timedelta(days=50),
            }
            for c in range(plan.calls)
        ],
    )
    conn.execute(
        PoolCallCategory.__table__.insert(),
        [
            {
                "id": c * 8 + k + 1,
                "call_id": c + 1,
                "category_id": categories[codes[k]],
                "quota": MEMBERS_PER_CALL,
                "sort_order": k,
                "outcome": "all_enter",
                "settled_at": START - timedelta(days=20),
            }
            for c in range(plan.calls)
            for k in range(8)
        ],
    )
    for start in range(0, plan.members, BATCH):
        ks = range(start, min(plan.members, start + BATCH))
        moment = START - timedelta(days=40)
        conn.execute(
            Contractor.__table__.insert(),
            [
                {
                    "id": k + 1,
                    "uscc": _uscc(k),
                    "name": _company(k),
                    "legal_representative": "张建国",
                    "contact_person": "李明",
                    "contact_mobile": f"+86139{k:08d}",
                    "address": f"浙江省宁波市江北区{VILLAGES[k % 16]}路{k % 300 + 1}号",
                    "safety_licence_number": f"（浙）JZ安许证字〔2024〕{k:06d}",
                    "safety_licence_valid_until": date(2027, 12, 31),
                    "registered_at": moment,
                    "updated_at": moment,
                    "checked_at": moment,
                }
                for k in ks
            ],
        )
        conn.execute(
            PoolSelection.__table__.insert(),
            [
                {
                    "call_category_id": (k // MEMBERS_PER_CALL) * 8 + k % 8 + 1,
                    "contractor_id": k + 1,
                    "status": "selected",
                    "position": k % MEMBERS_PER_CALL + 1,
                    "since": POOL_FROM,
                    "until": POOL_UNTIL,
                }
                for k in ks
            ],
        )


def _notice(nid, type_, title, body, office, at, **extra) -> dict:
    days = NOTICE_TYPES[type_].min_working_days
    row = {
        "id": nid,
        "type": type_,
        "title": title[:200],
        "body": body,
        "office_id": office[0],
        "issuing_body": office[1] if office[1].endswith("办公室") else f"{office[1]}办事处",
        "legal_basis": NOTICE_TYPES[type_].default_legal_basis,
        "status": "published",
        "min_working_days": days,
        "publish_due_at": None,
        "published_at": at,
        "publicity_ends_at": _day_after(at, days + 2 + days // 5 * 2) if days else None,
        "corrects_id": None,
        "subject_type": None,
        "subject_id": None,
        # What notices.services writes with a trading subject (notices.categories.of_subject).
        "category_code": None,
        "created_at": at - timedelta(minutes=30),
    }
    row.update(extra)
    return row


def _filler(type_: str, nid: int, b: int, j: int, at, district, previous) -> dict:
    """One of the notices that are not a trading's own, of `type_`."""
    n = b * BLOCK + j
    village = VILLAGES[n % 16] + "村"
    when = _local(at)
    if type_ == "correction" and previous is not None:
        code, title, _id, category = previous
        return _notice(
            nid,
            type_,
            f"关于{title}的更正公告",
            f"## 更正事项\n\n原公告（项目编号：{code}）中“定标会议地点”更正为“区公共资源交易中心"
            f"三楼第二会议室”，“业主联系人电话”更正为“0574-8765{n % 10000:04d}”；其余内容不变。"
            f"\n\n## 更正理由\n\n原公告填写有误，经业主申请、交易管理办公室核实后更正。\n\n{BASIS}",
            district,
            at,
            corrects_id=previous[2],
            subject_type="trading",
            subject_id=code,
            category_code=category,
        )
    if type_ == "correction":
        type_ = "policy"
    title, body = {
        "policy": (
            f"关于进一步规范小型建设工程交易活动的通知（江北公管〔{at.year}〕{n % 97 + 1}号）",
            "各街道（镇）、区级有关部门：\n\n为进一步规范我区小型建设工程交易活动，提高交易效率，"
            "防范廉政风险，现就有关事项通知如下：一、严格执行项目备案制度，业主应如实填报估算价、"
            "控制价及资金来源；二、交易公告须同时在平台和村务公开栏公示，公示期不少于3个工作日；"
            "三、承包单位和下浮率一律通过公开摇号确定，摇号结果可在平台独立验证；四、中标单位无正当"
            f"理由拒不签订合同的，记入不良行为记录。\n\n本通知自{when}起施行。\n\n{BASIS}",
        ),
        "complaint_decision": (
            f"{village}{WORKS[n % 10][0]}投诉处理决定书",
            f"投诉人：{_company(n)}；被投诉人：{village}股份经济合作社。\n\n投诉人称定标会议未按公告"
            "时间召开、响应企业名单未当场公布。经调取会议录像、摇号记录及签到表，定标会议按公告时间"
            "召开，响应企业名单已在会上宣读并由监督人员签字确认。根据《招标投标法实施条例》第六十二条"
            f"，本机关决定：驳回投诉。\n\n当事人对本决定不服的，可依法申请行政复议或者提起行政诉讼。\n\n{BASIS}",
        ),
        "sanction": (
            f"关于{_company(n)}不良行为的处理公告",
            f"{_company(n)}（统一社会信用代码：{_uscc(n % 1000)}）在{village}{WORKS[n % 10][0]}"
            "中，中标后无正当理由拒不签订合同。依据《招标投标法实施条例》第七十四条及本区预选承包商"
            "名录库管理办法，决定暂停其参与本区小型建设工程交易6个月，并记入不良行为记录。处理期限"
            f"自公告之日起计算。\n\n{BASIS}",
        ),
        "pool_call": (
            f"江北区小型建设工程预选承包商名录库征集公告（{at.year}年第{n % 9 + 1}批）",
            "## 一、征集范围\n\n建筑工程、建筑装修装饰工程、市政公用工程、园林绿化工程、水利水电"
            "工程、公路工程、危旧房屋解危工程及工程监理八个类别。\n\n## 二、申请条件\n\n具有独立法人"
            "资格，具备相应类别的施工总承包或专业承包资质，安全生产许可证在有效期内，近三年无重大"
            "安全质量事故和不良行为记录。\n\n## 三、申请方式\n\n在本平台注册并提交申请文件，公示期"
            f"内均可申请。\n\n{BASIS}",
        ),
        "review_result": (
            f"预选承包商名录库资格审查结果公示（{at.year}年第{n % 9 + 1}批）",
            f"经资格审查，共有{40 + n % 60}家企业申请，其中{30 + n % 40}家审查合格、其余审查不合格"
            "（不合格理由见附表：资质类别不符、安全生产许可证过期、申请材料不全等）。各类别合格企业"
            "超过入围数量的，将在摇号会议上以公开摇号方式确定入围企业和候补企业顺序。\n\n摇号会议时间"
            f"：{when}；地点：区公共资源交易中心二楼。\n\n{BASIS}",
        ),
        "roster_publicity": (
            f"预选承包商名录库入围企业名录公示（{at.year}年第{n % 9 + 1}批）",
            "经公开摇号，现将各类别入围企业及候补企业名单公示如下：建筑工程类入围"
            f"{_company(n)}、{_company(n + 1)}、{_company(n + 2)}等；市政公用工程类入围"
            f"{_company(n + 3)}、{_company(n + 4)}等。摇号记录可在平台“摇号记录”中查询并独立验证。"
            f"\n\n{BASIS}",
        ),
        "roster": (
            f"江北区小型建设工程预选承包商名录库入围企业名单（{at.year}年第{n % 9 + 1}批）",
            "入围企业名录公示期满无异议，现公布名录库入围企业名单。名录库有效期自"
            f"{POOL_FROM.isoformat()}至{(POOL_UNTIL - timedelta(days=1)).isoformat()}。入围企业"
            f"应保持资质和安全生产许可证有效，并及时更新联系方式。\n\n{BASIS}",
        ),
    }[type_]
    return _notice(nid, type_, title, body, district, at)


def _blocks(plan: Plan, offices, staff_id: int, keyring):
    """Block by block, the rows of every table: {table: [rows]} per batch of blocks."""
    per_batch = max(1, BATCH // BLOCK)
    previous = None
    tables = ("projects", "notices", "att", "tradings", "draws", "resp", "con", "complaints")
    for first in range(0, plan.blocks, per_batch):
        out = {t: [] for t in tables}
        for b in range(first, min(plan.blocks, first + per_batch)):
            mine = offices[plan.district(b)]  # the block's district and its platforms
            district = mine[0]
            at = START + plan.step * b
            nid = b * BLOCK + 1
            ids = iter(range(nid, nid + BLOCK))
            (code, work, village, oi), (code2, work2, village2, oi2) = plan.project(b)
            office = mine[oi]
            town = _town(office)
            name = f"{town}{village}{work[0]}"
            control = Decimal(150_000 + (b * 7919 % 600) * 5_000)
            for pid, pcode, pwork, pvillage, poi in (
                (2 * b + 1, code, work, village, oi),
                (2 * b + 2, code2, work2, village2, oi2),
            ):
                ptown = _town(mine[poi])
                pcontrol = control if pid == 2 * b + 1 else control + 25_000
                out["projects"].append(
                    {
                        "id": pid,
                        "code": pcode,
                        "name": f"{ptown}{pvillage}{pwork[0]}",
                        "owner_name": f"{ptown}{pvillage}股份经济合作社",
                        "office_id": mine[poi][0],
                        "town": ptown,
                        "village": pvillage,
                        "category_code": pwork[1],
                        "kind": "supervision" if pwork[1] == "JL" else "construction",
                        "funding": "collective" if pid % 3 else "state",
                        "estimate": pcontrol + 10_000,
                        "control_price": pcontrol,
                        "non_competitive_part": Decimal("0.00"),
                        "duration_days": 30 + pid % 5 * 15,
                        "scope": pwork[2],
                        "contact_person": "王建华",
                        "contact_phone": f"0574-8765{pid % 10000:04d}",
                        "documents": f"## 交易文件\n\n{pwork[2]}。",
                        "filing": "filed",
                        "sent_back_reasons": "",
                        "filed_at": at - timedelta(days=2),
                        "created_at": at - timedelta(days=5),
                    }
                )
            # The trading of the first project: its notice, two draws, responses, its result.
            close = _day_after(at, 5)
            meeting = close + timedelta(hours=9, minutes=30)
            category = next(
                i
                for i, c in enumerate(["JZ", "ZS", "SZ", "YL", "SL", "GL", "WF", "JL"])
                if c == work[1]
            )
            decided = meeting <= NOW
            failed = decided and b % 7 == 3
            people = plan.respondents(b, category, 2 if failed else 5)
            usccs = sorted(_uscc(k) for k in people)
            labels = {_uscc(k): _company(k) for k in people}
            award_id, rate_id = f"{code}-award", f"{code}-rate"
            notice_id = next(ids)
            out["notices"].append(
                _notice(
                    notice_id,
                    "trading_notice",
                    f"{name}交易公告",
                    f"## 一、项目概况\n\n{name}已经备案，现将交易有关事项公告如下。项目编号：{code}；"
                    f"业主：{town}{village}股份经济合作社；建设地点：{town}{village}；建设内容："
                    f"{work[2]}；计划工期：{30 + b % 5 * 15}日历天；**控制价**：{control:,.2f}元。\n\n"
                    f"## 二、承包单位产生方式\n\n从区预选承包商名录库相应类别入围企业中公开摇号确定承包"
                    f"单位（摇号编号 {award_id}），下浮率从{'%、'.join(RATES)}%中公开摇号确定（摇号编号"
                    f" {rate_id}）。\n\n## 三、响应与定标\n\n有意承接的入围企业应于{_local(close)}前在"
                    f"平台确认《交易响应承诺书》。定标会议于{_local(meeting)}在区公共资源交易中心二楼"
                    f"召开；响应企业不足3家的，交易失败。\n\n{BASIS}",
                    office,
                    at,
                    subject_type="trading",
                    subject_id=code,
                    category_code=work[1],
                )
            )
            if b % 10 == 0:
                out["att"].append(
                    {
                        "notice_id": notice_id,
                        "storage_key": f"bench-{notice_id}-{secrets.token_hex(8)}",
                        "original_name": f"{code}交易文件.pdf",
                        "content_type": "application/pdf",
                        "size": 180_000 + b % 1000,
                        "sha256": hashlib.sha256(code.encode()).hexdigest(),
                        "uploaded_at": at - timedelta(hours=1),
                    }
                )
            result_id = None
            trading = {
                "id": b + 1,
                "project_id": 2 * b + 1,
                "round": 1,
                "code": code,
                "notice_id": notice_id,
                "responses_close_at": close,
                "meeting_at": meeting,
                "meeting_place": "区公共资源交易中心二楼",
                "rate_options": RATES,
                "award_draw_id": award_id,
                "rate_draw_id": rate_id,
                "outcome": None,
                "failed_reason": "",
                "held_at": None,
                "winner_uscc": None,
                "discount_rate": None,
                "contract_price": None,
                "result_notice_id": None,
                "letter_issued_at": None,
                "suspended_at": None,
                "created_at": at,
            }
            draws = []
            for draw_id, kind, candidates, purpose in (
                (award_id, "ranking", usccs, "确定承包单位"),
                (rate_id, "pick", RATES, "确定下浮率"),
            ):
                seed = hashlib.sha256(f"bench-seed-{draw_id}".encode()).hexdigest()
                draw = {
                    "draw_id": draw_id,
                    "kind": kind,
                    "purpose": f"{name}（{code}）{purpose}",
                    "winners": 1,
                    "status": "committed",
                    "seed": None,
                    "sealed_seed": None,
                    "seed_commitment": engine.commitment(bytes.fromhex(seed)),
                    "committed_at": at,
                    "candidates": RATES if kind == "pick" else None,
                    "candidate_labels": labels
                    if kind == "ranking"
                    else {r: f"{r}%" for r in RATES},
                    "pending_entropy": None,
                    "public_entropy": None,
                    "drawn_at": None,
                    "result": None,
                    "abandon_reason": None,
                    "abandoned_at": None,
                    "office_id": office[0],
                    "subject_type": "trading",
                    "subject_code": code,
                    "subject_label": name,
                    "committed_by_id": staff_id,
                    "drawn_by_id": None,
                    "abandoned_by_id": None,
                }
                if not decided:
                    draw["sealed_seed"] = keyring.seal(bytes.fromhex(seed), draw_id)
                elif failed:
                    draw.update(
                        status="abandoned",
                        seed=seed,
                        abandon_reason="响应企业不足3家，交易失败",
                        abandoned_at=meeting,
                        abandoned_by_id=staff_id,
                    )
                else:
                    entropy = [f"{meeting:%Y%m%d}", f"{b * 7919 % 100000:05d}", "现场骰子 3 5 2"]
                    draw.update(
                        status="drawn",
                        seed=seed,
                        candidates=candidates,
                        public_entropy=entropy,
                        drawn_at=meeting,
                        drawn_by_id=staff_id,
                        result=engine.run(kind, draw_id, seed, entropy, candidates),
                    )
                draws.append(draw)
            out["draws"].extend(draws)
            for k in people:
                out["resp"].append(
                    {
                        "trading_id": b + 1,
                        "contractor_id": k + 1,
                        "commitment_text": f"本单位承诺响应{name}（{code}），接受摇号确定的下浮率。",
                        "confirmed_at": at + timedelta(days=1, minutes=k % 600),
                        "withdrawn_at": None,
                    }
                )
            if decided:
                result_id = next(ids)
                trading.update(held_at=meeting, result_notice_id=result_id)
                if failed:
                    trading.update(outcome="failed", failed_reason="响应企业不足3家")
                    title, body = (
                        f"{name}流标公告",
                        f"{name}（项目编号：{code}）于{_local(meeting)}召开定标会议，确认响应的企业"
                        f"共{len(people)}家，不足规定的3家，交易失败。承包单位摇号和下浮率摇号均已作废，"
                        f"种子已公开。业主可重新发布交易公告。\n\n{BASIS}",
                    )
                else:
                    winner = draws[0]["result"][0]
                    rate = draws[1]["result"][0]
                    price = (control * (1 - Decimal(rate) / 100)).quantize(Decimal("0.01"))
                    trading.update(
                        outcome="drawn",
                        winner_uscc=winner,
                        discount_rate=Decimal(rate),
                        contract_price=price,
                        letter_issued_at=meeting + timedelta(hours=1),
                    )
                    title, body = (
                        f"{name}交易结果公告",
                        f"{name}（项目编号：{code}）于{_local(meeting)}召开定标会议，公开摇号确定："
                        f"承包单位为{labels[winner]}（统一社会信用代码：{winner}）；下浮率{rate}%；"
                        f"合同价{price:,.2f}元。摇号记录：{award_id}、{rate_id}，可在平台独立验证。"
                        f"\n\n中标单位应在交易结果通知书发出之日起三十日内与业主签订合同。\n\n{BASIS}",
                    )
                    if meeting + timedelta(days=30) < NOW:
                        out["con"].append(
                            {
                                "trading_id": b + 1,
                                "contractor_id": int(winner[11:17]) + 1,
                                "signed_on": clock.local(meeting).date() + timedelta(days=9),
                                "amount": price,
                                "amount_reason": "",
                                "recorded_at": meeting + timedelta(days=10),
                                "recorded_by_id": None,
                            }
                        )
                out["notices"].append(
                    _notice(
                        result_id,
                        "trading_failed" if failed else "trading_result",
                        title,
                        body,
                        office,
                        meeting + timedelta(hours=1),
                        subject_type="trading",
                        subject_id=code,
                        category_code=work[1],
                    )
                )
            out["tradings"].append(trading)
            # Each project's stage, as contracts.stage keeps it on a flush: THE rule's, of the
            # facts just built (the second project has no trading).
            signed = bool(out["con"]) and out["con"][-1]["trading_id"] == trading["id"]
            first = Facts("filed", close, trading["outcome"], signed, False)
            out["projects"][-2].update(stage=str(stage_of(first)), responses_close_at=close)
            out["projects"][-1].update(stage=str(stage_of(Facts("filed"))), responses_close_at=None)
            if decided and b % COMPLAINT_EVERY == COMPLAINT_EVERY // 2:
                out["complaints"].append(
                    _complaint(b, code, name, office, people[0], labels, meeting, staff_id)
                )
            for j, nid in enumerate(ids, start=BLOCK - 8):
                type_ = FILLERS[(b * 8 + j) % len(FILLERS)]
                moment = at + plan.step * (j + 1) / (BLOCK + 2)
                out["notices"].append(_filler(type_, nid, b, j, moment, district, previous))
            previous = (code, f"{name}交易公告", notice_id, work[1])
        yield out


def _complaint(b, code, name, office, k, labels, meeting, staff_id) -> dict:
    """A respondent's complaint about the result of block b's trading: accepted the next day,
    dismissed 20 days after receipt when that is before NOW."""
    received = meeting + timedelta(days=2)
    decided = received + timedelta(days=20)
    decided = decided if decided < NOW else None
    return {
        "trading_id": b + 1,
        "office_id": office[0],
        "matter": "result",
        "complainant_contractor_id": k + 1,
        "complainant_name": labels[_uscc(k)],
        "complainant_contact": f"李明 +86139{k:08d}",
        "respondent_name": f"{name}业主",
        "respondent_contact": "王建华 0574-87654321",
        "respondent_uscc": None,
        "facts": f"{name}（{code}）定标会议未按公告时间召开、响应企业名单未当场公布。",
        "requests": "请求认定定标结果无效并重新组织交易。",
        "knew_on": clock.local(meeting).date(),
        "window_ends_at": _day_after(meeting, 10),
        "received_at": received,
        "filed_by_id": None,
        "on_paper": True,
        "accept_by": _day_after(received, 5),
        "accepted_at": received + timedelta(days=1),
        "accepted_by_id": staff_id,
        "refused_at": None,
        "refusal_ground": None,
        "refusal_reason": "",
        "violation_found_at": None,
        "violation_finding": "",
        "decided_at": decided,
        "decided_by_id": staff_id if decided else None,
        "outcome": "dismissed" if decided else None,
        "decision_facts": "经调取会议录像、摇号记录及签到表，定标会议按公告时间召开。"
        if decided
        else "",
        "decision_basis": "《招标投标法实施条例》第六十二条" if decided else "",
        "decision_text": "驳回投诉。" if decided else "",
        "decision_notice_id": None,
        "withdrawn_at": None,
        "withdrawal_reason": "",
        "suspended_at": None,
        "resumed_at": None,
    }


def build(plan: Plan) -> None:
    """The size's rows, inserted in one transaction (after the offices and a staff account)."""
    offices = _offices(plan.districts)
    staff = make_user("staff", "bench-staff", office=db.session.get(Office, offices[0][0][0]))
    db.session.commit()
    staff_id, keyring = staff.id, seeds.keyring()
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA journal_mode=MEMORY")
            conn.commit()
        with conn.begin():
            _pool(conn, plan, offices)
            tables = {
                "projects": Project.__table__,
                "notices": Notice.__table__,
                "att": NoticeAttachment.__table__,
                "tradings": Trading.__table__,
                "draws": Draw.__table__,
                "resp": TradingResponse.__table__,
                "con": Contract.__table__,
                "complaints": Complaint.__table__,
            }
            for batch in _blocks(plan, offices, staff_id, keyring):
                for key, table in tables.items():
                    if batch[key]:
                        conn.execute(table.insert(), batch[key])
            if not sqlite:
                for table in ("notices", "projects", "tradings", "contractors", "pool_calls"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('pool_call_categories', 'id'), "
                    "(SELECT max(id) FROM pool_call_categories))"
                )
            # The rows went in around the services that keep the statistics' rollup: it is
            # rebuilt as `flask stats rebuild` does (an empty rollup timed the pages of nothing).
            rebuild(conn)
        if sqlite:
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
            conn.exec_driver_sql("PRAGMA synchronous=FULL")
            conn.commit()
    if not sqlite:
        # What autovacuum would have done by the time a year of notices is online.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


# ---- measuring ---------------------------------------------------------------------------------


_LINK = re.compile(r"<a\b[^>]*>", re.I)


def next_link(body: str) -> str | None:
    """The href of the page's first `rel="next"` link (relative to the site), if any."""
    for tag in _LINK.findall(body):
        if re.search(r"""\brel=["']?next\b""", tag):
            href = re.search(r"""\bhref=["']([^"']+)""", tag)
            if href:
                return _relative(html.unescape(href.group(1)))
    return None


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _office_next(client, district: str) -> str:
    """The district's notice list three `rel="next"` links down (its `?after=` pages)."""
    path = f"/notices/?office={district}"
    for _ in range(3):
        path = next_link(client.get(path).get_data(as_text=True)) or path
    return path


def pages(client) -> list[tuple[str, str]]:
    """(name, path) of every measured page, with the ids and links of this data set."""
    t = db.session.execute(
        select(Trading.code, Trading.notice_id, Trading.award_draw_id, Project.code)
        .join(Project, Trading.project_id == Project.id)
        .where(Trading.outcome == "drawn")
        .order_by(Trading.id)
        .offset(db.session.scalar(select(func.count()).where(Trading.outcome == "drawn")) // 2)
        .limit(1)
    ).one()
    _code, notice_id, draw_id, project = t
    # The deepest `?page=` an old link may still name (app.keyset: an OFFSET that small), and a
    # cursor half-way down the list, where every later page of it is read.
    deepest = MAX_OFFSET_PAGE
    middle = db.session.scalar(
        select(Notice.id)
        .where(Notice.status == NoticeStatus.PUBLISHED)
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .offset(
            db.session.scalar(select(func.count()).where(Notice.status == NoticeStatus.PUBLISHED))
            // 2
        )
        .limit(1)
    )
    # A district in the middle of the province: its own pool.
    districts = db.session.scalars(
        select(Office.code).where(Office.kind == "district").order_by(Office.sort_order)
    ).all()
    district = districts[len(districts) // 2]
    # The district's pool category with the most trading notices in it (JZ first, if it has
    # any): its category list of the district after the middle is full at both sizes (d50's
    # tradings are all SZ at 1,000,000, JZ and GL at 10,000 — `Plan.district`).
    ids = select(Office.id).where(
        (Office.code == district)
        | (Office.parent_id == select(Office.id).where(Office.code == district).scalar_subquery())
    )
    category = db.session.scalar(
        select(Notice.category_code)
        .where(Notice.type == "trading_notice", Notice.office_id.in_(ids))
        .group_by(Notice.category_code)
        .order_by((Notice.category_code == "JZ").desc(), func.count().desc(), Notice.category_code)
        .limit(1)
    )
    out = [
        ("/", "/"),
        ("/notices/", "/notices/"),
        ("/notices/?page=2", "/notices/?page=2"),
        (f"/notices/?page={deepest}", f"/notices/?page={deepest}"),
        ("/notices/?after=<the middle>", f"/notices/?after={middle}"),
    ]
    path, hops = "/notices/", 0
    while hops < 3:
        found = next_link(client.get(path).get_data(as_text=True))
        if found is None:
            break
        path, hops = found, hops + 1
        out.append((f"/notices/ rel=next ×{hops}", path))
    out += [
        ("/notices/?type=trading_result", "/notices/?type=trading_result"),
        # A home column's list of several types: a range per type, merged (app.keyset.Merged).
        (f"/notices/?type={RESULTS}", f"/notices/?type={RESULTS}"),
        (
            f"/notices/?type={RESULTS}&after=<the middle>",
            f"/notices/?type={RESULTS}&after={middle}",
        ),
        (f"/notices/?type={POOL}", f"/notices/?type={POOL}"),
        # A pool category's list: a range of its (status, category_code, published_at, id) index.
        # JL has no trading here (an empty list: the farthest walk the old rule made), JZ many.
        ("/notices/?category=JL", "/notices/?category=JL"),
        ("/notices/?category=JL&after=<the middle>", f"/notices/?category=JL&after={middle}"),
        ("/notices/?category=JZ&after=<the middle>", f"/notices/?category=JZ&after={middle}"),
        (
            "/notices/?category=<its category>&office=<district>&after=<the middle>",
            f"/notices/?category={category}&office={district}&after={middle}",
        ),
        ("/notices/<id>", f"/notices/{notice_id}"),
        ("/api/v1/notices", "/api/v1/notices"),
    ]
    path = "/api/v1/notices"
    for hop in range(1, 4):
        found = client.get(path).get_json().get("next")
        if not found:
            break
        path = _relative(found)
        out.append((f"/api/v1/notices next ×{hop}", path))
    out += [
        ("/api/v1/notices?type=trading_result", "/api/v1/notices?type=trading_result"),
        (f"/api/v1/notices?type={RESULTS}", f"/api/v1/notices?type={RESULTS}"),
        ("/projects/", "/projects/"),
        # The list by state (its ?state= filter: THE state rule in SQL, on each project's latest
        # trading), each state the data hold.
        *((f"/projects/?state={s}", f"/projects/?state={s}") for s in PROJECT_STATES),
        ("/projects/<code>", f"/projects/{project}"),
        ("/api/v1/projects", "/api/v1/projects"),
        ("/draws/", "/draws/"),
        ("/draws/<draw_id>", f"/draws/{draw_id}"),
        ("/api/v1/draws", "/api/v1/draws"),
        # A district's lists (its office's and its platforms'): a range per office, merged.
        *(
            (f"{path}?{query}office=<district>", f"{path}?{query}office={district}")
            for path, query in (
                ("/notices/", ""),
                ("/notices/", "page=3&"),
                ("/notices/", "type=trading_result&"),
                ("/notices/", f"type={RESULTS}&"),
                ("/api/v1/notices", ""),
                ("/projects/", ""),
                ("/projects/", "state=drawn&"),
                ("/projects/", "state=signed&"),
                ("/api/v1/projects", ""),
                ("/draws/", ""),
                ("/api/v1/draws", ""),
            )
        ),
        ("/notices/?office=<district> rel=next ×3", _office_next(client, district)),
        ("/pool/?office=<district>", f"/pool/?office={district}"),
        ("/api/v1/pool?office=<district>", f"/api/v1/pool?office={district}"),
        (f"/pool/ {EVERY}", "/pool/"),
        (f"/api/v1/pool {EVERY}", "/api/v1/pool"),
        ("/offices/<district>", f"/offices/{district}"),
        ("/api/v1/complaints", "/api/v1/complaints"),
        # The public statistics of the current year (half of a year's data: 2026-01 to -06).
        ("/stats/", "/stats/"),
        ("/stats/?office=<district>", f"/stats/?office={district}"),
        ("/api/v1/stats", "/api/v1/stats"),
        (f"/search?q={SEARCH} (another issue's)", f"/search?q={SEARCH}"),
    ]
    return out


_TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S)
_NOTICE_LIST = re.compile(r'<ul class="notice-list">.*?</ul>', re.S)
_OTHERS = re.compile(r"其余(\d+)家企业")


def page_length(path: str, response) -> str:
    """What a page holds, to compare like with like: an API page's `items` (for /api/v1/stats,
    its fairness test's companies, "63 co."); a page's rows — the items of its notice lists and the rows
    of its tables' bodies; the statistics page's companies in its fairness test ("63 co."), which
    it computes whole whatever part it shows. "—" when it holds none of these."""
    if response.status_code != 200:
        return "—"
    if response.is_json:
        body = response.get_json()
        if isinstance(body, dict) and isinstance(body.get("items"), list):
            return str(len(body["items"]))
        fairness = body.get("fairness") if isinstance(body, dict) else None
        if isinstance(fairness, dict) and isinstance(fairness.get("companies"), list):
            return f"{len(fairness['companies'])} co."
        return "—"
    text_ = response.get_data(as_text=True)
    if urlsplit(path).path == "/stats/":
        others = _OTHERS.search(text_)
        shown = text_.count('data-label="序号"')
        return f"{FAIRNESS_SHOWN + int(others.group(1)) if others else shown} co."
    lists = "".join(_NOTICE_LIST.findall(text_))
    rows = lists.count("<li") - lists.count('<li class="empty"')
    rows += sum(body.count("<tr") for body in _TBODY.findall(text_))
    return str(rows)


def measure(app, args) -> dict[str, Row]:
    counter = Statements(db.engine)
    client = app.test_client()
    rows: dict[str, Row] = {}
    for name, path in pages(client):
        row = Row(path=path)
        first = time_page(
            client,
            path,
            row,
            counter,
            requests=args.requests,
            budget=args.budget,
            timer=time.process_time if args.cpu else None,
        )
        row.length = page_length(path, first)
        if row.status == 200 and not row.note:
            if len(row.times) < args.requests:
                row.note = f"{len(row.times)} requests (budget)"
            if (path != "/" and 'class="empty"' in first.get_data(as_text=True)) or (
                first.is_json and (first.get_json() or {}).get("items", True) == []
            ):
                row.note = (row.note + "; " if row.note else "") + "an empty list"
        rows[name] = row
    return rows


def pooled(kept: dict[str, Row], more: dict[str, Row]) -> dict[str, Row]:
    """`kept`'s rows with `more`'s requests added: one median over every round."""
    for name, row in more.items():
        mine = kept.setdefault(name, Row(path=row.path, status=row.status))
        mine.times += row.times
        mine.statements += row.statements
        mine.status = row.status if row.status != 200 else mine.status
        mine.note = mine.note or row.note
        mine.length = row.length if mine.length == "—" else mine.length
    return kept


def cache_off() -> tuple[dict, str]:
    """Overrides that switch a page cache off, if the configuration has one by now."""
    names = [n for n in dir(TestingConfig) if "CACHE" in n and n.isupper()]
    overrides: dict = {}
    for name in names:
        value = getattr(TestingConfig, name)
        if name == "CACHE_TYPE":
            overrides[name] = "NullCache"
        elif isinstance(value, bool):
            overrides[name] = False
        elif name.endswith(("_SECONDS", "_TIMEOUT")) and isinstance(value, int | float):
            overrides[name] = 0
    if not overrides:
        return {}, "no page cache in the configuration"
    return overrides, "page cache OFF (" + ", ".join(
        f"{k}={v!r}" for k, v in overrides.items()
    ) + ")"


def run_one(url: str, size: int | None, args, tmp: Path, overrides: dict):
    """Build `size` notices at `url` (None: reuse what is there) and time the pages."""
    app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp / "up"), **overrides
    )
    with app.app_context():
        built = None
        # A reused database gets the migrations added since it was built (indexes), too.
        upgrade(directory=str(ROOT / "migrations"))
        if size is not None:
            clock.set_now(START - timedelta(days=60))
            started = time.perf_counter()
            build(Plan(size, args.districts))
            built = time.perf_counter() - started
        clock.set_now(NOW)
        count = db.session.scalar(select(func.count()).select_from(Notice))
        rows = measure(app, args)
        db.session.remove()
        db.engine.dispose()
    clock.reset()
    return count, built, rows


def _postgres(base_url: str, size: int):
    """A fresh database beside `base_url`'s: (its url, a function that drops it)."""
    admin_url = make_url(_normalise_db_url(base_url))
    name = f"smallworks_bench_scale_{size}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def _reachable(base_url: str) -> str | None:
    """None if PostgreSQL answers at `base_url`, else why not."""
    try:
        engine_ = create_engine(_normalise_db_url(base_url), connect_args={"connect_timeout": 3})
        with engine_.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine_.dispose()
    except Exception as e:  # any failure means: skip it, say why
        return str(e).splitlines()[0]
    return None


def _count(length: str) -> int | None:
    """The number in a page's length ("20", "63 co."), None for "—"."""
    digits = re.match(r"\d+", length)
    return int(digits.group()) if digits else None


def report(label: str, sizes: list[int], results: dict[int, tuple]) -> None:
    names = list(dict.fromkeys(n for s in sizes for n in results[s][2]))
    small, large = sizes[0], sizes[-1]
    print(f"\n{label}")
    for s in sizes:
        count, built, rows = results[s]
        how = f"built in {built:.1f} s" if built is not None else "reused"
        district = rows.get("/offices/<district>")
        where = f"; <district> = {district.path.rsplit('/', 1)[1]}" if district else ""
        mine = next((r for n, r in rows.items() if "<its category>" in n), None)
        if mine:
            code = re.search(r"category=(\w+)", mine.path)
            where += f", <its category> = {code.group(1) if code else '—'}"
        print(f"  {s:>9,} asked: {count:,} notices, {how}{where}")
    head = "".join(f"{f'ms @{s:,}':>15}" for s in sizes)
    sql = "".join(f"{f'SQL @{s:,}':>16}" for s in sizes)
    held = "".join(f"{f'len @{s:,}':>16}" for s in sizes)
    w = max(44, *(len(n) + 1 for n in names))
    print(
        "len: what the page holds (API: items; page: list items and table rows; statistics: "
        "companies in the fairness test, computed whole)"
    )
    print(f"{'page':{w}}{head}{'ratio':>8}{held}{sql}  note")
    verdicts = []
    for name in names:
        cells, ratio = "", None
        got = [results[s][2].get(name) for s in sizes]
        for row in got:
            if row is None:
                cells += f"{'—':>15}"
            elif row.status != 200:
                cells += f"{f'HTTP {row.status}':>15}"
            else:
                cells += f"{row.median:>15.1f}"
        sqls = "".join(f"{row.sql:>16.0f}" if row and row.sql else f"{'—':>16}" for row in got)
        if got[0] and got[-1] and got[0].median and got[-1].median:
            ratio = got[-1].median / got[0].median
        notes = "; ".join(
            f"@{s:,}: {r.note}" for s, r in zip(sizes, got, strict=True) if r and r.note
        )
        lengths = [row.length if row else "—" for row in got]
        cells += f"{f'{ratio:.2f}' if ratio else '—':>8}" + "".join(f"{n:>16}" for n in lengths)
        print(f"{name:{w}}{cells}{sqls}  {notes}")
        verdicts.append((name, ratio, lengths))
    print(f"\n{label}: {large:,} vs {small:,} notices")
    for name, ratio, lengths in verdicts:
        # The target is about the tables' size, not a longer page: a ratio of pages that hold
        # different numbers of items is judged only when it is ok although the large page holds
        # more; otherwise it measures the pages' lengths too (or flatters): shown, not judged.
        held = [_count(n) for n in lengths]
        if ratio is None:
            verdict = "—"
        elif lengths[0] == lengths[-1]:
            verdict = "ok" if ratio <= 1.2 else "over"
        elif ratio <= 1.2 and None not in held and held[-1] > held[0]:
            verdict = f"ok (the large page holds more: {lengths[0]} vs {lengths[-1]})"
        else:
            verdict = f"unlike ({lengths[0]} vs {lengths[-1]}): not judged"
        print(f"  {name:{w}} ratio {f'{ratio:.2f}' if ratio else '—':>7}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="notices, comma-separated")
    parser.add_argument("--requests", type=int, default=25, help="timed requests of each page")
    parser.add_argument(
        "--budget", type=float, default=20.0, help="seconds of timed requests per page at most"
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU, not the wall clock (steadier on a shared machine; on "
        "PostgreSQL it leaves out the server's work)",
    )
    parser.add_argument(
        "--districts",
        type=int,
        default=DISTRICTS,
        help="districts at every size (3 platforms each)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases; print where")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --reuse: measure the databases this many times in alternating order, every "
        "round's requests pooled into one median",
    )
    parser.add_argument(
        "--reuse",
        help="time kept databases again (SQLite path or PostgreSQL URL; two, comma-separated)",
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' progress lines
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    overrides, cache_note = cache_off()
    tmp = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    print(
        (
            "Reused databases"
            if args.reuse
            else f"Sizes {', '.join(f'{s:,}' for s in sizes)} notices"
        )
        + f"; {args.requests} requests a page "
        f"(median, after a warm-up; {'CPU' if args.cpu else 'wall'} time), anonymous, Flask test "
        f"client; {cache_note}; Python {sys.version.split()[0]}"
    )
    if args.reuse:
        urls = [
            _normalise_db_url(one if "://" in one else f"sqlite:///{Path(one).resolve()}")
            for one in args.reuse.split(",")
        ]
        reused: dict[int, tuple] = {}
        for n in range(args.rounds):
            # Alternate the order round by round (A B, B A, …): the first database measured
            # finds the server's and the OS's caches cold, and the second warm.
            for url in urls if n % 2 == 0 else reversed(urls):
                count, built, rows = run_one(url, None, args, tmp, overrides)
                reused[count] = (count, built, pooled(reused.get(count, (0, 0, {}))[2], rows))
        report(f"{args.reuse} (reused, {args.rounds} rounds)", sorted(reused), reused)
        shutil.rmtree(tmp, ignore_errors=True)  # its upload folders: the databases stay
        return 0
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    targets = []
    if args.only in (None, "sqlite"):
        targets.append("sqlite")
    if args.only in (None, "postgresql"):
        why = _reachable(base)
        if why is None:
            targets.append("postgresql")
        else:
            print(f"PostgreSQL at {make_url(base).render_as_string()} unreachable, skipped: {why}")
    for target in targets:
        results = {}
        for size in sizes:
            if target == "sqlite":
                path = tmp / f"scale-{size}.sqlite3"
                url, drop = f"sqlite:///{path}", (None if args.keep else path.unlink)
            else:
                url, drop = _postgres(base, size)
                drop = None if args.keep else drop
            try:
                results[size] = run_one(url, size, args, tmp / f"{target}-{size}", overrides)
            finally:
                if drop is not None:
                    drop()
            if args.keep:
                print(f"kept {target} {size:,}: {make_url(url).render_as_string()}")
            print(f"  … {target} {size:,} done", flush=True)
        report("SQLite (temp file)" if target == "sqlite" else "PostgreSQL", sizes, results)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
