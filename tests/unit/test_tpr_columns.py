"""Recognising DHIS2 facility-export columns, periods and facility levels."""

from __future__ import annotations

import datetime as dt

import pytest

from chatmrpt.analysis.tpr_columns import (
    COUNT_ROLES,
    classify_column,
    classify_count_column,
    facility_level_category,
    fix_mojibake,
    header_score,
    parse_period,
    recognise_columns,
)

GE = "\u2265"
MOJIBAKE_GE = GE.encode("utf-8").decode("cp1252")  # "â‰¥"


@pytest.mark.parametrize(
    ("header", "role"),
    [
        # the names the demo export and NMEP exports use
        ("Persons presenting with fever & tested by RDT <5yrs", "rdt_tested_u5"),
        (f"Persons presenting with fever & tested by RDT {GE}5yrs (excl PW)", "rdt_tested_o5"),
        ("Persons presenting with fever & tested by RDT Preg Women (PW)", "rdt_tested_pw"),
        ("Persons presenting with fever and tested by Microscopy <5yrs", "microscopy_tested_u5"),
        (
            f"Persons presenting with fever and tested by Microscopy {GE}5yrs (excl PW)",
            "microscopy_tested_o5",
        ),
        (
            "Persons presenting with fever and tested by Microscopy Preg Women (PW)",
            "microscopy_tested_pw",
        ),
        ("Persons tested positive for malaria by RDT <5yrs", "rdt_positive_u5"),
        (f"Persons tested positive for malaria by RDT {GE}5yrs (excl PW)", "rdt_positive_o5"),
        ("Persons tested positive for malaria by RDT Preg Women (PW)", "rdt_positive_pw"),
        ("Persons tested positive for malaria by Microscopy <5yrs", "microscopy_positive_u5"),
        (
            f"Persons tested positive for malaria by Microscopy {GE}5yrs (excl PW)",
            "microscopy_positive_o5",
        ),
        (
            "Persons tested positive for malaria by Microscopy Preg Women (PW)",
            "microscopy_positive_pw",
        ),
        # "&" / "and", spacing and case
        ("Persons presenting with fever and tested by RDT <5yrs", "rdt_tested_u5"),
        ("PERSONS PRESENTING WITH FEVER & TESTED BY RDT  < 5 yrs", "rdt_tested_u5"),
        ("persons presenting with fever & tested by rdt u5", "rdt_tested_u5"),
        ("Persons tested positive for malaria by RDT Under 5", "rdt_positive_u5"),
        # the other spellings of five and over
        ("Persons presenting with fever & tested by RDT >=5yrs (excl PW)", "rdt_tested_o5"),
        (f"Persons presenting with fever & tested by RDT {GE} 5yrs (excl PW)", "rdt_tested_o5"),
        (
            f"Persons presenting with fever & tested by RDT  {MOJIBAKE_GE}5yrs (excl PW)",
            "rdt_tested_o5",
        ),
        (
            "Persons tested positive for malaria by RDT >= 5 yrs excluding pregnant women",
            "rdt_positive_o5",
        ),
        (
            "Persons tested positive for malaria by Microscopy 5yrs and above",
            "microscopy_positive_o5",
        ),
        # a "≥" lost to "?" still says "(excl PW)"
        ("Persons tested positive for malaria by RDT ?5yrs (excl PW)", "rdt_positive_o5"),
        # pregnant women spelled out
        ("Persons tested positive for malaria by RDT pregnant women", "rdt_positive_pw"),
        # codes in front of the name, short NMEP forms
        ("MAL-01a Persons presenting with fever & tested by RDT <5yrs", "rdt_tested_u5"),
        ("[r6WOvUlcQm6] Persons fever tested by RDT PW", "rdt_tested_pw"),
        ("Positive by Microscopy >=5yrs (excl PW)", "microscopy_positive_o5"),
        # the role names themselves
        ("rdt_tested_u5", "rdt_tested_u5"),
        ("microscopy_positive_pw", "microscopy_positive_pw"),
    ],
)
def test_data_element_variants(header, role):
    assert classify_count_column(header) == role


@pytest.mark.parametrize(
    "header",
    [
        "Test Positivity Rate(TPR) (RDT)",
        "% of Fever cases tested positive with RDT",
        "Persons Clinically diagnosed with Malaria treated with ACT <5yrs",
        "Persons with fever <5yrs",  # no test method
        "Persons presenting with fever & tested by RDT",  # no age group
        "Persons tested positive by RDT and Microscopy <5yrs",  # two methods
        "orgunitlevel1",
        "Malaria report, Kano State, 2024",
    ],
)
def test_not_a_test_count(header):
    assert classify_count_column(header) is None


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("orgunitlevel2", "state"),
        ("orgunitlevel3", "lga"),
        ("orgunitlevel4", "ward"),
        ("organisationunitname", "facility"),
        ("periodname", "period"),
        ("Period", "period"),
        ("FacilityLevel", "facility_level"),
        ("facility_level", "facility_level"),
        ("level", "facility_level"),
        ("Facility Type", "facility_level"),
        ("LGA", "lga"),
        ("Ward Name", "ward"),
        ("Health Facility", "facility"),
    ],
)
def test_org_unit_headers(header, role):
    assert classify_column(header) == role


def test_mojibake_repair_keeps_correct_text():
    assert fix_mojibake(MOJIBAKE_GE + "5yrs") == GE + "5yrs"
    assert fix_mojibake("Ã©cole " + GE) == "école " + GE
    twice = MOJIBAKE_GE.encode("utf-8").decode("cp1252")
    assert fix_mojibake(twice) == GE
    assert fix_mojibake("plain ascii") == "plain ascii"


def test_recognise_prefers_organisationunitname_and_reports_conflicts():
    cols = [
        "orgunitlevel5",
        "organisationunitname",
        "Persons presenting with fever & tested by RDT <5yrs",
        "Persons presenting with fever and tested by RDT u5",
        "Persons tested positive for malaria by RDT <5yrs",
        "Notes",
    ]
    cmap = recognise_columns(cols)
    assert cmap.roles["facility"] == "organisationunitname"
    assert "rdt_tested_u5" not in cmap.roles
    assert cmap.conflicts["rdt_tested_u5"] == cols[2:4]
    assert cmap.roles["rdt_positive_u5"] == cols[4]
    assert "Notes" in cmap.ignored and "orgunitlevel5" in cmap.ignored


def test_overrides_win_and_resolve_conflicts():
    cols = ["Ward", "Area", "A", "B", "Persons tested positive for malaria by RDT <5yrs"]
    cmap = recognise_columns(cols, {"ward": "Area", "rdt_tested_u5": "A", "lga": "B"})
    assert cmap.roles["ward"] == "Area"
    assert cmap.roles["rdt_tested_u5"] == "A"
    assert cmap.roles["lga"] == "B"
    assert cmap.overridden == ["lga", "ward", "rdt_tested_u5"]
    # the recognised "Ward" column does not also take the role
    assert "Ward" in cmap.ignored


def test_every_count_role_is_recognised_by_its_own_name():
    for role in COUNT_ROLES:
        assert classify_count_column(role) == role


def test_header_score_finds_header_not_title():
    assert header_score(["Malaria data, Kano 2024", None, None]) == 0
    assert header_score(["orgunitlevel3", "orgunitlevel4", "periodname", "x"]) == 3
    assert header_score(["Area", "Count"], extra=["Area"]) == 1


@pytest.mark.parametrize(
    ("value", "key", "year"),
    [
        ("January 2024", "2024-01", 2024),
        ("Jan 2024", "2024-01", 2024),
        ("Sept 2023", "2023-09", 2023),
        ("202401", "2024-01", 2024),
        (202412, "2024-12", 2024),
        ("2024-01", "2024-01", 2024),
        ("2024/3", "2024-03", 2024),
        ("03/2024", "2024-03", 2024),
        ("2024-01-15", "2024-01", 2024),
        (dt.date(2022, 7, 1), "2022-07", 2022),
        (dt.datetime(2022, 7, 9, 10, 0), "2022-07", 2022),
        ("2024Q2", "2024Q2", 2024),
        ("Q3 2021", "2021Q3", 2021),
        ("2023", "2023", 2023),
        ("Week 3 of 2023", "Week 3 of 2023", 2023),
        ("no date", "no date", None),
    ],
)
def test_periods(value, key, year):
    assert parse_period(value) == (key, year)


def test_same_month_spelled_four_ways_is_one_period():
    keys = {parse_period(v)[0] for v in ("January 2024", "Jan 2024", "202401", "2024-01")}
    assert keys == {"2024-01"}


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("Primary", "primary"),
        ("primary health care", "primary"),
        ("PHC", "primary"),
        ("Health Post", "primary"),
        ("Comprehensive Health Centre", "primary"),
        ("Secondary", "secondary"),
        ("General Hospital", "secondary"),
        ("Cottage Hospital", "secondary"),
        ("Tertiary", "tertiary"),
        ("Teaching Hospital", "tertiary"),
        ("Federal Medical Centre", "tertiary"),
        ("FMC", "tertiary"),
        ("2", "secondary"),
        ("Private", None),
        (None, None),
    ],
)
def test_facility_levels(value, level):
    assert facility_level_category(value) == level
