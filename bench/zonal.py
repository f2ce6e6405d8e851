"""Benchmark: exact ward statistics for 10,000 wards over a 12,000 x 12,000 float32 raster.

Target: under 60 s and under 2 GB peak memory (``ward_raster_stats``, exactextract).
rasterstats (whole pixels whose centre lies in the ward, the original tool's method) is
measured on the same input in the same run, with the ratio of the two times.

The raster is a linear field, value = A*x + B*y (x, y in metres, UTM 32N, 100 m pixels:
1,200 km x 1,200 km, about the size of Nigeria), written as a tiled (512 x 512),
uncompressed GeoTIFF of 576 MB into ``--scratch``. The wards are the Voronoi cells of a
jittered 100 x 100 grid of points over the raster (convex polygons, their edges split every
500 m, about 100 vertices each), handed over in EPSG:4326 like real boundaries, so the
reprojection to the raster's CRS is part of the timing. Over a convex polygon the exact mean
of a linear field is the field at the polygon's centroid: both methods' errors against it
are reported.

Each method runs in its own process (for its own peak RSS, from getrusage), ``--runs``
times; the median is reported. The raster file is in the page cache after the first run.

    .venv/bin/python bench/zonal.py [--size 12000] [--wards 10000] [--runs 3]
                                    [--scratch DIR] [--record]

``--record`` appends the result to bench/RESULTS.md under "## Zonal statistics".
rasterstats is not a dependency of the project: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SECTION = "## Zonal statistics"
CRS = "EPSG:32632"
RES = 100.0
X0, Y0 = 200_000.0, 1_600_000.0  # upper-left corner
A, B = 0.001, 0.0005  # value = A*x + B*y


def write_raster(path: Path, size: int) -> None:
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    profile = dict(
        driver="GTiff", width=size, height=size, count=1, dtype="float32", crs=CRS,
        transform=from_origin(X0, Y0, RES, RES), nodata=-9999.0, tiled=True,
        blockxsize=512, blockysize=512, BIGTIFF="IF_SAFER",
    )
    xs = X0 + (np.arange(size) + 0.5) * RES
    with rasterio.open(path, "w", **profile) as dst:
        step = 512
        for row in range(0, size, step):
            n = min(step, size - row)
            ys = Y0 - (np.arange(row, row + n) + 0.5) * RES
            block = (A * xs[None, :] + B * ys[:, None]).astype("float32")
            dst.write(block, 1, window=Window(0, row, size, n))


def make_wards(path: Path, size: int, n_wards: int, seed: int = 5) -> None:
    import geopandas as gpd
    import shapely

    side = int(round(math.sqrt(n_wards)))
    extent = size * RES
    margin = 2 * RES
    rng = np.random.default_rng(seed)
    cell = (extent - 2 * margin) / side
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    px = X0 + margin + (gx.ravel() + 0.5 + rng.uniform(-0.35, 0.35, side * side)) * cell
    py = Y0 - extent + margin + (gy.ravel() + 0.5 + rng.uniform(-0.35, 0.35, side * side)) * cell
    frame_box = shapely.box(X0 + margin, Y0 - extent + margin, X0 + extent - margin, Y0 - margin)
    cells = shapely.voronoi_polygons(shapely.multipoints(np.c_[px, py]), extend_to=frame_box)
    polys = [shapely.intersection(c, frame_box) for c in shapely.get_parts(cells)]
    polys = shapely.segmentize(np.array(polys, dtype=object), 500.0)
    wards = gpd.GeoDataFrame(
        {"WardCode": [f"W{i:05d}" for i in range(len(polys))]}, geometry=polys, crs=CRS
    ).to_crs("EPSG:4326")
    wards.to_parquet(path)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(method: str, raster: str, wards_path: str, out: str) -> None:
    """One timed run in this process; writes {seconds, peak_rss_mb, values} to ``out``."""
    import geopandas as gpd

    wards = gpd.read_parquet(wards_path)
    base_rss = _peak_rss_mb()
    t0 = time.perf_counter()
    if method == "exactextract":
        from chatmrpt.analysis.zonal import RasterSpec, ward_raster_stats

        values = ward_raster_stats(wards, [RasterSpec("v", raster)])["v"].to_numpy()
    else:
        import rasterio
        from rasterstats import zonal_stats

        with rasterio.open(raster) as ds:
            crs = ds.crs
        projected = wards.to_crs(crs)  # rasterstats does not reproject
        stats = zonal_stats(projected.geometry, raster, stats=["mean"], nodata=-9999.0)
        values = np.array([s["mean"] if s["mean"] is not None else np.nan for s in stats])
    seconds = time.perf_counter() - t0
    Path(out).write_text(json.dumps({
        "seconds": seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": base_rss,
        "values": [None if not np.isfinite(v) else float(v) for v in values],
    }))


def run_child(method: str, raster: Path, wards: Path, scratch: Path) -> dict:
    out = scratch / f"{method}.json"
    subprocess.run(
        [sys.executable, __file__, "--child", method, str(raster), str(wards), str(out)],
        check=True,
    )
    return json.loads(out.read_text())


def analytic(wards_path: Path) -> np.ndarray:
    import geopandas as gpd

    projected = gpd.read_parquet(wards_path).to_crs(CRS)  # as the raster sees the wards
    c = projected.geometry.centroid
    return A * c.x.to_numpy() + B * c.y.to_numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=12_000)
    ap.add_argument("--wards", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scratch", type=Path, default=None)
    ap.add_argument("--skip-rasterstats", action="store_true")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return

    sys.path.insert(0, str(Path(__file__).parent))
    from _common import machine, record

    with tempfile.TemporaryDirectory(prefix="zonal-bench-", dir=args.scratch) as tmp:
        scratch = Path(tmp)
        raster, wards = scratch / "field.tif", scratch / "wards.parquet"
        t0 = time.perf_counter()
        write_raster(raster, args.size)
        make_wards(wards, args.size, args.wards)
        mb = os.path.getsize(raster) / 1e6
        print(f"raster {args.size} x {args.size} float32, {mb:.0f} MB; wards "
              f"{args.wards:,}; prepared in {time.perf_counter() - t0:.1f} s", flush=True)
        truth = analytic(wards)
        grad_px = math.hypot(A, B) * RES  # change of the field across one pixel
        methods = ["exactextract"] + ([] if args.skip_rasterstats else ["rasterstats"])
        runs: dict[str, list[dict]] = {m: [] for m in methods}
        for i in range(args.runs):
            for m in methods:
                r = run_child(m, raster, wards, scratch)
                runs[m].append(r)
                print(f"run {i + 1} {m}: {r['seconds']:.1f} s, peak RSS "
                      f"{r['peak_rss_mb']:.0f} MB", flush=True)
        summary = {}
        for m in methods:
            values = np.array([np.nan if v is None else v for v in runs[m][0]["values"]])
            err = np.abs(values - truth)
            summary[m] = {
                "median_s": statistics.median(r["seconds"] for r in runs[m]),
                "min_s": min(r["seconds"] for r in runs[m]),
                "max_s": max(r["seconds"] for r in runs[m]),
                "peak_mb": max(r["peak_rss_mb"] for r in runs[m]),
                "mean_err": float(np.nanmean(err)),
                "max_err": float(np.nanmax(err)),
                "missing": int(np.isnan(values).sum()),
            }
        for m, s in summary.items():
            print(f"{m}: median {s['median_s']:.1f} s (min {s['min_s']:.1f}, max "
                  f"{s['max_s']:.1f}), peak RSS {s['peak_mb']:.0f} MB, error vs analytic mean "
                  f"{s['mean_err']:.2e} / max {s['max_err']:.2e} (field change per pixel "
                  f"{grad_px:.3f}), wards without value {s['missing']}")
        ratio = None
        if "rasterstats" in summary:
            ratio = summary["rasterstats"]["median_s"] / summary["exactextract"]["median_s"]
            print(f"rasterstats / exactextract time: {ratio:.2f}")
    if args.record:
        e = summary["exactextract"]
        line = (
            f"- {dt.date.today().isoformat()}: {args.wards:,} wards (Voronoi, ~100 vertices, "
            f"given in EPSG:4326) over a {args.size:,} x {args.size:,} float32 raster "
            f"({mb:.0f} MB tiled GeoTIFF, UTM 32N, 100 m), mean per ward, median of "
            f"{args.runs}: `ward_raster_stats` (exactextract) **{e['median_s']:.1f} s** "
            f"(min {e['min_s']:.1f}, max {e['max_s']:.1f}), peak RSS **{e['peak_mb']:.0f} MB**, "
            f"error on the linear field mean {e['mean_err']:.1e} / max {e['max_err']:.1e}"
        )
        if ratio is not None:
            r = summary["rasterstats"]
            line += (
                f"; rasterstats {r['median_s']:.1f} s (min {r['min_s']:.1f}, max "
                f"{r['max_s']:.1f}), peak RSS {r['peak_mb']:.0f} MB, error mean "
                f"{r['mean_err']:.1e} / max {r['max_err']:.1e}; rasterstats / exactextract "
                f"time **{ratio:.2f}**"
            )
        line += (
            f" (field change across one pixel: {grad_px:.3f}); the machine was shared with "
            f"other jobs; {machine()}; `.venv/bin/python bench/zonal.py --size {args.size} "
            f"--wards {args.wards} --runs {args.runs}"
            f"{' --skip-rasterstats' if args.skip_rasterstats else ''} --record`"
        )
        record(SECTION, line)


if __name__ == "__main__":
    main()
