"""A question about adding a variable to the analysis ("should I add nets per capita to the
analysis?", "what would happen to the ranking if I added ndvi?"): nothing is run; the
analysis with that variable added is offered as a one-tap choice, so that "ok do am" next
runs it. A request to add it ("add ndvi") is read elsewhere and runs."""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.guards import reads_as_question
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.state import Decision, Facts, leave_it, steps_choice

ADD_WORD = re.compile(r"\b(?:add|added|adding|include|included|including|put\s+in|bring\s+in"
                      r"|throw\s+in)\b")
ASKS = re.compile(r"^\s*(?:(?:so|and|ok(?:ay)?|hmm+|but)[\s,]+)*(?:should|shall|would|could|can"
                  r"|do|does|is|will|what|how|wetin|if)\b")
# a change of another kind said with it: left to the other readings
OTHER = re.compile(r"\b(?:drop\w*|remov\w*|without|except|instead|replac\w*|swap\w*|plan"
                   r"|map|export|download|save|invers\w*|direction)\b")


def offered(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """The offer to add the variables a question names to the last analysis, or None."""
    used = list(facts.analysis_variables)
    if not used or not ctx.analysis_ready or not ctx.variables:
        return None
    low = ex.lower_text(text)
    if not ADD_WORD.search(low) or OTHER.search(low):
        return None
    if not ("?" in low or reads_as_question(text) or ASKS.match(low)):
        return None
    mentions = ex.find_variables(text, ctx.variables)
    if not mentions or any(m.column is None for m in mentions):
        return None
    new = [c for c in dict.fromkeys(m.column for m in mentions if m.column) if c not in used]
    if not new:
        return None
    from chatmrpt.chat import dialogue as dlg
    from chatmrpt.chat import variable_talk as vt

    variables = [*used, *new]
    added = dlg._join(new)
    step = vt._step(variables, facts, vt._new_list_echo(variables, f"added {added}"), text)
    choices = [steps_choice(f"Add {dlg._join([vt.plain_name(c) for c in new])}", [step]),
               leave_it()]
    return Decision(
        text=(f"{added} {'is' if len(new) == 1 else 'are'} not in the analysis, which uses "
              f"{dlg._join(used)}. Adding {'it' if len(new) == 1 else 'them'} re-ranks the "
              f"wards with {len(variables)} variables, and the ranking can change. I have not "
              "run it: shall I?"),
        choices=choices, pending={"expects": "choice", "choices": choices},
        reading={"variables": "offered"})


def in_place_of(decision: Decision, text: str, ctx: RouterContext, facts: Facts) -> Decision:
    """The offer, in place of a reading that did nothing with the message: not understood,
    or a plan question with no value read ("nets per capita" taken for the nets)."""
    if decision.steps or decision.unmet:
        return decision
    pending = decision.pending
    if pending is not None and not (pending.get("expects") == "plan_numbers"
                                    and not pending.get("params")):
        return decision
    return offered(text, ctx, facts) or decision
