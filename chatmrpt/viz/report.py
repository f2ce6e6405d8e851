"""A self-contained HTML report of an analysis, for programme meetings and for printing.

One file: styles inline, images embedded as ``data:`` URIs, no scripts and nothing fetched
(a Content-Security-Policy in the page says so to the browser too), so it can be mailed,
opened offline and printed to PDF. Every piece of text that comes from the user's files —
ward and LGA names, column names, messages quoting them — is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from chatmrpt.analysis.columns import POPULATION_ALIASES, URBAN_SHARE_ALIASES, find_column
from chatmrpt.analysis.composite import HIGH, LOW, MEDIUM
from chatmrpt.analysis.dataset import GEOMETRY, LGA
from chatmrpt.analysis.urban import threshold_label
from chatmrpt.errors import ChatMRPTError
from chatmrpt.viz import png
from chatmrpt.viz.layers import (
    CATEGORY_COLOURS,
    STRATEGY_WORDS,
    TIER_NAMES,
    lga_labels,
    phase_words,
    plan_frames,
    reprioritization_frames,
    ward_labels,
)

TOP = 20
MAX_LISTED = 200  # rows of a data-quality list before "and N more"
# (map kind, **map options) -> PNG bytes of that map of the report's analysis
MapPicture = Callable[..., bytes]
# (chart name, draw) -> PNG bytes of that chart: draw() or the same picture kept from before
ChartPicture = Callable[[str, Callable[[], bytes]], bytes]
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CSS = """
@page { size: A4; margin: 15mm 13mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #222; line-height: 1.45; max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 3px solid #a50f15; padding-bottom: 3px; margin-top: 34px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
p.lead { color: #555; margin-top: 0; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.fact { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.fact b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 14px; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 4px 6px; text-align: left;
  vertical-align: top; }
thead th { background: #f3f3f3; border-bottom: 2px solid #ccc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compact { font-size: 11px; }
table.compact td, table.compact th { padding: 1px 4px; }
table.kv th { width: 34%; background: none; font-weight: 600; }
.cat { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.92em; }
.cat-high { background: #a50f15; color: #fff; }
.cat-medium { background: #fd8d3c; color: #222; }
.cat-low { background: #ffeda0; color: #222; }
figure { margin: 16px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 13px; }
.note { background: #fff8e5; border-left: 4px solid #fd8d3c; padding: 6px 10px; margin: 8px 0; }
.muted { color: #666; font-size: 12px; }
ul.tight li { margin: 2px 0; }
footer { margin-top: 30px; border-top: 1px solid #ddd; padding-top: 8px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  section.major { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, .fact, .note, table.kv { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  figure img { max-height: 235mm; border: none; }
}
"""


def render_report(
    unified: pd.DataFrame,
    metadata: Mapping[str, Any],
    *,
    plan: Any = None,
    reprioritization: Any = None,
    title: str = "Malaria risk prioritisation of wards",
    model_scores: pd.DataFrame | np.ndarray | None = None,
    generated: str | None = None,
    map_picture: MapPicture | None = None,
    chart_picture: ChartPicture | None = None,
) -> str:
    """The report as one HTML document (a string).

    ``metadata``: the analysis record (``analysis.json``). ``plan``: an ``ItnPlan`` or its
    ``to_dict()``. ``reprioritization``: a ``ReprioritizationResult`` or a dict of its
    fields. ``model_scores``: the top wards' model scores (ward x model, rows in rank
    order, as ``AnalysisResult.model_scores(rows)``) for the box plot. ``generated``: a
    date to print (the report is otherwise the same bytes for the same inputs).
    ``map_picture(kind, **options)``: where a map's PNG comes from (by default drawn
    here by ``png.map_png``; a caller may hand back the same picture kept from before).
    ``chart_picture(name, draw)``: likewise for the charts (``model_scores``,
    ``rank_comparison``, ``itn_by_lga``); by default ``draw()``.
    """
    meta = dict(metadata or {})
    plan_data = plan_frames(plan) if plan is not None else None
    repri = reprioritization_frames(reprioritization) if reprioritization is not None else None
    order = _rank_order(unified)
    parts = [
        _header(unified, meta, title, generated),
        _summary(unified, meta, order, plan_data, repri),
        _methodology(unified, meta),
        _parameters(meta),
        _maps(unified, meta, plan, reprioritization, plan_data, order, model_scores,
              map_picture or (lambda kind, **options: png.map_png(unified, kind, **options)),
              chart_picture or (lambda name, draw: draw())),
        _top_table(unified, order, meta),
        _ranking_table(unified, order),
    ]
    if plan_data is not None:
        parts.append(_plan_section(plan_data))
    if repri is not None:
        parts.append(_reprioritization_section(repri))
    parts.append(_data_quality(meta))
    parts.append(_footer(meta))
    body = "\n".join(p for p in parts if p)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


# --- small helpers -------------------------------------------------------------------------


# Kaiser's words for a KMO value ("KMO is 0.41 (unacceptable)") are dropped from reasons:
# the threshold said next to the value is what a reader needs
KAISER_WORDS = re.compile(r" \((?:marvelous|meritorious|middling|mediocre|miserable|unacceptable)\)")


def plain_reason(reason: Any) -> str:
    return "" if reason is None else KAISER_WORDS.sub("", str(reason))


def e(value: Any) -> str:
    """Escaped text of any value; missing values are an en dash."""
    if _missing(value):
        return "–"
    return html.escape(str(value), quote=True)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return False


def _number(value: Any, text: Callable[[float], str]) -> str:
    """A number written by ``text``, escaped; missing and infinite values are an en dash and
    what is not a number is shown as it is."""
    try:
        number = math.nan if _missing(value) else float(value)
    except (TypeError, ValueError):
        return e(value)
    return e(text(number)) if math.isfinite(number) else "–"


def _num(value: Any, decimals: int = 0) -> str:
    return _number(value, lambda number: f"{number:,.{decimals}f}")


def _sig(value: Any) -> str:
    return _number(value, _significant)


def _significant(number: float) -> str:
    if number != 0 and (abs(number) < 1e-3 or abs(number) >= 1e6):
        return f"{number:.3g}"
    return f"{number:,.4g}" if abs(number) < 1000 else f"{number:,.0f}"


def _cat(value: Any) -> str:
    text = "" if _missing(value) else str(value)
    css = {HIGH: "cat-high", MEDIUM: "cat-medium", LOW: "cat-low"}.get(text)
    return f'<span class="cat {css}">{e(text)}</span>' if css else e(value)


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool], css: str = ""
) -> str:
    """A table of already-escaped cells; ``numeric`` right-aligns columns."""
    head = "".join(
        f"<th{' class=num' if num else ''}>{e(h)}</th>"
        for h, num in zip(headers, numeric, strict=True)
    )
    body = []
    for row in rows:
        cells = "".join(
            f"<td{' class=num' if num else ''}>{cell}</td>"
            for cell, num in zip(row, numeric, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _kv(pairs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in pairs)
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def _figure(data: bytes, alt: str, caption: str) -> str:
    src = base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img alt="{e(alt)}" src="data:image/png;base64,{src}">'
        f"<figcaption>{e(caption)}</figcaption></figure>"
    )


def _rank_order(unified: pd.DataFrame) -> np.ndarray:
    if "composite_rank" not in unified.columns:
        return np.arange(len(unified))
    ranks = pd.to_numeric(unified["composite_rank"], errors="coerce").to_numpy(dtype=float)
    return np.lexsort((np.arange(len(unified)), np.where(np.isfinite(ranks), ranks, np.inf)))


def _column(unified: pd.DataFrame, name: str) -> np.ndarray:
    if name not in unified.columns:
        return np.full(len(unified), np.nan, dtype=object)
    return unified[name].to_numpy(dtype=object)


def _variables(meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [v for v in meta.get("variables") or [] if isinstance(v, Mapping)]


# --- sections ------------------------------------------------------------------------------


def _header(
    unified: pd.DataFrame, meta: Mapping[str, Any], title: str, generated: str | None
) -> str:
    zone = meta.get("zone") or {}
    where = ""
    if isinstance(zone, Mapping) and zone.get("state"):
        where = f"{zone.get('state')} State ({zone.get('zone')} zone). "
    bits = [f"{len(unified):,} wards", f"{len(_variables(meta))} variables"]
    if meta.get("models"):
        bits.append(f"{int(meta['models']):,} models")
    lead = where + ", ".join(bits) + "."
    ident = f"Analysis {str(meta.get('analysis_id', ''))[:12]}" if meta.get("analysis_id") else ""
    if generated:
        ident = (ident + "; " if ident else "") + f"generated {generated}"
    return (
        f'<header><h1>{e(title)}</h1><p class="lead">{e(lead)}</p>'
        f"{f'<p class=muted>{e(ident)}</p>' if ident else ''}</header>"
    )


def _summary(
    unified: pd.DataFrame,
    meta: Mapping[str, Any],
    order: np.ndarray,
    plan: dict[str, Any] | None,
    repri: dict[str, Any] | None,
) -> str:
    names = ward_labels(unified)
    lgas = lga_labels(unified)
    cats = meta.get("categories") or {}
    facts = [f'<div class="fact"><b>{len(unified):,}</b>wards ranked</div>']
    for cat in (HIGH, MEDIUM, LOW):
        if cat in cats:
            facts.append(f'<div class="fact"><b>{_num(cats[cat])}</b>{e(cat)} vulnerability</div>')
    if plan is not None and plan["totals"]:
        t = plan["totals"]
        facts.append(
            f'<div class="fact"><b>{_num(t.get("nets_allocated"))}</b>nets allocated '
            f"of {_num(t.get('total_nets'))}</div>"
        )
    top = [f"{e(names[i])}{f' ({e(lgas[i])})' if lgas[i] else ''}" for i in order[:5]]
    items = [f"<li>Most vulnerable wards: {', '.join(top)}.</li>"] if top else []
    pca = meta.get("pca")
    if isinstance(pca, Mapping):
        if pca.get("suitable"):
            comp = meta.get("comparison") or {}
            rho = comp.get("spearman")
            items.append(
                "<li>PCA was suitable (KMO "
                f"{_sig(pca.get('kmo'))}, at least 0.5 is needed)"
                + (
                    f"; its ranking agrees with the composite ranking with a Spearman "
                    f"correlation of {_sig(rho)}"
                    if rho is not None
                    else ""
                )
                + ".</li>"
            )
        else:
            items.append(f"<li>PCA was not used: {e(plain_reason(pca.get('reason')))}</li>")
    if repri is not None and len(repri["summary"]):
        for row in repri["summary"].to_dict(orient="records"):
            items.append(
                f"<li>Urban wards above {e(threshold_label(row['threshold']))}%: "
                f"{_num(row.get('selected_wards'))} selected for de-prioritisation, holding "
                f"{_num(row.get('population_share'), 2)}% of the population.</li>"
            )
    warnings = meta.get("warnings") or []
    if warnings:
        items.append(f"<li>{len(warnings)} warning(s); see Data quality.</li>")
    return (
        f'<section><h2>Summary</h2><div class="facts">{"".join(facts)}</div>'
        f'<ul class="tight">{"".join(items)}</ul></section>'
    )


def _median_rank_note(params: Mapping[str, Any]) -> str:
    if params.get("aggregation") != "median-rank":
        return ""
    tie = {"name": "ward name", "code": "ward code", "order": "table order"}.get(
        str(params.get("tie_break")), str(params.get("tie_break"))
    )
    return (
        "<p class=note><b>R MRPT compatible ranking.</b> This analysis ranked the wards as "
        "the R MRPT app does: in each model the wards are ranked from the lowest score up, "
        "each ward takes the median of its ranks over all models, and the ward with the "
        "highest median rank is the most vulnerable (rank 1); equal medians are ordered by "
        f"{e(tie)}. The composite score above is shown for reference only.</p>"
    )


def _methodology(unified: pd.DataFrame, meta: Mapping[str, Any]) -> str:
    params = meta.get("parameters") or {}
    k = len(_variables(meta))
    models = meta.get("models") or (2**k - k - 1 if k >= 2 else 0)
    n = len(unified)
    h = n // 3
    reciprocal = params.get("normalization") == "reciprocal"
    norm = (
        "<p><b>Normalisation.</b> Each variable is rescaled to 0–1 over all wards so that 1 "
        "is the most vulnerable end. For a <i>direct</i> variable (higher value, higher risk, "
        "such as test positivity or rainfall) the ward with the highest value gets 1; for an "
        "<i>inverse</i> variable (higher value, lower risk, such as housing quality or "
        "distance to water) the ward with the lowest value gets 1: "
        "n = (x − min) / (max − min), or (max − x) / (max − min) when inverse. A variable "
        "with the same value everywhere gives 0.5 to every ward.</p>"
    )
    if reciprocal:
        norm += (
            "<p class=note>This analysis used the legacy <i>reciprocal</i> rule for "
            "inverse variables (1 / x before rescaling), which reproduces the older tool; "
            "a single value near zero then dominates that variable.</p>"
        )
    return f"""<section class="major"><h2>How the wards were ranked</h2>
<p><b>Missing values.</b> A missing value is filled with the average of the ward's
neighbours (wards whose boundaries touch it), using only values that were observed; a ward
without neighbours, or data without boundaries, gets the average of all wards. Every
filled value is listed under Data quality. A variable missing for more than half of the
wards, or with the same value everywhere, is left out.</p>
{norm}
<p><b>Composite score.</b> With {k} variables there are {models:,} ways to choose two or more
of them (2<sup>k</sup> − k − 1 combinations, called models). A model's score for a ward is
the average of the ward's normalised values for the model's variables. The ward's composite
score is the <i>median</i> of its model scores, so no single choice of variables decides the
result. Scores run from 0 to 1; higher means more vulnerable. Rank 1 is the most vulnerable
ward; equal scores keep the order of the table.</p>
<p><b>Categories.</b> The ranking is split into thirds: with {n:,} wards, ranks 1–{h:,} are
<span class="cat cat-high">High</span>, the last {h:,} ranks are
<span class="cat cat-low">Low</span> and the {n - 2 * h:,} in between are
<span class="cat cat-medium">Medium</span>. The same rule is used for the PCA ranking.</p>
{_median_rank_note(params)}<p><b>PCA score.</b> Principal component analysis is a second, independent way to rank. The
variables are standardised (inverse variables turned round so that every variable points
towards risk), and the score is the sum of the first components weighted by the share of
variation each explains. PCA is only used when the variables share enough information:
a Kaiser-Meyer-Olkin (KMO) measure of at least 0.5 and Bartlett's test of sphericity with
p below 0.05. Where both methods ran, the consensus category is the category they agree on,
or the more vulnerable of the two when they differ.</p>
<p><b>Urban wards and nets.</b> A ward is urban at a threshold when its urban share is above
it. Urban reprioritisation walks urban wards from the least vulnerable up and selects them
until their population reaches the target share; these wards are candidates for receiving
no campaign nets. An ITN plan covers wards fully in order of vulnerability, less urban wards
first, while the stock of nets lasts.</p>
</section>"""


def _parameters(meta: Mapping[str, Any]) -> str:
    params = meta.get("parameters") or {}
    rows = []
    variables = params.get("variables")
    rows.append(
        (
            "Variables asked for",
            e(", ".join(map(str, variables)))
            if variables
            else "chosen automatically (defaults of the state's zone)",
        )
    )
    overrides = params.get("directions") or {}
    if overrides:
        rows.append(
            (
                "Directions set by the user",
                e(", ".join(f"{k}: {v}" for k, v in dict(overrides).items())),
            )
        )
    rows.append(("Normalisation", e(params.get("normalization", "linear"))))
    if params.get("aggregation") == "median-rank":
        rows.append(("Aggregation", e(f"median-rank, ties by {params.get('tie_break')}")))
    rows.append(("Methods", e(", ".join(map(str, params.get("methods") or [])))))
    if params.get("urban_thresholds"):
        rows.append(
            (
                "Urban thresholds (%)",
                e(", ".join(threshold_label(t) for t in params["urban_thresholds"])),
            )
        )
    if params.get("pca_orientation"):
        rows.append(("PCA orientation", e(params["pca_orientation"])))
    zone = meta.get("zone")
    if isinstance(zone, Mapping) and zone.get("zone"):
        rows.append(
            (
                "Zone",
                e(
                    f"{zone.get('zone')} ({zone.get('state') or 'state unknown'}; "
                    f"from {zone.get('detected_from') or 'the data'})"
                ),
            )
        )
    source_names = {
        "catalogue": "known variable",
        "name": "from its name",
        "default": "default (direct)",
        "user": "set by the user",
    }
    var_rows = []
    for v in _variables(meta):
        canonical = v.get("canonical")
        name = e(v.get("name")) + (
            f" <span class=muted>({e(canonical)})</span>"
            if canonical and canonical != v.get("name")
            else ""
        )
        var_rows.append(
            [
                name,
                e(v.get("direction")),
                e(source_names.get(str(v.get("direction_source")), v.get("direction_source"))),
                _num(v.get("missing")),
                _num(v.get("imputed")),
                _sig(v.get("min")),
                _sig(v.get("max")),
            ]
        )
    messages = "".join(f"<li>{e(m)}</li>" for m in meta.get("selection_messages") or [])
    return (
        '<section class="major"><h2>Parameters and variables</h2>'
        + _kv(rows)
        + "<h3>Variables used</h3>"
        + _table(
            ["Variable", "Direction", "Direction from", "Missing", "Filled", "Lowest", "Highest"],
            var_rows,
            [False, False, False, True, True, True, True],
        )
        + (f'<ul class="tight">{messages}</ul>' if messages else "")
        + "</section>"
    )


def _maps(
    unified: pd.DataFrame,
    meta: Mapping[str, Any],
    plan: Any,
    reprioritization: Any,
    plan_data: dict[str, Any] | None,
    order: np.ndarray,
    model_scores: pd.DataFrame | np.ndarray | None,
    map_picture: MapPicture,
    chart_picture: ChartPicture,
) -> str:
    out = ['<section class="major"><h2>Maps and charts</h2>']
    has_geometry = GEOMETRY in unified.columns and unified[GEOMETRY].notna().any()
    if not has_geometry:
        out.append(
            "<p class=note>No ward boundaries were given with this analysis, so there "
            "are no maps. Add boundaries to see the wards on a map.</p>"
        )
    else:
        wanted: list[tuple[str, dict[str, Any], str]] = [
            ("composite", {}, "Composite vulnerability score per ward."),
            ("category", {}, "High, Medium and Low vulnerability wards (composite ranking)."),
        ]
        if "pca_score" in unified.columns:
            wanted.append(("pca", {}, "PCA vulnerability score per ward."))
        if "consensus_category" in unified.columns:
            wanted.append(("consensus", {}, "Category agreed by the composite and PCA rankings."))
        if reprioritization is not None:
            wanted.append(
                (
                    "urban",
                    {"reprioritization": reprioritization},
                    "Urban wards selected for de-prioritisation.",
                )
            )
        if plan is not None:
            wanted.append(("itn", {"plan": plan}, "Nets allocated per ward by the ITN plan."))
        for kind, kwargs, caption in wanted:
            try:
                image = map_picture(kind, **kwargs)
            except ChatMRPTError as exc:
                out.append(f"<p class=note>{e(exc.message)}</p>")
                continue
            out.append(_figure(image, f"Map: {caption}", caption))
    if model_scores is not None:
        values = np.asarray(model_scores, dtype=float)
        rows = order[: values.shape[0]]
        labels = [
            f"{w}{f' ({g})' if g else ''}"
            for w, g in zip(
                np.asarray(ward_labels(unified), dtype=object)[rows],
                np.asarray(lga_labels(unified), dtype=object)[rows],
                strict=True,
            )
        ]
        ranks = pd.to_numeric(_column(unified, "composite_rank")[rows], errors="coerce")
        rank_list = [int(r) if np.isfinite(r) else i + 1 for i, r in enumerate(ranks)]
        out.append(
            _figure(
                chart_picture(
                    "model_scores",
                    lambda: png.boxplot_png(values, labels, min(TOP, len(labels)), ranks=rank_list),
                ),
                "Chart: model scores of the most vulnerable wards",
                "How much each top ward's score depends on the choice of variables.",
            )
        )
    if "pca_rank" in unified.columns:
        out.append(
            _figure(
                chart_picture("rank_comparison", lambda: png.rank_comparison_png(unified)),
                "Chart: composite against PCA rank",
                "Wards near the dashed line rank alike under both methods.",
            )
        )
    if plan_data is not None and len(plan_data["by_lga"]):
        out.append(
            _figure(
                chart_picture("itn_by_lga", lambda: png.itn_coverage_png(plan_data["by_lga"])),
                "Chart: ITN coverage by LGA",
                "Nets needed and allocated per LGA.",
            )
        )
    out.append("</section>")
    return "".join(out)


def _ward_rows(unified: pd.DataFrame, rows: np.ndarray, *, full: bool) -> list[list[str]]:
    names = np.asarray(ward_labels(unified), dtype=object)
    lgas = np.asarray(lga_labels(unified), dtype=object)
    rank = _column(unified, "composite_rank")
    score = _column(unified, "composite_score")
    cat = _column(unified, "composite_category")
    pca_rank = _column(unified, "pca_rank")
    pca_cat = _column(unified, "pca_category")
    pop_col = find_column(unified.columns, POPULATION_ALIASES)
    urban_col = find_column(unified.columns, URBAN_SHARE_ALIASES)
    population = _column(unified, pop_col) if pop_col else None
    urban = _column(unified, urban_col) if urban_col else None
    out = []
    for i in rows.tolist():
        row = [_num(rank[i]), e(names[i]), e(lgas[i] or None), _num(score[i], 3), _cat(cat[i])]
        if "pca_rank" in unified.columns:
            row.append(_num(pca_rank[i]))
            if full:
                row.append(_cat(pca_cat[i]))
        if full and population is not None:
            row.append(_num(population[i]))
        if full and urban is not None:
            row.append(_num(urban[i], 1))
        out.append(row)
    return out


def _ward_headers(unified: pd.DataFrame, *, full: bool) -> tuple[list[str], list[bool]]:
    headers = ["Rank", "Ward", "LGA", "Composite score", "Category"]
    numeric = [True, False, False, True, False]
    if "pca_rank" in unified.columns:
        headers.append("PCA rank")
        numeric.append(True)
        if full:
            headers.append("PCA category")
            numeric.append(False)
    if full and find_column(unified.columns, POPULATION_ALIASES):
        headers.append("Population")
        numeric.append(True)
    if full and find_column(unified.columns, URBAN_SHARE_ALIASES):
        headers.append("Urban %")
        numeric.append(True)
    return headers, numeric


def _top_table(unified: pd.DataFrame, order: np.ndarray, meta: Mapping[str, Any]) -> str:
    headers, numeric = _ward_headers(unified, full=True)
    rows = _ward_rows(unified, order[:TOP], full=True)
    return (
        f'<section class="major"><h2>The {min(TOP, len(order))} most vulnerable wards</h2>'
        + _table(headers, rows, numeric)
        + "</section>"
    )


def _ranking_table(unified: pd.DataFrame, order: np.ndarray) -> str:
    headers, numeric = _ward_headers(unified, full=False)
    rows = _ward_rows(unified, order, full=False)
    return (
        '<section class="major"><h2>All wards by rank</h2>'
        + _table(headers, rows, numeric, css="compact")
        + "</section>"
    )


def _plan_section(plan: dict[str, Any]) -> str:
    p, t = plan["parameters"], plan["totals"]
    settings = [
        ("Nets available", _num(p.get("total_nets") or t.get("total_nets"))),
        ("Average household size", _sig(p.get("household_size"))),
        ("People per net", _sig(p.get("people_per_net"))),
        (
            "Urban threshold",
            f"{_sig(p.get('urban_threshold'))}% (wards more urban than this are served last)",
        ),
        ("Ranking used", e(p.get("method"))),
        ("Strategy", e(STRATEGY_WORDS.get(str(p.get("strategy")), p.get("strategy")))),
    ]
    if p.get("buffer") not in (None, 1, 1.0):
        settings.append(("Buffer", _sig(p.get("buffer"))))
    if p.get("bale_size") not in (None, 1):
        settings.append(("Bale size", _num(p.get("bale_size"))))
    if p.get("max_ward_share") is not None:
        settings.append(("Maximum share of one ward", f"{_sig(p.get('max_ward_share'))}%"))
    totals = [
        ("Nets allocated", _num(t.get("nets_allocated"))),
        ("Nets remaining", _num(t.get("nets_remaining"))),
        ("Total need", _num(t.get("total_need"))),
        (
            "Population covered",
            f"{_num(t.get('population_covered'))} of {_num(t.get('population'))} "
            f"({_num(t.get('population_covered_percent'), 1)}%)",
        ),
        (
            "Wards fully / partly / not covered",
            f"{_num(t.get('wards_fully_covered'))} / {_num(t.get('wards_partly_covered'))} / "
            f"{_num(t.get('wards_not_covered'))}",
        ),
        (
            "Wards served first / last (more urban)",
            f"{_num(t.get('tier1_wards'))} / {_num(t.get('tier2_wards'))}",
        ),
    ]
    out = [
        '<section class="major"><h2>ITN distribution plan</h2><h3>Settings</h3>',
        _kv(settings),
        "<h3>Totals</h3>",
        _kv(totals),
    ]
    for w in plan["warnings"]:
        out.append(f"<p class=note>{e(w)}</p>")
    by_lga = plan["by_lga"]
    if len(by_lga):
        rows = [
            [
                e(r.get(LGA)),
                _num(r.get("wards")),
                _num(r.get("population")),
                _num(r.get("nets_needed")),
                _num(r.get("nets_allocated")),
                _num(r.get("coverage_percent"), 1),
            ]
            for r in by_lga.to_dict(orient="records")
        ]
        out.append("<h3>By LGA</h3>")
        out.append(
            _table(
                ["LGA", "Wards", "Population", "Nets needed", "Nets allocated", "Coverage %"],
                rows,
                [False, True, True, True, True, True],
            )
        )
    wards = plan["wards"]
    if len(wards):
        if "allocation_order" in wards.columns:
            wards = wards.sort_values("allocation_order", kind="stable")
        rows = [
            [
                _num(r.get("allocation_order")),
                e(r.get("WardName")),
                e(r.get(LGA)),
                e(TIER_NAMES.get(r.get("priority_tier"), _num(r.get("priority_tier")))),
                _num(r.get("nets_needed")),
                _num(r.get("nets_allocated")),
                _num(r.get("coverage_percent"), 1),
                e(phase_words(r.get("allocation_phase"))),
            ]
            for r in wards.to_dict(orient="records")
        ]
        out.append("<h3>Wards in allocation order</h3>")
        out.append(
            _table(
                ["Order", "Ward", "LGA", "Served", "Needed", "Allocated", "Coverage %", "Allocation"],
                rows,
                [True, False, False, False, True, True, True, False],
                css="compact",
            )
        )
    out.append("</section>")
    return "".join(out)


def _reprioritization_section(repri: dict[str, Any]) -> str:
    p = repri["parameters"]
    out = ['<section class="major"><h2>Urban reprioritisation</h2>']
    out.append(
        _kv(
            [
                ("Target share of the population", f"{_sig(p.get('target_share'))}%"),
                ("Total population", _num(p.get("total_population"))),
                (
                    "Columns used",
                    e(
                        ", ".join(
                            str(p.get(k))
                            for k in ("population_column", "urban_column", "rank_column")
                            if p.get(k)
                        )
                    ),
                ),
            ]
        )
    )
    summary = repri["summary"]
    if len(summary):
        rows = [
            [
                e(threshold_label(r["threshold"])) + "%",
                _num(r.get("urban_wards")),
                _num(r.get("selected_wards")),
                _num(r.get("population_selected")),
                _num(r.get("population_share"), 2),
                "reached" if r.get("target_reached") else "not reached",
            ]
            for r in summary.to_dict(orient="records")
        ]
        out.append(
            _table(
                [
                    "Urban above",
                    "Urban wards",
                    "Selected",
                    "Population selected",
                    "Share %",
                    "Target",
                ],
                rows,
                [True, True, True, True, True, False],
            )
        )
    selected = repri["selected"]
    rank_col = p.get("rank_column") or "composite_rank"
    if len(selected):
        rows = [
            [
                e(threshold_label(r["threshold"])) + "%",
                e(r.get("WardName")),
                e(r.get(LGA)),
                _num(r.get(rank_col)),
                _num(r.get("population")),
                _num(r.get("urban_share"), 1),
                _num(r.get("cumulative_population_share"), 2),
            ]
            for r in selected.to_dict(orient="records")
        ]
        out.append("<h3>Selected wards</h3>")
        out.append(
            _table(
                ["Threshold", "Ward", "LGA", "Rank", "Population", "Urban %", "Cumulative share %"],
                rows,
                [True, False, False, True, True, True, True],
                css="compact",
            )
        )
    for w in repri["warnings"]:
        out.append(f"<p class=note>{e(w)}</p>")
    out.append("</section>")
    return "".join(out)


def _describe(value: Any, limit: int = 30) -> str:
    """A join-report value in words: numbers as they are, lists counted and shown."""
    if isinstance(value, Mapping):
        if not value:
            return "none"
        return "; ".join(
            f"{e(str(k).replace('_', ' '))}: {_describe(v, limit)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        shown = ", ".join(_describe(v, limit) for v in value[:limit])
        more = f" and {len(value) - limit} more" if len(value) > limit else ""
        return f"{len(value)}: {shown}{more}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _sig(value)
    return e(value)


JOIN_RULES = {
    "ward_code": "ward code",
    "name_lga": "ward name with LGA",
    "name": "ward name",
    "fuzzy": "approximate name",
}
# report keys shown in their own rows or tables; any other key is listed as it is
_JOIN_SHOWN = {
    "matched",
    "table_rows",
    "boundary_features",
    "rule_counts",
    "unmatched_table",
    "unmatched_boundaries",
    "unmatched_table_count",
    "unmatched_boundaries_count",
    "fuzzy_matches",
    "ambiguous",
    "warnings",
    "lga_key",
}


def _entry_label(entry: Any) -> str:
    if not isinstance(entry, Mapping):
        return e(entry)
    name = entry.get("WardName") or entry.get("WardCode")
    where = entry.get("row", entry.get("feature"))
    label = str(name) if name else (f"#{int(where) + 1}" if isinstance(where, int) else "?")
    if entry.get("LGA"):
        label += f" ({entry['LGA']})"
    return e(label)


def _listed(items: Sequence[Any], count: Any) -> str:
    total = int(count) if isinstance(count, int | float) and not _missing(count) else len(items)
    if total == 0:
        return "none"
    shown = ", ".join(_entry_label(x) for x in items[:MAX_LISTED])
    more = (
        f" and {total - min(len(items), MAX_LISTED):,} more"
        if total > min(len(items), MAX_LISTED)
        else ""
    )
    return f"{total:,}: {shown}{more}"


def _join_report(join: Mapping[str, Any]) -> str:
    pairs = []
    if "matched" in join:
        pairs.append(
            (
                "Wards matched to a boundary",
                f"{_num(join.get('matched'))} of {_num(join.get('table_rows'))} wards in "
                f"the table; {_num(join.get('boundary_features'))} boundary features",
            )
        )
    counts = join.get("rule_counts")
    if isinstance(counts, Mapping):
        used = [f"{e(JOIN_RULES.get(str(k), k))} {_num(v)}" for k, v in counts.items() if v]
        pairs.append(("Matched by", ", ".join(used) or "none"))
    if "unmatched_table" in join:
        pairs.append(
            (
                "Table wards without a boundary",
                _listed(list(join.get("unmatched_table") or []), join.get("unmatched_table_count")),
            )
        )
    if "unmatched_boundaries" in join:
        pairs.append(
            (
                "Boundary features without a ward",
                _listed(
                    list(join.get("unmatched_boundaries") or []),
                    join.get("unmatched_boundaries_count"),
                ),
            )
        )
    for key, value in join.items():
        if key not in _JOIN_SHOWN:
            pairs.append((str(key).replace("_", " ").capitalize(), _describe(value)))
    out = [_kv(pairs)]
    fuzzy = [f for f in join.get("fuzzy_matches") or [] if isinstance(f, Mapping)]
    if fuzzy:
        out.append("<p>Matched by approximate name (check these pairs):</p>")
        out.append(
            _table(
                ["Table row", "Name in the table", "Name in the boundaries", "Score"],
                [
                    [
                        _num(f["row"] + 1) if isinstance(f.get("row"), int) else "–",
                        e(f.get("table_name")),
                        e(f.get("boundary_name")),
                        _num(f.get("score")),
                    ]
                    for f in fuzzy[:MAX_LISTED]
                ],
                [True, False, False, True],
                css="compact",
            )
        )
    ambiguous = [a for a in join.get("ambiguous") or [] if isinstance(a, Mapping)]
    if ambiguous:
        out.append("<p>Wards that could not be matched unambiguously:</p>")
        out.append(
            _table(
                ["Ward", "Why", "Candidates"],
                [
                    [
                        _entry_label(a),
                        e(a.get("reason")),
                        ", ".join(_entry_label(c) for c in a.get("candidates") or []),
                    ]
                    for a in ambiguous[:MAX_LISTED]
                ],
                [False, False, False],
                css="compact",
            )
        )
    for warning in join.get("warnings") or []:
        out.append(f"<p class=note>{e(warning)}</p>")
    return "".join(out)


def _data_quality(meta: Mapping[str, Any]) -> str:
    out = [
        '<section class="major"><h2>Data quality</h2>',
        "<h3>Joining the table to the boundaries</h3>",
    ]
    join = meta.get("join_report")
    if isinstance(join, Mapping) and join:
        out.append(_join_report(join))
    else:
        out.append("<p>No boundaries were joined (or no join report was recorded).</p>")

    imputation = meta.get("imputation") or {}
    cells = list(imputation.get("report") or [])
    out.append("<h3>Filled-in values</h3>")
    if cells:
        methods = {"neighbour_mean": "mean of neighbours", "column_mean": "mean of all wards"}
        rows = [
            [
                e(c.get("ward")),
                e(c.get("variable")),
                e(methods.get(str(c.get("method")), c.get("method"))),
                _sig(c.get("value")),
            ]
            for c in cells[:MAX_LISTED]
        ]
        out.append(f"<p>{len(cells):,} missing value(s) were filled.</p>")
        out.append(
            _table(
                ["Ward", "Variable", "Filled with", "Value"],
                rows,
                [False, False, False, True],
                css="compact",
            )
        )
        if len(cells) > MAX_LISTED:
            out.append(
                f"<p class=muted>… and {len(cells) - MAX_LISTED:,} more (all are in "
                "analysis.json).</p>"
            )
    else:
        out.append("<p>No values were missing in the variables used.</p>")

    dropped = list(meta.get("dropped_variables") or [])
    out.append("<h3>Variables left out</h3>")
    if dropped:
        reasons = {
            "too_many_missing": "too many missing values",
            "constant": "same value in every ward",
            "identical": "same numbers as another variable",
        }
        out.append(
            _table(
                ["Variable", "Reason", "Detail"],
                [
                    [
                        e(d.get("variable")),
                        e(reasons.get(str(d.get("reason")), d.get("reason"))),
                        e(d.get("message")),
                    ]
                    for d in dropped
                ],
                [False, False, False],
            )
        )
    else:
        out.append("<p>None.</p>")

    out.append(_table_checks(meta))
    out.append("<h3>Is PCA suitable?</h3>")
    pca = meta.get("pca")
    if isinstance(pca, Mapping):
        evr = pca.get("explained_variance_ratio") or []
        pairs = [
            ("Suitable", "yes" if pca.get("suitable") else f"no — {e(plain_reason(pca.get('reason')))}"),
            (
                "Kaiser-Meyer-Olkin (KMO)",
                f"{_sig(pca.get('kmo'))}; at least 0.5 is needed",
            ),
            (
                "Bartlett's test of sphericity",
                f"χ² = {_sig(pca.get('bartlett_chi2'))}, df = {_num(pca.get('bartlett_df'))}, "
                f"p = {_sig(pca.get('bartlett_p'))}; below 0.05 is needed",
            ),
        ]
        if evr:
            pairs.append(
                (
                    "Variance explained by component",
                    e(", ".join(f"{100 * float(v):.1f}%" for v in evr)),
                )
            )
        importance = pca.get("variable_importance") or {}
        if importance:
            ranked = sorted(importance.items(), key=lambda kv: -float(kv[1]))
            pairs.append(
                (
                    "Variable importance",
                    e(", ".join(f"{k} {100 * float(v):.0f}%" for k, v in ranked)),
                )
            )
        out.append(_kv(pairs))
    else:
        out.append("<p>PCA was not requested for this analysis.</p>")

    warnings = list(meta.get("warnings") or [])
    if warnings:
        out.append('<h3>Warnings</h3><ul class="tight">')
        out.extend(f"<li>{e(plain_reason(w))}</li>" for w in warnings)
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _table_checks(meta: Mapping[str, Any]) -> str:
    """Checks on the ward table before the analysis, and where population and urban share
    (for net planning and reprioritisation) came from."""
    out = ["<h3>Checks on the ward table</h3>"]
    findings = [f for f in (meta.get("quality") or []) if isinstance(f, Mapping)]
    if findings:
        out.append('<ul class="tight">')
        out.extend(f"<li>{e(f.get('message'))}</li>" for f in findings)
        out.append("</ul>")
    else:
        out.append("<p>No identical or constant columns, shares out of range, negative counts "
                   "or repeated ward codes were found.</p>")
    planning = meta.get("planning_inputs")
    if isinstance(planning, Mapping):
        out.append("<h3>Population and urban share</h3>")
        pairs = []
        for key, label in (("population", "Population"), ("urban_share", "Urban share")):
            entry = planning.get(key)
            pairs.append((label, e(entry.get("source")) if isinstance(entry, Mapping)
                          else "not available"))
        out.append(_kv(pairs))
    return "".join(out)


def _footer(meta: Mapping[str, Any]) -> str:
    inputs = meta.get("inputs") or {}
    files = []
    if isinstance(inputs, Mapping):
        for role, src in inputs.items():
            if isinstance(src, Mapping):
                digest = str(src.get("sha256") or "")[:16]
                files.append(
                    f"{e(role)}: {e(src.get('name') or src.get('display_name') or '')}"
                    f" (sha256 {e(digest)}…)"
                )
    versions = meta.get("versions") or {}
    version_text = ", ".join(f"{k} {v}" for k, v in dict(versions).items())
    ident = meta.get("analysis_id")
    lines = []
    if ident:
        lines.append(f"Analysis id {e(ident)}.")
    if files:
        lines.append("Input files: " + "; ".join(files) + ".")
    if version_text:
        lines.append(f"Software: {e(version_text)}.")
    lines.append(
        "Category colours: "
        + ", ".join(
            f'<span class="cat cat-{c.lower()}">{e(c)}</span> {e(CATEGORY_COLOURS[c])}'
            for c in (HIGH, MEDIUM, LOW)
        )
        + "."
    )
    return f"<footer class=muted>{'<br>'.join(lines)}</footer>"
