"""A step back to an earlier analysis of the conversation: "put it back the way it was",
"undo that", "go back to the previous analysis", "the variables I had before", "flip it back",
"back to the first analysis", "go back to the two-variable analysis".

Analyses are content-addressed: asking again for an analysis with the same data and settings
finds the stored one and makes it the session's current analysis again (the service). The
analyses the session pointed at, in order, are kept in the dialogue state (``analyses``: ids,
their settings, the variables each used and the place of the current one), so a step back
knows which analysis is meant, and a second step back goes further back. An analysis made
outside the chat joins the history when the next message is read.

A step back is read only when the message says nothing but the step back (and which
analysis); "undo that" after a plan change is the plan's (chatmrpt.chat.plan_ops). When both
an analysis and a plan were changed and the message does not say which, the reply asks;
when there is nothing to go back to, it says so.

Everything here is a pure function of the message and the stored state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat import history

HISTORY_MAX = 20
KEYS = ("variables", "directions", "methods", "normalization", "aggregation", "tie_break")

# --- the history of analyses ----------------------------------------------------------------


_COLUMNS = {"params": lambda p: dict(p or {}), "used": lambda u: list(u or [])}


def _history(record: Mapping[str, Any] | None) -> dict[str, Any]:
    return history.load(record, _COLUMNS)


def clean(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The settings that ask for the same analysis again (nothing left at its default)."""
    out = {k: v for k, v in (params or {}).items() if k in KEYS and v not in (None, {}, [])}
    if isinstance(out.get("variables"), list | tuple):
        out["variables"] = list(out["variables"])
    return out


def synced(record: Mapping[str, Any] | None, analysis_id: str | None,
           params: Mapping[str, Any] | None, used: Sequence[str] = ()) -> dict[str, Any] | None:
    """The history with the session's current analysis as its current entry: an analysis made
    since (another way than a step back) becomes the newest entry, after the current one."""
    return history.synced(record, _COLUMNS, analysis_id,
                          {"params": clean(params), "used": list(used)}, fill=("used",),
                          limit=HISTORY_MAX)


def seeded(records: Sequence[Mapping[str, Any]], analysis_id: str | None
           ) -> dict[str, Any] | None:
    """A first history for a session whose analyses were made before any was kept: its
    succeeded analyses, oldest first, the current one last."""
    if not analysis_id:
        return None
    done = [r for r in records if r.get("id") and r.get("status") == "succeeded"]
    current = next((r for r in done if r.get("id") == analysis_id), None)
    if current is None:
        return None
    chain = ([r for r in done if r.get("id") != analysis_id] + [current])[-HISTORY_MAX:]

    def used(r: Mapping[str, Any]) -> list[str]:
        return [str(v.get("name")) for v in (r.get("summary") or {}).get("variables") or []
                if v.get("name")]

    return {"ids": [str(r["id"]) for r in chain], "params": [clean(r.get("params")) for r in chain],
            "used": [used(r) for r in chain], "at": len(chain) - 1}


def after_turn(record: Mapping[str, Any] | None, analysis_id: str | None,
               restored: int | None) -> dict[str, Any] | None:
    """The history after a turn that brought back the analysis at ``restored``: its place
    becomes the current one and the later analyses are kept ("the one before" goes further
    back). Any other analysis joins the history when the next message is read."""
    if restored is None or not analysis_id:
        return dict(record) if record else None
    h = _history(record)
    history.step_back_to(h, analysis_id, restored)
    return h


def earlier(record: Mapping[str, Any] | None) -> bool:
    """The history holds an analysis before the current one."""
    return _history(record)["at"] > 0


# --- steps back -----------------------------------------------------------------------------

_LEAD = (r"^\s*(?:(?:no+|nope|ok(?:ay)?|oh|hmm+|sorry|actually|wait|please|pls|abeg|oya|so"
         r"|then|and|ah|ehn|eh|well|right|hey|on\s+second\s+thought|i\s+(?:changed|change)\s+my"
         r"\s+mind|i\s+didn'?t\s+mean\s+(?:that|it)|that'?s\s+(?:wrong|not\s+(?:it|right|what"
         r"\s+i\s+(?:meant|wanted))))[\s,.!;:-]+)*")
_IT = (r"(?:\s+(?:it|that|this|them|am|everything|things|the\s+(?:change|analysis|variables"
       r"|directions?)))?")
_VERB = (r"(?:undo|revert|reverse|roll\s*back|restore|go\s+back|come\s+back|step\s+back|switch"
         + _IT + r"\s+back|change" + _IT + r"\s+back|put" + _IT + r"\s+back|flip" + _IT
         + r"\s+back|turn" + _IT + r"\s+back|set" + _IT + r"\s+back|bring" + _IT
         + r"\s+back|take" + _IT + r"\s+back|move" + _IT + r"\s+back|back\s+to|return\s+to"
         r"|(?:re-?)?use|(?:re-?)?run|redo|(?:switch|go|move|change|get)\s+(?:again\s+)?to)")
STARTS = re.compile(_LEAD + r"(?P<verb>" + _VERB + r")\b")
# the words a step back may say besides its verb
FILLER = frozenset(" ".join((
    "to the that this it its them am my our me us i we you your a an of with as how was were is",
    "what which way ways things everything before earlier previous prior last old former",
    "original first initial starting very one ones version step steps change changes changed edit",
    "edits again please pls plz abeg now then instead back there had used using made did do",
    "plan plans analysis analyses run variables variable selection set settings setting normalisation",
    "normalization directions direction ranking rankings list same just sir ma thanks thank",
)).split())
ANALYSIS_WORDS = re.compile(r"\b(?:analys\w*|variables?|selection|normali[sz]\w*|directions?"
                            r"|flip\w*|ranking)\b")
PLAN_WORDS = re.compile(r"\b(?:plan\w*|nets?|allocation|distribution|household|threshold"
                        r"|repriorit\w*|bales?)\b")
FIRST = re.compile(r"\b(?:first|original|initial|starting)\b")
EARLIER = re.compile(r"\b(?:before|earlier|previous|prior|last|old|former|back|undo|revert|return"
                     r"|reverse|restore)\b")
_COUNT = re.compile(r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
                    r"[\s-]+variables?\b|\bwith\s+(?:the\s+)?(?P<m>\d{1,2}|two|three|four|five"
                    r"|six|seven|eight|nine|ten)\s+variables?\b"
                    # "go back to the three": the analysis named by its count, said last
                    r"|\bthe\s+(?P<k>\d|two|three|four|five|six|seven|eight|nine|ten)"
                    r"(?:\s+ones?)?\s*$")
_NUMBER = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10}


def _count(low: str) -> tuple[int | None, str]:
    """The number of variables a message names the analysis by ("the two-variable
    analysis"), and the message without it."""
    m = _COUNT.search(low)
    if m is None:
        return None, low
    word = m.group("n") or m.group("m") or m.group("k")
    return _NUMBER.get(word) or int(word), low[:m.start()] + " variables " + low[m.end():]


# "hmm no, same as before", "nope, as it was": a no, then the earlier value asked back
SAME_AS_BEFORE = re.compile(
    r"^\s*(?:(?:hmm+|ah|oh|eh|ehn|ok(?:ay)?|sorry|actually|wait|wetin)[\s,.!]+)*(?:no+|nope|nah)"
    r"[\s,.!]+(?:(?:keep|make|leave|put|do|use)\s+(?:it|am|that)\s+)?(?:(?:the\s+)?same\s+as"
    r"\s+(?:before|it\s+was|earlier|previously)|as\s+(?:it\s+was|before))\s*(?:please|pls|abeg)?$")


def reads_as_step_back(text: str) -> dict[str, Any] | None:
    """What a message that is only a step back says: ``{"analysis": bool, "plan": bool,
    "first": bool, "count": n}``; None when it says anything else."""
    low = ex.lower_text(text).strip().rstrip("?.!")
    if "?" in low or ex.find_normalization(text):
        return None  # a question, or a setting named ("the old normalisation": reciprocal)
    if SAME_AS_BEFORE.match(low):  # "hmm no, same as before": the last change taken back
        return {"analysis": False, "plan": False, "first": False, "count": None, "bare": False}
    count, low = _count(low)
    m = STARTS.match(low)
    if m is None:
        return None
    verb = m.group("verb")
    rest = re.findall(r"[a-z']+|\d+", low[m.end():])
    if any(w.strip("'") not in FILLER for w in rest) or re.search(r"\d", " ".join(rest)):
        return None
    said = " ".join([verb, *rest])
    if re.match(r"(?:re-?)?use|(?:re-?)?run|redo|back\s+to|return|(?:switch|go|move|change|get)"
                r"\s+(?:again\s+)?to\b", verb) and not (
            (FIRST.search(said) or re.search(r"\b(?:before|earlier|previous|prior|old|former)\b",
                                             said)) and (ANALYSIS_WORDS.search(said) or count
                                                         or PLAN_WORDS.search(said))) and not (
            count is not None and re.match(r"back\s+to|return", verb)):
        return None  # "use it", "run it", "use the first one": no step back
    if not (EARLIER.search(said) or FIRST.search(said)):
        return None
    return {"analysis": bool(ANALYSIS_WORDS.search(said)) or count is not None,
            "plan": bool(PLAN_WORDS.search(low)), "first": bool(FIRST.search(said)),
            "count": count, "bare": not rest and bool(re.match(r"(?:go|come|step|move)\s", verb)),
            # "undo the direction": the directions of the last change only, not its variables
            "directions_only": bool(re.search(r"\bdirections?\b", said)) and not re.search(
                r"\bvariables?\b|\bselection\b|\banalys\w*|\bnormali[sz]\w*", said)
            and count is None and not FIRST.search(said)}


def directions_back(history: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """ "undo the direction" after a change that also added or dropped variables ("put
    distance back but make it direct"): the current analysis with the directions it changed
    set back (a variable the previous analysis lacked goes back to its default direction),
    ``{"params", "echo"}``; ``{"ask": text}`` when the last change set no direction; None
    when the directions were all that changed (a plain step back)."""
    h = _history(history)
    if h["at"] <= 0:
        return None
    cur, prev = clean(h["params"][h["at"]]), clean(h["params"][h["at"] - 1])
    used, before = list(h["used"][h["at"]]), list(h["used"][h["at"] - 1])
    rest = {k: v for k, v in cur.items() if k != "directions"}
    if rest == {k: v for k, v in prev.items() if k != "directions"}:
        return None
    now, then = dict(cur.get("directions") or {}), dict(prev.get("directions") or {})
    in_use = set(used) or set(cur.get("variables") or [])
    dirs, moved = dict(now), []
    for name in sorted(set(now) | set(then)):
        if now.get(name) == then.get(name) or (in_use and name not in in_use):
            continue
        if name not in then and name in before:
            continue  # the previous analysis used it at its default: kept as set now
        moved.append(name)
        if name in then:
            dirs[name] = then[name]
        else:
            dirs.pop(name, None)
    if not moved:
        return {"ask": "The last change did not set any direction, so there is no direction "
                       "to undo: nothing was changed. Which variable's direction should I "
                       "change?"}
    params = {**rest, **({"directions": dirs} if dirs else {})}
    back = ", ".join(f"{n} treated as {then[n]}" if n in then else
                     f"{n} back to its default direction" for n in moved)
    return {"params": params, "echo": f"Undoing the direction change only: {back}; the "
                                      "variables stay as they are."}


def _words(params: Mapping[str, Any], used: Sequence[str]) -> str:
    variables = list(used) or list(params.get("variables") or [])
    text = (f"{len(variables)} variables ({', '.join(variables)})" if variables else
            "the default variables")
    norm = params.get("normalization")
    if norm and norm != "linear":
        text += f", {norm} normalisation"
    flips = params.get("directions") or {}
    if flips:
        text += ", " + ", ".join(f"{k} treated as {v}" for k, v in sorted(flips.items()))
    return text


def analysis_step_back(said: Mapping[str, Any], history: Mapping[str, Any] | None
                       ) -> dict[str, Any]:
    """The earlier analysis a step back means: ``{"index", "params", "echo"}``, or
    ``{"ask": text}`` when there is none (or several fit)."""
    h = _history(history)
    if h["at"] <= 0:
        return {"ask": "There is no earlier analysis in this conversation to go back to: "
                       "nothing was changed. Tell me what to change instead, e.g. \"add "
                       "rainfall\" or \"use reciprocal normalisation\"."}
    count = said.get("count")
    if count is not None:
        fits = [i for i in range(len(h["ids"])) if i != h["at"] and len(h["used"][i]) == count]
        if not fits:
            return {"ask": f"None of the earlier analyses of this conversation used {count} "
                           "variables: nothing was changed. Which variables should I use?"}
        target = fits[-1] if len({tuple(sorted(h["used"][i])) for i in fits}) == 1 else None
        if target is None:
            return {"ask": f"Several earlier analyses used {count} variables: nothing was "
                           "changed. Which variables should I use?"}
    else:
        target = 0 if said.get("first") else h["at"] - 1
    params = h["params"][target]
    what = "the first analysis" if said.get("first") else "the previous analysis"
    if count is not None:
        what = f"the {count}-variable analysis"
    return {"index": target, "params": clean(params),
            "echo": f"Back to {what}: {_words(params, h['used'][target])}."}


PLAN_TOOLS = ("plan_itn", "what_if_plan", "reprioritize_urban")


# "the one before", "the previous one", "the version before that": an earlier result named
# without a verb; which result is the one the conversation last changed
ONE_BEFORE = re.compile(
    _LEAD + r"(?:(?:ok(?:ay)?|so|then|just|no)\s+)*(?:(?:give\s+me|show\s+me|i\s+want|i\s+prefer"
    r"|i\s+preferred|let'?s\s+(?:use|have|go\s+with)|go\s+with|use)\s+)?(?:the|that|d)\s+"
    r"(?:(?:one|version|result|setup)\s+(?:just\s+|right\s+)?before(?:\s+(?:that|this|it))?"
    r"|(?:previous|earlier|prior)\s+(?:one|version|result|setup))"
    r"(?:\s+(?:please|pls|abeg|then|again|instead|was\s+better))*\s*[.!]*\s*$")


def one_before(text: str, state: Any, facts: Any) -> Any:
    """ "the one before" when the last change of the conversation was the analysis (even
    with a question about its result since): the previous analysis again. When the plan
    was changed last, the previous plan. None otherwise (left to be asked)."""
    from chatmrpt.chat.state import Decision, Step

    low = ex.lower_text(text).strip()
    if "?" in low or not ONE_BEFORE.match(low):
        return None
    last = state.last or {}
    changed = last.get("changed") or last.get("tool")
    if changed == "run_analysis" and earlier(state.analyses) and \
            last.get("tool") not in PLAN_TOOLS:
        back = analysis_step_back({"first": False, "count": None}, state.analyses)
        if "ask" in back:
            return Decision(text=back["ask"], reading={"relative": "undo"})
        return Decision([Step("run_analysis", back["params"], echo=back["echo"], source=text)],
                        reading={"relative": "undo", "analysis_restore": back["index"]})
    if changed in ("plan_itn", "what_if_plan") and last.get("tool") in (
            "plan_itn", "what_if_plan", "ask_results"):
        return _plan_back(text, state, "undo that")
    return None


# "fine, undo the 20%", "take back the 100k", "reverse the 50k cut": the last change of the
# plan named by its amount
NAMED_UNDO = re.compile(
    _LEAD + r"(?:(?:fine|alright|good|ok(?:ay)?)[\s,.!]+)?(?:undo|revert|reverse|roll\s*back"
    r"|take\s+back|cancel)\s+(?:the\s+|that\s+|this"
    r"\s+|my\s+|our\s+)?(?:extra\s+|additional\s+)?(?P<num>[\d.,]+\s*(?:%|percent|per\s*cent|k"
    r"|m|million|thousand)?)(?:\s+(?:nets?|more|extra|increase|rise|bump|top[\s-]?up|cut"
    r"|reduction|decrease|fewer|less|added|change|one|please|pls|again|then))*\s*[.!]*\s*$")


# "undo the 20% buffer", "undo the hh 6", "take back the bales of 50": the last change named
# by its setting (and value)
NAMED_SETTING_UNDO = re.compile(
    _LEAD + r"(?:(?:fine|alright|good|ok(?:ay)?)[\s,.!]+)?(?:undo|revert|reverse|roll\s*back"
    r"|take\s+back|cancel)\s+(?:the\s+|that\s+|this\s+|my\s+|our\s+)?(?:new\s+)?"
    r"(?:(?P<pre>[\d.]+)\s*(?:%|percent|per\s*cent)?\s+)?(?P<what>buffer|wastage|(?:ward\s+)?cap"
    r"|bales?(?:\s+size)?|household(?:\s+size)?|hh(?:\s+size)?|people\s+per\s+net"
    r"|(?:urban\s+)?threshold)(?:\s+(?:of\s+|to\s+|at\s+)?(?P<post>[\d.]+)\s*(?:%|percent)?)?"
    r"(?:\s+(?:change|setting|please|pls|again|then|one))*\s*[.!]*\s*$")
SETTING_KEYS = (("buffer", "buffer"), ("wastage", "buffer"), ("cap", "max_ward_share"),
                ("bale", "bale_size"), ("household", "household_size"), ("hh", "household_size"),
                ("people", "people_per_net"), ("threshold", "urban_threshold"))


def _shown(key: str, value: Any) -> float | None:
    """A setting's value as said: a buffer of 1.2 is "20%"."""
    if not isinstance(value, int | float):
        return None
    return round((float(value) - 1) * 100, 6) if key == "buffer" else round(float(value), 6)


def named_setting_back(text: str, state: Any) -> Any:
    """ "undo the 20% buffer" right after a 20% buffer was added: the previous plan back; a
    setting or value the last change did not set is asked about, never set."""
    from chatmrpt.chat import plan_ops
    from chatmrpt.chat.state import Decision, Step, leave_it, steps_choice

    m = NAMED_SETTING_UNDO.match(ex.lower_text(text).strip())
    if m is None:
        return None
    key = next(k for w, k in SETTING_KEYS if m.group("what").startswith(w) or
               w in m.group("what"))
    said = m.group("pre") or m.group("post")
    back = plan_ops.step_back("undo that", state.plans, "plan_itn")
    if not back or "index" not in back:
        return Decision(text="There is no earlier plan in this conversation to go back to, so "
                             "nothing was changed.", reading={"relative": "undo"})
    h = plan_ops._history(state.plans)
    current, before = h["params"][h["at"]], back["params"]
    changed = {k for k in {*current, *before} if k != "strategy" and
               current.get(k, plan_ops.DEFAULTS.get(k)) != before.get(k, plan_ops.DEFAULTS.get(k))}
    value = _shown(key, current.get(key, plan_ops.DEFAULTS.get(key)))
    if changed == {key} and (said is None or value == round(float(said), 6)):
        return _plan_back(text, state, "undo that")
    choices = [steps_choice(back["echo"].rstrip("."),
                            [Step("plan_itn", plan_ops.restore_params(back["params"]),
                                  echo=back["echo"])]), leave_it()]
    unit = "%" if said and key in ("buffer", "max_ward_share", "urban_threshold") else ""
    named = f"the {m.group('what')}" + (f" of {said}{unit}" if said else "")
    return Decision(text=f"The last change of the plan was {plan_ops.changes_text(before, current)}"
                         f", not {named}. "
                         "Should I go back to the previous plan? Nothing is changed until you "
                         "say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices},
                    reading={"relative": "undo"})


def named_change_back(text: str, state: Any) -> Any:
    """ "undo the 20%" right after 20% more nets: the previous plan back. Only when the last
    change of the plan changed its nets alone, by exactly that amount or share; None
    otherwise (read as anything else, or asked)."""
    from chatmrpt.chat import plan_ops

    m = NAMED_UNDO.match(ex.lower_text(text).strip())
    if m is None:
        return None
    numbers = ex.extract_numbers(ex.canonical_text(m.group("num")))
    back = plan_ops.step_back("undo that", state.plans, "plan_itn")
    if len(numbers) != 1 or not back or "index" not in back:
        return None
    h = plan_ops._history(state.plans)
    current, before = h["params"][h["at"]], back["params"]
    others = {k for k in {*current, *before} if k != "total_nets" and
              current.get(k, plan_ops.DEFAULTS.get(k)) != before.get(k, plan_ops.DEFAULTS.get(k))}
    now, was = current.get("total_nets"), before.get("total_nets")
    if others or not isinstance(now, int | float) or not isinstance(was, int | float) or not was:
        return None
    n = numbers[0]
    step = abs(now - was) / was * 100 if n.percent else abs(now - was)
    said = n.text.strip()
    if abs(step - n.value) > (0.5 if n.percent else 1.0):
        # the amount named is not what the last change did: asked, never planned with it
        from chatmrpt.chat.state import Decision, Step, leave_it, steps_choice
        did = f"{abs(now - was) / was * 100:.0f}%" if n.percent else f"{abs(now - was):,.0f}"
        choices = [steps_choice(back["echo"].rstrip("."),
                                [Step("plan_itn", plan_ops.restore_params(back["params"]),
                                      echo=back["echo"])]), leave_it()]
        return Decision(text=f"The last change of the plan was {did} "
                             f"({plan_ops.changes_text(before, current)}), not {said}. Should I "
                             "go back to the previous plan? Nothing is changed until you say so.",
                        choices=choices, pending={"expects": "choice", "choices": choices},
                        reading={"relative": "undo"})
    undone = _plan_back(text, state, "undo that")
    if undone is not None and undone.steps:
        undone.steps[0].echo = f"{undone.steps[0].echo} That takes back the {said}."
    return undone


def step_back_decision(text: str, state: Any, facts: Any) -> Any:
    """The decision for a message that is only a step back to an earlier analysis (or, said
    generally while both were changed, a question which one); None when the message is no
    such step back or it is the plan's (chatmrpt.chat.plan_ops reads those)."""
    from chatmrpt.chat import plan_ops
    from chatmrpt.chat.state import Decision, Step

    bare = one_before(text, state, facts) or named_change_back(text, state) or \
        named_setting_back(text, state)
    if bare is not None:
        return bare
    said = reads_as_step_back(text)
    if said is None:
        return None
    if said["plan"] and not said["analysis"]:
        return _plan_back(text, state, "back to the first plan" if said["first"]
                          else "undo that", said["first"])
    last_tool = (state.last or {}).get("tool")
    if not said["analysis"]:
        if last_tool == "reprioritize_urban":
            return None
        if last_tool in PLAN_TOOLS or (last_tool == "ask_results" and str(
                ((state.last or {}).get("params") or {}).get("about", "")).startswith("plan")):
            # "put it back the way it was" right after a plan change: the previous plan
            return _plan_back(text, state, "back to the first plan" if said["first"]
                              else "undo that", said["first"])
        if last_tool != "run_analysis" and said["bare"]:
            return None  # "go back" after a list: no change to take back named or just made
        if last_tool != "run_analysis":
            plan_back = plan_ops.step_back("undo that", state.plans, "plan_itn")
            plan_earlier = bool(plan_back and "index" in plan_back)
            if plan_earlier and earlier(state.analyses):
                choices = [{"label": "Go back to the previous analysis", "tool": "run_analysis",
                            "params": analysis_step_back(said, state.analyses)["params"]},
                           {"label": "Go back to the previous plan", "tool": "plan_itn",
                            "params": plan_ops.restore_params(plan_back["params"])}]
                return Decision(text="Both the analysis and the net plan were changed in this "
                                     "conversation. Which one should I put back?",
                                choices=choices,
                                pending={"expects": "choice", "choices": choices},
                                reading={"relative": "undo", "ambiguous": True})
            if plan_earlier:
                return _plan_back(text, state, "undo that")
            if not earlier(state.analyses):
                return Decision(text="Nothing has been changed in this conversation yet, so "
                                     "there is nothing to put back. What should I change?",
                                reading={"relative": "undo"})
    if not facts.analysis_variables and not earlier(state.analyses):
        return None
    partial = directions_back(state.analyses) if said.get("directions_only") else None
    if partial is not None and "ask" in partial:
        return Decision(text=partial["ask"], reading={"relative": "undo"})
    if partial is not None:
        return Decision([Step("run_analysis", partial["params"], echo=partial["echo"],
                              source=text)], reading={"relative": "undo"})
    back = analysis_step_back(said, state.analyses)
    if "ask" in back:
        return Decision(text=back["ask"], reading={"relative": "undo"})
    return Decision([Step("run_analysis", back["params"], echo=back["echo"], source=text)],
                    reading={"relative": "undo", "analysis_restore": back["index"]})


def _plan_back(text: str, state: Any, said: str, first: bool = False) -> Any:
    """A step back said in any words, to the plan: what plan_ops makes of the plain words.
    "the first plan" while the first plan is the current one shows it again."""
    from chatmrpt.chat import plan_ops
    from chatmrpt.chat.state import Decision, Step

    back = plan_ops.step_back(said, state.plans, "plan_itn")
    if back is None:
        return None
    plans = state.plans or {}
    if "ask" in back and first and plans.get("ids") and plans.get("at") == 0 and \
            (plans.get("params") or [{}])[0].get("total_nets"):
        params = plans["params"][0]
        # nothing to change: said, with nothing re-made
        return Decision(text="The current plan is already the first plan of this "
                             f"conversation ({plan_ops.plan_words(params)}): there is no "
                             "earlier plan to go back to.",
                        reading={"relative": "undo", "plan_restore": 0})
    if "ask" in back:
        return Decision(text=back["ask"], reading={"relative": "plan_op"})
    offered = plan_ops.undo_after_question(text, state.pending, back)
    if offered is not None:
        return offered
    return Decision([Step("plan_itn", plan_ops.restore_params(back["params"]), echo=back["echo"],
                          source=text)],
                    reading={"relative": "undo", "plan_restore": back["index"]})


# --- the variable just added, taken out again ("drop it again") ---------------------------------

_IT_VAR = (r"(?:it|that|this|am|dat|dis|that\s+one|this\s+one|the\s+(?:new|added|extra|last)"
           r"\s+(?:one|variable|column)|the\s+one\s+(?:i|we|you)\s+(?:just\s+)?added"
           r"|what\s+(?:i|we|you)\s+(?:just\s+)?added)")
VARIABLE_OUT = re.compile(
    _LEAD + r"(?:(?:can|could)\s+(?:you|u)\s+|(?:please|pls)\s+|let'?s\s+)?"
    r"(?:(?:drop|remove|exclude|delete|omit|get\s+rid\s+of|take\s+away)\s+" + _IT_VAR +
    r"(?:\s+(?:out|off))?|(?:take|leave|pull)\s+" + _IT_VAR + r"\s+(?:out|off))"
    r"(?P<again>\s+(?:again|back\s+out|once\s+more))?"
    r"(?:\s+(?:please|pls|abeg|now|then|too))*[\s.!]*$")


def variable_out_again(text: str, state: Any, facts: Any) -> Any:
    """ "drop it again", "remove it again", "take that one out again" when the last change of
    the analysis added one variable and no variable was talked about since: that variable
    comes out, the rest of the analysis as it is. Without "again" the reading is offered as a
    one-tap choice. None when the message is no such request, or the last change added no
    single variable."""
    from chatmrpt.chat.state import Decision, Step, leave_it, steps_choice

    m = VARIABLE_OUT.match(ex.lower_text(text))
    if m is None:
        return None
    h = _history(state.analyses)
    at = h["at"]
    if at <= 0:
        return None
    cur = list(h["used"][at] or h["params"][at].get("variables") or facts.analysis_variables)
    prev = list(h["used"][at - 1] or h["params"][at - 1].get("variables") or [])
    if not cur or not prev:
        return None
    added = [v for v in cur if v not in prev]
    if len(added) != 1 or any(v not in cur for v in prev):
        return None
    if state.topic and state.topic != added[0]:
        return None  # "drop it" about the variable just talked about: read elsewhere
    params = {**clean(h["params"][at]), "variables": [v for v in cur if v != added[0]]}
    echo = f"Taking {added[0]} out again: {_words(params, params['variables'])}."
    step = Step("run_analysis", params, echo=echo, source=text)
    if m.group("again"):
        return Decision([step], reading={"relative": "undo", "variable_out": added[0]})
    label = f"Run the analysis again without {added[0]}"
    choices = [steps_choice(label, [step]), leave_it()]
    return Decision(text=f"The last change added {added[0]}. Should I take it out and run the "
                         "analysis again? Nothing is changed until you say so.",
                    choices=choices, pending={"expects": "choice", "choices": choices},
                    reading={"relative": "undo", "variable_out": added[0], "asked": True})
