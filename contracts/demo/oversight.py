"""The demo's oversight scenarios, run as steps of the plans: the credit screen before each award
meeting (one respondent found on the national list and left out of the draw), an objection to a
result and its answer, a suspended trading, the owners' evaluations. The complaints have their
own scenarios (contracts.complaints.demo), seeded once the projects exist."""

from __future__ import annotations

from datetime import date

from app import clock
from contracts import queries, services
from contracts.evaluations import rules as evaluation_rules
from contracts.evaluations import services as evaluations
from contracts.objections import queries as objection_queries
from contracts.objections import services as objections
from contracts.screening import queries as screen_queries
from contracts.screening import services as screening

from .plans import Plan, district_members, member_user

#: The plan whose award meeting finds a respondent on the national list of dishonest judgment
#: debtors (its last respondent in USCC order), who is left out of the draw.
LISTED_AT = "drawn"
#: A one-page PDF standing for the screenshots and reports the demo uploads.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def screen(code: str, staff, *, listed_last: bool) -> None:
    """The credit screen (信用审查) before a meeting: every respondent checked at 信用中国; with
    `listed_last` the last is found on the national list."""
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


def file_objection(plan: Plan, code: str, arg: tuple[int, str]) -> None:
    """A member (by its index among the active members) objects to the result."""
    index, text = arg
    members = district_members(plan.data.category_code, plan.data.town)
    t = queries.latest_trading(queries.get_project(code))
    objections.file_objection(
        t.code, "result", text, actor=member_user(members[index].contractor_id)
    )


def answer_objection(code: str, text: str, staff) -> None:
    t = queries.latest_trading(queries.get_project(code))
    (o,) = objection_queries.of_trading(t.id)
    objections.answer_objection(o.id, False, text, actor=staff)


def suspend(code: str, reason: str, staff) -> None:
    services.suspend_trading(
        queries.latest_trading(queries.get_project(code)).code, reason, actor=staff
    )


def evaluation(result: str, completed_on: date) -> evaluations.EvaluationInput:
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


def evaluate(code: str, result: str, completed_on: date, actor) -> None:
    evaluations.evaluate(code, evaluation(result, completed_on), actor=actor)
