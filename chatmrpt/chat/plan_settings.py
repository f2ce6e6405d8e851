"""Plan settings named with their value, and changes of the plan's size said in few words.

- One setting of the current plan given a value, in any word order or register ("make am 5
  per house", "back to hh 6", "back to 1.8 per net", "go back to the 75 threshold", "urban
  threshold make am 50", "what if 2 people per net"), or set back to its default ("go back 2
  d default urban threshold", "rerun it at the default threshold"): everything else kept.
- The number of nets halved, doubled or changed by an amount ("half of that", "cut am by
  half", "double the original", "add 50,000"): of the current plan, or of the first plan of
  the conversation when the message says "original" or "first".
- A request put off in the same message ("... not yet, he is still deciding"): nothing is
  done; the change is kept as a one-tap choice for when it is decided.

A number named as one setting never changes another one (the total stays unless the number
is the total). Questions, reported speech about results and other topics are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import plan_ops
from chatmrpt.chat.guards import (
    ORDERED,
    describe_step,
    hypothetical_question,
    reads_as_question,
    total_far_below_plan,
)
from chatmrpt.chat.reading import NET_CUE
from chatmrpt.chat.state import Decision, DialogueState, Step, leave_it, steps_choice
from chatmrpt.chat.tools import tool_spec

# --- one setting given a value -------------------------------------------------------------

_LEAD = (r"^\s*(?:(?:ok(?:ay)?|oya|abeg|pls|please|so|then|and|now|no|nope|hmm+|ehn|well|alright"
         r"|actually|sorry)[\s,.!]+)*")
# the message asks for a change (or proposes one: "what if 2 per net", said without "?")
CHANGE_SHAPE = re.compile(
    _LEAD + r"(?:(?:go\s+|come\s+|switch\s+|change\s+(?:it\s+|am\s+)?|put\s+(?:it\s+|am\s+)?"
    r"|set\s+(?:it\s+|am\s+)?)?back\b|return\b|revert\b|reset\b|make\b|set\b|change\b|use\b"
    r"|put\b|switch\b|try\b|(?:re)?run\b|re-run\b|redo\b|re-?plan\b|plan\b|(?:wat|what|wetin)\s+if"
    r"\b|same\s+(?:but|with|plan)\b|now\b|instead\b|let'?s\b|let\s+us\b|do\b|adjust\b"
    r"|update\b|move\b|bring\b)"
    r"|\b(?:make|set|change|put|turn)\s+(?:it|am|that|dem|them)\b|\bback\s+(?:to|2)\b"
    r"|\b(?:instead|then)\s*[.!]*\s*$"
    r"|^\s*\d+(?:\.\d+)?\s+people\s+per\s+net\s*[.!]*\s*$"
    # "the threshold should be 60", "cutoff at 60%": a setting and its value, nothing else
    r"|\b(?:should|must|needs?\s+to)\s+be\b"
    r"|^\s*(?:the\s+)?(?:urban\s+)?(?:threshold|cut[\s-]?off)\s*(?:at|to|of|=|:)?\s*\d+(?:\.\d+)?"
    r"\s*(?:%|percent)?(?:\s+(?:please|pls|abeg))?\s*[.!]*\s*$")
OTHER_TOPIC = re.compile(r"\b(?:maps?|charts?|plots?|export|download|save|csv|excel|xlsx|png|html"
                         r"|report|wards?|lgas?|analys\w*|variables?|reprioriti\w*|deprioriti\w*"
                         r"|rank(?:ing|ed)?\s+(?:the\s+)?wards|top|bottom|list|show)\b")
# cues of a setting next to its number, beyond those plan_ops reads
_THRESHOLD_AFTER = re.compile(r"^\s*%?\s*(?:percent\s+)?(?:urban\s+)?(?:threshold|cut[\s-]?off)\b")
_THRESHOLD_BEFORE = re.compile(r"\b(?:urban\s+)?(?:threshold|cut[\s-]?off)\s*(?:make\s+(?:it|am)"
                               r"|(?:should|must|needs?\s+to)\s+be|set\s+(?:it|am)\s+(?:to|at)|go\s+to|put\s+(?:it|am)"
                               r"\s+(?:to|at)|now|back\s+to)?\s*(?:to|at|=|:|be|of)?\s*$"
                               # "redo plan urban 50": the urban share the plan serves last
                               r"|\burban\s*(?:at|to|=|:|of)?\s*$")
_HH_AFTER = re.compile(r"^\s*(?:people\s+|persons?\s+|pple\s+)?(?:per|a|each|in\s+(?:a|each|every)"
                       r"|/)\s*(?:house\s*holds?|hh|house|home|family|compound)\b")
_HH_BEFORE = re.compile(r"\b(?:house\s*holds?(?:\s+size)?|hh(?:\s+size|\s+sz)?|family\s+size"
                        r"|household\s+of)\s*(?:make\s+(?:it|am)|should\s+be|back\s+to)?"
                        r"\s*(?:of|to|=|is|at|:|as|be)?\s*$")
_PPN_AFTER = re.compile(r"^\s*(?:people\s+|persons?\s+|pple\s+)?(?:per|a|each|to\s+a|for\s+each|/)"
                        r"\s*net\b")
_PPN_BEFORE = re.compile(r"\bpeople\s+per\s+net\s*(?:make\s+(?:it|am)|should\s+be|back\s+to)?"
                         r"\s*(?:of|to|=|at|:|as|be)?\s*$")


def _said_values(low: str) -> dict[str, Any] | None:
    """Each number of the message read as one plan setting by the words next to it, or None
    when a number has no setting or more than one."""
    out: dict[str, Any] = {}
    for n in ex.extract_numbers(low):
        head, tail = low[max(0, n.start - 40): n.start], low[n.end: n.end + 40]
        v = n.value
        hits = set()
        if not n.percent and (_HH_AFTER.match(tail) or _HH_BEFORE.search(head)) and 1 <= v <= 30:
            hits.add(("household_size", n.number))
        if (_THRESHOLD_AFTER.match(tail) or _THRESHOLD_BEFORE.search(head)) and 0 <= v <= 100:
            hits.add(("urban_threshold", n.number))
        if not n.percent and (_PPN_AFTER.match(tail) or _PPN_BEFORE.search(head)) and \
                0 < v <= 10:
            hits.add(("people_per_net", n.number))
        if len(hits) != 1:
            return None
        key, value = hits.pop()
        if key in out:
            return None
        out[key] = value
    return out or None


# "the default", "the usual", "the WHO figure", "the recommended value": a setting's default
DEFAULT_WORD = re.compile(r"\b(?:default|normal|standard|usual|original|recommended|recommendation"
                          r"|guideline)\b|\bwho(?:'s)?\s+(?:figure|value|number|default|standard"
                          r"|norm|ratio|rate|recommend\w*|guid\w*|one)\b")
DEFAULT_SETTINGS = (
    ("urban_threshold", re.compile(r"\burban\b|\bthreshold\b|\bcut[\s-]?off\b"), 75),
    ("people_per_net", re.compile(r"\bpeople\s+per\s+net\b|\bper\s+net\b"), 1.8),
    ("bale_size", re.compile(r"\bbales?\b"), 1),
    ("buffer", re.compile(r"\bbuffer\b|\bwastage\b"), 1),
)


def _default_named(low: str) -> dict[str, Any] | None:
    """ "back to the default threshold", "rerun it at the default urban threshold": the one
    setting named, at its default."""
    if not DEFAULT_WORD.search(low) or [n for n in ex.extract_numbers(low)
                                         if n.text.strip() not in ("one", "a", "an")]:
        return None
    named = [(k, v) for k, rx, v in DEFAULT_SETTINGS if rx.search(low)]
    if len(named) != 1:
        return None
    key, value = named[0]
    return {key: value}


# "leave the threshold to you", "leave people per net up to you": the choice handed over
LEFT_TO_YOU = re.compile(r"\bleave\s+(?:the\s+)?(?=(?:\w+\s+){0,3}?(?:to|up\s+to)\s+(?:you|u)\b)")
KEPT = re.compile(r"\b(?:keep\w*|leave|stay\w*|same)\b(?:\s+[a-z]+){0,3}\s*$")


# settings no number of the message is read for: a message joining one of them to a value
# ("back to the normal rule but keep 2 per net") is read by the other readings
OTHER_SETTING = re.compile(r"\b(?:rule|strategy|method|ranking|rank|pca|composite|bales?|buffer"
                           r"|wastage|cap|capped|share|default|normal|usual|standard|original"
                           r"|nets?|plan|continue|proportional\w*|skip\w*)\b")


def _changed_values(low: str, values: Mapping[str, Any],
                    last_plan: Mapping[str, Any]) -> dict[str, Any] | None:
    """ "threshold 50 and keep 5 per house", "keep 5 and use 2 people per net": the values
    the message changes. Every value said to be kept must be the value the plan has (a
    kept value that differs is no keeping); None when a kept value differs, when nothing is
    left to change, or when another setting is joined to the values."""
    if not re.search(r"\bkeep\w*\b|\bleave\b|\bsame\b|\bstays?\b|\band\b|\bbut\b", low):
        return dict(values)
    if OTHER_SETTING.search(low):
        return None
    out = dict(values)
    for n in ex.extract_numbers(low):
        if not KEPT.search(low[max(0, n.start - 30): n.start]):
            continue
        keys = [k for k, v in values.items() if abs(float(v) - n.value) < 1e-9]
        if len(keys) != 1 or abs(float(last_plan.get(keys[0]) or 0) - n.value) > 1e-9:
            return None
        out.pop(keys[0], None)
    return out or None


def setting_said(text: str, last_plan: Mapping[str, Any] | None, last_tool: str | None,
                 repri_done: bool = False) -> Decision | None:
    """One setting of the current plan given a value (or its default), everything else as
    before; None when the message is not that."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.canonical_text(text)
    if "?" in low or reads_as_question(text) or hypothetical_question(text):
        return None
    if OTHER_TOPIC.search(low) or re.search(r"\b(?:not|don'?t|never|no\s+need)\b", low):
        return None
    if re.search(r"\bexcept\b|\bapart\s+from\b", low):
        return None  # "everything back except 2 per net": read by the other readings
    if len(low.split()) > 14 or not CHANGE_SHAPE.search(low):
        return None
    if DEFAULT_WORD.search(low):
        # "leave the threshold to you, whatever the standard one is": the default is chosen,
        # nothing is kept
        low = LEFT_TO_YOU.sub(" set the ", low)
    values = _said_values(low)
    if values is None and not re.search(r"\bkeep\w*\b|\band\b", low):
        values = _default_named(low)
    values = _changed_values(low, values, last_plan) if values else None
    if not values:
        return None
    # a threshold is also one of reprioritisation and of the urban map: after either, the
    # plan must be named; a map keeps no threshold, so with no reprioritisation made "put
    # the threshold back to the default" can only mean the plan's, when it is not the default
    restores = bool(re.search(r"\b(?:back|default|usual|original|normal|standard|reset)\b", low))
    map_only = last_tool == "show_map" and not repri_done and restores and \
        float(last_plan.get("urban_threshold", 75)) != float(values["urban_threshold"]) \
        if "urban_threshold" in values else False
    if "urban_threshold" in values and (repri_done or last_tool in (
            "show_map", "reprioritize_urban")) and not re.search(r"\b(?:re-?)?plan\b|\bnets?\b", low) \
            and not map_only:
        return None
    after = {**last_plan, **values}
    diff = plan_ops.changes_text(last_plan, after)
    if not diff:
        key = next(iter(values))
        return Decision(text=f"The current plan already uses {plan_ops.LABELS[key]} "
                             f"{plan_ops._value_text(key, values[key])}: nothing to change.",
                        reading={"relative": "plan_op"})
    return Decision([Step("what_if_plan", dict(values),
                          echo=f"Re-planning with {diff}, everything else as before.",
                          source=text)], reading={"relative": "plan_setting"})


# "ok make it 5.5 then" while the plan is talked about: a value no word ties to a setting,
# taken by the one setting it can be (household size 2-15; people per net 1-3; urban
# threshold a whole 10-100; nets 1,000 or more); asked when it can be more than one
BARE_VALUE = re.compile(_LEAD + r"(?:(?:make|set|change|put|try|use)\s+(?:it|am|that|dem|them)\s+"
                        r"(?:to\s+|at\s+)?|(?:go\s+|(?:put|set|bring|change|turn)\s+(?:(?:it|am)\s+)?)?back\s+"
                        # "put back 75", "set back the 1.8": back to that value
                        r"(?:to\s+)?(?:the\s+|d\s+)?|revert\s+(?:back\s+)?to\s+|return\s+to\s+)(?P<num>\d[\d.,]*\s*(?:k|m)?"
                        # "make it sixty-five percent instead": a number in words, a percentage
                        r"|(?:[a-z]+[\s-]){0,3}?[a-z]+(?=\s*(?:%|percent|per\s*cent)?(?:\s+(?:then"
                        r"|instead|pls|please|abeg|now))*[\s.!]*$)|\d[\d.]*)"
                        r"(?:\s*(?:%|percent|per\s*cent))?"
                        r"(?:\s+(?:then|instead|pls|please|abeg|now))*[\s.!]*$")
# "what if we use 5 instead? don't run it": a value said in place of one the plan has
INSTEAD_VALUE = re.compile(r"\b(?:use|using|used|try|trying|tried|go\s+with|went\s+with)\s+"
                           r"(?P<num>\d[\d.,]*\s*(?:k|m)?)\s+(?:instead|rather)\b(?!\s+of\b)")
PLAUSIBLE = (
    ("household_size", lambda v: 2 <= v <= 15),
    ("people_per_net", lambda v: 1 <= v <= 3),
    ("urban_threshold", lambda v: 10 <= v <= 100 and float(v).is_integer()),
    ("total_nets", lambda v: v >= 1000 and float(v).is_integer()),
)


def _fmt_pct(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _percent_change_before(history: Mapping[str, Any] | None,
                           last_plan: Mapping[str, Any]) -> tuple[float, int] | None:
    """(percentage, the stock before) when the current plan differs from the one before it
    only by its stock, changed by a whole percentage ("increase it by 20%"); else None."""
    h = plan_ops._history(history)
    if not h["ids"] or h["at"] < 1 or h["at"] >= len(h["params"]):
        return None
    before, now = h["params"][h["at"] - 1], h["params"][h["at"]]
    total, old = now.get("total_nets"), before.get("total_nets")
    if not isinstance(total, int | float) or not isinstance(old, int | float) or not old or \
            float(total) != float(last_plan.get("total_nets") or 0):
        return None
    if any(before.get(k) != now.get(k) for k in set(before) | set(now) if k != "total_nets"):
        return None
    pct = (float(total) / float(old) - 1) * 100
    if abs(pct - round(pct)) > 1e-6 or not 1 <= abs(round(pct)) <= 100:
        return None
    return float(round(pct)), int(old)


def bare_value(text: str, last_plan: Mapping[str, Any] | None, last_tool: str | None,
               last_params: Mapping[str, Any] | None,
               history: Mapping[str, Any] | None = None) -> Decision | None:
    """ "make it 5.5 then" right after the plan was made or asked about: the one setting the
    value can be, or a question with the settings it can be as one-tap choices."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    about = str((last_params or {}).get("about", ""))
    if last_tool not in ("plan_itn", "what_if_plan") and not (
            last_tool == "ask_results" and (about.startswith("plan") or not about)):
        return None
    low = ex.canonical_text(text)
    m = BARE_VALUE.match(low) or INSTEAD_VALUE.search(low)
    numbers = ex.extract_numbers(low)
    if m is None or len(numbers) != 1:
        return None
    pct = re.compile(r"%|\bper\s*cent\b|\bpercent\b")
    left = pct.sub(" ", m.group("num")).replace(
        pct.sub(" ", numbers[0].text.lower()).strip(), " ", 1)
    if left.strip():
        return None  # "make it the top ten": words beside the number that are no number
    v = numbers[0].value
    fits = [k for k, ok in PLAUSIBLE if ok(v)]
    if numbers[0].percent:
        # "make it 65% instead" right after the urban threshold was changed: that threshold;
        # a percentage after any other change may be a buffer, a cap or a change of the stock
        if "urban_threshold" not in (last_params or {}) or "urban_threshold" not in fits:
            return None
        fits = ["urban_threshold"]
    if float(last_plan.get("bale_size") or 1) > 1 and v.is_integer() and 10 <= v <= 200:
        # the plan counts nets in bales: "make it 100" may be those; bales hold tens of nets,
        # so "change it to 350" is not a bale (asked elsewhere as 350,000 nets)
        fits.append("bale_size")
    if float(last_plan.get("buffer") or 1) > 1 and 0 < v <= 50:
        return None  # "make it 15" may be the buffer's percentage: asked elsewhere
    value = numbers[0].number
    # "make it 6" after "increase it by 20%" and a question: 6 may be the percentage again
    changed = None if numbers[0].percent or not v.is_integer() or not 1 <= v <= 100 or not (
        last_tool == "ask_results" or last_tool == "what_if_plan"
        and set(last_params or {}) == {"total_nets"}) else _percent_change_before(history,
                                                                                   last_plan)
    if len(fits) == 1 and changed is None:
        key = fits[0]
        diff = plan_ops.changes_text(last_plan, {**last_plan, key: value})
        if not diff:
            return Decision(text=f"The current plan already uses {plan_ops.LABELS[key]} "
                                 f"{plan_ops._value_text(key, value)}: nothing to change.",
                            reading={"relative": "plan_op"})
        return Decision([Step("what_if_plan", {key: value},
                              echo=f"Re-planning with {diff}, everything else as before.",
                              source=text)], reading={"relative": "plan_setting"})
    if not fits:
        return None
    # a setting already at that value is no reading of a change
    fits = [k for k in fits if plan_ops.changes_text(last_plan, {**last_plan, k: value})]
    if not fits:
        return Decision(text=f"The current plan already uses {numbers[0].text.strip()} there: "
                             "nothing to change.", reading={"relative": "plan_op"})
    # "Re-plan with people per net 2.5": typed again once the question is gone, the label
    # still changes that one setting
    choices = [steps_choice(f"Re-plan with {plan_ops.LABELS[k]} {plan_ops._value_text(k, value)}",
                            [Step("what_if_plan", {k: value})])
               for k in fits]
    if changed is not None:
        pct, old = changed
        total = int(round(old * (1 + (v if pct > 0 else -v) / 100)))
        more = "more" if pct > 0 else "fewer"
        params = {"total_nets": total}
        choices.append(steps_choice(f"Re-plan with {_fmt_pct(v)}% {more} nets than {old:,} "
                                    f"({total:,} nets)", [Step("what_if_plan", params)]))
    choices.append(leave_it())
    return Decision(text=f"Which setting of the plan should be {numbers[0].text.strip()}? "
                         "Nothing is changed until you say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={"relative": "plan_op"})


# --- the number of nets halved, doubled, changed by an amount -------------------------------

ORIGINAL = re.compile(r"\b(?:original|first|initial|starting)\b(?:\s+(?:plan|one|figure|number"
                      r"|total|amount))?")
HALF = re.compile(r"\b(?:half|halve|halved|halving)\b")
DOUBLE = re.compile(r"\b(?:double|doubled|doubling|twice)\b")
PRONOUN = (r"(?:it|am|that|this|dem|them|(?:the|d|de|da|my|our)\s+(?:plan|nets|total|number|figure"
           r"|stock|allocation|original|first(?:\s+plan)?))")
HALF_SHAPE = re.compile(_LEAD + r"(?:(?:half|halve)\s+(?:of\s+)?" + PRONOUN + r"|(?:cut|reduce|divide"
                        r"|bring|take)\s+(?:" + PRONOUN + r"\s+)?(?:by|in|into|to)\s+(?:a\s+|one\s+)?"
                        r"half|halve)\b")
DOUBLE_SHAPE = re.compile(_LEAD + r"(?:double|twice)\s+(?:of\s+)?(?:" + PRONOUN + r"|d|de|da|the|my"
                          r"|our)?\b")
ADD_SHAPE = re.compile(_LEAD + r"(?P<verb>add|plus|another|anoda|anotha|an\s+extra|extra|remove"
                       r"|minus|subtract|take\s+away|take\s+off|cut|reduce)\s+(?:by\s+)?"
                       r"(?:(?:the|those|that|dem|these)\s+)?"
                       r"(?P<num>[\d.,]+\s*(?:k|m|million|thousand)?)\s*(?:more\s+)?"
                       r"(?:nets?|itns?|llins?)?(?:\s+(?:more|to\s+(?:it|am|that|the\s+plan)"
                       r"|from\s+(?:it|am|that|the\s+plan)|please|pls|abeg|then|now))*[\s.!]*$")


# the plan settings a relative word can name, other than the number of nets
SCALED_SETTINGS = (
    ("bale_size", re.compile(r"\bbales?(?:\s+size)?\b|\bnets?\s+(?:per|in\s+(?:a|each))\s+bale\b"),
     "bale size"),
    ("household_size", re.compile(r"\bhouse\s*holds?(?:\s+size)?\b|\bhh(?:\s+size)?\b"
                                  r"|\bfamily\s+size\b"), "household size"),
    ("people_per_net", re.compile(r"\b(?:people|persons?|pple)\s+per\s+net\b"), "people per net"),
    ("urban_threshold", re.compile(r"\b(?:urban\s+)?(?:threshold|cut[\s-]?off)\b"),
     "urban threshold"),
    ("max_ward_share", re.compile(r"\b(?:ward\s+)?cap\b|\b(?:ward\s+)?share\s+cap\b"),
     "cap per ward"),
    ("buffer", re.compile(r"\bbuffer\b|\bwastage\b"), "buffer"),
)
TRIPLE = re.compile(r"\b(?:triple|tripled|treble)\b")


def _settings_named(low: str) -> list[tuple[str, str]]:
    return [(key, label) for key, rx, label in SCALED_SETTINGS if rx.search(low)]


def setting_scaled(text: str, last_plan: Mapping[str, Any] | None) -> Decision | None:
    """ "halve the bale size", "double the people per net": the one setting named is halved
    or doubled, never the number of nets. A buffer halved or doubled is asked (its extra
    share, or the factor?)."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.canonical_text(text)
    factors = [f for f, rx in ((0.5, HALF), (2, DOUBLE), (3, TRIPLE)) if rx.search(low)]
    if len(factors) != 1 or _numbers(low) or "?" in low or reads_as_question(text) \
            or hypothetical_question(text) or re.search(r"\b(?:not|don'?t|never|if)\b", low):
        return None
    named = _settings_named(low)
    if len(named) != 1 or NET_CUE.search(_without_setting_nets(low)):
        return None
    key, label = named[0]
    factor = factors[0]
    word = {0.5: "Half", 2: "Twice", 3: "Three times"}[factor]
    if key == "buffer":
        return Decision(text=f"{word} the buffer: should the extra share change (e.g. 5% to 10%) "
                             "or something else? Say the buffer you want, for example "
                             "\"buffer 10%\". Nothing is changed until you say so.",
                        reading={"relative": "plan_op"})
    old = last_plan.get(key)
    if old is None:
        old = {"bale_size": 1, "people_per_net": 1.8, "urban_threshold": 75}.get(key)
    if old is None:
        return Decision(text=f"The current plan has no {label} to change. What value should "
                             "it have?", reading={"relative": "plan_op"})
    if key == "bale_size" and float(old) == 1:
        return Decision(text="The plan counts nets one by one now (no bales), so there is no "
                             "bale size to change by a factor. How many nets are in a bale?",
                        reading={"relative": "plan_op"})
    value: float = float(old) * factor
    if key == "bale_size":
        if not float(value).is_integer() or value < 1:
            return Decision(text=f"The bale size is {plan_ops._fmt(old)} nets now; half of it "
                                 "is not a whole number of nets. How many nets are in a bale?",
                            reading={"relative": "plan_op"})
        value = int(value)
    elif float(value).is_integer():
        value = int(value)
    if tool_spec("plan_itn").param(key).problems(value):
        return Decision(text=f"The {label} would be {plan_ops._fmt(value)}, which the plan "
                             f"cannot use. What {label} should I use?",
                        reading={"relative": "plan_op"})
    echo = (f"{label.capitalize()} {plan_ops._fmt(value)} = {word.lower()} "
            f"{plan_ops._fmt(old)}, everything else as before.")
    return Decision([Step("what_if_plan", {key: value}, echo=echo, source=text)],
                    reading={"relative": "plan"})


def _without_setting_nets(low: str) -> str:
    """The message without "nets per bale" or "people per net" (settings that name nets but
    are no net total)."""
    return re.sub(r"\bnets?\s+(?:per|in\s+(?:a|each))\s+bales?\b|\b(?:people|persons?|pple)\s+per"
                  r"\s+net\b", " ", low)


# "the last one", "that one", "the current one": a pronoun, not the number one
ONE_PRONOUN = re.compile(r"\b(?:last|previous|current|latest|new|that|this|same|other|earlier"
                         r"|newest)\s+$")


def _numbers(low: str) -> list[ex.NumberMention]:
    return [n for n in ex.extract_numbers(low)
            if not (n.text.strip() == "one" and ONE_PRONOUN.search(low[: n.start]))]


def _first_total(history: Mapping[str, Any] | None) -> int | None:
    params = (history or {}).get("params") or []
    if not params or not params[0].get("total_nets"):
        return None
    return int(params[0]["total_nets"])


def size_change(text: str, last_plan: Mapping[str, Any] | None,
                history: Mapping[str, Any] | None) -> Decision | None:
    """ "half of that", "cut am by half", "double the original", "add 50,000": the number of
    nets of the current plan (or of the first plan, when named) changed; None otherwise."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.canonical_text(text)
    if "?" in low or reads_as_question(text) or hypothetical_question(text) or \
            OTHER_TOPIC.search(low) or re.search(r"\b(?:not|don'?t|never|if)\b", low):
        return None
    if len(low.split()) > 10:
        return None
    if _settings_named(low) and not NET_CUE.search(_without_setting_nets(low)):
        return None  # "halve the bale size": that setting, not the number of nets
    base = int(last_plan["total_nets"])
    what = f"{base:,}"
    if ORIGINAL.search(low):
        first = _first_total(history)
        if first is None:
            return None
        base, what = first, f"the first plan's {first:,}"
    hh = last_plan.get("household_size")
    tail = f", households of {plan_ops._fmt(hh)} people" if hh else ""
    numbers = _numbers(low)
    if HALF.search(low) and not DOUBLE.search(low) and not numbers and HALF_SHAPE.search(low):
        value = int(round(base / 2))
        echo = f"Plan for {value:,} nets = half of {what}{tail}, everything else as before."
    elif DOUBLE.search(low) and not HALF.search(low) and not numbers and DOUBLE_SHAPE.search(low):
        value = base * 2
        echo = f"Plan for {value:,} nets = {what} × 2{tail}, everything else as before."
    else:
        m = ADD_SHAPE.match(low)
        if m is None or len(numbers) != 1 or numbers[0].percent or not numbers[0].is_whole \
                or numbers[0].value < 1000 or ORIGINAL.search(low):
            return None
        delta = int(numbers[0].value)
        plus = m.group("verb") in ("add", "plus", "another", "anoda", "anotha", "an extra", "extra")
        value = base + delta if plus else base - delta
        if value < 1:
            return None
        echo = (f"Plan for {value:,} nets = {base:,} {'+' if plus else '-'} {delta:,}{tail}, "
                "everything else as before.")
    if value == int(last_plan["total_nets"]):
        return Decision(text=f"The current plan already has {value:,} nets: nothing to change.",
                        reading={"relative": "plan_op"})
    return Decision([Step("what_if_plan", {"total_nets": value}, echo=echo, source=text)],
                    reading={"relative": "plan"})


DEFAULTS_RESET = re.compile(
    r"\b(?:back\s+to\s+(?:the\s+)?(?:defaults?|default\s+settings)|reset\s+(?:everything|all|the"
    r"\s+(?:plan|settings))|(?:use\s+)?(?:the\s+)?default\s+settings|all\s+defaults?)\b")
# "just the nets and hh 5", "only keep the nets": what stays when the rest goes back
KEEP_ONLY = re.compile(r"\b(?:just|only|keep(?:ing)?(?:\s+only)?|except|but\s+keep|apart\s+from"
                       r"|other\s+than|with)\s+(?:the\s+|my\s+|our\s+)?(?:nets?|total|number\s+of"
                       r"\s+nets|net\s+total)\b")


def defaults_keeping_nets(text: str, last_plan: Mapping[str, Any] | None) -> Decision | None:
    """ "back to the defaults, just the nets and hh 5": every setting back to its default,
    the number of nets kept and the household size as said (or kept)."""
    if not last_plan or "total_nets" not in last_plan or "household_size" not in last_plan:
        return None
    low = ex.canonical_text(text)
    if "?" in low or not DEFAULTS_RESET.search(low) or not KEEP_ONLY.search(low) or \
            reads_as_question(text) or re.search(r"\b(?:analys\w*|variables?|target"
                                                 r"|reprioriti\w*)\b", low):
        return None
    said = _said_values(low) if ex.extract_numbers(low) else {}
    if said is None or set(said) - {"household_size"}:
        return None
    hh = said.get("household_size", last_plan["household_size"])
    total = int(last_plan["total_nets"])
    params = {"total_nets": total, "household_size": hh}
    return Decision([Step("plan_itn", params,
                          echo=f"Back to the default plan settings with {total:,} nets and "
                               f"households of {plan_ops._fmt(hh)} people (urban wards above "
                               "75% served last, composite ranking, 1.8 people per net, no "
                               "buffer, no bales, nets given in rank order).", source=text)],
                    reading={"relative": "plan_setting"})


def plan_change(text: str, last_plan: Mapping[str, Any] | None, state: DialogueState,
                repri_done: bool = False) -> Decision | None:
    """A setting given a value or the number of nets changed, of the current plan."""
    last_tool = (state.last or {}).get("tool")
    return defaults_keeping_nets(text, last_plan) or \
        setting_said(text, last_plan, last_tool, repri_done) or \
        setting_scaled(text, last_plan) or size_change(
        text, last_plan, state.plans) or bare_value(text, last_plan, last_tool,
                                                    (state.last or {}).get("params"),
                                                    state.plans)


# --- a request put off ---------------------------------------------------------------------

PUT_OFF = re.compile(
    r"(?:^|[.,;!?-]\s*)not\s+yet\b|\bnot\s+yet\s*[.!]*\s*$"
    r"|\b(?:is|are|am|s|re)?\s*still\s+(?:deciding|thinking|considering|undecided|discussing"
    r"|reviewing|checking|confirming)\b"
    r"|\b(?:has|have)\s*(?:n'?t|\s+not)\s+(?:yet\s+)?(?:decided|confirmed|approved|agreed)\b"
    r"|\bnot\s+(?:yet\s+)?(?:decided|confirmed|approved|final)\b|\bundecided\b"
    r"|\b(?:don'?t|do\s+not)\s+(?:do|change|run|plan|make|apply|touch|update|modify|re-?plan"
    r"|re-?do|re-?run|act(?:ion)?)\s+(?:\w+\s+){0,3}?yet\b"
    # "no running yet o", "no changes yet", "no action for now": nothing is to be done now
    r"|\bno\s+(?:running|re-?running|planning|re-?planning|changes?|changing|action|touching"
    r"|applying)\s+(?:(?:it|that|the\s+plan)\s+)?(?:yet|for\s+now)\b"
    r"|\bhold\s+off\b|\bwait\s+(?:until|till|for)\s+(?:he|she|they|i|we|the|my|our)\b"
    r"|\bjust\s+(?:noting|saying|so\s+you\s+know|fyi)\b"
    # "and 600k? just compare for me, no new plan": the figures only, the plan stays
    r"|\bno\s+new\s+plans?\b|\b(?:don'?t|do\s+not)\s+(?:make|create|save|store)\s+(?:a\s+)?new"
    r"\s+plan\b|\bwithout\s+(?:making\s+)?(?:a\s+new\s+plan|re-?planning|changing\s+(?:the"
    r"\s+plan|anything|it))\b|\bjust\s+compare\b|\bcompare\s+only\b")
# "let me check with my boss first, then plan 500k", "I'll confirm with the director before
# we plan", "we need to discuss it with the team first": the user checks with someone first,
# so what follows is for later
SELF_FIRST = re.compile(
    r"\b(?:let\s+me|lemme|let\s+us|let'?s|make\s+i|(?:i|we)\s*(?:'ll|will|shall|need\s+to"
    r"|have\s+to|must|should|want\s+to|wan(?:t|na)|gotta|am\s+going\s+to|are\s+going\s+to"
    r"|would\s+like\s+to)|i'?m\s+going\s+to|we'?re\s+going\s+to)\s+(?:first\s+)?"
    r"(?:check|confirm|talk|speak|discuss|consult|ask|verify|clarify|clear\s+(?:it|this|that)"
    r"|run\s+(?:it|this|that)\s+(?:by|past)|cross-?check|double-?check|get\s+(?:approval"
    r"|clearance|the\s+go-?ahead|sign-?off)|align|sync)\b[^.;!?]{0,40}?"
    r"\b(?:with|first|before|by|past)\b")


# "don't change the threshold to 50": the whole message forbids the change it names
FORBIDS = re.compile(_LEAD + r"(?:don'?t|do\s+not|dont|no\s+need\s+to|never|pls\s+don'?t)\s+"
                     r"(?:change|set|make|use|put|switch|touch|plan|re-?plan|redo|rerun|move"
                     r"|raise|lower|increase|reduce|cut|add|double|halve)\b(?![^.;!?]*\b(?:but|just"
                     r"|instead|rather|only)\b)[^.;!?,]*[.!]*\s*$")


def put_off(text: str) -> bool:
    """The message says its request is not to be carried out yet ("... not yet, he is still
    deciding", "don't change it yet", "hold off until the chairman confirms"), or not at all
    ("don't change the threshold to 50")."""
    low = ex.lower_text(text)
    return bool(PUT_OFF.search(low) or FORBIDS.match(low) or self_first(low))


def self_first(low: str) -> bool:
    """ "let me check with my boss first, then plan 500k": the user's own check comes
    before the request (said first in the message, or said to come "first", "before");
    "plan 500k, I will discuss it with the team" orders the plan now."""
    m = SELF_FIRST.search(low)
    if m is None:
        return False
    return bool(re.search(r"\b(?:first|before)\b", m.group())) or not re.sub(
        r"\b(?:ok(?:ay)?|so|well|alright|hmm+|fine|but|and|sir|ma|good|great|thanks)\b|\W",
        "", low[:m.start()])


HELD = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban", "compute_tpr",
        "add_covariates")  # the requests that change what the session holds


def held_back(decision: Decision, text: str, state: DialogueState) -> Decision:
    """A decision that would change something, for a message that puts its request off:
    nothing is done, the change is kept as a one-tap choice."""
    if not decision.steps or not any(s.tool in HELD for s in decision.steps) or \
            not put_off(text):
        return decision  # "not yet, just show me the top 10 wards": the listing is asked for
    steps = [s for s in decision.steps if s.tool in HELD]
    # "what does the 20% vs 50% urban mean? dont run it yet": the explanation is given, the
    # change is only offered
    rest = [s for s in decision.steps if s.tool not in HELD
            # "let me check with my boss first": the user's own check, nothing to run
            and not (s.source and s.source != text
                     and SELF_FIRST.search(ex.lower_text(s.source)))]
    # the button names the change by its values ("Re-plan with 360,000 nets"), which typed
    # again later asks for the same change; the reply says how it was worked out
    label = "; ".join(describe_step(replace(s, echo="")) for s in steps)
    said = "; ".join(describe_step(s) for s in steps)
    choices = [steps_choice(label, steps), leave_it()]
    held = f"Noted, nothing is changed for now ({said[0].lower() + said[1:]}). " \
           f"When it is decided, say \"go ahead\" or tap: {label}."
    return Decision(steps=rest, text=None if rest else held,
                    not_done=[held] if rest else [], notes=list(decision.notes) if rest else [],
                    choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": steps[-1].tool, "put_off": True},
                    reading={**decision.reading, "put_off": [s.tool for s in steps]})


# --- an amount said with a doubt -------------------------------------------------------------

# "maybe 500k, not sure yet", "the state might get 500k", "we may receive about 600k",
# "possibly 450k next month": the amount is not settled, and nothing asks to plan with it
HEDGE = re.compile(
    r"\b(?:maybe|mayb|perhaps|possib(?:ly|le)|probabl[ey]|likely|hopefully|tentative(?:ly)?"
    r"|potential(?:ly)?|supposedly|rumou?red|hop(?:e|es|ing)\s+(?:for|to\s+get|to\s+receive)"
    r"|if\s+(?:it\s+is\s+|they\s+are\s+)?(?:approved|confirmed|funded)|not\s+sure"
    r"|unsure|not\s+certain|uncertain|unconfirmed|not\s+confirmed|might|expect(?:s|ed|ing)?"
    r"|i\s+(?:think|guess|believe|hope)|could\s+(?:get|receive|be|have|come)"
    # pidgin "we fit get 500k" (we may get), "if the governor sign" (if he signs)
    r"|(?:we|e|dem|they|state)\s+fit\s+(?:get|receive|collect|bring|give|send|release)"
    r"|if\s+(?:the\s+|our\s+|my\s+|d\s+)?(?:governor|commissioner|donors?|partners?"
    r"|minist(?:er|ry)|state|oga|director|government|govt|gov|they|he|she|fund(?:er|ers|ing)?)"
    r"\s+(?:don\s+)?(?:sign|approve|agree|release|confirm|pay|give|accept)\w*"
    r"|(?<!in\s)(?<!by\s)(?<!of\s)may\s+(?!\d)(?:\w+\s+)?(?:get|receive|be|have|come|end|only"
    r"|give|send|allocate|supply|deliver)\w*)\b")
# words that ask for the plan all the same: "plan for 500k and let's see", "maybe try 500k"
ASKS_ANYWAY = re.compile(r"\b(?:let'?s|let\s+us|go\s+ahead|do\s+it|anyway|all\s+the\s+same"
                         r"|for\s+now|in\s+the\s+meantime|meanwhile|see\s+what|show\s+me"
                         r"|now)\b|(?:^|[,.;!]\s*)(?:(?:ok(?:ay)?|so|then|and|alright|pls|please)"
                         r"[\s,]+)*(?:re-?)?plan\s+(?:\d|it|am|again|with|for|using|on)")


def hedged(decision: Decision, text: str,
           last_plan: Mapping[str, Any] | None = None) -> Decision:
    """A plan made from an amount said with a doubt and no request to plan with it ("maybe
    500k, not sure yet", "the state might get 500k"): nothing is planned; the plan is offered
    as a one-tap choice ("Plan for 500,000 nets now"), which typed again makes that plan."""
    low = ex.lower_text(text)
    if not HEDGE.search(low) or ORDERED.search(low) or ASKS_ANYWAY.search(low) or \
            re.search(r"\b(?:what|wat|wetin)\s+if\b|\b(?:suppose|imagine|assuming)\b", low):
        return decision
    plans = [s for s in decision.steps if s.tool in ("plan_itn", "what_if_plan")]
    said = {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(text))}
    if decision.steps and (len(plans) != 1 or len(decision.steps) != 1):
        return decision
    if plans and total_far_below_plan(plans[0], last_plan) is not None:
        return decision  # "maybe 450" against 400,000 nets: the gate asks which is meant
    # the amount said, or worked out from what was said ("we might get 20% more")
    if plans and isinstance(plans[0].params.get("total_nets"), int | float) and said:
        step = plans[0]
        total = int(step.params["total_nets"])
        label = f"Plan for {total:,} nets now" if set(step.params) == {"total_nets"} else \
            f"{describe_step(replace(step, echo=''))} now"
        choices = [steps_choice(label, [step]), leave_it()]
        return Decision(text="Your message says the number of nets is not certain yet, so I "
                             f"have not planned with {total:,} nets. Tap \"{label}\" to plan with it anyway, or tell me the "
                             "number once it is confirmed.", choices=choices,
                        pending={"expects": "choice", "choices": choices, "offered": True,
                                 "tool": step.tool, "hedged": total},
                        reading={**decision.reading, "hedged": [step.tool]})
    pending = decision.pending or {}
    total = (pending.get("params") or {}).get("total_nets")
    if not decision.steps and pending.get("expects") == "plan_numbers" and \
            isinstance(total, int | float) and round(float(total), 6) in said and decision.text:
        decision.text = (f"You said {int(total):,} nets as not certain yet: nothing is planned. "
                         f"To plan for {int(total):,} nets now, answer this: {decision.text}")
        decision.reading = {**decision.reading, "hedged": [pending.get("tool")]}
    return decision


# --- two plans asked one after the other -----------------------------------------------------

# "try household 6, then 7", "plan with hh 5 and then with hh 6", "500k first, then 600k"
THEN_WORD = r"(?:then|dan|thn|after\s+that|afterwards|thereafter|next|later)"
THEN = re.compile(r"(?:[,;.]\s*|\s+)(?:and\s+)?" + THEN_WORD + r"[\s,]+(?P<tail>.*\d.*)$")
TAIL_WORDS = re.compile(r"^(?:with|try|at|use|do|for|also|make\s+it|a|an|the|to|of|plan|re-?plan"
                        r"|redo|run|it|again|one|please|pls|hh|household(?:\s+size)?|size|nets?"
                        r"|people|per|net|urban|threshold|cut[\s-]?off|%|percent|k|m|million"
                        r"|thousand|and|see|compare|we|go|after|afterwards|later|next|let|s|us"
                        r"|you|u|can|could|make|how|that|try|as|well|[\d.,]+)$")
THEN_SEP = re.compile(r"(?:[,;]\s*|\s+)(?:and\s+)?" + THEN_WORD + r"[\s,]+")
PLAN_STEP_TOOLS = ("plan_itn", "what_if_plan")


def _tail_value(tail: str, step: Step) -> tuple[str, Any] | None:
    """The one setting the part after "then" gives a value, read as the first plan's
    setting it names ("then with hh 6") or, bare ("then 7"), the one it can be."""
    low = ex.canonical_text(tail)
    numbers = ex.extract_numbers(low)
    if len(numbers) != 1 or numbers[0].percent and "urban_threshold" not in step.params:
        return None
    words = re.findall(r"[a-z%]+(?:\s+size)?|[\d.,]+", low)
    if len(words) > 8 or not all(TAIL_WORDS.match(w) for w in words):
        return None
    said = _said_values(low)
    if said and len(said) == 1:
        return next(iter(said.items()))
    v = numbers[0].value
    fits = [k for k, ok in PLAUSIBLE if ok(v) and k in step.params]
    if len(fits) != 1 and v >= 1000 and numbers[0].is_whole:
        fits = ["total_nets"]
    return (fits[0], numbers[0].number) if len(fits) == 1 else None


def one_plan_at_a_time(decision: Decision, text: str) -> Decision:
    """Two plans asked one after the other ("try household 6, then 7"): the first is made,
    the reply says the second was not, and offers it as a one-tap choice."""
    m = THEN.search(ex.lower_text(text))
    plans = [s for s in decision.steps if s.tool in PLAN_STEP_TOOLS]
    if m is None and len(plans) > 1 and len(plans) == len(decision.steps):
        return _which_plan(decision, plans)
    if m is None or not plans or len(plans) != len(decision.steps):
        return decision
    first, tail = plans[0], m.group("tail")
    if len(plans) == 1 and (first.source or text) == text:
        # the part before "then" is the first plan's: the value after it is not a stray
        first = replace(first, source=ex.lower_text(text)[: m.start()])
    if len(plans) > 1:
        later = []
        params = dict(first.params)
        for s in plans[1:]:
            params = {**params, **s.params}
            later.append(Step(s.tool if first.tool == "what_if_plan" else first.tool,
                              dict(params), echo="", source=s.source))
    else:
        later, params = [], dict(first.params)
        for part in THEN_SEP.split(m.group("tail")):
            value = _tail_value(part, first)
            if value is None or params.get(value[0]) == value[1]:
                return decision
            params = {**params, value[0]: value[1]}
            later.append(Step(first.tool, dict(params), echo="", source=part.strip()))
    choices = [steps_choice(describe_step(s), [replace(s, echo="")]) for s in later]
    choices.append(leave_it())
    labels = _join_labels([c["label"][0].lower() + c["label"][1:] for c in choices[:-1]])
    out = replace(decision, steps=[first], choices=choices,
                  pending={"expects": "choice", "choices": choices, "offered": True,
                           "tool": first.tool},
                  # the parts after "then", each read on its own, are said once here
                  not_done=[*[n for n in decision.not_done
                              if not (n.startswith('Not done: "') and n.split('"')[1] in tail)],
                            f"Not done yet: {labels}. One plan is made at a time, so only "
                            f"the first one was made; tap \"{choices[0]['label']}\" to make "
                            "the next."],
                  reading={**decision.reading, "one_plan_at_a_time": len(later)})
    said = {round(n.value, 6) for n in ex.extract_numbers(ex.canonical_text(text))}
    if first.tool == "what_if_plan" and all(
            round(float(v), 6) in said for v in first.params.values()
            if isinstance(v, int | float) and not isinstance(v, bool)):
        # "redo it with hh 4 and then with hh 6": the first is a change of the current plan
        # by values the message states, echoed like any such change
        out.reading["relative"] = "plan_setting"
    return out


def _which_plan(decision: Decision, plans: list[Step]) -> Decision:
    """Two plans asked in one message with no order between them ("plan 400k nets hh 5.
    plan 500k nets hh 6"): the second may replace the first or come after it, so neither is
    made; each is offered as a one-tap choice."""
    seen: dict[str, Any] = {}
    for s in plans:
        if any(k in seen and seen[k] != v for k, v in s.params.items()):
            break  # a setting given two values: the plans conflict
        seen.update(s.params)
    else:
        return decision  # "hh 6. bales of 50": settings that add up, left as read
    steps, params = [], dict(plans[0].params)
    steps.append(plans[0])
    for s in plans[1:]:
        params = {**params, **s.params} if plans[0].tool == "what_if_plan" else dict(s.params)
        steps.append(Step(s.tool if plans[0].tool == "what_if_plan" else plans[0].tool,
                          dict(params), echo=s.echo, source=s.source))
    choices = []
    for s in steps:
        label = describe_step(replace(s, echo=""))
        if all(c["label"] != label for c in choices):
            choices.append(steps_choice(label, [s]))
    if len(choices) < 2:
        return decision
    choices.append(leave_it())
    said = "; ".join(f"({i}) {c['label'][0].lower()}{c['label'][1:]}"
                     for i, c in enumerate(choices[:-1], 1))
    return Decision(text=f"Your message asks for {len(choices) - 1} plans: {said}. One plan is "
                         "made at a time, and I cannot tell whether the later one replaces the "
                         "first, so I have not made either. Which one should I make?",
                    choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": steps[0].tool},
                    reading={**decision.reading, "which_plan": len(choices) - 1})


# a correction inside the message ("bales of 100, no wait, household size 6")
CROSSED = re.compile(r"(?:\.\.\.|[,;.!-]|\s)\s*(?:(?:no|oh|oops|sorry)[\s,.!]+)*(?:no\s+wait"
                     r"|wait(?:\s+no)?|sorry|oops|i\s+mean|correction|no\s+no|scratch\s+that)\b")
ALSO = re.compile(r"\b(?:also|too|as\s+well|in\s+addition|plus|and\s+then)\b")


def _cued(part: str) -> dict[str, float]:
    cued, _ = ex.assign_numbers(part, ex.PLAN_CUES, ex.extract_numbers(part))
    return {k: v.value for k, v in cued.items() if not k.startswith("_")}


def crossed_correction(decision: Decision, text: str,
                       last_plan: Mapping[str, Any] | None) -> Decision:
    """A plan change corrected inside the message to another setting ("bales of 100, no
    wait, household size 6"): the first setting may be taken back or kept, so nothing is
    planned; the change with the later setting only, and with both, are offered."""
    plans = [s for s in decision.steps if s.tool in PLAN_STEP_TOOLS]
    if len(plans) != 1 or len(decision.steps) != 1:
        return decision
    low = ex.lower_text(text)
    marks = list(CROSSED.finditer(low))
    if not marks:
        return decision
    mark = marks[-1]
    head, tail = low[: mark.start()], low[mark.end():]
    if ALSO.search(tail):
        return decision  # "..., wait, also household size 6": added, not corrected
    said_before, said_after = _cued(head), _cued(tail)
    if not said_before or not said_after or set(said_before) & set(said_after):
        return decision  # the same setting corrected: read where corrections are read
    step = plans[0]
    # (a buffer or cap said in percent is stored as a factor or share: present is enough)
    if any(k not in step.params or (k not in ("buffer", "max_ward_share") and isinstance(
            step.params[k], int | float) and float(step.params[k]) != v)
           for k, v in said_before.items()) or \
            not all(k in step.params for k in said_after):
        return decision
    only = dict(step.params)
    for key in said_before:
        if step.tool == "plan_itn" and last_plan and key in last_plan:
            only[key] = last_plan[key]
        elif step.tool == "plan_itn" and key == "total_nets":
            return decision  # a plan needs its nets
        else:
            only.pop(key, None)
    if not only or only == step.params:
        return decision
    first = replace(step, params=only, echo="")
    both = replace(step, echo="")
    choices = [steps_choice(describe_step(s), [s]) for s in (first, both)]
    choices.append(leave_it())
    return Decision(text="Your message corrects itself to another setting, so I cannot tell "
                         "whether what you said before the correction still stands; I have "
                         "not changed the plan. Which do you mean: "
                         f"{choices[0]['label'][0].lower()}{choices[0]['label'][1:]}, or "
                         f"{choices[1]['label'][0].lower()}{choices[1]['label'][1:]}?",
                    choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": step.tool},
                    reading={**decision.reading, "crossed_correction": sorted(said_before)})


def _join_labels(labels: list[str]) -> str:
    return ", then ".join(labels)


# --- an urban threshold: of the plan or of the reprioritisation --------------------------------

# "reprioritise", "which wards can go", "the same target": the reprioritisation is meant
REPRI_WORDS = re.compile(r"\b(?:re-?prioriti\w*|de-?prioriti\w*|which\s+(?:urban\s+)?wards"
                         r"|can\s+go|drop\w*|deselect\w*|targets?|select\w*|exclud\w*"
                         r"|urban\s+wards|served?\s+last|population\s+share|share)\b")
PLAN_NAMED = re.compile(r"\b(?:plan|nets?|itns?|llins?|allocation|distribution)\b")


def threshold_meant(decision: Decision, text: str, last_plan: Mapping[str, Any] | None,
                    state: DialogueState, repri_done: bool,
                    repri_target: float | None = None) -> Decision:
    """An urban threshold said with no word of what it is for ("urban cutoff 60", "make the
    cutoff 60"), read as a reprioritisation: right after a plan, with no reprioritisation in
    the conversation, it is the plan's threshold (re-planned, everything else kept); with
    both a plan and a reprioritisation and no sign of which, asked with one tap each. Right
    after a reprioritisation, or with its words, it stays one."""
    pending = state.pending or {}
    if not last_plan or "total_nets" not in last_plan or len(decision.steps) > 1 or (
            pending.get("offered") and pending.get("tool") in PLAN_STEP_TOOLS):
        return decision  # a plan just offered: the threshold is talked about for plans
    low = ex.lower_text(text)
    step = decision.steps[0] if decision.steps else None
    if step is None:
        # "the cutoff must be 60" with both a plan and a reprioritisation, left unread
        said = _said_values(ex.canonical_text(text)) if repri_done and not (
            "?" in low or reads_as_question(text)) and CHANGE_SHAPE.search(low) else None
        if not said or set(said) != {"urban_threshold"} or \
                (decision.pending or {}).get("expects") == "choice":
            return decision
        step = Step("what_if_plan", dict(said), source=text)
    if step.tool == "what_if_plan" and set(step.params) == {"urban_threshold"} and \
            repri_done and not PLAN_NAMED.search(low):
        # the plan's threshold read with a reprioritisation in the conversation: either
        step = Step("reprioritize_urban", {"thresholds": [step.params["urban_threshold"]]},
                    source=step.source)
        if repri_target is not None:
            step.params["target_share"] = repri_target
    cuts = step.params.get("thresholds") or []
    if step.tool != "reprioritize_urban" or len(cuts) != 1 or \
            set(step.params) - {"thresholds", "target_share"}:
        return decision
    last_tool = (state.last or {}).get("tool")
    if REPRI_WORDS.search(low) or last_tool in ("reprioritize_urban", "show_map") or \
            not re.search(r"\b(?:threshold|cut[\s-]?off)\b", low) or \
            str(((state.last or {}).get("params") or {}).get("about", "")).startswith("repri"):
        return decision
    value = cuts[0]
    replan = Step("what_if_plan", {"urban_threshold": value}, source=step.source)
    diff = plan_ops.changes_text(last_plan, {**last_plan, "urban_threshold": value})
    if not repri_done or PLAN_NAMED.search(low):
        if not diff:
            return Decision(text=f"The current plan already uses {plan_ops.LABELS['urban_threshold']}"
                                 f" {plan_ops._value_text('urban_threshold', value)}: nothing to "
                                 "change.", reading={"relative": "plan_op"})
        replan.echo = f"Re-planning with {diff}, everything else as before."
        return Decision([replan], reading={**decision.reading, "relative": "plan_setting",
                                           "threshold_of": "plan"})
    choices = [steps_choice(describe_step(s), [replace(s, echo="")])
               for s in (replan, replace(step, echo=""))]
    choices.append(leave_it())
    return Decision(text=f"Is the {plan_ops._value_text('urban_threshold', value)} urban "
                         "threshold for the net plan or for the urban reprioritisation? Nothing "
                         "is changed until you say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={**decision.reading, "threshold_of": "asked"})


# "ok it's confirmed, add the 50k", "it is final now, go ahead": the doubt is settled
SETTLED = re.compile(r"\b(?:confirmed|finali[sz]ed|approved|official|settled|definite|certain"
                     r"|sure)\b|\b(?:final|sure)\s+now\b|\bwe\s+(?:got|have|received)\s+"
                     r"(?:it|them|the\s+nets?)\b")
UNSETTLED = re.compile(r"\b(?:not|n'?t|no|yet|maybe|might|if|unless|still)\b|\?")


def hedge_settled(text: str, state: DialogueState,
                  last_plan: Mapping[str, Any] | None) -> Decision | None:
    """The amount offered for a doubtful message said to be settled ("ok it's confirmed,
    add the 50k"): the offered plan, when every number of the message is its total or the
    amount it adds to the current plan; None otherwise."""
    pending = state.pending or {}
    total = pending.get("hedged")
    offer = next((c for c in pending.get("choices") or [] if c.get("steps")), None)
    if not isinstance(total, int | float) or offer is None:
        return None
    low = ex.lower_text(text)
    if HEDGE.search(low) or re.search(r"\bstill\b|\bnot\s+yet\b", low):
        if ex.extract_numbers(ex.canonical_text(text)) or len(low.split()) > 10:
            return None  # another amount, or more than a word on the doubt: read anew
        # "still not confirmed", "not sure if it is confirmed": nothing planned, the offer kept
        return Decision(text=f"Noted: nothing is planned yet. When the number is settled, say "
                             f"so or tap \"{offer['label']}\".", keep_pending=True,
                        choices=list(pending.get("choices") or []),
                        reading={"hedge_settled": False})
    if not SETTLED.search(low) or UNSETTLED.search(low) or len(low.split()) > 14:
        return None
    current = (last_plan or {}).get("total_nets")
    fits = {round(float(total), 6)}
    if isinstance(current, int | float):
        fits.add(round(abs(float(total) - float(current)), 6))
    numbers = ex.extract_numbers(ex.canonical_text(text))
    if any(n.percent or round(n.value, 6) not in fits for n in numbers):
        return None
    return Decision([Step(s["tool"], dict(s["params"]), echo=s.get("echo", ""), source=text)
                     for s in offer["steps"]], reading={"hedge_settled": True})


# --- one setting put back as it was -----------------------------------------------------------

SETTING_NAMED = (
    ("urban_threshold", re.compile(r"\b(?:urban\s+)?(?:threshold|cut[\s-]?off)\b")),
    ("household_size", re.compile(r"\b(?:household(?:\s+size)?|hh(?:\s+size)?|family\s+size)\b")),
    ("people_per_net", re.compile(r"\bpeople\s+per\s+net\b|\bper\s+net\b")),
    ("bale_size", re.compile(r"\bbales?(?:\s+size)?\b")),
    ("buffer", re.compile(r"\bbuffer\b")),
    ("max_ward_share", re.compile(r"\bcap\b")),
)
AS_IT_WAS = re.compile(
    r"\b(?:back|revert\w*|restore\w*|return\w*)\b(?:\s+\w+){0,4}?\s+(?:to\s+)?(?:what\s+it\s+was"
    r"|how\s+it\s+was|(?:the\s+)?way\s+it\s+was|as\s+it\s+was|where\s+it\s+was|as\s+before"
    r"|(?:what|how)\s+(?:it|we)\s+had(?:\s+it)?|(?:the\s+)?(?:previous|earlier|old|former|last)\s+"
    r"(?:one|value|figure|number|setting|level)|before)\b")


# "put the threshold back", "set the household size back again pls": one setting named and
# put back, with nothing after it but politeness
PUT_BACK = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|now|then|and|hmm+|no|pls|please|abeg|oya|actually|sorry)[\s,.!]+)*"
    r"(?:(?:put|set|change|switch|bring|turn|move|take)\s+(?:the\s+|our\s+|my\s+)?"
    r"(?:[a-z]+\s+){1,3}back|(?:the\s+)?(?:[a-z]+\s+){1,3}back(?:\s+(?:again|please|pls))*"
    r"\s*[.!]*\s*$)(?:\s+(?:again|please|pls|abeg|now|then|thanks))*\s*[.!]*\s*$")
# "take the cap off again", "no more cap", "uncap it": the cap per ward taken off, the nets
# given by the rule used before the cap ("remove the cap" is read with the plan's other
# settings)
CAP_OFF = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|now|then|and|hmm+|no|pls|please|abeg|oya|actually|sorry)[\s,.!]+)*"
    r"(?:(?:take|lift)\s+(?:the\s+|that\s+)?(?:ward\s+)?cap\s+off|(?:take|lift)\s+off\s+(?:the\s+"
    r"|that\s+)?(?:ward\s+)?cap|no\s+more\s+cap|uncap(?:\s+(?:it|the\s+plan|the\s+wards))?)"
    r"(?:\s+(?:again|please|pls|abeg|now|then|thanks|off))*\s*[.!]*\s*$")


def _cap_off(low: str, last_plan: Mapping[str, Any], params: list[Any],
             at: int, text: str) -> Decision | None:
    """The cap per ward taken off: the rule of the last plan before the cap (the default rule
    when there is none), no share limit, everything else as now."""
    if not CAP_OFF.match(low):
        return None
    if last_plan.get("strategy") != "capped" and last_plan.get("max_ward_share") is None:
        return Decision(text="The current plan has no cap per ward: nothing to take off. "
                             "Nothing is changed.", reading={"relative": "plan_op"})
    rule = next((e.get("strategy") for e in reversed(params[:at])
                 if e and e.get("strategy") and e.get("strategy") != "capped"),
                plan_ops.DEFAULTS["strategy"])
    diff = plan_ops.changes_text(last_plan, {**last_plan, "strategy": rule,
                                             "max_ward_share": None})
    # a plan by another rule than the cap keeps no share limit (the plan's own rule)
    return Decision([Step("what_if_plan", {"strategy": rule},
                          echo=f"Re-planning without the cap per ward ({diff}), everything "
                               "else as now.", source=text)],
                    reading={"relative": "plan_setting", "restored": "max_ward_share"})


def setting_restored(text: str, last_plan: Mapping[str, Any] | None,
                     history: Mapping[str, Any] | None) -> Decision | None:
    """ "put the threshold back to what it was", "household size back to the previous
    value": that one setting re-planned at the value it had before its last change (the
    conversation's plans, newest first), everything else as now; None when the message is
    not that, or no earlier plan is known."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.lower_text(text)
    if "?" in low or ex.extract_numbers(ex.canonical_text(text)):
        return None
    params = list((history or {}).get("params") or [])
    at = int((history or {}).get("at", len(params) - 1) or 0)
    capped = _cap_off(low, last_plan, params, at, text)
    if capped is not None:
        return capped
    if not AS_IT_WAS.search(low) and not PUT_BACK.match(low):
        return None
    named = [k for k, rx in SETTING_NAMED if rx.search(low)]
    if len(named) != 1 or not params or at <= 0:
        return None
    key = named[0]
    current = last_plan.get(key, plan_ops.DEFAULTS.get(key))
    for earlier in reversed(params[:at]):
        if not earlier:
            continue
        value = earlier.get(key, plan_ops.DEFAULTS.get(key))
        if value != current and value is not None:
            change = {key: value, **({"strategy": "capped"} if key == "max_ward_share" else {})}
            diff = plan_ops.changes_text(last_plan, {**last_plan, **change})
            return Decision([Step("what_if_plan", change,
                                  echo=f"Re-planning with {diff} (as it was before), everything "
                                       "else as now.", source=text)],
                            reading={"relative": "plan_setting", "restored": key})
    return Decision(text=f"The {plan_ops.LABELS[key]} has not changed in this conversation: the "
                         f"current plan uses {plan_ops._value_text(key, current)}. Nothing is "
                         "changed.", reading={"relative": "plan_op"})


# --- a plan for one LGA only -------------------------------------------------------------------

# "a separate plan for only Rimai LGA", "plan 50k nets for Rimai alone", "just Ganja": a scope
ONE_PLACE_SCOPE = re.compile(r"\b(?:only|alone|just|solely|separate(?:ly)?|own|specific(?:ally)?"
                             r"|exclusively|sub-?plan|mini[\s-]?plan)\b")


# "the Gakirau store", "Gakirau LGA warehouse", "the Gakirau depot": an LGA named as where
# nets are kept or come from, not as the area of the plan
STORE_AFTER = (r"(?:\s+(?:lga|l\.g\.a\.?|local\s+government(?:\s+area)?|central|main|state"
               r"|medical|zonal|district))*\s+(?:stores?|warehouses?|depots?|godowns?|stock"
               r"|stockpile|hubs?|storage|stores?\s+room|storeroom|cold\s+room)\b")


def one_lga_plan(decision: Decision, text: str, lgas: list[str] | tuple[str, ...]) -> Decision:
    """A plan asked for one LGA only ("can you make a separate plan for only Rimai LGA with
    50k nets?"): plans share the nets over every ward of the area, so none is made; the
    whole-area plan with the same values is offered as a one-tap choice."""
    plans = [s for s in decision.steps if s.tool in ("plan_itn", "what_if_plan")]
    if not plans or not lgas:
        return decision
    low = ex.lower_text(text)
    for lg in lgas:  # "20,000 leftover nets in the Gakirau store": where nets are kept
        low = re.sub(r"(?<![a-z])" + re.escape(lg.lower()) + STORE_AFTER, " the store", low)
    named = [lg for lg in sorted(lgas, key=len, reverse=True)
             if re.search(r"(?<![a-z])" + re.escape(lg.lower()) + r"(?![a-z])", low)]
    if not named:
        return decision
    name = re.escape(named[0].lower())
    # "20,000 extra nets in the Gakirau store": where the nets are kept, not the plan's area
    low = re.sub(r"(?<![a-z])" + name + r"(?:\s+lga)?\s+(?:central\s+|main\s+|state\s+)?(?:stores?"
                 r"|warehouses?|depots?|offices?|hubs?|secretariat|hospitals?|phcs?|clinics?"
                 r"|facilit(?:y|ies)|godowns?)\b", " ", low)
    if not re.search(r"(?<![a-z])" + name + r"(?![a-z])", low):
        return decision
    scoped = ONE_PLACE_SCOPE.search(low) or re.search(
        r"\b(?:for|in|inside|within|to)\s+(?:the\s+|d\s+)?" + name + r"(?![a-z])", low)
    if not scoped or re.search(r"\b(?:how\s+many|how\s+much|what|which)\b[^.?!]*\b" + name, low):
        return decision  # "re-plan with 500k, how many does Rimai get": a question about it
    step = plans[-1]
    label = describe_step(replace(step, echo=""))
    choices = [steps_choice(label, [step]), leave_it()]
    return Decision(text=f"I cannot make a plan for {named[0]} LGA alone: a plan shares the nets "
                         "over all the wards of the area, by priority. Nothing was changed. I can "
                         f"plan the whole area instead (tap: {label}), or tell you how many nets "
                         f"{named[0]} gets in the current plan.", choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": step.tool},
                    reading={**decision.reading, "one_lga_plan": named[0]})
