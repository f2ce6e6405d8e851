"""A file asked for with its subject said first, on its own ("ok only ranking then, send csv",
"just the plan. export excel", "the whole data - csv pls"): one export of that subject, not a
request for the subject beside a file of no subject.

The message is rewritten as the one request it is ("send the rankings as csv"); everything
else is left to the other readings. A pure function of the message.
"""

from __future__ import annotations

import re

_LEAD = r"^\W*(?:(?:ok(?:ay)?|oya|so|na|then|fine|alright|right|no|well|abeg|pls|please)\W+)*"
# the subject said alone: "only ranking then", "just the ward ranking", "the whole data"
_SUBJECTS = (
    ("rankings", r"(?:ward\s+)?rank(?:s|ings?|ed\s+list)|priority\s+list|scores"),
    ("unified", r"(?:whole|full|entire|complete)\s+(?:data\s*set|data|table)|all\s+(?:the\s+)?data"
                r"|unified\s+(?:data\s*set|data|table)"),
    ("itn_plan", r"(?:net\s+|itn\s+|distribution\s+)?plan"),
    ("report", r"(?:full\s+)?report"),
)
_SUBJECT = re.compile(
    _LEAD + r"(?:(?:only|just)\s+)?(?:the\s+|d\s+|my\s+|our\s+)?(?P<what>"
    + "|".join(f"(?P<{k}>{p})" for k, p in _SUBJECTS)
    + r")(?:\s+(?:only|then|den|pls|please|abeg|o))*\s*(?:[,.;:!-]+|\s+-\s+)\s*")
_FILE = re.compile(
    r"(?:(?:pls|please|abeg|just|and|then)\s+)*(?:(?:send|export|download|give|save|share|mail"
    r"|email|dump)(?:\s+(?:it|am|that|this|them|me|us|it\s+to\s+me))?\s+)?(?:(?:as|in|to)\s+)?"
    r"(?:an?\s+)?(?P<fmt>csv|excel|xlsx|html|png|geojson|geoparquet)(?:\s+(?:file|format))?"
    r"(?:\s+(?:pls|please|abeg|o|now))*\W*$")


def subject_then_file(low: str) -> str | None:
    """The message as one export request, when it says a subject alone and then a file
    format with no subject of its own; None otherwise."""
    m = _SUBJECT.match(low)
    if m is None:
        return None
    f = _FILE.fullmatch(low[m.end():].strip())
    if f is None or not re.search(r"\b(?:send|export|download|give|save|share|mail|email|dump)\b"
                                  r"|\b(?:as|in)\s+(?:an?\s+)?\w+\s*$", low[m.end():]):
        return None
    what = next(k for k, _ in _SUBJECTS if m.group(k))
    words = {"rankings": "the rankings", "unified": "the whole dataset",
             "itn_plan": "the net plan", "report": "the report"}[what]
    return f"export {words} as {f.group('fmt')}"
