"""Factories of the pool tests: companies with valid credit codes, a call, and the phase's steps
up to any point, on the real 2026 calendar (Mid-Autumn and National Day in the call's window)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors import queries, services
from contractors.identity import uscc_check_char
from contractors.models import (
    ApplicationEntry,
    Consultation,
    Contractor,
    Objection,
    PoolApplication,
    PoolCall,
    PoolSelection,
)
from lottery.demo import uscc
from lottery.models import Draw
from notices.models import Notice
from tests.factories import make_user


def village_uscc(body: str = "330205MA2K7Q") -> str:
    """A village collective's code (N2…: 农业农村 + 村集体经济组织), check character computed."""
    first17 = ("N2" + body + "00000")[:17]
    return first17 + uscc_check_char(first17)


_ORGS = ["1440257", "1440813", "2548406", "7204836", "MA281Q3", "MA2AG7E", "MA2CKT5", "MA2B1KX"]


def company(n: int) -> str:
    return uscc(_ORGS[n] + "6")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=clock.TZ)


def register(n: int, *, name: str | None = None, user=None, **overrides) -> Contractor:
    user = user or make_user("contractor")
    return services.register_contractor(registration(n, name=name, **overrides), actor=user)


def registration(n: int, *, name: str | None = None, **overrides) -> services.ContractorInput:
    """Company n's details as its account registers them."""
    return services.ContractorInput(
        uscc=overrides.pop("uscc", company(n)),
        name=name or f"宁波测试建设有限公司{n}",
        legal_representative="张三",
        contact_person="李四",
        contact_mobile=overrides.pop("contact_mobile", f"1380574{n:04d}"),
        address="宁波市江北区洪塘街道某路1号",
        safety_licence_number=f"(浙)JZ安许证字[2024]0{n:05d}",
        qualifications=(
            services.QualificationInput("建筑工程施工总承包", "三级", f"D3330{n:05d}"),
        ),
        **overrides,
    )


def call_input(**overrides) -> services.CallInput:
    return services.CallInput(
        title=overrides.pop("title", "2027年度小型建设工程预选承包商名录库征集"),
        valid_from=overrides.pop("valid_from", at(2026, 11, 1).date()),
        valid_until=overrides.pop("valid_until", at(2028, 10, 31).date()),
        categories=overrides.pop("categories", (("JZ", 3), ("SZ", 3))),
        requirements=overrides.pop("requirements", "具有相应资质和有效的安全生产许可证。"),
        meeting_place=overrides.pop("meeting_place", "区公共资源交易中心一楼开标室"),
        **overrides,
    )


class Phase:
    """The actors and records of one walk through procedure A.

    `offset` moves the whole walk in time — every step, the pool's validity and the meeting — so
    that a pool can be active earlier (e.g. `timedelta(weeks=-40)` runs the round from December
    2025 to January 2026, its members active from 2026-01-25). Whole weeks keep the weekdays; the
    default runs it at the dates written below."""

    def __init__(self, offset: timedelta = timedelta(0), *, district=None):
        """`district`: the district whose pool the call fills, its staff and reviewer its
        accounts (the default district unless given). Two districts' phases share their
        companies: a company registers once per deployment and applies to each call."""
        extra = {} if district is None else {"office": district}
        self.staff = make_user("staff", organisation="区公共资源交易管理办公室", **extra)
        self.reviewer = make_user("reviewer", organisation="区住房和城乡建设局", **extra)
        self.call: PoolCall | None = None
        self.contractors: list[Contractor] = []
        self.offset = offset

    def _set_now(self, when) -> None:
        clock.set_now(at(*when) + self.offset)

    def draft_and_consult(self, when=(2026, 9, 18, 10, 0)) -> PoolCall:
        self._set_now(when)
        data = call_input(
            valid_from=at(2026, 11, 1).date() + self.offset,
            valid_until=at(2028, 10, 31).date() + self.offset,
        )
        self.call = services.create_call(data, actor=self.staff)
        services.record_consultation(
            self.call.id, "同意，类别与数量合理。", True, actor=self.reviewer
        )
        return self.call

    def publish_call(self, when=(2026, 9, 21, 10, 0)):
        self._set_now(when)
        return services.publish_call(self.call.id, actor=self.staff)

    def applicants(self, when=(2026, 9, 22, 9, 0)):
        """Five apply for 建筑工程 (quota 3), two of them also for 市政公用工程 (quota 3)."""
        self._set_now(when)
        for n in range(5):
            c = queries.contractor_by_uscc(company(n)) or register(n)
            self.contractors.append(c)
            cats = ["JZ", "SZ"] if n < 2 else ["JZ"]
            services.apply(self.call.id, cats, actor=_user(c))
        return self.contractors

    def review(self, when=(2026, 10, 13, 9, 0)):
        """All pass but company 4's 建筑工程 (fail: 资质等级不足)."""
        self._set_now(when)
        for e in queries.entries_of(self.call.id):
            if e.application.contractor.uscc == company(4):
                services.record_decision(
                    e.id,
                    "fail",
                    "grade_insufficient",
                    "资质等级为三级，要求二级",
                    actor=self.reviewer,
                )
            else:
                services.record_decision(e.id, "pass", actor=self.reviewer)
        services.schedule_meeting(
            self.call.id,
            at(2026, 10, 19, 9, 30) + self.offset,
            "区公共资源交易中心一楼开标室",
            actor=self.staff,
        )

    def publish_review(self, when=(2026, 10, 13, 10, 0)):
        self._set_now(when)
        return services.publish_review_results(self.call.id, actor=self.staff)

    def failed_entry(self) -> ApplicationEntry:
        return next(e for e in queries.entries_of(self.call.id) if e.decision == "fail")

    def meeting(self, when=(2026, 10, 19, 9, 30)):
        self._set_now(when)
        # The meeting's two steps: the entries shown on the screen, then drawn as shown.
        services.show_category_entropy(self.call.id, "JZ", ["37", "8812"], actor=self.staff)
        services.settle_category(self.call.id, "JZ", ["37", "8812"], actor=self.staff)
        services.settle_category(self.call.id, "SZ", actor=self.staff)

    def roster_publicity(self, when=(2026, 10, 19, 11, 0)):
        self._set_now(when)
        return services.publish_roster_publicity(self.call.id, actor=self.staff)

    def roster(self, when=(2026, 10, 27, 9, 0)):
        self._set_now(when)
        return services.publish_roster(self.call.id, actor=self.staff)

    def through_roster(self) -> Phase:
        """Every step of procedure A up to the published roster: 建筑工程 (JZ) then has 3 active
        members, 市政公用工程 (SZ) 2 (from 2026-10-27, moved by the offset)."""
        self.draft_and_consult()
        self.publish_call()
        self.applicants()
        self.review()
        self.publish_review()
        self.meeting()
        self.roster_publicity()
        self.roster()
        return self


def _user(contractor: Contractor):
    from app.auth.models import User

    return db.session.get(User, contractor.user_id)


def user_of(contractor: Contractor):
    return _user(contractor)


def counts() -> tuple:
    """Rows of every pool table, notices, draws and audit entries: "nothing changed" checks."""
    db.session.expire_all()
    models = (
        Contractor,
        PoolCall,
        Consultation,
        PoolApplication,
        ApplicationEntry,
        Objection,
        PoolSelection,
        Notice,
        Draw,
        AuditEntry,
    )
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)
