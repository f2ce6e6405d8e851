"""Questions the data answers by itself: counts of wards and single-ward lookups.

A person asked "how many wards do we have?" looks at the table and says the number; asked
"how many wards does Lida have?" counts Lida's rows; asked "how many high?" after an
analysis counts the High category; asked "what rank did Zango get?" looks Zango up. None of
these changes anything, and none of them is a request for a plan, a list of LGAs or an
analysis. The rules here read such questions before the other readings so that words like
"get" ("what rank did X get") or "data" ("how many wards in this data") do not send them
elsewhere. Anything with another reading (a plan, an urban threshold, missing values, a
comparison with a number, the wards just listed) is left to the other readers.
"""

from __future__ import annotations

import re

from chatmrpt.chat import extract as ex
from chatmrpt.chat.router import RouterContext
from chatmrpt.chat.slots import CATEGORY, find_lga
from chatmrpt.chat.state import Decision, DialogueState, Facts, Step

HOW_MANY = re.compile(r"\b(?:how|hw|hoe|haw)\s+many\b|\bnumber\s+of\b|\bcount\s+(?:of\s+)?"
                      r"(?:the\s+)?wards\b")
# words that give a count another subject than the rows of the table
OTHER_SUBJECT = re.compile(
    r"\bnets?\b|\bitns?\b|\bllins?\b|\bplan\w*|\bcover\w*|\ballocat\w*|\bdistribut\w*|\bneed\w*"
    r"|\burban\w*|\bthreshold\b|\bselect\w*|\bflag\w*|\bpick\w*|\btier\b|\breprioriti\w*"
    r"|\bmiss\w*|\bwithout\b|\bno\s+values?\b|\bimput\w*|\bfill\w*|\bempty\b|\bblank\b"
    r"|\babove\b|\bbelow\b|\bover\b|\bunder\b|\bmore\s+than\b|\bless\s+than\b|\bgreater\b"
    r"|\bfewer\b|\bat\s+(?:least|most)\b|[<>%]|\bpercent\b|\bpeople\b|\bpopulation\b"
    r"|\bhouseholds?\b|\brank\w*|\btop\b|\bbottom\b|\bscore\w*|\blisted\b|\bshown\b|\bchang\w*"
    r"|\bmoved?\b|\bswitch\w*|\bwould\b|\bif\b|\bboundar\w*|\bshapes?\b|\bmatch\w*|\bmap\w*"
    r"|\bvariables?\b|\bcolumns?\b|\blgas?\s+codes?\b|\bcodes\b|\bfull(?:y)?\b|\bpart(?:ly|ial\w*)\b")
# what wards receive: the plan's figures ("how many wards get nothing?")
GIVEN = re.compile(r"\bget\b|\bgot\b|\bgets\b|\breceiv\w*|\bnothing\b|\bzero\b|\bnone\b"
                   r"|\bleft\s+out\b|\bshort\b|\benough\b")
# the wards just talked about: the focus and the list readers count those
REFERS_BACK = re.compile(r"\b(?:of|among|from|in)\s+(?:them|those|these|that|dat|there|am)\b"
                         r"|\b(?:of|among)\s+(?:the\s+)?(?:first|last|next|previous|top|bottom"
                         r"|two|three|four|five|six|seven|eight|nine|ten|\d+)\b"
                         r"|\b(?:those|these|dem)\b|\bthat\s+list\b|\bbe\s+(?:that|dat)\b")
# "in this data", "for d file", "inside dis kano data": the table itself, no place
THE_TABLE = re.compile(
    r"\b(?:in|for|inside|within|of|on)\s+(?:(?:this|dis|d|the|our|your|my|that|dat|whole|"
    r"entire|uploaded|kano|ilorin|state)\s+)*(?:data(?:set)?|file|table|sheet|csv|excel"
    r"|upload|spreadsheet|list|state)\b|\bin\s+(?:total|all)\b|\baltogether\b|\boverall\b")
PLACE = re.compile(r"\b(?:in|for|inside|within|under|of)\s+([a-z][a-z'/-]*)")
NOT_PLACE = {"this", "dis", "d", "the", "our", "your", "my", "total", "all", "here", "data",
             "dataset", "file", "table", "it", "there", "state", "whole", "entire", "kano",
             "ilorin", "that", "dat", "each", "every", "them", "those", "these", "sheet",
             "csv", "excel", "upload", "uploaded", "list", "a", "an", "now", "today", "me",
             "us", "risk", "priority", "category", "wards", "ward", "lgas", "lga", "high", "medium",
             "low"}
MY_LGA = re.compile(r"\b(?:our|my|ma)\s+(?:own\s+)?(?:lga|local\s+gov\w*)\b")
WE_HAVE = re.compile(r"\b(?:do|did)\s+we\s+(?:have|get|got|cover)\b|\bwe\s+(?:have|got|cover)\b"
                     r"|\bhave\s+we\b")
IT_LGA = re.compile(r"\b(?:it|the\s+lga|that\s+lga|dat\s+lga|dis\s+lga)\b")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+|\n+", text) if s.strip()]


def _count_sentence(text: str) -> tuple[str, str] | None:
    """(the sentence asking how many, the sentences before it), or None."""
    parts = _sentences(text)
    for i, s in enumerate(parts):
        if HOW_MANY.search(ex.lower_text(s)):
            return s, " ".join(parts[:i])
    return None


def _ward_lgas(ctx: RouterContext) -> dict[str, int]:
    out: dict[str, int] = {}
    for w in ctx.wards:
        if w.lga:
            out[w.lga] = out.get(w.lga, 0) + 1
    return out


def _unknown_place(low: str) -> bool:
    rest = THE_TABLE.sub(" ", low)
    return any(m.group(1) not in NOT_PLACE for m in PLACE.finditer(rest))


def data_count(text: str, ctx: RouterContext, state: DialogueState,
               facts: Facts) -> Decision | None:  # fmt: skip
    """ "how many wards do we have?", "how many wards does Lida have in this data?", "our LGA
    has how many wards?", "how many LGAs are there?" (before an analysis): answered from the
    table, nothing run."""
    if not ctx.has_dataset:
        return None
    found = _count_sentence(text)
    if found is None:
        return None
    sentence, before = found
    low = ex.lower_text(sentence)
    if OTHER_SUBJECT.search(low) or REFERS_BACK.search(low) or CATEGORY.search(low) or \
            re.search(r"\d", low) or GIVEN.search(low):  # "how many wards at 30", "... get nothing"
        return None
    from chatmrpt.chat import place_follow

    if place_follow.there_is_the_place(low, state.focus):
        return None  # "how many wards there" right after one LGA: that LGA's (focus readers)
    counts = _ward_lgas(ctx)
    total = facts.ward_count or len(ctx.wards)
    if re.search(r"\bhow\s+many\s+(?:lgas?|local\s+gov\w*)\b|\bnumber\s+of\s+lgas?\b", low) \
            and facts.lgas and not ctx.analysis_ready and not _unknown_place(low):
        # before any analysis, from the table (the readers of results would run one first)
        return Decision(text=f"Your ward table has {len(facts.lgas)} LGAs: "
                             f"{', '.join(facts.lgas)}.", reading={"stored": "data_count"})
    if re.search(r"\blgas?\b|\blocal\s+gov\w*", low) and not re.search(
            r"\bwards?\b", low):
        return None
    if re.search(r"\blgas\b|\bper\s+lga\b|\beach\s+lga\b", low):
        return None  # the LGAs of the table: the table readers list them with their codes
    if not re.search(r"\bwards?\b", low) or not total:
        return None
    lga, unknown = find_lga(sentence, facts.lgas) if facts.lgas else (None, None)
    if lga is None and facts.lgas and (MY_LGA.search(low) or IT_LGA.search(low)):
        from chatmrpt.chat import focus

        own = focus.Focus.of(state.focus).own_lga
        if own is None and before and IT_LGA.search(low):
            own, _ = find_lga(before, facts.lgas)
        if own is None and before:
            own, _ = find_lga(before, facts.lgas)
        lga = own
        if lga is None:
            return None  # whose LGA is not known: the focus readers ask
    elif lga is None and (MY_LGA.search(low) or re.search(r"\blga\b", low)):
        return None
    whole = None
    if lga is None and facts.lgas and WE_HAVE.search(low) and not unknown:
        # "I'm the focal person for Rimai. how many wards do we have?": the user's LGA, with
        # the whole table's count beside it
        from chatmrpt.chat import focus

        own = focus.own_lga_said(before, facts.lgas)[0] if before else None
        lga = own or focus.Focus.of(state.focus).own_lga
        if lga is not None:
            whole = f"For {lga}, your LGA (the whole table has {total} wards in " \
                    f"{len(facts.lgas)} LGAs):"
    if lga is None and IT_LGA.search(low) and re.search(
            r"\blgas?\b|\bcode\b|\d{3,}|\blocal\s+gov", ex.lower_text(before)):
        return None  # "I cover LGA code 20043. How many wards does it have?": that LGA's
    if lga is not None and lga in counts and ctx.analysis_ready:
        return Decision([Step("lga_summary", {"lga": lga}, source=text)],
                        notes=[whole] if whole else [],
                        reading={"stored": "data_count", "tool": "lga_summary"})
    if lga is not None and lga in counts:
        return Decision(text=f"{lga} LGA has {counts[lga]} wards in your ward table (of "
                             f"{total} wards in all).", reading={"stored": "data_count"})
    if lga is None and not facts.lgas and facts.lga_codes:
        from chatmrpt.chat import tables

        said = re.match(r"^\W*([a-z][\w'/-]*(?:\s+[a-z][\w'/-]*){0,2})\s*[,:-]+\s*(?:and\s+)?"
                        r"(?:how|hw)\s+many\b", low) or re.search(
            r"\b(?:does|do|did|has)\s+([a-z][\w'/-]*(?:\s+[a-z][\w'/-]*){0,2})\s+(?:lga\s+)?"
            r"(?:have|got|get|hold|contain)\b", low)
        name = tables.place_named(f"wards in {said.group(1)}" if said else sentence, ctx)
        if name is not None:  # "Ilorin West, how many wards does it have?" on LGA codes only
            asked = tables.code_question(name, {}, facts.lga_codes)
            asked.pending = {**(asked.pending or {}), "count": True}
            return asked
    if lga is not None or unknown or _unknown_place(low):
        return None
    extra = f" in {len(facts.lgas)} LGAs" if facts.lgas else ""
    return Decision(text=f"Your ward table has {total} wards{extra}.",
                    reading={"stored": "data_count"})


# "35 wards in total, correct?", "we have 17 LGAs abi?": a count said back to be confirmed
COUNT_SAID = re.compile(r"\b(\d+)\s+(wards?|lgas?|local\s+gov\w*)\b")
CONFIRM_ASKED = re.compile(r"\b(?:correct|right|true|abi|innit|isn'?t\s+it|is\s+(?:that|dat|it)"
                           r"\s+(?:so|right|correct)|confirm|yes\s+or\s+no|no\s+be\s+so)\b")


def count_check(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """A number of wards or LGAs said back for confirmation ("quick, 35 wards in total,
    correct?"): the table's own count, saying whether it matches."""
    low = ex.lower_text(text)
    found = list(COUNT_SAID.finditer(low))
    if not ctx.has_dataset or len(found) != 1 or not CONFIRM_ASKED.search(low) or \
            OTHER_SUBJECT.search(low) or CATEGORY.search(low) or re.search(
                r"\b(?:top|bottom|first|last|list|show|plan|export|map)\b", low) or \
            len(ex.extract_numbers(low)) != 1:
        return None
    said, what = int(found[0].group(1)), found[0].group(2)
    lga, unknown = find_lga(text, facts.lgas) if facts.lgas else (None, None)
    if what.startswith("ward") and (lga is not None or unknown is not None
                                    or _unknown_place(low)):
        # "we get 21 wards for Rimai abi? confirm am": that LGA's wards, never the table's
        count = _ward_lgas(ctx).get(lga) if lga is not None else None
        if not count:
            return None
        verdict = "Yes" if count == said else "No"
        return Decision(text=f"{verdict}: {lga} LGA has {count} wards in your ward table.",
                        reading={"stored": "data_count", "lga": lga})
    if what.startswith("ward"):
        count, noun = facts.ward_count or len(ctx.wards), "wards"
    elif facts.lgas:
        count, noun = len(facts.lgas), "LGAs"
    elif facts.lga_codes:
        count, noun = len(facts.lga_codes), "LGAs (by code)"
    else:
        return None
    if not count:
        return None
    verdict = "Yes" if count == said else "No"
    return Decision(text=f"{verdict}: your ward table has {count} {noun}.",
                    reading={"stored": "data_count"})


# --- counts by priority category ------------------------------------------------------------

BOTH_METHODS = re.compile(r"\b(?:on|by|in|for|under|with|using|across)\s+both\s+(?:the\s+)?"
                          r"(?:methods?|rankings?|scores?|lists?|ways|approaches)\b"
                          r"|\b(?:on|by)\s+both\s*[?.!]*\s*$"
                          r"|\bboth\s+(?:the\s+)?"
                          r"(?:methods|rankings|rankin|scores|composite\s+and\s+pca|pca\s+and"
                          r"\s+composite)\b|\bboth\s+methods?\s+agree|\b(?:composite|pca)\s+and"
                          r"\s+(?:the\s+)?(?:pca|composite)\s+(?:agree|both)\b")
BARE_CATEGORY = re.compile(r"\b(high|medium|low)(?:est)?\b")
# "Low on the composite ranking", "High by the composite score", "in the ranking": the
# category of the ranking every count is of (the composite one), no other subject
COMPOSITE_NAMED = re.compile(r"\b(?:on|by|in|for|under|with|using|according\s+to|from)\s+(?:the\s+)?"
                             r"(?:(?:composite|main|overall|current)\s+)?(?:rankings?|scores?"
                             r"|rankin|ranks?)\b(?!\s*(?:of|above|below|over|under|between)\b)"
                             r"|\b(?:on|by|in|for|under|with|using|according\s+to|from)\s+"
                             r"(?:the\s+)?composite(?:\s+(?:method|index|results?|list))?\b")


def category_count(text: str, ctx: RouterContext, state: DialogueState,
                   facts: Facts) -> Decision | None:  # fmt: skip
    """ "how many high risk wards?", "how many high?", "how many wards are high for
    Doragar?": the category's list, which starts with how many."""
    if not ctx.analysis_ready:
        return None
    found = _count_sentence(text)
    if found is None:
        return None
    sentence, _ = found
    low = ex.lower_text(sentence)
    agree = bool(BOTH_METHODS.search(low))  # "... High on both methods"
    low = BOTH_METHODS.sub(" ", low)
    if not agree:
        low = COMPOSITE_NAMED.sub(" ", low)
    cat = BARE_CATEGORY.search(low)
    if cat is None or cat.group(0).endswith("est") or REFERS_BACK.search(low) or \
            re.search(r"\d", low):
        return None
    other = OTHER_SUBJECT.search(re.sub(r"\b(?:risk|priority)\b", " ", low))
    if other or re.search(r"\blgas?\b\s*(?:has|have|get|with)|\bwhich\s+lga|\beach\s+lga"
                          r"|\bper\s+lga|\bby\s+lga|\blgas\b", low):
        return None
    params: dict[str, object] = {"category": cat.group(1).title()}
    if agree:
        # "how many wards are High on both methods": counted where the two rankings agree
        params = {"about": "ward_counts", **params, "agree": True}
    lga, unknown = find_lga(sentence, facts.lgas) if facts.lgas else (None, None)
    code = None
    from chatmrpt.chat import focus

    if lga is None and (MY_LGA.search(low) or focus.OWN_LGA.search(low)):
        # "how many of our wards are High?": the user's own LGA, said in this message ("I
        # cover Zaga West. ...") or earlier; never the whole area
        said_lga, said_code = focus.own_lga_said(text, facts.lgas)
        kept = focus.Focus.of(state.focus)
        lga = said_lga or (None if said_code else kept.own_lga)
        code = said_code or (None if said_lga else kept.own_code)
        if lga is None and code is None and (MY_LGA.search(low) or focus.OWN_LGA.search(
                WE_HAVE.sub(" ", low))):
            return None
        # "how many high wards do we have" with no LGA of the user's known: the whole table,
        # as "how many wards do we have" is
    if lga is None and code is None and (unknown or _unknown_place(low)
                                         or re.search(r"\blga\b", low)):
        return None
    from chatmrpt.chat import place_follow

    seen = state.focus or {}
    just = place_follow.just_placed(seen, state.last) \
        if lga is None and code is None and not agree and place_follow.bare(low) else {}
    if just:
        # "how many low" right after one LGA's list or count: counted in that LGA, said so,
        # with the whole area's count one tap away
        where = just.get("lga") or f"LGA {just.get('lga_code')}"
        cat_ = str(params["category"])
        label = f"How many {cat_} wards in the whole area"
        return Decision([Step("ask_results", {"about": "ward_counts", **just,
                                              "category": cat_},
                              echo=f"In {where}, the LGA just talked about (for the whole area, "
                                   f"ask \"how many {cat_.lower()} wards in the whole area\"):",
                              source=text)],
                        choices=[{"label": label, "tool": "list_wards",
                                  "params": {"category": cat_}}],
                        reading={"stored": "category_count", "tool": "ask_results"})
    if lga is None and code is None and place_follow.there_is_the_place(low, seen):
        # "how many are medium there" right after one LGA's list or count: counted in that
        # LGA (name or code), never in the whole area
        place = {k: seen[k] for k in ("lga", "lga_code") if seen.get(k)}
        place = {"lga": place["lga"]} if place.get("lga") else place
        where = place.get("lga") or f"LGA {place.get('lga_code')}"
        return Decision([Step("ask_results", {"about": "ward_counts", **place,
                                              **{k: v for k, v in params.items()
                                                 if k != "about"}},
                              echo=f"In {where} (the LGA just talked about):", source=text)],
                        reading={"stored": "category_count", "tool": "ask_results"})
    if lga is not None:
        params["lga"] = lga
    elif code is not None:
        params["lga_code"] = code
    if params.get("agree"):
        return Decision([Step("ask_results", params, source=text)],
                        reading={"stored": "category_count", "tool": "ask_results"})
    return Decision([Step("list_wards", params, source=text)],
                    reading={"stored": "category_count", "tool": "list_wards"})


# --- one ward looked up ---------------------------------------------------------------------

LOOKUP = re.compile(r"\brank(?:ed|ing)?\b|\bposition\b|\b(?:composite\s+|risk\s+|vulnerability\s+)?"
                    r"score\b")
NOT_LOOKUP = re.compile(
    r"\bwhy\b|\bexplain\w*|\bhow\s+(?:is|was|are|were|do|does|did)\b.*\b(?:calculat|comput"
    r"|work|made|done)\w*|\bmean\w*\b|\bmaps?\b|\b(?:rank|sort|order)\s+(?:by|with|using|on)\b"
    r"|\bmethod\b|\bpca\b|\btop\b|\bbottom\b|\bnumber\s+\d|\brank(?:ed)?\s+\d|#\s*\d|\bplan\w*"
    r"|\bnets?\b|\bchange\w*|\bswitch\w*|\buse\b|\bre-?rank\w*|\bre-?run\w*|\bcompare\w*"
    r"|\bversus\b|\bvs\.?\b|\bhigher\s+than\b|\blower\s+than\b|\bexport\w*|\bsave\b|\bsend\b"
    r"|\bif\b|\bwould\b|\bshould\b|\bchart\b|\bnormali[sz]\w*|\bimprove\w*|\bdrop\w*|\bmove\w*")
ASKS = re.compile(r"^\W*(?:and\s+|so\s+|ok\w*\s+)?(?:what|wat|wetin|which|tell|give|show|rank"
                  r"|position|score|composite|its|d|the)\b|\?\s*$|\b(?:get|got|have|has|be|is)"
                  r"\W*$|\b(?:rank|position|score)(?:\s+(?:please|pls|abeg|nko|sir|ma|o))*\W*$")


# the ward just talked about, referred to
IT_WARD = re.compile(r"\b(?:it|its|it's|that\s+ward|this\s+ward|the\s+ward|dat\s+ward|dis\s+ward"
                     r"|d\s+ward|same\s+ward|am)\b")


def ward_lookup(text: str, ctx: RouterContext, state: DialogueState,
                facts: Facts) -> Decision | None:  # fmt: skip
    """ "what rank did Riraufa II get?", "wat be d score of mallano", "RANK OF OKAKA II": the
    ward's rank and score. A name two LGAs share is asked about, with one tap for each."""
    if not ctx.analysis_ready or not ctx.wards:
        return None
    low = ex.lower_text(text)
    if not LOOKUP.search(low) or NOT_LOOKUP.search(low) or not ASKS.search(low):
        return None
    if len(low.split()) > 14 or re.search(r"\bwards\b|\blgas?\b\s*$", low):
        return None
    match = ex.find_ward(text, ctx.wards)
    if match is None and IT_WARD.search(low) and not re.search(r"\bthem\b|\bthose\b|\bthey\b",
                                                               low):
        from chatmrpt.chat import focus

        seen = focus.Focus.of(state.focus)
        if seen.ward:  # "what rank is it?" right after a question about one ward
            params: dict[str, object] = {"ward": seen.ward}
            if seen.ward_lga and sum(1 for w in ctx.wards if w.name == seen.ward) > 1:
                params["lga"] = seen.ward_lga
            return Decision([Step("explain_ward", params, source=text)],
                            reading={"stored": "ward_lookup", "tool": "explain_ward"})
    if match is None or match.score < 85:
        return None
    said = text.lower()
    rest = said[: match.start] + " " + said[match.end:]
    if re.search(r"\b\d+\b", rest):
        return None  # a number besides the name: another question
    names = {c.name for c in match.candidates}
    if len(names) != 1:
        return None
    name = next(iter(names))
    lgas = sorted({c.lga for c in match.candidates if c.lga})
    if len(match.candidates) > 1 and len(lgas) > 1:
        choices = [{"label": f"{name} in {lg}", "tool": "explain_ward",
                    "params": {"ward": name, "lga": lg}} for lg in lgas]
        return Decision(text=f"There is a {name} ward in {len(lgas)} LGAs: "
                             f"{', '.join(lgas[:-1])} and {lgas[-1]}. Which one do you mean?",
                        choices=choices,
                        pending={"expects": "choice", "choices": choices,
                                 "candidates": [{"name": name, "lga": lg} for lg in lgas]},
                        reading={"stored": "ward_lookup", "ambiguous": name})
    params: dict[str, object] = {"ward": name}
    if len(match.candidates) == 1 and match.candidates[0].lga and sum(
            1 for w in ctx.wards if w.name == name) > 1:
        params["lga"] = match.candidates[0].lga
    return Decision([Step("explain_ward", params, source=text)],
                    reading={"stored": "ward_lookup", "tool": "explain_ward"})


# --- the variables of the analysis, an LGA's code ------------------------------------------

VARIABLE_WORDS = re.compile(r"\b(?:variables?|columns?|indicators?|factors?)\b")
QUESTION_WORD = re.compile(r"^\W*(?:and\s+|so\s+|ok\w*\s+|before\s+anything\W+|first\W+)?"
                           r"(?:which|what|wat|wetin|tell\s+me|list)\b|\?\s*$")
USED_BY = re.compile(r"\b(?:use[sd]?|using|default\w*|go(?:es)?\s+into|went\s+into"
                     r"|includ\w*|in\s+(?:the|d)\s+analysis"
                     r"|in\s+(?:the|d|this|that|last|current)\s+(?:run|ranking|model|score))\b")
CHANGES_VARIABLES = re.compile(
    r"\b(?:add|drop|remove|change|switch|swap|replace|rerun|re-run|instead|without|except"
    r"|(?<!the\s)(?<!this\s)(?<!that\s)(?<!last\s)(?<!\bd\s)run"
    r"|why|mean\w*|explain\w*|direction\w*|inverse|direct|normali[sz]\w*|more|less|fewer"
    r"|should|could|can|recommend\w*|best|better|good)\b")


def variables_question(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """ "which variables would the default analysis use?" (before any analysis: the table's
    candidate variables, nothing run), "what variables did the analysis use?" (after: the
    analysis' own)."""
    if not ctx.has_dataset:
        return None
    sentence = next((s for s in reversed(_sentences(text))
                     if VARIABLE_WORDS.search(ex.lower_text(s))), None)
    if sentence is None:
        return None
    low = ex.lower_text(sentence)
    if not QUESTION_WORD.search(low) or not USED_BY.search(low) or \
            CHANGES_VARIABLES.search(low) or re.search(r"\bpca\b|\bplan\w*|\bnets?\b", low):
        return None
    named = {m.column for m in ex.find_variables(sentence, ctx.variables) if m.column} \
        if ctx.variables else set()
    if named:
        return None  # "is rainfall used?": one variable's place, the variable readers answer
    if ctx.analysis_ready:
        return Decision([Step("ask_results", {"about": "variables"}, source=text)],
                        reading={"stored": "variables"})
    if ctx.analysis_status in ("queued", "running"):
        return None
    return Decision([Step("describe_data", {}, source=text)], reading={"stored": "describe_data"})


CODE_OF_LGA = re.compile(r"\bcode\b")


def lga_code_question(text: str, ctx: RouterContext, facts: Facts) -> Decision | None:
    """ "kuran lga code na wat", "what code does Kuran have?": the LGA's code, from the table."""
    if not facts.lgas or not ctx.has_dataset:
        return None
    low = ex.lower_text(text)
    if not CODE_OF_LGA.search(low) or not re.search(
            r"\b(?:what|wat|wetin|which|tell\s+me|give\s+me)\b|\?\s*$", low) or re.search(
            r"\bwards?\b|\bplan\w*|\bnets?\b|\bmaps?\b|\bexport\w*|\blist\b|\btop\b"
            r"|\bbottom\b|\bmean\w*\b|\bpostal\b|\bzip\b|\bcodes\b|\b\d{3,}\b", low):
        return None
    lga, unknown = find_lga(text, facts.lgas)
    if lga is None or unknown:
        return None
    return Decision([Step("ask_results", {"about": "lgas", "lga": lga}, source=text)],
                    reading={"stored": "lgas"})


# --- the table's own problems: missing values, identical columns ----------------------------

MISSING = re.compile(r"\bmiss\w*|\bempty\b|\bblank\b|\bgaps?\b|\bnan\b|\bnull\b"
                     r"|\bno\s+values?\b|\bwithout\s+(?:a\s+)?values?\b")
SAME = re.compile(r"\b(?:same|identical|equal|duplicates?|duplicated|copies|copy)\b")
ASKS_YES_NO = re.compile(r"^\W*(?:and\s+|so\s+|ok\w*\s+)?(?:are|is|do|does|did|were|was|abi"
                         r"|check\s+(?:if|whether))\b|\?\s*$|\babi\W*$")
FIXES = re.compile(r"\b(?:fix|drop|remove|delete|fill|impute|replace|use|add|run|rerun"
                   r"|plan\w*|nets?|export\w*|map\w*)\b")


def table_check(text: str, ctx: RouterContext) -> Decision | None:
    """ "how many missing values does the table have?", "are rainfall and housing quality the
    same numbers?": the table's check (missing values, identical columns), nothing run."""
    if not ctx.has_dataset:
        return None
    low = ex.lower_text(text)
    if FIXES.search(low):
        return None
    if HOW_MANY.search(low) and MISSING.search(low) and re.search(
            r"\bvalues?\b|\bcells?\b|\bdata\b|\btable\b|\bfile\b|\bwards?\b"
            r"|\bcolumns?\b", low) and not re.search(r"\bpopulation\b|\bpeople\b", low):
        return Decision([Step("data_quality", {}, source=text)],
                        reading={"stored": "data_quality"})
    if SAME.search(low) and ASKS_YES_NO.search(low) and ctx.variables and not re.search(
            r"\bwards?\b|\branking\w*|\brank\w*|\bresults?\b|\bpca\b|\bcomposite\b"
            r"|\bas\s+(?:before|last|yesterday)\b|\bsettings?\b", low):
        named = {m.column for m in ex.find_variables(text, ctx.variables) if m.column}
        if len(named) >= 2 or (named and re.search(r"\bcolumns?\b|\bvariables?\b", low)) or \
                re.search(r"\b(?:any|two|2)\s+(?:columns?|variables?)\b", low):
            return Decision([Step("data_quality", {}, source=text)],
                            reading={"stored": "data_quality"})
    return None


# --- a ward named in answer to "which ward do you mean?" ----------------------------------

WHICH_WARD_ASK = re.compile(r"^Which ward do you mean\b|\btell me which ward\b")
THAT_WARD = re.compile(r"\b(?:that|this|the|dat|dis|d|same)\s+ward\b|\bits\b|\bit\b", re.I)
NAME_FILLERS = {"ward", "the", "one", "in", "lga", "please", "pls", "abeg", "it", "is", "its",
                "i", "mean", "meant", "sorry", "oh", "ok", "okay", "called", "named", "of"}


def ward_question_pending(question: str, ask: str) -> dict[str, object] | None:
    """The pending record of "which ward do you mean?" asked about ``question``."""
    if not WHICH_WARD_ASK.search(ask or "") or not THAT_WARD.search(question):
        return None
    return {"expects": "ward_for", "question": question}


def ward_for_question(text: str, ctx: RouterContext, state: DialogueState) -> str | None:
    """The question asked before, with the ward just named in it ("What is the population of
    that ward?" ... "Kotsasha." -> "What is the population of Kotsasha?"), or None when the
    message is not a bare ward name."""
    pending = state.pending or {}
    if pending.get("expects") != "ward_for" or not ctx.wards or len(text.split()) > 6:
        return None
    match = ex.find_ward(text, ctx.wards)
    if match is None or match.score < 85 or len({c.name for c in match.candidates}) != 1:
        return None
    rest = text[: match.start] + " " + text[match.end:]
    lgas = {ex.lower_text(c.lga) for c in match.candidates if c.lga}
    words = [w for w in re.findall(r"[a-z0-9']+", ex.lower_text(rest))
             if w not in NAME_FILLERS and w not in lgas]
    if words:
        return None
    ward = match.candidates[0]
    name = ward.name + (f" in {ward.lga}" if ward.lga and sum(
        1 for w in ctx.wards if w.name == ward.name) > 1 else "")
    return THAT_WARD.sub(name, str(pending.get("question") or ""), count=1)


# --- a comparison with figures the session does not hold -----------------------------------

COMPARE = re.compile(r"\bcompar\w*|\bversus\b|\bvs\.?\s|\bagainst\b|\bchanged?\s+(?:from|since)\b"
                     r"|\bdifferen\w*\s+(?:from|to|with)\b")
ELSEWHERE = re.compile(r"\b(?:last|previous|prior|past)\s+(?:year|years|season|round|campaign"
                       r"|survey|census|time)(?:'s)?\b|\byear\s+before\b|\b(?:dhs|mis|mics)\b"
                       r"|\bthe\s+(?:old|earlier)\s+(?:data|figures?|survey|census)\b")


def outside_comparison(text: str, ctx: RouterContext) -> Decision | None:
    """ "compare that with last year's figure": the session holds this data only, so nothing
    is compared (and no analysis is run to compare its two rankings instead)."""
    low = ex.lower_text(text)
    if not COMPARE.search(low) or not ELSEWHERE.search(low) or re.search(
            r"\bpca\b|\bcomposite\b|\bmethods?\b|\brankings\b|\bplans?\b|\bnets?\b", low):
        return None
    return Decision(text="I only have the data uploaded in this session, with no figures from "
                         "an earlier year, round or survey to compare with. Upload that data as "
                         "a column of your ward table and I can show both side by side.",
                    reading={"stored": "outside_comparison"})


def data_question(text: str, ctx: RouterContext, state: DialogueState,
                  facts: Facts) -> Decision | None:  # fmt: skip
    """The first of the readers above that answers ``text``, or None."""
    return (data_count(text, ctx, state, facts) or count_check(text, ctx, facts)
            or category_count(text, ctx, state, facts)
            or ward_lookup(text, ctx, state, facts) or variables_question(text, ctx, facts)
            or lga_code_question(text, ctx, facts) or table_check(text, ctx)
            or outside_comparison(text, ctx))
