"""Ward-name normalisation, METHODOLOGY §1."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.names import STATE_CODES, normalise_ward_name, normalise_ward_names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kw Adewole", "adewole"),  # the METHODOLOGY example
        ("KW Adewole", "adewole"),
        ("kn  Fagge A", "fagge a"),
        ("Bakin-Ruwa", "bakin ruwa"),
        ("Marafa/Pepele", "marafa pepele"),
        ("Sabon_Gari", "sabon gari"),
        ("Oja Oba (Ilorin West)", "oja oba"),
        ("Oja Oba(Ilorin West) Ward", "oja oba"),
        ("Sabon Gari Ward", "sabon gari"),
        ("WARD Sabon Gari", "sabon gari"),
        ("Ward_1", "1"),
        ("Are I", "are 1"),
        ("Dala II", "dala 2"),
        ("Ikotun-IX", "ikotun 9"),
        ("Zone iv", "zone 4"),
        ("  Sabon \t  Gari\u00a0 ", "sabon gari"),
        ("Fagge D1", "fagge d1"),
        ("Wardrobe", "wardrobe"),  # "ward" only as a whole word
        ("Fagg c", "fagg c"),
        ("Unguwa Uku Kauyen Alu", "unguwa uku kauyen alu"),
    ],
)
def test_normalise_examples(raw, expected):
    assert normalise_ward_name(raw) == expected


def test_state_prefix_only_for_state_codes_followed_by_text():
    # "Xy" is no state code: kept.
    assert normalise_ward_name("Xy Kudu") == "xy kudu"
    # A lone code is a name, not a prefix.
    assert normalise_ward_name("kw") == "kw"
    assert normalise_ward_name("kw (Kwara)") == "kw"
    # Only a two-letter first word counts.
    assert normalise_ward_name("Kwa Adewole") == "kwa adewole"
    assert normalise_ward_name("Kw-Adewole") == "kw adewole"


def test_state_prefix_is_case_insensitive_so_both_sides_agree():
    # "Ta" is Taraba's code: a ward called "Ta Kudu" loses it, but in every spelling alike,
    # so the name still matches itself across files.
    spellings = ["Ta Kudu", "ta kudu", "TA KUDU", "ta Kudu"]
    assert {normalise_ward_name(s) for s in spellings} == {"kudu"}


def test_state_code_list_is_complete():
    assert len(STATE_CODES) == 37
    assert {"KN", "KW", "FC", "LA", "TA"} <= STATE_CODES


def test_roman_numerals_only_as_whole_words():
    assert normalise_ward_name("Vii") == "7"
    assert normalise_ward_name("Ivory") == "ivory"
    assert normalise_ward_name("Ward X") == "x"  # x is not in i..ix


def test_missing_values_give_empty_string():
    assert normalise_ward_name(None) == ""
    assert normalise_ward_name(np.nan) == ""
    assert normalise_ward_name(pd.NA) == ""
    assert normalise_ward_name("   ") == ""


def test_accents_are_kept_but_composition_does_not_matter():
    composed = unicodedata.normalize("NFC", "Café")
    decomposed = unicodedata.normalize("NFD", "Café")
    assert composed != decomposed
    assert normalise_ward_name(composed) == normalise_ward_name(decomposed) == "café"
    assert normalise_ward_name("Cafe") != normalise_ward_name("Café")


def test_bulk_matches_scalar():
    names = ["kw Adewole", "Bakin-Ruwa", None, "Bakin-Ruwa", "Are II"]
    assert normalise_ward_names(names) == [normalise_ward_name(n) for n in names]
    assert normalise_ward_names(pd.Series(names)) == ["adewole", "bakin ruwa", "", "bakin ruwa",
                                                      "are 2"]  # fmt: skip
