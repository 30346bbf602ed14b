"""Issue 14 (no N+1): a public list costs the same number of statements whatever its length. Each
page is read with a few rows and again with many (every notice corrected, with an attachment, so
that the corrections and attachments a row shows must be loaded with the page, not per row); a
count that grows with the rows is a query per row."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from app.extensions import db
from app.search import queries as search
from notices import services
from tests.factories import DEFAULT_DISTRICT, PDF, Browser, make_notice, make_user

#: Public pages and API lists made of notices. (`/` shows a fixed number of notices per office.)
PAGES = (
    "/",
    "/notices/",
    "/notices/?type=trading_notice",
    "/api/v1/notices",
    "/api/v1/notices?type=trading_notice",
    "/offices/{district}",
    "/search?q=道路",
)


def statements(app, path: str) -> tuple[int, int]:
    """The statements of the first request of `path` after a change and of the next one: what a
    process keeps per data version (an office's notice-to-letter figures,
    contracts.queries.stats_memo) is read by the first and only checked by the next — each
    count the same whatever the number of rows."""
    app.extensions.pop("stats_memo", None)  # the first request reads what is kept anew
    counts = []
    for _ in range(2):
        count = 0

        def seen(*_args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            response = Browser(app).get(path.format(district=DEFAULT_DISTRICT[0]))
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert response.status_code == 200, path
        counts.append(count)
    return counts[0], counts[1]


def add_notices(n: int) -> None:
    """`n` published trading notices, each with an attachment and a published correction."""
    staff = make_user("staff")
    for i in range(n):
        notice = make_notice(staff, publish=False, type="policy", title=f"道路硬化工程政策{i}")
        services.add_attachment(notice.id, "附件.pdf", PDF, actor=staff)
        services.publish(notice.id, actor=staff)
        trading = make_notice(staff, title=f"某村道路硬化工程交易公告{i}")
        make_notice(
            staff, publish=True, type="correction", corrects_id=trading.id, title=f"更正{i}"
        )


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


def test_a_public_list_costs_the_same_statements_with_a_few_rows_and_with_a_full_page(
    app, frozen, monkeypatch
):
    # On PostgreSQL the search picks its read (a walk newest first, or the GIN index) from the
    # planner's statistics, cached per process and refreshed by autovacuum's ANALYZE: reading
    # them, or probing the newest entries, adds a fixed two statements whenever that happens —
    # between the two measurements, once in a while. Held still here, so that the counts differ
    # only by the rows shown; tests/integration/test_search.py compares both reads' results.
    monkeypatch.setattr(search, "statistics", lambda: search.Statistics(entries=0, shares={}))
    add_notices(2)
    few = {path: statements(app, path) for path in PAGES}
    add_notices(25)  # more than a page of 20 notices of each kind
    many = {path: statements(app, path) for path in PAGES}
    grown = {path: (few[path], many[path]) for path in PAGES if many[path] != few[path]}
    assert not grown, f"statements (few rows, full page) that grow with the rows: {grown}"


#: Public pages and API lists made of projects and their draws.
TRADING_PAGES = (
    "/projects/",
    "/projects/?state=announced",
    "/api/v1/projects",
    "/draws/",
    "/api/v1/draws",
    "/offices/{district}",
    "/",
)


def test_the_project_and_draw_lists_cost_the_same_statements_for_few_and_more_projects(app):
    from tests.trading_factories import active_pool, announced

    phase = active_pool()
    owner = make_user("owner")
    for i in range(2):
        announced(phase, owner, name=f"甬江街道某村道路硬化工程{i}")
    few = {path: statements(app, path) for path in TRADING_PAGES}
    for i in range(2, 8):
        announced(phase, owner, name=f"甬江街道某村道路硬化工程{i}")
    many = {path: statements(app, path) for path in TRADING_PAGES}
    grown = {path: (few[path], many[path]) for path in TRADING_PAGES if many[path] != few[path]}
    assert not grown, f"statements (2 projects, 8 projects) that grow with the rows: {grown}"


def test_the_complaints_list_costs_the_same_statements_for_one_and_for_more_complaints(app):
    """`/api/v1/complaints` names each complaint's trading and office: loaded with the page."""
    from datetime import date

    from app import clock
    from contractors.queries import active_members
    from contracts.complaints import services as complaints
    from tests.integration.test_complaints import complaint_input
    from tests.pool_factories import at
    from tests.trading_factories import active_pool, announced, member_user

    phase = active_pool()
    owner = make_user("owner")
    tradings = [announced(phase, owner, name=f"某村道路硬化工程{i}")[1] for i in range(4)]
    members = active_members("JZ", date(2026, 11, 27))
    clock.set_now(at(2026, 11, 30, 10, 0))

    def file(t, n: int) -> None:
        user = member_user(members[n % len(members)].contractor_id)
        c = complaints.file_complaint(complaint_input(t.code), actor=user)
        complaints.accept(c.id, actor=phase.staff)  # its decision deadline is computed

    file(tradings[0], 0)
    one = statements(app, "/api/v1/complaints")
    for i, t in enumerate(tradings[1:], start=1):
        file(t, i)
    more = statements(app, "/api/v1/complaints")
    assert one == more, f"statements for 1 and for 4 complaints: {one}, {more}"


def notice_with(staff, files: int, corrections: int):
    """A published policy notice with `files` attachments and `corrections` published
    corrections, and its corrections."""
    notice = make_notice(staff, publish=False, type="policy", title=f"政策{files}")
    for i in range(files):
        services.add_attachment(notice.id, f"附件{i}.pdf", PDF, actor=staff)
    services.publish(notice.id, actor=staff)
    fixes = [
        make_notice(staff, publish=True, type="correction", corrects_id=notice.id, title=f"更正{i}")
        for i in range(corrections)
    ]
    return notice, fixes


def test_a_notice_page_costs_the_same_statements_whatever_its_files_and_corrections(app, frozen):
    """The notice, its files, its corrections and the notice a correction corrects are read
    together (notices.queries.get_published)."""
    staff = make_user("staff")
    few, _ = notice_with(staff, 1, 1)
    more, more_fixes = notice_with(staff, 3, 3)
    plain, _ = notice_with(staff, 0, 0)
    counts = {
        "one file, one correction": statements(app, f"/notices/{few.id}"),
        "three files, three corrections": statements(app, f"/notices/{more.id}"),
        "a correction": statements(app, f"/notices/{more_fixes[0].id}"),
        "neither": statements(app, f"/notices/{plain.id}"),
    }
    assert len(set(counts.values())) == 1, counts
    html = Browser(app).html(f"/notices/{more.id}")
    assert all(f"附件{i}.pdf" in html for i in range(3))
    assert all(f"更正{i}" in html for i in range(3))
    assert "政策3" in Browser(app).html(f"/notices/{more_fixes[2].id}")
