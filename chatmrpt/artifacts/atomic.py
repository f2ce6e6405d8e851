"""Writing files so that a reader sees the whole file or none of it: the one implementation.

A file is written under a temporary name in the folder it goes to, flushed to disk and
renamed over the target (``os.replace`` is atomic within a folder); a failure leaves the
target as it was and removes the temporary file. Several files that belong together are
written into a staging folder beside their destination and moved in one by one, in an
order the caller chooses (the file that marks a complete result last).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_file(
    path: str | Path,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    prefix: str | None = None,
    suffix: str = ".tmp",
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing; it appears, complete, when the block ends without error.

    ``mode`` is ``"wb"`` or ``"w"`` (text, with ``encoding`` and ``newline``). The
    temporary file is ``<prefix><random><suffix>`` in the same folder (default prefix:
    ``.<name>.``), so the rename never crosses file systems.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_file writes new files only, not mode {mode!r}")
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{prefix if prefix is not None else f'.{path.name}.'}" \
        f"{os.getpid()}-{secrets.token_hex(6)}{suffix}"
    try:
        with open(tmp, mode.replace("w", "x"), encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def write_atomically(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text as ``encoding``) to ``path`` atomically."""
    if isinstance(data, str):
        data = data.encode(encoding)
    with atomic_file(path, "wb") as fh:
        fh.write(data)
    return Path(path)


@contextlib.contextmanager
def staging_folder(out_dir: str | Path, suffix: str = "") -> Iterator[Path]:
    """A new, empty folder beside ``out_dir`` to write files into before :func:`publish`
    moves them in; removed afterwards with whatever is left in it."""
    out_dir = Path(out_dir)
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out_dir.name}.tmp-{os.getpid()}-{secrets.token_hex(6)}{suffix}"
    tmp.mkdir()
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(staging: Path, out_dir: str | Path, names: Iterable[str]) -> list[Path]:
    """Flush the staged files ``names`` to disk, then rename each into ``out_dir`` in that
    order. Returns their final paths."""
    names = list(names)
    out_dir = Path(out_dir)
    for name in names:
        _fsync(staging / name)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(staging / name, out_dir / name)
    fsync_dir(out_dir)
    return [out_dir / name for name in names]
