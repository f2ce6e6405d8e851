"""Analysis parameters: validated, normalised, hashable.

An analysis is identified by the hash of its dataset and its *normalised* parameters, so
two requests that mean the same thing (variables in another order, directions spelled in
another case, defaults given explicitly) get the same id and the second one reuses the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from chatmrpt.analysis.declarations import (
    AGGREGATIONS,
    DEFAULT_URBAN_THRESHOLDS,
    DIRECTIONS,
    MAX_VARIABLES,
    METHODS,
    NORMALIZATIONS,
    PCA_ORIENTATIONS,
    TIE_BREAKS,
    URBAN_THRESHOLDS,
    Declared,
    option,
)
from chatmrpt.errors import InputError

__all__ = [
    "AGGREGATIONS", "DEFAULT_URBAN_THRESHOLDS", "DIRECTIONS", "MAX_VARIABLES", "METHODS",
    "NORMALIZATIONS", "PCA_ORIENTATIONS", "TIE_BREAKS", "AnalysisParams", "analysis_id",
]  # fmt: skip


@Declared.declare
class AnalysisParams(Declared):
    """What the user asked for. ``variables`` None means: choose by zone (METHODOLOGY §3)."""

    WHAT: ClassVar[str] = "analysis"

    variables: tuple[str, ...] | None = option(
        kind="texts", label="variables", min_items=1, max_items=MAX_VARIABLES,
        hint='["rainfall", "tpr"]',
        help="Columns to use as risk variables (names or synonyms); leave out to use the "
        "state's zone defaults.",
    )  # fmt: skip
    directions: tuple[tuple[str, str], ...] = option(
        kind="mapping", label="directions", choices=DIRECTIONS, default=(), flag="--direction",
        metavar="VARIABLE=direct|inverse",
        help="A variable's direction: direct (a higher value means higher risk) or inverse "
        "(a higher value means lower risk).",
    )  # fmt: skip
    normalization: str = option(
        kind="choice", label="normalisation", choices=NORMALIZATIONS, default="linear",
        help="linear, or reciprocal (as the legacy tool does).",
    )  # fmt: skip
    methods: tuple[str, ...] = option(
        kind="choices", label="ranking methods", choices=METHODS, default=METHODS, min_items=1,
        hint="composite,pca",
        help="Ranking methods to run: composite, pca or both; the composite score always runs.",
    )  # fmt: skip
    urban_thresholds: tuple[float, ...] = option(
        **URBAN_THRESHOLDS,
        help="Urban share thresholds (percent) for the urban flags of the wards.",
    )  # fmt: skip
    # "risk": inverse variables negated and components turned towards risk (METHODOLOGY §6);
    # "legacy": neither, as the legacy tool does
    pca_orientation: str = option(
        kind="choice", label="PCA orientation", choices=PCA_ORIENTATIONS, default="risk",
        help="risk (components point towards risk) or legacy (as the legacy tool does).",
    )  # fmt: skip
    aggregation: str = option(
        kind="choice", label="aggregation", choices=AGGREGATIONS, default="median-score",
        added=True,
        help="median-score, or median-rank (as the R MRPT app: the median of each ward's "
        "ranks over all models).",
    )  # fmt: skip
    tie_break: str = option(
        kind="choice", label="tie rule", choices=TIE_BREAKS, default="order", added=True,
        help="How wards with equal median ranks are ordered: order (as in the table), name "
        "(ward name, as the R MRPT app) or code (ward code).",
    )  # fmt: skip

    @property
    def direction_overrides(self) -> dict[str, str]:
        return dict(self.directions)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AnalysisParams:
        """Validate user-supplied parameters (CLI flags or JSON) into canonical form."""
        data = dict(data or {})
        unknown = sorted(set(data) - set(cls.names()))
        if unknown:
            raise InputError(
                "invalid_parameter",
                f"Unknown analysis parameter(s): {', '.join(unknown)}. "
                f"Accepted: {', '.join(sorted(cls.names()))}.",
                details={"unknown": unknown},
            )

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
            variables = tuple(sorted(seen.values(), key=str.lower)) or None
            if variables is not None and len(variables) > MAX_VARIABLES:
                raise InputError(
                    "too_many_variables",
                    f"{len(variables)} variables were asked for; the composite score uses every "
                    f"combination of them, and the most this tool computes is {MAX_VARIABLES}. "
                    "Choose fewer variables.",
                    details={"count": len(variables), "max": MAX_VARIABLES},
                )

        directions_t = cls.option("directions").check(data.get("directions") or {})
        normalization = cls.option("normalization").check(data.get("normalization") or "linear")

        methods_in = data.get("methods") or list(METHODS)
        if isinstance(methods_in, str):
            methods_in = [m.strip() for m in methods_in.split(",") if m.strip()]
        if not isinstance(methods_in, list | tuple):
            methods_in = [methods_in]
        methods = list(cls.option("methods").check([str(m) for m in methods_in]))
        if "composite" not in methods:
            # the composite score is the reference ranking: categories, ITN plans and the
            # comparison all need it, and it always runs
            methods.insert(0, "composite")
        methods_t = tuple(m for m in METHODS if m in methods)

        thresholds_in = data.get("urban_thresholds") or DEFAULT_URBAN_THRESHOLDS
        thresholds = tuple(sorted(cls.option("urban_thresholds").check(thresholds_in)))

        def word(name: str) -> str:
            o = cls.option(name)
            return o.check(data.get(name) or o.default)

        aggregation, tie_break = word("aggregation"), word("tie_break")
        if aggregation != "median-score" or tie_break != "order":
            name, value = ("aggregation", aggregation) if aggregation != "median-score" else (
                "tie_break", tie_break)  # fmt: skip
            raise InputError(
                "invalid_parameter",
                f"The {cls.option(name).label} {value!r} is not available in this version; "
                "the wards are ranked by the median of their model scores, equal scores in "
                "the order of the table.",
                details={"parameter": name, "value": value, "available": False},
            )

        return cls(
            variables=variables,
            directions=directions_t,
            normalization=normalization,
            methods=methods_t,
            urban_thresholds=thresholds,
            pca_orientation=word("pca_orientation"),
            aggregation=aggregation,
            tie_break=tie_break,
        )

    def normalized(self) -> dict[str, Any]:
        """Canonical JSON-able form: the basis of the analysis id (options added later
        appear only when they differ from their default, so earlier ids stay valid)."""
        out = super().normalized()
        out["variables"] = list(self.variables) if self.variables is not None else None
        out["urban_thresholds"] = [float(t) for t in self.urban_thresholds]
        return out


def analysis_id(dataset_id: str, params: AnalysisParams) -> str:
    """Content address of an analysis: dataset hash + normalised parameters."""
    blob = json.dumps(
        {"dataset": dataset_id, "params": params.normalized(), "v": 1},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    return hashlib.sha256(blob).hexdigest()
