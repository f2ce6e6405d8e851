"""Artifacts in an S3-compatible bucket (several machines).

The endpoint comes from ``AWS_ENDPOINT_URL`` (``settings.s3_endpoint_url``); credentials
and region from the usual AWS environment. The boto3 client is created lazily in the
process that uses it (never carried across fork); the bucket is created when missing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from chatmrpt.artifacts.base import (
    SHA256_PATTERN,
    ArtifactMissing,
    ArtifactStorageError,
    ArtifactStore,
    storage_key,
)

T = TypeVar("T")
_MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchBucket")


def _transfer_config() -> Any:
    """Multipart uploads of large files in 8 MB parts, two at a time: a web worker storing
    an upload holds about 16 MB of it, never the whole file (boto3's default is ten)."""
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(multipart_threshold=8 * 1024 * 1024,
                          multipart_chunksize=8 * 1024 * 1024, max_concurrency=2)


class S3Artifacts(ArtifactStore):
    backend = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
    ):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._lock = threading.Lock()
        self._client: Any = None
        self._client_pid: int | None = None

    def _key(self, sha256: str) -> str:
        key = storage_key(sha256)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _s3(self) -> Any:
        pid = os.getpid()
        if self._client is not None and self._client_pid == pid:
            return self._client
        with self._lock:
            if self._client is None or self._client_pid != pid:
                import boto3
                from botocore.config import Config

                session = boto3.session.Session()
                region = self.region or session.region_name or "us-east-1"
                config = Config(
                    retries={"max_attempts": 5, "mode": "standard"},
                    connect_timeout=5,
                    read_timeout=60,
                    # path-style addressing for self-hosted endpoints (MinIO, moto...)
                    s3={"addressing_style": "path"} if self.endpoint_url else None,
                )
                client = session.client(
                    "s3", endpoint_url=self.endpoint_url, region_name=region, config=config
                )
                self._ensure_bucket(client, region)
                self._client = client
                self._client_pid = pid
            return self._client

    def _ensure_bucket(self, client: Any, region: str) -> None:
        from botocore.exceptions import ClientError

        try:
            client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _MISSING:
                raise self._error(exc) from exc
        except Exception as exc:
            raise self._error(exc) from exc
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            client.create_bucket(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise self._error(exc) from exc

    def _error(self, exc: Exception) -> ArtifactStorageError:
        return ArtifactStorageError(
            f"The artifact bucket {self.bucket!r} did not answer: {exc}.",
            details={"bucket": self.bucket},
        )

    def _call(self, fn: Callable[[Any], T]) -> T:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(self._s3())
        except ClientError:
            raise
        except BotoCoreError as exc:
            raise self._error(exc) from exc

    @staticmethod
    def _is_missing(exc: Exception) -> bool:
        return getattr(exc, "response", {}).get("Error", {}).get("Code") in _MISSING

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._call(lambda s3: s3.head_object(Bucket=self.bucket, Key=self._key(sha256)))
            return True
        except ClientError as exc:
            if self._is_missing(exc):
                return False
            raise self._error(exc) from exc

    def _write_bytes(self, sha256: str, data: bytes) -> None:
        from botocore.exceptions import ClientError

        try:
            self._call(
                lambda s3: s3.put_object(
                    Bucket=self.bucket,
                    Key=self._key(sha256),
                    Body=data,
                    ContentType="application/octet-stream",
                )
            )
        except ClientError as exc:
            raise self._error(exc) from exc

    def _write_file(self, sha256: str, path: Path) -> None:
        from botocore.exceptions import ClientError

        try:
            self._call(lambda s3: s3.upload_file(str(path), self.bucket, self._key(sha256),
                                                 Config=_transfer_config()))
        except ClientError as exc:
            raise self._error(exc) from exc
        except Exception as exc:  # s3transfer wraps client errors in its own types
            if "S3UploadFailedError" in type(exc).__name__:
                raise self._error(exc) from exc
            raise

    def open(self, sha256: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            obj = self._call(lambda s3: s3.get_object(Bucket=self.bucket, Key=self._key(sha256)))
        except ClientError as exc:
            if self._is_missing(exc):
                raise ArtifactMissing(sha256) from None
            raise self._error(exc) from exc
        return obj["Body"]

    def delete(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        existed = self.exists(sha256)
        try:
            self._call(lambda s3: s3.delete_object(Bucket=self.bucket, Key=self._key(sha256)))
        except ClientError as exc:
            raise self._error(exc) from exc
        return existed

    def size(self, sha256: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            head = self._call(lambda s3: s3.head_object(Bucket=self.bucket, Key=self._key(sha256)))
        except ClientError as exc:
            if self._is_missing(exc):
                return None
            raise self._error(exc) from exc
        return int(head["ContentLength"])

    def iter_blobs(self) -> Iterator[tuple[str, float]]:
        prefix = f"{self.prefix}/sha256/" if self.prefix else "sha256/"
        paginator = self._s3().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                name = obj["Key"].rsplit("/", 1)[-1]
                if SHA256_PATTERN.fullmatch(name):
                    yield name, obj["LastModified"].timestamp()

    def ping(self) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        t0 = time.perf_counter()
        nonce = secrets.token_hex(8)
        key = f"{self.prefix}/.ping/{nonce}" if self.prefix else f".ping/{nonce}"
        try:
            s3 = self._s3()
            s3.put_object(Bucket=self.bucket, Key=key, Body=nonce.encode())
            body = s3.get_object(Bucket=self.bucket, Key=key)["Body"]
            with contextlib.closing(body):
                ok = body.read() == nonce.encode()
            s3.delete_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            raise self._error(exc) from exc
        return {
            "ok": ok,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
        }

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
            if client is not None and self._client_pid == os.getpid():
                with contextlib.suppress(Exception):
                    client.close()
