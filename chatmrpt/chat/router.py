"""The offline intent router: from what an analyst types to a tool call, without a model.

``route(text, context)`` reads one message and answers with a :class:`Route`: which tool
to run, its parameters (valid against the tool's schema in chatmrpt.chat.tools), the
required parameters still missing, and a question to ask when something is missing or
ambiguous. It is deterministic: the same text and context always give the same route.

How a message is read:

1. The text is lower-cased and misspelt domain words are corrected ("analize",
   "vulnerabilty", "houshold"), never touching ward or column names.
2. Every intent of the table ``INTENTS`` scores the message: each of its signals (a regular
   expression with a weight) adds its weight when it matches; features computed from the
   context add more (a ward name for explain_ward, variable names for run_analysis).
3. The context decides follow-ups: an answer to a question the router asked ("5" when the
   household size was missing), or a short message that changes the previous request
   ("and the bottom 5?", "what about PCA?", "now with 500k nets", "same but household
   size 6").
4. The chosen tool's parameters are extracted by the extractor of each parameter type
   (chatmrpt.chat.extract). The number of nets and the household size are never assumed:
   when they are not in the message, the route asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chatmrpt.analysis.declarations import ItnParams
from chatmrpt.chat import extract as ex
from chatmrpt.chat.extract import WardRef
from chatmrpt.chat.tools import (
    EXPORT_FORMATS_BY_KIND,
    NEEDS_ANALYSIS,
    NEEDS_DATASET,
    NEEDS_FACILITY_DATA,
    NEEDS_PLAN,
    tool_spec,
)

PLAN_TOOLS = ("plan_itn", "what_if_plan")
PLAN_PARAMS = tool_spec("plan_itn").param_names


@dataclass(frozen=True)
class RouterContext:
    """What the router may know about the session when it reads a message.

    ``wards`` are the dataset's wards with their LGA (WardRef, or (name, lga) pairs, or
    names); ``variables`` its numeric columns. ``last_tool``/``last_params``/``last_missing``
    describe the previous route (what was asked, and what the router then asked for);
    ``last_plan`` holds the parameters of the last ITN plan that ran;
    ``last_candidates`` the wards offered when a ward name was ambiguous.
    """

    has_dataset: bool = False
    variables: tuple[str, ...] = ()
    wards: tuple[WardRef, ...] = ()
    analysis_status: str | None = None  # None, "queued", "running", "succeeded", "failed"
    has_facility_data: bool = False
    last_plan: Mapping[str, Any] | None = None
    last_tool: str | None = None
    last_params: Mapping[str, Any] = field(default_factory=dict)
    last_missing: tuple[str, ...] = ()
    last_candidates: tuple[WardRef, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "wards", tuple(WardRef.of(w) for w in self.wards))
        object.__setattr__(self, "variables", tuple(str(v) for v in self.variables))
        object.__setattr__(self, "last_params", dict(self.last_params or {}))
        object.__setattr__(self, "last_missing", tuple(self.last_missing))
        object.__setattr__(self, "last_candidates",
                           tuple(WardRef.of(w) for w in self.last_candidates))  # fmt: skip
        if self.last_plan is not None:
            object.__setattr__(self, "last_plan", dict(self.last_plan))

    @property
    def analysis_ready(self) -> bool:
        return self.analysis_status == "succeeded"

    def met(self) -> set[str]:
        out = set()
        if self.has_dataset:
            out.add(NEEDS_DATASET)
        if self.analysis_ready:
            out.add(NEEDS_ANALYSIS)
        if self.last_plan is not None:
            out.add(NEEDS_PLAN)
        if self.has_facility_data:
            out.add(NEEDS_FACILITY_DATA)
        return out

    def after(self, route: Route, *, executed: bool = True) -> RouterContext:
        """The context for the next message, once ``route`` was answered.

        A route without a tool (small talk, not understood) leaves the conversation where
        it was. ``executed`` says the tool ran; a plan that ran becomes ``last_plan`` (the
        service layer may instead pass the parameters it stored).
        """
        if route.tool is None:
            return self
        last_plan = self.last_plan
        if executed and route.ready and route.tool == "plan_itn":
            last_plan = dict(route.params)
        elif executed and route.ready and route.tool == "what_if_plan":
            last_plan = {**(self.last_plan or {}), **route.params}
        return replace(
            self,
            last_tool=route.tool,
            last_params=dict(route.params),
            last_missing=tuple(route.missing),
            last_candidates=tuple(route.candidates),
            last_plan=last_plan,
        )


@dataclass(frozen=True)
class Route:
    """The router's answer for one message.

    ``tool`` is None when no tool fits (small talk, not understood): ``reply`` or
    ``clarification`` then says what to answer. ``missing`` lists the parameters the tool
    cannot run without (required ones, or the LGA of a ward name several LGAs share);
    ``clarification`` is the question to ask. ``unmet`` lists what the session still lacks
    for this tool (dataset, analysis, plan, facility_data). ``intent`` names how the
    message was read (the tool, "greeting", "thanks", "unknown", "answer", "follow_up").
    """

    tool: str | None
    params: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    clarification: str | None = None
    confidence: float = 0.0
    intent: str = "unknown"
    candidates: tuple[WardRef, ...] = ()
    unmet: tuple[str, ...] = ()
    reply: str | None = None

    @property
    def ready(self) -> bool:
        """The tool can be called with these parameters as they are."""
        return self.tool is not None and not self.missing and self.clarification is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "params": dict(self.params),
            "missing": list(self.missing),
            "clarification": self.clarification,
            "confidence": self.confidence,
            "intent": self.intent,
            "candidates": [{"name": c.name, "lga": c.lga} for c in self.candidates],
            "unmet": list(self.unmet),
            "reply": self.reply,
        }


# --- the message, read once ---------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    raw: str
    text: str  # lower case, typos corrected: what the intent signals read
    numbers: tuple[ex.NumberMention, ...]
    ward: ex.WardMatch | None
    variables: tuple[ex.VariableMention, ...]

    @classmethod
    def read(cls, raw: str, ctx: RouterContext) -> Message:
        protected = ex.protected_words([w.name for w in ctx.wards] + list(ctx.variables))
        protected |= ex.protected_words([w.lga for w in ctx.wards if w.lga])
        text = ex.canonical_text(raw, protected)
        ward = ex.find_ward(raw, ctx.wards) if ctx.wards else None
        variables = tuple(ex.find_variables(raw, ctx.variables))
        return cls(raw, text, tuple(ex.extract_numbers(text)), ward, variables)

    def has(self, pattern: str | re.Pattern[str]) -> bool:
        return re.search(pattern, self.text) is not None


# --- the intent table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    pattern: re.Pattern[str]
    weight: float


def _signals(*pairs: tuple[str, float]) -> tuple[Signal, ...]:
    return tuple(Signal(re.compile(p), w) for p, w in pairs)


@dataclass(frozen=True)
class Intent:
    """One tool's way of being asked for: weighted patterns plus context features."""

    tool: str
    signals: tuple[Signal, ...]
    features: tuple[Callable[[Message, RouterContext], float], ...] = ()

    def score(self, msg: Message, ctx: RouterContext) -> float:
        total = sum(s.weight for s in self.signals if s.pattern.search(msg.text))
        return total + sum(f(msg, ctx) for f in self.features)


NETS = r"\b(?:itns?|llins?|bednets?|bed\s+nets?|mosquito\s+nets?|nets)\b"
# Words that name a part of the method: "what is <one of these>" asks for an explanation,
# while "what is the top ward" asks for a result.
METHOD_TERMS = (
    r"(?:composite|pca|principal|normali[sz]\w*|imput\w*|tpr|test\s+positivity|positivity|categor\w*"
    r"|terciles?|re-?prioriti\w*|de-?prioriti\w*|urban\s+reprioriti\w*|kmo|bartlett\w*|loadings?"
    r"|median|models?|1\.8|people\s+per\s+net|need\s+formula|methodology|method|inverse|direction"
    r"|linear|reciprocal|min[- ]?max|threshold|buffer|bales?|eigen\w*|components?|scaling"
    r"|(?:average\s+)?household\s+size"
    r"|vulnerability\s+score|risk\s+score|ranking\s+method)"
)
EXPLAIN_Q = (
    r"^\s*(?:(?:so|ok(?:ay)?|and|but|please|pls|can\s+you|could\s+you)[\s,]+)*"
    r"(?:why|how\s+(?:is|are|was|were|does|do|did)\b|explain|describe\s+(?:how|the\s+"
    + METHOD_TERMS
    + r")|define"
    r"|what\s+is\s+meant|meaning\s+of|tell\s+me\s+(?:how|why)"
    r"|what\s+(?:threshold|value|cut-?off|factor|formula|rule|method)s?\s+(?:is|are|was|were|do|does)\b"
    r"|is\s+(?:the\s+)?(?:pca|composite)\b"
    r"|what\s+(?:is|are)\s+(?:a\s+|an\s+|the\s+)?"
    + METHOD_TERMS
    + r"|what\s+(?:does|do)\b.*\bmean\b)"
)
TOPIC_PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("categories", r"\bcategor\w*|\bterciles?\b|\bthirds?\b|\bhigh\s*,?\s*medium\b|\bmedium\b"
                   r"|\bclasses\b|\bh\s*=\s*n|\bhigh[- ]priority\b|\bpriority\s+(?:groups?|levels?)",
     2.0),
    ("normalization", r"\bnormali[sz]\w*|\bmin[- ]?max\b|\brescal\w*|\breciprocal\b"
                      r"|\b0\s+(?:to|and)\s+1\b|\bscaled?\b|\bscaling\b", 2.0),
    ("normalization", r"\binvers\w*|\bdirections?\b|\bdirect\b", 1.5),
    ("imputation", r"\bimput\w*|\bmissing\s+(?:values?|data|cells?|numbers?)\b|\bfill(?:ed|ing)?\s+"
                   r"(?:in\s+)?(?:the\s+)?(?:missing|gaps|blanks)|\bneighbou?r\w*|\bgaps\b"
                   r"|\bblank\s+cells\b", 2.0),
    ("tpr", r"\btpr\b|\btest\s+positivity\b|\bpositivity\b", 2.0),
    # the TPR's test setting: "what does 'both' mean for the test?"
    ("tpr", r"\b(?:rdts?|microscopy)\b|\bboth\b[^.?!]*\btests?\b|\btests?\b[^.?!]*\bboth\b"
            r"|\bfacility\s+levels?\b", 2.0),
    ("pca", r"\bpca\b|\bprincipal\b|\bkmo\b|\bbartlett\w*|\bloadings?\b|\beigen\w*"
            r"|\bcomponents?\b", 2.0),
    ("urban", r"\burban\b|\bre-?prioriti\w*|\bde-?prioriti\w*|\bthreshold\w*", 2.0),
    ("itn", NETS + r"|\bitn\b|\bnets?\s+needed\b|\ballocat\w*|\bdistribut\w*|\bhousehold\b"
                   r"|\bneed\s+formula\b|\b1\.8\b|\bpeople\s+per\s+net\b|\bnet\s+plan\b", 1.5),
    ("composite", r"\bcomposite\b|\bmedian\b|\bmodels?\b|\bcombinations?\b", 1.5),
    ("composite", r"\bscor(?:e|es|ed|ing)\b|\brank(?:s|ed|ing|ings)?\b|\bvulnerability\b", 0.5),
    ("general", r"\bmethodology\b|\bmethods?\b|\boverall\b|\bapproach\b|\bwhole\s+process\b"
                r"|\bhow\s+(?:does|do)\s+(?:this|it|you|the\s+tool|chatmrpt)\s+work\b", 1.0),
)  # fmt: skip
_TOPICS = tuple((t, re.compile(p), w) for t, p, w in TOPIC_PATTERNS)


def topic_of(text: str) -> str | None:
    """The part of the method a question is about (the highest-scoring topic)."""
    scores: dict[str, float] = {}
    for topic, rx, weight in _TOPICS:
        if rx.search(text):
            scores[topic] = scores.get(topic, 0.0) + weight
    if not scores:
        return None
    order = [t for t, _, _ in TOPIC_PATTERNS]
    return max(scores, key=lambda t: (scores[t], -order.index(t)))


def _ward_feature(msg: Message, ctx: RouterContext) -> float:
    return 2.5 if msg.ward is not None else 0.0


def _variables_feature(msg: Message, ctx: RouterContext) -> float:
    if not msg.variables:
        return 0.0
    return 2.0 if len(msg.variables) >= 2 else 0.75


def _asks_how_or_why(msg: Message) -> bool:
    """A question about the method ("how is ... calculated", "what is PCA").

    Not when it names a ward (that is a question about the ward), nor when it carries a
    stock of nets ("what is the plan if we only have 600k nets": a request with numbers).
    """
    if msg.ward is not None or any(n.value >= 100 for n in msg.numbers):
        return False
    return msg.has(EXPLAIN_Q) and topic_of(msg.text) not in (None, "general")


def _explain_topic_feature(msg: Message, ctx: RouterContext) -> float:
    if _asks_how_or_why(msg):
        return 2.5
    return 0.5 if msg.ward is None and msg.has(EXPLAIN_Q) else 0.0


def _explanation_penalty(msg: Message, ctx: RouterContext) -> float:
    """Tools that act lose weight when the message asks how or why something works."""
    return -2.5 if _asks_how_or_why(msg) else 0.0


def _variable_list_penalty(msg: Message, ctx: RouterContext) -> float:
    """ "use tpr and rainfall" lists analysis variables; it is no request to compute TPR."""
    return -1.5 if len(msg.variables) >= 2 else 0.0


def _net_count_feature(msg: Message, ctx: RouterContext) -> float:
    """A number of nets ("with 1m nets") or a household size is strong evidence of a plan."""
    if not msg.numbers:
        return 0.0
    assigned, _ = ex.assign_numbers(msg.text, ex.PLAN_CUES, msg.numbers, PLAN_ACCEPTS)
    return 2.0 * ("total_nets" in assigned) + 1.5 * ("household_size" in assigned)


def _one_named_ward_penalty(msg: Message, ctx: RouterContext) -> float:
    """ "Is Oloje a high priority ward?" asks about one ward, not for a list of wards."""
    return -1.5 if msg.ward is not None and not msg.has(r"\bwards\b") else 0.0


def _what_if_feature(msg: Message, ctx: RouterContext) -> float:
    """After a plan, "what if ...?" is about the plan unless it says otherwise."""
    return 1.5 if ctx.last_plan is not None and msg.has(r"^\s*what\s+if\b") else 0.0


def _methods_pair_feature(msg: Message, ctx: RouterContext) -> float:
    asked, _ = ex.find_methods(msg.text)
    return 1.5 if len(asked) == 2 else 0.0


INTENTS: tuple[Intent, ...] = (
    Intent("help", _signals(
        (r"^\s*(?:help|menu|commands|options|\?+)\s*[.!?]*\s*$", 4),
        (r"\bhelp\b", 2),
        (r"\bwhat\s+(?:else\s+)?can\s+(?:you|i|this\s+(?:tool|app))\s+(?:do|help)\b", 3.5),
        (r"\bwhat\s+(?:can|should|do)\s+i\s+(?:ask|say|type)\b", 3.5),
        (r"\bhow\s+(?:do|can|should)\s+i\s+(?:use|start|begin|get\s+started)\b", 3.5),
        (r"\b(?:get(?:ting)?\s+started|where\s+do\s+i\s+(?:start|begin)|guide\s+me|show\s+me\s+around"
         r"|instructions|tutorial|examples?\s+of\s+(?:questions|requests))\b", 3),
        (r"\bwho\s+are\s+you\b|\bwhat\s+are\s+you\b", 3),
    )),
    Intent("session_status", _signals(
        (r"\bstatus\b", 3),
        (r"\b(?:is|has)\s+(?:the\s+|my\s+|our\s+)?analysis\s+(?:done|finished|complete|completed|ready"
         r"|running|still\s+running|over|through)\b", 4),
        (r"\bwhere\s+are\s+we\b|\bhow\s+far\b|\bwhat\s+stage\b", 3),
        (r"\bprogress\b", 2),
        (r"\bwhat\s+(?:have\s+(?:we|i|you)\s+done|has\s+been\s+done|did\s+(?:we|i)\s+do)\b", 3.5),
        (r"\bwhat\s+(?:files?\s+)?(?:is|are|have\s+(?:i|we))\s+(?:been\s+)?(?:uploaded|loaded)\b", 3.5),
        (r"\b(?:done|ready|finished)\s+yet\b|\bstill\s+running\b", 3),
        (r"\bsession\b", 1.5),
    )),
    Intent("describe_data", _signals(
        (r"\b(?:describe|summari[sz]e|overview\s+of|summary\s+of|look\s+at|inspect|explore|profile"
         r"|check)\s+(?:the\s+|my\s+|this\s+|our\s+)?(?:uploaded\s+)?(?:data|dataset|table|file"
         r"|upload|spreadsheet|csv|variables|columns)\b", 3.5),
        (r"\bwhat\s+(?:is|do\s+(?:i|we)\s+have)\s+in\s+(?:the\s+|my\s+|this\s+)?(?:data|dataset|file"
         r"|table|upload)\b", 3.5),
        (r"\bwhat\s+(?:variables|columns|indicators|fields)\b", 3),
        (r"\b(?:list|show|see)\s+(?:me\s+)?(?:the\s+|all\s+(?:the\s+)?)?(?:available\s+)?(?:variables"
         r"|columns|indicators|fields)\b", 3),
        (r"\bhow\s+many\s+(?:wards|lgas|rows|variables|columns)\b", 3),
        (r"\bmissing\s+(?:values|data)\b|\bdata\s+quality\b|\bjoin\s+report\b", 1.5),
        (r"\b(?:data|dataset)\b", 0.5),
    )),
    Intent("run_analysis", _signals(
        (r"\b(?:run|start|do|perform|launch|begin|redo|re-?run|repeat|carry\s+out|kick\s+off"
         r"|execute|conduct)\s+(?:the\s+|an\s+|a\s+|my\s+|another\s+|it\s+)?(?:new\s+|full\s+|risk\s+"
         r"|vulnerability\s+|malaria\s+|whole\s+)*(?:analysis|analyses|ranking|scoring"
         r"|prioriti[sz]ation|assessment)\b", 4),
        (r"\banaly[sz]e\b|\banaly[sz]ing\b", 3),
        (r"\banalysis\b", 1),
        (r"\b(?:rank|score|prioriti[sz]e|rate|assess|evaluate|sort)\s+(?:the\s+|my\s+|all\s+(?:the\s+)?"
         r"|these\s+|our\s+)?(?:\w+\s+)?(?:wards|data|areas|communities|dataset)\b", 3),
        (r"\bvulnerabilit(?:y|ies)\b", 1),
        (r"\b(?:use|using|with|only|include|including|based\s+on|variables?)\b", 0.5),
        (r"\b(?:inverse|inversely|direct|directly)\b|\bdirections?\b", 1),
        (r"\breciprocal\b|\blegacy\b|\bold\s+(?:tool|method|way)\b|\bnormali[sz]ation\b", 2),
        (r"\b(?:run|do|use|redo|start)\b.*\b(?:composite|pca|principal)\b", 2),
        (r"\b(?:re-?run|redo|recompute|recalculate|again)\b", 1),
        (r"\bwithout\s+(?:pca|composite)\b|\bcomposite\s+only\b|\bonly\s+(?:the\s+)?composite\b", 1),
    ), (_variables_feature, _explanation_penalty)),
    Intent("top_wards", _signals(
        (r"\b(?:top|bottom)\b", 2.5),
        (r"\b(?:most|least|highest|lowest|high|low|greatest)[- ](?:vulnerable|risk|risky|priority"
         r"|ranked|burden)\b", 2.5),
        (r"\b(?:highest|lowest)\s+(?:scores?|ranks?|risk|vulnerability|burden)\b", 2.5),
        (r"\b(?:high|medium|low)[- ]category\s+wards\b|\bwards\s+in\s+the\s+(?:high|medium|low)"
         r"\s+(?:category|group|priority)\b", 2.5),
        (r"\bmost\s+at[- ]risk\b|\briskiest\b|\bsafest\b|\bworst[- ](?:hit|affected)\b", 2.5),
        (r"\b(?:worst|best)\s+(?:\d+\s+)?wards?\b", 2),
        (r"\b(?:which|what)\s+wards?\s+(?:are|is|should|need|rank|have|come|were)\b", 1.5),
        (r"\b(?:list|show|give|tell)\s+(?:me\s+)?(?:the\s+)?(?:\d+\s+|[a-z]+\s+)?(?:ranked\s+)?wards\b", 1.5),
        (r"\brankings?\b|\branked\s+list\b|\bleague\s+table\b", 1.5),
        (r"\b(?:priority|high[- ]priority)\s+wards\b", 2),
        (r"\bwards?\s+(?:by|in\s+order\s+of)\s+(?:rank|risk|vulnerability|priority|score)\b", 2),
        (r"\bresults?\b", 1),
        (r"\b(?:first|last)\s+\d+\b", 1.5),
        (r"^\s*(?:the\s+)?(?:highest|lowest|riskiest|safest)\b|\b(?:highest|lowest)\s+\d+\b", 2.5),
        (r"\bwhich\s+ward\s+(?:is|ranks?|comes?|has)\b", 2),
        (r"\b(?:show|give|see|list|display|view|what\s+are)\b(?:\s+\w+){0,3}?\s+(?:rankings?|results"
         r"|ranked\s+list|ranks)\b", 2.5),
        (r"\bpriority\b", 1),
    ), (_explanation_penalty, _one_named_ward_penalty)),
    Intent("explain_ward", _signals(
        (r"\bwhy\b", 1),
        (r"\bexplain\b|\btell\s+me\s+(?:more\s+)?about\b|\bbreak\s*down\b|\bdetails?\s+(?:of|for|on)\b", 1),
        (r"\b(?:how|where)\s+(?:does|did|is|was)\b.*\brank", 1),
        (r"\bwhat\s+about\b|\bhow\s+about\b", 0.5),
        (r"^\s*(?:is|was|does|did|has|how\s+(?:high|low|vulnerable|risky))\b", 1),
        (r"\bexplain\s+(?:the\s+)?ward\b|\bward\s+profile\b|\bthis\s+ward\b|\bthat\s+ward\b", 2),
        (r"\bwhy\s+(?:is|was|does|did|has)\b.*\b(?:rank(?:ed)?|high|low|top|bottom|vulnerable"
         r"|prioriti[sz]ed|priority|risk|category|so)\b", 1),
    ), (_ward_feature,)),
    Intent("compare_methods", _signals(
        (r"\bcompar(?:e|ed|es|ing|ison|isons)\b", 2.5),
        (r"\b(?:differ|differs|different|difference|differences|disagree\w*|agree|agreement|correlat\w*"
         r"|overlap\w*|consistent|spearman)\b", 2),
        (r"\bconsensus\b", 2.5),
        (r"\bbetween\s+(?:the\s+)?(?:two\s+)?(?:methods|rankings)\b|\brobust\w*\b|\bstable\b", 2),
        (r"\b(?:two|both)\s+(?:methods|rankings|approaches)\b", 1.5),
        (r"\b(?:vs\.?|versus|side\s+by\s+side)\b", 1.5),
    ), (_methods_pair_feature,)),
    Intent("explain_methodology", _signals(
        (r"\bhow\s+(?:is|are|was|were|does|do|did)\b.*\b(?:calculated|computed|work|works|derived"
         r"|determined|decided|chosen|made|done|built|estimated|handled|filled|worked\s+out|ranked"
         r"|scored|defined|measured|assigned|counted|treated|selected|dealt\s+with|allocated"
         r"|distributed|pick|picked|choose|chosen|classified|prioriti[sz]ed|grouped|split)\b", 2.5),
        (r"^\s*why\s+(?:are|is|were|was|do|does|did|should|would|use)\b", 1),
        (r"\bmethodology\b|\bmethods?\s+(?:used|behind)\b|\bthe\s+maths?\b|\bformula\b", 2.5),
        (r"\bhow\s+did\s+you\b", 1.5),
        (r"\bwhy\s+(?:the\s+|use\s+(?:the\s+)?|a\s+)?(?:median|linear|min[- ]?max|1\.8|terciles?"
         r"|thirds)\b", 2),
        (r"\bin\s+(?:plain|simple|easy)\s+(?:words|terms|language|english)\b|\blayman\b", 1.5),
        (r"\b(?:to|for)\s+(?:the\s+)?(?:community|communities|chiefs?|leaders|stakeholders)\b", 1),
        (r"\bwhat\s+does\b.*\bmean\b|\bmeaning\s+of\b|\bdefin(?:e|ition)\b|\bwhat\s+is\s+meant\b", 1.5),
        (r"^\s*(?:what\s+is|what\s+are)\s+(?:a\s+|an\s+|the\s+)?[a-z]+(?:\s+[a-z]+)?\s*\??\s*$", 0.5),
    ), (_explain_topic_feature,)),
    Intent("reprioritize_urban", _signals(
        (r"\b(?:re-?prioriti[sz]\w*|de-?prioriti[sz]\w*)\b", 3.5),
        (r"\burban\b", 1),
        (r"\burban\s+(?:wards|areas|settlements|reprioriti[sz]ation)\b", 0.5),
        (r"\b(?:drop|remove|exclude|cut|skip|withdraw|take\s+out|leave\s+out)\b.*\burban\b", 2),
        (r"\btarget\s+(?:share|population)\b|\bpopulation\s+share\b", 1.5),
        (r"\bwhich\s+urban\s+wards\b", 1.5),
    ), (_explanation_penalty,)),
    Intent("plan_itn", _signals(
        (NETS, 2.5),
        (r"\bnet\b", 1.5),
        (r"\b(?:distribut\w*|allocat\w*|plan|planning|spread|share\s+out|give\s+out|hand\s+out"
         r"|deploy|campaign)\b", 1),
        (r"\bhousehold\s*sizes?\b|\bhh\s*(?:size|=)", 2.5),
        (r"\bper\s+(?:household|hh)\b|\bhouseholds?\b", 1.5),
        (r"\b(?:itn|net|distribution|allocation)\s+plan\b", 2),
        (r"\bwhat\s+if\b|\binstead\b|\bsame\s+(?:plan|but|thing|again)\b|\bre-?plan\b", 1),
        (r"\bpeople\s+per\s+net\b|\bbales?\b|\bbuffer\b", 1.5),
        (r"\bcap(?:ped|ping|s)?\b|\bstrategy\b", 2),
        (r"\b(?:export|download|save|send\s+me)\b|\b(?:as|in)\s+(?:an?\s+)?(?:csv|excel|xlsx|geojson"
         r"|spreadsheet|png|html)\b", -3),
        (r"\bmaps?\b|\bvisuali[sz]e\b|\bplot\b|\bchoropleth\b", -2),
    ), (_explanation_penalty, _what_if_feature, _net_count_feature)),
    Intent("compute_tpr", _signals(
        (r"\btpr\b|\btest\s+positivity\b|\bpositivity\s+rates?\b", 2.5),
        (r"\b(?:compute|calculate|get|derive|work\s+out|estimate|produce|generate)\b", 0.5),
        (r"\b(?:dhis\s*2?|facility\s+(?:data|export|file|records|reports|level)|health\s+facilit(?:y|ies)"
         r"|hmis)\b", 2),
        (r"\b(?:rdt|microscopy)\b", 1),
        (r"\bpregnant\b|\bunder[- ]?(?:5|five)s?\b|\bu5\b", 0.5),
    ), (_explanation_penalty, _variable_list_penalty)),
    Intent("export_results", _signals(
        (r"\b(?:export|download|save|send\s+me|email|attach|hand\s+over|give\s+me\s+(?:the\s+|a\s+)?"
         r"(?:file|csv|excel|spreadsheet|geojson|shapefile|png|image|report))\b", 3.5),
        (r"\b(?:csv|excel|xlsx|spreadsheet|geojson|geoparquet|parquet|shapefile|png|pdf)\b", 2),
        (r"\b(?:as|in)\s+(?:an?\s+)?(?:csv|excel|xlsx|geojson|geoparquet|parquet|png|html|pdf"
         r"|spreadsheet)\b", 2),
        (r"\bunified\b", 1.5),
        (r"\bfiles?\b", 1),
        (r"\breport\b", 1),
        (r"^\s*(?:the\s+|a\s+)?report\s*[.!?]*\s*$", 1.5),
        (r"\b(?:generate|create|produce|make|prepare|write|compile)\s+(?:a\s+|the\s+|me\s+a\s+)?"
         r"(?:\w+\s+)?report\b", 3),
        (r"\b(?:export|download|save)\b.*\bmaps?\b", 1.5),
    ), (_explanation_penalty,)),
    Intent("show_map", _signals(
        (r"\bmaps?\b|\bmapped\b|\bmapping\b", 3),
        (r"\b(?:visuali[sz]e|plot|choropleth|draw|chart)\b", 2.5),
        (r"\bon\s+a\s+map\b|\bshow\s+me\s+where\b|\bgeographic\w*\b|\bspatial\w*\b", 1.5),
        # "show the ranking map": a map of the ranking, not the ranked list
        (r"\b(?:rank|ranks|ranking|rankings|ranked)\s+maps?\b", 2),
    ), (_explanation_penalty,)),
)  # fmt: skip
_INTENT_ORDER = {intent.tool: i for i, intent in enumerate(INTENTS)}

ACCEPT = 2.0  # a message scoring less than this for every tool is not understood
FOLLOW_UP = re.compile(
    r"^\s*(?:and|also|plus|ok(?:ay)?|so|now|then|what\s+about|how\s+about|same\s+(?:but|thing|again"
    r"|with|for|plan)|instead|again|but|try|let\s+us\s+try|redo|actually|rather|hmm+|what\s+if|only"
    r"|just|make\s+it|change\s+(?:it|that)|with)\b"
)
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day)|salam|"
    r"assalamu\s+alaikum|sannu|bawo|ndewo|yo)\b"
)
THANKS = re.compile(r"^\s*(?:thanks?|thank\s+you|thx|cheers|great|perfect|nice|ok(?:ay)?|cool"
                    r"|got\s+it|alright|noted|brilliant|excellent)\b[\s\w,!.]*$")  # fmt: skip
BYE = re.compile(r"^\s*(?:bye|goodbye|see\s+you|that\s+is\s+all|that'?s\s+all)\b")
CHANGE_WORDS = re.compile(
    r"\bwhat\s+if\b|\binstead\b|\bchange\b|\bre-?plan\b|\bagain\b|\bsame\b"
    r"|\bnow\b|\brather\b|\bonly\s+had\b|\bdifferent\b"
)
REFERS_BACK = re.compile(
    r"\b(?:it|this|that|them|these|those|same|the\s+(?:plan|results|ranking|list))\b"
)


# --- parameter extraction, one function per tool ------------------------------------------


@dataclass
class Extraction:
    params: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    candidates: tuple[WardRef, ...] = ()


def _analysis_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    mentions = list(msg.variables)
    directions = ex.find_directions(msg.raw, mentions)
    unknown = [m.query for m in mentions if m.column is None]
    attached = {m.column for m in mentions if m.column in directions}
    listed = [m for m in mentions if m.column and m.column not in attached]
    if listed:
        names = list(dict.fromkeys(m.column for m in mentions if m.column))
        out.params["variables"] = names
    if directions:
        out.params["directions"] = directions
    asked, excluded = ex.find_methods(msg.text)
    if "pca" in excluded or re.search(
        r"\bcomposite\s+only\b|\bonly\s+(?:the\s+)?composite\b", msg.text
    ):
        out.params["methods"] = ["composite"]
    elif "pca" in asked or re.search(r"\bboth\s+methods\b", msg.text):
        out.params["methods"] = ["composite", "pca"]
    normalization = ex.find_normalization(msg.text)
    if normalization:
        out.params["normalization"] = normalization
    if "aggregation" in tool_spec("run_analysis").param_names:
        if re.search(r"\bmedian[- ]ranks?\b|\bby\s+median\s+rank\b", msg.text):
            out.params["aggregation"] = "median-rank"
        elif re.search(r"\bmedian[- ]scores?\b", msg.text):
            out.params["aggregation"] = "median-score"
    if unknown and ctx.variables:
        out.questions.append(
            f"The data has no column for {', '.join(repr(u) for u in unknown)}. "
            f"Columns you can use: {', '.join(ctx.variables)}."
        )
    return out


# a number said of a plan or reprioritisation setting, not of a list's length
_SETTING_WORD = re.compile(r"\b(?:nets?|itns?|llins?|households?|hh|bales?|buffer|threshold|target"
                           r"|urban|people|persons?|per\s+house|naira|percent)\b|%")
_ONE_WARD = re.compile(r"^(?!.*\bwards\b).*\bward\b")
# "at least", "at the very least": a hedge, not the least vulnerable wards
# "top 5, not bottom", "the 5 highest, not lowest", "top ones instead of the bottom": the end
# of the list taken back, not the one asked for
TAKEN_BACK_END = re.compile(
    r"\b(?:not|instead\s+of|rather\s+than|no\s+longer)\s+(?:the\s+)?(?:\d+\s+)?"
    r"(?:bottom|least|lowest|safest|top|highest|most|riskiest)\b"
    r"(?:\s+(?:\d+|ones?|wards?|vulnerable|risk|at[- ]risk|ranked))*", re.I)


AT_LEAST = re.compile(r"\bat\s+(?:the\s+)?(?:very\s+)?least\b", re.I)
_SUPERLATIVE = re.compile(
    r"\b(?:most|least|highest|lowest|riskiest|safest|top|bottom|worst|best)\b"
)


# "d least one?", "and the least of all?", "the very worst one": one ward
THE_ONE = re.compile(r"\b(?:the|d|di|de)\s+(?:very\s+)?(?:least|most|lowest|highest|worst|best"
                     r"|safest|riskiest)(?:\s+(?:vulnerable|risky|ranked|affected))?\s+(?:one"
                     r"|of\s+(?:all|them\s+all|them))\b(?!\s*(?:\d|ones))")


# "bottom 5 on the same method", "same ranking": the method of the list just shown
SAME_METHOD = re.compile(r"\b(?:same|that|this)\s+(?:method|ranking|model|approach|score"
                         r"|scoring)\b")


def _top_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    assigned, _ = ex.assign_numbers(msg.text, ex.TOP_CUES, msg.numbers)
    n = assigned.get("n") or assigned.get("n_wards")
    if n is None and ctx.last_tool == "top_wards" and FOLLOW_UP.search(msg.text) and \
            not _SETTING_WORD.search(msg.text):
        # "make it 20" after a list (never "what about hh 6": a plan's household size)
        n = msg.numbers[0] if len(msg.numbers) == 1 else None
    if n is None and len(msg.numbers) == 1:
        # "and the bottom ones? just 5": the one number said with "just"/"only"
        just = re.search(r"\b(?:just|only)\s+(?:the\s+)?(\d{1,3})\b(?!\s*(?:%|percent|k\b|m\b))",
                         msg.text, re.I)
        if just and float(just.group(1)) == msg.numbers[0].value:
            n = msg.numbers[0]
    if n is not None and n.is_whole and n.value >= 1 and not n.percent:
        out.params["n"] = int(n.value)
    elif not msg.numbers and _ONE_WARD.search(msg.text) and (_SUPERLATIVE.search(msg.text) or re.search(
            r"\b(?:very\s+)?(?:last|first)\s+ward\b", msg.text)):
        out.params["n"] = 1  # "which ward is the most vulnerable?", "the very last ward"
    elif THE_ONE.search(msg.text) and all(x.value == 1 for x in msg.numbers):
        out.params["n"] = 1  # "d least one?": one ward ("one" read as a number is that one)
    method = ex.find_method(msg.text)
    if method is None and SAME_METHOD.search(msg.text) and ctx.last_tool in (
            "top_wards", "list_wards"):
        method = (ctx.last_params or {}).get("method")  # "bottom 5 on the same method"
    if method:
        out.params["method"] = method
    said = AT_LEAST.sub(" ", msg.text)  # "can we at least see the ranking?": no order
    said = TAKEN_BACK_END.sub(" ", said)  # "top 5, not bottom": the bottom taken back
    if re.search(
        r"\b(?:bottom|least|lowest|safest|last|best)\b|\blow[- ](?:risk|priority|category)\b"
        r"|\blow\s+(?:category|group)\b",
        said,
    ):
        out.params["order"] = "bottom"
    elif re.search(r"\b(?:top|most|highest|riskiest|first|worst)\b|\bhigh[- ](?:risk|priority)\b",
                   said):  # fmt: skip
        out.params["order"] = "top"
    return out


def _ward_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    match = msg.ward
    if match is None:
        out.missing.append("ward")
        out.questions.append("Which ward should I explain? Give its name as in your data.")
        return out
    names = match.names
    if len(names) > 1:
        out.missing.append("ward")
        out.candidates = match.candidates
        out.questions.append(
            f"Several wards match '{match.query}': {', '.join(c.label() for c in match.candidates)}. "
            "Which one do you mean?"
        )
        return out
    out.params["ward"] = names[0]
    if len(match.candidates) > 1:
        out.missing.append("lga")
        out.candidates = match.candidates
        lgas = [c.lga or "LGA unknown" for c in match.candidates]
        out.questions.append(
            f"There is a {names[0]} ward in {len(lgas)} LGAs ({', '.join(lgas)}). Which LGA?"
        )
    elif _same_name_elsewhere(names[0], match.candidates[0], ctx):
        out.params["lga"] = match.candidates[0].lga
    return out


def _same_name_elsewhere(name: str, ref: WardRef, ctx: RouterContext) -> bool:
    return ref.lga is not None and sum(1 for w in ctx.wards if w.name == name) > 1


def _topic_params(msg: Message, ctx: RouterContext) -> Extraction:
    topic = topic_of(msg.text)
    return Extraction({"topic": topic} if topic else {})


def _urban_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    assigned, free = ex.assign_numbers(msg.text, ex.URBAN_CUES, msg.numbers)
    target = assigned.get("target_share")
    if target is not None and 0 < target.value <= 100:
        out.params["target_share"] = target.number
    thresholds = [n.number for n in free if 0 <= n.value <= 100 and not _replaced(msg.text, n)]
    if thresholds:
        out.params["thresholds"] = list(dict.fromkeys(thresholds))
    return out


# "a target of 20 percent instead of 30": the number after "instead of" is the old value
_REPLACED_BEFORE = re.compile(r"\b(?:instead\s+of|rather\s+than|in\s+place\s+of|replacing"
                              r"|not)\s+(?:the\s+|that\s+|our\s+)?(?:old\s+|last\s+"
                              r"|previous\s+|earlier\s+)?$")


def _replaced(text: str, number: ex.NumberMention) -> bool:
    """Whether the number is the value a request replaces, not a new setting."""
    return bool(_REPLACED_BEFORE.search(text[:number.start]))


def _plan_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    assigned, free = ex.assign_numbers(msg.text, ex.PLAN_CUES, msg.numbers, PLAN_ACCEPTS)
    values: dict[str, Any] = {}
    for name, num in assigned.items():
        if num.percent and name in ("total_nets", "household_size"):
            continue  # "20% more nets": a change of a stock, never a stock or a household
        value: Any = num.number
        if name == "buffer":
            value = _buffer_value(num)
        values[name] = value
    if "total_nets" not in values:
        # "allocate 750000 with household size 5": a bare large number in a net request is
        # the stock (no household is that large); small bare numbers are left to a question
        big = [n for n in free if not n.percent and n.value >= 100 and n.is_whole
               and not ex.weak_quantity(n, msg.text)]
        if len(big) == 1:
            values["total_nets"] = big[0].number
    method = ex.find_method(msg.text)
    if method:
        values["method"] = method
    strategy = ex.find_strategy(msg.text)
    if strategy:
        values["strategy"] = strategy
    fill = ex.find_fill_rule(msg.text)
    if fill and "fill_population" not in values:
        values["fill_population"] = fill
    if "max_ward_share" in values and "strategy" not in values:
        values["strategy"] = "capped"
    spec = tool_spec("plan_itn")
    for name, value in values.items():
        problems = spec.param(name).problems(value)
        if problems:
            out.questions.append(f"I could not use {value} for {name.replace('_', ' ')}: "
                                 f"{problems[0].split(' ', 1)[1]}.")  # fmt: skip
        else:
            out.params[name] = value
    return out


def _fits(name: str) -> Callable[[ex.NumberMention], bool]:
    param = tool_spec("plan_itn").param(name)
    return lambda num: not param.problems(num.number)


# a number only goes to a parameter it can be: 500000 is no household size
PLAN_ACCEPTS = {name: _fits(name) for name in PLAN_PARAMS if name not in ("method", "strategy")}
_USUAL_HOUSEHOLD = ItnParams.option("household_size").usual_maximum
PLAN_ACCEPTS["household_size"] = lambda num: 0 < num.value <= _USUAL_HOUSEHOLD and not num.percent


def _buffer_value(num: ex.NumberMention) -> float | int:
    """ "10% buffer" and "buffer 0.1" mean a multiplier of 1.1; "buffer 1.1" already is one."""
    if num.percent or num.value >= 10:
        value = 1 + num.value / 100
    elif num.value < 1:
        value = 1 + num.value
    else:
        value = num.value
    value = round(value, 6)
    return int(value) if float(value).is_integer() else value


def _tpr_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    # what was done before, told ahead of the order, names the last run
    said = ex.without_told_done(ex.lower_text(msg.text))
    for param in ("age", "test", "facility_level"):
        value = ex.find_choice(param, said)
        both = re.search(r"\brdts?\b(?P<a>.*?)\bmicroscop\w*|\bmicroscop\w*(?P<b>.*?)\brdts?\b", said)
        between = both and (both.group("a") if both.group("a") is not None else both.group("b"))
        if value in ("rdt", "microscopy") and both and not re.search(
                r"\b(?:than|over|vs|versus|instead|rather|not|better|worse|more|less)\b",
                between or ""):
            # "now rdt only, and explain what microscopy changes": both tests named, one
            # of them only talked about; which one is asked, never guessed
            out.questions.append("You named RDT and microscopy: should the TPR use RDT only, "
                                 "microscopy only, or both?")
            continue
        if value:
            out.params[param] = value
    if "age" not in out.params and ex.age_left_out(said):
        out.questions.append(
            "The TPR is computed for one age group at a time: children under five, people "
            "aged five and over (pregnant women are counted apart), pregnant women, or all "
            "ages. Which one should it be?")
    return out


_EXPORT_KINDS = (
    ("itn_plan", r"\b(?:itn|net|distribution|allocation)\s+plan\b|" + NETS + r"|\ballocations?\b"
                 r"|\b(?:the\s+|my\s+|this\s+)?plan\b"),
    ("map", r"\bmaps?\b"),
    ("report", r"\breport\b|\bsummary\s+document\b"),
    # "the whole table with scores": every column plus the scores, not the ranking alone
    ("unified", r"\b(?:full|whole|entire|complete)\s+(?:dataset|data\s*set|data|table)\s+with"
                r"\s+(?:the\s+|all\s+(?:the\s+)?)?scores\b"),
    ("rankings", r"\brank(?:s|ings?|ed\s+list)\b|\branked\s+(?:ward\s+)?table\b|\bscores\b"
                 r"|\bpriority\s+list\b"),
    ("unified", r"\bunified\b|\bfull\s+(?:dataset|data|results|table)\b|\beverything\b"
                # "the full ward dataset", "the whole ward data"
                r"|\b(?:full|whole|entire|complete)\s+wards?\s+(?:dataset|data\s*set|data|table)\b"
                r"|\b(?:full|whole|entire|complete)\s+(?:cleaned|clean|merged|processed|final"
                r"|imputed)\s+(?:dataset|data\s*set|data|table)\b"
                r"|\b(?:cleaned|merged|processed|imputed)\s+(?:dataset|data\s*set|data|table)\b"
                r"|\ball\s+(?:the\s+)?results\b|\bwhole\s+dataset\b|\bgeoparquet\b|\bgeojson\b"
                # "send whole data as csv", "the entire data in excel"
                r"|\b(?:whole|entire|complete)\s+(?:the\s+)?data\b"),
    # "data as xlsx", "send the data in csv": the data itself, with its scores (no other
    # subject said)
    ("unified", r"^\W*(?:(?:ok(?:ay)?|oya|so|now|and|then|pls|please|abeg)\W+)*(?:(?:send|export"
                r"|download|give\s+me|save|share)\s+)?(?:(?:the|my|our|d|all\s+the)\s+)?data"
                r"(?:\s*set)?\s+(?:as|in|to)\s+(?:an?\s+)?(?:excel|xlsx?|csv|xcel|exel|xl)\b"),
)  # fmt: skip
_EXPORT_FORMATS = (
    ("xlsx", r"\bexcel\b|\bxlsx?\b|\bspreadsheet\b|\b(?:xcel|exel|excell|xl)\b"),
    ("geojson", r"\bgeojson\b|\bgeo\s+json\b"),
    ("geoparquet", r"\bgeoparquet\b|\bparquet\b"),
    ("png", r"\bpng\b|\bimage\b|\bpicture\b|\bphoto\b"),
    ("html", r"\bhtml\b|\bweb\s*page\b|\binteractive\b"),
    ("csv", r"\bcsv\b|\bcomma[- ]separated\b"),
)


# "excel, i mean csv", "csv not excel", "in csv, some of them don't have excel": of two formats
# named, the one meant
_FORMAT_SWAPPED = re.compile(r"\b(?:i\s+mean[t]?|rather|instead|actually|sorry|oops|make\s+(?:it"
                             r"|that)|no(?=\s*[,.!;:-]))\b")
_FORMAT_LACKED = re.compile(r"\b(?:not|don'?t|dont|doesn'?t|can'?t|cannot|no|never|without"
                            r"|instead\s+of|rather\s+than)\b[\w\s']{0,30}$")
# "as csv so we can open it in excel", "csv, to view with Excel": Excel named as the program
# the file is opened in, not the file's format
_OPENED_IN = re.compile(r"\b(?:open|view|read|load|edit|work\s+on|look\s+at)(?:ed|ing|s)?"
                        r"(?:\s+(?:it|them|this|that|the\s+(?:file|table|rankings?)))?"
                        r"(?:\s+(?:in|with|on|using|from))\s+(?:ms\s+|microsoft\s+)?$")


_WARD_TABLE = re.compile(r"\b(?:ward\s+)?(?:table|data\s*set|data|layer|shapes?|boundaries)\s+"
                         r"with\s+(?:the\s+|all\s+(?:the\s+)?|their\s+|its\s+)?(?:scores|ranks"
                         r"|rankings?)\b|\b(?:scores|ranks|rankings?)\s+(?:with|and|plus)\s+"
                         r"(?:the\s+)?(?:ward\s+)?(?:shapes?|boundaries|geometry|polygons)\b")


def _format_meant(text: str) -> str | None:
    """The file format a message asks for: the one it names, or of two, the one left when
    the other is taken back ("excel, i mean csv") or said to be lacking ("csv, they don't
    have excel"); the first in the table's order otherwise."""
    found = sorted((m.start(), fmt) for fmt, pattern in _EXPORT_FORMATS
                   for m in re.finditer(pattern, text))
    kinds = list(dict.fromkeys(f for _, f in found))
    if len(kinds) == 2:
        (a_at, a), (b_at, b) = found[0], next(x for x in found if x[1] != found[0][1])
        if b == "xlsx" and _OPENED_IN.search(text[:b_at]):
            return a  # "as csv so we can open it in excel"
        if _FORMAT_LACKED.search(text[:b_at]) and not _FORMAT_LACKED.search(text[:a_at]) and \
                not _FORMAT_SWAPPED.search(text[a_at:b_at]):
            return a  # "csv as well, some of them don't have excel"
        if _FORMAT_SWAPPED.search(text[a_at:b_at]) or _FORMAT_LACKED.search(text[:a_at]):
            return b  # "excel, i mean csv", "not excel but csv"
    return next((fmt for fmt, _ in _EXPORT_FORMATS if fmt in kinds), None)


def _export_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    for kind, pattern in _EXPORT_KINDS:
        if re.search(pattern, msg.text):
            out.params["what"] = kind
            break
    fmt_said = _format_meant(msg.text)
    if fmt_said:
        out.params["format"] = fmt_said
    if "what" not in out.params and "format" in out.params:
        kinds = [
            k for k, formats in EXPORT_FORMATS_BY_KIND.items() if out.params["format"] in formats
        ]
        if len(kinds) == 1:
            out.params["what"] = kinds[0]
        elif "unified" not in kinds:
            # "export as html": the report or a map? ask rather than pick one
            out.missing.append("what")
            out.questions.append(
                f"Which result do you want as {out.params['format'].upper()}: "
                f"{' or '.join(k.replace('_', ' ') for k in kinds)}?"
            )
    what, fmt = out.params.get("what"), out.params.get("format")
    if what == "rankings" and fmt and fmt not in EXPORT_FORMATS_BY_KIND[what] and \
            fmt in EXPORT_FORMATS_BY_KIND["unified"] and _WARD_TABLE.search(msg.text):
        # "the ward table with the scores as geojson": the ward table that holds the scores
        # and the ward shapes is the whole dataset (the ranking alone has no shapes)
        out.params["what"] = what = "unified"
    if what and fmt and fmt not in EXPORT_FORMATS_BY_KIND[what]:
        allowed = ", ".join(EXPORT_FORMATS_BY_KIND[what])
        out.questions.append(f"The {what.replace('_', ' ')} can be exported as {allowed}; "
                             f"which format do you want?")  # fmt: skip
        del out.params["format"]
    return out


_MAP_KINDS = (
    ("consensus", r"\bconsensus\b|\bagreed\s+categor\w*"
                  # "map where the two methods agree or disagree"
                  r"|\b(?:methods|rankings)\s+(?:both\s+)?(?:agree|disagree)\b"
                  r"|\bagree(?:s|ment)?\s+(?:or|and)\s+disagree\w*"),
    ("itn", NETS + r"|\b(?:itn|net|distribution|allocation)\s+plan\b|\ballocation\b"
            r"|(?<!per\s)\bnet\s+(?:map|coverage)\b"),  # "show me the net map"
    ("category", r"\bcategor\w*|\bhigh\s*,?\s*medium\b|\bclasses\b"),
    (
        "urban",
        r"\burban\s+(?:wards|areas|flags?|threshold|status|classification)\b|\burban\b(?!\s+"
        r"(?:percent(?:age)?|share))|\bde-?prioriti\w*|\bre-?prioriti\w*",
    ),
    ("pca", r"\bpca\b|\bprincipal\b"),
    ("composite", r"\bcomposite\b|\bvulnerabilit\w*|\brisk\s+(?:scores?|map|ranking)\b"),
)


def _map_params(msg: Message, ctx: RouterContext) -> Extraction:
    out = Extraction()
    what = None
    # "map the nets per capita" is a variable, not the net plan: read the kind of map
    # from the words that are not a variable's name
    text = msg.text
    for m in msg.variables:
        if m.column and m.query.lower().strip() != "urban":
            text = text.replace(m.query.lower(), " ")
    for kind, pattern in _MAP_KINDS:
        if re.search(pattern, text):
            what = kind
            break
    from chatmrpt.chat import exports

    if what is None and exports.plan_on_map(text, variable_named=any(
            m.column and m.query.lower().strip() != "urban" for m in msg.variables)):
        what = "itn"  # "map of the plan", "the plan on the map", "the coverage map"
    if what is None and not msg.variables:
        column = exports.group_map_variable(text, ctx.variables)
        if column is not None:  # "the vegetation map": the table's one vegetation column
            out.params.update(what="variable", variable=column)
            return out
    if exports.urban_map_named(msg.text):
        what = "urban"  # "the urban percentage map": the urban wards map
    # a bare "urban" names the urban map, not the urban-share variable
    variables = [m for m in msg.variables if m.column and m.query.lower().strip() != "urban"]
    if what in (None, "composite") and variables:
        what = "variable"
    if what == "variable" or (what is None and variables):
        out.params["what"] = "variable"
        out.params["variable"] = variables[0].column
    elif what:
        out.params["what"] = what
    if what == "urban":
        for num in msg.numbers:
            if 0 <= num.value <= 100:
                out.params["threshold"] = num.number
                break
    return out


def _no_params(msg: Message, ctx: RouterContext) -> Extraction:
    return Extraction()


EXTRACTORS: dict[str, Callable[[Message, RouterContext], Extraction]] = {
    "describe_data": _no_params,
    "run_analysis": _analysis_params,
    "show_map": _map_params,
    "top_wards": _top_params,
    "explain_ward": _ward_params,
    "compare_methods": _no_params,
    "explain_methodology": _topic_params,
    "reprioritize_urban": _urban_params,
    "plan_itn": _plan_params,
    "what_if_plan": _plan_params,
    "compute_tpr": _tpr_params,
    "export_results": _export_params,
    "session_status": _no_params,
    "help": _no_params,
}

QUESTIONS = {
    "total_nets": "How many nets are available for the campaign?",
    "household_size": "What is the average household size (people per household) in this area?",
    "both_plan": (
        "How many nets are available, and what is the average household size "
        "(people per household)? I need both to plan the distribution."
    ),  # fmt: skip
}


# --- routing ------------------------------------------------------------------------------


def route(text: str, context: RouterContext | None = None) -> Route:
    """Read one message and choose the tool and parameters (see the module docstring)."""
    ctx = context or RouterContext()
    msg = Message.read(str(text or ""), ctx)
    if not msg.text.strip():
        return Route(None, clarification=_unknown_question(ctx), intent="empty")
    scores = {i.tool: i.score(msg, ctx) for i in INTENTS}
    best = _best(scores)

    answer = _answer_to_question(msg, ctx, scores)
    if answer is not None:
        return answer

    if ctx.last_tool and (FOLLOW_UP.search(msg.text) or scores[best] < ACCEPT):
        follow = _follow_up(msg, ctx, scores, best)
        if follow is not None:
            return follow

    if scores[best] < ACCEPT:
        return _small_talk(msg, ctx)
    return _build(best, msg, ctx, scores, intent=best)


def _best(scores: Mapping[str, float]) -> str:
    return max(scores, key=lambda t: (scores[t], -_INTENT_ORDER[t]))


def _confidence(scores: Mapping[str, float], tool: str) -> float:
    ordered = sorted(scores.values(), reverse=True)
    top = scores[tool]
    runner_up = ordered[1] if len(ordered) > 1 and ordered[0] == top else ordered[0]
    strength = min(1.0, top / 5.0)
    margin = (top - runner_up) / top if top > 0 else 0.0
    return round(max(0.05, min(1.0, 0.5 * strength + 0.5 * max(0.0, margin) + 0.1)), 3)


def _build(tool: str, msg: Message, ctx: RouterContext, scores: Mapping[str, float], *,
           intent: str, base: Mapping[str, Any] | None = None,
           confidence: float | None = None) -> Route:  # fmt: skip
    """The route for ``tool``: its parameters from the message (over ``base``), checks, questions."""
    if tool in PLAN_TOOLS:
        if base is None and ctx.last_tool in PLAN_TOOLS and ctx.last_missing:
            base = ctx.last_params  # still answering the question about the plan
        return _plan_route(msg, ctx, scores, intent=intent, base=base, confidence=confidence)
    found = EXTRACTORS[tool](msg, ctx)
    params = {**(base or {}), **found.params}
    if tool == "explain_methodology":
        params.setdefault("topic", "general")
    if tool == "show_map":
        params = _carry_into_map(params, msg, ctx)
    if tool == "export_results":
        params = _carry_into_export(params, msg, ctx)
    return _finish(tool, params, found, ctx, intent,
                   confidence if confidence is not None else _confidence(scores, tool))  # fmt: skip


def _finish(tool: str, params: dict[str, Any], found: Extraction, ctx: RouterContext,
            intent: str, confidence: float) -> Route:  # fmt: skip
    spec = tool_spec(tool)
    missing = list(dict.fromkeys(found.missing + [r for r in spec.required if r not in params]))
    questions = list(found.questions)
    if tool in PLAN_TOOLS:
        questions = questions + _plan_questions(missing)
    clarification = " ".join(questions) or None
    params = {k: v for k, v in params.items() if k in spec.param_names}
    unmet = tuple(r for r in spec.requires if r not in ctx.met())
    return Route(tool, params, tuple(missing), clarification, confidence, intent,
                 found.candidates, unmet)  # fmt: skip


def _plan_questions(missing: Sequence[str]) -> list[str]:
    if "total_nets" in missing and "household_size" in missing:
        return [QUESTIONS["both_plan"]]
    return [QUESTIONS[m] for m in missing if m in QUESTIONS]


def _plan_route(msg: Message, ctx: RouterContext, scores: Mapping[str, float], *, intent: str,
                base: Mapping[str, Any] | None, confidence: float | None) -> Route:  # fmt: skip
    """plan_itn, or what_if_plan when there is a last plan and the message changes it.

    A message that gives both the stock and the household size, without words of change,
    is a new plan; anything less, after a plan, is read as a change to it ("now with 500k
    nets", "same but household size 6").
    """
    found = _plan_params(msg, ctx)
    conf = confidence if confidence is not None else _confidence(scores, "plan_itn")
    params = {**(base or {}), **found.params}
    if ctx.last_plan is None:
        return _finish("plan_itn", params, found, ctx, intent, conf)
    complete = "total_nets" in params and "household_size" in params
    wants_change = bool(FOLLOW_UP.search(msg.text) or CHANGE_WORDS.search(msg.text))
    if complete and not wants_change:
        return _finish("plan_itn", params, found, ctx, intent, conf)
    if not found.params:
        found.questions.append(
            "What should change in the plan: the number of nets, the household size, the "
            "urban threshold, the ranking method or the strategy?"
        )
    return _finish("what_if_plan", dict(found.params), found, ctx, intent, conf)


def _carry_into_map(params: dict[str, Any], msg: Message, ctx: RouterContext) -> dict[str, Any]:
    """ "map it" after a list, a plan or a reprioritisation maps what was just shown."""
    if "what" in params or not ctx.last_tool or not REFERS_BACK.search(msg.text):
        return params
    last = ctx.last_params
    if ctx.last_tool in PLAN_TOOLS:
        return {**params, "what": "itn"}
    if ctx.last_tool == "reprioritize_urban":
        out = {**params, "what": "urban"}
        thresholds = last.get("thresholds") or []
        if len(thresholds) == 1:
            out["threshold"] = thresholds[0]
        return out
    if last.get("method") == "pca":
        return {**params, "what": "pca"}
    return params


def _carry_into_export(params: dict[str, Any], msg: Message, ctx: RouterContext) -> dict[str, Any]:
    if "what" in params or not ctx.last_tool or not REFERS_BACK.search(msg.text):
        return params
    kind = {"plan_itn": "itn_plan", "what_if_plan": "itn_plan", "top_wards": "rankings",
            "show_map": "map"}.get(ctx.last_tool)  # fmt: skip
    if kind is None:
        return params
    out = {**params, "what": kind}
    if "format" in out and out["format"] not in EXPORT_FORMATS_BY_KIND[kind]:
        del out["format"]
    return out


def _answer_to_question(
    msg: Message, ctx: RouterContext, scores: Mapping[str, float]
) -> Route | None:
    """The reply to a question the router asked: "5" for the household size, "Zaria" for an LGA."""
    if not ctx.last_missing or not ctx.last_tool:
        return None
    best = _best(scores)
    other = scores[best] >= 3 and best != ctx.last_tool and not (
        best in PLAN_TOOLS and ctx.last_tool in PLAN_TOOLS)  # fmt: skip
    if ctx.last_tool in PLAN_TOOLS:
        if other:
            return None
        return _answer_plan(msg, ctx)
    if ctx.last_tool == "explain_ward":
        if other and msg.ward is None:
            return None
        return _answer_ward(msg, ctx)
    if ctx.last_tool == "export_results" and "what" in ctx.last_missing:
        found = _export_params(msg, ctx)
        if "what" not in found.params:
            return None
        params = {**ctx.last_params, **found.params}
        return _finish("export_results", params, Extraction(), ctx, "answer", 0.9)
    return None


def _answer_plan(msg: Message, ctx: RouterContext) -> Route | None:
    missing = [m for m in ctx.last_missing if m in ("total_nets", "household_size")]
    if not missing:
        return None
    found = _plan_params(msg, ctx)
    cued, _ = ex.assign_numbers(msg.text, ex.PLAN_CUES, msg.numbers, PLAN_ACCEPTS)
    # the bare-number reading of _plan_params is for fresh requests; here a bare number
    # answers the question that was asked
    filled = {k: v for k, v in found.params.items() if k != "total_nets" or "total_nets" in cued}
    uncued = [n for n in msg.numbers
              if not n.percent and all(n is not c for c in cued.values())]  # fmt: skip
    spec = tool_spec("plan_itn")
    if len(missing) == 2 and "total_nets" not in filled and "household_size" not in filled:
        if len(uncued) == 2:
            # "500000 and 5": the stock and the household size (no household holds 100 people)
            big, small = sorted(uncued, key=lambda n: n.value, reverse=True)
            if small.value <= 30 and big.value >= 100 and big.is_whole:
                filled.update(total_nets=big.number, household_size=small.number)
        elif len(uncued) == 1 and uncued[0].value >= 100 and uncued[0].is_whole:
            filled["total_nets"] = uncued[0].number
    elif (len(missing) == 1 and missing[0] not in filled and len(uncued) == 1
          and not spec.param(missing[0]).problems(uncued[0].number)
          and not (missing[0] == "total_nets" and _too_few_nets(uncued[0], ctx))):  # fmt: skip
        filled[missing[0]] = uncued[0].number
    elif len(missing) == 2 and len(uncued) == 1 and not uncued[0].percent:
        # "350k, hh 5": one value named, the other bare; the bare one takes the place left
        # when it fits there only ("5" is no net stock, 350000 no household size)
        left = [m for m in missing if m not in filled]
        n = uncued[0]
        fits = n.value >= 100 and n.is_whole if left == ["total_nets"] else \
            bool(left) and PLAN_ACCEPTS["household_size"](n) and n.value < 100
        if len(left) == 1 and fits and not spec.param(left[0]).problems(n.number):
            filled[left[0]] = n.number
    if missing == ["household_size"] and not filled and len(uncued) == 1 and \
            uncued[0].is_whole and uncued[0].value >= 1000 and \
            isinstance(ctx.last_params.get("total_nets"), int | float):
        # "make am 350k" while the household size is asked: the stock is changed, and the
        # household size is still asked for
        filled["total_nets"] = uncued[0].number
    elif missing == ["household_size"] and "household_size" in filled and \
            "total_nets" not in filled and len(uncued) == 1 and uncued[0].is_whole and \
            uncued[0].value >= 1000 and not ex.weak_quantity(uncued[0], msg.text) and \
            isinstance(ctx.last_params.get("total_nets"), int | float):
        # "four hundred thousand. household size five" to the household size asked after
        # "plan for hundred thousand nets": the stock said again, corrected, with the answer
        filled["total_nets"] = uncued[0].number
    base = dict(ctx.last_params)
    if not filled:
        if not uncued:
            return None
        # a number that could be either answer: ask rather than guess
        value = uncued[0].number
        found.questions.append(
            f"Is {value} the number of nets or the household size? Please say, for example, "
            f'"{value} nets" or "household size {value}".'
        )
        return _finish(ctx.last_tool, base, found, ctx, "answer", 0.4)
    return _finish(ctx.last_tool, {**base, **filled}, found, ctx, "answer", 0.9)


def _too_few_nets(num: ex.NumberMention, ctx: RouterContext) -> bool:
    """ "6 then." when the number of nets is asked: fewer nets than wards (or than a hundred)
    is no campaign's stock; more likely a household size said again. Asked, not planned."""
    return num.value < max(100, len(ctx.wards or ()))


def _answer_ward(msg: Message, ctx: RouterContext) -> Route | None:
    candidates = ctx.last_candidates
    if not candidates:
        return None
    base = dict(ctx.last_params)
    if "lga" in ctx.last_missing:
        lgas = ex.find_lgas(msg.raw, candidates)
        if len(lgas) == 1:
            return _finish(
                "explain_ward", {**base, "lga": lgas[0]}, Extraction(), ctx, "answer", 0.9
            )
        return None
    match = ex.find_ward(msg.raw, candidates)
    if match is None or len(match.names) != 1:
        chosen = _pick_by_difference(msg, candidates)
        match = ex.WardMatch(msg.raw, (chosen,), 100.0, 0, 0) if chosen else None
    if match is None:
        return None
    params = {"ward": match.names[0]}
    found = Extraction()
    if len(match.candidates) == 1 and _same_name_elsewhere(
        match.names[0], match.candidates[0], ctx
    ):
        params["lga"] = match.candidates[0].lga
    return _finish("explain_ward", params, found, ctx, "answer", 0.9)


def _pick_by_difference(msg: Message, candidates: Sequence[WardRef]) -> WardRef | None:
    """The candidate named by what sets it apart: "the west one", "3", "number five"."""
    words = set(re.findall(r"[a-z0-9]+", msg.text))
    words |= {str(n.number) for n in msg.numbers}
    token_sets = [set(ex.ward_tokens(c.name)) for c in candidates]
    shared = set.intersection(*token_sets) if token_sets else set()
    hits = [c for c, tokens in zip(candidates, token_sets, strict=True)
            if tokens - shared and (tokens - shared) <= words]  # fmt: skip
    names = {c.name for c in hits}
    return hits[0] if len(names) == 1 and len(hits) == 1 else None


def _follow_up(
    msg: Message, ctx: RouterContext, scores: Mapping[str, float], best: str
) -> Route | None:
    """A short message that changes the previous request, or names a new explicit one."""
    last = ctx.last_tool
    family = PLAN_TOOLS if last in PLAN_TOOLS else (last,)
    explicit = scores[best] >= ACCEPT and best not in family
    if explicit:
        if best == "explain_ward" or not _has_params_for(last, msg, ctx):
            return None
        # a parameter of the last tool and an explicit new request: the new request wins
        # unless the last tool's own words are stronger
        if scores[best] >= scores.get(last, 0.0) + 1:
            return None
    if last == "show_map" and NAMES_PLAN.search(msg.text) and not re.search(r"\bmaps?\b",
                                                                             msg.text):
        return None  # "redo plan urban 50" after the urban map: the plan's setting, no map
    found = EXTRACTORS[last](msg, ctx)
    if last == "explain_ward":
        if msg.ward is not None:
            return _build("explain_ward", msg, ctx, scores, intent="follow_up", confidence=0.75)
        # "and in Zaria?": the same ward name, in another LGA
        same_name = [w for w in ctx.wards if w.name == ctx.last_params.get("ward")]
        lgas = ex.find_lgas(msg.raw, same_name) if len(same_name) > 1 else ()
        if len(lgas) != 1:
            return None
        params = {"ward": same_name[0].name, "lga": lgas[0]}
        return _finish("explain_ward", params, Extraction(), ctx, "follow_up", 0.75)
    if last in PLAN_TOOLS:
        if not found.params:
            return None
        return _plan_route(msg, ctx, scores, intent="follow_up",
                           base=None if ctx.last_plan is not None else ctx.last_params,
                           confidence=0.75)  # fmt: skip
    if not found.params:
        return None
    base = {k: v for k, v in ctx.last_params.items() if k in tool_spec(last).param_names}
    if "n" in found.params or "order" in found.params:
        base.pop("start", None)  # "top 5 by PCA" after "the next five": from the top again
    return _build(last, msg, ctx, scores, intent="follow_up", base=base, confidence=0.75)


NAMES_PLAN = re.compile(r"\b(?:re-?)?plan\b|\bnets?\b|\bitns?\b|\bllins?\b")


def _has_params_for(tool: str | None, msg: Message, ctx: RouterContext) -> bool:
    return tool is not None and bool(EXTRACTORS[tool](msg, ctx).params)


def _small_talk(msg: Message, ctx: RouterContext) -> Route:
    if GREETING.search(msg.text):
        return Route("help", {}, confidence=0.6, intent="greeting",
                     unmet=())  # fmt: skip
    if THANKS.search(msg.text):
        return Route(None, intent="thanks", confidence=0.6,
                     reply="You're welcome. Ask me for a map, the top wards, a net plan or a file "
                           "whenever you are ready.")  # fmt: skip
    if BYE.search(msg.text):
        return Route(None, intent="bye", confidence=0.6,
                     reply="Goodbye. Your data and results stay in this session.")  # fmt: skip
    return Route(None, clarification=_unknown_question(ctx), intent="unknown")


def _unknown_question(ctx: RouterContext) -> str:
    if not ctx.has_dataset:
        first = "Upload a ward table (CSV or Excel, with boundaries if you have them), then"
    elif not ctx.analysis_ready:
        first = 'You can say "run the analysis", or'
    else:
        first = 'You can ask for "the top 10 wards", "a map of the composite score", or'
    return (
        f'I did not understand that. {first} ask for example "plan 2 million nets, '
        'household size 5", "why is <ward> ranked high?" or "help".'
    )
