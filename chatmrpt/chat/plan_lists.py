"""The wards of the stored plan by their coverage: "which wards get full coverage?", "which
wards in Kuran get no nets?", "list the wards that get nets". Their names, from the plan;
the totals alone answered another question. A pure function of the message and the context.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import find_lga
from chatmrpt.chat.state import Decision, Facts, Step

ASKS_NAMES = re.compile(r"^(?!.*\bhow\s+many\b).*(?:\b(?:which|what)\s+wards?\b|\b(?:list|name|show"
                        r"|give)\b[^.?!]{0,30}\bwards?\b|\bwards?\s+(?:that|which|wey|dat)\b)")
COVERAGE = (
    ("none", r"\bno\s+nets?\b|\bnot\s+(?:be\s+)?covered\b|\buncovered\b|\bzero\s+nets?\b|\bget\s+none"
             r"\b|\b(?:don'?t|do\s+not|won'?t|will\s+not|doesn'?t|does\s+not)\s+(?:get|receive)\b"
             r"|\bget\s+nothing\b|\bmiss(?:es)?\s+out\b|\bleft\s+without\b"),
    ("partial", r"\bpart(?:ly|ial(?:ly)?)\b|\bnot\s+fully\b|\bhalf\s+covered\b"),
    ("full", r"\bfull(?:y)?\s+cover\w*|\bcovered\s+fully\b|\bfull\s+coverage\b|\b100\s*%"
             r"|\bcomplete(?:ly)?\s+cover\w*|\ball\s+(?:the\s+)?nets\s+they\s+need\b"),
    ("any", r"\b(?:get|gets|getting|receive|receives|receiving|got)\s+(?:any\s+|some\s+)?nets\b"
            r"|\bare\s+covered\b"),
)


def plan_coverage_question(text: str, low: str, ctx: RouterContext,
                           facts: Facts) -> Decision | None:
    """The wards of the stored plan with the coverage asked about, or None."""
    if ctx.last_plan is None:
        return None
    raw = ex.lower_text(text)
    if not ASKS_NAMES.search(raw) or re.search(r"\b(?:what\s+if|suppose|would|if\s+we|re-?plan"
                                               r"|make\s+it|export|download|map|instead)\b"
                                               r"|\bplan\s+\d", raw):
        return None
    coverage = next((k for k, p in COVERAGE if re.search(p, raw)), None)
    if coverage is None:
        return None
    params: dict[str, Any] = {"about": "plan_coverage", "coverage": coverage}
    lga, unknown = find_lga(text, facts.lgas)
    if unknown and not lga:
        return None
    if lga:
        params["lga"] = lga
    return Decision([Step("ask_results", params, source=text)],
                    reading={"stored": "plan_coverage"})
