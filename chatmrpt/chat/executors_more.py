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
from typing import TYPE_CHECKING, Any

from chatmrpt.analysis.declarations import PLOT_KINDS
from chatmrpt.chat import explain
from chatmrpt.chat.executors import ToolResult, _analysis, _artifact_ref, _unified
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
    return explain._label(column)


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
        raise InputError("invalid_parameter", "PCA did not run for this analysis, so there is "
                                              "no PCA ranking; ask for the composite ranking.")
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
    shown = chosen.head(int(n)) if n else chosen
    by = "PCA ranking" if method == "pca" else "composite score"
    place = " ".join(where) or "in the whole area"
    if total == 0:
        return ToolResult(f"No wards {place}.", data={"table": []})
    if n and int(n) < total:
        head = (f"The {len(shown)} {'most' if order == 'top' else 'least'} vulnerable of the "
                f"{total} wards {place} ({by}):")
    else:
        head = f"All {total} wards {place}, {'most' if order == 'top' else 'least'} " \
               f"vulnerable first ({by}):"
    lines = [head]
    for r in shown.itertuples():
        d = r._asdict()
        lines.append(f"{d[rank]}. {d['WardName']}" + (f" ({d['LGA']})" if "LGA" in d and not lga
                                                      else "")
                     + f" - {CATEGORY_WORDS.get(str(d.get(cat)), d.get(cat))}")
    cols = [c for c in ("WardName", "LGA", rank, cat) if c in shown.columns]
    table = json.loads(shown[cols].to_json(orient="records"))
    first = shown.iloc[0]
    return ToolResult("\n".join(lines), data={"table": table, "wards": total},
                      suggestions=[f"Why is {first['WardName']} ranked "
                                   f"{explain.ordinal(int(first[rank]))}?"])


def lga_summary(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    analysis = _analysis(rt, session_id)
    wards = _unified(rt, session_id, analysis["id"])
    if "LGA" not in wards.columns:
        raise InputError("invalid_request", "Your ward table has no LGA column, so there is no "
                                            "summary by LGA.")
    method = params.get("method", "composite")
    rank, cat = f"{method}_rank", f"{method}_category"
    rows = []
    for lga, group in wards.groupby(wards["LGA"].astype(str)):
        counts = group[cat].astype(str).value_counts()
        rows.append({"LGA": lga, "wards": int(len(group)),
                     "High": int(counts.get("High", 0)), "Medium": int(counts.get("Medium", 0)),
                     "Low": int(counts.get("Low", 0)),
                     "mean_rank": round(float(group[rank].mean()), 1)})  # fmt: skip
    rows.sort(key=lambda r: (r["mean_rank"], r["LGA"]))
    for i, r in enumerate(rows, 1):
        r["lga_rank"] = i
    chosen = rows
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
    return ToolResult("\n".join(lines), data={"lgas": chosen},
                      suggestions=[f"Wards in {chosen[0]['LGA']} LGA"] if chosen else [])


# --- answers from stored results ----------------------------------------------------------


def _last_plan(rt: Runtime, session_id: str) -> dict[str, Any]:
    from chatmrpt.service import require_session
    from chatmrpt.service.plans import get_plan

    state = require_session(rt, session_id).get("state") or {}
    if not state.get("last_plan"):
        raise InputError("invalid_request", "There is no net plan yet. Tell me how many nets "
                                            "you have and the household size first.")
    return get_plan(rt, session_id, state["last_plan"])


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


def ask_results(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    about = params["about"]
    if about in ("variables", "analysis_params"):
        return _analysis_answer(rt, session_id, about)
    if about == "models":
        s = (_analysis(rt, session_id).get("summary") or {})
        k = len(s.get("variables") or [])
        return ToolResult(f"The composite score is the median over {s.get('models')} models: "
                          f"every combination of at least two of the {k} variables.",
                          data={"models": s.get("models")})
    if about in ("repri_count", "repri_names"):
        return _repri_answer(rt, session_id, about, params.get("threshold"))
    plan = _last_plan(rt, session_id)
    p = plan.get("params") or {}
    t = plan.get("totals") or (plan.get("summary") or {}).get("totals") or {}
    head = (f"In the current plan ({int(p.get('total_nets', 0)):,} nets, households of "
            f"{_fmt(p.get('household_size'))} people):")
    if about == "plan_params":
        return ToolResult(head + "\n" + plan_settings_text(p), data={"params": p})
    if about == "plan_totals":
        lines = [head,
                 f"{int(t.get('nets_allocated', 0)):,} nets allocated and "
                 f"{int(t.get('nets_remaining', 0)):,} left over; the wards need "
                 f"{int(t.get('total_need', 0)):,} in all.",
                 f"{t.get('wards_fully_covered', 0)} wards fully covered, "
                 f"{t.get('wards_partly_covered', 0)} partly, {t.get('wards_not_covered', 0)} "
                 f"not covered.",
                 f"{int(t.get('population_covered', 0)):,} people covered "
                 f"({float(t.get('population_covered_percent', 0)):.1f}% of the population)."]
        if t.get("tier2_wards") is not None:
            lines.append(f"{int(t['tier2_wards'])} urban wards (at least "
                         f"{_fmt(p.get('urban_threshold', 75))}% urban) are served after the "
                         f"other {int(t.get('tier1_wards') or 0)} wards.")
        return ToolResult("\n".join(lines), data={"totals": t})
    rows = _plan_rows(rt, session_id, plan)
    if rows.empty:
        raise InputError("not_found", "The plan has no ward rows stored.")
    if about == "plan_ward":
        from chatmrpt.analysis.names import normalise_ward_name

        key = normalise_ward_name(params.get("ward", ""))
        hit = rows[rows["WardName"].astype(str).map(normalise_ward_name) == key]
        if hit.empty:
            raise InputError("not_found", f"There is no ward called {params.get('ward')!r} in "
                                          "the plan.")
        r = hit.iloc[0]
        return ToolResult(
            head + f"\n{r['WardName']} needs {int(r['nets_needed']):,} nets and gets "
                   f"{int(r['nets_allocated']):,} ({float(r['coverage_percent']):.0f}% of its "
                   f"need), covering {int(r.get('population_covered', 0) or 0):,} people.",
            data={"ward": json.loads(hit.head(1).to_json(orient="records"))[0]})
    if about == "plan_top_wards":
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
    # per LGA
    if "LGA" not in rows.columns or rows["LGA"].isna().all():
        raise InputError("invalid_request", "Your ward table has no LGA column, so the plan "
                                            "cannot be summed by LGA.")
    rows = rows[rows["LGA"].notna()]
    by = rows.groupby(rows["LGA"].astype(str)).agg(
        nets=("nets_allocated", "sum"), need=("nets_needed", "sum"), wards=("WardName", "count"))
    by = by.sort_values("nets", ascending=False)
    if params.get("lga"):
        key = str(params["lga"]).lower()
        sel = by[by.index.str.lower() == key]
        if sel.empty:
            raise InputError("not_found", f"No wards of {params['lga']!r} are in the plan.")
        name, r = sel.index[0], sel.iloc[0]
        return ToolResult(head + f"\n{name} LGA gets {int(r['nets']):,} nets for its "
                                 f"{int(r['wards'])} wards (they need {int(r['need']):,}).",
                          data={"lga": name, "nets": int(r["nets"])})
    if params.get("order") in ("most", "fewest"):
        name = by.index[0] if params["order"] == "most" else by.index[-1]
        r = by.loc[name]
        word = "most" if params["order"] == "most" else "fewest"
        return ToolResult(head + f"\n{name} LGA gets the {word} nets: {int(r['nets']):,} for "
                                 f"{int(r['wards'])} wards.",
                          data={"lga": name, "nets": int(r["nets"])})
    lines = [head] + [f"{name}: {int(r['nets']):,} nets for {int(r['wards'])} wards"
                      for name, r in by.iterrows()]
    return ToolResult("\n".join(lines), data={"lgas": {k: int(v) for k, v in by["nets"].items()}})


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
    lines = [f"- nets: {int(p.get('total_nets', 0)):,}",
             f"- household size: {_fmt(p.get('household_size'))} people",
             f"- wards at least {_fmt(p.get('urban_threshold', 75))}% urban are served last",
             f"- ranking used: {'PCA' if p.get('method') == 'pca' else 'composite score'}",
             f"- how nets are given: {STRATEGY_WORDS.get(strategy, strategy)}"
             + (f" ({_fmt(p['max_ward_share'])}% at most per ward)"
                if p.get("max_ward_share") else ""),
             f"- one net covers {_fmt(p.get('people_per_net', 1.8))} people"]
    if p.get("buffer") and float(p["buffer"]) != 1:
        lines.append(f"- {_fmt((float(p['buffer']) - 1) * 100)}% extra for losses")
    if p.get("bale_size") and int(p["bale_size"]) > 1:
        lines.append(f"- nets given in whole bales of {int(p['bale_size'])}")
    return "\n".join(lines)


def _analysis_answer(rt: Runtime, session_id: str, about: str) -> ToolResult:
    from chatmrpt.analysis.variables import catalogue_entry

    analysis = _analysis(rt, session_id)
    s = analysis.get("summary") or {}
    variables = s.get("variables") or []
    lines = [f"The analysis ranked {s.get('wards')} wards with {len(variables)} variables:"]
    for v in variables:
        name, direction = v.get("name"), v.get("direction")
        why = ""
        entry = None
        try:
            entry = catalogue_entry(name)
        except Exception:  # noqa: BLE001 - a column outside the catalogue has no note
            entry = None
        if entry is not None and getattr(entry, "description", None):
            why = f" ({entry.description})"
        meaning = ("higher values mean more risk (direct)" if direction == "direct"
                   else "higher values mean less risk (inverse)")
        lines.append(f"- {_label(name)}: {meaning}{why}")
    params = (analysis.get("params") or analysis.get("request") or {})
    norm = params.get("normalization") or s.get("normalization") or "linear"
    lines.append(f"Scaling of each variable to 0-1: {norm}. Ranking methods: "
                 + " and ".join("PCA" if m == "pca" else "composite score"
                                for m in (s.get("methods") or ["composite"])) + ".")
    for d in s.get("dropped_variables") or []:
        lines.append(f"Left out: {d.get('message')}")
    return ToolResult("\n".join(lines), data={"variables": variables})


def _repri_answer(rt: Runtime, session_id: str, about: str, threshold: Any) -> ToolResult:
    from chatmrpt.service.urban import list_reprioritizations, reprioritize

    found = list_reprioritizations(rt, session_id)
    result = None
    for rec in reversed(found or []):
        rows = rec.get("summary") or []
        if threshold is None or any(float(r["threshold"]) == float(threshold) for r in rows):
            result = rec
            break
    if result is None:
        result = reprioritize(rt, session_id, None, [threshold] if threshold is not None else None,
                              None)  # fmt: skip
    rows = result.get("summary") or []
    if threshold is not None:
        rows = [r for r in rows if float(r["threshold"]) == float(threshold)]
    if not rows:
        raise InputError("not_found", "There is no urban reprioritisation at that threshold.")
    lines = []
    for r in rows:
        lines.append(f"More than {_fmt(r['threshold'])}% urban: {r['selected_wards']} of "
                     f"{r['urban_wards']} urban wards would be de-prioritised, holding "
                     f"{float(r['population_share']):.2f}% of the population.")
        if about == "repri_names":
            names = _repri_names(rt, result, r["threshold"])
            lines.append("Wards: " + (", ".join(names) if names else "none") + ".")
    return ToolResult("\n".join(lines), data={"summary": rows})


def _repri_names(rt: Runtime, result: dict[str, Any], threshold: Any) -> list[str]:
    for key in ("selected", "wards", "rows"):
        rows = result.get(key)
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            return [str(w.get("WardName")) for w in rows
                    if float(w.get("threshold", threshold)) == float(threshold)]
    for a in result.get("artifacts") or []:
        if str(a.get("name", "")).endswith(".csv"):
            import io

            import pandas as pd

            frame = pd.read_csv(io.BytesIO(rt.artifacts.read_bytes(a["sha256"])))
            if "threshold" in frame.columns:
                frame = frame[frame["threshold"].astype(float) == float(threshold)]
            return [str(n) for n in frame.get("WardName", [])]
    return []


# --- PCA, one value, data quality ---------------------------------------------------------


def pca_validity(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.results import analysis_metadata

    analysis = _analysis(rt, session_id)
    meta = analysis_metadata(rt, analysis) or {}
    pca = meta.get("pca") or meta.get("pca_suitability") or {}
    s = analysis.get("summary") or {}
    kmo = _find(pca, "kmo")
    p_value = _find(pca, "bartlett_p", "p_value", "bartlett_p_value")
    chi2 = _find(pca, "bartlett_chi2", "chi2", "bartlett_chi_square")
    variance = _find(pca, "explained_variance", "explained_variance_ratio")
    lines = []
    if kmo is not None:
        kmo = float(kmo)
        quality = ("good" if kmo >= 0.7 else "acceptable" if kmo >= 0.6 else
                   "mediocre" if kmo >= 0.5 else "too low")
        lines.append(f"KMO (how much the variables share, 0 to 1): {kmo:.2f}, {quality}; "
                     "0.6 or more is usually wanted for PCA.")
    if p_value is not None:
        p = float(p_value)
        verdict = ("the variables are related enough for PCA" if p < 0.05
                   else "the variables may be too unrelated for PCA")
        lines.append(f"Bartlett's test: p = {p:.3g}"
                     + (f" (chi-square {float(chi2):.1f})" if chi2 is not None else "")
                     + f": {verdict}.")
    if variance:
        values = [float(v) for v in (variance if isinstance(variance, list) else [variance])]
        share = [v * 100 if v <= 1 else v for v in values]
        lines.append(f"The first component explains {share[0]:.1f}% of the differences "
                     f"between wards" + (f", the first two together {sum(share[:2]):.1f}%"
                                         if len(share) > 1 else "") + ".")
    used = s.get("pca_suitable")
    lines.append("PCA was used for a second ranking." if used else
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
        text += f": {_fmt(value)}"
        if pd.notna(pd.to_numeric(value, errors="coerce")):
            higher = int((column > float(value)).sum())
            text += (f" - {explain.ordinal(higher + 1)} highest of {int(column.notna().sum())} "
                     f"wards (the median is {_fmt(column.median())})")
    imputed = f"imputed_{variable}"
    if imputed in wards.columns and bool(row.get(imputed)):
        text += "; this value was missing and was filled from neighbouring wards"
    return ToolResult(text + ".", data={"ward": str(row["WardName"]), "variable": variable,
                                        "value": None if pd.isna(value) else value})


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
    cols = list(every)
    same = []
    for i, a in enumerate(cols):
        for b in cols[i + 1:]:
            if every[a].equals(every[b]):
                same.append(f"{_column_name(a)} and {_column_name(b)}")
    if same:
        lines.append("Identical columns (the same values in every ward): " + "; ".join(same)
                     + ". Use only one of each pair.")
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
    if not lines:
        lines.append(f"No problems found in the {len(names)} numeric columns: no identical or "
                     "constant columns, no implausible or missing values, and every ward name "
                     "matched exactly.")
    else:
        lines.insert(0, f"Checked {len(names)} numeric columns of {len(table)} wards:")
    return ToolResult("\n".join(lines), data={"identical": same, "constant": constant,
                                              "implausible": odd, "missing": missing})


def _column_name(c: Any) -> str:
    return "an unnamed column" if str(c).startswith("Unnamed") or not str(c) else str(c)


# --- exports ------------------------------------------------------------------------------

VIEW_TITLES = {"composite": "vulnerability map", "pca": "PCA ranking map",
               "category": "priority categories map", "urban": "urban wards map",
               "itn": "net plan map", "variable": "map of {variable}",
               "rank_comparison": "chart comparing the two rankings",
               "model_scores": "chart of the model scores",
               "itn_by_lga": "chart of nets by LGA"}  # fmt: skip


def export_view(rt: Runtime, session_id: str, params: dict[str, Any]) -> ToolResult:
    from chatmrpt.service.views import export

    what = params["what"]
    fmt = params.get("format", "png")
    title = VIEW_TITLES[what].format(variable=params.get("variable"))
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
    "list_wards": list_wards,
    "lga_summary": lga_summary,
    "ask_results": ask_results,
    "pca_validity": pca_validity,
    "ward_value": ward_value,
    "data_quality": data_quality,
    "export_view": export_view,
    "export_conversation": export_conversation,
}
