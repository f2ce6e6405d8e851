"""Results stored as ``plan`` records before each kind had its own record kind are still
served: moved to their kind when first read, with nothing lost."""

from __future__ import annotations

import pytest

from chatmrpt.errors import InputError
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.service import (
    create_session,
    describe_session,
    get_plan,
    get_reprioritization,
    get_tpr,
    list_tpr,
)
from chatmrpt.store import Key
from chatmrpt.store.model import PLAN, REPRIORITIZATION, TPR
from tests._jobkinds import settings_env, settings_from


@pytest.fixture
def rt(tmp_path):
    runtime = open_runtime(settings_from(settings_env(tmp_path / "home", None)))
    yield runtime
    runtime.close()


def old_record(rt, sid, id_, **fields):
    rt.store.create(Key.plan(sid, id_), {"id": id_, "session_id": sid, **fields})


def test_old_results_are_served_and_moved(rt):
    sid = create_session(rt)[0]["id"]
    old_record(rt, sid, "p1", type="itn", analysis_id="a1", params={"total_nets": 10},
               summary={"total_nets": 10})
    old_record(rt, sid, "r1", type="reprioritization", analysis_id="a1", params={},
               summary=[{"threshold": 30}])
    old_record(rt, sid, "t1", type="tpr", status="succeeded", params={"age": "u5"},
               facility={"name": "export.csv"}, summary={"wards": 3})

    assert get_tpr(rt, sid, "t1")["summary"] == {"wards": 3}
    assert rt.store.get(Key.plan(sid, "t1")) is None
    assert rt.store.get(Key.result(TPR, sid, "t1"))["facility"] == {"name": "export.csv"}
    with pytest.raises(InputError) as err:  # a TPR run is not an ITN plan
        get_plan(rt, sid, "t1")
    assert err.value.code == "not_found"

    described = describe_session(rt, sid)
    assert [p["plan_id"] for p in described["plans"]] == ["p1"]
    assert [r["reprioritization_id"] for r in described["reprioritizations"]] == ["r1"]
    assert [(t["tpr_id"], t["file"], t["status"]) for t in described["tpr"]] == [
        ("t1", "export.csv", "succeeded")]
    assert rt.store.list(PLAN, sid)[0]["id"] == "p1" and len(rt.store.list(PLAN, sid)) == 1
    assert rt.store.list(REPRIORITIZATION, sid)[0]["summary"] == [{"threshold": 30}]
    assert get_reprioritization(rt, sid, "r1")["reprioritization_id"] == "r1"
    assert [t["id"] for t in list_tpr(rt, sid)] == ["t1"]


def test_submitting_again_finds_a_run_stored_under_the_old_kind(rt):
    import hashlib

    from chatmrpt.service import submit_tpr
    from chatmrpt.service.results import content_id
    from chatmrpt.service.tpr import normalize_tpr_params

    sid = create_session(rt)[0]["id"]
    export = b"orgunitlevel4,periodname,tested,positive\nDala,January 2024,10,4\n"
    params = normalize_tpr_params({"age": "u5"})
    tpr_id = content_id(TPR, facility=hashlib.sha256(export).hexdigest(), params=params,
                        dataset=None)
    old_record(rt, sid, tpr_id, type="tpr", status="succeeded", params=params,
               summary={"wards": 1})
    run = submit_tpr(rt, sid, export, "export.csv", {"age": "u5"})
    assert run["id"] == tpr_id and run["reused"] is True and run["summary"] == {"wards": 1}
    assert rt.store.session_jobs(sid) == []  # nothing queued: the stored run answers
    assert rt.store.get(Key.plan(sid, tpr_id)) is None
