"""Reading GeoParquet files this project wrote (ward frames with their geometry)."""

from __future__ import annotations

import functools
import json
import os
from typing import IO, Any

import numpy as np
import pandas as pd


def read_geoparquet(source: str | os.PathLike | IO[bytes]) -> pd.DataFrame:
    """``geopandas.read_parquet(source)`` (a path or a binary file), with the CRS of the
    geometry built once per process.

    Building a CRS from a file's PROJJSON costs PROJ about 10 ms, twice per read: more
    than reading a few hundred wards, and every map, table and download of an analysis
    reads the same one. Files of another shape than this project writes go to geopandas
    as they are.
    """
    import geopandas as gpd
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    geo = json.loads((table.schema.metadata or {})[b"geo"])
    columns = geo.get("columns") or {}
    present = [c for c in columns if c in table.column_names]
    primary = geo.get("primary_column")
    if (
        primary not in present
        or any(columns[c].get("encoding") != "WKB" for c in present)
        or b"PANDAS_ATTRS" in (table.schema.metadata or {})
    ):
        if hasattr(source, "seek"):
            source.seek(0)
        return gpd.read_parquet(source)
    names = list(table.slice(0, 0).to_pandas().columns)
    frame = table.drop(present).to_pandas()
    for name in sorted(present, key=names.index):
        # per GeoParquet, no "crs" means OGC:CRS84 and null means none
        crs = columns[name].get("crs", "OGC:CRS84")
        shapes = gpd.GeoSeries.from_wkb(
            np.asarray(table[name]),
            index=frame.index,
            crs=None if crs is None else _crs(json.dumps(crs, sort_keys=True)),
        )
        frame.insert(names.index(name), name, shapes)
    return gpd.GeoDataFrame(frame, geometry=primary)


@functools.lru_cache(maxsize=32)
def _crs(text: str) -> Any:
    """The CRS of a GeoParquet column's metadata (JSON text); immutable, so shared."""
    from pyproj import CRS

    value = json.loads(text)
    if isinstance(value, dict):
        _drop_ensemble_member_ids(value)
    return CRS.from_user_input(value)


def _drop_ensemble_member_ids(projjson: dict[str, Any]) -> None:
    """As geopandas does: the ids of datum ensemble members that a newer PROJ database
    added are unknown to an older PROJ, which would refuse the whole CRS."""
    for key, value in projjson.items():
        if isinstance(value, dict):
            _drop_ensemble_member_ids(value)
        elif key == "members" and isinstance(value, list):
            for member in value:
                if isinstance(member, dict):
                    member.pop("id", None)
