"""Reading helpers shared by the dialogue modules: cancel/confirm words, more/less, added or
dropped variables, short and numeric answers, corrections and split requests.

Separate because every other dialogue module reads messages with them; they decide
nothing on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chatmrpt.chat import extract as ex

# --- reading helpers ----------------------------------------------------------------------

QUESTION_START = re.compile(
    r"^\s*(?:who|what|which|when|where|why|how|is|are|was|were|can|could|do|does|did|will"
    r"|would|should|shall|tell|explain|show|list|give|wetin|abeg\s+wetin)\b"
)
CANCEL = re.compile(
    r"^\s*(?:no|nope|cancel|stop|forget\s+(?:it|that)|never\s*mind|leave\s+(?:it|am|that)"
    r"|not\s+now|no\s+need|skip\s+(?:it|that)|scrap\s+that|ignore\s+(?:it|that)|don'?t)\b"
    r"(?:[\s,]*(?:thanks|thank\s+you|please|pls|abeg|sir|ma|it|that|run\s+it|do\s+it"
    r"|for\s+now|leave\s+it))*\s*[.!]*\s*$"
)
CONFIRM = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|yes|yeah|yep|yup|sure|alright|fine|correct|right|please|pls|abeg"
    r"|oya|great|good|now|so|then)[\s,.!]*)*"
    r"(?:go\s+ahead|go\s+on|run\s+(?:it|am|that|this)|do\s+(?:it|am"
    r"|that|so)|proceed|continue|carry\s+on|start\s+(?:it|am)|confirm(?:ed)?|kick\s+it\s+off"
    r"|yes|yeah|yep|yup|sure|ok(?:ay)?|correct|that'?s\s+(?:it|right|correct)|na\s+so)"
    r"(?:[\s,.!]*(?:please|pls|abeg|sir|ma|then|now|thanks|go\s+ahead|run\s+it|do\s+it))*"
    r"\s*[.!]*\s*$"
)
# words that may surround a number when it answers "how many nets / what household size"
ANSWER_WORDS = frozenset(["d", "di", "then", "now", "o", "sef", "una", "too", "a", "about", "above", "an", "and", "approx", "approximately", "around", "average", "avg", "be", "bed", "each", "every", "exactly", "family", "families", "for", "get", "got", "had", "has", "have", "hh", "home", "homes", "house", "household", "households", "hhs", "i", "in", "is", "it", "it's", "its", "itn", "itns", "just", "let's", "llin", "llins", "make", "members", "mosquito", "na", "nets", "net", "of", "ok", "okay", "on", "only", "our", "people", "per", "persons", "person", "please", "pls", "roughly", "say", "size", "so", "some", "the", "there", "think", "this", "total", "use", "we", "we've", "with", "yes", "abeg", "oya", "put", "available", "stock", "in", "campaign", "members", "individuals", "occupants", "e", "dey", "dem", "our", "my", "sir", "ma", "maybe", "like", "mean", "i'm", "am", "go", "are", "were", "will"])
NET_CUE = re.compile(r"\b(?:nets?|itns?|llins?|bednets?)\b")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
CORRECTION = re.compile(
    r"(?:\.\.\.|[,;.!-]|\s)\s*(?:(?:no|oh|oops|sorry)[\s,.!]+)*(?:wait|sorry|oops|i\s+mean"
    r"|correction|actually|scratch\s+that|no\s+no|make\s+(?:it|that)|change\s+(?:it|that)\s+to"
    r"|rather)\b"
)
# "cut it by 10%... no, by 15%", "500k, no 450k": a bare "no" after a pause, then the value meant
NO_THEN_NUMBER = re.compile(
    r"(?:\.\.+|[,;.!-]|\s-)\s*(?:(?:ah|oh|hmm+|er+m*|uh+)[\s,]+)?no+\b[\s,.!]*"
    r"(?=(?:(?:by|to|make\s+it|it'?s|i\s+mean|more\s+like)\s+)?\d)")
TRAILING_APOLOGY = re.compile(r"[\s,.!;-]*(?:(?:sorry|please|pls|abeg|o|oops|my\s+bad)[\s,.!;-]*)*")
MORE = re.compile(r"\b(?:more|extra|additional|increase[ds]?|increasing|higher|raise[ds]?|boost|bump(?:ed)?"
                  r"|add(?:ed|ing)?|plus|bigger|larger|up|another|anoda|anotha|anoder|top\s+up"
                  r"|on\s+top)\b")  # fmt: skip
LESS = re.compile(r"\b(?:fewer|less|reduce[ds]?|reducing|reduction|decrease[ds]?|lower|down"
                  r"|cut|drops?|dropped|minus|smaller|lose|lost|shortfall|short|remove"
                  r"|take\s+away|subtract)\b")  # fmt: skip
RESET = re.compile(
    r"\b(?:back\s+to\s+(?:the\s+)?(?:defaults?|default\s+settings|original|normal|standard)"
    r"|reset\b|default\s+(?:settings|values|parameters|options)|use\s+(?:the\s+)?defaults"
    r"|original\s+settings|undo\s+(?:the\s+|all\s+(?:the\s+)?)?changes)"
)
# a clause of courtesies only ("ok np.", "alright, no problem!", "thanks"): the rest of the
# message is the request
THANKS_ONLY = re.compile(r"^\s*(?:(?:ok(?:ay)?|thanks?|thank\s+you|thx|fine|great|good|nice|cool"
                         r"|alright|noted|quick|hi|hello|hey|please|pls|abeg|np|no\s+problem"
                         r"|no\s+wahala|no\s+worries)[\s,.!:]*)+$")
# a clause that only comments on the conversation ("let me try.", "i see.", "got it,")
# and asks for nothing: the rest of the message is the request
ASIDE_ONLY = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|alright|right|hmm+|ah|oh)[\s,.!]+)*(?:let\s+me"
                        r"\s+(?:try|see|check|have\s+a\s+(?:look|go|try))(?:\s+(?:it|this|that"
                        r"|again|now))?|let'?s\s+(?:try|see)(?:\s+(?:it|this|that))?|i\s+see"
                        r"|got\s+it|understood|makes\s+sense|i\s+understand|interesting"
                        r"|fair\s+enough|sounds\s+good|that\s+helps|all\s+right"
                        # "ok keep that.", "we'll keep this one": the result shown is kept as is
                        r"|(?:(?:we|i)(?:'ll|\s+will)\s+)?keep\s+(?:that|it|this)(?:\s+(?:one|plan"
                        r"|version))?|(?:that|this)(?:\s+(?:one|plan))?(?:'s|\s+is)\s+(?:fine|good"
                        r"|ok(?:ay)?|better))[\s,.!:]*$")
# a clause that only sets the scene ("meeting in 20 mins.", "I have a briefing with the
# commissioner at 11") and asks for nothing: the rest of the message is the request
_SCENE = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|quick|please|pls|abeg)[\s,.!]+)*(?:(?:i|we)\s+(?:have"
                    r"|'?ve\s+got|got)\s+|there\s+is\s+|there'?s\s+)?(?:a\s+|the\s+|my\s+|our\s+)?"
                    r"(?:meeting|presentation|briefing|call|review|workshop|debrief)\b(?P<rest>.*)$")
_SCENE_WORDS = frozenset([
    "in", "by", "at", "with", "the", "a", "an", "my", "our", "for", "starts", "starting", "soon",
    "now", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "this", "next",
    "minutes", "minute", "mins", "min", "hours", "hour", "hrs", "hr", "am", "pm", "o'clock",
    "commissioner", "director", "boss", "team", "partners", "partner", "minister", "donors",
    "donor", "state", "lga", "chairman", "officer", "coordinator", "is", "half", "an",
    "two", "three", "five", "ten", "fifteen", "twenty", "thirty", "few", "later", "after",
])


def scene_only(low: str) -> bool:
    """ "meeting in 20 mins", "I have a presentation with the director at 11": a clause that
    only says when or for whom, asking for nothing."""
    m = _SCENE.match(low)
    if not m:
        return False
    rest = re.findall(r"[a-z0-9']+", m.group("rest"))
    return len(rest) <= 8 and all(t in _SCENE_WORDS or t.isdigit()
                                  or re.fullmatch(r"\d+(?:am|pm|mins?|hrs?)", t) for t in rest)


GREETING_PREFIX = re.compile(r"^\s*(?:hi|hello|hey|good\s+(?:morning|afternoon|evening)|salam"
                             r"|sannu|ok(?:ay)?|quick|so|please|pls|abeg)\b[\s,.!:]*", re.I)
ALL_OF_THEM = re.compile(r"^\s*(?:(?:ok|and|so|then|now|please|pls)[\s,]+)*(?:all\s+of\s+them"
                         r"|all(?:\s+the)?\s+wards|show\s+(?:me\s+)?all|list\s+(?:them\s+)?all"
                         r"|the\s+whole\s+list|every\s+ward|all)\b[\s\w]*[.!?]*\s*$")  # fmt: skip
# "list them", "Kindly list them for me.", "can you name those for us please"
LIST_THEM = re.compile(r"^\s*(?:(?:ok|okay|and|so|then|now|please|pls|abeg|kindly|can\s+you"
                       r"|could\s+you|would\s+you)[\s,]+)*(?:list|name|show"
                       r"|give|tell)\s+(?:me\s+|us\s+)?(?:them|those|the\s+wards|dem|am)(?:\s+(?:all"
                       r"|please|pls|abeg|out|for\s+me|for\s+us))*\s*[.!?]*\s*$")
ADD_VAR = re.compile(r"\b(?:add|added|adding|include|included|including|also\s+use|plus|put\s+in|bring\s+in"
                     r"|with\s+also|put\s+back|bring\s+back|add\s+back|re-?add|restore|reinstate"
                     r"|(?:put|bring)\s+(?:\w+\s+){1,4}back)\b")  # fmt: skip
# "without showing it" ("save the urban map as html without showing it") takes nothing out
DROP_VAR = re.compile(r"\b(?:drop|remove|exclude|without(?!\s+(?:showing|displaying|opening"
                      r"|drawing|plotting|rendering|putting)\b)|take\s+out|leave\s+out|minus|no\s+more"
                      r"|except|get\s+rid\s+of|omit|(?:take|leave)\s+(?:\w+\s+){1,4}out)\b")  # fmt: skip
DIRECTION_WORD = re.compile(r"\binvers\w*|\bdirect(?:ly)?\b")
# after these, "ndwi too" asks for the same about ndwi (a map, a ward's value), not an analysis
SHOWS_ONE_VARIABLE = ("show_map", "export_results", "export_view", "ward_value", "explain_ward",
                      "lga_summary")
SOFT_ADD = re.compile(r"^\s*(?:and\s+|oh\s+|ok(?:ay)?\s+)?also\b|\b(?:too|as\s+well)(?:\s+(?:please"
                      r"|pls|abeg))?\s*[.!]*\s*$")
SPLIT = re.compile(
    # ". Then prepare a plan ...": a sentence that starts with "Then" is a request of its own
    r"\s*(?:;|[.?!]\s+(?i:then|also|and|after\s+that)\b|,?\s+and\s+then\b|,?\s+then\s+(?=\w)"
    r"|,?\s+after\s+that\b"
    r"|,?\s+and\s+also\b|\.\s+(?=(?:show|map|export|download|plan|list|give|top|run|save|what)\b)"
    r"|,?\s+and\s+(?=(?:tell|show|give|list|export|download|save|send)\s+(?:me|us|the|it|that"
    r"|them|how|which|what)\b)"
    r"|,\s+(?=(?:and\s+)?(?:show|put|plot|draw)\s+(?:it\s+|them\s+|that\s+|those\s+)?(?:on\s+)?"
    r"(?:a\s+|the\s+)?map\b))"
    r"\s*"
)


def reads_as_number_answer(text: str) -> bool:
    """The message is an answer to "how many nets / what household size", and nothing else."""
    low = ex.lower_text(text)
    if "?" in low or QUESTION_START.search(low) and not re.match(r"^\s*(?:is|it'?s)\s+\d", low):
        return False
    numbers = ex.extract_numbers(low)
    if not numbers:
        return False
    if YEAR.search(low) and not NET_CUE.search(low) and not re.search(r"household|hh", low):
        return False
    rest = low
    for n in sorted(numbers, key=lambda n: -n.start):
        rest = rest[: n.start] + " " + rest[n.end :]
    words = re.findall(r"[a-z][a-z']*", rest)
    return all(w in ANSWER_WORDS or w in ANSWER_CHOICE_WORDS for w in words)


# words of taking a figure: "5 is fine", "use the usual 5", "go for 6", "take 5", "let's say 5"
ANSWER_CHOICE_WORDS = frozenset(["fine", "usual", "normal", "typical", "standard", "common",
                                 "take", "for", "lets", "let", "go", "do", "does", "will",
                                 "good", "ok", "value", "figure", "number", "that's", "thats",
                                 "alright", "works", "sounds", "then", "mostly",
                                 "generally", "here", "area", "assume", "assuming", "pick",
                                 "choose", "set", "should", "would", "be", "enough",
                                 # "let us take six persons per household"
                                 "us"])


def reads_as_short_answer(text: str) -> bool:
    low = ex.lower_text(text)
    return "?" not in low and len(low.split()) <= 6 and not QUESTION_START.search(low)


PRONOUN_ONE_BEFORE = re.compile(r"\b(?:the|that|this|which|each|any|every|no|other|another"
                                r"|same|first|last|new|old|right|wrong)\s*$")


# "can I get the plan in excel? the map can wait", "export the rankings, the map later": a
# thing put off after the request, which is no request of its own
PUT_OFF = re.compile(
    r"(?:[,.;:!?]+|\s+-\s+|\s+(?:and|but)\s+)\s*(?:(?:and|but|the|ok(?:ay)?)\s+)*(?:the\s+|that"
    r"\s+|a\s+|my\s+)?(?P<what>(?:[a-z]+\s+){0,2}(?:map|maps|report|chart|csv|excel|png|html|file"
    r"|files|rankings?|plan|list|export|one|rest))\s+(?:can\s+(?:wait|come\s+later)|later"
    r"|(?:another|next|some\s+other)\s+time|not\s+(?:now|yet|needed|today)|is\s+not\s+needed"
    r"|for\s+later|tomorrow|no\s+need)(?:\s+(?:please|pls|abeg|thanks|for\s+now))*\s*[.!]*\s*$")


def put_off_dropped(text: str) -> str:
    """The message without a thing put off at its end ("..., the map can wait"); the text as
    it is when nothing is put off or nothing else is asked."""
    m = PUT_OFF.search(ex.lower_text(text))
    if m is None or len(text) != len(ex.lower_text(text)):
        return text
    head = text[: m.start()].rstrip() + ("?" if "?" in m.group(0)[:2] else "")
    return head if re.search(r"[a-z]{3,}", head, re.I) else text


def apply_correction(text: str) -> tuple[str, str | None]:
    """A message corrected inside itself ("500,000 ... wait no make it 450,000").

    Returns the text as meant and a note saying what was corrected (None when nothing was).
    """
    low = ex.lower_text(text)
    marks = sorted([*CORRECTION.finditer(low), *NO_THEN_NUMBER.finditer(low)],
                   key=lambda m: m.start())
    if len(marks) > 1 and TRAILING_APOLOGY.fullmatch(low[marks[-1].end():]):
        marks.pop()  # "500k... no 450k, sorry": the apology at the end corrects nothing
    if not marks:
        return text, None
    mark = marks[-1]
    head, tail = low[: mark.start()], low[mark.end() :]
    after = ex.extract_numbers(tail)
    # "The one in Kuwe South. Actually, list the top five": "the one" points, it is no amount
    before = [n for n in ex.extract_numbers(head) if not (
        n.text.strip() == "one" and (PRONOUN_ONE_BEFORE.search(head[: n.start])
                                     or re.match(r"\s+of\b", head[n.end:])))]
    if not after or not before:
        return text, None
    new = after[0]
    same_setting = _same_setting(head, before, tail, new)
    if same_setting is False:
        return text, None  # "household size 6, no wait, bales of 50": another setting
    if same_setting is not None:
        old = same_setting
        if old.value >= 1000 > new.value:
            return text, None
        fixed = head[: old.start] + new.text + head[old.end :]
        # the setting named again before the number is said already in the head
        rest = re.sub(r"\b(?:no|it|that|make|to|please|pls|(?<!per\s)nets?|sorry|instead)\b", " ",
                      tail[new.end :])
        fixed = (fixed + " " + rest).strip() if KEPT_REST.search(rest) else fixed.strip()
        return fixed, _correction_note(new, old)
    if new.percent:
        same = [n for n in before if n.percent]
    elif new.value >= 100:
        same = [n for n in before if not n.percent and n.value >= 100]
    else:
        same = [n for n in before if not n.percent and n.value < 100]
    if not same:
        return text, None
    old = same[-1]
    if old.value >= 1000 > new.value:
        return text, None  # "300k nets, no wait 350": 350 or 350,000? Not sure: asked
    fixed = head[: old.start] + new.text + head[old.end :]
    rest = tail[: new.start] + tail[new.end :]
    # words after the corrected number that name something else stay ("... wait, 450k nets")
    rest = re.sub(r"\b(?:no|it|that|make|to|please|pls|(?<!per\s)nets?|sorry|instead)\b", " ", rest)
    fixed = (fixed + " " + rest).strip() if KEPT_REST.search(rest) else fixed.strip()
    return fixed, _correction_note(new, old)


# what follows the corrected number and is kept: words that name something ("... wait, 450k
# nets for Kano"), or another setting with its value ("plan 500k, sorry 550k, hh 5")
KEPT_REST = re.compile(r"[a-z]{3,}|\d")


def _correction_note(new: ex.NumberMention, old: ex.NumberMention) -> str:
    unit = "%" if new.percent and old.percent else ""
    return f"Using your correction: {_fmt(new.value)}{unit} instead of {_fmt(old.value)}{unit}."


def _same_setting(head: str, before: Sequence[ex.NumberMention], tail: str,
                  new: ex.NumberMention) -> ex.NumberMention | bool | None:
    """The number of the head that the correction replaces when the words tell it: the same
    setting named again ("bales of 100. no wait, bales of 50"), or the one number said before
    a bare one of the same kind ("bale size 100 no wait 50"). False when the correction names
    a setting the head gave no value for (nothing is replaced); None when the words do not
    tell."""
    cued_new, _ = ex.assign_numbers(tail, ex.PLAN_CUES, [new])
    key = next((k for k, v in cued_new.items() if v is new and not k.startswith("_")), None)
    if key is not None:
        cued_old, _ = ex.assign_numbers(head, ex.PLAN_CUES, list(before))
        old = cued_old.get(key)
        if old is None and any(not k.startswith("_") for k in cued_old):
            return False
        return old if old is not None and old.percent == new.percent else None
    if len(before) == 1 and len(ex.extract_numbers(tail)) == 1 and \
            before[0].percent == new.percent:
        return before[0]
    return None


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def split_requests(text: str) -> list[str]:
    parts = [p.strip(" ,.") for p in SPLIT.split(text) if p and p.strip(" ,.")]
    return parts if len(parts) > 1 else [text]


def _join(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
