"""`flask demo`: a believable data set, repeatable, and working in years chinese-calendar does not know."""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.audit import verify_chain
from app.auth.models import User
from app.calendar.models import CalendarYear
from app.demo import ACCOUNTS
from app.extensions import db
from notices import rules
from notices.models import Notice


def _run(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_has_accounts_of_every_role_with_printed_passwords(app, now):
    now(2026, 11, 27, 10, 0)
    output = _run(app)
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"admin", "staff", "reviewer", "owner", "contractor"}
    for username, *_ in ACCOUNTS:  # the demo's own accounts; applicants' firms log in as nobody
        assert username in output
    assert verify_chain().ok


def test_the_demo_has_past_and_running_notices_and_a_correction(app, now):
    now(2026, 11, 27, 10, 0)
    _run(app)
    published = db.session.scalars(select(Notice).where(Notice.status == "published")).all()
    states = {rules.publicity_state(n.publicity_ends_at, clock.now()) for n in published}
    assert {rules.Publicity.RUNNING, rules.Publicity.ENDED} <= states
    assert any(n.corrects_id for n in published)
    assert db.session.scalar(select(Notice).where(Notice.status == "draft"))
    # In 2026 the demo needs no made-up year.
    assert db.session.scalar(select(CalendarYear)) is None


def test_a_second_run_keeps_the_data_and_prints_new_passwords(app, now):
    now(2026, 11, 27, 10, 0)
    _run(app)
    count = db.session.scalar(select(db.func.count(Notice.id)))
    output = _run(app)
    assert "already present" in output
    assert db.session.scalar(select(db.func.count(Notice.id))) == count


def test_the_demo_works_in_a_year_chinese_calendar_does_not_know(app, now):
    now(2027, 3, 2, 10, 0)
    output = _run(app)
    year = db.session.get(CalendarYear, 2027)
    assert year is not None and year.is_demo and "演示" in year.notice_number
    assert "2027" in output
    assert db.session.scalar(select(db.func.count(Notice.id))) >= 10
