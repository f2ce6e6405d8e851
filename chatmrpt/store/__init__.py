"""Shared state: every fact about a session lives here, in SQLite or Redis."""

from __future__ import annotations

from chatmrpt.store.base import (
    ArtifactBusy,
    Conflict,
    NotFound,
    Store,
    StoreUnavailable,
    Txn,
    artifact_id,
    link_artifact,
    unlink_artifact,
)
from chatmrpt.store.model import Key, to_jsonable

__all__ = [
    "ArtifactBusy",
    "Conflict",
    "Key",
    "NotFound",
    "Store",
    "StoreUnavailable",
    "Txn",
    "artifact_id",
    "link_artifact",
    "open_store",
    "to_jsonable",
    "unlink_artifact",
]


def open_store(url: str, *, busy_timeout_s: float = 15.0) -> Store:
    """The store behind a resolved ``CHATMRPT_STORE_URL``.

    Nothing is connected here: each backend connects lazily in the process (and thread)
    that uses it, so a store opened before a fork is still safe in the children.
    """
    if url.startswith("sqlite:///"):
        from chatmrpt.config import sqlite_path
        from chatmrpt.store.sqlite_store import SQLiteStore

        return SQLiteStore(sqlite_path(url), busy_timeout_s=busy_timeout_s)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from chatmrpt.store.redis_store import RedisStore

        return RedisStore(url)
    raise ValueError(
        f"CHATMRPT_STORE_URL {url!r} is not supported; use sqlite:///ABS/PATH or "
        "redis://HOST:PORT/DB"
    )
