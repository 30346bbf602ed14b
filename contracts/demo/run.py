"""Running the plans: every step of every demo project through the real trading services, in the
order of time with the clock frozen at each step's moment (`seed`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from contracts import queries, services
from contracts.complaints import demo as complaints_demo
from contracts.models import Project
from contracts.services.posting import record_posting

from . import oversight
from .plans import (
    FIRST_NAME,
    NEXT_WORKING_DAY,
    PLACE,
    Plan,
    district_members,
    member_user,
    office_of_town,
    plans,
)

#: The account that runs a town's projects: its platform's clerk (app.demo.ACCOUNTS); the second
#: district's platform has none of its own, so its district's staff run it.
CLERKS = {
    "庄桥街道": "zhuangqiao",
    "洪塘街道": "hongtang",
    "甬江街道": "yongjiang",
    "骆驼街道": "zhenhai",
}


def clerk(plan: Plan):
    from app.demo import user

    return user(CLERKS[plan.data.town])


def seed(echo: Callable[[str], None], staff, owner) -> dict[str, str]:
    """Walk the demo projects through the trading services (idempotent). Returns the project
    codes by state name ("signed", "refused", …); {} when they are already present.

    Each project belongs to the platform of its town (`ProjectInput.office_id`) and is run by
    that platform's clerk (`CLERKS`); the district's `staff` handles its complaints."""
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
        staff = clerk(plan)
        actor = owner if plan.by_owner else staff
        code = codes.get(plan.key)
        if name == "submit":
            data = replace(plan.data, office_id=office_of_town(plan.data.town).id)
            codes[plan.key] = services.submit_project(data, actor=actor).code
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
            members = district_members(plan.data.category_code, plan.data.town)
            if arg and arg[0] == "others":
                members = [
                    m for m in members if member_user(m.contractor_id).username != "contractor"
                ]
                arg = arg[1:]
            for i in arg:
                services.respond(
                    code,
                    services.commitment_text(code),
                    actor=member_user(members[i].contractor_id),
                )
        elif name == "meeting":
            # The credit screen first (信用审查): every respondent checked at 信用中国; at one
            # meeting a company is found on the national list and left out of the draw.
            oversight.screen(code, staff, listed_last=plan.key == oversight.LISTED_AT)
            # The meeting's two steps: the entries shown on both screens, then drawn as shown.
            services.show_meeting_entropy(code, arg, actor=staff)
            services.hold_meeting(code, arg, actor=staff)
        elif name == "refuse":
            t = queries.latest_trading(queries.get_project(code))
            uscc, position = queries.award_holder(t)
            services.record_refusal(code, arg, uscc=uscc, position=position, actor=actor)
        elif name == "object":
            oversight.file_objection(plan, code, arg)
        elif name == "answer":
            oversight.answer_objection(code, arg, staff)
        elif name == "suspend":
            oversight.suspend(code, arg, staff)
        elif name == "contract":
            t = queries.latest_trading(queries.get_project(code))
            services.record_contract(code, back[arg], t.contract_price, actor=actor)
        elif name == "evaluate":
            result, completed = arg
            oversight.evaluate(code, result, back[completed], actor)

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
        office = office_of_town(p.data.town).name
        echo(f"  {project.code} [{office}] {project.name}: {queries.state_of(project)}{detail}")
    complaints_demo.seed(echo, staff, codes)
    return codes
