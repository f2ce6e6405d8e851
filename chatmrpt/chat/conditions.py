"""Requests under a condition the ward data settles: "if 24006 has more than 15 wards, its
top 4; otherwise list all of them", "if Kuran has more than 15 wards, plan 600k nets for
the state", "if the state has at least 300 wards, ...".

The condition is checked against the data before anything is done, and said in the reply:
the branch it selects is read (the "then" part when it holds, the "otherwise" part when it
does not), never both, never the "then" part blindly. A list of wards (read only) is shown;
anything that changes results (a plan, a run, a file) is offered as a one-tap choice with the
count said. When the condition does not hold and nothing is said for that case, nothing is
done. A place the data does not know, or a count it cannot give, is asked about.

Talk about one's own plans ("if Kuran has more than 15 wards we will plan 600k nets") and
questions ("... should I plan 600k?") are left to the other readings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step, leave_it, steps_choice

_LEAD = r"(?:^|[:;.!]\s*|,\s*)\W*(?:(?:ok(?:ay)?|so|please|pls|now|and|then|right|but)[\s,]+)*"
_CMP = (r"more\s+than|over|above|greater\s+than|at\s+least|less\s+than|fewer\s+than|under"
        r"|below|at\s+most|no\s+more\s+than|not\s+more\s+than|up\s+to|exactly")
CONDITION = re.compile(
    _LEAD + r"(?:if|provided(?:\s+that)?|assuming(?:\s+that)?|in\s+case)\s+(?P<subj>[^,;:?]+?)\s+"
    r"(?:has\s+got|has|have|contains?|holds?|got|includes?)\s+(?:(?P<cmp>" + _CMP + r")\s+)?"
    r"(?P<n>[\w,.-]+(?:[\s-]+[\w-]+){0,3}?)\s+(?:or\s+(?P<orx>more|fewer|less)\s+)?wards?\b")
# "if there are more than 300 wards in this table", "if more than 15 wards are in Kuran"
CONDITION_IN = re.compile(
    _LEAD + r"(?:if|provided(?:\s+that)?|assuming(?:\s+that)?|in\s+case)\s+(?:there\s+(?:are|is)\s+)?"
    r"(?:(?P<cmp>" + _CMP + r")\s+)?(?P<n>[\w,.-]+(?:[\s-]+[\w-]+){0,3}?)\s+(?:or\s+(?P<orx>more"
    r"|fewer|less)\s+)?wards?\s+(?:are\s+|is\s+)?(?:in|on|within)\s+(?P<subj>[^,;:?]+?)"
    r"(?=\s*[,;:]|\s+then\b)")
ELSE = re.compile(
    r"[\s,;.:-]*\b(?:otherwise|else|or\s+else|if\s+not|(?:but\s+)?if\s+(?:it|they|this|that"
    r"|the\s+lga|there)\s+(?:does\s*n[o']?t|doesn'?t|do\s*n[o']?t|don'?t|has\s+(?:not|fewer"
    r"|less|no\s+more|under|only)|have\s+(?:not|fewer|less|under|only)|is\s+not|isn'?t"
    r"|are\s+not|aren'?t)\b[^,;:]*)[\s,;:-]*")
THEN_LEAD = re.compile(r"^[\s,:;-]*(?:then\b[\s,:;-]*)?")
# the person says what they will do, or asks: not a request under a condition
OWN_PLANS = re.compile(r"\b(?:i|we|they|he|she)\s+(?:will|would|shall|may|might|can|could"
                       r"|are\s+going|am\s+going|plan\s+to|want\s+to|need\s+to)\b"
                       r"|\b(?:i|we)'(?:ll|d)\b|\?")
PRONOUN_SUBJECT = re.compile(r"^(?:it|they|this\s+(?:lga|one|place)|that\s+(?:lga|one|place)"
                             r"|the\s+lga|the\s+same\s+lga)$")
WHOLE = re.compile(r"^(?:the\s+|this\s+|our\s+|my\s+)?(?:whole\s+|entire\s+)?(?:state|data(?:set)?|table|ward\s+"
                   r"(?:data|table))$")
# a branch that lists wards, and how many
ALL = re.compile(r"\b(?:all|every|whole|full|complete|entire)\b")
TOP = re.compile(r"\b(?:top|first|highest|worst|most\s+vulnerable|riskiest)\s+(?P<n>[\w-]+)"
                 r"|\b(?P<m>[\w-]+)\s+(?:most\s+vulnerable|highest|worst|riskiest)\b")
BOTTOM = re.compile(r"\b(?:bottom|last|lowest|least\s+vulnerable|safest)\s+(?P<n>[\w-]+)"
                    r"|\b(?P<m>[\w-]+)\s+(?:least\s+vulnerable|lowest|safest)\b")
NOT_A_LIST = re.compile(r"\b(?:plan\w*|nets?|itns?|llins?|maps?|charts?|export|download|save"
                        r"|send|files?|csv|excel|xlsx|html|png|pdf|report|run|rerun|re-run"
                        r"|analy[sz]\w*|reprioriti[sz]\w*|tpr|add|drop|remove|compare)\b")
CHANGING = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban", "compute_tpr",
            "export_results", "export_view", "add_covariates")


def _place(subj: str, text: str, ctx: RouterContext, facts: Facts,
           state: DialogueState) -> tuple[str, str, str] | None:
    """(param, value, label) of the place the condition is about: an LGA by name or code, or
    the whole ward table ("the state"); a pronoun is the one place the message names."""
    subj = re.sub(r"^(?:the\s+)?(?:lga\s+(?:of\s+|called\s+|with\s+code\s+)?|code\s+)", "",
                  subj.strip())
    subj = re.sub(r"\s+(?:lga|local\s+government(?:\s+area)?)$", "", subj).strip()
    if WHOLE.match(subj):
        return ("", "", "The ward table")
    if PRONOUN_SUBJECT.match(subj):
        named = _named_places(ex.lower_text(text), facts)
        if not named:  # "if it has ..." about the LGA talked about just before
            from chatmrpt.chat.focus import Focus

            focus = Focus.of(state.focus)
            if focus.lga:
                named = [("lga", focus.lga, focus.lga)]
            elif focus.lga_code:
                named = [("lga_code", focus.lga_code, f"The LGA with code {focus.lga_code}")]
        return named[0] if len(named) == 1 else None
    named = _named_places(subj, facts)
    return named[0] if len(named) == 1 else None


def _named_places(low: str, facts: Facts) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for lga in facts.lgas:
        if re.search(rf"(?<!\w){re.escape(lga.lower())}(?!\w)", low):
            out.append(("lga", lga, lga))
    for code in dict.fromkeys(facts.lga_codes):
        if re.search(rf"(?<!\d){re.escape(str(code))}(?!\d)", low):
            out.append(("lga_code", str(code), f"The LGA with code {code}"))
    return out


def _count(place: tuple[str, str, str], ctx: RouterContext, facts: Facts) -> int | None:
    param, value, _ = place
    if not param:
        return facts.ward_count or len(ctx.wards) or None
    if param == "lga":
        n = sum(1 for w in ctx.wards if w.lga and w.lga.lower() == value.lower())
        return n or None
    n = sum(1 for _, code in facts.ward_lga_codes if str(code) == value)
    return n or None


def _holds(cmp: str, orx: str | None, count: int, n: float) -> bool:
    cmp = re.sub(r"\s+", " ", cmp or "")
    if orx == "more" or cmp in ("at least",):
        return count >= n
    if orx in ("fewer", "less") or cmp in ("at most", "no more than", "not more than", "up to"):
        return count <= n
    if cmp in ("more than", "over", "above", "greater than"):
        return count > n
    if cmp in ("less than", "fewer than", "under", "below"):
        return count < n
    return count == n  # "has exactly 12 wards", "has 12 wards"


def _number(words: str) -> float | None:
    nums = ex.extract_numbers(words)
    return float(nums[0].value) if len(nums) == 1 else None


def _list_step(branch: str, place: tuple[str, str, str], low_all: str) -> Step | None:
    """The ward list a branch asks for ("its top 4", "list all of them", "every ward in
    rank order", "the bottom 3"), or None when the branch asks for something else."""
    low = ex.lower_text(branch)
    if NOT_A_LIST.search(low):
        return None
    params: dict[str, Any] = {}
    if place[0]:
        params[place[0]] = place[1]
    if re.search(r"\bpca\b", low_all):
        params["method"] = "pca"
    elif re.search(r"\bcomposite\b", low_all):
        params["method"] = "composite"
    top, bottom = TOP.search(low), BOTTOM.search(low)
    found = bottom or top
    if found is not None:
        n = _number(found.group("n") or found.group("m") or "")
        if n is None or n < 1:
            return None
        params["n"] = int(n)
        if bottom is not None:
            params["order"] = "bottom"
    elif not ALL.search(low) or ex.extract_numbers(low):
        return None
    return Step("list_wards", params, source=branch)


def _said(place: tuple[str, str, str], count: int, cmp: str | None, orx: str | None,
          n: float, holds: bool) -> str:
    label = place[2]
    bound = f"{cmp or 'exactly'} {int(n) if float(n).is_integer() else n}"
    if orx:
        bound = f"{int(n) if float(n).is_integer() else n} or {orx}"
    bound = re.sub(r"\s+", " ", bound)
    verdict = "so the condition holds" if holds else "so the condition does not hold"
    return f"{label} has {count} ward{'s' if count != 1 else ''} (you asked about {bound}), " \
           f"{verdict}."


def settled(text: str, low: str, ctx: RouterContext, state: DialogueState, facts: Facts,
            read: Callable[[str], Decision]) -> Decision | None:
    """The request under a condition on a place's number of wards, with the condition checked
    against the data (see the module's description); None when the message has no such
    condition. ``read`` reads a part of the message on its own."""
    m = CONDITION.search(low) or CONDITION_IN.search(low)
    if m is None or not ctx.has_dataset:
        return None
    rest = THEN_LEAD.sub("", low[m.end():], count=1)
    otherwise = ELSE.search(rest)
    then_part = (rest[:otherwise.start()] if otherwise else rest).strip(" ,.;:!-")
    else_part = rest[otherwise.end():].strip(" ,.;:!-") if otherwise else ""
    before = low[:m.start()].strip(" ,.;:!-")
    if before and not re.search(r"\bsame\s+(?:rule|condition|thing|test|check)\b", before):
        return None  # a request before the condition: left to the other readings
    if not then_part or OWN_PLANS.search(then_part) or (else_part and OWN_PLANS.search(else_part)):
        return None
    n = _number(m.group("n"))
    if n is None:
        return None
    place = _place(m.group("subj"), low, ctx, facts, state)
    if place is None:
        return Decision(text=f"I could not tell which place \"{m.group('subj').strip()}\" is in "
                             "the ward data, so I have not checked the condition or done "
                             "anything. Which LGA do you mean?",
                        reading={"condition": "unknown_place"})
    count = _count(place, ctx, facts)
    if count is None:
        return Decision(text=f"I could not count the wards of {m.group('subj').strip()} in the "
                             "ward data, so I have not checked the condition or done "
                             "anything. Should I go ahead anyway?",
                        reading={"condition": "uncounted"})
    holds = _holds(m.group("cmp") or "", m.group("orx"), count, n)
    fact = _said(place, count, m.group("cmp"), m.group("orx"), n, holds)
    branch = then_part if holds else else_part
    if not branch:
        return Decision(text=f"{fact} You asked for nothing in that case, so I have not done "
                             "anything.", reading={"condition": False})
    listed = _list_step(branch, place, low)
    if listed is not None:
        return Decision([listed], notes=[fact],
                        reading={"tool": "list_wards", "condition": holds})
    named = place[1] if place[0] else ""
    own = branch
    if named:
        own = re.sub(r"\bits\b", f"{named}'s", own)
        own = re.sub(r"\b(?:it|them|there|that\s+lga|this\s+lga)\b", named, own)
    sub = read(own)
    if not sub.steps:
        if sub.text:
            sub.text = f"{fact} {sub.text}"
        sub.reading = {**sub.reading, "condition": holds}
        return sub
    for step in sub.steps:
        step.source = own
    if not any(s.tool in CHANGING for s in sub.steps):
        sub.notes.insert(0, fact)
        sub.reading = {**sub.reading, "condition": holds}
        return sub
    from chatmrpt.chat.guards import describe_step

    label = "; ".join(describe_step(s) for s in sub.steps)
    choices = [steps_choice(label, sub.steps), leave_it()]
    return Decision(text=f"{fact} For that case I read your request as: {label}. Shall I go "
                         "ahead? Nothing is changed until you say so.",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"condition": holds, "gated": [s.tool for s in sub.steps]})
