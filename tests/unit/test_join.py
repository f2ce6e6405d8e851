"""The table <-> boundaries join: key order, fuzzy rules, one-to-one, report, speed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from rapidfuzz import fuzz
from shapely.geometry import box

from chatmrpt.analysis.join import join_wards, match_wards
from chatmrpt.errors import InputError


def features(names, lgas=None, *, codes=None, lga_codes=None) -> gpd.GeoDataFrame:
    data = {"WardName": names}
    if lgas is not None:
        data["LGA"] = lgas
    if codes is not None:
        data["WardCode"] = codes
    if lga_codes is not None:
        data["LGACode"] = lga_codes
    geoms = [box(i, 0, i + 1, 1) for i in range(len(names))]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326")


def table(names, lgas=None, *, codes=None, lga_codes=None, index=None) -> pd.DataFrame:
    data = {"WardName": names}
    if lgas is not None:
        data["LGA"] = lgas
    if codes is not None:
        data["WardCode"] = codes
    if lga_codes is not None:
        data["LGACode"] = lga_codes
    data["tpr"] = np.linspace(0.1, 0.9, len(names))
    return pd.DataFrame(data, index=index)


def matched_names(joined: gpd.GeoDataFrame, bnd: gpd.GeoDataFrame) -> list:
    """For each table row, the boundary name whose square it received (None if unmatched)."""
    out = []
    for geom in joined.geometry:
        if geom is None:
            out.append(None)
            continue
        hits = [i for i, g in enumerate(bnd.geometry) if g.equals(geom)]
        out.append(bnd["WardName"].iloc[hits[0]])
    return out


def test_same_ward_name_in_two_lgas_joined_by_name_and_lga():
    bnd = features(["Sabon Gari", "Sabon Gari", "Hausari"], ["Zaria", "Tafa", "Zaria"])
    tab = table(["Sabon-Gari", "Hausari", "Sabon Gari"], ["Tafa", "Zaria", "Zaria"])
    joined, report = join_wards(tab, bnd)
    assert report["rule_counts"] == {"ward_code": 0, "name_lga": 3, "name": 0, "fuzzy": 0}
    assert report["lga_key"] == "LGA"
    # Row 0 (Tafa) got feature 1 (Tafa); row 2 (Zaria) got feature 0 (Zaria).
    assert joined.geometry.iloc[0].equals(bnd.geometry.iloc[1])
    assert joined.geometry.iloc[2].equals(bnd.geometry.iloc[0])
    assert joined.geometry.iloc[1].equals(bnd.geometry.iloc[2])


def test_same_name_without_lga_is_ambiguous_not_guessed():
    bnd = features(["Sabon Gari", "Sabon Gari", "Hausari"])
    tab = table(["Sabon Gari", "Hausari"])
    joined, report = join_wards(tab, bnd)
    assert report["rule_counts"]["name"] == 1
    assert joined.geometry.iloc[0] is None
    (amb,) = report["ambiguous"]
    assert amb["row"] == 1 and amb["WardName"] == "Sabon Gari"
    assert [c["feature"] for c in amb["candidates"]] == [1, 2]
    assert report["unmatched_table"] == [{"row": 1, "WardName": "Sabon Gari", "LGA": None}]


def test_two_table_rows_with_one_name_never_share_a_feature():
    bnd = features(["Sabon Gari", "Hausari"])
    tab = table(["Sabon Gari", "Sabon Gari", "Hausari"])
    joined, report = join_wards(tab, bnd)
    assert joined.geometry.iloc[0] is None and joined.geometry.iloc[1] is None
    assert {a["row"] for a in report["ambiguous"]} == {1, 2}
    assert report["matched"] == 1


def test_ward_code_first_trimmed_and_case_insensitive():
    bnd = features(["Alpha", "Beta", "Gamma"], codes=["KN0701", "KN0702", "KN0703"])
    # Names swapped on purpose: the code decides.
    tab = table(["Beta", "Alpha", "Gamma"], codes=[" kn0701", "KN0702 ", None])
    joined, report = join_wards(tab, bnd)
    assert report["rule_counts"] == {"ward_code": 2, "name_lga": 0, "name": 1, "fuzzy": 0}
    assert matched_names(joined, bnd) == ["Alpha", "Beta", "Gamma"]


def test_lga_codes_used_when_both_sides_have_them():
    bnd = features(["Sabon Gari", "Sabon Gari"], ["Zaria LGA", "Tafa LGA"], lga_codes=["1", "2"])
    tab = table(["Sabon Gari", "Sabon Gari"], ["Tafa", "Zaria"], lga_codes=["2", " 1"])
    joined, report = join_wards(tab, bnd)
    assert report["lga_key"] == "LGACode"
    assert report["rule_counts"]["name_lga"] == 2
    assert joined.geometry.iloc[0].equals(bnd.geometry.iloc[1])


def test_lga_names_on_one_side_codes_on_the_other_fall_back_to_name():
    bnd = features(["Sabon Gari", "Hausari"], lga_codes=["1", "2"])
    tab = table(["Hausari", "Sabon Gari"], ["Tafa", "Zaria"])
    joined, report = join_wards(tab, bnd)
    assert report["lga_key"] is None
    assert report["rule_counts"]["name"] == 2
    assert matched_names(joined, bnd) == ["Hausari", "Sabon Gari"]


def test_lga_values_without_overlap_are_ignored_with_a_warning():
    bnd = features(["Sabon Gari", "Hausari"], ["Zaria LGA", "Tafa LGA"])
    tab = table(["Hausari", "Sabon Gari"], ["Tafa", "Zaria"])
    joined, report = join_wards(tab, bnd)
    assert report["lga_key"] is None and report["matched"] == 2
    assert any("nothing in common" in w for w in report["warnings"])


def test_fuzzy_at_or_above_90_is_accepted():
    bnd = features(["Fagge C", "Gawuna", "Zaitawa", "Dorayi"])
    tab = table(["Fagg c", "Gawunab", "zaitawai", "Dorayi"])
    joined, report = join_wards(tab, bnd)
    assert report["rule_counts"] == {"ward_code": 0, "name_lga": 0, "name": 1, "fuzzy": 3}
    assert matched_names(joined, bnd) == ["Fagge C", "Gawuna", "Zaitawa", "Dorayi"]
    scores = {f["table_name"]: f["score"] for f in report["fuzzy_matches"]}
    assert scores == {"Fagg c": 92.3, "Gawunab": 92.3, "zaitawai": 93.3}
    assert [f["row"] for f in report["fuzzy_matches"]] == [1, 2, 3]


def test_fuzzy_between_80_and_90_needs_the_same_lga():
    assert 80 <= fuzz.ratio("kofar mata", "kafar mta") < 90
    bnd = features(["Kofar Mata", "Dorayi"], ["Dala", "Gwale"])
    same = table(["Kafar Mta", "Dorayi"], ["Dala", "Gwale"])
    joined, report = join_wards(same, bnd)
    assert report["rule_counts"]["fuzzy"] == 1
    assert report["fuzzy_matches"][0]["lga"] == "Dala"
    assert joined.geometry.iloc[0] is not None
    # Without LGA on both sides, the same pair is not accepted, only shown as a near miss.
    joined, report = join_wards(table(["Kafar Mta", "Dorayi"]), features(["Kofar Mata", "Dorayi"]))
    assert report["rule_counts"]["fuzzy"] == 0
    assert joined.geometry.iloc[0] is None
    (miss,) = report["unmatched_table"]
    assert miss["closest"]["WardName"] == "Kofar Mata" and 80 <= miss["closest"]["score"] < 90


def test_fuzzy_candidates_come_from_the_rows_lga():
    bnd = features(["Kofar Mata", "Kofar Wambai"], ["Dala", "Gwale"])
    # "Kofar Mataa" is closest to "Kofar Mata", but that ward is in another LGA.
    tab = table(["Kofar Mataa"], ["Gwale"])
    positions, report = match_wards(tab, bnd)
    assert positions.tolist() == [-1]
    assert report["rule_counts"]["fuzzy"] == 0


def test_fuzzy_below_80_unmatched():
    bnd = features(["Adakawa", "Dorayi"])
    tab = table(["Completely Different", "Dorayi"])
    joined, report = join_wards(tab, bnd)
    assert report["matched"] == 1
    assert report["unmatched_table"][0]["WardName"] == "Completely Different"
    assert report["unmatched_boundaries"] == [{"feature": 1, "WardName": "Adakawa", "LGA": None}]


def test_fuzzy_tie_is_ambiguous():
    bnd = features(["Fagge Abc", "Fagge Abd", "Dorayi"])
    tab = table(["Fagge Ab", "Dorayi"])
    assert fuzz.ratio("fagge ab", "fagge abc") == fuzz.ratio("fagge ab", "fagge abd") >= 90
    joined, report = join_wards(tab, bnd)
    assert joined.geometry.iloc[0] is None
    (amb,) = report["ambiguous"]
    assert "equally close" in amb["reason"]
    assert [c["WardName"] for c in amb["candidates"]] == ["Fagge Abc", "Fagge Abd"]


def test_one_to_one_higher_score_wins_then_table_order():
    bnd = features(["Kofar Mata", "Dorayi"])
    low, high = fuzz.ratio("kofar matabc", "kofar mata"), fuzz.ratio("kofar matab", "kofar mata")
    assert 90 <= low < high
    # Both rows want "Kofar Mata": the closer one wins although it comes later.
    joined, report = join_wards(table(["Kofar Matabc", "Kofar Matab", "Dorayi"]), bnd)
    assert joined.geometry.iloc[0] is None
    assert joined.geometry.iloc[1].equals(bnd.geometry.iloc[0])
    (amb,) = report["ambiguous"]
    assert amb["row"] == 1 and "row 2" in amb["reason"]
    assert report["unmatched_table"][0]["row"] == 1
    # Equal scores: the earlier row wins.
    assert fuzz.ratio("kofar matax", "kofar mata") == high
    joined, report = join_wards(table(["Kofar Matax", "Kofar Matab", "Dorayi"]), bnd)
    assert joined.geometry.iloc[0].equals(bnd.geometry.iloc[0])
    assert joined.geometry.iloc[1] is None
    assert [a["row"] for a in report["ambiguous"]] == [2]


def test_output_keeps_order_index_and_columns():
    bnd = features(["A", "B", "C"], codes=["1", "2", "3"])
    tab = table(["C", "Zed", "A"], index=[10, 20, 30])
    joined, report = join_wards(tab, bnd)
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined.index.tolist() == [10, 20, 30]
    assert joined.crs.to_epsg() == 4326
    assert list(joined.columns) == ["WardName", "tpr", "geometry"]
    assert joined.geometry.iloc[1] is None
    assert report["table_rows"] == 3 and report["boundary_features"] == 3
    assert report["matched"] + report["unmatched_table_count"] == 3
    assert report["unmatched_table"] == [{"row": 2, "WardName": "Zed", "LGA": None}]
    filled, _ = join_wards(tab, bnd, fill_identity=True)
    assert filled["WardCode"].tolist()[::2] == ["3", "1"]
    assert list(filled.columns) == ["WardName", "WardCode", "tpr", "geometry"]


def test_nothing_matches_raises_with_examples_from_both_sides():
    bnd = features(["Adakawa", "Dorayi", "Fagge A"])
    tab = table(["Apado", "Marafa/Pepele"])
    with pytest.raises(InputError) as err:
        join_wards(tab, bnd, table_name="ilorin.csv", boundaries_name="kano.zip")
    e = err.value
    assert e.code == "boundary_join_failed"
    for word in ("ilorin.csv", "kano.zip", "Apado", "Marafa/Pepele", "Adakawa", "Dorayi",
                 "spell", "WardCode", "LGA"):  # fmt: skip
        assert word in e.message
    assert e.details["table_examples"] == ["Apado", "Marafa/Pepele"]


def test_exact_join_of_100000_wards():
    n = 100_000
    rng = np.random.default_rng(3)
    names = [f"Ward {i} of the plain" for i in range(n)]
    lgas = [f"LGA {i % 774}" for i in range(n)]
    geoms = shapely.box(np.arange(n), 0, np.arange(n) + 1, 1)
    bnd = gpd.GeoDataFrame({"WardName": names, "LGA": lgas}, geometry=geoms, crs=4326)
    order = rng.permutation(n)
    tab = pd.DataFrame(
        {"WardName": [names[i] for i in order], "LGA": [lgas[i] for i in order], "x": 1.0}
    )
    joined, report = join_wards(tab, bnd)
    assert report["rule_counts"]["name_lga"] == n
    assert shapely.equals(joined.geometry.values[:100], bnd.geometry.values[order[:100]]).all()
