"""Ward TPR from facility exports (METHODOLOGY §9): reading, counting, choosing, joining."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from chatmrpt.analysis.tpr import (
    clean_org_unit_name,
    compute_ward_tpr,
    join_tpr_to_wards,
    match_ward_tables,
    read_facility_export,
)
from chatmrpt.errors import InputError

GE = "\u2265"
HEADERS = {
    "rdt_tested_u5": "Persons presenting with fever & tested by RDT <5yrs",
    "rdt_tested_o5": f"Persons presenting with fever & tested by RDT {GE}5yrs (excl PW)",
    "rdt_tested_pw": "Persons presenting with fever & tested by RDT Preg Women (PW)",
    "microscopy_tested_u5": "Persons presenting with fever and tested by Microscopy <5yrs",
    "microscopy_tested_o5": f"Persons presenting with fever and tested by Microscopy {GE}5yrs (excl PW)",
    "microscopy_tested_pw": "Persons presenting with fever and tested by Microscopy Preg Women (PW)",
    "rdt_positive_u5": "Persons tested positive for malaria by RDT <5yrs",
    "rdt_positive_o5": f"Persons tested positive for malaria by RDT {GE}5yrs (excl PW)",
    "rdt_positive_pw": "Persons tested positive for malaria by RDT Preg Women (PW)",
    "microscopy_positive_u5": "Persons tested positive for malaria by Microscopy <5yrs",
    "microscopy_positive_o5": f"Persons tested positive for malaria by Microscopy {GE}5yrs (excl PW)",
    "microscopy_positive_pw": "Persons tested positive for malaria by Microscopy Preg Women (PW)",
}


def facility_row(lga, ward, facility="PHC", period="January 2024", level="Primary", **counts):
    row = {
        "orgunitlevel1": "ng Federal Government",
        "orgunitlevel2": "kn Kano State",
        "orgunitlevel3": f"kn {lga} Local Government Area",
        "orgunitlevel4": f"kn {ward} Ward",
        "organisationunitname": f"kn {facility}",
        "FacilityLevel": level,
        "periodname": period,
    }
    for role, header in HEADERS.items():
        row[header] = counts.get(role, np.nan)
    return row


def export(*rows, headers: dict[str, str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    if headers:
        frame = frame.rename(columns={HEADERS[r]: h for r, h in headers.items()})
    return frame


def u5(rdt=None, mic=None, **extra):
    counts = dict(extra)
    if rdt is not None:
        counts["rdt_tested_u5"], counts["rdt_positive_u5"] = rdt
    if mic is not None:
        counts["microscopy_tested_u5"], counts["microscopy_positive_u5"] = mic
    return counts


def ward_row(result, ward, lga=None):
    w = result.wards
    sel = w["WardName"] == ward
    if lga is not None:
        sel &= w["LGA"] == lga
    assert sel.sum() == 1, w
    return w[sel].iloc[0]


# --------------------------------------------------------------------------- computing


def test_sums_over_facilities_and_months_then_divides():
    df = export(
        facility_row("Dala", "Adakawa", "A PHC", "January 2024", **u5(rdt=(10, 5))),
        facility_row("Dala", "Adakawa", "A PHC", "February 2024", **u5(rdt=(20, 5))),
        facility_row("Dala", "Adakawa", "B PHC", "January 2024", **u5(rdt=(30, 2))),
    )
    r = compute_ward_tpr(df, test="rdt")
    row = ward_row(r, "Adakawa")
    assert row["tested"] == 60 and row["positive"] == 12
    assert row["tpr"] == pytest.approx(20.0)
    assert row["test_method"] == "rdt"
    assert row["facilities"] == 2 and row["periods"] == 2
    assert (row["State"], row["LGA"]) == ("Kano", "Dala")
    json.dumps(r.report)  # the report travels as JSON (web API, job records)
    assert list(r.wards.columns) == [
        "State",
        "LGA",
        "WardName",
        "tpr",
        "tested",
        "positive",
        "test_method",
        "facilities",
        "periods",
    ]


def test_both_takes_the_higher_rate_never_the_sum():
    df = export(
        facility_row("Dala", "Adakawa", **u5(rdt=(100, 10), mic=(10, 5))),
        facility_row("Dala", "Dogon Nama", **u5(rdt=(100, 40), mic=(50, 5))),
    )
    r = compute_ward_tpr(df)
    a = ward_row(r, "Adakawa")
    assert (a["test_method"], a["tpr"], a["tested"], a["positive"]) == ("microscopy", 50.0, 10, 5)
    d = ward_row(r, "Dogon Nama")
    assert (d["test_method"], d["tpr"], d["tested"]) == ("rdt", 40.0, 100)


def test_ties_between_methods_go_to_rdt():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(40, 10), mic=(8, 2))))
    row = ward_row(compute_ward_tpr(df), "Adakawa")
    assert row["test_method"] == "rdt"
    assert row["tpr"] == 25.0 and row["tested"] == 40


def test_a_method_without_tests_has_no_rate():
    df = export(
        # microscopy tested nobody: its 0/0 must not count as a rate of 0 or beat RDT
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 1), mic=(0, 0))),
        # RDT tested nobody: microscopy is the only rate
        facility_row("Dala", "Bakin Ruwa", **u5(rdt=(0, 0), mic=(4, 1))),
        # nobody tested at all
        facility_row("Dala", "Gwammaja", **u5(rdt=(0, 0), mic=(0, 0))),
    )
    r = compute_ward_tpr(df)
    assert ward_row(r, "Adakawa")["test_method"] == "rdt"
    b = ward_row(r, "Bakin Ruwa")
    assert (b["test_method"], b["tpr"]) == ("microscopy", 25.0)
    g = ward_row(r, "Gwammaja")
    assert math.isnan(g["tpr"]) and g["tested"] == 0 and pd.isna(g["test_method"])
    assert g["facilities"] == 1  # the facility reported, with zero tests
    assert r.report["wards_without_tests"] == ["Gwammaja (Dala)"]
    assert any("nobody tested" in w for w in r.report["warnings"])


def test_requested_method_is_kept_when_a_ward_has_no_tests():
    df = export(facility_row("Dala", "Gwammaja", **u5(rdt=(0, 0), mic=(5, 1))))
    row = ward_row(compute_ward_tpr(df, test="rdt"), "Gwammaja")
    assert math.isnan(row["tpr"]) and row["test_method"] == "rdt"
    row = ward_row(compute_ward_tpr(df, test="microscopy"), "Gwammaja")
    assert row["tpr"] == 20.0 and row["test_method"] == "microscopy"


def test_blank_cells_are_missing_not_zero():
    df = export(
        facility_row("Dala", "Adakawa", "A", **u5(rdt=(10, 5))),
        # tested unknown: the positive count cannot be used either
        facility_row("Dala", "Adakawa", "B", rdt_positive_u5=3),
        # positive unknown: counting the 90 tested would pull the rate down
        facility_row("Dala", "Adakawa", "C", rdt_tested_u5=90),
    )
    r = compute_ward_tpr(df, test="rdt")
    row = ward_row(r, "Adakawa")
    assert (row["tested"], row["positive"], row["tpr"]) == (10, 5, 50.0)
    assert row["facilities"] == 1
    rep = r.report
    assert rep["blank_cells"][HEADERS["rdt_tested_u5"]] == 1
    assert rep["blank_cells"][HEADERS["rdt_positive_u5"]] == 1
    assert rep["incomplete_pairs"] == 2


def test_text_and_negative_cells_are_invalid_and_thousands_separators_read():
    df = export(
        facility_row("Dala", "Adakawa", "A", rdt_tested_u5="1,000", rdt_positive_u5="100"),
        facility_row("Dala", "Adakawa", "B", rdt_tested_u5="twelve", rdt_positive_u5="4"),
        facility_row("Dala", "Adakawa", "C", rdt_tested_u5="-5", rdt_positive_u5="1"),
        facility_row("Dala", "Adakawa", "D", rdt_tested_u5="", rdt_positive_u5="1"),
        facility_row("Dala", "Adakawa", "E", rdt_tested_u5="N/A", rdt_positive_u5="1"),
    )
    r = compute_ward_tpr(df, test="rdt")
    row = ward_row(r, "Adakawa")
    assert (row["tested"], row["positive"]) == (1000, 100)
    inv = r.report["invalid_cells"][HEADERS["rdt_tested_u5"]]
    assert inv["count"] == 2 and "twelve" in inv["examples"]
    assert r.report["blank_cells"][HEADERS["rdt_tested_u5"]] == 2


def test_positive_above_tested_is_capped_and_reported():
    df = export(
        facility_row("Dala", "Adakawa", "A", period="January 2024", **u5(rdt=(10, 30))),
        facility_row("Dala", "Adakawa", "B", **u5(rdt=(10, 0))),
    )
    r = compute_ward_tpr(df, test="rdt")
    row = ward_row(r, "Adakawa")
    assert (row["tested"], row["positive"], row["tpr"]) == (20, 10, 50.0)
    over = r.report["positive_exceeds_tested"]
    assert over["count"] == 1
    assert over["examples"][0]["row"] == 1 and over["examples"][0]["positive"] == 30


def test_same_ward_name_in_two_lgas_stays_two_wards():
    df = export(
        facility_row("Dala", "Sabon Gari", **u5(rdt=(10, 1))),
        facility_row("Fagge", "Sabon Gari", **u5(rdt=(10, 9))),
    )
    r = compute_ward_tpr(df)
    assert len(r.wards) == 2
    assert ward_row(r, "Sabon Gari", "Dala")["tpr"] == 10.0
    assert ward_row(r, "Sabon Gari", "Fagge")["tpr"] == 90.0


def test_spellings_of_one_ward_are_one_ward_with_clean_display_names():
    df = export(
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))),
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))),
    )
    df.loc[1, "orgunitlevel4"] = "Adakawa"
    df.loc[1, "orgunitlevel3"] = "Dala LGA"
    r = compute_ward_tpr(df)
    assert len(r.wards) == 1
    assert ward_row(r, "Adakawa")["tested"] == 20
    # a garbled accent (UTF-8 read as cp1252) is the same ward as the correct spelling
    df = export(
        facility_row("Dala", "Gar\u00e9", **u5(rdt=(10, 1))),
        facility_row("Dala", "Gar\u00c3\u00a9", **u5(rdt=(10, 1))),
    )
    r = compute_ward_tpr(df)
    assert r.wards["WardName"].tolist() == ["Gar\u00e9"]
    assert clean_org_unit_name("kn Dala Local Government Area") == "Dala"
    assert clean_org_unit_name("kn Kano State") == "Kano"
    assert clean_org_unit_name("kw Oja-Oba Ward") == "Oja-Oba"
    assert clean_org_unit_name("Ta Kudu") == "Ta Kudu"  # a capital first word is a name


def test_rows_without_ward_or_lga_are_skipped_and_counted():
    df = export(
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))),
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 9))),
    )
    df.loc[1, "orgunitlevel4"] = np.nan
    r = compute_ward_tpr(df)
    assert r.report["rows_skipped"] == {"missing_ward_or_lga": 1}
    assert ward_row(r, "Adakawa")["tested"] == 10


@pytest.mark.parametrize(
    ("age", "tested", "positive"),
    [("u5", 10, 1), ("o5", 20, 4), ("pw", 30, 9), ("all", 60, 14)],
)
def test_age_groups(age, tested, positive):
    df = export(
        facility_row(
            "Dala",
            "Adakawa",
            rdt_tested_u5=10,
            rdt_positive_u5=1,
            rdt_tested_o5=20,
            rdt_positive_o5=4,
            rdt_tested_pw=30,
            rdt_positive_pw=9,
        )
    )
    row = ward_row(compute_ward_tpr(df, age=age), "Adakawa")
    assert (row["tested"], row["positive"]) == (tested, positive)
    assert row["tpr"] == pytest.approx(positive / tested * 100)


def test_facility_level_filter():
    df = export(
        facility_row("Dala", "Adakawa", "A PHC", level="Primary", **u5(rdt=(10, 1))),
        facility_row("Dala", "Adakawa", "B GH", level="General Hospital", **u5(rdt=(10, 5))),
        facility_row("Dala", "Adakawa", "C TH", level="Teaching Hospital", **u5(rdt=(10, 9))),
        facility_row("Dala", "Adakawa", "D", level="Private", **u5(rdt=(10, 10))),
    )
    assert ward_row(compute_ward_tpr(df), "Adakawa")["tested"] == 40
    r = compute_ward_tpr(df, facility_level="primary")
    assert ward_row(r, "Adakawa")["tpr"] == 10.0
    assert r.report["rows_skipped"] == {"other_facility_level": 2, "unknown_facility_level": 1}
    assert ward_row(compute_ward_tpr(df, facility_level="secondary"), "Adakawa")["tpr"] == 50.0
    assert ward_row(compute_ward_tpr(df, facility_level="tertiary"), "Adakawa")["tpr"] == 90.0


def test_facility_level_filter_needs_a_level_column():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1)))).drop(columns="FacilityLevel")
    with pytest.raises(InputError) as err:
        compute_ward_tpr(df, facility_level="primary")
    assert err.value.code == "unrecognised_export"
    assert "facility_level" in err.value.details["missing"]


def test_periods_in_every_form_count_as_months():
    df = export(
        facility_row("Dala", "Adakawa", "A", period="January 2024", **u5(rdt=(1, 0))),
        facility_row("Dala", "Adakawa", "B", period="Jan 2024", **u5(rdt=(1, 0))),
        facility_row("Dala", "Adakawa", "C", period="202402", **u5(rdt=(1, 0))),
        facility_row("Dala", "Adakawa", "D", period="2024-03", **u5(rdt=(1, 0))),
    )
    assert ward_row(compute_ward_tpr(df), "Adakawa")["periods"] == 3


def test_data_element_variants_in_one_export():
    variants = {
        "rdt_tested_u5": "Persons presenting with fever and tested by RDT < 5 yrs",
        "rdt_positive_u5": "MAL07 persons tested positive for malaria by rdt u5",
        "rdt_tested_o5": "Persons presenting with fever & tested by RDT >=5yrs excluding pregnant women",
        "rdt_positive_o5": "Persons tested positive for malaria by RDT  \u00e2\u2030\u00a55yrs (excl PW)",
        "rdt_tested_pw": "Persons presenting with fever & tested by RDT pregnant women",
        "rdt_positive_pw": "Positive by RDT PW",
    }
    df = export(
        facility_row(
            "Dala",
            "Adakawa",
            rdt_tested_u5=10,
            rdt_positive_u5=1,
            rdt_tested_o5=20,
            rdt_positive_o5=4,
            rdt_tested_pw=30,
            rdt_positive_pw=9,
        ),
        headers=variants,
    )
    r = compute_ward_tpr(df, age="all", test="rdt")
    assert ward_row(r, "Adakawa")["tested"] == 60
    assert r.report["data_elements"][variants["rdt_positive_o5"]] == "rdt_positive_o5"
    assert {v: k for k, v in r.report["data_elements"].items()}.keys() >= set(variants)


def test_missing_age_group_columns_are_warned_about():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))))
    df = df.drop(columns=[HEADERS["rdt_tested_pw"]])
    r = compute_ward_tpr(df, age="all", test="rdt")
    assert any("pw" in w for w in r.report["warnings"])


def test_columns_mapping_overrides_recognition():
    df = pd.DataFrame(
        {
            "Area": ["Dala", "Dala"],
            "Place": ["Adakawa", "Adakawa"],
            "Clinic": ["A", "B"],
            "Month": ["Jan 2024", "Feb 2024"],
            "T": [10, 30],
            "P": [2, 6],
            # a column that would be recognised as the ward, but the mapping says otherwise
            "Ward": ["x", "y"],
        }
    )
    mapping = {
        "lga": "Area",
        "ward": "Place",
        "facility": "Clinic",
        "period": "Month",
        "rdt_tested_u5": "T",
        "rdt_positive_u5": "P",
    }
    r = compute_ward_tpr(df, columns=mapping)
    row = ward_row(r, "Adakawa")
    assert (row["tested"], row["positive"], row["tpr"], row["periods"]) == (40, 8, 20.0, 2)
    assert r.report["overridden_roles"] == [
        "lga",
        "ward",
        "facility",
        "period",
        "rdt_tested_u5",
        "rdt_positive_u5",
    ]


def test_columns_mapping_errors_name_the_problem():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))))
    with pytest.raises(InputError) as err:
        compute_ward_tpr(df, columns={"wards": "orgunitlevel4"})
    assert err.value.code == "invalid_parameter" and "wards" in err.value.message
    with pytest.raises(InputError) as err:
        compute_ward_tpr(df, columns={"ward": "No Such Column"})
    assert err.value.code == "missing_column" and "No Such Column" in err.value.message


def test_unrecognisable_export_lists_missing_and_seen_columns():
    df = pd.DataFrame({"Region": ["A"], "Clinic": ["x"], "Cases": [3]})
    with pytest.raises(InputError) as err:
        compute_ward_tpr(df, name="cases.csv")
    e = err.value
    assert e.code == "unrecognised_export"
    assert {"lga", "ward", "rdt_tested_u5", "rdt_positive_u5"} <= set(e.details["missing"])
    assert e.details["columns"] == ["Region", "Clinic", "Cases"]
    for text in ("cases.csv", "orgunitlevel4", "Region", "Clinic", "Cases", "--columns"):
        assert text in e.message


def test_conflicting_columns_are_named_in_the_error():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))))
    df["Persons presenting with fever and tested by RDT u5"] = 3
    with pytest.raises(InputError) as err:
        compute_ward_tpr(df, test="rdt")
    assert "Several columns could be the same thing" in err.value.message
    assert "rdt_tested_u5" in err.value.details["conflicts"]


def test_invalid_parameters():
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))))
    for kwargs in ({"age": "adults"}, {"test": "pcr"}, {"facility_level": "quaternary"}):
        with pytest.raises(InputError) as err:
            compute_ward_tpr(df, **kwargs)
        assert err.value.code == "invalid_parameter"


# ------------------------------------------------------------------------------ by year


def yearly(lga, ward, tested_positive_by_year, facility="PHC"):
    return [
        facility_row(lga, ward, facility, period=f"{year}01", **u5(rdt=tp))
        for year, tp in tested_positive_by_year.items()
    ]


def test_by_year_trend_of_tpr_with_hand_computed_slope():
    rows = (
        yearly("Dala", "Rising", {2021: (100, 10), 2022: (100, 20), 2023: (100, 40)})
        + yearly("Dala", "Falling", {2021: (100, 40), 2022: (100, 30), 2023: (100, 20)})
        + yearly("Dala", "Flat", {2021: (100, 30), 2022: (100, 32), 2023: (100, 31)})
        + yearly("Dala", "Once", {2023: (100, 30)})
    )
    r = compute_ward_tpr(export(*rows), by_year=True, test="rdt")
    by_year = r.by_year
    assert len(by_year) == 10
    rising = by_year[by_year["WardName"] == "Rising"]
    assert list(rising["year"]) == [2021, 2022, 2023]
    assert list(rising["tpr"]) == [10.0, 20.0, 40.0]
    t = r.trend.set_index("WardName")
    # x = 2021..2023 (mean 2022), y = 10, 20, 40 (mean 70/3):
    # sxy = (-1)(10 - 70/3) + (1)(40 - 70/3) = 30, sxx = 2 → slope 15
    assert t.loc["Rising", "slope_per_year"] == pytest.approx(15.0)
    assert t.loc["Rising", "trend"] == "worsening"
    assert t.loc["Falling", "slope_per_year"] == pytest.approx(-10.0)
    assert t.loc["Falling", "trend"] == "improving"
    assert t.loc["Flat", "slope_per_year"] == pytest.approx(0.5)
    assert t.loc["Flat", "trend"] == "stable"
    assert t.loc["Once", "trend"] == "insufficient_data"
    assert (t["trend_basis"] == "tpr").all()
    assert t.loc["Rising", "first_year"] == 2021 and t.loc["Rising", "last_year"] == 2023


def test_by_year_trend_of_burden_with_population():
    rows = yearly("Dala", "Rising", {2021: (500, 10), 2022: (500, 20), 2023: (500, 40)})
    rows += yearly("Dala", "Nopop", {2021: (100, 10), 2022: (100, 20)})
    population = pd.DataFrame({"WardName": ["Rising"], "LGA": ["Dala"], "Population": [2000]})
    r = compute_ward_tpr(export(*rows), by_year=True, population=population)
    t = r.trend.set_index("WardName")
    # burden per 1,000 = 5, 10, 20 → slope 7.5
    assert t.loc["Rising", "trend_basis"] == "burden_per_1000"
    assert t.loc["Rising", "slope_per_year"] == pytest.approx(7.5)
    assert t.loc["Rising", "trend"] == "worsening"
    assert t.loc["Nopop", "trend_basis"] == "tpr"
    assert t.loc["Nopop", "slope_per_year"] == pytest.approx(10.0)
    assert ward_row(r, "Rising")["burden_per_1000"] == pytest.approx(35.0)
    assert math.isnan(ward_row(r, "Nopop")["burden_per_1000"])
    assert r.report["population"]["wards_without_population"] == ["Nopop (Dala)"]


def test_by_year_keeps_one_method_per_ward():
    # microscopy's rate is higher overall, so every year uses microscopy, even 2022 where
    # RDT alone would have been higher
    rows = [
        facility_row("Dala", "Adakawa", period="2021-01", **u5(rdt=(100, 10), mic=(10, 5))),
        facility_row("Dala", "Adakawa", period="2022-01", **u5(rdt=(100, 30), mic=(10, 2))),
    ]
    r = compute_ward_tpr(export(*rows), by_year=True)
    assert list(r.by_year["test_method"]) == ["microscopy", "microscopy"]
    assert list(r.by_year["tpr"]) == [50.0, 20.0]


def test_by_year_needs_periods_with_a_year():
    rows = yearly("Dala", "Adakawa", {2021: (10, 1)})
    rows.append(facility_row("Dala", "Adakawa", period="unknown", **u5(rdt=(10, 9))))
    r = compute_ward_tpr(export(*rows), by_year=True)
    assert r.report["rows_skipped"] == {"period_without_year": 1}
    assert list(r.by_year["tpr"]) == [10.0]
    with pytest.raises(InputError) as err:
        compute_ward_tpr(export(*rows).drop(columns="periodname"), by_year=True)
    assert "period" in err.value.details["missing"]


# ------------------------------------------------------------------------------ reading


def write_csv_with_title(path, frame, title_lines, encoding="utf-8"):
    body = frame.to_csv(index=False)
    path.write_bytes(("".join(line + "\n" for line in title_lines) + body).encode(encoding))


def test_read_export_skips_title_rows(tmp_path):
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))))
    path = tmp_path / "export.csv"
    write_csv_with_title(path, df, ["Malaria data, Kano State", "Generated 2024-05-01,,", ""])
    frame, info = read_facility_export(path)
    assert info["title_rows"] == 3
    assert list(frame.columns) == list(df.columns)
    assert ward_row(compute_ward_tpr(frame), "Adakawa")["tpr"] == 10.0


def test_read_export_with_semicolons_and_cp1252(tmp_path):
    # cp1252 has no "≥": such exports write ">=" (or "?"), and accents as single bytes
    df = export(
        facility_row("Dala", "Adakawa", "Clinique Thérèse", rdt_tested_o5=8, rdt_positive_o5=2)
    )
    df.columns = [c.replace(GE, ">=") for c in df.columns]
    path = tmp_path / "export.csv"
    path.write_bytes(df.to_csv(index=False, sep=";").encode("cp1252"))
    frame, info = read_facility_export(path)
    assert info["encoding"] == "cp1252" and info["delimiter"] == ";"
    assert frame["organisationunitname"].iloc[0] == "kn Clinique Thérèse"
    assert ward_row(compute_ward_tpr(frame, age="o5"), "Adakawa")["tpr"] == 25.0


def test_read_export_repairs_mojibake_headers(tmp_path):
    df = export(
        facility_row("Dala", "Adakawa", rdt_tested_o5=20, rdt_positive_o5=5),
    )
    text = df.to_csv(index=False)
    path = tmp_path / "export.csv"
    # UTF-8 bytes read as cp1252 and saved again as UTF-8: "≥" becomes "â‰¥"
    path.write_bytes(text.encode("utf-8").decode("cp1252").encode("utf-8-sig"))
    frame, info = read_facility_export(path)
    assert info["encoding"] == "utf-8-sig"
    assert HEADERS["rdt_tested_o5"] in frame.columns
    assert ward_row(compute_ward_tpr(frame, age="o5"), "Adakawa")["tpr"] == 25.0


def test_read_xlsx_export_with_title_rows(tmp_path):
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 3))))
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"a": ["notes"]}).to_excel(xw, sheet_name="About", index=False)
        df.to_excel(xw, sheet_name="raw", index=False, startrow=2)
    frame, info = read_facility_export(path)
    assert info["sheet"] == "raw" and info["title_rows"] == 2
    assert ward_row(compute_ward_tpr(frame), "Adakawa")["tpr"] == 30.0


def test_read_utf16_tab_export_whatever_its_name(tmp_path):
    # Excel's "Unicode text": UTF-16 with tabs; the name says nothing about the format
    df = export(facility_row("Dala", "Adakawa", **u5(rdt=(10, 4))))
    path = tmp_path / "export.xlsx.txt"
    path.write_bytes(df.to_csv(index=False, sep="\t").encode("utf-16"))
    frame, info = read_facility_export(path)
    assert (info["encoding"], info["delimiter"]) == ("utf-16", "\t")
    assert ward_row(compute_ward_tpr(frame), "Adakawa")["tpr"] == 40.0


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty_file"),
        ("export.csv", b"%PDF-1.4 ...", "unsupported_file_type"),
        ("export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "unsupported_file_type"),
    ],
)
def test_read_export_errors(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_facility_export(path)
    assert err.value.code == code


# ----------------------------------------------------------------------------- matching


def test_match_ward_tables_uses_the_join_rules():
    table = pd.DataFrame(
        {
            "WardCode": ["KN01", None, None, None, None, None],
            "WardName": ["Coded", "Sabon Gari", "Sabon Gari", "Kofar Mata", "Zango II", "Nowhere"],
            "LGA": ["Dala", "Dala", "Fagge", "Gwale", "Dala", "Dala"],
        }
    )
    other = pd.DataFrame(
        {
            "WardCode": ["KN01", None, None, None, None],
            "WardName": ["Coded Renamed", "Sabon Gari", "Sabon Gari", "Kofar Matta", "Zango 2"],
            "LGA": ["Dala", "Fagge", "Dala", "Gwale", "Dala"],
        }
    )
    positions, rep = match_ward_tables(table, other)
    assert positions.tolist() == [0, 2, 1, 3, 4, -1]
    assert rep["by_rule"] == {"ward_code": 1, "name_lga": 3, "name": 0, "fuzzy": 1}
    assert rep["fuzzy_matches"] == [
        {"table": "Kofar Mata", "other": "Kofar Matta", "score": pytest.approx(95.2, abs=0.1)}
    ]
    assert rep["unmatched_table"] == ["Nowhere (Dala)"]
    assert rep["unmatched_other"] == []


def test_duplicate_names_without_lga_are_not_matched():
    table = pd.DataFrame({"WardName": ["Hausari", "Hausari"]})
    other = pd.DataFrame({"WardName": ["Hausari", "Hausari"]})
    positions, rep = match_ward_tables(table, other)
    assert positions.tolist() == [-1, -1]
    assert len(rep["ambiguous"]) == 2


def test_join_adds_the_age_groups_variable_in_ward_table_order():
    df = export(
        facility_row("Dala", "Adakawa", **u5(rdt=(10, 1))),
        facility_row("Fagge", "Sabon Gari", **u5(rdt=(10, 4))),
        facility_row("Dala", "Sabon Gari", **u5(rdt=(10, 6))),
    )
    result = compute_ward_tpr(df)
    wards = pd.DataFrame(
        {
            "WardName": ["Sabon Gari", "Adakawa", "Sabon Gari", "Elsewhere"],
            "LGA": ["Dala", "Dala", "Fagge", "Dala"],
            "rainfall": [1.0, 2.0, 3.0, 4.0],
        }
    )
    joined, rep = join_tpr_to_wards(wards, result)
    assert list(joined.columns) == ["WardName", "LGA", "rainfall", "u5_tpr_rdt"]
    assert joined["u5_tpr_rdt"].tolist()[:3] == [60.0, 10.0, 40.0]
    assert math.isnan(joined["u5_tpr_rdt"].iloc[3])
    assert rep["unmatched_table"] == ["Elsewhere (Dala)"]
    assert rep["column"] == "u5_tpr_rdt"
    assert any("Elsewhere" in w for w in rep["warnings"])
    result_o5 = compute_ward_tpr(
        export(facility_row("Dala", "Adakawa", rdt_tested_o5=10, rdt_positive_o5=2)), age="o5"
    )
    assert result_o5.variable_name == "o5_tpr"
    wards["o5_tpr"] = 0.0
    joined, rep = join_tpr_to_wards(wards, result_o5)
    assert joined.loc[1, "o5_tpr"] == 20.0
    assert any("already had a column o5_tpr" in w for w in rep["warnings"])
