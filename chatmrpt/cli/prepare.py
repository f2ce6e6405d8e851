"""``chatmrpt prepare``: from a facility export and ward boundaries to a ward table (and on)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from chatmrpt.analysis.declarations import TprParams
from chatmrpt.analysis.params import AnalysisParams
from chatmrpt.cli._options import (
    BOUNDARIES_HELP,
    add_options,
    add_output,
    option_values,
    parse_population,
)
from chatmrpt.cli.analyze import print_summary
from chatmrpt.cli.covariates import parse_raster_option
from chatmrpt.cli.tpr import CLI_OPTIONS as TPR_OPTIONS
from chatmrpt.errors import InputError
from chatmrpt.store.model import to_jsonable

NAME = "prepare"
HELP = "build a ward table (TPR, burden, population, covariates) from a facility export"
DESCRIPTION = """\
Build the ward table from a DHIS2 facility export and the ward boundaries: one row per
ward of the boundaries with the age group's test positivity rate (u5_tpr_rdt for
under-fives) and its tested/positive counts, the population (from --population), malaria
burden per 1,000 (positives over the age group's population x 1,000, capped at 1,000) and
one column per --raster. Writes ward_table.csv and prepare_report.json to --out; with --analyze also ranks the wards there (the same files as `chatmrpt analyze`), so
`chatmrpt itn DIR` and `chatmrpt reprioritize DIR` can follow.
"""
EPILOG = """\
--population takes a population table (CSV/XLSX: WardCode, or WardName with LGA, and
Population; optional population_u5 and women_15_49 columns) or a population raster
(people per pixel, summed over each ward). Repeat it with u5=RASTER and women=RASTER for
the under-five and women 15-49 rasters; burden for under-fives then uses the under-five
population (otherwise the total, stated in the report).
Urban share: --urban RASTER (built-up layer, 0/1 or 0-100; mean over each ward), or the
boundaries' Urban Yes/No attribute (100% / 0%) when the table is analysed.

Several years (--by-year): the export's periods give tpr_by_year.csv (one row per ward and
year: TPR, tested, positive, burden per 1,000) and trend.csv (per ward: the least-squares
slope per year of burden per 1,000 over the years present - of TPR points for a ward without
population -, the number of years used, and worsening when the slope is >= the threshold,
improving when <= -threshold, otherwise stable; one year only: insufficient_data). The
threshold is --trend-threshold (default 5 per 1,000 per year). ward_table.csv keeps the
values over all years. With --analyze, --per-year also ranks the wards of each year
(years/YEAR/ holds that year's ward table and analysis, so `chatmrpt itn years/YEAR` works)
and writes ranking_by_year.csv with every year's ranks side by side.
"""

def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("facility_export", type=Path, help="DHIS2 facility export (CSV or XLSX)")
    p.add_argument("--boundaries", type=Path, required=True, help=BOUNDARIES_HELP)
    p.add_argument("--population", action="append", default=[], metavar="[KIND=]FILE",
                   help="population table or raster; KIND is total (default), u5 or women "
                        "for rasters (repeatable)")
    p.add_argument("--raster", action="append", default=[], metavar="NAME=PATH[:STAT]",
                   help="environmental raster summarised per ward (repeatable; STAT mean "
                        "(default), sum, min, max, median, majority)")
    p.add_argument("--urban", type=Path, metavar="RASTER",
                   help="built-up raster (0/1 or 0-100) for the urban share")
    # the TPR options are those of `chatmrpt tpr`, from the same declaration
    add_options(p, TprParams, TPR_OPTIONS)
    p.add_argument("--analyze", action="store_true",
                   help="also rank the wards (default variables, both methods) into --out")
    p.add_argument("--per-year", action="store_true",
                   help="with --by-year and --analyze: also rank the wards of each year")
    add_output(p, "folder for the results")


def run(args: argparse.Namespace) -> int:
    # what loads pandas and GeoPandas is imported here, not at the top: see chatmrpt.cli
    from chatmrpt.analysis.prepare import prepare_ward_table

    if args.per_year and not (args.by_year and args.analyze):
        raise InputError("invalid_parameter",
                         "--per-year ranks each year's wards: give it with --by-year and "
                         "--analyze.")
    population, population_rasters = parse_population(args.population)
    specs = [parse_raster_option(r) for r in args.raster]
    prepared = prepare_ward_table(
        args.facility_export,
        args.boundaries,
        population=population,
        population_rasters=population_rasters or None,
        rasters=specs,
        urban_raster=args.urban,
        **option_values(args, TprParams, TPR_OPTIONS),
    )
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise InputError("invalid_parameter", f"--out {out} is a file; give a folder.")
    out.mkdir(parents=True, exist_ok=True)
    table_path = out / "ward_table.csv"
    prepared.table.to_csv(table_path, index=False, lineterminator="\n")
    files = [table_path, out / "prepare_report.json"]
    if prepared.by_year is not None:
        from chatmrpt.analysis.filenames import TPR_BY_YEAR_CSV, TREND_CSV

        for name, frame in ((TPR_BY_YEAR_CSV, prepared.by_year), (TREND_CSV, prepared.trend)):
            frame.to_csv(out / name, index=False, lineterminator="\n")
            files.append(out / name)

    (out / "prepare_report.json").write_text(
        json.dumps(to_jsonable(prepared.report), indent=1, ensure_ascii=False) + "\n")
    summary_lines = _summary(prepared)

    result = dataset = None
    if args.analyze:
        from chatmrpt.analysis.ingest import load_dataset
        from chatmrpt.analysis.outputs import write_analysis_outputs
        from chatmrpt.analysis.pipeline import run_analysis

        dataset = load_dataset(table_path, args.boundaries)
        # the population came from a file, not from the ward table: say so in the results
        for key, entry in prepared.planning.items():
            if key in dataset.planning:
                dataset.planning[key] = dict(dataset.planning[key], source=entry["source"])
        result = run_analysis(dataset, AnalysisParams.from_dict({}))
        files += list(write_analysis_outputs(result, out))
        if args.per_year:
            files += _per_year(prepared, args.boundaries, out)
    if not args.quiet:
        for line in summary_lines:
            print(line)
        if result is not None:
            print_summary(result, dataset, files)
        else:
            print("Wrote: " + ", ".join(str(f) for f in files))
    return 0


def _per_year(prepared, boundaries: Path, out: Path) -> list[Path]:
    """Each year's ward table and analysis in out/years/YEAR, and ranking_by_year.csv."""
    from chatmrpt.analysis.filenames import RANKING_BY_YEAR_CSV
    from chatmrpt.analysis.ingest import load_dataset
    from chatmrpt.analysis.outputs import write_analysis_outputs
    from chatmrpt.analysis.params import AnalysisParams
    from chatmrpt.analysis.pipeline import run_analysis
    from chatmrpt.analysis.prepare import ranking_by_year, year_table

    files: list[Path] = []
    results = {}
    for year in prepared.years:
        folder = out / "years" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "ward_table.csv"
        year_table(prepared, year).to_csv(path, index=False, lineterminator="\n")
        dataset = load_dataset(path, boundaries)
        for key, entry in prepared.planning.items():
            if key in dataset.planning:
                dataset.planning[key] = dict(dataset.planning[key], source=entry["source"])
        results[year] = run_analysis(dataset, AnalysisParams.from_dict({}))
        files += [path, *write_analysis_outputs(results[year], folder)]
    ranking = ranking_by_year(results)
    ranking.to_csv(out / RANKING_BY_YEAR_CSV, index=False, lineterminator="\n")
    return [*files, out / RANKING_BY_YEAR_CSV]


def _summary(prepared) -> list[str]:
    report = prepared.report
    join = report["tpr_join"]
    lines = [
        f"Ward table: {report['boundaries']['wards']} wards of {report['boundaries']['file']}; "
        f"{join['matched']} have facility data ({report['tpr_column']}).",
    ]
    pop = prepared.planning.get("population")
    lines.append(f"Population: {pop['source']}." if pop else
                 "Population: none given (no burden per 1,000, no net planning).")
    burden = report["burden"]
    if burden.get("computed"):
        lines.append(f"Burden per 1,000: {burden['rule']}.")
    years = prepared.report.get("years")
    if years:
        trend = years["trend"]
        counts = ", ".join(f"{k} {v}" for k, v in sorted(trend["counts"].items()))
        lines.append(f"Years: {', '.join(map(str, years['years']))}. Trend per ward "
                     f"({trend['rule']}): {counts}.")
    for w in prepared.warnings:
        lines.append(f"note: {w}")
    return lines

