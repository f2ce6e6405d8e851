"""Questions about the stored results and the conversation itself, answered and never acted
on:

- "is that good or bad in plain words" right after the PCA checks: the checks again, with
  the verdict in plain words first;
- "how many wards imputed?", "how many values were filled in": the filled cells counted, per
  variable and ward;
- "what have we changed in this chat so far?": the analyses of the conversation, each with
  what was added, dropped or flipped, and the plans;
- "what TPR options are there? age groups and tests": how the TPR is computed, with its age
  groups and tests;
- "how many wards flagged urban" right after the urban map at a threshold, with no
  reprioritisation stored: the wards above that threshold, counted.

Everything here is a pure function of the message and the dialogue state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

# a request in the message: no question about the stored results
_ACTS = re.compile(r"\b(?:run|rerun|re-run|redo|make|set|change|use|add|drop|remove|plan"
                   r"|compute|calculate|export|download|send|save|show|map|draw|switch|try)\b")

# --- the PCA verdict in plain words ---------------------------------------------------------

_VERDICT = re.compile(
    r"\b(?:good\s+or\s+bad|bad\s+or\s+good|is\s+(?:that|this|it)\s+(?:good|bad|ok(?:ay)?|fine"
    r"|enough|acceptable|low|high|a\s+problem|a\s+good|a\s+bad)|plain\s+(?:words|english|terms|"
    r"language)|layman'?s?\s+terms|simple\s+(?:words|terms|english)|what\s+does\s+(?:that|this|it)"
    r"\s+mean|meaning\s+(?:of\s+)?(?:that|this)|so\s+(?:can|should)\s+(?:we|i)\s+(?:trust|use)"
    r"\s+(?:it|that|pca))\b")


# the PCA checks named in the message itself: "tell me the KMO", "is the PCA valid here?"
_CHECKS_NAMED = re.compile(r"\bkmo\b|\bbartlett\b|\bpca\b[^?]{0,40}?\b(?:valid|reliable|usable"
                           r"|suitable|trust\w*|good\s+enough)\b")


def pca_verdict(text: str, low: str, state: DialogueState) -> Decision | None:
    """ "is that good or bad in plain words" right after the PCA checks, or "is the PCA valid
    here? tell me the KMO and explain in plain words": the checks, with their verdict said
    in plain words first (acceptable, good, too low for PCA)."""
    last = (state.last or {}).get("tool")
    if not (last == "pca_validity" or _CHECKS_NAMED.search(low)) or not _VERDICT.search(low) \
            or _ACTS.search(low):
        return None
    return Decision([Step("pca_validity", {"plain": True}, source=text)],
                    reading={"stored": "pca_validity"})


# "and the second component?", "what about the third one", "the next component": another
# component's explained variance, right after the PCA checks gave it
_OTHER_COMPONENT = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|then|now)[\s,]+)*(?:(?:what|how)\s+about\s+|and\s+for\s+)?"
    r"(?:the\s+|d\s+)?(?:first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|next|other)"
    r"(?:\s+(?:one|component|pc|principal\s+component))?(?:\s+(?:then|too|pls|please))?\s*[?.!]*\s*$")


def component_after_checks(text: str, low: str, state: DialogueState) -> Decision | None:
    """ "and the second component?" right after the PCA checks (which give every component's
    share of the variance): the checks again."""
    if (state.last or {}).get("tool") != "pca_validity" or not _OTHER_COMPONENT.match(low):
        return None
    return Decision([Step("pca_validity", {}, source=text)], reading={"stored": "pca_validity"})


# --- filled values counted ------------------------------------------------------------------

_IMPUTED = re.compile(
    r"\b(?:how\s+many|number\s+of|count\s+of|total\s+of)\b[^.?!]{0,40}?\b(?:imput\w*|filled"
    r"(?:\s+in)?|fill-?ins?|estimated|interpolated|replaced)\b"
    r"|\b(?:imput\w*|filled)\b[^.?!]{0,30}?\bhow\s+many\b")


def imputed_count(text: str, low: str, ctx: RouterContext) -> Decision | None:
    """ "how many wards imputed?": the cells filled from neighbouring wards, counted per
    variable and ward (one ward or one column asked about is answered elsewhere)."""
    if not ctx.analysis_ready or not _IMPUTED.search(low) or _ACTS.search(low):
        return None
    if any(m.column for m in ex.find_variables(text, ctx.variables)) or \
            ex.find_ward(text, ctx.wards or ()) is not None:
        return None
    return Decision([Step("ask_results", {"about": "imputed"}, source=text)],
                    reading={"stored": "imputed"})


# --- the changes of the conversation --------------------------------------------------------

_CHANGES = re.compile(
    r"\bwhat\s+(?:have|did|has)\s+(?:we|i|you)\s+(?:changed?|done|did|tried|run|modified|edited"
    r"|adjusted)\b"
    r"|\bwhat\s+(?:changes?|edits?)\s+(?:have|did|has|were)\b"
    r"|\b(?:list|recap|summar\w+|remind\s+me\s+(?:of\s+)?)\s*(?:of\s+)?(?:all\s+)?(?:the\s+)?"
    r"(?:changes?|edits?)\b"
    r"|\b(?:changes?|edits?)\s+(?:we|i|you)\s+(?:have\s+)?(?:made|did|done)\b")


def _names(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def changes_text(analyses: Mapping[str, Any] | None, plans: Mapping[str, Any] | None) -> str:
    """The analyses and plans of the conversation in order, each analysis with what it
    added, dropped or turned around compared with the one before."""
    lines: list[str] = []
    h = analyses or {}
    used = list(h.get("used") or [])
    params = list(h.get("params") or [])
    at = h.get("at")
    for i, variables in enumerate(used):
        p = params[i] if i < len(params) else {}
        variables = list(variables or p.get("variables") or [])
        what = f"{len(variables)} variables ({', '.join(variables)})" if variables else \
            "the default variables"
        changed: list[str] = []
        if i > 0:
            before = list(used[i - 1] or [])
            added = [v for v in variables if v not in before]
            dropped = [v for v in before if v not in variables]
            if dropped:
                changed.append(f"dropped {_names(dropped)}")
            if added:
                changed.append(f"added {_names(added)}")
            flips = {k: v for k, v in (p.get("directions") or {}).items()
                     if (params[i - 1].get("directions") or {}).get(k) != v}
            changed += [f"{k} treated as {v}" for k, v in sorted(flips.items())]
            norm = p.get("normalization")
            if norm and norm != params[i - 1].get("normalization"):
                changed.append(f"{norm} normalisation")
        label = "Analysis 1 (the first)" if i == 0 else f"Analysis {i + 1}"
        line = f"- {label}: {what}"
        if changed:
            line += f"; {'; '.join(changed)}"
        elif i > 0:
            line += "; the same settings again"
        if i == at:
            line += " (the current one)"
        lines.append(line + ".")
    plan_params = [p for p in ((plans or {}).get("params") or []) if p.get("total_nets")]
    for j, p in enumerate(plan_params):
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(p.items())
                          if k not in ("total_nets", "household_size") and v is not None)
        lines.append(f"- Net plan {j + 1}: {int(p['total_nets']):,} nets, households of "
                     f"{p.get('household_size')}" + (f", {extra}" if extra else "") + ".")
    if not lines:
        return ("Nothing has been changed in this conversation yet: no analysis or net plan "
                "was made here.")
    head = "What was done in this conversation, in order:"
    if len(used) > 1:
        head = "What was changed in this conversation, in order (each analysis compared with " \
               "the one before):"
    return "\n".join([head, *lines])


def changes_so_far(text: str, low: str, state: DialogueState) -> Decision | None:
    """ "remind me, what have we changed in this chat so far?": the conversation's analyses
    and plans, with what each change added or dropped; nothing run."""
    if not _CHANGES.search(low) or re.search(r"\b(?:should|could|would|can|must)\s+(?:we|i)\b",
                                             low):
        return None
    if not (state.analyses or {}).get("used") and not (state.plans or {}).get("params"):
        return None  # nothing kept: the session's status answers
    return Decision(text=changes_text(state.analyses, state.plans),
                    reading={"stored": "changes"})


# --- the TPR choices ------------------------------------------------------------------------

_TPR = re.compile(r"\btpr\b|\btest\s+positivity\b|\bpositivity\s+rate\b")
_OPTIONS = re.compile(r"\b(?:options?|choices?|age\s+groups?|ages|which\s+tests?|what\s+tests?"
                      r"|tests?\s+types?|types?\s+of\s+tests?|kinds?|types?|can\s+i"
                      r"\s+choose|available)\b")
# the settings of the TPR already run: answered from that run (results.asks_about_tpr_run)
_RUN_ASKED = re.compile(r"\b(?:last|previous|that|this|current|was|were|did|used|ran|run)\b")
_ASKS = re.compile(r"\?|^\W*(?:(?:and|so|ok(?:ay)?|pls|please)\W+)*(?:what|which|how|tell\s+me"
                   r"|list|are\s+there|is\s+there)\b")


def tpr_options(text: str, low: str) -> Decision | None:
    """ "what TPR options are there? age groups and tests": how the TPR is computed, with
    its age groups and tests (nothing computed)."""
    if not _TPR.search(low) or not _OPTIONS.search(low) or not _ASKS.search(low) or \
            _RUN_ASKED.search(low) or \
            re.search(r"\b(?:compute|calculate|run|rerun|redo|do|use|make|give|show|map)\b",
                      low):
        return None
    return Decision([Step("explain_methodology", {"topic": "tpr"}, source=text)],
                    reading={"stored": "tpr_options"})


# "wat age group dis one", "which test is this", right after a TPR run: that run's settings
_RUN_SETTING = re.compile(r"\b(?:age(?:\s+groups?)?|groups?|tests?|(?:facility\s+)?levels?"
                          r"|settings?|facilit(?:y|ies))\b")
_SETTING_ASKED = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|pls|please|abeg|sorry|but)\W+)*(?:(?:na\s+)?(?:what|which"
    r"|wetin)|tell\s+me|remind\s+me)\b")


# "what age group is the TPR run on now?", "which test was it run with": the run as a state
_RUN_AS_STATE = re.compile(r"\b(?:is|was|are|were|been)\s+(?:(?:the|this|that|dis|dat|it|tpr"
                           r"|one|now|currently)\s+){0,3}(?:run|computed|calculated|done|based)\b")


def tpr_setting_after_run(text: str, low: str, ctx: RouterContext,
                          state: DialogueState) -> Decision | None:
    """ "wat age group dis one" right after a TPR run: the settings of that run (nothing
    computed); a setting said with it ("what about rdt only") is left to the re-run."""
    if not ctx.has_facility_data or (state.last or {}).get("tool") != "compute_tpr":
        return None
    if not _SETTING_ASKED.search(low) or not _RUN_SETTING.search(low) or \
            _ACTS.search(_RUN_AS_STATE.sub(" ", low)) \
            or re.search(r"\d|\bwards?\b|\bmaps?\b|\bmean\w*|\bwhy\b|\bavailable\b"
                         r"|\bcan\b|\boptions?\b|\bchoices?\b", low) \
            or any(ex.find_choice(k, text) for k in ("age", "test", "facility_level")):
        return None
    return Decision([Step("ask_results", {"about": "tpr_run"}, source=text)],
                    reading={"stored": "tpr_run"})


# --- urban wards counted after the urban map ------------------------------------------------

_URBAN_COUNT = re.compile(r"\b(?:how\s+many|number\s+of|count)\b[^.?!]*\burban\b"
                          r"|\burban\b[^.?!]*\bhow\s+many\b")


def urban_count_after_map(text: str, low: str, ctx: RouterContext, state: DialogueState,
                          facts: Facts) -> Decision | None:
    """ "how many wards flagged urban" right after the urban map at a threshold, with no
    reprioritisation stored: the wards above the map's threshold, counted."""
    shown = state.shown or {}
    if not ctx.analysis_ready or facts.last_repri or shown.get("what") != "urban" or \
            shown.get("threshold") is None or (state.last or {}).get("tool") != "show_map":
        return None
    if not _URBAN_COUNT.search(low) or ex.extract_numbers(low) or _ACTS.search(low) or \
            re.search(r"\bnets?\b|\bpop\w*\b|\bpeople\b|\btarget\b|\b(?:re|de)-?priorit\w*", low):
        return None
    return Decision([Step("ask_results", {"about": "ward_counts",
                                          "threshold": shown["threshold"]}, source=text)],
                    reading={"stored": "ward_counts"})


def stored_question(text: str, low: str, ctx: RouterContext, state: DialogueState,
                    facts: Facts) -> Decision | None:
    """The first of the readings above that fits the message."""
    return (pca_verdict(text, low, state) or component_after_checks(text, low, state)
            or imputed_count(text, low, ctx)
            or changes_so_far(text, low, state) or tpr_options(text, low)
            or tpr_setting_after_run(text, low, ctx, state)
            or urban_count_after_map(text, low, ctx, state, facts))
