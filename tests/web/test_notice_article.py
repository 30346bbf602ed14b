"""A notice's article on its public page (notices.article) is written once while what it shows is
unchanged — a request compares what it reads and renders no template for it (issue 14) — and
shows any change on the next request, however it was made: a correction published, its office
renamed in SQL by hand, its SMS proof, the SMS backend, its related links, the records its body
links to, its publicity ending by the clock (and the clock set back), the language and the
address. Each is a part of what it is kept by: dropping one fails its step here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from app import clock
from app.extensions import db
from app.links import CODE_LINKS
from app.offices.models import Office
from app.wiring import registry
from notices.models import Notice
from notices.related import RELATED_LINKS, RelatedLink
from notices.sms.models import SmsMessage
from tests.factories import Browser, make_notice, make_user, templates_written

_KEPT = "smallworks.notice_articles"


def page(app, notice_id: int, lang: str = "zh", **kw) -> str:
    browser = Browser(app)
    browser.client.set_cookie("lang", lang)
    response = browser.get(f"/notices/{notice_id}", **kw)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def anew(app, notice_id: int, lang: str = "zh", **kw) -> str:
    """The page as a process that kept nothing writes it (what the app keeps is left as it was)."""
    kept = app.extensions.pop(_KEPT, None)
    try:
        return page(app, notice_id, lang, **kw)
    finally:
        if kept is not None:
            app.extensions[_KEPT] = kept


def test_an_unchanged_notice_page_writes_its_article_once_for_each_language(app, now):
    now(2026, 11, 25, 10, 0)
    notice = make_notice(make_user("staff"), title="甬江街道<某村>道路硬化工程交易公告")
    with templates_written(app, "notices/_article.html") as written:
        pages = [page(app, notice.id, lang) for lang in ("zh", "zh", "en", "en", "zh")]
    assert written == ["zh", "en"]
    assert pages[0] == pages[1] == pages[4] != pages[2] == pages[3]
    assert "甬江街道&lt;某村&gt;道路硬化工程交易公告" in pages[0]


def test_the_notice_page_shows_every_change_on_its_next_request(app, monkeypatch):
    staff = make_user("staff")
    clock.set_now(datetime(2026, 11, 30, 10, 0, tzinfo=clock.TZ))
    # A trading notice (3 working days of publicity, to 12-04 00:00 +08:00) of a subject whose
    # links a test source gives, its body naming a code a test resolver may know.
    notice = make_notice(staff, title="交易公告", body="见 TEST-2026-01-x 号")
    db.session.execute(
        update(Notice).where(Notice.id == notice.id).values(subject_type="t", subject_id="1")
    )
    db.session.commit()
    links: list[RelatedLink] = []
    codes: dict[str, str] = {}
    monkeypatch.setitem(registry(RELATED_LINKS, app), "t", lambda _n, _viewer: list(links))
    monkeypatch.setitem(
        registry(CODE_LINKS, app), "t", lambda found: {c: codes[c] for c in found if c in codes}
    )
    shown: dict[str, str] = {}

    def step(name: str, **kw) -> str:
        for lang in ("en", "zh"):
            kept = page(app, notice.id, lang, **kw)
            assert kept == anew(app, notice.id, lang, **kw), (name, lang)
        shown[name] = kept
        return kept

    assert "交易公告" in step("published")

    make_notice(staff, type="correction", corrects_id=notice.id, title="更正<甲>")
    assert "更正&lt;甲&gt;" in step("corrected")
    # A published notice is immutable (a trigger): what changes is what is appended to it.

    db.session.execute(update(Office).where(Office.id == notice.office_id).values(name="改名办"))
    db.session.commit()
    assert "改名办" in step("office renamed in SQL")

    message = SmsMessage(
        subject_type="notice",
        subject_id=str(notice.id),
        recipient="c1",
        purpose="trading_notice",
        notice_id=notice.id,
        to_number="+8613800000000",
        template="trading_notice",
        body="x",
        segments=1,
        status="delivered",
        next_attempt_at=clock.now(),
        queued_at=clock.now(),
        updated_at=clock.now(),
    )
    db.session.add(message)
    db.session.commit()
    assert 'class="sms-proof"' in step("told")
    db.session.execute(update(SmsMessage).values(status="sent"))
    db.session.commit()
    step("no longer delivered")
    monkeypatch.setitem(app.config, "SMS_BACKEND", "twilio")
    assert step("a backend with receipts") != shown["no longer delivered"]

    links.append(RelatedLink("相关<页>", "/x", "X-1"))
    assert "相关&lt;页&gt;" in step("a related link")

    codes["TEST-2026-01-x"] = "/draws/TEST-2026-01-x"
    assert '<a href="/draws/TEST-2026-01-x">TEST-2026-01-x</a>' in step(
        "a code that names a record"
    )

    assert "/sub/notices/" in step("another address", base_url="http://localhost/sub")

    # The publicity ends on 12-04 00:00 (+08:00): the badge changes by the clock alone, and
    # setting it back shows it as it was.
    before = step("running")
    assert "badge-running" in before
    clock.set_now(datetime(2026, 12, 4, 0, 0, tzinfo=clock.TZ))
    assert "badge-ended" in step("ended")
    clock.set_now(datetime(2026, 12, 3, 23, 59, tzinfo=clock.TZ))
    assert step("set back") == before
