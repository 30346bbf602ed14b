"""Draws through the web: the public list, record page, meeting screen, minutes PDF and API, and
the staff console (enter entropy → review → confirm), its roles and CSRF."""

from __future__ import annotations

import io
import pkgutil
import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from app import built
from app.extensions import db
from lottery import documents, services, verify
from lottery.models import Draw
from tests.factories import Browser, make_user, placed, signed_in, use_cheap_password_hashes
from tests.integration.test_lottery_services import (
    CODES,
    COMPANIES,
    PROJECT,
    commit_award,
    commit_rate,
    draw_as_shown,
    secret_seed,
)
from tests.unit.test_lottery_rules import LOTTERY_MD_KEYS

# ---- helpers -----------------------------------------------------------------------------------


def stored(draw_id: str) -> Draw:
    db.session.rollback()  # a fresh snapshot: the requests ran in their own sessions
    return db.session.scalar(db.select(Draw).where(Draw.draw_id == draw_id))


def row(draw_id: str) -> tuple:
    d = stored(draw_id)
    return tuple(getattr(d, c.key) for c in Draw.__table__.columns)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)  # many logins here


@pytest.fixture
def frozen(now):
    return now(2026, 11, 25, 10, 0)


@pytest.fixture
def award(app, frozen):
    return commit_award(make_user("staff"), candidates=CODES, candidate_labels=COMPANIES)


# ---- public pages ------------------------------------------------------------------------------


def test_the_main_navigation_links_to_the_draw_records(app):
    html = Browser(app).html("/")
    assert '<a href="/draws/">摇号记录</a>' in html


def test_the_list_shows_draws_newest_first_with_their_status(app, now):
    staff = make_user("staff")
    now(2026, 11, 2, 9, 0)
    rate = commit_rate(staff)
    now(2026, 11, 25, 9, 0)
    award = commit_award(staff)
    draw_as_shown(rate.draw_id, ["19"], actor=staff)
    html = Browser(app).html("/draws/")
    assert html.index(award.draw_id) < html.index(rate.draw_id)
    assert "待摇号" in html and "已摇号" in html
    drawn_only = Browser(app).html("/draws/?status=drawn")
    assert rate.draw_id in drawn_only and award.draw_id not in drawn_only


def test_a_committed_draw_page_shows_the_commitment_and_candidates_but_never_the_seed(app, award):
    who = Browser(app)
    seed = secret_seed(award)
    html = who.html(f"/draws/{award.draw_id}")
    plain = text_of(html).replace("\u200b", "")
    assert award.seed_commitment[:8] in plain
    assert "尚未公开" in plain
    for code, name in COMPANIES.items():
        assert code in plain and name in plain
    assert '<meta name="ArticleTitle" content="甬江街道某村道路硬化工程 承接单位摇号">' in html
    assert '<meta name="ColumnName" content="摇号记录">' in html
    for path in (
        f"/draws/{award.draw_id}",
        f"/draws/{award.draw_id}/screen",
        "/draws/",
        f"/api/v1/draws/{award.draw_id}",
        "/api/v1/draws",
    ):
        assert seed not in who.get(path).get_data(as_text=True), path
    pdf = who.get(f"/draws/{award.draw_id}/minutes.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert seed[:8] not in text.replace(" ", "")
    assert award.seed_commitment[:8] in text


def test_a_drawn_draw_page_shows_seed_entropy_ranking_verdict_and_how_to_verify(app, award):
    staff = make_user("staff")
    draw_as_shown(award.draw_id, ["37", "张三 5"], actor=staff)
    d = stored(award.draw_id)
    html = Browser(app).html(f"/draws/{award.draw_id}")
    plain = text_of(html)
    assert d.seed[:8] in plain and d.seed[-8:] in plain
    assert "“37”" in plain and "“张三 5”" in plain
    winner = d.result[0]
    assert re.search(r"1\s*" + COMPANIES[winner] + r"\s*" + winner + r"\s*中选", plain)
    assert "第1候补" in plain and "第4候补" in plain
    assert "验证通过" in plain
    command = f"python -m lottery.verify http://testserver/api/v1/draws/{award.draw_id}"
    assert command in text_of(html.replace("<wbr>", ""))
    assert f'href="/api/v1/draws/{award.draw_id}?download=1"' in html
    assert 'href="/draws/verify.py"' in html
    assert f'href="/draws/{award.draw_id}/minutes.pdf"' in html
    assert "项目" in plain and "PRJ-2026-0007" in plain


def test_an_abandoned_draw_page_shows_the_reason_and_the_revealed_seed(app, award):
    services.abandon(award.draw_id, "定标会议因故取消", actor=make_user("staff"))
    plain = text_of(Browser(app).html(f"/draws/{award.draw_id}"))
    assert "定标会议因故取消" in plain and "已作废" in plain
    assert stored(award.draw_id).seed[:8] in plain


@pytest.mark.parametrize("path", ["/draws/NOPE", "/draws/NOPE/screen", "/draws/NOPE/minutes.pdf"])
def test_an_unknown_draw_is_a_404_page(app, path):
    response = Browser(app).get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True) or response.status_code == 404


def test_an_unknown_draw_in_the_api_is_a_json_404(app):
    response = Browser(app).get("/api/v1/draws/NOPE")
    assert response.status_code == 404 and response.get_json() == {"error": 404}


@pytest.mark.parametrize(
    "path",
    [
        "/draws/?page=99999999999",
        "/api/v1/draws?page=99999999999",
        f"/draws/?page={2**63}",
        f"/api/v1/draws?page={2**64}",
        "/api/v1/draws?page=-5",
    ],
)
def test_a_huge_page_number_is_an_empty_page_not_a_server_error(app, path):
    assert Browser(app).get(path).status_code == 200


# ---- the API -----------------------------------------------------------------------------------


def test_the_api_record_has_exactly_the_keys_of_lottery_md_before_and_after_the_draw(app, award):
    who = Browser(app)
    committed = who.get(f"/api/v1/draws/{award.draw_id}").get_json()
    assert set(committed) == set(LOTTERY_MD_KEYS)
    assert committed["seed"] is None and committed["result"] is None
    assert committed["committed_at"] == "2026-11-25T10:00:00+08:00"

    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    drawn = who.get(f"/api/v1/draws/{award.draw_id}").get_json()
    assert set(drawn) == set(LOTTERY_MD_KEYS)
    assert drawn["subject"] == {"type": "project", "code": "PRJ-2026-0007"}
    assert drawn["drawn_at"].endswith("+08:00")
    assert verify.verify_record(drawn).ok
    assert who.get(f"/api/v1/draws/{award.draw_id}").headers["Access-Control-Allow-Origin"] == "*"


def test_an_abandoned_record_adds_only_the_abandon_reason(app, award):
    services.abandon(award.draw_id, "会议取消", actor=make_user("staff"))
    record = Browser(app).get(f"/api/v1/draws/{award.draw_id}").get_json()
    assert set(record) == {*LOTTERY_MD_KEYS, "abandon_reason"}
    assert record["abandon_reason"] == "会议取消"


def test_the_api_list_pages_through_records_with_next(app, frozen):
    staff = make_user("staff")
    for i in range(52):
        commit_rate(staff, draw_id=f"R-{i:02d}")
    first = Browser(app).get("/api/v1/draws").get_json()
    assert len(first["items"]) == 50 and first["next"]
    assert all(set(item) == set(LOTTERY_MD_KEYS) for item in first["items"])
    second = Browser(app).get(urlsplit(first["next"]).path + "?" + urlsplit(first["next"]).query)
    assert len(second.get_json()["items"]) == 2 and second.get_json()["next"] is None


def test_the_record_downloads_as_a_json_file_named_after_the_draw(app, award):
    response = Browser(app).get(f"/api/v1/draws/{award.draw_id}?download=1")
    assert response.mimetype == "application/json"
    assert f'filename="{award.draw_id}.json"' in response.headers["Content-Disposition"]
    assert set(response.get_json()) == set(LOTTERY_MD_KEYS)


def test_the_standalone_verifier_can_be_downloaded(app):
    response = Browser(app).get("/draws/verify.py")
    assert response.status_code == 200
    assert b"def verify_record" in response.data
    assert not re.search(rb"^\s*(import|from)\s+numpy", response.data, re.M)
    assert "attachment" in response.headers["Content-Disposition"]


# ---- the meeting screen ------------------------------------------------------------------------


def test_the_meeting_screen_refreshes_while_committed_and_shows_pending_entropy(app, award):
    who = Browser(app)
    html = who.html(f"/draws/{award.draw_id}/screen")
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "等待到场人员报出" in html
    assert COMPANIES[CODES[0]] in html
    assert "<script" not in html
    services.show_pending_entropy(award.draw_id, ["37", "8812"], actor=make_user("staff"))
    html = who.html(f"/draws/{award.draw_id}/screen")
    assert "“37”" in html and "“8812”" in html and "核对" in html


def test_the_meeting_screen_shows_the_ranking_after_the_draw_and_stops_refreshing(app, award):
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    d = stored(award.draw_id)
    html = Browser(app).html(f"/draws/{award.draw_id}/screen")
    assert 'http-equiv="refresh"' not in html
    assert 'class="winner"' in html and COMPANIES[d.result[0]] in html
    assert html.index(COMPANIES[d.result[0]]) < html.index(COMPANIES[d.result[1]])
    assert "第1候补" in html


def test_a_pick_screen_shows_the_picked_option_large(app, frozen):
    staff = make_user("staff")
    rate = commit_rate(staff)
    draw_as_shown(rate.draw_id, ["19"], actor=staff)
    picked = stored(rate.draw_id).result[0]
    html = Browser(app).html(f"/draws/{rate.draw_id}/screen")
    assert f'<p class="picked">{picked}</p>' in html


def test_a_rate_draw_lists_each_option_once_before_and_after_the_draw(app, frozen):
    staff = make_user("staff")
    rate = services.commit_pick(
        "PRJ-2026-0007-rate",
        "甬江街道某村道路硬化工程 下浮率摇号",
        placed(PROJECT),
        ["3.00", "3.50"],
        option_labels={"3.00": "3.00%", "3.50": "3.50%"},
        actor=staff,
    )
    plain = text_of(Browser(app).html(f"/draws/{rate.draw_id}"))
    assert plain.count("3.50%") == 1 and "3.50" not in plain.replace("3.50%", "")
    draw_as_shown(rate.draw_id, ["19"], actor=staff)
    picked = stored(rate.draw_id).result[0]
    plain = text_of(Browser(app).html(f"/draws/{rate.draw_id}"))
    assert f"抽中选项：{picked}%" in plain
    assert plain.count(f"{picked}%") == 2  # the options' table and the result, never the bare id
    assert (
        re.search(r"\b" + re.escape(picked) + r"(?!%)\b", plain.split("本平台验证结果")[0]) is None
    )


# ---- the minutes PDF ---------------------------------------------------------------------------


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont → embedded? for every font of every page (descendant fonts included)."""
    found: dict[str, bool] = {}

    def visit(font) -> None:
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", []):
            visit(descendant)
        descriptor = font.get("/FontDescriptor")
        embedded = False
        if descriptor is not None:
            descriptor = descriptor.get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        name = str(font.get("/BaseFont"))
        found[name] = found.get(name, False) or embedded

    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            visit(font)
    return found


def test_the_minutes_are_a_pdf_with_every_field_and_only_embedded_fonts(app, award):
    draw_as_shown(award.draw_id, ["37", "张三 5"], actor=make_user("staff"))
    d = stored(award.draw_id)
    response = Browser(app).get(f"/draws/{award.draw_id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert not any("STSong" in name for name in fonts)
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s", "", text)
    for value in (d.draw_id, "smallworks-draw/1", d.seed, d.seed_commitment, "PRJ-2026-0007"):
        assert value in flat, value
    for value in ("摇号记录", "承接单位摇号", "张三5", "中选", "第1候补", "验证通过"):
        assert value in flat, value
    for code, name in COMPANIES.items():
        assert code in flat and name in flat
    assert "http://testserver/draws/PRJ-2026-0007-award" in flat  # PUBLIC_BASE_URL + path


def test_the_minutes_of_a_committed_draw_say_it_is_not_drawn_yet(app, award):
    response = Browser(app).get(f"/draws/{award.draw_id}/minutes.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "尚未开奖" in text and "尚未公开" in text


def _minutes_pages(app, draw_id: str) -> list[str]:
    pdf = Browser(app).get(f"/draws/{draw_id}/minutes.pdf").data
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _rates(staff):
    options = [f"{x / 100:.2f}" for x in range(300, 801, 50)]  # eleven, as the demo's notices
    return services.commit_pick(
        "PRJ-2026-0007-rate",
        "甬江街道某村道路硬化工程 下浮率摇号",
        placed(PROJECT),
        options,
        option_labels={o: f"{o}%" for o in options},
        actor=staff,
    )


def test_short_minutes_fit_on_one_page_and_never_end_on_a_near_empty_one(app, award):
    """Issue 13: page 2 of the minutes held only the QR code and the signature lines."""
    staff = make_user("staff")
    rate = _rates(staff)
    for draw_id in (rate.draw_id, award.draw_id):  # committed: nothing drawn yet
        pages = _minutes_pages(app, draw_id)
        assert len(pages) == 1, draw_id
        assert "主持人" in pages[0] and "扫码查看记录页面" in pages[0]
    services.abandon(award.draw_id, "定标会议因故取消", actor=staff)
    pages = _minutes_pages(app, award.draw_id)
    assert len(pages) == 1 or "六、验证" in pages[-1]  # never the closing lines alone
    flat = re.sub(r"\s", "", "".join(_minutes_pages(app, rate.draw_id)))
    for option in ("3.00%", "5.50%", "8.00%"):
        assert flat.count(option) == 1, option  # each option once, by its label


def test_long_minutes_keep_the_verification_with_the_closing_lines(app, award, monkeypatch):
    """A drawn award with the credit screen: two pages, the second more than the QR code."""
    rows = tuple(
        (code, name, "2026-11-25经信用中国核查：未列入；本平台处理：无", "核查通过")
        for code, name in COMPANIES.items()
    )
    section = services.MinutesSection(
        "信用审查",
        "冻结候选名单前逐家核查。" * 6,
        ("统一社会信用代码", "名称", "核查情况", "结论"),
        rows,
        "经核查，无响应企业被排除。",
    )
    monkeypatch.setattr(services, "minutes_sections", lambda d: [section])
    draw_as_shown(award.draw_id, ["37", "张三 5", "2718"], actor=make_user("staff"))
    pages = _minutes_pages(app, award.draw_id)
    assert len(pages) == 2
    assert "六、验证" in pages[-1] and "主持人" in pages[-1]


@pytest.fixture
def minutes_builds(monkeypatch):
    """How many times the minutes were built (not served): counts calls of the builder."""
    calls: list[str] = []
    real = documents.minutes.minutes_pdf

    def counting(d, *args, **kw):
        calls.append(d.status)
        return real(d, *args, **kw)

    monkeypatch.setattr(documents.minutes, "minutes_pdf", counting)
    return calls


def test_a_drawn_draw_s_minutes_are_built_once_and_served_with_a_strong_etag(
    app, award, minutes_builds
):
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    path = f"/draws/{award.draw_id}/minutes.pdf"
    first = Browser(app).get(path)
    second = Browser(app).get(path)
    assert minutes_builds == ["drawn"]  # the second request was served from storage
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and first.data.startswith(b"%PDF")
    etag = first.headers["ETag"]
    assert etag == second.headers["ETag"] and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=86400"
    assert first.headers["Content-Disposition"].startswith("inline")
    # A client that has it asks with its ETag: 304, no body, still no build.
    again = Browser(app).get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert Browser(app).get(path, headers={"If-None-Match": '"other"'}).data == first.data
    assert minutes_builds == ["drawn"]


def test_a_committed_draw_s_minutes_are_revalidated_and_built_again_once_drawn(
    app, award, minutes_builds
):
    path = f"/draws/{award.draw_id}/minutes.pdf"
    before = Browser(app).get(path)
    assert before.headers["Cache-Control"] == "public, no-cache"
    assert Browser(app).get(path).data == before.data
    assert minutes_builds == ["committed"]
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    # The old ETag no longer matches: the drawn minutes are another document.
    after = Browser(app).get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert minutes_builds == ["committed", "drawn"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(after.data)).pages)
    assert "尚未开奖" not in text and "验证通过" in re.sub(r"\s", "", text)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "module", [f"lottery.documents.{m.name}" for m in pkgutil.iter_modules(documents.__path__)]
)
def test_stored_minutes_are_built_again_when_any_module_that_lays_them_out_changes(
    app, award, minutes_builds, monkeypatch, module
):
    # The minutes are laid out by several modules (lottery.documents): a new layout in any of
    # them is another document (app.built), never the old file served on.
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    path = f"/draws/{award.draw_id}/minutes.pdf"
    Browser(app).get(path)
    real = built._source_digest
    monkeypatch.setattr(
        built, "_source_digest", lambda name: name if name == module else real(name)
    )
    Browser(app).get(path)
    assert minutes_builds == ["drawn", "drawn"]


# ---- the staff console -------------------------------------------------------------------------


def test_the_console_sends_the_anonymous_to_login_and_refuses_other_roles(app, award):
    path = f"/staff/draws/{award.draw_id}/console"
    response = Browser(app).get(path)
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    for role in ("contractor", "owner", "reviewer"):
        assert signed_in(app, role).get(path).status_code == 403, role
    for role in ("staff", "admin"):
        assert signed_in(app, role).get(path).status_code == 200, role


def test_a_contractor_cannot_run_a_draw_even_with_a_valid_form(app, award):
    contractor = signed_in(app, "contractor")
    before = row(award.draw_id)
    response = contractor.post(
        f"/staff/draws/{award.draw_id}/draw",
        [("entropy", "37"), ("candidates_digest", "x")],
    )
    assert response.status_code == 403
    assert row(award.draw_id) == before


def test_staff_enter_review_and_confirm_the_entropy_and_the_screen_shows_the_result(app, award):
    staff = signed_in(app)
    console = staff.html(f"/staff/draws/{award.draw_id}/console")
    assert "第一步" in console and COMPANIES[CODES[0]] in console

    review = staff.post(
        f"/staff/draws/{award.draw_id}/console", {"entries": " 37 \r\n\r\n8812\r\n张三 5\r\n"}
    )
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    assert "第二步" in page
    assert "“37”" in page and "“8812”" in page and "“张三 5”" in page
    assert stored(award.draw_id).status == "committed"
    assert stored(award.draw_id).pending_entropy == ["37", "8812", "张三 5"]
    assert "“8812”" in Browser(app).html(f"/draws/{award.draw_id}/screen")

    # The confirmation carries exactly what was shown, in hidden fields.
    hidden = re.findall(r'<input type="hidden" name="entropy" value="([^"]*)">', page)
    assert [unescape(v) for v in hidden[:3]] == ["37", "8812", "张三 5"]
    digest = re.search(r'name="candidates_digest" type="hidden" value="([0-9a-f]+)"', page)
    response = staff.post(
        f"/staff/draws/{award.draw_id}/draw",
        [*(("entropy", v) for v in ["37", "8812", "张三 5"]), ("candidates_digest", digest[1])],
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/draws/{award.draw_id}/screen"
    d = stored(award.draw_id)
    assert d.status == "drawn" and d.public_entropy == ["37", "8812", "张三 5"]
    assert d.drawn_by_id == staff.user.id
    screen = staff.html(f"/draws/{award.draw_id}/screen")
    assert "摇号完成" in screen and COMPANIES[d.result[0]] in screen
    record = Browser(app).get(f"/api/v1/draws/{award.draw_id}").get_json()
    assert verify.verify_record(record).ok


def test_going_back_from_the_review_keeps_the_entries_for_editing(app, award):
    staff = signed_in(app)
    response = staff.post(
        f"/staff/draws/{award.draw_id}/console",
        [("edit", "1"), ("entropy", "37"), ("entropy", "8812")],
    )
    assert response.status_code == 200
    assert re.search(r"<textarea[^>]*>\s*37\r?\n8812</textarea>", response.get_data(as_text=True))
    assert stored(award.draw_id).status == "committed"


def test_an_entry_longer_than_64_characters_is_refused_on_the_form_and_changes_nothing(app, award):
    staff = signed_in(app)
    before = row(award.draw_id)
    response = staff.post(f"/staff/draws/{award.draw_id}/console", {"entries": "37\n" + "8" * 65})
    assert response.status_code == 400
    assert "第2项公开随机数超过64个字符" in response.get_data(as_text=True)
    assert row(award.draw_id) == before


def test_a_forged_confirmation_with_a_line_break_is_refused_and_changes_nothing(app, award):
    staff = signed_in(app)
    before = row(award.draw_id)
    digest = services.proposed_candidates(stored(award.draw_id)).digest
    response = staff.post(
        f"/staff/draws/{award.draw_id}/draw",
        [("entropy", "37\n8812"), ("candidates_digest", digest)],
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path.endswith("/console")
    assert row(award.draw_id) == before
    assert "不能包含换行符" in staff.html(f"/staff/draws/{award.draw_id}/console")


def test_a_confirmation_carrying_other_entries_than_those_shown_draws_nothing(app, award):
    """The probe of issue 10: 11/22/33 on the screen, a forged hidden entropy in the confirmation."""
    staff = signed_in(app)
    review = staff.post(f"/staff/draws/{award.draw_id}/console", {"entries": "11\n22\n33"})
    assert review.status_code == 200
    digest = services.proposed_candidates(stored(award.draw_id)).digest
    before = row(award.draw_id)
    response = staff.post(
        f"/staff/draws/{award.draw_id}/draw",
        [("entropy", "chosen-by-staff-7"), ("candidates_digest", digest)],
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path.endswith("/console")
    assert row(award.draw_id) == before
    d = stored(award.draw_id)
    assert d.status == "committed" and d.pending_entropy == ["11", "22", "33"]
    page = unescape(staff.html(f"/staff/draws/{award.draw_id}/console"))
    assert "确认的公开随机数与现场大屏上显示的不一致（大屏显示：“11”、“22”、“33”）" in page
    # The entries the attendees checked still draw.
    staff.post(
        f"/staff/draws/{award.draw_id}/draw",
        [*(("entropy", v) for v in ["11", "22", "33"]), ("candidates_digest", digest)],
    )
    assert stored(award.draw_id).public_entropy == ["11", "22", "33"]


@pytest.mark.parametrize("subject_type", ["trading", "trading_project"])
def test_the_console_puts_no_entries_on_the_screen_of_a_draw_run_at_an_award_meeting(
    app, frozen, subject_type
):
    """A trading's draws are run only at its award meeting: the console may not show entries on
    their public screen either (issue 10, finding 18) — nor on a draw committed under the legacy
    subject type, which drawn records keep."""
    d = services.commit_pick(
        "PRJ-2026-0007-rate",
        "甬江街道某村道路硬化工程 下浮率摇号",
        placed(services.Subject(subject_type, "PRJ-2026-0007")),
        ["3.00", "3.50", "4.00"],
        actor=make_user("staff"),
    )
    staff = signed_in(app)
    before = row(d.draw_id)
    response = staff.post(f"/staff/draws/{d.draw_id}/console", {"entries": "37"})
    assert response.status_code == 400
    assert "此抽签须在项目的定标会议页面进行" in response.get_data(as_text=True)
    assert row(d.draw_id) == before and stored(d.draw_id).pending_entropy is None
    assert "“37”" not in Browser(app).html(f"/draws/{d.draw_id}/screen")


def test_a_confirmation_is_refused_when_the_candidates_changed_after_the_review(app, award):
    staff = signed_in(app)
    before = row(award.draw_id)
    response = staff.post(
        f"/staff/draws/{award.draw_id}/draw",
        [("entropy", "37"), ("candidates_digest", "0" * 64)],
    )
    assert response.status_code == 302
    assert row(award.draw_id) == before


def test_confirming_a_drawn_draw_again_is_refused_with_a_clear_message(app, award):
    draw_as_shown(award.draw_id, ["37"], actor=make_user("staff"))
    staff = signed_in(app)
    before = row(award.draw_id)
    digest = services.proposed_candidates(stored(award.draw_id)).digest
    response = staff.post(
        f"/staff/draws/{award.draw_id}/draw", [("entropy", "38"), ("candidates_digest", digest)]
    )
    assert response.status_code == 302
    assert row(award.draw_id) == before
    page = staff.html(urlsplit(response.headers["Location"]).path)
    assert "已经摇号" in page
    console = staff.html(f"/staff/draws/{award.draw_id}/console")
    assert "不能再摇号" in console and "第一步" not in console


def test_posting_without_a_csrf_token_is_refused_and_changes_nothing(app, award):
    staff = signed_in(app)
    before = row(award.draw_id)
    for path, data in (
        (f"/staff/draws/{award.draw_id}/console", {"entries": "37"}),
        (f"/staff/draws/{award.draw_id}/draw", {"entropy": "37", "candidates_digest": "x"}),
        (f"/staff/draws/{award.draw_id}/abandon", {"reason": "取消", "confirm": "y"}),
    ):
        response = staff.post(path, data, token=False)
        assert response.status_code == 400, path
    assert row(award.draw_id) == before


def test_staff_abandon_a_draw_with_a_public_reason_after_ticking_the_confirmation(app, award):
    staff = signed_in(app)
    path = f"/staff/draws/{award.draw_id}/abandon"
    unconfirmed = staff.post(path, {"reason": "会议取消"})
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.get_data(as_text=True)
    assert stored(award.draw_id).status == "committed"
    response = staff.post(path, {"reason": "因台风预警，定标会议取消", "confirm": "y"})
    assert response.status_code == 302
    d = stored(award.draw_id)
    assert d.status == "abandoned" and d.abandon_reason == "因台风预警，定标会议取消"
    assert "因台风预警" in Browser(app).html(f"/draws/{award.draw_id}")


def test_a_draw_without_final_candidates_cannot_be_reviewed(app, frozen):
    d = commit_award(make_user("staff"))  # a ranking whose candidates come at the meeting
    staff = signed_in(app)
    console = staff.html(f"/staff/draws/{d.draw_id}/console")
    assert "候选名单尚未确定" in console
    response = staff.post(f"/staff/draws/{d.draw_id}/console", {"entries": "37"})
    assert response.status_code == 409
    assert stored(d.draw_id).pending_entropy is None


@pytest.fixture
def project_source(app):
    """A stand-in for Trading's candidate source of projects (respondents by project code), in
    this test's app only."""
    lists: dict[str, services.CandidateList] = {}
    services.register_candidate_source(app, "project", lists.get)
    return lists


def test_the_console_freezes_the_candidates_a_registered_source_gives_at_the_meeting(
    app, frozen, project_source
):
    d = commit_award(make_user("staff"))  # candidates not final at the commitment
    project_source["PRJ-2026-0007"] = services.CandidateList(tuple(reversed(CODES)), COMPANIES)
    staff = signed_in(app)
    assert COMPANIES[CODES[0]] in Browser(app).html(f"/draws/{d.draw_id}/screen")
    review = staff.post(f"/staff/draws/{d.draw_id}/console", {"entries": "37"})
    page = review.get_data(as_text=True)
    digest = re.search(r'name="candidates_digest" type="hidden" value="([0-9a-f]+)"', page)[1]
    response = staff.post(
        f"/staff/draws/{d.draw_id}/draw", [("entropy", "37"), ("candidates_digest", digest)]
    )
    assert response.status_code == 302
    drawn = stored(d.draw_id)
    assert drawn.candidates == CODES  # sorted by code point, not in the source's order
    assert drawn.candidate_labels == COMPANIES


def test_a_source_with_duplicate_candidates_is_reported_not_drawn(app, frozen, project_source):
    d = commit_award(make_user("staff"))
    project_source["PRJ-2026-0007"] = services.CandidateList((CODES[0], CODES[0]), {})
    staff = signed_in(app)
    console = staff.html(f"/staff/draws/{d.draw_id}/console")
    assert "候选名单有重复项" in console and "第一步" not in console
    assert staff.post(f"/staff/draws/{d.draw_id}/console", {"entries": "37"}).status_code == 409
    assert Browser(app).get(f"/draws/{d.draw_id}/screen").status_code == 200
    assert stored(d.draw_id).status == "committed"


def _minutes_text(app, draw_id: str, base_url: str) -> str:
    response = app.test_client().get(f"/draws/{draw_id}/minutes.pdf", base_url=base_url)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    return re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))


def test_in_development_without_public_base_url_the_minutes_link_the_address_asked(app, award):
    # `make run PORT=5123` (DevelopmentConfig without PUBLIC_BASE_URL): the QR code and its URL
    # open on the server the page came from; outside a request, the configured fallback.
    from app.urls import public_base_url

    app.config["BASE_URL_FROM_REQUEST"] = True
    flat = _minutes_text(app, award.draw_id, "http://127.0.0.1:5123")
    assert f"http://127.0.0.1:5123/draws/{award.draw_id}" in flat
    assert "testserver" not in flat
    assert public_base_url() == "http://testserver"  # no request: PUBLIC_BASE_URL's value
    # PUBLIC_BASE_URL set (or production): the configured address whatever the request's.
    app.config["BASE_URL_FROM_REQUEST"] = False
    flat = _minutes_text(app, award.draw_id, "http://127.0.0.1:5123")
    assert f"http://testserver/draws/{award.draw_id}" in flat and "5123" not in flat
