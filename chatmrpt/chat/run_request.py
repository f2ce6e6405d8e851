"""A plain request to run the analysis, in whatever words: "ok please run it on the data I
uploaded", "fine, run it with the defaults", "abeg run d analysis 4 me wit d default
variables". The whole message must be such a request (greetings, politeness and the data or
the defaults named are allowed): anything more is read by the rest of the dialogue."""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext

_GREETING = (r"(?:(?:hi|hello|hey|good\s+(?:morning|afternoon|evening|day)|ina\s+kwana|sannu"
             r"|bawo|kedu|how\s+far|salam\w*)(?:\s+(?:sir|ma|madam|all|team))?[\s,.!]+)")
_FILLER = (r"(?:(?:ok(?:ay)?|okk+|fine|alright|right|good|great|yes|yeah|so|now|then|please|pls"
           r"|plz|abeg|oya|kindly|just|go\s+ahead\s+and|you\s+can|can\s+you|could\s+you"
           r"|would\s+you|let'?s|lets|let\s+us|i\s+want\s+you\s+to|help\s+me)[\s,.!]+)")
_VERB = r"(?:run|do|perform|carry\s+out|start|launch|execute|kick\s+off|go)"
_OBJECT = (r"(?:it|am|this|that|(?:(?:the|d|da|an?|our|my|una)\s+)?(?:(?:vulnerability|risk"
           r"|malaria|mrpt|ward|default|standard|usual|normal|basic)\s+)*(?:analysis|analyses"
           r"|ranking|rankings|scoring|model))")
_DATA = (r"(?:(?:on|with|for|using|over)\s+(?:the|d|my|our|this|una)\s+(?:data|dataset|table"
         r"|file|ward\s+data|wards|ward\s+table|upload|csv|spreadsheet)(?:\s+(?:i|we)\s+"
         r"(?:uploaded|upload|sent|gave\s+you|shared|just\s+uploaded))?)")
_DEFAULTS = (r"(?:(?:with|wit|using|on|use|for)\s+(?:the\s+|d\s+|all\s+the\s+)?(?:defaults?"
             r"|standard|usual|normal|recommended)(?:\s+(?:variables?|settings?|options?"
             r"|ones|values|parameters))?)")
_TAIL = (r"(?:(?:for|4)\s+(?:me|us)|now|please|pls|abeg|then|thanks|thank\s+you|biko|o+"
         r"|sir|ma|for\s+the\s+state|for\s+all\s+(?:the\s+)?wards)")
PLAIN_RUN = re.compile(
    rf"^\s*{_GREETING}*{_FILLER}*{_VERB}\s+{_OBJECT}"
    rf"(?:[\s,]+(?:{_DATA}|{_DEFAULTS}|{_TAIL}))*\s*[.!]*\s*$")
_NAMES_ANALYSIS = re.compile(r"\b(?:analysis|analyses|ranking|rankings|scoring|model|defaults?"
                             r"|standard|usual|data|dataset|table|file|upload)\b")


def plain_run(text: str, ctx: RouterContext) -> bool:
    """Whether the message only asks to run the analysis with the default variables."""
    if not ctx.has_dataset:
        return False
    low = re.sub(r"\s+", " ", ex.lower_text(text)).strip()
    m = PLAIN_RUN.match(low)
    if m is None:
        return False
    # "run it" alone names no analysis: only when none was run yet is it the analysis
    return bool(_NAMES_ANALYSIS.search(low)) or ctx.analysis_status in (None, "failed")
