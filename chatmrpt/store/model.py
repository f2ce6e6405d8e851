"""The record model of the shared store.

Every fact about a session is a JSON record addressed by a :class:`Key`: its kind, its id
and, for records that belong to a session (datasets, analyses, ITN plans,
reprioritizations, TPR runs, covariate extractions, prepared datasets, artifacts), the
session id. Sessions, jobs, blobs, process heartbeats and kept pictures have global ids.
Every record carries a ``version`` that the store raises by one on each write; writers that
must not lose a concurrent update compare versions (see ``Store.update``).

Two append-only logs hang off each session: ``messages`` (the conversation) and
``events`` (job progress and completion, read by server-sent events). Entries get
per-session sequence numbers 1, 2, 3...
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

# record kinds
SESSION = "session"
DATASET = "dataset"
ANALYSIS = "analysis"
PLAN = "plan"  # an ITN plan
REPRIORITIZATION = "reprioritization"
TPR = "tpr"
COVARIATES = "covariates"
PREPARE = "prepare"
ARTIFACT = "artifact"
JOB = "job"
BLOB = "blob"
PROCESS = "process"
PICTURE = "picture"  # a rendered map kept for reuse (``chatmrpt.service.pictures``)

# append-only logs
MESSAGES = "messages"
EVENTS = "events"
LOGS = frozenset({MESSAGES, EVENTS})

# Results derived in a session, each its own record kind. Records written before they
# were separated are ``plan`` records told apart by ``type`` (none: an ITN plan); the
# store moves them to their own kind when it first reads them (``Store.get_result``).
RESULT_KINDS = (PLAN, REPRIORITIZATION, TPR, COVARIATES, PREPARE)
ITN = "itn"  # the ``type`` of an ITN plan record


def legacy_plan_kind(record: Mapping[str, Any]) -> str:
    """The record kind a stored ``plan`` record belongs to, by its ``type``."""
    type_ = record.get("type", ITN)
    return type_ if type_ in RESULT_KINDS and type_ != PLAN else PLAN


class JobState(enum.StrEnum):
    """The states of a job and of the work it does (an analysis, a TPR run). Members are
    strings: records store and clients read the plain words."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


QUEUED = JobState.QUEUED
RUNNING = JobState.RUNNING
SUCCEEDED = JobState.SUCCEEDED
FAILED = JobState.FAILED
ACTIVE_STATES = (QUEUED, RUNNING)
FINAL_STATES = (SUCCEEDED, FAILED)

# blob states (reference counting of content-addressed artifacts)
BLOB_REFERENCED = "referenced"
BLOB_UNREFERENCED = "unreferenced"
BLOB_DELETING = "deleting"


@dataclass(frozen=True)
class KindSpec:
    name: str
    scoped: bool  # keyed by (session_id, id) rather than by id alone
    # for unscoped kinds: the field naming the session the record belongs to, so that
    # deleting a session deletes it too ("id" for the session record itself)
    owner_field: str | None = None
    indexed_status: bool = False  # listable by status across all sessions
    expires: bool = False  # listable by ``expires_at``


KINDS: Mapping[str, KindSpec] = MappingProxyType(
    {
        SESSION: KindSpec(SESSION, scoped=False, owner_field="id", expires=True),
        DATASET: KindSpec(DATASET, scoped=True),
        ANALYSIS: KindSpec(ANALYSIS, scoped=True),
        PLAN: KindSpec(PLAN, scoped=True),
        REPRIORITIZATION: KindSpec(REPRIORITIZATION, scoped=True),
        TPR: KindSpec(TPR, scoped=True),
        COVARIATES: KindSpec(COVARIATES, scoped=True),
        PREPARE: KindSpec(PREPARE, scoped=True),
        ARTIFACT: KindSpec(ARTIFACT, scoped=True),
        JOB: KindSpec(JOB, scoped=False, owner_field="session_id", indexed_status=True),
        BLOB: KindSpec(BLOB, scoped=False, indexed_status=True),
        PROCESS: KindSpec(PROCESS, scoped=False),
        PICTURE: KindSpec(PICTURE, scoped=False),
    }
)

@dataclass(frozen=True)
class SessionState:
    """A session's ``state``: the records its next steps start from.

    Stored as a plain JSON object in the session record (clients read it as such); keys
    this version does not know are kept in ``other`` and written back unchanged.
    """

    current_dataset: str | None = None
    current_analysis: str | None = None
    last_plan: str | None = None
    last_reprioritization: str | None = None
    last_tpr: str | None = None
    last_covariates: str | None = None
    other: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "other")

    @classmethod
    def of(cls, session: Mapping[str, Any] | None) -> SessionState:
        """The state of a session record (an empty state for None)."""
        raw = dict((session or {}).get("state") or {})
        known = {k: raw.pop(k) for k in cls.names() if k in raw}
        return cls(**known, other=raw)

    def to_dict(self) -> dict[str, Any]:
        """As stored: the keys that are set, and the unknown ones as they were."""
        out = dict(self.other)
        out.update({k: getattr(self, k) for k in self.names() if getattr(self, k) is not None})
        return out

    def changed(self, **changes: Any) -> SessionState | None:
        """This state with ``changes`` applied, or None when they change nothing."""
        unknown = set(changes) - set(self.names())
        if unknown:
            raise ValueError(f"unknown session state {sorted(unknown)}")
        if all(getattr(self, k) == v for k, v in changes.items()):
            return None
        return replace(self, **changes)


# Ids are generated by the server (hex digests, random tokens, host:pid) and become part
# of storage keys, so they are held to a strict pattern; "|" is reserved as a separator.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$")


def valid_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True, order=True)
class Key:
    kind: str
    id: str
    session_id: str = ""

    def __post_init__(self) -> None:
        spec = KINDS.get(self.kind)
        if spec is None:
            raise ValueError(f"unknown record kind {self.kind!r}")
        if not valid_id(self.id):
            raise ValueError(f"invalid {self.kind} id {self.id!r}")
        if spec.scoped:
            if not valid_id(self.session_id):
                raise ValueError(f"{self.kind} records need a valid session id")
        elif self.session_id:
            raise ValueError(f"{self.kind} records are not scoped to a session")

    @property
    def spec(self) -> KindSpec:
        return KINDS[self.kind]

    def encode(self) -> str:
        return f"{self.kind}|{self.session_id}|{self.id}"

    @classmethod
    def decode(cls, text: str) -> Key:
        kind, session_id, id_ = text.split("|", 2)
        return cls(kind, id_, session_id)

    # constructors in the users' vocabulary
    @classmethod
    def session(cls, session_id: str) -> Key:
        return cls(SESSION, session_id)

    @classmethod
    def dataset(cls, session_id: str, dataset_id: str) -> Key:
        return cls(DATASET, dataset_id, session_id)

    @classmethod
    def analysis(cls, session_id: str, analysis_id: str) -> Key:
        return cls(ANALYSIS, analysis_id, session_id)

    @classmethod
    def plan(cls, session_id: str, plan_id: str) -> Key:
        return cls(PLAN, plan_id, session_id)

    @classmethod
    def result(cls, kind: str, session_id: str, result_id: str) -> Key:
        """A derived result: an ITN plan (``PLAN``), a reprioritization, a TPR run..."""
        if kind not in RESULT_KINDS:
            raise ValueError(f"{kind!r} is not a kind of derived result")
        return cls(kind, result_id, session_id)

    @classmethod
    def artifact(cls, session_id: str, artifact_id: str) -> Key:
        return cls(ARTIFACT, artifact_id, session_id)

    @classmethod
    def job(cls, job_id: str) -> Key:
        return cls(JOB, job_id)

    @classmethod
    def blob(cls, sha256: str) -> Key:
        return cls(BLOB, sha256)

    @classmethod
    def process(cls, kind: str, host: str, pid: int) -> Key:
        return cls(PROCESS, f"{kind}:{host}:{pid}")

    @classmethod
    def picture(cls, key: str) -> Key:
        return cls(PICTURE, key)


def owner_of(key: Key, record: Mapping[str, Any] | None) -> str | None:
    """The session a record belongs to (deleted with it), or None."""
    spec = key.spec
    if spec.scoped:
        return key.session_id
    if spec.owner_field == "id":
        return key.id
    if spec.owner_field and record is not None:
        owner = record.get(spec.owner_field)
        return owner if valid_id(owner) else None
    return None


def now() -> float:
    """Wall-clock seconds: records are compared across processes and machines."""
    return time.time()


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from what analysis code returns (numpy, pandas, paths, NaN)."""
    # the plain types first, by exact type: ward tables are thousands of these
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v) for v in value]
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v) for v in items]
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    # numpy / pandas scalars and arrays without importing them here
    if hasattr(value, "tolist") and callable(value.tolist):
        return to_jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        try:
            return to_jsonable(value.item())
        except (TypeError, ValueError):
            pass
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return str(value)
