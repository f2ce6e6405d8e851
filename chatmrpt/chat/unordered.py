"""Messages that talk about a change without ordering it.

- A doubt or a request for advice, with no order beside it ("maybe rank with only tpr and
  housing? not sure, what do you think", "hmm maybe 500k would be better... make I call oga
  first"): the user is still deciding.
- What someone else said or thinks ("my supervisor said microscopy is more reliable than
  RDT", "the director feels 500k is too few"): an opinion reported, not an order.
- A condition still to be checked, or a question to answer first ("if primary facilities are
  the majority I'd want primary only, but first tell me which facility levels the file has").

Such a message changes nothing: the change it names is offered as a one-tap choice. An order
said in the same message ("..., so run it with microscopy", "not sure, but go ahead") is
still carried out.
"""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.state import Decision, leave_it, steps_choice

# the requests that change what the session holds
CHANGES = ("plan_itn", "what_if_plan", "run_analysis", "reprioritize_urban", "compute_tpr",
           "add_covariates")  # fmt: skip

_LEAD = (r"(?:(?:ok(?:ay)?|so|now|then|and|alright|yes|yeah|yep|ya|sure|fine|actually|hmm+|well"
         r"|pls|please|plz|abeg|oya|good|great|cool|right|but|in\s+that\s+case|anyway|just"
         r"|kindly|instead|rather|ehn|o)[\s,.!]+)*")
# a clause that orders: it starts with a verb of doing ("run it", "make am 500k", "go ahead");
# pidgin "make I call oga" (let me call) and "make we wait" (let us wait) do not
_ORDER_VERB = (r"(?:run|re-?run|redo|re-?do|plan|re-?plan|rank|re-?rank|compute|calculate|do"
               r"|make(?!\s+(?:i|we|me|us|una)\b)|use|set|change|switch|apply|go\s+ahead|go\s+with"
               r"|proceed|try|put|add|remove|drop|include|exclude|reprioriti[sz]e|deprioriti[sz]e"
               r"|update|start|carry\s+on|continue|let'?s|let\s+us|i\s+want|we\s+want|i\s+need"
               # "The email also says '... by PCA'. Please follow it", "implement that line":
               # do what the reported words say
               r"|follow(?![\s-]*up\b)|implement|adopt|action(?=\s+(?:it|that|this|am)\b)"
               r"|we\s+need|give\s+me|show\s+me)")
_ORDER_CLAUSE = re.compile(r"^\s*" + _LEAD + _ORDER_VERB + r"\b")
# said anywhere, these ask for the change all the same
_ORDER_ANYWHERE = re.compile(r"\b(?:go\s+ahead|do\s+it|run\s+(?:it|am)\s+anyway|anyway"
                             r"|all\s+the\s+same|for\s+now)\b")
_CLAUSE_SPLIT = re.compile(r"\.{2,}|[.;!?,:]+\s*|\s+but\s+|\s+-+\s+")

# a doubt, or a request for advice
_DOUBT = re.compile(
    r"\bnot\s+(?:too\s+|so\s+|very\s+|fully\s+)?sure\b|\bunsure\b|\bundecided\b"
    r"|\b(?:what|wetin|wat)\s+(?:do\s+|would\s+)?(?:you|u|ya)\s+(?:think|tink|reckon|suggest"
    r"|advise|recommend|say)\b"
    r"|\b(?:your|ur)\s+(?:view|opinion|advice|thoughts?|take|recommendation)\b"
    r"|\b(?:do|would|will)\s+(?:you|u)\s+(?:think|suggest|recommend|advise)\b"
    r"|\bany\s+(?:advice|suggestions?|thoughts?)\b"
    r"|\b(?:would|will|might)\s+(?:it\s+|that\s+|this\s+)?be\s+(?:better|wiser|best|safer)\b"
    r"|\b(?:is|was)\s+(?:it|that|this)\s+(?:better|wiser|a\s+good\s+idea)\b"
    # "make I call oga first", "let me check with my boss first": the decision waits on
    # someone else
    r"|\b(?:make\s+i|let\s+me|i\s+(?:will|'ll|need\s+to|have\s+to|must|go|wan|want\s+to)"
    r"|we\s+(?:will|'ll|need\s+to|have\s+to|must))\s+(?:first\s+)?(?:call|ask|check\s+with"
    r"|confirm\s+with|talk\s+(?:to|with)|consult|speak\s+(?:to|with)|clear\s+(?:it|this|that)"
    r"\s+with|run\s+(?:it|this|that)\s+(?:by|past)|hear\s+from|discuss)\b"
    r"|\bi'?m\s+(?:thinking\s+(?:of|about)|considering|torn|in\s+two\s+minds)\b")
_TENTATIVE = re.compile(r"^\s*" + _LEAD + r"(?:maybe|perhaps|possibly|probably)\b")

# what someone else said or thinks: "my supervisor said ...", "oga says ...", "according to
# the director ..."; the user's own words ("I said 500k") and the assistant's ("you said")
# are not reported
_SPEAKER = (r"(?:(?:my|our|the|his|her|their|d|one|a)\s+(?:[\w&'-]+\s+){0,2}?[\w&'-]+"
            r"|oga|he|she|they|someone|somebody|people|everyone|everybody|nmep|who|him|them)")
_REPORTED = re.compile(
    r"(?:^|[\s,.;:!?])" + _SPEAKER + r"\s+(?:(?:also|always|just|once|even|really)\s+)?"
    r"(?:said|says|say|told|tells|thinks|think|believes|believe|feels|felt|mentioned"
    r"|mentions|suggested|suggests|recommended|recommends|insists|insisted|claims|claimed"
    r"|prefers|preferred|reckons|argued|argues|wrote|noted|keeps\s+saying|dey\s+talk"
    r"|talk\s+say|tok\s+say)\b"
    r"|\baccording\s+to\b|\bi\s+(?:was|have\s+been|been|got)\s+told\b|\bi\s+heard\b")
_NOT_REPORTED = re.compile(r"\b(?:i|we|you|u)\s+(?:(?:also|just|already)\s+)?(?:said|say|says"
                           r"|told|think|believe|feel|mentioned|suggested)\b")

# a condition still to be checked with a wish for then ("if primary facilities are the
# majority I'd want primary only"), or a question to be answered first ("..., but first tell
# me which facility levels the file has")
_CONDITION = re.compile(r"^\s*" + _LEAD + r"(?:if|in\s+case|assuming|provided(?:\s+that)?)\s+"
                        r"(?!(?:possible|you\s+can|u\s+can|needed|necessary|so|not|it'?s\s+ok"
                        r"|that'?s\s+ok)\b)")
_WISH_THEN = re.compile(r"\b(?:i'?d|i\s+would|we'?d|we\s+would|i\s+will|we\s+will|i'?ll|we'?ll)"
                        r"\s+(?:(?:probably|rather|then|also|just)\s+)?(?:want|like|prefer|use|go"
                        r"|rather|choose|pick|run|do|need|switch|change|keep|take)\b")
_FIRST_ASK = re.compile(
    r"\b(?:but\s+)?(?:first|before\s+(?:that|then|you\s+(?:do|run|change|start)\w*|anything"
    r"|running|doing|changing))[\s,]+(?:(?:can|could|would)\s+(?:you|u)\s+)?(?:please\s+|pls\s+)?"
    r"(?:tell|show|check|let\s+me\s+know|give|list|confirm|say|explain|what|which|how|is|are"
    r"|does|do)\b"
    r"|\b(?:tell|show|let)\s+me\s+(?:know\s+)?(?:\w+\s+){0,6}?first\b")


def _clauses(low: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(low) if c and c.strip()]


def orders(low: str) -> bool:
    """Some clause of the message orders something ("ok run it", "so plan with 500k")."""
    if _ORDER_ANYWHERE.search(low):
        return True
    return any(_ORDER_CLAUSE.match(c) for c in _clauses(low))


def reason(text: str) -> str | None:
    """Why the message, naming a change, does not order it: "doubt", "reported", "condition"
    or "first"; None when it may be an order."""
    low = ex.lower_text(text)
    if _CONDITION.match(low) and _FIRST_ASK.search(low):
        return "first"
    if _CONDITION.match(low) and _WISH_THEN.search(low):
        return "condition"
    if orders(low):
        return None
    if _DOUBT.search(low):
        return "doubt"
    if _REPORTED.search(low) and not _NOT_REPORTED.search(low):
        return "reported"
    if _TENTATIVE.match(low) and "?" in low:
        return "doubt"  # "maybe rank with only tpr and housing?": a thought, asked about
    return None


# "hmm not sure. leave it": the change is turned down, not offered
_LEFT = re.compile(r"\b(?:leave\s+(?:it|that|this|am)|forget\s+(?:it|that|about\s+it)|never\s*mind"
                   r"|skip\s+(?:it|that)|no\s+change|keep\s+(?:it|things)\s+as\s+(?:is|it\s+is)"
                   r"|don'?t\s+bother|cancel|scrap\s+(?:it|that))\b")


def turned_down(low: str) -> bool:
    """The message turns the change it names down ("not sure. leave it")."""
    return bool(_LEFT.search(low))


_WHY = {
    "doubt": "Your message sounds undecided, so I have not changed anything.",
    "reported": "You told me what someone said, not asked me to change anything, so I have not "
                "changed anything.",
    "condition": "Your message depends on something not checked yet, so I have not changed "
                 "anything.",
    "first": "You asked a question first, so I have not changed anything yet.",
}


def held(decision: Decision, text: str) -> Decision:
    """The decision, or, when it would change something for a message that does not order
    it, nothing done and the change offered as a one-tap choice."""
    from chatmrpt.chat.guards import describe_step

    steps = [s for s in decision.steps if s.tool in CHANGES]
    if not steps or decision.reading.get("answered") or decision.reading.get("hedged"):
        return decision
    why = reason(text)
    if why is None or _LEFT.search(ex.lower_text(text)):
        return decision
    rest = [s for s in decision.steps if s.tool not in CHANGES]
    label = "; ".join(describe_step(s) for s in steps)
    choices = [steps_choice(label, steps), leave_it()]
    said = (f"{_WHY[why]} If you want it: {label}. Say \"go ahead\" or tap the choice; "
            "nothing is changed until you say so.")
    return Decision(steps=rest, text=None if rest else said, not_done=[said] if rest else [],
                    notes=list(decision.notes) if rest else [], choices=choices,
                    pending={"expects": "choice", "choices": choices, "offered": True,
                             "tool": steps[-1].tool},
                    reading={**decision.reading, "unordered": why,
                             "gated": [s.tool for s in steps]})
