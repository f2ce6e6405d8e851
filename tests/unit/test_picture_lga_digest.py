"""The digest of the LGA names file, part of every picture's key, is read once per version
of the file: the same for an unchanged file, new when the file changes, and the file is not
opened again for a second picture."""

from __future__ import annotations

import builtins
import io
import os
from types import SimpleNamespace

from chatmrpt.service.pictures import lga_names_digest


def runtime(path):
    return SimpleNamespace(settings=SimpleNamespace(lga_names_file=path))


def counted_opens(monkeypatch, path):
    opened: list[str] = []
    real = io.open

    def counting(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            opened.append(os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting)
    monkeypatch.setattr(builtins, "open", counting)
    return opened


def test_the_digest_is_the_same_for_an_unchanged_file(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("code,name\n20001,Rimai\n")
    assert lga_names_digest(runtime(path)) == lga_names_digest(runtime(path))


def test_the_digest_changes_with_the_file(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("code,name\n20001,Rimai\n")
    first = lga_names_digest(runtime(path))
    before = path.stat().st_mtime_ns
    path.write_text("code,name\n20001,Ganja\n")
    os.utime(path, ns=(before + 5_000_000_000, before + 5_000_000_000))
    assert lga_names_digest(runtime(path)) != first


def test_the_file_is_not_reopened_for_a_second_digest(tmp_path, monkeypatch):
    path = tmp_path / "names.csv"
    path.write_text("code,name\n20001,Rimai\n20002,Ganja\n")
    opened = counted_opens(monkeypatch, path)
    first = lga_names_digest(runtime(path))
    second = lga_names_digest(runtime(path))
    assert first == second
    assert len(opened) == 1, opened


def test_no_file_and_an_unreadable_file(tmp_path):
    assert lga_names_digest(runtime(None)) is None
    assert lga_names_digest(runtime(tmp_path / "missing.csv")) == "unreadable"
