"""The slots of the listing, asking and exporting tools (list_wards, lga_summary,
ask_results, pca_validity, ward_value, data_quality, export_conversation, export_view,
add_covariates): what each takes from the message, or what it still needs.

Separate from the manager because each reads only its own tool's parameters once the
message has been routed to that tool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from chatmrpt.chat import extract as ex
from chatmrpt.chat.describe import MAP_NAMES, describe_choice
from chatmrpt.chat.reading import _join
from chatmrpt.chat.router import AT_LEAST, TAKEN_BACK_END, RouterContext
from chatmrpt.chat.slots import CATEGORY, find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step, leave_it, steps_choice
from chatmrpt.chat.tools import tool_spec

# --- the new tools' slots -----------------------------------------------------------------


def _new_tool(label: str, text: str, low: str, ctx: RouterContext, state: DialogueState,
              facts: Facts) -> Decision:  # fmt: skip
    from chatmrpt.chat.dialogue import (
        ANALYSE_FIRST,
        _can_analyse_first,
        _covariates_request,
        _starter_choices,
    )
    spec = tool_spec(label)
    unmet = [u for u in spec.requires if u not in ctx.met()]
    if unmet:
        if _can_analyse_first(unmet, ctx):
            inner = _new_tool(label, text, low, replace(ctx, analysis_status="succeeded"),
                              state, facts)
            if inner.steps and not inner.unmet:
                inner.steps.insert(0, Step("run_analysis", {}, echo=ANALYSE_FIRST, source=text))
            return inner
        return Decision(unmet=unmet, reading={"tool": label})
    if label == "list_wards":
        params: dict[str, Any] = {}
        lga, unknown = find_lga(text, facts.lgas)
        if (lga or unknown) and not facts.lgas:
            return Decision(text="Your ward table has no LGA column, so I cannot pick wards by "
                                 "LGA. Upload a table with an LGA column, or ask for the top "
                                 "wards of the whole area.",
                            choices=_starter_choices(ctx))  # fmt: skip
        if unknown:
            choices = []
            for lg in facts.lgas[:8]:
                p = {**_list_params(low), "lga": lg}
                choices.append({"label": describe_choice("list_wards", p), "tool": "list_wards",
                                "params": p})
            return Decision(
                text=f"There is no LGA called {unknown.title()!r} in your data. The LGAs are "
                     f"{_join(facts.lgas)}. Which one do you mean?",
                choices=choices,
                pending={"expects": "lga_choice", "tool": "list_wards",
                         "params": _list_params(low), "choices": choices})  # fmt: skip
        if lga:
            params["lga"] = lga
        params.update(_list_params(low))
        return Decision([Step("list_wards", params, source=text)], reading={"tool": label})
    if label == "lga_summary":
        lga, unknown = find_lga(text, facts.lgas)
        if unknown:
            return Decision(text=f"There is no LGA called {unknown.title()!r} in your data. "
                                 f"The LGAs are {_join(facts.lgas)}.")  # fmt: skip
        return Decision([Step("lga_summary", {"lga": lga} if lga else {}, source=text)])
    if label == "ward_value":
        return _ward_value(text, ctx, facts)
    if label == "ask_results":
        return _ask_results(text, low, ctx, facts)
    if label == "export_view":
        view = _export_view(text, low, state, has_plan=ctx.last_plan is not None)
        return view or Decision([Step("export_results", {}, source=text)])
    if label == "add_covariates":
        asked = _covariates_request(text, low, ctx)
        if asked is not None:
            return asked
        return Decision(text="Nothing was added. Which environmental variables should I add "
                             "from the raster library (for example rainfall, EVI, night "
                             "lights)? Variables your table already has can be added to the "
                             "analysis instead.", choices=_starter_choices(ctx))
    if label == "export_conversation":
        fmt = "markdown" if re.search(r"\bmark\s*down\b|\bmd\b|\btext\b", low) else "html"
        return Decision([Step("export_conversation", {"format": fmt}, source=text)])
    return Decision([Step(label, {}, source=text)], reading={"tool": label})


ONE_WARD = re.compile(
    r"(?:\b(?:which|what)\s+(?:ward|one)\s+|\bwhich\s+(?=is\b))(?:is\s+|comes\s+|ranks\s+|gets?\s+|got\s+|has\s+"
    r"|have\s+|dey\s+|get\s+d\s+)?(?:ranked\s+)?(?:the\s+|d\s+)?"
    r"(last|lowest|bottom|first|top|highest|most\s+vulnerable|least\s+vulnerable|riskiest"
    r"|safest|worst)\b"
    # "which ward has the highest rank in X", not "... the highest rainfall"
    r"(?!\s+(?!rank|score|risk|vulnerab|priorit|in\b|for\b|within\b|of\b|among\b|at\b|on\b"
    r"|by\b|under\b|ward\b|lga\b|place\b|position\b)[a-z])"
    r"|(?:\bthe\s+|^\W*|\bd\s+)(last|lowest|bottom|first|top|highest)(?:[- ]ranked)?\s+ward\b(?!s)")


def _list_params(low: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    m = CATEGORY.search(low)
    if m and not re.search(r"\b(?:highest|lowest)\b", low):
        params["category"] = m.group(1).title()
    numbers = [n for n in ex.extract_numbers(low) if not n.percent and n.is_whole and n.value >= 1
               and not ex.weak_quantity(n, low) and n.value < 1000]
    near = re.search(r"\b(?:top|bottom|first|last)\s+(\d+|[a-z]+)\b", low) or re.search(
        r"\b(\d+|[a-z]+)\s+(?:most|least)\s+(?:vulnerable|at[- ]risk|risky|affected)\b", low)
    count = ex.parse_number(near.group(1)) if near else None
    one = ONE_WARD.search(low)
    if one and count is None:  # "which ward is ranked last within 24008?": that one ward
        params["n"] = 1
        if (one.group(1) or one.group(2)) in ("last", "lowest", "bottom", "least vulnerable",
                                              "safest"):
            params["order"] = "bottom"
    elif count is not None and float(count).is_integer() and 1 <= count < 1000:
        params["n"] = int(count)
    elif numbers and re.search(r"\b(?:top|bottom|first|last|most|least|highest|lowest|riskiest)"
                               r"\b", low):  # fmt: skip
        params["n"] = int(numbers[0].value)
    if re.search(r"\b(?:bottom|least|lowest|safest)\b", TAKEN_BACK_END.sub(
            " ", AT_LEAST.sub(" ", low))):
        params["order"] = "bottom"
    if re.search(r"\bpca\b|\bprincipal\b", low):
        params["method"] = "pca"
    return params


# "urban share", "urban percentage", "% urban", "how urban", "urbanisation"
URBAN_SHARE_WORDS = re.compile(r"\burban\s+(?:share|percent\w*|proportion|fraction|%|level"
                               r"|status)|(?:\bpercent\w*|%|\bshare|\bproportion)\s+(?:of\s+)?urban"
                               r"|\bhow\s+urban\b|\burbani[sz]\w*")
URBAN_COLUMN = re.compile(r"urban", re.I)
URBAN_SHARE = "urban_percentage"  # the column the analysis adds from the boundaries


def _ward_value(text: str, ctx: RouterContext, facts: Facts) -> Decision:
    match = ex.find_ward(text, ctx.wards) if ctx.wards else None
    variables = [m for m in ex.find_variables(text, ctx.variables) if m.column]
    low = ex.canonical_text(text)
    if not variables and re.search(r"\bpop(?:ulation)?\b|\bpeople\s+(?:live|living|stay)\b"
                                   r"|\binhabitants\b|\bresidents\b|\bhow\s+many\s+people\b", low):
        pop = [v for v in ctx.variables if re.search(r"pop", v, re.I)]
        if pop:
            variables = [ex.VariableMention(pop[0], "population", "population", 0, 0, 100.0)]
        else:
            return Decision(text="Your ward table has no population column, so I cannot give "
                                 "a ward's population. Columns you have: "
                                 + ", ".join(ctx.variables[:15]) + ".")
    if not variables and URBAN_SHARE_WORDS.search(low) and not any(
            URBAN_COLUMN.search(v) for v in ctx.variables):
        # "what's the urban share of Zango?" on a table without an urban column: the share
        # the analysis took from the boundaries' Urban attribute, when it has one
        if facts.urban_share and ctx.analysis_ready:
            variables = [ex.VariableMention(URBAN_SHARE, "urban share", "urban share", 0, 0,
                                            100.0)]
        elif facts.urban_share is False:
            return Decision(text="Your ward data has no urban share (no urban_percentage column "
                                 "and no Urban attribute in the boundaries), so I cannot give a "
                                 "ward's urban share; nothing was looked up. Columns you have: "
                                 + ", ".join(ctx.variables[:15]) + ".")
    if match is None or len(match.names) != 1 or not variables:
        what = []
        if match is None or len(match.names) != 1:
            what.append("which ward (its name as in your data)")
        if not variables:
            what.append("which variable (" + ", ".join(ctx.variables[:12]) + ")")
        from chatmrpt.chat.counts import ward_question_pending

        ask = "Nothing was looked up yet: tell me " + " and ".join(what) + ". Which one do " \
              "you mean?"
        return Decision(text=ask, pending=ward_question_pending(text, ask) if variables else None)
    params = {"ward": match.names[0], "variable": variables[0].column}
    lgas = {c.lga for c in match.candidates if c.lga}
    named, _ = find_lga(text, facts.lgas)
    if named and lgas == {named}:  # "Danjalba in Kuwe South": one of several Danjalbas
        params["lga"] = named
    if len(lgas) > 1:
        lga, _ = find_lga(text, facts.lgas)
        if lga is None:
            choices = [{"label": f"{variables[0].column} of {match.names[0]} in {lg}",
                        "tool": "ward_value", "params": {**params, "lga": lg}}
                       for lg in sorted(lgas)]  # fmt: skip
            return Decision(text=f"There is a {match.names[0]} ward in {_join(sorted(lgas))}. "
                                 "Which one?", choices=choices,
                            pending={"expects": "choice", "choices": choices})  # fmt: skip
        params["lga"] = lga
    return Decision([Step("ward_value", params, source=text)])


ASK_TOPICS = (
    ("models", r"\bmodels?\b|\bcombinations?\b"),
    ("variables", r"\b(?:variables?|columns?|indicators?)\b.*\b(?:dropped|left\s+out|removed"
                  r"|excluded|not\s+used|skipped)\b"),
    ("repri_count", r"\b(?:selected|chosen|picked)\b.*\bthreshold\b|\bat\s+(?:that|this)\s+"
                    r"threshold\b|\bshare\s+of\s+(?:the\s+)?(?:population|people)\b.*\b(?:they"
                    r"|them|those|that|removed|selected|deprioriti\w*)\b"),
    ("repri_names", r"^(?!.*\bhow\s+many\b)(?=.*\b(?:which|list|names?|name\s+them)\b)"
                    r".*\b(?:remov\w*|dropped|deprioriti\w*|de-prioriti\w*|taken\s+out"
                    r"|reprioriti\w*|excluded|comot|left\s+out|set\s+aside)\b"),
    ("repri_count", r"\b(?:remov\w*|dropped|deprioriti\w*|de-prioriti\w*|taken\s+out|reprioriti\w*"
                    r"|excluded|comot|left\s+out|set\s+aside)\b"),
    ("variables", r"\bvariables?\b|\bdirections?\b|\binversely?\b|\bindicators?\b"),
    ("analysis_params", r"\banalysis\b.*\b(?:settings?|parameters?|normali[sz]ation)\b"
                        r"|\bnormali[sz]ation\b"),
    ("plan_params", r"\b(?:settings?|parameters?|household\s+size|threshold|strategy|bales?"
                    r"|bale\s+size|buffer|people\s+per\s+net|ranking|method)\b"),
    ("plan_lga", r"\b(?:lgas?|local\s+govern\w*)\b"),
    ("plan_ward", r"."),
)


_UNSUPPORTED = re.compile(r"\bpdf\b|\bword\b|\bdocx?\b|\bjpe?g\b|\bpowerpoint\b"
                          r"|\bpptx?\b|\bshapefile\b|\bkml\b|\bsvg\b")
# "a png of that map for the powerpoint", "the csv, to put in my word report": with a format
# that is made named, a program or document after "for"/"in"/"into" is where the file goes,
# not the format asked for
_MADE_FORMAT = re.compile(r"\b(?:png|picture|image|photo|html|web\s*page|csv|excel|xlsx?"
                          r"|spreadsheet|geojson|geoparquet)\b")
_FILE_PURPOSE = re.compile(
    r"\b(?:for|in|into|inside|on|to\s+(?:put|paste|insert|use|add)\s+(?:it\s+|them\s+)?(?:in|into|on))"
    r"\s+(?:the|my|our|a|an|his|her|their|d|di|this|that|tomorrow'?s|today'?s)?\s*"
    r"(?:powerpoint|pptx?|word|docx?|pdf)\b(?:\s+(?:doc(?:ument)?|file|slides?|presentation|deck))?")


class _UnsupportedFormat:
    """A file format the chat cannot make, named in a message; the program or document a
    made format is for ("png ... for the powerpoint") is no format asked for."""

    pattern = _UNSUPPORTED.pattern

    def search(self, low: str) -> re.Match[str] | None:
        if _MADE_FORMAT.search(low):
            low = _FILE_PURPOSE.sub(lambda m: " " * len(m.group(0)), low)
        return _UNSUPPORTED.search(low)


UNSUPPORTED_FORMAT = _UnsupportedFormat()
ACTION_START = re.compile(r"^\s*(?:(?:please|pls|abeg|ok|so|now|can\s+you|could\s+you)[\s,]+)*"
                          r"(?:show|map|list|give|display|draw|plot|export|download|plan|send"
                          r"|save|run|rank)\b")
PLAN_WORDS = re.compile(r"\bnets?\b|\bitns?\b|\bllins?\b|\bplan\b|\bcover\w*|\ballocat\w*"
                        r"|\bhousehold\b|\bstrategy\b|\bpeople\b|\bgets?\b|\bgot\b|\breceiv\w*"
                        r"|\bnothing\b|\bzero\b")


def _ask_results(text: str, low: str, ctx: RouterContext, facts: Facts) -> Decision:
    topic = next(t for t, p in ASK_TOPICS if re.search(p, low))
    params: dict[str, Any] = {"about": topic}
    if topic.startswith("plan") and topic != "plan_params" and ctx.analysis_ready and \
            re.search(r"\b(?:which|what)\s+lgas?\b", low) and re.search(
                r"\b(?:high|medium|low)(?:[- ](?:risk|priority|vulnerability))?\s+wards?\b", low) \
            and not re.search(r"\bnets?\b|\bitns?\b|\bcover\w*|\ballocat\w*|\bpeople\b", low):
        # "which LGA gets the most high wards": the wards of a risk group per LGA (the data),
        # however the verb reads; the plan has nothing to do with it
        return Decision([Step("lga_summary", {}, source=text)])
    if topic.startswith("plan") and topic != "plan_params" and not PLAN_WORDS.search(low):
        # not about nets: "how many wards are in Rufa" is a question about the data
        lga, _ = find_lga(text, facts.lgas)
        if CATEGORY.search(low) and ctx.analysis_ready:
            params = _list_params(low)
            if lga:
                params["lga"] = lga
            return Decision([Step("list_wards", params, source=text)])
        if lga:
            return Decision([Step("lga_summary", {"lga": lga}, source=text)])
        return Decision([Step("describe_data", {}, source=text)])
    m = re.search(r"\b(?:which|what|top|the)\s+(\d+|\w+)?\s*wards?\s+(?:get|gets|got|receive"
                  r"|receives|have)\s+(?:the\s+)?(most|fewest|least|highest|largest)\b", low)
    if m and ctx.last_plan is not None:
        n = ex.parse_number(m.group(1) or "") if m.group(1) else None
        return Decision([Step("ask_results", {"about": "plan_top_wards",
                                              "n": int(n) if n else 1,
                                              "order": "most" if m.group(2) != "fewest"
                                              and m.group(2) != "least" else "fewest"},
                              source=text)])  # fmt: skip
    if topic in ("repri_count", "repri_names") and ctx.last_plan is not None and re.search(
            r"\b(?:buffer|wastage|cap|bales?)\b", low) and not re.search(
            r"\burban\b|\bthreshold\b|\bdeprioriti|\breprioriti|\btarget\b", low):
        return _plan_setting_gone(low, ctx.last_plan)
    if topic in ("repri_count", "repri_names"):
        nums = [n for n in ex.extract_numbers(low) if 0 <= n.value <= 100]
        if nums:
            params["threshold"] = nums[0].number
        return Decision([Step("ask_results", params, source=text)])
    if topic in ("variables", "analysis_params", "models"):
        return Decision([Step("ask_results", params, source=text)])
    if ctx.last_plan is None:
        return Decision(unmet=["plan"])
    if topic == "plan_params":
        return Decision([Step("ask_results", params, source=text)])
    other = _other_net_count(text, ctx.last_plan)
    if other is not None:  # "what coverage would 600k give?": not the current plan's figures
        return other
    lga, _ = find_lga(text, facts.lgas)
    match = ex.find_ward(text, ctx.wards) if ctx.wards else None
    if topic == "plan_lga" or (lga and match is None):
        params["about"] = "plan_lga"
        if lga:
            params["lga"] = lga
        if re.search(r"\b(?:fewest|least|lowest|smallest)\b", low):
            params["order"] = "fewest"
        elif re.search(r"\b(?:most|highest|largest|biggest)\b", low):
            params["order"] = "most"
        return Decision([Step("ask_results", params, source=text)])
    if match is not None and len(match.names) == 1:
        params.update(about="plan_ward", ward=match.names[0], **({"lga": lga} if lga else {}))
        return Decision([Step("ask_results", params, source=text)])
    params["about"] = "plan_totals"
    return Decision([Step("ask_results", params, source=text)])


def _plan_setting_gone(low: str, plan: Mapping[str, Any]) -> Decision:
    """'Were the buffer removed, how would the coverage change?': a question about the plan's
    buffer (or cap, or bales), not about the urban wards removed. With no such setting in the
    plan, it says so; with one, the plan without it is offered (made only when asked)."""
    said = next(w for w in ("buffer", "wastage", "cap", "bale") if w in low)
    key = {"buffer": "buffer", "wastage": "buffer", "cap": "max_ward_share",
           "bale": "bale_size"}[said]
    value = plan.get(key)
    none = value in (None, 0, 1, 1.0) if key != "max_ward_share" else not value
    name = {"buffer": "buffer", "max_ward_share": "cap on a ward's share",
            "bale_size": "bale size"}[key]
    if none:
        return Decision(text=f"The current plan has no {name}, so removing it changes nothing; "
                             "nothing was run.", reading={"stored": "plan_params"})
    gone = {"buffer": 1.0, "max_ward_share": None, "bale_size": 1}[key]
    params = {"strategy": "stop"} if key == "max_ward_share" else {key: gone}
    step = Step("what_if_plan", params, source=low)
    choices = [steps_choice(describe_choice("what_if_plan", params), [step]), leave_it()]
    return Decision(text=f"The current plan uses a {name} of {_fmt_value(value)}. Shall I make the "
                         f"plan without it, everything else as before? Nothing is changed until "
                         "you say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": "what_if_plan"}, reading={"stored": "plan_params"})


def _fmt_value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _other_net_count(text: str, plan: Mapping[str, Any]) -> Decision | None:
    """'what coverage would 600k give?' with a 400,000-net plan: the current plan's figures
    do not answer it, so the plan with that count is offered (made only when asked)."""
    counts = [n for n in ex.extract_numbers(ex.canonical_text(text))
              if n.value >= 1000 and not n.percent]
    current = plan.get("total_nets")
    if len(counts) != 1 or not isinstance(current, int | float) or \
            int(counts[0].value) == int(current) or \
            not current / 5 <= counts[0].value <= current * 20:
        return None  # a ward's or an LGA's figure ("is 28,984 right for Kuran?") is no stock
    value = int(counts[0].value)
    step = Step("what_if_plan", {"total_nets": value}, source=text)
    choices = [steps_choice(f"Plan with {value:,} nets", [step]), leave_it()]
    return Decision(text=f"The current plan is for {int(current):,} nets, so its figures do not "
                         f"say what {value:,} nets would do. Shall I make the plan with "
                         f"{value:,} nets, everything else as before? Nothing is changed until "
                         "you say so.", choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": "what_if_plan"},
                    reading={"stored": "plan_totals", "other_count": value})


MAP_WORDS = (
    ("consensus", r"\bconsensus\b|\bagreed\s+categor\w*"),
    ("urban", r"\burban\b"), ("category", r"\bcategor\w*"), ("pca", r"\bpca\b"),
    ("itn", r"\bitn\b|\bnets?\b|\bplan\b"), ("composite", r"\bcomposite\b|\bvulnerabilit\w*"),
)  # fmt: skip
CHART_WORDS = (
    ("rank_comparison", r"\bcompar\w*|\bscatter\b"),
    ("model_scores", r"\bbox\s*plot\b|\bmodel\s+scores?\b|\bmodels?\b"),
    ("itn_by_lga", r"\b(?:nets?|itn|coverage)\s+(?:by|per)\s+lga\b|\blga\s+chart\b"),
)  # fmt: skip


EXPORT_VERB = re.compile(r"\b(?:send|save|download|export|give)\b")
EXPORT_SUBJECT = re.compile(r"\b(?:plan|rank\w*|tables?|report|list|scores?|results?|data|wards?"
                            r"|conversation|chat|unified|excel|csv|xlsx|html)\b")
VIEW_FORMAT = re.compile(r"\b(?:png|html|picture|image|photo|jpe?g|web\s*page)\b")
FILE_WORDS = re.compile(r"\b(?:files?|copy|copies|attach\w*|download\w*|e-?mail|whatsapp|offline"
                        r"|print\w*|archive|folder|drive|report)\b")
SHOW_VERB = re.compile(r"\b(?:show|display|draw|plot|see|view|open)\b")
# "no need to show it", "don't display it first", "without showing it": the file, not the map
# on the screen
NOT_SHOWN = re.compile(
    r"[,;.!-]*\s*(?:(?:and|but|so|there'?s|there\s+is)\s+)?(?:(?:you\s+)?(?:don'?t|dont|do\s+not)"
    r"(?:\s+need\s+to)?|no\s+need\s+to|not\s+necessary\s+to|(?:with)?out|no\s+need\s+for)\s+"
    r"(?:(?:to|actually|even)\s+)?(?:show|display|see|view|open)(?:ing)?(?:\s+(?:it|that|this"
    r"|them|the\s+map|me|us|the\s+one))?(?:\s+(?:on\s+(?:the\s+)?screen|here|first|in\s+the"
    r"\s+chat))*\b")


def _export_named(text: str, low: str, ctx: RouterContext,
                  state: DialogueState) -> Decision | None:
    """Exports named the way users name them, whatever the classifier guessed.

    "send map png", "and the category map in html", "the vulnerability score one, png":
    a map (named or shown) with a picture/page format or a sending verb is a file of that
    map. "the whole table with scores, csv": the unified table in that format. "and in
    excel too" right after an export: the same result in the other format.
    """
    from chatmrpt.chat import router as rt_

    low = NOT_SHOWN.sub(" ", low)  # "..., no need to show it": the file only
    if SHOW_VERB.search(low) or UNSUPPORTED_FORMAT.search(low) or re.search(
            r"\b(?:chart|graph|figure|box\s*plot)\b", low):
        return None
    last = state.last or {}
    fmt_view = VIEW_FORMAT.search(low)
    verb = EXPORT_VERB.search(low)
    if verb and verb.group(0) == "give" and not fmt_view and not FILE_WORDS.search(low) and \
            not EXPORT_VERB.search(low, verb.end()):
        verb = None  # "give me the map": the map on the screen; a file is asked with a format
    if re.search(r"\bmaps?\b", low) and (fmt_view or verb) and not \
            re.search(r"\b(?:tables?|report|list|data\s*set|dataset|csv|excel|xlsx)\b", low):
        return _export_view(text, low, state, has_plan=ctx.last_plan is not None,
                            variables=ctx.variables)
    if fmt_view and len(low.split()) <= 8 and next(
            (k for k, p in MAP_WORDS if re.search(p, low)), None) in ("composite", "category",
                                                                     "pca", "urban") \
            and re.search(r"\bone\b|\bscores?\b", low):
        # "the vulnerability score one, png": a map named by its score
        return _export_view(text, low + " map", state, has_plan=ctx.last_plan is not None)
    msg = rt_.Message.read(text, ctx)
    found = rt_._export_params(msg, ctx).params
    if found.get("what") == "unified" and found.get("format") and not PLAN_WORDS.search(low):
        return Decision([Step("export_results", {"what": "unified", "format": found["format"]},
                              source=text)])
    last_params = last.get("params") or {}
    if last.get("tool") == "export_results" and last_params.get("what") and \
            "what" not in found and found.get("format") and len(low.split()) <= 6 and \
            re.search(r"^\s*(?:and|also|now|same|plus)\b|\b(?:too|also|as\s+well)\b", low):
        what = last_params["what"]
        if found["format"] in rt_.EXPORT_FORMATS_BY_KIND.get(what, ()):
            return Decision([Step("export_results", {"what": what, "format": found["format"]},
                                  source=text)])
    part = _ranking_file_of_a_part(text, low, found)
    if part is not None:
        return part
    if last.get("tool") == "export_results" and found.get("what") == "report" and \
            "format" not in found and len(low.split()) <= 6 and \
            re.search(r"^\s*(?:and|also|now|plus)\b|\b(?:too|also|as\s+well)\b", low):
        # "and the report" after an Excel export: the report, in the one format it has
        fmt = rt_.EXPORT_FORMATS_BY_KIND["report"][0]
        return Decision([Step("export_results", {"what": "report", "format": fmt},
                              source=text)])
    return None


# a verb that asks for a file to be sent or kept ("send me the bottom 10 as csv")
SENDING_VERB = re.compile(r"\b(?:send|save|download|export|give|e-?mail|share)\b")


def _ranking_file_of_a_part(text: str, low: str, found: dict[str, Any]) -> Decision | None:
    """ "send me the bottom 10 as csv", "email the high wards as excel": a sending verb, a
    format of the rankings file and a part of the wards, not asked as a question: the
    rankings file in that format (the reply notes that it holds every ward); None
    otherwise."""
    from chatmrpt.chat import router as rt_
    from chatmrpt.chat.guards import hypothetical_question, reads_as_question
    from chatmrpt.chat.list_scope import SUBSET

    fmt = found.get("format")
    if found.get("what") not in (None, "rankings") or \
            fmt not in rt_.EXPORT_FORMATS_BY_KIND["rankings"] or \
            not any(f == fmt and re.search(rx, low) for f, rx in rt_._EXPORT_FORMATS) or \
            not SENDING_VERB.search(low) or not SUBSET.search(low) or PLAN_WORDS.search(low) or \
            reads_as_question(text) or hypothetical_question(text):
        return None
    return Decision([Step("export_results", {"what": "rankings", "format": fmt}, source=text)])


# "the map too", "and the map as well", "also the map": the map of what was just made or saved
MAP_TOO = re.compile(r"\bmaps?\b.*\b(?:too|also|as\s+well)\b|\b(?:also|and|plus)\s+(?:the\s+|its\s+"
                     r"|d\s+)?maps?\b")


def _map_of_last(last: Mapping[str, Any] | None) -> str | None:
    """The map of the result the last step made or saved: the net plan map after a plan or
    its file, the vulnerability map after the rankings' file; None after anything else."""
    tool, params = (last or {}).get("tool"), (last or {}).get("params") or {}
    if tool in ("plan_itn", "what_if_plan") or (tool == "export_results"
                                                and params.get("what") == "itn_plan"):
        return "itn"
    if tool == "export_results" and params.get("what") == "rankings":
        return "composite"
    return None


def _export_view(text: str, low: str, state: DialogueState,
                 has_plan: bool = False, variables: Sequence[str] = ()) -> Decision | None:
    """An export of a map or chart: the one named, or the one shown ("that map"). A map
    asked for with none shown, none named and no net plan made is the vulnerability map,
    said so in the reply."""
    fmt = "png" if re.search(r"\b(?:png|picture|image|photo|jpe?g|pic)\b", low) else None
    if re.search(r"\bhtml\b|\binteractive\b|\bweb\s*page\b", low):
        fmt = "html"
    wants_map = re.search(r"\bmaps?\b", low)
    wants_chart = re.search(r"\b(?:chart|plot|graph|figure)\b", low)
    refers = pointed = re.search(r"\b(?:that|this|the\s+one|it|am|same|shown|current|above)\b",
                                 low)
    if fmt == "png" and not re.search(r"\b(?:plan|rank\w*|tables?|report|list|scores?|results?"
                                      r"|data|wards?)\b", low):
        # "save as png" names nothing: only a map or a chart is a picture, the one shown
        refers = refers or re.search(r"png|pic\w*|image|photo|jpe?g", low)
    shown = state.shown or {}
    if wants_chart or (refers and shown.get("kind") == "chart" and not wants_map):
        chart = next((c for c, p in CHART_WORDS if re.search(p, low)), None)
        if chart is None and shown.get("kind") == "chart":
            chart = shown.get("what")
        if chart is None:
            return None
        return Decision([Step("export_view", {"what": chart, "format": "png"}, source=text)])
    named = next((k for k, p in MAP_WORDS if re.search(p, low)), None)
    if shown.get("kind") == "chart" and shown.get("map") and wants_map and not wants_chart:
        shown = shown["map"]  # "save that map" after a chart: the map shown before it
    if fmt == "png" and refers and not wants_map and named is None and shown.get("kind") not in (
            "map", "chart") and not EXPORT_SUBJECT.search(low):
        # "save as png" with no map or chart on screen: which picture is not known, so ask
        kinds = ("composite", "itn", "category") if has_plan else ("composite", "category",
                                                                    "urban")
        choices = [{"label": f"Export the {MAP_NAMES[w]} as PNG", "tool": "export_view",
                    "params": {"what": w, "format": "png"}} for w in kinds]
        return Decision(text="No map or chart is shown just now, so I do not know which picture "
                             "to save. Which map should I export?", choices=choices,
                        pending={"expects": "choice", "choices": choices})
    if not (wants_map or (refers and fmt == "png" and shown.get("kind") == "map")):
        return None
    if named is None and re.search(r"\bmaps?\b", low) and re.search(r"\b(?:plan)\b", low):
        named = "itn"
    if named is None and wants_map and shown.get("kind") != "map" and MAP_TOO.search(low):
        named = _map_of_last(state.last)  # "the map too, png" right after the plan's file
    column = _variable_map(text, variables) if named is None and wants_map else None
    params: dict[str, Any]
    if column is not None:  # "export the rainfall map as png": that variable's map
        params = {"what": "variable", "variable": column}
    elif named is not None:
        params = {"what": named}
        if named == "urban" and shown.get("what") == "urban" and shown.get("threshold") is not None:
            params["threshold"] = shown["threshold"]
    elif shown.get("kind") == "map":
        params = {k: v for k, v in shown.items() if k in ("what", "variable", "threshold")
                  and v is not None}  # fmt: skip
    elif pointed and not re.search(r"\bthe\s+maps?\b", low):
        # "that map" with no map shown yet: which one is not known, so ask
        choices = [{"label": f"Export the {MAP_NAMES[w]} as {(fmt or 'png').upper()}",
                    "tool": "export_view", "params": {"what": w, "format": fmt or "png"}}
                   for w in ("composite", "category", "urban")]
        return Decision(text="No map is shown just now, so I do not know which one you mean. "
                             "Which map should I export?", choices=choices,
                        pending={"expects": "choice", "choices": choices})
    elif has_plan:
        # "export the map" with no map shown and a net plan made: the vulnerability map and
        # the net plan map are both plausible, so ask
        choices = [{"label": f"Export the {MAP_NAMES[w]} as {(fmt or 'png').upper()}",
                    "tool": "export_view", "params": {"what": w, "format": fmt or "png"}}
                   for w in ("composite", "itn", "category")]
        return Decision(text="Which map should I export?", choices=choices,
                        pending={"expects": "choice", "choices": choices})
    elif fmt is None:
        # "also send me the map": no map shown, none named, no format: ask which
        choices = [{"label": f"Export the {MAP_NAMES[w]} as PNG",
                    "tool": "export_view", "params": {"what": w, "format": "png"}}
                   for w in ("composite", "category", "urban")]
        return Decision(text="No map is shown just now, so I do not know which one you mean. "
                             "Which map should I export?", choices=choices,
                        pending={"expects": "choice", "choices": choices})
    else:
        # "download the map", "just give me the map as png": no map shown yet, none named:
        # the main map of the analysis, and the reply says which one it is
        params = {"what": "composite", "format": fmt or "png"}
        return Decision([Step("export_view", params, source=text)],
                        notes=[MAIN_MAP_NOTE] + ([PICTURE_NOTE] if fmt is None else []))
    params["format"] = fmt or "png"
    return Decision([Step("export_view", params, source=text)],
                    notes=[PICTURE_NOTE] if fmt is None else [])


def _variable_map(text: str, variables: Sequence[str]) -> str | None:
    """The one column a map export names ("the rainfall map as png"), or None."""
    if not variables:
        return None
    found = {m.column for m in ex.find_variables(text, variables)
             if m.column and m.query.lower().strip() != "urban"}
    return found.pop() if len(found) == 1 else None


# a map saved with no format said is a picture
PICTURE_NOTE = ("Saved as a picture (PNG), since no format was said; ask for HTML for the "
                "interactive page.")
MAIN_MAP_NOTE = ("No map has been shown yet, so this is the composite ranking map (the main map "
                 "of the analysis, the vulnerability score of every ward).")
