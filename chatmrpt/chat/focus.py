"""The conversation focus: what the last messages were about (a ward, an LGA the user may
have called theirs, the last list), kept in the stored dialogue state, and the reading of
short follow-ups against it ("and Doragar?", "bottom 3 same lga", "its rank?", "our wards").

A follow-up is resolved only when it is clearly elliptical: short, and starting with
"and"/"same"/"what about"/"its"/..., or naming "same LGA"/"our"/"my LGA". Anything else is read
on its own. When the reference has nothing to point at, the reply asks.

The focus also keeps the LGA names the user gave a code for ("Ilorin West is 24008 in your
table": later "Ilorin West" reads as LGA 24008), and the wards of the last list or count, so
that "which of those four has the biggest population", "how many of them are urban", "the last
two", "only top 3 of those" and "show them on a map" are answered about exactly those wards (a
map that cannot single them out says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import PLAN_TOOLS

# tools whose request can be repeated for another LGA
LGA_TOOLS = ("list_wards", "lga_summary", "ask_results")
MAX_WORDS = 9  # an elliptical follow-up is short

ELLIPSIS_LGA = re.compile(
    r"^\s*(?:ok(?:ay)?[\s,]+|so[\s,]+|now[\s,]+)*(?:and|nd|&|what\s+about|how\s+about|what\s+of|same\s+for"
    r"|same\s+thing\s+for|now\s+for|then|also|(?:let\s+us|let'?s)\s+(?:take|use|try|do|see)"
    r"|(?:take|try)(?=\s+(?:code|lga)\b))\s+(?:for\s+|in\s+|with\s+)?(?P<rest>.+?)"
    r"\s*[?.!]*\s*$"
)
SAME_LGA = re.compile(r"\b(?:same|that|this)\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\b"
                      r"(?:\s+(?:too|again|as\s+well))?")
OWN_LGA = re.compile(r"\b(?:our|my)\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\b"
                     # "our LGA supervisors want the bottom 5 statewide": people of the LGA
                     r"(?!\s+(?:supervisors?|teams?|officers?|staff|coordinators?|chairman|chair"
                     r"|focal|people|(?:community\s+)?health\s+workers|workers|officials?"
                     r"|heads?|directors?|secretar(?:y|iat)|managers?|colleagues?|counterparts?"
                     r"|partners?)\b)"
                     r"|\b(?:of|in|among|from)\s+(?:ours|mine)\b|\b(?:our|my)\s+(?:\w+\s+)?wards?\b"
                     r"(?!\s+(?:level\s+)?(?:file|table|data|dataset|sheet|spreadsheet|csv|excel"
                     r"|xlsx|shapefile|shape\s+file|upload))"
                     r"|\bour\s+(?:worst|best|riskiest|safest|most|least|top|bottom)\b"
                     r"|\bwe\s+need\b|\bdo\s+we\b")
ITS = re.compile(r"\bits\b|\bit(?:'s|s)?\s+(?:rank|score|population|pop|category|value)\b"
                 r"|\bwhy\s+is\s+it\b|\bthat\s+ward(?:'s)?\b|\bthis\s+ward(?:'s)?\b")
PRONOUN_START = re.compile(r"^\s*(?:ok(?:ay)?[\s,.]+|so[\s,]+|and[\s,]+)*(?:its\b|what(?:'s|\s+is"
                           r"|\s+about)\s+its\b|why\s+is\s+it\b|how\s+(?:about|many\s+\w+\s+"
                           r"(?:does|is)\s+)?(?:it|that\s+ward)\b|that\s+ward|this\s+ward)")
# "I'm actually in", "I be the focal person for" (Pidgin), "I'm now based in"
_OWN_WHO = (r"(?:i'?m|i\s+am|we'?re|we\s+are|i\s+be|we\s+be|i\s+dey|we\s+dey)\s+"
            r"(?:(?:actually|really|now|currently|also|just|based|posted|stationed|located)\s+)*")
OWN_SAID = re.compile(
    r"\b" + _OWN_WHO + r"(?:the\s+)?(?:focal\s+person|in\s+charge|officer"
    r"|coordinator|manager|programme\s+officer|lga\s+\w+)?\s*(?:for|of|in|at|from)\s+"
    r"(?:the\s+)?(?:lga\s+(?:code\s+)?)?(?P<name>[a-z0-9][a-z0-9' -]{1,40}?)(?=[.,;!?]|\s+lga\b|$)"
    r"|\b(?:i|we|i'?m|i\s+am|we'?re|we\s+are)\s+(?:cover(?:ing)?|handl(?:e|ing)|manag(?:e|ing)|run"
    r"|supervis(?:e|ing)|mapping|work(?:ing)?\s+(?:in|for|on))\s+(?:the\s+)?(?:lga\s+(?:code\s+)?)?"
    r"(?P<name2>[a-z0-9][a-z0-9' -]{1,40}?)(?=[.,;!?]|\s+lga\b|$)"
)
CODE = re.compile(r"\b(\d{4,6})\b")
MY_LGA_CODE = re.compile(r"\b(?:my|our)\s+(?:own\s+)?(?:lga|l\.g\.a|local\s+government(?:\s+area)?)"
                         r"(?:\s+code)?\s*(?:is|na|be|=|:)\s*(?:lga\s+)?(?:code\s+)?(\d{4,6})\b"
                         r"(?![\d%,.]\d)")
WARD_WORD = re.compile(r"\bwards?\b")


@dataclass
class Focus:
    ward: str | None = None
    ward_lga: str | None = None
    lga: str | None = None
    lga_code: str | None = None
    own_lga: str | None = None  # the LGA the user said is theirs
    own_code: str | None = None
    request: dict[str, Any] | None = None  # the last step about one LGA {tool, params}
    unresolved: str | None = None  # the last message naming an LGA the data lacks
    plan_request: dict[str, Any] | None = None  # the last question on one LGA's plan figures
    question: dict[str, Any] | None = None  # the last question on a stored result
    aliases: dict[str, str] | None = None  # LGA names the user gave a code for {name: code}
    own_name: str | None = None  # the user's LGA as they named it, when the data lacks it
    listed: list[str] | None = None  # the wards of the last list or count shown
    listed_map: dict[str, Any] | None = None  # the map that shows that set, when one does
    map_named: str | None = None  # the map the last message talked about, none shown
    places: list[dict[str, str]] | None = None  # the LGAs talked about, the latest last
    first_place: dict[str, str] | None = None  # the first LGA talked about
    # the one LGA (name or code) the last message listed or counted; None when the last
    # message did anything else ("bottom 3" right after it is read in that LGA)
    just_placed: dict[str, str] | None = None
    last_list: dict[str, Any] | None = None  # the last ward list asked for {tool, params}

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> Focus:
        r = dict(record or {})
        return cls(r.get("ward"), r.get("ward_lga"), r.get("lga"), r.get("lga_code"),
                   r.get("own_lga"), r.get("own_code"), r.get("request"), r.get("unresolved"), r.get("plan_request"),
                   r.get("question"), r.get("aliases"), r.get("own_name"), r.get("listed"),
                   r.get("listed_map"), r.get("map_named"), r.get("places"),
                   r.get("first_place"), r.get("just_placed"), r.get("last_list"))

    def to_dict(self) -> dict[str, Any]:
        return {"ward": self.ward, "ward_lga": self.ward_lga, "lga": self.lga,
                "lga_code": self.lga_code, "own_lga": self.own_lga, "own_code": self.own_code,
                "request": self.request, "unresolved": self.unresolved,
                "plan_request": self.plan_request, "question": self.question,
                "aliases": self.aliases, "own_name": self.own_name, "listed": self.listed,
                "listed_map": self.listed_map, "map_named": self.map_named,
                "places": self.places, "first_place": self.first_place,
                "just_placed": self.just_placed, "last_list": self.last_list}

    def place(self) -> str | None:
        return self.lga or (f"LGA {self.lga_code}" if self.lga_code else None)

    def own_place(self) -> str | None:
        return self.own_lga or (f"LGA {self.own_code}" if self.own_code else None)


@dataclass
class Resolution:
    """How a follow-up was read: a rewritten message to read instead, or a question to ask."""

    text: str | None = None
    note: str | None = None
    ask: str | None = None
    step: dict[str, Any] | None = None  # the last step, repeated with one slot changed
    reply: str | None = None  # a plain answer (a name and code noted), nothing run
    choices: list[dict[str, Any]] | None = None  # one-tap follow-ups offered with the reply
    pending: dict[str, Any] | None = None  # what the question asked expects as an answer


def own_lga_said(text: str, lgas: Sequence[str]) -> tuple[str | None, str | None]:
    """(LGA, LGA code) the user says is theirs: "I'm the focal person for Gakirau", "I cover
    LGA 20012", "I'm in Kano Municipal"; (None, None) when the message says none."""
    from chatmrpt.chat.dialogue import find_lga

    low = ex.lower_text(text)
    m = OWN_SAID.search(low)
    if not m:
        said = MY_LGA_CODE.search(low)  # "my LGA is 20043": the code of the user's LGA
        return (None, said.group(1)) if said else (None, None)
    name = (m.group("name") or m.group("name2") or "").strip()
    if WARD_WORD.search(name):  # "I work in Wasi Gabas ward in Gakirau": a ward, not an LGA
        return None, None
    code = CODE.fullmatch(name) or CODE.fullmatch(name.split(" ")[0] if name else "")
    if code:
        return None, code.group(1)
    lga, _ = find_lga(name, lgas)
    return lga, None


def _own_name_said(text: str) -> str | None:
    """The user's LGA as they named it ("I'm the focal person for Ilorin West"), when it is a
    name (not a code)."""
    m = OWN_SAID.search(ex.lower_text(text or ""))
    if not m:
        return None
    name = (m.group("name") or m.group("name2") or "").strip(" '-")
    if not name or WARD_WORD.search(name) or CODE.search(name) or any(w in NOT_A_NAME for w in name.split()):
        return None
    return name


def _without_own_said(text: str) -> str:
    """The message without its "I'm the focal person for X" sentence."""
    low = ex.lower_text(text)
    m = OWN_SAID.search(low)
    if not m:
        return low
    before = low[:m.start()]
    if _FILLER.fullmatch(before):  # "ok sorry, I'm actually in Gantsa. list ...": no request
        before = ""
    rest = before + " " + low[m.end():]
    if not before.strip(" .,;!"):
        # "I am the focal person for Rimai LGA. list ...": the "LGA" after the name goes too
        rest = OWN_LGA_WORD.sub("", rest, count=1)
    return re.sub(r"^[\s.,;!]+", "", rest).strip()


_FILLER = re.compile(r"[\s.,;!]*(?:(?:ok(?:ay)?|sorry|so|and|oh|well|hi|hello|sir|ma|but|no"
                     r"|abeg|please|pls)[\s.,;!]+)*")
OWN_LGA_WORD = re.compile(r"^\s*(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\b(?=\s*[.,;:!-])")


AGAIN = re.compile(r"^\s*(?:(?:so|and|ok(?:ay)?|then)[\s,]+)*how\s+many\s+(?:now|then|this\s+time"
                   r"|after\s+that)\s*[?.!]*\s*$")
CODE_ANSWER = re.compile(r"^\s*(?:ok(?:ay)?[\s,]+)?(?:it'?s|it\s+is|its|the\s+code\s+is|code\s+is"
                         r"|d\s+code\s+na|di\s+code\s+na|code|lga(?:\s+code)?|na"
                         r"|(?:use|try)(?:\s+(?:the\s+)?(?:lga\s+)?code)?)?\s*:?\s*"
                         r"(\d{4,6})\s*[.!]*\s*$")


def _one_lga(step: Mapping[str, Any]) -> str | None:
    params = step.get("params") or {}
    if params.get("lga"):
        return str(params["lga"])
    if params.get("lga_code"):
        return f"LGA {params['lga_code']}"
    return None


def _with_code(text: str, code: str) -> str | None:
    """``text`` with its unknown LGA name ("in Nassarawa LGA") replaced by the code."""
    from chatmrpt.chat.dialogue import LGA_PHRASE

    low = ex.lower_text(text)
    m = LGA_PHRASE.search(low)
    if not m:
        # "what about kano municipal" (a table without LGA names): the name ending it
        e = ELLIPSIS_LGA.match(low)
        if e and not CODE.search(low):
            return low[:e.start("rest")] + f"lga {code}"
        return None
    return low[:m.start()] + f"in LGA {code}" + low[m.end():]


def _short(low: str) -> bool:
    return len(low.split()) <= MAX_WORDS


def resolve(text: str, low: str, focus: Focus, last: Mapping[str, Any] | None,
            lgas: Sequence[str], variables: Sequence[str] = ()) -> Resolution | None:
    """The reading of a message against the focus, or None (read on its own): an LGA name
    given its code ("Ilorin West is 24008"), names given a code earlier, the user's own LGA
    said with a request, the wards just listed ("those", "the last two"), short follow-ups."""
    said = lga_code_said(text, lgas)
    if said is not None:
        return _code_given(said, focus, lgas)
    aliases = {k: v for k, v in (focus.aliases or {}).items() if not _known_lga(k, lgas)}
    used: list[tuple[str, str]] = []
    if aliases:
        low, used = apply_aliases(low, aliases)
        if used:
            text = low
    r = _earlier_place(low, focus, last, lgas) or _listed_in_place(low, focus, last, lgas) or \
        _counted_listed(low, focus, last) or _same_list_again(low, focus) or \
        _by_position(text, focus, last, variables) or _own_with_request(
        text, lgas, focus) or _map_it(low, last) or _in_there(
        text, low, focus, lgas) or listed_question(text, ex.lower_text(text), focus, variables,
                                                   last) or _slice_there(low, last, focus) or \
        _picked_lga_it(low, focus, last) or _other_extreme(low, last)
    if r is None:
        r = _resolve(text, low, focus, last, lgas)
    if used:
        said_as = "; ".join(f"{name.title()} is LGA {code}" for name, code in used)
        if r is None:
            return Resolution(text=low, note=f"{said_as} (as you told me):")
        if r.note:
            r.note = f"{said_as} (as you told me). {r.note}"
        elif r.text is not None or r.step is not None:
            r.note = f"{said_as} (as you told me):"
    return r


OTHER_EXTREME = re.compile(
    r"^\W*(?:(?:and|nd|so|ok(?:ay)?|then|now|what\s+about|how\s+about|wetin\s+about)[\s,]+)*"
    r"(?:(?:which|what)\s+(?:lga\s+|one\s+)?(?:gets|has|get|got)\s+)?(?:the\s+|d\s+)?"
    r"(?P<end>least|fewest|lowest|smallest|most|highest|biggest|largest)"
    r"(?:\s+(?:one|lga|nets?|then|nko|now|too))*\W*$")
_LOW_END = ("least", "fewest", "lowest", "smallest")


def _other_extreme(low: str, last: Mapping[str, Any] | None) -> Resolution | None:
    """ "and the least?" right after "which LGA gets the most nets?": the same question
    about the other end (the LGA with the fewest); None for anything else."""
    m = OTHER_EXTREME.match(low)
    if not m or not last or last.get("tool") != "ask_results":
        return None
    params = dict(last.get("params") or {})
    if params.get("order") not in ("most", "fewest"):
        return None
    order = "fewest" if m.group("end") in _LOW_END else "most"
    if order == params["order"]:
        return None  # the same end again: read on its own
    params["order"] = order
    return Resolution(note="The same question, for the other end:",
                      step={"tool": "ask_results", "params": params})


SAME_LIST = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|now|and|then|please|pls|abeg|oya)[\s,]+)*(?:(?:show|give|list|send"
    r"|run|do|repeat|bring)\s+(?:me\s+|us\s+)?(?:back\s+)?)?(?:the\s+|d\s+|my\s+|your\s+)?"
    r"(?:same|last|previous|earlier)\s+(?:ward\s+)?list(?:\s+of\s+wards)?"
    r"(?:\s+(?:again|once\s+more|please|pls|abeg|now|then|o))*\s*[.!?]*\s*$"
    r"|^\W*(?:(?:ok(?:ay)?|so|now|and|then|please|pls)[\s,]+)*(?:show|give|list|send)\s+(?:me\s+)?"
    r"(?:that|the|d)\s+list\s+again(?:\s+(?:please|pls|abeg|now))*\s*[.!?]*\s*$")


def _same_list_again(low: str, focus: Focus) -> Resolution | None:
    """ "same list again", "the last list please", "show that list again": the last ward list
    asked for, with its place, group, length, order and method, on the current results;
    None when the message says anything else or no list was asked for."""
    if not SAME_LIST.match(low) or not focus.last_list:
        return None
    step = {"tool": focus.last_list["tool"], "params": dict(focus.last_list.get("params") or {})}
    params = step["params"]
    what = describe_list(params) if step["tool"] == "list_wards" else (
        f"The {'bottom' if params.get('order') == 'bottom' else 'top'} {params.get('n', 10)} "
        "wards of the whole area")
    method = " by the PCA ranking" if params.get("method") == "pca" else ""
    return Resolution(note=f"The same list again: {what[0].lower() + what[1:]}{method}, from the "
                           "current analysis:", step=step)


def _counted_listed(low: str, focus: Focus, last: Mapping[str, Any] | None) -> Resolution | None:
    """ "list all of them" right after one LGA's wards were counted: those wards."""
    from chatmrpt.chat import place_follow

    found = place_follow.counted_listed(low, last, focus.to_dict())
    if found is None:
        return None
    return Resolution(note=found["note"], step={"tool": found["tool"], "params": found["params"]})


def _listed_in_place(low: str, focus: Focus, last: Mapping[str, Any] | None,
                     lgas: Sequence[str]) -> Resolution | None:
    """ "which of them are in Rimai?": the wards of the last list in that LGA."""
    from chatmrpt.chat import place_follow

    found = place_follow.listed_in_place(low, focus.listed, last, tuple(lgas))
    if found is None:
        return None
    return Resolution(note=found["note"], step={"tool": found["tool"], "params": found["params"]})


def _earlier_place(low: str, focus: Focus, last: Mapping[str, Any] | None,
                   lgas: Sequence[str]) -> Resolution | None:
    """ "back to the first LGA. bottom 3", "the previous LGA again": the LGA talked about
    before, with the rest of the message (or the last request about one LGA) read for it."""
    from chatmrpt.chat import place_follow

    codes = [str(p["lga_code"]) for p in (focus.places or []) if p.get("lga_code")]
    found = place_follow.earlier_place(low, focus.to_dict(), last, tuple(lgas), codes)
    if found is None:
        return None
    place, rest, which = found["place"], found["rest"], found["which"]
    if place is None:
        return Resolution(ask="Which LGA do you mean? Give its name or code.",
                          pending=_lga_wanted(rest) if rest else None)
    where = place.get("lga") or f"LGA {place['lga_code']}"
    said = {"first": "the first", "1st": "the first", "original": "the first",
            "initial": "the first", "other": "the other"}.get(which, "the previous")
    note = f"{where} ({said} LGA we talked about):"
    if not rest:
        before = focus.request
        if not before or before.get("tool") not in LGA_TOOLS:
            return Resolution(ask=f"What would you like to see for {where}?")
        params = {k: v for k, v in (before.get("params") or {}).items()
                  if k not in ("lga", "lga_code", "wards")}
        return Resolution(note=note, step={"tool": before["tool"], "params": {**params, **place}})
    code = place.get("lga_code")
    new = _with_place(rest, lgas, code=code, lga=place.get("lga")) or \
        re.sub(r"\s*([?.!]*)\s*$", "", rest) + (f" in lga {code}" if code else f" in {where}")
    return Resolution(text=new, note=note)


def _by_position(text: str, focus: Focus, last: Mapping[str, Any] | None,
                 variables: Sequence[str]) -> Resolution | None:
    """ "the second one there - its population?" (a ward of the last list by its place),
    "and the last one?" after the ward at one rank was named (see ordinal.py)."""
    from chatmrpt.chat import ordinal

    low = ex.lower_text(text)
    again = ordinal.last_after_rank(low, last)
    if again is not None:
        return Resolution(text=again)
    first = ordinal.first_after_bottom(low, focus.listed, last)
    if first is not None and first.get("step"):
        return Resolution(step=first["step"], note=first["note"])
    if first is not None:
        return Resolution(ask=first["ask"], choices=first["choices"],
                          pending={"expects": "choice", "choices": first["choices"]})
    said = ordinal.listed_ward(text, low, focus.listed, variables) or \
        ordinal.bare_listed_ward(low, focus.listed, last)
    if said is not None:
        return Resolution(step=said[0], note=said[1])
    ranked = ordinal.ranking_position(low, focus.listed, last)
    if ranked is not None:  # "last ward on d list" with no list shown: the ranking's last
        return Resolution(text=ranked)
    if focus.map_named and ordinal.SHOW_IT.match(low):
        return Resolution(note="The map we were just talking about:",
                          step={"tool": "show_map", "params": {"what": focus.map_named}})
    shown = ordinal.category_of_shown(low, last)
    if shown is not None:
        where = shown.get("lga") or f"LGA {shown.get('lga_code')}"
        just = "the wards just counted" if (last or {}).get("tool") == "lga_summary" else \
            "the list just shown"
        return Resolution(note=f"Only the {shown['category']} priority wards of {where} "
                               f"({just}):",
                          step={"tool": "list_wards", "params": shown})
    from chatmrpt.chat import place_follow

    narrowed = place_follow.narrowed(low, last)
    if narrowed is not None and "n" not in narrowed[0]["params"]:
        return Resolution(step=narrowed[0], note=narrowed[1])
    return _same_by_method(low, last)


def _slice_there(low: str, last: Mapping[str, Any] | None,
                 focus: Focus | None = None) -> Resolution | None:
    """ "and the bottom five there": a slice of the LGA just listed (after the readers of
    the listed wards themselves); "bottom 3" right after that LGA's list or count, too, with
    the same slice of the whole area one tap away."""
    from chatmrpt.chat import place_follow

    fresh = bool(focus is not None and place_follow.just_placed(focus.to_dict(), last))
    narrowed = place_follow.narrowed(low, last, fresh=fresh)
    if narrowed is None or "n" not in narrowed[0]["params"]:
        return None
    params = narrowed[0]["params"]
    side = "Top" if params.get("order") != "bottom" else "Bottom"
    choice = place_follow.whole_area_choice(f"{side} {params['n']} in the whole area", params)
    return Resolution(step=narrowed[0], note=narrowed[1], choices=[choice])


SAME_BY_METHOD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|now|and|then|please|pls)[\s,]+)*(?:(?:do|give(?:\s+me)?|show(?:\s+me)?"
    r"|list|can\s+you\s+do)\s+)?(?:the\s+|d\s+)?same(?:\s+(?P<k>\d{1,3}|three|five|ten|twenty))?"
    r"(?:\s+(?:thing|list|again|wards|ones))?\s+(?:but\s+)?"
    r"(?:for|with|on|using|by|from|in)\s+(?:the\s+|d\s+)?(?P<m>pca|composite)(?:\s+(?:one|ranking"
    r"|rank|method|score|scores|list))?(?:\s+(?:too|please|pls|instead|now))*"
    r"(?:[\s,]+(?:to|so\s+(?:i|we)\s+can|for)\s+compar\w*(?:\s+(?:them|it))?)?\s*[?.!]*\s*$")


# "and for PCA?", "what about by composite", "now with pca" right after a ward list
AND_BY_METHOD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|then|please|pls)[\s,]+)*(?:and|nd|what\s+about|how\s+about|now)"
    r"[\s,]+(?:(?:the\s+)?same\s+)?(?:for|with|on|using|by|in)\s+(?:the\s+|d\s+)?"
    r"(?P<m>pca|composite)(?:\s+(?:one|ranking|rank|method|score|scores|list))?"
    r"(?:\s+(?:too|please|pls|instead|now|then))*\s*[?.!]*\s*$")


# "and pca for same", "pca version of the same list" right after a ward list
METHOD_FOR_SAME = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|nd|now|then|please|pls)[\s,]+)*(?:(?:by|with|using|on)\s+)?"
    r"(?:the\s+|d\s+)?(?P<m>pca|composite)(?:\s+(?:one|ranking|rank|method|version|list))?"
    r"\s+(?:for|of|on)\s+(?:the\s+|d\s+|dat\s+)?same(?:\s+(?:one|ones|list|wards|lga|code"
    r"|thing|place))?(?:\s+(?:too|please|pls|abeg|then))*\s*[?.!]*\s*$")


def _same_by_method(low: str, last: Mapping[str, Any] | None) -> Resolution | None:
    """ "do the same for the PCA one", "and for PCA?" right after a ward list: that list
    again, by the other ranking method."""
    m = SAME_BY_METHOD.match(low) or AND_BY_METHOD.match(low) or METHOD_FOR_SAME.match(low)
    if not m or not last or last.get("tool") not in ("top_wards", "list_wards"):
        return None
    method = m.group("m")
    params = {**(last.get("params") or {}), "method": method}
    said = m.groupdict().get("k")
    if said and ex.small_number(said) != params.get("n"):
        return None  # "the same five" after a list of ten: not the same list
    name = "PCA" if method == "pca" else "composite"
    return Resolution(note=f"The same list, by the {name} ranking:",
                      step={"tool": last["tool"], "params": params})


def _lga_wanted(rest: str) -> dict[str, Any] | None:
    """What "which LGA?" waits for, when the request is a ward list ("show the rankings for
    that LGA"): the LGA named next completes it."""
    from chatmrpt.chat.tool_slots import _list_params

    if not WARDISH.search(rest) or NOT_ONE_LGA.search(rest) or HOW_MANY.search(rest):
        return None
    return {"expects": "lga_choice", "tool": "list_wards", "params": _list_params(rest)}


def _own_wanted(rest: str) -> dict[str, Any] | None:
    """What "Which LGA is yours?" waits for: the LGA named next completes the ward list and
    is kept as the user's own (see kept_own)."""
    wanted = _lga_wanted(rest)
    return None if wanted is None else {**wanted, "own": True}


def kept_own(record: Mapping[str, Any], pending: Mapping[str, Any] | None,
             reading: Mapping[str, Any], steps: Sequence[Any]) -> dict[str, Any]:
    """The focus record after a message: the LGA given in answer to "Which LGA is yours?"
    is kept as the user's own LGA for the conversation, as the question said."""
    if not pending or not pending.get("own") or reading.get("answered") != "lga_choice":
        return dict(record)
    lga = next((s.params.get("lga") for s in steps if s.params.get("lga")), None)
    code = next((s.params.get("lga_code") for s in steps if s.params.get("lga_code")), None)
    if code and not lga:  # "24008" on a table with LGA codes only
        return {**record, "own_lga": None, "own_code": str(code)}
    return {**record, "own_lga": lga, "own_code": None} if lga else dict(record)


def _resolve(text: str, low: str, focus: Focus, last: Mapping[str, Any] | None,
             lgas: Sequence[str]) -> Resolution | None:
    from chatmrpt.chat.dialogue import find_lga

    # "how many now?" after a change: the last count question again, on the new result
    if AGAIN.match(low) and focus.question and last and last.get("tool") != "ask_results":
        params = dict(focus.question.get("params") or {})
        thresholds = (last.get("params") or {}).get("thresholds") or []
        if last.get("tool") == "reprioritize_urban" and params.get("about") == "repri_count":
            if len(thresholds) != 1:
                return None
            params["threshold"] = thresholds[0]
        elif last.get("tool") not in PLAN_TOOLS or not str(params.get("about", "")).startswith(
                "plan"):
            return None
        return Resolution(note="The same question as before, on the new result:",
                          step={"tool": "ask_results", "params": params})
    # "it's 20037" answering "which LGA is Nassarawa?": the message that named it, with the code
    m = CODE_ANSWER.match(low)
    if m and focus.unresolved:
        new = _with_code(focus.unresolved, m.group(1))
        if new is not None:
            return Resolution(text=new, note=f"LGA {m.group(1)}:")
    # "and Doragar?", "same for Kuran but using the PCA ranking", "and Lida now?", "and in
    # 20010?": the last request about one LGA again, for another LGA
    m = ELLIPSIS_LGA.match(low)
    before = last if last and _one_lga(last) else focus.request
    if last and last.get("tool") in PLAN_TOOLS and focus.plan_request:
        before = focus.plan_request  # "and Lida now?" after a new plan: its plan figures
    if m and before and before.get("tool") in LGA_TOOLS and _short(low):
        rest = m.group("rest")
        lga, _ = find_lga(rest, lgas)
        code = re.fullmatch(r"(?:(?:the\s+)?(?:other|next|second)\s+(?:lga|one)(?:\s+code)?"
                            r"\s*[,:-]?\s*(?:(?:it'?s|which\s+is|that\s+is|i\.e\.?)\s+)?)?"
                            r"(?:the\s+)?(?:lga\s+)?(?:code\s+)?(\d{4,6})\s*(?:lga)?\s*(?:now"
                            r"|too|then|instead|(?:the\s+)?same(?:\s+thing)?|as\s+well|again)?"
                            r"\s*[?.!]*", rest.strip())
        params = dict(before.get("params") or {})
        prev = _one_lga(before)
        said = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", rest) \
            if lga else ""
        extra = re.sub(r"\b(?:now|too|lga|please|pls|then|as\s+well|the|other|next|ranking|instead|but"
                       r"|altogether|all\s+together|overall|in\s+total|total|as\s+a\s+whole"
                       r"|using|use|with|by|method|score|ranked|one|ones)\b|[?.!,]", " ", said)
        pca = bool(re.search(r"\bpca\b|\bprincipal\b", said))
        extra = re.sub(r"\bpca\b|\bprincipal\s+component\w*", " ", extra)
        fits = before["tool"] != "ask_results" or params.get("about") in ("plan_lga",
                                                                          "ward_counts")
        changes: dict[str, Any] = {}
        if before["tool"] == "list_wards" and not code:
            changes, left = _list_changes(said if lga else rest)
            if left.strip():
                changes = {}
        if prev and fits and (code or (lga and (not extra.strip() or changes)) or (
                changes and not lga)):
            if code or lga:
                params.pop("lga_code", None)
                params.pop("lga", None)
            if code:
                params["lga_code"] = code.group(1)
                where = f"LGA {code.group(1)}"
            elif lga:
                params["lga"] = where = lga
            else:
                where = prev
            for key, value in changes.items():
                if value is None:
                    params.pop(key, None)
                else:
                    params[key] = value
            if changes:
                what = describe_list(params)
                return Resolution(note=f"{what} ({'the same LGA as before' if where == prev else f'as for {prev}'}):",
                                  step={"tool": "list_wards", "params": params})
            if pca and before["tool"] == "list_wards":
                params["method"] = "pca"
            how = ", by the PCA ranking" if pca else ""
            note = (f"{where} (the same question as before{how}):" if where == prev
                    else f"{where} (as for {prev}{how}):")
            return Resolution(note=note, step={"tool": before["tool"], "params": params})
    # "bottom 3 same lga"
    if SAME_LGA.search(low):
        place = focus.lga or focus.lga_code
        if not place:
            return Resolution(ask="Which LGA do you mean? Give its name or code.",
                              pending=_lga_wanted(SAME_LGA.sub(" ", low)))
        new = SAME_LGA.sub(f" in {place} ", text if not SAME_LGA.search(text) else text)
        new = SAME_LGA.sub(f" in {place} ", ex.lower_text(new))
        return Resolution(text=new, note=f"In {focus.place()} (the same LGA as before):")
    # "our wards", "which is our worst ward", "in my LGA" (the LGA said now or earlier)
    said_lga, said_code = own_lga_said(text, lgas)
    own = said_lga or said_code or focus.own_lga or focus.own_code
    if OWN_LGA.search(low) and not CODE.search(_without_own_said(low)) and not (
            find_lga(_without_own_said(text), lgas)[0]):
        if not own and focus.own_name:
            return Resolution(ask=f"Your ward table does not name {focus.own_name.title()}, so I "
                                  "cannot tell which wards are yours. What is its LGA code in "
                                  "your table?")
        if not own:
            if re.search(r"\b(?:our|my)\b.*\bwards?\b|\bmy\s+lga\b|\bours\b", low):
                # the LGA named next completes a ward list ("show me the high wards in my
                # LGA" -> "Gakirau")
                rest = re.sub(r"\b(?:in\s+|for\s+|of\s+)?(?:our|my)\s+(?:lga|l\.g\.a|local"
                              r"\s+government(?:\s+area)?)\b", " ", low)
                return Resolution(ask="Which LGA is yours? Give its name or code, and I will "
                                      "keep it for this conversation.",
                                  pending=_own_wanted(re.sub(r"\b(?:our|my)\b", " ", rest)))
            return None
        where = said_lga or (f"LGA {said_code}" if said_code else None) or focus.own_place()
        place = where if not (said_code or (not said_lga and focus.own_code)) else \
            f"LGA {said_code or focus.own_code}"
        new = _without_own_said(low)
        new = re.sub(r"\b(?:in|of|among|from)\s+(?:ours|mine)\b", " ", new)
        new = re.sub(r"\b(?:in\s+|for\s+)?(?:our|my)\s+(?:lga|l\.g\.a|local\s+government"
                     r"(?:\s+area)?)\b", " ", new)
        new = re.sub(r"\b(?:our|my)\b", "the", new)
        new = re.sub(r"\bhow\s+do\s+the\s+wards\s+rank\b", "list the wards by rank", new)
        if re.search(r"\bhow\s+many\s+do\s+we\s+need\b", new):  # nets: the one thing needed
            new = re.sub(r"\bhow\s+many\s+do\s+we\s+need(?:\s+in\s+total)?\b",
                         "how many nets are needed", new)
        new = re.sub(r"\s*([?.!]*)\s*$", "", new) + f" in {place}"
        return Resolution(text=new, note=f"For {where}, your LGA:")
    # "its rank?", "what is its population", "why is it first"
    if ITS.search(low) and _short(low) and PRONOUN_START.search(low):
        if not focus.ward:
            return Resolution(ask="Which ward do you mean? Give its name as in your data.")
        ward = focus.ward + (f" in {focus.ward_lga}" if focus.ward_lga else "")
        new = re.sub(r"\bwhy\s+is\s+it\b", f"why is {ward}", low)
        new = re.sub(r"\bits\s+([a-z0-9_-]+)", rf"the \1 of {ward}", new)
        new = re.sub(r"\b(?:that|this)\s+ward(?:'s)?\b", ward, new)
        if new == low:
            return None
        return Resolution(text=new, note=f"{focus.ward}:")
    # "how many people live there" right after a ward's answer: that ward's population
    if focus.ward and last and last.get("tool") in ("explain_ward", "ward_value") and \
            _short(low) and PEOPLE_THERE.search(low):
        ward = focus.ward + (f" in {focus.ward_lga}" if focus.ward_lga else "")
        return Resolution(text=f"what is the population of {ward}", note=f"{focus.ward}:")
    return None


PEOPLE_THERE = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|now|then)[\s,]+)*(?:how\s+many\s+(?:people|persons|pipo|residents"
    r"|inhabitants)\s+(?:(?:do|does|dey)\s+)?(?:live|living|lives|stay|staying|reside|dey)(?:\s+(?:for|in))?"
    r"|(?:what(?:'s|\s+is)|wetin\s+be)\s+(?:the\s+)?(?:population|pop)(?:\s+(?:for|in|of))?)"
    r"\s+(?:there|dere|it|am|that\s+ward|this\s+ward)\s*[?.!]*\s*$")


def update(focus: Focus, text: str, steps: Sequence[Any], lgas: Sequence[str],
           wards: Sequence[Any] = (), data: Mapping[str, Any] | None = None) -> Focus:
    """The focus after a message: the LGA the user called theirs, the LGA and the one ward the
    message or its steps were about, or the one ward its answer named."""
    from chatmrpt.chat.dialogue import find_lga

    new = Focus(**focus.to_dict())
    from chatmrpt.chat import ordinal

    new.map_named = None if any(getattr(s, "tool", "") == "show_map" for s in steps) else \
        ordinal.map_talked_about(ex.lower_text(text or ""))
    said = lga_code_said(text, lgas) if text else None
    if said is not None:
        new.aliases = {**(focus.aliases or {}), said[0]: said[1]}
        if focus.own_name and focus.own_name.lower() == said[0] and not focus.own_lga:
            new.own_code = said[1]
        new.lga, new.lga_code = None, said[1]
    answer = CODE_ANSWER.match(ex.lower_text(text or ""))
    if answer and focus.own_name and not (focus.own_lga or focus.own_code):
        new.aliases = {**(new.aliases or {}), focus.own_name.lower(): answer.group(1)}
        new.own_code = answer.group(1)
    if new.aliases and text:
        text = apply_aliases(ex.lower_text(text), new.aliases)[0]
    lga, code = own_lga_said(text, lgas)
    raw = _own_name_said(text)
    if lga or code:
        new.own_lga, new.own_code, new.own_name = lga, code, None
        new.lga, new.lga_code = lga, code
    elif raw:
        new.own_lga, new.own_code, new.own_name = None, None, raw
    else:
        named, _ = find_lga(text, lgas)
        if named:
            new.lga, new.lga_code = named, None
    match = ex.find_ward(text, wards) if wards else None
    if match is not None and len(match.names) == 1 and len(match.candidates) == 1:
        c = match.candidates[0]
        new.ward, new.ward_lga = match.names[0], getattr(c, "lga", None)
    new.just_placed = _just_placed(steps)
    lists = [s for s in steps if getattr(s, "tool", "") in ("list_wards", "top_wards")]
    if lists:
        new.last_list = {"tool": lists[-1].tool, "params": dict(lists[-1].params or {})}
    named_lga, unknown = find_lga(text, lgas) if text else (None, None)
    new.unresolved = text if (unknown or (not lgas and text and ELLIPSIS_LGA.match(
        ex.lower_text(text)) and not CODE.search(text))) and not steps else None
    for step in steps:
        params = getattr(step, "params", None) or {}
        tool = getattr(step, "tool", "")
        if tool == "ask_results":
            new.question = {"tool": tool, "params": dict(params)}
        if tool in LGA_TOOLS and _one_lga({"params": params}) and not params.get("ward"):
            new.request = {"tool": tool, "params": dict(params)}
            if tool == "ask_results" and params.get("about") == "plan_lga":
                new.plan_request = new.request
        if params.get("ward"):
            same = params["ward"] == new.ward and not params.get("lga")
            new.ward, new.ward_lga = params["ward"], (new.ward_lga if same else params.get("lga"))
        elif params.get("lga"):
            new.lga, new.lga_code = params["lga"], None
        elif params.get("lga_code"):
            new.lga_code, new.lga = str(params["lga_code"]), None
    return after_answer(new, text, data)


SINGULAR = re.compile(r"\bwhich\s+(?:ward|one)\s+(?:is|has|comes|ranks)\b"
                      r"|\bwhat\s+is\s+the\s+(?:top|first|worst|most\s+vulnerable)\s+ward\b")


def _just_placed(steps: Sequence[Any]) -> dict[str, str] | None:
    """The one LGA a message's steps list or count (see place_follow.place_of), or None."""
    from chatmrpt.chat import place_follow

    places = [place_follow.place_of({"tool": getattr(s, "tool", ""),
                                     "params": getattr(s, "params", None) or {}})
              for s in steps]
    places = [p for p in places if p]
    return dict(places[-1]) if places and len(steps) == 1 else None


def after_answer(focus: Focus, text: str, data: Mapping[str, Any] | None) -> Focus:
    """The focus once the answer is known: the one ward it named ("which ward is number
    one?" answered with a list: its first ward)."""
    new = Focus(**focus.to_dict())
    listed = listed_of(data or {})
    if listed is not None:
        new.listed, new.listed_map = listed
    one = _one_ward(data or {}, first=bool(SINGULAR.search(ex.lower_text(text or ""))))
    if one is not None:
        new.ward, new.ward_lga = one
    picked = (data or {}).get("ward_compare")
    if isinstance(picked, str) and picked:
        # "which of them is ranked first?": the one ward picked out of the wards listed
        from chatmrpt.chat.ordinal import _split_name

        lgas = {lga for name, lga in map(_split_name, focus.listed or []) if name == picked}
        new.ward, new.ward_lga = picked, (lgas.pop() if len(lgas) == 1 else None)
    place = _lga_answered(data or {}, ex.lower_text(text or ""))
    if place is not None:  # "which LGA is Zango in?", "which LGA has the most High wards?"
        new.lga, new.lga_code = place
    chosen = (data or {}).get("lga")
    if "measure" in (data or {}) and isinstance(chosen, list) and len(chosen) != 1:
        new.lga, new.lga_code = None, None  # several LGAs tied: "it" is none of them
    return _place_seen(new)


def _place_seen(new: Focus) -> Focus:
    """The LGA the talk is now about, kept in the places talked about (for "back to the first
    LGA", "the previous LGA")."""
    place = {"lga": new.lga} if new.lga else ({"lga_code": new.lga_code} if new.lga_code else None)
    if place is None:
        return new
    places = [p for p in (new.places or []) if p != place]
    new.places = (places + [place])[-8:]
    new.first_place = new.first_place or place
    return new


ONE_LGA_ASKED = re.compile(r"\b(?:which|what|wetin)\s+(?:lga|local\s+gov\w*)(?!s)\b")


def _lga_answered(data: Mapping[str, Any], low: str) -> tuple[str | None, str | None] | None:
    """The one LGA an answer is about: a ward's LGA (its name or its code), or the LGA a
    "which LGA has the most ..." question picks out of the LGA summary."""
    if isinstance(data.get("ward"), str) and (data.get("lga") or data.get("lga_code")) and \
            "variable" not in data:
        return (str(data["lga"]) if data.get("lga") else None,
                None if data.get("lga") else str(data["lga_code"]))
    picked = data.get("lga")
    if "measure" in data and isinstance(picked, list) and len(picked) == 1:
        # "which LGA gets the most?" of a plan, answered with one LGA: "it" is that LGA
        return (None, str(picked[0])) if data.get("coded") else (str(picked[0]), None)
    rows = data.get("lgas")
    if not isinstance(rows, list) or not rows or not ONE_LGA_ASKED.search(low) or \
            not all(isinstance(r, Mapping) and r.get("LGA") for r in rows):
        return None
    m = re.search(r"\b(high|medium|low)\b", low)
    key = m.group(1).title() if m else ("wards" if re.search(r"\bwards\b", low) else None)
    fewest = bool(re.search(r"\b(?:least|fewest|lowest|smallest|less)\b", low))
    if key and all(isinstance(r.get(key), int | float) for r in rows):
        pick = (min if fewest else max)(rows, key=lambda r: r[key])
        tied = [r for r in rows if r[key] == pick[key]]
        if len(tied) > 1:
            return None  # several LGAs share it: none is "there"
    elif not re.search(r"\b(?:most|highest|worst|top|first)\b", low) or \
            any(not isinstance(r.get("lga_rank"), int | float) for r in rows):
        return None
    else:
        pick = min(rows, key=lambda r: r["lga_rank"])
    if pick.get("lga_code"):  # a table with LGA codes only
        return None, str(pick["lga_code"])
    return str(pick["LGA"]), None


def _one_ward(data: Mapping[str, Any], first: bool = False) -> tuple[str, str | None] | None:
    """The one ward an answer is about: a one-row table (or its first row when the question
    asked for one ward) or a ward record."""
    rows = data.get("table")
    if isinstance(rows, list) and rows and (len(rows) == 1 or first) \
            and isinstance(rows[0], Mapping):
        row = rows[0]
    elif isinstance(data.get("ward"), Mapping):
        row = data["ward"]
    else:
        return None
    name = row.get("WardName")
    if not name:
        return None
    lga = row.get("LGA")
    return str(name), (str(lga) if lga else None)


# --- LGA names given a code ("Ilorin West is 24008 in your table") -----------------------

_NAME = r"(?P<name>[a-z][a-z/-]*(?:\s+[a-z][a-z/-]*){0,3}?)"
_LEAD = r"(?:^|(?<=[.,;!?])\s*|\b(?:ok(?:ay)?|so|note|fyi|btw|and|also)[\s,]+)\s*"
_CODE_WORDS = r"(?:the\s+)?(?:lga\s+)?(?:code\s+)?(?:number\s+|no\.?\s*)?"
NAME_IS_CODE = re.compile(
    _LEAD + r"(?:the\s+)?(?:lga\s+)?(?:code\s+(?:for|of)\s+)?(?:the\s+)?" + _NAME
    + r"(?:\s+lga)?(?:'s)?(?:\s+(?:lga\s+)?code)?\s+(?:is|=|na|be|means|has)\s+" + _CODE_WORDS
    + r"(?P<code>\d{4,6})\b")
CODE_IS_NAME = re.compile(
    _LEAD + _CODE_WORDS + r"(?P<code>\d{4,6})\s+(?:is|=|na|be|means|stands\s+for|is\s+for)\s+"
    r"(?:the\s+)?(?:lga\s+)?(?:called\s+)?" + _NAME
    + r"(?:\s+lga)?(?=\s*(?:[.,;!?]|$)|\s+in\s+(?:your|the|this|my|our)\b)")
_NOT_A_NAME = (
    "it its this that these those which what who there here code codes number total nets net "
    "population rank answer household size plan threshold my our mine ours lga lgas ward wards "
    "i we you he she they value target share urban rural top bottom score tpr budget stock "
    "result results figure count how why where when is are was the a an all each every one "
    "first last next biggest best worst d di dis dat na am e im")
NOT_A_NAME = frozenset(_NOT_A_NAME.split())
TABLE_FILLER = re.compile(r"^\s*(?:(?:in|on|from)\s+(?:your|the|this|my|our)\s+(?:table|data"
                          r"|file|sheet|dataset|system|records?|list|database|dhis2?|spreadsheet)"
                          r"|by\s+the\s+way|ok(?:ay)?|so|then|now|and|please|pls|abeg)\b")


def lga_code_said(text: str, lgas: Sequence[str]) -> tuple[str, str, str] | None:
    """(the LGA name, its code, the rest of the message) when the message tells the code of an
    LGA the data does not name: "Ilorin West is 24008 in your table", "ok, 24008 is Ilorin
    West", "the code for Fagge is 20010"; None otherwise (a name the data has needs no code)."""
    low = ex.lower_text(text)
    for rx in (NAME_IS_CODE, CODE_IS_NAME):
        m = rx.search(low)
        if not m:
            continue
        name = re.sub(r"\s+", " ", m.group("name")).strip(" '-/")
        words = name.split()
        if not words or len(name) < 3 or any(w in NOT_A_NAME for w in words) or \
                _known_lga(name, lgas):
            continue
        rest = (low[:m.start()] + " " + low[m.end():]).strip(" .,;!")
        while True:
            f = TABLE_FILLER.match(rest)
            if not f:
                break
            rest = rest[f.end():].strip(" .,;!")
        return name, m.group("code"), rest
    return None


def _known_lga(name: str, lgas: Sequence[str]) -> bool:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return any(re.sub(r"[^a-z0-9]", "", lg.lower()) == key for lg in lgas)


def apply_aliases(low: str, aliases: Mapping[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """``low`` with each LGA name the user gave a code for written as "lga <code>"."""
    used = []
    for name in sorted(aliases, key=len, reverse=True):
        rx = re.compile(r"(?:\b(?:the\s+)?lga\s+)?(?<![a-z])" + re.escape(name)
                        + r"(?![a-z])(?:'s)?(?:\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)"
                        r"\b)?")
        if rx.search(low):
            low = rx.sub(f"lga {aliases[name]}", low)
            used.append((name, aliases[name]))
    return low, used


WARDISH = re.compile(r"\bwards?\b|\btop\b|\bbottom\b|\blist\b|\brank\w*|\bworst\b|\bbest\b"
                     r"|\bhigh\b|\bmedium\b|\blow\b|\bmost\s+vulnerable\b|\bpriorit\w*"
                     r"|\bhow\s+many\b|\bthere\b|\briskiest\b")
WHOLE_AREA = re.compile(r"\bwhole\s+(?:state|area|data)\b|\ball\s+(?:the\s+)?lgas\b"
                        r"|\bstate[- ]?wide\b|\boverall\b|\bevery\s+lga\b|\bacross\b"
                        r"|\beach\s+lga\b|\bper\s+lga\b|\bin\s+the\s+state\b")
NOT_ONE_LGA = re.compile(WHOLE_AREA.pattern + r"|\bmaps?\b|\bexport\b|\bdownload\b|\bsave\b"
                         r"|\bplan\b|\bnets?\b|\breport\b|\bfile\b|\bexcel\b|\bcsv\b|\bpng\b")
THERE = re.compile(r"\b(?:in|for|from|of)\s+(?:that|this|the\s+same|my|our)\s+(?:lga|one)\b"
                   r"|\b(?:in|for|of)\s+(?:it|there)\b|(?<!\bare\s)(?<!\bis\s)\bthere\b"
                   r"|\bhere\b")


def _with_place(rest: str, lgas: Sequence[str], *, code: str | None = None,
                lga: str | None = None) -> str | None:
    """A ward request with no place of its own, put in the LGA just named ("list all the
    wards there", "give me the top 5"); None when it is not such a request."""
    from chatmrpt.chat.dialogue import find_lga

    low = ex.lower_text(rest).strip(" .,;")
    if not low or not WARDISH.search(low) or NOT_ONE_LGA.search(low) or CODE.search(low):
        return None
    named, unknown = find_lga(low, lgas)
    if named or unknown:
        return None
    place = f"in lga {code}" if code else f"in {lga}"
    new, k = THERE.subn(place, low, count=1)
    if k:
        return new
    return re.sub(r"\s*([?.!]*)\s*$", "", low) + f" {place}"


def _code_given(said: tuple[str, str, str], focus: Focus, lgas: Sequence[str]) -> Resolution:
    name, code, rest = said
    title = name.title()
    noted = f"{title} is LGA {code} in your table; I will read {title} as that code from now on"
    if rest and re.search(r"[a-z]{2,}", rest):
        new = _with_place(rest, lgas, code=code)
        return Resolution(text=new or rest, note=noted + ":")
    mine = " (your LGA)" if focus.own_name and focus.own_name.lower() == name else ""
    before = ex.lower_text(focus.unresolved or "")
    if before and WARDISH.search(before) and not NOT_ONE_LGA.search(before):
        # the ward list or count that named it, asked again for that code
        again = apply_aliases(before, {name: code})
        if again[1]:
            new = _with_code(again[0].replace(f"lga {code}", title + " lga"), code) or again[0]
            return Resolution(text=new, note=noted + ". Your earlier request, for that code:")
    step = {"tool": "list_wards", "params": {"lga_code": code, "n": 10}}
    return Resolution(reply=f"Noted: {noted}{mine}. Nothing else was run. Ask for example "
                            f"\"top 5 wards in {title}\".",
                      choices=[{"label": f"Top 10 wards in LGA {code}", **step}])


def _own_with_request(text: str, lgas: Sequence[str], focus: Focus) -> Resolution | None:
    """ "I cover LGA code 20043. List all the wards there by rank": the request is about the
    LGA the same message calls the user's own."""
    lga, code = own_lga_said(text, lgas)
    if not (lga or code):
        return None
    rest = _without_own_said(text)
    if OWN_LGA.search(rest):
        return None  # "our wards", "my LGA": read with the user's LGA below
    if WHOLE_AREA.search(ex.lower_text(rest)) and WARDISH.search(ex.lower_text(rest)):
        return Resolution(text=rest)  # "... how many wards in the whole state?": not theirs
    new = _with_place(rest, lgas, code=code, lga=lga)
    if new is None:
        from chatmrpt.chat.dialogue import find_lga

        if rest.strip(" .,;!?") and find_lga(rest, lgas)[0]:
            # "I'm the focal person for Rimai. list the wards in Rimai": the request names
            # its LGA itself; it is read without the introduction
            return Resolution(text=rest)
        return None
    where = lga or f"LGA {code}"
    return Resolution(text=new, note=f"For {where}, your LGA:")


# --- the wards just listed ("which of those four...", "how many of them are urban") -------

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "both": 2}
THOSE = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:what(?:'s|\s+is|\s+are|\s+about)?|show(?:\s+me)?|give(?:\s+me)?"
    r"|list)\s+their\b"
    r"|\b(?:those|these|them)\b(?:\s+(?P<n>\d{1,3}|two|three|four|five|six|seven"
    r"|eight|nine|ten))?|\bthe\s+(?P<end>last|first)\s+(?P<k>\d{1,3}|two|three|four|five|six"
    r"|seven|eight|nine|ten)\b(?!\s+(?:wards?\s+)?(?:in|of|by|for)\b)"
    r"|\bthe\s+(?:same\s+)?(?:wards?|ones|list)\s+(?:you\s+)?(?:just\s+)?(?:listed|shown|showed"
    r"|gave|named|above)\b|\bboth\s+of\s+them\b")
LISTED_MAP = re.compile(r"\bmap\w*\b|\bplot\b")
LISTED_SAVE = re.compile(r"\bexport\b|\bdownload\b|\bsave\b|\bfile\b|\bexcel\b|\bcsv\b|\bpng\b"
                         r"|\bpicture\b|\bhtml\b")
HOW_MANY = re.compile(r"\bhow\s+many\b|\bnumber\s+of\b|\bcount\b")
MOST = re.compile(r"\b(?:biggest|largest|highest|greatest|most|maximum|max|top|bigger|larger"
                  r"|higher|more)\b")
LEAST = re.compile(r"\b(?:smallest|lowest|least|fewest|minimum|min|smaller|lower|less)\b")
WHICH = re.compile(r"\bwhich\b|\bwhat\s+ward\b|\bwho\b")
VULNERABLE = re.compile(r"\b(?:most|least)\s+(?:vulnerable|at\s+risk|risky|affected)\b"
                        r"|\briskiest\b|\bworst\b|\bsafest\b")


def _number(word: str | None) -> int | None:
    if not word:
        return None
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


LIST_TOOLS = ("list_wards", "top_wards", "ask_results")
LIST_THEM = re.compile(r"\b(?:list|show|name|give|rank|order)\s+(?:me\s+)?(?:them|those|these|dem"
                       r"|the\s+wards|those\s+wards|these\s+wards)\b|\bwhich\s+(?:are\s+they|ones"
                       r"|wards\s+are\s+(?:they|those|these))\b")
HOW_MANY_SET = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|then)[\s,]+)*how\s+many\s+(?:is\s+(?:that|it|this|dat|dis)"
    r"|are\s+(?:they|those|these|dem|them)|wards?\s+(?:is\s+that|are\s+(?:those|they|these))"
    r"|of\s+(?:them|those|these)\s+(?:are\s+there|did\s+you\s+list))(?:\s+(?:in\s+total|altogether"
    r"|all\s+together"
    r"|in\s+all))?\s*[?.!]*\s*$")
SUBSET = re.compile(r"\b(?:only|just)?\s*(?:the\s+)?(top|first|bottom|last)\s+(\d{1,3}|two|three"
                    r"|four|five|six|seven|eight|nine|ten)\s+(?:wards?\s+|ones?\s+)?(?:of|among|from)"
                    r"\s+(?:those|these|them|dem|the\s+list)(?:\s+ones)?\b")


def _subset(low: str, names: Sequence[str]) -> Resolution | None:
    """ "only top 3 of those ones", "the last 2 of them": part of the last list, named."""
    m = SUBSET.search(low)
    k = _number(m.group(2)) if m else None
    if not m or not k:
        return None
    first = m.group(1) in ("top", "first")
    part = list(names[:k]) if first else list(names[-k:])
    head = (f"The {'first' if first else 'last'} {len(part)} of the {len(names)} wards of my "
            "last answer, in its order:")
    return Resolution(reply="\n".join([head] + [f"- {n}" for n in part]))


# a change of the analysis' variables: "those four" or "the three" it speaks of are variables
VARIABLE_CHANGE = re.compile(r"\b(?:add|adding|include|put\s+(?:in|back)|bring\s+in|drop"
                             r"|remove|take\s+out|leave\s+out|exclude|without|keep|swap"
                             r"|replace|directions?|variables?)\b")


def _place_of_its_own(low: str) -> bool:
    """The message names a place of its own ("list the wards in LGA 20099", "the wards in
    Kuran"): not the wards just counted, whatever place that is."""
    from chatmrpt.chat import counts

    return bool(CODE.search(low)) or counts._unknown_place(low)


def listed_question(text: str, low: str, focus: Focus, variables: Sequence[str] = (),
                    last: Mapping[str, Any] | None = None) -> Resolution | None:
    """A question about the wards of the last list or count ("which of those four has the
    biggest population", "how many of them are urban", "show them on a map"), or None."""
    from chatmrpt.chat.dialogue import CATEGORY

    names = list(focus.listed or [])
    counted = (last or {}).get("params") or {}
    if names and (last or {}).get("tool") == "ask_results" and counted.get(
            "about") == "ward_counts" and LIST_THEM.search(low) and not LISTED_SAVE.search(low) \
            and not LISTED_MAP.search(low) and not _place_of_its_own(low):
        keep = {k: v for k, v in counted.items() if k in ("lga", "lga_code", "category")}
        if keep and set(counted) - {"about"} == set(keep):
            return Resolution(note="The wards just counted, most vulnerable first:",
                              step={"tool": "list_wards", "params": keep})
        return Resolution(reply="The wards just counted, most vulnerable first:\n"
                                + "\n".join(f"- {n}" for n in names))
    if names and (last or {}).get("tool") in LIST_TOOLS:
        if HOW_MANY_SET.match(low):
            return Resolution(reply=f"{len(names)} ward{'s' if len(names) != 1 else ''} "
                                    f"({_names(names)}).")
        part = _subset(low, names)
        if part is not None:
            return part
    m = THOSE.search(low)
    if not names or not m or CODE.search(low) or LISTED_SAVE.search(low):
        return None
    if variables and VARIABLE_CHANGE.search(low) and any(
            x.column for x in ex.find_variables(text, variables)):
        # "add soil_wetness to those four, same directions": the analysis' variables, not
        # the wards of the last list
        return None
    k = _number(m.group("k"))
    chosen = names
    if k:
        chosen = names[-k:] if m.group("end") == "last" else names[:k]
    said_n = _number(m.group("n"))
    if said_n and said_n != len(names):
        return Resolution(ask=f"The last list I showed has {len(names)} wards, not {said_n}: "
                              f"{_names(names)}. Which wards do you mean?")
    what = (f"the {len(chosen)} ward{'s' if len(chosen) > 1 else ''} of my last answer"
            if chosen is names else f"the {m.group('end')} {len(chosen)} of the list")
    where = what if chosen is names else f"{what} ({_names(chosen)})"
    if LISTED_MAP.search(low):
        if focus.listed_map:
            note = f"A map of {what}:" if focus.listed_map.get("what") != "category" else \
                f"The priority categories map: {what} are the wards in their category's colour."
            return Resolution(note=note, step={"tool": "show_map",
                                               "params": dict(focus.listed_map)})
        if re.search(r"\bcategor(?:y|ies)\b|\bpca\b|\bprincipal\b", low) or (
                variables and any(x.column for x in ex.find_variables(text, variables))):
            # "show the category map so I can see where these sit": the map named, read on
            # its own, never the composite one in its place
            return None
        return Resolution(note=f"This map shows every ward by its vulnerability score; it does "
                               f"not single out {where}: look for them by name on it.",
                          step={"tool": "show_map", "params": {"what": "composite"}})
    found = [v.column for v in ex.find_variables(text, variables) if v.column]
    if HOW_MANY.search(low):
        params: dict[str, Any] = {"about": "ward_counts", "wards": chosen}
        cat = CATEGORY.search(low)
        if re.search(r"\burban\b|\btowns?\b|\bcit(?:y|ies)\b", low):
            pct = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per\s*cent)", low)
            if pct:
                params["threshold"] = float(pct.group(1))
            else:
                params["urban"] = True
        elif cat:
            params["category"] = cat.group(1).title()
        else:
            return None
        return Resolution(note=f"Among {where}:", step={"tool": "ask_results", "params": params})
    if LGA_TALLY.search(low) and not found:
        # "which LGA code has most of them": the LGAs of those wards, counted
        least = bool(re.search(r"\b(?:fewest|least|less)\b", low))
        return Resolution(note=f"Among {where}:", step={"tool": "ask_results", "params": {
            "about": "lgas", "wards": chosen, "order": "fewest" if least else "most"}})
    order = None
    ranked = RANKED.search(low)
    if WHICH.search(low) and ranked and not found:
        # "which of them is ranked first overall?": by vulnerability rank
        order = "fewest" if ranked.group("low") or ranked.group("low2") else "most"
    elif WHICH.search(low) and (MOST.search(low) or LEAST.search(low) or VULNERABLE.search(low)):
        least = bool(LEAST.search(low)) and not MOST.search(low)
        if VULNERABLE.search(low) and not found:
            least = bool(re.search(r"\bleast\b|\bsafest\b", low))
        order = "fewest" if least else "most"
    if order is None and not (found and re.search(r"^\W*(?:\w+\W+){0,3}their\b|\b(?:of|for)\s+"
                                                  r"(?:those|these|them)\b", low)):
        return None
    if len(found) > 1:
        return None
    params = {"about": "ward_compare", "wards": chosen}
    if found:
        params["variable"] = found[0]
    if order:
        params["order"] = order
    return Resolution(note=f"Among {where}:", step={"tool": "ask_results", "params": params})


# a place in the ranking said of one of the wards ("ranked first", "the highest ranked",
# "comes last"): rank 1 is the most vulnerable
RANKED = re.compile(
    r"\b(?:ranked|ranks?|rank(?:ing)?\s+is|comes?|placed|is)\s+(?:the\s+)?(?:(?P<high>first|1st"
    r"|highest|top|number\s+(?:one|1)|no\.?\s*1)|(?P<low>last|lowest|bottom))\b"
    r"|\b(?:(?P<high2>top|highest|first)|(?P<low2>lowest|last|bottom))[- ]ranked\b")


LGA_TALLY = re.compile(r"\b(?:which|what)\s+(?:lga|l\.g\.a|local\s+gov\w*)(?:\s+code)?\s+(?:has|have"
                       r"|get|gets|got|holds?|contains?)\s+(?:the\s+)?(?:most|more|fewest|least"
                       r"|less)\b")


def _names(names: Sequence[str]) -> str:
    names = [str(n) for n in names]
    if len(names) > 8:
        return ", ".join(names[:8]) + f" and {len(names) - 8} more"
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def listed_of(data: Mapping[str, Any]) -> tuple[list[str], dict[str, Any] | None] | None:
    """The wards an answer listed (a ward list, or the wards it counted) and the map that
    shows exactly that set, when one does; None when the answer listed no wards."""
    if isinstance(data.get("listed"), list):
        if not data["listed"]:
            return None  # none counted: "those" still means the wards shown before
        return [str(n) for n in data["listed"]], data.get("listed_map")
    rows = data.get("table")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, Mapping) and
                                                         r.get("WardName") for r in rows):
        return None
    return ([str(r["WardName"]) + (f" ({r['LGA']})" if r.get("LGA") else "") for r in rows],
            data.get("listed_map"))


LIST_ORDER = re.compile(r"\b(top|bottom|first|last|best|worst|most\s+vulnerable|least\s+vulnerable"
                        r"|highest|lowest)(?:\s+(\d{1,3}|two|three|four|five|six|seven|eight"
                        r"|nine|ten))?\b")
LIST_FILLER = re.compile(r"\b(?:in|for|of|wards?|ones?|the|now|too|lga|please|pls|then|as\s+well"
                         r"|instead|but|just|only|priority|risk|category|them|list|show|me|give"
                         r"|ranked|by\s+rank|please)\b|[?.!,]")


def _list_changes(rest: str) -> tuple[dict[str, Any], str]:
    """The changes a short follow-up makes to the last ward list ("the low ones", "bottom
    3", "all of them"), and what is left of it unread."""
    from chatmrpt.chat.dialogue import CATEGORY

    low = ex.lower_text(rest)
    changes: dict[str, Any] = {}
    cat = CATEGORY.search(low)
    if cat and not re.search(r"\b(?:highest|lowest)\b", low):
        changes["category"] = cat.group(1).title()
        low = low[:cat.start()] + " " + low[cat.end():]
    m = LIST_ORDER.search(low)
    if m:
        word = m.group(1)
        changes["order"] = "bottom" if word in ("bottom", "last", "best", "lowest") or \
            word.startswith("least") else "top"
        n = _number(m.group(2))
        if n:
            changes["n"] = n
        low = low[:m.start()] + " " + low[m.end():]
    a = re.search(r"\ball(?:\s+of\s+(?:them|it))?\b", low)
    if a:
        changes["n"] = None
        low = low[:a.start()] + " " + low[a.end():]
    if "category" in changes and "order" not in changes:
        # "and the high ones in Kuran?" after "the top 5 in Rimai": every ward of that
        # category, not the first five of them (no length said)
        changes["n"] = None
    return changes, LIST_FILLER.sub(" ", low)


def describe_list(params: Mapping[str, Any]) -> str:
    """The ward list asked for, in words ("The low priority wards in Gakirau")."""
    n, order = params.get("n"), params.get("order", "top")
    head = (f"The {'top' if order == 'top' else 'bottom'} {n} wards" if n else
            "The wards" if order == "top" else "The wards, least vulnerable first,")
    if params.get("category"):
        head += f" of {str(params['category']).lower()} priority"
    if params.get("lga"):
        head += f" in {params['lga']}"
    elif params.get("lga_code"):
        head += f" in LGA {params['lga_code']}"
    return head


# --- one LGA's plan figures asked in a few words ("nets for kuwe south?") -----------------

PLAN_MEASURE = re.compile(r"\bnets?\b|\bitns?\b|\bllins?\b|\bcoverage\b|\bcovered\b|\bneed(?:ed|s)?\b"
                          r"|\ballocat\w*|\bpeople\s+covered\b|\bppl\s+covered\b|\bpopulation\b"
                          r"|\bhow\s+many\s+(?:people|ppl|persons)\b(?!\s+per\b)")
PLAN_CHANGE = re.compile(r"\b(?:plan|replan|re-plan|make|change|set|add|use|redo|rerun|give|more"
                         r"|less|fewer|extra|another|increase|reduce|cut|move|shift|drop|remove"
                         r"|instead|what\s+if|suppose|if|would|should|could|can|map|show|export"
                         r"|download|save|send|top|bottom|list|wards?|threshold|household|hh"
                         r"|strategy|buffer|bale|cap|method|pca|composite)\b|\d")


def lga_plan_question(text: str, lgas: Sequence[str], has_plan: bool) -> dict[str, Any] | None:
    """The step answering a short question on one LGA's share of the current plan ("nets for
    kuwe south?", "coverage % for Ganja LGA"): no number, no change asked, one LGA named."""
    from chatmrpt.chat.dialogue import find_lga

    low = ex.lower_text(text)
    if not has_plan or len(low.split()) > 10 or not PLAN_MEASURE.search(low):
        return None
    lga, _ = find_lga(text, lgas)
    if lga is None:
        return None
    rest = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", low)
    rest = re.sub(r"%|\bpercent(?:age)?\b|\bcoverage\b", " ", rest)
    # "the population of Kuwe South in the plan": the plan pointed at, no change of it
    rest = re.sub(r"\b(?:in|of|from|for|under)\s+(?:the|this|that|our|my|current|d)\s+(?:current\s+)?"
                  r"plan\b", " ", rest)
    if PLAN_CHANGE.search(rest) or PLAN_FILLER.sub(" ", rest).strip():
        return None  # more than one LGA's figures asked (a ward, a change, ...)
    return {"tool": "ask_results", "params": {"about": "plan_lga", "lga": lga}}


PLAN_FILLER = re.compile(
    r"\b(?:for|in|of|the|how|many|much|what|wetin|is|are|be|does|do|did|get|gets|got|receive\w*"
    r"|lga|l\.g\.a|local\s+government(?:\s+area)?|total|altogether|overall|and|so|ok(?:ay)?|now"
    r"|please|pls|abeg|nets?|itns?|llins?|covered|coverage|need(?:ed|s)?|allocat\w*|people|ppl"
    r"|persons|population|there)\b|[?.!,%']")


# "it", "that one", "e": the one LGA the last answer picked out
PICKED_IT = re.compile(r"\b(?:it|its|it'?s|that\s+(?:one|lga)|dat\s+(?:one|lga)|the\s+lga|e|am"
                       r"|this\s+(?:one|lga))\b")


def _picked_lga_it(low: str, focus: Focus, last: Mapping[str, Any] | None) -> Resolution | None:
    """ "how many nets does it get?" right after "which LGA gets the most?" was answered with
    one LGA: that LGA's share of the plan."""
    params = (last or {}).get("params") or {}
    if (last or {}).get("tool") != "ask_results" or params.get("about") != "plan_lga" or \
            params.get("lga") or not params.get("order") or not (focus.lga or focus.lga_code):
        return None
    if len(low.split()) > 10 or re.search(r"\d", low) or not PLAN_MEASURE.search(low) or \
            not PICKED_IT.search(low):
        return None
    rest = PICKED_IT.sub(" ", low)
    if PLAN_CHANGE.search(rest) or PLAN_FILLER.sub(" ", rest).strip():
        return None  # another figure, a change or another place: read on its own
    lga = focus.lga or focus.lga_code
    return Resolution(step={"tool": "ask_results", "params": {"about": "plan_lga", "lga": lga}})


# --- "map it" after a plan; "in there" for the LGA just talked about -----------------------

# "map am", "can I see it on a map", "let me see that on the map", "map of the plan"
MAP_IT = re.compile(r"^\W*(?:(?:ok(?:ay)?|now|and|so|then|pls|please|abeg)[\s,]+)*(?:(?:(?:can|could"
                    r"|may)\s+(?:i|we|you|u)\s+|let\s+(?:me|us)\s+)?(?:map|show|draw"
                    r"|plot|put)\s+(?:it|am|that|this|dat|dis|the\s+plan)(?:\s+on\s+(?:a\s+|the\s+)?"
                    r"map)?|(?:(?:can|could|may)\s+(?:i|we)\s+|let\s+(?:me|us)\s+)?(?:see|view)"
                    r"\s+(?:it|am|that|this|dat|dis|the\s+plan)\s+on\s+(?:a\s+|the\s+)?map|(?:(?:show|give|draw|see)\s+(?:me\s+|us\s+)?)?(?:the\s+|a\s+|d\s+)?map"
                    r"\s+(?:of|for)\s+(?:it|am|that|this|dat|dis|(?:the|that|this|dat)\s+plan))"
                    r"(?:\s+(?:pls|please|abeg|too|now))*\s*[?.!]*\s*$")


def _map_it(low: str, last: Mapping[str, Any] | None) -> Resolution | None:
    """ "map am" right after a net plan: the plan's map."""
    tool, params = (last or {}).get("tool"), (last or {}).get("params") or {}
    about_plan = tool in PLAN_TOOLS or (tool == "ask_results" and str(params.get(
        "about", "")).startswith("plan")) or (tool == "export_results" and params.get(
            "what") == "itn_plan")
    if not MAP_IT.match(low) or not about_plan:
        return None
    return Resolution(note="The net plan just made, on the map:",
                      step={"tool": "show_map", "params": {"what": "itn"}})


IN_THERE = re.compile(r"\b(?:in|for|from|inside)\s+(?:there|it|that\s+lga|dat\s+lga|that\s+one"
                      r"|the\s+same\s+lga)\b|\bwards?\s+there\s*[?.!]*\s*$"
                      r"|(?<=\d)\s+there\s*[?.!]*\s*$")


def _in_there(text: str, low: str, focus: Focus, lgas: Sequence[str]) -> Resolution | None:
    """ "how many high risk in there": the LGA the talk is about."""
    from chatmrpt.chat.dialogue import find_lga

    m = IN_THERE.search(low)
    if not m or not (focus.lga or focus.lga_code) or not WARDISH.search(low) or CODE.search(
            low) or any(find_lga(text, lgas)) or NOT_ONE_LGA.search(low):
        return None
    place = f"in lga {focus.lga_code}" if focus.lga_code and not focus.lga else f"in {focus.lga}"
    said = m.group(0).strip()
    new = (low[:m.start()] + (" wards " if said.startswith("ward") else " ") + place
           + low[m.end():])
    return Resolution(text=new, note=f"In {focus.place()} (the LGA we were talking about):")
