import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.variables import (
    candidate_columns,
    catalogue_entry,
    constant_variables,
    default_direction,
    detect_zone,
    select_variables,
    usable_variables,
)
from chatmrpt.errors import InputError


@pytest.mark.parametrize("name,canonical", [
    ("tpr", "u5_tpr_rdt"), ("u5_tpr", "u5_tpr_rdt"), ("Test Positivity Rate", "u5_tpr_rdt"),
    ("rain", "rainfall"), ("mean_rainfall", "rainfall"), ("distance_to_water", "distance_to_waterbodies"),
    ("meanEVI", "evi"), ("val_housing_15", "housing_quality"), ("urbanPercentage", "urban_percentage"),
    ("NTL", "nighttime_lights"), ("settlement_type_poor", "settlement_type"),
])
def test_synonyms(name, canonical):
    assert catalogue_entry(name).name == canonical


@pytest.mark.parametrize("name,direction,source", [
    ("distance_to_waterbodies", "inverse", "catalogue"), ("elevation", "inverse", "catalogue"),
    ("housing_quality", "inverse", "catalogue"), ("urban_percentage", "inverse", "catalogue"),
    ("nighttime_lights", "inverse", "catalogue"), ("rainfall", "direct", "catalogue"),
    ("ndmi", "direct", "catalogue"), ("soil_wetness", "direct", "catalogue"),
    ("distance_to_clinic_km", "inverse", "name"), ("slope_deg", "inverse", "name"),
    ("income_index", "inverse", "name"), ("mosquito_breeding_sites", "direct", "default"),
])
def test_directions(name, direction, source):
    assert default_direction(name) == (direction, source)


def _frame(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"WardName": [f"w{i}" for i in range(n)], **cols})


def test_zone_from_state_code_and_defaults():
    wards = _frame(StateCode=["KN"] * 4, tpr=[1.0, 2, 3, 4], mean_rainfall=[5.0, 6, 7, 9],
                   housing_quality=[0.1, 0.2, 0.3, 0.5], other=[1.0, 1, 2, 3])
    choice = select_variables(wards)
    assert choice.zone["zone"] == "North West" and choice.zone["state"] == "Kano"
    assert choice.selection == "zone"
    assert choice.variables == ["tpr", "mean_rainfall", "housing_quality"]
    assert set(choice.missing_defaults) == {"ndwi", "elevation", "urban_percentage"}
    assert choice.directions == {"tpr": "direct", "mean_rainfall": "direct",
                                 "housing_quality": "inverse"}


@pytest.mark.parametrize("column,value,zone", [
    ("State", "Kwara", "North Central"), ("State", "kw Kwara State", "North Central"),
    ("State", "Federal Capital Territory", "North Central"), ("State", "Taraba", "North East"),
    ("StateCode", "LA", "South West"), ("State", "Cross River", "South South"),
])
def test_zone_detection(column, value, zone):
    wards = _frame(**{column: [value] * 3})
    assert detect_zone(wards)["zone"] == zone


def test_zone_from_boundary_attributes():
    wards = _frame(x=[1.0, 2.0])
    z = detect_zone(wards, {"StateCode": ["KW", "KW"]})
    assert z["state"] == "Kwara" and z["detected_from"] == "boundaries StateCode"


def test_no_zone_uses_all_usable_malaria_first():
    wards = _frame(rainfall=[1.0, 2, 3], Population=[10.0, 20, 30], pfpr=[0.1, 0.2, 0.3],
                   elevation=[3.0, 2, 1])
    choice = select_variables(wards)
    assert choice.zone is None and choice.selection == "all"
    assert choice.variables == ["pfpr", "rainfall", "elevation"]  # no Population


def test_user_variables_and_overrides():
    wards = _frame(StateCode=["KN"] * 3, rainfall=[1.0, 2, 3], elevation=[3.0, 2, 1],
                   dumpsites=[1.0, 0, 2])
    choice = select_variables(wards, requested=["Rainfall", "dumpsites"],
                              direction_overrides={"rainfall": "inverse"})
    assert choice.variables == ["rainfall", "dumpsites"]
    assert choice.directions == {"rainfall": "inverse", "dumpsites": "direct"}
    assert choice.direction_sources["rainfall"] == "user"


def test_unknown_variable_error_lists_columns():
    wards = _frame(rainfall=[1.0, 2, 3])
    with pytest.raises(InputError) as err:
        select_variables(wards, requested=["rainfal", "rainfall"])
    assert err.value.code == "unknown_variable"
    assert "rainfal" in err.value.message and "rainfall" in err.value.message


def test_non_numeric_variable_error():
    wards = _frame(rainfall=[1.0, 2, 3], Urban=["Yes", "No", "Yes"])
    with pytest.raises(InputError, match="not numeric"):
        select_variables(wards, requested=["Urban", "rainfall"])


def test_candidates_exclude_identity_and_ids():
    wards = _frame(LGACode=[1.0, 2, 3], rowid=[1.0, 2, 3], rain=[3.0, 1, 2])
    assert candidate_columns(wards, excluded=["rowid"]) == ["rain"]


def test_usable_and_constant():
    values = pd.DataFrame({"a": [1.0, np.nan, np.nan], "b": [1.0, 2.0, np.nan],
                           "c": [2.0, 2.0, 2.0]})
    keep, dropped = usable_variables(values)
    assert keep == ["b", "c"] and dropped[0]["variable"] == "a"
    assert "2 of 3" in dropped[0]["message"]
    const = constant_variables(values[["b", "c"]])
    assert [d["variable"] for d in const] == ["c"]


@pytest.mark.parametrize("age", ["u5", "o5", "pw", "all"])
def test_a_rate_from_a_facility_export_is_used_without_being_named(age):
    """After a TPR run joined to the table, a re-run with the defaults uses the new rate,
    for every age group, even when the table had a TPR column (or an older run's) before."""
    from chatmrpt.analysis.tpr import TPR_VARIABLE, TprResult, join_tpr_to_wards

    wards = _frame(StateCode=["KN"] * 4, u5_tpr_rdt=[1.0, 2, 3, 4], o5_tpr=[4.0, 1, 2, 3],
                   test_positivity_rate=[2.0, 2, 3, 1], mean_rainfall=[5.0, 6, 7, 9])
    rates = pd.DataFrame({"WardName": wards["WardName"], "tpr": [9.0, 3, 5, 1]})
    joined, report = join_tpr_to_wards(wards, TprResult(rates, {}, params={"age": age}))
    new = TPR_VARIABLE[age]
    assert report["matched"] == 4 and list(joined.columns)[-1] == new
    choice = select_variables(joined)
    assert choice.selection == "zone"
    assert new in choice.variables, choice.variables
    assert len([v for v in choice.variables if "tpr" in v or "positivity" in v]) == 1
