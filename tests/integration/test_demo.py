"""`flask demo`: a believable data set, repeatable, and working in years chinese-calendar does not know.

Its projects are walked through the real trading services: one in every state, each trading's
draws real `trading` draws that verify, and the SMS of each trading notice queued to the
category's active members."""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from html import unescape

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import verify_chain
from app.auth.models import User
from app.calendar.models import CalendarYear
from app.demo import ACCOUNTS, DISTRICT, SECOND_DISTRICT, TOWN_OFFICES
from app.extensions import db
from app.offices.models import Office
from contractors.queries import active_members
from contracts import demo as projects_demo
from contracts import queries
from contracts.demo.plans import office_of_town
from contracts.evaluations.models import Evaluation
from contracts.models import (
    BulletinPosting,
    Contract,
    Project,
    Refusal,
    Trading,
    TradingResponse,
)
from contracts.rules import ProjectState
from contracts.screening import queries as screen_queries
from lottery.models import Draw
from lottery.verify import verify_record
from notices import rules
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.conftest import BACKENDS, build_app, empty_database, own_pg_database
from tests.factories import Browser, use_cheap_password_hashes


def _fast(app, monkeypatch) -> None:
    # The demo makes 21 accounts and sends 54 SMS: neither the hash cost nor the send rate is
    # under test here.
    use_cheap_password_hashes(monkeypatch)
    app.config["SMS_RATE_PER_SECOND"] = 1000


@pytest.fixture(autouse=True)
def _fast_app(request, monkeypatch):
    if "app" in request.fixturenames:  # the tests that run the demo themselves
        _fast(request.getfixturevalue("app"), monkeypatch)


@dataclass(frozen=True)
class Demo:
    app: object
    output: str  # what `flask demo` printed


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory):
    """`flask demo` run once, on Friday 27 November 2026 at 10:00, for the tests that only read
    what it made (each ran it again: ~30 s a test). Its database is its own — a copy of the
    SQLite template, or a PostgreSQL database of its own — so that no other test empties it."""
    tmp = tmp_path_factory.mktemp(f"demo-{request.param}")
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = empty_database(request, "sqlite", tmp)
        else:
            url = stack.enter_context(own_pg_database(tmp))
        app = build_app(url, tmp)
        _fast(app, stack.enter_context(pytest.MonkeyPatch.context()))
        stack.enter_context(app.app_context())
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        clock.set_now(datetime(2026, 11, 27, 10, 0, tzinfo=clock.TZ))
        try:
            output = _run(app)
        finally:
            clock.reset()
        yield Demo(app, output)


def _run(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _counts() -> tuple:
    db.session.expire_all()
    models = (Notice, Project, Trading, TradingResponse, Contract, Refusal, Draw, SmsMessage)
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


def _password_hashes() -> dict[str, str]:
    db.session.expire_all()
    return {u: h for u, h in db.session.execute(select(User.username, User.password_hash))}


def _projects() -> list[Project]:
    db.session.expire_all()
    return list(db.session.scalars(select(Project).order_by(Project.id)))


def test_the_demo_has_accounts_of_every_role_with_printed_passwords(demo, now):
    now(2026, 11, 27, 10, 0)
    output = demo.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"admin", "staff", "reviewer", "owner", "contractor", "supervisor"}
    for username, *_ in ACCOUNTS:  # the demo's own accounts; applicants' firms log in as nobody
        assert username in output
    assert verify_chain().ok
    # Each account in its office, printed with it.
    for username, _name, _role, _org, code in ACCOUNTS:
        account = db.session.scalar(select(User).where(User.username == username))
        office = db.session.get(Office, account.office_id) if account.office_id else None
        assert (office.code if office else None) == code, username
        line = next(ln for ln in output.splitlines() if ln.strip().startswith(username + " "))
        assert (office.name if office else "no office") in line


def test_the_demo_has_past_and_running_notices_and_a_correction(demo, now):
    now(2026, 11, 27, 10, 0)
    published = db.session.scalars(select(Notice).where(Notice.status == "published")).all()
    states = {rules.publicity_state(n.publicity_ends_at, clock.now()) for n in published}
    assert {rules.Publicity.RUNNING, rules.Publicity.ENDED} <= states
    assert any(n.corrects_id for n in published)
    assert db.session.scalar(select(Notice).where(Notice.status == "draft"))
    # In 2026 the demo needs no made-up year.
    assert db.session.scalar(select(CalendarYear)) is None


# A Friday morning; the Saturday morning after (today is no working day); a year chinese-calendar
# does not know; the last day of 2026, whose next working days fall in the unconfirmed 2027.
@pytest.mark.parametrize(
    "when",
    [(2026, 11, 27, 10, 0), (2026, 11, 28, 7, 50), (2027, 3, 2, 10, 0), (2026, 12, 31, 17, 0)],
)
def test_the_demo_has_a_project_in_every_state_walked_through_the_trading_services(app, now, when):
    now(*when)
    output = _run(app)
    projects = _projects()
    by_state: dict[ProjectState, list[Project]] = {}
    for p in projects:
        by_state.setdefault(queries.state_of(p), []).append(p)
    assert set(by_state) == set(ProjectState), output
    for p in projects:
        assert p.code in output

    # Sent back with its reasons; the owner account entered the 洪塘街道 projects.
    assert "控制价" in by_state[ProjectState.SENT_BACK][0].sent_back_reasons
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    assert {p.town for p in projects if p.owner_user_id == owner.id} == {"洪塘街道"}
    assert any(p.owner_user_id is None for p in projects)  # staff entered others for their owners

    # Responses open with a couple already in, the deadline to come; the meeting of the project
    # whose publicity ended is still to come.
    (announced,) = [p for p in by_state[ProjectState.ANNOUNCED] if p.town == "洪塘街道"]
    open_trading = queries.latest_trading(announced)
    assert len(queries.respondents(open_trading)) == 2
    assert open_trading.responses_close_at > clock.now()
    waiting = queries.latest_trading(by_state[ProjectState.AWAITING_MEETING][0])
    assert waiting.responses_close_at <= clock.now() < waiting.meeting_at
    assert len(queries.respondents(waiting)) >= 3

    # Drawn: result published and letter issued, contract not yet signed.
    drawn = queries.latest_trading(by_state[ProjectState.DRAWN][0])
    assert drawn.result_notice_id and drawn.letter_issued_at and drawn.contract_price

    # Failed (fewer than 3 respondents) and waiting; another failed, re-announced and signed.
    failed = queries.latest_trading(by_state[ProjectState.FAILED][0])
    assert len(queries.respondents(failed)) < 3
    assert db.session.get(Notice, failed.result_notice_id).type == "trading_failed"
    reannounced = [p for p in projects if len(p.tradings) > 1]
    assert len(reannounced) == 1
    first, second = reannounced[0].tradings
    assert (first.outcome, second.outcome) == ("failed", "drawn")
    assert second.code == f"{reannounced[0].code}-2"
    # Its two trading notices are told apart by their titles.
    titles = [db.session.get(Notice, t.notice_id).title for t in (first, second)]
    assert titles == [f"{reannounced[0].name}交易公告", f"{reannounced[0].name}（第2次）交易公告"]

    # Refused and passed on: the winner refused, the award went to rank 2 at the same rate, a
    # correction of the result was published, and rank 2 signed.
    refusal = db.session.scalars(select(Refusal)).one()
    t = db.session.get(Trading, refusal.trading_id)
    ranking = db.session.scalar(select(Draw).where(Draw.draw_id == t.award_draw_id)).result
    assert refusal.passed_to_uscc == ranking[1] == t.winner_uscc
    correction = db.session.get(Notice, refusal.correction_notice_id)
    assert correction.corrects_id == t.result_notice_id and ranking[0] in correction.body
    assert queries.state_of(t.project) is ProjectState.SIGNED
    signed = [p for p in projects if queries.state_of(p) is ProjectState.SIGNED]
    for p in signed:
        latest = queries.latest_trading(p)
        assert queries.contract_of(latest).amount == latest.contract_price
    assert verify_chain().ok


def test_every_demo_draw_of_a_project_is_a_trading_draw_made_by_the_services_and_verifies(
    demo, now
):
    now(2026, 11, 27, 10, 0)
    client = Browser(demo.app)
    # The hand-written project draws are gone: every project draw belongs to a trading.
    assert db.session.scalar(select(Draw).where(Draw.subject_type == "project")) is None
    tradings = db.session.scalars(select(Trading)).all()
    drawn_name = next(
        p.data.name for p in projects_demo.plans() if p.key == projects_demo.LISTED_AT
    )
    checked = {"drawn": 0, "abandoned": 0, "committed": 0}
    for t in tradings:
        for draw_id in (t.award_draw_id, t.rate_draw_id):
            record = client.get(f"/api/v1/draws/{draw_id}").get_json()
            assert record["subject"] == {"type": "trading", "code": t.code}
            checked[record["status"]] += 1
            verdict = verify_record(record)
            if record["status"] == "committed":  # the meeting is still to come
                assert t.outcome is None and not verdict.ok
                continue
            assert verdict.ok, verdict.lines()
            if t.outcome == "drawn" and draw_id == t.award_draw_id:
                # The candidates are the respondents the credit screen kept (one meeting found a
                # company on the national list); the winner is rank 1, or the next after each
                # refusal.
                kept = sorted(screen_queries.candidates(t))
                assert record["candidates"] == kept
                excluded = set(queries.respondents(t)) - set(kept)
                assert len(excluded) == (t.project.name == drawn_name)
                if excluded:
                    body = db.session.get(Notice, t.result_notice_id).body
                    assert "列入失信被执行人名单，不作为候选人" in body
                refused = db.session.scalars(select(Refusal).where(Refusal.trading_id == t.id))
                assert record["result"][len(refused.all())] == t.winner_uscc
    # 4 drawn tradings, 2 failed ones, 3 waiting for their meetings (one in the second district)
    # and 2 suspended (one by the office, one by a complaint: contracts.complaints.demo); two
    # draws each.
    assert checked == {"drawn": 8, "abandoned": 4, "committed": 10}
    # Two signed contracts evaluated: one 合格, one 不合格 (with its reasons and a report).
    evaluated = db.session.scalars(select(Evaluation)).all()
    assert sorted(e.result for e in evaluated) == ["fail", "pass"]
    # The 不合格 opened its misconduct case; the 合格 none.
    assert {e.result: e.case_ref is not None for e in evaluated} == {"fail": True, "pass": False}
    listed = client.get("/api/v1/projects").get_json()["items"]
    # Only filed projects are public: the one awaiting filing and the one sent back are not listed.
    hidden = {ProjectState.SUBMITTED, ProjectState.SENT_BACK}
    assert {item["status"] for item in listed} == {str(s) for s in ProjectState} - hidden


def test_each_trading_notice_of_the_demo_queued_its_sms_to_the_active_members_of_its_category(
    demo, now
):
    now(2026, 11, 27, 10, 0)
    tradings = db.session.scalars(select(Trading)).all()
    expected = 0
    for t in tradings:
        notice = db.session.get(Notice, t.notice_id)
        members = active_members(
            t.project.category_code,
            clock.local(notice.published_at).date(),
            district_id=office_of_town(t.project.town).district_id,
        )
        sms = list(db.session.scalars(select(SmsMessage).where(SmsMessage.notice_id == notice.id)))
        assert sorted(m.contractor_id for m in sms) == sorted(m.contractor_id for m in members)
        assert len(members) >= 2
        # The console backend of the embedded default sent them.
        assert {m.status for m in sms} == {"sent"}
        expected += len(members)
    # Each meeting told its respondents the result (contracts.services.sms) — those the credit
    # screen left out of the draw have no rank to be told; the result notice names them — and
    # each refusal that passed the award on told the next in the ranking.
    for t in tradings:
        if t.outcome is not None:
            told = db.session.scalars(
                select(SmsMessage.contractor_id).where(SmsMessage.notice_id == t.result_notice_id)
            ).all()
            left_out = (
                {r.contractor_id for r in screen_queries.exclusions(t)} if t.is_drawn else set()
            )
            assert sorted(told) == sorted(
                r.contractor_id
                for r in t.responses
                if not r.withdrawn_at and r.contractor_id not in left_out
            )
            expected += len(told)
    expected += db.session.scalar(
        select(func.count()).select_from(Refusal).where(Refusal.passed_to_uscc.is_not(None))
    )
    # Each misconduct case told its company (the refusal's, the evaluation's and those of the
    # sanctions demo).
    cases = db.session.scalar(
        select(func.count())
        .select_from(SmsMessage)
        .where(SmsMessage.subject_type == "misconduct_case")
    )
    # Nobody else was told anything: the trading notices' messages and those after the meetings
    # (one company left out of a draw by the credit screen is not told).
    # (72 in the first district, 4 for the second district's trading notice.)
    assert len(tradings) == 11
    assert db.session.scalar(select(func.count()).select_from(SmsMessage)) - cases == expected == 76


def test_a_second_run_keeps_the_data_and_prints_new_passwords(app, now):
    now(2026, 11, 27, 10, 0)
    first = _run(app)
    before = _counts()
    hashes = _password_hashes()
    output = _run(app)
    assert "already present" in output
    assert _counts() == before
    after = _password_hashes()
    for username, *_ in ACCOUNTS:
        assert after[username] != hashes[username]  # each demo password was reset …
        assert username in output
    assert first.split("demo accounts")[1] != output.split("demo accounts")[1]  # … and printed
    # The projects' seed on its own also leaves the walked projects alone.
    lines: list[str] = []
    staff, owner = (
        db.session.scalar(select(User).where(User.username == name)) for name in ("staff", "owner")
    )
    assert projects_demo.seed(lines.append, staff, owner) == {}
    assert "already present" in lines[0] and _counts() == before
    assert verify_chain().ok


def test_the_demo_works_in_a_year_chinese_calendar_does_not_know(app, now):
    now(2027, 3, 2, 10, 0)
    output = _run(app)
    year = db.session.get(CalendarYear, 2027)
    assert year is not None and year.is_demo and "演示" in year.notice_number
    assert "2027" in output
    assert db.session.scalar(select(func.count(Notice.id))) >= 10
    assert {p.code[:8] for p in _projects()} == {"PRJ-2027"}


def test_each_demo_trading_notice_was_posted_on_its_bulletin_board(demo, now):
    now(2026, 11, 27, 10, 0)
    for t in db.session.scalars(select(Trading)):
        postings = db.session.scalars(
            select(BulletinPosting).where(BulletinPosting.trading_id == t.id)
        ).all()
        notice = db.session.get(Notice, t.notice_id)
        assert len(postings) == 1, t.code
        assert postings[0].posted_at > notice.published_at
        assert postings[0].place.endswith("信息公开栏")


def test_the_demo_has_complaints_in_every_state_one_paused_and_one_suspending(demo, now):
    from contracts.complaints import queries as complaint_queries
    from contracts.complaints.models import Complaint

    now(2026, 11, 27, 10, 0)
    complaints = db.session.scalars(select(Complaint)).all()
    statuses = [str(complaint_queries.status_of(c)) for c in complaints]
    assert sorted(set(statuses)) == ["accepted", "decided", "refused", "withdrawn"]
    assert {c.outcome for c in complaints if c.outcome} == {"upheld", "dismissed"}
    assert any(complaint_queries.row_of(c).paused for c in complaints)
    suspending = [c for c in complaints if c.suspended_at is not None]
    assert len(suspending) == 1
    trading = complaint_queries.trading_of(suspending[0])
    assert queries.state_of(trading.project) is ProjectState.SUSPENDED
    for c in complaints:
        if c.refused_at or c.decided_at:
            assert db.session.get(Notice, c.decision_notice_id).type == "complaint_decision"


def test_the_demo_has_its_published_sanctions_beside_the_cases_of_the_refusal_and_evaluation(
    app, now
):
    # The contracts' demo opens a refusal's and a failed evaluation's case first; the sanctions'
    # seed still runs (two suspensions, a removal, a case awaiting its statement).
    from contractors.sanctions.models import MisconductCase, Sanction

    now(2026, 11, 27, 10, 0)
    _run(app)
    kinds = sorted(db.session.scalars(select(Sanction.kind)))
    assert kinds == ["removal", "suspension", "suspension"]
    sources = set(db.session.scalars(select(MisconductCase.source)))
    assert {"refusal", "evaluation", "incident", "by_hand"} <= sources
    before = db.session.scalar(select(func.count(MisconductCase.id)))
    _run(app)
    assert db.session.scalar(select(func.count(MisconductCase.id))) == before


# ---- offices ([Offices]) -----------------------------------------------------------------------


def _offices() -> dict[str, Office]:
    return {o.code: o for o in db.session.scalars(select(Office))}


def test_the_demo_has_two_districts_and_the_first_three_street_platforms_each_with_its_clerk(
    demo, now
):
    now(2026, 11, 27, 10, 0)
    output = demo.output
    offices = _offices()
    assert {c: (o.kind, o.parent.code if o.parent else None) for c, o in offices.items()} == {
        DISTRICT: ("district", None),
        "zhuangqiao": ("street", DISTRICT),
        "hongtang": ("street", DISTRICT),
        "yongjiang": ("street", DISTRICT),
        SECOND_DISTRICT: ("district", None),
        "luotuo": ("street", SECOND_DISTRICT),
    }
    for code, o in offices.items():
        assert f"{code}" in output and o.name in output
    # Each platform of the first district has its own clerk; the deployment admin has no office.
    for platform in ("zhuangqiao", "hongtang", "yongjiang"):
        clerk = db.session.scalar(select(User).where(User.username == platform))
        assert (clerk.role, clerk.office_id) == ("staff", offices[platform].id)
    root = db.session.scalar(select(User).where(User.username == "root"))
    assert (root.role, root.office_id) == ("admin", None)


def test_every_demo_project_belongs_to_its_towns_platform_each_with_projects_in_several_states(
    demo, now
):
    now(2026, 11, 27, 10, 0)
    offices = _offices()
    by_office: dict[str, set[ProjectState]] = {}
    counts: dict[str, int] = {}
    for p in _projects():
        assert p.office_id is not None, p.code
        office = db.session.get(Office, p.office_id)
        assert office.code == TOWN_OFFICES[p.town], p.code
        by_office.setdefault(office.code, set()).add(queries.state_of(p))
        counts[office.code] = counts.get(office.code, 0) + 1
        # Everything of a project follows its office: its trading notices and its draws.
        for t in p.tradings:
            assert db.session.get(Notice, t.notice_id).office_id == p.office_id
            for draw_id in (t.award_draw_id, t.rate_draw_id):
                draw = db.session.scalar(select(Draw).where(Draw.draw_id == draw_id))
                assert draw.office_id == p.office_id
    assert counts == {"hongtang": 8, "zhuangqiao": 2, "yongjiang": 2, "luotuo": 1}
    for platform in ("zhuangqiao", "hongtang", "yongjiang"):
        assert len(by_office[platform]) >= 2, (platform, by_office[platform])
    # The district's own records: its pool calls and the policy notice.
    from contractors.models import PoolCall

    calls = {c.title: c.office_id for c in db.session.scalars(select(PoolCall))}
    assert set(calls.values()) == {offices[DISTRICT].id, offices[SECOND_DISTRICT].id}
    policy = db.session.scalar(select(Notice).where(Notice.type == "policy"))
    assert (policy.office_id, policy.issuing_body) == (
        offices[DISTRICT].id,
        offices[DISTRICT].name,
    )


def test_the_second_districts_project_draws_its_respondents_from_its_own_pool_only(demo, now):
    now(2026, 11, 27, 10, 0)
    offices = _offices()
    second = offices[SECOND_DISTRICT].id
    first = offices[DISTRICT].id
    (project,) = [p for p in _projects() if p.town == "骆驼街道"]
    t = queries.latest_trading(project)
    on = clock.local(db.session.get(Notice, t.notice_id).published_at).date()
    own = {m.contractor_id for m in active_members(project.category_code, on, district_id=second)}
    other = {m.contractor_id for m in active_members(project.category_code, on, district_id=first)}
    respondents = {r.contractor_id for r in t.responses}
    assert len(respondents) == 3 and respondents <= own
    # One company is a member of both pools (it registered once and applied to each district's
    # call: 建筑工程 in the first, 市政公用工程 in the second); the first district's members of the
    # category were told nothing of this project and responded nothing.
    first_pool = {m.contractor_id for m in active_members(None, on, district_id=first)}
    assert own & first_pool and other and not other & own
    told = set(
        db.session.scalars(
            select(SmsMessage.contractor_id).where(SmsMessage.notice_id == t.notice_id)
        )
    )
    assert told == own
    assert not (told & (other - own))
    # And the first district's projects never reach the members of the second's pool only.
    only_second = own - first_pool
    for p in _projects():
        if p.town != "骆驼街道":
            for tr in p.tradings:
                assert not {r.contractor_id for r in tr.responses} & only_second, tr.code


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_demo_contractor_is_a_member_and_both_its_pages_say_so(demo, now):
    # The demo `contractor` account's company always a member (its 建筑工程 quota admits every
    # applicant; tests/integration/test_pool_demo.py draws the pool with several seeds), and
    # its account page and its projects page tell the same standing in the same words.
    now(2026, 11, 27, 10, 0)
    line = next(ln for ln in demo.output.splitlines() if ln.strip().startswith("contractor "))
    browser = Browser(demo.app)
    assert browser.login("contractor", line.split()[1]).status_code == 302
    home = _text(browser.html("/contractor/"))
    projects = _text(browser.html("/contractor/projects/"))
    for page in (home, projects):
        standing = page.split("名录库入围情况")[1]
        assert "建筑工程（ POOL-" in standing and "市政公用工程（ POOL-" in standing
        assert standing.count("入围，在库") >= 2 and "候补" not in standing[:200]
    assert "今日是以下类别的有效入围企业：建筑工程、市政公用工程" in projects
    assert "不是任何类别的有效入围企业" not in projects
    # The projects open to it are listed, the re-announced project's round told apart.
    assert "确认响应" in projects


def test_the_demo_company_subscribes_to_one_category_and_its_page_shows_it(demo, now):
    now(2026, 11, 27, 10, 0)
    from notices.subscriptions import queries as subscriptions

    company = db.session.scalar(select(User).where(User.username == "contractor"))
    sub = subscriptions.subscription_of(company.id)
    assert subscriptions.choice_of(sub).categories == ("JZ",)
    line = next(ln for ln in demo.output.splitlines() if ln.strip().startswith("contractor "))
    browser = Browser(demo.app)
    assert browser.login("contractor", line.split()[1]).status_code == 302
    assert "建筑工程" in browser.html("/account/subscriptions/")


def test_the_demos_statistics_rollup_equals_the_figures_of_its_tradings_and_draws(demo, now):
    """The rollup the demo's meetings and refusals wrote (contracts.services.rollup) gives every
    statistics page and office page the figures computed from the raw rows."""
    from tests.integration.test_stat_rollup import assert_in_step

    now(2026, 11, 27, 10, 0)
    assert_in_step(years=range(2024, 2028))
