"""The owner's and the office's project pages: entering a project (refused out of scope with the
statutory reason on the form), sending back and revising, filing, attachments, another owner kept
out, the open projects with their next step and deadline, and the contract or a refusal recorded
on a drawn project."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import services
from contracts.models import Contract, Project, ProjectAttachment, Refusal, Trading
from lottery import services as draws
from tests.factories import PDF, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, at, user_of
from tests.trading_factories import hold_meeting, reviewed_on

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def project_data(**overrides) -> dict:
    data = {
        "name": "甬江街道某村道路硬化工程",
        "owner_name": "甬江街道某村股份经济合作社",
        "town": "甬江街道",
        "village": "某村",
        "category_code": "JZ",
        "kind": "construction",
        "funding": "collective",
        "estimate": "1,300,000",
        "control_price": "1234567.89",
        "non_competitive_part": "0",
        "duration_days": "60",
        "scope": "道路硬化约1.2公里。",
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
    }
    data.update(overrides)
    return data


def stored() -> tuple:
    """Projects (with what matters of them), attachments and audit entries."""
    db.session.expire_all()
    return (
        [
            (p.code, p.name, p.filing, p.control_price, p.sent_back_reasons)
            for p in db.session.scalars(select(Project).order_by(Project.id))
        ],
        db.session.scalar(select(func.count()).select_from(ProjectAttachment)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(str(f) for f in folder.rglob("*") if f.is_file()) if folder.exists() else []


def the_project() -> Project:
    db.session.expire_all()
    return db.session.scalar(select(Project).order_by(Project.id.desc()).limit(1))


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def enter(owner, **overrides) -> Project:
    response = owner.submit("/owner/projects/new", project_data(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return the_project()


# ---- entering a project -------------------------------------------------------------------------


def test_an_owner_enters_a_project_and_follows_it_on_its_pages(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    response = owner.submit("/owner/projects/new", project_data())
    p = the_project()
    assert response.headers["Location"].endswith(f"/owner/projects/{p.code}")
    assert p.owner_user_id == owner.user.id and p.filing == "submitted"
    assert str(p.estimate) == "1300000.00"  # the thousands separators were dropped
    html = owner.html(f"/owner/projects/{p.code}")
    assert "甬江街道某村道路硬化工程" in html and "1,234,567.89" in html
    assert "等待区公管办备案" in html
    assert "不设投标文件" in html  # the trading documents from the model text, rendered
    listing = owner.html("/owner/projects/")
    assert p.code in listing and "待备案" in listing


def test_a_project_out_of_scope_is_refused_with_the_statutory_reason_on_the_estimate(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    before = stored()
    response = owner.submit("/owner/projects/new", project_data(estimate="4000000"))
    assert response.status_code == 400
    reason = field_error(response.get_data(as_text=True), "estimate")
    assert "《必须招标的工程项目规定》第五条" in reason and "不属于本平台交易范围" in reason
    response = owner.submit("/owner/projects/new", project_data(estimate="99999"))
    assert "低于100,000.00元" in field_error(response.get_data(as_text=True), "estimate")
    assert stored() == before


def test_a_control_price_with_three_decimals_is_refused_on_its_field(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    before = stored()
    response = owner.submit("/owner/projects/new", project_data(control_price="1234567.891"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "控制价最多保留两位小数" in field_error(html, "control_price")
    assert 'value="1234567.891"' in html  # what was typed stays on the form
    assert stored() == before


def test_missing_facts_are_all_listed_at_once(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    before = stored()
    response = owner.submit(
        "/owner/projects/new", project_data(name="", town="", funding="", duration_days="x")
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for field_id in ("name", "town", "funding", "duration_days"):
        assert field_error(html, field_id), field_id
    assert stored() == before


def test_staff_enter_a_project_for_an_owner(app, now):
    now(2026, 11, 26, 9, 0)
    staff = signed_in(app, "staff")
    response = staff.submit("/staff/projects/new", project_data(name="洪塘街道某社区停车场改造"))
    p = the_project()
    assert response.headers["Location"].endswith(f"/staff/projects/{p.code}")
    assert p.owner_user_id is None and p.name == "洪塘街道某社区停车场改造"
    assert "备案或退回" in staff.html("/staff/projects/")


# ---- filing: sent back, revised, filed -----------------------------------------------------------


def test_staff_send_a_project_back_and_the_owner_revises_it_before_it_is_filed(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    reasons = "控制价未附预算书；工程内容请写明路面宽度。"
    response = staff.submit(
        f"{page}/send-back",
        {"reasons": reasons, "reviewed": reviewed_on(staff, page)},
        form_page=page,
    )
    assert response.status_code == 302
    assert the_project().filing == "sent_back"
    # Staff's list of open projects no longer holds it; the recently closed does.
    index = staff.html("/staff/projects/")
    open_part, closed_part = index.split("最近办结")
    assert p.code not in open_part and p.code in closed_part

    detail = owner.html(f"/owner/projects/{p.code}")
    assert reasons in detail and "按退回理由修改并重新提交" in detail
    form = owner.html(f"/owner/projects/{p.code}/edit")
    assert reasons in form and 'value="1234567.89"' in form  # the stored facts, to change
    response = owner.submit(
        f"/owner/projects/{p.code}/edit",
        project_data(control_price="1200000", scope="道路硬化约1.2公里，路面宽4.5米。"),
    )
    assert response.status_code == 302
    p = the_project()
    assert (p.filing, str(p.control_price), p.sent_back_reasons) == ("submitted", "1200000.00", "")
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
    assert entry.action == Action.PROJECT_REVISED and entry.before["sent_back_reasons"] == reasons

    history = staff.html(page)
    assert '退回业主：<span class="keep-lines">' + reasons in history and "修改项目" in history
    response = staff.submit(
        f"{page}/file", {"reviewed": reviewed_on(staff, page), "confirm": "y"}, form_page=page
    )
    assert response.status_code == 302 and the_project().filing == "filed"
    assert "发布交易公告" in staff.html("/staff/projects/")

    # Filed: the facts are fixed.
    response = owner.get(f"/owner/projects/{p.code}/edit")
    assert response.status_code == 302
    assert "不能再修改" in owner.html(f"/owner/projects/{p.code}")
    before = stored()
    response = owner.submit(
        f"/owner/projects/{p.code}/edit",
        project_data(name="备案后改名"),
        form_page=f"/owner/projects/{p.code}",
    )
    assert response.status_code == 302 and stored() == before


def test_staff_saving_a_project_as_it_was_are_told_nothing_changed_and_nothing_is_recorded(
    app, now
):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    before = stored()
    response = staff.submit(f"/staff/projects/{p.code}/edit", project_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/projects/{p.code}")
    assert stored() == before  # no audit entry: no "修改项目" step in the history
    page = staff.html(f"/staff/projects/{p.code}")
    assert "未作修改" in page and "已修改并重新提交" not in page


def test_sending_back_without_reasons_is_refused_on_the_form(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/staff/projects/{p.code}"
    before = stored()
    response = staff.submit(f"{page}/send-back", {"reasons": "  "}, form_page=page)
    assert response.status_code == 400
    assert "请填写退回理由" in field_error(response.get_data(as_text=True), "reasons")
    assert stored() == before


def test_another_owner_can_neither_see_nor_change_the_project(app, now):
    now(2026, 11, 26, 9, 0)
    owner, other = signed_in(app, "owner"), signed_in(app, "owner")
    p = enter(owner)
    base = f"/owner/projects/{p.code}"
    for path in (base, f"{base}/edit"):
        assert other.get(path).status_code == 404
    before, before_files = stored(), files(app)
    assert other.post(f"{base}/edit", project_data(name="冒名修改")).status_code == 404
    response = other.post(f"{base}/attachments", {"file": (io.BytesIO(PDF), "冒名.pdf")})
    assert response.status_code == 404
    assert other.post(f"{base}/contract", {"signed_on": "2026-12-08"}).status_code == 404
    assert other.post(f"{base}/refusal", {"reason": "拒签"}).status_code == 404
    assert (stored(), files(app)) == (before, before_files)
    assert p.code not in other.html("/owner/projects/")
    # The office's pages are not the owner's.
    assert owner.get(f"/staff/projects/{p.code}").status_code == 403
    assert owner.post(f"/staff/projects/{p.code}/file").status_code == 403
    assert stored() == before


def test_a_strange_project_code_is_404(app):
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    for code in ("PRJ-2026-9999", "x" * 300, "%00", "PRJ%2F..%2F1"):
        assert owner.get(f"/owner/projects/{code}").status_code == 404
        assert staff.get(f"/staff/projects/{code}").status_code == 404


# ---- attachments ---------------------------------------------------------------------------------


def test_attachments_are_accepted_by_content_until_the_project_is_filed(app, now):
    now(2026, 11, 26, 9, 0)
    owner, staff = signed_in(app, "owner"), signed_in(app, "staff")
    p = enter(owner)
    page = f"/owner/projects/{p.code}"
    response = owner.submit(
        f"{page}/attachments", {"file": (io.BytesIO(PDF), "施工图纸.pdf")}, form_page=page
    )
    assert response.status_code == 302
    a = db.session.scalar(select(ProjectAttachment))
    html = owner.html(page)
    assert "施工图纸.pdf" in html and f"{page}/attachments/{a.id}" in html
    download = owner.get(f"{page}/attachments/{a.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert staff.get(f"/staff/projects/{p.code}/attachments/{a.id}").data == PDF

    before, before_files = stored(), files(app)
    response = owner.submit(
        f"{page}/attachments", {"file": (io.BytesIO(EXE), "图纸.pdf")}, form_page=page
    )
    assert response.status_code == 302
    assert "只接受PDF或图片" in owner.html(page)
    assert (stored(), files(app)) == (before, before_files)

    staff_page = f"/staff/projects/{p.code}"
    staff.submit(
        f"{staff_page}/file",
        {"reviewed": reviewed_on(staff, staff_page), "confirm": "y"},
        form_page=staff_page,
    )
    html = owner.html(page)
    assert 'enctype="multipart/form-data"' not in html  # no upload form once filed
    response = owner.submit(
        f"{page}/attachments", {"file": (io.BytesIO(PDF), "补充.pdf")}, form_page=page
    )
    assert "交易文件已固定" in owner.html(page)
    assert (stored()[1], files(app)) == (1, before_files)


def test_an_attachment_is_only_served_under_its_own_project(app, now):
    now(2026, 11, 26, 9, 0)
    owner = signed_in(app, "owner")
    first = enter(owner)
    second = enter(owner, name="另一个项目")
    a = services.projects.add_attachment(first.code, PDF, "图纸.pdf", actor=owner.user)
    assert owner.get(f"/owner/projects/{second.code}/attachments/{a.id}").status_code == 404
    assert owner.get(f"/owner/projects/{first.code}/attachments/{a.id + 1}").status_code == 404


# ---- the office's list of open projects ----------------------------------------------------------


def _pool() -> Phase:
    return Phase().through_roster()


def _project(owner, staff, **overrides) -> Project:
    values = {**project_data(), "estimate": "1300000", "duration_days": 60, **overrides}
    values.pop("non_competitive_part")
    p = services.submit_project(services.ProjectInput(**values), actor=owner)
    if staff is not None:
        services.file_project(p.code, reviewed=services.fingerprint(p), actor=staff)
    return p


def _drawn(phase: Phase, owner, *names: str) -> list[Trading]:
    """Projects of `owner` announced on Friday 2026-11-27, three responses each, drawn on 12-03
    at 09:30 (the result letter issued then)."""
    clock.set_now(at(2026, 11, 26, 9, 0))
    projects = [
        _project(owner, phase.staff, name=n) for n in names or ("甬江街道某村道路硬化工程",)
    ]
    clock.set_now(at(2026, 11, 27, 10, 0))
    for p in projects:
        services.announce(
            p.code,
            services.TradingInput(
                at(2026, 12, 3, 9, 30), "区公共资源交易中心二楼", ["3.00", "8.50"]
            ),
            reviewed=services.fingerprint(p),
            actor=phase.staff,
        )
    clock.set_now(at(2026, 11, 30, 9, 0))
    for p in projects:
        text = services.commitment_text(p.code)
        for m in active_members("JZ", date(2026, 11, 30)):
            services.respond(
                p.code, text, actor=user_of(db.session.get(Contractor, m.contractor_id))
            )
    clock.set_now(at(2026, 12, 3, 9, 30))
    return [hold_meeting(p.code, ["37", "8812"], actor=phase.staff) for p in projects]


def test_staff_see_every_open_project_with_its_next_step_and_deadline_most_urgent_first(app):
    phase = _pool()
    owner = signed_in(app, "owner")
    drawn, signed = _drawn(phase, owner.user, "已定标的项目", "已签约的项目")
    services.record_contract(
        signed.project.code, date(2026, 12, 3), signed.contract_price, actor=owner.user
    )
    clock.set_now(at(2026, 12, 4, 9, 0))
    submitted = _project(owner.user, None, name="待备案的项目")
    clock.set_now(at(2026, 12, 4, 10, 0))
    filed = _project(owner.user, phase.staff, name="已备案的项目")
    clock.set_now(at(2026, 12, 7, 9, 0))
    announced_p = _project(owner.user, phase.staff, name="公示中的项目")
    services.announce(
        announced_p.code,
        services.TradingInput(at(2026, 12, 11, 9, 30), "二楼", ["3.00"]),
        reviewed=services.fingerprint(announced_p),
        actor=phase.staff,
    )
    clock.set_now(at(2026, 12, 8, 9, 0))
    staff = signed_in(app, "staff")
    html = staff.html("/staff/projects/")
    open_part, closed_part = html.split("最近办结")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", open_part, re.S)[1:]
    names = [re.search(r'">([^<]+)</a>', r).group(1) for r in rows]
    # Work already due (the longest waiting first), then the deadlines ahead in their order.
    assert names == ["待备案的项目", "已备案的项目", "公示中的项目", "已定标的项目"]
    by_name = dict(zip(names, rows, strict=True))
    assert "发布交易公告" in by_name["已备案的项目"]
    assert "备案或退回" in by_name["待备案的项目"]
    assert "等待响应截止" in by_name["公示中的项目"]
    assert "2026-12-10 24:00" in by_name["公示中的项目"]
    # Letter 2026-12-03, 30 calendar days: the last day is 2027-01-02.
    assert "记录合同签订" in by_name["已定标的项目"]
    assert "2027-01-02 24:00" in by_name["已定标的项目"]
    assert "已签约的项目" in closed_part
    assert drawn.project.code in open_part and filed.code in open_part
    assert submitted.code in open_part


def test_a_meeting_not_held_on_time_is_shown_late_first(app):
    phase = _pool()
    owner = signed_in(app, "owner")
    clock.set_now(at(2026, 11, 26, 9, 0))
    _project(owner.user, None, name="待备案的项目")
    p = _project(owner.user, phase.staff, name="待定标的项目")
    clock.set_now(at(2026, 11, 27, 10, 0))
    services.announce(
        p.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "二楼", ["3.00"]),
        reviewed=services.fingerprint(p),
        actor=phase.staff,
    )
    clock.set_now(at(2026, 12, 3, 10, 0))
    staff = signed_in(app, "staff")
    open_part = staff.html("/staff/projects/").split("最近办结")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", open_part, re.S)[1:]
    assert "待定标的项目" in rows[0] and "召开定标会议" in rows[0] and "已逾期" in rows[0]
    assert "2026-12-03 09:30" in rows[0]
    assert '<tr class="late">' in open_part


# ---- the contract, or a refusal ------------------------------------------------------------------


def test_the_owner_sees_the_award_and_records_the_signed_contract(app):
    phase = _pool()
    owner = signed_in(app, "owner")
    (t,) = _drawn(phase, owner.user)
    code = t.project.code
    clock.set_now(at(2026, 12, 7, 10, 0))
    page = f"/owner/projects/{code}"
    html = owner.html(page)
    assert t.winner_uscc in html and f"{t.discount_rate}%" in html
    assert f"{t.contract_price:,.2f}" in html
    assert "2027-01-02 24:00" in html  # the signing deadline: letter 12-03 + 30 calendar days
    assert f'value="{t.contract_price:.2f}"' in html  # the amount defaults to the contract price
    assert "响应企业：3家" in html

    before = stored()
    response = owner.submit(
        f"{page}/contract", {"signed_on": "2026-12-07", "amount": "1,000.001"}, form_page=page
    )
    assert response.status_code == 400
    assert "合同金额最多保留两位小数" in field_error(response.get_data(as_text=True), "amount")
    assert stored() == before

    response = owner.submit(
        f"{page}/contract",
        {"signed_on": "2026-12-07", "amount": f"{t.contract_price}"},
        form_page=page,
    )
    assert response.status_code == 302
    c = db.session.scalar(select(Contract))
    assert (c.signed_on, c.amount, c.recorded_by_id) == (
        date(2026, 12, 7),
        t.contract_price,
        owner.user.id,
    )
    html = owner.html(page)
    assert "合同已签订" in html and "已签订合同" in html and "逾期签订" not in html
    assert 'action="/owner/projects/' + code + '/contract"' not in html


def test_a_refusal_passes_the_award_to_the_next_in_the_ranking(app):
    phase = _pool()
    owner = signed_in(app, "owner")
    (t,) = _drawn(phase, owner.user)
    code = t.project.code
    first, second = draws.get(t.award_draw_id).result[:2]
    clock.set_now(at(2026, 12, 7, 10, 0))
    page = f"/owner/projects/{code}"
    named = {"uscc": first, "position": "1"}
    response = owner.submit(f"{page}/refusal", {**named, "reason": ""}, form_page=page)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Refusal)) == 0

    response = owner.submit(
        f"{page}/refusal", {**named, "reason": "无正当理由拒签"}, form_page=page
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trading, t.id).winner_uscc == second
    html = owner.html(page)
    assert "承包单位已依排序顺延" in html and "无正当理由拒签" in html
    assert f"（{second}）" in html and "更正公告" in html
    # The next contract unit is told by the correction of 12-07: its 30 days run from then.
    assert "2027-01-06 24:00" in html and "2027-01-02 24:00" not in html
    # Staff see the same and may record the contract with the new contract unit.
    staff = signed_in(app, "staff")
    staff_page = f"/staff/projects/{code}"
    assert "记录中标企业拒签" in staff.html(staff_page)
    response = staff.submit(
        f"{staff_page}/contract",
        {"signed_on": "2026-12-07", "amount": f"{t.contract_price}"},
        form_page=staff_page,
    )
    assert response.status_code == 302
    signed_with = db.session.get(Contractor, db.session.scalar(select(Contract)).contractor_id)
    assert signed_with.uscc == second != first
