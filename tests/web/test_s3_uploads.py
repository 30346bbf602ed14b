"""Uploads and downloads through the web with the files in S3 (moto's server): a real file goes
up through the form and comes back byte for byte behind the same access checks, and a store that
cannot be reached refuses the upload with a clear message, in Chinese or English."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.storage import get_storage
from notices import services
from notices.models import NoticeAttachment
from tests.conftest import build_app, closed_port, s3_settings
from tests.factories import PDF, Browser, make_notice, signed_in

#: Past Werkzeug's 500 KB in-memory limit: the upload is spooled to disk and streamed from there.
DRAWING = PDF + bytes(range(256)) * 4096


def _app(database_url, tmp_path, endpoint, *, create=True):
    app = build_app(database_url, tmp_path, **s3_settings(endpoint, create=create))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def s3_app(database_url, tmp_path, moto_s3):
    yield from _app(database_url, tmp_path, moto_s3)


@pytest.fixture
def dead_s3_app(database_url, tmp_path):
    yield from _app(database_url, tmp_path, closed_port(), create=False)


def _upload(staff, notice_id: int, data: bytes):
    return staff.submit(
        f"/staff/notices/{notice_id}/attachments",
        {"file": (io.BytesIO(data), "施工图纸.pdf")},
        form_page=f"/staff/notices/{notice_id}",
        content_type="multipart/form-data",
    )


def test_a_file_uploaded_through_the_form_is_kept_in_s3_and_downloads_whole(s3_app):
    staff = signed_in(s3_app, "staff")
    draft = make_notice(actor=staff.user, publish=False)
    assert _upload(staff, draft.id, DRAWING).status_code == 302
    assert "附件已上传" in staff.html(f"/staff/notices/{draft.id}")

    att = db.session.scalars(select(NoticeAttachment)).one()
    assert att.size == len(DRAWING) and att.sha256 == hashlib.sha256(DRAWING).hexdigest()
    assert {e.name for e in get_storage().entries()} == {att.storage_key}

    # A draft's file: staff only, as with the local folder.
    path = f"/staff/notices/{draft.id}/attachments/{att.id}"
    assert Browser(s3_app).get(f"/notices/{draft.id}/attachments/{att.id}").status_code == 404
    assert Browser(s3_app).get(path).status_code in (302, 401, 403)
    response = staff.get(path)
    assert response.status_code == 200
    assert response.is_streamed and response.content_length == len(DRAWING)
    assert response.get_data() == DRAWING
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]

    services.publish(draft.id, actor=staff.user)
    public = Browser(s3_app).get(f"/notices/{draft.id}/attachments/{att.id}")
    assert public.status_code == 200 and public.get_data() == DRAWING


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "文件存储暂时无法访问，文件没有上传，请稍后再试"),
        ("en", "File storage cannot be reached right now; the file was not uploaded."),
    ],
)
def test_an_upload_to_an_unreachable_store_is_refused_clearly_and_adds_nothing(
    dead_s3_app, lang, message
):
    staff = signed_in(dead_s3_app, "staff")
    draft = make_notice(actor=staff.user, publish=False)
    if lang == "en":
        staff.get("/lang/en")
    response = _upload(staff, draft.id, PDF)
    assert response.status_code == 302
    assert message in staff.html(f"/staff/notices/{draft.id}")
    assert db.session.scalar(select(func.count(NoticeAttachment.id))) == 0


def test_a_download_while_the_store_is_unreachable_says_so_and_loses_nothing(s3_app):
    staff = signed_in(s3_app, "staff")
    draft = make_notice(actor=staff.user, publish=False)
    services.add_attachment(draft.id, "附件.pdf", PDF, actor=staff.user)
    att = db.session.scalars(select(NoticeAttachment)).one()
    path = f"/staff/notices/{draft.id}/attachments/{att.id}"
    live = s3_app.config["S3_ENDPOINT_URL"]
    s3_app.config["S3_ENDPOINT_URL"] = closed_port()
    s3_app.extensions.pop("smallworks.s3")  # the next request makes a client for the new address
    response = staff.get(path)
    assert response.status_code == 503
    assert "文件存储暂时无法访问" in response.get_data(as_text=True)
    s3_app.config["S3_ENDPOINT_URL"] = live
    s3_app.extensions.pop("smallworks.s3")
    assert staff.get(path).get_data() == PDF


def test_readiness_asks_the_bucket(s3_app, dead_s3_app):
    ready = Browser(s3_app).get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["storage"] == "ok"
    not_ready = Browser(dead_s3_app).get("/readyz")
    assert not_ready.status_code == 503
    assert not_ready.get_json()["checks"]["storage"] == "StorageUnavailable"
