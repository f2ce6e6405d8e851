"""The default variables with a change said with them: "back to the default variables plus
EVI", "the default set with elevation", "defaults + ndmi", "reset to the defaults but keep
elevation", "the default variables without rainfall". The analysis runs with the default
selection and that change, never the defaults alone (the change dropped) nor the current
variables with it (the defaults not put back).

The default selection is the one the conversation's default analysis used (the analysis
history keeps which variables each analysis used); when the conversation has none, the
reply asks instead of guessing.
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.reading import _join
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

DEFAULTS = re.compile(
    r"\b(?:default|usual|original|standard|normal|initial)\s+(?:\w+\s+)?(?:variables?(?:\s+set)?"
    r"|set(?:\s+of\s+(?:variables|columns|indicators))?|selection|columns|indicators)\b"
    r"|\bthe\s+defaults\b|\bdefaults\b")
PLUS = re.compile(r"^\s*(?:,\s*)?(?:\+|plus|with|and(?:\s+(?:also\s+)?add)?|add(?:ing)?|including"
                  r"|together\s+with|along\s+with|(?:but\s+)?(?:keep|also)|but\s+(?:with|add)"
                  r"|as\s+well\s+as)\b|^\s*\+")
MINUS = re.compile(r"^\s*(?:,\s*)?(?:but\s+)?(?:without|minus|except|excluding|less|but\s+drop"
                   r"|but\s+remove|and\s+drop|and\s+remove)\b")
# another subject's defaults, a question, talk
NOT_THE_SET = re.compile(r"\b(?:plan|nets?|threshold|household|map|directions?|normali[sz]\w*"
                         r"|target|tpr\s+settings?|people\s+per)\b|\?|\b(?:what|which|why|how"
                         r"|does|did|would|should|could)\b|\b(?:what|wetin)\s+if\b")

# another request after the defaults ("... and show the rainfall map"): read elsewhere
OTHER_REQUEST = re.compile(r"\b(?:show|list|map|top|bottom|export|send|save|download|rank\w*"
                           r"|compare|explain|tell|give|plot|chart|then)\b")


def _default_selection(state: DialogueState, facts: Facts) -> list[str] | None:
    """The variables the conversation's default analysis used, or None when unknown."""
    from chatmrpt.chat.undo import _history

    h = _history(state.analyses)
    for params, used in zip(reversed(h["params"]), reversed(h["used"]), strict=False):
        if not (params or {}).get("variables") and used:
            return list(used)
    if not facts.analysis_params.get("variables") and facts.analysis_variables and \
            not h["ids"]:
        return list(facts.analysis_variables)
    return None


def default_plus(text: str, low: str, ctx: RouterContext, state: DialogueState,
                 facts: Facts) -> Decision | None:
    """The default selection with the variables said with it (see the module)."""
    if not ctx.analysis_ready or not ctx.variables:
        return None
    found = DEFAULTS.search(low)
    if found is None or NOT_THE_SET.search(low):
        return None
    rest = low[found.end():]
    if OTHER_REQUEST.search(rest):
        return None
    plus, minus = PLUS.match(rest), MINUS.match(rest)
    if plus is None and minus is None:
        return None
    named = [m.column for m in ex.find_variables(rest, ctx.variables) if m.column]
    named = list(dict.fromkeys(named))
    if not named:
        return None
    defaults = _default_selection(state, facts)
    change = f"{'plus' if plus else 'without'} {_join(named)}"
    if defaults is None:
        return Decision(text=f"I do not know the default selection of this table yet (no "
                             f"analysis with the default variables was run in this "
                             f"conversation), so nothing was run. Should I run the default "
                             f"analysis first, and then change it ({change})?",
                        reading={"relative": "variables", "default_plus": "unknown"})
    if plus is not None:
        variables = defaults + [v for v in named if v not in defaults]
    else:
        variables = [v for v in defaults if v not in named]
    if not variables or variables == defaults:
        return None
    params: dict[str, Any] = {"variables": variables}
    echo = f"The default variables {change}: {_join(variables)}."
    return Decision([Step("run_analysis", params, echo=echo, source=text)],
                    reading={"relative": "variables", "default_plus": True})
