"""Sanction pages: the public list, archive and record with its changes; staff's case page with
its forms, supervisors reading it without forms and refused every POST; the company's statement
and correction on its account; the API's exact field names."""

from __future__ import annotations

from datetime import date

import pytest

from app import clock
from app.extensions import db
from contractors.sanctions import services
from contractors.sanctions.models import MisconductCase
from tests.factories import (
    PASSWORD,
    Browser,
    default_district,
    signed_in,
    use_cheap_password_hashes,
)
from tests.pool_factories import at, user_of
from tests.sanction_factories import confirm_2027, decision, jz_members
from tests.trading_factories import active_pool

API_FIELDS = {
    "uscc",
    "name",
    "kind",
    "reason",
    "basis",
    "decision",
    "decided_at",
    "decided_by",
    "from",
    "until",
    "notice_id",
    "shown_until",
    "office",
}


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    confirm_2027()


def _published(phase, company, **overrides):
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = services.open_case(company.id, "incident", "质量事故", actor=phase.staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    values = {"starts_on": date(2026, 11, 10), "months": 1, **overrides}
    services.decide(case.id, decision(**values), actor=phase.staff)
    clock.set_now(at(2026, 11, 11, 10, 0))
    services.publish(case.sanction.id, actor=phase.staff)
    return case


def _as_company(app, company) -> Browser:
    b = Browser(app)
    assert b.login(user_of(company).username, PASSWORD).status_code == 302
    return b


def test_a_published_sanction_is_listed_then_archived_and_stays_on_the_company_record(app, client):
    phase = active_pool()
    c = jz_members(phase)[0]
    case = _published(phase, c)
    clock.set_now(at(2026, 11, 20, 10, 0))
    page = client.html("/sanctions/")
    assert c.name in page and "暂停参与小型建设工程交易1个月" in page
    record = client.html(f"/contractors/{c.uscc}")
    assert "暂停交易资格" in record and "不良行为处理记录" in record
    roster = client.html("/pool/")
    assert c.name in roster and "因不良行为暂停交易资格或清出名录库的企业" in roster
    detail = client.html(f"/sanctions/{case.sanction.id}")
    assert "《建设工程质量管理条例》第二十五条" in detail and c.uscc in detail
    clock.set_now(at(2027, 5, 12, 10, 0))
    assert c.name not in client.html("/sanctions/")
    assert c.name in client.html("/sanctions/archive")
    assert "暂停参与小型建设工程交易1个月" in client.html(f"/contractors/{c.uscc}")


def test_an_unpublished_sanction_is_not_public(app, client):
    phase = active_pool()
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = services.open_case(jz_members(phase)[0].id, "incident", "事故", actor=phase.staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    services.decide(case.id, decision(starts_on=date(2026, 11, 10)), actor=phase.staff)
    assert client.get(f"/sanctions/{case.sanction.id}").status_code == 404
    assert client.get("/api/v1/sanctions").get_json() == {"items": [], "next": None}


def test_the_api_gives_exactly_the_published_fields(app, client):
    phase = active_pool()
    c = jz_members(phase)[0]
    case = _published(phase, c)
    (row,) = client.get("/api/v1/sanctions").get_json()["items"]
    assert set(row) == API_FIELDS
    assert (row["kind"], row["from"], row["until"]) == ("suspension", "2026-11-10", "2026-12-10")
    assert row["shown_until"] == "2027-05-12" and row["notice_id"] == case.sanction.notice_id
    assert row["decided_at"].endswith("+08:00")
    assert row["office"] == {"code": default_district().code, "name": default_district().name}
    assert client.get(f"/api/v1/sanctions/{c.uscc}").get_json()["items"] == [row]
    assert client.get(f"/api/v1/sanctions/{jz_members(phase)[1].uscc}").status_code == 404


def test_staff_decide_on_the_case_page_and_a_missing_basis_is_shown_on_the_form(app):
    phase = active_pool()
    staff = signed_in(app, "staff")
    clock.set_now(at(2026, 12, 7, 10, 0))
    r = staff.submit(
        "/staff/sanctions/new",
        {"uscc": jz_members(phase)[0].uscc, "source": "by_hand", "facts": "转包", "days": "5"},
        form_page="/staff/sanctions/",
    )
    assert r.status_code == 302
    case = db.session.query(MisconductCase).one()
    clock.set_now(at(2026, 12, 15, 10, 0))
    form = {
        "outcome": "warning",
        "act": "转包",
        "basis": "",
        "deciding_body": "区公管办",
        "starts_on": "2026-12-15",
    }
    r = staff.submit(
        f"/staff/sanctions/cases/{case.id}/decision",
        form,
        form_page=f"/staff/sanctions/cases/{case.id}",
    )
    assert r.status_code == 400 and "请填写处理依据" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MisconductCase, case.id).decided_at is None
    form["basis"] = "《招标投标法实施条例》第七十四条"
    r = staff.submit(
        f"/staff/sanctions/cases/{case.id}/decision",
        form,
        form_page=f"/staff/sanctions/cases/{case.id}",
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(MisconductCase, case.id).outcome == "warning"


def test_supervisors_read_cases_without_forms_and_every_post_refuses_them(app):
    phase = active_pool()
    case = _published(phase, jz_members(phase)[0])
    sup = signed_in(app, "supervisor")
    page = sup.html(f"/staff/sanctions/cases/{case.id}")
    assert "质量事故" in page and '<form method="post" action="/staff/sanctions' not in page
    assert "立案并短信告知企业" not in sup.html("/staff/sanctions/")
    sid = case.sanction.id
    for path in (
        f"/staff/sanctions/cases/{case.id}/statement",
        f"/staff/sanctions/cases/{case.id}/decision",
        f"/staff/sanctions/{sid}/publish",
        f"/staff/sanctions/{sid}/change",
        f"/staff/sanctions/{sid}/corrections",
        "/staff/sanctions/new",
    ):
        assert sup.post(path, {}).status_code == 403, path


def test_the_company_states_its_case_and_asks_for_a_correction_on_its_account(app):
    phase = active_pool()
    c = jz_members(phase)[0]
    clock.set_now(at(2026, 12, 7, 10, 0))
    case = services.open_case(c.id, "by_hand", "转包", actor=phase.staff)
    b = _as_company(app, c)
    r = b.submit(
        f"/contractor/sanctions/cases/{case.id}/statement",
        {f"s{case.id}-statement": "系劳务分包，并非转包"},
        form_page="/contractor/sanctions/",
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(MisconductCase, case.id).statement == "系劳务分包，并非转包"
    other = _as_company(app, jz_members(phase)[1])
    r = other.submit(
        f"/contractor/sanctions/cases/{case.id}/statement",
        {f"s{case.id}-statement": "冒充"},
        form_page="/contractor/sanctions/",
    )
    assert r.status_code == 403
    published = _published(phase, jz_members(phase)[2])
    sid = published.sanction.id
    b3 = _as_company(app, jz_members(phase)[2])
    r = b3.submit(
        f"/contractor/sanctions/{sid}/correction",
        {f"r{sid}-request": "处理日期有误"},
        form_page="/contractor/sanctions/",
    )
    assert r.status_code == 302
    assert "处理日期有误" in signed_in(app, "staff").html(f"/staff/sanctions/cases/{published.id}")
