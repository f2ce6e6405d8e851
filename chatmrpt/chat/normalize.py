"""Plain words from text typed on a phone or spoken to voice input, read once per message.

Analysts type "hw many wards dey high", "wat rank d top one get", "plan 40o,000 nets",
"I T N PLAN TWO FIFTY K"; a greeting in Hausa or Yoruba opens many messages. Every reader
after this one (the intent model, the slot readers, the dialogue rules) is written for plain
English, so this pass rewrites only what has one plain meaning:

- SMS shorthand and a few pidgin function words that map one to one ("hw" -> how,
  "d" -> the, "dis" -> this, "4 me" -> for me, "go back 2 d" -> go back to the);
- courtesy words and greetings around a request ("ina kwana.", "sannu", "don Allah");
- letters spelled out by voice input ("I T N" -> ITN, "P C A" -> PCA);
- a message typed in capitals (lower case, acronyms kept);
- numbers read out ("two fifty k", "three-fifty thousand" -> 250k, 350 thousand; Hausa
  "mutum biyar" -> 5 people, "2 point 5 million" -> 2.5 million) and the letter
  o typed for a zero inside a number ("40o,000" -> 400,000);
- a word typed in two ("house hold", "de-prioritisation");
- a plan setting's short name typed together with its value ("hh5" -> hh 5) and the people
  per net said as nets for people ("1 net for every 2 people" -> 2 people per net).

Ward, LGA and column names are never rewritten: a span that spells one of them is kept as
typed. Nothing here guesses: a token with two plausible readings is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# one plain word for each shorthand token (whole tokens only)
SHORTHAND: dict[str, str] = {
    "hw": "how", "hwmany": "how many", "wat": "what", "wht": "what", "waht": "what",
    "d": "the", "di": "the", "dis": "this", "dat": "that", "dese": "these",
    "u": "you", "ur": "your", "yr": "your", "wit": "with", "wiv": "with",
    "pls": "please", "plz": "please", "pllease": "please", "thnx": "thanks", "tnx": "thanks",
    "abt": "about", "bcos": "because", "bcoz": "because", "cos": "because", "coz": "because",
    "frm": "from", "shld": "should", "cld": "could", "wld": "would", "av": "have",
    "hv": "have", "gv": "give", "giv": "give", "sho": "show", "shw": "show",
    "dere": "there", "der": "there", "2morow": "tomorrow", "2moro": "tomorrow", "2day": "today",
    "b4": "before", "den": "then",
    "im": "its", "bak": "back", "bck": "back", "xcel": "excel", "xcell": "excel", "exel": "excel",
    "ova": "over", "unda": "under", "abov": "above",
    "reprio": "reprioritisation", "repriorit": "reprioritisation",
    "deprio": "deprioritisation", "depriorit": "deprioritisation",
    "hous": "house", "hse": "house", "hses": "houses", "hsehold": "household",
    "hsehld": "household", "hhold": "household", "hholds": "households",
    "housholds": "households", "houshold": "household", "househld": "household",
    "populaton": "population", "popualtion": "population", "scour": "score",
    "munincipal": "municipal", "muncipal": "municipal", "analisis": "analysis",
    "analysys": "analysis", "anaysis": "analysis",
    "rnk": "rank", "rnak": "rank", "rnks": "ranks", "rnking": "ranking", "rnaking": "ranking",
    "mny": "many", "hgh": "high", "hig": "high", "meduim": "medium", "toop": "top",
    "covred": "covered", "coverd": "covered", "uncovred": "uncovered", "agn": "again",
    "covd": "covered", "cvrd": "covered", "covrd": "covered", "cov'd": "covered",
    "uncovd": "uncovered", "uncvrd": "uncovered",
    # the words of a ward list typed with a slip ("bottm 5 darandan", "higest wards")
    "bottm": "bottom", "botom": "bottom", "buttom": "bottom", "bottum": "bottom",
    "bottem": "bottom", "bottomm": "bottom", "botttom": "bottom", "bototm": "bottom",
    "btm": "bottom", "botm": "bottom",
    "higest": "highest", "highst": "highest", "hghest": "highest", "higehst": "highest",
    "lowst": "lowest", "lowset": "lowest", "loweset": "lowest", "lsit": "list",
    # "nets remainin?": the plan's nets left over, typed with a slip
    "remainin": "remaining", "remaning": "remaining", "remainig": "remaining",
    "remainng": "remaining", "remianing": "remaining", "reamining": "remaining",
    "remaing": "remaining", "remining": "remaining", "remaninig": "remaining",
}  # fmt: skip

# "4 me", "2 d": a digit standing for a word, only before the words it joins
_DIGIT_FOR = re.compile(r"(?<![\w.,])4(?=\s+(?:me|us|u|you|my|our)\b)", re.I)
# "go back 2 d default", "send am 2 me", "reset 2 75": the one place a 2 is read as "to" (a
# digit after a verb of moving, before what it moves to); every reader after this one sees "to"
_DIGIT_TO = re.compile(
    r"\b(back|go|send|switch|change|move|set|reduce|increase|cut|it|am|them|mail|email|up|down"
    r"|sent|come|add|added|belong|belongs|return|revert|reset)\s+2(?=\s+(?:d|de|da|the|dis|this"
    r"|that|dat|me|us|u|you|my|our|its|default|normal|original|standard)\b)"
    r"|\b(back|go|return|revert|reset|switch|change|set|move)\s+2(?=\s+\d)",
    re.I,
)


# greetings and courtesy words that open or close a request and change nothing in it
_COURTESY_LEAD = re.compile(
    r"^\s*(?:(?:ina\s+kwana|ina\s+wuni|ina\s+yini|sannu(?:\s+da\s+\w+)?|barka\s+da\s+\w+|"
    r"e\s+kaaro|e\s+kaasan|e\s+kaale|e\s+ku\s+\w+|salam(?:u\s+alaikum)?|"
    r"assalamu\s+alaikum|good\s+(?:morning|afternoon|evening|day)(?:\s+(?:sir|ma|madam|all))?|"
    r"hello|hi|hey|morning|afternoon)\b(?:\s+(?:sir|ma|madam|oga|all|everyone|o|team))?"
    r"[\s,.!;:-]*)+(?=\S)",
    re.I,
)
# "hi risk wards", "hi-priority": "high", not a greeting
_HI_HIGH = re.compile(r"\bhi(?=[\s-]+(?:risk|priority|prio|burden|category|vulnerab\w*)\b)", re.I)
# "rimai hi wards", "how many hi wards", "list the hi ones": "high" after another word (a
# greeting opens a message: "hi wards in rimai", "ok hi, wards in rimai" stay greetings)
_HI_WARDS = re.compile(r"(?<=[A-Za-z0-9] )hi(?=\s+(?:wards?|ones|lgas?)\b)", re.I)
_BEFORE_GREETING = {"ok", "okay", "oh", "eh", "ah", "and", "yes", "yeah", "so", "hey", "well",
                    "hello", "hi", "sir", "ma"}
# "wards 4 20043", "nets 4 lga 20001": a 4 standing for "for" before an LGA code
_FOR_CODE = re.compile(r"\b(wards?|nets?|itns?|ones)\s+4\s+(?=(?:lga\s+)?(?:code\s+)?\d{4,6}\b)",
                       re.I)
# "treat wards at 60% urban or above as urban in the plan", "count wards over 60% urban as
# urban": the plan's urban threshold said as a rule
_TREAT_AS_URBAN = re.compile(
    r"\b(?:treat|count|consider|classify|take|mark)\s+(?:the\s+|all\s+(?:the\s+)?|any\s+)?wards?\s+"
    r"(?:that\s+are\s+|which\s+are\s+|at\s+|with\s+|of\s+|over\s+|above\s+|from\s+)?"
    r"(?P<n>\d{1,2}(?:\.\d+)?)\s*(?:%|percent|per\s*cent)\s+(?:urban\s+)?(?:or\s+(?:above|more|higher)"
    r"|and\s+(?:above|more)|\+)?\s*(?:urban\s+)?as\s+urban\b", re.I)
# "anything at 60 percent urban or more to be served last", "serve wards above 60% urban
# last": the plan's urban threshold said by what it does
_SERVED_LAST = re.compile(
    r"\b(?:(?:serve|put)\s+)?(?:anything|any\s+ward|all\s+wards|wards?|those|the\s+ones|ones)\s+"
    r"(?:that\s+are\s+|which\s+are\s+|at\s+|with\s+|of\s+|over\s+|above\s+|from\s+)?"
    r"(?P<n>\d{1,2}(?:\.\d+)?)\s*(?:%|percent|per\s*cent)\s+urban\s*(?:or\s+(?:above|more|higher)"
    r"|and\s+(?:above|more)|\+)?\s+(?:(?:to\s+be|should\s+be|be|are|get|gets|to\s+get)\s+)?"
    r"(?:served|served\s+at\s+the\s+end|last|at\s+the\s+end)(?:\s+last)?\b", re.I)
# "the 10 wards wey malaria worse pass", "wards wey risk high pass": pidgin "where malaria
# is worst", "with the highest risk"
_WORSE_PASS = re.compile(r"\b(wards?)\s+(?:wey|where|wia)\s+(?:d\s+|the\s+)?(?:malaria|risk)\s+"
                         r"(?:dey\s+|don\s+)?(?:worse|worst|high|bad|plenty|strong)\s+pass\b",
                         re.I)
# "same 4 raubatsa": "same for Raubatsa" (a 4 before a name, after "same")
_SAME_FOR = re.compile(r"\b(same)\s+4\s+(?=[A-Za-z])", re.I)
# "d bottom 3 nko", "Rimai nko?": pidgin "what about ...?" said after what it asks about
_NKO = re.compile(r"^\s*(?P<x>\S.*?)[\s,]+nko\s*[?.!]*\s*$", re.I)
_COURTESY_ANY = re.compile(r"(?<![\w'])(?:don\s+allah|biko|e\s+jo|e\s+se|no\s+wahala)(?![\w'])"
                          r"[\s,.!]*", re.I)

# letters read out one by one: "I T N", "P C A", "H H"
_SPELLED = {
    "itn": "ITN", "itns": "ITNs", "pca": "PCA", "lga": "LGA", "lgas": "LGAs", "tpr": "TPR",
    "hh": "hh", "kmo": "KMO", "rdt": "RDT", "csv": "CSV", "png": "PNG", "pdf": "PDF",
    "evi": "EVI", "ndvi": "NDVI", "ndwi": "NDWI", "ndmi": "NDMI", "smc": "SMC", "llin": "LLIN",
    "llins": "LLINs", "nmep": "NMEP", "who": "WHO", "u5": "u5",
}  # fmt: skip
_SPELLED_RUN = re.compile(r"(?<![\w])((?:[A-Za-z0-9]\s){1,4}[A-Za-z0-9]s?)(?![\w])")

_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
# "two fifty k", "four fifty thousand": hundreds said without "hundred" before k/thousand
_SPOKEN_HUNDREDS = re.compile(
    r"\b(" + "|".join(_ONES) + r")[\s-]+(" + "|".join(_TENS) + r")(?:[\s-](" + "|".join(_ONES)
    + r"))?\s*(k\b|thousand\b|grand\b)",
    re.I,
)
# Hausa "mutum biyar" / "mutane shida": a number of people (the numeral only after the word
# for people, where it has no other reading)
_HAUSA_ONES = {"daya": 1, "biyu": 2, "uku": 3, "hudu": 4, "biyar": 5, "shida": 6, "bakwai": 7,
               "takwas": 8, "tara": 9, "goma": 10}  # fmt: skip
_HAUSA_PEOPLE = re.compile(r"\b(?:mutum|mutane|mutum\s+guda)\s+(" + "|".join(_HAUSA_ONES)
                           + r")\b", re.I)
# "2 point 5 million", "one point two million"
_POINT = re.compile(
    r"\b(\d+|" + "|".join(_ONES) + r"|zero)\s+point\s+(\d+|" + "|".join(_ONES) + r"|zero)"
    r"(?=\s*(?:m\b|million|k\b|thousand|per|people|persons?|%|percent|\s|$))",
    re.I,
)
# the letter o typed for a zero inside a number: "40o,000", "3oo,ooo", "1,2oo,000"
# (only in a number written with thousands separators, where its shape shows the zeros)
_O_NUMBER = re.compile(r"(?<![\w.])[1-9][\do]{0,2}(?:,[\do]{3})+(?![\w])", re.I)
_HOUSE_HOLD = re.compile(r"\bhouse\s+hold(s)?\b", re.I)
# "de-prioritisation", "re prioritise": one word, as the readers of that request know it
_PRIO_SPLIT = re.compile(r"\b(de|re)[\s-]+(priorit\w*)", re.I)
# "pop of kira 1?", "total pop?": population, said short (never "pop up", "pop it open")
_POP = re.compile(r"(?<![\w'-])pop(?=\s+(?:of|for|in|per|figure|figures|number|count|size"
                  r"|column)\b|\s*[?.!]*\s*$)", re.I)
# "facilitator says use 6", "ok my boss said to go ahead", "the director wants us to use 5":
# an order passed on from whoever decides is that order (a trainee's or a partner's view is
# not: "one trainee says 5 or 6" is left as said)
_DECIDER_SAYS = re.compile(
    r"^(\s*(?:(?:ok(?:ay)?|so|now|and|well|alright|oya|yes)[\s,]+)*)(?:the\s+|my\s+|our\s+)?"
    r"(?:facilitator|supervisor|boss|oga|manager|director|chairman|commissioner|coordinator"
    r"|team\s+lead(?:er)?|programme\s+manager|program\s+manager|pm)\s+"
    r"(?:says?|said|has\s+said|agrees?|agreed|wants\s+(?:us|you)\s+to|decided)[\s,:]+"
    r"(?:that\s+)?(?:we\s+should\s+|you\s+should\s+|to\s+)?"
    r"(?=(?:use|do|go|run|plan|make|set|change|put|switch|add|remove|cap|drop|proceed|apply"
    r"|re-?plan|re-?run|keep|continue|carry)\b)", re.I)
# "Were the cap removed, how would the coverage change?", "Had we 100k more nets, how many
# more wards would be covered?", "Should the buffer be dropped, what happens?": a condition
# said by inversion, put as the what-if question it is ("What if the cap were removed, ...")
_INVERTED_IF = re.compile(
    r"^(?P<lead>\s*(?:(?:and|so|but|now|ok(?:ay)?|hmm+|well)[\s,]+)*)(?P<verb>were|had|should)\s+"
    r"(?P<subj>(?:we|they|i|it|there|he|she|partners?|donors?|the\s+state"
    r"|(?:the|our|that|this|each|every|a|an|all\s+the)\s+(?:[a-z'-]+\s+){0,2}?[a-z'-]+?))"
    r"(?=\s+(?:\d|been\b|be\b|to\b|removed\b|lifted\b|dropped\b|scrapped\b|cut\b|set\b|put\b"
    r"|kept\b|made\b|left\b|taken\b|given\b|changed\b|raised\b|lowered\b|increased\b"
    r"|reduced\b|doubled\b|halved\b|higher\b|lower\b|bigger\b|smaller\b|more\b|fewer\b|less\b"
    r"|only\b|about\b|around\b|got\b|received\b|a\b|an\b|another\b|extra\b|one\b|two\b|half\b"
    r"|quarter\b|[a-z]+ed\b))"
    r"(?P<rest>[^,;?]*?)\s*(?P<sep>[,;-]|\s-\s)\s*"
    r"(?P<q>(?:how|what|would|will|which|could|can|is|are|do|does|wetin|who|where|when)\b[^?]*\?)"
    r"\s*$", re.I)


def inverted_condition(text: str) -> str:
    """ "Were the cap removed, how would the coverage change?" as "What if the cap were
    removed, how would the coverage change?"; any other text as it is."""
    m = _INVERTED_IF.match(text)
    if m is None:
        return text
    verb, rest = m.group("verb").lower(), m.group("rest")
    if verb == "should" and re.match(r"\s+be\b", rest, re.I):
        verb, rest = "were", rest.lstrip()[2:]  # "should the buffer be dropped"
    lead = m.group("lead")
    what = "What if" if not lead.strip() else "what if"
    return (f"{lead}{what} {m.group('subj')} {verb}{rest}, {m.group('q')}")


_TOKEN = re.compile(r"(?<![/\\-])\b[A-Za-z0-9']+\b(?![/\\-])")


def _digit(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else (0 if word == "zero" else _ONES[word])


def _protected_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the text spells a ward, LGA or column name (kept as typed)."""
    low = text.lower()
    spans = []
    for name in names:
        key = str(name).lower().strip()
        if not key or not any(t in SHORTHAND for t in re.findall(r"[a-z0-9']+", key)):
            continue
        for m in re.finditer(r"(?<![\w])" + re.escape(key) + r"(?![\w])", low):
            spans.append((m.start(), m.end()))
    return spans


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    words = re.findall(r"[A-Za-z]{2,}", text)
    return len(words) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# --- plan settings in the words every reader of them reads -----------------------------------

_SMALL = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_PEOPLE = r"(?:people|persons?|pple|ppl|individuals|heads|sleepers)"
_ONE_NET = r"(?:1|one|a|each|every|single|one\s+single)\s+(?:mosquito\s+)?(?:net|itn|llin)"
_COUNT = r"(?P<num>\d+(?:\.\d+)?|two|three|four|five)"
# "1 net for every 2 people", "one net per two persons", "a net for each 2 people", "each net
# covers 2 people"; "2 people share a net", "two persons to one net"
NET_FOR_PEOPLE = (
    re.compile(r"\b" + _ONE_NET + r"\s+(?:for|per|to|covers?|covering|serves?|between|among"
               r"|shared\s+by|goes\s+to)\s+(?:every|each|all|all\s+the)?\s*" + _COUNT + r"\s+"
               + _PEOPLE + r"\b", re.I),
    re.compile(r"\b(?:(?:every|each)\s+)?" + _COUNT + r"\s+" + _PEOPLE + r"\s+(?:share|sharing|to"
               r"|under|for|on|in|gets?|receives?|use)\s+" + _ONE_NET + r"\b", re.I),
)


def people_per_net_said(text: str) -> str:
    """The people per net said as nets for people ("1 net for every 2 people", "two persons
    share a net") rewritten as "2 people per net", the way every reader of that setting reads
    it; the text unchanged otherwise."""
    for rx in NET_FOR_PEOPLE:
        text = rx.sub(lambda m: f"{_SMALL.get(m.group('num').lower(), m.group('num'))} people "
                                "per net", text)
    return text


# "hh5", "hhsize6", "household5": a setting's short name typed together with its value
GLUED = re.compile(r"\b(hh|hhs|hhsize|hh_size|household|householdsize|hsize|ppn)(\d+(?:\.\d+)?)\b",
                   re.I)


def settings_spaced(text: str) -> str:
    """A setting's short name and its value typed as one word ("plan 300k hh5") written
    apart ("hh 5"), as every reader of that setting reads them."""
    return GLUED.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


# "top5", "bottm10": a list word typed together with how many
_LIST_WORDS = ("top", "bottom", "highest", "lowest", "worst", "best", "riskiest")
GLUED_LIST = re.compile(
    r"\b(" + "|".join([*_LIST_WORDS, *(k for k, v in SHORTHAND.items() if v in _LIST_WORDS)])
    + r")(\d{1,3})\b", re.I)


def list_spaced(text: str) -> str:
    """A list word and its number typed as one word ("top5 kuran", "bottm10") written
    apart ("top 5 kuran")."""
    return GLUED_LIST.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


def plain_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` in plain words (see the module's docstring); unchanged when nothing applies.
    Plain words stay as they are, so reading a message twice reads it as once: one rewrite
    can show another ("d P C A" -> "the P C A" -> "the PCA"), so the pass runs until nothing
    changes."""
    if not text or not text.strip():
        return text
    names = tuple(names)
    out = _plain_once(text, names)
    for _ in range(3):
        again = _plain_once(out, names)
        if again == out:
            break
        out = again
    return out


def _plain_once(text: str, names: tuple[str, ...]) -> str:
    out = text
    if _shouted(out):
        out = out.lower()
    out = _spelled_out(out)
    out = _HI_HIGH.sub(lambda m: "High" if m.group(0)[0].isupper() else "high", out)
    out = _hi_wards(out)
    out = _FOR_CODE.sub(lambda m: f"{m.group(1)} for ", out)
    out = _SAME_FOR.sub(lambda m: f"{m.group(1)} for ", out)
    out = _TREAT_AS_URBAN.sub(lambda m: f"use urban threshold {m.group('n')}", out)
    out = _SERVED_LAST.sub(lambda m: f"urban threshold {m.group('n')}", out)
    out = _WORSE_PASS.sub(lambda m: f"most vulnerable {m.group(1)}", out)
    out = _NKO.sub(lambda m: f"what about {m.group('x')}?", out)
    stripped = _COURTESY_LEAD.sub("", out)
    if stripped.strip():
        out = stripped
    without = _COURTESY_ANY.sub("", out).strip()
    if re.search(r"\w", without):
        out = without
    out = _DECIDER_SAYS.sub(lambda m: m.group(1), out)
    out = inverted_condition(out)
    out = _HOUSE_HOLD.sub(lambda m: "household" + (m.group(1) or ""), out)
    out = _PRIO_SPLIT.sub(lambda m: m.group(1) + m.group(2), out)
    out = _POP.sub("population", out)
    out = _SPOKEN_HUNDREDS.sub(_hundreds, out)
    out = _HAUSA_PEOPLE.sub(lambda m: f"{_HAUSA_ONES[m.group(1).lower()]} people", out)
    out = _POINT.sub(lambda m: f"{_digit(m.group(1))}.{_digit(m.group(2))}", out)
    out = _O_NUMBER.sub(_o_number, out)
    out = _DIGIT_FOR.sub("for", out)
    out = _DIGIT_TO.sub(lambda m: f"{m.group(1) or m.group(2)} to", out)
    out = list_spaced(out)
    out = _lst_list(out, names)
    spans = _protected_spans(out, names)
    out = _TOKEN.sub(lambda m: _word(m, spans), out)
    return people_per_net_said(settings_spaced(out))


# "lst dem", "ok lst d wards", "lst all": "list" where the message opens with it and a list
# follows; "lst" alone or before anything else is land surface temperature, left as typed
_LST_LIST = re.compile(
    r"^(\W*(?:(?:ok(?:ay)?|so|and|now|then|pls|please|abeg|oya)[\s,]+)*)lst(?=\s+(?:dem|them|those"
    r"|dose|all|d|the|di|wards?|ones|top|bottom|high|hgh|medium|low|out|em|am)\b)", re.I)


def _lst_list(text: str, names: tuple[str, ...]) -> str:
    if any(str(n).strip().lower() == "lst" for n in names):
        return text  # the table has a column called LST: kept as typed
    return _LST_LIST.sub(lambda m: m.group(1) + "list", text, count=1)


def _hi_wards(text: str) -> str:
    def high(m: re.Match) -> str:
        before = text[:m.start()].split()
        if len(before) == 1 and before[0].lower() in _BEFORE_GREETING:
            return m.group(0)  # "ok hi wards ...": a greeting after the opening word
        return "High" if m.group(0)[0].isupper() else "high"

    return _HI_WARDS.sub(high, text)


def text_names(ctx: object, facts: object) -> list[str]:
    """The ward, LGA and column names a message may spell (kept as typed), from a router
    context (its wards and columns) and the session's facts (its LGAs)."""
    wards = tuple(getattr(ctx, "wards", ()) or ())
    names = [getattr(w, "name", str(w)) for w in wards]
    names += [w.lga for w in wards if getattr(w, "lga", None)]
    return [*dict.fromkeys([*names, *(getattr(facts, "lgas", ()) or ()),
                            *(getattr(ctx, "variables", ()) or ())])]


def _word(m: re.Match, spans: list[tuple[int, int]]) -> str:
    token = m.group(0)
    plain = SHORTHAND.get(token.lower())
    if plain is None or _inside(m.start(), m.end(), spans):
        return token
    # a capital "D" or "U" may be a code or a category letter: only rewrite lower-case ones
    if len(token) == 1 and token.isupper():
        return token
    return plain


def _spelled_out(text: str) -> str:
    def join(m: re.Match) -> str:
        letters = m.group(1).replace(" ", "")
        return _SPELLED.get(letters.lower(), m.group(0))

    return _SPELLED_RUN.sub(join, text)


def _hundreds(m: re.Match) -> str:
    value = _ONES[m.group(1).lower()] * 100 + _TENS[m.group(2).lower()]
    if m.group(3):
        value += _ONES[m.group(3).lower()]
    return f"{value}k" if m.group(4).lower() in ("k", "grand") else f"{value} thousand"


def _o_number(m: re.Match) -> str:
    raw = m.group(0)
    if "o" not in raw.lower():
        return raw
    fixed = re.sub(r"[oO]", "0", raw)
    if re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*", fixed):
        return fixed
    return raw
