"""The reprioritisation's population target changed in two turns: "I want to change the
target" (no value) is asked about, never re-run with the old target; the value said next
("twenty percent", "make it 20") re-runs the last reprioritisation with that target and its
thresholds kept."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.reading import _fmt
from chatmrpt.chat.state import Decision, Facts, Step

_CHANGE = re.compile(r"\b(?:change|adjust|modify|update|alter|tweak|set|different|another"
                     r"|new|lower|raise|reduce|increase)\b")
_TARGET = re.compile(r"\b(?:population\s+)?target(?:\s+(?:share|population(?:\s+share)?))?\b")
# the target of something else: a plan's coverage, the nets
_OTHER = re.compile(r"\b(?:nets?|plan|coverage|household|threshold|map|export|download|show)\b")


def target_change_asked(text: str, facts: Facts) -> Decision | None:
    """ "I want to change the target", "can we set a different target": the reprioritisation's
    target to change, with no value. Asked, with the current target said."""
    last = facts.last_repri or {}
    if not last:
        return None
    low = ex.lower_text(text)
    if not _TARGET.search(low) or not _CHANGE.search(low) or _OTHER.search(low):
        return None
    if ex.extract_numbers(low) or re.search(r"\b(?:default|usual|original|back|reset)\b", low):
        return None
    if len(low.split()) > 12 or re.search(r"\b(?:why|what\s+is|what'?s|how\s+does)\b", low):
        return None
    target = last.get("target")
    now = f" (now {_fmt(float(target))}% of the population)" if target is not None else ""
    thresholds = list(last.get("thresholds") or [])
    return Decision(text=f"What should the target be{now}? The least vulnerable urban wards "
                         "are de-prioritised until they hold that share of the population.",
                    pending={"expects": "repri_target", "tool": "reprioritize_urban",
                             "params": {"thresholds": thresholds} if thresholds else {}},
                    reading={"repri_target": "asked"})


def target_answer(text: str, pending: Mapping[str, Any]) -> Decision | None:
    """The target asked for, said as a short answer: "twenty percent", "20", "make it 25%"."""
    low = ex.lower_text(text)
    nums = ex.extract_numbers(low)
    if len(nums) != 1 or "?" in low or len(low.split()) > 6:
        return None
    n = nums[0]
    rest = (low[: n.start] + " " + low[n.end:]).strip(" .!,")
    if not re.fullmatch(r"(?:(?:ok(?:ay)?|so|then|make\s+it|use|set\s+it\s+to|try|let'?s\s+say"
                        r"|target|of|the|population|percent|per\s*cent|%|please|pls|abeg|now"
                        r"|instead|it|to|at)[\s,.!]*)*", rest):
        return None
    if not 0 < n.value <= 100:
        return None
    params: dict[str, Any] = {**(pending.get("params") or {}), "target_share": n.number}
    return Decision([Step("reprioritize_urban", params,
                          echo=f"Urban reprioritisation with a target of {_fmt(n.value)}% of "
                               "the population.", source=text)],
                    reading={"repri_target": "answered"})
