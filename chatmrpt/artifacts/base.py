"""Immutable, content-addressed blob storage for uploads and results.

A blob is stored under a key derived only from its sha256 (``sha256/ab/abcdef...``);
what the file is called, its media type and which session it belongs to are artifact
records in the store, never part of a key. Storing the same bytes twice stores them once.

Deleting is coordinated through the store (``chatmrpt.store.base``): a blob's record
counts the artifact records that reference it; retention cleanup marks an unreferenced
blob, deletes its bytes, then drops the record. Writers link first and then ``ensure``
the bytes, so a blob that cleanup removed a moment before is written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from chatmrpt.errors import ChatMRPTError

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class ArtifactMissing(ChatMRPTError):
    def __init__(self, sha256: str):
        super().__init__(
            "not_found",
            f"The stored file {sha256[:12]}... is missing from artifact storage.",
            details={"sha256": sha256},
        )


class ArtifactStorageError(ChatMRPTError):
    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__("store_unavailable", message, details=details)


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not SHA256_PATTERN.fullmatch(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


def storage_key(sha256: str) -> str:
    """The one place a storage key is made: from the hash alone."""
    check_sha256(sha256)
    return f"sha256/{sha256[:2]}/{sha256}"


def sha256_of_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ArtifactStore(ABC):
    backend: str = "?"
    url: str = ""

    # ---- per backend ------------------------------------------------------------------

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def _write_bytes(self, sha256: str, data: bytes) -> None: ...

    @abstractmethod
    def _write_file(self, sha256: str, path: Path) -> None: ...

    @abstractmethod
    def open(self, sha256: str) -> IO[bytes]:
        """A readable binary stream of the blob (close it after use)."""

    @abstractmethod
    def delete(self, sha256: str) -> bool:
        """Remove the bytes; True when they were there. Only retention cleanup calls this."""

    @abstractmethod
    def size(self, sha256: str) -> int | None: ...

    @abstractmethod
    def iter_blobs(self) -> Iterator[tuple[str, float]]:
        """Every stored blob as ``(sha256, last-modified epoch seconds)``."""

    @abstractmethod
    def ping(self) -> dict[str, Any]: ...

    def close(self) -> None:  # noqa: B027 - optional for backends
        pass

    # ---- shared -----------------------------------------------------------------------

    def put_bytes(self, data: bytes) -> str:
        """Store ``data``; returns its sha256. Idempotent: existing blobs are not rewritten."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            self._write_bytes(sha, data)
        return sha

    def put_file(self, path: str | Path) -> str:
        path = Path(path)
        sha = sha256_of_file(path)
        if not self.exists(sha):
            self._write_file(sha, path)
        return sha

    def ensure(self, sha256: str, source: bytes | str | Path) -> bool:
        """Make sure the blob is stored (after linking it); True when it had to be written."""
        if self.exists(sha256):
            return False
        if isinstance(source, bytes):
            if hashlib.sha256(source).hexdigest() != sha256:
                raise ValueError("bytes do not match the expected sha256")
            self._write_bytes(sha256, source)
        else:
            path = Path(source)
            if sha256_of_file(path) != sha256:
                raise ValueError(f"{path.name} does not match the expected sha256")
            self._write_file(sha256, path)
        return True

    def read_bytes(self, sha256: str) -> bytes:
        with contextlib.closing(self.open(sha256)) as fh:
            return fh.read()

    def fetch(self, sha256: str, dest: str | Path) -> Path:
        """Copy a blob to ``dest`` and check its hash on the way."""
        dest = Path(dest)
        h = hashlib.sha256()
        with contextlib.closing(self.open(sha256)) as src, open(dest, "wb") as out:
            for block in iter(lambda: src.read(1 << 20), b""):
                h.update(block)
                out.write(block)
        if h.hexdigest() != sha256:
            dest.unlink(missing_ok=True)
            raise ArtifactStorageError(
                f"The stored file {sha256[:12]}... is corrupt (its content changed).",
                details={"sha256": sha256},
            )
        return dest
