"""Plan changes said in full sentences, the way a report or an e-mail says them.

- the plan's ranking changed in a message that also states the ranking the plan uses now
  ("The stored plan allocates by the composite ranking. Could you redo it allocating by the
  PCA ranking instead?"): the ranking asked for is the one that differs from the plan's;
- a step back to an earlier plan with what that plan held ("go back to the first plan of
  400,000 without bales"): the plan reached, when it holds that; asked otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import plan_ops, plan_refs
from chatmrpt.chat.state import Decision, DialogueState, Step, leave_it

# words that ask for a change of what the plan uses now
CHANGE_ASKED = re.compile(r"\b(?:instead|switch\w*|chang\w*|redo|re-?do|re-?run|re-?plan\w*"
                          r"|rather|move|replace\w*|swap\w*|alternative(?:ly)?|other)\b")


METHOD_NAME = re.compile(r"\b(pca|composite)\b")


def method_meant(cued: str, low: str, last_plan: Mapping[str, Any] | None) -> str | None:
    """The ranking a plan change asks for: ``cued`` (the one named after "use", "by", "switch
    to" ...) when the message names no other ranking; with both named ("the stored plan
    allocates by the composite ranking; redo it by PCA instead"), the one the plan does not
    use yet, when the message asks for a change; None (ask) otherwise. ``low`` is the message
    without the rankings it rules out ("instead of PCA")."""
    said = set(METHOD_NAME.findall(low)) | {cued}
    if len(said) == 1:
        return cued
    current = (last_plan or {}).get("method") or "composite"
    others = [n for n in said if n != current]
    if len(others) == 1 and current in said and CHANGE_ASKED.search(low):
        return others[0]
    return None


def method_question() -> tuple[str, list[dict[str, Any]]]:
    """The question asked when a message names both rankings and which one it asks for is not
    clear, with a one-tap choice for each."""
    choices = [{"label": "Re-plan with the PCA ranking", "tool": "what_if_plan",
                "params": {"method": "pca"}},
               {"label": "Re-plan with the composite ranking", "tool": "what_if_plan",
                "params": {"method": "composite"}},
               leave_it()]
    return ("Your message names both the composite and the PCA ranking. Which one should the "
            "plan use? Nothing is changed until you say.", choices)


# --- a step back to an earlier plan, described by its values ----------------------------------

# "go back to the first plan of 400,000 without bales", "return to the previous plan, the one
# with 500,000 nets": a step back (plan_ops.step_back) followed by what the plan held
DESCRIBED_BACK = re.compile(
    r"^(?P<back>.*?\b(?:back|return|revert|restore|switch\s+back)\b(?:\s+to)?\s+(?:the\s+|my\s+"
    r"|our\s+)?(?:very\s+)?(?:first|original|initial|previous|earlier|prior|former)\s+(?:plan"
    r"|one|version|allocation))(?P<desc>(?:\s*[,(:-]\s*|\s+)(?:the\s+one\s+)?(?:of|with|for"
    r"|without|at|that\s+had|which\s+had)\b.*)$")
# the words a description of a plan may use besides its numbers
DESCRIPTION_WORDS = frozenset([
    "of", "with", "for", "without", "at", "that", "which", "had", "the", "one", "a", "an",
    "and", "no", "any", "nets", "net", "itns", "llins", "bales", "bale", "size", "sizes",
    "household", "households", "hh", "persons", "people", "person", "per", "in", "counted",
    "by", "individually", "loose", "single", "singly", "urban", "threshold", "buffer", "cap",
    "please", "pls", "again", "then", "now", "thanks"])
NO_BALES = re.compile(r"\b(?:without|no)\s+(?:any\s+)?bal(?:es?|ing)\b|\bnot?\s+(?:in\s+)?bales\b"
                      r"|\b(?:one\s+by\s+one|individually|loose|singly)\b")
WITH_BALES = re.compile(r"\b(?:with|in)\s+(?:the\s+)?bales\b")
NO_BUFFER = re.compile(r"\b(?:without|no)\s+(?:any\s+|a\s+)?buffer\b")
NO_CAP = re.compile(r"\b(?:without|no)\s+(?:any\s+|a\s+)?cap\b")


def _description_fits(desc: str, params: Mapping[str, Any]) -> bool | None:
    """Whether the plan ``params`` holds what ``desc`` says of it ("of 400,000 without bales");
    None when the description says more than its numbers and a few plan words."""
    numbers = ex.extract_numbers(ex.canonical_text(desc))
    rest = desc
    for n in sorted(numbers, key=lambda n: -n.start):
        rest = rest[:n.start] + " " + rest[n.end:]
    if any(w not in DESCRIPTION_WORDS for w in re.findall(r"[a-z][a-z']*", rest)):
        return None
    values = [float(v) for k, v in params.items()
              if isinstance(v, int | float) and not isinstance(v, bool)]
    for n in numbers:
        if not any(abs(v - n.value) < 1e-9 for v in values):
            return False
    bales = float(params.get("bale_size") or 1)
    if NO_BALES.search(desc) and bales > 1:
        return False
    if WITH_BALES.search(desc) and bales <= 1:
        return False
    if NO_BUFFER.search(desc) and float(params.get("buffer") or 1) > 1:
        return False
    if NO_CAP.search(desc) and params.get("max_ward_share") is not None:
        return False
    return bool(numbers) or bool(NO_BALES.search(desc) or WITH_BALES.search(desc)
                                 or NO_BUFFER.search(desc) or NO_CAP.search(desc))


def described_step_back(text: str, state: DialogueState) -> Decision | None:
    """ "Go back to the first plan of 400,000 without bales": the step back, when the plan it
    reaches holds what the message says of it; the earlier plans offered as one-tap choices
    when it does not; None when the message is no step back with a description."""
    low = ex.lower_text(text).strip().rstrip(".!")
    m = DESCRIBED_BACK.match(low)
    if m is None or "?" in low:
        return None
    last = state.last or {}
    back = plan_ops.step_back(m.group("back"), state.plans, last.get("tool"), last.get("params"))
    if back is None or "ask" in back:
        return None
    fits = _description_fits(m.group("desc"), back["params"])
    if fits is None:
        return None
    if fits:
        return Decision([Step("plan_itn", plan_ops.restore_params(back["params"]),
                              echo=back["echo"], source=text)],
                        reading={"relative": "plan_op", "plan_restore": back["index"]})
    h = plan_ops._history(state.plans)
    earlier = [(i, p) for i, p in enumerate(h["params"])
               if i != h["at"] and p.get("total_nets") and p.get("household_size")]
    choices = plan_refs._choices(earlier)
    return Decision(text=f"The plan I would go back to ({plan_ops.plan_words(back['params'])}) "
                         "does not hold everything you said of it. Which earlier plan do you "
                         "mean? Nothing is changed until you say.", choices=choices,
                    pending={"expects": "choice", "choices": choices} if choices else None,
                    reading={"relative": "plan_ref", "ask": True})
