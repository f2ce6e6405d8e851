"""Questions about results: stored figures, the ward table itself, and short follow-up
questions about the results or plan just given.

These are answered from what is stored and are never acted on; separate from the manager
so the routing of result questions sits in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.describe import describe_choice
from chatmrpt.chat.figures import figure_question, same_ward
from chatmrpt.chat.guards import reads_as_question
from chatmrpt.chat.relative import DIRECT_OR_INVERSE
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import CATEGORY, _lga_named, find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

REPRI_WORDS = re.compile(r"\bthreshold\b|\bflagged\b|\bselected\b|\bchosen\b|\bpicked\b"
                         r"|prioriti|\bremov\w*|\bdropped\b|\bexcluded\b|\bserved\s+last\b")


def result_question(text: str, low: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """The one reading of questions answered from the stored results and the ward table,
    never acted on: a stored figure (stored_result_question), the table itself
    (table_question), questions whose words also fit a request (_worded_like_requests), and
    short questions leaning on the last reply (result_follow_up). None for anything else."""
    if _lga_without_names(text, low, ctx, facts) is not None:
        # an LGA by name on a table without LGA names: said so, never a figure of the whole
        # area (see _single)
        return (stored_result_question(text, low, ctx, facts)
                or table_question(text, low, ctx, facts))
    return (figure_question(text, low, ctx, state, facts)
            or stored_result_question(text, low, ctx, facts)
            or table_question(text, low, ctx, facts)
            or _worded_like_requests(text, low, ctx, facts)
            or result_follow_up(text, low, ctx, state, facts))


def _lga_without_names(text: str, low: str, ctx: RouterContext,
                       facts: Facts) -> Decision | None:
    """"what about Fagge LGA?" on a table without LGA names: said, with the whole-area list
    offered."""
    from chatmrpt.chat.dialogue import LGA_CODE
    from chatmrpt.chat.tool_slots import _list_params
    if not facts.lgas and ctx.has_dataset and not LGA_CODE.search(low) and not re.search(
            r"\bnets?\b|\bplan\b|\bexport\b|\bdownload\b|\bpopulation\b|\breprioriti\w*", low):
        name = _lga_named(text)
        if name and other_area(name, facts.area):
            return not_covered(name, low, facts)
        if name and not re.search(r"\d", name) and not re.search(r"\blgas\b", low) and \
                not whole_area_name(name, facts.area):
            n = _list_params(low).get("n", 10)
            return Decision(text=f"Your ward table has no LGA names (at most LGA codes), so I "
                                 f"cannot tell which wards are in {name.title()}; nothing was "
                                 "listed. If it holds LGA codes, ask for example \"top 5 wards "
                                 "in LGA <code>\". Or should I list the whole area?",
                            choices=(whole := [{"label": describe_choice("top_wards", {"n": n}),
                                                "tool": "top_wards", "params": {"n": n}}]),
                            pending={"expects": "choice", "choices": whole,
                                     "lga_code_for": _list_params(low)})
    return None


def area_name(name: str) -> bool:
    """ "Ilorin", "Kano", "Kwara state", "the state": a name of a whole area (a state, a city
    the fixtures cover, the state or the city as such), not of one LGA."""
    from chatmrpt.chat.tables import _WHOLE_AREA, _state_names

    key = _area_key(name)
    return key in _WHOLE_AREA or key in _state_names() or (
        key.endswith(" state") and key[: -len(" state")] in _state_names())


# the cities the fixtures cover, with their state: a table of Ilorin is a table of Kwara
CITY_STATE = {"ilorin": "kwara", "kano": "kano"}
_GENERIC_AREA = frozenset(["state", "city", "metro", "nigeria"])


def _area_key(name: str) -> str:
    key = " ".join(re.findall(r"[a-z]+", name.lower()))
    return re.sub(r"^(?:(?:the|all\s+of|whole\s+of)\s+)+", "", key)


def own_area(name: str, area: Sequence[str] = ()) -> bool:
    """Whether a whole-area name is the table's own area: "the state" always; a place
    ("Kano", "Ilorin", "Kwara state") only when the table's file names or State column name
    it. With the area unknown, the name is taken as the table's."""
    words = set(_area_key(name).split()) - _GENERIC_AREA
    if not words or not area:
        return True
    own = {w for a in area for w in re.findall(r"[a-z]+", str(a).lower())}
    own |= {CITY_STATE[w] for w in list(own) if w in CITY_STATE}
    return words <= own


def whole_area_name(name: str, area: Sequence[str] = ()) -> bool:
    """ "Ilorin", "Kano", "the state": the area the whole table covers, not one LGA of it,
    when the table is of that area (see own_area)."""
    return area_name(name) and own_area(name, area)


def other_area(name: str, area: Sequence[str] = ()) -> bool:
    """A whole-area name the table does not cover ("top 5 wards in Kano" on a table of
    Ilorin): never read as the whole table."""
    return area_name(name) and not own_area(name, area)


def area_label(area: Sequence[str]) -> str:
    """The table's own area in plain words ("Ilorin", "Kano"), for a reply."""
    from chatmrpt.chat.tables import _state_names

    states = [a for a in area if a.lower() in _state_names()]
    if states:
        return " and ".join(dict.fromkeys(states))
    words = [w for a in area for w in re.findall(r"[a-z]+", str(a).lower())
             if w in CITY_STATE or w in _state_names()]
    return " and ".join(dict.fromkeys(w.title() for w in words)) or "another place"


# a place named after "in", "for"...; "Kano Municipal", "Ilorin West": an LGA, not the area
PLACE_SAID = re.compile(r"\b(?:in|for|of|across|within|from)\s+((?:the\s+)?[a-z]+(?:\s+state)?)\b"
                        r"(?!\s+(?:municipal|west|east|north|south|central|lgas?|local"
                        r"|l\.g\.a|city|town)\b)")
WHOLE_TABLE_LISTS = ("top_wards", "list_wards", "show_map")


def outside_area(decision: Decision, text: str, facts: Facts) -> Decision:
    """A list or map of the whole table for a message that names a place the table does not
    cover ("top 5 wards in Ilorin" on a table of Kano): said, and asked, never listed."""
    if not facts.area or not decision.steps:
        return decision
    if any(s.tool in ("plan_itn", "what_if_plan") for s in decision.steps):
        # "make a plan for Lagos state, 200k nets" on a table of another state: this table's
        # wards planned as if they were Lagos's
        low = ex.lower_text(text)
        for m in PLACE_SAID.finditer(low):
            if other_area(m.group(1), facts.area):
                return not_planned_here(_area_key(m.group(1)), decision, facts)
        return decision
    if all(s.tool == "run_analysis" for s in decision.steps):
        # "rank the wards for Lagos state" on a table of another state: not this table's
        # ranking shown as if it were Lagos's
        low = ex.lower_text(text)
        for m in PLACE_SAID.finditer(low):
            if other_area(m.group(1), facts.area):
                return not_ranked_here(_area_key(m.group(1)), facts)
        return decision
    if not all(s.tool in WHOLE_TABLE_LISTS and not s.params.get("lga")
               and not s.params.get("lga_code") and not s.params.get("ward")
               for s in decision.steps):
        return decision
    low = ex.lower_text(text)
    for m in PLACE_SAID.finditer(low):
        if other_area(m.group(1), facts.area):
            return not_covered(_area_key(m.group(1)), low, facts)
    return decision


def not_ranked_here(place: str, facts: Facts) -> Decision:
    """ "rank the wards of Lagos" on a table of another place: nothing is run; the ranking
    of the uploaded table offered instead."""
    run = [{"label": describe_choice("run_analysis", {}), "tool": "run_analysis", "params": {}}]
    return _offered_for_this_table(place, facts, "ranked anything", "rank another state's wards",
                                   "rank the wards of the table you uploaded", run)


def not_planned_here(place: str, decision: Decision, facts: Facts) -> Decision:
    """ "plan 200k nets for Lagos" on a table of another place: nothing is planned; the same
    plan for the uploaded table's wards offered instead."""
    plans = [{"label": describe_choice(s.tool, dict(s.params)), "tool": s.tool,
              "params": dict(s.params)} for s in decision.steps
             if s.tool in ("plan_itn", "what_if_plan")][:1]
    return _offered_for_this_table(place, facts, "made a plan", "plan nets for another state",
                                   "make this plan for the wards of the table you uploaded",
                                   plans)


def _offered_for_this_table(place: str, facts: Facts, not_done: str, elsewhere: str,
                            instead: str, choices: list[dict[str, Any]]) -> Decision:
    """The reply to a request about a place the ward table does not cover: what was not
    done, how to do it for that place (its own table), and the same for the uploaded table
    offered as one-tap choices."""
    label = area_label(facts.area)
    of = f" (it is of {label})" if label != "another place" else ""
    return Decision(text=f"Your ward table does not cover {place.strip().title()}{of}, so I "
                         f"have not {not_done}. To {elsewhere}, upload that state's ward "
                         f"table. Should I {instead} instead?",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"other_area": place.strip()})


def not_covered(place: str, low: str, facts: Facts) -> Decision:
    """ "top 5 wards in Kano" on a table of Ilorin: the table does not cover the place;
    nothing is listed, the whole table's list offered."""
    from chatmrpt.chat.tool_slots import _list_params

    n = _list_params(low).get("n", 10)
    whole = [{"label": describe_choice("top_wards", {"n": n}), "tool": "top_wards",
              "params": {"n": n}}]
    return Decision(text=f"Your ward table is of {area_label(facts.area)}: it does not cover "
                         f"{place.strip().title()}, so nothing was listed. Should I list the "
                         "wards of the whole table instead?",
                    choices=whole, pending={"expects": "choice", "choices": whole},
                    reading={"other_area": place.strip()})


# "how many wards have tpr exactly 1", "number of wards where rainfall equals 0"
EXACT_COUNT = re.compile(r"\b(?:how\s+many|number\s+of|count\s+(?:of\s+)?(?:the\s+)?)\s*wards?\b"
                         r".*(?:\b(?:exactly|equal\s+to|equals?)\s*|=\s*)-?\d")
COMPARED = re.compile(r"\b(?:above|over|below|under|more|less|fewer|greater|higher|lower|at\s+least"
                      r"|at\s+most|between|than)\b|[<>]")
PCA_TRUST = re.compile(
    r"\bpca\b[^?]{0,40}?\b(?:usable|useable|valid|reliable|trust\w*|suitable|ok(?:ay)?|good"
    r"\s+enough|fit\s+to\s+use|work(?:s|ed)?)\b|\b(?:trust|rely\s+on)\s+(?:the\s+)?pca\b"
    # "why no PCA ranking for Ilorin?", "how come PCA didn't run", "pca missing, why?"
    r"|\b(?:why|how\s+come)\b[^?]{0,30}?(?:\bno|\bnot|n'?t|\bnever|\bwithout|\bmissing)\b"
    r"[^?]{0,20}?\bpca\b|\b(?:why|how\s+come)\b[^?]{0,20}?\bpca\b[^?]{0,30}?(?:\bnot|n'?t"
    r"|\bnever|\bmissing|\babsent|\bskipped|\bdropped)\b|\bpca\b[^?]{0,30}?\b(?:missing|absent"
    r"|skipped)\b[^?]{0,10}?\bwhy\b")


def _worded_like_requests(text: str, low: str, ctx: RouterContext,
                          facts: Facts) -> Decision | None:
    """Questions whose words also fit a request: "how many wards were flagged at the 30%
    urban threshold?", "how many wards are in tier 2 now?", "what is the total need?"."""
    if PCA_TRUST.search(low) and ctx.analysis_ready and (reads_as_question(text) or re.match(
            r"\W*(?:(?:and|so|but|ok)\W+)?(?:why|how\s+come)\b", low)):
        # "is the PCA ranking usable?": whether PCA suited this analysis, with its figures
        # (before the directions: "elevation inverse makes sense. Is the PCA reliable?")
        return Decision([Step("pca_validity", {}, source=text)])
    if DIRECT_OR_INVERSE.search(low) and ctx.analysis_ready and not reads_as_question(text):
        # "rainfall na direct or inverse for this analysis": the directions used
        return Decision([Step("ask_results", {"about": "variables"}, source=text)])
    if not reads_as_question(text) or not ctx.analysis_ready:
        return None
    if re.search(r"\b(?:direct|inverse|directions?)\b", low) and any(
            m.column for m in ex.find_variables(text, ctx.variables)):
        # "is elevation counted as direct or inverse here?": the directions the analysis used
        return Decision([Step("ask_results", {"about": "variables"}, source=text)])
    how_many = re.search(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b", low)
    if how_many and re.search(r"\bwards?\b", low) and re.search(r"\burban\b|\bthreshold\b",
                                                                 low):
        pct = [n for n in ex.extract_numbers(low) if 0 < n.value <= 100 and (
            n.percent or re.match(r"\s*(?:%|percent|urban|threshold)", low[n.end:])
            or re.search(r"\b(?:threshold|at|above|over|than)\s*(?:of\s+)?$", low[:n.start]))
            and not re.search(r"\btier\s*$", low[:n.start])]
        if len(pct) == 1 and REPRI_WORDS.search(low):
            return Decision([Step("ask_results", {"about": "repri_count",
                                                  "threshold": pct[0].number}, source=text)])
        if len(pct) == 1:
            # "how many wards are above 50% urban?": a count of the data, no reprioritisation
            params = {"about": "ward_counts", "threshold": pct[0].number}
            lga, _ = find_lga(text, facts.lgas)
            if lga:
                params["lga"] = lga
            return Decision([Step("ask_results", params, source=text)])
        if not pct and ctx.last_plan and re.search(r"\btier\s*(?:2|two)\b|\burban\s+(?:ones|wards)"
                                                   r"\b|\bnow\b|\bplan\b|\bserved\b", low):
            return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)])
    if ctx.last_plan and re.search(r"\btotal\s+need|\bneed(?:ed)?\s+(?:in\s+total|overall)"
                                   r"|\bhow\s+many\s+nets\s+(?:are|is|do\s+we|would\s+we|we)\s+"
                                   r"need", low):
        lga, _ = find_lga(text, facts.lgas)  # "how many nets are needed in Gakirau"
        if lga:
            return Decision([Step("ask_results", {"about": "plan_lga", "lga": lga},
                                  source=text)])
        return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)])
    return None


# --- questions about stored figures -------------------------------------------------------
# Questions whose answer is a stored figure (a plan total, a reprioritisation count, a count
# of wards, what the data lacks for planning), recognised before anything else: they are
# answered, never taken as a request to act.

_STORED_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|now|then|pls|please|abeg|sorry|but)[\s,]+)*(?:how\s+many"
    r"|how\s+much|what|which|wetin|is|are|do|does|can|could|tell\s+me|why)\b")
_PLANNING_DATA = re.compile(
    r"\b(?:need|have|got)\s+to\s+(?:add|upload|provide|supply|include|bring|get)\b"
    r"|\bwhat\s+(?:data|information|info|columns?|inputs?|else|files?)\b.*\b(?:need\w*|required"
    r"|missing|lacking)\b|\bwhat\b.*\b(?:is|are|s)\s+(?:missing|lacking)\b"
    r"|\bwhy\s+(?:can'?t|cannot|can\s+not|couldn'?t)\s+(?:i|we|you)\s+plan\b"
    r"|\b(?:can|could)\s+(?:i|we|you)\s+(?:plan|distribute|allocate|reprioriti[sz]e)\b.*\b(?:this"
    r"|my|the|our)\s+(?:data|table|file|dataset|ward\s+table)\b"
    r"|\b(?:is|are)\s+(?:my|the|this|our)\s+(?:data|table|file|dataset)\s+(?:enough|ready"
    r"|good\s+enough|ok(?:ay)?|complete)\b")
_PLANNING_WORDS = re.compile(r"\bplan\w*|\bnets?\b|\bdistribut\w*|\ballocat\w*"
                             r"|\breprioriti\w*|\bde-?prioriti\w*|\bcampaign\b")
_TOTAL_NEED = re.compile(r"\btotal\s+(?:net\s+)?(?:need|requirement|needed)\b|\bneed\w*\s+in\s+"
                         r"(?:all|total)\b|\bhow\s+many\s+nets\s+(?:are\s+|do\s+)?(?:we|the\s+"
                         r"(?:state|wards)|all\s+(?:the\s+)?wards)\s+(?:need|needed|require)")
_URBAN_TIER = re.compile(r"\btier\s*(?:1|2|one|two|i|ii)\b|\bserved\s+last\b"
                         r"|\burban\s+(?:ones|wards?)\b.*\b(?:nets?|plan|served|tier|get|gets"
                         r"|receive\w*)\b")
_SELECTED = re.compile(r"\b(?:flagged|selected|chosen|picked|deprioriti\w*|de-prioriti\w*"
                       r"|remov\w*|dropped|excluded|set\s+aside|taken\s+out|comot)\b")
_ABOVE = re.compile(r"\b(?:above|over|more\s+than|greater\s+than|exceed\w*|beyond)\b")
_ABOVE_URBAN = re.compile(r"\b(?:above|over|more\s+than|greater\s+than|exceed\w*|beyond)\s+"
                          r"(\d+(?:\.\d+)?)\s*(?:%|percent|per\s*cent)?\s*urban\b")


# the plan kept in the session, asked about: "what plan is stored?", "which plan do we have
# saved", "what's the saved plan", "what plan is active now"
_KEPT = r"(?:stored|saved|kept|active|current|in\s+use|on\s+file|in\s+the\s+system)"
_PLAN_KEPT = re.compile(
    r"\b(?:what|which|wetin)\s+(?:net\s+|itn\s+)?plan\s+(?:is|be|was|are\s+we\s+on|do\s+(?:we|i)"
    r"\s+have|have\s+(?:we|i)\s+got|we\s+(?:have|get|dey\s+use))\s*(?:(?:now|currently|right\s+now"
    r"|there)\s*)?(?:" + _KEPT + r")?\s*[?.!]*\s*$"
    r"|\b(?:what(?:'s|\s+is)|wetin\s+be|remind\s+me\s+(?:of\s+)?)\s+(?:the|our|my|d)\s+"
    + _KEPT + r"\s+(?:net\s+|itn\s+)?plan\b")


def stored_result_question(text: str, low: str, ctx: RouterContext,
                           facts: Facts) -> Decision | None:
    """The step answering a question about a stored figure, or None for anything else."""
    from chatmrpt.chat.tool_slots import ACTION_START
    asks = text.rstrip().endswith("?") or _STORED_QUESTION.match(low)
    if not asks or ACTION_START.match(low) or not ctx.has_dataset:
        return None
    numbers = [n for n in ex.extract_numbers(low) if not n.percent or 0 <= n.value <= 100]
    if _PLANNING_DATA.search(low) and _PLANNING_WORDS.search(low) and not numbers:
        return Decision([Step("planning_data", {}, source=text)],
                        reading={"stored": "planning_data"})
    if not ctx.analysis_ready:
        return None
    if ctx.last_plan is not None and _PLAN_KEPT.search(low) and not numbers:
        # "remind me, what plan is stored?", "which plan do we have saved": its figures
        return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)],
                        reading={"stored": "plan_totals"})
    if ctx.last_plan is not None and (_TOTAL_NEED.search(low) or _URBAN_TIER.search(low)) \
            and not re.search(r"\d", _URBAN_TIER.sub(" ", low)) and not _SELECTED.search(low):
        lga, _ = find_lga(text, facts.lgas)
        if lga and _TOTAL_NEED.search(low):  # "the total need in Gakirau": that LGA's figures
            return Decision([Step("ask_results", {"about": "plan_lga", "lga": lga},
                                  source=text)], reading={"stored": "plan_lga"})
        return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)],
                        reading={"stored": "plan_totals"})
    if re.search(r"\bdirect\b|\binverse\b|\bdirections?\b", low) and not re.search(
            r"\b(?:make|set|change|treat\s+\w+\s+as|turn|flip|switch|use)\b", low) and \
            not PCA_TRUST.search(low):  # "elevation inverse makes sense. Is the PCA reliable?"
        return Decision([Step("ask_results", {"about": "variables"}, source=text)],
                        reading={"stored": "variables"})
    lga_extreme = re.search(r"\blgas?\b.*\b(lowest|highest|least|most|best|worst|smallest"
                            r"|biggest|largest|poorest)\s+(coverage|need)\b", low)
    if lga_extreme and ctx.last_plan is not None:
        low_end = lga_extreme.group(1) in ("lowest", "least", "worst", "smallest", "poorest")
        measure = "coverage_percent" if lga_extreme.group(2) == "coverage" else "nets_needed"
        return Decision([Step("ask_results", {"about": "plan_lga", "measure": measure,
                                              "order": "fewest" if low_end else "most"},
                              source=text)], reading={"stored": "plan_lga"})
    if re.search(r"\b(?:what|which|how\s+much)\b.*\btarget\b", low) and re.search(
            r"\breprioriti\w*|\bde-?prioriti\w*|\burban\b", low) and not re.search(r"\d", low):
        return Decision([Step("ask_results", {"about": "repri_count"}, source=text)],
                        reading={"stored": "repri_count"})
    if not re.search(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b", low):
        return None
    percents = [n for n in ex.extract_numbers(low) if 0 < n.value <= 100]
    if re.search(r"\burban\b|\bthreshold\b", low) and _SELECTED.search(low) \
            and len(percents) <= 1 and not _NETS.search(low):
        params: dict[str, Any] = {"about": "repri_count"}
        if percents:
            params["threshold"] = percents[0].number
        return Decision([Step("ask_results", params, source=text)],
                        reading={"stored": "repri_count"})
    at_threshold = re.search(r"\burban\s+wards?\b.*\bat\b|\bat\s+(?:the\s+)?\d+(?:\.\d+)?\s*"
                             r"(?:%|percent|per\s*cent)\s*(?:urban|threshold)?\b", low)
    if at_threshold and re.search(r"\burban\b|\bthreshold\b", low) and len(percents) == 1 \
            and not _NETS.search(low) and not _ABOVE.search(low):
        # "how many at 30% urban?": the reprioritisation's row at that threshold
        return Decision([Step("ask_results", {"about": "repri_count",
                                              "threshold": percents[0].number}, source=text)],
                        reading={"stored": "repri_count"})
    if _ABOVE_URBAN.search(low) and len(percents) == 1 and not _NETS.search(low) \
            and not _SELECTED.search(low):
        params = {"about": "ward_counts", "threshold": percents[0].number}
        lga, _ = find_lga(text, facts.lgas)
        if lga:
            params["lga"] = lga
        cat = CATEGORY.search(low)
        if cat and not re.search(r"\b(?:highest|lowest)\b", low):
            params["category"] = cat.group(1).title()
        return Decision([Step("ask_results", params, source=text)],
                        reading={"stored": "ward_counts"})
    return None


_NETS = re.compile(r"\bnets?\b|\bitns?\b|\bllins?\b")
_TABLE_PROBLEMS = re.compile(
    r"\b(?:problems?|issues?|errors?|mistakes?|wrong|quirks?)\b.*\b(?:table|data|file|columns?"
    r"|spreadsheet|csv|sheet)\b|\b(?:duplicat\w*|identical|repeated)\s+(?:columns?|variables?)"
    r"|\bcolumns?\b.*\b(?:duplicat\w*|identical|the\s+same\s+values?)\b"
    r"|\b(?:get|have|has|show|hold|gets|are|give)\s+(?:the\s+)?(?:same|identical|duplicat\w*)"
    r"\s+(?:numbers|values|figures|data|readings)\b")
_WHICH_LGAS = re.compile(
    r"\b(?:which|what|list)\s+(?:the\s+)?lgas?\b(?!\s+(?:has|have|is|gets?|takes?|with))"
    r"|\blgas?\s+(?:are|is)\s+(?:there\s+)?in\b|\bwards?\s+(?:are\s+there\s+)?(?:per|in\s+each"
    r"|by)\s+lga\b|\blga\s+codes\b|\bcodes?\s+of\s+(?:the|each|all)\s+lgas\b")
_CODE_OF = re.compile(r"\bcode\s+(?:for|of)\b|\bcode\s+is\b|\b's\s+code\b|\bcode\s+na\b")
_NEEDS_POPULATION = re.compile(
    r"\bhow\s+many\s+(?:nets|itns|llins)\b.*\b(?:request|need|order|ask\s+for|get|require)\b"
    r"|\b(?:can|could|should|shall)\s+(?:we|i|you)\s+(?:\w+\s+)?(?:de-?prioriti[sz]e|reprioriti[sz]e"
    r"|plan\s+(?:the\s+)?(?:nets|distribution|campaign))\b")
_WHAT_YOU_NEED = re.compile(r"\bwhat\s+(?:would|do|will|did)\s+you\s+need\b|\bwhat\s+(?:is|are)"
                            r"\s+missing\b|\bwhat\s+(?:do|should|must)\s+i\s+(?:add|give|provide"
                            r"|upload)\b")
_TPR_WORDS = re.compile(r"\btpr\b|\btest\s+positivity\b|\bpositivity\s+rate\b")
# a question about how the last TPR was computed, not about one ward's rate
_TPR_RUN_QUESTION = re.compile(
    r"\b(?:age(?:\s+groups?)?|groups?|tests?|levels?|settings?|parameters?|options?|file|export"
    r"|rows|facilit(?:y|ies)\s+(?:level|type)s?)\b.*\b(?:was|were|did|used)\b"
    r"|\b(?:was|were|did)\b.*\b(?:age(?:\s+groups?)?|tests?|levels?|settings?|file|export)\b"
    r"|\b(?:tpr|positivity\s+rate)\s+(?:settings?|parameters?|options\s+used)\b"
    r"|\bhow\s+(?:was|were)\s+the\s+(?:tpr|test\s+positivity|positivity\s+rates?)\b"
    # pidgin: "the tpr wey dem run, which age group?", "which test una use for the tpr?"
    r"|\bwey\s+(?:dem|we|you|u|una|i)\s+(?:don\s+|bin\s+)?(?:run|ran|use|used|do|did)\b"
    r"[^.!]*\b(?:age|groups?|tests?|levels?|settings?|file)\b"
    r"|\b(?:age|groups?|tests?|levels?|settings?|file)\b[^.!]*\b(?:dem|we|you|u|una)\s+(?:don\s+"
    r"|bin\s+)?(?:run|ran|use|used)\b")
# ... which a request to compute it again is not ("can you rerun it with the same settings?")
_TPR_ORDER = re.compile(r"\b(?:can|could|would|will)\s+(?:you|we|i)\b|\b(?:please|pls|abeg)\b"
                        r"|\b(?:rerun|re-run|recompute|redo|compute|calculate|change|switch"
                        r"|instead|now)\b|\blet'?s\b")


def asks_about_tpr_run(low: str) -> bool:
    """The lowered message asks how the last TPR was computed, not for a TPR."""
    return bool(_TPR_WORDS.search(low) and _TPR_RUN_QUESTION.search(low)
                and not _TPR_ORDER.search(low))


def table_question(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """The step answering a question about the ward table itself: its LGAs (names, codes,
    wards in each), an LGA's code, its problems (identical columns, missing or odd values), a
    ward's test positivity from the table. None for anything else, requests included."""
    from chatmrpt.chat.tool_slots import ACTION_START
    asks = text.rstrip().endswith("?") or _STORED_QUESTION.match(low) or (
        _TPR_WORDS.search(low) and re.match(r"\s*(?:and|also|now)\s+(?:the|its)\b", low))
    if not asks or ACTION_START.match(low) or not ctx.has_dataset:
        return None
    if _TABLE_PROBLEMS.search(low) and not re.search(r"\b(?:fix|drop|remove|delete)\b", low):
        return Decision([Step("data_quality", {}, source=text)],
                        reading={"stored": "data_quality"})
    if not any(re.search(r"pop", v, re.I) for v in ctx.variables) and (
            _NEEDS_POPULATION.search(low) or (_WHAT_YOU_NEED.search(low) and ctx.last_tool in (
                None, "plan_itn", "what_if_plan", "reprioritize_urban", "planning_data"))):
        # planning and urban reprioritisation need each ward's population: the table has no
        # population column, so the answer says so and how to add it (never a plan question)
        return Decision([Step("planning_data", {}, source=text)],
                        reading={"stored": "planning_data"})
    if ctx.has_facility_data and asks_about_tpr_run(low):
        # "what age group was the TPR run for?", "tpr settings?": the last run, as it was
        return Decision([Step("ask_results", {"about": "tpr_run"}, source=text)],
                        reading={"stored": "tpr_run"})
    if not ctx.analysis_ready:
        return None
    if re.search(r"\bnormali[sz]\w*|\bscaling\b|\brescal\w*", low) and re.search(
            r"\b(?:which|what|why|how)\b", low) and not re.search(
            r"\b(?:use|switch|change|set|go\s+back|return|make|try|run|redo|rerun)\b", low):
        return Decision([Step("ask_results", {"about": "analysis_params"}, source=text)],
                        reading={"stored": "analysis_params"})
    if re.search(r"\bhow\s+many\s+(?:variables|indicators|factors)\b[^?]*\b(?:analysis|ranking"
                 r"|model|used|use|uses|in\s+it)\b", low) and not re.search(
            r"\b(?:table|data|dataset|file|sheet|columns?|available|have\s+we\s+got)\b", low):
        # "how many variables are in this analysis?": the analysis' own, not the table's
        return Decision([Step("ask_results", {"about": "variables"}, source=text)],
                        reading={"stored": "variables"})
    if re.search(r"\bzones?\b", low) and re.search(r"\b(?:which|what)\b", low) and not \
            re.search(r"\b(?:use|switch|change|set|make|run|rerun)\b", low):
        return Decision([Step("ask_results", {"about": "variables"}, source=text)],
                        reading={"stored": "variables"})
    if re.search(r"\bwhich\s+(?:ward|one)\b|\bwhat\s+ward\b|\bwhich\s+is\s+(?:it|that)\b",
                 low) or (EXACT_COUNT.search(low) and not COMPARED.search(low)):
        # "how many wards have tpr exactly 1": the wards with that value, counted
        named = [m for m in ex.find_variables(text, ctx.variables) if m.column]
        value = re.search(r"(?:\b(?:is|are|of|at|equals?|exactly|equal\s+to)\s+|=\s*)"
                          r"(-?\d+(?:\.\d+)?)(?![\d.%])", low)
        if len({m.column for m in named}) == 1 and value and value.start() > named[0].start:
            return Decision([Step("ask_results", {"about": "value_wards",
                                                  "variable": named[0].column,
                                                  "value": float(value.group(1))},
                                  source=text)], reading={"stored": "value_wards"})
    if re.search(r"\bwhy\s+(?:not|no)\b|\bwhy\s+(?:is|was|were|are)(?:n'?t|\s+\w+(?:\s+\w+)?\s+not)\b"
                 r"|\bwhy\b.*\b(?:left\s+out|dropped|excluded|not\s+used|missing\s+from)\b", low):
        named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column}
        if len(named) == 1 and facts.analysis_variables and \
                not named & set(facts.analysis_variables) and not re.search(
                    r"\b(?:add|include|use|run|rerun|try|put|swap|replace|drop|remove|make)\b",
                    low):
            # a column of the table the analysis did not use: its variables and what was left
            # out and why (identical columns among them), then the table's problems
            return Decision([Step("ask_results", {"about": "variables"}, source=text),
                             Step("data_quality", {}, source=text)],
                            reading={"stored": "variables"})
    lga, _ = find_lga(text, facts.lgas)
    if _CODE_OF.search(low) and lga and re.search(r"\bwhat|\bwhich|\bwetin", low):
        return Decision([Step("ask_results", {"about": "lgas", "lga": lga}, source=text)],
                        reading={"stored": "lgas"})
    code = re.search(r"\bin\s+(?:(?:the\s+)?lga\s+(?:with\s+)?(?:code\s+)?)?(\d{4,6})\b", low)
    category = CATEGORY.search(low)
    if code and category and re.search(r"\bhow\s+many\b|\bnumber\s+of\b", low) \
            and not _NETS.search(low) and not re.search(r"%|\bpercent|\burban\b", low):
        return Decision([Step("ask_results", {"about": "ward_counts",
                                              "category": category.group(1).title(),
                                              "lga_code": code.group(1)}, source=text)],
                        reading={"stored": "ward_counts"})
    if _WHICH_LGAS.search(low) and not _NETS.search(low) and not category:
        return Decision([Step("ask_results", {"about": "lgas"}, source=text)],
                        reading={"stored": "lgas"})
    if _TPR_WORDS.search(low) and ctx.wards and not re.search(
            r"\b(?:compute|calculate|facilit\w*|dhis2?|months?|rdt|microscopy)\b", low):
        tpr = [v for v in ctx.variables if re.search(r"tpr|positiv", v, re.I)]
        if re.search(r"\bu5\b|\bunder[\s-]*(?:5|five)\b|\bchildren\b", low):
            tpr = [v for v in tpr if re.search(r"u5|under", v, re.I)] or tpr
        match = ex.find_ward(text, ctx.wards)
        if len(tpr) == 1 and match is not None and len(match.names) == 1:
            params: dict[str, Any] = {"ward": match.names[0], "variable": tpr[0]}
            lgas = {c.lga for c in match.candidates if c.lga}
            if len(lgas) > 1:
                if lga is None:
                    return None
                params["lga"] = lga
            return Decision([Step("ward_value", params, source=text)],
                            reading={"stored": "ward_value"})
    return None


# --- short questions about the results just given -------------------------------------------

_FOLLOW_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|now|then|pls|please|abeg|sorry|but|remind\s+me|sannu|wait)"
    r"[\s,.]+)*(?:how|what|wat|which|wetin|is|are|do|does|can|could"
    r"|tell\s+me|why|remind\s+me)\b|\bhow\s+many\s*\??\s*$|\?\s*$"
    r"|^\s*(?:and\s+)?(?:the\s+)?(?:nets?|itns?|llins?|coverage(?:\s*%)?|allocation|need)"
    r"\s+(?:for|in|of|to)\b")
_ACT_VERB = re.compile(r"\b(?:plan|make|give|allocate|move|add|remove|send|export|download"
                       r"|save|map|show|list|top|bottom|run|rerun|redo|change|set|use|increase"
                       r"|reduce|cut|double|halve|more|less|fewer|extra|instead|switch)\b")
_LGA_FIGURE = re.compile(r"\bnets?\b|\bitns?\b|\bllins?\b|\bcoverage\b|\bcovered\b"
                         r"|\bneed(?:ed|s)?\b|\ballocat\w*|\baltogether\b|\bin\s+total\b")
_PLAN_SETTING = re.compile(r"\bhousehold(?:\s+size)?\b|\bhh(?:\s+size)?\b|\burban\s+threshold\b"
                           r"|\bstrategy\b|\bpeople\s+per\s+net\b|\bbuffer\b|\bbale(?:\s+size)?s?\b"
                           r"|\branking\s+method\b")
# the names of the wards a reprioritisation selects are asked for, not only their number
REPRI_NAMES_ASKED = re.compile(r"^(?!.*\bhow\s+many\b).*(?:\bwhich\s+(?:wards?|ones?|of\s+them)\b"
                               r"|\blist\b|\bnames?\b|\bname\s+(?:them|the)\b)")
_MISSING_DATA = re.compile(r"\bmiss(?:ing)?\b|\bno\s+values?\b|\bblank\b|\bempty\b|\bgaps?\b")
_COMPARE_METHODS = re.compile(r"\b(?:how\s+(?:close|similar|different)|agree\w*|correlat\w*"
                              r"|spearman|match\w*|differ\w*)\b")


def result_follow_up(text: str, low: str, ctx: RouterContext, state: DialogueState,
                     facts: Facts) -> Decision | None:
    """Short questions answered from the stored results, often leaning on the last reply:
    "nets for Kuwe South?", "how many is that" after a list, "how many selected" after a
    reprioritisation, "and how many does it need?" after a ward's plan figures, "remind me the
    household size of this plan", "which wards are missing tpr". None for anything else:
    requests (an action verb or a number to use) are left to the other readings."""
    if not ctx.has_dataset or not _FOLLOW_QUESTION.search(low):
        return None
    last = state.last or {}
    last_tool, last_params = last.get("tool"), dict(last.get("params") or {})
    words = len(low.split())
    digits = re.sub(r"\b\d+(?:\.\d+)?\s*(?:%|percent|per\s*cent)|\btier\s*\d\b", " ", low)
    acts = _ACT_VERB.search(re.sub(r"\b(?:this|that|the|current|our|my|last)\s+plan\b", " ", low))

    def ask(params: dict[str, Any], stored: str) -> Decision:
        return Decision([Step("ask_results", params, source=text)], reading={"stored": stored})

    # the table's missing values: "which wards dey miss tpr", "how many wards get missing
    # housing value"
    if _MISSING_DATA.search(low) and not acts and re.search(
            r"\bwards?\b|\bvalues?\b|\bdata\b|\bcolumns?\b|\bvariables?\b|\bcells?\b", low) \
            and not re.search(r"\bimput\w*|\bneed\w*\b|\bplan\w*\b|\bpopulation\b|\bfor\s+"
                              r"(?:planning|the\s+plan)\b", low) and (
            any(m.column for m in ex.find_variables(text, ctx.variables))
            or re.search(r"\bwhich\s+wards?\b|\bhow\s+many\s+wards?\b", low)):
        return Decision([Step("data_quality", {}, source=text)],
                        reading={"stored": "data_quality"})
    # the total population of the table
    if re.search(r"\btotal\s+pop(?:ulation)?\b|\bpop(?:ulation)?\s+(?:in\s+)?total\b"
                 r"|\bhow\s+many\s+people\b.*\b(?:data|table|state|area|all)\b", low) and \
            not acts and not re.search(r"\bcover\w*|\bnets?\b|\bplan\b|\bselected\b|\bshare\b",
                                       low) and not ex.find_ward(text, ctx.wards or ()):
        return Decision([Step("describe_data", {}, source=text)],
                        reading={"stored": "describe_data"})
    # what a number of the table is: "wetin be 20037 for the table", "what does 20043 mean?"
    code = re.match(r"^\s*(?:(?:and|so|ok(?:ay)?|pls|please|abeg|sorry)[\s,]+)*(?:what|wat|wetin)"
                    r"\s+(?:is|be|does|do|are)\s+(?:the\s+)?(?:number\s+|code\s+)?(\d{4,6})"
                    r"(?:\s+(?:mean|stand\s+for|in|for|on|of)(?:\s+(?:the|this|my|your))?"
                    r"(?:\s+(?:table|data|file|sheet|column))?)?\s*[?.!]*\s*$", low)
    if code:
        return ask({"about": "lgas", "lga_code": code.group(1)}, "lgas")
    if not ctx.analysis_ready:
        return None
    # one ward under the other ranking: "would the ranking of that ward be different under
    # PCA?", "what is Dambo's PCA rank?"
    if re.search(r"\bpca\b", low) and re.search(r"\brank\w*|\bposition\b|\bplace\b", low) \
            and not acts:
        match = ex.find_ward(text, ctx.wards) if ctx.wards else None
        seen = state.focus or {}
        if match is not None and len(match.names) == 1 and \
                len({c.lga for c in match.candidates if c.lga}) <= 1:
            return Decision([Step("explain_ward", {"ward": match.names[0]}, source=text)],
                            reading={"stored": "explain_ward"})
        if match is None and seen.get("ward") and re.search(
                r"\b(?:that|this|the\s+same)\s+ward\b|\bits\b|\bit\b", low):
            params = {"ward": seen["ward"]}
            if seen.get("ward_lga"):
                params["lga"] = seen["ward_lga"]
            return Decision([Step("explain_ward", params, echo=f"{seen['ward']}, the ward "
                                  "asked about before.", source=text)],
                            reading={"stored": "explain_ward"})
    # how close the two rankings are
    if _COMPARE_METHODS.search(low) and re.search(r"\bpca\b", low) and re.search(
            r"\bcomposite\b|\branking", low) and not acts:
        return Decision([Step("compare_methods", {}, source=text)],
                        reading={"stored": "compare_methods"})
    # a ward's composite rank: "what is the composite rank of Zataran?"
    if re.search(r"\b(?:composite\s+)?rank(?:ing)?\s+(?:of|for)\b|\bwhere\s+does\b.*\brank",
                 low) and not acts and not re.search(r"\bpca\b", low):
        match = ex.find_ward(text, ctx.wards) if ctx.wards else None
        if match is not None and len(match.names) == 1 and \
                len({c.lga for c in match.candidates if c.lga}) <= 1:
            return Decision([Step("explain_ward", {"ward": match.names[0]}, source=text)],
                            reading={"stored": "explain_ward"})
    plan = ctx.last_plan
    if plan is not None and not acts and not re.search(r"\d", digits):
        # a setting of the current plan: "remind me wetin be the household size for this plan"
        if _PLAN_SETTING.search(low) and re.search(
                r"\b(?:this|that|the|current|our)\s+plan\b|\byou\s+(?:use|used)\b|\bused\b"
                r"|\bremind\b", low):
            return ask({"about": "plan_params"}, "plan_params")
        # one LGA's figures: "nets for kuwe south?", "coverage % for Ganja LGA"
        lga, _ = find_lga(text, facts.lgas)
        ward = ex.find_ward(re.sub(re.escape(lga), " ", text, flags=re.I), ctx.wards) \
            if lga and ctx.wards else None
        if lga and ward is None and _LGA_FIGURE.search(low) and words <= 9 and not re.search(
                r"\bwards?\b|\branks?\b|\bhigh|\blow\b|\bmedium\b|\burban\b|\bwhy\b"
                r"|\bhow\s+come\b", low):
            return ask({"about": "plan_lga", "lga": lga}, "plan_lga")
        # the urban wards' tier: "tier 2 wards how many"
        if _URBAN_TIER.search(low) and re.search(r"\bhow\s+many\b", low):
            return ask({"about": "plan_totals"}, "plan_totals")
        # the ward just asked about: "and how many does it need?"
        if last_tool == "ask_results" and last_params.get("about") == "plan_ward" and \
                last_params.get("ward") and words <= 8 and re.search(
                    r"\b(?:it|that\s+ward|this\s+ward|the\s+ward)\b", low) and not \
                ex.find_ward(text, ctx.wards or ()):
            params = {"about": "plan_ward", "ward": last_params["ward"]}
            if last_params.get("lga"):
                params["lga"] = last_params["lga"]
            return ask(params, "plan_ward")
    if not re.search(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b|\bshare\b|\bpercent|%", low):
        return None
    # the reprioritisation just made: "how many selected", "how many wards are selected at 50%
    # now?", "wat share of population is that at 50"
    repri = facts.last_repri or (last_params if last_tool == "reprioritize_urban" else {})
    percents = [n for n in ex.extract_numbers(low) if 0 < n.value <= 100]
    if repri and not acts and len(percents) <= 1 and not _NETS.search(low) and (
            _SELECTED.search(low) or (
                re.search(r"\bshare\b|\bpercent|%", low) and re.search(r"\bpop\w*|\bpeople\b",
                                                                        low)
                and re.search(r"\b(?:that|those|them|they)\b", low))):
        # "which wards are deprioritised at 50%?": their names, with the count
        about = "repri_names" if REPRI_NAMES_ASKED.search(low) else "repri_count"
        params = {"about": about}
        thresholds = list(repri.get("thresholds") or [])
        if percents:
            params["threshold"] = percents[0].number
        elif len(thresholds) == 1:
            params["threshold"] = thresholds[0]
        return ask(params, about)
    # the list just shown: "how many is that", "how many high risk in there", "how many dem
    # be", "how many are they"
    if last_tool in ("list_wards", "top_wards") and not acts and not percents and words <= 8 \
            and re.search(r"\b(?:that|those|them|these|there|it|dem|dose|dis|dat|they)\b",
                          low) and \
            not _NETS.search(low) and not re.search(r"\bneed|\blgas\b|\blocal\s+gov", low) and \
            (last_params.get("lga") or last_params.get("lga_code")) \
            and not last_params.get("n"):
        params = {"about": "ward_counts"}
        # "how many wards are in that code altogether?": all of the place's wards, not only
        # the category just listed
        whole = re.search(r"\b(?:altogether|all\s+together|in\s+total|total|in\s+all|overall"
                          r"|whole|entire)\b", low)
        for key in ("lga", "lga_code") if whole else ("lga", "lga_code", "category"):
            if last_params.get(key):
                params[key] = last_params[key]
        cat = CATEGORY.search(low)
        if cat:
            params["category"] = cat.group(1).title()
        return ask(params, "ward_counts")
    return None


def _lgas_named(low: str, lgas: Sequence[str]) -> list[str]:
    """The LGAs a message names, in the order it names them (a longer name first: "Kuwe
    South" is not also "Kuwe")."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for lg in sorted(lgas, key=len, reverse=True):
        for m in re.finditer(r"(?<![a-z])" + re.escape(lg.lower()) + r"(?![a-z])", low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), lg))
    return list(dict.fromkeys(lg for _, lg in sorted(found)))


_PLAN_TALK = ("plan_itn", "what_if_plan")
# "Ganja now", "Kuwe South now?", "and Rimai now pls": an LGA asked again after a change
_LGA_NOW = re.compile(r"^\s*(?:(?:ok(?:ay)?|and|so|what\s+about|how\s+about)[\s,]+)*(?P<name>.+?)"
                      r"(?:\s+lga)?[\s,]+now\b(?:[\s,]+(?:pls|please|abeg|then))*\s*[?.!]*\s*$")
# "how many of its wards are fully covered", "and their coverage", "what does that LGA need"
_ITS_LGA = re.compile(r"\b(?:its|their|that\s+lga|this\s+lga|the\s+lga|same\s+lga|there|it)\b")
_TWO_LGAS = re.compile(r"\bcompar\w*|\bversus\b|\bvs\.?\s|\bthen\b|\band\b|\bboth\b")


# the words of a short question on one LGA's figures in the plan ("how many for Kuran", "and
# ganja wards fully covered?", "Doragar coverage nko")
_LGA_FIGURE_WORDS = frozenset([
    "and", "so", "ok", "okay", "now", "then", "what", "whats", "what's", "wetin", "about", "of",
    "how", "many", "much", "for", "the", "d", "lga", "its", "their", "in", "nets", "net", "itns",
    "itn", "llins", "get", "gets", "getting", "got", "receive", "receives", "receiving", "wards",
    "ward", "fully", "covered", "coverage", "partly", "partially", "not", "uncovered", "need",
    "needs", "needed", "people", "are", "is", "dem", "dey", "does", "do", "please", "pls", "abeg",
    "too", "also", "nko", "allocated", "allocation", "percent", "same", "them"])
_COVER = re.compile(r"\b(?:covered|coverage|fully|partly|partially|uncovered|nets?|itns?)\b")


def _one_lga_figure(low: str, lga: str) -> bool:
    """The message asks one LGA's figure in the plan in few words, and nothing else."""
    rest = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", low)
    words = re.findall(r"[a-z][a-z']*", rest)
    if not words or len(words) > 9 or any(w not in _LGA_FIGURE_WORDS for w in words):
        return False
    if re.search(r"\bwards?\b", rest) and not _COVER.search(rest):
        return False  # "how many wards for Kuran": its wards counted, not the plan
    # "and Fagge" alone is the focus' follow-up (the same figure, said for which LGA before)
    return bool(_LGA_FIGURE.search(rest) or re.search(r"\bhow\s+(?:many|much)\b", rest))


def _other_ward(text: str, lga: str, ctx: RouterContext) -> bool:
    """The message names a ward besides the LGA ("ganja" is the LGA Ganja, not a slip of the
    ward Ganje)."""
    for match in ex.find_wards(text, ctx.wards) if ctx.wards else []:
        said = ex.lower_text(text[match.start:match.end])
        if match.score >= 90 and said != ex.lower_text(lga) and \
                ex.lower_text(match.names[0]) != ex.lower_text(lga):
            return True
    return False


def plan_lga_again(text: str, low: str, ctx: RouterContext, state: DialogueState,
                   facts: Facts) -> Decision | None:
    """An LGA's figures in the current plan asked in few words: "Ganja now" after a re-plan
    (that LGA in the new plan), "how many of its wards are fully covered" after an LGA's
    figures (the same LGA), "compare Rimai and Kuwe South: how many nets is Rimai getting,
    then Kuwe South" (each LGA's figures, in the order named)."""
    if ctx.last_plan is None or not facts.lgas or re.search(r"\d", low):
        return None
    last = state.last or {}
    params = last.get("params") or {}
    about = str(params.get("about", ""))
    plan_talk = last.get("tool") in _PLAN_TALK or (
        last.get("tool") == "ask_results" and about.startswith("plan"))
    m = _LGA_NOW.match(low)
    if m and plan_talk:
        named = _lgas_named(m.group("name"), facts.lgas)
        rest = re.sub(r"(?<![a-z])" + re.escape(named[0].lower()) + r"(?![a-z])", " ",
                      m.group("name")) if len(named) == 1 else "x"
        if len(named) == 1 and not re.search(r"[a-z]", re.sub(r"\b(?:lga|nets?|itns?)\b", "",
                                                              rest)):
            return Decision([Step("ask_results", {"about": "plan_lga", "lga": named[0]},
                                  source=text)], reading={"stored": "plan_lga",
                                                          "follow_up": "plan_lga"})
    named = _lgas_named(low, facts.lgas)
    if _ACT_VERB.search(re.sub(r"\bcompar\w*", " ", low)) or re.search(
            r"\b(?:would|if|should|why|rank\w*|scores?|top|map)\b", low):
        return None
    if len(named) == 2 and _TWO_LGAS.search(low) and _LGA_FIGURE.search(low) and \
            re.search(r"\bhow\s+many\b|\bhow\s+much\b|\bcompar\w*|\bwhat\b|\?", low):
        return Decision([Step("ask_results", {"about": "plan_lga", "lga": lg}, source=text)
                         for lg in named], reading={"stored": "plan_lga", "lgas": named})
    if len(named) == 1 and plan_talk and _one_lga_figure(low, named[0]) and \
            not _other_ward(text, named[0], ctx):
        # "how many for Kuran" after the LGA with the most nets, "and ganja wards fully
        # covered?" after Ganja's nets: that LGA's figures in the current plan
        return Decision([Step("ask_results", {"about": "plan_lga", "lga": named[0]},
                              source=text)],
                        reading={"stored": "plan_lga", "follow_up": "plan_lga"})
    if not named and about == "plan_lga" and params.get("lga") and \
            last.get("tool") == "ask_results" and _ITS_LGA.search(low) and \
            len(low.split()) <= 12 and (_LGA_FIGURE.search(low) or re.search(
                r"\bwards?\b.*\b(?:covered|full|fully|no\s+nets?|nothing)\b", low)) and \
            not (ctx.wards and ex.find_ward(text, ctx.wards)):
        return Decision([Step("ask_results", {"about": "plan_lga", "lga": params["lga"]},
                              source=text)],
                        reading={"stored": "plan_lga", "follow_up": "plan_lga"})
    return None


def plan_figure_follow_up(text: str, low: str, ctx: RouterContext, state: DialogueState,
                          facts: Facts) -> Decision | None:
    """"and Doragar LGA altogether?" right after a question on the plan's figures (a ward's,
    an LGA's or the totals): that LGA's figures in the same plan. None for anything else."""
    same = same_ward(text, low, ctx, state)  # "and its coverage %" after a ward's figures
    if same is not None:
        return same
    again = plan_lga_again(text, low, ctx, state, facts)
    if again is not None:
        return again
    last = state.last or {}
    about = str((last.get("params") or {}).get("about", ""))
    if ctx.last_plan is None or last.get("tool") != "ask_results" or not about.startswith(
            "plan") or about == "plan_lga":  # after an LGA's figures: the focus reads it
        return None
    if len(low.split()) > 7 or re.search(r"\d", low) or not re.match(
            r"^\s*(?:ok(?:ay)?[\s,]+)?(?:and|what\s+about|how\s+about|same\s+for|now|then)\b",
            low) or _ACT_VERB.search(low) or re.search(r"\bwards?\b|\branks?\b|\bscores?\b"
                                                    r"|\bpop\w*|\bhigh\b|\blow\b", low):
        return None
    lga, _ = find_lga(text, facts.lgas)
    if lga is None:
        return None
    rest = re.sub(re.escape(lga.lower()), " ", low)
    if re.search(r"\blga\b|\blocal\s+gov\w*|\baltogether\b|\bin\s+total\b|\boverall\b", rest) \
            or (last.get("params") or {}).get("about") != "plan_ward" or not (
                ctx.wards and ex.find_ward(text, ctx.wards)):
        was = (last.get("params") or {}).get("ward")
        echo = f"{lga} LGA's figures in the current plan" + (f", as for {was}." if was else ".")
        return Decision([Step("ask_results", {"about": "plan_lga", "lga": lga}, echo=echo,
                              source=text)],
                        reading={"stored": "plan_lga", "follow_up": "plan_lga"})
    return None


# "which way is distance taken?", "is nets per capita counted the right way round?", "which
# direction does rainfall go": the direction of a variable the analysis used
WAY_ROUND = re.compile(
    r"\b(?:which|what)\s+(?:way|direction)\s+(?:round\s+|around\s+)?(?:is|are|was|were|does|do"
    r"|did|has|have)\b"
    r"|\b(?:right|wrong|correct|other)\s+way\s+(?:round|around)\b"
    r"|\b(?:counted|taken|treated|scored|read|used|set)\s+(?:the\s+)?(?:right|wrong|correct)\s+"
    r"way\b"
    r"|\bin\s+(?:which|what)\s+direction\b"
    # "why is housing counted the opposite way?", "how come rainfall is reversed?"
    r"|\b(?:why|how\s+come|explain|reason)\b.*\b(?:opposite|reverse[ds]?|reversed|backwards?"
    r"|upside\s+down|other\s+way|inverse|inverted|direct)\b"
    # "and urban percentage is inverse why", "housing inverse, how come?": the why said last
    r"|\b(?:is|are|was|were|taken\s+as|treated\s+as|counted\s+as|as)\s+(?:an?\s+)?"
    r"(?:inverse|inverted|direct|reversed)\s*[,;:-]?\s*(?:but\s+)?(?:why|how\s+come)\b"
    # "does a higher housing_quality value mean better housing?", "is higher ndwi wetter or
    # drier": what a high value of a variable stands for
    r"|\b(?:does|do|did|would|will|is|are)\s+(?:an?\s+|the\s+)?(?:higher|high|bigger|larger"
    r"|lower|low|smaller|more)\s+(?:[\w-]+\s+){0,4}?(?:mean|means|indicate|indicates|show"
    r"|shows|signal|imply|implies|stand\s+for|=)\s"
    r"|\b(?:higher|high|bigger|larger|lower|low|smaller)\s+(?:[\w-]+\s+){0,3}?(?:values?\s+|"
    r"numbers?\s+|scores?\s+)?(?:means?|=)\s+(?:better|worse|more|less|good|bad|higher|lower)\b")


# "... treat rainfall as direct", "make housing inverse": an order about a direction, beside
# any question
DIRECTION_ORDER = re.compile(
    r"(?:^|[.!?;,]\s*|\b(?:so|then|and|pls|please|abeg)\s+)(?:make|set|change|treat|count|take"
    r"|use|put|flip|switch|turn|swap|reverse)\b[^.?!]*?\b(?:as\s+|to\s+|be\s+)?(?:an?\s+)?"
    r"(?:direct|inverse)\b(?![^.?!]*\?)")


def direction_question(text: str, low: str, ctx: RouterContext,
                       facts: Facts) -> Decision | None:
    """A question which way round a variable is taken: the variables of the analysis with
    their directions and why (never a change, never a plan)."""
    if not ctx.analysis_ready or not WAY_ROUND.search(low) or not reads_as_question(text) \
            and not re.search(r"\?|\b(?:which|what|why|explain|how\s+come)\b", low):
        return None
    if re.search(r"\b(?:make|set|change|flip|switch|turn|swap|reverse)\s+(?:it|them|that|this"
                 r"|the|its?|\w+\s+to)\b|\b(?:run|rerun|redo)\b", low) or DIRECTION_ORDER.search(low):
        return None
    named = list(dict.fromkeys(m.column for m in ex.find_variables(text, ctx.variables)
                               if m.column))
    if not named:
        return None
    params: dict[str, Any] = {"about": "variables"}
    if len(named) == 1 and named[0] not in facts.analysis_variables:
        params["variable"] = named[0]  # not in the analysis: the direction it would take
    return Decision([Step("ask_results", params, source=text)], reading={"stored": "variables"})


# "Oloje housing was NA in our sheet, what value did you use", "what did you fill in for
# rainfall in Kira 1?": a filled (imputed) value asked about
FILLED_VALUE = re.compile(
    r"\b(?:what|which)\s+(?:value|number|figure)\s+(?:did|do|have|has)\s+(?:you|it|the\s+"
    r"analysis)\s+(?:use|put|fill|take|give|assign|impute)\w*\b"
    r"|\bwhat\s+(?:did|do|have)\s+(?:you|it|the\s+analysis)\s+(?:fill|put|impute|use)\w*\s+"
    r"(?:in|for|there)\b"
    r"|\b(?:filled|imputed)\s+(?:value|number|figure)\b"
    r"|\bwhat\s+(?:was|is)\s+(?:it|that)\s+(?:filled|imputed|replaced)\s+with\b")


def filled_value_question(text: str, low: str, ctx: RouterContext,
                          facts: Facts) -> Decision | None:
    """One ward's value of one column, asked because it was missing and filled: the value
    the analysis used (ward_value says when it was filled from neighbouring wards)."""
    if not ctx.analysis_ready or not ctx.wards or not FILLED_VALUE.search(low):
        return None
    named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column}
    match = ex.find_ward(text, ctx.wards)
    if len(named) != 1 or match is None or len(match.names) != 1:
        return None
    params: dict[str, Any] = {"ward": match.names[0], "variable": next(iter(named))}
    lgas = {c.lga for c in match.candidates if c.lga}
    if len(lgas) > 1:
        lga, _ = find_lga(text, facts.lgas)
        if lga is None:
            return None
        params["lga"] = lga
    return Decision([Step("ward_value", params, source=text)], reading={"stored": "ward_value"})


# "is it normal that rainfall and dumpsites have the exact same number in every ward?"
SAME_VALUES = re.compile(r"\b(?:same|identical|equal|duplicate[sd]?)\s+(?:\w+\s+){0,2}(?:numbers?"
                         r"|values?|figures?|data|columns?)\b|\b(?:identical|duplicates?)\b")
# "where does the urban figure come from", "there's no urban column in the csv"
URBAN_ORIGIN = re.compile(
    r"\bwhere\s+(?:does|do|did|is|are)\b.*\b(?:come|came|coming|get|got|from)\b"
    r"|\bhow\s+(?:do|did|can)\s+you\s+(?:know|get|tell)\b|\bno\s+urban\s+column\b"
    r"|\bsource\s+of\b")
# "there is a ward called Fagg c, is that a typo?", "is that ward spelled wrong?"
SPELLING = re.compile(r"\btypos?\b|\bmis-?spel\w*|\bspel(?:led|t)\s+(?:wrong\w*|incorrectly|right"
                      r"|correctly|differently)\b|\b(?:wrong|correct|right|proper)\s+spelling\b"
                      r"|\bwrong\s+name\b|\bname\s+(?:is\s+)?wrong\b")
# another question about the ward: "Fagg c, that's how your table spells it, what's its rank?"
WARD_FIGURE = re.compile(r"\brank\w*|\bscores?\b|\bvalues?\b|\bpopulation\b|\bpriority\b"
                         r"|\bcategory\b|\bnets?\b|\blga\b|\bwhy\b|\bhow\s+many\b")


def data_origin_question(text: str, low: str, ctx: RouterContext,
                         facts: Facts) -> Decision | None:
    """Questions about where the data's figures come from, answered by the data checks:
    identical columns (data_quality), the urban share's source and ward names matched by
    similar spelling (describe_data). Never a change."""
    if not ctx.has_dataset or not (reads_as_question(text) or "?" in text or re.search(
            r"\b(?:where|how|why|is|normal)\b", low)):
        return None
    if re.search(r"\b(?:run|rerun|redo|add|drop|remove|use|plan|map|export|show)\b", low):
        return None
    named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column} \
        if ctx.variables else set()
    if len(named) >= 2 and SAME_VALUES.search(low):
        return Decision([Step("data_quality", {}, source=text)], reading={"stored": "identical"})
    if re.search(r"\burban\b", low) and URBAN_ORIGIN.search(low):
        return Decision([Step("describe_data", {}, source=text)],
                        reading={"stored": "urban_source"})
    if SPELLING.search(low) and not WARD_FIGURE.search(low) and ctx.wards and \
            ex.find_ward(text, ctx.wards) is not None:
        return Decision([Step("describe_data", {}, source=text)], reading={"stored": "spelling"})
    return None


# "is there any ward name that appears twice?", "are there duplicate ward names?", "do two
# wards share a name?"
DUPLICATE_NAMES = re.compile(
    r"\b(?:ward\s+)?names?\b[^?.]{0,30}?\b(?:appears?|occurs?|shows?\s+up|comes?\s+up|used|repeat"
    r"\w*|listed|is\s+there)\s+(?:twice|more\s+than\s+once|two\s+times|again|2\s+times)\b"
    r"|\b(?:duplicated?|duplicate|repeated|double|non-?unique)\s+(?:ward\s+)?names?\b"
    r"|\bwards?\s+(?:with|having|sharing|that\s+share|share)\s+(?:the\s+)?(?:same|one)\s+name\b"
    r"|\b(?:same|identical)\s+(?:ward\s+)?names?\b|\bnames?\s+(?:are\s+)?(?:not\s+)?unique\b")


def duplicate_names_question(text: str, low: str, ctx: RouterContext) -> Decision | None:
    """Ward names that appear more than once in the ward table, with their LGAs (a table
    keyed on names needs the LGA, or the ward code, to tell them apart)."""
    if not ctx.wards or not DUPLICATE_NAMES.search(low) or re.search(
            r"\b(?:rename|fix|drop|remove|delete|merge|export|download|map|plan)\b", low):
        return None
    from chatmrpt.analysis.names import normalise_ward_name

    seen: dict[str, list[Any]] = {}
    for w in ctx.wards:
        seen.setdefault(normalise_ward_name(w.name), []).append(w)
    twice = [refs for refs in seen.values() if len(refs) > 1]
    if not twice:
        reply = (f"No: each of the {len(ctx.wards)} ward names appears only once in your "
                 "ward table, so the names alone tell the wards apart.")
    else:
        lines = []
        for refs in twice:
            lgas = [r.lga for r in refs if r.lga]
            where = f" (in {_join_words(lgas)})" if lgas else ""
            lines.append(f"- {refs[0].name}: {len(refs)} wards{where}")
        reply = (f"Yes: {len(twice)} ward name{'s appear' if len(twice) > 1 else ' appears'} "
                 "more than once in your ward table:\n" + "\n".join(lines) +
                 "\nA table keyed on ward names alone would mix these up; key it on the ward "
                 "name with its LGA, or on the ward code.")
    return Decision(text=reply, reading={"stored": "duplicate_names"})


def _join_words(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# "how many wards in 24008 had housing filled in like that", "number of wards where rainfall
# was imputed"
FILLED_COUNT = re.compile(r"\b(?:how\s+many|number\s+of|count)\b.*\bwards?\b.*\b(?:filled|imputed"
                          r"|fill(?:ed)?\s+in|estimated\s+from\s+neighbou?r\w*)\b")


def filled_count_question(text: str, low: str, ctx: RouterContext,
                          facts: Facts) -> Decision | None:
    """How many wards (of an LGA, an LGA code, a category) had one column's value filled from
    neighbouring wards."""
    if not ctx.analysis_ready or not FILLED_COUNT.search(low):
        return None
    named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column}
    if len(named) != 1:
        return None
    params: dict[str, Any] = {"about": "ward_counts", "filled": next(iter(named))}
    codes = [c for c in re.findall(r"(?<![\d.,])(\d{4,6})(?![\d.,%])", low)
             if not facts.lga_codes or c in facts.lga_codes]
    lga, _ = find_lga(text, facts.lgas)
    if len(codes) == 1:
        params["lga_code"] = codes[0]
    elif lga:
        params["lga"] = lga
    category = re.search(r"\b(high|medium|low)\b", low)
    if category:
        params["category"] = category.group(1).title()
    return Decision([Step("ask_results", params, source=text)], reading={"stored": "ward_counts"})
