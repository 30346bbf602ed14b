"""The staff trading pages and the trading documents: the trading notice with its review step, the
bulletin-board posting, the award meeting (drawn and failed), the bulletin PDF and the result
letter with who may read it."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape

import pytest
from flask import render_template
from sqlalchemy import func, select

from app import clock
from app.api import time_iso
from app.extensions import db
from contractors.models import Contractor
from contractors.queries import active_members
from contracts import services
from contracts.models import BulletinPosting, Project, Trading
from contracts.screening.models import CreditCheck
from lottery import rules as draw_rules
from lottery import services as draws
from lottery.models import Draw
from lottery.verify import verify_record
from notices.models import Notice
from notices.sms.models import SmsMessage
from tests.factories import PASSWORD, PDF, Browser, make_user, signed_in, use_cheap_password_hashes
from tests.integration.test_posting import png
from tests.pool_factories import at, register, user_of
from tests.trading_factories import active_pool as _pool
from tests.trading_factories import announced as _announced
from tests.trading_factories import hold_meeting, refuse, screen_all
from tests.trading_factories import project_input as _input

MEETING = {
    "meeting_at": "2026-12-03T09:30",
    "meeting_place": "区公共资源交易中心二楼开标室",
    "publicity_days": "3",
}


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    use_cheap_password_hashes(monkeypatch)  # many logins here


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def followed(browser, response, status: int = 302) -> str:
    assert response.status_code == status, text_of(response.get_data(as_text=True))[:800]
    return text_of(browser.html(response.headers["Location"]))


def hidden(html: str, name: str) -> list[str]:
    return [
        unescape(v)
        for v in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    ]


def counts() -> tuple:
    db.session.expire_all()
    models = (Trading, Notice, Draw, SmsMessage, BulletinPosting)
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in models)


def fresh_trading(code: str) -> Trading | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Trading).join(Project).where(Project.code == code).order_by(Trading.round.desc())
    )


def _filed(phase, owner) -> Project:
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(_input(), actor=owner)
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    clock.set_now(at(2026, 11, 27, 10, 0))  # Friday: the publicity runs to 12-02 24:00
    return project


def _members():
    return active_members("JZ", date(2026, 11, 27))


def _respond(project, members) -> None:
    clock.set_now(at(2026, 11, 30, 9, 0))
    text = services.commitment_text(project.code)
    for m in members:
        services.respond(
            project.code, text, actor=user_of(db.session.get(Contractor, m.contractor_id))
        )


def _browser_of(app, user) -> Browser:
    browser = Browser(app)
    assert browser.login(user.username, PASSWORD).status_code == 302
    browser.user = user
    return browser


# ---- the trading notice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ("3.00\n3.50\n3.00", "下浮率选项重复：3.00"),
        ("3.00, 100", "下浮率必须大于0且小于100：100"),
        ("3.456", "下浮率最多保留两位小数：3.456"),
        ("三", "下浮率不是有效的数字：三"),
    ],
)
def test_a_bad_rate_list_is_refused_on_the_form_and_nothing_is_published(app, rates, message):
    phase = _pool()
    project = _filed(phase, make_user("owner"))
    staff = signed_in(app, "staff")
    before = counts()
    r = staff.post(f"/staff/projects/{project.code}/announce", {**MEETING, "rates": rates})
    assert r.status_code == 400
    page = text_of(r.get_data(as_text=True))
    assert message in page and "提交的内容有误，未作任何更改" in page
    assert counts() == before
    # Posted straight to the confirmation (skipping the review), the service refuses the same.
    r = staff.post(
        f"/staff/projects/{project.code}/announce/confirm",
        [*MEETING.items(), *(("rates", x) for x in re.split(r"[\s,]+", rates))],
    )
    assert r.status_code == 400 and message in text_of(r.get_data(as_text=True))
    assert counts() == before


def test_rates_from_a_minimum_to_a_maximum_by_a_step_are_listed_with_their_prices(app):
    phase = _pool()
    project = _filed(phase, make_user("owner"))
    staff = signed_in(app, "staff")
    before = counts()
    r = staff.post(
        f"/staff/projects/{project.code}/announce",
        {**MEETING, "rate_min": "3", "rate_max": "4.00", "rate_step": "0.5"},
    )
    assert r.status_code == 200
    review = r.get_data(as_text=True)
    assert "第二步：核对后发布交易公告" in review
    assert hidden(review, "rates") == ["3.00", "3.50", "4.00", "3.00, 3.50, 4.00"]
    page = text_of(review)
    # 1,234,567.89 × (1 − 3.50%) = 1,191,358.01385 → 1,191,358.01
    assert "3.50% 1,191,358.01" in page and "4.00% 1,185,185.17" in page
    assert "2026-12-02 24:00" in page and "2026-12-03 09:30" in page
    assert counts() == before  # the review publishes nothing

    for bad, message in (
        ({"rate_min": "3", "rate_max": "2", "rate_step": "0.5"}, "最大下浮率不能小于最小下浮率"),
        (
            {"rate_min": "3", "rate_max": "8", "rate_step": "0.001"},
            "步长须为大于0、最多两位小数的数",
        ),
        ({"rate_min": "0.01", "rate_max": "99", "rate_step": "0.01"}, "下浮率选项最多100个"),
        ({"rate_min": "3", "rate_max": "100", "rate_step": "1"}, "下浮率必须大于0且小于100：100"),
        ({"rate_min": "3", "rate_step": "1"}, "请同时填写最小下浮率、最大下浮率和步长"),
        ({"rates": "3.00", "rate_min": "3"}, "请只用一种方式给出下浮率"),
        ({}, "请给出下浮率选项"),
    ):
        r = staff.post(f"/staff/projects/{project.code}/announce", {**MEETING, **bad})
        assert r.status_code == 400 and message in text_of(r.get_data(as_text=True)), bad
    assert counts() == before


def test_the_review_then_the_confirmation_publish_the_notice_and_queue_the_sms(app):
    phase = _pool()
    project = _filed(phase, make_user("owner"))
    staff = signed_in(app, "staff")
    r = staff.post(f"/staff/projects/{project.code}/announce", {**MEETING, "rates": "3.00、8.50%"})
    review = r.get_data(as_text=True)
    assert hidden(review, "rates") == ["3.00", "8.50", "3.00, 8.50"]
    assert "8.50% 1,129,629.62" in text_of(review)

    # Back to change: the form comes back with the values as they were.
    back = staff.post(
        f"/staff/projects/{project.code}/announce",
        {"edit": "1", **MEETING, "rates": "3.00, 8.50"},
    )
    assert back.status_code == 200 and "3.00, 8.50</textarea>" in back.get_data(as_text=True)

    assert counts()[3] == 0
    r = staff.post(
        f"/staff/projects/{project.code}/announce/confirm",
        [
            *((k, hidden(review, k)[0]) for k in (*MEETING, "reviewed")),
            ("rates", "3.00"),
            ("rates", "8.50"),
        ],
    )
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/staff/projects/{project.code}"
    )
    t = fresh_trading(project.code)
    assert t.rate_options == ["3.00", "8.50"] and t.meeting_place == MEETING["meeting_place"]
    assert t.meeting_at == at(2026, 12, 3, 9, 30) and t.responses_close_at == at(2026, 12, 3)
    assert db.session.get(Notice, t.notice_id).status == "published"
    assert counts()[3] == len(_members()) == 3  # one SMS per active member of the category

    # A second announcement is refused while this trading stands.
    before = counts()
    again = staff.post(f"/staff/projects/{project.code}/announce", {**MEETING, "rates": "4.00"})
    assert again.status_code == 409 and "只有流标后才能重新发布" in text_of(
        again.get_data(as_text=True)
    )
    r = staff.post(
        f"/staff/projects/{project.code}/announce/confirm", [*MEETING.items(), ("rates", "4.00")]
    )
    assert r.status_code == 400 and "只有流标后才能重新发布" in text_of(r.get_data(as_text=True))
    assert counts() == before


@pytest.mark.parametrize(
    "change",
    [
        {"meeting_at": "2026-12-03 9:30"},
        {"publicity_days": "三"},
        {"meeting_place": "某" * 201},
        {"rates": [f"{n / 100:.2f}" for n in range(1, 102)]},
    ],
    ids=["meeting time", "days", "long place", "101 rates"],
)
def test_a_tampered_confirmation_is_a_bad_request_and_publishes_nothing(app, change):
    phase = _pool()
    project = _filed(phase, make_user("owner"))
    staff = signed_in(app, "staff")
    values = {**MEETING, "rates": ["3.00"], **change}
    data = [(k, v) for k, v in values.items() if k != "rates"]
    data += [("rates", r) for r in values["rates"]]
    before = counts()
    r = staff.post(f"/staff/projects/{project.code}/announce/confirm", data)
    assert r.status_code == 400 and counts() == before


def test_an_unfiled_project_cannot_be_announced_and_unknown_projects_are_404(app):
    phase = _pool()
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(_input(), actor=make_user("owner"))
    staff = signed_in(app, "staff")
    page = text_of(staff.html(f"/staff/projects/{project.code}/announce"))
    assert "项目尚未备案，不能发布交易公告" in page and "下一步：预览" not in page
    for path in ("announce", "posting", "meeting"):
        assert staff.get(f"/staff/projects/PRJ-9999-0001/{path}").status_code == 404
    assert phase  # the pool exists: the project's category has members


# ---- the award meeting --------------------------------------------------------------------------


def test_the_meeting_is_refused_before_the_publicity_ends(app):
    phase = _pool()
    project, _t = _announced(phase, make_user("owner"))
    _respond(project, _members())
    clock.set_now(at(2026, 12, 2, 23, 0))
    staff = signed_in(app, "staff")
    page = text_of(staff.html(f"/staff/projects/{project.code}/meeting"))
    assert "交易公告公示期至2026-12-02 24:00结束" in page
    assert "textarea" not in staff.html(f"/staff/projects/{project.code}/meeting")
    assert "宁波测试建设有限公司" not in page  # names only at the meeting
    before = counts()
    r = staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "37"})
    assert "公示期结束前不能召开定标会议" in followed(staff, r)
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("entropy", "37"), ("candidates_digest", "x")],
    )
    assert "公示期结束前不能召开定标会议" in followed(staff, r)
    assert counts() == before and fresh_trading(project.code).outcome is None


def test_a_suspended_trading_s_meeting_page_offers_neither_the_credit_check_nor_the_entries(app):
    phase = _pool()
    project, _t = _announced(phase, make_user("owner"))
    _respond(project, _members())
    clock.set_now(at(2026, 12, 3, 8, 0))  # responses closed, the meeting at 09:30
    services.suspend_trading(project.code, "收到投诉，依法暂停交易", actor=phase.staff)
    staff = signed_in(app, "staff")
    meeting = f"/staff/projects/{project.code}/meeting"
    html = staff.html(meeting)
    assert f'action="{meeting}/screen"' not in html and 'name="entries"' not in html
    assert "本项目交易已暂停" in text_of(html)  # why nothing is offered
    assert "请先完成每家响应企业的信用审查" not in text_of(html)
    # Posted anyway (a page opened before the suspension): refused with the reason, on the form.
    uscc = min(db.session.get(Contractor, m.contractor_id).uscc for m in _members())
    before = (counts(), db.session.scalar(select(func.count(CreditCheck.id))))
    r = staff.post(
        f"{meeting}/screen",
        {
            "uscc": uscc,
            "checked_on": "2026-12-03",
            "source": "creditchina",
            "result": "not_listed",
            "evidence": (io.BytesIO(PDF), "信用中国.pdf"),
        },
    )
    assert r.status_code == 400 and "交易已暂停" in text_of(r.get_data(as_text=True))
    assert (counts(), db.session.scalar(select(func.count(CreditCheck.id)))) == before
    # Resumed: the screen is offered again.
    services.resume_trading(project.code, "投诉不成立", actor=phase.staff)
    html = staff.html(meeting)
    assert f'action="{meeting}/screen"' in html and "本项目交易已暂停" not in text_of(html)


def test_a_meeting_with_three_respondents_draws_and_both_draws_verify(app):
    phase = _pool()
    project, t = _announced(phase, make_user("owner"))
    members = _members()
    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    staff = signed_in(app, "staff")
    codes = sorted(db.session.get(Contractor, m.contractor_id).uscc for m in members)
    # The credit screen comes first: no entries before every respondent is checked.
    page = text_of(staff.html(f"/staff/projects/{project.code}/meeting"))
    assert "请先完成每家响应企业的信用审查" in page and "尚未核查" in page
    r = staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "37"})
    assert r.status_code == 400 and "未完成信用核查" in text_of(r.get_data(as_text=True))
    for uscc in codes:
        r = staff.post(
            f"/staff/projects/{project.code}/meeting/screen",
            {
                "uscc": uscc,
                "checked_on": "2026-12-03",
                "source": "creditchina",
                "result": "not_listed",
                "evidence": (io.BytesIO(PDF), "信用中国.pdf"),
            },
        )
        assert r.status_code == 302, text_of(r.get_data(as_text=True))
    html = staff.html(f"/staff/projects/{project.code}/meeting")
    page = text_of(html)
    # The respondents, sorted and now public (then the screen's table lists them again).
    assert re.findall(r"<code>([0-9A-Z]{18})</code>", html)[:3] == codes
    assert page.count("核查通过") == 3
    assert "宁波测试建设有限公司" in page and "共3家；规定不少于3家。" in page
    assert f'href="/draws/{t.award_draw_id}/screen"' in html
    assert f'href="/draws/{t.rate_draw_id}/screen"' in html

    r = staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "37\n 8812 \n\n"})
    assert r.status_code == 200
    review = r.get_data(as_text=True)
    assert "<code>“37”</code>" in review and "<code>“8812”</code>" in review
    digest = draw_rules.candidates_digest(codes)
    assert hidden(review, "candidates_digest") == [digest] and digest[:16] in review
    assert hidden(review, "entropy") == ["37", "8812"] * 2  # confirm and back-to-edit
    assert draws.get(t.award_draw_id).pending_entropy == ["37", "8812"]  # on both screens
    assert draws.get(t.rate_draw_id).pending_entropy == ["37", "8812"]
    assert fresh_trading(project.code).outcome is None

    # A stale fingerprint is refused.
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("entropy", "37"), ("candidates_digest", "0" * 64)],
    )
    assert "响应企业名单在核对之后发生了变化" in followed(staff, r)

    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("entropy", "37"), ("entropy", "8812"), ("candidates_digest", digest)],
    )
    page = followed(staff, r)
    assert "摇号完成，交易结果公告和交易结果通知书已发布" in page
    t = fresh_trading(project.code)
    assert t.outcome == "drawn"
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        d = draws.get(draw_id)
        assert d.public_entropy == ["37", "8812"]
        assert verify_record(draw_rules.published_record(d, time_iso)).ok
    result = db.session.get(Notice, t.result_notice_id)
    assert result.type == "trading_result" and result.status == "published"
    winner = db.session.scalar(select(Contractor).where(Contractor.uscc == t.winner_uscc))
    assert winner.name in page and f"{t.discount_rate}%" in page
    assert f"{t.contract_price:,.2f}元" in page
    html = staff.html(f"/staff/projects/{project.code}/meeting")
    assert f'href="/draws/{t.award_draw_id}"' in html and f'href="/notices/{result.id}"' in html

    # A second attempt: the service's message, nothing changed.
    before = counts(), draws.get(t.award_draw_id).result
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("entropy", "1"), ("candidates_digest", digest)],
    )
    assert "的定标会议已经举行，摇号结果已公布，不能再次摇号" in followed(staff, r)
    r = staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "1"})
    assert "不能再次摇号" in followed(staff, r)
    assert (counts(), draws.get(t.award_draw_id).result) == before


def test_a_forged_meeting_confirmation_is_refused_and_both_draws_stay_committed(app):
    """The probe of issue 10: 11/22/33 shown at the meeting, then a confirmation whose hidden
    entropy says chosen-by-staff-7. Neither the ranking nor the rate pick may use it."""
    phase = _pool()
    project, t = _announced(phase, make_user("owner"))
    _respond(project, _members())
    clock.set_now(at(2026, 12, 3, 9, 30))
    screen_all(project.code, actor=phase.staff)
    staff = signed_in(app, "staff")
    review = staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "11\n22\n33"})
    assert review.status_code == 200
    digest = hidden(review.get_data(as_text=True), "candidates_digest")[0]
    before = counts()
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("entropy", "chosen-by-staff-7"), ("candidates_digest", digest)],
    )
    page = followed(staff, r)
    assert "确认的公开随机数与现场大屏上显示的不一致（大屏显示：“11”、“22”、“33”）" in page
    assert counts() == before and fresh_trading(project.code).outcome is None
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        d = draws.get(draw_id)
        db.session.refresh(d)
        assert d.status == "committed" and d.pending_entropy == ["11", "22", "33"]

    # One draw shown other entries (a second console): the meeting draws neither.
    draws.show_pending_entropy(t.rate_draw_id, ["7"], actor=phase.staff, owner="trading")
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [*(("entropy", v) for v in ["11", "22", "33"]), ("candidates_digest", digest)],
    )
    assert "大屏显示：“7”" in followed(staff, r)
    assert fresh_trading(project.code).outcome is None
    assert draws.get(t.award_draw_id).status == "committed"

    # Shown on both screens again, the attendees' entries draw both.
    staff.post(f"/staff/projects/{project.code}/meeting", {"entries": "11\n22\n33"})
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [*(("entropy", v) for v in ["11", "22", "33"]), ("candidates_digest", digest)],
    )
    assert "摇号完成" in followed(staff, r)
    for draw_id in (t.award_draw_id, t.rate_draw_id):
        d = draws.get(draw_id)
        db.session.refresh(d)
        assert d.status == "drawn" and d.public_entropy == ["11", "22", "33"]


def test_two_respondents_fail_the_trading_and_the_page_says_so_before(app):
    phase = _pool()
    project, t = _announced(phase, make_user("owner"))
    _respond(project, _members()[:2])
    clock.set_now(at(2026, 12, 3, 9, 30))
    staff = signed_in(app, "staff")
    page = text_of(staff.html(f"/staff/projects/{project.code}/meeting"))
    assert "响应企业2家，少于规定的3家：本次交易将失败（流标）" in page
    r = staff.post(f"/staff/projects/{project.code}/meeting", {})
    review = r.get_data(as_text=True)
    assert r.status_code == 200 and "确认交易失败（流标）并发布流标公告" in review
    r = staff.post(
        f"/staff/projects/{project.code}/meeting/confirm",
        [("candidates_digest", hidden(review, "candidates_digest")[0])],
    )
    page = followed(staff, r)
    assert "本次交易失败（流标），流标公告已发布" in page
    t = fresh_trading(project.code)
    assert t.outcome == "failed"
    assert db.session.get(Notice, t.result_notice_id).type == "trading_failed"
    assert {draws.get(t.award_draw_id).status, draws.get(t.rate_draw_id).status} == {"abandoned"}
    # The project may be announced again: the form is offered, as round 2.
    page = text_of(staff.html(f"/staff/projects/{project.code}/announce"))
    assert "本次为第2次交易公告" in page and "下一步：预览" in page


# ---- the bulletin-board posting --------------------------------------------------------------------


def test_a_posting_is_recorded_with_its_photo_and_bad_ones_are_refused(app):
    phase = _pool()
    project, _t = _announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 27, 16, 0))
    staff = signed_in(app, "staff")
    form = {"posted_by": "赵六", "posted_at": "2026-11-27T15:30", "place": "某村村务公开栏"}

    before = counts()
    for bad, message in (
        ({"photo": (io.BytesIO(PDF), "公告.pdf")}, "只接受PNG、JPEG或WebP图片"),
        ({"posted_at": "2026-11-27T16:30"}, "张贴时间不能晚于现在"),
        ({"posted_at": "2026-11-27T09:00"}, "张贴时间不能早于交易公告发布时间"),
        ({"place": ""}, "请填写张贴地点"),
    ):
        r = staff.submit(f"/staff/projects/{project.code}/posting", {**form, **bad})
        assert r.status_code == 400 and message in text_of(r.get_data(as_text=True)), bad
    assert counts() == before

    r = staff.submit(
        f"/staff/projects/{project.code}/posting",
        {**form, "photo": (io.BytesIO(png()), "村务公开栏.png")},
    )
    assert "张贴情况已记录" in followed(staff, r)
    r = staff.submit(
        f"/staff/projects/{project.code}/posting",
        {**form, "place": "甬江街道便民服务中心公告栏", "photo": (io.BytesIO(b""), "")},
    )
    page = followed(staff, r)
    assert "已记录的张贴（2处）" in page and "甬江街道便民服务中心公告栏" in page
    posting = db.session.scalar(
        select(BulletinPosting).where(BulletinPosting.photo_key.is_not(None))
    )
    photo = f"/projects/{project.code}/postings/{posting.id}/photo"
    assert f'src="{photo}"' in staff.html(f"/staff/projects/{project.code}/posting")

    response = Browser(app).get(photo)
    assert response.status_code == 200 and response.data == png()
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    other = db.session.scalar(select(BulletinPosting).where(BulletinPosting.photo_key.is_(None)))
    assert (
        Browser(app).get(f"/projects/{project.code}/postings/{other.id}/photo").status_code == 404
    )
    assert (
        Browser(app).get(f"/projects/PRJ-1999-0001/postings/{posting.id}/photo").status_code == 404
    )


# ---- the documents -----------------------------------------------------------------------------------


def _drawn(app):
    phase = _pool()
    owner = make_user("owner")
    project, t = _announced(phase, owner)
    members = _members()
    _respond(project, members)
    clock.set_now(at(2026, 12, 3, 9, 30))
    t = hold_meeting(project.code, ["37"], actor=phase.staff)
    return phase, owner, project, t, members


def test_the_result_letter_is_for_the_winner_the_owner_and_staff_only(app):
    _phase, owner, project, t, members = _drawn(app)
    path = f"/projects/{project.code}/letter.pdf"
    winner = db.session.scalar(select(Contractor).where(Contractor.uscc == t.winner_uscc))
    loser = next(
        db.session.get(Contractor, m.contractor_id)
        for m in members
        if db.session.get(Contractor, m.contractor_id).uscc != t.winner_uscc
    )
    for who in (
        _browser_of(app, user_of(winner)),
        _browser_of(app, owner),
        signed_in(app, "staff"),
    ):
        response = who.get(path)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
    assert _browser_of(app, user_of(loser)).get(path).status_code == 403
    assert _browser_of(app, user_of(register(7))).get(path).status_code == 403  # no member
    assert signed_in(app, "owner").get(path).status_code == 403  # another owner
    assert signed_in(app, "reviewer").get(path).status_code == 403
    anonymous = Browser(app).get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert signed_in(app, "staff").get("/projects/PRJ-1999-0001/letter.pdf").status_code == 404


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_after_a_refusal_the_letter_goes_to_the_next_in_the_ranking(app):
    _phase, owner, project, t, _members = _drawn(app)
    path = f"/projects/{project.code}/letter.pdf"
    first, second = draws.get(t.award_draw_id).result[:2]
    company = {
        c: db.session.scalar(select(Contractor).where(Contractor.uscc == c))
        for c in (first, second)
    }
    text = _pdf_text(_browser_of(app, user_of(company[first])).get(path).data)
    assert company[first].name in text and "2026年12月03日" in text
    clock.set_now(at(2026, 12, 7, 10, 0))
    refusal = refuse(project.code, "无正当理由拒签", actor=owner)
    assert _browser_of(app, user_of(company[first])).get(path).status_code == 403
    response = _browser_of(app, user_of(company[second])).get(path)
    assert response.status_code == 200
    text = _pdf_text(response.data)
    # Addressed to the second, dated and numbered from the correction that passed the award on.
    assert company[second].name in text and company[first].name not in text
    assert "2026年12月07日" in text and f"/notices/{refusal.correction_notice_id}" in text


def test_there_is_no_letter_before_the_draw_nor_after_a_failed_trading(app):
    phase = _pool()
    owner = make_user("owner")
    project, _t = _announced(phase, owner)
    staff = signed_in(app, "staff")
    assert staff.get(f"/projects/{project.code}/letter.pdf").status_code == 404
    _respond(project, _members()[:1])
    clock.set_now(at(2026, 12, 3, 9, 30))
    hold_meeting(project.code, [], actor=phase.staff)
    assert staff.get(f"/projects/{project.code}/letter.pdf").status_code == 404
    assert _browser_of(app, owner).get(f"/projects/{project.code}/letter.pdf").status_code == 404


def test_the_bulletin_pdf_is_public_once_announced(app):
    phase = _pool()
    project = _filed(phase, make_user("owner"))
    assert Browser(app).get(f"/projects/{project.code}/bulletin.pdf").status_code == 404
    services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "二楼开标室", ["3.00", "8.50"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    response = Browser(app).get(f"/projects/{project.code}/bulletin.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert Browser(app).get("/projects/PRJ-1999-0001/bulletin.pdf").status_code == 404


def test_the_bulletin_pdf_is_built_once_for_what_it_shows(app, monkeypatch):
    from contracts import documents as trading_documents

    builds: list[str] = []
    real = trading_documents.bulletin_pdf

    def counting(data, **kw):
        builds.append(data.meeting_place)
        return real(data, **kw)

    monkeypatch.setattr(trading_documents, "bulletin_pdf", counting)
    phase = _pool()
    project, _t = _announced(phase, make_user("owner"))
    path = f"/projects/{project.code}/bulletin.pdf"
    first = Browser(app).get(path)
    second = Browser(app).get(path)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and len(builds) == 1
    etag = first.headers["ETag"]
    assert not etag.startswith("W/") and first.headers["Cache-Control"] == "public, no-cache"
    assert Browser(app).get(path, headers={"If-None-Match": etag}).status_code == 304
    assert len(builds) == 1

    # What the poster shows changed (the meeting moved): another poster, built once.
    t = fresh_trading(project.code)
    t.meeting_place = "三楼开标室"
    db.session.commit()
    moved = Browser(app).get(path, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert Browser(app).get(path).data == moved.data
    assert builds[1:] == ["三楼开标室"]


# ---- the partials ---------------------------------------------------------------------------------


def _render(app, browser_user, template: str, project, trading) -> str:
    from flask_login import login_user

    with app.test_request_context("/"):
        if browser_user is not None:
            login_user(browser_user)
        return text_of(
            render_template(template, project=project, trading=trading)
        ), render_template(template, project=project, trading=trading)


def test_the_trading_actions_offer_the_steps_the_state_allows(app):
    phase = _pool()
    owner = make_user("owner")
    project = _filed(phase, owner)
    staff = make_user("staff")
    page, html = _render(app, staff, "contracts/staff/_trading_actions.html", project, None)
    assert f'href="/staff/projects/{project.code}/announce"' in html and "可以进行" in page
    t = services.announce(
        project.code,
        services.TradingInput(at(2026, 12, 3, 9, 30), "二楼开标室", ["3.00"]),
        reviewed=services.fingerprint(project),
        actor=phase.staff,
    )
    page, html = _render(app, staff, "contracts/staff/_trading_actions.html", project, t)
    assert "/announce" not in html
    assert f'href="/projects/{project.code}/bulletin.pdf"' in html
    assert f'href="/staff/projects/{project.code}/posting"' in html
    assert "letter.pdf" not in html and "公示期至2026-12-02 24:00" in page


def test_after_the_draw_the_actions_link_the_meeting_the_result_and_the_letter(app):
    _phase, _owner, project, t, _members = _drawn(app)
    page, html = _render(
        app, make_user("staff"), "contracts/staff/_trading_actions.html", project, t
    )
    assert f'href="/staff/projects/{project.code}/meeting"' in html
    assert f'href="/notices/{t.result_notice_id}"' in html
    assert f'href="/projects/{project.code}/letter.pdf"' in html
    assert "定标会议：已摇号" in page and "未记录张贴情况" in page and "/announce" not in html


def test_the_documents_partial_shows_the_letter_only_to_those_it_is_for(app):
    _phase, owner, project, t, members = _drawn(app)
    winner = db.session.scalar(select(Contractor).where(Contractor.uscc == t.winner_uscc))
    others = [
        db.session.get(Contractor, m.contractor_id)
        for m in members
        if db.session.get(Contractor, m.contractor_id).uscc != t.winner_uscc
    ]
    template = "contracts/public/_documents.html"
    for user, sees in (
        (None, False),
        (owner, True),
        (user_of(winner), True),
        (user_of(others[0]), False),
        (make_user("staff"), True),
    ):
        _page, html = _render(app, user, template, project, t)
        assert f'href="/projects/{project.code}/bulletin.pdf"' in html
        assert (f'href="/projects/{project.code}/letter.pdf"' in html) is sees, user
    _page, html = _render(app, owner, template, project, None)
    assert "bulletin.pdf" not in html
