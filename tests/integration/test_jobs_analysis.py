"""The analysis job end to end on the real Ilorin wards, through the service functions."""

from __future__ import annotations

import threading
import uuid

import pytest

from chatmrpt.errors import InputError
from chatmrpt.jobs.consumer import run_consumers
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.service import add_dataset, create_session, get_analysis, submit_analysis
from chatmrpt.store import Key
from tests._jobkinds import settings_env, settings_from, wait_for
from tests._servers import start_moto, start_redis

OUTPUTS = {
    "unified_dataset.csv": "text/csv",
    "unified_dataset.geoparquet": "application/vnd.apache.parquet",
    "model_scores.parquet": "application/vnd.apache.parquet",
    "models.csv": "text/csv",
    "analysis.json": "application/json",
}


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    server = start_moto(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis", "redis+s3"])
def settings(request, tmp_path, monkeypatch):
    """The embedded default; Redis; Redis and S3 (the several-machines set-up)."""
    server = start_redis(tmp_path) if request.param.startswith("redis") else None
    extra = {}
    if request.param.endswith("s3"):
        moto = request.getfixturevalue("moto")
        for k, v in moto.env.items():
            monkeypatch.setenv(k, v)  # boto3 reads credentials from the environment
        extra = {
            "CHATMRPT_ARTIFACTS_URL": f"s3://chatmrpt-{uuid.uuid4().hex[:12]}/blobs",
            "AWS_ENDPOINT_URL": moto.url,
        }
    yield settings_from(settings_env(tmp_path / "home", server.url if server else None, **extra))
    if server:
        server.kill()


@pytest.fixture
def rt(settings):
    runtime = open_runtime(settings)
    yield runtime
    runtime.close()


@pytest.fixture
def consumer(settings):
    """An in-process consumer (as ``chatmrpt serve`` may run one), stopped afterwards."""
    stop = threading.Event()
    t = threading.Thread(target=run_consumers, args=(settings, 1, stop), kwargs={"grace_s": 5})
    t.start()
    yield
    stop.set()
    t.join(30)
    assert not t.is_alive()


def ilorin(real_data):
    return dict(
        table=real_data["ilorin_table"].read_bytes(),
        table_name="ilorin_variables.csv",
        boundaries=real_data["ilorin_boundaries"].read_bytes(),
        boundaries_name="ilorin_wards.zip",
    )


def wait_final(rt, sid, aid, timeout=60):
    return wait_for(
        lambda: (a := rt.store.get_analysis(sid, aid))["status"] in ("succeeded", "failed") and a,
        timeout,
        "the analysis to finish",
    )


def test_analysis_of_the_ilorin_wards(rt, consumer, real_data, settings):
    assert rt.artifacts.backend == ("s3" if settings.artifacts_url.startswith("s3") else "file")
    session, _ = create_session(rt)
    sid = session["id"]
    dataset = add_dataset(rt, sid, **ilorin(real_data))
    assert dataset["wards"] == 35 and dataset["has_boundaries"] is True
    assert dataset["reused"] is False and dataset["variables"]
    assert {a["name"] for a in rt.store.list_artifacts(sid)} == {
        "ilorin_variables.csv",
        "ilorin_wards.zip",
    }

    record, reused = submit_analysis(rt, sid, None, {})
    assert reused is False and record["status"] == "queued"
    done = wait_final(rt, sid, record["id"])
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"] == 1.0 and done["job_id"] == record["job_id"]
    assert done["summary"]["wards"] == 35 and done["summary"]["analysis_id"] == record["id"]
    assert {a["name"]: a["media_type"] for a in done["artifacts"]} == OUTPUTS
    for art in done["artifacts"]:
        assert rt.artifacts.size(art["sha256"]) == art["size"]
    assert rt.store.get_session(sid)["state"] == {
        "current_dataset": dataset["dataset_id"],
        "current_analysis": record["id"],
    }
    events = [e["type"] for e in rt.store.events(sid)]
    assert events[:2] == ["dataset.added", "job.queued"] and events[-1] == "job.succeeded"
    assert "job.progress" in events

    # asking again: the stored analysis, no new job; the same files: the same dataset
    again, reused = submit_analysis(
        rt, sid, dataset["dataset_id"], {"methods": ["pca", "composite"]}
    )
    assert reused is True and again["id"] == record["id"]
    assert len(rt.store.session_jobs(sid)) == 1
    assert add_dataset(rt, sid, **ilorin(real_data)) == {**dataset, "reused": True}
    assert get_analysis(rt, sid, record["id"])["status"] == "succeeded"


def test_analysis_that_fails_on_input_leaves_the_session_as_it_was(rt, consumer, real_data):
    session, _ = create_session(rt)
    sid = session["id"]
    dataset = add_dataset(rt, sid, **ilorin(real_data))
    before = rt.store.get_session(sid)
    # what the dataset's summary shows to be wrong is refused before any job exists
    with pytest.raises(InputError) as info:
        submit_analysis(rt, sid, None, {"variables": ["no_such_column", "other"]})
    assert info.value.code == "unknown_variable"
    assert rt.store.get_session(sid) == before and rt.store.session_jobs(sid) == []
    # what only the data shows fails in the job: "sparse" has a value for 2 wards of 35
    table = real_data["ilorin_table"].read_text().splitlines()
    table = [table[0] + ",sparse"] + [
        row + ("," + str(i) if i < 2 else ",") for i, row in enumerate(table[1:])
    ]
    dataset = add_dataset(rt, sid, "\n".join(table).encode(), "ilorin_sparse.csv")
    before = rt.store.get_session(sid)
    record, _ = submit_analysis(rt, sid, None, {"variables": ["sparse", "distance"]})
    done = wait_final(rt, sid, record["id"])
    assert done["status"] == "failed"
    assert done["error"]["code"] == "too_few_variables"
    assert "sparse" in done["error"]["message"]
    assert rt.store.get_session(sid) == before
    assert {a["name"] for a in rt.store.list_artifacts(sid)} == {
        "ilorin_variables.csv",
        "ilorin_wards.zip",
        "ilorin_sparse.csv",
    }
    # a failed analysis asked for again gets a new attempt with a new job
    again, reused = submit_analysis(
        rt, sid, dataset["dataset_id"], {"variables": ["distance", "sparse"]}
    )
    assert reused is False and again["id"] == record["id"]
    assert again["job_id"] != record["job_id"] and again["runs"] == 2
    wait_final(rt, sid, record["id"])
    assert len(rt.store.session_jobs(sid)) == 2


def test_upload_errors_name_the_file(rt, real_data, tmp_path):
    session, _ = create_session(rt)
    sid = session["id"]
    with pytest.raises(InputError) as info:
        add_dataset(rt, sid, b"a,b\n1,2\n", "wards.docx", None, None)
    assert info.value.code == "unsupported_file_type" and "wards.docx" in info.value.message
    with pytest.raises(InputError) as info:
        add_dataset(rt, sid, b"", "wards.csv", None, None)
    assert info.value.code == "empty_file"
    with pytest.raises(InputError) as info:
        add_dataset(rt, sid, real_data["ilorin_table"].read_bytes(), "w.csv", b"x", "b.shp")
    assert info.value.code == "unsupported_file_type"
    with pytest.raises(InputError) as info:
        add_dataset(rt, sid, b"just some words without a ward column\n", "notes.csv", None, None)
    assert info.value.code != "internal_error"
    with pytest.raises(InputError) as info:
        add_dataset(rt, "f" * 32, b"x", "w.csv", None, None)
    assert info.value.code == "not_found"
    assert rt.store.list_datasets(sid) == [] and rt.store.list_artifacts(sid) == []
    assert rt.store.get_session(sid)["state"] == {}


def test_upload_size_limit(tmp_path):
    env = settings_env(tmp_path / "home", CHATMRPT_MAX_UPLOAD_MB="1")
    with open_runtime(settings_from(env)) as rt:
        session, _ = create_session(rt)
        with pytest.raises(InputError) as info:
            add_dataset(rt, session["id"], b"x" * (1024 * 1024 + 1), "big.csv", None, None)
        assert info.value.code == "file_too_large"


def test_submission_errors(rt):
    session, _ = create_session(rt)
    sid = session["id"]
    with pytest.raises(InputError) as info:
        submit_analysis(rt, sid, None, {})
    assert info.value.code == "invalid_request"
    with pytest.raises(InputError) as info:
        submit_analysis(rt, sid, "e" * 64, {})
    assert info.value.code == "not_found"
    rt.store.create(Key.dataset(sid, "e" * 64), {"id": "e" * 64})
    with pytest.raises(InputError) as info:
        submit_analysis(rt, sid, "e" * 64, {"normalization": "cubic"})
    assert info.value.code == "invalid_parameter"
    with pytest.raises(InputError) as info:
        get_analysis(rt, sid, "0" * 64)
    assert info.value.code == "not_found"
    assert rt.store.session_jobs(sid) == [] and rt.queue.size() == 0
