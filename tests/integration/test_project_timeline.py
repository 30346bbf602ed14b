"""The reads behind the public project pages (contracts.queries): each project's timeline round by
round, respondents hidden before the deadline / counted after / named after the meeting, the
notice-to-letter working days across a weekend, their distribution, and the public list without
N+1 queries — on the real 2026 calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import queries, services
from contracts.models import Trading
from contracts.rules import ProjectState
from lottery import services as draws
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import Phase, at, user_of
from tests.trading_factories import hold_meeting, refuse


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _pool() -> Phase:
    return Phase().through_roster()


def _input(**overrides) -> services.ProjectInput:
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


def _announced(phase: Phase, owner, meeting=(2026, 12, 3, 9, 30), **overrides):
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(_input(**overrides), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))  # Friday: the weekend does not count
    t = services.announce(
        project.code,
        services.TradingInput(at(*meeting), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    return project, t


def _user(contractor_id: int):
    return user_of(db.session.get(Contractor, contractor_id))


def _respond(project, members):
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = services.commitment_text(project.code)
    for m in members:
        services.respond(project.code, text, actor=_user(m.contractor_id))


def _members():
    members = active_members("JZ", date(2026, 11, 27))
    assert len(members) == 3
    return members


def _page(code: str) -> queries.ProjectPage:
    db.session.expire_all()
    return queries.project_page(queries.get_public_project(code))


def test_the_timeline_walks_from_filing_to_the_signed_contract_with_a_refusal_on_the_way():
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, t = _announced(phase, owner)
    page = _page(project.code)
    assert page.state is ProjectState.ANNOUNCED
    assert [(e.kind, e.done) for e in page.events] == [
        ("filed", True),
        ("announced", True),
        ("responses_closed", False),
        ("meeting", False),
    ]
    assert page.events[1].notice.id == t.notice_id and page.events[1].round == 1

    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    first, second = draws.get(t.award_draw_id).result[:2]
    clock.set_now(at(2026, 12, 7, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    clock.set_now(at(2026, 12, 8, 15, 0))
    # Below the contract price: the stated reason is published on the timeline with it.
    amount = db.session.get(Trading, t.id).contract_price - Decimal("100.00")
    services.record_contract(
        project.code,
        date(2026, 12, 8),
        amount,
        amount_reason="核减部分工程量",
        actor=owner,
    )

    page = _page(project.code)
    assert page.state is ProjectState.SIGNED
    assert [e.kind for e in page.events] == [
        "filed",
        "announced",
        "responses_closed",
        "meeting",
        "result",
        "letter",
        "refusal",
        "signed",
    ]
    assert all(e.done for e in page.events)
    refused = page.events[6]
    assert refused.notice.id == refusal.correction_notice_id
    names = {m.uscc: m.name for m in members}
    assert refused.details == {"company": names[first], "passed_to": names[second]}
    signed = page.events[7].details
    assert signed["signed_on"] == date(2026, 12, 8) and signed["amount"] == amount
    assert signed["company"] == names[second] and signed["amount_reason"] == "核减部分工程量"
    r = page.current
    assert r.winner == (second, names[second])
    assert [v.uscc for v in r.refusals] == [first]
    assert [u for u, _n in r.ranking] == draws.get(t.award_draw_id).result


def test_a_failed_round_and_the_next_one_each_have_their_steps():
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, _t = _announced(phase, owner)
    _respond(project, members[:2])
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["5"], actor=phase.staff)
    assert _page(project.code).state is ProjectState.FAILED
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 9, 9, 30), "二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    page = _page(project.code)
    assert [(e.kind, e.round) for e in page.events] == [
        ("filed", None),
        ("announced", 1),
        ("responses_closed", 1),
        ("meeting", 1),
        ("failed", 1),
        ("announced", 2),
        ("responses_closed", 2),
        ("meeting", 2),
    ]
    failed = page.events[4]
    assert "少于" in failed.details["reason"] and failed.notice.type == "trading_failed"
    # Two responses were made, the meeting was held, but the failed draws froze no candidates:
    # the public learns the count, never the names.
    assert page.rounds[0].respondent_count == 2 and page.rounds[0].respondents is None
    assert page.rounds[1].respondent_count is None
    assert page.state is ProjectState.ANNOUNCED and page.letter_days is None


def test_respondents_are_hidden_before_the_deadline_counted_after_and_named_after_the_meeting():
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, _t = _announced(phase, owner)
    _respond(project, members)
    services.withdraw_response(project.code, actor=_user(members[2].contractor_id))

    clock.set_now(at(2026, 12, 2, 23, 59))
    before = _page(project.code).current
    assert before.respondent_count is None and before.respondents is None

    clock.set_now(at(2026, 12, 3, 0, 0))  # the deadline: the count, still no names
    after = _page(project.code).current
    assert after.respondent_count == 2 and after.respondents is None
    assert _page(project.code).events[2].details == {"count": 2}

    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["1"], actor=phase.staff)  # 2 < 3: fails, no names
    assert _page(project.code).current.respondents is None


def test_names_come_from_the_award_draws_frozen_candidates_once_the_meeting_was_held():
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, _t = _announced(phase, owner)
    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 0))
    assert _page(project.code).current.respondents is None
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["1"], actor=phase.staff)
    named = _page(project.code).current.respondents
    assert named == sorted((m.uscc, m.name) for m in members)


def test_notice_to_letter_counts_working_days_and_the_notice_day_and_weekend_do_not_count():
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, _t = _announced(phase, owner)
    assert queries.notice_to_letter_days(queries.get_public_project(project.code)) is None
    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["1"], actor=phase.staff)
    # Notice Friday 11-27; 11-28/29 a weekend; letter Thursday 12-03: 11-30, 12-01, 12-02, 12-03.
    assert _page(project.code).letter_days == 4

    late, _t2 = _announced(phase, owner, meeting=(2026, 12, 7, 9, 30), name="某村排水沟改造工程")
    _respond(late, members)
    clock.set_now(at(2026, 12, 7, 9, 30))  # Monday after another weekend: 6, over the target
    hold_meeting(late.code, ["2"], actor=phase.staff)
    assert _page(late.code).letter_days == 6


def test_the_distribution_counts_drawn_projects_by_working_days_against_the_target():
    phase, owner, members = _pool(), make_user("owner"), _members()
    assert queries.letter_distribution().total == 0
    on_time, _t = _announced(phase, owner)
    _respond(on_time, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(on_time.code, ["1"], actor=phase.staff)
    late, _t = _announced(phase, owner, meeting=(2026, 12, 7, 9, 30), name="某村排水沟改造工程")
    _respond(late, members)
    failed, _t = _announced(phase, owner, meeting=(2026, 12, 7, 9, 30), name="某村路灯工程")
    _respond(failed, members[:1])
    clock.set_now(at(2026, 12, 7, 9, 30))
    hold_meeting(late.code, ["2"], actor=phase.staff)
    hold_meeting(failed.code, ["3"], actor=phase.staff)

    d = queries.letter_distribution()
    assert dict(d.buckets) == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0, ">5": 1}
    assert (d.total, d.within_target, d.median, d.share_within) == (2, 1, 5, 0.5)
    assert d.uncounted == 0 and d.target == 5


def test_the_public_list_shows_filed_projects_only_and_filters_by_state():
    phase, owner, members = _pool(), make_user("owner"), _members()
    drawn, _t = _announced(phase, owner)
    _respond(drawn, members)
    open_, _t = _announced(phase, owner, meeting=(2026, 12, 9, 9, 30), name="某村路灯工程")
    clock.set_now(at(2026, 12, 1, 9, 0))
    filed = services.submit_project(_input(name="某村河道清淤工程"), actor=owner)
    services.file_project(filed.code, reviewed=services.fingerprint(filed), actor=phase.staff)
    services.submit_project(_input(name="尚未备案的工程"), actor=owner)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(drawn.code, ["1"], actor=phase.staff)

    rows = queries.public_projects_page(1, 20).items
    assert {r.project.code: r.state for r in rows} == {
        drawn.code: ProjectState.DRAWN,
        open_.code: ProjectState.AWAITING_MEETING,
        filed.code: ProjectState.FILED,
    }
    price = next(r.contract_price for r in rows if r.project.code == drawn.code)
    assert price == queries.get_public_project(drawn.code).tradings[0].contract_price != None  # noqa: E711
    assert all(r.contract_price is None for r in rows if r.project.code != drawn.code)
    for state, expected in [
        (ProjectState.DRAWN, {drawn.code}),
        (ProjectState.AWAITING_MEETING, {open_.code}),
        (ProjectState.FILED, {filed.code}),
        (ProjectState.SIGNED, set()),
        (ProjectState.ANNOUNCED, set()),
    ]:
        assert {
            r.project.code for r in queries.public_projects_page(1, 20, state).items
        } == expected
    assert queries.parse_state("submitted") is None and queries.parse_state("x") is None


def _statements(fn) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_public_list_takes_the_same_number_of_queries_for_one_project_or_many():
    phase, owner, members = _pool(), make_user("owner"), _members()
    first, _t = _announced(phase, owner)
    one = _statements(lambda: [r.state for r in queries.public_projects_page(1, 20).items])
    for n in range(4):
        _announced(phase, owner, meeting=(2026, 12, 9, 9, 30), name=f"某村工程{n}")
    _respond(first, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(first.code, ["1"], actor=phase.staff)
    many = _statements(
        lambda: [(r.state, r.contract_price) for r in queries.public_projects_page(1, 20).items]
    )
    assert len(queries.public_projects_page(1, 20).items) == 5
    assert many == one


def test_a_projects_page_reads_the_same_number_of_statements_for_one_round_or_two():
    # Issue 14: each round's refusals, contract, companies and response count are read with the
    # other rounds', not once per round (a re-announced project has several).
    phase, owner, members = _pool(), make_user("owner"), _members()
    project, _t = _announced(phase, owner)
    _respond(project, members[:2])
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["5"], actor=phase.staff)  # 2 < 3 responses: the round fails

    def read() -> queries.ProjectPage:
        return queries.project_page(queries.get_public_project(project.code))

    one = _statements(read)
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 9, 9, 30), "二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    clock.set_now(at(2026, 12, 9, 9, 30))  # the second round past its deadline too
    two = _statements(read)
    page = _page(project.code)
    assert [r.closed for r in page.rounds] == [True, True]
    assert [r.respondent_count for r in page.rounds] == [2, 0]
    assert two == one
