"""Open data in OCDS 1.1 against a real database: each stage of a trading walk makes a package
that validates against the official schema (and with our extension), the pool round is linked as
a framework, the change feed pages without duplicates or gaps, and bad input is a clear 4xx."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from contracts import services
from contracts.evaluations import services as evaluations
from contracts.ocds import mapping
from contracts.ocds import queries as ocds_queries
from tests.factories import make_user, use_cheap_password_hashes
from tests.ocds_checks import assert_valid
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, drawn, hold_meeting, refuse


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _package(client, code: str) -> dict:
    response = client.get(f"/api/v1/ocds/{code}")
    assert response.status_code == 200, response.get_data(as_text=True)
    package = response.get_json()
    assert_valid(package)
    return package


def _tags(package: dict) -> list[str]:
    return [r["tag"][0] for r in package["releases"]]


def test_each_stage_of_a_trading_walk_makes_a_valid_package(app, client):
    phase, owner = active_pool(), make_user("owner")
    project, t = announced(phase, owner)
    package = _package(client, project.code)
    assert _tags(package) == ["planning", "tender"]
    tender = package["releases"][-1]["tender"]
    assert tender["procurementMethod"] == "selective"
    assert tender["value"] == {"amount": 1234567.89, "currency": "CNY"}
    assert tender["discountRateOptions"] == ["3.00", "8.50"]
    # Before the meeting the respondents are not public (as on the project page).
    assert "tenderers" not in tender
    ocid = package["releases"][0]["ocid"]
    assert ocid == f"{app.config['OCDS_PREFIX']}-{t.code}"
    assert package["version"] == "1.1"
    assert package["extensions"] == ["http://testserver/api/v1/ocds/extension/extension.json"]

    project, t = drawn(phase, owner, name="第二个工程")
    package = _package(client, project.code)
    assert _tags(package) == ["planning", "tender", "award"]
    award_release = package["releases"][-1]
    assert award_release["tender"]["status"] == "complete"
    assert award_release["tender"]["numberOfTenderers"] == 3
    (award,) = award_release["awards"]
    assert award["value"] == {"amount": float(t.contract_price), "currency": "CNY"}
    assert award["suppliers"][0]["id"] == f"CN-USCC-{t.winner_uscc}"
    assert award["discountRate"] == f"{t.discount_rate:.2f}"
    roles = {p["id"]: p["roles"] for p in award_release["parties"]}
    assert roles["owner"] == ["buyer"]
    assert roles[f"CN-USCC-{t.winner_uscc}"] == ["tenderer", "supplier"]
    assert any(r == ["procuringEntity"] for r in roles.values())

    clock.set_now(at(2026, 12, 7, 10, 0))
    first = t.winner_uscc
    refuse(project.code, actor=owner)
    t = ocds_queries.public_project(project.code).tradings[-1]
    services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    clock.set_now(at(2026, 12, 11, 10, 0))
    evaluations.evaluate(
        project.code,
        evaluations.EvaluationInput(
            completed_on=date(2026, 12, 11),
            parts={"quality": "pass", "schedule": "pass", "safety": "pass", "cooperation": "pass"},
        ),
        actor=phase.staff,
    )
    package = _package(client, project.code)
    assert _tags(package) == [
        "planning",
        "tender",
        "award",
        "awardUpdate",
        "contract",
        "implementation",
    ]
    last = package["releases"][-1]
    assert last["awards"][0]["suppliers"][0]["id"] == f"CN-USCC-{t.winner_uscc}" != first
    assert last["contracts"][0]["status"] == "terminated"
    assert last["contracts"][0]["implementation"]["performanceEvaluation"]["result"] == "pass"
    roles = {p["id"]: p["roles"] for p in last["parties"]}
    assert roles[f"CN-USCC-{first}"] == ["tenderer"]
    # Release ids are stable: the same package twice is the same.
    assert _package(client, project.code) == package
    assert len({r["id"] for r in package["releases"]}) == len(package["releases"])


def test_a_project_from_a_pool_round_links_it_as_a_framework(app, client):
    phase, owner = active_pool(), make_user("owner")
    project, _t = announced(phase, owner)
    (related,) = _package(client, project.code)["releases"][0]["relatedProcesses"]
    assert related["relationship"] == ["framework"]
    assert related["scheme"] == "ocid"
    assert related["identifier"].startswith(app.config["OCDS_PREFIX"] + "-POOL-")
    assert related["uri"].startswith("http://testserver/pool/calls/")


def test_a_failed_round_and_its_second_round_are_two_linked_processes(app, client):
    phase, owner = active_pool(), make_user("owner")
    project, _t = announced(phase, owner)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["37", "8812"], actor=phase.staff)  # no respondents: 流标
    package = _package(client, project.code)
    assert _tags(package) == ["planning", "tender", "tenderUpdate"]
    assert package["releases"][-1]["tender"]["status"] == "unsuccessful"
    assert package["releases"][-1]["tender"]["failedReason"]


def test_the_last_change_of_the_feed_is_the_newest_release_of_the_package(app, client):
    phase, owner = active_pool(), make_user("owner")
    project, _t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 3, 9, 31))
    with app.test_request_context():
        (facts,) = ocds_queries.facts([ocds_queries.public_project(project.code)])
        rows, more = ocds_queries.feed_page(None, None, 10)
    assert not more and [r.project.code for r in rows] == [project.code]
    assert rows[0].changed_at == mapping.last_changed(facts)
    newest = max(r["date"] for r in mapping.releases(facts, "ocds-test00"))
    assert mapping.stamp(rows[0].changed_at) == newest


def test_the_change_feed_pages_without_duplicates_or_gaps_while_changes_arrive(app, client):
    phase, owner = active_pool(), make_user("owner")
    codes = []
    for n in range(5):
        project, _t = announced(phase, owner, name=f"第{n}个工程")
        codes.append(project.code)
    import contracts.ocds.api as api

    api.PER_PAGE = 2
    try:
        seen = []
        clock.set_now(at(2026, 11, 27, 10, 1))
        page = client.get("/api/v1/ocds/?since=2026-01-01").get_json()
        seen += [i["code"] for i in page["items"]]
        # A new project is filed and announced while the client reads: it comes at the end.
        late, _t = announced(phase, owner, name="读取中新增的工程")
        clock.set_now(at(2026, 11, 27, 11, 0))
        while page["next"]:
            page = client.get(page["next"].replace("http://testserver", "")).get_json()
            seen += [i["code"] for i in page["items"]]
    finally:
        api.PER_PAGE = 50
    assert len(seen) == len(set(seen))
    assert set(seen) == {*codes, late.code}
    assert seen[-1] == late.code
    item = client.get("/api/v1/ocds/").get_json()["items"][0]
    assert item["url"] == f"http://testserver/api/v1/ocds/{item['code']}"
    assert item["ocids"] == [f"{app.config['OCDS_PREFIX']}-{item['code']}"]


def test_a_change_is_listed_once_it_settled(app, client):
    phase, owner = active_pool(), make_user("owner")
    project, _t = announced(phase, owner)  # at 2026-11-27 10:00:00
    assert client.get("/api/v1/ocds/").get_json()["items"] == []
    clock.set_now(at(2026, 11, 27, 10, 0, 30))
    (item,) = client.get("/api/v1/ocds/").get_json()["items"]
    assert (item["code"], item["changed_at"]) == (project.code, "2026-11-27T10:00:00+08:00")


def test_the_bulk_download_of_a_day_is_a_valid_package_of_that_days_releases(app, client):
    phase, owner = active_pool(), make_user("owner")
    drawn(phase, owner)
    clock.set_now(at(2026, 12, 10, 10, 0))
    response = client.get("/api/v1/ocds/bulk/2026-11-27.json")
    assert response.status_code == 200
    import json

    package = json.loads(response.get_data(as_text=True))
    assert_valid(package)
    assert _tags(package) == ["tender"]
    assert all(r["date"].startswith("2026-11-27") for r in package["releases"])
    assert client.get("/api/v1/ocds/bulk/2026-11-28.json").status_code == 404


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/v1/ocds/PRJ-1999-0001", 404, None),
        ("/api/v1/ocds/" + "X" * 10000, 404, None),
        ("/api/v1/ocds/?since=2999-01-01", 400, "since 参数不能晚于当前时间"),
        ("/api/v1/ocds/?since=yesterday", 400, "since 参数无法识别"),
        # A NUL byte is refused before the view, as everywhere (app.inputs).
        ("/api/v1/ocds/?since=2026-01-01%00", 400, None),
        ("/api/v1/ocds/?since=" + "9" * 10000, 400, "since 参数无法识别"),
        ("/api/v1/ocds/?since=2026-01-01&after=1;DROP", 400, "after 参数无效"),
        ("/api/v1/ocds/?after=3", 400, "after 参数无效"),
        ("/api/v1/ocds/?since=2026-01-01&after=99999999999999999999", 400, "after 参数无效"),
        # Digits only in ASCII: "²" passed str.isdigit() and then failed int() (a 500).
        ("/api/v1/ocds/?since=2026-01-01&after=%C2%B2", 400, "after 参数无效"),
        ("/api/v1/ocds/?since=2026-01-01&after=%EF%BC%92", 400, "after 参数无效"),
        ("/api/v1/ocds/?since=0001-01-01T00:00:00%2B14:00", 200, None),
        ("/api/v1/ocds/bulk/0001-01-01.json", 404, "该日没有发布任何数据"),
        ("/api/v1/ocds/bulk/2999-01-01.json", 400, "该日期尚未到来"),
        ("/api/v1/ocds/bulk/<b>.json", 400, "日期格式应为"),
        ("/api/v1/ocds/bulk/2026-11-28.json", 404, "该日没有发布任何数据"),
        ("/api/v1/ocds/extension/secret.py", 404, None),
    ],
)
def test_bad_input_is_a_clear_4xx(app, client, path, status, message):
    clock.set_now(at(2026, 12, 1, 10, 0))
    response = client.get(path)
    assert response.status_code == status
    body = response.get_json()
    assert body.get("error", 200) == status
    if message:
        assert message in body["message"]


def test_a_submitted_project_is_not_published(app, client):
    phase, owner = active_pool(), make_user("owner")
    from tests.trading_factories import project_input

    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(project_input(), actor=owner)
    assert client.get(f"/api/v1/ocds/{project.code}").status_code == 404
    assert client.get("/api/v1/ocds/").get_json()["items"] == []
    del phase


def test_the_extension_is_served_with_its_schema_patch(app, client):
    ext = client.get("/api/v1/ocds/extension/extension.json").get_json()
    assert ext["compatibility"] == ["1.1"]
    assert ext["documentationUrl"]["en"].endswith("/api/v1/ocds/extension/README.md")
    patch = client.get("/api/v1/ocds/extension/release-schema.json").get_json()
    assert "discountRate" in patch["definitions"]["Award"]["properties"]
    assert client.get("/api/v1/ocds/extension/README.md").status_code == 200


def test_a_published_sanction_from_a_refusal_travels_in_the_extension(app, client):
    from contractors.sanctions import services as sanctions
    from contractors.sanctions.models import MisconductCase
    from tests.sanction_factories import confirm_2027

    confirm_2027()
    phase, owner = active_pool(), make_user("owner")
    project, t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 7, 10, 0))
    refused = t.winner_uscc
    refuse(project.code, actor=owner)
    case = db.session.scalar(select(MisconductCase).where(MisconductCase.ref == t.code))
    sanctions.state_case(case.id, "陈述", actor=phase.staff)
    sanctions.decide(
        case.id,
        sanctions.DecisionInput(
            "warning", "无正当理由拒签", "第七十四条", "区公管办", clock.today()
        ),
        actor=phase.staff,
    )
    before = _tags(_package(client, project.code))
    assert before == ["planning", "tender", "award", "awardUpdate"]  # decided, not published
    clock.set_now(at(2026, 12, 8, 10, 0))
    sanctions.publish(case.sanction.id, actor=phase.staff)
    package = _package(client, project.code)
    assert _tags(package) == [*before, "awardUpdate"]
    party = next(p for p in package["releases"][-1]["parties"] if p["id"] == f"CN-USCC-{refused}")
    (sanction,) = party["sanctions"]
    assert (sanction["kind"], sanction["source"]) == ("warning", "refusal")
    assert sanction["url"] == f"http://testserver/sanctions/{case.sanction.id}"
    assert package["releases"][-1]["id"].endswith(f"-sanction-{case.sanction.id}")


def test_a_package_costs_the_same_statements_with_one_round_or_two(app, client):
    from sqlalchemy import event

    def statements(path: str) -> int:
        count = 0

        def seen(*_args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return count

    phase, owner = active_pool(), make_user("owner")
    one, _t = drawn(phase, owner)
    two, _t = announced(phase, owner, name="两轮的工程")
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(two.code, ["1"], actor=phase.staff)  # 流标
    clock.set_now(at(2026, 12, 4, 10, 0))
    services.announce(
        two.code,
        services.TradingInput(at(2026, 12, 10, 9, 30), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(two),
        actor=phase.staff,
    )
    app.config["PAGE_CACHE"] = False
    assert statements(f"/api/v1/ocds/{one.code}") == statements(f"/api/v1/ocds/{two.code}")


def test_a_bad_since_is_explained_in_english_under_the_english_locale(app, client):
    from app import LOCALE_COOKIE

    client.client.set_cookie(LOCALE_COOKIE, "en")
    body = client.get("/api/v1/ocds/?since=2999-01-01").get_json()
    assert body == {"error": 400, "message": "The since parameter cannot be in the future."}
