"""Wards ordered by one variable's own values: "which ward has the highest rainfall?", "top 5
wards by tpr", "the wards with the lowest distance to a facility in Kuran".

These ask for the data's values, not the vulnerability ranking: answering them with the
composite ranking would present another list as the answer. A message reads this way only
when it names exactly one column of the ward data, says highest/lowest (or "by" the
variable) next to it, is about wards, and names nothing of the ranking, the plan, a map or
a file (those have their own readings). A pure function of the message and the context.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import find_lga
from chatmrpt.chat.state import Decision, Facts, Step

_HIGH = r"highest|largest|biggest|greatest|most|maximum|max|top|peak|worst"
_LOW = r"lowest|smallest|least|minimum|min|bottom|fewest"
SUPERLATIVE = re.compile(r"\b(?:(?P<high>" + _HIGH + r")|(?P<low>" + _LOW + r"))\b")
WARD_WORD = re.compile(r"\bwards?\b|\bwhere\b")
# the ranking, the plan, maps, files and analysis changes have their own readings
OTHER_SUBJECT = re.compile(
    r"\b(?:vulnerab\w*|risk\w*|priorit\w*|composite|pca|scores?|rank\w*|categor\w*|nets?|itns?"
    r"|llins?|coverage|covered|allocat\w*|plan\w*|maps?|export\w*|download\w*|csv|excel|xlsx"
    r"|png|html|analys\w*|re-?run|run|use|using|drop\w*|add\w*|remov\w*|without|only|except"
    r"|instead|direction\w*|invers\w*|weights?|urban\s+(?:wards|threshold)|threshold"
    r"|deprioriti\w*|reprioriti\w*|what\s+if|suppose)\b")
# "in LGA 20008", "LGA code 20008", "20008 LGA": an LGA by its code
LGA_CODE = re.compile(r"\blgas?\s*(?:code\s*)?(?:no\.?\s*|number\s*|#\s*)?(\d{3,})\b"
                      r"|\b(\d{3,})\s+lga\b")
# "from the last run", "in the tpr run": where the values come from, no order to run
RUN_SOURCE = re.compile(r"\b(?:from|in|of)\s+(?:the\s+|that\s+|this\s+|our\s+)?(?:last\s+"
                        r"|latest\s+|new\s+|recent\s+)?(?:tpr\s+)?run\b")
# "top 5 wards by rainfall", "wards ranked on tpr": the variable is what orders the list
BY_VARIABLE = re.compile(r"\b(?:by|on|in\s+terms\s+of|based\s+on|according\s+to)\s+(?:the\s+)?$")


def _variable(text: str, ctx: RouterContext) -> ex.VariableMention | None:
    # "top 7 ward dem": the pidgin plural, never the elevation model (DEM)
    found = [m for m in ex.find_variables(text, ctx.variables) if m.column
             and m.query.strip().lower() != "dem"]
    return found[0] if len({m.column for m in found}) == 1 else None


def wards_by_value(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """The wards with the highest or lowest values of the one variable named, or None."""
    if not ctx.has_dataset or not ctx.variables or not WARD_WORD.search(low):
        return None
    mention = _variable(text, ctx)
    if mention is None:
        return None
    raw = ex.lower_text(text)
    before = raw[: mention.start]
    rest = raw[: mention.start] + " " + raw[mention.end:]
    if OTHER_SUBJECT.search(RUN_SOURCE.sub(" ", rest)):
        return None
    sup = SUPERLATIVE.search(before[-40:])
    after = SUPERLATIVE.search(raw[mention.end: mention.end + 25])
    by = BY_VARIABLE.search(before)
    if sup is None and after is None:
        return None  # highest or lowest said, always ("wards with no values for rainfall")
    if sup is None and by is None and not re.search(r"\b(?:is|are|was|be|dey)\b",
                                                     raw[mention.end: mention.end + 12]) \
            and not re.search(r"\bwhere\s+(?:is|are|was|be|dey)\s+(?:the\s+)?$", before):
        return None  # "rainfall highest" only as "where is rainfall highest?"
    said = sup or after or SUPERLATIVE.search(before)
    order = "lowest" if said is not None and said.group("low") else "highest"
    code = LGA_CODE.search(rest)
    if code is not None:  # "in LGA 20008": the wards of that LGA (its number is no count)
        rest = rest[: code.start()] + " " + rest[code.end():]
    numbers = [n for n in ex.extract_numbers(rest)
               if n.is_whole and 1 <= n.value <= 1000 and not n.percent]
    if len(numbers) > 1:
        return None
    params: dict[str, Any] = {"variable": mention.column, "order": order}
    if numbers:
        params["n"] = int(numbers[0].value)
    elif not re.search(r"\bwards\b", raw):
        params["n"] = 1  # "which ward has the highest rainfall?": one ward
    if code is not None:
        params["lga_code"] = code.group(1) or code.group(2)
    lga, unknown = find_lga(text, facts.lgas)
    if unknown and not lga:
        return None  # a place the data lacks: the place readings say so
    if lga:
        params["lga"] = lga
    return Decision([Step("wards_by_value", params, source=text)],
                    reading={"tool": "wards_by_value"})


_ABOVE = r"above|over|more\s+than|greater\s+than|higher\s+than|exceeding|exceeds?|>=?|at\s+least"
_BELOW = r"below|under|less\s+than|lower\s+than|beneath|<=?|at\s+most"
# "rainfall above 1000", "tpr of more than 50%", "tpr is below 0.2"
BEYOND = re.compile(r"^\s*(?:(?:is|are|was|be|dey|of|values?|value\s+of|levels?|greater|that\s+is"
                    r"|which\s+is)\s+)*(?:(?P<above>" + _ABOVE + r")|(?P<below>" + _BELOW + r"))"
                    r"\s*(?:the\s+)?$")


def wards_beyond(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """'how many wards have rainfall above 1000?', 'wards with tpr over 70': the wards whose
    value of the one variable named is above (or below) the number, counted and listed."""
    if not ctx.has_dataset or not ctx.variables or not re.search(r"\bwards?\b", low):
        return None
    mention = _variable(text, ctx)
    if mention is None:
        return None
    raw = ex.lower_text(text)
    after = raw[mention.end:]
    numbers = [n for n in ex.extract_numbers(after)]
    if not numbers:
        return None
    first = numbers[0]
    m = BEYOND.match(after[: first.start])
    if m is None:
        return None
    rest = raw[: mention.start] + " " + after[first.end:]
    if OTHER_SUBJECT.search(RUN_SOURCE.sub(" ", rest)) or len(numbers) > 1 and \
            not LGA_CODE.search(after):
        return None
    params: dict[str, Any] = {"variable": mention.column,
                              ("above" if m.group("above") else "below"): first.number}
    if first.percent:
        params["percent"] = True
    code = LGA_CODE.search(raw)
    if code is not None:
        params["lga_code"] = code.group(1) or code.group(2)
    lga, unknown = find_lga(text, facts.lgas)
    if unknown and not lga:
        return None
    if lga:
        params["lga"] = lga
    return Decision([Step("wards_by_value", params, source=text)],
                    reading={"tool": "wards_by_value"})


WHAT_IS = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?)[\s,]+)*(?:what(?:'s|\s+is|\s+was|\s+be)|wetin\s+be"
                     r"|how\s+(?:high|much)\s+(?:is|was))\s+(?:the\s+)?$")
LGA_WORD = re.compile(r"\b(?:lgas?|l\.g\.a|local\s+govern\w*(?:\s+areas?)?)\b")
AVERAGE = re.compile(r"\b(?:average|avg|mean|typical)\b")
# "by LGA", "per LGA", "for each LGA", "across the LGAs", "LGA by LGA"
EACH_LGA = re.compile(r"\b(?:by|per|for\s+each|in\s+each|each|every|across(?:\s+the)?|all(?:\s+the)?"
                      r"|lga\s+by)\s+(?:lgas?|l\.g\.a|local\s+govern\w*)\b")
# "the most high risk wards", "the fewest low priority wards"
MOST_IN_CATEGORY = re.compile(r"\b(?:(?P<many>most|highest\s+number\s+of|more)|(?P<few>fewest|least"
                              r"|lowest\s+number\s+of|less))\s+(?P<cat>high|medium|low)[\s-]*"
                              r"(?:risk|priority|vulnerab\w*)?\s*wards\b")
CATEGORY_WORDS = re.compile(r"\b(?:high|medium|low|categor\w*|risk|priority|vulnerab\w*)\b")


def lga_values(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """'which LGA has the highest tpr?', 'average rainfall in Kuran', 'rainfall by LGA': the
    LGAs by the average of the one variable named; 'how many high risk wards in each LGA?':
    the LGA summary (never an LGA called "Each")."""
    if not ctx.has_dataset:
        return None
    raw = ex.lower_text(text)
    mention = _variable(text, ctx) if ctx.variables else None
    if mention is None:
        most = MOST_IN_CATEGORY.search(raw)
        if most is not None and LGA_WORD.search(raw) and not re.search(
                r"\b(?:nets?|itns?|plan\w*|coverage|urban|export|map)\b", raw):
            params: dict[str, Any] = {"most": most.group("cat").capitalize()}
            if most.group("few"):
                params["order"] = "fewest"
            return Decision([Step("lga_summary", params, source=text)],
                            reading={"tool": "lga_summary"})
        if EACH_LGA.search(raw) and CATEGORY_WORDS.search(raw) and re.search(r"\bwards?\b", raw) \
                and not OTHER_SUBJECT.search(CATEGORY_WORDS.sub(" ", raw).replace("rank", " ")):
            return Decision([Step("lga_summary", {}, source=text)],
                            reading={"tool": "lga_summary"})
        return None
    rest = raw[: mention.start] + " " + raw[mention.end:]
    if OTHER_SUBJECT.search(RUN_SOURCE.sub(" ", rest)):
        return None
    lga, unknown = find_lga(text, facts.lgas)
    code = LGA_CODE.search(rest)
    average = AVERAGE.search(rest)
    sup = SUPERLATIVE.search(rest)
    params: dict[str, Any] = {"variable": mention.column}
    # "what was the tpr in Kuran?": an LGA's figure of a ward variable is its wards' average
    # (never when a ward is named: "what is the rainfall in Zango?" is that ward's value)
    asked_of_lga = bool(WHAT_IS.search(raw[: mention.start])) and lga is not None and \
        not (ctx.wards and ex.find_ward(re.sub(re.escape(lga), " ", text, flags=re.I),
                                        ctx.wards))
    if (lga or code) and (average or asked_of_lga):
        params["lga"] = lga or (code.group(1) or code.group(2))
    elif LGA_WORD.search(rest) and sup and not re.search(r"\bwards?\b", rest):
        params["order"] = "lowest" if sup.group("low") else "highest"  # "which LGA has ..."
    elif EACH_LGA.search(rest) or (average and not unknown and not re.search(r"\bwards?\b",
                                                                             rest)):
        pass  # "rainfall by LGA", "what is the average rainfall?"
    else:
        return None
    if unknown and not lga:
        return None
    return Decision([Step("lga_averages", params, source=text)],
                    reading={"tool": "lga_averages"})


def lga_average_again(text: str, low: str, ctx: RouterContext, state: Any,
                      facts: Facts) -> Decision | None:
    """ "what is Doragar's average exactly?" right after the LGAs were ordered by a variable's
    average: that LGA's average of the same variable."""
    last = state.last or {}
    variable = (last.get("params") or {}).get("variable")
    if last.get("tool") != "lga_averages" or not variable or not ctx.has_dataset:
        return None
    raw = ex.lower_text(text)
    if not AVERAGE.search(raw) or (ctx.variables and _variable(text, ctx) is not None):
        return None
    lga, unknown = find_lga(text, facts.lgas)
    code = LGA_CODE.search(raw)
    if unknown or not (lga or code) or OTHER_SUBJECT.search(raw):
        return None
    params = {"variable": variable, "lga": lga or (code.group(1) or code.group(2))}
    return Decision([Step("lga_averages", params, source=text)],
                    reading={"tool": "lga_averages"})


# "why is Kuwe South nearly all red?", "summary of Kuwe South", "give me an overview of Rimai"
LGA_WHY = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|but)[\s,]+)*why\b")
LGA_OVERVIEW = re.compile(r"\b(?:summary|summari[sz]e|overview|profile|breakdown|situation"
                          r"|picture)\b")


def lga_overview(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """An LGA asked about as a whole ("why is Kuwe South nearly all red?", "summary of
    Kuwe South"): its wards by priority category, its mean rank and its place among the
    LGAs (the LGA summary), never a question about which ward to explain."""
    if not ctx.analysis_ready or not facts.lgas:
        return None
    raw = ex.lower_text(text)
    if not (LGA_WHY.search(raw) or LGA_OVERVIEW.search(raw)):
        return None
    lga, unknown = find_lga(text, facts.lgas)
    if lga is None or unknown:
        return None
    rest = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", raw)
    if ctx.wards and (found := ex.find_ward(rest, ctx.wards)) is not None and found.score >= 85:
        return None  # a ward named too: that ward is asked about
    if re.search(r"\b(?:nets?|itns?|plan\w*|urban|export|maps?|tpr|coverage|pca|variables?)\b",
                 rest):
        return None
    return Decision([Step("lga_summary", {"lga": lga}, source=text)],
                    reading={"tool": "lga_summary"})
