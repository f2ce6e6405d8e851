"""Analysis benchmark: time per stage and peak memory, on demo states of several sizes.

    .venv/bin/python bench/analysis.py                       # the full matrix, 5 runs each
    .venv/bin/python bench/analysis.py --wards 10000 --variables 8 --runs 3
    .venv/bin/python bench/analysis.py --no-boundaries --variables 8 --wards 10000

Each run is a fresh process (so peak memory is that run's own), which loads the table and
boundaries, runs the analysis and writes every output file. Stage times come from the
analysis' own progress reports. Prints a Markdown table; ``--record`` appends it to
bench/RESULTS.md with the machine and date. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from _common import machine, record

HERE = Path(__file__).resolve().parent
CACHE = HERE / "out" / "demo"
VARIABLES = ["u5_tpr_rdt", "rainfall", "ndvi", "evi", "ndwi", "ndmi", "soil_wetness", "elevation",
             "distance_to_waterbodies", "housing_quality", "nighttime_lights", "urban_percentage"]
# the order in which variables are added: 5 = the North West default-like set
ORDER = ["u5_tpr_rdt", "rainfall", "ndwi", "housing_quality", "elevation", "soil_wetness",
         "distance_to_waterbodies", "nighttime_lights", "ndvi", "evi", "ndmi", "urban_percentage"]
SECTION = "## Analysis"
STAGES = ("load", "select+impute", "normalise", "composite", "pca", "write", "total")


def demo_folder(wards: int) -> Path:
    folder = CACHE / f"w{wards}"
    if not (folder / "wards.csv").exists():
        from chatmrpt.demo.generator import write_demo_data

        write_demo_data(folder, wards, seed=1, facility_export=False)
    return folder


def one_run(wards: int, k: int, boundaries: bool) -> dict:
    """Runs in a child process: one analysis, stage times and peak memory."""
    from chatmrpt.analysis.ingest import load_dataset
    from chatmrpt.analysis.outputs import write_analysis_outputs
    from chatmrpt.analysis.params import AnalysisParams
    from chatmrpt.analysis.pipeline import run_analysis

    folder = demo_folder(wards)
    params = AnalysisParams.from_dict({"variables": ORDER[:k]})
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    dataset = load_dataset(folder / "wards.csv",
                           folder / "wards_boundaries.zip" if boundaries else None)
    t_load = time.perf_counter()

    def progress(_fraction: float, stage: str) -> None:
        marks.setdefault(stage, time.perf_counter())
        marks[stage + ":last"] = time.perf_counter()

    result = run_analysis(dataset, params, progress=progress)
    t_run = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_analysis_outputs(result, Path(tmp) / "out")
    t_write = time.perf_counter()
    stages = {
        "load": t_load - t0,
        "select+impute": marks["impute:last"] - t_load,
        "normalise": marks["normalise:last"] - marks["impute:last"],
        "composite": marks["composite:last"] - marks["normalise:last"],
        "pca": marks["pca:last"] - marks["composite:last"],
        "write": t_write - t_run,
        "total": t_write - t0,
    }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stages": stages, "peak_mb": peak_mb, "models": len(result.models)}


def measure(wards: int, k: int, boundaries: bool, runs: int) -> dict:
    demo_folder(wards)  # generate outside the timed child
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(wards), str(k), str(int(boundaries))],
            check=True, capture_output=True, text=True,
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {s: statistics.median(x["stages"][s] for x in samples) for s in STAGES}
    return {"wards": wards, "k": k, "boundaries": boundaries, "models": samples[0]["models"],
            "median": med, "peak_mb": max(x["peak_mb"] for x in samples), "runs": runs}


def measure_cli(wards: int, k: int, boundaries: bool, runs: int) -> dict:
    """The whole ``chatmrpt analyze`` process (start-up and imports included)."""
    folder = demo_folder(wards)
    exe = Path(sys.executable).with_name("chatmrpt")
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [str(exe), "analyze", str(folder / "wards.csv"), "--variables",
                   ",".join(ORDER[:k]), "--out", str(Path(tmp) / "out"), "--quiet"]
            if boundaries:
                cmd += ["--boundaries", str(folder / "wards_boundaries.zip")]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return {"wards": wards, "k": k, "boundaries": boundaries, "median": statistics.median(times),
            "runs": runs}



def table(rows: list[dict]) -> str:
    head = ("| wards | boundaries | variables | models | " + " | ".join(STAGES)
            + " | peak MB |\n|" + "---|" * (len(STAGES) + 5))
    lines = [head]
    for r in rows:
        cells = [f"{r['wards']:,}", "yes" if r["boundaries"] else "no", str(r["k"]),
                 f"{r['models']:,}"] + [f"{r['median'][s]:.2f}" for s in STAGES]
        lines.append("| " + " | ".join(cells) + f" | {r['peak_mb']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        wards, k, boundaries = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
        print(json.dumps(one_run(wards, k, boundaries)))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wards", type=int, nargs="*", default=[1000, 10000, 100000])
    p.add_argument("--variables", type=int, nargs="*", default=[5, 8, 12])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-boundaries", action="store_true")
    p.add_argument("--record", action="store_true", help="append the table to bench/RESULTS.md")
    p.add_argument("--cli", action="store_true",
                   help="time the whole `chatmrpt analyze` process instead of the stages")
    args = p.parse_args()
    if args.cli:
        lines = ["| wards | boundaries | variables | whole process, s |", "|---|---|---|---|"]
        for wards in args.wards:
            for k in args.variables:
                r = measure_cli(wards, k, not args.no_boundaries, args.runs)
                lines.append(f"| {wards:,} | {'yes' if r['boundaries'] else 'no'} | {k} | "
                             f"{r['median']:.2f} |")
                print(lines[-1], flush=True)
        text = (f"\n### `chatmrpt analyze` as a whole process, {date.today().isoformat()} "
                f"({machine()}; median of {args.runs} runs)\n\n"
                f"`{' '.join(['bench/analysis.py'] + sys.argv[1:])}`\n\n" + "\n".join(lines) + "\n")
        print(text)
        if args.record:
            record(SECTION, text.strip("\n"))
        return
    rows = []
    for wards in args.wards:
        for k in args.variables:
            r = measure(wards, k, not args.no_boundaries, args.runs)
            rows.append(r)
            print(table([r]).splitlines()[-1], flush=True)
    text = (f"\n### Analysis, {date.today().isoformat()} ({machine()}; median of {args.runs} "
            f"runs, seconds)\n\n`{' '.join(['bench/analysis.py'] + sys.argv[1:])}`\n\n"
            + table(rows) + "\n")
    print(text)
    if args.record:
        record(SECTION, text.strip("\n"))


if __name__ == "__main__":
    main()
