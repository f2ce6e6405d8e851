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
_REPRI_NAMED = re.compile(r"\b(?:re-?|de-?)?prioriti[sz]\w*")
DEFAULT_TARGET = 30.0  # chatmrpt.analysis.declarations.DEFAULT_TARGET_SHARE
# "you decide", "your call", "whatever you think is best": the choice left to the assistant,
# which takes the default target (and says so)
LEFT_TO_US = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|hmm+|well|erm|just|so|abeg|i\s+don'?t\s+know)[\s,.!]+)*"
    r"(?:you\s+(?:decide|choose|pick|tell\s+me)|your\s+call|up\s+to\s+you|(?:any|whatever)(?:\s+(?:one|"
    r"you\s+(?:think|suggest|recommend|like|prefer)(?:\s+is\s+(?:best|right|good))?))?"
    r"|(?:the\s+)?(?:default|usual|standard|recommended)(?:\s+(?:one|value|target))?"
    r"|what(?:ever)?\s+you\s+recommend|your\s+(?:choice|recommendation))"
    r"(?:[\s,.!]+(?:please|pls|abeg|then|thanks))*\s*[.!]*\s*$")
_OTHER = re.compile(r"\b(?:nets?|plan|coverage|household|threshold|map|export|download|show)\b")


def target_change_asked(text: str, facts: Facts) -> Decision | None:
    """ "I want to change the target", "can we set a different target": the reprioritisation's
    target to change, with no value. Asked, with the current target said."""
    last = facts.last_repri or {}
    low = ex.lower_text(text)
    if not last and not (_REPRI_NAMED.search(low) and facts.analysis_variables):
        return None  # no reprioritisation yet, and none asked for by name
    if not _TARGET.search(low) or not _CHANGE.search(low) or _OTHER.search(low):
        return None
    if ex.extract_numbers(low) or re.search(r"\b(?:default|usual|original|back|reset)\b", low):
        return None
    if len(low.split()) > 12 or re.search(r"\b(?:why|what\s+is|what'?s|how\s+does)\b", low):
        return None
    target = last.get("target")
    now = f" (now {_fmt(float(target))}% of the population)" if target is not None else \
        f" (the default is {_fmt(DEFAULT_TARGET)}% of the population)"
    thresholds = list(last.get("thresholds") or [])
    return Decision(text=f"What should the target be{now}? The least vulnerable urban wards "
                         "are de-prioritised until they hold that share of the population.",
                    pending={"expects": "repri_target", "tool": "reprioritize_urban",
                             "params": {"thresholds": thresholds} if thresholds else {}},
                    reading={"repri_target": "asked"})


def short_number_answer(low: str, setting_words: str) -> ex.NumberMention | None:
    """The one number of a short answer to "what should the target / threshold be?" ("40",
    "make it 40 percent"), said with nothing but the setting's own words
    (``setting_words``, a regular expression) and plain fillers; None otherwise."""
    nums = ex.extract_numbers(low)
    if len(nums) != 1 or "?" in low or len(low.split()) > 6:
        return None
    n = nums[0]
    rest = (low[: n.start] + " " + low[n.end:]).strip(" .!,")
    if not re.fullmatch(r"(?:(?:ok(?:ay)?|so|then|make\s+it|use|set\s+it\s+to|try|let'?s\s+say"
                        r"|" + setting_words + r"|percent|per\s*cent|%|please|pls|abeg|now"
                        r"|instead|it|to|at)[\s,.!]*)*", rest):
        return None
    return n


def target_answer(text: str, pending: Mapping[str, Any]) -> Decision | None:
    """The target asked for, said as a short answer: "twenty percent", "20", "make it 25%"."""
    low = ex.lower_text(text)
    if LEFT_TO_US.match(low):
        from chatmrpt.analysis.declarations import DEFAULT_TARGET_SHARE

        params0: dict[str, Any] = {**(pending.get("params") or {}),
                                   "target_share": DEFAULT_TARGET_SHARE}
        return Decision([Step("reprioritize_urban", params0,
                              echo=f"Using the default target of {_fmt(DEFAULT_TARGET_SHARE)}% "
                                   "of the population.", source=text)],
                        reading={"repri_target": "default"})
    n = short_number_answer(low, r"target|of|the|population")
    if n is None:
        return None
    if not 0 < n.value <= 100:
        return None
    params: dict[str, Any] = {**(pending.get("params") or {}), "target_share": n.number}
    return Decision([Step("reprioritize_urban", params,
                          echo=f"Urban reprioritisation with a target of {_fmt(n.value)}% of "
                               "the population.", source=text)],
                    reading={"repri_target": "answered"})


# "run it at the default target", "reprioritise with the usual target", "use the standard
# target again": the reprioritisation at its default population target
_DEFAULT_WORD = r"(?:default|standard|usual|normal|original|recommended)"
DEFAULT_TARGET_RUN = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|then|and|now|fine|alright|please|pls|abeg|oya|yes|just)[\s,.!]+)*"
    r"(?:(?:re-?)?run|do|redo|use|try|apply|go\s+with|reprioriti[sz]e|set|reset|put|make)\b"
    r"(?:\s+(?:it|that|this|am|the\s+(?:urban\s+)?(?:reprioriti[sz]ation|re-?prioriti[sz]ation"
    r"|analysis)|again|back|up))*"
    rf"\s+(?:at|with|on|to|using|for)?\s*(?:the\s+|a\s+|d\s+)?{_DEFAULT_WORD}\s+"
    r"(?:population\s+)?target(?:\s+(?:share|population(?:\s+share)?))?(?:\s+of\s+30\s*%?)?"
    r"(?:[\s,]+(?:again|please|pls|abeg|then|now|instead|thanks))*\s*[.!]*\s*$")
# "back to the default 30", "back to the default target", "reset the target to default"
DEFAULT_TARGET_BACK = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|then|and|now|fine|alright|please|pls|abeg|oya|yes|no|just)[\s,.!]+)*"
    r"(?:(?:go|put\s+it|set\s+it|change\s+it|take\s+it|move\s+it|switch|revert|bring\s+it)\s+)?"
    r"(?:back\s+to|revert\s+to|reset\s+(?:it\s+|the\s+target\s+)?to)\s+(?:the\s+|d\s+)?"
    rf"{_DEFAULT_WORD}\b\s*(?:(?:population\s+)?target\s*(?:of\s+)?)?(?P<n>\d+(?:\.\d+)?\s*%?)?"
    r"(?:\s*(?:%|percent|per\s*cent))?(?:\s+target)?"
    r"(?:[\s,]+(?:again|please|pls|abeg|then|now|instead|thanks))*\s*[.!]*\s*$")
_REPRI_LAST = ("reprioritize_urban",)


def default_target(text: str, facts: Facts, last: Mapping[str, Any] | None) -> Decision | None:
    """ "run it at the default target" (the reprioritisation, at its default target);
    "back to the default 30" after a reprioritisation at another target (the last one again,
    at the default target). Anything else said with it is left to the other readings; a
    number other than the default, or "the default" after a change of the thresholds too,
    is no such request."""
    from chatmrpt.analysis.declarations import DEFAULT_TARGET_SHARE, DEFAULT_URBAN_THRESHOLDS

    low = re.sub(r"\s+", " ", ex.lower_text(text)).strip()
    if "?" in low:
        return None
    repri = facts.last_repri or {}
    if DEFAULT_TARGET_RUN.match(low):
        pass
    else:
        m = DEFAULT_TARGET_BACK.match(low)
        if m is None or not repri:
            return None
        said = m.group("n")
        if said is not None and float(said.strip(" %")) != DEFAULT_TARGET_SHARE:
            return None
        last_tool = (last or {}).get("tool")
        about = str(((last or {}).get("params") or {}).get("about", ""))
        repri_talk = last_tool in _REPRI_LAST or about.startswith("repri")
        thresholds = tuple(float(t) for t in repri.get("thresholds") or ())
        if not _TARGET.search(low) and (
                not repri_talk
                or (thresholds and thresholds != tuple(DEFAULT_URBAN_THRESHOLDS))
                or repri.get("target") in (None, DEFAULT_TARGET_SHARE)
                or repri.get("method") not in (None, "composite")):
            return None  # "back to the default" said of something else, or not only the target
    params: dict[str, Any] = {"target_share": DEFAULT_TARGET_SHARE}
    return Decision([Step("reprioritize_urban", params,
                          echo=f"Urban reprioritisation with the default target of "
                               f"{_fmt(DEFAULT_TARGET_SHARE)}% of the population.", source=text)],
                    reading={"relative": "repri", "repri_target": "default"})
