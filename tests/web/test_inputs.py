"""Bad input is refused at the root with a clear page or form message, never a server error
(issue 10, findings 13, 14 (integers) and 20): NUL and lone surrogates in any URL part or form
field, control characters in text fields, integers past PostgreSQL's INTEGER, and WTForms' and
Flask-WTF's own messages in the request's language."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from wtforms import IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.auth.models import User
from app.forms import FlaskForm, wtforms_messages
from contractors.models import Contractor
from notices.models import Notice, NoticeAttachment
from tests.factories import PDF, Browser, make_notice, make_user, signed_in
from tests.pool_factories import Phase
from tests.web.test_contractor_pages import signup_data


def english(browser: Browser) -> Browser:
    browser.client.set_cookie("lang", "en")
    return browser


def text(response) -> str:
    return response.get_data(as_text=True)


def accounts() -> int:
    return db_count(User)


def db_count(model) -> int:
    from app.extensions import db

    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


# ---- 13: NUL and surrogates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/contractors/%00",
        "/draws/%00",
        "/draws/%00/screen",
        "/projects/%00",
        "/pool/draws/%00",
        "/staff/projects/%00",
    ],
)
def test_nul_in_a_url_path_names_no_page(app, path):
    zh = Browser(app).get(path)
    assert zh.status_code == 404 and "页面不存在" in text(zh)
    en = english(Browser(app)).get(path)
    assert en.status_code == 404 and "Page not found" in text(en)


@pytest.mark.parametrize("path", ["/api/v1/draws/%00", "/api/v1/projects/%00"])
def test_nul_in_an_api_path_is_a_json_404(app, path):
    response = Browser(app).get(path)
    assert response.status_code == 404 and response.get_json() == {"error": 404}


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=%00",
        "/search?q=a%00b&page=1",
        "/notices/?type=%00",
        "/projects/?state=%00",
        "/pool/?category=%00",
        "/draws/?status=%00",
        "/login?next=/%00",
        "/search?%00=1",
    ],
)
def test_nul_in_a_query_is_refused_with_a_translated_page(app, path):
    zh = Browser(app).get(path)
    assert zh.status_code == 400
    assert "含有不允许的控制字符" in text(zh)
    en = english(Browser(app)).get(path)
    assert en.status_code == 400
    assert "control characters that are not allowed" in text(en)
    assert "含有" not in text(en)


def test_nul_in_an_api_query_is_a_json_400(app):
    response = Browser(app).get("/api/v1/pool?category=%00")
    assert response.status_code == 400 and response.get_json()["error"] == 400
    assert "控制字符" in response.get_json()["message"]


def test_a_login_name_with_nul_is_refused_and_counts_no_failure(app):
    user = make_user("staff", username="staff")
    response = Browser(app).login("staff\x00", "wrong password")
    assert response.status_code == 400 and "含有不允许的控制字符" in text(response)
    from app.extensions import db

    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 0


def test_a_sign_up_with_nul_in_a_name_stores_nothing(client, now):
    now(2026, 11, 25, 10, 0)
    before = (accounts(), db_count(Contractor))
    response = client.submit("/contractor/register", signup_data(name="宁波\x00建设有限公司"))
    assert response.status_code == 400 and "含有不允许的控制字符" in text(response)
    assert (accounts(), db_count(Contractor)) == before


def test_an_upload_whose_file_name_holds_nul_stores_nothing(app, now):
    now(2026, 11, 25, 10, 0)
    staff = signed_in(app, "staff")
    draft = make_notice(staff.user, publish=False)
    before = db_count(NoticeAttachment)
    response = staff.post(
        f"/staff/notices/{draft.id}/attachments",
        {"file": (io.BytesIO(PDF), "公告\x00.pdf")},
    )
    assert response.status_code == 400
    assert db_count(NoticeAttachment) == before


def test_a_lone_surrogate_never_reaches_a_view_as_a_surrogate(app):
    # %ED%A0%80 is U+D800 encoded as if it were a character. Werkzeug decodes a path with
    # errors="replace" (U+FFFD) and leaves an undecodable query or form escape as it was.
    response = Browser(app).get("/search?q=%ED%A0%80")
    assert response.status_code == 200 and 'value="%ED%A0%80"' in text(response)
    assert Browser(app).get("/draws/%ED%A0%80").status_code == 404
    assert Browser(app).get("/contractors/%ED%A0%80").status_code == 404


# ---- 13: control characters in text fields (a form message) --------------------------------------


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\t", "\n", "\r"])
def test_a_control_character_in_a_single_line_field_is_a_form_message(client, now, control):
    now(2026, 11, 25, 10, 0)
    before = (accounts(), db_count(Contractor))
    data = signup_data(name=f"宁波{control}建设有限公司")
    response = client.submit("/contractor/register", data)
    assert response.status_code == 400 and "含有不允许的控制字符" in text(response)
    assert (accounts(), db_count(Contractor)) == before
    english(client)
    response = client.submit("/contractor/register", data)
    assert "Contains control characters that are not allowed" in text(response)


def test_a_text_area_keeps_tabs_and_line_breaks_but_not_other_controls(app, now):
    now(2026, 11, 25, 10, 0)
    staff = signed_in(app, "staff")
    form = {"type": "policy", "title": "关于调整交易规则的通知", "issuing_body": "区公管办"}
    response = staff.submit("/staff/notices/new", {**form, "body": "第一段\r\n\t第二段"})
    assert response.status_code == 302
    assert db_count(Notice) == 1
    response = staff.submit("/staff/notices/new", {**form, "body": "第一段\x0b第二段"})
    assert response.status_code == 400 and "含有不允许的控制字符" in text(response)
    assert db_count(Notice) == 1


# ---- 14: integers past PostgreSQL's INTEGER ------------------------------------------------------

BEYOND = ("2147483648", str(2**63), str(10**30))


@pytest.mark.parametrize("number", BEYOND)
def test_a_hidden_call_id_beyond_the_integer_range_is_not_a_record(app, number):
    phase = Phase()
    phase.draft_and_consult()
    reviewer = signed_in(app, "reviewer")
    response = reviewer.post("/staff/pool/entries/1/decision", {"call_id": number})
    assert response.status_code == 404
    staff = signed_in(app, "staff")
    response = staff.post("/staff/pool/objections/1/answer", {"call_id": number})
    assert response.status_code == 404


@pytest.mark.parametrize("number", BEYOND)
def test_ids_beyond_the_integer_range_in_a_contractors_objection_are_not_records(app, number):
    contractor = signed_in(app, "contractor")
    from tests.pool_factories import register

    register(0, user=contractor.user)
    response = contractor.post(
        "/contractor/objections", {"call_id": number, "entry_id": number, "text": "异议"}
    )
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("number", BEYOND)
def test_query_numbers_beyond_the_integer_range_are_ignored_or_the_last_page(app, number):
    staff = signed_in(app, "staff")
    assert staff.get(f"/staff/notices/new?corrects={number}").status_code == 200
    for path in ("/api/v1/notices", "/api/v1/draws", "/api/v1/pool", "/api/v1/projects"):
        response = Browser(app).get(f"{path}?page={number}")
        assert response.status_code == 200 and response.get_json()["items"] == []
    for path in ("/search?q=x&", "/notices/?", "/draws/?", "/projects/?"):
        assert Browser(app).get(f"{path}page={number}").status_code == 200


@pytest.mark.parametrize("number", BEYOND)
def test_an_sms_receipt_naming_a_message_beyond_the_integer_range_is_answered_200(
    twilio_app, number
):
    url = f"http://testserver/sms/status?m={number}"
    params = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    token = twilio_app.config["TWILIO_AUTH_TOKEN"]
    signature = RequestValidator(token).compute_signature(url, params)
    response = Browser(twilio_app).open(
        f"/sms/status?m={number}", "POST", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


class _Numbers(FlaskForm):
    class Meta:
        csrf = False

    n = IntegerField()


@pytest.mark.parametrize(("posted", "ok"), [("2147483647", True), ("-2147483648", True)])
def test_an_integer_field_holds_what_an_integer_column_holds(app, posted, ok):
    with app.test_request_context(method="POST", data={"n": posted}):
        assert _Numbers().validate() is ok


@pytest.mark.parametrize("posted", ["2147483648", "-2147483649", str(10**30)])
def test_an_integer_field_beyond_an_integer_column_is_a_form_message(app, posted):
    with app.test_request_context(method="POST", data={"n": posted}):
        form = _Numbers()
        assert not form.validate()
        assert form.n.errors == ["数值超出允许范围"]
    # A fresh app context: Flask-Babel caches the locale in `g`.
    with (
        app.app_context(),
        app.test_request_context(method="POST", data={"n": posted}, headers={"Cookie": "lang=en"}),
    ):
        form = _Numbers()
        assert not form.validate()
        assert form.n.errors == ["The number is out of the allowed range"]


# ---- 20: the libraries' messages in the request's language ---------------------------------------


def test_a_missing_csrf_token_gets_a_translated_page(app):
    response = Browser(app).post("/login", {"username": "a", "password": "b"}, token=False)
    body = text(response)
    assert response.status_code == 400
    assert "页面已过期或表单无效，请返回刷新后重试" in body
    assert "CSRF" not in body
    response = english(Browser(app)).post("/login", {"username": "a"}, token=False)
    assert "The page has expired" in text(response) and "CSRF" not in text(response)


def test_an_error_page_heading_has_the_brackets_of_its_language(app):
    # An English page had "Bad request（400）": the status in full-width Chinese brackets.
    zh = text(Browser(app).post("/login", {"username": "a"}, token=False))
    assert "请求有误（400）" in zh
    en = text(english(Browser(app)).post("/login", {"username": "a"}, token=False))
    assert "Bad request (400)" in en and "（" not in en.split("<h1")[1].split("</h1>")[0]
    assert "Page not found (404)" in text(english(Browser(app)).get("/no-such-page"))


class _Choices(FlaskForm):
    class Meta:
        csrf = False

    many = SelectMultipleField(choices=[SelectChoice("a", "A")])
    one = StringField()
    long = TextAreaField()


def test_wtforms_own_messages_are_chinese_under_the_chinese_locale(app):
    with app.test_request_context(method="POST", data={"many": "1"}):
        form = _Choices()
        assert not form.validate()
        assert form.many.errors == ["“1”不是该字段的有效选项。"]
    # A fresh app context: Flask-Babel caches the locale in `g`.
    with (
        app.app_context(),
        app.test_request_context(method="POST", data={"many": "1"}, headers={"Cookie": "lang=en"}),
    ):
        form = _Choices()
        assert not form.validate()
        assert form.many.errors == ["'1' is not a valid choice for this field."]


def test_every_message_wtforms_ships_reads_in_chinese(app):
    from babel.messages.pofile import read_po
    from wtforms.i18n import messages_path

    with open(f"{messages_path()}/wtforms.pot", "rb") as f:
        catalogue = read_po(f)
    with app.test_request_context():
        untranslated = []
        for message in catalogue:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                for n in (1, 2):
                    if wtforms_messages.ngettext(*message.id, n) in message.id:
                        untranslated.append(message.id[0])
            elif wtforms_messages.gettext(message.id) == message.id:
                untranslated.append(message.id)
    assert untranslated == []


def test_an_overlong_password_is_told_the_maximum_not_the_minimum(client, now):
    now(2026, 11, 25, 10, 0)
    long = "x" * 201
    response = client.submit("/contractor/register", signup_data(password=long, password2=long))
    body = text(response)
    assert "密码不能超过200个字符" in body and "密码至少需要" not in body
    english(client)
    response = client.submit("/contractor/register", signup_data(password=long, password2=long))
    assert "The password may have at most 200 characters" in text(response)
