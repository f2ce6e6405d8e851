"""Questions about net plans that are answered, never acted on.

- Simple arithmetic whose factors are all given in the message ("with 1.8 people per net, how
  many people can 400k nets cover?", "one bale is 50 nets and one truck carries 400 bales: how
  many trucks for 400k nets?"): the sum is worked out and echoed, and no plan is made.
- What a plan uses by default ("the guideline says 1.8 people per net. Is that what you use by
  default?"): the declared default, nothing re-planned.
"""

from __future__ import annotations

import math
import re
from typing import Any

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision

_NUM = r"(\d[\d,]*(?:\.\d+)?\s*(?:k|m|million|thousand)?)"
_PPN = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:people|persons?|ppl|pple)\s*(?:per|/|for\s+(?:one|each"
                  r"|a|every)|to\s+(?:one|each|a|every)|a|each)\s*net\b"
                  r"|\b(?:one|a|each|every|1)\s+net\s+(?:covers?|protects?|serves?|is\s+for)\s+"
                  r"(\d+(?:\.\d+)?)\s*(?:people|persons?|ppl)\b")
_BALE = re.compile(r"\b(?:one|a|each|every|1)\s+bale\s+(?:is|has|holds|contains|=|takes|carries"
                   r"|of)\s+(\d+)(?:\s*nets?)?\b(?!\s*(?:people|persons|%|percent))|\bbales?\s+of\s+(\d+)\s*(?:nets?)?\b"
                   r"|\b(\d+)\s*nets?\s+(?:per|a|in\s+(?:one|a|each))\s+bale\b")
_TRUCK = re.compile(r"\b(?:one|a|each|every|1)\s+(?:truck|lorry|vehicle)\s+(?:carries|holds|takes"
                    r"|can\s+(?:carry|hold|take)|is|=|moves)\s+(\d+)\s*bales?\b"
                    r"|\b(\d+)\s*bales?\s+(?:per|a|in\s+(?:one|a|each))\s+(?:truck|lorry|vehicle)\b")
_NETS = re.compile(r"\b" + _NUM + r"\s*(?:ITNs?|LLINs?|(?:mosquito\s+|bed\s*)?nets?)\b")
_PEOPLE = re.compile(r"\b" + _NUM + r"\s*(?:people|persons|population|residents)\b")
_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+(people|persons|trucks?|lorries|lorry|vehicles?"
                       r"|bales?|nets?)\b")
# an order in the same message ("re-plan with 2 people per net, how many are covered?"):
# never answered as a sum or a default
_ORDER = re.compile(r"(?:^|[.?!;,:]\s*)(?:(?:ok(?:ay)?|so|and|then|now|please|pls|abeg|oya)"
                    r"[\s,]+)*(?:re-?plan|redo|re-?run|make|change|set|use|switch|update|apply"
                    r"|put|go|plan|reset|restore|revert|give|do)\b")


def _amount(raw: str) -> float | None:
    nums = ex.extract_numbers(raw)
    return nums[0].value if len(nums) == 1 else None


def _first(m: re.Match[str] | None) -> float | None:
    if m is None:
        return None
    raw = next((g for g in m.groups() if g), None)
    return float(raw) if raw else None


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def arithmetic_answer(text: str) -> Decision | None:
    """The sum asked, when the message gives every factor: people per net with a number of
    nets or people, nets per bale and bales per truck with a number of nets."""
    low = ex.lower_text(text)
    asked = _HOW_MANY.search(low)
    if asked is None or _ORDER.search(low) or re.search(r"\b(?:what|wat)\s+if\b|\bif\s+we\b", low):
        return None
    what = asked.group(1)
    ppn = _first(_PPN.search(low))
    bale = _first(_BALE.search(low))
    truck = _first(_TRUCK.search(low))
    rest = low
    for pat in (_PPN, _BALE, _TRUCK):
        rest = pat.sub(" ", rest)
    nets_m = [m for m in _NETS.finditer(rest)]
    nets = _amount(nets_m[0].group(1)) if len(nets_m) == 1 else None
    if nets is None and not nets_m and bale and what.startswith(("bale", "truck", "lorr", "vehicle")):
        # "if a bale is 50 nets, how many bales make 800k?": the one amount left, bare, is the
        # nets to pack (a stock of nets, never a small count)
        left = [n for n in ex.extract_numbers(rest) if not n.percent]
        if len(left) == 1 and left[0].value >= 1000 and not _PEOPLE.search(rest):
            nets = left[0].value
    people_m = [m for m in _PEOPLE.finditer(rest)]
    people = _amount(people_m[0].group(1)) if len(people_m) == 1 else None
    line = None
    if what in ("people", "persons") and ppn and nets and people is None:
        value = nets * ppn
        line = f"{_fmt(nets)} nets x {_fmt(ppn)} people per net = {_fmt(value)} people."
    elif what.startswith("net") and ppn and people and nets is None:
        value = math.ceil(people / ppn)
        line = (f"{_fmt(people)} people / {_fmt(ppn)} people per net = {_fmt(value)} nets "
                "(rounded up).")
    elif what.startswith("bale") and bale and nets and not truck:
        value = math.ceil(nets / bale)
        line = f"{_fmt(nets)} nets / {_fmt(bale)} nets per bale = {_fmt(value)} bales" + (
            "." if value == nets / bale else " (rounded up).")
    elif what.startswith(("truck", "lorr", "vehicle")) and bale and truck and nets:
        bales = math.ceil(nets / bale)
        value = math.ceil(bales / truck)
        line = (f"{_fmt(nets)} nets / {_fmt(bale)} nets per bale = {_fmt(bales)} bales; "
                f"{_fmt(bales)} bales / {_fmt(truck)} bales per truck = {_fmt(value)} trucks"
                + ("." if value == bales / truck else " (rounded up)."))
    if line is None:
        return None
    return Decision(text=line + " Nothing in the plan was changed.",
                    reading={"answered_sum": what, "value": value})


_DEFAULT_ASKED = re.compile(
    r"\b(?:by\s+default|(?:the|your|a)\s+default|defaults?\s+(?:value|setting|is|are|for)"
    r"|what\s+you\s+(?:use|assume)\s+(?:normally|usually|as\s+standard))\b")
_QUESTION_HEAD = re.compile(r"^\s*(?:(?:and|so|ok(?:ay)?|but|then)[\s,]+)*(?:is|are|do|does|what"
                            r"|which|how\s+many|how\s+much|wetin)\b")
_SETTINGS = (
    ("people_per_net", r"\bpeople\s+(?:per|a|each|for\s+one)\s+net\b|\bppl\s*(?:/|per)\s*net\b"
                       r"|\bper\s+net\b"),
    ("urban_threshold", r"\burban\s+threshold\b|\bthreshold\b"),
    ("buffer", r"\bbuffer\b"),
    ("bale_size", r"\bbales?\b"),
    ("strategy", r"\bstrategy\b"),
)
_WORDS = {
    "people_per_net": lambda v: f"{_fmt(v)} people per net",
    "urban_threshold": lambda v: f"an urban threshold of {_fmt(v)}% (wards at least that "
                                 "urban are served last)",
    "buffer": lambda v: "no buffer" if v == 1 else f"a buffer of {_fmt(round((v - 1) * 100))}%",
    "bale_size": lambda v: "no bales (single nets)" if v == 1 else f"bales of {_fmt(v)} nets",
    "strategy": lambda v: f"the {v!s} rule for the ward that cannot be fully covered",
}


def default_setting_question(text: str) -> Decision | None:
    """ "Is that what you use by default?" after naming a plan setting, "what is the default
    people per net?": the declared default, said, and nothing re-planned."""
    low = ex.lower_text(text)
    if not _DEFAULT_ASKED.search(low) or _ORDER.search(low):
        return None
    sentences = [s for s in re.split(r"(?<=[?.!])\s+", low.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith("?") or _QUESTION_HEAD.match(s)]
    if not asking or not any(_DEFAULT_ASKED.search(s) for s in asking):
        return None
    if re.search(r"\b(?:what|wat)\s+if\b|\b(?:back\s+to|reset|restore)\b", low):
        return None
    named = [name for name, pat in _SETTINGS if re.search(pat, low)]
    if len(named) != 1:
        return None
    name = named[0]
    defaults: dict[str, Any] = ItnParams.defaults()
    value = defaults.get(name)
    if value is None:
        return None
    text_ = f"By default a net plan uses {_WORDS[name](value)}."
    said = _first(_PPN.search(low))
    if name == "people_per_net" and said is not None:
        text_ = ("Yes: b" if abs(said - float(value)) < 1e-9 else "No: b") + text_[1:]
    if name == "people_per_net":
        text_ += " You can change it for a plan, e.g. \"re-plan with 2 people per net\"."
    return Decision(text=text_, reading={"default_asked": name, "value": value})
