"""The pool's state changes under twenty simultaneous requests on PostgreSQL (SQLite has one
writer): calls drafted at once are numbered one after the other, an application withdrawn twenty
times at once is withdrawn once, two removals of one category's members at once bring its
reserve in once, and one credit code registered by twenty accounts at once is registered once —
never a 500, never a double effect."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry, verify_chain
from app.extensions import db
from contractors import queries as pool
from contractors import services
from contractors.models import (
    ApplicationEntry,
    Contractor,
    Objection,
    PoolApplication,
    PoolCall,
    PoolSelection,
)
from contractors.rules import SelectionStatus
from contractors.sanctions import services as sanctions
from contractors.sanctions.models import MisconductCase, ReserveEntry
from notices.models import Notice
from tests.factories import at_once, make_user, plain_actor, use_cheap_password_hashes
from tests.pool_factories import Phase, at, call_input, company, register, registration, user_of
from tests.sanction_factories import confirm_2027, decision
from tests.trading_factories import active_pool

THREADS = 20


@pytest.fixture(autouse=True)
def _postgresql_only(app, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    use_cheap_password_hashes(monkeypatch)


def _entries(action: Action, subject_id) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == action, AuditEntry.subject_id == str(subject_id))
    )


def test_twenty_calls_drafted_at_once_are_numbered_one_after_the_other(app):
    # Each draft counted the year's calls and took the next number: twenty at once all took
    # POOL-2026-01, and nineteen staff got a 500 from the unique index.
    phase = Phase()
    clock.set_now(at(2026, 9, 18, 10, 0))
    staff = plain_actor(phase.staff)

    outcomes = at_once(
        app,
        lambda i: services.create_call(call_input(title=f"第{i}批名录库征集"), actor=staff),
        THREADS,
    )

    assert outcomes == [("done", "")] * THREADS
    db.session.expire_all()
    codes = db.session.scalars(select(PoolCall.code)).all()
    assert sorted(codes) == [f"POOL-2026-{n:02d}" for n in range(1, THREADS + 1)]
    assert verify_chain().ok


def test_an_application_withdrawn_twenty_times_at_once_is_withdrawn_once(app):
    # The application was read before the call's lock and checked as read: every post found it
    # not withdrawn, and each wrote its own withdrawal to the audit log.
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    clock.set_now(at(2026, 9, 23, 9, 0))
    company = phase.contractors[0]
    application_id = db.session.scalar(
        select(PoolApplication.id).where(
            PoolApplication.call_id == phase.call.id,
            PoolApplication.contractor_id == company.id,
        )
    )
    actor = plain_actor(user_of(company))

    outcomes = at_once(
        app, lambda i: services.withdraw_application(application_id, actor=actor), THREADS
    )

    assert sorted(outcomes) == [("done", "")] + [("refused", "申请已撤回")] * (THREADS - 1)
    assert _entries(Action.POOL_APPLICATION_WITHDRAWN, application_id) == 1


def test_an_application_amended_and_withdrawn_at_once_is_never_amended_once_withdrawn(app):
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    clock.set_now(at(2026, 9, 23, 9, 0))
    company = phase.contractors[0]
    application_id = db.session.scalar(
        select(PoolApplication.id).where(
            PoolApplication.call_id == phase.call.id,
            PoolApplication.contractor_id == company.id,
        )
    )
    actor = plain_actor(user_of(company))

    def step(i: int) -> None:
        if i == 0:
            services.withdraw_application(application_id, actor=actor)
        else:
            services.amend_application(application_id, ["JZ"], actor=actor)

    outcomes = at_once(app, step, THREADS)

    assert not [o for o in outcomes if o[0] == "error"], outcomes
    assert {o for o in outcomes if o[0] == "refused"} <= {("refused", "申请已撤回")}
    db.session.expire_all()
    assert db.session.get(PoolApplication, application_id).withdrawn_at is not None
    withdrawal = db.session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == Action.POOL_APPLICATION_WITHDRAWN,
            AuditEntry.subject_id == str(application_id),
        )
    )
    amended_after = db.session.scalar(
        select(func.count()).where(
            AuditEntry.action == Action.POOL_APPLICATION_AMENDED,
            AuditEntry.subject_id == str(application_id),
            AuditEntry.id > withdrawal,
        )
    )
    assert amended_after == 0


def test_two_members_of_one_category_removed_at_once_bring_its_one_reserve_in_once(app):
    # Each removal read the category's first reserve and its last position without a lock: two
    # decided at once both chose the same reserve, and the second staff got a 500 from the
    # unique key of the reserve's entry.
    confirm_2027()
    phase = active_pool()
    jz = next(cc for cc in phase.call.categories if cc.category.code == "JZ")
    members = [s.contractor for s in pool.selections(jz.id) if s.is_selected][:2]
    (reserve,) = [s for s in pool.selections(jz.id) if not s.is_selected]
    clock.set_now(at(2026, 11, 2, 10, 0))
    cases = [
        sanctions.open_case(m.id, "incident", "质量事故", actor=phase.staff).id for m in members
    ]
    clock.set_now(at(2026, 11, 10, 10, 0))
    staff = plain_actor(phase.staff)
    removal = decision(outcome="removal", starts_on=date(2026, 11, 10), months=None)

    outcomes = at_once(app, lambda i: sanctions.decide(cases[i % 2], removal, actor=staff), THREADS)

    assert not [o for o in outcomes if o[0] == "error"], outcomes
    assert outcomes.count(("done", "")) == 2
    db.session.expire_all()
    assert all(db.session.get(MisconductCase, c).decided_at for c in cases)
    (entry,) = db.session.scalars(select(ReserveEntry)).all()
    assert entry.selection_id == reserve.id
    selected = db.session.scalars(
        select(PoolSelection.position).where(
            PoolSelection.call_category_id == jz.id,
            PoolSelection.status == SelectionStatus.SELECTED,
        )
    ).all()
    assert len(selected) == len(set(selected))
    assert verify_chain().ok


def test_one_credit_code_registered_by_twenty_accounts_at_once_is_registered_once(app):
    # Each account found the code free and inserted its company: the unique index kept one,
    # and nineteen were answered with a 500 instead of the duplicate's refusal.
    clock.set_now(at(2026, 9, 22, 9, 0))
    accounts = [plain_actor(make_user("contractor")) for _ in range(THREADS)]

    outcomes = at_once(
        app, lambda i: services.register_contractor(registration(0), actor=accounts[i]), THREADS
    )

    assert outcomes.count(("done", "")) == 1, outcomes
    duplicate = f"统一社会信用代码{company(0)}已登记，不能重复登记；如需找回账户请联系区公管办"
    assert outcomes.count(("refused", duplicate)) == THREADS - 1, outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contractor.id))) == 1


def _in_review_publicity() -> Phase:
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    phase.review()
    phase.publish_review()
    return phase


def test_an_objection_upheld_twenty_times_at_once_turns_the_decision_over_once(app):
    # The objection was read before the call's lock and its answer checked as read: every post
    # found it unanswered, and each upheld it again — turning the decision over and back, with a
    # correction notice each time.
    phase = _in_review_publicity()
    failed = phase.failed_entry()
    entry_id = failed.id
    o = services.file_objection(entry_id, "资质证书有效。", actor=user_of(register(6)))
    objection_id, staff = o.id, plain_actor(phase.staff)
    corrections = select(func.count()).where(Notice.type == "correction")
    before = db.session.scalar(corrections)

    outcomes = at_once(
        app,
        lambda i: services.answer_objection(objection_id, "异议成立。", True, actor=staff),
        THREADS,
    )

    assert sorted(outcomes) == [("done", "")] + [("refused", "该异议已答复")] * (THREADS - 1)
    db.session.expire_all()
    assert db.session.get(ApplicationEntry, entry_id).decision == "pass"
    assert db.session.scalar(corrections) == before + 1
    assert _entries(Action.POOL_OBJECTION_ANSWERED, objection_id) == 1


def test_a_review_objection_posted_twenty_times_at_once_is_one_objection(app):
    phase = _in_review_publicity()
    entry_id = phase.failed_entry().id
    objector = plain_actor(user_of(register(6)))

    outcomes = at_once(
        app, lambda i: services.file_objection(entry_id, "资质证书有效。", actor=objector), THREADS
    )

    assert outcomes == [("done", "")] * THREADS  # each sent to the one objection
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Objection.id))) == 1


def test_decisions_recorded_at_once_are_audited_each_with_the_one_it_replaced(app):
    # The entry was read before the call's lock: twenty decisions at once each recorded as
    # "before" the entry as first read (undecided), not the decision it replaced — the audit log
    # lost which decision each one overturned.
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase.applicants()
    clock.set_now(at(2026, 10, 13, 9, 0))
    entry_id = next(
        e.id for e in pool.entries_of(phase.call.id) if e.call_category.category.code == "JZ"
    )
    panel = [plain_actor(phase.staff), plain_actor(phase.reviewer)]

    def record(i: int) -> None:
        if i % 2:
            services.record_decision(entry_id, "pass", actor=panel[i % 2])
        else:
            services.record_decision(
                entry_id, "fail", "grade_insufficient", f"第{i}次", actor=panel[i % 2]
            )

    outcomes = at_once(app, record, THREADS)

    assert outcomes == [("done", "")] * THREADS
    db.session.expire_all()
    application_id = db.session.get(ApplicationEntry, entry_id).application_id
    trail = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == Action.POOL_REVIEW_RECORDED,
            AuditEntry.subject_id == str(application_id),
        )
        .order_by(AuditEntry.id)
    ).all()
    assert len(trail) == THREADS
    decided = [(e.before["decision"], e.after["decision"], e.after["reason_text"]) for e in trail]
    for earlier, later in pairwise(trail):
        assert later.before["reason_text"] == earlier.after["reason_text"], decided
        assert later.before["decision"] == earlier.after["decision"], decided
