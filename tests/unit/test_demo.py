"""The demo-data generator: determinism, realism of the wards and their boundaries, the
planted risk signal and the DHIS2-style facility export.

Deliberately independent of the analysis modules: the checks below recompute what they need
(a min-max composite, queen neighbours from shapely) so a bug in the analysis cannot hide a
bug here, and the other way round.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from chatmrpt.demo import facility as fac
from chatmrpt.demo.generator import (
    INVERSE_VARIABLES,
    VARIABLES,
    VARIABLES_WITH_GAPS,
    WARD_COLUMNS,
    generate_state,
    write_demo_data,
    write_state,
)
from chatmrpt.demo.states import STATES
from chatmrpt.errors import InputError

# METHODOLOGY §3 default variables per geopolitical zone
ZONE_DEFAULTS = {
    "North Central": [
        "u5_tpr_rdt",
        "nighttime_lights",
        "housing_quality",
        "soil_wetness",
        "distance_to_waterbodies",
        "ndmi",
        "urban_percentage",
    ],
    "North East": [
        "u5_tpr_rdt",
        "distance_to_waterbodies",
        "rainfall",
        "soil_wetness",
        "urban_percentage",
    ],
    "North West": [
        "u5_tpr_rdt",
        "rainfall",
        "ndwi",
        "housing_quality",
        "elevation",
        "urban_percentage",
    ],
    "South": ["u5_tpr_rdt", "ndwi", "housing_quality", "elevation", "urban_percentage"],
}

RANGES = {
    "urban_percentage": (0, 100),
    "u5_tpr_rdt": (5, 85),
    "rainfall": (600, 2500),
    "ndvi": (-0.1, 0.9),
    "evi": (0, 0.8),
    "ndwi": (-0.7, 0.3),
    "ndmi": (-0.4, 0.6),
    "soil_wetness": (0, 1),
    "elevation": (50, 1500),
    "distance_to_waterbodies": (0, 20_000),
    "housing_quality": (0, 1),
    "nighttime_lights": (0, 60),
}


@pytest.fixture(scope="module")
def kano():
    return generate_state(400, seed=3)


@pytest.fixture(scope="module")
def kano_export(kano):
    return kano.facility_export()


def queen_neighbours(boundaries: gpd.GeoDataFrame) -> list[set[int]]:
    """Neighbours by geometry (shared edge or vertex), independent of the generator."""
    geoms = boundaries.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    neighbours: list[set[int]] = [set() for _ in geoms]
    for a, b in zip(left, right, strict=True):
        if a != b:
            neighbours[a].add(int(b))
    return neighbours


def in_nigeria(layer: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = layer.total_bounds
    return bool(minx >= 3 and maxx <= 14 and miny >= 4 and maxy <= 14)


def minmax_composite(wards: pd.DataFrame, variables: list[str]) -> pd.Series:
    parts = []
    for name in variables:
        x = wards[name].fillna(wards[name].mean())
        scaled = (x - x.min()) / (x.max() - x.min())
        parts.append(1 - scaled if name in INVERSE_VARIABLES else scaled)
    return pd.concat(parts, axis=1).mean(axis=1)


# ----------------------------------------------------------------------------- determinism


def test_same_parameters_give_identical_files(tmp_path):
    a = write_demo_data(tmp_path / "a", 150, seed=4)
    b = write_demo_data(tmp_path / "b", 150, seed=4)
    assert sorted(a) == sorted(b) == ["boundaries", "facility_tpr", "wards"]
    for key in a:
        assert a[key].read_bytes() == b[key].read_bytes(), key


def test_different_seed_or_state_gives_different_wards(tmp_path):
    base = write_demo_data(tmp_path / "a", 150, seed=4, facility_export=False)["wards"]
    other_seed = write_demo_data(tmp_path / "b", 150, seed=5, facility_export=False)["wards"]
    other_state = write_demo_data(
        tmp_path / "c", 150, seed=4, state_code="KW", facility_export=False
    )["wards"]
    assert base.read_bytes() != other_seed.read_bytes()
    assert base.read_bytes() != other_state.read_bytes()


def test_generate_state_is_pure_and_repeatable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = generate_state(120, seed=9)
    second = generate_state(120, seed=9)
    pd.testing.assert_frame_equal(first.wards, second.wards)
    pd.testing.assert_series_equal(first.true_risk, second.true_risk)
    assert shapely.equals_exact(
        first.boundaries.geometry.to_numpy(), second.boundaries.geometry.to_numpy(), 0
    ).all()
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- ward table


def test_ward_table_shape_and_identity_columns(kano):
    wards = kano.wards
    assert list(wards.columns) == list(WARD_COLUMNS)
    assert len(wards) == 400
    assert (wards["StateCode"] == "KN").all()
    assert (wards["State"] == "Kano").all()
    assert wards["WardCode"].is_unique
    assert wards["WardCode"].str.fullmatch(r"KNS[A-Z]{3}\d{2}").all()
    assert wards["LGACode"].str.fullmatch(r"20\d{3}").all()  # Kano is state 20
    # LGA name, LGA code and the LGA part of the ward code name the same LGAs
    lga = wards[["LGA", "LGACode"]].drop_duplicates()
    assert lga["LGA"].is_unique and lga["LGACode"].is_unique
    abbreviation = wards["WardCode"].str[3:6]
    assert (abbreviation.groupby(wards["LGACode"]).nunique() == 1).all()
    assert (wards["LGACode"].groupby(abbreviation).nunique() == 1).all()


def test_lgas_group_ten_to_forty_neighbouring_wards(kano):
    sizes = kano.wards.groupby("LGACode").size()
    assert sizes.between(10, 40).all(), sizes.describe()
    assert kano.n_lgas == len(sizes)
    dissolved = kano.boundaries.dissolve("LGACode")
    assert (dissolved.geometry.geom_type == "Polygon").all()  # each LGA in one piece


def test_variables_in_plausible_ranges(kano):
    wards = kano.wards
    for name, (low, high) in RANGES.items():
        values = wards[name].dropna()
        assert values.between(low, high).all(), name
        assert values.std() > 0, name
    population = wards["Population"]
    assert population.dtype.kind == "i"
    assert 5_000 <= population.median() <= 60_000
    assert population.between(1_000, 250_000).all()
    assert population.max() > 60_000  # a few large urban wards
    # towns: a few wards are mostly urban and bright at night, most are rural
    assert (wards["urban_percentage"] > 60).sum() >= 5
    assert (wards["urban_percentage"] < 20).mean() > 0.6
    bright = wards["nighttime_lights"][wards["urban_percentage"] > 60].median()
    dark = wards["nighttime_lights"][wards["urban_percentage"] < 10].median()
    assert bright > 10 * dark


def test_ward_names_repeat_across_lgas_but_not_within(kano):
    wards = kano.wards
    lgas_per_name = wards.groupby("WardName")["LGACode"].nunique()
    assert (lgas_per_name >= 2).sum() >= 2
    assert not wards.duplicated(["LGACode", "WardName"]).any()
    assert wards["WardName"].str.strip().eq(wards["WardName"]).all()


def test_a_few_accented_names_that_survive_cp1252(kano):
    names = kano.wards["WardName"]
    accented = names[~names.map(str.isascii)]
    assert 2 <= len(accented) <= 0.05 * len(names)
    for name in accented:
        assert name.encode("cp1252").decode("cp1252") == name


def test_missing_cells_are_few_and_surrounded_by_observed_neighbours(kano):
    wards = kano.wards
    for name in VARIABLES:
        missing = wards[name].isna()
        if name in VARIABLES_WITH_GAPS:
            assert 1 <= missing.sum() <= 0.02 * len(wards), name
        else:
            assert not missing.any(), name
    # the boundary layer is in another order: map ward codes to layer positions
    position = pd.Series(range(len(kano.boundaries)), index=kano.boundaries["WardCode"])
    neighbours = queen_neighbours(kano.boundaries)
    layer_values = wards.set_index("WardCode").loc[kano.boundaries["WardCode"]]
    for name in VARIABLES_WITH_GAPS:
        observed = layer_values[name].notna().to_numpy()
        for code in wards.loc[wards[name].isna(), "WardCode"]:
            around = neighbours[position[code]]
            assert around and all(observed[i] for i in around), (name, code)


def test_true_risk_is_aligned_and_standardised(kano):
    risk = kano.true_risk
    assert risk.index.equals(kano.wards.index)
    assert abs(risk.mean()) < 1e-9 and abs(risk.std(ddof=0) - 1) < 1e-9


# ----------------------------------------------------------------------------- risk signal


@pytest.mark.parametrize(
    "state_code, defaults",
    [
        ("KN", "North West"),
        ("BO", "North East"),
        ("KW", "North Central"),
        ("LA", "South"),
        ("RI", "South"),
    ],
)
def test_composite_of_zone_defaults_ranks_riskier_wards_high(state_code, defaults):
    demo = generate_state(300, seed=11, state_code=state_code)
    composite = minmax_composite(demo.wards, ZONE_DEFAULTS[defaults])
    assert composite.corr(demo.true_risk, method="spearman") > 0.7
    # and without the test positivity rate, the covariates alone still carry the signal
    covariates = [v for v in ZONE_DEFAULTS[defaults] if v != "u5_tpr_rdt"]
    assert minmax_composite(demo.wards, covariates).corr(demo.true_risk, "spearman") > 0.5


def test_each_variable_points_the_way_methodology_says(kano):
    for name in VARIABLES:
        rho = kano.wards[name].corr(kano.true_risk, method="spearman")
        if name in INVERSE_VARIABLES:
            assert rho < 0, (name, rho)
        else:
            assert rho > 0, (name, rho)


def test_neighbouring_wards_look_alike(kano):
    """Spatial correlation: a ward's TPR resembles its neighbours' mean TPR."""
    layer = kano.wards.set_index("WardCode").loc[kano.boundaries["WardCode"]]
    tpr = layer["u5_tpr_rdt"].to_numpy()
    neighbours = queen_neighbours(kano.boundaries)
    own, around = [], []
    for i, near in enumerate(neighbours):
        values = [tpr[j] for j in near if not np.isnan(tpr[j])]
        if values and not np.isnan(tpr[i]):
            own.append(tpr[i])
            around.append(np.mean(values))
    assert np.corrcoef(own, around)[0, 1] > 0.4


def test_rainfall_falls_from_south_to_north():
    demo = generate_state(600, seed=2, state_code="NI")
    layer = demo.wards.set_index("WardCode").loc[demo.boundaries["WardCode"]]
    latitude = demo.boundaries.geometry.representative_point().y.to_numpy()
    rho = pd.Series(layer["rainfall"].to_numpy()).corr(pd.Series(latitude), "spearman")
    assert rho < -0.5


# ----------------------------------------------------------------------------- boundaries


def test_boundaries_are_valid_contiguous_and_realistically_sized(kano):
    b = kano.boundaries
    assert b.crs.to_epsg() == 4326
    assert list(b.columns) == ["StateCode", "WardCode", "WardName", "LGACode", "LGA", "geometry"]
    assert all(len(c) <= 10 for c in b.columns)
    assert set(b["WardCode"]) == set(kano.wards["WardCode"])
    assert b.is_valid.all() and not b.is_empty.any()
    assert set(b.geom_type) <= {"Polygon", "MultiPolygon"}
    assert in_nigeria(b)
    assert all(queen_neighbours(b))  # every ward has a neighbour
    area_km2 = b.to_crs(b.estimate_utm_crs()).area / 1e6
    assert 20 <= area_km2.mean() <= 200
    # a tiling: no overlaps, no holes between wards
    cells = b.geometry.to_numpy()
    union = shapely.union_all(cells)
    assert union.geom_type == "Polygon"
    assert abs(union.area - shapely.area(cells).sum()) < 1e-6 * union.area
    assert len(union.interiors) == 0


def test_urban_wards_are_smaller(kano):
    layer = kano.wards.set_index("WardCode").loc[kano.boundaries["WardCode"]]
    area = kano.boundaries.to_crs(kano.boundaries.estimate_utm_crs()).area.to_numpy()
    urban = layer["urban_percentage"].to_numpy() > 60
    assert np.median(area[urban]) < 0.5 * np.median(area[~urban])


def test_large_state_stays_in_bounds_and_valid():
    demo = generate_state(5_000, seed=8, state_code="SO")
    b = demo.boundaries
    assert b.is_valid.all() and not b.is_empty.any()
    assert in_nigeria(b)
    assert demo.wards["WardCode"].is_unique
    assert demo.wards.groupby("LGACode").size().between(10, 40).all()
    assert not demo.wards.duplicated(["LGACode", "WardName"]).any()


def test_zip_holds_a_shapefile_with_prj_that_reads_back(tmp_path, kano):
    paths = write_state(kano, tmp_path / "out", facility_export=False)
    with zipfile.ZipFile(paths["boundaries"]) as zf:
        names = sorted(zf.namelist())
        prj = zf.read("wards_boundaries.prj").decode()
        dbf = zf.read("wards_boundaries.dbf")
        stamps = {info.date_time for info in zf.infolist()}
    assert names == sorted(f"wards_boundaries.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg"))
    assert "WGS" in prj and "84" in prj
    # nothing in the archive depends on the day it was written
    assert dbf[1:4] == bytes((124, 1, 1)) and stamps == {(2024, 1, 1, 0, 0, 0)}
    layer = gpd.read_file(paths["boundaries"])
    assert layer.crs.to_epsg() == 4326
    assert len(layer) == len(kano.wards)
    merged = layer.merge(kano.wards, on="WardCode", suffixes=("", "_table"))
    assert len(merged) == len(kano.wards)
    assert (merged["WardName"] == merged["WardName_table"]).all()  # accents intact
    assert (merged["LGA"] == merged["LGA_table"]).all()
    assert (merged["LGACode"].astype(str) == merged["LGACode_table"]).all()


def test_wards_csv_round_trips(tmp_path, kano):
    paths = write_state(kano, tmp_path / "out", facility_export=False)
    raw = paths["wards"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    table = pd.read_csv(io.BytesIO(raw), dtype={"LGACode": str}, encoding="utf-8")
    assert list(table.columns) == list(WARD_COLUMNS)
    for name in VARIABLES:
        np.testing.assert_allclose(table[name], kano.wards[name], rtol=0, atol=1e-9)
    assert (table["WardName"] == kano.wards["WardName"]).all()


# ----------------------------------------------------------------------------- facility export


def test_export_columns_counts_and_blanks(kano_export, kano):
    fx = kano_export
    assert list(fx.columns) == list(fac.EXPORT_COLUMNS)
    assert len(fac.DATA_ELEMENT_COLUMNS) == 12
    assert set(fx[fac.PERIOD_COLUMN]) == set(fac.PERIOD_NAMES)
    assert "January 2024" in fac.PERIOD_NAMES and len(fac.PERIOD_NAMES) == 24
    assert len(fx) == 24 * len(kano.facilities)
    for key, tested_col in fac.TESTED_COLUMNS.items():
        tested = fx[tested_col]
        positive = fx[fac.POSITIVE_COLUMNS[key]]
        both = tested.notna() & positive.notna()
        assert (positive[both] <= tested[both]).all(), key
        assert (tested.dropna() >= 0).all() and (positive.dropna() >= 0).all()
        assert tested.isna().any()  # some blank cells, as in real exports
        assert (tested.dropna() > 0).any()
    levels = fx.drop_duplicates(fac.FACILITY_COLUMN)[fac.FACILITY_LEVEL_COLUMN]
    assert set(levels) <= set(fac.FACILITY_LEVELS)
    assert (levels == "Primary").mean() > 0.7
    assert (levels == "Tertiary").sum() >= 1


def test_export_names_follow_dhis2_decoration(kano_export, kano):
    fx = kano_export
    assert (fx[fac.STATE_COLUMN] == "kn Kano State").all()
    assert fx[fac.LGA_COLUMN].str.fullmatch(r"kn .+ Local Government Area").all()
    assert fx[fac.WARD_COLUMN].str.fullmatch(r"kn .+ Ward").all()
    assert fx[fac.FACILITY_COLUMN].str.startswith("kn ").all()
    ward_keys = set(
        zip(
            "kn " + kano.wards["LGA"] + " Local Government Area",
            "kn " + kano.wards["WardName"] + " Ward",
            strict=True,
        )
    )
    export_keys = set(zip(fx[fac.LGA_COLUMN], fx[fac.WARD_COLUMN], strict=True))
    assert export_keys == ward_keys  # every ward has facilities, no invented wards
    per_ward = fx.groupby([fac.LGA_COLUMN, fac.WARD_COLUMN])[fac.FACILITY_COLUMN].nunique()
    assert per_ward.between(1, 4).all()
    assert per_ward.max() >= 3


def test_export_positivity_follows_the_ward_table(kano_export, kano):
    fx = kano_export
    tested = fx[fac.TESTED_COLUMNS[("rdt", "u5")]]
    positive = fx[fac.POSITIVE_COLUMNS[("rdt", "u5")]]
    both = tested.notna() & positive.notna()
    sums = (
        pd.DataFrame(
            {
                "lga": fx[fac.LGA_COLUMN],
                "ward": fx[fac.WARD_COLUMN],
                "tested": tested.where(both),
                "positive": positive.where(both),
            }
        )
        .groupby(["lga", "ward"])
        .sum()
    )
    tpr = (sums["positive"] / sums["tested"] * 100).rename("export")
    table = kano.wards.assign(
        lga="kn " + kano.wards["LGA"] + " Local Government Area",
        ward="kn " + kano.wards["WardName"] + " Ward",
    ).set_index(["lga", "ward"])["u5_tpr_rdt"]
    joined = pd.concat([tpr, table], axis=1, join="inner").dropna()
    assert len(joined) >= 0.95 * len(kano.wards)
    assert joined["export"].corr(joined["u5_tpr_rdt"]) > 0.9
    # older patients and pregnant women test positive less often than under-fives
    older = (
        fx[fac.POSITIVE_COLUMNS[("rdt", "o5")]].sum() / fx[fac.TESTED_COLUMNS[("rdt", "o5")]].sum()
    )
    assert older < positive.sum() / tested.sum()


def test_export_has_a_malaria_season(kano_export):
    fx = kano_export
    tested = fx[fac.TESTED_COLUMNS[("rdt", "u5")]]
    positive = fx[fac.POSITIVE_COLUMNS[("rdt", "u5")]]
    both = tested.notna() & positive.notna()
    month = fx[fac.PERIOD_COLUMN].str.split(" ").str[0]
    by_month = (
        pd.DataFrame({"m": month, "t": tested.where(both), "p": positive.where(both)})
        .groupby("m")
        .sum()
    )
    rate = by_month["p"] / by_month["t"]
    assert rate["September"] > rate["March"] + 0.05  # northern state: peak after the rains
    assert by_month.loc["September", "t"] > 1.3 * by_month.loc["March", "t"]


def test_export_blocks_equal_the_whole_table(kano, kano_export):
    blocks = list(kano.iter_facility_export())
    pd.testing.assert_frame_equal(pd.concat(blocks, ignore_index=True), kano_export)


def test_facility_cap_keeps_one_facility_in_a_sample_of_wards(kano):
    rng = np.random.default_rng(0)
    capped = fac.build_facilities(rng, STATES["KN"], kano.ward_testing, ["Kawo"], 150)
    assert len(capped) == 150
    assert capped["ward_index"].is_unique
    relaxed = fac.build_facilities(rng, STATES["KN"], kano.ward_testing, ["Kawo"], 450)
    assert len(relaxed) == len(kano.wards)  # one per ward when 1-4 would not fit


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"n_wards": 99}, "between 100 and 100,000"),
        ({"n_wards": 0}, "between 100 and 100,000"),
        ({"n_wards": 100_001}, "between 100 and 100,000"),
        ({"n_wards": 150.0}, "whole number"),
        ({"n_wards": True}, "whole number"),
        ({"n_wards": 150, "seed": -1}, "seed"),
        ({"n_wards": 150, "state_code": "XX"}, "Unknown state code"),
    ],
)
def test_bad_parameters_are_input_errors(kwargs, fragment):
    with pytest.raises(InputError) as info:
        generate_state(**kwargs)
    assert info.value.code == "invalid_parameter"
    assert fragment in info.value.message


def test_state_code_is_case_insensitive_and_sets_the_state():
    demo = generate_state(100, seed=1, state_code="kw")
    assert (demo.wards["StateCode"] == "KW").all()
    assert (demo.wards["State"] == "Kwara").all()
    assert demo.state.zone == "North Central"
    assert demo.wards["LGACode"].str.startswith("24").all()  # Kwara is state 24


def test_out_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    with pytest.raises(InputError) as info:
        write_demo_data(target, 150)
    assert info.value.code == "invalid_parameter"
    assert str(target) in info.value.message
    assert target.read_text() == "keep me"


# ----------------------------------------------------------------------------- writing


def test_failed_write_leaves_no_half_files(tmp_path, kano):
    broken = dataclasses.replace(kano, facilities=kano.facilities.drop(columns=["caseload"]))
    out = tmp_path / "out"
    with pytest.raises(KeyError):
        write_state(broken, out)
    assert not out.exists() or list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name != "out"] == []  # no temp folder


def test_rewrite_without_export_drops_a_stale_export(tmp_path):
    out = tmp_path / "out"
    write_demo_data(out, 120, seed=1)
    (out / "notes.txt").write_text("mine")
    paths = write_demo_data(out, 130, seed=2, facility_export=False)
    assert sorted(p.name for p in out.iterdir()) == [
        "notes.txt",
        "wards.csv",
        "wards_boundaries.zip",
    ]
    assert set(paths) == {"wards", "boundaries"}
    assert len(pd.read_csv(paths["wards"])) == 130


def test_progress_is_reported_in_order(tmp_path):
    seen: list[tuple[str, float]] = []
    demo = generate_state(150, seed=1, progress=lambda step, done: seen.append((step, done)))
    write_state(demo, tmp_path / "out", progress=lambda step, done: seen.append((step, done)))
    fractions = [done for _, done in seen]
    assert all(0 <= f <= 1 for f in fractions)
    generate_part = fractions[: fractions.index(1.0) + 1]
    assert generate_part == sorted(generate_part)
    assert fractions[-1] == 1.0
    assert any(re.search("facility", step) for step, _ in seen)
