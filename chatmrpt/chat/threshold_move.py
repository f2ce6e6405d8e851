"""The urban threshold moved to a new value right after the urban map or a reprioritisation:
"move it up to 75", "raise it to 75", "lower it to 40" after the urban map at 50 (the urban
map again at the new threshold); "move the threshold up to 80", "a bit lower, 70" after a
reprioritisation (the reprioritisation again at that threshold, its target kept).

Read only when the last request was that map or that reprioritisation (with no net plan the
threshold could belong to when the reprioritisation was made outside the chat), the message
says nothing but the move and one value, and the direction said agrees with the move ("a
bit lower, 80" from 70 is not read). Anything else is left to the other readings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat.reading import _fmt
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

_LEAD = r"^\W*(?:(?:ok(?:ay)?|and|now|then|so|hmm+|please|pls|abeg|oya|actually|no|nope)[\s,.!]+)*"
_VERB = (r"(?:move|raise|lower|push|bump|bring|drop|set|change|make|put|take|increase|reduce"
         r"|decrease|shift|up|try)")
_WHAT = r"(?:it|that|this|am|the\s+(?:urban\s+)?(?:threshold|cut-?off|urban\s+share|level))"
_N = r"(?P<{}>\d+(?:\.\d+)?)\s*(?:%|percent|per\s*cent|pct)?(?:\s+urban)?"
_TAIL = r"(?:[\s,]+(?:please|pls|abeg|then|now|instead|thanks))*\s*[.!]*\s*$"
MOVE = re.compile(
    _LEAD + r"(?:(?:" + _VERB + r")\s+(?:" + _WHAT + r"\s+)?(?P<way>up|down|higher|lower)?\s*"
    r"(?:to|at)\s+" + _N.format("n")
    + r"|(?:(?:a\s+)?(?:bit|little|tad|touch)\s+|slightly\s+)?(?P<way2>lower|higher)"
    r"(?:\s+(?:then|still|again))?[\s,:;-]+(?:(?:say|to|at|maybe|like)\s+)?" + _N.format("n2") + r")" + _TAIL)
# "lower it by 10", "raise the threshold by 5 points": moved from the value it has
BY = re.compile(
    _LEAD + r"(?P<verb>raise|lower|push|bump|bring|drop|move|increase|reduce|decrease|shift)\s+"
    r"(?:" + _WHAT + r"\s+)?(?P<way>up|down)?\s*by\s+(?:another\s+)?(?P<n>\d+(?:\.\d+)?)"
    r"(?:\s*(?:percentage\s+)?points?|\s*pp)?" + _TAIL)
UP = re.compile(r"\b(?:up|higher|raise|push|bump|increase)\b")
DOWN = re.compile(r"\b(?:down|lower|reduce|decrease|drop)\b")


def _agrees(low: str, old: float | None, new: float) -> bool:
    """The direction said (if any) agrees with the move from the old value."""
    if old is None:
        return True
    up, down = bool(UP.search(low)), bool(DOWN.search(low))
    if up and down:
        return False
    if up:
        return new > old
    if down:
        return new < old
    return True


def _one(values: Sequence[Any] | None) -> float | None:
    values = list(values or ())
    return float(values[0]) if len(values) == 1 else None


def threshold_moved(text: str, low: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """The urban map or the reprioritisation again at the threshold the message moves to."""
    at = _map_at(text, low, ctx, state)
    if at is not None:
        return at
    if not ctx.analysis_ready or "?" in low:
        return None
    by = BY.match(low)
    if by is not None:
        return _moved_by(text, low, by, ctx, state, facts)
    m = MOVE.match(low)
    if m is None:
        return None
    value = float(m.group("n") or m.group("n2"))
    if not 0 < value < 100:
        return None
    number = int(value) if value.is_integer() else value
    last = state.last or {}
    tool = last.get("tool")
    params: Mapping[str, Any] = last.get("params") or {}
    if tool == "show_map" and params.get("what") == "urban":
        old = params.get("threshold")
        if not _agrees(low, float(old) if old is not None else None, value):
            return None
        return Decision([Step("show_map", {"what": "urban", "threshold": number},
                              echo=f"The urban map at more than {_fmt(value)}% urban.",
                              source=text)], reading={"relative": "repri"})
    repri = facts.last_repri or {}
    if not repri:
        return None
    if tool == "reprioritize_urban":
        old = _one(params.get("thresholds") or repri.get("thresholds"))
    elif tool is None and not ctx.last_plan:
        old = _one(repri.get("thresholds"))
    else:
        return None
    if m.group("way2") and old is None:
        return None  # "a bit lower, 70" of several thresholds: which one is not said
    if not re.search(r"\b(?:threshold|cut-?off|urban|level)\b", low) and not m.group("way2"):
        return None  # "move it up to 80" after a reprioritisation: the target or the threshold?
    if not _agrees(low, old, value):
        return None
    return Decision([Step("reprioritize_urban", {"thresholds": [number]},
                          echo=f"Urban reprioritisation at more than {_fmt(value)}% urban.",
                          source=text)], reading={"relative": "repri"})


# "and at 30?", "what about 40%?", "now at 60": the urban map on the screen at another value
AT = re.compile(_LEAD + r"(?:(?:what|how)\s+about\s+|try\s+|same\s+)?(?:(?:at|with|for)\s+)?"
                + _N.format("n") + r"(?:\s+instead)?\s*[?.!]*\s*$")


def _map_at(text: str, low: str, ctx: RouterContext, state: DialogueState) -> Decision | None:
    """ "and at 30?" right after the urban map: that map at 30% (a map: nothing is changed).
    A bare number needs a lead ("and", "now", "what about") or "at", so that an answer to a
    question is not read as a threshold."""
    last = state.last or {}
    params: Mapping[str, Any] = last.get("params") or {}
    if not ctx.analysis_ready or last.get("tool") != "show_map" or params.get("what") != "urban":
        return None
    m = AT.match(low)
    if m is None or not re.match(r"^\W*(?:ok(?:ay)?|and|now|then|so|what|how|try|same|at|with"
                                 r"|for)\b", low):
        return None
    value = float(m.group("n"))
    if not 0 < value < 100 or value == params.get("threshold"):
        return None
    number = int(value) if value.is_integer() else value
    return Decision([Step("show_map", {"what": "urban", "threshold": number},
                          echo=f"The urban map at more than {_fmt(value)}% urban.",
                          source=text)], reading={"relative": "repri"})


def _moved_by(text: str, low: str, by: re.Match[str], ctx: RouterContext, state: DialogueState,
              facts: Facts) -> Decision | None:
    """ "lower it by 10" after the urban map at 50 (the map at 40), or after a
    reprioritisation at one threshold (the reprioritisation at that threshold less 10)."""
    up, down = bool(UP.search(low)), bool(DOWN.search(low))
    if up == down:
        return None
    delta = float(by.group("n")) * (1 if up else -1)
    last = state.last or {}
    tool = last.get("tool")
    params: Mapping[str, Any] = last.get("params") or {}
    if tool == "show_map" and params.get("what") == "urban":
        if params.get("threshold") is None:
            return None
        value = float(params["threshold"]) + delta
        if not 0 < value < 100:
            return None
        number = int(value) if value.is_integer() else value
        return Decision([Step("show_map", {"what": "urban", "threshold": number},
                              echo=f"The urban map at more than {_fmt(value)}% urban "
                                   f"({_fmt(float(params['threshold']))} {'+' if up else '-'} "
                                   f"{_fmt(abs(delta))}).", source=text)],
                        reading={"relative": "repri"})
    repri = facts.last_repri or {}
    if tool != "reprioritize_urban" or not repri or \
            not re.search(r"\b(?:threshold|cut-?off|urban|level)\b", low):
        return None
    old = _one(params.get("thresholds") or repri.get("thresholds"))
    if old is None:
        return None
    value = old + delta
    if not 0 < value < 100:
        return None
    number = int(value) if value.is_integer() else value
    return Decision([Step("reprioritize_urban", {"thresholds": [number]},
                          echo=f"Urban reprioritisation at more than {_fmt(value)}% urban "
                               f"({_fmt(old)} {'+' if up else '-'} {_fmt(abs(delta))}).",
                          source=text)], reading={"relative": "repri"})
