"""The ward dataset: what ingestion produces and every analysis step consumes."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chatmrpt.analysis.geoparquet import read_geoparquet
from chatmrpt.store.model import to_jsonable

# Canonical identity columns. Ingestion renames aliases (METHODOLOGY §1) to these names.
WARD_NAME = "WardName"
WARD_CODE = "WardCode"
LGA = "LGA"
LGA_CODE = "LGACode"
STATE = "State"
STATE_CODE = "StateCode"
IDENTITY_COLUMNS = (WARD_NAME, WARD_CODE, LGA, LGA_CODE, STATE, STATE_CODE)
GEOMETRY = "geometry"


@dataclass
class WardDataset:
    """One row per ward of the uploaded table, in the table's order.

    ``wards`` holds the canonical identity columns that were found, every other column of
    the table as read (numeric columns as floats), and — when boundaries were given — a
    ``geometry`` column in EPSG:4326 (a GeoDataFrame; ``None`` for wards the join could not
    match). ``sources`` records each input file's display name, sha256 and, for workbooks,
    the sheet used; the dataset id is derived from it, so the same files give the same id.
    """

    wards: pd.DataFrame
    sources: dict[str, dict[str, Any]]
    join_report: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    # attributes of the boundary layer that help detect the state (e.g. StateCode values)
    boundary_attributes: dict[str, list[str]] = field(default_factory=dict)
    # numeric columns that are identifiers or row numbers, never candidate variables
    excluded_columns: list[str] = field(default_factory=list)
    # population / urban share added for planning (population.py): role -> column, source
    planning: dict[str, Any] = field(default_factory=dict)
    # data quality findings on the table (quality.py)
    quality: list[dict[str, Any]] = field(default_factory=list)
    # the columns of the ward table as read, before the join and planning added any
    table_columns: list[str] = field(default_factory=list)

    @property
    def planning_columns(self) -> list[str]:
        """Columns added for planning; never ranking variables."""
        return [str(c) for c in self.planning.get("added_columns", [])]

    @property
    def has_boundaries(self) -> bool:
        return GEOMETRY in self.wards.columns

    @property
    def dataset_id(self) -> str:
        return dataset_id_from_sources(self.sources)

    def __len__(self) -> int:
        return len(self.wards)

    def table_frame(self) -> pd.DataFrame:
        """The ward table as read (its columns, rows in order), without what the join with
        the boundaries and the planning inputs added."""
        return pd.DataFrame(self.wards[self.table_columns])


# ---- the validated dataset, stored once at upload ---------------------------------------

_METADATA_KEY = b"chatmrpt.ward_dataset"
_METADATA_FIELDS = ("sources", "join_report", "warnings", "boundary_attributes",
                    "excluded_columns", "planning", "quality", "table_columns")


def ward_dataset_bytes(dataset: WardDataset) -> bytes:
    """The dataset as one (Geo)Parquet file: the ward frame, and everything else about it
    in the file's metadata, so reading it back needs no parse and no join."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    dataset.wards.to_parquet(buffer, index=True)
    buffer.seek(0)
    table = pq.read_table(buffer)
    meta = {f: to_jsonable(getattr(dataset, f)) for f in _METADATA_FIELDS}
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), _METADATA_KEY: json.dumps(meta).encode()}
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def ward_dataset_from_bytes(data: bytes) -> WardDataset:
    """The dataset written by :func:`ward_dataset_bytes`."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(io.BytesIO(data))
    meta = json.loads(schema.metadata[_METADATA_KEY])
    if b"geo" in schema.metadata:
        wards = read_geoparquet(io.BytesIO(data))
    else:
        wards = pd.read_parquet(io.BytesIO(data))
    return WardDataset(wards=wards, **meta)


def dataset_id_from_sources(sources: dict[str, dict[str, Any]]) -> str:
    """Content address of a dataset: hash of its files' hashes (and the sheet, if any)."""
    key = {
        role: {"sha256": src["sha256"], "sheet": src.get("sheet")}
        for role, src in sorted(sources.items())
    }
    blob = json.dumps(key, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
