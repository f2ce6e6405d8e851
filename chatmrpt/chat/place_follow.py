"""A short follow-up that narrows the wards of the one LGA just listed or counted: "d low
ones", "the high ones", "which ones are in the high class there", "only hig ones", "sorry i
meant only high ones", "how many of them are high", "and the bottom five there".

Such a message names a risk category, a count or a top/bottom slice and nothing else but
plain connecting words: it keeps the LGA (or LGA code) of the list or count just given.
Answering for the whole area instead would show a wrong list as if it were the answer.

A message with any other content word (another place, a variable, a plan word, "not",
"whole", "all") is left to the other readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex

PLACE_TOOLS = ("list_wards", "top_wards", "lga_summary")

_CATEGORIES = {
    "high": "High", "highs": "High", "hig": "High", "hgh": "High", "hight": "High",
    "medium": "Medium", "mediums": "Medium", "medim": "Medium", "meduim": "Medium",
    "medum": "Medium", "mid": "Medium",
    "low": "Low", "lows": "Low", "lw": "Low",
}  # fmt: skip
_TOP = {"top", "worst", "first", "highest", "riskiest"}
_BOTTOM = {"bottom", "last", "least", "best", "lowest", "safest"}
# words that point back at the place just listed
_BACK = {"there", "dere", "dem", "them", "those", "these", "dose", "it", "its", "their", "inside",
         "same", "that",
         "list", "lga"}
# the words before "list" when it names the list ("that list"), not the verb
_THE_LIST = {"the", "that", "this", "same", "d", "dat", "dis", "your", "my"}
# plain connecting words a follow-up may hold besides what it asks for
_FILLER = {
    "the", "d", "a", "only", "just", "ones", "one", "wards", "ward", "priority", "risk",
    "category", "class", "group", "level", "there", "dem", "them", "those", "these", "dose",
    "of", "among", "from", "in", "inside", "within", "that", "lga", "which", "what", "whats",
    "are", "is", "dey", "show", "list", "give", "me", "us", "please", "pls", "abeg", "ok",
    "okay", "now", "so", "then", "and", "sorry", "i", "meant", "mean", "about", "for",
    "it", "its", "wey", "na", "oya", "also", "too", "vulnerable", "at", "wetin", "get",
    "same", "place", "area", "how", "many", "number", "count", "be", "they", "their",
    "can", "you", "see", "let", "tell", "want", "need", "ehn", "o", "sir", "ma", "fall",
    "falls", "under", "into", "with", "category's", "rated", "ranked", "classed", "marked",
    "instead", "rather", "oh",
    "actually", "do", "have", "has", "got", "out", "any", "nko", "nd", "dere",
}  # fmt: skip
# a question about the LGAs themselves ("which LGA has the most High wards?")
ABOUT_LGAS = re.compile(r"\b(?:which|what|wetin)\s+(?:lga|local\s+gov\w*|lga\s+code|code)s?\b"
                        r"|\blgas\b")
_COUNT = re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b")


# "how many wards there", "hw many wards inside dere": "there" as the place just talked
# about, not the "there" of "how many wards are there?"
THERE_PLACE = re.compile(r"(?<!\bare\s)(?<!\bis\s)(?<!\bbe\s)(?<!\bwere\s)(?<!\bwas\s)(?<!\bdey\s)"
                         r"\b(?:there|dere)\b(?!\s+(?:are|is|were|was|be)\b)")


def there_is_the_place(low: str, focus_record: Mapping[str, Any] | None) -> bool:
    """The message says "there" for a place, and the talk is about one LGA (name or code)."""
    record = focus_record or {}
    return bool((record.get("lga") or record.get("lga_code")) and THERE_PLACE.search(low))


# an LGA code said in a message: 4 to 6 digits, not part of a longer number or a percentage
CODE_SAID = re.compile(r"(?<![\d.,])\d{4,6}(?![\d%]|[.,]\d)")


def codes_said(low: str, codes: tuple[str, ...] | list[str]) -> list[str]:
    """The table's LGA codes said in ``low``, in the order said."""
    return [c for c in CODE_SAID.findall(low) if c in codes]


def place_of(last: Mapping[str, Any] | None) -> dict[str, Any]:
    """The one LGA (name or code) the last list or count was about; empty when none."""
    if not last:
        return {}
    tool = last.get("tool")
    params = last.get("params") or {}
    if tool not in PLACE_TOOLS and not (tool == "ask_results"
                                        and params.get("about") == "ward_counts"):
        return {}
    return {k: params[k] for k in ("lga", "lga_code") if params.get(k)}


# the words a bare slice or count may hold besides its order, number or category ("bottom
# 3", "show me the top 2 wards", "how many low"); any other word ("now", "overall", "state",
# "total") leaves the message to the other readers
_BARE = {"the", "d", "wards", "ward", "ones", "show", "me", "give", "list", "please", "pls",
         "abeg", "ok", "okay", "only", "just", "so", "how", "many", "are", "is", "dey", "be",
         "priority", "risk", "category", "of", "which", "what", "wetin", "get", "have", "has",
         "there"}  # fmt: skip


def just_placed(focus_record: Mapping[str, Any] | None,
                last: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The one LGA (name or code) the message just before listed or counted (and, when
    ``last`` is given, that the last step was about); empty when the message before did
    anything else."""
    record = focus_record or {}
    place = dict(record.get("just_placed") or {})
    if not place or (last is not None and place_of(last) != place):
        return {}
    return place


def bare(low: str) -> bool:
    """The message holds nothing but an order, a number, a risk category and plain words
    ("bottom 3", "the top 2 wards", "how many low"): nothing that names another scope."""
    tokens = re.findall(r"[a-z0-9']+", ex.lower_text(low))
    if not tokens or len(tokens) > 8:
        return False
    return all(t in _BARE or t in _TOP or t in _BOTTOM or t in _CATEGORIES
               or (t != "one" and ex.small_number(t) is not None) for t in tokens)


def whole_area_choice(label: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The one-tap choice of the same request over the whole area."""
    return {"label": label, "tool": "list_wards",
            "params": {k: v for k, v in params.items() if k not in ("lga", "lga_code")}}


def narrowed(low: str, last: Mapping[str, Any] | None,
             fresh: bool = False) -> tuple[dict[str, Any], str] | None:
    """The step for a follow-up that narrows the last one-LGA list or count, and what it
    does in words; None when the message is anything else. ``fresh``: that list or count
    was the answer to the message just before, so a bare slice ("bottom 3") is read in it."""
    place = place_of(last)
    if not place:
        return None
    low = ex.lower_text(low)
    tokens = re.findall(r"[a-z0-9']+", low)
    if not tokens or len(tokens) > 14 or ABOUT_LGAS.search(low):
        return None
    cats: list[str] = []
    n: int | None = None
    order: str | None = None
    back = False
    for i, tok in enumerate(tokens):
        if tok in _CATEGORIES:
            if _CATEGORIES[tok] not in cats:
                cats.append(_CATEGORIES[tok])
            continue
        if tok in _TOP or tok in _BOTTOM:
            if tok in ("first", "last") and order is not None:
                continue
            order = "top" if tok in _TOP else "bottom"
            continue
        if tok in _BACK and not (tok == "list" and (i == 0 or tokens[i - 1] not in _THE_LIST)):
            back = True  # "that list", never the verb ("list the bottom 5 wards")
        num = None if tok == "one" else ex.small_number(tok)
        if num is not None:
            if n is not None or not 1 <= num < 1000:
                return None
            n = num
            continue
        if tok not in _FILLER:
            return None
    # "the five of them" alone asks nothing; "top five" reads the number from the words
    if order is not None and n is None:
        for i, tok in enumerate(tokens[:-1]):
            if tok in _TOP | _BOTTOM and ex.small_number(tokens[i + 1]) is not None:
                n = ex.small_number(tokens[i + 1])
    # "the bottom ones?", "and the top ones" right after a slice of that LGA: the other end,
    # as many as were just listed, in the same LGA
    kept_n = ((last or {}).get("params") or {}).get("n")
    if order is not None and n is None and not cats and "ones" in tokens and kept_n and \
            int(kept_n) >= 1:
        n, back = int(kept_n), True
    where = place.get("lga") or f"LGA {place.get('lga_code')}"
    count = bool(_COUNT.search(low))
    if len(cats) > 1:
        return None
    if cats and order is None and n is None:
        if count:
            return ({"tool": "ask_results", "params": {"about": "ward_counts", **place,
                                                        "category": cats[0]}},
                    f"In {where} (the wards just talked about):")
        return ({"tool": "list_wards", "params": {**place, "category": cats[0]}},
                f"The {cats[0]} priority wards of {where}:")
    if cats or count or order is None or n is None:
        return None
    # a slice of the same LGA: only when the message points back at it ("there", "of them"),
    # goes on from the last list ("and the bottom five"), or is a bare slice ("bottom 3")
    # right after that LGA's list or count: the heading says which LGA, and the whole area
    # is one tap away
    plain = not back and tokens[0] not in ("and", "nd")
    if plain and not (fresh and bare(low)):
        return None
    if plain and ("wards" in tokens or "ward" in tokens):
        return None  # "top 5 wards?", "list the bottom 5 wards": the request said in full is
        # the whole area's; only an elliptic slice ("bottom 3") goes on with the place
    kept = (last or {}).get("params") or {}
    # a bare slice keeps the LGA only (the heading says so); a slice pointing back at the
    # last list ("there", "of them") keeps its category too
    carried = ("method",) if plain else ("category", "method")
    params = {**place, **{k: kept[k] for k in carried if kept.get(k)}, "n": n}
    if order == "bottom":
        params["order"] = "bottom"
    side = "most" if order == "top" else "least"
    # the category of the last question is kept: the heading says so, and never promises
    # more wards than that category holds there
    kept_cat = f", {params['category'].lower()} priority wards only (as just asked)" \
        if params.get("category") else ""
    if plain:
        said = f"{'Top' if order == 'top' else 'Bottom'} {n}"
        return ({"tool": "list_wards", "params": params},
                f"{said} in {where}, the LGA just talked about{kept_cat} (for the whole area, "
                f"say \"{said.lower()} in the whole area\"):")
    return ({"tool": "list_wards", "params": params},
            f"The {side} vulnerable wards of {where}{kept_cat}, up to {n}:" if kept_cat
            else f"The {n} {side} vulnerable wards of {where}:")


def code_picked(low: str, last: Mapping[str, Any] | None,
                codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """ "ok 20012 then", "use 20037" right after the LGA codes of the table were listed: the
    wards of the LGA with that code (never a number of nets or people); None otherwise."""
    from chatmrpt.chat.pending import CODE_ANSWER_WORDS

    if not last or last.get("tool") != "ask_results" or \
            (last.get("params") or {}).get("about") != "lgas" or not codes:
        return None
    low = ex.lower_text(low)
    found = re.findall(r"(?<![\d.,])\d{3,}(?![\d.,]*\d)", low)
    words = re.findall(r"[a-z][a-z']*", low)
    if len(found) != 1 or found[0] not in codes or len(words) > 7 or \
            any(w not in CODE_ANSWER_WORDS and w not in ("wards", "ward", "list", "show", "me")
                for w in words):
        return None
    return {"tool": "list_wards", "params": {"lga_code": found[0]}}


_ALL = {"all", "every", "everything", "full", "whole", "entire"}
_PLACE_FILLER = _FILLER | _ALL | {"leave", "forget", "wards", "what", "about", "of", "then",
                                  "now", "and", "lga", "code", "local", "government", "again"}


def place_only(low: str, lgas: tuple[str, ...] | list[str],
               codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """ "Jalsha, all of them", "and 24007 all of them", "what of 24007, top 3": one LGA (by
    name or code) with all its wards, or a top/bottom slice of them, and nothing else; the
    list_wards step, or None."""
    from chatmrpt.chat.slots import find_lga

    low = ex.lower_text(low)
    place: dict[str, Any] = {}
    rest = low
    found = codes_said(low, codes)
    if len(found) == 1:
        place = {"lga_code": found[0]}
        rest = low.replace(found[0], " ")
    elif not found and lgas:
        lga, _ = find_lga(low, lgas)
        if lga is None or not re.search(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])",
                                        low):
            return None
        place = {"lga": lga}
        rest = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", low)
    if not place:
        return None
    tokens = re.findall(r"[a-z0-9']+", re.sub(r"\bonce\s+(?:more|again)\b", " again ", rest))
    if len(tokens) > 10:
        return None
    every = False
    order: str | None = None
    n: int | None = None
    for tok in tokens:
        if tok in _ALL:
            every = True
        elif tok in ("top", "bottom", "worst", "best", "least"):
            order = "top" if tok in ("top", "worst") else "bottom"
        elif tok != "one" and ex.small_number(tok) is not None:
            if n is not None:
                return None
            n = ex.small_number(tok)
        elif tok not in _PLACE_FILLER or tok in _CATEGORIES:
            return None
    if every and order is None and n is None:
        return {"tool": "list_wards", "params": place}
    if not every and order is not None and n is not None and 1 <= n < 1000:
        params = {**place, "n": n}
        if order == "bottom":
            params["order"] = "bottom"
        return {"tool": "list_wards", "params": params}
    return None


OTHER_ONE = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|so|now|then|what\s+about|how\s+about|wetin\s+of"
                       r"|what\s+of)[\s,]+)*(?:the\s+|d\s+|di\s+)?(?:other|oda|odas?|second)"
                       r"(?:\s+(?:one|ward|it))?(?:\s+(?:too|please|pls|abeg|nko|then|now))*"
                       r"\s*[?.!]*\s*$")


def other_of_same_name(low: str, last: Mapping[str, Any] | None,
                       wards: Any) -> dict[str, Any] | None:
    """ "and the other one" right after one of two wards of the same name was answered (the
    Kawo of Kuran): the same question for the ward of that name in the other LGA; None
    when the message says anything else or the name is not shared by exactly two LGAs."""
    if not last or not OTHER_ONE.match(ex.lower_text(low)):
        return None
    params = dict(last.get("params") or {})
    ward, lga = params.get("ward"), params.get("lga")
    if not ward or not lga:
        return None
    others = {w.lga for w in wards if w.name.lower() == str(ward).lower() and w.lga
              and w.lga != lga}
    if len(others) != 1:
        return None
    return {"tool": last["tool"], "params": {**params, "lga": others.pop()}}


_AGAIN_WORDS = {"too", "also", "same", "thing", "then", "now", "again", "as", "well", "please",
                "pls", "abeg", "the", "lga", "code", "for", "one", "ok", "okay",
                "so", "nko", "o", "instead", "likewise", "question"}


# "and Kuran?", "what about Lida", "Kuran nko" right after "which LGA gets the most nets?" or
# one LGA's nets in the plan: that LGA's nets in the plan
_PLAN_LGA_WORDS = _AGAIN_WORDS | {"and", "nd", "what", "how", "about", "wetin", "its", "it"}


def plan_lga_again(low: str, last: Mapping[str, Any] | None,
                   lgas: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """The step for an LGA named alone right after the plan's figure of an LGA (the one with
    the most or the fewest nets, or one named): that figure for the LGA named; None for
    anything else."""
    from chatmrpt.chat.slots import find_lga

    params = (last or {}).get("params") or {}
    if not lgas or (last or {}).get("tool") != "ask_results" or params.get("about") != "plan_lga":
        return None
    low = ex.lower_text(low)
    lga, _ = find_lga(low, lgas)
    if lga is None:
        return None
    pattern = r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])"
    if not re.search(pattern, low):
        return None
    tokens = re.findall(r"[a-z0-9']+", re.sub(pattern, " ", low))
    if len(tokens) > 5 or any(t not in _PLAN_LGA_WORDS for t in tokens):
        return None
    kept = {"measure": params["measure"]} if params.get("measure") else {}
    note = f"{lga} (as for {params['lga']}):" if params.get("lga") else ""
    return {"tool": "ask_results", "params": {"about": "plan_lga", "lga": lga, **kept},
            "note": note}


def place_again(low: str, last: Mapping[str, Any] | None, lgas: tuple[str, ...] | list[str],
                codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """ "20024 too?", "20001 same thing", "Fagge too" right after a list or count of one
    LGA: the same request for the LGA said (never a number of nets or people); None when the
    message holds anything else."""
    from chatmrpt.chat.slots import find_lga

    before = place_of(last)
    if not before:
        return None
    low = ex.lower_text(low)
    found = codes_said(low, codes)
    if len(found) == 1:
        place: dict[str, Any] = {"lga_code": found[0]}
        rest = low.replace(found[0], " ")
    elif not found and lgas:
        lga, _ = find_lga(low, lgas)
        pattern = None if lga is None else r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])"
        if pattern is None or not re.search(pattern, low):
            return None
        place = {"lga": lga}
        rest = re.sub(pattern, " ", low)
    else:
        return None
    tokens = re.findall(r"[a-z0-9']+", rest)
    if len(tokens) > 5 or any(t not in _AGAIN_WORDS for t in tokens):
        return None
    params = {k: v for k, v in ((last or {}).get("params") or {}).items()
              if k not in ("lga", "lga_code", "wards", "start")}
    where = place.get("lga") or f"LGA {place.get('lga_code')}"
    prev = before.get("lga") or f"LGA {before.get('lga_code')}"
    return {"tool": last["tool"], "params": {**params, **place},  # type: ignore[index]
            "note": f"{where} (as for {prev}):"}


_CODE_ALONE_WORDS = {"and", "nd", "what", "wetin", "about", "of", "lga", "code", "the", "abeg",
                     "pls", "please", "ok", "okay", "now", "then", "nko", "so", "for", "show",
                     "me", "list", "wards", "ward", "in", "inside", "dey"}


def code_alone(low: str, codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """ "And 20024?", "what about 20024", "20024 wards": one LGA code of the table said with
    nothing else that asks for something: that LGA's wards, said as read."""
    low = ex.lower_text(low)
    found = codes_said(low, codes)
    if len(found) != 1:
        return None
    rest = re.findall(r"[a-z0-9']+", low.replace(found[0], " "))
    if len(rest) > 5 or any(t not in _CODE_ALONE_WORDS for t in rest):
        return None
    return {"tool": "list_wards", "params": {"lga_code": found[0]},
            "note": f"Reading {found[0]} as the LGA code {found[0]} of your table (not a number "
                    "of nets)."}


# "back to the first LGA. bottom 3", "for the previous LGA, the high ones", "go back to the
# other one": an LGA talked about before, pointed at by its place in the talk
EARLIER_PLACE = re.compile(
    r"\b(?:(?:go(?:ing)?\s+|come\s+|coming\s+|let'?s\s+go\s+|take\s+me\s+)?back\s+to|in|for|of|to"
    r"|and|with|from)\s+(?:the\s+|d\s+|dat\s+|that\s+)?(?P<which>first|1st|previous|earlier|former"
    r"|original|other|last|prior|initial)\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)"
    r"(?:\s+code)?\b(?:\s+(?:again|too))?"
    r"|\b(?:go(?:ing)?\s+|come\s+|coming\s+|let'?s\s+go\s+)?back\s+to\s+(?:the\s+|d\s+)?"
    r"(?P<one>first|1st|previous|earlier|former|original|other|last|prior|initial)\s+one\b")
# "the first LGA in that list", "the last LGA you showed": a place in a list of LGAs
IN_A_LIST = re.compile(r"^\s*(?:(?:in|on|of|from)\s+(?:the|that|this|your|d|dat|my)\s+(?:list"
                       r"|table|ranking|summary|answer|order)|(?:you\s+)?(?:just\s+)?(?:listed"
                       r"|shown|showed|gave|named|mentioned)|above|there|by\b|with\b)")
_EARLIER_FILLER = {"ok", "okay", "now", "then", "and", "so", "please", "pls", "abeg", "oya",
                   "again", "lets", "let's", "let", "us", "go", "na", "o", "sorry"}


def earlier_place(low: str, record: Mapping[str, Any] | None, last: Mapping[str, Any] | None,
                  lgas: tuple[str, ...] | list[str], codes: tuple[str, ...] | list[str]
                  ) -> dict[str, Any] | None:
    """The LGA an "earlier LGA" reference points at and the rest of the message:
    {"place": {"lga"|"lga_code": ...} or None (not known: to be asked), "rest": str, "which":
    word}; None when the message holds no such reference or names its LGA itself."""
    from chatmrpt.chat.slots import find_lga

    low = ex.lower_text(low)
    m = EARLIER_PLACE.search(low)
    if m is None:
        return None
    which = m.group("which") or m.group("one")
    if m.group("one") and not place_of(last):
        return None  # "back to the first one" after anything but one LGA's wards
    params = (last or {}).get("params") or {}
    if IN_A_LIST.match(low[m.end():]) or ((last or {}).get("tool") == "lga_summary" and not (
            params.get("lga") or params.get("lga_code"))) or ((last or {}).get(
                "tool") == "ask_results" and params.get("about") in ("lgas", "plan_lga")
                                          and not params.get("lga")):
        return None  # a place in the list of LGAs just shown, not in the talk
    rest = (low[:m.start()] + " " + low[m.end():]).strip(" .,;:-!?")
    if codes_said(rest, codes) or CODE_SAID.search(rest) or (lgas and find_lga(rest, lgas)[0]):
        return None  # "and the other LGA, Raubatsa?": the LGA is named
    record = record or {}
    places = [p for p in (record.get("places") or []) if p]
    current = {"lga": record["lga"]} if record.get("lga") else (
        {"lga_code": record["lga_code"]} if record.get("lga_code") else None)
    before = [p for p in places if p != current]
    place: dict[str, Any] | None = None
    if which in ("first", "1st", "original", "initial"):
        place = record.get("first_place") or (places[0] if places else None)
    elif which == "other":
        place = before[-1] if len(places) == 2 and len(before) == 1 else None
    elif before:
        place = before[-1]
    words = [w for w in re.findall(r"[a-z0-9']+", rest) if w not in _EARLIER_FILLER]
    return {"place": dict(place) if place else None, "rest": rest if words else "",
            "which": which}


# "in 24008 only", "just Lida", "only for Kuran", "restrict it to 20012" right after a ward
# list: the same list (length, order, group, method) for that LGA alone
_SCOPE_CUE = {"only", "just", "restrict", "limit", "narrow", "within", "solely"}
_SCOPE_WORDS = _SCOPE_CUE | {
    "in", "for", "to", "inside", "it", "that", "this", "the", "d", "lga", "code", "please",
    "pls", "abeg", "now", "then", "ok", "okay", "and", "so", "instead", "same", "list", "but",
    "wards", "ward", "ones", "do", "show", "me", "make", "keep", "local", "government", "area",
    "oya", "sorry", "i", "meant", "mean", "down",
}  # fmt: skip
LIST_TOOLS = ("top_wards", "list_wards")


def _one_place(low: str, found: list[str],
               lgas: tuple[str, ...] | list[str]) -> tuple[dict[str, Any], str] | None:
    """The one LGA a lower-cased message names, by the one code ``found`` in it or else by
    the one LGA name said once, and the message without it; None when it names none or
    more than one."""
    from chatmrpt.chat.slots import find_lga

    if len(found) == 1:
        return {"lga_code": found[0]}, low.replace(found[0], " ")
    if found or not lgas:
        return None
    lga, _ = find_lga(low, lgas)
    pattern = None if lga is None else r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])"
    if pattern is None or len(re.findall(pattern, low)) != 1:
        return None
    return {"lga": lga}, re.sub(pattern, " ", low)


def place_scoped(low: str, last: Mapping[str, Any] | None, lgas: tuple[str, ...] | list[str],
                 codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """The list_wards step for "in 24008 only" right after a ranked ward list: that list,
    for the one LGA said; None when the message holds anything else or no list was shown."""
    if not last or last.get("tool") not in LIST_TOOLS:
        return None
    kept = dict(last.get("params") or {})
    if kept.get("wards"):
        return None
    low = ex.lower_text(low)
    one = _one_place(low, codes_said(low, codes), lgas)
    if one is None:
        return None
    place, rest = one
    tokens = re.findall(r"[a-z0-9']+", rest)
    # "in 24006", "and for Kuran?": the place alone, led by "in" or "for", scopes the list too
    led = [t for t in tokens if t not in ("and", "now", "ok", "okay", "then", "so")]
    place_alone = bool(led) and led[0] in ("in", "for", "inside", "within") and len(led) <= 3
    if len(tokens) > 8 or not (place_alone or any(t in _SCOPE_CUE for t in tokens)) or \
            any(t not in _SCOPE_WORDS for t in tokens):
        return None
    params = {k: kept[k] for k in ("n", "order", "category", "method") if kept.get(k)}
    if params.get("order") == "top":
        params.pop("order")
    params.update(place)
    where = place.get("lga") or f"LGA {place.get('lga_code')}"
    return {"tool": "list_wards", "params": params,
            "note": f"The same list, for {where} only:"}


# "which of them are in Rimai?", "how many of those are in 24008", "any of them in Jalsha?":
# the wards just listed that lie in one LGA
_IN_PLACE_WORDS = {
    "which", "what", "wetin", "any", "how", "many", "number", "count", "of", "them", "those",
    "these", "dem", "dose", "ones", "one", "are", "is", "dey", "be", "in", "from", "inside",
    "within", "for", "lga", "code", "the", "d", "and", "so", "ok", "okay", "now", "then",
    "wards", "ward", "among", "located", "fall", "falls", "under", "belong", "belongs", "to",
    "please", "pls", "abeg", "only", "just", "do", "does", "lie", "sit", "there", "local",
    "government", "area", "out",
}  # fmt: skip
_THEM = {"them", "those", "these", "dem", "dose", "ones"}
_IN = {"in", "from", "inside", "within", "under", "to", "dey"}


def listed_in_place(low: str, listed: list[str] | None, last: Mapping[str, Any] | None,
                    lgas: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """The step for a question on which (or how many) of the wards just listed lie in one LGA
    (named, or by a code): the wards of the last list in that LGA; None otherwise."""
    if not listed or not last or last.get("tool") not in ("top_wards", "list_wards",
                                                          "ask_results"):
        return None
    low = ex.lower_text(low)
    one = _one_place(low, CODE_SAID.findall(low), lgas)
    if one is None:
        return None
    place, rest = one
    tokens = re.findall(r"[a-z0-9']+", rest)
    if len(tokens) > 12 or not _THEM & set(tokens) or not _IN & set(tokens) or \
            not {"which", "what", "wetin", "any", "many", "number", "count"} & set(tokens) or \
            any(t not in _IN_PLACE_WORDS for t in tokens):
        return None
    params = dict(last.get("params") or {})
    where = place.get("lga") or f"LGA {place.get('lga_code')}"
    if last.get("tool") == "list_wards" and not params.get("n") and not params.get("wards") \
            and not _COUNT.search(low) and not (params.get("lga") or params.get("lga_code")):
        # a whole group was listed ("the High wards"): those of the LGA are that group there
        kept = {k: params[k] for k in ("category", "method") if params.get(k)}
        return {"tool": "list_wards", "params": {**kept, **place},
                "note": f"The wards of my last list that are in {where}:"}
    return {"tool": "ask_results", "params": {"about": "ward_counts", "wards": list(listed),
                                              **place},
            "note": f"Of the {len(listed)} wards of my last answer, those in {where}:"}


# "list all of them", "show them all", "list dem" right after one LGA's count: the wards
# counted, all of them
THEM_ALL = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|so|then|now|please|pls|abeg|oya)[\s,]+)*"
                      r"(?:list|show|name|give|tell)\s+(?:me\s+|us\s+)?(?:(?:all\s+(?:of\s+)?)?"
                      r"(?:them|those|dem|dose|these|the\s+wards|its\s+wards|their\s+names)"
                      r"(?:\s+all)?|all)(?:\s+(?:please|pls|abeg|then|now))*\s*[.!?]*\s*$")


def counted_listed(low: str, last: Mapping[str, Any] | None,
                   focus_record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The list_wards step for "list all of them" right after the wards of one LGA were
    counted ("how many wards does Gabajal have"), with the category counted when one was;
    None otherwise."""
    if not THEM_ALL.match(ex.lower_text(low)) or not last:
        return None
    params = last.get("params") or {}
    counted = last.get("tool") == "lga_summary" or (
        last.get("tool") == "ask_results" and params.get("about") == "ward_counts")
    place = just_placed(focus_record, last)
    if not counted or not place or params.get("wards") or params.get("agree"):
        return None
    step = {**place, **({"category": params["category"]} if params.get("category") else {})}
    where = place.get("lga") or f"LGA {place.get('lga_code')}"
    return {"tool": "list_wards", "params": step,
            "note": f"The wards of {where} just counted, most vulnerable first:"}


# "my LGA is 20043", "our lga na 20043", "I cover LGA 20043": the user's own LGA given by its
# code and nothing else asked
OWN_CODE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|well|sorry|no)[\s,]+)*(?:(?:my|our)\s+(?:own\s+)?(?:lga|l\.g\.a"
    r"|local\s+government(?:\s+area)?)(?:\s+code)?\s*(?:is|na|be|=|:|-)?"
    r"|(?:i|we)\s*(?:'m|am|are|be|dey)?\s*(?:cover(?:ing)?|in|from|work\s+in|based\s+in"
    r"|(?:the\s+)?focal\s+(?:person\s+)?for)\s+(?:lga\s+)?(?:code\s+)?)"
    r"\s*(?P<code>\d{4,6})\s*(?:lga)?\s*[.!]*\s*$")


def own_code_alone(low: str, codes: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """The wards of the user's own LGA given by its code alone ("my LGA is 20043"): the
    list_wards step with a note; None when the message says anything else or the code is
    not one of the table's."""
    m = OWN_CODE.match(ex.lower_text(low))
    if not m or m.group("code") not in codes:
        return None
    code = m.group("code")
    return {"tool": "list_wards", "params": {"lga_code": code},
            "note": f"LGA {code} is your LGA (kept for this conversation). Its wards:"}
