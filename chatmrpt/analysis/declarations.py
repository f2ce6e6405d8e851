"""Every parameter a user can set, declared once.

Each parameter set is a frozen dataclass whose fields carry an :class:`Option`: its kind,
its bounds, its default, its choices and a line of help in the users' words. From these
declarations, and from nowhere else, come

- the checks and canonical form of a request (``ItnParams.from_dict(...).normalized()``),
  used by the service, the command line and the analysis core alike;
- the options of the command-line commands (``chatmrpt.cli._options``);
- the request schemas of the HTTP API (``chatmrpt.web.openapi``);
- the parameter schemas of the chat tools (``chatmrpt.chat.tools``).

``tests/unit/test_declarations_agree.py`` checks that all four say the same thing.

Pure Python: no pandas, no NumPy, nothing from the layers above.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from chatmrpt.errors import InputError

# What an option holds. Lists come as JSON lists or as comma-separated text.
KINDS = (
    "count",  # a whole number of things; text such as "1,200,000", "1.2m" or "500k" too
    "integer",  # a whole number
    "number",  # a number
    "choice",  # one word of ``choices``
    "choice_or_number",  # one word of ``choices``, or a number within the bounds
    "text",  # free text (a name)
    "flag",  # yes or no
    "numbers",  # a list of numbers within the bounds
    "choices",  # a list of words of ``choices``
    "texts",  # a list of names
    "mapping",  # names, each with one word of ``choices`` ("rainfall=inverse")
)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Option:
    """One parameter: what it holds, its limits and how it is explained."""

    name: str
    kind: str
    label: str  # what users call it: "household size"
    help: str  # one line in the users' words
    default: Any = None
    required: bool = False
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False  # the minimum itself is not allowed
    min_items: int | None = None
    max_items: int | None = None
    max_length: int | None = None
    hint: str = ""  # added to a refusal: "e.g. 5"
    flag: str = ""  # command-line flag when it is not --name-with-dashes
    metavar: str | None = None
    chat_name: str = ""  # the chat tool's name for it, when that differs
    # a number in a chat message above this is not taken for this option ("500000 and 5")
    usual_maximum: float | None = None
    # added after requests were first stored: left out of the canonical form while it has
    # its default, so the ids of earlier, identical requests stay what they were
    added: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"option {self.name}: unknown kind {self.kind!r}")
        if self.kind in ("choice", "choices", "mapping", "choice_or_number") and not self.choices:
            raise ValueError(f"option {self.name}: a {self.kind} needs choices")

    @property
    def cli_flag(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def chat(self) -> str:
        return self.chat_name or self.name

    @property
    def default_text(self) -> str | None:
        """The default as users write it ("20,30,50,75", "1.8"), or None when there is none."""
        value = self.default
        if value is None or value == () or self.required:
            return None
        if isinstance(value, tuple):
            return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    @property
    def is_list(self) -> bool:
        return self.kind in ("numbers", "choices", "texts")

    @property
    def rule(self) -> str:
        """What a valid value is, in words: "must be a number above 0 and at most 100"."""
        lo, hi = self.minimum, self.maximum
        if self.kind in ("count", "integer"):
            rule = f"must be a whole number from {lo:,.0f} to {hi:,.0f}"
        elif self.kind in ("number", "numbers", "choice_or_number"):
            if self.above_minimum:
                rule = f"must be a number above {lo:g} and at most {hi:g}"
            else:
                rule = f"must be a number between {lo:g} and {hi:g}"
            if self.kind == "choice_or_number":
                words = ", ".join(repr(c) for c in self.choices)
                rule = f"must be {words} or a number from {lo:g} to {hi:g}"
        elif self.kind in ("choice", "choices", "mapping"):
            rule = f"must be one of {', '.join(self.choices)}"
        elif self.kind == "flag":
            rule = "must be true or false"
        else:
            rule = "must be text"
            if self.max_length:
                rule += f" of at most {self.max_length} characters"
        return f"{rule} ({self.hint})" if self.hint else rule

    def invalid(self, value: Any, rule: str | None = None) -> InputError:
        details: dict[str, Any] = {"parameter": self.name, "value": str(value)[:100]}
        if self.kind in ("choice", "choices"):
            details["choices"] = list(self.choices)
        return InputError(
            "invalid_parameter",
            f"The {self.label} {rule or self.rule}; got {_shown(value)}.",
            details=details,
        )

    def check(self, value: Any) -> Any:
        """``value`` in canonical form, or InputError ``invalid_parameter`` in words."""
        kind = self.kind
        if kind == "count":
            number = parse_count(value, self.label, self.hint)
            return self._within(number, value)
        if kind in ("integer", "number"):
            number = self._number(value)
            if kind == "integer":
                if not number.is_integer():
                    raise self.invalid(value)
                number = int(number)
            return self._within(number, value)
        if kind == "choice":
            return self._choice(value)
        if kind == "choice_or_number":
            if isinstance(value, str) and value.strip().lower() in self.choices:
                return value.strip().lower()
            return self._within(self._number(value), value)
        if kind == "flag":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
                return value.strip().lower() in _TRUE
            raise self.invalid(value)
        if kind == "text":
            if not isinstance(value, str) or (self.max_length and len(value) > self.max_length):
                raise self.invalid(value)
            return value.strip() or None
        if kind == "mapping":
            return self._mapping(value)
        return self._list(value)

    def _number(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
            raise self.invalid(value)
        try:
            number = float(value.replace(",", "") if isinstance(value, str) else value)
        except (ValueError, OverflowError):
            raise self.invalid(value) from None
        if not math.isfinite(number):
            raise self.invalid(value)
        return number

    def _within(self, number: float, given: Any) -> Any:
        lo, hi = self.minimum, self.maximum
        if lo is not None and (number <= lo if self.above_minimum else number < lo):
            raise self.invalid(given)
        if hi is not None and number > hi:
            raise self.invalid(given)
        return number

    def _choice(self, value: Any) -> str:
        text = value.strip().lower() if isinstance(value, str) else value
        if text not in self.choices:
            raise self.invalid(value)
        return text

    def _items(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            if self.max_items and len(value) > 20 * self.max_items:
                raise InputError("invalid_parameter", f"The {self.label} text is too long.",
                                 details={"parameter": self.name})  # fmt: skip
            return [s.strip() for s in value.split(",") if s.strip()]
        if isinstance(value, list | tuple):
            return list(value)
        if self.kind == "numbers" and isinstance(value, numbers.Real) and not isinstance(value, bool):
            return [value]
        raise InputError(
            "invalid_parameter",
            f"The {self.label} must be a list, e.g. {self.hint or 'a, b'}; got {_shown(value)}.",
            details={"parameter": self.name},
        )

    def _list(self, value: Any) -> tuple[Any, ...]:
        items = self._items(value)
        if self.max_items is not None and len(items) > self.max_items:
            raise InputError(
                "invalid_parameter",
                f"{len(items)} values were given for the {self.label}; give at most "
                f"{self.max_items}.",
                details={"parameter": self.name, "count": len(items), "max": self.max_items},
            )
        out: list[Any] = []
        for item in items:
            if self.kind == "numbers":
                v: Any = self._within(self._number(item), item)
            elif self.kind == "choices":
                v = self._choice(item)
            else:
                if not isinstance(item, str) or not item.strip():
                    raise self.invalid(value, "must be a list of names")
                v = item.strip()
            if v not in out:
                out.append(v)
        if len(out) < (self.min_items or 0):
            raise InputError(
                "invalid_parameter",
                f"No {self.label} were given; give at least {self.min_items}"
                + (f", e.g. {self.hint}." if self.hint else "."),
                details={"parameter": self.name},
            )
        return tuple(out)

    def _mapping(self, value: Any) -> tuple[tuple[str, str], ...]:
        if isinstance(value, list | tuple):  # ["rainfall=inverse", ...]
            pairs: dict[str, Any] = {}
            for item in value:
                if not isinstance(item, str) or "=" not in item:
                    raise self.invalid(item, f"must be given as {self.metavar or 'NAME'}")
                k, _, v = item.partition("=")
                pairs[k.strip()] = v.strip()
            value = pairs
        if not isinstance(value, Mapping):
            raise self.invalid(value, "must map names to " + " or ".join(self.choices))
        out = []
        for key, word in value.items():
            text = str(word).strip().lower()
            if text not in self.choices or not str(key).strip():
                raise self.invalid(f"{key}={word}")
            out.append((str(key).strip(), text))
        return tuple(sorted(out, key=lambda kv: kv[0].lower()))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_count(value: Any, what: str = "number of nets", hint: str = "") -> int:
    """A whole number from user text: ``1200000``, ``"1,200,000"``, ``"1.2m"``, ``"500k"``.

    Thousands separators (``,`` ``_`` and spaces) are ignored; ``k`` means thousand and
    ``m`` million. The result must be a whole number (``"1.5"`` is refused).
    """

    def refuse(rule: str) -> InputError:
        return InputError(
            "invalid_parameter",
            f"The {what} {rule}; got {_shown(value)}.",
            details={"parameter": what, "value": str(value)[:100]},
        )

    example = hint or "e.g. 500000"
    if isinstance(value, bool):
        raise refuse(f"must be a whole number above 0 ({example})")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if math.isfinite(value) and float(value).is_integer():
            return int(value)
        raise refuse(f"must be a whole number above 0 ({example})")
    text = re.sub(r"[,_\s]", "", str(value)).lower()
    match = re.fullmatch(r"([0-9]*\.?[0-9]+(?:e[0-9]+)?)([km]?)", text)
    if not match:
        raise refuse("must be a whole number above 0 such as 500000, 1,200,000, 500k or 1.2m")
    try:
        number = Decimal(match.group(1)) * {"": 1, "k": 1000, "m": 1_000_000}[match.group(2)]
    except InvalidOperation:
        raise refuse("must be a whole number such as 500000") from None
    if number != number.to_integral_value():
        raise refuse("must be a whole number")
    return int(number)


def option(**kwargs: Any) -> Any:
    """A dataclass field declared by an :class:`Option` (its name is the field's name)."""
    decl = Option(name="", **kwargs)
    if decl.required:
        return dataclasses.field(metadata={"option": decl})
    default = decl.default
    if isinstance(default, list):
        raise ValueError("declare list defaults as tuples")
    return dataclasses.field(default=default, metadata={"option": decl})


def choice(label: str, choices: tuple[str, ...], default: str | None = None, *, help: str,
           **more: Any) -> Any:
    """An option holding one word of ``choices``."""
    return option(kind="choice", label=label, choices=choices, default=default, help=help, **more)


def flag(label: str, *, help: str) -> Any:
    """A yes-or-no option: no unless given."""
    return option(kind="flag", label=label, default=False, help=help)


def number(label: str, minimum: float, maximum: float, *, help: str, **more: Any) -> Any:
    """A number from ``minimum`` to ``maximum``."""
    return option(kind="number", label=label, minimum=minimum, maximum=maximum, help=help, **more)


def percentage(label: str, *, help: str, **more: Any) -> Any:
    """A percentage: a number from 0 to 100."""
    return number(label, 0, 100, hint="a percentage", help=help, **more)


def positive(label: str, *, help: str, maximum: float = 100, **more: Any) -> Any:
    """A number above 0 and at most ``maximum``."""
    return option(kind="number", label=label, minimum=0, above_minimum=True, maximum=maximum,
                  help=help, **more)  # fmt: skip


class Declared:
    """A parameter set: a frozen dataclass whose fields are declared with :func:`option`.

    ``from_dict`` checks a request (JSON, form fields or command-line values) option by
    option and returns the canonical instance; ``normalized`` is its JSON form, the basis
    of a result's content id.
    """

    WHAT: ClassVar[str] = "request"  # "ITN plan": named in messages
    OPTIONS: ClassVar[tuple[Option, ...]] = ()

    @classmethod
    def declare(cls, klass: type) -> type:
        """Class decorator: makes ``klass`` a frozen dataclass and collects its options."""
        klass = dataclass(frozen=True)(klass)
        klass.OPTIONS = tuple(
            dataclasses.replace(f.metadata["option"], name=f.name)
            for f in fields(klass)
            if "option" in f.metadata
        )
        return klass

    @classmethod
    def option(cls, name: str) -> Option:
        for o in cls.OPTIONS:
            if o.name == name:
                return o
        raise KeyError(f"{cls.__name__} has no option {name!r}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(o.name for o in cls.OPTIONS)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {o.name: o.default for o in cls.OPTIONS if not o.required}

    @classmethod
    def refuse_unknown(cls, given: Mapping[str, Any], accepted: tuple[str, ...]) -> None:
        """InputError naming the parameters in ``given`` that are not ``accepted``."""
        unknown = sorted(set(given) - set(accepted))
        if unknown:
            raise InputError(
                "invalid_parameter",
                f"Unknown {cls.WHAT} parameter(s): {', '.join(unknown)}. "
                f"Accepted: {', '.join(accepted)}.",
                details={"unknown": unknown},
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Any:
        given = {k: v for k, v in dict(data or {}).items() if v is not None}
        cls.refuse_unknown(given, cls.names())
        required = [o for o in cls.OPTIONS if o.required]
        missing = [o.name for o in required if o.name not in given]
        if missing:
            needs = " and the ".join(f"{o.label} ({o.name})" for o in required)
            raise InputError(
                "invalid_parameter",
                f"{_article(cls.WHAT)} {cls.WHAT} needs the {needs}; missing: {', '.join(missing)}.",
                details={"missing": missing},
            )
        values = {}
        for o in cls.OPTIONS:
            values[o.name] = o.check(given[o.name]) if o.name in given else o.default
        made = cls(**values)
        made.check_together()
        return made

    def check_together(self) -> None:
        """Rules that involve several options (override)."""

    def normalized(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for o in self.OPTIONS:
            value = getattr(self, o.name)
            if o.added and value == o.default:
                continue
            if o.kind == "mapping":
                value = dict(value)
            elif o.is_list and value is not None:
                value = list(value)
            out[o.name] = value
        return out


def _article(what: str) -> str:
    return "An" if what[:1].lower() in "aeiou" or what.startswith("ITN") else "A"


# ---- the choices and limits ------------------------------------------------------------

METHODS = ("composite", "pca")  # rankings an analysis makes
NORMALIZATIONS = ("linear", "reciprocal")
DIRECTIONS = ("direct", "inverse")
PCA_ORIENTATIONS = ("risk", "legacy")
AGGREGATIONS = ("median-score", "median-rank")
TIE_BREAKS = ("name", "code", "order")  # equal median ranks: ward name, WardCode, table order
DEFAULT_URBAN_THRESHOLDS = (20.0, 30.0, 50.0, 75.0)
MAX_VARIABLES = 16  # 2^16 - 17 = 65,519 models: the most the product computes
MAX_THRESHOLDS = 20

STRATEGIES = ("stop", "continue", "capped", "proportional")
RANK_ORDERS = ("ascending", "descending")  # rank 1 = the most / the least vulnerable ward
FILL_RULES = ("mean", "median")
# Beyond these a value is a typo, not a plan (there are about 8e9 people on Earth).
MAX_TOTAL_NETS = 10_000_000_000
MAX_WARD_POPULATION = 10_000_000_000
MAX_BALE_SIZE = 1_000_000
DEFAULT_TARGET_SHARE = 30.0

TPR_AGES = ("u5", "o5", "pw", "all")
TPR_TESTS = ("both", "rdt", "microscopy")
# The ward-table variable each age group's TPR becomes. Under-five TPR keeps the name the
# zone variable lists use (METHODOLOGY §3), whichever test it came from.
TPR_VARIABLE = {"u5": "u5_tpr_rdt", "o5": "o5_tpr", "pw": "pw_tpr", "all": "all_ages_tpr"}
FACILITY_LEVELS = ("primary", "secondary", "tertiary")
TPR_LEVELS = ("all", *FACILITY_LEVELS)
FACILITY_EXTENSIONS = ("csv", "tsv", "txt", "xlsx", "xlsm")  # facility exports read

# ward statistics from rasters (chatmrpt covariates, the covariates job)
RASTER_STATS = ("mean", "sum", "min", "max", "median", "majority", "nodata_share")
BAND_MODES = ("mean", "each")  # multi-band rasters: mean over the bands, or one column each

MAP_KINDS = ("composite", "pca", "category", "consensus", "variable", "urban", "itn")
PLOT_KINDS = ("model_scores", "rank_comparison", "itn_by_lga")
# Which formats each download comes in; the first one is the default.
EXPORT_FORMATS_BY_KIND: Mapping[str, tuple[str, ...]] = {
    "unified": ("csv", "xlsx", "geojson", "geoparquet"),
    "rankings": ("csv", "xlsx"),
    "itn_plan": ("csv", "xlsx"),
    "report": ("html",),
    "map": ("html", "png"),
    "plot": ("png",),
}
EXPORT_KINDS = tuple(EXPORT_FORMATS_BY_KIND)
EXPORT_FORMATS = tuple(dict.fromkeys(f for fs in EXPORT_FORMATS_BY_KIND.values() for f in fs))
MAX_TEXT = 200
# a variable map per ward, or averaged per LGA; small maps per row of the model maps
MAP_UNITS = ("ward", "lga")
MODEL_MAP_COLUMNS = (2, 4)


def _method(help_text: str) -> Any:
    return choice("ranking method", METHODS, "composite", help=help_text)


# parameters that several requests take, declared once
RANK_COLUMN = {
    "kind": "text", "label": "rank column", "max_length": MAX_TEXT, "added": True,
    "metavar": "NAME",
    "help": "Order the wards by this column of the ward table (ranks made elsewhere, e.g. by "
    "the R MRPT app) instead of the analysis' ranking.",
}  # fmt: skip
RANK_ORDER = {
    "kind": "choice", "label": "rank order", "choices": RANK_ORDERS, "added": True,
    "help": "With a rank column, how to read it: ascending if rank 1 is the most vulnerable "
    "ward, descending if rank 1 is the least vulnerable (as the R MRPT app's overall rank).",
}  # fmt: skip
URBAN_THRESHOLDS = {
    "kind": "numbers", "label": "urban thresholds", "default": DEFAULT_URBAN_THRESHOLDS,
    "minimum": 0, "maximum": 100, "min_items": 1, "hint": "20,30,50,75",
}  # fmt: skip
_MAP_VARIABLE = {
    "kind": "text", "label": "variable", "max_length": MAX_TEXT,
    "help": "The variable to map when the map is 'variable'.",
}  # fmt: skip
_MAP_THRESHOLD = {
    "kind": "number", "label": "urban threshold", "minimum": 0, "maximum": 100,
    "hint": "a percentage",
    "help": "Urban threshold in percent when the map is 'urban' (urban means strictly above).",
}  # fmt: skip


# ---- the parameter sets ------------------------------------------------------------------


@Declared.declare
class ItnParams(Declared):
    """An ITN distribution plan (METHODOLOGY §8)."""

    WHAT: ClassVar[str] = "ITN plan"

    total_nets: int = option(
        kind="count", label="number of nets", required=True, minimum=1, maximum=MAX_TOTAL_NETS,
        flag="--nets",
        help="Number of nets available for the campaign: 1200000, 1,200,000, 1.2m or 500k.",
    )  # fmt: skip
    household_size: float = positive(
        "household size", required=True, usual_maximum=30, hint="e.g. 5",
        help="Average number of people per household, e.g. 5.",
    )  # fmt: skip
    urban_threshold: float = percentage(
        "urban threshold", default=75.0,
        help="Wards whose urban share (percent) is at or above this are served last.",
    )  # fmt: skip
    method: str = _method("Which ranking orders the wards: the composite score or PCA.")
    strategy: str = choice(
        "strategy", STRATEGIES, "stop",
        help="stop: stop at the first ward that does not fit; continue: skip it and keep "
        "covering smaller wards; capped: no ward takes more than the maximum ward share; "
        "proportional: share a short stock within a tier in proportion to need.",
    )  # fmt: skip
    max_ward_share: float | None = positive(
        "maximum ward share", hint="a percentage of all nets", metavar="PCT",
        help="For the capped strategy: the largest share of all nets (percent) one ward may take.",
    )  # fmt: skip
    people_per_net: float = positive(
        "people per net", default=1.8, hint="the WHO factor is 1.8",
        help="People covered by one net (the WHO factor is 1.8).",
    )  # fmt: skip
    buffer: float = number(
        "buffer", 1, 10, default=1.0, hint="1.0 means no buffer, 1.1 adds 10%",
        help="Multiplier on each ward's need for losses, e.g. 1.1 adds 10%.",
    )  # fmt: skip
    bale_size: int = option(
        kind="integer", label="bale size", default=1, minimum=1, maximum=MAX_BALE_SIZE,
        hint="1 means no bales",
        help="Nets per bale; wards receive whole bales.",
    )  # fmt: skip
    fill_population: str | float | None = option(
        kind="choice_or_number", label="population fill rule", choices=FILL_RULES, minimum=0,
        maximum=MAX_WARD_POPULATION, metavar="mean|median|VALUE",
        help="Fill missing ward populations with the mean, the median or a number "
        "(default: refuse to plan).",
    )  # fmt: skip
    rank_column: str | None = option(**RANK_COLUMN)
    rank_order: str | None = option(**RANK_ORDER)

    def check_together(self) -> None:
        share = self.option("max_ward_share")
        if self.strategy != "capped" and self.max_ward_share is not None:
            raise share.invalid(
                self.max_ward_share,
                "applies only to strategy 'capped'; choose that strategy or leave it out",
            )
        if self.strategy == "capped" and self.max_ward_share is None:
            raise share.invalid(None, share.rule + ", required for strategy 'capped'")
        if self.bale_size > self.total_nets:
            raise self.option("bale_size").invalid(
                self.bale_size, f"must not exceed the number of nets ({self.total_nets:,})"
            )
        check_rank_column(self)


def check_rank_column(request: Any) -> None:
    """A rank column and its order come together: ranks made elsewhere may count from the
    most or from the least vulnerable ward, and guessing wrong would reverse the result."""
    column, order = request.rank_column, request.rank_order
    if column is None and order is not None:
        raise InputError(
            "invalid_parameter",
            "A rank order was given without a rank column; name the column that holds the "
            "ranks (rank column), or leave the rank order out.",
            details={"parameter": "rank_order"},
        )
    if column is not None and order is None:
        raise InputError(
            "invalid_parameter",
            f"Say how to read the ranks in column {column!r}: rank order 'ascending' if rank 1 "
            "is the most vulnerable ward, 'descending' if rank 1 is the least vulnerable (as "
            "the R MRPT app's overall rank).",
            details={"parameter": "rank_order", "column": column},
        )


@Declared.declare
class ReprioritizationParams(Declared):
    """Urban reprioritisation (METHODOLOGY §7)."""

    WHAT: ClassVar[str] = "reprioritisation"

    thresholds: tuple[float, ...] = option(
        **URBAN_THRESHOLDS, max_items=MAX_THRESHOLDS,
        help="Urban share thresholds in percent (urban means strictly above), e.g. 20,30,50,75.",
    )  # fmt: skip
    target: float = percentage(
        "target population share", default=DEFAULT_TARGET_SHARE, above_minimum=True,
        chat_name="target_share",
        help="Stop once the selected wards hold this percentage of the population.",
    )  # fmt: skip
    method: str = _method("Which ranking orders the wards: the composite score or PCA.")
    rank_column: str | None = option(**RANK_COLUMN)
    rank_order: str | None = option(**RANK_ORDER)

    def check_together(self) -> None:
        check_rank_column(self)


@Declared.declare
class TprParams(Declared):
    """Test positivity rate from a facility export (METHODOLOGY §9)."""

    WHAT: ClassVar[str] = "TPR"

    age: str = choice(
        "age group", TPR_AGES, "u5",
        help="u5: under five; o5: five and over (without pregnant women); pw: pregnant women; "
        "all.",
    )  # fmt: skip
    test: str = choice(
        "test", TPR_TESTS, "both",
        help="rdt, microscopy, or both (the method with the higher rate per ward).",
    )  # fmt: skip
    facility_level: str = choice(
        "facility level", TPR_LEVELS, "all", help="Which facilities to count."
    )
    by_year: bool = flag("by-year option", help="One row per ward and year, with a trend per ward.")
    trend_threshold: float = positive(
        "trend threshold", default=5.0, maximum=1000, hint="per 1,000 (or TPR points) per year",
        help="With by_year: the slope per year from which a ward's trend is worsening "
        "(at or above it) or improving (at or below minus it).",
    )  # fmt: skip
    join: bool = flag(
        "join option", help="Add the ward TPR to the current ward table as a new variable."
    )
    sheet: str | None = option(
        kind="text", label="worksheet", max_length=100,
        help="Worksheet of an XLSX export (default: the one that looks like an export).",
    )  # fmt: skip


@Declared.declare
class MapRequest(Declared):
    """A ward map of a finished analysis."""

    WHAT: ClassVar[str] = "map"

    kind: str = choice("map", MAP_KINDS, "composite", chat_name="what", help="What the map shows.")
    variable: str | None = option(**_MAP_VARIABLE)
    threshold: float | None = option(**_MAP_THRESHOLD)


@Declared.declare
class ExportRequest(Declared):
    """A download of a result in a file format."""

    WHAT: ClassVar[str] = "download"

    what: str = choice("result", EXPORT_KINDS, "unified", help="Which result to hand over.")
    format: str | None = choice(
        "file format", EXPORT_FORMATS, help="File format; each result has its own usual format."
    )
    kind: str | None = choice(
        "map or chart", MAP_KINDS + PLOT_KINDS, help="The map (result map) or chart (result plot)."
    )
    variable: str | None = option(**_MAP_VARIABLE)
    threshold: float | None = option(**_MAP_THRESHOLD)
    n: int = option(
        kind="integer", label="number of models", default=20, minimum=1, maximum=100,
        help="How many of the best models the model-score chart shows.",
    )  # fmt: skip

    def check_together(self) -> None:
        allowed = EXPORT_FORMATS_BY_KIND[self.what]
        if self.format is not None and self.format not in allowed:
            raise self.option("format").invalid(
                self.format, f"of this download ({self.what}) must be {' or '.join(allowed)}"
            )
        if self.kind is not None:
            kinds = PLOT_KINDS if self.what == "plot" else MAP_KINDS
            if self.what in ("map", "plot") and self.kind not in kinds:
                raise self.option("kind").invalid(self.kind, f"must be one of {', '.join(kinds)}")

    @property
    def file_format(self) -> str:
        """The format asked for, or the usual one of this result."""
        return self.format or EXPORT_FORMATS_BY_KIND[self.what][0]

    @property
    def map_or_chart(self) -> str:
        """The map or chart asked for, or the usual one."""
        return self.kind or ("model_scores" if self.what == "plot" else "composite")
