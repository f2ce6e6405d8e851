"""Push-back on a ward table without population, answered in plain words about the population.

A net plan and an urban reprioritisation need each ward's own population; ``tables``
declines them before anything runs. Users then push back: "use 1000 people per ward",
"what would I need to add to the table?", "the urban flag is in the shapefile, why can't you
do it?", "what can this data support?", "is there a column I could use as population?".
Each is answered about the population, and nothing runs: a made-up population per ward
would give a plan that looks real and is not.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chatmrpt.chat import extract as ex

if TYPE_CHECKING:
    from chatmrpt.chat.dialogue import Decision, DialogueState, Facts
    from chatmrpt.chat.router import RouterContext

_NUM = r"\d[\d,.]*\s*(?:k|m|thousand|million)?"
_PEOPLE = r"(?:people|persons?|pple|ppl|population|pop|residents|inhabitants|individuals)"
# "use 1000 people per ward", "assume a population of 5000 for each ward", "same population
# for every ward", "just put 2k pop in each ward"
_FLAT_POPULATION = re.compile(
    rf"\b{_NUM}\s+{_PEOPLE}\s+(?:per|in\s+(?:each|every|all(?:\s+the)?)|for\s+(?:each|every"
    rf"|all(?:\s+the)?)|a|each|every)\s+wards?\b"
    rf"|\b(?:population|pop)\s+(?:of\s+)?{_NUM}\s+(?:per|for\s+(?:each|every)|in\s+(?:each"
    rf"|every)|a)\s+wards?\b"
    rf"|\b(?:same|equal|flat|fixed|uniform|average|standard|default|rough|dummy|fake|made[- ]up"
    rf"|guessed?|estimated?)\s+(?:ward\s+)?population\b"
    rf"|\b(?:assume|use|take|put|give|set|pretend|guess|estimate|make\s+up)\b[^.?!]{{0,30}}?"
    rf"\b(?:a\s+)?population\b")
# "what would I need to add to the table", "what column is missing", "what do I need to
# upload for this to work", "how do I fix it"
_WHAT_TO_ADD = re.compile(
    r"\bwhat\s+(?:(?:would|do|should|must|will)\s+(?:i|we)\s+(?:need|have)\s+to|(?:do|would"
    r"|should)\s+(?:i|we)|(?:column|columns|data|field|fields|info\w*)\s+(?:is|are|do|would|should"
    r"|must))\b[^?]{0,40}?\b(?:add|upload|include|provide|put|give|missing|need|needed|lacking"
    r"|supply|attach)\w*"
    r"|\bwhat\s+(?:is|'s)\s+(?:missing|lacking|needed)\b"
    r"|\bwhat\s+(?:column|columns|data|field)\s+(?:do|would)\s+(?:you|it)\s+need\b"
    r"|\bhow\s+(?:do|can|would)\s+(?:i|we)\s+(?:fix|solve|make)\s+(?:it|this|that)\b"
    r"|\bfor\s+(?:this|it|that)\s+to\s+work\b")
# "why can't you do it", "why not?", "why is that not possible", "why won't it work"
_WHY_NOT = re.compile(
    r"\bwhy\s+(?:can'?t|cannot|can\s+not|won'?t|wont|couldn'?t|not|is\s+(?:it|that|this)\s+not"
    r"|isn'?t|doesn'?t|don'?t|didn'?t|did\s+(?:it|that)\s+fail|does\s+(?:it|that)\s+fail)\b"
    r"|\bwhat\s+(?:is|'s)\s+(?:the\s+)?(?:problem|issue|reason)\b|\bwhy\s+(?:the\s+)?refus\w*")
# the thing declined, said in the push-back
_DECLINED = re.compile(r"\burban\b|\bre-?prioriti\w*|\bplan\w*\b|\bnets?\b|\bitns?\b|\bllins?\b"
                       r"|\bpopulation\b|\bpeople\b|\bdistribut\w*|\ballocat\w*")
# "what can this data support and what can it not", "what can I do with this table",
# "what are the limits of this data"
_WHAT_SUPPORTS = re.compile(
    r"\bwhat\s+(?:can|could|does|will)\s+(?:this|the|my|our|that)\s+(?:data|table|dataset|file"
    r"|sheet)\s+(?:\w+\s+)?(?:support|do|give|allow|handle|be\s+used\s+for|answer|not)\b"
    r"|\bwhat\s+(?:can|could|can'?t|cannot)\s+(?:i|we|you)\s+(?:do|get|make|run)\s+(?:with|from)"
    r"\s+(?:this|the|my|our|that)\s+(?:data|table|dataset|file|sheet)\b"
    r"|\b(?:limits|limitations|gaps)\s+(?:of|in)\s+(?:this|the|my|our)\s+(?:data|table|dataset)\b"
    r"|\bwhat\s+(?:can|can'?t|cannot)\s+(?:it|this|this\s+data|this\s+table)\s+(?:not\s+)?(?:do"
    r"|support)\b")
# "is there any column I could use as population", "can 'total' be the population?"
_COLUMN_AS_POPULATION = re.compile(
    r"\b(?:column|field|variable)s?\b[^?]{0,40}?\b(?:as|for|be|for\s+the|like\s+a)\s+(?:the\s+)?"
    r"(?:population|pop)\b"
    r"|\b(?:use|treat|take)\b[^?]{0,30}?\bas\s+(?:the\s+)?(?:population|pop)\b"
    r"|\b(?:is|isn'?t)\s+['\"]?\w+['\"]?\s+(?:\w+\s+){0,2}(?:the|a)\s+(?:population|pop)\b")
_MEANING = re.compile(r"\bwhat\s+(?:is|'s|does|do|are)\s+(?:the\s+)?['\"]?(\w+)['\"]?\s*(?:column"
                      r"|mean|means|stand\s+for|\?|$)")

_WHAT_WORKS = ("Everything else works without a population: the ranking, the maps, the ward "
               "lists and the exports.")


def _how_to_add() -> str:
    from chatmrpt.analysis.population import HOW_UPLOAD

    return ("add a Population column to the ward table (the number of people living in each "
            "ward), or provide a population table (WardCode, or WardName with LGA, and "
            f"Population) or a population raster {HOW_UPLOAD}")


def _lacking(ctx: RouterContext, facts: Facts) -> bool:
    from chatmrpt.chat.tables import lacks_population

    return ctx.last_plan is None and lacks_population(ctx, facts)


def population_pushback(text: str, ctx: RouterContext, state: DialogueState,
                        facts: Facts) -> Decision | None:
    """The reply, about the population, to a push-back on a table without population; None
    for anything else. Nothing runs."""
    if not _lacking(ctx, facts):
        return None
    low = ex.lower_text(text)
    reply = (_column_as_population(text, low, ctx) or _flat(low) or _what_to_add(low)
             or _why_not(low) or _supports(low))
    if reply is None:
        return None
    from chatmrpt.chat.dialogue import Decision, _starter_choices

    return Decision(text=reply, choices=_starter_choices(ctx), keep_pending=False,
                    reading={"refused": "no_population", "pushback": True})


def _flat(low: str) -> str | None:
    if not _FLAT_POPULATION.search(low):
        return None
    return ("I will not make up a population: the ward table has no population, and one "
            "figure for every ward would give every ward the same share of nets (or the same "
            "urban weight), a plan that looks real but only reflects the guess. A net plan "
            "and an urban reprioritisation need each ward's own population: "
            f"{_how_to_add()}. Nothing was run or changed. {_WHAT_WORKS}")


# another subject named: "the map is blank, how do I fix this" is no population question
_OTHER_SUBJECT = re.compile(r"\bmaps?\b|\btpr\b|\bpositivity\b|\bpca\b|\bexport\w*|\bcsv\b"
                            r"|\bexcel\b|\bpng\b|\bpdf\b|\bshape\s*file|\bboundar\w*|\bfacilit\w*"
                            r"|\bdhis\w*|\bvariables?\b|\bnormali[sz]\w*|\bcodes?\b|\bnames?\b")


def _what_to_add(low: str) -> str | None:
    from chatmrpt.chat.results import _PLANNING_DATA, _PLANNING_WORDS

    if _PLANNING_DATA.search(low) and _PLANNING_WORDS.search(low):
        return None  # "what do we need to add so we can plan?": the planning_data answer
    if not _WHAT_TO_ADD.search(low) or _OTHER_SUBJECT.search(_DECLINED.sub(" ", low)) and \
            not _DECLINED.search(low):
        return None
    return ("To plan nets or reprioritise urban wards, the ward data needs each ward's "
            f"population: {_how_to_add()}. For the urban step it also needs each ward's urban "
            "share: an urban_percentage column (0-100), or ward boundaries with an Urban Yes/No "
            "attribute. Then upload the data again. Nothing was run or changed. " + _WHAT_WORKS)


def _why_not(low: str) -> str | None:
    if not _WHY_NOT.search(low) or not _DECLINED.search(low):
        return None  # a bare "why can't you do it?" may be about another refusal
    urban = bool(re.search(r"\burban\b|\bprioriti\w*|\bshape\s*file|\bboundar\w*", low))
    head = ("The urban flag tells which wards are urban, but the reprioritisation picks urban "
            "wards, least vulnerable first, until they hold a set share of all the people (30% "
            "by default), so it needs each ward's population too, and your ward table has none."
            if urban else
            "A net plan gives each ward nets for the people living in it, so it needs each "
            "ward's population, and your ward table has none.")
    return (f"{head} To make it possible, {_how_to_add()}. Nothing was run or changed. "
            + _WHAT_WORKS)


def _supports(low: str) -> str | None:
    if not _WHAT_SUPPORTS.search(low):
        return None
    return ("This data supports the ranking of the wards by malaria risk (the composite score "
            "and, with enough variables, PCA), the maps, the ward lists by LGA or priority, "
            "the checks of the data (missing values, identical columns) and the exports. It "
            "does not support a net plan or an urban reprioritisation: both need each ward's "
            f"population, and the ward table has none. To add it, {_how_to_add()}.")


def _column_as_population(text: str, low: str, ctx: RouterContext) -> str | None:
    if not _COLUMN_AS_POPULATION.search(low):
        return None
    named = [v for v in ctx.variables if re.search(rf"(?<![\w]){re.escape(v.lower())}(?![\w])",
                                                   low)]
    m = _MEANING.search(low)
    if m and m.group(1) not in named:
        named += [v for v in ctx.variables if v.lower() == m.group(1)]
    shown = ", ".join(ctx.variables)
    head = ("None of the table's numeric columns is named as a population"
            + (f" ({shown})" if shown else "") + ".")
    about = "".join(
        f" '{v}' is a column of your table, but its name does not say what it counts or for "
        "whom, so I do not use it as each ward's population." for v in named)
    return (f"{head}{about} If one of them does hold the number of people living in each "
            "ward, rename it to Population and upload the table again; otherwise "
            f"{_how_to_add()}. Nothing was run or changed. {_WHAT_WORKS}")
