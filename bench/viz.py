"""Benchmark: ward boundaries for the browser, map figures, PNG maps and the HTML report.

Builds synthetic states (Voronoi wards in a state-sized box with wiggly shared borders, run
through the real analysis), then for each size times ``simplify_for_web`` (300 KB budget,
and 3 MB for the large state), ``map_figure`` (composite and category), ``map_png`` and,
for the first size, ``render_report``; it reports medians and the bytes each produces.

    .venv/bin/python bench/viz.py [--wards 500,10000] [--runs 3] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Maps and report".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

import numpy as np
import shapely
from _common import machine, record

from chatmrpt.analysis.itn import plan_itn
from chatmrpt.viz.geojson import geojson_bytes, simplify_for_web
from chatmrpt.viz.maps import map_figure
from chatmrpt.viz.png import map_png
from chatmrpt.viz.report import render_report
from chatmrpt.viz.synthetic import synthetic_analysis

SECTION = "## Maps and report"



def timed(fn, runs: int):
    timings, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), value


def kb(n: int) -> str:
    return f"{n / 1000:,.0f} KB"


def bench_size(n: int, runs: int, report: bool) -> list[str]:
    # large states have smaller wards with fewer surveyed vertices each
    result = synthetic_analysis(n, seed=1, vertices_per_edge=40 if n <= 2000 else 12)
    wards = result.wards
    vertices = int(shapely.get_num_coordinates(np.asarray(wards.geometry.values)).sum())
    raw = len(json.dumps(wards[["WardName", "geometry"]].__geo_interface__, separators=(",", ":")))
    print(f"{len(wards):,} wards, {vertices:,} vertices, unsimplified GeoJSON {kb(raw)}")
    parts = [f"{len(wards):,} wards ({vertices:,} vertices, raw GeoJSON {kb(raw)})"]

    budgets = [300_000] + ([3_000_000] if n > 2000 else [])
    for budget in budgets:
        seconds, collection = timed(lambda b=budget: simplify_for_web(wards, max_bytes=b), runs)
        meta = collection["simplification"]
        size = len(geojson_bytes(collection))
        fits = "fits" if meta["within_budget"] else "over budget"
        print(
            f"  simplify_for_web(max {kb(budget)}): {seconds:.2f} s -> {kb(size)} ({fits}, "
            f"{meta['method']}, tolerance {meta['tolerance']:g})"
        )
        parts.append(f"simplify to {kb(budget)} **{seconds:.2f} s** -> {kb(size)} ({fits})")

    for kind in ("composite", "category"):
        seconds, spec = timed(lambda k=kind: map_figure(wards, k), runs)
        size = len(json.dumps(spec, separators=(",", ":")))
        print(f"  map_figure({kind}): {seconds:.3f} s, {kb(size)} of JSON without shapes")
        parts.append(f"map_figure {kind} **{seconds:.2f} s** ({kb(size)})")

    for kind in ("composite", "category"):
        seconds, image = timed(lambda k=kind: map_png(wards, k), runs)
        print(f"  map_png({kind}): {seconds:.2f} s, {kb(len(image))}")
        parts.append(f"map_png {kind} **{seconds:.2f} s** ({kb(len(image))})")

    if report:
        plan = plan_itn(wards, total_nets=int(wards["Population"].sum() / 4), household_size=5)
        order = np.argsort(wards["composite_rank"].to_numpy())[:20]
        scores = result.model_scores(order)
        seconds, html = timed(
            lambda: render_report(wards, result.metadata, plan=plan, model_scores=scores), 1
        )
        print(f"  render_report (with ITN plan): {seconds:.2f} s, {kb(len(html))}")
        parts.append(f"render_report with plan **{seconds:.2f} s** ({kb(len(html))})")
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wards", default="500,10000", help="comma-separated ward counts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.wards.split(",") if s.strip()]
    lines = []
    for i, n in enumerate(sizes):
        lines.append("; ".join(bench_size(n, args.runs, report=i == 0)))
    if args.record:
        command = (
            f"`.venv/bin/python bench/viz.py --wards {args.wards} --runs {args.runs} --record`"
        )
        for text in lines:
            record(
                f"- {dt.date.today().isoformat()}: {text}; median of {args.runs}; "
                f"{machine()}; {command}"
            )



if __name__ == "__main__":
    main()
