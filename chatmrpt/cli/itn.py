"""``chatmrpt itn``: plan the distribution of a stock of ITNs over wards (METHODOLOGY §8)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.analysis.filenames import ITN_PLAN_BY_LGA_CSV, ITN_PLAN_CSV, ITN_PLAN_JSON
from chatmrpt.artifacts.atomic import publish, staging_folder
from chatmrpt.cli._options import add_options, option_values
from chatmrpt.cli._plans import add_analysis_source, load_wards, print_sources_and_warnings
from chatmrpt.csvsafe import csv_text
from chatmrpt.errors import InputError

if TYPE_CHECKING:
    from chatmrpt.analysis.itn import ItnPlan

NAME = "itn"
HELP = "plan how a stock of insecticide-treated nets is spread over the wards"
DESCRIPTION = (
    "Plan ITN distribution from a finished analysis: wards below the urban threshold first "
    "(tier 1), then the rest (tier 2), each by vulnerability rank. Writes itn_plan.csv, "
    "itn_plan_by_lga.csv and itn_plan.json to --out. --nets accepts 1200000, 1,200,000, "
    "1.2m or 500k."
)


def register(p: argparse.ArgumentParser) -> None:
    add_analysis_source(p)
    add_options(p, ItnParams)
    p.add_argument("--out", type=Path, required=True, help="folder for itn_plan.csv/.json")


def run(args: argparse.Namespace) -> int:
    # what loads pandas is imported here, not at the top: see chatmrpt.cli
    from chatmrpt.analysis.itn import plan_itn
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
    params = ItnParams.from_dict(option_values(args, ItnParams))
    wards = load_wards(args.source, params.rank_column)
    try:
        plan = plan_itn(wards, **params.normalized())
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
        ITN_PLAN_CSV: csv_text(plan.wards),
        ITN_PLAN_BY_LGA_CSV: csv_text(plan.by_lga),
        ITN_PLAN_JSON: plan.to_json() + "\n",
    }
    with staging_folder(out_dir) as tmp:
        for name, text in contents.items():
            with open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        return publish(tmp, out_dir, contents)


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
    print_sources_and_warnings(p, plan.warnings)
    print("Wrote: " + ", ".join(str(f) for f in files))
