"""Ward-name normalisation (METHODOLOGY §1): the form in which table and boundary names meet.

The same function is applied to both sides of the join, so every rule here only has to be
consistent, not clever: two spellings of one ward should end up equal, and two different
wards should stay different.

The leading state prefix needs a decision the methodology leaves open. DHIS2 exports write
it as a lower-case state abbreviation ("kw Adewole"), but case alone is not a safe signal:
the same ward may be written "ta kudu" in one file and "Ta Kudu" in another, and both must
normalise alike. So a leading two-letter word is dropped, whatever its case, exactly when it
is one of the 37 Nigerian state codes and more text follows it. A real ward name that starts
with such a word ("Ta Kudu") loses it on both sides of the join, so it still matches itself.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from chatmrpt.analysis.states import STATE_CODES

# Two-letter codes of the 36 states and the Federal Capital Territory, as used in ward codes.

_STATE_PREFIX = re.compile(r"([A-Za-z]{2})\s+(\S.*)", re.DOTALL)
# "ward" as a whole word: not glued to letters or digits on either side ("Ward_1" counts,
# because "_" becomes a separator anyway; "Wardrobe" does not).
_WARD_WORD = re.compile(r"(?<![^\W_])ward(?![^\W_])", re.IGNORECASE)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9"}  # fmt: skip


def normalise_ward_name(name: object) -> str:
    """The comparison form of a ward name: "kw Oja-Oba Ward II (Ilorin)" -> "oja oba 2".

    Steps, in the order of METHODOLOGY §1: trim; drop everything from the first "(";
    drop a leading state code followed by more text; drop the word "ward"; "-", "/", "_"
    become spaces; lower-case; roman numerals i-ix become 1-9 when they are whole words;
    collapse runs of white space. Missing values give "". Accents are kept as written
    (garbled encodings are repaired when files are read, not here).
    """
    if type(name) is str:
        text = name
    elif _is_missing(name):
        return ""
    else:
        text = str(name)
    # Composed and decomposed accents are the same text; make them compare equal.
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    cut = text.find("(")
    if cut >= 0:
        text = text[:cut].strip()
    if len(text) > 3 and text[2].isspace():
        match = _STATE_PREFIX.fullmatch(text)
        if match and match.group(1).upper() in STATE_CODES:
            text = match.group(2)
    # Lower-casing first changes nothing below: "ward" is dropped in any case anyway.
    text = text.lower()
    if "ward" in text:
        text = _WARD_WORD.sub(" ", text)
    text = text.replace("-", " ").replace("/", " ").replace("_", " ")
    return " ".join([_ROMAN.get(word, word) for word in text.split()])


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def normalise_ward_names(names: Iterable[object]) -> list[str]:
    """normalise_ward_name over many names, computing each distinct spelling once."""
    values = list(names)
    seen: dict[object, str] = {}
    out = []
    for value in values:
        try:
            key = seen[value]
        except KeyError:
            key = seen[value] = normalise_ward_name(value)
        except TypeError:  # unhashable: compute directly
            key = normalise_ward_name(value)
        out.append(key)
    return out
