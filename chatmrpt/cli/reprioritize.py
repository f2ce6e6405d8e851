"""``chatmrpt reprioritize``: urban wards that could be de-prioritised (METHODOLOGY §7)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from chatmrpt.analysis.declarations import ReprioritizationParams
from chatmrpt.analysis.filenames import REPRIORITIZATION_CSV
from chatmrpt.artifacts.atomic import atomic_file
from chatmrpt.cli._options import add_options, option_values, output_file
from chatmrpt.cli._plans import add_analysis_source, load_wards, print_sources_and_warnings
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from chatmrpt.analysis.urban import ReprioritizationResult

NAME = "reprioritize"
HELP = "select urban wards for de-prioritisation at several urban thresholds"
DESCRIPTION = (
    "Walk the wards of a finished analysis from the least to the most vulnerable and select "
    "urban wards (urban share strictly above each threshold) until they hold the target share "
    "of the population. Prints a summary per threshold and writes one row per selected ward "
    "and threshold to a CSV file."
)


def register(p: argparse.ArgumentParser) -> None:
    add_analysis_source(p)
    add_options(p, ReprioritizationParams)
    p.add_argument(
        "--out",
        type=Path,
        help=f"CSV file to write (default: {REPRIORITIZATION_CSV} in the analysis folder)",
    )


def run(args: argparse.Namespace) -> int:
    # what loads pandas is imported here, not at the top: see chatmrpt.cli
    from chatmrpt.analysis.itn import RANK_COLUMNS
    from chatmrpt.analysis.population import (
        for_the_command_line,
        planning_inputs_near,
        planning_source_text,
    )
    from chatmrpt.analysis.urban import reprioritize

    params = ReprioritizationParams.from_dict(option_values(args, ReprioritizationParams))
    wards = load_wards(args.source, params.rank_column)
    try:
        result = reprioritize(
            wards,
            thresholds=params.thresholds,
            target_share=params.target,
            rank_column=params.rank_column or RANK_COLUMNS[params.method],
            rank_order=params.rank_order or "ascending",
        )
    except InputError as exc:
        raise for_the_command_line(exc) from None
    out = output_file(args.out if args.out is not None else default_output(args.source),
                      REPRIORITIZATION_CSV)
    result.parameters.update(planning_source_text(
        planning_inputs_near(args.source), result.parameters.get("population_column"),
        result.parameters.get("urban_column")))
    write_csv_atomically(result.selection_table(), out)
    print_summary(result, out)
    return 0


def default_output(source: Path) -> Path:
    folder = source if source.is_dir() else source.parent
    return folder / REPRIORITIZATION_CSV


def write_csv_atomically(table: pd.DataFrame, path: Path) -> None:
    """Write beside the target and rename over it: the CSV is complete or absent."""
    with atomic_file(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(table, fh)


def print_summary(result: ReprioritizationResult, out: Path) -> None:
    from chatmrpt.analysis.urban import threshold_label

    params = result.parameters
    print(
        f"{params['wards']:,} wards, total population {params['total_population']:,.0f}; "
        f"target {params['target_share']:g}% of the population "
        f"(columns: {params['population_column']}, {params['urban_column']}, {params['rank_column']})."
    )
    print(
        f"{'urban >':>8} {'urban wards':>12} {'selected':>9} {'population':>14} {'share %':>8}  target"
    )
    for row in result.summary.itertuples(index=False):
        print(
            f"{threshold_label(row.threshold) + '%':>8} {row.urban_wards:>12,} {row.selected_wards:>9,} "
            f"{row.population_selected:>14,.0f} {row.population_share:>8.2f}  "
            f"{'reached' if row.target_reached else 'not reached'}"
        )
    print_sources_and_warnings(params, result.warnings)
    print(f"Wrote {out}")
