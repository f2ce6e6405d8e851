"""Changes of the analysis' variables said in plain words, beyond "add X" and "drop Y".

- a new list said against the last analysis: "use test positivity, settlement type poor and
  nets per capita instead (nets per capita is inverse)";
- a kind of variable instead of a variable: "drop one of the water ones", "only the
  environmental ones", "add the vegetation one". Which variables are of that kind is asked
  with one-tap choices (the kinds are loose words), unless exactly one variable fits a
  singular reference ("the vegetation index" on a table with one);
- "everything except elevation", "all the variables": the table's variables, which are not
  the analysis' when it used fewer (then both readings are offered);
- a variable taken out that would be run: "without soil wetness" never runs an analysis of
  soil wetness, and a drop that would leave fewer than two variables runs nothing.

Every function returns a dialogue Decision (steps echoed in plain words, or a question with
choices) or None when the message is not of its kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.analysis.variables import NON_VARIABLE_KEYS, catalogue_entry
from chatmrpt.chat import dialogue as dlg
from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import leave_it, steps_choice

MIN_VARIABLES = 2

LIST_VERB = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|now|then|so|pls|please|and|hmm+|fine|right|alright|scrap\s+that|actually"
    r"|no|wait|abeg|oya|i\s+see)[\s,.!]+)*(?:please\s+|pls\s+|abeg\s+)?(?:use|using|with|only"
    r"|just|re-?run|redo|re-?do|run|try|switch\s+to|change\s+to|rank|go\s+with|now\s+a\s+version"
    r"|a\s+version)\b|\binstead\b|\bonly\b|\bjust\b|\b(?:re-?run|redo)\b")
OTHER_REQUEST = re.compile(
    r"\b(?:plan|nets?\s+(?:for|to)|maps?|charts?|plot|graph|compare|comparison|correlat\w*"
    r"|relationship|explain|describe|summar\w*|tell|define|meaning|export|download|save|send"
    r"|show|list|top"
    r"|bottom|wards?|report|csv|excel|xlsx|png|html|threshold|target|reprioriti[sz]\w*"
    r"|households?|lga)\b")
ONLY_WORD = re.compile(r"\b(?:only|just|keep\s+only|restrict|nothing\s+but|use|using|with"
                       r"|switch\s+to|instead)\b")
ALL_VARIABLES = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:the\s+|my\s+|\d+\s+|five\s+|nine\s+|ten\s+)?(?:available\s+)?"
    r"(?:variables|columns|indicators|covariates)|every\s+(?:variable|column|indicator)"
    r"|everything|all\s+of\s+them|all\s+but)\b")
# "keep everything", "leave everything as it is", "everything else the same": nothing is chosen
KEPT_AS_IS = re.compile(r"\b(?:keep(?:ing)?|leave|leaving|retain)\s+(?:(?:the|it|am)\s+)?everything\b"
                        r"|\beverything\s+(?:else\s+)?(?:the\s+same|as\s+(?:it\s+)?(?:is|was|before)"
                        r"|unchanged|stays?)\b")
EXCEPT = re.compile(r"\b(?:except|but\s+not|other\s+than|apart\s+from|excluding|all\s+but|minus"
                    r"|without)\b")
DIRECTION_WORD = re.compile(r"\binvers\w*|\bdirect(?:ly)?\b")


def table_variables(ctx: RouterContext) -> list[str]:
    """The table's columns that may be risk variables (population and ids left out)."""
    return [v for v in ctx.variables
            if re.sub(r"[^a-z0-9]", "", v.lower()) not in NON_VARIABLE_KEYS]


def plain_name(column: str) -> str:
    """A column with the plain words of its variable: "ndwi (water index)"."""
    kind = ex.column_kind(column)
    entry = catalogue_entry(kind) if kind else None
    if entry is None:
        return column
    label = entry.label.split(" (")[0]
    if label.replace(" ", "_").lower() == column.lower() or label.lower() == column.lower():
        return column
    return f"{column} ({label})"


def analysis_params(variables: Sequence[str], facts: dlg.Facts,
                    directions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The parameters of the last analysis with these variables: the directions the user
    set for variables still used, its methods and normalisation, and any new directions."""
    params: dict[str, Any] = {"variables": list(variables)}
    kept = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
            if k in variables}
    kept.update(directions or {})
    if kept:
        params["directions"] = kept
    for k in ("methods", "normalization"):
        if facts.analysis_params.get(k):
            params[k] = facts.analysis_params[k]
    return params


def _step(variables: Sequence[str], facts: dlg.Facts, echo: str, text: str,
          directions: Mapping[str, str] | None = None) -> dlg.Step:
    return dlg.Step("run_analysis", analysis_params(variables, facts, directions), echo=echo,
                    source=text)


def _choice(label: str, step: dlg.Step) -> dict[str, Any]:
    return steps_choice(label, [step])


def _ask(text: str, choices: list[dict[str, Any]]) -> dlg.Decision:
    choices = [*choices, leave_it()]
    return dlg.Decision(text=text, choices=choices,
                        pending={"expects": "choice", "choices": choices},
                        reading={"variables": "asked"})


def _new_list_echo(variables: Sequence[str], note: str) -> str:
    return (f"Re-running the analysis with {len(variables)} variables: "
            f"{dlg._join(variables)} ({note}).")


# --- a new list of variables --------------------------------------------------------------


def list_change(text: str, ctx: RouterContext, facts: dlg.Facts) -> dlg.Decision | None:
    """ "use A, B and C instead", "now a version with only A, B and C", "rerun with A, B
    and C; C should be inverse": the analysis again with exactly the variables named (and
    the directions said), echoed against the last one."""
    low = ex.lower_text(text)
    used = list(facts.analysis_variables)
    if not used or "?" in low or dlg.QUESTION_START.search(low) and not re.match(
            r"^\s*(?:now\s+)?(?:use|run|rerun|redo)\b", low):
        return None
    mentions = ex.find_variables(text, ctx.variables)
    if not mentions or any(m.column is None for m in mentions):
        return None  # a name the table lacks is asked about elsewhere
    names = list(dict.fromkeys(m.column for m in mentions))
    rest = low
    for m in sorted(mentions, key=lambda m: -m.start):
        rest = rest[:m.start] + " " + rest[m.end:]
    if len(names) < MIN_VARIABLES or not LIST_VERB.search(rest) or OTHER_REQUEST.search(rest) \
            or re.search(r"\d", rest) or dlg.ADD_VAR.search(rest) or dlg.DROP_VAR.search(rest) \
            or ex.excluded_variables(text, mentions) or ex.find_variable_group(text):
        return None
    directions = ex.find_directions(text, mentions)
    if set(names) == set(used) and not directions:
        return None  # the same list: nothing new to say against the last analysis
    dropped = [v for v in used if v not in names]
    added = [v for v in names if v not in used]
    bits = []
    if added:
        bits.append(f"added {dlg._join(added)}")
    if dropped:
        bits.append(f"dropped {dlg._join(dropped)}")
    echo = _new_list_echo(names, "; ".join(bits) or "the same variables")
    if directions:
        echo = echo[:-1] + ", treating " + ", ".join(
            f"{k} as {v}" for k, v in directions.items()) + "."
    step = _step(names, facts, echo, text, directions)
    norm = ex.find_normalization(text)  # "... using the reciprocal normalisation": said now
    if norm and norm != step.params.get("normalization"):
        step.params["normalization"] = norm
        step.echo = f"{echo[:-1]}, with the {norm} normalisation."
    return dlg.Decision([step], reading={"relative": "variables"})


# --- a kind of variable -------------------------------------------------------------------


def group_change(text: str, ctx: RouterContext, facts: dlg.Facts) -> dlg.Decision | None:
    """ "drop one of the water ones", "only the environmental ones", "add the vegetation
    one": the variables of that kind, asked about with one-tap choices (one variable of a
    singular reference that only one variable fits is taken)."""
    low = ex.canonical_text(text)
    used = list(facts.analysis_variables)
    mention = ex.find_variable_group(low)
    if mention is None or not used or "?" in low:
        return None
    if any(m.start < mention.end and m.end > mention.start
           for m in ex.find_variables(low, ctx.variables)):
        return None  # "the water index" names NDWI itself
    group = mention.group
    dropping = bool(dlg.DROP_VAR.search(low)) or bool(re.search(r"\b(?:take|leave)\b.*\bout\b",
                                                                low))
    adding = bool(dlg.ADD_VAR.search(low)) and not dropping
    only = not dropping and not adding and bool(ONLY_WORD.search(low))
    if not (dropping or adding or only):
        return None
    if only and any(m.column for m in ex.find_variables(low, ctx.variables)):
        return None  # "only tpr, rainfall, ... vegetation index and ...": a list of variables
        # the kind's words are one item of
    if dropping:
        scope = ex.group_columns(group, used)
    elif adding:
        scope = [c for c in ex.group_columns(group, table_variables(ctx)) if c not in used]
    else:
        scope = ex.group_columns(group, table_variables(ctx))
    kind = f"{group.label} variable"
    if not scope:
        where = "in the analysis" if not adding else "in the table that the analysis leaves out"
        return dlg.Decision(text=f"I found no {kind} {where}; nothing was changed. The "
                                 f"analysis uses {dlg._join(used)}. Which variable do you mean?")
    singular = mention.one and not re.search(r"\b(?:one|any|either)\s+of\b", low)
    if only:
        if len(scope) < MIN_VARIABLES:
            return dlg.Decision(text=f"The table has {len(scope)} {kind}"
                                     f"{'s' if len(scope) != 1 else ''} "
                                     f"({dlg._join(scope) or 'none'}); an analysis needs at least "
                                     f"{MIN_VARIABLES} variables, so nothing was run. Which "
                                     "variables should it use?")
        step = _step(scope, facts, _new_list_echo(scope, f"only the {kind}s"), text)
        return _ask(f"Which variables count as {group.label} is a matter of choice. In your "
                    f"table I would take {dlg._join([plain_name(c) for c in scope])}. Run the "
                    "analysis with only these?",
                    [_choice(f"Use only these {len(scope)} {kind}s", step)])
    verb = "Drop" if dropping else "Add"

    def one_step(col: str) -> dlg.Step | None:
        variables = [v for v in used if v != col] if dropping else [*used, col]
        if len(variables) < MIN_VARIABLES:
            return None
        note = f"dropped {col}" if dropping else f"added {col}"
        return _step(variables, facts, _new_list_echo(variables, note), text)

    named = _named_by_word(low[mention.start:mention.end], scope) if singular else []
    if singular and (len(scope) == 1 or len(named) == 1):
        step = one_step(scope[0] if len(scope) == 1 else named[0])
        if step is None:
            return _too_few(used, scope)
        return dlg.Decision([step], reading={"relative": "variables"})
    choices = []
    if not mention.one and len(scope) > 1:
        variables = [v for v in used if v not in scope] if dropping else [*used, *scope]
        if len(variables) >= MIN_VARIABLES:
            note = f"{'dropped' if dropping else 'added'} {dlg._join(scope)}"
            choices.append(_choice(f"{verb} both" if len(scope) == 2 else f"{verb} all {len(scope)} of them",
                                   _step(variables, facts, _new_list_echo(variables, note),
                                         text)))
    for col in scope[:5]:
        step = one_step(col)
        if step is not None:
            choices.append(_choice(f"{verb} {plain_name(col)}", step))
    if not choices:
        return _too_few(used, scope)
    which = "Which one" if mention.one else "Which ones"
    return _ask(f"{which} should I {verb.lower()}? The {kind}s "
                f"{'in the analysis' if dropping else 'you can add'}: "
                f"{dlg._join([plain_name(c) for c in scope])}.", choices)


def _named_by_word(said: str, scope: Sequence[str]) -> list[str]:
    """The variables of a kind whose own name (or plain words) holds the word said for the
    kind: "the water one" among distance_to_water_bodies and rainfall is the first (rainfall
    is of the kind, but its name says no "water"); among NDWI (water index) and distance to
    water, both: asked."""
    words = [w for w in re.findall(r"[a-z]{4,}", said)
             if w not in ("drop", "remove", "take", "exclude", "include", "ones", "variable",
                          "variables", "column", "columns", "indicator", "related")]
    if not words:
        return []
    return [c for c in scope if all(w.rstrip("s") in plain_name(c).lower().replace("_", " ")
                                     for w in words)]


def _too_few(used: Sequence[str], gone: Sequence[str]) -> dlg.Decision:
    return dlg.Decision(text=f"The analysis uses {dlg._join(used)}; without {dlg._join(gone)} "
                             f"fewer than {MIN_VARIABLES} variables would be left, and the "
                             "composite score needs at least two, so nothing was changed. "
                             "Add another variable first, or name the variables to use.")


# --- one variable alone ----------------------------------------------------------------------

_ALONE = re.compile(r"\b(?:only|alone|just|solely|by\s+itself|on\s+its\s+own|nothing\s+but)\b")
_ANALYSIS_WORDS = re.compile(r"\b(?:use|used|using|run|rerun|re-run|redo|analy\w*|score\w*"
                             r"|what\s+if|suppose|with|based\s+on)\b")
_NOT_ANALYSIS = re.compile(r"\b(?:maps?|plot|chart|values?|wards?|top|bottom|list|plan\w*|nets?"
                           r"|export\w*|csv|excel|png|population|tpr\s+for|missing|filled"
                           r"|add|adding|drop|dropping|remove|without|except|but)\b")


_ALONE_BEFORE = re.compile(r"\b(?:only|just|solely|nothing\s+but)\s+(?:the\s+|our\s+)?$")
_ALONE_AFTER = re.compile(r"\s*(?:variable\s+|column\s+|indicator\s+)?(?:only|alone|by\s+itself"
                          r"|on\s+its\s+own)\b")
_WHAT_IF = re.compile(r"\b(?:what\s+if|suppose|supposing|what\s+about|how\s+about|would|could"
                      r"|can\s+we|if\s+we)\b|\?")
_SETTING_WORDS = re.compile(r"\b(?:flip\w*|invers\w*|direct(?:ion)?s?|revers\w*|normali[sz]\w*"
                            r"|reciprocal|log|weights?|also|plus|and\s+(?:the\s+)?rest|defaults?)\b")


# (dropping: "use everything but rainfall" keeps all the others, and is not read here)
_ALL_BUT = re.compile(r"\b(?:drop|dropp(?:ed|ing)|remove[ds]?|removing|take\s+out|took\s+out"
                     r"|leave\s+out|left\s+out)\s+(?:every\s*thing|all(?:\s+(?:the|other))?"
                     r"(?:\s+(?:variables|indicators|columns|others))?)\s+(?:except|but|apart"
                     r"\s+from|other\s+than|besides)\b")


def one_variable_alone(text: str, ctx: RouterContext, facts: dlg.Facts) -> dlg.Decision | None:
    """ "what if we used rainfall only?", "run the analysis with rainfall alone": an analysis
    of one variable, which cannot run (it needs at least two). Said so, nothing run, with
    what can be done: that variable's map, or (when the analysis lacks it) the analysis
    with it added."""
    low = ex.lower_text(text)
    # "drop everything except rainfall", "all variables but ndvi out": that one left alone
    kept_one = _ALL_BUT.search(low)
    if kept_one:  # the dropping said is the change to the analysis
        low = low[:kept_one.start()] + " use only " + low[kept_one.end():]
    if not _ALONE.search(low) or not _ANALYSIS_WORDS.search(low) or _NOT_ANALYSIS.search(low):
        return None
    if not kept_one and not _WHAT_IF.search(low):
        return None  # "use only rainfall" as an order is left to the analysis, which says why
    if _SETTING_WORDS.search(low):
        return None  # "just flip rainfall and rerun": one variable's setting, not its use alone
    mentions = [m for m in ex.find_variables(low, ctx.variables) if m.column]
    columns = list(dict.fromkeys(m.column for m in mentions))
    if len(columns) != 1:
        return None
    # the word saying "alone" belongs to the variable: "rainfall only", "only rainfall",
    # "just rainfall", "rainfall alone"; an "only" elsewhere ("just rerun it with rainfall
    # added") says nothing about it
    if not any(_ALONE_BEFORE.search(low[:m.start]) or _ALONE_AFTER.match(low[m.end:])
               for m in mentions):
        return None
    col = columns[0]
    used = list(facts.analysis_variables) if ctx.analysis_ready else []
    lines = [f"An analysis needs at least two variables, so the wards cannot be "
             f"ranked on {col} alone; nothing was run."]
    if used:
        lines.append(f"The current analysis uses {dlg._join(used)}.")
    choices: list[dict[str, Any]] = []
    if ctx.analysis_ready:
        choices.append({"label": f"Map {col}", "tool": "show_map",
                        "params": {"what": "variable", "variable": col}})
    if used and col not in used and not kept_one:
        new = [*used, col]
        choices.append(_choice(f"Re-run with {dlg._join(new)}",
                               _step(new, facts, _new_list_echo(new, f"added {col}"), text)))
    lines.append("You can see its map" + (", or add it to the analysis" if len(choices) > 1
                                          else "") + "." if choices else
                 "Name at least one more variable to run with it.")
    if not choices:
        return dlg.Decision(text=" ".join(lines), reading={"variables": "one_alone"})
    decision = _ask(" ".join(lines), choices)
    decision.reading["variables"] = "one_alone"
    return decision


# --- a variable not named -------------------------------------------------------------------

UNNAMED = re.compile(
    r"\b(?:one\s+more|another|a|one|some|an\s+extra|extra|other|more|any)\s+(?:other\s+)?"
    r"(?:variables?|indicators?|columns?|factors?|covariates?)\b|\bsomething\s+else\b"
    r"|\b(?:one|any|some)\s+of\s+(?:the\s+|my\s+|these\s+|those\s+|its\s+)?(?:variables"
    r"|indicators|columns)\b")
DIRECTION_OF = re.compile(r"\bdirections?\b|\bflip\b|\breverse\b|\binvers\w*|\bdirect\b")


def unnamed_change(text: str, ctx: RouterContext, facts: dlg.Facts) -> dlg.Decision | None:
    """ "add one more variable", "drop a variable", "change the direction of one more
    variable too": which one is asked, with the variables it could be as one-tap choices."""
    low = ex.canonical_text(text)
    used = list(facts.analysis_variables)
    if not used or not UNNAMED.search(low) or "?" in low or dlg.QUESTION_START.search(low) \
            and not re.match(r"^\s*(?:change|flip|reverse|switch)\b", low):
        return None
    if any(m.column for m in ex.find_variables(text, ctx.variables)):
        return None
    if re.search(r"\b(?:what\s+if|would|could|if)\b", low):
        return None  # a hypothetical: answered elsewhere
    from chatmrpt.analysis.variables import default_direction

    if DIRECTION_OF.search(low) and re.search(r"\b(?:change|flip|reverse|switch|make|treat|set"
                                             r"|turn)\b", low):
        set_ = facts.analysis_params.get("directions") or {}
        choices = []
        for col in used[:8]:
            now = set_.get(col) or default_direction(col)[0]
            new = "direct" if now == "inverse" else "inverse"
            step = _step(used, facts, (f"Re-running the analysis with the same {len(used)} "
                                       f"variables, treating {col} as {new}."), text,
                         {col: new})
            choices.append(_choice(f"Make {col} {new}", step))
        return _ask("Which variable's direction should I change? Now: " + ", ".join(
            f"{c} {set_.get(c) or default_direction(c)[0]}" for c in used) + ".", choices)
    adding = bool(dlg.ADD_VAR.search(low)) or bool(re.search(r"\b(?:one\s+more|another|extra)\b",
                                                             low))
    dropping = bool(dlg.DROP_VAR.search(low))
    if adding == dropping:
        return None
    if adding:
        scope = [c for c in table_variables(ctx) if c not in used]
        if not scope:
            return dlg.Decision(text=f"The analysis already uses every variable of the table "
                                     f"({dlg._join(used)}); there is none left to add.")
        choices = [_choice(f"Add {plain_name(c)}", _step(
            [*used, c], facts, _new_list_echo([*used, c], f"added {c}"), text))
            for c in scope[:12]]
        return _ask(f"Which variable should I add? Not in the analysis yet: "
                    f"{dlg._join([plain_name(c) for c in scope])}.", choices)
    if len(used) <= MIN_VARIABLES:
        return _too_few(used, ["one of them"])
    choices = [_choice(f"Drop {plain_name(c)}", _step(
        [v for v in used if v != c], facts,
        _new_list_echo([v for v in used if v != c], f"dropped {c}"), text)) for c in used[:12]]
    return _ask(f"Which variable should I drop? The analysis uses "
                f"{dlg._join([plain_name(c) for c in used])}.", choices)


# --- everything / all the variables ---------------------------------------------------------


def all_variables(text: str, ctx: RouterContext, facts: dlg.Facts) -> dlg.Decision | None:
    """ "use all the variables", "everything except elevation": every variable of the table
    (less those excepted). When the last analysis used fewer, "everything except X" may
    also mean that analysis without X: both readings are offered."""
    low = ex.canonical_text(text)
    m = ALL_VARIABLES.search(low)
    if m is None or "?" in low or re.search(r"\bdefaults?\b|\bwards?\b|\bplan\b|\bexport\b"
                                            r"|\bdownload\b|\bmaps?\b|\bshow\b|\blist\b", low):
        return None
    if m.group(0) in ("everything", "all of them", "all but") and not (
            LIST_VERB.search(low) or EXCEPT.search(low)):
        return None
    if m.group(0) == "everything" and KEPT_AS_IS.search(low) and not any(
            v.column for v in ex.find_variables(text, ctx.variables or ())):
        # "keep everything, only bales of 50": the rest kept, one plan setting changed (with a
        # variable named, which variables are meant is still asked)
        return None
    if dlg.QUESTION_START.search(low) and not re.match(r"^\s*(?:now\s+)?(?:use|run|rerun|redo)\b",
                                                       low):
        return None
    table = table_variables(ctx)
    mentions = [x for x in ex.find_variables(text, ctx.variables) if x.column]
    out = ex.excluded_variables(text, mentions)
    if any(x.column not in out for x in mentions):
        return None  # "all the variables plus ..." or a list: read elsewhere
    used = list(facts.analysis_variables)
    everything = [v for v in table if v not in out]
    if len(everything) < MIN_VARIABLES:
        return None
    from chatmrpt.analysis.params import MAX_VARIABLES

    if len(everything) > MAX_VARIABLES:
        return None
    gone = f" except {dlg._join(sorted(out))}" if out else ""
    all_step = _step(everything, facts, (f"Re-running the analysis with all {len(everything)} "
                                         f"variables of the table{gone}: "
                                         f"{dlg._join(everything)}."), text)
    if not used:
        if m.group(0) in ("everything", "all of them", "all but") and not out:
            return None  # "run everything": the whole analysis, read elsewhere
        return dlg.Decision([all_step])  # no analysis yet: the intent model is the evidence
    if set(used) | set(out) == set(table) or not out and set(used) == set(table):
        return dlg.Decision([all_step], reading={"relative": "variables"})
    if m.group(0) in ("everything", "all of them", "all but") or out:
        kept = [v for v in used if v not in out]
        choices = [_choice(f"All {len(everything)} variables of the table{gone}", all_step)]
        if out and len(kept) >= MIN_VARIABLES and set(kept) != set(everything):
            choices.append(_choice(
                f"The {len(used)} variables of the last analysis{gone}",
                _step(kept, facts, _new_list_echo(kept, f"dropped {dlg._join(sorted(out))}"),
                      text)))
        return _ask(f"Do you mean every variable of the table{gone} "
                    f"({dlg._join(everything)}), or the variables of the last analysis"
                    f"{gone} ({dlg._join([v for v in used if v not in out])})?", choices)
    return dlg.Decision([all_step], reading={"relative": "variables"})


# --- a variable taken out is never the one run ------------------------------------------------


# "add ndvi to the variables", "include evi in the analysis", "put ndvi in as well": the
# variable said to go in with the others
ADDED_TO_THEM = re.compile(
    r"\b(?:add|include|put|bring)\b[^.;!?]*?\b(?:to|in|into|with|among)\s+(?:the\s+|my\s+|our"
    r"\s+|those\s+|these\s+|them\b|it\b)(?:(?:current|existing|other|same|usual)\s+)?"
    r"(?:variables?|analysis|list|selection|ones?|ranking|model|set)?"
    r"|\b(?:add|include)\s+(?:\w+\s+){1,3}(?:as\s+well|too|also)\b")


def keep_out_excluded(decision: dlg.Decision, text: str, ctx: RouterContext,
                      facts: dlg.Facts) -> dlg.Decision:
    """An analysis step that would use a variable the message takes out ("without soil
    wetness", "drop distance" when it is not in the analysis), or one variable alone, is
    replaced by a question."""
    for step in decision.steps:
        variables = step.params.get("variables") if step.tool == "run_analysis" else None
        if not variables:
            continue
        source = step.source or text
        mentions = [m for m in ex.find_variables(source, ctx.variables) if m.column]
        out = ex.excluded_variables(source, mentions) & set(variables)
        used = list(facts.analysis_variables)
        if not out and len(variables) == 1 and used and variables[0] not in used:
            # "and also ndwi" read as an analysis of ndwi alone, which cannot run: adding it to
            # the analysis is the likely meaning, asked
            new = [*used, variables[0]]
            step_ = _step(new, facts, _new_list_echo(new, f"added {variables[0]}"), text)
            if ADDED_TO_THEM.search(ex.lower_text(source)):
                # "can you add ndvi to the variables": adding it is what is said (a question
                # about it is still asked by the gate)
                return dlg.Decision([step_], reading={**decision.reading,
                                                      "relative": "variables"})
            return _ask(f"{variables[0]} is not in the analysis, which uses "
                        f"{dlg._join(used)}. Should I add it to them (an analysis needs at "
                        "least two variables, so it cannot run alone)?",
                        [_choice(f"Add {plain_name(variables[0])}", step_)])
        if not out:
            continue
        used = list(facts.analysis_variables)
        gone = sorted(out)
        kept = [v for v in used if v not in out]
        named = [v for v in variables if v not in out]
        if len(named) >= MIN_VARIABLES:
            # "rerun with tpr and rainfall but without elevation": the list said, asked
            step_ = _step(named, facts, (f"Running the analysis with {dlg._join(named)} "
                                         f"(without {dlg._join(gone)})."), text)
            return _ask(f"Should I run the analysis with {dlg._join(named)}, leaving out "
                        f"{dlg._join(gone)}?", [_choice(f"Use {dlg._join(named)}", step_)])
        if used and not (set(out) & set(used)):
            return dlg.Decision(text=f"{dlg._join(gone)} {'is' if len(gone) == 1 else 'are'} not "
                                     f"in the analysis (it uses {dlg._join(used)}), so there is "
                                     "nothing to take out; nothing was changed.",
                                reading={"variables": "not_used"})
        if used and len(kept) < MIN_VARIABLES:
            return _too_few(used, gone)
        if used:
            step_ = _step(kept, facts, _new_list_echo(kept, f"dropped {dlg._join(gone)}"), text)
            return _ask(f"Should I run the analysis again without {dlg._join(gone)}, with "
                        f"{dlg._join(kept)}?", [_choice(f"Run it without {dlg._join(gone)}",
                                                        step_)])
        return dlg.Decision(text=f"Which variables should the analysis use? Name them, for "
                                 f"example \"use {dlg._join(table_variables(ctx)[:3])}\"; I "
                                 f"will leave out {dlg._join(gone)}. Nothing was run.")
    return decision
