"""Short messages whose words name a kind of request and nothing more, read by rules on
those words rather than by the intent model's near ties: "which are low risk?" (the wards of
that category) and "urban 60" while a plan is stored but was not the last thing talked about
(the plan's urban threshold, or a reprioritisation at 60%: asked, never guessed).

A pure function of the message, the context and the dialogue state."""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat.router import PLAN_TOOLS, RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Step, leave_it

# "which are low risk?", "and which ones are high?", "what wards are in the medium group"
WHICH_CATEGORY = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|then|now|pls|please|abeg)[\s,]+)*(?:which|wich|what)\s+(?:ones?\s+"
    r"|wards?\s+)?(?:are|is|dey|be|fall)\s+(?:in\s+(?:the\s+)?)?(?P<cat>high|medium|low)"
    r"(?:[\s-]+(?:risk|priority|group|category|ones?))?\s*[?.!]*\s*$")
# "urban 60", "urban 60%", "urban threshold 50": the words alone
URBAN_ALONE = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|and|now|then)[\s,]+)*urban\s+(?:threshold\s+)?"
                         r"(?:of\s+|at\s+)?(?P<n>\d{1,2}(?:\.\d+)?)\s*(?:%|percent)?\s*[?.!]*\s*$")


def which_category(text: str, low: str, ctx: RouterContext,
                   state: DialogueState) -> Decision | None:
    """The wards of the category named; the place of the list just shown is kept."""
    m = WHICH_CATEGORY.match(low)
    if m is None or not ctx.analysis_ready:
        return None
    params: dict[str, Any] = {"category": m.group("cat").capitalize()}
    last = state.last or {}
    if last.get("tool") in ("list_wards", "top_wards"):
        params.update({k: v for k, v in (last.get("params") or {}).items()
                       if k in ("lga", "lga_code", "method") and v})
    return Decision([Step("list_wards", params, source=text)], reading={"tool": "list_wards"})


def urban_alone(low: str, ctx: RouterContext, state: DialogueState) -> Decision | None:
    """ "urban 60" with a plan stored and something else talked about since: the plan's urban
    threshold or a reprioritisation at that threshold, both offered."""
    m = URBAN_ALONE.match(low)
    last = (state.last or {}).get("tool")
    if m is None or ctx.last_plan is None or not ctx.analysis_ready or last in PLAN_TOOLS or \
            last == "reprioritize_urban" or (state.shown or {}).get("what") == "urban":
        return None  # right after a plan or a reprioritisation, the change of that one
    value = float(m.group("n"))
    n = int(value) if value.is_integer() else value
    choices = [{"label": f"Re-plan with urban threshold {n}", "tool": "what_if_plan",
                "params": {"urban_threshold": n}},
               {"label": f"Reprioritise urban wards at a {n}% urban threshold",
                "tool": "reprioritize_urban", "params": {"thresholds": [n]}},
               leave_it()]
    return Decision(text=f"Do you want the net plan with wards at least {n}% urban served "
                         f"last, or the urban wards that could be de-prioritised at {n}%? "
                         "Nothing is changed until you say.", choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={"asked": "urban_threshold_or_reprioritisation"})
