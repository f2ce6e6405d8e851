"""``chatmrpt covariates``: exact ward statistics from rasters, optionally joined to a ward table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chatmrpt.analysis.declarations import BAND_MODES
from chatmrpt.artifacts.atomic import atomic_file
from chatmrpt.cli._options import BOUNDARIES_HELP, add_output, output_file
from chatmrpt.cli._progress import ProgressBar
from chatmrpt.config import load_settings
from chatmrpt.csvsafe import write_csv
from chatmrpt.errors import InputError

NAME = "covariates"
HELP = "ward statistics from rasters (rainfall, EVI, population...), exact per ward"
DESCRIPTION = """\
Summarise rasters per ward: one row per ward of BOUNDARIES (WardName, WardCode, LGA where
present) and one column per raster. Each pixel counts with the fraction of it inside the
ward; the wards are reprojected to each raster's coordinate system (the raster is never
resampled); no-data pixels are left out. Rasters are GeoTIFF/COG files (or anything GDAL
reads), local or s3://bucket/key (endpoint from AWS_ENDPOINT_URL), read a window at a time.

With --table WARDS the columns are added to that ward table instead, matched to the
boundaries like an upload (WardCode, then name and LGA, then name, then close spelling),
with the same join report.
"""
EPILOG = """\
Statistics (after the path, e.g. --raster pop=wp_2020.tif:sum):
  mean (default)  coverage-weighted mean, e.g. rainfall, EVI, elevation
  sum             sum of value x covered fraction, e.g. people from a population count raster
  min, max        over the pixels touching the ward
  median          coverage-weighted median
  majority        the value covering most of the ward (categorical layers)
  nodata_share    share (0-1) of the ward with no data (no-data pixels or outside the raster)
Multi-band files (e.g. 12 monthly bands): the statistic of each band averaged over the
bands, or with --bands each one column per band (NAME_b1, NAME_b2, ...).
A ward without any pixel with data gets an empty value, never 0; --nodata-share adds a
NAME_nodata_share column per raster.
"""


def register(p: argparse.ArgumentParser) -> None:
    p.add_argument("boundaries", type=Path, metavar="BOUNDARIES", help=BOUNDARIES_HELP)
    p.add_argument(
        "--raster",
        action="append",
        default=[],
        metavar="NAME=PATH[:STAT]",
        required=True,
        help="a raster to summarise into column NAME (repeatable); STAT defaults to mean",
    )
    p.add_argument(
        "--bands",
        choices=BAND_MODES,
        default="mean",
        help="multi-band rasters: mean over the bands (default) or one column per band",
    )
    p.add_argument("--table", type=Path, metavar="WARDS", help="ward table to add the columns to")
    p.add_argument("--sheet", help="worksheet of an XLSX ward table")
    p.add_argument(
        "--nodata-share",
        action="store_true",
        help="also write NAME_nodata_share (share of each ward without data) per raster",
    )
    add_output(p, "CSV to write", metavar="FILE", progress=True)


def parse_raster_option(text: str, bands: str = "mean"):
    """``NAME=PATH[:STAT]`` -> RasterSpec (PATH may itself hold ':' as in s3://...)."""
    from chatmrpt.analysis.zonal import STATS, RasterSpec

    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name or not rest.strip():
        raise InputError(
            "invalid_parameter",
            f"--raster {text!r} is not NAME=PATH[:STAT]; e.g. --raster rainfall=chirps.tif "
            "or --raster population=worldpop.tif:sum.",
            details={"raster": text},
        )
    path, stat = rest.strip(), "mean"
    head, colon, tail = path.rpartition(":")
    if colon and head and "/" not in tail and "\\" not in tail:
        if tail not in STATS:
            raise InputError(
                "invalid_parameter",
                f"Unknown statistic {tail!r} in --raster {text}; use one of "
                f"{', '.join(STATS)} (e.g. {name}={head}:mean).",
                details={"raster": text, "stat": tail, "accepted": list(STATS)},
            )
        path, stat = head, tail
    return RasterSpec(name=name, path_or_url=path, stat=stat, bands=bands)


def _write_csv(frame, path: Path) -> None:
    with atomic_file(path, "w", encoding="utf-8", newline="") as fh:
        write_csv(frame, fh)


def run(args: argparse.Namespace) -> int:
    from chatmrpt.analysis.zonal import (
        NODATA_SUFFIX,
        covariate_columns_report,
        refuse_taken_names,
        ward_raster_stats,
    )

    out = output_file(args.out, "covariates.csv")
    specs = [parse_raster_option(t, args.bands) for t in args.raster]
    inputs = [Path(args.boundaries)] + ([Path(args.table)] if args.table else [])
    inputs += [Path(str(s.path_or_url)) for s in specs if not str(s.path_or_url).startswith("s3://")]
    if any(out.resolve() == p.resolve() for p in inputs):
        raise InputError(
            "invalid_parameter", f"--out {out} would overwrite an input file; choose another name."
        )
    for spec in specs:
        p = str(spec.path_or_url)
        if not p.startswith("s3://") and not Path(p).is_file():
            raise InputError(
                "unreadable_raster",
                f"The raster {p} (--raster {spec.name}) does not exist; check the path.",
                details={"raster": p},
            )
    if not args.boundaries.is_file():
        raise InputError(
            "unreadable_boundaries",
            f"The boundaries file {args.boundaries} does not exist; check the path.",
            details={"file": str(args.boundaries)},
        )

    from chatmrpt.analysis.dataset import GEOMETRY, IDENTITY_COLUMNS
    from chatmrpt.analysis.ingest import load_dataset, read_boundaries

    notes: list[str] = []
    join_report = None
    if args.table is not None:
        if not args.table.is_file():
            raise InputError(
                "unreadable_table",
                f"The ward table {args.table} does not exist; check the path.",
                details={"file": str(args.table)},
            )
        dataset = load_dataset(args.table, args.boundaries, sheet=args.sheet)
        wards = dataset.wards
        join_report = dataset.join_report
        notes += dataset.warnings
        base = wards.drop(columns=[GEOMETRY])
    else:
        wards, _source, notes = read_boundaries(args.boundaries)
        base = wards[[c for c in IDENTITY_COLUMNS if c in wards.columns]]
    refuse_taken_names(specs, (*IDENTITY_COLUMNS, GEOMETRY),
                       "--raster {name}=...: {name} names a ward identity column; choose "
                       "another column name, e.g. rainfall.")

    settings = load_settings()
    with ProgressBar(enabled=not args.quiet, desc="covariates") as bar:
        stats = ward_raster_stats(
            wards,
            specs,
            progress=lambda f, s: bar.update(f, s),
            s3_endpoint_url=settings.s3_endpoint_url,
        )
    report = covariate_columns_report(stats, specs, wards)
    value_cols = [c for c in stats.columns if not c.endswith(NODATA_SUFFIX)]
    keep = list(stats.columns) if args.nodata_share else value_cols
    out_frame = base.copy()
    replaced = [c for c in keep if c in out_frame.columns]
    for col in keep:
        out_frame[col] = stats[col].to_numpy()
    if replaced:
        notes.append(f"The ward table already had column(s) {', '.join(replaced)}; replaced.")
    _write_csv(out_frame, out)
    if not args.quiet:
        print_summary(report, join_report, notes, out, len(out_frame))
    return 0


def print_summary(report, join_report, notes, out_path, rows) -> None:
    out = sys.stdout
    for r in report:
        print(f"{r['column']}: {r['stat']} of {r['raster']} for {r['with_value']} of "
              f"{r['wards']} wards.", file=out)
        for w in r["warnings"]:
            print(f"note: {w}", file=out)
    if join_report is not None:
        jr = join_report
        rules = ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in jr["rule_counts"].items() if v
        )
        print(
            f"Join: {jr['matched']} of {jr['table_rows']} wards of the ward table matched a "
            f"boundary feature (by {rules or 'nothing'}).",
            file=out,
        )
    for w in notes:
        print(f"note: {w}", file=out)
    print(f"Wrote: {out_path} ({rows} wards)", file=out)
