"""Writing an analysis to a folder, atomically (CONTRACT: analysis outputs)."""

from __future__ import annotations

import csv
import functools
import json
import math
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chatmrpt.analysis.dataset import GEOMETRY, WARD_CODE, WARD_NAME
from chatmrpt.analysis.filenames import (
    ANALYSIS_JSON,
    MODEL_SCORES,
    MODELS_CSV,
    UNIFIED_CSV,
    UNIFIED_PARQUET,
)
from chatmrpt.artifacts import MEDIA_TYPES as MEDIA_TYPES  # the types of our outputs
from chatmrpt.artifacts.atomic import publish, staging_folder
from chatmrpt.csvsafe import safe_frame, write_csv
from chatmrpt.errors import InputError


def to_jsonable(obj: Any) -> Any:
    """Plain JSON types: numpy scalars unwrapped, NaN and infinities as null."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_unified_csv(wards: pd.DataFrame, path: Path) -> None:
    frame = wards.drop(columns=[GEOMETRY], errors="ignore")
    columns = _csv_columns(safe_frame(frame))
    if columns is None:  # a column kind whose text only pandas knows: let pandas write it
        write_csv(frame, path)
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        # the writer pandas' to_csv uses, with its settings, given the values as Python
        # objects: the same bytes in about two thirds of the time
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns.keys())
        n = len(frame)
        # the float columns' text is made a block of rows at a time: one string per cell
        # for the whole table would take more memory than the table itself
        for start in range(0, n, CSV_BLOCK_ROWS):
            stop = min(start + CSV_BLOCK_ROWS, n)
            cells = [_float_cells(values[start:stop]) if isinstance(values, np.ndarray)
                     else values[start:stop] for values in columns.values()]
            writer.writerows(zip(*cells, strict=True))


# rows of the unified CSV whose float cells are made at once
CSV_BLOCK_ROWS = 10_000


def _csv_columns(frame: pd.DataFrame) -> dict[Any, list | np.ndarray] | None:
    """Each column as the Python values ``to_csv`` writes (missing as None), a float64
    column as its array of values, or None.

    pandas writes a float64 as NumPy's shortest round-trip text, which is Python's
    ``repr`` of the same float, and every other kind handled here as ``str`` of the value;
    missing values as an empty cell. Dates, categories and other kinds pandas formats
    its own way give None (the caller then uses ``to_csv``).
    """
    if not frame.columns.is_unique:
        return None
    out: dict[Any, list] = {}
    for name in frame.columns:
        series = frame[name]
        dtype = series.dtype
        if dtype == np.float64:
            out[name] = series.to_numpy()  # its text is made when written (_float_cells)
        elif isinstance(dtype, np.dtype) and dtype.kind in "biu":
            out[name] = series.to_numpy().tolist()
        elif isinstance(dtype, np.dtype) and dtype.kind == "O":
            cells = series.to_numpy(dtype=object, na_value=None)
            # all text (pandas' own check, without a Python call per cell), or else each
            # cell's kind looked at
            if pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty") and \
                    not all(isinstance(v, str | int | None) for v in cells):
                return None  # floats, dates or other objects in a text column
            out[name] = cells.tolist()
        elif isinstance(dtype, pd.StringDtype) or (
            isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub"
            and not isinstance(dtype, pd.CategoricalDtype)
        ):
            out[name] = series.to_numpy(dtype=object, na_value=None).tolist()
        else:
            return None
    return out


# below this magnitude Python's repr writes a float with an exponent, Arrow positionally
_REPR_SMALLEST_PLAIN = 1e-4


def _float_cells(values: np.ndarray) -> list:
    """A float64 column's CSV cells: the text ``repr`` gives each value (None if missing)."""
    if _arrow_float_text_is_repr():
        return _float_cells_by_arrow(values)
    return _float_cells_by_repr(values)


def _float_cells_by_arrow(values: np.ndarray) -> list:
    """:func:`_float_cells` in a few calls for the whole column.

    Arrow writes the same shortest round-trip digits as ``repr`` for the whole column in
    one call, but spells some values differently: ``39074`` for ``39074.0`` (given back its
    ``.0`` here), an exponent or none at other magnitudes than Python's (those cells, and
    infinities and missing values, are made by ``repr`` itself, one at a time).
    """
    import pyarrow.compute as pc

    text = pc.cast(pa.array(values, type=pa.float64()), pa.string())
    exponent = pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    point = pc.match_substring(text, ".").to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        own = (~np.isfinite(values) | exponent
               | ((np.abs(values) < _REPR_SMALLEST_PLAIN) & (values != 0)))
    whole = ~own & ~point
    if whole.any():
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, ".0", ""), text)
    cells = text.to_pylist()
    for i in np.flatnonzero(own):
        value = float(values[i])
        cells[i] = None if math.isnan(value) else repr(value)
    return cells


def _float_cells_by_repr(values: np.ndarray) -> list:
    missing = np.isnan(values)
    if missing.any():
        cells = values.astype(object)
        cells[missing] = None
        return cells.tolist()
    return values.tolist()  # the csv writer writes each as its repr


@functools.cache
def _arrow_float_text_is_repr() -> bool:
    """Whether this Arrow writes these floats as ``repr`` does (checked once per process)."""
    values = np.array([0.1, 1 / 3, 2 / 3, 123.456, 0.00015, -2.5e-3, 1234567.891, 0.3 - 0.1,
                       98765432109876.5, -7.0])
    try:
        return _float_cells_by_arrow(values) == [repr(v) for v in values.tolist()]
    except (pa.ArrowException, ValueError, TypeError):  # pragma: no cover - old Arrow
        return False


def _text_array(values: pd.Series) -> pa.Array:
    """Identity text for parquet: missing stays missing (a ward without a code)."""
    text = values.astype("string").to_numpy(dtype=object, na_value=None)
    return pa.array(text, type=pa.string())


# ward x model scores per block (and Parquet row group) of model_scores.parquet
MODEL_SCORES_BLOCK_CELLS = 8_000_000
# the ward-by-model block transposed at once for the file: fits in a core's cache
_TILE = 256


def scores_by_model(block: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``block`` (ward x model, float64) as model x ward float32, each model's scores
    contiguous: the same numbers as ``np.ascontiguousarray(block.T, dtype=np.float32)``.

    Copied a tile at a time: a transposing copy of the whole block reads it a column at a
    time, and that is five times slower than tiles that stay in the cache.
    """
    rows, models = block.shape
    if out is None:
        out = np.empty((models, rows), dtype=np.float32)
    for i in range(0, rows, _TILE):
        for j in range(0, models, _TILE):
            out[j : j + _TILE, i : i + _TILE] = block[i : i + _TILE, j : j + _TILE].T
    return out


def write_model_scores(result, path: Path, progress: Callable[[float], None] | None = None) -> None:
    """Ward x model scores, streamed a block of wards at a time (float32: 7 digits).

    With 100,000 wards and 12 variables this is 408 million numbers; holding them in memory
    at once is what the streaming avoids. Arrow compresses and writes one block (in a
    thread of its own, without the GIL) while the next block's scores are computed.
    """
    ids = result.models_table()["model"].tolist()
    key_cols = [c for c in (WARD_NAME, WARD_CODE) if c in result.wards.columns]
    fields = [pa.field(c, pa.string()) for c in key_cols]
    fields += [pa.field(m, pa.float32()) for m in ids]
    schema = pa.schema(fields)
    # row groups of ~8M cells; no dictionaries or statistics on the score columns: they
    # cost most of the writing time and help no reader of these data. LZ4 after the byte
    # stream split: half zstd's time for a file a tenth larger (float32 noise compresses
    # little either way)
    chunk_rows = max(1, MODEL_SCORES_BLOCK_CELLS // max(len(ids), 1))
    with pq.ParquetWriter(path, schema, compression="lz4", use_byte_stream_split=ids,
                          use_dictionary=key_cols, write_statistics=key_cols) as writer:
        # the blocks' buffers are gone before the file's footer is made
        _write_score_blocks(result, writer, schema, key_cols, chunk_rows, progress)


def _write_score_blocks(result, writer, schema: pa.Schema, key_cols: list[str], chunk_rows: int,
                        progress: Callable[[float], None] | None) -> None:
    n = len(result.wards)
    # two float32 buffers in turn: Arrow reads one while the other is filled
    buffers: list[np.ndarray] = []
    with ThreadPoolExecutor(1) as background:
        pending = None
        blocks = result.iter_model_scores(chunk_rows, reuse=True)
        for number, (start, block) in enumerate(blocks):
            stop = start + block.shape[0]
            arrays = [_text_array(result.wards[c].iloc[start:stop]) for c in key_cols]
            if len(buffers) < 2:
                buffers.append(np.empty((block.shape[1], block.shape[0]), dtype=np.float32))
            # model by ward, each model's scores contiguous (also in the last, shorter
            # block's part of the buffer); Arrow takes the buffer without copying it, and
            # each model's column is a slice of it
            buffer = buffers[number % 2]
            rows, width = block.shape[0], buffer.shape[1]
            scores_by_model(block, buffer[:, :rows])
            flat = pa.array(buffer.reshape(-1))
            arrays += [flat.slice(j * width, rows) for j in range(buffer.shape[0])]
            table = pa.Table.from_arrays(arrays, schema=schema)
            del block, arrays, buffer, flat
            if pending is not None:
                # one block written at a time, in order; the buffer it was read from is
                # filled again only after this (Arrow has encoded the rows by then)
                pending.result()
            pending = background.submit(writer.write_table, table)
            del table
            if progress is not None:
                progress(stop / max(n, 1))
        if pending is not None:
            pending.result()


def write_analysis_outputs(result, out_dir: str | os.PathLike,
                           progress: Callable[[float, str], None] | None = None) -> list[Path]:
    """Write every output file into ``out_dir``.

    Files are written into a temporary folder beside ``out_dir`` and moved in only when all
    are complete, each with an atomic rename and ``analysis.json`` last, so a crash never
    leaves a half-written result; files in ``out_dir`` that are not ours are left alone.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("invalid_parameter",
                         f"--out {out_dir} is a file; give a folder for the results.",
                         details={"out": str(out_dir)})

    def step(fraction: float, what: str) -> None:
        if progress is not None:
            progress(fraction, what)

    with staging_folder(out_dir) as tmp:
        names = []
        write_unified_csv(result.wards, tmp / UNIFIED_CSV)
        names.append(UNIFIED_CSV)
        step(0.1, "write")
        if GEOMETRY in result.wards.columns:
            result.wards.to_parquet(tmp / UNIFIED_PARQUET, index=False)
            names.append(UNIFIED_PARQUET)
        step(0.2, "write")
        write_csv(result.models_table(), tmp / MODELS_CSV)
        names.append(MODELS_CSV)
        write_model_scores(result, tmp / MODEL_SCORES,
                           progress=lambda f: step(0.2 + 0.75 * f, "write"))
        names.append(MODEL_SCORES)
        (tmp / ANALYSIS_JSON).write_text(dumps(result.metadata), encoding="utf-8")
        names.append(ANALYSIS_JSON)
        out_dir.mkdir(parents=True, exist_ok=True)
        # a stale file of ours from an earlier run would not match this result
        # analysis.json marks a complete result: it goes first and comes back last
        (out_dir / ANALYSIS_JSON).unlink(missing_ok=True)
        for name in (UNIFIED_PARQUET,):
            if name not in names:
                (out_dir / name).unlink(missing_ok=True)
        paths = publish(tmp, out_dir, names)
        step(1.0, "write")
        return paths
