"""Two wards, or two LGAs, set side by side in one question: "gambari 1 vs gambari 2 which
one worse, rank?", "Linasa A or Linasa B, which is more at risk?", "which LGA code has more
high wards, 20001 or 20037? how many", "Raku and Kano Municipal, which has more low wards?".

Read as one ward (or one LGA), the question gets an answer about the first name only, shown
as if it were the answer: both are answered here, each with its figure, and the reply says
which one is the more vulnerable (for wards) or gives both counts (for LGAs).
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import CATEGORY, lgas_named
from chatmrpt.chat.state import Decision, Facts, Step

# a question that sets two things side by side and asks which one
_WHICH = re.compile(r"\bwhich\b|\bwetin\b|\bwho\b|\bcompare\w*\b|\bcomparison\b|\bvs\.?(?!\w)"
                    r"|\bversus\b|\bbetween\b|\bagainst\b")
_SIDE = re.compile(r"\bvs\.?(?!\w)|\bversus\b|\bor\b|\band\b|\bbetween\b|\bagainst\b|&|,|/")
# what is compared: vulnerability (the rank) for wards; a number of wards for LGAs
_WORSE = re.compile(r"\bworse\w*|\bworst\b|\bmore\b|\bhigher\b|\bhighest\b|\bbetter\b|\bless\b"
                    r"|\blower\b|\bmost\b|\bleast\b|\brank\w*|\bvulnerab\w*|\brisk\w*|\bsafer\b"
                    r"|\bpriorit\w*|\bcompare\w*|\bvs\.?(?!\w)|\bversus\b|\bdey\s+high\w*")
_LEAST = re.compile(r"\b(?:less|least|lower|lowest|safer|safest)\s+(?:vulnerab\w*|at\s+risk"
                    r"|risk\w*|affected|priority)\b|\bsafer\b|\bsafest\b|\bbetter\s+off\b")
_OTHER_ASK = re.compile(r"\bplan\w*|\bnets?\b|\bitns?\b|\bmaps?\b|\bexport\w*|\bdownload\b"
                        r"|\bsave\b|\burban\w*\b|\bpopulation\b|\bpeople\b|\bexplain\b|\bwhy\b")
_COUNT = re.compile(r"\bhow\s+many\b|\bcount\b|\bnumber\s+of\b|\bmore\s+(?:high|medium|low)"
                    r"|\bmost\s+(?:high|medium|low)|\bfewer\b|\bmore\s+wards\b|\bmost\s+wards\b")
_CODE = re.compile(r"(?<![\d.,])(\d{4,6})(?![\d.,%]|\s*(?:k|m|nets?|people)\b)")


def _two_wards(text: str, ctx: RouterContext) -> list[str] | None:
    """The two wards a message names, each one ward of the data; None otherwise."""
    if not ctx.wards:
        return None
    matches = ex.find_wards(text, ctx.wards)
    names: list[str] = []
    for m in matches:
        if m.score < 85 or len(m.candidates) != 1:
            return None
        if m.names[0] not in names:
            names.append(m.names[0])
    return names if len(names) == 2 else None


def compared(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """Both wards (or both LGAs) of a side-by-side question answered; None otherwise."""
    if not ctx.analysis_ready:
        return None
    low = ex.lower_text(text)
    if not _WHICH.search(low) or not _SIDE.search(low) or _OTHER_ASK.search(low):
        return None
    pair = _lga_pair(low, facts)
    if pair is not None:
        return pair
    wards = _two_wards(text, ctx)
    if wards is None or not _WORSE.search(low):
        return None
    if len(ex.find_variables(text, ctx.variables)) > 0 and not re.search(
            r"\brank\w*|\bvulnerab\w*|\bworse\b|\bat\s+risk\b", low):
        return None  # "which has more rainfall, A or B": a value, read elsewhere
    least = bool(_LEAST.search(low))
    params: dict[str, Any] = {"about": "ward_compare", "wards": wards,
                              "order": "fewest" if least else "most"}
    return Decision([Step("ask_results", params, source=text)],
                    reading={"compared": "wards"})


def _lga_pair(low: str, facts: Facts) -> Decision | None:
    """ "which LGA code has more high wards, 20001 or 20037?": each one's count."""
    if not _COUNT.search(low):
        return None
    cat = CATEGORY.search(low)
    codes = [c for c in dict.fromkeys(_CODE.findall(low)) if c in facts.lga_codes]
    places: list[dict[str, Any]] = []
    if len(codes) == 2:
        places = [{"lga_code": c} for c in codes]
    elif facts.lgas and not codes:
        named = lgas_named(low, facts.lgas)
        if len(named) == 2:
            places = [{"lga": lg} for lg in named]
    if len(places) != 2:
        return None
    steps = []
    for place in places:
        params: dict[str, Any] = {"about": "ward_counts", **place}
        if cat:
            params["category"] = cat.group(1).title()
        steps.append(Step("ask_results", params, source=low))
    return Decision(steps, reading={"compared": "lgas"})
