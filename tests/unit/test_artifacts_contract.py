"""Artifact storage contract: a local folder and S3 (a real moto server process)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest

from chatmrpt.artifacts import (
    ArtifactMissing,
    ArtifactStorageError,
    media_type_for,
    open_artifacts,
    storage_key,
)
from chatmrpt.artifacts.local import LocalArtifacts
from chatmrpt.artifacts.s3 import S3Artifacts
from chatmrpt.config import load_settings
from tests._servers import AWS_TEST_ENV, start_moto


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    # only for this test, not the whole run
    for k, v in AWS_TEST_ENV.items():
        monkeypatch.setenv(k, v)


@pytest.fixture(params=["file", "s3"])
def artifacts(request, tmp_path):
    if request.param == "file":
        store = LocalArtifacts(tmp_path / "artifacts")
    else:
        moto = request.getfixturevalue("moto")
        request.getfixturevalue("aws_env")
        store = S3Artifacts(f"b-{uuid.uuid4().hex[:12]}", "chatmrpt/blobs", endpoint_url=moto.url)
    yield store
    store.close()


def raw_keys(artifacts) -> list[str]:
    """Every key the backend holds, however it is stored."""
    if isinstance(artifacts, LocalArtifacts):
        return sorted(
            str(p.relative_to(artifacts.root)) for p in artifacts.root.rglob("*") if p.is_file()
        )
    s3 = artifacts._s3()
    listing = s3.list_objects_v2(Bucket=artifacts.bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def overwrite_raw(artifacts, sha: str, data: bytes) -> None:
    if isinstance(artifacts, LocalArtifacts):
        path = artifacts.root / storage_key(sha)
        path.write_bytes(data)
    else:
        artifacts._s3().put_object(Bucket=artifacts.bucket, Key=artifacts._key(sha), Body=data)


def test_put_get_by_content_hash(artifacts):
    data = b"WardName,rainfall\nAdewole,12.5\n"
    sha = artifacts.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert artifacts.exists(sha)
    assert artifacts.read_bytes(sha) == data
    assert artifacts.size(sha) == len(data)
    assert [s for s, _ in artifacts.iter_blobs()] == [sha]


def test_the_key_comes_from_the_hash_only(artifacts):
    sha = artifacts.put_bytes(b"abc")
    assert raw_keys(artifacts) == [
        f"chatmrpt/blobs/sha256/{sha[:2]}/{sha}"
        if isinstance(artifacts, S3Artifacts)
        else f"sha256/{sha[:2]}/{sha}"
    ]


def test_storing_the_same_bytes_twice_writes_once(artifacts, monkeypatch):
    writes = []
    real = artifacts._write_bytes
    monkeypatch.setattr(
        artifacts, "_write_bytes", lambda sha, d: (writes.append(sha), real(sha, d))
    )
    first = artifacts.put_bytes(b"same")
    second = artifacts.put_bytes(b"same")
    assert first == second and writes == [first]
    assert len(list(artifacts.iter_blobs())) == 1


def test_put_file_streams_and_matches_put_bytes(artifacts, tmp_path):
    big = os.urandom(3 * 1024 * 1024)
    path = tmp_path / "unified_dataset.parquet"
    path.write_bytes(big)
    sha = artifacts.put_file(path)
    assert sha == hashlib.sha256(big).hexdigest()
    assert artifacts.put_bytes(big) == sha
    dest = artifacts.fetch(sha, tmp_path / "copy.bin")
    assert dest.read_bytes() == big


def test_fetch_detects_a_corrupted_blob(artifacts, tmp_path):
    sha = artifacts.put_bytes(b"original")
    overwrite_raw(artifacts, sha, b"tampered")
    with pytest.raises(ArtifactStorageError):
        artifacts.fetch(sha, tmp_path / "out.bin")
    assert not (tmp_path / "out.bin").exists()


def test_missing_blobs(artifacts, tmp_path):
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not artifacts.exists(sha)
    assert artifacts.size(sha) is None
    with pytest.raises(ArtifactMissing) as info:
        artifacts.read_bytes(sha)
    assert info.value.code == "not_found"
    with pytest.raises(ArtifactMissing):
        artifacts.fetch(sha, tmp_path / "x")
    assert artifacts.delete(sha) is False


def test_delete_and_ensure(artifacts, tmp_path):
    data = b"result file"
    sha = artifacts.put_bytes(data)
    assert artifacts.ensure(sha, data) is False  # present: nothing written
    assert artifacts.delete(sha) is True
    assert not artifacts.exists(sha)
    assert artifacts.ensure(sha, data) is True
    assert artifacts.read_bytes(sha) == data
    path = tmp_path / "f"
    path.write_bytes(data)
    artifacts.delete(sha)
    assert artifacts.ensure(sha, path) is True and artifacts.exists(sha)
    with pytest.raises(ValueError):
        artifacts.ensure(hashlib.sha256(b"other").hexdigest(), data)


def test_invalid_hashes_never_become_keys(artifacts):
    for bad in ("../../etc/passwd", "ABC", "a" * 63, "g" * 64, ""):
        with pytest.raises(ValueError):
            artifacts.exists(bad)


def test_ping(artifacts):
    result = artifacts.ping()
    assert result["ok"] is True and result["backend"] == artifacts.backend
    assert [s for s, _ in artifacts.iter_blobs()] == []  # leaves nothing behind


def test_local_writes_are_atomic_and_leave_no_temp_files(tmp_path):
    store = LocalArtifacts(tmp_path / "a")
    sha = store.put_bytes(b"x" * 1000)
    folder = (tmp_path / "a" / storage_key(sha)).parent
    assert sorted(p.name for p in folder.iterdir()) == [sha]
    # a writer that died mid-write leaves a temp file; the sweep removes old ones
    stale = folder / ".tmp-dead.part"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    fresh = folder / ".tmp-busy.part"
    fresh.write_bytes(b"writing")
    assert store.sweep_temp_files(older_than_s=60) == 1
    assert not stale.exists() and fresh.exists()
    assert [s for s, _ in store.iter_blobs()] == [sha]


def test_s3_creates_its_bucket_and_is_shared_by_two_clients(moto, aws_env):
    bucket = f"b-{uuid.uuid4().hex[:12]}"
    a = S3Artifacts(bucket, "", endpoint_url=moto.url)
    b = S3Artifacts(bucket, "", endpoint_url=moto.url)
    sha = a.put_bytes(b"from a")
    assert b.read_bytes(sha) == b"from a"
    assert raw_keys(a) == [f"sha256/{sha[:2]}/{sha}"]


def test_open_artifacts_from_settings(tmp_path, moto, aws_env):
    settings = load_settings(
        {
            "CHATMRPT_HOME": str(tmp_path),
            "CHATMRPT_ARTIFACTS_URL": "s3://my-bucket/some/prefix",
            "AWS_ENDPOINT_URL": moto.url,
        }
    )
    s3 = open_artifacts(settings.artifacts_url, settings)
    assert isinstance(s3, S3Artifacts)
    assert (s3.bucket, s3.prefix, s3.endpoint_url) == ("my-bucket", "some/prefix", moto.url)
    sha = s3.put_bytes(b"ok")
    assert s3._key(sha) == f"some/prefix/sha256/{sha[:2]}/{sha}"
    local = open_artifacts(load_settings({"CHATMRPT_HOME": str(tmp_path)}).artifacts_url)
    assert isinstance(local, LocalArtifacts) and local.root == Path(tmp_path) / "artifacts"
    for bad in ("ftp://x/y", "s3://", "relative/path"):
        with pytest.raises(ValueError):
            open_artifacts(bad)


def test_media_types():
    assert media_type_for("unified_dataset.csv") == "text/csv"
    assert media_type_for("model_scores.parquet") == "application/vnd.apache.parquet"
    assert media_type_for("unified_dataset.geoparquet") == "application/vnd.apache.parquet"
    assert media_type_for("analysis.json") == "application/json"
    assert media_type_for("mystery.bin") == "application/octet-stream"
