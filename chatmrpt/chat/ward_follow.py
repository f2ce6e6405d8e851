"""One ward's values asked in a follow-up: the ward of the last answer referred to ("whats
its tpr value", "de housing value for am?", "e get elevation?", "and that ward's rainfall")
or another ward said short after a value was given ("What's the population of Bakin
Tsakuma?" -> "and Unguwar Kwajiku?"): the value of that ward, never its explanation nor a
method's.

A message with anything else in it (a map, a plan, "why", a change, a second ward or
variable, a number) is left to the other readers.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

# the ward just talked about: "its", "it", "am" (pidgin), "that ward"; "e get ...", "e dey ..."
# (pidgin "it has ...") only at the start
_IT = re.compile(r"\b(?:its|it'?s|it|am|that\s+ward(?:'s)?|this\s+ward(?:'s)?|dat\s+ward"
                 r"|dis\s+ward|same\s+ward)\b|^\W*(?:and\s+|so\s+)?e\s+(?:get|dey|be|have)\b")
# what else the message may hold: a question about a value
_VALUE_WORDS = {
    "what", "whats", "what's", "wat", "wetin", "which", "is", "be", "the", "d", "de", "di",
    "value", "values", "figure", "number", "level", "for", "of", "its", "it", "it's", "am",
    "and", "so", "ok", "okay", "now", "then", "please", "pls", "abeg", "e", "get", "got",
    "dey", "have", "has", "does", "do", "tell", "me", "give", "show", "how", "much", "about",
    "that", "this", "ward", "ward's", "same", "dat", "dis", "there", "too", "also", "nko",
    "oya", "again", "o", "score", "raw", "data", "column", "reading", "there's",
}  # fmt: skip
_OTHER = re.compile(r"\bmaps?\b|\bplan\w*|\bnets?\b|\bwhy\b|\bexplain\w*|\bmean\w*|\bchange\w*"
                    r"|\bremove\b|\bdrop\b|\badd\b|\bchart\b|\bexport\w*|\bsave\b|\brank\w*"
                    r"|\bcompar\w*|\bmethod\w*|\bdirection\w*|\bweight\w*|\binverse\b"
                    r"|\bdirect\b|\bif\b|\bwould\b|\bshould\b|\ball\b|\bwards\b|\blgas?\b")
_POPULATION = re.compile(r"\bpop(?:ulation)?\b")
# "and X?", "what about X", "X nko", "how about X then"
_AND_WARD = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|then|now)[\s,]+)*(?:and|nd|what\s+about|how\s+about"
                       r"|what\s+of|wetin\s+of|same\s+for)\s+(?P<rest>.+?)\s*[?.!]*\s*$")
_AND_TAIL = re.compile(r"^\W*(?P<rest>.+?)\s+nko\s*[?.!]*\s*$")


def _variable(text: str, low: str, ctx: RouterContext) -> str | None:
    """The one column the message names (population said plainly counts)."""
    named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column}
    if not named and _POPULATION.search(low):
        named = {v for v in ctx.variables if re.search(r"pop", v, re.I)}
    return next(iter(named)) if len(named) == 1 else None


def _only_value_words(low: str, variable_words: set[str]) -> bool:
    tokens = re.findall(r"[a-z0-9_']+", low)
    return bool(tokens) and len(tokens) <= 10 and all(
        t in _VALUE_WORDS or t in variable_words for t in tokens)


# "how many people are in Raumirau", "how many persons live in Kawo ward?", "how many people
# dey for Raumirau": the population of the ward named
PEOPLE_IN = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|now|then|also|please|pls|abeg)[\s,]+)*how\s+many\s+(?:people"
    r"|persons|pipo|residents|inhabitants|individuals)\s+(?:(?:are|is|do|does|dey|were)\s+)?"
    r"(?:(?:there|living|live|lives|stay|stays|staying|reside|resides|residing|dey)\s+)?"
    r"(?:in|for|inside|within|at)\s+(?:the\s+)?(?:ward\s+(?:of\s+|called\s+)?)?(?P<name>.+?)"
    r"\s*[?.!]*\s*$")
_NAME_FILLER = re.compile(r"\b(?:ward|in|of|lga|the|today|now|please|pls|abeg|o|there)\b")


def people_in_ward(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """ "how many people are in Raumirau": the ward's population (its value in the table's
    population column), never its rank; None for an LGA or anything else."""
    m = PEOPLE_IN.match(ex.lower_text(text))
    columns = [v for v in ctx.variables if re.search(r"pop", v, re.I)]
    if m is None or not ctx.wards or len(columns) != 1:
        return None
    said = m.group("name")
    match = ex.find_ward(said, ctx.wards)
    if match is None or match.score < 85 or len(set(match.names)) != 1:
        return None
    left = (said[:match.start] + " " + said[match.end:]).strip(" ,?.!")
    lga, _ = find_lga(left, facts.lgas) if left and facts.lgas else (None, None)
    if lga:
        left = re.sub(re.escape(lga.lower()), " ", left)
    if _NAME_FILLER.sub(" ", left).strip(" ,?.!") or \
            any(ex.lower_text(lg) == ex.lower_text(said).strip() for lg in facts.lgas):
        return None  # more than a ward's name (or an LGA's): read by the other readers
    return _with_lga(text, {"ward": match.names[0], "variable": columns[0]}, match, lga, ctx)


def value_follow_up(text: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """The ward_value step for a follow-up about one ward's value, or None."""
    from chatmrpt.chat import focus

    if not ctx.has_dataset or not ctx.wards or not ctx.variables:
        return None
    people = people_in_ward(text, ctx, facts)
    if people is not None:
        return people
    low = ex.lower_text(text)
    if _OTHER.search(low):
        return None
    seen = focus.Focus.of(state.focus)
    last = state.last or {}
    # another ward, said short, after a value: the same value for that ward
    m = _AND_WARD.match(low) or _AND_TAIL.match(low)
    if m and last.get("tool") == "ward_value" and (last.get("params") or {}).get("variable"):
        rest = m.group("rest")
        match = ex.find_ward(rest, ctx.wards)
        if match is not None and match.score >= 85 and len(match.names) == 1:
            left = (rest[:match.start] + " " + rest[match.end:]).strip(" ,?.!")
            lga, _ = find_lga(left, facts.lgas) if left and facts.lgas else (None, None)
            if lga:
                left = re.sub(re.escape(lga.lower()), " ", left)
            left = re.sub(r"\b(?:in|of|lga|ward|too|then|now|please|pls|the|one)\b", " ", left)
            if not left.strip(" ,?.!") and not re.search(r"\d", rest[:match.start]):
                params: dict[str, Any] = {"ward": match.names[0],
                                          "variable": last["params"]["variable"]}
                return _with_lga(text, params, match, lga, ctx)
    # "and the housing value there? I heard it was missing": a remark after the question
    sentences = [p for p in re.split(r"(?<=[?.!])\s+", low) if p.strip()]
    if len(sentences) > 1 and not _OTHER.search(" ".join(sentences[1:])) and \
            "?" not in " ".join(sentences[1:]):
        low = sentences[0]
    # "and housing?", "and the housing value there?" right after a ward's value: that ward's
    # value of the variable named
    there = re.search(r"\bthere\b", low) is not None
    other_variable = seen.ward and (
        (last.get("tool") == "ward_value" and (_AND_WARD.match(low) or _AND_TAIL.match(low)
                                              or there))
        # "what is the elevation there?" a few messages after a ward's value: the ward is
        # the last place talked about (no LGA since)
        or (there and (not seen.lga or seen.lga == seen.ward_lga)))
    if not seen.ward or not (_IT.search(low) or other_variable):
        return None
    named = ex.find_ward(low, ctx.wards)
    if named is not None and named.score >= 85:
        return None  # a ward named: read on its own
    variable = _variable(low, low, ctx)
    if variable is None:
        return None
    spans = [m for m in ex.find_variables(low, ctx.variables) if m.column]
    words = set()
    for s in spans:
        words.update(re.findall(r"[a-z0-9_']+", low[s.start:s.end]))
    if not spans:
        words.update(re.findall(r"[a-z]+", " ".join(_POPULATION.findall(low))))
    words.update(re.findall(r"[a-z0-9_']+", variable.lower().replace("_", " ")))
    if not _only_value_words(low, words):
        return None
    params = {"ward": seen.ward, "variable": variable}
    if seen.ward_lga and sum(1 for w in ctx.wards if w.name == seen.ward) > 1:
        params["lga"] = seen.ward_lga
    return Decision([Step("ward_value", params, source=text)],
                    reading={"stored": "ward_value", "tool": "ward_value"})


def _with_lga(text: str, params: dict[str, Any], match: Any, lga: str | None,
              ctx: RouterContext) -> Decision:
    lgas = sorted({c.lga for c in match.candidates if c.lga})
    if lga and lga in lgas:
        params["lga"] = lga
    elif len(lgas) > 1:
        choices = [{"label": f"{params['variable']} of {params['ward']} in {lg}",
                    "tool": "ward_value", "params": {**params, "lga": lg}} for lg in lgas]
        return Decision(text=f"There is a {params['ward']} ward in {', '.join(lgas[:-1])} and "
                             f"{lgas[-1]}. Which one?", choices=choices,
                        pending={"expects": "choice", "choices": choices},
                        reading={"stored": "ward_value", "ambiguous": params["ward"]})
    elif len(lgas) == 1 and sum(1 for w in ctx.wards if w.name == params["ward"]) > 1:
        params["lga"] = lgas[0]
    return Decision([Step("ward_value", params, source=text)],
                    reading={"stored": "ward_value", "tool": "ward_value"})
