"""Operations on the current net plan, read from a message and echoed with what they change.

A plan is changed relative to the one the session points at ("use the P C A ranking
instead", "stop at the first ward that does not fit", "please change the threshold to 50",
"run it with 600,000"), or an earlier plan of the conversation is brought back ("undo that",
"go back to the previous plan", "the one before", "back to the first plan"). Every re-plan
says what it changes, old value and new. (Amounts added, taken away, multiplied, and several
values in one message are read in dialogue.relative_plan_change and the router.)

Plans are content-addressed: planning again with the parameters of an earlier plan finds
the stored plan and moves the session's pointer (``state.last_plan``) back to it. The plans
the session pointed at, in order, are kept in the dialogue state (``plans``: ids, their
parameters and the place of the current one), so "undo" knows which plan the user means and
later relative changes build on the plan brought back. A plan made outside the chat (through
the API) joins the history when the next message is read.

Everything here is a pure function of the message, the router context and the stored state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import history

HISTORY_MAX = 20
PLAN_KEYS = ("total_nets", "household_size", "urban_threshold", "method", "strategy",
             "people_per_net", "buffer", "bale_size", "max_ward_share", "fill_population")
DEFAULTS = {"urban_threshold": 75, "method": "composite", "strategy": "stop",
            "people_per_net": 1.8, "buffer": 1, "bale_size": 1, "max_ward_share": None,
            "fill_population": None}  # fmt: skip
LABELS = {"total_nets": "nets", "household_size": "household size",
          "urban_threshold": "urban threshold", "method": "ranking", "strategy": "strategy",
          "people_per_net": "people per net", "buffer": "buffer", "bale_size": "bale size",
          "max_ward_share": "cap per ward", "fill_population": "population fill"}  # fmt: skip
PLAN_TOOLS = ("plan_itn", "what_if_plan")


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _value_text(key: str, value: Any) -> str:
    if value is None:
        return "none"
    if key == "urban_threshold" or key == "max_ward_share":
        return f"{_fmt(value)}%"
    if key == "buffer":
        pct = round((float(value) - 1) * 100, 6)
        return f"{_fmt(pct)}%" if pct else "none"
    if key == "method":
        return "PCA" if value == "pca" else "composite"
    return _fmt(value)


# --- the history of plans -----------------------------------------------------------------


_COLUMNS = {"params": lambda p: dict(p or {})}


def _history(record: Mapping[str, Any] | None) -> dict[str, Any]:
    return history.load(record, _COLUMNS)


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (params or {}).items() if k in PLAN_KEYS}


def synced(record: Mapping[str, Any] | None, plan_id: str | None,
           params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The history with the session's current plan as its current entry: a plan made since
    (another way than a step back) becomes the newest entry, after the current one."""
    return history.synced(record, _COLUMNS, plan_id, {"params": _clean(params)},
                          fill=("params",), limit=HISTORY_MAX)


def seeded(records: list[Mapping[str, Any]], plan_id: str | None) -> dict[str, Any] | None:
    """A first history for a session whose plans were made before any was kept (through the
    API, or by an older version): its stored net plans, oldest first, the current one last."""
    if not plan_id:
        return None
    plans = [r for r in records if r.get("id") and r.get("type", "itn") == "itn"
             and r.get("id") != plan_id]
    current = next((r for r in records if r.get("id") == plan_id), None)
    if current is None:
        return None
    plans = (plans + [current])[-HISTORY_MAX:]
    return {"ids": [str(r["id"]) for r in plans],
            "params": [_clean(r.get("params")) for r in plans], "at": len(plans) - 1}


def after_turn(record: Mapping[str, Any] | None, plan_id: str | None,
               params: Mapping[str, Any] | None, restored: int | None = None
               ) -> dict[str, Any] | None:
    """The history after a turn that made (or brought back) the plan ``plan_id``. A step
    back moves the place of the current plan and keeps the later plans, so "the one before"
    goes further back; any other plan is appended after the current one."""
    h = _history(record)
    if history.step_back_to(h, plan_id, restored):
        return h
    return synced(h, plan_id, params)


# --- steps back -----------------------------------------------------------------------------

_POLITE = r"(?:please|pls|plz|abeg|thanks|thank\s+you|sir|ma|now|then|again|for\s+me|instead)"
_LEAD = (r"^\s*(?:(?:no+|nope|ok(?:ay)?|oh|hmm+|sorry|actually|wait|please|pls|abeg|oya|so"
         r"|then|and|ah|ehn|eh|well|right|on\s+second\s+thought|that'?s\s+too\s+(?:much|many"
         r"|few|little))[\s,.!]+)*")
_PLAN_NOUN = (r"(?:plan|one|version|figures?|numbers?|allocation|distribution|setting"
              r"|settings)")
_EARLIER = r"(?:previous|last|earlier|prior|old|former|other)"
_FIRST = r"(?:first|original|initial|very\s+first|starting)"
_BACK = (r"(?:undo|revert|reverse|roll\s*back|go\s+back|come\s+back|back|return|restore"
         r"|switch\s+back|change\s+(?:it\s+)?back|put\s+(?:it\s+)?back|take\s+(?:me|us|it)\s+back"
         r"|bring\s+back|use|reuse)")
_OBJECT = (r"(?:(?:that|this|it|am)(?:\s+(?:change|one|last\s+one))?|the\s+last\s+(?:change|step"
           r"|one|edit)|(?:my|the)\s+last\s+(?:change|step|edit)|the\s+change|that\s+last\s+change"
           r"|(?:the\s+)?(?:halving|doubling|tripling|change)|one\s+step|a\s+step|one)")
STEP_BACK = re.compile(
    _LEAD + r"(?:"
    + _BACK + r"(?:\s+" + _OBJECT + r")?(?:\s+(?:(?:to|with)\s+)?(?:the\s+|my\s+|our\s+)?"
    + r"(?P<which>" + _EARLIER + r"|" + _FIRST + r")\s+" + _PLAN_NOUN
    + r"(?:\s+(?:please|pls|abeg))?)?"
    + r"|(?:the\s+|my\s+|our\s+)?(?:(?P<which2>previous|earlier|prior|former)\s+" + _PLAN_NOUN
    + r"|(?P<which3>" + _FIRST + r")\s+(?:plan|version|allocation|distribution))"
    + r"(?:\s+(?:back|again))?"
    + r"|the\s+(?:plan|one)\s+before(?:\s+(?:that|this|it))?"
    + r"|(?:go\s+|step\s+)?one\s+(?:plan\s+|step\s+)?back"
    + r")(?:[\s,.!]+" + _POLITE + r")*[\s.!]*$")
NAMES_PLAN = re.compile(r"\bplan\b|\bone\s+before\b|\bversion\b|\ballocation\b")
# "the one we started with", "the first one we made": the first plan, in other words
STARTED_WITH = re.compile(
    r"\b(?:(?:very\s+)?(?:first|original|initial)\s+)?(plan|one|version)\s+(?:that\s+)?(?:we|i)"
    r"\s+(?:started|began|start|begin)(?:\s+with)?\b"
    r"|\b(?:(?:very\s+)?(?:first|original|initial))\s+(plan|one|version)\s+(?:that\s+)?"
    r"(?:we|i|you|u)\s+(?:made|had|did|ran)\b")


def _looks_back_at_plan(low: str, last_tool: str | None) -> bool:
    """"undo that" and "go back" concern the plan when the plan was the last thing done (or
    asked about); "the previous plan" names it."""
    return bool(NAMES_PLAN.search(low)) or last_tool in (*PLAN_TOOLS, "ask_results")


def step_back(text: str, history: Mapping[str, Any] | None, last_tool: str | None,
              last_params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """A step back to an earlier plan of the conversation ("undo that", "go back to the
    previous plan", "the one before", "back to the first plan").

    Returns ``{"index", "params", "echo"}`` for the plan meant, ``{"ask": text}`` when there
    is no earlier plan, or None when the message is not a step back to a plan."""
    low = STARTED_WITH.sub(lambda m: f"first {m.group(1) or m.group(2)}",
                           ex.lower_text(text).strip())
    m = STEP_BACK.match(low)
    if m is None or re.search(r"\d", low):
        return None
    if re.search(r"\b(?:analys\w*|variables?|normali[sz]\w*|map|wards?|rank\w*|direction)\b",
                 low):
        return None
    if last_tool == "ask_results" and not NAMES_PLAN.search(low) and \
            not str((last_params or {}).get("about", "")).startswith("plan"):
        return None
    if not _looks_back_at_plan(low, last_tool):
        return None
    which = m.group("which") or m.group("which2") or m.group("which3") or ""
    if re.match(r"(?:use|reuse)\b", low.lstrip(" ,.!")) and not which:
        return None  # "use it", "use that one": not a step back
    h = _history(history)
    if not h["ids"]:
        return {"ask": "There is no earlier net plan in this conversation to go back to."}
    first = bool(re.match(_FIRST, which))
    target = 0 if first else h["at"] - 1
    if target < 0 or target == h["at"]:
        return {"ask": "This is the first net plan of this conversation: there is no earlier "
                       "plan to go back to. Tell me what to change instead, e.g. \"20% more "
                       "nets\" or \"household size 6\"."}
    params = h["params"][target]
    if not params.get("total_nets") or not params.get("household_size"):
        return None
    current = h["params"][h["at"]]
    what = "the first plan" if first else "the previous plan"
    diff = changes_text(current, params)
    echo = f"Back to {what}: {plan_words(params)}" + (f" ({diff})." if diff else ".")
    return {"index": target, "params": params, "echo": echo}


# "undo that", "undo", "reverse that change": a step back that names no plan
BARE_UNDO = re.compile(r"^\s*(?:(?:ok(?:ay)?|no+|hmm+|sorry|actually|please|pls|abeg|so|then)[\s,.!]+)*"
                       r"(?:undo|reverse|revert|roll\s*back)(?:\s+(?:that|this|it|am|the\s+last"
                       r"\s+(?:change|step|one)|that\s+(?:change|one)|the\s+change))?"
                       r"(?:[\s,.!]+(?:please|pls|abeg|thanks))*[\s.!]*$")


def undo_after_question(text: str, pending: Mapping[str, Any] | None,
                        back: Mapping[str, Any] | None) -> Any:
    """ "undo that" right after the assistant asked a question: the last message changed
    nothing, so "that" may be what was asked about rather than the change before it. The
    step back is offered as a one-tap choice, not made; None otherwise."""
    from chatmrpt.chat.state import Decision, leave_it

    if not back or "index" not in back or not pending or pending.get("kept") or \
            not BARE_UNDO.match(ex.lower_text(text)):
        return None
    choice = {"label": f"Go back to the previous plan ({plan_words(back['params'])})",
              "tool": "plan_itn", "params": restore_params(back["params"])}
    choices = [choice, leave_it()]
    return Decision(text="Your last message changed nothing yet (I asked a question about it). "
                         f"Should I undo the change before it? That would be: {back['echo']} Nothing is "
                         "changed until you say so.",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"relative": "plan_op"})


def plan_words(p: Mapping[str, Any]) -> str:
    return (f"{int(p['total_nets']):,} nets, households of {_fmt(p.get('household_size'))} "
            "people")


def changes_text(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """ "nets 240,000 instead of 120,000, bale size 50 instead of 1": what differs."""
    out = []
    for key in PLAN_KEYS:
        old = before.get(key, DEFAULTS.get(key))
        new = after.get(key, DEFAULTS.get(key))
        if old == new or (isinstance(old, int | float) and isinstance(new, int | float)
                          and abs(float(old) - float(new)) < 1e-9):
            continue
        if key == "strategy":
            # in plain words, never the rule's name ("strategy stop")
            out.append(f"{_STRATEGY_WORDS.get(str(new), str(new))} instead of "
                       f"{_STRATEGY_WORDS.get(str(old), str(old))}")
            continue
        out.append(f"{LABELS[key]} {_value_text(key, new)} instead of {_value_text(key, old)}")
    return ", ".join(out)


_STRATEGY_WORDS = {"stop": "stopping at the first ward that cannot be fully covered",
                   "continue": "skipping wards that cannot be fully covered",
                   "capped": "a cap on each ward's share"}


def restore_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that plan an earlier plan again (the same plan, found by content)."""
    return {k: v for k, v in params.items() if k in PLAN_KEYS and v is not None}


# --- settings -----------------------------------------------------------------------------

# "the urban threshold of the plan to 60", "household size in the current plan to 6": the
# setting named with the plan it belongs to
_OF_PLAN = (r"(?:\s+(?:of|for|in|on)\s+(?:the\s+|our\s+|this\s+|my\s+)?(?:current\s+|net\s+)?"
            r"(?:plan|allocation|itn\s+plan|net\s+plan|distribution))?")
_HH_AFTER = re.compile(r"^\s*(?:people\s+|persons?\s+)?(?:per|a|each|in\s+(?:a|each|every)"
                       r"|/)\s*(?:house\s*holds?|hh|house|home|family)\b")
_HH_BEFORE = re.compile(r"\b(?:house\s*hold(?:\s+size)?|hh(?:\s+size)?|family\s+size"
                        r"|household\s+of)" + _OF_PLAN + r"\s*(?:of|to|=|is|at|:|as|be)?\s*$")
_THRESHOLD_AFTER = re.compile(r"^\s*%?\s*(?:percent\s+)?(?:as|for)\s+(?:the\s+|our\s+)?(?:urban\s+)?"
                              r"(?:threshold|cut-?off)\b|^\s*%?\s*(?:percent\s+)?urban\b")
_THRESHOLD_BEFORE = re.compile(r"\b(?:urban\s+)?(?:threshold|cut-?off)" + _OF_PLAN
                               + r"\s*(?:of|to|=|at|:|as|be)?\s*$")
_PPN_AFTER = re.compile(r"^\s*(?:people|persons?)\s+(?:per|a|each|to\s+a|for\s+each)\s+net\b")
_PPN_BEFORE = re.compile(r"\bpeople\s+per\s+net" + _OF_PLAN + r"\s*(?:of|to|=|at|:|as|be)?\s*$")
_BALE_AFTER = re.compile(r"^\s*(?:nets?\s+)?(?:per|a|each|in\s+(?:a|each))\s+bale\b")
_BALE_BEFORE = re.compile(r"\bbales?(?:\s+size)?" + _OF_PLAN + r"\s*(?:of|to|=|at|:|as|be)?\s*$")
_BUFFER_AFTER = re.compile(r"^\s*(?:%|percent)?\s*(?:extra\s+)?(?:buffer|wastage|margin)\b")
_BUFFER_BEFORE = re.compile(r"\b(?:buffer|wastage)" + _OF_PLAN + r"\s*(?:of|to|=|at|:|as|be)?\s*$")
_NETS_AFTER = re.compile(r"^\s*(?:nets?|itns?|llins?)\b")
_NETS_BEFORE = re.compile(r"\b(?:make\s+(?:it|that|them|the\s+nets)|to|use|with|nets?\s+(?:to|=|of)"
                          r"|total\s+(?:of|to)?)\s*$")
_METHOD = re.compile(r"\b(pca|composite)\b")
_METHOD_CUE = re.compile(r"\b(?:switch|back|use|using|with|by|rank\w*|method|instead|go)\b")


def _p_c_a(low: str) -> str:
    """Spoken letters ("P C A", "p.c.a") written as the word."""
    return re.sub(r"\bp\s*\.?\s+c\s*\.?\s+a\b\.?|\bp\.c\.a\b\.?", "pca", low)


def setting_values(low: str, last_plan: Mapping[str, Any]) -> dict[str, Any] | None:
    """Every plan setting a message gives a value ("back to 5 per household and use 70 as
    the urban threshold", "switch back to composite and make it 1.8 million"), or None when a
    number of the message is left without a setting (then the message means something else
    or is asked about)."""
    out: dict[str, Any] = {}
    for n in ex.extract_numbers(low):
        head, tail = low[max(0, n.start - 40): n.start], low[n.end: n.end + 40]
        v = n.value
        hits = []
        if not n.percent and (_HH_AFTER.match(tail) or _HH_BEFORE.search(head)) and 1 <= v <= 30:
            hits.append(("household_size", n.number))
        if (_THRESHOLD_AFTER.match(tail) or _THRESHOLD_BEFORE.search(head)) and 0 <= v <= 100:
            hits.append(("urban_threshold", n.number))
        if not n.percent and (_PPN_AFTER.match(tail) or _PPN_BEFORE.search(head)) and 0 < v <= 10:
            hits.append(("people_per_net", n.number))
        if not n.percent and (_BALE_AFTER.match(tail) or _BALE_BEFORE.search(head)) and \
                n.is_whole and 1 <= v <= 1000:
            hits.append(("bale_size", int(v)))
        if (n.percent or _BUFFER_AFTER.match(tail)) and (
                _BUFFER_AFTER.match(tail) or _BUFFER_BEFORE.search(head)) and 0 <= v <= 100:
            hits.append(("buffer", round(1 + v / 100, 6)))
        if not n.percent and n.is_whole and v >= 1000 and (
                _NETS_AFTER.match(tail) or _NETS_BEFORE.search(head)):
            hits.append(("total_nets", int(v)))
        if len(hits) != 1 or hits[0][0] in out:
            return None
        out[hits[0][0]] = hits[0][1]
    methods = {m.group(1) for m in _METHOD.finditer(low)}
    if len(methods) == 1 and _METHOD_CUE.search(low):
        out["method"] = methods.pop()
    elif len(methods) > 1:
        return None
    return out or None


def method_change(text: str, last_plan: Mapping[str, Any], last_tool: str | None
                  ) -> tuple[dict[str, Any], str] | None:
    """ "use the P C A ranking instead", "no go back to composite": the plan's ranking
    method, when the plan is what the talk is about."""
    low = _p_c_a(ex.canonical_text(text))
    if ex.extract_numbers(low) or "?" in low or re.search(
            r"\b(?:map|wards?|top|bottom|list|show|compare|comparison|spearman|correlat\w*"
            r"|analys\w*|why|differ\w*|explain|what|how|which|score|scores|chart|plot)\b", low):
        return None
    methods = {m.group(1) for m in _METHOD.finditer(low)}
    if len(methods) != 1 or not _METHOD_CUE.search(low):
        return None
    method = methods.pop()
    # "ok back to composite" after the two rankings were compared: the plan, when it is the
    # plan that uses the other ranking (the comparison changed nothing)
    back_after_compare = last_tool == "compare_methods" and re.search(
        r"\b(?:back|again|return|revert)\b", low) is not None and \
        last_plan.get("method", "composite") != method
    if last_tool not in (*PLAN_TOOLS, "ask_results") and not back_after_compare and not re.search(
            r"\bplan\b|\bnets?\b|\ballocat\w*", low):
        return None
    words = "the PCA ranking" if method == "pca" else "the composite ranking"
    if last_plan.get("method", "composite") == method:
        return {}, f"The current plan already uses {words}: nothing to change."
    return {"method": method}, f"Re-planning with {words}, everything else as before."


STOP_AGAIN = re.compile(
    r"\bstop\s+(?:at|when|once|on|with)\s+(?:the\s+)?(?:first\s+)?(?:ward|one)\b"
    r"|\b(?:go\s+)?back\s+to\s+stopping\b|\bstop\s+(?:allocating|giving|there)\b"
    r"|\b(?:don'?t|do\s+not|no\s+(?:more\s+)?)\s*skip\w*\b|\bno\s+skipping\b")
SPREAD = re.compile(r"\bspread\s+(?:the\s+)?(?:rest|remainder|remaining|leftovers?|left\s*over"
                    r"|extra)\b")


def strategy_change(text: str, last_plan: Mapping[str, Any]) -> dict[str, Any] | None:
    """ "stop at the first ward that does not fit" (back to the default rule), and "spread
    the rest" (two readings: skip wards that do not fit, or share in proportion to need: asked).
    Returns ``{"params", "echo"}`` or ``{"ask", "choices"}``."""
    low = ex.canonical_text(text)
    if ex.extract_numbers(low) or "?" in low:
        return None
    strategy = last_plan.get("strategy", "stop")
    if STOP_AGAIN.search(low) and strategy != "stop" and not SPREAD.search(low):
        return {"params": {"strategy": "stop"},
                "echo": "Re-planning with nets in rank order, stopping at the first ward that "
                        "cannot be fully covered, everything else as before."}
    if SPREAD.search(low):
        choices = [
            {"label": "Skip wards that do not fit and cover the next ones",
             "tool": "what_if_plan", "params": {"strategy": "continue"}},
            {"label": "Share the nets in proportion to each ward's need",
             "tool": "what_if_plan", "params": {"strategy": "proportional"}},
        ]
        return {"ask": "How should the remaining nets be spread: by skipping wards that cannot "
                       "be fully covered and covering the next ones, or by sharing the nets in "
                       "proportion to each ward's need?", "choices": choices}
    return None


RUN_WITH = re.compile(r"\b(?:run|redo|rerun|re-run|do|make|try|plan|re-plan|replan)\s+(?:it|that"
                      r"|this|am|the\s+plan|again)\s+(?:again\s+)?(?:with|for|using|at)\s*$")


def run_it_with(text: str, last_plan: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    """ "go ahead and run it with 600,000": the plan again with another number of nets."""
    low = ex.canonical_text(text)
    numbers = ex.extract_numbers(low)
    if len(numbers) != 1 or "?" in low or "total_nets" not in last_plan:
        return None
    n = numbers[0]
    if n.percent or not n.is_whole or n.value < 1000 or not RUN_WITH.search(low[: n.start]):
        return None
    if re.sub(r"[\s.!,]|nets?|itns?|llins?|please|pls|instead|then|now", "", low[n.end:]):
        return None
    value, base = int(n.value), int(last_plan["total_nets"])
    if value == base:
        return None
    hh = last_plan.get("household_size")
    return ({"total_nets": value},
            f"Plan for {value:,} nets instead of {base:,}"
            + (f", households of {_fmt(hh)} people" if hh else "") + ", everything else as before.")


def echo_for(params: Mapping[str, Any], last_plan: Mapping[str, Any] | None) -> str:
    """The echo of a re-plan that has none: what changes, old and new value."""
    if not last_plan:
        return ""
    diff = changes_text(last_plan, {**last_plan, **{k: v for k, v in params.items()
                                                    if v is not None}})
    return f"Re-planning with {diff}, everything else as before." if diff else ""


SET_VERB = re.compile(r"\b(?:change|set|make|use|put|switch|move|try|raise|lower|increase"
                      r"|reduce|bring|adjust|update)\b[^.;!?]*\b(?:to|at|of|as)\b|\b(?:use|try)\b")


def one_setting(text: str, last_plan: Mapping[str, Any], repri_done: bool,
                last_tool: str | None = None) -> tuple[dict[str, Any], str] | None:
    """ "please change the threshold to 50" after an explanation: one plan setting given a
    value, when the plan is the only thing it can change (a threshold is also one of
    reprioritisation and of the urban map: after either, the plan must be named)."""
    low = _p_c_a(ex.canonical_text(text))
    if "?" in low or not SET_VERB.search(low) or re.search(
            r"\b(?:default|normal|original|standard|reset|what\s+if|target|map|wards?"
            r"|analys\w*)\b", low):
        return None
    values = setting_values(low, last_plan)
    if not values or len(values) != 1 or "method" in values:
        return None
    if "urban_threshold" in values and (repri_done or last_tool in (
            "show_map", "reprioritize_urban")) and not re.search(r"\bplan\b|\bnets?\b", low):
        return None
    diff = changes_text(last_plan, {**last_plan, **values})
    if not diff:
        return None
    return values, f"Re-planning with {diff}, everything else as before."


DEFAULT_NAMES = (
    ("urban_threshold", r"\burban\b|\bthreshold\b", "urban threshold (75%)"),
    ("buffer", r"\bbuffer\b|\bwastage\b", "no buffer"),
    ("bale_size", r"\bbales?\b", "nets counted one by one (no bales)"),
    ("people_per_net", r"\bpeople\s+per\s+net\b", "1.8 people per net"),
    ("method", r"\branking\b|\bmethod\b", "composite ranking"),
    ("strategy", r"\bstrategy\b|\brule\b", "allocation rule (stop at the first ward that "
                                           "cannot be fully covered)"),
)


def already_default(text: str, last_plan: Mapping[str, Any]) -> str | None:
    """ "back to the default threshold" when the plan already uses it: said, nothing made."""
    low = ex.canonical_text(text)
    if "?" in low or ex.extract_numbers(low) or not re.search(
            r"\b(?:back\s+to|return\s+to|reset|use)\s+(?:the\s+)?(?:default|normal|standard"
            r"|original)\b|\breset\b.*\bto\s+(?:the\s+|its\s+)?default\b", low):
        return None
    named = [(k, words) for k, rx, words in DEFAULT_NAMES if re.search(rx, low)]
    if len(named) != 1:
        return None
    key, words = named[0]
    value = last_plan.get(key, DEFAULTS[key])
    default = DEFAULTS[key]
    same = value == default or (isinstance(value, int | float) and isinstance(default, int | float)
                                and abs(float(value) - float(default)) < 1e-9)
    if not same:
        return None
    return f"The current plan already uses the default {words}: nothing to change."
