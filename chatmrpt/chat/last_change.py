""" "what did you just change?", "what changed?", "what was the last change?": the last change
to the net plan, said from the plans the conversation pointed at (old value and new), with
the plan as it now stands. Nothing is run.

Only when the last request changed the plan; other messages are left to the other readings.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import plan_ops
from chatmrpt.chat.state import Decision, DialogueState

_LEAD = r"^\s*(?:(?:so|ok(?:ay)?|and|sorry|wait|hmm+|erm|um|abeg|please|pls)[\s,]+)*"
ASKED = re.compile(
    _LEAD + r"(?:(?:what|wetin)\s+(?:did|have|has)\s+(?:you|u|it)\s+(?:just\s+)?(?:change|changed"
    r"|do|done|modify|modified|update|updated|switch|switched)"
    r"|(?:what|wetin)\s+(?:has\s+|just\s+|exactly\s+)?(?:changed|change)"
    r"|what\s+(?:was|is)\s+(?:the|that|your)\s+(?:last\s+|latest\s+)?change"
    r"|which\s+(?:setting|value|number)s?\s+(?:did\s+you\s+(?:just\s+)?change|changed))"
    r"(?:\s+(?:now|just\s+now|there|exactly|again|in\s+(?:the|my|our)\s+plan|to\s+(?:the|my|our)"
    r"\s+plan|then))*\s*[?.!]*\s*$")


def _fmt(value: Any) -> str:
    return plan_ops._fmt(value)


def last_change_question(text: str, state: DialogueState) -> Decision | None:
    """The last change to the plan, when asked about and the last request changed it."""
    low = ex.lower_text(text)
    if not ASKED.match(low) or (state.last or {}).get("tool") not in plan_ops.PLAN_TOOLS:
        return None
    h = plan_ops._history(state.plans)
    at = h["at"]
    if not h["ids"] or not h["params"][at]:
        return None
    now = h["params"][at]
    head = (f"The plan now: {_fmt(now.get('total_nets'))} nets, households of "
            f"{_fmt(now.get('household_size'))} people.")
    if at < 1 or not h["params"][at - 1]:
        return Decision(text=f"The last request made the plan; nothing was changed after it. "
                             f"{head}", reading={"answered": "last_change"})
    diff = plan_ops.changes_text(h["params"][at - 1], now)
    if not diff:
        return Decision(text=f"The last request changed nothing in the plan. {head}",
                        reading={"answered": "last_change"})
    return Decision(text=f"The last change to the plan: {diff}. {head}",
                    reading={"answered": "last_change"})


# "what plan do we have now?", "which plan are we on?", "what's the current plan? total
# nets?": the plan as it stands, asked about
PLAN_NOW = re.compile(
    _LEAD + r"(?:(?:what|which|wetin)\s+(?:plan|allocation|net\s+plan|itn\s+plan)\s+(?:do|are|did"
    r"|have)\s+(?:we|you|u)\s+(?:have|got|get|on|using|use|running|made|make|holding|currently"
    r"\s+(?:have|on|using))(?:\s+(?:now|currently|at\s+the\s+moment|right\s+now|loaded"
    r"|in\s+place|so\s+far))*"
    r"|(?:what|which)(?:\s+is|'s|s)\s+(?:the|our)\s+(?:current|active|latest|present)\s+(?:plan"
    r"|allocation)(?:\s+(?:now|currently|at\s+the\s+moment))*"
    r"|(?:what|which)\s+(?:plan|allocation)\s+is\s+(?:this|current|active|loaded|in\s+place"
    r"|showing|on)(?:\s+(?:now|currently))*)\s*[?.!]*"
    r"(?P<rest>.*)$")
NETS_ASKED = re.compile(r"^\s*(?:(?:and|so|the|its|what'?s|what\s+is|how\s+many)\s+)*(?:total\s+)?"
                        r"(?:nets?|itns?)(?:\s+(?:total|in\s+it|used|planned))*\s*[?.!]*\s*$")


def current_plan_question(text: str, last_plan: dict[str, Any] | None) -> Decision | None:
    """The plan as it stands, for a message that asks which plan the session has, alone or
    with the nets asked for ("what plan do we have now? total nets?")."""
    from chatmrpt.chat.state import Step

    m = PLAN_NOW.match(ex.lower_text(text))
    if m is None or not last_plan or "total_nets" not in last_plan:
        return None
    rest = m.group("rest").strip()
    if rest and not NETS_ASKED.match(rest):
        return None  # "which plan do we have now? and which wards get nets": read otherwise
    return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)],
                    reading={"plan_now": True})


# "and what is the figure?", "so what's the number?" right after an answer about the results:
# the figure of what was just talked about
FIGURE_ASKED = re.compile(
    _LEAD + r"(?:what|wetin)(?:\s+is|\s+was|'?s)?\s+(?:the|that|its|this)\s+(?:actual\s+)?(?:figure"
    r"|number|value|amount|percentage|percent|count|total)(?:\s+(?:then|now|again|there"
    r"|for\s+(?:it|that|this)|on\s+(?:it|that|this)))*\s*[?.!]*\s*$")


def figure_again(text: str, state: DialogueState) -> Decision | None:
    """The last answer about the results again, for a message that only asks for its figure."""
    from chatmrpt.chat.state import Step

    last = state.last or {}
    if last.get("tool") != "ask_results" or not FIGURE_ASKED.match(ex.lower_text(text)):
        return None
    return Decision([Step("ask_results", dict(last.get("params") or {}), source=text)],
                    reading={"figure_again": True})


# the questions about the results that "and now?" asks again after a change
ASKED_AGAIN_TOOLS = ("ask_results", "ward_value", "top_wards", "list_wards", "lga_summary",
                     "explain_ward", "compare_methods", "pca_validity")
# the settings that change what those questions answer: the analysis, the plan, the urban
# reprioritisation
CHANGED_BY = ("run_analysis", "plan_itn", "what_if_plan", "reprioritize_urban")
NOW_AGAIN = re.compile(
    r"^\s*(?:(?:and|nd|&|so|ok(?:ay)?)[\s,]+)*(?:now|nw|what\s+about\s+now|how\s+about\s+now"
    r"|and\s+now|what\s+is\s+it\s+now|what\s+(?:does|do)\s+it\s+(?:say|give)\s+now)\s*[?.!]*\s*$")


def asked_again(text: str, state: DialogueState) -> Decision | None:
    """ "and now?" right after a change of the analysis, the plan or the reprioritisation:
    the question asked before the change, answered again on what now stands. Only questions
    are asked again; nothing is changed."""
    from chatmrpt.chat.state import Step

    last = state.last or {}
    asked = last.get("asked") or {}
    if last.get("tool") not in CHANGED_BY or asked.get("tool") not in ASKED_AGAIN_TOOLS \
            or not NOW_AGAIN.match(ex.lower_text(text)):
        return None
    return Decision([Step(asked["tool"], dict(asked.get("params") or {}), source=text)],
                    reading={"asked_again": asked["tool"]})


# "is people per net still 1.8?", "is the household size 6?": one setting of the current plan,
# asked about with a value ("what is the threshold now?" is answered with the plan's settings)
SETTING_ASKED = (
    ("people_per_net", r"(?:people|persons?)\s+per\s+net", 1.8, "people per net", ""),
    ("household_size", r"(?:the\s+)?(?:house\s*hold|hh)(?:\s+size)?", None, "household size",
     " people"),
    ("urban_threshold", r"(?:the\s+)?(?:urban\s+)?(?:threshold|cut[\s-]?off)", 75,
     "urban threshold", "%"),
    ("bale_size", r"(?:the\s+)?bale\s+size", 1, "bale size", " nets"),
)
_STILL = r"(?:\s+(?:still|now|currently|again|at))?"
_NOW = (r"(?:\s+(?:still|now|currently|right\s+now|at\s+the\s+moment|in\s+(?:the|this|our)"
        r"\s+plan|for\s+(?:the|this)\s+plan|there))*")


def plan_setting_question(text: str, last_plan: dict[str, Any] | None) -> Decision | None:
    """ "is people per net still 1.8?", "is the threshold still 75?": the value the current
    plan uses, said; nothing is run. The setting stays the topic: "set it to 2"
    right after changes it (the same question the assistant asks before a change)."""
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.lower_text(text).strip()
    for key, name, default, label, unit in SETTING_ASKED:
        m = re.fullmatch(
            _LEAD + r"(?:(?:is|are)\s+(?:the\s+)?(?P<a>" + name + r")" + _STILL
            + r"(?:\s+(?:set\s+)?(?:at|to))?\s+(?P<v>\d+(?:\.\d+)?)\s*(?:%|percent)?" + _NOW
            + r")\s*\?+\s*", low)
        if m is None:
            continue
        value = last_plan.get(key, default)
        if value is None:
            return None
        now = f"{_fmt(value)}{unit}"
        uses = f"the current plan uses {_fmt(value)} {label}" if key == "people_per_net" \
            else f"the current plan's {label} is {now}"
        said = m.group("v")
        if abs(float(said) - float(value)) < 1e-9:
            head = f"Yes: {uses}."
        else:
            head = f"No: {uses}, not {said}{unit}."
        return Decision(text=f"{head} Say a new value to change it.",
                        pending={"tool": "what_if_plan", "params": {}, "missing": [],
                                 "expects": "plan_numbers", "setting": key, "current": value},
                        reading={"answered": "plan_setting"})
    return None
