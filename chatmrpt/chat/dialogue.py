"""The dialogue manager: what a message means in this conversation, and whether to act.

The state of the conversation is a small record kept in the session record of the shared
store (``state["dialogue"]``), so any worker can answer the next message:

``pending``
    the question the assistant asked and the kind of answer it expects: ``plan_numbers``
    (the number of nets and/or the household size), ``lga``, ``ward``, ``choice`` (one of
    the offered one-tap readings) or ``confirm`` (yes/no for one prepared action).
``last``
    the last request that ran (tool and parameters): the base of relative changes.
``shown``
    the last map or chart shown, so "save that map as a picture" exports that one.
``topic``
    the one variable the previous message named, so "what is nighttime lights?" followed
    by "add it to the analysis" adds that variable (kept for one message only).
``focus``
    the ward or LGA the talk is about, and the list just shown.
``plans`` and ``analyses``
    the plans and analyses the session pointed at, in order, and the place of the current
    one: the base of "undo that", "the first plan", "the 450k one with the bales".

A message fills a pending question only when it reads as that kind of answer: a question,
another request or an unrelated number leaves the question pending and is handled on its
own. Relative changes of the last request are read in chatmrpt.chat.relative ("20% more
nets", "another 150k", "back to the defaults", "also add housing quality", "all of them",
"... wait, make it 450,000"); everything else goes to the intent model
(chatmrpt.chat.intents) and the slot readers of the router. When the model and the patterns
disagree, or the model is unsure, the manager asks with one-tap choices instead of acting.

This module keeps the flow (``decide``, ``_decide``, fresh, single and several requests,
routes turned into decisions); the parts it calls live beside it:

- ``state``: DialogueState, Facts, Step and Decision;
- ``reading``: the reading helpers they all share;
- ``slots``: the LGA and category slots;
- ``describe``: the one-tap labels of tool calls;
- ``guards``: whether a reading is safe to act on (the gate);
- ``relative``: relative changes of the last request;
- ``pending``: answers to the assistant's own pending question;
- ``results``: questions about stored results, the table and the results just given;
- ``tool_slots``: the slots of the listing, asking and exporting tools;
- ``plan_settings``: one plan setting said in few words, sizes halved or added, changes put off;
- ``exports``: maps and files named the way people name them, and talk about files that
  order nothing;
- ``counts``: counts and one ward's figures answered from the data;
- ``figures``: the stored plan's and reprioritisation's figures asked in other words;
- ``ordinal``: references into the list just shown ("the second one there");
- ``unknown_variable`` and ``run_request``: a variable the table lacks, plain run requests;
- ``undo``: a step back to an earlier analysis ("put it back the way it was"); steps back
  between plans are read in ``plan_ops``, and an earlier plan named by its values or its day
  in ``plan_refs``;
- ``correction``: "I said ndvi but I meant evi": one slot of the last request replaced;
- ``ward_member``: whether a ward is in an LGA ("is Oloje in 24008?");
- ``ward_place``: a ward named as the place of a ward list;
- ``default_question``: which variables an analysis with no choices would use.

The message is read in plain words first: ``decide`` runs chatmrpt.chat.normalize (phone,
pidgin and voice typing) once, at its top, so every caller gets the same reading.

The names other modules and tests import from here stay importable from here.

Everything here is a pure function of the message, the router context and the stored
state: the assistant executes the steps a :class:`Decision` lists and stores the new state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from chatmrpt.analysis.declarations import NORMALIZATIONS
from chatmrpt.chat import (
    code_fix,
    conditions,
    correction,
    counts,
    default_plus,
    default_question,
    export_subject,
    exports,
    focus,
    formats_talk,
    intents,
    last_change,
    list_scope,
    map_follow,
    map_variable,
    net_sums,
    no_population,
    normalize,
    numbered,
    ordinal,
    other_value,
    place_counts,
    place_fix,
    place_follow,
    plan_formal,
    plan_lists,
    plan_refs,
    plan_settings,
    repri_target,
    retraction,
    run_request,
    sequenced,
    setting_ask,
    stored_talk,
    tables,
    terse,
    threshold_move,
    tpr_follow,
    undo,
    unknown_variable,
    unordered,
    value_order,
    variable_offer,
    ward_follow,
    ward_member,
    ward_pairs,
    ward_place,
)
from chatmrpt.chat import extract as ex
from chatmrpt.chat.describe import describe_choice
from chatmrpt.chat.guards import (  # noqa: F401
    GATE_FAMILY,
    _gate,
    _takes_back,
    amounts_read_as_totals,
    bare_yes_no,
    count_read_as_share,
    either_or_question,
    hypothetical_question,
    nets_range,
    reads_as_question,
    says_yes,
    stray_numbers,
    totals_said_of_something_else,
)
from chatmrpt.chat.pending import (
    _answer_pending,
    _confirms_offer,  # noqa: F401
    _earlier_answer,
    _names_ward_list,
    _question_about_pending,
    _refused_with_request,
    _with_earlier_question,
    carried_plan_values,
    picked_of_values_said,
)
from chatmrpt.chat.reading import (  # noqa: F401
    ADD_VAR,
    ASIDE_ONLY,
    CANCEL,
    CONFIRM,
    DROP_VAR,
    GREETING_PREFIX,
    QUESTION_START,
    RESET,
    THANKS_ONLY,
    _fmt,
    _join,
    apply_correction,
    put_off_dropped,
    reads_as_number_answer,
    reads_as_short_answer,
    scene_only,
    split_requests,
)
from chatmrpt.chat.relative import (
    PLAN_LABELS,
    _echo_plan_changes,
    _keep_out_excluded,
    _relative,
    _variable_talk,
    relative_plan_change,
    replace_plan_value,  # noqa: F401
    self_corrected_variables,
)
from chatmrpt.chat.results import (  # noqa: F401
    _lga_without_names,
    data_origin_question,
    direction_question,
    duplicate_names_question,
    filled_count_question,
    filled_value_question,
    not_covered,
    other_area,
    outside_area,
    plan_figure_follow_up,
    result_question,
    stored_result_question,
    table_question,
    whole_area_name,
)
from chatmrpt.chat.router import PLAN_TOOLS, Route, RouterContext, route
from chatmrpt.chat.slots import CATEGORY, LGA_PHRASE, _code_follow_up, _lga_named, find_lga  # noqa: F401
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step
from chatmrpt.chat.tool_slots import (
    ACTION_START,
    PLAN_WORDS,
    UNSUPPORTED_FORMAT,
    _export_named,
    _export_view,
    _list_params,
    _new_tool,
)
from chatmrpt.chat.tools import EXPORT_FORMATS_BY_KIND, tool_spec

PLAN_DEFAULTS = {"urban_threshold": 75, "method": "composite", "strategy": "stop",
                 "people_per_net": 1.8, "buffer": 1, "bale_size": 1}  # fmt: skip
NEW_TOOLS = ("list_wards", "lga_summary", "ask_results", "pca_validity", "ward_value",
             "data_quality", "export_conversation", "export_view", "add_covariates")  # fmt: skip
ROUTER_TOOLS = ("help", "session_status", "describe_data", "run_analysis", "top_wards",
                "explain_ward", "compare_methods", "explain_methodology",
                "reprioritize_urban", "plan_itn", "what_if_plan", "compute_tpr",
                "export_results", "show_map")  # fmt: skip


# --- deciding -----------------------------------------------------------------------------


def decide(text: str, ctx: RouterContext, state: DialogueState, facts: Facts) -> Decision:
    """How to answer ``text``: the steps to run, or the question to ask. The message is read
    in plain words first (normalize.plain_text, which leaves plain words as they are)."""
    text = normalize.plain_text(text, normalize.text_names(ctx, facts))
    text = put_off_dropped(text)  # "..., the map can wait": not asked for now
    text = _current_plan_named(text, ctx.last_plan)
    listed = _numbered_item(text, ctx, state, facts)
    if listed is not None:
        return listed
    taken_back = retraction.find_retraction(text, ctx.last_plan)
    if taken_back is not None and not taken_back.text:
        return Decision(text=taken_back.note, keep_pending=bool(state.pending),
                        reading={"text": text, "retracted": taken_back.dropped})
    fixed, note = apply_correction(taken_back.text if taken_back else text)
    if note is None:  # "top 5 in Kuwe South, no sorry, Kwasha": the place meant
        fixed, note = place_fix.place_corrected(fixed, facts.lgas, ctx.wards, facts.lga_codes)
    if note is None and facts.analysis_variables:  # "add rainfal... no, add nets per capita"
        fixed = self_corrected_variables(fixed, ctx) or fixed
    if taken_back is not None:
        note = f"{taken_back.note} {note}" if note else taken_back.note
    decision = code_fix.code_corrected(fixed, ex.lower_text(fixed), state, facts) or \
        code_fix.category_corrected(fixed, ex.lower_text(fixed), state, facts) or \
        plan_settings.hedge_settled(fixed, state, ctx.last_plan) or \
        _decide(fixed, ctx, state, facts)
    if state.last and count_read_as_share(decision, fixed):
        # a count read as a share by the conversation's context: read the message on its own
        decision = _decide(fixed, ctx, replace(state, last=None), facts)
    decision = _keep_repri_thresholds(_keep_repri_target(decision, fixed, facts), fixed, facts)
    decision = _keep_analysis_variables(decision, facts)
    decision = ward_place.ward_as_place(decision, fixed, ctx, facts)
    decision = _same_place(decision, fixed, state)
    decision = _keep_out_excluded(decision, fixed, ctx, facts)
    decision = unknown_variable.unlisted(decision, fixed, ctx, facts)
    decision = unknown_variable.map_of_missing(decision, fixed, ctx)
    decision = map_follow.shown_map_kept(decision, fixed, state)
    decision = map_variable.ask_which(decision, fixed, ctx, facts)
    decision = exports.hold_unordered(exports.analyse_before_export(decision, ctx), fixed)
    decision = plan_settings.one_plan_at_a_time(decision, fixed)
    decision = plan_settings.crossed_correction(decision, fixed, ctx.last_plan)
    decision = plan_settings.threshold_meant(decision, fixed, ctx.last_plan, state,
                                             bool(facts.last_repri), facts.last_repri.get("target"))
    decision = plan_settings.hedged(decision, fixed, ctx.last_plan)
    decision = unordered.held(decision, fixed)  # a doubt, someone's words, a condition
    # a request put off ("still deciding") is kept as a choice before any other doubt is asked
    decision = plan_settings.held_back(decision, fixed, state)
    decision = plan_settings.one_lga_plan(decision, fixed, facts.lgas)
    decision = exports.mailed_without_format(decision, fixed)
    decision = _gate(decision, fixed, state, ctx.last_plan, ctx)
    decision = exports.mail_note(exports.each_format(decision, fixed), fixed)
    decision = _with_earlier_question(decision, state)
    decision = tables.unplaced_list(decision, fixed, ctx, facts)
    decision = ward_place.ward_before_code_question(decision, fixed, ctx, facts)
    decision = outside_area(decision, fixed, facts)
    decision = _nothing_before(decision, fixed, ctx, state)
    decision = _analyse_first(decision, ctx, fixed)
    _echo_plan_changes(decision, ctx.last_plan)
    if note and decision.steps:
        decision.notes.insert(0, note)
    decision.reading.setdefault("text", fixed)
    named = {m.column for m in ex.find_variables(fixed, ctx.variables) if m.column} \
        if ctx.variables else set()
    decision.topic = next(iter(named)) if len(named) == 1 else None
    if not decision.steps and not state.pending:
        asked = numbered.story_question(fixed)
        if asked is not None:  # "... (a story) ... Where is Kwama in your ranking?"
            alone = decide(asked, ctx, state, facts)
            if alone.steps and not any(s.tool in GATE_FAMILY for s in alone.steps):
                alone.reading["story"] = True
                return alone
    return decision


def _numbered_item(text: str, ctx: RouterContext, state: DialogueState,
                   facts: Facts) -> Decision | None:
    """A list of requests to be done one at a time ("(1) ..., (2) ..., (3) .... start with
    number 1") is read as the item it starts with, and kept; a later message that only names
    an item ("number 2 now", "and 3") is read as that item (numbered)."""
    items = numbered.list_items(text)
    k = numbered.start_index(text, len(items)) if items else None
    if items and k is not None:
        decision = decide(items[k], ctx, replace(state, todo=None), facts)
        decision.reading["todo"] = numbered.kept(None, items, k)
        return decision
    started = numbered.started_request(text)
    if started is not None:  # "... Can you start with the statewide top ten?"
        alone = decide(started, ctx, replace(state, todo=None), facts)
        if alone.steps and not any(s.tool in GATE_FAMILY for s in alone.steps):
            alone.reading["started"] = started
            return alone
    named = numbered.item_named(text, state.todo)
    if named is None or (state.pending and re.fullmatch(r"\W*\d\W*", text.strip())):
        return None  # a bare number answers the question asked
    if named == "missing":
        n = len(state.todo["items"])
        return Decision(text=f"Your list has {n} items: "
                             + "; ".join(f"({i}) {t}" for i, t in
                                         enumerate(state.todo["items"], 1))
                             + ". Which one should I do?",
                        keep_pending=bool(state.pending), reading={"text": text})
    decision = decide(state.todo["items"][named], ctx, replace(state, todo=None), facts)
    decision.reading["todo"] = numbered.kept(state.todo, None, named)
    return decision


# "for the 500k plan, how many nets go to Kuwe South?": the current plan named by its nets
PLAN_BY_TOTAL = re.compile(r"\b(?:for|in|on|of|from|under|with)\s+(?:the|this|that|our|d|my|current)\s+"
                           r"(?P<n>\d[\d.,]*\s*(?:k|m|million|thousand)?)(?:\s+(?:nets?|itns?|llins?))?"
                           r"\s+plan\b\s*,?")


def _current_plan_named(text: str, plan: Mapping[str, Any] | None) -> str:
    """The message without the words that name the current plan by its number of nets: the
    number names the plan, it is no number of nets to plan with."""
    if not plan or not plan.get("total_nets"):
        return text
    m = PLAN_BY_TOTAL.search(text.lower())
    if m is None:
        return text
    said = ex.extract_numbers(ex.canonical_text(m.group("n")))
    if len(said) != 1 or int(said[0].value) != int(plan["total_nets"]):
        return text
    rest = (text[: m.start()] + " " + text[m.end():]).strip(" ,")
    rest = re.sub(r"\s{2,}", " ", rest)
    return rest if re.search(r"\w", rest) else text


# "d bottom 3 for same code", "top 5 in the same LGA": the place of the list before
SAME_PLACE = re.compile(r"\b(?:for|in|of|on)\s+(?:the\s+|d\s+|dat\s+|that\s+)?same\s+(?:lga\s+)?"
                        r"(?:code|lga|l\.g\.a|local\s+govern\w*|place|area)\b"
                        r"|\bsame\s+(?:lga\s+)?(?:code|lga)\b")


def _same_place(decision: Decision, text: str, state: DialogueState) -> Decision:
    """A ward list said to be of the same LGA (or LGA code) as the list before keeps it; it
    was listed for the whole area."""
    if not SAME_PLACE.search(ex.lower_text(text)):
        return decision
    last = state.last or {}
    params = last.get("params") or {}
    place = {k: params[k] for k in ("lga", "lga_code") if params.get(k)}
    if not place and isinstance(last.get("asked"), dict):
        asked = last["asked"].get("params") or {}
        place = {k: asked[k] for k in ("lga", "lga_code") if asked.get(k)}
    if not place:
        return decision
    for step in decision.steps:
        if step.tool in ("top_wards", "list_wards") and not (step.params.get("lga")
                                                             or step.params.get("lga_code")):
            kept = {k: v for k, v in step.params.items() if k in ("n", "order", "method",
                                                                  "category", "start")}
            step.tool, step.params = "list_wards", {**kept, **place}
    return decision


TARGET_SAID = re.compile(r"(?<!same\s)(?<!that\s)(?<!this\s)(?<!last\s)\btarget\b"
                         r"|\bof\s+(?:the\s+)?(?:population|people)\b")


def _keep_repri_target(decision: Decision, text: str, facts: Facts) -> Decision:
    """A reprioritisation asked without a target keeps the target of the last one ("only use
    the 75% threshold" after a 25% target): dropping it would silently change the result."""
    target = facts.last_repri.get("target")
    if target is None:
        return decision
    for step in decision.steps:
        if step.tool != "reprioritize_urban" or step.params.get("target_share") is not None:
            continue
        if TARGET_SAID.search(ex.lower_text(step.source or text)):
            continue
        step.params["target_share"] = target
        keep = f"Keeping the target of {_fmt(float(target))}% of the population."
        step.echo = f"{step.echo} {keep}".strip() if step.echo else keep
    return decision


THRESHOLD_RESET = re.compile(r"\b(?:default|standard|usual|original|all(?:\s+the)?|every)\s+"
                             r"(?:urban\s+)?(?:thresholds?|cut-?offs?|levels?)\b")


def _keep_repri_thresholds(decision: Decision, text: str, facts: Facts) -> Decision:
    """A reprioritisation asked without thresholds ("again with a target of 20%") keeps the
    thresholds of the last one: falling back to the default ones would silently change what
    was asked. "the default thresholds" asks for those."""
    thresholds = facts.last_repri.get("thresholds")
    if not thresholds:
        return decision
    for step in decision.steps:
        if step.tool != "reprioritize_urban" or step.params.get("thresholds"):
            continue
        if THRESHOLD_RESET.search(ex.lower_text(step.source or text)):
            continue
        step.params["thresholds"] = list(thresholds)
        shown = _join([f"{_fmt(float(t))}%" for t in thresholds])
        keep = f"Keeping the urban threshold{'s' if len(thresholds) > 1 else ''} of {shown}."
        step.echo = f"{step.echo} {keep}".strip() if step.echo else keep
    return decision


ANALYSIS_SETTINGS = ("normalization", "methods", "aggregation", "directions")


NORMALISATION_MOVE = re.compile(
    r"\b(?:back\s+to|return\s+to|revert\s+(?:back\s+)?to|reset\s+(?:it\s+|that\s+)?to"
    r"|switch\s+(?:back\s+)?to|go\s+(?:back\s+)?to|change\s+to"
    r"|(?:run|redo|rerun|re-run)\s+(?:it|that|this|the\s+analysis)\s+(?:again\s+)?with"
    r"|use|try|apply"
    # "switch the normalisation to reciprocal", "change normalization into linear"
    r"|(?:switch|change|set|make|turn|put|move|flip)\s+(?:(?:the|d|da|our)\s+)?"
    r"normali[sz]ation(?:\s+(?:method|scheme|type))?\s+(?:back\s+)?(?:to|into|as)"
    r")\b")


NORMAL_AGAIN = re.compile(
    r"\b(?:back\s+to|return\s+to|revert\s+(?:back\s+)?to|reset\s+(?:it\s+|that\s+)?to"
    r"|go\s+(?:back\s+)?to|switch\s+back\s+to)\s+(?:the\s+|d\s+|our\s+)?(?:normal|usual"
    r"|standard|regular|default|original|ordinary)(?:\s+(?:one|way|scaling|method|setting"
    r"|normali[sz]ation))?\s*(?:pls|please|abeg|then|again|o)?\s*[.!]*\s*$")


def _normalisation_move(text: str, low: str, ctx: RouterContext,
                        facts: Facts) -> Decision | None:
    """ "hmm go back to normal linear", "use the reciprocal one": only the normalisation of
    the last analysis changes (``_keep_analysis_variables`` keeps its variables)."""
    if not facts.analysis_variables or reads_as_question(text) or \
            not NORMALISATION_MOVE.search(low):
        return None
    norm = ex.find_normalization(text)
    if norm is None and NORMAL_AGAIN.search(low) and \
            facts.analysis_params.get("normalization") not in (None, "linear"):
        # "put it back to the normal one" right after the reciprocal normalisation: the
        # standard (linear) normalisation, the same variables
        norm = "linear"
    if norm is None or re.search(r"\b(?:plan|nets?|maps?|export|excel|csv|png|top|wards?)\b", low) \
            or any(m.column for m in ex.find_variables(text, ctx.variables)):
        return None
    return Decision([Step("run_analysis", {"normalization": norm}, source=text)])


def _keep_analysis_variables(decision: Decision, facts: Facts) -> Decision:
    """An analysis asked with a new setting only ("run that with the reciprocal
    normalisation", "treat settlement type as inverse") keeps the variables, directions and
    other settings of the last analysis: running the defaults would silently change them."""
    if not facts.analysis_variables or decision.reading.get("analysis_restore") is not None:
        return decision  # an earlier analysis brought back has its own settings
    for step in decision.steps:
        p = step.params
        if step.tool != "run_analysis" or "variables" in p or not p or \
                set(p) - set(ANALYSIS_SETTINGS) or set(p) == {"methods"}:
            continue  # "rank them by pca" alone is answered from the analysis as it is
        variables = list(facts.analysis_variables)
        variables += [v for v in (p.get("directions") or {}) if v not in variables]
        old = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
               if k in variables}
        kept: dict[str, Any] = {"variables": variables}
        if old or p.get("directions"):
            kept["directions"] = {**old, **(p.get("directions") or {})}
        for k in ("methods", "normalization", "aggregation"):
            if k in p:
                kept[k] = p[k]
            elif facts.analysis_params.get(k):
                kept[k] = facts.analysis_params[k]
        step.params = kept
        if set(p) == {"normalization"} and len(decision.steps) == 1 and \
                NORMALISATION_MOVE.search(ex.lower_text(step.source or "")):
            # "go back to linear normalisation", "run that with the reciprocal one": a
            # change of the last analysis, stated against it and echoed
            decision.reading.setdefault("relative", "directions")
        keep = f"Keeping the same {len(variables)} variables ({_join(variables)})."
        if p.get("normalization") in NORMALIZATIONS:
            keep = f"{p['normalization'].capitalize()} normalisation. {keep}"
        step.echo = f"{step.echo} {keep}".strip() if step.echo else keep
    return decision


LEADING_CANCEL = re.compile(
    r"^\s*(?:(?:i\s+)?(?:don'?t|do\s+not|dont)\s+know(?:\s+(?:the|its|which|that|d|di))?(?:\s+"
    r"(?:lga\s+)?code)?|no+|nope|cancel|forget\s+(?:it|that)|never\s*mind|leave\s+(?:it|am|that)|scrap"
    r"\s+that|no\s+need)(?:[\s,]+(?:no|leave\s+it|forget\s+it|thanks|abeg|please))*\s*[.!;]+\s+"
    r"(?=\S)")
# "I don't know the code, forget it. show the category map", "never mind, just show the map":
# whatever was asked or offered is dropped (if anything), the request after it is read alone
DROPPED_FIRST = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|oh|hmm+|sorry|actually|wait)[\s,]+|(?:i\s+)?(?:don'?t|do\s+not|dont"
    r"|can'?t|cannot)\s+(?:know|have|remember|find|get|see)\b[^.!?;]{0,50}?[,;:-]\s*)?"
    r"(?:(?:forget|leave|skip|scrap|drop|cancel)\s+(?:about\s+)?(?:it|that|am|dat|(?:the|that|this"
    r"|dat|dis|our|my)\s+(?:plan|net\s+plan|map|export|file|question|reprioriti[sz]ation))"
    r"(?:\s+(?:for\s+now|aside|first|o))?|never\s*mind(?:\s+that)?|no\s+need)(?:[\s,]+(?:then"
    r"|thanks|abeg|please|pls))*\s*[.!;,]+\s*(?:(?:just|and|but|instead|rather)[\s,]+)?(?=\S)")


def _tapped(text: str, state: DialogueState) -> bool:
    """The message is the label of a one-tap choice the assistant has just offered."""
    said = " ".join(text.lower().split()).rstrip(".")
    return any(" ".join(str(c.get("label") or "").lower().split()).rstrip(".") == said
               for c in (state.pending or {}).get("choices") or [])


CODE_MEANING = re.compile(r"^\s*(?:wetin|what)\s+(?:be|is|does|do)\s+(?:the\s+)?(?:code\s+)?"
                          r"\d{5}\b(?:\s+(?:mean|stand\s+for))?(?:\s+(?:for|in|on)\s+(?:the|this|my"
                          r"|our)\s+(?:table|data))?\s*\??\s*$")


YES_LEAD = re.compile(r"^\s*(?:(?:yes|yeah|yep|yup|ok(?:ay)?|sure|alright|oya)[\s,.!]+)+"
                      r"(?:(?:(?:do\s+(?:that|it|am|so)|go\s+ahead)\s*[,.;!]+|please|pls|abeg)\s*)*"
                      # "alright, do it with the usual settings": the yes asks for the rest
                      r"(?!\s*(?:do|go|run|with|using|at|for|and|but|again|in|on|the\s+same)\b)")


# a judgement of the last result said first, as a sentence of its own: "Too many.", "That's
# too few!", "Not enough." (what follows says what to do)
REACTION_LEAD = re.compile(
    r"^\s*(?:(?:hmm+|ah|oh|eh|ehn|wow)[\s,.!]+)*(?:(?:that'?s|that\s+is|it'?s|it\s+is|way|far"
    r"|much)\s+)?(?:too\s+(?:many|much|few|little|big|small|high|low|large)(?:\s+(?:nets|wards))?"
    r"|not\s+enough|way\s+too\s+(?:many|much|few))\s*[.!;]+\s+(?=\S)")


def _decide(text: str, ctx: RouterContext, state: DialogueState, facts: Facts) -> Decision:
    lead = LEADING_CANCEL.match(ex.lower_text(text))
    dropped = None if lead and state.pending else DROPPED_FIRST.match(ex.lower_text(text))
    if dropped is not None:
        lead = dropped
    if lead and (state.pending or dropped) and len(text[lead.end():].split()) >= 2:
        # "no leave it. export the plan as xlsx": the question is dropped, the request runs
        rest = _decide(text[lead.end():], ctx, replace(state, pending=None), facts)
        rest.keep_pending = False
        return rest
    low = ex.lower_text(text)
    refused = exports.refused_file(low)
    if refused is not None and len(text[refused:].split()) >= 2:
        # "don't export it, just tell me which ward has distance 0": no file, the rest runs
        rest = _decide(text[refused:], ctx, replace(state, pending=None), facts)
        rest.keep_pending = False
        return rest
    yes = None if state.pending else YES_LEAD.match(low)
    if yes is not None and len(low[yes.end():].split()) >= 2:
        # "yes do that, save it as png" with nothing offered: the yes agrees, the request runs
        return _decide(text[yes.end():], ctx, state, facts)
    reaction = REACTION_LEAD.match(low)
    if reaction is not None and len(low[reaction.end():].split()) >= 2:
        # "Too many. Go back to the first plan.": the judgement asks nothing, the rest runs
        return _decide(text[reaction.end():], ctx, state, facts)
    about = _question_about_pending(text, low, state.pending) if state.pending else None
    if about is not None:
        return about
    left = setting_ask.left_to_me(text, low, ctx.last_plan, state.pending)
    if left is not None:  # "you decide the household size", "leave the threshold to you"
        return left
    if (state.pending or {}).get("expects") == "lga_code":
        # the code asked for, said in any words ("Fagge is code 20030 in our system."):
        # it completes the request that was asked about, before any other reading
        coded = tables.lga_code_turn(text, low, ctx, state, facts)
        if coded is not None and coded.steps:
            return coded
    conditional = conditions.settled(text, low, ctx, state, facts,
                                     lambda part: _decide(part, ctx, state, facts))
    if conditional is not None:  # "if 24006 has more than 15 wards, ...": checked first
        return conditional
    moved = threshold_move.threshold_moved(text, low, ctx, state, facts)
    if moved is not None:  # "move it up to 75" right after the urban map or a reprioritisation
        return moved
    other = map_follow.other_map(text, low, ctx, state) or map_follow.map_of(text, low, ctx)
    if other is not None:  # "and the consensus one" right after a map: that map
        return other
    default_asked = default_question.default_variables(text, ctx) or \
        default_question.why_those_variables(text, ctx, facts.analysis_variables)
    if default_asked is not None:  # the default selection, nothing run
        default_asked.keep_pending = bool(state.pending)
        return default_asked
    summed = None if _tapped(text, state) else (
        net_sums.arithmetic_answer(text) or net_sums.default_setting_question(text)
        or formats_talk.format_question(text))
    if summed is not None:  # a sum given in full, or a plan default asked: answered, not run
        summed.keep_pending = bool(state.pending)
        return summed
    changed = last_change.last_change_question(text, state) or \
        last_change.current_plan_question(text, ctx.last_plan) or \
        last_change.figure_again(text, state) or last_change.asked_again(text, state)
    if changed is not None:  # "what did you just change?": the last change, said
        changed.keep_pending = bool(state.pending)
        return changed
    setting_now = last_change.plan_setting_question(text, ctx.last_plan)
    if setting_now is not None:  # "is people per net still 1.8?": the value, said
        return setting_now
    if (state.pending or {}).get("expects") == "repri_target":
        target = repri_target.target_answer(text, state.pending or {})
        if target is not None:  # "twenty percent" after "what should the target be?"
            target.reading["answered"] = "repri_target"
            return target
    if (state.pending or {}).get("map_variable"):
        mapped = map_variable.answer(text, ctx, state.pending or {})
        if mapped is not None:  # "test positivity" after "which variable should I map?"
            return mapped
    asked_map = None if _tapped(text, state) else \
        map_follow.variable_map_asked(text, low, ctx, facts)
    if asked_map is not None:  # "map one of the variables": which one, asked
        return asked_map
    if (state.pending or {}).get("expects") == "repri_threshold":
        cut = other_value.threshold_answer(text, state.pending or {})
        if cut is not None:  # "40" after "which urban threshold should it use?"
            cut.reading["answered"] = "repri_threshold"
            return cut
    other_asked = None if _tapped(text, state) else (
        other_value.repri_threshold_asked(text, low, facts, state.last)
        or other_value.tpr_setting_asked(text, low, ctx.has_facility_data, state.last))
    if other_asked is not None:  # "redo it at a different threshold": which one, asked
        return other_asked
    target_asked = None if _tapped(text, state) else repri_target.target_change_asked(text, facts)
    if target_asked is not None:  # "I want to change the target": which value, asked
        return target_asked
    back = None if _tapped(text, state) else repri_target.default_target(text, facts, state.last)
    if back is not None:  # "run it at the default target", "back to the default 30"
        return back
    asked_before = counts.ward_for_question(text, ctx, state)
    if asked_before:  # "Kotsasha." after "which ward do you mean?": the question, answered
        return _decide(asked_before, ctx, replace(state, pending=None), facts)
    pushed = None if _tapped(text, state) else (
        no_population.population_pushback(text, ctx, state, facts)
        or direction_question(text, low, ctx, facts)
        or filled_value_question(text, low, ctx, facts)
        or data_origin_question(text, low, ctx, facts)
        or duplicate_names_question(text, low, ctx)
        or filled_count_question(text, low, ctx, facts)
        or stored_talk.stored_question(text, low, ctx, state, facts))
    if pushed is not None:  # "use 1000 people per ward" without population; "which way is X"
        return pushed
    if not _tapped(text, state) and ordinal.listed_ward(
            text, low, focus.Focus.of(state.focus).listed, ctx.variables) is not None:
        # "d first one tpr?" right after a ward list: that ward's value, before any reading
        # of the variable alone
        positional = _follow_up(text, low, ctx, state, facts)
        if positional is not None and positional.steps:
            return positional
    tpr = None if _tapped(text, state) else tables.tpr_without_export(text, low, ctx)
    if tpr is not None:  # a TPR the table cannot give as asked, and no facility export
        tpr.keep_pending = bool(state.pending)
        return tpr
    tpr = None if _tapped(text, state) or not tpr_follow.pending_allows(state) else \
        tpr_follow.follow_up(text, low, ctx, state)
    if tpr is not None:  # "now rdt only" right after a TPR run
        return tpr
    paired = None if _tapped(text, state) else ward_pairs.compared(text, ctx, facts)
    if paired is not None:  # two wards or two LGAs side by side: both answered
        paired.keep_pending = bool(state.pending)
        return paired
    valued = None if _tapped(text, state) else (
        ward_follow.value_follow_up(text, ctx, state, facts)
        or place_counts.wards_together(text, ctx, facts)
        or place_counts.list_and_its_count(text, ctx, state, facts))
    if valued is not None:  # "whats its tpr value", "and Unguwar Kwajiku?" after a value
        valued.keep_pending = bool(state.pending) and valued.pending is None
        return valued
    counted = ward_member.ward_in_place(text, ctx, state, facts) or \
        ward_member.ward_in_data(text, ctx, facts) or \
        ward_place.ward_lga_question(text, ctx, state, facts) or \
        ward_place.ward_after_plan_question(text, ctx, state, facts) or \
        counts.data_question(text, ctx, state, facts)
    ordered = None if counted is None or state.pending else sequenced.requests_in_order(text)
    if ordered is not None:  # "First, tell me how many wards ... Then prepare a plan ...":
        return _several(ordered, ctx, state, facts)  # the count and the rest, in turn
    if counted is not None:  # a count or a lookup the data answers: never fills a question
        counted.keep_pending = bool(state.pending) and counted.pending is None
        return counted
    if CODE_MEANING.search(low):  # "wetin be 20037 for the table": what a code is
        meant = (None if facts.lgas else tables.table_limits(text, low, ctx, state, facts)) \
            or result_question(text, low, ctx, state, facts)
        if meant is not None:
            meant.keep_pending = bool(state.pending)
            return meant
    # "which ward has the highest rainfall?", "top 3 wards by rainfall in LGA 20024": the
    # data's values, not the ranking (which would answer another question)
    terse_read = terse.which_category(text, low, ctx, state) or terse.urban_alone(low, ctx, state)
    if terse_read is not None:  # "which are low risk?", "urban 60" away from the plan
        terse_read.keep_pending = bool(state.pending) and not terse_read.pending
        return terse_read
    by_value = value_order.wards_by_value(text, low, ctx, facts) or value_order.wards_beyond(
        text, low, ctx, facts) or value_order.lga_values(text, low, ctx, facts) or \
        value_order.lga_average_again(text, low, ctx, state, facts) or \
        value_order.lga_overview(text, low, ctx, facts) or \
        plan_lists.plan_coverage_question(text, low, ctx, facts)
    if by_value is not None:
        by_value.keep_pending = bool(state.pending)
        return by_value
    followed = plan_figure_follow_up(text, low, ctx, state, facts) or _follow_up(
        text, low, ctx, state, facts)
    if followed is not None and followed.reading.get("follow_up") != "unresolved":
        return followed
    stored = tables.lga_code_count(text, low, ctx, facts) or result_question(
        text, low, ctx, state, facts)
    if stored is None and not _tapped(text, state):
        # what the ward table cannot support, LGAs by code: before all else but a tap on a
        # choice just offered
        limited = tables.table_limits(text, low, ctx, state, facts)
        if limited is not None:
            limited.keep_pending = bool(state.pending) and limited.pending is None and \
                not limited.steps and not limited.reading.get("refused")
            return limited
    if stored is None and followed is not None:  # a reference nothing else can answer: ask
        return followed
    if stored is not None:  # a question about a stored figure never fills or drops a question
        stored.keep_pending = bool(state.pending)
        return stored
    guess = intents.classify(text)
    reading = {"intent": guess.label, "probability": round(guess.probability, 3),
               "runner_up": guess.runner_up}  # fmt: skip
    pending = state.pending
    if pending:
        answered = _answer_pending(text, low, guess, ctx, state, facts, pending)
        expects = pending.get("expects")
        if answered is None and pending.get("previous"):
            answered = _earlier_answer(text, low, guess, ctx, state, facts, pending["previous"])
            if answered is not None:
                answered.reading["answered_earlier"] = True
                expects = pending["previous"].get("expects")
        if answered is not None:
            answered.reading = {**reading, **answered.reading, "answered": expects}
            return answered
        refused = _refused_with_request(text, low, ctx, state, facts)
        if refused is not None:
            return refused
    decision = _fresh(text, low, guess, ctx, state, facts)
    decision.reading = {**reading, **decision.reading}
    decision = carried_plan_values(decision, text, ctx, facts, pending)
    decision = picked_of_values_said(decision, text, ctx)
    # "should I add nets per capita to the analysis?" read as nothing, or as a plan question
    # for its "nets": the analysis with it, offered
    decision = variable_offer.in_place_of(decision, text, ctx, facts)
    if pending and decision.pending is None and (
            not decision.steps or not _replaces(decision, pending)):
        decision.keep_pending = True
    return decision


def _follow_up(text: str, low: str, ctx: RouterContext, state: DialogueState,
               facts: Facts) -> Decision | None:
    """A short follow-up read against the conversation focus (see focus.py)."""
    # a place said short follows ranked results; before any analysis the request is read in
    # full (the analysis runs first, and says so)
    seen = focus.Focus.of(state.focus)
    after = ordinal.next_places(low, state.last) if ctx.analysis_ready else None
    if after is not None:  # "the next five" right after a list of the whole area
        return Decision([Step(after["tool"], after["params"], source=text)],
                        reading={"follow_up": "next_places"})
    ranked_next = ordinal.next_in_ranking(low, seen.listed, seen.ward, seen.ward_lga, state.last,
                                          facts.ranked) \
        if ctx.analysis_ready else None
    if ranked_next is not None:  # "and the second one?" after the top ward was talked about
        step = ranked_next["step"]
        return Decision([Step(step["tool"], step["params"], echo=ranked_next["note"],
                              source=text)], reading={"follow_up": "ranked_next"})
    picked = ctx.analysis_ready and (
        place_follow.code_picked(low, state.last, facts.lga_codes)
        or place_follow.own_code_alone(low, facts.lga_codes)
        or place_follow.place_only(low, facts.lgas, facts.lga_codes)
        or place_follow.other_of_same_name(low, state.last, ctx.wards)
        or place_follow.place_scoped(low, state.last, facts.lgas, facts.lga_codes)
        or (None if state.pending else  # "and Kuran?" after the plan's nets of an LGA
            place_follow.plan_lga_again(low, state.last, facts.lgas))
        or (None if state.pending else  # a place answering a question fills that question
            place_follow.place_again(low, state.last, facts.lgas, facts.lga_codes)))
    if not picked and not state.pending and (state.last or {}).get("tool") not in (
            "list_wards", "top_wards", "lga_summary", "ask_results"):
        # "And 20024?" with no list or count before it (those are followed up by focus):
        # that LGA's wards, the analysis first when there is none; never a number of nets
        picked = place_follow.code_alone(low, facts.lga_codes)
    if picked:
        return Decision([Step(picked["tool"], picked["params"], echo=picked.get("note", ""),
                              source=text)], reading={"follow_up": "lga_code"})
    offered = (state.pending or {}).get("choices") or []
    if len(offered) >= 2 and ordinal.BARE.match(low):
        # "the second" right after a question with choices: that choice, not the second
        # ward of a list shown before the question
        return None
    r = focus.resolve(text, low, focus.Focus.of(state.focus), state.last, facts.lgas,
                      ctx.variables)
    if r is None:
        step = focus.lga_plan_question(text, facts.lgas, ctx.last_plan is not None)
        return None if step is None else Decision(
            [Step(step["tool"], step["params"], source=text)], reading={"stored": "plan_lga"},
            keep_pending=bool(state.pending))
    if r.reply:
        return Decision(text=r.reply, choices=list(r.choices or []),
                        keep_pending=bool(state.pending), reading={"follow_up": "noted"})
    if r.ask:
        which_ward = r.pending or counts.ward_question_pending(text, r.ask)
        return Decision(text=r.ask, choices=list(r.choices or []),
                        keep_pending=bool(state.pending) and not which_ward,
                        pending=which_ward, reading={"follow_up": "unresolved"})
    if r.step is not None:
        return Decision([Step(r.step["tool"], r.step["params"], echo=r.note or "",
                              source=text)], choices=list(r.choices or []),
                        reading={"follow_up": r.step["tool"]})
    quiet = replace(state, focus=None)  # the rewritten message is read on its own
    if (state.pending or {}).get("lga_code_for") is not None:
        # "20012" after "no LGA names ... which code?": the rewritten request ("and lga
        # 20012") answers that question, it is not read as a tap on the offer
        quiet = replace(quiet, pending=None)
    decision = _decide(r.text or text, ctx, quiet, facts)
    if decision.steps and r.note:
        decision.notes.insert(0, r.note)
    decision.reading["follow_up"] = r.text
    return decision


def _replaces(decision: Decision, pending: Mapping[str, Any]) -> bool:
    """A new request for the tool the pending question was about replaces the question."""
    tool = pending.get("tool")
    family = PLAN_TOOLS if tool in PLAN_TOOLS else (tool,)
    return any(s.tool in family for s in decision.steps)


def _fresh(text: str, low: str, guess: intents.IntentGuess, ctx: RouterContext,
           state: DialogueState, facts: Facts) -> Decision:  # fmt: skip
    """A message read on its own (no pending question, or not an answer to it)."""
    base_ctx = replace(ctx, last_missing=(), last_candidates=())

    # "ok only ranking then, send csv": the subject said first, then the file: one export
    merged = export_subject.subject_then_file(low) or export_subject.mailed_and_saved(low)
    if merged is not None:
        return _fresh(merged, ex.lower_text(merged), intents.classify(merged), ctx, state, facts)

    # "ok run it with the defaults" right after talk about the urban reprioritisation
    if run_request.reprioritisation_meant(text, ctx, state.last, state.pending):
        return Decision([Step("reprioritize_urban", {}, echo=REPRI_DEFAULTS, source=text)],
                        reading={"relative": "repri", "topic_run": "reprioritize_urban"})

    # yes / no without anything waiting
    if says_yes(text, low, guess, ctx):
        if ctx.has_dataset and ctx.analysis_status in (None, "failed"):
            return Decision([Step("run_analysis", {}, echo=RUN_WHEN_TOLD, source=text)])
        return Decision(text="There is nothing waiting for a yes just now. What should I do?",
                        choices=_starter_choices(ctx))
    if CANCEL.match(low):
        return Decision(text="OK. Nothing is waiting to run.")

    # "ok please run it on the data I uploaded": the analysis with the default variables
    if run_request.plain_run(text, ctx, tuple(facts.area)):
        return Decision([Step("run_analysis", {}, echo=RUN_WHEN_TOLD, source=text)],
                        reading={"plain_run": True})

    # kinds of variables ("the water ones"), every variable of the table
    talked = _variable_talk(text, ctx, facts)
    if talked is not None:
        return talked

    # environmental variables from the raster library
    covariates = _covariates_request(text, low, ctx)
    if covariates is not None:
        return covariates

    # a correction of the last request ("I said ndvi but I meant evi", "i meant Raku")
    corrected = correction.correction(text, ctx, state, facts) or \
        correction.direction_of_it(text, state, facts)
    if corrected is not None:
        return corrected

    # an earlier plan named by its values or its day ("the 450k one with the bales")
    named_plan = plan_formal.described_step_back(text, state) or \
        plan_refs.earlier_plan(text, state)
    if named_plan is not None:
        return named_plan

    # one plan setting put back as it was ("put the threshold back to what it was")
    restored = plan_settings.setting_restored(text, ctx.last_plan, state.plans)
    if restored is not None:
        return restored

    # the default variables with a change said with them ("back to the defaults plus EVI")
    with_defaults = default_plus.default_plus(text, low, ctx, state, facts)
    if with_defaults is not None:
        return with_defaults

    # the variable just added, taken out again ("drop it again")
    taken_out = undo.variable_out_again(text, state, facts)
    if taken_out is not None:
        return taken_out

    # a step back to an earlier analysis ("put it back the way it was", "flip it back")
    undone = undo.step_back_decision(text, state, facts)
    if undone is not None:
        return undone

    # "same but composite" with a plan made last: the plan with the other ranking method
    method_change = _plan_method_change(text, ctx)
    if method_change is not None:
        return method_change

    # relative changes of the last request
    # "put it back to the normal one" after the reciprocal normalisation: that setting only,
    # before the reading as a reset of everything
    relative = (_normalisation_move(text, low, ctx, facts) if NORMAL_AGAIN.search(low) else
                None) or _relative(text, low, ctx, state, facts) or \
        _normalisation_move(text, low, ctx, facts)
    if relative is not None:
        return relative

    # two files, each with its subject and format: both exports, in the order said
    files = export_subject.two_files(low)
    if files is not None:
        return _several(files, ctx, state, facts, independent=True)

    # several requests in one message
    parts = split_requests(text)
    if len(parts) > 1 and _one_plan_request(parts, text, base_ctx):
        parts = [text]
    if len(parts) > 1:
        return _several(parts, ctx, state, facts)
    parts = list_scope.list_and_more(text) or parts
    if len(parts) > 1:  # a list and a map or a file: neither waits on the other
        both = _several(parts, ctx, state, facts, independent=True)
        if not list_scope.question_head(parts) or (both.steps and not both.not_done):
            return both
        # a question first that is not answered on its own: the message as one request

    return _single(text, low, guess, base_ctx, state, facts)


ENV_WORDS = re.compile(
    r"\b(?:rain\s*fall|rain|precipitation|evi|ndvi|ndwi|ndmi|temperature|lst|elevation|altitude"
    r"|soil\s+(?:moisture|wetness)|humidity|night\s*(?:time\s*)?lights?|ntl|distance\s+to\s+"
    r"(?:water(?:\s*bodies)?|rivers?)|land\s+cover|wetness(?:\s+index)?|vegetation(?:\s+index)?"
    r"|flood\w*|population\s+density)\b")
ADD_FIELD = re.compile(r"\b(?:add|get|bring|pull|extract|fetch|attach|include|join)\b")
LIBRARY_WORDS = re.compile(r"\braster\w*|\blibrary\b|\bsatellite\b|\benvironmental\b"
                           r"|\bcovariates?\b|\bremote\s+sensing\b")


def _covariates_request(text: str, low: str, ctx: RouterContext) -> Decision | None:
    """ "add rainfall and EVI": environmental variables the ward table lacks, from the
    deployment's raster library. Names the table already has are a change of the analysis
    (handled as a relative change), not a request for new data."""
    if not ctx.has_dataset or not ADD_FIELD.search(low) or re.search(
            r"\?|^\s*(?:what|why|how|which|can|could|do|does|is)\b|\b(?:plan|nets?|export"
            r"|download|map)\b", low):
        return None
    canonical = ex.canonical_text(text)
    found = [m.group(0) for m in ENV_WORDS.finditer(canonical)]
    if not found:
        return None
    have = {m.query.lower() for m in ex.find_variables(text, ctx.variables) if m.column}
    missing = [w for w in found if not any(w in h or h in w for h in have)]
    if not missing or (len(missing) < len(found) and not LIBRARY_WORDS.search(low)):
        return None
    names = list(dict.fromkeys(missing))
    return Decision([Step("add_covariates", {"rasters": names},
                          echo=f"Adding {_join(names)} to your ward data from the raster "
                               "library (one value per ward).", source=text)],
                    reading={"tool": "add_covariates"})


def _one_plan_request(parts: Sequence[str], text: str, ctx: RouterContext) -> bool:
    """The sentences give one plan request between them ("we have 450k nets for the state.
    plan it, five persons per household"): none is a plan on its own, none asks for anything
    but the plan, and together they give every value, each number in its place."""
    whole = route(text, ctx)
    if whole.tool != "plan_itn" or not whole.ready or whole.unmet:
        return False
    for part in parts:
        r = route(part, ctx)
        if r.tool not in (None, "plan_itn") or (r.tool == "plan_itn" and r.ready):
            return False
    return not stray_numbers(Step(whole.tool, dict(whole.params), source=text), text, ctx)


def _several(parts: Sequence[str], ctx: RouterContext, state: DialogueState,
             facts: Facts, independent: bool = False) -> Decision:  # fmt: skip
    out = Decision()
    kept = []
    for part in parts:
        g = intents.classify(part)
        if (g.label in ("thanks", "greeting", "confirm") and len(part.split()) <= 3) or \
                CONFIRM.match(ex.lower_text(part)) or THANKS_ONLY.match(ex.lower_text(part)) or \
                ASIDE_ONLY.match(ex.lower_text(part)) or scene_only(ex.lower_text(part)):
            continue
        kept.append(part)
    if not kept:
        kept = list(parts[-1:])
    if len(kept) == 1:
        low = ex.lower_text(kept[0])
        return _single(kept[0], low, intents.classify(kept[0]), ctx, state, facts)
    parts = kept
    pstate = state
    for i, part in enumerate(parts):
        low = ex.lower_text(part)
        pctx = replace(ctx, last_missing=())
        planned = [s_ for s_ in out.steps if s_.tool in PLAN_TOOLS]
        if planned:  # "plan ... and tell me how many wards are covered": about that plan
            pctx = replace(pctx, last_plan={**(ctx.last_plan or {}), **planned[-1].params})
        if out.steps and out.steps[-1].tool in list_scope.LIST_TOOLS:
            # "top 10 wards and export them": "them" is the list just asked for
            pstate = replace(state, last={"tool": out.steps[-1].tool,
                                          "params": dict(out.steps[-1].params)})
        elif out.steps and out.steps[-1].tool == "show_map":
            # "map the categories and export it as png": "it" is the map just asked for
            shown = dict(out.steps[-1].params)
            pstate = replace(state, last={"tool": "show_map", "params": shown},
                             shown={"kind": "map", "what": shown.get("what", "composite"),
                                    "variable": shown.get("variable"),
                                    "threshold": shown.get("threshold")})
        one = _single(part, low, intents.classify(part), pctx, pstate, facts)
        if len(one.steps) == 1 and one.steps[0].tool in list_scope.LIST_TOOLS:
            # "wards in Zaria and Fagge and a map": the list part is asked about on its own
            one = list_scope.several_in_one_list(one, part, ctx, facts)
        elif independent and not one.steps:
            one = list_scope.span_without_list(one, part, ctx, facts)
        if one.steps and not one.unmet:
            for s in one.steps:
                s.source = part
            if any(s_.tool == "run_analysis" for s_ in out.steps):
                # "run it with A, B and C, then show the top 5": the analysis asked for
                # comes first; no default analysis is run in between
                one.steps = [s for s in one.steps if s.echo != ANALYSE_FIRST]
            out.steps.extend(one.steps)
            out.notes.extend(one.notes)
            continue
        reason = one.text or "I did not understand it"
        out.not_done.append(f'Not done: "{part}" - {reason}')
        if one.choices and not out.choices:
            out.choices = one.choices
            out.pending = one.pending
        if i == 0 and not out.steps and not independent:
            return one
    if any(s.tool == "run_analysis" and s.params.get("variables") for s in out.steps):
        # "the default only uses 2 variables, that's thin. run it with A, B and C": the
        # remark on the default is no request of its own; the analysis asked for runs once
        out.steps = [s for s in out.steps if not (
            s.tool == "run_analysis" and not s.params and s.echo != ANALYSE_FIRST
            and not RUN_START.match(ex.lower_text(s.source or "")))]
    out.reading = {"split": list(parts)}
    return out


REPRI_DEFAULTS = "Urban reprioritisation with the default settings."


RUN_START = re.compile(r"^\W*(?:(?:ok(?:ay)?|so|and|then|first|please|pls|now|just)[\s,]+)*"
                       r"(?:run|rerun|re-run|redo|do|start|analy[sz]e|rank)\b")


CONVERSATION_REPLIES = {
    "thanks": "You're welcome. Ask me for a map, the top wards, a net plan or a file whenever "
              "you are ready.",
    "bye": "Goodbye. Your data and results stay in this session.",
    "out_of_scope": "I can only help with your ward data: the analysis, maps, ward lists, net "
                    "plans, urban reprioritisation and files. That question is outside what I "
                    "can answer.",
}


def _single(text: str, low: str, guess: intents.IntentGuess, ctx: RouterContext,
            state: DialogueState, facts: Facts) -> Decision:  # fmt: skip
    label = guess.label
    stripped = GREETING_PREFIX.sub("", text, count=1)
    while stripped != text and len(stripped.split()) >= 2:
        text, low = stripped, ex.lower_text(stripped)
        guess = intents.classify(text)
        label = guess.label
        stripped = GREETING_PREFIX.sub("", text, count=1)
    asked_file = exports.file_or_view(text, low, ctx, state, facts)
    if asked_file is not None:  # a file or map named in the words people use for them
        return asked_file
    if label in ("thanks", "bye", "out_of_scope") and guess.confident(0.5, 0.25):
        return Decision(text=CONVERSATION_REPLIES[label], choices=_starter_choices(ctx)
                        if label == "out_of_scope" else [])  # fmt: skip
    if label == "greeting" and guess.confident(0.5, 0.25):
        return Decision([Step("help", {}, source=text)])
    asked = _lga_without_names(text, low, ctx, facts) or result_question(text, low, ctx, state,
                                                                          facts)
    if asked is not None:
        return asked
    said_code = LGA_CODE.search(low)
    code = said_code or _code_follow_up(low, state, facts)
    # "list the wards in LGA 20013" before any analysis: the analysis runs first, then the list
    if code and ({label, guess.runner_up} & {"list_wards", "top_wards"} or re.search(
            r"\bwards?\b|\btop\b|\blist\b|\bbottom\b|\bthere\b", low)) and \
            (ctx.analysis_ready or (said_code and _can_analyse_first(["analysis"], ctx))) and not PLAN_WORDS.search(RANK_GET.sub(" ", low.replace("wards", ""))):
        value = code.group(1) or code.group(2)
        params = _list_params(low[:code.start()] + " " + low[code.end():])
        params["lga_code"] = value
        first = [] if ctx.analysis_ready else [Step("run_analysis", {}, echo=ANALYSE_FIRST,
                                                    source=text)]
        return Decision([*first, Step("list_wards", params, source=text)],
                        reading={"tool": "list_wards"})
    if not facts.lgas and not code and ({label, guess.runner_up} & {"list_wards", "top_wards"}
                                        or re.search(r"\btop\b|\bwards\b", low)) and \
            not re.search(r"\bexport\b|\bdownload\b|\bmap\b|\bnets?\b|\bplan\b", low):
        place = re.search(r"\b(?:in|for|of)\s+((?:[A-Z][\w'/-]+\s*){1,3})(?:LGA|L\.G\.A|local)?",
                          text)
        if place and other_area(place.group(1), facts.area) and not (
                ex.find_ward(text, ctx.wards) if ctx.wards else None):
            return not_covered(place.group(1), low, facts)
        if place and not (ex.find_ward(text, ctx.wards) if ctx.wards else None) and \
                place.group(1).split()[0].lower() not in (
                    "pca", "the", "this", "my", "our", "all", "whole", "composite", "order",
                    "excel", "csv", "rank", "priority", "total", "nigeria", "state") and \
                not whole_area_name(place.group(1), facts.area):
            return Decision(text=f"Your ward table has no LGA names, so I cannot tell which "
                                 f"wards are in {place.group(1).strip()}; nothing was listed. "
                                 "If it holds LGA codes, ask for example \"top 5 wards in LGA "
                                 "<code>\". Or should I list the whole area?",
                            choices=(whole := [{"label": describe_choice("top_wards", {
                                "n": _list_params(low).get("n", 10)}), "tool": "top_wards",
                                "params": {"n": _list_params(low).get("n", 10)}}]),
                            pending={"expects": "choice", "choices": whole,
                                     "lga_code_for": _list_params(low)})
    if label == "lga_summary" and re.search(r"\b(?:top|bottom|first|last)\s+\w+|\blist\b"
                                            r"|\bwhich\s+wards\b|\bname\s+the\b", low):
        label = "list_wards"  # wards of an LGA, not the LGA's figures
    counted = _counts(text, low, ctx, state, facts)
    if counted is not None:
        return counted
    if label == "ask_results" and ctx.has_dataset and not ctx.analysis_ready and re.search(
            r"\bvariables?\b|\bcolumns?\b", low) and not PLAN_WORDS.search(low):
        # "which variables will you use?" before any analysis: the data's candidates, not
        # an analysis run to answer it
        return Decision([Step("describe_data", {}, source=text)])
    if label in NEW_TOOLS and guess.confident(0.4, 0.15):
        return _new_tool(label, text, low, ctx, state, facts)
    named_export = _export_named(text, low, ctx, state)
    if named_export is not None:
        if named_export.steps:
            named_export.reading = {**named_export.reading, "named_export": True}
        return named_export
    # the two export readings that depend on what was shown
    unsupported = UNSUPPORTED_FORMAT.search(low)
    if unsupported and (label in ("export_results", "export_view") or re.search(
            r"\b(?:export|download|save|send|give)\b", low)):
        return exports.unmade_format(unsupported.group(0))
    if label == "export_results" and guess.confident(0.4, 0.15):
        view = _export_view(text, low, state, has_plan=ctx.last_plan is not None)
        if view is not None:
            return view
    r = route(text, ctx)
    if r.tool == "top_wards":
        lga, unknown = find_lga(text, facts.lgas)
        if lga or unknown:
            return _new_tool("list_wards", text, low, ctx, state, facts)
    # a known LGA named with wards: a ward list of that LGA, whatever else the words suggest
    if {label, guess.runner_up} & {"list_wards", "top_wards"} and re.search(r"\bwards?\b", low) \
            and r.tool in (None, "top_wards", "run_analysis") and facts.lgas:
        lga, _ = find_lga(text, facts.lgas)
        if lga:
            return _new_tool("list_wards", text, low, ctx, state, facts)
    adjusted = _adjust(r, text, low, label, ctx, state, facts)
    if adjusted is not None:
        return adjusted
    if r.intent in ("answer", "follow_up"):
        return _from_route(r, text, ctx, facts)
    router_label = _label_of(r)
    if router_label == label or (router_label == "help" and label == "greeting"):
        return _from_route(r, text, ctx, facts)
    if label in ("thanks", "bye", "out_of_scope", "greeting", "confirm", "cancel"):
        if r.tool is None:
            return Decision(text=CONVERSATION_REPLIES.get(label) or r.reply or r.clarification,
                            choices=_starter_choices(ctx))  # fmt: skip
        if guess.probability >= 0.8:
            return Decision(text=CONVERSATION_REPLIES.get(label, "Could you say that "
                                                          "differently?"),
                            choices=_starter_choices(ctx))  # fmt: skip
    probs = intents.model().probabilities(text)
    if r.tool is None:
        if label in ROUTER_TOOLS and guess.confident(0.45, 0.2):
            return _as_label(label, text, low, ctx, state, facts)
        return Decision(text=r.clarification or r.reply or "I did not understand that.",
                        choices=_starter_choices(ctx))  # fmt: skip
    p_router = probs.get(router_label, 0.0)
    if label in ROUTER_TOOLS and guess.probability >= 0.75 and p_router < 0.08:
        return _as_label(label, text, low, ctx, state, facts)
    # the model and the sentence patterns disagree. The model decides when it is sure; the
    # patterns' reading stands only for tools that change nothing (a list, a map, an
    # answer) and only when the model finds it plausible too; otherwise ask
    if label in ROUTER_TOOLS and guess.confident(0.55, 0.3):
        return _as_label(label, text, low, ctx, state, facts)
    if router_label not in ACTION_TOOLS and (
            p_router >= 0.2 or (r.confidence >= 0.7 and p_router >= 0.08)):
        return _from_route(r, text, ctx, facts)
    # two plausible readings: ask
    options = [_route_as(label, text, ctx) if label in ROUTER_TOOLS else None, r]
    choices = []
    for opt in options:
        if opt is None or opt.tool is None or not opt.ready or opt.unmet:
            continue
        lab = describe_choice(opt.tool, opt.params)
        if lab and lab not in [c["label"] for c in choices]:
            choices.append({"label": lab, "tool": opt.tool, "params": dict(opt.params)})
    if len(choices) == 1 and r.tool is not None and choices[0]["tool"] == r.tool:
        return _from_route(r, text, ctx, facts)
    if not choices:
        return _from_route(r, text, ctx, facts)
    return Decision(text="I am not sure what you mean. Did you mean one of these?",
                    choices=choices,
                    pending={"expects": "choice", "choices": choices})  # fmt: skip


# "which ward get highest rank": a rank got, not nets
RANK_GET = re.compile(r"\b(?:gets?|got)\s+(?:the\s+|d\s+)?(?:highest|lowest|top|bottom|first|last"
                      r"|best|worst)(?:\s+(?:rank\w*|score|position|place))?\b")
LGA_CODE = re.compile(r"\blgas?\s*(?:code\s*)?(?:no\.?\s*|number\s*|#\s*)?(\d{3,})\b"
                      r"|\b(\d{3,})\s+lga\b")
EXPORT_OF_LAST = {"plan_itn": "itn_plan", "what_if_plan": "itn_plan", "top_wards": "rankings",
                  "list_wards": "rankings", "ask_results": None, "run_analysis": "rankings"}
INSTEAD_OF = re.compile(r"\b(?:instead\s+of|rather\s+than|not)\s+(?:the\s+)?(?:pca|composite)\b"
                        r"(?:\s+(?:one|ranking|rank|method|score))?")
METHOD_SWITCH = re.compile(r"\b(?:use|using|with|switch\s+to|by|based\s+on|try|back\s+to"
                           r"|go\s+back\s+to|return\s+to|the\s+other\s+(?:one|method|ranking|way))\b"
                           r".*?\b(pca|composite)"
                           r"\b|\b(pca|composite)\s+(?:ranking|rank|method)?\s*instead\b")


def _counts(text: str, low: str, ctx: RouterContext, state: DialogueState,
            facts: Facts) -> Decision | None:  # fmt: skip
    """Counts of the data itself: wards in the file, LGAs, wards of one LGA."""
    if re.search(r"\bhow\s+many\s+wards\b", low) and re.search(
            r"\b(?:file|data|dataset|table|upload\w*|sheet|csv)\b", low) and \
            not CATEGORY.search(low) and not re.search(r"\bnets?\b|\bplan\b|\burban\b", low):
        return Decision([Step("describe_data", {}, source=text)])
    # "how many LGAs are there?", "how many wards does Rimai have?": the LGA summary says
    about_plan = re.search(r"\bnets?\b|\bitns?\b|\bllins?\b|\bplan\b|\bcover\w*|\ballocat\w*",
                           low) or (ctx.last_plan and PLAN_WORDS.search(low.replace("wards", "")))
    if facts.lgas and ctx.has_dataset and not about_plan \
            and not CATEGORY.search(low) and not re.search(r"\burban\b|\bselected\b", low):
        if re.search(r"\bhow\s+many\s+(?:lgas?|local\s+gov\w*)\b", low):
            return _new_tool("lga_summary", "", "", ctx, state, facts)
        if re.search(r"\bhow\s+many\s+wards?\b", low):
            lga, _ = find_lga(text, facts.lgas)
            if lga:
                return _new_tool("lga_summary", text, low, ctx, state, facts)
    return None


def _adjust(r: Route, text: str, low: str, label: str, ctx: RouterContext, state: DialogueState,
            facts: Facts) -> Decision | None:  # fmt: skip
    """Readings that depend on what was done before."""
    from chatmrpt.chat import router as rt_

    last_tool = (state.last or {}).get("tool")
    # "use the PCA ranking instead" right after a plan changes the plan's ranking
    m = METHOD_SWITCH.search(INSTEAD_OF.sub(" ", low))
    after_plan = last_tool in (*PLAN_TOOLS, "ask_results", "export_results") or (
        last_tool == "show_map" and (state.last or {}).get("params", {}).get("what") == "itn") \
        or (r.tool in (None, "run_analysis", "plan_itn", "what_if_plan")
            and re.search(r"\brank\w*|\bplan\b|\binstead\b", low))
    if m and ctx.last_plan and after_plan and not re.search(r"\banaly", low) and (
            r.tool in (None, "run_analysis", "top_wards", "plan_itn", "what_if_plan")) and \
            not _names_ward_list(low):
        method = plan_formal.method_meant(m.group(1) or m.group(2), INSTEAD_OF.sub(" ", low),
                                          ctx.last_plan)
        if method is None:  # both rankings named, the one asked for not clear: asked
            ask, choices = plan_formal.method_question()
            return Decision(text=ask, choices=choices,
                            pending={"expects": "choice", "choices": choices})
        said = _plan_values_said(text, ctx)
        return Decision([Step("what_if_plan", {"method": method, **said},
                              echo=f"Re-planning with the {'PCA' if method == 'pca' else 'composite'}"
                                   f" ranking{_values_echo(said)}, everything else as before.",
                              source=text)],
                        reading={"relative": "plan_setting"} if ctx.last_plan.get(
                            "method", "composite") != method and not reads_as_question(text)
                        else {})
    if label == "export_results" or r.tool == "export_results":
        msg = rt_.Message.read(text, ctx)
        explicit = rt_._export_params(msg, ctx).params.get("what")
        if re.search(r"\branked\s+(?:ward\s+)?(?:table|list|wards)\b|\branking\s+table\b|\b(?:top|bottom)"
                     r"\s+\d+(?:\s+wards)?\s+(?:as|in|to|into)\b", low):
            explicit = "rankings"
        if explicit is None:
            fmt = rt_._export_params(msg, ctx).params.get("format")
            subject = EXPORT_OF_LAST.get(last_tool) if last_tool else None
            if fmt is None and not re.search(
                    r"\b(?:it|that|this|them|those|these|same|list|table|results?|file|one)\b",
                    low):
                # neither what nor the format said, nothing referred to: ask
                subject = None
            if ctx.last_plan and last_tool in ("ask_results", "export_results") and (
                    (state.last or {}).get("params", {}).get("about", "").startswith("plan")
                    or (state.last or {}).get("params", {}).get("what") == "itn_plan"):
                subject = "itn_plan"
            if last_tool in ("show_map", "compare_methods"):
                view = _export_view(text + " that map" if last_tool == "show_map" else text,
                                    low + (" that map" if last_tool == "show_map" else " chart"),
                                    state, has_plan=ctx.last_plan is not None)
                if view is not None:
                    return view
            if subject is None:
                choices = []
                for what in ("rankings", "itn_plan", "unified"):
                    if what == "itn_plan" and ctx.last_plan is None:
                        continue
                    p = {"what": what}
                    if fmt and fmt in EXPORT_FORMATS_BY_KIND["rankings"]:
                        p["format"] = fmt
                    choices.append({"label": describe_choice("export_results", p),
                                    "tool": "export_results", "params": p})
                return Decision(text="Which result should I export?", choices=choices,
                                pending={"expects": "choice", "choices": choices})
            p = {"what": subject}
            if fmt:
                p["format"] = fmt
            if "format" in p and p["format"] not in rt_.EXPORT_FORMATS_BY_KIND[subject]:
                return None
            return _from_route(rt_._finish("export_results", p, rt_.Extraction(), ctx, "export",
                                           0.8), text, ctx, facts)
        if explicit == "rankings" and r.params.get("what") != "rankings":
            p = {**rt_._export_params(msg, ctx).params, "what": "rankings"}
            if p.get("format") not in (None, "csv", "xlsx"):
                p.pop("format")
            return _from_route(rt_._finish("export_results", p, rt_.Extraction(), ctx, "export",
                                           0.8), text, ctx, facts)
    # a change of directions or methods keeps the variables of the last analysis
    if r.tool == "run_analysis" and ctx.analysis_ready and facts.analysis_variables and \
            "variables" not in r.params and (r.params.get("directions") or re.search(
                r"\bsame\s+variables\b", low)) and not RESET.search(low):
        params = dict(r.params)
        variables = list(facts.analysis_variables)
        for v in params.get("directions") or {}:
            if v not in variables:
                variables.append(v)
        params["variables"] = variables
        old_dirs = {k: v for k, v in (facts.analysis_params.get("directions") or {}).items()
                    if k in variables}
        if old_dirs or params.get("directions"):
            params["directions"] = {**old_dirs, **(params.get("directions") or {})}
        changed = ", ".join(f"{k} as {v}" for k, v in (r.params.get("directions") or {}).items())
        return Decision([Step("run_analysis", params,
                              echo=f"Re-running the analysis with the same {len(variables)} "
                                   f"variables ({_join(variables)})"
                                   + (f", treating {changed}." if changed else "."),
                              source=text)])
    # "wards above 30 percent urban on the map": the urban map at that threshold
    if r.tool == "show_map" and r.params.get("what") == "variable" and re.search(
            r"\burban\b", low) and re.search(r"\b(?:above|over|more\s+than|>|at)\b", low):
        nums = [n for n in ex.extract_numbers(low) if 0 <= n.value <= 100]
        if len(nums) == 1:
            return Decision([Step("show_map", {"what": "urban", "threshold": nums[0].number},
                                  source=text)])
    # "how many wards are high priority?": the category's list says how many
    if re.search(r"\bhow\s+many\s+wards\b", low) and CATEGORY.search(low) and \
            ctx.analysis_ready and not PLAN_WORDS.search(low.replace("wards", "")):
        params = _list_params(low)
        lga, _ = find_lga(text, facts.lgas)
        if lga:
            params["lga"] = lga
        if "category" in params:
            return Decision([Step("list_wards", params, source=text)])
    # "what is the coverage now?" after a plan: the plan's totals, not the method text
    if ctx.last_plan and r.tool in (None, "explain_methodology", "top_wards") and re.search(
            r"\bcoverage\b|\bcovered\b|\bleft\s*over\b|\bremaining\s+nets\b|\bnets\s+left\b",
            low) and not re.search(r"^\s*(?:how|why)\b|\bexplain\b|\bmean\b", low):
        return Decision([Step("ask_results", {"about": "plan_totals"}, source=text)])
    # an order ("show me ...") is no question about the method
    if r.tool == "explain_methodology" and label in ROUTER_TOOLS and label != r.tool and \
            ACTION_START.match(low):
        return _from_route(_route_as(label, text, ctx), text, ctx, facts)
    # "what strategy did you use?" after a plan: the plan's settings, not the method text
    if ctx.last_plan and (re.search(r"\b(?:strategy|settings?|parameters?|household\s+size|"
                                    r"urban\s+threshold|people\s+per\s+net|bales?|bale\s+size"
                                    r"|buffer)\b", low) or CURRENT_THRESHOLD.search(low)) and \
            re.search(r"\b(?:what|which)\b.*\b(?:used?|did|was|were|is|are)\b|\b(?:what|which)'s\b",
                      low) and \
            not re.search(r"\banaly[sz]\w*|\bmean\b|\bexplain\b|\bhow\b", low) and \
            r.tool in (None, "explain_methodology", "plan_itn", "what_if_plan"):
        return Decision([Step("ask_results", {"about": "plan_params"}, source=text)])
    # "which one is number 1 and why": the ward at that rank
    m = re.search(r"\b(?:number|no\.?|rank(?:ed)?|#)\s*(\d+)\b", low)
    last = re.search(r"^\W*(?:and\s+|so\s+)?(?:which|what)\s+(?:ward|one)\s+(?:is|comes)\s+"
                     r"(?:the\s+)?(?:very\s+)?last\W*$", low)
    k_said = int(m.group(1)) if m else ordinal.rank_word(low)
    if (k_said or last) and facts.ranked and ctx.analysis_ready and re.search(
            r"\bwhy\b|\bexplain\b|\bwhich\b|\b(?:what|wat|wetin)\s+ward\b", low) \
            and not ex.find_ward(text, ctx.wards):
        k = k_said or len(facts.ranked)
        if 1 <= k <= len(facts.ranked):
            name, lga = facts.ranked[k - 1]
            params = {"ward": name}
            if lga and sum(1 for w in ctx.wards if w.name == name) > 1:
                params["lga"] = lga
            return Decision([Step("explain_ward", params,
                                  echo=f"Number {k} in the composite ranking is {name}"
                                       + (" (the last)." if k == len(facts.ranked) else "."),
                                  source=text)])
    return None


# "what threshold is it on now?", "which threshold are we at": the plan's own value
CURRENT_THRESHOLD = re.compile(r"\bthreshold\b.*\b(?:now|currently|current|at\s+the\s+moment"
                               r"|set\s+(?:to|at)|(?:it|we)\s+(?:on|at|using))\b"
                               r"|\b(?:current|present)\s+threshold\b")


def _plan_values_said(text: str, ctx: RouterContext) -> dict[str, Any]:
    """The plan values a message states besides its ranking method ("switch back to composite
    and make it one point eight million"): the same reading a plan request gets."""
    from chatmrpt.chat import router as rt_

    found = rt_._plan_params(rt_.Message.read(text, ctx), ctx)
    if found.questions:
        return {}
    return {k: v for k, v in found.params.items() if k not in ("method", "strategy")}


def _values_echo(values: Mapping[str, Any]) -> str:
    """ " and 1,800,000 nets, household size 5": plan values in words, for an echo."""
    bits = [f"{int(v):,} nets" if k == "total_nets" else
            f"{PLAN_LABELS.get(k, k.replace('_', ' '))} {_fmt(float(v))}"
            + ("%" if k in ("urban_threshold", "max_ward_share") else "")
            for k, v in values.items() if isinstance(v, int | float)]
    if not bits:
        return ""
    return f" and {bits[0]}" if len(bits) == 1 else f", {_join(bits)}"


def _label_of(r: Route) -> str | None:
    if r.tool is None:
        return {"thanks": "thanks", "bye": "bye"}.get(r.intent)
    return "plan_itn" if r.tool == "what_if_plan" else r.tool


def _as_label(label: str, text: str, low: str, ctx: RouterContext, state: DialogueState,
              facts: Facts) -> Decision:
    """The message read as the classifier's tool; a top list that names an LGA of the table
    ("top 5 in Ganja again", "top 5 in Ganja by pca") is that LGA's list, never the whole
    area's."""
    if label == "top_wards" and facts.lgas:
        lga, unknown = find_lga(text, facts.lgas)
        if lga or unknown:
            return _new_tool("list_wards", text, low, ctx, state, facts)
    return _from_route(_route_as(label, text, ctx), text, ctx, facts)


def _route_as(tool: str, text: str, ctx: RouterContext) -> Route:
    from chatmrpt.chat import router as rt_

    msg = rt_.Message.read(text, ctx)
    scores = {i.tool: i.score(msg, ctx) for i in rt_.INTENTS}
    return rt_._build(tool, msg, ctx, scores, intent=tool, confidence=0.6)


def _from_route(r: Route, text: str, ctx: RouterContext, facts: Facts) -> Decision:
    """Act on a route, or ask what it still needs."""
    if r.tool is None:
        return Decision(text=r.reply or r.clarification or "I did not understand that.",
                        choices=_starter_choices(ctx))  # fmt: skip
    if r.unmet:
        if r.ready and _can_analyse_first(r.unmet, ctx):
            return Decision([Step("run_analysis", {}, echo=ANALYSE_FIRST, source=text),
                             Step(r.tool, dict(r.params), source=text)])
        if not (not r.ready and _can_analyse_first(r.unmet, ctx)):
            return Decision(unmet=list(r.unmet), reading={"tool": r.tool,
                                                          "params": dict(r.params)})
    if not r.ready and r.tool in PLAN_TOOLS and reads_as_question(text) and \
            not ex.extract_numbers(ex.lower_text(text)):
        return Decision(text=_plan_needs(ctx), choices=_starter_choices(ctx))
    if not r.ready and r.tool in PLAN_TOOLS:
        # "Last year we moved 380,000 nets in 3 weeks.": a figure told of something else is
        # no plan waiting for its household size
        elsewhere = totals_said_of_something_else(Step(r.tool, dict(r.params), source=text), text)
        if elsewhere:
            return Decision(text=f"I read {_join(elsewhere)}, not as the number of nets to plan "
                                 "with, so nothing is planned. " + _plan_needs(ctx),
                            choices=_starter_choices(ctx), reading={"not_ordered": True})
    alternatives: list[dict[str, Any]] = []
    if not r.ready and r.tool in PLAN_TOOLS:
        strays = stray_numbers(Step(r.tool, dict(r.params), source=text), text, ctx)
        alternatives = _alternatives(text, r, strays) or _range_ends(text, r)
        if alternatives and "total_nets" not in r.missing and "total_nets" in alternatives[0]:
            # "between 500k and 600k nets": neither end is taken for the stock
            r = replace(r, params={k: v for k, v in r.params.items() if k != "total_nets"},
                        missing=("total_nets", *r.missing))
        if alternatives:
            # "400k or 450k, not sure": the one missing value said twice; the question
            # names both, and "the first one" answers it
            key = next(iter(alternatives[0]))
            values = [f"{int(a[key]):,}" if key == "total_nets" else _fmt(a[key])
                      for a in alternatives]
            said = ", ".join(values[:-1]) + " or " + values[-1]
            read = [f"households of {_fmt(r.params['household_size'])} people"
                    if "household_size" in r.params else "",
                    f"{int(r.params['total_nets']):,} nets" if "total_nets" in r.params else ""]
            read_text = _join([x for x in read if x])
            what = "number of nets" if key == "total_nets" else "household size"
            r = replace(r, clarification=(f"So far I read {read_text}. " if read_text else "")
                        + f"You gave two values for the {what}, {said}: which one should I "
                          "plan with? Nothing is planned until you say.")
        elif strays:
            # the question shows what was read, so an answer to it confirms that reading
            read = [f"{int(r.params['total_nets']):,} nets" if "total_nets" in r.params else "",
                    f"households of {_fmt(r.params['household_size'])} people"
                    if "household_size" in r.params else ""]
            read_text = _join([x for x in read if x])
            r = replace(r, clarification=(f"So far I read {read_text}" if read_text else
                                          "I could not read the plan's numbers")
                        + f" (I did not use {_join(strays)}). " + (r.clarification or ""))
    if not r.ready and r.tool == "run_analysis":
        unknown = unknown_variable.unknown_names(text, ctx)
        if unknown:
            return unknown_variable.ask(text, r.params, ctx, facts.analysis_variables, unknown)
    if not r.ready:
        pending: dict[str, Any] = {"tool": r.tool, "params": dict(r.params),
                                   "missing": list(r.missing)}  # fmt: skip
        if r.tool in PLAN_TOOLS and set(r.missing) & {"total_nets", "household_size"}:
            pending["expects"] = "plan_numbers"
        elif r.tool in PLAN_TOOLS and not r.missing:
            pending["expects"] = "plan_numbers"
            pending["missing"] = []
        elif "lga" in r.missing:
            pending["expects"] = "lga"
        elif "ward" in r.missing:
            pending["expects"] = "ward"
        elif r.tool == "export_results" and "what" in r.missing:
            pending["expects"] = "export_what"
        else:
            pending = None  # type: ignore[assignment]
        if pending is not None and alternatives:
            pending["alternatives"] = alternatives
        if pending is not None and r.candidates:
            pending["candidates"] = [{"name": c.name, "lga": c.lga} for c in r.candidates]
        choices = []
        if pending is not None and pending["expects"] in ("lga", "ward") and r.candidates:
            for c in r.candidates[:6]:
                params = {"ward": c.name}
                if c.lga and pending["expects"] == "lga":
                    params["lga"] = c.lga
                label = f"Explain {c.name} in {c.lga}" if c.lga else f"Explain {c.name}"
                choices.append({"label": label, "tool": "explain_ward", "params": params})
            if choices:
                pending = {**pending, "expects": "choice", "choices": choices}
        return Decision(text=r.clarification, pending=pending, choices=choices,
                        reading={"tool": r.tool, "missing": list(r.missing)})  # fmt: skip
    method_change = _plan_method_change(text, ctx) if r.tool == "compare_methods" else None
    if method_change is not None:
        return method_change
    if r.tool == "compare_methods" and not COMPARE_METHOD_WORDS.search(ex.lower_text(text)):
        other = _compared_other_things(text, ctx)
        if other is not None:
            return other
    return Decision([Step(r.tool, dict(r.params), source=text)], reading={"tool": r.tool})


# "same but composite", "same with pca", "now on the composite": the last plan with the other
# ranking method
SAME_BUT_METHOD = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|so|now|then)[\s,]+)*(?:(?:the\s+)?same"
                             r"(?:\s+(?:plan|thing|again))?\s*,?\s*(?:but\s+)?(?:with|on|using|by"
                             r"|for)?|now\s+(?:with|on|using|by))\s*\b(?:the\s+)?(?P<m>composite|pca)"
                             r"(?:\s+(?:ranking|method|score|one))?\W*$")


def _plan_method_change(text: str, ctx: RouterContext) -> Decision | None:
    """'same but composite' with a net plan made last: the plan again with that ranking
    method (it was read as the comparison of the two methods)."""
    m = SAME_BUT_METHOD.match(ex.lower_text(text))
    if m is None or ctx.last_plan is None or ctx.last_tool in (
            "top_wards", "list_wards", "show_map", "lga_summary", "explain_ward"):
        return None
    method = m.group("m")
    if (ctx.last_plan.get("method") or "composite") == method:
        name = "PCA" if method == "pca" else "composite"
        return Decision(text=f"The current plan already uses the {name} ranking: nothing to "
                             "change.")
    return Decision([Step("what_if_plan", {"method": method}, source=text)],
                    reading={"relative": "plan_setting"})


# what names the two ranking methods ("compare the composite and the PCA", "how do the two
# rankings differ"), unlike "compare rainfall and tpr" or "compare u5 and pregnant women"
COMPARE_METHOD_WORDS = re.compile(r"\b(?:pca|composite|methods?|rankings?|ranks|principal"
                                  r"|two\s+(?:ways|lists|scores|results)|both\s+(?:ways|lists"
                                  r"|scores))\b")
_TPR_GROUPS = re.compile(r"\b(?:u5|under[\s-]*(?:5|five)s?|o5|over[\s-]*(?:5|five)s?|pregnant"
                         r"|women|rdt|microscopy|age\s+groups?)\b")


def _compared_other_things(text: str, ctx: RouterContext) -> Decision | None:
    """'compare rainfall and tpr', 'compare u5 and pregnant women': a comparison of
    variables or TPR groups, which the method comparison does not answer; said so, with each
    variable's map offered. None when the message names neither."""
    columns = list(dict.fromkeys(m.column for m in ex.find_variables(text, ctx.variables)
                                 if m.column))
    low = ex.lower_text(text)
    if not columns and not _TPR_GROUPS.search(low):
        return None
    what = _join(columns) if columns else "TPR groups"
    choices = [{"label": f"Show the {c} map", "tool": "show_map",
                "params": {"what": "variable", "variable": c}} for c in columns[:3]]
    return Decision(text=f"I can compare the two ranking methods (composite score and PCA), "
                         f"but not {what} with each other; nothing was run. "
                         + ("I can show each one on a map, or give one ward's value of each."
                            if columns else "I can run the TPR for one group at a time."),
                    choices=choices or _starter_choices(ctx),
                    reading={"tool": "compare_methods", "not_methods": True})


# "400k or 450k", "400k or maybe 450k": two values offered for one thing
ALTERNATIVE_OR = re.compile(r"\s*,?\s*(?:or|abi|or\s+maybe|or\s+perhaps|or\s+even)\s+")


def _range_ends(text: str, r: Route) -> list[dict[str, Any]]:
    """The two ends of a range of nets the plan's stock was read from ("we expect between
    500k and 600k nets"), in the order said; [] otherwise."""
    used = r.params.get("total_nets")
    if not isinstance(used, int | float):
        return []
    low = ex.canonical_text(text)
    found = ex.extract_numbers(low)
    for a, b in zip(found, found[1:], strict=False):
        if nets_range(low, a, b) and float(used) in (a.value, b.value) and a.value != b.value:
            return [{"total_nets": a.number}, {"total_nets": b.number}]
    return []


def _alternatives(text: str, r: Route, strays: Sequence[str]) -> list[dict[str, Any]]:
    """The values of a plan request said as alternatives for the one value it misses ("plan
    400k or 450k not sure, hh 5"), in the order said; [] when the message is not that."""
    missing = [m for m in r.missing if m in ("total_nets", "household_size")]
    if len(missing) != 1 or len(strays) < 2:
        return []
    key = missing[0]
    low = ex.canonical_text(text)
    numbers = [n for n in ex.extract_numbers(low) if n.text.strip() in strays]
    if len(numbers) != len(strays) or any(n.percent for n in numbers):
        return []
    if any(not ALTERNATIVE_OR.fullmatch(low[a.end:b.start])
           for a, b in zip(numbers, numbers[1:], strict=False)):
        return []
    spec = tool_spec("plan_itn").param(key)
    fits = (lambda n: n.is_whole and n.value >= 1000) if key == "total_nets" else \
        (lambda n: 1 <= n.value <= 15)
    if not all(fits(n) and not spec.problems(n.number) for n in numbers):
        return []
    values = [n.number for n in numbers]
    if len(set(values)) != len(values):
        return []
    return [{key: v} for v in values]


def _plan_needs(ctx: RouterContext) -> str:
    has_population = any(re.search(r"pop", v, re.I) for v in ctx.variables)
    text = ("To plan the net distribution I need three things: the number of nets available, "
            "the average household size (people per household), and the population of each "
            "ward.")
    if ctx.has_dataset and not has_population:
        text += (" Your ward table has no population column: add a Population column to the "
                 "ward table, or provide a population table or raster with the ward data.")
    elif ctx.has_dataset:
        text += " Your ward table has a population column, so the nets and the household " \
                "size are enough: for example \"plan 500,000 nets, household size 5\"."
    return text


ANALYSE_FIRST = "There was no analysis yet, so I ran it first with the default variables."
RUN_WHEN_TOLD = "Running the analysis with the default variables for your data."


# "Hello, I am focal person for Kuran LGA", "my LGA is 20043": who the user is, no request
INTRODUCTION = re.compile(
    r"\b(?:i\s+am|i'?m|am|my\s+name\s+is|this\s+is|na\s+me)\b[^.?!]{0,40}?\b(?:focal\s+(?:person"
    r"|point)|officer|analyst|coordinator|director|manager|consultant|clerk|intern|in\s+charge)\b"
    r"|\bmy\s+(?:lga|l\.g\.a|local\s+government(?:\s+area)?)\s+is\b")
INTRODUCTION_ASKS = re.compile(r"\b(?:list|show|give|run|rank|plan|map|export|tell|send|how\s+many"
                               r"|what|which|where|why|can\s+you|pls|please|abeg)\b|\?")


def _analyse_first(decision: Decision, ctx: RouterContext, text: str = "") -> Decision:
    """The one place that runs the default analysis first, whichever reader made the
    decision: a step that needs ranked results, with no analysis in the session and none
    run before it, gets one in front of it (files have their own rule, in ``exports``, and a
    question about stored results answers from what is stored: "which LGA codes are there"
    needs no analysis). A message that only says who the user is ("I am the focal person
    for Kuran LGA") runs nothing: the analysis is offered."""
    if not decision.steps or not _can_analyse_first(["analysis"], ctx):
        return decision
    low = ex.lower_text(text)
    if INTRODUCTION.search(low) and not INTRODUCTION_ASKS.search(low) and all(
            s.tool != "run_analysis" or s.echo == ANALYSE_FIRST for s in decision.steps):
        choices = [{"label": "Run the analysis", "tool": "run_analysis", "params": {}}]
        return Decision(text="Welcome. There is no analysis of the wards yet, so there is "
                             "nothing ranked to show for your LGA. Say \"run the analysis\" "
                             "(or tap it), then ask for your LGA's wards.",
                        choices=choices, reading={**decision.reading, "introduction": True})
    for i, step in enumerate(decision.steps):
        if step.tool == "run_analysis":
            return decision
        if step.tool.startswith("export_") or step.tool == "ask_results":
            continue  # files have their own rule; a stored-result question may need none
        if tool_spec(step.tool).needs_analysis:
            decision.steps.insert(i, Step("run_analysis", {}, echo=ANALYSE_FIRST,
                                          source=step.source))
            return decision
    return decision


# "and the least?", "what about the next five?": a message that leans on one before it
LEANS_ON_BEFORE = re.compile(r"^\s*(?:and|nd|&|what\s+about|how\s+about|what\s+of)\b")


def _nothing_before(decision: Decision, text: str, ctx: RouterContext,
                    state: DialogueState) -> Decision:
    """A follow-up ("and the least?") as the first thing said, with nothing before it to lean
    on, no place named and no analysis yet, runs nothing: the analysis is offered (running it
    would act on a guess)."""
    if not decision.steps or ctx.last_tool or state.last or state.shown or state.pending \
            or not _can_analyse_first(["analysis"], ctx) \
            or not LEANS_ON_BEFORE.search(ex.lower_text(text)) \
            or any(s.tool == "run_analysis" and s.echo != ANALYSE_FIRST for s in decision.steps) \
            or any(s.params.get(k) for s in decision.steps for k in ("lga", "lga_code", "ward")):
        return decision  # "and 20024?" names what it wants: its wards, after the analysis
    choices = [{"label": "Run the analysis", "tool": "run_analysis", "params": {}}]
    return Decision(text="There is nothing before this to follow on from yet: no analysis of "
                         "the wards has been run, so nothing is ranked. Say \"run the "
                         "analysis\" (or tap it), then ask again.",
                    choices=choices, reading={**decision.reading, "nothing_before": True})


def _can_analyse_first(unmet: Sequence[str], ctx: RouterContext) -> bool:
    return list(unmet) == ["analysis"] and ctx.has_dataset and ctx.analysis_status in (
        None, "failed")


def _starter_choices(ctx: RouterContext) -> list[dict[str, Any]]:
    if not ctx.has_dataset:
        return [{"label": "What can you do?", "tool": "help", "params": {}}]
    if not ctx.analysis_ready:
        return [{"label": "Describe my data", "tool": "describe_data", "params": {}},
                {"label": "Run the analysis", "tool": "run_analysis", "params": {}}]
    return [{"label": "Top 10 wards", "tool": "top_wards", "params": {"n": 10}},
            {"label": "Show the vulnerability map", "tool": "show_map",
             "params": {"what": "composite"}}]  # fmt: skip


# --- checking what a language model proposes ----------------------------------------------


ACTION_TOOLS = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban", "compute_tpr",
                "export_results", "export_view", "add_covariates")


def check_model_call(tool: str, params: Mapping[str, Any], text: str, ctx: RouterContext,
                     state: DialogueState, facts: Facts) -> str | None:  # fmt: skip
    """Why a tool call a model proposed must not run (None: it may run).

    The model may phrase things freely, but the numbers and names a call acts on must come
    from the conversation: a net count or household size the user did not give (directly,
    as an answer, or as a change of the last plan) is a guess, and an LGA or ward the data
    lacks is a misreading. The offline dialogue manager answers instead.
    """
    text = normalize.plain_text(text, normalize.text_names(ctx, facts))
    low = ex.canonical_text(text)
    mentions = ex.extract_numbers(low)
    said = {n.value for n in mentions if not ex.weak_quantity(n, low)}
    known = dict(ctx.last_plan or {})
    if tool in ACTION_TOOLS:
        # where the manager would ask (two readings, an amount or a name missing), a model
        # acting is a guess: the manager asks instead
        offline = decide(text, ctx, state, facts)
        if not offline.steps and (offline.choices or offline.pending
                                  or "?" in (offline.text or "")):
            return "the request has more than one reading or misses a value, so it is asked"
        if tool == "export_results" and params.get("format") and offline.steps and \
                offline.steps[-1].tool == "export_results" and \
                offline.steps[-1].params.get("format") not in (None, params.get("format")):
            return f"the format {params['format']!r} is not the one asked for"
    if tool in PLAN_TOOLS:
        change = relative_plan_change(text, ctx.last_plan)
        derived = set(change.params.values()) if change else set()
        pending = (state.pending or {}).get("params") or {}
        for name in ("total_nets", "household_size"):
            if name not in params:
                continue
            value = float(params[name])
            if value in said or value in derived or float(pending.get(name, -1)) == value:
                continue
            if tool == "what_if_plan" and float(known.get(name, -1)) == value:
                continue
            if tool == "plan_itn" and float(known.get(name, -1)) == value and name not in said:
                continue
            return f"{name.replace('_', ' ')} {params[name]} was not given in the conversation"
        if tool == "plan_itn" and not {"total_nets", "household_size"} <= set(params):
            return "a plan needs the number of nets and the household size"
        fill = params.get("fill_population")
        if fill is not None and fill != known.get("fill_population") and not (
                fill == ex.find_fill_rule(text)
                or isinstance(fill, int | float) and float(fill) in said):
            return f"the population fill {fill!r} was not given in the conversation"
    if params.get("lga") and facts.lgas and str(params["lga"]).lower() not in {
            lg.lower() for lg in facts.lgas}:
        return f"there is no LGA {params['lga']!r} in the data"
    if tool == "ward_value" and params.get("variable") not in ctx.variables:
        return f"there is no column {params.get('variable')!r}"
    return None
