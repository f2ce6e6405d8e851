"""Requests said in order in one message: "First, please tell me how many wards are in Kuran.
Then prepare a plan of 600,000 nets with five persons per household."

Such a message is several requests, each read on its own (dialogue._several): a reader of
one request (a count of the data) must not answer only its first part and drop the rest
without a word. A condition ("if Kuran has more than 20 wards, then plan
...") is no order of requests and is left to the readers of conditions.
"""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.reading import split_requests

# "First, ...", "Firstly ...", "To start, ...": the message says its requests in order
FIRST_LEAD = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|please|pls|right|now)[\s,]+)*(?:first(?:ly)?"
                        r"|first\s+of\s+all|to\s+(?:start|begin)(?:\s+with)?)\b[\s,:;-]*")
# the next request said as the next step: ". Then", "; after that", ", and then"
THEN_MARK = re.compile(r"(?:[.;?!]\s*|,?\s+and\s+|,\s*)(?:then|after\s+that|afterwards"
                       r"|second(?:ly)?|next)\b")
# a later request about what the one before it gives: "and then list them by name"
BACK_REFERENCE = re.compile(r"\b(?:them|they|those|these|it|its|their|that\s+(?:list|number|count"
                            r"|one)|the\s+same)\b")
CONDITION = re.compile(r"\b(?:if|unless|when|whenever|provided|assuming|suppose|in\s+case)\b")


def requests_in_order(text: str) -> list[str] | None:
    """The requests of a message that says them in order (the lead "First," taken off), or
    None when the message is not such a list."""
    low = ex.lower_text(text)
    if not THEN_MARK.search(low) or CONDITION.search(low):
        return None
    parts = split_requests(text)
    if len(parts) < 2:
        return None
    lead = FIRST_LEAD.match(parts[0].lower())
    if lead is not None:
        parts = [parts[0][lead.end():], *parts[1:]]
    parts = [p.strip(" ,.") for p in parts]
    if any(len(p.split()) < 3 for p in parts):
        return None  # "plan 500k, then 600k": one request with two values, read elsewhere
    if any(BACK_REFERENCE.search(ex.lower_text(p)) for p in parts[1:]):
        return None  # "... High wards in Lida, and then list them": one request, read whole
    return parts

