"""Unpacking uploaded zip files without trusting anything inside them.

A zip's member names, sizes and file types are all written by whoever made the zip. Every
member is checked before anything is written: no absolute or parent-relative paths, no
links or device files, bounded count, total size and compression ratio. Names are then
rebuilt from a cleaned relative form, and the size limits are enforced again while
writing, because the declared sizes can lie.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from chatmrpt.errors import InputError, describe_rows

MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200
# Below this size a high compression ratio is harmless (a .dbf of padded text fields can
# compress 100-fold); zip bombs need large members to do damage.
RATIO_CHECK_MIN_BYTES = 1024 * 1024

_UNSAFE_CHARS = re.compile(r"[^\w.\- ]", re.UNICODE)
_CHUNK = 1 << 16


def _unsafe(archive: str, message: str, **details) -> InputError:
    return InputError(
        "unsafe_archive",
        f"The zip file {archive} was refused: {message}. Re-create the zip with only the "
        "data files in it.",
        details={"file": archive, **details},
    )


def _broken(archive: str, reason: str) -> InputError:
    return InputError(
        "broken_archive",
        f"The zip file {archive} is damaged or incomplete ({reason}). Re-create the zip and "
        "upload it again.",
        details={"file": archive, "reason": reason},
    )


def _show(name: str) -> str:
    """A member name fit for a message: quoted, control characters made visible."""
    return "'" + "".join(ch if ch.isprintable() else "?" for ch in name) + "'"


def _is_ignored(parts: tuple[str, ...]) -> bool:
    """macOS resource forks and hidden files carry nothing a reader needs."""
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def _member_parts(info: zipfile.ZipInfo, archive: str) -> tuple[str, ...]:
    """The member's path as validated relative parts; refuses anything that could escape."""
    raw = info.filename
    if "\x00" in raw:
        raise _unsafe(archive, f"member {_show(raw)} has a NUL character in its name", member=raw)
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise _unsafe(archive, f"member {_show(raw)} has an absolute path", member=raw)
    parts = tuple(p for p in PurePosixPath(name).parts if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise _unsafe(archive, f"member {_show(raw)} points outside the archive folder", member=raw)
    if any(":" in p for p in parts):
        raise _unsafe(archive, f"member {_show(raw)} has a drive or stream name", member=raw)
    return parts


def _member_mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0xFFFF


def _clean_part(part: str) -> str:
    cleaned = _UNSAFE_CHARS.sub("_", part).strip(" ")
    return cleaned[:200] or "_"


def safe_extract_zip(
    path,
    dest_dir,
    *,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_members: int = MAX_MEMBERS,
    max_ratio: float = MAX_RATIO,
    display_name: str | None = None,
) -> list[Path]:
    """Extract the regular files of a zip into ``dest_dir``; return their paths.

    Refuses (``unsafe_archive``) absolute paths, "..", drive letters, links and device
    files, more than ``max_members`` members, more than ``max_total_bytes`` uncompressed,
    and members compressed more than ``max_ratio`` to 1 (zip bombs). A damaged zip (not a
    zip, truncated, bad CRC, encrypted, unknown compression) raises ``broken_archive``.
    ``__MACOSX/`` and hidden files are skipped. Extracted names keep only letters, digits,
    ".", "-", "_" and spaces.
    """
    archive = display_name or Path(path).name
    dest = Path(dest_dir).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _broken(archive, f"not a readable zip: {exc}") from exc
    except (OSError, EOFError, ValueError) as exc:
        raise _broken(archive, str(exc) or type(exc).__name__) from exc

    with zf:
        members = zf.infolist()
        if len(members) > max_members:
            raise _unsafe(
                archive, f"it has {len(members)} members (at most {max_members} are accepted)"
            )
        plan: list[tuple[zipfile.ZipInfo, Path]] = []
        targets: set[Path] = set()
        declared_total = 0
        for info in members:
            parts = _member_parts(info, archive)
            mode = _member_mode(info)
            file_type = stat.S_IFMT(mode)
            if file_type == stat.S_IFLNK:
                raise _unsafe(archive, f"member {_show(info.filename)} is a symbolic link",
                              member=info.filename)  # fmt: skip
            if info.is_dir() or not parts or file_type == stat.S_IFDIR:
                continue
            # Only Unix-made zips carry a trustworthy file type in the high bits.
            if info.create_system == 3 and file_type not in (0, stat.S_IFREG):
                raise _unsafe(archive, f"member {_show(info.filename)} is not a regular file",
                              member=info.filename)  # fmt: skip
            if _is_ignored(parts):
                continue
            if info.flag_bits & 0x1:
                raise _broken(archive, f"member {_show(info.filename)} is password-protected")
            declared_total += info.file_size
            if declared_total > max_total_bytes:
                raise _unsafe(
                    archive,
                    f"its contents would take more than {max_total_bytes // (1024 * 1024)} MB",
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > max_ratio:
                raise _unsafe(
                    archive,
                    f"member {_show(info.filename)} is compressed {ratio:.0f} to 1 (a zip bomb?)",
                    member=info.filename,
                )
            target = dest.joinpath(*(_clean_part(p) for p in parts))
            # Defence in depth: the cleaned path must still lie inside the destination.
            if not target.resolve().is_relative_to(dest) or target in targets or target.exists():
                raise _unsafe(archive, f"member {_show(info.filename)} has a clashing or unsafe name",
                              member=info.filename)  # fmt: skip
            targets.add(target)
            plan.append((info, target))

        extracted: list[Path] = []
        try:
            _write_members(zf, plan, extracted, archive, max_total_bytes)
        except InputError:
            # Leave nothing half-written behind.
            for done in extracted:
                done.unlink(missing_ok=True)
            raise
    return extracted


def _write_members(
    zf: zipfile.ZipFile,
    plan: list[tuple[zipfile.ZipInfo, Path]],
    extracted: list[Path],
    archive: str,
    max_total_bytes: int,
) -> None:
    written_total = 0
    for info, target in plan:
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with zf.open(info) as src, open(target, "xb") as out:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    written_total += len(chunk)
                    if written > info.file_size or written_total > max_total_bytes:
                        raise _unsafe(
                            archive, f"member {_show(info.filename)} is larger than declared"
                        )
                    out.write(chunk)
        except InputError:
            target.unlink(missing_ok=True)
            raise
        except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error, OSError,
                ValueError, RuntimeError) as exc:  # fmt: skip
            target.unlink(missing_ok=True)
            reason = str(exc) or "truncated data"
            raise _broken(archive, f"member {_show(info.filename)}: {reason}") from exc
        extracted.append(target)


def list_zip_members(path, *, display_name: str | None = None) -> list[str]:
    """Member names of a zip (for messages), or ``broken_archive``."""
    archive = display_name or Path(path).name
    try:
        with zipfile.ZipFile(path) as zf:
            return [i.filename for i in zf.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _broken(archive, f"not a readable zip: {exc}") from exc


def describe_members(names: list[str]) -> str:
    return describe_rows(names, 12) or "nothing"
