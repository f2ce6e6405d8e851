"""``chatmrpt analyze``: rank wards from a ward table (and boundaries)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.cli._options import (
    BOUNDARIES_HELP,
    add_options,
    add_output,
    option_values,
    parse_population,
)
from chatmrpt.cli._progress import ProgressBar

NAME = "analyze"
HELP = "rank wards by malaria vulnerability (composite score and PCA)"
DESCRIPTION = (
    "Rank wards by malaria vulnerability. Reads a ward table (CSV or XLSX) and, optionally, "
    "ward boundaries (zipped shapefile, GeoJSON, GeoPackage, GeoParquet); writes the unified "
    "dataset, model scores and analysis.json to --out."
)


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", type=Path, help="ward table: CSV or XLSX, one row per ward")
    p.add_argument("--boundaries", type=Path, help=BOUNDARIES_HELP)
    p.add_argument("--sheet", help="worksheet to read from an XLSX workbook")
    add_options(p, AnalysisParams)
    p.add_argument("--population", action="append", default=[], metavar="[KIND=]FILE",
                   help="population table or raster, used for net planning when the table "
                        "has no population column (see `chatmrpt prepare --help`)")
    p.add_argument("--urban", type=Path, metavar="RASTER",
                   help="built-up raster (0/1 or 0-100) for the urban share, when the table "
                        "has none (otherwise the boundaries' Urban Yes/No attribute is used)")
    add_output(p, "folder for the results", progress=True)


def run(args: argparse.Namespace) -> int:
    # what loads pandas and GeoPandas is imported here, not at the top: see chatmrpt.cli
    from chatmrpt.analysis.ingest import load_dataset
    from chatmrpt.analysis.outputs import write_analysis_outputs
    from chatmrpt.analysis.pipeline import run_analysis

    params = AnalysisParams.from_dict(option_values(args, AnalysisParams))
    with ProgressBar(enabled=not args.quiet, desc="analysis") as bar:
        bar.update(0.0, "load")
        population, population_rasters = parse_population(args.population)
        dataset = load_dataset(args.table, args.boundaries, sheet=args.sheet,
                               population=population,
                               population_rasters=population_rasters or None,
                               urban_raster=args.urban)
        result = run_analysis(dataset, params, progress=lambda f, s: bar.update(0.05 + 0.75 * f, s))
        files = write_analysis_outputs(
            result, args.out, progress=lambda f, s: bar.update(0.8 + 0.2 * f, s)
        )
    if not args.quiet:
        print_summary(result, dataset, files)
    return 0


def print_summary(result, dataset, files) -> None:
    s = result.summary()
    out = sys.stdout
    print(f"Analysed {s['wards']} wards with {len(s['variables'])} variables "
          f"({s['models']} models).", file=out)
    if dataset.join_report:
        jr = dataset.join_report
        print(f"Boundaries: {jr.get('matched')} of {jr.get('table_rows')} wards matched.", file=out)
    zone = s.get("zone")
    if zone:
        print(f"State: {zone['state']} ({zone['zone']} zone, from the {zone['detected_from']}).",
              file=out)
    for v in s["variables"]:
        print(f"  {v['name']:<32} {v['direction']}", file=out)
    if s["imputed_cells"]:
        print(f"Filled {s['imputed_cells']} missing value(s) from neighbouring wards or the "
              "column mean (listed in analysis.json).", file=out)
    for w in s["warnings"]:
        print(f"note: {w}", file=out)
    planning = s.get("planning_inputs") or {}
    for key, label in (("population", "Population"), ("urban_share", "Urban share")):
        entry = planning.get(key)
        print(f"{label} for planning: " + (entry["source"] if entry else "none") + ".", file=out)
    cats = s["categories"]
    print(f"Categories: {cats['High']} High, {cats['Medium']} Medium, {cats['Low']} Low.", file=out)
    if s["pca_suitable"]:
        cmp_ = s["comparison"]
        print(f"PCA: used; Spearman correlation with the composite ranking "
              f"{cmp_.get('spearman')}.", file=out)
    elif "pca" in s["methods"]:
        print(f"PCA: not used — {s['pca_reason']}", file=out)
    print("Most vulnerable wards:", file=out)
    for row in s["top_wards"]:
        extra = f" ({row['LGA']})" if row.get("LGA") else ""
        print(f"  {row['composite_rank']:>4}. {row['WardName']}{extra}  "
              f"score {row['composite_score']:.3f}", file=out)
    print("Wrote: " + ", ".join(str(f) for f in files), file=out)
