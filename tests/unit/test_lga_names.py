"""LGA names from a deployment's code,name table (CHATMRPT_LGA_NAMES_FILE)."""

from __future__ import annotations

import pandas as pd
import pytest

from chatmrpt.analysis.lga_names import read_lga_names, with_lga_names
from chatmrpt.config import load_settings
from chatmrpt.errors import InputError


def test_codes_get_names_and_unknown_codes_keep_theirs(tmp_path):
    path = tmp_path / "lgas.csv"
    path.write_text("code,name\n20001,First test name\n20043,Second test name\n")
    names = read_lga_names(path)
    assert names == {"20001": "First test name", "20043": "Second test name"}
    wards = pd.DataFrame({"WardName": ["a", "b", "c", "d"],
                          "LGACode": [20001, 20043.0, "20012", None]})
    named = with_lga_names(wards, names)
    assert named["LGA"].tolist()[:3] == ["First test name", "Second test name", "20012"]
    assert pd.isna(named["LGA"].iloc[3])
    assert list(named.columns) == ["WardName", "LGA", "LGACode"]
    assert "LGA" not in wards.columns  # the input frame is not changed


def test_a_table_that_names_its_lgas_is_left_alone(tmp_path):
    path = tmp_path / "lgas.csv"
    path.write_text("LGACode,LGA\n20001,From the file\n")
    wards = pd.DataFrame({"LGA": ["Own name"], "LGACode": ["20001"]})
    assert with_lga_names(wards, read_lga_names(path)) is wards
    no_match = pd.DataFrame({"LGACode": ["99999"]})
    assert with_lga_names(no_match, read_lga_names(path)) is no_match


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("lga,population\nA,5\n", "needs two columns, code and name"),
        ("code,name\n1,A\n1,B\n", "gives two names for LGA code 1"),
    ],
)
def test_a_bad_names_file_is_a_clear_error(tmp_path, content, why):
    path = tmp_path / "lgas.csv"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read_lga_names(path)
    assert why in err.value.message and "CHATMRPT_LGA_NAMES_FILE" in err.value.message


def test_a_missing_names_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as err:
        read_lga_names(tmp_path / "absent.csv")
    assert "is missing" in err.value.message


def test_the_setting_is_read_from_the_environment(tmp_path):
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_LGA_NAMES_FILE": "n.csv"})
    assert settings.lga_names_file == tmp_path / "n.csv"
    assert load_settings({"CHATMRPT_HOME": str(tmp_path)}).lga_names_file is None
