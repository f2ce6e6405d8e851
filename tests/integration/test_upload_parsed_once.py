"""An upload is parsed once: the analysis and TPR jobs read the ward frame stored at upload."""

from __future__ import annotations

import hashlib

import pytest

from chatmrpt.analysis import ingest
from chatmrpt.demo.generator import write_demo_data
from chatmrpt.service import add_dataset, create_session, submit_analysis, submit_tpr
from chatmrpt.store import Key
from chatmrpt.store.model import TPR
from tests._jobkinds import settings_env, settings_from, wait_for
from tests.integration.test_jobs_analysis import consumer, rt

__all__ = ["consumer", "rt"]  # fixtures shared with the analysis job tests, on this settings


@pytest.fixture
def settings(tmp_path):
    # jobs in the consumer's own process, so the parse counter sees their parses too
    env = {**settings_env(tmp_path / "home", None), "CHATMRPT_JOB_ISOLATION": "0"}
    return settings_from(env)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def finished(rt, key: Key) -> dict:
    record = wait_for(
        lambda: (r := rt.store.get(key))["status"] in ("succeeded", "failed") and r,
        120,
        f"the {key.kind} to finish",
    )
    assert record["status"] == "succeeded", record.get("error")
    return record


def test_upload_is_parsed_once_through_analysis_and_tpr(rt, consumer, tmp_path):
    files = write_demo_data(tmp_path / "demo", 100, seed=3)
    table = files["wards"].read_bytes()
    boundaries = files["boundaries"].read_bytes()
    parses = ingest.PARSES
    before = parses[sha(table)], parses[sha(boundaries)]
    sid = create_session(rt)[0]["id"]

    dataset = add_dataset(rt, sid, table, "wards.csv", boundaries, "wards.zip")
    assert (parses[sha(table)], parses[sha(boundaries)]) == (before[0] + 1, before[1] + 1)
    record = rt.store.get_dataset(sid, dataset["dataset_id"])
    assert rt.artifacts.size(record["frame"]["sha256"]) == record["frame"]["size"]

    analysis, _ = submit_analysis(rt, sid, None, {})
    done = finished(rt, Key.analysis(sid, analysis["id"]))
    assert done["summary"]["wards"] == 100

    run = submit_tpr(rt, sid, files["facility_tpr"].read_bytes(), "facility.csv",
                     {"age": "u5", "join": True})
    tpr = finished(rt, Key.result(TPR, sid, run["id"]))
    joined = tpr["summary"]["dataset_id"]
    assert joined != dataset["dataset_id"]
    # neither job parsed the uploaded table again; the boundaries were parsed once more,
    # for the joined table (a new dataset of the session), not by a job
    assert parses[sha(table)] == before[0] + 1
    assert parses[sha(boundaries)] == before[1] + 2

    # the joined dataset's analysis reads its stored frame too
    joined_record = rt.store.get_dataset(sid, joined)
    joined_table = sha(rt.artifacts.read_bytes(joined_record["table"]["sha256"]))
    assert parses[joined_table] == 1
    second, _ = submit_analysis(rt, sid, joined, {})
    variables = finished(rt, Key.analysis(sid, second["id"]))["summary"]["variables"]
    assert "u5_tpr_rdt" in [v["name"] for v in variables]
    assert parses[joined_table] == 1 and parses[sha(table)] == before[0] + 1


def test_a_dataset_recorded_without_a_stored_frame_is_read_from_its_upload(rt, consumer):
    table = b"WardName,LGA,a,b\nDala,Kano,1,2\nGwale,Kano,3,5\nFagge,Kano,4,1\n"
    sid = create_session(rt)[0]["id"]
    dataset = add_dataset(rt, sid, table, "old.csv")
    key = Key.dataset(sid, dataset["dataset_id"])
    # as recorded before frames were stored
    rt.store.update(key, lambda r: {k: v for k, v in r.items() if k != "frame"})
    before = ingest.PARSES[sha(table)]
    analysis, _ = submit_analysis(rt, sid, None, {})
    assert finished(rt, Key.analysis(sid, analysis["id"]))["summary"]["wards"] == 3
    assert ingest.PARSES[sha(table)] == before + 1
