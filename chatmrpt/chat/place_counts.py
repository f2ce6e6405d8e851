"""The wards of two or more LGAs counted in one question: "how many wards in 24006 and 24008
together", "how many wards do Zaria and Fagge have combined": each LGA's count and their
sum, answered from the ward table (nothing run).

A question with a category, a plan word or anything but the places and plain counting words
is left to the other readers (one LGA at a time there).
"""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, Facts, Step

_HOW_MANY = re.compile(r"\bhow\s+many\s+wards?\b|\bnumber\s+of\s+wards\b|\bward\s+count\b")
# the words such a question may hold besides its places
_WORDS = {
    "how", "many", "wards", "ward", "in", "are", "is", "there", "do", "does", "have", "has",
    "get", "got", "together", "combined", "altogether", "total", "in total", "all", "both",
    "and", "&", "plus", "the", "lga", "lgas", "code", "codes", "of", "for", "between", "them",
    "number", "count", "sum", "so", "ok", "okay", "please", "pls", "abeg", "we", "our", "dey",
    "with", "inside", "within", "under", "what", "their", "each", "nd", "or",
    "local", "government", "governments", "areas", "area", "table", "data", "my", "quick",
}  # fmt: skip


def wards_together(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """Each named LGA's ward count and their sum, or None."""
    from chatmrpt.chat.slots import lgas_named

    if not ctx.has_dataset or not ctx.wards:
        return None
    low = ex.lower_text(text)
    if not _HOW_MANY.search(low):
        return None
    from chatmrpt.chat.place_follow import CODE_SAID, codes_said

    codes = codes_said(low, facts.lga_codes)
    rest = CODE_SAID.sub(" ", low) if codes else low
    names = lgas_named(rest, facts.lgas) if facts.lgas else []
    for name in names:
        rest = re.sub(r"(?<![a-z])" + re.escape(name.lower()) + r"(?![a-z])", " ", rest)
    places = len(codes) + len(names)
    if places < 2 or (codes and names) or len(set(codes)) != len(codes):
        return None
    if any(t not in _WORDS for t in re.findall(r"[a-z&']+", rest)) or re.search(r"\d", rest):
        return None
    if codes:
        pairs = facts.ward_lga_codes
        if not pairs:  # the codes of the wards come with the analysis: it runs first
            return _each_counted(codes, text, ctx)
        counts = {c: sum(1 for _, code in pairs if str(code) == c) for c in codes}
        label = {c: f"LGA {c}" for c in codes}
    else:
        counts = {n: sum(1 for w in ctx.wards if w.lga == n) for n in names}
        label = {n: n for n in names}
    if any(v == 0 for v in counts.values()):
        return None
    total = sum(counts.values())
    each = ", ".join(f"{label[k]}: {v}" for k, v in counts.items())
    return Decision(text=f"{total} wards in those {len(counts)} LGAs together ({each}).",
                    reading={"stored": "wards_together"})


def _each_counted(codes: list[str], text: str, ctx: RouterContext) -> Decision | None:
    """Each LGA's count, said one by one (never the whole area's list); before any analysis
    the analysis runs first."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, _can_analyse_first

    first = [Step("run_analysis", {}, echo=ANALYSE_FIRST, source=text)] \
        if _can_analyse_first(["analysis"], ctx) else []
    if not first and not ctx.analysis_ready:
        return None
    return Decision([*first, *(Step("ask_results", {"about": "ward_counts", "lga_code": c},
                                    source=text) for c in codes)],
                    reading={"stored": "wards_together"})


# "... and tell me how many wards that LGA has": the ward count of the LGA just named for a
# list in the same message
_COUNT_OF_IT = re.compile(
    r"^\W*(?:(?:and|also|then|so|please|pls|abeg)[\s,]+)*(?:(?:tell|show|give)\s+(?:me|us)\s+"
    r"|let\s+me\s+know\s+|say\s+)?(?:how\s+many\s+wards?|the\s+number\s+of\s+wards?"
    r"|the\s+ward\s+count)\b(?P<rest>.*)$")
_IT_WORDS = {
    "that", "the", "this", "same", "lga", "it", "there", "has", "have", "got", "get", "gets",
    "holds", "hold", "contains", "contain", "in", "total", "altogether", "all", "are", "dey",
    "is", "of", "for", "its", "local", "government", "area", "wey", "e", "inside", "does", "do",
    "place", "one", "code", "with", "please", "pls", "abeg", "too", "also", "de", "d",
}  # fmt: skip
LIST_STEPS = ("list_wards", "top_wards")
# "... and tell me how many are high": the count of a risk group in the LGA just named
_CATEGORY_COUNT = re.compile(
    r"^\W*(?:(?:and|also|then|so|please|pls|abeg)[\s,]+)*(?:(?:tell|show|give)\s+(?:me|us)\s+"
    r"|let\s+me\s+know\s+|say\s+)?how\s+many\s+(?:(?:of\s+(?:them|those|its\s+wards|the\s+wards)"
    r"|wards|ones)\s+)?(?:(?:are|dey|is|be|fall)\s+)?(?:in\s+(?:the\s+)?)?(?P<cat>high|medium|low)"
    r"(?:\s+(?:priority|risk|category|class|ones|wards?))*(?:\s+(?:there|in\s+(?:it|that\s+lga"
    r"|there)|among\s+(?:them|its\s+wards)))?\W*$")


def list_and_its_count(text: str, ctx: RouterContext, state: object,
                       facts: Facts) -> Decision | None:
    """ "List the top 3 wards in 20012 and tell me how many wards that LGA has": the list,
    whose first line says how many wards the LGA has (both requests answered, and no other
    ward named). None when the message is anything else."""
    from chatmrpt.chat.reading import split_requests

    if not ctx.has_dataset or not ctx.analysis_ready:
        return None
    parts = split_requests(text)
    if len(parts) != 2:
        return None
    m = _COUNT_OF_IT.match(ex.lower_text(parts[1]))
    cat = None if m else _CATEGORY_COUNT.match(ex.lower_text(parts[1]))
    if m is None and cat is None:
        return None
    from chatmrpt.chat import dialogue

    listed = dialogue._decide(parts[0], ctx, state, facts)  # type: ignore[arg-type]
    steps = listed.steps
    if len(steps) != 1 or steps[0].tool not in LIST_STEPS or not steps[0].params.get("n"):
        return None
    params = steps[0].params
    place = params.get("lga") or params.get("lga_code")
    if cat is not None and place and not params.get("category"):
        # the list, then the count of that risk group in the same LGA (not in the whole area)
        group = cat.group("cat").capitalize()
        where = {k: params[k] for k in ("lga", "lga_code") if params.get(k)}
        return Decision([steps[0], Step("ask_results", {"about": "ward_counts", **where,
                                                        "category": group}, source=parts[1])],
                        reading={**listed.reading, "list_and_group_count": str(place)})
    if m is None or not place or params.get("category"):
        return None  # the list's first line would not give the LGA's own count
    rest = ex.lower_text(m.group("rest")).replace(ex.lower_text(str(place)), " ")
    words = re.findall(r"[a-z0-9']+", rest)
    if any(w not in _IT_WORDS for w in words):
        return None
    where = params.get("lga") and f"{params['lga']} LGA" or f"LGA {params['lga_code']}"
    note = f"The first line of the list below says how many wards {where} has."
    steps[0].echo = f"{steps[0].echo} {note}".strip()
    steps[0].source = text
    listed.reading = {**listed.reading, "list_and_count": where}
    return listed
