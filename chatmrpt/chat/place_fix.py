"""A place corrected inside the message that names it: "top 5 in Kuwe South, no sorry, Kwasha",
"rank of Kawo... wait, Raumirau", "wards in 20012, I mean 20037".

The message is read as meant: the place before the correction is replaced by the one after it,
and the reply says so. Read only when what follows the correction is one place of the data and
nothing else, and the message names a place of the same kind (LGA, ward or LGA code) before
it; any other message is left as typed (two places joined by "and" are asked about).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.ward_place import name_key as _key

# the words of a correction after a pause (", no sorry,", "... wait", ". I mean"); the
# strongest ones also without a pause ("Kuwe South sorry Kwasha")
_FILL = r"(?:(?:oh|oops|ehn|hmm+|ah)[\s,.!]+)*"
_WORDS = (r"(?:no|nope|sorry|wait|oops|i\s+mean[t]?|correction|actually|rather|scratch\s+that"
          r"|my\s+bad|my\s+mistake|make\s+(?:it|that)|change\s+(?:it|that)\s+to|not\s+that\s+one)")
_STRONG = r"(?:sorry|wait|oops|i\s+mean[t]?|scratch\s+that|my\s+bad|no\s+no|correction)"
MARK = re.compile(
    r"(?:(?:\.\.\.|[,;.!-])\s*" + _FILL + _WORDS + r"|\s+" + _FILL + _STRONG + r")\b"
    r"(?:[\s,.!:;-]+(?:no|sorry|wait|i\s+mean[t]?|actually|abeg|please|pls|make\s+(?:it|that)"
    r"|it'?s|its|change\s+(?:it|that)\s+to)\b)*[\s,.!:;-]*")
# words that may stand around the place said after the correction
_AROUND = re.compile(r"^(?:(?:in|for|the|of|to|inside|lga|code)\s+)*|(?:\s+(?:lga|ward|instead"
                     r"|please|pls|abeg|then|o|not\s+.+))*\s*[?.!]*\s*$")


def _one_place(said: str, lgas: Sequence[str], wards: Sequence[Any],
               codes: Sequence[str]) -> tuple[str, str] | None:
    """("lga"|"ward"|"code", the name as the data spells it) for a place said alone."""
    said = _AROUND.sub("", said.strip()).strip()
    if not said:
        return None
    if re.fullmatch(r"\d{4,6}", said):
        return ("code", said) if said in codes else None
    key = _key(said)
    lga = next((lg for lg in lgas if _key(lg) == key), None)
    ward = next((w.name for w in wards if _key(w.name) == key), None)
    if lga and not ward:
        return "lga", lga
    if ward and not lga:
        return "ward", ward
    return None


def _last_said(head: str, kind: str, lgas: Sequence[str], wards: Sequence[Any],
               codes: Sequence[str]) -> re.Match | None:
    """Where the head names the last place of that kind (the one the correction replaces)."""
    if kind == "code":
        names: list[str] = list(codes)
    elif kind == "lga":
        names = list(lgas)
    else:
        names = [w.name for w in wards]
    best = None
    for name in names:
        pattern = r"(?<![\w])" + r"\s+".join(re.escape(w) for w in name.lower().split()) \
            + r"(?![\w])"
        for m in re.finditer(pattern, head):
            if best is None or m.start() > best.start():
                best = m
    return best


def place_corrected(text: str, lgas: Sequence[str], wards: Sequence[Any],
                    codes: Sequence[str] = ()) -> tuple[str, str | None]:
    """The message as meant, with a note saying what was corrected; the message unchanged
    and None when it holds no such correction."""
    low = ex.lower_text(text)
    for mark in reversed(list(MARK.finditer(low))):
        head, tail = low[:mark.start()], low[mark.end():]
        if not head.strip() or not tail.strip():
            continue
        new = _one_place(tail, lgas, wards, codes)
        if new is None:
            return text, None
        kind, name = new
        old = _last_said(head, kind, lgas, wards, codes)
        if old is None or _key(old.group(0)) == _key(name):
            return text, None
        fixed = head[:old.start()] + name + head[old.end():]
        fixed = fixed.rstrip(" ,;.-")
        shown_old = text[old.start():old.end()] if len(text) == len(low) else old.group(0)
        return fixed, f"Using your correction: {name} instead of {shown_old}."
    return text, None
