"""Record keys, JSON conversion, store URLs, per-process connections."""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chatmrpt.store import Key, StoreUnavailable, open_store, to_jsonable
from chatmrpt.store.model import owner_of
from chatmrpt.store.redis_store import RedisStore
from chatmrpt.store.sqlite_store import SQLiteStore
from tests._servers import free_port, start_redis


def test_keys_validate_ids_and_scope():
    assert Key.dataset("s1", "d1").encode() == "dataset|s1|d1"
    assert Key.decode("dataset|s1|d1") == Key.dataset("s1", "d1")
    assert Key.process("consumer", "web-1.local", 42).id == "consumer:web-1.local:42"
    for bad in ("..", "../x", "a/b", "a b", "a|b", "é", "", "-x"):
        with pytest.raises(ValueError):
            Key.job(bad)
    with pytest.raises(ValueError):
        Key("analysis", "a1")  # needs its session
    assert owner_of(Key.job("j"), {"session_id": "s9"}) == "s9"
    assert owner_of(Key.session("s9"), None) == "s9"
    assert owner_of(Key.analysis("s9", "a"), None) == "s9"
    assert owner_of(Key.blob("c" * 64), {}) is None


def test_to_jsonable_handles_what_analysis_code_returns():
    value = {
        "n": np.int64(3),
        "x": np.float32(1.5),
        "nan": math.nan,
        "inf": np.inf,
        "arr": np.array([1, 2]),
        "na": pd.NA,
        "path": Path("/tmp/x"),
        "tuple": (1, "a"),
        "set": {"b", "a"},
        1: True,
    }
    assert to_jsonable(value) == {
        "n": 3,
        "x": 1.5,
        "nan": None,
        "inf": None,
        "arr": [1, 2],
        "na": None,
        "path": "/tmp/x",
        "tuple": [1, "a"],
        "set": ["a", "b"],
        "1": True,
    }


def test_to_jsonable_of_plain_values_keeps_their_types():
    rows = [{"WardName": "Adewole", "score": 0.25, "rank": 3, "flag": False, "none": None,
             "nan": math.nan, "nested": [{"k": -math.inf}], 2: "two", True: "yes"}]
    got = to_jsonable(rows)
    assert got == [{"WardName": "Adewole", "score": 0.25, "rank": 3, "flag": False,
                    "none": None, "nan": None, "nested": [{"k": None}], "2": "two",
                    "True": "yes"}]
    assert type(got[0]["rank"]) is int and type(got[0]["flag"]) is bool
    # subclasses of the plain types still go the long way (numpy's float64 is a float)
    assert to_jsonable({"x": np.float64("nan"), "b": np.bool_(True)}) == {"x": None, "b": True}


def test_open_store_by_url(tmp_path):
    assert isinstance(open_store(f"sqlite:///{tmp_path}/x.db"), SQLiteStore)
    assert isinstance(open_store("redis://127.0.0.1:1/0"), RedisStore)
    with pytest.raises(ValueError):
        open_store("postgres://x")


def test_an_unreachable_redis_is_reported_as_unavailable():
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailable) as info:
        store.ping()
    assert info.value.code == "store_unavailable"
    with pytest.raises(StoreUnavailable):
        store.update_session("s1", lambda s: s)


def test_sqlite_uses_wal_and_one_connection_per_thread(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    store.ping()
    conns = {}

    def grab(name):
        conns[name] = store._conn()

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in conns.values()} | {id(store._conn())}) == 4
    assert store._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def _child_reports_connection(store, parent_id, out):
    conn = store._redis() if isinstance(store, RedisStore) else store._conn()
    store.ping()
    out.put((os.getpid(), id(conn) != parent_id))


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_forked_child_opens_its_own_connection(backend, tmp_path):
    if backend == "sqlite":
        store = SQLiteStore(tmp_path / "s.db")
        parent_conn = store._conn()
        server = None
    else:
        server = start_redis(tmp_path)
        store = RedisStore(server.url)
        parent_conn = store._redis()
    store.ping()
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    p = ctx.Process(target=_child_reports_connection, args=(store, id(parent_conn), out))
    p.start()
    pid, fresh = out.get(timeout=30)
    p.join(30)
    assert p.exitcode == 0 and pid != os.getpid() and fresh
    store.ping()  # the parent's connection still works
    if server:
        server.kill()


def test_sqlite_writers_wait_for_the_lock_up_to_the_busy_timeout(tmp_path):
    import time

    path = tmp_path / "s.db"
    holder = SQLiteStore(path)
    holder.create_session("s1", "0" * 64, 3600, {"n": 0})
    patient = SQLiteStore(path, busy_timeout_s=5.0)
    impatient = SQLiteStore(path, busy_timeout_s=0.1)
    patient.ping()
    impatient.ping()
    locked = threading.Event()

    def hold(seconds):
        def fn(txn):
            txn.put(Key.session("s1"), dict(txn.get(Key.session("s1")), held=True))
            locked.set()
            time.sleep(seconds)

        holder.transact(fn)

    t = threading.Thread(target=hold, args=(0.5,))
    t.start()
    locked.wait(5)
    with pytest.raises(StoreUnavailable):
        impatient.update_session("s1", lambda s: s["state"].update(n=1))
    # the patient writer waits, then sees the holder's write (BEGIN IMMEDIATE: no lost update)
    updated = patient.update_session("s1", lambda s: s["state"].update(n=2))
    t.join()
    assert updated["held"] is True and updated["state"]["n"] == 2 and updated["version"] == 3
