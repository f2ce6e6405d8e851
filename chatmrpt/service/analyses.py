"""Asking for an analysis: once per dataset and parameters, however often it is asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.params import AnalysisParams, analysis_id
from chatmrpt.analysis.variables import check_request
from chatmrpt.errors import InputError
from chatmrpt.service.results import remember, submit_run
from chatmrpt.service.sessions import require_session, session_analysis, session_dataset
from chatmrpt.store.model import FAILED, Key

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

ANALYSIS_JOB = "analysis"


def submit_analysis(
    rt: Runtime,
    session_id: str,
    dataset_id: str | None,
    params_dict: dict[str, Any] | None,
    admit: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The analysis record for these parameters, queued when new; ``(record, reused)``.

    The analysis id is the hash of the dataset and the normalised parameters. Already
    succeeded: returned with ``reused`` True, and it becomes the session's current
    analysis again (``state.current_analysis``), as when its job finished. Queued or running: the same record and job.
    Failed: a new attempt with a new job. Without ``dataset_id``, the session's current
    dataset. Two processes asking at the same moment create one job: the record is
    created inside a store transaction that checks it is absent. ``admit`` is called
    before new work is queued (and only then); it may refuse by raising.
    """
    session = require_session(rt, session_id)
    if dataset_id is None:
        dataset_id = (session.get("state") or {}).get("current_dataset")
        if dataset_id is None:
            raise InputError(
                "invalid_request",
                "There is no ward data in this session yet: upload a ward table first.",
            )
    dataset = session_dataset(rt, session_id, dataset_id)
    params = AnalysisParams.from_dict(params_dict)
    _check_against_dataset(dataset, params)
    aid = analysis_id(dataset_id, params)
    akey = Key.analysis(session_id, aid)
    if admit is not None:
        # only a request that would queue work counts (rate limits); asking again about an
        # analysis that is queued, running or done is one read
        known = rt.store.get(akey)
        if known is None or known.get("status") == FAILED:
            admit()

    record = {
        "id": aid,
        "session_id": session_id,
        "dataset_id": dataset_id,
        "params": params.normalized(),
        "runs": 0,
    }
    stored, reused = submit_run(
        rt, session_id, akey, ANALYSIS_JOB, lambda: record,
        {"session_id": session_id, "analysis_id": aid},
    )
    if reused:
        # asking again for an analysis made earlier makes it the current one, as its job
        # did when it finished: what follows (plans, ward lists) uses it
        remember(rt, session_id, current_analysis=aid)
    return stored, reused


def _check_against_dataset(dataset: dict[str, Any] | None, params: AnalysisParams) -> None:
    """Refuse now (422) what the job could only fail on: from the dataset's summary."""
    summary = (dataset or {}).get("summary") or {}
    if "wards" not in summary or "variables" not in summary or "columns" not in summary:
        return  # recorded before summaries had these; the job checks them
    check_request(
        int(summary["wards"]),
        summary["variables"],
        summary["columns"],
        requested=params.variables,
        direction_overrides=params.direction_overrides,
        excluded=summary.get("excluded") or (),
        added=summary.get("added") or (),
    )


def get_analysis(rt: Runtime, session_id: str, analysis_id: str) -> dict[str, Any]:
    require_session(rt, session_id)
    return session_analysis(rt, session_id, analysis_id)


def list_analyses(rt: Runtime, session_id: str) -> list[dict[str, Any]]:
    require_session(rt, session_id)
    return rt.store.list_analyses(session_id)
