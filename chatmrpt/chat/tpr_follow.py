"""A TPR setting said in few words right after a TPR run ("run am for over 5s", "now rdt
only", "primary facilities only"): the TPR is run again with that setting, the others kept
from the last run (the executor keeps them). Only when the session holds a facility export,
the last request was a TPR run or the message says to run it, and it says nothing else."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chatmrpt.chat import extract as ex

if TYPE_CHECKING:
    from chatmrpt.chat.dialogue import Decision, DialogueState
    from chatmrpt.chat.router import RouterContext

TPR_SETTINGS = ("age", "test", "facility_level")
# the words such a follow-up may hold beside the setting itself
_FILLER = re.compile(
    r"\b(?:now|then|den|only|just|ok(?:ay)?|so|and|also|pls|please|abeg|oya|run|rerun|re-run"
    r"|redo|do|compute|calculate|it|am|again|the|tpr|for|with|at|in|use|using|same|but"
    r"|instead|try|make|change|switch|to|of|tests?|age|group|level|facilit(?:y|ies)|what"
    r"|about|how|this|that|time|women|mothers|micro|fives?|patients|people|persons|levels?"
    r"|hospitals?|back|go|went|revert|return"
    # "back to u5, everything else same", "keep the rest as before"
    r"|everything|else|as|before|settings?|keep|other|others|rest|unchanged|is|was|set|put"
    r"|can|could|we|you|u)\b")
# another subject named: "the map for over 5s", "top 10 wards for under fives"
_OTHER = re.compile(r"\b(?:maps?|wards?|lgas?|plan|nets?|export|csv|excel|png|html|list|top"
                    r"|bottom|rank\w*|analys\w*|variables?|score|population)\b")


AND_FOR = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|now)[\s,]+)?(?:and\s+(?:for|with|now)?|what\s+about"
                     r"|how\s+about|same\s+for)\b[^?]*\?\s*$")


NOW_GROUP = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|and|alright|right)[\s,]+)*now\b")
# "all tests", "both tests", "all tests and levels"; "all levels", "all facilities"
ALL_TESTS = re.compile(r"\b(?:all|both)\s+(?:the\s+)?tests(?:\s+and\s+(?:all\s+)?levels)?\b")
ALL_LEVELS = re.compile(r"\ball\s+(?:the\s+)?(?:(?:facility\s+)?levels|facilit(?:y|ies)(?:\s+levels)?)"
                        r"\b|\b(?:all|both)\s+(?:the\s+)?tests\s+and\s+(?:all\s+)?levels\b")


def pending_allows(state: DialogueState) -> bool:
    """No question waits, or the one that waits offers a TPR run (the setting said changes
    the offer): other questions keep their own reading of the answer."""
    pending = state.pending or {}
    if not pending:
        return True
    tools = {pending.get("tool")} | {c.get("tool") for c in pending.get("choices") or []}
    return "compute_tpr" in tools


def _offered_runs(state: DialogueState) -> list[dict]:
    """The TPR runs the waiting question offers (their settings), each once."""
    pending = state.pending or {}
    runs: list[dict] = []
    for choice in pending.get("choices") or []:
        if choice.get("tool") != "compute_tpr":
            continue
        params = {k: v for k, v in (choice.get("params") or {}).items() if v is not None}
        if params not in runs:
            runs.append(params)
    if not runs and pending.get("tool") == "compute_tpr" and pending.get("params"):
        runs.append(dict(pending["params"]))
    return runs


def follow_up(text: str, low: str, ctx: RouterContext,
              state: DialogueState) -> Decision | None:
    last = state.last or {}
    offered = bool(state.pending) and pending_allows(state)
    # nothing asked yet, a TPR run offered or just explained, or a setting put back ("back to
    # under 5"), with the facility export held: an age, a test or a level said on its own
    # ("over 5s") can only be the TPR's
    after_tpr = last.get("tool") == "compute_tpr" or offered or \
        (not last.get("tool") and not state.pending) or \
        (last.get("params") or {}).get("topic") == "tpr" or \
        (last.get("params") or {}).get("about") == "tpr_run" or \
        re.search(r"\b(?:back|return|revert)\s+to\b", low) is not None
    # "and for over 5?", "what about pregnant women?" right after a TPR run: the same run
    # for that group (a question only in form)
    same_for = last.get("tool") == "compute_tpr" and not state.pending and \
        AND_FOR.match(low) is not None
    # "now pregnant women, all tests and levels": a group said as the next run, with "now",
    # after talk about something else (a group of people is the TPR's alone)
    after_tpr = after_tpr or (NOW_GROUP.match(low) is not None and not state.pending
                              and ex.find_choice("age", text) is not None)
    # "can we do it for pregnant women instead?": a request said as a question
    asked_to = re.match(r"^\W*(?:(?:ok(?:ay)?|so|and|then)[\s,]+)*(?:can|could)\s+(?:we|you|u)"
                        r"\s+(?:please\s+|pls\s+)?(?:do|run|redo|rerun|compute)\b", low) is not None
    if not ctx.has_facility_data or ("?" in text and not (same_for or asked_to)) or \
            _OTHER.search(low) or not (
            after_tpr or re.search(r"\b(?:run|rerun|re-run|redo|instead)\b", low)):
        return None  # with no TPR just run, only "run it for over 5s" or "now microscopy
        # instead" after a question (an age, a test or a level exists for the TPR alone, and
        # the request is said as one) is read as one
    found = {p: v for p in TPR_SETTINGS if (v := ex.find_choice(p, text))}
    if ALL_TESTS.search(low) and "test" not in found:
        found["test"] = "both"  # "all tests": RDT and microscopy together
    if ALL_LEVELS.search(low) and "facility_level" not in found:
        found["facility_level"] = "all"
    if not found:
        return None
    rest = ALL_TESTS.sub(" ", ALL_LEVELS.sub(" ", low))
    for p in found:  # what is left once the settings' own words are taken out
        rest = ex.strip_choices(p, rest)
    rest = _FILLER.sub(" ", rest)
    if re.search(r"[a-z]{3,}", rest):
        return None  # more words than a setting: left to the other readers
    from chatmrpt.chat.dialogue import Decision, Step

    said = ", ".join(_WORDS.get(f"{k}:{v}", f"{k.replace('_', ' ')} {v}")
                     for k, v in found.items())
    if offered:
        # a TPR run offered and not answered yet: the setting changes that offer, never the
        # last run; offers that differ are asked about
        offers = _offered_runs(state)
        # the offer's settings beyond the one said now, other than the last run's own
        ran = (last.get("params") or {}) if last.get("tool") == "compute_tpr" else {}
        carried = {k: v for k, v in (offers[0] if len(offers) == 1 else {}).items()
                   if k in TPR_SETTINGS and k not in found and ran.get(k) != v}
        pending = state.pending or {}
        if len(offers) == 1 and carried and pending.get("offered") and \
                not pending.get("put_off"):
            # "primary facilities only" after "what's the TPR for pregnant women in Ghana?"
            # was read as a question and answered with an offer for pregnant women: the offer
            # was never taken, so whether its age goes with the new setting is asked, not
            # assumed (as a plan change said over a plan offered from a question is)
            from chatmrpt.chat.dialogue import Decision, Step
            from chatmrpt.chat.state import leave_it

            both = {**offers[0], **found}
            with_offer = "Compute the TPR with " + ", ".join(
                _WORDS.get(f"{k}:{v}", f"{k.replace('_', ' ')} {v}") for k, v in both.items()
                if k in TPR_SETTINGS)
            alone = f"Compute the TPR with {said}, the rest as in the last run"
            choices = [{"label": with_offer, "tool": "compute_tpr", "params": both},
                       {"label": alone, "tool": "compute_tpr", "params": dict(found)},
                       leave_it()]
            return Decision(text=f"Should {said} go with what I offered above "
                                 f"({', '.join(_WORDS.get(f'{k}:{v}', v) for k, v in carried.items())}"
                                 "), or with the last run's settings? Nothing is run until you "
                                 "say.", choices=choices,
                            pending={"expects": "choice", "choices": choices,
                                     "tool": "compute_tpr"},
                            reading={"relative": "tpr", "asked": "offer_or_last"})
        if len(offers) == 1:
            params = {**offers[0], **found}
            kept = ", ".join(_WORDS.get(f"{k}:{v}", f"{k.replace('_', ' ')} {v}")
                             for k, v in offers[0].items() if k in TPR_SETTINGS and k not in found)
            return Decision([Step("compute_tpr", params, source=text,
                                  echo=f"Running the TPR offered above with {said}"
                                       + (f" ({kept}, as offered)" if kept else "")
                                       + "; the other settings as in the last run.")],
                            reading={"relative": "tpr"})
        if len(offers) > 1:
            return None
    return Decision([Step("compute_tpr", found, source=text,
                          echo=f"Running the TPR again with {said}; the other settings as in "
                               "the last run.")],
                    reading={"relative": "tpr"})


_WORDS = {"age:u5": "children under five", "age:o5": "people over five",
          "age:pw": "pregnant women", "age:all": "all ages", "test:rdt": "RDT only",
          "test:microscopy": "microscopy only", "test:both": "both tests",
          "facility_level:primary": "primary facilities only",
          "facility_level:secondary": "secondary facilities only",
          "facility_level:tertiary": "tertiary facilities only",
          "facility_level:all": "all facility levels"}
