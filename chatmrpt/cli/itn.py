"""``chatmrpt itn``: plan the distribution of a stock of ITNs over wards (METHODOLOGY §8)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from chatmrpt.analysis.itn import (
    RANK_COLUMNS,
    RANK_ORDERS,
    STRATEGIES,
    ItnPlan,
    parse_net_count,
    plan_itn,
)
from chatmrpt.analysis.results_io import load_unified
from chatmrpt.errors import InputError

NAME = "itn"
HELP = "plan how a stock of insecticide-treated nets is spread over the wards"
DESCRIPTION = (
    "Plan ITN distribution from a finished analysis: wards below the urban threshold first "
    "(tier 1), then the rest (tier 2), each by vulnerability rank. Writes itn_plan.csv, "
    "itn_plan_by_lga.csv and itn_plan.json to --out. --nets accepts 1200000, 1,200,000, "
    "1.2m or 500k."
)
ORDER = 40

PLAN_CSV = "itn_plan.csv"
PLAN_JSON = "itn_plan.json"
PLAN_BY_LGA_CSV = "itn_plan_by_lga.csv"


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "source",
        type=Path,
        metavar="DIR_OR_UNIFIED",
        help="analysis output folder, or its unified_dataset.csv / .geoparquet",
    )
    p.add_argument(
        "--nets", required=True, help="total nets available (e.g. 1200000, 1,200,000, 1.2m, 500k)"
    )
    p.add_argument("--household-size", required=True, help="average household size (e.g. 5)")
    p.add_argument(
        "--urban-threshold",
        default="75",
        help="urban share (percent) from which a ward is tier 2 (default 75)",
    )
    p.add_argument(
        "--method",
        choices=tuple(RANK_COLUMNS),
        default="composite",
        help="ranking to use (default composite)",
    )
    p.add_argument(
        "--strategy", choices=STRATEGIES, default="stop", help="allocation strategy (default stop)"
    )
    p.add_argument(
        "--max-ward-share",
        metavar="PCT",
        help="strategy capped: most a ward may take, in percent of all nets",
    )
    p.add_argument(
        "--people-per-net", default="1.8", help="people covered by one net (default 1.8)"
    )
    p.add_argument(
        "--buffer", default="1.0", help="multiplier on each ward's need, e.g. 1.1 (default 1.0)"
    )
    p.add_argument(
        "--bale-size", default="1", help="nets per bale; allocations are whole bales (default 1)"
    )
    p.add_argument(
        "--fill-population",
        metavar="mean|median|VALUE",
        help="fill missing ward populations with the mean, the median or a number (default: refuse)",
    )
    add_rank_arguments(p)
    p.add_argument("--out", type=Path, required=True, help="folder for itn_plan.csv/.json")


def add_rank_arguments(p: argparse.ArgumentParser) -> None:
    """--rank-column/--rank-order: plan from ranks made elsewhere (the R app, a spreadsheet)."""
    p.add_argument(
        "--rank-column",
        metavar="NAME",
        help="order the wards by this column instead of the analysis' ranking; then "
        "DIR_OR_UNIFIED may be any ward table (CSV or XLSX) with population and urban share",
    )
    p.add_argument(
        "--rank-order",
        choices=RANK_ORDERS,
        help="with --rank-column: ascending if rank 1 is the most vulnerable ward, "
        "descending if rank 1 is the least vulnerable (the R MRPT app's overall rank)",
    )


def load_wards(source: Path, rank_column: str | None):
    """The unified dataset of an analysis; with an external rank column, any ward table."""
    if rank_column is not None and source.is_file() and source.suffix.lower() in (
        ".csv", ".tsv", ".txt", ".xlsx",
    ):  # fmt: skip
        from chatmrpt.analysis.ingest import read_table

        frame, _source, _notes = read_table(source)
        return frame
    return load_unified(source)


def run(args: argparse.Namespace) -> int:
    from chatmrpt.analysis.population import (
        for_the_command_line,
        planning_inputs_near,
        planning_source_text,
    )

    if args.out.exists() and not args.out.is_dir():
        raise InputError(
            "invalid_parameter",
            f"--out {args.out} is a file; give a folder for the plan.",
            details={"out": str(args.out)},
        )
    nets = parse_net_count(args.nets, "number of nets (--nets)")
    wards = load_wards(args.source, args.rank_column)
    try:
        plan = plan_itn(
            wards,
            total_nets=nets,
            household_size=args.household_size,
            urban_threshold=args.urban_threshold,
            method=args.method,
            strategy=args.strategy,
            max_ward_share=args.max_ward_share,
            people_per_net=args.people_per_net,
            buffer=args.buffer,
            bale_size=args.bale_size,
            fill_population=args.fill_population,
            rank_column=args.rank_column,
            rank_order=args.rank_order,
        )
    except InputError as exc:
        raise for_the_command_line(exc) from None
    plan.parameters.update(planning_source_text(
        planning_inputs_near(args.source), plan.parameters.get("population_column"),
        plan.parameters.get("urban_column")))
    files = write_plan(plan, args.out)
    print_summary(plan, files)
    return 0


def write_plan(plan: ItnPlan, out_dir: Path) -> list[Path]:
    """Write the plan's three files; each appears complete or not at all.

    Files are written into a temporary folder beside ``out_dir`` and moved in with atomic
    renames, the JSON (which holds everything) last.
    """
    contents = {
        PLAN_CSV: plan.wards.to_csv(index=False, lineterminator="\n"),
        PLAN_BY_LGA_CSV: plan.by_lga.to_csv(index=False, lineterminator="\n"),
        PLAN_JSON: plan.to_json() + "\n",
    }
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    try:
        for name, text in contents.items():
            with open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in contents:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [out_dir / name for name in contents]


def print_summary(plan: ItnPlan, files: list[Path]) -> None:
    t = plan.totals
    p = plan.parameters
    print(
        f"ITN plan ({p['strategy']} strategy, "
        f"{p['method'] if p['method'] != 'external' else p['rank_column']} ranking, tier 2 from "
        f"{p['urban_threshold']:g}% urban): {t['wards']:,} wards, "
        f"{t['tier1_wards']:,} in tier 1 and {t['tier2_wards']:,} in tier 2."
    )
    print(
        f"Nets: {t['total_nets']:,} available, {t['total_need']:,} needed, "
        f"{t['nets_allocated']:,} allocated, {t['nets_remaining']:,} remaining."
    )
    print(
        f"Population covered: {t['population_covered']:,.0f} of {t['population']:,.0f} "
        f"({t['population_covered_percent']:.1f}%)."
    )
    print(
        f"Wards: {t['wards_fully_covered']:,} fully covered, {t['wards_partly_covered']:,} partly, "
        f"{t['wards_not_covered']:,} not covered."
    )
    if p.get("population_source"):
        print(f"Population: {p['population_source']}.")
    if p.get("urban_share_source"):
        print(f"Urban share: {p['urban_share_source']}.")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    print("Wrote: " + ", ".join(str(f) for f in files))
