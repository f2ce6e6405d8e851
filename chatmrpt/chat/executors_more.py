"""Executors of the tools that answer from stored results and views.

Like chatmrpt.chat.executors: each takes ``(rt, session_id, params)`` with validated
parameters and returns a ToolResult; everything is read from the store and artifact
storage. Replies use the users' words: ward and LGA names, "urban wards", "priority
category", never internal column names.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import PLOT_KINDS
from chatmrpt.analysis.quality import identical_column_groups
from chatmrpt.chat import explain
from chatmrpt.chat.executors import (
    ToolResult,
    _analysis,
    _artifact_ref,
    _source_lines,
    _unified,
    why_ranked,
)
from chatmrpt.errors import InputError
from chatmrpt.store.model import SUCCEEDED

if TYPE_CHECKING:
    from chatmrpt.runtime import Runtime

CATEGORY_WORDS = {"High": "high priority", "Medium": "medium priority", "Low": "low priority"}


def _fmt(value: Any, digits: int = 2) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "no value"
    if v.is_integer():
        return f"{int(v):,}"
    return f"{v:,.{digits}f}".rstrip("0").rstrip(".")


def _label(column: str) -> str:
    """The column as the table names it, with what it measures in plain words."""
    return explain.variable_words(column)


def _lga_rows(wards, lga: str):
    key = str(lga).strip().lower()
    return wards[wards["LGA"].astype(str).str.strip().str.lower() == key]


# --- ward lists and LGA summaries ---------------------------------------------------------


def list_wards(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    method = params.get("method", "composite")
    rank, cat = f"{method}_rank", f"{method}_category"
    if rank not in wards.columns:
        from chatmrpt.chat.tables import no_pca_text

        raise InputError("invalid_parameter", no_pca_text(analysis, "ranking"))
    lga, category = params.get("lga"), params.get("category")
    chosen = wards
    where = []
    if lga:
        if "LGA" not in wards.columns:
            raise InputError("invalid_request", "Your ward table has no LGA column, so I cannot "
                                                "list wards by LGA.")
        chosen = _lga_rows(chosen, lga)
        if chosen.empty:
            names = ", ".join(sorted(wards["LGA"].astype(str).unique()))
            raise InputError("not_found", f"There is no LGA called {lga!r} in your data. The "
                                          f"LGAs are: {names}.")
        lga = str(chosen["LGA"].iloc[0])
        where.append(f"in {lga} LGA")
    code = params.get("lga_code")
    if code:
        column = next((c for c in ("LGACode", "lga_code", "LGA_CODE") if c in wards.columns), None)
        if column is None:
            raise InputError("invalid_request", "Your ward table has no LGA code column, so I "
                                                "cannot list wards by LGA code.")
        keys = chosen[column].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
        chosen = chosen[keys == str(code).strip()]
        if chosen.empty:
            codes = sorted(set(wards[column].astype(str).str.strip()
                               .str.replace(r"\.0$", "", regex=True)))
            raise InputError("not_found", f"No ward has LGA code {code}. The LGA codes in your "
                                          f"data are: {', '.join(codes)}.")
        where.append(f"in the LGA with code {code}")
    if category:
        chosen = chosen[chosen[cat].astype(str) == category]
        where.append(f"in the {CATEGORY_WORDS[category]} category")
    order = params.get("order", "top")
    chosen = chosen.sort_values(rank, ascending=order == "top")
    total = len(chosen)
    n = params.get("n")
    start = int(params.get("start") or 1)
    shown = chosen.iloc[start - 1:]
    shown = shown.head(int(n)) if n else shown
    by = "PCA ranking" if method == "pca" else "composite score"
    place = " ".join(where) or "in the whole area"
    if total == 0:
        return ToolResult(f"0 wards {place}: none.", data={"table": [], "wards": 0})
    if start > 1:
        if shown.empty:
            return ToolResult(f"There are only {total} wards {place}; none after place "
                              f"{start - 1}.", data={"table": [], "wards": total})
        end = start + len(shown) - 1
        head = (f"Places {start} to {end} of the {total} wards {place}, "
                f"{'most' if order == 'top' else 'least'} vulnerable first ({by}):"
                if end > start else f"Place {start} of the {total} wards {place} ({by}):")
    elif n and int(n) < total:
        head = (f"The {len(shown)} {'most' if order == 'top' else 'least'} vulnerable of the "
                f"{total} wards {place} ({by}):")
    else:
        head = (f"All {total} wards {place}, {'most' if order == 'top' else 'least'} "
                f"vulnerable first ({by}):" if total > 1 else f"Just 1 ward {place} ({by}):")
    lines = [head]
    for r in shown.itertuples():
        d = r._asdict()
        lines.append(f"{d[rank]}. {d['WardName']}" + (f" ({d['LGA']})" if "LGA" in d and not lga
                                                      else "")
                     + f" - {CATEGORY_WORDS.get(str(d.get(cat)), d.get(cat))}")
    cols = [c for c in ("WardName", "LGA", rank, cat) if c in shown.columns]
    table = json.loads(shown[cols].to_json(orient="records"))
    first = shown.iloc[0]
    data: dict[str, Any] = {"table": table, "wards": total}
    if category and method == "composite" and not lga and not code and len(shown) == total:
        # every ward of one category: the categories map shows exactly these in their colour
        data["listed_map"] = {"what": "category"}
    return ToolResult("\n".join(lines), data=data,
                      suggestions=[why_ranked(wards, first, int(first[rank]))])


def lga_summary(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    from chatmrpt.analysis.lga_names import code_text

    coded = next((c for c in ("LGACode", "lga_code", "LGA_CODE") if c in wards.columns), None)
    if "LGA" not in wards.columns and coded is None:
        raise InputError("invalid_request", "Your ward table has no LGA column, so there is no "
                                            "summary by LGA.")
    method = params.get("method", "composite")
    rank, cat = f"{method}_rank", f"{method}_category"
    rows = []
    # a table with LGA codes and no LGA names: the LGAs by their codes ("LGA 20043")
    by = wards["LGA"].astype(str) if "LGA" in wards.columns else \
        wards[coded].map(code_text).map(lambda c: f"LGA {c}")
    for lga, group in wards.groupby(by):
        counts = group[cat].astype(str).value_counts()
        code = {"lga_code": lga[4:]} if "LGA" not in wards.columns else {}
        rows.append({"LGA": lga, **code, "wards": int(len(group)),
                     "High": int(counts.get("High", 0)), "Medium": int(counts.get("Medium", 0)),
                     "Low": int(counts.get("Low", 0)),
                     "mean_rank": round(float(group[rank].mean()), 1)})  # fmt: skip
    rows.sort(key=lambda r: (r["mean_rank"], r["LGA"]))
    for i, r in enumerate(rows, 1):
        r["lga_rank"] = i
    chosen = rows
    most = params.get("most")  # "which LGA has the most high risk wards?": by that count
    if most in ("High", "Medium", "Low"):
        fewest = params.get("order") == "fewest"
        chosen = sorted(rows, key=lambda r: ((r[most] if fewest else -r[most]), r["lga_rank"]))
        top = [r for r in chosen if r[most] == chosen[0][most]]
        word = "fewest" if fewest else "most"
        lead = (f"{top[0]['LGA']} has the {word} {most.lower()} priority wards: {top[0][most]} "
                f"of its {top[0]['wards']}." if len(top) == 1 else
                f"{_join_names([r['LGA'] for r in top])} have the {word} {most.lower()} priority "
                f"wards, {top[0][most]} each.")
        lines = [f"{lead} All {len(rows)} LGAs by their {most.lower()} priority wards ({word} "
                 "first):"]
        for r in chosen:
            lines.append(f"- {r['LGA']}: {r[most]} {most.lower()} of {r['wards']} wards "
                         f"(LGA rank {r['lga_rank']} by average ward rank)")
        return ToolResult("\n".join(lines), data={"lgas": chosen})
    if params.get("lga"):
        key = str(params["lga"]).strip().lower()
        chosen = [r for r in rows if r["LGA"].lower() == key]
        if not chosen:
            raise InputError("not_found", f"There is no LGA called {params['lga']!r} in your "
                                          f"data. The LGAs are: "
                                          f"{', '.join(r['LGA'] for r in rows)}.")
    lines = [f"LGAs ranked by the average rank of their wards (1 = most vulnerable; "
             f"{len(rows)} LGAs):"]
    for r in chosen:
        lines.append(f"{r['lga_rank']}. {r['LGA']}: {r['wards']} wards - {r['High']} high, "
                     f"{r['Medium']} medium, {r['Low']} low priority; average ward rank "
                     f"{r['mean_rank']:g}.")
    first = (f"Wards of LGA {chosen[0]['lga_code']}" if chosen[0].get("lga_code")
             else f"Wards in {chosen[0]['LGA']} LGA") if chosen else None
    return ToolResult("\n".join(lines), data={"lgas": chosen},
                      suggestions=[first] if first else [])


# --- answers from stored results ----------------------------------------------------------


def _pointer(rt: Runtime, session_id: str, key: str, missing: str) -> str:
    """The id the session's state holds under ``key``; ``missing`` said when it holds none."""
    from chatmrpt.service import require_session

    value = (require_session(rt, session_id).get("state") or {}).get(key)
    if not value:
        raise InputError("invalid_request", missing)
    return value


def _tpr_answer(rt: Runtime, session_id: str) -> ToolResult:
    """The last TPR run: its settings in plain words, the file, and what came out of it."""
    from chatmrpt.chat.tables import tpr_reading
    from chatmrpt.service.tpr import get_tpr

    run = get_tpr(rt, session_id, _pointer(rt, session_id, "last_tpr", (
        "No test positivity rate has been computed in this session yet: upload a facility "
        "export first.")))
    params = run.get("params") or {}
    s = run.get("summary") or {}
    source = (run.get("facility") or {}).get("name") or s.get("file") or "the facility export"
    head = f"The last test positivity rate (TPR) was computed from {source} for " \
           f"{tpr_reading(params)}."
    if run.get("status") != SUCCEEDED:
        error = (run.get("error") or {}).get("message") or "it did not finish"
        return ToolResult(f"{head} It did not succeed: {error}", data={"params": params})
    lines = [head]
    if s.get("wards") is not None:
        rates = s.get("tpr_range")
        span = f", from {rates[0]:.1f}% to {rates[1]:.1f}%" if rates else ""
        lines.append(f"{int(s['wards']):,} wards got a rate{span}.")
    if s.get("rows_used") is not None and s.get("rows") is not None:
        lines.append(f"{int(s['rows_used']):,} of the export's {int(s['rows']):,} rows were used.")
    join = s.get("join_report") or {}
    if join.get("matched") is not None:
        lines.append(f"{int(join['matched']):,} of the {int(join.get('table_rows') or 0):,} wards "
                     f"of your table matched; the rate is its column {s.get('variable')}.")
    return ToolResult("\n".join(lines), data={"params": params, "summary": s})


def _last_plan(rt: Runtime, session_id: str) -> dict[str, Any]:
    from chatmrpt.service.plans import get_plan

    return get_plan(rt, session_id, _pointer(rt, session_id, "last_plan", (
        "There is no net plan yet. Tell me how many nets you have and the household size "
        "first.")))


def _plan_rows(rt: Runtime, session_id: str, plan: dict[str, Any]):
    import pandas as pd

    from chatmrpt.service.plans import plan_wards

    rows = pd.DataFrame(plan_wards(rt, plan))
    if "LGA" not in rows.columns and not rows.empty:
        analysis = _analysis(rt, session_id)
        wards = _unified(rt, session_id, analysis["id"])
        if "LGA" in wards.columns:
            lgas = dict(zip(wards["WardName"].astype(str), wards["LGA"].astype(str), strict=True))
            rows["LGA"] = rows["WardName"].astype(str).map(lgas)
    return rows


def default_variables(rt: Runtime, session_id: str) -> ToolResult:
    """The variables an analysis with no choices would use on the current table (nothing is
    run), beside those of the current analysis when it used others."""
    from chatmrpt.analysis.dataset import ward_dataset_from_bytes
    from chatmrpt.analysis.variables import select_variables
    from chatmrpt.service import get_dataset
    from chatmrpt.service.results import latest_analysis

    ds = get_dataset(rt, session_id, _pointer(rt, session_id, "current_dataset", (
        "There is no ward data in this session yet: upload a ward table first.")))
    frame = ds.get("frame") or {}
    if not frame.get("sha256"):
        return ToolResult("I cannot work out the default variables of this table without "
                          "running the analysis; nothing was run. Say \"run the analysis\" to "
                          "see them.")
    dataset = ward_dataset_from_bytes(rt.artifacts.read_bytes(frame["sha256"]))
    choice = select_variables(dataset.wards, excluded=dataset.excluded_columns,
                              added=dataset.planning_columns,
                              boundary_attributes=dataset.boundary_attributes)
    names = list(choice.variables)
    lines = [f"An analysis with no choices would use {len(names)} variables on this table: "
             f"{_join_names(names)}. Nothing was run."]
    lines += [m for m in choice.messages if "--" not in m]
    analysis = latest_analysis(rt, session_id)
    used = [v.get("name") for v in ((analysis or {}).get("summary") or {}).get("variables") or []]
    if analysis is not None and analysis.get("status") == SUCCEEDED and used and \
            sorted(used) != sorted(names):
        lines.append(f"The current analysis uses other variables: {_join_names(used)}.")
    return ToolResult("\n".join(lines), data={"variables": names})


def ask_results(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    about = params["about"]
    if about in ("variables", "analysis_params"):
        return _analysis_answer(rt, session_id, about, params.get("variable"))
    if about == "models":
        s = (_analysis(rt, session_id).get("summary") or {})
        k = len(s.get("variables") or [])
        return ToolResult(f"{s.get('models')} models were run: the composite score is the "
                          f"median over every combination of at least two of the {k} "
                          f"variables ({_join_names([v['name'] for v in s.get('variables') or []])}).",
                          data={"models": s.get("models")})
    if about in ("repri_count", "repri_names"):
        return _repri_answer(rt, session_id, about, params.get("threshold"))
    if about == "ward_counts":
        return _ward_counts(rt, session_id, params)
    if about == "lgas":
        return _lgas_answer(rt, session_id, params)
    if about == "value_wards":
        return _value_wards(rt, session_id, params)
    if about == "ward_compare":
        return _ward_compare(rt, session_id, params)
    if about == "tpr_run":
        return _tpr_answer(rt, session_id)
    if about == "imputed":
        return _imputed_answer(rt, session_id)
    plan = _last_plan(rt, session_id)
    p = plan.get("params") or {}
    t = plan.get("totals") or (plan.get("summary") or {}).get("totals") or {}
    head = (f"In the current plan ({int(p.get('total_nets', 0)):,} nets, households of "
            f"{_fmt(p.get('household_size'))} people):")
    if about == "plan_params":
        return ToolResult(head + "\n" + plan_settings_text(p), data={"params": p})
    if about == "plan_totals":
        text = head + "\n" + plan_totals_text(t, p)
        if params.get("nets"):
            text = enough_text(int(params["nets"]), t, p) + "\n" + text
        return ToolResult(text, data={"totals": t})
    if about == "plan_lga":
        return _plan_lga_answer(rt, session_id, plan, params, head)
    rows = _plan_rows(rt, session_id, plan)
    if rows.empty:
        raise InputError("not_found", "The plan has no ward rows stored.")
    if about == "plan_coverage":
        return _plan_coverage_answer(rows, params, head)
    if about == "plan_first":
        return ToolResult(head + "\n" + plan_first_text(rows.to_dict("records"), p),
                          data={"ward": str(rows.iloc[0]["WardName"])})
    if about == "plan_ward":
        from chatmrpt.analysis.names import normalise_ward_name

        key = normalise_ward_name(params.get("ward", ""))
        hit = rows[rows["WardName"].astype(str).map(normalise_ward_name) == key]
        if params.get("lga") and "LGA" in hit.columns and len(hit) > 1:
            hit = _lga_rows(hit, params["lga"])
        if hit.empty:
            raise InputError("not_found", f"There is no ward called {params.get('ward')!r} in "
                                          "the plan.")
        if len(hit) > 1 and "LGA" in hit.columns:
            return ToolResult(f"There are {len(hit)} wards called {params.get('ward')} in the "
                              f"plan ({', '.join(hit['LGA'].astype(str))}). Which LGA do you "
                              "mean?")
        r = hit.iloc[0].to_dict()
        return ToolResult(head + "\n" + plan_ward_text(r, p),
                          data={"ward": json.loads(hit.head(1).to_json(orient="records"))[0]})
    # plan_top_wards
    n = int(params.get("n") or 1)
    most = params.get("order", "most") != "fewest"
    chosen = rows.sort_values("nets_allocated", ascending=not most, kind="stable").head(n)
    lines = [head, f"The {n} ward{'s' if n > 1 else ''} with the "
                   f"{'most' if most else 'fewest'} nets:"]
    for r in chosen.itertuples():
        lines.append(f"- {r.WardName}: {int(r.nets_allocated):,} nets "
                     f"({float(r.coverage_percent):.0f}% of its need)")
    return ToolResult("\n".join(lines), data={"wards": json.loads(
        chosen[["WardName", "nets_allocated"]].to_json(orient="records"))})


COVERAGE_WORDS = {"full": "fully covered", "partial": "partly covered",
                  "none": "not covered (no nets)", "any": "receiving nets"}


def _plan_coverage_answer(rows: Any, params: dict[str, Any], head: str) -> ToolResult:
    """The wards of the plan that are fully covered, partly covered, get no nets or get any
    nets, in allocation order (for one LGA with ``lga``)."""
    coverage = params.get("coverage") or "full"
    need = rows["nets_needed"].astype(float)
    got = rows["nets_allocated"].astype(float)
    chosen = {"full": got >= need, "partial": (got > 0) & (got < need), "none": got <= 0,
              "any": got > 0}[coverage]
    where = ""
    if params.get("lga"):
        if "LGA" not in rows.columns:
            raise InputError("invalid_request", "The plan's wards carry no LGA names, so I "
                                                f"cannot tell which are in {params['lga']}.")
        in_lga = rows["LGA"].astype(str).str.strip().str.lower() == \
            str(params["lga"]).strip().lower()
        if not in_lga.any():
            raise InputError("not_found", f"There is no LGA called {params['lga']!r} in the plan.")
        chosen = chosen & in_lga
        where = f" in {params['lga']} LGA"
    picked = rows[chosen]
    total = int(in_lga.sum()) if params.get("lga") else len(rows)
    lines = [head, f"{len(picked)} of the {total} wards{where} are {COVERAGE_WORDS[coverage]}"
                   + (", in allocation order:" if len(picked) else ".")]
    limit = int(params.get("n") or 50)
    for r in picked.head(limit).to_dict("records"):
        lga = str(r.get("LGA", "")).strip()
        label = str(r["WardName"]) + (f" ({lga} LGA)" if lga and lga not in ("nan", "None")
                                      and not where else "")
        lines.append(f"- {label}: {int(r['nets_allocated']):,} of {int(r['nets_needed']):,} "
                     "nets needed")
    if len(picked) > limit:
        lines.append(f"... and {len(picked) - limit} more (the plan's file lists every ward).")
    return ToolResult("\n".join(lines), data={"count": int(len(picked)), "wards": [
        str(n) for n in picked["WardName"]]})


def _join_names(names: list[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _pct(value: Any) -> str:
    """A percentage with enough digits to be read back (12.2%, 0.35%)."""
    v = float(value or 0)
    if 0 < abs(v) < 0.1:  # a tiny share keeps two significant digits (0.0049%)
        return f"{v:.2g}%" if "e" not in f"{v:.2g}" else f"{v:.6f}%"
    return f"{v:.1f}%" if abs(v) >= 10 or v == 0 else f"{v:.2f}%"


def plan_totals_text(t: dict[str, Any], p: dict[str, Any]) -> str:
    """Every total of a plan, one figure per line, in plain words."""
    threshold = _fmt(p.get("urban_threshold", 75))
    wards = int(t.get("wards") or 0)
    lines = [
        f"- nets available: {int(t.get('total_nets', p.get('total_nets', 0)) or 0):,}; "
        f"allocated: {int(t.get('nets_allocated', 0)):,}; left over: "
        f"{int(t.get('nets_remaining', 0)):,}",
        f"- total need: {int(t.get('total_need', 0)):,} nets to cover all {wards:,} wards"
        + (f" ({int(t['total_need']) - int(t.get('nets_allocated', 0)):,} more than allocated)"
           if int(t.get("total_need", 0)) > int(t.get("nets_allocated", 0)) else ""),
        f"- wards: {int(t.get('wards_fully_covered', 0))} fully covered, "
        f"{int(t.get('wards_partly_covered', 0))} partly covered, "
        f"{int(t.get('wards_not_covered', 0))} not covered",
        f"- people covered: {int(round(float(t.get('population_covered', 0)))):,} of "
        f"{int(round(float(t.get('population', 0) or 0))):,} "
        f"({_pct(t.get('population_covered_percent', 0))} of the population)",
    ]
    if t.get("tier2_wards") is not None:
        lines.append(f"- urban wards (at least {threshold}% urban, served last): "
                     f"{int(t['tier2_wards'])}, receiving "
                     f"{int(t.get('tier2_nets_allocated') or 0):,} nets; the other "
                     f"{int(t.get('tier1_wards') or 0)} wards receive "
                     f"{int(t.get('tier1_nets_allocated') or 0):,} nets")
    return "\n".join(lines)


def enough_text(nets: int, t: dict[str, Any], p: dict[str, Any]) -> str:
    """Whether ``nets`` nets meet the current plan's total need, and the gap (no new plan)."""
    need = int(t.get("total_need", 0) or 0)
    wards = int(t.get("wards", 0) or 0)
    settings = (f"households of {_fmt(p.get('household_size'))} people, one net for every "
                f"{_fmt(p.get('people_per_net', 1.8))} people")
    if nets >= need:
        return (f"Yes: {nets:,} nets are enough. Covering every one of the {wards:,} wards "
                f"needs {need:,} nets in total ({settings}), so {nets - need:,} would be "
                "left over. No plan was changed.")
    return (f"No: {nets:,} nets are not enough to cover everyone. Covering all {wards:,} wards "
            f"needs {need:,} nets in total ({settings}), so {nets:,} nets leave a gap of "
            f"{need - nets:,} nets. No plan was changed; the current plan's figures:")


def plan_first_text(rows: list[dict[str, Any]], p: dict[str, Any]) -> str:
    """The ward served first in the plan's allocation order, and the next few."""
    def label(r: dict[str, Any]) -> str:
        lga = r.get("LGA")
        return str(r.get("WardName")) + (f" ({lga} LGA)" if lga is not None and str(lga)
                                         not in ("", "nan", "None") else "")

    first = rows[0]
    by = "PCA ranking" if p.get("method") == "pca" else "composite ranking"
    text = (f"{label(first)} is served first: it is the first ward in the allocation order "
            f"(most vulnerable first on the {by}, wards at least "
            f"{_fmt(p.get('urban_threshold', 75))}% urban after the others) and gets "
            f"{int(first.get('nets_allocated') or 0):,} nets.")
    nxt = [label(r) for r in rows[1:4]]
    if nxt:
        text += " Next come " + _join_names(nxt) + "."
    return text


PHASE_WORDS = {"not covered": "gets no nets (the stock ran out before its turn)"}


def plan_ward_text(r: dict[str, Any], p: dict[str, Any]) -> str:
    """One ward's figures in a plan: need, nets, coverage, group and place in the order."""
    threshold = _fmt(p.get("urban_threshold", 75))
    name = str(r.get("WardName"))
    lga = r.get("LGA")
    label = f"{name} ({lga} LGA)" if lga is not None and str(lga) not in ("", "nan", "None") \
        else name
    need, got = int(r.get("nets_needed") or 0), int(r.get("nets_allocated") or 0)
    lines = [f"{label} needs {need:,} nets and gets {got:,} "
             f"({float(r.get('coverage_percent') or 0):.0f}% of its need), covering "
             f"{int(round(float(r.get('population_covered') or 0))):,} of its "
             f"{int(round(float(r.get('population') or 0))):,} people."]
    phase = str(r.get("allocation_phase") or "")
    if got >= need:
        state = "fully covered"
    elif got > 0:
        state = "partly covered" + (" (held to the per-ward cap)" if "capped" in phase else "")
    else:
        state = "not covered"
    tier = r.get("priority_tier")
    group = (f"an urban ward (at least {threshold}% urban), served after the other wards"
             if str(tier) == "2" else f"served in the first round (less than {threshold}% "
                                      "urban)")
    share = r.get("urban_share")
    urban = (f", {_fmt(share)}% urban" if share is not None and str(share) != "nan" else "")
    order = r.get("allocation_order")
    rank = r.get("rank")
    bits = [f"It is {state}; {group}{urban}"]
    if rank is not None and str(rank) != "nan":
        bits.append(f"priority rank {_fmt(rank)}")
    if order is not None and str(order) != "nan":
        bits.append(f"{explain.ordinal(int(order))} in the allocation order")
    lines.append("; ".join(bits) + ".")
    return "\n".join(lines)


def _plan_lga_answer(rt: Runtime, session_id: str, plan: dict[str, Any],
                     params: dict[str, Any], head: str) -> ToolResult:
    """Per-LGA figures of a plan, from its stored sums per LGA."""
    import pandas as pd

    by = pd.DataFrame(plan.get("by_lga") or [])
    if by.empty:
        raise InputError("invalid_request", "Your ward table has no LGA column, so the plan "
                                            "cannot be summed by LGA.")
    key = "LGA" if "LGA" in by.columns else by.columns[0]
    by = by[by[key].notna()].copy()
    by[key] = by[key].astype(str).str.replace(r"\.0$", "", regex=True)
    coded = key != "LGA"
    noun = "the LGA with code {}" if coded else "{} LGA"
    by = by.sort_values(["nets_allocated", key], ascending=[False, True], kind="stable")
    if params.get("lga"):
        want = str(params["lga"]).strip().lower()
        sel = by[by[key].str.strip().str.lower() == want]
        if sel.empty:
            raise InputError("not_found", f"No wards of {params['lga']!r} are in the plan. "
                                          f"The plan covers: {', '.join(by[key])}.")
        r = sel.iloc[0].to_dict()
        place = int(list(by[key]).index(r[key])) + 1
        return ToolResult(head + "\n" + lga_plan_text(r, noun.format(r[key]))
                          + f"\nIt is {explain.ordinal(place)} of {len(by)} LGAs by nets "
                            "received.",
                          data={"lga": r[key], "nets": int(r["nets_allocated"]),
                                "row": _json_row(r)})
    if params.get("order") in ("most", "fewest"):
        most = params["order"] == "most"
        measure = params.get("measure") or "nets_allocated"
        what, unit = MEASURE_WORDS.get(measure, ("nets received", "nets"))
        values = by[measure].astype(float).round(1)
        extreme = float(values.max() if most else values.min())
        tied = by[values == extreme].sort_values(key)
        other = float(values.min() if most else values.max())
        others = by[values == other].sort_values(key)
        word = ("highest" if most else "lowest") if measure == "coverage_percent" else \
            ("most" if most else "fewest")
        if len(tied) == 1:
            r = tied.iloc[0].to_dict()
            lines = [head, f"The LGA with the {word} {what}: {r[key]} ({_fmt(extreme)}{unit}).",
                     lga_plan_text(r, noun.format(r[key]))]
        else:
            lines = [head, f"{len(tied)} LGAs share the {word} {what}, {_fmt(extreme)}{unit} "
                           f"each: {_join_names(list(tied[key]))}."]
        opposite = {"most": "fewest", "fewest": "most", "highest": "lowest",
                    "lowest": "highest"}[word]
        lines.append(f"The {opposite}: {_join_names(list(others[key]))} ({_fmt(other)}{unit}"
                     f"{' each' if len(others) > 1 else ''}).")
        return ToolResult("\n".join(lines), data={"lga": list(tied[key]), "nets": extreme,
                                                  "measure": measure, "coded": coded})
    lines = [head, f"Nets per LGA ({len(by)} LGAs, most nets first):"]
    for r in by.to_dict("records"):
        lines.append(f"- {r[key]}: {int(r['nets_allocated']):,} of {int(r['nets_needed']):,} "
                     f"nets needed ({float(r['coverage_percent']):.0f}%); {int(r['wards'])} "
                     f"wards, {int(r['wards_fully_covered'])} fully covered, "
                     f"{int(r['wards_partly_covered'])} partly, {int(r['wards_not_covered'])} "
                     "not covered")
    return ToolResult("\n".join(lines),
                      data={"lgas": {r[key]: int(r["nets_allocated"])
                                     for r in by.to_dict("records")}})


MEASURE_WORDS = {"nets_allocated": ("nets received", " nets"),
                 "nets_needed": ("need", " nets needed"),
                 "coverage_percent": ("coverage of its need", "%"),
                 "wards_not_covered": ("wards not covered", " wards"),
                 "wards_fully_covered": ("wards fully covered", " wards"),
                 "population_covered": ("people covered", " people")}


def lga_plan_text(r: dict[str, Any], name: str) -> str:
    """Every figure of one LGA's row of a plan."""
    return (f"{name[:1].upper() + name[1:]} gets {int(r['nets_allocated']):,} nets; its "
            f"{int(r['wards'])} wards need {int(r['nets_needed']):,} "
            f"({float(r.get('coverage_percent') or 0):.1f}% of the need is met).\n"
            f"- wards: {int(r['wards_fully_covered'])} fully covered, "
            f"{int(r['wards_partly_covered'])} partly covered, {int(r['wards_not_covered'])} "
            f"not covered\n"
            f"- people covered: {int(round(float(r.get('population_covered') or 0))):,} of "
            f"{int(round(float(r.get('population') or 0))):,}")


def _json_row(r: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(r, default=lambda v: v.item() if hasattr(v, "item") else str(v)))


STRATEGY_WORDS = {
    "stop": "nets go to wards in priority order, each fully covered, until the next ward "
            "cannot be fully covered: it gets what is left and allocation stops",
    "continue": "nets go to wards in priority order; a ward that cannot be fully covered is "
                "skipped and smaller wards further down the list are still covered",
    "capped": "nets go to wards in priority order, but no ward gets more than a set share of "
              "all nets",
    "proportional": "nets are shared in proportion to each ward's need",
}


def plan_settings_text(p: dict[str, Any]) -> str:
    strategy = str(p.get("strategy") or "stop")
    buffer = float(p.get("buffer") or 1)
    bale = int(p.get("bale_size") or 1)
    lines = [f"- nets: {int(p.get('total_nets', 0)):,}",
             f"- household size: {_fmt(p.get('household_size'))} people",
             f"- urban threshold: {_fmt(p.get('urban_threshold', 75))}% (wards at least this "
             "urban are served last)",
             f"- ranking used: {'PCA' if p.get('method') == 'pca' else 'composite score'}",
             f"- how nets are given: {STRATEGY_WORDS.get(strategy, strategy)}"
             + (f" ({_fmt(p['max_ward_share'])}% of all nets at most per ward)"
                if p.get("max_ward_share") else ""),
             f"- one net for every {_fmt(p.get('people_per_net', 1.8))} people, and at least "
             "one net per household",
             (f"- buffer: {_fmt(buffer)} ({_fmt((buffer - 1) * 100)}% extra for losses)"
              if buffer != 1 else "- buffer: none (no extra nets for losses)"),
             (f"- nets given in whole bales of {bale}" if bale > 1
              else "- bale size: 1 (nets counted one by one)")]
    if not p.get("max_ward_share"):
        lines.append("- no cap on the share of nets one ward can get")
    return "\n".join(lines)


def _analysis_answer(rt: Runtime, session_id: str, about: str,
                     asked: str | None = None) -> ToolResult:
    """The variables (column and plain words, direction and why), or every setting of the
    analysis; a column asked about that the analysis does not use, with the direction it
    would be taken in."""
    from chatmrpt.service.results import analysis_metadata

    analysis = _analysis(rt, session_id)
    s = analysis.get("summary") or {}
    variables = s.get("variables") or []
    try:
        meta = analysis_metadata(rt, analysis) or {}
    except Exception:  # noqa: BLE001 - the summary alone still answers
        meta = {}
    details = {str(v.get("name")): v for v in meta.get("variables") or []}
    lines = [f"The analysis ranked {s.get('wards')} wards with {len(variables)} variables "
             "(the column in your table, what it measures, its direction and why):"]
    for v in variables:
        name, direction = str(v.get("name")), str(v.get("direction"))
        d = details.get(name, {})
        line = (f"- {explain.variable_words(name)}: {explain.direction_words(direction)}; "
                f"{explain.direction_reason(name, direction, d.get('direction_source'))}")
        if d.get("imputed"):
            line += f" ({int(d['imputed'])} missing value(s) filled from neighbouring wards)"
        lines.append(line + ".")
    for d in s.get("dropped_variables") or []:
        lines.append(f"Left out: {d.get('message')}")
    zone = s.get("zone") or meta.get("zone")
    if isinstance(zone, dict) and zone.get("zone"):
        line = f"Zone: {zone.get('state')} State was detected, in the {zone['zone']} zone"
        if meta.get("variable_selection") == "zone":
            line += "; the variables above are that zone's default variables found in your table"
        lines.append(line + ".")
    if asked and asked not in {str(v.get("name")) for v in variables}:
        from chatmrpt.analysis.variables import default_direction

        direction, source = default_direction(asked)
        lines.append(f"{asked} is not in this analysis. Added to it, it would be taken "
                     f"{explain.direction_words(direction)}; "
                     f"{explain.direction_reason(asked, direction, source)}.")
    if about == "analysis_params":
        lines += _analysis_settings(s, meta)
    return ToolResult("\n".join(lines), data={"variables": variables})


NORMALIZATION_WORDS = {
    "linear": "linear (min-max): each variable is rescaled from 0 (lowest risk among the "
              "wards) to 1 (highest)",
    "reciprocal": "reciprocal, as the older tool did: inverse variables are turned into "
                  "1 / value before rescaling to 0-1",
}


def _analysis_settings(s: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    """The analysis' settings and checks, one per line."""
    k = len(s.get("variables") or [])
    norm = str(s.get("normalization") or "linear")
    why = ("; it is the default because it keeps the spacing between wards as measured, and "
           "an inverse variable is turned around as 1 minus its rescaled value; the reciprocal "
           "scaling of the older tool is used only when asked (\"use reciprocal "
           "normalisation\")" if norm == "linear" else "")
    lines = [f"- scaling: {NORMALIZATION_WORDS.get(norm, norm)}{why}",
             f"- models: {s.get('models')} (every combination of at least two of the {k} "
             "variables); "
             + ("a ward's score is the median of its model scores" if
                s.get("aggregation", "median-score") == "median-score" else
                "a ward's rank is the median of its ranks over the models, as the R MRPT "
                "app does")]
    methods = s.get("methods") or ["composite"]
    pca = meta.get("pca") or {}
    if s.get("pca_suitable"):
        rho = (s.get("comparison") or {}).get("spearman")
        text = "- ranking methods: composite score and PCA"
        if pca.get("kmo") is not None:
            text += f" (PCA checks: KMO {float(pca['kmo']):.3f}"
            if pca.get("bartlett_p") is not None:
                text += f", Bartlett p = {float(pca['bartlett_p']):.3g}"
            text += ")"
        if rho is not None:
            text += f"; the two rankings agree with a Spearman correlation of {float(rho):.3f}"
        lines.append(text)
    elif "pca" in methods:
        lines.append(f"- ranking methods: composite score only; PCA was not used: "
                     f"{s.get('pca_reason')}")
    else:
        lines.append("- ranking method: composite score (PCA was not asked for)")
    lines.append(f"- missing values filled: {int(s.get('imputed_cells') or 0)} (from "
                 "neighbouring wards, else the average of all wards)")
    cats = s.get("categories") or {}
    if cats:
        lines.append(f"- priority categories: {cats.get('High')} high, {cats.get('Medium')} "
                     f"medium, {cats.get('Low')} low (thirds of the ranking)")
    return lines


def _repri_answer(rt: Runtime, session_id: str, about: str, threshold: Any) -> ToolResult:
    """Counts (and names) of the last reprioritisation; a threshold it lacks is computed
    with the same target (the default target when there is none yet)."""
    from chatmrpt.service import require_session
    from chatmrpt.service.urban import get_reprioritization, reprioritize

    state = require_session(rt, session_id).get("state") or {}
    last_id = state.get("last_reprioritization")
    result = get_reprioritization(rt, session_id, last_id) if last_id else None
    computed = False
    if result is None:
        thresholds = None
        if threshold is not None:
            from chatmrpt.analysis.declarations import ReprioritizationParams

            defaults = list(ReprioritizationParams.option("thresholds").default or ())
            thresholds = sorted({float(x) for x in defaults} | {float(threshold)})
        result = reprioritize(rt, session_id, None, thresholds, None)
        computed = True
    elif threshold is not None and not any(
            float(r["threshold"]) == float(threshold) for r in result.get("summary") or []):
        params = result.get("params") or {}
        thresholds = sorted({float(x) for x in params.get("thresholds") or []}
                            | {float(threshold)})
        result = reprioritize(rt, session_id, None, thresholds, params.get("target"),
                              params.get("method"))
        computed = True
    rows = result.get("summary") or []
    if threshold is not None:
        rows = [r for r in rows if float(r["threshold"]) == float(threshold)]
    if not rows:
        raise InputError("not_found", "There is no urban reprioritisation at that threshold.")
    target = (result.get("params") or {}).get("target")
    by = "PCA ranking" if (result.get("params") or {}).get("method") == "pca" else \
        "composite ranking"
    lines = [("Computed now, with the same target: u" if computed and last_id else
              "Computed now: u" if computed else "U")
             + f"rban wards that could be de-prioritised, least vulnerable first by the {by}, "
               f"until they hold {_fmt(target)}% of the population (the target):"]
    for r in rows:
        lines.append(f"- more than {_fmt(r['threshold'])}% urban: {int(r['urban_wards'])} "
                     f"urban wards; {int(r['selected_wards'])} selected, holding "
                     f"{int(round(float(r.get('population_selected') or 0))):,} people "
                     f"({float(r['population_share']):.2f}% of the population)"
                     + ("" if r.get("target_reached") else "; the target is not reached"))
        if about == "repri_names":
            names = _repri_names(rt, result, r["threshold"])
            lines.append("  Wards: " + (", ".join(names) if names else "none") + ".")
    lines += _source_lines(result.get("parameters") or {})  # where the population came from
    return ToolResult("\n".join(lines), data={"summary": rows, "target": target})


def _repri_names(rt: Runtime, result: dict[str, Any], threshold: Any) -> list[str]:
    rows = result.get("selected")
    if isinstance(rows, list):
        return [str(w.get("WardName")) for w in rows
                if float(w.get("threshold", threshold)) == float(threshold)]
    return []


def _code_column(wards) -> str | None:
    return next((c for c in ("LGACode", "lga_code", "LGA_CODE") if c in wards.columns), None)


def _lgas_answer(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """The LGAs the ward table holds (names and codes, as the table has them), the wards in
    each; with ``lga``, that LGA's code and ward count."""
    wards = _ward_table(rt, session_id)
    code = _code_column(wards)
    name = "LGA" if "LGA" in wards.columns else None
    if code is None and name is None:
        return ToolResult(f"Your ward table has no LGA names or LGA codes, so I cannot tell "
                          f"which LGAs its {len(wards)} wards are in.", data={"lgas": []})
    keys = [c for c in (name, code) if c]
    if params.get("wards"):
        return _lgas_of_wards(wards, keys, params)
    table = wards[keys].astype(str).apply(lambda c: c.str.strip().str.replace(
        r"\.0$", "", regex=True))
    groups = table.groupby(keys, sort=True).size().reset_index(name="wards")
    asked = params.get("lga")
    if params.get("lga_code"):
        asked_code = str(params["lga_code"]).strip()
        hit = groups[groups[code] == asked_code] if code else groups.iloc[0:0]
        if hit.empty:
            where = f"LGA codes ({', '.join(groups[code].unique())})" if code else "LGA codes"
            return ToolResult(f"{asked_code} is not an LGA code of your ward table; its "
                              f"{where} are the only codes it holds.", data={"lgas": []})
        r = hit.iloc[0]
        text = (f"{asked_code} is an LGA (local government area) code in your table's {code} "
                f"column: {int(r['wards'])} wards have it"
                + (f", the LGA {r[name]}." if name else
                   "; the table has no LGA names, so the LGA is known by its code only.")
                + f' Ask for example "top 5 wards in LGA {asked_code}".')
        return ToolResult(text, data={"lgas": json.loads(hit.to_json(orient="records"))})
    if asked and name:
        hit = groups[groups[name].str.lower() == str(asked).strip().lower()]
        if hit.empty:
            raise InputError("not_found", f"There is no LGA called {asked!r} in your data. The "
                                          f"LGAs are: {', '.join(groups[name].unique())}.")
        r = hit.iloc[0]
        text = f"{r[name]} LGA" + (f" has the LGA code {r[code]}" if code else "") + \
            f"; it has {int(r['wards'])} wards in your table."
        return ToolResult(text, data={"lgas": json.loads(hit.to_json(orient="records"))})
    what = "LGAs" if name else "LGA codes (the table has no LGA names)"
    lines = [f"Your ward table holds {len(groups)} {what}, with {len(wards)} wards in all "
             "(wards per LGA):"]
    for r in groups.itertuples(index=False):
        d = r._asdict()
        label = (f"{d[name]} (code {d[code]})" if name and code else
                 str(d[name]) if name else f"LGA code {d[code]}")
        lines.append(f"- {label}: {int(d['wards'])} wards")
    return ToolResult("\n".join(lines),
                      data={"lgas": json.loads(groups.to_json(orient="records"))})


def _value_wards(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """The wards whose value of ``variable`` in the uploaded table is ``value`` (to the
    digits given), with the column's lowest and highest values."""
    import pandas as pd

    variable, value = params.get("variable"), params.get("value")
    if not variable or value is None:
        raise InputError("invalid_request", "Say which column and which value, for example "
                                            "\"which ward has rainfall 0?\"")
    table = _ward_table(rt, session_id, uploaded=True)
    if variable not in table.columns:
        raise InputError("not_found", f"There is no column {variable!r} in your data.")
    column = pd.to_numeric(table[variable], errors="coerce")
    digits = len(str(value).split(".")[1]) if "." in str(value) else 0
    tolerance = 0.5 * 10 ** -digits
    hits = table[(column - float(value)).abs() < tolerance]
    label = _label(variable)
    names = [str(r["WardName"]) + (f" ({r['LGA']})" if "LGA" in hits.columns else "")
             for _, r in hits.iterrows()] if "WardName" in hits.columns else []
    spread = (f"In your table {variable} goes from {_fmt(column.min())} to "
              f"{_fmt(column.max())} (median {_fmt(column.median())}).")
    if not names:
        text = f"No ward has {label} of {_fmt(value)}. {spread}"
    else:
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20
                                         else "")
        text = (f"{len(names)} ward{'s' if len(names) > 1 else ''} with {label} of "
                f"{_fmt(value)}: {shown}. {spread}")
        if column.nunique() > 2 and len(names) <= 3 and (float(value) in (column.min(),
                                                                         column.max())):
            text += (" A value at the very end of the range like this one is worth checking "
                     "at the source; the analysis uses it as it is.")
    return ToolResult(text, data={"wards": names, "variable": variable, "value": value})


def _lgas_of_wards(wards, keys: list[str], params: dict[str, Any]) -> ToolResult:
    """The LGAs of the wards named (the wards of a list shown before), the LGA with the most
    (or, with order "fewest", the fewest) of them first."""
    chosen = _named_rows(wards, list(params["wards"]))
    table = chosen[keys].astype(str).apply(lambda c: c.str.strip().str.replace(
        r"\.0$", "", regex=True))
    groups = table.groupby(keys, sort=True).size().reset_index(name="wards")
    fewest = params.get("order") == "fewest"
    groups = groups.sort_values("wards", ascending=fewest, kind="stable")
    label = "LGA" if "LGA" in keys else "LGA code"

    def named(r) -> str:
        values = [str(v) for v in r[:len(keys)]]
        return f"{values[0]} (code {values[1]})" if len(values) == 2 else values[0]

    rows = list(groups.itertuples(index=False))
    edge = rows[0].wards
    best = [named(r) for r in rows if r.wards == edge]
    which = "fewest" if fewest else "most"
    head = (f"Among the {len(chosen)} wards of my last answer, {label} {' and '.join(best)} "
            f"{'has' if len(best) == 1 else 'have'} the {which}: {edge} "
            f"ward{'s' if edge != 1 else ''}{' each' if len(best) > 1 else ''}.")
    lines = [head, f"By {label}:"] + [f"- {named(r)}: {r.wards}" for r in rows]
    data = [{**{k: str(v) for k, v in zip(keys, r[:len(keys)], strict=True)}, "wards": int(r.wards)}
            for r in rows]
    return ToolResult("\n".join(lines), data={"lgas": data})


def _imputed_answer(rt: Runtime, session_id: str) -> ToolResult:
    """The missing values the analysis filled: how many cells, in how many wards, per
    variable (with the wards when they are few)."""
    analysis = _analysis(rt, session_id)
    s = analysis.get("summary") or {}
    cells = int(s.get("imputed_cells") or 0)
    if not cells:
        return ToolResult("No value was missing in the analysis' variables: nothing was filled "
                          "in (0 cells).", data={"imputed_cells": 0})
    wards = _unified(rt, session_id, analysis["id"])
    names = [str(v.get("name")) for v in s.get("variables") or []]
    flags = {v: wards[f"imputed_{v}"].fillna(False).astype(bool) for v in names
             if f"imputed_{v}" in wards.columns}
    lines = []
    any_ward = None
    for v, flag in flags.items():
        if not flag.any():
            continue
        any_ward = flag if any_ward is None else (any_ward | flag)
        line = f"- {_label(v)}: {int(flag.sum())}"
        if "WardName" in wards.columns and flag.sum() <= 12:
            line += f" ({', '.join(wards.loc[flag, 'WardName'].astype(str))})"
        lines.append(line)
    n_wards = int(any_ward.sum()) if any_ward is not None else None
    head = (f"{cells} missing value(s) were filled in the analysis"
            + (f", in {n_wards} ward(s)" if n_wards is not None else "")
            + " (each from its neighbouring wards, else the average of all wards)"
            + (":" if lines else "."))
    return ToolResult("\n".join([head, *lines]),
                      data={"imputed_cells": cells, "imputed_wards": n_wards})


def _ward_counts(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """How many wards of the current analysis match: an LGA, a priority category, an urban
    share strictly above a threshold (each when given)."""
    import pandas as pd

    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    chosen, where = wards, []
    among = params.get("wards")
    if among:
        chosen = _named_rows(wards, among)
    if params.get("lga"):
        if "LGA" not in wards.columns:
            raise InputError("invalid_request", "Your ward table has no LGA column, so I cannot "
                                                "count wards by LGA.")
        in_lga = _lga_rows(wards, params["lga"])
        if in_lga.empty:
            names = ", ".join(sorted(wards["LGA"].astype(str).unique()))
            raise InputError("not_found", f"There is no LGA called {params['lga']!r} in your "
                                          f"data. The LGAs are: {names}.")
        # of the wards asked about, those in the LGA (none of them may be)
        chosen = _lga_rows(chosen, params["lga"]) if among else in_lga
        where.append(f"in {in_lga['LGA'].iloc[0]} LGA")
    if params.get("lga_code"):
        code = _code_column(wards)
        if code is None:
            raise InputError("invalid_request", "Your ward table has no LGA code column, so I "
                                                "cannot count wards by LGA code.")
        def keys(rows):
            return rows[code].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)

        said = str(params["lga_code"]).strip()
        in_lga = wards[keys(wards) == said]
        if in_lga.empty:
            codes = sorted(set(keys(wards)))
            raise InputError("not_found", f"No ward has LGA code {params['lga_code']}. The LGA "
                                          f"codes in your data are: {', '.join(codes)}.")
        chosen = chosen[keys(chosen) == said]
        where.append(f"in the LGA with code {params['lga_code']}"
                     + (f" ({in_lga['LGA'].iloc[0]})" if "LGA" in in_lga.columns else ""))
    both_line = None
    if params.get("category"):
        cat = "composite_category"
        word = CATEGORY_WORDS[params["category"]]
        if params.get("agree"):
            if "pca_category" not in chosen.columns:
                raise InputError("invalid_request", "The analysis has no PCA ranking, so no "
                                                    "ward can be counted on both methods.")
            if "consensus_category" in chosen.columns:
                either = int((chosen["consensus_category"].astype(str)
                              == params["category"]).sum())
                both_line = (f"The consensus category (the higher-risk one where the two "
                             f"methods differ) puts {either} wards in the {word} category.")
            chosen = chosen[(chosen[cat].astype(str) == params["category"])
                            & (chosen["pca_category"].astype(str) == params["category"])]
            where.append(f"in the {word} category on both the composite and the PCA ranking")
        else:
            chosen = chosen[chosen[cat].astype(str) == params["category"]]
            where.append(f"in the {word} category")
    if params.get("filled"):
        variable = str(params["filled"])
        imputed = f"imputed_{variable}"
        if imputed not in chosen.columns:
            raise InputError("not_found", f"There is no column {variable!r} in the analysis, so "
                                          "no filled values of it to count.")
        chosen = chosen[chosen[imputed].fillna(False).astype(bool)]
        where.append(f"with {_label(variable)} missing in your table and filled from "
                     "neighbouring wards")
    threshold = params.get("threshold")
    flag = False
    if threshold is not None or params.get("urban"):
        summary = analysis.get("summary") or {}
        column = _urban_column(wards, summary)
        if column is None:
            from chatmrpt.analysis.population import no_urban_share_error

            raise no_urban_share_error("urban wards cannot be counted")
        values = pd.to_numeric(wards[column], errors="coerce").dropna()
        flag = bool(len(values)) and set(values.unique()) <= {0.0, 100.0}
        if threshold is None:
            threshold = 50
        share = pd.to_numeric(chosen[column], errors="coerce")
        chosen = chosen[share > float(threshold)]
        where.append("urban (Yes in the urban flag of your data)" if flag and params.get("urban")
                     else f"more than {_fmt(threshold)}% urban")
    n = len(chosen)
    place = " and ".join(where) if where else "in your data"
    of = f"the {len(among)} wards you asked about" if among else f"the {len(wards)} wards"
    lines = [f"{n} of {of} are {place}."
             if where else f"Your data has {n} wards."]
    if "composite_category" in chosen.columns and n and not params.get("category"):
        counts = chosen["composite_category"].astype(str).value_counts()
        lines.append(f"By priority: {int(counts.get('High', 0))} high, "
                     f"{int(counts.get('Medium', 0))} medium, {int(counts.get('Low', 0))} low.")
    if "LGA" in chosen.columns and n and not params.get("lga") and where:
        by = chosen["LGA"].astype(str).value_counts()
        top = ", ".join(f"{k} ({int(v)})" for k, v in by.head(5).items())
        lines.append(f"Most of them in: {top}." if len(by) > 1 else f"All in {by.index[0]}.")
    if both_line:
        lines.append(both_line)
    if 0 < n <= 15 and where:
        lines.append("Wards: " + ", ".join(chosen.sort_values("composite_rank")["WardName"]
                                           .astype(str)) + ".")
    if params.get("urban") and not flag:
        lines.append("Urban here means more than 50% urban; ask with another share (e.g. "
                     "\"more than 75% urban\") to count otherwise.")
    if threshold is not None and not params.get("lga") and not params.get("category") \
            and not among:
        lines += _last_repri_line(rt, session_id, threshold)
    ordered = chosen.sort_values("composite_rank") if "composite_rank" in chosen.columns \
        else chosen
    listed = [str(r["WardName"]) + (f" ({r['LGA']})" if "LGA" in ordered.columns else "")
              for _, r in ordered.iterrows()]
    shown = None
    if threshold is not None and not among and len(where) == 1:
        shown = {"what": "urban", "threshold": threshold}
    elif params.get("category") and not among and len(where) == 1:
        shown = {"what": "category"}
    return ToolResult("\n".join(lines), data={"wards": n, "listed": listed,
                                               "listed_map": shown})


def _named_rows(wards, names: list[str]):
    """The rows of the wards named (as a ward list shows them); an error naming the ones the
    table lacks."""
    from chatmrpt.analysis.names import normalise_ward_name

    keys = wards["WardName"].astype(str).map(normalise_ward_name)
    lgas = wards["LGA"].astype(str).str.strip().str.lower() if "LGA" in wards.columns else None
    chosen = keys != keys  # nothing yet
    missing = []
    for name in names:
        name = str(name)
        hit = keys != keys
        m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", name)
        if m and lgas is not None:  # "Tsani (Gantsa)": the ward of that LGA
            hit = (keys == normalise_ward_name(m.group(1))) & (lgas == m.group(2).strip().lower())
        if not hit.any():
            hit = keys == normalise_ward_name(name)
        if not hit.any():
            missing.append(name)
        chosen = chosen | hit
    if missing:
        raise InputError("not_found", f"No ward called {_join_names(missing)} in the current "
                                      "analysis.")
    return wards[chosen]


def _ward_compare(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """Among the wards named: the one with the highest or lowest value of a variable (by
    vulnerability rank when no variable is named), with every ward's value."""
    import pandas as pd

    among = params.get("wards") or []
    if not among:
        raise InputError("invalid_request", "Say which wards to compare.")
    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    rows = _named_rows(wards, among)
    variable = params.get("variable")
    order = params.get("order")
    if variable:
        if variable not in rows.columns:
            table = _ward_table(rt, session_id, uploaded=True)
            if variable not in table.columns:
                raise InputError("not_found", f"There is no column {variable!r} in your data.")
            from chatmrpt.analysis.names import normalise_ward_name

            by_name = dict(zip(table["WardName"].astype(str).map(normalise_ward_name),
                               table[variable], strict=False))
            rows = rows.assign(**{variable: rows["WardName"].astype(str)
                                  .map(normalise_ward_name).map(by_name)})
        values = pd.to_numeric(rows[variable], errors="coerce")
        label = _label(variable)
    else:
        values = pd.to_numeric(rows["composite_rank"], errors="coerce")
        label = "vulnerability rank (1 = most vulnerable)"
        order = {"most": "fewest", "fewest": "most"}.get(order or "", order)  # rank 1 = most
    rows = rows.assign(_value=values)
    lines = []
    best = None
    if order and values.notna().any():
        pick = rows.loc[values.idxmax() if order == "most" else values.idxmin()]
        best = str(pick["WardName"])
        if variable:
            lines.append(f"{best} has the {'highest' if order == 'most' else 'lowest'} "
                         f"{label}: {_fmt(pick['_value'])}.")
        else:
            if len(rows) == 2:
                lines.append(f"{best} is the {'more' if order == 'fewest' else 'less'} "
                             f"vulnerable of the two (rank {_fmt(pick['_value'])}).")
            else:
                lines.append(f"{best} is the {'most' if order == 'fewest' else 'least'} "
                             f"vulnerable of them (rank {_fmt(pick['_value'])}).")
    if best is not None and not variable and len(rows) == 2:
        # two wards side by side: the other one's rank too, so both are answered
        other = rows[rows["WardName"].astype(str) != best]
        for _, d in other.iterrows():
            value = "no rank" if pd.isna(d["_value"]) else f"rank {_fmt(d['_value'])}"
            lines.append(f"{d['WardName']}: {value} (rank 1 = most vulnerable, of "
                         f"{len(wards)} wards).")
    if best is not None:  # the one ward asked for; the others are not named
        return ToolResult("\n".join(lines), data={"ward_compare": best, "variable": variable})
    lines.append(f"{label[:1].upper() + label[1:]} of the {len(rows)} wards:")
    shown = rows.sort_values("_value", ascending=not (variable and order != "fewest"),
                             na_position="last")
    for _, d in shown.iterrows():
        lga = f" ({d['LGA']})" if "LGA" in d and d.get("LGA") else ""
        value = "no value" if pd.isna(d["_value"]) else _fmt(d["_value"])
        lines.append(f"- {d['WardName']}{lga}: {value}")
    return ToolResult("\n".join(lines), data={"ward_compare": best, "variable": variable})


def _last_repri_line(rt: Runtime, session_id: str, threshold: Any) -> list[str]:
    """The last reprioritisation's row at ``threshold``, when it has one (nothing computed)."""
    from chatmrpt.service import require_session
    from chatmrpt.service.urban import get_reprioritization

    last_id = (require_session(rt, session_id).get("state") or {}).get("last_reprioritization")
    if not last_id:
        return []
    result = get_reprioritization(rt, session_id, last_id)
    rows = [r for r in result.get("summary") or [] if float(r["threshold"]) == float(threshold)]
    if not rows:
        return []
    r, target = rows[0], (result.get("params") or {}).get("target")
    return [f"In the last urban reprioritisation (target {_fmt(target)}% of the population), "
            f"{int(r['selected_wards'])} of these {int(r['urban_wards'])} urban wards are "
            f"selected to be de-prioritised, holding {float(r['population_share']):.2f}% of "
            "the population."]


def _urban_column(wards, summary: dict[str, Any]) -> str | None:
    from chatmrpt.analysis.columns import URBAN_SHARE_ALIASES, find_column

    planning = (summary.get("planning_inputs") or {}).get("urban_share") or {}
    if planning.get("column") in wards.columns:
        return str(planning["column"])
    return find_column(wards.columns, URBAN_SHARE_ALIASES)


# --- PCA, one value, data quality ---------------------------------------------------------


def kmo_words(kmo: float) -> str:
    """The KMO measure in plain words (not Kaiser's labels)."""
    return ("very good" if kmo >= 0.8 else "good" if kmo >= 0.7 else "acceptable"
            if kmo >= 0.6 else "weak but usable" if kmo >= 0.5 else "too low for PCA")


def _kmo_plain(kmo: float, used: bool) -> str:
    """The PCA verdict in plain words, for "is that good or bad?"."""
    if kmo >= 0.7:
        verdict = "good: the variables move together well, so PCA can be trusted here"
    elif kmo >= 0.6:
        verdict = ("acceptable - not excellent, but good enough: the variables share enough "
                   "for PCA to be used")
    elif kmo >= 0.5:
        verdict = ("weak but usable: PCA may be used, with care; the composite score is the "
                   "safer ranking")
    else:
        verdict = ("too low: the variables share too little, so PCA should not be used; the "
                   "composite score ranks the wards on its own")
    return (f"In plain words: a KMO of {kmo:.3f} is {verdict} (below 0.5 PCA is not used)."
            + ("" if used or kmo < 0.5 else " PCA was not used for this analysis."))


def pca_validity(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.results import analysis_metadata

    analysis = _analysis(rt, session_id)
    meta = analysis_metadata(rt, analysis) or {}
    pca = meta.get("pca") or meta.get("pca_suitability") or {}
    s = analysis.get("summary") or {}
    kmo = _find(pca, "kmo")
    p_value = _find(pca, "bartlett_p", "p_value", "bartlett_p_value")
    chi2 = _find(pca, "bartlett_chi2", "chi2", "bartlett_chi_square")
    df = _find(pca, "bartlett_df")
    variance = _find(pca, "explained_variance", "explained_variance_ratio")
    lines = []
    if kmo is not None:
        kmo = float(kmo)
        lines.append(f"KMO (Kaiser-Meyer-Olkin: how much the variables share, from 0 to 1): "
                     f"{kmo:.3f}, {kmo_words(kmo)}; PCA needs at least 0.5, and 0.6 or more "
                     "is better.")
    if p_value is not None:
        p = float(p_value)
        verdict = ("the variables are related enough for PCA" if p < 0.05
                   else "the variables may be too unrelated for PCA")
        extra = []
        if chi2 is not None:
            extra.append(f"chi-square {float(chi2):.1f}")
        if df is not None:
            extra.append(f"{int(df)} degrees of freedom")
        lines.append(f"Bartlett's test of sphericity: p = {p:.3g}"
                     + (f" ({', '.join(extra)})" if extra else "")
                     + f"; below 0.05 is wanted: {verdict}.")
    if variance:
        values = [float(v) for v in (variance if isinstance(variance, list) else [variance])]
        share = [v * 100 if v <= 1 else v for v in values]
        parts = ", ".join(f"{_pct(v)}" for v in share[:5])
        lines.append(f"Explained variance (share of the differences between wards each "
                     f"component captures): {parts}"
                     + (f"; the first two together {_pct(sum(share[:2]))}"
                        if len(share) > 1 else "")
                     + (f"; the score uses the first {int(pca['scored_components'])}"
                        if pca.get("scored_components") else "") + ".")
    used = s.get("pca_suitable")
    if params.get("plain") and kmo is not None:
        lines.insert(0, _kmo_plain(kmo, bool(used)))
    lines.append("So PCA is valid here and was used for a second ranking." if used else
                 f"PCA was not used: {s.get('pca_reason') or 'it was not asked for'}.")
    if len(lines) == 1 and not pca:
        lines.insert(0, "This analysis holds no PCA checks.")
    return ToolResult("\n".join(lines), data={"kmo": kmo, "bartlett_p": p_value,
                                              "explained_variance": variance})


def _find(d: Any, *names: str) -> Any:
    if not isinstance(d, dict):
        return None
    for n in names:
        if n in d:
            return d[n]
    for v in d.values():
        if isinstance(v, dict):
            got = _find(v, *names)
            if got is not None:
                return got
    return None


def _ward_table(rt: Runtime, session_id: str, *, uploaded: bool = False):
    """The analysed table when there is one (unless ``uploaded``), else the uploaded table."""
    from chatmrpt.service.results import latest_analysis

    analysis = latest_analysis(rt, session_id)
    if not uploaded and analysis is not None and analysis.get("status") == SUCCEEDED:
        return _unified(rt, session_id, analysis["id"])
    import io

    import pandas as pd

    from chatmrpt.service import get_dataset, require_session

    state = require_session(rt, session_id).get("state") or {}
    ds = get_dataset(rt, session_id, state["current_dataset"])
    sha = ds["table"]["sha256"]
    data = rt.artifacts.read_bytes(sha)
    name = str(ds["table"].get("name", "")).lower()
    if name.endswith((".xlsx", ".xls")):
        return pd.read_excel(io.BytesIO(data))
    return pd.read_csv(io.BytesIO(data))


def ward_value(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.analysis.names import normalise_ward_name

    wards = _ward_table(rt, session_id)
    variable = params["variable"]
    if variable in ("LGA", "LGACode"):
        return _ward_lga(wards, params)
    if variable not in wards.columns:
        raise InputError("not_found", f"There is no column {variable!r} in your data.")
    key = normalise_ward_name(params["ward"])
    hits = wards[wards["WardName"].astype(str).map(normalise_ward_name) == key]
    if params.get("lga") and "LGA" in wards.columns:
        hits = _lga_rows(hits, params["lga"])
    if hits.empty:
        raise InputError("not_found", f"There is no ward called {params['ward']!r} in your data.")
    if len(hits) > 1:
        raise InputError("invalid_request", f"There are {len(hits)} wards called "
                                            f"{params['ward']}; say which LGA.")
    row = hits.iloc[0]
    value = row[variable]
    import pandas as pd

    column = pd.to_numeric(wards[variable], errors="coerce")
    text = f"{_label(variable)} in {row['WardName']}"
    if "LGA" in wards.columns:
        text += f" ({row['LGA']})"
    if pd.isna(value):
        text += ": no value in your data"
    else:
        number = pd.to_numeric(value, errors="coerce")
        # a share or an index below 1 keeps three decimals (0.183, not 0.18)
        text += f": {_fmt(value, 3 if pd.notna(number) and abs(float(number)) < 1 else 2)}"
        if pd.notna(number):
            higher = int((column > float(value)).sum())
            text += (f" - {explain.ordinal(higher + 1)} highest of {int(column.notna().sum())} "
                     f"wards (the median is {_fmt(column.median())})")
    imputed = f"imputed_{variable}"
    if imputed in wards.columns and bool(row.get(imputed)):
        text += "; this value was missing and was filled from neighbouring wards"
    return ToolResult(text + ".", data={"ward": str(row["WardName"]), "variable": variable,
                                        "value": None if pd.isna(value) else value})


def wards_by_value(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """The wards with the highest (or lowest) values of one column of the ward data: the
    data's own values, not the vulnerability ranking."""
    import pandas as pd

    wards = _ward_table(rt, session_id)
    variable = params["variable"]
    if variable not in wards.columns:
        raise InputError("not_found", f"There is no column {variable!r} in your data.")
    lga = params.get("lga")
    if lga:
        if "LGA" not in wards.columns:
            raise InputError("invalid_request", "Your ward table has no LGA names, so I cannot "
                                                f"tell which wards are in {lga}.")
        wards = _lga_rows(wards, lga)
        if wards.empty:
            raise InputError("not_found", f"There is no LGA called {lga!r} in your data.")
    code = params.get("lga_code")
    if code:
        column = _code_column(wards)
        if column is None:
            raise InputError("invalid_request", "Your ward table has no LGA code column, so I "
                                                f"cannot tell which wards have LGA code {code}.")
        keys = wards[column].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
        if not (keys == str(code).strip()).any():
            codes = sorted(set(keys))
            raise InputError("not_found", f"No ward has LGA code {code}. The LGA codes in your "
                                          f"data are: {', '.join(codes)}.")
        wards = wards[keys == str(code).strip()]
    values = pd.to_numeric(wards[variable], errors="coerce")
    if values.notna().sum() == 0:
        raise InputError("invalid_request", f"{variable} has no numbers in your data, so the "
                                             "wards cannot be ordered by it.")
    highest = params.get("order", "highest") == "highest"
    n = int(params.get("n", 10))
    if params.get("above") is not None or params.get("below") is not None:
        return _wards_beyond(wards, values, variable, params, code)
    ordered = wards.assign(value__=values).dropna(subset=["value__"]).sort_values(
        ["value__", "WardName"], ascending=[not highest, True], kind="mergesort").head(n)
    where = f" in {lga} LGA" if lga else f" in the LGA with code {code}" if code else ""
    word = "highest" if highest else "lowest"
    head = (f"The ward with the {word} {_label(variable)}{where}" if n == 1 else
            f"The {len(ordered)} wards with the {word} {_label(variable)}{where}")
    lines = [head + ", as your data gives it (not the vulnerability ranking):"]
    rows = []
    for i, r in enumerate(ordered.to_dict("records"), 1):
        name, value = str(r["WardName"]), float(r["value__"])
        place = str(r.get("LGA", "")).strip()
        place = "" if place in ("", "nan", "None") else place
        lines.append(f"{i}. {name}" + (f" ({place} LGA)" if place else "")
                     + f": {_fmt(value, 3 if abs(value) < 1 else 2)}")
        rows.append({"WardName": name, variable: value} | ({"LGA": place} if place else {}))
    missing = int(values.isna().sum())
    if missing:
        lines.append(f"{missing} ward(s) have no value of {variable} and are not listed.")
    return ToolResult("\n".join(lines), data={"table": rows, "variable": variable,
                                              "order": "highest" if highest else "lowest"},
                      suggestions=[f"Show the {variable} map"])


def lga_averages(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """Per LGA, the average of one variable over its wards (the data's values, not the
    vulnerability ranking), highest (or lowest) first; with ``lga``, that LGA's average and
    its place among the LGAs."""
    import pandas as pd

    from chatmrpt.analysis.lga_names import code_text

    wards = _ward_table(rt, session_id)
    variable = params["variable"]
    if variable not in wards.columns:
        raise InputError("not_found", f"There is no column {variable!r} in your data.")
    coded = _code_column(wards)
    if "LGA" not in wards.columns and coded is None:
        raise InputError("invalid_request", "Your ward table has no LGA names or codes, so there "
                                            "are no averages by LGA.")
    by = wards["LGA"].astype(str).str.strip() if "LGA" in wards.columns else \
        wards[coded].map(code_text).map(lambda c: f"LGA {c}")
    values = pd.to_numeric(wards[variable], errors="coerce")
    if values.notna().sum() == 0:
        raise InputError("invalid_request", f"{variable} has no numbers in your data.")
    highest = params.get("order", "highest") == "highest"
    table = pd.DataFrame({"lga": by, "v": values}).groupby("lga")["v"].agg(["mean", "count",
                                                                           "size"])
    table = table[table["count"] > 0].sort_values("mean", ascending=not highest,
                                                  kind="mergesort")
    rows = [{"LGA": str(lga), "mean": float(r["mean"]), "wards": int(r["size"]),
             "with_value": int(r["count"])} for lga, r in table.iterrows()]
    digits = 3 if float(values.abs().max()) < 1 else 2
    overall = f"Across all {int(values.notna().sum())} wards with a value: {_fmt(values.mean(), digits)}."
    label = _label(variable)
    if params.get("lga"):
        key = str(params["lga"]).strip().lower()
        code = str(params["lga"]).strip()
        place = next((i for i, r in enumerate(rows) if r["LGA"].lower() == key
                      or r["LGA"] == f"LGA {code}"), None)
        if place is None:
            raise InputError("not_found", f"There is no LGA called {params['lga']!r} in your "
                                          f"data. The LGAs are: {', '.join(r['LGA'] for r in rows)}.")
        r = rows[place]
        text = (f"Average {label} in {r['LGA']}" + ("" if r["LGA"].startswith("LGA ") else " LGA")
                + f": {_fmt(r['mean'], digits)} (mean of {r['with_value']} of its {r['wards']} "
                  f"wards), {explain.ordinal(place + 1)} {'highest' if highest else 'lowest'} "
                  f"of {len(rows)} LGAs. {overall}")
        return ToolResult(text, data={"lgas": [r], "variable": variable})
    lines = [f"LGAs by the average {label} of their wards, {'highest' if highest else 'lowest'} "
             "first (the values in your data, not the vulnerability ranking):"]
    for i, r in enumerate(rows, 1):
        lines.append(f"{i}. {r['LGA']}: {_fmt(r['mean'], digits)} ({r['with_value']} wards)")
    lines.append(overall)
    return ToolResult("\n".join(lines), data={"lgas": rows, "variable": variable})


def _wards_beyond(wards: Any, values: Any, variable: str, params: dict[str, Any],
                  code: Any) -> ToolResult:
    """How many wards have a value above (or below) a number, and which, highest (or lowest)
    first. A percentage said of a column of shares (0 to 1) is read as a share, and the
    reply says so."""
    notes = []
    bounds = {}
    for key in ("above", "below"):
        if params.get(key) is None:
            continue
        value = float(params[key])
        if params.get("percent") and value > 1 and float(values.max()) <= 1:
            notes.append(f"{_fmt(value)}% is read as {_fmt(value / 100, 3)}, since {variable} "
                         "holds shares from 0 to 1.")
            value /= 100
        bounds[key] = value
    chosen = values.notna()
    if "above" in bounds:
        chosen &= values > bounds["above"]
    if "below" in bounds:
        chosen &= values < bounds["below"]
    rows = wards.assign(value__=values)[chosen].sort_values(
        ["value__", "WardName"], ascending=["above" not in bounds, True], kind="mergesort")
    said = " and ".join(f"{k} {_fmt(v, 3)}" for k, v in bounds.items())
    lga = params.get("lga")
    where = f" in {lga} LGA" if lga else f" in the LGA with code {code}" if code else ""
    total = int(values.notna().sum())
    lines = notes + [f"{len(rows)} of the {total} wards{where} with a value have {_label(variable)}"
                     f" {said}, as your data gives it (not the vulnerability ranking)"
                     + (":" if len(rows) else ".")]
    limit = int(params.get("n", 20))
    listed = []
    for i, r in enumerate(rows.head(limit).to_dict("records"), 1):
        place = str(r.get("LGA", "")).strip()
        place = "" if place in ("", "nan", "None") else place
        value = float(r["value__"])
        lines.append(f"{i}. {r['WardName']}" + (f" ({place} LGA)" if place else "")
                     + f": {_fmt(value, 3 if abs(value) < 1 else 2)}")
        listed.append({"WardName": str(r["WardName"]), variable: value}
                      | ({"LGA": place} if place else {}))
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more.")
    missing = int(values.isna().sum())
    if missing:
        lines.append(f"{missing} ward(s) have no value of {variable} and are not counted.")
    return ToolResult("\n".join(lines), data={"count": len(rows), "table": listed,
                                              "variable": variable, **bounds})


def _ward_lga(wards: Any, params: dict[str, Any]) -> ToolResult:
    """The LGA of one ward: its name, or its LGA code on a table with codes only."""
    from chatmrpt.analysis.lga_names import code_text
    from chatmrpt.analysis.names import normalise_ward_name

    key = normalise_ward_name(params["ward"])
    hits = wards[wards["WardName"].astype(str).map(normalise_ward_name) == key]
    if params.get("lga") and "LGA" in wards.columns and len(hits) > 1:
        hits = _lga_rows(hits, params["lga"])
    if hits.empty:
        raise InputError("not_found", f"There is no ward called {params['ward']!r} in your data.")
    row = hits.iloc[0]
    name = str(row["WardName"])
    lga = str(row["LGA"]).strip() if "LGA" in wards.columns and str(row["LGA"]).strip() \
        and str(row["LGA"]) != "nan" else ""
    column = next((c for c in ("LGACode", "lga_code", "LGA_CODE") if c in wards.columns), None)
    code = code_text(row[column]) if column else ""
    if lga and len(hits) == 1:
        text = f"{name} is in {lga} LGA" + (f" (LGA code {code})." if code else ".")
    elif code and len(hits) == 1:
        text = (f"{name} is in the LGA with code {code}. Your ward table has LGA codes but no "
                "LGA names, so I cannot give the LGA's name.")
    elif len(hits) > 1:
        text = f"There are {len(hits)} wards called {name}; say which LGA."
    else:
        text = f"Your ward table has no LGA column, so I cannot tell which LGA {name} is in."
    return ToolResult(text, data={"ward": name, "lga": lga or None, "lga_code": code or None})


def data_quality(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    import pandas as pd

    from chatmrpt.service import get_dataset, require_session
    from chatmrpt.service.results import latest_analysis

    state = require_session(rt, session_id).get("state") or {}
    ds = get_dataset(rt, session_id, state["current_dataset"])
    table = _ward_table(rt, session_id, uploaded=True)
    variables = list((ds.get("summary") or {}).get("variables") or [])
    skip = {"WardName", "WardCode", "LGA", "LGACode", "State", "StateCode"}
    derived = ("normalized_", "imputed_", "composite_", "pca_", "model_", "rank_")
    for c in table.columns:
        if c in skip or str(c).startswith(derived) or c in variables or c in ("X", ""):
            continue
        col = pd.to_numeric(table[c], errors="coerce")
        if col.notna().sum() >= max(1, len(table) // 2) and not str(c).startswith("Unnamed"):
            variables.append(c)
    numeric = {v: pd.to_numeric(table[v], errors="coerce") for v in variables if v in table}
    lines: list[str] = []
    names = list(numeric)
    every = {c: pd.to_numeric(table[c], errors="coerce") for c in table.columns
             if c not in skip and not str(c).startswith(derived)}
    every = {c: col for c, col in every.items() if col.notna().any()}
    same = [", ".join(g[:-1]) + " and " + g[-1] for g in identical_columns(table, every)]
    if same:
        lines.append("Identical columns (the same values in every ward that has one): "
                     + "; ".join(same) + ". They hold the same numbers, so they add nothing "
                     "new; use only one of each group.")
    constant = [v for v, col in numeric.items() if col.nunique(dropna=True) <= 1]
    if constant:
        lines.append("Columns with one value for every ward (they cannot rank anything): "
                     + ", ".join(constant) + ".")
    odd = []
    for v, col in numeric.items():
        low = v.lower()
        if (col < 0).any() and not any(k in low for k in ("elev", "lat", "lon", "ndmi", "ndvi",
                                                          "ndwi", "evi", "temp", "index", "x",
                                                          "y")):
            odd.append(f"{v} has {int((col < 0).sum())} negative value(s)")
        if any(k in low for k in ("tpr", "positivity", "percent", "share", "urban")) and (
                col > 100).any():
            odd.append(f"{v} has {int((col > 100).sum())} value(s) above 100")
    if odd:
        lines.append("Values that look implausible: " + "; ".join(odd) + ".")
    missing = {v: int(col.isna().sum()) for v, col in numeric.items() if col.isna().any()}
    analysis = latest_analysis(rt, session_id)
    imputed = (analysis or {}).get("summary", {}).get("imputed_cells") if analysis else None
    if missing:
        lines.append("Missing values: " + ", ".join(f"{v} ({n})" for v, n in missing.items())
                     + (f"; {imputed} cell(s) were filled from neighbouring wards in the "
                        "analysis." if imputed else "; the analysis fills them from "
                                                    "neighbouring wards."))
        if "WardName" in table.columns:
            for v, n in missing.items():
                if n <= 12:
                    wards = table.loc[numeric[v].isna(), "WardName"].astype(str).tolist()
                    lines.append(f"Wards without a value for {v}: {', '.join(wards)}.")
    jr = ds.get("join_report") or {}
    fuzzy = jr.get("fuzzy_matches") or []
    if fuzzy:
        lines.append("Ward names matched by similar spelling: " + ", ".join(
            f"{m['table_name']} → {m['boundary_name']}" for m in fuzzy[:10]) + ".")
    if jr.get("unmatched_table_count"):
        lines.append(f"{jr['unmatched_table_count']} ward(s) of the table have no boundary.")
    from chatmrpt.service import planning_readiness

    if not planning_readiness(rt, session_id).get("population"):
        lines.append("No population for the wards: the ranking, maps and lists work, but a net "
                     "plan and the urban reprioritisation need each ward's population (ask "
                     "\"what do we need to add so we can plan?\").")
    if not lines:
        lines.append(f"No problems found in the {len(names)} numeric columns: no identical or "
                     "constant columns, no implausible or missing values, and every ward name "
                     "matched exactly.")
    else:
        lines.insert(0, f"Checked {len(names)} numeric columns of {len(table)} wards:")
    return ToolResult("\n".join(lines), data={"identical": same, "constant": constant,
                                              "implausible": odd, "missing": missing})


def identical_columns(table, every: dict[str, Any]) -> list[list[str]]:
    """Groups of named columns with the same values in every row where both have one
    (row-number columns, 1..n, are no data and are left out)."""
    import numpy as np

    def row_numbers(c: str) -> bool:
        col = every[c]
        return bool(col.notna().all() and (np.diff(col.to_numpy()) == 1).all())

    cols = [c for c in every if not (_column_name(c) == "an unnamed column" or c == "X")
            or not row_numbers(c)]
    # the upload's own check, asking that a pair share values in half the wards
    groups = identical_column_groups(table, cols, min_overlap=max(2, len(table) // 2))
    return [[_column_name(c) for c in group] for group in groups]


def planning_data(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """What the ward data holds and lacks for net planning and urban reprioritisation
    (population, urban share), and how to add what is missing."""
    from chatmrpt.service import planning_readiness

    ready = planning_readiness(rt, session_id)
    population, urban = ready.get("population"), ready.get("urban_share")
    lines = []
    if population and urban:
        lines.append("Your ward data has everything net planning and urban reprioritisation "
                     "need:")
    else:
        missing = [w for w, have in (("each ward's population", population),
                                     ("each ward's urban share", urban)) if not have]
        lines.append("To plan nets (and to pick urban wards to de-prioritise) I need each "
                     "ward's population and its urban share. Your ward data lacks "
                     + " and ".join(missing) + ".")
    if population:
        lines.append(f"- population: {population['source']}")
    else:
        lines.append("- population: missing. Add a Population column to your ward table and "
                     "upload it again, or upload a population table (WardCode, or WardName "
                     "with LGA, and Population) or a population raster (for example WorldPop) "
                     "with the ward data; with a facility export, \"Build the ward table\" in "
                     "the page takes a population raster too.")
    if urban:
        lines.append(f"- urban share: {urban['source']}")
    else:
        lines.append("- urban share: missing. Add an urban_percentage column (0 to 100) to "
                     "the ward table, or give ward boundaries with an Urban Yes/No attribute, "
                     "or a built-up raster.")
    lines.append("Net planning also asks you, every time, how many nets you have and the "
                 "average household size.")
    return ToolResult("\n".join(lines),
                      data={k: ready.get(k) for k in ("population", "urban_share",
                                                      "can_plan_nets", "can_reprioritize")},
                      suggestions=["Describe my data"])


def _column_name(c: Any) -> str:
    return "an unnamed column" if str(c).startswith("Unnamed") or not str(c) else str(c)


# --- exports ------------------------------------------------------------------------------

VIEW_TITLES = {"composite": "vulnerability map", "pca": "PCA ranking map",
               "category": "priority categories map", "urban": "urban wards map",
               "itn": "net plan map", "variable": "map of {variable}",
               "consensus": "consensus categories map (composite and PCA)",
               "rank_comparison": "chart comparing the two rankings",
               "model_scores": "chart of the model scores",
               "itn_by_lga": "chart of nets by LGA"}  # fmt: skip


def export_view(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.views import export

    what = params["what"]
    fmt = params.get("format", "png")
    title = VIEW_TITLES.get(what, f"{what} map").format(variable=params.get("variable"))
    if what in PLOT_KINDS:
        art = export(rt, session_id, "plot", "png", map_kind=what)
        fmt = "png"
    else:
        if what == "variable" and not params.get("variable"):
            raise InputError("invalid_parameter", "Which variable's map? Name the column.")
        art = export(rt, session_id, "map", fmt, map_kind=what, variable=params.get("variable"),
                     threshold=params.get("threshold"))
    kind = "a picture (PNG)" if fmt == "png" else "an interactive page (HTML)"
    return ToolResult(f"Here is the {title} as {kind}: {art['name']}.",
                      artifacts=[_artifact_ref(art, session_id, "download")],
                      data={"what": what, "format": fmt})


def conversation_document(messages: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "markdown":
        out = ["# Conversation", ""]
        for m in messages:
            who = "You" if m.get("role") == "user" else "ChatMRPT"
            out.append(f"**{who}:**")
            out.append("")
            out.append(str(m.get("text") or ""))
            out.append("")
        return "\n".join(out).encode()
    rows = []
    for m in messages:
        who = "You" if m.get("role") == "user" else "ChatMRPT"
        text = html.escape(str(m.get("text") or "")).replace("\n", "<br>")
        rows.append(f'<div class="{html.escape(str(m.get("role")))}"><b>{who}:</b> '
                    f"<p>{text}</p></div>")
    page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Conversation</title>"
            "<style>body{font-family:sans-serif;max-width:50em;margin:auto}"
            ".user{background:#eef}</style></head><body><h1>Conversation</h1>"
            + "\n".join(rows) + "</body></html>")
    return page.encode()


def export_conversation(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.artifacts import store_artifact
    from chatmrpt.service.results import content_id

    fmt = params.get("format", "html")
    messages = [m for m in rt.store.messages(session_id, after=0)
                if m.get("role") in ("user", "assistant")]
    data = conversation_document(messages, fmt)
    name = "conversation.md" if fmt == "markdown" else "conversation.html"
    media = "text/markdown; charset=utf-8" if fmt == "markdown" else "text/html; charset=utf-8"
    producer = {"kind": "conversation", "id": content_id("conversation", count=len(messages),
                                                         fmt=fmt)}
    art = store_artifact(rt, session_id, data, name, media, producer)
    return ToolResult(f"Here is the conversation so far ({len(messages)} messages) as "
                      f"{'Markdown' if fmt == 'markdown' else 'an HTML page'}: {name}.",
                      artifacts=[_artifact_ref(art, session_id, "download")])


COVARIATES_WAIT_S = 60.0


def library_names(catalogue: list[dict[str, Any]], asked: list[str]) -> list[str]:
    """The catalogue names for the words a person used ("EVI", "rain fall", "Annual
    rainfall"): exact name or title, then a close spelling. Any word without a clear match
    stops the request, saying what the library offers (nothing is added)."""
    from rapidfuzz import fuzz, process

    def key(text: str) -> str:
        return "".join(ch for ch in str(text).lower() if ch.isalnum())

    keys: dict[str, str] = {}
    for e in catalogue:
        keys.setdefault(key(e["name"]), e["name"])
        if e.get("title"):
            keys.setdefault(key(e["title"]), e["name"])
    chosen, unknown = [], []
    for word in asked:
        k = key(word)
        name = keys.get(k)
        if name is None and k:
            hits = [h for h in process.extract(k, list(keys), scorer=fuzz.ratio, limit=3)
                    if h[1] >= 85]
            names = {keys[h[0]] for h in hits}
            name = names.pop() if len(names) == 1 else None
        if name is None:
            unknown.append(word)
        elif name not in chosen:
            chosen.append(name)
    if unknown or not chosen:
        offered = ", ".join(e["name"] for e in catalogue) or "nothing"
        raise InputError("unknown_variable",
                         f"Nothing was added: the raster library has no "
                         f"{' or '.join(repr(u) for u in unknown) or 'such raster'}. It offers: "
                         f"{offered}.", details={"unknown": unknown})
    return chosen


def add_covariates(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    """Add library rasters to the current dataset; waits for the job like an analysis."""
    import time

    from chatmrpt.service import require_session
    from chatmrpt.service.covariates import get_covariates, raster_catalogue, submit_covariates
    from chatmrpt.store.model import FAILED, SUCCEEDED

    state = require_session(rt, session_id).get("state") or {}
    dataset_id = state.get("current_dataset")
    if not dataset_id:
        raise InputError("invalid_request", "No ward data yet: upload a ward table first.")
    if not rt.settings.rasters_url:
        raise InputError("invalid_request",
                         f"Nothing was added: this server has no raster library, so I cannot "
                         f"add {', '.join(params['rasters'])} here. Add the values as columns of "
                         "your ward table and upload it again, or ask the administrator to set "
                         "up a raster library.")
    rasters = library_names(raster_catalogue(rt.settings), params["rasters"])
    record = submit_covariates(rt, session_id, dataset_id, rasters)
    deadline = time.monotonic() + COVARIATES_WAIT_S
    while record.get("status") not in (SUCCEEDED, FAILED) and time.monotonic() < deadline:
        time.sleep(0.25)
        record = get_covariates(rt, session_id, record["id"])
    names = ", ".join(rasters)
    if record.get("status") == FAILED:
        err = record.get("error") or {}
        return ToolResult(f"Adding {names} failed: {err.get('message', 'unknown error')}",
                          data={"covariates_id": record["id"], "status": FAILED})
    if record.get("status") != SUCCEEDED:
        return ToolResult(f"Adding {names} to your ward data is running (progress shows on "
                          "the page). Ask me to run the analysis when it has finished.",
                          data={"covariates_id": record["id"], "status": record.get("status")},
                          suggestions=["What is the status?"])
    summary = record.get("summary") or {}
    lines = [f"Added {names} to your ward data (one value per ward from the raster library); "
             "the ward table with these columns is now the current data."]
    for col in summary.get("added") or []:
        bits = [str(b) for b in (col.get("unit"), col.get("source"), col.get("year")) if b]
        line = f"{col.get('column')} ({col.get('title') or col.get('raster')}"
        line += f"; {', '.join(bits)})" if bits else ")"
        line += f": a value for {col.get('wards_with_value')} of {col.get('wards')} wards"
        if col.get("direction"):
            line += ("; higher values mean higher risk" if col["direction"] == "direct"
                     else "; higher values mean lower risk")
        lines.append(line + ".")
    for w in (summary.get("warnings") or [])[:3]:
        lines.append(f"Note: {w}")
    return ToolResult("\n".join(lines), data={"covariates_id": record["id"],
                                              "summary": summary},
                      suggestions=["Run the analysis"])


MORE_EXECUTORS = {
    "add_covariates": add_covariates,
    "planning_data": planning_data,
    "list_wards": list_wards,
    "lga_summary": lga_summary,
    "ask_results": ask_results,
    "pca_validity": pca_validity,
    "ward_value": ward_value,
    "wards_by_value": wards_by_value,
    "lga_averages": lga_averages,
    "data_quality": data_quality,
    "export_view": export_view,
    "export_conversation": export_conversation,
}
