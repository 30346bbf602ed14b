"""Found walking the demo in a browser: a street/town platform's clerk is not offered the
district's pages (the pool, cases and sanctions) in the menus, and opening one anyway answers 403
with the reason; a district's clerk still sees them. The login prompt was Chinese on the English
site."""

from __future__ import annotations

import pytest

from tests.factories import (
    PASSWORD,
    Browser,
    default_district,
    make_office,
    make_user,
    use_cheap_password_hashes,
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def browser_of(app, user) -> Browser:
    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    return browser


def test_a_platform_clerk_is_not_offered_the_districts_pages(app):
    street = make_office("zh-jia", "甲街道", parent=default_district())
    clerk = browser_of(app, make_user("staff", office=street))
    page = clerk.get("/dashboard").get_data(as_text=True)
    assert "/staff/pool/" not in page
    assert "/staff/sanctions/" not in page
    assert "/staff/projects/" in page
    assert (
        "确认年度节假日安排" not in page
    )  # the district confirms the calendar; a platform reads it

    refused = clerk.get("/staff/pool/")
    assert refused.status_code == 403
    assert "名录库、不良行为案件和处理由区公管办办理" in refused.get_data(as_text=True)
    assert clerk.get("/staff/sanctions/").status_code == 403


def test_a_district_clerk_still_sees_the_pool_and_the_cases(app):
    clerk = browser_of(app, make_user("staff"))
    page = clerk.get("/dashboard").get_data(as_text=True)
    assert "/staff/pool/" in page
    assert "/staff/sanctions/" in page
    assert clerk.get("/staff/pool/").status_code == 200


def test_the_login_prompt_is_in_the_visitors_language(app):
    english = Browser(app)
    english.get("/lang/en")
    page = english.get("/staff/projects/", follow_redirects=True).get_data(as_text=True)
    assert "Please log in first" in page
    assert "请先登录" not in page

    chinese = Browser(app)
    page = chinese.get("/staff/projects/", follow_redirects=True).get_data(as_text=True)
    assert "请先登录" in page


def test_a_districts_administrator_is_not_told_to_leave_the_district_empty(app):
    page = browser_of(app, make_user("admin")).get("/admin/offices").get_data(as_text=True)
    assert "街道/镇平台须选择所属区公管办" in page
    assert "新设区公管办时留空" not in page
    root = make_user("admin", office=None, username="root")
    assert "新设区公管办时留空" in browser_of(app, root).get("/admin/offices").get_data(
        as_text=True
    )


def test_the_dashboards_letter_figures_are_the_accounts_offices(app, monkeypatch):
    from contracts import queries as trading

    asked = []
    real = trading.scope_letters

    def spy(office_ids):
        asked.append(office_ids)
        return real(office_ids)

    monkeypatch.setattr(trading, "scope_letters", spy)
    street = make_office("zh-jia", "甲街道", parent=default_district())
    assert browser_of(app, make_user("staff", office=street)).get("/dashboard").status_code == 200
    assert asked == [[street.id]]
