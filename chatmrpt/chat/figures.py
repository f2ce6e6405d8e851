"""Questions about the figures of the stored plan and reprioritisation, in the words people
use for them, answered with the exact numbers and never acted on.

- the plan's reach ("what percentage of the state does that reach?"), whether its nets are
  enough ("is the 500k enough?", "would a 500k plan cover everyone?": the total need and the
  gap, no new plan), wards by coverage ("how many wards are still left uncovered?", "pushed
  to the back as urban"), the wards in the plan, a setting ("what people-per-net assumption
  is in there?", "what hh size we dey use"), the ward served first;
- nets for an LGA or a ward named with a slip ("nets in dorager", "nets for dutse kakanji"),
  a ward name shared by two LGAs (the one talked about, or asked with one-tap choices);
- the reprioritisation: the thresholds compared, its target ("what target was this aiming
  at, 30 percent?"), wards selected, urban wards and population share at a threshold ("how
  many wards at 50 now?", "at 20%, how many wards count as urban?") or at the threshold just
  talked about ("what population share do they hold").

Requests (an action verb, "could you run it again ...") and hypothetical plans with other
numbers are left to the other readings.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

# the shape of a question (or a bare noun phrase asking for a figure)
_QUESTION = re.compile(
    r"\?\s*$|^\s*(?:(?:and|so|ok(?:ay)?|now|then|please|pls|abeg|sorry|but|also|remind\s+me"
    r"|tell\s+me)[\s,]+)*(?:how|what|wat|which|wich|whch|wetin|is|are|was|were|did|does|do|would|will"
    r"|can|could|has|have|remind|tell|(?:(?:the|d)\s+)?(?:nets?|itns?|allocation)|allocat\w*"
    r"|pop(?:ulation)?|share|wards?"
    r"|number|count|(?:(?:the|d)\s+)?(?:urban\s+)?(?:re|de)-?prioriti[sz]ation)\b"
    r"|^\s*(?:[\w']+[\s,]+){1,3}(?:how\s+many|how\s+much|what|which|wetin)\b")
# a request, whatever its shape
_REQUEST = re.compile(
    r"^\s*(?:(?:please|pls|abeg|ok(?:ay)?|so|now|oya|then|and)[\s,]+)*(?:show|map|list|give"
    r"|display|draw|plot|export|download|plan|re-?plan|send|save|run|rerun|re-run|redo|rank"
    r"|make|use"
    r"|set|change|switch|move|add|remove|reduce|increase|cut|double|halve|bump|put|go\s+back"
    r"|reprioriti[sz]e|try)\b"
    r"|\b(?:can|could|would|will)\s+you\s+(?:please\s+|pls\s+)?(?:run|rerun|re-run|redo|do|make"
    r"|re-?plan"
    r"|change|set|use|try|switch|reprioriti[sz]e|plan|go|give|move|add|show|send|export|put)\b"
    r"|\b(?:again|instead)\b|\blet'?s\s+(?:run|plan|use|try|change|redo)\b"
    r"|^\s*(?:(?:please|pls|abeg|ok(?:ay)?|so|now|oya|then|and)[\s,]+)*do\s+(?:it|am|that|this"
    r"|the\s+same|same|one)\b|\bsame\s+(?:target|settings?|threshold)\b")
_NOT_ANSWERABLE = re.compile(r"\bshould\b|\brecommend\w*|\badvi[cs]e\b|\bbest\b|\bmean(?:s|ing)?\b"
                             r"|\bexplain\b|\bwhy\b|\bhow\s+(?:is|are|was|does)\s+(?:it|that|this"
                             r"|the\s+\w+)\s+(?:computed|calculated|worked\s+out)\b")
_NETS = re.compile(r"\bnets?\b|\bitns?\b|\bllins?\b")
_PCA = re.compile(r"\bpca\b|\bprincipal\b")


def figure_question(text: str, low: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """The answer step for a question about a figure of the stored plan or
    reprioritisation (see the module's docstring), or None for anything else."""
    if not ctx.has_dataset or not ctx.analysis_ready or _REQUEST.search(low):
        return None
    same = same_ward(text, low, ctx, state)
    if same is not None:
        return same
    if not _QUESTION.search(low) and not _LEFT_OVER_SHORT.match(low):
        return None
    return (_plan_enough(text, low, ctx, facts)
            or _repri_figure(text, low, ctx, state, facts)
            or _plan_figure(text, low, ctx, state, facts)
            or _place_nets(text, low, ctx, state, facts))


def _ask(text: str, params: dict[str, Any], stored: str, echo: str = "") -> Decision:
    return Decision([Step("ask_results", params, echo=echo, source=text)],
                    reading={"stored": stored, "figure": stored})


# --- the plan -------------------------------------------------------------------------------

_ENOUGH = re.compile(r"\benough\b|\bsuffic\w*|\bcover\s+(?:every(?:one|body|\s+ward|\s+person)"
                     r"|all\b|the\s+whole|the\s+state)|\bshort(?:fall)?\b|\bgap\b"
                     r"|\bhow\s+many\s+more\s+nets\b")
_DATA_WORDS = re.compile(r"\b(?:data|table|file|dataset|columns?|variables?|sample|wards?\s+"
                         r"list)\b")


def _net_numbers(low: str) -> list[float]:
    """Numbers that can be a stock of nets (1,000 and up)."""
    return [n.value for n in ex.extract_numbers(low) if not n.percent and n.value >= 1000]


def _plan_enough(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """ "is the 500k we have enough?", "would a 500k plan cover everyone?": the current
    plan's total need, and the gap to the nets said (if any). Never a new plan."""
    if ctx.last_plan is None or not _ENOUGH.search(low) or _DATA_WORDS.search(low) \
            or _PCA.search(low):
        return None
    nets = _net_numbers(low)
    others = [n for n in ex.extract_numbers(low) if not n.percent and n.value < 1000]
    if len(nets) > 1 or others or re.search(r"%|\bpercent|\bhousehold|\bhh\b|\bper\s+net", low):
        return None  # other settings: a hypothetical plan, for the plan readings
    if not nets and not (_NETS.search(low) or re.search(r"\bplan\b|\bstock\b|\bsupply\b"
                                                        r"|\bwe\s+have\b", low)):
        return None
    lga, _ = find_lga(text, facts.lgas)
    if lga:  # "how many nets would it take to cover all of Rimai?": that LGA's need
        return None if nets else _ask(text, {"about": "plan_lga", "lga": lga}, "plan_lga")
    params: dict[str, Any] = {"about": "plan_totals"}
    if nets:
        params["nets"] = int(nets[0])
    return _ask(text, params, "plan_enough")


_REACH = re.compile(r"\b(?:reach\w*|cover\w*|served|protect\w*)\b")
_SHARE = re.compile(r"\bpercent\w*|%|\bshare\b|\bproportion\b|\bfraction\b|\bhow\s+much\s+of\b")
_WARD_COVER = re.compile(
    r"\buncovered\b|\bnot\s+(?:yet\s+)?covered\b|\bwithout\s+(?:any\s+)?nets\b|\bget\w*\s+"
    r"(?:nothing|no\s+nets|zero)\b|\bno\s+nets\b|\bleft\s+out\b|\bfully\s+covered\b"
    r"|\bfull\s+coverage\b|\bpart(?:ly|ially)\s+covered\b|\bpushed\s+(?:to\s+the\s+)?back\b"
    r"|\bat\s+the\s+back\b|\bback\s+of\s+the\s+(?:queue|line)\b|\bserved\s+last\b|\bcome\s+last"
    r"\b|\bput\s+last\b|\blast\s+in\s+line\b|\bend\s+of\s+the\s+(?:queue|line)\b"
    r"|\bwards?\s+(?:are\s+|r\s+|dey\s+|get\s+|got\s+|now\s+)?(?:full|fully|in\s+full)\b")
# "how many wards are fully covered at that threshold?" right after the plan's urban threshold
# was changed: the plan's coverage (a reprioritisation covers no ward)
_COVERED_AT_THRESHOLD = re.compile(
    r"\b(?:fully|full|part(?:ly|ially)|not(?:\s+yet)?|un)\s*covered\b.*\b(?:at|with|under|for)\s+"
    r"(?:that|this|the\s+(?:new|same|current|plan'?s)|the|our|its)\s+(?:new\s+)?(?:urban\s+)?"
    r"threshold\b")
_IN_PLAN = re.compile(r"\bhow\s+many\s+wards\b.*\b(?:in|for|does|covered\s+by|under)\s+"
                      r"(?:the|this|dis|that|d|our|current)\s+plan\b")
_SETTING = re.compile(r"\bhousehold(?:\s+size)?\b|\bhh(?:\s+size)?\b|\bpeople[\s-]+per[\s-]+net"
                      r"\b|\bper[\s-]+net\b|\bbuffer\b|\bbales?(?:\s+size)?\b|\bstrategy\b"
                      r"|\burban\s+threshold\b|\ballocation\s+rule\b")
_SETTING_ASKED = re.compile(
    r"\b(?:what|wat|which|wetin|remind|tell\s+me)\b.*\b(?:we|you|this|dis|that|the\s+plan"
    r"|in\s+there|in\s+it|assum\w*|using|use|used|dey|current|on|is\s+it|was\s+it)\b")
# "how many people does one net cover in this plan?", "each net covers how many persons"
_NET_COVERS = re.compile(
    r"\bhow\s+many\s+(?:people|persons|pple|ppl)\s+(?:does|do|can|will|dey|go)?\s*(?:one|a|1"
    r"|each|every|a\s+single|one\s+single)\s+net\s+(?:cover|protect|serve|take)"
    r"|\b(?:one|a|1|each|every)\s+net\s+(?:covers?|protects?|serves?|is\s+for)\s+how\s+many\b")
_FIRST = re.compile(
    r"\b(?=.*\bfirst\b)(?:which|what)\s+(?:is\s+)?(?:the\s+)?(?:first\s+)?ward\b.*\b(?:serve[sd]?"
    r"|serving|covered|reached|supplied|allocat\w*|collect\w*|gets?|getting|receive[sd]?|nets"
    r"|in\s+line|queue)\b")


# "which LGA has the most people covered?", "what lga get the fewest wards fully covered":
# the LGA at one end of a plan measure
_LGA_END = re.compile(
    r"\b(?:which|wich|whch|what|wetin)\s+(?:one\s+of\s+the\s+)?lgas?\b.*?\b(?P<end>most|highest|largest"
    r"|biggest|greatest|fewest|least|lowest|smallest)\s+(?:number\s+of\s+)?(?P<what>people|persons"
    r"|population|residents|wards?|nets?|itns?|llins?)\b(?P<rest>.*)$")


def _lga_end(text: str, low: str) -> Decision | None:
    m = _LGA_END.search(low)
    if m is None:
        return None
    rest = m.group("rest")
    order = "most" if m.group("end") in ("most", "highest", "largest", "biggest",
                                          "greatest") else "fewest"
    if re.match(r"(?:nets?|itns?|llins?)$", m.group("what")):
        # "wich LGA collect d highest nets": the LGA at that end of the nets allocated
        if not re.fullmatch(r"\s*(?:now|there|then|pls|please|abeg|in\s+the\s+plan)?\s*[?.!]*",
                            rest):
            return None
        return _ask(text, {"about": "plan_lga", "order": order}, "plan_lga")
    if m.group("what").startswith("ward"):
        if re.search(r"\bnot\s+covered\b|\buncovered\b|\bleft\s+out\b|\bno\s+nets\b", rest):
            measure = "wards_not_covered"
        elif re.search(r"\bfull(?:y)?\b|\bcovered\b", rest):
            measure = "wards_fully_covered"
        else:
            return None
    elif re.search(r"\b(?:covered|reached|protected|served)\b", rest) and \
            not re.search(r"\bnot\b|\bun", rest):
        measure = "population_covered"
    else:
        return None
    order = "most" if m.group("end") in ("most", "highest", "largest", "biggest",
                                          "greatest") else "fewest"
    return _ask(text, {"about": "plan_lga", "order": order, "measure": measure}, "plan_lga")


def _plan_figure(text: str, low: str, ctx: RouterContext, state: DialogueState,
                 facts: Facts) -> Decision | None:
    """A figure of the current plan asked in other words than its own name."""
    if ctx.last_plan is None:
        return None
    ended = _lga_end(text, low) if facts.lgas else None
    if ended is not None:
        return ended
    digits = re.search(r"\d", low)
    if _FIRST.search(low) and not _PCA.search(low) and not digits and not re.search(
            r"\b(?:would|if|change|differ\w*|rank\w*|score\w*|most|vulnerab\w*)\b", low):
        return _ask(text, {"about": "plan_first"}, "plan_first")
    if _SHARE.search(low) and _REACH.search(low) and re.search(
            r"\bpop\w*|\bpeople\b|\bstate\b|\bresidents\b", low) and not digits and \
            not re.search(r"\bselected\b|\bdeprioriti\w*|\breprioriti\w*|\bthreshold\b", low):
        lga, _ = find_lga(text, facts.lgas)
        if lga:
            return _ask(text, {"about": "plan_lga", "lga": lga}, "plan_lga")
        return _ask(text, {"about": "plan_totals"}, "plan_totals")
    if re.search(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b", low) and re.search(
            r"\bwards?\b", low) and not digits and not re.search(
            r"\bselect\w*|\breprioriti\w*|\bchosen\b|\bpicked\b", low) and (
            not re.search(r"\bthreshold\b", low) or _COVERED_AT_THRESHOLD.search(low)) and (
            _WARD_COVER.search(low) or _IN_PLAN.search(low)):
        lga, _ = find_lga(text, facts.lgas)
        if lga:
            return _ask(text, {"about": "plan_lga", "lga": lga}, "plan_lga")
        return _ask(text, {"about": "plan_totals"}, "plan_totals")
    if _LEFT_OVER.search(low) and (re.search(r"\b(?:how\s+many|number\s+of|any|are\s+there"
                                             r"|is\s+there|what)\b", low) or _LEFT_OVER_SHORT.match(
            low)) and not digits and \
            not re.search(r"\b(?:would|if|wards?|lgas?|households?|people)\b", low) and \
            not find_lga(text, facts.lgas)[0]:
        return _ask(text, {"about": "plan_totals"}, "plan_totals")  # "nets left after the bales"
    if _NET_COVERS.search(low) and not re.search(r"\d", low.replace(" 1 net", " one net")) and \
            not re.search(r"\b(?:would|if|should|instead|change|use)\b", low):
        return _ask(text, {"about": "plan_params"}, "plan_params")  # the people per net
    if _SETTING.search(low) and _SETTING_ASKED.search(low) and not digits and \
            not _NOT_ANSWERABLE.search(low) and not re.search(r"\b(?:would|if)\b", low):
        return _ask(text, {"about": "plan_params"}, "plan_params")
    return None


# nets the plan did not give out: "how many nets are left over now after the bales"
_LEFT_OVER = re.compile(r"\bnets?\b.*\b(?:left(?:\s*over)?|leftovers?|remain\w*|spare|unused"
                        r"|unallocated|not\s+(?:allocated|given\s+out|used))\b"
                        r"|\b(?:leftover|remaining|spare|unused|unallocated)\s+nets?\b"
                        # "how many are left in store": the stock, with the plan just talked about
                        r"|\bhow\s+many\s+(?:are\s+|is\s+|dey\s+|do\s+we\s+have\s+)?(?:still\s+)?"
                        r"(?:left|remain\w*)(?:\s+(?:over|now|then))?\s+(?:in|for|inside)\s+(?:the\s+|our\s+|d\s+)?"
                        r"(?:store|stores|stock|warehouse)\b")


# "nets remaining?", "and the leftover nets", "nets left?": the question in its few words
_LEFT_OVER_SHORT = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|now|then)[\s,]+)*(?:the\s+|any\s+)?(?:nets?"
                              r"\s+(?:left(?:\s*over)?|remaining|unused|unallocated|spare)"
                              r"|(?:leftover|remaining|unused|unallocated|spare)\s+nets?)"
                              r"(?:\s+(?:now|then|in\s+the\s+plan))?\W*$")


_CHANGE = re.compile(r"\b(?:add|give|move|more|less|fewer|increase|reduce|cut|plan|make|set"
                     r"|change|use|take|put|send|export|show|double|halve|extra|instead)\b")
_WARD_FIGURE = re.compile(r"\bcoverage\b|\bcovered\b|\bnets?\b|\bneed(?:s|ed)?\b|\ballocat\w*"
                          r"|\bgets?\b|\bpeople\b")


def same_ward(text: str, low: str, ctx: RouterContext,
               state: DialogueState) -> Decision | None:
    """ "and its coverage %", "what does that ward need?" right after a ward's figures in the
    plan: the same ward's figures (its LGA kept)."""
    last = state.last or {}
    params = dict(last.get("params") or {})
    if ctx.last_plan is None or last.get("tool") != "ask_results" or \
            params.get("about") != "plan_ward" or not params.get("ward") or \
            len(low.split()) > 8 or re.search(r"\d", re.sub(r"\d+\s*%", " ", low)) or \
            not re.search(r"\b(?:its|it|that\s+ward|this\s+ward|the\s+ward|same\s+ward)\b", low) \
            or not _WARD_FIGURE.search(low) or _CHANGE.search(low) or re.search(
                r"\bpca\b|\brank\w*|\bscore\b|\bwhy\b|\bmap\b", low) \
            or (ctx.wards and ex.find_ward(text, ctx.wards)):
        return None
    keep = {k: params[k] for k in ("ward", "lga") if params.get(k)}
    return _ask(text, {"about": "plan_ward", **keep}, "plan_ward")


# --- nets for a place -------------------------------------------------------------------------

_PLACE_NETS = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|now|then|please|pls|abeg|also)[\s,]+)*(?:how\s+many\s+(?:nets|itns"
    r"|llins)\b|(?:the\s+)?(?:nets?|itns?|llins?|allocat\w*|allocation)\s+(?:for|to|in|of|go|4)"
    r"\b|(?:what|wat|wetin)\s+(?:is\s+|be\s+)?(?:the\s+)?(?:allocation|nets?)\s+(?:for|to|in|of)"
    r"\b)")
_PLACE_TAIL = re.compile(r"\b(?:for|to|in|of|go|goes|gets?|4|does)\s+((?:[a-z][a-z'/-]*\s*){1,4}?)"
                         r"(?:\s+(?:get|gets|got|receive\w*|lga|ward|in\s+the\s+plan|in\s+dis"
                         r"\s+plan|in\s+this\s+plan))?\s*[?.!]*\s*$")
_STOP = {"the", "d", "this", "dis", "that", "plan", "ward", "lga", "get", "gets", "in", "for",
         "it", "each", "every", "all", "them", "there", "total", "allocated", "go", "nets"}


def _place_nets(text: str, low: str, ctx: RouterContext, state: DialogueState,
                facts: Facts) -> Decision | None:
    """ "how many nets go kuwe sout", "nets for dutse kakanji", "allocated for malano",
    "how many nets does that Danjalba get in the plan?": one LGA's or ward's nets in the
    current plan, names read with slips; a ward name two LGAs share is the one talked about,
    or asked."""
    low = re.sub(r"\b(nets?|itns?|llins?|allocat\w*)\s+4\s+(?=[a-z])", r"\1 for ", low)
    if ctx.last_plan is None or not _PLACE_NETS.search(low) or re.search(r"\d", low) or \
            re.search(r"\bmost\b|\bfewest\b|\bleast\b|\bwould\b|\bif\b|\btop\b|\bwards\b"
                      r"|\bmaps?\b|\bcharts?\b|\bgraph\b|\bcsv\b|\bexcel\b|\bxlsx\b|\bpng\b"
                      r"|\bexport\b|\bdownload\b|\bfile\b", low):
        return None
    lga, _ = find_lga(text, facts.lgas)
    rest = re.sub(re.escape(lga), " ", text, flags=re.I) if lga else text
    match = _ward_in(rest, ctx) if ctx.wards else None
    if match is not None:
        return plan_ward_step(text, match, lga, state)
    if lga:
        return _ask(text, {"about": "plan_lga", "lga": lga}, "plan_lga")
    tail = _PLACE_TAIL.search(low)
    if not tail:
        return None
    words = [w for w in tail.group(1).split() if w not in _STOP]
    if not words:
        return None
    name = _close_lga(" ".join(words), facts.lgas)
    if name:
        return _ask(text, {"about": "plan_lga", "lga": name},
                    "plan_lga", echo=f"{name} LGA.")
    return None


def _ward_in(text: str, ctx: RouterContext) -> ex.WardMatch | None:
    """The ward the text names; a longer name whose last words the text names and whose
    first words it spells with a slip ("dutse kakanji" for Dutsen Kakanji, not Kakanji)."""
    match = ex.find_ward(text, ctx.wards)
    if match is None:
        return None
    from rapidfuzz import fuzz

    said = re.findall(r"[a-z0-9]+", ex.lower_text(text[: match.start]))
    found = match.names[0].lower()
    longer = []
    for w in ctx.wards:
        name = w.name.lower()
        if name != found and name.endswith(" " + found):
            head = name[: -len(found) - 1].split()
            typed = " ".join(said[-len(head):]) if len(said) >= len(head) else ""
            if typed and fuzz.ratio(typed, " ".join(head)) >= 80:
                longer.append(w)
    if not longer:
        return match
    if len({w.name for w in longer}) > 1:
        return None  # two longer names fit: left to the other readings
    again = ex.find_ward(longer[0].name, [w for w in ctx.wards if w.name == longer[0].name])
    return again


def _close_lga(name: str, lgas: tuple[str, ...]) -> str | None:
    """The LGA a name spells with a slip ("dorager", "kuwe sout"), if one is clearly closest."""
    from rapidfuzz import fuzz

    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if len(key) < 5 or not lgas:
        return None
    scored = sorted(((fuzz.ratio(key, re.sub(r"[^a-z0-9]", "", lg.lower())), lg)
                     for lg in lgas), reverse=True)
    best = scored[0]
    if best[0] >= 80 and (len(scored) == 1 or scored[1][0] <= best[0] - 10):
        return best[1]
    return None


def plan_ward_step(text: str, match: ex.WardMatch, lga: str | None,
                   state: DialogueState) -> Decision:
    """A ward's nets in the current plan. A name two LGAs share is the one the talk is
    about (same name, its LGA known), or asked with one-tap choices."""
    ward = match.names[0]
    lgas = sorted({c.lga for c in match.candidates if c.lga})
    params: dict[str, Any] = {"about": "plan_ward", "ward": ward}
    if lga and (not lgas or lga in lgas):
        params["lga"] = lga
        return _ask(text, params, "plan_ward")
    if len(lgas) <= 1:
        if lgas:
            params["lga"] = lgas[0]
        return _ask(text, params, "plan_ward")
    seen = state.focus or {}
    if str(seen.get("ward") or "").lower() == ward.lower() and seen.get("ward_lga") in lgas:
        params["lga"] = seen["ward_lga"]
        return _ask(text, params, "plan_ward",
                    echo=f"{ward} in {seen['ward_lga']}, the one talked about.")
    choices = [{"label": f"Nets for {ward} in {lg}", "tool": "ask_results",
                "params": {**params, "lga": lg}} for lg in lgas]
    return Decision(text=f"There is a ward called {ward} in {' and in '.join(lgas)}. Which "
                         "one do you mean? Nothing was looked up yet.",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"stored": "plan_ward", "ambiguous": ward})


# --- the reprioritisation -----------------------------------------------------------------

_REPRI_MEASURE = re.compile(
    r"\bselect\w*|\bchosen\b|\bpicked\b|\bflagged\b|\bcount\s+as\s+urban\b|\burban\s+wards?\b"
    r"|\bwards?\s+(?:are|were|is|dey)?\s*urban\b|\bhow\s+many\s+wards\b|\bshare\b|\bpop\w*\b"
    r"|\btarget\b|\breach\w*\b|\bget\s+to\b|\bhit\b|\bmet\b|\bmeet\b|\bcount\b")
_THEY = re.compile(r"\b(?:that|those|them|they|dem|these|it)\b|^\s*(?:and|so|then)\b")


# the reprioritisation's own figures named: its selected wards, their population share
_REPRI_NAMED = re.compile(r"\bselect\w*|\bchosen\b|\bpicked\b|\bshare\b|\bpop\w*"
                          r"|\b(?:re|de)-?prioriti\w*|\bcomot\w*|\bremov\w*|\bcount\b")
# "pop share for 40?": a bare number after "for" that ends the question is a threshold too
# ("pop share for 40 wards" is not)
_FOR_THRESHOLD = re.compile(r"\bfor\s*$")
# "what % of population", "and the pop share?": the share asked on its own, right after
_SHARE_ELLIPTIC = re.compile(
    r"^\s*(?:(?:and|so|then|ok(?:ay)?|now)[\s,]+)*(?:what|wat|wetin|which)?\s*(?:is\s+|'s\s+)?"
    r"(?:the\s+)?(?:%|percent(?:age)?|per\s*cent|share|pop(?:ulation)?\s+share|proportion)"
    r"(?:\s+of\s+(?:the\s+)?(?:total\s+)?pop(?:ulation)?)?(?:\s+(?:then|now|abeg|pls|please))?"
    r"\s*[?.!]*\s*$")
_ENDS_AFTER = re.compile(r"\s*(?:[?.!,]|$|(?:now|then|den|again|too|abeg|pls|please)\b)")


# a number said with the threshold's own words ("the 30% threshold", "20% urban")
_THRESHOLD_AFTER = re.compile(r"\s*(?:%|percent|per\s*cent)?\s*(?:urban|threshold)\b")


def _repri_target_said(low: str) -> ex.NumberMention | None:
    """The population target a message names with its value: "a 20% population target",
    "a target of 20%", "20% of the population" (not a threshold)."""
    said = ex.assign_numbers(low, ex.URBAN_CUES)[0].get("target_share")
    if said is None or _THRESHOLD_AFTER.match(low[said.end:]):
        return None
    # named as the target ("share at 75" is the share at a threshold)
    near = low[max(0, said.start - 25): said.end + 25]
    if not re.search(r"\btarget\b|%?\s*of\s+(?:the\s+)?(?:total\s+|whole\s+)?population\b",
                     near):
        return None
    return said


def _repri_threshold(low: str) -> list[int | float]:
    """The urban thresholds a message names: "at 50", "50%", "the 75% threshold"; the
    population target named with its value is none."""
    out = []
    target = _repri_target_said(low)
    for n in ex.extract_numbers(low):
        if not 0 < n.value <= 100 or (target is not None and n.start == target.start):
            continue
        before, after = low[: n.start], low[n.end:]
        if n.percent or re.match(r"\s*(?:%|percent|per\s*cent|urban|threshold)", after) or \
                re.search(r"\b(?:at|threshold(?:\s+of)?|above|over)\s*$", before):
            out.append(n.number)
    return out


def _repri_figure(text: str, low: str, ctx: RouterContext, state: DialogueState,
                  facts: Facts) -> Decision | None:
    """A figure of the stored reprioritisation."""
    last = state.last or {}
    last_params = dict(last.get("params") or {})
    talked = last.get("tool") == "reprioritize_urban" or (
        last.get("tool") == "ask_results" and last_params.get("about") in ("repri_count",
                                                                           "repri_names"))
    has = bool(facts.last_repri) or talked
    if not has or _NETS.search(low) or _PCA.search(low):
        return None
    # "that one", "a share": words, not numbers
    numbers = [n for n in ex.extract_numbers(low) if n.text.strip() not in ("one", "a", "an")]
    thresholds = _repri_threshold(low)
    target = _repri_target_said(low)
    if target is not None:
        stored = (facts.last_repri or {}).get("target")
        if stored is None or float(stored) != target.value:
            return None  # another target: a new reprioritisation, or a question it can't answer
        # "under that 20% target, how many wards at 30?": the stored one, named
        numbers = [n for n in numbers if n.start != target.start]
    # the thresholds compared
    if re.search(r"\bthresholds\b", low) and re.search(
            r"\b(?:which|what|wat|wetin|compared|used|tried|run|tested|looked\s+at)\b", low) \
            and not numbers:
        return _ask(text, {"about": "repri_count"}, "repri_count")
    # its target, the asker's guess said with it ("..., 30 percent?")
    if re.search(r"\btarget\b|\baim\w*\b", low) and re.search(
            r"\b(?:what|wat|which|wetin|was|is|did)\b", low) and not re.search(
            r"\breach\w*\b|\bhit\b|\bmet\b|\bmeet\b|\bget\s+to\b", low) and len(numbers) <= 1 \
            and not _NOT_ANSWERABLE.search(low):
        if numbers and not re.search(r",\s*(?:is\s+it\s+|was\s+it\s+)?\d+(?:\.\d+)?\s*"
                                     r"(?:%|percent|per\s*cent)?\s*\??\s*$", low):
            return None
        return _ask(text, {"about": "repri_count"}, "repri_count")
    if not _REPRI_MEASURE.search(low) or len(thresholds) > 1 or \
            re.search(r"\b(?:above|over|more\s+than)\b", low):  # a count of the data
        return None
    if len(numbers) > len(thresholds):
        # "how many wards at 50 now?": a bare number after "at" is a threshold; any other
        # number is something else (left to the other readings)
        bare = [n for n in numbers if n.number not in thresholds]
        if len(bare) == 1 and not thresholds and 0 < bare[0].value <= 100 and (
                re.search(r"\bat\s*$", low[: bare[0].start]) or _FOR_THRESHOLD.search(
                    low[: bare[0].start]) and _ENDS_AFTER.match(low[bare[0].end:])):
            thresholds = [bare[0].number]
        else:
            return None
    params: dict[str, Any] = {"about": "repri_count"}
    if thresholds:
        if not re.search(r"\bwards?\b|\bshare\b|\bpop\w*|\btarget\b|\bselect\w*|\burban\b"
                         r"|\bcount\b", low):
            return None
        stored = [float(x) for x in facts.last_repri.get("thresholds") or []]
        if stored and float(thresholds[0]) not in stored and not _REPRI_NAMED.search(low):
            return None  # a threshold not compared yet, asked without saying what of: no
            # plain answer ("how many wards at 40 now?"); "pop share for 30?" is computed
            # with the same target, and the answer says so
        params["threshold"] = thresholds[0]
        from chatmrpt.chat.results import REPRI_NAMES_ASKED

        if REPRI_NAMES_ASKED.search(low) or re.search(r"\bwhich\s+(?:one|ward)\b", low):
            # "among the wards selected at 75 percent, which one is the least at risk?": the
            # wards by name, least vulnerable first
            params["about"] = "repri_names"
            return _ask(text, params, "repri_names")
        return _ask(text, params, "repri_count")
    # no number: a follow-up on the reprioritisation just talked about
    if not talked or len(low.split()) > 9 or _REACH.search(low) and not re.search(
            r"\breach\w*\s+(?:the\s+)?target\b", low):
        return None
    if not (_THEY.search(low) or re.search(r"\bselect\w*|\bchosen\b|\bpicked\b", low)
            or _SHARE_ELLIPTIC.match(low)):
        return None
    threshold = last_params.get("threshold")
    said = list(last_params.get("thresholds") or [])
    if threshold is None and len(said) == 1:
        threshold = said[0]
    if threshold is None and len(list(facts.last_repri.get("thresholds") or [])) == 1:
        threshold = list(facts.last_repri["thresholds"])[0]
    if threshold is not None:
        params["threshold"] = threshold
    return _ask(text, params, "repri_count")
