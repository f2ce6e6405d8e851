"""Answers to the assistant's own pending question: a one-tap choice picked (by label,
ordinal, method or yes/no), a confirmation, the plan numbers, an LGA or its code, or a
question about the question.

Separate from the manager because these read a message only as an answer to what was
asked; whatever does not read as one is left to the manager's fresh reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import intents, map_variable, setting_ask, unknown_variable
from chatmrpt.chat.guards import (
    GATE_FAMILY,
    YES_NO_WORDS,
    _param_numbers,
    describe_step,
    reads_as_question,
    says_yes,
    stray_numbers,
)
from chatmrpt.chat.reading import (
    ANSWER_CHOICE_WORDS,
    ANSWER_WORDS,
    CANCEL,
    CONFIRM,
    LESS,
    MORE,
    NET_CUE,
    _fmt,
    _join,
    reads_as_number_answer,
    reads_as_short_answer,
)
from chatmrpt.chat.relative import DROP_SETTING, PLAN_LABELS, _setting_answer, relative_plan_change
from chatmrpt.chat.router import PLAN_TOOLS, RouterContext, route
from chatmrpt.chat.slots import find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step
from chatmrpt.chat.tools import tool_spec


def _choice_by_lga(text: str, facts: Facts, pending: Mapping[str, Any]) -> dict[str, Any] | None:
    """The one-tap choice of the ward in the LGA a short answer names ("d one in kuran"
    after "There is a Kawo ward in Gantsa and Kuran"), or None."""
    if not reads_as_short_answer(text):
        return None
    lga = _candidate_lga(text, facts, pending)
    if lga is None:
        return None
    fits = [c for c in pending.get("choices") or [] if (c.get("params") or {}).get("lga") == lga]
    return fits[0] if len(fits) == 1 else None


def _analysed_first(step: Step, ctx: RouterContext) -> Decision:
    """The step, after the analysis with the default variables when the step needs results
    and none exist yet (the echo says so)."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, _can_analyse_first

    unmet = [r for r in tool_spec(step.tool).requires if r not in ctx.met()]
    if unmet and _can_analyse_first(unmet, ctx):
        return Decision([Step("run_analysis", {}, echo=ANALYSE_FIRST, source=step.source),
                         step])
    return Decision([step])


def _routed_answer(text: str, pctx: RouterContext, ctx: RouterContext, facts: Facts,
                   pending: Mapping[str, Any]) -> Decision | None:
    """The router's reading of a short answer in the pending question's context, or None."""
    from chatmrpt.chat.dialogue import _from_route

    r = route(text, pctx)
    if r.intent != "answer":
        # "d one in kuran", "the Kuran one" answering "which LGA?" for a ward name
        # several LGAs share: the LGA named, when it is one of those offered
        lga = _candidate_lga(text, facts, pending)
        if lga is None:
            return None
        r = route(lga, pctx)
        if r.intent != "answer":
            return None
    return _from_route(r, text, ctx, facts)


def _candidate_lga(text: str, facts: Facts, pending: Mapping[str, Any]) -> str | None:
    """The LGA a short answer names among the LGAs of the wards offered, or None."""
    offered = {c.get("lga") for c in pending.get("candidates") or () if c.get("lga")}
    if len(offered) < 2:
        return None
    lga, _ = find_lga(text, facts.lgas)
    return lga if lga in offered else None


# "ok", "ok thanks", "fine, cool": an acknowledgment with no word that says go ahead
ACK_ONLY = re.compile(r"^\s*(?:(?:ok(?:ay)?|k|kk|fine|alright|great|good|cool|nice|noted|thanks?"
                      r"|thank\s+you|thx|tnx|thnx|cheers|perfect)[\s,.!]*)+$")


def _still_offered(pending: Mapping[str, Any]) -> Decision:
    """A bare "ok" / "ok thanks" a few turns after an offer, with other questions answered in
    between: most likely it closes the last answer, not a yes to the older offer. The offer
    is put again, still one tap away; nothing is run."""
    choices = list(pending.get("choices") or [])
    if pending.get("expects") == "confirm":
        label = describe_step(Step(pending["tool"], dict(pending.get("params") or {}),
                                   echo=pending.get("echo", "")))
    else:
        label = next((str(c.get("label", "")) for c in choices
                      if c.get("steps") or (c.get("tool") and not c.get("cancel"))), "")
    text = "OK." if not label else (
        f"OK. Earlier I offered: {label.rstrip('.')}. It is not done; tap it or say yes if "
        "you want it. Nothing is changed until you say so.")
    return Decision(text=text, choices=choices, keep_pending=True,
                    reading={"about_pending": True, "acknowledged": True})


# words of a request of another kind ("list the top 5 by pca"): a number said with them is
# that request's, never the value of the plan setting asked for
OTHER_REQUEST = re.compile(r"\b(?:top|bottom|list|lists|map|maps|export|download|save|send|show"
                           r"|explain|why|compare|ranked\s+by|ranking|wards?|lgas?|by\s+pca"
                           r"|by\s+composite)\b")


# "same as before", "keep it", "leave it as it is" to "what household size (now 5)?": the
# value stays, nothing is done
SAME_VALUE = re.compile(r"^\s*(?:(?:ok(?:ay)?|no|hmm+|actually|sorry)[\s,.!]+)*(?:(?:the\s+)?same"
                        r"(?:\s+(?:as|one\s+as)\s+(?:before|now|it\s+is|last\s+time))?"
                        r"|keep\s+(?:it|the\s+same|that|as\s+it\s+is)|as\s+it\s+is|unchanged"
                        r"|no\s+change|don'?t\s+change\s+it)[\s,.!]*(?:please|pls|abeg)?[\s.!]*$")


# "ok go ahead and make that plan", "yes run the analysis", "proceed with the plan": a yes
# that names the kind of thing offered, and nothing else (no number, no setting, no name)
_OFFER_NOUNS = {
    "plan_itn": ("plan", "nets", "itn", "distribution", "allocation"),
    "what_if_plan": ("plan", "nets", "itn", "distribution", "allocation"),
    "run_analysis": ("analysis", "ranking", "ranks", "rank", "scoring"),
    "compute_tpr": ("tpr", "positivity", "rate", "rates", "one"),
    "reprioritize_urban": ("reprioritisation", "reprioritization", "repri", "selection"),
}
_OFFER_FILLER = frozenset([
    "make", "run", "create", "produce", "generate", "prepare", "do", "with", "the", "that",
    "this", "one", "for", "me", "us", "please", "pls", "then", "and", "a", "new", "same",
    "as", "you", "said", "offered", "suggested", "sounds", "good", "i", "we", "want",
    "need", "will", "take", "let", "lets", "let's", "net"])


def names_offer_back(low: str, tool: str) -> bool:
    """Whether a message is a yes said with the offered step named back: once the yes words
    are taken away, only verbs of doing, pointers ("that", "the") and a noun of the offered
    kind are left ("Ok, go ahead and make that plan" to an offered plan)."""
    nouns = _OFFER_NOUNS.get(tool)
    if not nouns or ex.extract_numbers(low) or "?" in low:
        return False
    words = re.findall(r"[a-z']+", low)
    if not words or not any(w in YES_NO_WORDS or w in ("make", "run", "create", "produce",
                                                       "generate", "prepare") for w in words):
        return False
    rest = [w for w in words if w not in YES_NO_WORDS and w not in _OFFER_FILLER]
    return bool(rest) and all(w in nouns for w in rest)


def _answer_pending(text: str, low: str, guess: intents.IntentGuess, ctx: RouterContext,
                    state: DialogueState, facts: Facts,
                    pending: Mapping[str, Any]) -> Decision | None:  # fmt: skip
    from chatmrpt.chat.dialogue import _from_route
    expects = pending.get("expects")
    if pending.get("kept") and expects in ("choice", "confirm") and ACK_ONLY.match(low):
        return _still_offered(pending)
    if CANCEL.match(low) or (guess.label == "cancel" and guess.confident(0.6)
                             and reads_as_short_answer(text) and REFUSAL_WORD.search(low)):
        return Decision(text="OK, I left it: nothing was run. Ask me for something else "
                             "whenever you are ready.", pending=None,
                        reading={"cancelled": True})  # fmt: skip
    if expects == "choice":
        named = unknown_variable.answer(text, ctx, pending) or \
            map_variable.answer(text, ctx, pending)
        if named is not None:
            return named
        coded = _lga_code_answer(text, low, pending)
        if coded is not None:
            return coded
        chosen = _pick_choice(low, pending.get("choices") or []) or _choice_by_lga(
            text, facts, pending)
        if chosen is not None and chosen.get("cancel"):
            return Decision(text="OK, I left it: nothing was changed.", pending=None,
                            reading={"cancelled": True})
        if chosen is not None and chosen.get("steps"):
            return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""),
                                  source=text) for s in chosen["steps"]])
        if chosen is not None:
            return Decision([Step(chosen["tool"], dict(chosen["params"]), source=text)])
        first = next((c for c in pending.get("choices") or () if c.get("steps")), None)
        if first is not None and (says_yes(text, low, guess, ctx) or names_offer_back(
                low, first["steps"][0]["tool"])):
            return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""),
                                  source=text) for s in first["steps"]])
        confirmed = _confirms_offer(low, pending.get("choices") or [])
        if confirmed is not None:
            return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""),
                                  source=text) for s in confirmed["steps"]])
        return _choice_answer(text, low, guess, ctx, pending.get("choices") or [],
                              pending.get("strays") or (), fresh=not pending.get("kept"))
    if expects == "confirm":
        if says_yes(text, low, guess, ctx) or names_offer_back(low, pending["tool"]):
            return Decision([Step(pending["tool"], dict(pending.get("params") or {}),
                                  echo=pending.get("echo", ""), source=text)])  # fmt: skip
        offered = {"label": describe_step(Step(pending["tool"], dict(pending.get("params") or {}),
                                               echo=pending.get("echo", ""))),
                   "tool": pending["tool"], "params": dict(pending.get("params") or {})}
        return _choice_answer(text, low, guess, ctx, [offered], fresh=not pending.get("kept"))
    if expects == "plan_numbers" and pending.get("setting") and SAME_VALUE.match(low) and \
            ctx.last_plan and isinstance(ctx.last_plan.get(pending["setting"]), int | float):
        label = PLAN_LABELS.get(pending["setting"], "setting")
        value = ctx.last_plan[pending["setting"]]
        unit = "%" if pending["setting"] == "urban_threshold" else ""
        return Decision(text=f"The {label} stays {_fmt(value)}{unit}: nothing was changed.",
                        pending=None, reading={"kept_value": pending["setting"]})
    if expects == "plan_numbers" and pending.get("setting") == "buffer" and \
            not OTHER_REQUEST.search(low):
        answered = setting_ask.buffer_answer(text, low)
        if answered is not None:
            return answered
    if expects == "plan_numbers" and pending.get("setting") and not OTHER_REQUEST.search(low):
        answered = _setting_answer(text, low, pending)
        if answered is not None:
            return answered
    if expects == "plan_numbers" and pending.get("alternatives"):
        picked = _alternative_picked(text, low, pending)
        if picked is not None:
            return picked
    if expects == "plan_numbers" and pending.get("tool") == "what_if_plan" and \
            not pending.get("missing") and not pending.get("setting") and \
            not pending.get("params") and ctx.last_plan and "total_nets" in ctx.last_plan and \
            not reads_as_question(text):
        # "10 percent fewer" after "what should change in the plan?": a change of the plan
        # stated against it, read as it would be without the question
        change = relative_plan_change(text, ctx.last_plan)
        if change is not None:
            return Decision([Step("what_if_plan", change.params, echo=change.echo,
                                  source=text)], reading={"relative": "plan"})
    if expects == "plan_numbers":
        undecided = _values_undecided(text, low, ctx, pending)
        if undecided is not None:
            return undecided
        if not reads_as_number_answer(text):
            return _unplaced_named(text, low, ctx, facts, pending) or \
                _plan_request_answer(text, ctx, facts, pending)
        pctx = replace(ctx, last_tool=pending["tool"], last_params=pending.get("params") or {},
                       last_missing=tuple(pending.get("missing") or ()))  # fmt: skip
        r = route(text, pctx)
        return _keep_unplaced(_from_route(r, text, ctx, facts), low)
    if expects in ("lga", "ward"):
        if not reads_as_short_answer(text):
            return None
        pctx = replace(ctx, last_tool=pending["tool"], last_params=pending.get("params") or {},
                       last_missing=tuple(pending.get("missing") or ()),
                       last_candidates=tuple(ex.WardRef(c["name"], c.get("lga"))
                                             for c in pending.get("candidates") or ()))  # fmt: skip
        return _routed_answer(text, pctx, ctx, facts, pending)
    if expects == "plan_delta" and ctx.last_plan and "total_nets" in ctx.last_plan:
        chosen = _pick_choice(low, pending.get("choices") or [])
        if chosen is not None:
            return Decision([Step(chosen["tool"], dict(chosen["params"]), source=text)])
        numbers = ex.extract_numbers(low)
        if len(numbers) != 1 or not reads_as_short_answer(text) or \
                not reads_as_number_answer(re.sub(r"^\s*(?:by|of)\s+", "", text)):
            return None
        n, base, sign = numbers[0], int(ctx.last_plan["total_nets"]), int(pending["sign"])
        if n.percent:
            delta = int(round(base * n.value / 100))
            how = f"{_fmt(n.value)}%"
        elif n.is_whole and n.value >= 100:
            delta, how = int(n.value), f"{int(n.value):,}"
        else:
            return None
        hh = ctx.last_plan.get("household_size")
        if sign > 0 and not n.percent and delta > base and not BY_AMOUNT.search(low):
            # "400k" after "by how many should the 250,000 grow?": a bare figure above the
            # plan is the new total (added, it would more than double the plan)
            return Decision([Step("what_if_plan", {"total_nets": delta},
                                  echo=f"Plan for {delta:,} nets in all (up from {base:,})"
                                       + (f", households of {_fmt(hh)} people." if hh else "."),
                                  source=text)])
        if sign < 0 and not n.percent and base / 2 <= delta < base and \
                not BY_AMOUNT.search(low) and not re.search(r"\b(?:fewer|less|remove|minus)\b", low):
            # "200k" after "by how many should the 250,000 shrink?": the new total, or a cut of
            # more than half? Both are offered
            choices = [{"label": f"{delta:,} nets in all", "tool": "what_if_plan",
                        "params": {"total_nets": delta}},
                       {"label": f"{delta:,} fewer nets ({base - delta:,} in all)",
                        "tool": "what_if_plan", "params": {"total_nets": base - delta}}]
            return Decision(text=f"Should the plan have {delta:,} nets in all, or {delta:,} "
                                 f"fewer than {base:,} ({base - delta:,})?", choices=choices,
                            pending={"expects": "choice", "choices": choices})
        value = base + sign * delta
        if value < 1:
            return None
        return Decision([Step("what_if_plan", {"total_nets": value},
                              echo=f"Plan for {value:,} nets = {base:,} "
                                   f"{'+' if sign > 0 else '-'} {how}"
                                   + (f", households of {_fmt(hh)} people." if hh else "."),
                              source=text)])  # fmt: skip
    if expects == "lga_choice":
        lga, _ = find_lga(text, facts.lgas)
        if lga and reads_as_short_answer(text):
            return _analysed_first(Step(pending["tool"], {**(pending.get("params") or {}),
                                                         "lga": lga}, source=text), ctx)
        code = _code_answer(low, facts)
        if code is not None and not lga:
            # "24008", "20037 then" on a table with LGA codes: the LGA of that code (a bare
            # number here names the LGA asked about, never a household size)
            params = {k: v for k, v in (pending.get("params") or {}).items() if k != "lga"}
            return _analysed_first(Step(pending["tool"], {**params, "lga_code": code},
                                        source=text), ctx)
        return None
    if expects == "export_what":
        if not reads_as_short_answer(text):
            return None
        pctx = replace(ctx, last_tool="export_results", last_params=pending.get("params") or {},
                       last_missing=("what",))  # fmt: skip
        return _routed_answer(text, pctx, ctx, facts, pending)
    return None


# "24008", "20037 then", "code 24008 please", "its lga 24008": an LGA code given as the answer
CODE_ONLY = re.compile(r"^\W*(?:(?:ok(?:ay)?|then|so|and|it'?s|its|is|mine\s+is|my\s+lga\s+is|we\s+are"
                       r"|the|lga|l\.g\.a|code|lga\s+code)[\s,:.!]+)*(?P<code>\d{4,6})"
                       r"(?:[\s,.!]+(?:then|please|pls|abeg|thanks|instead|na|sha))*\s*[?.!]*\s*$")


def _code_answer(low: str, facts: Facts) -> str | None:
    """The one LGA code of the data a short answer gives, or None."""
    m = CODE_ONLY.match(low)
    if m is None or m.group("code") not in (facts.lga_codes or ()):
        return None
    return m.group("code")


# "by 400k", "400k more", "another 400k": the amount added, whatever its size
BY_AMOUNT = re.compile(r"^\s*(?:by|of)\b|\b(?:more|extra|additional|another|plus|add|on\s+top)\b")


GO_AHEAD = re.compile(
    r"^\s*(?:(?:yes|yeah|yep|ok(?:ay)?|sure|please|pls|abeg|fine|alright|then|so)[\s,.!]*)*"
    r"(?:go\s+ahead|do\s+(?:it|that|so)|(?:re)?run\s+(?:it|that)|proceed|yes|yeah|ok(?:ay)?)\b")


def _confirms_offer(low: str, choices: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """ "please go ahead and run it with 600,000" after the offer "Re-plan with 600,000
    nets": a yes that repeats the offer's numbers, and no other number, takes that offer."""
    if not GO_AHEAD.match(low) or "?" in low:
        return None
    said = {round(n.value, 6) for n in ex.extract_numbers(low)}
    if not said:
        return None
    hits = []
    for c in choices:
        if not c.get("steps"):
            continue
        values = set().union(*(_param_numbers(s.get("params") or {}) for s in c["steps"]))
        if said <= values:
            hits.append(c)
    return hits[0] if len(hits) == 1 else None


# words around the part of a label that picks it: "the one in Kuran", "d one for kuran"
CHOICE_FILLERS = {"the", "d", "di", "in", "for", "from", "inside", "at", "one", "please", "pls",
                  "abeg", "lga", "ward", "of", "that", "dat", "i", "mean", "meant"}


def _label_words(label: str) -> set[str]:
    return set(re.sub(r"[^a-z0-9% ]", " ", label.lower()).split())


def _one_part_named(words: set[str], choice: Mapping[str, Any]) -> bool:
    """ "export plan as csv" to "Re-plan with household size 6; Export the net plan as CSV":
    the words name one of the offer's several steps, a request of its own, not the whole
    offer taken."""
    parts = [p for p in str(choice.get("label", "")).split(";") if p.strip()]
    return len(choice.get("steps") or ()) > 1 and len(parts) > 1 and any(
        words <= _label_words(p) for p in parts)


def _pick_choice(low: str, choices: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    text = re.sub(r"[^a-z0-9% ]", " ", low).split()
    key = " ".join(text)
    for c in choices:
        if " ".join(re.sub(r"[^a-z0-9% ]", " ", c["label"].lower()).split()) == key:
            return c
    words = set(key.split()) - CHOICE_FILLERS
    if words:
        hits = [c for c in choices
                if words <= _label_words(c["label"]) and not _one_part_named(words, c)]
        if len(hits) == 1:
            return hits[0]
    ordinals = {"1": 0, "one": 0, "first": 0, "2": 1, "two": 1, "second": 1, "3": 2,
                "three": 2, "third": 2, "4": 3, "four": 3, "fourth": 3}  # fmt: skip
    m = re.match(r"^(?:option\s+|number\s+|the\s+)?(\w+)(?:\s+one)?(?:\s+please)?$", key)
    if m and m.group(1) in ordinals and ordinals[m.group(1)] < len(choices):
        return choices[ordinals[m.group(1)]]
    return None


# --- answers to the assistant's own questions ---------------------------------------------
# One-tap choices answered in words ("the first one", "neither", "both", "yes but with 6",
# "no, composite"), a plan question answered by a fuller request, a question about the value
# asked for, and the questions pending one behind the other.

YES_LEAD = re.compile(r"^\s*(?:(?:abeg|oya|please|pls)[\s,.!]+)*(?:(?:ok(?:ay)?|yes|yeah|yea|yep|yup"
                      r"|yh|ya|sure|alright|fine|correct|right|go\s+ahead|do\s+(?:it|am|that))\b"
                      r"[\s,.!]*)+(?:(?:abeg|oya|please|pls|but|and|just|with|only|then|though)\b"
                      r"[\s,]*)*")
NO_LEAD = re.compile(r"^\s*(?:no+|nope|nah|not\s+(?:that|quite|exactly))\b[\s,.!-]*"
                     r"(?:(?:but|rather|instead|make\s+it|i\s+(?:mean|meant|want|said))\b[\s,]*)*")
NONE_OF_THEM = re.compile(r"^\s*(?:neither|none)(?:\s+of\s+(?:them|those|these|the\s+two|dem))?"
                          r"(?:[\s,]+(?:thanks|thank\s+you|please|pls|abeg|sir|ma))*\s*[.!]*\s*$")
BOTH = re.compile(r"^\s*(?:(?:ok(?:ay)?|yes|please|pls|abeg|oya)[\s,]+)*(?:do\s+|show\s+(?:me\s+)?"
                  r"|give\s+(?:me\s+)?)?(?:both|both\s+of\s+them|the\s+two(?:\s+of\s+them)?|all"
                  r"\s+of\s+them|all\s+two)(?:[\s,]+(?:please|pls|abeg|sir|ma|then))*\s*[.!]*\s*$")
TAKE_ORDINAL = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|yes|please|pls|abeg|oya)[\s,]+)*(?:(?:i'?ll\s+take|i\s+want|go\s+with|do"
    r"|take|pick|choose|run|use|give\s+me|show\s+(?:me\s+)?)\s+)?(?:the\s+|option\s+|number\s+"
    r"|no\.?\s*|#\s*)?(first|1st|second|2nd|third|3rd|fourth|4th|last|one|two|three|four|[1-4])"
    r"(?:\s+(?:one|option|choice))?(?:[\s,]+(?:please|pls|abeg|then))*\s*[.!]*\s*$")
ORDINAL_INDEX = {"first": 0, "1st": 0, "one": 0, "1": 0, "second": 1, "2nd": 1, "two": 1, "2": 1,
                 "third": 2, "3rd": 2, "three": 2, "3": 2, "fourth": 3, "4th": 3, "four": 3,
                 "4": 3}  # fmt: skip
MORE_CONFIRM = re.compile(r"^\s*(?:(?:ok(?:ay)?|yes|yeah|yh|ya|sure)[\s,.!]*)*(?:yh|ya|yea|k|kk"
                          r"|okk+|oki|okey|please\s+do|pls\s+do|do\s+so|make\s+we\s+go|exactly"
                          r"|spot\s+on|you\s+got\s+it|that'?s\s+what\s+i\s+(?:meant|mean|want(?:ed)?)"
                          r"|that\s+one|go\s+for\s+it)(?:[\s,.!]*(?:please|pls|abeg|thanks))*"
                          r"\s*[.!]*\s*$")


# a cancel read by the intent model needs a word of refusal ("now halve that" is no cancel)
REFUSAL_WORD = re.compile(r"\b(?:no|nope|nah|not|don'?t|cancel\w*|stop|leave|forget|never|skip"
                          r"|scrap|drop\s+it|ignore|abort|enough|later|wait|hold)\b")


DISMISSED = re.compile(r"\b(?:ignore|nothing|typo|mistake|doesn'?t\s+matter|not\s+important"
                       r"|never\s*mind|forget|disregard|irrelevant|no\s+meaning|by\s+the\s+way"
                       r"|not\s+(?:a|part|for)\b|nothing\s+to\s+do)")
GO_WORDS = re.compile(r"\b(?:yes|yeah|yep|ok(?:ay)?|sure|go\s+ahead|go\s+on|proceed|do\s+(?:it|am)"
                      r"|run\s+(?:it|am)|continue|correct|right|fine)\b")


def _stray_dismissed(low: str, strays: Sequence[str]) -> bool:
    """ "ignore the 2, go ahead", "yes, the 2 is nothing": the numbers the offer did not use
    are set aside, and the offer is taken."""
    numbers = ex.extract_numbers(low)
    said = {n.text.strip() for n in numbers} | {_fmt(n.value) for n in numbers}
    return bool(numbers and strays) and all(
        n.text.strip() in strays or _fmt(n.value) in strays for n in numbers) and bool(
        said) and bool(DISMISSED.search(low)) and bool(GO_WORDS.search(low))


def _unplaced_named(text: str, low: str, ctx: RouterContext, facts: Facts,
                    pending: Mapping[str, Any]) -> Decision | None:
    """ "household size" after "Is 5 the number of nets or the household size?": the number
    asked about takes the place the answer names."""
    from chatmrpt.chat.dialogue import _from_route
    value = pending.get("unplaced")
    if value is None or ex.extract_numbers(low) or len(low.split()) > 8 or "?" in low:
        return None
    household = bool(HOUSEHOLD_QUESTION.search(low) or re.search(r"\bhouse\b|\bfamily\b", low))
    nets = bool(NET_CUE.search(low) or re.search(r"\bstock\b", low))
    if household == nets:
        return None
    name = "household_size" if household else "total_nets"
    if name not in (pending.get("missing") or ()) or tool_spec("plan_itn").param(name).problems(
            value) or (name == "total_nets" and not float(value).is_integer()):
        return None
    from chatmrpt.chat import router as rt_

    params = {**(pending.get("params") or {}), name: value}
    pctx = replace(ctx, last_tool=pending["tool"], last_params=params,
                   last_missing=tuple(m for m in pending.get("missing") or () if m != name))
    r = rt_._finish(pending["tool"], params, rt_.Extraction(), pctx, "answer", 0.9)
    return _from_route(r, text, ctx, facts)


def _keep_unplaced(decision: Decision, low: str) -> Decision:
    """The plan question asked again about a number it could not place keeps that number, so
    that "household size" or "nets" can place it."""
    numbers = ex.extract_numbers(low)
    pending = decision.pending
    if decision.steps or not pending or pending.get("expects") != "plan_numbers" or \
            len(numbers) != 1:
        return decision
    if numbers[0].value in [v for v in (pending.get("params") or {}).values()
                            if isinstance(v, int | float)]:
        return decision
    decision.pending = {**pending, "unplaced": numbers[0].number}
    return decision


def _chosen_decision(chosen: Mapping[str, Any], text: str) -> Decision:
    if chosen.get("cancel"):
        return Decision(text="OK, I left it: nothing was changed.", pending=None,
                        reading={"cancelled": True})
    if chosen.get("steps"):
        return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""), source=text)
                         for s in chosen["steps"]])
    return Decision([Step(chosen["tool"], dict(chosen["params"]), source=text)])


def _choice_answer(text: str, low: str, guess: intents.IntentGuess, ctx: RouterContext,
                   choices: Sequence[Mapping[str, Any]],
                   strays: Sequence[str] = (), fresh: bool = False) -> Decision | None:
    """A one-tap choice answered in words: "neither", "both", "the first one", "ok do the
    second", "yh" (the only action offered), "yes but with 6" and "no, composite" (the action
    offered, changed as said, or the other choice the words name)."""
    actionable = [c for c in choices if not c.get("cancel") and (c.get("tool") or c.get("steps"))]
    if not actionable:
        return None
    if NONE_OF_THEM.match(low):
        return Decision(text="OK, I left it: nothing was changed.", pending=None,
                        reading={"cancelled": True})
    if BOTH.match(low):
        tools = [s["tool"] for c in actionable for s in (c.get("steps") or [c])]
        every = len(actionable) == 2 or re.search(r"\ball\b", low)
        if len(actionable) >= 2 and every and not any(t in ONE_AT_A_TIME for t in tools):
            return Decision([st for c in actionable for st in _chosen_decision(c, text).steps])
        return None
    m = TAKE_ORDINAL.match(low)
    if m:
        word = m.group(1)
        if word == "last":
            return _chosen_decision(choices[-1], text) if not choices[-1].get("cancel") else None
        index = ORDINAL_INDEX[word]
        return _chosen_decision(choices[index], text) if index < len(choices) else None
    if len(actionable) == 1 and _stray_dismissed(low, strays):
        return _chosen_decision(actionable[0], text)
    if len(actionable) == 1 and (MORE_CONFIRM.match(low) or says_yes(text, low, guess, ctx)):
        return _chosen_decision(actionable[0], text)
    lead = YES_LEAD.match(low) or NO_LEAD.match(low)
    rest = low[lead.end():].strip(" ,.!") if lead else ""
    by_method = _pick_by_method(rest or low, actionable)
    if by_method is not None:
        return _chosen_decision(by_method, text)
    numbers = ex.extract_numbers(low)
    offered_values = {round(float(v), 6) for v in (actionable[0].get("params") or {}).values()
                      if isinstance(v, int | float) and not isinstance(v, bool)}
    if not rest and fresh and len(actionable) == 1 and reads_as_number_answer(low) and \
            len(numbers) == 1 and round(numbers[0].value, 6) in offered_values:
        # "6 then." to "Re-plan with household size 6 (I did not use 5)": that offer, taken
        return _chosen_decision(actionable[0], text)
    if not rest and fresh and len(actionable) == 1 and reads_as_number_answer(low) and \
            actionable[0].get("tool") in PLAN_TOOLS and len(numbers) == 1 and \
            not numbers[0].percent and numbers[0].value >= 1000:
        # "three-fifty thousand then." to the plan just offered: the offer, with that stock
        return _modified_choice(text, low, actionable[0], ctx)
    if not rest and fresh and len(actionable) == 1 and reads_as_number_answer(low) and \
            actionable[0].get("tool") in PLAN_TOOLS and len(numbers) == 1 and \
            _is_stray(numbers[0], strays):
        # "6" to "Re-plan with household size 5 (I did not use 6)": the number left out is
        # the one meant, in the place of the offered value it can stand for
        return _modified_choice(text, low, actionable[0], ctx)
    if not rest and fresh and len(actionable) == 1 and reads_as_number_answer(low) and \
            actionable[0].get("tool") in PLAN_TOOLS and len(numbers) == 1 and \
            _cued_setting(low, numbers[0]):
        # "let us take seven persons per household" to the plan just offered: that offer,
        # with the setting the words name
        return _modified_choice(text, low, actionable[0], ctx)
    if not rest:
        return None
    picked = _pick_choice(rest, choices)
    if picked is not None and not picked.get("cancel"):
        return _chosen_decision(picked, text)
    if len(actionable) == 1 and fresh:
        # an offer made before other questions were answered is not what "ok, do the plan
        # in bales of 50" changes: the message is read on its own
        return _modified_choice(text, rest, actionable[0], ctx)
    return None


# "the first one", "d second", "the last": a place in a list said in words (a bare "2" or
# "one" to a question about a number is that number, never a place)
ORDINAL_WORD = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|yes|please|pls|abeg|oya|so|then)[\s,]+)*(?:(?:i'?ll\s+take|i\s+want"
    r"|go\s+with|do|take|pick|choose|use|plan\s+with|make\s+it)\s+)?(?:the\s+)?"
    r"(first|1st|second|2nd|third|3rd|last)(?:\s+(?:one|option|choice|value|figure|number))?"
    r"(?:[\s,]+(?:please|pls|abeg|then))*\s*[.!]*\s*$")
ORDINAL_WORD_INDEX = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _alternative_picked(text: str, low: str, pending: Mapping[str, Any]) -> Decision | None:
    """ "the first one" to "you gave two values, 400,000 or 450,000: which one?": the plan
    with that value; None when the answer names no place in that list."""
    m = ORDINAL_WORD.match(low)
    alternatives = pending.get("alternatives") or []
    if m is None or not alternatives:
        return None
    word = m.group(1)
    index = len(alternatives) - 1 if word == "last" else ORDINAL_WORD_INDEX[word]
    if index >= len(alternatives):
        return None
    params = {**(pending.get("params") or {}), **alternatives[index]}
    missing = [k for k in pending.get("missing") or () if k not in params]
    key = next(iter(alternatives[index]))
    value = alternatives[index][key]
    said = f"{int(value):,} nets" if key == "total_nets" else f"household size {_fmt(value)}"
    if missing == ["household_size"]:
        # "the second one" to "500,000 or 600,000?" with the household size not given yet
        return Decision(text=f"{said[0].upper() + said[1:]}, as you chose. What is the average "
                             "household size (people per household) in this area?",
                        pending={"tool": pending.get("tool") or "plan_itn", "params": params,
                                 "missing": missing, "expects": "plan_numbers"},
                        reading={"answered": "alternative"})
    if missing:
        return None
    return Decision([Step(pending.get("tool") or "plan_itn", params,
                          echo=f"With {said}, as you chose.", source=text)])


# words of a value not yet chosen, beside its candidates ("5 or 6, any one", "the MIS said
# 5.2 but some people say 6, let me check")
UNDECIDED_WORDS = frozenset(["or", "abi", "any", "one", "either", "anyone", "whichever",
                             "said", "says", "say", "but", "others", "other", "check", "confirm",
                             "sure", "not", "know", "dunno", "between", "somewhere", "perhaps",
                             "mis", "dhs", "mics", "survey", "census", "data", "report",
                             "microplan", "they", "people", "some"])
# a change or a correction said with the numbers: read elsewhere, never as a choice to make
UNDECIDED_NOT = re.compile(r"\b(?:not\s+\d|instead|rather|than|except|per\s+net|bales?|buffer"
                           r"|cap(?:ped)?|threshold|urban|ward|wards|lga|top|bottom|rank\w*"
                           r"|sorry|i\s+mean|meant|wait|actually|correction|make\s+(?:it|that)"
                           r"|change)\b|%")


def _values_undecided(text: str, low: str, ctx: RouterContext,
                      pending: Mapping[str, Any]) -> Decision | None:
    """ "hh 5 or 6, any one" or "the MIS said 5.2 but some people say 6, let me check" to the
    question for the household size (or "400k or 450k" to the one for the nets): more than
    one value for the one value asked, none chosen. Nothing is planned; the question is asked
    again with the values said (a tap, "6" or "the second one" answers it), and the values
    given before stay asked with it."""
    if "?" in low or reads_as_question(text) or pending.get("tool") not in PLAN_TOOLS:
        return None
    missing = [m for m in pending.get("missing") or () if m in ("total_nets", "household_size")]
    if len(missing) != 1 or UNDECIDED_NOT.search(low) or MORE.search(low) or LESS.search(low):
        return None
    key = missing[0]
    # "any one", "either one": no value
    numbers = [n for n in ex.extract_numbers(low) if n.text.strip() != "one"]
    if len(numbers) < 2 or any(n.percent for n in numbers):
        return None
    if key == "household_size":
        fits = [1 <= n.value <= 15 for n in numbers]
        cue = HOUSEHOLD_QUESTION.search(low) or re.search(r"\b(?:house|family|persons?)\b", low)
    else:
        fits = [n.is_whole and n.value >= 1000 for n in numbers]
        cue = NET_CUE.search(low)
    spec = tool_spec("plan_itn").param(key)
    from chatmrpt.chat import router as rt_

    cued, _ = ex.assign_numbers(low, ex.PLAN_CUES, numbers, rt_.PLAN_ACCEPTS)
    if not all(fits) or any(spec.problems(n.number) for n in numbers) or any(
            k not in (key, "_past") for k in cued):
        return None
    values = list(dict.fromkeys(n.number for n in numbers))
    if len(values) < 2 or len(values) > 4:
        return None
    rest = low
    for n in sorted(numbers, key=lambda n: -n.start):
        rest = rest[: n.start] + " " + rest[n.end:]
    words = re.findall(r"[a-z][a-z']*", rest)
    known = all(w in UNDECIDED_WORDS or w in ANSWER_WORDS or w in ANSWER_CHOICE_WORDS
                for w in words)
    if not known and not (cue and len(words) <= 16):
        return None
    said = [f"{int(v):,}" if key == "total_nets" else _fmt(v) for v in values]
    what = "number of nets" if key == "total_nets" else "household size"
    params = dict(pending.get("params") or {})
    read = [f"{int(params['total_nets']):,} nets" if "total_nets" in params else "",
            f"households of {_fmt(params['household_size'])} people"
            if "household_size" in params else ""]
    read_text = _join([x for x in read if x])
    label = (lambda v: f"{int(v):,} nets") if key == "total_nets" else \
        (lambda v: f"Household size {_fmt(v)}")
    choices = [{"label": label(v)} for v in values]
    text_out = (f"So far I read {read_text}. " if read_text else "") + \
        f"You gave more than one value for the {what}, {', '.join(said[:-1])} or {said[-1]}: " \
        "which one should " \
        "I plan with? Nothing is planned until you say."
    kept = {**pending, "alternatives": [{key: v} for v in values], "choices": choices}
    return Decision(text=text_out, pending=kept, choices=choices,
                    reading={"undecided": key})


def _cued_setting(low: str, number: ex.NumberMention) -> bool:
    """The number is tied by its words to a plan setting other than the stock ("seven persons
    per household", "2 people per net")."""
    from chatmrpt.chat import router as rt_

    cued, _ = ex.assign_numbers(low, ex.PLAN_CUES, [number], rt_.PLAN_ACCEPTS)
    return any(k not in ("total_nets", "_past") and v is number for k, v in cued.items())


def _is_stray(number: ex.NumberMention, strays: Sequence[str]) -> bool:
    """The number is one the offer left out ("6" after "I did not use 6")."""
    for said in strays:
        found = ex.extract_numbers(ex.canonical_text(said))
        if len(found) == 1 and abs(found[0].value - number.value) < 1e-6 and \
                found[0].percent == number.percent:
            return True
    return False


# results that replace one another: one of them at a time
ONE_AT_A_TIME = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban", "compute_tpr",
                 "add_covariates")  # fmt: skip
RANKED_TOOLS = ("top_wards", "list_wards", "plan_itn", "what_if_plan")


OTHER_ACTION = re.compile(r"\b(?:save|export|download|send|show|map|plan|list|open|draw|display"
                          r"|explain|compare|describe|analy[sz]\w*)\b")


def _pick_by_method(low: str, choices: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """ "composite" / "no, the pca one" between offered lists or plans that differ only by
    the ranking they use."""
    if len(low.split()) > 5 or len(choices) < 2:
        return None
    method = ex.find_method(low)
    if method is None or any(c.get("tool") not in RANKED_TOOLS for c in choices):
        return None
    hits = [c for c in choices if (c.get("params") or {}).get("method", "composite") == method]
    return hits[0] if len(hits) == 1 else None


ADDED = re.compile(r"\b(?:add|adding|added|include|including|plus|put\s+(?:in|back)|bring\s+in"
                   r"|also|too|as\s+well)\b")


def _modified_choice(text: str, rest: str, choice: Mapping[str, Any],
                     ctx: RouterContext) -> Decision | None:
    """The action offered, with what the answer changes ("yes but household size 6", "no,
    350k", "ok but as excel"), read with that action's own slot reader; every number of the
    answer must find its place, or nothing is taken."""
    from chatmrpt.chat import router as rt_

    steps = [dict(s) for s in choice.get("steps") or
             [{"tool": choice["tool"], "params": choice.get("params") or {}, "echo": ""}]]
    main = steps[-1]
    tool, params = main["tool"], dict(main["params"])
    if reads_as_question(rest) or "?" in rest:
        return None
    if tool in PLAN_TOOLS and re.search(DROP_SETTING, ex.lower_text(rest)):
        return None  # "ok remove the cap": a setting dropped adds none of its values
    msg = rt_.Message.read(rest, ctx)
    if tool in PLAN_TOOLS:
        found = rt_._plan_params(msg, ctx)
        if found.questions:
            return None
        cued, _ = ex.assign_numbers(msg.text, ex.PLAN_CUES, msg.numbers, rt_.PLAN_ACCEPTS)
        change = {k: v for k, v in found.params.items()
                  if k != "total_nets" or "total_nets" in cued}
        placed = [v for v in cued.values()]
        uncued = [n for n in msg.numbers if all(n is not c for c in placed)]
        if len(uncued) == 1 and not change.keys() & {"total_nets", "household_size"}:
            n = uncued[0]
            if not reads_as_number_answer(rest):
                return None  # "2023 was better": a number that is no answer
            if not n.percent and n.is_whole and n.value >= 100:
                offered = params.get("total_nets")
                if n.value < len(ctx.wards or ()) or (
                        isinstance(offered, int | float) and n.value * 100 < offered):
                    return None  # "300" to an offer of 400,000 nets: 300 nets? asked
                change["total_nets"] = n.number
            elif not n.percent and rt_.PLAN_ACCEPTS["household_size"](n) and (
                    "household_size" in params or tool == "plan_itn"):
                change["household_size"] = n.number
            else:
                return None
        elif uncued:
            return None
    else:
        extractor = rt_.EXTRACTORS.get(tool)
        if extractor is None or len(rest.split()) > 5 or OTHER_ACTION.search(rest):
            return None  # "ok, save the map as png" is another request, not this one changed
        found = extractor(msg, ctx)
        change = dict(found.params)
        if found.questions or {round(n.value, 6) for n in msg.numbers} - _param_numbers(change):
            return None
    if tool == "run_analysis" and change.get("variables") and ADDED.search(rest):
        # "ok add meanEVI, keep the directions" to "add meanEVI": the variables put in with
        # those offered, never the list replaced by the one name
        change["variables"] = list(dict.fromkeys([*(params.get("variables") or []),
                                                  *change["variables"]]))
        change.pop("directions", None)
        if change["variables"] == list(params.get("variables") or []) and len(change) == 1:
            return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""),
                                  source=text) for s in steps])  # the offer, restated
    if tool not in PLAN_TOOLS:  # "ok as png then" to "Export the map as PNG": no change
        change = {k: v for k, v in change.items() if params.get(k) != v}
    if not change:
        return None
    spec = tool_spec(tool)
    if any(name not in spec.param_names or spec.param(name).problems(value)
           for name, value in change.items()):
        return None
    new = {**params, **change}
    step = Step(tool, new, source=rest)
    if stray_numbers(step, rest, ctx):
        return None
    step.echo = f"As you said, with {_join([_change_words(k, v) for k, v in change.items()])} " \
                "instead of what I offered."
    earlier = [Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""), source=text)
               for s in steps[:-1]]
    return Decision([*earlier, step])


STRATEGY_LABELS = {"stop": "stopping at the first ward that cannot be fully covered",
                   "continue": "skipping wards that cannot be fully covered",
                   "capped": "a cap per ward", "proportional": "nets shared in proportion to need"}


FILE_WORDS = {"itn_plan": "the net plan", "rankings": "the rankings", "report": "the report",
              "unified": "the full table with scores", "map": "the map",
              "composite": "the vulnerability map", "itn": "the net plan map",
              "category": "the categories map", "urban": "the urban wards map",
              "pca": "the PCA map", "variable": "a variable's map"}  # fmt: skip


def _change_words(name: str, value: Any) -> str:
    """ "350,000 nets", "household size 6", "the composite ranking", "XLSX format"."""
    if name == "total_nets":
        return f"{int(value):,} nets"
    if name == "method":
        return f"the {'PCA' if value == 'pca' else str(value)} ranking"
    if name == "format":
        return f"{str(value).upper()} format"
    if name == "what" and value in FILE_WORDS:
        return FILE_WORDS[value]
    if name == "buffer" and isinstance(value, int | float):
        return f"a {_fmt(round((float(value) - 1) * 100, 6))}% buffer"
    if name == "strategy":
        return STRATEGY_LABELS.get(str(value), f"the {value} allocation")
    if name == "target_share" and isinstance(value, int | float):
        return f"a target of {_fmt(float(value))}% of the population"
    label = PLAN_LABELS.get(name, name.replace("_", " "))
    if isinstance(value, int | float) and not isinstance(value, bool):
        unit = "%" if name in ("urban_threshold", "max_ward_share", "threshold") else ""
        return f"{label} {_fmt(float(value))}{unit}"
    return f"{label} {value}"


# the words around an LGA code given as an answer ("use 20037", "let us take code 20030 instead")
CODE_ANSWER_WORDS = frozenset(["ok", "okay", "use", "try", "take", "let", "us", "let's", "lets",
                               "it's", "its", "it", "is", "the", "code", "lga", "na", "abeg",
                               "please", "pls", "then", "so", "ehn", "oh", "number", "no",
                               "instead", "that", "one", "go", "with", "for", "i", "mean",
                               "meant", "sir", "ma", "o", "make", "am", "we", "do", "of", "in",
                               # the code passed on from someone: "he say na 20030", "my oga
                               # said it is 20030", "she told me 20030"
                               "he", "she", "they", "dem", "say", "says", "said", "tell",
                               "told", "me", "my", "our", "oga", "boss", "supervisor", "e",
                               "be"])


def _lga_code_answer(text: str, low: str, pending: Mapping[str, Any]) -> Decision | None:
    """An LGA code given after "your table has no LGA names; if it holds LGA codes, ask ...":
    the wards asked for, in the LGA with that code ("24006", "use 20037", "code 20043")."""
    params = pending.get("lga_code_for")
    codes = re.findall(r"(?<![\d.,])\d{3,}(?![\d.,]*\d)", low)
    words = re.findall(r"[a-z][a-z']*", low)
    if params is None or len(codes) != 1 or len(words) > 7 or \
            any(w not in CODE_ANSWER_WORDS for w in words):
        return None
    return Decision([Step("list_wards", {**params, "lga_code": codes[0]}, source=text)],
                    reading={"tool": "list_wards"})


def _refused_with_request(text: str, low: str, ctx: RouterContext, state: DialogueState,
                          facts: Facts) -> Decision | None:
    """ "no, show me the top 5 instead" to an offered action: the offer is dropped and the
    request is read on its own (and gated like any other)."""
    from chatmrpt.chat.dialogue import _decide
    pending = state.pending or {}
    if pending.get("expects") not in ("choice", "confirm"):
        return None
    lead = NO_LEAD.match(low)
    if not lead or len(text[lead.end():].split()) < 2:
        return None
    rest = _decide(text[lead.end():], ctx, replace(state, pending=None), facts)
    rest.keep_pending = False
    return rest


def _plan_request_answer(text: str, ctx: RouterContext, facts: Facts,
                         pending: Mapping[str, Any]) -> Decision | None:
    """A plan question answered by a fuller message ("plan it with household size 6", "ok
    we use 5 people per household for the plan"): the values it names fill the question,
    the values asked before stay, and every number must find its place."""
    from chatmrpt.chat.dialogue import _from_route
    if reads_as_question(text) or "?" in text or pending.get("tool") not in PLAN_TOOLS:
        return None
    low = ex.lower_text(text)
    if MORE.search(low) or LESS.search(low) or re.search(r"\b(?:half|halve|double|triple|twice)\b",
                                                          low):
        return None  # "20% more nets" changes a stock, it gives none
    missing = set(pending.get("missing") or ())
    pctx = replace(ctx, last_tool=pending["tool"], last_params=pending.get("params") or {},
                   last_missing=tuple(pending.get("missing") or ()))  # fmt: skip
    r = route(text, pctx)
    if r.intent != "answer" or r.tool not in PLAN_TOOLS:
        return None
    # each value taken is named as what it is ("household size 6", "250k nets"): a bare
    # number of another request ("top 5 in Likwa") answers nothing
    from chatmrpt.chat import router as rt_

    msg = rt_.Message.read(text, pctx)
    cued, _ = ex.assign_numbers(msg.text, ex.PLAN_CUES, msg.numbers, rt_.PLAN_ACCEPTS)
    if not missing & set(cued) or any(r.params.get(k) != v.number for k, v in cued.items()
                                      if k in missing):
        return None
    if stray_numbers(Step(r.tool, dict(r.params), source=text), text, ctx):
        return None
    return _from_route(r, text, ctx, facts)


HOUSEHOLD_QUESTION = re.compile(r"\bhouse\s*hold\w*|\bhh\b|\bpeople\s+(?:per|in\s+a|in\s+each)"
                                r"\s+(?:house|home|family)\b")


def _question_about_pending(text: str, low: str, pending: Mapping[str, Any]) -> Decision | None:
    """A question about the value the pending question asks for ("I don't know the household
    size, what do people normally use?"): answered, and the question stays pending. The value
    is never picked for the user."""
    if pending.get("expects") != "plan_numbers" or not ("?" in low or reads_as_question(text)):
        return None
    asks_household = "household_size" in (pending.get("missing") or ()) or \
        pending.get("setting") == "household_size"
    usual = re.search(r"\b(?:normal(?:ly)?|usual(?:ly)?|typical(?:ly)?|recommend\w*|suggest\w*|most"
                      r"|standard|common(?:ly)?|advi[sc]e)\b", low) and len(low.split()) <= 12
    if usual and not HOUSEHOLD_QUESTION.search(low) and (
            OTHER_REQUEST.search(low) or re.search(r"\bcodes?\b", low)):
        usual = None  # "which LGA code has the most High wards?": about the results
    if not asks_household or not (HOUSEHOLD_QUESTION.search(low) or usual) or \
            ex.extract_numbers(low) or re.search(r"\bmean\w*\b|\bwhat\s+is\s+an?\b|\bplan\b"
                                                 r"|\blast\b|\bcurrent\b|\bused\b", low):
        return None
    return Decision(text="The household size is the average number of people living in one "
                         "household in the area. It comes from a survey or census: the DHS or "
                         "MICS report for your state, or the campaign's microplan; national "
                         "surveys put it close to 5 people. I do not choose it for you: which "
                         "household size should I use? Say for example \"use 5\".",
                    keep_pending=True, reading={"about_pending": True})


def _earlier_answer(text: str, low: str, guess: intents.IntentGuess, ctx: RouterContext,
                    state: DialogueState, facts: Facts,
                    earlier: Mapping[str, Any]) -> Decision | None:
    """The answer to the question asked before the one pending now: by its content only (a
    number for a plan question, a name, an offered label), never by a bare yes or a number
    of a list, which belong to the latest question."""
    if earlier.get("expects") in ("choice", "confirm"):
        chosen = _pick_choice(low, earlier.get("choices") or [])
        if chosen is None or chosen.get("cancel") or TAKE_ORDINAL.match(low):
            return None
        return _chosen_decision(chosen, text)
    if CANCEL.match(low) or CONFIRM.match(low):
        return None
    return _answer_pending(text, low, guess, ctx, state, facts, earlier)


def _trimmed(pending: Mapping[str, Any], depth: int = 2) -> dict[str, Any]:
    out = dict(pending)
    earlier = out.pop("previous", None)
    if earlier and depth > 1:
        out["previous"] = _trimmed(earlier, depth - 1)
    return out


def _names_ward_list(low: str) -> bool:
    """ "Top 10 wards by PCA" (a list, as a one-tap choice names it), not the plan's ranking."""
    from chatmrpt.chat.tool_slots import PLAN_WORDS
    return bool(re.search(r"\b(?:top|bottom|first|last|list)\s+(?:\d+\s+)?wards?\b"
                          r"|\bwards\s+by\b|\b(?:list|show|give|name|tell)\s+(?:me\s+|us\s+)?"
                          r"(?:the\s+)?(?:top|bottom)\s+\d+\b|\b(?:top|bottom)\s+\d+\s+(?:by|on|using)\b",
                          low)) and not PLAN_WORDS.search(
        low.replace("wards", ""))


CHANGES = ("plan_itn", "reprioritize_urban", "run_analysis", "compute_tpr")


def _superseded_offer(earlier: Mapping[str, Any], decision: Decision) -> bool:
    """An earlier offer of a change ("Re-plan with 1,200,000 nets", offered for a what-if)
    once a change of that kind is made ("ok make it 450k"): the offer is not the plan, and
    is no longer pending ("hh size 6" next changes the plan made, not the offer)."""
    if earlier.get("expects") not in ("choice", "confirm"):
        return False
    made = {GATE_FAMILY.get(s.tool) for s in decision.steps} & set(CHANGES)
    offered = {GATE_FAMILY.get(str(st.get("tool")))
               for c in earlier.get("choices") or () if not c.get("cancel")
               for st in (c.get("steps") or [c])}
    return bool(made & offered)


def _with_earlier_question(decision: Decision, state: DialogueState) -> Decision:
    """A question asked while another is pending keeps the earlier one behind it: a one-tap
    choice about something else must not lose the household size the user was asked for.
    When the question now pending is answered, the earlier one is pending again; a cancel
    drops both; a new question about the same request replaces the old one."""
    old = state.pending
    if not old or decision.keep_pending:
        return decision
    reading = decision.reading
    if decision.pending is None:
        earlier = old.get("previous")
        refused_offer = old.get("expects") in ("choice", "confirm")
        if earlier and reading.get("answered") and not reading.get("answered_earlier") and (
                not reading.get("cancelled") or refused_offer) and \
                not _superseded_offer(earlier, decision):
            decision.pending = dict(earlier)
        return decision
    if decision.pending is old or "previous" in decision.pending:
        return decision
    new = decision.pending
    if not reading.get("answered") and new.get("expects") == "plan_numbers" and \
            not new.get("params") and not new.get("missing") and not new.get("setting") and \
            old.get("expects") == "plan_numbers" and old.get("tool") in PLAN_TOOLS:
        # "what should change in the plan?" tells less than the plan question pending
        decision.pending, decision.keep_pending = None, True
        return decision
    same = reading.get("answered") and not reading.get("answered_earlier") or (
        GATE_FAMILY.get(str(decision.pending.get("tool"))) is not None
        and GATE_FAMILY.get(str(decision.pending.get("tool")))
        == GATE_FAMILY.get(str(old.get("tool"))))
    behind = old.get("previous") if same else _trimmed(old)
    if behind:
        decision.pending = {**decision.pending, "previous": behind}
    return decision


# "...: 450k or 500k. use the second one": the values offered, then the one picked, in one
# message (the pick is the last sentence)
# a sentence that asks ("would 420k be enough", "is 6 too high"): never the go-ahead
ASKS_START = re.compile(r"^\s*(?:who|what|which|when|where|why|how|is|are|was|were|can|could|do"
                        r"|does|did|will|would|should|shall|wetin|abi)\b")
PICK_TAIL = re.compile(r"[.;!]\s*([^.;!?]+?)\s*[.!]*\s*$")


def carried_plan_values(decision: Decision, text: str, ctx: RouterContext, facts: Facts,
                        pending: Mapping[str, Any] | None) -> Decision:
    """A new plan request said while the plan question is pending ("neither. the state just
    confirmed 420k", "same hh we always use na", "nets = 600k") keeps the values already
    given for that question (the household size said before): the new values take their
    place, the others stay. The plan is made when nothing is then missing; a question, or a
    request with values for nothing (a date, a count of wards), only asks again, with the
    values already given kept."""
    new = decision.pending
    if decision.steps or not pending or not new or pending.get("expects") != "plan_numbers" or \
            new.get("expects") != "plan_numbers" or pending.get("tool") != "plan_itn" or \
            new.get("tool") != "plan_itn" or pending.get("setting") or new.get("setting") or \
            decision.reading.get("answered"):
        return decision
    old = {k: v for k, v in (pending.get("params") or {}).items()
           if k not in (new.get("params") or {})}
    if not old:
        return decision
    from chatmrpt.chat import router as rt_
    from chatmrpt.chat.dialogue import _from_route

    params = {**old, **(new.get("params") or {})}
    pctx = replace(ctx, last_tool="plan_itn", last_params=params, last_missing=())
    r = rt_._finish("plan_itn", params, rt_.Extraction(), pctx, "answer", 0.9)
    asked = "?" in text or reads_as_question(text) or any(
        ASKS_START.match(p) for p in re.split(r"[.;!,]\s*", ex.lower_text(text)))
    if r.ready and asked:
        return decision  # a question with the missing value is not the go-ahead
    merged = _from_route(r, text, ctx, facts)
    tail = PICK_TAIL.search(ex.lower_text(text))
    if merged.pending is not None and tail and not asked and ORDINAL_WORD.match(tail.group(1)):
        offered = merged.pending.get("alternatives") or \
            _values_offered(text[:tail.start()], list(merged.pending.get("missing") or ()))
        picked = _alternative_picked(tail.group(1), tail.group(1),
                                     {**merged.pending, "alternatives": offered})
        if picked is not None:  # the values offered and the one taken, both said
            merged = picked
            merged.reading["answered"] = "plan_numbers"
    merged.reading = {**decision.reading, **merged.reading, "carried": sorted(old)}
    return merged


def _values_offered(head: str, missing: list[str]) -> list[dict[str, Any]]:
    """The values offered for the one value missing, said as alternatives ("450k or 500k")
    in the part of the message before the pick; [] unless exactly one such list is said and
    no other value of that kind."""
    from chatmrpt.chat.dialogue import ALTERNATIVE_OR

    if len(missing) != 1 or missing[0] not in ("total_nets", "household_size"):
        return []
    key = missing[0]
    low = ex.canonical_text(head)

    def fits(n: Any) -> bool:
        if n.percent:
            return False
        return n.is_whole and n.value >= 1000 if key == "total_nets" else 1 <= n.value <= 15

    numbers = [n for n in ex.extract_numbers(low) if fits(n)]
    if len(numbers) < 2 or any(not ALTERNATIVE_OR.fullmatch(low[a.end:b.start])
                               for a, b in zip(numbers, numbers[1:], strict=False)):
        return []
    values = [n.number for n in numbers]
    if len(set(values)) != len(values):
        return []
    return [{key: v} for v in values]


def picked_of_values_said(decision: Decision, text: str, ctx: RouterContext) -> Decision:
    """ "two options from the director now: 450k or 500k. use the second one" once a plan is
    made: the values offered and the one taken, both said, change the plan to that value.
    Left as read when nothing picks one, or when the message asks."""
    plan = ctx.last_plan
    if decision.steps or not plan or "total_nets" not in plan:
        return decision
    low = ex.lower_text(text)
    tail = PICK_TAIL.search(low)
    if tail is None or not ORDINAL_WORD.match(tail.group(1)) or "?" in low or \
            ASKS_START.match(low):
        return decision
    found = [(key, values) for key in ("total_nets", "household_size")
             if (values := _values_offered(text[:tail.start()], [key]))]
    if len(found) != 1:
        return decision
    key, values = found[0]
    word = ORDINAL_WORD.match(tail.group(1)).group(1)
    index = len(values) - 1 if word == "last" else ORDINAL_WORD_INDEX[word]
    if index >= len(values):
        return decision
    value = values[index][key]
    said = f"{int(value):,} nets" if key == "total_nets" else f"household size {_fmt(value)}"
    return Decision([Step("what_if_plan", {key: value},
                          echo=f"With {said}, as you chose, everything else as before.",
                          source=text)],
                    reading={**decision.reading, "picked_of_said": key,
                             "answered": "plan_numbers"})
