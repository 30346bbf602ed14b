"""`flask demo`: complaints about the demo's tradings, walked through the complaint services — one
upheld, one dismissed, one refused, one withdrawn, one with its clock paused for expert review,
and one that suspended its trading (contracts.demo calls `seed` once the projects exist)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.extensions import db
from contractors.models import Contractor
from contracts import queries as trading_queries
from contracts.complaints import queries, services
from contracts.complaints.models import Complaint

#: A one-page PDF standing in for the evidence a complainant uploads.
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: (key, project key of contracts.demo, member index, matter, steps): each step is (working days
#: back from today, hour, action, argument).
SCENARIOS = [
    (
        "upheld",
        "signed",
        0,
        [
            (27, 10, "file", 28),
            (26, 9, "accept", None),
            (24, 15, "finding", "业主在交易公告中擅自增设本地业绩要求，属实。"),
            (
                22,
                10,
                "decide",
                (
                    "upheld",
                    "交易公告增设本地业绩要求，排斥外地入围企业。",
                    "《招标投标法实施条例》第三十二条第二款第（三）项",
                    "责令业主改正；今后交易文件不得设置与项目无关的业绩条件。",
                ),
            ),
        ],
    ),
    (
        "dismissed",
        "refused",
        1,
        [
            (25, 10, "file", 26),
            (24, 9, "accept", None),
            (
                20,
                10,
                "decide",
                (
                    "dismissed",
                    "定标会议按公告的时间、地点和程序公开进行，摇号记录可验证。",
                    "《招标投标法实施条例》第六十二条",
                    "投诉缺乏事实根据，予以驳回。",
                ),
            ),
        ],
    ),
    (
        "refused",
        "failed",
        2,
        [
            (13, 11, "file", 14),
            (12, 10, "refuse", ("in_review_or_litigation", "投诉人已就同一事项申请行政复议。")),
        ],
    ),
    (
        "withdrawn",
        "drawn",
        0,
        [
            (8, 14, "file", 9),
            (7, 10, "accept", None),
            (5, 16, "withdraw", "投诉人书面申请撤回：经核对，公告的下浮率选项无误。"),
        ],
    ),
    (
        "paused",
        "awaiting_meeting",
        1,
        [
            (3, 10, "file", 4),
            (2, 9, "accept", None),
            (1, 14, "pause", ("expert_review", "组织专家评审交易文件中的技术要求。")),
        ],
    ),
    (
        "suspending",
        "suspended",
        2,
        [
            (2, 15, "file", 3),
            (1, 9, "accept", None),
            (1, 10, "suspend", "投诉涉及交易公告的资格条件，处理期间暂停交易。"),
        ],
    ),
]


def _complainant(category: str, index: int) -> User:
    from contracts.demo.plans import district_members

    members = district_members(category)
    contractor = db.session.get(Contractor, members[index % len(members)].contractor_id)
    return db.session.get(User, contractor.user_id)


def seed(echo: Callable[[str], None], staff, codes: dict[str, str]) -> None:
    """Walk the complaints through the services (idempotent: nothing if any complaint exists)."""
    from app.demo import _at, _working_days_back

    if db.session.scalar(select(Complaint.id).limit(1)) is not None or not codes:
        echo("complaints: demo complaints already present")
        return
    today = clock.today()
    back = {n: _working_days_back(today, n, echo) for n in range(1, 30)}
    steps = []
    for key, project_key, index, scenario_steps in SCENARIOS:
        for order, (n, hour, action, arg) in enumerate(scenario_steps):
            steps.append((_at(back[n], hour, 0), order, key, project_key, index, action, arg))
    steps.sort(key=lambda s: (s[0], s[1]))
    ids: dict[str, int] = {}
    for moment, _o, key, project_key, index, action, arg in steps:
        with clock.frozen_at(moment):
            project = trading_queries.get_project(codes[project_key])
            t = trading_queries.latest_trading(project)
            if action == "file":
                user = _complainant(project.category_code, index)
                company = db.session.scalar(select(Contractor).where(Contractor.user_id == user.id))
                c = services.file_complaint(
                    services.ComplaintInput(
                        trading_code=t.code,
                        matter="other",
                        knew_on=back[arg],
                        complainant_name=company.name,
                        complainant_contact=f"{company.contact_person} {company.contact_mobile}",
                        respondent_name=project.owner_name,
                        respondent_contact=f"{project.contact_person} {project.contact_phone}",
                        facts="交易过程中存在违反交易规则的情形，详见证明材料。",
                        requests="请求依法查处并责令改正。",
                        evidence=(services.Upload("证明材料.pdf", EVIDENCE),),
                    ),
                    actor=user,
                )
                ids[key] = c.id
            elif action == "accept":
                services.accept(ids[key], actor=staff)
            elif action == "refuse":
                services.refuse(ids[key], *arg, actor=staff)
            elif action == "finding":
                services.record_finding(ids[key], arg, actor=staff)
            elif action == "decide":
                services.decide(ids[key], services.DecisionInput(*arg), actor=staff)
            elif action == "withdraw":
                services.withdraw(ids[key], arg, actor=staff)
            elif action == "pause":
                services.pause(ids[key], *arg, actor=staff)
            elif action == "suspend":
                services.suspend_trading(ids[key], arg, actor=staff)
    echo("complaints:")
    for key, cid in ids.items():
        c = db.session.get(Complaint, cid)
        echo(f"  complaint {cid} ({key}): {queries.status_of(c)}")
