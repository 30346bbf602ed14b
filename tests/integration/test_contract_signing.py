"""The contract and a refusal to sign, in the service: a refusal names the company refusing and
its place, so one posted twice (or twenty at once) is recorded once; the contract amount is never
above the contract price, and one below it carries a stated reason (issue 10, findings 3 and 6)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.audit import AuditEntry, verify_chain
from app.errors import DomainError
from app.extensions import db
from contracts import services
from contracts.errors import TradingError
from contracts.models import Contract, Refusal, Trading
from lottery import services as draws
from notices.models import Notice
from tests.factories import make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn
from tests.trading_factories import trading_counts as counts

THREADS = 20


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _awarded():
    """A drawn project of a new owner, on 12-07 (after the letter of 12-03)."""
    phase = active_pool()
    owner = make_user("owner")
    project, t = drawn(phase, owner)
    clock.set_now(at(2026, 12, 7, 10, 0))
    return phase, owner, project, t, draws.get(t.award_draw_id).result


def _corrections() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notice).where(Notice.type == "correction")
    )


# ---- a refusal to sign ---------------------------------------------------------------------------


def test_a_refusal_posted_twice_is_refused_and_the_award_passes_on_once():
    _phase, owner, project, t, ranking = _awarded()
    first, second = ranking[:2]
    r = services.record_refusal(project.code, "无正当理由拒签", uscc=first, position=1, actor=owner)
    assert r.passed_to_uscc == second
    before = counts()

    # The same form again: it names the company whose refusal is recorded.
    with pytest.raises(TradingError, match=r"该企业.*的拒签已经记录") as e:
        services.record_refusal(project.code, "无正当理由拒签", uscc=first, position=1, actor=owner)
    assert e.value.message_en.startswith("The refusal of this company")
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(Trading, t.id).winner_uscc == second
    assert _corrections() == 1


@pytest.mark.parametrize(
    ("which", "position"),
    [
        ("second", 1),  # the next company, which never refused
        ("first", 2),  # the right company at the wrong place
        ("first", "x"),
        ("first", "2147483648"),
        ("", 1),
        ("first\x00", 1),
    ],
)
def test_a_refusal_that_does_not_name_the_contract_unit_at_its_place_changes_nothing(
    which, position
):
    _phase, owner, project, t, ranking = _awarded()
    uscc = {"first": ranking[0], "second": ranking[1], "": "", "first\x00": ranking[0] + "\x00"}
    before = counts()
    with pytest.raises(TradingError, match="与当前承包单位不符") as e:
        services.record_refusal(
            project.code, "拒签", uscc=uscc[which], position=position, actor=owner
        )
    assert f"排序第1名（{ranking[0]}）" in e.value.message
    assert counts() == before
    assert db.session.get(Trading, t.id).winner_uscc == ranking[0]


def test_the_database_holds_one_refusal_per_company_and_trading():
    """Even a writer that skips the service cannot record a company's refusal twice."""
    _phase, owner, project, t, ranking = _awarded()
    r = services.record_refusal(project.code, "拒签", uscc=ranking[0], position=1, actor=owner)
    db.session.add(
        Refusal(
            trading_id=t.id,
            contractor_id=r.contractor_id,
            reason="again",
            recorded_at=r.recorded_at,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_twenty_simultaneous_refusals_record_exactly_one(app):
    phase, owner, project, t, ranking = _awarded()
    code, first, second = project.code, ranking[0], ranking[1]
    # Owner and staff alike; plain actors, so that no thread loads a user at the barrier.
    actors = [
        SimpleNamespace(
            id=owner.id, role="owner", username=owner.username, office_id=owner.office_id
        ),
        SimpleNamespace(
            id=phase.staff.id,
            role="staff",
            username=phase.staff.username,
            office_id=phase.staff.office_id,
        ),
    ]
    barrier = threading.Barrier(THREADS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        # Each thread has its own app context, hence its own session and connection.
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                services.record_refusal(
                    code, f"拒签{i}", uscc=first, position=1, actor=actors[i % 2]
                )
                outcome = ("recorded", "")
            except DomainError as e:
                outcome = ("refused", e.message)
            except Exception as e:  # anything else is a failure of the guard
                outcome = ("error", repr(e))
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)

    kinds = [o[0] for o in outcomes]
    assert kinds.count("error") == 0, [o for o in outcomes if o[0] == "error"]
    assert kinds.count("recorded") == 1
    assert kinds.count("refused") == THREADS - 1
    assert all("拒签已经记录" in o[1] for o in outcomes if o[0] == "refused")
    db.session.expire_all()
    (refusal,) = db.session.scalars(select(Refusal)).all()
    assert refusal.passed_to_uscc == second
    assert db.session.get(Trading, t.id).winner_uscc == second
    assert _corrections() == 1
    refused_entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contract:refused")
    ).all()
    assert len(refused_entries) == 1
    assert verify_chain().ok


# ---- the contract amount -------------------------------------------------------------------------


def test_a_contract_amount_above_the_contract_price_is_refused_stating_the_price():
    _phase, owner, project, t, _ranking = _awarded()
    before = counts()
    with pytest.raises(TradingError) as e:
        services.record_contract(project.code, date(2026, 12, 7), "999999999.99", actor=owner)
    assert e.value.field == "amount"
    assert f"合同价{t.contract_price:,.2f}元" in e.value.message
    assert "不得高于合同价" in e.value.message
    assert counts() == before and db.session.scalar(select(func.count(Contract.id))) == 0


def test_an_amount_below_the_contract_price_needs_a_reason_that_is_stored():
    _phase, owner, project, t, _ranking = _awarded()
    lower = t.contract_price - Decimal("1000.00")
    with pytest.raises(TradingError, match="请说明理由") as e:
        services.record_contract(project.code, date(2026, 12, 7), lower, actor=owner)
    assert e.value.field == "amount_reason"
    with pytest.raises(TradingError, match="控制字符") as e:
        services.record_contract(
            project.code, date(2026, 12, 7), lower, amount_reason="核减\u200b", actor=owner
        )
    assert db.session.scalar(select(func.count(Contract.id))) == 0

    c = services.record_contract(
        project.code,
        date(2026, 12, 7),
        lower,
        amount_reason="  经双方协商\n核减零星工程  ",
        actor=owner,
    )
    assert (c.amount, c.amount_reason) == (lower, "经双方协商 核减零星工程")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contract:signed")
    ).one()
    assert "经双方协商 核减零星工程" in str(entry.after)


def test_an_amount_equal_to_the_contract_price_needs_no_reason():
    _phase, owner, project, t, _ranking = _awarded()
    c = services.record_contract(project.code, date(2026, 12, 7), t.contract_price, actor=owner)
    assert (c.amount, c.amount_reason) == (t.contract_price, "")


#: Amounts a probe posted, and their like: each gets a message, never a 500.
BAD_AMOUNTS = [
    "99999999999999999999999999999.001",
    "-99999999999999999999999999999.001",
    "1e30",
    "1E+999999",
    "NaN",
    "Infinity",
    "0",
    "-5",
    "1.001",
    "一百万",
    "",
]


def test_an_amount_out_of_bounds_is_refused_with_a_message():
    _phase, owner, project, _t, _ranking = _awarded()
    before = counts()
    for amount in BAD_AMOUNTS:
        with pytest.raises(TradingError) as e:
            services.record_contract(project.code, date(2026, 12, 7), amount, actor=owner)
        assert e.value.field == "amount" and "合同金额" in e.value.message, amount
    assert counts() == before
