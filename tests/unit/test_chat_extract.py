"""Parameters from plain words: numbers, wards, variables and choices."""

from __future__ import annotations

import pytest

from chatmrpt.chat import extract as ex
from chatmrpt.chat.extract import WardRef
from tests.unit.chat_corpus import (
    ILORIN_VARIABLES,
    ILORIN_WARDS,
    KANO_VARIABLES,
    KANO_WARDS,
    NORTH_WARDS,
)

KANO = tuple(WardRef(w, lga) for lga, wards in KANO_WARDS.items() for w in wards)
ILORIN = tuple(WardRef(w, lga) for lga, wards in ILORIN_WARDS.items() for w in wards)
NORTH = tuple(WardRef(w, lga) for w, lga in NORTH_WARDS)

# --- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,values",
    [
        ("1,200,000 nets", [1_200_000]),
        ("1 200 000 nets", [1_200_000]),
        ("250 000 nets, household size 5", [250_000, 5]),
        ("plan 80 000 nets", [80_000]),
        ("2.5m", [2_500_000]),
        ("2.5 M nets", [2_500_000]),
        ("500k", [500_000]),
        ("500K LLINs", [500_000]),
        ("1.2k", [1_200]),
        ("3 mil", [3_000_000]),
        ("1bn", [1_000_000_000]),
        ("2 million", [2_000_000]),
        ("2 millions", [2_000_000]),
        ("1.5 million", [1_500_000]),
        ("two million", [2_000_000]),
        ("five hundred thousand", [500_000]),
        ("two hundred and fifty thousand", [250_000]),
        ("twenty-five", [25]),
        ("twenty five", [25]),
        ("half a million", [500_000]),
        ("half million", [500_000]),
        ("a quarter of a million", [250_000]),
        ("a million and a half", [1_500_000]),
        ("one and a half million", [1_500_000]),
        ("two and a half million", [2_500_000]),
        ("one point five million", [1_500_000]),
        ("a thousand nets", [1_000]),
        ("a hundred", [100]),
        ("2 million 500 thousand", [2_500_000]),
        ("two million five hundred thousand", [2_500_000]),
        ("4.8", [4.8]),
        (".5", [0.5]),
        ("top ten", [10]),
        ("household size five", [5]),
        ("20,30,50 and 75", [20, 30, 50, 75]),
        ("3 million, 5", [3_000_000, 5]),
        ("500000 and 5", [500_000, 5]),
        ("10 5", [10, 5]),
        ("5-person households", [5]),
        ("20-30", [20, 30]),
    ],
)
def test_numbers(text, values):
    assert [n.number for n in ex.extract_numbers(text)] == values


@pytest.mark.parametrize(
    "text",
    ["u5 children", "KN3103", "val_housing_15", "pfpr2_10", "a ward", "half of the wards", "the"],
)
def test_no_numbers_inside_names_or_words(text):
    assert ex.extract_numbers(text) == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("30%", 30),
        ("30 %", 30),
        ("30 percent", 30),
        ("30 per cent", 30),
        ("thirty per cent", 30),
        ("12.5 pct", 12.5),
    ],
)
def test_percentages(text, value):
    (found,) = ex.extract_numbers(text)
    assert found.percent and found.number == value
    assert found.text == text


def test_number_spans_point_into_the_text():
    text = "Plan Two Million nets, household size 5.5"
    found = ex.extract_numbers(text)
    assert [text[n.start : n.end] for n in found] == ["Two Million", "5.5"]
    assert isinstance(found[0].number, int) and isinstance(found[1].number, float)


def test_parse_number():
    assert ex.parse_number("5") == 5
    assert ex.parse_number("about 1.2m") == 1_200_000
    assert ex.parse_number("5 or 6") is None
    assert ex.parse_number("none") is None


# --- numbers tied to parameters ---------------------------------------------------------------


def _plan(text, accepts=None):
    low = ex.canonical_text(text)
    assigned, free = ex.assign_numbers(low, ex.PLAN_CUES, accepts=accepts)
    return {k: v.number for k, v in assigned.items()}, [n.number for n in free]


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "plan 2 million nets with household size 5",
            {"total_nets": 2_000_000, "household_size": 5},
        ),
        (
            "household size of 4.8 and 1,200,000 LLINs",
            {"household_size": 4.8, "total_nets": 1_200_000},
        ),
        ("5 people per household", {"household_size": 5}),
        ("households of 6", {"household_size": 6}),
        ("households here are about 6 people", {"household_size": 6}),
        ("5-person households", {"household_size": 5}),
        ("HH=5", {"household_size": 5}),
        ("hh size 5", {"household_size": 5}),
        ("1.8 people per net", {"people_per_net": 1.8}),
        ("one net covers 2 people", {"people_per_net": 2}),
        ("bales of 50", {"bale_size": 50}),
        ("50 nets per bale", {"bale_size": 50}),
        ("a 10% buffer", {"buffer": 10}),
        ("urban threshold 60", {"urban_threshold": 60}),
        ("50% urban", {"urban_threshold": 50}),
        ("cap each ward at 15%", {"max_ward_share": 15}),
        ("no ward gets more than 20%", {"max_ward_share": 20}),
        ("nets: 2000000", {"total_nets": 2_000_000}),
        ("500k bednets", {"total_nets": 500_000}),
    ],
)
def test_plan_cues(text, expected):
    assert _plan(text)[0] == expected


def test_numbers_about_people_or_wards_are_not_nets():
    assigned, free = _plan("cover 2 million people in 66 wards")
    assert assigned == {} and free == []


def test_a_number_goes_to_a_parameter_it_can_be():
    # "households with 500000" would make a household size of 500000; the nets take it
    text = "plan for households with 500000 nets"
    assert _plan(text)[0] == {"household_size": 500_000}
    small = {"household_size": lambda n: n.value <= 30}
    assert _plan(text, small)[0] == {"total_nets": 500_000}
    # with no parameter that fits, the first one named still gets it (and can be questioned)
    assert _plan("household size 500", small)[0] == {"household_size": 500}


def test_uncued_numbers_are_returned():
    assert _plan("allocate 750000 with household size 5") == ({"household_size": 5}, [750_000])


def test_top_and_urban_cues():
    low = "top 10 wards, then the 5 least vulnerable"
    assigned, _ = ex.assign_numbers(low, ex.TOP_CUES)
    assert assigned["n"].number == 10
    assigned, free = ex.assign_numbers("thresholds 30 and 50, target 25% of the population",
                                       ex.URBAN_CUES)  # fmt: skip
    assert assigned["target_share"].number == 25 and [n.number for n in free] == [30, 50]


# --- typos --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typo,word",
    [
        ("analize", "analyze"),
        ("ananlysis", "analysis"),
        ("vulnerabilty", "vulnerability"),
        ("houshold", "household"),
        ("prioritse", "prioritise"),
        ("distribte", "distribute"),
        ("alocate", "allocate"),
        ("metodology", "methodology"),
        ("compair", "compare"),
        ("teh", "the"),
        ("mpa", "map"),
    ],
)
def test_typos_are_corrected(typo, word):
    assert ex.canonical_text(f"please {typo} it") == f"please {word} it"


@pytest.mark.parametrize(
    "sentence",
    [
        "the store has more medium wards than large ones",
        "is the analysis complete",
        "which person is the expert",
        "the fifth and sixth wards",
        "what are the risks",
        "share the model results",
    ],
)
def test_ordinary_words_stay(sentence):
    assert ex.canonical_text(sentence) == sentence


def test_protected_words_are_not_corrected():
    assert ex.correct_typos("explain analise", {"analise"}) == "explain analise"
    assert ex.protected_words(["Gwagwarwa", "val_housing_15"]) >= {"gwagwarwa", "housing", "val"}


def test_contractions():
    assert ex.canonical_text("What's the status? Let's go") == "what is the status? let us go"


# --- wards --------------------------------------------------------------------------------------


def _ward(text, wards=KANO):
    match = ex.find_ward(text, wards)
    return None if match is None else sorted((c.name, c.lga) for c in match.candidates)


@pytest.mark.parametrize(
    "text,name",
    [
        ("why is Zango high", "Zango"),
        ("why is zango high", "Zango"),
        ("Tudun Wada ward", "Tudun Wada"),
        ("ward Tudun Wada", "Tudun Wada"),
        ("tudunwada", "Tudun Wada"),
        ("gwagwarawa", "Gwagwarwa"),
        ("Gwagwarwa's score", "Gwagwarwa"),
        ("Bakin Ruwa", "Bakin-Ruwa"),
        ("bakin-ruwa", "Bakin-Ruwa"),
        ("Gawuna", "Gawunab"),
        ("zaitawa", "zaitawai"),
        ("Fagge C", "Fagg c"),
        ("fagge d2", "Fagge D2"),
        ("She-she", "She She"),
        ("Unguwa Uku Kauyen Alu", "Unguwa Uku Kauyen Alu"),
        ("Hotoro", "Hotoro"),
        ("hotoro north", "Hotoro North"),
        ("explain Sabon Gari West", "Sabon Gari West"),
    ],
)
def test_kano_wards(text, name):
    assert [n for n, _ in _ward(text)] == [name]


@pytest.mark.parametrize(
    "text,name",
    [
        ("Adewole", "Adewole"),
        ("ajikobi", "Ajikobi"),
        ("Oju Ekun", "Oju-Ekun"),
        ("M/Ngeri", "M/Ngeri"),
        ("m ngeri", "M/Ngeri"),
        ("Marafa Pepele", "Marafa/Pepele"),
        ("Pepele", "Marafa/Pepele"),
        ("oke oyi", "Oke Oyi/Oke-Ose/Alalubosa"),
        ("Akanbi 3", "Akanbi 3"),
        ("Akanbi III", "Akanbi 3"),
        ("akanbi three", "Akanbi 3"),
        ("Balogun Fulani 1", "Balogun Fulani 1"),
        ("Are 1", "Are 1"),
        ("zango", "Zango 1"),
    ],
)
def test_ilorin_wards(text, name):
    assert [n for n, _ in _ward(text, ILORIN)] == [name]


def test_numbers_must_agree():
    # no Akanbi 6: the family is offered, never a single wrong ward
    assert len(_ward("Akanbi 6", ILORIN)) == 5
    assert [n for n, _ in _ward("akanbi 3", ILORIN)] == ["Akanbi 3"]
    assert [n for n, _ in _ward("Balogun Fulani 2", ILORIN)] == ["Balogun Fulani 2"]
    assert [n for n, _ in _ward("Kwarbai B", NORTH)] == ["Kwarbai B"]


def test_family_names_are_ambiguous():
    assert [n for n, _ in _ward("why is akanbi high", ILORIN)] == [
        "Akanbi 1", "Akanbi 2", "Akanbi 3", "Akanbi 4", "Akanbi 5",
    ]  # fmt: skip
    assert [n for n, _ in _ward("sabon gari")] == ["Sabon Gari East", "Sabon Gari West"]
    assert [n for n, _ in _ward("gyadi gyadi")] == ["Gyadi Gyadi Arewa", "Gyadi Gyadi Kudu"]


def test_same_name_in_two_lgas_returns_both_unless_the_lga_is_named():
    assert _ward("Why is Sabon Gari ranked high?", NORTH) == [
        ("Sabon Gari", "Fagge"),
        ("Sabon Gari", "Zaria"),
    ]
    assert _ward("Sabon Gari in Zaria", NORTH) == [("Sabon Gari", "Zaria")]
    assert _ward("Zaria's Sabon Gari", NORTH) == [("Sabon Gari", "Zaria")]
    assert _ward("Sabon Gari (Fagge LGA)", NORTH) == [("Sabon Gari", "Fagge")]
    assert _ward("sabon gari in zaira", NORTH) == [("Sabon Gari", "Zaria")]
    assert _ward("Hausari", NORTH) == [("Hausari", "Geidam"), ("Hausari", "Nguru")]


@pytest.mark.parametrize(
    "text",
    [
        "why are the wards ranked like this",
        "what are the top 2 wards",
        "show me the data for the wards",
        "plan 2 million nets with household size 5",
        "compare the methods",
        "the most vulnerable ward",
    ],
)
def test_ordinary_sentences_name_no_ward(text):
    assert ex.find_ward(text, ILORIN) is None
    assert ex.find_ward(text, KANO) is None


def test_capitalised_stopword_ward_is_found():
    assert [n for n, _ in _ward("Are 2", ILORIN)] == ["Are 2"]
    assert _ward("why are 2 wards missing", ILORIN) is None


def test_several_wards_in_one_message():
    matches = ex.find_wards("compare Zango and Gwagwarwa", KANO)
    assert [m.names for m in matches] == [("Zango",), ("Gwagwarwa",)]
    assert ex.find_ward("Zango and Gwagwarwa", KANO).names == ("Zango",)


def test_ward_match_spans_and_scores():
    match = ex.find_ward("Explain gwagwarawa please", KANO)
    assert match.query == "gwagwarawa" and match.score < 100
    assert "Explain gwagwarawa please"[match.start : match.end] == "gwagwarawa"


def test_no_wards_no_match():
    assert ex.find_ward("Zango", []) is None


def test_lgas():
    assert ex.find_lgas("the one in Fagge", NORTH) == ("Fagge",)
    assert ex.find_lgas("nothing here", NORTH) == ()


# --- variables ------------------------------------------------------------------------------------


def _vars(text, columns=KANO_VARIABLES):
    return [m.column for m in ex.find_variables(text, columns)]


@pytest.mark.parametrize(
    "text,columns",
    [
        ("rainfall, tpr and housing quality", ["rainfall", "test_positivity_rate", "housing_quality"]),
        ("test positivity rate and distance to water bodies",
         ["test_positivity_rate", "distance_to_water_bodies"]),
        ("EVI, settlement type and dumpsites",
         ["enhanced_vegetation_index", "settlement_type_poor", "dump sites".replace(" ", "")]),
        ("nets per capita", ["nets_per_capita"]),
        ("rainfal", ["rainfall"]),
        ("distance", ["distance_to_water_bodies"]),
    ],
)  # fmt: skip
def test_kano_variables(text, columns):
    assert _vars(text) == columns


def test_ilorin_variables_through_the_catalogue():
    assert _vars("tpr, distance, evi and housing", ILORIN_VARIABLES) == [
        "tpr_u5_new", "distance", "meanEVI", "val_housing_15",
    ]  # fmt: skip
    assert _vars("settlement type", ILORIN_VARIABLES) == ["settlement_type"]


def test_variables_without_a_dataset_are_canonical_names():
    assert _vars("rain, tpr and distance to water", ()) == [
        "rainfall", "u5_tpr_rdt", "distance_to_waterbodies",
    ]  # fmt: skip


def test_known_variable_missing_from_the_dataset():
    (mention,) = ex.find_variables("ndvi", ILORIN_VARIABLES)
    assert mention.column is None and mention.canonical == "ndvi"


def test_no_variables_in_ordinary_words():
    assert (
        ex.find_variables("show me the top ten wards and compare the methods", KANO_VARIABLES) == []
    )


def test_directions():
    text = "treat distance as direct, housing is inverse"
    mentions = ex.find_variables(text, KANO_VARIABLES)
    assert ex.find_directions(text, mentions) == {
        "distance_to_water_bodies": "direct",
        "housing_quality": "inverse",
    }
    text = "higher rainfall means more risk and higher housing quality means less risk"
    mentions = ex.find_variables(text, KANO_VARIABLES)
    assert ex.find_directions(text, mentions) == {
        "rainfall": "direct",
        "housing_quality": "inverse",
    }
    assert (
        ex.find_directions(
            "rainfall and tpr", ex.find_variables("rainfall and tpr", KANO_VARIABLES)
        )
        == {}
    )


# --- choices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,method",
    [
        ("by pca", "pca"),
        ("using principal component analysis", "pca"),
        ("composite score", "composite"),
        ("use PCA instead of composite", "pca"),
        ("not pca", "composite"),
        ("compare composite and pca", None),
        ("no method here", None),
    ],
)
def test_method(text, method):
    assert ex.find_method(text) == method


def test_methods():
    assert ex.find_methods("run without pca") == ((), ("pca",))
    assert ex.find_methods("composite and pca") == (("composite", "pca"), ())


@pytest.mark.parametrize(
    "text,strategy",
    [
        ("cap each ward at 10%", "capped"),
        ("no ward gets more than 20%", "capped"),
        ("skip wards that don't fit", "continue"),
        ("keep going to smaller wards", "continue"),
        ("don't stop at the first ward", "continue"),
        ("stop at the first ward", "stop"),
        ("2 million nets", None),
    ],
)
def test_strategy(text, strategy):
    assert ex.find_strategy(text) == strategy


@pytest.mark.parametrize(
    "text,value",
    [("legacy normalisation", "reciprocal"), ("like the old tool", "reciprocal"),
     ("reciprocal", "reciprocal"), ("min-max", "linear"), ("linear", "linear"), ("none", None)],
)  # fmt: skip
def test_normalization(text, value):
    assert ex.find_normalization(text) == value


@pytest.mark.parametrize(
    "kind,text,value",
    [
        ("age", "under fives", "u5"), ("age", "children under 5", "u5"), ("age", "u5", "u5"),
        ("age", "over fives", "o5"), ("age", "5 and above", "o5"), ("age", "adults", "o5"),
        ("age", "pregnant women", "pw"), ("age", "antenatal", "pw"), ("age", "all ages", "all"),
        ("test", "rdt", "rdt"), ("test", "rapid diagnostic test", "rdt"),
        ("test", "microscopy", "microscopy"), ("test", "rdt and microscopy", "both"),
        ("facility_level", "PHCs", "primary"), ("facility_level", "general hospitals", "secondary"),
        ("facility_level", "teaching hospitals", "tertiary"),
        ("facility_level", "all facilities", "all"), ("age", "something else", None),
    ],
)  # fmt: skip
def test_choices(kind, text, value):
    assert ex.find_choice(kind, text) == value


@pytest.mark.parametrize("text,weak", [
    ("the 2024 campaign", True),
    ("call 08031234567", True),
    ("LGA code 20037", True),
    ("2,024 nets", False),
    ("500000 nets", False),
    ("450k", False),
    ("20%", False),
])
def test_years_phone_numbers_and_codes_are_weak_quantities(text, weak):
    (num,) = ex.extract_numbers(text)
    assert ex.weak_quantity(num, text) is weak
