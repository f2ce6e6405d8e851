"""``chatmrpt demo-data``: write a synthetic state to try the tool on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmrpt.demo.params import DEFAULT_SEED, DEFAULT_STATE, MAX_WARDS, MIN_WARDS

NAME = "demo-data"
HELP = "write a synthetic state: ward table, ward boundaries and a DHIS2-style export"
DESCRIPTION = (
    "Write demonstration data for a synthetic Nigerian state into DIR: wards.csv (one row "
    "per ward with population, urban share and the usual risk variables), "
    "wards_boundaries.zip (zipped shapefile, EPSG:4326) and facility_tpr.csv (facility-month "
    "malaria testing counts in DHIS2 export layout). The same --wards, --seed and --state "
    "always give the same files."
)

# below this many wards the run takes about a second and a progress bar is only noise
PROGRESS_FROM_WARDS = 5_000
# share of the bar for generating the state; the rest is writing the files
_GENERATE_SHARE = 0.4


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wards",
        type=int,
        required=True,
        metavar="N",
        help=f"number of wards, {MIN_WARDS:,} to {MAX_WARDS:,}",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--state",
        default=DEFAULT_STATE,
        metavar="CODE",
        help=f"two-letter Nigerian state code, e.g. KN, KW, LA (default {DEFAULT_STATE}); "
        "it decides the geopolitical zone and so the default variables of the analysis",
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write into (created if missing)"
    )
    parser.add_argument(
        "--no-facility-export",
        dest="facility_export",
        action="store_false",
        help="skip facility_tpr.csv (the largest file: about 130 MB at 100,000 wards)",
    )
    parser.add_argument(
        "--years", default="2023,2024", metavar="Y1,Y2,...",
        help="years the facility export covers, 12 months each (default 2023,2024)",
    )


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from chatmrpt.demo.generator import (
        check_out_dir,
        check_parameters,
        generate_state,
        write_state,
    )

    # refuse bad parameters before any work
    check_parameters(args.wards, args.seed, args.state)
    years = _years(args.years)
    out = check_out_dir(args.out)

    with tqdm(
        total=100,
        file=sys.stderr,
        disable=args.wards < PROGRESS_FROM_WARDS,
        bar_format="{desc:<28}{percentage:3.0f}%|{bar}| {elapsed}",
        leave=False,
    ) as bar:

        def advance(step: str, fraction: float) -> None:
            bar.set_description_str(step, refresh=False)
            bar.update(max(0, round(100 * fraction) - bar.n))

        demo = generate_state(
            args.wards,
            args.seed,
            args.state,
            progress=lambda step, done: advance(step, _GENERATE_SHARE * done),
        )
        paths = write_state(
            demo,
            out,
            facility_export=args.facility_export,
            years=years,
            progress=lambda step, done: advance(
                f"writing {step}", _GENERATE_SHARE + (1 - _GENERATE_SHARE) * done
            ),
        )

    state = demo.state
    n_wards = len(demo.wards)
    label = state.name if state.code == "FC" else f"{state.name} State"
    print(f"{label} ({state.code}), seed {demo.seed}: {n_wards:,} wards in {demo.n_lgas:,} LGAs")
    width = max(len(str(p)) for p in paths.values())
    for path in paths.values():
        print(f"  {str(path):<{width}}  {_size(path):>9}")
    if args.facility_export:
        covered = int(demo.facilities["ward_index"].nunique())
        note = "" if covered == n_wards else f" (facilities in {covered:,} of {n_wards:,} wards)"
        print(f"  {len(demo.facilities):,} health facilities, {12 * len(years)} months "
              f"({', '.join(map(str, years))}){note}")
    return 0


def _years(text: str) -> tuple[int, ...]:
    from chatmrpt.demo.facility import MAX_YEARS, check_years
    from chatmrpt.errors import InputError

    try:
        return check_years(int(part) for part in str(text).split(",") if part.strip())
    except ValueError as exc:
        raise InputError(
            "invalid_parameter",
            f"--years must be 1 to {MAX_YEARS} years separated by commas, e.g. 2021,2022,2023; "
            f"not {text!r}.", details={"parameter": "years"}) from exc


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover
