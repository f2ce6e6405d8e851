"""A file format the chat cannot make is said so, with what can be made instead as one-tap
choices that do what they say; for a GIS format (shapefile, KML) the wards with their
boundaries as GeoJSON come first."""

from __future__ import annotations

import pytest

from chatmrpt.chat.dialogue import Facts
from tests.unit.chat_corpus import NORTH_WARDS, decide_after_analysis

FACTS = Facts(analysis_variables=("u5_tpr_rdt", "rainfall", "housing_quality"),
              ward_count=len(NORTH_WARDS))


def run(text):
    return decide_after_analysis(text, FACTS)


@pytest.mark.parametrize("text", ["I need the shapefile", "the kml pls",
                                  "export the wards as a shapefile"])
def test_a_gis_format_offers_geojson_first(text):
    steps, d = run(text)
    assert steps == [], d.text
    assert "GeoJSON" in d.text and "QGIS" in d.text
    assert d.choices[0]["params"] == {"what": "unified", "format": "geojson"}


@pytest.mark.parametrize("text", ["pdf of the report pls", "export the rankings as word"])
def test_another_format_names_what_can_be_made(text):
    steps, d = run(text)
    assert steps == [], d.text
    assert "cannot make a" in d.text and "GeoJSON" in d.text
    assert {c["params"]["what"] for c in d.choices} == {"report", "rankings"}


def test_the_choices_round_trip():
    _, d = run("I need the shapefile")
    for choice in d.choices:
        steps, _ = run(choice["label"])
        assert steps == [(choice["tool"], choice["params"])], choice
