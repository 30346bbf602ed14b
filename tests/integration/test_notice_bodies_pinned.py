"""Every generated notice, byte for byte: one walk through the pool and two trading rounds with a
hostile value in every text a person typed, the draws' seeds fixed, compared with the bodies,
titles and legal bases in tests/integration/pinned_notices.txt. Moving how bodies are built
(contracts/services/bodies.py, contractors/services/bodies.py) must not change one byte."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from app import clock
from app.auth.models import User
from app.extensions import db
from contracts import queries, services
from contracts.models import Project
from lottery.services import commit as draw_commit
from notices.models import Notice
from tests.factories import use_cheap_password_hashes
from tests.integration.test_notice_escaping import _walk, jz_category  # noqa: F401 (fixture)
from tests.pool_factories import at
from tests.trading_factories import hold_meeting, refuse

PINNED = Path(__file__).with_name("pinned_notices.txt")
#: A link, emphasis, a table cell break and raw HTML in one value.
PAYLOAD = "*[x](javascript:alert(1))*|<b>`y`</b>_z_"


def _fixed_seeds(monkeypatch) -> None:
    """The n-th seed is sha256("seed-n"): draws, rankings and commitments repeat run after run."""
    count = iter(range(1_000_000))
    monkeypatch.setattr(
        draw_commit,
        "secrets",
        SimpleNamespace(
            token_bytes=lambda n: hashlib.sha256(f"seed-{next(count)}".encode()).digest()[:n]
        ),
    )


def _second_round(code: str, staff, owner) -> None:
    """Every remaining contract unit refuses (the ranking runs out: the trading fails), the
    project is announced again (round 2, `<code>-2`) and nobody responds: 流标."""
    while queries.latest_trading(queries.get_project(code)).winner_uscc is not None:
        refuse(code, actor=owner)  # correction: passed on, then the ranking exhausted
    clock.set_now(at(2026, 12, 8, 10, 0))
    p = db.session.scalar(select(Project).where(Project.code == code))
    services.announce(  # trading_notice of round 2
        code,
        services.TradingInput(at(2026, 12, 14, 9, 30), f"三楼{PAYLOAD}", ["4.00"]),
        reviewed=services.fingerprint(p),
        actor=staff,
    )
    t = queries.latest_trading(queries.get_project(code))
    clock.set_now(at(2026, 12, 8, 11, 0))
    services.suspend_trading(t.code, f"暂停{PAYLOAD}", actor=staff)  # correction: suspended
    clock.set_now(at(2026, 12, 9, 10, 0))
    services.resume_trading(t.code, f"恢复{PAYLOAD}", actor=staff)  # correction: resumed
    clock.set_now(at(2026, 12, 14, 9, 30))
    hold_meeting(code, ["5"], actor=staff)  # trading_failed


def _sanctions(staff) -> None:
    """Issue 12: a suspension and a removal published (the removal's reserve entering, if the
    category has one, corrects the roster), and a change of the suspension (a correction)."""
    from contractors.queries import active_members
    from contractors.sanctions import services as sanctions

    members = active_members("JZ")
    cases = [
        sanctions.open_case(m.contractor_id, "by_hand", f"事实{PAYLOAD}", actor=staff)
        for m in members[:2]
    ]
    clock.set_now(at(2026, 12, 22, 10, 0))
    for case, (outcome, months) in zip(cases, (("suspension", 3), ("removal", None)), strict=True):
        sanctions.decide(
            case.id,
            sanctions.DecisionInput(
                outcome,
                f"行为{PAYLOAD}",
                f"依据{PAYLOAD}",
                f"机关{PAYLOAD}",
                date(2026, 12, 22),
                months,
            ),
            actor=staff,
        )
        sanctions.publish(case.sanction.id, actor=staff)
    sanctions.change(
        cases[0].sanction.id,
        sanctions.ChangeInput(
            reason=f"理由{PAYLOAD}", approver=f"批准人{PAYLOAD}", until=date(2027, 2, 22)
        ),
        actor=staff,
    )


def _dump() -> str:
    out = []
    for n in db.session.scalars(
        select(Notice).where(Notice.status == "published").order_by(Notice.id)
    ):
        out.append(
            f"=== {n.type} | {n.title}\n--- issuing body: {n.issuing_body}\n"
            f"--- legal basis: {n.legal_basis}\n--- days: {n.min_working_days}\n{n.body}"
        )
    return "\n".join(out)


def test_every_generated_notice_is_byte_identical_to_its_pinned_text(app, request, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    _fixed_seeds(monkeypatch)
    _walk(PAYLOAD, request.getfixturevalue("jz_category"))
    p = db.session.scalar(select(Project))
    owner = db.session.get(User, p.owner_user_id)
    staff = db.session.scalar(select(User).where(User.role == "staff"))
    _second_round(p.code, staff, owner)
    _sanctions(staff)
    got = _dump()
    if os.environ.get("PIN_NOTICES") == "write":  # once, by hand, before a refactoring
        PINNED.write_text(got, encoding="utf-8")
    assert got == PINNED.read_text(encoding="utf-8")
