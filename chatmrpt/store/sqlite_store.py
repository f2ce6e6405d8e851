"""SQLite backend: the embedded default (one machine, several processes).

WAL journal so readers never block the writer; ``BEGIN IMMEDIATE`` for every write
transaction so two processes never both read-then-write (SQLite serialises them, which
makes every transaction a compare-and-set without retries); a busy timeout so a writer
waits for the lock instead of failing. Connections are opened lazily, one per thread and
per process: a connection is never used across ``fork`` (the pid is checked on each use)
nor shared between threads of a threaded web worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from chatmrpt.store.base import Store, StoreUnavailable, _check_log, stamp
from chatmrpt.store.model import KINDS, Key, now, owner_of

T = TypeVar("T")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS records (
        kind TEXT NOT NULL,
        scope TEXT NOT NULL,
        id TEXT NOT NULL,
        owner TEXT,
        status TEXT,
        expires_at REAL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, scope, id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS records_owner ON records (owner, kind) WHERE owner IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS records_status ON records (kind, status) WHERE status IS NOT NULL",
    """CREATE INDEX IF NOT EXISTS records_expiry ON records (kind, expires_at)
        WHERE expires_at IS NOT NULL""",
    """CREATE TABLE IF NOT EXISTS logs (
        log TEXT NOT NULL,
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (log, session_id, seq)
    ) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        win INTEGER NOT NULL,
        n INTEGER NOT NULL,
        ends_at REAL NOT NULL
    ) WITHOUT ROWID""",
)


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"), allow_nan=False)


def _load(version: int, body: str) -> dict[str, Any]:
    record = json.loads(body)
    record["version"] = version
    return record


class _SqliteTxn:
    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._ts = now()

    def get(self, key: Key) -> dict[str, Any] | None:
        row = self._conn.execute(
            "SELECT version, body FROM records WHERE kind = ? AND scope = ? AND id = ?",
            (key.kind, key.session_id, key.id),
        ).fetchone()
        return _load(*row) if row else None

    def put(self, key: Key, record: dict[str, Any]) -> dict[str, Any]:
        old = self.get(key)
        new = stamp(old, record, self._ts)
        spec = key.spec
        self._conn.execute(
            "INSERT OR REPLACE INTO records "
            "(kind, scope, id, owner, status, expires_at, version, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key.kind,
                key.session_id,
                key.id,
                owner_of(key, new),
                new.get("status") if spec.indexed_status else None,
                new.get("expires_at") if spec.expires else None,
                new["version"],
                _dumps(new),
            ),
        )
        return new

    def delete(self, key: Key) -> None:
        self._conn.execute(
            "DELETE FROM records WHERE kind = ? AND scope = ? AND id = ?",
            (key.kind, key.session_id, key.id),
        )

    def owned(self, session_id: str) -> list[Key]:
        rows = self._conn.execute(
            "SELECT kind, scope, id FROM records WHERE owner = ?", (session_id,)
        ).fetchall()
        return sorted(Key(kind, id_, scope) for kind, scope, id_ in rows)

    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int:
        _check_log(log, session_id)
        return _append(self._conn, log, session_id, body, self._ts)

    def drop_logs(self, session_id: str) -> None:
        self._conn.execute("DELETE FROM logs WHERE session_id = ?", (session_id,))


def _append(
    conn: sqlite3.Connection, log: str, session_id: str, body: dict[str, Any], ts: float
) -> int:
    (seq,) = conn.execute(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM logs WHERE log = ? AND session_id = ?",
        (log, session_id),
    ).fetchone()
    entry = dict(body)
    entry.setdefault("at", ts)
    entry["seq"] = seq
    conn.execute(
        "INSERT INTO logs (log, session_id, seq, body) VALUES (?, ?, ?, ?)",
        (log, session_id, seq, _dumps(entry)),
    )
    return seq


class SQLiteStore(Store):
    backend = "sqlite"
    described = "state database"

    def __init__(
        self, path: str | Path, *, busy_timeout_s: float = 15.0, synchronous: str = "NORMAL"
    ):
        # WAL with synchronous=NORMAL: a commit survives the death of any process; only a
        # power loss can drop the last few commits (SQLite's recommended WAL setting).
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.busy_timeout_s = busy_timeout_s
        self.synchronous = synchronous
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[tuple[int, sqlite3.Connection]] = []
        # connections inherited through fork are kept referenced but never used or closed:
        # finalising them in the child could disturb the parent's locks
        self._inherited: list[sqlite3.Connection] = []
        self._schema_pid: int | None = None

    # ---- connections ------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"The state database folder {self.path.parent} cannot be created: {exc}."
            ) from exc
        conn = sqlite3.connect(
            str(self.path),
            timeout=self.busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
        deadline = time.monotonic() + self.busy_timeout_s
        while True:
            # switching a fresh file to WAL needs a moment of exclusive access
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")
        return conn

    def _conn(self) -> sqlite3.Connection:
        pid = os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == pid:
            return conn
        with self._lock:
            if conn is not None:
                self._inherited.append(conn)
            self._open = [(p, c) for p, c in self._open if p == pid]
        try:
            conn = self._connect()
            if self._schema_pid != pid:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for stmt in _SCHEMA:
                        conn.execute(stmt)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                self._schema_pid = pid
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                f"The state database {self.path} cannot be opened: {exc}.",
                details={"path": str(self.path)},
            ) from exc
        self._local.conn = conn
        self._local.pid = pid
        with self._lock:
            self._open.append((pid, conn))
        return conn

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(
                f"The state database did not answer: {exc}.", details={"path": str(self.path)}
            ) from exc

    def close(self) -> None:
        pid = os.getpid()
        with self._lock:
            mine = [c for p, c in self._open if p == pid]
            self._open = [(p, c) for p, c in self._open if p != pid]
        for conn in mine:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    # ---- primitives -------------------------------------------------------------------

    def transact(self, fn: Callable[[_SqliteTxn], T]) -> T:
        conn = self._conn()
        if conn.in_transaction:
            raise RuntimeError("store transactions cannot be nested")
        with self._errors():
            conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(_SqliteTxn(conn))
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreUnavailable(f"The state database did not answer: {exc}.") from exc
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise StoreUnavailable(f"The state database did not commit: {exc}.") from exc
        return result

    def get(self, key: Key) -> dict[str, Any] | None:
        with self._errors():
            return _SqliteTxn(self._conn()).get(key)

    def get_many(self, keys: Iterable[Key]) -> list[dict[str, Any] | None]:
        keys = list(keys)
        conn = self._conn()
        with self._errors():
            conn.execute("BEGIN")  # one snapshot for all reads
            try:
                txn = _SqliteTxn(conn)
                return [txn.get(k) for k in keys]
            finally:
                conn.execute("COMMIT")

    def _rows(self, sql: str, params: tuple) -> list[dict[str, Any]]:
        with self._errors():
            rows = self._conn().execute(sql, params).fetchall()
        records = [_load(v, b) for v, b in rows]
        records.sort(key=lambda r: (r.get("created_at", 0), str(r.get("id"))))
        return records

    def list(self, kind: str, session_id: str = "") -> list[dict[str, Any]]:
        if kind not in KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        return self._rows(
            "SELECT version, body FROM records WHERE kind = ? AND scope = ?", (kind, session_id)
        )

    def list_by_status(self, kind: str, *statuses: str) -> list[dict[str, Any]]:
        if not KINDS[kind].indexed_status:
            raise ValueError(f"{kind} records are not indexed by status")
        if not statuses:
            return []
        marks = ",".join("?" * len(statuses))
        return self._rows(
            f"SELECT version, body FROM records WHERE kind = ? AND status IN ({marks})",
            (kind, *statuses),
        )

    def list_owned(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        if kind is None:
            return self._rows("SELECT version, body FROM records WHERE owner = ?", (session_id,))
        return self._rows(
            "SELECT version, body FROM records WHERE owner = ? AND kind = ?", (session_id, kind)
        )

    def list_expired(self, kind: str, before: float, limit: int = 100) -> list[str]:
        if not KINDS[kind].expires:
            raise ValueError(f"{kind} records do not expire")
        with self._errors():
            rows = (
                self._conn()
                .execute(
                    "SELECT id FROM records WHERE kind = ? AND expires_at < ? "
                    "ORDER BY expires_at LIMIT ?",
                    (kind, before, limit),
                )
                .fetchall()
            )
        return [r[0] for r in rows]

    def append(self, log: str, session_id: str, body: dict[str, Any]) -> int:
        _check_log(log, session_id)
        return self.transact(lambda txn: txn.append(log, session_id, body))

    def read_log(
        self, log: str, session_id: str, after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        _check_log(log, session_id)
        with self._errors():
            rows = (
                self._conn()
                .execute(
                    "SELECT body FROM logs WHERE log = ? AND session_id = ? AND seq > ? "
                    "ORDER BY seq LIMIT ?",
                    (log, session_id, int(after), -1 if limit is None else int(limit)),
                )
                .fetchall()
            )
        return [json.loads(b) for (b,) in rows]

    def log_length(self, log: str, session_id: str) -> int:
        _check_log(log, session_id)
        with self._errors():
            (n,) = (
                self._conn()
                .execute(
                    "SELECT COUNT(*) FROM logs WHERE log = ? AND session_id = ?",
                    (log, session_id),
                )
                .fetchone()
            )
        return int(n)

    def hit(self, counter: str, window_s: float) -> tuple[int, float]:
        ts = time.time()
        win = int(ts // window_s)
        ends_at = (win + 1) * window_s

        def fn(txn: _SqliteTxn) -> int:
            conn = txn._conn
            conn.execute(
                "INSERT INTO counters (name, win, n, ends_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(name) DO UPDATE SET "
                "n = CASE WHEN counters.win = excluded.win THEN counters.n + 1 ELSE 1 END, "
                "win = excluded.win, ends_at = excluded.ends_at",
                (counter, win, ends_at),
            )
            (n,) = conn.execute("SELECT n FROM counters WHERE name = ?", (counter,)).fetchone()
            if n == 1 and secrets.randbelow(256) == 0:  # now and then, forget old windows
                conn.execute("DELETE FROM counters WHERE ends_at < ?", (ts - 60.0,))
            return int(n)

        return self.transact(fn), max(0.0, ends_at - ts)

    def echo(self, value: str) -> str:
        def fn(txn: _SqliteTxn) -> str:
            conn = txn._conn
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('ping', ?)", (value,))
            return conn.execute("SELECT value FROM meta WHERE key = 'ping'").fetchone()[0]

        return self.transact(fn)
