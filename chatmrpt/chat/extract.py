"""Parameters from plain words: numbers, percentages, wards, variables, methods, strategies.

Every function here is pure and deterministic: the same text (and the same ward list or
column list) always gives the same answer. Nothing guesses a value the text does not hold;
a function that cannot tell returns ``None`` or several candidates and lets the caller ask.

Numbers are read the way analysts write them in chat: ``1,200,000``, ``1.2m``, ``500k``,
``2.5 million``, ``two million``, ``five hundred thousand``, ``half a million``,
``a million and a half``, ``30%``, ``thirty per cent``. Ward names are matched after the
project's ward-name normalisation (chatmrpt.analysis.names), tolerating typos, a missing or
extra word "ward", and names shared by wards of different LGAs. Variables are found through
the project's variable catalogue (chatmrpt.analysis.variables) and the dataset's columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from chatmrpt.analysis.names import normalise_ward_name
from chatmrpt.analysis.variables import CATALOGUE, catalogue_entry

# --- text --------------------------------------------------------------------------------

_CONTRACTIONS = (
    (re.compile(r"\bwhat's\b"), "what is"), (re.compile(r"\bhow's\b"), "how is"),
    (re.compile(r"\bwhere's\b"), "where is"), (re.compile(r"\bthat's\b"), "that is"),
    (re.compile(r"\bit's\b"), "it is"), (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\bwhats\b"), "what is"), (re.compile(r"\bi'd\b"), "i would"),
    (re.compile(r"\bi'm\b"), "i am"), (re.compile(r"\bwe've\b"), "we have"),
    (re.compile(r"\bwe're\b"), "we are"), (re.compile(r"\bcan't\b"), "cannot"),
)  # fmt: skip
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "×": "x"})


def lower_text(text: str) -> str:
    """Lower-case text, same length as the input (so spans stay valid), quotes unified."""
    text = unicodedata.normalize("NFC", str(text)).translate(_QUOTES)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# Short or phonetic misspellings that edit distance alone cannot safely recover.
_MISSPELLINGS = {
    "teh": "the", "hte": "the", "waht": "what", "wht": "what", "wat": "what", "mpa": "map",
    "mapp": "map", "compair": "compare", "compaire": "compare", "plz": "please",
    "pls": "please", "thx": "thanks", "tnx": "thanks", "abt": "about", "wrt": "about",
    "hhs": "households", "nt": "net", "nts": "nets", "itn's": "itns", "llin's": "llins",
    "populatn": "population", "popn": "population", "poplation": "population",
    "pop.": "population",
}  # fmt: skip
_MISSPELT = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, _MISSPELLINGS)) + r")(?![\w'])")


def canonical_text(text: str, protected: Iterable[str] = ()) -> str:
    """Lower case, contractions expanded, misspelt domain words corrected (see correct_typos)."""
    out = lower_text(text)
    for pattern, replacement in _CONTRACTIONS:
        out = pattern.sub(replacement, out)
    out = _MISSPELT.sub(lambda m: _MISSPELLINGS[m.group(1)], out)
    return correct_typos(out, protected)


# Words the chat's vocabulary is made of. A word of a message that is not one of them (nor a
# common English word, nor a protected ward/variable word) and is one or two typing slips
# away from one of them is read as that word: "analize" -> "analyze", "vulnerabilty" ->
# "vulnerability", "houshold" -> "household".
VOCABULARY: tuple[str, ...] = (
    "analyze", "analyse", "analysis", "analyses", "analyzing", "analysing", "vulnerability",
    "vulnerable", "prioritize", "prioritise", "prioritization", "prioritisation",
    "reprioritize", "reprioritise", "reprioritization", "reprioritisation", "deprioritize",
    "deprioritise", "deprioritized", "deprioritised", "composite", "principal", "component",
    "components", "normalization", "normalisation", "normalize", "normalise", "imputation",
    "impute", "imputed", "methodology", "method", "methods", "household", "households",
    "distribution", "distribute", "allocate", "allocation", "mosquito", "bednets", "explain",
    "explanation", "compare", "comparison", "export", "download", "spreadsheet", "positivity",
    "microscopy", "pregnant", "threshold", "thresholds", "percentage", "percent", "strategy",
    "capped", "continue", "ranking", "rankings", "ranked", "highest", "lowest", "bottom",
    "describe", "dataset", "variables", "variable", "summary", "summarize", "summarise",
    "status", "urban", "category", "categories", "calculate", "calculated", "computed",
    "compute", "difference", "different", "between", "planning", "available", "average",
    "people", "persons", "buffer", "report", "results", "facility", "facilities", "primary",
    "secondary", "tertiary", "children", "insecticide", "campaign", "coverage", "million",
    "thousand", "hundred", "billion", "geojson", "geoparquet", "excel", "choropleth",
    "visualize", "visualise", "population", "community", "communities", "direction",
    "directions", "inverse", "inversely", "direct", "reciprocal", "linear", "ward", "wards",
    "nets", "map", "maps", "plan", "please", "show", "rank", "score", "scores", "median",
    "microscopy", "rainfall", "distance", "housing", "quality", "settlement", "elevation",
    "vegetation", "temperature", "humidity", "wetness", "dataset", "columns", "column",
    "upload", "uploaded", "size", "share", "target", "consensus", "correlation", "agreement",
    "diagnostic", "malaria", "risk", "risky", "riskiest", "least", "most", "priority",
    "greetings", "hello", "thanks", "thank", "what", "which", "where", "would", "should",
    "could", "about", "again", "instead", "explain", "tell", "give", "list", "many", "much",
    "first", "second", "third", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety", "fifteen", "eleven", "twelve", "thirteen", "fourteen", "sixteen",
    "seventeen", "eighteen", "nineteen", "three", "seven", "eight", "quarter", "half",
)  # fmt: skip
# Ordinary words that sit one slip away from a vocabulary word and must stay as they are.
_KEEP = frozenset((
    "the", "then", "than", "that", "this", "these", "those", "them", "they", "there", "their",
    "here", "where", "were", "when", "what", "which", "while", "with", "will", "would", "could",
    "should", "have", "has", "had", "having", "make", "made", "makes", "take", "takes", "give",
    "gives", "given", "show", "shows", "shown", "list", "lists", "tell", "tells", "told", "like",
    "likes", "just", "also", "only", "each", "every", "some", "many", "much", "more", "most",
    "less", "least", "other", "after", "before", "again", "same", "into", "over", "under",
    "below", "above", "about", "among", "along", "does", "done", "doing", "know", "means",
    "meant", "mean", "rate", "rates", "risk", "ranks", "rank", "raking", "plant", "plans",
    "planned", "planner", "maps", "mapped", "mapping", "area", "areas", "nice", "okay", "thanks",
    "thank", "people", "person", "persons", "mosquitoes", "total", "totals", "number", "numbers",
    "share", "shares", "sharing", "shared", "set", "sets", "state", "states", "lgas", "score",
    "scores", "scored", "best", "worst", "first", "last", "next", "want", "wants", "need",
    "needs", "needed", "used", "uses", "using", "user", "users", "file", "files", "value",
    "values", "table", "tables", "range", "ranges", "order", "orders", "words", "word", "world",
    "ward", "wards", "warden", "hard", "card", "data", "date", "dates", "gate", "late", "rather",
    "others", "whether", "weather", "either", "neither", "aside", "inside", "outside", "beside",
    "besides", "because", "cause", "causes", "sure", "pure", "cure", "must", "mist", "post",
    "cost", "host", "lost", "lose", "loose", "close", "whose", "vs", "via", "per", "cent", "all",
    "any", "are", "was", "is", "it", "its", "our", "out", "how", "who", "why", "yes", "yet",
    "not", "now", "new", "few", "far", "for", "from", "form", "forms", "store", "shore", "medium",
    "media", "think", "expert", "complete", "completed", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "forth", "fourth", "risks", "scope", "model", "models", "three",
    "quarters", "thirds", "halves"
))  # fmt: skip
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_VOCAB = frozenset(VOCABULARY)


def correct_typos(text: str, protected: Iterable[str] = ()) -> str:
    """Replace words that are misspellings of vocabulary words; ``text`` is lower case."""
    keep = _KEEP | _VOCAB | {w.lower() for w in protected}

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) < 5 or word in keep or "'" in word:
            return word
        best, best_distance = word, None
        limit = 1 if len(word) <= 8 else 2
        for candidate in VOCABULARY:
            # a slip rarely hits the first letter; requiring it keeps real words intact
            if candidate[0] != word[0] or abs(len(candidate) - len(word)) > limit:
                continue
            d = OSA.distance(word, candidate, score_cutoff=limit)
            if d <= limit and (best_distance is None or d < best_distance):
                best, best_distance = candidate, d
        return best

    return _WORD.sub(fix, text)


def protected_words(names: Iterable[str]) -> set[str]:
    """The words of ward or column names: never "corrected" into vocabulary words."""
    out: set[str] = set()
    for name in names:
        out.update(_WORD.findall(lower_text(str(name).replace("_", " "))))
    return out


# --- numbers -----------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
_SCALES = {"thousand": 1e3, "thousands": 1e3, "million": 1e6, "millions": 1e6,
           "billion": 1e9, "billions": 1e9}  # fmt: skip
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
_SUFFIX = {"k": 1e3, "m": 1e6, "mn": 1e6, "mil": 1e6, "bn": 1e9}
_NUMBER_TOKEN = re.compile(
    r"(?P<num>(?<![\w.])(?:\d{1,3}(?:,\d{3})+(?![\d])|\d{1,3}(?:[ \u00a0\u202f]\d{3}){2,}(?![\d])"
    r"|\d{1,3}[ \u00a0\u202f]000(?![\d.,])"
    r"|\d+)(?:\.\d+)?|(?<![\w.])\.\d+)(?P<suffix>[ ]?(?:k|mn|mil|m|bn)\b)?"
    r"|(?P<word>[a-z]+)|(?P<pct>%)"
)
_PERCENT_WORDS = re.compile(r"\s*(?:%|percent\b|per\s*cent\b|pct\b|percentage\s+points?\b)")


@dataclass(frozen=True)
class NumberMention:
    """A number found in a text: its value, where it is, and whether it is a percentage."""

    value: float
    start: int
    end: int
    percent: bool = False
    text: str = ""

    @property
    def number(self) -> int | float:
        """The value as an int when it is whole (so 5 stays 5, not 5.0)."""
        return int(self.value) if float(self.value).is_integer() else self.value

    @property
    def is_whole(self) -> bool:
        return float(self.value).is_integer()


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "word", "pct"
    text: str
    start: int
    end: int
    value: float = 0.0
    scaled: bool = False  # digits with a k/m suffix: a complete amount


def _tokens(low: str) -> list[_Tok]:
    toks = []
    for m in _NUMBER_TOKEN.finditer(low):
        if m.group("num"):
            digits = re.sub(r"[,\s\u00a0\u202f]", "", m.group("num"))
            value = float(digits)
            suffix = (m.group("suffix") or "").strip()
            if suffix:
                value *= _SUFFIX[suffix]
            toks.append(_Tok("num", m.group(0), m.start(), m.end(), value, bool(suffix)))
        elif m.group("word"):
            toks.append(_Tok("word", m.group("word"), m.start(), m.end()))
        else:
            toks.append(_Tok("pct", "%", m.start(), m.end()))
    return toks


def _joined(low: str, a: _Tok, b: _Tok) -> bool:
    """Two tokens belong to one number phrase only when spaces or a hyphen separate them."""
    return re.fullmatch(r"[\s-]*", low[a.end : b.start]) is not None


@dataclass
class _Reading:
    """How far a number phrase has been read: completed thousands/millions, the group being
    read, a pending fraction ("half a ..."), and the kind of the last token."""

    total: float = 0.0
    current: float | None = None
    fraction: float | None = None
    last: str | None = None
    last_scale: float = float("inf")
    digits_scaled: bool = False  # the amount is written "300k", "1.5m"

    @property
    def complete(self) -> bool:
        # "a", "and" and "half" cannot end a number: "a ward", "half of the wards"
        return self.last not in ("a", "and", "fraction")

    @property
    def value(self) -> float:
        return self.total + (self.current or 0.0)


# "a few hundred thousand", "several hundred thousand": no amount
VAGUE_COUNT = frozenset({"few", "several", "many", "some", "of"})


class _NumberParser:
    """Reads number phrases token by token; each kind of token has its own rule.

    A rule gets the reading so far and the token's index, and returns how many tokens it
    used, or None when the token cannot continue the phrase (the phrase then ends).
    """

    def __init__(self, low: str, toks: list[_Tok]):
        self.low, self.toks = low, toks
        self.rules: dict[str, Callable[[_Reading, int], int | None]] = {
            **dict.fromkeys(_UNITS, self._unit),
            **dict.fromkeys(_TENS, self._tens),
            **dict.fromkeys(_SCALES, self._scale),
            **dict.fromkeys(_FRACTIONS, self._fraction),
            "quarters": self._quarters, "thirds": self._quarters,
            **dict.fromkeys(_SUFFIX, self._suffix),
            "hundred": self._hundred, "hundreds": self._hundred, "a": self._article,
            "an": self._article, "dozen": self._dozen, "and": self._and, "point": self._point,
        }  # fmt: skip

    def word(self, j: int) -> str | None:
        if j < len(self.toks) and self.toks[j].kind == "word":
            return self.toks[j].text
        return None

    def joined(self, j: int) -> bool:
        return 0 < j < len(self.toks) and _joined(self.low, self.toks[j - 1], self.toks[j])

    def parse(self, i: int) -> tuple[float, int] | None:
        """(value, index of the last token used), or None when no number starts at ``i``."""
        reading = _Reading()
        best: tuple[float, int] | None = None
        j = i
        while j < len(self.toks) and (j == i or self.joined(j)):
            tok = self.toks[j]
            rule = self._digits if tok.kind == "num" else self.rules.get(self.word(j) or "")
            step = rule(reading, j) if rule is not None else None
            if step is None:
                break
            j += step
            if reading.complete:
                best = (reading.value, j - 1)
        return best

    def _digits(self, r: _Reading, j: int) -> int | None:
        tok = self.toks[j]
        if tok.scaled:  # "500k", "1.5m": a complete amount
            if r.last is not None:
                return None
            r.total, r.last, r.last_scale = tok.value, "scale", tok.value
            r.digits_scaled = True
            return 1
        nxt = self.word(j + 1)
        # digits start a phrase, or follow a scale when a smaller scale comes next
        # ("2 million 500 thousand")
        if r.last is None or (r.last == "scale" and nxt in _SCALES and _SCALES[nxt] < r.last_scale):
            r.current, r.last = tok.value, "num"
            return 1
        return None

    def _starts_group(self, r: _Reading) -> bool:
        return r.current is None and r.fraction is None and r.last in (None, "scale", "and")

    def _pronoun_one(self, r: _Reading, j: int) -> bool:
        """ "the 300k one", "the two million one": "one" after an amount names the plan of
        that amount; it adds to it only before "hundred" or a scale."""
        nxt = self.word(j + 1)
        return (self.word(j) == "one" and r.last == "scale" and r.current is None
                and not (nxt in _SCALES or nxt in ("hundred", "hundreds")
                         and self.joined(j + 1)))

    def _after_hundred(self, r: _Reading) -> bool:
        return r.last in ("hundred", "and") and r.current is not None and r.current % 100 == 0

    def _unit(self, r: _Reading, j: int) -> int | None:
        v = _UNITS[self.word(j)]
        if self._pronoun_one(r, j) or (r.last == "scale" and r.digits_scaled):
            return None  # "300k one", "500k five": no amount continues a "300k"
        if self._starts_group(r):
            r.current = v
        elif (r.last == "tens" and 0 < v < 10) or self._after_hundred(r):
            r.current += v  # "twenty five", "two hundred and five"
        else:
            return None
        r.last = "unit"
        return 1

    def _tens(self, r: _Reading, j: int) -> int | None:
        v = _TENS[self.word(j)]
        if r.last == "scale" and r.digits_scaled:
            return None
        if self._starts_group(r):
            r.current = v
        elif self._after_hundred(r):
            r.current += v
        else:
            return None
        r.last = "tens"
        return 1

    def _hundred(self, r: _Reading, j: int) -> int | None:
        if r.last == "a" or (r.last is None and self._bare_hundred(j)):
            r.current = 100
        elif r.current is not None and r.current < 100 and r.last in ("unit", "tens", "num"):
            r.current *= 100
        else:
            return None
        r.last = "hundred"
        return 1

    def _bare_hundred(self, j: int) -> bool:
        """ "add another hundred thousand", "hundred and fifty thousand nets": "hundred"
        opening the phrase before a scale is one hundred; "a few hundred thousand" stays
        vague."""
        nxt = self.word(j + 1)
        if nxt == "and" and (self.word(j + 2) in _UNITS or self.word(j + 2) in _TENS):
            # "hundred and fifty thousand": the scale follows the tens and units
            k = j + 2
            while self.word(k) in _UNITS or self.word(k) in _TENS:
                k += 1
            nxt, at = self.word(k), k
        else:
            at = j + 1
        if nxt not in _SCALES or not all(self.joined(i) for i in range(j + 1, at + 1)):
            return False
        before = self.word(j - 1) if j > 0 and self.joined(j) else None
        return before not in VAGUE_COUNT

    def _scale(self, r: _Reading, j: int) -> int | None:
        scale = _SCALES[self.word(j)]
        if scale >= r.last_scale:
            return None
        if r.fraction is not None:
            r.total += r.fraction * scale
            r.fraction = None
        elif r.current is not None:
            r.total += r.current * scale
        elif r.last == "a":
            r.total += scale
        else:
            return None
        r.current, r.last, r.last_scale = None, "scale", scale
        words = [self.word(j + k) for k in (1, 2, 3)]
        if (
            words[0] == "and"
            and words[1] in ("a", "an")
            and words[2] in _FRACTIONS
            and all(self.joined(j + k) for k in (1, 2, 3))
        ):
            r.total += _FRACTIONS[words[2]] * scale  # "a million and a half"
            return 4
        return 1

    def _fraction(self, r: _Reading, j: int) -> int | None:
        # "half a million", "a quarter of a million", "half million", "one quarter of a million"
        if r.current == 1 and r.last in ("unit", "num") and not r.total:
            r.current, r.last = None, "a"
        if r.current is not None or r.fraction is not None or r.last not in (None, "a"):
            return None
        r.fraction, r.last = _FRACTIONS[self.word(j)], "fraction"
        return self._of_a(j + 1) - j

    def _of_a(self, k: int) -> int:
        """The position after an "of" and an "a" that follow a fraction ("quarter of a")."""
        if self.word(k) == "of" and self.joined(k):
            k += 1
        if self.word(k) in ("a", "an") and self.joined(k):
            k += 1
        return k

    def _suffix(self, r: _Reading, j: int) -> int | None:
        # "two hundred k", "fifty k", "one point five m": words read out, a suffix typed
        scale = _SUFFIX[self.word(j)]
        if r.current is None or r.last not in ("unit", "tens", "hundred") or \
                scale >= r.last_scale:
            return None
        r.total += r.current * scale
        r.current, r.last, r.last_scale, r.digits_scaled = None, "scale", scale, True
        return 1

    def _quarters(self, r: _Reading, j: int) -> int | None:
        # "three quarters of a million", "two thirds of a million"
        parts = 4 if self.word(j) == "quarters" else 3
        if r.current is None or r.last not in ("unit", "num") or r.total or \
                not 0 < r.current < parts or not float(r.current).is_integer():
            return None
        r.fraction, r.current, r.last = r.current / parts, None, "fraction"
        return self._of_a(j + 1) - j

    def _article(self, r: _Reading, j: int) -> int | None:
        # "a" counts only before a scale: "a million", "a hundred", "a half"
        nxt = self.word(j + 1)
        if r.last is not None or not (
            nxt in _SCALES or nxt in _FRACTIONS or nxt in ("hundred", "dozen")
        ):
            return None
        r.last = "a"
        return 1

    def _dozen(self, r: _Reading, j: int) -> int | None:
        if r.last == "a":
            r.current = 12
        elif r.current is not None and r.last in ("unit", "num"):
            r.current *= 12
        else:
            return None
        r.last = "unit"
        return 1

    def _and(self, r: _Reading, j: int) -> int | None:
        nxt, after = self.word(j + 1), self.word(j + 2)
        if nxt in ("a", "an") and after in _FRACTIONS and r.current is not None:
            r.current += _FRACTIONS[after]  # "two and a half (million)"
            r.last = "unit"
            return 3
        if r.last in ("hundred", "scale") and (nxt in _UNITS or nxt in _TENS) and \
                not r.digits_scaled:  # "fifty k and five per household": two amounts
            r.last = "and"
            return 1
        return None

    def _point(self, r: _Reading, j: int) -> int | None:
        # "one point five million"
        if r.current is None or r.last not in ("unit", "tens"):
            return None
        k, digits = j + 1, ""
        while self.word(k) in _UNITS and _UNITS[self.word(k)] < 10 and self.joined(k):
            digits += str(_UNITS[self.word(k)])
            k += 1
        if not digits:
            return None
        r.current += float("0." + digits)
        r.last = "unit"
        return k - j


_PRONOUN_ONE_AFTER = re.compile(r"\s*(?:one|ones)\b(?!\s*(?:%|percent|per\s*cent|pct|hundred"
                                r"|thousand|million|k\b|m\b|[.,]?\d))")


def small_number(token: str) -> int | None:
    """One token read as a whole number: digits ("12") or a number word up to nineteen, or a
    round ten ("five", "twenty"); None otherwise."""
    if token.isdigit():
        return int(token)
    return _UNITS.get(token, _TENS.get(token))


def extract_numbers(text: str) -> list[NumberMention]:
    """Every number in ``text`` with its span (in ``text``) and whether it is a percentage."""
    low = lower_text(text)
    toks = _tokens(low)
    parser = _NumberParser(low, toks)
    out: list[NumberMention] = []
    i = 0
    while i < len(toks):
        parsed = parser.parse(i) if toks[i].kind != "pct" else None
        if parsed is None:
            i += 1
            continue
        value, last = parsed
        start, end = toks[i].start, toks[last].end
        pm = _PERCENT_WORDS.match(low, end)
        percent = pm is not None
        if percent:
            end = pm.end()
        out.append(NumberMention(value, start, end, percent, text[start:end]))
        if percent:  # "the 20% one": "one" names the choice of that percentage
            om = _PRONOUN_ONE_AFTER.match(low, end)
            end = om.end() if om else end
        i = last + 1
        while i < len(toks) and toks[i].start < end:
            i += 1
    return out


def weak_quantity(num: NumberMention, text: str = "") -> bool:
    """A number that is probably no amount: a year ("the 2024 campaign"), a phone number
    ("08031234567"), or a code ("LGA code 20"). It fills a slot only when a cue names it."""
    digits = re.sub(r"[^0-9]", "", num.text)
    if num.percent or not num.is_whole:
        return False
    if re.fullmatch(r"(?:19|20)\d\d", num.text.strip()):
        return True
    if digits.startswith("0") and len(digits) >= 7 or len(digits) >= 10 and \
            not re.search(r"[,\s]", num.text.strip()):
        return True
    low = lower_text(text) if text else ""
    before = low[max(0, num.start - 12): num.start]
    m = re.search(r"\b(?:code|no\.?|number|id|#)\s*:?\s*$", before)
    if m and m.group(0).startswith("no") and (
            re.fullmatch(r"[\s\W]*", low[: max(0, num.start - 12) + m.start()])
            or re.search(r"\d\s*(?:k|m|mn|bn)\b|\b(?:thousand|million|billion)\b",
                         num.text.lower())):
        return False  # "no. 500k", "no 450k then": the answer "no", then an amount
    return bool(m)


def parse_number(text: str) -> int | float | None:
    """The single number a short answer holds ("5", "two million", "1.2m"), else None."""
    found = extract_numbers(text)
    if len(found) != 1:
        return None
    return found[0].number


# --- numbers attached to parameters by the words around them ------------------------------


@dataclass(frozen=True)
class Cue:
    """Words that tie an adjacent number to a parameter: before it, or after it."""

    param: str
    before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None


_FILLER = (
    r"(?:of|is|are|was|were|be|becomes?|at|to|as|about|around|approximately|approx|roughly"
    r"|only|just|exactly|~|equal\s+to|equals?|set\s+to|changed?\s+to|now|on\s+average)"
)


def _before(pattern: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + pattern + r")\s*[:=]?\s*" + _FILLER + r"?\s*" + _FILLER + r"?\s*$")


def _after(pattern: str) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + pattern + r")")


def _named_as(pattern: str) -> str:
    """A number followed by the setting it is used as: "70 as the urban threshold",
    "100 for the bale size", "6 as our household size"."""
    return r"(?:as|for)\s+(?:the\s+|our\s+|my\s+|a\s+)?(?:new\s+)?(?:" + pattern + r")\b"


NETS_WORDS = (
    r"(?:(?:long[- ]lasting|insecticide[- ]treated|treated|mosquito|bed|new|more|extra|"
    r"additional|campaign|free|llin|itn)\s+)*(?:itns?|llins?|nets?|bednets?|bed\s*nets?)\b"
)
HOUSEHOLD_WORDS = r"(?:households?|hh|hhs|homes?|houses?|famil(?:y|ies))"

# "last year we gave out 380,000 nets": an amount of an earlier campaign, said beside this
# one's stock; history, never the number of nets to plan
PAST_AMOUNT = (
    r"(?:last\s+(?:year|round|campaign|time|season)|previous(?:ly)?|the\s+year\s+before"
    r"|in\s+(?:19|20)\d\d|back\s+in|(?:\d+\s+)?years?\s+ago|earlier\s+(?:campaign|round))"
    r"[^.;!?]{0,40}?\b(?:gave|given|handed|shared|distributed|delivered|used|received|got|had"
    r"|spent|allocated|issued|supplied)(?:\s+out)?(?:\s+(?:about|around|some|over|only))?"
)


# "we ran the under-5 tpr for secondary facilities this morning. now run it for pregnant
# women": what was done before, told as context ahead of the order; it names the last run,
# not the one asked for
_TOLD_DONE = re.compile(
    r"^\s*(?:(?:so|ok(?:ay)?|well|hi|hello|yes|fine)[\s,]+)*(?:we|i|they|you|someone|the\s+team)"
    r"\s+(?:already\s+|just\s+)?(?:ran|did|computed|calculated|produced|generated|made|had"
    r"|looked\s+at|checked|have\s+(?:already\s+)?(?:run|done|computed|calculated))\b")
_THEN_ORDER = re.compile(r"[.;!?]+\s+|,?\s+(?=(?:and\s+|but\s+|so\s+)?now\b)")


def without_told_done(low: str) -> str:
    """The text without the sentences that tell what was done before, when an order follows
    them ("we ran the under-5 tpr this morning. now run it for pregnant women" -> "now run
    it for pregnant women"); the text as it is otherwise. Spans are kept: what is taken out
    is blanked."""
    out = low
    start = 0
    for m in _THEN_ORDER.finditer(low):
        part = low[start: m.start()]
        rest = low[m.end():]
        if _TOLD_DONE.match(part) and rest.strip(" .!?"):
            out = out[:start] + " " * (m.start() - start) + out[m.start():]
        start = m.end()
    return out


def past_amount(num: NumberMention, low: str) -> bool:
    """A number said as the amount of an earlier campaign ("last year we gave out 380,000")."""
    return bool(re.search(r"\b" + PAST_AMOUNT + r"\s*$", low[max(0, num.start - 90): num.start]))


# the words that give wards without a population one: "fill population median", "fill the
# missing populations with the mean", "population fill rule 2,500"
FILL_POPULATION = (r"fill(?:ing)?\s+(?:in\s+)?(?:the\s+)?(?:missing\s+)?populations?(?:\s+with)?"
                   r"(?:\s+the)?|population\s+fill(?:\s+rule)?(?:\s+with)?(?:\s+the)?")
FILL_WORD = re.compile(r"\b(?:" + FILL_POPULATION + r")\s*[:=]?\s*(mean|median|average)\b")


def find_fill_rule(text: str) -> str | None:
    """The word a population fill is said with ("fill population median"): mean or median."""
    m = FILL_WORD.search(lower_text(text))
    return None if m is None else ("mean" if m.group(1) == "average" else m.group(1))


# Order matters: when a number fits several cues the first one wins, so the specific
# parameters (bale size, people per net...) come before the general one (total nets).
PLAN_CUES: tuple[Cue, ...] = (
    Cue("_past", before=re.compile(r"\b" + PAST_AMOUNT + r"\s*$")),
    # "fill population 2,500", "fill missing populations with 1000": the population given to
    # wards without one, never a stock or a household
    Cue("fill_population", before=_before(FILL_POPULATION)),
    Cue(
        "bale_size",
        before=_before(r"bales?\s*(?:size)?|bale\s+of|bales\s+of|bales\s+with"),
        after=_after(
            r"(?:nets?\s+)?(?:per|a|in\s+(?:a|each|every|one))\s+bales?\b"
            r"|-?\s*nets?\s+bales?\b|" + _named_as(r"bale\s*size|size\s+of\s+(?:a|each)\s+bale")
        ),
    ),
    Cue(
        "people_per_net",
        before=_before(
            r"(?:people|persons|ppl|pple)[- ]per[- ]net|ppn|per[- ]net\s+(?:factor|ratio)"
            r"|nets?\s+(?:covers?|protects?|serves?)|one\s+net\s+(?:for|per)"
        ),
        after=_after(
            r"(?:people|persons?|ppl|pple)\s*(?:per|a|each|for\s+(?:each|one|a|every)|/)\s*nets?\b"
            r"|(?:people|persons?)\s+(?:sleep|share|covered)\s+(?:under|by|per)\s+(?:a|one|each)\s+net"
            r"|" + _named_as(r"(?:people|persons)[- ]per[- ]net|ppn")
        ),
    ),
    Cue(
        "household_size",
        before=_before(
            r"(?:average\s+)?" + HOUSEHOLD_WORDS + r"\s*(?:sizes?|members)?"
            r"(?:\s+(?!nets?\b|itns?\b|llins?\b)[a-z]+){0,2}?\s*"
            r"(?:is|are|of|=|:|has|have|with|averages?|averaging|avg|equals?|contain"
            r"|contains|hold|holds)?\s*(?:an?\s+)?(?:average|avg|mean)?\s*(?:of|is)?"
        ),
        after=_after(
            r"(?:people|persons?|members|individuals|ppl|occupants)?\s*(?:on\s+average\s+)?"
            r"(?:per|a|each|in\s+(?:a|each|every|one|the\s+average|an\s+average)|/|for\s+each"
            r"|every)\s*(?:average\s+)?" + HOUSEHOLD_WORDS + r"\b"
            r"|-?\s*(?:persons?|people|members?)\s+" + HOUSEHOLD_WORDS + r"\b"
            # "5 people for house" (pidgin): people for one household
            r"|(?:persons?|people|ppl)\s+for\s+(?:one\s+|a\s+|each\s+|every\s+)?"
            + HOUSEHOLD_WORDS + r"\b"
            r"|" + _named_as(r"(?:average\s+)?(?:household|hh)\s*size")
        ),
    ),
    Cue(
        "max_ward_share",
        before=_before(
            r"cap(?:ped)?|capping|cap(?:ped)?\s+(?:(?:each|every|any|a|per|the|all)\s+)?wards?|max(?:imum)?\s*"
            r"(?:ward\s*)?share|no\s+(?:single\s+)?ward\s+(?:gets|takes|receives|getting|"
            r"taking|should\s+(?:get|take|receive)|can\s+(?:get|take)|may\s+(?:get|take))\s+"
            r"(?:more\s+than|over|above)|limit\s+(?:each|every|any|a)\s+ward\s+to"
        ),
        after=_after(
            r"(?:of\s+(?:the\s+|all\s+(?:the\s+)?)?(?:nets|stock|budget|total)\s+)?"
            r"(?:per|for\s+(?:any|one|a\s+single|each|a))\s+(?:single\s+)?ward\b|cap\b"
            r"|" + _named_as(r"(?:ward\s+)?cap|max(?:imum)?\s+(?:ward\s+)?share")
        ),
    ),
    Cue(
        "buffer",
        before=_before(r"buffer|buffer\s+(?:factor|multiplier)|wastage|contingency"),
        after=_after(
            r"(?:extra\s+|as\s+a\s+)?(?:buffer|wastage|contingency)\b"
            r"|(?:extra|more|additional)(?:\s+nets)?\s+(?:for|as)\s+(?:losses|wastage|buffer)"
            r"|" + _named_as(r"buffer|wastage|contingency")
        ),
    ),
    Cue(
        "urban_threshold",
        before=_before(
            r"urban\s*(?:threshold|cut[- ]?off|cutoff|limit|level|share|percentage)?\s*"
            r"(?:of|is|=|:|to|at|above|over|greater\s+than|more\s+than|>|>=)?"
            r"|threshold\s*(?:of|is|=|:|to|at)?"
        ),
        after=_after(r"urban\b|" + _named_as(
            r"(?:urban\s+)?(?:threshold|cut[- ]?off|cutoff)|urban\s+(?:share|level|limit)")),
    ),
    Cue(
        "total_nets",
        before=_before(
            r"(?:total\s+)?(?:itns?|llins?|nets?|bednets?)\s*(?:available|in\s+stock|total)?"
            r"|stock|budget|supply|quantity|total"
        ),
        after=_after(NETS_WORDS + r"(?!\s+(?:covers?|protects?|serves?|per\b|bales?\b))|"
                     + _named_as(r"(?:total\s+)?(?:number\s+of\s+nets|net\s+(?:total|count)"
                                 r"|stock|budget|supply)")),
    ),
    # numbers about people or wards are not net counts; naming them keeps them from being
    # taken as one
    Cue("_people", after=_after(r"(?:people|persons|population|residents|inhabitants)\b")),
    Cue("_wards", after=_after(r"(?:wards?|lgas?|states?|years?|months?)\b")),
    # "120 bales", "3 trucks": a count of bales or vehicles is no number of nets
    Cue("_bales", after=_after(r"(?:bales?|trucks?|lorr(?:y|ies)|trips?|vehicles?|pallets?"
                               r"|cartons?)\b")),
    # "150 as the minimum": a number named as something no cue knows is no net count
    Cue("_other", after=_after(r"as\s+(?:the|our|my|a|an)\s+[a-z]")),
)

URBAN_CUES: tuple[Cue, ...] = (
    Cue(
        "target_share",
        before=_before(
            r"target\s*(?:share|population\s+share|population|of)?|until|up\s+to|reach"
            r"(?:es|ing)?|cover(?:ing)?|(?:population\s+)?share\s+(?:of)?"
        ),
        after=_after(
            r"(?:of\s+(?:the\s+)?(?:total\s+|whole\s+)?population|population\s+share"
            r"|(?:population\s+)?target|of\s+people)"
        ),
    ),
)

TOP_CUES: tuple[Cue, ...] = (
    Cue(
        "n",
        before=_before(r"top|bottom|first|last|best|worst|highest|lowest|riskiest|safest"),
        after=_after(
            r"(?:(?:most|least|highest|lowest|top|bottom|high|low|worst|best|riskiest|"
            r"safest|priority|vulnerable|risky|ranked|ranking|at[- ]risk|high[- ]risk|"
            r"low[- ]risk|malaria|prone|endemic)[- ]?\s*){1,3}"
        ),
    ),
    # "10 wards" is a count of wards only when no number is tied to the ranking words: "our
    # campaign covered 66 wards. Show me the 10 most vulnerable" asks for 10
    Cue("n_wards", after=_after(r"wards?\b")),
)


def assign_numbers(
    text: str,
    cues: Sequence[Cue],
    numbers: Sequence[NumberMention] | None = None,
    accepts: Mapping[str, Callable[[NumberMention], bool]] | None = None,
) -> tuple[dict[str, NumberMention], list[NumberMention]]:
    """Numbers tied to parameters by adjacent words, and the numbers no cue claims.

    ``text`` is the (lower-case) text the spans of ``numbers`` refer to. A number goes to the
    first cue that names it and, when ``accepts`` has a check for that parameter, whose
    check it passes ("households with 500000 nets": 500000 is no household size, so the
    nets take it). Each parameter takes the first number that names it; cue names starting
    with "_" claim numbers only to keep them away from the others.
    """
    numbers = extract_numbers(text) if numbers is None else list(numbers)
    low = lower_text(text)
    accepts = accepts or {}
    assigned: dict[str, NumberMention] = {}
    free: list[NumberMention] = []
    for num in numbers:
        head, tail = low[max(0, num.start - 60) : num.start], low[num.end : num.end + 60]
        named = [
            cue.param
            for cue in cues
            if (cue.before is not None and cue.before.search(head))
            or (cue.after is not None and cue.after.search(tail))
        ]
        fitting = [p for p in named if p not in accepts or accepts[p](num)]
        claimed = fitting[0] if fitting else (named[0] if named else None)
        if claimed is None:
            free.append(num)
        elif not claimed.startswith("_") and claimed not in assigned:
            assigned[claimed] = num
    return assigned, free


# --- choices ------------------------------------------------------------------------------

_PCA = re.compile(r"\bpca\b|\bp\.c\.a\b|\bprincipal[- ]components?(?:\s+analysis)?\b")
_COMPOSITE = re.compile(r"\bcomposite\b|\bmedian\s+(?:model\s+)?scores?\b")
_NOT_METHOD = re.compile(
    r"\b(?:instead\s+of|rather\s+than|not|than|without|skip|no|drop|except)\s+(?:the\s+|using\s+)?"
    r"(?:pca|p\.c\.a|principal[- ]components?(?:\s+analysis)?|composite)(?:\s+(?:score|method|ranking))?"
)


def find_methods(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(methods asked for, methods ruled out) — "use PCA instead of composite"."""
    low = lower_text(text)
    excluded = []
    for m in _NOT_METHOD.finditer(low):
        name = "pca" if _PCA.search(m.group(0)) else "composite"
        if name not in excluded:
            excluded.append(name)
    rest = _NOT_METHOD.sub(" ", low)
    asked = [name for name, rx in (("composite", _COMPOSITE), ("pca", _PCA)) if rx.search(rest)]
    return tuple(asked), tuple(excluded)


def find_method(text: str) -> str | None:
    """The one ranking method the text asks for, or None (neither, or both)."""
    asked, excluded = find_methods(text)
    if len(asked) == 1:
        return asked[0]
    if not asked and len(excluded) == 1:
        # "not PCA" alone leaves the composite score, and the reverse
        return "composite" if excluded[0] == "pca" else "pca"
    return None


_STRATEGIES = (
    ("proportional", re.compile(r"\bproportional(?:ly)?\b|\bin\s+proportion\b|\bpro[- ]?rata\b"
                                r"|\bshare\w*\s+(?:by|according\s+to|in\s+line\s+with)\s+(?:the\s+)?"
                                r"need\b")),
    ("capped", re.compile(r"\bcap(?:ped|s|ping)?\b|\bmax(?:imum)?\s+(?:ward\s+)?share\b|\bno\s+"
                          r"(?:single\s+)?ward\s+(?:gets|takes|receives|should\s+(?:get|take))\s+"
                          r"(?:more\s+than|over)|\blimit\s+(?:each|every|any)\s+ward\b")),
    ("continue", re.compile(r"\bcontinue\b|\bkeep\s+(?:going|allocating|covering)\b|\bskip(?:ping)?"
                            r"\b|\bdo\s*n[o']?t\s+stop\b|\bwithout\s+stopping\b|\bcarry\s+on\b"
                            r"|\bsmaller\s+wards\b|\bgreedy\b")),
    ("stop", re.compile(r"\bstop(?:s|ping)?\b|\bstrict(?:ly)?\s+(?:by\s+)?(?:order|priority|rank)"
                        r"|\bdefault\s+strategy\b")),
)  # fmt: skip


def find_strategy(text: str) -> str | None:
    """stop / continue / capped when the text names one."""
    low = lower_text(text)
    for name, rx in _STRATEGIES:
        if rx.search(low):
            return name
    return None


_NORMALIZATION = (
    ("reciprocal", re.compile(r"\breciprocal\b|\blegacy\s+(?:normali[sz]ation|mode|method|tool"
                              r"|behaviou?r)\b|\bold\s+(?:tool|method|way|chatmrpt|normali[sz]ation"
                              r"|scaling|r\s+(?:tool|code|app))\b|\bcompat\w*\b"
                              r"|\blike\s+(?:the\s+)?(?:old|original|legacy|r)\s+(?:tool|code|app)\b")),
    ("linear", re.compile(r"\blinear\b|\bmin[- ]?max\b")),
)  # fmt: skip


def find_normalization(text: str) -> str | None:
    """The normalisation named; when both are named ("return to linear, the reciprocal one is
    not for decisions"), the one the text moves to, or None when that is not said."""
    low = lower_text(text)
    found = [(name, m) for name, rx in _NORMALIZATION if (m := rx.search(low))]
    if len(found) == 1:
        return found[0][0]
    if not found:
        return None
    chosen = [name for name, m in found if re.search(
        r"\b(?:to|use|using|with|via|try|want)\s+(?:the\s+|a\s+)?$", low[: m.start()])]
    return chosen[0] if len(chosen) == 1 else None


_FIVE = r"(?:5|five)\s*(?:-?\s*(?:years?|yrs?)(?:[- ]olds?)?)?"
_OVER_FIVE = (
    r"\bo5s?\b|\bover[- ]?(?:5|five)s?\b|\b" + _FIVE + r"\s*(?:and|&|or)\s+(?:over|above|older"
    r"|up(?:wards)?|more)\b|\b(?:above|older\s+than|at\s+least|from)[- ](?:the\s+age\s+of\s+)?"
    r"(?:5|five)\b|\b(?:older|adults?)\b|\b(?:5|five)\s*(?:years?\s*|yrs?\s*)?(?:\+|plus\b)"
)
_UNDER_FIVE = (
    r"\bu5s?\b|\bunder[- ]?(?:5|five)s?\b|\b(?:below|less\s+than|younger\s+than)[- ](?:the\s+"
    r"age\s+of\s+)?(?:5|five)\b|<\s*5\b|\b0\s*(?:-|to)\s*(?:4\s*(?:years?|yrs?)|59\s*months?)\b"
    r"|\bchildren\b|\bkids\b|\binfants?\b|\btoddlers?\b|\bbabies\b|\bpikin\w*"
)
# "everyone except the under fives" is the over-fives, and the reverse
_NOT_AGE = r"\b(?:except|excluding|not|other\s+than|apart\s+from|but\s+not|without)\s+(?:the\s+)?"
_CHOICE_TABLES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "age": (
        ("pw", re.compile(r"\bpregnan\w*|\bpw\b|\bante-?natal\b|\banc\b|\bexpectant\b")),
        ("all", re.compile(r"\ball\s+(?:ages|age\s+groups|groups|patients|people|persons)\b"
                           r"|\beveryone\b|\beverybody\b|\bwhole\s+population\b|\bevery\s+age\b"
                           r"|\bany\s+age\b|\bregardless\s+of\s+age\b|\ball\s+age\b|\bgeneral\s+population\b")),
        ("o5", re.compile(_OVER_FIVE)),
        ("u5", re.compile(_UNDER_FIVE)),
    ),
    "test": (
        ("both", re.compile(r"\bboth\b|\beither\b|\brdt\s+(?:and|&|or|\+)\s+microscopy\b"
                            r"|\bmicroscopy\s+(?:and|&|or|\+)\s+rdt\b|\bany\s+test\b")),
        ("microscopy", re.compile(r"\bmicroscop\w*|\bslides?\b|\bblood\s+smears?\b")),
        ("rdt", re.compile(r"\bm?rdts?\b|\brapid\s+(?:diagnostic\s+)?tests?\b")),
    ),
    "facility_level": (
        ("all", re.compile(r"\b(?:all|every|any)\s+(?:facilit(?:y|ies)|levels|facility\s+levels"
                           r"|health\s+facilities|level)\b")),
        ("tertiary", re.compile(r"\btertiary\b|\bteaching\s+hospitals?\b|\bfmcs?\b"
                                r"|\bfederal\s+medical\s+cent(?:er|re)s?\b")),
        ("secondary", re.compile(r"\bsecondary\b|\bgeneral\s+hospitals?\b")),
        ("primary", re.compile(r"\bprimary\b|\bphcs?\b|\bhealth\s+(?:cent(?:er|re)s?|posts?|clinics?)\b"
                               r"|\bdispensar(?:y|ies)\b")),
    ),
}  # fmt: skip


_PW_LEFT_OUT = re.compile(
    r"(?:" + _NOT_AGE + r"|\bno\s+|\bnon-?\s*)(?:(?:any|the)\s+)?(?:pregnan\w*(?:\s+(?:women|"
    r"mothers|ladies))?|pw\b|ante-?natal(?:\s+(?:women|mothers|clients|attendees))?|anc\b"
    r"(?:\s+(?:women|clients|attendees))?|expectant(?:\s+mothers)?)"
)


def strip_choices(kind: str, low: str) -> str:
    """The lowered text with every word of a choice of that kind taken out ("now rdt only"
    -> "now   only"), to see what else the message says."""
    for _name, rx in _CHOICE_TABLES[kind]:
        low = rx.sub(" ", low)
    return low


def find_choice(kind: str, text: str) -> str | None:
    """A choice of a small fixed set ("age", "test", "facility_level") named in the text."""
    low = lower_text(text)
    if kind == "age":
        return _find_age(low)
    for name, rx in _CHOICE_TABLES[kind]:
        if rx.search(low):
            return name
    return None


def age_left_out(text: str) -> bool:
    """The text leaves an age group out ("everyone except pregnant women"): with no group
    read from it, the age is to be asked, not kept from the last run."""
    return bool(_PW_LEFT_OUT.search(lower_text(text)))


def _find_age(low: str) -> str | None:
    """The age group of a TPR request. A named group ("everyone five and above", "all
    patients under 5") wins over the words for everybody; both groups named is no choice."""
    table = dict(_CHOICE_TABLES["age"])
    # "the over-fives, no pregnant women", "excluding pregnant women": a group left out, not
    # the one asked for; with no other group named the words say no choice (not "everyone")
    left_out = _PW_LEFT_OUT.search(low)
    low = _PW_LEFT_OUT.sub(" ", low)
    if table["pw"].search(low):
        return "pw"
    groups = set()
    for other, rx in (("o5", _UNDER_FIVE), ("u5", _OVER_FIVE)):
        negated = re.compile(_NOT_AGE + r"(?:" + rx + r")")
        if negated.search(low):
            groups.add(other)
            low = negated.sub(" ", low)
    groups |= {name for name in ("u5", "o5") if table[name].search(low)}
    if len(groups) == 1:
        return groups.pop()
    if groups or left_out:
        return None
    return "all" if table["all"].search(low) else None


# --- ward names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WardRef:
    """A ward as the dataset names it, with its LGA when the dataset has one."""

    name: str
    lga: str | None = None

    @classmethod
    def of(cls, item: WardRef | str | Sequence[str | None]) -> WardRef:
        if isinstance(item, WardRef):
            return item
        if isinstance(item, str):
            return cls(item)
        name, *rest = item
        return cls(str(name), (str(rest[0]) if rest and rest[0] is not None else None))

    def label(self) -> str:
        return f"{self.name} ({self.lga})" if self.lga else self.name


@dataclass(frozen=True)
class WardMatch:
    """Where a message names a ward, and which ward(s) of the dataset it may be."""

    query: str
    candidates: tuple[WardRef, ...]
    score: float
    start: int
    end: int

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.name for c in self.candidates))


# Words that never start or end a ward name in a message, so "why are" or "the top" are
# not read as wards; an exact, capitalised match still is ("Are 2", an Ilorin ward).
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "into",
        "about",
        "why",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "how",
        "what",
        "which",
        "who",
        "whom",
        "where",
        "when",
        "me",
        "my",
        "our",
        "we",
        "you",
        "your",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "show",
        "tell",
        "explain",
        "describe",
        "about",
        "rank",
        "ranked",
        "ranking",
        "ranks",
        "score",
        "scores",
        "high",
        "low",
        "medium",
        "very",
        "than",
        "then",
        "ward",
        "wards",
        "lga",
        "lgas",
        "state",
        "please",
        "pls",
        "plz",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "not",
        "no",
        "yes",
        "top",
        "bottom",
        "most",
        "least",
        "vulnerable",
        "vulnerability",
        "risk",
        "net",
        "nets",
        "map",
        "plan",
        "data",
        "same",
        "but",
        "i",
        "give",
        "get",
        "let",
        "us",
        "see",
        "look",
        "more",
        "less",
        "analysis",
        "there",
        "here",
        "has",
        "have",
        "had",
        "so",
        "too",
        "also",
        "just",
        "only",
        "what's",
        "whats",
        "why's",
        "category",
        "categories",
        "composite",
        "pca",
        "method",
        "methods",
        "number",
        "position",
        "place",
        "compare",
        "versus",
        "vs",
        "against",
        "up",
        "down",
        "out",
        "over",
        "under",
        "now",
        "again",
        "ok",
        "okay",
        "some",
        "any",
        "all",
        "each",
        "every",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "last",
        "next",
        "area",
        "areas",
        "zone",
        "local",
        "government",
        "district",
        "community",
        "communities",
        "people",
        "ranking",
        "rankings",
        "result",
        "results",
        "priority",
        "prioritised",
        "prioritized",
        "deprioritised",
        "deprioritized",
        "reprioritised",
        "reprioritized",
        "after",
        "before",
        "summary",
        "detail",
        "details",
        "info",
        "information",
        "profile",
    ]
)
_NAME_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Words that end a ward name and set it apart from its siblings: numbers, letters, and the
# points of the compass in English and Hausa (arewa north, kudu south, gabas east, yamma west).
_DIRECTION_SUFFIXES = frozenset({"east", "west", "north", "south", "central", "arewa", "kudu",
                                 "gabas", "yamma"})  # fmt: skip


def _identifying(token: str) -> bool:
    """A number or a single letter: "Akanbi 3", "Fagge D2", "Kwarbai B" must match exactly."""
    return any(ch.isdigit() for ch in token) or len(token) == 1


@dataclass(frozen=True)
class _WardKey:
    ref: WardRef
    norm: str
    compact: str
    digits: tuple[str, ...]
    stem: str  # the name without a trailing number or direction: "akanbi", "sabon gari"
    aliases: tuple[str, ...]  # the parts of a joined name: "Marafa/Pepele" -> marafa, pepele


_NUMBER_WORDS = {w: str(v) for w, v in _UNITS.items() if 0 < v <= 19}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def _ward_norm(name: str) -> str:
    """normalise_ward_name, with number words as digits: "Akanbi five" = "Akanbi 5"."""
    return _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1)], normalise_ward_name(name))


def ward_tokens(name: str) -> tuple[str, ...]:
    """The words of a ward name in comparison form ("Sabon Gari West" -> sabon, gari, west)."""
    return tuple(_ward_norm(name).split())


def _ward_key(ref: WardRef) -> _WardKey | None:
    norm = _ward_norm(ref.name)
    if not norm:
        return None
    parts = norm.split()
    stem_parts = list(parts)
    while len(stem_parts) > 1 and (
        _identifying(stem_parts[-1]) or stem_parts[-1] in _DIRECTION_SUFFIXES
    ):
        stem_parts.pop()
    digits = tuple(p for p in parts if _identifying(p))
    aliases = ()
    if "/" in ref.name:
        aliases = tuple(a for a in (_ward_norm(x) for x in ref.name.split("/")) if len(a) >= 4)
    return _WardKey(ref, norm, norm.replace(" ", ""), digits, " ".join(stem_parts), aliases)


def _allowed_distance(length: int) -> int:
    if length < 5:
        return 0
    if length <= 7:
        return 1
    if length <= 12:
        return 2
    return 3


@dataclass
class _WardIndex:
    """The ward names of a dataset in every form a message may use, built once per call."""

    keys: list[_WardKey]
    by_norm: dict[str, list[WardRef]] = field(default_factory=dict)
    by_compact: dict[str, list[_WardKey]] = field(default_factory=dict)
    by_stem: dict[str, list[WardRef]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for k in self.keys:
            self.by_norm.setdefault(k.norm, []).append(k.ref)
            self.by_compact.setdefault(k.compact, []).append(k)
            if k.stem != k.norm:
                self.by_stem.setdefault(k.stem, []).append(k.ref)
        for k in self.keys:
            for alias in k.aliases:
                if alias not in self.by_norm:
                    # a part of a joined name is a family of one: found, after exact names
                    self.by_stem.setdefault(alias, []).append(k.ref)
        self.compacts = list(self.by_compact)
        self.stem_compacts = {stem.replace(" ", ""): refs for stem, refs in self.by_stem.items()}
        self.max_tokens = max(len(k.norm.split()) for k in self.keys) + 1

    def match(self, window: str, lows: list[str], norm: str) -> tuple[float, list[WardRef]] | None:
        content = [w for w in lows if w not in _STOP and not w.isdigit()]
        if norm in self.by_norm:
            # "why are 2 wards..." is no mention of the ward "Are 2"; "Are 2" is
            if content or window[:1].isupper():
                return 100.0, self.by_norm[norm]
            return None
        if not content or lows[0] in _STOP or (lows[-1] in _STOP and not lows[-1].isdigit()):
            return None
        compact = norm.replace(" ", "")
        if compact in self.by_compact:
            return 99.0, [k.ref for k in self.by_compact[compact]]
        if norm in self.by_stem and len(norm) >= 4:
            return 80.0, self.by_stem[norm]
        if all(w in _VOCAB or w in _KEEP for w in content):
            return None
        limit = _allowed_distance(len(compact))
        if limit == 0:
            return None
        digits = tuple(p for p in norm.split() if _identifying(p))
        close = process.extract(compact, self.compacts, scorer=OSA.distance,
                                score_cutoff=limit, limit=None)  # fmt: skip
        close = [(c, d) for c, d, _ in close
                 if any(k.digits == digits for k in self.by_compact[c])]  # fmt: skip
        if close:
            best = min(d for _, d in close)
            # names equally close to a typo are all candidates
            refs = [k.ref for c, d in close if d == best for k in self.by_compact[c]
                    if k.digits == digits]  # fmt: skip
            return 100.0 - 5 * best, list(dict.fromkeys(refs))
        if not digits:
            near = process.extract(compact, list(self.stem_compacts), scorer=OSA.distance,
                                   score_cutoff=limit, limit=None)  # fmt: skip
            if near:
                best = min(d for _, d, _ in near)
                refs = [r for c, d, _ in near if d == best for r in self.stem_compacts[c]]
                return 75.0, list(dict.fromkeys(refs))
        return None


def find_wards(text: str, wards: Iterable[WardRef | str | Sequence[str | None]]) -> list[WardMatch]:
    """Every ward named in ``text`` (non-overlapping), best matches first.

    Exact matches after ward-name normalisation score 100, matches ignoring spaces 99,
    typos 95/90/85 (one, two, three slips; more slips allowed for longer names), a family
    stem ("Akanbi" for Akanbi 1..5, "Sabon Gari" for Sabon Gari East/West) or one part of
    a joined name ("Pepele" for Marafa/Pepele) 80 with every member as a candidate, a typo
    in a stem 75. Numbers and single letters must agree exactly: "Akanbi 3" never matches
    "Akanbi 1", nor "Fagge C" "Fagge A".
    """
    keys = [k for k in (_ward_key(WardRef.of(w)) for w in wards) if k is not None]
    if not keys:
        return []
    index = _WardIndex(keys)
    text = str(text)
    words = list(_NAME_WORD.finditer(text))
    found: list[WardMatch] = []
    for i in range(len(words)):
        for length in range(1, index.max_tokens + 1):
            if i + length > len(words):
                break
            span = words[i : i + length]
            start, end = span[0].start(), span[-1].end()
            if re.search(r"[.,;:!?()]", text[start:end]):
                break  # a ward name does not run across punctuation
            lows = [lower_text(w.group(0)) for w in span]
            if lows[-1] in ("ward", "wards") and length > 1:
                continue  # "Adewole ward" is found as "Adewole"
            window = text[start:end]
            if re.search(r"['’]s$", window):  # "Zango's rank": the ward is Zango
                window, end = window[:-2], end - 2
                lows[-1] = lows[-1][:-2]
            norm = _ward_norm(window)
            if not norm:
                continue
            hit = index.match(window, lows, norm)
            if hit is not None:
                found.append(WardMatch(window, tuple(hit[1]), hit[0], start, end))
    # the best score first; among equals the ward named first, and its longest spelling
    found.sort(key=lambda m: (-m.score, m.start, -(m.end - m.start)))
    chosen: list[WardMatch] = []
    for m in found:
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return chosen


def find_ward(text: str, wards: Iterable[WardRef | str | Sequence[str | None]]) -> WardMatch | None:
    """The ward the text names best, its candidates narrowed by an LGA the text names.

    "Sabon Gari in Zaria" keeps only the Sabon Gari of Zaria LGA; "Sabon Gari" alone keeps
    every LGA's, so the caller can ask which one.
    """
    matches = find_wards(text, wards)
    if not matches:
        return None
    best = matches[0]
    if best.ambiguous:
        lgas = find_lgas(text[: best.start] + " " + text[best.end :], best.candidates)
        if lgas:
            narrowed = tuple(c for c in best.candidates if c.lga in lgas)
            if narrowed:
                best = WardMatch(best.query, narrowed, best.score, best.start, best.end)
    return best


def find_lgas(text: str, wards: Iterable[WardRef]) -> tuple[str, ...]:
    """The LGAs (of the given wards) that the text names, in the wards' spelling."""
    words = (re.sub(r"['’]s$", "", w.group(0)) for w in _NAME_WORD.finditer(text))
    low = " " + " ".join(normalise_ward_name(w) for w in words) + " "
    out = []
    for ref in wards:
        if ref.lga is None or ref.lga in out:
            continue
        norm = normalise_ward_name(ref.lga)
        if norm and f" {norm} " in low:
            out.append(ref.lga)
    if out:
        return tuple(out)
    # a typo in the LGA name: one slip in a name of five letters or more
    tokens = low.split()
    for ref in wards:
        norm = normalise_ward_name(ref.lga) if ref.lga else ""
        n = len(norm.split())
        if len(norm) < 5 or ref.lga in out:
            continue
        for i in range(len(tokens) - n + 1):
            if OSA.distance(" ".join(tokens[i : i + n]), norm, score_cutoff=1) <= 1:
                out.append(ref.lga)
                break
    return tuple(out)


# --- variables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VariableMention:
    """A variable named in a message: the dataset column (or canonical name) it stands for.

    ``column`` is None when the text names a known variable the dataset does not have.
    """

    column: str | None
    canonical: str | None
    query: str
    start: int
    end: int
    score: float


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", lower_text(str(name)))


_VAR_WORD = re.compile(r"[a-z0-9]+")
# joining words allowed inside a variable's name ("distance to water", "nets per capita")
_VAR_INNER = frozenset({"to", "of", "per", "the", "and"})
_VAR_STOP = _STOP - {"distance"} | {
    "variable",
    "variables",
    "column",
    "columns",
    "using",
    "use",
    "only",
    "include",
    "including",
    "treat",
    "as",
}
# plain words analysts use for a catalogue variable that are no column name anywhere
_SPOKEN_NAMES: dict[str, str] = {
    "water index": "ndwi",
    "water index ndwi": "ndwi",
    "moisture index": "ndmi",
    "nets per person": "nets_per_capita",
    "net per person": "nets_per_capita",
    "itn per person": "nets_per_capita",
    "itns per person": "nets_per_capita",
    "itn per capita": "nets_per_capita",
    "net ownership": "nets_per_capita",
    "net access": "nets_per_capita",
    "positivity": "u5_tpr_rdt",
    "positivity rate": "u5_tpr_rdt",
    "night light": "nighttime_lights",
    "night lights": "nighttime_lights",
    "nightlight": "nighttime_lights",
    "poor settlement": "settlement_type",
    "poor settlements": "settlement_type",
    "informal settlements": "settlement_type",
    "settlement": "settlement_type",
    "urbanisation": "urban_percentage",
    "urbanization": "urban_percentage",
    "urban share": "urban_percentage",
    "house quality": "housing_quality",
    "housing index": "housing_quality",
    "distance from water": "distance_to_waterbodies",
    "distance to the water": "distance_to_waterbodies",
    "water distance": "distance_to_waterbodies",
    "soil moisture": "soil_wetness",
    "above sea level": "elevation",
    "height above sea level": "elevation",
    "sea level": "elevation",
}
_SPOKEN_KEYS = {_key(k): v for k, v in _SPOKEN_NAMES.items()}
_SYNONYM_KEYS: tuple[tuple[str, str], ...] = tuple(
    (_key(s), e.name) for e in CATALOGUE for s in (e.name, *e.synonyms) if len(_key(s)) >= 5
) + tuple((k, v) for k, v in _SPOKEN_KEYS.items() if len(k) >= 5)


# "dem" said for "them" in pidgin ("where dem dey", "show me dem", "dem wey high"), not the
# digital elevation model
PIDGIN_DEM = re.compile(r"\b(?:where|wey|all|na|for|see|give|tell|make|show|list|me|us|among|if)"
                        r"\s+dem\b|\bdem\s+(?:dey|don|go|be|wey|no|fit|get|fall|na|all|too|wan"
                        r"|sabi|take|come|high|low|medium|ones?"
                        # "dem just give me dis work", "dem send me kano file": "they" in pidgin
                        r"|just|jus|send|sent|say|said|talk|tell|told|give|gave|ask|asked|want"
                        r"|bring|brought|call|called|need|do|did|never|neva|still|also|dun|done"
                        r"|bin|carry|post|posted|share|shared|don't|dont|run|ran|use|used"
                        r"|compute|computed|calculate|calculated|made|upload|uploaded|collect"
                        r"|collected)\b")


def find_variables(text: str, columns: Sequence[str] = ()) -> list[VariableMention]:
    """The variables a message names, in the order it names them.

    A phrase is matched against the dataset's column names (ignoring case and separators),
    then through the catalogue's synonyms ("tpr", "rain", "distance to water", "housing")
    to the column that stands for the same variable, then with one or two typing slips.
    Without columns, the catalogue's canonical names are returned.
    """
    low = lower_text(text).replace("_", " ")
    words = list(_VAR_WORD.finditer(low))
    column_by_key = {_key(c): c for c in columns}
    found: list[VariableMention] = []
    for i in range(len(words)):
        for length in range(1, 7):
            if i + length > len(words):
                break
            span = words[i : i + length]
            lows = [w.group(0) for w in span]
            if lows[0] in _VAR_INNER or lows[-1] in _VAR_INNER:
                continue
            start, end = span[0].start(), span[-1].end()
            if re.search(r"[,;:!?()]", low[start:end]):
                break
            hit = _match_variable(lows, column_by_key, columns)
            if hit is not None and lows == ["dem"] and PIDGIN_DEM.search(low):
                hit = None  # "where dem dey": "them" in pidgin, not the elevation model
            if hit is not None:
                column, canonical, score = hit
                found.append(VariableMention(column, canonical, text[start:end], start, end, score))
    found.extend(_named_by_part(low, text, columns))
    found.sort(key=lambda m: (-m.score, -(m.end - m.start), m.start))
    chosen: list[VariableMention] = []
    for m in found:
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    return [_qualified(m, low, text, chosen) for m in chosen]


# "remove the soil one", "the lights variable": one word of a column's name, pointed at
_PART_POINTED = re.compile(r"\b(?:the|d|that|dat|this|dis)\s+([a-z]{4,})\s+"
                           r"(?:one|variable|column|layer)\b")


def _named_by_part(low: str, text: str, columns: Sequence[str]) -> list[VariableMention]:
    """The column a pointed-at word names when it is a word of exactly one column's name
    ("the soil one" on a table with soil_wetness, "the lights one": nighttime_lights)."""
    out = []
    for m in _PART_POINTED.finditer(low):
        word = m.group(1)
        if word in _VAR_STOP:
            continue
        owners = [c for c in columns if word in re.split(r"[_\W]+", lower_text(c))]
        if len(owners) == 1:
            entry = catalogue_entry(owners[0])
            out.append(VariableMention(owners[0], entry.name if entry else None,
                                       text[m.start(1):m.end(1)], m.start(1), m.end(1), 80.0))
    return out


# "distance to the nearest health facility": a name followed by what it is measured to or from
_QUALIFIER = re.compile(r"\s+(?:to|from)\s+((?:[a-z0-9]+\s*){1,4})")
# names of what is measured to or from a place: a distance, a travel time, an access
_MEASURED_TO = re.compile(r"\b(?:dist\w*|proximity|travel|time|access\w*|near\w*|far)\b")
_QUALIFIER_FILLER = frozenset({"the", "a", "an", "any", "nearest", "closest", "nearby", "main",
                               "major", "each", "every", "d", "da", "de", "dis", "dat", "this",
                               "that", "these", "those", "my", "our", "your", "their", "its",
                               "una", "di"})
_QUALIFIER_END = frozenset({"and", "or", "instead", "one", "ones", "only", "with", "as", "in",
                            "for", "then", "please", "pls", "abeg", "but", "not", "rather",
                            "too", "also", "plus", "variable", "variables", "column", "now",
                            "again", "direct", "inverse", "inversely", "directly", "is",
                            "should", "be", "at", "of", "by", "on", "more", "less", "higher",
                            "lower", "high", "low", "worse", "better", "positive", "negative",
                            "risk", "protective", "increasing", "decreasing", "linear",
                            "reciprocal", "normal", "normalisation", "normalization", "scale",
                            "minmax", "log", "it", "that", "this", "them", "me", "us", "see",
                            "check", "compare", "make", "run", "rerun", "use", "show", "set",
                            "list", "analysis", "model", "models", "mix", "ranking", "index",
                            "score", "others", "rest", "group", "selection", "table", "data"})


def _qualified(m: VariableMention, low: str, text: str,
               chosen: Sequence[VariableMention]) -> VariableMention:
    """The mention, or an unknown one (no column) when the words after it say it is measured
    to or from something its column is not about: "distance to health facility" is not the
    distance to water bodies the table holds, whatever word the two share."""
    if m.column is None or not _MEASURED_TO.search(low[m.start:m.end]):
        return m
    q = _QUALIFIER.match(low, m.end)
    if q is None:
        return m
    words: list[str] = []
    end = q.start(1)
    for w in re.finditer(r"[a-z0-9]+", q.group(1)):
        if w.group(0) in _QUALIFIER_END or any(
                c.start <= q.start(1) + w.start() < c.end for c in chosen):
            break
        words.append(w.group(0))
        end = q.start(1) + w.end()
    content = [w for w in words if w not in _QUALIFIER_FILLER]
    if not content:
        return m
    named = {w for part in (m.column, m.canonical or "") for w in _VAR_WORD.findall(
        lower_text(part).replace("_", " "))}
    if any(w in named or any(n.startswith(w) or w.startswith(n) for n in named if len(n) >= 4
                             and len(w) >= 4) for w in content):
        return m  # "distance to the water body": what the column measures
    return VariableMention(None, None, text[m.start:end], m.start, end, m.score)


def _match_variable(lows, column_by_key, columns):
    key = "".join(lows)
    if not key or (len(lows) == 1 and lows[0] in _VAR_STOP):
        return None
    if key in column_by_key:
        column = column_by_key[key]
        entry = catalogue_entry(column)
        return column, (entry.name if entry else None), 100.0
    entry = catalogue_entry(key)
    if entry is not None and not (len(lows) == 1 and len(key) < 3):
        return _column_for(entry.name, columns), entry.name, 95.0
    if key in _SPOKEN_KEYS:
        canonical = _SPOKEN_KEYS[key]
        return _column_for(canonical, columns), canonical, 95.0
    if any(w in _VAR_STOP for w in lows) or len(key) < 5:
        return None
    if len(lows) >= 2 and len(key) >= 8:
        # "the vegetation index" on a table whose one such column is enhanced_vegetation_index:
        # the words said end the name of exactly one column
        ends = [c for k, c in column_by_key.items() if k != key and k.endswith(key)]
        if len(ends) == 1:
            entry = catalogue_entry(ends[0])
            return ends[0], (entry.name if entry else None), 85.0
    if all(w in _VOCAB or w in _KEEP for w in lows if w not in _VAR_INNER):
        return None
    limit = 1 if len(key) <= 8 else 2
    best = None
    for ckey, column in column_by_key.items():
        if len(ckey) >= 5 and abs(len(ckey) - len(key)) <= limit:
            d = OSA.distance(key, ckey, score_cutoff=limit)
            if d <= limit and (best is None or d < best[0]):
                entry = catalogue_entry(column)
                best = (d, column, entry.name if entry else None)
    for skey, canonical in _SYNONYM_KEYS:
        if abs(len(skey) - len(key)) <= limit:
            d = OSA.distance(key, skey, score_cutoff=limit)
            if d <= limit and (best is None or d < best[0]):
                best = (d, _column_for(canonical, columns), canonical)
    if best is None:
        return None
    return best[1], best[2], 90.0 - 5 * best[0]


def _column_for(canonical: str, columns: Sequence[str]) -> str | None:
    """The dataset column that stands for a catalogue variable (None if none or several)."""
    if not columns:
        return canonical
    matches = [c for c in columns if (e := catalogue_entry(c)) is not None and e.name == canonical]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        # looser: a column whose name contains the canonical words ("housing_quality_2020")
        loose = [c for c in columns if _key(canonical) in _key(c)]
        if len(loose) == 1:
            return loose[0]
    return None


# --- kinds of variables and variables taken out ------------------------------------------


@dataclass(frozen=True)
class VariableGroup:
    """A kind of variable analysts name instead of the variables ("the water ones")."""

    key: str
    label: str
    members: frozenset[str]  # catalogue names


_ENVIRONMENT = frozenset({"rainfall", "ndvi", "evi", "ndwi", "ndmi", "soil_wetness",
                          "temperature", "humidity", "flood", "elevation",
                          "distance_to_waterbodies"})
VARIABLE_GROUPS: tuple[tuple[str, VariableGroup], ...] = (
    (r"water(?:[- ]related)?|wet(?:ness)?|moisture",
     VariableGroup("water", "water-related", frozenset({
         "rainfall", "ndwi", "ndmi", "soil_wetness", "distance_to_waterbodies", "flood",
         "humidity"}))),
    (r"vegetation|greenness|green|plant",
     VariableGroup("vegetation", "vegetation", frozenset({"ndvi", "evi"}))),
    (r"climate|climatic|weather",
     VariableGroup("climate", "climate", frozenset({"rainfall", "temperature", "humidity"}))),
    (r"environment(?:al)?|env|ecological|physical|geographic(?:al)?",
     VariableGroup("environment", "environmental", _ENVIRONMENT)),
    (r"satellite|remote[- ]sens(?:ed|ing)|raster",
     VariableGroup("satellite", "satellite", _ENVIRONMENT | {"nighttime_lights"})),
    (r"spectral|index|indices",
     VariableGroup("index", "index", frozenset({"ndvi", "evi", "ndwi", "ndmi"}))),
    (r"malaria|epi(?:demiological)?|clinical|health|disease|surveillance|burden",
     VariableGroup("malaria", "malaria", frozenset({"u5_tpr_rdt", "pfpr", "burden"}))),
    (r"socio[- ]?economic|social|human|demographic|built|housing[- ]related|poverty"
     r"|intervention",
     VariableGroup("social", "socio-economic", frozenset({
         "housing_quality", "urban_percentage", "nighttime_lights", "settlement_type",
         "population_density", "nets_per_capita"}))),
)
_GROUP_NOUN = (r"(?:ones?|variables?|vars?|indicators?|columns?|factors?|covariates?|measures?"
               r"|layers?|metrics?|index|indices|indexes)")
_GROUP_REF = re.compile(
    r"\b(?P<one>(?:one|any|either|some|a\s+couple|two|both)\s+of\s+(?:the\s+|those\s+|these\s+)?)?"
    r"(?P<word>" + "|".join(f"(?:{rx})" for rx, _ in VARIABLE_GROUPS) + r")\s+"
    r"(?P<noun>" + _GROUP_NOUN + r")\b")


@dataclass(frozen=True)
class GroupMention:
    group: VariableGroup
    one: bool  # "one of the water ones", "the water one": a single variable of the kind
    start: int
    end: int


_BARE_GROUP = re.compile(
    r"\b(?:drop|remove|add|include|exclude|take\s+out)\s+(?:the\s+)?(?P<word>"
    + "|".join(f"(?:{rx})" for rx, g in VARIABLE_GROUPS if g.key != "index")
    + r")(?P<noun>)\s*(?:one)?\s*[.!]*\s*$")


def find_variable_group(text: str) -> GroupMention | None:
    """The kind of variable a message names instead of variables: "the water ones",
    "one of the vegetation variables", "only the environmental ones", "drop the
    vegetation" (None if none)."""
    low = lower_text(text)
    m = _GROUP_REF.search(low)
    if m is None:
        bare = _BARE_GROUP.search(low)
        if bare is None:
            return None
        word = bare.group("word")
        group = next(g for rx, g in VARIABLE_GROUPS if re.fullmatch(rx, word))
        return GroupMention(group, True, bare.start("word"), bare.end("word"))
    word = m.group("word")
    group = next(g for rx, g in VARIABLE_GROUPS if re.fullmatch(rx, word))
    noun = m.group("noun")
    one = bool(m.group("one")) and not re.match(r"(?:both|two|some|a\s+couple)\b", m.group("one"))
    one = one or not noun.endswith("s")
    return GroupMention(group, one, m.start(), m.end())


def column_kind(column: str) -> str | None:
    """The catalogue name a column stands for, also through the words of its name
    ("enhanced_vegetation_index" is EVI, "val_housing_15" housing quality)."""
    entry = catalogue_entry(column)
    if entry is not None:
        return entry.name
    k = _key(column)
    for words, name in (("tpr", "u5_tpr_rdt"), ("testpositivity", "u5_tpr_rdt"),
                        ("housing", "housing_quality"), ("rain", "rainfall"),
                        ("ndvi", "ndvi"), ("evi", "evi"), ("ndwi", "ndwi"), ("ndmi", "ndmi"),
                        ("soilwet", "soil_wetness"), ("soilmoist", "soil_wetness"),
                        ("elevation", "elevation"), ("nightlight", "nighttime_lights"),
                        ("nighttimelight", "nighttime_lights"), ("settlement", "settlement_type"),
                        ("urban", "urban_percentage"), ("netspercapita", "nets_per_capita"),
                        ("temperature", "temperature")):
        if words in k:
            return name
    if "distance" in k and ("water" in k or k == "distance"):
        return "distance_to_waterbodies"
    return None


def group_columns(group: VariableGroup, columns: Sequence[str]) -> list[str]:
    """The columns of a kind, in the order given."""
    return [c for c in columns if column_kind(c) in group.members]


_DROP_WORD = re.compile(
    r"\b(?:drop(?:ped|ping)?|remove[ds]?|removing|exclud(?:e|ed|ing)|without|minus|except"
    r"|but\s+not|other\s+than|apart\s+from|leave\s+out|leaving\s+out|take\s+out|taking\s+out"
    r"|get\s+rid\s+of|no\s+more|not|no|omit(?:ted|ting)?|skip(?:ped|ping)?|comot|delete)\b")
_KEEP_WORD = re.compile(
    r"\b(?:keep(?:ing)?|use|using|with|add(?:ed|ing)?|include[ds]?|including|plus|put|bring"
    r"|only|just|and\s+also|also|restore|reinstate)\b")


def excluded_variables(text: str, mentions: Sequence[VariableMention]) -> set[str]:
    """The variables the message takes out or leaves out ("without elevation", "drop
    rainfall", "everything except EVI", "take ndvi out"): a variable is excluded when the
    nearest verb before it in its clause is one of taking out, or "out" follows it."""
    low = lower_text(text)
    out: set[str] = set()
    for m in mentions:
        if not m.column:
            continue
        clause_start = max(low.rfind(c, 0, m.start) for c in ",;.:()") + 1
        before = low[clause_start:m.start]
        drops = [d.end() for d in _DROP_WORD.finditer(before)]
        keeps = [k.end() for k in _KEEP_WORD.finditer(before)]
        taken_out = bool(re.match(r"(?:\s*(?:,|and|&)\s*[\w ]+?)?\s+(?:out|off)\b",
                                  low[m.end:])) and bool(re.search(
            r"\b(?:take|taking|took|leave|leaving|left|cross|strike)\s+(?:\w+\s+){0,6}$",
            low[max(low.rfind(c, 0, m.start) for c in ";.:()") + 1:m.start]))
        if taken_out or drops and (not keeps or drops[-1] > keeps[-1]):
            out.add(m.column)
    return out


_INVERSE = re.compile(
    r"\binvers(?:e|ely)\b|\binverted\b|\bnegative(?:ly)?\b|\bprotective\b"
    r"|\b(?:higher|more)\s+(?:is|means|=)\s+(?:less|lower)\s+risk\b|\blower\s+is\s+(?:riskier|worse)\b"
)
_DIRECT = re.compile(
    r"\bdirect(?:ly)?\b|\bpositive(?:ly)?\b|\b(?:higher|more)\s+(?:is|means|=)\s+(?:more\s+|higher\s+)?"
    r"(?:risk|riskier|worse)\b"
)
_HIGHER_MEANS = re.compile(
    r"\b(?:higher|more|high|increasing|greater)\s+(?P<var>[a-z0-9_ ]+?)\s+(?:means|=|gives|is|leads"
    r"\s+to|increases|raises|lowers|reduces|decreases)\s+(?P<effect>(?:more|higher|increased|less|"
    r"lower|reduced|decreased|fewer)\s+(?:(?:malaria\s+)?(?:risk|cases|transmission|infections?"
    r"|burden)|malaria)|(?:the\s+)?risk)"
)


_PRONOUN = re.compile(r"\b(?:it|this|that|this\s+one|that\s+one|this\s+variable"
                      r"|that\s+variable|am)\b")


def find_directions(text: str, mentions: Sequence[VariableMention]) -> dict[str, str]:
    """Direction overrides the text gives: "treat distance as direct", "housing inverse".

    Each direction word goes to the nearest variable named in the same clause (before it
    first, then after it); a clause that says "it" goes to the one variable the message
    names.
    """
    low = lower_text(text)
    out: dict[str, str] = {}
    usable = [m for m in mentions if m.column]
    spans = []
    for rx, direction in ((_INVERSE, "inverse"), (_DIRECT, "direct")):
        spans.extend((m.start(), m.end(), direction) for m in rx.finditer(low))
    for m in _HIGHER_MEANS.finditer(low):
        effect = m.group("effect")
        direction = "inverse" if re.search(r"less|lower|reduc|decreas|fewer", effect) else "direct"
        if re.search(r"\b(?:lowers|reduces|decreases)\b", m.group(0)):
            direction = "inverse"
        spans.append((m.start("var"), m.end("var"), direction))
    for start, end, direction in sorted(spans):
        clause_start = max(low.rfind(c, 0, start) for c in ",;.") + 1
        ends = [i for i in (low.find(c, end) for c in ",;.") if i >= 0]
        clause_end = min(ends) if ends else len(low)
        inside = [m for m in usable if m.start >= clause_start and m.end <= clause_end]
        if not inside and _PRONOUN.search(low[clause_start:clause_end]) and \
                len({m.column for m in usable}) == 1:
            inside = usable[:1]  # "settlement_type is an index of good blocks; treat it as inverse"
        if not inside:
            continue
        covering = [m for m in inside if m.start >= start and m.end <= end]
        before = [m for m in inside if m.end <= start]
        after = [m for m in inside if m.start >= end]
        if covering:
            target = covering[0]
        elif before:
            target = before[-1]
        elif after:
            target = after[0]
        else:
            continue
        out.setdefault(target.column, direction)
    return out
