"""The conversation focus: what the last messages were about (a ward, an LGA the user may
have called theirs, the last list), kept in the stored dialogue state, and the reading of
short follow-ups against it ("and Doragar?", "bottom 3 same lga", "its rank?", "our wards").

A follow-up is resolved only when it is clearly elliptical: short, and starting with
"and"/"same"/"what about"/"its"/..., or naming "same LGA"/"our"/"my LGA". Anything else is read
on its own. When the reference has nothing to point at, the reply asks.
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
    r"^\s*(?:ok(?:ay)?[\s,]+|so[\s,]+|now[\s,]+)*(?:and|what\s+about|how\s+about|same\s+for"
    r"|same\s+thing\s+for|now\s+for|then|also)\s+(?:for\s+|in\s+|with\s+)?(?P<rest>.+?)"
    r"\s*[?.!]*\s*$"
)
SAME_LGA = re.compile(r"\b(?:same|that|this)\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\b"
                      r"(?:\s+(?:too|again|as\s+well))?")
OWN_LGA = re.compile(r"\b(?:our|my)\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\b"
                     r"|\b(?:of|in|among|from)\s+(?:ours|mine)\b|\bour\s+(?:\w+\s+)?wards?\b"
                     r"|\bour\s+(?:worst|best|riskiest|safest|most|least|top|bottom)\b"
                     r"|\bwe\s+need\b|\bdo\s+we\b")
ITS = re.compile(r"\bits\b|\bit(?:'s|s)?\s+(?:rank|score|population|pop|category|value)\b"
                 r"|\bwhy\s+is\s+it\b|\bthat\s+ward(?:'s)?\b|\bthis\s+ward(?:'s)?\b")
PRONOUN_START = re.compile(r"^\s*(?:ok(?:ay)?[\s,.]+|so[\s,]+|and[\s,]+)*(?:its\b|what(?:'s|\s+is"
                           r"|\s+about)\s+its\b|why\s+is\s+it\b|how\s+(?:about|many\s+\w+\s+"
                           r"(?:does|is)\s+)?(?:it|that\s+ward)\b|that\s+ward|this\s+ward)")
OWN_SAID = re.compile(
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:the\s+)?(?:focal\s+person|in\s+charge|officer"
    r"|coordinator|manager|programme\s+officer|lga\s+\w+)?\s*(?:for|of|in|at|from)\s+"
    r"(?:the\s+)?(?:lga\s+(?:code\s+)?)?(?P<name>[a-z0-9][a-z0-9' -]{1,40}?)(?=[.,;!?]|\s+lga\b|$)"
    r"|\bi\s+(?:cover|handle|manage|run|work\s+(?:in|for))\s+(?:the\s+)?(?:lga\s+(?:code\s+)?)?"
    r"(?P<name2>[a-z0-9][a-z0-9' -]{1,40}?)(?=[.,;!?]|\s+lga\b|$)"
)
CODE = re.compile(r"\b(\d{4,6})\b")


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

    @classmethod
    def of(cls, record: Mapping[str, Any] | None) -> Focus:
        r = dict(record or {})
        return cls(r.get("ward"), r.get("ward_lga"), r.get("lga"), r.get("lga_code"),
                   r.get("own_lga"), r.get("own_code"), r.get("request"), r.get("unresolved"), r.get("plan_request"),
                   r.get("question"))

    def to_dict(self) -> dict[str, Any]:
        return {"ward": self.ward, "ward_lga": self.ward_lga, "lga": self.lga,
                "lga_code": self.lga_code, "own_lga": self.own_lga, "own_code": self.own_code,
                "request": self.request, "unresolved": self.unresolved,
                "plan_request": self.plan_request, "question": self.question}

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


def own_lga_said(text: str, lgas: Sequence[str]) -> tuple[str | None, str | None]:
    """(LGA, LGA code) the user says is theirs: "I'm the focal person for Gakirau", "I cover
    LGA 20012", "I'm in Kano Municipal"; (None, None) when the message says none."""
    from chatmrpt.chat.dialogue import find_lga

    low = ex.lower_text(text)
    m = OWN_SAID.search(low)
    if not m:
        return None, None
    name = (m.group("name") or m.group("name2") or "").strip()
    code = CODE.fullmatch(name) or CODE.fullmatch(name.split(" ")[0] if name else "")
    if code:
        return None, code.group(1)
    lga, _ = find_lga(name, lgas)
    return lga, None


def _without_own_said(text: str) -> str:
    """The message without its "I'm the focal person for X" sentence."""
    low = ex.lower_text(text)
    m = OWN_SAID.search(low)
    if not m:
        return low
    rest = low[:m.start()] + " " + low[m.end():]
    return re.sub(r"^[\s.,;!]+", "", rest).strip()


AGAIN = re.compile(r"^\s*(?:(?:so|and|ok(?:ay)?|then)[\s,]+)*how\s+many\s+(?:now|then|this\s+time"
                   r"|after\s+that)\s*[?.!]*\s*$")
CODE_ANSWER = re.compile(r"^\s*(?:ok(?:ay)?[\s,]+)?(?:it'?s|it\s+is|its|the\s+code\s+is|code\s+is"
                         r"|d\s+code\s+na|di\s+code\s+na|code|lga(?:\s+code)?|na)?\s*:?\s*"
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
        return None
    return low[:m.start()] + f"in LGA {code}" + low[m.end():]


def _short(low: str) -> bool:
    return len(low.split()) <= MAX_WORDS


def resolve(text: str, low: str, focus: Focus, last: Mapping[str, Any] | None,
            lgas: Sequence[str]) -> Resolution | None:
    """The reading of an elliptical follow-up against the focus, or None (read on its own)."""
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
        code = re.fullmatch(r"(?:the\s+)?(?:lga\s+)?(?:code\s+)?(\d{4,6})\s*(?:lga)?\s*(?:now"
                            r"|too|then)?\s*[?.!]*", rest.strip())
        params = dict(before.get("params") or {})
        prev = _one_lga(before)
        said = re.sub(r"(?<![a-z])" + re.escape(lga.lower()) + r"(?![a-z])", " ", rest) \
            if lga else ""
        extra = re.sub(r"\b(?:now|too|lga|please|pls|then|as\s+well|the|ranking|instead|but"
                       r"|using|use|with|by|method|score|ranked|one|ones)\b|[?.!,]", " ", said)
        pca = bool(re.search(r"\bpca\b|\bprincipal\b", said))
        extra = re.sub(r"\bpca\b|\bprincipal\s+component\w*", " ", extra)
        fits = before["tool"] != "ask_results" or params.get("about") == "plan_lga"
        if prev and fits and (code or (lga and not extra.strip())):
            params.pop("lga_code", None)
            params.pop("lga", None)
            if code:
                params["lga_code"] = code.group(1)
                where = f"LGA {code.group(1)}"
            else:
                params["lga"] = where = lga
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
            return Resolution(ask="Which LGA do you mean? Give its name or code.")
        new = SAME_LGA.sub(f" in {place} ", text if not SAME_LGA.search(text) else text)
        new = SAME_LGA.sub(f" in {place} ", ex.lower_text(new))
        return Resolution(text=new, note=f"In {focus.place()} (the same LGA as before):")
    # "our wards", "which is our worst ward", "in my LGA" (the LGA said now or earlier)
    said_lga, said_code = own_lga_said(text, lgas)
    own = said_lga or said_code or focus.own_lga or focus.own_code
    if OWN_LGA.search(low) and not CODE.search(_without_own_said(low)) and not (
            find_lga(_without_own_said(text), lgas)[0]):
        if not own:
            if re.search(r"\bour\b.*\bwards?\b|\bmy\s+lga\b|\bours\b", low):
                return Resolution(ask="Which LGA is yours? Give its name or code, and I will "
                                      "keep it for this conversation.")
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
    return None


def update(focus: Focus, text: str, steps: Sequence[Any], lgas: Sequence[str],
           wards: Sequence[Any] = (), data: Mapping[str, Any] | None = None) -> Focus:
    """The focus after a message: the LGA the user called theirs, the LGA and the one ward the
    message or its steps were about, or the one ward its answer named."""
    from chatmrpt.chat.dialogue import find_lga

    new = Focus(**focus.to_dict())
    lga, code = own_lga_said(text, lgas)
    if lga or code:
        new.own_lga, new.own_code = lga, code
        new.lga, new.lga_code = lga, code
    else:
        named, _ = find_lga(text, lgas)
        if named:
            new.lga, new.lga_code = named, None
    match = ex.find_ward(text, wards) if wards else None
    if match is not None and len(match.names) == 1 and len(match.candidates) == 1:
        c = match.candidates[0]
        new.ward, new.ward_lga = match.names[0], getattr(c, "lga", None)
    named_lga, unknown = find_lga(text, lgas) if text else (None, None)
    new.unresolved = text if unknown and not steps else None
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


def after_answer(focus: Focus, text: str, data: Mapping[str, Any] | None) -> Focus:
    """The focus once the answer is known: the one ward it named ("which ward is number
    one?" answered with a list: its first ward)."""
    new = Focus(**focus.to_dict())
    one = _one_ward(data or {}, first=bool(SINGULAR.search(ex.lower_text(text or ""))))
    if one is not None:
        new.ward, new.ward_lga = one
    return new


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
