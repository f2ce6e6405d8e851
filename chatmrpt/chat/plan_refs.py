"""An earlier net plan named by what it held or by when it was made: "switch again to the
450k one with the bales", "the same as Monday's plan but household size 6", "use the plan
with the buffer".

A plan named by its values is brought back when exactly one earlier plan of the conversation
(the dialogue state's ``plans``) holds them. While the conversation has earlier plans, a plan
named by a day, a plan named by values no earlier plan (or several) holds, and such a plan
with a change on top ("... but household size 6") are asked about, with the earlier plans as one-tap choices: the current plan is
never taken for the one meant, which would change the wrong plan and show it as done.

Everything here is a pure function of the message and the stored state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import plan_ops
from chatmrpt.chat.describe import describe_choice
from chatmrpt.chat.state import Decision, DialogueState, Step

_NOUN = r"(?:plan|one|version|allocation|figures|numbers)"
_WHEN = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last\s+week"
         r"|last\s+month|this\s+morning|earlier\s+today|the\s+other\s+day|last\s+meeting)")
# a plan named by its day: "monday's plan", "the plan from yesterday", "yesterday's one"
BY_DAY = re.compile(r"\b" + _WHEN + r"(?:'?s)?\s+" + _NOUN + r"\b|\b(?:plan|one|version)\s+"
                    r"(?:from|of|we\s+(?:made|did|had)|made)\s+(?:on\s+)?" + _WHEN + r"\b")
# a plan named by its values: "the 450k one", "the one with the bales", "the 450k plan with
# the 10% buffer"
BY_VALUES = re.compile(r"\bthe\s+(?P<num>\d[\d.,]*\s*(?:k|m|million|thousand)?\s+)?(?:nets?\s+)?"
                       r"(?P<noun>one|plan|version)(?P<with>\s+with(?:\s+the)?\s+[a-z0-9 %.]+)?")
# the message asks for that plan (again), or for one like it
REUSE = re.compile(r"\b(?:switch|go(?:ing)?\s+back|back\s+to|return\s+to|restore|bring\s+back"
                   r"|use|reuse|same\s+as|like|redo|re-?plan|again|put\s+back|take)\b")
# "undo that", "the previous one", "revert": a step back, to the plan just before the current
STEP_BACK = re.compile(r"\bundo\b|\brevert\b|\bprevious\b|\bthe\s+one\s+before\b"
                       r"|\btake\s+(?:that|it|this)\s+back\b|\bbefore\s+(?:that|this|the)\s+change\b")
_CHANGE_AFTER = re.compile(r"\bbut\b|\bexcept\b|\bwith\s+(?:household|hh|people\s+per|\d)")
_FEATURES = {
    "bale_size": re.compile(r"\bbales?\b"),
    "buffer": re.compile(r"\bbuffer\b|\bwastage\b"),
    "max_ward_share": re.compile(r"\bcap(?:ped)?\b"),
}

# "the 600k one without bales", "the one with no buffer": a setting the plan meant does not have
_ABSENT = {
    "bale_size": re.compile(r"\b(?:without|no|minus)\s+(?:the\s+|any\s+)?bal(?:e|es|ing)\b"),
    "buffer": re.compile(r"\b(?:without|no|minus)\s+(?:the\s+|any\s+)?(?:buffer|wastage)\b"),
    "max_ward_share": re.compile(r"\b(?:without|no|minus)\s+(?:the\s+|any\s+)?cap\b|\buncapped\b"),
}


def _without(params: Mapping[str, Any], absent: list[str]) -> bool:
    return all(params.get(key) in (None, 1, 1.0, 0) for key in absent)


def _earlier(history: Mapping[str, Any] | None) -> list[tuple[int, dict[str, Any]]]:
    h = plan_ops._history(history)
    return [(i, p) for i, p in enumerate(h["params"])
            if i != h["at"] and p.get("total_nets") and p.get("household_size")]


def _matches(params: Mapping[str, Any], numbers: list[ex.NumberMention], features: list[str],
             method: str | None) -> bool:
    for m in numbers:
        n = float(m.value)
        # "the 300k one with 2%": a percentage is the plan's cap, threshold or buffer
        keys = ("urban_threshold", "max_ward_share") if m.percent else \
            ("total_nets", "household_size", "urban_threshold", "bale_size", "max_ward_share")
        held = [float(params.get(k) or 0) for k in keys]
        if m.percent and params.get("buffer") not in (None, 1, 1.0):
            held.append(round((float(params["buffer"]) - 1) * 100, 6))
        if not any(abs(h - n) < 1e-9 for h in held):
            return False
    for key in features:
        value = params.get(key)
        if value in (None, 1, 1.0, 0):
            return False
    return method is None or (params.get("method") or "composite") == method


def _choices(earlier: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The latest earlier plans (at most four) as one-tap choices, labelled like every other
    plan choice ("Plan 450,000 nets, household size 5, bale size 50"): the label sent back
    as a message plans that plan again. Settings at their default are left out of both the
    label and the step (the plan made is the same); plans that read the same are offered
    once."""
    out: list[dict[str, Any]] = []
    for _, p in earlier[::-1]:
        params = {k: v for k, v in plan_ops.restore_params(p).items()
                  if k not in plan_ops.DEFAULTS or v != plan_ops.DEFAULTS[k]}
        label = describe_choice("plan_itn", params)
        if label and all(c["label"] != label for c in out):
            out.append({"label": label, "tool": "plan_itn", "params": params})
        if len(out) == 4:
            break
    return out


def earlier_plan(text: str, state: DialogueState) -> Decision | None:
    """The decision for a message that names an earlier plan by its day or its values; None
    when it names none."""
    low = ex.lower_text(text)
    by_day = BY_DAY.search(low)
    by_values = None if by_day else BY_VALUES.search(low)
    if by_values is not None and not (by_values.group("num") or by_values.group("with")):
        by_values = None
    if by_day is None and by_values is None:
        return None
    alone = by_values is not None and len(
        re.sub(r"\b(?:ok(?:ay)?|please|pls|abeg|now|then|so|and|yes)\b|[^a-z0-9 ]", " ",
               low[:by_values.start()] + low[by_values.end():]).split()) == 0
    if not REUSE.search(low) and not alone:
        return None
    said = "" if by_values is None else (by_values.group("num") or "") + (
        by_values.group("with") or "")
    numbers = list(ex.extract_numbers(said))
    if by_values is not None and by_values.group("noun") == "plan" and \
            not by_values.group("num"):
        numbers = []  # "redo the plan with 600k nets": the new amount, not an earlier plan
    # "the first capped plan, the 300k one": a feature named before the values narrows too
    named = said if by_values is None else said + " " + low[:by_values.start()]
    features = [k for k, rx in _FEATURES.items() if rx.search(named)]
    method = ex.find_method(said)
    absent = [k for k, rx in _ABSENT.items() if rx.search(low)]
    features = [k for k in features if k not in absent]
    if by_day is None and not (numbers or features or method):
        return None  # "the plan with the most nets": no plan named by its values
    earlier = _earlier(state.plans)
    if not earlier:
        # "redo yesterday's plan with that", "use the one with the bales" with one plan in
        # the conversation: that plan, changed
        return None
    asks = by_day is not None or bool(_CHANGE_AFTER.search(low[(by_day or by_values).end():]))
    if not asks:
        found = [(i, p) for i, p in earlier if _matches(p, numbers, features, method)
                 and _without(p, absent)]
        at = plan_ops._history(state.plans)["at"]
        if len(found) > 1 and STEP_BACK.search(low) and any(i == at - 1 for i, _ in found):
            # "undo that, go back to the 400k one" with two 400k plans: the step back names
            # the one just before the current plan, and it holds the values said
            found = [(i, p) for i, p in found if i == at - 1]
        if len(found) == 1:
            index, params = found[0]
            current = plan_ops._history(state.plans)
            diff = plan_ops.changes_text(current["params"][current["at"]], params)
            echo = f"Back to the earlier plan: {plan_ops.plan_words(params)}" + (
                f" ({diff})." if diff else ".")
            return Decision([Step("plan_itn", plan_ops.restore_params(params), echo=echo,
                                  source=text)],
                            reading={"relative": "undo", "plan_restore": index})
    choices = _choices(earlier)
    what = "Which earlier plan do you mean?" if not asks or by_day is None else \
        "I do not know which plan was made on which day. Which earlier plan do you mean?"
    if asks and _CHANGE_AFTER.search(low):
        what += " Tap it, then tell me the change."
    return Decision(text=what, choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={"relative": "plan_ref", "ask": True})
