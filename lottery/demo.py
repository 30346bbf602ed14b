"""Demo draws for `flask demo`: a drawn award ranking and discount-rate pick, and a draw waiting for
its meeting. The seeds are made by the service like any other: the results differ on every run."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from app import clock
from lottery import rules, services
from lottery.models import Draw

# GB 32100-2015 统一社会信用代码 (DESIGN.md, "Identities").
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997 组织机构代码, the 9th–17th characters of a USCC.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: 登记管理部门 9 (市场监管) + 机构类别 1 (企业) + 行政区划 330205 (宁波市江北区).
_PREFIX = "91330205"


def _value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def uscc(org_body: str) -> str:
    """A USCC of a Jiangbei company from the first 8 characters of its organisation code, with
    both check characters computed (the organisation code's, then the USCC's)."""
    check = 11 - sum(_value(c) * w for c, w in zip(org_body, _ORG_WEIGHTS, strict=True)) % 11
    org = org_body + {10: "X", 11: "0"}.get(check, str(check))
    body = _PREFIX + org
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + USCC_CHARSET[(31 - total % 31) % 31]


#: 建筑工程 respondents of the 鞍山村 project: name by code (older firms have numeric codes, those
#: registered since 2015 "MA…").
AWARD_COMPANIES = {
    uscc("14402576"): "宁波甬江建设有限公司",
    uscc("14408139"): "宁波江北第二建筑工程有限公司",
    uscc("25484067"): "宁波洪塘建筑安装有限公司",
    uscc("72048361"): "宁波甬北建工集团有限公司",
    uscc("MA281Q3L"): "宁波慈湖建设工程有限公司",
    uscc("MA2AG7E0"): "宁波江北明达建筑有限公司",
    uscc("MA2CKT5N"): "宁波姚江古建筑修缮有限公司",
}
#: 市政公用工程 respondents of the 畈里塘村 project, whose meeting is still to come.
WAITING_COMPANIES = {
    uscc("14413025"): "宁波庄桥路桥工程有限公司",
    uscc("66847312"): "宁波甬城道路工程有限公司",
    uscc("MA2B1KX4"): "宁波江北恒达市政工程有限公司",
    uscc("MA2H0F9D"): "宁波北岸市政建设有限公司",
    uscc("MA2J3P8R"): "宁波慈城市政园林有限公司",
}

ANSHAN = services.Subject("project", "PRJ-2026-0003", "洪塘街道鞍山村文化礼堂修缮工程")
FANLITANG = services.Subject("project", "PRJ-2026-0005", "甬江街道畈里塘村道路硬化工程")
#: 下浮率选项：3.00%至8.00%，步长0.50% — as printed in both projects' trading notices.
RATES = rules.rate_options(Decimal("3.00"), Decimal("8.00"), Decimal("0.50"))


def seed(
    echo: Callable[[str], None],
    staff,
    award_respondents: dict[str, str] | None = None,
    waiting_respondents: dict[str, str] | None = None,
) -> dict[str, Draw]:
    """Commit and draw the 鞍山村 award and rate draws (committed with the trading notice 20
    working days ago, drawn at the award meeting 15 working days ago), and commit the 畈里塘村
    award draw, waiting for its meeting. Idempotent: draws already present are left alone.

    The respondents (credit code → name) are the active pool members of each project's category
    when the caller has a pool (app.demo passes them); by default the companies above.
    Returns the draws by name ("award", "rate", "waiting") for the caller's result notice.
    """
    award_respondents = award_respondents or AWARD_COMPANIES
    waiting_respondents = waiting_respondents or WAITING_COMPANIES
    from app.demo import _at, _working_days_back

    existing = {d.draw_id: d for d in services.for_subject("project", ANSHAN.code)}
    existing |= {d.draw_id: d for d in services.for_subject("project", FANLITANG.code)}
    if "PRJ-2026-0003-award" in existing:
        echo("draws: demo draws already present")
        return {
            "award": existing["PRJ-2026-0003-award"],
            "rate": existing["PRJ-2026-0003-rate"],
            "waiting": existing["PRJ-2026-0005-award"],
        }

    today = clock.today()
    committed_on = _working_days_back(today, 20, echo)
    meeting_on = _working_days_back(today, 15, echo)
    with clock.frozen_at(_at(committed_on, 9, 0)):
        award = services.commit_ranking(
            "PRJ-2026-0003-award",
            f"{ANSHAN.label} 承接单位摇号",
            ANSHAN,
            winners=1,
            actor=staff,
        )
        rate = services.commit_pick(
            "PRJ-2026-0003-rate",
            f"{ANSHAN.label} 工程控制价下浮率摇号",
            ANSHAN,
            RATES,
            option_labels={r: f"{r}%" for r in RATES},
            actor=staff,
        )
    with clock.frozen_at(_at(meeting_on, 10, 0)):
        award = services.draw(
            award.draw_id,
            ["37", "8812", "506"],
            rules.sorted_candidates(award_respondents),
            candidate_labels=award_respondents,
            actor=staff,
        )
    with clock.frozen_at(_at(meeting_on, 10, 8)):
        rate = services.draw(rate.draw_id, ["19", "640"], actor=staff)

    # Candidates given at the commitment only because the demo has no Trading yet: a real award
    # draw freezes its respondents at the meeting (services.register_candidate_source).
    waiting_on = _working_days_back(today, 1, echo)
    with clock.frozen_at(_at(waiting_on, 10, 0)):
        waiting = services.commit_ranking(
            "PRJ-2026-0005-award",
            f"{FANLITANG.label} 承接单位摇号",
            FANLITANG,
            winners=1,
            candidates=waiting_respondents,
            candidate_labels=waiting_respondents,
            actor=staff,
        )

    outcome = services.outcome(award.draw_id)
    echo("draws:")
    echo(
        f"  {award.draw_id}: drawn, winner {award_respondents[outcome.winners[0]]}, "
        f"{len(outcome.alternates)} alternates"
    )
    echo(f"  {rate.draw_id}: drawn, discount rate {services.picked_option(rate.draw_id)}%")
    echo(f"  {waiting.draw_id}: committed, waiting for its meeting")
    return {"award": award, "rate": rate, "waiting": waiting}
