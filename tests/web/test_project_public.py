"""Public project pages: the list (filed projects only, by state), each project's whole timeline,
respondents shown only as the rules allow (nothing before the deadline, the count after, names at
the meeting), the notice-to-letter figure against the 5-day target, attachments as downloads, the
home page block and the dashboard's links and figures — on the real 2026 calendar."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app import clock
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import services
from contracts.services.projects import add_attachment
from lottery import services as draws
from tests.factories import PDF, Browser, make_user, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, at, user_of
from tests.trading_factories import hold_meeting, refuse


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _pool() -> Phase:
    return Phase().through_roster()


def _input(**overrides) -> services.ProjectInput:
    values = {
        "name": "甬江街道某村道路硬化工程",
        "owner_name": "甬江街道某村股份经济合作社",
        "town": "甬江街道",
        "village": "某村",
        "category_code": "JZ",
        "funding": "collective",
        "estimate": "1300000",
        "control_price": "1234567.89",
        "duration_days": 60,
        "contact_person": "王五",
        "contact_phone": "0574-87654321",
        "scope": "道路硬化约2.1公里。",
        **overrides,
    }
    return services.ProjectInput(**values)


def _submitted(phase, owner, **overrides):
    clock.set_now(at(2026, 11, 26, 9, 0))
    return services.submit_project(_input(**overrides), actor=owner)


def _announced(phase, owner, meeting=(2026, 12, 3, 9, 30), **overrides):
    project = _submitted(phase, owner, **overrides)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))  # Friday
    t = services.announce(
        project.code,
        services.TradingInput(at(*meeting), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    return project, t


def _respond(project, members):
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = services.commitment_text(project.code)
    for m in members:
        services.respond(
            project.code, text, actor=user_of(db.session.get(Contractor, m.contractor_id))
        )


@pytest.fixture
def world(app):
    phase = _pool()
    owner = make_user("owner")
    members = active_members("JZ", date(2026, 11, 27))
    assert len(members) == 3
    return phase, owner, members


def test_the_list_shows_filed_projects_with_state_and_prices_and_filters_by_state(client, world):
    phase, owner, members = world
    drawn, t = _announced(phase, owner)
    _respond(drawn, members)
    hidden = _submitted(phase, owner, name="尚未备案的工程")
    sent_back = _submitted(phase, owner, name="被退回的工程")
    services.send_back(
        sent_back.code,
        "缺少工程量清单",
        reviewed=services.fingerprint(sent_back),
        actor=phase.staff,
    )
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(drawn.code, ["1"], actor=phase.staff)
    price = f"{db.session.get(type(t), t.id).contract_price:,.2f}"

    html = client.html("/projects/")
    assert drawn.name in html and drawn.code in html and "建筑工程" in html
    assert "甬江街道某村股份经济合作社" in html and "1,234,567.89" in html and price in html
    assert "已定标，待签订合同" in html
    assert hidden.name not in html and sent_back.name not in html
    assert drawn.name in client.html("/projects/?state=drawn")
    assert drawn.name not in client.html("/projects/?state=signed")
    # An unknown state is no filter; a silly page number is a page, not an error.
    assert drawn.name in client.html("/projects/?state=submitted")
    assert drawn.name not in client.html("/projects/?page=99999999999")


def test_a_project_not_filed_is_not_public(client, world):
    phase, owner, _members = world
    submitted = _submitted(phase, owner)
    sent_back = _submitted(phase, owner, name="被退回的工程")
    services.send_back(
        sent_back.code,
        "缺少工程量清单",
        reviewed=services.fingerprint(sent_back),
        actor=phase.staff,
    )
    for code in (submitted.code, sent_back.code, "PRJ-2026-9999", "x" * 500, "%00"):
        assert client.get(f"/projects/{code}").status_code == 404, code
        assert client.get(f"/projects/{code}/attachments/1").status_code == 404, code
        assert client.get(f"/api/v1/projects/{code}").status_code == 404, code
    listed = {item["code"] for item in client.get("/api/v1/projects").get_json()["items"]}
    assert not listed & {submitted.code, sent_back.code}


def test_respondent_names_never_appear_before_the_meeting(client, world):
    phase, owner, members = world
    project, t = _announced(phase, owner)
    _respond(project, members)
    names = [m.name for m in members]

    html = client.html(f"/projects/{project.code}")  # responses open
    assert "截止后公布响应数量" in html and "响应企业3家" not in html
    assert not any(n in html for n in names)
    assert "交易公告公示中" in html

    clock.set_now(at(2026, 12, 3, 8, 0))  # after the deadline, before the meeting
    html = client.html(f"/projects/{project.code}")
    assert "响应企业3家" in html and "截止后公布响应数量" not in html
    assert not any(n in html for n in names)
    # Nor on the award draw's public page, its meeting screen or its API record.
    for url in (f"/draws/{t.award_draw_id}", f"/draws/{t.award_draw_id}/screen"):
        assert not any(n in client.html(url) for n in names), url
    assert client.get(f"/api/v1/draws/{t.award_draw_id}").get_json()["candidates"] in (None, [])

    clock.set_now(at(2026, 12, 3, 9, 30))  # the meeting's published time: the screen names them
    screen = client.html(f"/draws/{t.award_draw_id}/screen")
    assert all(n in screen for n in names)

    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    html = client.html(f"/projects/{project.code}")
    assert all(n in html for n in names)
    db.session.expire_all()
    rate = db.session.get(type(t), t.id).discount_rate
    assert draws.get(t.award_draw_id).result[0] in html and f"<dd>{rate}%</dd>" in html


def test_the_page_shows_the_whole_timeline_with_its_notices_draws_and_contract(client, world):
    phase, owner, members = world
    project, t = _announced(phase, owner)
    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["37", "8812"], actor=phase.staff)
    first, second = draws.get(t.award_draw_id).result[:2]
    clock.set_now(at(2026, 12, 7, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    clock.set_now(at(2026, 12, 8, 15, 0))
    services.record_contract(project.code, date(2026, 12, 8), t.contract_price, actor=owner)

    html = client.html(f"/projects/{project.code}")
    for words in (
        "项目备案",
        "发布交易公告（第1次交易）",
        "响应截止",
        "定标会议",
        "发布交易结果公告",
        "发出交易结果通知书",
        "中选单位拒签，承包资格顺延",
        "签订合同",
        "<dd>2026-12-08</dd>",
        "已签订合同",
    ):
        assert words in html, words
    assert f'href="/notices/{t.notice_id}"' in html
    assert f'href="/notices/{t.result_notice_id}"' in html
    assert f'href="/notices/{refusal.correction_notice_id}"' in html
    assert f'href="/draws/{t.award_draw_id}"' in html and f'href="/draws/{t.rate_draw_id}"' in html
    names = {m.uscc: m.name for m in members}
    assert f"{names[first]}无正当理由拒绝签订合同" in html
    assert f"承包单位依排序顺延为{names[second]}" in html
    assert f"{t.contract_price:,.2f}" in html
    # 11-27 (Fri) → 12-03 (Thu): 4 working days, within the target.
    assert "通知书发出用时 4 个工作日（目标5个工作日）" in html and "在目标之内" in html
    assert "超出目标" not in html
    # Issue 13: the date column never breaks a date at its hyphen (it wrapped at 1280 px).
    timeline = html.split('id="timeline-h"')[1].split("</table>")[0]
    cells = re.findall(r'<td data-label="时间"([^>]*)>([^<]*)<', timeline)
    assert len(cells) >= 8 and all('class="nowrap"' in attrs for attrs, _ in cells), cells
    assert "2026-12-08" in [text.strip() for _, text in cells]
    css = client.get("/static/css/site.css").get_data(as_text=True)
    assert re.search(r"\.nowrap\s*\{\s*white-space:\s*nowrap;?\s*\}", css)


def test_a_letter_later_than_five_working_days_is_marked_over_the_target(client, world):
    phase, owner, members = world
    project, _t = _announced(phase, owner, meeting=(2026, 12, 7, 9, 30))
    assert "尚未发出交易结果通知书" in client.html(f"/projects/{project.code}")
    _respond(project, members)
    clock.set_now(at(2026, 12, 7, 9, 30))  # Monday: 11-30 … 12-04, 12-07
    hold_meeting(project.code, ["1"], actor=phase.staff)
    html = client.html(f"/projects/{project.code}")
    assert "通知书发出用时 6 个工作日（目标5个工作日）" in html
    assert "超出目标1个工作日" in html and "badge-bad" in html


def test_a_draws_record_links_to_its_project_even_for_a_second_round(client, world):
    phase, owner, members = world
    project, t = _announced(phase, owner)
    _respond(project, members[:1])
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, ["1"], actor=phase.staff)
    t2 = services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 9, 9, 30), "二楼", ["4.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    assert f'href="/projects/{project.code}"' in client.html(f"/draws/{t.award_draw_id}")
    assert f'href="/projects/{t2.code}"' in client.html(f"/draws/{t2.award_draw_id}")
    response = client.get(f"/projects/{t2.code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/projects/{project.code}#round-2")
    html = client.html(f"/projects/{project.code}")
    assert 'id="round-2"' in html and 'id="round-1"' in html and "发布流标公告" in html


def test_attachments_download_with_the_sandbox_and_only_under_their_own_filed_project(
    client, world
):
    phase, owner, _members = world
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(_input(), actor=owner)
    att = add_attachment(project.code, PDF, "工程量清单.pdf", actor=owner)
    other = services.submit_project(_input(name="另一个工程"), actor=owner)
    assert client.get(f"/projects/{project.code}/attachments/{att.id}").status_code == 404
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)

    html = client.html(f"/projects/{project.code}")
    assert "工程量清单.pdf" in html
    response = client.get(f"/projects/{project.code}/attachments/{att.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"].startswith("attachment")
    services.file_project(other.code, reviewed=services.fingerprint(other), actor=phase.staff)
    assert client.get(f"/projects/{other.code}/attachments/{att.id}").status_code == 404
    assert client.get(f"/projects/{project.code}/attachments/2147483647").status_code == 404


def test_the_home_page_and_the_navigation_lead_to_the_projects(client, world):
    phase, owner, _members = world
    project, _t = _announced(phase, owner)
    html = client.html("/")
    assert 'href="/projects/"' in html and "项目交易" in html
    assert f'href="/projects/{project.code}"' in html


def test_the_dashboard_links_each_role_to_its_trading_pages(app, world):
    expectations = {
        "staff": ["/staff/projects/"],
        "admin": ["/staff/projects/"],
        "owner": ["/owner/projects/", "/owner/projects/new"],
        "contractor": ["/contractor/projects/"],
        "reviewer": [],
    }
    for role, links in expectations.items():
        html = signed_in(app, role).html("/dashboard")
        for link in links:
            assert f'href="{link}"' in html, (role, link)
        assert ("交易公告至交易结果通知书用时" in html) == (role in ("staff", "admin")), role


def test_the_staff_dashboard_shows_the_distribution_of_notice_to_letter_days(app, world):
    phase, owner, members = world
    on_time, _t = _announced(phase, owner)
    _respond(on_time, members)
    late, _t = _announced(phase, owner, meeting=(2026, 12, 7, 9, 30), name="某村排水沟改造工程")
    _respond(late, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(on_time.code, ["1"], actor=phase.staff)
    clock.set_now(at(2026, 12, 7, 9, 30))
    hold_meeting(late.code, ["2"], actor=phase.staff)
    staff = Browser(app, "10.0.0.9")
    assert staff.login(phase.staff.username, "correct horse battery").status_code == 302
    html = staff.html("/dashboard")
    assert "已定标项目2个，其中1个在目标之内（50%），中位数5个工作日。" in html
    assert "超过5个（超出目标）" in html and 'class="late"' in html
    assert '<progress max="1" value="1"' in html
