"""A map of "one of the variables" asked for without naming which: the variable is asked
(one tap per variable of the analysis), and the name said next ("test positivity") answers
that question with the map of that variable. Never the composite map in its place."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, Facts, Step, leave_it

# "map one of the variables", "show me a map of a variable", "a map for each indicator"
VARIABLE_WORD = re.compile(r"\b(?:variables?|indicators?|covariates?|risk\s+factors?"
                           r"|factors?|columns?)\b")
# a map named by its kind: the request says which map it is
OTHER_MAP = re.compile(r"\b(?:composite|pca|categor\w*|itn|nets?|plan|urban|vulnerab\w*"
                       r"|scores?|rank\w*|priorit\w*|all|every|each|both)\b")
MAP_TOOLS = ("show_map",)
OTHER_REQUEST = re.compile(r"\b(?:add|drop|remove|plan|nets?|export|save|png|csv|top|list|why"
                           r"|rank\w*|analys\w*)\b")
ASKED = "Which variable should I map?"


def ask_which(decision: Decision, text: str, ctx: RouterContext, facts: Facts) -> Decision:
    """The question "which variable?" in place of a map that does not say which variable
    the request meant (the composite map is not a variable's map)."""
    if len(decision.steps) != 1 or decision.steps[0].tool not in MAP_TOOLS:
        return decision
    params = decision.steps[0].params
    if params.get("variable") or params.get("what") not in (None, "composite"):
        return decision
    low = ex.lower_text(text)
    if not VARIABLE_WORD.search(low) or OTHER_MAP.search(low):
        return decision
    if any(m.column for m in ex.find_variables(text, ctx.variables)):
        return decision
    names = [v for v in facts.analysis_variables if v in ctx.variables] or []
    if not names:
        return decision
    asked = which_variable(names)
    asked.reading = {**decision.reading, **asked.reading}
    return asked


def which_variable(names: list[str]) -> Decision:
    """ "Which variable should I map?", one tap per variable of the analysis."""
    choices: list[dict[str, Any]] = [
        {"label": f"Map {v}", "tool": "show_map", "params": {"what": "variable", "variable": v}}
        for v in names]
    choices.append(leave_it())
    said = ", ".join(names)
    return Decision(text=f"{ASKED} The analysis used: {said}. Tap one or name it.",
                    choices=choices,
                    pending={"expects": "choice", "tool": "show_map", "choices": choices,
                             "map_variable": True},
                    reading={"map_variable": "asked"})


def answer(text: str, ctx: RouterContext, pending: Mapping[str, Any]) -> Decision | None:
    """The variable named in answer to "which variable should I map?" ("test positivity",
    "the rainfall one"): the map of that variable. A question, a name that is no column of
    the table or two names are not that answer."""
    if not pending.get("map_variable"):
        return None
    low = ex.lower_text(text)
    if "?" in low or len(low.split()) > 8:
        return None
    mentions = ex.find_variables(text, ctx.variables)
    named = list(dict.fromkeys(m.column for m in mentions if m.column))
    if len(named) != 1 or any(m.column is None for m in mentions):
        return None
    rest = low
    for m in sorted(mentions, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end:]
    if OTHER_REQUEST.search(rest):
        return None  # "add rainfall to the analysis": another request, read on its own
    return Decision([Step("show_map", {"what": "variable", "variable": named[0]}, source=text)],
                    reading={"map_variable": "answered"})
