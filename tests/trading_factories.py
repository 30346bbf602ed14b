"""Factories for trading tests: a project's input, a project announced on Friday 2026-11-27 with
its meeting on 12-03, and every member's response on 11-30 (the pool of tests.pool_factories)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import queries, services
from contracts.models import Project, Refusal, Trading, TradingResponse
from contracts.screening import queries as screen_queries
from contracts.screening import services as screening
from lottery.models import Draw
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.factories import PDF
from tests.pool_factories import Phase, at, user_of


def active_pool(offset: timedelta = timedelta(0)) -> Phase:
    """A pool round run to its roster: 建筑工程 (JZ) has 3 active members from 2026-10-27."""
    return Phase(offset).through_roster()


def project_input(**overrides) -> services.ProjectInput:
    values = {
        "name": "甬江街道某村道路硬化工程",
        "owner_name": "甬江街道某村股份经济合作社",
        "town": "甬江街道",
        "village": "某村",
        "category_code": "JZ",
        "funding": "collective",
        "estimate": "1300000",
        "control_price": "1234567.89",
        "duration_days": 60,
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
        **overrides,
    }
    return services.ProjectInput(**values)


def announced(phase: Phase, owner, **overrides):
    """Entered Thursday 11-26, filed, announced Friday 11-27 10:00 (responses close 12-03 00:00,
    the weekend not counting), meeting 12-03 09:30, rates 3.00% and 8.50%."""
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(project_input(**overrides), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))
    t = services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    return project, t


def drawn(phase: Phase, owner, **overrides):
    """announced(…), every active member responding on 11-30, the meeting held 12-03 09:30."""
    project, _t = announced(phase, owner, **overrides)
    respond_all(project, active_members("JZ", date(2026, 11, 27)))
    clock.set_now(at(2026, 12, 3, 9, 30))
    return project, hold_meeting(project.code, ["37", "8812"], actor=phase.staff)


def next_round(phase: Phase, project, responding: int | None = None) -> Trading:
    """A failed trading's next round: announced again on Monday 12-07 (meeting 12-14 09:30, rate
    4.00%), the first `responding` active members (all: None) responding, the meeting held."""
    clock.set_now(at(2026, 12, 7, 10, 0))
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 14, 9, 30), "区公共资源交易中心二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    respond_all(project, active_members("JZ", date(2026, 11, 27))[:responding])
    clock.set_now(at(2026, 12, 14, 9, 30))
    return hold_meeting(project.code, ["5"], actor=phase.staff)


def member_user(contractor_id: int):
    """The account of a pool member (active_members gives contractor ids)."""
    return user_of(db.session.get(Contractor, contractor_id))


def respond_all(project, members) -> None:
    """Every given member confirms the commitment on Monday 11-30."""
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = services.commitment_text(project.code)
    for m in members:
        services.respond(project.code, text, actor=member_user(m.contractor_id))


def refuse(code: str, reason: str = "无正当理由拒签", *, actor):
    """Record the current contract unit's refusal, naming it and its place in the ranking as the
    refusal form does."""
    uscc, position = queries.award_holder(queries.latest_trading(queries.get_project(code)))
    return services.record_refusal(code, reason, uscc=uscc, position=position, actor=actor)


def trading_counts() -> tuple:
    """Row counts of everything a trading step may write: equal before and after a refusal."""
    db.session.expire_all()
    models = (Project, Trading, TradingResponse, Refusal, Notice, Draw, AuditEntry, SmsMessage)
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


def reviewed_on(browser, page: str) -> str:
    """The project's fingerprint a staff page carries in its filing, send-back or announce form."""
    match = re.search(r'name="reviewed"[^>]*value="([0-9a-f]{64})"', browser.html(page))
    assert match, f"no reviewed fingerprint on {page}"
    return match.group(1)


def screen_all(code: str, *, actor, listed: tuple[str, ...] = ()) -> None:
    """The credit screen (信用审查) of every respondent of the current trading: checked today at
    信用中国, not listed — except the USCCs in `listed` — with a PDF of the answer."""
    t = queries.latest_trading(queries.get_project(code))
    for row in screen_queries.screen_of(t):
        if row.check is not None or not row.active:
            continue
        screening.record_check(
            code,
            screening.CheckInput(
                uscc=row.uscc,
                checked_on=clock.today(),
                source="creditchina",
                result="listed" if row.uscc in listed else "not_listed",
                evidence=PDF,
                evidence_name="信用中国查询结果.pdf",
            ),
            actor=actor,
        )


def hold_meeting(code: str, entries, *, actor, listed: tuple[str, ...] = ()) -> Trading:
    """The award meeting's steps, as staff take them: every respondent screened (`listed` ones
    found on the national list), the entries shown on both draws' screens
    (`show_meeting_entropy`), then the meeting held with exactly those."""
    screen_all(code, actor=actor, listed=listed)
    shown = services.show_meeting_entropy(code, entries, actor=actor)
    return services.hold_meeting(code, shown, actor=actor)


def file_complaint(phase: Phase, t: Trading, name: str, *, contact: str = "电话 0574-1"):
    """A complaint by `name` about trading `t`, received now by staff (the complainant's and the
    respondent's contacts are personal data: never in the API)."""
    from contracts.complaints import services as complaints

    return complaints.file_complaint(
        complaints.ComplaintInput(
            trading_code=t.code,
            matter="other",
            knew_on=date(2026, 11, 27),
            complainant_name=name,
            complainant_contact=contact,
            respondent_name="业主",
            respondent_contact="电话 0574-2",
            facts="事实",
            requests="请求",
            evidence=(complaints.Upload("a.pdf", PDF),),
        ),
        actor=phase.staff,
    )
