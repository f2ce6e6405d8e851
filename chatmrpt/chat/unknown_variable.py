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

MAX_CHOICES = 4
_NOT_NAME = frozenset({"to", "from", "the", "a", "an", "of", "nearest", "closest", "any",
                       "nearby", "and", "per"})


def unknown_names(text: str, ctx: RouterContext) -> list[str]:
    """What the message names as a variable that no column of the table stands for."""
    return [m.query for m in ex.find_variables(text, ctx.variables) if m.column is None]


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
        variables = [*base, col]
        choices.append(_choice(f"Use {plain_name(col)} instead", variables, base_params))
    if len(base) >= 2:
        choices.append(_choice("Run without it", base, base_params))
    choices.append({"label": "No, leave it", "tool": "", "params": {}, "cancel": True})
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
                                 "unknown_variable": {"base": base, "params": base_params,
                                                      "names": list(unknown)}},
                        reading={"variables": "unknown"})


def _choice(label: str, variables: Sequence[str], params: Mapping[str, Any]) -> dict[str, Any]:
    from chatmrpt.chat import dialogue as dlg

    p = {**params, "variables": list(variables)}
    dirs = {k: v for k, v in (p.get("directions") or {}).items() if k in variables}
    if dirs:
        p["directions"] = dirs
    else:
        p.pop("directions", None)
    echo = f"Running the analysis with {len(variables)} variables: {dlg._join(variables)}."
    return {"label": label, "tool": "run_analysis", "params": p,
            "steps": [{"tool": "run_analysis", "params": p, "echo": echo}]}


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
    mentions = ex.find_variables(text, ctx.variables)
    if any(m.column is None for m in mentions):
        return None  # another name the table lacks: asked again by the request's reading
    base = list(asked.get("base") or [])
    picked = [m.column for m in mentions if m.column and m.column not in base]
    if not picked or len(set(picked)) > len(asked.get("names") or [1]):
        return None
    variables = [*base, *dict.fromkeys(picked)]
    choice = _choice("", variables, asked.get("params") or {})
    step = choice["steps"][0]
    return dlg.Decision([dlg.Step("run_analysis", dict(step["params"]), echo=step["echo"],
                                  source=text)], reading={"variables": "unknown_answered"})
