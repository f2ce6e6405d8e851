"""Requests given as a list to be done one at a time: "Three things for today: (1) run the
analysis with the default variables, (2) show me the composite map, (3) tell me how many
wards are High. Start with number 1", then "Number 2 now", "and 3".

The list is kept in the dialogue state (``todo``: the items, in order, and the ones done);
the message that gives it is read as the item it says to start with, and a later message
that only names an item ("number 2", "and 3", "the next one") is read as that item. The
numbers of the list (its markers, "three things") are never read as settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
         "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}
NUM = r"(?:[1-7]|one|two|three|four|five|six|seven)"
ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|1st|2nd|3rd|4th|5th|last)"

# "(1) ...", "1) ...", "1. ..." at the start of the message, a line or after a comma, colon
MARKER = re.compile(r"(?:^|(?<=[\s,;:]))(?:\(\s*([1-7])\s*\)|([1-7])\)(?=\s)|(?<![\d.])([1-7])\."
                    r"(?=\s+[a-z]))")
# "Three things for me: a, then b, then c", "two requests please: a and b"
COUNTED_LEAD = re.compile(r"\b(" + NUM + r")\s+(?:things|items|requests|tasks|jobs)\b"
                          r"(?:\s+(?:for\s+(?:me|today|us|now)|today|please|pls|abeg))*\s*[:,-]\s*")
THEN_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?then\s+|;\s*(?:and\s+)?(?:then\s+)?|\s+and\s+then\s+"
                        r"|,\s*and\s+(?:finally\s+|lastly\s+)?|,\s*(?:finally|lastly)\s+)")
# "start with number 1", "begin with the first one", "do number 2 first", "one by one"
START = re.compile(r"\b(?:start|begin)\s+(?:with|from)\s+(?:(?:number|no\.?|item|#)\s*(" + NUM
                   + r")|(?:the\s+)?(" + ORD + r")(?:\s+(?:one|item|thing|request))?|(" + NUM
                   + r")\b)"
                   r"|\b(?:do|take)\s+(?:(?:number|no\.?|item|#)\s*(" + NUM + r")|(?:the\s+)?("
                   + ORD + r")(?:\s+(?:one|item|thing))?)\s+first\b")
# a message that only names an item of the list: "number 2 now", "and 3", "the second one",
# "now the next one", "ok, item 3 please"
FILLER = r"(?:ok(?:ay)?|and|now|so|then|next|great|good|thanks|thank\s+you|cool|alright|oya|abeg" \
         r"|please|pls|do|let'?s\s+do|go\s+(?:to|on\s+to|on\s+with)|move\s+(?:to|on\s+to))"
ITEM_ONLY = re.compile(
    r"^\s*(?:" + FILLER + r"[\s,.!]+)*(?:(?:number|no\.?|item|#)\s*(" + NUM + r")|(" + NUM
    + r")|(?:the\s+)?(" + ORD.replace("|last", "") + r"|next)(?:\s+(?:one|item|thing|request))?)"
    r"(?:[\s,.!]+(?:now|next|please|pls|abeg|o|then|too|sir|ma))*[\s.!]*$")


def _value(*groups: str | None) -> int | None:
    for g in groups:
        if g:
            return int(g) if g.isdigit() else WORDS.get(g)
    return None


def list_items(text: str) -> list[str] | None:
    """The items of a list of requests in the message, in order, or None. A list is marked
    "(1) ... (2) ..." (numbers 1, 2, ... in order), or counted ("three things: a, then b,
    then c", as many items as said)."""
    marks = list(MARKER.finditer(text))
    if len(marks) >= 2 and [_value(*m.groups()) for m in marks] == \
            list(range(1, len(marks) + 1)):
        items = []
        for i, m in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            items.append(text[m.end():end])
        items[-1] = re.split(r"(?<=[.!?])\s+", items[-1].strip())[0]
        return [_clean(p) for p in items]
    low = ex.lower_text(text)
    lead = COUNTED_LEAD.search(low)
    if lead is None:
        return None
    count = _value(lead.group(1))
    body = re.split(r"(?<=[.!?])\s+", text[lead.end():].strip())[0]
    items = [_clean(p) for p in THEN_SPLIT.split(body) if p and p.strip(" ,.")]
    return items if count and len(items) == count else None


def _clean(part: str) -> str:
    part = re.sub(r"^\s*(?:and\s+|then\s+|also\s+)+", "", part.strip(), flags=re.I)
    return re.sub(r"[\s,;.]*(?:and)?[\s,;.]*$", "", part, flags=re.I).strip()


def start_index(text: str, n: int) -> int | None:
    """The item (0-based) the message says to start with, or None."""
    m = START.search(ex.lower_text(text))
    if m is None:
        return None
    k = _value(*m.groups())
    if k == -1:
        k = n
    return k - 1 if k is not None and 1 <= k <= n else None


def item_named(text: str, todo: Mapping[str, Any] | None) -> int | None | str:
    """The item (0-based) of the kept list a message names on its own ("number 2 now", "and
    3", "the next one"); "missing" when it names an item the list does not have; None when
    the message is not such a name (or no list is kept)."""
    if not todo or not todo.get("items"):
        return None
    m = ITEM_ONLY.match(ex.lower_text(text))
    if m is None:
        return None
    items = todo["items"]
    if m.group(3) == "next":
        done = [int(i) for i in todo.get("done") or []]
        k = (max(done) + 1 if done else 0) + 1
    else:
        k = _value(m.group(1), m.group(2), m.group(3))
        if k == -1:
            k = len(items)
    if k is None:
        return None
    return k - 1 if 1 <= k <= len(items) else "missing"


def kept(todo: Mapping[str, Any] | None, items: list[str] | None,
         k: int) -> dict[str, Any] | None:
    """The list kept after item ``k`` is done (a new list replaces the old one); None once
    every item is done."""
    if items is None:
        items = list((todo or {}).get("items") or [])
        done = sorted({*[int(i) for i in (todo or {}).get("done") or []], k})
    else:
        done = [k]
    return {"items": list(items), "done": done} if len(done) < len(items) else None


# words that ask for something: a story with any of them is no story
REQUEST_CUE = re.compile(
    r"\b(?:please|pls|plz|abeg|kindly|can\s+you|could\s+you|would\s+you|will\s+you|help\s+me"
    r"|i\s+want|i\s+need|we\s+need|let'?s|run|plan|make|set|use|export|show|list|give|send|draw"
    r"|map|compute|calculate|redo|re-?run|re-?plan|change|add|remove|drop|put|switch|save"
    r"|download|do\s+(?:it|that|this|the)|go\s+ahead|proceed)\b")


def story_question(text: str) -> str | None:
    """The question a message ends with after telling a story that asks for nothing ("Sir,
    let me tell you what happened in Kwama ward ... Where is Kwama in your ranking?"), or
    None. The story's numbers (a year, "2 out of 3 facilities") belong to the story."""
    sentences = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p.strip()]
    if len(sentences) < 2 or not sentences[-1].rstrip().endswith("?"):
        return None
    k = len(sentences) - 1
    while k > 0 and sentences[k - 1].rstrip().endswith("?"):
        k -= 1
    if k == 0 or any(REQUEST_CUE.search(ex.lower_text(p)) for p in sentences[:k]):
        return None
    return " ".join(sentences[k:])


# "... Can you start with the statewide top ten?": of the requests told, the one to do now
START_WITH = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|now|but|and|please|pls|kindly|abeg)[\s,]+)*(?:(?:can|could|would)"
    r"\s+(?:you|u)\s+(?:please\s+|pls\s+|kindly\s+)?|let'?s\s+|please\s+|pls\s+)?(?:start|begin)"
    r"\s+(?:with|by)\s+(?P<what>.+?)\s*(?:,?\s*(?:please|pls|abeg|first|for\s+now|now))*"
    r"\s*[?.!]*\s*$", re.I)
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\'\"\u2019\u201d]))\s+")


def started_request(text: str) -> str | None:
    """The request a message says to start with, after telling several ("my supervisor sent
    this: '... top 10 statewide and also the ones in Zaga West ...'. Can you start with the
    statewide top ten?"), or None. Only a last sentence of a longer message, and never a
    list marker ("start with number 1": list_items)."""
    sentences = [p for p in SENTENCE_END.split(text.strip()) if p.strip()]
    if len(sentences) < 2:
        return None
    m = START_WITH.match(sentences[-1])
    if m is None:
        return None
    what = m.group("what").strip()
    if re.fullmatch(r"(?:(?:number|no\.?|item|#)\s*)?" + NUM + r"|(?:the\s+)?" + ORD
                    + r"(?:\s+(?:one|item|thing|request))?", ex.lower_text(what)):
        return None
    return what
