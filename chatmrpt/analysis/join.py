"""Joining the ward table to the boundary features (METHODOLOGY §1), with a report.

Rules, each applied to the rows and features the previous ones left unmatched:

1. ``ward_code``: WardCode on both sides (trimmed, upper-case).
2. ``name_lga``: normalised ward name together with the LGA, when both sides have an LGA
   (LGACode on both sides when their values overlap, else LGA names normalised like ward
   names).
3. ``name``: normalised ward name alone, for rows that have no LGA to compare, and only where
   the name occurs once among the unmatched rows and once among the unmatched features -
   a name alone is never a unique key.
4. ``fuzzy``: rapidfuzz ``fuzz.ratio`` on normalised names; the best candidate must be
   unique; score >= 90 is accepted, 80 <= score < 90 only when both sides have the LGA and
   it agrees. When both sides have an LGA, candidates come from the row's own LGA.

A feature is matched at most once: when two rows want the same feature the higher score wins,
then the earlier row, and the other row is reported as ambiguous.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from chatmrpt.analysis.dataset import (
    GEOMETRY,
    IDENTITY_COLUMNS,
    LGA,
    LGA_CODE,
    WARD_CODE,
    WARD_NAME,
)
from chatmrpt.analysis.names import normalise_ward_names
from chatmrpt.errors import InputError, describe_rows

if TYPE_CHECKING:  # imported where a frame with shapes is built, not for matching alone
    import geopandas as gpd

FUZZY_ACCEPT = 90.0
FUZZY_ACCEPT_SAME_LGA = 80.0
# Above this many name comparisons the leftovers are not worth a fuzzy pass: the join has
# gone wrong in a way spelling cannot fix (wrong file, different area).
FUZZY_MAX_PAIRS = 100_000_000
# Lists in the report are capped so a failed join of a huge table stays a readable report.
REPORT_LIMIT = 1000
# Score matrices are computed a block of rows at a time, about this many cells per block.
_FUZZY_BLOCK_CELLS = 4_000_000
RULES = ("ward_code", "name_lga", "name", "fuzzy")


def _codes(series: pd.Series) -> list[str | None]:
    """Codes as compared (trimmed, upper-case; missing or blank -> None), each distinct
    text converted once."""
    out = []
    seen: dict[str, str | None] = {}
    for value in series.to_numpy(dtype=object):
        if type(value) is str:
            try:
                key = seen[value]
            except KeyError:
                key = seen[value] = value.strip().upper() or None
            out.append(key)
        elif value is None or (isinstance(value, float) and value != value) or value is pd.NA:
            out.append(None)
        else:
            out.append(str(value).strip().upper() or None)
    return out


def _has_values(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(frame[column].notna().any())


def _lga_keys_for(frame: pd.DataFrame, mode: str) -> list[str | None]:
    if mode == LGA_CODE:
        return _codes(frame[LGA_CODE])
    return [k or None for k in normalise_ward_names(frame[LGA].to_numpy(dtype=object))]


def table_lga_keys(frame: pd.DataFrame) -> pd.Series | None:
    """Each row's LGA as compared by the join (LGACode if present, else LGA name)."""
    for mode in (LGA_CODE, LGA):
        if _has_values(frame, mode):
            return pd.Series(_lga_keys_for(frame, mode), index=frame.index, dtype=object)
    return None


def _choose_lga(
    table: pd.DataFrame, boundaries: pd.DataFrame
) -> tuple[str | None, list, list, list[str]]:
    """Which LGA column the two sides are compared on, and the keys for each side."""
    notes = []
    tried = []
    for mode in (LGA_CODE, LGA):
        if _has_values(table, mode) and _has_values(boundaries, mode):
            t_keys, b_keys = _lga_keys_for(table, mode), _lga_keys_for(boundaries, mode)
            common = {k for k in t_keys if k} & {k for k in b_keys if k}
            if common:
                missing = sorted({k for k in t_keys if k} - common)
                if missing:
                    notes.append(
                        f"{len(missing)} {mode} value(s) of the table do not occur in the "
                        f"boundaries: {describe_rows(missing)}. Wards there can only match "
                        "by WardCode; check the LGA spelling."
                    )
                return mode, t_keys, b_keys, notes
            tried.append(mode)
    for mode in tried:
        notes.append(
            f"The {mode} values of the table and of the boundaries have nothing in common, so "
            "wards are matched by name without the LGA."
        )
    n_t, n_b = len(table), len(boundaries)
    return None, [None] * n_t, [None] * n_b, notes


def _entry(frame: pd.DataFrame, pos: int, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {key: pos + 1}
    for col in (WARD_NAME, WARD_CODE):
        if col in frame.columns:
            value = frame[col].iloc[pos]
            out[col] = None if pd.isna(value) else str(value)
    lga = None
    for col in (LGA, LGA_CODE):
        if col in frame.columns and pd.notna(frame[col].iloc[pos]):
            lga = str(frame[col].iloc[pos])
            break
    out[LGA] = lga
    return out


class _Matcher:
    """State of one join: which row took which feature, by which rule, and the doubts."""

    def __init__(self, table: pd.DataFrame, boundaries: pd.DataFrame):
        self.table, self.boundaries = table, boundaries
        self.n, self.m = len(table), len(boundaries)
        self.pos = np.full(self.n, -1, dtype=np.int64)
        self.taken = np.zeros(self.m, dtype=bool)
        self.counts = dict.fromkeys(RULES, 0)
        self.ambiguous: dict[int, dict[str, Any]] = {}
        self.fuzzy: list[dict[str, Any]] = []
        # row -> (feature, score) of a near miss, shown with the unmatched rows
        self.closest: dict[int, tuple[int, float]] = {}
        self.notes: list[str] = []

    # Names are normalised only when a name rule runs: a full WardCode join never needs them.
    @cached_property
    def t_names(self) -> list[str]:
        return self._names(self.table)

    @cached_property
    def b_names(self) -> list[str]:
        return self._names(self.boundaries)

    @staticmethod
    def _names(frame: pd.DataFrame) -> list[str]:
        if WARD_NAME not in frame.columns:
            return [""] * len(frame)
        return normalise_ward_names(frame[WARD_NAME].to_numpy(dtype=object))

    def assign(self, i: int, j: int, rule: str) -> None:
        self.pos[i] = j
        self.taken[j] = True
        self.counts[rule] += 1
        self.ambiguous.pop(i, None)

    def doubt(self, i: int, reason: str, candidates: list[int]) -> None:
        entry = _entry(self.table, i, "row")
        entry["candidates"] = [_entry(self.boundaries, j, "feature") for j in candidates[:5]]
        entry["reason"] = reason
        self.ambiguous[i] = entry

    def free_rows(self) -> list[int]:
        return np.flatnonzero(self.pos < 0).tolist()

    def free_features(self) -> list[int]:
        return np.flatnonzero(~self.taken).tolist()

    # rule 1
    def by_code(self) -> None:
        if not (_has_values(self.table, WARD_CODE) and _has_values(self.boundaries, WARD_CODE)):
            return
        t_codes, b_codes = _codes(self.table[WARD_CODE]), _codes(self.boundaries[WARD_CODE])
        where: dict[str, list[int]] = defaultdict(list)
        for j, code in enumerate(b_codes):
            if code is not None:
                where[code].append(j)
        row_count = Counter(c for c in t_codes if c is not None)
        self._settle(range(len(t_codes)), t_codes, where, row_count, "ward_code",
                     "ward code {key} is on several rows of the table",
                     "ward code {key} is on several boundary features")

    # rules 2 and 3
    def by_key(self, t_keys: list, b_keys: list, rule: str, rows: list[int]) -> None:
        free_features = self.free_features()
        where: dict[Any, list[int]] = defaultdict(list)
        for j in free_features:
            if b_keys[j] is not None:
                where[b_keys[j]].append(j)
        row_count = Counter(t_keys[i] for i in self.free_rows() if t_keys[i] is not None)
        what = "name and LGA" if rule == "name_lga" else "name"
        self._settle(rows, t_keys, where, row_count, rule,
                     f"the same {what} is on several rows of the table",
                     f"several boundary features have this {what}")

    def _settle(self, rows: Any, t_keys: list, where: dict[Any, list[int]], row_count: Counter,
                rule: str, on_rows: str, on_features: str) -> None:
        """Match each row whose key is on exactly one row and one feature; note a doubt
        (``on_rows`` / ``on_features``, with ``{key}``) where it is on several."""
        for i in rows:
            key = t_keys[i]
            if key is None or key not in where:
                continue
            features = where[key]
            if row_count[key] > 1:
                self.doubt(i, on_rows.format(key=key), features)
            elif len(features) > 1:
                self.doubt(i, on_features.format(key=key), features)
            else:
                self.assign(i, features[0], rule)

    # rule 4
    def by_fuzzy(self, t_lga: list, b_lga: list, lga_mode: str | None) -> None:
        rows = [i for i in self.free_rows() if self.t_names[i]]
        features = [j for j in self.free_features() if self.b_names[j]]
        if not rows or not features:
            return
        groups: dict[Any, tuple[list[int], list[int]]] = {}
        if lga_mode is None:
            groups[None] = (rows, features)
        else:
            by_lga: dict[Any, list[int]] = defaultdict(list)
            for j in features:
                by_lga[b_lga[j]].append(j)
            row_groups: dict[Any, list[int]] = defaultdict(list)
            for i in rows:
                row_groups[t_lga[i]].append(i)
            for key, group_rows in row_groups.items():
                # Rows without an LGA may match any feature, but only at the strict score.
                groups[key] = (group_rows, features if key is None else by_lga.get(key, []))
        pairs = sum(len(r) * len(f) for r, f in groups.values())
        if pairs > FUZZY_MAX_PAIRS:
            self.notes.append(
                f"Approximate name matching was skipped: {len(rows)} unmatched wards against "
                f"{len(features)} unmatched boundary features is too many to compare; the two "
                "files may not cover the same area."
            )
            return
        proposals = []
        for key, (group_rows, group_features) in groups.items():
            if not group_features:
                continue
            same_lga = lga_mode is not None and key is not None
            proposals += self._fuzzy_group(group_rows, group_features, same_lga)
        proposals.sort(key=lambda p: (-p[0], p[1]))
        for score, i, j, same_lga in proposals:
            if self.taken[j]:
                winner = int(np.flatnonzero(self.pos == j)[0])
                self.doubt(
                    i,
                    f"its closest boundary name (score {score:.0f}) was matched to row "
                    f"{winner + 1} with an equal or better score",
                    [j],
                )
                continue
            self.assign(i, j, "fuzzy")
            lga = None
            if same_lga:
                lga = _entry(self.table, i, "row")[LGA]
            self.fuzzy.append(
                {
                    "row": i + 1,
                    "table_name": str(self.table[WARD_NAME].iloc[i]),
                    "boundary_name": str(self.boundaries[WARD_NAME].iloc[j]),
                    "score": round(float(score), 1),
                    "lga": lga,
                }
            )

        self.fuzzy.sort(key=lambda f: f["row"])

    def _fuzzy_group(self, rows: list[int], features: list[int], same_lga: bool) -> list:
        floor = FUZZY_ACCEPT_SAME_LGA if same_lga else FUZZY_ACCEPT
        queries = [self.t_names[i] for i in rows]
        choices = [self.b_names[j] for j in features]
        repeated = Counter(queries)
        out = []
        step = max(1, _FUZZY_BLOCK_CELLS // len(choices))
        for start in range(0, len(rows), step):
            chunk = queries[start : start + step]
            scores = process.cdist(
                chunk,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=FUZZY_ACCEPT_SAME_LGA,
                dtype=np.float32,
                workers=-1,
            )
            best = scores.max(axis=1)
            for k, best_score in enumerate(best):
                if best_score < FUZZY_ACCEPT_SAME_LGA:
                    continue
                i = rows[start + k]
                tied = np.flatnonzero(scores[k] == best_score)
                candidates = [features[t] for t in tied]
                if best_score < floor:
                    # Too far for the rules, but worth showing: it is often a typo.
                    self.closest[i] = (candidates[0], float(best_score))
                elif repeated[chunk[k]] > 1:
                    self.doubt(i, "the same name is on several unmatched rows", candidates)
                elif len(tied) > 1:
                    self.doubt(
                        i,
                        f"{len(tied)} boundary names are equally close (score {best_score:.0f})",
                        candidates,
                    )
                else:
                    out.append((float(best_score), i, candidates[0], same_lga))
        return out


def match_wards(table: pd.DataFrame, boundaries: pd.DataFrame) -> tuple[np.ndarray, dict[str, Any]]:
    """For each table row, the position of its boundary feature (-1 if none), and the report."""
    matcher = _Matcher(table, boundaries)
    matcher.by_code()
    lga_mode, t_lga, b_lga, lga_notes = _choose_lga(table, boundaries)
    matcher.notes += lga_notes
    if not matcher.free_rows() or not matcher.free_features():
        return matcher.pos, _report(matcher, lga_mode)
    if lga_mode is not None:
        t_keys = [
            (name, lga) if name and lga else None
            for name, lga in zip(matcher.t_names, t_lga, strict=True)
        ]
        b_keys = [
            (name, lga) if name and lga else None
            for name, lga in zip(matcher.b_names, b_lga, strict=True)
        ]
        matcher.by_key(t_keys, b_keys, "name_lga", matcher.free_rows())
    # Rows with an LGA to compare never match on the name alone.
    name_rows = [i for i in matcher.free_rows() if lga_mode is None or t_lga[i] is None]
    matcher.by_key(
        [n or None for n in matcher.t_names],
        [n or None for n in matcher.b_names],
        "name",
        name_rows,
    )
    matcher.by_fuzzy(t_lga, b_lga, lga_mode)
    return matcher.pos, _report(matcher, lga_mode)


def _unmatched_row(matcher: _Matcher, i: int) -> dict[str, Any]:
    entry = _entry(matcher.table, i, "row")
    if i in matcher.closest:
        j, score = matcher.closest[i]
        entry["closest"] = {
            "feature": j + 1,
            WARD_NAME: str(matcher.boundaries[WARD_NAME].iloc[j]),
            "score": round(score, 1),
        }
    return entry


def _some_labels(frame: pd.DataFrame, positions: np.ndarray, shown: int = 8) -> str:
    """'Adakawa, Dorayi and 3 more' without building a label for every position."""
    labels = []
    for p in positions[:shown]:
        entry = _entry(frame, int(p), "row")
        labels.append(entry.get(WARD_NAME) or entry.get(WARD_CODE) or f"#{int(p) + 1}")
    text = describe_rows(labels, shown)
    if len(positions) > shown:
        text += f" and {len(positions) - shown} more"
    return text


def _report(matcher: _Matcher, lga_mode: str | None) -> dict[str, Any]:
    table, boundaries = matcher.table, matcher.boundaries
    unmatched_rows = np.flatnonzero(matcher.pos < 0)
    unmatched_features = np.flatnonzero(~matcher.taken)
    ambiguous = [matcher.ambiguous[i] for i in sorted(matcher.ambiguous)]
    matched = int((matcher.pos >= 0).sum())
    report: dict[str, Any] = {
        "rule_counts": dict(matcher.counts),
        "matched": matched,
        "table_rows": matcher.n,
        "boundary_features": matcher.m,
        "lga_key": lga_mode,
        "unmatched_table": [_unmatched_row(matcher, int(i)) for i in unmatched_rows[:REPORT_LIMIT]],
        "unmatched_boundaries": [
            _entry(boundaries, int(j), "feature") for j in unmatched_features[:REPORT_LIMIT]
        ],
        "unmatched_table_count": len(unmatched_rows),
        "unmatched_boundaries_count": len(unmatched_features),
        "fuzzy_matches": matcher.fuzzy[:REPORT_LIMIT],
        "ambiguous": ambiguous[:REPORT_LIMIT],
    }
    notes = list(matcher.notes)
    if matcher.fuzzy:
        pairs = [
            f"{f['table_name']!r} -> {f['boundary_name']!r} ({f['score']:.0f})"
            for f in matcher.fuzzy
        ]
        notes.append(
            f"{len(pairs)} ward(s) were matched to boundaries by approximate name: "
            f"{describe_rows(pairs)}. Check these pairs."
        )
    if len(unmatched_rows):
        notes.append(
            f"{len(unmatched_rows)} of {matcher.n} wards of the table match no boundary "
            f"feature: {_some_labels(table, unmatched_rows)}. They will have no shape on maps; "
            "check their spelling, or add a WardCode or LGA column to both files."
        )
    if len(unmatched_features):
        notes.append(
            f"{len(unmatched_features)} of {matcher.m} boundary features match no ward of the "
            f"table: {_some_labels(boundaries, unmatched_features)}."
        )
    if ambiguous:
        notes.append(
            f"{len(ambiguous)} ward(s) could not be matched unambiguously; see the join "
            "report's 'ambiguous' list."
        )
    report["warnings"] = notes
    return report


def _join_failed(
    table: pd.DataFrame, boundaries: pd.DataFrame, table_name: str, boundaries_name: str
) -> InputError:
    def examples(frame: pd.DataFrame) -> list[str]:
        col = WARD_NAME if WARD_NAME in frame.columns else WARD_CODE
        if col not in frame.columns:
            return []
        return [str(v) for v in frame[col].dropna().head(5)]

    t_examples, b_examples = examples(table), examples(boundaries)
    t_cols = [c for c in IDENTITY_COLUMNS if c in table.columns]
    b_cols = [c for c in IDENTITY_COLUMNS if c in boundaries.columns]
    return InputError(
        "boundary_join_failed",
        f"None of the {len(table)} wards of {table_name} could be matched to the "
        f"{len(boundaries)} features of {boundaries_name}. Wards in the table look like: "
        f"{describe_rows(t_examples)}; in the boundaries: {describe_rows(b_examples)}. Check "
        "that both files cover the same area and spell ward names the same way, or give both "
        "files a WardCode column (or an LGA column) to match on. Identity columns found: "
        f"table {', '.join(t_cols) or 'none'}; boundaries {', '.join(b_cols) or 'none'}.",
        details={
            "table": table_name,
            "boundaries": boundaries_name,
            "table_examples": t_examples,
            "boundary_examples": b_examples,
            "table_identity_columns": t_cols,
            "boundary_identity_columns": b_cols,
        },
    )


def join_wards(
    table: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    fill_identity: bool = False,
    table_name: str = "the ward table",
    boundaries_name: str = "the boundaries",
    carry: dict[str, str] | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The table rows (same order and index) with a ``geometry`` column, and the join report.

    Geometry is EPSG:4326, None where no feature matched. With ``fill_identity``, identity
    columns the table lacks (WardCode, LGA, LGACode, State, StateCode) are copied from the
    matched features. Raises ``boundary_join_failed`` when no ward matches at all.
    """
    import geopandas as gpd

    positions, report = match_wards(table, boundaries)
    if report["matched"] == 0:
        raise _join_failed(table, boundaries, table_name, boundaries_name)
    hit = positions >= 0
    out = table.drop(columns=[GEOMETRY], errors="ignore").copy()
    if fill_identity:
        added = []
        for col in IDENTITY_COLUMNS:
            if col in out.columns or col not in boundaries.columns:
                continue
            values = np.full(len(out), None, dtype=object)
            values[hit] = boundaries[col].to_numpy(dtype=object)[positions[hit]]
            out[col] = values
            added.append(col)
        if added:
            order = [c for c in IDENTITY_COLUMNS if c in out.columns]
            out = out[order + [c for c in out.columns if c not in order]]
        report["identity_from_boundaries"] = added
    for attribute, column in (carry or {}).items():
        # other boundary attributes the caller wants per ward (e.g. Urban -> a new column)
        if attribute in boundaries.columns and column not in out.columns:
            values = np.full(len(out), None, dtype=object)
            values[hit] = boundaries[attribute].to_numpy(dtype=object)[positions[hit]]
            out[column] = values
    geoms = np.full(len(out), None, dtype=object)
    source = np.asarray(boundaries.geometry.values, dtype=object)
    geoms[hit] = source[positions[hit]]
    crs = boundaries.crs if boundaries.crs is not None else "EPSG:4326"
    joined = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, index=out.index, crs=crs), crs=crs)
    if joined.crs is not None and joined.crs.to_epsg() != 4326:
        joined = joined.to_crs("EPSG:4326")
    return joined, report
