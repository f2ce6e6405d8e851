"""A setting asked to change with no value said: "redo urban reprioritisation with a
different target", "now redo it at a different threshold", "re-run the TPR for another age
group", "change the test type". Running again with the old value (or a guessed one) would
silently do something else than asked: the value is asked, with the current one said and
one-tap choices where the values are few. The value said next is read by the question's
own reading (chatmrpt.chat.repri_target for the target; ``threshold_answer`` here for the
threshold; the choices for the TPR).

Read only when the message names the setting with a word of another value ("different",
"another", "other", "new", "change") and holds no number and no value of that setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.reading import _fmt, _join
from chatmrpt.chat.state import Decision, Facts, Step, leave_it, steps_choice

OTHER = re.compile(r"\b(?:different|another|other|new|change|changing|switch|alternative)\b")
QUESTION = re.compile(r"\?|^\s*(?:what|which|why|how|is|are|does|do|can|could|would|should)\b")
REPRI_NAMED = re.compile(r"\b(?:re-?|de-?)?prioriti[sz]\w*|\burban\s+(?:re|de)\w*")
THRESHOLD = re.compile(r"\b(?:threshold|cut-?off|urban\s+(?:level|share|cut))s?\b")
TPR_NAMED = re.compile(r"\btpr\b|\btest\s+positivity\b|\bpositivity\b")
TPR_SETTING = (  # (setting, words, label, values with their words)
    ("age", re.compile(r"\bage(?:\s+group)?s?\b|\bgroups?\b|\bpopulation\s+group\b"),
     "age group", (("u5", "children under five"), ("o5", "people over five"),
                   ("pw", "pregnant women"), ("all", "all ages"))),
    ("test", re.compile(r"\btests?(?:\s+type)?\b|\bdiagnostic\w*\b"), "test",
     (("rdt", "RDT only"), ("microscopy", "microscopy only"), ("both", "both tests"))),
    ("facility_level", re.compile(r"\bfacility\s+levels?\b|\blevels?\b"), "facility level",
     (("primary", "primary facilities"), ("secondary", "secondary facilities"),
      ("tertiary", "tertiary facilities"), ("all", "all facilities"))),
)
# another subject: the value asked of it is not the reprioritisation's or the TPR's
ELSEWHERE = re.compile(r"\b(?:nets?|plan|household|map|export|download|excel|csv|png|list"
                       r"|top|bottom|variables?|normali[sz]\w*)\b")


def _no_value(low: str) -> bool:
    return not ex.extract_numbers(low) and not re.search(
        r"\b(?:default|usual|original|standard|same|back)\b", low)


def repri_threshold_asked(text: str, low: str, facts: Facts,
                          last: Mapping[str, Any] | None) -> Decision | None:
    """ "now redo it at a different threshold" after a reprioritisation: which threshold."""
    repri = facts.last_repri or {}
    if not repri or not THRESHOLD.search(low) or not OTHER.search(low) or QUESTION.search(low) \
            or not _no_value(low) or ELSEWHERE.search(low) or re.search(r"\btarget\b", low):
        return None
    last_tool = (last or {}).get("tool")
    if last_tool != "reprioritize_urban" and not REPRI_NAMED.search(low):
        return None  # a plan's urban threshold, or nothing said about which
    thresholds = [f"{_fmt(float(t))}%" for t in repri.get("thresholds") or ()]
    now = f" (now {_join(thresholds)})" if thresholds else ""
    params: dict[str, Any] = {}
    if repri.get("target") is not None:
        params["target_share"] = repri["target"]
    return Decision(text=f"Which urban threshold should the reprioritisation use{now}? Say a "
                         "share, e.g. 40 for wards more than 40% urban.",
                    pending={"expects": "repri_threshold", "tool": "reprioritize_urban",
                             "params": params},
                    reading={"repri_threshold": "asked"})


def threshold_answer(text: str, pending: Mapping[str, Any]) -> Decision | None:
    """The threshold asked for, said as a short answer: "40", "40%", "make it 40 percent"."""
    low = ex.lower_text(text)
    from chatmrpt.chat.repri_target import short_number_answer

    n = short_number_answer(low, r"threshold|of|the|urban|more\s+than|above")
    if n is None:
        return None
    if not 0 < n.value < 100:
        return None
    params = {**(pending.get("params") or {}), "thresholds": [n.number]}
    return Decision([Step("reprioritize_urban", params,
                          echo=f"Urban reprioritisation at more than {_fmt(n.value)}% urban.",
                          source=text)], reading={"repri_threshold": "answered"})


def tpr_setting_asked(text: str, low: str, has_tpr: bool,
                      last: Mapping[str, Any] | None) -> Decision | None:
    """ "re-run the TPR for another age group", "change the test type": which value."""
    if not has_tpr or not OTHER.search(low) or QUESTION.search(low) or ex.extract_numbers(low) \
            or ELSEWHERE.search(low):
        return None
    last_tool = (last or {}).get("tool")
    if last_tool != "compute_tpr" and not TPR_NAMED.search(low):
        return None
    named = [s for s in TPR_SETTING if s[1].search(low)]
    if len(named) != 1:
        return None
    setting, _, label, values = named[0]
    if ex.find_choice(setting, text):
        return None  # the value is said: read as a change by the TPR follow-ups
    now = ((last or {}).get("params") or {}).get(setting) if last_tool == "compute_tpr" else None
    choices = [steps_choice(f"TPR for {words}" if setting == "age" else f"TPR with {words}",
                            [Step("compute_tpr", {setting: value},
                                  echo=f"Running the TPR again with {words}; the other "
                                       "settings as in the last run.")])
               for value, words in values if value != now]
    choices.append(leave_it())
    return Decision(text=f"Which {label} should the TPR use? The other settings stay as in the "
                         "last run.", choices=choices,
                    pending={"expects": "choice", "choices": choices, "tool": "compute_tpr"},
                    reading={"tpr_setting": "asked"})
