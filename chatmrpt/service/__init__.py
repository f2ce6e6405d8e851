"""Service functions shared by the HTTP API and the chat tools.

Each takes the process's ``Runtime`` and ids, reads and writes the store, and raises
``InputError`` for anything the caller can fix.
"""

from __future__ import annotations

from chatmrpt.service.analyses import (
    get_analysis,
    list_analyses,
    submit_analysis,
)
from chatmrpt.service.covariates import (
    get_covariates,
    list_covariates,
    list_rasters,
    submit_covariates,
)
from chatmrpt.service.datasets import (
    add_dataset,
    get_dataset,
)
from chatmrpt.service.plans import (
    create_plan,
    get_plan,
    list_plans,
    plan_wards,
)
from chatmrpt.service.prepare import (
    get_prepare,
    submit_prepare,
)
from chatmrpt.service.quality import (
    data_quality,
    planning_readiness,
)
from chatmrpt.service.results import (
    finished_analysis,
    latest_analysis,
    load_unified,
)
from chatmrpt.service.sessions import (
    authenticate,
    create_session,
    delete_session,
    describe_session,
    hash_token,
    open_session,
    require_session,
    touch_session,
)
from chatmrpt.service.tpr import (
    get_tpr,
    list_tpr,
    submit_tpr,
)
from chatmrpt.service.urban import (
    get_reprioritization,
    list_reprioritizations,
    reprioritize,
)

__all__ = [
    "add_dataset",
    "authenticate",
    "create_plan",
    "create_session",
    "data_quality",
    "delete_session",
    "describe_session",
    "finished_analysis",
    "get_analysis",
    "get_covariates",
    "get_dataset",
    "get_plan",
    "get_prepare",
    "get_reprioritization",
    "get_tpr",
    "hash_token",
    "latest_analysis",
    "list_analyses",
    "list_covariates",
    "list_plans",
    "list_rasters",
    "list_reprioritizations",
    "list_tpr",
    "load_unified",
    "open_session",
    "plan_wards",
    "planning_readiness",
    "reprioritize",
    "require_session",
    "submit_analysis",
    "submit_covariates",
    "submit_prepare",
    "submit_tpr",
    "touch_session",
]
