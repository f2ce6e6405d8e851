"""safe_extract_zip refuses hostile zips and extracts honest ones."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from chatmrpt.analysis.archives import safe_extract_zip
from chatmrpt.errors import InputError


def make_zip(path: Path, members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_extracts_files_in_sub_folders_and_skips_mac_clutter(tmp_path):
    archive = make_zip(
        tmp_path / "wards.zip",
        {
            "Kano wards/wards.shp": b"shp",
            "Kano wards/wards.dbf": b"dbf",
            "Kano wards/": b"",
            "__MACOSX/Kano wards/._wards.shp": b"junk",
            "Kano wards/.DS_Store": b"junk",
        },
    )
    out = tmp_path / "out"
    paths = safe_extract_zip(archive, out)
    assert sorted(p.name for p in paths) == ["wards.dbf", "wards.shp"]
    assert files_under(out) == ["Kano wards/wards.dbf", "Kano wards/wards.shp"]
    assert (out / "Kano wards" / "wards.shp").read_bytes() == b"shp"


def test_member_names_are_cleaned(tmp_path):
    archive = make_zip(tmp_path / "w.zip", {"data/Kano wärds$;|.shp": b"x", "a/./b.txt": b"y"})
    out = tmp_path / "out"
    paths = safe_extract_zip(archive, out)
    names = sorted(str(p.relative_to(out.resolve())) for p in paths)
    assert names == ["a/b.txt", "data/Kano wärds___.shp"]


@pytest.mark.parametrize(
    "member",
    [
        "../evil.shp",
        "wards/../../evil.shp",
        "/etc/evil.shp",
        "C:/evil.shp",
        "..\\evil.shp",
        "wards\\..\\..\\evil.shp",
    ],  # fmt: skip
)
def test_zip_slip_is_refused(tmp_path, member):
    archive = make_zip(tmp_path / "slip.zip", {"ok.dbf": b"fine", member: b"evil"})
    out = tmp_path / "deep" / "out"
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, out)
    assert err.value.code == "unsafe_archive"
    assert "slip.zip" in err.value.message
    assert member in err.value.message
    # Nothing written anywhere, not even the harmless member.
    assert files_under(tmp_path) == ["slip.zip"]


def test_symlink_member_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("wards.shp")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, tmp_path / "out")
    assert err.value.code == "unsafe_archive"
    assert "symbolic link" in err.value.message


def test_zip_bomb_is_refused(tmp_path):
    # 20 MB of zeros deflates to about 20 KB: a ratio near 1000.
    archive = make_zip(tmp_path / "bomb.zip", {"wards.dbf": b"\0" * (20 * 1024 * 1024)})
    assert archive.stat().st_size < 100_000
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, tmp_path / "out")
    assert err.value.code == "unsafe_archive"
    assert "zip bomb" in err.value.message
    assert not (tmp_path / "out" / "wards.dbf").exists()


def test_small_highly_compressible_files_are_fine(tmp_path):
    # A .dbf of padded text compresses very well without being dangerous.
    archive = make_zip(tmp_path / "ok.zip", {"wards.dbf": b" " * 500_000})
    assert len(safe_extract_zip(archive, tmp_path / "out")) == 1


def test_total_size_and_member_count_limits(tmp_path):
    archive = make_zip(
        tmp_path / "big.zip", {f"f{i}.txt": bytes(range(256)) * 40 for i in range(6)}
    )
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, tmp_path / "a", max_total_bytes=30_000)
    assert err.value.code == "unsafe_archive"
    assert "MB" in err.value.message
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, tmp_path / "b", max_members=5)
    assert err.value.code == "unsafe_archive"
    assert "6 members" in err.value.message
    assert len(safe_extract_zip(archive, tmp_path / "c", max_members=6)) == 6


def test_not_a_zip_is_broken(tmp_path):
    path = tmp_path / "wards.zip"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(InputError) as err:
        safe_extract_zip(path, tmp_path / "out")
    assert err.value.code == "broken_archive"
    assert "wards.zip" in err.value.message


def test_truncated_zip_is_broken(tmp_path):
    archive = make_zip(tmp_path / "full.zip", {"wards.shp": bytes(range(256)) * 400})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(InputError) as err:
        safe_extract_zip(cut, tmp_path / "out")
    assert err.value.code == "broken_archive"


def test_bad_crc_is_broken_and_leaves_nothing(tmp_path):
    payload = b"WARD-DATA-" * 100
    archive = make_zip(
        tmp_path / "crc.zip",
        {"a.txt": b"fine", "wards.shp": payload},
        compression=zipfile.ZIP_STORED,
    )
    data = bytearray(archive.read_bytes())
    at = data.find(payload)
    data[at + 5] ^= 0xFF  # damage the stored bytes; the recorded CRC no longer fits
    archive.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        safe_extract_zip(archive, tmp_path / "out")
    assert err.value.code == "broken_archive"
    assert "wards.shp" in err.value.message
    assert files_under(tmp_path / "out") == []
