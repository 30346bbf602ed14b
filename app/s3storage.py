"""The S3-compatible backend of app.storage (STORAGE_BACKEND=s3): objects in a bucket under the
same keys as the local folder's, written and read as streams, through boto3."""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from app.storage import (
    S3_PART_BYTES,
    StorageUnavailable,
    StoredEntry,
    Upload,
    checked_key,
)

log = logging.getLogger("smallworks.storage")


class S3Storage:
    """Objects in an S3-compatible bucket, named `S3_PREFIX` + key.

    An object appears only once its upload is complete (S3 makes a PUT or a multipart upload
    visible whole, or not at all), so no `.part` is ever written; a multipart upload cut off
    midway stays invisible and `abort_stale_uploads` (the sweep) drops it after the grace period.
    """

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, data: Upload, suffix: str) -> str:
        key = secrets.token_hex(16) + suffix
        self.put_at(key, io.BytesIO(data) if isinstance(data, bytes) else data)
        return key

    def put_at(self, key: str, stream: BinaryIO) -> None:
        from boto3.s3.transfer import TransferConfig

        # boto3 holds each part it sends in memory (by default up to ten 8 MB parts at once, and
        # a whole file under 8 MB): one 5 MB part at a time (S3's smallest) keeps a worker's
        # memory the same whatever the size of the file, at a small cost in speed.
        parts = TransferConfig(
            multipart_threshold=S3_PART_BYTES, multipart_chunksize=S3_PART_BYTES, use_threads=False
        )
        with _unavailable_on_error():
            self.client.upload_fileobj(stream, self.bucket, self._name(key), Config=parts)

    def open(self, key: str) -> BinaryIO:
        """The object's body, streamed as it is read (close it when done)."""
        with _unavailable_on_error():
            try:
                found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            except self.client.exceptions.NoSuchKey:
                raise FileNotFoundError(key) from None
        body = found["Body"]
        # The size, for the download's Content-Length (a local file's comes from the file system).
        body.content_length = found["ContentLength"]
        return body

    def delete(self, key: str) -> None:
        with _unavailable_on_error():
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def check(self) -> None:
        """Raise `StorageUnavailable` unless the bucket answers with our credentials (readiness;
        a HEAD, so /readyz writes nothing into the bucket)."""
        with _unavailable_on_error():
            self.client.head_bucket(Bucket=self.bucket)

    def entries(self) -> Iterator[StoredEntry]:
        """Every object under the prefix, with its LastModified (for the sweep's grace)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with _unavailable_on_error():
            for page in pages:
                for obj in page.get("Contents", []):
                    name = obj["Key"][len(self.prefix) :]
                    if name and "/" not in name:  # not ours: a deeper "folder" under the prefix
                        yield StoredEntry(name, obj["LastModified"].timestamp())

    def abort_stale_uploads(self, cutoff: float) -> list[str]:
        """Abort multipart uploads under the prefix begun before `cutoff` (a worker died midway:
        their parts are stored, and billed, but never become an object)."""
        aborted = []
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        with _unavailable_on_error():
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].timestamp() >= cutoff:
                        continue
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted.append(upload["Key"])
        return aborted


@contextmanager
def _unavailable_on_error():
    """A store that cannot be reached, or that refuses us (no bucket, bad credentials), is
    `StorageUnavailable`: callers refuse the upload with one clear message."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as e:
        log.error("file storage failed: %s", e)
        raise StorageUnavailable() from e


def s3_client(settings):
    """A boto3 S3 client from the S3_* settings: short timeouts and few retries, so an upload to
    an unreachable store is refused within seconds rather than holding a worker."""
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        endpoint_url=settings.get("S3_ENDPOINT_URL") or None,
        region_name=settings.get("S3_REGION") or None,
        aws_access_key_id=settings.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=settings.get("S3_SECRET_ACCESS_KEY") or None,
        config=BotoConfig(
            connect_timeout=float(settings.get("S3_CONNECT_TIMEOUT") or 5),
            read_timeout=float(settings.get("S3_READ_TIMEOUT") or 60),
            retries={"max_attempts": 3, "mode": "standard"},
            # Path-style (`endpoint/bucket/key`): what MinIO and most other S3-compatible
            # stores expect behind a plain host name.
            s3={"addressing_style": "path"},
        ),
    )
