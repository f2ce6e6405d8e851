"""An LGA code put right after a request by code: "sorry 24006", "wrong code, 24006", "no not
that one, I meant 24008", "sorry 20012 not 20001", "I said 20030? wrong code, it's 20037".

The message says nothing but the code meant (and the words of a correction): the last request
(a ward list, a top or bottom list, a count of wards) is asked again with that code, its other
settings (category, number, order) kept. Any other request in the message ("top 3 in 24006",
"how many high in 24006") is left to be read on its own.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat.place_follow import CODE_SAID
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

# the requests an LGA code is a setting of
_REDONE = ("list_wards", "top_wards", "ask_results")
_CORRECTION = re.compile(r"\b(?:sorry|wrong|mean|meant|not|no|oops|said|instead|actually|rather"
                         r"|typo|mistake|correction|should\s+(?:be|have\s+been))\b")
# the words a correction is made of; any other word is a request of its own
_FILLER = frozenset([
    "sorry", "wrong", "code", "codes", "lga", "l.g.a", "local", "government", "area", "no",
    "not", "that", "this", "one", "i", "i'm", "im", "meant", "mean", "it's", "its", "it", "is",
    "was", "said", "the", "a", "ok", "okay", "oops", "my", "bad", "instead", "actually",
    "rather", "please", "pls", "and", "correct", "correction", "right", "should", "be", "have",
    "been", "typo", "mistake", "oh", "ah", "abeg", "i've", "ive", "typed", "wrote", "put",
    "number", "lga's", "yes", "yeah", "sir", "ma", "madam", "boss", "again", "then", "so",
    "but",
])
# a code taken back: "not 20001", "I said 20030?", "20030 was wrong", "instead of 20001"
_BEFORE_DROPPED = re.compile(r"\b(?:not|said|typed|wrote|instead\s+of|rather\s+than|than)\s+"
                             r"(?:(?:lga|code|the)\s+)*$")
_AFTER_DROPPED = re.compile(r"^\s*(?:\?|\s+(?:is|was)\s+(?:wrong|not\s+it|a\s+mistake|a\s+typo)\b"
                            r"|\s*,?\s*(?:is\s+)?wrong\b)")


def code_corrected(text: str, low: str, state: DialogueState, facts: Facts) -> Decision | None:
    """The last request again with the LGA code a correction gives, or None."""
    last = _correctable(state, low, "lga_code")
    if last is None:
        return None
    tool, params, before = last[0], last[1], str(last[2])
    known = set(facts.lga_codes)
    codes = [m for m in CODE_SAID.finditer(low)
             if (m.group() in known if known else len(m.group()) == len(before))]
    if not codes:
        return None
    rest = CODE_SAID.sub(" ", low)
    words = re.findall(r"[a-z][a-z'.]*", rest)
    if any(w.strip(".") not in _FILLER for w in words):
        return None
    meant = [m.group() for m in codes if not _BEFORE_DROPPED.search(low[:m.start()])
             and not _AFTER_DROPPED.search(low[m.end():])]
    meant = list(dict.fromkeys(meant))
    if len(meant) > 1:
        meant = [c for c in meant if c != before]
    if len(meant) != 1 or meant[0] == before:
        return None
    new: dict[str, Any] = {k: v for k, v in params.items() if k != "lga"}
    new["lga_code"] = meant[0]
    return _corrected_request(text, tool, new, "code_corrected", before, meant[0])


def _correctable(state: DialogueState, low: str,
                 key: str) -> tuple[str, dict[str, Any], Any] | None:
    """(tool, a copy of its parameters, the value of ``key``) of the last request when the
    message may correct that setting of it: no question pending, a request that can be
    asked again with the setting set, and the words of a correction. None otherwise."""
    if state.pending:
        return None
    last = state.last or {}
    tool, params = last.get("tool"), dict(last.get("params") or {})
    before = params.get(key)
    if tool not in _REDONE or not before:
        return None
    if tool == "ask_results" and params.get("about") != "ward_counts":
        return None
    if not _CORRECTION.search(low):
        return None
    return tool, params, before


def _corrected_request(text: str, tool: str, params: dict[str, Any], said: str, before: Any,
                       meant: Any) -> Decision:
    """The last request asked again with the setting put right, and what was put right
    (``said``: "code_corrected" or "category_corrected", from ``before`` to ``meant``)."""
    return Decision([Step(tool, params, source=text)],
                    reading={"tool": tool, said: [before, meant]})


# "sorry, medium ones not high", "low instead of high", "I meant the medium wards"
_GROUP = re.compile(r"\b(high|medium|low)(?:[- ](?:risk|priority))?\b")
_GROUP_WORDS = frozenset(["ones", "ward", "wards", "category", "categories", "group", "groups",
                          "risk", "priority", "of", "than", "list", "them", "those"])
_GROUP_DROPPED = re.compile(r"\b(?:not|instead\s+of|rather\s+than|than)\s+(?:the\s+|d\s+)?$")


def category_corrected(text: str, low: str, state: DialogueState,
                       facts: Facts) -> Decision | None:
    """The last list or count of one risk group again with the group a correction gives
    ("sorry, medium ones not high"), its place and other settings kept, or None."""
    last = _correctable(state, low, "category")
    if last is None:
        return None
    tool, params, before = last
    groups = list(_GROUP.finditer(low))
    if not groups:
        return None
    words = re.findall(r"[a-z][a-z'.]*", _GROUP.sub(" ", low))
    if any(w.strip(".") not in _FILLER and w not in _GROUP_WORDS for w in words):
        return None
    meant = list(dict.fromkeys(m.group(1).title() for m in groups
                               if not _GROUP_DROPPED.search(low[:m.start()])))
    if len(meant) != 1 or meant[0] == before:
        return None
    return _corrected_request(text, tool, {**params, "category": meant[0]},
                              "category_corrected", before, meant[0])
