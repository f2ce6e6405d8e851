"""Artifact storage: immutable, content-addressed blobs in a folder or an S3 bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from chatmrpt.artifacts.base import (
    ArtifactMissing,
    ArtifactStorageError,
    ArtifactStore,
    check_sha256,
    sha256_of_file,
    storage_key,
)

if TYPE_CHECKING:
    from chatmrpt.config import Settings

__all__ = [
    "ArtifactMissing",
    "ArtifactStorageError",
    "ArtifactStore",
    "check_sha256",
    "media_type_for",
    "open_artifacts",
    "sha256_of_file",
    "storage_key",
]

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".geoparquet": "application/vnd.apache.parquet",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".html": "text/html",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".gpkg": "application/geopackage+sqlite3",
    ".txt": "text/plain",
    ".tsv": "text/tab-separated-values",
}


def media_type_for(name: str) -> str:
    lower = name.lower()
    for ext, media_type in MEDIA_TYPES.items():
        if lower.endswith(ext):
            return media_type
    return "application/octet-stream"


def open_artifacts(url: str, settings: Settings | None = None) -> ArtifactStore:
    """The artifact storage behind a resolved ``CHATMRPT_ARTIFACTS_URL``."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        from chatmrpt.artifacts.local import LocalArtifacts
        from chatmrpt.config import file_path

        return LocalArtifacts(file_path(url))
    if parsed.scheme == "s3":
        from chatmrpt.artifacts.s3 import S3Artifacts

        if not parsed.netloc:
            raise ValueError(f"CHATMRPT_ARTIFACTS_URL {url!r} names no bucket (s3://BUCKET/PREFIX)")
        return S3Artifacts(
            parsed.netloc,
            parsed.path.strip("/"),
            endpoint_url=settings.s3_endpoint_url if settings is not None else None,
        )
    raise ValueError(
        f"CHATMRPT_ARTIFACTS_URL {url!r} is not supported; use file:///ABS/PATH or "
        "s3://BUCKET/PREFIX"
    )
