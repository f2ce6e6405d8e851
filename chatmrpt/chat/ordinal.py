"""References by position into what was just shown: "the second one there - what's its
population?", "d 3rd one, wetin be im rank", "the top one, its score?" (a ward of the last
list shown, by its place in that list), and a bare "and the last one?" after the assistant
named the ward at one rank (the ward ranked last).

A reference is read only when the last answer listed wards (or named the ward at a rank) and
the position is inside that list; otherwise the message is left to the other readings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "top": 1, "last": -1, "bottom": -1,
}  # fmt: skip
_ORD = r"(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|last|bottom" \
       r"|\d{1,2}(?:st|nd|rd|th))"
# "the second one", "d 3rd one there", "di top ward", "dat last one"
ORDINAL = re.compile(r"\b(?:the|d|di|de|da|dat|that)\s+(?:very\s+)?" + _ORD
                     + r"\s+(?:one|ward)\b(?:\s+(?:there|on\s+(?:the|that|d)\s+list|in\s+(?:the|that"
                     r"|d)\s+list|(?:you\s+)?(?:listed|showed|shown)))?")
# "the second ward in Lida", "the top one by PCA": a position in another set
ELSEWHERE = re.compile(r"\s+(?:in|of|for|from|by|on|inside|within)\s+(?!(?:the|that|this|d|dat)"
                       r"\s+list\b|there\b|it\b)")
# what is asked about it: a pronoun or a question word next to the reference
ASKS = re.compile(r"\b(?:its|it'?s|im|his|her|e\s+get|what|wetin|wat|which|how)\b")
RANK_WORDS = re.compile(r"\brank\w*|\bposition\b|\bplace\b")
SCORE_WORDS = re.compile(r"\bscore\b|\bcategory\b|\bpriority\b")
# not about one shown ward: hypotheticals, plans, exports, maps, several wards
NOT_HERE = re.compile(r"\bif\b|\bwould\b|\bplan\w*|\bnets?\b|\bexport\w*|\bsave\b|\bdownload\b"
                      r"|\bmaps?\b|\bones\b|\bwards\b|\bboth\b|\bcompare\w*|\bvs\b|\bversus\b"
                      r"|\bexcel\b|\bcsv\b|\bpng\b")
# "and the last one?", "and d last one", "the bottom one?": nothing else said
BARE_LAST = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|then|what\s+about|how\s+about|wetin\s+about)"
                       r"[\s,]+)*(?:the|d|di|dat|that)\s+(?:very\s+)?(?:last|bottom)\s+(?:one|ward)"
                       r"(?:\s+(?:nko|too|then|now))?\W*$")


# "the third?", "and the last one?", "what about number 4", "no. 2 nko": a place in the list
# just shown said alone (after a ward list only)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}
BARE = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|then|now|what\s+about|how\s+about|wetin\s+about"
                  r"|what\s+of)[\s,]+)*(?:(?:the|d|di|dat|that)\s+(?:very\s+)?" + _ORD
                  + r"(?:\s+(?:one|ward))?|(?:number|no\.?|#)\s*(?P<num>\d{1,2}|one|two|three"
                  r"|four|five|six|seven|eight|nine|ten))(?:\s+(?:on\s+(?:the|that|d)\s+list"
                  r"|there|nko|too|then|now|please|pls))*\W*$")
# "last ward on d list", "the 2nd ward on the list", "top ward in the ranking": a place said
# with the word ward (or the list named), the article optional
POSITION_SAID = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|then|now|what\s+about|how\s+about|wetin\s+about|what\s+of"
    r"|which\s+is|what\s+is|who\s+is|which\s+one\s+(?:is|be)|which\s+be|wetin\s+be|who\s+be"
    r"|show(?:\s+me)?|give\s+me|tell\s+me)[\s,]+)*"
    r"(?:(?:the|d|di|dat|that)\s+)?(?:very\s+)?" + _ORD + r"\s+(?:ward|one)"
    r"(?P<list>\s+(?:on|in|of)\s+(?:the|that|d|di|dat|your|ur|this|dis)\s+(?:list|ranking|rankings"
    r"|ranked\s+list)|(?P<whole>\s+(?:for|in|of|on)\s+(?:the|d|di)\s+(?:whole|entire|full)"
    r"\s+(?:table|list|ranking|area|data)|\s+overall))?"
    r"(?:\s+(?:nko|too|then|now|please|pls))*\W*$")
LIST_TOOLS = ("top_wards", "list_wards")


def _position_said(low: str) -> re.Match | None:
    """POSITION_SAID, with "one" only after an article or before the list named ("last one"
    alone is left to the other readers)."""
    m = POSITION_SAID.match(low)
    if m is None or (re.search(r"\bone\b", m.group(0)) and not m.group("list") and not re.search(
            r"\b(?:the|d|di|dat|that)\s+(?:very\s+)?" + _ORD, low)):
        return None
    return m


def bare_listed_ward(low: str, listed: Sequence[str] | None, last: Mapping[str, Any] | None
                     ) -> tuple[dict[str, Any], str] | None:
    """ "the third?", "what about number 4", "and the last one?" right after a ward list:
    that ward's rank, score and category (explain_ward)."""
    if not listed or not last or last.get("tool") not in LIST_TOOLS:
        return None
    m = BARE.match(low) or _position_said(low)
    if m is None or "rank" in (m.groupdict().get("list") or ""):
        return None  # "the top ward in the ranking": the ranking's, not the list's
    k = _position(m.group("ord")) if m.group("ord") else (
        _WORDS.get(m.group("num")) or int(m.group("num")))
    if k is None or k > len(listed) or k == 0:
        return None
    name, lga = _split_name(listed[k - 1] if k > 0 else listed[-1])
    place = "the last" if k < 0 else f"number {k}"
    return ({"tool": "explain_ward", "params": {"ward": name, **({"lga": lga} if lga else {})}},
            f"{name} ({place} in the list I just showed):")


def first_after_bottom(low: str, listed: Sequence[str] | None,
                       last: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """ "and the first one?" right after the least vulnerable wards were listed (bottom
    first): when one ward was asked for ("which ward is last?"), the first of the ranking
    (rank 1, set against the last); after a bottom list asked for by its length ("bottom
    10"), the first row of that list and rank 1 both fit, so the user is asked. Returns
    {"step", "note"} or {"ask", "choices"}; None for anything else."""
    if not listed or not last or last.get("tool") not in LIST_TOOLS:
        return None
    params = last.get("params") or {}
    if params.get("order") != "bottom":
        return None
    m = BARE.match(low)
    if m is None or not m.group("ord") or _position(m.group("ord")) != 1:
        return None
    keep = {k: params[k] for k in ("lga", "lga_code", "category", "method") if params.get(k)}
    top = {"tool": last["tool"] if keep.get("lga") or keep.get("lga_code") or
           keep.get("category") else "top_wards", "params": {**keep, "n": 1, "order": "top"}}
    if top["tool"] == "list_wards":
        top["params"].pop("order")
    if params.get("n") in (None, 1):
        return {"step": top, "note": "The first of the ranking (the most vulnerable ward):"}
    name, lga = _split_name(listed[0])
    row = {"tool": "explain_ward", "params": {"ward": name, **({"lga": lga} if lga else {})}}
    return {"ask": f"The list I just showed starts from the least vulnerable ward, so its first "
                   f"row is {name}. Do you mean {name}, or the ward ranked first (the most "
                   f"vulnerable)?",
            "choices": [{"label": f"{name} (first row of the list)", **row},
                        {"label": "The ward ranked 1 (most vulnerable)", **top}]}


def _split_name(listed: str) -> tuple[str, str | None]:
    """ "Ransha I (Rimai)" -> ("Ransha I", "Rimai")."""
    m = re.fullmatch(r"(.+?)\s+\(([^()]+)\)", listed.strip())
    return (m.group(1), m.group(2)) if m else (listed.strip(), None)


def _position(word: str) -> int | None:
    if word in ORDINALS:
        return ORDINALS[word]
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)", word)
    return int(m.group(1)) if m and int(m.group(1)) > 0 else None


def listed_ward(text: str, low: str, listed: Sequence[str] | None,
                variables: Sequence[str] = ()) -> tuple[dict[str, Any], str] | None:
    """(the step, the note) for a question on one ward of the last list by its position
    ("the second one there - its population?"); None when the message is no such question."""
    m = ORDINAL.search(low)
    if m is None or not listed or NOT_HERE.search(low):
        return None
    k = _position(m.group("ord"))
    if k is None or k > len(listed) or ELSEWHERE.match(low[m.end():]):
        return None
    rest = (low[:m.start()] + " " + low[m.end():]).strip()
    spans = [v for v in ex.find_variables(text, variables) if v.column]
    found = [v.column for v in spans]
    if not found and POPULATION.search(rest):
        found = [v for v in variables if re.search(r"pop", v, re.I)][:2]
    if len(set(found)) > 1:
        return None
    if not ASKS.search(rest) and not _bare_ask(low, m, spans, bool(found)):
        return None
    name, lga = _split_name(listed[k - 1] if k > 0 else listed[-1])
    where = {"ward": name, **({"lga": lga} if lga else {})}
    if found:
        step = {"tool": "ward_value", "params": {**where, "variable": found[0]}}
    elif RANK_WORDS.search(rest) or SCORE_WORDS.search(rest):
        step = {"tool": "explain_ward", "params": where}
    else:
        return None
    place = "the last" if k < 0 else f"number {k}"
    return step, f"{name} ({place} in the list I just showed):"


POPULATION = re.compile(r"\bpop(?:ulation)?\b|\bhow\s+many\s+(?:people|persons|pipo|residents)\b")
# what a bare question may hold besides the reference and what it asks ("d 1st one pop?",
# "the top one tpr", "and the second one, rank?")
_BARE_ASK_WORDS = {"and", "nd", "so", "ok", "okay", "now", "then", "pls", "please", "abeg", "nko",
                   "value", "figure", "pop", "population", "rank", "ranking", "position", "score",
                   "category", "priority"}


def _bare_ask(low: str, ref: re.Match[str], spans: Sequence[Any], named: bool) -> bool:
    """ "d 1st one pop?", "the top one tpr": the reference and a value or rank word said
    alone, with no question word, ask for that value."""
    cut = low
    for s in sorted(spans, key=lambda s: -s.start):
        cut = cut[:s.start] + " " + cut[s.end:]
    left = (cut[:ref.start()] + " " + cut[ref.end():]) if cut[ref.start():ref.end()] == \
        ref.group(0) else ""
    tokens = re.findall(r"[a-z0-9_']+", left)
    asked = named or any(RANK_WORDS.match(t) or SCORE_WORDS.match(t) for t in tokens)
    return asked and len(tokens) <= 4 and all(t in _BARE_ASK_WORDS for t in tokens)


def last_after_rank(low: str, last: Mapping[str, Any] | None) -> str | None:
    """ "and the last one?" right after the assistant named the ward at one rank: the ward
    ranked last, asked the same way; None otherwise."""
    if not BARE_LAST.match(low) or not last:
        return None
    params = last.get("params") or {}
    one_top = last.get("tool") in ("top_wards", "list_wards") and params.get("n") == 1 and \
        params.get("order", "top") == "top" and not (params.get("lga") or params.get("lga_code")
                                                     or params.get("category"))
    if last.get("tool") != "explain_ward" and not one_top:
        return None  # "which ward is at the top?" then "and the last one": the last-ranked ward
    return "which ward comes last?" + (" by pca" if params.get("method") == "pca" else "")


def ranking_position(low: str, listed: Sequence[str] | None,
                     last: Mapping[str, Any] | None) -> str | None:
    """ "last ward on d list", "the 3rd ward on the list" with no ward list just shown: the
    list is the ranking, so the ward at that rank, asked the way the rank readers read it
    (another place than the last only with the list named); None otherwise (after a ward
    list the position is read in that list)."""
    m = _position_said(low)
    if m is None or not (m.group("list") or re.search(r"\bward\b", m.group(0))):
        return None  # "the last one" after a plan or a map may be another thing than a ward
    if listed and (last or {}).get("tool") in LIST_TOOLS and "rank" not in (
            m.group("list") or "") and not m.group("whole"):
        return None
    k = _position(m.group("ord"))
    if k is None or k == 0 or (k > 0 and not m.group("list")):
        return None  # "top ward", "the second ward": read by the other readers as before
    method = " by pca" if ((last or {}).get("params") or {}).get("method") == "pca" else ""
    return ("which ward comes last?" if k < 0 else f"which ward is number {k}?") + method


def rank_word(low: str) -> int | None:
    """The rank a "which ward is number one" question names in words or digits."""
    m = re.search(r"(?:\b(?:number|no\.?)|#)\s*(one|two|three|four|five|\d{1,3})\b", low)
    if not m:
        return None
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
    return words.get(m.group(1)) or int(m.group(1))


# "out of those ones, which are High?", "High only", "just the low ones": a category filter
# of the ward list just shown for one LGA
OF_THOSE = re.compile(r"\b(?:out\s+of|of|among|from|inside|in)\s+(?:those|these|them|dem|dose"
                      r"|the\s+list|that\s+list)(?:\s+ones)?\b")
ONLY = re.compile(r"^\W*(?:(?:ok(?:ay)?|now|so|then|and)[\s,]+)*(?:(?:only|just)\s+(?:the\s+|d\s+)?"
                  r"(?P<a>high|medium|low)(?:\s+(?:priority|risk|category))?(?:\s+(?:ones?|wards?))?"
                  r"|(?:the\s+|d\s+)?(?P<b>high|medium|low)(?:\s+(?:priority|risk|category))?"
                  r"(?:\s+(?:ones?|wards?))?\s+only)\W*$")
_CATEGORY = re.compile(r"\b(high|medium|low)(?:\s+(?:priority|risk|category)|\s+ones?\b|\s+wards?\b"
                       r"|\s*\?|\s*$)")
NOT_A_FILTER = re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b|\bmaps?\b|\bplan\w*|\bnets?\b"
                          r"|\bexport\w*|\bsave\b|\bdownload\b|\bif\b|\bwould\b|\bwhy\b|\bexcel\b"
                          r"|\bcsv\b")


def category_of_shown(low: str, last: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The list_wards parameters for a category filter of the last list of one LGA's wards
    ("out of those ones, which are in the high category?", "High only"), or of the wards of
    the one LGA just counted ("which of them are high risk"); None otherwise."""
    if not last or last.get("tool") not in ("list_wards", "top_wards", "lga_summary") or \
            NOT_A_FILTER.search(low):
        return None
    params = dict(last.get("params") or {})
    place = {k: params[k] for k in ("lga", "lga_code") if params.get(k)}
    if not place:
        return None
    m = ONLY.match(low)
    cat = (m.group("a") or m.group("b")) if m else None
    if cat is None and OF_THOSE.search(low):
        c = _CATEGORY.search(low)
        cat = c.group(1) if c else None
    if cat is None:
        return None
    return {**place, "category": cat.title()}


# "can you show me it?", "show am", "pls show me that one" right after a question about a map
# that was answered without showing it
SHOW_IT = re.compile(r"^\W*(?:(?:ok(?:ay)?|now|and|so|then|pls|please|abeg|oya)[\s,]+)*(?:(?:can|could"
                     r"|would)\s+(?:you|u)\s+|(?:you|u)\s+fit\s+)?(?:pls\s+|please\s+|abeg\s+)?"
                     r"(?:show|display|open|bring)\s+(?:me\s+|us\s+)?(?:it|am|that(?:\s+one|\s+map)?"
                     r"|dat(?:\s+one|\s+map)?|this(?:\s+one|\s+map)?|the\s+map)(?:\s+(?:pls|please"
                     r"|abeg|now|then|too))*\s*[?.!]*\s*$")
MAP_TALK = (
    (re.compile(r"\bcategor\w*\s+map\b|\bmap\s+of\s+(?:the\s+)?categor\w*"), "category"),
    (re.compile(r"\b(?:vulnerability|composite|risk)\s+(?:score\s+)?map\b"), "composite"),
    (re.compile(r"\bpca\s+map\b"), "pca"),
)


def map_talked_about(low: str) -> str | None:
    """The one map a message talks about without asking to see it ("how do I read the
    category map?"), or None."""
    hits = {what for pattern, what in MAP_TALK if pattern.search(low)}
    return next(iter(hits)) if len(hits) == 1 else None


# "and the next one?", "the one after it"
NEXT = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?|then|now|what\s+about|how\s+about|wetin\s+about"
                  r"|what\s+of)[\s,]+)*(?:the\s+|d\s+)?(?:next\s+(?:one|ward)|one\s+after\s+(?:it"
                  r"|that|am))(?:\s+(?:nko|too|then|now|please|pls))*\W*$")


def next_in_ranking(low: str, listed: Sequence[str] | None, ward: str | None,
                    ward_lga: str | None, last: Mapping[str, Any] | None,
                    ranked: Sequence[tuple[str, str | None]]) -> dict[str, Any] | None:
    """ "and the second one?", "the next one?" after questions about a ward picked from the top
    of the ranking ("which ward is the most at risk?" -> "how many people live there?"): the
    ward at that rank, asked the same way (its value again, or its rank and score); None when
    the talk is not about the top of the whole ranking or the message says anything else."""
    if not listed or not ward or not ranked or not last or last.get("tool") in LIST_TOOLS:
        return None
    shown = [_split_name(n) for n in listed]
    top = [(name, lga) for name, lga in ranked[:len(shown)]]
    if [n for n, _ in shown] != [n for n, _ in top] or \
            any(lga and lga != t for (_, lga), (_, t) in zip(shown, top, strict=False)):
        return None  # the list shown was not the top of the composite ranking
    here = next((i for i, (n, lga) in enumerate(ranked) if n == ward
                 and (ward_lga is None or lga is None or lga == ward_lga)), None)
    if here is None:
        return None
    if NEXT.match(low):
        k = here + 2
    else:
        m = BARE.match(low)
        if m is None or not m.group("ord"):
            return None
        k = _position(m.group("ord")) or 0
        if k < 0:
            k = len(ranked)
    if not 1 <= k <= len(ranked) or k == here + 1:
        return None
    name, lga = ranked[k - 1]
    where = {"ward": name, **({"lga": lga} if lga and sum(
        1 for n, _ in ranked if n == name) > 1 else {})}
    params = last.get("params") or {}
    if last.get("tool") == "ward_value" and params.get("variable"):
        step = {"tool": "ward_value", "params": {**where, "variable": params["variable"]}}
    else:
        step = {"tool": "explain_ward", "params": where}
    at = f" ({lga} LGA)" if lga else ""
    return {"step": step, "note": f"Number {k} in the composite ranking is {name}{at}:"}


# "the next five", "and the next one?", "next 10 wards pls", "show me 5 more", "the following
# ones": the places after the list of the whole area just shown, in the same order and method
_K = r"(?P<k>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|few)"
NEXT_PLACES = re.compile(
    r"^\W*(?:(?:and|nd|so|ok(?:ay)?|then|now|please|pls|abeg|oya|what\s+about|how\s+about"
    r"|wetin\s+about)[\s,]+)*(?:(?:show|give|list|send)\s+(?:me\s+|us\s+)?)?"
    r"(?:(?:the|d)\s+)?(?:(?:next|following)(?:\s+" + _K + r")?(?:\s+(?:ones?|wards?))?"
    r"|" + _K.replace("?P<k>", "?P<more>") + r"\s+more(?:\s+wards?)?)"
    r"(?:\s+(?:nko|too|then|now|please|pls|abeg|o|down|on\s+the\s+list|in\s+the\s+list))*\W*$")


def next_places(low: str, last: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The step for "the next five" right after a list of the most (or least) vulnerable
    wards of the whole area, or of one LGA or category: the places after it, as many as said (one for "the next one",
    as many as before for "the next ones"); None for anything else."""
    if not last or last.get("tool") not in ("top_wards", "list_wards"):
        return None
    m = NEXT_PLACES.match(ex.lower_text(low))
    if not m:
        return None
    params = dict(last.get("params") or {})
    if last.get("tool") == "list_wards" and not params.get("n"):
        return None  # a whole list was shown: there is no next place
    shown = int(params.get("n", 10))
    said = m.group("k") or m.group("more")
    if said in (None, "few"):
        words = ex.lower_text(low)
        k = 1 if re.search(r"\bnext\s+(?:one|ward)\b(?!s)", words) else shown
    else:
        k = ex.small_number(said) or 0
    if not 1 <= k <= 100:
        return None
    start = int(params.get("start", 1)) + shown
    params.update({"n": k, "start": start})
    side = "" if params.get("order", "top") == "top" else " from the bottom"
    end = start + k - 1
    places = f"place {start}" if k == 1 else f"places {start} to {end}"
    return {"tool": last.get("tool"), "params": params,
            "note": f"The next {'one' if k == 1 else k}{side} ({places}):"}
