"""Whether a ward is in an LGA: "is Ikeja GRA ward in 24008? what's its rank", "is Oloje in
24006?", "is Danjalba part of Kuwe South LGA", "does Kuran have a ward called Kawo?".

The answer comes from the ward table: yes or no, with the LGA (or LGA code) the ward is in,
and its rank when the message asks for it. A ward name the table does not hold is said to be
missing, and nothing else is shown: listing the LGA's wards, or another ward's rank, would
answer a question nobody asked as if it were the answer.

Read only when the message is that question and nothing else (a rank asked after it is
allowed), the LGA is one the table has (by name or code, or a code it lacks) and the name
asked about is no LGA and no general word ("the top ward", "any ward").
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.reading import _join
from chatmrpt.chat.state import Decision, Step
from chatmrpt.chat.ward_place import name_key as _key

_LEAD = r"^\W*(?:(?:and|so|ok(?:ay)?|please|pls|abeg|quick(?:ly)?|also|then|but|oh|hi|hello)[\s,]+)*"
_NAME = r"(?P<name>[a-z0-9][\w'./ -]{0,40}?)"
_PLACE = (r"(?:the\s+)?(?:lga\s+(?:code\s+|with\s+(?:the\s+)?code\s+)?|code\s+|local\s+gov\w*"
          r"(?:\s+area)?\s+)?(?P<place>[a-z0-9][\w'./ -]{0,40}?)(?:\s+(?:lga|l\.g\.a|local\s+gov\w*"
          r"(?:\s+area)?))?")
_IN = (r"(?:(?:really|actually|located|found|situated|listed)\s+)?(?:in|inside|within|under|part\s+of"
       r"|one\s+of\s+the\s+wards\s+(?:in|of)|among\s+the\s+wards\s+(?:in|of))")
IS_IN = re.compile(_LEAD + r"(?:is|was|isn'?t)\s+(?:the\s+)?(?:ward\s+(?:called\s+|named\s+)?)?"
                   + _NAME + r"(?:\s+ward)?\s+" + _IN + r"\s+" + _PLACE + r"\s*(?:[?.!,;]+|$)")
# "does Kuran have a ward called Kawo?", "does 24008 contain Oloje"
HAS = re.compile(_LEAD + r"(?:does|do|did)\s+" + _PLACE.replace("(?P<place>", "(?P<place>")
                 + r"\s+(?:have|has|contain|include|hold)\s+(?:a\s+|the\s+|any\s+)?(?:ward\s+"
                 r"(?:called\s+|named\s+)?)?" + _NAME + r"(?:\s+ward)?\s*(?:[?.!,;]+|$)")
# what may follow the question: its rank asked, in plain words
_REST_WORDS = frozenset([
    "what", "whats", "what's", "is", "its", "it's", "it", "the", "and", "if", "so", "yes", "then",
    "rank", "ranking", "ranked", "position", "score", "category", "priority", "risk", "composite",
    "tell", "me", "give", "show", "wetin", "be", "im", "where", "does", "stand", "how",
    "vulnerable", "please", "pls", "abeg", "also", "too", "of", "ward", "number", "group",
    "level", "which", "in"])
_RANK = re.compile(r"\brank\w*|\bposition\b|\bscore\b|\bcategory\b|\bpriority\b|\bvulnerable\b"
                   r"|\bgroup\b|\bstand\b")
# names that are no ward: a general word said where a name would be
_NOT_A_NAME = re.compile(
    r"\b(?:top|bottom|highest|lowest|first|last|any|every|all|there|which|what|one|ones|my|our"
    r"|your|high|medium|low|most|least|wards|lgas?|data|table|list|plan|map|rainfall|tpr"
    r"|population|this|that|these|those|next|same|other|riskiest|worst|best)\b")
_IT = re.compile(r"^(?:it|this|that|this\s+ward|that\s+ward|that\s+one|the\s+ward|am|dat|dis)$")
CODE = re.compile(r"^\d{3,6}$")


def _shown(name: str, text: str) -> str:
    """The name as the message spelt it ("Ikeja GRA"), capitalised when typed in lower case."""
    said = re.search(r"\s+".join(re.escape(w) for w in name.split()), text, re.I)
    name = said.group(0) if said else name
    return " ".join(w if w[:1].isupper() or not w[:1].isalpha() else w.capitalize()
                    for w in name.split())


def _place(said: str, facts: Any) -> tuple[str, str] | None:
    """("lga", name) or ("code", code) for the place said; None when it is neither an LGA
    of the table nor an LGA code (a code the table lacks is still a code)."""
    said = said.strip(" .?!")
    if CODE.match(said):
        return ("code", said) if facts.lga_codes else None
    key = _key(said)
    lga = next((lg for lg in facts.lgas if _key(lg) == key), None)
    return ("lga", lga) if lga else None


def _where(place: str, kind: str) -> str:
    return f"LGA {place}" if kind == "code" else f"{place} LGA"


def _wards_named(said: str, ctx: Any) -> list[Any]:
    key = _key(said)
    exact = [w for w in ctx.wards if _key(w.name) == key]
    if exact:
        return exact
    match = ex.find_ward(said, ctx.wards)
    if match is None or match.score < 90 or len(set(match.names)) != 1 or \
            _key(said[match.start:match.end]) != key:
        return []
    return [w for w in ctx.wards if w.name == match.names[0]]


def ward_in_place(text: str, ctx: Any, state: Any, facts: Any) -> Decision | None:
    """Yes or no, with the LGA the ward is in (and its rank when asked); a ward the table
    lacks said to be missing, nothing listed. None when the message is anything else."""
    if not ctx.has_dataset or not ctx.wards or not (facts.lgas or facts.lga_codes):
        return None
    low = ex.lower_text(text)
    m = IS_IN.match(low) or HAS.match(low)
    if m is None:
        return None
    rest = low[m.end():]
    words = re.findall(r"[a-z0-9']+", rest)
    if any(w not in _REST_WORDS for w in words):
        return None  # another request after the question: read by the other readers
    place = _place(m.group("place"), facts)
    name = m.group("name").strip(" .?!")
    name = re.sub(r"^(?:the\s+)?ward\s+(?:called\s+|named\s+)?|\s+ward$", "", name).strip()
    if place is None or not name:
        return None
    rank = bool(_RANK.search(rest) or _RANK.search(low[:m.start("name")]))
    if _IT.match(name):
        from chatmrpt.chat.focus import Focus

        seen = Focus.of(state.focus)
        if not seen.ward:
            return None
        wards = [w for w in ctx.wards if w.name == seen.ward
                 and (not seen.ward_lga or w.lga in (None, seen.ward_lga))]
    else:
        if _NOT_A_NAME.search(name) or any(_key(lg) == _key(name) for lg in facts.lgas) or \
                CODE.match(name):
            return None
        wards = _wards_named(name, ctx)
    kind, where = place
    shown_place = _where(where, kind)
    reading = {"stored": "ward_in_place"}
    if not wards:
        missing = "" if kind == "lga" or where in facts.lga_codes else \
            f" Your data has no LGA code {where} either."
        return Decision(text=f"There is no ward called \"{_shown(name, text)}\" in your data, in "
                             f"{shown_place} or anywhere else, so it has no rank here; nothing "
                             f"was listed. Check the name as it is spelt in your ward table."
                             f"{missing}", reading=reading)
    codes = dict(facts.ward_lga_codes)
    homes = sorted({(codes.get(w.name) if kind == "code" else w.lga) or "" for w in wards})
    homes = [h for h in homes if h]
    if not homes:
        return None  # the table does not say where the ward is
    ward = wards[0].name
    if where in homes:
        answer = f"Yes: {ward} is a ward of {shown_place}."
        if len(homes) > 1:
            others = [_where(h, kind) for h in homes if h != where]
            answer = (f"Yes: there is a {ward} ward in {shown_place} (and another in "
                      f"{_join(others)}).")
        lga = where if kind == "lga" and len(homes) > 1 else None
    else:
        if kind == "code" and where not in facts.lga_codes:
            answer = (f"No: your data has no LGA code {where}; {ward} is in "
                      f"{_join([_where(h, kind) for h in homes])}.")
        elif len(homes) > 1:
            answer = (f"No: there are {ward} wards in "
                      f"{_join([_where(h, kind) for h in homes])}, but none in {shown_place}.")
        else:
            answer = f"No: {ward} is in {_where(homes[0], kind)}, not in {shown_place}."
        lga = None
        if len(homes) > 1:
            rank = False  # which of them is meant is not known: said, not guessed
    if not rank:
        return Decision(text=answer, reading=reading)
    params = {"ward": ward, **({"lga": lga} if lga else {})}
    if len(wards) > 1 and not lga and kind == "lga" and len(homes) == 1:
        params["lga"] = homes[0]
    return Decision([Step("explain_ward", params, echo=answer, source=text)], reading=reading)


# "is there any ward called Gwarinpa in this data?", "do we have a ward named Kawo?", "does the
# table have any ward called Zango", "any ward called Gimimi?"
_DATA = (r"(?:(?:the|this|my|our|your)\s+)?(?:data(?:set)?|table|ward\s+table|file|list|sheet"
         r"|spreadsheet|upload|shapefile|state|area)")
IN_DATA = re.compile(
    _LEAD + r"(?:is\s+there|are\s+there|(?:do|did)\s+(?:we|you|i)\s+have|have\s+(?:we|you)\s+got"
    r"|(?:does|do)\s+" + _DATA + r"\s+(?:have|has|contain|include|hold)|(?:we|you)\s+get|any)\s+"
    r"(?:a\s+|any\s+|one\s+)?wards?\s+(?:called|named|by\s+the\s+name(?:\s+of)?)\s+" + _NAME
    + r"(?:\s+ward)?(?:\s+(?:in|inside|on|within|for)\s+" + _DATA + r")?(?:\s+(?:at\s+all|here))?"
    r"\s*(?:[?.!,;]+|$)")


def ward_in_data(text: str, ctx: Any, facts: Any) -> Decision | None:
    """Whether the ward table holds a ward of that name, with its LGA when it does; a name
    it lacks is said to be missing and nothing is listed. None for anything else."""
    if not ctx.has_dataset or not ctx.wards:
        return None
    low = ex.lower_text(text)
    m = IN_DATA.match(low)
    if m is None:
        return None
    rest = low[m.end():]
    if any(w not in _REST_WORDS for w in re.findall(r"[a-z0-9']+", rest)):
        return None  # another request after the question: read by the other readers
    name = m.group("name").strip(" .?!")
    if not name or _NOT_A_NAME.search(name) or CODE.match(name):
        return None
    reading = {"stored": "ward_in_data"}
    wards = _wards_named(name, ctx)
    if not wards:
        lga = next((lg for lg in facts.lgas if _key(lg) == _key(name)), None)
        also = f" {lga} is an LGA in your data, not a ward." if lga else ""
        return Decision(text=f"No: there is no ward called \"{_shown(name, text)}\" in your "
                             f"data, so nothing was listed.{also} Check the name as it is "
                             f"spelt in your ward table.", reading=reading)
    codes = dict(facts.ward_lga_codes)
    homes = sorted({w.lga or (f"LGA {codes[w.name]}" if codes.get(w.name) else "")
                    for w in wards} - {""})
    homes = [h if h.startswith("LGA ") else f"{h} LGA" for h in homes]
    ward = wards[0].name
    if len(homes) > 1:
        answer = f"Yes: there are {len(homes)} wards called {ward}, in {_join(homes)}."
    elif homes:
        answer = f"Yes: {ward} is a ward in your data, in {homes[0]}."
    else:
        answer = f"Yes: {ward} is a ward in your data."
    if not (_RANK.search(rest) or _RANK.search(low[:m.start("name")])) or len(homes) > 1:
        return Decision(text=answer, reading=reading)
    return Decision([Step("explain_ward", {"ward": ward}, echo=answer, source=text)],
                    reading=reading)
