"""Benchmark: ward TPR from a 1,000,000-row DHIS2 facility export (target: under 30 s).

Builds a synthetic export (about 10,000 wards in 500 LGAs, 42,000 facilities, 24 months,
DHIS2 headers and org-unit decorations, 1 % blank cells) as a CSV in a temporary folder,
then times reading it and computing the ward TPR (``--by-year`` included) several times
and reports the median.

    .venv/bin/python bench/tpr.py [--rows 1000000] [--runs 5] [--record]

``--record`` appends the result to bench/RESULTS.md under "## TPR".
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, record

from chatmrpt.analysis.tpr import compute_ward_tpr, read_facility_export

SECTION = "## TPR"
GE = "\u2265"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
AGE_LABELS = {"u5": "<5yrs", "o5": f"{GE}5yrs (excl PW)", "pw": "Preg Women (PW)"}


def synthetic_export(n_rows: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = [f"{m} {y}" for y in (2023, 2024) for m in MONTHS]
    n_fac = max(1, n_rows // len(periods))
    n_wards = max(1, n_fac // 4)
    n_lgas = max(1, n_wards // 20)
    fac_ward = rng.integers(0, n_wards, n_fac)
    ward_lga = np.arange(n_wards) % n_lgas
    fac = np.arange(n_rows) % n_fac
    month = np.arange(n_rows) // n_fac % len(periods)
    ward = fac_ward[fac]
    lga_names = np.array([f"kn LGA {i} Local Government Area" for i in range(n_lgas)], dtype=object)
    # ward names repeat across LGAs, as in real states
    ward_names = np.array([f"kn Ward {i % 2000} Ward" for i in range(n_wards)], dtype=object)
    fac_names = np.array([f"kn Facility {i} PHC" for i in range(n_fac)], dtype=object)
    levels = np.array(["Primary", "Secondary", "Tertiary"], dtype=object)[
        rng.choice(3, n_fac, p=[0.85, 0.13, 0.02])
    ]
    frame = {
        "orgunitlevel1": np.full(n_rows, "ng Federal Government", dtype=object),
        "orgunitlevel2": np.full(n_rows, "kn Kano State", dtype=object),
        "orgunitlevel3": lga_names[ward_lga[ward]],
        "orgunitlevel4": ward_names[ward],
        "organisationunitname": fac_names[fac],
        "FacilityLevel": levels[fac],
        "periodname": np.array(periods, dtype=object)[month],
    }
    rate = rng.uniform(0.1, 0.7, n_wards)[ward]
    for method, label, conj in (("rdt", "RDT", "&"), ("microscopy", "Microscopy", "and")):
        for age_label in AGE_LABELS.values():
            tested = rng.poisson(30 if method == "rdt" else 6, n_rows).astype(float)
            positive = rng.binomial(tested.astype(np.int64), rate).astype(float)
            tested[rng.random(n_rows) < 0.01] = np.nan
            positive[rng.random(n_rows) < 0.01] = np.nan
            frame[f"Persons presenting with fever {conj} tested by {label} {age_label}"] = tested
            frame[f"Persons tested positive for malaria by {label} {age_label}"] = positive
    return pd.DataFrame(frame)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facility_export.csv"
        t0 = time.perf_counter()
        export = synthetic_export(args.rows)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("Malaria testing, synthetic export\n\n")  # title rows, as in pivot exports
            export.to_csv(fh, index=False)
        size_mb = path.stat().st_size / 1e6
        print(f"built {len(export):,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        del export

        timings = []
        for run in range(args.runs):
            t0 = time.perf_counter()
            frame, info = read_facility_export(path)
            t_read = time.perf_counter() - t0
            result = compute_ward_tpr(frame, age="all", by_year=True, name=info["file"])
            total = time.perf_counter() - t0
            timings.append(total)
            print(
                f"run {run + 1}: read {t_read:.2f} s, total {total:.2f} s, "
                f"{len(result.wards):,} wards, {len(result.by_year):,} ward-years"
            )
            del frame, result

    median = statistics.median(timings)
    verdict = "OK" if median < 30 else "TOO SLOW"
    print(f"median {median:.2f} s over {args.runs} runs (target < 30 s): {verdict}")
    if args.record:
        line = (
            f"- {dt.date.today().isoformat()}: {args.rows:,} rows ({size_mb:.0f} MB CSV), read + "
            f"compute (age all, by year), median of {args.runs}: **{median:.2f} s** "
            f"(min {min(timings):.2f}, max {max(timings):.2f}); {machine()}; "
            f"`.venv/bin/python bench/tpr.py --rows {args.rows} --runs {args.runs} --record`"
        )
        record(SECTION, line)



if __name__ == "__main__":
    main()
