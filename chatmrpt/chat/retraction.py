"""Part of a message taken back inside the message itself.

"set the urban threshold to 60%, no actually leave it at the default, just change bale size
to 100": the threshold stays, only the bale size changes. The part taken back is dropped
only when the message says what stands ("just ...", "only ...", "... instead"); a message
that takes something back without saying what stands is not rewritten (the dialogue then
asks), and one that takes everything back ("add rainfall, actually no leave it") changes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chatmrpt.chat import extract as ex

# words that take back what was said before them in the message
TAKE_BACK = re.compile(
    r"\b(?:(?:no|nope|actually|wait|sorry|hmm+|oh)[\s,.!]+)+(?:just\s+)?(?:leave|keep|forget"
    r"|cancel|scrap|skip|ignore|don'?t)\b"
    r"|\b(?:scratch|forget|ignore|cancel|undo)\s+(?:that|this|it|the\s+last\s+(?:bit|part))\b"
    r"|\bnever\s*mind\s+(?:that|the|it)\b"
    r"|\b(?:no|actually|wait)[\s,]+(?:don'?t|do\s+not)\s+(?:change|touch)\b"
)
# where the clause that takes something back ends and the rest of the message starts
CLAUSE_END = re.compile(r"\s*(?:[,;.!]+|\s-+\s|\s+(?=(?:but|just|only|instead|rather)\b))\s*")
# the rest says what stands: "just change ...", "only the bale size ...", "... instead"
KEPT = re.compile(r"^\s*(?:(?:and|but|then|so)\s+)?(?:just|only|instead|rather|but)\b"
                  r"|\binstead\b")
# a clause that takes back and says nothing else ("no wait, forget it", "scratch that")
ONLY_TAKES_BACK = re.compile(
    r"^(?:[\s,.!]|no|nope|actually|wait|sorry|hmm+|oh|just|leave|keep|forget|cancel|scrap"
    r"|skip|ignore|don'?t|do|not|change|touch|scratch|undo|never\s*mind|it|that|this|them"
    r"|as\s+(?:it\s+)?is|as\s+it\s+was|alone|for\s+now|please|pls|abeg|the\s+last\s+(?:bit"
    r"|part)|then"
    # "..., no forget it, not needed", "scratch that, we don't need it after all"
    r"|(?:i|we)(?:\s+(?:don'?t|do\s+not|won'?t|no\s+longer))?\s+need|need(?:ed)?|necessary"
    r"|required|no\s+need|anymore|any\s+more|after\s+all|thanks|thank\s+you)*$"
)
# a request for a file, taken back whole: no file is made, and the reply says so
FILE_ASKED = re.compile(r"\b(?:export|download|save|send|e-?mail|excel|xlsx|csv|png|html|pdf"
                        r"|geojson|report|file|spreadsheet|picture)\b")
# the rest leans on the part taken back ("just make it 100": make what?)
LEANS_BACK = re.compile(r"\b(?:make|set|change|put)\s+(?:it|that|this)\b|^\s*(?:just\s+)?\d")
SETTING_DEFAULTS = {"urban_threshold": 75, "people_per_net": 1.8, "bale_size": 1, "buffer": 1}


# a head made only of hesitation words takes back nothing of the message itself
FILLER_ONLY = re.compile(r"^(?:[\s,.!-]|no+|nope|nah|actually|wait|sorry|oh|hmm+|ok|okay"
                         r"|on\s+(?:a\s+)?second\s+thoughts?|(?:come\s+to\s+)?think(?:ing)?\s+"
                         r"(?:about|of)\s+it|after\s+all|abeg|oya|ehn|ah+|chai|eh+)*$")
# "don't export it, just tell me ...", "no need to rerun, I was only asking": an action said
# only to be refused; the rest of the message is what is asked
NEGATED_LEAD = re.compile(
    r"^\s*(?:(?:no|nope|ok(?:ay)?|please|pls|abeg|and|but|so)[\s,]+)*(?:don'?t|dont|do\s+not"
    r"|no\s+need\s+to|never|you\s+don'?t\s+(?:need|have)\s+to)\s+(?:(?:bother|need)\s+(?:to\s+)?)?"
    r"(?P<verb>(?:re-?)?(?:export|download|save|send|run|do|plan|map|change|reprioriti[sz]e"
    r"|compute|make|create|draw|plot|redo|rank|print|email|share|update|touch)\w*)\b")


def _negated_lead(text: str, low: str) -> Retraction | None:
    """The message without an action it opens by refusing ("don't export it, just ...")."""
    m = NEGATED_LEAD.match(low)
    if m is None:
        return None
    end = CLAUSE_END.search(low, m.end())
    clause = text[m.start(): end.start() if end else len(text)].strip(" ,;.-")
    rest = text[end.end():].strip(" ,;.-") if end else ""
    stands = re.sub(r"^\s*(?:(?:and|but|then|so|instead)\s+)?(?:just|only)\s+", "", rest,
                    flags=re.I)
    verb = m.group("verb")
    if not re.search(r"[a-z]{2,}", stands.lower()):
        return Retraction("", clause, f"OK, I did not {verb} anything.")
    return Retraction(stands, clause, f"As you said, I did not {verb} anything.")


@dataclass(frozen=True)
class Retraction:
    """What a message means once the part taken back is dropped."""

    text: str  # the part that stands ("" when everything was taken back)
    dropped: str  # the part taken back, in the user's words
    note: str  # said before the results


def find_retraction(text: str, last_plan: Mapping[str, Any] | None = None) -> Retraction | None:
    """The message without the part it takes back, or None when nothing is taken back or
    what stands is not said plainly (the dialogue then asks)."""
    low = ex.lower_text(text)
    negated = _negated_lead(text, low)
    if negated is not None:
        return negated
    marks = list(TAKE_BACK.finditer(low))
    if not marks:
        return None
    mark = marks[-1]
    head = re.sub(r"(?:[\s,;.!-]+(?:no|nope|actually|wait|sorry|oh|hmm+|ok|okay))+\s*$", "",
                  " " + text[: mark.start()], flags=re.I).strip(" ,;.-")
    if not re.search(r"[a-z]{2,}", head.lower()) or FILLER_ONLY.match(head.lower()):
        return None  # "no, leave it", "no wait, undo that": a reply, not a message taking
        # part of itself back
    end = CLAUSE_END.search(low, mark.end())
    clause = low[mark.start(): end.start() if end else len(low)]
    rest = text[end.end():].strip(" ,;.-") if end else ""
    if not rest or ONLY_TAKES_BACK.match(re.sub(r"[^\w\s']", " ", ex.lower_text(rest))):
        # "no wait keep it": keep what, the old value or the new one? Not sure: ask
        if ONLY_TAKES_BACK.match(re.sub(r"[^\w\s']", " ", clause)) and \
                not re.search(r"\bkeep\b", clause):
            if FILE_ASKED.search(head.lower()):
                return Retraction("", head, f'OK, no file made ("{head}").')
            return Retraction("", head, f'OK, I have left that as it was ("{head}").')
        return None
    if not KEPT.search(ex.lower_text(rest)) or LEANS_BACK.search(ex.lower_text(rest)):
        return None
    if re.search(r"\bdefaults?\b", clause) and not _at_defaults(head, last_plan):
        return None  # "leave it at the default" while the plan is not at the default: which?
    stands = re.sub(r"^\s*(?:(?:and|but|then|so)\s+)?(?:just|only)\s+", "", rest, flags=re.I)
    return Retraction(stands, head, f'Leaving out "{head}", as you took it back.')


def _at_defaults(head: str, last_plan: Mapping[str, Any] | None) -> bool:
    """Every plan setting the part taken back names is at its default in the last plan."""
    assigned, _ = ex.assign_numbers(head, ex.PLAN_CUES)
    for param in assigned:
        if param not in SETTING_DEFAULTS:
            return False
        if last_plan is not None and last_plan.get(param, SETTING_DEFAULTS[param]) != \
                SETTING_DEFAULTS[param]:
            return False
    return True
