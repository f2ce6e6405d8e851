"""Analysis parameters: validated, normalised, hashable.

An analysis is identified by the hash of its dataset and its *normalised* parameters, so
two requests that mean the same thing (variables in another order, directions spelled in
another case, defaults given explicitly) get the same id and the second one reuses the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chatmrpt.errors import InputError

NORMALIZATIONS = ("linear", "reciprocal")
METHODS = ("composite", "pca")
DIRECTIONS = ("direct", "inverse")
DEFAULT_URBAN_THRESHOLDS = (20.0, 30.0, 50.0, 75.0)
MAX_VARIABLES = 16  # 2^16 - 17 = 65,519 models: the most the product computes
PCA_ORIENTATIONS = ("risk", "legacy")
# median-score: the median of model scores (default); median-rank: the median of per-model
# ranks, as the R MRPT app ranks (METHODOLOGY §5)
AGGREGATIONS = ("median-score", "median-rank")
TIE_BREAKS = ("name", "code", "order")  # equal median ranks: ward name, WardCode, input order
KNOWN_KEYS = {"variables", "directions", "normalization", "methods", "urban_thresholds",
              "pca_orientation", "aggregation", "tie_break"}


@dataclass(frozen=True)
class AnalysisParams:
    """What the user asked for. ``variables`` None means: choose by zone (METHODOLOGY §3)."""

    variables: tuple[str, ...] | None = None
    directions: tuple[tuple[str, str], ...] = ()
    normalization: str = "linear"
    methods: tuple[str, ...] = METHODS
    urban_thresholds: tuple[float, ...] = DEFAULT_URBAN_THRESHOLDS
    # "risk": inverse variables negated and components turned towards risk (METHODOLOGY §6);
    # "legacy": neither, as the legacy tool does
    pca_orientation: str = "risk"
    # "median-rank" keeps ``variables`` in the user's order: the R app adds a model's
    # values left to right, and that order can decide a tie between two wards
    aggregation: str = "median-score"
    tie_break: str = "name"

    @property
    def direction_overrides(self) -> dict[str, str]:
        return dict(self.directions)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AnalysisParams:
        """Validate user-supplied parameters (CLI flags or JSON) into canonical form."""
        data = dict(data or {})
        unknown = sorted(set(data) - KNOWN_KEYS)
        if unknown:
            raise InputError(
                "invalid_parameter",
                f"Unknown analysis parameter(s): {', '.join(unknown)}. "
                f"Accepted: {', '.join(sorted(KNOWN_KEYS))}.",
                details={"unknown": unknown},
            )
        aggregation, tie_break = _aggregation(data.get("aggregation"), data.get("tie_break"))

        variables = data.get("variables")
        if variables is not None:
            if isinstance(variables, str):
                variables = [v for v in (s.strip() for s in variables.split(",")) if v]
            if not isinstance(variables, list | tuple) or not all(
                isinstance(v, str) and v.strip() for v in variables
            ):
                raise InputError(
                    "invalid_parameter",
                    "'variables' must be a list of column names, e.g. [\"rainfall\", \"tpr\"].",
                )
            seen: dict[str, str] = {}
            for v in variables:
                seen.setdefault(v.strip().lower(), v.strip())
            if aggregation == "median-rank":
                variables = tuple(seen.values()) or None  # the user's order (see above)
            else:
                variables = tuple(sorted(seen.values(), key=str.lower)) or None
            if variables is not None and len(variables) > MAX_VARIABLES:
                raise InputError(
                    "too_many_variables",
                    f"{len(variables)} variables were asked for; the composite score uses every "
                    f"combination of them, and the most this tool computes is {MAX_VARIABLES}. "
                    "Choose fewer variables.",
                    details={"count": len(variables), "max": MAX_VARIABLES},
                )

        directions_in = data.get("directions") or {}
        if isinstance(directions_in, list | tuple):  # ["rainfall=inverse", ...]
            pairs = {}
            for item in directions_in:
                if not isinstance(item, str) or "=" not in item:
                    raise InputError(
                        "invalid_parameter",
                        f"Direction {item!r} is not of the form VARIABLE=direct|inverse.",
                    )
                k, _, v = item.partition("=")
                pairs[k.strip()] = v.strip()
            directions_in = pairs
        if not isinstance(directions_in, Mapping):
            raise InputError(
                "invalid_parameter",
                "'directions' must map variable names to 'direct' or 'inverse'.",
            )
        directions = []
        for var, direction in directions_in.items():
            d = str(direction).strip().lower()
            if d not in DIRECTIONS or not str(var).strip():
                raise InputError(
                    "invalid_parameter",
                    f"Direction for {var!r} is {direction!r}; use 'direct' (higher value means "
                    "higher risk) or 'inverse' (higher value means lower risk).",
                )
            directions.append((str(var).strip(), d))
        directions_t = tuple(sorted(directions, key=lambda kv: kv[0].lower()))

        # the R app's ranking normalises as the reciprocal mode does, unless told otherwise
        default_normalization = "reciprocal" if aggregation == "median-rank" else "linear"
        normalization = str(data.get("normalization") or default_normalization).strip().lower()
        if normalization not in NORMALIZATIONS:
            raise InputError(
                "invalid_parameter",
                f"Normalisation {normalization!r} is not known; use 'linear' (the default) or "
                "'reciprocal' (reproduces the legacy tool).",
            )

        methods_in = data.get("methods") or list(METHODS)
        if isinstance(methods_in, str):
            methods_in = [m.strip() for m in methods_in.split(",") if m.strip()]
        methods = []
        for m in methods_in:
            m = str(m).strip().lower()
            if m not in METHODS:
                raise InputError(
                    "invalid_parameter",
                    f"Method {m!r} is not known; use 'composite', 'pca' or both.",
                )
            if m not in methods:
                methods.append(m)
        if "composite" not in methods:
            # the composite score is the reference ranking: categories, ITN plans and the
            # comparison all need it, and it always runs
            methods.insert(0, "composite")
        methods_t = tuple(m for m in METHODS if m in methods)

        thresholds_in = data.get("urban_thresholds") or DEFAULT_URBAN_THRESHOLDS
        if isinstance(thresholds_in, str):
            thresholds_in = [t for t in thresholds_in.split(",") if t.strip()]
        try:
            thresholds = tuple(sorted({float(t) for t in thresholds_in}))
        except (TypeError, ValueError) as exc:
            raise InputError(
                "invalid_parameter", "Urban thresholds must be numbers between 0 and 100."
            ) from exc
        if not thresholds or any(not (0 <= t <= 100) for t in thresholds):
            raise InputError(
                "invalid_parameter", "Urban thresholds must be numbers between 0 and 100."
            )

        orientation = str(data.get("pca_orientation") or "risk").strip().lower()
        if orientation not in PCA_ORIENTATIONS:
            raise InputError(
                "invalid_parameter",
                f"PCA orientation {orientation!r} is not known; use 'risk' (the default) or "
                "'legacy' (reproduces the legacy tool).",
            )

        return cls(
            variables=variables,
            directions=directions_t,
            normalization=normalization,
            methods=methods_t,
            urban_thresholds=thresholds,
            pca_orientation=orientation,
            aggregation=aggregation,
            tie_break=tie_break,
        )

    def normalized(self) -> dict[str, Any]:
        """Canonical JSON-able form: the basis of the analysis id.

        ``aggregation`` and ``tie_break`` appear only with the median-rank aggregation, so
        the ids of default analyses stay what they were before these options existed.
        """
        out: dict[str, Any] = {
            "variables": list(self.variables) if self.variables is not None else None,
            "directions": {k: v for k, v in self.directions},
            "normalization": self.normalization,
            "methods": list(self.methods),
            "urban_thresholds": [float(t) for t in self.urban_thresholds],
            "pca_orientation": self.pca_orientation,
        }
        if self.aggregation != "median-score":
            out["aggregation"] = self.aggregation
            out["tie_break"] = self.tie_break
        return out


def _aggregation(aggregation: Any, tie_break: Any) -> tuple[str, str]:
    agg = str(aggregation or "median-score").strip().lower().replace("_", "-")
    if agg not in AGGREGATIONS:
        raise InputError(
            "invalid_parameter",
            f"Aggregation {aggregation!r} is not known; use 'median-score' (the default: the "
            "median of the model scores) or 'median-rank' (the median of the per-model ranks, "
            "as the R MRPT app ranks).",
            details={"parameter": "aggregation", "value": str(aggregation)[:100]},
        )
    tie = str(tie_break or "name").strip().lower()
    if tie not in TIE_BREAKS:
        raise InputError(
            "invalid_parameter",
            f"Tie-break {tie_break!r} is not known; use 'name' (ward name, as the R app), "
            "'code' (WardCode) or 'order' (the table's order).",
            details={"parameter": "tie_break", "value": str(tie_break)[:100]},
        )
    if agg == "median-score" and tie_break is not None and tie != "name":
        raise InputError(
            "invalid_parameter",
            f"The tie-break {tie!r} applies only to the median-rank aggregation (the R MRPT "
            "app's ranking); add aggregation 'median-rank' or leave the tie-break out.",
            details={"parameter": "tie_break", "value": tie},
        )
    return agg, tie


def analysis_id(dataset_id: str, params: AnalysisParams) -> str:
    """Content address of an analysis: dataset hash + normalised parameters."""
    blob = json.dumps(
        {"dataset": dataset_id, "params": params.normalized(), "v": 1},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    return hashlib.sha256(blob).hexdigest()
