"""The one atomic-write helper: a file or a set of files appears whole or not at all."""

from __future__ import annotations

import pytest

from chatmrpt.artifacts.atomic import atomic_file, publish, staging_folder, write_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    write_atomically(target, "a,b\n1,2\n")
    assert target.read_text() == "a,b\n1,2\n"
    with pytest.raises(RuntimeError), atomic_file(target, "w", encoding="utf-8") as fh:
        fh.write("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.csv"]


def test_only_new_files_are_written(tmp_path):
    with pytest.raises(ValueError), atomic_file(tmp_path / "x", "ab"):
        pass


def test_staged_files_move_in_in_order_and_the_staging_folder_goes(tmp_path):
    out = tmp_path / "results"
    with staging_folder(out) as stage:
        (stage / "data.csv").write_text("x\n")
        (stage / "done.json").write_text("{}\n")
        paths = publish(stage, out, ["data.csv", "done.json"])
    assert paths == [out / "data.csv", out / "done.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    with pytest.raises(FileNotFoundError), staging_folder(out) as stage:
        publish(stage, out, ["missing.csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    assert (out / "done.json").read_text() == "{}\n"
