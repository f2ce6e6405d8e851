"""Files and maps asked for in the words people use for them.

- the net plan named on a map request ("map of the plan", "the plan on the map", "itn
  map"): the net plan map, whatever else the ranking words suggest;
- a format said right after a map or chart was shown ("png", "ok png", "as html", "png of
  it", "save as png"): that map (or chart) as that file, an order, not a question;
- "put that on the screen" right after a ward list, a plan or a reprioritisation: the map
  of that result;
- a file named by its subject and format ("rankings xlsx pls", "send the plan to my email
  as excel", "excel of that" after a plan), or the report in the words that make one
  ("write up the report for the commissioner"): that file;
- an e-mail (or WhatsApp) destination: nothing is mailed from here, the file is ready to
  download, and the reply says so.

Each reading needs the whole message to be that request: a question, a hypothetical, a
negation, a statement about someone else doing it, or a number in the message leaves it to
the other readings of the manager.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import PLAN_TOOLS, RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step
from chatmrpt.chat.tool_slots import UNSUPPORTED_FORMAT

FILLER = (r"(?:ok(?:ay)?|oya|pls|please|plz|abeg|now|then|and|so|just|yes|yeah|sure|also|great"
          r"|good|fine|thanks|thank\s+you|kindly|alright|right|cool|nice|perfect|sir|ma)")
TAIL = (r"(?:[\s,]+(?:too|also|as\s+well|please|pls|plz|abeg|now|thanks|thank\s+you|sir|ma"
        r"|for\s+(?:the|my|our|a|d|di|me|us)\s+[\w']+(?:\s+[\w']+)?))*")


# --- the net plan named on a map ----------------------------------------------------------

PLAN_ON_MAP = re.compile(
    r"\b(?:the|this|that|my|our|current|latest|new|last|d|di|net|itn|llin|distribution"
    r"|allocation|campaign)\s+plan(?:'s)?\b(?!\s+(?:to|for|how|if)\b)|\bplan(?:'s)?\s+map\b"
    r"|\bmap\s+(?:of|for)\s+(?:the\s+)?plan\b|\bitns?\b|\bllins?\b"
    r"|\b(?:net\s+)?coverage\s+map\b|\bmap\s+(?:of|for)\s+(?:the\s+)?(?:net\s+)?coverage\b")
# "the distribution map", "map of the net distribution": the net plan's, unless a variable's
# distribution is meant ("the rainfall distribution map", "distribution map of elevation")
DISTRIBUTION_MAP = re.compile(
    r"\b(?:distribution|allocation)\s+maps?\b(?!\s+(?:of|for)\b)"
    r"|\bmaps?\s+(?:of|for)\s+(?:the\s+)?(?:net\s+)?(?:distribution|allocation)\b"
    r"(?!\s+(?:of|for)\b)")


def plan_on_map(low: str, variable_named: bool = False) -> bool:
    """A map request that names the net plan ("map of the plan", "put the plan map on the
    screen", "show me the plan on the map", "itn map", "the distribution map"); "plan" as a
    verb ("the map we plan with") does not, nor the distribution of a variable ("the
    distribution map of rainfall")."""
    return bool(PLAN_ON_MAP.search(low)) or (not variable_named
                                             and bool(DISTRIBUTION_MAP.search(low)))


# "the vegetation map", "map of the greenness": a map named by a kind of variable
_GROUP_MAP = re.compile(
    r"\b(?P<a>" + "|".join(f"(?:{rx})" for rx, _ in ex.VARIABLE_GROUPS) + r")\s+maps?\b"
    r"|\bmap\s+(?:of\s+)?(?:the\s+)?(?P<b>" + "|".join(f"(?:{rx})" for rx, _ in
                                                     ex.VARIABLE_GROUPS) + r")\b")


def group_map_variable(low: str, columns: Sequence[str]) -> str | None:
    """The one column of the table a map named by a kind of variable stands for ("the
    vegetation map" on a table whose only vegetation column is meanEVI), or None (no such
    name, or several columns of that kind: the map readers ask)."""
    m = _GROUP_MAP.search(low)
    if m is None:
        return None
    word = m.group("a") or m.group("b")
    group = next(g for rx, g in ex.VARIABLE_GROUPS if re.fullmatch(rx, word))
    found = ex.group_columns(group, columns)
    return found[0] if len(found) == 1 else None


# "the urban percentage map", "urban share map", "show the urban share on the map": the
# urban wards map, named as a map (the share as a column to map, "map the urban
# percentage", stays a variable map)
URBAN_MAP_NAMED = re.compile(r"\burban\s+(?:percent(?:age)?|share|proportion|%)\s+(?:map\b|(?:on|in)"
                             r"\s+(?:the\s+|a\s+|d\s+)?map\b)")


def urban_map_named(low: str) -> bool:
    return bool(URBAN_MAP_NAMED.search(low))


# --- a format said right after a map was shown ----------------------------------------------

VIEW_FORMATS = (("png", r"png|picture|image|photo"),
                ("html", r"html|web\s*page|interactive(?:\s+(?:page|map|version))?"))
_VIEW_FORMAT = "|".join(p for _, p in VIEW_FORMATS)
_VERB = (r"(?:save|export|download|send|share|convert|turn|make|give\s+(?:me|us)|get\s+(?:me|us)"
         r"|i\s+(?:want|need)|we\s+(?:want|need)|(?:can|could)\s+(?:you|u|i|we)\s+(?:have|get"
         r"|save|export|send|download|give\s+(?:me|us)))")
# "the one shown", "the map on the screen", "what you just showed": the figure on the screen,
# named as such
_ON_SCREEN = (r"(?:\s+(?:(?:that|which)\s+(?:is|was|you)\s+)?(?:(?:just|now)\s+)?(?:shown|displayed"
              r"|showing|(?:up\s+)?on\s+(?:the\s+)?screen|above|up\s+there)"
              r"|\s+(?:you|u)\s+(?:just\s+)?(?:showed|displayed|put\s+up)(?:\s+(?:me|us))?)")
_FIGURE = (r"(?:(?:the|that|this|d|di)\s+(?:one|map|chart|figure|picture|graph)"
           r"|what\s+(?:is|was)|what(?=\s+(?:you|u)\b))")
_THAT = (rf"(?:it|that|this|am|dat|dis|same|that\s+one|this\s+one|the\s+one|the\s+map|that\s+map"
         rf"|this\s+map|d\s+map|di\s+map|the\s+chart|that\s+chart|this\s+chart"
         rf"|{_FIGURE}{_ON_SCREEN})")
FORMAT_ALONE = re.compile(
    rf"^\s*(?:{FILLER}[\s,.!]+)*(?:{_VERB}\s+(?:(?:me|us)\s+)?)?(?:{_THAT}\s+)?"
    rf"(?:(?:as|in|to|into)\s+)?(?:an?\s+)?(?P<fmt>{_VIEW_FORMAT})"
    rf"(?:\s+(?:version|file|format|copy))?(?:\s+(?:of|for)\s+{_THAT})?{TAIL}[\s.!]*$")
SHOWN_NAMED = re.compile(rf"\b{_FIGURE}{_ON_SCREEN}")
SHOWN_BY = ("show_map", "export_view", "compare_methods")


def format_of_shown(text: str, low: str, state: DialogueState) -> Decision | None:
    """ "png", "ok png", "png of it", "as html", "save as png" right after a map or chart was
    shown: that figure in that format. The format named right after the figure is the
    order; which figure is the one on the screen. "png of the one shown" names the figure
    on the screen itself, so it need not come right after it."""
    m = FORMAT_ALONE.match(low)
    shown = _figure_meant(low, state)
    last = (state.last or {}).get("tool")
    if m is None or shown.get("kind") not in ("map", "chart") or (
            last not in SHOWN_BY and not SHOWN_NAMED.search(low)):
        return None
    fmt = next(f for f, p in VIEW_FORMATS if re.fullmatch(p, m.group("fmt")))
    if shown.get("kind") == "chart":
        if fmt != "png":
            return None
        params: dict[str, Any] = {"what": shown.get("what"), "format": "png"}
    else:
        params = {k: v for k, v in shown.items() if k in ("what", "variable", "threshold")
                  and v is not None}
        params.setdefault("what", "composite")
        params["format"] = fmt
    return Decision([Step("export_view", params, source=text)],
                    reading={"named_export": True, "tool": "export_view", "shown": True})


# "export to excel", "oya xport to xcel", "save it as csv" right after a map was shown: a map
# is no table, so the table behind it is meant (the net plan behind its map, the ranking
# behind the vulnerability maps); any other map's table is asked about
TABLE_OF_SHOWN = re.compile(
    rf"^\s*(?:{FILLER}[\s,.!]+)*(?:(?:e?xport|save|download|send|give\s+(?:me|us)|get\s+(?:me|us)"
    rf"|put|convert|turn)\s+(?:(?:me|us)\s+)?)(?:(?:it|that|this|am|dat|dis|them|d|di)\s+)?"
    rf"(?:(?:as|in|to|into)\s+)?(?:an?\s+)?(?P<fmt>excel|xlsx?|xcel|exel|excell|spreadsheet|csv)"
    rf"(?:\s+(?:file|format|sheet|workbook|version))?{TAIL}[\s.!]*$")
MAP_TABLES = {"itn": "itn_plan", "composite": "rankings", "pca": "rankings",
              "category": "rankings"}


def table_of_shown_map(text: str, low: str, ctx: RouterContext,
                       state: DialogueState) -> Decision | None:
    """ "export to excel" right after a map was shown: the table that map is drawn from
    (a map comes only as a picture or a web page); for a map with no table of its own,
    which table is asked."""
    m = TABLE_OF_SHOWN.match(low)
    shown = state.shown or {}
    if m is None or shown.get("kind") != "map" or (state.last or {}).get("tool") not in SHOWN_BY:
        return None
    fmt = "csv" if m.group("fmt") == "csv" else "xlsx"
    what = shown.get("what") or "composite"
    subject = MAP_TABLES.get(str(what))
    if subject == "itn_plan" and ctx.last_plan is None:
        subject = None
    label = "CSV" if fmt == "csv" else "Excel"
    if subject is None:
        from chatmrpt.chat.describe import describe_choice

        offers = [{"what": w, "format": fmt} for w in ("rankings", "unified")]
        choices = [{"label": describe_choice("export_results", p), "tool": "export_results",
                    "params": p} for p in offers]
        return Decision(text=f"A map is saved as a picture (PNG) or a web page (HTML), not as "
                             f"{label}. Which table should I export as {label}?",
                        choices=choices, pending={"expects": "choice", "choices": choices},
                        reading={"tool": "export_results", "table_of_map": True})
    name = "net plan" if subject == "itn_plan" else "ward ranking"
    return Decision([Step("export_results", {"what": subject, "format": fmt}, source=text)],
                    notes=[f"A map comes only as a picture or a web page, so this is the "
                           f"table behind the map on the screen: the {name}."],
                    reading={"named_export": True, "tool": "export_results",
                             "table_of_map": True})


def format_of_earlier(text: str, low: str, ctx: RouterContext,
                      state: DialogueState) -> Decision | None:
    """ "png", "png of that" when the last turn showed no figure: the figure shown earlier
    in the conversation, unless a net plan was made since (then "that" may be the plan's
    map: which one is asked, with one-tap choices led by the plan's map). With nothing
    shown, the map of the last result is asked about the same way, never another map put
    in its place; with nothing shown, no plan and no result with a map of its own, the
    vulnerability map, said so."""
    m = FORMAT_ALONE.match(low)
    if m is None:
        return None
    from chatmrpt.chat.describe import MAP_NAMES

    fmt = next(f for f, p in VIEW_FORMATS if re.fullmatch(p, m.group("fmt")))
    shown = _figure_meant(low, state)
    figure: dict[str, Any] | None = None
    if shown.get("kind") == "chart" and fmt != "png":
        chart = [{"label": f"Export the {MAP_NAMES.get(str(shown.get('what')), 'chart')} as PNG",
                  "tool": "export_view", "params": {"what": shown.get("what"), "format": "png"}}]
        return Decision(text=f"A chart is saved only as a picture (PNG), not as "
                             f"{fmt.upper()}. Should I save it as a PNG?", choices=chart,
                        pending={"expects": "choice", "choices": chart},
                        reading={"tool": "export_view", "which_figure": True})
    if shown.get("kind") == "chart":
        figure = {"what": shown.get("what")}
    elif shown.get("kind") == "map":
        figure = {k: v for k, v in shown.items() if k in ("what", "variable", "threshold")
                  and v is not None}
        figure.setdefault("what", "composite")
    of_last = map_of_last(state)
    if of_last is not None and of_last.get("what") == "itn" and ctx.last_plan is None:
        of_last = None
    if figure is not None and (of_last is None or of_last == figure
                               or of_last.get("what") != "itn"):
        # the figure last shown; only a net plan made since makes "that" another map
        return Decision([Step("export_view", {**figure, "format": fmt}, source=text)],
                        reading={"named_export": True, "tool": "export_view", "shown": True})
    options = [o for o in (of_last, figure, {"what": "composite"},
                           {"what": "itn"} if ctx.last_plan is not None else None) if o]
    options = [o for i, o in enumerate(options) if o not in options[:i]]
    if figure is None and of_last is None and not re.search(r"\bthe\s+maps?\b", low):
        # "save as png", "that map as png" with nothing shown: which map is not said, the
        # other readings ask
        return None
    if len(options) == 1:
        # "the map as png" with nothing shown, no plan, no other map to the last result: the
        # ranking's map, said
        from chatmrpt.chat.tool_slots import MAIN_MAP_NOTE

        note = MAIN_MAP_NOTE if options[0] == {"what": "composite"} else \
            f"No map is on the screen, so this is the {_name(options[0])}."
        return Decision([Step("export_view", {**options[0], "format": fmt}, source=text)],
                        notes=[note], reading={"named_export": True, "tool": "export_view"})
    choices = [{"label": f"Export the {_name(o)} as {fmt.upper()}", "tool": "export_view",
                "params": {**o, "format": fmt}} for o in options]
    ask = (f"The {_name(figure)} was shown earlier, and the {_name(of_last)} goes with the "
           "last result. Which one should I export?" if figure is not None and of_last else
           "No map or chart is shown just now, so I do not know which picture to save. "
           "Which map should I export?")
    return Decision(text=ask, choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"tool": "export_view", "which_figure": True})


def _figure_meant(low: str, state: DialogueState) -> dict[str, Any]:
    """The figure on the screen; "that map" after a chart is the map shown before it."""
    shown = state.shown or {}
    if shown.get("kind") == "chart" and re.search(r"\bmaps?\b", low):
        return shown.get("map") or {}
    return shown


def _name(figure: dict[str, Any] | None) -> str:
    from chatmrpt.chat.describe import MAP_NAMES

    what = str((figure or {}).get("what") or "composite")
    return MAP_NAMES.get(what, f"{what} map").format(variable=(figure or {}).get("variable"))


# --- "put that on the screen" -------------------------------------------------------------

ON_SCREEN = re.compile(
    rf"^\s*(?:{FILLER}[\s,.!]+)*(?:(?:can|could)\s+(?:you|u)\s+|let(?:'s|\s+us)\s+)?"
    r"(?:put|show|display|bring|throw|project|pop|flash|cast|beam)\s+(?:up\s+)?"
    r"(?:it|that|this|them|those|these|am|dat|dis|dem)\s+(?:up\s+)?(?:on|onto|to|up\s+on)\s+"
    r"(?:the\s+|a\s+|d\s+|di\s+|our\s+)?(?:big\s+)?(?:screen|projector|display|wall|tv)\b"
    r"(?:[\s,]+(?:please|pls|abeg|now|for\s+(?:all|everyone|us|the\s+\w+)|so\s+(?:that\s+)?"
    r"(?:every\s*(?:one|body)|we|all|they)\b.*))*[\s.!]*$")


def map_of_last(state: DialogueState) -> dict[str, Any] | None:
    """The map of the result just given: the net plan's after a plan (or a question about
    it), the urban wards after a reprioritisation, the ranking after a ward list, the same
    map after a map."""
    last = state.last or {}
    tool, params = last.get("tool"), last.get("params") or {}
    if tool in PLAN_TOOLS or (tool == "ask_results"
                              and str(params.get("about", "")).startswith("plan")):
        return {"what": "itn"}
    if tool == "reprioritize_urban":
        out: dict[str, Any] = {"what": "urban"}
        if len(params.get("thresholds") or []) == 1:
            out["threshold"] = params["thresholds"][0]
        return out
    if tool in ("top_wards", "list_wards"):
        return {"what": "pca" if params.get("method") == "pca" else "composite"}
    if tool == "show_map":
        return {k: v for k, v in params.items() if k in ("what", "variable", "threshold")} \
            or {"what": "composite"}
    return None


def on_screen(text: str, low: str, state: DialogueState) -> Decision | None:
    """ "put that on the screen" after a ward list, a plan or a reprioritisation: its map."""
    if not ON_SCREEN.match(low):
        return None
    params = map_of_last(state)
    if params is None:
        return None
    return Decision([Step("show_map", params, source=text)],
                    reading={"tool": "show_map", "on_screen": True})


# --- files named by subject and format ----------------------------------------------------

TABLE_FORMATS = (("xlsx", r"\bexcel\b|\bxlsx?\b|\bspreadsheet\b|\b(?:xcel|exel|excell|xl)\b"),
                 ("csv", r"\bcsv\b|\bcomma[- ]separated\b"),
                 ("html", r"\bhtml\b|\bweb\s*page\b"))
SUBJECTS = (
    ("itn_plan", r"\b(?:the|this|that|my|our|d|di|current|latest|new|same|net|itn|llin|distribution"
                 r"|allocation)\s+plan\b|^\W*plan\b|\ballocations?\s+(?:table|list|sheet)\b"),
    ("rankings", r"\brank(?:s|ings?)\b|\branked\s+(?:list|wards|table)\b|\bward\s+(?:list"
                 r"|ranking)s?\b|\blist\s+of\s+(?:the\s+)?wards\b|\bwards?\s+list\b"
                 r"|\bpriority\s+list\b"),
    ("report", r"\breport\b"),
)
REFERENCE = re.compile(r"\b(?:of|for)\s+(?:it|that|this|am|dat|dis|them|those)\b"
                       r"|^\W*(?:(?:send|export|download|save|give|share|email|e-mail|mail)\s+"
                       r"(?:me\s+|us\s+)?)?(?:it|that|this|am|dat|dis)\s+(?:as|in|to)\b")
SEND = re.compile(r"\b(?:send|export|download|save|give|share|forward|e-?mail|mail|attach"
                  r"|drop|get\s+me|get\s+us|whatsapp\s+(?:me|us|it|that|am))\b")
# "the email also says ...", "his mail said ...": a mail talked about, not a sending asked for
MAIL_NOUN = re.compile(r"\b(?:the|an?|this|that|his|her|my|your|our|their|d|di|same)\s+e-?mails?"
                       r"(?:\s+(?:from|of)\s+[\w.]+)?\b(?=\s+(?:also\s+|again\s+|clearly\s+)?"
                       r"(?:says?|said|states?|stated|reads?|mentions?|mentioned|asks?|asked"
                       r"|wants?|writes?|wrote|is|was|has|had|came|talks?|dey|na)\b)")
MAKE_REPORT = re.compile(r"\b(?:write(?:\s+up)?|draft|prepare|generate|produce|compile|create"
                         r"|make|put\s+together|do|send|export|download|give|share|get|e-?mail|mail|forward)\s+"
                         r"(?:me\s+|us\s+)?(?:up\s+)?(?:a|the|d|di|our|my|that|this)?\s*"
                         r"(?:\w+\s+)?report\b")
DESTINATION = re.compile(r"\b(?:to|on|via|by|through|in)\s+(?:my|our|the|me|d|di|his|her"
                         r"|their)?\s*(?:e-?mail|mail|inbox|whatsapp|phone)\b|\be-?mail\s+"
                         r"(?:it|that|this|am|me|us)\b|\bmail\s+(?:it|that|am)\s+to\b")
NOT_AN_ORDER = re.compile(
    r"\?|^\W*(?:if|when|once|after|before|unless|suppose|imagine|did|does|do|is|are|was|were"
    r"|has|have|had|what|why|how|which|who|where|should|would|will|shall|might|may)\b"
    r"|\b(?:not|don'?t|dont|do\s+not|never|no\s+need|without|stop|cancel|instead\s+of"
    r"|already|yesterday|last\s+(?:week|time|month))\b"
    r"|\b(?:i|we|he|she|they|you|someone|somebody)\s+(?:will|'ll|shall|would|am\s+going"
    r"|are\s+going|is\s+going|sent|exported|wrote|made|prepared|downloaded|said|asked|wants"
    r"|want(?:ed)?\s+(?:to\s+)?(?:know|see|check)|can\s+(?:write|prepare|make|draft))\b"
    r"|\b(?:i|we)'ll\b|\b(?:i|we)\s+(?:need|have|has|must|got|ought)\s+to\b")
LEFTOVER_OK = re.compile(
    rf"\b(?:{FILLER}|as|in|to|into|an?|the|d|di|my|our|me|us|of|for|file|version|format"
    r"|copy|it|that|this|am|please|pls|abeg|too|also|well|here|now|quickly|asap)\b")


CLAUSE = re.compile(r"[,;.!:-]+\s*(?=(?:i|we|they|he|she|my|our|so|because|since|then|after"
                    r"|before|when|some|many|most|several|few|none|half|not\s+(?:all|every\w*)"
                    r"|others?|people|every(?:one|body)|nobody|their|as\s+(?:they|some|not))\b)"
                    r"|\s+(?:but|because|so\s+that|since)\s+")


# "some of them don't have excel", "people here can't open xlsx": a format somebody lacks
WITHOUT_FORMAT = re.compile(r"\b(?:don'?t|dont|do\s+not|doesn'?t|does\s+not|can'?t|cannot"
                            r"|won'?t|never|no\s+longer|not|without|lack\w*)\b")
SELF_CORRECTED = re.compile(r"\b(?:mean|meant|rather|instead|actually|sorry|oops|wanted)\b")


def order_clause(low: str) -> str:
    """The clause of the message that names a file format or the report ("send the plan to
    my email as excel, I'll circulate it after the meeting": the first): what follows is
    the person's own plans, not part of the order."""
    clauses = [c for c in CLAUSE.split(low) if c and c.strip()]
    named = [c for c in clauses if any(re.search(p, c) for _, p in TABLE_FORMATS)
             or re.search(r"\b(?:report|png|picture|image|photo)\b", c)]
    if len(named) > 1 and named[0] == clauses[0] and all(
            WITHOUT_FORMAT.search(c) and not SELF_CORRECTED.search(c) for c in named[1:]):
        # "rankings in csv as well, some of them don't have excel": the format said after
        # the order is one somebody lacks, not a second order
        return named[0]
    return named[0] if len(named) == 1 else (low if not named else "")


def _format(low: str) -> str | None:
    found = [f for f, p in TABLE_FORMATS if re.search(p, low)]
    return found[0] if len(found) == 1 else None


def _subject(low: str) -> str | None:
    found = [s for s, p in SUBJECTS if re.search(p, low)]
    return found[0] if len(found) == 1 else None


def subject_of_last(state: DialogueState, ctx: RouterContext) -> str | None:
    """What "that" is as a file: the plan after a plan or a question about it, the ranking
    after a ward list or an analysis."""
    last = state.last or {}
    tool, params = last.get("tool"), last.get("params") or {}
    if ctx.last_plan is not None and (tool in PLAN_TOOLS or (
            tool in ("ask_results", "export_results")
            and (str(params.get("about", "")).startswith("plan")
                 or params.get("what") == "itn_plan"))):
        return "itn_plan"
    if tool in ("top_wards", "list_wards", "run_analysis") or (
            tool == "export_results" and params.get("what") == "rankings"):
        return "rankings"
    return None


def _short(low: str, subject_rx: str | None, fmt_rx: str | None) -> bool:
    """Nothing but the file's subject, its format and fillers ("rankings xlsx pls")."""
    rest = low
    for rx in (subject_rx, fmt_rx):
        if rx:
            rest = re.sub(rx, " ", rest)
    rest = LEFTOVER_OK.sub(" ", re.sub(r"[^\w\s']", " ", rest))
    return len(rest.split()) == 0


def named_file(text: str, low: str, ctx: RouterContext, state: DialogueState) -> Decision | None:
    """A file named by what it holds and its format, or the report in the words that make
    one: "rankings xlsx pls", "send the plan to my email as excel", "send d plan excel to my
    mail", "excel of that to my email" (after a plan), "write up the report for the
    commissioner"."""
    if "?" in low or ex.extract_numbers(ex.canonical_text(text)) or \
            UNSUPPORTED_FORMAT.search(low) or re.search(r"\b(?:png|picture|image|photo)\b", low):
        return None
    low = order_clause(low)
    if not low or NOT_AN_ORDER.search(low) or \
            re.search(r"\b(?:maps?|charts?|graphs?|conversation|chat|unified|full|whole"
                      r"|everything|all\s+(?:the\s+)?(?:data|results|columns))\b", low):
        return None
    subject = _subject(low)
    fmt = _format(low)
    if subject == "report":
        if fmt not in (None, "html") or re.match(r"^\W*report\s+(?:the|a|this|it|that|him|her"
                                                r"|them)\b", low):
            return None
        if not (MAKE_REPORT.search(low) or _short(low, SUBJECTS[2][1], r"\bhtml\b")):
            return None
        return _file_decision(text, "report", "html")
    if fmt is None and subject in ("rankings", "itn_plan") and MAILED.search(low) and (
            SEND.search(MAIL_NOUN.sub(" ", low)) or DESTINATION.search(low)):
        return _which_format(subject)
    if fmt is None or fmt == "html":
        return None
    subject_rx = dict(SUBJECTS).get(subject) if subject else None
    if subject is None:
        ref = REFERENCE.search(low)
        if ref is None:
            return None
        subject = subject_of_last(state, ctx)
        if subject is None:
            return None
        subject_rx = REFERENCE.pattern
    fmt_rx = dict(TABLE_FORMATS)[fmt]
    if not (SEND.search(low) or DESTINATION.search(low) or _short(low, subject_rx, fmt_rx)):
        return None
    return _file_decision(text, subject, fmt)


def _which_format(subject: str) -> Decision:
    """ "send the ranking to my email": the file is offered in each format it comes in."""
    from chatmrpt.chat.describe import describe_choice

    choices = [{"label": describe_choice("export_results", {"what": subject, "format": f}),
                "tool": "export_results", "params": {"what": subject, "format": f}}
               for f in ("xlsx", "csv")]
    name = "net plan" if subject == "itn_plan" else "ranking"
    return Decision(text=f"I cannot send e-mail from here, but I can make the {name} as a file "
                         "for you to download and attach. Which format: Excel or CSV?",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"tool": "export_results", "mailed": True})


def _file_decision(text: str, subject: str, fmt: str) -> Decision:
    return Decision([Step("export_results", {"what": subject, "format": fmt}, source=text)],
                    reading={"named_export": True, "tool": "export_results"})


# --- one file in each of the formats named ---------------------------------------------------

# the words between two formats asked for together: "as excel and csv", "in csv & excel",
# "excel, csv and geojson", "csv plus excel"
FORMATS_JOINED = re.compile(r"[\s,/&+]*(?:and|plus|as\s+well\s+as|n)?[\s,]*(?:also\s+)?"
                            r"(?:(?:as|in)\s+)?(?:an?\s+)?(?:(?:the\s+)?same\s+in\s+)?")


def formats_named(low: str) -> list[str]:
    """The file formats a message names one after the other ("as excel and csv": xlsx, csv),
    in the order it names them; empty when it names one, or names several in other words
    ("excel or csv", "csv, not excel")."""
    from chatmrpt.chat.router import _EXPORT_FORMATS

    found = sorted((m.start(), m.end(), fmt) for fmt, pattern in _EXPORT_FORMATS
                   for m in re.finditer(pattern, low))
    if len({f for *_, f in found}) < 2:
        return []
    for (_, end, _), (start, _, _) in zip(found, found[1:], strict=False):
        if not FORMATS_JOINED.fullmatch(low[end:start]):
            return []
    return list(dict.fromkeys(f for *_, f in found))


def each_format(decision: Decision, text: str) -> Decision:
    """A file asked for in two formats ("export the rankings as excel and csv"): one file in
    each, in the order they were named (a file in a format its result does not come in
    leaves the decision as it was)."""
    files = [s for s in decision.steps if s.tool == "export_results"]
    if len(files) != 1 or not files[0].params.get("format"):
        return decision
    from chatmrpt.chat.tools import EXPORT_FORMATS_BY_KIND

    step = files[0]
    formats = formats_named(ex.lower_text(step.source or text))
    allowed = EXPORT_FORMATS_BY_KIND.get(step.params.get("what"), ())
    if step.params["format"] not in formats or not all(f in allowed for f in formats):
        return decision
    at = decision.steps.index(step)
    each = [replace(step, params={**step.params, "format": f}) for f in formats]
    return replace(decision, steps=[*decision.steps[:at], *each, *decision.steps[at + 1:]])


# --- e-mail -----------------------------------------------------------------------------------

# an e-mail address ("nmep.data@gmail.com") is a mail destination too
MAILED = re.compile(r"\be-?mail\w*|\bmail\b|\binbox\b|\bwhatsapp\b"
                    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NO_MAIL = ("I cannot send e-mail (or messages) from here: the file is ready to download from "
           "this reply, to attach to your message.")


def mail_note(decision: Decision, text: str) -> Decision:
    """An export asked to be mailed: the file is made, and the reply says that no mail is
    sent from here."""
    if decision.steps and any(s.tool in ("export_results", "export_view") for s in decision.steps) \
            and MAILED.search(ex.lower_text(text)) and NO_MAIL not in decision.not_done:
        decision.not_done.append(NO_MAIL)
    return decision


NOT_MAILED = ("I cannot send e-mail (or messages) from here, so no file was sent. Ask for the "
              "file in the format you want (for example \"export the plan as excel\") and "
              "attach it to your message yourself.")


# "email it to the commissioner", "send the file to nmep.data@gmail.com", "to my inbox"
MAIL_ORDER = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:e-?mail|mail|whatsapp)\s+(?:it|that"
                        r"|this|them|am|me|us|the|him|her)\b|\b(?:to|on|via|by|through|in)\s+"
                        r"(?:my|our|the|his|her|their)?\s*(?:e-?mail|inbox|whatsapp)\b")


def mailed_without_format(decision: Decision, text: str) -> Decision:
    """ "household size 6 and send the file to nmep.data@gmail.com", "email it to the
    commissioner": a file asked only to be mailed, with no format named, is no order for a
    file made here (no mail is sent from here); the rest of the message is done, and the
    reply says so. Asked on its own, the file is offered in its formats."""
    from chatmrpt.chat.router import _EXPORT_FORMATS

    def mailed_only(step: Step) -> bool:
        if step.tool not in ("export_results", "export_view"):
            return False
        low = ex.lower_text(step.source or text)
        return bool(MAILED.search(low)) and not any(
            re.search(rx, low) for _, rx in _EXPORT_FORMATS) and not re.search(
            r"\b(?:export|download|save)\w*\b", low)

    if not decision.steps:
        return decision
    if not any(mailed_only(s) for s in decision.steps):
        if not any(s.tool in ("export_results", "export_view") for s in decision.steps) and \
                MAIL_ORDER.search(ex.lower_text(text)) and NOT_MAILED not in decision.not_done:
            # "put the plan in bales of 50 and email it to the commissioner": the change
            # is made, and the reply says no mail was sent
            decision.not_done.append(NOT_MAILED)
        return decision
    dropped = [s for s in decision.steps if mailed_only(s)]
    kept = [s for s in decision.steps if not mailed_only(s)]
    if not kept:
        subject = dropped[0].params.get("what")
        if dropped[0].tool == "export_results" and subject in ("rankings", "itn_plan"):
            return _which_format(subject)
        return Decision(text=NOT_MAILED, reading={**decision.reading, "mailed": True})
    out = replace(decision, steps=kept, not_done=[*decision.not_done, NOT_MAILED])
    out.reading = {**decision.reading, "mailed": True}
    return out


# --- the analysis an export needs -----------------------------------------------------------

NEEDS_ANALYSIS = ("rankings", "unified", "report")


def analyse_before_export(decision: Decision, ctx: RouterContext) -> Decision:
    """A file of the results asked for before any analysis (the default analysis is run
    first, as for any request that needs results)."""
    from chatmrpt.chat.dialogue import ANALYSE_FIRST, _can_analyse_first

    if not decision.steps or not _can_analyse_first(["analysis"], ctx):
        return decision
    first = decision.steps[0]
    needs = first.tool == "export_view" and first.params.get("what") not in ("itn", None) or \
        first.tool == "export_results" and first.params.get("what") in NEEDS_ANALYSIS
    if needs:
        decision.steps.insert(0, Step("run_analysis", {}, echo=ANALYSE_FIRST,
                                      source=first.source))
    return decision


# --- all of it, in the order the manager asks -------------------------------------------------


# "oops i wanted excel, not csv", "sorry, in excel instead": the file just made, in another
# format
FORMAT_FIXED = re.compile(r"\b(?:not|instead|wanted|want|meant|mean|rather|oops|sorry|should\s+(?:be"
                          r"|have\s+been)|make\s+(?:it|am)|change\s+(?:it|am)|redo|again)\b")


def format_corrected(text: str, low: str, ctx: RouterContext,
                     state: DialogueState) -> Decision | None:
    """Right after a table file was made, a message that names another table format as a
    correction: the same file in that format."""
    del ctx
    last = state.last or {}
    params = last.get("params") or {}
    what = params.get("what")
    if last.get("tool") != "export_results" or what not in ("rankings", "itn_plan", "unified") \
            or "?" in low or not FORMAT_FIXED.search(low) or len(low.split()) > 12 or \
            _subject(low) not in (None, what) or re.search(r"\b(?:maps?|report|png|chart)\b", low):
        return None
    named = [f for f, p in TABLE_FORMATS if re.search(p, low) and f != "html"]
    old = params.get("format") or "csv"
    new = [f for f in named if f != old]
    if len(new) != 1 or (len(named) == 2 and old not in named):
        return None
    return Decision([Step("export_results", {"what": what, "format": new[0]}, source=text)],
                    reading={"named_export": True, "tool": "export_results"})


def map_format_corrected(text: str, low: str, state: DialogueState) -> Decision | None:
    """Right after a map was saved as a file, a message that takes its format back and names
    the other ("sorry, I wanted it as html not png, so I can zoom"): the same map in that
    format."""
    from chatmrpt.chat.tools import EXPORT_FORMATS_BY_KIND

    last = state.last or {}
    params = last.get("params") or {}
    if last.get("tool") != "export_view" or params.get("format") not in \
            EXPORT_FORMATS_BY_KIND["map"] or \
            "?" in low or not FORMAT_FIXED.search(low) or len(low.split()) > 16 or \
            _subject(low) is not None or re.search(r"\b(?:report|chart|csv|excel|xlsx)\b", low):
        return None
    named = [f for f, p in VIEW_FORMATS if re.search(r"\b(?:" + p + r")\b", low)]
    old = params["format"]
    new = [f for f in named if f != old]
    if len(new) != 1:
        return None
    if re.search(r"\bmaps?\b", low) and not re.search(
            r"\b(?:the|that|this|same|d)\s+(?:same\s+)?maps?\b", low):
        return None  # "html of the pca map": another map, read on its own
    return Decision([Step("export_view", {**params, "format": new[0]}, source=text)],
                    reading={"named_export": True, "tool": "export_view"})


# "Consensus map... never mind, the composite one": a map named, then another in its place
MAP_RETRACTED = re.compile(
    r"^(?P<first>.*\bmaps?\b.*?)\s*(?:\.{2,}|\u2026|[,;.!-]+)\s*(?:(?:no|oh|hmm+|sorry|wait"
    r"|actually)[\s,.!]+)*(?:never\s*mind|scratch\s+that|forget\s+(?:it|that)|no\s+wait|sorry"
    r"|actually|i\s+mean(?:t)?|rather|make\s+(?:it|that))\b[\s,.!:-]*(?:(?:just|rather|instead"
    r"|show|give\s+me|use)\s+)*(?P<second>.+)$")


def map_retracted(text: str, low: str) -> Decision | None:
    """A map asked for and taken back in the same message for another one: the other one."""
    from chatmrpt.chat.router import _MAP_KINDS

    m = MAP_RETRACTED.match(low)
    if m is None:
        return None
    second = m.group("second")
    if re.search(r"\b(?:export|save|download|send|png|html|picture|image|file)\b", second) or \
            len(second.split()) > 8:
        return None
    kinds = [k for k, p in _MAP_KINDS if re.search(p, second)]
    if len(kinds) != 1:
        return None
    return Decision([Step("show_map", {"what": kinds[0]}, source=text)],
                    reading={"retracted": "map"})


# a message that is only a file format ("the shapefile pls", "pdf version?")
UNMADE_FORMAT_ALONE = re.compile(r"\W*(?:(?:the|a|as|in|my|our|d)\s+)?[a-z]+(?:\s+(?:file|version"
                          r"|format|copy))?(?:\s+(?:pls|please|abeg|too|also))?\W*")


def format_alone(low: str) -> Decision | None:
    """A file format the chat cannot make, said on its own ("the shapefile pls"): what can be
    made instead, as one-tap choices; nothing is run."""
    m = UNSUPPORTED_FORMAT.search(low)
    if m is None or not UNMADE_FORMAT_ALONE.fullmatch(low):
        return None

    return unmade_format(m.group(0))


GIS_FORMATS = frozenset({"shapefile", "kml", "shp", "gpkg", "geopackage"})


def unmade_format(fmt: str) -> Decision:
    """What can be made instead of a file format the chat cannot make, as one-tap choices;
    for a GIS format, the ward table with its boundaries as GeoJSON first."""
    from chatmrpt.chat.describe import describe_choice
    from chatmrpt.chat.dialogue import Decision

    offers = [{"what": "report", "format": "html"}, {"what": "rankings", "format": "xlsx"}]
    text = (f"I cannot make a {fmt.upper()} file. Maps come as pictures (PNG) or web pages "
            "(HTML), tables as CSV or Excel, the wards with their boundaries as GeoJSON or "
            "GeoParquet, and the report as a web page you can print to PDF from the browser.")
    if fmt.lower() in GIS_FORMATS:
        offers.insert(0, {"what": "unified", "format": "geojson"})
        text = (f"I cannot make a {fmt.upper()} file, but the wards with their boundaries, "
                "scores and ranks come as GeoJSON (or GeoParquet), which QGIS and ArcGIS open "
                "like a shapefile.")
    choices = [{"label": describe_choice("export_results", p), "tool": "export_results",
                "params": p} for p in offers]
    return Decision(text=text, choices=choices, pending={"expects": "choice", "choices": choices})


def file_or_view(text: str, low: str, ctx: RouterContext, state: DialogueState,
                 facts: Facts) -> Decision | None:
    """The readings of this module that stand on their own words."""
    del facts
    return format_alone(low) or format_of_shown(text, low, state) or \
        table_of_shown_map(text, low, ctx, state) or \
        format_of_earlier(text, low, ctx, state) or on_screen(text, low, state) or \
        map_retracted(text, low) or format_corrected(text, low, ctx, state) or \
        map_format_corrected(text, low, state) or \
        named_file(text, low, ctx, state)


# --- a file refused, then something else asked ------------------------------------------------

REFUSED_FILE = re.compile(
    r"^\s*(?:(?:no+|nope|nah|ok(?:ay)?|wait|sorry|actually)[\s,.!]+)*(?:(?:please|pls|abeg)\s+)?"
    r"(?:don'?t|dont|do\s+not|no\s+need\s+to|you\s+don'?t\s+need\s+to|never\s*mind)\s+"
    r"(?:the\s+)?(?:export(?:ing)?|sav(?:e|ing)|download(?:ing)?|send(?:ing)?|mak(?:e|ing))"
    r"(?:\s+(?:it|that|this|am|them|a\s+file|any\s+file|the\s+(?:map|file|picture|png|excel"
    r"|csv|report|plan|rankings?)))?(?:\s+(?:as|in|to)\s+(?:an?\s+)?\w+)?"
    r"(?:\s+(?:yet|now|for\s+now|please|pls|abeg))*\s*[,.;!:-]+\s*"
    r"(?:(?:just|only|but|instead|rather|simply)[\s,]+)*(?=\S)")


def refused_file(low: str) -> int | None:
    """Where the request starts after a file is refused ("don't export it, just tell me
    which ward has distance 0"): the file is not made, the rest is read on its own."""
    m = REFUSED_FILE.match(low)
    return m.end() if m else None


# --- talk about a file that asks for none ----------------------------------------------------

NOT_ORDERED = (
    # "don't export the plan as csv", "never send the rankings"
    r"\b(?:don'?t|dont|do\s+not|never|no\s+need\s+to|doesn'?t|didn'?t|did\s+not)\s+(?:\w+\s+)?"
    r"(?:export|send|save|download|make|give|share|email|mail)\b",
    # "I sent the plan as excel yesterday", "my boss exported the rankings"
    r"\b(?:sent|exported|saved|downloaded|emailed|e-mailed|mailed|shared|forwarded)\b",
    # "we will send the rankings as excel to the LGAs ourselves"
    r"\b(?:i|we|they|he|she)\s+(?:will|'ll|shall|am\s+going\s+to|are\s+going\s+to|is\s+going"
    r"\s+to|plan\s+to|intend\s+to|want\s+to\s+(?:check|see|know))\s+(?:\w+\s+)?(?:send|export"
    r"|share|forward|circulate|email|mail|download|save|print|make)\b|\bourselves\b|\bmyself\b",
    # "if you export the rankings as csv will it have the scores"
    r"^\W*(?:if|suppose|supposing|imagine)\b.*\b(?:would|will|could|does|do|is|are)\s+(?:it|they"
    r"|that|this|the|we|i|you)\b",
)
_NOT_ORDERED = re.compile("|".join(f"(?:{p})" for p in NOT_ORDERED))


# the words that ask for something to be done ("export ...", "can you ...", "we need ...")
ASKS_FOR = re.compile(
    r"\b(?:export|download|save|send|give|get|make|prepare|generate|create|produce|write"
    r"|draft|compile|e-?mail|mail|forward|share|print|attach|whatsapp|convert|turn|output"
    r"|pull|bring|put|show|need|want|please|pls|plz|abeg|kindly|oya|can\s+(?:i|you|u|we)"
    r"|could\s+(?:i|you|u|we)|would\s+you|let\s+me|i'?d\s+like)\b")
# a sentence about a file: it has a verb of its own, and asks for nothing
SAYS_OF_IT = re.compile(
    r"^\W*(?:thanks|thank\s+you|thx|cheers)\b|\b(?:is|are|was|were|has|have|had|looks?|looked"
    r"|seems?|seemed|opened|opens|got|gets|likes?|liked|loves?|loved|prefers?|preferred"
    r"|printed|used|uses|works?|worked|came|comes|went|shows|showed|would\s+be|will\s+be)\b")


def not_ordered(text: str) -> bool:
    """Talk about a file that does not ask for one now: a refusal, something already done,
    an opinion of a file, the person's own plans, a conditional question without "?", or
    a sentence about the file that asks for nothing ("the commissioner got the report")."""
    low = ex.lower_text(text)
    clause = order_clause(low) or low
    return bool(_NOT_ORDERED.search(clause)) or (
        bool(SAYS_OF_IT.search(clause)) and not ASKS_FOR.search(clause))


def hold_unordered(decision: Decision, text: str) -> Decision:
    """An export read from talk about a file is not made unasked: the gate asks first."""
    if any(s.tool in ("export_results", "export_view") and not_ordered(s.source or text)
           for s in decision.steps):
        decision.reading["not_ordered"] = True
    return decision
