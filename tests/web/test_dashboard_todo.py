"""The staff dashboard (issue 13, item 11): the to-do counts of the account's offices, each a link
to the list it counts, and a warning from 1 November while next year's working-day calendar is
not entered (2027 is not in the built-in calendar the tests run with)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app import clock
from contracts import services
from tests.factories import PASSWORD, Browser, make_office, make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import project_input


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def browser_of(app, user) -> Browser:
    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    return browser


def count_of(html: str, href: str) -> int:
    """The count shown beside the link to `href` in the to-do list."""
    match = re.search(
        rf'<a href="{re.escape(href)}">[^<]*</a> <span class="badge[^"]*" data-count="(\d+)"', html
    )
    assert match, href
    return int(match.group(1))


FILING = "/staff/projects/?state=submitted"


def test_the_dashboard_counts_the_projects_to_file_and_links_to_them(app):
    clock.set_now(at(2026, 11, 26, 9, 0))
    platform = make_office("zh-jia", "甲街道")
    p = services.submit_project(
        project_input(name="甲街道某村排水沟工程"), actor=make_user("owner", office=platform)
    )
    staff = browser_of(app, make_user("staff"))
    other = browser_of(app, make_user("staff", office=make_office("zh-yi", "乙镇")))

    html = staff.html("/dashboard")
    assert "待办事项" in html
    assert count_of(html, FILING) == 1
    assert count_of(other.html("/dashboard"), FILING) == 0  # another platform's project

    listed = staff.html(FILING)
    assert p.code in listed and "只显示：待备案（1个）" in text_of(listed)
    assert p.code not in other.html(FILING)


def test_each_count_links_to_a_list_that_opens(app):
    clock.set_now(at(2026, 11, 26, 9, 0))
    staff = browser_of(app, make_user("staff"))
    html = staff.html("/dashboard")
    links = re.findall(r'<section id="todo".*?</section>', html, re.S)[0]
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', links)]
    assert len(hrefs) == 6  # filing, meetings, objections, pool objections, complaints, SMS
    for href in hrefs:
        assert count_of(html, href.replace("&", "&amp;")) == 0
        assert staff.get(href).status_code == 200, href


def test_an_unknown_filter_is_refused_with_a_message_not_ignored(app):
    staff = browser_of(app, make_user("staff"))
    response = staff.get("/staff/projects/?state=nonsense")
    assert response.status_code == 400
    assert "没有这种项目状态" in text_of(response.get_data(as_text=True))
    response = staff.get("/staff/notices/?sms=nonsense")
    assert response.status_code == 400
    assert "没有这种短信筛选条件" in text_of(response.get_data(as_text=True))


def test_other_roles_have_no_to_do_list(app):
    clock.set_now(at(2026, 11, 26, 9, 0))
    owner = browser_of(app, make_user("owner"))
    html = owner.html("/dashboard")
    assert "待办事项" not in html and "节假日安排" not in html


def test_from_the_first_of_november_the_missing_next_year_is_warned_of(app):
    staff = browser_of(app, make_user("staff"))
    clock.set_now(at(2026, 10, 31, 23, 0))
    assert 'id="calendar-warning"' not in staff.html("/dashboard")

    clock.set_now(at(2026, 11, 1, 8, 0))
    html = staff.html("/dashboard")
    assert "尚未录入2027年的节假日安排" in text_of(html)
    assert 'href="/staff/calendar/"' in html.split('id="calendar-warning"')[1]

    staff.client.set_cookie("lang", "en")
    text = text_of(staff.html("/dashboard"))
    assert "The holiday arrangement for 2027 is not entered yet" in text
    assert "To do" in text
