"""An analysis request naming a variable the ward table does not hold ("distance to health
facility" when the table only has the distance to water bodies): asked about with the
table's close columns as one-tap choices, never swapped for one of them silently; the
answer ("use distance to water instead", "the first one", "run without it") runs the
variables of the request with the one chosen."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Step, leave_it, steps_choice

MAX_CHOICES = 4
_NOT_NAME = frozenset({"to", "from", "the", "a", "an", "of", "nearest", "closest", "any",
                       "nearby", "and", "per"})


def unknown_names(text: str, ctx: RouterContext) -> list[str]:
    """What the message names as a variable that no column of the table stands for."""
    return [m.query for m in ex.find_variables(text, ctx.variables) if m.column is None]


# a list of variables: its items, and the words an item may hold beside a variable's name
_LIST_SEP = re.compile(r"\s*(?:[,;&+/]|\band\b|\bplus\b|\bn\b)\s*")
_CLAUSE_END = re.compile(r"[.;!?:]|\s-\s")
_FILLER = frozenset(re.findall(
    r"\S+", "the a an also too well as only please pls abeg then now just same with using use of "
    "variables variable columns column data ones one rest others other everything all "
    "remaining default defaults it them these those again instead usual like before time "
    "yesterday last earlier previous ok okay so for my our this that in from table "
    "else unchanged untouched intact constant identical equal as"))
_NOT_A_NAME = re.compile(
    r"\d|\b(?:show|map|list|top|bottom|plan|export|give|tell|rank\w*|save|download|compare"
    r"|explain|why|what|which|how|after|wards?|lgas?|nets?|treat\w*|keep|drop|remove|add"
    r"|without|except|but|not|no|excluding|instead|because|since|normali[sz]\w*|reciprocal"
    r"|linear|inverse|direct|directions?|settings?|options?|pca|composite|methods?|median"
    r"|score|weights?|run|rerun|analys\w*|swap\w*|switch\w*|replace\w*|change\w*|redo|fix"
    r"|is|are|was|be|should|would|will|can|could|i|we|you|he|she|they)\b")


def unlisted_names(text: str, ctx: RouterContext) -> list[str]:
    """The items of a list of variables that name nothing the table or the variable words
    know ("tpr, rainfall and dumpsites" on a table without dumpsites): without this, the
    analysis would run on the other items and silently leave the name out."""
    low = ex.lower_text(text)
    mentions = ex.find_variables(text, ctx.variables)
    known = [m for m in mentions if m.column]
    if not known:
        return []
    start = min(m.start for m in known)
    end = max(m.end for m in mentions)
    stop = _CLAUSE_END.search(low, end)
    segment_end = stop.start() if stop else len(low)
    out: list[str] = []
    pos = start
    for piece in [*_LIST_SEP.split(low[start:segment_end]), ""]:
        at = low.find(piece, pos) if piece else -1
        if not piece.strip() or at < 0:
            continue
        pos = at + len(piece)
        if any(m.start < pos and m.end > at for m in mentions) or _NOT_A_NAME.search(piece):
            continue
        words = [w for w in re.findall(r"[a-z][a-z'-]*", piece) if w not in _FILLER]
        if 1 <= len(words) <= 3:
            out.append(" ".join(words))
    return out


def unlisted(decision: Any, text: str, ctx: RouterContext, facts: Any) -> Any:
    """An analysis about to run on a list with an item no column stands for: asked about
    with the table's close columns as choices, like a name the table lacks."""
    steps = decision.steps
    if len(steps) != 1 or steps[0].tool != "run_analysis" or \
            not steps[0].params.get("variables") or not ctx.has_dataset:
        return decision
    names = unlisted_names(steps[0].source or text, ctx)
    if not names:
        return decision
    return ask(text, steps[0].params, ctx, facts.analysis_variables, names)


def close_columns(name: str, columns: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """The table's columns that share a word with the name asked for (its first word first),
    closest first."""
    words = [w for w in re.findall(r"[a-z0-9]+", ex.lower_text(name)) if w not in _NOT_NAME]
    scored = []
    for col in columns:
        if col in exclude:
            continue
        parts = re.findall(r"[a-z0-9]+", ex.lower_text(col).replace("_", " "))
        shared = [i for i, w in enumerate(words)
                  if any(p == w or (len(w) >= 4 and len(p) >= 4 and (p.startswith(w)
                                                                      or w.startswith(p)))
                         for p in parts)]
        if shared:
            scored.append((min(shared), -len(shared), col))
    return [c for _, _, c in sorted(scored)][:MAX_CHOICES]


def ask(text: str, params: Mapping[str, Any], ctx: RouterContext, used: Sequence[str],
        unknown: Sequence[str]) -> Any:
    """The question for an analysis request with ``unknown`` names: which column to use
    instead (or leave it out), each choice the whole request with that column."""
    from chatmrpt.chat import dialogue as dlg
    from chatmrpt.chat.variable_talk import plain_name, table_variables

    named = list(params.get("variables") or [])
    base = named or [v for v in used if v]
    options: list[str] = []
    for name in unknown:
        options += [c for c in close_columns(name, table_variables(ctx), base)
                    if c not in options]
    base_params = {k: v for k, v in params.items() if k != "variables"}
    choices: list[dict[str, Any]] = []
    for col in options[:MAX_CHOICES]:
        choices.append(_choice([*base, col], base_params))
    if len(base) >= 2:
        choices.append(_choice(base, base_params))
    choices.append(leave_it())
    what = dlg._join([repr(u) for u in unknown])
    lines = [f"Your ward table has no column for {what}, so nothing was run yet."]
    if options:
        shown = [plain_name(c) for c in options[:MAX_CHOICES]]
        lines.append("Did you mean " + (", ".join(shown[:-1]) + " or " if len(shown) > 1
                                        else "") + shown[-1] + "?")
    else:
        lines.append("Which variable should I use instead? The table has: "
                     + ", ".join(table_variables(ctx)) + ".")
    return dlg.Decision(text=" ".join(lines), choices=choices,
                        pending={"expects": "choice", "choices": choices,
                                 # an analysis asked again in full replaces the question
                                 "tool": "run_analysis",
                                 "unknown_variable": {"base": base, "params": base_params,
                                                      "names": list(unknown)}},
                        reading={"variables": "unknown"})


def run_label(params: Mapping[str, Any]) -> str:
    """The one-tap label of an analysis with these variables and settings, in the words that,
    sent back as a message once the question is gone, ask for exactly that analysis: every
    variable named (never "use X instead" or "without it", which need the question), with
    the directions and the normalisation said."""
    from chatmrpt.chat import dialogue as dlg

    variables = list(params.get("variables") or [])
    label = f"Run the analysis with {dlg._join(variables)}"
    dirs = [f"{k} as {v}" for k, v in (params.get("directions") or {}).items()]
    if dirs:
        label += ", treating " + dlg._join(dirs)
    if params.get("normalization"):
        label += f", using the {params['normalization']} normalisation"
    return label


def _choice(variables: Sequence[str], params: Mapping[str, Any]) -> dict[str, Any]:
    from chatmrpt.chat import dialogue as dlg

    p = {**params, "variables": list(variables)}
    dirs = {k: v for k, v in (p.get("directions") or {}).items() if k in variables}
    if dirs:
        p["directions"] = dirs
    else:
        p.pop("directions", None)
    echo = f"Running the analysis with {len(variables)} variables: {dlg._join(variables)}."
    return steps_choice(run_label(p), [Step("run_analysis", p, echo=echo)])


# "run without it", "ok just leave it out", "skip that one and run": the request without the
# name the table lacks (a plain "leave it" refuses the question)
WITHOUT_IT = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|then|so|just|yes|pls|please|abeg|fine)[\s,]+)*(?:(?:re)?run|do|go"
    r"|proceed|continue)(?:\s+(?:it|the\s+analysis|them|on|ahead))?\s+without\s+(?:it|that"
    r"|that\s+one|the\s+missing\s+one|them)\b[\s.!]*(?:then|pls|please|abeg)?[\s.!]*$"
    r"|^\s*(?:(?:ok(?:ay)?|then|so|just|yes)[\s,]+)*(?:leave|drop|skip|take)\s+(?:it|that"
    r"|that\s+one|the\s+missing\s+one)\s+out\b(?:\s+and\s+(?:run|go|proceed)(?:\s+it)?)?"
    r"[\s.!]*$|^\s*(?:(?:ok(?:ay)?|then|so|just|yes)[\s,]+)*(?:skip|drop|ignore)\s+(?:it"
    r"|that(?:\s+one)?|the\s+missing\s+one)\s+and\s+(?:run|go|proceed)(?:\s+(?:it|on|ahead))?"
    r"[\s.!]*$")


# a new analysis request that says its own list ("run the analysis with A, B and C",
# "rank the wards using only A and B"): never one name put in place of the unknown one
WHOLE_LIST = re.compile(
    r"\b(?:(?:re)?run|redo|do|rank|analy[sz]\w*)\b.*\b(?:with|using|on|by|from)\b"
    r"|\b(?:use|using|with)\s+(?:only|just)\b|\bonly\s*[.!]*\s*$")


def answer(text: str, ctx: RouterContext, pending: Mapping[str, Any]) -> Any:
    """An answer in words to the question above: the table's columns it names take the place
    of the unknown names ("use distance to water instead of the health facility one")."""
    from chatmrpt.chat import dialogue as dlg

    asked = pending.get("unknown_variable")
    if not asked:
        return None
    low = ex.lower_text(text)
    if "?" in low or dlg.QUESTION_START.search(low) and not re.match(
            r"^\s*(?:ok\w*[\s,]+)?(?:use|take|go\s+with|run|rerun)\b", low):
        return None
    base = list(asked.get("base") or [])
    if WITHOUT_IT.match(low) and len(base) >= 2:
        choice = _choice(base, asked.get("params") or {})
        step = choice["steps"][0]
        return dlg.Decision([dlg.Step("run_analysis", dict(step["params"]), echo=step["echo"],
                                      source=text)], reading={"variables": "unknown_answered"})
    mentions = ex.find_variables(text, ctx.variables)
    if any(m.column is None for m in mentions):
        return None  # another name the table lacks: asked again by the request's reading
    named = list(dict.fromkeys(m.column for m in mentions if m.column))
    if len(named) >= 2 and WHOLE_LIST.search(low):
        # "ok run the analysis with rainfall, evi, elevation and u5_tpr_rdt": a request of its
        # own with its whole list, read on its own (exactly those), not one name put in
        return None
    picked = [m.column for m in mentions if m.column and m.column not in base]
    if not picked or len(set(picked)) > len(asked.get("names") or [1]):
        return None
    variables = [*base, *dict.fromkeys(picked)]
    choice = _choice(variables, asked.get("params") or {})
    step = choice["steps"][0]
    return dlg.Decision([dlg.Step("run_analysis", dict(step["params"]), echo=step["echo"],
                                  source=text)], reading={"variables": "unknown_answered"})


MAP_TOOLS = ("show_map", "export_view")


def map_of_missing(decision: Any, text: str, ctx: RouterContext) -> Any:
    """A map of a variable the table does not hold ("show the rainfall map" on a table
    without rainfall): said so, with maps of the table's close (or all) variables as
    one-tap choices; never the vulnerability map shown in its place as if it were the one
    asked for."""
    from chatmrpt.chat import dialogue as dlg
    from chatmrpt.chat.variable_talk import plain_name, table_variables

    steps = decision.steps
    if len(steps) != 1 or steps[0].tool not in MAP_TOOLS or not ctx.has_dataset or \
            steps[0].params.get("what") not in (None, "composite", "variable"):
        return decision
    mentions = ex.find_variables(steps[0].source or text, ctx.variables)
    if any(m.column for m in mentions):
        return decision
    missing = [re.sub(r"\s+(?:maps?|variable)$", "", m.query.strip()) for m in mentions
               if m.query.lower().strip() not in ("urban", "")]
    if not missing:
        return decision
    columns = table_variables(ctx)
    close: list[str] = []
    for name in missing:
        close += [c for c in close_columns(name, columns) if c not in close]
    options = (close or columns)[:MAX_CHOICES]
    choices = [{"label": f"Show the map of {col}", "tool": "show_map",
                "params": {"what": "variable", "variable": col}} for col in options]
    what = dlg._join([repr(u) for u in missing])
    lines = [f"Your ward table has no column for {what}, so there is no map of it; "
             "nothing was shown or saved."]
    if close:
        shown = [plain_name(c) for c in close[:MAX_CHOICES]]
        lines.append("Did you mean the map of " + (", ".join(shown[:-1]) + " or "
                                                   if len(shown) > 1 else "") + shown[-1] + "?")
    else:
        lines.append("Maps of the table's variables: " + ", ".join(plain_name(c) for c in columns)
                     + ". Which one would you like?")
    return dlg.Decision(text=" ".join(lines), choices=choices,
                        reading={"variables": "unknown", "tool": steps[0].tool})
