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
