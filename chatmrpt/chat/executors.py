"""What each chat tool does: the same service functions the HTTP API calls.

Every executor takes ``(rt, session_id, params)`` — parameters already validated against
the tool's schema and completed with its defaults — and returns a :class:`ToolResult`:
the reply text, the artifacts to show or download (maps, tables, files, stored in the
session like any other result) and small data for the interface. Executors read
everything from the store and artifact storage; they keep nothing between calls.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chatmrpt.chat import explain
from chatmrpt.chat.tools import ToolRegistry
from chatmrpt.errors import InputError
from chatmrpt.service.views import Links
from chatmrpt.store.model import ACTIVE_STATES, FAILED, RUNNING, SUCCEEDED

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime



@dataclass
class ToolResult:
    text: str
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)


Executor = Callable[["Runtime", str, dict[str, Any]], ToolResult]


def _artifact_ref(record: dict[str, Any], session_id: str, kind: str) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record.get("name"),
        "media_type": record.get("media_type"),
        "size": record.get("size"),
        "kind": kind,
    }


def _analysis(rt: Runtime, session_id: str) -> dict[str, Any]:
    """The session's finished analysis, or analysis_not_ready saying what to do."""
    from chatmrpt.service.results import finished_analysis

    return finished_analysis(rt, session_id)


def _unified(rt: Runtime, session_id: str, analysis_id: str):
    from chatmrpt.service.results import load_unified

    return load_unified(rt, session_id, analysis_id)


def _variables(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    return list((analysis.get("summary") or {}).get("variables") or [])


# --- data and analysis -------------------------------------------------------------------


def describe_data(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service import get_dataset, require_session

    if params.get("about") == "default_variables":
        from chatmrpt.chat.executors_more import default_variables

        return default_variables(rt, session_id)

    session = require_session(rt, session_id)
    dataset_id = (session.get("state") or {}).get("current_dataset")
    if not dataset_id:
        raise InputError("invalid_request", "No ward data yet: upload a ward table first.")
    ds = get_dataset(rt, session_id, dataset_id)
    summary = ds.get("summary") or {}
    lines = [f"The ward table {ds['table']['name']!r} has {summary.get('wards')} wards."]
    variables = summary.get("variables") or []
    if variables:
        lines.append(f"Numeric columns that can serve as risk variables ({len(variables)}): "
                     + ", ".join(variables) + ".")
    jr = ds.get("join_report")
    if jr:
        lines.append(f"Boundaries {ds['boundaries']['name']!r}: {jr.get('matched')} of "
                     f"{jr.get('table_rows')} wards matched to a shape"
                     + (f"; {jr.get('unmatched_table_count')} without one."
                        if jr.get("unmatched_table_count") else "."))
        fuzzy = jr.get("fuzzy_matches") or []
        if fuzzy:
            pairs = ", ".join(f"{m['table_name']} → {m['boundary_name']}" for m in fuzzy[:5])
            lines.append(f"Matched by similar spelling: {pairs}.")
    else:
        lines.append("No boundaries were uploaded, so there are no maps and missing values "
                     "are filled with the column mean.")
    for w in (ds.get("warnings") or [])[:5]:
        lines.append(f"Note: {w}")
    lines.append(_population_line(ds, rt, session_id))
    return ToolResult("\n".join(lines), data={"dataset_id": dataset_id, "summary": summary},
                      suggestions=["Run the analysis", "Explain the method"])


def _population_total(rt: Runtime, session_id: str, column: Any) -> tuple[int, int] | None:
    """(the summed population, the wards that have one) from the analysed or uploaded
    table, or None when the column is not in it."""
    import pandas as pd

    from chatmrpt.chat.executors_more import _ward_table

    try:
        table = _ward_table(rt, session_id)
    except Exception:  # noqa: BLE001 - the line is an extra, never a failure
        return None
    if not column or column not in table.columns:
        return None
    values = pd.to_numeric(table[column], errors="coerce").dropna()
    return (int(round(float(values.sum()))), len(values)) if len(values) else None


def _population_line(ds: dict[str, Any], rt: Runtime, session_id: str) -> str:
    """Where net planning's population comes from, or what to provide."""
    from chatmrpt.analysis.population import no_population_error

    population = (ds.get("planning") or {}).get("population")
    if population:
        total = _population_total(rt, session_id, population.get("column"))
        return (f"Population for net planning: {population['source']}."
                + (f" Total population of the {total[1]} wards: {total[0]:,}." if total else ""))
    return no_population_error("nets cannot be planned yet").message


def run_analysis(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service import get_analysis, submit_analysis

    request = {k: params[k] for k in ("variables", "directions", "methods", "normalization",
                                      "aggregation", "tie_break")
               if params.get(k) is not None}
    # an earlier analysis asked for again becomes the current one (in the service)
    record, reused = submit_analysis(rt, session_id, None, request)
    deadline = time.monotonic() + rt.settings.chat_wait_s
    while record.get("status") in ACTIVE_STATES and time.monotonic() < deadline:
        time.sleep(0.25)
        record = get_analysis(rt, session_id, record["id"])
    status = record.get("status")
    if status == FAILED:
        err = record.get("error") or {}
        return ToolResult(f"The analysis could not run: {err.get('message', 'unknown error')}",
                          data={"analysis_id": record["id"], "status": status})
    if status != SUCCEEDED:
        return ToolResult(
            "The analysis is running (progress shows on the page). Ask me for the top wards "
            "or a map when it has finished.",
            data={"analysis_id": record["id"], "job_id": record.get("job_id"), "status": status},
            suggestions=["What is the status?"],
        )
    return _analysis_reply(rt, session_id, record, reused)


def _analysis_reply(rt: Runtime, session_id: str, record: dict[str, Any],
                    reused: bool) -> ToolResult:
    s = record.get("summary") or {}
    variables = ", ".join(f"{v['name']} ({v['direction']})" for v in s.get("variables", []))
    lines = [("This analysis was already done with the same data and settings; here it is "
              "again." if reused else "The analysis is done.")]
    lines.append(f"{s.get('wards')} wards ranked with {len(s.get('variables', []))} variables: "
                 f"{variables}; {s.get('models')} models.")
    if s.get("aggregation") == "median-rank":
        lines.append(f"Ranked as the R MRPT app does (R MRPT compatible): median of the "
                     f"per-model ranks, {s.get('tie_break')} order for ties, "
                     f"normalisation {s.get('normalization')}.")
    cats = s.get("categories") or {}
    if cats:
        lines.append(f"{cats.get('High')} wards are High priority, {cats.get('Medium')} Medium "
                     f"and {cats.get('Low')} Low.")
    if s.get("pca_suitable"):
        rho = (s.get("comparison") or {}).get("spearman")
        lines.append(f"PCA was used too; its ranking agrees with the composite ranking with a "
                     f"Spearman correlation of {rho:.2f}." if rho is not None else
                     "PCA was used too.")
    elif "pca" in (s.get("methods") or []):
        lines.append(f"PCA was not used: {s.get('pca_reason')}")
    top = s.get("top_wards") or []
    if top:
        names = ", ".join(str(t.get("WardName")) for t in top[:5])
        lines.append(f"Most vulnerable: {names}.")
    if s.get("imputed_cells"):
        lines.append(f"{s['imputed_cells']} missing value(s) were filled from neighbouring wards.")
    for d in s.get("dropped_variables") or []:
        lines.append(f"Left out: {d.get('message')}")
    for group in s.get("identical_variables") or []:
        lines.append(f"Note: {', '.join(group[:-1])} and {group[-1]} hold the same number in "
                     f"every ward where both have a value, so this ranking counts that one "
                     f"measurement {len(group)} times; name only one of them to count it once.")
    suggestions = ["Show the vulnerability map", "Top 10 wards"]
    if _plannable(rt, session_id, record.get("dataset_id")):
        suggestions.append("Plan ITN distribution")  # offered only where it can be done
    return ToolResult("\n".join(lines),
                      data={"analysis_id": record["id"], "status": SUCCEEDED, "summary": s},
                      suggestions=suggestions)


def _plannable(rt: Runtime, session_id: str, dataset_id: str | None) -> bool:
    """Whether the analysed ward data has a population, as its dataset record says."""
    from chatmrpt.service import get_dataset

    if not dataset_id:
        return True
    try:
        ds = get_dataset(rt, session_id, dataset_id)
    except InputError:
        return True
    return bool((ds.get("planning") or {}).get("population"))


def session_status(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service import describe_session

    state = describe_session(rt, session_id)
    datasets = state.get("datasets") or []
    analyses = state.get("analyses") or []
    plans = state.get("plans") or []
    lines = [f"Ward data uploaded: {len(datasets)}."]
    for a in analyses[-3:]:
        pct = int(round(100 * float(a.get("progress") or 0)))
        lines.append(f"Analysis {a['analysis_id'][:8]}: {a.get('status')}"
                     + (f" ({pct}%)" if a.get("status") == RUNNING else ""))
    if not analyses:
        lines.append("No analysis yet.")
    lines.append(f"ITN plans: {len(plans)}.")
    return ToolResult("\n".join(lines), data={"session": state})


# --- results -----------------------------------------------------------------------------


def why_ranked(wards: Any, row: Any, rank: int) -> str:
    """The one-tap question about a ward's rank; a name two LGAs share carries its LGA, so the
    question sent back names exactly this ward."""
    name, lga = row["WardName"], row.get("LGA") if hasattr(row, "get") else None
    shared = lga is not None and "LGA" in wards.columns and \
        int((wards["WardName"] == name).sum()) > 1
    return f"Why is {name}{f' in {lga}' if shared else ''} ranked {explain.ordinal(rank)}?"


def top_wards(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    analysis = _analysis(rt, session_id)
    method = params.get("method", "composite")
    wards = _unified(rt, session_id, analysis["id"])
    if f"{method}_rank" not in wards.columns:
        from chatmrpt.chat.tables import no_pca_text

        raise InputError("invalid_parameter", no_pca_text(analysis, "ranking"))
    cols = [c for c in ("WardName", "LGA", "WardCode", "composite_rank", "composite_score",
                        "composite_category", "pca_rank", "pca_score", "pca_category")
            if c in wards.columns]
    rows = wards[cols].to_dict("records")
    start = int(params.get("start", 1))
    text = explain.describe_top_wards(rows, int(params.get("n", 10)), method,
                                      params.get("order", "top"), start=start)
    order = wards.sort_values(f"{method}_rank", ascending=params.get("order", "top") == "top")
    table = order[cols].iloc[start - 1:start - 1 + int(params.get("n", 10))]
    suggestions = ["Show the vulnerability map"]
    if len(table):
        first = table.iloc[0]
        suggestions.append(why_ranked(wards, first, int(first[f"{method}_rank"])))
    return ToolResult(text, data={"table": json.loads(table.to_json(orient="records"))},
                      suggestions=suggestions)


def explain_ward(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.analysis.names import normalise_ward_name

    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    key = normalise_ward_name(params["ward"])
    names = wards["WardName"].astype(str).map(normalise_ward_name)
    hits = wards[names == key]
    if params.get("lga") and "LGA" in wards.columns and len(hits) > 1:
        hits = hits[hits["LGA"].astype(str).str.lower() == str(params["lga"]).lower()]
    if hits.empty:
        raise InputError("not_found", f"There is no ward called {params['ward']!r} in this "
                                      "analysis. Check the spelling, or ask for the top wards.")
    if len(hits) > 1:
        options = ", ".join(f"{r.WardName} ({r.LGA})" for r in hits.itertuples())
        return ToolResult(f"There are several wards called {params['ward']}: {options}. "
                          "Which LGA do you mean?")
    row = hits.iloc[0].to_dict()
    text = explain.explain_ward(row, _variables(analysis), len(wards))
    return ToolResult(text, data={"ward": json.loads(hits.drop(columns="geometry",
                                                                errors="ignore")
                                                     .to_json(orient="records"))[0]})


def compare_methods(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    analysis = _analysis(rt, session_id)
    s = analysis.get("summary") or {}
    if not s.get("pca_suitable"):
        return ToolResult("Only the composite ranking exists for this analysis: PCA was not "
                          f"used because {s.get('pca_reason') or 'it was not asked for'}.")
    wards = _unified(rt, session_id, analysis["id"])
    cmp_ = s.get("comparison") or {}
    lines = [f"Spearman correlation between the two rankings: {cmp_.get('spearman'):.2f} "
             "(1 = identical order)."]
    for top, ov in sorted((cmp_.get("top_overlap") or {}).items(), key=lambda kv: int(kv[0])):
        lines.append(f"Top {top}: {ov['shared']} wards in both lists.")
    if "rank_difference" in wards.columns:
        moved = wards.reindex(wards["rank_difference"].abs().sort_values(ascending=False).index)
        for r in moved.head(3).itertuples():
            lines.append(f"{r.WardName}: composite rank {r.composite_rank}, PCA rank {r.pca_rank}.")
    from chatmrpt.service.views import rank_comparison

    plot = rank_comparison(rt, session_id, analysis["id"])
    return ToolResult("\n".join(lines), artifacts=[_artifact_ref(plot, session_id, "plot")])


def show_map(rt: Runtime, session_id: str, params: dict[str, Any], *, links: Links) -> ToolResult:
    from chatmrpt.service.views import map_for

    analysis = _analysis(rt, session_id)
    what = params.get("what", "composite")
    art, title = map_for(rt, session_id, analysis["id"], what, variable=params.get("variable"),
                         threshold=params.get("threshold"), links=links)
    ref = _artifact_ref(art, session_id, "map")
    other = "Show the vulnerability map" if what == "category" else "Show the categories map"
    return ToolResult(f"Here is the map: {title}.", artifacts=[ref],
                      suggestions=["Top 10 wards", other])


def explain_methodology(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    return ToolResult(explain.explain_methodology(params.get("topic", "general")))


def reprioritize_urban(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.urban import reprioritize

    result = reprioritize(rt, session_id, None, params.get("thresholds"),
                          params.get("target_share"))
    lines = [f"Urban wards that could be de-prioritised (least vulnerable first, up to "
             f"{result.get('target_share', params.get('target_share'))}% of the population):"]
    for row in result.get("summary", []):
        lines.append(
            f"More than {row['threshold']:g}% urban: {row['urban_wards']} urban wards, "
            f"{row['selected_wards']} selected, holding {row['population_share']:.2f}% of the "
            f"population" + ("" if row.get("target_reached") else " (target not reached)") + "."
        )
    lines += _source_lines(result.get("parameters") or {})
    arts = [_artifact_ref(a, session_id, "download") for a in result.get("artifacts", [])]
    return ToolResult("\n".join(lines), artifacts=arts, data={"reprioritization": result},
                      suggestions=["Show the urban map", "Plan ITN distribution"])


def _source_lines(parameters: dict[str, Any]) -> list[str]:
    """'Population: ...' and 'Urban share: ...', as recorded by the plan."""
    lines = []
    if parameters.get("population_source"):
        lines.append(f"Population: {parameters['population_source']}.")
    if parameters.get("urban_share_source"):
        lines.append(f"Urban share: {parameters['urban_share_source']}.")
    return lines


def _plan_reply(plan: dict[str, Any], session_id: str, before: dict | None = None) -> ToolResult:
    t = plan.get("totals") or (plan.get("summary") or {}).get("totals") or plan.get("summary") or {}
    p = plan.get("params") or {}
    from chatmrpt.chat.executors_more import STRATEGY_WORDS, _fmt

    strategy = str(p.get("strategy") or "stop")
    how = STRATEGY_WORDS.get(strategy, strategy)
    if strategy == "capped" and p.get("max_ward_share"):
        how += f" ({_fmt(p['max_ward_share'])}%)"
    lines = [f"Plan for {int(p.get('total_nets', t.get('total_nets', 0))):,} nets, households "
             f"of {_fmt(p.get('household_size'))} people; wards at least "
             f"{_fmt(p.get('urban_threshold', 75))}% urban are served last; {how}."]
    lines.append(f"{int(t.get('nets_allocated', 0)):,} nets allocated, "
                 f"{int(t.get('nets_remaining', t.get('remaining', 0))):,} left over; "
                 f"{t.get('wards_fully_covered', 0)} wards fully covered, "
                 f"{t.get('wards_partly_covered', 0)} partly, "
                 f"{t.get('wards_not_covered', 0)} not covered; "
                 f"{float(t.get('population_covered_percent', 0)):.1f}% of the population covered.")
    if before:
        bt = before.get("totals") or {}
        delta = float(t.get("population_covered_percent", 0)) - float(
            bt.get("population_covered_percent", 0))
        lines.append(f"Compared with the previous plan: coverage {delta:+.1f} percentage points, "
                     f"fully covered wards {int(t.get('wards_fully_covered', 0)) - int(bt.get('wards_fully_covered', 0)):+d}.")
    lines += _source_lines(plan.get("parameters") or plan.get("summary") or {})
    for w in (plan.get("warnings") or [])[:4]:
        lines.append(f"Warning: {w}")
    arts = [_artifact_ref(a, session_id, "download") for a in plan.get("artifacts", [])]
    return ToolResult("\n".join(lines), artifacts=arts,
                      data={"plan_id": plan.get("id"), "totals": t, "params": p},
                      suggestions=["Show the ITN map", more_nets_suggestion(p, t)])


def more_nets_suggestion(params: dict[str, Any], totals: dict[str, Any]) -> str:
    """An order, so that tapping it plans (a "what if ...?" question would only be answered)."""
    nets = params.get("total_nets", totals.get("total_nets"))
    if not nets:
        return "Plan with 20% more nets"
    return f"Plan with 20% more nets ({int(round(int(nets) * 1.2)):,})"


def plan_itn(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.plans import create_plan

    return _plan_reply(create_plan(rt, session_id, params), session_id)


def what_if_plan(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service import require_session
    from chatmrpt.service.plans import create_plan, get_plan

    state = require_session(rt, session_id).get("state") or {}
    last_id = state.get("last_plan")
    if not last_id:
        raise InputError("invalid_request", "There is no earlier plan to change: plan the nets "
                                            "first (how many nets, and the household size).")
    before = get_plan(rt, session_id, last_id)
    changes = {k: v for k, v in params.items() if v is not None}
    merged = {**(before.get("params") or {}), **changes}
    merged.pop("analysis_id", None)
    if changes.get("strategy") not in (None, "capped") and "max_ward_share" not in changes:
        merged.pop("max_ward_share", None)  # the share limit belongs to the capped rule
    # create_plan makes the new plan the session's last one (state.last_plan)
    plan = create_plan(rt, session_id, merged)
    return _plan_reply(plan, session_id, before=before)


def compute_tpr(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.views import resubmit_tpr

    record = resubmit_tpr(rt, session_id, params)
    used = {**params, **(record.get("params") or {})}  # the settings kept from the last run
    return ToolResult(
        f"Computing test positivity rates ({used.get('age', 'u5')}, test "
        f"{used.get('test', 'both')}, {used.get('facility_level', 'all')} facilities) from "
        "the facility export; progress shows on the page.",
        data={"tpr_id": record.get("id"), "status": record.get("status")})


def export_results(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.views import export

    what = params.get("what", "unified")
    art = export(rt, session_id, what, params.get("format"))
    ref = _artifact_ref(art, session_id, "download")
    return ToolResult(f"Here is {export_words(what, art['name'])}: {art['name']}.",
                      artifacts=[ref])


EXPORT_SUBJECT_WORDS = {"rankings": "the ward ranking", "itn_plan": "the net plan for every ward",
                        "report": "the report", "unified": "the full ward table with the scores",
                        "map": "the vulnerability map (composite score)",
                        "plot": "the chart of the model scores"}  # fmt: skip
EXPORT_FORMAT_WORDS = {"csv": "a CSV table", "xlsx": "an Excel workbook",
                       "html": "a web page (HTML) you can open in a browser or print to PDF",
                       "png": "a picture (PNG)", "geojson": "a GeoJSON map file",
                       "geoparquet": "a GeoParquet file"}  # fmt: skip


def export_words(what: str, name: str) -> str:
    """What a file holds and its format, in plain words ("the net plan for every ward as an
    Excel workbook")."""
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    subject = EXPORT_SUBJECT_WORDS.get(what, f"the {what.replace('_', ' ')}")
    kind = EXPORT_FORMAT_WORDS.get(fmt)
    if what == "report" and fmt == "html":
        kind = "a web page you can open in a browser or print to PDF"
    return f"{subject} as {kind}" if kind else subject


HELP_TEXT = (
    "You can ask me to:\n"
    "• describe the uploaded ward data\n"
    "• run the analysis (\"rank the wards\", \"use tpr, rainfall and housing\")\n"
    "• show a map (\"map the composite score\", \"map rainfall\", \"show urban wards above 50%\")\n"
    "• list wards (\"top 10 wards\", \"bottom 5 by PCA\")\n"
    "• explain a ward (\"why is Zango ranked first?\") or the method (\"how does PCA work?\")\n"
    "• compare the composite and PCA rankings\n"
    "• pick urban wards to de-prioritise (\"reprioritise urban wards, 30% target\")\n"
    "• plan nets (\"plan 500,000 nets, household size 5\"), then change it (\"what if 600k?\")\n"
    "• compute TPR from a facility export, and export files (CSV, Excel, report, maps)."
)


def help_(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """What can be asked, with examples made from the session's own data."""
    from chatmrpt.service import get_dataset, require_session
    from chatmrpt.service.results import latest_analysis

    state = require_session(rt, session_id).get("state") or {}
    if not state.get("current_dataset"):
        return ToolResult("First upload your ward table (CSV or Excel, one row per ward, with "
                          "the ward boundaries if you have them). Then I can:\n" + HELP_TEXT,
                          suggestions=["What can you do?"])
    ds = get_dataset(rt, session_id, state["current_dataset"])
    variables = list((ds.get("summary") or {}).get("variables") or [])
    analysis = latest_analysis(rt, session_id)
    done = analysis is not None and analysis.get("status") == SUCCEEDED
    planning = ds.get("planning") if "planning" in ds else None
    no_population = planning is not None and not (planning or {}).get("population")
    no_plan = ("• nets and urban wards: a net plan and the urban reprioritisation need each "
               "ward's population, which this table does not have (add a Population column, "
               "or a population table or raster with the ward data)")
    lines = [f"With your table ({(ds.get('summary') or {}).get('wards')} wards"
             + (f", columns such as {', '.join(variables[:4])}" if variables else "")
             + ") you can ask me to:"]
    if not done:
        lines.append("• rank the wards: \"run the analysis\""
                     + (f" or \"use {', '.join(variables[:3])}\"" if len(variables) >= 3 else ""))
        lines.append("• check the data: \"any problems with my data?\"")
        lines.append("Once the analysis is done you can ask for the top wards, maps, ward "
                     "lists by LGA, " + ("and files." if no_population else "net plans and files."))
        if no_population:
            lines.append("A net plan and the urban reprioritisation need each ward's "
                         "population, which this table does not have.")
        return ToolResult("\n".join(lines), suggestions=["Describe my data",
                                                          "Run the analysis"])
    wards = _unified(rt, session_id, analysis["id"])
    # a variable of the analysis for the map example (not the population or urban share)
    used = [v.get("name") for v in (analysis.get("summary") or {}).get("variables") or []]
    risk = [v for v in used if v and not any(w in v.lower() for w in ("pop", "urban"))] \
        or variables
    first = str(wards.sort_values("composite_rank")["WardName"].iloc[0])
    lga = str(wards["LGA"].dropna().iloc[0]) if "LGA" in wards.columns and \
        wards["LGA"].notna().any() else None
    lines += [
        "• list wards: \"top 10 wards\", "
        + ("\"bottom 5 wards\"" if (analysis.get("summary") or {}).get("pca_reason")
           else "\"bottom 5 by PCA\"")
        + (f", \"high priority wards in {lga}\"" if lga else ""),
        f"• explain a ward: \"why is {first} ranked 1st?\"",
        "• maps: \"show the vulnerability map\""
        + (f", \"map {risk[0]}\"" if risk else "") + ", \"save that map as a picture\"",
        "• LGAs: \"summarise by LGA\"" if lga else "• data checks: \"any problems with my data?\"",
        *([no_plan] if no_population else [
            "• nets: \"plan 500,000 nets, household size 5\", then \"20% more nets\", "
            "\"same but household 6\", \"how many wards get full coverage?\"",
            "• urban wards: \"which urban wards can be deprioritised?\""]),
        "• the method: \"which variables were used and why?\", \"is PCA valid here?\"",
        "• files: \"export the rankings as Excel\", \"export the report\", "
        "\"export this conversation\"",
    ]
    if rt.settings.rasters_url:
        lines.append("• more data: \"add rainfall and EVI\" adds variables from the raster "
                     "library, one value per ward")
    return ToolResult("\n".join(lines), suggestions=["Top 10 wards",
                                                      "Show the vulnerability map"])


EXECUTORS: dict[str, Executor] = {
    "describe_data": describe_data,
    "run_analysis": run_analysis,
    "show_map": show_map,
    "top_wards": top_wards,
    "explain_ward": explain_ward,
    "compare_methods": compare_methods,
    "explain_methodology": explain_methodology,
    "reprioritize_urban": reprioritize_urban,
    "plan_itn": plan_itn,
    "what_if_plan": what_if_plan,
    "compute_tpr": compute_tpr,
    "export_results": export_results,
    "session_status": session_status,
    "help": help_,
}


def build_registry(links: Links) -> ToolRegistry:
    """A registry with every tool bound to its executor (one per application). ``links``:
    the web's URL builder, for the shapes a map names."""
    from chatmrpt.chat.executors_more import MORE_EXECUTORS

    registry = ToolRegistry()
    for name, fn in MORE_EXECUTORS.items():
        registry.bind(name, fn)
    for name, fn in EXECUTORS.items():
        registry.bind(name, fn)
    registry.bind("show_map", functools.partial(show_map, links=links), overwrite=True)
    missing = registry.unbound()
    if missing:  # pragma: no cover - a declaration without an executor
        raise RuntimeError(f"tools without an executor: {missing}")
    return registry
