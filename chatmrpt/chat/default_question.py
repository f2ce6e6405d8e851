"""Which variables the default analysis would use ("which variables would the default
analysis use?", "what variables will you use if I just run it?", "if I don't choose any,
which columns go in?"): the default selection of the current table, with nothing run (the
table's candidate variables or the current analysis' variables answer other questions).
"""

from __future__ import annotations

import re
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision, Step

VARIABLES = re.compile(r"\b(?:variables?|columns?|indicators?|factors?|inputs?)\b"
                       r"|\bwhat\s+(?:will|would|do|does)\s+(?:you|it|the\s+analysis)\s+use\b")
DEFAULT = re.compile(
    r"\bdefault\b|\bby\s+itself\b|\bautomatic(?:ally)?\b|\bon\s+its\s+own\b"
    r"|\bif\s+i\s+(?:just|simply|only)\s+(?:run|press|click|say|ask|start)"
    r"|\bif\s+i\s+(?:don'?t|do\s+not|dont|never)\s+(?:choose|pick|select|name|specify|say|tell)"
    r"|\bwithout\s+(?:me\s+)?(?:choosing|picking|selecting|naming|specifying|any\s+choices?)"
    r"|\bwith\s+no\s+(?:choices?|selection|variables?\s+(?:chosen|named|given))"
    r"|\b(?:you|it)\s+(?:pick|choose|select)\s+(?:yourself|by\s+(?:yourself|itself))")
ASKS = re.compile(r"\?|^\s*(?:which|what|tell\s+me|list|show\s+me|remind\s+me|can\s+you\s+(?:tell"
                  r"|list|show)|do\s+you\s+know|i\s+(?:want|would\s+like)\s+to\s+know)\b")
# a request to run (or a question about a result) is not a question about the selection
NOT_THIS = re.compile(r"^\s*(?:please\s+|pls\s+|ok\s+|now\s+)*(?:run|rerun|re-run|redo|use|go|do)\b"
                      r"|\b(?:plan|nets?|threshold|map|normali[sz]\w*|direction)\b")


def default_variables(text: str, ctx: Any) -> Decision | None:
    """The step answering which variables an analysis with no choices would use."""
    low = ex.lower_text(text)
    if not ctx.has_dataset or not (VARIABLES.search(low) and DEFAULT.search(low)
                                   and ASKS.search(low)) or NOT_THIS.search(low):
        return None
    return Decision([Step("describe_data", {"about": "default_variables"}, source=text)],
                    reading={"stored": "default_variables"})


# "why only those? the table has rainfall, evi ...", "why not rainfall and evi?", "why did you
# leave out dumpsites": a question about the choice of variables, answered; nothing is run
WHY_THOSE = re.compile(
    r"^\W*(?:(?:but|so|ok(?:ay)?|and|hmm+|wait|then)[\s,.!]+)*why\s+(?:"
    r"(?:only|just)\b|not\b(?!\s+(?:run|rerun|re-run|plan|map|show|export|list|add|use|include"
    r"|try|put|just))"
    r"|(?:did|didn'?t|don'?t|does|doesn'?t|do|would|wouldn'?t)\s+(?:you|it|the\s+(?:default"
    r"|analysis|tool))\s+(?:not\s+)?(?:use|include|pick|choose|take|leave|drop|skip|ignore"
    r"|exclude)\b"
    r"|(?:were|was|are|is)\s+(?:\w+[\s,]+){1,6}?(?:left\s+out|dropped|excluded|not\s+used"
    r"|not\s+included|missing|ignored|skipped)\b"
    # "and why those ones?", "why these variables": the choice itself asked about
    r"|(?:those|these|them|they)(?:\s+(?:ones?|variables?|columns?|indicators?))?\s*(?:[?.!,]|$)"
    r"|(?:(?:were|are|was)\s+)?(?:those|these|they|the)\s+(?:ones?\s+|variables?\s+|columns?\s+)?"
    r"(?:chosen|picked|selected|used)\b)"
    # "who chose them", "how were the variables selected"
    r"|\bwho\s+(?:chose|choose|picked|pick|selected|select|decided|decides)\b"
    r"|\bhow\s+(?:were|are|was|did\s+you)\s+(?:the\s+|those\s+|these\s+|they\s+|them\s+)?"
    r"(?:variables?\s+|columns?\s+|ones?\s+)?(?:chosen|picked|selected|choose|pick|select)\b")


def why_those_variables(text: str, ctx: Any, used: Any = ()) -> Decision | None:
    """A question why the analysis uses the variables it uses: the default selection of the
    table and the columns that add nothing (identical or constant), with nothing run."""
    low = ex.lower_text(text)
    if not ctx.has_dataset or not WHY_THOSE.search(low):
        return None
    named = [m for m in ex.find_variables(text, ctx.variables) if m.column] \
        if ctx.variables else []
    if named and used and all(m.column in used for m in named) and not re.search(
            r"\b(?:only|just|those|these)\b", low):
        return None  # "why not rainfall?" with rainfall used: another question
    if not named and not re.search(r"\b(?:those|these|them|variables?|columns?|indicators?"
                                   r"|two|three|2|3)\b", low):
        return None
    first = Step("ask_results", {"about": "variables"}, source=text) \
        if getattr(ctx, "analysis_ready", False) else \
        Step("describe_data", {"about": "default_variables"}, source=text)
    return Decision([first, Step("data_quality", {}, source=text)],
                    reading={"stored": "default_variables"})
