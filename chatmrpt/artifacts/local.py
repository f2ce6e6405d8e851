"""Artifacts in a local folder (the embedded default)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from chatmrpt.artifacts.atomic import atomic_file, fsync_dir
from chatmrpt.artifacts.base import (
    SHA256_PATTERN,
    ArtifactMissing,
    ArtifactStorageError,
    ArtifactStore,
    storage_key,
)

_TMP_PREFIX = ".tmp-"


class LocalArtifacts(ArtifactStore):
    backend = "file"

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.url = f"file://{self.root}"

    def _path(self, sha256: str) -> Path:
        return self.root / storage_key(sha256)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def _write(self, sha256: str, write: Callable[[IO[bytes]], None]) -> None:
        final = self._path(sha256)
        try:
            # readers see the whole blob or none of it; a crash leaves only a .tmp- file
            with atomic_file(final, "wb", prefix=_TMP_PREFIX, suffix=".part") as fh:
                write(fh)
        except OSError as exc:
            raise ArtifactStorageError(
                f"Could not write to the artifact folder {self.root}: {exc.strerror or exc}.",
                details={"root": str(self.root)},
            ) from exc

    def _write_bytes(self, sha256: str, data: bytes) -> None:
        self._write(sha256, lambda fh: fh.write(data))

    def _write_file(self, sha256: str, path: Path) -> None:
        def copy(fh: IO[bytes]) -> None:
            with open(path, "rb") as src:
                shutil.copyfileobj(src, fh, 1 << 20)

        self._write(sha256, copy)

    def open(self, sha256: str) -> IO[bytes]:
        try:
            return open(self._path(sha256), "rb")
        except FileNotFoundError:
            raise ArtifactMissing(sha256) from None

    def delete(self, sha256: str) -> bool:
        path = self._path(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(path.parent)
        return True

    def size(self, sha256: str) -> int | None:
        try:
            return self._path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def iter_blobs(self) -> Iterator[tuple[str, float]]:
        base = self.root / "sha256"
        if not base.is_dir():
            return
        for sub in sorted(base.iterdir()):
            if not sub.is_dir():
                continue
            for f in sorted(sub.iterdir()):
                if SHA256_PATTERN.fullmatch(f.name):
                    with contextlib.suppress(FileNotFoundError):
                        yield f.name, f.stat().st_mtime

    def sweep_temp_files(self, older_than_s: float) -> int:
        """Remove temp files left by writers that died mid-write."""
        base = self.root / "sha256"
        if not base.is_dir():
            return 0
        cutoff = time.time() - older_than_s
        removed = 0
        for f in base.glob(f"*/{_TMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if f.stat().st_mtime < cutoff:
                    f.unlink()
                    removed += 1
        return removed

    def ping(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        nonce = secrets.token_hex(8).encode()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".ping-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(nonce)
                ok = Path(tmp).read_bytes() == nonce
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        except OSError as exc:
            raise ArtifactStorageError(
                f"The artifact folder {self.root} is not writable: {exc.strerror or exc}."
            ) from exc
        return {
            "ok": ok,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 3),
        }
