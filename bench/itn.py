"""Benchmark: an ITN plan and urban reprioritisation for 100,000 wards (target: under 2 s).

Builds a synthetic unified dataset (wards with population, urban share, composite and PCA
ranks, 700 LGAs), then times ``plan_itn`` for each strategy and ``reprioritize`` at the
four default thresholds, several runs each, and reports the medians. The stock is half the
total need, so every walk runs through most of the wards.

    .venv/bin/python bench/itn.py [--wards 100000] [--runs 5] [--record]

``--record`` appends the result to bench/RESULTS.md under "## ITN and reprioritisation".
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import numpy as np
import pandas as pd
from _common import machine, record

from chatmrpt.analysis.itn import plan_itn
from chatmrpt.analysis.urban import reprioritize

SECTION = "## ITN and reprioritisation"
TARGET_SECONDS = 2.0


def synthetic_wards(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "WardName": [f"Ward {i}" for i in range(n)],
            "WardCode": [f"XX{i:07d}" for i in range(n)],
            "LGA": [f"LGA {i}" for i in rng.integers(0, 700, n)],
            "composite_rank": rng.permutation(n) + 1,
            "pca_rank": rng.permutation(n) + 1,
            "Population": rng.lognormal(9.5, 0.8, n).round(),
            "urban_percentage": rng.beta(0.6, 1.2, n) * 100,
        }
    )



def timed(fn, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - t0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    wards = synthetic_wards(args.wards)
    need = plan_itn(wards, total_nets=1, household_size=5).totals["total_need"]
    nets = max(1, need // 2)
    print(f"{args.wards:,} wards, total need {need:,} nets, stock {nets:,}")

    medians: dict[str, float] = {}
    cases = {
        "plan stop": lambda: plan_itn(wards, total_nets=nets, household_size=5),
        "plan continue": lambda: plan_itn(
            wards, total_nets=nets, household_size=5, strategy="continue"
        ),
        "plan capped": lambda: plan_itn(
            wards,
            total_nets=nets,
            household_size=5,
            strategy="capped",
            max_ward_share=0.01,
            bale_size=50,
        ),  # fmt: skip
        "reprioritize": lambda: reprioritize(wards),
    }
    for name, fn in cases.items():
        timings = timed(fn, args.runs)
        medians[name] = statistics.median(timings)
        print(
            f"{name:<14} median {medians[name]:.3f} s "
            f"(min {min(timings):.3f}, max {max(timings):.3f}) over {args.runs} runs"
        )
    slowest = max(medians.values())
    verdict = "OK" if slowest < TARGET_SECONDS else "TOO SLOW"
    print(f"slowest median {slowest:.3f} s (target < {TARGET_SECONDS:g} s): {verdict}")

    if args.record:
        parts = ", ".join(f"{name} **{value:.3f} s**" for name, value in medians.items())
        line = (
            f"- {dt.date.today().isoformat()}: {args.wards:,} wards, median of {args.runs}: "
            f"{parts}; {machine()}; "
            f"`.venv/bin/python bench/itn.py --wards {args.wards} --runs {args.runs} --record`"
        )
        record(SECTION, line)



if __name__ == "__main__":
    main()
