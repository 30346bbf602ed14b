"""Both storage backends behave alike: the local folder and an S3 bucket on a real S3 API (moto's
server, started by the tests) store, stream, list, sweep and refuse the same way."""

from __future__ import annotations

import hashlib
import io
import time

import pytest

from app.extensions import db
from app.s3storage import S3Storage
from app.storage import (
    StorageUnavailable,
    get_storage,
    sweep_orphans,
)
from config import ConfigError
from notices import services as notices
from notices.errors import NoticeError
from notices.models import NoticeAttachment
from tests.conftest import build_app, closed_port, s3_settings
from tests.factories import PDF, make_notice, make_user

GRACE = 3600.0
#: Larger than one S3 part (5 MB, app.storage.S3_PART_BYTES): the upload goes in parts.
BIG = PDF + b"\0" * (11 * 1024 * 1024)


def _names() -> set[str]:
    return {e.name for e in get_storage().entries()}


def test_a_stored_file_reads_back_whole_and_is_gone_once_deleted(storage_app):
    storage = get_storage()
    key = storage.put(PDF, ".pdf")
    with storage.open(key) as f:
        assert f.read() == PDF
    assert key in _names()
    storage.delete(key)
    assert key not in _names()
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_a_restore_writes_under_the_key_it_is_given(storage_app):
    storage = get_storage()
    storage.put_at("ab" * 16 + ".pdf", io.BytesIO(PDF))
    with storage.open("ab" * 16 + ".pdf") as f:
        assert f.read() == PDF


@pytest.mark.parametrize("key", ["", "../secret", "a/b.pdf", ".hidden", "..\\x.pdf"])
def test_a_key_we_did_not_make_names_no_file(storage_app, key):
    with pytest.raises(FileNotFoundError):
        get_storage().open(key)


def test_a_large_upload_is_streamed_into_the_store_and_hashed_on_the_way(storage_app):
    staff = make_user("staff")
    notice = make_notice(actor=staff, publish=False)
    stream = io.BytesIO(BIG)
    att = notices.add_attachment(notice.id, "图纸.pdf", stream, actor=staff)
    assert att.size == len(BIG)
    assert att.sha256 == hashlib.sha256(BIG).hexdigest()
    with get_storage().open(att.storage_key) as f:
        assert hashlib.sha256(f.read()).hexdigest() == att.sha256


def test_the_sweep_removes_orphans_and_keeps_what_a_row_names_in_both_backends(storage_app):
    staff = make_user("staff")
    notice = make_notice(actor=staff, publish=False)
    att = notices.add_attachment(notice.id, "附件.pdf", PDF, actor=staff)
    orphan = get_storage().put(PDF, ".pdf")
    assert sweep_orphans(GRACE) == []  # both are fresh
    later = time.time() + GRACE + 60
    assert sweep_orphans(GRACE, now=later) == [orphan]
    assert _names() == {att.storage_key}
    assert sweep_orphans(GRACE, now=later) == []  # idempotent


def test_the_sweep_aborts_a_multipart_upload_a_dead_worker_left(moto_s3, database_url, tmp_path):
    s3 = build_app(database_url, tmp_path, **s3_settings(moto_s3))
    with s3.app_context():
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        storage.client.create_multipart_upload(Bucket=storage.bucket, Key="uploads/cut-off.pdf")
        # (moto dates every multipart upload 2010-11-10, so "a fresh one is kept" cannot be
        # shown against it; the cutoff is the same comparison as the objects' own.)
        sweep_orphans(GRACE, now=time.time() + GRACE + 60)
        assert not storage.client.list_multipart_uploads(Bucket=storage.bucket).get("Uploads")


@pytest.mark.parametrize("fault", ["unreachable", "no bucket"])
def test_an_upload_to_a_store_that_fails_is_refused_and_leaves_nothing(
    moto_s3, database_url, tmp_path, fault
):
    if fault == "unreachable":
        settings = s3_settings(closed_port(), create=False)
    else:
        settings = s3_settings(moto_s3, create=False)
    app = build_app(database_url, tmp_path, **settings)
    with app.app_context():
        staff = make_user("staff")
        notice = make_notice(actor=staff, publish=False)
        with pytest.raises(NoticeError) as refused:
            notices.add_attachment(notice.id, "附件.pdf", io.BytesIO(PDF), actor=staff)
        assert refused.value.message == "文件存储暂时无法访问，文件没有上传，请稍后再试"
        assert "cannot be reached" in refused.value.message_en
        assert db.session.query(NoticeAttachment).count() == 0
        with pytest.raises(StorageUnavailable):
            list(get_storage().entries())
        db.session.remove()
        db.engine.dispose()
    if fault == "no bucket":  # the store answers: it holds nothing, in no bucket
        from app.s3storage import s3_client

        buckets = s3_client(settings).list_buckets()["Buckets"]
        assert settings["S3_BUCKET"] not in {b["Name"] for b in buckets}


@pytest.mark.parametrize(
    "missing", ["S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]
)
def test_the_s3_backend_refuses_to_start_without_its_settings(missing, tmp_path):
    settings = s3_settings("http://127.0.0.1:9", create=False)
    settings[missing] = ""
    with pytest.raises(ConfigError, match=missing):
        build_app("sqlite://", tmp_path, **settings)


@pytest.mark.parametrize(
    ("setting", "value"), [("STORAGE_BACKEND", "ftp"), ("S3_PREFIX", "no-slash")]
)
def test_a_storage_setting_that_makes_no_sense_stops_start_up(setting, value, tmp_path):
    settings = s3_settings("http://127.0.0.1:9", create=False) | {setting: value}
    with pytest.raises(ConfigError, match=setting):
        build_app("sqlite://", tmp_path, **settings)


def test_a_store_that_goes_away_mid_session_refuses_the_next_upload_and_holds_only_the_first(
    database_url, tmp_path
):
    """The store stops between two uploads: the second is refused; once it is back, it holds the
    first file only (moto keeps its buckets in this process across a restart)."""
    from moto.server import ThreadedMotoServer

    endpoint = closed_port()
    port = int(endpoint.rsplit(":", 1)[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    app = build_app(database_url, tmp_path, **s3_settings(endpoint))
    with app.app_context():
        staff = make_user("staff")
        notice = make_notice(actor=staff, publish=False)
        first = notices.add_attachment(notice.id, "一.pdf", io.BytesIO(PDF), actor=staff)
        server.stop()
        try:
            with pytest.raises(NoticeError, match="文件存储暂时无法访问"):
                notices.add_attachment(notice.id, "二.pdf", io.BytesIO(PDF), actor=staff)
            assert db.session.query(NoticeAttachment).count() == 1
        finally:
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
            server.start()
        try:
            assert _names() == {first.storage_key}
        finally:
            server.stop()
            db.session.remove()
            db.engine.dispose()
