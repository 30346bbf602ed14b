"""Bulletin-board postings (信息公开栏): staff record who posted the printed trading notice, when
and where, optionally with a photo of it on the board; several boards per trading."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app import audit, once
from app.audit import Action
from app.extensions import db
from app.storage import Upload, UploadRejected, check_upload, store_upload
from app.transactions import transactional
from contracts.errors import TradingError
from contracts.models import BulletinPosting, Project, Trading
from notices.models import Notice
from notices.rules import NoticeStatus

from ._common import (
    SUBJECT_TYPE,
    current_trading,
    get_project,
    now,
    require_project_scope,
    require_staff,
)

#: A photo of the board: images only (a PDF is a document, not a photo of the posting).
PHOTO_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_POSTED_BY = 100
MAX_PLACE = 200


def _photo_name(name: str | None) -> str:
    # The name as uploaded, without any folder a browser may send (C:\…\board.jpg).
    return (name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255] or "photo"


def _required(value: str | None, field: str, limit: int, zh: str, en: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise TradingError(f"请填写{zh}", f"Enter {en}", field=field)
    if len(text) > limit:
        raise TradingError(
            f"{zh}不能超过{limit}个字符", f"{en} may have at most {limit} characters", field=field
        )
    return text


def _check_photo(photo: Upload | None, photo_name: str | None) -> bool:
    """True when a photo was given and is acceptable; refuses a bad one before anything is stored."""
    if not photo and not (photo_name or "").strip():
        return False  # no file chosen
    try:
        kind = check_upload(photo or b"", current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise TradingError(e.message, e.message_en, field="photo") from None
    if kind not in PHOTO_TYPES:
        raise TradingError(
            "张贴照片只接受PNG、JPEG或WebP图片，文件类型按内容判断",
            "The posting photo must be a PNG, JPEG or WebP image; the type is read from the content",
            field="photo",
        )
    return True


def _published(t: Trading) -> datetime:
    published_at = db.session.scalar(
        select(Notice.published_at).where(
            Notice.id == t.notice_id, Notice.status == NoticeStatus.PUBLISHED
        )
    )
    if published_at is None:
        raise TradingError(
            "该项目的交易公告尚未发布", "The project's trading notice is not published"
        )
    return published_at


def _record(code, posted_by, posted_at, place, photo, photo_name, actor):
    require_staff(actor, "记录公告张贴情况", "record a bulletin posting")
    p = get_project(code, lock=True)
    require_project_scope(actor, p, "记录公告张贴情况", "record a bulletin posting")
    t = current_trading(p)
    published_at = _published(t)
    who = _required(posted_by, "posted_by", MAX_POSTED_BY, "张贴人", "who posted it")
    where = _required(place, "place", MAX_PLACE, "张贴地点", "the place")
    if not isinstance(posted_at, datetime) or posted_at.utcoffset() is None:
        raise TradingError("请填写张贴时间", "Enter when it was posted", field="posted_at")
    moment = now()
    # Minutes, as entered: a notice published at 10:00:37 may be posted "at 10:00".
    if posted_at.replace(second=0, microsecond=0) > moment:
        raise TradingError(
            "张贴时间不能晚于现在", "The posting time cannot be in the future", field="posted_at"
        )
    if posted_at < published_at.replace(second=0, microsecond=0):
        raise TradingError(
            "张贴时间不能早于交易公告发布时间",
            "The notice cannot have been posted before it was published",
            field="posted_at",
        )
    has_photo = _check_photo(photo, photo_name)
    posting = BulletinPosting(
        trading_id=t.id,
        posted_by=who,
        posted_at=posted_at.replace(microsecond=0),
        place=where,
        recorded_at=moment,
        recorded_by_id=actor.id,
    )
    sha256 = None
    if has_photo:
        saved = store_upload(photo, current_app.config["MAX_ATTACHMENT_BYTES"])
        posting.photo_key, posting.photo_type = saved.key, saved.content_type
        posting.photo_name, sha256 = _photo_name(photo_name), saved.sha256
    db.session.add(posting)
    db.session.flush()
    audit.record(
        Action.TRADING_POSTED,
        SUBJECT_TYPE,
        t.code,
        actor=actor,
        office_id=p.office_id,
        after={
            "posting_id": posting.id,
            "posted_by": who,
            "posted_at": posting.posted_at,
            "place": where,
            "photo_sha256": sha256,
        },
    )
    return posting


@transactional
def record_posting(
    code: str,
    posted_by: str,
    posted_at: datetime,
    place: str,
    photo: Upload | None,
    photo_name: str | None,
    *,
    actor,
    token: str | None = None,
) -> BulletinPosting:
    """Record that the current trading's notice was posted on a board: staff only, after the
    notice was published and not in the future. The photo (PNG, JPEG or WebP, type read from the
    content) is stored under a generated key; if the record is refused the file is removed.
    `token`: the form's once-only token (app.once) — posted twice, the posting is recorded once."""
    submission = once.claim(token, "bulletin-posting", actor)
    posting = _record(code, posted_by, posted_at, place, photo, photo_name, actor)
    once.fulfil(submission, posting.id)
    return posting


# ---- reads ----------------------------------------------------------------------------------------


def postings_of(t: Trading | None) -> list[BulletinPosting]:
    """A trading's postings, in the order they were posted."""
    if t is None:
        return []
    return list(
        db.session.scalars(
            select(BulletinPosting)
            .where(BulletinPosting.trading_id == t.id)
            .order_by(BulletinPosting.posted_at, BulletinPosting.id)
        )
    )


def posting_of(code: str, posting_id: int) -> BulletinPosting | None:
    """A posting of any trading of the project `code` (None when it belongs to another)."""
    return db.session.scalar(
        select(BulletinPosting)
        .join(Trading, Trading.id == BulletinPosting.trading_id)
        .join(Project, Project.id == Trading.project_id)
        .where(BulletinPosting.id == posting_id, Project.code == code)
    )
