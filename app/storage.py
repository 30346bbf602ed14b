"""File storage behind a small interface: a local folder by default, replaceable by object storage.

Every upload appears under its generated key only once complete (in the folder: written to a
`.part` name, then renamed; in S3: an object is visible whole or not at all); the row that names
the key is committed by the calling service, and the file removed if that service's transaction
rolls back (`store_upload`). A worker killed in between leaves a file no row names (or a
half-written `.part`, or an unfinished multipart upload): `sweep_orphans` (a scheduler tick)
removes such files once they are older than a grace period, and never a file a row references.

Two backends, chosen by STORAGE_BACKEND: `local` (a folder, the embedded default) and `s3` (any
S3-compatible object store, through boto3). Keys are the same in both, so rows and backups do not
care which one holds the files. Uploads are streamed from the request's spooled file, never read
whole into memory; downloads go through the app (`send_stored`, after the view's access checks),
streamed from the store — no signed URL ever leaves the app, so a link cannot outlive a check.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import filetype
from flask import Flask, Response, abort, current_app, send_file
from sqlalchemy import select

from app.transactions import after_commit, after_rollback, in_transaction

log = logging.getLogger("smallworks.storage")

#: `info` of every column that holds a storage key (`mapped_column(..., info=STORED_FILE)`): the
#: sweep reads the keys still in use from exactly these columns, in every table.
STORED_FILE = {"stored_file": True}

#: Suffix of a file being written; renamed to its key once complete.
PARTIAL_SUFFIX = ".part"

#: Types accepted for uploads, detected from content: PDF and common images.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}


class UploadRejected(ValueError):
    """The upload is empty, too large or of a type we do not accept."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message)
        self.message, self.message_en = message, message_en


class StorageUnavailable(UploadRejected):
    """The file store did not answer (or refused): an upload is refused, and nothing is kept."""

    def __init__(self):
        super().__init__(
            "文件存储暂时无法访问，文件没有上传，请稍后再试",
            "File storage cannot be reached right now; the file was not uploaded. "
            "Please try again later",
        )


#: What an upload is handed over as: the bytes, or a readable, seekable file (the request's
#: spooled upload, which Werkzeug keeps on disk past 500 KB).
Upload = bytes | BinaryIO

#: Bytes read at a time when hashing or copying an upload.
CHUNK = 64 * 1024

#: Size of the parts an upload is sent to S3 in (its minimum for all but the last part).
S3_PART_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class StoredEntry:
    """A file found in the store: its name (a key, or a key + `.part`) and last change (epoch s)."""

    name: str
    modified: float

    @property
    def partial(self) -> bool:
        return self.name.endswith(PARTIAL_SUFFIX)


class Storage(Protocol):
    def put(self, data: Upload, suffix: str) -> str: ...
    def put_at(self, key: str, stream: BinaryIO) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...
    def entries(self) -> Iterator[StoredEntry]: ...
    def check(self) -> None: ...


class LocalStorage:
    """Files in a folder outside `static/`, under random names."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / checked_key(key)

    def put(self, data: Upload, suffix: str) -> str:
        key = secrets.token_hex(16) + suffix
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a key names a complete file or nothing (a killed write leaves only
        # the `.part`, which the sweep removes).
        tmp = path.with_name(key + PARTIAL_SUFFIX)
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            with tmp.open("wb") as out:
                shutil.copyfileobj(data, out, CHUNK)
        tmp.replace(path)
        return key

    def put_at(self, key: str, stream: BinaryIO) -> None:
        """Write `stream` under an existing key (a restore), as `put` writes: complete or not
        at all."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(key + PARTIAL_SUFFIX)
        with tmp.open("wb") as out:
            shutil.copyfileobj(stream, out)
        tmp.replace(path)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def check(self) -> None:
        """Raise unless a file can be written now (readiness: /readyz)."""
        self.root.mkdir(parents=True, exist_ok=True)  # as the first upload would
        probe = self.root / f".readyz-{os.getpid()}-{secrets.token_hex(4)}"
        probe.write_bytes(b"ok")
        probe.unlink()

    def entries(self) -> Iterator[StoredEntry]:
        """Every file in the store's two-character folders (where `put` writes)."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for path in folder.iterdir():
                try:
                    if path.is_file():
                        yield StoredEntry(path.name, path.stat().st_mtime)
                except FileNotFoundError:  # removed meanwhile (a rollback's delete)
                    continue


def checked_key(key: str) -> str:
    """Keys are generated by us: hex plus a known suffix. Refuse anything else (path traversal,
    or another prefix's objects)."""
    if not key or "/" in key or "\\" in key or key.startswith("."):
        raise FileNotFoundError(key)
    return key


def get_storage() -> Storage:
    config = current_app.config
    if config.get("STORAGE_BACKEND", "local") != "s3":
        return LocalStorage(config["UPLOAD_FOLDER"])
    # One client per app and process (boto3 clients are thread-safe; made on first use, so
    # after gunicorn forks its workers).
    from app.s3storage import S3Storage, s3_client

    client = current_app.extensions.get("smallworks.s3")
    if client is None:
        client = current_app.extensions["smallworks.s3"] = s3_client(config)
    return S3Storage(client, config["S3_BUCKET"], config.get("S3_PREFIX") or "")


def upload_name(filename: str | None) -> str:
    """The name a browser sent for an upload, without any folder it named (old browsers send
    `C:\\文件\\表.pdf`), at most 255 characters: kept for the download, never used on disk."""
    return (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]


def _size_and_head(data: Upload) -> tuple[int, bytes]:
    """The size of an upload and its first 8 KB (type detection), leaving a file at its start."""
    if isinstance(data, bytes):
        return len(data), data[:8192]
    data.seek(0)
    head = data.read(8192)
    size = data.seek(0, os.SEEK_END)
    data.seek(0)
    return size, head


def _sha256(data: Upload) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    data.seek(0)
    while chunk := data.read(CHUNK):
        digest.update(chunk)
    data.seek(0)
    return digest.hexdigest()


def check_upload(data: Upload, max_bytes: int) -> str:
    """Return the content type detected from the content, or refuse the upload (a file is read
    only for its first 8 KB and its size)."""
    size, head = _size_and_head(data)
    if not size:
        raise UploadRejected("上传的文件是空的", "The uploaded file is empty")
    if size > max_bytes:
        mb = max_bytes / (1024 * 1024)
        raise UploadRejected(f"文件超过{mb:g} MB的上限", f"The file exceeds the limit of {mb:g} MB")
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise UploadRejected(
            "只接受PDF或图片（PNG、JPEG、WebP）文件，文件类型按内容判断",
            "Only PDF or image files (PNG, JPEG, WebP) are accepted; the type is read from the content",
        )
    return kind.mime


def store_upload(data: Upload, max_bytes: int) -> StoredFile:
    """Check and write an upload for the row the calling service is adding: kept if the service's
    transaction commits, removed if it rolls back (refused, or failed at the commit) — the one
    way an upload is stored, so no service writes its own commit-or-remove block. Only inside a
    `@transactional` service: outside one, nobody would remove the file of a failed use case.

    `data` is the bytes or a seekable file (streamed: hashed, then copied, a chunk at a time). A
    store that cannot be reached refuses it (`StorageUnavailable`, an `UploadRejected`): the
    service adds no row, and the store holds no object."""
    if not in_transaction():
        raise RuntimeError("store_upload runs inside a @transactional service")
    content_type = check_upload(data, max_bytes)
    size, sha256 = _size_and_head(data)[0], _sha256(data)
    storage = get_storage()
    key = storage.put(data, ALLOWED_TYPES[content_type])
    after_rollback(lambda: storage.delete(key))  # no row names it: do not leave it behind
    return StoredFile(key, content_type, size, sha256)


def delete_when_committed(keys: list[str]) -> None:
    """Remove stored files once the rows that named them are gone for good: a rollback keeps
    them (a failed commit must not leave a row whose file was already deleted)."""
    storage = get_storage()

    def delete() -> None:
        for key in keys:
            storage.delete(key)

    after_commit(delete)


def send_stored(key: str, content_type: str, download_name: str) -> Response:
    """An uploaded file as a download (404 if it is gone): always with the type detected at upload
    and a sandboxing CSP, never rendered inline on our origin. From S3 too it passes through the
    app (after the view's access checks), read and sent a chunk at a time."""
    try:
        handle = get_storage().open(key)
    except FileNotFoundError:
        abort(404)
    except StorageUnavailable:
        abort(503)
    response = send_file(
        handle, mimetype=content_type, as_attachment=True, download_name=download_name
    )
    if response.content_length is None and getattr(handle, "content_length", None) is not None:
        response.content_length = handle.content_length
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---- orphans ------------------------------------------------------------------------------------


def stored_file_columns() -> list:
    """Every column, in every table, marked as holding a storage key (`info=STORED_FILE`)."""
    from app.extensions import db

    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.info.get("stored_file")
    ]


def referenced_keys() -> set[str]:
    """The storage keys some row names now: the files that must stay."""
    from app.extensions import db

    keys: set[str] = set()
    for column in stored_file_columns():
        keys.update(db.session.scalars(select(column).where(column.is_not(None)).distinct()))
    return keys


def sweep_orphans(grace_seconds: float, *, now: float | None = None) -> list[str]:
    """Delete files that no row references and that are older than `grace_seconds`, and
    half-written `.part` files as old; return their names (each deletion is logged).

    Idempotent. Ages come from the file system's clock (`time.time()`), like the files' own
    times. The grace period covers an upload between its write and its commit: a file is taken
    only once no transaction can still be about to name it.
    """
    from app.s3storage import S3Storage

    storage = get_storage()
    cutoff = (time.time() if now is None else now) - grace_seconds
    if isinstance(storage, S3Storage):
        for name in storage.abort_stale_uploads(cutoff):
            log.warning("aborted a multipart upload of %s begun before the grace period", name)
    old = [e for e in storage.entries() if e.modified < cutoff]
    if not old:
        return []
    # Read after listing: a row committed meanwhile names a file already listed, and keeps it.
    keep = referenced_keys()
    removed = []
    for entry in old:
        if not entry.partial and entry.name in keep:
            continue
        # `delete` takes a `.part` name as well: it lives beside its key.
        storage.delete(entry.name)
        log.warning(
            "removed %s upload %s (%.0f s old, no row names it)",
            "a half-written" if entry.partial else "an orphaned",
            entry.name,
            time.time() - entry.modified,
        )
        removed.append(entry.name)
    return removed


def sweep_tick(app: Flask) -> None:
    """The scheduler's tick: remove orphaned uploads (app.scheduler registers it)."""
    from app.extensions import db

    with app.app_context():
        try:
            sweep_orphans(float(app.config["UPLOAD_ORPHAN_GRACE_SECONDS"]))
        finally:
            db.session.remove()
