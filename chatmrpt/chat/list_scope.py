"""A ward list asked for two or more LGAs, or two or more risk categories, at once ("wards in
Zaria and Fagge", "medium and low wards"): a list step holds one place and one category, so
running it would show one of them as if it were the whole answer. Asked about instead, with
one tap for each."""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import CATEGORY, find_lga
from chatmrpt.chat.state import Decision, Facts, Step

LIST_TOOLS = ("list_wards", "top_wards")
_JOINED = re.compile(r"\b(?:in|for|from|inside|within)\s+(?:the\s+)?(.+?)\s*[?.!]*\s*$")
_SPLIT = re.compile(r"\s*(?:,|&|\+|/|\band\b|\bor\b|\bplus\b|\bas\s+well\s+as\b)\s*")
_TAIL = re.compile(r"\s+(?:lgas?|l\.g\.a|local\s+gov\w*(?:\s+areas?)?|only|too|please|pls"
                   r"|abeg|both)\s*$")


def lgas_joined(text: str, lgas: tuple[str, ...]) -> list[str]:
    """The LGAs a message names joined by "and", commas, "or" ("in Zaria and Fagge", "for
    zaira, fage"), in order; empty unless two or more distinct LGAs are named so."""
    m = _JOINED.search(ex.lower_text(text))
    if not m or not lgas:
        return []
    parts = [p.strip() for p in _SPLIT.split(m.group(1)) if p.strip()]
    if len(parts) < 2:
        return []
    found: list[str] = []
    for part in parts:
        while True:
            cut = _TAIL.sub("", part)
            if cut == part:
                break
            part = cut
        lga, _ = find_lga(f"wards in {part}", lgas)
        if lga is None or lga in found:
            continue
        found.append(lga)
    return found if len(found) >= 2 else []


_SPAN = re.compile(r"\b(?:rank(?:ed|s|ing)?|positions?|numbers?|no\.?|wards?|from)\s+"
                   r"(?:#\s*)?(\d{1,3})(?:st|nd|rd|th)?\s*(?:to|-|–|through|thru|till|until)"
                   r"\s*(\d{1,3})(?:st|nd|rd|th)?\b(?!\s*(?:%|percent|per\s*cent|k\b|m\b|nets?\b"
                   r"|people|persons|mm\b|km\b|metres|meters))")


def rank_span(text: str) -> tuple[int, int] | None:
    """The ranks a list asks for when they do not start at the first ("wards ranked 10 to
    20", "positions 11-20"), or None."""
    m = _SPAN.search(ex.lower_text(text))
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return (first, last) if 1 < first < last else None


# a group named by its colour on a map ("the ones in red", "the darkest wards")
COLOUR = re.compile(r"\b(?:red|reds|orange|yellow|green|purple|dark(?:est|er)?|light(?:est|er)?"
                    r"|pale(?:st)?|deep(?:est)?\s+red|colou?red\s+\w+)\b")


# "medium ones not high", "low instead of medium": a risk group taken back, not asked for
CATEGORY_TAKEN_BACK = re.compile(r"\b(?:not|instead\s+of|rather\s+than)\s+(?:the\s+|d\s+)?$")


def categories_named(text: str) -> list[str]:
    """The risk categories a message names ("medium and low wards"), in order; one taken back
    ("medium ones, not high") is left out when another is named."""
    low = ex.lower_text(text)
    found = [(m.group(1).title(), bool(CATEGORY_TAKEN_BACK.search(low[:m.start()])))
             for m in CATEGORY.finditer(low)]
    if any(back for _, back in found) and any(not back for _, back in found):
        found = [(cat, back) for cat, back in found if not back]
    out: list[str] = []
    for cat, _ in found:
        if cat not in out:
            out.append(cat)
    return out


SUBSET = re.compile(r"\b(?:top|bottom|worst|best|least|first|last)\s+(?:\d{1,3}|ten|five|twenty"
                    r"|three)\b|\b(?:very\s+)?(?:high|medium|low)(?:[- ]risk)?\s+(?:risk\s+)?wards?\b")


def whole_file_note(decision: Decision, text: str, facts: Facts) -> Decision:
    """A ranking file asked for part of the wards ("the bottom 10 as csv", "the high wards to
    excel", "wards in Zaria as a sheet"): the file holds every ward, and the reply says so."""
    steps = decision.steps
    files = [s for s in steps if s.tool == "export_results"
             and s.params.get("what") in ("rankings", "unified")]
    if len(files) != 1 or len(steps) - 1 != len([s for s in steps if s.tool in LIST_TOOLS]):
        return decision
    if len(steps) == 1:
        low = ex.lower_text(steps[0].source or text)
        lga, _ = find_lga(low, tuple(facts.lgas)) if facts.lgas else (None, None)
        if not (SUBSET.search(low) or lga):
            return decision
    # with a list in the same message ("top 5 and export as csv") the file is that list's
    note = ("The file holds every ward with its rank and risk group, not only the ones you "
            "named; sort or filter it in the spreadsheet to keep those.")
    if note not in decision.notes:
        decision.notes.append(note)
    return decision


def _span_question(span: tuple[int, int], bottom: bool) -> Decision:
    first, last = span
    order = "bottom" if bottom else "top"
    choice = {"label": f"{order.title()} {last} wards", "tool": "top_wards",
              "params": {"n": last, "order": order}}
    return Decision(
        text=f"I list wards from the {order} of the ranking, so I cannot show ranks "
             f"{first} to {last} on their own; nothing was listed yet. The {order} {last} "
             f"include them:", choices=[choice], reading={"asked": "rank_span"})


_NOT_A_SPAN_LIST = re.compile(r"\b(?:nets?|itns?|plan\w*|households?|hh|bales?|export\w*"
                              r"|download\w*|save|csv|excel|maps?|urban|percent|threshold"
                              r"|target|variables?|people)\b|%")
_SPAN_LIST_CUE = re.compile(r"\bwards?\b|\branked\b|\bpositions?\b|\b(?:list|show|give)\b")


def span_without_list(decision: Decision, text: str, ctx: RouterContext,
                      facts: Facts) -> Decision:
    """A list the assistant cannot show as asked, read as something else (a plan's two
    numbers, nothing at all): ranks that do not start at the first ("wards ranked 10 to 20",
    "show positions 11-15") or a group named by its map colour ("list the darkest wards").
    The same question as for a list step, with one tap for each list meant."""
    if decision.steps or not ctx.has_dataset or (decision.reading or {}).get("asked"):
        return decision
    low = ex.lower_text(text)
    if _NOT_A_SPAN_LIST.search(low) or not _SPAN_LIST_CUE.search(low):
        return decision
    span = rank_span(text)
    if span is not None:
        return _span_question(span, bool(re.search(r"\b(?:bottom|lowest|least)\b", low)))
    colour = COLOUR.search(low)
    if colour and not categories_named(text) and not _colour_in_a_name(colour.group(0), ctx,
                                                                       facts) and \
            not re.search(r"\b(?:mean|means|meaning|why|how|what)\b", low):
        listed = Decision([Step("list_wards", {}, source=text)])
        return several_in_one_list(listed, text, ctx, facts)
    return decision


def several_in_one_list(decision: Decision, text: str, ctx: RouterContext,
                        facts: Facts) -> Decision:
    """One list step for a message that names two or more LGAs or categories for it: asked
    about, with one tap for each (nothing is listed)."""
    steps = decision.steps
    if not ctx.has_dataset or len(steps) != 1 or steps[0].tool not in LIST_TOOLS:
        return decision
    step = steps[0]
    params = {k: v for k, v in step.params.items()
              if k in ("n", "order", "category", "method", "lga")}
    lgas = lgas_joined(step.source or text, tuple(facts.lgas))
    if lgas:
        choices = [_choice({**params, "lga": lga}) for lga in lgas]
        names = " and ".join(lgas)
        return Decision(
            text=f"You named {len(lgas)} LGAs ({names}); I list one LGA at a time, so nothing "
                 f"was listed yet. Which one first?",
            choices=choices, reading={"asked": "one_lga", "lgas": lgas})
    span = rank_span(step.source or text)
    if span and not step.params.get("lga") and not step.params.get("lga_code"):
        return _span_question(span, step.params.get("order") == "bottom")
    colour = COLOUR.search(ex.lower_text(step.source or text))
    if colour and _colour_in_a_name(colour.group(0), ctx, facts):
        colour = None
    if colour and not step.params.get("category") and not categories_named(step.source or text):
        choices = [_choice({**params, "category": cat}) for cat in ("High", "Medium", "Low")]
        return Decision(
            text=f"Which risk group do you mean by \"{colour.group(0)}\"? The colours depend on "
                 f"the map, so nothing was listed yet.",
            choices=choices, reading={"asked": "colour_group", "colour": colour.group(0)})
    cats = categories_named(step.source or text)
    just = JUST_ONE_GROUP.search(ex.lower_text(step.source or text))
    if len(cats) >= 2 and just and just.group(1).title() in cats:
        # "how many are high, medium and low? just the high count": that one group
        step.params["category"] = just.group(1).title()
        return decision
    if len(cats) >= 2 and step.params.get("category") in cats:
        choices = [_choice({**params, "category": cat}) for cat in cats]
        names = " and ".join(c.lower() for c in cats)
        return Decision(
            text=f"You named {len(cats)} risk groups ({names}); I list one group at a time, "
                 f"so nothing was listed yet. Which one first?",
            choices=choices, reading={"asked": "one_category", "categories": cats})
    return decision


JUST_ONE_GROUP = re.compile(r"\b(?:just|only)\s+(?:the\s+|d\s+)?(high|medium|low)(?:\s+(?:priority|risk"
                            r"|category|group))?(?:\s+(?:count|number|figure|ones?|wards?|one\s+for\s+now))?"
                            r"\s*[?.!]*\s*$")


def _colour_in_a_name(word: str, ctx: RouterContext, facts: Facts) -> bool:
    """The colour word is part of an LGA's or a ward's name ("Dark Ward", "Red Hill")."""
    names = [str(n).lower() for n in facts.lgas]
    names += [str(w.name).lower() for w in ctx.wards]
    names += [str(w.lga).lower() for w in ctx.wards if w.lga]
    return any(re.search(r"\b" + re.escape(word) + r"\b", n) for n in names)


def _choice(params: dict[str, Any]) -> dict[str, Any]:
    where = f" in {params['lga']}" if params.get("lga") else ""
    group = f"{params['category'].lower()} " if params.get("category") else ""
    order = "Bottom" if params.get("order") == "bottom" else "Top"
    n = params.get("n")
    head = f"{order} {n} {group}wards" if n else f"{group.capitalize() or 'All '}wards"
    return {"label": f"{head}{where}", "tool": "list_wards", "params": params}


# "show me the top 5 wards and a map", "top 10 and export as csv": a ward list and a map or a
# file asked in one message; both parts are done (each part is read on its own)
_LIST_CUE = re.compile(r"\b(?:top|bottom|highest|lowest|riskiest|worst|first|last|most|least)"
                       r"\b|\bwards?\b|\brank(?:ed|ing)?\b")
_NOT_A_LIST_HEAD = re.compile(r"\b(?:map|export|download|save|send|file|csv|excel|xlsx|pdf"
                              r"|png|plan|nets?|run|analy[sz]\w*|why|explain|how\s+many)\b")
_MORE = re.compile(
    r"^(?P<head>.+?)\s*(?:,\s*)?(?:\b(?:and|plus|with)\b|&|\+|,)\s+(?:also\s+)?(?P<more>"
    r"(?:(?:(?:can|could)\s+(?:i|we|you)\s+(?:also\s+)?(?:see|have|get|show(?:\s+me)?)|show"
    r"|give|draw|plot|display|add|include|put)\s+(?:me\s+|us\s+)?(?:also\s+)?)?"
    r"(?:an?|the)\s+(?:[\w-]+\s+){0,3}?map\b.*"
    r"|(?:then\s+)?(?:export|download|save|send)\b.*)$", re.I)
# a question about the results before the map ("what's the KMO, and can I see the PCA map")
_QUESTION_HEAD = re.compile(r"^\s*(?:what|what'?s|which|is|are|was|were|do|does|did)\b")


def question_head(parts: list[str]) -> bool:
    """The first part of a split from list_and_more is a question, not a list."""
    return not _LIST_CUE.search(ex.lower_text(parts[0]))


def list_and_more(text: str) -> list[str] | None:
    """A ward list with a map or a file after it in one message, split in two ("show me the
    top 5 wards and a map" -> "show me the top 5 wards", "a map"); None for anything else."""
    m = _MORE.match(text.strip())
    if not m:
        return None
    head, more = m.group("head").strip(" ,."), m.group("more").strip(" ,.")
    low = ex.lower_text(head)
    if not (_LIST_CUE.search(low) or _QUESTION_HEAD.search(low)) or \
            _NOT_A_LIST_HEAD.search(low) or not more:
        return None
    return [head, more]
