"""What a ward table cannot support, and LGAs on tables that hold LGA codes only.

Real ward tables often lack what a request needs: no population (so no net plan and no urban
reprioritisation), or LGA codes (20043) without LGA names. Such requests are declined or
asked about before anything runs: a default analysis run first, only to fail at the plan,
would change the session for nothing. An LGA named on a table that holds codes only is asked
for by code, the codes offered as one-tap choices; the code given next completes the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from chatmrpt.chat import extract as ex

if TYPE_CHECKING:
    from chatmrpt.chat.dialogue import Decision, DialogueState, Facts
    from chatmrpt.chat.router import RouterContext

# --- requests that need each ward's population ---------------------------------------------

# variables whose names hold "nets" (a map of nets per capita is no net plan)
_NET_VARIABLES = re.compile(r"\b(?:nets?|itns?|llins?)[\s_-]+(?:per|a)[\s_-]+(?:capita|person"
                            r"|head|household|people)\b|\bnets?_\w+")
_PLAN_REQUEST = re.compile(
    r"\b(?:itn|net|nets|llin|distribution|allocation|campaign)\s+plan\w*\b"
    r"|\bplan\w*\b.{0,60}?\b(?:nets?|itns?|llins?|distribut\w*|allocat\w*|campaign)\b"
    r"|\bplan\s+(?:it|them|those|these|that|for|with|across|on|\d)"
    r"|^\s*(?:(?:ok(?:ay)?|so|then|now|and|pls|please|abeg|just)[\s,]+)*plan\b"
    r"|\ballocat\w*\b|\bdistribut\w*\b.{0,40}?\b(?:nets?|itns?|llins?)\b"
    r"|\b(?:nets?|itns?|llins?)\b.{0,60}?\b(?:enough|suffic\w*|go\s+round|cover(?:ed)?\b|need"
    r"|needed|required?)\b"
    r"|\bhow\s+many\s+(?:nets?|itns?|llins?)\b"
    # a plan setting alone: "what if we used 6 per household?", "bales of 50"
    r"|\b(?:per|a|each)\s+household\b|\bhousehold\s+size\b|\bhh\s*(?:size\b|\d)"
    r"|\bpeople\s+per\s+net\b|\bbales?\s+of\b")
_REPRIORITISE = re.compile(r"\bre-?prioriti[sz]\w*|\bde-?prioriti[sz]\w*|\bprioriti[sz]\w*\s+"
                           r"(?:the\s+)?urban\b|\burban\s+reprioriti\w*|\b(?:re|de)-?pri(?:o|oz)?\b")
_NOT_A_REQUEST = re.compile(r"\bwhat\s+(?:is|does|do)\b.*\b(?:mean|means)\b|\bexplain\b"
                            r"|\bhow\s+(?:does|do|is)\b.*\b(?:work|works|calculated|computed)\b")


def lacks_population(ctx: RouterContext, facts: Facts) -> bool:
    """The ward data holds no population (the dataset's record says so; without a record, no
    numeric column named like a population)."""
    if not ctx.has_dataset:
        return False
    if facts.population is not None:
        return not facts.population
    return bool(ctx.variables) and not any(re.search(r"pop", v, re.I) for v in ctx.variables)


# "plan 50k nets and list the top 5 wards", "reprioritise and export d rankings csv": a request
# said after the one that needs population
_NEXT_REQUEST = re.compile(
    r"(?:\s*[.;!?]\s+|,?\s+(?:and|then|&|plus|also)\s+(?:then\s+|also\s+)?|,\s+)"
    r"(?=(?:(?:pls|please|abeg|also|just)\s+)?(?:list|show|give|export|download|save|send|map"
    r"|top|bottom|rank|tell|make|draw|plot|print|plan|re-?prioriti[sz]\w*)\b)")
# a later part that leans on the plan or needs population itself
_LEANS_ON_PLAN = re.compile(r"\bplan\w*|\bnets?\b|\bitns?\b|\bllins?\b|\ballocat\w*|\burban"
                            r"|prioriti|\bpopulation\b|\bpeople\b|\bhousehold|\bthem\b|\bit\b"
                            r"|\bthose\b|\bthese\b|\bthat\b|\bthe\s+result|\bcovered\b")


def population_refusal(text: str, low: str, ctx: RouterContext, facts: Facts,
                       state: DialogueState | None = None) -> Decision | None:
    """A net plan or an urban reprioritisation asked for (or asked about) on ward data without
    population: declined before anything runs, with what to add and how. A request said after
    it that needs no population ("... and list the top 5 wards") is still done."""
    refused = _population_refusal(text, low, ctx, facts)
    if refused is None or state is None:
        return refused
    parts = _NEXT_REQUEST.split(text, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip(" ,.") or not parts[1].strip(" ,."):
        return refused
    first, rest = parts[0].strip(" ,."), parts[1].strip(" ,.")
    if _population_refusal(first, ex.lower_text(first), ctx, facts) is None:
        first, rest = rest, first  # "list the top 5 wards and plan 50k nets"
    if _population_refusal(first, ex.lower_text(first), ctx, facts) is None or \
            _population_refusal(rest, ex.lower_text(rest), ctx, facts) is not None or \
            _LEANS_ON_PLAN.search(ex.lower_text(rest)):
        return refused
    from dataclasses import replace

    from chatmrpt.chat.dialogue import _decide

    other = _decide(rest, ctx, replace(state, pending=None), facts)
    if not other.steps or other.unmet or other.reading.get("refused"):
        return refused
    for step in other.steps:
        step.source = rest
    why = (refused.text or "").split(" Nothing was run")[0]
    other.not_done.insert(0, f'Not done: "{first}" - {why} That part was not run; the rest '
                             f'was done.')
    other.reading = {"refused": "no_population", "split": [first, rest]}
    other.pending = None
    other.keep_pending = False
    return other


def _population_refusal(text: str, low: str, ctx: RouterContext,
                        facts: Facts) -> Decision | None:
    from chatmrpt.analysis.population import no_population_error
    from chatmrpt.chat.dialogue import Decision, _starter_choices

    if ctx.last_plan is not None or not lacks_population(ctx, facts):
        return None
    words = _NET_VARIABLES.sub(" ", low)
    repri = bool(_REPRIORITISE.search(words))
    if not (repri or _PLAN_REQUEST.search(words)) or _NOT_A_REQUEST.search(words):
        return None
    if re.match(r"^\W*(?:(?:and|so|ok)\W+)?(?:which|what)\s+(?:wards?|ones?|areas?)\b", words) and \
            not repri and not re.search(r"\d|\bplan\b", words):
        return None  # "which wards need nets most?": the ranking answers it
    what = ("urban wards cannot be reprioritised" if repri and not re.search(
        r"\bnets?\b|\bitns?\b|\bllins?\b|\bplan\b", words) else "nets cannot be planned")
    text_ = (no_population_error(what).message + " Nothing was run or changed. Everything "
             "else works without a population: the ranking, the maps, the ward lists and the "
             "exports.")
    return Decision(text=text_, choices=_starter_choices(ctx),
                    reading={"refused": "no_population"})


# --- LGAs on a table with codes and no names -----------------------------------------------

_CODE = re.compile(r"(?<![\d,.])(\d{4,6})(?![\d,%]|\.\d|\s*(?:k|m|nets?|people|persons"
                   r"|wards)\b)")
_LIST_CUE = re.compile(r"\bwards?\b|\btop\b|\bbottom\b|\blist\b|\brank\w*|\bfirst\b|\blast\b"
                       r"|\bhighest\b|\blowest\b|\bworst\b|\briskiest\b|\bsafest\b|\bwhich\b"
                       r"|\bthem\b|\bthose\b|\bthere\b|\bin\s+it\b|\binside\b|\bwithin\b"
                       r"|\border\b|\bshow\b")
_OTHER_REQUEST = re.compile(r"\bplan\w*|\bnets?\b|\bitns?\b|\bexport\w*|\bdownload\w*|\bsave\b"
                            r"|\bmaps?\b|\bpopulation\b|\bpeople\b|\burban\b|\bprioriti\w*"
                            r"|\bhow\s+many\b|\bnumber\s+of\b|\bcount\b|\banaly[sz]\w*"
                            r"|\bvariables?\b|\bexcel\b|\bcsv\b|\bpng\b|\bhtml\b|\breport\b")
_TOP_ONE = re.compile(r"\b(?:the\s+)?(?:top|first|highest(?:[- ]ranked)?|most\s+vulnerable"
                      r"|riskiest|worst|number\s+one)\s+(?:ward|one)\b"
                      r"|\bwhich\s+(?:ward|one)\s+(?:is|comes|ranks)\s+(?:ranked\s+)?(?:the\s+)?"
                      r"(?:top|first|highest|number\s+(?:one|1))\b")
_BOTTOM_ONE = re.compile(r"\b(?:ranked|ranks?|comes?)\s+(?:the\s+)?(?:very\s+)?(?:last|lowest"
                         r"|bottom)\b|\b(?:the\s+)?(?:last|bottom|lowest(?:[- ]ranked)?|least"
                         r"\s+vulnerable|safest)\s+(?:ward|one)\b|\bwhich\s+(?:ward|one)\s+(?:is"
                         r"|has)\s+(?:the\s+)?(?:lowest|last|least|safest)\b")
_REFERS = re.compile(r"\b(?:them|those(?:\s+ones)?|these(?:\s+ones)?|there|in\s+it|of\s+it"
                     r"|that\s+(?:lga|code)|the\s+same\s+(?:lga|code))\b")
_COUNT = re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b")
_ELLIPSIS = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|then|now|sorry|fine)[\s,]+)*(?:and|what\s+about"
                       r"|how\s+about|same\s+for|same\s+but|use|take|let\s+us\s+take|let'?s"
                       r"\s+take|try|now\s+for|then\s+for)\b")
# "which ones in 24008", "which of them are in 24008", "and which of those in 24008"
_WHICH_OF_THEM = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|then|now)[\s,]+)*(?:which|wetin)\s+"
                            r"(?:ones|one|of\s+(?:them|those|these))\s*(?:are\s+|dey\s+|be"
                            r"\s+|fall\s+)?(?:in|inside|within|for|under|from|of)?(?:\s+(?:the\s+)?"
                            r"(?:lga|code|lga\s+code))?\s*[?.!]*\s*$")
_NAME_STOP = frozenset([
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "by",
    "can", "code", "codes", "d", "data", "dem", "dey", "do", "does", "each", "every",
    "file", "first", "for", "from", "give", "has", "have", "how", "i", "in", "inside", "is",
    "it", "its", "just", "last", "let", "list", "lga", "lgas", "local", "government",
    "area", "me", "most", "my", "na", "now", "of", "ok", "okay", "on", "only", "or", "our",
    "please", "pls", "abeg", "oya", "same", "show", "so", "table", "tell", "that", "the",
    "their", "them", "then", "there", "these", "this", "those", "to", "top", "bottom", "us",
    "want", "we", "what", "which", "who", "with", "within", "wards", "ward", "you", "your",
    "risk", "risky", "high", "medium", "low", "priority", "vulnerable", "vulnerability",
    "ranked", "rank", "ranking", "order", "by", "rank", "score", "composite", "pca",
    "sorted", "sort", "whole", "entire", "overall", "state", "metro", "city", "town",
    "everything", "everywhere", "one", "ones", "need", "rest", "cover", "covers", "handle",
    "manage", "run", "work", "focal", "person", "officer", "coordinator", "i'm", "im",
])
_WHOLE_AREA = frozenset(["kano", "ilorin", "kwara", "nigeria", "metro", "state", "city"])


def _state_names() -> frozenset[str]:
    from chatmrpt.analysis.states import STATES

    return frozenset(s.name.lower() for s in STATES.values())


def _codes_in(low: str, codes: Sequence[str]) -> list[str]:
    found = [m.group(1) for m in _CODE.finditer(low)]
    if codes:
        found = [c for c in found if c in codes]
    return list(dict.fromkeys(found))


def _list_params(low: str) -> dict[str, Any]:
    from chatmrpt.chat.dialogue import _list_params as base

    params = base(low)
    if "n" not in params:
        if _BOTTOM_ONE.search(low):
            params.update(n=1, order="bottom")
        elif _TOP_ONE.search(low):
            params["n"] = 1
    return params


# words that end a list request without naming a place ("top 10 wards for the meeting"),
# or that a list may be "in" or "for" without a place ("in terms of risk", "in general")
_NOT_PLACES = frozenset(
    ["terms", "general", "order", "total", "particular", "summary", "detail", "details", "full", "brief", "short", "words", "future", "case", "fact", "time", "advance", "meeting", "meetings", "presentation", "presentations", "report", "reports", "donor", "donors", "team", "teams", "me", "us", "him", "her", "them", "today", "tomorrow", "now", "tonight", "week", "month", "year", "campaign", "review", "slides", "slide", "director", "boss", "partners", "partner", "office", "briefing", "board", "minister", "commissioner", "workshop", "planning", "budget", "record", "records", "email", "mail", "whatsapp", "print", "printing", "sharing", "discussion"])


def _plain_word(word: str) -> bool:
    """A word of requests, no part of a place's name: "top", "wards", and the words joined of
    such words ("highest-ranked", "low-risk")."""
    return all(part in _NAME_STOP or part in ex.VOCABULARY for part in word.split("-") if part)


def place_named(text: str, ctx: RouterContext, weak: bool = False) -> str | None:
    """The LGA a message names by name on a table without LGA names ("wards in Fagge",
    "ilorin west wards abeg", "what about kano municipal"), or None. ``weak``: also one
    lower-case word, or a ward's own name ("wards in fagge"), for a list that would
    otherwise be of the whole area."""
    from chatmrpt.chat.dialogue import _lga_named

    low = ex.lower_text(text)
    candidates: list[str] = []
    said = _lga_named(text)
    if said and not re.search(r"\d", said):
        candidates.append(said)
    for m in re.finditer(r"\b(?:in|for|of|about|within|inside|from)\s+((?:[a-z][\w'/-]*\s*)"
                         r"{1,3})", low):
        candidates.append(m.group(1))
    # "list the ilorin west wards", "show me all the fagge wards": the place before "wards"
    m_list = re.search(r"\b(?:list|show|give|get|see|display|send)\s+(?:me\s+|us\s+)?(?:all\s+)?"
                       r"(?:of\s+)?(?:the\s+)?((?:[a-z][\w'/-]*\s+){1,3})wards?\b", low)
    listed = None
    if m_list:
        listed = m_list.group(1)
        candidates.append(listed)
    m = re.match(r"^\s*((?:[a-z][\w'/-]*\s+){1,3})wards?\b", low)
    if m and not weak:  # weak: only a place after "in", "for", "of" ("top ten wards" is none)
        candidates.append(m.group(1))
    states = _state_names()
    for cand in candidates:
        # "... the ones in Zaria'": a closing quote is no part of the name
        words = [w.rstrip("'") for w in re.findall(r"[a-z][\w'/-]*", cand)]
        while words and _plain_word(words[-1]):
            words.pop()
        while words and _plain_word(words[0]):
            words.pop(0)
        if not words or any(_plain_word(w) for w in words):
            continue
        name = " ".join(words)
        if name in _WHOLE_AREA or name in states or (weak and any(w in _NOT_PLACES
                                                                 for w in words)):
            continue
        if ex.find_variables(name, ctx.variables) and any(
                m_.column for m_ in ex.find_variables(name, ctx.variables)):
            continue
        if cand is listed and len(words) == 1 and not re.search(
                r"\b" + re.escape(words[0].title()) + r"\b", text):
            continue  # "list the remaining wards": one lower-case word there is no place
        if len(words) == 1 and not said and not weak and not re.search(
                r"\b" + re.escape(words[0].title()) + r"\b", text):
            continue  # one lower-case word with no "LGA" next to it: too weak to be a place
        if cand is not said and not weak and any(w.name.lower() == name for w in ctx.wards):
            continue  # a ward's own name, not an LGA's
        return name
    return None


def choice_label(params: Mapping[str, Any]) -> str:
    """ "Top 5 wards of LGA 20030": a one-tap choice that reads back as the same request."""
    code = params.get("lga_code")
    what = "wards" if not params.get("category") else f"{params['category']} wards"
    if params.get("n"):
        end = "Bottom" if params.get("order") == "bottom" else "Top"
        what = f"{end} {params['n']} {what}"
    else:
        what = what[:1].upper() + what[1:]
    how = " by the PCA ranking" if params.get("method") == "pca" else ""
    return f"{what} of LGA {code}{how}"


def _code_choices(codes: Sequence[str], params: Mapping[str, Any]) -> list[dict[str, Any]]:
    choices = []
    for code in codes[:8]:
        p = {**params, "lga_code": code}
        choices.append({"label": choice_label(p), "tool": "list_wards", "params": p})
    return choices


def _code_count(text: str, low: str, code: str | None, ctx: RouterContext) -> Decision | None:
    """ "how many wards fall under code 20043?", "how many high risk in there": the wards of
    that LGA code counted (by category when one is named)."""
    from chatmrpt.chat.dialogue import Decision, Step

    if not code or not _COUNT.search(low) or not ctx.analysis_ready or re.search(
            r"\bnets?\b|\bitns?\b|\bplan\w*|\burban\b|%|\bpercent\b|\bpopulation\b|\bpeople\b"
            r"|\bhow\s+many\s+(?:lgas?|(?:lga\s+)?codes)\b", low):
        return None
    params = {"about": "ward_counts", "lga_code": code}
    category = re.search(r"\b(high|medium|low)\b", low)
    if category:
        params["category"] = category.group(1).title()
    return Decision([Step("ask_results", params, source=text)],
                    reading={"tool": "ask_results", "lga_code": code})


def lga_code_count(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """The wards of one LGA code counted, on a table without LGA names: read before the
    questions about the table's LGAs, which would list every code."""
    if facts.lgas or not ctx.has_dataset:
        return None
    found = _codes_in(low, facts.lga_codes)
    if len(found) != 1 or not re.search(r"\bwards?\b", low):
        return None
    return _code_count(text, low, found[0], ctx)


def lga_code_turn(text: str, low: str, ctx: RouterContext, state: DialogueState,
                  facts: Facts) -> Decision | None:
    """Ward lists by LGA on a table with LGA codes and no LGA names: by code ("top 5 in
    20012", "which ward is ranked last within 24008?"), the code answering the question
    asked about a name ("use code 20043"), or a name asked about (the codes offered)."""
    from chatmrpt.chat.dialogue import Decision, Step

    if facts.lgas or not ctx.has_dataset:
        return None
    pending = state.pending or {}
    codes = facts.lga_codes
    found = _codes_in(low, codes)
    if pending.get("expects") == "lga_code" and len(found) == 1 and not re.search(
            r"\bplan\w*|\bnets?\b|\bexport\w*|\bdownload\w*|\bsave\b|\bmaps?\b|\bpopulation\b"
            r"|\bprioriti\w*|\banaly[sz]\w*", low) and len(low.split()) <= 14:
        rest = _CODE.sub(" ", low)
        if pending.get("count") and ctx.analysis_ready:  # the wards of that code, counted
            return Decision([Step("ask_results", {"about": "ward_counts", "lga_code": found[0]},
                                  source=text)],
                            reading={"answered": "lga_code", "tool": "ask_results"})
        said = _list_params(rest)
        kept = dict(pending.get("params") or {})
        if "n" in said or "order" in said:
            # "24007 bottom 2": a list of its own shape, said with the code; the category the
            # question carried over from an earlier list is not kept unless said again
            kept.pop("category", None)
        params = {**kept, **said, "lga_code": found[0]}
        steps = [Step("list_wards", params, source=text)]
        if not ctx.analysis_ready:
            from chatmrpt.chat.dialogue import ANALYSE_FIRST, _can_analyse_first

            if not _can_analyse_first(["analysis"], ctx):
                return Decision(unmet=["analysis"], reading={"tool": "list_wards"})
            steps.insert(0, Step("run_analysis", {}, echo=ANALYSE_FIRST, source=text))
        return Decision(steps, reading={"answered": "lga_code", "tool": "list_wards"})
    referred = None
    if not found and _REFERS.search(low) and ctx.analysis_ready:
        # "list them", "top 3 of those ones", "how many high risk in there": the LGA code the
        # last answer was about
        last_params = (state.last or {}).get("params") or {}
        referred = str(last_params.get("lga_code") or "") or None
    code = found[0] if len(found) == 1 else referred
    counted = _code_count(text, low, code, ctx)
    if counted is not None:
        return counted
    if code and _LIST_CUE.search(_CODE.sub(" ", low)) and \
            not _OTHER_REQUEST.search(low) and ctx.analysis_ready:
        found = [code]
        rest = _CODE.sub(" ", low)
        params = _list_params(rest)
        last = state.last or {}
        if not params and _ELLIPSIS.match(low) and last.get("tool") == "list_wards":
            params = {k: v for k, v in (last.get("params") or {}).items()
                      if k in ("n", "order", "category", "method")}
        elif not params and _WHICH_OF_THEM.match(rest) and last.get("tool") == "list_wards":
            # "which ones in 24008" after the High wards were counted or listed: those of
            # that LGA (the category kept; a slice of the last list is not)
            params = {k: v for k, v in (last.get("params") or {}).items()
                      if k in ("category", "method")}
        params["lga_code"] = found[0]
        return Decision([Step("list_wards", params, source=text)],
                        reading={"tool": "list_wards", "lga_code": found[0]})
    said_codes = [m.group(1) for m in _CODE.finditer(low)]
    if said_codes and re.search(r"\b(?:what|wetin|which)\b", low) and re.search(
            r"\b(?:is|be|mean|means|stand)\b", low) and not _LIST_CUE.search(
            re.sub(r"\bwhich\b", " ", low)) and not _OTHER_REQUEST.search(low):
        # "wetin be 20037 for the table": what the number is
        code = said_codes[0]
        known = not codes or code in codes
        text_ = (f"{code} is an LGA code (local government area) in your ward table"
                 if known else f"{code} is not one of the LGA codes of your ward table")
        text_ += ("; the table holds LGA codes but no LGA names, so I cannot tell which "
                  "LGA it is by name." if known else ".")
        if codes:
            text_ += " The LGA codes are " + ", ".join(codes) + "."
        choices = _code_choices([code] if known else codes, {})
        return Decision(text=text_, choices=choices,
                        pending={"expects": "choice", "choices": choices} if choices else None)
    again = bool(_ELLIPSIS.match(low)) and (state.last or {}).get("tool") == "list_wards"
    if found or _OTHER_REQUEST.search(low) or not (_LIST_CUE.search(low) or again):
        return None
    name = place_named(text, ctx)
    if name is None:
        return None
    params = {k: v for k, v in _list_params(low).items() if k in ("n", "order", "category",
                                                                  "method")}
    last = state.last or {}
    if not params and _ELLIPSIS.match(low) and last.get("tool") == "list_wards":
        params = {k: v for k, v in (last.get("params") or {}).items()
                  if k in ("n", "order", "category", "method")}
    return code_question(name, params, codes)


def unplaced_list(decision: Decision, text: str, ctx: RouterContext,
                  facts: Facts) -> Decision:
    """A ward list that names a place the table cannot place ("wards in fagge", "top 3 in
    fage" on a table with LGA codes only) is asked about, never answered with the whole
    area's list."""
    from chatmrpt.chat.list_scope import several_in_one_list, span_without_list, whole_file_note

    decision = whole_file_note(several_in_one_list(decision, text, ctx, facts), text, facts)
    decision = span_without_list(decision, text, ctx, facts)
    from chatmrpt.chat.dialogue import ANALYSE_FIRST

    # the analysis run first for the list ("show me the wards in Ikeja" before any analysis)
    # is no reason to run it: the place is asked about before anything runs
    steps = [s for s in decision.steps if s.echo != ANALYSE_FIRST]
    if not ctx.has_dataset or len(steps) != 1 or \
            steps[0].tool not in ("list_wards", "top_wards") or steps[0].params.get("lga_code"):
        return decision
    lga = steps[0].params.get("lga")
    if lga:
        # "what about Ikeja? show me the wards there too" after Kuran's wards: the LGA carried
        # over from the last list is not the place named now (a capitalised name only)
        if not facts.lgas or re.search(r"(?<![a-z])" + re.escape(str(lga).lower()) + r"(?![a-z])",
                                       ex.lower_text(text)):
            return decision
        return _unknown_place(decision, text, ctx, facts, strict=True)
    if facts.lgas:
        return _unknown_place(decision, text, ctx, facts)
    name = place_named(text, ctx, weak=True)
    if name is None:
        return decision
    params = {k: v for k, v in steps[0].params.items() if k in ("n", "order", "category",
                                                                 "method")}
    return code_question(name, params, facts.lga_codes)


# a part of the area named by its compass side ("the north", "northern part"): never an LGA
REGION = re.compile(r"(?:north|south|east|west|central|middle|centre|center)(?:ern)?"
                    r"(?:[- ]?(?:east|west)(?:ern)?)?(?:\s+(?:part|side|zone|region|area))?")


def _unknown_place(decision: Decision, text: str, ctx: RouterContext, facts: Facts,
                   strict: bool = False) -> Decision:
    """A ward list "in" a place that is neither an LGA nor a ward of the table ("top 5 wards
    in Likwa") is asked about with the table's LGAs (the closest first) as one-tap choices:
    the whole area's list is never given as if it were that place's."""
    import difflib

    from chatmrpt.chat.describe import describe_choice
    from chatmrpt.chat.dialogue import Decision, Step, _join

    name = place_named(text, ctx, weak=True)
    if name is None:  # place_named leaves out the words of _NOT_PLACES
        return decision
    lgas = {lg.lower(): lg for lg in facts.lgas}
    if name in lgas or any(w.name.lower() == name for w in ctx.wards):
        return decision
    close = difflib.get_close_matches(name, list(lgas), n=3, cutoff=0.6)
    capitalised = re.search(r"\b" + re.escape(name.split()[0]) + r"\b", text, re.I)
    if not close and not (capitalised and capitalised.group(0)[0].isupper()) and \
            len(name.split()) < 2 and not REGION.fullmatch(name):
        return decision  # one lower-case word, like no LGA: too weak to be a place
    if strict and (close or not (capitalised and capitalised.group(0)[0].isupper())):
        # beside a place already read ("Maidugri" as Maiduguri, or carried over), only a
        # name written as one and like no LGA counts
        return decision
    step = decision.steps[-1]
    params = {k: v for k, v in step.params.items() if k in ("n", "order", "category", "method")}
    from chatmrpt.chat.slots import lga_one_slip_from

    slip = None if strict or len(name.split()) > 2 else lga_one_slip_from(name, facts.lgas)
    if slip is not None:
        # "hi risk wards in dorager": one letter away from one LGA and from no other, and
        # the reply names the LGA it read
        if step.tool == "top_wards" and "n" not in params:
            params["n"] = 10
        if params.get("order") == "top":
            params.pop("order")  # a list of one LGA is most vulnerable first by itself
        return Decision([*decision.steps[:-1], Step(
            "list_wards", {**params, "lga": slip}, source=step.source,
            echo=f"{slip} LGA (you wrote {name!r}):")], reading={"lga_slip": name})
    if step.tool == "top_wards":
        params.setdefault("n", 10)
        params.setdefault("order", "top")
    ordered = [lgas[c] for c in close] + [lg for lg in facts.lgas
                                          if lg.lower() not in close]
    choices = []
    for lg in ordered[:8]:
        p = {**params, "lga": lg}
        choices.append({"label": describe_choice("list_wards", p), "tool": "list_wards",
                        "params": p})
    guess = f" Did you mean {_join([lgas[c] for c in close])}?" if close else \
        " Which one do you mean?"
    return Decision(
        text=f"There is no LGA or ward called {name.title()!r} in your data, so nothing was "
             f"listed. The LGAs are {_join(list(facts.lgas))}.{guess}",
        choices=choices,
        pending={"expects": "lga_choice", "tool": "list_wards", "params": params,
                 "choices": choices},
        reading={"asked": "lga", "name": name})


def code_question(name: str, params: Mapping[str, Any], codes: Sequence[str]) -> Decision:
    """Which LGA code a name is, with the codes as one-tap choices of the same request."""
    from chatmrpt.chat.dialogue import Decision

    params = dict(params)
    choices = _code_choices(codes, params)
    listing = (" Its LGA codes are " + ", ".join(codes) + ".") if codes else ""
    return Decision(
        text=f"Your ward table has LGA codes but no LGA names, so I cannot tell which wards "
             f"are in {name.title()}; nothing was listed.{listing} Which LGA code is "
             f"{name.title()}?",
        choices=choices,
        pending={"expects": "lga_code", "tool": "list_wards", "params": params,
                 "name": name, "choices": choices},
        reading={"asked": "lga_code", "name": name})


def table_limits(text: str, low: str, ctx: RouterContext, state: DialogueState,
                 facts: Facts) -> Decision | None:
    """The reply when the ward table cannot support the request as asked, or when an LGA is
    asked for on a table that holds LGA codes only; None for anything else."""
    return (population_refusal(text, low, ctx, facts, state)
            or pca_refusal(text, low, ctx, facts)
            or lga_code_turn(text, low, ctx, state, facts))


# --- test positivity without a facility export ----------------------------------------------

TPR_AGE_WORDS = {"u5": "children under five", "o5": "people aged five and over",
                 "pw": "pregnant women", "all": "all ages"}
TPR_TEST_WORDS = {"rdt": "RDT only", "microscopy": "microscopy only", "both": "RDT and microscopy"}
TPR_LEVEL_WORDS = {"primary": "primary facilities only", "secondary": "secondary facilities only",
                   "tertiary": "tertiary facilities only", "all": "all facility levels"}


def tpr_reading(params: Mapping[str, Any]) -> str:
    """ "children under five, RDT only, all facility levels": a TPR request in plain words
    (the defaults named, so the reading can be checked)."""
    return ", ".join([TPR_AGE_WORDS.get(str(params.get("age", "u5")), str(params.get("age"))),
                      TPR_TEST_WORDS.get(str(params.get("test", "both")), str(params.get("test"))),
                      TPR_LEVEL_WORDS.get(str(params.get("facility_level", "all")),
                                          str(params.get("facility_level")))])


TPR_OPTIONS = (
    "The TPR can be computed for one age group (children under five, people aged five and "
    "over, pregnant women, or all ages), from one kind of test (RDT, microscopy, or both: "
    "per ward, the test with the higher rate is used, never the sum of the two) "
    "and from facilities of one level (primary: health centres and clinics; secondary: "
    "general hospitals; tertiary: teaching hospitals and federal medical centres; or all "
    "levels).")
_ASKS_MEANING = re.compile(r"\b(?:mean|means|meaning|explain|wetin\s+be|difference|options?)\b"
                           r"|\bwhat\s+(?:are|is)\s+(?:the\s+)?(?:tpr\s+)?(?:options|choices"
                           r"|groups|age\s+groups|tests|levels|facility\s+levels)\b")
# what the file is and where it goes: said with every reply about a TPR that cannot be computed
FACILITY_EXPORT = (
    "That file is a health-facility export from DHIS2 (CSV or Excel): one row per facility and "
    "month, with the numbers of people tested and testing positive, by RDT and by "
    "microscopy, for children under five, people aged five and over and pregnant women. To "
    "upload it, open \"Test positivity rate from a facility export (DHIS2)\" under the ward "
    "data upload, choose the file, pick the age group, test and facility level, and press "
    "Compute TPR; after that I can compute it again for other groups when you ask.")


def tpr_columns(variables: Sequence[str]) -> list[str]:
    """The ward table's columns that hold a test positivity rate."""
    return [c for c in variables if TPR_COLUMN.search(c)]


def facility_export_needed(params: Mapping[str, Any], text: str = "",
                           columns: Sequence[str] = ()) -> str:
    """What a TPR request needs when no facility export is in the session: nothing runs, no
    number is given, the file and the way to upload it are named. A question about the
    TPR's options is answered first; the ward table's own TPR columns are named when
    known."""
    from chatmrpt.chat.results import asks_about_tpr_run

    low = ex.lower_text(text)
    if _ASKS_MEANING.search(low):
        head = TPR_OPTIONS + " Computing it needs a health-facility export"
    elif asks_about_tpr_run(low):  # "what age group was the TPR run for?": there was none
        head = ("No test positivity rate (TPR) has been computed in this session, so there are "
                "no settings to report. A TPR is computed from a health-facility export")
    elif _HOW_TO_GET.search(low):
        head = "A test positivity rate (TPR) is computed from a health-facility export"
    else:
        head = (f"I read this as: the test positivity rate (TPR) for {tpr_reading(params)}. "
                "A TPR is computed from a health-facility export")
    out = (f"{head}, and none has been uploaded in this session, so nothing was run and no "
           f"rate is given. {FACILITY_EXPORT}")
    if columns:
        named = [f"{c} ({_column_group_words(c)})" for c in columns]
        return (out + " Your ward table's own test positivity column" + (
            "s " if len(named) > 1 else " ") + ", ".join(named) + (
            " are" if len(named) > 1 else " is") + " already there to map, look up for a "
            "ward or use in the analysis, as it is.")
    return out + (" The ward table's own test positivity column, if it has one, can already "
                  "be shown on a map or used in the analysis.")


# a ward table's TPR columns and the group each holds, read from the column's name
TPR_COLUMN = re.compile(r"tpr|positiv", re.I)
_COLUMN_AGE = (("u5", re.compile(r"u5|under_?5|under_?five|child", re.I)),
               ("pw", re.compile(r"pw|preg", re.I)), ("o5", re.compile(r"o5|over_?5", re.I)))
_COLUMN_TEST = (("rdt", re.compile(r"rdt", re.I)), ("microscopy", re.compile(r"micro", re.I)))


def _column_group(column: str) -> tuple[str | None, str | None]:
    age = next((a for a, rx in _COLUMN_AGE if rx.search(column)), None)
    test = next((t for t, rx in _COLUMN_TEST if rx.search(column)), None)
    return age, test


def _column_group_words(column: str) -> str:
    age, test = _column_group(column)
    if age is None and test is None:
        return "its age group and test are not stated"
    bits = [TPR_AGE_WORDS[age] if age else "age group not stated",
            TPR_TEST_WORDS[test] if test else "test not stated"]
    return ", ".join(bits)


def _covered(column: str, age: str | None, test: str | None, level: str | None) -> bool:
    """The column can stand for the TPR asked for: a column whose group is not stated stands
    for the default reading only (children under five, any test, all facilities)."""
    col_age, col_test = _column_group(column)
    if level not in (None, "all"):
        return False  # a ward table never splits its rate by facility level
    if age is not None and age != (col_age or "u5"):
        return False
    return test is None or test == col_test


TPR_WORD = re.compile(r"\btpr\b|\btest\s+positivity\b|\bpositivity(?:\s+rate)?\b")
# requests that compute a TPR: answered as a TPR run that needs the export (the router's
# reading of them says what was read)
_COMPUTE = re.compile(r"\b(?:compute|calculate|re-?compute|re-?calculate|re-?do|re-?run|run"
                      r"|work\s+out|generate|produce)\b")
_HOW_TO_GET = re.compile(r"\bhow\s+(?:do|can|would|should|will|could)\s+(?:i|we|you|one)\s+"
                         r"(?:get|compute|calculate|add|make|produce|obtain|have|work\s+out)\b"
                         r"|\bwhere\s+(?:do|can)\s+(?:i|we)\s+(?:get|upload|add|put)\b"
                         r"|\bhow\s+(?:to|is)\s+(?:get|compute|calculate|add|upload|make)\w*\b")


def tpr_without_export(text: str, low: str, ctx: RouterContext) -> Decision | None:
    """A TPR asked for, in a session without a facility export, that the ward table cannot
    give as asked: a group, test or facility level its TPR columns do not hold ("the TPR of
    Zango for pregnant women" with an under-five column), any TPR on a table without one,
    or how a TPR is obtained. Nothing runs and no number is given: the reply says that a TPR
    needs the facility export, what that file is and how to upload it."""
    if ctx.has_facility_data or not ctx.has_dataset or not TPR_WORD.search(low) \
            or _COMPUTE.search(low) or re.search(r"\banalys\w*|\bvariables?\b", low):
        return None
    columns = tpr_columns(ctx.variables)
    # "distance from the health centre" names no facility level: names the table lacks are
    # left out before the group, test and level are read
    rest = ex.lower_text(text)
    for m in sorted(ex.find_variables(text, ctx.variables), key=lambda m: -m.start):
        if m.column is None:
            rest = rest[:m.start] + " " + rest[m.end:]
    age, test = ex.find_choice("age", rest), ex.find_choice("test", rest)
    level = ex.find_choice("facility_level", rest)
    how = bool(_HOW_TO_GET.search(low))
    covered = [c for c in columns if _covered(c, age, test, level)]
    if covered and not how:
        return _ward_rate(text, low, ctx, covered)
    return _needs_export(text, columns, age, test, level)


_NOT_A_RATE = re.compile(r"\b(?:maps?|plot|charts?|graph|analys\w*|rank\w*|top|bottom|export"
                            r"|download|save|csv|excel|list|wards\b|lgas?\b|average|mean|median"
                            r"|highest|lowest|how\s+many)\b")


def _ward_rate(text: str, low: str, ctx: RouterContext, covered: Sequence[str]) -> Decision | None:
    """ "under 5 tpr for Zango", "rdt tpr of Dorayi": one ward's rate, for a group the
    table's own column holds, is that column's value (looked up, never computed)."""
    from chatmrpt.chat.dialogue import Decision, Step

    if len(covered) != 1 or not ctx.wards or _NOT_A_RATE.search(low) or \
            re.search(r"\b(?:compare|versus|vs|between)\b", low) or \
            len(ex.find_wards(text, ctx.wards)) != 1:
        return None
    match = ex.find_ward(text, ctx.wards)
    if match is None or len(match.names) != 1 or len({c.lga for c in match.candidates}) > 1:
        return None
    return Decision([Step("ward_value", {"ward": match.names[0], "variable": covered[0]},
                          source=text)], reading={"stored": "ward_value"})


def _needs_export(text: str, columns: Sequence[str], age: str | None, test: str | None,
                  level: str | None) -> Decision:
    from chatmrpt.chat.dialogue import Decision

    params = {k: v for k, v in (("age", age), ("test", test), ("facility_level", level)) if v}
    return Decision(text=facility_export_needed(params, text, columns),
                    reading={"refused": "tpr_needs_facility_export"})


# --- PCA where it is not suitable -----------------------------------------------------------


def no_pca_text(analysis: Mapping[str, Any], what: str = "ranking") -> str:
    """Why there is no PCA result for this analysis (the KMO when that was the reason), and
    what stands instead; nothing is run."""
    reason = str(((analysis or {}).get("summary") or {}).get("pca_reason") or "").strip()
    why = (f"PCA was not used for this analysis: {reason.rstrip('.')}."
           if reason else "PCA did not run for this analysis (the data did not suit it).")
    return (f"{why} So there is no PCA {what}, and nothing was run. The composite score "
            "ranks the wards on its own: ask for the composite ranking, the category map or "
            "the vulnerability map; adding variables that move together may make PCA suitable.")


_PCA = re.compile(r"\bpca\b|\bp\s*c\s*a\b|\bprincipal\s+components?\b")
_PCA_RESULT = re.compile(r"\brank\w*|\border\b|\bsort\w*|\btop\b|\bbottom\b|\blist\b|\bwards?\b"
                         r"|\bscores?\b|\bmethod\b|\binstead\b|\buse\b|\busing\b|\bswitch\b"
                         r"|\bconsensus\b|\bresults?\b")
_PCA_VALIDITY = re.compile(r"\bkmo\b|\bvalid\w*|\bsuitab\w*|\bappropriate\b|\busable\b"
                           r"|\bok(?:ay)?\b|\bbartlett\b|\bwhy\b|\bexplain\b|\bwhat\s+is\b"
                           r"|\bmean\w*|\bwork\w*")
_CHANGES_ANALYSIS = re.compile(r"\b(?:add|adding|include|drop|remove|without|swap|replace|with"
                               r"\s+(?:these|only)|variables?|normali[sz]\w*|reciprocal)\b")


def pca_refusal(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """PCA results asked for ("rank them by pca", "use the pca method instead") where the
    current analysis has none because PCA did not suit the data: explained, nothing run."""
    from chatmrpt.chat.dialogue import Decision, _starter_choices

    if not facts.pca_reason or not ctx.analysis_ready or not _PCA.search(low):
        return None
    if _PCA_VALIDITY.search(low) or _CHANGES_ANALYSIS.search(low) or not _PCA_RESULT.search(
            low) or ctx.last_plan is not None:
        return None
    if any(m.column for m in ex.find_variables(text, ctx.variables)):
        return None
    what = "consensus category" if re.search(r"\bconsensus\b", low) else "ranking"
    reason = {"summary": {"pca_reason": facts.pca_reason}}
    return Decision(text=no_pca_text(reason, what), choices=_starter_choices(ctx),
                    reading={"refused": "no_pca"})
