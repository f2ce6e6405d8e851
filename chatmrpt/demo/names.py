"""Ward, LGA and facility names in the style of Nigerian place names.

Names are assembled from syllables and the prefixes/suffixes common in each naming
tradition. A few common names ("Sabon Gari", "Tudun Wada", "Oke-Odo") and a shared pool
of base names make the same ward name appear in several LGAs, as it does in real states;
a handful of accented names exercise text encodings. Every character of the accented
names exists in cp1252, so a file re-saved as Windows-1252 still holds the same names.
"""

from __future__ import annotations

import itertools
import unicodedata

import numpy as np

from chatmrpt.demo.states import HAUSA, IGBO, YORUBA

_SYLLABLES = {
    HAUSA: (
        "ba",
        "bi",
        "bu",
        "da",
        "di",
        "do",
        "fa",
        "ga",
        "gi",
        "gwa",
        "gu",
        "ja",
        "ka",
        "ki",
        "ko",
        "ku",
        "kwa",
        "la",
        "li",
        "ma",
        "mi",
        "na",
        "ni",
        "no",
        "ra",
        "ri",
        "ru",
        "sa",
        "si",
        "ta",
        "ti",
        "tsa",
        "wa",
        "ya",
        "yi",
        "za",
        "zu",
        "dan",
        "gar",
        "kan",
        "ran",
        "rau",
        "mai",
        "rim",
        "jal",
        "bun",
        "dor",
        "sha",
        "gan",
        "wal",
        "ji",
        "je",
        "we",
    ),
    YORUBA: (
        "ba",
        "bo",
        "de",
        "di",
        "fe",
        "fo",
        "gba",
        "gbe",
        "ja",
        "ji",
        "ke",
        "ko",
        "la",
        "le",
        "lo",
        "mo",
        "mu",
        "na",
        "ni",
        "ra",
        "re",
        "ro",
        "sa",
        "se",
        "so",
        "ta",
        "ti",
        "wo",
        "ye",
        "yi",
        "yo",
        "kun",
        "gun",
        "ran",
        "wu",
        "du",
        "bi",
        "ku",
        "pe",
        "po",
    ),
    IGBO: (
        "chi",
        "ke",
        "nna",
        "bi",
        "zo",
        "ka",
        "gu",
        "ze",
        "nwa",
        "fu",
        "be",
        "la",
        "zi",
        "du",
        "ma",
        "gwu",
        "kwe",
        "nta",
        "lu",
        "me",
        "ku",
        "ni",
        "ji",
        "ri",
        "wa",
        "nne",
        "so",
        "ru",
        "ta",
        "ho",
        "di",
        "po",
    ),
}

# how a base name starts: Yoruba and Igbo names often open with a vowel or a fixed stem
_STARTS = {
    HAUSA: ("",),
    YORUBA: ("a", "i", "o", "e", "olu", "ade", "ola", "ogbo", "ila", "ire", "oba", "ako", "isa"),
    IGBO: ("", "a", "o", "e", "u", "i", "nk", "ok", "ug"),
}

_PREFIXES = {
    HAUSA: (
        "Sabon",
        "Unguwar",
        "Gidan",
        "Kofar",
        "Tudun",
        "Kauyen",
        "Bakin",
        "Dan",
        "Rijiyar",
        "Dutsen",
        "Kwanar",
        "Yan",
    ),
    YORUBA: ("Oke", "Ile", "Isale", "Odo", "Ita", "Oja", "Ode", "Agbo", "Igbo", "Oju"),
    IGBO: ("Umu", "Ama", "Obi", "Nkwo", "Eke", "Orie", "Afor", "Ezi", "Isi", "Ugwu", "Ndi"),
}
# Igbo stems that are written joined to the following name (Umuoji, Amaokwe)
_JOINED_PREFIXES = {"Umu", "Ama", "Obi"}

_SUFFIXES = {
    HAUSA: ("Gari", "Wada", "Fulani", "Kudu", "Arewa", "Gabas", "Yamma", "Tsakiya", "Dutse"),
    YORUBA: ("Oke", "Isale", "Titun", "Ogun", "Oja", "Ile"),
    IGBO: ("Uno", "Ani", "Ukwu", "Nta", "Agu", "Etiti"),
}

COMMON_WARD_NAMES = {
    HAUSA: (
        "Sabon Gari",
        "Tudun Wada",
        "Kofar Mata",
        "Unguwar Rimi",
        "Gidan Dutse",
        "Kofar Fada",
        "Bakin Ruwa",
        "Tudun Murtala",
        "Dan Agundi",
        "Kawo",
        "Zango",
        "Yakasai",
        "Hausari",
        "Sabuwar Kasuwa",
        "Gangare",
    ),
    YORUBA: (
        "Oke-Odo",
        "Isale-Oja",
        "Ita-Ogun",
        "Oja-Oba",
        "Sabo",
        "Okelele",
        "Ile-Titun",
        "Oke-Ogun",
        "Ajegunle",
        "Idi-Ape",
        "Agbado",
        "Ojuoro",
    ),
    IGBO: (
        "Umuokwe",
        "Amaokpala",
        "Nkwo Ezi",
        "Eke Agu",
        "Ogbete",
        "Uwani",
        "Ezi Uno",
        "Umuchukwu",
        "Obiuno",
        "Amaeze",
        "Isiala",
        "Ugwuaji",
    ),
}

# every letter here is in cp1252 (Latin-1 range), on purpose
ACCENTED_WARD_NAMES = (
    "Igbó-Ora",
    "Ilé-Olúji",
    "Òkè-Àró",
    "Ìsàlè-Èkó",
    "Ìjèbú-Òde",
    "Àdó-Àwáyè",
    "Ilé-Ifè",
    "Òtùn-Èkìtì",
    "Ìbàdàn Àríwá",
    "Ìlá-Òràngún",
)

LGA_DIRECTIONS = ("North", "South", "East", "West", "Central")

FACILITY_TYPES = {
    "Primary": (
        "Primary Health Centre",
        "Primary Health Centre",
        "Primary Health Centre",
        "Health Post",
        "Dispensary",
        "Basic Health Clinic",
        "Maternity and Child Health Centre",
    ),
    "Secondary": ("General Hospital", "Comprehensive Health Centre", "Cottage Hospital"),
    "Tertiary": ("Teaching Hospital", "Federal Medical Centre", "Specialist Hospital"),
}


def pick_style(styles: tuple[tuple[str, float], ...], rng: np.random.Generator) -> str:
    names = [s for s, _ in styles]
    weights = np.array([w for _, w in styles], dtype=float)
    return names[int(rng.choice(len(names), p=weights / weights.sum()))]


def base_name(style: str, rng: np.random.Generator) -> str:
    """One made-up place name of 2-4 syllables, capitalised: 'Kawaji', 'Olodeko', 'Okezi'."""
    syllables = _SYLLABLES[style]
    starts = _STARTS[style]
    start = starts[int(rng.integers(len(starts)))]
    n = int(rng.integers(2, 4)) if start == "" else int(rng.integers(1, 3))
    text = start + "".join(syllables[int(i)] for i in rng.integers(len(syllables), size=n))
    return text[:1].upper() + text[1:]


def with_prefix(style: str, rng: np.random.Generator, base: str) -> str:
    prefixes = _PREFIXES[style]
    prefix = prefixes[int(rng.integers(len(prefixes)))]
    if style == YORUBA:
        return f"{prefix}-{base}"
    if prefix in _JOINED_PREFIXES:
        return prefix + base.lower()
    return f"{prefix} {base}"


def with_suffix(style: str, rng: np.random.Generator, base: str) -> str:
    suffixes = _SUFFIXES[style]
    suffix = suffixes[int(rng.integers(len(suffixes)))]
    return f"{base}-{suffix}" if style == YORUBA else f"{base} {suffix}"


def base_pool(style: str, size: int, rng: np.random.Generator) -> list[str]:
    """Distinct base names shared by all LGAs of a state, so ward names repeat across LGAs."""
    syllables = np.array(_SYLLABLES[style], dtype=object)
    starts = np.array(_STARTS[style], dtype=object)
    seen: dict[str, None] = {}
    for _ in range(20):
        if len(seen) >= size:
            break
        # drawn in bulk: one name at a time costs seconds for 100,000 wards
        batch = size - len(seen) + 16
        start = starts[rng.integers(len(starts), size=batch)]
        count = np.where(
            start == "", rng.integers(2, 4, size=batch), rng.integers(1, 3, size=batch)
        )
        picks = syllables[rng.integers(len(syllables), size=(batch, 3))]
        for head, k, row in zip(start, count, picks, strict=True):
            text = head + "".join(row[:k])
            seen.setdefault(text[:1].upper() + text[1:], None)
    return list(seen)[:size]


def ward_names_for_lga(
    count: int,
    style: str,
    pool: list[str],
    rng: np.random.Generator,
) -> list[str]:
    """``count`` ward names, distinct within the LGA, in the style of real ward lists."""
    names: list[str] = []
    taken: set[str] = set()

    def add(name: str) -> bool:
        if name in taken or len(names) >= count:
            return False
        names.append(name)
        taken.add(name)
        return True

    common = COMMON_WARD_NAMES[style]
    while len(names) < count:
        u = float(rng.random())
        base = pool[int(rng.integers(len(pool)))]
        if u < 0.06:
            candidate = common[int(rng.integers(len(common)))]
        elif u < 0.32:
            candidate = with_prefix(style, rng, base)
        elif u < 0.40:
            candidate = with_suffix(style, rng, base)
        elif u < 0.44 and count - len(names) >= 2:
            # a ward split in two, named as the field does: "Fagge A"/"Fagge B", "Okaka 1"/"Okaka 2"
            labels = (("A", "B"), ("I", "II"), ("1", "2"))[int(rng.integers(3))]
            if all(f"{base} {lab}" not in taken for lab in labels):
                for lab in labels:
                    add(f"{base} {lab}")
            continue
        elif u < 0.47:
            other = pool[int(rng.integers(len(pool)))]
            candidate = f"{base}/{other}" if other != base else base
        else:
            candidate = base
        if not add(candidate):
            # fall back to a fresh name; the pool can be small in small states
            for _ in range(50):
                if add(base_name(style, rng)):
                    break
            else:  # pragma: no cover - needs ~50 collisions in a row
                add(f"{candidate} {len(names) + 1}")
    return names


def lga_names(count: int, styles, capital: str, rng: np.random.Generator) -> list[str]:
    """``count`` distinct LGA names; the first is the state's municipal LGA."""
    names = [capital]
    taken = {capital}
    while len(names) < count:
        style = pick_style(styles, rng)
        base = base_name(style, rng)
        u = float(rng.random())
        if u < 0.15:
            candidate = with_prefix(style, rng, base)
        elif u < 0.25:
            candidate = f"{base} {LGA_DIRECTIONS[int(rng.integers(len(LGA_DIRECTIONS)))]}"
        else:
            candidate = base
        if candidate not in taken:
            names.append(candidate)
            taken.add(candidate)
    return names


def ascii_letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.upper() if c.isalpha())


def lga_abbreviations(names: list[str], rng: np.random.Generator) -> list[str]:
    """Distinct three-letter codes, as in the WardCode ``KNSFAG01`` (``FAG`` for Fagge)."""
    used: set[str] = set()
    result = []
    for name in names:
        letters = ascii_letters(name) or "X"
        consonants = letters[0] + "".join(c for c in letters[1:] if c not in "AEIOU")
        candidates = itertools.chain(
            (letters[:3], consonants[:3]),
            (
                letters[0] + letters[i] + letters[j]
                for i in range(1, len(letters))
                for j in range(i + 1, len(letters))
            ),
        )
        chosen = next((c for c in candidates if len(c) == 3 and c not in used), None)
        while chosen is None:
            c = "".join(chr(ord("A") + int(i)) for i in rng.integers(26, size=3))
            if c not in used:
                chosen = c
        used.add(chosen)
        result.append(chosen)
    return result
