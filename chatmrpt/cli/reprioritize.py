"""``chatmrpt reprioritize``: urban wards that could be de-prioritised (METHODOLOGY §7)."""

from __future__ import annotations

import argparse
import os
import uuid
from pathlib import Path

import pandas as pd

from chatmrpt.analysis.itn import RANK_COLUMNS, check_rank_column
from chatmrpt.analysis.urban import (
    DEFAULT_TARGET_SHARE,
    ReprioritizationResult,
    reprioritize,
    threshold_label,
)
from chatmrpt.cli.itn import add_rank_arguments, load_wards
from chatmrpt.errors import InputError

NAME = "reprioritize"
HELP = "select urban wards for de-prioritisation at several urban thresholds"
DESCRIPTION = (
    "Walk the wards of a finished analysis from the least to the most vulnerable and select "
    "urban wards (urban share strictly above each threshold) until they hold the target share "
    "of the population. Prints a summary per threshold and writes one row per selected ward "
    "and threshold to a CSV file."
)
ORDER = 30
DEFAULT_FILE = "reprioritization.csv"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "source",
        type=Path,
        metavar="DIR_OR_UNIFIED",
        help="analysis output folder, or its unified_dataset.csv / .geoparquet",
    )
    p.add_argument(
        "--thresholds",
        default="20,30,50,75",
        help="urban share thresholds in percent (default 20,30,50,75)",
    )
    p.add_argument(
        "--target",
        type=str,
        default=str(DEFAULT_TARGET_SHARE),
        help="population share to reach, in percent (default 30)",
    )
    p.add_argument(
        "--method",
        choices=tuple(RANK_COLUMNS),
        default="composite",
        help="ranking that orders the wards (default composite)",
    )
    add_rank_arguments(p)
    p.add_argument(
        "--out",
        type=Path,
        help=f"CSV file to write (default: {DEFAULT_FILE} in the analysis folder)",
    )


def run(args: argparse.Namespace) -> int:
    from chatmrpt.analysis.population import (
        for_the_command_line,
        planning_inputs_near,
        planning_source_text,
    )

    external = check_rank_column(args.rank_column, args.rank_order)
    rank_column, rank_order = external or (RANK_COLUMNS[args.method], "ascending")
    wards = load_wards(args.source, args.rank_column)
    try:
        result = reprioritize(
            wards,
            thresholds=args.thresholds,
            target_share=args.target,
            rank_column=rank_column,
            rank_order=rank_order,
        )
    except InputError as exc:
        raise for_the_command_line(exc) from None
    out = args.out if args.out is not None else default_output(args.source)
    if out.is_dir():
        raise InputError(
            "invalid_parameter",
            f"--out {out} is a folder; give a CSV file name, e.g. {out / DEFAULT_FILE}.",
            details={"out": str(out)},
        )
    result.parameters.update(planning_source_text(
        planning_inputs_near(args.source), result.parameters.get("population_column"),
        result.parameters.get("urban_column")))
    write_csv_atomically(result.selection_table(), out)
    print_summary(result, out)
    return 0


def default_output(source: Path) -> Path:
    folder = source if source.is_dir() else source.parent
    return folder / DEFAULT_FILE


def write_csv_atomically(table: pd.DataFrame, path: Path) -> None:
    """Write beside the target and rename over it: the CSV is complete or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            table.to_csv(fh, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def print_summary(result: ReprioritizationResult, out: Path) -> None:
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
    if params.get("population_source"):
        print(f"Population: {params['population_source']}.")
    if params.get("urban_share_source"):
        print(f"Urban share: {params['urban_share_source']}.")
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(f"Wrote {out}")
