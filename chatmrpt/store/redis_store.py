"""Redis backend: shared state for several machines.

Each record is a JSON string under ``{prefix}:r:{kind}:{session}:{id}``; sets index
records by kind and session (listing), by status (jobs, blobs), by owning session
(deletion) and a sorted set by expiry (sessions). A transaction WATCHes every key it
reads, applies its writes — records and index entries together — in one MULTI/EXEC, and
runs again from the start when a watched key changed: optimistic compare-and-set, so two
processes updating one session never lose a write. Logs are sorted sets scored by their
sequence number. The client is created lazily per process (pid checked on each use).
"""

from __future__ import annotations

import copy
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterable
from functools import partialmethod
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import WatchError
from redis.retry import Retry

from chatmrpt.store.base import Conflict, Store, StoreUnavailable, _check_log, stamp
from chatmrpt.store.model import EVENTS, KINDS, MESSAGES, Key, now, owner_of

T = TypeVar("T")

_APPEND_LUA = """
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. '|' .. ARGV[1])
return seq
"""

_CONNECTION_ERRORS = (redis.ConnectionError, redis.TimeoutError)


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"), allow_nan=False)


def _entry(member: str) -> dict[str, Any]:
    seq, _, body = member.partition("|")
    entry = json.loads(body)
    entry["seq"] = int(seq)
    return entry


class _RedisTxn:
    def __init__(self, store: RedisStore, pipe: redis.client.Pipeline):
        self._s = store
        self._pipe = pipe
        self._ts = now()
        self._seen: dict[Key, dict[str, Any] | None] = {}
        self._pending: dict[Key, dict[str, Any] | None] = {}
        self._seq: dict[str, int] = {}
        self._log_ops: list[tuple] = []

    def _load(self, key: Key) -> dict[str, Any] | None:
        if key in self._pending:
            return self._pending[key]
        if key not in self._seen:
            rk = self._s._rk(key)
            self._pipe.watch(rk)
            raw = self._pipe.get(rk)
            self._seen[key] = json.loads(raw) if raw else None
        return self._seen[key]

    def get(self, key: Key) -> dict[str, Any] | None:
        rec = self._load(key)
        return copy.deepcopy(rec) if rec is not None else None

    def put(self, key: Key, record: dict[str, Any]) -> dict[str, Any]:
        new = stamp(self._load(key), record, self._ts)
        self._pending[key] = new
        return copy.deepcopy(new)

    def delete(self, key: Key) -> None:
        self._load(key)
        self._pending[key] = None

    def owned(self, session_id: str) -> list[Key]:
        ok = self._s._own(session_id)
        self._pipe.watch(ok)
        keys = {Key.decode(m) for m in self._pipe.smembers(ok)}
        for key, rec in self._pending.items():
            if rec is None:
                keys.discard(key)
            elif owner_of(key, rec) == session_id:
                keys.add(key)
        return sorted(keys)

    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int:
        _check_log(log, session_id)
        sk = self._s._seqkey(log, session_id)
        if sk not in self._seq:
            self._pipe.watch(sk)
            self._seq[sk] = int(self._pipe.get(sk) or 0)
        self._seq[sk] += 1
        seq = self._seq[sk]
        entry = dict(body)
        entry.setdefault("at", self._ts)
        self._log_ops.append(("append", log, session_id, seq, entry))
        return seq

    def drop_logs(self, session_id: str) -> None:
        self._log_ops.append(("drop", session_id))

    def commit(self) -> None:
        if not self._pending and not self._log_ops:
            return
        s, pipe = self._s, self._pipe
        pipe.multi()
        for key, new in self._pending.items():
            old = self._seen.get(key)
            spec = KINDS[key.kind]
            rk = s._rk(key)
            kset = s._kset(key.kind, key.session_id)
            old_owner = owner_of(key, old) if old is not None else None
            if new is None:
                if old is None:
                    continue
                pipe.delete(rk)
                pipe.srem(kset, key.id)
                if old_owner:
                    pipe.srem(s._own(old_owner), key.encode())
                if spec.indexed_status and old.get("status"):
                    pipe.srem(s._stset(key.kind, old["status"]), key.id)
                if spec.expires:
                    pipe.zrem(s._exp(key.kind), key.id)
                continue
            pipe.set(rk, _dumps(new))
            pipe.sadd(kset, key.id)
            owner = owner_of(key, new)
            if old_owner and old_owner != owner:
                pipe.srem(s._own(old_owner), key.encode())
            if owner:
                pipe.sadd(s._own(owner), key.encode())
            if spec.indexed_status:
                if old is not None and old.get("status") and old.get("status") != new.get("status"):
                    pipe.srem(s._stset(key.kind, old["status"]), key.id)
                if new.get("status"):
                    pipe.sadd(s._stset(key.kind, new["status"]), key.id)
            if spec.expires:
                if new.get("expires_at") is not None:
                    pipe.zadd(s._exp(key.kind), {key.id: float(new["expires_at"])})
                else:
                    pipe.zrem(s._exp(key.kind), key.id)
        for op in self._log_ops:
            if op[0] == "append":
                _, log, session_id, seq, entry = op
                pipe.zadd(s._logkey(log, session_id), {f"{seq}|{_dumps(entry)}": seq})
                pipe.set(s._seqkey(log, session_id), seq)
            else:
                session_id = op[1]
                for log in (MESSAGES, EVENTS):
                    pipe.delete(s._logkey(log, session_id), s._seqkey(log, session_id))
        pipe.execute()


class RedisStore(Store):
    backend = "redis"
    described = "Redis store"

    def __init__(self, url: str, *, prefix: str = "chatmrpt", max_contention_s: float = 15.0):
        self.url = url
        self.prefix = prefix
        self.max_contention_s = max_contention_s
        self._lock = threading.Lock()
        self._client: redis.Redis | None = None
        self._client_pid: int | None = None
        self._append_script: Any = None

    # ---- keys -------------------------------------------------------------------------

    def _key(self, tag: str, *parts: object) -> str:
        """``prefix:tag:part:...``: every Redis key of this store."""
        return ":".join((self.prefix, tag, *map(str, parts)))

    def _rk(self, key: Key) -> str:
        return self._key("r", key.kind, key.session_id, key.id)  # a record

    _kset = partialmethod(_key, "k")  # (kind, session_id): the ids of its records
    _stset = partialmethod(_key, "st")  # (kind, status): the ids of its records in that status
    _own = partialmethod(_key, "own")  # (session_id): the keys of the records it owns
    _exp = partialmethod(_key, "exp")  # (kind): its ids by expiry time
    _logkey = partialmethod(_key, "log")  # (log, session_id): the entries
    _seqkey = partialmethod(_key, "seq")  # (log, session_id): the last sequence number

    # ---- connection -------------------------------------------------------------------

    def _redis(self) -> redis.Redis:
        pid = os.getpid()
        client = self._client
        if client is not None and self._client_pid == pid:
            return client
        with self._lock:
            if self._client is None or self._client_pid != pid:
                # a pool inherited through fork is abandoned, not closed: its sockets
                # belong to the parent
                self._client = redis.Redis.from_url(
                    self.url,
                    decode_responses=True,
                    socket_timeout=10,
                    socket_connect_timeout=5,
                    health_check_interval=15,
                    retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=1.0), 5),
                )
                self._client_pid = pid
                self._append_script = self._client.register_script(_APPEND_LUA)
            return self._client

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(
            f"The Redis store did not answer: {exc}.", details={"backend": "redis"}
        )

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
            if client is not None and self._client_pid == os.getpid():
                client.close()
                client.connection_pool.disconnect()

    # ---- primitives -------------------------------------------------------------------

    def transact(self, fn: Callable[[_RedisTxn], T]) -> T:
        r = self._redis()
        deadline = time.monotonic() + self.max_contention_s
        conflicts = 0
        while True:
            try:
                with r.pipeline(transaction=True) as pipe:
                    txn = _RedisTxn(self, pipe)
                    result = fn(txn)
                    txn.commit()
                    return result
            except WatchError:
                conflicts += 1
                if time.monotonic() > deadline:
                    raise Conflict(
                        "The record is being changed by many processes at once; try again.",
                        details={"conflicts": conflicts},
                    ) from None
                time.sleep(random.uniform(0, min(0.05, 0.0005 * 2 ** min(conflicts, 7))))
            except _CONNECTION_ERRORS as exc:
                raise self._unavailable(exc) from exc

    def _call(self, fn: Callable[[redis.Redis], T]) -> T:
        try:
            return fn(self._redis())
        except _CONNECTION_ERRORS as exc:
            raise self._unavailable(exc) from exc

    def get(self, key: Key) -> dict[str, Any] | None:
        raw = self._call(lambda r: r.get(self._rk(key)))
        return json.loads(raw) if raw else None

    def get_many(self, keys: Iterable[Key]) -> list[dict[str, Any] | None]:
        keys = list(keys)
        if not keys:
            return []
        raws = self._call(lambda r: r.mget([self._rk(k) for k in keys]))
        return [json.loads(raw) if raw else None for raw in raws]

    def _records(self, keys: list[Key]) -> list[dict[str, Any]]:
        records = [r for r in self.get_many(keys) if r is not None]
        records.sort(key=lambda r: (r.get("created_at", 0), str(r.get("id"))))
        return records

    def list(self, kind: str, session_id: str = "") -> list[dict[str, Any]]:
        if kind not in KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        ids = self._call(lambda r: r.smembers(self._kset(kind, session_id)))
        return self._records([Key(kind, i, session_id) for i in ids])

    def list_by_status(self, kind: str, *statuses: str) -> list[dict[str, Any]]:
        if not KINDS[kind].indexed_status:
            raise ValueError(f"{kind} records are not indexed by status")
        if not statuses:
            return []
        ids = self._call(lambda r: r.sunion([self._stset(kind, s) for s in statuses]))
        records = self._records([Key(kind, i) for i in ids])
        return [rec for rec in records if rec.get("status") in statuses]

    def list_owned(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        members = self._call(lambda r: r.smembers(self._own(session_id)))
        keys = [Key.decode(m) for m in members]
        return self._records([k for k in keys if kind is None or k.kind == kind])

    def list_expired(self, kind: str, before: float, limit: int = 100) -> list[str]:
        if not KINDS[kind].expires:
            raise ValueError(f"{kind} records do not expire")
        return list(
            self._call(
                lambda r: r.zrangebyscore(self._exp(kind), "-inf", f"({before}", 0, int(limit))
            )
        )

    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int:
        _check_log(log, session_id)
        entry = dict(body)
        entry.setdefault("at", now())
        payload = _dumps(entry)

        def run(r: redis.Redis) -> int:
            return int(
                self._append_script(
                    keys=[self._seqkey(log, session_id), self._logkey(log, session_id)],
                    args=[payload],
                    client=r,
                )
            )

        return self._call(run)

    def read_log(
        self, log: str, session_id: str, after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        _check_log(log, session_id)
        key = self._logkey(log, session_id)
        if limit is None:
            members = self._call(lambda r: r.zrangebyscore(key, f"({int(after)}", "+inf"))
        else:
            members = self._call(
                lambda r: r.zrangebyscore(key, f"({int(after)}", "+inf", 0, int(limit))
            )
        return [_entry(m) for m in members]

    def log_length(self, log: str, session_id: str) -> int:
        _check_log(log, session_id)
        return int(self._call(lambda r: r.zcard(self._logkey(log, session_id))))

    def hit(self, counter: str, window_s: float) -> tuple[int, float]:
        ts = time.time()
        win = int(ts // window_s)
        ends_at = (win + 1) * window_s
        key = self._key("n", counter, win)

        def run(r: redis.Redis) -> int:
            pipe = r.pipeline(transaction=True)
            pipe.incr(key)
            pipe.expire(key, int(window_s) + 2)
            return int(pipe.execute()[0])

        return self._call(run), max(0.0, ends_at - ts)

    def echo(self, value: str) -> str | None:
        key = self._key("ping", value)

        def run(r: redis.Redis) -> str | None:
            pipe = r.pipeline(transaction=False)
            pipe.set(key, value, ex=60)
            pipe.get(key)
            pipe.delete(key)
            return pipe.execute()[1]

        return self._call(run)
