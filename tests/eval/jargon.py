"""Jargon in a chat reply: words a programme officer should never have to decode.

``jargon(text)`` lists what it finds: command-line flags, the analysis' internal column and
field names where a plain label exists, internal rule names ("tier 2", "strategy stop") and
Kaiser's raw labels for the KMO measure. The names of the user's own columns (e.g.
``u5_tpr_rdt`` in an uploaded table) are their words, not jargon, and are not counted. The evaluation counts replies that hold any
(``run_eval``), and the unit tests check the replies of the chat tests with it.
"""

from __future__ import annotations

import re

INTERNAL_NAMES = (
    "composite_rank", "composite_score", "composite_category", "pca_rank", "pca_score",
    "pca_category", "vulnerability_category", "urban_share",
    "nets_needed", "nets_allocated", "population_covered", "wards_fully_covered",
    "wards_partly_covered", "wards_not_covered", "coverage_percent", "total_nets",
    "household_size", "max_ward_share", "people_per_net", "bale_size", "urban_threshold",
    "target_share", "burden_per_1000", "rank_order", "tie_break", "facility_level",
    "test_method", "fuzzy_matches", "imputed_cells", "explained_variance_ratio",
    "ward_code", "lga_code", "rule_counts",
)
PATTERNS = (
    ("flag", re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")),
    ("internal name", re.compile(r"\b(?:" + "|".join(INTERNAL_NAMES) + r")\b")),
    ("rule name", re.compile(r"\btier\s*[0-9]\b|\bstrategy\s*[=:]?\s*(?:stop|continue)\b",
                             re.I)),
    ("raw KMO label", re.compile(r"\b(?:marvel(?:l)?ous|meritorious|middling|mediocre"
                                 r"|miserable|unacceptable)\b", re.I)),
    ("code", re.compile(r"[{}]|\bNone\b|\bTrue\b|\bFalse\b|\bNaN\b")),
)


def jargon(text: str) -> list[str]:
    """The jargon found in ``text``, as "kind: words" strings (empty: plain)."""
    found = []
    for kind, rx in PATTERNS:
        for m in rx.finditer(text or ""):
            found.append(f"{kind}: {m.group(0)}")
    return list(dict.fromkeys(found))
