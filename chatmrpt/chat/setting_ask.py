"""A plan setting asked for by what it does, without its value: "pack the plan in bales",
"put it in bales", "add a buffer too". The value is asked ("How many nets are in a bale?",
"How large a buffer?") and the answer said next ("40", "10%") fills that question. Never a
value guessed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision, Step

# a verb that puts the setting into the plan, then the setting
PUT_IN = re.compile(
    r"\b(?:pack|packed|packing|put|count|counted|deliver|ship|round|add|adding|include"
    r"|including|use|using|apply|allow|plan\s+with|with)\b[\w\s,']{0,30}?\b(?P<what>bales?|buffer"
    r"|wastage\s+(?:buffer|margin|allowance)|wastage)\b")
NOT_PUT = re.compile(r"\b(?:no|without|drop|remove|removing|take\s+out|take\s+off|forget|cancel"
                     r"|scrap|don'?t|not|what|why|how|which|explain|mean|means)\b")
QUESTIONS = {
    "bale_size": "How many nets are in a bale?",
    "buffer": "How large a buffer should the plan add for losses, as a percentage of the "
              "nets (for example 10%)?",
}


def asked(text: str, low: str, last_plan: Mapping[str, Any]) -> Decision | None:
    """The question for the value of the bale size or the buffer a message puts into the
    plan without saying it, or None."""
    if "?" in low or ex.extract_numbers(low) or NOT_PUT.search(low):
        return None
    found = {("bale_size" if m.group("what").startswith("bale") else "buffer")
             for m in PUT_IN.finditer(low)}
    if len(found) != 1:
        return None
    param = found.pop()
    question = QUESTIONS[param]
    now = last_plan.get(param)
    if param == "buffer" and isinstance(now, int | float) and now > 1:
        question += f" (now {(now - 1) * 100:g}%)"
    if param == "bale_size" and isinstance(now, int | float) and now > 1:
        question = f"How many nets are in a bale (now {now:g})?"
    return Decision(text=question, pending={"tool": "what_if_plan", "params": {}, "missing": [],
                                            "expects": "plan_numbers", "setting": param},
                    reading={"setting_asked": param})


def buffer_answer(text: str, low: str) -> Decision | None:
    """ "10%", "10", "10 percent", "1.1" to "how large a buffer?": the plan with that buffer
    (10% = 1.1 times the need). A number of another size, or several, is not that answer."""
    nums = ex.extract_numbers(low)
    if len(nums) != 1 or "?" in low or len(low.split()) > 6:
        return None
    n = nums[0]
    if n.percent or (n.is_whole and 1 <= n.value <= 50):
        if not 0 < n.value <= 50:
            return None
        buffer = round(1 + n.value / 100, 6)
        said = f"{n.value:g}%"
    elif 1 < n.value <= 1.5:
        buffer = round(n.value, 6)
        said = f"{(buffer - 1) * 100:g}%"
    else:
        return None
    return Decision([Step("what_if_plan", {"buffer": buffer},
                          echo=f"Buffer {said} (nets x {buffer:g}), everything else as before.",
                          source=text)], pending=None)


# "you decide the household size", "leave the threshold to you", "up to you", "your call",
# "whatever the standard one is"
DELEGATE = re.compile(
    r"\byou\s+(?:decide|choose|pick|select|determine|set\s+it)\b|\bleave\s+(?:it|that|this|the\s+"
    r"[\w\s]{1,25}?)\s+(?:to|up\s+to)\s+you\b|\bup\s+to\s+you\b|\byour\s+(?:call|choice|pick"
    r"|decision)\b|\bwhatever\s+you\s+(?:think|want|like|choose|prefer)\b"
    r"|\buse\s+your\s+(?:judge?ment|discretion)\b|\bdealer'?s\s+choice\b")
NAMED = (
    ("household_size", re.compile(r"\bhouse\s*holds?(?:\s+size)?\b|\bhh(?:\s+size)?\b"
                                  r"|\bpeople\s+per\s+(?:house|household|home)\b")),
    ("total_nets", re.compile(r"\b(?:number\s+of\s+nets|nets?\s+(?:total|count|number)"
                              r"|total\s+nets?|how\s+many\s+nets)\b")),
    ("urban_threshold", re.compile(r"\burban\b|\bthreshold\b|\bcut[\s-]?off\b")),
    ("people_per_net", re.compile(r"\bpeople\s+per\s+net\b|\bper\s+net\b")),
    ("bale_size", re.compile(r"\bbales?\b")),
    ("buffer", re.compile(r"\bbuffer\b|\bwastage\b")),
)
# the documented defaults: the values the plan uses when the user leaves them to the tool
DEFAULTS = {"urban_threshold": 75, "people_per_net": 1.8, "bale_size": 1, "buffer": 1}
DEFAULT_TEXT = {"urban_threshold": "the standard urban threshold, 75%",
                "people_per_net": "the standard 1.8 people per net",
                "bale_size": "no bales (nets counted one by one)",
                "buffer": "no buffer"}
HOUSEHOLD_TEXT = ("The household size is the average number of people living in one household "
                  "in the area. It comes from a survey or census: the DHS or MICS report for "
                  "your state, or the campaign's microplan; national surveys put it close to "
                  "5 people. I do not choose it for you: which household size should I use? "
                  "Say for example \"use 5\".")
NETS_TEXT = ("The number of nets is the stock your campaign has, so I cannot choose it for you: "
             "how many nets are available?")


def left_to_me(text: str, low: str, last_plan: Mapping[str, Any] | None,
               pending: Mapping[str, Any] | None) -> Decision | None:
    """A plan value left to the assistant. The household size and the number of nets have no
    default: they are asked again (the question stays). A setting with a documented default
    (urban threshold 75%, 1.8 people per net, no bales, no buffer) is set to it."""
    if not DELEGATE.search(low) or "?" in low or [
            n for n in ex.extract_numbers(low) if n.text.strip() not in ("one", "a", "an")]:
        return None
    named = [p for p, rx in NAMED if rx.search(low)]
    asked = pending if (pending or {}).get("expects") == "plan_numbers" else None
    if not named and asked is not None:
        named = [asked["setting"]] if asked.get("setting") else \
            [m for m in asked.get("missing") or () if m in ("household_size", "total_nets")][:1]
    if len(named) != 1:
        return None
    param = named[0]
    if param in ("household_size", "total_nets"):
        return Decision(text=HOUSEHOLD_TEXT if param == "household_size" else NETS_TEXT,
                        keep_pending=asked is not None,
                        reading={"about_pending": asked is not None, "left_to_me": param})
    if not last_plan or "total_nets" not in last_plan:
        return None
    value = DEFAULTS[param]
    if float(last_plan.get(param, value) or value) == float(value):
        return Decision(text=f"The plan already uses {DEFAULT_TEXT[param]}: nothing to change.",
                        pending=None, reading={"left_to_me": param})
    return Decision([Step("what_if_plan", {param: value},
                          echo=f"Re-planning with {DEFAULT_TEXT[param]}, everything else as "
                               "before.", source=text)], pending=None,
                    reading={"left_to_me": param, "answered": "plan_numbers"})
