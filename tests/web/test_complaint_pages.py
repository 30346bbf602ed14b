"""Complaint pages: the company's form refuses bad input with nothing changed; staff see every
state with its deadlines and forms; supervisors read everything and can post nothing; the public
API carries no personal data."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.calendar.services import build_arrangement, confirm_year
from app.extensions import db
from contractors.queries import active_members
from contracts.complaints import services
from contracts.complaints.models import Complaint
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    PASSWORD,
    PDF,
    Browser,
    make_user,
    signed_in,
    use_cheap_password_hashes,
)
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, file_complaint, member_user


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


@pytest.fixture
def world(app):
    phase = active_pool()
    project, t = announced(phase, make_user("owner"))
    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=phase.staff)
    user = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 11, 30, 10, 0))
    return phase, project, t, user


def _browser(app, user) -> Browser:
    b = Browser(app)
    assert b.login(user.username, PASSWORD).status_code == 302
    b.user = user
    return b


def _form(**overrides) -> dict:
    return {
        "matter": "other",
        "knew_on": "2026-11-27",
        "complainant_name": "宁波某建设有限公司",
        "complainant_contact": "张三 13800000000",
        "respondent_name": "某村股份经济合作社",
        "respondent_contact": "王五 0574-87654321",
        "respondent_uscc": "",
        "facts": "业绩条件不当。",
        "requests": "责令改正。",
        "evidence": (io.BytesIO(PDF), "证据.pdf"),
        **overrides,
    }


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Complaint))


def test_a_company_files_from_its_form_and_sees_it_in_my_complaints(app, world):
    _phase, _p, t, user = world
    b = _browser(app, user)
    page = f"/contractor/complaints/new/{t.code}"
    assert "提交投诉" in b.html(page)
    r = b.submit(page, _form(), content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert _count() == 1
    assert "已收到，待受理" in b.html("/contractor/complaints/")


@pytest.mark.parametrize(
    "overrides",
    [
        {"requests": ""},
        {"complainant_contact": ""},
        {"evidence": (b"", "")},
        {"evidence": (b"plain text", "a.txt")},
        {"knew_on": "2026-10-01"},
        {"knew_on": ""},
        {"matter": "result"},
        {"facts": "x\x00y"},
    ],
)
def test_bad_input_on_the_form_is_refused_with_a_message_and_nothing_filed(app, world, overrides):
    _phase, _p, t, user = world
    b = _browser(app, user)
    page = f"/contractor/complaints/new/{t.code}"
    if "evidence" in overrides:  # a fresh file each run: the test runs once per database
        content, name = overrides["evidence"]
        overrides = {**overrides, "evidence": (io.BytesIO(content), name)}
    r = b.submit(page, _form(**overrides), content_type="multipart/form-data")
    assert r.status_code == 400
    if "\x00" not in overrides.get("facts", ""):  # NUL is refused before any form (app.inputs)
        html = r.get_data(as_text=True)
        assert 'class="error' in html or "error-summary" in html
    assert _count() == 0


def test_after_the_window_the_form_is_not_offered(app, world):
    _phase, _p, t, user = world
    clock.set_now(at(2026, 12, 20, 10, 0))
    html = _browser(app, user).html(f"/contractor/complaints/new/{t.code}")
    assert "投诉期限已过" in html and "提交投诉" not in html


def _complaints_in_every_state(phase, t, user):
    """received, accepted (paused), refused, decided and withdrawn — one complainant a matter."""
    received = file_complaint(phase, t, "甲")
    paused = file_complaint(phase, t, "乙")
    services.accept(paused.id, actor=phase.staff)
    services.pause(paused.id, "testing", "检测路面厚度", actor=phase.staff)
    refused = file_complaint(phase, t, "丙")
    services.refuse(refused.id, "late", "超过期限", actor=phase.staff)
    decided = file_complaint(phase, t, "丁")
    services.accept(decided.id, actor=phase.staff)
    services.decide(
        decided.id, services.DecisionInput("dismissed", "f", "b", "t"), actor=phase.staff
    )
    withdrawn = file_complaint(phase, t, "戊")
    services.withdraw(withdrawn.id, "书面撤回", actor=phase.staff)
    return [received, paused, refused, decided, withdrawn]


def test_staff_see_every_state_with_its_deadlines_and_only_its_forms(app, world):
    phase, _p, t, user = world
    complaints = _complaints_in_every_state(phase, t, user)
    staff = signed_in(app, "staff")
    listing = staff.html("/staff/complaints/")
    for label in ("已收到，待受理", "已受理，处理中", "不予受理", "已作出处理决定", "已撤回"):
        assert label in listing
    assert "受理或不予受理投诉" in listing and "工作日" in listing
    received, paused, refused, decided, _withdrawn = complaints
    html = staff.html(f"/staff/complaints/{received.id}")
    assert "受理投诉" in html and "决定不予受理并公开" in html and "作出决定并公开" not in html
    html = staff.html(f"/staff/complaints/{paused.id}")
    assert "恢复计时" in html and "检验检测" in html and "作出决定并公开" not in html
    for closed in (refused, decided):
        html = staff.html(f"/staff/complaints/{closed.id}")
        assert 'id="steps"' not in html and "查看已公开的决定" in html
    # A missed deadline is marked on the page.
    clock.set_now(at(2026, 12, 10, 10, 0))
    assert "已逾期" in staff.html(f"/staff/complaints/{received.id}")


def test_supervisors_read_every_page_but_see_no_form_and_post_nothing(app, world):
    phase, _p, t, user = world
    complaints = _complaints_in_every_state(phase, t, user)
    supervisor = signed_in(app, "supervisor")
    assert "已收到，待受理" in supervisor.html("/staff/complaints/")
    for c in complaints:
        html = supervisor.html(f"/staff/complaints/{c.id}")
        assert 'id="steps"' not in html and "/staff/complaints/" + str(
            c.id
        ) + "/" not in html.replace(f"/staff/complaints/{c.id}/evidence/", "")
    received = complaints[0]
    for step in ("accept", "refuse", "pause", "resume", "finding", "decide", "withdraw", "suspend"):
        assert supervisor.post(f"/staff/complaints/{received.id}/{step}", {}).status_code == 403
    assert supervisor.get("/staff/complaints/new").status_code == 403
    db.session.expire_all()
    assert db.session.get(Complaint, received.id).accepted_at is None


def test_the_api_lists_complaints_without_personal_data(app, world):
    phase, _p, t, user = world
    _complaints_in_every_state(phase, t, user)
    body = Browser(app).get("/api/v1/complaints").get_json()
    assert {i["status"] for i in body["items"]} == {
        "received",
        "accepted",
        "refused",
        "decided",
        "withdrawn",
    }
    item = body["items"][0]
    assert set(item) == {
        "id",
        "subject",
        "received_at",
        "accept_by",
        "accepted_at",
        "refused_at",
        "decide_by",
        "decided_at",
        "status",
        "outcome",
        "decision_notice_id",
        "office",
    }
    assert item["subject"] == {"type": "trading", "code": t.code}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+08:00", item["accept_by"])
    text = str(body)
    for personal in ("甲", "乙", "电话", "0574"):
        assert personal not in text
    one = Browser(app).get(f"/api/v1/complaints/{item['id']}").get_json()
    assert one == item
    assert Browser(app).get("/api/v1/complaints/987654").status_code == 404


def test_the_project_page_lists_the_published_decisions_of_its_tradings_only(app, world):
    # Issue 14: the decisions are read as rows by the project's id (its tradings' complaints).
    from notices.models import Notice

    phase, project, t, user = world
    _received, _paused, refused, decided, _withdrawn = _complaints_in_every_state(phase, t, user)
    other, other_t = announced(phase, make_user("owner"), name="另一村道路工程")
    elsewhere = file_complaint(phase, other_t, "己")
    services.refuse(elsewhere.id, "late", "超过期限", actor=phase.staff)
    db.session.expire_all()
    published = [
        db.session.get(Notice, c.decision_notice_id)
        for c in (db.session.get(Complaint, refused.id), db.session.get(Complaint, decided.id))
    ]
    section = Browser(app).html(f"/projects/{project.code}").split('id="complaints"')[1]
    section = section.split("</section>")[0]
    shown = re.findall(r'<a href="/notices/(\d+)">', section)
    ordered = sorted(published, key=lambda n: n.published_at)
    assert shown == [str(n.id) for n in ordered]
    other_notice = db.session.get(Complaint, elsewhere.id).decision_notice_id
    assert str(other_notice) in Browser(app).html(f"/projects/{other.code}")
