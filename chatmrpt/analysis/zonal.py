"""Exact ward statistics from rasters (zonal statistics).

Every statistic weights each pixel by the fraction of it that lies inside the ward
(exactextract), so a ward half-covering a pixel counts half of it. The wards are reprojected
to each raster's coordinate reference system; the raster itself is never resampled. Pixels
equal to the raster's no-data value (or NaN in a float raster) are left out, and the share of
each ward's area that has no data - no-data pixels, or the part of the ward outside the
raster - is reported next to the value.

Rasters are read a window at a time (one ward's bounding box, in pieces of at most
``MAX_CELLS_IN_MEMORY`` cells for very large wards), wards in Hilbert-curve order so that
neighbours share cached blocks, with GDAL's block cache capped (``GDAL_CACHE_MB``), so a
GeoTIFF or COG far larger than memory can be summarised in bounded memory. Paths may be local files or ``s3://bucket/key`` URLs (read through
GDAL's /vsis3/ in ranges, never downloaded whole); ``s3_endpoint_url`` points GDAL at an
S3-compatible server.

This module is pure: it reads the rasters it is given and nothing else.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd
from shapely import box, intersects

from chatmrpt.analysis.declarations import BAND_MODES, RASTER_STATS
from chatmrpt.errors import InputError, describe_rows

if TYPE_CHECKING:  # imported when rasters are summarised, not when this module loads
    import geopandas as gpd

STATS = RASTER_STATS
NODATA_SUFFIX = "_nodata_share"
# Upper bound of raster cells exactextract holds for one ward at once (float64 values and
# coverage fractions: about 16 bytes a cell, so ~160 MB); larger wards are read in pieces.
MAX_CELLS_IN_MEMORY = 10_000_000
# GDAL's block cache, in MB, unless GDAL_CACHEMAX is set for the process: GDAL's own default
# (5% of RAM) would let a large raster fill gigabytes of cache on a big machine.
GDAL_CACHE_MB = 256

Progress = Callable[[float, str], Any]


@dataclass(frozen=True)
class RasterSpec:
    """One raster to summarise per ward.

    ``name``: the output column (``name`` or, with ``bands="each"``, ``name_b1``,
    ``name_b2``, ...). ``path_or_url``: a local GeoTIFF/COG (or anything GDAL reads) or an
    ``s3://bucket/key`` URL. ``stat``: one of ``STATS``. ``bands``: for multi-band files,
    ``"mean"`` (the statistic of each band, averaged over the bands - e.g. the mean of 12
    monthly rainfall bands) or ``"each"`` (one column per band). ``majority`` of a
    multi-band file needs ``bands="each"`` (categories cannot be averaged).
    """

    name: str
    path_or_url: str | os.PathLike
    stat: str = "mean"
    bands: str = "mean"

    def __post_init__(self) -> None:
        if not str(self.name).strip():
            raise InputError("invalid_parameter", "A raster needs a name (the column to write).")
        if self.stat not in STATS:
            raise InputError(
                "invalid_parameter",
                f"Unknown statistic {self.stat!r} for raster {self.name}; use one of "
                f"{', '.join(STATS)}.",
                details={"raster": self.name, "stat": self.stat, "accepted": list(STATS)},
            )
        if self.bands not in BAND_MODES:
            raise InputError(
                "invalid_parameter",
                f"bands must be 'mean' or 'each' for raster {self.name}, not {self.bands!r}.",
                details={"raster": self.name, "bands": self.bands},
            )


def _display(path_or_url: str | os.PathLike) -> str:
    text = str(path_or_url)
    return text if text.startswith("s3://") else Path(text).name


def _gdal_s3_options(endpoint_url: str | None) -> dict[str, str]:
    """GDAL configuration for /vsis3/ against an S3-compatible endpoint."""
    opts = {"GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
    if endpoint_url:
        parsed = urlparse(endpoint_url)
        opts["AWS_S3_ENDPOINT"] = parsed.netloc + parsed.path.rstrip("/")
        opts["AWS_HTTPS"] = "YES" if parsed.scheme == "https" else "NO"
        opts["AWS_VIRTUAL_HOSTING"] = "FALSE"
    return opts


@contextlib.contextmanager
def open_raster(path_or_url: str | os.PathLike, *, s3_endpoint_url: str | None = None) -> Iterator:
    """A rasterio dataset for a local path or an ``s3://`` URL, with a clear error if unreadable."""
    import rasterio
    from rasterio.errors import RasterioIOError

    text = str(path_or_url)
    display = _display(text)
    env: dict[str, Any] = {}
    if "GDAL_CACHEMAX" not in os.environ:
        env["GDAL_CACHEMAX"] = GDAL_CACHE_MB * 1024 * 1024  # an int is taken as bytes
    target = text
    if text.startswith("s3://"):
        env.update(_gdal_s3_options(s3_endpoint_url))
        target = "/vsis3/" + text[len("s3://") :]
    elif not Path(text).exists():
        raise InputError(
            "unreadable_raster",
            f"The raster {text} does not exist; check the path.",
            details={"raster": text},
        )
    with rasterio.Env(**env):
        try:
            ds = rasterio.open(target)
        except RasterioIOError as exc:
            msg = str(exc)
            if text.startswith("s3://"):
                reason = f"could not be read from the bucket ({msg})"
            else:
                reason = "is not a raster GDAL can read (GeoTIFF, COG, ...)"
            raise InputError(
                "unreadable_raster",
                f"The raster {display} {reason}.",
                details={"raster": text},
            ) from exc
        with ds:
            if ds.count < 1 or ds.width < 1 or ds.height < 1:
                raise InputError(
                    "unreadable_raster",
                    f"{display} has no raster bands; is it a raster file?",
                    details={"raster": text},
                )
            yield ds


def _raster_info(ds, spec: RasterSpec) -> dict[str, Any]:
    display = _display(spec.path_or_url)
    if ds.crs is None:
        raise InputError(
            "unreadable_raster",
            f"The raster {display} has no coordinate reference system, so it cannot be laid "
            "over the ward boundaries. Assign one (e.g. gdal_edit.py -a_srs EPSG:4326).",
            details={"raster": str(spec.path_or_url)},
        )
    gt = ds.transform
    if gt.b != 0 or gt.d != 0:
        raise InputError(
            "unreadable_raster",
            f"The raster {display} is rotated; warp it to a north-up grid first.",
            details={"raster": str(spec.path_or_url)},
        )
    if ds.count > 1 and spec.bands == "mean" and spec.stat == "majority":
        raise InputError(
            "invalid_parameter",
            f"{display} has {ds.count} bands; the majority of categorical bands cannot be "
            "averaged. Summarise each band separately (bands='each').",
            details={"raster": str(spec.path_or_url), "bands": ds.count},
        )
    return {"crs": ds.crs, "bounds": ds.bounds, "res": (abs(gt.a), abs(gt.e)), "count": ds.count}


def _columns_for(spec: RasterSpec, bands: int) -> list[str]:
    if spec.bands == "each" and bands > 1:
        return [f"{spec.name}_b{b}" for b in range(1, bands + 1)]
    return [spec.name]


def refuse_taken_names(specs: Sequence[RasterSpec], taken: Iterable[str], message: str) -> None:
    """Refuse the first raster whose column name is one of ``taken`` (in any case).

    ``message`` says why, with ``{name}`` standing for the raster's name.
    """
    lowered = {str(c).lower() for c in taken}
    clash = next((spec.name for spec in specs if spec.name.lower() in lowered), None)
    if clash is not None:
        raise InputError("invalid_parameter", message.format(name=clash),
                         details={"raster": clash})


def output_columns(spec: RasterSpec, bands: int = 1) -> list[str]:
    """The value columns ``ward_raster_stats`` writes for ``spec`` (without the no-data share)."""
    return _columns_for(spec, bands)


def _summarise_one(
    wards: gpd.GeoDataFrame,
    spec: RasterSpec,
    *,
    s3_endpoint_url: str | None,
    progress: Callable[[float], None] | None,
) -> pd.DataFrame:
    from exactextract import exact_extract
    from exactextract.operation import Operation
    from exactextract.raster import RasterioRasterSource

    display = _display(spec.path_or_url)
    n = len(wards)
    with open_raster(spec.path_or_url, s3_endpoint_url=s3_endpoint_url) as ds:
        info = _raster_info(ds, spec)
        columns = _columns_for(spec, info["count"])
        frame = wards[[wards.geometry.name]].copy()
        if frame.crs is None:
            frame = frame.set_crs("EPSG:4326")
        frame = frame.to_crs(info["crs"])
        geoms = frame.geometry.to_numpy()
        valid = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
        left, bottom, right, top = info["bounds"]
        overlaps = np.zeros(n, dtype=bool)
        overlaps[valid] = intersects(geoms[valid], box(left, bottom, right, top))
        if not overlaps.any():
            wb = frame.total_bounds if valid.any() else [math.nan] * 4
            raise InputError(
                "invalid_parameter",
                f"No ward overlaps the raster {display} (raster extent {left:.6g}, "
                f"{bottom:.6g} to {right:.6g}, {top:.6g}; wards {wb[0]:.6g}, {wb[1]:.6g} to "
                f"{wb[2]:.6g}, {wb[3]:.6g}, in the raster's coordinates). Check that the "
                "raster covers the same area as the boundaries.",
                details={"raster": str(spec.path_or_url)},
            )
        import geopandas as gpd

        pos = np.flatnonzero(overlaps)
        sub = gpd.GeoDataFrame({"_pos": pos}, geometry=geoms[pos], crs=frame.crs)
        # neighbouring wards one after the other: the raster blocks they share stay cached
        order = np.argsort(sub.geometry.hilbert_distance(), kind="stable")
        sub = sub.iloc[order].reset_index(drop=True)

        stat = "count" if spec.stat == "nodata_share" else spec.stat
        sources, ops = [], []
        for b in range(1, info["count"] + 1):
            # distinct names: exactextract keys sources by name (unnamed bands read as band 1)
            src = RasterioRasterSource(ds, b, name=f"b{b}")
            sources.append(src)
            # Operation objects, not "v1=mean(b1)" strings (those crash exactextract 0.3)
            ops.append(Operation(stat, f"v{b}", src))
            ops.append(Operation("count", f"c{b}", src))

        def report(frac, _message=None):
            if progress is not None:
                progress(float(frac))

        result = exact_extract(
            sources,
            sub,
            ops,
            include_cols=["_pos"],
            output="pandas",
            max_cells_in_memory=MAX_CELLS_IN_MEMORY,
            progress=report if progress is not None else False,
        )
        cell_area = info["res"][0] * info["res"][1]

    result = result.set_index("_pos")
    area_cells = pd.Series(sub.geometry.area.to_numpy() / cell_area, index=sub["_pos"].to_numpy())
    values = np.full((n, info["count"]), np.nan)
    shares = np.ones((n, info["count"]))
    idx = result.index.to_numpy()
    for b in range(1, info["count"] + 1):
        counted = result[f"c{b}"].to_numpy(dtype=float)
        total = area_cells.reindex(idx).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, 1.0 - counted / total, 1.0)
        share = np.clip(share, 0.0, 1.0)
        # coverage fractions and polygon areas agree to ~1e-9; do not report rounding as gaps
        share[share < 1e-7] = 0.0
        shares[idx, b - 1] = share
        vals = result[f"v{b}"].to_numpy(dtype=float)
        # a ward with no valid pixel has no value (never a sum of 0 people)
        vals = share if spec.stat == "nodata_share" else np.where(counted > 0, vals, np.nan)
        values[idx, b - 1] = vals

    out = pd.DataFrame(index=range(n))
    if spec.bands == "each" and info["count"] > 1:
        for b, col in enumerate(columns):
            out[col] = values[:, b]
    else:
        if info["count"] == 1:
            out[columns[0]] = values[:, 0]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN wards stay NaN
                out[columns[0]] = np.nanmean(values, axis=1)
    out[spec.name + NODATA_SUFFIX] = shares.mean(axis=1)
    return out


def ward_raster_stats(
    wards: gpd.GeoDataFrame,
    rasters: Sequence[RasterSpec],
    *,
    progress: Progress | None = None,
    s3_endpoint_url: str | None = None,
) -> pd.DataFrame:
    """Exact zonal statistics of each raster for each ward.

    ``wards``: a GeoDataFrame of ward polygons in any CRS (EPSG:4326 assumed when it has
    none); rows whose geometry is missing or empty get no value. ``rasters``: the
    ``RasterSpec`` list. ``progress(fraction, message)`` is called now and then with the
    overall fraction done (0-1). ``s3_endpoint_url``: an S3-compatible endpoint for
    ``s3://`` rasters (``settings.s3_endpoint_url``); credentials come from the usual
    ``AWS_*`` environment.

    Returns a DataFrame with one row per ward, in the input order, indexed like ``wards``.
    For each raster it has the value column(s) - ``name``, or ``name_b1`` ... with
    ``bands="each"`` on a multi-band file - and ``name_nodata_share``: the share (0-1) of
    the ward's area with no data (no-data pixels or outside the raster; averaged over bands
    for multi-band files). Values are:

    - ``mean``, ``median``: pixel values weighted by the fraction of each pixel inside the
      ward (the median is the coverage-weighted median);
    - ``sum``: sum of value x covered fraction, e.g. people in the ward from a population
      count raster (only the pixels with data: check ``name_nodata_share``);
    - ``min``, ``max``: over the pixels touching the ward;
    - ``majority``: the value covering the largest part of the ward (categorical layers);
    - ``nodata_share``: the value column is the no-data share itself.

    A ward without any pixel with data gets NaN (never 0). Multi-band files with
    ``bands="mean"`` give the statistic of each band averaged over the bands that have a
    value. The ward polygons are reprojected to the raster's CRS; the raster is not resampled.

    Raises ``InputError`` (``unreadable_raster``, ``invalid_parameter``) for a missing or
    unreadable file, a raster without a CRS, or a raster no ward overlaps.
    """
    import geopandas as gpd

    if not isinstance(wards, gpd.GeoDataFrame):
        raise TypeError("wards must be a GeoDataFrame")
    rasters = list(rasters)
    names: list[str] = []
    for spec in rasters:
        if not isinstance(spec, RasterSpec):
            raise TypeError("rasters must be RasterSpec objects")
        names.append(spec.name)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(
            "invalid_parameter",
            f"Two rasters have the same name {describe_rows(dupes)}; give each its own name.",
            details={"names": dupes},
        )
    parts = []
    total = max(1, len(rasters))
    for i, spec in enumerate(rasters):
        message = f"{spec.name} ({i + 1} of {len(rasters)})"
        if progress is not None:
            progress(i / total, message)

        def step(frac, i=i, message=message):
            progress((i + min(max(frac, 0.0), 1.0)) / total, message)

        part = _summarise_one(
            wards,
            spec,
            s3_endpoint_url=s3_endpoint_url,
            progress=step if progress is not None else None,
        )
        parts.append(part)
    if progress is not None:
        progress(1.0, "done")
    out = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(len(wards)))
    clash = [c for c in out.columns if list(out.columns).count(c) > 1]
    if clash:
        raise InputError(
            "invalid_parameter",
            f"Raster names give the same column twice ({describe_rows(sorted(set(clash)))}); "
            "rename one of the rasters.",
        )
    out.index = wards.index
    return out


def _ward_label(wards: pd.DataFrame, pos: int) -> str:
    for col in ("WardName", "WardCode"):
        if col in wards.columns:
            value = wards[col].iloc[pos]
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                return str(value)
    return f"#{pos + 1}"


def covariate_columns_report(
    stats: pd.DataFrame, rasters: Sequence[RasterSpec], wards: pd.DataFrame
) -> list[dict[str, Any]]:
    """Per value column of ``ward_raster_stats``: how many wards got a value, and warnings.

    Each entry: ``name`` (the RasterSpec's), ``column``, ``raster`` (file name or URL), ``stat``, ``wards``,
    ``with_value``, ``partial`` (wards with some area without data), ``warnings`` (plain
    sentences naming the wards without a value or with more than 10% of their area without
    data).
    """
    out = []
    n = len(stats)
    for spec in rasters:
        share = stats[spec.name + NODATA_SUFFIX].to_numpy(dtype=float)
        cols = [c for c in stats.columns if c == spec.name or (
            spec.bands == "each" and c.startswith(spec.name + "_b") and c[len(spec.name) + 2 :].isdigit()
        )]
        for col in cols:
            values = stats[col].to_numpy(dtype=float)
            missing = np.flatnonzero(np.isnan(values))
            partial = np.flatnonzero((share > 0.10) & ~np.isnan(values))
            warnings_: list[str] = []
            if len(missing):
                labels = [_ward_label(wards, int(p)) for p in missing]
                warnings_.append(
                    f"{len(missing)} of {n} wards have no {col} value (no data in "
                    f"{_display(spec.path_or_url)} over them, or no shape): "
                    f"{describe_rows(labels)}."
                )
            if len(partial):
                labels = [f"{_ward_label(wards, int(p))} ({share[p]:.0%})" for p in partial]
                what = "the sum covers only the part with data" if spec.stat == "sum" else (
                    "the value describes only the part with data"
                )
                warnings_.append(
                    f"{len(partial)} ward(s) have more than 10% of their area without data in "
                    f"{_display(spec.path_or_url)} ({what}): {describe_rows(labels)}."
                )
            out.append({
                "name": spec.name,
                "column": col,
                "raster": str(spec.path_or_url),
                "stat": spec.stat,
                "wards": n,
                "with_value": int(n - len(missing)),
                "partial": int(len(partial)),
                "warnings": warnings_,
            })
    return out
