"""Sessions: creation, token check, description, deletion.

The session id is random (``secrets``) and the token is returned once, at creation; the
store keeps only the token's sha256, compared in constant time. A wrong token and an
unknown session look the same to the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatmrpt.errors import InputError
from chatmrpt.jobs.datasets import require_session
from chatmrpt.jobs.retention import discard_blobs
from chatmrpt.store.base import NotFound
from chatmrpt.store.model import (
    COVARIATES,
    PLAN,
    PREPARE,
    REPRIORITIZATION,
    TPR,
    now,
    valid_id,
)

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

_DUMMY_HASH = hashlib.sha256(b"no such session").hexdigest()
# a used session's expiry moves forward at most this often (saves a write per request)
_TOUCH_EVERY_S = 3600.0


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public_session(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "token_hash"}


def create_session(rt: Runtime) -> tuple[dict[str, Any], str]:
    """A new session and its token (shown to the client once, never stored)."""
    session_id = secrets.token_hex(16)
    token = secrets.token_urlsafe(32)
    record = rt.store.create_session(
        session_id, hash_token(token), rt.settings.session_ttl_hours * 3600.0
    )
    return public_session(record), token


def authenticate(rt: Runtime, session_id: str, token: str | None) -> dict[str, Any] | None:
    """The session when ``token`` opens it, else None (unknown, expired or wrong token)."""
    given = hash_token(token) if isinstance(token, str) and token else ""
    return open_session(rt, session_id, lambda stored: hmac.compare_digest(given, stored))


def open_session(
    rt: Runtime, session_id: str, verify: Callable[[str], bool]
) -> dict[str, Any] | None:
    """The session when ``verify(stored token hash)`` accepts it and it has not expired.

    ``verify`` runs for unknown sessions too (against a dummy hash), so an unknown session
    and a wrong credential take the same path. A used session's expiry moves forward.
    """
    record = rt.store.get_session(session_id) if valid_id(session_id) else None
    accepted = verify(record["token_hash"] if record else _DUMMY_HASH)
    if not accepted or record is None:
        return None
    ts = now()
    if record.get("expires_at", 0) <= ts:
        return None
    ttl = rt.settings.session_ttl_hours * 3600.0
    if record["expires_at"] < ts + ttl - min(_TOUCH_EVERY_S, ttl / 10):
        record = touch_session(rt, session_id) or record
    return public_session(record)


def touch_session(rt: Runtime, session_id: str) -> dict[str, Any] | None:
    ttl = rt.settings.session_ttl_hours * 3600.0

    def extend(session: dict[str, Any]) -> None:
        session["expires_at"] = max(session.get("expires_at", 0), now() + ttl)

    try:
        return rt.store.update_session(session_id, extend)
    except NotFound:  # deleted meanwhile
        return None


def found(record: dict[str, Any] | None, message: str, id_field: str,
          record_id: str | None) -> dict[str, Any]:
    """``record``, or ``not_found`` with ``message`` when there is none; the error's details
    name the id asked for (``id_field``) when it is a valid one."""
    if record is None:
        raise InputError("not_found", message,
                         details={id_field: record_id if valid_id(record_id) else None})
    return record


def session_dataset(rt: Runtime, session_id: str, dataset_id: str | None) -> dict[str, Any]:
    """The session's dataset ``dataset_id``; ``not_found`` when it has none of that id."""
    return found(
        rt.store.get_dataset(session_id, dataset_id) if valid_id(dataset_id) else None,
        "There is no such dataset in this session; upload the ward table first.",
        "dataset_id", dataset_id,
    )


def session_analysis(rt: Runtime, session_id: str, analysis_id: str | None) -> dict[str, Any]:
    """The session's analysis ``analysis_id``; ``not_found`` when it has none of that id."""
    return found(
        rt.store.get_analysis(session_id, analysis_id) if valid_id(analysis_id) else None,
        "There is no such analysis in this session.", "analysis_id", analysis_id,
    )


def describe_session(rt: Runtime, session_id: str) -> dict[str, Any]:
    """What a client sees of a session: its state and the summaries of its records.

    The session and its records are read one after the other, not in one transaction: a
    job finishing in between would show a run as succeeded while the state does not point
    to it yet. The description is read again (a few times at most) until the session's
    version is the same before and after its records were read."""
    for _ in range(4):
        body = _describe(rt, session_id)
        if require_session(rt, session_id)["version"] == body["version"]:
            break
    return body


def _describe(rt: Runtime, session_id: str) -> dict[str, Any]:
    session = require_session(rt, session_id)
    store = rt.store
    datasets = [
        {
            "dataset_id": d["id"],
            "table": d.get("table", {}).get("name"),
            "boundaries": (d.get("boundaries") or {}).get("name"),
            "wards": d.get("summary", {}).get("wards"),
            "variables": d.get("summary", {}).get("variables", []),
            "created_at": d.get("created_at"),
        }
        for d in store.list_datasets(session_id)
    ]
    analyses = [
        {
            "analysis_id": a["id"],
            "dataset_id": a.get("dataset_id"),
            "status": a.get("status"),
            "progress": a.get("progress"),
            "stage": a.get("stage"),
            "error": a.get("error"),
            "job_id": a.get("job_id"),
            "created_at": a.get("created_at"),
        }
        for a in store.list_analyses(session_id)
    ]
    results = {
        name: [_result_summary(kind, record) for record in store.list_results(kind, session_id)]
        for name, kind in _RESULT_LISTS.items()
    }
    return {
        "id": session["id"],
        "version": session["version"],
        "state": session.get("state", {}),
        "created_at": session.get("created_at"),
        "expires_at": session.get("expires_at"),
        "datasets": datasets,
        "analyses": analyses,
        **results,
        "messages": store.message_count(session_id),
    }


# the session description's lists of derived results: list name -> record kind
_RESULT_LISTS = {
    "plans": PLAN,
    "reprioritizations": REPRIORITIZATION,
    "tpr": TPR,
    "prepared": PREPARE,
    "covariates": COVARIATES,
}
_RESULT_ID = {PLAN: "plan_id", REPRIORITIZATION: "reprioritization_id", TPR: "tpr_id",
              PREPARE: "prepare_id", COVARIATES: "covariates_id"}
_JOB_FIELDS = ("status", "progress", "stage", "error", "job_id")


def _result_summary(kind: str, p: dict[str, Any]) -> dict[str, Any]:
    """One derived result as the session description lists it."""
    out: dict[str, Any] = {_RESULT_ID[kind]: p["id"]}
    if kind in (PLAN, REPRIORITIZATION):
        out.update(analysis_id=p.get("analysis_id"), params=p.get("params"))
    elif kind == COVARIATES:
        out["dataset_id"] = p.get("dataset_id")
    if kind in (TPR, PREPARE, COVARIATES):
        out.update({f: p.get(f) for f in _JOB_FIELDS})
    if kind == TPR:
        out["file"] = (p.get("facility") or {}).get("name")
    elif kind == PREPARE:
        out["file"] = ((p.get("inputs") or {}).get("export") or {}).get("name")
    elif kind == COVARIATES:
        out["params"] = p.get("params")
    out.update(summary=p.get("summary"), created_at=p.get("created_at"))
    return out


def delete_session(rt: Runtime, session_id: str) -> bool:
    """Delete now (the user asked); refused with ``conflict`` while a job is active."""
    require_session(rt, session_id)
    blobs = [a.get("sha256") for a in rt.store.list_artifacts(session_id) if a.get("sha256")]
    blobs += [(d.get("frame") or {}).get("sha256") for d in rt.store.list_datasets(session_id)]
    blobs = [sha for sha in blobs if sha]
    if rt.store.delete_session(session_id):
        # its files go now, each unless another session still references the same bytes
        discard_blobs(rt, blobs)
        return True
    raise InputError(
        "conflict",
        "This session has a job queued or running; wait until it finishes, then delete it.",
        details={"session_id": session_id},
    )
