"""Offices on the staff trading pages: a platform's clerk sees its platform's projects only, a
project of another office answers 403, and the project form chooses among the account's offices."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contracts import services
from contracts.models import Project
from tests.factories import (
    PASSWORD,
    Browser,
    make_office,
    make_user,
    two_platforms,
    use_cheap_password_hashes,
)
from tests.pool_factories import at
from tests.trading_factories import project_input

SELECT = re.compile(r'<select[^>]*id="office_id"')


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def offices(app):
    return two_platforms()


def browser_of(app, user) -> Browser:
    browser = Browser(app)
    response = browser.login(user.username, PASSWORD)
    assert response.status_code == 302
    browser.user = user
    return browser


def form_data(**overrides) -> dict:
    data = {
        "name": "乙镇某村道路硬化工程",
        "owner_name": "乙镇某村股份经济合作社",
        "town": "",
        "village": "某村",
        "category_code": "JZ",
        "kind": "construction",
        "funding": "collective",
        "estimate": "1300000",
        "control_price": "1234567.89",
        "non_competitive_part": "0",
        "duration_days": "60",
        "scope": "道路硬化",
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
    }
    data.update(overrides)
    return data


def _projects(offices):
    clock.set_now(at(2026, 11, 26, 9, 0))
    mine = services.submit_project(
        project_input(name="甲街道某村排水沟工程"), actor=make_user("owner", office=offices.a)
    )
    theirs = services.submit_project(
        project_input(name="乙镇某村道路硬化工程"), actor=make_user("owner", office=offices.b)
    )
    return mine, theirs


def project_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Project))


def test_a_platform_clerk_sees_only_its_platforms_projects_on_the_workbench(app, offices):
    mine, theirs = _projects(offices)
    clerk = browser_of(app, make_user("staff", office=offices.a))
    html = clerk.html("/staff/projects/")
    assert mine.name in html and theirs.name not in html
    assert "甲街道" in html  # the platform column
    district = browser_of(app, make_user("staff"))
    html = district.html("/staff/projects/")
    assert mine.name in html and theirs.name in html and "乙镇" in html


def test_another_platforms_project_page_answers_403_with_the_reason(app, offices):
    mine, theirs = _projects(offices)
    clerk = browser_of(app, make_user("staff", office=offices.a))
    assert "所属平台" in clerk.html(f"/staff/projects/{mine.code}")
    for page in ("", "/announce", "/meeting", "/posting", "/evaluation"):
        response = clerk.get(f"/staff/projects/{theirs.code}{page}")
        assert response.status_code == 403, page
    assert "该项目属于其他平台" in clerk.get(f"/staff/projects/{theirs.code}").get_data(
        as_text=True
    )
    # Supervisors read their district's projects, not another district's.
    page = f"/staff/projects/{theirs.code}/evaluation"
    assert browser_of(app, make_user("supervisor")).get(page).status_code == 200
    other = make_office("beilun", "北仑区公管办", kind="district")
    assert browser_of(app, make_user("supervisor", office=other)).get(page).status_code == 403


def test_a_forged_filing_post_for_another_platform_changes_nothing(app, offices):
    _mine, theirs = _projects(offices)
    clerk = browser_of(app, make_user("staff", office=offices.a))
    reviewed = services.fingerprint(theirs)
    response = clerk.post(
        f"/staff/projects/{theirs.code}/file", {"reviewed": reviewed, "confirm": "y"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Project, theirs.id).filing == "submitted"


def test_a_platform_clerks_form_has_its_platform_fixed_and_fills_the_town(app, offices):
    clerk = browser_of(app, make_user("staff", office=offices.a))
    clock.set_now(at(2026, 11, 26, 9, 0))
    html = clerk.html("/staff/projects/new")
    assert f'<input type="hidden" name="office_id" value="{offices.a.id}">' in html
    assert not SELECT.search(html)
    response = clerk.submit("/staff/projects/new", form_data())
    assert response.status_code == 302
    p = db.session.scalar(select(Project).order_by(Project.id.desc()))
    assert p.office_id == offices.a.id and p.town == "甲街道"


def test_a_forged_office_on_the_form_is_refused_with_nothing_stored(app, offices):
    clerk = browser_of(app, make_user("staff", office=offices.a))
    clock.set_now(at(2026, 11, 26, 9, 0))
    before = project_count()
    response = clerk.submit(
        "/staff/projects/new",
        form_data(office_id=str(offices.b.id)),
        form_page="/staff/projects/new",
    )
    assert response.status_code == 400
    assert project_count() == before


@pytest.mark.parametrize("forged", ["abc", "1.5", "\u4e00", "-"])
def test_an_office_that_is_not_a_number_is_refused_not_replaced_by_the_own_office(
    app, offices, forged
):
    clerk = browser_of(app, make_user("staff", office=offices.a))
    clock.set_now(at(2026, 11, 26, 9, 0))
    before = project_count()
    response = clerk.submit(
        "/staff/projects/new", form_data(office_id=forged), form_page="/staff/projects/new"
    )
    assert response.status_code == 400
    assert "选择无效" in response.get_data(as_text=True)
    assert project_count() == before


def test_district_staff_choose_the_platform_on_the_form(app, offices):
    staff = browser_of(app, make_user("staff"))
    clock.set_now(at(2026, 11, 26, 9, 0))
    html = staff.html("/staff/projects/new")
    assert SELECT.search(html)
    for office in (offices.district, offices.a, offices.b):
        assert f'value="{office.id}"' in html
    response = staff.submit("/staff/projects/new", form_data(office_id=str(offices.b.id)))
    assert response.status_code == 302
    p = db.session.scalar(select(Project).order_by(Project.id.desc()))
    assert p.office_id == offices.b.id and p.town == "乙镇"
    # The district itself has no platform name: 街道/镇 must be typed.
    response = staff.submit("/staff/projects/new", form_data(office_id=str(offices.district.id)))
    assert response.status_code == 400
    assert 'id="town-error"' in response.get_data(as_text=True)
