"""A ward named as the place of a ward list ("wards in Dambo", "top 5 wards in Kwarbai A",
"high wards in Dambo"): a ward has no wards inside it, and listing the whole area instead
would answer another question without saying so. The reply says that the name is a ward
and gives its rank and category (or asks which one, when the name is a ward of several
LGAs).

Read after the other readers: only a ward list with no LGA of its own, whose message names a
ward (and no LGA) after "in", "of", "for" or "inside", is changed.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision, Step

LIST_TOOLS = ("list_wards", "top_wards")
PLACE = re.compile(r"\b(?:in|inside|within|of|for|from|under)\s+(?:the\s+)?(?P<name>[a-z][a-z0-9' ./-]"
                   r"{1,40}?)(?:\s+(?:ward|area|lga|please|pls|abeg|now|only))*\s*[?.!]*\s*$")


def name_key(name: str) -> str:
    """A place name as compared: lower case, letters and digits only ("Ikeja G.R.A." ->
    "ikejagra")."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _ward_named(low: str, ctx: Any, facts: Any) -> tuple[str, list[str]] | None:
    m = PLACE.search(low)
    if m is None:
        return None
    words = m.group("name").split()
    lga_keys = {name_key(lg) for lg in facts.lgas}
    for k in range(len(words)):  # "the ward Dambo", "my Dambo": the longest name that fits
        key = name_key(" ".join(words[k:]))
        if key in lga_keys:
            return None
        hits = [w for w in ctx.wards if name_key(w.name) == key]
        if hits:
            return hits[0].name, sorted({w.lga for w in hits if w.lga})
    return None


def ward_as_place(decision: Decision, text: str, ctx: Any, facts: Any) -> Decision:
    """The decision with a ward list placed in a ward replaced by that ward's rank."""
    if len(decision.steps) != 1 or not ctx.wards or not facts.lgas:
        return decision  # without LGA names a name may be an LGA the table cannot place
    step = decision.steps[0]
    if step.tool not in LIST_TOOLS or step.params.get("lga") or step.params.get("lga_code"):
        return decision
    named = _ward_named(ex.lower_text(step.source or text), ctx, facts)
    if named is None:
        return decision
    name, lgas = named
    if len(lgas) > 1:
        choices = [{"label": f"{name} in {lg}", "tool": "explain_ward",
                    "params": {"ward": name, "lga": lg}} for lg in lgas]
        return Decision(text=f"{name} is a ward, not an LGA, so it has no wards of its own to "
                             f"list. There is a {name} ward in {len(lgas)} LGAs: "
                             f"{', '.join(lgas)}. Which one should I show the rank of?",
                        choices=choices,
                        pending={"expects": "choice", "choices": choices,
                                 "candidates": [{"name": name, "lga": lg} for lg in lgas]},
                        reading={**decision.reading, "ward_as_place": name})
    where = f" (in {lgas[0]} LGA)" if lgas else ""
    params = {"ward": name, **({"lga": lgas[0]} if lgas else {})}
    return Decision([Step("explain_ward", params, source=text,
                          echo=f"{name} is a ward{where}, not an LGA, so it has no wards of "
                               "its own to list. Here is its rank and category:")],
                    reading={**decision.reading, "ward_as_place": name})


_LGA_SAID = re.compile(r"\bl\.?g\.?as?\b|\blocal\s+gov\w*")


def ward_before_code_question(decision: Decision, text: str, ctx: Any, facts: Any) -> Decision:
    """On a table with LGA codes and no LGA names, a ward list placed in a name that is one
    of the table's wards ("wards in Zango", "high wards in Zango 1"): that ward's rank and
    category, not the question which LGA code the name is. The codes stay offered, in case an
    LGA of that name was meant; with "LGA" said ("wards in Dala LGA") the question stays.
    When the ward's own LGA code is known, the LGA is the likelier reading and both are asked
    (see _lga_of_ward_first)."""
    if decision.reading.get("asked") != "lga_code" or decision.steps or facts.lgas or \
            not ctx.wards:
        return decision
    low = ex.lower_text(text)
    if _LGA_SAID.search(low):
        return decision
    named = _ward_named(low, ctx, facts)
    if named is None:
        return decision
    name, _ = named
    if sum(1 for w in ctx.wards if w.name == name) > 1:
        return decision  # a name of several wards: which one cannot be told without LGAs
    asked = _lga_of_ward_first(decision, name, facts)
    if asked is not None:
        return asked
    echo = (f"{name} is a ward of your table, not an LGA, so it has no wards of its own to "
            "list. Here is its rank and category:")
    after = (f"Or did you mean an LGA called {name}? Tap its LGA code." if decision.choices
             else "")
    return Decision([Step("explain_ward", {"ward": name}, source=text, echo=echo)],
                    choices=decision.choices, pending=decision.pending,
                    not_done=[after] if after else [],
                    reading={**decision.reading, "ward_as_place": name})


def _lga_of_ward_first(decision: Decision, name: str, facts: Any) -> Decision | None:
    """"wards in Dala" where Dala is a ward of LGA 20024: an LGA is most often named after
    the ward it is run from, so the LGA meant is most likely 20024, and a list of wards asks
    for an area, not a ward. Both readings are offered (the LGA's list first, then the ward's
    rank), with the other codes after them; None when the ward's code is not known."""
    code = dict(facts.ward_lga_codes).get(name)
    listed = [c for c in decision.choices if (c.get("params") or {}).get("lga_code") == code]
    if code is None or len(listed) != 1:
        return None
    ward = {"label": f"Explain {name}", "tool": "explain_ward", "params": {"ward": name}}
    choices = [listed[0], ward, *(c for c in decision.choices if c is not listed[0])]
    return Decision(
        text=f"Your ward table has LGA codes but no LGA names. {name} is one of its wards, in "
             f"LGA {code}; an LGA called {name} would most likely be LGA {code}, where the "
             f"ward {name} is. Do you want the wards of LGA {code}, or the rank of the ward "
             f"{name}? (Or tap another LGA code.)",
        choices=choices, pending={**(decision.pending or {}), "choices": choices},
        reading={**decision.reading, "ward_as_place": name, "lga_of_ward": code})


# "which LGA is Zango in?", "what LGA is it in", "the LGA code of Dorayi": a ward's LGA
_LGA_OF = re.compile(r"\b(?:which|what|wetin)\s+(?:lga|local\s+gov\w*(?:\s+area)?)(?:\s+code)?"
                     r"\s+(?:is|be|does|do|has)\b|\bin\s+(?:which|what)\s+(?:lga|local\s+gov\w*)"
                     r"|\blga(?:\s+code)?\s+(?:of|for)\b|\b(?:its|the\s+ward'?s)\s+lga\b")
_NOT_ONE_WARD = re.compile(r"\b(?:wards|lgas|most|highest|lowest|least|many|each|every|plan\w*"
                           r"|nets?|average|top|bottom|rank\w*|list|map|export\w*|download)\b")
_IT = re.compile(r"\b(?:it|this|that|this\s+ward|that\s+ward|the\s+ward|that\s+one|am|there)\b")
LGA_COLUMNS = ("LGA", "LGACode")


def ward_lga_question(text: str, ctx: Any, state: Any, facts: Any) -> Decision | None:
    """The LGA of one ward asked ("which LGA is Zango in?", "what LGA is it in?" after a
    ward): looked up in the table (its LGA name, or its LGA code when the table has codes
    only), never the summary of every LGA."""
    low = ex.lower_text(text)
    if not ctx.has_dataset or not ctx.wards or not _LGA_OF.search(low) or \
            _NOT_ONE_WARD.search(low):
        return None
    match = ex.find_ward(text, ctx.wards)
    if match is not None and len(match.names) == 1:
        name = match.names[0]
        lgas = sorted({c.lga for c in match.candidates if c.lga})
    elif match is None and _IT.search(low):
        from chatmrpt.chat.focus import Focus

        focus = Focus.of(state.focus)
        if not focus.ward:
            return None
        name, lgas = focus.ward, [focus.ward_lga] if focus.ward_lga else []
    else:
        return None
    if len(lgas) > 1:
        return Decision(text=f"There is a {name} ward in {len(lgas)} LGAs: {', '.join(lgas)}.")
    params = {"ward": name, "variable": "LGA" if facts.lgas else "LGACode"}
    if lgas and sum(1 for w in ctx.wards if w.name == name) > 1:
        params["lga"] = lgas[0]  # the one of the ward talked about
    return Decision([Step("ward_value", params, source=text)],
                    reading={"tool": "ward_value", "ward_lga": name})


_AND_WARD = re.compile(r"^\s*(?:and|what\s+about|how\s+about|then)\s+(?:for\s+)?(?:the\s+)?"
                       r"(?P<rest>.+?)\s*[?.!]*\s*$")
_WARD_TAIL = re.compile(r"\s+(?:ward|itself|too|then|now|alone|only|please|pls)\b")
PLAN_FIGURE_QUESTIONS = ("plan_lga", "plan_ward")


def ward_after_plan_question(text: str, ctx: Any, state: Any, facts: Any) -> Decision | None:
    """ "and Ransha I ward itself?" after the nets of an LGA (or of another ward) in the
    current plan: the same figure for that ward, not why the ward ranks where it does."""
    from chatmrpt.chat.figures import plan_ward_step
    from chatmrpt.chat.focus import Focus

    if not ctx.last_plan or not ctx.wards:
        return None
    asked = (Focus.of(state.focus).question or {}).get("params") or {}
    if asked.get("about") not in PLAN_FIGURE_QUESTIONS:
        return None
    m = _AND_WARD.match(ex.lower_text(text))
    if m is None:
        return None
    rest = m.group("rest")
    while True:
        cut = _WARD_TAIL.sub("", rest)
        if cut == rest:
            break
        rest = cut
    if len(rest.split()) > 5 or any(name_key(rest) == name_key(lg) for lg in facts.lgas):
        return None  # "and Doragar?": another LGA, read as before
    match = ex.find_ward(rest, ctx.wards)
    if match is None or name_key(match.names[0]) != name_key(rest) or len(match.names) != 1:
        return None
    return plan_ward_step(text, match, None, state)
