"""Contractor pages: public sign-up (account + company in one transaction), the own profile and
documents, applying / amending / withdrawing while a call is open (and refused after), objections
during the review publicity, and that nobody sees another company's private data here."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import User
from app.extensions import db
from contractors import queries, services
from contractors.errors import RegistrationError
from contractors.models import Contractor, Objection, PoolApplication, Qualification
from tests.factories import PDF, Browser, signed_in, simultaneously, use_cheap_password_hashes
from tests.pool_factories import Phase, company, counts, register

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
NEW_CODE = company(7)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def everything() -> tuple:
    """Pool rows, notices, draws, audit entries and accounts: "nothing created" checks."""
    return (*counts(), db.session.scalar(select(func.count(User.id))))


def signup_data(**overrides) -> dict:
    data = {
        "username": "yongjiang",
        "display_name": "周永强",
        "password": "correct horse battery",
        "password2": "correct horse battery",
        "uscc": NEW_CODE,
        "name": "宁波新甬建设有限公司",
        "legal_representative": "周永强",
        "contact_person": "王海峰",
        "contact_mobile": "138 0574 1234",
        "address": "宁波市江北区洪塘街道工业路1号",
        "safety_licence_number": "(浙)JZ安许证字[2024]020001",
        "safety_licence_valid_until": "2027-06-30",
        "qualifications-0-category": "建筑工程施工总承包",
        "qualifications-0-grade": "三级",
        "qualifications-0-number": "D333000001",
        "qualifications-0-valid_until": "2028-12-31",
    }
    data.update(overrides)
    return data


def contractor_browser(app, n: int) -> Browser:
    browser = signed_in(app, "contractor")
    register(n, user=browser.user)
    return browser


# ---- sign-up ------------------------------------------------------------------------------------


def test_signing_up_creates_the_account_and_company_and_logs_in(client, now):
    now(2026, 9, 22, 9, 0)
    response = client.submit("/contractor/register", signup_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/contractor/")
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == "yongjiang"))
    assert user.role == "contractor" and user.organisation == "宁波新甬建设有限公司"
    c = queries.contractor_of(user)
    assert c.uscc == NEW_CODE and c.contact_mobile == "+8613805741234"
    assert [q.number for q in c.qualifications] == ["D333000001"]
    html = client.html("/contractor/")
    assert "宁波新甬建设有限公司" in html and NEW_CODE in html
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions[-2:] == ["user:created", "contractor:registered"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": NEW_CODE[:-1] + ("0" if NEW_CODE[-1] != "0" else "1")}, "uscc", "校验位"),
        ({"uscc": "123"}, "uscc", "统一社会信用代码"),
        ({"contact_mobile": "12345"}, "contact_mobile", "11位"),
        ({"contact_mobile": "02087654321"}, "contact_mobile", "手机"),
        ({"password2": "something else!"}, "password2", "两次输入的密码不一致"),
        ({"password": "short", "password2": "short"}, "password", "密码至少需要10个字符"),
        ({"username": "坏 名字"}, "username", "用户名只能包含"),
        ({"name": ""}, "name", "请填写企业名称"),
        ({"qualifications-0-category": ""}, "qualifications", "请至少填写一项资质证书"),
        ({"qualifications-0-grade": ""}, "qualifications-0-grade", "请填写资质等级"),
    ],
)
def test_a_bad_sign_up_shows_the_message_on_its_field_and_creates_nothing(
    client, now, overrides, field, message
):
    now(2026, 9, 22, 9, 0)
    if field == "qualifications":
        overrides = {**overrides, "qualifications-0-grade": "", "qualifications-0-number": ""}
        overrides["qualifications-0-valid_until"] = ""
    before = everything()
    response = client.submit("/contractor/register", signup_data(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if field != "qualifications":
        assert f'id="{field}-error"' in html
        error = html.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
        assert message in error
    assert everything() == before


def test_a_duplicate_company_is_refused_on_its_field_and_no_account_is_left_behind(client, now):
    now(2026, 9, 22, 9, 0)
    register(0)
    before = everything()
    response = client.submit("/contractor/register", signup_data(uscc=company(0)))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = html.split('id="uscc-error">', 1)[1].split("</p>", 1)[0]
    assert "已登记，不能重复登记" in error
    assert everything() == before
    assert db.session.scalar(select(User.id).where(User.username == "yongjiang")) is None
    assert not client.signed_in()


def test_a_taken_username_is_refused_on_its_field_and_no_company_is_created(client, app, now):
    now(2026, 9, 22, 9, 0)
    signed_in(app, "staff")  # an account exists
    taken = db.session.scalar(select(User.username))
    before = everything()
    response = client.submit("/contractor/register", signup_data(username=taken))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "已被使用" in html.split('id="username-error">', 1)[1].split("</p>", 1)[0]
    assert everything() == before
    assert queries.contractor_by_uscc(NEW_CODE) is None


def test_sign_up_without_a_csrf_token_is_refused(client, now):
    now(2026, 9, 22, 9, 0)
    before = everything()
    assert client.post("/contractor/register", signup_data(), token=False).status_code == 400
    assert everything() == before


def test_a_signed_in_user_is_not_offered_the_sign_up(app, now):
    staff = signed_in(app, "staff")
    assert staff.get("/contractor/register").status_code == 302


# ---- own profile and documents ------------------------------------------------------------------


def test_a_contractor_sees_and_edits_only_its_own_company(app, now):
    now(2026, 9, 22, 9, 0)
    a = contractor_browser(app, 0)
    b = contractor_browser(app, 1)
    other = queries.contractor_by_uscc(company(1))
    html = a.html("/contractor/")
    assert "宁波测试建设有限公司0" in html and other.contact_mobile not in html
    assert "宁波测试建设有限公司1" not in html
    assert company(0) in a.html("/contractor/profile")
    data = signup_data(uscc=company(0), name="宁波测试建设有限公司（更名）")
    response = a.submit("/contractor/profile", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert queries.contractor_by_uscc(company(0)).name == "宁波测试建设有限公司（更名）"
    assert queries.contractor_by_uscc(company(1)).name == "宁波测试建设有限公司1"
    updated = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "contractor:updated")
    ).all()
    assert len(updated) == 1 and updated[0].subject_id == company(0)
    # The credit code is fixed at registration (another company's, or any other): refused on
    # the field, nothing changed.
    before = everything()
    response = a.submit("/contractor/profile", signup_data(uscc=company(1)))
    assert response.status_code == 400
    assert "注册后不能修改" in response.get_data(as_text=True)
    assert everything() == before
    assert b.signed_in()


@pytest.mark.parametrize("role", ["staff", "admin", "reviewer", "owner"])
def test_other_roles_may_not_use_the_contractor_pages(app, now, role):
    who = signed_in(app, role)
    for path in ("/contractor/", "/contractor/profile"):
        assert who.get(path).status_code == 403


def test_a_contractor_account_without_a_company_registers_it_on_the_profile_page(app, now):
    now(2026, 9, 22, 9, 0)
    who = signed_in(app, "contractor")
    assert "尚未登记企业信息" in who.html("/contractor/")
    response = who.submit("/contractor/profile", signup_data())
    assert response.status_code == 302
    assert queries.contractor_of(who.user).uscc == NEW_CODE


def ten_qualifications() -> dict:
    rows = {}
    for i in range(10):
        rows |= {
            f"qualifications-{i}-category": f"资质类别{i}",
            f"qualifications-{i}-grade": "三级",
            f"qualifications-{i}-number": f"D3330000{i:02}",
        }
    return rows


def test_a_company_with_every_qualification_row_filled_still_sees_its_profile(app, now):
    # Found in production: each save offers one more blank row; a company that filled the
    # tenth row had a profile page that answered 500 ever after (FieldList's max_entries).
    now(2026, 9, 22, 9, 0)
    who = signed_in(app, "contractor")
    assert who.submit("/contractor/profile", signup_data()).status_code == 302
    response = who.submit("/contractor/profile", signup_data(**ten_qualifications()))
    assert response.status_code == 302
    assert len(queries.contractor_of(who.user).qualifications) == 10
    page = who.html("/contractor/profile")
    assert "资质类别9" in page
    assert "qualifications-9-category" in page and "qualifications-10-" not in page


def test_the_profile_saved_twenty_times_at_once_keeps_its_ten_qualifications(
    app, now, database_url
):
    # Found against gunicorn: each save deleted the stored rows and inserted its own; twenty at
    # once left the company with twenty rows (and its profile page a 500).
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    now(2026, 9, 22, 9, 0)
    who = signed_in(app, "contractor")
    assert who.submit("/contractor/profile", signup_data()).status_code == 302
    data = signup_data(**ten_qualifications())
    statuses = simultaneously(app, who, lambda tab: tab.submit("/contractor/profile", data), 20)
    assert statuses == [302] * 20
    db.session.expire_all()
    assert len(queries.contractor_of(who.user).qualifications) == 10


def test_the_first_profile_saved_twenty_times_at_once_registers_the_company_once(
    app, now, database_url
):
    # Each post found no company for the account and inserted one: the unique index kept one,
    # and nineteen posts were answered with a 500.
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    now(2026, 9, 22, 9, 0)
    who = signed_in(app, "contractor")
    data = signup_data()
    statuses = simultaneously(app, who, lambda tab: tab.submit("/contractor/profile", data), 20)
    # The winner goes home; the others are told on the form, or saved the same details.
    assert set(statuses) <= {302, 400}, statuses
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contractor.id))) == 1
    registered = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "contractor:registered")
    )
    assert registered == 1


def test_one_credit_code_signed_up_twenty_times_at_once_by_twenty_people_is_registered_once(
    app, now, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    now(2026, 9, 22, 9, 0)
    visitor = Browser(app)
    visitor.html("/contractor/register")
    counter = iter(range(20))
    lock = threading.Lock()

    def sign_up(tab):
        with lock:
            n = next(counter)
        return tab.submit("/contractor/register", signup_data(username=f"company{n}"))

    statuses = simultaneously(app, visitor, sign_up, 20)
    assert set(statuses) <= {302, 400}, statuses
    assert statuses.count(302) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Contractor.id))) == 1
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "contractor")) == 1


def test_a_record_holding_more_rows_than_the_form_offers_is_shown_whole(app, now):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    c = queries.contractor_of(who.user)
    c.qualifications = [
        Qualification(category=f"类别{i}", grade="三级", number=f"D{i}") for i in range(12)
    ]
    db.session.commit()
    page = who.html("/contractor/profile")
    assert "类别11" in page and "qualifications-12-" not in page


def test_the_service_refuses_more_qualifications_than_the_record_holds(app, now):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    c = queries.contractor_of(who.user)
    before = everything()
    data = services.ContractorInput(
        uscc=c.uscc,
        name=c.name,
        legal_representative=c.legal_representative,
        contact_person=c.contact_person,
        contact_mobile=c.contact_mobile,
        address=c.address,
        qualifications=tuple(
            services.QualificationInput(f"类别{i}", "三级", f"D{i:08}") for i in range(11)
        ),
    )
    with pytest.raises(RegistrationError, match="最多登记10项"):
        services.update_contractor(c.id, data, actor=who.user)
    assert everything() == before


def test_documents_are_uploaded_by_content_type(app, now):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    response = who.submit(
        "/contractor/documents",
        {"kind": "business_licence", "file": (io.BytesIO(PDF), "营业执照.pdf")},
        form_page="/contractor/",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    c = queries.contractor_of(who.user)
    db.session.refresh(c)
    assert [d.original_name for d in c.documents] == ["营业执照.pdf"]
    before = everything()
    response = who.submit(
        "/contractor/documents",
        {"kind": "other", "file": (io.BytesIO(EXE), "许可证.pdf")},
        form_page="/contractor/",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert everything() == before
    assert "营业执照.pdf" in who.html("/contractor/")


# ---- applications -------------------------------------------------------------------------------


@pytest.fixture
def open_call(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    return p


def application_of(browser) -> PoolApplication | None:
    db.session.expire_all()
    apps = queries.applications_of(browser.user)
    return apps[0] if apps else None


def test_apply_amend_and_withdraw_while_the_call_is_open(app, now, open_call):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    call_id = open_call.call.id
    page = who.html(f"/contractor/calls/{call_id}/apply")
    assert "建筑工程（入围3家）" in page
    response = who.submit(
        f"/contractor/calls/{call_id}/apply", [("categories", "JZ"), ("categories", "SZ")]
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    a = application_of(who)
    assert sorted(e.call_category.category.code for e in a.entries) == ["JZ", "SZ"]
    page = who.html(f"/contractor/calls/{call_id}/apply")
    assert f"/contractor/applications/{a.id}/amend" in page and "撤回申请" in page

    response = who.submit(
        f"/contractor/applications/{a.id}/amend",
        [("categories", "SZ")],
        form_page=f"/contractor/calls/{call_id}/apply",
    )
    assert response.status_code == 302
    a = application_of(who)
    assert [e.call_category.category.code for e in a.entries] == ["SZ"]

    response = who.submit(
        f"/contractor/applications/{a.id}/withdraw", form_page=f"/contractor/calls/{call_id}/apply"
    )
    assert response.status_code == 302
    assert application_of(who).withdrawn_at is not None
    assert "已撤回" in who.html("/contractor/")


def test_applying_without_a_category_is_refused_on_the_form(app, now, open_call):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    before = everything()
    response = who.submit(f"/contractor/calls/{open_call.call.id}/apply", {})
    assert response.status_code == 400
    assert "请至少选择一个申请类别" in response.get_data(as_text=True)
    assert everything() == before


def test_after_the_window_nothing_changes_and_the_page_says_why(app, now, open_call):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    late = contractor_browser(app, 1)
    call_id = open_call.call.id
    who.submit(f"/contractor/calls/{call_id}/apply", {"categories": "JZ"})
    a = application_of(who)
    form_page = f"/contractor/calls/{call_id}/apply"
    token_amend = who.token(form_page)
    token_late = late.token(form_page)
    now(2026, 10, 20, 9, 0)  # the call's 10 working days are over
    assert "申请期已结束" in who.html(form_page)
    before = everything()
    for browser, path, data in (
        (who, f"/contractor/applications/{a.id}/amend", {"categories": "SZ"}),
        (who, f"/contractor/applications/{a.id}/withdraw", {}),
        (late, form_page, {"categories": "JZ"}),
    ):
        token = token_amend if browser is who else token_late
        response = browser.post(path, {**data, "csrf_token": token}, token=False)
        assert response.status_code in (302, 400)
        followed = browser.html(response.headers["Location"]) if response.status_code == 302 else ""
        assert "申请期已于" in (response.get_data(as_text=True) + followed)
    assert everything() == before


def test_a_contractor_cannot_touch_or_see_another_companys_application(app, now, open_call):
    now(2026, 9, 22, 9, 0)
    owner = contractor_browser(app, 0)
    other = contractor_browser(app, 1)
    owner.submit(f"/contractor/calls/{open_call.call.id}/apply", {"categories": "JZ"})
    a = application_of(owner)
    before = everything()
    assert (
        other.post(f"/contractor/applications/{a.id}/amend", {"categories": "SZ"}).status_code
        == 404
    )
    assert other.post(f"/contractor/applications/{a.id}/withdraw").status_code == 404
    assert everything() == before
    assert "宁波测试建设有限公司0" not in other.html("/contractor/")


def test_a_draft_call_cannot_be_applied_to(app, now):
    now(2026, 9, 18, 9, 0)
    p = Phase()
    p.draft_and_consult()
    who = contractor_browser(app, 0)
    assert who.get(f"/contractor/calls/{p.call.id}/apply").status_code == 404


def test_applying_without_a_csrf_token_is_refused(app, now, open_call):
    now(2026, 9, 22, 9, 0)
    who = contractor_browser(app, 0)
    before = everything()
    path = f"/contractor/calls/{open_call.call.id}/apply"
    assert who.post(path, {"categories": "JZ"}, token=False).status_code == 400
    assert everything() == before


# ---- objections ---------------------------------------------------------------------------------


@pytest.fixture
def review_publicity(app):
    p = Phase()
    p.draft_and_consult()
    p.publish_call()
    p.applicants()
    p.review()
    p.publish_review()
    return p


def test_a_contractor_files_an_objection_from_the_call_page(app, now, review_publicity):
    now(2026, 10, 14, 9, 0)
    objector = queries.contractor_by_uscc(company(4))
    from tests.pool_factories import user_of

    who = Browser(app)
    assert who.login(user_of(objector).username, "correct horse battery").status_code == 302
    who.user = user_of(objector)
    call_id = review_publicity.call.id
    page = who.html(f"/pool/calls/{call_id}")
    assert "<summary>提出异议</summary>" in page
    entry = review_publicity.failed_entry()
    response = who.submit(
        "/contractor/objections",
        {"entry_id": entry.id, "call_id": call_id, "text": "本企业资质为二级，请复核。"},
        form_page=f"/pool/calls/{call_id}",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pool/calls/{call_id}#review")
    db.session.expire_all()
    o = db.session.scalar(select(Objection))
    assert o.entry_id == entry.id and o.contractor_id == objector.id
    assert "异议已提交" in who.html(f"/pool/calls/{call_id}")


def test_an_objection_after_the_publicity_is_refused_and_nothing_is_filed(
    app, now, review_publicity
):
    now(2026, 10, 14, 9, 0)
    who = contractor_browser(app, 6)
    call_id = review_publicity.call.id
    token = who.token(f"/pool/calls/{call_id}")
    now(2026, 10, 19, 9, 0)
    before = everything()
    entry = review_publicity.failed_entry()
    response = who.post(
        "/contractor/objections",
        {"entry_id": entry.id, "call_id": call_id, "text": "异议", "csrf_token": token},
        token=False,
    )
    assert response.status_code == 302
    assert "不再受理异议" in who.html(response.headers["Location"])
    assert everything() == before
    assert "<summary>提出异议</summary>" not in who.html(f"/pool/calls/{call_id}")


def test_an_objection_without_a_csrf_token_or_to_an_unknown_entry_is_refused(
    app, now, review_publicity
):
    now(2026, 10, 14, 9, 0)
    who = contractor_browser(app, 6)
    before = everything()
    entry = review_publicity.failed_entry()
    data = {"entry_id": entry.id, "text": "异议"}
    assert who.post("/contractor/objections", data, token=False).status_code == 400
    assert who.post("/contractor/objections", {**data, "entry_id": 987654}).status_code == 404
    assert who.post("/contractor/objections", {**data, "entry_id": 2**40}).status_code == 404
    assert everything() == before
    assert db.session.scalar(select(func.count(Contractor.id))) == 6


def test_a_contractor_opts_in_and_out_of_optional_messages_only_for_itself(app, now):
    from notices.sms.services import wants_optional

    now(2026, 9, 22, 9, 0)
    a = contractor_browser(app, 0)
    contractor_browser(app, 1)
    mine = queries.contractor_by_uscc(company(0))
    other = queries.contractor_by_uscc(company(1))
    assert "此项不能关闭" in a.html("/contractor/")
    assert (
        a.submit(
            "/contractor/sms", {"optional_messages": "y"}, form_page="/contractor/"
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert wants_optional(mine.id) and not wants_optional(other.id)
    assert a.submit("/contractor/sms", {}, form_page="/contractor/").status_code == 302
    db.session.expire_all()
    assert not wants_optional(mine.id)
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "sms:preference_changed")
        )
        == 2
    )
    assert a.post("/contractor/sms", {"optional_messages": "y"}, token=False).status_code == 400
    assert not wants_optional(mine.id)


def _preference_entries() -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "sms:preference_changed")
    )


def test_a_company_s_first_sms_choice_posted_twenty_times_at_once_is_made_once(
    app, now, database_url
):
    # Found against gunicorn: the first choices at once all found no row; the later inserts
    # broke the primary key — 500s.
    from notices.sms.services import wants_optional

    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite has one writer")
    now(2026, 9, 22, 9, 0)
    a = contractor_browser(app, 0)
    mine = queries.contractor_by_uscc(company(0))
    statuses = simultaneously(
        app,
        a,
        lambda tab: tab.submit(
            "/contractor/sms", {"optional_messages": "y"}, form_page="/contractor/"
        ),
        20,
    )
    assert statuses == [302] * 20
    db.session.expire_all()
    assert wants_optional(mine.id)
    assert _preference_entries() == 1


def test_an_sms_choice_posted_again_records_nothing_more(app, now):
    now(2026, 9, 22, 9, 0)
    a = contractor_browser(app, 0)
    for _ in range(2):
        response = a.submit("/contractor/sms", {"optional_messages": "y"}, form_page="/contractor/")
        assert response.status_code == 302
    assert _preference_entries() == 1
    assert a.submit("/contractor/sms", {}, form_page="/contractor/").status_code == 302
    assert a.submit("/contractor/sms", {}, form_page="/contractor/").status_code == 302
    assert _preference_entries() == 2
