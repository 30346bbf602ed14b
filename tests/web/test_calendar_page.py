"""The staff calendar page: an entry that does not look like the State Council's arrangement is
refused field by field; a good one is previewed (with its differences), then confirmed."""

from __future__ import annotations

import chinese_calendar
import pytest
from sqlalchemy import select

from app import audit
from app.audit import AuditEntry
from app.calendar.models import CalendarYear
from app.extensions import db
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    signed_in,
    simultaneously,
    use_cheap_password_hashes,
)

PAGE = "/staff/calendar/"


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def entry(year=2027, notice=NOTICE_2027, holidays=HOLIDAYS_2027, makeup="", **extra) -> dict:
    return {
        "year": str(year),
        "notice_number": notice,
        "holidays": holidays,
        "makeup_workdays": makeup,
        **extra,
    }


@pytest.mark.parametrize("year", [2026, 2027, 2003])
def test_a_year_with_no_holidays_is_refused_and_nothing_is_stored(app, year):
    staff = signed_in(app, "staff")
    data = entry(year, f"国办发明电〔{year - 1}〕7号", "", "", confirm="1")
    data.update(override_builtin="y", override_reason="试图覆盖")
    response = staff.submit(PAGE, data)
    assert response.status_code == 400
    assert "放假日不能为空" in response.get_data(as_text=True)
    assert db.session.get(CalendarYear, year) is None


def test_each_problem_is_shown_on_its_field(app):
    staff = signed_in(app, "staff")
    html = staff.submit(
        PAGE, entry(notice="第一次录入", holidays="2027-01-01", makeup="2027-02-15", confirm="1")
    ).get_data(as_text=True)
    assert 'id="notice_number-error"' in html and "不是国务院办公厅通知的格式" in html
    assert 'id="holidays-error"' in html and "缺少春节" in html and "缺少国庆节" in html
    assert 'id="makeup_workdays-error"' in html and "只能是星期六或星期日" in html
    assert db.session.get(CalendarYear, 2027) is None


def test_a_new_year_is_previewed_then_confirmed(app):
    staff = signed_in(app, "staff")
    preview = staff.submit(PAGE, entry(check="1"))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "请核对2027年的安排" in html and "该年尚无任何安排" in html
    assert db.session.get(CalendarYear, 2027) is None  # a preview stores nothing
    assert staff.submit(PAGE, entry(confirm="1")).status_code == 302
    assert db.session.get(CalendarYear, 2027).notice_number == NOTICE_2027


@pytest.mark.parametrize("stored_before", [False, True])
def test_a_year_confirmed_twenty_times_at_once_is_stored_once_never_a_500(
    app, database_url, stored_before
):
    # Found against gunicorn: the confirmations that lost the race to insert the year (or its
    # days, replacing a stored year) answered 500 on pk_calendar_days.
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    staff = signed_in(app, "staff")
    if stored_before:
        assert staff.submit(PAGE, entry(confirm="1")).status_code == 302
    statuses = simultaneously(
        app, staff, lambda tab: tab.submit(PAGE, entry(confirm="1", makeup="2027-02-20")), 20
    )
    assert statuses == [302] * 20
    db.session.expire_all()
    row = db.session.get(CalendarYear, 2027)
    assert [d.day.isoformat() for d in row.days if d.kind == "makeup_workday"] == ["2027-02-20"]
    assert audit.verify_chain().ok


def _builtin_2026() -> dict:
    hol = sorted(d for d in chinese_calendar.holidays if d.year == 2026)
    mk = sorted(d for d in chinese_calendar.workdays if d.year == 2026)
    return entry(
        2026,
        "国办发明电〔2025〕7号",
        "\n".join(d.isoformat() for d in hol) + "\n2026-12-31",
        ",".join(d.isoformat() for d in mk),
    )


def test_a_year_chinese_calendar_covers_needs_the_override_and_shows_its_differences(app):
    staff = signed_in(app, "staff")
    refused = staff.submit(PAGE, {**_builtin_2026(), "confirm": "1"})
    assert refused.status_code == 400
    assert "更正内置日历" in refused.get_data(as_text=True)
    assert db.session.get(CalendarYear, 2026) is None

    override = {**_builtin_2026(), "override_builtin": "y", "override_reason": "国务院补充通知"}
    preview = staff.submit(PAGE, {**override, "check": "1"}).get_data(as_text=True)
    assert "与内置日历（chinese-calendar）的差异" in preview
    assert "新增休息日（原为工作日）：2026-12-31" in preview

    assert staff.submit(PAGE, {**override, "confirm": "1"}).status_code == 302
    row = db.session.get(CalendarYear, 2026)
    assert row is not None and not row.is_demo
    entry_ = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "calendar:year_confirmed")
    ).one()
    assert entry_.after["override_reason"] == "国务院补充通知"


def test_a_reason_without_the_tick_is_no_override(app):
    staff = signed_in(app, "staff")
    data = {**_builtin_2026(), "override_reason": "国务院补充通知", "confirm": "1"}
    assert staff.submit(PAGE, data).status_code == 400
    assert db.session.get(CalendarYear, 2026) is None


def test_the_refusals_read_in_english_under_the_english_locale(app):
    staff = signed_in(app, "staff")
    staff.client.set_cookie("lang", "en")
    html = staff.submit(PAGE, entry(holidays="", confirm="1")).get_data(as_text=True)
    assert "The holidays cannot be empty" in html
