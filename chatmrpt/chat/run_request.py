"""A plain request to run the analysis, in whatever words: "ok please run it on the data I
uploaded", "fine, run it with the defaults", "abeg run d analysis 4 me wit d default
variables". The whole message must be such a request (greetings, politeness and the data or
the defaults named are allowed): anything more is read by the rest of the dialogue."""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext

_GREETING = (r"(?:(?:hi|hello|hey|good\s+(?:morning|afternoon|evening|day)|ina\s+kwana|sannu"
             r"|bawo|kedu|how\s+far|salam\w*)(?:\s+(?:sir|ma|madam|all|team))?[\s,.!]+)")
_FILLER = (r"(?:(?:ok(?:ay)?|okk+|fine|alright|right|good|great|yes|yeah|so|now|then|please|pls"
           r"|plz|abeg|oya|kindly|just|go\s+ahead\s+and|you\s+can|can\s+you|could\s+you"
           r"|would\s+you|let'?s|lets|let\s+us|i\s+want\s+you\s+to|help\s+me)[\s,.!]+)")
_VERB = r"(?:run|do|perform|carry\s+out|start|launch|execute|kick\s+off|go)"
_OBJECT = (r"(?:it|am|this|that|(?:(?:the|d|da|an?|our|my|una)\s+)?(?:(?:vulnerability|risk"
           r"|malaria|mrpt|ward|default|standard|usual|normal|basic)\s+)*(?:analysis|analyses"
           r"|ranking|rankings|scoring|model))")
_DATA = (r"(?:(?:on|with|for|using|over)\s+(?:the|d|my|our|this|una)\s+(?:data|dataset|table"
         r"|file|ward\s+data|wards|ward\s+table|upload|csv|spreadsheet)(?:\s+(?:i|we)\s+"
         r"(?:uploaded|upload|sent|gave\s+you|shared|just\s+uploaded))?)")
_DEFAULTS = (r"(?:(?:with|wit|using|on|use|for)\s+(?:the\s+|d\s+|all\s+the\s+)?(?:defaults?"
             r"|standard|usual|normal|recommended)(?:\s+(?:variables?|settings?|options?"
             r"|ones|values|parameters))?)")
_TAIL = (r"(?:(?:for|4)\s+(?:me|us)|now|please|pls|abeg|then|thanks|thank\s+you|biko|o+"
         r"|sir|ma|for\s+the\s+state|for\s+all\s+(?:the\s+)?wards)")
PLAIN_RUN = re.compile(
    rf"^\s*{_GREETING}*{_FILLER}*{_VERB}\s+{_OBJECT}"
    rf"(?:[\s,]+(?:{_DATA}|{_DEFAULTS}|{_TAIL}))*\s*[.!]*\s*$")
_NAMES_ANALYSIS = re.compile(r"\b(?:analysis|analyses|ranking|rankings|scoring|model|defaults?"
                             r"|standard|usual|data|dataset|table|file|upload)\b")


# "rank ilorin wards", "rank the wards in kano", "rank all wards for kwara state": the table's
# own area named (the whole table, not one LGA of it)
_AREA_BEFORE = re.compile(r"\b(?:rank|prioriti[sz]e|score)\s+(?:(?:the|all|all\s+the|d|our|my)\s+)?"
                          r"(?P<name>[a-z]+(?:\s+state)?)\s+(?=wards?\b)")
_AREA_AFTER = re.compile(r"\bwards?\s+(?P<said>(?:in|for|of|across)\s+(?:the\s+)?"
                         r"(?P<name>[a-z]+(?:\s+state)?))(?=\s*(?:[.!,]|$|(?:pls|please|abeg|now|fast|quick\w*"
                         r"|for\s+(?:me|us))\b))")


def _own_area_dropped(low: str, area: tuple[str, ...]) -> str:
    """The message without the table's own area named with the wards to rank ("rank ilorin
    wards pls" -> "rank wards pls"); unchanged when the name is no whole-area name of the
    table (an LGA, another state)."""
    from chatmrpt.chat.results import whole_area_name

    m = _AREA_BEFORE.search(low)
    if m and whole_area_name(m.group("name"), area):
        return low[:m.start("name")] + low[m.end():]
    m = _AREA_AFTER.search(low)
    if m and whole_area_name(m.group("name"), area):
        return (low[:m.start("said")] + low[m.end("said"):]).replace("  ", " ")
    return low


def plain_run(text: str, ctx: RouterContext, area: tuple[str, ...] = ()) -> bool:
    """Whether the message only asks to run the analysis with the default variables (the
    table's own area may be named: "rank ilorin wards pls")."""
    if not ctx.has_dataset:
        return False
    low = re.sub(r"\s+", " ", ex.lower_text(text)).strip()
    if ctx.analysis_status in (None, "failed"):
        low = _own_area_dropped(low, area)
        text = low
    m = PLAIN_RUN.match(low)
    if m is None:
        return ctx.analysis_status in (None, "failed") and first_ranking(text, low, ctx)
    # "run it" alone names no analysis: only when none was run yet is it the analysis
    return bool(_NAMES_ANALYSIS.search(low)) or ctx.analysis_status in (None, "failed")


# "rank the wards", "rank all d wards fast": the ranking asked for in the words of the work
RANK_WARDS = re.compile(
    rf"^\s*{_GREETING}*{_FILLER}*(?:rank|prioriti[sz]e|score)\s+(?:(?:the|all|all\s+the|d|da"
    r"|our|my|una|these|every)\s+)?wards?(?:\s+(?:for\s+(?:me|us)|fast|quick(?:ly)?|asap"
    r"|now|please|pls|abeg|o+|sir|ma|for\s+vulnerability|by\s+vulnerability"
    r"|by\s+(?:malaria\s+)?risk|first))*\s*[.!]*\s*$")
# where a message falls into its parts: sentences, and clauses that give a reason
_PARTS = re.compile(r"(?<=[.!?;])\s+|,\s*|\s+(?:so\s+(?:that\s+)?(?=(?:i|we)\b)|because\s+|cos\s+"
                    r"|since\s+|as\s+(?=(?:i|we)\b))")
# what a part that only says who the user is or why they ask may not hold: anything that
# would shape the analysis, name another piece of work, a number or a question
_NOT_CONTEXT = re.compile(
    r"\?|\d|\b(?:variables?|columns?|indicators?|only|except|without|instead|exclude|drop"
    r"|remove|add|include|inverse|direct|normali[sz]\w*|pca|composite|urban\w*|nets?|itns?"
    r"|llins?|plan\w*|maps?|export|download|excel|csv|pdf|threshold|target|tpr|don'?t|do\s+not"
    r"|dont|not|never|no|wait|later|tomorrow|hold|stop|cancel|undo|lga|lgas)\b")
_CONTEXT_START = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|and|also|well|sir|ma)[\s,]+)*(?:i|i'?m|im|i\s+am|we|we'?re"
    r"|our|my|the|this|that|it|its|it'?s|ilorin|kano|data|file|ward|wards)\b")
_GREETING_ONLY = re.compile(r"^\s*(?:hi|hello|hey|good\s+(?:morning|afternoon|evening|day)"
                            r"|ina\s+kwana|sannu|bawo|kedu|how\s+far|salam\w*)(?:\s+(?:sir|ma"
                            r"|madam|all|team|o))*\s*$")
_TIME = re.compile(r"\b(?:\d+|one|two|five|ten|fifteen|twenty|thirty)\s*(?:mins?|minutes?|hrs?"
                   r"|hours?)\b")


def first_ranking(text: str, low: str, ctx: RouterContext) -> bool:
    """The first request of a session with no analysis yet, said with a word about who asks
    or why ("good afternoon, I work on sensitisation. please rank the wards so I know where
    to start", "ilorin file is in. run the vulnerability ranking", "I have a meeting in 10
    mins. rank the wards fast"): one part is a plain run, every other part only says who
    the user is, why they ask or that the data is in; a part that could shape the analysis
    or asks for other work (a variable, a number, a plan, a negation) is read by the rest of
    the dialogue."""
    parts = [p.strip(" .!,") for p in _PARTS.split(_TIME.sub(" soon ", low)) if p.strip(" .!,")]
    runs = [p for p in parts if PLAIN_RUN.match(p) or RANK_WARDS.match(p)]
    if len(runs) != 1 or len(parts) < 2:
        return runs == parts and bool(RANK_WARDS.match(parts[0])) if len(parts) == 1 else False
    named = ex.find_variables(text, ctx.variables) if ctx.variables else []
    if named:
        return False
    for p in parts:
        if p in runs or _GREETING_ONLY.match(p):
            continue
        if _NOT_CONTEXT.search(p) or not _CONTEXT_START.match(p) or len(p.split()) > 14:
            return False
        if ctx.wards and ex.find_ward(p, ctx.wards) is not None:
            return False
    return True


# "ok run it with the defaults", "do it pls": the request talked about just before, by its
# pronoun; only the settings' defaults may be named with it
PRONOUN_RUN = re.compile(
    rf"^\s*{_GREETING}*{_FILLER}*(?:{_VERB}|try|apply)\s+(?:it|am|this|that|dat|this\s+one"
    rf"|that\s+one)(?:[\s,]+(?:{_DEFAULTS}|{_TAIL}|(?:as|at)\s+(?:per\s+)?(?:the\s+)?default"
    r"(?:s|\s+settings)?))*\s*[.!]*\s*$")
_REPRI_TOPICS = ("urban", "reprioritization", "reprioritisation", "reprioritize_urban")


def reprioritisation_meant(text: str, ctx: RouterContext, last: dict | None,
                           pending: dict | None) -> bool:
    """Whether "run it" (with the defaults) means the urban reprioritisation: the talk just
    before was about it (its explanation, its result or its offer) and an analysis exists to
    reprioritise from."""
    if not ctx.analysis_ready or not PRONOUN_RUN.match(re.sub(r"\s+", " ", ex.lower_text(text))):
        return False
    last = last or {}
    params = last.get("params") or {}
    if last.get("tool") == "explain_methodology" and params.get("topic") in _REPRI_TOPICS:
        return True
    if (pending or {}).get("tool") == "reprioritize_urban":
        return True
    return last.get("tool") == "reprioritize_urban" or (
        last.get("tool") == "ask_results" and str(params.get("about", "")).startswith("repri"))
