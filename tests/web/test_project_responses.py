"""Contractor trading pages: the open tradings of the company's categories (only where it is an
active member today), the response commitment confirmed with its checkbox, withdrawn and confirmed
again, refusals explained with nothing stored (non-member, other category, after the deadline), and
the commitment copy as a PDF to its own company only."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import services
from contracts.models import TradingResponse
from tests.factories import PASSWORD, Browser, make_user, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, at, register, user_of

COMMITMENT_RE = re.compile(r'<input[^>]*name="commitment"[^>]*value="([^"]*)"')


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _pool() -> Phase:
    return Phase().through_roster()


def _announced(phase, owner, category="JZ", name="甬江街道某村道路硬化工程"):
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(
        services.ProjectInput(
            name=name,
            owner_name="甬江街道某村股份经济合作社",
            town="甬江街道",
            village="某村",
            category_code=category,
            funding="collective",
            estimate="1300000",
            control_price="1234567.89",
            duration_days=60,
            contact_person="王五",
            contact_phone="0574-87654321",
        ),
        actor=owner,
    )
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "区公共资源交易中心二楼", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    clock.set_now(at(2026, 11, 30, 9, 0))
    return project


def _browser(app, contractor: Contractor, n: int = 1) -> Browser:
    b = Browser(app, f"10.0.1.{n}")
    assert b.login(user_of(contractor).username, PASSWORD).status_code == 302
    b.user = user_of(contractor)
    return b


def _stored() -> tuple:
    db.session.expire_all()
    responses = db.session.execute(
        select(TradingResponse.contractor_id, TradingResponse.withdrawn_at)
    ).all()
    return sorted(responses), db.session.scalar(select(func.count(AuditEntry.seq)))


@pytest.fixture
def world(app):
    phase = _pool()
    owner = make_user("owner")
    jz = active_members("JZ", date(2026, 11, 27))
    sz = {m.contractor_id for m in active_members("SZ", date(2026, 11, 27))}
    assert len(jz) == 3
    by_id = {c.id: c for c in phase.contractors}
    member = by_id[next(m.contractor_id for m in jz if m.contractor_id in sz)]
    only_jz = by_id[next(m.contractor_id for m in jz if m.contractor_id not in sz)]
    members = {m.contractor_id for m in jz} | sz
    outsider = next(c for c in phase.contractors if c.id not in members)
    return phase, owner, member, only_jz, outsider


def _confirm(b: Browser, code: str, **extra):
    page = f"/contractor/projects/{code}/respond"
    found = COMMITMENT_RE.search(b.html(page))
    assert found, "no commitment field on the page"
    data = {"commitment": unescape(found.group(1)), "confirm": "y", **extra}
    return b.submit(page, data)


def test_the_index_lists_open_tradings_of_the_companys_categories_and_whether_it_responded(
    app, world
):
    phase, owner, member, only_jz, _outsider = world
    jz = _announced(phase, owner)
    sz = _announced(phase, owner, "SZ", "某村污水管网工程")
    b = _browser(app, only_jz)
    html = b.html("/contractor/projects/")
    assert jz.name in html and sz.name not in html
    assert "2026-12-02 24:00" in html and "未响应" in html
    assert _confirm(b, jz.code).status_code == 302
    html = b.html("/contractor/projects/")
    assert "已响应" in html and "已响应，截止前可撤回" in html
    # A member of both categories sees both.
    html = _browser(app, member, 2).html("/contractor/projects/")
    assert jz.name in html and sz.name in html


def test_confirming_needs_the_checkbox_and_stores_the_commitment_once(app, world):
    phase, owner, _member, only_jz, _outsider = world
    project = _announced(phase, owner)
    b = _browser(app, only_jz)
    page = f"/contractor/projects/{project.code}/respond"
    html = b.html(page)
    text = services.commitment_text(project.code)
    assert text in html and "我已阅读并确认以上承诺" in html and 'type="checkbox"' in html
    before = _stored()
    response = b.submit(page, {"commitment": text})
    assert response.status_code == 400 and "请勾选" in response.get_data(as_text=True)
    assert _stored() == before

    response = _confirm(b, project.code)
    assert response.status_code == 302
    (stored,) = db.session.scalars(select(TradingResponse)).all()
    assert stored.contractor_id == only_jz.id and stored.commitment_text == text
    html = b.html(page)
    assert "本企业已于" in html and "撤回响应" in html and "commitment.pdf" in html
    # A second confirmation (e.g. from a stale tab) is refused with the service's words.
    before = _stored()
    response = b.submit(
        page, {"commitment": text, "confirm": "y"}, form_page="/contractor/projects/"
    )
    assert response.status_code == 400 and "本企业已响应" in response.get_data(as_text=True)
    assert _stored() == before


def test_a_changed_commitment_text_is_refused_not_confirmed_unseen(app, world):
    phase, owner, _member, only_jz, _outsider = world
    project = _announced(phase, owner)
    b = _browser(app, only_jz)
    before = _stored()
    response = b.submit(
        f"/contractor/projects/{project.code}/respond", {"commitment": "别的内容", "confirm": "y"}
    )
    assert response.status_code == 400
    assert "请确认统一表式的承诺内容" in response.get_data(as_text=True)
    assert _stored() == before


def test_withdrawing_then_confirming_again_before_the_deadline(app, world):
    phase, owner, _member, only_jz, _outsider = world
    project = _announced(phase, owner)
    b = _browser(app, only_jz)
    _confirm(b, project.code)
    response = b.submit(
        f"/contractor/projects/{project.code}/withdraw",
        form_page=f"/contractor/projects/{project.code}/respond",
    )
    assert response.status_code == 302
    (r,) = db.session.scalars(select(TradingResponse)).all()
    db.session.refresh(r)
    assert r.withdrawn_at is not None
    html = b.html(f"/contractor/projects/{project.code}/respond")
    assert "本企业已于" in html and "撤回响应" in html and "我已阅读并确认以上承诺" in html
    clock.set_now(at(2026, 12, 1, 9, 0))
    assert _confirm(b, project.code).status_code == 302
    db.session.refresh(r)
    assert r.withdrawn_at is None and clock.local(r.confirmed_at).day == 1


@pytest.mark.parametrize("who", ["outsider", "other_category", "newcomer"])
def test_a_company_that_is_not_an_active_member_of_the_category_is_refused_with_nothing_stored(
    app, world, who
):
    phase, owner, _member, only_jz, outsider = world
    project = _announced(phase, owner, "SZ", "某村污水管网工程")
    company = {
        "outsider": outsider,
        "other_category": only_jz,
        "newcomer": None,
    }[who]
    if company is None:
        clock.set_now(at(2026, 11, 30, 9, 0))
        company = register(6)
    b = _browser(app, company)
    page = f"/contractor/projects/{project.code}/respond"
    html = b.html(page)
    assert "不是该项目类别（市政公用工程）的有效入围企业" in html
    assert "我已阅读并确认以上承诺" not in html  # no form to fill in vain
    before = _stored()
    response = b.submit(
        page,
        {"commitment": services.commitment_text(project.code), "confirm": "y"},
        form_page="/contractor/projects/",
    )
    assert response.status_code == 403
    assert "本企业不是该项目类别的有效入围企业，不能响应" in response.get_data(as_text=True)
    assert _stored() == before
    assert project.name not in b.html("/contractor/projects/")


def test_after_the_deadline_the_page_explains_and_nothing_is_stored(app, world):
    phase, owner, _member, only_jz, _outsider = world
    project = _announced(phase, owner)
    b = _browser(app, only_jz)
    _confirm(b, project.code)
    clock.set_now(at(2026, 12, 3, 0, 0))
    page = f"/contractor/projects/{project.code}/respond"
    html = b.html(page)
    assert "响应已于2026-12-02 24:00截止" in html and "撤回响应" not in html
    before = _stored()
    response = b.submit(
        page,
        {"commitment": services.commitment_text(project.code), "confirm": "y"},
        form_page="/contractor/projects/",
    )
    assert response.status_code == 400 and "已过" in response.get_data(as_text=True)
    response = b.submit(f"/contractor/projects/{project.code}/withdraw", form_page=page)
    assert response.status_code == 302
    assert "已过" in b.html(page)
    assert _stored() == before
    assert project.name not in b.html("/contractor/projects/").split('id="responses"')[0]


def test_the_commitment_copy_is_its_own_companys_only(app, world):
    phase, owner, member, only_jz, _outsider = world
    project = _announced(phase, owner)
    b = _browser(app, only_jz)
    pdf = f"/contractor/projects/{project.code}/commitment.pdf"
    assert b.get(pdf).status_code == 404  # no response yet
    _confirm(b, project.code)
    response = b.get(pdf)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert b.get(pdf + "?round=1").status_code == 200
    assert b.get(pdf + "?round=2").status_code == 404
    # Another member that did not respond has no copy, and cannot get this one's.
    assert _browser(app, member, 2).get(pdf).status_code == 404
    assert signed_in(app, "contractor").get(pdf).status_code == 404  # no company at all
    assert signed_in(app, "staff").get(pdf).status_code == 403
    assert b.get("/contractor/projects/PRJ-2026-9999/commitment.pdf").status_code == 404


def test_an_account_without_a_company_is_sent_to_register_it(app, world):
    phase, owner, *_rest = world
    project = _announced(phase, owner)
    b = signed_in(app, "contractor")
    assert "登记企业信息" in b.html("/contractor/projects/")
    response = b.get(f"/contractor/projects/{project.code}/respond")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/contractor/profile"
    )


def test_a_filed_project_without_a_trading_notice_cannot_be_responded_to_yet(app, world):
    phase, owner, _member, only_jz, _outsider = world
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(
        services.ProjectInput(
            name="某村河道清淤工程",
            owner_name="某村股份经济合作社",
            town="甬江街道",
            category_code="JZ",
            funding="collective",
            estimate="500000",
            control_price="480000",
            duration_days=30,
            contact_person="王五",
            contact_phone="0574-87654321",
        ),
        actor=owner,
    )
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    b = _browser(app, only_jz)
    page = f"/contractor/projects/{project.code}/respond"
    assert "该项目尚未发布交易公告，暂不能响应。" in b.html(page)
    before = _stored()
    response = b.submit(
        page, {"commitment": "x", "confirm": "y"}, form_page="/contractor/projects/"
    )
    assert response.status_code == 400 and "尚未发布交易公告" in response.get_data(as_text=True)
    assert _stored() == before
    assert b.get(f"/contractor/projects/{project.code}/commitment.pdf").status_code == 404
