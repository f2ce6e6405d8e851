"""The guards that decide whether a reading of a message is safe to act on.

A question, a hypothetical, an either/or, a number the reading does not account for, an
amount read as a total, or an action with no evidence in the words: each keeps the manager
from acting and makes it ask instead (the gate, ``_gate``). Separate from the manager so
the rules of when to act sit in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import intents
from chatmrpt.chat.describe import describe_choice
from chatmrpt.chat.reading import (
    CONFIRM,
    NET_CUE,
    QUESTION_START,
    _fmt,
    _join,
    reads_as_short_answer,
)
from chatmrpt.chat.router import PLAN_TOOLS, RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Step, leave_it, steps_choice

# answers to a question the assistant asked: the question is the evidence for the action
ANSWERS = ("choice", "confirm", "plan_numbers", "plan_delta", "lga_choice", "export_what", "lga",
           "ward", "repri_target", "repri_threshold")
GATE_FAMILY = {"plan_itn": "plan_itn", "what_if_plan": "plan_itn", "run_analysis": "run_analysis",
               "reprioritize_urban": "reprioritize_urban", "compute_tpr": "compute_tpr",
               "export_results": "export_results", "export_view": "export_results",
               "add_covariates": "add_covariates"}  # fmt: skip


# a question about results: it asks for an answer, never for a change ("what if ..." and
# "what about ..." propose a change, "can you ..." asks for one)
RESULT_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|but|then|now|pls|please|abeg|sorry|hmm+)[\s,]+)*"
    r"(?:how\s+(?:many|much|far|often|come|long|is|are|was|were|do|does|did)"
    r"|what(?!\s+if\b|\s+about\b)|which|why|when|where|who|whose|wetin|is|are|was|were|did"
    r"|does|has|have|had)\b")
# a last sentence that only asks for the explanation of the one before ("explain pls", "abeg
# explain am", "tell me why", "I want to understand")
EXPLAIN_ONLY = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|and|pls|please|plz|abeg|kindly|just|sir|ma)[\s,]+)*"
    r"(?:(?:can|could|would)\s+(?:you|u)\s+)?(?:explain|clarify|elaborate|tell\s+me(?:\s+why)?"
    r"|help\s+me\s+understand|i\s+(?:want|need|wan|would\s+like)\s+to\s+(?:understand|know))"
    r"(?:\s+(?:it|that|this|am|to\s+me|for\s+me|me|abeg|pls|please|plz|sir|ma|o|jare|small"
    r"|briefly|why))*[\s.!?]*$")
REQUEST_QUESTION = re.compile(r"^\s*(?:(?:and|so|ok(?:ay)?|but|then|now|pls|please|abeg)[\s,]+)*"
                              r"(?:can|could|would|will|pls|please)\s+(?:you|u|we|i)\b"
                              r"|^\s*(?:what|how)\s+(?:if|about)\b")


# yes / no words, courtesy and filler: what a bare answer to "shall I ...?" is made of
YES_NO_WORDS = frozenset([
    "ok", "okay", "k", "kk", "yes", "yeah", "yea", "yep", "yup", "ya", "sure", "alright",
    "fine", "correct", "right", "true", "exactly", "indeed", "absolutely", "definitely",
    "certainly", "of", "course", "no", "nope", "nah", "please", "pls", "plz", "abeg", "oya",
    "sir", "ma", "madam", "oga", "thanks", "thank", "you", "great", "good", "cool", "nice",
    "perfect", "excellent", "wonderful", "lovely", "awesome", "then", "now", "so", "well",
    "just", "it", "that", "this", "am", "go", "ahead", "on", "do", "proceed", "continue",
    "carry", "start", "kick", "off", "confirm", "confirmed", "that's", "thats", "it's", "its",
    "na", "let's", "lets", "hmm", "hm", "ehn", "eh", "oh", "ah", "o", "sef", "jare", "and",
    "but", "all"])
# a request carried by the words left: the intent model's reading of them, when it is a
# request (not a courtesy) it finds at least this likely
REQUEST_LEFT = 0.25


def says_yes(text: str, low: str, guess: intents.IntentGuess,
             ctx: RouterContext | None = None) -> bool:
    """Whether the message is a yes and nothing else, the one test by which an offer or a
    confirmation is taken: the yes words themselves, or a short answer the intent model reads
    as a yes with confidence that holds no number and no other request ("ok triple it" is a
    change to the plan, never a yes to what was offered)."""
    if CONFIRM.match(low):
        return True
    return (guess.label == "confirm" and guess.confident(0.6) and reads_as_short_answer(text)
            and not ex.extract_numbers(low) and bare_yes_no(text, ctx))


def bare_yes_no(text: str, ctx: RouterContext | None = None) -> bool:
    """Whether the message is a yes or a no and nothing else: once its yes/no words,
    courtesy and filler are taken away, no words are left that carry a request. Those words
    carry one when they hold a number, a column, a ward, a file format or a setting's value
    (a direction, a normalisation, a ranking method, a strategy: the slot readers),
    or when the intent model reads a request in them ("ok show it on the projector": a map;
    "ok fine, sounds good": nothing)."""
    from chatmrpt.chat import router as rt_

    low = ex.lower_text(text)
    rest = [w for w in re.findall(r"[a-z0-9']+", low) if w not in YES_NO_WORDS]
    if not rest:
        return True
    left = " ".join(rest)
    if ex.extract_numbers(left) or any(re.search(rx, left) for _, rx in rt_._EXPORT_FORMATS):
        return False
    # "ok triple it", "ok double": the stock multiplied, a request
    if re.search(r"\b(?:double|triple|treble|quadruple|halve|half|twice)\b", left):
        return False
    # a setting's value: a direction, a normalisation, a ranking method or a strategy
    if ex._DIRECT.search(left) or ex._INVERSE.search(left) or ex.find_normalization(left) \
            or ex.find_method(left) or ex.find_strategy(left):
        return False
    if ctx is not None and ctx.variables and any(
            m.column for m in ex.find_variables(left, ctx.variables)):
        return False
    if ctx is not None and ctx.wards and ex.find_ward(left, ctx.wards):
        return False
    guess = intents.classify(left)
    return guess.label in intents.CONVERSATIONAL or guess.probability < REQUEST_LEFT


def reads_as_question(text: str) -> bool:
    """The message asks about something (results, a setting, a definition) rather than
    asking for something to be done."""
    sentences = [p for p in re.split(r"(?<=[?.!])\s+", ex.lower_text(text).strip()) if p.strip()]
    if len(sentences) > 1 and EXPLAIN_ONLY.match(sentences[-1]):
        # "why is housing counted the opposite way? explain pls": the question before it
        sentences.pop()
    low = sentences[-1] if sentences else ""
    # "which wards can we deprioritise at 50%?" asks for the work to be done
    if low.rstrip(" .!").endswith("?") and re.search(r"\bor\b", low) and \
            not REQUEST_QUESTION.match(low):
        return True  # "distance here - direct or inverse?"
    return bool(RESULT_QUESTION.match(low)) and not MODAL_REQUEST.search(low)


HYPOTHETICAL = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|but|then|now|hmm+|well|sorry)[\s,]+)*(?:"
    r"(?:what|wat|wetin)\s+if\b"  # "what if we used 6 per household?"
    r"|(?:if|suppose|supposing|imagine)\b.*\b(?:would|will|could)\b"  # "if we ..., would ...?"
    # "would a 500k plan cover everyone?", "should we cut it back to 250k?", "can the excel
    # export include lga totals?"; "can you ...?", "could we ...?" and "shall we ...?" ask
    # for something to be done
    r"|(?:would|will|should|could|can|might|may|does|do|did|is|are)\s+"
    r"(?!(?:you|u|ya)\b)(?!(?:we|i)\b)\w+"
    r"|(?:should|would|will|might|do|does|did|are|is)\s+(?:we|i)\b)")


FUTURE_MODAL = re.compile(r"\b(?:might|may|will|shall|(?<!was\s)(?<!were\s)going\s+to|gonna"
                          r"|plan(?:ning)?\s+to"
                          r"|hope\s+to|intend\s+to|we'?ll|i'?ll)\b")
LATER_TIME = re.compile(
    r"\b(?:next\s+(?:week|month|year|round|time|quarter|campaign|cycle)|later(?:\s+on)?"
    r"|tomorrow|someday|one\s+day|in\s+(?:the\s+)?(?:future|coming\s+(?:weeks?|months?))"
    r"|in\s+(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december))\b")


# "I'll come back to you then", "will let you know": the decision is the user's, later
COME_BACK = re.compile(r"\b(?:i'?ll|i\s+will|we'?ll|we\s+will|i\s+can|we\s+can)\s+"
                       r"(?:come\s+back|get\s+back|revert|return|let\s+you\s+know|confirm)\b")
# "if the donor confirms, make it 500k", "once the nets arrive, redo it": an order that waits
# on something still to happen
WAITING_ON = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|but|and|then)[\s,]+)*(?:if|once|when|as\s+soon\s+as|after)\s+"
    r"(?:[\w'-]+\s+){1,4}(?:confirms?|confirmed|comes?\s+in|arrives?|approves?|signs?(?:\s+off)?"
    r"|releases?|lands?|delivers?|(?:is|are|gets?|get)\s+(?:confirmed|approved|released|signed"
    r"|delivered))\b")
YEAR_LATER = re.compile(r"\b(?:in|by|for|from)\s+(?:early\s+|late\s+|mid-?\s*)?(?:20[2-9]\d)\b")


# the last sentence orders, now: "..., actually yes, make the png now"
NOW_ORDER = re.compile(r"^\s*(?:(?:ok(?:ay)?|pls|please|abeg|now|so|oya|actually|yes|yeah|yep"
                       r"|sure|fine|alright|no|wait)[\s,!]+)*(?:re-?do|re-?run|run|do|plan|show"
                       r"|make|export|use|set|change|reprioriti\w*|map|list|give)\b")


def deferred(text: str) -> bool:
    """A change told for later ("we might try a 20% target next month", "in 2027 we expect
    about 900k nets, I'll come back to you then"): not an order now."""
    low = ex.lower_text(text)
    if WAITING_ON.match(low):
        return True
    if re.match(r"^\s*(?:(?:ok(?:ay)?|pls|please|abeg|now|so|then|oya)[\s,]+)*(?:re-?do|re-?run"
                r"|run|do|plan|show|make|export|use|set|change|reprioriti\w*|map|list|give)\b",
                low):
        return False  # an order now, whatever is said about later
    sentences = [p for p in re.split(r"(?<=[?!])\s+|\.+\s*", low) if p.strip()]
    if len(sentences) > 1 and NOW_ORDER.match(sentences[-1]) and \
            not LATER_TIME.search(sentences[-1]) and not re.search(r"\bthen\b", sentences[-1]):
        return False  # "I was going to ask later... actually yes, make the png now"
    if COME_BACK.search(low):
        return True
    return bool(FUTURE_MODAL.search(low) and (LATER_TIME.search(low) or YEAR_LATER.search(low)))


# "just asking, don't change it", "i'm only wondering ...", "how many trips is that? don't
# change the plan": the message says it asks and does not order
ONLY_ASKING = re.compile(
    r"\b(?:(?:i'?m|i\s+am|am|we'?re|we\s+are)\s+)?(?:just|only|merely|simply)\s+"
    r"(?:asking|wondering|curious|checking|thinking\s+aloud|thinking\s+out\s+loud|exploring)\b"
    r"|\b(?:out\s+of|for)\s+curiosity\b|\bhypothetically(?:\s+speaking)?\b"
    r"|\bfor\s+(?:my\s+)?(?:information|info|interest)\s+only\b"
    # "what would happen with 20% fewer? only tell me.", "... just the arithmetic": an answer
    # is wanted, not a change
    r"|(?:^|[.,;:!?-]\s*)(?:(?:pls|please|abeg)\s+)?(?:only|just)\s+(?:tell|show)\s+me"
    r"(?:\s+(?:please|pls))?\s*[.!]*\s*$"
    r"|(?:^|[.,;:!?-]\s*)(?:(?:pls|please|abeg)\s+)?(?:only|just)\s+(?:(?:do|give\s+me)\s+)?"
    r"(?:the\s+)?(?:arithmetic|maths?|sums?|calculations?)"
    r"(?:\s+(?:please|pls))?\s*[.!]*\s*$")
KEEP_AS_IS = re.compile(
    r"(?:^|[.,;:!?-]\s*|\b(?:but|and|so)\s+)(?:pls\s+|please\s+)?(?:don'?t|dont|do\s+not|no\s+need"
    r"\s+to)\s+(?:actually\s+)?(?:change|make|touch|run|re-?plan|re-?do|re-?run|update|apply"
    r"|redo|modify|save|do)(?:\s+(?:it|that|this|anything|nothing|the\s+plan|a\s+(?:new\s+)?plan"
    r"|(?:the|my|our)\s+(?:current\s+)?(?:plan|analysis|allocation|results?|numbers|settings?)))?"
    r"(?:\s+(?:yet|now|for\s+now|today))?"
    # "don't change anything until he confirms": held until something still to happen
    r"(?:\s+(?:until|till|til|before|unless)\s+[^.!?,;]*)?"
    r"(?:\s+(?:please|pls|o|oh|ooo?))?\s*(?:[.!]*\s*$|[,;.!-]\s*(?!.*\b(?:but|instead|rather|only|just)"
    r"\s+(?:set|use|make|plan|change|do|run|put|switch|give|re-?plan)\b))")
# "... yet": put off (plan_settings.held_back)


# "what if target is 20? no run", "... no apply", "no action yet": nothing to be done
NO_RUN = re.compile(r"(?:^|[.,;:!?-]\s*)(?:(?:but|and|so)\s+)?(?:no|not)\s+(?:run(?:ning)?|apply"
                    r"|applying|action|changes?|re-?plan)(?:\s+(?:it|that|this|am))?"
                    r"(?:\s+(?:yet|now|for\s+now|please|pls|o|oh))*\s*[.!]*\s*$")


def only_asking(text: str) -> bool:
    """The message says it only asks ("just asking", "only wondering") or ends by saying
    nothing is to change ("..., don't change the plan"): whatever it mentions is asked
    about, never ordered."""
    low = ex.lower_text(text)
    return bool(ONLY_ASKING.search(low) or KEEP_AS_IS.search(low) or NO_RUN.search(low))


# "what if we used 6 per household?", "what would happen if we had 100k fewer nets?": asks
# what a change would do (the reply says so, and runs nothing)
WHAT_IF_ASKED = re.compile(r"\b(?:what|wat|wetin)\s+(?:(?:would|will|could)\s+happen\s+"
                           r"|happens\s+)?if\b")
EXPORT_TOOLS = ("export_results", "export_view")


def hypothetical_question(text: str) -> bool:
    """A question about what a change would do ("what if we used 6 per household?", "would a
    500k plan cover everyone?", "should we cut it back to 250k?"): asked about, not ordered.
    Only a message ending with a question mark; "what if 600k" without one is an order."""
    sentences = [p for p in re.split(r"(?<=[?.!])\s+", ex.lower_text(text).strip()) if p.strip()]
    last = sentences[-1].strip() if sentences else ""
    if not last.endswith("?"):
        return False
    last = re.sub(r",?\s*(?:in\s+your\s+(?:view|opinion)|do\s+you\s+think)\s*\?$", "?", last)
    return bool(HYPOTHETICAL.match(last))


# "what if we had 20% more nets?", "what if the state gets 800k nets instead?": a scenario
# of the net stock, run as a what-if plan beside the current one (echoed, and undone by "go
# back to the previous plan"); other hypotheticals ("what if we used 6 per household?",
# "would 500k cover everyone?") are asked about
NETS_WHAT_IF = re.compile(
    r"^\s*(?:(?:and|so|ok(?:ay)?|but|then|now|hmm+|well)[\s,]+)*(?:what|wat|wetin)\s+if\s+"
    r"(?:we|the\s+state|they|you|i|our\s+state)\s+(?:had|have|get|gets|got|receive[sd]?"
    r"|were\s+given|are\s+given|only\s+(?:had|have|get|got))\b[^?]*\?\s*$")


# "what if we had 500k, would everyone be covered?", "what if we got 1.2 million, how many
# wards are left out?": the scenario comes with a question about its result, which is asked
# (the plan is offered), not run
ABOUT_THE_RESULT = re.compile(
    r"\b(?:would|will|could|can|is|are|does|do|did|how|which|what|enough|covered|left\s+out"
    r"|everyone|every(?:\s+\w+)?|all\s+(?:the\s+)?wards?)\b")


def nets_scenario(step: Step, text: str) -> bool:
    """A "what if" question about the net stock only ("what if we only had 100,000?"), for a
    plan step that changes nothing else, with no question about what it would give."""
    low = ex.lower_text(text)
    m = NETS_WHAT_IF.match(low)
    if m is None or step.tool not in ("what_if_plan", "plan_itn") or \
            not set(step.params) <= {"total_nets"}:
        return False
    if LATER_TIME.search(low) or YEAR_LATER.search(low):
        return False  # "what if we get another 100k next month?": a stock for later is asked
    head = re.match(r"^.*?\b(?:what|wat|wetin)\s+if\s+\S+(?:\s+\S+)?\s", low)
    return not ABOUT_THE_RESULT.search(low[head.end():] if head else low)


CHOICE_VALUES = (r"(?:direct(?:ly)?|inverse(?:ly)?|pca|composite|linear|reciprocal|stop|continue"
                 r"|proportional|capped|rdt|microscopy|csv|excel|xlsx|png|html)")
EITHER_OR = re.compile(r"\b" + CHOICE_VALUES + r"\s+or\s+" + CHOICE_VALUES + r"\b")


def either_or_question(text: str) -> bool:
    """ "rainfall na direct or inverse for this analysis", "export it as csv or excel": two
    values of one setting given as alternatives. Which one is meant is not said: ask."""
    low = ex.lower_text(text)
    for m in EITHER_OR.finditer(low):
        if not re.search(r"\b(?:instead\s+of|rather\s+than|not)\s*$", low[: m.start()]):
            return True
    return False


MODAL_REQUEST = re.compile(r"\b(?:can|could|should|shall|would|must)\s+(?:we|i|you|u|be)\b")


ACCOUNTED_TOOLS = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban",
                   "compute_tpr")  # fmt: skip


def _param_numbers(value: Any) -> set[float]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int | float):
        return {round(float(value), 6)}
    if isinstance(value, Mapping):
        return set().union(*(_param_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_param_numbers(v) for v in value)) if value else set()
    return set()


def _without_names(low: str, ctx: RouterContext | None) -> str:
    """The message without ward names and LGA codes that hold digits ("Akanbi 5",
    "LGA 24007"): their digits are part of a name, not amounts."""
    from chatmrpt.chat.dialogue import LGA_CODE
    if ctx is not None:
        for w in ctx.wards:
            name = w.name.lower() if hasattr(w, "name") else str(w).lower()
            if re.search(r"\d", name) and name in low:
                low = low.replace(name, " ")
    return LGA_CODE.sub(" ", low)


def stray_numbers(step: Step, text: str, ctx: RouterContext | None = None,
                  extra: Sequence[float] = ()) -> list[str]:
    """The numbers of the message that the step does not use (as a value, a change of the
    last value stated in its echo, or part of a name). A number said but not used means
    the message was read otherwise than it was meant: the manager asks instead."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, RUN_WHEN_TOLD
    if step.tool not in ACCOUNTED_TOOLS or step.echo in (ANALYSE_FIRST, RUN_WHEN_TOLD):
        return []
    low = _without_names(ex.canonical_text(step.source or text), ctx)
    used = _param_numbers(step.params) | {round(float(v), 6) for v in extra}
    used |= {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(step.echo))}
    if "max_ward_share" in step.params and step.params["max_ward_share"] is not None:
        used.add(round(float(step.params["max_ward_share"]) * 100, 6))
    if isinstance(step.params.get("buffer"), int | float):
        used.add(round((float(step.params["buffer"]) - 1) * 100, 6))  # "a 10% buffer": 1.1
    used |= _choice_numbers(step)
    if step.tool == "what_if_plan" and ctx is not None and ctx.last_plan:
        # "go back to the plain 400k one, no bales": the plan changed, named by its stock or
        # its household size, which stay as they are
        used |= {round(float(ctx.last_plan[k]), 6) for k in ("total_nets", "household_size")
                 if isinstance(ctx.last_plan.get(k), int | float)}
    if step.tool == "compute_tpr" and step.params.get("age") in ("u5", "o5"):
        used |= {5.0, 0.0, 4.0, 59.0}  # "under five", "five and above", "0-59 months"
    out = []
    labels = label_spans(low)
    told = ex.without_told_done(low)
    for n in ex.extract_numbers(low):
        if not told[n.start:n.end].strip():
            continue  # "we ran the under-5 tpr this morning. now ...": what was done before
        if round(n.value, 6) in used or n.text.strip() in ("one", "a", "an"):
            continue
        if REPLACED.search(low[: n.start]):
            continue  # the value being replaced: "4 persons per household, not 5"
        if TYPED_WRONG.search(low[: n.start]) and CORRECTED_AFTER.match(low[n.end:]):
            continue  # "I typed 300 but it's 350 thousand": the value being replaced
        if TIME_UNIT.match(low[n.end:]):
            continue  # "meeting in 10 mins"
        if ORDINAL_LABEL.match(low[n.end:]):
            continue  # "for the 2nd round": which round, not an amount
        if _year_label(n, low):
            continue  # "for the 2026 mass campaign": which campaign, not an amount
        if any(a <= n.start < b for a, b in labels):
            continue  # a date, a phone number, a list marker, "2 out of 3 facilities"
        if step.tool == "run_analysis" and _variables_counted(n, low, step.params):
            continue  # "add soil_wetness to those four": the analysis' variables, pointed at
        if step.tool == "run_analysis" and not step.params.get("variables") and \
                _defaults_counted(n, low):
            continue  # "back to the three defaults": the default selection, counted
        if step.tool == "run_analysis" and _age_of_variable(n, low):
            continue  # "under-five TPR": the age group is part of the variable's name
        if ex.past_amount(n, low):
            continue  # "last year we gave out 380,000": an earlier campaign, not this one
        if _kept_value(n, low, ctx):
            continue  # "back to composite, keep the 60": the plan's own value, kept
        out.append(n.text.strip())
    return out


# "keep the 60", "leave the threshold at 60", "still with 6 per household": a value said to stay
KEPT_BEFORE = re.compile(r"\b(?:keep(?:ing)?|leave|leaving|retain(?:ing)?|maintain(?:ing)?"
                         r"|hold(?:ing)?|still(?:\s+with)?|stay(?:ing)?\s+(?:at|with|on))\s+"
                         r"(?:(?:the|it|that|this|d|our|same|current|plan'?s?)\s+)*(?:[a-z]+\s+){0,2}?"
                         r"(?:(?:at|as|on|to)\s+)?(?:the\s+)?$")


def _kept_value(n: ex.NumberMention, low: str, ctx: RouterContext | None) -> bool:
    """The number is a value of the current plan that the message says to keep ("put it
    back to composite, keep the 60" with the urban threshold at 60): no stray, nothing
    misread. Another number said to be kept is still a doubt."""
    plan = getattr(ctx, "last_plan", None) if ctx is not None else None
    if not plan or not KEPT_BEFORE.search(low[: n.start]):
        return False
    return round(n.value, 6) in _param_numbers(plan)


# "under-five TPR", "over 5 test positivity", "the under 5s malaria cases": an age group
# that names a variable, no amount
AGE_OF_VARIABLE = re.compile(
    r"\b(?:under|over|above|below|less\s+than|older\s+than)[\s-]*(?:5|five)s?\b"
    r"(?:[\s-]*(?:years?|yrs?|y)\b)?(?:[\s-]*old\b)?[\s-]*(?:tpr|test|positivity|rdt"
    r"|microscopy|malaria|children|kids|incidence|prevalence|cases|positives?)\b")


def _age_of_variable(n: ex.NumberMention, low: str) -> bool:
    """The number is the age limit inside a variable's name ("under-five TPR")."""
    return any(m.start() <= n.start < m.end() for m in AGE_OF_VARIABLE.finditer(low))


COUNT_POINTED = re.compile(r"\b(?:those|these|the|all(?:\s+the)?|d|dem|them|all\s+of\s+the"
                           r"|(?:the\s+|d\s+)?other|(?:the\s+)?remaining|(?:the\s+)?rest\s+of\s+the)\s*$")
COUNT_ENDS = re.compile(r"^\s*(?:(?:variables?|ones?|columns?|indicators?)\b|[,.;!?]|$|(?:and|but"
                        r"|same|keep|with|plus|then|pls|please|abeg)\b)")


def _variables_counted(n: ex.NumberMention, low: str, params: Mapping[str, Any]) -> bool:
    """ "add X to those four", "drop Y from the three variables": a count of the variables
    an analysis change speaks of, no value to use."""
    variables = params.get("variables") or ()
    return bool(variables) and n.is_whole and 2 <= n.value <= len(variables) + 3 and \
        bool(COUNT_POINTED.search(low[:n.start])) and bool(COUNT_ENDS.match(low[n.end:]))


USUAL = r"(?:default|usual|original|standard|normal|initial)"
DEFAULTS_BEFORE = re.compile(r"\b(?:the|our|its)\s+(?:" + USUAL + r"\s+)?$")
DEFAULTS_AFTER = re.compile(r"^\s*(?:defaults\b|" + USUAL + r"\s+(?:variables?|ones|columns"
                            r"|indicators)\b|(?:variables?|ones|columns|indicators)\b)")


def _defaults_counted(n: ex.NumberMention, low: str) -> bool:
    """ "back to the three defaults", "the usual six variables": a count of the default
    selection the message asks back, no value to use (a default word must be said)."""
    before, after = low[: n.start], low[n.end:]
    m = DEFAULTS_AFTER.match(after)
    return n.is_whole and bool(DEFAULTS_BEFORE.search(before)) and m is not None and bool(
        re.search(USUAL + r"|\bdefaults\b", before[-20:] + m.group(0)))


def _choice_numbers(step: Step) -> set[float]:
    """Numbers that name a choice rather than give a value: the five years that divide the
    TPR age groups ("everyone five and above", "0-4 years", "under 59 months")."""
    if step.tool == "compute_tpr" and step.params.get("age") in ("u5", "o5"):
        return {5.0, 4.0, 59.0, 0.0}
    return set()


RELATIVE_BEFORE = re.compile(
    r"\b(?:another|anoda|anotha|an?\s+extra|extra|additional|more|plus|add|added|adding|remove"
    r"|removing|minus|subtract|take\s+away|take\s+off|lose|lost|less|fewer|a\s+further"
    r"|(?:cut|reduce|lower|drop|increase|raise|boost|top\s+up)(?:\s+(?:it|that|the\s+(?:nets|plan"
    r"|stock)))?(?:\s+by)?)\s*$")
RELATIVE_AFTER = re.compile(r"^\s*(?:(?:nets?|itns?|llins?)\s+)?(?:more|extra|fewer|less|on\s+top"
                            r"|additional)\b")
# "UNICEF gives 50k, add it": the amount is pointed back at as something to add
ADD_IT_LATER = re.compile(r"\b(?:add|adding|plus|include|top\s+up\s+with)\s+(?:it|them|that"
                          r"|those|these|this)\b|\bon\s+top\b")


def _numbers_read_as_total(step: Step, text: str) -> tuple[str, list[ex.NumberMention]]:
    """The words a plan step was read from (canonical form) and the numbers in them equal
    to the step's number of nets, percentages aside: where its total came from. No numbers
    for a step that is not a plan or sets no total (and then no words either)."""
    total = step.params.get("total_nets") if step.tool in PLAN_TOOLS else None
    if not isinstance(total, int | float):
        return "", []
    low = ex.canonical_text(step.source or text)
    return low, [n for n in ex.extract_numbers(low)
                 if abs(n.value - float(total)) < 1e-6 and not n.percent]


def amounts_read_as_totals(step: Step, text: str) -> list[str]:
    """Amounts said as a change ("another 150k", "remove quarter million from that", "cut
    50,000") that a plan step uses as the new number of nets: a change read as a total."""
    low, same = _numbers_read_as_total(step, text)
    return [n.text.strip() for n in same
            if RELATIVE_BEFORE.search(low[: n.start]) or RELATIVE_AFTER.match(low[n.end:])
            or ADD_IT_LATER.search(low[n.end:])]


# what a number counts when it is not nets: "120 bales", "300 wards", "2 million people"
OTHER_UNIT = re.compile(
    r"\s*(?P<unit>(?:bales?|trucks?|lorr(?:y|ies)|trips?|loads?|vehicles?|wards?|lgas?|villages?"
    r"|communities|settlements?|days?|weeks?|months?|facilities|teams?|distributors?|staff)\b"
    r"(?!\s*(?:\d|=|:))"
    # "300k households of 5", "300k people per net 2": the word starts the next value, it
    # does not count the number before it
    r"|(?:people|persons?|individuals|households?|families|homes|houses)\b"
    r"(?!\s*(?:size|sz|of\s+\d|per\b|at\s+\d|\d|=|:)))")


# money: "₦3.1 billion", "N2.5m", "$400k", "3 million naira", "500k dollars"
MONEY_BEFORE = re.compile(r"(?:₦|\$|€|£|(?<![a-z])n|\bngn|\busd|\bnaira|\bdollars?)\s*$")
MONEY_AFTER = re.compile(r"\s*(?:naira|dollars?|usd|ngn|euros?|pounds?)\b")


def _money(n: ex.NumberMention, low: str) -> bool:
    return bool(MONEY_BEFORE.search(low[: n.start]) or MONEY_AFTER.match(low[n.end:]))


def totals_of_another_unit(step: Step, text: str) -> list[str]:
    """A plan step's number of nets taken from a number the message gives as a count of
    something else ("if the truck carries 120 bales ..." read as 120 nets) or as money
    ("the partner confirmed ₦3.1 billion"): a value named for another thing, never the net
    stock."""
    low, same = _numbers_read_as_total(step, text)
    if not same or not all(OTHER_UNIT.match(low[n.end:]) or _money(n, low) for n in same):
        return []
    return [f"{n.text.strip()} {OTHER_UNIT.match(low[n.end:]).group('unit')}"
            if OTHER_UNIT.match(low[n.end:]) else
            (low[MONEY_BEFORE.search(low[: n.start]).start(): n.end].strip()
             if MONEY_BEFORE.search(low[: n.start]) else
             f"{n.text.strip()} {MONEY_AFTER.match(low[n.end:]).group(0).strip()}")
            for n in same]


# a number said of something that is not this plan's stock: the population, nets held back,
# what an earlier campaign had or what someone said the state will get
POPULATION_BEFORE = re.compile(r"\bpopulation\b[^.,;:!?\d]{0,25}$")
# "keep 400k and household 5" keeps the plan's value: a plain keep, hold or save holds nets
# back only with "in reserve", "aside", "for schools" ... after the number (HELD_AFTER)
HELD_BEFORE = re.compile(r"\b(?:(?:keep|hold|save)\s+(?:back|aside)|set\s+aside|put\s+aside"
                         r"|reserve)\s+(?:about\s+|around\s+)?$")
HELD_AFTER = re.compile(r"\s*(?:(?:nets?|itns?|llins?)\s+)?(?:in\s+reserve|aside|back\b"
                        r"|as\s+(?:a\s+)?(?:reserve|buffer|contingency)|for\s+(?:emergenc"
                        r"|schools?|contingenc|mop-?\s*up))")
EARLIER = re.compile(r"\b(?:last|previous|past|earlier|former)\s+(?:campaign|year|round|cycle"
                     r"|distribution)s?\b|\b(?:19|20)\d\d\s+(?:mass\s+)?(?:campaign|round"
                     r"|distribution)\b|\b(?:in|during)\s+(?:19|20)\d\d\b")
PAST_VERB = re.compile(r"\b(?:used|distributed|planned|had|received|got|gave|delivered|shared"
                       r"|were|was|did|moved|sent|bought|procured|ordered|supplied|shipped"
                       r"|transported|handed\s+out|gave\s+out|spent|reached|covered|allocated"
                       r"|managed|hung|stored|took|brought|won|lost)\b"
                       # "last year we moved 380,000 nets": the user's own report, in the past
                       r"|\b(?:we|they|i|the\s+state|the\s+team|partners?)\s+(?:only\s+|just\s+"
                       r"|also\s+)?[a-z]+ed\b")
WHAT_IF = re.compile(r"\b(?:what|wat|wetin)\s+if\b|\b(?:suppose|supposing|imagine|assuming)\b")
REPORTED = re.compile(r"\b(?:said|says|told\s+(?:us|me|them)|promised|announced|claims?"
                      r"|according\s+to|heard|wants|prefers|suggest(?:s|ed)|proposed?"
                      r"|(?:they|donors?|partners?|people)\s+want|is\s+asking\s+for)\b")
# "the donor is asking if 1.2m nets would cover everybody", "my director wants to know whether
# hh 6 changes much": someone else's question passed on, to be answered, never done
REPORTED_QUESTION = re.compile(
    r"\b(?:is|are|was|were|keeps?)\s+(?:asking|wondering|querying)\s+(?:me\s+|us\s+)?(?:if|whether"
    r"|about|how|what|why|which)\b"
    r"|\b(?:asks?|asked|wonders?|wondered|queried)\s+(?:me\s+|us\s+)?(?:if|whether)\b"
    r"|\b(?:wants?|wanted|would\s+like|'d\s+like|needs?)\s+to\s+(?:know|find\s+out|check"
    r"|understand)\s+(?:if|whether|how|what|which|why)\b"
    r"|\b(?:his|her|their|the)\s+question\s+is\b")


def reported_question(text: str) -> bool:
    """A question someone else asked, passed on ("the donor is asking if 1.2m nets would
    cover everybody"): answered, or the change offered, never done; an order after it in the
    user's own words ("..., so plan 1.2m") is read as the order it is."""
    low = ex.lower_text(text)
    m = REPORTED_QUESTION.search(low)
    if m is None:
        return False
    after = low[m.end():]
    return not re.search(r"[.;!?]\s*(?:(?:so|ok(?:ay)?|then|now|pls|please|just)[\s,]+)*"
                         r"(?:make|use|set|change|redo|re-?plan|re-?run|plan|run|go\s+ahead"
                         r"|do\s+it|export|put|switch)\b|,\s*(?:so|then)\s+(?:please\s+|pls\s+)?"
                         r"(?:make|use|set|plan|run|go\s+ahead|do\s+it)\b", after)


ORDERED = re.compile(r"\b(?:make|use|set|change|redo|re-?plan|re-?run|plan\s+(?:with|for)"
                     r"|go\s+with|update|put|switch|run|try|abeg|please|pls|go\s+ahead"
                     r"|do\s+(?:it|that|this|the\s+plan)(?:\s+(?:with|for|at|using))?"
                     # "sorry, I meant nets, not naira. NMEP says 600k": the user's own
                     # correction of what was asked
                     r"|(?:sorry|no)[\s,]+i\s+meant?)\b")


def totals_said_of_something_else(step: Step, text: str) -> list[str]:
    """A plan step's number of nets taken from a number the message gives for something
    else: the population ("the population is 3.5 million"), nets held back ("keep 20k in
    reserve"), an earlier campaign's figure ("in 2024 we planned 450k") or what someone said
    ("the commissioner said we'll get 600k") with no request to plan with it."""
    low, same = _numbers_read_as_total(step, text)
    if not same:
        return _settings_of_the_past(step, text)
    n = same[0]
    before, after = low[: n.start], low[n.end:]
    said = n.text.strip()
    if POPULATION_BEFORE.search(before):
        return [f"{said} as the population"]
    if HELD_BEFORE.search(before) or HELD_AFTER.match(after):
        return [f"{said} as nets held back"]
    raw = ex.lower_text(step.source or text)  # the verbs as typed, not their base forms
    if ORDERED.search(raw) or WHAT_IF.search(raw) or OWN_CORRECTION.search(raw):
        return []
    if EARLIER.search(raw) and PAST_VERB.search(raw):
        return [f"{said} as what an earlier campaign had"]
    if REPORTED.search(OWN_WORDS.sub(" ", raw)):
        return [f"{said} as what someone said"]
    return []


# "household 5 as I said", "like I told you": the user's own words, not someone else's
OWN_WORDS = re.compile(r"\b(?:as|like)\s+(?:i|we)\s+(?:(?:already|just|earlier)\s+)?(?:said"
                       r"|told\s+(?:you|u)|mentioned|wrote)\b")
# "sorry, I meant nets, not naira": the user putting their own earlier request right, so the
# request stands with the value now given
OWN_CORRECTION = re.compile(r"\b(?:i|we)\s+(?:meant|mean)\b(?!\s+to\s+(?:tell|say|ask|mention"
                            r"|write|send|call|add|check))")


def _settings_of_the_past(step: Step, text: str) -> list[str]:
    """A plan setting read from what an earlier campaign did ("in 2024 we did bales of 50",
    "last round we used 6 per household"), with no request to plan with it."""
    if step.tool not in PLAN_TOOLS:
        return []
    raw = ex.lower_text(step.source or text)
    if ORDERED.search(raw) or WHAT_IF.search(raw) or not EARLIER.search(raw) or \
            not PAST_VERB.search(raw):
        return []
    numbers = [n for n in ex.extract_numbers(ex.canonical_text(step.source or text))
               if not re.fullmatch(r"(?:19|20)\d\d", n.text.strip())]
    return [f"{numbers[0].text.strip()} as what an earlier campaign had"] if numbers else []


def total_far_below_plan(step: Step, last_plan: Mapping[str, Any] | None) -> int | None:
    """A number of nets a thousand times smaller than the current plan's ("make it 450" with
    400,000 nets planned): most likely said in thousands. Gives the total read that way, or 0
    when even that is far from the plan ("2" nets against 400,000): no total to offer."""
    total = step.params.get("total_nets") if step.tool in PLAN_TOOLS else None
    current = (last_plan or {}).get("total_nets")
    if not isinstance(total, int | float) or not isinstance(current, int | float) or \
            isinstance(total, bool) or total <= 0 or total >= 1000 or current < 10_000:
        return None
    thousands = int(total * 1000)
    return thousands if current / 10 <= thousands <= current * 10 else 0


def changes_nothing(step: Step, text: str, last_plan: Mapping[str, Any] | None) -> bool:
    """A plan step that would give the current plan again, from a message that does not ask
    for it ("4 hundred thousand is too small", "the 400k was from the commissioner"): the
    number is talked about, not ordered."""
    if step.tool not in PLAN_TOOLS or not step.params or not last_plan:
        return False
    if any(last_plan.get(k) != v for k, v in step.params.items()):
        return False
    if step.tool != "what_if_plan" and any(step.params.get(k) != v for k, v in last_plan.items()):
        return False  # a whole plan that leaves out a setting sets it back to its default
    return not ORDERED.search(ex.lower_text(step.source or text))


SHARE_SETTINGS = ("threshold", "thresholds", "target_share", "urban_threshold")


def count_read_as_share(decision: Decision, text: str) -> list[str]:
    """A share setting (an urban threshold, a target) a step takes from a number the message
    gives as a count ("top 5 wards in Lida" read, after a reprioritisation, as the wards at
    more than 5% urban): the number was read in the wrong context."""
    low = ex.canonical_text(text)
    mentions = [n for n in ex.extract_numbers(low) if not n.percent]
    out = []
    for step in decision.steps:
        for key in SHARE_SETTINGS:
            value = step.params.get(key)
            for v in value if isinstance(value, list | tuple) else [value]:
                if not isinstance(v, int | float) or isinstance(v, bool):
                    continue
                same = [n for n in ex.extract_numbers(low) if abs(n.value - float(v)) < 1e-6]
                if same and all(n in mentions and OTHER_UNIT.match(low[n.end:]) for n in same):
                    out += [f"{n.text.strip()} {OTHER_UNIT.match(low[n.end:]).group('unit')}"
                            for n in same]
    return out


YEAR_NOUN = re.compile(r"\s*(?:mass\s+|itn\s+|net\s+|llin\s+|national\s+|state\s+)*(?:campaigns?"
                       r"|distributions?|rounds?|season|plan(?:ning)?|budget|allocation|census"
                       r"|survey|figures?|data)\b")
YEAR_BEFORE = re.compile(r"\b(?:in|for|of|since|during|until|by|from|the|our|this|last|next)\s*$")


# "ITN campaign 2026 - microplan", "the plan for year 2026": a year after what it names
YEAR_NOUN_BEFORE = re.compile(r"\b(?:campaigns?|distributions?|rounds?|season|plan|microplan"
                              r"|budget|allocation|census|survey|year|fy)\s*[-:]?\s*$")


def _year_label(n: ex.NumberMention, low: str) -> bool:
    """A year naming a campaign or a period ("the 2026 mass campaign", "in 2025"), never an
    amount of nets."""
    if not re.fullmatch(r"(?:19[5-9]\d|20\d\d)", n.text.strip()):
        return False
    return bool(YEAR_NOUN.match(low[n.end:]) or YEAR_BEFORE.search(low[: n.start])
                or YEAR_NOUN_BEFORE.search(low[: n.start]))


MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
         r"|may(?=\s*(?:[,.;:!?)]|(?:19|20)\d\d\b|$)))")
# numbers that label something and are never an amount or a setting
LABELS = re.compile(
    # dates: "12/03/2026", "2026-03-12", "15 June", "30th of April", "June 15, 2026"
    r"(?<![\d,.])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d/])"
    r"|(?<![\d,.])(?:19|20)\d\d-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?<![\d,.])\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTH + r"\b(?:,?\s+(?:19|20)\d\d\b)?"
    r"|\b" + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d\b)?"
    # Nigerian phone numbers: "0802 114 4410", "+234 803 123 4567", "08031234567"
    r"|(?:\+\s?234[\s-]?|(?<![\d,.])0)[789][01]\d(?:[\s-]?\d){7}(?!\d)"
    # list markers: "(1)", "(2)", "1)" after a comma, "number 2", "item 3", "#2"
    r"|\(\s*\d{1,2}\s*\)|(?:^|(?<=[\s,;:]))\d{1,2}\)(?=\s)"
    r"|\b(?:number|no\.|item|point|task|step)\s*\d{1,2}\b(?!\s*(?:k\b|%|percent|nets?|people"
    r"|persons?|per\b|thousand|million|hundred))|#\s*\d{1,2}\b"
    # counts of other things: "2 out of 3 health facilities", "three things for me"
    r"|\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:out\s+of|of\s+(?:the|our|"
    r"all))\s+(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
    r"(?!\s*(?:k\b|%|percent|nets?|itns?|llins?|thousand|million))"
    r"|\b(?:\d{1,2}|two|three|four|five|six|seven)\s+(?:things|items|requests|tasks|questions"
    r"|points|steps|issues|favou?rs|jobs)\b")


def label_spans(low: str) -> list[tuple[int, int]]:
    """Where the message has numbers that only label something: dates ("dated 12/03/2026",
    "by 30 April"), phone numbers ("tel 0802 114 4410"), list markers ("(1) run the analysis,
    (2) ...", "start with number 1"), and counts of other things ("2 out of 3 health
    facilities", "three things for me"). Such numbers are never settings."""
    return [m.span() for m in LABELS.finditer(low)]


ORDINAL_LABEL = re.compile(r"(?:st|nd|rd|th)\s+(?:time|round|phase|cycle|campaign|distribution"
                           r"|quarter|year|try|attempt|batch|tranche)\b")
TIME_UNIT = re.compile(r"\s*(?:mins?|minutes?|hours?|hrs?|secs?|seconds?|days?|weeks?|months?"
                       r"|o'?clock|am\b|pm\b|a\.m|p\.m)\b")
RETRACTED = re.compile(r"\b(?:actually|wait|sorry|no)[\s,]+(?:just\s+)?(?:leave|keep|forget|cancel"
                       r"|scrap|skip|ignore|don'?t)\b|\bscratch\s+that\b|\bnever\s*mind\s+"
                       r"(?:that|the)\b")
def _takes_back(low: str) -> bool:
    """A value given, then taken back in the same message ("set the threshold to 60%, no
    actually leave it at the default, ..."): which values stand is not sure."""
    return any(ex.extract_numbers(low[: m.start()]) for m in RETRACTED.finditer(low))


# "not 5", "instead of 20", "I typed 20", "forget the 25": a value said and taken back
REPLACED = re.compile(r"\b(?:not|instead\s+of|rather\s+than|from|(?:typed|wrote|written|entered"
                      r"|forget(?:\s+about)?|ignore)(?:\s+(?:the|that|my))?)\s*$")
# "I typed 300 but it's 350 thousand": the value typed by mistake, then the one meant
TYPED_WRONG = re.compile(r"\b(?:i|we)\s+(?:typed|wrote|said|put|entered|gave|used)\s*$")
CORRECTED_AFTER = re.compile(r"^\s*(?:(?:nets?|people|persons)\s*)?[,.;]?\s*(?:but|and|whereas)\s+"
                             r"(?:it'?s|it\s+is|it\s+should|should|i\s+meant|meant|it\s+was"
                             r"|the\s+(?:right|correct|real|actual))\b")


def action_evidence(step: Step, text: str, state: DialogueState,
                    last_plan: Mapping[str, Any] | None = None) -> bool:
    """Whether the message supports this state-changing step.

    A new request needs the intent model to read the step's part of the message as that
    kind of request, with at least the margin the cross-validation showed to be right 99%
    of the time (intents.ACT_MARGIN), and a new plan needs its numbers written in the
    message. A change of the request just run ("20% more", "drop rainfall") draws its
    evidence from the conversation: it stands when the model ranks that kind of request
    first or, unsure, second."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, RUN_WHEN_TOLD
    family = GATE_FAMILY.get(step.tool)
    if family is None or step.echo in (ANALYSE_FIRST, RUN_WHEN_TOLD):
        return True  # the analysis a request needs, or "run it" with nothing else to run
    guess = intents.classify(step.source or text)
    sure = guess.margin >= intents.ACT_MARGIN
    if guess.label == family and sure:
        if family == "export_results":
            return _format_said(step, text)
        # the numbers given to the plan question pending count as said ("neither, 420k"
        # after the household size was given with the two values asked about)
        given = dict((state.pending or {}).get("params") or {}) \
            if (state.pending or {}).get("expects") == "plan_numbers" else {}
        return step.tool != "plan_itn" or _numbers_said(step, text, {**given, **(last_plan or {})})
    low = ex.lower_text(step.source or text)
    if family == "plan_itn" and tries_one_setting(step, low, state, last_plan):
        return True  # "what about hh 6" right after a plan: that plan with this one setting
    if "?" in low or QUESTION_START.search(low) and not re.match(r"^\s*what\s+if\b", low):
        return False  # a question changes something only when the model is sure it asks to
    last = GATE_FAMILY.get(str((state.last or {}).get("tool")))
    continues = last == family or (family == "plan_itn"
                                   and (state.last or {}).get("tool") == "ask_results")
    if continues and (re.search(r"\b(?:don'?t|dont|do\s+not|never)\b", low)
                      or LATER_TIME.search(low)):
        return False  # "don't go ahead with the 20% more", "... next month": not an order now
    # the model must find the change at least the second most likely reading, and not be
    # sure of another one
    return continues and (guess.label == family or (not sure and guess.runner_up == family))


PLAN_NUMBERS = ("total_nets", "household_size", "urban_threshold", "people_per_net",
                "bale_size", "max_ward_share", "fill_population")  # fmt: skip

# "what about hh 6", "how about a 60% urban threshold?", "ok what about households of 4.5":
# a bare "what about" with one setting and its value, nothing else
WHAT_ABOUT = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|and|then|hmm+|now|alright)[\s,]+)*(?:what|how|wetin)"
                        r"\s+about\s+(?P<rest>.+?)\s*[?.!]*\s*$")
NOT_TRIED = re.compile(r"\b(?:if|would|could|should|will|might|change|changes|difference|effect"
                       r"|impact|wards?|maps?|lgas?|export|file|not|don'?t|dont|no|later|next"
                       r"|and|or|vs|versus)\b")


_OR_BETWEEN = re.compile(r"^\s*(?:nets?|itns?|people|persons)?\s*(?:or|/|abi|nor)\s*$")


# "between 500k and 600k nets", "from 500k to 600k": a range said, not a number
_RANGE_START = re.compile(r"\b(?:between|from|btw|somewhere\s+between|anywhere\s+between)\s*$")
_RANGE_JOIN = re.compile(r"^\s*(?:nets?|itns?)?\s*(?:and|to|-|–)\s*$")


def nets_range(low: str, a: ex.NumberMention, b: ex.NumberMention) -> bool:
    """Whether two numbers of a message are the ends of a range of nets."""
    return bool(_RANGE_START.search(low[:a.start]) and _RANGE_JOIN.match(low[a.end:b.start])
                and a.value >= 1000 and b.value >= 1000)


def plan_alternatives(step: Step, text: str) -> tuple[str, list[int | float]] | None:
    """Two numbers of nets named with "or" between them ("400k or 500k nets"), one of which
    the step uses: both, in the order said; None otherwise."""
    if step.tool not in PLAN_TOOLS:
        return None
    low = ex.canonical_text(step.source or text)
    found = ex.extract_numbers(low)
    for a, b in zip(found, found[1:], strict=False):
        if a.percent or b.percent or a.value == b.value or not (
                _OR_BETWEEN.match(low[a.end:b.start]) or nets_range(low, a, b)):
            continue
        # two household sizes ("five or six, whichever you think") are asked as a hedge,
        # where a size said next takes the offer: only two stocks are two plans
        used = step.params.get("total_nets")
        if isinstance(used, int | float) and float(used) in (a.value, b.value):
            return "total_nets", [a.number, b.number]
    return None


# "urban 60", "hh 6", "now bales 50": a setting's name and its value, nothing else
TERSE_SETTING = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|and|then|now|make\s+it|set)[\s,]+)*"
                           r"(?P<rest>[a-z][a-z ]{0,24}?\s*\d[\d.,]*\s*%?)\s*[.!]*\s*$")


def tries_one_setting(step: Step, low: str, state: DialogueState,
                      last_plan: Mapping[str, Any] | None) -> bool:
    """ "what about hh 6" said right after a plan was made: an order to try that plan with
    this one setting (the step changes exactly one number of the plan, and that number is
    said). "what if ...", "would hh 6 change much?" and anything longer stay questions."""
    m = WHAT_ABOUT.match(low) or TERSE_SETTING.match(low)
    if not m or not last_plan or (state.last or {}).get("tool") not in PLAN_TOOLS or \
            state.pending:
        return False
    rest = m.group("rest")
    if len(rest.split()) > 5 or NOT_TRIED.search(rest):
        return False
    changed = [k for k in PLAN_NUMBERS if k in step.params
               and step.params.get(k) != last_plan.get(k)]
    if len(changed) != 1 or not isinstance(step.params[changed[0]], int | float):
        return False
    kept = all(step.params.get(k) == v for k, v in last_plan.items()
               if k in step.params and k != changed[0])
    said = {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(rest))}
    value = float(step.params[changed[0]])
    return kept and (round(value, 6) in said or round(value * 100, 6) in said)


def _numbers_said(step: Step, text: str, last_plan: Mapping[str, Any] | None = None) -> bool:
    """Every number a new plan uses was written in the message or kept from the last plan
    ("back to the defaults"); a number from anywhere else is a guess."""
    said = {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(step.source or text))}
    said |= {round(float(v), 6) for k, v in (last_plan or {}).items()
             if k in PLAN_NUMBERS and isinstance(v, int | float)}
    said |= {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(text))}
    for name in PLAN_NUMBERS:
        if not isinstance(step.params.get(name), int | float):
            continue  # not given, or a word ("fill population median")
        value = float(step.params[name])
        if round(value, 6) not in said and not (name == "max_ward_share"
                                                and round(value * 100, 6) in said):
            return False
    return True


# a request named by its own noun after a verb of running it: "run the reprioritisation",
# "redo the TPR", "rerun the analysis"
RUN_NAMED = {
    "reprioritize_urban": r"(?:urban\s+)?(?:re-?prioriti[sz]ation|de-?prioriti[sz]ation)",
    "compute_tpr": r"(?:tpr|test\s+positivity(?:\s+rates?)?)(?:\s+(?:calculation|computation))?",
    "run_analysis": r"(?:vulnerability\s+)?(?:analysis|ranking)",
}
RUN_VERB = re.compile(r"^\s*(?:(?:ok(?:ay)?|pls|please|abeg|now|so|oya|then|alright|fine|yes|yeah"
                      r"|right|good|actually)[\s,!]+)*(?:(?:please|pls|kindly)\s+)?(?:run|re-?run"
                      r"|redo|re-?do|do|perform|start|compute|calculate|go\s+ahead\s+(?:with|and"
                      r"\s+run))\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+)?(?:new\s+)?")


def _run_named(steps: Sequence[Step], text: str) -> bool:
    """One request, ordered by name in a message that says nothing else ("ok run the
    reprioritisation with the default settings"): the name is the evidence."""
    low = ex.lower_text(text).strip()
    if len(steps) != 1 or "?" in low or steps[0].tool not in RUN_NAMED:
        return False
    m = RUN_VERB.match(low)
    if m is None or not re.match(RUN_NAMED[steps[0].tool] + r"\b", low[m.end():]):
        return False
    return not re.search(r"\b(?:maps?|export|csv|excel|png|html|pdf|plan|nets?|report|if|when"
                         r"|once|later|tomorrow|next|maybe|perhaps|not|don'?t|what|whether)\b",
                         low)


def _report_ordered(steps: Sequence[Step], text: str) -> bool:
    """The report (one file, one format) named and ordered with a verb of making it, in a
    message that neither asks nor puts it off."""
    low = ex.lower_text(text)
    if len(steps) != 1 or steps[0].tool != "export_results" or \
            steps[0].params.get("what") != "report" or "?" in low:
        return False
    return bool(re.search(r"\breport\b", low) and re.search(
        r"\b(?:generate|prepare|produce|create|make|print|export|download|send)\b", low)
        and not re.search(r"\b(?:if|when|once|later|tomorrow|next|maybe|perhaps|not|don'?t"
                          r"|whether|would|could)\b", low) and not LATER_TIME.search(low))


def _file_ordered_now(steps: Sequence[Step], text: str) -> bool:
    """The message ends with an order for a file in a format it names ("can I get that as
    png? ... actually yes, make the png now"): the file asked for last is the one made."""
    from chatmrpt.chat import router as rt_

    sentences = [p for p in re.split(r"(?<=[?!])\s+|\.+\s*", ex.lower_text(text)) if p.strip()]
    last = sentences[-1].strip() if sentences else ""
    if not steps or not NOW_ORDER.match(last) or "?" in last or LATER_TIME.search(last):
        return False
    named = [f for f, rx in rt_._EXPORT_FORMATS if re.search(rx, last)]
    return all(s.tool in ("export_view", "export_results") and s.params.get("format") in named
               for s in steps)


# "save that map", "save am", "download it pls": the map on screen, ordered saved in few words
SHOWN_SAVED = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|pls|please|abeg|now|so|oya|yes|yeah|great|nice|good|thanks)[\s,!]+)*"
    r"(?:save|download|export|keep)\s+(?:(?:am|it|that|this|the|dis|dat)\b\s*){0,2}(?:map\s*)?"
    r"(?:(?:for\s+me|pls|please|abeg|now|then|too)[\s,]*)*[.!]*\s*$")


def _shown_map_saved(steps: Sequence[Step], text: str, state: DialogueState) -> bool:
    """ "save that map" right after a map is shown: that map, as a picture (the reply says
    so), with nothing else said."""
    shown = state.shown or {}
    if len(steps) != 1 or steps[0].tool != "export_view" or shown.get("kind") != "map":
        return False
    p = steps[0].params
    return p.get("format") == "png" and p.get("what") == shown.get("what") and \
        bool(SHOWN_SAVED.match(ex.lower_text(steps[0].source or text)))


def _format_said(step: Step, text: str) -> bool:
    """A file is made in the format the message names (a report has only one)."""
    from chatmrpt.chat import router as rt_

    if step.params.get("what") == "report":
        return True
    low = ex.lower_text(step.source or text)
    named = [f for f, rx in rt_._EXPORT_FORMATS if re.search(rx, low)]
    return bool(named) and step.params.get("format") in named


def describe_step(step: Step) -> str:
    """A one-tap label naming exactly what the step would do."""
    if step.tool == "run_analysis" and step.params.get("variables") and step.echo and \
            re.match(r"(?:Re-)?[Rr]unning the analysis with\b", step.echo):
        # "Re-running the analysis with 2 variables: ..." reads as a status, not a choice:
        # the choice says what it runs, in words that ask for exactly that when sent back
        from chatmrpt.chat.unknown_variable import run_label
        head = "Re-run" if step.echo.startswith("Re-running") else "Run"
        return head + run_label(step.params)[len("Run the analysis"):]
    if step.echo:
        return step.echo.rstrip(".")
    label = describe_choice(step.tool, step.params)
    if label:
        return label
    p = step.params
    if step.tool in PLAN_TOOLS:
        bits = [f"{int(p['total_nets']):,} nets" if "total_nets" in p else "",
                f"household size {_fmt(p['household_size'])}" if "household_size" in p else ""]
        bits += [f"{k.replace('_', ' ')} {v}" for k, v in p.items()
                 if k not in ("total_nets", "household_size")]
        head = "Plan" if step.tool == "plan_itn" else "Re-plan with"
        return f"{head} {', '.join(b for b in bits if b)}".strip()
    if step.tool == "run_analysis":
        if p.get("variables"):
            from chatmrpt.chat.unknown_variable import run_label
            return run_label(p)  # the variables with their directions and normalisation
        return "Run the analysis" + (" with these settings" if p else "")
    if step.tool == "reprioritize_urban":
        cuts = [f"{_fmt(t)}%" for t in p.get("thresholds") or ()]
        return "Reprioritise urban wards" + (
            f" at a {cuts[0]} urban threshold" if len(cuts) == 1 else
            f" at urban thresholds of {_join(cuts)}" if cuts else "") + (
            f" with a target of {_fmt(p['target_share'])}%" if p.get("target_share") else "")
    if step.tool == "compute_tpr":
        return "Compute the TPR" + "".join(f", {k.replace('_', ' ')} {v}" for k, v in p.items())
    if step.tool == "export_view":
        from chatmrpt.chat.describe import MAP_NAMES
        what = str(p.get("what", "composite"))
        name = MAP_NAMES.get(what, f"{what} map").format(variable=p.get("variable", "a variable"))
        return f"Export the {name} as {str(p.get('format', 'html')).upper()}"
    return f"Do {step.tool.replace('_', ' ')}"


# an order to make a change, said before the change: "ok go ahead with the 20% more", "yes
# apply the 10% cut", "let's do the extra 150k"
GO_AHEAD_WITH = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|yes|yeah|yep|sure|fine|alright|right|good|so|then|now|oya|abeg|pls"
    r"|please)[\s,!.]+)*(?:go\s+ahead\s+(?:with|and\s+(?:do|apply|add|use))|go\s+with|apply"
    r"|let'?s\s+(?:do|go\s+with|apply|use)|do|use|proceed\s+with)\s+(?:the|that|those|dat|d)\s+"
    r"(?!.*\b(?:if|would|could|should|maybe|later|tomorrow|next|not|don'?t)\b)")


def _names_its_object(kind: str, text: str) -> bool:
    """A relative change acts on its own evidence only when the message says what it
    changes ("cut the plan by 10%", "another 150k nets") or says nothing else ("20% more");
    "show wards with 20% more risk" is left to the intent model."""
    low = ex.lower_text(text)
    if re.search(r"\b(?:maps?|charts?|export|download|list|show)\b", low):
        return False
    if kind != "plan":
        return True
    if GO_AHEAD_WITH.match(low):
        return True  # "ok go ahead with the 20% more": an order for that change
    # "ok donor confirmed, add the 100k.": the change is said on its own, after a lead-in
    clauses = [c for c in re.split(r"[,.;!]+\s*", low) if c.strip()]
    return bool(NET_CUE.search(low) or re.search(r"\b(?:plan|stock|supply|it|that|allocation)"
                                                 r"\b", low) or len(low.split()) <= 4
                or (clauses and len(clauses[-1].split()) <= 4
                    and ex.extract_numbers(clauses[-1])))


RELATIVE_EVIDENCE = ("plan", "plan_setting", "variables", "directions", "replace", "repri",
                     "plan_op", "undo", "correction", "tpr")


def _gate(decision: Decision, text: str, state: DialogueState,
          last_plan: Mapping[str, Any] | None = None,
          ctx: RouterContext | None = None) -> Decision:
    """Act only on evidence that generalises; otherwise ask with the action as a one-tap
    choice. Answers to the assistant's own question carry their evidence in the question."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, RUN_WHEN_TOLD
    if not decision.steps or decision.reading.get("answered") in ANSWERS:
        return decision
    acting = [s for s in decision.steps if s.tool in GATE_FAMILY
              and s.echo not in (ANALYSE_FIRST, RUN_WHEN_TOLD)]  # fmt: skip
    told_not_to = bool(acting) and only_asking(text)
    passed_on = bool(acting) and reported_question(text)
    asks = any((reads_as_question(s.source or text) or hypothetical_question(s.source or text)
                or deferred(s.source or text))
               and not nets_scenario(s, s.source or text)
               or either_or_question(s.source or text) for s in acting) \
        or told_not_to or passed_on \
        or bool(acting and decision.reading.get("not_ordered"))
    strays = [n for s in acting for n in stray_numbers(s, text, ctx)]
    changes = [n for s in acting for n in amounts_read_as_totals(s, text)]
    other_units = [n for s in acting for n in totals_of_another_unit(s, text)]
    elsewhere = [n for s in acting for n in totals_said_of_something_else(s, text)]
    same = any(changes_nothing(s, text, last_plan) for s in acting)
    scaled = [(s, t) for s in acting if (t := total_far_below_plan(s, last_plan)) is not None]
    # a step back to an earlier result takes back the last change: that is what it does
    retracted = bool(acting) and _takes_back(ex.lower_text(text)) and \
        decision.reading.get("relative") not in ("undo", "correction")
    if strays:
        decision.reading["stray_numbers"] = strays
    if not asks and not strays and not retracted and not changes and not other_units \
            and not elsewhere and not scaled and not same:
        if _restates_offer(decision, state):
            return decision  # "yes, rerun it with a 20% target": the change just offered
        on_offer = _change_over_an_offer(decision, state, last_plan)
        if on_offer is not None:
            return on_offer
        own = decision.steps[0].source if len(decision.steps) == 1 else None
        if decision.reading.get("relative") in RELATIVE_EVIDENCE and _names_its_object(
                decision.reading["relative"], own or text):
            return decision  # a change stated against the last result, echoed in the reply
        if all(action_evidence(s, text, state, last_plan) for s in decision.steps):
            return decision
        if decision.reading.get("named_export") and all(
                _format_said(s, text) for s in decision.steps
                if s.echo not in (ANALYSE_FIRST, RUN_WHEN_TOLD)):
            return decision  # the file and its format are both named in the message
        if _file_ordered_now(decision.steps, text):
            return decision  # "... actually yes, make the png now": the file, ordered last
        if _shown_map_saved(decision.steps, text, state):
            return decision  # "save that map" right after it is shown: as a picture
        if _run_named(decision.steps, text):
            return decision  # "ok run the reprioritisation with the default settings"
        if _report_ordered(decision.steps, text):
            return decision  # "I'll share the full report ..., please generate it."
    steps = [s for s in decision.steps if s.echo != ANALYSE_FIRST or len(decision.steps) == 1]
    label = "; ".join(describe_step(s) for s in steps)
    choices = [steps_choice(label, decision.steps), leave_it()]
    either = plan_alternatives(acting[0], text) if len(acting) == 1 and strays else None
    if either is not None:
        # "plan 400k or 500k nets? hh 5": one choice for each value named, in the order said
        key, values = either
        made = [Step(acting[0].tool, {**acting[0].params, key: v}) for v in values]
        choices = [steps_choice(describe_step(m), [*(s for s in decision.steps
                                                      if s is not acting[0]), m])
                   for m in made] + [leave_it()]
        said = " or ".join(f"{v:,}" if key == "total_nets" else _fmt(v) for v in values)
        decision.reading["either"] = key
    if scaled and scaled[0][1] and len(decision.steps) == 1:
        big = {**decision.steps[0].params, "total_nets": scaled[0][1]}
        choices.insert(0, steps_choice(f"Re-plan with {scaled[0][1]:,} nets",
                                       [Step(decision.steps[0].tool, big,
                                             echo=decision.steps[0].echo)]))
    why = ""
    if scaled:
        why = f" The current plan has {int(last_plan['total_nets']):,} nets"
        why += f", so you may have meant {scaled[0][1]:,}." if scaled[0][1] else \
            ", so I may have misread the number."
    elif same and not elsewhere and not (other_units or changes or strays or asks
                                         or retracted) and len(acting) == 1:
        # nothing to do: said so, with a question, and no offer to do nothing
        held = label[len("Re-plan with "):] if label.startswith("Re-plan with ") else \
            f"these values ({label})"
        return Decision(text=f"The current plan already has {held}, so nothing was changed. "
                             "Did you mean another change?",
                        reading={**decision.reading, "gated": [s.tool for s in decision.steps],
                                 "unchanged": True})
    elif same and not elsewhere:
        why = " The current plan already uses these values, so I have not made it again."
    elif elsewhere:
        setting = "the number of nets" if any(s.params.get("total_nets") is not None
                                              for s in acting) else "a setting"
        why = (f" You said {_join(list(dict.fromkeys(elsewhere)))}, not as {setting} "
               "to plan with, so I may have misread it.")
    elif other_units:
        why = (f" You said {_join(list(dict.fromkeys(other_units)))}, not a number of nets, so "
               "I may have misread it.")
    elif changes:
        why = (f" You said {_join(list(dict.fromkeys(changes)))} as a change, and I am not sure "
               "whether it is the new total or an amount to add or take away.")
    elif strays:
        why = (f" I did not use {_join(list(dict.fromkeys(strays)))} from your message, so I may "
               "have misread it.")
    elif asks and decision.reading.get("not_ordered") and \
            any(s.tool in EXPORT_TOOLS for s in acting):
        why = " Your message does not read as asking me for the file now, so I have not made it."
    elif asks and not any(s.tool in EXPORT_TOOLS for s in acting) and (
            decision.reading.get("what_if")
            or any(WHAT_IF_ASKED.search(ex.lower_text(s.source or text)) for s in acting)):
        why = " Your message asks what the change would do, so I have not run it."
    elif told_not_to:
        why = " You said you are only asking, so I have not changed anything."
    elif passed_on:
        why = " Your message passes on someone's question, so I have not changed anything."
    elif asks and any(WAITING_ON.match(ex.lower_text(s.source or text)) for s in acting):
        why = " Your message waits on something still to happen, so I have not changed anything."
    elif asks:
        why = " Your message reads as a question, so I have not changed anything."
    elif retracted:
        why = " Part of your message takes something back, so I am checking first."
    if ctx is not None and any(s.tool in PLAN_TOOLS for s in acting) and ctx.variables and \
            not any(re.search(r"pop", v, re.I) for v in ctx.variables):
        why += (" Note that your ward table has no population column, which a net plan "
                "needs.")
    asked = Decision(text=f"You named two values ({said}); which one should I plan with? "
                          "Nothing is changed until you say so." if either is not None else
                          f"I read this as: {label}.{why} Shall I go ahead? Nothing is changed "
                          "until you say so.", choices=choices,
                     # told not to change anything: nothing is on offer that a next
                     # change could be meant for
                     pending={"expects": "choice", "choices": choices,
                              "offered": asks and not told_not_to,
                              # a request for that kind of change replaces the offer
                              **({"tool": decision.steps[-1].tool} if asks else {}),
                              "strays": list(dict.fromkeys(strays))})  # fmt: skip
    asked.reading = {**decision.reading, "gated": [s.tool for s in decision.steps]}
    if state.pending and not asked.pending:
        asked.keep_pending = True
    return asked


def _offer_changes_nothing(params: Mapping[str, Any], last_plan: Mapping[str, Any] | None) -> bool:
    """The offered plan holds only values the current plan already has."""
    if not last_plan:
        return False
    usual = {"bale_size": 1, "buffer": 1.0, "people_per_net": 1.8, "urban_threshold": 75,
             "method": "composite", "strategy": "stop"}
    for k, v in params.items():
        now = last_plan.get(k, usual.get(k))
        if isinstance(v, int | float) and isinstance(now, int | float):
            if abs(float(v) - float(now)) > 1e-9:
                return False
        elif v != now:
            return False
    return True


def _change_over_an_offer(decision: Decision, state: DialogueState,
                          last_plan: Mapping[str, Any] | None = None) -> Decision | None:
    """ "same but household size 6" right after "what if we had 20% more nets?" was answered
    with an offer: the change may be meant for the current plan or for the one offered.
    Ask, with both as one-tap choices."""
    pending = state.pending or {}
    offer = next((c for c in pending.get("choices") or [] if c.get("steps")), None) \
        if pending.get("offered") and not pending.get("kept") else None
    # an offer kept over a turn about something else is no longer the thing just talked about
    if offer is None or len(decision.steps) != 1 or decision.steps[0].tool != "what_if_plan":
        return None
    offered = [s for s in offer["steps"] if s.get("tool") in PLAN_TOOLS]
    if len(offered) != 1 or _offer_changes_nothing(offered[0].get("params") or {}, last_plan):
        return None  # an offer of the plan as it is: nothing to choose between
    mine = decision.steps[0]
    merged = {**(offered[0].get("params") or {}), **mine.params}
    if merged == mine.params:
        return None  # the change sets every value the offer had: no difference
    on_offer = Step(offered[0]["tool"], merged, echo="", source=mine.source)
    choices = [steps_choice(f"{describe_step(mine)}, on the current plan", [mine]),
               steps_choice(f"{describe_step(on_offer)}, with the change I offered "
                            f"({offer['label'].rstrip('.')})", [on_offer]),
               leave_it()]
    return Decision(text="Should this change apply to the current plan, or to the change I "
                         "offered just before (not made yet)? Nothing is changed until you "
                         "say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={**decision.reading, "gated": [mine.tool], "over_offer": True})


def _restates_offer(decision: Decision, state: DialogueState) -> bool:
    """The message asks, in its own words, for exactly the change the assistant has just
    offered as a one-tap choice: the offer is the evidence, as a tap would be."""
    offered = (state.pending or {}).get("choices") or []
    mine = [(s.tool, dict(s.params)) for s in decision.steps]
    for choice in offered:
        steps = choice.get("steps") or [{"tool": choice.get("tool"), "params": choice.get("params")}]
        if mine == [(c.get("tool"), dict(c.get("params") or {})) for c in steps]:
            return True
    return False
