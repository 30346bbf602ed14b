"""Offices on the oversight pages: another office's notice, draw or complaint answers 403 (a
forged POST changes nothing), the office selects offer only what an account covers, a platform
clerk reads the calendar without its form, the deployment administrator manages the offices."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.offices.models import Office
from contracts.complaints.models import Complaint
from contracts.models import Project
from lottery import services as draws
from lottery.models import Draw
from notices import services as notices
from notices.models import Notice
from tests.factories import (
    PASSWORD,
    Browser,
    make_office,
    make_user,
    use_cheap_password_hashes,
)
from tests.integration.test_complaints import complaint_input
from tests.integration.test_complaints import world as world  # the fixture, re-exported


@pytest.fixture(autouse=True)
def _cheap(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def browser_of(app, user) -> Browser:
    b = Browser(app)
    assert b.login(user.username, PASSWORD).status_code == 302
    b.user = user
    return b


@pytest.fixture
def offices(app):
    a = make_office("jd-a", "甲街道平台")
    b = make_office("jd-b", "乙街道平台")
    other = make_office("qu-b", "乙区公共资源交易管理办公室", kind="district")
    return {"a": a, "b": b, "other": other}


def _draft_of(clerk) -> Notice:
    return notices.create_draft(
        notices.NoticeInput("policy", "甲街道办事指南", "", "依据", body="正文"), actor=clerk
    )


def test_another_platform_s_draft_is_403_and_a_forged_publish_changes_nothing(app, offices):
    clerk_a = make_user("staff", office=offices["a"])
    draft = _draft_of(clerk_a)
    b = browser_of(app, make_user("staff", office=offices["b"]))
    for path in (f"/staff/notices/{draft.id}", f"/staff/notices/{draft.id}/edit"):
        assert b.get(path).status_code == 403
    assert b.post(f"/staff/notices/{draft.id}/publish", {}).status_code == 403
    assert b.post(f"/staff/notices/{draft.id}/delete", {}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Notice, draft.id).status == "draft"
    assert "甲街道办事指南" not in b.html("/staff/notices/")
    assert "甲街道办事指南" in browser_of(app, clerk_a).html("/staff/notices/")


def test_the_notice_form_offers_the_offices_the_author_covers(app, offices):
    clerk = browser_of(app, make_user("staff", office=offices["a"]))
    html = clerk.html("/staff/notices/new")
    assert "甲街道平台" in html and "乙街道平台" not in html
    district = browser_of(app, make_user("staff")).html("/staff/notices/new")
    assert "甲街道平台" in district and "乙街道平台" in district and "乙区" not in district


def test_a_clerk_s_notice_posted_for_another_office_is_refused(app, offices):
    clerk = browser_of(app, make_user("staff", office=offices["a"]))
    data = {
        "type": "policy",
        "title": "伪造",
        "office_id": str(offices["b"].id),
        "issuing_body": "",
        "legal_basis": "依据",
        "body": "正文",
    }
    response = clerk.submit("/staff/notices/new", data)
    assert response.status_code == 403
    assert db.session.scalar(select(Notice).where(Notice.title == "伪造")) is None
    data["office_id"] = str(offices["a"].id)
    assert clerk.submit("/staff/notices/new", data).status_code == 302
    made = db.session.scalar(select(Notice).where(Notice.title == "伪造"))
    assert made.office_id == offices["a"].id and made.issuing_body == "甲街道平台"


def test_another_platform_s_draw_console_is_403_and_a_forged_abandon_changes_nothing(app, offices):
    d = draws.commit_pick(
        "PRJ-2026-0001-rate",
        "下浮率摇号",
        draws.Subject("project", "PRJ-2026-0001", "某工程", office_id=offices["a"].id),
        ["3.00", "3.50"],
    )
    b = browser_of(app, make_user("staff", office=offices["b"]))
    assert b.get(f"/staff/draws/{d.draw_id}/console").status_code == 403
    forged = {"reason": "会议取消", "confirm": "y"}
    assert b.post(f"/staff/draws/{d.draw_id}/abandon", forged).status_code == 403
    db.session.expire_all()
    assert db.session.get(Draw, d.id).status == "committed"
    a = browser_of(app, make_user("staff", office=offices["a"]))
    assert a.get(f"/staff/draws/{d.draw_id}/console").status_code == 200


def test_a_complaint_is_handled_by_its_district_not_by_the_traded_platform(app, world, offices):
    _phase, project, t, complainant = world
    db.session.get(Project, project.id).office_id = offices["a"].id
    db.session.commit()
    from contracts.complaints import services as complaints

    c = complaints.file_complaint(complaint_input(t.code), actor=complainant)
    clerk = browser_of(app, make_user("staff", office=offices["a"]))
    html = clerk.html(f"/staff/complaints/{c.id}")  # reads it, is offered no step
    assert "决定不予受理并公开" not in html
    assert clerk.post(f"/staff/complaints/{c.id}/accept", {}).status_code == 403
    other = browser_of(app, make_user("supervisor", office=offices["other"]))
    assert other.get(f"/staff/complaints/{c.id}").status_code == 403
    assert f'/staff/complaints/{c.id}"' not in other.html("/staff/complaints/")
    assert f'/staff/complaints/{c.id}"' in clerk.html("/staff/complaints/")
    db.session.expire_all()
    assert db.session.get(Complaint, c.id).accepted_at is None
    district = browser_of(app, make_user("staff"))
    assert "决定不予受理并公开" in district.html(f"/staff/complaints/{c.id}")


def test_the_api_names_a_complaint_s_office_and_filters_by_it(app, world, offices):
    _phase, project, t, complainant = world
    db.session.get(Project, project.id).office_id = offices["a"].id
    db.session.commit()
    from contracts.complaints import services as complaints

    c = complaints.file_complaint(complaint_input(t.code), actor=complainant)
    api = Browser(app)
    item = api.get(f"/api/v1/complaints/{c.id}").get_json()
    assert item["office"] == {"code": "jd-a", "name": "甲街道平台"}
    assert [i["id"] for i in api.get("/api/v1/complaints?office=jd-a").get_json()["items"]] == [
        c.id
    ]
    assert [i["id"] for i in api.get("/api/v1/complaints?office=district").get_json()["items"]] == [
        c.id
    ]
    assert api.get("/api/v1/complaints?office=jd-b").get_json()["items"] == []
    assert api.get("/api/v1/complaints?office=nowhere").get_json()["items"] == []


def test_a_platform_clerk_reads_the_calendar_without_its_form_and_cannot_post(app, offices):
    clerk = browser_of(app, make_user("staff", office=offices["a"]))
    html = clerk.html("/staff/calendar/")
    assert "录入并确认年度安排" not in html
    assert clerk.post("/staff/calendar/", {"year": "2027"}).status_code == 403
    assert "录入并确认年度安排" in browser_of(app, make_user("staff")).html("/staff/calendar/")


def test_a_district_admin_s_account_form_offers_its_district_and_platforms(app, offices):
    admin = browser_of(app, make_user("admin"))
    html = admin.html("/admin/accounts")
    assert "甲街道平台" in html and "乙区公共资源交易管理办公室" not in html
    forged = {
        "username": "other.staff",
        "display_name": "他区",
        "role": "staff",
        "office": str(offices["other"].id),
        "organisation": "",
        "password": "long enough passphrase",
    }
    assert admin.submit("/admin/accounts", forged).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "other.staff")) is None
    forged["office"] = str(offices["a"].id)
    assert admin.submit("/admin/accounts", forged).status_code == 302
    made = db.session.scalar(select(User).where(User.username == "other.staff"))
    assert made.office_id == offices["a"].id


def test_the_deployment_admin_creates_any_office_a_district_admin_its_platforms_only(app, offices):
    root = browser_of(app, make_user("admin", office=None))
    assert "机构管理" in root.html("/admin/accounts")
    assert "甲街道平台" in root.html("/admin/offices")
    data = {
        "kind": "street",
        "code": "jd-c",
        "name": "丙镇平台",
        "parent": str(offices["other"].id),
    }
    assert root.submit("/admin/offices", data).status_code == 302
    made = db.session.scalar(select(Office).where(Office.code == "jd-c"))
    assert made.parent_id == offices["other"].id and made.kind == "street"
    refused = root.submit("/admin/offices", {**data, "code": "jd-d", "parent": ""})
    assert refused.status_code == 400 and "须隶属于一个区公管办" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Office).where(Office.code == "jd-d")) is None

    district_admin = browser_of(app, make_user("admin"))
    html = district_admin.html("/admin/offices")
    assert "甲街道平台" in html and "乙区公共资源交易管理办公室" not in html
    forged = {**data, "code": "jd-e", "name": "丁镇平台"}  # under the other district
    assert district_admin.submit("/admin/offices", forged).status_code == 403
    as_district = {**forged, "kind": "district", "parent": ""}
    assert district_admin.submit("/admin/offices", as_district).status_code == 403
    assert db.session.scalar(select(Office).where(Office.code == "jd-e")) is None
    own = {**forged, "parent": str(offices["a"].parent_id)}
    assert district_admin.submit("/admin/offices", own).status_code == 302
    platform_admin = browser_of(app, make_user("admin", office=offices["a"]))
    assert platform_admin.get("/admin/offices").status_code == 403
