"""Plain-language explanations of the method and of results.

The texts are written for a programme officer who has to explain a ranking (or a ward's
de-prioritisation) to a community, and they follow METHODOLOGY.md: linear normalisation by
default, the composite score as the median of the model scores, categories by thirds of the
ranking (h = n // 3), urban meaning strictly above the threshold, and a ward's net need of
ceil(max(population / 1.8, ceil(population / household size))). Everything here is a pure
function of its arguments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.analysis.lga_names import code_text
from chatmrpt.analysis.variables import catalogue_entry
from chatmrpt.chat.tools import METHODOLOGY_TOPICS, METHODS
from chatmrpt.errors import InputError

_TEXTS: dict[str, str] = {
    "general": (
        "How the wards are ranked, step by step:\n"
        "1. Each ward has a few measured risk factors (variables), such as test positivity "
        "among children under five, rainfall, housing quality or distance to water.\n"
        "2. Every variable has a direction. For most, a higher value means more malaria risk "
        "(direct); for some, such as housing quality, distance to water, elevation, urban "
        "share and night-time lights, a higher value means less risk (inverse).\n"
        "3. Missing values are filled from the ward's neighbours, and every filled value is "
        "reported.\n"
        "4. Each variable is put on the same 0-to-1 scale (1 = the highest risk seen among the "
        "wards) with linear normalisation.\n"
        "5. The composite score is the median of the scores of every combination of two or "
        "more variables, so no single variable decides a ward's place. Rank 1 is the most "
        "vulnerable ward.\n"
        "6. PCA gives a second, independent ranking; comparing the two shows how robust the "
        "ranking is.\n"
        "7. The ranking is cut into thirds: High, Medium and Low priority.\n"
        "8. Urban wards with low vulnerability can be set aside in a mass campaign "
        "(urban reprioritisation), and the net plan gives the available nets to wards in "
        "order of priority.\n"
        "Every result says which variables were used and which direction each one took."
    ),
    "composite": (
        "The composite score combines all the risk variables into one number per ward.\n"
        "First every variable is put on a 0-to-1 scale, where 1 is the highest risk among the "
        "wards and 0 the lowest. Then every combination of at least two variables is tried: "
        "with k variables there are 2^k - k - 1 combinations (models) - 1 for two variables, "
        "4 for three, 11 for four, 26 for five. In each model, a ward's score is the plain "
        "average of its scaled values. The ward's composite score is the median (the middle "
        "value) of all its model scores.\n"
        "Using the median of many combinations means that no single variable, and no single "
        "choice of variables, decides where a ward lands: a ward ranks high only when most "
        "combinations agree that it is at risk. Wards are ranked by this score, rank 1 being "
        "the most vulnerable; equal scores keep the order of the table."
    ),
    "pca": (
        "PCA (principal component analysis) is a second way of ranking the wards. It looks for "
        "the patterns that the variables share - for example wards where rainfall, wetness and "
        "test positivity tend to be high together - and scores each ward on those patterns.\n"
        "How it is done: missing values take the variable's median; each variable is "
        "standardised; inverse variables are turned around first so that every variable "
        "points towards more risk. The components are oriented so that a higher score always "
        "means more risk, and the ward's score is the sum of its first (up to three) component "
        "scores, each weighted by the share of the variation it explains.\n"
        "PCA is only used when the data suit it: at least 3 variables, more wards than "
        "variables, a Kaiser-Meyer-Olkin (KMO) measure of at least 0.5 and a Bartlett test "
        "p-value below 0.05. Otherwise the ranking relies on the composite score alone, and "
        "the reason is reported. When both methods ran, comparing them shows which wards are "
        "ranked the same way by both (a robust result) and which move a lot."
    ),
    "normalization": (
        "Variables come in very different units (millimetres of rain, percentages, metres), so "
        "before they can be combined each one is rescaled to run from 0 to 1 over the wards. "
        "This is linear (min-max) normalisation, the default:\n"
        "- for a direct variable (higher means more risk): (value - lowest) / (highest - lowest);\n"
        "- for an inverse variable (higher means less risk): (highest - value) / (highest - "
        "lowest), which is the same as 1 minus the direct value.\n"
        "So on every scaled variable, 1 is the highest-risk ward and 0 the lowest-risk ward. A "
        "variable that is the same in every ward gives 0.5 everywhere.\n"
        "The older tool instead turned inverse variables into 1 / value before scaling "
        "('reciprocal'); a single value near zero then makes that ward 1.0 and squeezes every "
        "other ward towards 0, which is why it is not the default. It is still available to "
        "reproduce old results."
    ),
    "imputation": (
        "Some wards have no value for a variable. Such a gap is filled with the average of the "
        "ward's neighbours - the wards whose boundaries touch it, along an edge or at a corner - "
        "using only values that were really observed, so the result does not depend on the "
        "order of the wards. A ward with no neighbour that has a value, or data without "
        "boundaries, gets the average of all wards instead.\n"
        "Every filled value is reported (ward, variable, how it was filled and the value), so "
        "nothing is hidden. A variable missing in more than half of the wards, or with the "
        "same value everywhere, cannot tell wards apart fairly and is left out, with a message."
    ),
    "urban": (
        "Urban reprioritisation finds urban wards that are among the least vulnerable, so that "
        "a mass net campaign can serve the higher-risk wards first.\n"
        "A ward counts as urban at a threshold when its urban share is strictly above that "
        "percentage (thresholds 20, 30, 50 and 75% are shown by default; 'above 50%' means "
        "50% itself is not urban). Starting from the least vulnerable ward, urban wards are "
        "selected one by one until together they hold the target share of the population "
        "(30% by default), or until no urban ward is left.\n"
        "How to explain it to a community: the ward was not forgotten. All wards were ranked "
        "by the same measured risk factors; this ward is urban and came out among the lowest "
        "malaria risk, so when nets are too few for everyone, campaign nets go first to wards "
        "where malaria risk is higher. The selection is a list of candidates for the "
        "programme to decide on, not a final verdict."
    ),
    "itn": (
        "The net plan spreads a limited stock of insecticide-treated nets over the wards by "
        "priority.\n"
        "Need of a ward = ceil(max(population / 1.8, ceil(population / household size))): one "
        "net for every 1.8 people (the WHO quantification factor), and never fewer than one "
        "net per household. The total number of nets and the average household size always "
        "come from the user; they are never assumed. An optional buffer (e.g. 1.1 adds 10%) "
        "covers losses, and nets can be counted in whole bales.\n"
        "Order: wards whose urban share is below the urban threshold (75% by default) come "
        "first, the urban wards after them; within each group, the most vulnerable ward "
        "comes first. By default each ward is covered fully while nets last; the first ward "
        "that cannot be covered fully gets what remains, and allocation stops. Other "
        "strategies skip a ward that does not fit and keep covering smaller ones ('continue'), "
        "or cap any single ward at a share of the stock ('capped'). The plan reports every "
        "ward's need, nets allocated, coverage and the people covered; a ward taking more than "
        "25% of all nets is flagged. The same inputs always give the same plan."
    ),
    "tpr": (
        "The test positivity rate (TPR) is the share of people tested for malaria who tested "
        "positive: positive / tested x 100.\n"
        "It is computed per ward (grouped by LGA and ward, since ward names repeat across "
        "LGAs) from health-facility reports: the tests and positives of all chosen facilities "
        "and months are added up for the age group asked for (under five, five and over, "
        "pregnant women, or all). Rapid tests (RDT) and microscopy are counted separately; "
        "with 'both', the method with the higher rate is used for the ward (RDT on a tie) - "
        "the two are never added together, because the same patient is often tested both "
        "ways. With a population column, the burden per 1,000 people is also given. The ward "
        "TPR then becomes a risk variable of the analysis."
    ),
    "categories": (
        "After ranking, wards are put into three priority categories of (almost) equal size. "
        "With n wards and h = n // 3 (n divided by 3, rounded down): ranks 1 to h are High, "
        "the last h ranks (n - h + 1 to n) are Low, and the rest are Medium. For example, 10 "
        "wards give 3 High, 4 Medium and 3 Low; 484 wards give 161, 162 and 161.\n"
        "The same rule is used everywhere - in maps, tables, the PCA ranking, net plans and "
        "this chat - so a ward's category never depends on where you look. A category only "
        "says where the ward stands compared with the other wards in this data, not an "
        "absolute level of malaria."
    ),
}

if set(_TEXTS) != set(METHODOLOGY_TOPICS):  # pragma: no cover - a declaration error
    raise RuntimeError("every methodology topic needs an explanation")


def explain_methodology(topic: str = "general") -> str:
    """The plain-language explanation of one part of the method."""
    key = str(topic or "general").strip().lower()
    key = {"normalisation": "normalization", "category": "categories", "itns": "itn",
           "nets": "itn", "reprioritization": "urban", "reprioritisation": "urban"}.get(key, key)  # fmt: skip
    if key not in _TEXTS:
        raise InputError(
            "invalid_parameter",
            f"There is no explanation for {topic!r}. Topics: {', '.join(METHODOLOGY_TOPICS)}.",
            details={"topic": topic, "topics": list(METHODOLOGY_TOPICS)},
        )
    return _TEXTS[key]


# --- results ------------------------------------------------------------------------------


def category_for_rank(rank: int, n_wards: int) -> str:
    """High / Medium / Low by the one rule of METHODOLOGY §5 (h = n // 3)."""
    h = n_wards // 3
    if rank <= h:
        return "High"
    if rank >= n_wards - h + 1:
        return "Low"
    return "Medium"


def _category_bands(n_wards: int) -> str:
    h = n_wards // 3
    if h == 0:
        return "with so few wards, all are Medium"
    return f"High is ranks 1-{h}, Medium {h + 1}-{n_wards - h}, Low {n_wards - h + 1}-{n_wards}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _label(variable: str) -> str:
    entry = catalogue_entry(variable)
    if entry is not None:
        return f"{entry.label} ({variable})" if entry.name != variable else entry.label
    return variable.replace("_", " ")


def variable_words(variable: str) -> str:
    """A column as the table names it, then what it measures in plain words:
    "housing_quality (share of improved housing)". Columns outside the catalogue keep their
    own name."""
    entry = catalogue_entry(variable)
    if entry is None or entry.label.lower() == str(variable).lower().replace("_", " "):
        return str(variable)
    return f"{variable} ({entry.label})"


# Why each catalogue variable takes its direction, in words a programme officer can repeat.
DIRECTION_REASONS: dict[str, str] = {
    "u5_tpr_rdt": "more children testing positive means more malaria is going round",
    "pfpr": "more people carrying the parasite means more transmission",
    "burden": "more malaria cases per person means a heavier burden",
    "rainfall": "more rain leaves more standing water where mosquitoes breed",
    "ndvi": "dense vegetation gives mosquitoes shelter and humid resting places",
    "evi": "dense vegetation gives mosquitoes shelter and humid resting places",
    "ndwi": "more surface water means more places where mosquitoes breed",
    "ndmi": "moister land and vegetation mean more breeding and resting places",
    "soil_wetness": "wet soil holds the standing water where mosquitoes breed",
    "temperature": "warmth speeds up the mosquito's and the parasite's development",
    "humidity": "humid air lets mosquitoes live longer",
    "flood": "flooding leaves standing water where mosquitoes breed",
    "settlement_type": "poor or informal housing lets mosquitoes in more easily",
    "population_density": "more people living close together means more people bitten",
    "distance_to_waterbodies": "wards far from rivers and ponds have fewer breeding sites "
                               "nearby",
    "elevation": "higher ground is cooler and drains better, so mosquitoes do less well",
    "housing_quality": "better housing (closed eaves, screened windows, solid walls) keeps "
                       "mosquitoes out",
    "urban_percentage": "towns have fewer breeding sites and better access to care than "
                        "rural areas",
    "nighttime_lights": "brighter wards are usually more built-up and better served, with "
                        "less malaria",
    "nets_per_capita": "more nets already in households protect more people",
}


def direction_reason(variable: str, direction: str, source: str | None = None) -> str:
    """Why ``variable`` takes ``direction`` in an analysis: set by the user, from the
    variable catalogue (with the reason), from its name, or the default."""
    if source == "user":
        return "you chose this direction"
    entry = catalogue_entry(variable)
    if entry is not None and entry.direction == direction and entry.name in DIRECTION_REASONS:
        return DIRECTION_REASONS[entry.name]
    if source == "name" or (source is None and direction == "inverse"):
        return ("its name contains a word such as distance, quality, access or urban, which "
                "usually marks something that protects against malaria")
    if entry is not None and entry.direction != direction:
        return "you chose this direction (the usual one is the other way round)"
    return "a higher value is read as more risk unless you say otherwise"


def direction_words(direction: str) -> str:
    """'direct' / 'inverse' with their meaning."""
    if direction == "inverse":
        return "inverse: a higher value means less risk"
    return "direct: a higher value means more risk"


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _ward_label(row: Mapping[str, Any]) -> str:
    name = row.get("WardName")
    name = str(name) if name is not None and str(name).strip() else "This ward"
    lga = row.get("LGA")
    if lga is not None and str(lga).strip() and str(lga) != "nan":
        return f"{name} ({lga} LGA)"
    code = next((code_text(row.get(c)) for c in ("LGACode", "lga_code", "LGA_CODE")
                 if row.get(c) is not None and code_text(row.get(c))), None)
    return f"{name} (LGA code {code})" if code else name


def explain_ward(
    ward_row: Mapping[str, Any], variables: Sequence[Mapping[str, Any]], n_wards: int
) -> str:
    """Why a ward ranks where it does, from its normalised values.

    ``ward_row`` is the ward's row of the unified dataset (``normalized_<variable>``,
    ``composite_rank``, optionally ``composite_score``, ``pca_rank``, raw values and
    ``imputed_<variable>`` flags). ``variables`` lists the analysis's variables as
    ``{"name", "direction"}``. A normalised value is the ward's risk on that variable from
    0 (lowest among the wards) to 1 (highest), direction already applied.
    """
    n_wards = int(n_wards)
    if n_wards < 1:
        raise InputError("invalid_parameter", "The number of wards must be at least 1.")
    label = _ward_label(ward_row)
    lines: list[str] = []

    rank = _number(ward_row.get("composite_rank"))
    if rank is not None:
        rank_i = int(rank)
        category = ward_row.get("composite_category") or category_for_rank(rank_i, n_wards)
        score = _number(ward_row.get("composite_score"))
        score_text = f" (composite score {score:.3f})" if score is not None else ""
        lines.append(
            f"{label} ranks {ordinal(rank_i)} of {n_wards} wards on the composite score"
            f"{score_text}, in the {category} priority category "
            f"(rank 1 is the most vulnerable ward; {_category_bands(n_wards)})."
        )
    else:
        lines.append(f"{label} has no composite rank yet: run the analysis first.")

    up, middle, down, absent = [], [], [], []
    for var in variables:
        name = str(var["name"])
        direction = str(var.get("direction", "direct"))
        value = _number(ward_row.get(f"normalized_{name}"))
        if value is None:
            absent.append(_label(name))
            continue
        item = (value, name, direction)
        if value >= 0.6:
            up.append(item)
        elif value <= 0.4:
            down.append(item)
        else:
            middle.append(item)
    up.sort(key=lambda t: (-t[0], t[1]))
    down.sort(key=lambda t: (t[0], t[1]))
    middle.sort(key=lambda t: (-t[0], t[1]))

    if up:
        lines.append("What pushes it up (compared with the other wards):")
        lines.extend(_variable_line(ward_row, *item) for item in up)
    if down:
        lines.append("What pulls it down:")
        lines.extend(_variable_line(ward_row, *item) for item in down)
    if middle:
        lines.append("Close to the middle of the wards:")
        lines.extend(_variable_line(ward_row, *item) for item in middle)
    if absent:
        lines.append(f"No normalised value for: {', '.join(absent)}.")

    pca_rank = _number(ward_row.get("pca_rank"))
    if pca_rank is not None:
        pca_i = int(pca_rank)
        pca_category = ward_row.get("pca_category") or category_for_rank(pca_i, n_wards)
        text = f"By PCA it ranks {ordinal(pca_i)} ({pca_category})"
        if rank is not None:
            gap = abs(pca_i - int(rank))
            if gap <= max(1, n_wards // 20):
                text += ", so both methods agree on its place."
            elif gap >= max(2, n_wards // 5):
                text += (f", {gap} places away from its composite rank: treat its position with "
                         "care and look at the variables above.")  # fmt: skip
            else:
                text += f", {gap} places from its composite rank."
        else:
            text += "."
        lines.append(text)

    allocated, needed = (
        _number(ward_row.get("nets_allocated")),
        _number(ward_row.get("nets_needed")),
    )
    if allocated is not None and needed is not None:
        lines.append(f"In the current net plan it receives {allocated:,.0f} of the "
                     f"{needed:,.0f} nets it needs.")  # fmt: skip

    if up or down:
        summary = "In short: it ranks where it does mainly because of " + (
            _join([_label(n) for _, n, _ in up[:3]]) + (" (high risk)" if up else "")
            if up else _join([_label(n) for _, n, _ in down[:3]]) + " (low risk)"
        ) + "."  # fmt: skip
        lines.append(summary)
    return "\n".join(lines)


def _variable_line(row: Mapping[str, Any], value: float, name: str, direction: str) -> str:
    raw = _number(row.get(name))
    raw_text = f"value {_fmt(raw)}, " if raw is not None else ""
    if direction == "inverse":
        meaning = "higher values mean less risk, so a low value here raises risk"
    else:
        meaning = "higher values mean more risk"
    imputed = row.get(f"imputed_{name}")
    filled = " Its value was missing and was filled from neighbouring wards." if (
        imputed is True or imputed == 1 or str(imputed).lower() == "true") else ""  # fmt: skip
    return f"- {_label(name)}: {raw_text}risk {value:.2f} on a 0-1 scale ({meaning}).{filled}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_top_wards(
    rows: Sequence[Mapping[str, Any]], n: int = 10, method: str = "composite", order: str = "top",
    start: int = 1,
) -> str:
    """The ``n`` most (``top``) or least (``bottom``) vulnerable wards, one line each; from
    place ``start`` of that order on when it is not the first ("the next five")."""
    method = str(method).strip().lower()
    order = str(order).strip().lower()
    if method not in METHODS:
        raise InputError("invalid_parameter",
                         f"Method {method!r} is not known; use 'composite' or 'pca'.")  # fmt: skip
    if order not in ("top", "bottom"):
        raise InputError("invalid_parameter",
                         f"Order {order!r} is not known; use 'top' or 'bottom'.")  # fmt: skip
    n = int(n)
    if n < 1:
        raise InputError("invalid_parameter", "Ask for at least one ward.")
    rank_col, score_col, cat_col = f"{method}_rank", f"{method}_score", f"{method}_category"
    ranked = [(i, r, _number(r.get(rank_col))) for i, r in enumerate(rows)]
    ranked = [(i, r, k) for i, r, k in ranked if k is not None]
    method_name = "the composite score" if method == "composite" else "PCA"
    if not ranked:
        raise InputError(
            "invalid_parameter",
            f"There is no {method_name} ranking in these results"
            + (
                " (PCA was not suitable for this data, or not requested); ask for the composite "
                "ranking instead."
                if method == "pca"
                else "; run the analysis first."
            ),  # fmt: skip
            details={"method": method},
        )
    ranked.sort(key=lambda t: (t[2], t[0]) if order == "top" else (-t[2], t[0]))
    total = len(ranked)
    start = max(1, int(start))
    chosen = ranked[start - 1:start - 1 + n]
    which = "most" if order == "top" else "least"
    if start > 1:
        if not chosen:
            return f"There are only {total} ranked wards by {method_name}; none is left after place {start - 1}."
        end = start + len(chosen) - 1
        side = "from the top (most vulnerable first)" if order == "top" else \
            "from the bottom (least vulnerable first)"
        head = (f"Place {start} {side} by {method_name}:" if end == start else
                f"Places {start} to {end} {side} by {method_name} (rank 1 = most vulnerable):")
    elif n > total:
        head = f"There are only {total} ranked wards; all of them, {which} vulnerable first, by {method_name}:"
    elif n == 1:
        head = f"The {which} vulnerable ward by {method_name}:"
    else:
        head = f"The {n} {which} vulnerable wards by {method_name} (rank 1 = most vulnerable):"
    lines = [head]
    for pos, (_, row, rank) in enumerate(chosen, start=start):
        rank_i = int(rank)
        score = _number(row.get(score_col))
        category = row.get(cat_col) or category_for_rank(rank_i, total)
        parts = [f"rank {rank_i}"]
        if score is not None:
            parts.append(f"score {score:.3f}")
        parts.append(str(category))
        lines.append(f"{pos}. {_ward_label(row)} - {', '.join(parts)}")
    return "\n".join(lines)
