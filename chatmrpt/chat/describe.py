"""Plain-words descriptions of a tool call: the one-tap label that, sent back as a message,
asks for exactly that call.

Separate because the guards, the pending answers and the manager all label the steps
and choices they offer with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatmrpt.chat.reading import _fmt

# --- plain-words descriptions ---------------------------------------------------------------

MAP_NAMES = {"composite": "vulnerability (composite score) map", "pca": "PCA ranking map",
             "category": "priority categories map", "urban": "urban wards map",
             "itn": "net plan map", "variable": "map of {variable}",
             "consensus": "consensus categories map",
             "rank_comparison": "chart comparing the two rankings",
             "model_scores": "chart of the model scores",
             "itn_by_lga": "chart of nets by LGA"}  # fmt: skip


# read back by the router when tapped: "net plan" is the plan, "full table with scores" the
# unified table, "Excel" a workbook
EXPORT_SUBJECT_LABELS = {"itn_plan": "net plan", "unified": "full table with scores"}
EXPORT_FORMAT_LABELS = {"xlsx": "Excel", "geojson": "GeoJSON", "geoparquet": "GeoParquet"}


def describe_choice(tool: str, params: Mapping[str, Any]) -> str | None:
    """A one-tap label that, sent back as a message, asks for exactly this."""
    from chatmrpt.chat.pending import _change_words
    p = dict(params)
    if tool == "top_wards":
        if int(p.get("start", 1)) > 1:
            return None  # the next places of a list: never offered as one tap
        n = p.get("n", 10)
        word = "Top" if p.get("order", "top") == "top" else "Bottom"
        return f"{word} {n} wards" + (" by PCA" if p.get("method") == "pca" else "")
    if tool == "list_wards":
        n = p.get("n")
        order = p.get("order", "top")
        head = (f"{'Top' if order == 'top' else 'Bottom'} {n} wards" if n else
                "Wards" if order == "top" else "Least vulnerable wards")
        if p.get("category"):
            head += f" in the {p['category'].lower()} category"
        if p.get("lga"):
            head += f" in {p['lga']} LGA"
        elif p.get("lga_code"):
            head += f" in LGA {p['lga_code']}"
        return head + (" by PCA" if p.get("method") == "pca" else "")
    if tool == "show_map":
        what = p.get("what", "composite")
        if what == "variable":
            return f"Map {p.get('variable')}"
        return {"composite": "Show the vulnerability map", "pca": "Show the PCA map",
                "category": "Show the categories map", "urban": "Show the urban map",
                "itn": "Show the ITN map"}.get(what)  # fmt: skip
    if tool == "plan_itn" and "total_nets" in p and "household_size" in p:
        extra = [_change_words(k, v) for k, v in p.items()
                 if k not in ("total_nets", "household_size") and v is not None
                 and not (k == "strategy" and v == "capped" and p.get("max_ward_share"))]
        return f"Plan {int(p['total_nets']):,} nets, household size {_fmt(p['household_size'])}" \
            + "".join(f", {e}" for e in extra)
    if tool == "explain_ward":
        return f"Explain {p['ward']}" + (f" in {p['lga']}" if p.get("lga") else "")
    if tool == "run_analysis" and not p:
        return "Run the analysis"
    simple = {"describe_data": "Describe my data", "help": "What can you do?",
              "compare_methods": "Compare the two rankings", "session_status": "What is the status?",
              "reprioritize_urban": "Reprioritise urban wards", "data_quality": "Check my data",
              "lga_summary": "Summarise by LGA", "pca_validity": "Is PCA valid for this data?"}  # fmt: skip
    if tool in simple and not p:
        return simple[tool]
    if tool == "explain_methodology":
        return f"Explain the {p.get('topic', 'general')} method" if p.get("topic") not in (
            None, "general") else "Explain the method"  # fmt: skip
    if tool == "export_results" and p.get("what"):
        # a file is made only in a format the message names: the choice names the one a
        # request without a format gets (the report is a web page, every table a CSV)
        fmt = p.get("format") or ("html" if p["what"] == "report" else "csv")
        what = EXPORT_SUBJECT_LABELS.get(p["what"], p["what"].replace("_", " "))
        return f"Export the {what} as {EXPORT_FORMAT_LABELS.get(fmt, fmt.upper())}"
    return None
