"""The contract and refusal forms of the owner's and the office's project pages: a refusal form
posted twice records one refusal (issue 10, finding 3); the contract amount is refused above the
contract price, needs a published reason below it, and huge numbers get a message (finding 6)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from contracts.models import Contract, Refusal, Trading
from lottery import services as draws
from notices.models import Notice
from tests.factories import signed_in, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool, drawn


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def _page_of(app, role: str):
    """A drawn project of a signed-in owner on 12-07, and the browser and page of `role`."""
    phase = active_pool()
    owner = signed_in(app, "owner")
    project, t = drawn(phase, owner.user)
    clock.set_now(at(2026, 12, 7, 10, 0))
    if role == "owner":
        return owner, f"/owner/projects/{project.code}", project, t
    return signed_in(app, "staff"), f"/staff/projects/{project.code}", project, t


def _hidden(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_a_refusal_form_posted_twice_records_one_refusal(app, role):
    browser, page, _project, t = _page_of(app, role)
    first, second = draws.get(t.award_draw_id).result[:2]
    form = {"uscc": first, "position": "1", "reason": "无正当理由拒签"}

    response = browser.submit(f"{page}/refusal", form, form_page=page)
    assert response.status_code == 302
    # The same form again (a double click, the back button, a resend).
    response = browser.submit(f"{page}/refusal", form, form_page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"该企业（{first}）的拒签已经记录" in html

    assert _count(Refusal) == 1
    assert _count(Notice, Notice.type == "correction") == 1
    assert db.session.get(Trading, t.id).winner_uscc == second
    # The page answered with a fresh form naming the current contract unit at its place.
    assert (_hidden(html, "uscc"), _hidden(html, "position")) == (second, "2")
    assert "排序第2名" in html


def test_the_refusal_form_names_the_contract_unit_and_its_place(app):
    browser, page, _project, t = _page_of(app, "owner")
    html = browser.html(page)
    first = draws.get(t.award_draw_id).result[0]
    assert (_hidden(html, "uscc"), _hidden(html, "position")) == (first, "1")
    assert f"（{first}），排序第1名" in html
    # A form naming another company (edited, or from another tab) is refused with the message.
    second = draws.get(t.award_draw_id).result[1]
    response = browser.submit(
        f"{page}/refusal", {"uscc": second, "position": "2", "reason": "拒签"}, form_page=page
    )
    assert response.status_code == 400
    assert "与当前承包单位不符" in response.get_data(as_text=True)
    assert _count(Refusal) == 0


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_huge_or_too_high_contract_amounts_get_a_message_not_a_server_error(app, role):
    browser, page, _project, t = _page_of(app, role)
    for amount, message in (
        ("99999999999999999999999999999.001", "合同金额必须小于"),
        ("1e30", "合同金额不是有效的数字"),
        ("999,999,999.99", f"超过定标确定的合同价{t.contract_price:,.2f}元"),
        (f"{t.contract_price + Decimal('0.01')}", "合同金额不得高于合同价"),
    ):
        response = browser.submit(
            f"{page}/contract", {"signed_on": "2026-12-07", "amount": amount}, form_page=page
        )
        assert response.status_code == 400, amount
        assert message in _field_error(response.get_data(as_text=True), "amount"), amount
    assert _count(Contract) == 0


def test_an_amount_below_the_contract_price_is_recorded_with_its_reason_and_published(app):
    browser, page, project, t = _page_of(app, "owner")
    lower = f"{t.contract_price - Decimal('5000'):.2f}"
    response = browser.submit(
        f"{page}/contract", {"signed_on": "2026-12-07", "amount": lower}, form_page=page
    )
    assert response.status_code == 400
    assert "请说明理由" in _field_error(response.get_data(as_text=True), "amount_reason")
    assert _count(Contract) == 0

    response = browser.submit(
        f"{page}/contract",
        {"signed_on": "2026-12-07", "amount": lower, "amount_reason": "核减零星附属工程"},
        form_page=page,
    )
    assert response.status_code == 302
    c = db.session.scalar(select(Contract))
    assert (f"{c.amount:.2f}", c.amount_reason) == (lower, "核减零星附属工程")
    assert "核减零星附属工程" in browser.html(page)
    public = browser.html(f"/projects/{project.code}")
    # On the timeline and in the round's contract facts.
    assert public.count("核减零星附属工程") == 2
    assert "低于合同价的理由" in public
