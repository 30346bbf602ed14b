"""The office's working-day calendar: entering a year, its validation, and the demo years."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.calendar.errors import CalendarError
from app.calendar.models import CalendarYear
from app.calendar.services import build_arrangement, confirm_year, current_calendar, parse_days
from app.demo import demo_arrangement
from app.extensions import db
from app.workdays import UnconfirmedYear
from tests.factories import HOLIDAYS_2027, NOTICE_2027, make_user


def test_a_year_chinese_calendar_knows_is_confirmed_and_the_next_is_not_until_entered(app):
    cal = current_calendar()
    assert cal.is_confirmed(2026)
    assert not cal.is_confirmed(2027)
    with pytest.raises(UnconfirmedYear) as e:
        cal.add_working_days(date(2026, 12, 24), 10)
    assert e.value.year == 2027


def test_confirming_a_year_stores_its_days_and_is_audited(app):
    staff = make_user("staff")
    arrangement = build_arrangement(
        2027, "国办发明电 [2026] 12号", HOLIDAYS_2027, "2027-02-13, 2027-02-21"
    )
    confirm_year(arrangement, actor=staff)
    row = db.session.get(CalendarYear, 2027)
    assert row.notice_number == "国办发明电〔2026〕12号"  # brackets and spaces normalised
    assert len([d for d in row.days if d.kind == "holiday"]) == 27
    cal = current_calendar()
    assert cal.is_working_day(date(2027, 2, 13))  # a Saturday worked (调休)
    assert not cal.is_working_day(date(2027, 2, 8))  # a Monday off
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "calendar:year_confirmed")
    )
    assert entry.after["makeup_workdays"] == ["2027-02-13", "2027-02-21"]


def test_a_request_reads_the_years_once_and_anew_after_confirming_one(app):
    # Issue 14: a project's page counts three deadlines; the years are read for the first only.
    # A year confirmed during the request is what the rest of the request counts with.
    staff = make_user("staff")
    arrangement = build_arrangement(
        2027, "国办发明电 [2026] 12号", HOLIDAYS_2027, "2027-02-13, 2027-02-21"
    )
    with app.test_request_context("/"):
        before = current_calendar()
        assert current_calendar() is before and not before.is_confirmed(2027)
        confirm_year(arrangement, actor=staff)
        after = current_calendar()
        assert after is not before and after.is_confirmed(2027)
        assert after.is_working_day(date(2027, 2, 13))
    with app.test_request_context("/"):
        assert current_calendar().is_confirmed(2027)


def test_the_years_and_their_days_are_read_in_one_statement_however_many_years(app):
    from sqlalchemy import event

    for year in (2027, 2028, 2029):
        confirm_year(demo_arrangement(year), is_demo=True)
    db.session.expunge_all()  # nothing of them left in the session: read as a request reads
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        cal = current_calendar()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(sent) == 1, sent
    assert not cal.is_working_day(date(2029, 10, 2)) and cal.is_working_day(date(2029, 10, 8))


def test_the_calendar_read_as_rows_is_the_years_entities_calendar(app):
    # Issue 14: the request's calendar is read as plain rows of the years and their days; it
    # counts as the one made of the stored years' entities — a year without exceptional days too.
    from app.calendar.models import CalendarDay
    from app.calendar.services import _read_calendar, arrangement_of, office_years
    from app.workdays import WorkCalendar

    for year in (2027, 2028):
        confirm_year(demo_arrangement(year), is_demo=True)
    db.session.execute(CalendarDay.__table__.delete().where(CalendarDay.year == 2028))
    db.session.expunge_all()
    expected = WorkCalendar(arrangement_of(row) for row in office_years())
    assert [a.year for a in expected.key[1]][-2:] == [2027, 2028]
    assert expected.key[1][-1].holidays == frozenset()
    assert _read_calendar().key == expected.key


@pytest.mark.parametrize(
    ("holidays", "makeup", "message"),
    [
        ("2027-13-01", "", "无法识别的日期"),
        ("2026-12-31", "", "不在2027年内"),
        ("2027-02-10~2027-02-01", "", "日期范围不正确"),
        ("", "2027-02-10", "只能是星期六或星期日"),
        ("2027-02-13", "2027-02-13", "既是放假日又是调休上班日"),
    ],
)
def test_a_wrong_arrangement_is_refused_with_a_message(app, holidays, makeup, message):
    with pytest.raises(CalendarError, match=message):
        build_arrangement(2027, NOTICE_2027, holidays, makeup)
    assert db.session.get(CalendarYear, 2027) is None


def test_an_arrangement_needs_the_notice_number(app):
    with pytest.raises(CalendarError, match="文号"):
        build_arrangement(2027, " ", "2027-01-01", "")


def test_dates_may_be_separated_by_lines_or_commas_and_given_as_ranges():
    assert parse_days("2027-01-01，2027-10-01～2027-10-03\n\n2027-05-01", 2027) == {
        date(2027, 1, 1),
        date(2027, 10, 1),
        date(2027, 10, 2),
        date(2027, 10, 3),
        date(2027, 5, 1),
    }


def test_the_demo_arrangement_is_labelled_as_such():
    arrangement = demo_arrangement(2031)
    assert "演示" in arrangement.notice_number and "非国务院正式通知" in arrangement.notice_number
    assert date(2031, 10, 1) in arrangement.holidays
