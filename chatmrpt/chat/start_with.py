"""A message that passes on several requests and then says which to do first ("my supervisor
sent: 'get the top 10 wards statewide and also the ones in Zaga West' - can you start with
the statewide top ten?"): the request it starts with, read alone; the others wait to be
asked. Items named by their number ("start with number 1") are read elsewhere.

A pure function of the message: the rewritten request, or None.
"""

from __future__ import annotations

import re

# "... Can you start with the statewide top ten?", "... please begin with the top 5"
_START = re.compile(
    r"(?:^|[.!?;:]['\"’”]*\s*|,\s*|\s+(?:but|so|and)\s+)(?:(?:ok(?:ay)?|so|but|please|pls|abeg|now|first)"
    r"[\s,]+)*(?:(?:can|could|would)\s+(?:you|u)\s+(?:please\s+)?|please\s+|pls\s+|abeg\s+"
    r"|let'?s\s+|let\s+us\s+|we\s+can\s+|i\s+(?:want|need)\s+(?:you\s+)?to\s+)?"
    r"(?:start|begin)\s+(?:with|by\s+(?:listing|giving|showing)(?:\s+(?:me|us))?)\s+"
    r"(?P<rest>[^.!?;]+?)\s*(?:please|pls|abeg|first|for\s+now)?\s*[?.!]*\s*$")
# a ward list said as the thing to start with: "the statewide top ten", "the top 5 in Lida"
_LIST = re.compile(r"^(?:the\s+|d\s+)?(?:(?:statewide|state\s*wide|overall|whole\s+state)\s+)?"
                   r"(?:top|bottom)\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten"
                   r"|fifteen|twenty)\b")


def started_request(low: str) -> str | None:
    """The list request a longer message says to start with, as a request of its own."""
    m = _START.search(low)
    if m is None or m.start() == 0:
        return None
    rest = m.group("rest").strip()
    if not _LIST.match(rest):
        return None
    return "list " + re.sub(r"^(?:the|d)\s+", "the ", rest)
