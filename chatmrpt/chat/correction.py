"""A correction of the last request: "I said ndvi but I meant evi", "no sorry, I meant
distance to water, not housing", "sorry i typed the wrong one, i meant Raku", "I meant to ask
about Doragar as a whole". The slot the correction names (a variable of the analysis, the
LGA of a ward list, the ward or LGA a question was about) is replaced in the last request,
which runs again, echoed with what changed.

A correction is read only when the message is nothing else, the name meant is one the data
has, and the last request has a slot of that kind; a variable meant without the one it
replaces is asked about (with the one-tap replacements), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision, Step
from chatmrpt.chat.ward_place import name_key as _key

MEANT = re.compile(
    r"^\W*(?:(?:no+|nope|hmm+|oh|oops|sorry|ah|ehn|actually|wait|my\s+bad|my\s+mistake|ok(?:ay)?"
    r"|abeg|pls|please|apologies|apology|pardon|excuse\s+me)[\s,.!;:-]+)*"
    r"(?:i\s+(?:typed|wrote|said|put|picked|chose|gave|entered|asked\s+for)\s+"
    r"(?:the\s+wrong\s+(?:one|name|lga|ward|variable|column)|(?P<old1>[^,;.]+?))[\s,;.!-]+"
    r"(?:but\s+|and\s+|,\s*)?)?"
    r"i\s+(?:meant|mean|wanted)\s+(?:to\s+(?:ask|say|type|write|put|use|see)\s+(?:about\s+|for\s+)?)?"
    r"(?P<new>[^,;]+?)"
    r"(?:[\s,;]+(?:not|and\s+not|instead\s+of|rather\s+than)\s+(?P<old2>[^,;]+?))?"
    r"(?:\s+(?:instead|as\s+a\s+whole|please|pls|abeg|then|sorry))*"
    # "... not NDVI. swap them": the correction asked to be made, nothing else
    r"(?:[\s,.;!-]+(?:(?:so|then|please|pls|just|abeg)\s+)*(?:swap|switch|change|replace|fix"
    r"|correct|rerun|re-run|redo|update)(?:\s+(?:them|it|that|those|am|dem|the\s+two))?"
    r"(?:\s+(?:over|round|around|please|pls|abeg|again))*)?\W*$")
_TRIM = re.compile(r"^(?:the|a|an)\s+|\s+(?:lga|local\s+government(?:\s+area)?|ward|one|column"
                   r"|variable)$")
PLACE_TOOLS = ("list_wards", "top_wards")
WARD_TOOLS = ("explain_ward", "ward_value")


def _name(said: str) -> str:
    said = ex.lower_text(said).strip(" .!?")
    for _ in range(2):
        said = _TRIM.sub("", said).strip()
    return said


def _place(said: str, lgas: Sequence[str], wards: Sequence[Any]) -> tuple[str, str, str | None]:
    """("lga"|"ward"|"", the name, the ward's LGA when one) for a name said alone."""
    key = _key(_name(said))
    lga = next((lg for lg in lgas if _key(lg) == key), None)
    named = [w for w in wards if _key(getattr(w, "name", w[0] if isinstance(w, tuple) else w))
             == key]
    if lga and not named:
        return "lga", lga, None
    if named and not lga:
        w = named[0]
        name = getattr(w, "name", w[0] if isinstance(w, tuple) else w)
        lgas_of = {getattr(x, "lga", x[1] if isinstance(x, tuple) else None) for x in named}
        return "ward", name, (next(iter(lgas_of)) if len(lgas_of) == 1 else None)
    return "", "", None


def _variables(said: str | None, columns: Sequence[str]) -> list[str]:
    if not said:
        return []
    return list(dict.fromkeys(m.column for m in ex.find_variables(said, columns) if m.column))


def correction(text: str, ctx: Any, state: Any, facts: Any) -> Decision | None:
    """The last request again with the slot the message corrects, or a question when the
    correction does not say what it replaces; None when the message is no correction."""
    m = MEANT.match(ex.lower_text(text))
    last = state.last or {}
    if m is None or not last.get("tool"):
        return None
    tool, params = str(last["tool"]), dict(last.get("params") or {})
    new, old = m.group("new"), m.group("old1") or m.group("old2")
    if tool == "run_analysis" and facts.analysis_variables:
        return _variable_fix(text, new, old, params, ctx, facts)
    wrong = _variables(old, ctx.variables) if old else []
    if wrong and facts.analysis_variables and set(wrong) <= set(facts.analysis_variables):
        # "I said rainfall but I meant nets per capita" after a list: the analysis' variable
        return _variable_fix(text, new, old, dict(facts.analysis_params or {}), ctx, facts)
    kind, name, ward_lga = _place(new, facts.lgas, ctx.wards)
    if not kind:
        return None
    step: Step | None = None
    if kind == "lga" and tool in PLACE_TOOLS and (params.get("lga") or params.get("lga_code")):
        was = params.get("lga") or params.get("lga_code")
        params = {k: v for k, v in params.items() if k not in ("lga", "lga_code")}
        step = Step(tool, {**params, "lga": name}, echo=f"{name} instead of {was}:")
    elif kind == "lga" and tool == "ask_results" and params.get("about") == "plan_ward":
        step = Step(tool, {"about": "plan_lga", "lga": name},
                    echo=f"{name} LGA as a whole instead of {params.get('ward')} ward:")
    elif kind == "ward" and (tool in WARD_TOOLS or (tool == "ask_results" and params.get(
            "about") == "plan_ward")) and params.get("ward"):
        was = params["ward"]
        params = {k: v for k, v in params.items() if k != "lga"}
        step = Step(tool, {**params, "ward": name, **({"lga": ward_lga} if ward_lga else {})},
                    echo=f"{name} instead of {was}:")
    if step is None:
        return None
    step.source = text
    return Decision([step], reading={"relative": "correction", "corrected": tool})


def _variable_fix(text: str, new: str, old: str | None, params: Mapping[str, Any], ctx: Any,
                  facts: Any) -> Decision | None:
    meant = _variables(new, ctx.variables)
    wrong = _variables(old, ctx.variables)
    base = list(params.get("variables") or facts.analysis_variables)
    if not meant and len(wrong) == 1 and wrong[0] in base and _name(new) \
            and not _place(new, facts.lgas, ctx.wards)[0]:
        return _not_a_column(_name(new), wrong[0], base, params, ctx)
    if len(meant) != 1 or meant[0] in base:
        return None
    if len(wrong) > 1 or (wrong and wrong[0] not in base):
        return None
    keep = {k: v for k, v in params.items() if k in ("normalization", "methods", "aggregation")}

    def fixed(out: str) -> dict[str, Any]:
        variables = [meant[0] if v == out else v for v in base]
        flips = {k: v for k, v in (params.get("directions") or {}).items() if k in variables}
        return {**keep, "variables": variables, **({"directions": flips} if flips else {})}

    if not wrong:
        choices = [{"label": f"Use {meant[0]} instead of {v}", "tool": "run_analysis",
                    "params": fixed(v)} for v in base[:8]]
        return Decision(text=f"Which variable should {meant[0]} replace in the analysis? "
                             "Nothing was changed.", choices=choices,
                        pending={"expects": "choice", "choices": choices},
                        reading={"relative": "correction", "corrected": "run_analysis"})
    p = fixed(wrong[0])
    echo = (f"Using {meant[0]} instead of {wrong[0]}: the analysis again with "
            f"{len(p['variables'])} variables ({', '.join(p['variables'])}).")
    return Decision([Step("run_analysis", p, echo=echo, source=text)],
                    reading={"relative": "correction", "corrected": "run_analysis"})


def _not_a_column(said: str, out: str, base: Sequence[str], params: Mapping[str, Any],
                  ctx: Any) -> Decision:
    """"I said rainfall but I meant nets per capita" on a table without such a column: said,
    with the table's other columns as one-tap replacements; nothing is run."""
    keep = {k: v for k, v in params.items() if k in ("normalization", "methods", "aggregation")}
    others = [c for c in ctx.variables if c not in base][:6]
    choices = [{"label": f"Use {c} instead of {out}", "tool": "run_analysis",
                "params": {**keep, "variables": [c if v == out else v for v in base]}}
               for c in others]
    text = (f"Your table has no column for \"{said}\", so nothing was changed: the analysis "
            f"still uses {', '.join(base)}.")
    if choices:
        text += f" Which of the table's other columns should replace {out}?"
    return Decision(text=text, choices=choices,
                    pending={"expects": "choice", "choices": choices} if choices else None,
                    reading={"relative": "correction", "corrected": "run_analysis"})


# "go ahead, make it direct", "ok treat that one as inverse": the direction of the one
# variable the previous message named
IT_DIRECTION = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|yes|yeah|fine|then|so|go\s+ahead|do\s+it|please|pls|abeg|oya)[\s,.!]+)*"
    r"(?:make|treat|set|count|turn|switch|change|flip|use)\s+(?:it|that(?:\s+one)?|this(?:\s+one)?|am)"
    r"\s+(?:to\s+|as\s+|into\s+)?(?:be\s+)?(?P<dir>direct|inverse)\b(?:\s+(?:then|please|pls|now"
    r"|instead))*\W*$")


def direction_of_it(text: str, state: Any, facts: Any) -> Decision | None:
    """The analysis again with the direction of the variable just talked about changed."""
    m = IT_DIRECTION.match(ex.lower_text(text))
    topic = state.topic
    if m is None or not topic or topic not in facts.analysis_variables:
        return None
    return Decision([Step("run_analysis", {"directions": {topic: m.group("dir")}},
                          echo=f"Treating {topic} as {m.group('dir')}.", source=text)],
                    reading={"relative": "directions"})
