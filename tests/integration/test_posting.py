"""Bulletin-board postings (信息公开栏): staff record who posted the printed trading notice, when and
where, with an optional photo; every bad input is refused with nothing changed and no file left."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.audit import Action, AuditEntry
from app.errors import DomainError
from app.extensions import db
from contracts import services
from contracts.errors import ProjectNotFound, TradingError, TradingForbidden
from contracts.models import BulletinPosting
from contracts.services.posting import posting_of, postings_of, record_posting
from tests.factories import PDF, make_user, use_cheap_password_hashes
from tests.pool_factories import at
from tests.trading_factories import active_pool as _pool
from tests.trading_factories import announced as _announced
from tests.trading_factories import project_input as _input


@pytest.fixture(autouse=True)
def _setup(app, monkeypatch):
    use_cheap_password_hashes(monkeypatch)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _files() -> list[str]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return sorted(str(p) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _state() -> tuple:
    db.session.expire_all()
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (BulletinPosting, AuditEntry)
    )
    return counts, _files()


def test_staff_record_two_boards_one_with_a_photo_and_each_is_audited(app):
    phase = _pool()
    project, t = _announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 27, 16, 0))
    village = record_posting(
        project.code,
        "村务工作人员 赵六",
        at(2026, 11, 27, 15, 30),
        "某村村务公开栏",
        png(),
        r"C:\照片\村务公开栏.png",
        actor=phase.staff,
    )
    town = record_posting(
        project.code,
        "王七",
        at(2026, 11, 27, 15, 0),
        "甬江街道便民服务中心公告栏",
        None,
        None,
        actor=phase.staff,
    )
    assert [p.id for p in postings_of(t)] == [town.id, village.id]  # in the order posted
    assert village.photo_type == "image/png" and village.photo_name == "村务公开栏.png"
    assert (
        Path(
            current_app.config["UPLOAD_FOLDER"], village.photo_key[:2], village.photo_key
        ).read_bytes()
        == png()
    )
    assert town.photo_key is None and town.photo_type is None
    assert posting_of(project.code, village.id) == village
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == Action.TRADING_POSTED.value)
    ).all()
    assert [e.subject_id for e in entries] == [t.code, t.code]
    assert entries[0].after["place"] == "某村村务公开栏" and entries[0].after["photo_sha256"]


def test_a_posting_of_another_project_is_not_found_under_this_one(app):
    phase = _pool()
    owner = make_user("owner")
    project, _t = _announced(phase, owner)
    clock.set_now(at(2026, 11, 27, 16, 0))
    posting = record_posting(
        project.code,
        "赵六",
        at(2026, 11, 27, 15, 0),
        "某村村务公开栏",
        None,
        None,
        actor=phase.staff,
    )
    other = services.submit_project(_input(name="另一个工程"), actor=owner)
    assert posting_of(other.code, posting.id) is None
    assert posting_of(project.code, posting.id + 1) is None


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"posted_at": at(2026, 11, 27, 16, 1)}, TradingError, "不能晚于现在"),
        ({"posted_at": at(2026, 11, 27, 9, 59)}, TradingError, "不能早于交易公告发布时间"),
        ({"posted_at": None}, TradingError, "请填写张贴时间"),
        ({"place": "  "}, TradingError, "请填写张贴地点"),
        ({"posted_by": ""}, TradingError, "请填写张贴人"),
        ({"place": "某" * 201}, TradingError, "不能超过200个字符"),
        ({"photo": PDF, "photo_name": "公告.pdf"}, TradingError, "只接受PNG、JPEG或WebP图片"),
        (
            {"photo": b"GIF89a not really", "photo_name": "x.png"},
            TradingError,
            "文件类型按内容判断",
        ),
        ({"photo": b"", "photo_name": "空.png"}, TradingError, "上传的文件是空的"),
        ({"code": "PRJ-2099-9999"}, ProjectNotFound, "项目不存在"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_posting_is_refused_with_nothing_changed_and_no_file_left(
    app, change, error, message
):
    phase = _pool()
    project, _t = _announced(phase, make_user("owner"))  # published 2026-11-27 10:00
    clock.set_now(at(2026, 11, 27, 16, 0, 30))
    args = {
        "code": project.code,
        "posted_by": "赵六",
        "posted_at": at(2026, 11, 27, 15, 0),
        "place": "某村村务公开栏",
        "photo": png(),
        "photo_name": "board.png",
        **change,
    }
    before = _state()
    with pytest.raises(error, match=message):
        record_posting(**args, actor=phase.staff)
    assert _state() == before


def test_only_staff_record_a_posting(app):
    phase = _pool()
    owner = make_user("owner")
    project, _t = _announced(phase, owner)
    clock.set_now(at(2026, 11, 27, 16, 0))
    for actor in (owner, make_user("contractor"), make_user("reviewer"), None):
        before = _state()
        with pytest.raises(TradingForbidden):
            record_posting(
                project.code, "赵六", at(2026, 11, 27, 15, 0), "公开栏", png(), "a.png", actor=actor
            )
        assert _state() == before


def test_the_posting_at_the_minute_of_publication_is_accepted(app):
    phase = _pool()
    project, t = _announced(phase, make_user("owner"))
    clock.set_now(at(2026, 11, 27, 10, 0, 40))
    posting = record_posting(
        project.code, "赵六", at(2026, 11, 27, 10, 0), "公开栏", None, None, actor=phase.staff
    )
    assert posting.trading_id == t.id


def test_a_project_without_a_trading_notice_has_nothing_to_post(app):
    phase = _pool()
    clock.set_now(at(2026, 11, 26, 9, 0))
    project = services.submit_project(_input(), actor=make_user("owner"))
    services.file_project(project.code, reviewed=services.fingerprint(project), actor=phase.staff)
    before = _state()
    with pytest.raises(DomainError, match="尚未发布交易公告"):
        record_posting(
            project.code, "赵六", at(2026, 11, 26, 9, 0), "公开栏", None, None, actor=phase.staff
        )
    assert _state() == before
