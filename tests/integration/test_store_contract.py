"""The store contract: the same tests against SQLite and a real redis-server."""

from __future__ import annotations

import math

import pytest

from chatmrpt.store import ArtifactBusy, Conflict, Key, NotFound, link_artifact
from chatmrpt.store.base import forget_deleted_blob, mark_blob_for_deletion
from chatmrpt.store.model import (
    BLOB_DELETING,
    BLOB_REFERENCED,
    BLOB_UNREFERENCED,
    COVARIATES,
    JOB,
    PLAN,
    PREPARE,
    REPRIORITIZATION,
    TPR,
    now,
)
from chatmrpt.store.redis_store import RedisStore
from chatmrpt.store.sqlite_store import SQLiteStore
from tests._servers import start_redis

SID = "a" * 32
OTHER = "b" * 32
SHA = "c" * 64


@pytest.fixture(params=["sqlite", "redis"])
def backend(request, tmp_path):
    """(name, factory): the factory opens another, independent store on the same data."""
    if request.param == "sqlite":
        path = tmp_path / "state.db"
        stores = []

        def factory():
            stores.append(SQLiteStore(path))
            return stores[-1]

        yield "sqlite", factory
        for s in stores:
            s.close()
    else:
        server = start_redis(tmp_path)
        stores = []

        def factory():
            stores.append(RedisStore(server.url))
            return stores[-1]

        yield "redis", factory
        for s in stores:
            s.close()
        server.kill()


@pytest.fixture
def store(backend):
    return backend[1]()


def session(store, sid=SID, ttl=3600.0, **state):
    return store.create_session(sid, "f" * 64, ttl, state)


def job_record(job_id, session_id, status="queued"):
    return {"id": job_id, "kind": "test", "session_id": session_id, "status": status}


def artifact(session_id, art_id, sha=SHA):
    return {"id": art_id, "session_id": session_id, "sha256": sha, "name": "x.csv", "size": 3}


# ---- records ---------------------------------------------------------------------------


def test_create_is_insert_if_absent(store):
    key = Key.dataset(SID, "d1")
    rec, created = store.create(key, {"id": "d1", "rows": 3})
    assert created and rec["version"] == 1 and rec["rows"] == 3
    assert rec["created_at"] <= rec["updated_at"]
    again, created2 = store.create(key, {"id": "d1", "rows": 99})
    assert not created2 and again["rows"] == 3 and again["version"] == 1
    assert store.get(key) == rec


def test_update_bumps_version_and_keeps_created_at(store):
    key = Key.dataset(SID, "d1")
    first, _ = store.create(key, {"id": "d1", "n": 0})
    second = store.update(key, lambda r: r.update(n=1))
    third = store.update(key, lambda r: {**r, "n": 2})
    assert (second["version"], second["n"]) == (2, 1)
    assert (third["version"], third["n"]) == (3, 2)
    assert third["created_at"] == first["created_at"]
    assert store.get(key)["n"] == 2


def test_update_with_expected_version_is_compare_and_set(store):
    key = Key.dataset(SID, "d1")
    store.create(key, {"id": "d1", "n": 0})
    store.update(key, lambda r: r.update(n=1), expected_version=1)
    with pytest.raises(Conflict) as info:
        store.update(key, lambda r: r.update(n=5), expected_version=1)
    assert info.value.code == "conflict"
    assert store.get(key)["n"] == 1 and store.get(key)["version"] == 2


def test_update_missing_record_raises_not_found(store):
    with pytest.raises(NotFound):
        store.update(Key.dataset(SID, "nope"), lambda r: r)


def test_failed_transaction_writes_nothing(store):
    key1, key2 = Key.dataset(SID, "d1"), Key.dataset(SID, "d2")
    store.create(key1, {"id": "d1", "n": 0})

    def fn(txn):
        txn.put(key1, {"id": "d1", "n": 1})
        txn.put(key2, {"id": "d2"})
        txn.append("events", SID, {"type": "x"})
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        store.transact(fn)
    assert store.get(key1)["n"] == 0 and store.get(key1)["version"] == 1
    assert store.get(key2) is None
    assert store.events(SID) == []


def test_transaction_writes_several_records_and_a_log_entry_together(store):
    session(store)

    def fn(txn):
        txn.put(Key.analysis(SID, "a1"), {"id": "a1", "status": "queued"})
        txn.put(Key.job("j1"), job_record("j1", SID))
        return txn.append("events", SID, {"type": "job.queued"})

    seq = store.transact(fn)
    assert seq == 1
    assert store.get_analysis(SID, "a1")["status"] == "queued"
    assert store.get_job("j1")["session_id"] == SID
    assert [e["type"] for e in store.events(SID)] == ["job.queued"]


def test_records_are_scoped_to_their_session(store):
    store.create(Key.dataset(SID, "d1"), {"id": "d1"})
    store.create(Key.dataset(OTHER, "d1"), {"id": "d1", "other": True})
    store.create(Key.dataset(SID, "d2"), {"id": "d2"})
    assert [d["id"] for d in store.list_datasets(SID)] == ["d1", "d2"]
    assert [d.get("other") for d in store.list_datasets(OTHER)] == [True]
    assert store.get_dataset(OTHER, "d2") is None


def test_two_store_objects_see_each_other_at_once(backend):
    """No per-object cache: another process's write is visible on the next read."""
    a, b = backend[1](), backend[1]()
    session(a)
    assert b.get_session(SID)["version"] == 1
    b.update_session(SID, lambda s: s["state"].update(step="two"))
    assert a.get_session(SID)["state"] == {"step": "two"}
    assert a.get_session(SID)["version"] == 2


def test_invalid_ids_are_rejected(store):
    for bad in ("../etc", "a/b", "", "x" * 300, "a|b", " a"):
        with pytest.raises(ValueError):
            Key.dataset(SID, bad)
        assert store.get_session(bad) is None
    with pytest.raises(ValueError):
        Key(JOB, "j1", SID)  # jobs are not session-scoped
    with pytest.raises(ValueError):
        Key("nonsense", "x")


def test_non_json_values_are_refused(store):
    with pytest.raises(ValueError):
        store.put(Key.dataset(SID, "d1"), {"id": "d1", "x": math.nan})
    assert store.get(Key.dataset(SID, "d1")) is None


def test_get_many_keeps_order_and_gaps(store):
    store.create(Key.dataset(SID, "d1"), {"id": "d1"})
    got = store.get_many([Key.dataset(SID, "zz"), Key.dataset(SID, "d1")])
    assert got[0] is None and got[1]["id"] == "d1"


# ---- sessions --------------------------------------------------------------------------


def test_session_lifecycle(store):
    rec = session(store, current=None)
    assert rec["version"] == 1 and rec["state"] == {"current": None}
    assert rec["expires_at"] > now() + 3000
    with pytest.raises(Conflict):
        session(store)
    updated = store.update_session(SID, lambda s: s["state"].update(current="d1"))
    assert updated["version"] == 2 and updated["state"]["current"] == "d1"
    with pytest.raises(Conflict):
        store.update_session(SID, lambda s: s, expected_version=1)


def test_delete_session_removes_everything_it_owns(store):
    session(store)
    session(store, OTHER)
    for sid in (SID, OTHER):
        store.create(Key.dataset(sid, "d1"), {"id": "d1"})
        store.create(Key.analysis(sid, "a1"), {"id": "a1"})
        store.put_plan(sid, {"id": "p1"})
        store.create(Key.job(f"j-{sid[:4]}"), job_record(f"j-{sid[:4]}", sid, "succeeded"))
        store.transact(lambda txn, sid=sid: link_artifact(txn, artifact(sid, "art1")))
        store.append_message(sid, {"role": "user", "text": "hi"})
        store.append_event(sid, {"type": "x"})
    assert store.get(Key.blob(SHA))["refs"] == 2

    assert store.delete_session(SID) is True
    assert store.get_session(SID) is None
    assert store.list_datasets(SID) == [] and store.list_analyses(SID) == []
    assert store.list_plans(SID) == [] and store.list_artifacts(SID) == []
    assert store.get_job("j-aaaa") is None and store.list_owned(SID) == []
    assert store.messages(SID) == [] and store.events(SID) == []
    assert store.message_count(SID) == 0
    # the other session is untouched, and still references the blob
    assert store.get_session(OTHER) is not None
    assert len(store.list_datasets(OTHER)) == 1 and store.get_job("j-bbbb") is not None
    assert store.message_count(OTHER) == 1
    blob = store.get(Key.blob(SHA))
    assert blob["refs"] == 1 and blob["status"] == BLOB_REFERENCED
    assert store.delete_session(SID) is False  # nothing left to delete


def test_delete_session_refuses_while_a_job_is_active(store):
    session(store)
    store.create(Key.job("j1"), job_record("j1", SID, "running"))
    assert store.delete_session(SID) is False
    assert store.get_session(SID) is not None
    store.update(Key.job("j1"), lambda j: j.update(status="failed"))
    assert store.delete_session(SID) is True
    assert store.get_job("j1") is None


def test_expiry_is_listed_and_checked_at_deletion(store):
    session(store, SID, ttl=-10)  # already expired
    session(store, OTHER, ttl=3600)
    ts = now()
    assert store.expired_sessions(ts) == [SID]
    assert store.delete_session(OTHER, expired_before=ts) is False
    # renewed between listing and deleting: kept
    store.update_session(SID, lambda s: s.update(expires_at=now() + 100))
    assert store.expired_sessions(now()) == []
    assert store.delete_session(SID, expired_before=ts) is False
    store.update_session(SID, lambda s: s.update(expires_at=now() - 1))
    assert store.delete_session(SID, expired_before=now()) is True
    assert store.expired_sessions(now()) == []


# ---- jobs ------------------------------------------------------------------------------


def test_jobs_are_listed_by_current_status(store):
    session(store)
    for i in range(3):
        store.create(Key.job(f"j{i}"), job_record(f"j{i}", SID))
    store.update(Key.job("j1"), lambda j: j.update(status="running"))
    store.update(Key.job("j2"), lambda j: j.update(status="running"))
    store.update(Key.job("j2"), lambda j: j.update(status="succeeded"))
    assert [j["id"] for j in store.list_jobs("queued")] == ["j0"]
    assert [j["id"] for j in store.list_jobs("running")] == ["j1"]
    assert sorted(j["id"] for j in store.list_jobs("queued", "succeeded")) == ["j0", "j2"]
    assert [j["id"] for j in store.session_jobs(SID)] == ["j0", "j1", "j2"]
    store.delete(Key.job("j1"))
    assert store.list_jobs("running") == []


# ---- logs ------------------------------------------------------------------------------


def test_logs_are_append_only_with_per_session_sequence_numbers(store):
    assert [store.append_message(SID, {"text": f"m{i}"}) for i in range(3)] == [1, 2, 3]
    assert store.append_message(OTHER, {"text": "x"}) == 1
    assert store.append_event(SID, {"type": "e"}) == 1  # events count separately
    assert [m["text"] for m in store.messages(SID)] == ["m0", "m1", "m2"]
    assert [m["seq"] for m in store.messages(SID, after=1)] == [2, 3]
    assert [m["seq"] for m in store.messages(SID, after=0, limit=2)] == [1, 2]
    assert store.message_count(SID) == 3
    same = [store.append_message(SID, {"text": "same"}) for _ in range(2)]
    assert same == [4, 5] and store.message_count(SID) == 5  # equal bodies both kept
    assert all("at" in m for m in store.messages(SID))


# ---- artifacts and blob references -------------------------------------------------------


def test_blob_reference_counting(store):
    store.transact(lambda txn: link_artifact(txn, artifact(SID, "art1")))
    store.transact(lambda txn: link_artifact(txn, artifact(SID, "art1")))  # same record
    assert store.get(Key.blob(SHA))["refs"] == 1
    store.transact(lambda txn: link_artifact(txn, artifact(OTHER, "art1")))
    assert store.get(Key.blob(SHA))["refs"] == 2
    assert [a["id"] for a in store.list_artifacts(SID)] == ["art1"]

    assert store.delete_session(SID) is True
    assert store.get(Key.blob(SHA))["refs"] == 1
    assert store.transact(lambda txn: mark_blob_for_deletion(txn, SHA)) is False
    assert store.delete_session(OTHER) is True
    blob = store.get(Key.blob(SHA))
    assert blob["refs"] == 0 and blob["status"] == BLOB_UNREFERENCED
    assert [b["id"] for b in store.list_by_status("blob", BLOB_UNREFERENCED)] == [SHA]

    assert store.transact(lambda txn: mark_blob_for_deletion(txn, SHA)) is True
    assert store.get(Key.blob(SHA))["status"] == BLOB_DELETING
    with pytest.raises(ArtifactBusy):  # linking waits while the bytes are being removed
        store.transact(lambda txn: link_artifact(txn, artifact(SID, "art2")))
    assert store.transact(lambda txn: forget_deleted_blob(txn, SHA)) is True
    assert store.get(Key.blob(SHA)) is None
    store.transact(lambda txn: link_artifact(txn, artifact(SID, "art2")))
    assert store.get(Key.blob(SHA))["refs"] == 1


# ---- heartbeats and health ----------------------------------------------------------------


def test_process_heartbeats_expire_by_ttl(store):
    store.beat("consumer", "host1", 11, now() - 100)
    store.beat("web", "host1", 12, now())
    store.put(
        Key.process("consumer", "host2", 13),
        {"id": "consumer:host2:13", "kind": "consumer", "host": "host2", "pid": 13,
         "last_seen": now() - 60},
    )  # fmt: skip
    live = store.live_processes("consumer", ttl_s=10)
    assert [(p["host"], p["pid"]) for p in live] == [("host1", 11)]
    assert [p["pid"] for p in store.live_processes("web", ttl_s=10)] == [12]
    assert store.forget_stale_processes(older_than_s=30) == 1
    assert store.forget_process("consumer", "host1", 11) is True
    assert store.live_processes("consumer", ttl_s=1000) == []


def test_ping_writes_and_reads(store, backend):
    result = store.ping()
    assert result["ok"] is True and result["backend"] == backend[0]
    assert result["latency_ms"] >= 0


# ---- derived results: one record kind each, old ``plan`` records moved on read ----------


def legacy_results(store, sid=SID):
    """Records as stored before each result had its own kind: ``plan`` with a ``type``."""
    store.create(Key.plan(sid, "itn1"), {"id": "itn1", "type": "itn", "session_id": sid})
    store.create(Key.plan(sid, "itn0"), {"id": "itn0", "session_id": sid})  # no type: ITN
    for kind in (REPRIORITIZATION, TPR, COVARIATES, PREPARE):
        store.create(
            Key.plan(sid, f"{kind}1"),
            {"id": f"{kind}1", "type": kind, "session_id": sid, "summary": {"n": 3}},
        )
    job = dict(job_record("jt", sid, "succeeded"), subject={"kind": "plan", "session_id": sid, "id": "tpr1"})
    store.create(Key.job("jt"), job)
    store.update(Key.plan(sid, "tpr1"), lambda r: r.update(job_id="jt"))


def test_results_have_their_own_record_kinds(store):
    session(store)
    store.put_result(TPR, SID, {"id": "t1", "type": "tpr"})
    store.put_result(REPRIORITIZATION, SID, {"id": "r1", "type": "reprioritization"})
    store.put_plan(SID, {"id": "p1", "type": "itn"})
    assert [r["id"] for r in store.list_results(TPR, SID)] == ["t1"]
    assert [r["id"] for r in store.list_plans(SID)] == ["p1"]
    assert store.get_result(PLAN, SID, "t1") is None  # a TPR run is no ITN plan
    assert store.get(Key.result(TPR, SID, "t1"))["id"] == "t1"
    with pytest.raises(ValueError):
        Key.result("session", SID, "x")


def test_old_plan_records_move_to_their_kind_when_read(store):
    session(store)
    legacy_results(store)
    created = store.get(Key.plan(SID, "tpr1"))["created_at"]

    assert store.get_result(COVARIATES, SID, "tpr1") is None  # moved, but not a covariates run
    run = store.get_result(TPR, SID, "tpr1")
    assert run["id"] == "tpr1" and run["summary"] == {"n": 3} and run["job_id"] == "jt"
    assert run["created_at"] == created
    assert store.get(Key.plan(SID, "tpr1")) is None
    assert store.get(Key.result(TPR, SID, "tpr1"))["id"] == "tpr1"
    # the job now points at the moved record, so its progress lands there
    assert store.get_job("jt")["subject"] == {"kind": TPR, "session_id": SID, "id": "tpr1"}

    # listing ITN plans moves every other old result out of the plan kind
    assert sorted(p["id"] for p in store.list_plans(SID)) == ["itn0", "itn1"]
    for kind in (REPRIORITIZATION, COVARIATES, PREPARE):
        assert [r["id"] for r in store.list(kind, SID)] == [f"{kind}1"]
        assert store.get(Key.plan(SID, f"{kind}1")) is None
    assert store.get_result(REPRIORITIZATION, SID, "nope") is None
    # an id of another kind is not found as this kind
    assert store.get_result(TPR, SID, f"{COVARIATES}1") is None
    # and deleting the session still takes them all
    assert store.delete_session(SID) is True
    for kind in (PLAN, REPRIORITIZATION, TPR, COVARIATES, PREPARE):
        assert store.list(kind, SID) == []


def test_start_up_migration_moves_old_results_of_every_session(store):
    session(store)
    session(store, OTHER)
    legacy_results(store)
    store.create(Key.plan(OTHER, "tpr9"), {"id": "tpr9", "type": "tpr", "session_id": OTHER})
    assert store.migrate_legacy_results() == 5
    assert store.migrate_legacy_results() == 0
    assert sorted(r["id"] for r in store.list(PLAN, SID)) == ["itn0", "itn1"]
    assert [r["id"] for r in store.list_results(TPR, OTHER)] == ["tpr9"]
    assert store.get_job("jt")["subject"]["kind"] == TPR
