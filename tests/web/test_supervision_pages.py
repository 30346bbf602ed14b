"""The oversight pages: every registered deadline with its status (filters, CSV), the staff's
warning banner across National Day, and who may read them. The deadlines come from a test source
registered on the test's app, as a domain's `init_app` would (the real sources are the domains')."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from app.deadlines import Deadline, Unit, register_deadline_source
from app.workdays import TZ
from tests.factories import Browser, signed_in, use_cheap_password_hashes

BASIS = "《招标投标法实施条例》第六十一条"


def at(year, month, day, hour=0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


def deadline(kind, subject, due_at, *, unit=Unit.WORKING_DAYS, length=3, done_at=None):
    return Deadline(
        kind=kind,
        label="受理或不予受理投诉",
        label_en="Accept or refuse the complaint",
        subject=subject,
        url=f"/staff/oversight/{subject}",
        due_at=due_at,
        unit=unit,
        length=length,
        basis=BASIS,
        done_at=done_at,
    )


#: On Tuesday 29 September 2026 (1–7 October are the National Day holidays, 10 October is worked):
DEADLINES = (
    # last day Thu 8 Oct: working days left after today are 30 Sep and 8 Oct → due soon, although
    # nine calendar days are left
    deadline("complaint.accept", "TS-1", at(2026, 10, 9)),
    # last day Mon 12 Oct: 30 Sep, 8, 9, 10 (a make-up working Saturday), 12 Oct → open
    deadline("complaint.decide", "TS-2", at(2026, 10, 13), length=30),
    # a period in 日 whose last day, 7 Oct, is a holiday (the source has already moved it, art.
    # 203): last day 8 Oct → due soon
    deadline("objection.answer", "YY-1", at(2026, 10, 9), unit=Unit.DAYS, length=3),
    # passed yesterday at midnight → missed
    deadline("case.statement", "AJ-1", at(2026, 9, 29), unit=Unit.DAYS, length=5),
    # done in time, and done late
    deadline("complaint.accept", "TS-3", at(2026, 9, 25), done_at=at(2026, 9, 24, 15)),
    deadline("complaint.accept", "TS-4", at(2026, 9, 25), done_at=at(2026, 9, 28, 9)),
    # a formula in a subject (a record's number comes from users in some domains)
    deadline("case.decision", '=HYPERLINK("http://evil.example","点我")', at(2026, 11, 30)),
)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def world(app, now):
    now(2026, 9, 29, 10, 0)
    register_deadline_source(app, "test", lambda: DEADLINES)
    return app


def statuses(html: str) -> list[str]:
    import re

    return re.findall(r'data-status="([a-z_]+)"', html)


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# ---- who may read ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "admin", "supervisor"])
def test_the_office_and_the_supervisors_read_every_deadline(world, role):
    html = signed_in(world, role).html("/supervision/")
    assert statuses(html) == ["met", "late", "missed", "due_soon", "due_soon", "open", "open"]
    for subject in ("TS-1", "TS-2", "YY-1", "AJ-1", "TS-3", "TS-4"):
        assert subject in html
    assert "工作日" in html and "3 日" in html  # the unit is on every row
    assert BASIS in html


@pytest.mark.parametrize("role", ["reviewer", "owner", "contractor"])
def test_other_roles_may_not_read_the_oversight_pages(world, role):
    who = signed_in(world, role)
    for path in ("/supervision/", "/supervision/deadlines.csv", "/supervision/audit",
                 "/supervision/audit.csv", "/supervision/audit/verify"):  # fmt: skip
        assert who.get(path).status_code == 403, path


def test_an_anonymous_visitor_is_sent_to_log_in(world):
    response = Browser(world).get("/supervision/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- filters -----------------------------------------------------------------------------------


def test_the_deadlines_filter_by_status(world):
    who = signed_in(world, "supervisor")
    html = who.html("/supervision/?status=due_soon")
    assert statuses(html) == ["due_soon", "due_soon"]
    assert "TS-1" in html and "YY-1" in html and "TS-2" not in html
    assert statuses(who.html("/supervision/?status=missed")) == ["missed"]


def test_the_deadlines_filter_by_kind_or_its_first_part(world):
    who = signed_in(world, "staff")
    assert len(statuses(who.html("/supervision/?kind=complaint"))) == 4
    assert len(statuses(who.html("/supervision/?kind=complaint.accept"))) == 3
    assert statuses(who.html("/supervision/?kind=case&status=missed")) == ["missed"]


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "kind=%3Cscript%3E", "kind=" + "x" * 200, "status=" + "x" * 5000, "kind=%00"],
)
def test_a_bad_filter_is_a_400_with_a_message_never_a_server_error(world, query):
    response = signed_in(world, "supervisor").get(f"/supervision/?{query}")
    assert response.status_code == 400


def test_a_deadline_in_an_unconfirmed_year_says_so_instead_of_guessing(world, now):
    now(2026, 12, 28, 10, 0)  # counting to 2027 needs its arrangement, which nobody confirmed
    later = deadline("complaint.decide", "TS-9", at(2027, 1, 20), length=30)
    register_deadline_source(world, "test", lambda: (later,))
    html = signed_in(world, "staff").html("/supervision/")
    assert statuses(html) == ["unconfirmed"]
    assert "2027年节假日安排未确认" in html


# ---- CSV ---------------------------------------------------------------------------------------


def test_the_deadlines_csv_has_a_bom_every_row_and_no_formula(world):
    response = signed_in(world, "supervisor").get("/supervision/deadlines.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="deadlines-')
    rows = read_csv(response)
    assert rows[0][0] == "类别" and len(rows) == 1 + len(DEADLINES)
    subjects = [r[2] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","点我")' in subjects  # quoted, text again
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    ts1 = next(r for r in rows if r[2] == "TS-1")
    assert ts1[3:6] == ["3", "工作日", "2026-10-09 00:00"]
    assert ts1[-1] == "即将届满"


def test_the_deadlines_csv_follows_the_filters(world):
    rows = read_csv(signed_in(world, "staff").get("/supervision/deadlines.csv?status=missed"))
    assert [r[2] for r in rows[1:]] == ["AJ-1"]
    assert rows[1][4] == "日"


# ---- the staff's warning banner ----------------------------------------------------------------


def test_every_staff_page_warns_of_deadlines_due_within_two_working_days_and_missed(world):
    who = signed_in(world, "staff")
    for page in ("/dashboard", "/staff/notices/", "/supervision/audit", "/"):
        html = who.html(page)
        assert "2 项期限将在2个工作日内届满" in html, page
        assert "1 项已逾期" in html, page
        assert "/supervision/?status=due_soon" in html


def test_the_banner_counts_by_working_days_across_national_day(world, now):
    # On 28 September (Monday) TS-1's last day, 8 October, is three working days off (29, 30
    # September, 8 October): not yet due soon; YY-1 neither. AJ-1's last day is today: due soon,
    # not yet missed.
    now(2026, 9, 28, 10, 0)
    who = signed_in(world, "staff")
    html = who.html("/dashboard")
    assert "1 项期限将在2个工作日内届满" in html and "0 项已逾期" in html
    assert statuses(who.html("/supervision/?status=due_soon")) == ["due_soon"]
    # On 30 September, with a week of holidays still ahead, TS-2 (last day 12 October) is open.
    now(2026, 9, 30, 10, 0)
    html = signed_in(world, "staff").html("/dashboard")
    assert "2 项期限将在2个工作日内届满" in html


@pytest.mark.parametrize("role", ["supervisor", "reviewer", "owner", "contractor"])
def test_only_the_office_sees_the_banner(world, role):
    assert "deadline-warning" not in signed_in(world, role).html("/dashboard")


def test_a_failing_source_is_named_and_the_others_still_shown(world):
    def broken():
        raise RuntimeError("a source's query failed")

    register_deadline_source(world, "broken", broken)
    who = signed_in(world, "staff")
    html = who.html("/supervision/")
    assert "暂时无法读取" in html and "broken" in html
    assert len(statuses(html)) == len(DEADLINES)
    html = who.html("/dashboard")
    assert "2 项期限将在2个工作日内届满" in html  # the banner counts the others


def test_unknown_query_names_never_reach_the_links(world):
    who = signed_in(world, "staff")
    for path in ("/supervision/", "/supervision/audit"):
        response = who.get(f"{path}?_external=1&_scheme=javascript&_anchor=x&_method=PUT&page=2")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert 'href="javascript' not in html and '#x"' not in html


def test_the_page_and_the_banner_read_in_english(world):
    who = signed_in(world, "staff")
    who.client.set_cookie("lang", "en")
    html = who.html("/supervision/")
    assert "Accept or refuse the complaint" in html
    assert "Due soon" in html and "working days" in html and "3 days" in html
    assert "Due within 2 working days: 2" in html and "Missed: 1" in html


def test_a_kind_with_no_deadline_now_lists_nothing(world):
    html = signed_in(world, "supervisor").html("/supervision/?kind=sanction.publish")
    assert statuses(html) == [] and "没有符合条件的期限" in html
