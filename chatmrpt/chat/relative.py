"""Relative changes of the last request: "20% more nets", "double it", "at most 3 per
ward", "back to the defaults", a plan setting changed or dropped, a value replaced
("450k not 400k"), a direction flipped, variables added, dropped or swapped.

These read the message against the last request that ran (``DialogueState.last``);
separate from the manager because they decide only how that request changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chatmrpt.analysis.declarations import DIRECTIONS
from chatmrpt.chat import extract as ex
from chatmrpt.chat import setting_ask
from chatmrpt.chat.guards import REPLACED, _without_names, reads_as_question
from chatmrpt.chat.reading import (
    ADD_VAR,
    ALL_OF_THEM,
    DIRECTION_WORD,
    DROP_VAR,
    LESS,
    LIST_THEM,
    MORE,
    NET_CUE,
    QUESTION_START,
    RESET,
    SHOWS_ONE_VARIABLE,
    SOFT_ADD,
    _fmt,
    _join,
    split_requests,
)
from chatmrpt.chat.router import PLAN_TOOLS, RouterContext
from chatmrpt.chat.slots import CATEGORY, find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step, leave_it, steps_choice
from chatmrpt.chat.tools import tool_spec

from chatmrpt.chat import plan_ops  # isort: skip - operations on the current plan
from chatmrpt.chat import plan_settings  # isort: skip - settings and sizes said in few words


# --- relative changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    params: dict[str, Any]
    echo: str
    # the change was told as news ("the allocation dropped by 100k"), not ordered
    reported: bool = False
    # a share of the nets held back ("keep 10% aside"): made only when a re-plan is asked
    held: bool = False


# a change of the net total told as what happened to it ("the allocation dropped by 100k",
# "was cut by 10%", "went up by 50,000", "the partner pulled back 100,000 nets"): the
# direction of the change, read against the current total like an order would be
_REPORT_DOWN = (r"(?:dropped|fell|fallen|decreased|declined|reduced|lowered|shrank|shrunk|slashed"
                r"|(?:went|gone|come|came|going|coming)\s+down"
                r"|(?:is|are|was|were|been|'s|now)\s+(?:now\s+|just\s+)?down"
                r"|(?:was|were|been|got|get|getting|is|are|has|have|had)\s+(?:now\s+|just\s+)?"
                r"(?:been\s+)?(?:cut|trimmed|reduced|slashed|lowered|decreased))")
_REPORT_UP = (r"(?:rose|risen|increased|grew|grown|jumped|climbed"
              r"|(?:went|gone|come|came|going)\s+up"
              r"|(?:is|are|was|were|been|'s|now)\s+(?:now\s+|just\s+)?up"
              r"|(?:was|were|been|got|get|is|are|has|have|had)\s+(?:now\s+|just\s+)?(?:been\s+)?"
              r"(?:raised|increased|boosted|bumped(?:\s+up)?|topped\s+up|scaled\s+up))")
_BY = r"\s+(?:[a-z]+\s+){0,3}?by\s*$"
REPORTED_DOWN = re.compile(r"\b" + _REPORT_DOWN + _BY + r"|\b(?:pulled|took|taken|taking"
                           r"|pulling)\s+back\s*$|\b(?:withdrew|withdrawn)\s*$")
REPORTED_UP = re.compile(r"\b" + _REPORT_UP + _BY)
# the same words anywhere, for a percentage ("the allocation fell by 10%")
REPORTED_WORDS = re.compile(r"\b(?:" + _REPORT_DOWN + r"|(?P<up>" + _REPORT_UP + r"))\b")


# "mop-up", "mop up": the last round of a campaign (its "up" is no increase)
MOP_UP = re.compile(r"\bmop[\s-]*ups?\b")
# a share of the nets held back: "keep 10% aside", "set aside 10%", "hold back 10%", "10% in
# reserve", "10% for mop-up", "10% as a buffer stock"
_HELD_BEFORE = re.compile(r"\b(?:keep|kept|keeping|hold|holding|save|saving|set|put|reserve"
                          r"|reserving)(?:\s+(?:back|aside))?(?:\s+(?:about|around|some|only"
                          r"|just))?\s*$")
_HELD_AFTER = re.compile(r"^\s*(?:of\s+(?:the\s+|our\s+|all\s+)?(?:nets?|itns?|llins?|stock"
                         r"|supply|allocation)\s+)?(?:aside|back\b|in\s+(?:reserve|stock|store)"
                         r"|as\s+(?:a\s+)?(?:reserve|contingency|buffer\s+stock)|for\s+(?:the\s+)?"
                         r"(?:mop|contingenc|reserve|emergenc|schools?|clinics?|anc|routine"
                         r"|idp|camps?))")


def held_back_share(low: str, start: int, end: int) -> bool:
    """The percentage at ``low[start:end]`` is a share of the nets held back ("keep 10%
    aside for mop-up"), not a change of how many nets there are."""
    return bool(_HELD_BEFORE.search(low[:start]) or _HELD_AFTER.match(low[end:]))


def relative_plan_change(text: str, last_plan: Mapping[str, Any] | None) -> Change | None:
    """A change of the last plan stated relative to it, or None.

    "20% more nets", "10 percent fewer", "another 150k", "150,000 fewer nets", "double the
    nets", "half the nets"; "household size up by 1" is left to the router (absolute).
    """
    if not last_plan or "total_nets" not in last_plan:
        return None
    low = ex.canonical_text(text)
    base = int(last_plan["total_nets"])
    hh = last_plan.get("household_size")
    than = _than_base(low)
    if than is not None:
        # "10% more than the 450k": the change is of the net total named, not the current one
        base, low = than
    numbers = ex.extract_numbers(low)
    other = _by_change(low, last_plan) if than is None else None
    if other is not None:
        return other
    if re.search(r"\b(?:urban|threshold|buffer|wastage|cap|capped|share|bale)\b",
                 KEPT_SAME.sub(" ", low)):
        return None
    about_households = re.search(r"\bhouse\s*holds?\b|\bhh\b|\bhousehold\s+size\b",
                                 KEPT_SAME.sub(" ", low))
    pct = [n for n in numbers if n.percent]
    if len(pct) == 1 and held_back_share(low, pct[0].start, pct[0].end) and \
            not MORE.search(MOP_UP.sub(" ", low)) and 0 < pct[0].value < 100:
        # "keep 10% aside for mop-up": nets held back, so fewer to plan with; offered, never
        # made unless the message orders it
        value = int(round(base * (1 - pct[0].value / 100)))
        return Change({"total_nets": value},
                      f"Plan for {value:,} nets = {base:,} - {_fmt(pct[0].value)}% held back"
                      + (f", households of {_fmt(hh)} people." if hh else "."), reported=True,
                      held=True)
    if len(pct) == 1 and not about_households:
        words = MOP_UP.sub(" ", low)  # "mop-up" is a campaign's last round, not "up"
        more, less = bool(MORE.search(words)), bool(LESS.search(words))
        told = [m for m in REPORTED_WORDS.finditer(low[: pct[0].start])
                if re.match(r"(?:\s+[a-z]+){0,3}?\s+by\s*$", low[m.end(): pct[0].start])]
        if told and not _of_the_nets(low, pct[0].start, pct[0].end):
            return None  # "TPR rose by 10% in Kuran": news of something else
        if len(told) == 1 and not (more and less):
            # "the allocation rose by 10%", "fell by 10%": the words of what happened
            more, less = bool(told[0].group("up")), not told[0].group("up")
        if more and less and FURTHER_CUT.search(low[: pct[0].start]) and not MORE.search(
                FURTHER.sub(" ", low)):
            more = False  # "reduce by another 10%": "another" repeats the cut, it adds nothing
        if more == less:
            # "I said less? I meant more. 10% more": the words right after the percentage
            after = re.match(r"^\s*(?:(?P<up>more|extra|additional|up)|(?P<down>fewer|less"
                             r"|down))\b", low[pct[0].end:])
            if after is None:
                return None
            more, less = bool(after.group("up")), bool(after.group("down"))
        sign = 1 if more else -1
        value = int(round(base * (1 + sign * pct[0].value / 100)))
        op = "+" if sign > 0 else "-"
        return Change({"total_nets": value},
                      f"Plan for {value:,} nets = {base:,} {op} {_fmt(pct[0].value)}%"
                      + (f", households of {_fmt(hh)} people." if hh else "."),
                      reported=bool(told))
    if pct:
        return None
    if not about_households:
        of_plan = NET_CUE.search(low) or re.search(r"\b(?:double|halve)\s+(?:it|that|the\s+plan)\b",
                                                   low)
        if re.search(r"\b(?:double|twice\s+as\s+many|two\s+times)\b", low) and of_plan:
            value = base * 2
            return Change({"total_nets": value}, f"Plan for {value:,} nets = {base:,} × 2.")
        part = _fraction(low)
        if part is not None:
            factor, words = part
            value = int(round(base * factor))
            if value < 1:
                return None
            return Change({"total_nets": value},
                          f"Plan for {value:,} nets = {words} {base:,}"
                          + (f", households of {_fmt(hh)} people." if hh else "."))
        times = _multiplier(low)
        if times is not None and (of_plan or re.search(r"\b(?:it|that|the\s+plan)\b", low)):
            value = int(round(base * times))
            return Change({"total_nets": value},
                          f"Plan for {value:,} nets = {base:,} × {_fmt(times)}.")
        halving = [m for m in re.finditer(r"\b(?:halve|half)\b", low)
                   if not any(n.start <= m.start() < n.end for n in numbers)]  # "half a million"
        if halving and of_plan:
            value = int(round(base / 2))
            return Change({"total_nets": value}, f"Plan for {value:,} nets = half of {base:,}.")
    big = [n for n in numbers if not n.percent and n.value >= 100 and n.is_whole]
    if len(big) != 1:
        return None
    n = big[0]
    head = low[max(0, n.start - 40) : n.start]
    tail = low[n.end : n.end + 40]
    plus = re.search(r"\b(?:another|anoda|anotha|anoder|an?\s+extra|extra|additional|plus|add(?:\s+(?:the|those|these|that|dem|di))?|added|adding|get"
                     r"\s+(?:an?\s+)?(?:extra|additional|more)|more|top\s+up\s+(?:with|of|by)?"
                     r"|(?:increase|raise|boost|add\s+to)\s+(?:[a-z]+\s+){0,3}?by)\s*$",
                     head)  # fmt: skip
    plus = plus or re.match(r"^\s*(?:more|extra|additional)\b", tail) or re.match(
        r"^\s*(?:(?:nets?|itns?|llins?)\s+(?:more|extra|on\s+top)"
        r"|(?:(?:nets?|itns?|llins?)\s+)?join(?:\s+(?:am|dem|it))?)\b", tail)  # fmt: skip
    minus = re.search(r"\b(?:minus|lose|lost|losing|(?:remove|comot)(?:\s+(?:the|those|these|that|dem|di))?"
                      r"|subtract|(?:reduce|cut|decrease"
                      r"|lower|drop|shrink)\s+(?:[a-z]+\s+){0,3}?by|take\s+away|short\s+(?:of|by)"
                      r"|fewer\s+by|less\s+by)\s*$", head)  # fmt: skip
    minus = minus or re.match(r"^\s*(?:(?:nets?|itns?|llins?)\s+)?(?:fewer|less)\b", tail)
    # "knock off 50k nets", "subtract the 100k that was pulled back", "deduct 20,000"
    minus = minus or re.search(r"\b(?:(?:take|knock|shave|cut|chop|slash)\s+off|subtract|deduct"
                               r"|minus|take\s+away|take\s+out)(?:\s+(?:the|those|these|that"
                               r"|dem|di|another))?\s*$", head)
    later = low[n.end:]
    if not (plus or minus) and not FURTHER_CUT.search(head) and re.match(
            r"^\s*(?:[a-z']+\s+){0,3}?(?:nets?|itns?|llins?|bednets?)\b", later):
        # "20,000 nets are at the Gakirau depot, add them to the plan": the nets named
        # before, added (or taken out) by a word that points back at them
        plus = THEM_ADDED.search(later)
        minus = THEM_REMOVED.search(later)
    told_down, told_up = REPORTED_DOWN.search(head), REPORTED_UP.search(head)
    if not (plus or minus or told_down or told_up):
        # "bump it up by 50k", "bring the nets down by 20,000": a direction with "by"
        plus = re.search(r"\b(?:up|upward|upwards)\s+by\s*$", head)
        minus = re.search(r"\b(?:down|downward|downwards)\s+by\s*$", head)
    if not (told_down or told_up) and re.match(r"^\s*(?:(?:nets?|itns?|llins?)\s+)?short\b",
                                                tail) and re.search(
            r"\b(?:fell|fallen|came|come|falls|is|are|was|were|we'?re|been|now|ended\s+up)\s*$",
            head):
        told_down = True  # "the total fell 100k short": 100k fewer
    if not (told_down or told_up):  # "the allocation is 100k lower now": told by its size
        told_down = re.match(r"^\s*(?:(?:nets?|itns?|llins?)\s+)?(?:lower|smaller)\b", tail)
        told_up = re.match(r"^\s*(?:(?:nets?|itns?|llins?)\s+)?(?:higher|bigger|larger)\b", tail)
    if bool(told_down) != bool(told_up) and not (plus or minus):
        if not _of_the_nets(low, n.start, n.end):
            return None  # "the population went up by 20,000": news of something else
        plus, minus = told_up, told_down  # "the allocation dropped by 100k": 100k fewer
    if re.search(r"\b(?:take|knock|shave|cut|slash)\s*$", head) and re.match(
            r"^\s*(?:(?:more\s+)?(?:nets?|itns?|llins?)\s+)?(?:off|away|out)\b", tail):
        plus, minus = None, True  # "take 50k off", "knock 20,000 nets off"
    if FURTHER_CUT.search(head):
        plus, minus = None, FURTHER_CUT.search(head)  # "cut another 100k": fewer again
    if bool(plus) == bool(minus):
        return None
    if re.fullmatch(r"(?:19|20)\d\d", n.text.strip()) and not re.match(
            r"^\s*(?:more\s+|extra\s+)?(?:nets?|itns?|llins?)\b", tail):
        return None  # "add the 2024 figures": a year, not nets
    delta = int(n.value)
    value = base + delta if plus else base - delta
    if value < 1:
        return None
    op = "+" if plus else "-"
    return Change({"total_nets": value},
                  f"Plan for {value:,} nets = {base:,} {op} {delta:,}"
                  + (f", households of {_fmt(hh)} people." if hh else "."),
                  reported=bool(told_down or told_up))


# what a change told as news must be about: the nets, their allocation, stock or supply
TOLD_SUBJECT = re.compile(r"\b(?:nets?|itns?|llins?|bednets?|allocation|allotment|stock|supply"
                          r"|supplies|total|quantity|quota|consignment|delivery|procurement"
                          r"|plan|it|that|we|our|us)\b")


def _of_the_nets(low: str, start: int, end: int) -> bool:
    """Whether the clause holding the amount (start, end) speaks of the nets or their
    allocation ("the allocation dropped by 100k"), not of another figure ("TPR rose by 10%")."""
    breaks = list(re.finditer(r"[.;!?]+(?:\s|$)|,\s|\s(?:and|but|because|while)\s", low))
    begin = max([m.end() for m in breaks if m.end() <= start], default=0)
    finish = min([m.start() for m in breaks if m.start() >= end], default=len(low))
    return bool(TOLD_SUBJECT.search(low[begin:start] + " " + low[end:finish]))


# "..., add them to the plan", "include those in the plan", "take them out of the plan": the
# nets just named, added to or taken out of the current total
THEM_ADDED = re.compile(r"\b(?:add|include|put|throw|top\s+up\s+with)\s+(?:them|those|these|dem"
                        r"|am|di\s+nets|the\s+nets|those\s+nets|these\s+nets)\s+(?:to|into|in|on"
                        r"|onto)\s+(?:the\s+|our\s+|d\s+)?(?:plan|total|allocation|stock)\b")
THEM_REMOVED = re.compile(r"\b(?:remove|take|subtract|deduct|comot)\s+(?:them|those|these|dem|am"
                          r"|the\s+nets|those\s+nets|these\s+nets)\s+(?:out\s+of|off|from)\s+"
                          r"(?:the\s+|our\s+|d\s+)?(?:plan|total|allocation|stock)\b")


# "cut another 100k", "reduce by a further 10%": a cut again; "another" adds no nets here
FURTHER = re.compile(r"\b(?:another|anoda|anotha|anoder|a\s+further|further|an?\s+extra"
                     r"|an?\s+additional|extra|additional)\b")
FURTHER_CUT = re.compile(r"\b(?:cut|reduce|remove|comot|drop|subtract|take\s+(?:away|off|out)"
                         r"|minus|lose|decrease|lower|shave\s+off|knock\s+off)\s+(?:(?:it|them"
                         r"|the\s+nets|nets)\s+)?(?:(?:by|off)\s+)?" + FURTHER.pattern
                         + r"\s*$")


# "10% more than the 450k", "100k fewer than the 500,000 plan": the net total the change is of
THAN_AMOUNT = re.compile(r"\b(?:more|fewer|less|extra|additional)\s+(?:nets?\s+|itns?\s+)?than\s+"
                         r"(?:the\s+|our\s+|my\s+)?(?:original\s+|first\s+|previous\s+|old\s+"
                         r"|earlier\s+)?(?P<amount>\d[\d,.]*\s*(?:k|m|million|thousand)?)"
                         r"(?:\s+(?:nets?|itns?|llins?|plan|one|version))*\b")


def _than_base(low: str) -> tuple[int, str] | None:
    """(the net total named after "more/fewer than", the message without it), or None."""
    m = THAN_AMOUNT.search(low)
    if m is None:
        return None
    amounts = [n for n in ex.extract_numbers(m.group("amount")) if not n.percent]
    if len(amounts) != 1 or amounts[0].value < 1000 or not amounts[0].is_whole:
        return None
    rest = low[: m.start("amount")].rstrip()
    rest = re.sub(r"\s+than(?:\s+(?:the|our|my|original|first|previous|old|earlier))*$", "",
                  rest)
    return int(amounts[0].value), rest + " " + low[m.end():]


MULTIPLIER = re.compile(
    r"(?<![\w.])x\s*(?P<a>\d+(?:\.\d+)?)(?![\d.])|(?<![\w.])(?P<b>\d+(?:\.\d+)?)\s*x\b"
    r"|\b(?P<c>\d+(?:\.\d+)?|two|three|four)\s+times\s+(?:the\s+|as\s+many\b|that\b|it\b)"
    r"|\b(?P<d>triple|treble|quadruple)\b")
TIMES_WORDS = {"two": 2, "three": 3, "four": 4, "triple": 3, "treble": 3, "quadruple": 4}


def _multiplier(low: str) -> float | None:
    """ "x2", "2x the nets", "three times as many", "triple it": the nets multiplied.
    "3 times more" is no multiplier (some mean 3, some 4 times as many): it is asked."""
    found = list(MULTIPLIER.finditer(low))
    if len(found) != 1:
        return None
    m = found[0]
    word = m.group("a") or m.group("b") or m.group("c") or m.group("d")
    times = float(TIMES_WORDS.get(word, 0) or word)
    return times if 1 < times <= 10 else None


# "same household size", "keep the household size": a setting kept, not changed
KEPT_SAME = re.compile(
    r"\b(?:(?:the\s+)?same|keep(?:ing)?(?:\s+(?:the|our))?|unchanged)\s+(?:house\s*hold(?:\s+size)?|hh"
    r"(?:\s+size)?|household\s+size|people\s+per\s+net|(?:urban\s+)?threshold|bales?(?:\s+size)?"
    r"|buffer|strategy|rule|method|ranking)\b"
    r"|\b(?:house\s*hold(?:\s+size)?|hh|people\s+per\s+net|(?:urban\s+)?threshold)\s+(?:stays?"
    r"|unchanged|as\s+(?:it\s+)?is|the\s+same)\b")
FRACTIONS = {"half": 1 / 2, "halves": 1 / 2, "third": 1 / 3, "thirds": 1 / 3, "quarter": 1 / 4,
             "quarters": 1 / 4, "fifth": 1 / 5, "fifths": 1 / 5, "tenth": 1 / 10,
             "tenths": 1 / 10}
COUNT_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}
_FRACTION = (r"(?:(?P<count>a|one|two|three|four)[\s-]+)?(?P<part>half|halves|thirds?|quarters?"
             r"|fifths?|tenths?)")
# "a quarter more nets", "a third fewer", "a fifth extra"
FRACTION_MORE = re.compile(r"\b" + _FRACTION + r"\s+(?:(?:more|extra|additional)|(?P<less>fewer"
                           r"|less))\b")
# "increase it by a third", "cut the nets by a quarter", "up by a tenth"
FRACTION_BY = re.compile(r"\b(?:(?P<up>increase|raise|grow|boost|up|top\s+up|add)|(?P<down>cut|reduce"
                         r"|decrease|lower|drop|shrink|down|trim))\b(?:\s+[a-z]+){0,3}?\s+by\s+"
                         + _FRACTION + r"\b")
# "one and a half times the nets", "two and a half times as many", "half as many again"
AND_A_HALF = re.compile(r"\b(?P<whole>one|two|three|1|2|3)[\s-]+and[\s-]+a[\s-]+half[\s-]+times\b"
                        r"|\bhalf\s+as\s+many(?:\s+(?:nets?|itns?|llins?))?\s+again\b|\b(?:half|50%)\s+again\s+as\s+many\b")
# "three quarters of the nets", "two thirds of it"
FRACTION_OF = re.compile(r"^(?P<lead>(?:[a-z,]+\s+){0,4}?)" + _FRACTION + r"\s+of\s+(?:it|that|them"
                         r"|the\s+(?:plan|nets|total|stock))\b")
# "add a quarter", "add another third", "take a quarter off", "knock a fifth off"
FRACTION_ADD = re.compile(r"\b(?:(?P<up>add|plus|another)|(?P<down>take|knock|cut|remove|shave"
                          r"|subtract))\s+(?:another\s+|off\s+)?" + _FRACTION
                          + r"(?:\s+(?:more|extra|off|away))?\s*(?:nets?\s*)?[.!]*$")
_DOWN = re.compile(r"\b(?:cut|remove|take|knock|reduce|drop|lose|subtract|shave|minus|less)\b")
_UP = re.compile(r"\b(?:add|another|extra|plus|more|increase|raise)\b")
_ONLY = re.compile(r"^(?:(?:ok(?:ay)?|so|then|now|and|just)\s+)*(?:(?:make\s+it|use|plan|give\s+(?:it|them)"
                   r"|keep|go\s+with|only|try|(?:re-?)?plan\s+with|what\s+about)\s+)*(?:only\s+)?$")


def _count(m: re.Match[str]) -> int:
    return COUNT_WORDS[m.group("count") or "a"]


def _fraction(low: str) -> tuple[float, str] | None:
    """ "a quarter more", "a third fewer", "cut it by a fifth", "one and a half times",
    "three quarters of the nets": the factor the net total is multiplied by and its words;
    None when the message says no such fraction (or more than one)."""
    found = []
    for m in FRACTION_MORE.finditer(low):
        f = _count(m) * FRACTIONS[m.group("part")]
        c = m.group("count") or "a"
        found.append((1 - f, f"{c} {m.group('part')} fewer than") if m.group("less")
                     else (1 + f, f"{c} {m.group('part')} more than"))
    for m in FRACTION_BY.finditer(low):
        f = _count(m) * FRACTIONS[m.group("part")]
        c = m.group("count") or "a"
        found.append((1 + f, f"{c} {m.group('part')} more than") if m.group("up")
                     else (1 - f, f"{c} {m.group('part')} fewer than"))
    for m in AND_A_HALF.finditer(low):
        said = m.group("whole") or "one"
        whole = COUNT_WORDS[said] if said in COUNT_WORDS else float(said)
        found.append((whole + 0.5, f"{_fmt(whole + 0.5)} ×"))
    for m in FRACTION_OF.finditer(low):
        f = _count(m) * FRACTIONS[m.group("part")]
        lead = m.group("lead")
        if _DOWN.search(lead):
            found.append((1 - f, f"{m.group(0).strip()} off"))
        elif _UP.search(lead):
            found.append((1 + f, f"{m.group(0).strip()} added to"))
        elif _ONLY.match(lead):
            found.append((f, f"{m.group('count') or 'a'} {m.group('part')} of"))
        else:
            return None  # "share a third of the nets among ...": not the total
    for m in FRACTION_ADD.finditer(low):
        f = _count(m) * FRACTIONS[m.group("part")]
        found.append((1 + f, f"{m.group('count') or 'a'} {m.group('part')} more than")
                     if m.group("up") else
                     (1 - f, f"{m.group('count') or 'a'} {m.group('part')} fewer than"))
    if len(found) != 1 or not 0 < found[0][0] <= 10 or found[0][0] == 1:
        return None
    return found[0]


PER_WARD = re.compile(
    r"\b(?:no\s+(?:single\s+|one\s+)?ward|(?:each|every|any|a|one|single)\s+(?:single\s+)?ward"
    r"|per\s+ward|a\s+ward'?s|any\s+one\s+ward)\b")
# "cap it at 4 percent", "cap the plan at 3%": a plan's cap is a share per ward
CAP_IT = re.compile(r"\bcap\s+(?:it|am|that|this|the\s+plan|the\s+allocation|the\s+share"
                    r"|allocations?)?\s*(?:at|to)\s+\d")
CAP_WORDS = re.compile(
    r"\b(?:more\s+than|over|above|exceed\w*|at\s+most|max(?:imum)?|cap(?:ped|s)?|limit\w*"
    r"|up\s+to|no\s+more\s+than|ceiling)\b")


def ward_cap_change(low: str, last_plan: Mapping[str, Any]) -> Change | None:
    """ "no single ward should take more than 2 percent of the nets", "cap each ward at 5%":
    a share of the nets no ward may exceed (the capped strategy), everything else as before.
    The percentage is a cap per ward, never a change of the number of nets."""
    pct = [n for n in ex.extract_numbers(low) if n.percent]
    if len(pct) != 1 or not (PER_WARD.search(low) or CAP_IT.search(low)) or \
            not CAP_WORDS.search(low):
        return None
    if [n for n in ex.extract_numbers(low) if not n.percent and n.value != 1]:
        return None  # another amount said with it: read elsewhere or asked
    value = pct[0].value
    if not 0 < value <= 100:
        return None
    value = int(value) if float(value).is_integer() else value
    return Change({"strategy": "capped", "max_ward_share": value},
                  f"No ward gets more than {_fmt(value)}% of the nets, everything else as "
                  "before.")


SETTING_QUESTIONS = (
    ("urban_threshold", r"\burban\s+(?:threshold|cut-?off|share)\b|\bthreshold\b",
     "What urban threshold should the plan use? Wards more urban than that percentage are "
     "served last (now {value}%)."),
    ("household_size", r"\bhouse\s*hold(?:\s+size)?\b|\bhh(?:\s+size)?\b",
     "What household size should the plan use (now {value} people)?"),
    ("people_per_net", r"\bpeople\s+per\s+net\b|\bpersons?\s+per\s+net\b",
     "How many people should one net cover (now {value})?"),
    ("bale_size", r"\bbale\s+size\b|\bbales?\b", "How many nets are in a bale?"),
)
SETTING_DEFAULT_VALUES = {"urban_threshold": 75, "people_per_net": 1.8, "bale_size": 1}
CHANGE_VERB = re.compile(r"\b(?:change|adjust|set|modify|update|alter|tweak|different)\b"
                         r"|(?P<up>\b(?:increase|raise|bump\s+up|push\s+up)\b)"
                         r"|(?P<down>\b(?:decrease|reduce|lower|cut|bring\s+down)\b)")


def _setting_value_asked(low: str, last_plan: Mapping[str, Any]) -> Decision | None:
    """ "change the urban threshold", "and change the household size": one plan setting to
    change with no value: ask for the value, and take a bare number as the answer."""
    verb = CHANGE_VERB.search(low)
    if verb is None or ex.extract_numbers(low) or re.search(
            r"\b(?:default|normal|original|standard|back|reset)\b", low):
        return None
    named = [(p, q) for p, rx, q in SETTING_QUESTIONS if re.search(rx, low)]
    if len(named) != 1 or re.search(r"\bnets?\s+(?:count|number|total)\b|\bnumber\s+of\s+nets"
                                    r"|\bstrategy\b|\bmethod\b|\branking\b", low):
        return None
    param, question = named[0]
    value = last_plan.get(param, SETTING_DEFAULT_VALUES.get(param))
    current = value
    if "{value}" in question:
        question = question.format(value=_fmt(float(value))) if value is not None else \
            re.sub(r"\s*\(now \{value\}[^)]*\)|\s*\(now \{value\}%\)", "", question)
    pending = {"tool": "what_if_plan", "params": {}, "missing": [], "expects": "plan_numbers",
               "setting": param, "current": current}
    if verb.group("up") or verb.group("down"):
        # "increase the household size": the answer "to 6" or "by 1" is read that way up
        pending["sign"] = 1 if verb.group("up") else -1
    return Decision(text=question, pending=pending)


OTHER_REQUEST = re.compile(r"\b(?:wards?|lgas?|top|bottom|maps?|list|show|export|download|csv"
                           r"|excel|xlsx|png|html|report|analys\w*|variables?|rank\w*|tpr"
                           r"|target|reprioriti\w*)\b")


def _setting_answer(text: str, low: str, pending: Mapping[str, Any]) -> Decision | None:
    """The value of the one setting asked for ("50" after "what urban threshold?", "make it
    5, the survey figure" after "what household size?"). Only one number, in range."""
    param = pending["setting"]
    nums = ex.extract_numbers(low)
    if len(nums) != 1 or reads_as_question(text) or NET_CUE.search(low) and \
            param != "people_per_net" or len(low.split()) > 8:
        return None
    n = nums[0]
    if n.percent and param != "urban_threshold" or OTHER_REQUEST.search(low):
        return None  # "top 10 wards" after the question: another request, read alone
    label = PLAN_LABELS[param]
    unit = "%" if param == "urban_threshold" else ""
    value = n.number
    echo = f"{label.capitalize()} {_fmt(n.value)}{unit}, everything else as before."
    sign = pending.get("sign")
    by = re.search(r"^\s*(?:(?:ok|so|then)[\s,]+)?by\b|\b(?:more|extra|fewer|less|up|down)\s*[.!]*$",
                   low[: n.start] + low[n.end:])
    if by is not None:
        # "by 1" after "increase the household size?": the current value changed by it
        up = bool(MORE.search(low)) or sign == 1 and not LESS.search(low)
        down = bool(LESS.search(low)) or sign == -1 and not MORE.search(low)
        old = pending.get("current")
        if up == down or old is None or n.percent:
            return None
        value = round(float(old) + (n.value if up else -n.value), 6)
        value = int(value) if float(value).is_integer() else value
        echo = (f"{label.capitalize()} {_fmt(value)}{unit} = {_fmt(float(old))} "
                f"{'+' if up else '-'} {_fmt(n.value)}, everything else as before.")
    elif sign is not None and pending.get("current") is not None and \
            (float(value) - float(pending["current"])) * sign <= 0:
        return None  # "increase the household size" "4" (it is 5): contradicts, not guessed
    if tool_spec("plan_itn").param(param).problems(value):
        return None
    return Decision([Step("what_if_plan", {param: value}, echo=echo, source=text)],
                    pending=None)


PLAN_LABELS = {"total_nets": "nets", "household_size": "household size",
               "urban_threshold": "urban threshold", "people_per_net": "people per net",
               "bale_size": "bale size", "max_ward_share": "cap per ward"}  # fmt: skip
# "450k not 500", "450k total not 500", "450k nets in total, not 500k"
NOT_BETWEEN = re.compile(r"\s*(?:(?:nets?|total|in\s+total|altogether|people|persons)\s*)?"
                         r",?\s*(?:and\s+)?(?:not|instead\s+of|rather\s+than)\s*")
NOT_BEFORE = re.compile(r"\bnot\s*$")
BUT_BETWEEN = re.compile(r"\s*,?\s*(?:but|it'?s|rather|make\s+it|it\s+should\s+be)?\s*")
# "I typed 300 but it's three hundred and fifty thousand", "I put 5 but it should be 6": the
# value typed, then the one meant
TYPED_BEFORE = re.compile(r"\b(?:i|we)\s+(?:typed|wrote|said|put|entered|gave|used)\s*$")
TYPED_BETWEEN = re.compile(
    r"\s*(?:(?:nets?|people|persons)\s*)?[,.;]?\s*(?:but|and|when|whereas)\s+(?:(?:it'?s|it\s+is"
    r"|it\s+should\s+(?:be|have\s+been)|should\s+(?:be|have\s+been)|i\s+meant|meant|it\s+was"
    r"\s+(?:meant\s+to\s+be|supposed\s+to\s+be)|the\s+(?:right|correct|real|actual)\s+"
    r"(?:one|number|figure|value)\s+is)(?:\s+actually)?)\s*")


def replace_plan_value(low: str, last_plan: Mapping[str, Any]) -> Change | None:
    """ "the figure is 260k, not 250", "not 5 but 6": one value of the last plan replaced.

    The old value names the setting: it must equal exactly one of the plan's values, possibly
    written short ("250" for 250,000 nets when the new value is written in thousands)."""
    numbers = [n for n in ex.extract_numbers(low) if not n.percent]
    pair = None
    for a, b in zip(numbers, numbers[1:], strict=False):
        between = low[a.end:b.start]
        if NOT_BETWEEN.fullmatch(between):
            pair = (b, a)
        elif (NOT_BEFORE.search(low[: a.start]) and BUT_BETWEEN.fullmatch(between)) or (
                TYPED_BEFORE.search(low[: a.start]) and TYPED_BETWEEN.fullmatch(between)):
            pair = (a, b)
    if pair is None or len(numbers) != 2:
        return None
    old, new = pair
    hits = []
    for key in PLAN_LABELS:
        value = last_plan.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        for scale in (1, 1_000, 1_000_000):
            if scale > 1 and not (old.value < 1000 and value >= 1000):
                continue
            if abs(float(value) - old.value * scale) < 1e-6:
                hits.append((key, scale))
    if len(hits) != 1:
        return None
    key, scale = hits[0]
    value = new.value * scale if scale > 1 and new.value < 1000 else new.value
    if value <= 0 or (key == "total_nets" and not float(value).is_integer()):
        return None
    value = int(value) if float(value).is_integer() else value
    hh = last_plan.get("household_size")
    if key == "total_nets":
        echo = (f"Plan for {value:,} nets instead of {int(last_plan[key]):,}"
                + (f", households of {_fmt(hh)} people" if hh else "")
                + ", everything else as before.")
    else:
        echo = (f"{PLAN_LABELS[key].capitalize()} {_fmt(value)} instead of "
                f"{_fmt(last_plan[key])}, everything else as before.")
    return Change({key: value}, echo)


DIRECTION_CUE = re.compile(r"\binvers\w*|\bdirect(?:ly)?\b|\brisk\b|\bbetter\b|\bworse\b"
                           r"|\bprotect\w*|\b(?:means?|leads?\s+to|gives?)\s+(?:more|less|fewer|higher"
                           r"|lower|increased|reduced)\b|\b(?:lowers|reduces|raises|increases"
                           r"|decreases)\s+(?:the\s+)?(?:risk|malaria|cases|transmission)\b")


def direction_change(text: str, ctx: RouterContext, facts: Facts,
                     topic: str | None = None) -> Decision | None:
    """ "make nets per capita inverse, more nets means less risk": the last analysis again,
    with one variable's direction changed (a variable not used yet is added). "Treat it as
    inverse" right after a message about one variable changes that one."""
    low = ex.lower_text(text)
    asked, mark, order = text.rpartition("?")
    if mark and re.search(r"[a-z]", order.lower()) and asked.strip():
        # "why is housing inverse? then make it direct": the direction is the order's, after
        # the question; "it" is the one variable the question named
        named = {m.column for m in ex.find_variables(asked, ctx.variables) if m.column}
        text, low = order, ex.lower_text(order)
        if len(named) == 1 and not any(m.column for m in ex.find_variables(order,
                                                                           ctx.variables)):
            topic = next(iter(named))
    if not (DIRECTION_CUE.search(low) or FLIP.search(low) or DIRECTIONS_RESET.search(low)) or re.search(
            r"\bplan\b|\bexport\b|\bdownload\b|\bmap\b", low) or DIRECT_OR_INVERSE.search(low):
        return None  # "rainfall na direct or inverse for this analysis" asks
    reset = _directions_reset(text, low, ctx, facts)
    if reset is not None:
        return reset
    mentions = [m for m in ex.find_variables(text, ctx.variables) if m.column]
    if not mentions and topic and topic in ctx.variables and THAT_ONE.search(low):
        mentions = [ex.VariableMention(topic, topic, topic, -1, -1, 100.0)]
        said = _topic_direction(low)
        directions = {topic: said[0]} if said else {}
    else:
        directions = ex.find_directions(text, mentions) if mentions else {}
    flipped = _flipped_direction(low, mentions, facts)
    if flipped is not None:
        if isinstance(flipped, Decision):
            return flipped
        directions = flipped
    if not directions or re.search(r"\d", _without_names(low, ctx)) or \
            {m.column for m in mentions} - set(directions):
        return None  # a list of variables with a direction is a new analysis, read elsewhere
    variables = list(facts.analysis_variables)
    added = [v for v in directions if v not in variables]
    variables += added
    old = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
           if k in variables}
    if all(old.get(k) == v for k, v in directions.items()) and not added:
        return None
    params: dict[str, Any] = {"variables": variables, "directions": {**old, **directions}}
    for k in ("methods", "normalization"):
        if facts.analysis_params.get(k):
            params[k] = facts.analysis_params[k]
    changed = ", ".join(f"{k} as {v}" for k, v in directions.items())
    echo = (f"Re-running the analysis with the same {len(variables)} variables "
            f"({_join(variables)}), treating {changed}.")
    if added:
        echo = (f"Re-running the analysis with {len(variables)} variables: {_join(variables)} "
                f"(added {_join(added)}), treating {changed}.")
    return Decision([Step("run_analysis", params, echo=echo, source=text)],
                    reading={"relative": "directions"})


DIRECTIONS_RESET = re.compile(
    r"\b(?:reset|restore|clear|remove|drop|forget)\s+(?:all\s+)?(?:the\s+|my\s+)?(?:custom\s+|own\s+)?"
    r"directions?\b|\bdirections?\s+(?:all\s+)?(?:back\s+)?to\s+(?:the\s+)?(?:defaults?|normal|standard"
    r"|usual)\b|\b(?:default|normal|standard|usual)\s+directions?\b")


def _directions_reset(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """ "put all directions back to default", "reset the directions": the same variables,
    each with the direction the catalogue gives it."""
    if not DIRECTIONS_RESET.search(low) or reads_as_question(text) or \
            re.search(r"\b(?:except|but|keep\w*)\b", low):
        return None
    variables = list(facts.analysis_variables)
    mentions = [m.column for m in ex.find_variables(text, ctx.variables) if m.column]
    if mentions and not set(mentions) <= set(variables):
        return None
    old = dict(facts.analysis_params.get("directions") or {})
    gone = [k for k in old if not mentions or k in mentions]
    if not gone:
        return Decision(text="The analysis already uses the default direction of every "
                             "variable; nothing was changed.")
    kept = {k: v for k, v in old.items() if k not in gone and k in variables}
    params: dict[str, Any] = {"variables": variables}
    if kept:
        params["directions"] = kept
    for k in ("methods", "normalization"):
        if facts.analysis_params.get(k):
            params[k] = facts.analysis_params[k]
    return Decision([Step("run_analysis", params, echo=(
        f"Re-running the analysis with the same {len(variables)} variables ({_join(variables)}), "
        f"with the default direction for {_join(gone)}."), source=text)],
        reading={"relative": "directions"})


DIRECT_OR_INVERSE = re.compile(r"\bdirect(?:ly)?\s+or\s+(?:an?\s+)?invers\w*"
                               r"|\binvers\w*\s+or\s+(?:an?\s+)?direct(?:ly)?\b")
FLIP = re.compile(r"\b(?:flip|reverse|switch|swap|toggle|change)\s+(?:the\s+|its\s+)?"
                  r"(?:direction|sign|polarity)s?\b|\b(?:flip|reverse)\b|\bother\s+way\s+"
                  r"(?:round|around)\b|\bopposite\s+(?:direction|way)\b")
EXPLICIT_DIRECTION = re.compile(r"\b(?:as|to|be|is|make\s+it)\s+(?:an?\s+)?(?:direct|inverse)\b"
                                r"|\b(?:direct|inverse)\s+(?:instead|now)\b")


def _flipped_direction(low: str, mentions: Sequence[ex.VariableMention],
                       facts: Facts) -> dict[str, str] | Decision | None:
    """ "flip the direction of elevation", "reverse rainfall": the opposite of the direction
    the last analysis gave that variable (asked when it is not known)."""
    if not FLIP.search(low) or EXPLICIT_DIRECTION.search(low):
        return None
    columns = list(dict.fromkeys(m.column for m in mentions if m.column))
    if len(columns) != 1:
        return None
    column = columns[0]
    from chatmrpt.analysis.variables import catalogue_entry, default_direction

    current = (facts.analysis_params.get("directions") or {}).get(column)
    if current is None and column in facts.analysis_variables and catalogue_entry(column):
        current = default_direction(column)[0]
    if current not in DIRECTIONS:
        choices = [{"label": f"Treat {column} as {d}", "tool": "run_analysis",
                    "params": {"variables": list(dict.fromkeys([*facts.analysis_variables,
                                                                column])),
                               "directions": {**(facts.analysis_params.get("directions") or {}),
                                              column: d}}}
                   for d in DIRECTIONS]
        return Decision(text=f"Which direction should {column} take: direct (a higher value "
                             "means more risk) or inverse (a higher value means less risk)?",
                        choices=choices, pending={"expects": "choice", "choices": choices})
    return {column: "direct" if current == "inverse" else "inverse"}


def _topic_direction(low: str) -> list[str]:
    """The direction "treat it as inverse" gives (none when both or neither are said)."""
    said = {d for d, rx in (("inverse", r"\binvers\w*|\bprotect\w*"),
                            ("direct", r"\bdirect(?:ly)?\b")) if re.search(rx, low)}
    return list(said) if len(said) == 1 else []


def _variable_talk(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """Kinds of variables and every variable of the table (chatmrpt.chat.variable_talk)."""
    from chatmrpt.chat import variable_talk

    if not ctx.has_dataset or not ctx.variables:
        return None
    alone = variable_talk.one_variable_alone(text, ctx, facts)
    if alone is not None:  # "what if we used rainfall only?": it cannot run, said so
        return alone
    if ctx.analysis_ready and facts.analysis_variables:
        grouped = variable_talk.group_change(text, ctx, facts) or \
            variable_talk.unnamed_change(text, ctx, facts)
        if grouped is not None:
            return grouped
    return variable_talk.all_variables(text, ctx, facts)


def _keep_out_excluded(decision: Decision, text: str, ctx: RouterContext,
                       facts: Facts) -> Decision:
    from chatmrpt.chat import variable_talk

    return variable_talk.keep_out_excluded(decision, text, ctx, facts)


BY_PARAMS = (
    ("household_size", r"\bhouse\s*hold\w*|\bhh\b", "household size", None),
    ("urban_threshold", r"\burban\b|\bthreshold\b", "urban threshold", 75),
    ("people_per_net", r"\bpeople\s+per\s+net\b", "people per net", 1.8),
)


def _by_change(low: str, last_plan: Mapping[str, Any]) -> Change | None:
    """ "reduce the household size by 1", "raise the urban threshold by 10": relative changes
    of a plan setting other than the number of nets."""
    m = re.search(r"\bby\s+(\S+(?:\s+point\s+\w+)?)", low)
    name = next(((p, label, default) for p, rx, label, default in BY_PARAMS
                 if re.search(rx, low)), None)  # fmt: skip
    if m is None or name is None:
        return None
    param, label, default = name
    more, less = bool(MORE.search(low)), bool(LESS.search(low))
    if more == less:
        return None
    nums = ex.extract_numbers(low[m.start():])
    if not nums or nums[0].percent and param != "urban_threshold":
        return None
    base = last_plan.get(param, default)
    if base is None:
        return None
    delta = nums[0].value if more else -nums[0].value
    value = round(float(base) + delta, 6)
    if value <= 0:
        return None
    value = int(value) if float(value).is_integer() else value
    op = "+" if delta > 0 else "-"
    return Change({param: value}, f"{label.capitalize()} {_fmt(value)} = {_fmt(base)} {op} "
                                  f"{_fmt(abs(delta))}.")


LAST_SETTING_BY = {"household_size": ("household size", None),
                   "urban_threshold": ("urban threshold", 75),
                   "people_per_net": ("people per net", 1.8)}


def last_setting_by(text: str, low: str, last: Mapping[str, Any] | None,
                    last_plan: Mapping[str, Any] | None) -> Change | None:
    """ "lower it by another 10" right after the urban threshold was changed: the setting the
    last change was about, changed again by the amount; never the number of nets. Only when
    the last change was that one setting alone and the message names no setting."""
    if not last_plan or not last or last.get("tool") != "what_if_plan" or "?" in low or \
            reads_as_question(text):
        return None
    keys = set(last.get("params") or {})
    if len(keys) != 1 or next(iter(keys)) not in LAST_SETTING_BY:
        return None
    param = next(iter(keys))
    if not re.search(r"\bby\b", low) or not re.search(r"\b(?:it|that|am|again|another|further"
                                                     r"|more)\b", low):
        return None
    if NET_CUE.search(low) or any(re.search(rx, low) for _, rx, _, _ in BY_PARAMS) or \
            re.search(r"\b(?:bales?|buffer|cap|plan|wards?|target|maps?)\b", low):
        return None
    nums = ex.extract_numbers(low)
    if len(nums) != 1 or nums[0].percent:
        return None  # "cut it by 10%": of the nets or of the threshold? read elsewhere
    more = bool(MORE.search(FURTHER.sub(" ", low)))
    less = bool(LESS.search(low))
    if more == less:
        return None
    label, default = LAST_SETTING_BY[param]
    base = last_plan.get(param, default)
    if base is None:
        return None
    delta = nums[0].value if more else -nums[0].value
    value = round(float(base) + delta, 6)
    value = int(value) if float(value).is_integer() else value
    if tool_spec("plan_itn").param(param).problems(value):
        return None
    unit = "%" if param == "urban_threshold" else ""
    return Change({param: value}, f"{label.capitalize()} {_fmt(float(value))}{unit} = "
                                  f"{_fmt(float(base))}{unit} {'+' if more else '-'} "
                                  f"{_fmt(nums[0].value)}, everything else as before.")


THAT_ONE = re.compile(r"\b(?:it|that|this|that\s+one|this\s+one|that\s+variable"
                      r"|this\s+variable|am)\b")


# "add rainfal... no, add nets per capita", "drop ndvi, sorry, evi": a variable request
# corrected inside the message; what follows the mark is what was meant
VARIABLE_FIX = re.compile(
    r"(?:\.\.+|[,;.!\-]|\s)\s*(?:(?:no+|nope|oh|ah|oops|sorry|wait|actually|my\s+bad)[\s,.!]+)*"
    # a bare "no" corrects only when a pause or a new verb follows it ("add rainfal... no, add
    # nets per capita"); "tpr, rainfall and no elevation" is no correction
    r"(?:(?:no+|nope)(?=\s*[,.!;:-]|\s+(?:add|drop|remove|use|include|exclude|i\s+mean))|oops"
    r"|sorry|wait|i\s+mean(?:t)?|scratch\s+that|rather|correction)\b[\s,.!:-]*")


def self_corrected_variables(text: str, ctx: RouterContext) -> str | None:
    """The request as meant when a variable named is corrected inside the message ("add
    rainfal... no, add nets per capita" -> "add nets per capita"; "drop ndvi, sorry, evi" ->
    "drop evi"): None when there is no such correction. A variable must be named (or begun)
    before the mark and another after it."""
    low = ex.lower_text(text)
    marks = [m for m in VARIABLE_FIX.finditer(low) if m.end() < len(low)]
    if not marks or not ctx.variables:
        return None
    mark = marks[-1]
    head, tail = text[: mark.start()], text[mark.end():]
    tail_names = [m for m in ex.find_variables(tail, ctx.variables) if m.column]
    if not tail_names:
        return None
    verb = ADD_VAR.search(ex.lower_text(head)) or DROP_VAR.search(ex.lower_text(head))
    if verb is None or not re.search(r"[a-z]{3,}", ex.lower_text(head)[verb.end():]):
        return None  # nothing named before the mark: no correction of a name
    tail_low = ex.lower_text(tail)
    if ADD_VAR.search(tail_low) or DROP_VAR.search(tail_low):
        return tail.strip()
    rest = tail_low
    for m in sorted(tail_names, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end:]
    if len(tail_names) == 1 and not re.search(
            r"\b(?!(?:the|one|variable|column|instead|please|pls|abeg|then)\b)[a-z]{3,}", rest):
        return f"{head[: verb.end()]} {tail.strip()}"  # "drop ndvi, sorry, evi"
    return None


def variable_change(text: str, ctx: RouterContext, used: Sequence[str],
                    topic: str | None = None, last_tool: str | None = None) -> Change | None:
    """ "also add housing quality", "drop rainfall": the last analysis' variables, changed
    ("and also X", "X too" right after an analysis change)."""
    text = self_corrected_variables(text, ctx) or text
    low = ex.canonical_text(text)
    swapped = _variable_swap(low, ctx, used)
    if swapped is not None:
        return swapped
    adding, dropping = bool(ADD_VAR.search(low)), bool(DROP_VAR.search(low))
    kept = _kept_list(text, low, ctx) if dropping and "?" not in low else None
    if kept is not None:
        return kept
    if not adding and not dropping and last_tool not in SHOWS_ONE_VARIABLE and SOFT_ADD.search(low) \
            and not re.search(
            r"\b(?:maps?|show|plot|charts?|export|download|list|top|bottom|plan|nets?|wards?"
            r"|what|which|how|why|is|are)\b", low):
        adding = True  # "and also settlement_type_poor", "housing quality too"
    if adding and not dropping and DIRECTION_WORD.search(low) and re.search(
            r"\bback\b|\brestore\b|\breinstate\b", ADD_VAR.search(low).group(0)):
        return None  # "put elevation back to inverse" is a direction
    if adding == dropping or not used:
        return None
    # a question, or wards being removed, is no change of the variables
    # ("maybe add rainfall? not sure" is a doubt: read as the change, which is then offered,
    # not made)
    from chatmrpt.chat import unordered

    doubted = (adding and unordered.reason(text) == "doubt" and not QUESTION_START.search(low)
               and not unordered.turned_down(low))
    if (("?" in low and not doubted) or QUESTION_START.search(low)
            or re.search(r"\bwards?\b|\bhow\s+many\b", low)):
        return None
    # the variables of the change are those of its clause: "drop rainfall, it is too
    # correlated with ndvi" drops rainfall only
    verb = (ADD_VAR if adding else DROP_VAR).search(low)
    clause_end = re.search(r"[,;.!]|\b(?:because|since|as\s+it|it\s+is|it'?s|which|cos)\b",
                           low[verb.end():]) if verb else None
    end = verb.end() + clause_end.start() if verb and clause_end else len(low)
    mentions = [m for m in ex.find_variables(text, ctx.variables) if m.column]
    if dropping:
        out = ex.excluded_variables(text, mentions)
        if out and any(m.column not in out and verb and m.end <= verb.start() for m in mentions):
            return None  # "rerun with tpr and rainfall but without elevation": a new list
        if out:
            mentions = [m for m in mentions if m.column in out]
    inside = [m for m in mentions if m.start < end]
    mentions = inside or mentions
    if not mentions:
        # "add it to the analysis" right after a message about one variable
        if topic and topic in ctx.variables and THAT_ONE.search(low) and not re.search(
                r"\bplan\b|\bnets?\b|\bmap\b|\bexport\b|\breport\b|\d", low):
            mentions = [ex.VariableMention(topic, topic, topic, 0, 0, 100.0)]
        else:
            return None
    names = list(dict.fromkeys(m.column for m in mentions))
    if adding:
        new = [n for n in names if n not in used]
        if not new:
            # running the same analysis again changes nothing: said, nothing run
            return Change({}, f"{_join(names)} {'is' if len(names) == 1 else 'are'} already "
                              f"in the analysis (it uses {_join(used)}), so there is nothing "
                              "to add. Nothing was run.")
        variables = [*used, *new]
        echo = (f"Re-running the analysis with {len(variables)} variables: "
                f"{_join(variables)} (added {_join(new)}).")
    else:
        gone = [n for n in names if n in used]
        variables = [v for v in used if v not in gone]
        if not gone:
            return Change({}, f"{_join(names)} {'is' if len(names) == 1 else 'are'} not in the "
                              f"analysis (it uses {_join(used)}), so there is nothing to take "
                              "out; nothing was changed.")
        if len(variables) < 2:
            return Change({}, f"The analysis uses {_join(used)}; without {_join(gone)} fewer "
                              "than 2 variables would be left, and the composite score needs "
                              "at least two, so nothing was changed. Add another variable "
                              "first, or name the variables to use.")
        echo = (f"Re-running the analysis with {len(variables)} variables: "
                f"{_join(variables)} (dropped {_join(gone)}).")
    return Change({"variables": variables}, echo)


# "drop rainfall and housing, keep A, B and C": the list kept, said in full
KEEP_LIST = re.compile(r"\b(?:keep|keeping|retain|retaining|leave\s+(?:only|just)|use\s+(?:only"
                       r"|just)|only\s+(?:use|keep)|just\s+(?:use|keep)|stay\s+with|remain\s+with"
                       # "drop rainfall and rerun with A and B": the list to run with, in full
                       r"|(?:re-?run|run|redo|do)\s+(?:it\s+|this\s+|that\s+|the\s+analysis\s+)?"
                       r"(?:again\s+)?(?:only\s+|just\s+)?(?:with|using|on)"
                       r"|(?:[,;]\s*|\band\s+)(?:then\s+)?use)"
                       r"\s+(?:only\s+|just\s+)?(?:the\s+|d\s+)?")


def _kept_list(text: str, low: str, ctx: RouterContext) -> Change | None:
    """ "ok drop rainfall and housing_quality, keep test_positivity_rate, distance and
    settlement_type_poor": the analysis with exactly the variables said to be kept (two or
    more, none of them also taken out), whatever the last analysis used."""
    m = KEEP_LIST.search(low)
    if m is None:
        return None
    if re.match(r"[,;]|and\b|(?:re-?run|run|redo|do)\b", m.group(0).strip()) and \
            not DROP_VAR.search(low[: m.start()]):
        return None  # "rerun with A and B but without C": a new list, read elsewhere
    stop = re.search(r"[.;!?]|\b(?:because|since|cos|but)\b", low[m.end():])
    segment = low[m.end(): m.end() + stop.start()] if stop else low[m.end():]
    if DIRECTION_WORD.search(segment) or re.search(r"\b(?:directions?|settings?|same|rest"
                                                   r"|others?)\b", segment):
        return None  # "keep housing inverse", "keep the directions": no list of variables
    kept = list(dict.fromkeys(v.column for v in ex.find_variables(segment, ctx.variables)
                              if v.column))
    if len(kept) < 2 or any(v.column is None for v in ex.find_variables(segment,
                                                                          ctx.variables)):
        return None
    before = [v.column for v in ex.find_variables(low[: m.start()], ctx.variables) if v.column]
    if set(before) & set(kept):
        return None  # the same name dropped and kept: asked by the rest of the reading
    dropped = [v for v in dict.fromkeys(before) if v not in kept]
    echo = f"Re-running the analysis with {len(kept)} variables: {_join(kept)}"
    echo += f" (without {_join(dropped)})." if dropped else "."
    return Change({"variables": kept}, echo)


_PART_END = r"(?=$|[,;.!?]|\s+and\s+(?:show|give|list|map|tell|then|run)\b|\s+then\b)"
SWAPS = (  # (pattern, group taken out, group put in)
    (re.compile(r"\b(?:swap|switch|exchange|trade)\s+(?:out\s+)?(?P<a>[^,;.!?]+?)\s+(?:for|with)"
                r"\s+(?P<b>[^,;.!?]+?)" + _PART_END), "a", "b"),
    (re.compile(r"\breplace\s+(?P<a>[^,;.!?]+?)\s+(?:with|by)\s+(?P<b>[^,;.!?]+?)" + _PART_END),
     "a", "b"),
    (re.compile(r"\b(?:use|take|put\s+in|add|include|bring\s+in)\s+(?P<b>[^,;.!?]+?)\s+"
                r"(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+(?P<a>[^,;.!?]+?)"
                + _PART_END), "a", "b"),
    # "drop elevation and add evi instead", "take out rainfall, put in ndvi"
    (re.compile(r"\b(?:drop|remove|take\s+out|exclude|leave\s+out|lose)\s+(?P<a>[^,;.!?]+?)"
                r"\s*(?:,\s*|\s+)(?:and\s+|then\s+)?(?:add|use|put\s+in|include|bring\s+in"
                # "drop rainfall and rerun with dumpsites": one name said after the drop
                r"|(?:re-?run|run|redo)\s+(?:it\s+|the\s+analysis\s+)?(?:again\s+)?"
                r"(?:with|using))\s+"
                r"(?P<b>[^,;.!?]+?)(?:\s+(?:instead|in\s+its\s+place))?" + _PART_END), "a", "b"),
)


def _variable_swap(low: str, ctx: RouterContext, used: Sequence[str]) -> Change | None:
    """ "swap EVI for NDVI", "replace rainfall with soil wetness", "use NDVI instead of EVI":
    one variable of the last analysis replaced by another, in its place."""
    if not used or "?" in low:
        return None
    parts = split_requests(low)
    # "remove elevation, then rerun with nighttime lights" is one swap said in two parts;
    # "swap EVI for NDVI and show me the new top 5": the other parts later
    whole = low
    if len(parts) > 1:
        low = parts[0]
    for rx, out_group, in_group in SWAPS:
        m = rx.search(low) or rx.search(whole)
        if m is None:
            continue
        outs = {v.column for v in ex.find_variables(m.group(out_group), ctx.variables)
                if v.column}
        ins = {v.column for v in ex.find_variables(m.group(in_group), ctx.variables)
               if v.column}
        if len(outs) != 1 or len(ins) != 1:
            return None
        (old,), (new,) = outs, ins
        if old == new:
            return None
        if old not in used:  # nothing to take out: said so, nothing run
            return Change({}, f"{old} is not in the current analysis, which uses "
                              f"{_join(list(used))}, so there is nothing to swap. Nothing was "
                              "run; say which variables to use" + (
                                  f", for example \"add {new}\"." if new not in used else "."))
        if new in used:
            return Change({}, f"{new} is already in the current analysis ({_join(list(used))})"
                              f". Nothing was run; say \"drop {old}\" to take {old} out.")
        variables = [new if v == old else v for v in used]
        return Change({"variables": variables},
                      f"Re-running the analysis with {len(variables)} variables: "
                      f"{_join(variables)} ({new} in place of {old}).")
    return None


# "redo the plan with that", "so update it", "the plan should be cut by that": an order beside
# a change told as news; "anyway" or "for now" alone orders nothing here
_REPLAN_ORDER = re.compile(r"\b(?:should|must|shall|needs?\s+to|has\s+to|have\s+to)\s+(?:now\s+)?"
                           r"(?:be|go)\b|\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?"
                           r"(?:re-?do|re-?plan|re-?run|update|adjust|change|apply|reflect|use|plan|run"
                           r"|make|do|reduce|cut|lower|increase|raise|add|remove|take|correct|revise)\b"
                           r"|\baccordingly\b|\bgo\s+ahead\b|\bdo\s+(?:it|am|the\s+needful)\b")


def _change_ordered(low: str) -> bool:
    """Some clause of the message orders a re-plan beside a change told as news ("so yes the
    allocation dropped by 100k. redo the plan with that")."""
    from chatmrpt.chat import unordered

    clauses = [c.strip() for c in re.split(r"\.{2,}|[.;!?:]+\s+|[.;!?]+$|,\s+|\s+(?:and|so)\s+",
                                            low) if c and c.strip()]
    return bool(_REPLAN_ORDER.search(low)) or any(
        unordered._ORDER_CLAUSE.match(c) or _REPLAN_CLAUSE.match(c) for c in clauses)


_REPLAN_CLAUSE = re.compile(r"^(?:(?:ok(?:ay)?|so|now|then|pls|please|plz|kindly|abeg|oya|just"
                            r"|yes)[\s,]+)*(?:adjust|revise|recalculate|recompute|correct|amend"
                            r"|modify|reflect|factor|effect|rework|fix)\b")


# a setting of the net plan named: "add a 10% buffer" after a reprioritisation is the plan's
PLAN_SETTING_SAID = re.compile(r"\b(?:buffer|wastage|house\s*holds?|hh|bales?|cap(?:ped)?"
                               r"|people\s+per\s+net|strategy|nets?|itns?|llins?)\b")
# a re-plan asked in so many words: what makes a share held back ("keep 10% aside") an order
REPLAN_SAID = re.compile(r"\b(?:re-?plan\w*|redo|re-?do|re-?run|recalculate|recompute|re-?allocate"
                         r"|plan\s+(?:with|for)|update\s+the\s+plan|adjust\s+the\s+plan"
                         r"|go\s+ahead|do\s+it|apply\s+it)\b")


def _reported_change_offered(change: Change, text: str) -> Decision:
    """A change of the net total told as news, with no order beside it ("the partner pulled
    back 100,000 nets", "the allocation fell by 10%"): the plan it would give is offered, not
    made."""
    from chatmrpt.chat.guards import describe_step

    step = Step("what_if_plan", change.params, echo=change.echo, source=text)
    label = describe_step(Step("what_if_plan", change.params))
    choices = [steps_choice(label, [step]), leave_it()]
    value = change.params["total_nets"]
    how = re.search(r"=\s*(.+?)(?:,\s+households|\.?$)", change.echo)
    body = f"{value:,} nets" + (f" ({how.group(1).strip()})" if how else "")
    return Decision(text=f"Noted. Shall I re-plan with {body}, everything else as before? "
                         "Nothing is changed until you say so.",
                    choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": "what_if_plan"},
                    reading={"relative": "plan", "told_change": True})


METHOD_KEPT = re.compile(r"\b(?:keep\w*|use|using|with|by|stay\w*\s+(?:on|with)|back\s+to|rank\w*)"
                         r"\s+(?:the\s+|it\s+)?(pca|composite)\b")


def _relative(text: str, low: str, ctx: RouterContext, state: DialogueState,
              facts: Facts) -> Decision | None:
    """A relative change of the last request; a plan change that also names the ranking
    ("I meant keep composite but cap each ward at 5 percent") keeps that ranking."""
    decision = _relative_change(text, low, ctx, state, facts)
    plan = ctx.last_plan or {}
    if decision is None or len(decision.steps) != 1 or not plan or \
            decision.steps[0].tool not in PLAN_TOOLS or "method" in decision.steps[0].params:
        return decision
    named = {m.group(1) for m in METHOD_KEPT.finditer(plan_ops._p_c_a(low))}
    if len(named) != 1:
        return decision
    method = named.pop()
    if plan.get("method", "composite") == method:
        return decision
    step = decision.steps[0]
    step.params["method"] = method
    words = "the PCA ranking" if method == "pca" else "the composite ranking"
    if step.echo:
        step.echo = re.sub(r",\s+everything else as before\.?$", "", step.echo.rstrip())
        step.echo = f"{step.echo.rstrip('.')}, with {words}, everything else as before."
    return decision


# "what would happen if we removed the cap?": the setting dropped is the change asked about
# (then asked about, or kept as a choice, by the gates), never another reading of its name
WHAT_IF_DROP = re.compile(r"\b(?:what|wetin)\s+(?:if|(?:would|will)\s+happen\s+if|happens\s+if"
                          r"|about\s+if)\b|\b(?:suppose|supposing|imagine)\b")


# "go back to the default variable set", "back to the three defaults", "put back the default
# set", "restore the original variables": the analysis' variables back to the default selection
BACK_WORD = re.compile(r"\b(?:back|revert\w*|restore\w*|return|reset|undo)\b")
DEFAULT_SET = re.compile(
    r"\b(?:default|usual|original|standard|normal|initial)\s+(?:\w+\s+)?(?:variables?(?:\s+set)?"
    r"|set(?:\s+of\s+(?:variables|columns|indicators))?|selection|columns|indicators)\b"
    r"|\b(?:the|our|its)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+defaults\b")
# another subject's defaults, or a change besides the defaults ("default set plus EVI")
NOT_THE_SET = re.compile(r"\b(?:plan|nets?|threshold|household|map|directions?|normali[sz]\w*"
                         r"|target|tpr|people\s+per)\b")
BESIDES = re.compile(r"\b(?:with|plus|and|but|except|without|keep|minus|add|adding|including"
                     r"|instead)\b")


def default_variables_back(text: str, low: str, ctx: RouterContext,
                           facts: Facts) -> Decision | None:
    """The analysis run again with the default variables when the message asks for the
    default selection back; a question ("did that go back to the usual six?"), another
    setting's defaults or a change besides them is read otherwise."""
    if not ctx.analysis_ready or not facts.analysis_variables:
        return None
    found = DEFAULT_SET.search(low)
    if found is None or not BACK_WORD.search(low) or reads_as_question(text) or \
            NOT_THE_SET.search(low) or BESIDES.search(low[found.end():]) or \
            len(split_requests(text)) > 1:
        return None  # "put the default variables back, then list the bottom three": two
        # requests, read as such elsewhere
    return Decision([Step("run_analysis", {}, echo="Running the analysis again with the "
                          "default variables, directions and settings.", source=text)],
                    reading={"relative": "variables"})


def _variables_what_if(text: str, low: str, ctx: RouterContext, state: DialogueState,
                       facts: Facts) -> Decision | None:
    """ "what if we remove distance? just asking": the analysis' variables changed, as the
    question asks; the gates keep it as an offer (a question changes nothing), so a later
    "ok do it" runs exactly that."""
    if not ctx.analysis_ready or not facts.analysis_variables:
        return None
    head = WHAT_IF_DROP.search(low)
    if head is None or low[: head.start()].strip(" ,.!") not in ("", "so", "ok", "okay", "and",
                                                                  "but", "hmm", "then"):
        return None
    clause = re.split(r"[?.!;]", low[head.end():], maxsplit=1)[0]
    clause = re.sub(r"^\s*(?:we|i|you|u|they)\s+(?:just\s+|also\s+)?", "", clause)
    clause = re.sub(r"\b(added|removed|dropped|included|excluded|took\s+out)\b",
                    lambda m: {"added": "add", "removed": "remove", "dropped": "drop",
                               "included": "include", "excluded": "exclude",
                               "took out": "take out"}.get(m.group(1), m.group(1)), clause)
    if not clause.strip() or re.search(r"\b(?:nets?|plan|threshold|target|household|map)\b",
                                       clause):
        return None
    return _asked_variables_run(clause, text, ctx, state, facts)


def _asked_variables_run(clause: str, text: str, ctx: RouterContext, state: DialogueState,
                         facts: Facts) -> Decision | None:
    """The analysis a change of the variables asked about would run (the clause read as the
    change, the analysis' directions and settings kept), as a what-if: offered, not run."""
    change = variable_change(clause, ctx, facts.analysis_variables, state.topic,
                             (state.last or {}).get("tool"))
    if change is None or not change.params or \
            set(change.params.get("variables") or ()) == set(facts.analysis_variables):
        return None
    params = dict(change.params)
    directions = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
                  if k in params["variables"]}
    if directions:
        params["directions"] = directions
    for k in ("methods", "normalization"):
        if facts.analysis_params.get(k):
            params[k] = facts.analysis_params[k]
    return Decision([Step("run_analysis", params, echo=change.echo, source=text)],
                    # a what-if is never an order: it is offered, whatever follows the
                    # question ("... I don't want to run it now")
                    reading={"relative": "variables", "what_if": True, "not_ordered": True})


# "should I add nets per capita to the analysis?", "what would happen to the ranking if I
# added ndvi?", "would it help to drop rainfall?": a change of the variables asked about
VARIABLE_CHANGE_ASKED = re.compile(
    r"^\s*(?:(?:so|ok(?:ay)?|and|but|hmm+|also)[\s,]+)*(?:(?:what|wetin)\s+(?:would|will|might)"
    r"\s+happen\s+(?:to\s+[^?,]{1,40}?\s+)?if|how\s+(?:would|will|might)\s+(?:the\s+)?(?:ranking"
    r"|ranks?|results?|scores?|order)\s+(?:change|look|move)\s+if|should\s+(?:i|we|u|you)"
    r"|would\s+it\s+(?:help|be\s+(?:better|good|wise|worth\s+it))\s+(?:to|if\s+(?:i|we))"
    r"|is\s+it\s+(?:worth|wise|better|good\s+to)|do\s+(?:you\s+think\s+)?(?:i|we)\s+should"
    r"|(?:can|could)\s+(?:i|we)\s+(?:also\s+)?(?=add|drop|remove|include|exclude))\s*")
_ING = {"adding": "add", "added": "add", "removing": "remove", "removed": "remove",
        "dropping": "drop", "dropped": "drop", "including": "include", "included": "include",
        "excluding": "exclude", "excluded": "exclude"}


def _variable_change_asked(text: str, low: str, ctx: RouterContext, state: DialogueState,
                           facts: Facts) -> Decision | None:
    """A change of the analysis' variables asked about ("should I add nets per capita to the
    analysis?"): read as the change, kept as an offer (a question changes nothing), so a
    later "ok do am" runs exactly that."""
    if not ctx.analysis_ready or not facts.analysis_variables:
        return None
    m = VARIABLE_CHANGE_ASKED.match(low)
    if m is None:
        return None
    clause = re.split(r"[?.!;]", low[m.end():], maxsplit=1)[0]
    clause = re.sub(r"^\s*(?:i|we|you|u|they)\s+(?:just\s+|also\s+)?", "", clause)
    clause = re.sub(r"\b(" + "|".join(_ING) + r")\b", lambda g: _ING[g.group(1)], clause)
    if not re.match(r"\s*(?:add|drop|remove|include|exclude|take\s+out)\b", clause) or \
            re.search(r"\b(?:nets?\s+(?:plan|total)|plan|threshold|target|household|map)\b",
                      clause):
        return None
    return _asked_variables_run(clause, text, ctx, state, facts)


def _relative_change(text: str, low: str, ctx: RouterContext, state: DialogueState,
                     facts: Facts) -> Decision | None:  # fmt: skip
    from chatmrpt.chat.dialogue import TARGET_SAID
    last = state.last or {}
    last_tool = last.get("tool")
    back = default_variables_back(text, low, ctx, facts)
    if back is not None:
        return back
    what_if = WHAT_IF_DROP.search(low) is not None or bool(
        re.match(r"^\s*(?:(?:and|so|but|now|ok(?:ay)?)[\s,]+)*if\b", low) and
        SETTING_PASSIVE.search(low))  # "if the cap were removed, how would ...?"
    asked = _variables_what_if(text, low, ctx, state, facts) if what_if else \
        _variable_change_asked(text, low, ctx, state, facts)
    if asked is not None:
        return asked
    if what_if:  # "what if the cap were removed": the setting dropped, said the active way
        low = SETTING_PASSIVE.sub(lambda m: f"remove the {m.group('what')}", low)
    low_d = re.sub(r"\b(remov|dropp|scrapp|ditch|cancell?)ed\b",
                   lambda m: {"dropp": "drop", "scrapp": "scrap", "cancell": "cancel",
                              "cancel": "cancel"}.get(m.group(1), m.group(1) + (
                                  "e" if m.group(1) == "remov" else "")), low) if what_if else low
    if ctx.last_plan and "total_nets" in ctx.last_plan and (
            not reads_as_question(text) or what_if) and \
            not (RESET.search(low) and last_tool in (*PLAN_TOOLS, "ask_results")) and \
            (re.search(DROP_SETTING, low_d) or NOT_NEEDED.search(low_d)):
        # "remove the 2 people per net", "forget the pca ranking": a setting dropped is read
        # before any reading that would take its number or its name as a new value
        dropped = _plan_setting_dropped(low_d, ctx.last_plan)
        if dropped is not None:
            dropped.reading["relative"] = "plan_setting"
            return dropped
    operated = _plan_operation(text, ctx, state, facts)
    if operated is not None:
        return operated
    again = last_setting_by(text, low, state.last, ctx.last_plan)
    if again is not None:
        return Decision([Step("what_if_plan", again.params, echo=again.echo, source=text)],
                        reading={"relative": "plan_setting"})
    said = plan_settings.plan_change(text, ctx.last_plan, state, bool(facts.last_repri))
    if said is not None:
        return said
    if ctx.last_plan and "total_nets" in ctx.last_plan and not reads_as_question(text):
        replaced = replace_plan_value(low, ctx.last_plan)
        if replaced is not None:
            return Decision([Step("what_if_plan", replaced.params, echo=replaced.echo,
                                  source=text)], reading={"relative": "replace"})
    if ctx.analysis_ready and facts.analysis_variables and not reads_as_question(text):
        turned = direction_change(text, ctx, facts, state.topic)
        if turned is not None:
            return turned
    if ctx.last_plan and "total_nets" in ctx.last_plan and not reads_as_question(text):
        which = _setting_value_asked(low, ctx.last_plan) or \
            setting_ask.asked(text, low, ctx.last_plan)
        if which is not None:
            return which
        capped = ward_cap_change(low, ctx.last_plan)
        if capped is not None:
            return Decision([Step("what_if_plan", capped.params, echo=capped.echo, source=text)],
                            reading={"relative": "plan_setting"})
    instead = _net_change_taken_back(text, low, ctx, state)
    if instead is not None:
        return instead
    if ctx.last_plan and (last_tool in (None, *PLAN_TOOLS, "ask_results") or NET_CUE.search(low)
                          or re.search(r"\bplan\b", low)) and not reads_as_question(text):
        change = relative_plan_change(text, ctx.last_plan)
        if change is not None and change.reported and (
                not _change_ordered(low) or (change.held and not REPLAN_SAID.search(low))):
            return _reported_change_offered(change, text)
        if change is not None:
            return Decision([Step("what_if_plan", change.params, echo=change.echo, source=text)],
                            reading={"relative": "plan"})  # fmt: skip
    if ctx.last_plan and "total_nets" in ctx.last_plan:
        asked = _plan_size_question(text, low, ctx.last_plan)
        if asked is not None:
            return asked
        dropped = None if RESET.search(low) and last_tool in (*PLAN_TOOLS, "ask_results") \
            else _plan_setting_dropped(low, ctx.last_plan)
        if dropped is not None:
            dropped.reading["relative"] = "plan_setting"
            return dropped
    if ctx.last_plan and "total_nets" in ctx.last_plan and (
            last_tool in (None, *PLAN_TOOLS, "ask_results", "export_results",
                          "explain_methodology") or NET_CUE.search(low)
            or re.search(r"\bplan\b", low)):
        setting = _plan_setting_change(low, ctx.last_plan)
        if setting is not None:
            setting.reading["relative"] = "plan_setting"
            return setting
    if RESET.search(low) and _full_reset_asked(low) and not ex.find_normalization(text):
        if last_tool in (*PLAN_TOOLS, "ask_results") and ctx.last_plan and \
                "total_nets" in ctx.last_plan and not re.search(r"\banaly", low):
            params = {k: ctx.last_plan[k] for k in ("total_nets", "household_size")
                      if k in ctx.last_plan}  # fmt: skip
            return Decision([Step("plan_itn", params,
                                  echo=f"Back to the default plan settings with "
                                       f"{int(params['total_nets']):,} nets and households of "
                                       f"{_fmt(params['household_size'])} people (urban wards "
                                       "above 75% served last, composite ranking, nets given "
                                       "in rank order).", source=text)])  # fmt: skip
        changed = last.get("changed") or last_tool
        repri_back = _repri_defaults_back(text, low, ctx, facts, last_tool, changed)
        if repri_back is not None:
            return repri_back
        planned = bool(ctx.last_plan and "total_nets" in ctx.last_plan)
        if changed == "run_analysis" and ctx.analysis_ready and last_tool not in PLAN_TOOLS \
                and not re.search(r"\b(?:urban|wards?|nets?|plan|threshold|target|tpr|map)\b",
                                  low):
            # the last change of the conversation was the analysis (a question about its
            # result may have come since): its defaults are the ones meant
            return Decision([Step("run_analysis", {}, echo="Running the analysis again with "
                                  "the default variables, directions and settings.",
                                  source=text)], reading={"relative": "variables"})
        if last_tool == "run_analysis" or (ctx.analysis_ready and (
                re.search(r"analys", low) or (not planned and re.search(
                    r"\b(?:back|reset|revert|restore|return|undo)\b", low)
                    and not re.search(r"\b(?:urban|wards?|nets?|plan)\b", low)))):
            # with no plan in the session, the analysis' are the only defaults to go back to
            return Decision([Step("run_analysis", {}, echo="Running the analysis again with "
                                  "the default variables, directions and settings.",
                                  source=text)])  # fmt: skip
    if ctx.analysis_ready and facts.analysis_variables:
        change = variable_change(text, ctx, facts.analysis_variables, state.topic, last_tool)
        if change is not None and not change.params:
            return Decision(text=change.echo, reading={"variables": "refused"})
        if change is None:
            from chatmrpt.chat import variable_talk

            listed = variable_talk.list_change(text, ctx, facts)
            if listed is not None:
                return listed
        if change is not None:
            params = dict(change.params)
            directions = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
                          if k in params["variables"]}  # fmt: skip
            if directions:
                params["directions"] = directions
            for k in ("methods", "normalization"):
                if facts.analysis_params.get(k):
                    params[k] = facts.analysis_params[k]
            # "swap EVI for NDVI and show me the new top 5": the change is the first request;
            # the others wait for the new analysis (their numbers are not the change's)
            parts = split_requests(text)
            if len(parts) > 1 and variable_change(parts[0], ctx, facts.analysis_variables,
                                                  state.topic) == change:
                later = [f'Not done yet: "{p}" - ask again once the new analysis is done.'
                         for p in parts[1:]]
                return Decision([Step("run_analysis", params, echo=change.echo,
                                      source=parts[0])], not_done=later,
                                reading={"relative": "variables"})
            return Decision([Step("run_analysis", params, echo=change.echo, source=text)],
                            reading={"relative": "variables"})  # fmt: skip
    last_params = last.get("params") or {}
    if ctx.analysis_ready and (facts.last_repri or last_tool == "reprioritize_urban"):
        target = _repri_target_by(text, low, facts) or _repri_target_said(text, low)
        if target is not None:
            return target
    repri_last = last_tool == "reprioritize_urban" or (
        last_tool == "ask_results" and str(last_params.get("about", "")).startswith("repri"))
    # after the urban map of a reprioritisation, or with no plan a threshold could belong
    # to, "try threshold 40 alone" is the reprioritisation's too
    urban_map = last_tool == "show_map" and last_params.get("what") == "urban"
    repri_threshold = repri_last or bool(facts.last_repri) and (
        urban_map or ctx.last_plan is None)
    if repri_threshold and ctx.analysis_ready and not repri_last:
        nums = [n for n in ex.extract_numbers(low) if 0 < n.value <= 100]
        if len(nums) == 1 and (ALONE.search(low) or RERUN.search(low)) and re.search(
                r"\bthreshold\b|\burban\b|%|\bper\s*cent\b|\bpct\b", low) \
                and not TARGET_SAID.search(low) and not reads_as_question(text) and \
                not re.search(r"\b(?:if|would|could|should)\b", low) and not re.search(
                    r"\bnets?\b|\bplan\b|\bmaps?\b|\bshow\b|\bexport\b|\bdownload\b", low):
            return Decision([Step("reprioritize_urban", {"thresholds": [nums[0].number]},
                                  echo=f"Urban reprioritisation at more than {_fmt(nums[0].value)}%"
                                       " urban only.", source=text)],
                            reading={"relative": "repri"})
    if repri_last and ctx.analysis_ready and not PLAN_SETTING_SAID.search(low):
        # "that one", "a share": words, not thresholds ("add a 10% buffer" is the plan's)
        nums = [n for n in ex.extract_numbers(low) if 0 < n.value <= 100
                and n.text.strip() not in ("one", "a", "an")]
        same = last_params.get("threshold") if last_tool == "ask_results" else None
        if not nums and same is not None and SAME_THRESHOLD.search(low) and re.search(
                r"\bpop\w*|\bshare\b|\bpeople\b|\bhow\s+many\b|\bwhich\b|\bnames?\b", low) \
                and not re.search(r"\bnets?\b|\bplan\b|\bmaps?\b|\bexport\b", low):
            about = "repri_names" if re.search(r"\bwhich\b|\bnames?\b|\blist\b", low) \
                else "repri_count"  # the count comes with the share of the population
            return Decision([Step("ask_results", {"about": about, "threshold": same},
                                  source=text)])
        if len(nums) == 1 and (re.search(r"\b(?:only|just|use|redo|rerun|try|instead|alone)\b"
                                         r"|\bon\s+its\s+own\b", low) or RERUN.search(low)) \
                and re.search(r"\bthreshold\b|\burban\b|%|\bper\s*cent\b|\bpct\b", low) and not TARGET_SAID.search(low) \
                and not reads_as_question(text) and not re.search(
                    r"\bnets?\b|\bplan\b|\bmaps?\b|\bshow\b|\bexport\b|\bdownload\b", low):
            return Decision([Step("reprioritize_urban", {"thresholds": [nums[0].number]},
                                  echo=f"Urban reprioritisation at more than {_fmt(nums[0].value)}%"
                                       " urban only.", source=text)],
                            reading={"relative": "repri"})
        if len(nums) == 1 and re.search(r"\btarget\b|\bof\s+(?:the\s+)?population\b", low) \
                and not reads_as_question(text):
            return Decision([Step("reprioritize_urban", {"target_share": nums[0].number},
                                  echo=f"Urban reprioritisation with a target of "
                                       f"{_fmt(nums[0].value)}% of the population.",
                                  source=text)])  # fmt: skip
        if len(nums) == 1 and len(low.split()) <= 7 and not re.search(
                r"\bnets?\b|\bplan\b|\btarget\b|\bmaps?\b|\bshow\b|\bplot\b|\bexport\b"
                r"|\bdownload\b", low) and (
                last_tool == "ask_results" or re.search(r"\bhow\s+many\b|\bwhich\b|\bwhat\s+about"
                                                        r"\b|\band\s+at\b|^\s*at\b", low)):
            about = last_params.get("about") if last_tool == "ask_results" else None
            if re.search(r"\bwhich\b|\bnames?\b|\blist\b", low):
                about = "repri_names"
            elif re.search(r"\bhow\s+many\b", low) or about is None:
                about = "repri_count"
            return Decision([Step("ask_results", {"about": about, "threshold": nums[0].number},
                                  source=text)])
    if last_tool in ("list_wards", "top_wards") and re.search(
            r"\b(?:which|who)\s+(?:of\s+them|one|among\s+them)\b", low):
        m = re.search(r"\b(worst|most|highest|riskiest|top|first|best|least|safest|lowest|last)\b",
                      low)
        if m:
            order = "bottom" if m.group(1) in ("best", "least", "safest", "lowest", "last") else "top"
            params = {**last_params, "n": 1, "order": order}
            return Decision([Step(last_tool, params, source=text)], reading={"relative": "one"})
    if LIST_THEM.match(low) and last_tool == "list_wards" and last_params.get("category"):
        # "list them" after "how many wards are high priority?": those wards, all of them
        params = {k: v for k, v in last_params.items() if k != "n"}
        return Decision([Step("list_wards", params, source=text)], reading={"relative": "them"})
    if ALL_OF_THEM.match(low) and last_tool in ("top_wards", "list_wards") and facts.ward_count \
            and not re.search(r"\d", low) and not any(find_lga(text, facts.lgas)) \
            and not CATEGORY.search(low):
        params = {**(last.get("params") or {}), "n": facts.ward_count}
        return Decision([Step(last_tool, params, source=text)], reading={"relative": "all"})
    return None


# "I said double? sorry I meant add 100k only", "no I said less? I meant more", "I should
# have said 20% more": the last request is taken back and another said in its place
MEANT_INSTEAD = re.compile(r"\bi\s+(?:meant|mean|wanted|intended)\b|\bmeant\s+to\s+(?:say|type"
                           r"|write|ask)\b|\bshould\s+have\s+(?:said|typed|written|asked)\b")


def _net_change_taken_back(text: str, low: str, ctx: RouterContext,
                           state: DialogueState) -> Decision | None:
    """A change of the net total said in place of the last one, which changed the net total
    only: the new change applies to the plan before it ("double it", then "I said double?
    sorry I meant add 100k only": 300,000 + 100,000, not 600,000 + 100,000). None otherwise."""
    last = state.last or {}
    if not MEANT_INSTEAD.search(low) or last.get("tool") not in PLAN_TOOLS or \
            set(last.get("params") or {}) != {"total_nets"} or not ctx.last_plan:
        return None
    h = plan_ops._history(state.plans)
    at = h["at"]
    if at < 1 or not h["params"][at - 1] or not h["params"][at]:
        return None
    before, now = h["params"][at - 1], h["params"][at]
    if now.get("total_nets") != ctx.last_plan.get("total_nets") or any(
            before.get(k, plan_ops.DEFAULTS.get(k)) != now.get(k, plan_ops.DEFAULTS.get(k))
            for k in plan_ops.PLAN_KEYS if k != "total_nets") or \
            before.get("total_nets") == now.get("total_nets"):
        return None  # the plan before the last one differs in more than its nets
    change = relative_plan_change(text, before)
    if change is None:
        return None
    echo = (f"Instead of {int(now['total_nets']):,} nets: "
            + change.echo[:1].lower() + change.echo[1:])
    return Decision([Step("what_if_plan", change.params, echo=echo, source=text)],
                    reading={"relative": "correction"})


# "the population share for that one?": the threshold just asked about
SAME_THRESHOLD = re.compile(r"\b(?:that|this|the\s+same)\s+(?:one|threshold|level|cut-?off)\b"
                      r"|\bfor\s+(?:it|that)\b|\bthere\b")
# "threshold 40 alone", "only the 40 threshold", "just 40% on its own": one threshold only
# "run it again at 60 percent", "redo am with 40%": the last reprioritisation, another threshold
RERUN = re.compile(r"\b(?:run|redo|rerun|re-run|do)\s+(?:it|that|this|am|dat|d\s+same)\s+"
                   r"(?:again\s+|over\s+)?(?:at|with|for|using|on)\b|\bagain\s+(?:at|with|using)\b")
ALONE = re.compile(r"\b(?:only|alone|solely)\b(?!\s+(?:asking|wondering|curious|checking))"
                   r"|\bon\s+its\s+own\b|\bby\s+itself\b|\bjust\s+(?:the\s+)?(?:\d|threshold)")


# "put the target back to the usual 30 percent", "target should be 25% now": the
# reprioritisation's population target named with its value, words between them
TARGET_VALUE = re.compile(
    r"\b(?:population\s+)?target(?:\s+(?:share|population(?:\s+share)?))?\s+(?:(?:should\s+be|back"
    r"|now|again|instead|is|make\s+it|then)\s+)*(?:(?:to|at|of|=|:|be)\s+)?(?:(?:the|our|its"
    r"|usual|default|normal|original|old|previous|standard|former|earlier|same)\s+){0,3}$")


# "bring the target down by 10", "raise the target by 5 points", "target 5 points lower": the
# reprioritisation's target moved from its current value
TARGET_BY = re.compile(
    r"\btarget\b(?P<mid>[^.;!?]{0,40}?)\bby\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|percent(?:age)?"
    r"(?:\s+points?)?|per\s*cent(?:age)?(?:\s+points?)?|points?|pp|pts?)?"
    r"|\btarget\b[^.;!?]{0,20}?\b(?P<n2>\d+(?:\.\d+)?)\s*(?P<unit2>percentage\s+points?|points?"
    r"|pp|pts?)\s+(?P<way>higher|lower|up|down|more|less)\b")


def _repri_target_by(text: str, low: str, facts: Facts) -> Decision | None:
    """The reprioritisation's target moved by an amount ("bring the target down by 10" at
    a 40% target: 30%). "by 10%" may be points or a tenth of the target: asked."""
    target = (facts.last_repri or {}).get("target")
    m = TARGET_BY.search(low)
    if m is None or target is None or reads_as_question(text) or \
            re.search(r"\b(?:if|would|could|nets?|plan|maps?)\b", low):
        return None
    said = m.group("n") or m.group("n2")
    unit = (m.group("unit") or m.group("unit2") or "").strip()
    words = (m.group("mid") or "") + " " + (m.group("way") or "") + " " + low[: m.start()]
    up = bool(re.search(r"\b(?:up|raise[ds]?|increase[ds]?|higher|more|push|bump)\b", words))
    down = bool(re.search(r"\b(?:down|lower|reduce[ds]?|decrease[ds]?|cut|drop|less|smaller)\b",
                          words))
    if up == down:
        return None
    delta = float(said) * (1 if up else -1)
    base = float(target)
    points = round(base + delta, 6)
    label = f"{_fmt(base)}% {'+' if up else '-'} {_fmt(abs(delta))}"
    if unit in ("%", "percent", "per cent", "percentage", "percent"):
        share = round(base * (1 + delta / 100), 6)
        choices = [steps_choice(f"Target {_fmt(points)}% ({label} points)",
                                [Step("reprioritize_urban", {"target_share": points})]),
                   steps_choice(f"Target {_fmt(share)}% ({_fmt(abs(delta))}% of {_fmt(base)}%)",
                                [Step("reprioritize_urban", {"target_share": share})]),
                   leave_it()]
        return Decision(text=f"The target is {_fmt(base)}% of the population. Do you mean "
                             f"{_fmt(points)}% ({_fmt(abs(delta))} points "
                             f"{'more' if up else 'less'}) or {_fmt(share)}% "
                             f"({_fmt(abs(delta))}% of the target)? Nothing is changed until "
                             "you say.", choices=choices,
                        pending={"expects": "choice", "choices": choices})
    if not 0 < points <= 100:
        return None
    return Decision([Step("reprioritize_urban", {"target_share": points},
                          echo=f"Urban reprioritisation with a target of {_fmt(points)}% of the "
                               f"population ({label}).", source=text)],
                    reading={"relative": "repri"})


def _repri_target_said(text: str, low: str) -> Decision | None:
    """The reprioritisation's target given a new value after one was made ("ok put the
    target back to the usual 30 percent"): the reprioritisation again with that target. The
    number must be named as the target; a plan, a map or a question is left alone."""
    if reads_as_question(text) or re.search(r"\bnets?\b|\bplan\b|\bmaps?\b|\bshow\b"
                                            r"|\bexport\b|\bdownload\b|\bif\b", low):
        return None
    if not re.search(r"\b(?:put|set|make|change|use|go|bring|move|back|reset|revert|redo|rerun"
                     r"|re-?run|try|switch|should\s+be)\b", low):
        return None
    numbers = ex.extract_numbers(low)
    targets = [n for n in numbers if TARGET_VALUE.search(low[: n.start])]
    if len(targets) != 1 or not 0 < targets[0].value <= 100:
        return None
    n = targets[0]
    # every other number is the threshold kept or named ("same 50 threshold") or the value
    # taken back ("I typed 20 but", "forget the 25"); any other number leaves it unread
    thresholds = []
    for other in numbers:
        if other is n:
            continue
        before, after = low[: other.start], low[other.end:]
        if THRESHOLD_AFTER.match(after) or THRESHOLD_BEFORE.search(before):
            thresholds.append(other)
        elif not REPLACED.search(before):
            return None
    if len(thresholds) > 1 or thresholds and not 0 < thresholds[0].value <= 100:
        return None
    params: dict[str, Any] = {"target_share": n.number}
    echo = f"Urban reprioritisation with a target of {_fmt(n.value)}% of the population"
    if thresholds:
        params["thresholds"] = [thresholds[0].number]
        echo += f", at more than {_fmt(thresholds[0].value)}% urban"
    return Decision([Step("reprioritize_urban", params, echo=echo + ".", source=text)],
                    reading={"relative": "repri"})


# "same 50 threshold", "50% urban", "at 50 percent urban": a threshold named with its value
THRESHOLD_AFTER = re.compile(r"\s*(?:%|percent|per\s*cent|pct)?\s*(?:urban\b|threshold\b"
                             r"|cut-?off\b)")
THRESHOLD_BEFORE = re.compile(r"\b(?:threshold|cut-?off)\s+(?:of\s+|at\s+|=\s*|is\s+|stays?\s+"
                              r"(?:at\s+)?)?$")


def _plan_operation(text: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """An operation on the current plan (plan_ops): a step back to an earlier plan, the
    allocation rule, the ranking method, one setting given a value, "run it with N"."""
    plan = ctx.last_plan
    if not plan or "total_nets" not in plan or reads_as_question(text):
        return None
    last = state.last or {}
    back = plan_ops.step_back(text, state.plans, last.get("tool"), last.get("params"))
    if back is not None and "ask" in back:
        return Decision(text=back["ask"], reading={"relative": "plan_op"})
    offered = plan_ops.undo_after_question(text, state.pending, back)
    if offered is not None:
        return offered
    if back is not None:
        return Decision([Step("plan_itn", plan_ops.restore_params(back["params"]),
                              echo=back["echo"], source=text)],
                        reading={"relative": "plan_op", "plan_restore": back["index"]})
    said = plan_ops.already_default(text, plan) if last.get("tool") in (
        None, *PLAN_TOOLS, "ask_results", "export_results", "explain_methodology") or re.search(
        r"\bplan\b|\bnets?\b", ex.lower_text(text)) else None
    if said is not None:
        return Decision(text=said, reading={"relative": "plan_op"})
    rule = plan_ops.strategy_change(text, plan)
    if rule is not None and "ask" in rule:
        return Decision(text=rule["ask"], choices=rule["choices"],
                        pending={"expects": "choice", "choices": rule["choices"]},
                        reading={"relative": "plan_op"})
    if rule is not None:
        return Decision([Step("what_if_plan", rule["params"], echo=rule["echo"], source=text)],
                        reading={"relative": "plan_op"})
    found = plan_ops.run_it_with(text, plan) or plan_ops.method_change(text, plan,
                                                                        last.get("tool"))
    if found is None and last.get("tool") not in (*PLAN_TOOLS, "ask_results"):
        found = plan_ops.one_setting(text, plan, bool(facts.last_repri), last.get("tool"))
    if found is None:
        return None
    params, echo = found
    if not params:
        return Decision(text=echo, reading={"relative": "plan_op"})
    return Decision([Step("what_if_plan", params, echo=echo, source=text)],
                    reading={"relative": "plan_op"})


def _echo_plan_changes(decision: Decision, last_plan: Mapping[str, Any] | None) -> None:
    """Every re-plan says what it changes, old value and new ("household size 6 instead of
    5, everything else as before")."""
    for step in decision.steps:
        if step.tool == "what_if_plan" and not step.echo:
            step.echo = plan_ops.echo_for(step.params, last_plan)


BIGGER = re.compile(r"\b(?:make\s+(?:it|the\s+plan|them)|go)\s+(?:a\s+bit\s+|much\s+)?"
                    r"(bigger|larger|more|higher|smaller|less|lower|fewer)\b"
                    r"|\b(increase|raise|reduce|decrease|cut)\s+(?:it|the\s+(?:nets|plan))\s*$")


def _plan_size_question(text: str, low: str, last_plan: Mapping[str, Any]) -> Decision | None:
    """A change of the net count with its amount or its direction missing ("make it bigger",
    "by 50k"): ask, offering the readings as one-tap choices, never guess."""
    base = int(last_plan["total_nets"])
    numbers = ex.extract_numbers(low)
    m = BIGGER.search(low)
    if m and not numbers:
        word = m.group(1) or m.group(2)
        up = word in ("bigger", "larger", "more", "higher", "increase", "raise")
        choices = []
        for pct in (10, 20):
            label = f"{pct}% {'more' if up else 'fewer'} nets"
            value = int(round(base * (1 + (pct if up else -pct) / 100)))
            choices.append({"label": label, "tool": "what_if_plan",
                            "params": {"total_nets": value}})
        return Decision(text=f"By how many nets should the plan of {base:,} nets "
                             f"{'grow' if up else 'shrink'}? Say for example "
                             f"\"{'another' if up else 'remove'} 50,000 nets\""
                             f"{', give the new total,' if up else ''} or tap one of these.",
                        choices=choices,
                        pending={"expects": "plan_delta", "sign": 1 if up else -1,
                                 "tool": "what_if_plan", "choices": choices})
    mb = re.match(r"^\s*(?:by|of)\s+", low)
    if mb and len(numbers) == 1 and not MORE.search(low) and not LESS.search(low) and \
            len(low.split()) <= 4:
        n = numbers[0]
        if n.percent:
            amount = int(round(base * n.value / 100))
        elif n.is_whole and n.value >= 100:
            amount = int(n.value)
        else:
            return None
        more_label = (f"{_fmt(n.value)}% more nets" if n.percent
                      else f"another {amount:,} nets")
        less_label = (f"{_fmt(n.value)}% fewer nets" if n.percent else f"{amount:,} fewer nets")
        choices = [{"label": more_label, "tool": "what_if_plan",
                    "params": {"total_nets": base + amount}}]
        if base - amount >= 1:
            choices.append({"label": less_label, "tool": "what_if_plan",
                            "params": {"total_nets": base - amount}})
        return Decision(text=f"Should I add or remove {n.text.strip()} from the {base:,} nets?",
                        choices=choices, pending={"expects": "choice", "choices": choices})
    return None


SETTING_DEFAULTS = (
    ("urban_threshold", r"\burban\b|\bthreshold\b", 75, "urban threshold back to 75%"),
    ("buffer", r"\bbuffer\b|\bwastage\b", 1, "no buffer"),
    ("bale_size", r"\bbales?\b", 1, "nets counted one by one (no bales)"),
    ("people_per_net", r"\bpeople\s+per\s+net\b", 1.8, "1.8 people per net"),
    ("method", r"\branking\b|\bmethod\b", "composite", "the composite ranking"),
    ("strategy", r"\bstrategy\b|\brule\b", "stop",
     "nets in rank order, stopping at the first ward that cannot be fully covered"),
)
STRATEGY_WORDS = {
    "continue": "wards that cannot be fully covered are skipped and the next ones covered",
    "stop": "nets in rank order, stopping at the first ward that cannot be fully covered",
    "proportional": "nets shared in proportion to each ward's need",
    "capped": "no ward gets more than its cap",
}


def _plan_setting_change(low: str, last_plan: Mapping[str, Any]) -> Decision | None:
    """ "back to the default threshold", "skip any ward that does not fit": one plan setting
    changed, everything else as before. Questions about a setting are not changes."""
    if re.search(r"\?|^\s*(?:what|why|how|explain|which|is|does|do|can)\b|\bmean\b"
                 r"|\bdifference\b", low):
        return None
    if plan_settings.DEFAULT_WORD.search(low) and \
            re.search(r"\bback\b|\bto\s+the\b|\buse\b|\breset\b|\bgo\b|\bput\b", low):
        # "... but keep the buffer": the kept setting is not the one set back
        rest = KEPT_SAME.sub(" ", low)
        named = [(p, v, words) for p, rx, v, words in SETTING_DEFAULTS if re.search(rx, rest)]
        if len(named) == 1:
            param, value, words = named[0]
            if last_plan.get(param, value) == value:
                return None
            kept = _kept_values(low, last_plan)
            if kept is None:
                return None
            return Decision([Step("what_if_plan", {param: value},
                                  echo=f"Re-planning with {words}{kept}, everything else as "
                                       "before.")])
        return None
    strategy = ex.find_strategy(low)
    if strategy in ("continue", "proportional") and strategy != last_plan.get("strategy") and \
            not ex.extract_numbers(low) and re.search(
                r"\bwards?\b|\bcover\w*|\ballocat\w*|\bnets?\b|\bstrategy\b|\brule\b|\bshare\w*",
                low):
        return Decision([Step("what_if_plan", {"strategy": strategy},
                              echo=f"Re-planning so that {STRATEGY_WORDS[strategy]}, "
                                   "everything else as before.")])
    return None


def _kept_values(low: str, last_plan: Mapping[str, Any]) -> str | None:
    """ "but keep 2 per net": the numbers a setting change says to keep. Each must be a value
    the last plan holds, said after "keep"; "" when none is said, None when one is not kept
    (another value: a change, read elsewhere or asked)."""
    values = {k: last_plan.get(k, SETTING_DEFAULT_VALUES.get(k)) for k in PLAN_LABELS}
    said = []
    for n in ex.extract_numbers(low):
        if n.text.strip() in ("one", "a", "an"):
            continue
        if not re.search(r"\bkeep\w*\s+(?:the\s+|it\s+at\s+|at\s+)?[^,.;]{0,20}$", low[: n.start]):
            return None
        hits = [k for k, v in values.items() if isinstance(v, int | float)
                and abs(float(v) - n.value) < 1e-9]
        if len(hits) != 1:
            return None
        said.append(f"{PLAN_LABELS[hits[0]]} {_fmt(n.value)}")
    return f", keeping {_join(said)}" if said else ""


DROP_SETTING = (r"\b(?:no|without|drop|remove|removing|dropping|forget|cancel|take\s+out|take\s+off"
                r"|get\s+rid\s+of|scrap|ditch|lose|undo|do\s+away\s+with|stop\s+using|no\s+more"
                r"|no\s+longer\s+(?:use|need|want)|don'?t\s+(?:want|need|use))\s+(?:the\s+|any"
                r"\s+|that\s+|this\s+|our\s+)?")
# "the buffer is not needed any more", "the bales are no longer used"
NOT_NEEDED = re.compile(r"\b(?:the\s+)?(buffer|wastage|bales?|cap)\s+(?:is|are)\s+(?:not|no\s+longer)"
                        r"\s+(?:needed|required|necessary|used|wanted)\b")


# "(what if) the cap were removed", "the buffer was dropped": the setting removed, said of it
SETTING_PASSIVE = re.compile(
    r"\b(?:the\s+|that\s+|this\s+|our\s+)?(?P<what>(?:ward\s+)?(?:buffer|wastage|bales?|bale\s+size"
    r"|cap|caps|capping|ceiling))\s+(?:were|was|is|are|be|been|had\s+been|got|gets)\s+"
    r"(?:removed|lifted|dropped|scrapped|taken\s+(?:off|away|out)|switched\s+off|turned\s+off"
    r"|ditched|cancell?ed)\b")
# "take the buffer off", "switch the cap off", "turn off the bales": the setting removed
SETTING_OFF = re.compile(
    r"\b(?:take|get|knock|strip|switch|turn)\s+(?:(?:off|out|away)\s+)?(?P<what>(?:the\s+|that\s+"
    r"|this\s+|our\s+)?(?:\d+(?:\.\d+)?\s*%?\s+)?(?:ward\s+)?(?:buffer|wastage|bales?|bale\s+size"
    r"|bale\s+packing|cap|caps|capping|ceiling|people\s+per\s+net))\b(?:\s+(?:off|out|away))?")


def _plan_setting_dropped(low: str, last_plan: Mapping[str, Any]) -> Decision | None:
    """ "no buffer", "the nets are loose now", "remove the cap": a setting back to its
    default, everything else as before."""
    low = NOT_NEEDED.sub(r"no \1", low)
    low = SETTING_OFF.sub(r"remove \g<what>", low)
    drop = DROP_SETTING
    params: dict[str, Any] = {}
    said = []
    # "remove the 2 people per net", "forget the people per net change": back to 1.8 (a
    # number said must be the plan's own value: it names what is removed, never a new one)
    ppn = re.search(drop + r"(?:(?P<num>\d+(?:\.\d+)?)\s+)?(?:people\s+per\s+net|persons?\s+per\s+net"
                    r"|per\s+net\s+(?:figure|value|setting|rate|ratio|change))\b", low)
    if ppn is not None:
        now = float(last_plan.get("people_per_net") or 1.8)
        if ppn.group("num") is not None and abs(float(ppn.group("num")) - now) > 1e-9:
            # "remove the 3 people per net" when the plan uses 2: asked, never set to 3
            choices = [steps_choice("1.8 people per net (the standard figure)",
                                    [Step("what_if_plan", {"people_per_net": 1.8})]),
                       leave_it()]
            return Decision(text=f"The plan uses {_fmt(now)} people per net, not "
                                 f"{ppn.group('num')}. Should it go back to the standard 1.8? "
                                 "Nothing is changed until you say so.", choices=choices,
                            pending={"expects": "choice", "choices": choices},
                            reading={"relative": "plan_op"})
        if now != 1.8:
            params["people_per_net"] = 1.8
            said.append("1.8 people per net (the standard figure)")
    # "forget the pca ranking": the composite ranking, the default
    if re.search(drop + r"pca\b", low) and last_plan.get("method") == "pca":
        params["method"] = "composite"
        said.append("the composite ranking")
    # "forget the buffer and the bales": one verb drops every setting of its list
    listed = " ".join(m.group(0) for m in re.finditer(
        drop + r"[^.;,!?]*?(?=[.;,!?]|\s+(?:but|keep|go|and\s+(?:go|keep|use|make|plan))\b|$)",
        low))
    if (re.search(drop + r"(?:bal(?:e|ing)\w*)", low) or re.search(r"\bbal(?:e|ing)\w*", listed)
            or re.search(
            r"\bnets\s+(?:are|come|go)\s+(?:now\s+)?(?:loose|singly|one\s+by\s+one)\b"
            r"|\bloose\s+nets\b|\bno\s+bales?\b", low)) and \
            float(last_plan.get("bale_size") or 1) != 1:
        params["bale_size"] = 1
        said.append("nets counted one by one (no bales)")
    if (re.search(drop + r"(?:buffer|wastage|extra\s+margin)", low)
            or re.search(r"\b(?:buffer|wastage)\b", listed)) and \
            float(last_plan.get("buffer") or 1) != 1:
        params["buffer"] = 1
        said.append("no buffer (each ward gets exactly its need)")
    cap_dropped = re.search(drop + r"(?:ward\s+)?(?:cap|caps|capping|ceiling|limit|maximum\s+share)"
                            r"\b|\buncap\w*|\bno\s+(?:more\s+)?cap\b", low) or \
        re.search(r"\b(?:cap|caps|capping)\b", listed)
    if cap_dropped and not params and last_plan.get("strategy") != "capped" and \
            not last_plan.get("max_ward_share"):
        # "forget the cap. use the continue rule": the plan has no cap; the rule said with it
        # is the change (the cap is never read as the rule asked for)
        rest = re.sub(r"\bcap\w*|\bmax(?:imum)?\s+(?:ward\s+)?share\b|\buncap\w*", " ", low)
        instead = ex.find_strategy(rest)
        if instead in ("continue", "proportional", "stop") and \
                instead != last_plan.get("strategy", "stop"):
            return Decision([Step("what_if_plan", {"strategy": instead},
                                  echo=f"The plan has no cap on any ward; re-planning so that "
                                       f"{STRATEGY_WORDS[instead]}, everything else as before.")])
        if instead is None or instead == last_plan.get("strategy", "stop"):
            return Decision(text="The current plan has no cap on any ward: nothing to change.",
                            reading={"relative": "plan_op"})
    if cap_dropped and (last_plan.get("strategy") == "capped" or last_plan.get("max_ward_share")):
        # the cap is a strategy with its share: both go, the plan is made again from its
        # other settings
        kept = {k: v for k, v in last_plan.items() if v is not None
                and k not in ("analysis_id", "max_ward_share", "strategy")}  # fmt: skip
        kept.update(params)  # "remove the buffer and the cap": both go
        # "remove the cap. instead skip wards that don't fit": the strategy said instead
        rest = re.sub(r"\bcap\w*|\bmax(?:imum)?\s+(?:ward\s+)?share\b", " ", low)
        instead = ex.find_strategy(rest)
        kept["strategy"] = instead if instead in ("continue", "proportional") else "stop"
        words = STRATEGY_WORDS["stop" if kept["strategy"] == "stop" else kept["strategy"]]
        also = f"; {_join(said)}" if said else ""
        return Decision([Step("plan_itn", kept,
                              echo=f"No cap on any ward any more ({words}){also}, everything "
                                   "else as before.")])
    if not params:
        return None
    text = _join(said)
    return Decision([Step("what_if_plan", params,
                          echo=f"{text[0].upper()}{text[1:]}, everything else as before.")])


def _repri_defaults_back(text: str, low: str, ctx: RouterContext, facts: Facts, last_tool: str | None,
                         changed: str | None) -> Decision | None:
    """ "back to the defaults" right after a reprioritisation was changed (or a question about
    it): the reprioritisation at its default thresholds and target."""
    from chatmrpt.analysis.declarations import DEFAULT_TARGET_SHARE, DEFAULT_URBAN_THRESHOLDS

    if not ctx.analysis_ready or not facts.last_repri or changed != "reprioritize_urban" or \
            last_tool not in ("reprioritize_urban", "ask_results") or \
            re.search(r"\b(?:analys\w*|variables?|nets?|plan|household|normali[sz]\w*"
                      r"|directions?|tpr)\b", low):
        return None
    params = {"thresholds": list(DEFAULT_URBAN_THRESHOLDS), "target_share": DEFAULT_TARGET_SHARE}
    cuts = _join([f"{_fmt(t)}%" for t in DEFAULT_URBAN_THRESHOLDS])
    return Decision([Step("reprioritize_urban", params,
                          echo=f"Urban reprioritisation back to its defaults: thresholds of "
                               f"{cuts} and a target of {_fmt(DEFAULT_TARGET_SHARE)}% of the "
                               "population.", source=text)],
                    reading={"relative": "repri"})


def _full_reset_asked(low: str) -> bool:
    """ "back to the defaults" resets every setting; not when the message keeps one ("but
    keep 2 per net"), gives a value, or names one setting ("back to the default threshold"):
    that is a partial change, read otherwise or asked."""
    usual = r"(?:default|normal|original|standard)"
    if any(re.search(rf"\b{usual}\s+(?:{rx})", low)
           or re.search(rf"(?:{rx})[^,.;]{{0,30}}?\bto\s+(?:the\s+|its\s+)?{usual}\b", low)
           for _, rx, _, _ in SETTING_DEFAULTS):
        return False
    return not re.search(r"\bkeep\w*\b|\bexcept\b|\bapart\s+from\b|\bbut\b|\d", low)
