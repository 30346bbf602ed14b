"""Public sign-up is limited per client address, and a sign-up alone publishes nothing: a company
is public once staff checked it (核验) or once it applied to a call."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import User
from app.extensions import db
from contractors import queries, rules, services
from contractors.errors import PoolError, PoolForbidden
from contractors.models import Contractor
from tests.factories import Browser, make_user, signed_in, use_cheap_password_hashes
from tests.pool_factories import Phase, company, register, user_of
from tests.web.test_contractor_pages import signup_data


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def sign_up(app, n: int, address: str):
    """A new visitor from `address` signs company `n` up."""
    data = signup_data(
        username=f"firm{n}",
        uscc=company(n),
        name=f"宁波注册测试建设有限公司{n}",
        contact_mobile=f"1380574{n:04d}",
    )
    return Browser(app, address).submit("/contractor/register", data)


def accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


# ---- the limit -----------------------------------------------------------------------------------


def test_the_sixth_sign_up_from_one_address_is_refused_and_another_address_still_signs_up(app):
    app.config["SIGNUP_RATE_LIMIT"] = "5 per hour"  # the production default
    for n in range(5):
        assert sign_up(app, n, "203.0.113.7").status_code == 302, n
    before = accounts()
    refused = sign_up(app, 5, "203.0.113.7")
    assert refused.status_code == 429
    assert "同一网络地址提交企业注册过于频繁" in refused.get_data(as_text=True)
    assert accounts() == before  # nothing written
    assert sign_up(app, 6, "198.51.100.20").status_code == 302


def test_the_refusal_is_in_english_under_the_english_locale(app):
    app.config["SIGNUP_RATE_LIMIT"] = "1 per hour"
    assert sign_up(app, 0, "203.0.113.8").status_code == 302
    browser = Browser(app, "203.0.113.8")
    browser.client.set_cookie("lang", "en")
    data = signup_data(username="firm1", uscc=company(1), contact_mobile="13805740001")
    page = browser.submit("/contractor/register", data)
    assert page.status_code == 429
    assert "Too many sign-ups from this network address" in page.get_data(as_text=True)


def test_opening_the_sign_up_form_is_not_counted(app):
    app.config["SIGNUP_RATE_LIMIT"] = "1 per hour"
    for _ in range(3):
        assert Browser(app, "203.0.113.9").get("/contractor/register").status_code == 200
    assert sign_up(app, 0, "203.0.113.9").status_code == 302


# ---- who is public -------------------------------------------------------------------------------


def test_listing_follows_the_check_and_the_applications():
    from datetime import UTC, datetime

    checked = datetime(2026, 12, 1, tzinfo=UTC)
    assert rules.listing(rules.ListingFacts()) is rules.Listing.UNCHECKED
    assert not rules.is_publicly_listed(rules.ListingFacts())
    assert rules.is_publicly_listed(rules.ListingFacts(checked_at=checked))
    assert rules.is_publicly_listed(rules.ListingFacts(live_applications=1))
    with pytest.raises(rules.RuleError, match="已于2026-12-01核验通过"):
        rules.require_unchecked(rules.ListingFacts(checked_at=checked))


def public_page(app, uscc: str) -> int:
    return Browser(app).get(f"/contractors/{uscc}").status_code


def test_a_new_unchecked_company_has_no_public_page_and_is_in_no_public_list(app):
    c = register(1, name="刷单测试空壳公司")
    assert public_page(app, c.uscc) == 404
    assert public_page(app, "913302000000000000") == 404  # the same answer as an unknown code
    search = Browser(app).html("/search?q=刷单测试空壳公司")
    # After the last form (the search box and its filters echo the words typed).
    assert "刷单测试空壳公司" not in search.split("</form>")[-1].replace("“刷单测试空壳公司”", "")
    assert c.uscc not in Browser(app).get("/api/v1/pool").get_data(as_text=True)
    own = Browser(app)
    own.login(user_of(c).username, "correct horse battery")
    # Its own home page says why, instead of linking a page that does not exist.
    home = signed_in_as(app, user_of(c)).html("/contractor/")
    assert "暂未公开" in home and f"/contractors/{c.uscc}" not in home


def signed_in_as(app, user) -> Browser:
    from tests.factories import PASSWORD

    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    browser.user = user
    return browser


def test_a_company_appears_once_staff_checked_it(app):
    c = register(1)
    staff = signed_in(app, "staff")
    page = staff.html("/staff/pool/registrations/")
    assert c.uscc in page and "核验通过" in page
    response = staff.post(f"/staff/pool/registrations/{c.id}/check")
    assert response.status_code == 302
    assert public_page(app, c.uscc) == 200
    assert c.uscc not in staff.html("/staff/pool/registrations/")
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contractor:checked")
    ).one()
    assert entry.subject_id == c.uscc and entry.actor_id == staff.user.id
    # A second press is refused with a reason, and logged once only.
    with pytest.raises(PoolError, match="无需重复核验"):
        services.check_registration(c.id, actor=staff.user)


def test_only_staff_check_a_registration(app):
    c = register(1)
    for role in ("reviewer", "contractor", "owner"):
        assert (
            signed_in(app, role).post(f"/staff/pool/registrations/{c.id}/check").status_code == 403
        )
    with pytest.raises(PoolForbidden):
        services.check_registration(c.id, actor=make_user("reviewer"))
    assert db.session.get(Contractor, c.id).checked_at is None
    assert public_page(app, c.uscc) == 404


def test_a_company_appears_once_it_applied_to_a_call_and_hides_again_if_it_withdraws(app):
    phase = Phase()
    phase.draft_and_consult()
    phase.publish_call()
    phase._set_now((2026, 9, 22, 9, 0))
    c = register(1)
    assert public_page(app, c.uscc) == 404
    application = services.apply(phase.call.id, ["JZ"], actor=user_of(c))
    assert queries.listing_of(c) is rules.Listing.APPLICANT
    assert public_page(app, c.uscc) == 200
    services.withdraw_application(application.id, actor=user_of(c))
    assert public_page(app, c.uscc) == 404


def test_pool_members_stay_public_on_the_roster_the_api_and_their_pages(app):
    phase = Phase().through_roster()
    phase._set_now((2026, 11, 2, 9, 0))
    members = queries.active_members(None)
    assert members and queries.public_members(None) == members
    api = Browser(app).get("/api/v1/pool").get_json()
    assert {m["uscc"] for m in api["items"]} == {m.uscc for m in members}
    for m in members:
        assert public_page(app, m.uscc) == 200
