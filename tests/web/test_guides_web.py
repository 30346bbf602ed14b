"""Policies and guides through the web: the staff write → preview → attach → publish → edit →
repeal journey (roles and CSRF), the public list and detail (only what was published), the
downloads' bytes and headers, and the blank forms the platform generates."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from notices.guides.models import Guide
from tests.factories import PDF, Browser, signed_in

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
TITLE = "小型工程承包商入库办事指南"


def guide_count() -> int:
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return db.session.scalar(select(func.count(Guide.id)))


def draft(staff: Browser, **fields) -> int:
    data = {
        "kind": "guide",
        "title": TITLE,
        "body": "1. **注册企业账户**\n2. 提交入库申请",
        **fields,
    }
    response = staff.submit("/staff/guides/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/staff/guides/(\d+)", urlsplit(response.headers["Location"]).path)
    assert match, response.headers["Location"]
    return int(match.group(1))


def publish(staff: Browser, guide_id: int):
    return staff.submit(
        f"/staff/guides/{guide_id}/publish", {"confirm": "y"}, form_page=f"/staff/guides/{guide_id}"
    )


def upload(staff: Browser, guide_id: int, name: str, data: bytes):
    return staff.submit(
        f"/staff/guides/{guide_id}/attachments",
        {"file": (io.BytesIO(data), name)},
        form_page=f"/staff/guides/{guide_id}",
        content_type="multipart/form-data",
    )


def test_staff_write_attach_and_publish_a_guide_the_public_then_reads_and_downloads(app):
    staff = signed_in(app)
    public = Browser(app)
    assert "新建文件" in staff.html("/staff/guides/new")
    guide_id = draft(staff)
    assert public.get(f"/guides/{guide_id}").status_code == 404  # a draft is not public
    assert TITLE not in public.html("/guides/?kind=guide")
    assert upload(staff, guide_id, "入库申请材料清单.pdf", PDF).status_code == 302
    assert publish(staff, guide_id).status_code == 302

    listing = public.html("/guides/?kind=guide")
    assert TITLE in listing and f"/guides/{guide_id}" in listing
    page = public.html(f"/guides/{guide_id}")
    assert "<strong>注册企业账户</strong>" in page and "现行有效" in page
    link = re.search(rf'href="(/guides/{guide_id}/files/\d+)"', page).group(1)
    download = public.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "入库申请材料清单.pdf" in unquote(disposition)
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_an_edit_shows_at_once_and_a_repealed_policy_leaves_the_list_but_keeps_its_page(app):
    staff = signed_in(app)
    public = Browser(app)
    fields = {"kind": "policy", "title": "名录库管理办法", "doc_number": "北区政办发〔2026〕8号"}
    guide_id = draft(staff, **fields)
    publish(staff, guide_id)
    assert "北区政办发〔2026〕8号" in public.html("/guides/")
    edited = staff.submit(
        f"/staff/guides/{guide_id}/edit",
        {**fields, "title": "名录库管理办法（修订）", "body": "新"},
    )
    assert edited.status_code == 302
    page = public.html(f"/guides/{guide_id}")
    assert "名录库管理办法（修订）" in page and "更新时间" in page

    no_reason = staff.submit(
        f"/staff/guides/{guide_id}/withdraw",
        {"confirm": "y"},
        form_page=f"/staff/guides/{guide_id}",
    )
    assert no_reason.status_code == 400
    repealed = staff.submit(
        f"/staff/guides/{guide_id}/withdraw",
        {"reason": "已被新办法替代", "confirm": "y"},
        form_page=f"/staff/guides/{guide_id}",
    )
    assert repealed.status_code == 302
    assert "名录库管理办法" not in public.html("/guides/")
    page = public.html(f"/guides/{guide_id}")
    assert "已废止" in page and "已被新办法替代" in page


def test_a_blank_form_the_platform_generates_downloads_as_a_pdf_without_any_upload(app):
    public = Browser(app)
    listing = public.html("/guides/?kind=form")
    link = re.search(r'href="(/guides/forms/[a-z-]+\.pdf)"', listing).group(1)
    response = public.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "交易响应承诺（空白表式）.pdf" in unquote(response.headers["Content-Disposition"])
    etag = response.headers["ETag"]
    again = public.get(link, headers={"If-None-Match": etag})
    assert again.status_code == 304  # built once, kept, and answered by its ETag
    assert public.get("/guides/forms/no-such-form.pdf").status_code == 404


@pytest.mark.parametrize("role", ["contractor", "owner", "reviewer", "supervisor"])
def test_only_the_office_writes_guides(app, role):
    other = signed_in(app, role)
    assert other.get("/staff/guides/new").status_code == 403
    assert other.post("/staff/guides/new", {"kind": "guide", "title": "x"}).status_code == 403
    assert guide_count() == 0


def test_an_anonymous_visitor_is_sent_to_the_login_and_a_post_without_its_token_is_refused(app):
    anonymous = Browser(app)
    assert anonymous.get("/staff/guides/").status_code == 302
    staff = signed_in(app)
    response = staff.post("/staff/guides/new", {"kind": "guide", "title": TITLE}, token=False)
    assert response.status_code == 400
    guide_id = draft(staff)
    assert (
        staff.post(f"/staff/guides/{guide_id}/publish", {"confirm": "y"}, token=False).status_code
        == 400
    )
    assert Browser(app).get(f"/guides/{guide_id}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "办法\x00"}, "空字符"),
        ({"title": "长" * 10_000}, "200"),
        ({"body": "x" * 60_000}, "50000"),
        ({"kind": "'; DROP TABLE guides; --"}, "未知的文件类别"),
        ({"kind": "guide", "doc_number": "北区〔2026〕1号"}, "只有政策制度"),
    ],
)
def test_bad_input_comes_back_on_the_form_and_nothing_is_saved(app, fields, message):
    staff = signed_in(app)
    response = staff.submit("/staff/guides/new", {"kind": "guide", "title": TITLE, **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert guide_count() == 0


def test_an_exe_or_an_oversized_upload_is_refused_with_a_message(app):
    staff = signed_in(app)
    guide_id = draft(staff)
    refused = upload(staff, guide_id, "表格.pdf", EXE)
    assert refused.status_code == 302
    assert "只接受PDF或图片" in staff.html(f"/staff/guides/{guide_id}")
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    upload(staff, guide_id, "big.pdf", PDF + b"0" * 4096)
    assert "文件超过" in staff.html(f"/staff/guides/{guide_id}")
    db.session.rollback()
    assert db.session.get(Guide, guide_id).attachments == []


def test_forged_ids_are_not_found(app):
    staff = signed_in(app)
    public = Browser(app)
    guide_id = draft(staff)
    publish(staff, guide_id)
    for path in (
        "/guides/999999",
        f"/guides/{guide_id}/files/999999",
        "/guides/99999999999999999999",
        "/guides/?kind=notice",
        "/guides/forms/..%2Fsecret_key.pdf",
    ):
        assert public.get(path).status_code == 404, path
    assert staff.get("/staff/guides/999999").status_code == 404
    forged = staff.submit(
        "/staff/guides/999999/withdraw",
        {"reason": "x", "confirm": "y"},
        form_page=f"/staff/guides/{guide_id}",
    )
    assert forged.status_code == 404


def test_the_english_pages_name_the_kinds_in_english(app):
    public = Browser(app)
    public.client.set_cookie("lang", "en")
    page = public.html("/guides/?kind=form")
    assert "Standard forms" in page and "Policies and guides" in page


def test_a_forged_office_beyond_any_database_id_is_refused_on_the_form(app):
    staff = signed_in(app)
    response = staff.submit(
        "/staff/guides/new", {"kind": "guide", "title": TITLE, "office_id": str(2**40)}
    )
    assert response.status_code == 400 and "发布机构不存在" in response.get_data(as_text=True)
    assert guide_count() == 0


def test_the_home_page_and_the_main_navigation_lead_to_the_guides(app):
    home = Browser(app).html("/")
    assert home.count('href="/guides/"') >= 2  # the 政策指南 tab and the policy column's link
