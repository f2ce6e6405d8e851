"""Plain-language explanations of the method, of a ward's rank and of the top wards."""

from __future__ import annotations

import pytest

from chatmrpt.chat.explain import (
    category_for_rank,
    describe_top_wards,
    explain_methodology,
    explain_ward,
    ordinal,
)
from chatmrpt.chat.tools import METHODOLOGY_TOPICS
from chatmrpt.errors import InputError

# --- the method -----------------------------------------------------------------------------


@pytest.mark.parametrize("topic", METHODOLOGY_TOPICS)
def test_every_topic_has_a_plain_explanation(topic):
    text = explain_methodology(topic)
    assert len(text) > 300
    # plain words for a programme officer: no code, no unexplained jargon markers
    assert "`" not in text and "_" not in text


def test_texts_follow_the_methodology_defaults():
    general = explain_methodology("general")
    assert "linear normalisation" in general and "median" in general
    composite = explain_methodology("composite")
    assert "median" in composite and "2^k - k - 1" in composite and "26 for five" in composite
    assert "rank 1 being the most vulnerable" in composite
    normalization = explain_methodology("normalization")
    assert "linear" in normalization and "(value - lowest) / (highest - lowest)" in normalization
    assert "(highest - value) / (highest - lowest)" in normalization and "0.5" in normalization
    categories = explain_methodology("categories")
    assert "h = n // 3" in categories
    assert "3 High, 4 Medium and 3 Low" in categories and "161, 162 and 161" in categories
    urban = explain_methodology("urban")
    assert "strictly above" in urban and "30%" in urban and "least vulnerable" in urban
    itn = explain_methodology("itn")
    assert "ceil(max(population / 1.8, ceil(population / household size)))" in itn
    assert "never assumed" in itn and "75%" in itn
    pca = explain_methodology("pca")
    assert "0.5" in pca and "0.05" in pca and "3 variables" in pca
    tpr = explain_methodology("tpr")
    assert "positive / tested x 100" in tpr and "never added together" in tpr
    imputation = explain_methodology("imputation")
    assert "neighbours" in imputation and "more than half" in imputation


def test_topic_spellings_and_unknown_topics():
    assert explain_methodology("Normalisation") == explain_methodology("normalization")
    assert explain_methodology("nets") == explain_methodology("itn")
    assert explain_methodology(None) == explain_methodology("general")
    with pytest.raises(InputError) as err:
        explain_methodology("astrology")
    assert err.value.code == "invalid_parameter" and "composite" in err.value.message


@pytest.mark.parametrize(
    "n,counts",
    [(484, (161, 162, 161)), (10, (3, 4, 3)), (275, (91, 93, 91)), (3, (1, 1, 1)), (2, (0, 2, 0))],
)
def test_categories_rule(n, counts):
    got = [category_for_rank(r, n) for r in range(1, n + 1)]
    assert (got.count("High"), got.count("Medium"), got.count("Low")) == counts
    assert got == sorted(got, key=["High", "Medium", "Low"].index)


@pytest.mark.parametrize(
    "n,text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
               (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinal(n, text):
    assert ordinal(n) == text


# --- one ward ---------------------------------------------------------------------------------

VARIABLES = [
    {"name": "u5_tpr_rdt", "direction": "direct"},
    {"name": "housing_quality", "direction": "inverse"},
    {"name": "rainfall", "direction": "direct"},
    {"name": "soil_wetness", "direction": "direct"},
]


def _row(**extra):
    row = {
        "WardName": "Adewole",
        "LGA": "Ilorin West",
        "composite_rank": 4,
        "composite_score": 0.6812,
        "normalized_u5_tpr_rdt": 0.95,
        "normalized_housing_quality": 0.8,
        "normalized_rainfall": 0.1,
        "normalized_soil_wetness": 0.5,
        "u5_tpr_rdt": 0.61,
        "housing_quality": 0.07,
        "rainfall": 1102.5,
    }
    row.update(extra)
    return row


def test_explain_ward_names_what_pushes_up_and_what_pulls_down():
    text = explain_ward(_row(), VARIABLES, 35)
    lines = text.splitlines()
    assert lines[0].startswith("Adewole (Ilorin West LGA) ranks 4th of 35 wards")
    assert "High priority category" in lines[0] and "High is ranks 1-11" in lines[0]
    up = text.index("What pushes it up")
    down = text.index("What pulls it down")
    middle = text.index("Close to the middle")
    tpr, housing, rain, soil = (text.index(w) for w in (
        "test positivity rate", "share of improved housing", "- rainfall", "soil wetness"))  # fmt: skip
    assert up < tpr < housing < down < rain < middle < soil
    assert "value 0.61" in text and "value 1,102" in text
    assert "a low value here raises risk" in text  # the inverse variable, said plainly
    assert "0.681" in text
    assert text.splitlines()[-1].startswith("In short")
    assert "test positivity rate" in text.splitlines()[-1]


def test_explain_ward_uses_the_category_rule_when_the_row_has_none():
    assert "Low priority category" in explain_ward(_row(composite_rank=35), VARIABLES, 35)
    assert "Medium priority category" in explain_ward(_row(composite_rank=12), VARIABLES, 35)
    assert "in the Low" in explain_ward(_row(composite_category="Low"), VARIABLES, 35)


def test_explain_ward_pca_agreement_and_disagreement():
    assert "both methods agree" in explain_ward(_row(pca_rank=5), VARIABLES, 35)
    far = explain_ward(_row(pca_rank=30), VARIABLES, 35)
    assert "By PCA it ranks 30th (Low), 26 places away" in far and "care" in far
    assert "By PCA" not in explain_ward(_row(pca_rank=float("nan")), VARIABLES, 35)


def test_explain_ward_reports_imputed_missing_and_plan_values():
    text = explain_ward(
        _row(imputed_rainfall=True, normalized_soil_wetness=None, nets_allocated=1200,
             nets_needed=1500),
        VARIABLES, 35,
    )  # fmt: skip
    assert "filled from neighbouring wards" in text
    assert "No normalised value for: soil wetness" in text
    assert "receives 1,200 of the 1,500 nets" in text


def test_explain_ward_without_rank_or_with_bad_count():
    text = explain_ward({"WardName": "Zango"}, VARIABLES, 66)
    assert "has no composite rank yet" in text
    with pytest.raises(InputError):
        explain_ward(_row(), VARIABLES, 0)


def test_explain_ward_when_everything_pulls_down():
    row = _row(normalized_u5_tpr_rdt=0.1, normalized_housing_quality=0.2, composite_rank=33)
    text = explain_ward(row, VARIABLES[:2], 35)
    assert "What pushes it up" not in text
    assert text.splitlines()[-1].endswith("(low risk).")


# --- the top (or bottom) wards ---------------------------------------------------------------

ROWS = [
    {"WardName": name, "LGA": "Dala", "composite_rank": rank, "composite_score": score,
     "pca_rank": pca}
    for name, rank, score, pca in [
        ("Adakawa", 3, 0.61, 1), ("Zango", 1, 0.82, 4), ("Dala", 2, 0.74, 2),
        ("Gwammaja", 5, 0.40, 5), ("Kantudu", 4, 0.55, 3), ("Yalwa", 6, 0.12, 6),
    ]
]  # fmt: skip


def test_describe_top_wards():
    text = describe_top_wards(ROWS, 3, "composite", "top")
    lines = text.splitlines()
    assert (
        lines[0] == "The 3 most vulnerable wards by the composite score (rank 1 = most vulnerable):"
    )
    assert lines[1] == "1. Zango (Dala LGA) - rank 1, score 0.820, High"
    assert [ln.split(". ")[1].split(" (")[0] for ln in lines[1:]] == ["Zango", "Dala", "Adakawa"]


def test_describe_bottom_wards_by_pca():
    text = describe_top_wards(ROWS, 2, "pca", "bottom")
    assert "least vulnerable wards by PCA" in text
    assert [ln.split(". ")[1].split(" (")[0] for ln in text.splitlines()[1:]] == [
        "Yalwa",
        "Gwammaja",
    ]
    assert "Low" in text.splitlines()[1]


def test_describe_one_ward_and_more_than_there_are():
    assert describe_top_wards(ROWS, 1).startswith("The most vulnerable ward by the composite score")
    many = describe_top_wards(ROWS, 50, order="bottom")
    assert many.startswith("There are only 6 ranked wards")
    assert len(many.splitlines()) == 7


def test_describe_ties_keep_the_table_order():
    rows = [{"WardName": n, "composite_rank": 1} for n in ("B", "A", "C")]
    assert [ln[3] for ln in describe_top_wards(rows, 3).splitlines()[1:]] == ["B", "A", "C"]


def test_describe_refuses_what_it_cannot_do():
    no_pca = [{"WardName": "Zango", "composite_rank": 1}]
    with pytest.raises(InputError) as err:
        describe_top_wards(no_pca, 5, "pca")
    assert "composite" in err.value.message
    for kwargs in ({"method": "kmeans"}, {"order": "middle"}, {"n": 0}):
        with pytest.raises(InputError):
            describe_top_wards(ROWS, **{"n": 3, **kwargs})
