"""The pool and sanctions per district: a call, its review, draws, rosters, cases and sanctions are
their district's — a street/town platform's staff or another district's staff calling a service
for them is refused there with nothing changed; THE rule reads one district's pool; a sanction
acts on the deciding district's pool only; one company applies to two districts' calls; the
public roster, the lists and the API filter by office."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from contractors import queries, services
from contractors.errors import PoolError, PoolForbidden
from contractors.models import Objection, PoolCall
from contractors.sanctions import queries as sanction_queries
from contractors.sanctions import services as sanctions
from contractors.sanctions.errors import SanctionForbidden
from contractors.sanctions.models import ReserveEntry
from lottery.models import Draw
from notices.models import Notice
from tests.factories import (
    PASSWORD,
    Browser,
    default_district,
    make_office,
    make_user,
    use_cheap_password_hashes,
)
from tests.pool_factories import Phase, at, call_input, company, user_of
from tests.sanction_factories import confirm_2027, decision

CALL_FORM = {
    "title": "2027年度小型建设工程预选承包商名录库征集",
    "quota_JZ": "3",
    "quota_SZ": "3",
    "valid_from": "2026-11-01",
    "valid_until": "2028-10-31",
}
STEPS = (
    "draft_and_consult",
    "publish_call",
    "applicants",
    "review",
    "publish_review",
    "meeting",
    "roster_publicity",
    "roster",
)


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)
    confirm_2027()


@pytest.fixture
def offices(app):
    """District A (the default), its street platform, and district B."""
    a = default_district()
    street = make_office("a-street", "甲街道平台", parent=a)
    b = make_office("district-b", "乙区公管办", kind="district")
    return a, street, b


def two_pools(b) -> tuple[Phase, Phase]:
    """Both districts run their round on the same days; the same five companies apply to both."""
    pa, pb = Phase(), Phase(district=b)
    for step in STEPS:
        getattr(pa, step)()
        getattr(pb, step)()
    return pa, pb


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def refused(service, *args, error=PoolForbidden, **kwargs):
    """`service(*args, **kwargs)` is refused with `error` and writes nothing (not even an audit
    entry)."""
    before = _audit_count()
    with pytest.raises(error):
        service(*args, **kwargs)
    assert _audit_count() == before


def _active(code: str | None, on: date, district) -> set[int]:
    return {m.contractor_id for m in queries.active_members(code, on, district_id=district.id)}


# ---- calls belong to a district -------------------------------------------------------------------


def test_a_call_belongs_to_the_drafting_accounts_district_and_its_notices_and_draws_too(offices):
    a, _street, b = offices
    pa, pb = two_pools(b)
    assert (pa.call.office_id, pb.call.office_id) == (a.id, b.id)
    for phase, district in ((pa, a), (pb, b)):
        call = phase.call
        for n in (call.call_notice, call.review_notice, call.roster_notice):
            assert (n.office_id, n.issuing_body) == (district.id, district.name)
        draws = db.session.scalars(select(Draw).where(Draw.draw_id.like(f"{call.code}-%"))).all()
        assert draws and {d.office_id for d in draws} == {district.id}
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_type == "pool_call", AuditEntry.subject_id == call.code
            )
        ).all()
        assert entries and {e.office_id for e in entries} == {district.id}


def test_a_call_is_a_districts_never_a_platforms(offices):
    a, street, b = offices
    admin = make_user("admin", office=None)
    # The deployment's administrator names the district; a platform is refused.
    call = services.create_call(call_input(office_id=b.id), actor=admin)
    assert call.office_id == b.id
    with pytest.raises(PoolError, match="区公管办"):
        services.create_call(call_input(office_id=street.id), actor=admin)
    with pytest.raises(PoolError, match="区公管办"):
        services.create_call(call_input(), actor=admin)
    # A street clerk may draft no call at all, for its district or any.
    clerk = make_user("staff", office=street)
    refused(services.create_call, call_input(), actor=clerk)
    refused(services.create_call, call_input(office_id=a.id), actor=clerk)
    # Another district's staff may not draft A's call.
    b_staff = make_user("staff", office=b)
    refused(services.create_call, call_input(office_id=a.id), actor=b_staff)
    assert db.session.scalar(select(func.count()).select_from(PoolCall)) == 1


def test_a_street_clerk_or_another_districts_staff_is_refused_every_step_of_a_call(offices):
    a, street, b = offices
    clerk = make_user("staff", office=street)
    other = make_user("staff", office=b)
    other_reviewer = make_user("reviewer", office=b)
    outsiders = (clerk, other)
    p = Phase()

    # The draft: editing, consulting and publishing.
    clock.set_now(at(2026, 9, 18, 10, 0))
    p.call = services.create_call(
        call_input(valid_from=date(2026, 11, 1), valid_until=date(2028, 10, 31)), actor=p.staff
    )
    for who in outsiders:
        refused(services.update_call, p.call.id, call_input(title="改"), actor=who)
    refused(services.record_consultation, p.call.id, "同意", True, actor=other_reviewer)
    services.record_consultation(p.call.id, "同意。", True, actor=p.reviewer)
    clock.set_now(at(2026, 9, 21, 10, 0))
    for who in outsiders:
        refused(services.publish_call, p.call.id, actor=who)
    assert p.call.call_notice_id is None
    p.publish_call()
    p.applicants()

    # The review: decisions (panel of A only), the meeting, the result publicity.
    clock.set_now(at(2026, 10, 13, 9, 0))
    entry = queries.entries_of(p.call.id)[0]
    for who in (*outsiders, other_reviewer):
        refused(services.record_decision, entry.id, "pass", actor=who)
    assert entry.decision is None
    for who in outsiders:
        refused(services.schedule_meeting, p.call.id, at(2026, 10, 19, 9, 30), "开标室", actor=who)
    p.review()
    clock.set_now(at(2026, 10, 13, 10, 0))
    for who in outsiders:
        refused(services.publish_review_results, p.call.id, actor=who)
    assert p.call.review_notice_id is None
    p.publish_review()

    # An objection to the review: answered by A only.
    clock.set_now(at(2026, 10, 14, 10, 0))
    failed = p.failed_entry()
    o = services.file_objection(
        failed.id, "资质等级符合要求", actor=user_of(failed.application.contractor)
    )
    for who in outsiders:
        refused(services.answer_objection, o.id, "不成立", False, actor=who)
    assert db.session.get(Objection, o.id).answered_at is None
    services.answer_objection(o.id, "经复核，不成立。", False, actor=p.staff)

    # The meeting.
    clock.set_now(at(2026, 10, 19, 9, 30))
    for who in outsiders:
        refused(services.show_category_entropy, p.call.id, "JZ", ["1"], actor=who)
        refused(services.settle_category, p.call.id, "SZ", actor=who)
    p.meeting()

    # The roster publicity, an objection to it, the roster.
    clock.set_now(at(2026, 10, 19, 11, 0))
    for who in outsiders:
        refused(services.publish_roster_publicity, p.call.id, actor=who)
    p.roster_publicity()
    clock.set_now(at(2026, 10, 20, 10, 0))
    cc = p.call.categories[0]
    ro = services.file_roster_objection(cc.id, "摇号有误", actor=user_of(p.contractors[4]))
    for who in outsiders:
        refused(services.answer_roster_objection, ro.id, False, "不成立", actor=who)
    services.answer_roster_objection(ro.id, False, "经核查，不成立。", actor=p.staff)
    clock.set_now(at(2026, 10, 27, 9, 0))
    for who in outsiders:
        refused(services.publish_roster, p.call.id, actor=who)
    assert p.call.roster_notice_id is None
    p.roster()
    assert _active("JZ", date(2026, 11, 2), a)


def test_a_registration_is_checked_by_a_districts_staff_not_a_platforms(offices):
    _a, street, b = offices
    from tests.pool_factories import register

    c = register(1)
    clerk = make_user("staff", office=street)
    refused(services.check_registration, c.id, actor=clerk)
    assert c.checked_at is None
    # A company registers once per deployment: any district's staff checks it.
    services.check_registration(c.id, actor=make_user("staff", office=b))
    assert c.checked_at is not None


# ---- THE rule per district ----------------------------------------------------------------------


def test_one_company_applies_to_both_districts_calls_and_is_a_member_of_each_pool(offices):
    a, _street, b = offices
    _pa, _pb = two_pools(b)
    day = date(2026, 11, 2)
    # Companies 0 and 1 applied to both calls for 市政 (SZ): all qualified enter, in each pool.
    both = {queries.contractor_by_uscc(company(n)).id for n in (0, 1)}
    assert _active("SZ", day, a) == both == _active("SZ", day, b)
    for district in (a, b):
        members = queries.active_members(None, day, district_id=district.id)
        assert members and {m.district_id for m in members} == {district.id}
    # The deployment-wide roster lists each district's membership once.
    everyone = queries.active_members("SZ", day)
    assert sorted((m.district_id, m.contractor_id) for m in everyone) == sorted(
        [(a.id, i) for i in both] + [(b.id, i) for i in both]
    )


def test_a_member_of_district_a_is_not_active_in_district_b(offices):
    a, _street, b = offices
    Phase().through_roster()
    day = date(2026, 11, 2)
    assert len(_active("JZ", day, a)) == 3
    assert _active("JZ", day, b) == set() and _active(None, day, b) == set()


def _sanction_in(district_staff, contractor, **overrides):
    clock.set_now(at(2026, 11, 2, 10, 0))
    case = sanctions.open_case(contractor.id, "incident", "质量事故", actor=district_staff)
    clock.set_now(at(2026, 11, 10, 10, 0))
    values = {"starts_on": date(2026, 11, 10), "months": 1, **overrides}
    sanctions.decide(case.id, decision(**values), actor=district_staff)
    return case


def test_a_suspension_by_district_a_keeps_the_company_active_in_district_b(offices):
    a, _street, b = offices
    pa, _pb = two_pools(b)
    c = queries.contractor_by_uscc(company(0))
    case = _sanction_in(pa.staff, c)
    assert case.office_id == a.id and case.sanction.office_id == a.id
    day = date(2026, 11, 20)
    assert c.id not in _active("SZ", day, a)
    assert c.id in _active("SZ", day, b)
    assert sanction_queries.restriction_on(c.id, day, a.id) == "suspension"
    assert sanction_queries.restriction_on(c.id, day, b.id) is None


def test_one_companys_memberships_read_alone_are_its_rows_of_the_whole_roster(offices):
    """A company's record reads its own memberships (`contractor_id`), not every district's
    pool: the same rows, suspended in district A's pool and active in B's alike."""
    _a, _street, b = offices
    pa, _pb = two_pools(b)
    suspended = queries.contractor_by_uscc(company(0))
    _sanction_in(pa.staff, suspended)
    day = date(2026, 11, 20)
    everyone = queries.active_members(None, day)
    companies = {m.contractor_id for m in everyone} | {suspended.id}
    assert len(companies) > 2
    for cid in companies:
        alone = queries.active_members(None, day, contractor_id=cid)
        assert alone == [m for m in everyone if m.contractor_id == cid]
    assert {
        m.district_id for m in queries.active_members(None, day, contractor_id=suspended.id)
    } == {b.id}


def test_a_removal_by_district_a_brings_in_a_reserve_of_a_only(offices):
    a, _street, b = offices
    pa, _pb = two_pools(b)
    jz_a = next(cc for cc in pa.call.categories if cc.category.code == "JZ")
    member = next(s for s in queries.selections(jz_a.id) if s.is_selected)
    reserve = next(s for s in queries.selections(jz_a.id) if not s.is_selected)
    in_b_before = _active("JZ", date(2026, 11, 11), b)
    _sanction_in(pa.staff, member.contractor, outcome="removal", months=None)
    (entry,) = db.session.scalars(select(ReserveEntry)).all()
    assert entry.selection_id == reserve.id
    notice = db.session.get(Notice, entry.notice_id)
    assert (notice.office_id, notice.corrects_id) == (a.id, pa.call.roster_notice_id)
    assert reserve.contractor_id in _active("JZ", date(2026, 11, 11), a)
    assert member.contractor_id not in _active("JZ", date(2026, 11, 11), a)
    # B's pool is as it was: the removed company stays if it was B's member.
    assert _active("JZ", date(2026, 11, 11), b) == in_b_before


def test_sms_for_a_platforms_notice_goes_to_its_districts_pool_only(offices):
    a, street, b = offices
    _pa, _pb = two_pools(b)
    from contractors.services import notify_category
    from notices.sms.models import SmsMessage
    from tests.factories import make_notice

    clock.set_now(at(2026, 11, 2, 10, 0))
    notice = make_notice(
        make_user("staff", office=street),
        office_id=street.id,
        issuing_body=street.name,
    )
    added = notify_category(notice, "JZ")
    recipients = set(
        db.session.scalars(
            select(SmsMessage.contractor_id).where(SmsMessage.notice_id == notice.id)
        )
    )
    assert added == len(recipients) == 3
    assert recipients == _active("JZ", date(2026, 11, 2), a)


# ---- sanctions belong to the deciding district ------------------------------------------------------


def test_cases_and_sanctions_are_refused_to_a_street_clerk_and_another_district(offices):
    a, street, b = offices
    pa = Phase().through_roster()
    c = queries.contractor_by_uscc(company(0))
    clerk = make_user("staff", office=street)
    other = make_user("staff", office=b)
    outsiders = (clerk, other)

    clock.set_now(at(2026, 11, 2, 10, 0))
    # By hand: A's staff only (a clerk's is refused; B's for A's office too).
    refused(sanctions.open_case, c.id, "incident", "事实", actor=clerk, error=SanctionForbidden)
    refused(
        sanctions.open_case,
        c.id,
        "incident",
        "事实",
        office_id=a.id,
        actor=other,
        error=SanctionForbidden,
    )
    # A company's account (no office) opens no case of the district's own sources.
    refused(
        sanctions.open_case,
        c.id,
        "incident",
        "事实",
        actor=user_of(c),
        error=SanctionForbidden,
    )
    case = sanctions.open_case(c.id, "incident", "质量事故", actor=pa.staff)
    assert case.office_id == a.id
    for who in outsiders:
        refused(sanctions.state_case, case.id, "陈述", actor=who, error=SanctionForbidden)
    clock.set_now(at(2026, 11, 10, 10, 0))
    for who in outsiders:
        refused(sanctions.decide, case.id, decision(), actor=who, error=SanctionForbidden)
    assert case.decided_at is None
    sanctions.decide(case.id, decision(starts_on=date(2026, 11, 10), months=1), actor=pa.staff)
    s = case.sanction
    clock.set_now(at(2026, 11, 11, 10, 0))
    for who in outsiders:
        refused(sanctions.publish, s.id, actor=who, error=SanctionForbidden)
    assert s.notice_id is None
    sanctions.publish(s.id, actor=pa.staff)
    notice = db.session.get(Notice, s.notice_id)
    assert (notice.office_id, notice.issuing_body) == (a.id, a.name)

    change = sanctions.ChangeInput(reason="复议变更", approver="主任", basis="新依据")
    for who in outsiders:
        refused(sanctions.change, s.id, change, actor=who, error=SanctionForbidden)
        refused(sanctions.ask_correction, s.id, "纸质申请", actor=who, error=SanctionForbidden)
    corr = sanctions.ask_correction(s.id, "记录有误", actor=user_of(c))
    for who in outsiders:
        refused(
            sanctions.answer_correction,
            corr.id,
            False,
            "不成立",
            actor=who,
            error=SanctionForbidden,
        )
    assert corr.answered_at is None
    sanctions.answer_correction(corr.id, False, "经核查，不成立。", actor=pa.staff)


def test_a_case_from_a_platforms_project_belongs_to_its_district(offices):
    a, street, b = offices
    Phase().through_roster()
    c = queries.contractor_by_uscc(company(0))
    clerk = make_user("staff", office=street)
    clock.set_now(at(2026, 11, 2, 10, 0))
    # A refusal recorded by the platform's clerk opens A's case.
    case = sanctions.open_case(
        c.id, "refusal", "拒签合同", ref="T-1", office_id=street.id, actor=clerk
    )
    assert case.office_id == a.id
    # A clerk may not open a case for another district's office.
    b_street = make_office("b-street", "乙街道平台", parent=b)
    refused(
        sanctions.open_case,
        c.id,
        "refusal",
        "拒签",
        ref="T-2",
        office_id=b_street.id,
        actor=clerk,
        error=SanctionForbidden,
    )


# ---- pages and the API ---------------------------------------------------------------------------


def _browser(app, user) -> Browser:
    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    return browser


def test_the_public_roster_and_the_api_filter_by_office(app, offices):
    a, street, b = offices
    pa, pb = two_pools(b)
    clock.set_now(at(2026, 11, 2, 10, 0))
    browser = Browser(app)
    everyone = browser.get("/api/v1/pool?category=SZ").get_json()["items"]
    assert sorted(row["office"]["code"] for row in everyone) == sorted([a.code] * 2 + [b.code] * 2)
    only_b = browser.get(f"/api/v1/pool?office={b.code}").get_json()["items"]
    assert only_b and {row["office"]["code"] for row in only_b} == {b.code}
    assert set(only_b[0]) == {"uscc", "name", "category", "since", "until", "office"}
    # A platform's code names its district's pool (the one its projects draw from).
    via_street = browser.get(f"/api/v1/pool?office={street.code}").get_json()["items"]
    assert via_street and {row["office"]["code"] for row in via_street} == {a.code}
    assert browser.get("/api/v1/pool?office=nowhere").status_code == 404

    page = browser.get(f"/pool/?office={b.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert b.name in html and f"office={a.code}" in html
    assert browser.get("/pool/?office=nowhere").status_code == 404
    calls = browser.get(f"/pool/calls/?office={b.code}").get_data(as_text=True)
    assert pb.call.title in calls and f'/pool/calls/{pa.call.id}"' not in calls


def test_the_pool_api_walks_every_districts_pool_page_by_page_reading_only_what_a_page_needs(
    app, offices, monkeypatch
):
    """`GET /api/v1/pool` of every district together pages by cursor across the districts (the
    whole list once, in order), and a page read from the first district's pool does not read the
    second's: a province's fifty thousand members are never loaded for one page."""
    import contractors.api
    from contractors.queries import members

    a, _street, b = offices
    two_pools(b)
    clock.set_now(at(2026, 11, 2, 10, 0))
    monkeypatch.setattr(contractors.api, "PER_PAGE", 3)
    read: list[int | None] = []
    whole = members.public_members

    def recorded(category, district_id=None):
        read.append(district_id)
        return whole(category, district_id)

    browser, url, seen = Browser(app), "/api/v1/pool", []
    expected = [(m.district_id, m.category, m.uscc) for m in whole(None)]
    monkeypatch.setattr(members, "public_members", recorded)
    first = browser.get(url).get_json()
    assert read == [a.id], "the first page comes from the first district's pool alone"
    while url:
        body = browser.get(url).get_json()
        seen += [(row["office"]["code"], row["category"], row["uscc"]) for row in body["items"]]
        url = body["next"]
    ids = {a.code: a.id, b.code: b.id}
    assert [(ids[o], c, u) for o, c, u in seen] == sorted(expected)  # district, category, USCC
    assert len(seen) == len(set(seen)) == len(expected) > 3
    assert [row["uscc"] for row in first["items"]] == [u for _o, _c, u in seen[:3]]


def test_the_public_sanctions_list_and_api_filter_by_office(app, offices):
    a, _street, b = offices
    pa, _pb = two_pools(b)
    c = queries.contractor_by_uscc(company(0))
    case = _sanction_in(pa.staff, c)
    clock.set_now(at(2026, 11, 11, 10, 0))
    sanctions.publish(case.sanction.id, actor=pa.staff)
    browser = Browser(app)
    (row,) = browser.get("/api/v1/sanctions").get_json()["items"]
    assert row["office"] == {"code": a.code, "name": a.name}
    assert browser.get(f"/api/v1/sanctions?office={b.code}").get_json()["items"] == []
    assert len(browser.get(f"/api/v1/sanctions?office={a.code}").get_json()["items"]) == 1
    assert browser.get("/api/v1/sanctions?office=nowhere").status_code == 404
    assert c.name in browser.get(f"/sanctions/?office={a.code}").get_data(as_text=True)
    assert c.name not in browser.get(f"/sanctions/?office={b.code}").get_data(as_text=True)


def test_staff_pages_of_the_pool_and_sanctions_are_the_districts(app, offices):
    _a, street, b = offices
    pa = Phase().through_roster()
    c = queries.contractor_by_uscc(company(0))
    case = _sanction_in(pa.staff, c)
    clerk = _browser(app, make_user("staff", office=street))
    for path in ("/staff/pool/", f"/staff/pool/calls/{pa.call.id}", "/staff/sanctions/"):
        assert clerk.get(path).status_code == 403, path
    other = _browser(app, make_user("staff", office=b))
    assert other.get("/staff/pool/").status_code == 200
    assert pa.call.title not in other.get("/staff/pool/").get_data(as_text=True)
    assert other.get(f"/staff/pool/calls/{pa.call.id}").status_code == 403
    assert other.get(f"/staff/sanctions/cases/{case.id}").status_code == 403
    assert c.name not in other.get("/staff/sanctions/").get_data(as_text=True)
    own = _browser(app, pa.staff)
    assert pa.call.title in own.get("/staff/pool/").get_data(as_text=True)
    assert own.get(f"/staff/sanctions/cases/{case.id}").status_code == 200


def test_the_deployment_administrator_chooses_the_calls_district_on_the_form(app, offices):
    _a, _street, b = offices
    clock.set_now(at(2026, 9, 18, 10, 0))
    admin = _browser(app, make_user("admin", office=None))
    assert "所属区公管办" in admin.get("/staff/pool/calls/new").get_data(as_text=True)
    r = admin.submit("/staff/pool/calls/new", {**CALL_FORM, "office": str(b.id)})
    assert r.status_code == 302
    call_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert db.session.get(PoolCall, call_id).office_id == b.id
    # A district's staff drafts for its own district, with nothing to choose.
    staff = _browser(app, make_user("staff", office=b))
    assert "所属区公管办" not in staff.get("/staff/pool/calls/new").get_data(as_text=True)
