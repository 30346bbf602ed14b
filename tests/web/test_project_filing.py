"""Filing as staff see it (issue 10): the filing and send-back buttons carry the fingerprint of
the project as the page showed it, so an owner's revision in between is never filed unseen; a
filed project not yet announced can be sent back and filed again; names, amounts and rates that
the later steps would refuse are refused on the entry form, on their field, never with a 500."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry
from app.extensions import db
from contracts import services
from contracts.models import Project, Trading
from tests.factories import PDF, Browser, signed_in, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, project_input, reviewed_on
from tests.web.test_project_pages import enter, field_error, project_data, stored, the_project


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def audit_count(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


# ---- finding 4: the filing race -------------------------------------------------------------------


def test_a_project_revised_after_staff_opened_it_is_not_filed_at_the_new_facts(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner, estimate="1300000", control_price="480000")
    page = f"/staff/projects/{p.code}"
    seen = reviewed_on(staff, page)  # staff open the project at 480,000.00
    assert "480,000.00" in staff.html(page)

    response = owner.submit(
        f"/owner/projects/{p.code}/edit",
        project_data(estimate="3950000", control_price="3900000"),
    )
    assert response.status_code == 302  # the owner raises it to 3,900,000 meanwhile

    filed_before = audit_count(Action.PROJECT_FILED)
    response = staff.submit(f"{page}/file", {"reviewed": seen, "confirm": "y"}, form_page=page)
    assert response.status_code == 302
    assert "项目已被修改，请重新审阅后再备案" in text_of(staff.html(page))
    project = the_project()
    assert (project.filing, project.filed_at) == ("submitted", None)
    assert audit_count(Action.PROJECT_FILED) == filed_before

    # Sending back with the stale page is refused as well.
    before = stored()
    response = staff.submit(
        f"{page}/send-back", {"reasons": "请补充预算书", "reviewed": seen}, form_page=page
    )
    assert response.status_code == 400
    assert "项目已被修改，请重新审阅后再退回" in text_of(response.get_data(as_text=True))
    assert stored() == before

    # Reviewed again, the new facts are filed: the page shows what is filed.
    page_now = staff.html(page)
    assert "3,900,000.00" in page_now
    response = staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    assert response.status_code == 302
    project = the_project()
    assert project.filing == "filed" and str(project.control_price) == "3900000.00"


def test_an_attachment_added_after_staff_opened_the_project_stops_the_filing(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    seen = reviewed_on(staff, page)
    owner_page = f"/owner/projects/{p.code}"
    owner.submit(
        f"{owner_page}/attachments", {"file": (io.BytesIO(PDF), "补充.pdf")}, form_page=owner_page
    )
    staff.submit(f"{page}/file", {"reviewed": seen, "confirm": "y"}, form_page=page)
    assert the_project().filing == "submitted"


def test_a_filing_post_without_the_fingerprint_files_nothing(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    response = staff.submit(f"{page}/file", {"confirm": "y"}, form_page=page)
    assert response.status_code == 302 and the_project().filing == "submitted"
    assert "请重新审阅后再备案" in text_of(staff.html(page))


# ---- finding 7: a filed project not yet announced is sent back ------------------------------------


def test_staff_send_back_a_filed_project_and_the_owner_revises_it_for_filing_again(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    assert the_project().filing == "filed"

    html = staff.html(page)
    assert "退回已备案项目" in html and 'action="/staff/projects/' + p.code + '/send-back"' in html
    reasons = "控制价与预算书不符，请核对后重新提交。"
    response = staff.submit(
        f"{page}/send-back",
        {"reasons": reasons, "reviewed": reviewed_on(staff, page)},
        form_page=page,
    )
    assert response.status_code == 302
    project = the_project()
    assert (project.filing, project.sent_back_reasons, project.filed_at) == (
        "sent_back",
        reasons,
        None,
    )
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry.action == Action.PROJECT_SENT_BACK
    assert (entry.before["filing"], entry.after["filing"]) == ("filed", "sent_back")
    assert '退回业主：<span class="keep-lines">' + reasons in staff.html(page)
    # The public no longer sees it (it was never announced).
    assert Browser(app).get(f"/projects/{p.code}").status_code == 404

    # The owner revises it; it goes back to staff and is filed again.
    assert reasons in owner.html(f"/owner/projects/{p.code}")
    response = owner.submit(f"/owner/projects/{p.code}/edit", project_data(control_price="1200000"))
    assert response.status_code == 302 and the_project().filing == "submitted"
    staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    project = the_project()
    assert project.filing == "filed" and str(project.control_price) == "1200000.00"


def test_an_announced_project_cannot_be_sent_back(app, now):
    phase = active_pool()
    owner = signed_in(app, "owner")
    p, _t = announced(phase, owner.user)
    staff = signed_in(app, "staff")
    page = f"/staff/projects/{p.code}"
    assert "退回已备案项目" not in staff.html(page)
    before = stored()
    response = staff.submit(
        f"{page}/send-back",
        {"reasons": "想退回", "reviewed": services.fingerprint(the_project())},
        form_page=page,
    )
    assert response.status_code == 400
    assert "项目已发布交易公告，不能再退回" in text_of(response.get_data(as_text=True))
    assert stored() == before


# ---- findings 5, 7 and 14 on the entry form ---------------------------------------------------------

BAD = [
    ("name", "工" * 101, "项目名称不能超过100个字"),
    ("name", "道路工程 https://evil.example/x", "项目名称不能包含网址"),
    ("name", "道路\u200b硬化工程", "项目名称不能包含换行、控制字符或不可见字符（U+200B）"),
    ("name", "道路\u202e硬化工程", "（U+202E）"),
    ("owner_name", "某村\u2066合作社", "业主不能包含"),
    # A C0 control is refused by every form before the service (app.forms); NUL before any
    # view (app.inputs): test_a_nul_in_any_field_is_refused_before_anything_is_stored below.
    ("contact_person", "王\x07五", "含有不允许的控制字符"),
    ("control_price", "999999999999.99", "控制价999,999,999,999.99元不能高于单项合同估算价"),
    ("non_competitive_part", "1234567.89", "不可竞争费用1,234,567.89元必须低于控制价"),
    ("estimate", "99999999999999999999999999999.001", "估算价必须小于1,000,000,000,000"),
    ("control_price", "1e30", "控制价不是有效的数字"),
    ("control_price", "NaN", "控制价不是有效的数字"),
    ("control_price", "-0", "控制价不是有效的数字"),
    ("non_competitive_part", "Infinity", "不可竞争费用不是有效的数字"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=[b[2][:12] for b in BAD])
def test_entry_refuses_what_a_later_step_would_refuse_on_its_field(app, now, field, value, message):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    before = stored()
    response = owner.submit("/owner/projects/new", project_data(**{field: value}))
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert stored() == before


def test_a_nul_in_any_field_is_refused_before_anything_is_stored(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    before = stored()
    response = owner.submit("/owner/projects/new", project_data(name="道路\x00硬化工程"))
    assert response.status_code == 400
    assert "不允许的控制字符" in response.get_data(as_text=True)
    assert stored() == before


@pytest.mark.parametrize(
    "rates",
    [
        {"rates": "99999999999999999999999999999.001"},
        {"rates": "1e30"},
        {"rates": "NaN, 3"},
        {"rate_min": "3", "rate_max": "5", "rate_step": "1e30"},
        {"rate_min": "1e30", "rate_max": "5", "rate_step": "1"},
        {"rate_min": "0.01", "rate_max": "99.99", "rate_step": "0.0001"},
        {"rate_min": "-0", "rate_max": "5", "rate_step": "1"},
    ],
)
def test_huge_or_strange_rates_are_a_form_message_not_a_server_error(app, rates):
    phase = active_pool()
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=signed_in(app, "owner").user)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=phase.staff)
    staff = signed_in(app, "staff")
    data = {"meeting_at": "2026-12-03T09:30", "meeting_place": "二楼", "publicity_days": "3"}
    response = staff.post(f"/staff/projects/{p.code}/announce", {**data, **rates})
    assert response.status_code == 400
    page = text_of(response.get_data(as_text=True))
    assert "提交的内容有误" in page and ("下浮率" in page or "步长" in page)
    assert db.session.scalar(select(func.count()).select_from(Trading)) == 0


def test_a_stored_project_that_breaks_the_text_rules_is_refused_at_announce_and_can_be_sent_back(
    app, now
):
    """A project filed before these rules (a 200-character name) is not stuck: announce refuses
    it with the reason, staff send it back, the owner corrects it, it is filed and announced."""
    phase = active_pool()
    owner = signed_in(app, "owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    p = services.submit_project(project_input(), actor=owner.user)
    services.file_project(p.code, reviewed=services.fingerprint(p), actor=phase.staff)
    project = db.session.get(Project, p.id)
    project.name = "工" * 200  # as the old rules let it through
    db.session.commit()

    clock.set_now(at(2026, 11, 27, 10, 0))
    staff = signed_in(app, "staff")
    page = f"/staff/projects/{p.code}"
    data = {
        "meeting_at": "2026-12-03T09:30",
        "meeting_place": "二楼",
        "publicity_days": "3",
        "rates": "3.00",
        "reviewed": reviewed_on(staff, page),
    }
    response = staff.post(f"{page}/announce/confirm", data)
    assert response.status_code == 400
    assert "项目信息不符合要求，不能发布交易公告：项目名称不能超过100个字" in text_of(
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(Trading)) == 0

    staff.submit(
        f"{page}/send-back",
        {"reasons": "项目名称过长", "reviewed": reviewed_on(staff, page)},
        form_page=page,
    )
    assert the_project().filing == "sent_back"
    owner.submit(f"/owner/projects/{p.code}/edit", project_data())
    staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    assert the_project().filing == "filed"
    review = staff.post(f"{page}/announce", {**data, "reviewed": ""})
    assert review.status_code == 200
    data["reviewed"] = reviewed_on(staff, page)
    response = staff.post(f"{page}/announce/confirm", data)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Trading)) == 1
