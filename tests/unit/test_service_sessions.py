"""Session creation and token checks."""

from __future__ import annotations

import hashlib

import pytest

from chatmrpt.errors import InputError
from chatmrpt.jobs.wiring import open_runtime
from chatmrpt.service import authenticate, create_session, delete_session, describe_session
from chatmrpt.store import Key
from chatmrpt.store.model import now
from tests._jobkinds import settings_env, settings_from


@pytest.fixture
def rt(tmp_path):
    with open_runtime(
        settings_from(settings_env(tmp_path / "home", CHATMRPT_SESSION_TTL_HOURS="2"))
    ) as runtime:
        yield runtime


def test_the_token_is_returned_once_and_only_its_hash_is_stored(rt):
    session, token = create_session(rt)
    assert "token_hash" not in session and len(session["id"]) == 32
    assert len(token) >= 40
    stored = rt.store.get_session(session["id"])
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored)
    other, other_token = create_session(rt)
    assert other["id"] != session["id"] and other_token != token
    assert 2 * 3600 - 5 < stored["expires_at"] - now() <= 2 * 3600


def test_authenticate(rt):
    session, token = create_session(rt)
    other, other_token = create_session(rt)
    sid = session["id"]
    assert authenticate(rt, sid, token)["id"] == sid
    assert "token_hash" not in authenticate(rt, sid, token)
    assert authenticate(rt, sid, other_token) is None
    assert authenticate(rt, sid, token[:-1]) is None
    assert authenticate(rt, sid, "") is None and authenticate(rt, sid, None) is None
    assert authenticate(rt, "0" * 32, token) is None
    assert authenticate(rt, "../../etc", token) is None


def test_expired_sessions_do_not_open_and_used_ones_are_extended(rt):
    session, token = create_session(rt)
    sid = session["id"]
    rt.store.update_session(sid, lambda s: s.update(expires_at=now() + 60))
    assert authenticate(rt, sid, token) is not None
    assert rt.store.get_session(sid)["expires_at"] > now() + 3600  # used: extended
    version = rt.store.get_session(sid)["version"]
    authenticate(rt, sid, token)
    assert rt.store.get_session(sid)["version"] == version  # not on every request
    rt.store.update_session(sid, lambda s: s.update(expires_at=now() - 1))
    assert authenticate(rt, sid, token) is None


def test_describe_and_delete(rt):
    session, _ = create_session(rt)
    sid = session["id"]
    rt.store.append_message(sid, {"role": "user", "text": "rank my wards"})
    rt.store.create(Key.dataset(sid, "d1"), {"id": "d1", "summary": {"wards": 3}})
    view = describe_session(rt, sid)
    assert view["id"] == sid and view["messages"] == 1 and view["version"] == 1
    assert [d["dataset_id"] for d in view["datasets"]] == ["d1"]
    assert view["analyses"] == [] and view["plans"] == []
    rt.store.create(Key.job("j1"), {"id": "j1", "session_id": sid, "status": "running"})
    with pytest.raises(InputError) as info:
        delete_session(rt, sid)
    assert info.value.code == "conflict"
    rt.store.update(Key.job("j1"), lambda j: j.update(status="succeeded"))
    assert delete_session(rt, sid) is True
    with pytest.raises(InputError) as info:
        describe_session(rt, sid)
    assert info.value.code == "not_found"


def test_a_run_finishing_while_the_session_is_described_is_seen_with_its_pointer(rt, monkeypatch):
    """A job that finishes between the read of the session and the read of its records
    (its record succeeded and the session's pointer moved, in one transaction) must not be
    described as succeeded while the state does not point to it yet."""
    session, _ = create_session(rt)
    sid = session["id"]
    key = Key.result("tpr", sid, "a" * 64)
    rt.store.transact(lambda txn: txn.put(key, {"id": "a" * 64, "type": "tpr", "session_id": sid,
                                                "status": "running", "params": {}}))
    real = rt.store.list_results
    finished = []

    def finish_once(kind, session_id):
        if kind == "tpr" and not finished:
            finished.append(True)

            def done(txn):
                rec = txn.get(key)
                txn.put(key, {**rec, "status": "succeeded"})
                s = txn.get(Key.session(sid))
                txn.put(Key.session(sid), {**s, "state": {**(s.get("state") or {}),
                                                          "last_tpr": "a" * 64}})

            rt.store.transact(done)
        return real(kind, session_id)

    monkeypatch.setattr(rt.store, "list_results", finish_once)
    body = describe_session(rt, sid)
    assert finished
    assert [t["status"] for t in body["tpr"]] == ["succeeded"]
    assert body["state"].get("last_tpr") == "a" * 64
