"""Service functions shared by the HTTP API and the chat tools.

Each takes the process's ``Runtime`` and ids, reads and writes the store, and raises
``InputError`` for anything the caller can fix. Imported lazily, so that importing
``chatmrpt.service`` does not load the analysis stack.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "create_session": "sessions",
    "authenticate": "sessions",
    "touch_session": "sessions",
    "require_session": "sessions",
    "describe_session": "sessions",
    "delete_session": "sessions",
    "hash_token": "sessions",
    "add_dataset": "datasets",
    "get_dataset": "datasets",
    "submit_analysis": "analyses",
    "get_analysis": "analyses",
    "list_analyses": "analyses",
    "open_session": "sessions",
    "load_unified": "results",
    "latest_analysis": "results",
    "finished_analysis": "results",
    "create_plan": "plans",
    "get_plan": "plans",
    "list_plans": "plans",
    "plan_wards": "plans",
    "reprioritize": "urban",
    "get_reprioritization": "urban",
    "list_reprioritizations": "urban",
    "submit_tpr": "tpr",
    "get_tpr": "tpr",
    "list_tpr": "tpr",
    "data_quality": "quality",
    "planning_readiness": "quality",
    "prepare_dataset": "prepare",
    "submit_prepare": "prepare",
    "get_prepare": "prepare",
    "list_rasters": "covariates",
    "submit_covariates": "covariates",
    "get_covariates": "covariates",
    "list_covariates": "covariates",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
