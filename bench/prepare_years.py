"""Benchmark: a ward table by year from a facility export spanning several years.

A demo state of ``--wards`` wards with a facility export over ``--years`` years (12 months
each) and its boundaries; ``prepare_ward_table(by_year=True)`` with the demo's ward table
as the population table: reading the export, TPR per ward and per ward and year, the
boundary join, burden per 1,000 per year and the trend per ward. Then each year's ward
table (``year_table``). Median of ``--runs``; the inputs are written once, outside the
timing.

    .venv/bin/python bench/prepare_years.py [--wards 5000] [--years 3] [--runs 3] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Ward table by year".
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, record  # noqa: E402

SECTION = "## Ward table by year"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wards", type=int, default=5000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)

    from chatmrpt.analysis.prepare import prepare_ward_table, year_table
    from chatmrpt.demo.generator import generate_state, write_state

    years = tuple(range(2024 - args.years + 1, 2025))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        demo = generate_state(args.wards, seed=11)
        paths = write_state(demo, folder, years=years)
        export = paths["facility_tpr"]
        with open(export, encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        times, split = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            prepared = prepare_ward_table(export, paths["boundaries"], population=paths["wards"],
                                          by_year=True)
            middle = time.perf_counter()
            for year in prepared.years:
                year_table(prepared, year)
            end = time.perf_counter()
            times.append(end - start)
            split.append(end - middle)
    counts = prepared.report["years"]["trend"]["counts"]
    line = (
        f"- {dt.date.today().isoformat()}: {args.wards:,} wards, {args.years} years "
        f"({rows:,} facility-month rows), prepare by year + every year's table, median of "
        f"{args.runs}: **{statistics.median(times):.2f} s** (min {min(times):.2f}, max "
        f"{max(times):.2f}; year tables {statistics.median(split):.2f} s); trend "
        f"{', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}; {machine()}; "
        f"`.venv/bin/python bench/prepare_years.py --wards {args.wards} --years {args.years} "
        f"--runs {args.runs} --record`"
    )
    print(line)
    if args.record:
        record(SECTION, line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
