"""Stored ward frame: what a job pays to get its wards, parsing the upload vs reading the frame.

    .venv/bin/python bench/stored_frame.py --wards 1000,10000 --runs 5 [--record]

For demo states of each size: ``load_dataset`` on the uploaded table and boundaries (what
an analysis job did before: parse, validate, join), ``ward_dataset_bytes`` (the extra cost
at upload: writing the validated frame as GeoParquet) and ``ward_dataset_from_bytes`` (what
a job does now). Median of ``--runs`` in one process. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import machine, record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chatmrpt.analysis.dataset import ward_dataset_bytes, ward_dataset_from_bytes  # noqa: E402
from chatmrpt.analysis.ingest import load_dataset  # noqa: E402
from chatmrpt.demo.generator import write_demo_data  # noqa: E402

SECTION = "## Stored ward frame"


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wards", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args()
    rows = ["| wards | parse + join (before, per job) s | write frame (at upload) s | "
            "read frame (now, per job) s | frame KB |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(w) for w in args.wards.split(",")):
            files = write_demo_data(Path(tmp) / f"w{n}", n, seed=1, facility_export=False)
            table, boundaries = files["wards"].read_bytes(), files["boundaries"].read_bytes()
            parse, ds = timed(lambda t=table, b=boundaries: load_dataset(
                t, b, table_name="wards.csv", boundaries_name="wards.zip"), args.runs)
            write, data = timed(lambda d=ds: ward_dataset_bytes(d), args.runs)
            read, _ = timed(lambda d=data: ward_dataset_from_bytes(d), args.runs)
            rows.append(f"| {n:,} | {parse:.3f} | {write:.3f} | {read:.3f} | "
                        f"{len(data) / 1024:,.0f} |")
            print(rows[-1], flush=True)
    text = "\n".join(rows)
    print(text)
    if args.record:
        record(SECTION, [f"- {date.today()}: median of {args.runs}; {machine()}; "
                         f"`.venv/bin/python bench/stored_frame.py --wards {args.wards} "
                         f"--runs {args.runs} --record`", "", *("  " + r for r in rows)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
