"""What the assistant can say about a dataset before any analysis: data quality findings and
whether net planning and urban reprioritisation have what they need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.population import no_population_error, no_urban_share_error
from chatmrpt.errors import InputError
from chatmrpt.service.sessions import require_session

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime


def _dataset(rt: Runtime, session_id: str, dataset_id: str | None) -> dict[str, Any]:
    session = require_session(rt, session_id)
    if dataset_id is None:
        dataset_id = (session.get("state") or {}).get("current_dataset")
    record = rt.store.get_dataset(session_id, dataset_id) if dataset_id else None
    if record is None:
        raise InputError("not_found", "There is no ward data in this session yet; upload a ward "
                         "table first.")
    return record


def data_quality(rt: Runtime, session_id: str, dataset_id: str | None = None) -> dict[str, Any]:
    """Data quality findings of a dataset (default: the session's current one).

    Returns ``dataset_id``, ``findings`` (each with ``kind``, ``columns`` and a plain
    ``message``) and ``text``: the findings as sentences, or a sentence saying none were
    found — ready for a chat reply.
    """
    record = _dataset(rt, session_id, dataset_id)
    findings = list(record.get("quality") or [])
    if findings:
        text = "Before analysing, check these points in the ward data:\n" + "\n".join(
            f"- {f['message']}" for f in findings)
    else:
        text = ("No data quality problems were found in the ward data (no identical or "
                "constant columns, shares within range, no negative counts, no repeated ward "
                "codes).")
    return {"dataset_id": record["id"], "findings": findings, "text": text}


def planning_readiness(rt: Runtime, session_id: str, dataset_id: str | None = None
                       ) -> dict[str, Any]:
    """Whether the dataset has a population and an urban share, where they come from, and
    (``text``) one plain sentence for the user — what to provide when something is missing."""
    record = _dataset(rt, session_id, dataset_id)
    planning = record.get("planning") or {}
    population, urban = planning.get("population"), planning.get("urban_share")
    sentences = []
    if population:
        sentences.append(f"Population: {population['source']}.")
    else:
        sentences.append(no_population_error("nets cannot be planned").message)
    if urban:
        sentences.append(f"Urban share: {urban['source']}.")
    else:
        sentences.append(no_urban_share_error(
            "urban wards cannot be identified for reprioritisation").message)
    return {
        "dataset_id": record["id"],
        "population": population,
        "urban_share": urban,
        "can_plan_nets": bool(population and urban),
        "can_reprioritize": bool(population and urban),
        "text": " ".join(sentences),
    }
