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
    choice,
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
    # the default depends on the aggregation: linear, or reciprocal with median-rank
    normalization: str | None = choice(
        "normalisation", NORMALIZATIONS,
        help="linear (the default), or reciprocal (as the legacy tool does; the default with "
        "the median-rank aggregation).",
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
    pca_orientation: str = choice(
        "PCA orientation", PCA_ORIENTATIONS, "risk",
        help="risk (components point towards risk) or legacy (as the legacy tool does).",
    )  # fmt: skip
    aggregation: str = choice(
        "aggregation", AGGREGATIONS, "median-score", added=True,
        help="median-score, or median-rank (as the R MRPT app: the median of each ward's "
        "ranks over all models).",
    )  # fmt: skip
    tie_break: str = choice(
        "tie rule", TIE_BREAKS, "name", added=True,
        hint="'name': ward name, as the R MRPT app; 'code': WardCode; 'order': the table's order",
        help="With median-rank: how wards with equal median ranks are ordered: name (ward "
        "name, as the R MRPT app), code (WardCode) or order (as in the table).",
    )  # fmt: skip

    @property
    def direction_overrides(self) -> dict[str, str]:
        return dict(self.directions)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AnalysisParams:
        """Validate user-supplied parameters (CLI flags or JSON) into canonical form."""
        data = dict(data or {})
        cls.refuse_unknown(data, tuple(sorted(cls.names())))

        def word(name: str, default: Any = None) -> str:
            o = cls.option(name)
            value = data.get(name)
            if isinstance(value, str) and name == "aggregation":
                value = value.replace("_", "-")
            return o.check(value or default or o.default)

        aggregation = word("aggregation")
        tie_break = word("tie_break")
        if aggregation == "median-score" and data.get("tie_break") and tie_break != "name":
            raise cls.option("tie_break").invalid(
                tie_break,
                "applies only to the median-rank aggregation (the R MRPT app's ranking); add "
                "aggregation 'median-rank' or leave the tie rule out",
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
            if aggregation == "median-rank":
                # the user's order: the R app adds a model's values left to right, and that
                # order can decide a tie between two wards
                variables = tuple(seen.values()) or None
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

        directions_t = cls.option("directions").check(data.get("directions") or {})
        # the R app's ranking normalises as the reciprocal mode does, unless told otherwise
        normalization = word(
            "normalization", "reciprocal" if aggregation == "median-rank" else "linear"
        )

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
        """Canonical JSON-able form: the basis of the analysis id. ``aggregation`` and
        ``tie_break`` appear only with the median-rank aggregation, so the ids of default
        analyses stay what they were before these options existed."""
        out = super().normalized()
        out["variables"] = list(self.variables) if self.variables is not None else None
        out["urban_thresholds"] = [float(t) for t in self.urban_thresholds]
        if self.aggregation != "median-score":
            out["aggregation"], out["tie_break"] = self.aggregation, self.tie_break
        return out


def analysis_id(dataset_id: str, params: AnalysisParams) -> str:
    """Content address of an analysis: dataset hash + normalised parameters."""
    blob = json.dumps(
        {"dataset": dataset_id, "params": params.normalized(), "v": 1},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    return hashlib.sha256(blob).hexdigest()
