"""Another map asked for right after a map was shown, in the words people use for it: "and
the consensus one", "now the category map my supervisor mentioned", "sorry I meant test
positivity, the under five one". The map named (a kind of map, or one column of the table)
is shown in place of the one on the screen; anything else is left to the other readings."""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Step

_LEAD = (r"^\W*(?:(?:ok(?:ay)?|and|now|then|also|so|next|please|pls|sorry|no|nope|oops|wait"
         r"|actually|oh|ah|what\s+about|how\s+about)[\s,.!]+)*")
ONE = re.compile(_LEAD + r"(?:(?:(?:show|give|do|make|draw|plot|try|display|use|switch\s+to"
                 r"|go\s+with)\s+(?:me\s+|us\s+)?)?(?:the|that)\s+)?"
                 r"(?P<name>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}?)\s+(?:one|map|version)\b"
                 r"(?P<rest>[^?]*)\??\s*$")
# "also the one showing which wards are more than 50 percent urban", "the map with the
# categories": the next map said by what it shows
SHOWING = re.compile(_LEAD + r"(?:(?:show|give|do|make|draw)\s+(?:me\s+|us\s+)?)?(?:the|that)\s+"
                     r"(?:one|map)\s+(?:showing|that\s+shows?|which\s+shows?|wey\s+(?:dey\s+)?show"
                     r"|with|of)\s+(?P<rest>[^?]+?)\s*[?.!]*\s*$")
MEANT = re.compile(_LEAD + r"(?:i\s+meant|i\s+mean|meant)\b[\s,:]*(?P<rest>.+)$")
# a tail that asks something else than the map: left to the other readings
OTHER_ASK = re.compile(r"\b(?:why|what|how|which|where|mean|means|export|save|download|send"
                       r"|png|html|csv|excel|xlsx|pdf|top|list|plan|nets?|compare|versus|vs"
                       r"|wards?|lga|score\s+of|rank\s+of|table|instead\s+of)\b")
# what may follow the map's name: polite words, or who spoke of it ("my supervisor mentioned")
POLITE_TAIL = re.compile(r"^[\s,.!]*(?:(?:please|pls|abeg|too|as\s+well|now|then|also|thanks"
                         r"|thank\s+you|instead)[\s,.!]*)*$")
SPOKEN_OF = re.compile(r"\b(?:mention\w*|talk\w*\s+about|said|asked\s+(?:for|about)|wants?"
                       r"|wanted|suggest\w*|sp?oke\s+(?:of|about)|told\s+\w+\s+about"
                       r"|recommend\w*|referred\s+to|needs?)\b")
NOT_A_MAP = re.compile(r"\b(?:chart|graph|plot|figure|file|list|table|report|ranking\s+list"
                       r"|plan)\b")


def _kind(words: str, ctx: RouterContext) -> dict[str, Any] | None:
    from chatmrpt.chat.router import _MAP_KINDS

    kinds = [k for k, p in _MAP_KINDS if k != "itn" and re.search(p, words)]
    if len(kinds) == 1:
        return {"what": kinds[0]}
    if kinds:
        return None
    if not ctx.variables:
        return None
    found = {m.column for m in ex.find_variables(words, ctx.variables) if m.column}
    if len(found) == 1:
        return {"what": "variable", "variable": found.pop()}
    return None


# "now ndwi", "and rainfall", "what about distance?": only a variable's name, with a lead
BARE_NEXT = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|nd|&|now|then|next|so|also)[\s,.!]+)+"
                       r"(?:(?:what|how)\s+about\s+)?(?:for\s+)?(?:the\s+)?"
                       r"(?P<name>[a-z][\w-]*(?:\s+[a-z0-9][\w-]*){0,3}?)"
                       r"(?:[\s,]+(?:please|pls|abeg|too|as\s+well|then|now|instead))*\s*[?.!]*\s*$"
                       r"|^\W*(?:what|how)\s+about\s+(?:the\s+)?"
                       r"(?P<name2>[a-z][\w-]*(?:\s+[a-z0-9][\w-]*){0,3}?)\s*[?.!]*\s*$")
# words that make the bare name a change of the analysis or another request, not a map
NOT_BARE = re.compile(r"\b(?:add|adding|drop|dropping|remove|removing|include|including|exclude"
                      r"|excluding|without|with|use|using|only|rank\w*|run|rerun|redo|analy[sz]\w*"
                      r"|variables?|score|value|values|ward|wards|lga|top|bottom|plan|nets?"
                      r"|export|save|png|html|csv|pdf|excel|xlsx|is|are|was|does|do|why|what"
                      r"|which|how|not|no|undo|back|map|one)\b")


def _variable_next(text: str, low: str, ctx: RouterContext,
                   state: DialogueState) -> Decision | None:
    """ "now ndwi", "and rainfall" while one variable's map is on the screen (shown just before,
    or saved as a file just before): that variable's map, never an analysis."""
    shown = state.shown or {}
    last_tool = (state.last or {}).get("tool") or ""
    if shown.get("kind") != "map" or shown.get("what") != "variable" or not ctx.variables \
            or not (last_tool == "show_map" or last_tool.startswith("export_")):
        return None
    m = BARE_NEXT.match(low)
    if m is None:
        return None
    words = m.group("name") or m.group("name2")
    if NOT_BARE.search(words):
        return None
    found = {v.column for v in ex.find_variables(words, ctx.variables) if v.column}
    if len(found) != 1:
        return None
    column = found.pop()
    if column == shown.get("variable"):
        return None
    return Decision([Step("show_map", {"what": "variable", "variable": column}, source=text)],
                    reading={"tool": "show_map"})


def other_map(text: str, low: str, ctx: RouterContext, state: DialogueState) -> Decision | None:
    """The map named right after a map was shown ("and the consensus one"), or None."""
    if ctx.analysis_ready:
        bare = _variable_next(text, low, ctx, state)
        if bare is not None:
            return bare
    last_tool = (state.last or {}).get("tool") or ""
    # right after a map was shown, or saved as a file ("the map above as picture", then "now
    # the category one")
    if not (last_tool == "show_map" or (last_tool.startswith("export_") and (
            state.shown or {}).get("kind") == "map")) or not ctx.analysis_ready:
        return None
    meant = MEANT.match(low)
    showing = None if meant is not None else SHOWING.match(low)
    if showing is not None:
        words = showing.group("rest")
        if NOT_A_MAP.search(words) or re.search(r"\b(?:why|how|export|save|download|send|png"
                                                r"|html|csv|excel|top|list|nets?|plan)\b", words):
            return None
        params = _kind(words, ctx)
        if params is None:
            return None
        if params.get("what") == "urban":
            said = [n.value for n in ex.extract_numbers(words) if 0 < n.value < 100]
            if len(said) > 1:
                return None
            if said:
                params["threshold"] = said[0]
        return Decision([Step("show_map", params, source=text)], reading={"tool": "show_map"})
    if meant is not None:
        words = meant.group("rest")
        if NOT_A_MAP.search(words) or re.search(r"\b(?:why|how|which|export|save|download"
                                                r"|send|png|html|csv|excel)\b", words):
            return None
    else:
        one = ONE.match(low)
        if one is None or not (POLITE_TAIL.match(one.group("rest")) or SPOKEN_OF.search(
                one.group("rest"))) or OTHER_ASK.search(one.group("rest")) or NOT_A_MAP.search(
                one.group("name")) or OTHER_ASK.search(one.group("name")) or re.search(
                r"\b(?:is|are|was|were|does|do|did|can|could|should|would|not|isn'?t)\b",
                one.group("name")):
            return None
        words = one.group("name")
    params = _kind(words, ctx)
    if params is None:
        return None
    shown = dict((state.last or {}).get("params") or {}) if last_tool == "show_map" else {
        k: v for k, v in (state.shown or {}).items() if k in ("what", "variable", "threshold")}
    if all(shown.get(k) == v for k, v in params.items()) and meant is None and \
            not re.search(r"\bmap\b", low):
        return None  # "and the composite one" on the composite map: not another map
    return Decision([Step("show_map", params, source=text)], reading={"tool": "show_map"})


# "that map", "the same map", "this one", "the map you showed": the map on the screen
THAT_MAP = re.compile(r"\b(?:that|this|dat|dis|d|di|same)\s+map\b"
                      r"|\b(?:the|that)\s+map\s+(?:again|above|up\s+there|on\s+(?:the\s+)?screen"
                      r"|(?:you|u)\s+(?:just\s+)?(?:showed|displayed|put\s+up)|(?:just\s+)?shown)\b")
IT_AGAIN = re.compile(r"\b(?:it|that|am|dat)\s+(?:bigger|larger)\b|\bagain\b")


def shown_map_kept(decision: Decision, text: str, state: DialogueState) -> Decision:
    """A map asked for as "that map", "the same map" or "show it again" while a map is on the
    screen, with no kind of map named: the map on the screen, not the vulnerability map put in
    its place. "map it" after a list still maps the list (its map is named by the router)."""
    shown = state.shown or {}
    if shown.get("kind") != "map":
        return decision
    last_shown = (state.last or {}).get("tool") == "show_map"
    for step in decision.steps:
        if step.tool != "show_map" or step.params.get("what"):
            continue
        low = ex.lower_text(step.source or text)
        if not (THAT_MAP.search(low) or (last_shown and IT_AGAIN.search(low))):
            continue
        step.params.update({k: v for k, v in shown.items()
                            if k in ("what", "variable", "threshold") and v is not None})
    return decision


# "map one of the variables", "show a variable map", "a map of any variable": a variable's map
# with no variable named
SOME_VARIABLE = re.compile(
    r"\b(?:maps?|plot|draw|show|display)\b[^?]*?\b(?:one\s+of\s+(?:the|my|our|d)\s+variables"
    r"|(?:a|any|one|some)\s+(?:single\s+)?(?:variable|indicator|column)(?:'?s)?"
    r"|(?:a|any|one)\s+variable\s+map)\b"
    r"|\b(?:a|any|one)\s+(?:single\s+)?variable(?:'?s)?\s+map\b")


def variable_map_asked(text: str, low: str, ctx: RouterContext,
                       facts: Any) -> Decision | None:
    """ "map one of the variables": which variable, asked with the analysis' variables as
    one-tap choices (the composite map would silently be another map than asked)."""
    if not ctx.analysis_ready or "?" in low or not SOME_VARIABLE.search(low):
        return None
    if any(m.column for m in ex.find_variables(text, ctx.variables or ())):
        return None
    if re.search(r"\b(?:export|save|download|png|html|pdf|composite|category|urban|itn"
                 r"|consensus|pca)\b", low):
        return None
    used = [v for v in (getattr(facts, "analysis_variables", ()) or ())]
    if not used:
        return None
    from chatmrpt.chat.map_variable import which_variable

    return which_variable(used)


# "map where the two methods agree or disagree", "give me the map of under five tpr": a map
# asked for by what it shows
MAP_OF = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|so|and|now|then|please|pls|abeg|oya)[\s,]+)*(?:(?:give|show|send|draw"
    r"|make|plot|display)\s+(?:me\s+|us\s+)?)?(?:(?:a|the|d)\s+)?map\s+(?:of|for|showing|where"
    r"|wey\s+show)\s+(?P<rest>[^?]+?)\s*[?.!]*\s*$")


def map_of(text: str, low: str, ctx: RouterContext) -> Decision | None:
    """The consensus map, or one variable's map, asked for as "the map of/where ...": that map,
    never the comparison of the methods or a TPR run."""
    m = MAP_OF.match(low)
    if m is None or not ctx.analysis_ready:
        return None
    rest = m.group("rest")
    if re.search(r"\b(?:export|save|download|send|png|html|pdf|csv|excel|plan|nets?|top|list"
                 r"|bottom|compare|why|how)\b", rest):
        return None
    from chatmrpt.chat.router import _MAP_KINDS

    kinds = [k for k, p in _MAP_KINDS if re.search(p, rest)]
    if kinds == ["consensus"]:
        return Decision([Step("show_map", {"what": "consensus"}, source=text)],
                        reading={"tool": "show_map"})
    if kinds or not ctx.variables:
        return None
    found = {v.column for v in ex.find_variables(rest, ctx.variables) if v.column}
    if len(found) != 1:
        return None
    return Decision([Step("show_map", {"what": "variable", "variable": found.pop()},
                          source=text)], reading={"tool": "show_map"})
