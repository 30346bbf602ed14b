"""Filing under load and against change (issue 10, finding 4): twenty staff pressing 备案 at once
file the project once, with one audit entry; a trading notice reviewed before the project was
sent back, revised and filed again is not published at the new facts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry, verify_chain
from app.extensions import db
from contracts import services
from contracts.errors import TradingError
from contracts.models import Project
from tests.factories import make_user, signed_in, simultaneously, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, project_input, reviewed_on, trading_counts

THREADS = 20


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _filed_entries(code: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == Action.PROJECT_FILED, AuditEntry.subject_id == code)
    )


def test_twenty_simultaneous_filing_posts_file_the_project_once(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is held by PostgreSQL's row lock; SQLite serialises every writer")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=make_user("owner"))
    staff = signed_in(app, "staff")
    page = f"/staff/projects/{p.code}"
    data = {"reviewed": reviewed_on(staff, page), "confirm": "y", "csrf_token": staff.token(page)}
    statuses = simultaneously(
        app, staff, lambda tab: tab.post(f"{page}/file", data, token=False), THREADS
    )

    assert statuses == [302] * THREADS  # each back on the page: one filed, the rest told why
    db.session.expire_all()
    project = db.session.get(Project, p.id)
    assert project.filing == "filed"
    assert _filed_entries(p.code) == 1
    assert verify_chain().ok


def test_a_notice_reviewed_before_the_project_was_sent_back_and_refiled_is_not_published(app):
    phase = active_pool()
    owner = make_user("owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(control_price="480000"), actor=owner)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=phase.staff)
    reviewed = services.fingerprint(p)  # the announce review page shows 480,000.00

    services.send_back(p.code, "请核对控制价", reviewed=reviewed, actor=phase.staff)
    services.revise_project(p.code, project_input(control_price="1200000"), actor=owner)
    p = services.file_project(p.code, reviewed=services.fingerprint(p), actor=phase.staff)

    clock.set_now(at(2026, 11, 27, 10, 0))
    before = trading_counts()
    data = services.TradingInput(at(2026, 12, 3, 9, 30), "二楼", ["3.00"])
    with pytest.raises(TradingError, match="项目已被修改，请重新审阅后再发布交易公告"):
        services.announce(p.code, data, reviewed=reviewed, actor=phase.staff)
    assert trading_counts() == before
    t = services.announce(p.code, data, reviewed=services.fingerprint(p), actor=phase.staff)
    assert t.code == p.code


def test_send_back_and_filing_are_refused_for_a_stale_or_missing_fingerprint(app):
    owner, staff = make_user("owner"), make_user("staff")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner)
    stale = services.fingerprint(p)
    services.revise_project(
        p.code, project_input(name="甬江街道某村道路硬化工程（二期）"), actor=owner
    )
    before = trading_counts()
    for reviewed in (stale, "", None):
        with pytest.raises(TradingError, match="请重新审阅后再备案"):
            services.file_project(p.code, reviewed=reviewed, actor=staff)
        with pytest.raises(TradingError, match="请重新审阅后再退回"):
            services.send_back(p.code, "理由", reviewed=reviewed, actor=staff)
    assert trading_counts() == before
    assert db.session.get(Project, p.id).filing == "submitted"
