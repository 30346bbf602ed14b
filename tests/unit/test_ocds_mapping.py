"""The OCDS mapping from plain facts (contracts.ocds.mapping, no database): the releases of a
round step by step, each a snapshot that never changes, and every package valid."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from contracts.ocds import mapping as m
from tests.ocds_checks import assert_valid

CST = m.CST
#: Three companies; the mapping copies a USCC as it is (the pool checked it on registration).
A, B, C = (m.Company(f"91330205MA28{n}00001", f"宁波{n}建设有限公司") for n in "ABC")


def _when(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=CST)


def _round(code: str = "PRJ-2026-0007", **overrides) -> m.Round:
    values = {
        "code": code,
        "round": 1,
        "announced_at": _when(2),
        "responses_close_at": _when(6, 0),
        "meeting_at": _when(9, 9),
        "rate_options": ["3.00", "8.50"],
        "notice": None,
        "draws": [
            m.Draw(f"{code}-award", "award", "https://x.example/draws/a"),
            m.Draw(f"{code}-rate", "discountRate", "https://x.example/draws/r"),
        ],
        **overrides,
    }
    return m.Round(**values)


def _project(*rounds: m.Round, framework: m.Framework | None = None) -> m.Project:
    return m.Project(
        code="PRJ-2026-0007",
        name="某村道路硬化工程",
        owner_name="某村股份经济合作社",
        kind="construction",
        category_code="JZ",
        category_name="建筑工程",
        estimate=Decimal("1300000.00"),
        control_price=Decimal("1234567.89"),
        non_competitive_part=Decimal("0.00"),
        duration_days=60,
        scope="",
        filed_at=_when(1),
        office_code="jiangbei",
        office_name="江北区公共资源交易管理办公室",
        url="https://x.example/projects/PRJ-2026-0007",
        framework=framework,
        rounds=list(rounds),
    )


def _package(p: m.Project) -> dict:
    rels = m.releases(p, "ocds-test00")
    package = m.package(
        rels,
        m.Publication(
            "https://x.example/p", "区公管办", "https://x.example", "https://x.example/e"
        ),
    )
    assert_valid(package)
    return package


def test_a_filed_project_not_yet_announced_has_one_planning_release():
    (release,) = _package(_project())["releases"]
    assert release["ocid"] == "ocds-test00-PRJ-2026-0007"
    assert release["tag"] == ["planning"]
    assert release["planning"]["budget"]["amount"] == {"amount": 1300000.0, "currency": "CNY"}


def test_each_step_adds_a_release_and_leaves_the_earlier_ones_as_they_were():
    announced = _package(_project(_round()))["releases"]
    held = _round(
        held_at=_when(9, 9),
        outcome="drawn",
        respondents=[A, B, C],
        ranking=[B, A, C],
        discount_rate=Decimal("8.50"),
        contract_price=Decimal("1129629.62"),
        refusals=[m.Refusal(_when(12), B, A, None)],
        contract=m.Contract(date(2026, 11, 13), Decimal("1129629.62"), "", _when(13), A),
        evaluation=m.Evaluation(date(2026, 11, 20), "pass", _when(20)),
    )
    releases = _package(_project(held))["releases"]
    assert releases[:2] == announced
    assert [r["tag"][0] for r in releases] == [
        "planning",
        "tender",
        "award",
        "awardUpdate",
        "contract",
        "implementation",
    ]
    award, refusal = releases[2], releases[3]
    assert award["awards"][0]["suppliers"] == [{"id": m.company_id(B.uscc), "name": B.name}]
    assert refusal["awards"][0]["suppliers"] == [{"id": m.company_id(A.uscc), "name": A.name}]
    assert award["awards"][0]["value"]["amount"] == 1129629.62
    assert releases[-1]["contracts"][0]["status"] == "terminated"
    assert m.last_changed(_project(held)) == _when(20)


def test_the_ranking_running_out_cancels_the_award_and_the_tender():
    held = _round(
        held_at=_when(9, 9),
        outcome="failed",
        failed_reason="排名企业均拒签",
        respondents=[A],
        ranking=[A],
        discount_rate=Decimal("3.00"),
        refusals=[m.Refusal(_when(12), A, None, None)],
    )
    last = _package(_project(held))["releases"][-1]
    assert last["awards"][0]["status"] == "cancelled" and last["awards"][0]["suppliers"] == []
    assert last["tender"]["status"] == "unsuccessful"


def test_a_second_round_links_the_failed_first_and_both_link_the_pool_round():
    pool = m.Framework("POOL-2026-01", "名录库征集", "https://x.example/pool/calls/1")
    first = _round(held_at=_when(9, 9), outcome="failed", failed_reason="响应企业不足3家")
    second = _round("PRJ-2026-0007-2", round=2, announced_at=_when(10))
    releases = _package(_project(first, second, framework=pool))["releases"]
    ocids = [r["ocid"] for r in releases]
    assert ocids == ["ocds-test00-PRJ-2026-0007"] * 3 + ["ocds-test00-PRJ-2026-0007-2"] * 2
    related = releases[-1]["relatedProcesses"]
    assert [r["relationship"] for r in related] == [["framework"], ["unsuccessfulProcess"]]
    assert related[0]["identifier"] == "ocds-test00-POOL-2026-01"
    assert related[1]["identifier"] == "ocds-test00-PRJ-2026-0007"
