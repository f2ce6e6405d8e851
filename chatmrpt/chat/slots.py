"""The LGA and category slots of a message: the LGA named (or misspelt) in it, the risk
category, and bare LGA codes on tables that have codes but no names.

Separate because the focus, the tables and the dialogue manager all read these slots.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import DialogueState, Facts

# --- LGA and category slots ---------------------------------------------------------------

CATEGORY = re.compile(r"\b(high|medium|low)s?(?:[- ](?:risk|priority|category|vulnerability"
                      r"|burden|group|wards?))?\b")  # fmt: skip
LGA_PHRASE = re.compile(
    r"\b(?:in|for|of|inside|within|from)\s+(?:the\s+)?([a-z][a-z' /-]{1,40}?)\s+"
    r"(?:lga|l\.g\.a|local\s+govt|local\s+government(?:\s+area)?)\b"
)


def lgas_named(text: str, lgas: Sequence[str]) -> list[str]:
    """Every LGA named whole in ``text``, in the order said; a name inside a longer one
    ("Kano" in "Kano Municipal") is not counted twice."""
    rest = ex.lower_text(text)
    found: list[tuple[int, str]] = []
    for lg in sorted(lgas, key=len, reverse=True):
        m = re.search(r"(?<![a-z])" + re.escape(lg.lower()) + r"(?![a-z])", rest)
        if m:
            found.append((m.start(), lg))
            rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]
    return [lg for _, lg in sorted(found)]


def find_lga(text: str, lgas: Sequence[str]) -> tuple[str | None, str | None]:
    """(the LGA named, the unknown name when the message names an LGA the data lacks)."""
    low = ex.lower_text(text)
    by_key = {_key(lg): lg for lg in lgas}
    hits = lgas_named(low, lgas)
    if hits:
        return max(hits, key=len), None
    m = LGA_PHRASE.search(low)
    if m:
        name = re.sub(r"^(?:the|ward\s+of)\s+", "", m.group(1)).strip()
        words = name.split()
        for k in range(len(words)):
            cand = " ".join(words[k:])
            if _key(cand) in by_key:
                return by_key[_key(cand)], None
        from rapidfuzz import process

        best = process.extractOne(_key(name), list(by_key), score_cutoff=88)
        if best:
            return by_key[best[0]], None
        return None, name
    return _lga_misspelt(low, by_key), None


LGA_AT_END = re.compile(r"\b(?:in|for|of|inside|within|dey)\s+([a-z][a-z' /-]{3,40}?)\s*[?.!]*\s*$")


def _lga_misspelt(low: str, by_key: Mapping[str, str]) -> str | None:
    """The LGA a message ends with, typed with a slip ("top 5 waards in zaga wst"), or None."""
    m = LGA_AT_END.search(low)
    if not m or not by_key:
        return None
    from rapidfuzz import fuzz

    words = m.group(1).split()
    for k in range(len(words)):
        cand = _key(" ".join(words[k:]))
        if len(cand) < 4:
            continue
        slip = _one_slip(cand, by_key)
        if slip:
            return slip
        if len(cand) < 5:
            continue
        scored = sorted(((fuzz.ratio(cand, key), key) for key in by_key), reverse=True)
        # one slip or two swapped letters ("raubasta"), and clearly closer than any other LGA
        if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
            return by_key[scored[0][1]]
    return None


def _one_slip(cand: str, by_key: Mapping[str, str]) -> str | None:
    """The one LGA a name is one slip away from: a letter missing, added, changed or two
    letters swapped ("zaira", "fage"), for LGA names of five letters or more; None when no
    LGA or more than one is that close."""
    from rapidfuzz.distance import OSA

    close = [key for key in by_key if len(key) >= 5 and OSA.distance(cand, key) <= 1]
    return by_key[close[0]] if len(close) == 1 else None


def lga_one_slip_from(name: str, lgas: Sequence[str]) -> str | None:
    """The one LGA a name is one typing slip away from ("dorager": Doragar), or None."""
    return _one_slip(_key(name), {_key(lg): lg for lg in lgas})


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _code_follow_up(low: str, state: DialogueState, facts: Facts) -> re.Match[str] | None:
    """ "and 24008 top 3" after a list by LGA code, or any bare LGA code with a ward list
    asked on a table that has LGA codes but no LGA names."""
    last = state.last or {}
    before = str((last.get("params") or {}).get("lga_code") or "")
    # a table with LGA names: a bare number is an LGA code only when it is one of the table's
    # codes ("which ward get highest rank for 20013")
    known = set(facts.lga_codes) if facts.lgas and not before else None
    if known is not None and not known:
        return None
    if re.search(r"prioriti|\burban\b|\bexport\b|\bdownload\b|\bmaps?\b|\bsave\b", low):
        return None
    for m in re.finditer(r"(?<![\d,.])(\d{3,})(?![\d%]|[,.]\d|\s*(?:k|m|nets?|people|persons)\b)", low):
        if before and len(m.group(1)) != len(before):
            continue
        if not before and len(m.group(1)) < 4:
            continue
        if known is not None and m.group(1) not in known:
            continue
        return _CodeMatch(m)
    return None


class _CodeMatch:
    """A bare LGA code read as if it were written "LGA <code>"."""

    def __init__(self, m: re.Match[str]):
        self._m = m

    def group(self, i: int) -> str | None:
        return self._m.group(1) if i == 1 else None

    def start(self) -> int:
        return self._m.start()

    def end(self) -> int:
        return self._m.end()


NO_LGA_NAME_STOP = frozenset(["what", "about", "and", "in", "for", "of", "the", "which", "wards",
                              "ward", "top", "show", "list", "is", "me", "give", "how", "many",
                              "so", "ok", "now", "then", "from", "inside", "within", "this",
                              "that", "same", "all", "each", "every", "per", "by", "an", "a",
                              "any", "my", "our", "your", "with", "please", "pls",
                              # "top 3 wards and their LGA": whose LGA, no name
                              "their", "its", "his", "her", "whose", "dem", "d", "di", "da",
                              # "which LGA has the most wards": a verb, no name
                              "has", "have", "had", "get", "gets", "got", "are", "was", "were",
                              "does", "did", "holds", "contains", "ranks", "comes"])


def _lga_named(text: str) -> str | None:
    """The name written next to "LGA" ("what about Fagge LGA?", "LGA Dala"), if any."""
    low = ex.lower_text(text)
    m = re.search(r"((?:[a-z][\w'/-]*\s+){1,3})(?:lga|l\.g\.a|local\s+gov\w*(?:\s+area)?)\b",
                  low)
    words = m.group(1).split() if m else []
    while words and words[0] in NO_LGA_NAME_STOP:
        words.pop(0)
    if not words:
        m2 = re.search(r"\blga\s+(?:called\s+|named\s+)?([a-z][\w'/-]+)", low)
        if m2 and m2.group(1) not in NO_LGA_NAME_STOP and m2.group(1) not in (
                "code", "codes", "names", "name", "summary", "level", "list", "column"):
            words = [m2.group(1)]
    return " ".join(words) if words else None
