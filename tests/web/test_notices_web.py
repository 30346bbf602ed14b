"""Notices through the web: the staff write → preview → attach → publish journey, the public list,
detail page and API, corrections, uploads, and the page conventions of DESIGN.md (meta tags,
language switch, security headers, Chinese error pages).

The clock is frozen on Wednesday 2026-11-25 10:00 (+08:00): a 交易公告 of 3 working days then
counts 11-26, 11-27 and 11-30 and ends at 2026-12-01 00:00 (+08:00).
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from notices import rules, services
from notices.models import Notice, NoticeAttachment
from tests.factories import (
    DEFAULT_DISTRICT,
    PDF,
    Browser,
    browser_host,
    make_notice,
    make_user,
    signed_in,
)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
TITLE = "甬江街道孔浦村道路硬化工程交易公告"
API_FIELDS = {
    "id",
    "type",
    "title",
    "published_at",
    "publicity_ends_at",
    "min_working_days",
    "corrects",
    "url",
}


# ---- helpers -----------------------------------------------------------------------------------


class Meta(HTMLParser):
    """Collects <meta name=… content=…> and the <html lang=…> of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.lang: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "html":
            self.lang = attrs.get("lang")


def column(html: str, key: str) -> str:
    """The HTML of one column of the home page."""
    match = re.search(
        rf'<section class="column panel" aria-labelledby="col-{key}">(.*?)</section>', html, re.S
    )
    assert match, f"no column {key} on the home page"
    return match.group(1)


def notice_count() -> int:
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return db.session.scalar(select(func.count(Notice.id)))


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def draft_through_form(staff: Browser, **fields) -> int:
    # A hand-written type (staff cannot write a 交易公告: contracts.services.trading publishes
    # it), given a 3-working-day publicity like a 交易公告's.
    data = {
        "type": "policy",
        "title": TITLE,
        "min_working_days": "3",
        "issuing_body": "区公共资源交易管理办公室",
        "body": "**控制价**：862,300.00元\n\n- 工期：60日历天",
        **fields,
    }
    response = staff.submit("/staff/notices/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.fullmatch(r"/staff/notices/(\d+)", urlsplit(response.headers["Location"]).path)
    assert match, response.headers["Location"]
    return int(match.group(1))


def publish_through_form(staff: Browser, notice_id: int):
    return staff.submit(
        f"/staff/notices/{notice_id}/publish",
        {"confirm": "y"},
        form_page=f"/staff/notices/{notice_id}",
    )


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


# ---- the staff journey -------------------------------------------------------------------------


def test_staff_draft_preview_attach_and_publish_a_notice_the_public_then_sees_running(
    app, frozen, now
):
    staff = signed_in(app)
    public = Browser(app)

    form = staff.html("/staff/notices/new")
    assert "起草公告" in form and 'name="title"' in form

    notice_id = draft_through_form(staff)
    preview = staff.html(f"/staff/notices/{notice_id}")
    assert "预览：此公告尚未发布，公众不可见。" in preview
    assert TITLE in preview and "<strong>控制价</strong>" in preview
    assert "如今日发布：至 2026-11-30 24:00（3个工作日）" in preview

    # Not public yet: no page, not in the lists, not in the API.
    public.html(f"/notices/{notice_id}", status=404)
    assert TITLE not in public.html("/notices/")
    assert public.get(f"/api/v1/notices/{notice_id}").status_code == 404
    assert notice_id not in [i["id"] for i in public.get("/api/v1/notices").get_json()["items"]]

    response = staff.submit(
        f"/staff/notices/{notice_id}/attachments",
        {"file": (io.BytesIO(PDF), "交易文件（盖章版）.pdf")},
        form_page=f"/staff/notices/{notice_id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = staff.html(f"/staff/notices/{notice_id}")
    assert "附件已上传" in preview and "交易文件（盖章版）.pdf" in preview

    response = publish_through_form(staff, notice_id)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/notices/{notice_id}"

    listing = public.html("/notices/?type=policy")
    assert TITLE in listing and "公示中" in listing
    assert TITLE not in public.html("/notices/?type=pool_call")
    assert TITLE in public.html("/notices/")

    page = public.html(f"/notices/{notice_id}")
    assert TITLE in page
    assert "公示期" in page
    assert "2026-11-25 10:00 至 2026-11-30 24:00" in re.sub(r"<[^>]+>", "", page)
    assert 'datetime="2026-12-01T00:00:00+08:00"' in page  # the exclusive end, machine-readable
    assert "3个工作日，发布次日起算" in page
    assert "公示中" in page and "已结束" not in page
    assert "区公共资源交易管理办公室" in page
    assert "交易文件（盖章版）.pdf" in page
    assert "异议与投诉" in page

    # The state comes from the clock: the last minute of the period, then its exclusive end.
    now(2026, 11, 30, 23, 59)
    assert "公示中" in public.html(f"/notices/{notice_id}")
    now(2026, 12, 1, 0, 0)
    page = public.html(f"/notices/{notice_id}")
    assert "已结束" in page and "公示中" not in page
    assert "已结束" in public.html("/notices/?type=policy")


def test_a_draft_is_404_for_the_public_and_absent_from_the_lists_search_and_api(app, frozen):
    draft = make_notice(publish=False, title="尚未发布的草稿公告")
    public = Browser(app)
    public.html(f"/notices/{draft.id}", status=404)
    assert public.get(f"/api/v1/notices/{draft.id}").status_code == 404
    assert public.get("/api/v1/notices").get_json() == {"items": [], "next": None}
    assert "尚未发布的草稿公告" not in public.html("/notices/")
    assert "尚未发布的草稿公告" not in public.html("/")
    assert "尚未发布的草稿公告" not in public.html("/search?q=草稿")


SERVICE_ONLY = [code for code, t in rules.NOTICE_TYPES.items() if not t.by_hand]


def test_the_staff_editor_offers_only_the_types_staff_may_write_by_hand(app):
    assert set(SERVICE_ONLY) == {
        "pool_call",
        "review_result",
        "roster_publicity",
        "roster",
        "trading_notice",
        "trading_result",
        "trading_failed",
        "complaint_decision",  # published with the decision (contracts.complaints.services)
        "sanction",  # published by contractors.sanctions.services
    }
    form = signed_in(app).html("/staff/notices/new")
    offered = set(re.findall(r'<option[^>]*value="([a-z_]+)"', form))
    assert offered == {"policy", "correction"}


def test_a_blank_draft_starts_as_a_policy_and_one_begun_from_a_notice_as_its_correction(app):
    original = make_notice(title=TITLE)
    staff = signed_in(app)
    selected = re.compile(
        r'<option[^>]*selected[^>]*value="([a-z_]+)"|<option[^>]*value="([a-z_]+)"[^>]*selected'
    )

    def chosen(html: str) -> set[str]:
        return {a or b for a, b in selected.findall(html)}

    # A blank draft does not say 更正公告 beside （不是更正公告）.
    assert chosen(staff.html("/staff/notices/new")) == {rules.NEW_DRAFT_TYPE} == {"policy"}
    assert chosen(staff.html(f"/staff/notices/new?corrects={original.id}")) == {"correction"}


@pytest.mark.parametrize("type_", SERVICE_ONLY)
def test_staff_cannot_post_a_notice_only_a_domain_service_publishes(app, frozen, type_):
    # The probe: a made-up 交易结果公告 for a project whose trading is still open.
    staff = signed_in(app)
    before = notice_count()
    response = staff.submit(
        "/staff/notices/new",
        {
            "type": type_,
            "title": "甬江街道某村道路硬化工程交易结果公告",
            "issuing_body": "区公共资源交易管理办公室",
            "body": "中标人：某某建筑有限公司",
            "min_working_days": "10",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    label = rules.NOTICE_TYPES[type_].label
    assert f"“{label}”只能由平台在办理相应业务时自动发布，不能手工编写或发布" in html
    assert "提交的内容有误，未作任何更改" in html
    assert notice_count() == before


def test_a_publicity_of_zero_days_is_refused_by_the_form(app, frozen):
    staff = signed_in(app)
    before = notice_count()
    response = staff.submit(
        "/staff/notices/new",
        {
            "type": "policy",
            "title": TITLE,
            "issuing_body": "区公管办",
            "min_working_days": "0",
        },
    )
    assert response.status_code == 400
    assert "公示期应为1至60个工作日" in response.get_data(as_text=True)
    assert notice_count() == before


def test_an_upload_of_the_wrong_type_is_refused_with_a_clear_message_and_nothing_is_stored(
    app, frozen
):
    staff = signed_in(app)
    notice_id = draft_through_form(staff)
    response = staff.submit(
        f"/staff/notices/{notice_id}/attachments",
        {"file": (io.BytesIO(EXE), "交易文件.pdf")},  # a Windows program renamed .pdf
        form_page=f"/staff/notices/{notice_id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = staff.html(f"/staff/notices/{notice_id}")
    assert "只接受PDF或图片（PNG、JPEG、WebP）文件，文件类型按内容判断" in preview
    assert "交易文件.pdf" not in preview
    db.session.rollback()
    assert db.session.scalar(select(func.count(NoticeAttachment.id))) == 0
    assert stored_files(app) == []


def test_the_attachment_is_served_as_a_download_with_its_chinese_name_and_nosniff(app, frozen):
    draft = make_notice(publish=False)
    attachment = services.add_attachment(draft.id, "征集文件（2026年）.pdf", PDF)
    services.publish(draft.id)
    response = Browser(app).get(f"/notices/{draft.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    assert match, disposition
    assert unquote(match.group(1)) == "征集文件（2026年）.pdf"
    assert "sandbox" in response.headers["Content-Security-Policy"]


# ---- the public API ----------------------------------------------------------------------------


def test_the_notices_api_has_the_design_envelope_fields_and_times_in_plus_eight(app, frozen):
    published = make_notice(title=TITLE)
    make_notice(type="policy", title="小型建设工程交易规则", body="规则正文")
    body = Browser(app).get("/api/v1/notices").get_json()
    assert set(body) == {"items", "next"}
    assert body["next"] is None
    assert len(body["items"]) == 2
    for item in body["items"]:
        assert set(item) >= API_FIELDS, API_FIELDS - set(item)
        for key in ("published_at", "publicity_ends_at"):
            if item[key] is not None:
                assert item[key].endswith("+08:00"), item[key]
                datetime.fromisoformat(item[key])

    by_type = {item["type"]: item for item in body["items"]}
    trading = by_type["trading_notice"]
    assert trading["id"] == published.id
    assert trading["title"] == TITLE
    assert trading["published_at"] == "2026-11-25T10:00:00+08:00"
    assert trading["publicity_ends_at"] == "2026-12-01T00:00:00+08:00"
    assert trading["min_working_days"] == 3
    assert trading["corrects"] is None
    assert urlsplit(trading["url"]).path == f"/notices/{published.id}"
    policy = by_type["policy"]
    assert policy["publicity_ends_at"] is None and policy["min_working_days"] is None

    one = Browser(app).get(f"/api/v1/notices/{published.id}").get_json()
    assert {k: one[k] for k in API_FIELDS} == {k: trading[k] for k in API_FIELDS}


def test_an_api_item_lists_its_attachments_with_their_links_and_its_office(app, frozen):
    staff = make_user("staff")
    draft = make_notice(staff, publish=False, title="政策文件")
    attachment = services.add_attachment(draft.id, "交易文件.pdf", PDF, actor=staff)
    services.publish(draft.id, actor=staff)
    make_notice(title=TITLE)
    items = Browser(app).get("/api/v1/notices").get_json()["items"]
    policy = next(item for item in items if item["id"] == draft.id)
    [listed] = policy["attachments"]
    assert listed["name"] == "交易文件.pdf"
    assert listed["content_type"] == "application/pdf" and listed["size"] == len(PDF)
    assert urlsplit(listed["url"]).path == f"/notices/{draft.id}/attachments/{attachment.id}"
    assert policy["office"] == {"code": DEFAULT_DISTRICT[0], "name": DEFAULT_DISTRICT[1]}
    assert all(item["office"] == policy["office"] for item in items)
    one = Browser(app).get(f"/api/v1/notices/{draft.id}").get_json()
    assert one["attachments"] == policy["attachments"] and one["office"] == policy["office"]


def test_the_api_pages_over_more_notices_than_fit_on_one_page_through_next(app, frozen):
    total = 53
    ids = {make_notice(title=f"交易公告第{i}号").id for i in range(total)}
    policy = make_notice(type="policy", title="办事指南")
    public = Browser(app)

    seen, url, pages = [], "/api/v1/notices?type=trading_notice", 0
    while url:
        body = public.get(url).get_json()
        assert set(body) == {"items", "next"}
        seen += [item["id"] for item in body["items"]]
        assert {item["type"] for item in body["items"]} == {"trading_notice"}
        pages += 1
        url = body["next"] and "{0.path}?{0.query}".format(urlsplit(body["next"]))
        if url:
            assert "type=trading_notice" in url
    assert pages >= 2
    assert len(seen) == len(set(seen)) == total
    assert set(seen) == ids

    everything = public.get("/api/v1/notices").get_json()
    assert everything["next"] is not None
    rest = public.get("{0.path}?{0.query}".format(urlsplit(everything["next"]))).get_json()
    assert policy.id in [i["id"] for i in everything["items"] + rest["items"]]


def test_an_api_page_beyond_the_last_is_empty_not_an_error(app, frozen):
    make_notice()
    body = Browser(app).get("/api/v1/notices?page=99").get_json()
    assert body == {"items": [], "next": None}


@pytest.mark.parametrize("path", ["/api/v1/notices", "/notices/", "/search?q=工程&"])
def test_a_huge_page_number_is_an_empty_page_not_a_server_error(app, frozen, path):
    make_notice()
    separator = "" if path.endswith("&") else "?"
    try:
        response = Browser(app).get(f"{path}{separator}page={2**63}")
    except Exception as e:  # TESTING propagates exceptions instead of rendering 500
        pytest.fail(f"{type(e).__name__}: {e}"[:200])
    assert response.status_code in (200, 404)


# ---- corrections -------------------------------------------------------------------------------


def test_a_correction_links_from_the_corrected_notice_and_names_it_in_the_api(app, frozen):
    original = make_notice(title=TITLE)
    staff = signed_in(app)
    form = staff.html(f"/staff/notices/new?corrects={original.id}")
    assert f'value="{original.id}" selected' in form or f'selected value="{original.id}"' in form
    correction_id = draft_through_form(
        staff,
        type="correction",
        corrects_id=str(original.id),
        title="关于甬江街道孔浦村道路硬化工程交易公告的更正公告",
        body="控制价更正为862,000.00元。",
    )
    assert publish_through_form(staff, correction_id).status_code == 302

    public = Browser(app)
    page = public.html(f"/notices/{original.id}")
    assert "本公告已更正" in page
    assert f'href="/notices/{correction_id}"' in page
    correction_page = public.html(f"/notices/{correction_id}")
    assert "本公告更正" in correction_page and f'href="/notices/{original.id}"' in correction_page

    item = public.get(f"/api/v1/notices/{correction_id}").get_json()
    assert item["type"] == "correction"
    assert item["corrects"] == original.id
    assert public.get(f"/api/v1/notices/{original.id}").get_json()["corrects"] is None


def test_a_draft_correction_is_not_announced_on_the_corrected_notice(app, frozen):
    original = make_notice(title=TITLE)
    make_notice(
        publish=False, type="correction", corrects_id=original.id, title="尚未发布的更正公告"
    )
    public = Browser(app)
    for path in (f"/notices/{original.id}", "/", "/notices/"):
        html = public.html(path)
        assert "本公告已更正" not in html and "已更正" not in html, path


# ---- pages -------------------------------------------------------------------------------------


def test_the_home_page_lists_notices_by_column(app, frozen):
    make_notice(title=TITLE)
    make_notice(type="policy", title="小型建设工程交易规则（试行）", body="规则")
    make_notice(type="pool_call", title="预选承包商名录库征集公告")
    html = Browser(app).html("/")
    trading = column(html, "trading")
    assert "交易公告" in trading and TITLE in trading
    assert "小型建设工程交易规则（试行）" not in trading
    assert "小型建设工程交易规则（试行）" in column(html, "policy")
    assert "预选承包商名录库征集公告" in column(html, "pool")
    assert "暂无公告" in column(html, "results")


def test_a_detail_page_carries_the_government_website_meta_tags(app, frozen):
    notice = make_notice(title=TITLE, issuing_body="区公共资源交易管理办公室")
    meta = Meta(Browser(app).html(f"/notices/{notice.id}")).meta
    assert meta["SiteName"] == "小型建设工程公开交易平台"
    assert meta["ColumnName"] == "交易公告"
    assert meta["ArticleTitle"] == TITLE
    assert meta["PubDate"] == "2026-11-25 10:00"
    assert meta["ContentSource"] == "区公共资源交易管理办公室"


def test_a_notice_body_cannot_carry_script_into_the_page(app, frozen):
    notice = make_notice(body='正文<script>alert("x")</script><img src=x onerror="alert(1)">')
    html = Browser(app).html(f"/notices/{notice.id}")
    assert "<script>alert" not in html and "onerror" not in html


def test_the_english_switch_sets_html_lang_to_en_and_back(app):
    public = Browser(app)
    assert Meta(public.html("/")).lang == "zh-CN"
    response = public.get("/lang/en?next=/notices/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/notices/"
    assert Meta(public.html("/notices/")).lang == "en"
    public.get("/lang/zh_CN?next=/")
    assert Meta(public.html("/")).lang == "zh-CN"


def test_the_english_page_is_in_english(app):
    public = Browser(app)
    public.get("/lang/en?next=/")
    html = public.html("/")
    assert "All notices" in html and "Log in" in html
    assert "全部公告" not in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_language_switch_only_goes_back_to_this_site(app, target):
    response = Browser(app).get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) is None


def test_the_language_switch_cannot_be_turned_into_a_redirect_elsewhere_with_a_tab(app):
    response = Browser(app).get("/lang/en", query_string={"next": "/\t/evil.example"})
    assert browser_host(response.headers["Location"]) is None


@pytest.mark.parametrize("path", ["/", "/notices/", "/login", "/search?q=工程", "/no-such-page"])
def test_pages_set_a_content_security_policy(app, path):
    response = Browser(app).get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("Referrer-Policy") != "no-referrer"


def test_the_404_page_is_in_chinese(app):
    response = Browser(app).get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html and "返回首页" in html
    assert Meta(html).lang == "zh-CN"
    assert Browser(app).get("/api/v1/notices/987654").get_json() == {"error": 404}


def test_a_published_notice_cannot_be_edited_deleted_or_have_its_attachments_removed(app, frozen):
    staff = signed_in(app)
    draft = make_notice(publish=False, title=TITLE)
    attachment = services.add_attachment(draft.id, "交易文件.pdf", PDF)
    services.publish(draft.id)
    nid = draft.id
    db.session.rollback()

    def snapshot():
        db.session.rollback()
        n = db.session.get(Notice, nid)
        return (n.title, n.body, n.status, n.published_at, [a.id for a in n.attachments])

    before = snapshot()
    response = staff.get(f"/staff/notices/{nid}/edit")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/staff/notices/{nid}"
    page = staff.html(f"/staff/notices/{nid}")
    assert "公告已发布，不能再修改；如需更正，请发布更正公告" in page
    assert "修改草稿" not in page and "确认发布" not in page

    token_page = f"/staff/notices/{nid}"
    response = staff.submit(
        f"/staff/notices/{nid}/edit",
        {"type": "policy", "title": "篡改后的标题", "issuing_body": "某单位"},
        form_page=token_page,
    )
    assert response.status_code == 302
    staff.submit(f"/staff/notices/{nid}/delete", {"confirm": "y"}, form_page=token_page)
    staff.submit(f"/staff/notices/{nid}/attachments/{attachment.id}/delete", form_page=token_page)
    staff.submit(
        f"/staff/notices/{nid}/attachments",
        {"file": (io.BytesIO(PDF), "追加.pdf")},
        form_page=token_page,
        content_type="multipart/form-data",
    )
    assert snapshot() == before
    assert "篡改后的标题" not in Browser(app).html(f"/notices/{nid}")
