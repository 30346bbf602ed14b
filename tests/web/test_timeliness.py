"""Issue 17 (Public, item 5): 公开时限. Each notice type published after an event has a limit
(notices.timeliness.rules), the publishing service records the due moment with the notice, and
/notices/timeliness counts per local month how many were published on time and lists the late."""

from __future__ import annotations

from datetime import datetime

import pytest

from app import clock
from app.extensions import db
from config import ConfigError
from notices.models import Notice
from notices.timeliness.services import publish_due
from tests.conftest import build_app
from tests.factories import Browser, make_notice, make_user
from tests.trading_factories import active_pool, drawn
from tests.web.test_english_pages import _browser, _chinese_left, _typed_texts

PAGE = "/notices/timeliness"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=clock.TZ)


def result(staff, title: str, event: datetime, **overrides):
    """A trading result of a meeting at `event`, published now, with the due the service gives."""
    return make_notice(
        staff,
        type="trading_result",
        title=title,
        publish_due_at=publish_due("trading_result", event),
        **overrides,
    )


def test_a_result_within_its_limit_is_on_time_and_one_after_it_is_late_and_listed(app, now):
    staff = make_user("staff")
    # Meeting Wednesday 11-25: due by the end of the next working day, Thursday 11-26.
    assert publish_due("trading_result", at(2026, 11, 25, 9, 30)) == at(2026, 11, 27)
    now(2026, 11, 26, 17, 0)
    result(staff, "按时发布的交易结果公告", at(2026, 11, 25, 9, 30))
    # Meeting Friday 11-20: due by Monday 11-23 24:00; published Wednesday 11-25 10:00.
    now(2026, 11, 25, 10, 0)
    late = result(staff, "逾期发布的交易结果公告", at(2026, 11, 20, 9, 30))
    db.session.commit()
    html = Browser(app).html(PAGE)
    assert "按时发布的交易结果公告" not in html
    assert f'href="/notices/{late.id}">逾期发布的交易结果公告</a>' in html
    assert "2026-11-23 24:00" in html  # its due, as the last day's 24:00
    assert "2个工作日（34小时）" in html  # 11-24 and 11-25 used; 00:00 11-24 → 10:00 11-25
    row = html.split('href="/notices/timeliness?month=2026-11">2026-11</a>')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split('">')[1:]]
    assert cells[1:] == ["2", "1", "1"]  # published, on time, late
    # The basis and the limit of each type are printed.
    assert "本平台公开承诺：定标会议后1个工作日内发布交易结果公告" in html
    assert "《招标投标违法行为记录公告暂行办法》第六条" in html


def test_a_notice_counts_in_its_local_month_and_the_month_filter_keeps_one(app, now):
    staff = make_user("staff")
    # 10-31 23:30 in Shanghai is 15:30 UTC the same day, 11-01 00:30 is 10-31 16:30 UTC.
    now(2026, 10, 31, 23, 30)
    result(staff, "十月的结果", at(2026, 10, 30, 9, 0))
    now(2026, 11, 1, 0, 30)
    result(staff, "十一月的结果", at(2026, 10, 20, 9, 0))  # late
    now(2026, 11, 25, 10, 0)
    db.session.commit()
    client = Browser(app)
    october = client.html(PAGE + "?month=2026-10")
    assert "2026-11</a>" not in october and "十一月的结果" not in october
    assert 'month=2026-10">2026-10</a>' in october
    november = client.html(PAGE + "?month=2026-11")
    assert "2026-10</a>" not in november and "十一月的结果" in november
    both = client.html(PAGE)  # the last 12 months
    assert 'month=2026-10">2026-10</a>' in both and 'month=2026-11">2026-11</a>' in both


def test_a_type_without_a_limit_is_not_counted(app, now):
    staff = make_user("staff")
    now(2026, 11, 25, 10, 0)
    # A due set by hand on types that have no event to count from: neither counted nor listed.
    make_notice(staff, title="交易公告带时限", publish_due_at=at(2026, 11, 1))
    make_notice(staff, type="policy", title="政策带时限", publish_due_at=at(2026, 11, 1))
    db.session.commit()
    html = Browser(app).html(PAGE)
    assert "交易公告带时限" not in html and "政策带时限" not in html
    assert "所选月份没有设有公开时限的公告" in html and "没有逾期发布的公告" in html
    assert "政策法规与办事指南" not in html  # no limit row for it either


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-1", "9999-12", "2026-11-01", "<b>"])
def test_a_bad_month_is_400_with_a_message(app, now, month):
    now(2026, 11, 25, 10, 0)
    response = Browser(app).get(PAGE, query_string={"month": month})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "无效，请按“年-月”填写，例如 2026-11" in html
    assert "<b>" not in html.split('role="alert"')[1].split("</p>")[0]  # escaped
    english = _browser(app).get(PAGE, query_string={"month": month})
    assert english.status_code == 400
    assert "is not valid; write it as year-month" in english.get_data(as_text=True)


def test_the_english_page_has_no_chinese_chrome(app, now):
    staff = make_user("staff")
    now(2026, 11, 25, 10, 0)
    result(staff, "逾期发布的交易结果公告", at(2026, 11, 20, 9, 30))
    db.session.commit()
    typed = _typed_texts()
    browser = _browser(app)
    for path in (PAGE, PAGE + "?month=2026-11", PAGE + "?month=bad"):
        assert _chinese_left(browser.get(path).get_data(as_text=True), typed) == [], path
    html = browser.html(PAGE)
    assert "commitment: the result within 1 working day of the award meeting" in html
    assert "2 working days (34 hours)" in html


def test_the_list_links_the_page_and_it_is_anonymous(app, now):
    now(2026, 11, 25, 10, 0)
    client = Browser(app)
    assert 'href="/notices/timeliness"' in client.html("/notices/")
    assert client.get(PAGE).status_code == 200


def test_the_meeting_records_its_results_due_and_the_roster_its_own(app):
    phase = active_pool()
    _project, trading = drawn(phase, make_user("owner"))
    notice = db.session.get(Notice, trading.result_notice_id)
    # Held Thursday 12-03 09:30: due by Friday 12-04 24:00, published at once.
    assert notice.publish_due_at == at(2026, 12, 5)
    assert notice.published_at <= notice.publish_due_at
    roster = db.session.get(Notice, phase.call.roster_notice_id)
    publicity = db.session.get(Notice, phase.call.roster_publicity_notice_id)
    assert roster.publish_due_at is not None and publicity.publish_due_at is not None
    # The roster counts from the publicity's last day (its end is 00:00 the day after).
    last_day = clock.local(publicity.publicity_ends_at).date()
    assert clock.local(roster.publish_due_at).date() > last_day


def test_the_limits_are_configurable_and_checked_at_start(database_url, tmp_path, now):
    other = build_app(database_url, tmp_path, NOTICE_PUBLISH_LIMITS='{"trading_result": 3}')
    with other.app_context():
        assert publish_due("trading_result", at(2026, 11, 25, 9, 30)) == at(2026, 12, 1)
    with pytest.raises(ConfigError, match="'policy' has no event"):
        build_app(database_url, tmp_path, NOTICE_PUBLISH_LIMITS={"policy": 3})
    with pytest.raises(ConfigError, match="days must be a whole number"):
        build_app(database_url, tmp_path, NOTICE_PUBLISH_LIMITS={"trading_result": 0})
    with pytest.raises(ConfigError, match="not valid JSON"):
        build_app(database_url, tmp_path, NOTICE_PUBLISH_LIMITS="{trading_result: 3}")
    with pytest.raises(ConfigError, match="unit must be"):
        build_app(
            database_url, tmp_path, NOTICE_PUBLISH_LIMITS={"sanction": {"days": 5, "unit": "hours"}}
        )
