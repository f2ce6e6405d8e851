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
    ("unified", r"(?:whole|full|entire|complete)\s+(?:wards?\s+)?(?:data\s*set|data|table)"
                r"|all\s+(?:the\s+)?data"
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


# --- a file to be mailed, and saved in a format said after it --------------------------------

# "email the rankings to dr.x@y.ng", "send the plan to my email", "mail the ranking to the PA"
_MAILED_SUBJECT = re.compile(
    r"^\W*(?:(?:hi|hello|ok(?:ay)?|so|please|pls|abeg|kindly|can\s+you|could\s+you)\W+)*"
    r"(?:e-?mail|mail|send|forward|whatsapp)\s+(?:me\s+|us\s+)?(?:the\s+|d\s+|our\s+|my\s+)?"
    r"(?P<what>(?:ward\s+)?rank(?:s|ings?)|priority\s+list|(?:net\s+|itn\s+|distribution\s+)?plan)"
    r"\s+to\s+(?P<dest>[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:my|our|his|her|their|the|d)\s+"
    r"(?:e-?mail|mail|inbox)|(?:the\s+|my\s+|our\s+)?[\w.'-]+(?:\s+[\w.'-]+)?)")
_MAIL = re.compile(r"\be-?mail\w*|\bmail\b|\binbox\b|\bwhatsapp\b|@")
# "and also save them as csv", ", and save a copy in excel", "plus export it as xlsx"
_SAVED_AS = re.compile(
    r"\s*[,;]?\s*(?:and|&|plus|then)?\s*(?:also\s+)?(?:please\s+|pls\s+)?"
    r"(?:save|export|download|give\s+me|make|keep|put)\s+(?:me\s+)?"
    r"(?:them|it|am|that|those|a\s+copy(?:\s+of\s+(?:them|it))?|the\s+same)?\s*"
    r"(?:(?:as|in|to)\s+)?(?:an?\s+)?(?P<fmt>csv|excel|xlsx|xls)(?:\s+(?:file|format))?"
    r"(?:\s+(?:too|also|as\s+well|pls|please|for\s+me))*\W*$")


def mailed_and_saved(low: str) -> str | None:
    """ "email the rankings to dr.x@y.ng and also save them as csv": the file is made in
    the format said (no mail is sent from here, the reply says so); the message is
    rewritten as that one export. None when the saved file has a subject of its own or
    no format is said."""
    m = _MAILED_SUBJECT.match(low)
    if m is None or not _MAIL.search(m.group(0)):
        return None  # "send the rankings to the director": no mail said
    rest = low[m.end():]
    f = _SAVED_AS.match(rest)
    if f is None:
        return None
    what = "the net plan" if "plan" in m.group("what") else "the rankings"
    fmt = {"excel": "xlsx", "xls": "xlsx"}.get(f.group("fmt"), f.group("fmt"))
    return f"export {what} as {fmt}"


# two files in one message, each with its own subject and format: "export the rankings as
# csv and the plan as excel", "can I get the ranking in csv and the plan in excel"
_FORMAT_WORD = (r"(?:csv|excel|xlsx|spreadsheet|html|png|geojson|geoparquet|picture|image"
                r"|web\s*page)")
_ANY_SUBJECT = re.compile(r"\b(?:" + "|".join(p for _, p in _SUBJECTS) + r"|maps?|charts?)\b")
_TWO_FILES = re.compile(
    r"^(?P<first>.+?\b" + _FORMAT_WORD + r"\b(?:\s+(?:file|format|too|also))?)\s*,?\s*"
    r"(?:and|&|plus|as\s+well\s+as|then)\s+(?:also\s+)?(?P<second>(?:(?:the|d|my|our|a|an)\s+)?"
    r"[^,;.?!]*?\b" + _FORMAT_WORD + r"\b[^,;.?!]*?)\W*$")
_VERB = re.compile(r"^\W*(?:(?:pls|please|abeg|also|then)\s+)*(?:send|export|download|give"
                   r"|save|share|mail|email|get)\b")


def two_files(low: str) -> list[str] | None:
    """The two export requests of a message naming two files, each with its subject and its
    format, in the order said; the second borrows the first's verb when it has none. None
    for anything else (one file, a format without a subject, a list beside a file)."""
    m = _TWO_FILES.match(low)
    if m is None:
        return None
    first, second = m.group("first").strip(), m.group("second").strip()
    if not (_ANY_SUBJECT.search(first) and _ANY_SUBJECT.search(second)):
        return None
    if len(re.findall(r"\b" + _FORMAT_WORD + r"\b", first)) != 1 or \
            len(re.findall(r"\b" + _FORMAT_WORD + r"\b", second)) != 1:
        return None
    if not _VERB.match(second):
        second = "export " + second
    return [first, second]
